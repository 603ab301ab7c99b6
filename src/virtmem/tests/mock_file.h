/*
 * mock_file.h - an in-memory BigFile that records what virtmem asks of it.
 *
 * Blocks hold a known pattern (mock_byte) of some "generation", so a test can
 * tell the file's bytes from bytes it wrote itself and can change the file
 * underneath.  The file has a length: loadblk copies only the stored bytes
 * of a block and leaves the rest of its buffer as it was (the loadblk
 * contract hands it zeroed memory), and storeblk extends the length to the
 * end of the block it stores.  A new file's length is all its blocks.  The mock counts loadblk/storeblk calls per block, logs the
 * order of storeblk calls, and fails loadblk/storeblk for chosen blocks
 * (loadblk_part, when the file has it, fails with loadblk).
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
	size_t		nblocks;		/* the most blocks the file may hold */
	uint8_t    *data;			/* nblocks * blksize bytes, zero past length */
	size_t		length;			/* bytes stored */
	unsigned   *nloads;			/* loadblk and loadblk_part calls, per block */
	unsigned   *nloads_part;	/* of those, loadblk_part calls */
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

/*
 * Give the file loadblk_part, so that small read pins load only parts of a
 * page (a file without it always loads whole blocks).
 */
void		mock_file_allow_parts(struct mock_file *mf);

/* Byte off of block blk in generation gen of the file. */
uint8_t		mock_byte(uint64_t blk, size_t off, unsigned gen);

/* True if buf (blksize bytes) holds block blk of generation gen. */
bool		mock_pattern_equals(const void *buf, size_t blksize, uint64_t blk, unsigned gen);

/*
 * Replace stored block blk by its generation gen, behind virtmem's back
 * (extending the length to the block's end).
 */
void		mock_file_rewrite(struct mock_file *mf, blk_t blk, unsigned gen);

/*
 * Change the length to length bytes (at most nblocks blocks): bytes past a
 * shorter length are zeroed, a longer one reads as zeros.
 */
void		mock_file_set_length(struct mock_file *mf, size_t length);

/* The stored bytes of block blk. */
const uint8_t *mock_block(const struct mock_file *mf, blk_t blk);

/* Sum of loadblk calls over all blocks. */
uint64_t	mock_total_loads(const struct mock_file *mf);

/* Forget the storeblk log (counters per block stay). */
void		mock_clear_store_log(struct mock_file *mf);

#endif							/* VIRTMEM_TESTS_MOCK_FILE_H */
