/*
 * test_rss.c - the process's RSS counts each resident page once.
 *
 * The kernel counts a page of shared memory in the RSS once per mapping
 * that holds it.  A page of the RAM is meant to be mapped only where the
 * user mapped it: were virtmem to keep mappings of the memfd of its own
 * (to fill or read slots through), every resident page would count twice
 * and the RSS (VmRSS, and its peak VmHWM, which is what memory limits and
 * monitoring look at) would be double the memory the RAM holds.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "harness.h"

#define PS			((size_t) 64 * 1024)
#define RAM_PAGES	256			/* 16 MiB: far above the noise of the rest */
#define FILE_PAGES	384		/* reading them makes the RAM reclaim */

/* A field of /proc/self/status, in bytes. */
static size_t
status_bytes(const char *field)
{
	FILE	   *status = fopen("/proc/self/status", "r");
	char		line[256];
	size_t		kib = 0;
	bool		found = false;

	if (status == NULL)
		test_fail(__FILE__, __LINE__, "/proc/self/status: %m");
	while (!found && fgets(line, sizeof(line), status) != NULL)
	{
		if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':')
			found = sscanf(line + strlen(field) + 1, "%zu", &kib) == 1;
	}
	fclose(status);
	if (!found)
		test_fail(__FILE__, __LINE__, "no %s in /proc/self/status", field);
	return kib * 1024;
}

/* Make VmHWM start again from the current VmRSS. */
static void
reset_peak_rss(void)
{
	FILE	   *clear_refs = fopen("/proc/self/clear_refs", "w");

	if (clear_refs == NULL || fputs("5", clear_refs) < 0 || fclose(clear_refs) != 0)
		test_fail(__FILE__, __LINE__, "resetting VmHWM through /proc/self/clear_refs: %m");
}

/*
 * Since before (VmRSS and RssShmem then), the RAM's pages mapped grew by
 * shared bytes and other memory by about private bytes.  RssShmem counts
 * just the RAM's pages: it must grow by shared bytes (within an eighth),
 * where counting the pages twice makes it double.  VmRSS and its peak VmHWM
 * must grow by shared + private within half of it: the slack is for
 * valgrind, whose shadow memory for a mapping's reservation comes to a
 * quarter of its size.
 */
struct rss
{
	size_t		total;
	size_t		shmem;
};

static struct rss
rss_now(void)
{
	struct rss	now = {status_bytes("VmRSS"), status_bytes("RssShmem")};

	return now;
}

static void
check_rss_growth(struct rss before, size_t shared, size_t private)
{
	struct rss	now = rss_now();
	size_t		peak = status_bytes("VmHWM");
	size_t		expected = shared + private;

	if (now.shmem < before.shmem + shared - shared / 8 ||
		now.shmem > before.shmem + shared + shared / 8 ||
		now.total < before.total + expected - expected / 8 ||
		now.total > before.total + expected + expected / 2 ||
		peak > before.total + expected + expected / 2)
		test_fail(__FILE__, __LINE__,
				  "RssShmem grew by %td KiB, VmRSS by %td KiB, VmHWM by %td KiB: "
				  "expected about %zu KiB of shared memory, %zu KiB in all",
				  ((ptrdiff_t) now.shmem - (ptrdiff_t) before.shmem) / 1024,
				  ((ptrdiff_t) now.total - (ptrdiff_t) before.total) / 1024,
				  ((ptrdiff_t) peak - (ptrdiff_t) before.total) / 1024,
				  shared / 1024, expected / 1024);
}

/*
 * Read file_pages pages, twice, through a RAM of ram_pages; if check, the
 * RSS must grow by the RAM's size.
 */
static void
read_through_ram(const struct access_driver *how, size_t ram_pages, size_t file_pages,
				 bool check)
{
	struct fixture fx;
	VMA			vma;
	struct rss	before;

	fixture_open(&fx, how, PS, file_pages, ram_pages);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, file_pages));
	reset_peak_rss();
	before = rss_now();
	for (int round = 0; round < 2; round++)
	{
		for (vm_pgoff_t page = 0; page < file_pages; page++)
			CHECK(access_page_is(how, &vma, page, page, 0));
	}
	CHECK_EQ(fixture_stats(&fx).npages, ram_pages);
	if (check)
		check_rss_growth(before, ram_pages * PS, 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * Write a RAM's worth of pages and store them; if check, the RSS must grow
 * by the RAM's size, and by the one page of other memory writeout hands the
 * bytes to storeblk through.
 */
static void
write_and_store(const struct access_driver *how, size_t ram_pages, bool check)
{
	struct fixture fx;
	VMA			vma;
	struct rss	before;

	fixture_open(&fx, how, PS, ram_pages, ram_pages);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, ram_pages));
	reset_peak_rss();
	before = rss_now();
	for (vm_pgoff_t page = 0; page < ram_pages; page++)
		access_fill_page(how, &vma, page, 0x5A);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(mock_block(fx.mf, ram_pages - 1)[PS - 1], 0x5A);
	if (check)
		check_rss_growth(before, ram_pages * PS, PS);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/*
 * Each case first runs its scenario on a few pages, unchecked: under
 * valgrind, code run for the first time costs memory of its own (its
 * translation), which would be counted with the pages.
 */
static void
reading_counts_each_page_once(const struct access_driver *how)
{
	read_through_ram(how, 4, 6, false);
	read_through_ram(how, RAM_PAGES, FILE_PAGES, true);
}

static void
writing_and_storing_counts_each_page_once(const struct access_driver *how)
{
	write_and_store(how, 4, false);
	write_and_store(how, RAM_PAGES, true);
}

static const struct test_case rss_cases[] = {
	BOTH_WAYS("ram reading counts each page once in RSS", reading_counts_each_page_once),
	BOTH_WAYS("ram writing and storing count each page once in RSS",
			  writing_and_storing_counts_each_page_once),
};

const struct test_suite rss_suite = SUITE(rss_cases);
