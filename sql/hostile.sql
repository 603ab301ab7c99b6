-- hostile: hostile input that sql/errors.sql does not try, each with its
-- SQLSTATE (pgTAP), and that the postmaster never restarted: NULL in every
-- position of the writers; empty arrays through every function; int8
-- extremes as indexes and ranges; overflow of lo + n and of shape products;
-- NaN and infinities; more malformed text forms; large objects that are
-- not (or no longer) well-formed bigarrays; and bad binary input (COPY
-- BINARY, through bigarray_recv).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT pg_postmaster_start_time() AS started \gset
SELECT * FROM no_plan();

CREATE TABLE hostile_arrays (name text PRIMARY KEY, a bigarray);
INSERT INTO hostile_arrays VALUES
	('f8', '{1,2,3}'::float8[]::bigarray),
	('f4', '{1,2,3}'::float4[]::bigarray),
	('i8', '{1,2,3}'::int8[]::bigarray),
	('i2', '{1,2,3}'::int2[]::bigarray),
	('m', '{{1,2,3},{4,5,6}}'::int4[]::bigarray),
	('empty', bigarray_create('float8', 0)),
	('empty2d', bigarray_create('int4', 0, 3));
CREATE FUNCTION arr(text) RETURNS bigarray
	AS $$SELECT a FROM hostile_arrays WHERE name = $1$$ LANGUAGE sql STABLE;

-- NULL in each argument of the writers not tried in errors.sql
SELECT throws_ok($$SELECT ba_set(arr('i8'), NULL::int8, 1::int8)$$, '22004', NULL, 'set int8: NULL index');
SELECT throws_ok($$SELECT ba_set(NULL, 1, 1::int8)$$, '22004', NULL, 'set int8: NULL array');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), NULL::int8, '{1}'::float8[])$$, '22004', NULL, 'set_slice: NULL lo');
SELECT throws_ok($$SELECT ba_set_slice(NULL, 1, '{1}'::float8[])$$, '22004', NULL, 'set_slice: NULL array');
SELECT throws_ok($$SELECT ba_fill(NULL, 1)$$, '22004', NULL, 'fill: NULL array');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), 1, 1, NULL)$$, '22004', NULL, 'fill: NULL hi');
SELECT throws_ok($$SELECT ba_fill(arr('i8'), NULL::int8, 1, 2)$$, '22004', NULL, 'fill int8: NULL value');
SELECT throws_ok($$SELECT ba_fill(arr('i8'), 1::int8, NULL, 2)$$, '22004', NULL, 'fill int8: NULL lo');
SELECT throws_ok($$SELECT ba_append(NULL, '{1}'::float8[])$$, '22004', NULL, 'append: NULL array');
SELECT throws_ok($$SELECT ba_append(arr('f8'), NULL::float8[])$$, '22004', NULL, 'append: NULL values');
SELECT throws_ok($$SELECT ba_resize(NULL, 1)$$, '22004', NULL, 'resize: NULL array');
SELECT throws_ok($$SELECT ba_add(NULL, arr('f8'))$$, '22004', NULL, 'add: NULL target');
SELECT throws_ok($$SELECT ba_scale(NULL, 2)$$, '22004', NULL, 'scale: NULL array');
SELECT throws_ok($$SELECT bigarray_create('float8', 2, NULL, 2)$$, '22004', NULL, 'create: NULL middle dimension');
SELECT throws_ok($$SELECT bigarray_agg(v) FROM (VALUES (1::int2), (NULL)) t(v)$$, '22004', NULL, 'agg int2: NULL value');
-- readers and constructors are strict: NULL in, NULL out
SELECT is(ba_get_int8(NULL, 1), NULL, 'get_int8: NULL array');
SELECT is(ba_slice(arr('f8'), NULL, 2), NULL, 'slice: NULL lo');
SELECT is(ba_slice_int8(arr('i8'), 1, NULL), NULL, 'slice_int8: NULL hi');
SELECT is(ba_to_array(NULL), NULL, 'to_array: NULL');
SELECT is(ba_to_bytea(arr('f8'), NULL, 1), NULL, 'to_bytea: NULL lo');
SELECT is(ba_min(arr('f8'), 1, NULL), NULL, 'min: NULL hi');
SELECT is(ba_dot(arr('f8'), NULL), NULL, 'dot: NULL operand');
SELECT is(ba_copy(NULL)::text, NULL, 'copy: NULL');
SELECT is(ba_from_bytea('float8', NULL)::text, NULL, 'from_bytea: NULL bytes');
SELECT is(bigarray_from(NULL::float8[])::text, NULL, 'from: NULL');
SELECT is((SELECT count(*) FROM ba_unnest(NULL)), 0::int8, 'unnest: NULL gives no rows');
SELECT is(ba_dtype(NULL), NULL, 'dtype: NULL');
SELECT is((SELECT bigarray_agg(v) FROM (SELECT 1::float8 WHERE false) t(v))::text, NULL, 'agg: no rows');

