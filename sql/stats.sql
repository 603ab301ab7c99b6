-- stats: the statistics (variances, argmin/argmax, NaN counts and
-- NaN-skipping forms, histogram, quantiles) against PostgreSQL's own
-- aggregates over the same values, the accuracy of sums against exact
-- numeric sums, the overflow rule, and every error with its SQLSTATE.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT pg_postmaster_start_time() AS started \gset
SELECT plan(611);

-- close(x, y): equal (NaN equals NaN, NULL NULL), or within 1e-12 relative
CREATE FUNCTION close(x float8, y float8) RETURNS bool LANGUAGE sql IMMUTABLE AS
	$$SELECT (x IS NULL AND y IS NULL) OR x = y OR abs(x - y) <= 1e-12 * abs(y)$$;

-- data sets: v the values (as float8), a the same as a bigarray of dtype
CREATE TABLE sets (name text PRIMARY KEY, v float8[], a bigarray);
CREATE FUNCTION add_set(name text, dtype regtype, v float8[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO sets SELECT %L, $1::%s[]::float8[], bigarray_from($1::%s[])', name, dtype, dtype)
		USING v;
END $$;
SELECT add_set('f8', 'float8', array(SELECT ((i * 7919) % 10007 - 5000) * 0.001 FROM generate_series(1, 10000) i));
SELECT add_set('f4', 'float4', array(SELECT ((i * 7919) % 10007 - 5000) * 0.25 FROM generate_series(1, 10000) i));
SELECT add_set('i8', 'int8', array(SELECT (i * 7919) % 20011 - 10000 FROM generate_series(1, 10000) i));
SELECT add_set('i4', 'int4', array(SELECT (i * 7919) % 20011 - 10000 FROM generate_series(1, 10000) i));
SELECT add_set('i2', 'int2', array(SELECT (i * 7919) % 20011 - 10000 FROM generate_series(1, 10000) i));
-- a large offset over a small spread: a naive sum of squares loses it all
SELECT add_set('offset', 'float8', array(SELECT 1e9 + (i * 37) % 101 FROM generate_series(1, 5000) i));
SELECT add_set('ties', 'float8', '{3,1,4,1,5,9,2,6,5,3,5,9,1}');
SELECT add_set('nan', 'float8', '{3,NaN,-1,4,NaN,-1,2}');
SELECT add_set('allnan', 'float4', '{NaN,NaN,NaN}');
SELECT add_set('inf', 'float8', '{1,Infinity,-5,2}');
SELECT add_set('infs', 'float8', '{-Infinity,1,Infinity}');
SELECT add_set('one', 'float8', '{42}');
SELECT add_set('empty', 'float8', '{}');
-- several chunks (1 MiB = 131072 float8)
SELECT add_set('big', 'float8', array(SELECT sin(i) * 1000 + i * 0.01 FROM generate_series(1, 300000) i));

-- variances and standard deviations: as var_samp, var_pop, stddev_samp,
-- stddev_pop over the same values (to 1e-12: the order of additions differs)
SELECT ok(close(ba_var(a), (SELECT var_samp(x) FROM unnest(v) x)), name || ': var')
FROM sets ORDER BY name;
SELECT ok(close(ba_var_pop(a), (SELECT var_pop(x) FROM unnest(v) x)), name || ': var_pop')
FROM sets ORDER BY name;
SELECT ok(close(ba_stddev(a), (SELECT stddev_samp(x) FROM unnest(v) x)), name || ': stddev')
FROM sets ORDER BY name;
SELECT ok(close(ba_stddev_pop(a), (SELECT stddev_pop(x) FROM unnest(v) x)), name || ': stddev_pop')
FROM sets ORDER BY name;
-- and over ranges, also across a chunk boundary
SELECT ok(close(ba_var(a, lo, hi), (SELECT var_samp(x) FROM unnest(v[lo:hi]) x)), format('%s: var %s..%s', name, lo, hi))
FROM sets, (VALUES (2, 5), (3, 3), (4, 3), (130000, 140000)) r(lo, hi)
WHERE hi <= cardinality(v) ORDER BY name, lo;
SELECT ok(close(ba_stddev_pop(a, lo, hi), (SELECT stddev_pop(x) FROM unnest(v[lo:hi]) x)), format('%s: stddev_pop %s..%s', name, lo, hi))
FROM sets, (VALUES (2, 5), (3, 3), (4, 3), (130000, 140000)) r(lo, hi)
WHERE hi <= cardinality(v) ORDER BY name, lo;
-- numerically stable: the exact variance of the offset set, from numeric
SELECT ok(abs(ba_var(a) - (SELECT var_samp(x::numeric) FROM unnest(v) x)::float8) < 1e-9 * ba_var(a),
          'offset: var as exact as numeric''s')
FROM sets WHERE name = 'offset';
-- NULL for too few elements, 0 for one in the population forms
SELECT is(ba_var(a), NULL, 'one: var NULL') FROM sets WHERE name = 'one';
SELECT is(ba_var_pop(a), 0::float8, 'one: var_pop 0') FROM sets WHERE name = 'one';
SELECT is(ba_var_pop(a), NULL, 'empty: var_pop NULL') FROM sets WHERE name = 'empty';
SELECT is(ba_var(a), 'NaN'::float8, name || ': var NaN') FROM sets WHERE name IN ('nan', 'inf', 'infs') ORDER BY name;
SELECT is(ba_var_pop(x), 'NaN'::float8, 'var_pop of one infinity is NaN, as var_pop''s')
FROM (SELECT '{Infinity}'::float8[]::bigarray AS x) s;
SELECT is(ba_var(ba_fill(ba_copy(a), 7.25)), 0::float8, 'var of a constant is 0') FROM sets WHERE name = 'big';

-- argmin, argmax: the first extreme, NaN above every number (as ORDER BY)
SELECT is(ba_argmin(a), (SELECT i FROM unnest(v) WITH ORDINALITY u(x, i) ORDER BY x, i LIMIT 1), name || ': argmin')
FROM sets ORDER BY name;
SELECT is(ba_argmax(a), (SELECT i FROM unnest(v) WITH ORDINALITY u(x, i) ORDER BY x DESC, i LIMIT 1), name || ': argmax')
FROM sets ORDER BY name;
SELECT is(ba_argmin(a, lo, hi), (SELECT lo - 1 + i FROM unnest(v[lo:hi]) WITH ORDINALITY u(x, i) ORDER BY x, i LIMIT 1),
          format('%s: argmin %s..%s', name, lo, hi))
FROM sets, (VALUES (2, 5), (3, 3), (4, 3), (130000, 140000)) r(lo, hi)
WHERE hi <= cardinality(v) ORDER BY name, lo;
SELECT is(ba_argmax(a, lo, hi), (SELECT lo - 1 + i FROM unnest(v[lo:hi]) WITH ORDINALITY u(x, i) ORDER BY x DESC, i LIMIT 1),
          format('%s: argmax %s..%s', name, lo, hi))
FROM sets, (VALUES (2, 5), (3, 3), (4, 3), (130000, 140000)) r(lo, hi)
WHERE hi <= cardinality(v) ORDER BY name, lo;
SELECT is(ba_argmax(x), 2::int8, 'argmax: int8 compared exactly beyond 2^53')
FROM (SELECT '{9007199254740992,9007199254740993,9007199254740992}'::int8[]::bigarray AS x) s;
SELECT is(ba_argmin(x), 3::int8, 'argmin: int8 compared exactly beyond 2^53')
FROM (SELECT '{-9007199254740992,-9007199254740992,-9007199254740993}'::int8[]::bigarray AS x) s;
-- the first extreme also when it lies in a later chunk than an equal one
SELECT is(ba_argmax(ba_set(ba_set(ba_copy(a), 200000, 1e9), 140000, 1e9)), 140000::int8, 'argmax: first of two equal, chunks apart')
FROM sets WHERE name = 'big';

-- NaN counts and the NaN-skipping forms, as the plain aggregates over the
-- values that are not NaN
SELECT is(ba_count_nan(a), (SELECT count(*) FROM unnest(v) x WHERE x = 'NaN'), name || ': count_nan')
FROM sets ORDER BY name;
SELECT is(ba_count_nan(a, 2, 5), (SELECT count(*) FROM unnest(v[2:5]) x WHERE x = 'NaN'), name || ': count_nan 2..5')
FROM sets WHERE cardinality(v) >= 5 ORDER BY name;
SELECT ok(close(ba_nansum(a), (SELECT coalesce(sum(x), 0) FROM unnest(v) x WHERE x <> 'NaN')), name || ': nansum')
FROM sets ORDER BY name;
SELECT ok(close(ba_nanmean(a), (SELECT avg(x) FROM unnest(v) x WHERE x <> 'NaN')), name || ': nanmean')
FROM sets ORDER BY name;
SELECT is(ba_nanmin(a), (SELECT min(x) FROM unnest(v) x WHERE x <> 'NaN'), name || ': nanmin')
FROM sets ORDER BY name;
SELECT is(ba_nanmax(a), (SELECT max(x) FROM unnest(v) x WHERE x <> 'NaN'), name || ': nanmax')
FROM sets ORDER BY name;
SELECT ok(close(ba_nanmean(a, 2, 6), (SELECT avg(x) FROM unnest(v[2:6]) x WHERE x <> 'NaN')), name || ': nanmean 2..6')
FROM sets WHERE cardinality(v) >= 6 ORDER BY name;
-- the plain forms keep NaN, as PostgreSQL's aggregates do
SELECT is(ARRAY[ba_sum(a), ba_mean(a), ba_min(a), ba_max(a)],
          (SELECT ARRAY[sum(x), avg(x), min(x), max(x)] FROM unnest(v) x), name || ': sum, mean, min, max with NaN')
FROM sets WHERE name IN ('nan', 'allnan') ORDER BY name;

-- histogram: the counts of width_bucket(x, lo, hi, n) for buckets 1..n,
-- for x in [lo, hi) (PostgreSQL 15 gives n + 1 to an x below hi whose
-- quotient rounds up to n; later versions, and the histogram, bucket n)
CREATE FUNCTION ref_histogram(v float8[], lo float8, hi float8, n int) RETURNS int8[] LANGUAGE sql AS $$
	SELECT array_agg((SELECT count(*) FROM unnest(v) x
	                  WHERE x >= lo AND x < hi AND least(width_bucket(x, lo, hi, n), n) = k) ORDER BY k)
	FROM generate_series(1, n) k
$$;
-- (the last bounds: near 0 the quotient plus 1 rounds across a bin edge,
-- as in width_bucket)
SELECT is(ba_histogram(a, lo, hi, n), ref_histogram(v, lo, hi, n), format('%s: histogram [%s, %s) in %s', name, lo, hi, n))
FROM sets, (VALUES (-5, 5, 10), (-1000, 1000, 7), (0, 1, 1), (-3.3, 9.1, 13), (-1e9, 1e10, 3),
                   (-1.8761855920023e18, 1.8761855920023e18, 16)) h(lo, hi, n)
ORDER BY name, lo;
SELECT is(ba_histogram(a, 0, 1, 4), '{0,0,0,0}', 'empty: histogram of zeros') FROM sets WHERE name = 'empty';
SELECT is(ba_histogram(x, -1.5e308, 1.5e308, 4), '{1,1,1,1}', 'histogram: a range wider than float8')
FROM (SELECT '{-1e308,-1e307,1e307,1.2e308,1.5e308,Infinity}'::float8[]::bigarray AS x) s;
-- values exactly at bin edges fall in the bin they start
SELECT is(ba_histogram(x, 0, 1, 4), '{1,1,1,1}', 'histogram: bin edges')
FROM (SELECT '{0,0.25,0.5,0.75,1}'::float8[]::bigarray AS x) s;

-- a value just below hi whose quotient n * (x - lo) / (hi - lo) rounds up to n
SELECT is((ba_histogram(x, -7.312715117751976, 1.1617748178834137, 49))[49], 1::int8, 'histogram: a quotient rounding up to nbins counts in the last bin')
FROM (SELECT '{1.1617748178834135}'::float8[]::bigarray AS x) s;

-- quantiles: as percentile_cont, scalar and array forms, exactly
SELECT is(ba_quantile(a, q), (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) FROM unnest(v) x),
          format('%s: quantile %s', name, q))
FROM sets, unnest('{0,0.3,0.5,0.999,1}'::float8[]) q
ORDER BY name, q;
SELECT is(ba_quantile(a, qs), (SELECT percentile_cont(qs) WITHIN GROUP (ORDER BY x) FROM unnest(v) x),
          format('%s: quantiles %s', name, qs))
FROM sets, (VALUES ('{0,0.1,0.25,0.5,0.75,0.9,1}'::float8[]), ('{{0.5,NULL},{0.01,0.99}}'), ('{}')) q(qs)
ORDER BY name, qs;
SELECT is(ba_quantile(a, '{2}'::float8[]), NULL, 'empty: no check of the fractions, as percentile_cont''s array form')
FROM sets WHERE name = 'empty';

-- beyond the memory a pass may sort (a quarter of the smallest cache,
-- 262144 keys): passes narrow by bins of keys.  Shapes that make them
-- work: 300,000 consecutive doubles between two huge outliers (four
-- passes), many ties, both signs and every magnitude, NaN and infinities.
SET bigarray.cache_size = '8MB';
CREATE TABLE wide (name text PRIMARY KEY, v float8[], a bigarray);
INSERT INTO wide (name, v) VALUES
	('consecutive', array(SELECT CASE i WHEN 1 THEN -1e300 WHEN 300000 THEN 1e300
	                                    ELSE 1 + i * 2::float8 ^ -52 END FROM generate_series(1::int8, 300000) i)),
	('ties', array(SELECT (i % 3)::float8 FROM generate_series(1::int8, 300000) i)),
	('magnitudes', array(SELECT (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END) * 10::float8 ^ ((i * 7919) % 601 - 300)
	                     FROM generate_series(1::int8, 300000) i)),
	('specials', array(SELECT CASE i % 50 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity'
	                                      ELSE (i * 7919) % 100003 END FROM generate_series(1::int8, 300000) i));
UPDATE wide SET a = bigarray_from(v);
SELECT is(ba_quantile(a, q), (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) FROM unnest(v) x),
          format('%s: quantile %s', name, q))
