-- boxes: n-d indices and boxes (get, set, slice, set_slice, fill, bytea)
-- and ba_reshape, each checked against the same operation on a native
-- array computed in SQL (native subscripts and slices are the reference).
-- Errors are checked by SQLSTATE and message (the message names the axis).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on
SELECT plan(98);

-- v: a native 4 x 5 x 6 int4 array, v[i][j][k] = 100 i + 10 j + k; a: the
-- same as a bigarray of each dtype (every one holds these values)
CREATE TABLE boxes_nat (dtype regtype PRIMARY KEY, v int4[], a bigarray);
INSERT INTO boxes_nat (dtype, v)
	SELECT d, (SELECT array_agg(plane ORDER BY i) FROM (
		SELECT i, (SELECT array_agg(r ORDER BY j) FROM (
			SELECT j, (SELECT array_agg(100 * i + 10 * j + k ORDER BY k)
			           FROM generate_series(1, 6) k) AS r
			FROM generate_series(1, 5) j) rows) AS plane
		FROM generate_series(1, 4) i) planes)
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;
UPDATE boxes_nat SET a = ba_set_slice(bigarray_create(dtype, 4, 5, 6), 1, v);
-- nat(dtype) and arr(dtype): the reference and the bigarray
CREATE FUNCTION nat(regtype) RETURNS int4[]
	AS $$SELECT v FROM boxes_nat WHERE dtype = $1$$ LANGUAGE sql STABLE;
CREATE FUNCTION arr(regtype) RETURNS bigarray
	AS $$SELECT a FROM boxes_nat WHERE dtype = $1$$ LANGUAGE sql STABLE;

-- get: every element of every dtype at its n-d index
SELECT is((SELECT count(*) FROM boxes_nat, generate_series(1, 4) i,
	generate_series(1, 5) j, generate_series(1, 6) k
	WHERE ba_get(a, ARRAY[i, j, k]) IS DISTINCT FROM v[i][j][k]
	   OR ba_get_int8(a, ARRAY[i, j, k]) IS DISTINCT FROM v[i][j][k]), 0::int8,
	'ba_get and ba_get_int8 by n-d index equal the native element, every dtype');

-- slices of every shape of box equal the native slice, every dtype
SELECT is((SELECT count(*) FROM boxes_nat, (VALUES
	(1, 4, 1, 5, 1, 6), (2, 3, 1, 5, 1, 6), (2, 2, 3, 3, 4, 4), (1, 4, 2, 2, 1, 6),
	(1, 4, 1, 5, 3, 3), (3, 4, 2, 4, 2, 5), (1, 1, 1, 1, 1, 6), (4, 4, 5, 5, 1, 6))
	AS b(l1, h1, l2, h2, l3, h3)
	WHERE ba_slice(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3])
	      IS DISTINCT FROM v[l1:h1][l2:h2][l3:h3]::float8[]
	   OR ba_slice_int8(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3])
	      IS DISTINCT FROM v[l1:h1][l2:h2][l3:h3]::int8[]), 0::int8,
	'ba_slice and ba_slice_int8 of boxes equal the native slices, every dtype');
SELECT is(array_dims(ba_slice(arr('int2'), '{2,3,4}'::int8[], '{3,3,6}'::int8[])), '[1:2][1:1][1:3]',
	'a box keeps every axis, one-wide ones too, with lower bounds 1');
SELECT is(ba_slice(arr('float8'), '{1,1,1}'::int8[], '{4,5,6}'::int8[]), ba_to_array(arr('float8')),
	'the whole box is the whole array');

