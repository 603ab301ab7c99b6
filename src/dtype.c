/*
 * dtype.c - the element types a bigarray can hold, and conversions between
 * them.
 *
 * Elements are stored as the host's native C types, which must be
 * little-endian: the large object's format is.  Conversions follow
 * PostgreSQL's casts between the same SQL types, so a value reads and
 * writes through SQL exactly as it would cast: floats to integers round to
 * nearest even (rint), and anything that does not fit the target (NaN or an
 * infinity into an integer, a float8 beyond float4's range) raises 22003.
 */
#include "bigarray.h"

#include <math.h>

#include "catalog/pg_type_d.h"
#include "utils/builtins.h"
#include "utils/float.h"

#ifdef WORDS_BIGENDIAN
#error "bigarray stores elements little-endian and needs a little-endian host"
#endif

static const BADtypeInfo dtype_infos[] = {
	[BA_FLOAT8] = {BA_FLOAT8, FLOAT8OID, "float8", sizeof(float8), false},
	[BA_FLOAT4] = {BA_FLOAT4, FLOAT4OID, "float4", sizeof(float4), false},
	[BA_INT8] = {BA_INT8, INT8OID, "int8", sizeof(int64), true},
	[BA_INT4] = {BA_INT4, INT4OID, "int4", sizeof(int32), true},
	[BA_INT2] = {BA_INT2, INT2OID, "int2", sizeof(int16), true},
};

/* The names text input accepts: the canonical ones and SQL's spellings. */
static const struct
{
	const char *name;
	BADtype		dtype;
}			dtype_names[] = {
	{"float8", BA_FLOAT8},
	{"double precision", BA_FLOAT8},
	{"float4", BA_FLOAT4},
	{"real", BA_FLOAT4},
	{"int8", BA_INT8},
	{"bigint", BA_INT8},
	{"int4", BA_INT4},
	{"integer", BA_INT4},
	{"int", BA_INT4},
	{"int2", BA_INT2},
	{"smallint", BA_INT2},
};

BADtype
ba_dtype_from_typoid(Oid typoid)
{
	for (int i = 0; i < (int) lengthof(dtype_infos); i++)
	{
		if (dtype_infos[i].typoid == typoid)
			return dtype_infos[i].dtype;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("bigarray cannot hold elements of type %s",
					/* no "cache lookup failed" for an oid of no type */
					format_type_extended(typoid, -1, FORMAT_TYPE_ALLOW_INVALID)),
			 errhint("Use float8, float4, int8, int4 or int2.")));
	pg_unreachable();
}

const BADtypeInfo *
ba_dtype_info(BADtype dtype)
{
	Assert(dtype >= 0 && dtype < lengthof(dtype_infos));
	return &dtype_infos[dtype];
}

BADtype
ba_dtype_from_name(const char *name)
{
	for (int i = 0; i < (int) lengthof(dtype_names); i++)
	{
		if (pg_strcasecmp(dtype_names[i].name, name) == 0)
			return dtype_names[i].dtype;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("unknown bigarray element type \"%s\"", name),
			 errhint("Use float8, float4, int8, int4 or int2.")));
	pg_unreachable();
}

/*
 * The checked conversions, one per (target, kind of source): integer
 * sources arrive widened to int64, float sources to double (both exact).
 */
static inline float4
double_to_float4(double x)
{
	float4		r = (float4) x;

	if (unlikely(isinf(r)) && !isinf(x))
		float_overflow_error();
	if (unlikely(r == 0.0f) && x != 0.0)
		float_underflow_error();
	return r;
}

static inline int64
double_to_int64(double x)
{
	x = rint(x);
	if (unlikely(isnan(x) || !FLOAT8_FITS_IN_INT64(x)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	return (int64) x;
}

static inline int32
double_to_int32(double x)
{
	x = rint(x);
	if (unlikely(isnan(x) || !FLOAT8_FITS_IN_INT32(x)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	return (int32) x;
}

static inline int16
double_to_int16(double x)
{
	x = rint(x);
	if (unlikely(isnan(x) || !FLOAT8_FITS_IN_INT16(x)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("smallint out of range")));
	return (int16) x;
}

static inline int32
int64_to_int32(int64 x)
{
	if (unlikely(x < PG_INT32_MIN || x > PG_INT32_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	return (int32) x;
}

static inline int16
int64_to_int16(int64 x)
{
	if (unlikely(x < PG_INT16_MIN || x > PG_INT16_MAX))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("smallint out of range")));
	return (int16) x;
}

#define AS_IS(x)		(x)
#define TO_DOUBLE(x)	((double) (x))
#define TO_FLOAT4(x)	((float4) (x))

#define CONVERT_LOOP(TO_T, FROM_T, CONV) \
	do { \
		TO_T	   *d = (TO_T *) dst; \
		const FROM_T *s = (const FROM_T *) src; \
		for (int64 i = 0; i < n; i++) \
			d[i] = CONV(s[i]); \
	} while (0)

/* One loop per source dtype, with the conversion for floats and for ints. */
#define CONVERT_FROM(TO_T, FLOAT_CONV, INT_CONV) \
	do { \
		switch (from) \
		{ \
			case BA_FLOAT8: CONVERT_LOOP(TO_T, float8, FLOAT_CONV); break; \
			case BA_FLOAT4: CONVERT_LOOP(TO_T, float4, FLOAT_CONV); break; \
			case BA_INT8: CONVERT_LOOP(TO_T, int64, INT_CONV); break; \
			case BA_INT4: CONVERT_LOOP(TO_T, int32, INT_CONV); break; \
			case BA_INT2: CONVERT_LOOP(TO_T, int16, INT_CONV); break; \
		} \
	} while (0)

void
ba_dtype_convert(BADtype to, void *dst, BADtype from, const void *src, int64 n)
{
	if (to == from)
	{
		memmove(dst, src, n * dtype_infos[to].elsize);
		return;
	}
	switch (to)
	{
		case BA_FLOAT8:
			CONVERT_FROM(float8, AS_IS, TO_DOUBLE);
			break;
		case BA_FLOAT4:
			CONVERT_FROM(float4, double_to_float4, TO_FLOAT4);
			break;
		case BA_INT8:
			CONVERT_FROM(int64, double_to_int64, AS_IS);
			break;
		case BA_INT4:
			CONVERT_FROM(int32, double_to_int32, int64_to_int32);
			break;
		case BA_INT2:
			CONVERT_FROM(int16, double_to_int16, int64_to_int16);
			break;
	}
}