FROM wide, unnest('{0,0.0001,0.25,0.5,0.75,0.98,0.9999,1}'::float8[]) q
ORDER BY name, q;
SELECT is(ba_quantile(a, qs), (SELECT percentile_cont(qs) WITHIN GROUP (ORDER BY x) FROM unnest(v) x),
          name || ': 101 quantiles in one set of passes')
FROM wide, (SELECT array_agg(k / 100.0) AS qs FROM generate_series(0, 100) k) q
ORDER BY name;
RESET bigarray.cache_size;

-- sums are accurate: 1,000,000 values m * 2^e of both signs and every
-- magnitude from 2^-20 to 2^40 (exact in float8, and in numeric, whose sum
-- is exact) against the exact sum rounded once.  PostgreSQL's own float8
-- sum (in order) is 663 units in the last place off, 0.1's ba_sum 572;
-- the accurate ones are within one or two.
CREATE TABLE mixed AS
	SELECT i, ((i * 2654435761) % 2097152) - 1048576 AS m, ((i * 40503) % 41) - 20 AS e
	FROM generate_series(1::int8, 1000000) i;
CREATE TABLE accuracy AS
	SELECT array_agg(m * 2::float8 ^ e ORDER BY i) AS v,
	       (sum(m * 2::numeric ^ (e + 20)) * 0.00000095367431640625)::float8 AS exact
	FROM mixed;