-- set at an n-d index, float8 and int8 values
UPDATE boxes_nat SET v[2][3][4] = -7, a = ba_set(a, '{2,3,4}'::int8[], -7::float8);
UPDATE boxes_nat SET v[4][5][6] = 12, a = ba_set(a, '{4,5,6}'::int8[], 12::int8);
SELECT is((SELECT count(*) FROM boxes_nat WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'ba_set at n-d indices changes those elements only, every dtype');
SELECT is(ba_set(arr('int4'), '{1,1,1}'::int8[], 5), arr('int4'), 'ba_set returns the same handle');

-- set_slice: native n-d arrays of other types into every dtype
UPDATE boxes_nat SET v[2:3][2:4][3:4] = '{{{1,2},{3,4},{5,6}},{{7,8},{9,10},{11,12}}}',
	a = ba_set_slice(a, '{2,2,3}'::int8[], '{{{1,2},{3,4},{5,6}},{{7,8},{9,10},{11,12}}}'::int2[]);
UPDATE boxes_nat SET v[1:4][5:5][1:1] = '{{{-1}},{{-2}},{{-3}},{{-4}}}',
	a = ba_set_slice(a, '{1,5,1}'::int8[], '{{{-1}},{{-2}},{{-3}},{{-4}}}'::float8[]);
UPDATE boxes_nat SET v[1:1][1:5][1:6] = array_fill(3, '{1,5,6}'),
	a = ba_set_slice(a, '{1,1,1}'::int8[], array_fill(3::int8, '{1,5,6}'));
SELECT is((SELECT count(*) FROM boxes_nat WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'ba_set_slice writes n-d native arrays as boxes, every dtype');
SELECT is(ba_set_slice(arr('int4'), '{1,1,1}'::int8[], '{}'::int4[]), arr('int4'),
	'an empty native array writes nothing');
SELECT is(ba_to_array(arr('int4')), nat('int4')::float8[], 'nothing written');

-- fill a box, float8 and int8 values
UPDATE boxes_nat SET v[2:4][1:2][5:6] = array_fill(2, '{3,2,2}'),
	a = ba_fill(a, 2::float8, '{2,1,5}'::int8[], '{4,2,6}'::int8[]);
UPDATE boxes_nat SET v[3:3][1:5][2:2] = array_fill(-9, '{1,5,1}'),
	a = ba_fill(a, -9::int8, '{3,1,2}'::int8[], '{3,5,2}'::int8[]);
SELECT is((SELECT count(*) FROM boxes_nat WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'ba_fill sets the box and nothing around it, every dtype');

-- int8 stays exact beyond 2^53 through the n-d int8 paths
CREATE TABLE boxes_i8 (a bigarray);
INSERT INTO boxes_i8 SELECT bigarray_create('int8', 3, 4);
SELECT is(ba_get_int8(ba_set(a, '{2,3}'::int8[], 9007199254740993::int8), '{2,3}'::int8[]),
	9007199254740993::int8, 'ba_set / ba_get_int8 at an n-d index: int8 exact') FROM boxes_i8;
SELECT is(ba_slice_int8(ba_fill(a, 4611686018427387905::int8, '{3,1}'::int8[], '{3,2}'::int8[]), '{2,1}'::int8[], '{3,4}'::int8[]),
	'{{0,0,9007199254740993,0},{4611686018427387905,4611686018427387905,0,0}}'::int8[],
	'ba_fill of a box with an int8 value: exact') FROM boxes_i8;

-- bytea: the raw elements of a box in C order, as ba_to_bytea of the same
-- box made into a 1-D bigarray of its own
SELECT is(ba_to_bytea(arr('float8'), '{2,2,2}'::int8[], '{3,4,5}'::int8[]),
	ba_to_bytea(bigarray_from(ARRAY(SELECT x::float8 FROM unnest((nat('float8'))[2:3][2:4][2:5]) x))),
	'ba_to_bytea of a box: its elements, little-endian, in C order (float8)');
SELECT is(ba_to_bytea(arr('int2'), '{4,1,6}'::int8[], '{4,5,6}'::int8[]),
	ba_to_bytea(bigarray_from(ARRAY(SELECT x::int2 FROM unnest((nat('int2'))[4:4][1:5][6:6]) x))),
	'ba_to_bytea of a column box (int2)');
-- set_bytea: the bytes of one box written into another
UPDATE boxes_nat SET v[1:2][4:5][1:3] = v[3:4][1:2][4:6],
	a = ba_set_bytea(a, '{1,4,1}'::int8[], '{2,5,3}'::int8[], ba_to_bytea(a, '{3,1,4}'::int8[], '{4,2,6}'::int8[]));
SELECT is((SELECT count(*) FROM boxes_nat WHERE ba_to_array(a) IS DISTINCT FROM v::float8[]),
	0::int8, 'ba_set_bytea writes a box''s raw elements, every dtype');

-- a box reads only the pages under its runs: a column of a 2000 x 8192
-- float8 matrix (each row one 64 kB page) loads one page per row.  (A new
-- page size starts the cache, and its count of loads, over at the next
-- array opened.)
CREATE TABLE boxes_big (a bigarray);
INSERT INTO boxes_big SELECT bigarray_create('float8', 2000, 8192);
SELECT ba_fill(a, 1, '{1,5}'::int8[], '{2000,5}'::int8[]) IS NOT NULL FROM boxes_big;
SET bigarray.page_size = '32kB';
SELECT ba_get(a, '{1,1}'::int8[]) FROM boxes_big;
SET bigarray.page_size = '64kB';
SELECT is(ba_slice(a, '{1,5}'::int8[], '{2000,5}'::int8[]), array_fill(1::float8, '{2000,1}'),
	'a column of a 2000 x 8192 matrix') FROM boxes_big;
SELECT is(bigarray_cache_loads(), 2000::int8, 'reading a column loads one page per row');
SELECT is(ba_slice(a, '{11,6}'::int8[], '{13,100}'::int8[]), array_fill(0::float8, '{3,95}'),
	'a 3 x 95 box beside it') FROM boxes_big;

-- errors: the offending axis in the message
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{1,2}'::int8[])$$, '2202E',
	'number of entries in bigarray index (2) does not match the number of dimensions of the array (3)', 'get: too few indices');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{1,2,3,4}'::int8[])$$, '2202E',
	'number of entries in bigarray index (4) does not match the number of dimensions of the array (3)', 'get: too many indices');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{}'::int8[])$$, '2202E',
	'number of entries in bigarray index (0) does not match the number of dimensions of the array (3)', 'get: no index');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{1,6,1}'::int8[])$$, '2202E',
	'bigarray index 6 is out of bounds on axis 2', 'get: beyond axis 2');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{0,1,1}'::int8[])$$, '2202E',
	'bigarray index 0 is out of bounds on axis 1', 'get: 0 on axis 1');
