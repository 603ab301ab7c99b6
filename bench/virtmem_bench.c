/*
 * virtmem_bench.c - what the virtmem core's faults cost, per page size.
 *
 * For page sizes 4 KiB to 2 MiB it measures, over an in-memory BigFile
 * whose loadblk is a memcpy:
 *  - the median cost of a read fault (SIGSEGV, loadblk, mapping), and of a
 *    write fault on a page already loaded (SIGSEGV, dirtying, mprotect);
 *  - the throughput of reading a 256 MiB file through a mapping, by faults
 *    and by vma_pin() of 1 MiB chunks, through a RAM capped at 64 MiB (so
 *    clean pages are reclaimed as the stream goes).
 * Plain memcpy and in-memory summing give the reference.  Output is a
 * markdown table; the sums read through virtmem are checked against the
 * file's, and the last line says "N passed, M failed" about those checks.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bigarray/virtmem.h"

#define MiB					(1024 * 1024)
#define STREAM_BYTES		((size_t) 256 * MiB)
#define STREAM_RAM_BYTES	((size_t) 64 * MiB)
#define PIN_CHUNK_BYTES		((size_t) 1 * MiB)
#define FAULT_SAMPLE_BYTES	((size_t) 64 * MiB)
#define MAX_FAULT_SAMPLES	2048

/* A BigFile over a buffer in memory. */
struct memory_file
{
	BigFile		file;
	uint8_t    *data;
};

static int
memory_loadblk(BigFile *file, blk_t blk, void *buf)
{
	memcpy(buf, ((struct memory_file *) file)->data + blk * file->blksize, file->blksize);
	return 0;
}

static int
memory_storeblk(BigFile *file, blk_t blk, const void *buf)
{
	memcpy(((struct memory_file *) file)->data + blk * file->blksize, buf, file->blksize);
	return 0;
}

static const struct bigfile_ops memory_ops = {
	.loadblk = memory_loadblk,
	.storeblk = memory_storeblk,
	.release = NULL,
};

/* A handle on the file with pages of pagesize in a RAM of max_pages, and a mapping of npages. */
struct bench_view
{
	struct memory_file mf;
	RAM		   *ram;
	BigFileH	fileh;
	VMA			vma;
};

static unsigned checks_passed;
static unsigned checks_failed;

