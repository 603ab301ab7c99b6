/*
 * bigarray/ram.h - the memory pool that backs virtmem pages.
 *
 * A RAM hands out fixed-size pages of shared memory (a memfd), so one page
 * can be mapped at several addresses at once.  Pages that are dropped are
 * given back to the OS by punching holes in the memfd.  A RAM may be capped
 * at max_pages: when it is full, the least recently used clean, unpinned page
 * of any file handle is reclaimed to make room.
 */
#ifndef BIGARRAY_RAM_H
#define BIGARRAY_RAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct RAM RAM;
typedef uint64_t vm_pgoff_t;	/* offset in pages */

/* Usage figures of a RAM, for accounting and tests. */
struct ram_stats
{
	size_t		pagesize;
	size_t		max_pages;		/* 0 = no limit */
	size_t		npages;			/* pages holding content now */
	size_t		npages_peak;	/* most pages ever held at once */
	size_t		ndirty;			/* of npages, dirty */
	size_t		npinned;		/* of npages, pinned */
	uint64_t	nloads;			/* loadblk calls made so far */
	uint64_t	nreclaimed;		/* clean pages reclaimed so far */
};

/*
 * Create a RAM of pages of pagesize bytes (a power of two, 4 KiB to 2 MiB,
 * and a multiple of the system page size); max_pages 0 means no limit.
 * Returns NULL with errno set on failure (EINVAL for a bad size).
 */
RAM		   *ram_new(size_t pagesize, size_t max_pages);

/* Free a RAM.  Every file handle using it must be closed first. */
void		ram_close(RAM *ram);

size_t		ram_pagesize(const RAM *ram);

/* Change the cap; pages above a lower cap are reclaimed when possible. */
void		ram_set_max_pages(RAM *ram, size_t max_pages);

void		ram_get_stats(const RAM *ram, struct ram_stats *stats);

#endif							/* BIGARRAY_RAM_H */
