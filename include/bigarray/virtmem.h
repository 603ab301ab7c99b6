/*
 * bigarray/virtmem.h - user-space virtual memory over BigFiles.
 *
 * A file handle (BigFileH) is a locally modifiable view of a BigFile.  Parts
 * of it are mapped into the address space (VMA); a page is loaded from the
 * file on first access and a write marks it dirty.  Dirty pages are later
 * written back to the file (fileh_dirty_writeout) or thrown away
 * (fileh_dirty_discard).
 *
 * Access can be driven two ways:
 *  - by faults: touching a mapped page raises SIGSEGV, which the handler
 *    installed by pagefault_init() serves (load, dirty tracking);
 *  - explicitly: vma_pin() loads and maps a range in normal context and
 *    reports storage errors as return codes.  Callers that must not fail
 *    inside a signal handler (a PostgreSQL backend) use only this.
 *
 * virtmem is single-threaded: one thread uses it, and faults must come from
 * that thread's own accesses to mapped memory.
 *
 * Savepoints: a file handle keeps a stack of undo levels so that a caller
 * can roll back what was written after a savepoint without losing what was
 * written before it (see fileh_savepoint()).
 */
#ifndef BIGARRAY_VIRTMEM_H
#define BIGARRAY_VIRTMEM_H

#include <stddef.h>
#include <stdint.h>

#include "bigarray/bigfile.h"
#include "bigarray/list.h"
#include "bigarray/ram.h"

typedef struct VMPage VMPage;
typedef struct VMA VMA;
typedef struct PageTable PageTable;
typedef struct PageUndo PageUndo;

/*
 * BigFile handle: one view of a file, with its own modifications.  One file
 * may have several handles, each with its own pages.  Fields are private to
 * virtmem; callers allocate the struct and use the functions below.
 */
struct BigFileH
{
	BigFile    *file;
	RAM		   *ram;			/* backs the pages of this handle */
	PageTable  *pagetab;		/* f_pgoffset -> VMPage */
	struct list_head mmaps;		/* VMAs of this handle (vma->same_fileh) */
	struct list_head dirty_pages;	/* page->in_dirty */
	size_t		ndirty;			/* length of dirty_pages */
	unsigned	savepoint_depth;	/* open undo levels, 0 = none */
	struct list_head undo_journal;	/* undo records of its pages, in push
									 * order (PageUndo.in_journal) */
	int			writeout_inprogress;
};
typedef struct BigFileH BigFileH;

enum PageState
{
	PAGE_EMPTY = 0,				/* content not loaded */
	PAGE_LOADING = 1,			/* loadblk in progress */
	PAGE_LOADING_INVALIDATED = 2,	/* invalidated while loading */
	PAGE_LOADED = 3,			/* loaded, equal to the file */
	PAGE_DIRTY = 4,				/* loaded and modified */
};
typedef enum PageState PageState;

/*
 * A page loads in 64 parts: a small read pin may load only the parts it
 * covers (vma_pin_bytes).
 */
#define VM_PAGE_PARTS		64
#define VM_PAGE_ALL_PARTS	UINT64_MAX

/* One page of file content held in RAM. */
struct VMPage
{
	PageState	state;
	/*
	 * LOADED pages: a bit per part loaded, VM_PAGE_ALL_PARTS for a whole
	 * page.  DIRTY pages and pages with undo records are always whole.
	 */
	uint64_t	valid_parts;
	BigFileH   *fileh;
	vm_pgoff_t	f_pgoffset;		/* page number within the file */
	RAM		   *ram;
	vm_pgoff_t	ram_pgoffset;	/* slot within the RAM's memfd */
	struct list_head lru;		/* in the RAM's LRU list */
	struct list_head in_dirty;	/* in fileh->dirty_pages */
	int			refcnt;			/* number of VMAs mapping this page */
	int			pincnt;			/* vma_pin() count; pinned pages stay */
	unsigned	wlevel;			/* savepoint level of the last change */
	PageUndo   *undo;			/* pre-images for open savepoint levels */
};

