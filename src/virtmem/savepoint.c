/*
 * savepoint.c - the undo levels of a file handle, and its undo journal.
 *
 * A handle has savepoint_depth open levels.  The undo records themselves
 * belong to their pages (page.c pushes and pops them); the handle keeps
 * every one of them on its undo journal in push order.  A level opens after
 * all records of the levels below it were pushed, and release relabels the
 * innermost level's records to the one below, so the journal's levels never
 * decrease: the records of the innermost level are its tail, and rollback
 * and release visit just those.
 */
#include <errno.h>
#include <limits.h>

#include "virtmem_int.h"

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

void
fileh_rollback_savepoint(BigFileH *fileh)
{
	struct list_head *journal = &fileh->undo_journal;
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
		page_undo_rollback(rec->page);
	}
	fileh->savepoint_depth--;
}

void
fileh_release_savepoint(BigFileH *fileh)
{
	struct list_head *journal = &fileh->undo_journal;
	struct list_head *pos;
	unsigned	level = fileh->savepoint_depth;

	if (level == 0)
		virtmem_bug("fileh_release_savepoint: no savepoint open");

	for (pos = journal->prev; pos != journal;)
	{
		PageUndo   *rec = list_entry(pos, PageUndo, in_journal);

		if (rec->level != level)
			break;
		if (rec->page->undo != rec)
			virtmem_bug("release: undo record is not its page's newest");
		/* the record may leave the journal, its page may be freed */
		pos = pos->prev;
		page_undo_release(rec->page);
	}
	fileh->savepoint_depth--;
}
