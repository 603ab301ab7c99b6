/*
 * type.c - the SQL type bigarray and the ways to make one.
 *
 * A bigarray value is the oid of the large object holding the array; dtype
 * and shape live in that object's header.  Here: text and binary I/O (the
 * text form, e.g. float8[1000,1000]@16385, names dtype, shape and identity
 * and reads back what it printed), bigarray_create, bigarray_from and the
 * casts from native arrays, the bigarray_agg aggregate, ba_copy, and the
 * functions that report what an array is (ba_dtype, ba_shape, ...).
 */
#include "bigarray.h"

#include <limits.h>

#include "textform.h"

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/libpq-fs.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

/*
 * The largest element data a large object can take after the header: a
 * large object holds at most INT_MAX chunks of LOBLKSIZE (= BA_DATA_OFFSET)
 * bytes (MAX_LARGE_OBJECT_SIZE), and the last virtmem page (at most 2 MiB)
 * must still be storable whole.
 */
#define BA_MAX_DATA_BYTES \
	((int64) INT_MAX * BA_DATA_OFFSET - BA_DATA_OFFSET - 2 * 1024 * 1024)

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
ba_args_not_null(FunctionCallInfo fcinfo)
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

/*
 * Whether a large object holds no data yet: pg_restore creates large objects
 * before it restores tables, and writes their data after.
 */
static bool
large_object_is_empty(Oid loid)
{
	Datum		fd;
	int64		size;

	fd = DirectFunctionCall2(be_lo_open, ObjectIdGetDatum(loid),
							 Int32GetDatum(INV_READ));
	size = DatumGetInt64(DirectFunctionCall3(be_lo_lseek64, fd,
											 Int64GetDatum(0),
											 Int32GetDatum(SEEK_END)));
	DirectFunctionCall1(be_lo_close, fd);
	return size == 0;
}

static void
append_identity(StringInfo buf, BADtype dtype, int ndim, const int64 *shape,
				Oid loid)
{
	appendStringInfo(buf, "%s[", ba_dtype_info(dtype)->name);
	for (int i = 0; i < ndim; i++)
		appendStringInfo(buf, "%s" INT64_FORMAT, i > 0 ? "," : "", shape[i]);
	appendStringInfo(buf, "]@%u", loid);
}

/*
 * Check a value read from text or binary input against the array it names:
 * the large object must exist (42704) and, unless it is still empty, hold
 * an array of that dtype and shape (22P02).
 */
static void
check_identity(Oid loid, BADtype dtype, int ndim, const int64 *shape)
{
	BAArray    *a;

	ba_shape_nelems(dtype, ndim, shape);
	if (large_object_is_empty(loid))
		return;
	a = ba_open(loid, BA_READ);
	if (a->dtype != dtype || a->ndim != ndim ||
		memcmp(a->shape, shape, ndim * sizeof(int64)) != 0)
	{
		StringInfoData given;
		StringInfoData actual;

		initStringInfo(&given);
		initStringInfo(&actual);
		append_identity(&given, dtype, ndim, shape, loid);
		append_identity(&actual, a->dtype, a->ndim, a->shape, loid);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("bigarray \"%s\" does not match the stored array \"%s\"",
						given.data, actual.data)));
	}
}

static void
syntax_error(const char *str, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bigarray: \"%s\"", str),
			 errdetail("%s", why),
			 errhint("The form is dtype[d1,d2,...]@oid, e.g. float8[1000,1000]@16385.")));
}

/* The text form's parser (textform.c) has its own copy of BA_MAXDIM. */
StaticAssertDecl(BA_TEXT_MAXDIM == BA_MAXDIM,
				 "textform.h and bigarray.h disagree on the number of dimensions");

PG_FUNCTION_INFO_V1(bigarray_in);
Datum
bigarray_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	BATextForm	form;
	BATextError err = ba_text_parse(str, &form);
	BADtype		dtype;

	if (err == BA_TEXT_NO_DTYPE)
		syntax_error(str, ba_text_error_detail(err));
	/* an unknown type is reported first: it comes first in the value */
	dtype = ba_dtype_from_name(pnstrdup(form.dtype_name, form.dtype_len));
	if (err != BA_TEXT_OK)
		syntax_error(str, ba_text_error_detail(err));

	check_identity(form.oid, dtype, form.ndim, form.shape);
	PG_RETURN_OID(form.oid);
}

