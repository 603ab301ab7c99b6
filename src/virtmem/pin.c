/*
 * pin.c - explicit access to a range of a mapping, without faults.
 *
 * vma_pin() does in normal context what faults would do page by page (load,
 * dirty, map), reports failures as return codes, and keeps the pages from
 * being reclaimed until vma_unpin().  vma_read_bytes() copies a range out
 * the same way, without leaving a pin.
 */
#include <errno.h>
#include <string.h>

#include "virtmem_int.h"

/*
 * Pin page idx of vma for an access to its bytes [from, to): a read may
 * load only the parts they fall in (page_load_range), a write loads it all.
 */
static int
vma_pin_page(VMA *vma, size_t idx, size_t from, size_t to, bool write)
{
	VMPage	   *page;

	if (write)
	{
		from = 0;
		to = vma->fileh->ram->pagesize;
	}
	if (page_load_range(vma->fileh, vma->f_pgoffset + idx, from, to, &page) < 0)
		return -1;

	/* pin first: mapping may reclaim pages, this one must stay */
	page_pin(page);
	if ((write && page_prepare_write(page) < 0) ||
		page_map(vma, idx, page, page_write_allowed(page)) < 0)
	{
		page_unpin(page);
		return -1;
	}
	return 0;
}

static bool
vma_range_valid(const VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages)
{
	size_t		vma_pages;

	if (vma == NULL || vma->page_ismapped == NULL)
		return false;
	vma_pages = vma_npages(vma);
	return pgoffset <= vma_pages && npages <= vma_pages - pgoffset;
}

/*
 * Pin pages [pgoffset, pgoffset + npages) for an access that starts at byte
 * head of the first and ends at byte tail of the last (exclusive).
 */
static int
vma_pin_pages(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages, size_t head,
			  size_t tail, int flags)
{
	size_t		pagesize;

	if (!vma_range_valid(vma, pgoffset, npages) || (flags & ~VMA_PIN_WRITE) != 0)
	{
		errno = EINVAL;
		return -1;
	}

	pagesize = vma->fileh->ram->pagesize;
	for (vm_pgoff_t i = 0; i < npages; i++)
	{
		size_t		from = i == 0 ? head : 0;
		size_t		to = i == npages - 1 ? tail : pagesize;

		if (vma_pin_page(vma, pgoffset + i, from, to, (flags & VMA_PIN_WRITE) != 0) < 0)
		{
			int			saved = errno;

			vma_unpin(vma, pgoffset, i);
			errno = saved;
			return -1;
		}
	}
	return 0;
}

int
vma_pin(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages, int flags)
{
	size_t		pagesize = vma != NULL && vma->fileh != NULL ? vma->fileh->ram->pagesize : 0;

	return vma_pin_pages(vma, pgoffset, npages, 0, pagesize, flags);
}

/*
 * The pages of a VMA holding a byte range: the first, how many, and where
 * the bytes start in the first (head) and end in the last (tail, exclusive).
 */
typedef struct ByteRangePages
{
	vm_pgoff_t	first;
	vm_pgoff_t	npages;
	size_t		head;
	size_t		tail;
} ByteRangePages;

/*
 * The pages of vma holding bytes [offset, offset + len) into *r.  -1 with
 * EINVAL for no mapping or an empty or overflowing range; whether the pages
 * lie within vma is left to the caller.
 */
static int
byte_range_pages(const VMA *vma, uint64_t offset, uint64_t len, ByteRangePages *r)
{
	size_t		pagesize;

	if (vma == NULL || vma->page_ismapped == NULL || len == 0 ||
		offset + len < offset)
	{
		errno = EINVAL;
		return -1;
	}
	pagesize = vma->fileh->ram->pagesize;
	r->first = offset / pagesize;
	r->npages = (offset + len - 1) / pagesize - r->first + 1;
	r->head = offset % pagesize;
	r->tail = (offset + len - 1) % pagesize + 1;
	return 0;
}

int
vma_pin_bytes(VMA *vma, uint64_t offset, uint64_t len, int flags)
{
	ByteRangePages r;

	if (byte_range_pages(vma, offset, len, &r) < 0)
		return -1;
	return vma_pin_pages(vma, r.first, r.npages, r.head, r.tail, flags);
}

/*
 * Copy bytes [from, to) of page idx of vma into buf.  A page loaded only in
 * part is read from its RAM slot, one pread: it is mapped only while
 * pinned, so reading it in place would cost a mapping, a fault and an
 * unmapping.  A whole page is mapped and read in place, and stays mapped
 * for the accesses that follow.
 */
static int
vma_read_page(VMA *vma, size_t idx, size_t from, size_t to, char *buf)
{
	VMPage	   *page;
	int			err = 0;

	if (page_load_range(vma->fileh, vma->f_pgoffset + idx, from, to, &page) < 0)
		return -1;
	page_pin(page);
	if (page->valid_parts != VM_PAGE_ALL_PARTS)
		err = ram_slot_read_range(page->ram, page->ram_pgoffset, from, to - from, buf);
	else if ((err = page_map(vma, idx, page, page_write_allowed(page))) == 0)
		memcpy(buf, (const char *) vma->addr_start + idx * page->ram->pagesize + from,
			   to - from);
	page_unpin(page);
	return err;
}

int
vma_read_bytes(VMA *vma, uint64_t offset, uint64_t len, void *buf)
{
	ByteRangePages r;

	if (byte_range_pages(vma, offset, len, &r) < 0)
		return -1;
	if (!vma_range_valid(vma, r.first, r.npages))
	{
		errno = EINVAL;
		return -1;
	}
	for (vm_pgoff_t i = 0; i < r.npages; i++)
	{
		size_t		from = i == 0 ? r.head : 0;
		size_t		to = i == r.npages - 1 ? r.tail : vma->fileh->ram->pagesize;

		if (vma_read_page(vma, r.first + i, from, to, buf) < 0)
			return -1;
		buf = (char *) buf + (to - from);
	}
	return 0;
}

void
vma_unpin(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages)
{
	if (!vma_range_valid(vma, pgoffset, npages))
		return;
	for (vm_pgoff_t i = 0; i < npages; i++)
	{
		VMPage	   *page = pagetab_get(vma->fileh->pagetab, vma->f_pgoffset + pgoffset + i);

		/* the page may have been invalidated (and reloaded) since the pin */
		if (page != NULL && page->pincnt > 0)
			page_unpin(page);
	}
}