/*
 * A mapping of file pages [f_pgoffset, f_pgoffset + npages) of one handle
 * at [addr_start, addr_stop).  Mappings never overlap in the address space;
 * in the file they may.
 */
struct VMA
{
	uintptr_t	addr_start;
	uintptr_t	addr_stop;
	BigFileH   *fileh;
	vm_pgoff_t	f_pgoffset;
	struct list_head same_fileh;	/* in fileh->mmaps */
	uint64_t   *page_ismapped;	/* bit per page: mapped here */
	/* node of the address-ordered tree of all mappings */
	VMA		   *tree_left;
	VMA		   *tree_right;
	int			tree_height;
};

/*
 * Open a handle on file, backed by ram (file->blksize must equal the RAM's
 * page size).  Returns 0, or -1 with errno set.
 */
int			fileh_open(BigFileH *fileh, BigFile *file, RAM *ram);

/*
 * Close a handle: discard its pages, free its memory and call the file's
 * release op.  It is an error to close a handle with mappings left or
 * during writeout.
 */
void		fileh_close(BigFileH *fileh);

/*
 * Map file pages [pgoffset, pgoffset + pglen) at a fresh address range.
 * Nothing is loaded; the range is inaccessible until faulted or pinned.
 * Returns 0, or -1 with errno set.
 */
int			fileh_mmap(VMA *vma, BigFileH *fileh, vm_pgoff_t pgoffset, vm_pgoff_t pglen);

/* Remove a mapping.  Dirty pages stay in the handle for writeout. */
void		vma_unmap(VMA *vma);

enum WriteoutFlags
{
	/* call storeblk for each dirty page, in block order; pages stay dirty */
	WRITEOUT_STORE = 1 << 0,
	/* mark dirty pages clean and read-only, so the next write is noticed */
	WRITEOUT_MARKSTORED = 1 << 1,
};

/*
 * Write dirty pages back as flags say.  Returns 0, or non-zero if a storeblk
 * failed: then the pages not yet marked stored stay dirty and a retry works.
 * MARKSTORED alone cannot fail.
 */
int			fileh_dirty_writeout(BigFileH *fileh, enum WriteoutFlags flags);

/*
 * Throw away every dirty page: unmap it everywhere and free its memory, so
 * the next access reloads the file's bytes.  Clean pages stay.
 */
void		fileh_dirty_discard(BigFileH *fileh);

/*
 * Forget page pgoffset in whatever state it is (its undo records too): for
 * when the file changed underneath.  The next access reloads it.
 */
void		fileh_invalidate_page(BigFileH *fileh, vm_pgoff_t pgoffset);

/* Forget every page of the handle, as fileh_invalidate_page() on each. */
void		fileh_invalidate(BigFileH *fileh);

/*
 * Drop page pgoffset if it is clean, keeping its undo records: the next
 * access reloads it, and rolling back an enclosing savepoint still restores
 * it.  For when the file's bytes under a clean page went back to older ones
 * (the storage undid writes of a rolled-back level); dirty pages stay.
 */
void		fileh_drop_clean_page(BigFileH *fileh, vm_pgoff_t pgoffset);

/*
 * Savepoints.  fileh_savepoint() opens a new undo level and returns the new
 * depth (or -1 with errno ENOMEM).  From then on, the first change of a page
 * at the new level -- a write, or a writeout that stores it -- first records
 * what rollback needs: the page's bytes if it was dirty, or that it was
 * clean.  fileh_rollback_savepoint() closes the innermost level and puts
 * every page changed in it back as it was when the level opened (dirty pages
 * with their bytes then, pages clean then are dropped and so reload from the
 * file); fileh_release_savepoint() closes it keeping the changes, merging
 * its records into the enclosing level.
 *
 * The storage is expected to undo its own writes made during a rolled-back
 * level (as a database subtransaction does); a page stored during the level
 * comes back dirty if it was dirty when the level opened.
 */
int			fileh_savepoint(BigFileH *fileh);
void		fileh_rollback_savepoint(BigFileH *fileh);
void		fileh_release_savepoint(BigFileH *fileh);

