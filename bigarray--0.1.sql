/*
 * bigarray--0.1.sql - install script of the bigarray extension.
 *
 * A bigarray value is a handle: the oid of the large object holding the
 * array.  Functions that change an array change it in place and return the
 * same handle.  Elements are addressed flat, 1-based, ranges inclusive;
 * lo > hi is an empty range.
 *
 * Volatility and parallel safety: functions that only read are STABLE and
 * PARALLEL RESTRICTED (a parallel worker does not share the leader's
 * mappings, so it could not see the leader's uncommitted changes); functions
 * that create or change arrays are VOLATILE and PARALLEL UNSAFE.  Readers
 * are STRICT (NULL in, NULL out); writers raise 22004 on a NULL argument,
 * since storing "nothing" has no meaning.
 */

\echo Use "CREATE EXTENSION bigarray" to load this file. \quit

-- the type ---------------------------------------------------------------

CREATE TYPE bigarray;

CREATE FUNCTION bigarray_in(cstring) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION bigarray_out(bigarray) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION bigarray_recv(internal) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION bigarray_send(bigarray) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

CREATE TYPE bigarray (
	INPUT = bigarray_in,
	OUTPUT = bigarray_out,
	RECEIVE = bigarray_recv,
	SEND = bigarray_send,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);

COMMENT ON TYPE bigarray IS
	'a numeric array of any size kept in a large object; text form dtype[d1,d2,...]@oid';

-- Comparison of handles (by oid), so that bigarray columns can be indexed,
-- joined, grouped and made unique.  Two handles are equal when they name
-- the same array; contents are not compared.
CREATE FUNCTION bigarray_eq(bigarray, bigarray) RETURNS bool
	AS 'oideq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_ne(bigarray, bigarray) RETURNS bool
	AS 'oidne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_lt(bigarray, bigarray) RETURNS bool
	AS 'oidlt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_le(bigarray, bigarray) RETURNS bool
	AS 'oidle' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_gt(bigarray, bigarray) RETURNS bool
	AS 'oidgt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_ge(bigarray, bigarray) RETURNS bool
	AS 'oidge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_cmp(bigarray, bigarray) RETURNS int4
	AS 'btoidcmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_hash(bigarray) RETURNS int4
	AS 'hashoid' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bigarray_hash_extended(bigarray, int8) RETURNS int8
	AS 'hashoidextended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = bigarray, RIGHTARG = bigarray, FUNCTION = bigarray_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS bigarray_ops DEFAULT FOR TYPE bigarray USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 bigarray_cmp(bigarray, bigarray);

CREATE OPERATOR CLASS bigarray_ops DEFAULT FOR TYPE bigarray USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 bigarray_hash(bigarray),
	FUNCTION 2 bigarray_hash_extended(bigarray, int8);

-- the registry of live arrays ---------------------------------------------

-- Every array is registered here: the oid column keeps vacuumlo from
-- deleting live arrays' large objects, and pg_dump dumps the rows.
CREATE TABLE bigarray_objects (loid oid PRIMARY KEY);
SELECT pg_catalog.pg_extension_config_dump('bigarray_objects', '');
REVOKE ALL ON bigarray_objects FROM PUBLIC;
GRANT SELECT ON bigarray_objects TO PUBLIC;

-- making arrays ----------------------------------------------------------

CREATE FUNCTION bigarray_create(dtype regtype, VARIADIC shape int8[])
	RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION bigarray_create(regtype, int8[]) IS
	'a new zero-filled array of dtype float8, float4, int8, int4 or int2 and the given shape (C order)';

