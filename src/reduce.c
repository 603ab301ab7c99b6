/*
 * reduce.c - reductions and whole-array arithmetic: ba_sum, ba_min, ba_max,
 * ba_mean, ba_dot, and the in-place ba_add and ba_scale.
 *
 * Each reduction is a state with init, chunk, combine and finish (see
 * reduce.h), so that a range, a box or an axis can feed it.  The chunk
 * loops run with several independent accumulators, so that the compiler
 * can keep more than one addition in flight (and vectorize where the order
 * of floating-point operations allows it).  Results follow PostgreSQL's
 * float8 aggregates: NaN propagates (max is NaN if any element is, min
 * only if all are), and a float sum or dot product that overflows from
 * finite values raises 22003.  Integer sums are exact up to the final
 * rounding to float8.
 */
#include "bigarray.h"

#include <math.h>

#include "common/int.h"
#include "utils/float.h"

#include "parallel.h"
#include "reduce.h"

/*
 * Sum of a chunk with eight independent accumulators: written out as
 * separate variables, which gcc -O2 keeps in registers and pairs into
 * vector additions (an accumulator array stays in memory).
 */
#define DEFINE_SUM(NAME, T, ACC_T) \
static ACC_T \
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

DEFINE_SUM(sum_float8, float8, double)
DEFINE_SUM(sum_float4, float4, double)
/* a chunk of int4 or int2 (at most 2^19 of them) cannot overflow int64 */
DEFINE_SUM(sum_int4, int32, int64)
DEFINE_SUM(sum_int2, int16, int64)

/* int8 elements may reach 2^63 each: accumulate in 128 bits */
static int128
sum_int8(const int64 *p, int64 n)
{
	int128		total = 0;

	for (int64 i = 0; i < n; i++)
		total += p[i];
	return total;
}

/* ---- sums ---- */

static void
sum_init(BAReduceState *st)
{
	memset(&st->sum, 0, sizeof(BASumState));
}

/* Does the chunk hold an infinity or NaN? */
static bool
has_nonfinite(BADtype dtype, const char *ptr, int64 count)
{
	for (int64 i = 0; i < count; i++)
	{
		double		x = dtype == BA_FLOAT8 ? ((const float8 *) ptr)[i]
			: ((const float4 *) ptr)[i];

		if (!isfinite(x))
			return true;
	}
	return false;
}

/*
 * Add a float partial sum.  A non-finite one comes from an infinity or NaN
 * among its inputs, or else from finite values that overflowed: 22003, as
 * PostgreSQL's float8 sum raises.
 */
static inline void
sum_add_float(BASumState *s, double partial, bool nonfinite_input)
{
	if (likely(isfinite(partial)))
		s->sum += partial;
	else if (nonfinite_input)
	{
		s->special += partial;
		s->has_special = true;
	}
	else
		float_overflow_error();
}

static void
sum_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
		  BAReduceState *st)
{
	BASumState *s = &st->sum;
	double		partial;

	switch (a->dtype)
	{
		case BA_FLOAT8:
			partial = sum_float8((const float8 *) ptr, count);
			sum_add_float(s, partial,
						  !isfinite(partial) && has_nonfinite(a->dtype, ptr, count));
			break;
		case BA_FLOAT4:
			partial = sum_float4((const float4 *) ptr, count);
			sum_add_float(s, partial,
						  !isfinite(partial) && has_nonfinite(a->dtype, ptr, count));
			break;
		case BA_INT8:
			s->isum += sum_int8((const int64 *) ptr, count);
			break;
		case BA_INT4:
			s->isum += sum_int4((const int32 *) ptr, count);
			break;
		case BA_INT2:
			s->isum += sum_int2((const int16 *) ptr, count);
			break;
	}
	s->count += count;
}

static void
sum_combine(BAReduceState *st, const BAReduceState *other)
{
	BASumState *s = &st->sum;
	const BASumState *o = &other->sum;

	s->sum += o->sum;
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

Datum
ba_reduce_sql(FunctionCallInfo fcinfo, const BAReduction *r)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		first = 0;
	int64		count = a->nelems;
	BAReduceState st;
	bool		isnull = false;
	Datum		result;

	if (PG_NARGS() == 3)
		ba_shape_range(a, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &first, &count);
	r->init(&st);
	if (!ba_parallel_reduce(r, a, first, count, &st))
		ba_reduce_accumulate(r, a, first, count, &st);
	result = r->finish(&st, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(ba_sum);
Datum
ba_sum(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_sum);
}

PG_FUNCTION_INFO_V1(ba_mean);
Datum
ba_mean(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_mean);
}

PG_FUNCTION_INFO_V1(ba_min);
Datum
ba_min(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_min);
}

PG_FUNCTION_INFO_V1(ba_max);
Datum
ba_max(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_max);
}

/* Two arrays combined element by element must have as many elements. */
static void
check_same_size(const BAArray *a, const BAArray *b)
{
	if (a->nelems != b->nelems)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarrays of different sizes: " INT64_FORMAT " and " INT64_FORMAT " elements",
						a->nelems, b->nelems)));
}

/* Elements a step of two arrays walked together can pin in each. */
static int64
common_chunk_elems(const BAArray *a, const BAArray *b)
{
	return BA_CHUNK_BYTES / Max(a->elsize, b->elsize);
}

/* A chunk as float8: itself, or converted into scratch. */
static float8 *
chunk_as_float8(BADtype dtype, char *ptr, int64 count, float8 *scratch)
{
	if (dtype == BA_FLOAT8)
		return (float8 *) ptr;
	ba_dtype_convert(BA_FLOAT8, scratch, dtype, ptr, count);
	return scratch;
}

