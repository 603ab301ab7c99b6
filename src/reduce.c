/*
 * reduce.c - the SQL reductions over a whole array or a flat range: ba_sum,
 * ba_mean, ba_min, ba_max, their NaN-skipping forms ba_nansum, ba_nanmean,
 * ba_nanmin, ba_nanmax, ba_count_nan, and ba_dot.  Each opens its array,
 * takes the range, and runs a reduction of reduction.c: through the page
 * cache, or, for a range bigger than the cache, straight from the large
 * object, with parallel workers when it is large enough (parallel.c).
 */
#include "bigarray.h"

#include "parallel.h"
#include "reduction.h"

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

PG_FUNCTION_INFO_V1(ba_nansum);
Datum
ba_nansum(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_nansum);
}

PG_FUNCTION_INFO_V1(ba_nanmean);
Datum
ba_nanmean(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_nanmean);
}

PG_FUNCTION_INFO_V1(ba_nanmin);
Datum
ba_nanmin(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_nanmin);
}

PG_FUNCTION_INFO_V1(ba_nanmax);
Datum
ba_nanmax(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_nanmax);
}

PG_FUNCTION_INFO_V1(ba_count_nan);
Datum
ba_count_nan(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_count_nan);
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

PG_FUNCTION_INFO_V1(ba_dot);
Datum
ba_dot(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BAArray    *b = ba_array_open(PG_GETARG_OID(1), BA_READ);
	BAReduceState st;
	bool		isnull = false;

	check_same_size(a, b);
	ba_reduce_sum.init(&st);
	if (!ba_parallel_dot(a, b, &st.sum))
		ba_reduce_dot_accumulate(a, b, 0, a->nelems, &st.sum);
	/* a dot product finishes as a sum does: 22003 on overflow */
	PG_RETURN_DATUM(ba_reduce_sum.finish(&st, &isnull));
}