-- empty arrays, through everything
SELECT is(ba_size(arr('empty')), 0::int8, 'empty: size');
SELECT is(ba_shape(arr('empty2d')), '{0,3}'::int8[], 'empty 2-D: shape');
SELECT throws_ok($$SELECT ba_get(arr('empty'), 1)$$, '2202E', NULL, 'empty: get 1');
SELECT throws_ok($$SELECT ba_set(arr('empty'), 1, 1)$$, '2202E', NULL, 'empty: set 1');
SELECT throws_ok($$SELECT ba_fill(arr('empty'), 1, 1, 1)$$, '2202E', NULL, 'empty: fill 1..1');
SELECT is(ba_slice(arr('empty'), 1, 0), '{}'::float8[], 'empty: slice 1..0');
SELECT is(ba_to_array(arr('empty')), '{}'::float8[], 'empty: to_array');
SELECT is(ba_to_array(arr('empty2d')), '{}'::float8[], 'empty 2-D: to_array');
SELECT is(ba_to_bytea(arr('empty')), '\x'::bytea, 'empty: to_bytea');
SELECT is((SELECT count(*) FROM ba_unnest(arr('empty'))), 0::int8, 'empty: unnest');
SELECT is(ba_sum(arr('empty')), 0::float8, 'empty: sum 0');
SELECT is(ba_min(arr('empty')), NULL, 'empty: min NULL');
SELECT is(ba_max(arr('empty2d')), NULL, 'empty 2-D: max NULL');
SELECT is(ba_mean(arr('empty')), NULL, 'empty: mean NULL');
SELECT is(ba_dot(arr('empty'), arr('empty2d')), 0::float8, 'empty: dot');
SELECT lives_ok($$SELECT ba_add(arr('empty'), arr('empty2d')), ba_scale(arr('empty'), 'NaN'), ba_fill(arr('empty'), 1)$$, 'empty: add, scale, fill');
SELECT lives_ok($$SELECT ba_append(arr('empty'), '{}'::float8[]), ba_set_slice(arr('empty'), 1, '{}'::int2[])$$, 'empty: append and set_slice of nothing');
SELECT throws_ok($$SELECT ba_set_slice(arr('empty'), 1, '{1}'::float8[])$$, '2202E', NULL, 'empty: set_slice past the end');
SELECT is(ba_size(ba_copy(arr('empty'))), 0::int8, 'empty: copy');
SELECT is(ba_size(bigarray_from('{}'::int4[])), 0::int8, 'from: empty native array');
SELECT is(ba_size(ba_from_bytea('int2', '\x')), 0::int8, 'from_bytea: no bytes');
SELECT throws_ok($$SELECT ba_resize(arr('empty2d'), 1)$$, '2202E', NULL, 'empty 2-D: resize not whole rows');
SELECT throws_ok($$SELECT ba_append(arr('empty2d'), '{1,2}'::int4[])$$, '2202E', NULL, 'empty 2-D: append not a whole row');
SELECT is(ba_shape(ba_append(ba_copy(arr('empty2d')), '{1,2,3}'::int4[])), '{1,3}'::int8[], 'empty 2-D: append a row');

