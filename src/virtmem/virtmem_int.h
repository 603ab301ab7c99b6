/*
 * virtmem_int.h - internals shared by the files of the virtmem core.
 *
 * The public headers fix the caller-visible structs; this one defines the
 * private ones (RAM, PageTable, PageUndo) and the functions the parts of the
 * core call on each other.  Nothing outside src/virtmem includes it.
 *
 * The core is a stack: a file calls only files below it (siblings on one
 * line call neither each other), and every file reads the structs of this
 * header and of virtmem.h.
 *
 *   pagefault.c             SIGSEGV handler, vma_on_pagefault()
 *                           -- libvirtmem-fault.a; everything below is
 *                           libvirtmem.a, which the extension links
 *   pin.c                   vma_pin(), vma_unpin()
 *   fileh.c  savepoint.c    file handles: open/close, writeout, discard,
 *                           invalidation; undo levels and the undo journal
 *   page.c                  page state and counters, LRU and cap (the public
 *                           RAM calls), undo records, mapping under budget
 *   vma.c                   address ranges, putting a slot in and out of them
 *   pagetable.c             f_pgoffset -> VMPage of a handle
 *   ram.c                   memfd slots: allocate, free, read, write
 *   bug.c                   virtmem_bug(), virtmem_busy
 *
 * Invariants the parts rely on:
 *  - every VMPage owns a RAM slot for its whole life; a VMPage exists in the
 *    handle's page table exactly while it owns that slot;
 *  - a page is on its RAM's LRU list exactly when it is a reclaim candidate:
 *    LOADED, unpinned and without undo records that need its bytes
 *    (page.c keeps this at every transition);
 *  - a page is mapped writable in a VMA only if page_write_allowed();
 *  - a page has all its parts loaded (valid_parts) unless it is LOADED,
 *    without undo records; a page partly loaded is mapped only while
 *    pinned;
 *  - a page in state EMPTY exists only to keep undo records (and the slot
 *    they will be restored into); it is mapped nowhere, and its slot keeps
 *    the bytes it had when dropped, which records without a copy rely on,
 *    until a reload (which copies them first).
 */
#ifndef VIRTMEM_INT_H
#define VIRTMEM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bigarray/virtmem.h"

/* ---- the fatal path and the busy flag (bug.c) ---- */

/*
 * Non-zero while virtmem serves a fault or runs a storage callback: a fault
 * then is not virtmem's to serve (see pagefault.c).
 */
extern volatile int virtmem_busy;

/* Report a broken invariant and abort: continuing would corrupt memory. */
void		virtmem_bug(const char *what) __attribute__((noreturn));

/* ---- page memory (ram.c: slots; page.c: cap, LRU, page counters) ---- */

/* The memfd, and the stack of free slots, grow by this much at a time. */
#define RAM_GROW_BYTES		((size_t) 64 * 1024 * 1024)

/* Pages ram_reclaim() gives back per call (wendelin.core's batch). */
#define RAM_RECLAIM_BATCH	64

struct RAM
{
	/* slots, written by ram.c only */
	size_t		pagesize;
	int			memfd;
	size_t		nslots;			/* slots the memfd is sized for */
	vm_pgoff_t	nslots_used;	/* slots [0, nslots_used) were handed out once */
	vm_pgoff_t *free_slots;		/* stack of released slots; capacity = all slots */
	size_t		nfree;
	size_t		nslots_held;	/* handed out and not given back */
	size_t		nslots_held_peak;
	void	   *bounce;			/* one page on its way between storage and a slot;
								 * storage callbacks never nest, so one suffices */

	/* the pages in the slots, written by page.c only */
	size_t		max_pages;		/* cap on nslots_held; 0 = no limit */
	struct list_head lru;		/* reclaim candidates, least recently used first */
	size_t		ndirty;
	size_t		npinned;
	uint64_t	nloads;
	uint64_t	nreclaimed;
};

int			ram_slots_init(RAM *ram, size_t pagesize);
void		ram_slots_release(RAM *ram);
int			ram_slot_alloc(RAM *ram, vm_pgoff_t *slot);
void		ram_slot_free(RAM *ram, vm_pgoff_t slot);
int			ram_slot_read(const RAM *ram, vm_pgoff_t slot, void *buf);
/* Bytes [off, off + len) of a slot into buf. */
int			ram_slot_read_range(const RAM *ram, vm_pgoff_t slot, size_t off,
								size_t len, void *buf);
int			ram_slot_write(const RAM *ram, vm_pgoff_t slot, const void *buf);
/* Bytes [off, off + len) of a slot from buf. */
int			ram_slot_write_range(const RAM *ram, vm_pgoff_t slot, size_t off,
								 size_t len, const void *buf);

/* ---- page table of a handle (pagetable.c) ---- */

struct PageTable
{
	VMPage	  **buckets;		/* open addressing, linear probing */
	size_t		capacity;		/* power of two */
	size_t		count;
};

