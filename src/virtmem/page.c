/*
 * page.c - the pages of the file handles over one RAM: their state, the
 * LRU and the cap, and their undo records.
 *
 * A page is created with a RAM slot when first needed, filled by loadblk
 * (EMPTY -> LOADING -> LOADED), dirtied by writes, marked stored by
 * writeout, and freed on reclaim, discard, invalidation or close.  The
 * page counters of the RAM and the handle, the handle's dirty list and the
 * RAM's LRU follow every transition; this file is the only one that writes
 * any of them, a page's state, pins or undo records (vma.c keeps
 * page->refcnt, the count of its mappings).
 *
 * The RAM as callers see it -- ram.c's slots under a cap, with the least
 * recently used clean page giving its slot up when the cap is reached -- is
 * made here too: the cap and the LRU are decisions about pages.
 *
 * Undo records: each page keeps a stack of them (newest, highest level
 * first), one per savepoint level in which it changed; page->wlevel is the
 * level of its last change.  A record says how the page was when its level
 * opened: dirty (with its bytes then, or copy == NULL when the current
 * bytes are still those) or clean (then rollback drops the page so it
 * reloads from the file).  Stores alone never copy bytes: a writeout that
 * marks a page stored pushes a record with copy == NULL; the copy is taken
 * at the first write after, for every record still relying on the current
 * bytes, or before a page dropped since (fileh_drop_clean_page) is loaded
 * again over them.  Every record is also on its handle's undo journal, in
 * push order, which savepoint.c walks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtmem_int.h"

/* ---- the RAM: slots under a cap ---- */

RAM *
ram_new(size_t pagesize, size_t max_pages)
{
	RAM		   *ram = calloc(1, sizeof(*ram));

	if (ram == NULL)
		return NULL;
	if (ram_slots_init(ram, pagesize) < 0)
	{
		int			saved = errno;

		free(ram);
		errno = saved;
		return NULL;
	}
	ram->max_pages = max_pages;
	list_init(&ram->lru);
	vma_read_limits();
	return ram;
}

void
ram_close(RAM *ram)
{
	if (ram == NULL)
		return;
	ram_slots_release(ram);
	free(ram);
}

size_t
ram_pagesize(const RAM *ram)
{
	return ram->pagesize;
}

void
ram_get_stats(const RAM *ram, struct ram_stats *stats)
{
	stats->pagesize = ram->pagesize;
	stats->max_pages = ram->max_pages;
	stats->npages = ram->nslots_held;
	stats->npages_peak = ram->nslots_held_peak;
	stats->ndirty = ram->ndirty;
	stats->npinned = ram->npinned;
	stats->nloads = ram->nloads;
	stats->nreclaimed = ram->nreclaimed;
}

/*
 * Reclaim up to npages pages from the head of the LRU.  Returns how many
 * were reclaimed.
 */
static size_t
reclaim_lru(RAM *ram, size_t npages)
{
	struct list_head *pos,
			   *tmp;
	size_t		done = 0;

	list_for_each_safe(pos, tmp, &ram->lru)
	{
		if (done == npages)
			break;
		page_free(list_entry(pos, VMPage, lru));
		ram->nreclaimed++;
		done++;
	}
	return done;
}

void
ram_set_max_pages(RAM *ram, size_t max_pages)
{
	ram->max_pages = max_pages;
	if (max_pages != 0 && ram->nslots_held > max_pages)
		reclaim_lru(ram, ram->nslots_held - max_pages);
}

/*
 * The system is short of memory: give back a batch of clean pages whatever
 * the cap (a RAM within its cap may still be more than the system can
 * spare), or down to a lowered cap if that is more.
 */
int
ram_reclaim(RAM *ram)
{
	size_t		want = RAM_RECLAIM_BATCH;

	if (ram->max_pages != 0 && ram->nslots_held > ram->max_pages + want)
		want = ram->nslots_held - ram->max_pages;
	return (int) reclaim_lru(ram, want);
}

static vm_pgoff_t page_free_keep_slot(VMPage *page);

/*
 * Take a slot for a new page.  At the cap, the least recently used clean
 * page is reclaimed and its slot handed over as is: punching its memory and
 * then allocating and zeroing as much again would be most of what a load
 * costs (the bytes left in it are overwritten).  Fails with ENOMEM when
 * every page is dirty, pinned or otherwise held, or when the OS refuses
 * memory.
 */
