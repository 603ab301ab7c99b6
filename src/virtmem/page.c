/*
 * page.c - life cycle of the pages of a file handle.
 *
 * A page is created with a RAM slot when first needed, filled by loadblk
 * (EMPTY -> LOADING -> LOADED), dirtied by writes, marked stored by
 * writeout, and freed on reclaim, discard, invalidation or close.  The
 * counters of the RAM and the handle's dirty list follow every transition.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtmem_int.h"

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
	ram_lru_update(page);
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
	if (ram_alloc_slot(fileh->ram, &slot) < 0)
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
		ram_free_slot(fileh->ram, slot);
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
	ram_lru_update(page);
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
	ram_lru_update(page);
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
	ram_lru_update(page);
}

/*
 * Remove the page entirely -- mappings, undo records, table entry -- but for
 * its slot, which is returned still allocated and counted in the RAM's npages,
 * for the caller to reuse or give back.
 */
vm_pgoff_t
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

	ram_free_slot(ram, page_free_keep_slot(page));
}
