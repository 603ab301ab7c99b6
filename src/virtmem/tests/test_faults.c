/*
 * test_faults.c - loading on first read and dirtying on first write
 * (behaviours 1 and 2 of the core's issue), and what loadblk is handed.
 */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE

/* 1: the first read loads the page once, read-only; later reads don't fault. */
static void
first_read_loads_once_readonly(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK(strcmp(kernel_protection(page_addr(&vma, 1, 0)), "--") == 0);

	faults = faults_served();
	CHECK_EQ(access_read(how, &vma, 1, PS - 1), mock_byte(1, PS - 1, 0));
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fx.mf->nloads[1], 1);
	CHECK_EQ(mock_total_loads(fx.mf), 1);
	CHECK(access_page_is(how, &vma, 1, 1, 0));

	for (size_t off = 0; off < PS; off += 97)
		CHECK_EQ(access_read(how, &vma, 1, off), mock_byte(1, off, 0));
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fx.mf->nloads[1], 1);

	CHECK(strcmp(kernel_protection(page_addr(&vma, 1, 0)), "r-") == 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 1, PS - 1)), "r-") == 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 2, 0)), "--") == 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK_EQ(fixture_stats(&fx).npages, 1);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 1: a mapping at a file offset loads the blocks it shows. */
static void
mapping_at_file_offset_loads_its_blocks(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 5, 3));
	CHECK_EQ(vma.addr_stop - vma.addr_start, 3 * PS);
	CHECK(access_page_is(how, &vma, 0, 5, 0));
	CHECK(access_page_is(how, &vma, 2, 7, 0));
	CHECK_EQ(fx.mf->nloads[5], 1);
	CHECK_EQ(fx.mf->nloads[7], 1);
	CHECK_EQ(mock_total_loads(fx.mf), 2);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 2: the first write loads and dirties the page, writable; later writes don't fault. */
static void
first_write_loads_dirties_maps_writable(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));

	faults = faults_served();
	access_write(how, &vma, 2, 100, 0xEE);
	CHECK(faults_served() > faults);
	CHECK_EQ(fx.mf->nloads[2], 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 2, 0)), "rw") == 0);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 2, PS - 1)), "rw") == 0);

	/* the rest of the page holds the file's bytes */
	CHECK_EQ(access_read(how, &vma, 2, 100), 0xEE);
	CHECK_EQ(access_read(how, &vma, 2, 99), mock_byte(2, 99, 0));
	CHECK_EQ(access_read(how, &vma, 2, PS - 1), mock_byte(2, PS - 1, 0));

	faults = faults_served();
	for (size_t off = 0; off < PS; off += 61)
		access_write(how, &vma, 2, off, (uint8_t) off);
	CHECK_EQ(faults_served(), faults);
	CHECK_EQ(fx.mf->nloads[2], 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);
	CHECK_EQ(mock_total_loads(fx.mf), 1);

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 2: a write to a page loaded by a read dirties it without reloading it. */
static void
write_after_read_dirties_without_reload(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));

	CHECK_EQ(access_read(how, &vma, 0, 7), mock_byte(0, 7, 0));
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	faults = faults_served();
	access_write(how, &vma, 0, 7, 0x42);
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(fx.mf->nloads[0], 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);
	CHECK(strcmp(kernel_protection(page_addr(&vma, 0, PS - 1)), "rw") == 0);

	faults = faults_served();
	access_fill_page(how, &vma, 0, 0x43);
	CHECK_EQ(faults_served(), faults);
	CHECK(access_page_filled(how, &vma, 0, 0x43));

	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 2: a read fault on a page dirty through another mapping maps it writable. */
static void
read_of_dirty_page_maps_it_writable(const struct access_driver *how)
{
	struct fixture fx;
	VMA			writer,
				reader;
	unsigned long faults;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&writer, &fx.fileh, 0, 4));
	CHECK_OK(fileh_mmap(&reader, &fx.fileh, 0, 4));

	access_write(how, &writer, 1, 5, 0x99);
	faults = faults_served();
	CHECK_EQ(access_read(how, &reader, 1, 5), 0x99);
	CHECK_EQ(faults_served() - faults, 1);
	CHECK(strcmp(kernel_protection(page_addr(&reader, 1, 0)), "rw") == 0);

	access_write(how, &reader, 1, 6, 0x98);
	CHECK_EQ(faults_served() - faults, 1);
	CHECK_EQ(access_read(how, &writer, 1, 6), 0x98);
	CHECK_EQ(fx.mf->nloads[1], 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	vma_unmap(&writer);
	vma_unmap(&reader);
	fixture_close(&fx);
}

/*
 * Issue 8, item 10: loadblk gets zeroed memory, so a loadblk that fills only
 * the stored part of a block (as the mock does past its length) leaves
 * zeros, never bytes another handle loaded or stored before.
 */
static void
partial_loadblk_leaves_zeros(const struct access_driver *how)
{
	struct fixture fx;
	struct mock_file *short_file = mock_file_new(PS, 4);
	BigFileH	short_fileh;
	VMA			vma,
				short_vma;

	fixture_open(&fx, how, PS, 4, 0);
	mock_file_set_length(short_file, PS + PS / 2);
	CHECK_OK(fileh_open(&short_fileh, &short_file->file, fx.ram));
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK_OK(fileh_mmap(&short_vma, &short_fileh, 0, 4));

	/* another handle loads its bytes first */
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	access_read(how, &short_vma, 1, 0);
	for (size_t off = 0; off < PS / 2; off++)
		CHECK_EQ(page_addr(&short_vma, 1, off)[0], mock_byte(1, off, 0));
	for (size_t off = PS / 2; off < PS; off++)
		CHECK_EQ(page_addr(&short_vma, 1, off)[0], 0);

	/* or stores them */
	access_fill_page(how, &vma, 1, 0xEE);
	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE), 0);
	CHECK(access_page_filled(how, &short_vma, 2, 0));

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&short_vma);
	vma_unmap(&vma);
	fileh_close(&short_fileh);
	mock_file_free(short_file);
	fixture_close(&fx);
}

static const struct test_case fault_cases[] = {
	BOTH_WAYS("b1 first read loads once, read-only", first_read_loads_once_readonly),
	BOTH_WAYS("b1 mapping at a file offset loads its blocks", mapping_at_file_offset_loads_its_blocks),
	BOTH_WAYS("b2 first write loads, dirties, maps writable", first_write_loads_dirties_maps_writable),
	BOTH_WAYS("b2 write after read dirties without reload", write_after_read_dirties_without_reload),
	BOTH_WAYS("b2 read of a dirty page maps it writable", read_of_dirty_page_maps_it_writable),
	BOTH_WAYS("i8 a partial loadblk leaves zeros", partial_loadblk_leaves_zeros),
};

const struct test_suite fault_suite = SUITE(fault_cases);
