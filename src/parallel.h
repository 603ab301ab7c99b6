/*
 * parallel.h - reductions with parallel workers (parallel.c).
 */
#ifndef BIGARRAY_PARALLEL_H
#define BIGARRAY_PARALLEL_H

#include "reduction.h"

/*
 * Reduce elements [first, first + count) of a into st straight from the
 * large object, with parallel workers where they are worth it and allowed
 * (bigarray.parallel_min_size, max_parallel_workers_per_gather), and return
 * true; or return false without touching st when the range is to be read
 * through the page cache (the caller then reduces it): it fits in the
 * cache (bigarray.cache_size), or this transaction locked a for writing.
 */
extern bool ba_parallel_reduce(const BAReduction *r, BAArray *a, int64 first,
							   int64 count, BAReduceState *st);

/*
 * ba_dot of a and b (of equal sizes) into st, to finish as a sum, read
 * from both large objects as above and returning true; or false when the
 * pair is to be read through the page cache, as above.
 */
extern bool ba_parallel_dot(BAArray *a, BAArray *b, BASumState *st);

#endif							/* BIGARRAY_PARALLEL_H */