/*
 * Explicit access in normal context, without faults.
 *
 * vma_pin() makes pages [pgoffset, pgoffset + npages) of vma (relative to
 * the mapping's start) resident and mapped: read-only, or writable and dirty
 * with VMA_PIN_WRITE.  Pinned pages are not reclaimed until vma_unpin() of
 * the same range.  Returns 0, or -1 with errno:
 *  EIO     loadblk failed (the storage knows why);
 *  ENOMEM  no RAM page could be had: every page is dirty or pinned;
 *  EINVAL  the range is not within the mapping.
 * On failure no page is left pinned by the call.
 *
 * A pin keeps pages from being reclaimed, not from being dropped: discard,
 * invalidation, fileh_drop_clean_page() and a rollback that drops a page
 * take it away under its pins, and the pinned memory then faults.  A later
 * vma_unpin() of such a range may end a newer pin of the page, loaded again
 * since.  Callers release the pins on a page before it may be dropped.
 */
#define VMA_PIN_WRITE	0x1
int			vma_pin(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages, int flags);
void		vma_unpin(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages);

/*
 * vma_pin_bytes() pins, as vma_pin() does, the pages holding bytes
 * [offset, offset + len) of vma (relative to the mapping's start); unpin
 * them with vma_unpin() of those pages.  For a read pin of a file that has
 * loadblk_part, a page not in RAM is loaded only in the parts (64ths) the
 * range covers, so a small read costs a small load; only the pinned bytes
 * may then be read (the rest of such a page is undefined, and it is mapped
 * only while pinned, so that a fault-driven access outside a pin still
 * faults and loads it).  A page partly loaded grows into a whole one at the
 * first access that needs a part it lacks, and before any write: streaming
 * access loads whole pages.  A write pin, or a file without loadblk_part,
 * loads whole pages.
 */
int			vma_pin_bytes(VMA *vma, uint64_t offset, uint64_t len, int flags);

/*
 * vma_read_bytes() copies bytes [offset, offset + len) of vma into buf,
 * loading what is missing as a read pin of them would (only the parts a
 * page not in RAM needs), and leaves nothing pinned.  A partly loaded page
 * is copied from RAM without being mapped, which saves a cold small read
 * the mapping and its fault.  Errors as for vma_pin().
 */
int			vma_read_bytes(VMA *vma, uint64_t offset, uint64_t len, void *buf);

/*
 * Page faults.   vma_on_pagefault() serves a read or write access to addr in
 * vma: it is what the SIGSEGV handler calls, and tests may call it directly.
 * VM_FAILED means the page could not be provided (loadblk failed or no RAM);
 * the SIGSEGV handler then writes a diagnostic to stderr and lets the fault
 * take its default course (the process dies of SIGSEGV) rather than return
 * to the access with wrong memory.
 *
 * pagefault_init() installs the SIGSEGV handler once; a fault outside every
 * mapping is passed to the handler that was installed before.  Returns 0, or
 * -1 with errno set.
 *
 * These two are in libvirtmem-fault.a, not libvirtmem.a: a program that
 * takes faults links both, one that only pins links no signal handler.
 */
enum VMFaultResult
{
	VM_HANDLED = 0,				/* the access can be retried and will work */
	VM_RETRY = 1,				/* nothing to do: the page already allows it */
	VM_FAILED = 2,				/* the page could not be provided */
};
typedef enum VMFaultResult VMFaultResult;

VMFaultResult vma_on_pagefault(VMA *vma, uintptr_t addr, int write);
int			pagefault_init(void);

/* The mapping that contains addr, or NULL.  O(log number of mappings). */
VMA		   *virt_lookup_vma(const void *addr);

/*
 * For when the system is low on memory: reclaim a batch (64) of the least
 * recently used clean, unpinned pages of ram, unmapping them everywhere and
 * giving their memory back to the OS, whatever the RAM's cap -- or more, down
 * to a lowered cap.  Returns how many pages were reclaimed: 0 only when
 * every page is dirty, pinned or kept for a rollback.
 */
int			ram_reclaim(RAM *ram);

#endif							/* BIGARRAY_VIRTMEM_H */
