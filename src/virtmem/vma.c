/*
 * vma.c - mappings of file handles into the address space.
 *
 * fileh_mmap() reserves an inaccessible address range; pages are then put
 * in place one by one by mapping their RAM slot (MAP_SHARED|MAP_FIXED from
 * the memfd) over the reservation, read-only or writable, and taken out
 * again by mapping anonymous PROT_NONE memory back.  Each VMA keeps a bitmap
 * of its mapped pages (and of those mapped writable).
 *
 * All mappings are kept in an AVL tree ordered by address, so that the
 * fault handler finds the one containing an address in O(log n).  The pages
 * mapped are counted against a budget derived from vm.max_map_count; which
 * pages to unmap when over it is page.c's choice (page_map()).
 *
 * Below the pages in the core's stack: this file reads pages (their slot,
 * their handle's mappings) but calls nothing in page.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtmem_int.h"

/*
 * Under valgrind, memcheck would report every first access to a page as an
 * access to unaddressable memory before the fault that serves it.  Telling
 * it that the reserved ranges are accessible lets the fault happen and be
 * served quietly.  Outside valgrind this costs a few instructions.
 */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define mark_served_by_faults(addr, len) \
	((void) VALGRIND_MAKE_MEM_DEFINED((addr), (len)))
#endif
#endif
#ifndef mark_served_by_faults
#define mark_served_by_faults(addr, len) ((void) 0)
#endif

/*
 * The kernel limits a process to vm.max_map_count memory areas (65530 by
 * default).  A reservation is one area, and each page mapped into it adds at
 * most two (itself, and the split of the reservation around it; adjacent
 * pages with adjacent slots merge).  So virtmem keeps the number of mapped
 * pages under a budget derived from the limit, and unmaps pages -- their
 * content stays in RAM -- when it would go over.  The margin is left for the
 * rest of the process.  A big mapping's bitmaps are one more area.
 */
#define AREA_MARGIN			4096
#define DEFAULT_MAX_MAP_COUNT	65530

static size_t max_map_count;	/* read once: vma_read_limits() */
static size_t nvmas;			/* mappings in the tree */
static size_t nbitmap_areas;	/* mappings whose bitmaps are areas too */
static size_t nmapped;			/* pages mapped, summed over all mappings */

static VMA *vma_tree_root;

static void vma_unmap_page(VMA *vma, size_t idx, VMPage *page);

/* ---- the address-ordered AVL tree of all mappings ---- */

static inline int
tree_height(const VMA *node)
{
	return node != NULL ? node->tree_height : 0;
}

static inline void
tree_fix_height(VMA *node)
{
	int			hl = tree_height(node->tree_left);
	int			hr = tree_height(node->tree_right);

	node->tree_height = (hl > hr ? hl : hr) + 1;
}

static VMA *
tree_rotate_right(VMA *node)
{
	VMA		   *left = node->tree_left;

	node->tree_left = left->tree_right;
	left->tree_right = node;
	tree_fix_height(node);
	tree_fix_height(left);
	return left;
}

static VMA *
tree_rotate_left(VMA *node)
{
	VMA		   *right = node->tree_right;

	node->tree_right = right->tree_left;
	right->tree_left = node;
	tree_fix_height(node);
	tree_fix_height(right);
	return right;
}

static VMA *
tree_rebalance(VMA *node)
{
	int			balance = tree_height(node->tree_left) - tree_height(node->tree_right);

	tree_fix_height(node);
	if (balance > 1)
	{
		if (tree_height(node->tree_left->tree_left) <
			tree_height(node->tree_left->tree_right))
			node->tree_left = tree_rotate_left(node->tree_left);
		return tree_rotate_right(node);
	}
	if (balance < -1)
	{
		if (tree_height(node->tree_right->tree_right) <
			tree_height(node->tree_right->tree_left))
			node->tree_right = tree_rotate_right(node->tree_right);
		return tree_rotate_left(node);
	}
	return node;
}

static VMA *
tree_insert(VMA *node, VMA *vma)
{
	if (node == NULL)
	{
		vma->tree_left = vma->tree_right = NULL;
		vma->tree_height = 1;
		return vma;
	}
	if (vma->addr_start < node->addr_start)
		node->tree_left = tree_insert(node->tree_left, vma);
	else
		node->tree_right = tree_insert(node->tree_right, vma);
	return tree_rebalance(node);
}

/* Detach the leftmost node of a subtree into *min; returns the new subtree. */
static VMA *
tree_remove_min(VMA *node, VMA **min)
{
	if (node->tree_left == NULL)
	{
		*min = node;
		return node->tree_right;
	}
	node->tree_left = tree_remove_min(node->tree_left, min);
	return tree_rebalance(node);
}