-- int8 extremes as indexes and ranges; lo > hi is empty whatever they are
SELECT throws_ok(format('SELECT %s', q), '2202E', NULL, q)
FROM unnest(ARRAY[
	$$ba_get_int8(arr('i8'), -9223372036854775808)$$,
	$$ba_get_int8(arr('i8'), 9223372036854775807)$$,
	$$ba_set(arr('f8'), -9223372036854775808, 1)$$,
	$$ba_set(arr('f8'), 9223372036854775807, 1)$$,
	$$ba_set(arr('i8'), -1, 1::int8)$$,
	$$ba_slice(arr('f8'), 1, 9223372036854775807)$$,
	$$ba_slice(arr('f8'), -9223372036854775808, 1)$$,
	$$ba_slice_int8(arr('i8'), 0, 0)$$,
	$$ba_fill(arr('f8'), 1, 9223372036854775807, 9223372036854775807)$$,
	$$ba_fill(arr('f8'), 1, -9223372036854775808, -9223372036854775808)$$,
	$$ba_fill(arr('i8'), 1::int8, -1, 1)$$,
	$$ba_sum(arr('f8'), -9223372036854775808, 9223372036854775807)$$,
	$$ba_mean(arr('f8'), 9223372036854775807, 9223372036854775807)$$,
	$$ba_to_bytea(arr('f8'), -9223372036854775808, 3)$$,
	$$ba_to_bytea(arr('f8'), 0, 0)$$,
	$$ba_set_slice(arr('f8'), -9223372036854775808, '{1}'::float8[])$$,
	$$ba_set_slice(arr('f8'), -9223372036854775808, '{}'::float8[])$$,
	$$ba_set_slice(arr('f8'), 9223372036854775806, '{1,2,3}'::float8[])$$,
	$$ba_set_slice(arr('f8'), -1, '{1,2,3}'::float8[])$$,
	$$count(*) FROM ba_unnest(arr('f8'), -9223372036854775808, 9223372036854775807)$$,
	$$count(*) FROM ba_unnest(arr('f8'), 3, 9223372036854775807)$$
]) q;
SELECT is(ba_slice(arr('f8'), 9223372036854775807, -9223372036854775808), '{}'::float8[], 'slice: max..min is empty');
SELECT is(ba_sum(arr('f8'), 9223372036854775807, 1), 0::float8, 'sum: max..1 is empty');
SELECT is(ba_max(arr('f8'), 0, -1), NULL, 'max: 0..-1 is empty');
SELECT is(ba_to_bytea(arr('f8'), 4, 3), '\x'::bytea, 'to_bytea: 4..3 is empty');
SELECT is((SELECT count(*) FROM ba_unnest(arr('f8'), 9223372036854775807, -9223372036854775808)), 0::int8, 'unnest: max..min is empty');
SELECT lives_ok($$SELECT ba_fill(arr('f8'), 9, -1, -9223372036854775808)$$, 'fill: -1..min is empty');
SELECT lives_ok($$SELECT ba_set_slice(arr('f8'), 9223372036854775807, '{}'::float8[])$$, 'set_slice: nothing at max');

-- shape products and sizes that overflow int8 or exceed a large object
SELECT throws_ok(format('SELECT %s', q), '54000', NULL, q)
FROM unnest(ARRAY[
	$$bigarray_create('int8', 3037000500, 3037000500)$$,
	$$bigarray_create('int2', 9223372036854775807)$$,
	$$bigarray_create('int2', 65536, 65536, 65536, 65536)$$,
	$$bigarray_create('float4', VARIADIC array_fill(16::int8, '{16}'))$$,
	$$bigarray_create('float8', 2, 4611686018427387904)$$,
	$$ba_resize(arr('m'), 9223372036854775806)$$,
	$$ba_resize(arr('i2'), 4398046511104)$$
]) q;
SELECT throws_ok($$SELECT ba_resize(arr('m'), 9223372036854775807)$$, '2202E', NULL, 'resize 2-D: int8 max is not whole rows');
SELECT throws_ok($$SELECT ba_resize(arr('f8'), -9223372036854775808)$$, '22023', NULL, 'resize: int8 min');
SELECT throws_ok($$SELECT bigarray_create('float8', -9223372036854775808, 0)$$, '22023', NULL, 'create: negative before a zero');
SELECT throws_ok($$SELECT bigarray_create('float8', 0, -1)$$, '22023', NULL, 'create: negative after a zero');
SELECT throws_ok($$SELECT ba_from_bytea('float8', '\x0102030405060708090a')$$, '22023', NULL, 'from_bytea: 10 bytes of float8');
SELECT throws_ok($$SELECT ba_from_bytea('float8[]', '\x')$$, '22023', NULL, 'from_bytea: array dtype');
SELECT throws_ok($$SELECT bigarray_create(0, 3)$$, '22023', NULL, 'create: dtype oid 0');
SELECT throws_ok($$SELECT bigarray_create(4294967295, 3)$$, '22023', NULL, 'create: dtype oid 2^32-1');

