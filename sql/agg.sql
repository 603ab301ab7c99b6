-- agg: bigarray_agg(value ORDER BY ...) builds a 1-D array of the input's
-- type, appending a chunk at a time.
SELECT ba_dtype(x), ba_shape(x), ba_slice(x, 1, 5)
FROM (SELECT bigarray_agg(v ORDER BY v DESC) AS x FROM generate_series(1, 5) v) s;
SELECT ba_dtype(bigarray_agg(v::float8)), ba_dtype(bigarray_agg(v::float4)),
       ba_dtype(bigarray_agg(v::int8)), ba_dtype(bigarray_agg(v::int4)),
       ba_dtype(bigarray_agg(v::int2))
FROM generate_series(1, 3) v;
SELECT ba_slice(bigarray_agg(v), 1, 3) FROM unnest('{0.5,-1.25,1e300}'::float8[]) v;
SELECT ba_slice(bigarray_agg(v), 1, 2) FROM unnest('{0.1,-3}'::float4[]) v;
SELECT ba_slice_int8(bigarray_agg(v ORDER BY v), 1, 2)
FROM unnest('{9223372036854775807,9007199254740993}'::int8[]) v;
SELECT ba_slice(bigarray_agg(v ORDER BY v), 1, 2) FROM unnest('{32767,-32768}'::int2[]) v;

-- no rows: NULL, like array_agg
SELECT bigarray_agg(v) IS NULL FROM generate_series(1, 0) v;

-- per group
SELECT g, ba_shape(x), ba_slice(x, 1, 3)
FROM (SELECT v % 3 AS g, bigarray_agg(v ORDER BY v) AS x FROM generate_series(1, 9) v GROUP BY 1) s
ORDER BY g;

-- 300,000 rows: more than two 1 MiB chunks of float8 (131072 each).
-- descending, so element i holds 300001 - i; sum 45000150000
CREATE TEMP TABLE big AS
	SELECT bigarray_agg(v::float8 ORDER BY v DESC) AS a FROM generate_series(1, 300000) v;
SELECT ba_size(a), ba_sum(a), ba_get(a, 1), ba_get(a, 300000),
       ba_slice(a, 131071, 131074), ba_slice(a, 262143, 262146)
FROM big;
SELECT bool_and(u.v = 300001 - u.i) FROM big, ba_unnest(big.a) u;
-- int2: 300,000 values 1..1000 repeating; the sum, 300 * 500500, is far
-- beyond int2 (sums accumulate wider)
SELECT ba_size(x), ba_sum(x), ba_min(x), ba_max(x)
FROM (SELECT bigarray_agg((1 + (v - 1) % 1000)::int2 ORDER BY v) AS x
      FROM generate_series(1, 300000) v) s;

-- the result is a registered array like any other
SELECT EXISTS (SELECT 1 FROM bigarray_objects o WHERE o.loid = ba_oid(a)) FROM big;
