-- errors: hostile input gets a clear ERROR with the right SQLSTATE, and no
-- backend crashes.  Runs in autocommit, so that read-only transactions can
-- be tried.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT pg_postmaster_start_time() AS started \gset
SELECT plan(156);

CREATE TABLE errors_arrays (name text PRIMARY KEY, a bigarray);
INSERT INTO errors_arrays VALUES
	('f8', '{1,2,3}'::float8[]::bigarray),
	('f4', '{1,2,3}'::float4[]::bigarray),
	('i8', '{1,2,3}'::int8[]::bigarray),
	('i4', '{1,2,3}'::int4[]::bigarray),
	('i2', '{1,2,3}'::int2[]::bigarray),
	('m', '{{1,2,3},{4,5,6}}'::float8[]::bigarray),
	('big', bigarray_create('float8', 200000000));
-- arr(name): the test array of that name, for use inside the statements
CREATE FUNCTION arr(text) RETURNS bigarray
	AS $$SELECT a FROM errors_arrays WHERE name = $1$$ LANGUAGE sql STABLE;

-- bigarray_create
SELECT throws_ok($$SELECT bigarray_create(NULL, 3)$$, '22004', NULL, 'create: NULL dtype');
SELECT throws_ok($$SELECT bigarray_create('float8', NULL::int8)$$, '22004', NULL, 'create: NULL dimension');
SELECT throws_ok($$SELECT bigarray_create('float8', VARIADIC NULL::int8[])$$, '22004', NULL, 'create: NULL shape');
SELECT throws_ok($$SELECT bigarray_create('float8', 3, NULL)$$, '22004', NULL, 'create: NULL second dimension');
SELECT throws_ok($$SELECT bigarray_create('text', 3)$$, '22023', NULL, 'create: text dtype');
SELECT throws_ok($$SELECT bigarray_create('numeric', 3)$$, '22023', NULL, 'create: numeric dtype');
SELECT throws_ok($$SELECT bigarray_create('float8[]', 3)$$, '22023', NULL, 'create: array dtype');
SELECT throws_ok($$SELECT bigarray_create('float8', -1)$$, '22023', NULL, 'create: negative dimension');
SELECT throws_ok($$SELECT bigarray_create('float8', 3, -9223372036854775808)$$, '22023', NULL, 'create: most negative dimension');
SELECT throws_ok($$SELECT bigarray_create('float8', VARIADIC '{}'::int8[])$$, '22023', NULL, 'create: no dimension');
SELECT throws_ok($$SELECT bigarray_create('float8', VARIADIC '{{1,2},{3,4}}'::int8[])$$, '22023', NULL, 'create: 2-D shape array');
SELECT throws_ok($$SELECT bigarray_create('float8', VARIADIC array_fill(1::int8, '{17}'))$$, '54000', NULL, 'create: 17 dimensions');
SELECT throws_ok($$SELECT bigarray_create('float8', 4294967296, 4294967296)$$, '54000', NULL, 'create: shape product overflows int8');
SELECT throws_ok($$SELECT bigarray_create('int2', 9223372036854775807, 2)$$, '54000', NULL, 'create: shape product overflows int8 (max)');
SELECT throws_ok($$SELECT bigarray_create('float8', 1000000000000)$$, '54000', NULL, 'create: 8 TB is beyond a large object');
SELECT throws_ok($$SELECT bigarray_create('int2', 2199023255552)$$, '54000', NULL, 'create: 4 TiB of int2 is beyond a large object');
SELECT lives_ok($$SELECT bigarray_create('float8', 0, 9223372036854775807)$$, 'create: a zero dimension makes any shape empty');