-- mismatched dtypes and sizes
SELECT throws_ok($$SELECT ba_dot(arr('f8'), arr('empty'))$$, '2202E', NULL, 'dot: 3 and 0 elements');
SELECT throws_ok($$SELECT ba_add(arr('empty'), arr('f8'))$$, '2202E', NULL, 'add: 0 and 3 elements');
SELECT is(ba_dot(arr('f8'), arr('i2')), 14::float8, 'dot: float8 with int2');
SELECT throws_ok($$SELECT ba_set_slice(arr('i8'), 1, '{1.5}'::numeric[])$$, '22023', NULL, 'set_slice: numeric[]');
SELECT throws_ok($$SELECT ba_append(arr('f8'), '{true}'::bool[])$$, '22023', NULL, 'append: bool[]');
SELECT throws_ok($$SELECT ba_append(arr('f8'), '{1}'::oid[])$$, '22023', NULL, 'append: oid[]');
SELECT throws_ok($$SELECT bigarray_from('{1}'::oid[])$$, '22023', NULL, 'from: oid[]');
SELECT throws_ok($$SELECT ba_set(arr('i2'), 1, -32769::int8)$$, '22003', NULL, 'set int8: below int2');
SELECT throws_ok($$SELECT ba_fill(arr('i8'), 9223372036854775807::float8)$$, '22003', NULL, 'fill: 2^63 as float8 into int8');
SELECT throws_ok($$SELECT ba_get_int8(arr('f4'), 4)$$, '2202E', NULL, 'get_int8 float4: past the end');

-- NaN and infinities
SELECT is(ba_get(ba_set(ba_copy(arr('f8')), 2, 'NaN'), 2)::text, 'NaN', 'NaN stored in float8');
SELECT is(ba_sum(ba_set(ba_copy(arr('f8')), 2, 'NaN'))::text, 'NaN', 'sum with a NaN is NaN');
SELECT is(ba_max(ba_set(ba_copy(arr('f8')), 2, 'NaN'))::text, 'NaN', 'max with a NaN is NaN');
SELECT is(ba_min(ba_set(ba_copy(arr('f8')), 2, 'NaN')), 1::float8, 'min with a NaN and numbers');
SELECT is(ba_sum(ba_set(ba_set(ba_copy(arr('f8')), 1, 'Infinity'), 2, '-Infinity'))::text, 'NaN', 'sum of +inf and -inf is NaN, not an error');
SELECT is(ba_get(ba_set(ba_copy(arr('f4')), 1, '-Infinity'), 1), '-Infinity'::float8, 'float4 holds -inf');
SELECT is(ba_dot(ba_fill(ba_copy(arr('f8')), 'Infinity'), ba_fill(ba_copy(arr('f8')), 0))::text, 'NaN', 'dot inf * 0 is NaN');
SELECT is(ba_sum(ba_scale(ba_copy(arr('f8')), 'Infinity')), 'Infinity'::float8, 'scale by inf');
SELECT throws_ok($$SELECT ba_scale(ba_copy(arr('f4')), 1e300)$$, '22003', NULL, 'scale float4 beyond range');
SELECT throws_ok($$SELECT ba_get_int8(ba_set(ba_copy(arr('f8')), 1, '-Infinity'), 1)$$, '22003', NULL, 'get_int8 of -inf');
SELECT throws_ok($$SELECT ba_slice_int8(ba_set(ba_copy(arr('f8')), 1, 'NaN'), 1, 1)$$, '22003', NULL, 'slice_int8 of NaN');
SELECT throws_ok($$SELECT ba_to_array_int8(ba_set(ba_copy(arr('f4')), 3, 'Infinity'))$$, '22003', NULL, 'to_array_int8 of inf');
SELECT throws_ok($$SELECT ba_fill(arr('i8'), 'Infinity'::float8, 1, 1)$$, '22003', NULL, 'fill int8 range with inf');
SELECT throws_ok($$SELECT ba_set_slice(arr('i2'), 1, '{NaN}'::float8[])$$, '22003', NULL, 'set_slice NaN into int2');
SELECT throws_ok($$SELECT ba_append(arr('i8'), '{-Infinity}'::float4[])$$, '22003', NULL, 'append -inf into int8');
SELECT throws_ok($$SELECT ba_add(ba_copy(arr('i2')), ba_set(ba_copy(arr('f8')), 1, 'NaN'))$$, '22003', NULL, 'add NaN into int2');
SELECT throws_ok($$SELECT bigarray_agg(v::float8)::text FROM (VALUES ('NaN'), ('Infinity')) t(v) HAVING ba_sum(bigarray_agg(v::float8)) < 0$$, '22003', NULL, 'agg then sum: inf and NaN')
	WHERE false;