SELECT throws_ok($$SELECT ba_get_int8(arr('int8'), '{1,1,-1}'::int8[])$$, '2202E',
	'bigarray index -1 is out of bounds on axis 3', 'get_int8: negative on axis 3');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{{1,1,1}}'::int8[])$$, '2202E',
	'bigarray index must be a one-dimensional array', 'get: a 2-D index');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{1,NULL,1}'::int8[])$$, '22004',
	'bigarray index must not contain nulls', 'get: a NULL entry');
SELECT throws_ok($$SELECT ba_get(arr('float8'), '{1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1}'::int8[])$$, '2202E',
	'number of entries in bigarray index (17) exceeds the maximum number of dimensions (16)',
	'get: 17 entries');
SELECT is(ba_get(arr('float8'), NULL::int8[]), NULL, 'get: NULL index gives NULL (strict)');
SELECT throws_ok($$SELECT ba_set(arr('float8'), '{5,1,1}'::int8[], 1)$$, '2202E',
	'bigarray index 5 is out of bounds on axis 1', 'set: beyond axis 1');
SELECT throws_ok($$SELECT ba_set(arr('int8'), '{1,1}'::int8[], 1::int8)$$, '2202E',
	'number of entries in bigarray index (2) does not match the number of dimensions of the array (3)', 'set int8: too few');