PageTable  *pagetab_new(void);
void		pagetab_free(PageTable *pt);
VMPage	   *pagetab_get(const PageTable *pt, vm_pgoff_t pgoffset);
int			pagetab_put(PageTable *pt, VMPage *page);
void		pagetab_remove(PageTable *pt, vm_pgoff_t pgoffset);

/* ---- mappings (vma.c) ---- */

/*
 * vma->page_ismapped holds two bitmaps of vma_nwords() words each: pages
 * mapped in this VMA, then pages of those mapped writable.
 */
static inline size_t
vma_npages(const VMA *vma)
{
	return (vma->addr_stop - vma->addr_start) / vma->fileh->ram->pagesize;
}

static inline size_t
vma_nwords(size_t npages)
{
	return (npages + 63) / 64;
}

static inline bool
bitmap_test(const uint64_t *map, size_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static inline void
bitmap_assign(uint64_t *map, size_t i, bool value)
{
	if (value)
		map[i / 64] |= UINT64_C(1) << (i % 64);
	else
		map[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static inline uint64_t *
vma_writable_map(const VMA *vma)
{
	return vma->page_ismapped + vma_nwords(vma_npages(vma));
}

static inline bool
vma_page_mapped(const VMA *vma, size_t idx)
{
	return bitmap_test(vma->page_ismapped, idx);
}

static inline bool
vma_page_writable(const VMA *vma, size_t idx)
{
	return bitmap_test(vma_writable_map(vma), idx);
}

int			vma_map_page(VMA *vma, size_t idx, VMPage *page, bool writable);
void		page_unmap_all(VMPage *page);
/* Read the kernel's limit on memory areas, if not yet read. */
void		vma_read_limits(void);
void		page_write_protect_all(VMPage *page);

/* Pages mapped, all mappings together, and how many may be. */
size_t		vma_pages_mapped(void);
size_t		vma_map_budget(void);

/* ---- pages (page.c) ---- */

struct PageUndo
{
	unsigned	level;			/* savepoint level this record belongs to */
	bool		was_dirty;		/* page state when the level opened */
	void	   *copy;			/* bytes then, or NULL: still the current ones */
	PageUndo   *next;			/* record of a lower level of the same page */
	VMPage	   *page;
	struct list_head in_journal;	/* in page->fileh->undo_journal */
};

/* May the page be mapped writable now?  See page.c for wlevel. */
static inline bool
page_write_allowed(const VMPage *page)
{
	return page->state == PAGE_DIRTY &&
		page->wlevel == page->fileh->savepoint_depth;
}

/*
 * Find page pgoffset of fileh with its content present (LOADED or DIRTY),
 * loading it if needed.  Fails with EIO if loadblk failed (no page is left
 * behind for it) or ENOMEM if no RAM slot could be had.
 */
int			page_load(BigFileH *fileh, vm_pgoff_t pgoffset, VMPage **pagep);

/*
 * page_load() for a read of bytes [from, to) of the page: a page not in RAM
 * loads only the parts covering them if the file can (loadblk_part); a
 * partly loaded page lacking one of those parts grows into a whole one.
 */
int			page_load_range(BigFileH *fileh, vm_pgoff_t pgoffset, size_t from,
							size_t to, VMPage **pagep);

/*
 * Make the page writable at the current level: dirty, with the undo record
 * and the bytes a rollback needs.  Fails with ENOMEM, or EIO if the bytes
 * cannot be read, leaving the page unchanged.
 */
int			page_prepare_write(VMPage *page);

/*
 * Writeout stored the page: it is clean, and its next write must fault.
 * Fails with ENOMEM (no memory for the undo record): it then stays dirty.
 */
int			page_mark_stored(VMPage *page);

/*
 * Forget the page's content so the next access reloads it from the file.
 * A page that still has undo records keeps its slot (rollback of an outer
 * level restores into it) and stays as EMPTY; any other page is freed.
 */
void		page_drop_content(VMPage *page);

/* Remove the page entirely; its slot's memory goes back to the OS. */
void		page_free(VMPage *page);

/* Pinned pages are not reclaimed (nor unmapped to make room). */
void		page_pin(VMPage *page);
void		page_unpin(VMPage *page);

/* Record an access: a reclaimable page becomes the most recently used. */
void		page_lru_touch(VMPage *page);

/*
 * vma_map_page(), unmapping other pages first when over the budget of
 * kernel memory areas, or when the kernel runs out of them.
 */
int			page_map(VMA *vma, size_t idx, VMPage *page, bool writable);

/*
 * Put the page back as its newest record says and drop the record (the page
 * may be freed); or merge that record, of the innermost level, into the
 * enclosing one.  For savepoint.c.
 */
void		page_undo_rollback(VMPage *page);
void		page_undo_release(VMPage *page);

#endif							/* VIRTMEM_INT_H */
