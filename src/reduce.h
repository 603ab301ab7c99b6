/*
 * reduce.h - reductions as state machines over runs of elements.
 *
 * Every reduction (sum, mean, min, max, and the statistics) has a state, an
 * init, an accumulate over one flat run of elements, a combine that merges
 * two states, and a finish that gives the SQL result.  A flat range of an
 * array is one run; a box of an n-d array is many runs fed to one state;
 * an axis reduction keeps one state per output element; parallel workers
 * would each fill a state and combine them.  Results do not depend on how
 * the elements were cut into runs, except for the rounding of float sums.
 *
 * A reduction's chunk function does the work: it takes count elements at
 * ptr, which are elements first .. first + count - 1 of the array (first
 * matters to argmin and argmax only).  ba_reduce_accumulate() walks a run
 * chunk by chunk and calls it; code that has elements at hand (a pinned
 * run, a single element of a strided axis) may call it directly.
 */
#ifndef BIGARRAY_REDUCE_H
#define BIGARRAY_REDUCE_H

#include "bigarray.h"

/*
 * Sums: floats by blocks whose sums are added with compensation
 * (sum + comp), integers exactly in 128 bits.  Blocks holding an infinity
 * or NaN are summed apart in special, so that they give the result
 * PostgreSQL's float8 sum gives (Infinity, -Infinity or NaN) and a sum of
 * finite values that overflows can be told from them (22003).
 */
typedef struct BASumState
{
	double		sum;
	double		comp;
	double		special;
	bool		has_special;
	int128		isum;
	int64		count;			/* elements summed */
} BASumState;

/*
 * Smallest and largest element and how many are NaN, among count
 * elements.  min and max skip NaN; +-Infinity when nothing else is seen.
 */
typedef struct BAExtremesState
{
	double		min;
	double		max;
	int64		nans;
	int64		count;
} BAExtremesState;

typedef union BAReduceState
{
	BASumState	sum;
	BAExtremesState extremes;
} BAReduceState;

typedef struct BAReduction
{
	const char *name;
	void		(*init) (BAReduceState *st);
	void		(*chunk) (const BAArray *a, const char *ptr, int64 first,
						  int64 count, BAReduceState *st);
	/* st := st merged with other (other may be any state of this reduction) */
	void		(*combine) (BAReduceState *st, const BAReduceState *other);
	/* the SQL result; *isnull where SQL gives NULL (as for no elements) */
	Datum		(*finish) (const BAReduceState *st, bool *isnull);
} BAReduction;

extern const BAReduction ba_reduce_sum;
extern const BAReduction ba_reduce_mean;
extern const BAReduction ba_reduce_min;
extern const BAReduction ba_reduce_max;

/* Feed elements [first, first + count) of a to st, chunk by chunk. */
extern void ba_reduce_accumulate(const BAReduction *r, BAArray *a,
								 int64 first, int64 count, BAReduceState *st);

/*
 * The dot product of elements [first, first + count) of a and b (of any
 * dtypes) added to st; finish it as ba_reduce_sum.
 */
extern void ba_reduce_dot_accumulate(BAArray *a, BAArray *b, int64 first,
									 int64 count, BASumState *st);

/*
 * The SQL body of a reduction over (a) or (a, lo, hi): open, accumulate
 * the range, finish.
 */
extern Datum ba_reduce_sql(FunctionCallInfo fcinfo, const BAReduction *r);

#endif							/* BIGARRAY_REDUCE_H */