SELECT throws_ok($$SELECT ba_set(arr('float8'), NULL::int8[], 1)$$, '22004', NULL,
	'set: NULL index');
SELECT throws_ok($$SELECT ba_set(arr('float8'), '{1,1,1}'::int8[], NULL::float8)$$, '22004', NULL,
	'set: NULL value');
SELECT throws_ok($$SELECT ba_set(arr('int2'), '{1,1,1}'::int8[], 40000)$$, '22003', NULL,
	'set: a value int2 cannot hold');
SELECT throws_ok($$SELECT ba_slice(arr('float8'), '{1,1,1}'::int8[], '{4,6,6}'::int8[])$$, '2202E',
	'bigarray hi 6 is out of bounds on axis 2', 'slice: hi beyond axis 2');
SELECT throws_ok($$SELECT ba_slice(arr('float8'), '{1,1,0}'::int8[], '{4,5,6}'::int8[])$$, '2202E',
	'bigarray lo 0 is out of bounds on axis 3', 'slice: lo below axis 3');
SELECT throws_ok($$SELECT ba_slice(arr('float8'), '{1,3,1}'::int8[], '{4,2,6}'::int8[])$$, '2202E',
	'bigarray box is empty on axis 2: lo 3 > hi 2', 'slice: lo > hi on axis 2');
SELECT throws_ok($$SELECT ba_slice_int8(arr('int8'), '{1,1}'::int8[], '{4,5,6}'::int8[])$$, '2202E',
	'number of entries in bigarray lo (2) does not match the number of dimensions of the array (3)', 'slice_int8: short lo');
SELECT throws_ok($$SELECT ba_slice(arr('float8'), '{1,1,1}'::int8[], '{4,5}'::int8[])$$, '2202E',
	'number of entries in bigarray hi (2) does not match the number of dimensions of the array (3)', 'slice: short hi');
SELECT is(ba_slice(arr('float8'), '{1,1,1}'::int8[], NULL), NULL, 'slice: NULL hi gives NULL');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{1,1,1}'::int8[], '{{1,2},{3,4}}'::float8[])$$,
	'2202E', 'cannot write a 2-dimensional array into a 3-dimensional bigarray',
	'set_slice: fewer dimensions than the array');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{3,1,1}'::int8[], array_fill(1, '{3,1,1}'))$$,
	'2202E', 'bigarray hi 5 is out of bounds on axis 1', 'set_slice: beyond axis 1');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{1,1}'::int8[], array_fill(1, '{1,1,1}'))$$,
	'2202E', 'number of entries in bigarray lo (2) does not match the number of dimensions of the array (3)', 'set_slice: short lo');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{1,1,9223372036854775807}'::int8[], array_fill(1, '{1,1,2}'))$$,
	'2202E', 'bigarray lo 9223372036854775807 is out of bounds on axis 3',
	'set_slice: the end overflows int8');
SELECT throws_ok($$SELECT ba_set_slice(arr('int2'), '{1,1,1}'::int8[], '{{{1,70000}}}'::int4[])$$,
	'22003', NULL, 'set_slice: a value int2 cannot hold');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{1,1,1}'::int8[], '{{{1,NULL}}}'::int4[])$$,
	'22004', NULL, 'set_slice: a NULL element');
SELECT throws_ok($$SELECT ba_set_slice(arr('float8'), '{1,1,1}'::int8[], '{{{1}}}'::numeric[])$$,
	'22023', NULL, 'set_slice: a type bigarray cannot hold');
SELECT throws_ok($$SELECT ba_fill(arr('float8'), 1, '{1,1,1}'::int8[], '{4,5,7}'::int8[])$$, '2202E',
	'bigarray hi 7 is out of bounds on axis 3', 'fill: beyond axis 3');
