/*
 * bigarray/bigfile.h - the storage a virtmem file handle maps.
 *
 * A BigFile is a sequence of fixed-size blocks that virtmem loads into RAM
 * pages on first access and stores back on writeout.  Storage backends embed
 * struct BigFile as their first member and provide the operations; virtmem
 * never reaches storage any other way.  The operations must not call into
 * virtmem: it runs them in the middle of its own work on a page.
 */
#ifndef BIGARRAY_BIGFILE_H
#define BIGARRAY_BIGFILE_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t blk_t;			/* block number within a file */
typedef struct BigFile BigFile;

struct bigfile_ops
{
	/*
	 * Fill buf (blksize bytes) with block blk.  buf comes zeroed, so bytes
	 * past the end of the stored data may be left as they are: they read
	 * as zeros.  Returns 0 on success, non-zero on failure; the caller sees
	 * the failure as an error code, never as a signal.
	 */
	int			(*loadblk) (BigFile *file, blk_t blk, void *buf);

	/*
	 * Optional: fill buf (len bytes) with bytes [off, off + len) of block
	 * blk; off and len are multiples of blksize / 64.  buf comes zeroed, as
	 * for loadblk.  With it, a small read pin
	 * (vma_pin_bytes) loads only the parts of a page it needs: a file that
	 * has it must then be read only through pins (see vma_pin_bytes).
	 */
	int			(*loadblk_part) (BigFile *file, blk_t blk, size_t off, size_t len,
								 void *buf);

	/* Write blksize bytes of buf as block blk.  Returns 0 on success. */
	int			(*storeblk) (BigFile *file, blk_t blk, const void *buf);

	/* Called by fileh_close(); may be NULL. */
	void		(*release) (BigFile *file);
};

struct BigFile
{
	const struct bigfile_ops *file_ops;
	size_t		blksize;		/* must equal the page size of the RAM used */
};

#endif							/* BIGARRAY_BIGFILE_H */
