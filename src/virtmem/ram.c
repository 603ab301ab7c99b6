/*
 * ram.c - the RAM pool: page slots in one memfd, and the LRU of clean pages.
 *
 * Page content lives in a memfd so that one slot can be mapped at several
 * addresses.  virtmem keeps no mapping of the memfd of its own: the kernel
 * counts a shared page in the process's RSS once per mapping holding it, so
 * a view of every page of its own would double the RSS of what is resident
 * (while using no more memory).  Instead virtmem moves a slot's bytes with
 * pread/pwrite of the memfd (ram_slot_read/ram_slot_write), which map
 * nothing: loadblk fills the RAM's bounce buffer, which is then written to
 * the slot; storeblk is handed the slot's bytes read back into it.  The
 * bounce buffer is one page, counted once, whatever the RAM holds.
 *
 * A slot that goes back to the free list has its hole punched, so its memory
 * returns to the OS.  A slot reclaimed only to be filled again at once (a
 * full RAM making room for the page being loaded) keeps its memory instead:
 * punching it and then allocating and zeroing the same amount again would be
 * most of what a load costs.
 *
 * The LRU list holds the pages that may be reclaimed (see ram_lru_update());
 * reclaiming takes them from its head.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtmem_int.h"

#define RAM_MIN_PAGESIZE	((size_t) 4 * 1024)
#define RAM_MAX_PAGESIZE	((size_t) 2 * 1024 * 1024)

RAM *
ram_new(size_t pagesize, size_t max_pages)
{
	long		syspage = sysconf(_SC_PAGESIZE);
	RAM		   *ram;

	if (pagesize < RAM_MIN_PAGESIZE || pagesize > RAM_MAX_PAGESIZE ||
		(pagesize & (pagesize - 1)) != 0 ||
		syspage <= 0 || pagesize % (size_t) syspage != 0)
	{
		errno = EINVAL;
		return NULL;
	}

	ram = calloc(1, sizeof(*ram));
	if (ram == NULL)
		return NULL;
	ram->memfd = memfd_create("bigarray-ram", MFD_CLOEXEC);
	if (ram->memfd < 0)
	{
		int			saved = errno;

		free(ram);
		errno = saved;
		return NULL;
	}
	ram->bounce = malloc(pagesize);
	if (ram->bounce == NULL)
	{
		close(ram->memfd);
		free(ram);
		errno = ENOMEM;
		return NULL;
	}
	ram->pagesize = pagesize;
	ram->max_pages = max_pages;
	list_init(&ram->lru);
	return ram;
}

void
ram_close(RAM *ram)
{
	if (ram == NULL)
		return;
	if (ram->npages != 0)
		virtmem_bug("ram_close: pages still in use (close every file handle first)");
	close(ram->memfd);
	free(ram->bounce);
	free(ram->free_slots);
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
	stats->npages = ram->npages;
	stats->npages_peak = ram->npages_peak;
	stats->ndirty = ram->ndirty;
	stats->npinned = ram->npinned;
	stats->nloads = ram->nloads;
	stats->nreclaimed = ram->nreclaimed;
}

void
ram_set_max_pages(RAM *ram, size_t max_pages)
{
	ram->max_pages = max_pages;
	if (max_pages != 0 && ram->npages > max_pages)
		ram_reclaim_lru(ram, ram->npages - max_pages, NULL);
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

	if (ram->max_pages != 0 && ram->npages > ram->max_pages + want)
		want = ram->npages - ram->max_pages;
	return (int) ram_reclaim_lru(ram, want, NULL);
}

/*
 * Reclaim up to npages pages from the head of the LRU, skipping keep (a page
 * the caller is working on).  Returns how many were reclaimed.
 */
size_t
ram_reclaim_lru(RAM *ram, size_t npages, const VMPage *keep)
{
	struct list_head *pos,
			   *tmp;
	size_t		done = 0;

	list_for_each_safe(pos, tmp, &ram->lru)
	{
		VMPage	   *page = list_entry(pos, VMPage, lru);

		if (done == npages)
			break;
		if (page == keep)
			continue;
		page_free(page);
		ram->nreclaimed++;
		done++;
	}
	return done;
}

/*
 * Make room for RAM_GROW_BYTES more of slots: a longer memfd (holes, no
 * memory yet) and a larger free-slot stack.  The stack is sized for every
 * slot up front so that freeing a slot never needs memory.
 */
