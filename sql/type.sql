-- type: the bigarray type itself: text and binary I/O, creation, the casts
-- from native arrays, metadata, copies, handle comparison.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT plan(97);

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

-- text output: @oid.  The identity of an array is its large object, so
-- output names only that: it reads nothing and cannot fail.
SELECT is(a::text, format('@%s', ba_oid(a)), 'text output of a 2-D float8 array is @oid')
	FROM t WHERE name = 'f8';
SELECT ok(bool_and(a::text = '@' || ba_oid(a)), 'text output of every array is @oid') FROM t;

-- text input reads back what output printed, for every array
SELECT ok(bool_and((a::text)::bigarray = a), 'text input reads back text output') FROM t;
SELECT ok(bool_and(ba_shape((a::text)::bigarray) = ba_shape(a)), 'read-back arrays have their shape') FROM t;
SELECT is(format(E' \t@%s\n', ba_oid(a))::bigarray, a, 'input accepts blanks around @oid')
	FROM t WHERE name = 'f8';
SELECT throws_ok(format('SELECT %L::bigarray', x), '22P02', NULL, format('text input %L', x))
FROM unnest(ARRAY['@', '@0', '@ 1', '1', '@1 2', '@-1', '@+1', '@4294967296', '@1@', '@@1']) x;

-- input also reads 0.1's form, dtype[d1,...]@oid, with the SQL spellings
-- of the dtype and surrounding blanks
SELECT is(format('float8[1000,1000]@%s', ba_oid(a))::bigarray, a, 'input reads the 0.1 form')
	FROM t WHERE name = 'f8';
SELECT is(format(' double precision[1000,1000]@%s ', ba_oid(a))::bigarray, a,
	'input accepts "double precision" and blanks') FROM t WHERE name = 'f8';
SELECT is(format('BIGINT[2,3,4]@%s', ba_oid(a))::bigarray, a,
	'input accepts upper-case type names') FROM t WHERE name = 'i8';
-- The chosen behaviour: the 0.1 form's dtype and shape are checked as
-- written (a known dtype, a shape an array can have), NOT against the
-- stored array, so a wrong dtype or shape for an existing array is
-- accepted: the shape may have changed since the value was printed, and
-- the value names the array by its oid alone.
SELECT is(format('float4[1000,1000]@%s', ba_oid(a))::bigarray, a,
	'a wrong dtype in the 0.1 form is accepted') FROM t WHERE name = 'f8';
SELECT is(format('float8[1000,999]@%s', ba_oid(a))::bigarray, a,
	'a wrong shape in the 0.1 form is accepted') FROM t WHERE name = 'f8';
SELECT is(ba_shape(format('float8[1000000]@%s', ba_oid(a))::bigarray), '{1000,1000}',
	'a wrong ndim in the 0.1 form is accepted, and the array keeps its shape') FROM t WHERE name = 'f8';
SELECT is(format('int8[2,3,4,1]@%s', ba_oid(a))::bigarray, a,
	'an extra dimension in the 0.1 form is accepted') FROM t WHERE name = 'i8';
SELECT throws_ok(format('SELECT %L::bigarray', format('text[3]@%s', ba_oid(a))),
	'22P02', NULL, 'the 0.1 form still needs a dtype bigarray holds') FROM t WHERE name = 'f8';

-- Input does not open the large object (pg_restore loads tables before
-- large objects, and a dangling handle must restore): a value naming a
-- large object that does not exist reads in, and reading through it is
-- 42704.  An empty large object (as pg_restore leaves it until it loads
-- the data) reads in too.
SELECT lo_create(0) AS gone \gset
SELECT lo_unlink(:gone);
SELECT is(ba_oid(format('@%s', :gone)::bigarray), :gone::oid,
	'text input naming a missing large object');
SELECT is(ba_oid(format('float8[3]@%s', :gone)::bigarray), :gone::oid,
	'0.1 text input naming a missing large object');
SELECT throws_ok(format('SELECT ba_size(%L::bigarray)', format('@%s', :gone)),
	'42704', NULL, 'reading through a handle to a missing large object');
SELECT lo_create(0) AS empty_lo \gset
SELECT is(ba_oid(format('float8[3]@%s', :empty_lo)::bigarray), :empty_lo::oid,
	'text input naming an empty large object is accepted');

