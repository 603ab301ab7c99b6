/*
 * shape.c - checks of shapes, ranges and arguments, shared by the SQL
 * functions and the array layer: a leaf, calling no other file of ours but
 * dtype.c.  Also the n-d index math: flat offsets of indices, boxes, and a
 * box as runs of consecutive elements (pure arithmetic on shapes).
 */
#include "bigarray.h"

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "lib/stringinfo.h"
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

char *
ba_shape_text(int ndim, const int64 *shape)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < ndim; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT, i > 0 ? "," : "", shape[i]);
	appendStringInfoChar(&buf, '}');
	return buf.data;
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
				 errdetail_plural("The array has " INT64_FORMAT " element.",
								  "The array has " INT64_FORMAT " elements.",
								  (unsigned long) a->nelems, a->nelems)));
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

int
ba_shape_int8_args(ArrayType *arr, const char *what, int64 *values)
{
	int			n;

	if (ARR_ELEMTYPE(arr) != INT8OID)
		elog(ERROR, "bigarray: %s is not an int8[]", what);
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bigarray %s must not contain nulls", what)));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray %s must be a one-dimensional array", what)));
	n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (n > BA_MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("number of entries in bigarray %s (%d) exceeds the maximum number of dimensions (%d)",
						what, n, BA_MAXDIM)));
	memcpy(values, ARR_DATA_PTR(arr), n * sizeof(int64));
	return n;
}

static void
check_entries(int ndim, int n, const char *what)
{
	if (n != ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("number of entries in bigarray %s (%d) does not match the number of dimensions of the array (%d)",
						what, n, ndim),
				 errdetail("Give one entry per axis.")));
}

static void
check_within_axis(const int64 *shape, int axis, int64 i, const char *what)
{
	if (i < 1 || i > shape[axis])
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray %s " INT64_FORMAT " is out of bounds on axis %d",
						what, i, axis + 1),
				 errdetail("Axis %d has " INT64_FORMAT " elements.",
						   axis + 1, shape[axis])));
}

int64
ba_shape_offset(int ndim, const int64 *shape, int n, const int64 *idx)
{
	int64		offset = 0;

	check_entries(ndim, n, "index");
	/* Horner's rule: the offset stays below nelems, so it cannot overflow */
	for (int axis = 0; axis < ndim; axis++)
	{
		check_within_axis(shape, axis, idx[axis], "index");
		offset = offset * shape[axis] + (idx[axis] - 1);
	}
	return offset;
}

void
ba_shape_box(int ndim, const int64 *shape, int nlo, const int64 *lo,
			 int nhi, const int64 *hi, BABox *box)
{
	check_entries(ndim, nlo, "lo");
	check_entries(ndim, nhi, "hi");
	box->ndim = ndim;
	for (int axis = 0; axis < ndim; axis++)
	{
		check_within_axis(shape, axis, lo[axis], "lo");
		check_within_axis(shape, axis, hi[axis], "hi");
		if (lo[axis] > hi[axis])
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("bigarray box is empty on axis %d: lo " INT64_FORMAT " > hi " INT64_FORMAT,
							axis + 1, lo[axis], hi[axis])));
		box->first[axis] = lo[axis] - 1;
		box->len[axis] = hi[axis] - lo[axis] + 1;
	}
}

int64
ba_shape_box_nelems(const BABox *box)
{
	int64		n = 1;

	/* within an array's shape: no overflow */
	for (int axis = 0; axis < box->ndim; axis++)
		n *= box->len[axis];
	return n;
}

void
ba_shape_runs_init(BARuns *runs, int ndim, const int64 *shape, const BABox *box)
{
	int64		stride = 1;
	int			run_axis = 0;

	memset(runs, 0, sizeof(BARuns));
	/* the innermost axis the box does not cover whole carries the run */
	for (int axis = ndim - 1; axis >= 0; axis--)
	{
		if (box->len[axis] != shape[axis])
		{
			run_axis = axis;
			break;
		}
	}
	runs->run_len = box->len[run_axis];
	for (int axis = ndim - 1; axis >= 0; axis--)
	{
		if (axis > run_axis)
			runs->run_len *= shape[axis];
		else
			runs->run_first += box->first[axis] * stride;
		if (axis < run_axis)
		{
			runs->len[axis] = box->len[axis];
			runs->stride[axis] = stride;
		}
		stride *= shape[axis];
	}
	runs->ndim = run_axis;
	runs->runs_left = 1;
	for (int axis = 0; axis < run_axis; axis++)
		runs->runs_left *= box->len[axis];
}

bool
ba_shape_runs_next(BARuns *runs, int64 *first, int64 *count)
{
	int64		offset = runs->run_first;

	if (runs->runs_left == 0)
		return false;
	for (int axis = 0; axis < runs->ndim; axis++)
		offset += runs->pos[axis] * runs->stride[axis];
	*first = offset;
	*count = runs->run_len;
	runs->runs_left--;
	/* the odometer: the last counting axis moves fastest */
	for (int axis = runs->ndim - 1; axis >= 0; axis--)
	{
		if (++runs->pos[axis] < runs->len[axis])
			break;
		runs->pos[axis] = 0;
	}
	return true;
}
