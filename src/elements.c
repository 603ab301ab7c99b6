/*
 * elements.c - reading and writing the elements of a bigarray.
 *
 * Addressing is flat and 1-based, ranges inclusive, as for PostgreSQL
 * arrays; a range with lo > hi is empty.  Every access goes through pinned
 * chunks (ba_access_iter_*), converting between the array's dtype and the SQL
 * value's type as PostgreSQL's casts would.  Here: ba_get/ba_set and their
 * exact int8 variants, ba_slice, ba_to_array, ba_set_slice, ba_fill,
 * ba_append, ba_resize, ba_unnest and the bytea forms (ba_to_bytea,
 * ba_from_bytea and ba_set_bytea, the raw paths clients transfer through).
 */
#include "bigarray.h"

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "funcapi.h"
#include "utils/memutils.h"

/* The 0-based position of element i (1-based), which must exist. */
static int64
element_index(const BAArray *a, int64 i)
{
	if (i < 1 || i > a->nelems)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray index " INT64_FORMAT " is out of bounds", i),
				 errdetail("The array has " INT64_FORMAT " elements.", a->nelems)));
	return i - 1;
}

/*
 * A native array of dtype to holding elements [first, first + count), with
 * dimensions dims (whose product is count).
 */
static ArrayType *
native_array(BAArray *a, int64 first, int64 count, BADtype to,
			 int ndim, const int64 *dims)
{
	const BADtypeInfo *info = ba_dtype_info(to);
	Size		overhead = ARR_OVERHEAD_NONULLS(ndim);
	ArrayType  *result;

	if (count == 0)
		return construct_empty_array(info->typoid);
	if (ndim > MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of array dimensions (%d) exceeds the maximum allowed (%d)",
						ndim, MAXDIM),
				 errhint("Read it with ba_slice.")));
	if (count > (int64) MaxArraySize ||
		count > (int64) (MaxAllocSize - overhead) / info->elsize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an array of " INT64_FORMAT " elements exceeds the maximum size of an array",
						count),
				 errhint("Read it in smaller slices, or with ba_unnest.")));
	result = palloc(overhead + count * info->elsize);
	memset(result, 0, overhead);
	SET_VARSIZE(result, overhead + count * info->elsize);
	result->ndim = ndim;
	result->dataoffset = 0;
	result->elemtype = info->typoid;
	for (int i = 0; i < ndim; i++)
	{
		ARR_DIMS(result)[i] = (int) dims[i];
		ARR_LBOUND(result)[i] = 1;
	}
	ba_access_read(a, first, count, to, ARR_DATA_PTR(result));
	return result;
}

/*
 * Set every element of [first, first + count) to one value of a's dtype:
 * the first element of each chunk gets the value, then memcpy doubles the
 * filled prefix, for any element size.
 */
static void
fill_elements(BAArray *a, int64 first, int64 count, const void *value)
{
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_WRITE, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
	{
		size_t		total = (size_t) it.count * a->elsize;
		size_t		filled = a->elsize;

		memcpy(it.ptr, value, a->elsize);
		while (filled < total)
		{
			size_t		n = Min(filled, total - filled);

			memcpy(it.ptr + filled, it.ptr, n);
			filled += n;
		}
	}
	ba_access_iter_end(&it);
}

/* Elements per step of the first dimension: the product of the others. */
static int64
row_length(const BAArray *a)
{
	int64		len = 1;

	for (int i = 1; i < a->ndim; i++)
		len *= a->shape[i];
	return len;
}

PG_FUNCTION_INFO_V1(ba_get);
Datum
ba_get(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	float8		v;

	ba_access_read(a, element_index(a, PG_GETARG_INT64(1)), 1, BA_FLOAT8, &v);
	PG_RETURN_FLOAT8(v);
}

PG_FUNCTION_INFO_V1(ba_get_int8);
Datum
ba_get_int8(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		v;

	ba_access_read(a, element_index(a, PG_GETARG_INT64(1)), 1, BA_INT8, &v);
	PG_RETURN_INT64(v);
}

/* ba_set(a, i, v) for a value v of dtype from */
static Datum
set_element(FunctionCallInfo fcinfo, BADtype from, const void *v)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);

	ba_access_write(a, element_index(a, PG_GETARG_INT64(1)), from, v, 1);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_set_float8);
Datum
ba_set_float8(PG_FUNCTION_ARGS)
{
	float8		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_FLOAT8(2);
	return set_element(fcinfo, BA_FLOAT8, &v);
}

PG_FUNCTION_INFO_V1(ba_set_int8);
Datum
ba_set_int8(PG_FUNCTION_ARGS)
{
	int64		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_INT64(2);
	return set_element(fcinfo, BA_INT8, &v);
}

/*
 * Take the array's write lock now, as SELECT ... FOR UPDATE does for a row:
 * under READ COMMITTED, later statements of the transaction then read the
 * latest contents and nobody can change them before COMMIT, so a
 * read-modify-write across ba_get and ba_set loses no concurrent update.
 */
PG_FUNCTION_INFO_V1(ba_lock);
Datum
ba_lock(PG_FUNCTION_ARGS)
{
	BAArray    *a;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_slice);
