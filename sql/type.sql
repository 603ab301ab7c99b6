-- type: the bigarray type itself: text and binary I/O, creation, the casts
-- from native arrays, metadata, copies, handle comparison.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT plan(54);

CREATE TEMP TABLE t (name text PRIMARY KEY, a bigarray);
INSERT INTO t VALUES
	('f8', bigarray_create('float8', 1000, 1000)),
	('f4', bigarray_create('real', 7)),
	('i8', bigarray_create('bigint', 2, 3, 4)),
	('i4', bigarray_create('int4', 0)),
	('i2', bigarray_create('smallint', 5, 0, 2));

-- metadata
SELECT results_eq(
	$$SELECT name, ba_dtype(a), ba_shape(a), ba_ndim(a), ba_size(a) FROM t ORDER BY name$$,
	$$VALUES ('f4', 'real'::regtype, '{7}'::int8[], 1, 7::int8),
	         ('f8', 'double precision', '{1000,1000}', 2, 1000000),
	         ('i2', 'smallint', '{5,0,2}', 3, 0),
	         ('i4', 'integer', '{0}', 1, 0),
	         ('i8', 'bigint', '{2,3,4}', 3, 24)$$,
	'dtype, shape, ndim and size of new arrays');
SELECT ok(bool_and(ba_slice(a, 1, 7) = '{0,0,0,0,0,0,0}'), 'new arrays are zero-filled')
	FROM t WHERE name = 'f4';
SELECT ok(bool_and(ba_sum(a) = 0 AND ba_min(a) = 0 AND ba_max(a) = 0),
	'a new float8 array of a million elements is all zeros')
	FROM t WHERE name = 'f8';

-- every array is registered, and ba_oid is its large object
SELECT ok(bool_and(EXISTS (SELECT 1 FROM bigarray_objects o WHERE o.loid = ba_oid(t.a))),
	'created arrays are registered in bigarray_objects') FROM t;
SELECT ok(bool_and(EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = ba_oid(t.a))),
	'ba_oid names an existing large object') FROM t;

-- text output: dtype[d1,...]@oid
SELECT is(a::text, format('float8[1000,1000]@%s', ba_oid(a)), 'text output of a 2-D float8 array')
	FROM t WHERE name = 'f8';
SELECT is(a::text, format('int2[5,0,2]@%s', ba_oid(a)), 'text output of a 3-D int2 array')
	FROM t WHERE name = 'i2';
SELECT is(a::text, format('float4[7]@%s', ba_oid(a)), 'text output of a float4 array')
	FROM t WHERE name = 'f4';

-- text input reads back what output printed, for every array
SELECT ok(bool_and((a::text)::bigarray = a), 'text input reads back text output') FROM t;
SELECT ok(bool_and(ba_shape((a::text)::bigarray) = ba_shape(a)), 'read-back arrays have their shape') FROM t;
-- SQL spellings of the dtype and surrounding blanks are accepted
SELECT is(format(' double precision[1000,1000]@%s ', ba_oid(a))::bigarray, a,
	'input accepts "double precision" and blanks') FROM t WHERE name = 'f8';
SELECT is(format('BIGINT[2,3,4]@%s', ba_oid(a))::bigarray, a,
	'input accepts upper-case type names') FROM t WHERE name = 'i8';

-- text input that does not match the stored array
SELECT throws_ok(format('SELECT %L::bigarray', format('float4[1000,1000]@%s', ba_oid(a))),
	'22P02', NULL, 'wrong dtype in text input') FROM t WHERE name = 'f8';
SELECT throws_ok(format('SELECT %L::bigarray', format('float8[1000,999]@%s', ba_oid(a))),
	'22P02', NULL, 'wrong shape in text input') FROM t WHERE name = 'f8';
SELECT throws_ok(format('SELECT %L::bigarray', format('float8[1000000]@%s', ba_oid(a))),
	'22P02', NULL, 'same size, different ndim in text input') FROM t WHERE name = 'f8';
SELECT throws_ok(format('SELECT %L::bigarray', format('int8[2,3,4,1]@%s', ba_oid(a))),
	'22P02', NULL, 'extra dimension in text input') FROM t WHERE name = 'i8';

-- a large object that does not exist, and one that exists but is empty
-- (as pg_restore leaves it until it loads the data)
SELECT lo_create(0) AS gone \gset
SELECT lo_unlink(:gone);
SELECT throws_ok(format('SELECT %L::bigarray', format('float8[3]@%s', :gone)),
	'42704', NULL, 'text input naming a missing large object');
SELECT lo_create(0) AS empty_lo \gset
SELECT is(ba_oid(format('float8[3]@%s', :empty_lo)::bigarray), :empty_lo::oid,
	'text input naming an empty large object is accepted');

-- binary I/O: send shows the documented layout, COPY BINARY round-trips
SELECT is(bigarray_send(a),
	'\x'::bytea || int4send(ba_oid(a)::int4) || int4send(701) || int4send(2)
		|| int8send(1000) || int8send(1000),
	'binary form: oid, dtype oid, ndim, dimensions') FROM t WHERE name = 'f8';
SELECT current_setting('data_directory') || '/bigarray_type_test.copy' AS copyfile \gset
COPY t TO :'copyfile' (FORMAT binary);
CREATE TEMP TABLE t2 (LIKE t);
COPY t2 FROM :'copyfile' (FORMAT binary);
SELECT results_eq('SELECT name, a FROM t2 ORDER BY name', 'SELECT name, a FROM t ORDER BY name',
	'COPY BINARY reads back every array');

