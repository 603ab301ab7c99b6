/*
 * arith.c - element-wise arithmetic in place: ba_add, ba_sub, ba_mul,
 * ba_div of two arrays, ba_add and ba_scale by a number, ba_apply of a
 * function, ba_clip.
 *
 * Results are what PostgreSQL computes for the same values and stored back
 * as a cast into the array's dtype would store them: a float result that
 * overflows, or one an integer dtype cannot hold, raises 22003 (never
 * wraparound); division by zero 22012.  Integer dtypes take exact integer
 * paths where the operation stays within integers (int8 beyond 2^53
 * stays exact); every other case computes in float8 and rounds to the
 * nearest integer (half to even) on the way back.  An error leaves the
 * array as it was: the statement's transaction or savepoint rolls back.
 */
#include "bigarray.h"

#include <math.h>

#include "common/int.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "reduction.h"

static void
out_of_range_int64(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("bigint out of range")));
}

static void
division_by_zero(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DIVISION_BY_ZERO),
			 errmsg("division by zero")));
}

/*
 * Two arrays combined element by element must have the same shape (two
 * arrays without elements have nothing to pair and always match).
 */
static void
check_same_shape(const BAArray *a, const BAArray *b)
{
	bool		same = a->ndim == b->ndim;

	for (int i = 0; same && i < a->ndim; i++)
		same = a->shape[i] == b->shape[i];
	if (!same && (a->nelems != 0 || b->nelems != 0))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarrays of different shapes"),
				 errdetail("Their shapes are %s and %s.",
						   ba_shape_text(a->ndim, a->shape),
						   ba_shape_text(b->ndim, b->shape))));
}

/* ---- two arrays ---- */

typedef enum ArithOp
{
	ARITH_ADD,
	ARITH_SUB,
	ARITH_MUL,
	ARITH_DIV,
} ArithOp;

/* x[i] op= y[i] in int64, checked */
static void
op_int64(ArithOp op, int64 *x, const int64 *y, int64 n)
{
	for (int64 i = 0; i < n; i++)
	{
		bool		overflow = false;

		switch (op)
		{
			case ARITH_ADD:
				overflow = pg_add_s64_overflow(x[i], y[i], &x[i]);
				break;
			case ARITH_SUB:
				overflow = pg_sub_s64_overflow(x[i], y[i], &x[i]);
				break;
			case ARITH_MUL:
				overflow = pg_mul_s64_overflow(x[i], y[i], &x[i]);
				break;
			case ARITH_DIV:
				/* as SQL's integer division: truncated toward zero */
				if (unlikely(y[i] == 0))
					division_by_zero();
				overflow = x[i] == PG_INT64_MIN && y[i] == -1;
				if (!overflow)
					x[i] /= y[i];
				break;
		}
		if (unlikely(overflow))
			out_of_range_int64();
	}
}

/* x[i] op= y[i] in float8, as PostgreSQL's float8 operators (checked) */
static void
op_float8(ArithOp op, float8 *x, const float8 *y, int64 n)
{
	switch (op)
	{
		case ARITH_ADD:
			for (int64 i = 0; i < n; i++)
				x[i] = float8_pl(x[i], y[i]);
			break;
		case ARITH_SUB:
			for (int64 i = 0; i < n; i++)
				x[i] = float8_mi(x[i], y[i]);
			break;
		case ARITH_MUL:
			for (int64 i = 0; i < n; i++)
				x[i] = float8_mul(x[i], y[i]);
			break;
		case ARITH_DIV:
			for (int64 i = 0; i < n; i++)
				x[i] = float8_div(x[i], y[i]);
			break;
	}
}

/*
 * a op= b, chunk by chunk.  b's chunk is first copied (converted) into
 * scratch, so b may be a itself.  Integers take the exact int64 path where
 * SQL would stay in integers: int8 with any integer dtype, and division of
 * any two integer dtypes (truncated, as SQL's); every other pair computes
 * in float8.  The result goes back through the checked conversion.
 */