Datum
ba_slice(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		first;
	int64		count;

	ba_shape_range(a, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &first, &count);
	PG_RETURN_ARRAYTYPE_P(native_array(a, first, count, BA_FLOAT8, 1, &count));
}

PG_FUNCTION_INFO_V1(ba_slice_int8);
Datum
ba_slice_int8(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		first;
	int64		count;

	ba_shape_range(a, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &first, &count);
	PG_RETURN_ARRAYTYPE_P(native_array(a, first, count, BA_INT8, 1, &count));
}

/* ba_to_array(a): the whole array as a native array of its shape */
PG_FUNCTION_INFO_V1(ba_to_array);
Datum
ba_to_array(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);

	PG_RETURN_ARRAYTYPE_P(native_array(a, 0, a->nelems, BA_FLOAT8,
									   a->ndim, a->shape));
}

PG_FUNCTION_INFO_V1(ba_to_array_int8);
Datum
ba_to_array_int8(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);

	PG_RETURN_ARRAYTYPE_P(native_array(a, 0, a->nelems, BA_INT8,
									   a->ndim, a->shape));
}

PG_FUNCTION_INFO_V1(ba_set_slice);
Datum
ba_set_slice(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	int64		lo;
	int64		hi;
	int64		first;
	int64		count;
	BADtype		from;
	const char *elements;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	lo = PG_GETARG_INT64(1);
	elements = ba_shape_native(PG_GETARG_ARRAYTYPE_P(2), &from, &count);
	if (pg_add_s64_overflow(lo, count - 1, &hi))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray index " INT64_FORMAT " is out of bounds", lo)));
	ba_shape_range(a, lo, hi, &first, &count);
	ba_access_write(a, first, from, elements, count);
	PG_RETURN_OID(a->loid);
}

/* ba_fill(a, v [, lo, hi]) for a value v of dtype from */
static Datum
fill(FunctionCallInfo fcinfo, BADtype from, const void *v)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	int64		first = 0;
	int64		count = a->nelems;
	int64		element;		/* v as a's dtype: at most 8 bytes */

	if (PG_NARGS() == 4)
		ba_shape_range(a, PG_GETARG_INT64(2), PG_GETARG_INT64(3), &first, &count);
	ba_dtype_convert(a->dtype, &element, from, v, 1);
	fill_elements(a, first, count, &element);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_fill_float8);
Datum
ba_fill_float8(PG_FUNCTION_ARGS)
{
	float8		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_FLOAT8(1);
	return fill(fcinfo, BA_FLOAT8, &v);
}

PG_FUNCTION_INFO_V1(ba_fill_int8);
Datum
ba_fill_int8(PG_FUNCTION_ARGS)
{
	int64		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_INT64(1);
	return fill(fcinfo, BA_INT8, &v);
}

/*
 * ba_append(a, v): v's elements, flattened, after a's.  For n-D arrays they
 * must make whole rows; shape[0] grows by their number.
 */
PG_FUNCTION_INFO_V1(ba_append);
Datum
ba_append(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	BADtype		from;
	int64		count;
	const char *elements;
	int64		rowlen;
	int64		old_nelems;
	int64		shape[BA_MAXDIM];

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	elements = ba_shape_native(PG_GETARG_ARRAYTYPE_P(1), &from, &count);
	if (count == 0)
		PG_RETURN_OID(a->loid);
	rowlen = row_length(a);
	if (rowlen == 0 || count % rowlen != 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot append " INT64_FORMAT " elements to a bigarray with rows of " INT64_FORMAT,
						count, rowlen),
				 errdetail("The elements must make whole rows.")));
	memcpy(shape, a->shape, a->ndim * sizeof(int64));
	shape[0] += count / rowlen;
	ba_shape_nelems(a->dtype, a->ndim, shape);
	old_nelems = a->nelems;
	ba_array_set_shape(a, a->ndim, shape);
	ba_access_write(a, old_nelems, from, elements, count);
	PG_RETURN_OID(a->loid);
}

/*
 * ba_resize(a, n): n elements, adding zeros or dropping the tail.  For n-D
 * arrays n must be a whole number of rows; shape[0] changes.
 */
PG_FUNCTION_INFO_V1(ba_resize);
Datum
ba_resize(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	int64		n;
	int64		rowlen;
	int64		shape[BA_MAXDIM];

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	n = PG_GETARG_INT64(1);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bigarray cannot have a negative size: " INT64_FORMAT, n)));
	if (n == a->nelems)
		PG_RETURN_OID(a->loid);
	rowlen = row_length(a);
	if (rowlen == 0 || n % rowlen != 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot resize a bigarray with rows of " INT64_FORMAT " to " INT64_FORMAT " elements",
						rowlen, n),
				 errdetail("The size must be a whole number of rows.")));
	memcpy(shape, a->shape, a->ndim * sizeof(int64));
	shape[0] = n / rowlen;
	ba_shape_nelems(a->dtype, a->ndim, shape);
	ba_array_set_shape(a, a->ndim, shape);
	PG_RETURN_OID(a->loid);
}

