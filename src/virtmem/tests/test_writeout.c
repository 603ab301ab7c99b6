/*
 * test_writeout.c - writing dirty pages back, discarding them, and
 * invalidating pages (behaviours 3, 4 and 5 of the core's issue).
 */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE

static bool
block_filled(const struct mock_file *mf, blk_t blk, uint8_t value)
{
	const uint8_t *bytes = mock_block(mf, blk);

	for (size_t off = 0; off < mf->file.blksize; off++)
		if (bytes[off] != value)
			return false;
	return true;
}

/* 3: STORE stores exactly the dirty pages, in block order, and keeps them dirty. */
static void
store_writes_dirty_pages_in_block_order(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	access_read(how, &vma, 0, 0);
	access_read(how, &vma, 7, 0);
	access_fill_page(how, &vma, 5, 0x55);
	access_fill_page(how, &vma, 1, 0x11);
	access_fill_page(how, &vma, 3, 0x33);

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK_EQ(fx.mf->nstore_calls, 3);
	CHECK_EQ(fx.mf->store_order[0], 1);
	CHECK_EQ(fx.mf->store_order[1], 3);
	CHECK_EQ(fx.mf->store_order[2], 5);
	CHECK(block_filled(fx.mf, 1, 0x11));
	CHECK(block_filled(fx.mf, 3, 0x33));
	CHECK(block_filled(fx.mf, 5, 0x55));
	CHECK(mock_pattern_equals(mock_block(fx.mf, 0), PS, 0, 0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 3);

	/* still dirty and writable: no fault, and the next STORE takes the new bytes */
	faults = faults_served();
	access_fill_page(how, &vma, 3, 0x34);
	CHECK_EQ(faults_served(), faults);
	mock_clear_store_log(fx.mf);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK_EQ(fx.mf->nstore_calls, 3);
	CHECK(block_filled(fx.mf, 3, 0x34));
	CHECK_EQ(fx.mf->nstores[0] + fx.mf->nstores[7], 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 3: STORE|MARKSTORED cleans and write-protects pages; the next write is noticed. */
static void
markstored_cleans_and_write_protects(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	access_fill_page(how, &vma, 4, 0x44);
	access_fill_page(how, &vma, 2, 0x22);

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fx.mf->nstore_calls, 2);
	CHECK_EQ(fx.mf->store_order[0], 2);
	CHECK_EQ(fx.mf->store_order[1], 4);
	CHECK(block_filled(fx.mf, 2, 0x22));
	CHECK(block_filled(fx.mf, 4, 0x44));
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 2, 0)), "r-") == 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 4, PS - 1)), "r-") == 0);
	CHECK(access_page_filled(how, &vma, 2, 0x22));

	faults = faults_served();
	access_write(how, &vma, 2, 0, 0x23);
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	mock_clear_store_log(fx.mf);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK_EQ(fx.mf->nstore_calls, 1);
	CHECK_EQ(fx.mf->store_order[0], 2);
	CHECK_EQ(mock_block(fx.mf, 2)[0], 0x23);
	CHECK_EQ(mock_total_loads(fx.mf), 2);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 3: MARKSTORED alone stores nothing, cleans, and cannot fail. */
static void
markstored_alone_stores_nothing(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 1, 0x10);
	fx.mf->fail_store[1] = true;

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fx.mf->nstore_calls, 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK(access_page_filled(how, &vma, 1, 0x10));
	CHECK(strcmp(kernel_protection(page_addr(&vma, 1, 0)), "r-") == 0);

	faults = faults_served();
	access_write(how, &vma, 1, 0, 0x11);
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 3: a failing storeblk makes writeout fail, leaves pages dirty, and a retry works. */
static void
store_failure_keeps_pages_dirty_and_retry_works(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	bool		stored3 = false,
				stored5 = false;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	access_fill_page(how, &vma, 1, 0x11);
	access_fill_page(how, &vma, 3, 0x33);
	access_fill_page(how, &vma, 5, 0x55);
	fx.mf->fail_store[3] = true;

	CHECK(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED) != 0);
	CHECK_EQ(fx.mf->nstores[3], 1);
	CHECK(fixture_stats(&fx).ndirty >= 2);	/* 3 and 5 at least */

	/* a change made after the failure is part of what the retry stores */
	access_fill_page(how, &vma, 5, 0x56);
	fx.mf->fail_store[3] = false;
	mock_clear_store_log(fx.mf);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	for (size_t i = 0; i < fx.mf->nstore_calls; i++)
	{
		stored3 |= fx.mf->store_order[i] == 3;
		stored5 |= fx.mf->store_order[i] == 5;
		if (i > 0)
			CHECK(fx.mf->store_order[i - 1] < fx.mf->store_order[i]);
	}
	CHECK(stored3 && stored5);
	CHECK(block_filled(fx.mf, 1, 0x11));
	CHECK(block_filled(fx.mf, 3, 0x33));
	CHECK(block_filled(fx.mf, 5, 0x56));
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 3: STORE alone failing also reports it and keeps every page dirty. */
static void
store_only_failure_keeps_every_page_dirty(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 0, 0x01);
	access_fill_page(how, &vma, 2, 0x02);
	fx.mf->fail_store[0] = true;

	CHECK(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE) != 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 2);
	fx.mf->fail_store[0] = false;
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK(block_filled(fx.mf, 0, 0x01));
	CHECK(block_filled(fx.mf, 2, 0x02));
	CHECK_EQ(fixture_stats(&fx).ndirty, 2);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 4: discard brings back the file's bytes on next access; clean pages stay. */