SELECT throws_ok($$SELECT ba_fill(arr('float8'), 1::int8, '{2,1,1}'::int8[], '{1,5,6}'::int8[])$$, '2202E',
	'bigarray box is empty on axis 1: lo 2 > hi 1', 'fill int8: lo > hi on axis 1');
SELECT throws_ok($$SELECT ba_fill(arr('int4'), 1e10, '{1,1,1}'::int8[], '{1,1,1}'::int8[])$$, '22003', NULL,
	'fill: a value int4 cannot hold');
SELECT throws_ok($$SELECT ba_fill(arr('float8'), 1, NULL, '{1,1,1}'::int8[])$$, '22004', NULL,
	'fill: NULL lo');
SELECT throws_ok($$SELECT ba_to_bytea(arr('float8'), '{1,1,1}'::int8[], '{1,1,7}'::int8[])$$, '2202E',
	'bigarray hi 7 is out of bounds on axis 3', 'to_bytea: beyond axis 3');
SELECT throws_ok($$SELECT ba_set_bytea(arr('float8'), '{1,1,1}'::int8[], '{1,1,2}'::int8[], '\x00'::bytea)$$,
	'2202E', 'a bytea does not match the size of the box',
	'set_bytea: too few bytes');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int2'), '{1,1,1}'::int8[], '{1,1,1}'::int8[], '\x000000'::bytea)$$,
	'2202E', 'a bytea does not match the size of the box',
	'set_bytea: too many bytes');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int2'), '{1,1,1}'::int8[], '{1,1,1}'::int8[], NULL)$$,
	'22004', NULL, 'set_bytea: NULL bytes');
SELECT throws_ok($$SELECT ba_set_bytea(arr('int2'), '{1,2,1}'::int8[], '{1,1,1}'::int8[], '\x0000'::bytea)$$,
	'2202E', 'bigarray box is empty on axis 2: lo 2 > hi 1', 'set_bytea: lo > hi');
-- box and axis reductions against SQL aggregates over the native array
CREATE FUNCTION agg_ref(f text, x int4[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$SELECT CASE f WHEN 'sum' THEN sum(e)::float8 WHEN 'min' THEN min(e)::float8
	  WHEN 'max' THEN max(e)::float8 ELSE avg(e)::float8 END FROM unnest(x) e$$;
-- the reference of ba_<f>(a, axis => k) for a 3-D native array
CREATE FUNCTION axis_ref(f text, v int4[], k int) RETURNS float8[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	n int[] := ARRAY[array_length(v, 1), array_length(v, 2), array_length(v, 3)];
	d int[] := n[:k - 1] || n[k + 1:];
	r float8[] := array_fill(NULL::float8, d);
BEGIN
	FOR p IN 1 .. d[1] LOOP
		FOR q IN 1 .. d[2] LOOP
			r[p][q] := agg_ref(f, CASE k WHEN 1 THEN v[:][p:p][q:q]
				WHEN 2 THEN v[p:p][:][q:q] ELSE v[p:p][q:q][:] END);
		END LOOP;
	END LOOP;
	RETURN r;
END$$;
SELECT is((SELECT count(*) FROM boxes_nat, (VALUES
	(1, 4, 1, 5, 1, 6), (2, 3, 1, 5, 1, 6), (2, 2, 3, 3, 4, 4), (1, 4, 2, 2, 1, 6),
	(3, 4, 2, 4, 2, 5), (1, 1, 1, 1, 1, 6)) AS b(l1, h1, l2, h2, l3, h3)
	WHERE ba_sum(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3]) IS DISTINCT FROM agg_ref('sum', v[l1:h1][l2:h2][l3:h3])
	   OR ba_min(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3]) IS DISTINCT FROM agg_ref('min', v[l1:h1][l2:h2][l3:h3])
	   OR ba_max(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3]) IS DISTINCT FROM agg_ref('max', v[l1:h1][l2:h2][l3:h3])
	   OR ba_mean(a, ARRAY[l1, l2, l3], ARRAY[h1, h2, h3]) IS DISTINCT FROM agg_ref('mean', v[l1:h1][l2:h2][l3:h3])),
	0::int8, 'ba_sum/min/max/mean over boxes equal the aggregates of the native slice, every dtype');