-- bigarray_from and casts
SELECT throws_ok($$SELECT bigarray_from('{1,NULL,3}'::float8[])$$, '22004', NULL, 'from: NULL element');
SELECT throws_ok($$SELECT '{{1,2},{NULL,4}}'::int4[]::bigarray$$, '22004', NULL, 'cast: NULL element');
SELECT throws_ok($$SELECT bigarray_from('{a,b}'::text[])$$, '22023', NULL, 'from: text[]');
SELECT throws_ok($$SELECT bigarray_from('{1.5}'::numeric[])$$, '22023', NULL, 'from: numeric[]');

-- text input
SELECT throws_ok(format('SELECT %L::bigarray', x), '22P02', NULL, format('text input %L', x))
FROM unnest(ARRAY['', ' ', 'float8', 'float8[', 'float8[3', 'float8[3]', 'float8[3]@',
                  'float8[3]@x', 'float8[]@1', 'float8[,3]@1', 'float8[3,]@1', 'float8[-3]@1',
                  'float8[+3]@1', 'float8[3]@-1', 'float8[3]@0', 'float8[3]@4294967296',
                  'float8[99999999999999999999]@1', 'float8[3]@1 junk', '[3]@1', 'text[3]@1',
                  'foo[3]@1', 'float8 [3]@1', 'float8[3] @1', 'float8[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]@1']) x;
SELECT throws_ok(format('SELECT %L::bigarray', format('float8[3]@%s', ba_oid(arr('f8'))) || chr(1)), '22P02', NULL, 'text input: a control character after the oid');
SELECT is(format('float8[4]@%s', ba_oid(arr('f8')))::bigarray, arr('f8'), 'text input: a wrong size is not checked against the array');
SELECT is(format('int8[3]@%s', ba_oid(arr('f8')))::bigarray, arr('f8'), 'text input: a wrong dtype is not checked against the array');
SELECT throws_ok($$SELECT ba_get('@4294967295'::bigarray, 1)$$, '42704', NULL, 'no such large object');

-- indexes
SELECT throws_ok(format('SELECT ba_get(%L, %s)', arr('f8'), i), '2202E', NULL, format('get: index %s', i))
FROM unnest('{0,-1,4,9223372036854775807,-9223372036854775808}'::int8[]) i;
SELECT throws_ok($$SELECT ba_get_int8(arr('i8'), 4)$$, '2202E', NULL, 'get_int8: index past the end');
SELECT throws_ok($$SELECT ba_set(arr('f8'), 0, 1)$$, '2202E', NULL, 'set: index 0');
SELECT throws_ok($$SELECT ba_set(arr('i8'), 4, 1::int8)$$, '2202E', NULL, 'set int8: index past the end');
SELECT throws_ok($$SELECT ba_slice(arr('f8'), 0, 2)$$, '2202E', NULL, 'slice: lo 0');
SELECT throws_ok($$SELECT ba_slice(arr('f8'), 1, 4)$$, '2202E', NULL, 'slice: hi past the end');
SELECT throws_ok($$SELECT ba_slice(arr('f8'), -9223372036854775808, 9223372036854775807)$$, '2202E', NULL, 'slice: extreme range');
SELECT throws_ok($$SELECT ba_slice_int8(arr('i8'), 2, 5)$$, '2202E', NULL, 'slice_int8: hi past the end');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 3, '{1,2}'::float8[])$$, '2202E', NULL, 'set_slice: runs past the end');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 9223372036854775807, '{1,2}'::float8[])$$, '2202E', NULL, 'set_slice: lo + n overflows');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 0, '{1}'::float8[])$$, '2202E', NULL, 'set_slice: lo 0');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), 1, 0, 3)$$, '2202E', NULL, 'fill: lo 0');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), 1::int8, 2, 4)$$, '2202E', NULL, 'fill int8: hi past the end');
SELECT throws_ok($$SELECT ba_sum(arr('f8'), 1, 4)$$, '2202E', NULL, 'sum: hi past the end');
SELECT throws_ok($$SELECT ba_min(arr('f8'), 0, 1)$$, '2202E', NULL, 'min: lo 0');
SELECT throws_ok($$SELECT ba_max(arr('f8'), -5, 1)$$, '2202E', NULL, 'max: negative lo');
SELECT throws_ok($$SELECT ba_mean(arr('f8'), 2, 99)$$, '2202E', NULL, 'mean: hi past the end');
SELECT throws_ok($$SELECT * FROM ba_unnest(arr('f8'), 0, 1)$$, '2202E', NULL, 'unnest: lo 0');
SELECT throws_ok($$SELECT ba_to_bytea(arr('f8'), 1, 4)$$, '2202E', NULL, 'to_bytea: hi past the end');

