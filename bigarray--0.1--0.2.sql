/*
 * bigarray--0.1--0.2.sql - upgrade of the bigarray extension from 0.1.
 *
 * Every SQL surface change since 0.1 lives here, and only here: the 0.2
 * install script is built from bigarray--0.1.sql followed by this file
 * (see the Makefile), so a new install and an upgraded one cannot drift
 * apart.  C symbols that 0.1's script names stay in the library.  Add new
 * objects in sections by feature, each object with its COMMENT.
 */

\echo Use "ALTER EXTENSION bigarray UPDATE TO '0.2'" to load this file. \quit

-- the type ----------------------------------------------------------------

-- Since 0.2 the text form is the large object's oid alone; 0.1's
-- dtype[d1,...]@oid is still read.
COMMENT ON TYPE bigarray IS
	'a numeric array of any size kept in a large object; text form @oid (0.1''s dtype[d1,...]@oid is also read)';

-- element-wise arithmetic and statistics ------------------------------------

-- In place, as ba_add and ba_scale: a op= b element by element.  The shapes
-- must match (2202E); results are PostgreSQL's for the same values, stored
-- into a's dtype as a cast stores them (22003 if it cannot hold them, never
-- wraparound); integer dtypes stay exact where SQL stays in integers.
CREATE FUNCTION ba_sub(a bigarray, b bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_sub(bigarray, bigarray) IS
	'a -= b element by element (same shape; b may be a); a result a''s dtype cannot hold raises 22003';
CREATE FUNCTION ba_mul(a bigarray, b bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_mul(bigarray, bigarray) IS
	'a *= b element by element (same shape; b may be a); a result a''s dtype cannot hold raises 22003';
CREATE FUNCTION ba_div(a bigarray, b bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_div(bigarray, bigarray) IS
	'a /= b element by element (same shape); integer by integer truncates as SQL does; division by zero raises 22012';
CREATE FUNCTION ba_add(a bigarray, k float8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_add_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_add(bigarray, float8) IS
	'a += k; exact for integer dtypes when k is a whole number; 22003 if out of range';
CREATE FUNCTION ba_apply(a bigarray, fn text) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_apply(bigarray, text) IS
	'a[i] := fn(a[i]) for fn abs, sqrt, exp, ln, log10, floor, ceil, round, sign or neg, with PostgreSQL''s semantics and errors';
CREATE FUNCTION ba_apply(a bigarray, fn text, lo int8, hi int8) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_apply(bigarray, text, int8, int8) IS
	'a[i] := fn(a[i]) for the elements lo..hi';
CREATE FUNCTION ba_clip(a bigarray, lo_v float8, hi_v float8) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_clip(bigarray, float8, float8) IS
	'elements below lo_v become lo_v, above hi_v hi_v (NaN stays); integer dtypes clip to the integers within';

-- Statistics, over the whole array or the elements lo..hi, with the
-- definitions of PostgreSQL's aggregates over the same float8 values
-- (NULL where they give NULL: no elements, or one for the sample forms).
-- The nan* forms skip NaN elements, as if they were not there.
CREATE FUNCTION ba_var(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_var(bigarray) IS
	'sample variance, as var_samp; numerically stable';
CREATE FUNCTION ba_var(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_var(bigarray, int8, int8) IS
	'sample variance of the elements lo..hi, as var_samp';
CREATE FUNCTION ba_var_pop(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_var_pop(bigarray) IS
	'population variance, as var_pop; numerically stable';
CREATE FUNCTION ba_var_pop(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_var_pop(bigarray, int8, int8) IS
	'population variance of the elements lo..hi, as var_pop';
CREATE FUNCTION ba_stddev(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_stddev(bigarray) IS
	'sample standard deviation, as stddev_samp';
CREATE FUNCTION ba_stddev(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_stddev(bigarray, int8, int8) IS
	'sample standard deviation of the elements lo..hi, as stddev_samp';
CREATE FUNCTION ba_stddev_pop(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_stddev_pop(bigarray) IS
	'population standard deviation, as stddev_pop';
CREATE FUNCTION ba_stddev_pop(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_stddev_pop(bigarray, int8, int8) IS
	'population standard deviation of the elements lo..hi, as stddev_pop';
CREATE FUNCTION ba_argmin(a bigarray) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_argmin(bigarray) IS
	'flat 1-based index of the first smallest element (NaN above every number)';
CREATE FUNCTION ba_argmin(a bigarray, lo int8, hi int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_argmin(bigarray, int8, int8) IS
	'flat 1-based index (in the array) of the first smallest element among lo..hi';
CREATE FUNCTION ba_argmax(a bigarray) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_argmax(bigarray) IS
	'flat 1-based index of the first largest element (NaN above every number)';
CREATE FUNCTION ba_argmax(a bigarray, lo int8, hi int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_argmax(bigarray, int8, int8) IS
	'flat 1-based index (in the array) of the first largest element among lo..hi';
CREATE FUNCTION ba_count_nan(a bigarray) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_count_nan(bigarray) IS
	'number of NaN elements';
CREATE FUNCTION ba_count_nan(a bigarray, lo int8, hi int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_count_nan(bigarray, int8, int8) IS
	'number of NaN elements among lo..hi';
CREATE FUNCTION ba_nansum(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nansum(bigarray) IS
	'sum of the elements that are not NaN (0 if none)';
CREATE FUNCTION ba_nansum(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nansum(bigarray, int8, int8) IS
	'sum of the elements among lo..hi that are not NaN (0 if none)';
CREATE FUNCTION ba_nanmin(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmin(bigarray) IS
	'smallest element that is not NaN (NULL if none)';
CREATE FUNCTION ba_nanmin(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmin(bigarray, int8, int8) IS
	'smallest element among lo..hi that is not NaN (NULL if none)';
CREATE FUNCTION ba_nanmax(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmax(bigarray) IS
	'largest element that is not NaN (NULL if none)';
CREATE FUNCTION ba_nanmax(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmax(bigarray, int8, int8) IS
	'largest element among lo..hi that is not NaN (NULL if none)';
CREATE FUNCTION ba_nanmean(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmean(bigarray) IS
	'mean of the elements that are not NaN (NULL if none)';
CREATE FUNCTION ba_nanmean(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_nanmean(bigarray, int8, int8) IS
	'mean of the elements among lo..hi that are not NaN (NULL if none)';
CREATE FUNCTION ba_histogram(a bigarray, lo float8, hi float8, nbins int4) RETURNS int8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_histogram(bigarray, float8, float8, int4) IS
	'counts in nbins equal-width bins over [lo, hi), the bins of width_bucket; elements outside and NaN not counted';
CREATE FUNCTION ba_quantile(a bigarray, q float8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_quantile(bigarray, float8) IS
	'exact quantile, as percentile_cont(q), in memory bounded by bigarray.cache_size';
CREATE FUNCTION ba_quantile(a bigarray, q float8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_quantiles' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_quantile(bigarray, float8[]) IS
	'exact quantiles, as percentile_cont(q float8[]), in one set of passes';
