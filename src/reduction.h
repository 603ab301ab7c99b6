/*
 * reduction.h - reductions as state machines over runs of elements
 * (reduction.c).
 *
 * Every reduction (sum, mean, min, max, and the statistics) has a state, an
 * init, an accumulate over one flat run of elements, a combine that merges
 * two states, and a finish that gives the SQL result.  A flat range of an
 * array is one run; a box of an n-d array is many runs fed to one state;
 * an axis reduction keeps one state per output element; parallel workers
 * would each fill a state and combine them.  Results do not depend on how
 * the elements were cut into runs, except for the last bits of float sums.
 *
 * A reduction's chunk function does the work: it takes count elements at
 * ptr, which are elements first .. first + count - 1 of the array (first
 * matters to argmin and argmax only).  ba_reduce_accumulate() walks a run
 * chunk by chunk and calls it; code that has elements at hand (a pinned
 * run, a single element of a strided axis) may call it directly.
 *
 * reduction.c holds the sums and extremes, stats.c the statistics.
 */
#ifndef BIGARRAY_REDUCE_H
#define BIGARRAY_REDUCE_H

#include "bigarray.h"

/*
 * Sums: floats with compensation (sum + comp), integers exactly in 128
 * bits.  Runs of elements holding an infinity or NaN are summed apart in
 * special, so that they give the result PostgreSQL's float8 sum gives
 * (Infinity, -Infinity or NaN) and a sum of finite values that overflows
 * can be told from them (22003).
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

/*
 * Variance: count elements, their compensated sum (sum + comp) and the sum
 * of squared deviations from their mean, sxx, as PostgreSQL's float8
 * aggregates keep N, Sx and Sxx; nonfinite once an infinity or NaN was
 * seen (the result is then NaN, as PostgreSQL's).
 */
typedef struct BAVarState
{
	int64		count;
	double		sum;
	double		comp;
	double		sxx;
	bool		nonfinite;
} BAVarState;

/*
 * argmin, argmax: the first extreme element seen (index 0-based in the
 * array, -1 while none) and its value: exact in ivalue for integer dtypes
 * (integer), in fvalue for floats (is_nan: NaN, above every number as
 * PostgreSQL orders floats).
 */
typedef struct BAArgState
{
	int64		index;
	bool		integer;
	int64		ivalue;
	double		fvalue;
	bool		is_nan;
} BAArgState;

typedef union BAReduceState
{
	BASumState	sum;
	BAExtremesState extremes;
	BAVarState	var;
	BAArgState	arg;
	int64		count;
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

/* reduction.c: float8 results */
extern const BAReduction ba_reduce_sum;
extern const BAReduction ba_reduce_mean;
extern const BAReduction ba_reduce_min;
extern const BAReduction ba_reduce_max;
/* the same skipping NaN elements, as if they were not there */
extern const BAReduction ba_reduce_nansum;
extern const BAReduction ba_reduce_nanmean;
extern const BAReduction ba_reduce_nanmin;
extern const BAReduction ba_reduce_nanmax;

/* stats.c: float8 results */
extern const BAReduction ba_reduce_var;		/* var_samp */
extern const BAReduction ba_reduce_var_pop;
extern const BAReduction ba_reduce_stddev;	/* stddev_samp */
extern const BAReduction ba_reduce_stddev_pop;
/* stats.c: int8 results (argmin, argmax 1-based) */
extern const BAReduction ba_reduce_argmin;
extern const BAReduction ba_reduce_argmax;
extern const BAReduction ba_reduce_count_nan;

/* Feed elements [first, first + count) of a to st, chunk by chunk. */
extern void ba_reduce_accumulate(const BAReduction *r, BAArray *a,
								 int64 first, int64 count, BAReduceState *st);

/*
 * The dot product of count elements at pa (of dtype_a) and at pb (of
 * dtype_b) added to st; scratch_a and scratch_b have room for count float8,
 * to convert elements of other dtypes into.  Finish st as ba_reduce_sum.
 */
extern void ba_reduce_dot_chunk(BADtype dtype_a, char *pa, BADtype dtype_b,
								char *pb, int64 count, float8 *scratch_a,
								float8 *scratch_b, BASumState *st);

/*
 * The dot product of elements [first, first + count) of a and b (of any
 * dtypes) added to st, chunk by chunk through pins.
 */
extern void ba_reduce_dot_accumulate(BAArray *a, BAArray *b, int64 first,
									 int64 count, BASumState *st);

/*
 * The SQL body of a reduction over (a) or (a, lo, hi): open, accumulate
 * the range, finish.
 */
extern Datum ba_reduce_sql(FunctionCallInfo fcinfo, const BAReduction *r);

/*
 * Knuth's TwoSum: add x to the sum *sum + *comp, the rounding error of the
 * addition going into *comp (exact for any order of magnitudes, no branch).
 */
static inline void
ba_reduce_twosum_add(double *sum, double *comp, double x)
{
	double		t = *sum + x;
	double		x_part = t - *sum;

	*comp += (*sum - (t - x_part)) + (x - x_part);
	*sum = t;
}

/* Elements of a step when two arrays are walked together. */
static inline int64
ba_reduce_pair_chunk_elems(const BAArray *a, const BAArray *b)
{
	return BA_CHUNK_BYTES / Max(a->elsize, b->elsize);
}

/* count elements of dtype at ptr as float8: themselves, or converted into scratch. */
static inline float8 *
ba_reduce_as_float8(BADtype dtype, char *ptr, int64 count, float8 *scratch)
{
	if (dtype == BA_FLOAT8)
		return (float8 *) ptr;
	ba_dtype_convert(BA_FLOAT8, scratch, dtype, ptr, count);
	return scratch;
}

#endif							/* BIGARRAY_REDUCE_H */