static void
combine_arrays(BAArray *a, BAArray *b, ArithOp op)
{
	int64		chunk = ba_reduce_pair_chunk_elems(a, b);
	bool		a_int = ba_dtype_info(a->dtype)->is_integer;
	bool		b_int = ba_dtype_info(b->dtype)->is_integer;
	bool		exact = b_int && (a->dtype == BA_INT8 || (op == ARITH_DIV && a_int));
	BADtype		work = exact ? BA_INT8 : BA_FLOAT8;
	char	   *ys = palloc(chunk * sizeof(float8));
	char	   *xs = palloc(chunk * sizeof(float8));
	BAIter		ia;
	BAIter		ib;

	ba_access_iter_init(&ia, a, 0, a->nelems, BA_WRITE, chunk);
	if (b != a)
		ba_access_iter_init(&ib, b, 0, b->nelems, BA_READ, chunk);
	while (ba_access_iter_next(&ia))
	{
		char	   *bptr = ia.ptr;
		int64		n = ia.count;
		char	   *x = a->dtype == work ? ia.ptr : xs;

		if (b != a)
		{
			ba_access_iter_next(&ib);
			bptr = ib.ptr;
		}
		ba_dtype_convert(work, ys, b->dtype, bptr, n);
		if (x != ia.ptr)
			ba_dtype_convert(work, x, a->dtype, ia.ptr, n);
		if (exact)
			op_int64(op, (int64 *) x, (const int64 *) ys, n);
		else
			op_float8(op, (float8 *) x, (const float8 *) ys, n);
		if (x != ia.ptr)
			ba_dtype_convert(a->dtype, ia.ptr, work, x, n);
	}
	ba_access_iter_end(&ia);
	if (b != a)
		ba_access_iter_end(&ib);
	pfree(xs);
	pfree(ys);
}

static Datum
arith_sql(FunctionCallInfo fcinfo, ArithOp op)
{
	BAArray    *a;
	BAArray    *b;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	b = PG_GETARG_OID(1) == a->loid ? a : ba_array_open(PG_GETARG_OID(1), BA_READ);
	check_same_shape(a, b);
	combine_arrays(a, b, op);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_add);
Datum
ba_add(PG_FUNCTION_ARGS)
{
	return arith_sql(fcinfo, ARITH_ADD);
}

PG_FUNCTION_INFO_V1(ba_sub);
Datum
ba_sub(PG_FUNCTION_ARGS)
{
	return arith_sql(fcinfo, ARITH_SUB);
}

PG_FUNCTION_INFO_V1(ba_mul);
Datum
ba_mul(PG_FUNCTION_ARGS)
{
	return arith_sql(fcinfo, ARITH_MUL);
}

PG_FUNCTION_INFO_V1(ba_div);
Datum
ba_div(PG_FUNCTION_ARGS)
{
	return arith_sql(fcinfo, ARITH_DIV);
}

/* ---- one array, element by element ---- */

/* A change of n elements in place, with its argument. */
typedef void (*MapFloat8) (float8 *x, int64 n, const void *arg);
typedef void (*MapInt64) (int64 *x, int64 n, const void *arg);

/*
 * Apply fn to elements [first, first + count) of a, as float8 (integers
 * come back rounded) or, if a's dtype is an integer and int_fn is given,
 * exactly as int64.  Either way through the checked conversion back.
 */
static void
map_elements(BAArray *a, int64 first, int64 count, MapFloat8 fn,
			 MapInt64 int_fn, const void *arg)
{
	bool		exact = int_fn != NULL && ba_dtype_info(a->dtype)->is_integer;
	BADtype		work = exact ? BA_INT8 : BA_FLOAT8;
	char	   *scratch = palloc(BA_CHUNK_ELEMS(a) * sizeof(float8));
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_WRITE, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
	{
		char	   *x = a->dtype == work ? it.ptr : scratch;

		if (x != it.ptr)
			ba_dtype_convert(work, x, a->dtype, it.ptr, it.count);
		if (exact)
			int_fn((int64 *) x, it.count, arg);
		else
			fn((float8 *) x, it.count, arg);
		if (x != it.ptr)
			ba_dtype_convert(a->dtype, it.ptr, work, x, it.count);
	}
	ba_access_iter_end(&it);
	pfree(scratch);
}

