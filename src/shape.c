/*
 * shape.c - checks of shapes, ranges and arguments, shared by the SQL
 * functions and the array layer: a leaf, calling no other file of ours but
 * dtype.c.
 */
#include "bigarray.h"

#include "common/int.h"
#include "utils/lsyscache.h"

int64
ba_shape_nelems(BADtype dtype, int ndim, const int64 *shape)
{
	int64		nelems = 1;
	bool		has_zero = false;

	if (ndim < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bigarray needs at least one dimension")));
	if (ndim > BA_MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of bigarray dimensions (%d) exceeds the maximum allowed (%d)",
						ndim, BA_MAXDIM)));
	for (int i = 0; i < ndim; i++)
	{
		if (shape[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bigarray dimension %d is negative: " INT64_FORMAT,
							i + 1, shape[i])));
		has_zero |= shape[i] == 0;
	}
	if (has_zero)
		return 0;
	for (int i = 0; i < ndim; i++)
	{
		if (pg_mul_s64_overflow(nelems, shape[i], &nelems) ||
			nelems > BA_MAX_DATA_BYTES / ba_dtype_info(dtype)->elsize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("bigarray shape is too large"),
					 errdetail("A bigarray of %s holds at most " INT64_FORMAT " elements.",
							   ba_dtype_info(dtype)->name,
							   (int64) (BA_MAX_DATA_BYTES / ba_dtype_info(dtype)->elsize))));
	}
	return nelems;
}

void
ba_shape_args_not_null(FunctionCallInfo fcinfo)
{
	for (int i = 0; i < PG_NARGS(); i++)
	{
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of %s must not be null",
							i + 1, get_func_name(fcinfo->flinfo->fn_oid))));
	}
}

void
ba_shape_range(const BAArray *a, int64 lo, int64 hi, int64 *first, int64 *count)
{
	*first = 0;
	*count = 0;
	if (lo > hi)
		return;
	if (lo < 1 || hi > a->nelems)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray range " INT64_FORMAT ".." INT64_FORMAT " is out of bounds",
						lo, hi),
				 errdetail("The array has " INT64_FORMAT " elements.", a->nelems)));
	*first = lo - 1;
	*count = hi - lo + 1;
}

const char *
ba_shape_native(ArrayType *v, BADtype *dtype, int64 *count)
{
	*dtype = ba_dtype_from_typoid(ARR_ELEMTYPE(v));
	if (array_contains_nulls(v))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a bigarray cannot hold null elements")));
	*count = ArrayGetNItems(ARR_NDIM(v), ARR_DIMS(v));
	return ARR_DATA_PTR(v);
}