static int
page_take_slot(RAM *ram, vm_pgoff_t *slot)
{
	if (ram->max_pages == 0 || ram->nslots_held < ram->max_pages)
		return ram_slot_alloc(ram, slot);

	/* pages above a lowered cap are dropped for good */
	if (ram->nslots_held > ram->max_pages)
		reclaim_lru(ram, ram->nslots_held - ram->max_pages);
	if (ram->nslots_held > ram->max_pages || list_empty(&ram->lru))
	{
		errno = ENOMEM;
		return -1;
	}
	*slot = page_free_keep_slot(list_entry(ram->lru.next, VMPage, lru));
	ram->nreclaimed++;
	return 0;
}

/* ---- the LRU ---- */

/* Would a rollback need this page's bytes (a record of a dirty page)? */
static bool
page_undo_needs_bytes(const VMPage *page)
{
	for (const PageUndo *rec = page->undo; rec != NULL; rec = rec->next)
	{
		if (rec->was_dirty)
			return true;
	}
	return false;
}

/*
 * Put page on or off the LRU according to whether it may be reclaimed: clean,
 * unpinned, and not the only copy of bytes a rollback would restore.  Undo
 * records that say "clean when the level opened" need no bytes (rollback
 * drops such a page), so they do not keep a page in memory: one savepoint
 * level can change more pages than the RAM holds.
 */
static void
page_lru_update(VMPage *page)
{
	bool		candidate = page->state == PAGE_LOADED &&
		page->pincnt == 0 && !page_undo_needs_bytes(page);
	bool		listed = !list_empty(&page->lru);

	if (candidate && !listed)
		list_add_tail(&page->lru, &page->ram->lru);
	else if (!candidate && listed)
		list_del_init(&page->lru);
}

void
page_lru_touch(VMPage *page)
{
	if (!list_empty(&page->lru))
	{
		list_del_init(&page->lru);
		list_add_tail(&page->lru, &page->ram->lru);
	}
}

/* ---- undo records ---- */

static void
undo_pop(VMPage *page)
{
	PageUndo   *rec = page->undo;

	page->undo = rec->next;
	list_del_init(&rec->in_journal);
	free(rec->copy);
	free(rec);
}

static void
undo_free_all(VMPage *page)
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
	list_add_tail(&rec->in_journal, &fileh->undo_journal);
	page->undo = rec;
	page->wlevel = level;
	page_lru_update(page);
	return 0;
}

/*
 * Copy the page's bytes for every record that relies on them staying as
 * they are: before a write, or before an EMPTY page -- whose slot still
 * holds the bytes it had when dropped -- is loaded again.  Fails with
 * ENOMEM, or EIO if the bytes cannot be read.
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

/* ---- life cycle ---- */

/* The parts of a page that bytes [from, to) of it fall in (from < to). */
static uint64_t
parts_covering(const RAM *ram, size_t from, size_t to)
{
	size_t		part = ram->pagesize / VM_PAGE_PARTS;
	unsigned	first = (unsigned) (from / part);
	unsigned	last = (unsigned) ((to - 1) / part);
	uint64_t	upto_last = last == VM_PAGE_PARTS - 1 ?
		VM_PAGE_ALL_PARTS : (UINT64_C(1) << (last + 1)) - 1;

	return upto_last & ~((UINT64_C(1) << first) - 1);
}

/*
 * Load the parts of the page in mask into its slot, through the RAM's
 * bounce buffer (virtmem keeps no mapping of its own of the slots: see
 * ram.c): the whole page with loadblk, or each run of parts with
 * loadblk_part.  The bytes to load are zeroed first: loadblk is promised
 * zeroed memory (it may leave what is past the stored data), and the
 * buffer last held another page's bytes.  Zeroing a buffer that stays in
 * cache costs a few percent of a load.  A run of parts goes to the start
 * of the buffer, wherever it lies in the page: a small load then touches
 * only the buffer's first bytes, which earlier loads brought into memory
 * (a first touch of one of its OS pages is a page fault, tens of
 * microseconds on some virtual machines).
 */
static int
page_load_parts(VMPage *page, uint64_t mask)
{
	BigFile    *file = page->fileh->file;
	RAM		   *ram = page->ram;
	size_t		part = ram->pagesize / VM_PAGE_PARTS;
	int			err = 0;

	ram->nloads++;
	if (mask == VM_PAGE_ALL_PARTS)
	{
		memset(ram->bounce, 0, ram->pagesize);
		virtmem_busy++;
		err = file->file_ops->loadblk(file, page->f_pgoffset, ram->bounce);
		virtmem_busy--;
		if (err == 0 && ram_slot_write(ram, page->ram_pgoffset, ram->bounce) < 0)
			err = -1;
		return err;
	}
	for (unsigned p = 0; p < VM_PAGE_PARTS && err == 0;)
	{
		unsigned	end = p;

		if (!((mask >> p) & 1))
		{
			p++;
			continue;
		}
		while (end < VM_PAGE_PARTS && ((mask >> end) & 1))
			end++;
		memset(ram->bounce, 0, (end - p) * part);
		virtmem_busy++;
		err = file->file_ops->loadblk_part(file, page->f_pgoffset, p * part,
										   (end - p) * part, ram->bounce);
		virtmem_busy--;
		if (err == 0 &&
			ram_slot_write_range(ram, page->ram_pgoffset, p * part, (end - p) * part,
								 ram->bounce) < 0)
			err = -1;
		p = end;
	}
	return err;
}