/* k as float8, and as int64 where it is a whole number within int64 */
typedef struct AddNumber
{
	float8		k;
	int64		ik;
} AddNumber;

static void
add_float8(float8 *x, int64 n, const void *arg)
{
	float8		k = ((const AddNumber *) arg)->k;

	for (int64 i = 0; i < n; i++)
		x[i] = float8_pl(x[i], k);
}

static void
add_int64(int64 *x, int64 n, const void *arg)
{
	int64		k = ((const AddNumber *) arg)->ik;

	for (int64 i = 0; i < n; i++)
	{
		if (unlikely(pg_add_s64_overflow(x[i], k, &x[i])))
			out_of_range_int64();
	}
}

static void
mul_float8(float8 *x, int64 n, const void *arg)
{
	float8		k = *(const float8 *) arg;

	for (int64 i = 0; i < n; i++)
		x[i] = float8_mul(x[i], k);
}

/*
 * a += k.  An integral k is added to integer dtypes exactly; any other k
 * in float8.
 */
PG_FUNCTION_INFO_V1(ba_add_float8);
Datum
ba_add_float8(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	float8		k;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	k = PG_GETARG_FLOAT8(1);
	if (rint(k) == k && FLOAT8_FITS_IN_INT64(k))
	{
		AddNumber	add = {k, (int64) k};

		map_elements(a, 0, a->nelems, add_float8, add_int64, &add);
	}
	else
	{
		AddNumber	add = {k, 0};

		map_elements(a, 0, a->nelems, add_float8, NULL, &add);
	}
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

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	k = PG_GETARG_FLOAT8(1);
	map_elements(a, 0, a->nelems, mul_float8, NULL, &k);
	PG_RETURN_OID(a->loid);
}

/* ---- ba_apply ---- */

static void
apply_abs(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = fabs(x[i]);
}

static void
apply_abs_int64(int64 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
	{
		if (unlikely(x[i] == PG_INT64_MIN))
			out_of_range_int64();
		x[i] = x[i] < 0 ? -x[i] : x[i];
	}
}

static void
apply_neg(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = -x[i];
}

static void
apply_neg_int64(int64 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
	{
		if (unlikely(x[i] == PG_INT64_MIN))
			out_of_range_int64();
		x[i] = -x[i];
	}
}

/* as PostgreSQL's sign(float8): NaN gives 0 */
static void
apply_sign(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : 0.0;
}

static void
apply_sign_int64(int64 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = (x[i] > 0) - (x[i] < 0);
}

static void
apply_floor(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = floor(x[i]);
}

static void
apply_ceil(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = ceil(x[i]);
}

/* as PostgreSQL's round(float8): half to even */
static void
apply_round(float8 *x, int64 n, const void *arg)
{
	for (int64 i = 0; i < n; i++)
		x[i] = rint(x[i]);
}

/*
 * sqrt, exp, ln, log10 are PostgreSQL's own functions, called per element,
 * so that their errors (2201F, 2201E, 22003 for overflow and underflow)
 * and special values are PostgreSQL's.
 */
typedef struct ApplyFunction
{
	const char *name;
	MapFloat8	fn;				/* called with the ApplyFunction as arg */
	MapInt64	int_fn;			/* exact for integer dtypes, or NULL */
	PGFunction	pg_fn;			/* for apply_fmgr */
	bool		keeps_integers; /* integers are left as they are */
} ApplyFunction;

static void
apply_fmgr(float8 *x, int64 n, const void *arg)
{
	PGFunction	fn = ((const ApplyFunction *) arg)->pg_fn;

	for (int64 i = 0; i < n; i++)
		x[i] = DatumGetFloat8(DirectFunctionCall1(fn, Float8GetDatum(x[i])));
}