static void
discard_reloads_dirty_pages_keeps_clean_ones(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	access_fill_page(how, &vma, 0, 0xD0);
	access_fill_page(how, &vma, 2, 0xD2);
	CHECK_EQ(fixture_stats(&fx).npages, 3);

	fileh_dirty_discard(&fx.fileh);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK_EQ(fixture_stats(&fx).npages, 1);
	CHECK_EQ(fx.mf->nstore_calls, 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 0, 0)), "--") == 0);

	faults = faults_served();
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK_EQ(faults_served(), faults);
	CHECK_EQ(fx.mf->nloads[1], 1);

	CHECK(access_page_is(how, &vma, 0, 0, 0));
	CHECK(access_page_is(how, &vma, 2, 2, 0));
	CHECK_EQ(fx.mf->nloads[0], 2);
	CHECK_EQ(fx.mf->nloads[2], 2);
	CHECK_EQ(faults_served() - faults, 2);

	/* and the discarded pages can be dirtied again */
	access_write(how, &vma, 0, 0, 0xD1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 5: invalidating a page drops it in any state; the next access reloads it. */
static void
invalidate_page_drops_page_in_any_state(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma,
				alias;

	fixture_open(&fx, how, PS, 5, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 5));
	CHECK_OK(fileh_mmap(&alias, &fx.fileh, 0, 5));
	access_read(how, &vma, 0, 0);	/* clean */
	access_read(how, &alias, 0, 0);	/* clean, mapped twice */
	access_fill_page(how, &vma, 1, 0xEE);	/* dirty */
	access_read(how, &vma, 3, 0);	/* clean, left alone */
	/* page 2 stays empty */

	for (blk_t blk = 0; blk < 5; blk++)
		mock_file_rewrite(fx.mf, blk, 1);
	fileh_invalidate_page(&fx.fileh, 0);
	fileh_invalidate_page(&fx.fileh, 1);
	fileh_invalidate_page(&fx.fileh, 2);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK_EQ(fixture_stats(&fx).npages, 1);
	CHECK(strcmp(kernel_protection(page_addr(&alias, 0, 0)), "--") == 0);

	CHECK(access_page_is(how, &vma, 0, 0, 1));
	CHECK(access_page_is(how, &alias, 0, 0, 1));
	CHECK(access_page_is(how, &vma, 1, 1, 1));
	CHECK(access_page_is(how, &vma, 2, 2, 1));
	CHECK(access_page_is(how, &vma, 3, 3, 0));
	CHECK_EQ(fx.mf->nloads[0], 2);
	CHECK_EQ(fx.mf->nloads[1], 2);
	CHECK_EQ(fx.mf->nloads[2], 1);
	CHECK_EQ(fx.mf->nloads[3], 1);
	CHECK_EQ(fx.mf->nstore_calls, 0);

	vma_unmap(&vma);
	vma_unmap(&alias);
	fixture_close(&fx);
}

/* 5: fileh_invalidate() forgets every page. */
static void
invalidate_forgets_every_page(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_read(how, &vma, 0, 0);
	access_fill_page(how, &vma, 1, 0x11);
	access_read(how, &vma, 3, 0);
	for (blk_t blk = 0; blk < 4; blk++)
		mock_file_rewrite(fx.mf, blk, 2);

	fileh_invalidate(&fx.fileh);
	CHECK_EQ(fixture_stats(&fx).npages, 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	for (vm_pgoff_t page = 0; page < 4; page++)
		CHECK(access_page_is(how, &vma, page, page, 2));
	CHECK_EQ(fx.mf->nloads[0], 2);
	CHECK_EQ(fx.mf->nloads[2], 1);
	CHECK_EQ(fx.mf->nstore_calls, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

static const struct test_case writeout_cases[] = {
	BOTH_WAYS("b3 STORE writes dirty pages in block order", store_writes_dirty_pages_in_block_order),
	BOTH_WAYS("b3 MARKSTORED cleans and write-protects", markstored_cleans_and_write_protects),
	BOTH_WAYS("b3 MARKSTORED alone stores nothing", markstored_alone_stores_nothing),
	BOTH_WAYS("b3 storeblk failure keeps pages dirty, retry works",
			  store_failure_keeps_pages_dirty_and_retry_works),
	BOTH_WAYS("b3 STORE-only failure keeps every page dirty", store_only_failure_keeps_every_page_dirty),
	BOTH_WAYS("b4 discard reloads dirty pages, keeps clean ones", discard_reloads_dirty_pages_keeps_clean_ones),
	BOTH_WAYS("b5 invalidate_page drops a page in any state", invalidate_page_drops_page_in_any_state),
	BOTH_WAYS("b5 invalidate forgets every page", invalidate_forgets_every_page),
};

const struct test_suite writeout_suite = SUITE(writeout_cases);
