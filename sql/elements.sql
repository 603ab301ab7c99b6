-- elements: get/set, slices, fill, append, resize, unnest and bytea for
-- every dtype.  Each statement runs in its own transaction unless a BEGIN
-- says otherwise.
CREATE TEMP TABLE arrays (dtype regtype PRIMARY KEY, a bigarray);
INSERT INTO arrays
	SELECT d, bigarray_create(d, 6)
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;

-- set and get: integers every dtype holds
SELECT count(ba_set(a, 1, 7)), count(ba_set(a, 6, -3)) FROM arrays;
SELECT dtype, ba_get(a, 1), ba_get(a, 6), ba_get(a, 2) FROM arrays ORDER BY dtype::text;
-- ba_set returns the same handle
SELECT bool_and(ba_set(a, 2, 0) = a) FROM arrays;

-- halves: kept by floats, rounded half to even by integers (like ::int)
SELECT count(ba_set(a, 2, 2.5)), count(ba_set(a, 3, 3.5)), count(ba_set(a, 4, -2.5))
FROM arrays;
SELECT dtype, ba_slice(a, 1, 6) FROM arrays ORDER BY dtype::text;

-- float4 holds the float4 nearest to a float8
SELECT ba_get(ba_set(a, 5, 0.1), 5) = 0.1::float4::float8 AS float4_rounds,
       ba_get(a, 5) = 0.1 AS not_float8
FROM arrays WHERE dtype = 'float4'::regtype;

-- int8 round-trips exactly beyond 2^53 through the int8 overloads; the
-- float8 accessors give the nearest float8
SELECT ba_get_int8(ba_set(a, 5, 9007199254740993), 5) AS exact,
       ba_get(a, 5) AS as_float8
FROM arrays WHERE dtype = 'int8'::regtype;
SELECT ba_get_int8(ba_set(a, 5, 9223372036854775807::int8), 5),
       ba_get_int8(ba_set(a, 4, (-9223372036854775807 - 1)::int8), 4),
       ba_slice_int8(a, 4, 5)
FROM arrays WHERE dtype = 'int8'::regtype;
-- an int4 argument goes to the float8 overload, exact for every int4
SELECT ba_get_int8(ba_set(a, 5, 2147483647), 5) FROM arrays WHERE dtype = 'int8'::regtype;
-- the int8 overload into float dtypes rounds like int8::float8 / ::float4
SELECT dtype, ba_get(ba_set(a, 5, 9007199254740993::int8), 5) FROM arrays
WHERE dtype IN ('float8'::regtype, 'float4') ORDER BY dtype::text;
-- ba_get_int8 of floats rounds like float8::int8
SELECT ba_get_int8(a, 2), ba_get_int8(a, 3), ba_get_int8(a, 4) FROM arrays
WHERE dtype = 'float8'::regtype;

-- slices: ranges inclusive, lo > hi is empty
SELECT dtype, ba_slice(a, 2, 4), ba_slice(a, 6, 6), ba_slice(a, 4, 3), ba_slice(a, 100, 1)
FROM arrays ORDER BY dtype::text;
SELECT dtype, ba_slice_int8(a, 1, 3), ba_slice_int8(a, 2, 1) FROM arrays
WHERE dtype <> 'int8'::regtype ORDER BY dtype::text;

-- ba_to_array: the whole array, shaped
SELECT ba_to_array('{{1,2,3},{4,5,6}}'::int2[]::bigarray),
       ba_to_array(bigarray_from('{{{1.5}},{{-2}}}'::float4[])),
       ba_to_array(bigarray_create('int4', 2, 0)),
       ba_to_array_int8('{{9223372036854775807},{-9007199254740993}}'::int8[]::bigarray);

-- ba_set_slice from every native type into every dtype
SELECT count(ba_fill(a, 0)) FROM arrays;
SELECT count(ba_set_slice(a, 1, '{10,-20}'::int2[])) FROM arrays;
SELECT count(ba_set_slice(a, 3, '{1000}'::int4[])) FROM arrays;
SELECT count(ba_set_slice(a, 4, '{-5}'::int8[])) FROM arrays;
SELECT count(ba_set_slice(a, 5, '{0.5,1.5}'::float4[])) FROM arrays;
SELECT dtype, ba_slice(a, 1, 6) FROM arrays ORDER BY dtype::text;
-- a 2-D value is written flattened; an empty one writes nothing
SELECT count(ba_set_slice(a, 3, '{{2.5,3},{4,5}}'::float8[])) FROM arrays;
SELECT count(ba_set_slice(a, 1, '{}'::float8[])) FROM arrays;
SELECT dtype, ba_slice(a, 1, 6) FROM arrays ORDER BY dtype::text;

-- fill: whole array and a range, float8 and int8 values
SELECT count(ba_fill(a, 1.5)) FROM arrays;
SELECT count(ba_fill(a, -9, 2, 3)) FROM arrays;
SELECT count(ba_fill(a, 4, 6, 5)) FROM arrays;
SELECT dtype, ba_slice(a, 1, 6) FROM arrays ORDER BY dtype::text;
SELECT dtype, ba_slice_int8(ba_fill(a, 4611686018427387905::int8, 5, 6), 4, 6)
FROM arrays WHERE dtype IN ('int8'::regtype, 'float8', 'float4') ORDER BY dtype::text;
SELECT dtype, ba_slice(ba_fill(a, 12::int8), 1, 6) FROM arrays
WHERE dtype IN ('int4'::regtype, 'int2') ORDER BY dtype::text;