-- bigarray_from and the casts keep shape and values
SELECT is(ba_shape(bigarray_from('{{1,2,3},{4,5,6}}'::int4[])), '{2,3}',
	'bigarray_from keeps a 2-D shape');
SELECT is(ba_slice(bigarray_from('{{1,2,3},{4,5,6}}'::int4[]), 1, 6), '{1,2,3,4,5,6}',
	'bigarray_from keeps values in C order');
SELECT is(ba_dtype(bigarray_from('{{{1}},{{2}}}'::int2[])), 'smallint', 'bigarray_from of int2[]');
SELECT is(ba_shape(bigarray_from('{{{1}},{{2}}}'::int2[])), '{2,1,1}', '3-D shape from int2[]');
SELECT is(ba_shape(bigarray_from('[5:7]={1,2,3}'::float8[])), '{3}',
	'lower bounds do not matter');
SELECT is(ba_shape(bigarray_from('{}'::float8[])), '{0}', 'an empty array becomes shape {0}');
SELECT is(bigarray_from(NULL::float8[]), NULL, 'bigarray_from(NULL) is NULL');

SELECT is(ba_dtype('{1.5,2.5}'::float8[]::bigarray), 'double precision', 'cast from float8[]');
SELECT is(ba_slice('{1.5,2.5}'::float8[]::bigarray, 1, 2), '{1.5,2.5}', 'float8[] values');
SELECT is(ba_dtype('{0.25,-1}'::float4[]::bigarray), 'real', 'cast from float4[]');
SELECT is(ba_slice('{0.25,-1}'::float4[]::bigarray, 1, 2), '{0.25,-1}', 'float4[] values');
SELECT is(ba_dtype('{9223372036854775807,-9223372036854775808}'::int8[]::bigarray), 'bigint',
	'cast from int8[]');
SELECT is(ba_slice_int8('{9223372036854775807,-9223372036854775808}'::int8[]::bigarray, 1, 2),
	'{9223372036854775807,-9223372036854775808}', 'int8[] extremes are exact');
SELECT is(ba_dtype('{2147483647,-2147483648}'::int4[]::bigarray), 'integer', 'cast from int4[]');
SELECT is(ba_slice('{2147483647,-2147483648}'::int4[]::bigarray, 1, 2),
	'{2147483647,-2147483648}', 'int4[] extremes');
SELECT is(ba_dtype('{32767,-32768}'::int2[]::bigarray), 'smallint', 'cast from int2[]');
SELECT is(ba_slice('{32767,-32768}'::int2[]::bigarray, 1, 2), '{32767,-32768}', 'int2[] extremes');
SELECT is(ba_slice(CAST('{{1,2},{3,4}}'::float4[] AS bigarray), 1, 4), '{1,2,3,4}',
	'CAST syntax works');
SELECT ok(bigarray_from('{1}'::int4[]) <> bigarray_from('{1}'::int4[]),
	'each bigarray_from makes a new array');

-- ba_copy: a new, independent array
CREATE TEMP TABLE c AS
	SELECT x AS src, ba_copy(x) AS dst FROM (SELECT '{{1,2},{3,4},{5,6}}'::int8[]::bigarray AS x) s;
SELECT ok(src <> dst, 'the copy is another array') FROM c;
SELECT is(ba_dtype(dst), 'bigint', 'the copy has the dtype') FROM c;
SELECT is(ba_shape(dst), '{3,2}', 'the copy has the shape') FROM c;
SELECT is(ba_slice(dst, 1, 6), '{1,2,3,4,5,6}', 'the copy has the contents') FROM c;
SELECT ba_set(dst, 1, 100) FROM c \g /dev/null
SELECT ba_set(src, 6, -6) FROM c \g /dev/null
SELECT is(ba_slice(src, 1, 6), '{1,2,3,4,5,-6}', 'changing the copy leaves the source') FROM c;
SELECT is(ba_slice(dst, 1, 6), '{100,2,3,4,5,6}', 'changing the source leaves the copy') FROM c;
SELECT ok(EXISTS (SELECT 1 FROM bigarray_objects o, c WHERE o.loid = ba_oid(c.dst)),
	'the copy is registered');
-- a copy of more than one chunk (1 MiB)
SELECT is(ba_sum(ba_copy(ba_fill(bigarray_create('float4', 300, 1000), 0.5))), 150000::float8,
	'a copy of 300,000 float4 has the same sum');

-- ba_oid needs no access to the array
SELECT is(ba_oid(NULL), NULL, 'ba_oid(NULL) is NULL');

-- handles compare by identity: usable as keys, in joins and GROUP BY
CREATE TEMP TABLE k (a bigarray PRIMARY KEY);
INSERT INTO k SELECT a FROM t;
SELECT throws_ok($$INSERT INTO k SELECT a FROM t WHERE name = 'f4'$$, '23505', NULL,
	'a unique index on bigarray rejects the same handle twice');
SELECT is((SELECT count(*) FROM k JOIN t USING (a)), 5::int8, 'join on bigarray handles');
SELECT is((SELECT count(DISTINCT a) FROM (SELECT a FROM t UNION ALL SELECT a FROM t) u), 5::int8,
	'DISTINCT on handles (btree)');
SET enable_sort = off;
SELECT is((SELECT count(*) FROM (SELECT a FROM t UNION ALL SELECT a FROM t) u GROUP BY a LIMIT 1),
	2::int8, 'GROUP BY handles (hash)');
RESET enable_sort;
SELECT ok((SELECT a FROM t WHERE name = 'f8') = (SELECT a FROM t WHERE name = 'f8'), '=');
SELECT ok((SELECT a FROM t WHERE name = 'f8') <> (SELECT a FROM t WHERE name = 'f4'), '<>');

SELECT * FROM finish();
