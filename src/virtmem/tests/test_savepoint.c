/*
 * test_savepoint.c - undo levels of a file handle: fileh_savepoint(),
 * fileh_rollback_savepoint() and fileh_release_savepoint().
 *
 * All changes go through the access driver, so in fault mode each case also
 * proves that the first write to a page at a new level is noticed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE

/* A page dirty before the savepoint and written after it gets its old bytes back. */
static void
rollback_restores_page_dirty_before(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 0, 0xA0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 0, 0xB0);
	fileh_rollback_savepoint(&fx.fileh);

	CHECK(access_page_filled(how, &vma, 0, 0xA0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);
	CHECK_EQ(fx.mf->nloads[0], 1);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK_EQ(mock_block(fx.mf, 0)[PS - 1], 0xA0);

	/* it is still writable as the dirty page it is */
	access_fill_page(how, &vma, 0, 0xA1);
	CHECK(access_page_filled(how, &vma, 0, 0xA1));

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* Pages clean (or absent) before the savepoint and written after are dropped. */
static void
rollback_drops_page_clean_before(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK(access_page_is(how, &vma, 3, 3, 0));
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 1, 0xB1);
	access_fill_page(how, &vma, 2, 0xB2);	/* not loaded before */
	fileh_rollback_savepoint(&fx.fileh);

	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK(access_page_is(how, &vma, 2, 2, 0));
	CHECK_EQ(fx.mf->nloads[1], 2);
	CHECK_EQ(fx.mf->nloads[2], 2);
	/* page 3, untouched in the level, stays */
	CHECK(access_page_is(how, &vma, 3, 3, 0));
	CHECK_EQ(fx.mf->nloads[3], 1);
	CHECK_EQ(fx.mf->nstore_calls, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * A writeout STORE|MARKSTORED inside the level is a change too: after the
 * rollback a page dirty before is dirty again with its bytes then, and a
 * page clean before is dropped.
 */
static void
rollback_after_markstored_redirties(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 0, 0xA0);
	access_fill_page(how, &vma, 1, 0xA1);
	CHECK(access_page_is(how, &vma, 2, 2, 0));
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 1, 0xB1);
	access_fill_page(how, &vma, 2, 0xB2);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK_EQ(mock_block(fx.mf, 0)[0], 0xA0);
	fileh_rollback_savepoint(&fx.fileh);

	CHECK_EQ(fixture_stats(&fx).ndirty, 2);
	CHECK(access_page_filled(how, &vma, 0, 0xA0));
	CHECK(access_page_filled(how, &vma, 1, 0xA1));

	/* the storage undid its own writes, as a subtransaction abort does */
	mock_file_rewrite(fx.mf, 0, 0);
	mock_file_rewrite(fx.mf, 1, 0);
	mock_file_rewrite(fx.mf, 2, 0);
	CHECK(access_page_is(how, &vma, 2, 2, 0));
	CHECK_EQ(fx.mf->nloads[2], 2);

	mock_clear_store_log(fx.mf);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fx.mf->nstore_calls, 2);
	CHECK_EQ(mock_block(fx.mf, 0)[PS - 1], 0xA0);
	CHECK_EQ(mock_block(fx.mf, 1)[PS - 1], 0xA1);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* Release merges a level into the enclosing one: its rollback undoes both. */