ALTER TABLE accuracy ADD COLUMN a bigarray, ADD COLUMN ulp float8;
UPDATE accuracy SET a = bigarray_from(v), ulp = 2::float8 ^ (floor(log(2::numeric, abs(exact)::numeric)) - 52);
SELECT ok(abs((SELECT sum(x ORDER BY i) FROM unnest(v) WITH ORDINALITY u(x, i)) - exact) > 100 * ulp,
          'PostgreSQL''s plain float8 sum is more than 100 units in the last place off')
FROM accuracy;
SELECT ok(abs(ba_sum(a) - exact) <= ulp, 'sum within one unit in the last place') FROM accuracy;
SELECT ok(abs(ba_mean(a) * 1000000 - exact) <= 2 * ulp, 'mean as accurate') FROM accuracy;
SELECT ok(abs(ba_dot(a, ba_fill(ba_copy(a), 1)) - exact) <= ulp, 'dot as accurate') FROM accuracy;
SELECT ok(abs(ba_nansum(ba_set(ba_copy(a), 17, 'NaN')) - (exact - v[17])) <= 2 * ulp, 'nansum as accurate')
FROM accuracy;
SELECT ok(abs(ba_var_pop(a) - r) <= 1e-13 * r, 'var_pop as accurate as numeric''s')
FROM accuracy, LATERAL (SELECT var_pop(x::numeric)::float8 AS r FROM unnest(v) x) r;