SELECT is((SELECT ba_slice(bigarray_agg(v), 1, 3) FROM unnest('{NaN,Infinity,-Infinity}'::float8[]) v)::text, '{NaN,Infinity,-Infinity}', 'agg keeps NaN and infinities');
-- the arrays above were not changed by the failed statements
SELECT is(ba_slice(arr('f8'), 1, 3), '{1,2,3}'::float8[], 'f8 unchanged');
SELECT is(ba_slice(arr('i2'), 1, 3), '{1,2,3}'::float8[], 'i2 unchanged');
SELECT is(ba_slice(arr('i8'), 1, 3), '{1,2,3}'::float8[], 'i8 unchanged');

-- malformed text forms errors.sql does not try (22P02)
SELECT throws_ok(format('SELECT %L::bigarray', x), '22P02', NULL, format('text input %L', x))
FROM unnest(ARRAY[E'\t', E'\n', '@', '[]', '[', ']', '1', 'float8[]', 'float8[3]@1@2',
                  'float8[3][4]@1', 'float8[3]]@1', 'float8[[3]@1', 'float8[ 3]@1', 'float8[3 ]@1',
                  'float8[3]@ 1', 'float8[3,4,]@1', 'float8[0x10]@1', 'float8[1e3]@1', 'float8[3.0]@1',
                  'float8[３]@1', 'float8[3]@１', 'float8[18446744073709551616]@1',
                  'float8[9223372036854775808]@1', 'float8[3]@99999999999999999999999',
                  'float8[3]@1;', 'float8[3]@1,', 'float8[3]@1)', 'float8[3]', 'float8 3]@1',
                  'float8(3)@1', 'float8{3}@1', 'float8[3]#1', 'float8[3]@0x1', 'float8[3]@+1',
                  'float8[3]@00', 'int[3]@', 'real[3,-1]@1', 'bigint[1,,1]@1',
                  'float8[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]@1',
                  repeat('9', 1000), 'float8[' || repeat('9', 1000) || ']@1',
                  repeat('float8', 1000) || '[1]@1', 'int4' || repeat(' ', 100) || '[1]@1',
                  'float16[3]@1', 'numeric[3]@1', 'bigarray[3]@1', 'float8[]@', 'Float8[3]x']) x;
