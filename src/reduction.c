/*
 * reduction.c - the reductions themselves: for sums, extremes and NaN
 * counts, a state with init, chunk, combine and finish (see reduction.h),
 * the chunk kernels over each dtype, and the driver that feeds a run of
 * elements to a state.  No SQL here: the SQL functions (reduce.c, stats.c,
 * boxreduce.c) and the parallel workers (parallel.c) both run these, so
 * they sit below both.
 *
 * Results follow PostgreSQL's float8 aggregates: NaN propagates (max is NaN
 * if any element is, min only if all are), and a float sum or dot product
 * that overflows from finite values raises 22003.  Integer sums are exact
 * up to the final rounding to float8.  The NaN-skipping forms give what the
 * plain ones give over the elements that are not NaN (NULL where none is,
 * but a sum of nothing is 0).
 */
#include "bigarray.h"

#include <math.h>

#include "utils/float.h"

#include "reduction.h"
/*
 * Float sums are accurate: each run of eight terms is summed as a tree of
 * pairs (which gcc -O2 pairs into vector additions), and the run sums are
 * added with Knuth's TwoSum, which carries the rounding error of every
 * addition in a second accumulator.  The result is as close to the exact
 * sum as numpy's pairwise sum or closer (the rounding left is that of
 * sums of eight), and the loop stays bound by memory: about as fast as a
 * plain sum.
 *
 * The fast loop checks nothing.  If its result is not finite, the chunk is
 * summed again by runs of eight, to tell an infinity or NaN among the
 * inputs (the result is then Infinity, -Infinity or NaN, kept apart in
 * special, as PostgreSQL's float8 sum gives) from finite values that
 * overflowed (22003, as PostgreSQL's float8 sum raises).
 */
#define TREE8(AT, i) \
	(((AT(i) + AT(i + 2)) + (AT(i + 4) + AT(i + 6))) + \
	 ((AT(i + 1) + AT(i + 3)) + (AT(i + 5) + AT(i + 7))))

/*
 * NAME(s, ..., n) adds terms AT(0) .. AT(n - 1) to s; INPUT_NONFINITE(i)
 * says whether the inputs of term i hold an infinity or NaN that is to
 * reach the result.  The trailing arguments are NAME's parameters before
 * n, which AT and INPUT_NONFINITE refer to.
 */
#define DEFINE_COMPENSATED_SUM(NAME, AT, INPUT_NONFINITE, ...) \
static void \
NAME(BASumState *s, __VA_ARGS__, int64 n) \
{ \
	double		sum = s->sum; \
	double		comp = s->comp; \
	int64		i = 0; \
\
	for (; i + 8 <= n; i += 8) \
		ba_reduce_twosum_add(&sum, &comp, TREE8(AT, i)); \
	for (; i < n; i++) \
		ba_reduce_twosum_add(&sum, &comp, AT(i)); \
	if (unlikely(!isfinite(sum) || !isfinite(comp))) \
	{ \
		sum = s->sum; \
		comp = s->comp; \
		for (i = 0; i < n; i += 8) \
		{ \
			double		partial = 0; \
			bool		nonfinite = false; \
\
			for (int64 j = i; j < Min(i + 8, n); j++) \
			{ \
				partial += AT(j); \
				nonfinite |= INPUT_NONFINITE(j); \
			} \
			if (nonfinite) \
			{ \
				s->special += partial; \
				s->has_special = true; \
				continue; \
			} \
			ba_reduce_twosum_add(&sum, &comp, partial); \
			if (!isfinite(sum) || !isfinite(comp)) \
				float_overflow_error(); \
		} \
	} \
	s->sum = sum; \
	s->comp = comp; \
}

#define ELEMENT(i)			((double) p[i])
#define ELEMENT_OR_ZERO(i)	(p[i] == p[i] ? (double) p[i] : 0.0)
#define NONFINITE(i)		(!isfinite(p[i]))
#define INFINITE(i)			(isinf(p[i]))
#define PRODUCT(i)			(x[i] * y[i])
#define NONFINITE_PAIR(i)	(!isfinite(x[i]) || !isfinite(y[i]))