-- NULLs into writers
SELECT throws_ok($$SELECT ba_set(NULL, 1, 1)$$, '22004', NULL, 'set: NULL array');
SELECT throws_ok($$SELECT ba_set(arr('f8'), NULL::int8, 1)$$, '22004', NULL, 'set: NULL index');
SELECT throws_ok($$SELECT ba_set(arr('f8'), 1, NULL::float8)$$, '22004', NULL, 'set: NULL value');
SELECT throws_ok($$SELECT ba_set(arr('i8'), 1, NULL::int8)$$, '22004', NULL, 'set int8: NULL value');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 1, '{1,NULL}'::float8[])$$, '22004', NULL, 'set_slice: NULL element');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 1, NULL::float8[])$$, '22004', NULL, 'set_slice: NULL array');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), NULL::float8)$$, '22004', NULL, 'fill: NULL value');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), 1, NULL, 2)$$, '22004', NULL, 'fill: NULL lo');
SELECT throws_ok($$SELECT ba_append(arr('f8'), '{NULL}'::float8[])$$, '22004', NULL, 'append: NULL element');
SELECT throws_ok($$SELECT ba_resize(arr('f8'), NULL)$$, '22004', NULL, 'resize: NULL size');
SELECT throws_ok($$SELECT ba_add(arr('f8'), NULL)$$, '22004', NULL, 'add: NULL operand');
SELECT throws_ok($$SELECT ba_scale(arr('f8'), NULL)$$, '22004', NULL, 'scale: NULL factor');
SELECT throws_ok($$SELECT bigarray_agg(v) FROM unnest('{1,NULL}'::float8[]) v$$, '22004', NULL, 'agg: NULL value');
-- readers are strict
SELECT is(ba_get(arr('f8'), NULL::int8), NULL, 'get: NULL index is NULL');
SELECT is(ba_sum(NULL), NULL, 'sum: NULL array is NULL');