-- a well-formed value naming what is not there, or not matching it
SELECT lives_ok($$SELECT 'float8[0]@4294967294'::bigarray$$, 'text input: empty shape, no such large object (input does not open it)');
SELECT throws_ok($$SELECT 'int8[9223372036854775807]@4294967294'::bigarray$$, '54000', NULL, 'text input: shape beyond a large object');
SELECT throws_ok($$SELECT 'int2[3037000500,3037000500,3037000500]@4294967294'::bigarray$$, '54000', NULL, 'text input: shape product overflows');
SELECT is(format('float8[1,3]@%s', ba_oid(arr('f8')))::bigarray, arr('f8'), 'text input: wrong number of dimensions (not checked against the array)');
SELECT is(format('int4[3,2]@%s', ba_oid(arr('m')))::bigarray, arr('m'), 'text input: transposed shape (not checked against the array)');
-- spellings that are accepted: case, SQL names, white space around the value
SELECT is(format(x, ba_oid(arr('f8')))::bigarray, arr('f8'), format('text input %L', x))
FROM unnest(ARRAY['FLOAT8[3]@%s', 'Double Precision[3]@%s', E' \t\nfloat8[3]@%s \n', 'float8[3]@0000%s']) x;

-- large objects that are not, or no longer, well-formed bigarrays
SELECT lo_from_bytea(0, '\x0102') AS lo_junk \gset
SELECT lo_create(0) AS lo_empty \gset
SELECT lo_from_bytea(0, decode(repeat('00', 4096), 'hex')) AS lo_zeros \gset
SELECT throws_ok(format('SELECT ba_get(%L::bigarray, 1)', format('float8[1]@%s', :lo_empty)), '22023', NULL, 'an empty large object: read');
SELECT throws_ok(format('SELECT ba_set(%L::bigarray, 1, 1)', format('float8[1]@%s', :lo_empty)), '22023', NULL, 'an empty large object: write');
SELECT throws_ok(format('SELECT ba_size(%L::bigarray)', format('float8[1]@%s', :lo_junk)), '22023', NULL, 'a short large object: size');
SELECT throws_ok(format('SELECT ba_size(%L::bigarray)', format('@%s', :lo_zeros)), '22023', NULL, 'a large object of zeros: size');
-- bad binary input: COPY BINARY of crafted fields reaches bigarray_recv
CREATE TABLE hostile_recv (a bigarray);
-- recv_copy(field): writes a COPY BINARY file of one row of that one
-- field, and returns the COPY that loads it into hostile_recv
CREATE FUNCTION recv_copy(field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	file text := format('/tmp/bigarray_hostile_%s.copy', pg_backend_pid());
	lo oid;
BEGIN
	-- header, one tuple of one field, trailer
	lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(length(field)) || field || '\xffff'::bytea);
	PERFORM lo_export(lo, file);
	PERFORM lo_unlink(lo);
	RETURN format('COPY hostile_recv FROM %L (FORMAT binary)', file);
END $$;
-- field: oid, dtype oid, ndim, dims
SELECT lives_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(1) || int8send(3)), 'recv: a good value');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(0)), '22P03', NULL, 'recv: ndim 0');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(-1)), '22P03', NULL, 'recv: ndim -1');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(17)), '22P03', NULL, 'recv: ndim 17');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(2) || int8send(3)), '22P03', NULL, 'recv: a dimension missing');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701)), '22P03', NULL, 'recv: ndim missing');
SELECT throws_ok(recv_copy('\x'::bytea), '22P03', NULL, 'recv: nothing');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(1) || int8send(3) || '\x00'::bytea), '22P03', NULL, 'recv: a trailing byte');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(25) || int4send(1) || int8send(3)), '22P03', NULL, 'recv: dtype text');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(0) || int4send(1) || int8send(3)), '22P03', NULL, 'recv: dtype oid 0');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(-1) || int4send(1) || int8send(3)), '22P03', NULL, 'recv: dtype oid 2^32-1');
SELECT lives_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(20) || int4send(1) || int8send(3)), 'recv: wrong dtype (not checked against the array)');
SELECT lives_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(1) || int8send(4)), 'recv: wrong size (not checked against the array)');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(1) || int8send(-3)), '22P03', NULL, 'recv: negative size');
SELECT throws_ok(recv_copy(int4send(ba_oid(arr('f8'))::int4) || int4send(701) || int4send(2) || int8send(4294967296) || int8send(4294967296)), '54000', NULL, 'recv: shape product overflows');
SELECT throws_ok(recv_copy(int4send(0) || int4send(701) || int4send(1) || int8send(3)), '22P03', NULL, 'recv: oid 0');
SELECT lives_ok(recv_copy(int4send(-2) || int4send(701) || int4send(1) || int8send(3)), 'recv: no such large object (input does not open it)');
SELECT is((SELECT count(*) FROM hostile_recv), 4::int8, 'recv: only the good values were stored');
DROP TABLE hostile_recv;
DROP FUNCTION recv_copy(bytea);