static const ApplyFunction apply_functions[] = {
	{"abs", apply_abs, apply_abs_int64, NULL, false},
	{"sqrt", apply_fmgr, NULL, dsqrt, false},
	{"exp", apply_fmgr, NULL, dexp, false},
	{"ln", apply_fmgr, NULL, dlog1, false},
	{"log10", apply_fmgr, NULL, dlog10, false},
	{"floor", apply_floor, NULL, NULL, true},
	{"ceil", apply_ceil, NULL, NULL, true},
	{"round", apply_round, NULL, NULL, true},
	{"sign", apply_sign, apply_sign_int64, NULL, false},
	{"neg", apply_neg, apply_neg_int64, NULL, false},
};

static const ApplyFunction *
apply_function(const char *name)
{
	for (int i = 0; i < (int) lengthof(apply_functions); i++)
	{
		if (strcmp(apply_functions[i].name, name) == 0)
			return &apply_functions[i];
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("ba_apply has no function \"%s\"", name),
			 errhint("Use abs, sqrt, exp, ln, log10, floor, ceil, round, sign or neg.")));
	pg_unreachable();
}

/* ba_apply(a, fn text [, lo, hi]): a[i] := fn(a[i]) over all or a range */
PG_FUNCTION_INFO_V1(ba_apply);
Datum
ba_apply(PG_FUNCTION_ARGS)
{
	const ApplyFunction *f;
	BAArray    *a;
	int64		first = 0;
	int64		count;

	ba_shape_args_not_null(fcinfo);
	f = apply_function(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	count = a->nelems;
	if (PG_NARGS() == 4)
		ba_shape_range(a, PG_GETARG_INT64(2), PG_GETARG_INT64(3), &first, &count);
	if (f->keeps_integers && ba_dtype_info(a->dtype)->is_integer)
		PG_RETURN_OID(a->loid);
	map_elements(a, first, count, f->fn, f->int_fn, f);
	PG_RETURN_OID(a->loid);
}

/* ---- ba_clip ---- */

typedef struct ClipBounds
{
	float8		lo;
	float8		hi;
	int64		ilo;
	int64		ihi;
} ClipBounds;

/* NaN stays NaN: it is neither below lo nor above hi */
static void
clip_float8(float8 *x, int64 n, const void *arg)
{
	const ClipBounds *b = arg;

	for (int64 i = 0; i < n; i++)
		x[i] = x[i] < b->lo ? b->lo : x[i] > b->hi ? b->hi : x[i];
}

static void
clip_int64(int64 *x, int64 n, const void *arg)
{
	const ClipBounds *b = arg;

	for (int64 i = 0; i < n; i++)
		x[i] = x[i] < b->ilo ? b->ilo : x[i] > b->ihi ? b->ihi : x[i];
}

/* The int64 nearest to x (an integral float8) within int64's range. */
static int64
clamp_to_int64(float8 x)
{
	if (x <= (float8) PG_INT64_MIN)
		return PG_INT64_MIN;
	if (!FLOAT8_FITS_IN_INT64(x))
		return PG_INT64_MAX;
	return (int64) x;
}

/*
 * ba_clip(a, lo, hi): every element below lo becomes lo, above hi hi.
 * Integer dtypes clip exactly to the integers within [lo, hi].
 */
PG_FUNCTION_INFO_V1(ba_clip);
Datum
ba_clip(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	ClipBounds	b;

	ba_shape_args_not_null(fcinfo);
	b.lo = PG_GETARG_FLOAT8(1);
	b.hi = PG_GETARG_FLOAT8(2);
	if (isnan(b.lo) || isnan(b.hi) || b.lo > b.hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ba_clip bounds must be numbers with lo <= hi, not %g and %g",
						b.lo, b.hi)));
	b.ilo = clamp_to_int64(ceil(b.lo));
	b.ihi = clamp_to_int64(floor(b.hi));
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	if (ba_dtype_info(a->dtype)->is_integer && b.ilo > b.ihi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no integer lies between ba_clip bounds %g and %g", b.lo, b.hi)));
	map_elements(a, 0, a->nelems, clip_float8, clip_int64, &b);
	PG_RETURN_OID(a->loid);
}