-- values a dtype cannot hold
SELECT throws_ok($$SELECT ba_set(arr('i4'), 1, 'NaN'::float8)$$, '22003', NULL, 'set: NaN into int4');
SELECT throws_ok($$SELECT ba_set(arr('i8'), 1, 'Infinity'::float8)$$, '22003', NULL, 'set: infinity into int8');
SELECT throws_ok($$SELECT ba_set(arr('i8'), 1, 9223372036854775808::float8)$$, '22003', NULL, 'set: 2^63 into int8');
SELECT throws_ok($$SELECT ba_set(arr('i2'), 1, 32768)$$, '22003', NULL, 'set: 32768 into int2');
SELECT throws_ok($$SELECT ba_set(arr('i4'), 1, 9223372036854775807::int8)$$, '22003', NULL, 'set int8: into int4');
SELECT throws_ok($$SELECT ba_set(arr('f4'), 1, 1e300)$$, '22003', NULL, 'set: 1e300 into float4 overflows');
SELECT throws_ok($$SELECT ba_set(arr('f4'), 1, 1e-300)$$, '22003', NULL, 'set: 1e-300 into float4 underflows');
SELECT throws_ok($$SELECT ba_fill(arr('i2'), 'NaN'::float8)$$, '22003', NULL, 'fill: NaN into int2');
SELECT throws_ok($$SELECT ba_set_slice(arr('i2'), 1, '{1,70000}'::int4[])$$, '22003', NULL, 'set_slice: int4 beyond int2');
SELECT throws_ok($$SELECT ba_set_slice(arr('i4'), 1, '{-Infinity}'::float4[])$$, '22003', NULL, 'set_slice: -inf into int4');
SELECT throws_ok($$SELECT ba_append(arr('i2'), '{40000}'::int8[])$$, '22003', NULL, 'append: beyond int2');
SELECT throws_ok($$SELECT ba_get_int8(ba_set(arr('f8'), 3, 1e19), 3)$$, '22003', NULL, 'get_int8: 1e19 is beyond int8');
SELECT throws_ok($$SELECT ba_slice_int8(ba_set(arr('f4'), 3, 'NaN'::float8), 1, 3)$$, '22003', NULL, 'slice_int8: NaN');
SELECT throws_ok($$SELECT ba_add(ba_fill(ba_copy(arr('i2')), 30000), ba_fill(ba_copy(arr('i2')), 30000))$$, '22003', NULL, 'add: int2 overflow');
SELECT throws_ok($$SELECT ba_add(ba_fill(ba_copy(arr('i8')), 9223372036854775807::int8), arr('i8'))$$, '22003', NULL, 'add: int8 overflow');
SELECT throws_ok($$SELECT ba_add(ba_fill(ba_copy(arr('f8')), 1e308), ba_fill(ba_copy(arr('f8')), 1e308))$$, '22003', NULL, 'add: float8 overflow');
SELECT throws_ok($$SELECT ba_scale(ba_copy(arr('i4')), 'NaN')$$, '22003', NULL, 'scale: int4 by NaN');
SELECT throws_ok($$SELECT ba_scale(ba_copy(arr('i4')), 1e10)$$, '22003', NULL, 'scale: int4 beyond range');
SELECT throws_ok($$SELECT ba_scale(ba_fill(ba_copy(arr('f8')), 1e308), 10)$$, '22003', NULL, 'scale: float8 overflow');
SELECT throws_ok($$SELECT ba_sum(ba_fill(ba_copy(arr('f8')), 1e308))$$, '22003', NULL, 'sum: float8 overflow from finite values');

-- sizes and shapes that do not fit
SELECT throws_ok($$SELECT ba_dot(arr('f8'), arr('m'))$$, '2202E', NULL, 'dot: different sizes');
SELECT throws_ok($$SELECT ba_add(arr('f8'), arr('m'))$$, '2202E', NULL, 'add: different sizes');
SELECT throws_ok($$SELECT ba_append(arr('m'), '{1,2}'::float8[])$$, '2202E', NULL, 'append: not whole rows');
SELECT throws_ok($$SELECT ba_append(bigarray_create('int4', 3, 0), '{1}'::int4[])$$, '2202E', NULL, 'append: rows of zero elements');
SELECT throws_ok($$SELECT ba_append(arr('f8'), '{a}'::text[])$$, '22023', NULL, 'append: text[]');
SELECT throws_ok($$SELECT ba_set_slice(arr('f8'), 1, '{1}'::numeric[])$$, '22023', NULL, 'set_slice: numeric[]');
SELECT throws_ok($$SELECT ba_resize(arr('f8'), -1)$$, '22023', NULL, 'resize: negative');
SELECT throws_ok($$SELECT ba_resize(arr('m'), 4)$$, '2202E', NULL, 'resize: not whole rows');
SELECT throws_ok($$SELECT ba_resize(arr('f8'), 9223372036854775807)$$, '54000', NULL, 'resize: beyond a large object');
SELECT throws_ok($$SELECT ba_slice(arr('big'), 1, 200000000)$$, '54000', NULL, 'slice: more than 1 GB');
SELECT throws_ok($$SELECT ba_to_bytea(arr('big'))$$, '54000', NULL, 'to_bytea: more than 1 GB');
SELECT throws_ok($$SELECT ba_to_array(arr('big'))$$, '54000', NULL, 'to_array: more than 1 GB');
SELECT throws_ok($$SELECT ba_to_array(bigarray_create('int2', 1, 1, 1, 1, 1, 1, 1))$$, '54000', NULL, 'to_array: 7 dimensions');
SELECT throws_ok($$SELECT ba_from_bytea('int4', '\x010203')$$, '22023', NULL, 'from_bytea: not whole elements');
SELECT throws_ok($$SELECT ba_from_bytea('text', '\x01')$$, '22023', NULL, 'from_bytea: text dtype');