/*
 * ba_unnest(a [, lo, hi]) returns (i, v) one row per call.  Values are read
 * a batch at a time into the call's memory and no pin is held between
 * calls, so an unfinished scan (LIMIT) leaves nothing behind and the rows
 * stream however many there are.
 */
#define UNNEST_BATCH	65536

typedef struct UnnestState
{
	Oid			loid;
	int64		next;			/* 0-based element of the next row */
	int64		end;
	int64		batch_first;	/* element of batch[0] */
	int64		batch_count;
	float8	   *batch;
} UnnestState;

PG_FUNCTION_INFO_V1(ba_unnest);
Datum
ba_unnest(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	UnnestState *state;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		BAArray    *a;
		TupleDesc	tupdesc;
		int64		first = 0;
		int64		count;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);

		a = ba_array_open(PG_GETARG_OID(0), BA_READ);
		count = a->nelems;
		if (PG_NARGS() == 3)
			ba_shape_range(a, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &first, &count);
		state = palloc0(sizeof(UnnestState));
		state->loid = a->loid;
		state->next = first;
		state->end = first + count;
		state->batch_first = first;
		state->batch = palloc(Min(count, UNNEST_BATCH) * sizeof(float8));
		funcctx->user_fctx = state;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	state = funcctx->user_fctx;

	if (state->next == state->end)
		SRF_RETURN_DONE(funcctx);
	if (state->next == state->batch_first + state->batch_count)
	{
		/* open again: the array may have changed between calls */
		BAArray    *a = ba_array_open(state->loid, BA_READ);

		if (state->end > a->nelems)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("bigarray %u shrank during ba_unnest", state->loid)));
		state->batch_first = state->next;
		state->batch_count = Min(state->end - state->next, UNNEST_BATCH);
		ba_access_read(a, state->batch_first, state->batch_count, BA_FLOAT8,
					   state->batch);
	}
	values[0] = Int64GetDatum(state->next + 1);
	values[1] = Float8GetDatum(state->batch[state->next - state->batch_first]);
	state->next++;
	SRF_RETURN_NEXT(funcctx,
					HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
													  values, nulls)));
}

/* ba_to_bytea(a [, lo, hi]): the raw little-endian elements */
PG_FUNCTION_INFO_V1(ba_to_bytea);
Datum
ba_to_bytea(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		first = 0;
	int64		count = a->nelems;
	bytea	   *result;

	if (PG_NARGS() == 3)
		ba_shape_range(a, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &first, &count);
	if (count > (int64) (MaxAllocSize - VARHDRSZ) / a->elsize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of " INT64_FORMAT " elements exceed the maximum size of a bytea",
						ba_dtype_info(a->dtype)->name, count),
				 errhint("Read it in smaller ranges.")));
	result = palloc(VARHDRSZ + count * a->elsize);
	SET_VARSIZE(result, VARHDRSZ + count * a->elsize);
	ba_access_read(a, first, count, a->dtype, VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

/* ba_from_bytea(dtype, bytes): a new 1-D array of the raw elements */
PG_FUNCTION_INFO_V1(ba_from_bytea);
Datum
ba_from_bytea(PG_FUNCTION_ARGS)
{
	BADtype		dtype = ba_dtype_from_typoid(PG_GETARG_OID(0));
	bytea	   *bytes = PG_GETARG_BYTEA_PP(1);
	int			elsize = ba_dtype_info(dtype)->elsize;
	int64		nbytes = VARSIZE_ANY_EXHDR(bytes);
	int64		count = nbytes / elsize;
	BAArray    *a;

	if (nbytes % elsize != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bytea of " INT64_FORMAT " bytes is not a whole number of %s elements",
						nbytes, ba_dtype_info(dtype)->name)));
	a = ba_registry_create(dtype, 1, &count);
	ba_access_write(a, 0, dtype, VARDATA_ANY(bytes), count);
	PG_RETURN_OID(a->loid);
}

/*
 * ba_set_bytea(a, lo, bytes): raw little-endian elements of a's dtype
 * written from flat index lo on, the write path of clients (a bytea
 * parameter in binary format costs no parsing).
 */
PG_FUNCTION_INFO_V1(ba_set_bytea);
Datum
ba_set_bytea(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	int64		lo;
	bytea	   *bytes;
	int64		nbytes;
	int64		count;
	int64		hi;
	int64		first;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	lo = PG_GETARG_INT64(1);
	bytes = PG_GETARG_BYTEA_PP(2);
	nbytes = VARSIZE_ANY_EXHDR(bytes);
	if (nbytes % a->elsize != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bytea of " INT64_FORMAT " bytes is not a whole number of %s elements",
						nbytes, ba_dtype_info(a->dtype)->name)));
	count = nbytes / a->elsize;
	if (pg_add_s64_overflow(lo, count - 1, &hi))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray index " INT64_FORMAT " is out of bounds", lo)));
	ba_shape_range(a, lo, hi, &first, &count);
	ba_access_write(a, first, a->dtype, VARDATA_ANY(bytes), count);
	PG_RETURN_OID(a->loid);
}
