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
				 errdetail_plural("The array has " INT64_FORMAT " element.",
								  "The array has " INT64_FORMAT " elements.",
								  (unsigned long) a->nelems, a->nelems)));
	return i - 1;
}

/*
 * An uninitialized native array of dtype to with dimensions dims (whose
 * product is count, at least 1); 54000 beyond what native arrays hold.
 */
static ArrayType *
native_array_new(int64 count, BADtype to, int ndim, const int64 *dims)
{
	const BADtypeInfo *info = ba_dtype_info(to);
	Size		overhead = ARR_OVERHEAD_NONULLS(ndim);
	ArrayType  *result;

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
	return result;
}

/*
 * A native array of dtype to holding elements [first, first + count), with
 * dimensions dims (whose product is count).
 */
static ArrayType *
native_array(BAArray *a, int64 first, int64 count, BADtype to,
			 int ndim, const int64 *dims)
{
	ArrayType  *result;

	if (count == 0)
		return construct_empty_array(ba_dtype_info(to)->typoid);
	result = native_array_new(count, to, ndim, dims);
	ba_access_read(a, first, count, to, ARR_DATA_PTR(result));
	return result;
}

/*
 * Set count elements at ptr to one value: the first gets it, then memcpy
 * doubles the filled prefix, for any element size.
 */
static void
fill_piece(char *ptr, int64 count, int elsize, const void *value)
{
	size_t		total = (size_t) count * elsize;
	size_t		filled = elsize;

	memcpy(ptr, value, elsize);
	while (filled < total)
	{
		size_t		n = Min(filled, total - filled);

		memcpy(ptr + filled, ptr, n);
		filled += n;
	}
}

/* Set every element of [first, first + count) to one value of a's dtype. */
static void
fill_elements(BAArray *a, int64 first, int64 count, const void *value)
{
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_WRITE, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
		fill_piece(it.ptr, it.count, a->elsize, value);
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
				 errmsg_plural("cannot append " INT64_FORMAT " element to a bigarray with rows of " INT64_FORMAT,
							   "cannot append " INT64_FORMAT " elements to a bigarray with rows of " INT64_FORMAT,
							   (unsigned long) count, count, rowlen),
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
				 errmsg_plural("cannot resize a bigarray with rows of " INT64_FORMAT " to " INT64_FORMAT " element",
							   "cannot resize a bigarray with rows of " INT64_FORMAT " to " INT64_FORMAT " elements",
							   (unsigned long) n, rowlen, n),
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
				 errmsg_plural("a bytea of " INT64_FORMAT " byte is not a whole number of %s elements",
							   "a bytea of " INT64_FORMAT " bytes is not a whole number of %s elements",
							   (unsigned long) nbytes, nbytes, ba_dtype_info(dtype)->name)));
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
				 errmsg_plural("a bytea of " INT64_FORMAT " byte is not a whole number of %s elements",
							   "a bytea of " INT64_FORMAT " bytes is not a whole number of %s elements",
							   (unsigned long) nbytes, nbytes, ba_dtype_info(a->dtype)->name)));
	count = nbytes / a->elsize;
	if (pg_add_s64_overflow(lo, count - 1, &hi))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray index " INT64_FORMAT " is out of bounds", lo)));
	ba_shape_range(a, lo, hi, &first, &count);
	ba_access_write(a, first, a->dtype, VARDATA_ANY(bytes), count);
	PG_RETURN_OID(a->loid);
}

/* ---- n-d: indices and boxes, 1-based, inclusive, in C order ---- */

/* The flat 0-based offset of the index int8[] in argument argno. */
static int64
index_arg(FunctionCallInfo fcinfo, const BAArray *a, int argno)
{
	int64		idx[BA_MAXDIM];
	int			n = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(argno), "index", idx);

	return ba_shape_offset(a->ndim, a->shape, n, idx);
}

/* The box given by the int8[] arguments lo_argno and lo_argno + 1. */
static void
box_args(FunctionCallInfo fcinfo, const BAArray *a, int lo_argno, BABox *box)
{
	int64		lo[BA_MAXDIM];
	int64		hi[BA_MAXDIM];
	int			nlo = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(lo_argno), "lo", lo);
	int			nhi = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(lo_argno + 1), "hi", hi);

	ba_shape_box(a->ndim, a->shape, nlo, lo, nhi, hi, box);
}

