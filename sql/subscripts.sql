-- subscripts: a[i][j][k] and slices of a bigarray, read and assigned, each
-- checked against the same subscripts on a native array computed in SQL;
-- errors by SQLSTATE.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on
SELECT plan(51);

-- v: a native 4 x 5 x 6 int4 array, v[i][j][k] = 100 i + 10 j + k; a: the
-- same as a bigarray of each dtype
CREATE TABLE subs (dtype regtype PRIMARY KEY, v int4[], a bigarray);
INSERT INTO subs (dtype, v)
	SELECT d, (SELECT array_agg(plane ORDER BY i) FROM (
		SELECT i, (SELECT array_agg(r ORDER BY j) FROM (
			SELECT j, (SELECT array_agg(100 * i + 10 * j + k ORDER BY k)
			           FROM generate_series(1, 6) k) AS r
			FROM generate_series(1, 5) j) rows) AS plane
		FROM generate_series(1, 4) i) planes)
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;
UPDATE subs SET a = ba_set_slice(bigarray_create(dtype, 4, 5, 6), 1, v);
CREATE FUNCTION arr(regtype) RETURNS bigarray
	AS $$SELECT a FROM subs WHERE dtype = $1$$ LANGUAGE sql STABLE;

-- reading an element: one subscript per dimension, any integer type
SELECT is((SELECT count(*) FROM subs, generate_series(1, 4) i,
	generate_series(1, 5) j, generate_series(1, 6) k
	WHERE a[i][j][k] IS DISTINCT FROM v[i][j][k]::float8), 0::int8,
	'a[i][j][k] is the native element, every dtype');
SELECT is(pg_typeof(a[1][1][1]), 'double precision'::regtype, 'an element is float8')
	FROM subs WHERE dtype = 'int2'::regtype;
SELECT is(a[2::int2][3::int8][4.4], 234::float8, 'int2, int8 and numeric subscripts (rounded)')
	FROM subs WHERE dtype = 'int4'::regtype;
SELECT is(a['2'][3][4], 234::float8, 'an untyped literal subscript') FROM subs WHERE dtype = 'int4'::regtype;

-- slices: every form against the native slice
SELECT is((SELECT count(*) FROM subs, (VALUES
	(1, 4, 1, 5, 1, 6), (2, 3, 1, 5, 1, 6), (2, 2, 3, 3, 4, 4), (1, 4, 2, 2, 1, 6),
	(3, 4, 2, 4, 2, 5), (4, 4, 5, 5, 1, 6)) AS b(l1, h1, l2, h2, l3, h3)
	WHERE a[l1:h1][l2:h2][l3:h3] IS DISTINCT FROM v[l1:h1][l2:h2][l3:h3]::float8[]),
	0::int8, 'a[l:h][l:h][l:h] is the native slice, every dtype');
SELECT is((SELECT count(*) FROM subs WHERE
	   a[2:3] IS DISTINCT FROM v[2:3][1:5][1:6]::float8[]
	OR a[:2] IS DISTINCT FROM v[1:2][1:5][1:6]::float8[]
	OR a[3:] IS DISTINCT FROM v[3:4][1:5][1:6]::float8[]
	OR a[:] IS DISTINCT FROM v::float8[]
	OR a[2:][:3][4:] IS DISTINCT FROM v[2:4][1:3][4:6]::float8[]
	OR a[1:4][5:5] IS DISTINCT FROM v[1:4][5:5][1:6]::float8[]), 0::int8,
	'omitted bounds and missing trailing dimensions are whole, every dtype');
SELECT is((SELECT count(*) FROM subs WHERE
	   a[2][1:3] IS DISTINCT FROM v[2:2][1:3][1:6]::float8[]
	OR a[1:2][5] IS DISTINCT FROM v[1:2][5:5][1:6]::float8[]
	OR a[3][4][2:] IS DISTINCT FROM v[3:3][4:4][2:6]::float8[]
	OR a[1:4][5][6] IS DISTINCT FROM v[1:4][5:5][6:6]::float8[]), 0::int8,
	'a plain subscript beside a slice is one wide, every dtype');
SELECT is(array_dims(a[2][1:3]), '[1:1][1:3][1:6]', 'a box keeps every axis, lower bounds 1')
	FROM subs WHERE dtype = 'float8'::regtype;
SELECT is(pg_typeof(a[1:1]), 'double precision[]'::regtype, 'a slice is float8[]')
	FROM subs WHERE dtype = 'int2'::regtype;
-- subscripts from columns and expressions
SELECT is((SELECT count(*) FROM subs, generate_series(1, 3) i
	WHERE a[i:i + 1][i + 2][:i] IS DISTINCT FROM v[i:i + 1][i + 2:i + 2][1:i]::float8[]),
	0::int8, 'subscripts from a column, every dtype');