static VMA *
tree_remove(VMA *node, VMA *vma)
{
	if (node == NULL)
		virtmem_bug("vma_unmap: mapping not in the tree");
	if (vma->addr_start < node->addr_start)
		node->tree_left = tree_remove(node->tree_left, vma);
	else if (vma->addr_start > node->addr_start)
		node->tree_right = tree_remove(node->tree_right, vma);
	else
	{
		VMA		   *successor;

		if (node->tree_right == NULL)
			return node->tree_left;
		node->tree_right = tree_remove_min(node->tree_right, &successor);
		successor->tree_left = node->tree_left;
		successor->tree_right = node->tree_right;
		node = successor;
	}
	return tree_rebalance(node);
}

/* Async-signal-safe: only reads the tree. */
VMA *
virt_lookup_vma(const void *addr)
{
	uintptr_t	a = (uintptr_t) addr;
	VMA		   *node = vma_tree_root;

	while (node != NULL)
	{
		if (a < node->addr_start)
			node = node->tree_left;
		else if (a >= node->addr_stop)
			node = node->tree_right;
		else
			return node;
	}
	return NULL;
}

/* ---- creating and removing mappings ---- */

/* Bytes of the bitmaps of a mapping of npages pages. */
static size_t
bitmaps_size(size_t npages)
{
	return 2 * vma_nwords(npages) * sizeof(uint64_t);
}

/*
 * Bitmaps of a page or more are anonymous memory of their own: the kernel
 * zeroes it as it is first touched, where calloc would touch all of it.  A
 * big mapping read only in copies (vma_read_bytes of pages loaded in part)
 * never touches them, and spares the page faults that would cost (tens of
 * microseconds each on some virtual machines).
 */
static bool
bitmaps_are_area(size_t npages)
{
	return bitmaps_size(npages) >= (size_t) sysconf(_SC_PAGESIZE);
}

