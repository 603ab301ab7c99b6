-- bytea: ba_set_bytea, the raw write path of clients, against ba_to_bytea
-- for every dtype; its bounds, element-size and NULL errors, and that a
-- failed or rolled-back write changes nothing.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT plan(28);

CREATE TEMP TABLE bytea_arrays (dtype regtype PRIMARY KEY, a bigarray);
INSERT INTO bytea_arrays
	SELECT d, bigarray_create(d, 5)
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;
CREATE FUNCTION arr(regtype) RETURNS bigarray
	AS $$SELECT a FROM bytea_arrays WHERE dtype = $1$$ LANGUAGE sql STABLE;

-- the bytes land as given, from lo on, and read back as they went in
SELECT is(ba_set_bytea(arr('int2'), 2, '\x0100ffff0080'), arr('int2'), 'returns the same handle');
SELECT is(ba_slice(arr('int2'), 1, 5), '{0,1,-1,-32768,0}', 'int2: little-endian elements from lo');
SELECT is(ba_to_bytea(arr('int2'), 2, 4), '\x0100ffff0080'::bytea, 'int2: ba_to_bytea gives the same bytes');
SELECT is(ba_slice_int8(ba_set_bytea(arr('int8'), 5, '\xffffffffffffff7f'), 1, 5),
	'{0,0,0,0,9223372036854775807}', 'int8: the last element, exact');
SELECT is(ba_slice(ba_set_bytea(arr('int4'), 1, '\x02000000feffffff'), 1, 3), '{2,-2,0}', 'int4: from the first element');
SELECT is(ba_slice(ba_set_bytea(arr('float4'), 3, '\x0000c03f'), 1, 5), '{0,0,1.5,0,0}', 'float4: one element');
SELECT is(ba_to_bytea(ba_set_bytea(arr('float8'), 1,
	'\x000000000000f87f000000000000f07f000000000000f0ff0000000000000080'), 1, 4),
	'\x000000000000f87f000000000000f07f000000000000f0ff0000000000000080'::bytea,
	'float8: NaN, Infinity, -Infinity and -0 kept bit for bit');
SELECT is(ba_get(arr('float8'), 2), 'Infinity'::float8, 'float8: Infinity reads back');

-- every dtype: the bytes ba_to_bytea gives of one array, ba_set_bytea takes
-- into another of the same dtype
CREATE TEMP TABLE src AS
	SELECT dtype, ba_set_slice(bigarray_create(dtype, 3), 1,
		CASE WHEN dtype IN ('float8'::regtype, 'float4') THEN '{0.5,-1e10,3.25}'::float8[]
		     ELSE '{7,-8,9}'::float8[] END) AS a
	FROM bytea_arrays;
SELECT is(
	(SELECT count(*) FROM
		(SELECT s.a AS src, ba_set_bytea(bigarray_create(s.dtype, 5), 3, ba_to_bytea(s.a)) AS dst
		 FROM src s) w
	 WHERE ba_slice(dst, 3, 5) = ba_slice(src, 1, 3) AND ba_to_bytea(dst, 3, 5) = ba_to_bytea(src)
	   AND ba_slice(dst, 1, 2) = '{0,0}'),
	5::int8, 'every dtype: ba_to_bytea of one array written into another');

-- n-D arrays are written flat, in C order
SELECT is(ba_to_array(ba_set_bytea('{{1,2,3},{4,5,6}}'::int4[]::bigarray, 3, '\x1e00000028000000')),
	'{{1,2,30},{40,5,6}}', '2-D: flat index across a row boundary');

-- an empty bytea writes nothing, anywhere
SELECT is(ba_slice(ba_set_bytea(arr('int4'), 100, ''), 1, 3), '{2,-2,0}', 'empty bytes: nothing written');

-- errors
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 1, '\x010203')$$, '22023', NULL, 'not whole int4 elements');
SELECT throws_ok($$SELECT ba_set_bytea(arr('float8'), 1, '\x0102030405060708090a')$$, '22023', NULL, 'not whole float8 elements');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 5, '\x0100000002000000')$$, '2202E', NULL, 'one element past the end');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 6, '\x01000000')$$, '2202E', NULL, 'lo past the end');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 0, '\x01000000')$$, '2202E', NULL, 'lo 0');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), -9223372036854775808, '\x01000000')$$, '2202E', NULL, 'lo most negative');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 9223372036854775807, '\x0100000001000000')$$, '2202E', NULL, 'lo + n overflows');
SELECT throws_ok($$SELECT ba_set_bytea(NULL, 1, '\x01000000')$$, '22004', NULL, 'NULL array');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), NULL, '\x01000000')$$, '22004', NULL, 'NULL lo');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 1, NULL)$$, '22004', NULL, 'NULL bytes');
SET default_transaction_read_only = on;
SELECT throws_ok($$SELECT ba_set_bytea(arr('int4'), 1, '\x01000000')$$, '25006', NULL, 'read-only transaction');
RESET default_transaction_read_only;
SELECT is(ba_slice(arr('int4'), 1, 5), '{2,-2,0,0,0}', 'failed writes changed nothing');

-- rolled back, a write is gone
BEGIN;
SELECT is(ba_get(ba_set_bytea(arr('int4'), 4, '\x09000000'), 4), 9::float8, 'seen inside the transaction');
ROLLBACK;
SELECT is(ba_get(arr('int4'), 4), 0::float8, 'gone after ROLLBACK');

-- a dropped array
CREATE TEMP TABLE gone AS SELECT bigarray_create('int4', 2) AS a;
SELECT ba_drop(a) FROM gone;
SELECT throws_ok($$SELECT ba_set_bytea(a, 1, '\x01000000') FROM gone$$, '42704', NULL, 'dropped array');

-- privileges: writing needs UPDATE on the large object
SELECT a AS int4_handle FROM bytea_arrays WHERE dtype = 'int4'::regtype \gset
CREATE ROLE regress_bytea_reader;
SET ROLE regress_bytea_reader;
SELECT throws_ok(format('SELECT ba_set_bytea(%L::bigarray, 1, %L)', :'int4_handle', '\x01000000'),
	'42501', NULL, 'no UPDATE on the large object');
RESET ROLE;
SELECT is(ba_get(arr('int4'), 1), 2::float8, 'the refused write changed nothing');

SELECT * FROM finish();
DROP TABLE gone, src;
DROP FUNCTION arr(regtype);
DROP TABLE bytea_arrays;
DROP ROLE regress_bytea_reader;