static void
release_merges_into_outer_level(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 3, 0xA3);

	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 0, 0xB0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 2);
	access_fill_page(how, &vma, 1, 0xC1);
	access_fill_page(how, &vma, 3, 0xC3);
	fileh_release_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 1, 0xC1));
	CHECK(access_page_filled(how, &vma, 3, 0xC3));
	CHECK_EQ(fixture_stats(&fx).ndirty, 3);

	/* back at depth 1: the next savepoint is depth 2 again */
	CHECK_EQ(fileh_savepoint(&fx.fileh), 2);
	fileh_release_savepoint(&fx.fileh);
	fileh_rollback_savepoint(&fx.fileh);

	CHECK_EQ(fixture_stats(&fx).ndirty, 1);
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK(access_page_filled(how, &vma, 3, 0xA3));
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	fileh_release_savepoint(&fx.fileh);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* Nested levels roll back one at a time, each to what it opened with. */
static void
nested_levels_roll_back_in_turn(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 0, 0xA0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 0, 0xB0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 2);
	access_fill_page(how, &vma, 0, 0xC0);
	access_fill_page(how, &vma, 1, 0xC1);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 3);
	access_fill_page(how, &vma, 0, 0xD0);

	fileh_rollback_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 0, 0xC0));
	CHECK(access_page_filled(how, &vma, 1, 0xC1));
	fileh_rollback_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 0, 0xB0));
	CHECK(access_page_is(how, &vma, 1, 1, 0));

	/* a write at level 1 after its inner level rolled back is still undone */
	access_fill_page(how, &vma, 0, 0xB8);
	fileh_rollback_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 0, 0xA0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	/* a level reopened after a rollback notices its first write again */
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 0, 0xE0);
	fileh_rollback_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 0, 0xA0));

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* Invalidating a page forgets its undo records: rollback does not bring it back. */
static void
invalidate_page_forgets_undo(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	access_fill_page(how, &vma, 0, 0xA0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	access_fill_page(how, &vma, 0, 0xB0);
	mock_file_rewrite(fx.mf, 0, 1);
	fileh_invalidate_page(&fx.fileh, 0);
	fileh_rollback_savepoint(&fx.fileh);

	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK(access_page_is(how, &vma, 0, 0, 1));

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * Pages clean when the level opened need no bytes kept for a rollback, so
 * they stay reclaimable: one level can change and store more pages than the
 * RAM holds.  Rollback, with the storage undoing its own writes of the level
 * as a subtransaction would, brings back the file's bytes.
 */
static void
level_changes_more_pages_than_ram(const struct access_driver *how)
{
	enum
	{
		NBLOCKS = 8, RAM_PAGES = 2
	};
	struct fixture fx;
	VMA			vma;
	uint8_t    *before;

	fixture_open(&fx, how, PS, NBLOCKS, RAM_PAGES);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, NBLOCKS));
	before = malloc(NBLOCKS * PS);
	CHECK(before != NULL);
	memcpy(before, fx.mf->data, NBLOCKS * PS);

	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	for (vm_pgoff_t p = 0; p < NBLOCKS; p++)
	{
		access_fill_page(how, &vma, p, (uint8_t) (0xC0 + p));
		CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	}
	CHECK(fixture_stats(&fx).npages <= RAM_PAGES);
	CHECK_EQ(mock_block(fx.mf, NBLOCKS - 1)[0], 0xC0 + NBLOCKS - 1);

	memcpy(fx.mf->data, before, NBLOCKS * PS);
	fileh_rollback_savepoint(&fx.fileh);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	for (vm_pgoff_t p = 0; p < NBLOCKS; p++)
		CHECK(access_page_is(how, &vma, p, p, 0));

	free(before);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * fileh_drop_clean_page() drops a clean page but keeps its undo records:
 * the page is dirty before two levels, stored in the outer one, rewritten
 * and rolled back in the inner one, then read back from the file; dropping
 * it (as after the storage undid its writes) must still let the outer
 * rollback bring back the bytes of before the outer level.
 */
static void
drop_clean_page_keeps_undo(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 2, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 2));
	access_fill_page(how, &vma, 0, 0xA0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 2);
	access_fill_page(how, &vma, 0, 0xB0);
	fileh_rollback_savepoint(&fx.fileh);
	CHECK(access_page_filled(how, &vma, 0, 0xA0));	/* read back from the file */

	mock_file_rewrite(fx.mf, 0, 0);		/* the storage undoes the outer store */
	fileh_drop_clean_page(&fx.fileh, 0);
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	fileh_drop_clean_page(&fx.fileh, 0);
	fileh_rollback_savepoint(&fx.fileh);

	CHECK(access_page_filled(how, &vma, 0, 0xA0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * A stored page whose records still rely on its bytes (dirty before the
 * level, stored in it) is dropped because the file changed under it: the
 * rollback brings back its bytes, whether or not it was read again (the
 * reload must not overwrite them).  Found by the model test (seed 2).
 */
static void
dropped_stored_page_keeps_bytes_for_rollback(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 2, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 2));
	for (int reload = 0; reload <= 1; reload++)
	{
		access_fill_page(how, &vma, 0, 0xA0);
		CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
		CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
		mock_file_rewrite(fx.mf, 0, 1);		/* a change in the level, as a truncation */
		fileh_drop_clean_page(&fx.fileh, 0);
		if (reload)
			CHECK(access_page_is(how, &vma, 0, 0, 1));
		mock_file_rewrite(fx.mf, 0, 0);		/* the storage undoes the level */
		fileh_rollback_savepoint(&fx.fileh);

		CHECK(access_page_filled(how, &vma, 0, 0xA0));
		CHECK_EQ(fixture_stats(&fx).ndirty, 1);
		fileh_dirty_discard(&fx.fileh);
	}

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * A page dropped but kept for its undo records goes when a release leaves
 * it none: it must not hold a RAM page for ever.  Found by the model test
 * (seed 1).
 */
static void
release_frees_page_kept_only_for_records(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 2, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 2));
	access_fill_page(how, &vma, 0, 0xA0);
	CHECK_EQ(fileh_savepoint(&fx.fileh), 1);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	fileh_drop_clean_page(&fx.fileh, 0);
	fileh_release_savepoint(&fx.fileh);

	CHECK_EQ(fixture_stats(&fx).npages, 0);
	CHECK_EQ(kernel_ram_bytes(), 0);
	CHECK(access_page_filled(how, &vma, 0, 0xA0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

static const struct test_case savepoint_cases[] = {
	BOTH_WAYS("sp rollback restores a page dirty before", rollback_restores_page_dirty_before),
	BOTH_WAYS("sp rollback drops a page clean before", rollback_drops_page_clean_before),
	BOTH_WAYS("sp rollback after MARKSTORED redirties", rollback_after_markstored_redirties),
	BOTH_WAYS("sp release merges into the outer level", release_merges_into_outer_level),
	BOTH_WAYS("sp nested levels roll back in turn", nested_levels_roll_back_in_turn),
	BOTH_WAYS("sp invalidate_page forgets undo records", invalidate_page_forgets_undo),
	BOTH_WAYS("sp a level changes more pages than the RAM holds", level_changes_more_pages_than_ram),
	BOTH_WAYS("sp drop_clean_page keeps undo for outer rollback", drop_clean_page_keeps_undo),
	BOTH_WAYS("sp a dropped stored page keeps its bytes for rollback",
			  dropped_stored_page_keeps_bytes_for_rollback),
	BOTH_WAYS("sp release frees a page kept only for its records",
			  release_frees_page_kept_only_for_records),
};

const struct test_suite savepoint_suite = SUITE(savepoint_cases);
