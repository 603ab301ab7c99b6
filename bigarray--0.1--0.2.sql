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
