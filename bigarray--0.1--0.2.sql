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

-- client transfers ---------------------------------------------------------

-- The write path of clients (the Python package): raw elements in, as
-- ba_to_bytea gives them out.
CREATE FUNCTION ba_set_bytea(a bigarray, lo int8, bytes bytea) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set_bytea(bigarray, int8, bytea) IS
	'writes the raw little-endian elements in bytes (of a''s dtype) from flat index lo on; they must fit';

-- n-d boxes ---------------------------------------------------------------

-- An index or a box corner is an int8[] with one entry per dimension,
-- 1-based; boxes are inclusive (lo..hi on every axis) and read and written
-- in C order (the last index moving fastest).  A wrong number of entries,
-- an entry outside its axis, or lo > hi raise 2202E naming the axis.  A box
-- operation touches only the pages its rows cover.

CREATE FUNCTION ba_get(a bigarray, idx int8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'ba_get_nd' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_get(bigarray, int8[]) IS
	'the element at an n-d index, as float8';
CREATE FUNCTION ba_get_int8(a bigarray, idx int8[]) RETURNS int8
	AS 'MODULE_PATHNAME', 'ba_get_int8_nd' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_get_int8(bigarray, int8[]) IS
	'the element at an n-d index, as int8 (exact for integer dtypes)';
CREATE FUNCTION ba_set(a bigarray, idx int8[], v float8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_nd_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set(bigarray, int8[], float8) IS
	'a[idx] := v at an n-d index';
CREATE FUNCTION ba_set(a bigarray, idx int8[], v int8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_nd_int8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set(bigarray, int8[], int8) IS
	'a[idx] := v at an n-d index, exact for int8 values beyond 2^53';

CREATE FUNCTION ba_slice(a bigarray, lo int8[], hi int8[]) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_slice_nd' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_slice(bigarray, int8[], int8[]) IS
	'the box lo..hi as a native n-d float8[] (dimensions hi - lo + 1, lower bounds 1; at most 1 GB and 6 dimensions, else 54000)';
CREATE FUNCTION ba_slice_int8(a bigarray, lo int8[], hi int8[]) RETURNS int8[]
	AS 'MODULE_PATHNAME', 'ba_slice_int8_nd' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_slice_int8(bigarray, int8[], int8[]) IS
	'the box lo..hi as a native n-d int8[]';
CREATE FUNCTION ba_set_slice(a bigarray, lo int8[], v anyarray) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_slice_nd' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set_slice(bigarray, int8[], anyarray) IS
	'writes the n-d native array v as the box from lo on (v must have the array''s number of dimensions; an empty v writes nothing)';
CREATE FUNCTION ba_fill(a bigarray, v float8, lo int8[], hi int8[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_nd_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_fill(bigarray, float8, int8[], int8[]) IS
	'sets every element of the box lo..hi to v';
CREATE FUNCTION ba_fill(a bigarray, v int8, lo int8[], hi int8[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_nd_int8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_fill(bigarray, int8, int8[], int8[]) IS
	'sets every element of the box lo..hi to v, exact for int8 values beyond 2^53';
CREATE FUNCTION ba_to_bytea(a bigarray, lo int8[], hi int8[]) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ba_to_bytea_nd' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_to_bytea(bigarray, int8[], int8[]) IS
	'the raw little-endian elements of the box lo..hi, in C order';
CREATE FUNCTION ba_set_bytea(a bigarray, lo int8[], hi int8[], bytes bytea) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_bytea_nd' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set_bytea(bigarray, int8[], int8[], bytea) IS
	'writes raw little-endian elements of the array''s dtype into the box lo..hi, in C order (the bytes must fill the box exactly)';

CREATE FUNCTION ba_reshape(a bigarray, VARIADIC shape int8[]) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_reshape(bigarray, int8[]) IS
	'gives the array another shape with the same number of elements, in place: only the header changes, undone by rollback';

-- subscripts --------------------------------------------------------------

-- a[i][j] (one subscript per dimension) is the element as float8; with any
-- slice, a[i:j][k], a[:j], a[i:], every subscript is a range (a plain one
-- is one wide) and missing trailing dimensions are taken whole: the box as
-- float8[].  UPDATE t SET a[i][j] = v, SET a[i:j] = ARRAY[...] write into
-- the array in place (the row keeps its handle).  Same checks and errors
-- as ba_get, ba_slice, ba_set and ba_set_slice with int8[] indices.
CREATE FUNCTION ba_subscripted(a bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_subscripted(bigarray) IS
	'the handle itself: reads by subscript go through it, so that the planner treats them as STABLE and PARALLEL RESTRICTED';
CREATE FUNCTION ba_subscript_handler(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ba_subscript_handler(internal) IS
	'the subscripting handler of bigarray: a[i][j], a[i:j][k:l] and assignment to them';
ALTER TYPE bigarray SET (SUBSCRIPT = ba_subscript_handler);

-- box and axis reductions -------------------------------------------------

-- Over a box lo..hi (as ba_slice takes it), or along one axis (1-based, as
-- array_length's dim): the result keeps the other axes, so
-- ba_sum(a, axis => 1) of a 3 x 4 array is a float8[] of 4 column sums (a
-- 1-D array gives a 1-element result).  The axis forms read the array once
-- in storage order; their memory follows the result, not the array.  As
-- for ranges: NaN propagates, an overflowing float sum raises 22003, min,
-- max and mean of no elements are NULL.
CREATE FUNCTION ba_sum(a bigarray, lo int8[], hi int8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'ba_sum_box' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_sum(bigarray, int8[], int8[]) IS
	'the sum of the box lo..hi';
CREATE FUNCTION ba_min(a bigarray, lo int8[], hi int8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'ba_min_box' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_min(bigarray, int8[], int8[]) IS
	'the smallest element of the box lo..hi';
CREATE FUNCTION ba_max(a bigarray, lo int8[], hi int8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'ba_max_box' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_max(bigarray, int8[], int8[]) IS
	'the largest element of the box lo..hi';
CREATE FUNCTION ba_mean(a bigarray, lo int8[], hi int8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'ba_mean_box' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_mean(bigarray, int8[], int8[]) IS
	'the mean of the box lo..hi';
CREATE FUNCTION ba_sum(a bigarray, axis int4) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_sum_axis' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_sum(bigarray, int4) IS
	'sums along axis (1-based): a float8[] of the other axes'' shape';
CREATE FUNCTION ba_min(a bigarray, axis int4) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_min_axis' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_min(bigarray, int4) IS
	'minima along axis (1-based): a float8[] of the other axes'' shape';
CREATE FUNCTION ba_max(a bigarray, axis int4) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_max_axis' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_max(bigarray, int4) IS
	'maxima along axis (1-based): a float8[] of the other axes'' shape';
CREATE FUNCTION ba_mean(a bigarray, axis int4) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'ba_mean_axis' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_mean(bigarray, int4) IS
	'means along axis (1-based): a float8[] of the other axes'' shape';
-- performance: honest plans ------------------------------------------------

-- What a call costs, in units of cpu_operator_cost, measured on the
-- development machine (2 cores, PostgreSQL 15): each function run 60,000 to
-- 1,000,000 times in one statement over a warm array, the time of the same
-- statement without the call subtracted, divided by the calls and by the
-- time of one cpu_operator_cost (a float8 addition in a select list, 5 ns
-- there).  Functions whose work grows with the elements they touch get
-- their cost, and ba_unnest its row count, from ba_planner_support
-- (src/planner.c says how it estimates); the rest get a fixed COST.

CREATE FUNCTION ba_planner_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_planner_support(internal) IS
	'planner support of bigarray functions: ba_unnest''s rows, and costs that grow with the elements a call touches';

ALTER FUNCTION ba_unnest(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_unnest(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_sum(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_sum(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_min(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_min(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_max(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_max(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_mean(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_mean(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_dot(bigarray, bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_slice(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_slice_int8(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_to_array(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_to_array_int8(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_to_bytea(bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_to_bytea(bigarray, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_fill(bigarray, float8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_fill(bigarray, float8, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_fill(bigarray, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_fill(bigarray, int8, int8, int8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_scale(bigarray, float8) SUPPORT ba_planner_support;
ALTER FUNCTION ba_add(bigarray, bigarray) SUPPORT ba_planner_support;
ALTER FUNCTION ba_copy(bigarray) SUPPORT ba_planner_support;

-- the text and binary forms: parse or print an oid
ALTER FUNCTION bigarray_in(cstring) COST 6;
ALTER FUNCTION bigarray_out(bigarray) COST 4;
ALTER FUNCTION bigarray_recv(internal) COST 6;
ALTER FUNCTION bigarray_send(bigarray) COST 4;
-- metadata: the header is read once per snapshot, then these are lookups
ALTER FUNCTION ba_oid(bigarray) COST 1;
ALTER FUNCTION ba_size(bigarray) COST 2;
ALTER FUNCTION ba_ndim(bigarray) COST 5;
ALTER FUNCTION ba_dtype(bigarray) COST 5;
ALTER FUNCTION ba_shape(bigarray) COST 8;
-- one element, read or written in place (a cold read loads a page as well)
ALTER FUNCTION ba_get(bigarray, int8) COST 18;
ALTER FUNCTION ba_get_int8(bigarray, int8) COST 17;
ALTER FUNCTION ba_set(bigarray, int8, float8) COST 23;
ALTER FUNCTION ba_set(bigarray, int8, int8) COST 23;
ALTER FUNCTION ba_lock(bigarray) COST 17;
-- writes of a native array's elements: per call, the elements on top
ALTER FUNCTION ba_set_slice(bigarray, int8, anyarray) COST 18;
ALTER FUNCTION ba_append(bigarray, anyarray) COST 30;
ALTER FUNCTION ba_resize(bigarray, int8) COST 20;
-- creating or dropping an array: a large object and a registry row
ALTER FUNCTION bigarray_create(regtype, int8[]) COST 6000;
ALTER FUNCTION bigarray_from(anyarray) COST 8000;
ALTER FUNCTION bigarray(float8[]) COST 8000;
ALTER FUNCTION bigarray(float4[]) COST 8000;
ALTER FUNCTION bigarray(int8[]) COST 8000;
ALTER FUNCTION bigarray(int4[]) COST 8000;
ALTER FUNCTION bigarray(int2[]) COST 8000;
ALTER FUNCTION ba_from_bytea(regtype, bytea) COST 8000;
ALTER FUNCTION ba_drop(bigarray) COST 8000;
ALTER FUNCTION bigarray_agg_transfn(internal, anyelement) COST 1;
ALTER FUNCTION bigarray_agg_finalfn(internal) COST 8000;
-- the cache's figures
ALTER FUNCTION bigarray_cache_stats() COST 10 ROWS 1;
ALTER FUNCTION bigarray_cache_loads() COST 1;
-- Since 0.2 a cold small read loads only the parts of a page it needs, so
-- a page can be loaded twice: in part, then whole.
COMMENT ON FUNCTION bigarray_cache_loads() IS
	'page loads from large objects this backend has made so far, whole or in part (a cached page is not loaded again; one loaded in part and later whole counts twice)';
-- reads every table with a bigarray column: no estimate is better than "a lot"
ALTER FUNCTION bigarray_gc() COST 1000000;
-- comments ------------------------------------------------------------------

-- Every object of 0.1 that had no comment gets one, so that \df+ ba_*,
-- \do+, \dC+ and \dx+ bigarray explain the extension (sql/catalog.sql
-- fails for any object of the extension without one).

COMMENT ON FUNCTION bigarray_in(cstring) IS
	'text input of a handle: @oid, or 0.1''s dtype[d1,...]@oid (checked as written, not against the array)';
COMMENT ON FUNCTION bigarray_out(bigarray) IS
	'text output of a handle: @oid (needs no access to the array)';
COMMENT ON FUNCTION bigarray_recv(internal) IS
	'binary input of a handle: the oid in 4 bytes, or 0.1''s binary form';
COMMENT ON FUNCTION bigarray_send(bigarray) IS
	'binary output of a handle: the large object''s oid in 4 bytes';

COMMENT ON FUNCTION bigarray_eq(bigarray, bigarray) IS
	'true if both handles name the same array (contents are not compared)';
COMMENT ON FUNCTION bigarray_ne(bigarray, bigarray) IS
	'true if the handles name different arrays (contents are not compared)';
COMMENT ON FUNCTION bigarray_lt(bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON FUNCTION bigarray_le(bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON FUNCTION bigarray_gt(bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON FUNCTION bigarray_ge(bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON FUNCTION bigarray_cmp(bigarray, bigarray) IS
	'btree comparison of handles, by large object oid';
COMMENT ON FUNCTION bigarray_hash(bigarray) IS
	'hash of a handle (its large object oid)';
COMMENT ON FUNCTION bigarray_hash_extended(bigarray, int8) IS
	'64-bit seeded hash of a handle (its large object oid)';

COMMENT ON OPERATOR = (bigarray, bigarray) IS
	'same array (handles compared, not contents)';
COMMENT ON OPERATOR <> (bigarray, bigarray) IS
	'different arrays (handles compared, not contents)';
COMMENT ON OPERATOR < (bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON OPERATOR <= (bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON OPERATOR > (bigarray, bigarray) IS
	'handle order, by large object oid';
COMMENT ON OPERATOR >= (bigarray, bigarray) IS
	'handle order, by large object oid';

COMMENT ON OPERATOR CLASS bigarray_ops USING btree IS
	'orders handles by large object oid: indexes, merge joins, ORDER BY, UNIQUE';
COMMENT ON OPERATOR FAMILY bigarray_ops USING btree IS
	'orders handles by large object oid';
COMMENT ON OPERATOR CLASS bigarray_ops USING hash IS
	'hashes handles by large object oid: hash joins, hash aggregation, hash indexes';
COMMENT ON OPERATOR FAMILY bigarray_ops USING hash IS
	'hashes handles by large object oid';

COMMENT ON TABLE bigarray_objects IS
	'the registry of live arrays: one row per array''s large object (keeps vacuumlo off them; dumped by pg_dump)';

COMMENT ON FUNCTION bigarray(float8[]) IS
	'a new array with the shape and values of a float8[] (the cast float8[]::bigarray)';
COMMENT ON FUNCTION bigarray(float4[]) IS
	'a new array with the shape and values of a float4[] (the cast float4[]::bigarray)';
COMMENT ON FUNCTION bigarray(int8[]) IS
	'a new array with the shape and values of an int8[] (the cast int8[]::bigarray)';
COMMENT ON FUNCTION bigarray(int4[]) IS
	'a new array with the shape and values of an int4[] (the cast int4[]::bigarray)';
COMMENT ON FUNCTION bigarray(int2[]) IS
	'a new array with the shape and values of an int2[] (the cast int2[]::bigarray)';
COMMENT ON CAST (float8[] AS bigarray) IS
	'explicit: makes a new float8 array of the same shape and values';
COMMENT ON CAST (float4[] AS bigarray) IS
	'explicit: makes a new float4 array of the same shape and values';
COMMENT ON CAST (int8[] AS bigarray) IS
	'explicit: makes a new int8 array of the same shape and values';
COMMENT ON CAST (int4[] AS bigarray) IS
	'explicit: makes a new int4 array of the same shape and values';
COMMENT ON CAST (int2[] AS bigarray) IS
	'explicit: makes a new int2 array of the same shape and values';

COMMENT ON FUNCTION bigarray_agg_transfn(internal, anyelement) IS
	'state transition of bigarray_agg: buffers a chunk of values and appends it to the array';
COMMENT ON FUNCTION bigarray_agg_finalfn(internal) IS
	'final function of bigarray_agg: appends the last chunk and returns the array';
COMMENT ON AGGREGATE bigarray_agg(float8) IS
	'a new 1-D float8 array of the input values in order (ORDER BY); NULL values raise 22004, no rows give NULL';
COMMENT ON AGGREGATE bigarray_agg(float4) IS
	'a new 1-D float4 array of the input values in order (ORDER BY); NULL values raise 22004, no rows give NULL';
COMMENT ON AGGREGATE bigarray_agg(int8) IS
	'a new 1-D int8 array of the input values in order (ORDER BY); NULL values raise 22004, no rows give NULL';
COMMENT ON AGGREGATE bigarray_agg(int4) IS
	'a new 1-D int4 array of the input values in order (ORDER BY); NULL values raise 22004, no rows give NULL';
COMMENT ON AGGREGATE bigarray_agg(int2) IS
	'a new 1-D int2 array of the input values in order (ORDER BY); NULL values raise 22004, no rows give NULL';

COMMENT ON FUNCTION ba_dtype(bigarray) IS
	'the element type: float8, float4, int8, int4 or int2';
COMMENT ON FUNCTION ba_shape(bigarray) IS
	'the dimensions, outermost first (C order)';
COMMENT ON FUNCTION ba_ndim(bigarray) IS
	'the number of dimensions';
COMMENT ON FUNCTION ba_size(bigarray) IS
	'the number of elements (the product of the shape)';

COMMENT ON FUNCTION ba_get(bigarray, int8) IS
	'a[i] as float8 (flat, 1-based index; 2202E out of range)';
COMMENT ON FUNCTION ba_get_int8(bigarray, int8) IS
	'a[i] as int8, exact beyond 2^53 for integer dtypes';
COMMENT ON FUNCTION ba_set(bigarray, int8, float8) IS
	'a[i] := v; integer dtypes round, 22003 if v does not fit';
COMMENT ON FUNCTION ba_slice(bigarray, int8, int8) IS
	'elements lo..hi as a float8[] (lo > hi: empty)';
COMMENT ON FUNCTION ba_slice_int8(bigarray, int8, int8) IS
	'elements lo..hi as an int8[], exact for integer dtypes';
COMMENT ON FUNCTION ba_to_array_int8(bigarray) IS
	'the whole array as an int8[] of its shape, exact for integer dtypes (at most 1 GB, 6 dimensions)';
COMMENT ON FUNCTION ba_fill(bigarray, float8) IS
	'every element := v';
COMMENT ON FUNCTION ba_fill(bigarray, float8, int8, int8) IS
	'elements lo..hi := v';
COMMENT ON FUNCTION ba_fill(bigarray, int8) IS
	'every element := v, exact for int8 values beyond 2^53';
COMMENT ON FUNCTION ba_fill(bigarray, int8, int8, int8) IS
	'elements lo..hi := v, exact for int8 values beyond 2^53';
COMMENT ON FUNCTION ba_to_bytea(bigarray) IS
	'the raw little-endian elements (for numpy: np.frombuffer(b, ''<f8''))';
COMMENT ON FUNCTION ba_to_bytea(bigarray, int8, int8) IS
	'the raw little-endian elements lo..hi';

COMMENT ON FUNCTION ba_sum(bigarray) IS
	'sum of all elements in float8 (empty: 0; 22003 if it overflows from finite values)';
COMMENT ON FUNCTION ba_sum(bigarray, int8, int8) IS
	'sum of elements lo..hi in float8 (empty: 0)';
COMMENT ON FUNCTION ba_min(bigarray) IS
	'smallest element (empty: NULL; NaN only if all are NaN)';
COMMENT ON FUNCTION ba_min(bigarray, int8, int8) IS
	'smallest of elements lo..hi (empty: NULL)';
COMMENT ON FUNCTION ba_max(bigarray) IS
	'largest element (empty: NULL; NaN if any is NaN)';
COMMENT ON FUNCTION ba_max(bigarray, int8, int8) IS
	'largest of elements lo..hi (empty: NULL)';
COMMENT ON FUNCTION ba_mean(bigarray) IS
	'arithmetic mean in float8 (empty: NULL)';
COMMENT ON FUNCTION ba_mean(bigarray, int8, int8) IS
	'arithmetic mean of elements lo..hi (empty: NULL)';
COMMENT ON FUNCTION ba_dot(bigarray, bigarray) IS
	'sum of a[i] * b[i] in float8; sizes must be equal (2202E), dtypes may differ';

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