/*
 * Load the parts of want the page lacks (a page being loaded anew has
 * none).  If the page was invalidated while the storage was loading it,
 * what was loaded may be stale, and so may the parts it had: load the whole
 * page again.  On failure a partly loaded page keeps the parts it had.
 */
static int
page_fill(VMPage *page, uint64_t want)
{
	uint64_t	have = page->state == PAGE_LOADED ? page->valid_parts : 0;
	int			err;

	if (page->fileh->file->file_ops->loadblk_part == NULL)
		want = VM_PAGE_ALL_PARTS;
	for (;;)
	{
		page->state = PAGE_LOADING;
		err = page_load_parts(page, want & ~have);
		if (err != 0 || page->state != PAGE_LOADING_INVALIDATED)
			break;
		have = 0;
		want = VM_PAGE_ALL_PARTS;
	}
	if (err != 0)
	{
		page->state = have != 0 ? PAGE_LOADED : PAGE_EMPTY;
		errno = EIO;
		return -1;
	}
	page->valid_parts = have | want;
	page->state = PAGE_LOADED;
	page_lru_update(page);
	return 0;
}

int
page_load(BigFileH *fileh, vm_pgoff_t pgoffset, VMPage **pagep)
{
	return page_load_range(fileh, pgoffset, 0, fileh->ram->pagesize, pagep);
}

int
page_load_range(BigFileH *fileh, vm_pgoff_t pgoffset, size_t from, size_t to,
				VMPage **pagep)
{
	VMPage	   *page = pagetab_get(fileh->pagetab, pgoffset);
	uint64_t	want = parts_covering(fileh->ram, from, to);
	vm_pgoff_t	slot;

	if (page != NULL)
	{
		if (page->state == PAGE_LOADING || page->state == PAGE_LOADING_INVALIDATED)
			virtmem_bug("page_load: page is already being loaded (reentrant access)");
		/* kept on failure: it holds undo records */
		if (page->state == PAGE_EMPTY &&
			(undo_copy_current_bytes(page) < 0 ||
			 page_fill(page, VM_PAGE_ALL_PARTS) < 0))
			return -1;
		/* a second access to a partly loaded page: load the whole of it */
		if (page->state == PAGE_LOADED && (want & ~page->valid_parts) != 0 &&
			page_fill(page, VM_PAGE_ALL_PARTS) < 0)
		{
			int			saved = errno;

			/* invalidated and then failed: nothing of it is left */
			if (page->state == PAGE_EMPTY)
				page_free(page);
			errno = saved;
			return -1;
		}
		*pagep = page;
		return 0;
	}

	page = calloc(1, sizeof(*page));
	if (page == NULL)
	{
		errno = ENOMEM;
		return -1;
	}
	if (page_take_slot(fileh->ram, &slot) < 0)
	{
		free(page);
		return -1;
	}
	page->state = PAGE_EMPTY;
	page->fileh = fileh;
	page->f_pgoffset = pgoffset;
	page->ram = fileh->ram;
	page->ram_pgoffset = slot;
	list_init(&page->lru);
	list_init(&page->in_dirty);
	if (pagetab_put(fileh->pagetab, page) < 0)
	{
		ram_slot_free(fileh->ram, slot);
		free(page);
		return -1;
	}

	if (page_fill(page, want) < 0)
	{
		int			saved = errno;

		page_free(page);
		errno = saved;
		return -1;
	}
	*pagep = page;
	return 0;
}

static void
page_mark_dirty(VMPage *page)
{
	if (page->state == PAGE_DIRTY)
		return;
	page->state = PAGE_DIRTY;
	list_add_tail(&page->in_dirty, &page->fileh->dirty_pages);
	page->fileh->ndirty++;
	page->ram->ndirty++;
	page_lru_update(page);
}

static void
page_leave_dirty_list(VMPage *page)
{
	if (page->state != PAGE_DIRTY)
		return;
	list_del_init(&page->in_dirty);
	page->fileh->ndirty--;
	page->ram->ndirty--;
}