-- misuse
SELECT throws_ok($$SELECT bigarray_agg(v) OVER () FROM generate_series(1, 3) v$$, '0A000', NULL, 'agg: as a window function');

-- a dropped array
INSERT INTO errors_arrays SELECT 'dropped', ba_copy(arr('f8'));
SELECT ba_drop(arr('dropped'));
SELECT throws_ok($$SELECT ba_get(arr('dropped'), 1)$$, '42704', NULL, 'get: dropped array');
SELECT throws_ok($$SELECT ba_set(arr('dropped'), 1, 1)$$, '42704', NULL, 'set: dropped array');
SELECT throws_ok($$SELECT ba_sum(arr('dropped'))$$, '42704', NULL, 'sum: dropped array');
SELECT throws_ok($$SELECT ba_copy(arr('dropped'))$$, '42704', NULL, 'copy: dropped array');
SELECT is(arr('dropped')::text, '@' || ba_oid(arr('dropped')), 'output: dropped array (the handle prints)');

-- privileges: reading needs SELECT on the large object, writing UPDATE;
-- no function reads or writes around them.  run_as_reader runs a
-- statement as a role that may read i4 and read and write i2, nothing else.
CREATE ROLE regress_bigarray_reader;
GRANT SELECT ON errors_arrays TO regress_bigarray_reader;
DO $$BEGIN
	EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO regress_bigarray_reader', ba_oid(arr('i4')));
	EXECUTE format('GRANT SELECT, UPDATE ON LARGE OBJECT %s TO regress_bigarray_reader', ba_oid(arr('i2')));
END$$;
CREATE FUNCTION run_as_reader(sql text) RETURNS void
	AS $$BEGIN EXECUTE sql; END$$ LANGUAGE plpgsql SECURITY DEFINER;
ALTER FUNCTION run_as_reader(text) OWNER TO regress_bigarray_reader;
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_get(arr(''f8''), 1)')$$, '42501', NULL, 'get: no SELECT');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_sum(arr(''f8''))')$$, '42501', NULL, 'sum: no SELECT');
SELECT lives_ok($$SELECT run_as_reader('SELECT arr(''f8'')::text')$$, 'text output: no SELECT needed');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_copy(arr(''f8''))')$$, '42501', NULL, 'copy: no SELECT on the source');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_dot(arr(''i4''), arr(''f8''))')$$, '42501', NULL, 'dot: no SELECT on the second');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_add(arr(''i2''), arr(''f8''))')$$, '42501', NULL, 'add: no SELECT on the addend');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_set(arr(''i4''), 1, 1)')$$, '42501', NULL, 'set: SELECT but no UPDATE');
SELECT throws_ok($$SELECT run_as_reader('SELECT ba_add(arr(''i4''), arr(''i2''))')$$, '42501', NULL, 'add: no UPDATE on the target');
SELECT lives_ok($$SELECT run_as_reader('SELECT ba_sum(arr(''i4'')), ba_dot(arr(''i4''), arr(''i2''))')$$, 'reading with SELECT works');
SELECT lives_ok($$SELECT run_as_reader('SELECT ba_set(arr(''i2''), 1, 1)')$$, 'writing with UPDATE works');
DROP FUNCTION run_as_reader(text);
DROP OWNED BY regress_bigarray_reader;
DROP ROLE regress_bigarray_reader;