DEFINE_COMPENSATED_SUM(sum_float8, ELEMENT, NONFINITE, const float8 *p)
DEFINE_COMPENSATED_SUM(sum_float4, ELEMENT, NONFINITE, const float4 *p)
/* NaN counts as zero: only an infinity reaches the result */
DEFINE_COMPENSATED_SUM(nansum_float8, ELEMENT_OR_ZERO, INFINITE, const float8 *p)
DEFINE_COMPENSATED_SUM(nansum_float4, ELEMENT_OR_ZERO, INFINITE, const float4 *p)
DEFINE_COMPENSATED_SUM(dot_float8, PRODUCT, NONFINITE_PAIR,
					   const float8 *x, const float8 *y)

/* Integer sums with eight accumulators, exact. */
#define DEFINE_INT_SUM(NAME, T, ACC_T) \
static inline ACC_T \
NAME(const T *p, int64 n) \
{ \
	ACC_T		s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0; \
	ACC_T		total = 0; \
	int64		i = 0; \
\
	for (; i + 8 <= n; i += 8) \
	{ \
		s0 += p[i]; \
		s1 += p[i + 1]; \
		s2 += p[i + 2]; \
		s3 += p[i + 3]; \
		s4 += p[i + 4]; \
		s5 += p[i + 5]; \
		s6 += p[i + 6]; \
		s7 += p[i + 7]; \
	} \
	for (; i < n; i++) \
		total += p[i]; \
	return total + ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); \
}

/* a chunk of int4 or int2 (at most 2^19 of them) cannot overflow int64 */
DEFINE_INT_SUM(sum_int4, int32, int64)
DEFINE_INT_SUM(sum_int2, int16, int64)

/* int8 elements may reach 2^63 each: accumulate in 128 bits */
static int128
sum_int8(const int64 *p, int64 n)
{
	int128		total = 0;

	for (int64 i = 0; i < n; i++)
		total += p[i];
	return total;
}

/* How many of n float elements are NaN. */
#define DEFINE_COUNT_NAN(NAME, T) \
static int64 \
NAME(const T *p, int64 n) \
{ \
	int64		nans = 0; \
\
	for (int64 i = 0; i < n; i++) \
		nans += p[i] != p[i]; \
	return nans; \
}

DEFINE_COUNT_NAN(count_nan_float8, float8)
DEFINE_COUNT_NAN(count_nan_float4, float4)

/* ---- sums ---- */

static void
sum_init(BAReduceState *st)
{
	memset(&st->sum, 0, sizeof(BASumState));
}

/* Integer elements of a chunk, summed exactly. */
static void
sum_int_chunk(const BAArray *a, const char *ptr, int64 count, BASumState *s)
{
	switch (a->dtype)
	{
		case BA_INT8:
			s->isum += sum_int8((const int64 *) ptr, count);
			break;
		case BA_INT4:
			s->isum += sum_int4((const int32 *) ptr, count);
			break;
		case BA_INT2:
			s->isum += sum_int2((const int16 *) ptr, count);
			break;
		case BA_FLOAT8:
		case BA_FLOAT4:
			pg_unreachable();
	}
	s->count += count;
}

static void
sum_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
		  BAReduceState *st)
{
	BASumState *s = &st->sum;

	if (a->dtype == BA_FLOAT8)
		sum_float8(s, (const float8 *) ptr, count);
	else if (a->dtype == BA_FLOAT4)
		sum_float4(s, (const float4 *) ptr, count);
	else
	{
		sum_int_chunk(a, ptr, count, s);
		return;
	}
	s->count += count;
}

/* As sum_chunk, skipping NaN: count counts the elements summed. */
static void
nansum_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
			 BAReduceState *st)
{
	BASumState *s = &st->sum;

	if (a->dtype == BA_FLOAT8)
	{
		nansum_float8(s, (const float8 *) ptr, count);
		s->count += count - count_nan_float8((const float8 *) ptr, count);
	}
	else if (a->dtype == BA_FLOAT4)
	{
		nansum_float4(s, (const float4 *) ptr, count);
		s->count += count - count_nan_float4((const float4 *) ptr, count);
	}
	else
		sum_int_chunk(a, ptr, count, s);
}