static double
dot_float8(const float8 *x, const float8 *y, int64 n)
{
	double		s0 = 0,
				s1 = 0,
				s2 = 0,
				s3 = 0;
	double		total = 0;
	int64		i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += x[i] * y[i];
		s1 += x[i + 1] * y[i + 1];
		s2 += x[i + 2] * y[i + 2];
		s3 += x[i + 3] * y[i + 3];
	}
	for (; i < n; i++)
		total += x[i] * y[i];
	return total + (s0 + s1) + (s2 + s3);
}

void
ba_reduce_dot_accumulate(BAArray *a, BAArray *b, int64 first, int64 count,
						 BASumState *st)
{
	int64		chunk = common_chunk_elems(a, b);
	float8	   *scratch_a = palloc(chunk * sizeof(float8));
	float8	   *scratch_b = palloc(chunk * sizeof(float8));
	BAIter		ia;
	BAIter		ib;

	ba_access_iter_init(&ia, a, first, count, BA_READ, chunk);
	ba_access_iter_init(&ib, b, first, count, BA_READ, chunk);
	while (ba_access_iter_next(&ia) && ba_access_iter_next(&ib))
	{
		const float8 *x = chunk_as_float8(a->dtype, ia.ptr, ia.count, scratch_a);
		const float8 *y = chunk_as_float8(b->dtype, ib.ptr, ib.count, scratch_b);
		double		partial = dot_float8(x, y, ia.count);

		Assert(ia.count == ib.count);
		sum_add_float(st, partial,
					  !isfinite(partial) &&
					  (has_nonfinite(BA_FLOAT8, (const char *) x, ia.count) ||
					   has_nonfinite(BA_FLOAT8, (const char *) y, ia.count)));
		st->count += ia.count;
	}
	ba_access_iter_end(&ia);
	ba_access_iter_end(&ib);
	pfree(scratch_a);
	pfree(scratch_b);
}

PG_FUNCTION_INFO_V1(ba_dot);
Datum
ba_dot(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BAArray    *b = ba_array_open(PG_GETARG_OID(1), BA_READ);
	BASumState	st;

	check_same_size(a, b);
	memset(&st, 0, sizeof(st));
	if (!ba_parallel_dot(a, b, &st))
		ba_reduce_dot_accumulate(a, b, 0, a->nelems, &st);
	PG_RETURN_FLOAT8(sum_value(&st));
}

/*
 * a += b, chunk by chunk.  b's chunk is first copied (converted) into
 * scratch, so b may be a itself.  int8 plus an integer dtype adds exactly;
 * every other pair adds in float8 and stores back through the checked
 * conversion, so a result the dtype cannot hold raises 22003.
 */
static void
add_arrays(BAArray *a, BAArray *b)
{
	int64		chunk = common_chunk_elems(a, b);
	bool		exact = a->dtype == BA_INT8 && ba_dtype_info(b->dtype)->is_integer;
	char	   *ys = palloc(chunk * sizeof(float8));
	float8	   *scratch = palloc(chunk * sizeof(float8));
	BAIter		ia;
	BAIter		ib;

	ba_access_iter_init(&ia, a, 0, a->nelems, BA_WRITE, chunk);
	if (b != a)
		ba_access_iter_init(&ib, b, 0, b->nelems, BA_READ, chunk);
	while (ba_access_iter_next(&ia))
	{
		char	   *bptr = ia.ptr;
		int64		n = ia.count;

		if (b != a)
		{
			ba_access_iter_next(&ib);
			bptr = ib.ptr;
		}
		ba_dtype_convert(exact ? BA_INT8 : BA_FLOAT8, ys, b->dtype, bptr, n);
		if (exact)
		{
			int64	   *x = (int64 *) ia.ptr;
			const int64 *y = (const int64 *) ys;

			for (int64 i = 0; i < n; i++)
			{
				if (unlikely(pg_add_s64_overflow(x[i], y[i], &x[i])))
					ereport(ERROR,
							(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
							 errmsg("bigint out of range")));
			}
		}
		else
		{
			float8	   *x = chunk_as_float8(a->dtype, ia.ptr, n, scratch);
			const float8 *y = (const float8 *) ys;

			for (int64 i = 0; i < n; i++)
				x[i] = float8_pl(x[i], y[i]);
			if (a->dtype != BA_FLOAT8)
				ba_dtype_convert(a->dtype, ia.ptr, BA_FLOAT8, x, n);
		}
	}
	ba_access_iter_end(&ia);
	if (b != a)
		ba_access_iter_end(&ib);
}

PG_FUNCTION_INFO_V1(ba_add);
Datum
ba_add(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	BAArray    *b;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	b = PG_GETARG_OID(1) == a->loid ? a : ba_array_open(PG_GETARG_OID(1), BA_READ);
	check_same_size(a, b);
	add_arrays(a, b);
	PG_RETURN_OID(a->loid);
}

/*
 * a *= k in float8 arithmetic (PostgreSQL's float8 * float8), stored back
 * through the checked conversion: integers round, 22003 if out of range.
 */
PG_FUNCTION_INFO_V1(ba_scale);
Datum
ba_scale(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	float8		k;
	float8	   *scratch;
	BAIter		it;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	k = PG_GETARG_FLOAT8(1);
	scratch = palloc(BA_CHUNK_ELEMS(a) * sizeof(float8));
	ba_access_iter_init(&it, a, 0, a->nelems, BA_WRITE, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
	{
		float8	   *x = chunk_as_float8(a->dtype, it.ptr, it.count, scratch);

		for (int64 i = 0; i < it.count; i++)
			x[i] = float8_mul(x[i], k);
		if (a->dtype != BA_FLOAT8)
			ba_dtype_convert(a->dtype, it.ptr, BA_FLOAT8, x, it.count);
	}
	ba_access_iter_end(&it);
	PG_RETURN_OID(a->loid);
}