-- more than one chunk (1 MiB = 262144 int4): values across the boundary
CREATE TEMP TABLE big AS
	SELECT ba_set_slice(bigarray_create('int4', 300000), 1,
	                    array(SELECT generate_series(1, 300000))) AS a;
SELECT ba_slice(a, 262142, 262146), ba_get(a, 300000), ba_get(a, 1) FROM big;
SELECT ba_slice(ba_fill(ba_copy(a), 7, 262143, 262145), 262142, 262146) FROM big;

-- append: 1-D grows by any count
CREATE TEMP TABLE v (name text PRIMARY KEY, a bigarray);
INSERT INTO v VALUES ('vec', '{1,2}'::int4[]::bigarray),
                     ('mat', '{{1,2,3},{4,5,6}}'::float8[]::bigarray);
SELECT ba_shape(ba_append(a, '{3,4,5}'::int8[])), ba_slice(a, 1, 5) FROM v WHERE name = 'vec';
SELECT ba_shape(ba_append(a, '{}'::int2[])) FROM v WHERE name = 'vec';
-- append: n-D grows by whole rows
SELECT ba_shape(ba_append(a, '{7,8,9}'::int2[])) FROM v WHERE name = 'mat';
SELECT ba_shape(ba_append(a, '{{10,11,12},{13,14,15}}'::float4[])), ba_slice(a, 1, 15)
FROM v WHERE name = 'mat';

-- resize: grows with zeros, shrinks by dropping the tail; what was dropped
-- does not come back when it grows again, in one transaction or across
SELECT ba_slice(ba_resize(a, 7), 1, 7) FROM v WHERE name = 'vec';
SELECT ba_slice(ba_resize(a, 2), 1, 2) FROM v WHERE name = 'vec';
SELECT ba_slice(ba_resize(a, 4), 1, 4) FROM v WHERE name = 'vec';
BEGIN;
SELECT ba_slice(ba_set_slice(a, 3, '{3,4}'::int4[]), 1, 4) FROM v WHERE name = 'vec';
SELECT ba_shape(ba_resize(a, 1)) FROM v WHERE name = 'vec';
SELECT ba_slice(ba_resize(a, 4), 1, 4) FROM v WHERE name = 'vec';
COMMIT;
SELECT ba_slice(a, 1, 4) FROM v WHERE name = 'vec';
-- n-D: whole rows
SELECT ba_shape(ba_resize(a, 6)), ba_slice(a, 1, 6) FROM v WHERE name = 'mat';
SELECT ba_shape(ba_resize(a, 12)), ba_slice(a, 1, 12) FROM v WHERE name = 'mat';
SELECT ba_shape(ba_resize(a, 0)), ba_size(a) FROM v WHERE name = 'mat';
SELECT ba_shape(ba_append(a, '{1,2,3}'::int4[])), ba_slice(a, 1, 3) FROM v WHERE name = 'mat';

-- unnest: (i, v) for all elements or a range
SELECT * FROM ba_unnest('{1.5,2,-3}'::float8[]::bigarray);
SELECT * FROM ba_unnest('{{1,2},{3,4}}'::int2[]::bigarray, 2, 3);
SELECT count(*) FROM ba_unnest('{1,2}'::int4[]::bigarray, 2, 1);
SELECT count(*) FROM ba_unnest(bigarray_create('float8', 0));
-- 300,000 rows stream in batches; sums are n(n+1)/2 = 45000150000
SELECT count(*), sum(u.v), sum(u.i), min(u.i), max(u.i), bool_and(u.v = u.i)
FROM big, ba_unnest(big.a) u;
SELECT u.* FROM big, ba_unnest(big.a, 65534, 65538) u;
SELECT u.* FROM big, ba_unnest(big.a) u LIMIT 3;

-- bytea: raw little-endian elements
SELECT ba_to_bytea('{1,2}'::int4[]::bigarray),
       ba_to_bytea('{-1,256}'::int2[]::bigarray),
       ba_to_bytea('{-2}'::int8[]::bigarray),
       ba_to_bytea('{1}'::float8[]::bigarray),
       ba_to_bytea('{1}'::float4[]::bigarray);
SELECT ba_to_bytea('{1,2,3}'::int2[]::bigarray, 2, 3),
       ba_to_bytea('{1,2,3}'::int2[]::bigarray, 3, 2);
SELECT ba_dtype(x), ba_shape(x), ba_slice(x, 1, 2)
FROM (SELECT ba_from_bytea('int2', '\xffff0001') AS x) s;
SELECT ba_shape(ba_from_bytea('float8', ''));
SELECT ba_slice(ba_from_bytea('float4', ba_to_bytea('{0.5,-2,1e30}'::float4[]::bigarray)), 1, 3);
SELECT ba_sum(ba_from_bytea('int4', ba_to_bytea(a))) FROM big;