static void
sum_combine(BAReduceState *st, const BAReduceState *other)
{
	BASumState *s = &st->sum;
	const BASumState *o = &other->sum;

	ba_reduce_twosum_add(&s->sum, &s->comp, o->sum);
	s->comp += o->comp;
	s->special += o->special;
	s->has_special |= o->has_special;
	s->isum += o->isum;
	s->count += o->count;
}

/* The sum of a state; 22003 if finite elements summed to an overflow. */
static double
sum_value(const BASumState *s)
{
	double		total = (s->sum + s->comp) + (double) s->isum;

	if (unlikely(!isfinite(total)))
		float_overflow_error();
	if (s->has_special)
		total += s->special;
	return total;
}

static Datum
sum_finish(const BAReduceState *st, bool *isnull)
{
	return Float8GetDatum(sum_value(&st->sum));
}

static Datum
mean_finish(const BAReduceState *st, bool *isnull)
{
	*isnull = st->sum.count == 0;
	if (*isnull)
		return (Datum) 0;
	return Float8GetDatum(sum_value(&st->sum) / (double) st->sum.count);
}

const BAReduction ba_reduce_sum = {"sum", sum_init, sum_chunk, sum_combine, sum_finish};
const BAReduction ba_reduce_mean = {"mean", sum_init, sum_chunk, sum_combine, mean_finish};
const BAReduction ba_reduce_nansum = {"nansum", sum_init, nansum_chunk, sum_combine, sum_finish};
const BAReduction ba_reduce_nanmean = {"nanmean", sum_init, nansum_chunk, sum_combine, mean_finish};

/* ---- extremes ---- */

/*
 * NaN compares false, so the updates skip it and the count of NaNs settles
 * the result: as PostgreSQL orders floats, NaN is above everything, so max
 * is NaN if any element is, min only if all are.
 */
#define DEFINE_EXTREMES(NAME, T, LO_INIT, HI_INIT, IS_NAN) \
static void \
NAME(const T *p, int64 n, BAExtremesState *e) \
{ \
	T			lo = LO_INIT; \
	T			hi = HI_INIT; \
	int64		nans = 0; \
\
	for (int64 i = 0; i < n; i++) \
	{ \
		lo = p[i] < lo ? p[i] : lo; \
		hi = p[i] > hi ? p[i] : hi; \
		nans += IS_NAN(p[i]); \
	} \
	e->min = Min(e->min, (double) lo); \
	e->max = Max(e->max, (double) hi); \
	e->nans += nans; \
}

#define FLOAT_IS_NAN(x)	((x) != (x))
#define INT_IS_NAN(x)	0

DEFINE_EXTREMES(extremes_float8, float8, INFINITY, -INFINITY, FLOAT_IS_NAN)
DEFINE_EXTREMES(extremes_float4, float4, INFINITY, -INFINITY, FLOAT_IS_NAN)
DEFINE_EXTREMES(extremes_int8, int64, PG_INT64_MAX, PG_INT64_MIN, INT_IS_NAN)
DEFINE_EXTREMES(extremes_int4, int32, PG_INT32_MAX, PG_INT32_MIN, INT_IS_NAN)
DEFINE_EXTREMES(extremes_int2, int16, PG_INT16_MAX, PG_INT16_MIN, INT_IS_NAN)

static void
extremes_init(BAReduceState *st)
{
	st->extremes.min = INFINITY;
	st->extremes.max = -INFINITY;
	st->extremes.nans = 0;
	st->extremes.count = 0;
}

static void
extremes_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
			   BAReduceState *st)
{
	BAExtremesState *e = &st->extremes;

	switch (a->dtype)
	{
		case BA_FLOAT8:
			extremes_float8((const float8 *) ptr, count, e);
			break;
		case BA_FLOAT4:
			extremes_float4((const float4 *) ptr, count, e);
			break;
		case BA_INT8:
			extremes_int8((const int64 *) ptr, count, e);
			break;
		case BA_INT4:
			extremes_int4((const int32 *) ptr, count, e);
			break;
		case BA_INT2:
			extremes_int2((const int16 *) ptr, count, e);
			break;
	}
	e->count += count;
}

