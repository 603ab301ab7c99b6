/*
 * pin.c - explicit access to a range of a mapping, without faults.
 *
 * vma_pin() does in normal context what faults would do page by page (load,
 * dirty, map), reports failures as return codes, and keeps the pages from
 * being reclaimed until vma_unpin().
 */
#include <errno.h>

#include "virtmem_int.h"

static int
vma_pin_page(VMA *vma, size_t idx, bool write)
{
	VMPage	   *page;

	if (page_load(vma->fileh, vma->f_pgoffset + idx, &page) < 0)
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

int
vma_pin(VMA *vma, vm_pgoff_t pgoffset, vm_pgoff_t npages, int flags)
{
	if (!vma_range_valid(vma, pgoffset, npages) || (flags & ~VMA_PIN_WRITE) != 0)
	{
		errno = EINVAL;
		return -1;
	}

	for (vm_pgoff_t i = 0; i < npages; i++)
	{
		if (vma_pin_page(vma, pgoffset + i, (flags & VMA_PIN_WRITE) != 0) < 0)
		{
			int			saved = errno;

			vma_unpin(vma, pgoffset, i);
			errno = saved;
			return -1;
		}
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
