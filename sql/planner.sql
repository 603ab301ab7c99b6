-- planner: what EXPLAIN estimates for bigarray functions.  ba_unnest's rows
-- come from a constant range, else from a range written x + c1 .. x + c2,
-- else one page's worth for a range that varies, else from the size of an
-- array named by a constant handle (if the user may read it), else a
-- default of 1,000,000; costs grow with the elements a call touches.  Plans are read through
-- EXPLAIN (COSTS ON) with a regular expression, so that only the figures
-- checked here, not every cost, are part of the expected output.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
SELECT plan(16);

CREATE FUNCTION plan_rows(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS ON) ' || query LOOP
		RETURN substring(line FROM 'rows=(\d+)')::float8;
	END LOOP;
END $$;
CREATE FUNCTION plan_cost(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS ON) ' || query LOOP
		RETURN substring(line FROM 'cost=[0-9.]+\.\.([0-9.]+)')::float8;
	END LOOP;
END $$;

CREATE TABLE planner_t (id int PRIMARY KEY, a bigarray);
INSERT INTO planner_t VALUES (1, bigarray_create('float8', 12345)),
	(2, bigarray_create('int2', 3, 1000000)), (3, bigarray_create('float8', 100));
SELECT a AS small FROM planner_t WHERE id = 1 \gset
SELECT a AS tiny FROM planner_t WHERE id = 3 \gset
SELECT a AS big FROM planner_t WHERE id = 2 \gset

-- rows
SELECT is(plan_rows($$SELECT * FROM ba_unnest((SELECT a FROM planner_t WHERE id = 1), 101, 600)$$), 500::float8,
	'a constant range gives its length, whatever the handle');
SELECT is(plan_rows(format('SELECT * FROM ba_unnest(%L::bigarray)', :'small')), 12345::float8,
	'a constant handle gives the array''s size');
SELECT is(plan_rows(format('SELECT * FROM ba_unnest(%L::bigarray)', :'big')), 3000000::float8,
	'the size of an n-D array is all its elements');
SELECT is(plan_rows(format('SELECT * FROM ba_unnest(%L::bigarray, 12001, 20000)', :'small')), 345::float8,
	'a constant range is cut to a constant handle''s array');
SELECT is(plan_rows(format('SELECT * FROM ba_unnest(%L::bigarray, 5, 4)', :'small')), 1::float8,
	'an empty range: the planner''s least, one row');
SELECT is(plan_rows($$SELECT * FROM ba_unnest((SELECT a FROM planner_t WHERE id = 1))$$), 1000000::float8,
	'a handle known only at run time: 1,000,000 rows');
PREPARE planner_q(bigarray) AS SELECT * FROM ba_unnest($1);
SET plan_cache_mode = force_custom_plan;
SELECT is(plan_rows(format('EXECUTE planner_q(%L)', :'small')), 12345::float8,
	'a parameter bound at planning is a constant handle too');
RESET plan_cache_mode;

-- a range that varies from row to row: its width when it is written as an
-- offset from one expression, else one page (64kB: 8,192 float8), never
-- the whole array, so that per-row slices of many arrays stay cheap plans
SET plan_cache_mode = force_generic_plan;
PREPARE planner_width(int8) AS SELECT * FROM ba_unnest((SELECT a FROM planner_t WHERE id = 1), $1, $1 + 9);
SELECT is(plan_rows('EXECUTE planner_width(7)'), 10::float8,
	'a range $1 .. $1 + 9 gives 10 rows');
PREPARE planner_width_cast(int4) AS SELECT * FROM ba_unnest((SELECT a FROM planner_t WHERE id = 1), ($1 - 5)::int8, ($1 + 4)::int8);
SELECT is(plan_rows('EXECUTE planner_width_cast(7)'), 10::float8,
	'a range ($1 - 5)::int8 .. ($1 + 4)::int8 gives 10 rows');
PREPARE planner_varying(int8, int8) AS SELECT * FROM ba_unnest((SELECT a FROM planner_t WHERE id = 1), $1, $2);
SELECT is(plan_rows('EXECUTE planner_varying(1, 2)'), 8192::float8,
	'a range of unknown width: one page of float8');
PREPARE planner_varying_int2(int8, int8) AS SELECT * FROM ba_unnest(:'big'::bigarray, $1, $2);
SELECT is(plan_rows('EXECUTE planner_varying_int2(1, 2)'), 32768::float8,
	'one page of int2 holds 32,768 elements');
PREPARE planner_varying_tiny(int8, int8) AS SELECT * FROM ba_unnest(:'tiny'::bigarray, $1, $2);
SELECT is(plan_rows('EXECUTE planner_varying_tiny(1, 2)'), 100::float8,
	'never more than a known array holds');
RESET plan_cache_mode;

-- a role that may not read the array learns nothing of its size, and the
-- plan does not fail
CREATE ROLE planner_reader;
GRANT SELECT ON planner_t TO planner_reader;
GRANT EXECUTE ON FUNCTION plan_rows(text) TO planner_reader;
SET ROLE planner_reader;
SELECT plan_rows(format('SELECT * FROM ba_unnest(%L::bigarray)', :'small')) AS reader_rows \gset
RESET ROLE;
SELECT is(:reader_rows::float8, 1000000::float8,
	'no SELECT on the large object: the default, not the size');

-- costs grow with the elements touched
SELECT ok(plan_cost(format('SELECT ba_sum(%L::bigarray)', :'big')) >
		  50 * plan_cost(format('SELECT ba_sum(%L::bigarray)', :'small')),
	'ba_sum of 3,000,000 elements costs far more than of 12,345');
SELECT ok(plan_cost(format('SELECT ba_sum(%L::bigarray, 1, 10)', :'big')) <
		  plan_cost(format('SELECT ba_sum(%L::bigarray)', :'small')),
	'a sum of 10 elements costs less than a sum of 12,345');
SELECT ok(plan_cost(format('SELECT ba_get(%L::bigarray, 1)', :'big')) <
		  plan_cost(format('SELECT ba_sum(%L::bigarray, 1, 1000)', :'big')),
	'one element costs less than a reduction over 1,000');

SELECT * FROM finish();
DROP TABLE planner_t;
DROP OWNED BY planner_reader;
DROP ROLE planner_reader;