SELECT is((SELECT count(*) FROM boxes_nat, generate_series(1, 3) k
	WHERE ba_sum(a, axis => k) IS DISTINCT FROM axis_ref('sum', v, k)
	   OR ba_min(a, axis => k) IS DISTINCT FROM axis_ref('min', v, k)
	   OR ba_max(a, axis => k) IS DISTINCT FROM axis_ref('max', v, k)
	   OR ba_mean(a, axis => k) IS DISTINCT FROM axis_ref('mean', v, k)),
	0::int8, 'ba_sum/min/max/mean along each axis equal the native aggregates, every dtype');
SELECT is(ba_sum(bigarray_from('{1.5,2,4}'::float8[]), axis => 1), '{7.5}'::float8[],
	'a 1-D array gives a 1-element result');
SELECT is(ba_max(bigarray_from('{{1,5},{7,2}}'::int2[]), 2), '{5,7}'::float8[],
	'the axis also positionally: row maxima of a 2 x 2');
SELECT is(ba_sum(bigarray_from('{{9223372036854775807,1},{-9223372036854775807,2}}'::int8[]), axis => 1),
	'{0,3}'::float8[], 'int8 axis sums are exact');
SELECT is(ba_max(bigarray_from('{{1,NaN},{2,3}}'::float8[]), axis => 1), '{2,NaN}'::float8[],
	'NaN propagates along an axis');
SELECT is(ba_sum(bigarray_create('float8', 0, 3), axis => 1), '{0,0,0}'::float8[],
	'the sum along an empty axis is 0');
SELECT is(ba_min(bigarray_create('float8', 0, 3), axis => 1), '{NULL,NULL,NULL}'::float8[],
	'the min along an empty axis is NULL');
SELECT is(ba_mean(bigarray_create('float8', 3, 0), axis => 1), '{}'::float8[],
	'no output elements: an empty array');
SELECT is(ba_sum(bigarray_create('float8', 2, 1, 1, 1, 1, 1, 3), axis => 2),
	array_fill(0::float8, '{2,1,1,1,1,3}'), 'a 7-D array summed to 6-D');
SELECT throws_ok($$SELECT ba_sum(arr('float8'), axis => 4)$$, '2202E',
	'bigarray axis 4 is out of range', 'axis beyond the dimensions');
SELECT throws_ok($$SELECT ba_mean(arr('float8'), axis => 0)$$, '2202E',
	'bigarray axis 0 is out of range', 'axis 0');
SELECT throws_ok($$SELECT ba_sum(bigarray_create('float8', 1, 1, 1, 1, 1, 1, 1, 2), axis => 1)$$,
	'54000', NULL, 'an axis result of 7 dimensions');
SELECT is(ba_min(arr('float8'), NULL::int4), NULL, 'a NULL axis gives NULL');
SELECT throws_ok($$SELECT ba_sum(arr('float8'), '{1,1,1}'::int8[], '{4,5}'::int8[])$$, '2202E',
	'number of entries in bigarray hi (2) does not match the number of dimensions of the array (3)', 'box sum: short hi');
SELECT throws_ok($$SELECT ba_max(arr('float8'), '{1,3,1}'::int8[], '{4,2,6}'::int8[])$$, '2202E',
	'bigarray box is empty on axis 2: lo 3 > hi 2', 'box max: lo > hi on axis 2');
SELECT throws_ok($$SELECT ba_sum(ba_fill(bigarray_create('float8', 2, 2), 1e308), '{1,1}'::int8[], '{2,2}'::int8[])$$,
	'22003', NULL, 'box sum: overflow from finite values');