/* The bitmaps of a mapping of npages pages, zeroed; NULL if no memory. */
static uint64_t *
bitmaps_alloc(size_t npages)
{
	void	   *p;

	if (!bitmaps_are_area(npages))
		return calloc(1, bitmaps_size(npages));
	p = mmap(NULL, bitmaps_size(npages), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	nbitmap_areas++;
	return p;
}

static void
bitmaps_free(uint64_t *bitmaps, size_t npages)
{
	if (!bitmaps_are_area(npages))
	{
		free(bitmaps);
		return;
	}
	munmap(bitmaps, bitmaps_size(npages));
	nbitmap_areas--;
}

int
fileh_mmap(VMA *vma, BigFileH *fileh, vm_pgoff_t pgoffset, vm_pgoff_t pglen)
{
	size_t		pagesize = fileh->ram->pagesize;
	uint64_t   *bitmaps;
	void	   *addr;

	if (pglen == 0 || pglen > SIZE_MAX / pagesize / 2 ||
		pgoffset + pglen < pgoffset)
	{
		errno = EINVAL;
		return -1;
	}

	vma_read_limits();
	bitmaps = bitmaps_alloc(pglen);
	if (bitmaps == NULL)
	{
		errno = ENOMEM;
		return -1;
	}
	addr = mmap(NULL, pglen * pagesize, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (addr == MAP_FAILED)
	{
		int			saved = errno;

		bitmaps_free(bitmaps, pglen);
		errno = saved;
		return -1;
	}

	mark_served_by_faults(addr, pglen * pagesize);
	vma->addr_start = (uintptr_t) addr;
	vma->addr_stop = vma->addr_start + pglen * pagesize;
	vma->fileh = fileh;
	vma->f_pgoffset = pgoffset;
	vma->page_ismapped = bitmaps;
	list_add_tail(&vma->same_fileh, &fileh->mmaps);
	vma_tree_root = tree_insert(vma_tree_root, vma);
	nvmas++;
	return 0;
}

void
vma_unmap(VMA *vma)
{
	size_t		npages;

	if (vma->page_ismapped == NULL)
		return;					/* already unmapped */
	npages = vma_npages(vma);

	/* the pages stay in the handle; they are just mapped here no more */
	for (size_t idx = 0; idx < npages; idx++)
	{
		if (vma_page_mapped(vma, idx))
		{
			VMPage	   *page = pagetab_get(vma->fileh->pagetab, vma->f_pgoffset + idx);

			if (page == NULL)
				virtmem_bug("vma_unmap: mapped page missing from the page table");
			page->refcnt--;
			nmapped--;
		}
	}

	vma_tree_root = tree_remove(vma_tree_root, vma);
	nvmas--;
	list_del_init(&vma->same_fileh);
	munmap((void *) vma->addr_start, vma->addr_stop - vma->addr_start);
	bitmaps_free(vma->page_ismapped, npages);
	vma->page_ismapped = NULL;
	vma->tree_left = vma->tree_right = NULL;
	vma->tree_height = 0;
}

/* ---- putting pages in and out of mappings ---- */

static inline void *
vma_page_addr(const VMA *vma, size_t idx)
{
	return (void *) (vma->addr_start + idx * vma->fileh->ram->pagesize);
}

static int
vma_install_page(VMA *vma, size_t idx, VMPage *page, int prot)
{
	RAM		   *ram = page->ram;
	void	   *addr = vma_page_addr(vma, idx);

	if (vma_page_mapped(vma, idx))
		return mprotect(addr, ram->pagesize, prot);
	if (mmap(addr, ram->pagesize, prot, MAP_SHARED | MAP_FIXED, ram->memfd,
			 (off_t) (page->ram_pgoffset * ram->pagesize)) == MAP_FAILED)
		return -1;
	return 0;
}

/*
 * Read vm.max_map_count, once per process: at the first fileh_mmap(), or
 * ahead of it when a RAM is made (three system calls the first mapping
 * then does not pay).
 */
void
vma_read_limits(void)
{
	char		buf[32];
	ssize_t		len = -1;
	int			fd;

	if (max_map_count != 0)
		return;
	fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
	{
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (len > 0)
	{
		buf[len] = '\0';
		max_map_count = strtoul(buf, NULL, 10);
	}
	if (max_map_count < 2 * AREA_MARGIN)
		max_map_count = DEFAULT_MAX_MAP_COUNT;
}

size_t
vma_pages_mapped(void)
{
	return nmapped;
}

size_t
vma_map_budget(void)
{
	size_t		reserved = AREA_MARGIN + nvmas + nbitmap_areas;

	return max_map_count > reserved + 2 ? (max_map_count - reserved) / 2 : 1;
}

/*
 * Map page at index idx of vma, read-only or writable; a page already
 * mapped there only has its protection changed.  Fails with errno as
 * mmap/mprotect set it: ENOMEM when the kernel is out of memory areas,
 * which unmapping other pages cures (page_map() does).
 */
int
vma_map_page(VMA *vma, size_t idx, VMPage *page, bool writable)
{
	int			prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
	bool		was_mapped = vma_page_mapped(vma, idx);

	if (was_mapped && vma_page_writable(vma, idx) == writable)
		return 0;
	if (vma_install_page(vma, idx, page, prot) < 0)
		return -1;
	if (!was_mapped)
	{
		bitmap_assign(vma->page_ismapped, idx, true);
		page->refcnt++;
		nmapped++;
	}
	bitmap_assign(vma_writable_map(vma), idx, writable);
	return 0;
}

/* Take page out of index idx of vma: its address becomes inaccessible. */
static void
vma_unmap_page(VMA *vma, size_t idx, VMPage *page)
{
	void	   *addr = vma_page_addr(vma, idx);

	size_t		len = page->ram->pagesize;
	int			flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	/*
	 * Over the area limit (pinned pages can take virtmem there) mmap fails
	 * even where it would merge areas; munmap of a page that is an area of
	 * its own needs no new area, and then the reservation can be restored.
	 */
	if (mmap(addr, len, PROT_NONE, flags | MAP_FIXED, -1, 0) == MAP_FAILED &&
		(munmap(addr, len) < 0 ||
		 mmap(addr, len, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0) != addr))
		virtmem_bug("cannot unmap a page (out of kernel memory areas)");
	mark_served_by_faults(addr, len);
	bitmap_assign(vma->page_ismapped, idx, false);
	bitmap_assign(vma_writable_map(vma), idx, false);
	page->refcnt--;
	nmapped--;
}

/*
 * Visit the VMAs of the page's handle that map it, calling fn on each.  A
 * handle is expected to have few mappings; pages mapped nowhere cost nothing.
 */
static void
page_for_each_mapping(VMPage *page, void (*fn) (VMA *vma, size_t idx, VMPage *page))
{
	struct list_head *head = &page->fileh->mmaps;
	struct list_head *pos,
			   *tmp;

	if (page->refcnt == 0)
		return;
	list_for_each_safe(pos, tmp, head)
	{
		VMA		   *vma = list_entry(pos, VMA, same_fileh);
		size_t		idx;

		if (page->f_pgoffset < vma->f_pgoffset)
			continue;
		idx = page->f_pgoffset - vma->f_pgoffset;
		if (idx < vma_npages(vma) && vma_page_mapped(vma, idx))
			fn(vma, idx, page);
	}
}

void
page_unmap_all(VMPage *page)
{
	page_for_each_mapping(page, vma_unmap_page);
}

static void
vma_write_protect_page(VMA *vma, size_t idx, VMPage *page)
{
	if (!vma_page_writable(vma, idx))
		return;
	/* splitting an area may need one more than the kernel allows: unmap */
	if (mprotect(vma_page_addr(vma, idx), page->ram->pagesize, PROT_READ) < 0)
	{
		vma_unmap_page(vma, idx, page);
		return;
	}
	bitmap_assign(vma_writable_map(vma), idx, false);
}

/* Make the page read-only wherever it is mapped, so a write faults. */
void
page_write_protect_all(VMPage *page)
{
	page_for_each_mapping(page, vma_write_protect_page);
}