-- one rule for overflow: a float result that overflows from finite values
-- raises 22003; an infinite element gives an infinite (or NaN) result
SELECT throws_ok(format('SELECT %s(x) FROM (SELECT %L::float8[]::bigarray AS x) s', f, v), '22003', NULL, format('%s of %s overflows', f, v))
FROM unnest('{ba_sum,ba_mean,ba_nansum,ba_nanmean,ba_var,ba_var_pop,ba_stddev,ba_stddev_pop}'::text[]) f,
     unnest('{"{1e308,1e308}","{1e308,NaN,1e308,-1}"}'::text[]) v
WHERE NOT (v LIKE '%NaN%' AND f IN ('ba_sum', 'ba_mean', 'ba_var', 'ba_var_pop', 'ba_stddev', 'ba_stddev_pop'));
SELECT throws_ok($$SELECT ba_var(x) FROM (SELECT '{1e200,-1e200}'::float8[]::bigarray AS x) s$$, '22003', NULL, 'var: squares overflow');
SELECT throws_ok($$SELECT ba_dot(x, x) FROM (SELECT '{1e200,1}'::float8[]::bigarray AS x) s$$, '22003', NULL, 'dot: a product overflows');
SELECT throws_ok($$SELECT ba_dot(x, x) FROM (SELECT '{1e154,1e154,1e154}'::float8[]::bigarray AS x) s$$, '22003', NULL, 'dot: the sum of products overflows');
SELECT throws_ok($$SELECT ba_dot(x, y) FROM (SELECT '{1e308,1e308}'::float8[]::bigarray AS x, '{1,1}'::int2[]::bigarray AS y) s$$, '22003', NULL, 'dot: float8 by int2 overflows');
SELECT throws_ok($$SELECT ba_sum(ba_fill(bigarray_create('float8', 300000), 1e304))$$, '22003', NULL, 'sum: overflow over chunks');
SELECT is(ARRAY[ba_sum(x), ba_dot(x, y)], '{Infinity,Infinity}', 'sum, dot: an infinite element')
FROM (SELECT '{1e308,1e308,Infinity}'::float8[]::bigarray AS x, '{1,1,1}'::float8[]::bigarray AS y) s;
SELECT is(ARRAY[ba_sum(x), ba_dot(x, y)], '{NaN,NaN}', 'sum, dot: infinities of both signs, or times zero')
FROM (SELECT '{-Infinity,2,Infinity}'::float8[]::bigarray AS x, '{1,0,0}'::float8[]::bigarray AS y) s;
SELECT is(ARRAY[ba_sum(x), ba_dot(x, x)], (SELECT ARRAY[sum(v), sum(v * v)] FROM unnest('{1e150,-Infinity,5}'::float8[]) v),
          'sum, dot: as PostgreSQL''s sum with an infinity')
