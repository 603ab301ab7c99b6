/*
 * savepoint.c - nested undo levels of a file handle.
 *
 * A handle has savepoint_depth open levels.  Each page remembers in wlevel
 * the level of its last change, and keeps a stack of undo records (newest,
 * highest level first), one per level in which it changed.  A record says
 * how the page was when its level opened: dirty (with its bytes then, or
 * copy == NULL when the current bytes are still those) or clean (then
 * rollback drops the page so it reloads from the file).
 *
 * Stores alone never copy bytes: a writeout that marks a page stored pushes
 * a record with copy == NULL; the copy is taken at the first write after,
 * for every record still relying on the current bytes, or before a page
 * dropped since (fileh_drop_clean_page) is loaded again over them.
 *
 * Every record is also on the handle's undo journal in push order.  A level
 * opens after all records of the levels below it were pushed, and release
 * relabels the innermost level's records to the one below, so the journal's
 * levels never decrease: the records of the innermost level are its tail,
 * and rollback and release visit just those.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "virtmem_int.h"

static inline struct list_head *
undo_journal(const BigFileH *fileh)
{
	return &fileh->pagetab->undo_journal;
}

static void
undo_pop(VMPage *page)
{
	PageUndo   *rec = page->undo;

	page->undo = rec->next;
	list_del_init(&rec->in_journal);
	free(rec->copy);
	free(rec);
}

bool
page_undo_needs_bytes(const VMPage *page)
{
	for (const PageUndo *rec = page->undo; rec != NULL; rec = rec->next)
	{
		if (rec->was_dirty)
			return true;
	}
	return false;
}

void
page_undo_free_all(VMPage *page)
{
	while (page->undo != NULL)
		undo_pop(page);
	page->wlevel = 0;
}

/*
 * Before the first change of the page at the current level, record how the
 * page is now.  Fails with ENOMEM.
 */
static int
undo_record(VMPage *page)
{
	BigFileH   *fileh = page->fileh;
	unsigned	level = fileh->savepoint_depth;
	PageUndo   *rec;

	if (level == 0 || page->wlevel >= level)
		return 0;
	rec = malloc(sizeof(*rec));
	if (rec == NULL)
	{
		errno = ENOMEM;
		return -1;
	}
	rec->level = level;
	rec->was_dirty = page->state == PAGE_DIRTY;
	rec->copy = NULL;
	rec->next = page->undo;
	rec->page = page;
	list_add_tail(&rec->in_journal, undo_journal(fileh));
	page->undo = rec;
	page->wlevel = level;
	page_lru_update(page);
	return 0;
}

/*
 * Copy the page's bytes for every record that relies on them staying as
 * they are.  Fails with ENOMEM, or EIO if the bytes cannot be read.
 */
static int
undo_copy_current_bytes(VMPage *page)
{
	for (PageUndo *rec = page->undo; rec != NULL; rec = rec->next)
	{
		if (!rec->was_dirty || rec->copy != NULL)
			continue;
		rec->copy = malloc(page->ram->pagesize);
		if (rec->copy == NULL)
		{
			errno = ENOMEM;
			return -1;
		}
		if (ram_slot_read(page->ram, page->ram_pgoffset, rec->copy) < 0)
		{
			free(rec->copy);
			rec->copy = NULL;
			return -1;
		}
	}
	return 0;
}

/*
 * The page is about to be written at the current level: record it, and
 * keep the bytes its records rely on.  Fails with ENOMEM, or EIO if the
 * bytes cannot be read, leaving the page unchanged.
 */
int
savepoint_before_write(VMPage *page)
{
	if (undo_record(page) < 0)
		return -1;
	return undo_copy_current_bytes(page);
}

/*
 * An EMPTY page is about to be loaded again: its slot still holds the bytes
 * it had when it was dropped, which its records may rely on; keep them.
 */
int
savepoint_before_reload(VMPage *page)
{
	return undo_copy_current_bytes(page);
}

/* The dirty page is about to be marked stored at the current level. */
int
savepoint_before_markstored(VMPage *page)
{
	return undo_record(page);
}

int
fileh_savepoint(BigFileH *fileh)
{
	struct list_head *pos,
			   *tmp;

	if (fileh->savepoint_depth >= INT_MAX)
	{
		errno = ENOMEM;
		return -1;
	}
	fileh->savepoint_depth++;

	/* dirty pages were changed below this level: their next write must fault */
	list_for_each_safe(pos, tmp, &fileh->dirty_pages)
		page_write_protect_all(list_entry(pos, VMPage, in_dirty));
	return (int) fileh->savepoint_depth;
}

/* Put the page back as its top record says, and drop the record. */
static void
undo_apply(VMPage *page)
{
	PageUndo   *rec = page->undo;
	bool		was_dirty = rec->was_dirty;

	if (was_dirty)
	{
		/* without a copy the slot holds the bytes, even if the page is EMPTY */
		if (rec->copy != NULL &&
			ram_slot_write(page->ram, page->ram_pgoffset, rec->copy) < 0)
			virtmem_bug("rollback: cannot restore page content");
		/* a write at the enclosing level may need a record of its own */
		page_write_protect_all(page);
		page->state = page->state == PAGE_EMPTY ? PAGE_LOADED : page->state;
		page_mark_dirty(page);
	}
	undo_pop(page);
	page->wlevel = page->undo != NULL ? page->undo->level : 0;
	if (!was_dirty)
		page_drop_content(page);	/* may free the page */
	else
		page_lru_update(page);
}

void
fileh_rollback_savepoint(BigFileH *fileh)
{
	struct list_head *journal = undo_journal(fileh);
	unsigned	level = fileh->savepoint_depth;

	if (level == 0)
		virtmem_bug("fileh_rollback_savepoint: no savepoint open");
	while (!list_empty(journal))
	{
		PageUndo   *rec = list_entry(journal->prev, PageUndo, in_journal);

		if (rec->level != level)
			break;
		if (rec->page->undo != rec)
			virtmem_bug("rollback: undo record is not its page's newest");
		undo_apply(rec->page);
	}
	fileh->savepoint_depth--;
}

void
fileh_release_savepoint(BigFileH *fileh)
{
	struct list_head *journal = undo_journal(fileh);
	struct list_head *pos;
	unsigned	level = fileh->savepoint_depth;

	if (level == 0)
		virtmem_bug("fileh_release_savepoint: no savepoint open");

	for (pos = journal->prev; pos != journal;)
	{
		PageUndo   *rec = list_entry(pos, PageUndo, in_journal);
		VMPage	   *page = rec->page;

		if (rec->level != level)
			break;
		pos = pos->prev;
		page->wlevel = level - 1;

		/*
		 * The enclosing level keeps its own record if it has one (it is
		 * older); else this one now describes the page at that level's
		 * opening.  Level 0 keeps no records.
		 */
		if (level - 1 == 0 || (rec->next != NULL && rec->next->level == level - 1))
		{
			undo_pop(page);
			/* a page dropped and kept only for its records has none to keep */
			if (page->state == PAGE_EMPTY && page->undo == NULL)
				page_free(page);
			else
				page_lru_update(page);
		}
		else
			rec->level = level - 1;
	}
	fileh->savepoint_depth--;
}
