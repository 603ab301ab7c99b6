/*
 * type.c - the SQL type bigarray and the ways to make one.
 *
 * A bigarray value is the oid of the large object holding the array; dtype
 * and shape live in that object's header.  Here: text and binary I/O (the
 * text form, e.g. @16385, is that identity alone), bigarray_create,
 * bigarray_from and the casts from native arrays, the bigarray_agg
 * aggregate, ba_copy, and the functions that report what an array is
 * (ba_dtype, ba_shape, ...).
 */
#include "bigarray.h"

#include <limits.h>

#include "textform.h"

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * Text and binary I/O.  The identity of an array is its large object, and
 * a value is printed and sent as that oid alone (@16385), so output never
 * fails and needs no access to the large object: a row whose array was
 * dropped (ba_drop does not look for references, as lo_unlink does not),
 * or whose large object the role may not read, still prints, copies out
 * and dumps.  Reading elements needs the large object's privilege.
 *
 * Input reads that form and 0.1's, which also described the array
 * (dtype[d1,...]@oid; in binary, oid, element type oid, ndim, dimensions),
 * so that values kept by clients and COPY files from 0.1 still load.  The
 * description is checked as written (a known dtype, a shape an array can
 * have), NOT against the stored array: its shape may have changed since,
 * and the value means the array whatever its shape now is.  Input does not
 * open the large object either: pg_restore loads table data before
 * large-object data, and a dangling handle must restore too.  Reading
 * through a handle whose large object is missing raises 42704.
 */

static void
syntax_error(const char *str, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bigarray: \"%s\"", str),
			 errdetail("%s", why),
			 errhint("The form is @oid, e.g. @16385 (0.1's dtype[d1,d2,...]@oid is read too).")));
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

	/* an unknown type is reported first: it comes first in the value */
	if (form.dtype_len > 0)
	{
		BADtype		dtype = ba_dtype_from_name(pnstrdup(form.dtype_name,
														form.dtype_len));

		if (err == BA_TEXT_OK)
			ba_shape_nelems(dtype, form.ndim, form.shape);
	}
	if (err != BA_TEXT_OK)
		syntax_error(str, ba_text_error_detail(err));
	PG_RETURN_OID(form.oid);
}

PG_FUNCTION_INFO_V1(bigarray_out);
Datum
bigarray_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(psprintf("@%u", PG_GETARG_OID(0)));
}

/* Binary form: the oid (uint32). */
PG_FUNCTION_INFO_V1(bigarray_send);
Datum
bigarray_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, PG_GETARG_OID(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
binary_error(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external bigarray value"),
			 errdetail("%s", why)));
}

/* The dtype of elements of type typoid, or false if bigarray holds none. */
static bool
element_type_dtype(Oid typoid, BADtype *dtype)
{
	static const BADtype dtypes[] = {BA_FLOAT8, BA_FLOAT4, BA_INT8, BA_INT4, BA_INT2};

	for (int i = 0; i < (int) lengthof(dtypes); i++)
	{
		*dtype = dtypes[i];
		if (ba_dtype_info(*dtype)->typoid == typoid)
			return true;
	}
	return false;
}

/*
 * After the oid, 0.1's binary form described the array: element type oid
 * (uint32), ndim (int32), then each dimension (int64).  Check what buf
 * holds after the oid is that, and consume it.
 */
static void
recv_description(StringInfo buf)
{
	Oid			typoid = pq_getmsgint(buf, 4);
	int			ndim = pq_getmsgint(buf, 4);
	int64		shape[BA_MAXDIM];
	BADtype		dtype;

	if (ndim < 1 || ndim > BA_MAXDIM)
		binary_error(psprintf("The number of dimensions (%d) is not between 1 and %d.",
							  ndim, BA_MAXDIM));
	if (buf->len - buf->cursor != ndim * (int) sizeof(int64))
		binary_error(psprintf("A shape of ndim %d needs %d bytes, not %d.",
							  ndim, ndim * (int) sizeof(int64), buf->len - buf->cursor));
	for (int i = 0; i < ndim; i++)
	{
		shape[i] = pq_getmsgint64(buf);
		if (shape[i] < 0)
			binary_error(psprintf("Dimension %d is negative.", i + 1));
	}
	if (!element_type_dtype(typoid, &dtype))
		binary_error(psprintf("A bigarray cannot hold elements of type oid %u.", typoid));
	ba_shape_nelems(dtype, ndim, shape);
}

PG_FUNCTION_INFO_V1(bigarray_recv);
Datum
bigarray_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			length = buf->len - buf->cursor;
	Oid			loid;

	/* the oid (4 bytes) or 0.1's form (at least 12 + 8 bytes) */
	if (length != 4 && length < 12)
		binary_error(psprintf("A value of %d bytes is neither an oid nor 0.1's description of an array.",
							  length));
	loid = pq_getmsgint(buf, 4);
	if (loid == InvalidOid)
		binary_error("The oid must not be 0.");
	if (length > 4)
		recv_description(buf);
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

	ba_shape_args_not_null(fcinfo);
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
	PG_RETURN_OID(ba_registry_create(dtype, ndim, shape)->loid);
}

/* bigarray_from(anyarray) and the casts from float8[], ..., int2[] */
PG_FUNCTION_INFO_V1(bigarray_from);
Datum
bigarray_from(PG_FUNCTION_ARGS)
{
	ArrayType  *v = PG_GETARG_ARRAYTYPE_P(0);
	BADtype		dtype;
	int64		count;
	const char *elements = ba_shape_native(v, &dtype, &count);
	int64		shape[BA_MAXDIM] = {0};
	int			ndim = Max(ARR_NDIM(v), 1);
	BAArray    *a;

	for (int i = 0; i < ARR_NDIM(v); i++)
		shape[i] = ARR_DIMS(v)[i];
	ba_shape_nelems(dtype, ndim, shape);
	a = ba_registry_create(dtype, ndim, shape);
	ba_access_write(a, 0, dtype, elements, count);
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
	ba_array_set_shape(state->array, 1, &nelems);
	ba_access_write(state->array, state->nstored, state->dtype,
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
		state->array = ba_registry_create(dtype, 1, &empty);
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
	BAArray    *src = ba_array_open(PG_GETARG_OID(0), BA_READ);
	BAArray    *dst = ba_registry_create(src->dtype, src->ndim, src->shape);
	BAIter		it;

	ba_access_iter_init(&it, src, 0, src->nelems, BA_READ, BA_CHUNK_ELEMS(src));
	while (ba_access_iter_next(&it))
		ba_access_write(dst, it.first, src->dtype, it.ptr, it.count);
	ba_access_iter_end(&it);
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
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);

	PG_RETURN_OID(ba_dtype_info(a->dtype)->typoid);
}

PG_FUNCTION_INFO_V1(ba_shape);
Datum
ba_shape(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
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
	PG_RETURN_INT32(ba_array_open(PG_GETARG_OID(0), BA_READ)->ndim);
}

PG_FUNCTION_INFO_V1(ba_size);
Datum
ba_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ba_array_open(PG_GETARG_OID(0), BA_READ)->nelems);
}