-- writes in a read-only transaction
SET default_transaction_read_only = on;
SELECT throws_ok($$SELECT ba_set(arr('f8'), 1, 1)$$, '25006', NULL, 'set: read-only transaction');
SELECT throws_ok($$SELECT ba_fill(arr('f8'), 1)$$, '25006', NULL, 'fill: read-only transaction');
SELECT throws_ok($$SELECT bigarray_create('float8', 3)$$, '25006', NULL, 'create: read-only transaction');
SELECT throws_ok($$SELECT ba_copy(arr('f8'))$$, '25006', NULL, 'copy: read-only transaction');
SELECT is(ba_sum(arr('f8')), 6::float8, 'reading works in a read-only transaction');
RESET default_transaction_read_only;

-- messages count in the singular when a count is 1, and show shapes
CREATE FUNCTION error_text(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	EXECUTE stmt;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	RETURN msg || ' / ' || detail;
END $$;
SELECT is(error_text($$SELECT ba_get('{5}'::float8[]::bigarray, 2)$$),
	'bigarray index 2 is out of bounds / The array has 1 element.', 'out of bounds: 1 element');
SELECT is(error_text($$SELECT ba_get(arr('f8'), 4)$$),
	'bigarray index 4 is out of bounds / The array has 3 elements.', 'out of bounds: 3 elements');
SELECT is(error_text($$SELECT ba_slice('{5}'::float8[]::bigarray, 1, 2)$$),
	'bigarray range 1..2 is out of bounds / The array has 1 element.', 'range out of bounds: 1 element');
SELECT is(error_text($$SELECT ba_sum(arr('f8'), 2)$$),
	'bigarray axis 2 is out of range / The array has 1 dimension.', 'axis out of range: 1 dimension');
SELECT is(error_text($$SELECT ba_sum(arr('m'), 3)$$),
	'bigarray axis 3 is out of range / The array has 2 dimensions.', 'axis out of range: 2 dimensions');
SELECT is(error_text($$SELECT ba_add(ba_copy(arr('m')), ba_reshape(ba_copy(arr('m')), 3, 2))$$),
	'bigarrays of different shapes / Their shapes are {2,3} and {3,2}.', 'different shapes: both shown');
SELECT is(error_text($$SELECT ba_append(arr('m'), '{7}'::float8[])$$),
	'cannot append 1 element to a bigarray with rows of 3 / The elements must make whole rows.', 'append: 1 element');
SELECT is(error_text($$SELECT ba_resize(arr('m'), 1)$$),
	'cannot resize a bigarray with rows of 3 to 1 element / The size must be a whole number of rows.', 'resize: 1 element');
SELECT is(error_text($$SELECT ba_from_bytea('float8', '\x01')$$),
	'a bytea of 1 byte is not a whole number of float8 elements / ', 'from bytea: 1 byte');
SELECT is(error_text($$SELECT ba_set_bytea(arr('f8'), 1, '\x0102')$$),
	'a bytea of 2 bytes is not a whole number of float8 elements / ', 'set bytea: 2 bytes');
SELECT is(error_text($$SELECT ba_reshape(arr('m'), 5)$$),
	'cannot reshape a bigarray of shape {2,3} to shape {5} / The number of elements must stay the same.', 'reshape: shapes shown');
DROP FUNCTION error_text(text);

-- nothing above changed the arrays it failed on
SELECT results_eq($$SELECT name, ba_slice(a, 1, 3) FROM errors_arrays WHERE name IN ('f8', 'f4', 'i8', 'i4', 'i2') ORDER BY name$$,
	$$VALUES ('f4', '{1,2,3}'::float8[]), ('f8', '{1,2,3}'), ('i2', '{1,2,3}'), ('i4', '{1,2,3}'), ('i8', '{1,2,3}')$$,
	'failed statements left the arrays unchanged');

-- the server survived it all
SELECT is(pg_postmaster_start_time(), :'started'::timestamptz, 'no backend crashed');
SELECT * FROM finish();
DROP FUNCTION arr(text);
DROP TABLE errors_arrays;