CREATE FUNCTION bigarray_from(v anyarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION bigarray_from(anyarray) IS
	'a new array with the shape and values of a native array';

-- Casts from native arrays: explicit only, since each makes a new array.
CREATE FUNCTION bigarray(v float8[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'bigarray_from' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
CREATE FUNCTION bigarray(v float4[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'bigarray_from' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
CREATE FUNCTION bigarray(v int8[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'bigarray_from' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
CREATE FUNCTION bigarray(v int4[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'bigarray_from' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
CREATE FUNCTION bigarray(v int2[]) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'bigarray_from' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

CREATE CAST (float8[] AS bigarray) WITH FUNCTION bigarray(float8[]);
CREATE CAST (float4[] AS bigarray) WITH FUNCTION bigarray(float4[]);
CREATE CAST (int8[] AS bigarray) WITH FUNCTION bigarray(int8[]);
CREATE CAST (int4[] AS bigarray) WITH FUNCTION bigarray(int4[]);
CREATE CAST (int2[] AS bigarray) WITH FUNCTION bigarray(int2[]);

-- bigarray_agg(value ORDER BY ...): a 1-D array of the input's type.
-- Values are buffered a chunk at a time and appended to the array, so no
-- 1 GB limit applies.  NULL values raise 22004; no rows give NULL.
CREATE FUNCTION bigarray_agg_transfn(internal, anyelement) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION bigarray_agg_finalfn(internal) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE AGGREGATE bigarray_agg(float8) (
	SFUNC = bigarray_agg_transfn, STYPE = internal,
	FINALFUNC = bigarray_agg_finalfn, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = UNSAFE
);
CREATE AGGREGATE bigarray_agg(float4) (
	SFUNC = bigarray_agg_transfn, STYPE = internal,
	FINALFUNC = bigarray_agg_finalfn, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = UNSAFE
);
CREATE AGGREGATE bigarray_agg(int8) (
	SFUNC = bigarray_agg_transfn, STYPE = internal,
	FINALFUNC = bigarray_agg_finalfn, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = UNSAFE
);
CREATE AGGREGATE bigarray_agg(int4) (
	SFUNC = bigarray_agg_transfn, STYPE = internal,
	FINALFUNC = bigarray_agg_finalfn, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = UNSAFE
);
CREATE AGGREGATE bigarray_agg(int2) (
	SFUNC = bigarray_agg_transfn, STYPE = internal,
	FINALFUNC = bigarray_agg_finalfn, FINALFUNC_MODIFY = READ_WRITE,
	PARALLEL = UNSAFE
);

CREATE FUNCTION ba_copy(a bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_copy(bigarray) IS
	'a new, independent array with the dtype, shape and contents of a';

CREATE FUNCTION ba_from_bytea(dtype regtype, bytes bytea) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_from_bytea(regtype, bytea) IS
	'a new 1-D array of the raw little-endian elements in bytes';

-- what an array is -------------------------------------------------------

CREATE FUNCTION ba_oid(a bigarray) RETURNS oid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ba_oid(bigarray) IS
	'the large object holding the array (for GRANT ... ON LARGE OBJECT)';
CREATE FUNCTION ba_dtype(a bigarray) RETURNS regtype
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_shape(a bigarray) RETURNS int8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_ndim(a bigarray) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_size(a bigarray) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- elements ---------------------------------------------------------------

-- Values pass through SQL as float8, which holds every float4, int4 and
-- int2 exactly; the int8 variants (ba_get_int8, ba_slice_int8, and the
-- ba_set / ba_fill overloads taking int8) keep int8 exact beyond 2^53.
-- Overload resolution: an int8 argument (a column, a literal beyond int4,
-- or 5::int8) matches the int8 overload exactly; an int4 or numeric
-- argument such as 5 or 1.5 goes to the float8 overload (float8 is the
-- preferred numeric type), which is exact for every int4.  Storing into an
-- integer dtype rounds like PostgreSQL's float8-to-integer casts; NaN,
-- infinities and out-of-range values raise 22003.

CREATE FUNCTION ba_get(a bigarray, i int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_get_int8(a bigarray, i int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

CREATE FUNCTION ba_set(a bigarray, i int8, v float8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION ba_set(a bigarray, i int8, v int8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_set_int8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set(bigarray, int8, int8) IS
	'a[i] := v, exact for int8 values beyond 2^53 (int8 arguments choose this overload)';

CREATE FUNCTION ba_lock(a bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_lock(bigarray) IS
	'take the write lock until the end of the transaction, as SELECT FOR UPDATE: later statements read the latest contents';

CREATE FUNCTION ba_slice(a bigarray, lo int8, hi int8) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_slice_int8(a bigarray, lo int8, hi int8) RETURNS int8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

CREATE FUNCTION ba_to_array(a bigarray) RETURNS float8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_to_array_int8(a bigarray) RETURNS int8[]
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_to_array(bigarray) IS
	'the whole array as a native array of its shape (at most 1 GB, 6 dimensions)';

CREATE FUNCTION ba_set_slice(a bigarray, lo int8, v anyarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set_slice(bigarray, int8, anyarray) IS
	'a[lo .. lo + n - 1] := the n elements of v, flattened';

CREATE FUNCTION ba_fill(a bigarray, v float8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION ba_fill(a bigarray, v float8, lo int8, hi int8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_float8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION ba_fill(a bigarray, v int8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_int8' LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION ba_fill(a bigarray, v int8, lo int8, hi int8) RETURNS bigarray
	AS 'MODULE_PATHNAME', 'ba_fill_int8' LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION ba_append(a bigarray, v anyarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_append(bigarray, anyarray) IS
	'appends the elements of v; for n-D arrays they must be whole rows, and shape[1] grows';
CREATE FUNCTION ba_resize(a bigarray, n int8) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_resize(bigarray, int8) IS
	'n elements: grows with zeros or truncates; for n-D arrays n must be whole rows';

CREATE FUNCTION ba_unnest(a bigarray) RETURNS TABLE(i int8, v float8)
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_unnest(a bigarray, lo int8, hi int8) RETURNS TABLE(i int8, v float8)
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ba_unnest(bigarray) IS
	'(i, v) for every element, one row per call: in a SELECT list rows stream (LIMIT stops the scan); in FROM, PostgreSQL first collects them in a tuplestore';
COMMENT ON FUNCTION ba_unnest(bigarray, int8, int8) IS
	'(i, v) for elements lo..hi, one row per call';

CREATE FUNCTION ba_to_bytea(a bigarray) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_to_bytea(a bigarray, lo int8, hi int8) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- reductions and arithmetic ----------------------------------------------

-- Sums, means and the dot product are float8.  Empty range: sum 0, min,
-- max and mean NULL.  NaN propagates as in PostgreSQL's float8 aggregates
-- (max is NaN if any element is NaN, min only if all are); a float sum
-- overflowing from finite values raises 22003.
CREATE FUNCTION ba_sum(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_sum(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_min(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_min(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_max(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_max(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_mean(a bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_mean(a bigarray, lo int8, hi int8) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- Element-wise functions of two arrays need equal sizes (else 2202E); the
-- dtypes may differ.
CREATE FUNCTION ba_dot(a bigarray, b bigarray) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
CREATE FUNCTION ba_add(a bigarray, b bigarray) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_add(bigarray, bigarray) IS
	'a += b element by element (b may be a); a result a''s dtype cannot hold raises 22003';
CREATE FUNCTION ba_scale(a bigarray, k float8) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_scale(bigarray, float8) IS
	'a *= k in float8 arithmetic; integer dtypes round, 22003 if out of range';

-- dropping and collecting ------------------------------------------------

CREATE FUNCTION ba_drop(a bigarray) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_drop(bigarray) IS
	'deletes the array and its large object';
CREATE FUNCTION bigarray_gc() RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION bigarray_gc() IS
	'drops the registered arrays that no bigarray column references; returns how many';
CREATE FUNCTION bigarray_cache_stats()
	RETURNS TABLE(arrays int8, pages int8, dirty_pages int8, bytes int8, peak_bytes int8)
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION bigarray_cache_stats() IS
	'this backend''s page cache: open arrays, pages held, dirty pages, bytes now and at most';

-- storage and transactions

CREATE FUNCTION bigarray_cache_loads() RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION bigarray_cache_loads() IS
	'pages this backend has loaded from large objects so far (a cached page is not loaded again)';