-- the same as the functions
SELECT is(a[2:3][1:4][5:6], ba_slice(a, '{2,1,5}'::int8[], '{3,4,6}'::int8[]),
	'a slice equals ba_slice') FROM subs WHERE dtype = 'float4'::regtype;
SELECT is(a[4][5][6], ba_get(a, '{4,5,6}'::int8[]), 'an element equals ba_get')
	FROM subs WHERE dtype = 'float4'::regtype;

-- NULL: a NULL handle or subscript reads as NULL
SELECT is(NULL::bigarray[1][1][1], NULL, 'a NULL handle gives NULL');
SELECT is(a[NULL][1][1], NULL, 'a NULL subscript gives NULL') FROM subs WHERE dtype = 'int8'::regtype;
SELECT is(a[1:NULL], NULL, 'a NULL slice bound gives NULL') FROM subs WHERE dtype = 'int8'::regtype;

-- assignment writes in place: the row keeps its handle
CREATE TABLE subs_handles AS SELECT dtype, a FROM subs;
UPDATE subs SET v[2][3][4] = -7, a[2][3][4] = -7;
UPDATE subs SET v[1][1][1] = 8, a[1][1][1] = 8, v[4][5][6] = 9, a[4][5][6] = 9.0;
SELECT is((SELECT count(*) FROM subs WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'UPDATE ... SET a[i][j][k] = x, also twice in one UPDATE, every dtype');
SELECT is((SELECT count(*) FROM subs JOIN subs_handles h USING (dtype) WHERE subs.a <> h.a),
	0::int8, 'the rows keep their handles');
UPDATE subs SET v[2:3][2:4][3:4] = '{{{1,2},{3,4},{5,6}},{{7,8},{9,10},{11,12}}}',
	a[2:3][2:4][3:4] = '{{{1,2},{3,4},{5,6}},{{7,8},{9,10},{11,12}}}';
UPDATE subs SET v[4:4][1:5][1:6] = array_fill(-3, '{1,5,6}'), a[4:] = array_fill(-3, '{1,5,6}');
UPDATE subs SET v[1:2][5:5][1:6] = array_fill(5, '{2,1,6}'), a[1:2][5] = array_fill(5, '{2,1,6}');
UPDATE subs SET v[3:3][1:5][6:6] = '{{{1},{2},{3},{4},{5}}}', a[3][:][6] = ARRAY[[[1],[2],[3],[4],[5]]];
SELECT is((SELECT count(*) FROM subs WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'UPDATE ... SET a[slices] = ARRAY[...], every form, every dtype');
SELECT is((SELECT count(*) FROM subs JOIN subs_handles h USING (dtype) WHERE subs.a <> h.a),
	0::int8, 'the rows still keep their handles');
-- assignment through a PL/pgSQL variable
DO $$DECLARE x bigarray := arr('int8'); BEGIN x[1][2][3] := 4242; END$$;
SELECT is(a[1][2][3], 4242::float8, 'PL/pgSQL x[i][j][k] := v writes the array')
	FROM subs WHERE dtype = 'int8'::regtype;
UPDATE subs SET v[1][2][3] = 4242 WHERE dtype = 'int8'::regtype;
-- rolled back like any other write
BEGIN;
UPDATE subs SET a[1][1][1] = 1000 WHERE dtype = 'int4'::regtype;
SELECT is(a[1][1][1], 1000::float8, 'the transaction sees its assignment') FROM subs WHERE dtype = 'int4'::regtype;
ROLLBACK;
SELECT is(a[1][1][1], 8::float8, 'ROLLBACK undoes it') FROM subs WHERE dtype = 'int4'::regtype;

-- a read is STABLE, not folded at planning: a generic plan of a constant
-- handle reads the array as it is at each execution
SELECT a AS handle FROM subs WHERE dtype = 'float8'::regtype \gset
SET plan_cache_mode = force_generic_plan;
PREPARE subs_read AS SELECT (:'handle'::bigarray)[1][1][1] AS x;
EXECUTE subs_read \gset
SELECT is(:x::float8, 8::float8, 'a prepared read of a constant handle');
SELECT ba_set(:'handle'::bigarray, '{1,1,1}'::int8[], 11) IS NOT NULL;
EXECUTE subs_read \gset
SELECT is(:x::float8, 11::float8, 'executed again, it sees the new value');
DEALLOCATE subs_read;
UPDATE subs SET v[1][1][1] = 11 WHERE dtype = 'float8'::regtype;
RESET plan_cache_mode;
-- and PARALLEL RESTRICTED: never run in a parallel worker
SET force_parallel_mode = on;
CREATE FUNCTION subs_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS
	$$BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END$$;
SELECT is((SELECT count(*) FROM subs_plan('SELECT a[1][1][1], a[1:2] FROM subs') p
	WHERE p LIKE '%Gather%'), 0::int8, 'a subscript read is not sent to a parallel worker');
RESET force_parallel_mode;

-- errors
SELECT throws_ok($$SELECT a[1] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'number of entries in bigarray index (1) does not match the number of dimensions of the array (3)', 'too few subscripts');
SELECT throws_ok($$SELECT a[1][1][1][1] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'number of entries in bigarray index (4) does not match the number of dimensions of the array (3)', 'too many subscripts');
SELECT throws_ok($$SELECT a[1][6][1] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'bigarray index 6 is out of bounds on axis 2', 'beyond axis 2');
SELECT throws_ok($$SELECT a[0][1][1] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'bigarray index 0 is out of bounds on axis 1', 'index 0');
SELECT throws_ok($$SELECT a[1:5] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'bigarray hi 5 is out of bounds on axis 1', 'slice beyond axis 1');
SELECT throws_ok($$SELECT a[1][1][7:] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'bigarray lo 7 is out of bounds on axis 3', 'slice from beyond axis 3');
SELECT throws_ok($$SELECT a[1][3:2] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'bigarray box is empty on axis 2: lo 3 > hi 2', 'slice lo > hi');
SELECT throws_ok($$SELECT a[1:1][1:1][1:1][1:1] FROM subs WHERE dtype = 'float8'::regtype$$, '2202E',
	'number of bigarray subscripts (4) exceeds the number of dimensions of the array (3)', 'slice: too many subscripts');
SELECT throws_ok($$SELECT a[1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1][1] FROM subs$$,
	'54000', NULL, '17 subscripts');
SELECT throws_ok($$SELECT a['x'::text][1][1] FROM subs$$, '42804', NULL, 'a text subscript');
SELECT throws_ok($$SELECT (bigarray_create('float8', 1, 1, 1, 1, 1, 1, 2))[:]$$, '54000', NULL,
	'a slice of more dimensions than a native array has');
SELECT throws_ok($$UPDATE subs SET a[1][1][1] = NULL$$, '22004', NULL, 'assigning NULL');
SELECT throws_ok($$UPDATE subs SET a[1][NULL][1] = 1$$, '22004', NULL,
	'assigning at a NULL subscript');
SELECT throws_ok($$UPDATE subs SET a[1:NULL] = '{}'$$, '22004', NULL,
	'assigning at a NULL slice bound');
SELECT throws_ok($$UPDATE subs SET a[1:1][1:1][1:2] = '{{{1,NULL}}}'$$, '22004', NULL,
	'assigning a NULL element');
SELECT throws_ok($$UPDATE subs SET a[1:1][1:1][1:2] = NULL$$, '22004', NULL,
	'assigning a NULL slice');
SELECT throws_ok($$INSERT INTO subs (dtype, a[1]) VALUES ('int8'::regtype, 1)$$, '22004', NULL,
	'assigning into a NULL handle');
SELECT throws_ok($$UPDATE subs SET a[1][1][1] = 40000 WHERE dtype = 'int2'::regtype$$, '22003', NULL,
	'a value int2 cannot hold');
SELECT throws_ok($$UPDATE subs SET a[1][1][1:2] = '{{{1,1e300}}}' WHERE dtype = 'float4'::regtype$$,
	'22003', NULL, 'a value float4 cannot hold, in a slice');
SELECT throws_ok($$UPDATE subs SET a[1][1][1] = 'NaN' WHERE dtype = 'int4'::regtype$$, '22003', NULL,
	'NaN into int4');
SELECT throws_ok($$UPDATE subs SET a[1][7][1] = 1$$, '2202E',
	'bigarray index 7 is out of bounds on axis 2', 'assigning beyond axis 2');
SELECT throws_ok($$UPDATE subs SET a[1][1] = 1$$, '2202E',
	'number of entries in bigarray index (2) does not match the number of dimensions of the array (3)', 'assigning with too few subscripts');
SELECT throws_ok($$UPDATE subs SET a[1:2][1][1] = '{1,2}'$$, '2202E',
	'cannot write a 1-dimensional array into a box of a 3-dimensional bigarray',
	'assigning a slice of fewer dimensions');
SELECT throws_ok($$UPDATE subs SET a[1:2][1][1] = '{{{1}},{{2}},{{3}}}'$$, '2202E',
	'length of the array on axis 1 (3) does not match the length of the box (2)', 'assigning a slice of another size');
SELECT throws_ok($$UPDATE subs SET a[1:2][1][1] = '{{{1}}}'$$, '2202E',
	'length of the array on axis 1 (1) does not match the length of the box (2)', 'assigning a slice too small');
SELECT is((SELECT count(*) FROM subs WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'failed assignments changed nothing');

SELECT * FROM finish();
DROP TABLE subs, subs_handles;
DROP FUNCTION arr(regtype), subs_plan(text);