PG_FUNCTION_INFO_V1(bigarray_out);
Datum
bigarray_out(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_open(PG_GETARG_OID(0), BA_READ);
	StringInfoData buf;

	initStringInfo(&buf);
	append_identity(&buf, a->dtype, a->ndim, a->shape, a->loid);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: oid (uint32), element type oid (uint32), ndim (int32), then
 * each dimension (int64).
 */
PG_FUNCTION_INFO_V1(bigarray_send);
Datum
bigarray_send(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_open(PG_GETARG_OID(0), BA_READ);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, a->loid);
	pq_sendint32(&buf, ba_dtype_info(a->dtype)->typoid);
	pq_sendint32(&buf, a->ndim);
	for (int i = 0; i < a->ndim; i++)
		pq_sendint64(&buf, a->shape[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(bigarray_recv);
Datum
bigarray_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Oid			loid = pq_getmsgint(buf, 4);
	Oid			typoid = pq_getmsgint(buf, 4);
	int			ndim = pq_getmsgint(buf, 4);
	int64		shape[BA_MAXDIM];

	if (ndim < 1 || ndim > BA_MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid number of dimensions in external bigarray value: %d",
						ndim)));
	for (int i = 0; i < ndim; i++)
		shape[i] = pq_getmsgint64(buf);
	check_identity(loid, ba_dtype_from_typoid(typoid), ndim, shape);
	PG_RETURN_OID(loid);
}

PG_FUNCTION_INFO_V1(bigarray_create);
Datum
bigarray_create(PG_FUNCTION_ARGS)
{
	BADtype		dtype;
	ArrayType  *dims;
	int64		shape[BA_MAXDIM];
	int			ndim;

	ba_args_not_null(fcinfo);
	dtype = ba_dtype_from_typoid(PG_GETARG_OID(0));
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
	ba_shape_nelems(dtype, ndim, (const int64 *) ARR_DATA_PTR(dims));
	memcpy(shape, ARR_DATA_PTR(dims), ndim * sizeof(int64));
	PG_RETURN_OID(ba_create(dtype, ndim, shape)->loid);
}

/* bigarray_from(anyarray) and the casts from float8[], ..., int2[] */
PG_FUNCTION_INFO_V1(bigarray_from);
Datum
bigarray_from(PG_FUNCTION_ARGS)
{
	ArrayType  *v = PG_GETARG_ARRAYTYPE_P(0);
	BADtype		dtype;
	int64		count;
	const char *elements = ba_native_elements(v, &dtype, &count);
	int64		shape[BA_MAXDIM] = {0};
	int			ndim = Max(ARR_NDIM(v), 1);
	BAArray    *a;

	for (int i = 0; i < ARR_NDIM(v); i++)
		shape[i] = ARR_DIMS(v)[i];
	ba_shape_nelems(dtype, ndim, shape);
	a = ba_create(dtype, ndim, shape);
	ba_write_elements(a, 0, dtype, elements, count);
	PG_RETURN_OID(a->loid);
}

/*
 * bigarray_agg: the transition state buffers up to a chunk of values and
 * appends them to the array whenever the buffer is full, so no value of the
 * aggregate ever holds more than one chunk.
 */
typedef struct BAAggState
{
	BADtype		dtype;
	BAArray    *array;
	int64		nstored;		/* elements already in the array */
	int			nbuffered;		/* values waiting in buffer */
	int			capacity;		/* of buffer, in values */
	char	   *buffer;
} BAAggState;

static void
agg_flush(BAAggState *state)
{
	int64		nelems = state->nstored + state->nbuffered;

	if (state->nbuffered == 0)
		return;
	ba_shape_nelems(state->dtype, 1, &nelems);
	ba_set_shape(state->array, 1, &nelems);
	ba_write_elements(state->array, state->nstored, state->dtype,
					  state->buffer, state->nbuffered);
	state->nstored = nelems;
	state->nbuffered = 0;
}

