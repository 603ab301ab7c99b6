-- reduce: sums, means, extremes, dot products, in-place add and scale, for
-- every dtype.  Expected values are closed forms: for 1..n the sum is
-- n(n+1)/2, the sum of squares n(n+1)(2n+1)/6.
CREATE TEMP TABLE r (dtype regtype PRIMARY KEY, a bigarray);
-- 1..1000 (fits int2), as every dtype
INSERT INTO r
	SELECT d, ba_set_slice(bigarray_create(d, 1000), 1, array(SELECT generate_series(1, 1000)))
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;

-- whole array: sum 500500, mean 500.5, min 1, max 1000
SELECT dtype, ba_sum(a), ba_mean(a), ba_min(a), ba_max(a) FROM r ORDER BY dtype::text;
-- a range: 10..20 sums to 165, mean 15
SELECT dtype, ba_sum(a, 10, 20), ba_mean(a, 10, 20), ba_min(a, 10, 20), ba_max(a, 10, 20)
FROM r ORDER BY dtype::text;
-- one element, and an empty range (sum 0, the rest NULL)
SELECT dtype, ba_sum(a, 7, 7), ba_mean(a, 7, 7), ba_min(a, 7, 7), ba_max(a, 7, 7)
FROM r ORDER BY dtype::text;
SELECT dtype, ba_sum(a, 5, 4), ba_mean(a, 5, 4) IS NULL AS mean_null,
       ba_min(a, 5, 4) IS NULL AS min_null, ba_max(a, 5, 4) IS NULL AS max_null
FROM r ORDER BY dtype::text;
SELECT ba_sum(x), ba_mean(x), ba_min(x), ba_max(x)
FROM (SELECT bigarray_create('float8', 0) AS x) s;
-- negative values (-1000..-1): extremes and sums see the sign
SELECT count(ba_scale(a, -1)) FROM r;
SELECT dtype, ba_min(a), ba_max(a), ba_sum(a), ba_mean(a) FROM r ORDER BY dtype::text;
SELECT count(ba_scale(a, -1)) FROM r;

-- dot with itself: 1000*1001*2001/6 = 333833500; across dtypes too
SELECT r1.dtype, r2.dtype, ba_dot(r1.a, r2.a)
FROM r r1, r r2 WHERE r1.dtype IN ('float8'::regtype, 'int2') ORDER BY r1.dtype::text, r2.dtype::text;

-- several chunks: 1..300000 as float8 (1 MiB = 131072 per chunk) and int2
-- (values 1..300000 mod 1000): sums 45000150000 and 300 * 500500 = 150150000
CREATE TEMP TABLE big AS
	SELECT ba_set_slice(bigarray_create('float8', 300000), 1,
	                    array(SELECT generate_series(1, 300000)::float8)) AS f,
	       ba_set_slice(bigarray_create('int2', 300000), 1,
	                    array(SELECT (1 + (i - 1) % 1000)::int2 FROM generate_series(1, 300000) i)) AS s;
SELECT ba_sum(f), ba_mean(f), ba_min(f), ba_max(f), ba_sum(s), ba_min(s), ba_max(s) FROM big;
-- a range across the chunk boundary at 131072: 131000..131200 sums to
-- 201 * 131100 = 26351100
SELECT ba_sum(f, 131000, 131200), ba_min(f, 131000, 131200), ba_max(f, 131000, 131200) FROM big;
-- sum of squares of 1..300000 = 300000*300001*600001/6 = 9000045000050000
SELECT ba_dot(f, f) FROM big;
-- float8 . int2 walks both in step: sum over i of i * (1 + (i-1) % 1000)
SELECT ba_dot(f, s) = (SELECT sum(i::numeric * (1 + (i - 1) % 1000)) FROM generate_series(1, 300000) i)
FROM big;

-- int8: exact integer sums, even when partial sums pass 2^63
SELECT ba_sum(x) = 2::float8 ^ 62 AS exact, ba_mean(x) = 2::float8 ^ 62 / 3 AS mean
FROM (SELECT '{4611686018427387904,4611686018427387904,-4611686018427387904}'::int8[]::bigarray AS x) s;
SELECT ba_min(x), ba_max(x)
FROM (SELECT '{9223372036854775807,-9223372036854775808}'::int8[]::bigarray AS x) s;

-- NaN and infinities, as in PostgreSQL's float8 aggregates: max is NaN if
-- any element is, min only if all are; inf - inf is NaN
SELECT ba_sum(x), ba_mean(x), ba_min(x), ba_max(x)
FROM (SELECT '{1,NaN,3}'::float8[]::bigarray AS x) s;
SELECT sum(v), avg(v), min(v), max(v) FROM unnest('{1,NaN,3}'::float8[]) v;
SELECT ba_sum(x), ba_min(x), ba_max(x) FROM (SELECT '{NaN,NaN}'::float4[]::bigarray AS x) s;
SELECT ba_sum(x), ba_min(x), ba_max(x) FROM (SELECT '{Infinity,1,-2}'::float8[]::bigarray AS x) s;
SELECT ba_sum(x), ba_min(x), ba_max(x) FROM (SELECT '{Infinity,-Infinity}'::float4[]::bigarray AS x) s;

-- ba_add: a += b for every pair of dtypes (b = 1..1000 as each dtype,
-- a = 2000 - i as each dtype), so a + b = 2000 everywhere
CREATE TEMP TABLE pairs AS
	SELECT r1.dtype AS da, r2.dtype AS db,
	       ba_scale(ba_set_slice(bigarray_create(r1.dtype, 1000), 1,
	                             array(SELECT i - 2000 FROM generate_series(1, 1000) i)), -1) AS a,
	       r2.a AS b
	FROM r r1, r r2;
SELECT count(ba_add(a, b)) FROM pairs;
SELECT da, db, ba_min(a), ba_max(a), ba_dtype(a) = da AS kept_dtype
FROM pairs ORDER BY da::text, db::text;
SELECT bool_and(ba_min(b) = 1 AND ba_max(b) = 1000) AS b_unchanged FROM pairs;
-- a += a doubles
SELECT ba_slice(ba_add(x, x), 1, 3)
FROM (SELECT '{1,-2,3}'::int2[]::bigarray AS x) s;
-- int8 += int8 is exact beyond 2^53
SELECT ba_slice_int8(ba_add(x, y), 1, 1)
FROM (SELECT '{9007199254740993}'::int8[]::bigarray AS x, '{4}'::int4[]::bigarray AS y) s;
-- float into integer: the float8 sum is rounded like a cast
SELECT ba_slice(ba_add(x, y), 1, 3)
FROM (SELECT '{1,1,1}'::int4[]::bigarray AS x, '{0.5,1.5,-3.5}'::float8[]::bigarray AS y) s;
-- several chunks, mixed dtypes: f + s then sum = 45000150000 + 150150000
SELECT ba_sum(ba_add(f, s)) FROM big;

-- ba_scale: float8 multiplication, integers rounded half to even
SELECT ba_slice(ba_scale(x, 0.5), 1, 4)
FROM (SELECT '{1,3,5,-3}'::int4[]::bigarray AS x) s;
SELECT ba_slice(ba_scale(x, 0.5), 1, 4)
FROM (SELECT '{1,3,5,-3}'::float4[]::bigarray AS x) s;
SELECT ba_slice_int8(ba_scale(x, 1), 1, 1)
FROM (SELECT '{123456789012}'::int8[]::bigarray AS x) s;
-- f holds f + s now: 2 * 45150300000
SELECT ba_sum(ba_scale(f, 2)) FROM big;