-- A handle printed before the array changes shape reads back afterwards,
-- in either form: append, resize, and an n-D append (issue 8, item 7).
CREATE TEMP TABLE grow (name text, a bigarray, printed text, printed_0_1 text);
INSERT INTO grow SELECT name, a, a::text, format('%s[%s]@%s', dtype,
		array_to_string(ba_shape(a), ','), ba_oid(a))
	FROM (VALUES ('append', 'int4', bigarray_create('int4', 3)),
		('resize', 'int4', bigarray_create('int4', 3)),
		('2-D', 'int2', bigarray_create('int2', 2, 3))) v(name, dtype, a);
SELECT current_setting('data_directory') || '/bigarray_type_grow.copy' AS growfile \gset
SELECT current_setting('data_directory') || '/bigarray_type_grow.bin' AS growbin \gset
COPY grow (name, a) TO :'growfile';
COPY grow (name, a) TO :'growbin' (FORMAT binary);
SELECT count(*) FROM grow, ba_append(a, '{7,8}'::int4[]) WHERE name = 'append';
SELECT count(*) FROM grow, ba_resize(a, 1) WHERE name = 'resize';
SELECT count(*) FROM grow, ba_append(a, '{{1,2,3}}'::int2[]) WHERE name = '2-D';
SELECT results_eq('SELECT name, ba_shape(a) FROM grow ORDER BY name',
	$$VALUES ('2-D', '{3,3}'::int8[]), ('append', '{5}'), ('resize', '{1}')$$,
	'the shapes changed');
SELECT ok(bool_and(printed::bigarray = a), 'text printed before a shape change reads back') FROM grow;
SELECT ok(bool_and(printed_0_1::bigarray = a),
	'0.1 text printed before a shape change reads back') FROM grow;
SELECT ok(bool_and(ba_shape(printed_0_1::bigarray) = ba_shape(a)),
	'and names the array as it is now') FROM grow;
CREATE TEMP TABLE grow_loaded (name text, a bigarray);
SELECT lives_ok(format('COPY grow_loaded FROM %L', :'growfile'),
	'a COPY file taken before the shape changes loads back');
SELECT lives_ok(format('COPY grow_loaded FROM %L (FORMAT binary)', :'growbin'),
	'a binary COPY file taken before the shape changes loads back');
SELECT results_eq('SELECT name, a FROM grow_loaded ORDER BY name, a',
	'SELECT name, a FROM grow UNION ALL SELECT name, a FROM grow ORDER BY name, a',
	'the loaded handles are the arrays');

-- binary I/O: send is the oid alone (4 bytes), COPY BINARY round-trips
SELECT is(bigarray_send(a), int4send(ba_oid(a)::int4), 'binary form: the oid')
	FROM t WHERE name = 'f8';
SELECT current_setting('data_directory') || '/bigarray_type_test.copy' AS copyfile \gset
COPY t TO :'copyfile' (FORMAT binary);
CREATE TEMP TABLE t2 (LIKE t);
COPY t2 FROM :'copyfile' (FORMAT binary);
SELECT results_eq('SELECT name, a FROM t2 ORDER BY name', 'SELECT name, a FROM t ORDER BY name',
	'COPY BINARY reads back every array');
-- binary input of one crafted field, through a COPY BINARY file:
-- type_recv returns the oid of the handle it stored
CREATE TEMP TABLE recv_t (a bigarray);
CREATE FUNCTION type_recv(field bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	file text := current_setting('data_directory') || '/bigarray_type_recv.copy';
	lo oid;
BEGIN
	-- header, one tuple of one field, trailer
	lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(length(field)) || field || '\xffff'::bytea);
	PERFORM lo_export(lo, file);
	PERFORM lo_unlink(lo);
	TRUNCATE recv_t;
	EXECUTE format('COPY recv_t FROM %L (FORMAT binary)', file);
	RETURN (SELECT ba_oid(a)::text FROM recv_t);
