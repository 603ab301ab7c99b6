/*
 * test_ram.c - RAM creation, page sizes from 4 KiB to 2 MiB, and the
 * figures of ram_get_stats().
 */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "harness.h"

/* Every power of two from 4 KiB to 2 MiB works as a page size. */
static void
page_sizes_4k_to_2m_work(const struct access_driver *how)
{
	for (size_t ps = 4096; ps <= 2 * 1024 * 1024; ps *= 2)
	{
		struct fixture fx;
		VMA			vma;

		fixture_open(&fx, how, ps, 3, 2);
		CHECK_EQ(ram_pagesize(fx.ram), ps);
		CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 3));
		CHECK_EQ(vma.addr_stop - vma.addr_start, 3 * ps);
		CHECK(access_page_is(how, &vma, 0, 0, 0));
		CHECK(strcmp(kernel_protection(page_addr(&vma, 0, ps - 1)), "r-") == 0);
		access_write(how, &vma, 1, ps - 1, 0x5A);
		CHECK_EQ(access_read(how, &vma, 1, 0), mock_byte(1, 0, 0));
		CHECK(strcmp(kernel_protection(page_addr(&vma, 1, 0)), "rw") == 0);
		CHECK(strcmp(kernel_protection(page_addr(&vma, 2, 0)), "--") == 0);
		/* a third page in a 2-page RAM reclaims the clean one */
		CHECK(access_page_is(how, &vma, 2, 2, 0));
		CHECK_EQ(fixture_stats(&fx).nreclaimed, 1);
		CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
		CHECK_EQ(mock_block(fx.mf, 1)[ps - 1], 0x5A);
		CHECK_EQ(mock_block(fx.mf, 1)[ps - 2], mock_byte(1, ps - 2, 0));
		CHECK_EQ(mock_total_loads(fx.mf), 3);
		vma_unmap(&vma);
		fixture_close(&fx);
	}
}

/* Other sizes are EINVAL; a file whose blksize differs from the RAM's is refused. */
static void
bad_page_sizes_are_einval(const struct access_driver *how)
{
	static const size_t bad_sizes[] = {
		0, 1, 2048, 4095, 3 * 4096, 4096 + 512, 4 * 1024 * 1024, 1u << 30, SIZE_MAX,
	};
	RAM		   *ram;
	struct mock_file *mf;
	BigFileH	fileh;

	(void) how;
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++)
	{
		errno = 0;
		CHECK(ram_new(bad_sizes[i], 0) == NULL);
		if (errno != EINVAL)
			test_fail(__FILE__, __LINE__, "ram_new(%zu): errno %d, expected EINVAL",
					  bad_sizes[i], errno);
	}

	ram = ram_new(8192, 0);
	CHECK(ram != NULL);
	mf = mock_file_new(4096, 2);
	errno = 0;
	CHECK_EQ(fileh_open(&fileh, &mf->file, ram), -1);
	CHECK(errno != 0);
	CHECK_EQ(mf->nreleased, 0);
	mock_file_free(mf);
	ram_close(ram);
}

/* ram_get_stats() follows pages loaded, dirtied, pinned and reclaimed. */
static void
ram_stats_follow_pages(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	struct ram_stats stats;

	fixture_open(&fx, how, TEST_PAGESIZE, 8, 5);
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.pagesize, TEST_PAGESIZE);
	CHECK_EQ(stats.max_pages, 5);
	CHECK_EQ(stats.npages + stats.npages_peak + stats.ndirty + stats.npinned, 0);
	CHECK_EQ(stats.nloads + stats.nreclaimed, 0);

	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	access_read(how, &vma, 0, 0);
	access_read(how, &vma, 1, 0);
	access_write(how, &vma, 2, 0, 1);
	CHECK_OK(vma_pin(&vma, 3, 2, 0));
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.npages, 5);
	CHECK_EQ(stats.npages_peak, 5);
	CHECK_EQ(stats.ndirty, 1);
	CHECK_EQ(stats.npinned, 2);
	CHECK_EQ(stats.nloads, 5);
	CHECK_EQ(stats.nreclaimed, 0);

	access_read(how, &vma, 5, 0);	/* reclaims page 0 */
	access_read(how, &vma, 0, 0);	/* reclaims page 1 */
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.npages, 5);
	CHECK_EQ(stats.nloads, 7);
	CHECK_EQ(stats.nreclaimed, 2);
	CHECK_EQ(stats.nloads, mock_total_loads(fx.mf));

	vma_unpin(&vma, 3, 2);
	fileh_dirty_discard(&fx.fileh);
	ram_set_max_pages(fx.ram, 0);
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.max_pages, 0);
	CHECK_EQ(stats.npages, 4);
	CHECK_EQ(stats.ndirty, 0);
	CHECK_EQ(stats.npinned, 0);

	vma_unmap(&vma);
	fileh_close(&fx.fileh);
	stats = fixture_stats(&fx);
	CHECK_EQ(stats.npages, 0);
	CHECK_EQ(stats.npages_peak, 5);
	CHECK_EQ(stats.nloads, 7);
	ram_close(fx.ram);
	mock_file_free(fx.mf);
}

static const struct test_case ram_cases[] = {
	BOTH_WAYS("ram page sizes 4 KiB to 2 MiB work", page_sizes_4k_to_2m_work),
	{"ram bad page sizes are EINVAL", bad_page_sizes_are_einval, NULL},
	BOTH_WAYS("ram stats follow pages", ram_stats_follow_pages),
};

const struct test_suite ram_suite = SUITE(ram_cases);