-- native arrays' limits: 54000
CREATE TABLE boxes_huge (a bigarray);
INSERT INTO boxes_huge VALUES (bigarray_create('float8', 200000000, 1)),
	(bigarray_create('int2', 1, 1, 1, 1, 1, 1, 2));
SELECT throws_ok($$SELECT ba_slice(a, '{1,1}'::int8[], '{200000000,1}'::int8[]) FROM boxes_huge WHERE ba_ndim(a) = 2$$,
	'54000', NULL, 'slice: more elements than a native array holds');
SELECT throws_ok($$SELECT ba_to_bytea(a, '{1,1}'::int8[], '{200000000,1}'::int8[]) FROM boxes_huge WHERE ba_ndim(a) = 2$$,
	'54000', NULL, 'to_bytea: more than a bytea holds');
SELECT throws_ok($$SELECT ba_slice(a, '{1,1,1,1,1,1,1}'::int8[], '{1,1,1,1,1,1,2}'::int8[]) FROM boxes_huge WHERE ba_ndim(a) = 7$$,
	'54000', NULL, 'slice: more dimensions than a native array has');
SELECT is(ba_get(a, '{1,1,1,1,1,1,2}'::int8[]), 0::float8, 'a 7-D array is read by index')
	FROM boxes_huge WHERE ba_ndim(a) = 7;

-- reshape: same elements in C order, metadata only
CREATE TABLE boxes_r (a bigarray);
INSERT INTO boxes_r SELECT bigarray_from(ARRAY(SELECT g::float8 FROM generate_series(1, 24) g));
SELECT is(ba_shape(ba_reshape(a, 2, 3, 4)), '{2,3,4}'::int8[], 'reshape to 2 x 3 x 4') FROM boxes_r;
SELECT is(ba_to_array(a), (SELECT array_agg(p ORDER BY i) FROM (SELECT i,
	(SELECT array_agg(r ORDER BY j) FROM (SELECT j, (SELECT array_agg((12 * i + 4 * j + k + 1)::float8 ORDER BY k)
	 FROM generate_series(0, 3) k) r FROM generate_series(0, 2) j) x) p FROM generate_series(0, 1) i) y),
	'the elements in C order under the new shape') FROM boxes_r;
SELECT is(ba_get(a, '{2,1,3}'::int8[]), 15::float8, 'indexed by the new shape') FROM boxes_r;
SELECT is(ba_reshape(a, 24), a, 'reshape returns the same handle') FROM boxes_r;
SELECT throws_ok($$SELECT ba_reshape(a, 5, 5) FROM boxes_r$$, '2202E',
	'cannot reshape a bigarray of shape {24} to shape {5,5}', 'reshape: other size');
SELECT throws_ok($$SELECT ba_reshape(a, -4, -6) FROM boxes_r$$, '22023', NULL,
	'reshape: negative dimensions');
SELECT throws_ok($$SELECT ba_reshape(a, VARIADIC '{1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,24}'::int8[]) FROM boxes_r$$,
	'54000', NULL, 'reshape: 17 dimensions');
SELECT throws_ok($$SELECT ba_reshape(a, VARIADIC NULL::int8[]) FROM boxes_r$$, '22004', NULL,
	'reshape: NULL shape');
SELECT throws_ok($$SELECT ba_reshape(a, 4, NULL) FROM boxes_r$$, '22004', NULL,
	'reshape: a NULL dimension');
SELECT throws_ok($$SELECT ba_reshape(a, VARIADIC '{}'::int8[]) FROM boxes_r$$, '22023', NULL,
	'reshape: no dimension');
SELECT is(ba_shape(a), '{24}'::int8[], 'failed reshapes changed nothing') FROM boxes_r;

