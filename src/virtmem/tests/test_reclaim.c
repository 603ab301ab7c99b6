/*
 * test_reclaim.c - a RAM smaller than what is read: least recently used
 * clean pages are reclaimed, dirty ones never (behaviour 6 of the issue).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE
#define RAM_PAGES	4

/* 6: reading 4x more pages than the RAM holds works and stays within the cap. */
static void
reading_beyond_ram_reclaims_clean_pages(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	struct ram_stats stats;

	fixture_open(&fx, how, PS, 16, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 16));
	for (int round = 0; round < 2; round++)
	{
		for (vm_pgoff_t page = 0; page < 16; page++)
		{
			CHECK(access_page_is(how, &vma, page, page, 0));
			CHECK(fixture_stats(&fx).npages <= RAM_PAGES);
		}
	}
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.max_pages, RAM_PAGES);
	CHECK_EQ(stats.nreclaimed, 32 - RAM_PAGES);
	CHECK_EQ(stats.nloads, 32);
	CHECK_EQ(stats.npages_peak, RAM_PAGES);
	for (blk_t blk = 0; blk < 16; blk++)
		CHECK_EQ(fx.mf->nloads[blk], 2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 6: the page reclaimed is the least recently loaded one. */
static void
reclaim_takes_least_recently_used_page(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	for (vm_pgoff_t page = 0; page <= RAM_PAGES; page++)
		access_read(how, &vma, page, 0);
	CHECK_EQ(fixture_stats(&fx).nreclaimed, 1);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 0, 0)), "--") == 0);

	faults = faults_served();
	for (vm_pgoff_t page = 1; page <= RAM_PAGES; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	CHECK_EQ(faults_served(), faults);
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fx.mf->nloads[0], 2);
	CHECK_EQ(mock_total_loads(fx.mf), RAM_PAGES + 2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 6: dirty pages stay while many clean pages come and go. */
static void
dirty_pages_are_never_reclaimed(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 16, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 16));
	access_fill_page(how, &vma, 0, 0xD0);
	access_fill_page(how, &vma, 1, 0xD1);
	for (vm_pgoff_t page = 2; page < 16; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 2);
	CHECK(access_page_filled(how, &vma, 0, 0xD0));
	CHECK(access_page_filled(how, &vma, 1, 0xD1));
	CHECK_EQ(fx.mf->nloads[0], 1);
	CHECK_EQ(fx.mf->nloads[1], 1);

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(mock_block(fx.mf, 0)[PS - 1], 0xD0);
	CHECK_EQ(mock_block(fx.mf, 1)[PS - 1], 0xD1);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * 6: with every RAM page dirty, another page cannot be had: vma_pin() says
 * ENOMEM, vma_on_pagefault() VM_FAILED, and a fault kills the process with
 * a diagnostic rather than going on with wrong memory.  Dirty data survives
 * and, once written out, makes room again.
 */