static int
ram_grow(RAM *ram)
{
	size_t		nslots = ram->nslots + RAM_GROW_BYTES / ram->pagesize;
	vm_pgoff_t *free_slots;

	free_slots = realloc(ram->free_slots, nslots * sizeof(*free_slots));
	if (free_slots == NULL)
		return -1;
	ram->free_slots = free_slots;
	if (ftruncate(ram->memfd, (off_t) (nslots * ram->pagesize)) < 0)
		return -1;
	ram->nslots = nslots;
	return 0;
}

/*
 * Reclaim the least recently used clean page and hand its slot over as is,
 * memory and all (counted in npages throughout).  Returns false if no page
 * may be reclaimed.
 */
static bool
ram_reclaim_slot_for_reuse(RAM *ram, vm_pgoff_t *slot)
{
	if (list_empty(&ram->lru))
		return false;
	*slot = page_free_keep_slot(list_entry(ram->lru.next, VMPage, lru));
	ram->nreclaimed++;
	return true;
}

/*
 * Take a slot for a new page, reclaiming the least recently used clean page
 * if the RAM is at its cap (that slot keeps its memory, still holding the
 * reclaimed page's bytes, to be overwritten).  Fails with ENOMEM when every
 * page is dirty, pinned or otherwise held, or when the OS refuses memory.
 */
int
ram_alloc_slot(RAM *ram, vm_pgoff_t *slot)
{
	if (ram->max_pages != 0 && ram->npages >= ram->max_pages)
	{
		/*
		 * Pages above a lowered cap are dropped for good; the one reclaimed
		 * to make room passes its slot straight on.
		 */
		if (ram->npages > ram->max_pages)
			ram_reclaim_lru(ram, ram->npages - ram->max_pages, NULL);
		if (ram->npages > ram->max_pages ||
			!ram_reclaim_slot_for_reuse(ram, slot))
		{
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}

	if (ram->nfree > 0)
		*slot = ram->free_slots[--ram->nfree];
	else
	{
		if (ram->nslots_used == ram->nslots && ram_grow(ram) < 0)
		{
			errno = ENOMEM;
			return -1;
		}
		*slot = ram->nslots_used++;
	}

	ram->npages++;
	if (ram->npages > ram->npages_peak)
		ram->npages_peak = ram->npages;
	return 0;
}

/* Give a slot back; its content is dropped and its memory returned. */
void
ram_free_slot(RAM *ram, vm_pgoff_t slot)
{
	/*
	 * Punching can only fail on kernels without shmem hole punching (before
	 * 3.5); the slot is then merely not returned to the OS until reused.
	 */
	(void) fallocate(ram->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					 (off_t) (slot * ram->pagesize), (off_t) ram->pagesize);
	ram->free_slots[ram->nfree++] = slot;
	ram->npages--;
}

/*
 * Copy a slot's bytes to buf, or buf's to a slot.  The slot is within the
 * memfd's size, so a transfer is short only on an error (an I/O error
 * bringing a swapped-out page back): -1 with errno set.
 */
int
ram_slot_read(const RAM *ram, vm_pgoff_t slot, void *buf)
{
	ssize_t		n = pread(ram->memfd, buf, ram->pagesize, (off_t) (slot * ram->pagesize));

	if (n == (ssize_t) ram->pagesize)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

int
ram_slot_write(const RAM *ram, vm_pgoff_t slot, const void *buf)
{
	ssize_t		n = pwrite(ram->memfd, buf, ram->pagesize, (off_t) (slot * ram->pagesize));

	if (n == (ssize_t) ram->pagesize)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/*
 * Put page on or off the LRU according to whether it may be reclaimed: clean,
 * unpinned, and not the only copy of bytes a rollback would restore.  Undo
 * records that say "clean when the level opened" need no bytes (rollback
 * drops such a page), so they do not keep a page in memory: one savepoint
 * level can change more pages than the RAM holds.
 */
void
ram_lru_update(VMPage *page)
{
	bool		candidate = page->state == PAGE_LOADED &&
		page->pincnt == 0 && !page_undo_needs_bytes(page);
	bool		listed = !list_empty(&page->lru);

	if (candidate && !listed)
		list_add_tail(&page->lru, &page->ram->lru);
	else if (!candidate && listed)
		list_del_init(&page->lru);
}

/* Record an access: a listed page becomes the most recently used. */
void
ram_lru_touch(VMPage *page)
{
	if (!list_empty(&page->lru))
	{
		list_del_init(&page->lru);
		list_add_tail(&page->lru, &page->ram->lru);
	}
}