ArrayType *
ba_elements_box_slice(BAArray *a, const BABox *box, BADtype to)
{
	ArrayType  *result = native_array_new(ba_shape_box_nelems(box), to,
										  box->ndim, box->len);

	ba_access_box_read(a, box, to, ARR_DATA_PTR(result));
	return result;
}

void
ba_elements_box_set(BAArray *a, const BABox *box, ArrayType *v)
{
	BADtype		from;
	int64		count;
	const char *elements = ba_shape_native(v, &from, &count);

	if (ARR_NDIM(v) != box->ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot write a %d-dimensional array into a box of a %d-dimensional bigarray",
						ARR_NDIM(v), box->ndim)));
	for (int axis = 0; axis < box->ndim; axis++)
	{
		if (ARR_DIMS(v)[axis] != box->len[axis])
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("length of the array on axis %d (%d) does not match the length of the box (" INT64_FORMAT ")",
						axis + 1, ARR_DIMS(v)[axis], box->len[axis])));
	}
	ba_access_box_write(a, box, from, elements);
}

/* Set every element of the box to v (of dtype from). */
static void
box_fill(BAArray *a, const BABox *box, BADtype from, const void *v)
{
	int64		element;		/* v as a's dtype: at most 8 bytes */
	BABoxIter	it;

	ba_dtype_convert(a->dtype, &element, from, v, 1);
	ba_access_box_init(&it, a, box, BA_WRITE);
	while (ba_access_box_next(&it))
		fill_piece(it.ptr, it.count, a->elsize, &element);
	ba_access_box_end(&it);
}

PG_FUNCTION_INFO_V1(ba_get_nd);
Datum
ba_get_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	float8		v;

	ba_access_read(a, index_arg(fcinfo, a, 1), 1, BA_FLOAT8, &v);
	PG_RETURN_FLOAT8(v);
}

PG_FUNCTION_INFO_V1(ba_get_int8_nd);
Datum
ba_get_int8_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		v;

	ba_access_read(a, index_arg(fcinfo, a, 1), 1, BA_INT8, &v);
	PG_RETURN_INT64(v);
}

PG_FUNCTION_INFO_V1(ba_set_nd_float8);
Datum
ba_set_nd_float8(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	float8		v;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	v = PG_GETARG_FLOAT8(2);
	ba_access_write(a, index_arg(fcinfo, a, 1), BA_FLOAT8, &v, 1);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_set_nd_int8);
Datum
ba_set_nd_int8(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	int64		v;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	v = PG_GETARG_INT64(2);
	ba_access_write(a, index_arg(fcinfo, a, 1), BA_INT8, &v, 1);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_slice_nd);
Datum
ba_slice_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BABox		box;

	box_args(fcinfo, a, 1, &box);
	PG_RETURN_ARRAYTYPE_P(ba_elements_box_slice(a, &box, BA_FLOAT8));
}

PG_FUNCTION_INFO_V1(ba_slice_int8_nd);
Datum
ba_slice_int8_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BABox		box;

	box_args(fcinfo, a, 1, &box);
	PG_RETURN_ARRAYTYPE_P(ba_elements_box_slice(a, &box, BA_INT8));
}

/* ba_set_slice(a, lo int8[], v): v as the box from lo of v's dimensions */
PG_FUNCTION_INFO_V1(ba_set_slice_nd);
Datum
ba_set_slice_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	ArrayType  *v;
	int64		lo[BA_MAXDIM];
	int64		hi[BA_MAXDIM];
	int			nlo;
	BABox		box;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	nlo = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(1), "lo", lo);
	v = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(v) == 0)
		PG_RETURN_OID(a->loid); /* empty: nothing to write */
	if (ARR_NDIM(v) != a->ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot write a %d-dimensional array into a %d-dimensional bigarray",
						ARR_NDIM(v), a->ndim)));
	for (int axis = 0; axis < nlo && axis < ARR_NDIM(v); axis++)
	{
		if (pg_add_s64_overflow(lo[axis], ARR_DIMS(v)[axis] - 1, &hi[axis]))
			hi[axis] = PG_INT64_MAX;	/* out of bounds all the same */
	}
	ba_shape_box(a->ndim, a->shape, nlo, lo, Min(nlo, ARR_NDIM(v)), hi, &box);
	ba_elements_box_set(a, &box, v);
	PG_RETURN_OID(a->loid);
}