PG_FUNCTION_INFO_V1(bigarray_agg_transfn);
Datum
bigarray_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BAAggState *state;

	switch (AggCheckCallContext(fcinfo, &aggcontext))
	{
		case 0:
			elog(ERROR, "bigarray_agg_transfn called in non-aggregate context");
			break;
		case AGG_CONTEXT_WINDOW:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("bigarray_agg cannot be used as a window function")));
			break;
	}
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bigarray_agg cannot store a null value")));

	if (PG_ARGISNULL(0))
	{
		BADtype		dtype;
		int64		empty = 0;

		dtype = ba_dtype_from_typoid(get_fn_expr_argtype(fcinfo->flinfo, 1));
		state = MemoryContextAllocZero(aggcontext, sizeof(BAAggState));
		state->dtype = dtype;
		state->capacity = BA_CHUNK_BYTES / ba_dtype_info(dtype)->elsize;
		state->buffer = MemoryContextAlloc(aggcontext, BA_CHUNK_BYTES);
		state->array = ba_create(dtype, 1, &empty);
	}
	else
		state = (BAAggState *) PG_GETARG_POINTER(0);

	switch (state->dtype)
	{
		case BA_FLOAT8:
			((float8 *) state->buffer)[state->nbuffered] = PG_GETARG_FLOAT8(1);
			break;
		case BA_FLOAT4:
			((float4 *) state->buffer)[state->nbuffered] = PG_GETARG_FLOAT4(1);
			break;
		case BA_INT8:
			((int64 *) state->buffer)[state->nbuffered] = PG_GETARG_INT64(1);
			break;
		case BA_INT4:
			((int32 *) state->buffer)[state->nbuffered] = PG_GETARG_INT32(1);
			break;
		case BA_INT2:
			((int16 *) state->buffer)[state->nbuffered] = PG_GETARG_INT16(1);
			break;
	}
	if (++state->nbuffered == state->capacity)
		agg_flush(state);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(bigarray_agg_finalfn);
Datum
bigarray_agg_finalfn(PG_FUNCTION_ARGS)
{
	BAAggState *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (BAAggState *) PG_GETARG_POINTER(0);
	agg_flush(state);
	PG_RETURN_OID(state->array->loid);
}

PG_FUNCTION_INFO_V1(ba_copy);
Datum
ba_copy(PG_FUNCTION_ARGS)
{
	BAArray    *src = ba_open(PG_GETARG_OID(0), BA_READ);
	BAArray    *dst = ba_create(src->dtype, src->ndim, src->shape);
	BAIter		it;

	ba_iter_init(&it, src, 0, src->nelems, BA_READ, BA_CHUNK_ELEMS(src));
	while (ba_iter_next(&it))
		ba_write_elements(dst, it.first, src->dtype, it.ptr, it.count);
	ba_iter_end(&it);
	PG_RETURN_OID(dst->loid);
}

/* The large object holding the array: no need to open it. */
PG_FUNCTION_INFO_V1(ba_oid);
Datum
ba_oid(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(PG_GETARG_OID(0));
}

PG_FUNCTION_INFO_V1(ba_dtype);
Datum
ba_dtype(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_open(PG_GETARG_OID(0), BA_READ);

	PG_RETURN_OID(ba_dtype_info(a->dtype)->typoid);
}

PG_FUNCTION_INFO_V1(ba_shape);
Datum
ba_shape(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_open(PG_GETARG_OID(0), BA_READ);
	Datum		dims[BA_MAXDIM];

	for (int i = 0; i < a->ndim; i++)
		dims[i] = Int64GetDatum(a->shape[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(dims, a->ndim, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(ba_ndim);
Datum
ba_ndim(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(ba_open(PG_GETARG_OID(0), BA_READ)->ndim);
}

PG_FUNCTION_INFO_V1(ba_size);
Datum
ba_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ba_open(PG_GETARG_OID(0), BA_READ)->nelems);
}
