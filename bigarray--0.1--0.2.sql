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