-- a bigarray whose header was overwritten (by lo_put, by its owner), or
-- whose large object was cut short: committed, then read by a new backend
CREATE TABLE hostile_corrupt (what text, offs int8, bytes bytea, a bigarray);
INSERT INTO hostile_corrupt SELECT what, offs, bytes, ba_copy(arr('f8')) FROM (VALUES
	('magic', 0, '\x00'::bytea), ('format', 8, '\x02'), ('dtype oid of text', 12, '\x19000000'),
	('ndim 0', 16, '\x00000000'), ('ndim 17', 16, '\x11000000'), ('ndim 2^32-1', 16, '\xffffffff'),
	('nelems not the shape''s product', 32, '\x04'), ('nelems -1', 32, '\xffffffffffffffff'),
	('dimension int8 max', 40, '\xffffffffffffff7f'), ('dimension -1', 40, '\xffffffffffffffff'),
	('the unused rest of the chunk', 2047, '\x00'), ('truncated', NULL, NULL)) v(what, offs, bytes);
SELECT count(lo_put(ba_oid(a), offs, bytes)) FROM hostile_corrupt WHERE offs IS NOT NULL;
SELECT count(lo_truncate64(lo_open(ba_oid(a), 131072), 2048 + 8)) FROM hostile_corrupt WHERE what = 'truncated';
-- (pgTAP's state is the session's: finish, reconnect, plan again)
SELECT * FROM finish();
\c
\pset format unaligned
\pset tuples_only on
SELECT * FROM no_plan();
SELECT throws_ok(format('SELECT ba_slice(a, 1, 3) FROM hostile_corrupt WHERE what = %L', what),
		CASE what WHEN 'magic' THEN '22023' ELSE 'XX001' END, NULL, 'header: ' || what)
	FROM hostile_corrupt WHERE what NOT IN ('the unused rest of the chunk', 'truncated') ORDER BY what;
-- (read after the others, as they sort last)
SELECT is(ba_slice(a, 1, 3)::text, CASE what WHEN 'truncated' THEN '{1,0,0}' ELSE '{1,2,3}' END, 'header: ' || what)
	FROM hostile_corrupt WHERE what IN ('the unused rest of the chunk', 'truncated') ORDER BY what;
SELECT count(ba_drop(a)) FROM hostile_corrupt;
DROP TABLE hostile_corrupt;