-- reshape is transactional: ROLLBACK, ROLLBACK TO SAVEPOINT, a caught
-- exception put the old shape back
BEGIN;
SELECT ba_reshape(a, 4, 6) IS NOT NULL FROM boxes_r;
SELECT is(ba_shape(a), '{4,6}'::int8[], 'the transaction sees its reshape') FROM boxes_r;
ROLLBACK;
SELECT is(ba_shape(a), '{24}'::int8[], 'ROLLBACK restores the shape') FROM boxes_r;
BEGIN;
SELECT ba_reshape(a, 2, 12) IS NOT NULL FROM boxes_r;
SAVEPOINT s1;
SELECT ba_reshape(a, 3, 8) IS NOT NULL FROM boxes_r;
SELECT ba_set(a, '{3,8}'::int8[], -1) IS NOT NULL FROM boxes_r;
SAVEPOINT s2;
SELECT ba_reshape(a, 2, 2, 6) IS NOT NULL FROM boxes_r;
ROLLBACK TO s2;
SELECT is(ba_shape(a), '{3,8}'::int8[], 'ROLLBACK TO s2 restores 3 x 8') FROM boxes_r;
ROLLBACK TO s1;
SELECT is(ba_shape(a), '{2,12}'::int8[], 'ROLLBACK TO s1 restores 2 x 12') FROM boxes_r;
SELECT is(ba_get(a, '{2,12}'::int8[]), 24::float8, 'and the element written after s1 is undone')
	FROM boxes_r;
DO $$BEGIN PERFORM ba_reshape(a, 6, 4) FROM boxes_r; PERFORM 1 / 0;
EXCEPTION WHEN division_by_zero THEN NULL; END$$;
SELECT is(ba_shape(a), '{2,12}'::int8[], 'a caught exception restores the shape') FROM boxes_r;
COMMIT;
SELECT is(ba_shape(a), '{2,12}'::int8[], 'COMMIT keeps 2 x 12') FROM boxes_r;

-- a reshape first written in a savepoint that is rolled back
BEGIN;
SAVEPOINT s;
SELECT ba_reshape(a, 12, 2) IS NOT NULL FROM boxes_r;
ROLLBACK TO s;
SELECT is(ba_shape(a), '{2,12}'::int8[], 'ROLLBACK TO of the first write restores the shape')
	FROM boxes_r;
COMMIT;

-- a second session sees the committed shape, not an uncommitted one, and
-- follows a commit after it had read the array
SELECT 'dbname=' || current_database() || ' port=' || current_setting('port') ||
	' host=' || split_part(current_setting('unix_socket_directories'), ',', 1) AS conn \gset
SELECT dblink_connect('other', :'conn');
SELECT a AS handle FROM boxes_r \gset
BEGIN;
SELECT ba_reshape(a, 4, 3, 2) IS NOT NULL FROM boxes_r;
SELECT is((SELECT s FROM dblink('other', $$SELECT ba_shape('$$ || :'handle' || $$'::bigarray)$$)
	AS t(s int8[])), '{2,12}'::int8[], 'another session does not see an uncommitted reshape');
COMMIT;
SELECT is((SELECT s FROM dblink('other', $$SELECT ba_shape('$$ || :'handle' || $$'::bigarray)$$)
	AS t(s int8[])), '{4,3,2}'::int8[], 'another session sees the committed shape');
SELECT is((SELECT g FROM dblink('other', $$SELECT ba_get('$$ || :'handle' || $$'::bigarray, '{4,3,2}'::int8[])$$)
	AS t(g float8)), 24::float8, 'and indexes by it');
SELECT dblink_disconnect('other');

SELECT * FROM finish();
DROP TABLE boxes_nat, boxes_i8, boxes_big, boxes_huge, boxes_r;
DROP FUNCTION nat(regtype), arr(regtype), agg_ref(text, int4[]), axis_ref(text, int4[], int);
DROP EXTENSION dblink;