static void
extremes_combine(BAReduceState *st, const BAReduceState *other)
{
	BAExtremesState *e = &st->extremes;
	const BAExtremesState *o = &other->extremes;

	e->min = Min(e->min, o->min);
	e->max = Max(e->max, o->max);
	e->nans += o->nans;
	e->count += o->count;
}

static Datum
min_finish(const BAReduceState *st, bool *isnull)
{
	const BAExtremesState *e = &st->extremes;

	*isnull = e->count == 0;
	return Float8GetDatum(e->nans == e->count ? NAN : e->min);
}

static Datum
max_finish(const BAReduceState *st, bool *isnull)
{
	const BAExtremesState *e = &st->extremes;

	*isnull = e->count == 0;
	return Float8GetDatum(e->nans > 0 ? NAN : e->max);
}

const BAReduction ba_reduce_min = {"min", extremes_init, extremes_chunk, extremes_combine, min_finish};
const BAReduction ba_reduce_max = {"max", extremes_init, extremes_chunk, extremes_combine, max_finish};

/* min and max skip NaN already: NULL if nothing else is there */
static Datum
nanmin_finish(const BAReduceState *st, bool *isnull)
{
	const BAExtremesState *e = &st->extremes;

	*isnull = e->nans == e->count;
	return Float8GetDatum(e->min);
}

static Datum
nanmax_finish(const BAReduceState *st, bool *isnull)
{
	const BAExtremesState *e = &st->extremes;

	*isnull = e->nans == e->count;
	return Float8GetDatum(e->max);
}

const BAReduction ba_reduce_nanmin = {"nanmin", extremes_init, extremes_chunk, extremes_combine, nanmin_finish};
const BAReduction ba_reduce_nanmax = {"nanmax", extremes_init, extremes_chunk, extremes_combine, nanmax_finish};

/* ---- NaN count ---- */

static void
count_init(BAReduceState *st)
{
	st->count = 0;
}

static void
count_nan_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
				BAReduceState *st)
{
	if (a->dtype == BA_FLOAT8)
		st->count += count_nan_float8((const float8 *) ptr, count);
	else if (a->dtype == BA_FLOAT4)
		st->count += count_nan_float4((const float4 *) ptr, count);
}

static void
count_combine(BAReduceState *st, const BAReduceState *other)
{
	st->count += other->count;
}

static Datum
count_finish(const BAReduceState *st, bool *isnull)
{
	return Int64GetDatum(st->count);
}

const BAReduction ba_reduce_count_nan = {"count_nan", count_init, count_nan_chunk, count_combine, count_finish};

/* ---- running reductions ---- */

void
ba_reduce_accumulate(const BAReduction *r, BAArray *a, int64 first,
					 int64 count, BAReduceState *st)
{
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_READ, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
		r->chunk(a, it.ptr, it.first, it.count, st);
	ba_access_iter_end(&it);
}

void
ba_reduce_dot_chunk(BADtype dtype_a, char *pa, BADtype dtype_b, char *pb,
					int64 count, float8 *scratch_a, float8 *scratch_b,
					BASumState *st)
{
	dot_float8(st, ba_reduce_as_float8(dtype_a, pa, count, scratch_a),
			   ba_reduce_as_float8(dtype_b, pb, count, scratch_b), count);
	st->count += count;
}

void
ba_reduce_dot_accumulate(BAArray *a, BAArray *b, int64 first, int64 count,
						 BASumState *st)
{
	int64		chunk = ba_reduce_pair_chunk_elems(a, b);
	float8	   *scratch_a = palloc(chunk * sizeof(float8));
	float8	   *scratch_b = palloc(chunk * sizeof(float8));
	BAIter		ia;
	BAIter		ib;

	ba_access_iter_init(&ia, a, first, count, BA_READ, chunk);
	ba_access_iter_init(&ib, b, first, count, BA_READ, chunk);
	while (ba_access_iter_next(&ia) && ba_access_iter_next(&ib))
	{
		Assert(ia.count == ib.count);
		ba_reduce_dot_chunk(a->dtype, ia.ptr, b->dtype, ib.ptr, ia.count,
							scratch_a, scratch_b, st);
	}
	ba_access_iter_end(&ia);
	ba_access_iter_end(&ib);
	pfree(scratch_a);
	pfree(scratch_b);
}
