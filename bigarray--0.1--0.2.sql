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
-- reads every table with a bigarray column: no estimate is better than "a lot"
ALTER FUNCTION bigarray_gc() COST 1000000;