int
page_prepare_write(VMPage *page)
{
	if (page_write_allowed(page))
		return 0;
	if (page->state == PAGE_LOADED && page->valid_parts != VM_PAGE_ALL_PARTS)
		virtmem_bug("page_prepare_write: page is only partly loaded");
	if (undo_record(page) < 0 || undo_copy_current_bytes(page) < 0)
		return -1;
	page_mark_dirty(page);
	return 0;
}

int
page_mark_stored(VMPage *page)
{
	if (undo_record(page) < 0)
		return -1;
	page_write_protect_all(page);
	page_leave_dirty_list(page);
	page->state = PAGE_LOADED;
	page_lru_update(page);
	return 0;
}

void
page_drop_content(VMPage *page)
{
	if (page->undo == NULL)
	{
		page_free(page);
		return;
	}
	page_unmap_all(page);
	page_leave_dirty_list(page);
	page->state = PAGE_EMPTY;
	page->valid_parts = 0;
	page_lru_update(page);
}

/*
 * Remove the page entirely -- mappings, undo records, table entry -- but for
 * its slot, which is returned still held, for the caller to reuse or give
 * back.
 */
static vm_pgoff_t
page_free_keep_slot(VMPage *page)
{
	BigFileH   *fileh = page->fileh;
	vm_pgoff_t	slot = page->ram_pgoffset;

	if (page->state == PAGE_LOADING || page->state == PAGE_LOADING_INVALIDATED)
		virtmem_bug("page_free: page is being loaded");
	page_unmap_all(page);
	undo_free_all(page);
	page_leave_dirty_list(page);
	if (page->pincnt > 0)
		page->ram->npinned--;
	list_del_init(&page->lru);
	pagetab_remove(fileh->pagetab, page->f_pgoffset);
	free(page);
	return slot;
}

void
page_free(VMPage *page)
{
	RAM		   *ram = page->ram;

	ram_slot_free(ram, page_free_keep_slot(page));
}

/* ---- pins ---- */

void
page_pin(VMPage *page)
{
	if (page->pincnt++ == 0)
	{
		page->ram->npinned++;
		page_lru_update(page);
	}
}

void
page_unpin(VMPage *page)
{
	if (--page->pincnt == 0)
	{
		page->ram->npinned--;
		/* unpinned, a partly loaded page must fault on its next access */
		if (page->state == PAGE_LOADED && page->valid_parts != VM_PAGE_ALL_PARTS)
			page_unmap_all(page);
		page_lru_update(page);
	}
}

/* ---- mapping under the budget of kernel memory areas ---- */

/*
 * Unmap pages of keep's RAM until at most target pages are mapped: clean
 * pages from the least recently used on, then unpinned dirty pages of keep's
 * handle.  Unmapped pages stay in RAM and are mapped again on next access.
 */
static void
unmap_pages_down_to(size_t target, const VMPage *keep)
{
	struct list_head *pos,
			   *tmp;

	list_for_each_safe(pos, tmp, &keep->ram->lru)
	{
		VMPage	   *page = list_entry(pos, VMPage, lru);

		if (vma_pages_mapped() <= target)
			return;
		if (page != keep)
			page_unmap_all(page);
	}
	list_for_each_safe(pos, tmp, &keep->fileh->dirty_pages)
	{
		VMPage	   *page = list_entry(pos, VMPage, in_dirty);

		if (vma_pages_mapped() <= target)
			return;
		if (page != keep && page->pincnt == 0)
			page_unmap_all(page);
	}
}

/*
 * A new mapping over the budget first unmaps an eighth of the budget's
 * pages (so the scan is paid once per many mappings).  If the kernel still
 * runs out of areas, half the mapped pages are unmapped and the call
 * retried once.
 */
int
page_map(VMA *vma, size_t idx, VMPage *page, bool writable)
{
	if (!vma_page_mapped(vma, idx) && vma_pages_mapped() >= vma_map_budget())
		unmap_pages_down_to(vma_map_budget() - vma_map_budget() / 8, page);

	if (vma_map_page(vma, idx, page, writable) < 0)
	{
		if (errno != ENOMEM)
			return -1;
		unmap_pages_down_to(vma_pages_mapped() / 2, page);
		if (vma_map_page(vma, idx, page, writable) < 0)
			return -1;
	}
	return 0;
}

/* ---- rollback and release of a page's newest record (savepoint.c) ---- */

void
page_undo_rollback(VMPage *page)
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
		page->valid_parts = VM_PAGE_ALL_PARTS;
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
page_undo_release(VMPage *page)
{
	PageUndo   *rec = page->undo;
	unsigned	level = rec->level;

	page->wlevel = level - 1;

	/*
	 * The enclosing level keeps its own record if it has one (it is older);
	 * else this one now describes the page at that level's opening.  Level 0
	 * keeps no records.
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
