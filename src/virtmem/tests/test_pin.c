/*
 * test_pin.c - loading and pinning pages in normal context, with storage
 * and memory errors as return codes (behaviour 10 of the core's issue), and
 * what a fault does when a page cannot be provided.
 *
 * After vma_pin() the cases touch memory directly, not through the access
 * driver: in call mode no SIGSEGV handler is installed, so a page the pin
 * left inaccessible crashes the case; in fault mode the fault count shows it.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE
#define RAM_PAGES	4

static bool
raw_page_is(const VMA *vma, vm_pgoff_t page, uint64_t blk, unsigned gen)
{
	return mock_pattern_equals((const void *) page_addr(vma, page, 0), PS, blk, gen);
}

/* 10: a read pin loads and maps the range read-only, without faults. */
static void
pin_loads_range_without_faults(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	faults = faults_served();
	CHECK_OK(vma_pin(&vma, 2, 4, 0));
	CHECK_EQ(fixture_stats(&fx).npinned, 4);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	for (vm_pgoff_t page = 2; page < 6; page++)
	{
		CHECK(raw_page_is(&vma, page, page, 0));
		CHECK_EQ(fx.mf->nloads[page], 1);
		CHECK(strcmp(kernel_protection(page_addr(&vma, page, PS - 1)), "r-") == 0);
	}
	CHECK_EQ(mock_total_loads(fx.mf), 4);
	CHECK_EQ(faults_served(), faults);

	/* pinning loaded pages again loads nothing */
	CHECK_OK(vma_pin(&vma, 3, 1, 0));
	CHECK_EQ(mock_total_loads(fx.mf), 4);
	vma_unpin(&vma, 3, 1);
	vma_unpin(&vma, 2, 4);
	CHECK_EQ(fixture_stats(&fx).npinned, 0);
	CHECK_EQ(fixture_stats(&fx).npages, 4);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 10: a write pin dirties the range and maps it writable. */
static void
write_pin_dirties_range(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	CHECK(access_page_is(how, &vma, 1, 1, 0));	/* one page already loaded */
	faults = faults_served();
	CHECK_OK(vma_pin(&vma, 0, 3, VMA_PIN_WRITE));
	CHECK_EQ(fixture_stats(&fx).ndirty, 3);
	CHECK_EQ(fx.mf->nloads[1], 1);
	for (vm_pgoff_t page = 0; page < 3; page++)
	{
		CHECK(raw_page_is(&vma, page, page, 0));
		CHECK(strcmp(kernel_protection(page_addr(&vma, page, PS - 1)), "rw") == 0);
		memset((void *) page_addr(&vma, page, 0), 0xC0 + (int) page, PS);
	}
	CHECK_EQ(faults_served(), faults);
	vma_unpin(&vma, 0, 3);

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fx.mf->nstore_calls, 3);
	CHECK_EQ(mock_block(fx.mf, 2)[PS - 1], 0xC2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 10: a loadblk failure is EIO, and the failed call leaves nothing pinned. */
static void
pin_reports_load_failure_as_eio(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	CHECK_OK(vma_pin(&vma, 0, 1, 0));
	fx.mf->fail_load[4] = true;

	CHECK_ERRNO(vma_pin(&vma, 2, 4, 0), EIO);
	CHECK_EQ(fixture_stats(&fx).npinned, 1);
	CHECK_ERRNO(vma_pin(&vma, 4, 1, VMA_PIN_WRITE), EIO);
	CHECK_EQ(fixture_stats(&fx).npinned, 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);

	fx.mf->fail_load[4] = false;
	CHECK_OK(vma_pin(&vma, 2, 4, 0));
	CHECK(raw_page_is(&vma, 4, 4, 0));
	CHECK_EQ(fixture_stats(&fx).npinned, 5);
	vma_unpin(&vma, 2, 4);
	vma_unpin(&vma, 0, 1);
	CHECK_EQ(fixture_stats(&fx).npinned, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * A loadblk failure seen by a fault: vma_on_pagefault() says VM_FAILED, and
 * through the handler the process dies of SIGSEGV with a diagnostic rather
 * than going on with wrong memory.  Afterwards the page loads fine.
 */
static void
fault_on_load_failure_fails_cleanly(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	fx.mf->fail_load[2] = true;
	if (how->kind == ACCESS_BY_CALL)
	{
		CHECK_EQ(vma_on_pagefault(&vma, (uintptr_t) page_addr(&vma, 2, 0), 0), VM_FAILED);
		CHECK_EQ(vma_on_pagefault(&vma, (uintptr_t) page_addr(&vma, 2, 0), 1), VM_FAILED);
	}
	else
	{
		struct child_outcome outcome;

		read_in_child(page_addr(&vma, 2, 0), &outcome);
		CHECK_DIED_OF_SIGSEGV(outcome);
		CHECK(outcome.stderr_text[0] != '\0');
	}
	CHECK_EQ(fixture_stats(&fx).npages, 0);
	fx.mf->fail_load[2] = false;
	CHECK(access_page_is(how, &vma, 2, 2, 0));

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 10: pinned pages are not reclaimed, however much else is read. */
static void
pinned_pages_are_never_reclaimed(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 16, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 16));
	CHECK_OK(vma_pin(&vma, 0, 2, 0));
	CHECK_OK(vma_pin(&vma, 1, 1, 0));	/* page 1 pinned twice */
	CHECK_EQ(fixture_stats(&fx).npinned, 2);
	for (vm_pgoff_t page = 2; page < 16; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	CHECK(raw_page_is(&vma, 0, 0, 0));
	CHECK(raw_page_is(&vma, 1, 1, 0));
	CHECK_EQ(fx.mf->nloads[0], 1);
	CHECK_EQ(fx.mf->nloads[1], 1);

	/* one unpin of page 1 leaves it pinned once */
	vma_unpin(&vma, 0, 2);
	CHECK_EQ(fixture_stats(&fx).npinned, 1);
	for (vm_pgoff_t page = 2; page < 16; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	CHECK(raw_page_is(&vma, 1, 1, 0));
	CHECK_EQ(fx.mf->nloads[1], 1);

	/* unpinned, they are reclaimable again */
	vma_unpin(&vma, 1, 1);
	CHECK_EQ(fixture_stats(&fx).npinned, 0);
	for (vm_pgoff_t page = 2; page < 16; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK_EQ(fx.mf->nloads[0], 2);
	CHECK_EQ(fx.mf->nloads[1], 2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 10: with every page dirty or pinned, a pin says ENOMEM and pins nothing. */
static void
pin_fails_enomem_when_ram_is_dirty_or_pinned(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	CHECK_OK(vma_pin(&vma, 0, 2, 0));
	access_fill_page(how, &vma, 2, 0x22);
	CHECK_OK(vma_pin(&vma, 3, 1, VMA_PIN_WRITE));

	CHECK_ERRNO(vma_pin(&vma, 4, 1, 0), ENOMEM);
	CHECK_ERRNO(vma_pin(&vma, 3, 2, 0), ENOMEM);
	CHECK_EQ(fixture_stats(&fx).npinned, 3);
	CHECK_EQ(fx.mf->nloads[4], 0);

	vma_unpin(&vma, 0, 1);
	CHECK_OK(vma_pin(&vma, 4, 1, 0));
	CHECK(raw_page_is(&vma, 4, 4, 0));
	CHECK(raw_page_is(&vma, 1, 1, 0));
	vma_unpin(&vma, 4, 1);
	vma_unpin(&vma, 1, 1);
	vma_unpin(&vma, 3, 1);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 10: a range not within the mapping is EINVAL and loads nothing. */
static void
pin_rejects_ranges_outside_mapping(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 2, 4));
	CHECK_ERRNO(vma_pin(&vma, 4, 1, 0), EINVAL);
	CHECK_ERRNO(vma_pin(&vma, 3, 2, 0), EINVAL);
	CHECK_ERRNO(vma_pin(&vma, 0, 5, VMA_PIN_WRITE), EINVAL);
	CHECK_ERRNO(vma_pin(&vma, UINT64_MAX, 2, 0), EINVAL);
	CHECK_ERRNO(vma_pin(&vma, 1, UINT64_MAX, 0), EINVAL);
	CHECK_EQ(mock_total_loads(fx.mf), 0);
	CHECK_EQ(fixture_stats(&fx).npinned, 0);
	CHECK_OK(vma_pin(&vma, 0, 4, 0));
	CHECK(raw_page_is(&vma, 3, 5, 0));
	vma_unpin(&vma, 0, 4);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * Resident system pages of the bitmaps of vma, a big mapping whose bitmaps
 * are memory of their own (nbytes of it, page-aligned).
 */
static size_t
resident_bitmap_pages(const VMA *vma, size_t nbytes)
{
	unsigned char resident[16];
	size_t		syspage = (size_t) sysconf(_SC_PAGESIZE);
	size_t		npages = (nbytes + syspage - 1) / syspage;
	size_t		count = 0;

	CHECK(npages <= sizeof(resident));
	CHECK_EQ((uintptr_t) vma->page_ismapped % syspage, 0);
	CHECK_OK(mincore(vma->page_ismapped, nbytes, resident));
	for (size_t i = 0; i < npages; i++)
		count += resident[i] & 1;
	return count;
}

/*
 * 10: a copy of a few bytes of a big mapping (vma_read_bytes of a page it
 * loads in part) touches none of the mapping's bitmaps, so a cold point
 * read spends no page fault on them; a pin, which maps, does.
 */
#define BIG_MAPPING_PAGES	32768

static void
small_copy_touches_no_bitmap(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	uint8_t		buf[8];
	vm_pgoff_t	page = BIG_MAPPING_PAGES - 3;
	size_t		bitmap_bytes = 2 * BIG_MAPPING_PAGES / 8;

	fixture_open(&fx, how, 4096, BIG_MAPPING_PAGES, 16);
	mock_file_allow_parts(fx.mf);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, BIG_MAPPING_PAGES));
	CHECK_OK(vma_read_bytes(&vma, page * 4096 + 1000, sizeof(buf), buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], mock_byte(page, 1000 + i, 0));
	CHECK_EQ(fx.mf->nloads_part[page], 1);
	CHECK_EQ(resident_bitmap_pages(&vma, bitmap_bytes), 0);

	CHECK_OK(vma_pin(&vma, page, 1, 0));
	CHECK(resident_bitmap_pages(&vma, bitmap_bytes) > 0);
	vma_unpin(&vma, page, 1);
	vma_unmap(&vma);
	fixture_close(&fx);
}

static const struct test_case pin_cases[] = {
	BOTH_WAYS("b10 pin loads a range without faults", pin_loads_range_without_faults),
	BOTH_WAYS("b10 write pin dirties the range", write_pin_dirties_range),
	BOTH_WAYS("b10 pin reports a load failure as EIO", pin_reports_load_failure_as_eio),
	BOTH_WAYS("b10 fault on a load failure fails cleanly", fault_on_load_failure_fails_cleanly),
	BOTH_WAYS("b10 pinned pages are never reclaimed", pinned_pages_are_never_reclaimed),
	BOTH_WAYS("b10 pin fails ENOMEM when RAM is dirty or pinned",
			  pin_fails_enomem_when_ram_is_dirty_or_pinned),
	BOTH_WAYS("b10 pin rejects ranges outside the mapping", pin_rejects_ranges_outside_mapping),
	{"b10 a small copy of a big mapping touches none of its bitmaps",
	small_copy_touches_no_bitmap, NULL},
};

const struct test_suite pin_suite = SUITE(pin_cases);
