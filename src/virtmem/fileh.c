/*
 * fileh.c - file handles: opening and closing, writeout, discard and
 * invalidation of their pages.
 */
#include <errno.h>
#include <stdlib.h>

#include "virtmem_int.h"

int
fileh_open(BigFileH *fileh, BigFile *file, RAM *ram)
{
	if (fileh == NULL || file == NULL || ram == NULL || file->file_ops == NULL ||
		file->blksize != ram->pagesize)
	{
		errno = EINVAL;
		return -1;
	}
	fileh->pagetab = pagetab_new();
	if (fileh->pagetab == NULL)
		return -1;
	fileh->file = file;
	fileh->ram = ram;
	list_init(&fileh->mmaps);
	list_init(&fileh->dirty_pages);
	list_init(&fileh->undo_journal);
	fileh->ndirty = 0;
	fileh->savepoint_depth = 0;
	fileh->writeout_inprogress = 0;
	return 0;
}

void
fileh_close(BigFileH *fileh)
{
	PageTable  *pt = fileh->pagetab;

	if (!list_empty(&fileh->mmaps))
		virtmem_bug("fileh_close: the handle still has mappings");
	if (fileh->writeout_inprogress)
		virtmem_bug("fileh_close: called during writeout");

	/* no mappings: every page can go, table entries and all */
	for (size_t i = 0; i < pt->capacity; i++)
	{
		while (pt->buckets[i] != NULL)
			page_free(pt->buckets[i]);
	}
	pagetab_free(pt);
	fileh->pagetab = NULL;
	fileh->savepoint_depth = 0;
	if (fileh->file->file_ops->release != NULL)
		fileh->file->file_ops->release(fileh->file);
}

/* Stable merge sort of a list of pages linked by in_dirty, by f_pgoffset. */
static struct list_head *
dirty_list_merge_sort(struct list_head *first, size_t n)
{
	struct list_head *left,
			   *right,
			  **tail,
			   *merged = NULL;
	size_t		half = n / 2;

	if (n <= 1)
	{
		if (first != NULL)
			first->next = NULL;
		return first;
	}
	/* find the right half before sorting the left one rewrites its links */
	right = first;
	for (size_t i = 0; i < half; i++)
		right = right->next;
	left = dirty_list_merge_sort(first, half);
	right = dirty_list_merge_sort(right, n - half);

	tail = &merged;
	while (left != NULL && right != NULL)
	{
		VMPage	   *lp = list_entry(left, VMPage, in_dirty);
		VMPage	   *rp = list_entry(right, VMPage, in_dirty);

		if (rp->f_pgoffset < lp->f_pgoffset)
		{
			*tail = right;
			right = right->next;
		}
		else
		{
			*tail = left;
			left = left->next;
		}
		tail = &(*tail)->next;
	}
	*tail = left != NULL ? left : right;
	return merged;
}

/*
 * Sort the handle's dirty list by file offset, in place: writeout then
 * stores in block order without allocating anything.
 */
static void
dirty_list_sort(BigFileH *fileh)
{
	struct list_head *head = &fileh->dirty_pages;
	struct list_head *node,
			   *prev = head;

	if (fileh->ndirty < 2)
		return;
	node = dirty_list_merge_sort(head->next, fileh->ndirty);
	for (; node != NULL; node = node->next)
	{
		node->prev = prev;
		prev->next = node;
		prev = node;
	}
	prev->next = head;
	head->prev = prev;
}

int
fileh_dirty_writeout(BigFileH *fileh, enum WriteoutFlags flags)
{
	struct list_head *pos,
			   *tmp;
	int			ret = 0;

	if ((flags & ~(WRITEOUT_STORE | WRITEOUT_MARKSTORED)) != 0 || flags == 0)
	{
		errno = EINVAL;
		return -1;
	}

	fileh->writeout_inprogress = 1;
	dirty_list_sort(fileh);
	list_for_each_safe(pos, tmp, &fileh->dirty_pages)
	{
		VMPage	   *page = list_entry(pos, VMPage, in_dirty);

		if (flags & WRITEOUT_STORE)
		{
			BigFile    *file = fileh->file;
			RAM		   *ram = page->ram;
			int			err;

			/* a copy: virtmem keeps no mapping of its own of the slots (ram.c) */
			err = ram_slot_read(ram, page->ram_pgoffset, ram->bounce);
			if (err == 0)
			{
				virtmem_busy++;
				err = file->file_ops->storeblk(file, page->f_pgoffset, ram->bounce);
				virtmem_busy--;
			}
			if (err != 0)
			{
				errno = EIO;
				ret = -1;
				break;
			}
		}
		/*
		 * Without memory for the undo record the page just stays dirty: it
		 * is stored again next time, which is always correct.
		 */
		if (flags & WRITEOUT_MARKSTORED)
			(void) page_mark_stored(page);
	}
	fileh->writeout_inprogress = 0;
	return ret;
}

void
fileh_dirty_discard(BigFileH *fileh)
{
	struct list_head *pos,
			   *tmp;

	list_for_each_safe(pos, tmp, &fileh->dirty_pages)
		page_free(list_entry(pos, VMPage, in_dirty));
}

void
fileh_invalidate_page(BigFileH *fileh, vm_pgoff_t pgoffset)
{
	VMPage	   *page = pagetab_get(fileh->pagetab, pgoffset);

	if (page == NULL)
		return;
	/* the loader sees this when loadblk returns, and loads again */
	if (page->state == PAGE_LOADING || page->state == PAGE_LOADING_INVALIDATED)
		page->state = PAGE_LOADING_INVALIDATED;
	else
		page_free(page);
}

void
fileh_drop_clean_page(BigFileH *fileh, vm_pgoff_t pgoffset)
{
	VMPage	   *page = pagetab_get(fileh->pagetab, pgoffset);

	if (page != NULL && page->state == PAGE_LOADED)
		page_drop_content(page);
}

void
fileh_invalidate(BigFileH *fileh)
{
	PageTable  *pt = fileh->pagetab;

	/*
	 * Freeing a page shifts later members of its probe run back, possibly
	 * into the bucket just visited: look at a bucket again until it holds a
	 * page that stays.  Nothing moves into a bucket not yet visited from one
	 * before it, so no page is missed.
	 */
	for (size_t i = 0; i < pt->capacity; i++)
	{
		VMPage	   *page;

		while ((page = pt->buckets[i]) != NULL &&
			   page->state != PAGE_LOADING && page->state != PAGE_LOADING_INVALIDATED)
			page_free(page);
		if (page != NULL)
			page->state = PAGE_LOADING_INVALIDATED;
	}
}
