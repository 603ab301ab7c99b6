-- parallel: reductions over large ranges use parallel workers
-- (bigarray.parallel_min_size, max_parallel_workers_per_gather) and give
-- what the leader alone gives; an array this transaction has changed is
-- reduced by the leader alone (workers would not see its dirty pages); a
-- cancel stops the workers with the statement.  Values are integers, so
-- float sums are exact whatever order the units are added in.  The cache
-- (8MB) is smaller than the arrays: a range that fits in the cache is
-- reduced by the leader alone, which keeps it cached; a bigger range is
-- read straight from the large object, with workers or without, and
-- leaves the cache as it was.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
SELECT plan(17);
SET bigarray.cache_size = '8MB';
SET max_parallel_workers_per_gather = 2;

-- 5,000,000 elements: 40 MB as float8 (5 units of 8 MB), 10 MB as int2
CREATE TABLE par (dtype regtype PRIMARY KEY, a bigarray);
INSERT INTO par SELECT d, bigarray_create(d, 5000000)
	FROM unnest('{float8,float4,int8,int4,int2}'::regtype[]) d;
SELECT count(ba_fill(a, 3, 1, 2500000)) FROM par;
SELECT count(ba_fill(a, -2, 2500001, 4999999)) FROM par;
SELECT count(ba_set(a, 777777, 1000)) FROM par;
SELECT count(ba_set(a, 5000000, -1000)) FROM par;

CREATE FUNCTION par_results() RETURNS TABLE (dtype regtype, s float8, mn float8, mx float8, mean float8,
	rs float8, rmn float8, rmx float8)
LANGUAGE sql AS $$
	SELECT dtype, ba_sum(a), ba_min(a), ba_max(a), ba_mean(a),
	       ba_sum(a, 1000000, 4700001), ba_min(a, 1000000, 4700001), ba_max(a, 1000000, 4700001)
	FROM par ORDER BY dtype::text
$$;

-- the workers start (DEBUG1 says how many), and agree with the leader alone
SET bigarray.parallel_min_size = 0;
SET client_min_messages = debug1;
SELECT ba_sum(a) FROM par WHERE dtype = 'float8'::regtype;
SELECT ba_max(a, 2, 4999999) FROM par WHERE dtype = 'int2'::regtype;
-- ba_dot of two arrays of other dtypes: 2,499,999 * 9 + 2,499,999 * 4 + 2 * 1000^2
SELECT ba_dot(f.a, i.a) FROM par f, par i WHERE f.dtype = 'float8'::regtype AND i.dtype = 'int4'::regtype;
RESET client_min_messages;
SET bigarray.parallel_min_size = -1;
SELECT ba_dot(f.a, i.a) AS leader_alone FROM par f, par i WHERE f.dtype = 'float8'::regtype AND i.dtype = 'int4'::regtype;
SET bigarray.parallel_min_size = 0;
CREATE TEMP TABLE with_workers AS SELECT * FROM par_results();
SET bigarray.parallel_min_size = -1;
CREATE TEMP TABLE leader_alone AS SELECT * FROM par_results();
SELECT results_eq('SELECT * FROM with_workers', 'SELECT * FROM leader_alone',
	'sum, min, max, mean of whole arrays and ranges: the same with workers as without');
SELECT is(s, 2500000 * 3 - 2499999 * 2 + 1000 - 3 - 1000::float8, dtype || ': the sum is exact')
	FROM with_workers;
SELECT results_eq($$SELECT mn, mx FROM with_workers$$,
	$$VALUES (-1000::float8, 1000::float8), (-1000, 1000), (-1000, 1000), (-1000, 1000), (-1000, 1000)$$,
	'extremes found in whichever unit holds them');

-- a range bigger than the cache loads nothing into it, with workers or
-- without: what the cache held (2 MB of int2) stays cached
SELECT ba_sum(a, 1, 1000000) AS int2_part FROM par WHERE dtype = 'int2'::regtype \gset
SELECT bigarray_cache_loads() AS loads_before \gset
SET bigarray.parallel_min_size = -1;
SELECT is(ba_sum(a), 2500000 * 3 - 2499999 * 2 + 1000 - 3 - 1000::float8,
	'float8 sum past the cache, no workers') FROM par WHERE dtype = 'float8'::regtype;
SELECT is(ba_argmax(a), 777777::int8, 'argmax past the cache, no workers')
	FROM par WHERE dtype = 'int4'::regtype;
SELECT is(ba_dot(f.a, i.a), 34499987::float8, 'dot product past the cache, no workers')
	FROM par f, par i WHERE f.dtype = 'float8'::regtype AND i.dtype = 'int4'::regtype;
SET bigarray.parallel_min_size = 0;
SELECT is(ba_sum(a), 2500000 * 3 - 2499999 * 2 + 1000 - 3 - 1000::float8,
	'float8 sum past the cache, workers') FROM par WHERE dtype = 'float8'::regtype;
SELECT is(ba_dot(f.a, i.a), 34499987::float8, 'dot product past the cache, workers')
	FROM par f, par i WHERE f.dtype = 'float8'::regtype AND i.dtype = 'int4'::regtype;
SELECT is(bigarray_cache_loads(), :loads_before::int8,
	'sums and dot products of ranges bigger than the cache loaded no page into it');
SELECT is(ba_sum(a, 1, 1000000), :int2_part::float8, 'the cached range sums the same')
	FROM par WHERE dtype = 'int2'::regtype;
SELECT is(bigarray_cache_loads(), :loads_before::int8, 'from the pages it held before');

-- the leader's own changes: not yet in the large object, so no workers
SET bigarray.parallel_min_size = 0;
BEGIN;
SELECT ba_set(a, 4999999, 5) IS NOT NULL AS set FROM par WHERE dtype = 'float8'::regtype;
SET LOCAL client_min_messages = debug1;
SELECT ba_sum(a) = 2500000 * 3 - 2499998 * 2 + 5 + 1000 - 3 - 1000 AS sees_its_change
	FROM par WHERE dtype = 'float8'::regtype;
ROLLBACK;

-- a cancel (statement_timeout) ends the workers with the statement: caught
-- in a subtransaction, which PostgreSQL rolls back with its parallel
-- context
CREATE FUNCTION par_cancelled() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ba_sum(a) FROM par, generate_series(1, 1000) WHERE dtype = 'float8'::regtype;
	RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
	RETURN SQLSTATE;
END $$;
SET statement_timeout = '5ms';
SELECT par_cancelled() AS outcome \gset
RESET statement_timeout;
SELECT is(:'outcome'::text, '57014', 'a cancelled parallel sum fails with 57014');
SELECT is(ba_sum(a), 2500000 * 3 - 2499999 * 2 + 1000 - 3 - 1000::float8, 'and the next one works')
	FROM par WHERE dtype = 'float8'::regtype;

SELECT * FROM finish();
DROP TABLE par;
DROP FUNCTION par_results();
DROP FUNCTION par_cancelled();