static void
full_of_dirty_pages_fails_cleanly(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	for (vm_pgoff_t page = 0; page < RAM_PAGES; page++)
		access_fill_page(how, &vma, page, (uint8_t) (0xA0 + page));

	CHECK_ERRNO(vma_pin(&vma, RAM_PAGES, 1, 0), ENOMEM);
	if (how->kind == ACCESS_BY_CALL)
		CHECK_EQ(vma_on_pagefault(&vma, (uintptr_t) page_addr(&vma, RAM_PAGES, 0), 0), VM_FAILED);
	else
	{
		struct child_outcome outcome;

		read_in_child(page_addr(&vma, RAM_PAGES, 0), &outcome);
		CHECK_DIED_OF_SIGSEGV(outcome);
		CHECK(outcome.stderr_text[0] != '\0');
	}
	CHECK_EQ(fixture_stats(&fx).ndirty, RAM_PAGES);
	for (vm_pgoff_t page = 0; page < RAM_PAGES; page++)
		CHECK(access_page_filled(how, &vma, page, (uint8_t) (0xA0 + page)));

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK(access_page_is(how, &vma, RAM_PAGES, RAM_PAGES, 0));
	CHECK_EQ(mock_block(fx.mf, 2)[0], 0xA2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 6: ram_reclaim() frees clean pages on request, down to a lowered cap. */
static void
ram_reclaim_frees_clean_pages(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	int			reclaimed;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	for (vm_pgoff_t page = 0; page < 6; page++)
		access_read(how, &vma, page, 0);
	access_fill_page(how, &vma, 0, 0xF0);

	/* no cap: at least one page per call, never the dirty one */
	reclaimed = ram_reclaim(fx.ram);
	CHECK(reclaimed >= 1);
	CHECK_EQ(fixture_stats(&fx).npages, 6 - (size_t) reclaimed);
	while (ram_reclaim(fx.ram) > 0)
		;
	CHECK_EQ(fixture_stats(&fx).npages, 1);
	CHECK(access_page_filled(how, &vma, 0, 0xF0));

	/* a lowered cap is reclaimed down to */
	for (vm_pgoff_t page = 1; page < 6; page++)
		CHECK(access_page_is(how, &vma, page, page, 0));
	ram_set_max_pages(fx.ram, 3);
	ram_reclaim(fx.ram);
	CHECK(fixture_stats(&fx).npages <= 3);
	for (vm_pgoff_t page = 1; page < 8; page++)
	{
		CHECK(access_page_is(how, &vma, page, page, 0));
		CHECK(fixture_stats(&fx).npages <= 3);
	}
	CHECK(access_page_filled(how, &vma, 0, 0xF0));

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * Issue 8, item 10: ram_reclaim() is for when the system is low on memory: it releases a
 * batch of least recently used clean pages whatever the cap, so a capped
 * RAM that is exactly full gives memory back too.  Dirty and pinned pages
 * stay; the most recently used clean page of a RAM larger than a batch
 * stays too.
 */
static void
ram_reclaim_releases_pages_of_a_full_capped_ram(const struct access_driver *how)
{
	enum
	{
		NBLOCKS = 100
	};
	struct fixture fx;
	VMA			vma;
	int			reclaimed;
	uint64_t	loads;

	fixture_open(&fx, how, PS, NBLOCKS, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, NBLOCKS));
	access_fill_page(how, &vma, 0, 0xF0);
	CHECK_OK(vma_pin(&vma, 1, 1, 0));
	access_read(how, &vma, 2, 0);
	access_read(how, &vma, 3, 0);
	CHECK_EQ(fixture_stats(&fx).npages, RAM_PAGES);

	reclaimed = ram_reclaim(fx.ram);
	CHECK_EQ(reclaimed, 2);
	CHECK_EQ(fixture_stats(&fx).npages, RAM_PAGES - 2);
	CHECK_EQ(kernel_ram_bytes(), (RAM_PAGES - 2) * PS);
	CHECK(access_page_filled(how, &vma, 0, 0xF0));
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK_EQ(fx.mf->nloads[1], 1);
	CHECK_EQ(ram_reclaim(fx.ram), 0);

	/* uncapped and larger than a batch: a batch goes, the newest pages stay */
	vma_unpin(&vma, 1, 1);
	ram_set_max_pages(fx.ram, 0);
	for (vm_pgoff_t page = 1; page < NBLOCKS; page++)
		access_read(how, &vma, page, 0);
	reclaimed = ram_reclaim(fx.ram);
	CHECK(reclaimed >= 1);
	CHECK(reclaimed < NBLOCKS - 1);
	loads = mock_total_loads(fx.mf);
	CHECK(access_page_is(how, &vma, NBLOCKS - 1, NBLOCKS - 1, 0));
	CHECK_EQ(mock_total_loads(fx.mf), loads);
	CHECK_EQ(fixture_stats(&fx).npages, NBLOCKS - (size_t) reclaimed);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 6: one RAM shared by two handles: the cap holds across both. */
static void
ram_cap_holds_across_handles(const struct access_driver *how)
{
	struct fixture fx;
	struct mock_file *other_file = mock_file_new(PS, 8);
	BigFileH	other;
	VMA			vma,
				other_vma;

	fixture_open(&fx, how, PS, 8, RAM_PAGES);
	CHECK_OK(fileh_open(&other, &other_file->file, fx.ram));
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	CHECK_OK(fileh_mmap(&other_vma, &other, 0, 8));
	for (vm_pgoff_t page = 0; page < 8; page++)
	{
		CHECK(access_page_is(how, &vma, page, page, 0));
		CHECK(access_page_is(how, &other_vma, page, page, 0));
		CHECK(fixture_stats(&fx).npages <= RAM_PAGES);
	}
	vma_unmap(&other_vma);
	fileh_close(&other);
	CHECK_EQ(other_file->nreleased, 1);
	mock_file_free(other_file);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * loadblk of the mock, recording the memory the RAM's memfd holds while a
 * block loads: after its slot was chosen, before the loaded bytes reach it.
 */
static const struct bigfile_ops *mock_ops;
static size_t ram_bytes_during_load[16];	/* by block */

static int
recording_loadblk(BigFile *file, blk_t blk, void *buf)
{
	ram_bytes_during_load[blk] = kernel_ram_bytes();
	return mock_ops->loadblk(file, blk, buf);
}

/*
 * 6: a full RAM making room for a page reuses the reclaimed page's slot as
 * it is: the memory is not given back only to be allocated (and zeroed)
 * again.  loadblk fills a buffer of the RAM's own that is then written to
 * the slot, so what it finds in its buffer says nothing about the slot (an
 * earlier version of this case looked for the old page's bytes there).
 * What does is the memfd's allocated size while the load runs: a slot
 * punched on reclaim would leave it one page below the cap until the
 * loaded bytes are written; a kept slot holds it at the cap all along.
 */
static void
slot_reclaimed_to_load_another_keeps_its_memory(const struct access_driver *how)
{
	static struct bigfile_ops recording_ops;
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 16, RAM_PAGES);
	mock_ops = fx.mf->file.file_ops;
	recording_ops = *mock_ops;
	recording_ops.loadblk = recording_loadblk;
	fx.mf->file.file_ops = &recording_ops;
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 16));

	for (vm_pgoff_t page = 0; page < 16; page++)
	{
		CHECK(access_page_is(how, &vma, page, page, 0));
		if (page >= RAM_PAGES)
			CHECK_EQ(ram_bytes_during_load[page], RAM_PAGES * PS);
		CHECK_EQ(kernel_ram_bytes(), (page < RAM_PAGES ? page + 1 : RAM_PAGES) * PS);
	}
	CHECK_EQ(fixture_stats(&fx).nreclaimed, 16 - RAM_PAGES);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * 6: pages that are dropped give their memory back to the OS, whichever
 * way they go: failed load, discard, invalidation, ram_reclaim(), a lowered
 * cap, closing the handle.
 */
static void
dropped_pages_give_memory_back(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 16, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 16));
	for (vm_pgoff_t page = 0; page < 8; page++)
		access_read(how, &vma, page, 0);
	CHECK_EQ(kernel_ram_bytes(), RAM_PAGES * PS);

	/* a page reclaimed to load one whose loadblk fails: the slot is let go */
	fx.mf->fail_load[8] = true;
	CHECK_ERRNO(vma_pin(&vma, 8, 1, 0), EIO);
	CHECK_EQ(fixture_stats(&fx).npages, RAM_PAGES - 1);
	CHECK_EQ(kernel_ram_bytes(), (RAM_PAGES - 1) * PS);

	access_write(how, &vma, 5, 0, 0x55);
	fileh_dirty_discard(&fx.fileh);
	CHECK_EQ(kernel_ram_bytes(), (RAM_PAGES - 2) * PS);

	fileh_invalidate_page(&fx.fileh, 6);
	CHECK_EQ(kernel_ram_bytes(), (RAM_PAGES - 3) * PS);

	CHECK_EQ(ram_reclaim(fx.ram), 1);
	CHECK_EQ(fixture_stats(&fx).npages, 0);
	CHECK_EQ(kernel_ram_bytes(), 0);

	for (vm_pgoff_t page = 0; page < RAM_PAGES; page++)
		access_read(how, &vma, page, 0);
	CHECK_EQ(kernel_ram_bytes(), RAM_PAGES * PS);
	ram_set_max_pages(fx.ram, 1);
	CHECK_EQ(kernel_ram_bytes(), 1 * PS);

	vma_unmap(&vma);
	fileh_close(&fx.fileh);
	CHECK_EQ(kernel_ram_bytes(), 0);
	ram_close(fx.ram);
	mock_file_free(fx.mf);
}

static const struct test_case reclaim_cases[] = {
	BOTH_WAYS("b6 reading beyond RAM reclaims clean pages", reading_beyond_ram_reclaims_clean_pages),
	BOTH_WAYS("b6 reclaim takes the least recently used page", reclaim_takes_least_recently_used_page),
	BOTH_WAYS("b6 dirty pages are never reclaimed", dirty_pages_are_never_reclaimed),
	BOTH_WAYS("b6 RAM full of dirty pages fails cleanly", full_of_dirty_pages_fails_cleanly),
	BOTH_WAYS("b6 ram_reclaim frees clean pages", ram_reclaim_frees_clean_pages),
	BOTH_WAYS("b6 RAM cap holds across handles", ram_cap_holds_across_handles),
	BOTH_WAYS("i8 ram_reclaim releases pages of a full capped RAM",
			  ram_reclaim_releases_pages_of_a_full_capped_ram),
	BOTH_WAYS("b6 slot reclaimed to load another keeps its memory",
			  slot_reclaimed_to_load_another_keeps_its_memory),
	BOTH_WAYS("b6 dropped pages give their memory back", dropped_pages_give_memory_back),
};

const struct test_suite reclaim_suite = SUITE(reclaim_cases);