FROM (SELECT '{1e150,-Infinity,5}'::float8[]::bigarray AS x) s;

-- errors
SELECT throws_ok(format('SELECT ba_histogram(x, %s, %s, %s) FROM (SELECT ''{1}''::float8[]::bigarray AS x) s', lo, hi, n),
                 sqlstate, NULL, format('histogram %s, %s, %s', lo, hi, n))
FROM (VALUES ('0', '1', '0', '2201G'), ('0', '1', '-1', '2201G'), ('1', '1', '3', '2201G'),
             ('2', '1', '3', '2201G'), ('''NaN''', '1', '3', '2201G'), ('0', '''NaN''', '3', '2201G'),
             ('''-Infinity''', '1', '3', '2201G'), ('0', '''Infinity''', '3', '2201G'),
             ('0', '1', '1073741824', '54000')) e(lo, hi, n, sqlstate);
SELECT throws_ok(format('SELECT ba_quantile(x, %s) FROM (SELECT ''{1,2}''::float8[]::bigarray AS x) s', q), '22003', NULL,
                 'quantile ' || q)
FROM unnest(ARRAY['-0.1', '1.0000001', '''NaN''::float8', '''{0.5,1.5}''::float8[]', '''{NaN}''::float8[]']) q;
SELECT throws_ok($$SELECT ba_quantile(x, 2) FROM (SELECT bigarray_create('float8', 0) AS x) s$$, '22003', NULL,
                 'quantile: checked also with no elements, as percentile_cont');
SELECT throws_ok(format('SELECT %s(x, 0, 2) FROM (SELECT ''{1}''::float8[]::bigarray AS x) s', f), '2202E', NULL, f || ': range out of bounds')
FROM unnest('{ba_var,ba_var_pop,ba_stddev,ba_stddev_pop,ba_argmin,ba_argmax,ba_count_nan,ba_nansum,ba_nanmin,ba_nanmax,ba_nanmean}'::text[]) f;
SELECT is(ba_var(NULL), NULL, 'readers are strict');

SELECT is(pg_postmaster_start_time(), :'started'::timestamptz, 'no backend crashed');
SELECT * FROM finish();
DROP FUNCTION close(float8, float8), add_set(text, regtype, float8[]), ref_histogram(float8[], float8, float8, int);
DROP TABLE sets, wide, mixed, accuracy;
