/*
 * mock_file.c - the recording in-memory BigFile of mock_file.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mock_file.h"

/* Leave errno different from what any caller had, as real storage may. */
#define ERRNO_CLOBBER	ENOTRECOVERABLE

static void *
xcalloc(size_t n, size_t size)
{
	void	   *p = calloc(n, size);

	if (p == NULL)
		test_fail(__FILE__, __LINE__, "out of memory");
	return p;
}

uint8_t
mock_byte(uint64_t blk, size_t off, unsigned gen)
{
	return (uint8_t) (blk * 37 + off * 11 + (off >> 8) * 3 + gen * 101 + 1);
}

bool
mock_pattern_equals(const void *buf, size_t blksize, uint64_t blk, unsigned gen)
{
	const uint8_t *bytes = buf;

	for (size_t off = 0; off < blksize; off++)
		if (bytes[off] != mock_byte(blk, off, gen))
			return false;
	return true;
}

static struct mock_file *
mock_of(BigFile *file)
{
	return (struct mock_file *) file;
}

static void
check_block_in_range(const struct mock_file *mf, blk_t blk)
{
	if (blk >= mf->nblocks)
		test_fail(__FILE__, __LINE__, "virtmem asked for block %ju of a %zu-block file",
				  (uintmax_t) blk, mf->nblocks);
}

static int
mock_loadblk(BigFile *file, blk_t blk, void *buf)
{
	struct mock_file *mf = mock_of(file);

	size_t		start = blk * file->blksize;

	check_block_in_range(mf, blk);
	mf->nloads[blk]++;
	errno = ERRNO_CLOBBER;
	if (mf->fail_load[blk])
		return -1;
	if (start < mf->length)
		memcpy(buf, mf->data + start,
			   mf->length - start < file->blksize ? mf->length - start : file->blksize);
	return 0;
}

static int
mock_loadblk_part(BigFile *file, blk_t blk, size_t off, size_t len, void *buf)
{
	struct mock_file *mf = mock_of(file);
	size_t		start = blk * file->blksize + off;

	check_block_in_range(mf, blk);
	if (off % (file->blksize / 64) != 0 || len % (file->blksize / 64) != 0 ||
		len == 0 || off + len > file->blksize)
		test_fail(__FILE__, __LINE__, "loadblk_part of bytes %zu+%zu of a %zu-byte block",
				  off, len, file->blksize);
	mf->nloads[blk]++;
	mf->nloads_part[blk]++;
	errno = ERRNO_CLOBBER;
	if (mf->fail_load[blk])
		return -1;
	if (start < mf->length)
		memcpy(buf, mf->data + start,
			   mf->length - start < len ? mf->length - start : len);
	return 0;
}

static int
mock_storeblk(BigFile *file, blk_t blk, const void *buf)
{
	struct mock_file *mf = mock_of(file);

	check_block_in_range(mf, blk);
	mf->nstores[blk]++;
	if (mf->nstore_calls == mf->store_order_cap)
	{
		mf->store_order_cap = mf->store_order_cap ? 2 * mf->store_order_cap : 64;
		mf->store_order = realloc(mf->store_order, mf->store_order_cap * sizeof(blk_t));
		if (mf->store_order == NULL)
			test_fail(__FILE__, __LINE__, "out of memory");
	}
	mf->store_order[mf->nstore_calls++] = blk;
	errno = ERRNO_CLOBBER;
	if (mf->fail_store[blk])
		return -1;
	memcpy(mf->data + blk * file->blksize, buf, file->blksize);
	if (mf->length < (blk + 1) * file->blksize)
		mf->length = (blk + 1) * file->blksize;
	return 0;
}

static void
mock_release(BigFile *file)
{
	mock_of(file)->nreleased++;
}

static const struct bigfile_ops mock_ops = {
	.loadblk = mock_loadblk,
	.storeblk = mock_storeblk,
	.release = mock_release,
};

static const struct bigfile_ops mock_parts_ops = {
	.loadblk = mock_loadblk,
	.loadblk_part = mock_loadblk_part,
	.storeblk = mock_storeblk,
	.release = mock_release,
};

void
mock_file_allow_parts(struct mock_file *mf)
{
	mf->file.file_ops = &mock_parts_ops;
}

struct mock_file *
mock_file_new(size_t blksize, size_t nblocks)
{
	struct mock_file *mf = xcalloc(1, sizeof(*mf));

	mf->file.file_ops = &mock_ops;
	mf->file.blksize = blksize;
	mf->nblocks = nblocks;
	mf->data = xcalloc(nblocks, blksize);
	mf->length = nblocks * blksize;
	mf->nloads = xcalloc(nblocks, sizeof(unsigned));
	mf->nloads_part = xcalloc(nblocks, sizeof(unsigned));
	mf->nstores = xcalloc(nblocks, sizeof(unsigned));
	mf->fail_load = xcalloc(nblocks, sizeof(bool));
	mf->fail_store = xcalloc(nblocks, sizeof(bool));
	for (blk_t blk = 0; blk < nblocks; blk++)
		mock_file_rewrite(mf, blk, 0);
	return mf;
}

void
mock_file_free(struct mock_file *mf)
{
	free(mf->data);
	free(mf->nloads);
	free(mf->nloads_part);
	free(mf->nstores);
	free(mf->fail_load);
	free(mf->fail_store);
	free(mf->store_order);
	free(mf);
}

void
mock_file_rewrite(struct mock_file *mf, blk_t blk, unsigned gen)
{
	uint8_t    *dst = mf->data + blk * mf->file.blksize;

	check_block_in_range(mf, blk);
	for (size_t off = 0; off < mf->file.blksize; off++)
		dst[off] = mock_byte(blk, off, gen);
	if (mf->length < (blk + 1) * mf->file.blksize)
		mf->length = (blk + 1) * mf->file.blksize;
}

void
mock_file_set_length(struct mock_file *mf, size_t length)
{
	if (length > mf->nblocks * mf->file.blksize)
		test_fail(__FILE__, __LINE__, "length %zu is past the %zu-block file",
				  length, mf->nblocks);
	if (length < mf->length)
		memset(mf->data + length, 0, mf->length - length);
	mf->length = length;
}

const uint8_t *
mock_block(const struct mock_file *mf, blk_t blk)
{
	check_block_in_range(mf, blk);
	return mf->data + blk * mf->file.blksize;
}

uint64_t
mock_total_loads(const struct mock_file *mf)
{
	uint64_t	total = 0;

	for (size_t blk = 0; blk < mf->nblocks; blk++)
		total += mf->nloads[blk];
	return total;
}

void
mock_clear_store_log(struct mock_file *mf)
{
	mf->nstore_calls = 0;
}