END $$;
SELECT is(type_recv(int4send(ba_oid(a)::int4)), ba_oid(a)::text, 'recv: the oid') FROM t WHERE name = 'f8';
SELECT is(type_recv(int4send(:gone)), :gone::text, 'recv: the oid of a missing large object');
-- 0.1's binary form (oid, dtype oid, ndim, dimensions) is read, its
-- description checked as written, not against the array (as in text)
SELECT is(type_recv(int4send(ba_oid(a)::int4) || int4send(23) || int4send(1) || int8send(3)),
	ba_oid(a)::text, 'recv: the 0.1 form with the shape before an append') FROM grow WHERE name = 'append';
SELECT is(type_recv(int4send(ba_oid(a)::int4) || int4send(701) || int4send(3) || int8send(1) || int8send(2) || int8send(0)),
	ba_oid(a)::text, 'recv: the 0.1 form with a wrong dtype and shape') FROM grow WHERE name = '2-D';
SELECT is(type_recv(int4send(:gone) || int4send(20) || int4send(1) || int8send(3)), :gone::text,
	'recv: the 0.1 form naming a missing large object');
SELECT throws_ok(format('SELECT type_recv(%L)', x), '22P03', NULL, format('recv: %s', x))
FROM unnest(ARRAY['\x'::bytea, '\x000040', '\x0000400001', int4send(0),
	int4send(0) || int4send(701) || int4send(1) || int8send(3),
	int4send(16385) || int4send(701) || int4send(1),
	int4send(16385) || int4send(701) || int4send(1) || int8send(3) || '\x00'::bytea,
	int4send(16385) || int4send(25) || int4send(1) || int8send(3),
	int4send(16385) || int4send(701) || int4send(1) || int8send(-1)]) x;

-- A dangling handle (issue 8, item 6): ba_drop of an array a row still
-- references is not refused, as lo_unlink of a referenced large object is
-- not (refusing would mean scanning every table).  The row still prints,
-- copies out and dumps, as @oid; reading its elements is 42704.
CREATE TABLE type_dangling (id int, a bigarray);
INSERT INTO type_dangling VALUES (1, bigarray_create('float8', 3));
SELECT ba_oid(a) AS dangling_lo FROM type_dangling \gset
SELECT lives_ok('SELECT ba_drop(a) FROM type_dangling', 'ba_drop of a referenced array');
SELECT * FROM type_dangling \g /dev/null
SELECT is(d::text, format('(1,@%s)', :dangling_lo), 'a row with a dangling handle prints')
	FROM type_dangling d;
COPY type_dangling TO :'copyfile';
SELECT is(pg_read_file(:'copyfile'), format(E'1\t@%s\n', :dangling_lo),
	'COPY TO of a row with a dangling handle');
COPY type_dangling TO :'copyfile' (FORMAT binary);
TRUNCATE type_dangling;
COPY type_dangling FROM :'copyfile' (FORMAT binary);
SELECT is(ba_oid(a), :dangling_lo::oid, 'COPY BINARY keeps a dangling handle') FROM type_dangling;
SELECT throws_ok('SELECT ba_get(a, 1) FROM type_dangling', '42704', NULL,
	'reading through a dangling handle');

-- A role with SELECT on the table but no privilege on the large object
-- sees the handle; reading the elements still needs the privilege.
INSERT INTO type_dangling VALUES (2, bigarray_create('int4', 2));
CREATE ROLE regress_type_table_only;
GRANT SELECT ON type_dangling TO regress_type_table_only;
SET ROLE regress_type_table_only;
SELECT * FROM type_dangling \g /dev/null
SELECT is(string_agg(d::text, ' ' ORDER BY id),
	format('(1,@%s) (2,@%s)', :dangling_lo, (SELECT ba_oid(a) FROM type_dangling WHERE id = 2)),
	'a role with SELECT on the table prints every handle') FROM type_dangling d;
SELECT is(string_agg(encode(bigarray_send(a), 'hex'), ' ' ORDER BY id),
	string_agg(encode(int4send(ba_oid(a)::int4), 'hex'), ' ' ORDER BY id),
	'and sends them') FROM type_dangling;
SELECT throws_ok('SELECT ba_get(a, 1) FROM type_dangling WHERE id = 2', '42501', NULL,
	'but may not read the elements');
RESET ROLE;
DROP FUNCTION type_recv(bytea);
DROP TABLE type_dangling;
DROP ROLE regress_type_table_only;

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
