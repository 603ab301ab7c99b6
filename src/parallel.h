/*
 * parallel.h - reductions with parallel workers (parallel.c).
 */
#ifndef BIGARRAY_PARALLEL_H
#define BIGARRAY_PARALLEL_H

#include "reduction.h"

/*
 * Reduce elements [first, first + count) of a into st with parallel workers
 * and return true, or return false without touching st when workers are
 * not worth it or not allowed (the caller then reduces alone): a small
 * range (bigarray.parallel_min_size), one that fits in the page cache
 * (bigarray.cache_size), no workers allowed, or an array this transaction
 * locked for writing.
 */
extern bool ba_parallel_reduce(const BAReduction *r, BAArray *a, int64 first,
							   int64 count, BAReduceState *st);

/* The same for ba_dot of a and b (of equal sizes) into st, finished as a sum. */
extern bool ba_parallel_dot(BAArray *a, BAArray *b, BASumState *st);

#endif							/* BIGARRAY_PARALLEL_H */