-- a hostile search_path: a plain role with CREATE on a schema puts
-- operators there, ahead of pg_catalog, and functions for casts, that log
-- who ran them and try to make the role superuser.  Nothing the extension runs
-- may resolve a name through the caller's search_path: neither for the
-- role itself (bigarray_create, bigarray_from, ba_drop, and bigarray_gc,
-- which it may not run) nor for a superuser with the same search_path.
CREATE ROLE regress_hostile_alice;
CREATE SCHEMA hostile_evil AUTHORIZATION regress_hostile_alice;
CREATE TABLE hostile_evil_log (who name, what text);
GRANT INSERT ON hostile_evil_log TO PUBLIC;
SET ROLE regress_hostile_alice;
CREATE FUNCTION hostile_evil.trap(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.hostile_evil_log VALUES (current_user, what);
	BEGIN
		ALTER ROLE regress_hostile_alice SUPERUSER;
	EXCEPTION WHEN insufficient_privilege THEN
	END;
END $$;
CREATE FUNCTION hostile_evil.oid_eq(oid, oid) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('oid = oid'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION hostile_evil.oid_ne(oid, oid) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('oid <> oid'); RETURN $1 OPERATOR(pg_catalog.<>) $2; END $$;
CREATE FUNCTION hostile_evil.char_eq("char", "char") RETURNS bool LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('char = char'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE FUNCTION hostile_evil.int2_int4_gt(int2, int4) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('int2 > int4'); RETURN $1 OPERATOR(pg_catalog.>) $2; END $$;
CREATE OPERATOR hostile_evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile_evil.oid_eq);
CREATE OPERATOR hostile_evil.<> (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile_evil.oid_ne);
CREATE OPERATOR hostile_evil.= (LEFTARG = "char", RIGHTARG = "char", FUNCTION = hostile_evil.char_eq);
CREATE OPERATOR hostile_evil.> (LEFTARG = int2, RIGHTARG = int4, FUNCTION = hostile_evil.int2_int4_gt);
CREATE FUNCTION hostile_evil.text_to_oid(text) RETURNS oid LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('text::oid'); RETURN 0; END $$;
CREATE FUNCTION hostile_evil.int4_to_text(int4) RETURNS text LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile_evil.trap('int4::text'); RETURN ''; END $$;
RESET ROLE;
-- a cast needs the owner of one of its types: the superuser adds them,
-- as a careless administrator would
CREATE CAST (text AS oid) WITH FUNCTION hostile_evil.text_to_oid(text) AS IMPLICIT;
CREATE CAST (int4 AS text) WITH FUNCTION hostile_evil.int4_to_text(int4) AS IMPLICIT;

SET ROLE regress_hostile_alice;
SET search_path = hostile_evil, pg_catalog, public;
CREATE TABLE hostile_evil.mine (a bigarray);
INSERT INTO hostile_evil.mine VALUES (bigarray_create('float8', 3)), (bigarray_from('{1,2}'::int4[]));
SELECT ba_drop(a) FROM hostile_evil.mine;
SELECT bigarray_create('int2', 2) IS NOT NULL;
-- (pgTAP cannot run among the hostile casts: psql keeps the SQLSTATE)
\set VERBOSITY sqlstate
SELECT bigarray_gc();
\set gc_by_plain_role :SQLSTATE
\set VERBOSITY default
RESET search_path;
RESET ROLE;
SELECT rolsuper AS alice_super_after_own_calls FROM pg_roles WHERE rolname = 'regress_hostile_alice' \gset
SELECT count(*) AS hostile_ran_for_alice FROM hostile_evil_log \gset
-- the same search_path in a superuser's session
SET search_path = hostile_evil, pg_catalog, public;
SELECT bigarray_gc() >= 1;
SELECT ba_drop(bigarray_create('int4', 5));
RESET search_path;
-- (the casts would run in pgTAP's own queries: gone before them)
DROP CAST (text AS oid);
DROP CAST (int4 AS text);
SELECT is(:'gc_by_plain_role'::text, '42501', 'gc: refused for a plain role');
SELECT is(:hostile_ran_for_alice::int8, 0::int8, 'plain role: no hostile operator, function or cast ran');
SELECT is(:'alice_super_after_own_calls'::bool, false, 'plain role: not superuser');
SELECT is((SELECT count(*) FROM hostile_evil_log), 0::int8, 'superuser: no hostile operator, function or cast ran');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_hostile_alice'), false, 'superuser: alice not superuser');
SELECT is((SELECT count(*) FROM hostile_evil.mine m JOIN pg_largeobject_metadata l ON l.oid = ba_oid(m.a)), 0::int8,
	'ba_drop dropped the arrays');
SELECT is((SELECT count(*) FROM hostile_evil.mine m JOIN bigarray_objects r ON r.loid = ba_oid(m.a)), 0::int8,
	'ba_drop unregistered them');
DROP SCHEMA hostile_evil CASCADE;
DROP TABLE hostile_evil_log;
DROP ROLE regress_hostile_alice;

-- the server survived it all
SELECT is(pg_postmaster_start_time(), :'started'::timestamptz, 'no backend crashed');
SELECT * FROM finish();
SELECT lo_unlink(:lo_junk) + lo_unlink(:lo_empty) + lo_unlink(:lo_zeros) AS unlinked;
DROP FUNCTION arr(text);
SELECT ba_drop(a) FROM hostile_arrays;
DROP TABLE hostile_arrays;