static void
die(const char *what)
{
	fprintf(stderr, "virtmem_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
view_open(struct bench_view *view, uint8_t *data, size_t pagesize, size_t max_pages, size_t npages)
{
	view->mf.file.file_ops = &memory_ops;
	view->mf.file.blksize = pagesize;
	view->mf.data = data;
	view->ram = ram_new(pagesize, max_pages);
	if (view->ram == NULL)
		die("ram_new");
	if (fileh_open(&view->fileh, &view->mf.file, view->ram) != 0)
		die("fileh_open");
	if (fileh_mmap(&view->vma, &view->fileh, 0, npages) != 0)
		die("fileh_mmap");
}

static void
view_close(struct bench_view *view)
{
	fileh_dirty_discard(&view->fileh);
	vma_unmap(&view->vma);
	fileh_close(&view->fileh);
	ram_close(view->ram);
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *samples, size_t n)
{
	qsort(samples, n, sizeof(double), compare_double);
	return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

static uint64_t
sum_words(const volatile void *buf, size_t bytes)
{
	const uint64_t *words = (const uint64_t *) buf;
	uint64_t	sum = 0;

	for (size_t i = 0; i < bytes / sizeof(uint64_t); i++)
		sum += words[i];
	return sum;
}

static double
mb_per_s(size_t bytes, double us)
{
	return bytes / us;			/* bytes per microsecond = MB/s */
}

/* Count a check that data read as unit-byte pages summed to what the file holds. */
static void
check_sum(uint64_t got, uint64_t expected, const char *what, size_t unit)
{
	if (got == expected)
		checks_passed++;
	else
	{
		checks_failed++;
		fprintf(stderr, "virtmem_bench: %s (%zu-byte units) read wrong data\n", what, unit);
	}
}

/* Median read fault and write fault (on the loaded page) cost, in us. */
static void
measure_faults(uint8_t *data, size_t pagesize, double *read_us, double *write_us)
{
	static double read_samples[MAX_FAULT_SAMPLES];
	static double write_samples[MAX_FAULT_SAMPLES];
	size_t		n = FAULT_SAMPLE_BYTES / pagesize;
	struct bench_view view;

	if (n > MAX_FAULT_SAMPLES)
		n = MAX_FAULT_SAMPLES;
	view_open(&view, data, pagesize, 0, n);
	for (size_t i = 0; i < n; i++)
	{
		volatile uint8_t *page = (volatile uint8_t *) (view.vma.addr_start + i * pagesize);
		double		t0 = now_us();

		(void) *page;
		read_samples[i] = now_us() - t0;
	}
	for (size_t i = 0; i < n; i++)
	{
		volatile uint8_t *page = (volatile uint8_t *) (view.vma.addr_start + i * pagesize);
		double		t0 = now_us();

		*page = 1;
		write_samples[i] = now_us() - t0;
	}
	view_close(&view);
	*read_us = median(read_samples, n);
	*write_us = median(write_samples, n);
}

/* Throughput of summing the whole file through faults, in MB/s. */
static double
stream_by_faults(uint8_t *data, size_t pagesize, uint64_t expected_sum)
{
	struct bench_view view;
	double		t0,
				us;
	uint64_t	sum;

	view_open(&view, data, pagesize, STREAM_RAM_BYTES / pagesize, STREAM_BYTES / pagesize);
	t0 = now_us();
	sum = sum_words((const volatile void *) view.vma.addr_start, STREAM_BYTES);
	us = now_us() - t0;
	view_close(&view);
	check_sum(sum, expected_sum, "streaming by faults", pagesize);
	return mb_per_s(STREAM_BYTES, us);
}

/* Throughput of summing the whole file by pinning chunks, in MB/s. */
static double
stream_by_pins(uint8_t *data, size_t pagesize, uint64_t expected_sum)
{
	struct bench_view view;
	size_t		chunk_pages = PIN_CHUNK_BYTES > pagesize ? PIN_CHUNK_BYTES / pagesize : 1;
	size_t		npages = STREAM_BYTES / pagesize;
	double		t0,
				us;
	uint64_t	sum = 0;

	view_open(&view, data, pagesize, STREAM_RAM_BYTES / pagesize, npages);
	t0 = now_us();
	for (vm_pgoff_t first = 0; first < npages; first += chunk_pages)
	{
		if (vma_pin(&view.vma, first, chunk_pages, 0) != 0)
			die("vma_pin");
		sum += sum_words((const volatile void *) (view.vma.addr_start + first * pagesize),
						 chunk_pages * pagesize);
		vma_unpin(&view.vma, first, chunk_pages);
	}
	us = now_us() - t0;
	view_close(&view);
	check_sum(sum, expected_sum, "streaming by pins", pagesize);
	return mb_per_s(STREAM_BYTES, us);
}

int
main(void)
{
	static const size_t pagesizes[] = {
		4096, 16 * 1024, 64 * 1024, 256 * 1024, 1 * MiB, 2 * MiB,
	};
	uint8_t    *data = malloc(STREAM_BYTES);
	uint8_t    *copy = malloc(STREAM_BYTES);
	uint64_t	state = 88172645463325252ULL,
				expected_sum;
	double		t0,
				memcpy_mbs,
				sum_mbs;

	if (data == NULL || copy == NULL)
		die("malloc");
	for (size_t i = 0; i < STREAM_BYTES / sizeof(uint64_t); i++)
	{
		state ^= state << 13;	/* xorshift64 */
		state ^= state >> 7;
		state ^= state << 17;
		((uint64_t *) data)[i] = state;
	}
	for (size_t off = 0; off < STREAM_BYTES; off += 4096)	/* first touch, untimed */
		((volatile uint8_t *) copy)[off] = 0;

	t0 = now_us();
	expected_sum = sum_words(data, STREAM_BYTES);
	sum_mbs = mb_per_s(STREAM_BYTES, now_us() - t0);
	t0 = now_us();
	memcpy(copy, data, STREAM_BYTES);
	memcpy_mbs = mb_per_s(STREAM_BYTES, now_us() - t0);
	check_sum(sum_words(copy, STREAM_BYTES), expected_sum, "memcpy", STREAM_BYTES);
	free(copy);

	if (pagefault_init() != 0)
		die("pagefault_init");

	printf("Reading a %zu MiB file through a RAM capped at %zu MiB; loadblk is a memcpy.\n"
		   "Faults: median over up to %d pages (the read fault includes loading the page).\n\n",
		   STREAM_BYTES / MiB, STREAM_RAM_BYTES / MiB, MAX_FAULT_SAMPLES);
	printf("| page size | read fault (us) | write fault, loaded page (us) "
		   "| stream by faults (MB/s) | stream by vma_pin, 1 MiB chunks (MB/s) |\n");
	printf("|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < sizeof(pagesizes) / sizeof(pagesizes[0]); i++)
	{
		size_t		ps = pagesizes[i];
		double		read_us,
					write_us,
					faults_mbs,
					pins_mbs;

		measure_faults(data, ps, &read_us, &write_us);
		faults_mbs = stream_by_faults(data, ps, expected_sum);
		pins_mbs = stream_by_pins(data, ps, expected_sum);
		if (ps >= MiB)
			printf("| %zu MiB", ps / MiB);
		else
			printf("| %zu KiB", ps / 1024);
		printf(" | %.1f | %.1f | %.0f | %.0f |\n", read_us, write_us, faults_mbs, pins_mbs);
	}
	printf("\nReference, same machine: memcpy %.0f MB/s; summing the file in memory %.0f MB/s.\n\n",
		   memcpy_mbs, sum_mbs);
	free(data);
	printf("%u passed, %u failed\n", checks_passed, checks_failed);
	return checks_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