/* ba_fill(a, v, lo int8[], hi int8[]) for a value v of dtype from */
static Datum
fill_box(FunctionCallInfo fcinfo, BADtype from, const void *v)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	BABox		box;

	box_args(fcinfo, a, 2, &box);
	box_fill(a, &box, from, v);
	PG_RETURN_OID(a->loid);
}

PG_FUNCTION_INFO_V1(ba_fill_nd_float8);
Datum
ba_fill_nd_float8(PG_FUNCTION_ARGS)
{
	float8		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_FLOAT8(1);
	return fill_box(fcinfo, BA_FLOAT8, &v);
}

PG_FUNCTION_INFO_V1(ba_fill_nd_int8);
Datum
ba_fill_nd_int8(PG_FUNCTION_ARGS)
{
	int64		v;

	ba_shape_args_not_null(fcinfo);
	v = PG_GETARG_INT64(1);
	return fill_box(fcinfo, BA_INT8, &v);
}

/* ba_to_bytea(a, lo int8[], hi int8[]): the box's raw elements, C order */
PG_FUNCTION_INFO_V1(ba_to_bytea_nd);
Datum
ba_to_bytea_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BABox		box;
	int64		count;
	bytea	   *result;

	box_args(fcinfo, a, 1, &box);
	count = ba_shape_box_nelems(&box);
	if (count > (int64) (MaxAllocSize - VARHDRSZ) / a->elsize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of " INT64_FORMAT " elements exceed the maximum size of a bytea",
						ba_dtype_info(a->dtype)->name, count),
				 errhint("Read it in smaller boxes.")));
	result = palloc(VARHDRSZ + count * a->elsize);
	SET_VARSIZE(result, VARHDRSZ + count * a->elsize);
	ba_access_box_read(a, &box, a->dtype, VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

/* ba_set_bytea(a, lo int8[], hi int8[], bytes): the box's raw elements */
PG_FUNCTION_INFO_V1(ba_set_bytea_nd);
Datum
ba_set_bytea_nd(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	BABox		box;
	bytea	   *bytes;
	int64		nbytes;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	box_args(fcinfo, a, 1, &box);
	bytes = PG_GETARG_BYTEA_PP(3);
	nbytes = VARSIZE_ANY_EXHDR(bytes);
	if (nbytes != ba_shape_box_nelems(&box) * a->elsize)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("a bytea does not match the size of the box"),
				 errdetail("The bytea has " INT64_FORMAT " bytes; the box holds " INT64_FORMAT " bytes of %s.",
						   nbytes, ba_shape_box_nelems(&box) * a->elsize,
						   ba_dtype_info(a->dtype)->name)));
	ba_access_box_write(a, &box, a->dtype, VARDATA_ANY(bytes));
	PG_RETURN_OID(a->loid);
}

/*
 * ba_reshape(a, VARIADIC shape): the same elements under another shape of
 * the same size.  Only the header changes (at commit), so it costs nothing
 * per element, and savepoints and rollback restore the old shape as they
 * do after ba_resize.
 */
PG_FUNCTION_INFO_V1(ba_reshape);
Datum
ba_reshape(PG_FUNCTION_ARGS)
{
	BAArray    *a;
	ArrayType  *dims;
	int64		shape[BA_MAXDIM];
	int			ndim;
	int64		nelems;

	ba_shape_args_not_null(fcinfo);
	a = ba_array_open(PG_GETARG_OID(0), BA_WRITE);
	dims = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(dims) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the shape must be a one-dimensional array")));
	if (array_contains_nulls(dims))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a bigarray dimension must not be null")));
	ndim = ArrayGetNItems(ARR_NDIM(dims), ARR_DIMS(dims));
	nelems = ba_shape_nelems(a->dtype, ndim, (const int64 *) ARR_DATA_PTR(dims));
	if (nelems != a->nelems)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cannot reshape a bigarray of shape %s to shape %s",
						ba_shape_text(a->ndim, a->shape),
						ba_shape_text(ndim, (const int64 *) ARR_DATA_PTR(dims))),
				 errdetail("The number of elements must stay the same.")));
	memcpy(shape, ARR_DATA_PTR(dims), ndim * sizeof(int64));
	ba_array_set_shape(a, ndim, shape);
	PG_RETURN_OID(a->loid);
}
