/*
 * mock_file.h - an in-memory BigFile that records what virtmem asks of it.
 *
 * Blocks hold a known pattern (mock_byte) of some "generation", so a test can
 * tell the file's bytes from bytes it wrote itself and can change the file
 * underneath.  The mock counts loadblk/storeblk calls per block, logs the
 * order of storeblk calls, and fails loadblk/storeblk for chosen blocks.
 * Both operations clobber errno, to catch a fault handler that lets errno
 * change.
 */
#ifndef VIRTMEM_TESTS_MOCK_FILE_H
#define VIRTMEM_TESTS_MOCK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bigarray/bigfile.h"

struct mock_file
{
	BigFile		file;			/* first, as virtmem expects */
	size_t		nblocks;
	uint8_t    *data;			/* nblocks * blksize stored bytes */
	unsigned   *nloads;			/* loadblk calls, per block */
	unsigned   *nstores;		/* storeblk calls, per block */
	bool	   *fail_load;		/* loadblk of this block fails */
	bool	   *fail_store;		/* storeblk of this block fails */
	blk_t	   *store_order;	/* blocks in the order storeblk got them */
	size_t		nstore_calls;
	size_t		store_order_cap;
	unsigned	nreleased;		/* release op calls */
};

/* A file of nblocks blocks of generation 0.  Never returns NULL. */
struct mock_file *mock_file_new(size_t blksize, size_t nblocks);
void		mock_file_free(struct mock_file *mf);

/* Byte off of block blk in generation gen of the file. */
uint8_t		mock_byte(uint64_t blk, size_t off, unsigned gen);

/* True if buf (blksize bytes) holds block blk of generation gen. */
bool		mock_pattern_equals(const void *buf, size_t blksize, uint64_t blk, unsigned gen);

/* Replace stored block blk by its generation gen, behind virtmem's back. */
void		mock_file_rewrite(struct mock_file *mf, blk_t blk, unsigned gen);

/* The stored bytes of block blk. */
const uint8_t *mock_block(const struct mock_file *mf, blk_t blk);

/* Sum of loadblk calls over all blocks. */
uint64_t	mock_total_loads(const struct mock_file *mf);

/* Forget the storeblk log (counters per block stay). */
void		mock_clear_store_log(struct mock_file *mf);

#endif							/* VIRTMEM_TESTS_MOCK_FILE_H */
