/*
 * page.c - the pages of the file handles over one RAM: their state, the
 * LRU and the cap.
 *
 * A page is created with a RAM slot when first needed, filled by loadblk
 * (EMPTY -> LOADING -> LOADED), dirtied by writes, marked stored by
 * writeout, and freed on reclaim, discard, invalidation or close.  The
 * counters of the RAM, the handle's dirty list and the RAM's LRU follow
 * every transition.
 *
 * The RAM as callers see it -- ram.c's slots under a cap, with the least
 * recently used clean page giving its slot up when the cap is reached -- is
 * made here too: the cap and the LRU are decisions about pages.
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

/*
 * Put page on or off the LRU according to whether it may be reclaimed: clean,
 * unpinned, and not the only copy of bytes a rollback would restore.  Undo
 * records that say "clean when the level opened" need no bytes (rollback
 * drops such a page), so they do not keep a page in memory: one savepoint
 * level can change more pages than the RAM holds.
 */
void
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

/* ---- life cycle ---- */

/*
 * Run loadblk into the RAM's bounce buffer and write that to the page's slot
 * (virtmem keeps no mapping of its own of the slots: see ram.c).  The buffer
 * is zeroed first: loadblk is promised zeroed memory (it may leave what is
 * past the stored data), and the buffer last held another page's bytes.
 * Zeroing a buffer that stays in cache costs a few percent of a load.  If
 * the page was invalidated while the storage was loading it, what was
 * loaded may be stale: load again.
 */
static int
page_fill(VMPage *page)
{
	BigFileH   *fileh = page->fileh;
	RAM		   *ram = page->ram;
	int			err;

	do
	{
		page->state = PAGE_LOADING;
		ram->nloads++;
		memset(ram->bounce, 0, ram->pagesize);
		virtmem_busy++;
		err = fileh->file->file_ops->loadblk(fileh->file, page->f_pgoffset, ram->bounce);
		virtmem_busy--;
	} while (err == 0 && page->state == PAGE_LOADING_INVALIDATED);

	if (err != 0 || ram_slot_write(ram, page->ram_pgoffset, ram->bounce) < 0)
	{
		page->state = PAGE_EMPTY;
		errno = EIO;
		return -1;
	}
	page->state = PAGE_LOADED;
	page_lru_update(page);
	return 0;
}

/*
 * Find page pgoffset of fileh with its content present (LOADED or DIRTY),
 * loading it if needed.  Fails with EIO if loadblk failed (no page is left
 * behind for it) or ENOMEM if no RAM slot could be had.
 */
int
page_load(BigFileH *fileh, vm_pgoff_t pgoffset, VMPage **pagep)
{
	VMPage	   *page = pagetab_get(fileh->pagetab, pgoffset);
	vm_pgoff_t	slot;

	if (page != NULL)
	{
		if (page->state == PAGE_LOADING || page->state == PAGE_LOADING_INVALIDATED)
			virtmem_bug("page_load: page is already being loaded (reentrant access)");
		/* kept on failure: it holds undo records */
		if (page->state == PAGE_EMPTY &&
			(savepoint_before_reload(page) < 0 || page_fill(page) < 0))
			return -1;
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

	if (page_fill(page) < 0)
	{
		int			saved = errno;

		page_free(page);
		errno = saved;
		return -1;
	}
	*pagep = page;
	return 0;
}

void
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

/* Writeout stored the page: it is clean, and its next write must fault. */
void
page_mark_stored(VMPage *page)
{
	page_write_protect_all(page);
	page_leave_dirty_list(page);
	page->state = PAGE_LOADED;
	page_lru_update(page);
}

/*
 * Forget the page's content so the next access reloads it from the file.
 * A page that still has undo records keeps its slot (rollback of an outer
 * level restores into it) and stays as EMPTY; any other page is freed.
 */
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
	page_undo_free_all(page);
	page_leave_dirty_list(page);
	if (page->pincnt > 0)
		page->ram->npinned--;
	list_del_init(&page->lru);
	pagetab_remove(fileh->pagetab, page->f_pgoffset);
	free(page);
	return slot;
}

/* Remove the page entirely; its slot's memory goes back to the OS. */
void
page_free(VMPage *page)
{
	RAM		   *ram = page->ram;

	ram_slot_free(ram, page_free_keep_slot(page));
}
