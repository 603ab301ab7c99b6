-- abort_state: state that outlives a statement, a savepoint or a
-- transaction (cached pages, shapes, dropped arrays, the cache's size) is
-- right after ROLLBACK, an ERROR, ROLLBACK TO SAVEPOINT and a caught
-- PL/pgSQL exception: nothing rolled back is ever served or committed.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT plan(27);

-- stored_sum(a): the sum of what the large object holds, read with a cache
-- that starts empty: a new page size drops every cached page at the first
-- array opened by the next transaction (each statement here is one).
CREATE FUNCTION flip_page_size() RETURNS void LANGUAGE sql AS $$
	SELECT set_config('bigarray.page_size',
		CASE current_setting('bigarray.page_size') WHEN '64kB' THEN '32kB' ELSE '64kB' END,
		false)
$$;

-- 2,000,000 float8 = 16 MB against a cache of 8 MB: a fill writes pages
-- into the large object early, inside the transaction
SET bigarray.cache_size = '8MB';
CREATE TABLE abort_big (a bigarray);
INSERT INTO abort_big SELECT ba_fill(bigarray_create('float8', 2000000), 1);

-- issue 8, bug 2: pages written early, then ROLLBACK; they must not be
-- served from the cache nor stored by the session's next commit.  The
-- pages written last are the ones still cached: the checks read the tail
-- first (reading from the start would cycle the cache before reaching it).
BEGIN;
SELECT ba_fill(a, 2) IS NOT NULL FROM abort_big;
ROLLBACK;
SELECT is(ba_sum(a, 1000001, 2000000), 1000000::float8,
	'rollback after early write-out: the session reads the committed data')
FROM abort_big;
SELECT ba_set(a, 1900000, 5) IS NOT NULL FROM abort_big;
SELECT flip_page_size();
SELECT is(ba_sum(a), 2000004::float8, 'the next commit stores its own change only') FROM abort_big;

-- the same with an ERROR and with a caught exception in PL/pgSQL
BEGIN;
SELECT ba_fill(a, 3) IS NOT NULL FROM abort_big;
SELECT 1 / 0;
ROLLBACK;
SELECT is(ba_sum(a, 1000001, 2000000), 1000004::float8, 'an ERROR after early write-out: committed data')
FROM abort_big;
DO $$
BEGIN
	PERFORM ba_fill(a, 4) FROM abort_big;
	PERFORM 1 / 0;
EXCEPTION WHEN division_by_zero THEN
	NULL;
END $$;
SELECT is(ba_sum(a, 1000001, 2000000), 1000004::float8,
	'a caught exception after early write-out: committed data')
FROM abort_big;
SELECT ba_set(a, 1900001, 6) IS NOT NULL FROM abort_big;
SELECT flip_page_size();
SELECT is(ba_sum(a), 2000009::float8, 'nothing rolled back was stored') FROM abort_big;

-- a statement_timeout cancels a fill that has written early
SET statement_timeout = '1s';
BEGIN;
SELECT ba_scale(a, 7) IS NOT NULL, pg_sleep(3) FROM abort_big;
ROLLBACK;
RESET statement_timeout;
SELECT is(ba_sum(a, 1000001, 2000000), 1000009::float8,
	'a cancelled statement after early write-out: committed data')
FROM abort_big;
RESET bigarray.cache_size;

-- issue 8, bug 3: shrink, grow back, read (pages loaded from the cut large
-- object), then ROLLBACK: those zero pages must not survive
CREATE TABLE abort_resize (a bigarray);
INSERT INTO abort_resize
	SELECT bigarray_from(ARRAY(SELECT g FROM generate_series(1, 1000000) g)::int4[]);
SELECT ba_sum(a) AS resize_sum FROM abort_resize \gset
BEGIN;
SELECT ba_resize(a, 1000) IS NOT NULL FROM abort_resize;
SELECT ba_resize(a, 1000000) IS NOT NULL FROM abort_resize;
SELECT is(ba_sum(a), 500500::float8, 'shrunk and grown back: zeros past the cut') FROM abort_resize;
ROLLBACK;
SELECT is(ba_sum(a), :resize_sum::float8, 'shrink, regrow, read, rollback: committed data') FROM abort_resize;
-- element 20,000 is on the second page, which the rolled-back read loaded
SELECT ba_set(a, 20000, 0) IS NOT NULL FROM abort_resize;
SELECT flip_page_size();
SELECT is(ba_sum(a), :resize_sum::float8 - 20000, 'the next commit stores its own change only')
FROM abort_resize;
SELECT is(ba_get(a, 16385), 16385::float8, 'the first element of the second page is kept')
FROM abort_resize;

-- the same inside a savepoint
BEGIN;
SAVEPOINT s;
SELECT ba_resize(a, 1000) IS NOT NULL FROM abort_resize;
SELECT ba_resize(a, 1000000) IS NOT NULL FROM abort_resize;
SELECT ba_sum(a) IS NOT NULL FROM abort_resize;
ROLLBACK TO s;
SELECT is(ba_sum(a), :resize_sum::float8 - 20000, 'shrink, regrow, read, rollback to savepoint')
FROM abort_resize;
SELECT ba_set(a, 2, 0) IS NOT NULL FROM abort_resize;
COMMIT;
SELECT flip_page_size();
SELECT is(ba_sum(a), :resize_sum::float8 - 20002, 'then committed: only the change after the savepoint')
FROM abort_resize;

-- issue 8, bug 4: ba_drop inside a rolled-back savepoint keeps the
-- transaction's earlier changes to the array, values and shape
CREATE TABLE abort_drop (a bigarray);
INSERT INTO abort_drop SELECT bigarray_create('float8', 10);
BEGIN;
SELECT ba_set(a, 1, 42) IS NOT NULL FROM abort_drop;
SELECT ba_append(a, ARRAY[7]::float8[]) IS NOT NULL FROM abort_drop;
SAVEPOINT s;
SELECT ba_drop(a) FROM abort_drop;
SELECT throws_ok('SELECT ba_get(a, 1) FROM abort_drop', '42704', NULL,
	'a dropped array is gone for the transaction that dropped it');
ROLLBACK TO s;
SELECT is(ba_get(a, 1), 42::float8, 'ba_drop rolled back to a savepoint: the earlier change stays')
FROM abort_drop;
SELECT is(ba_size(a), 11::int8, 'and so does the earlier shape') FROM abort_drop;
COMMIT;
SELECT flip_page_size();
SELECT is(ba_get(a, 1), 42::float8, 'and it commits') FROM abort_drop;
SELECT is(ba_get(a, 11), 7::float8, 'with the appended element') FROM abort_drop;

-- a caught exception in PL/pgSQL undoes ba_drop the same way
BEGIN;
SELECT ba_set(a, 2, 43) IS NOT NULL FROM abort_drop;
DO $$
BEGIN
	PERFORM ba_drop(a) FROM abort_drop;
	PERFORM 1 / 0;
EXCEPTION WHEN division_by_zero THEN
	NULL;
END $$;
SELECT is(ba_get(a, 2), 43::float8, 'ba_drop undone by a caught exception: the earlier change stays')
FROM abort_drop;
COMMIT;
SELECT flip_page_size();
SELECT is(ba_get(a, 2), 43::float8, 'and it commits') FROM abort_drop;

-- a drop released into the transaction commits; rolled back it does not
BEGIN;
SELECT ba_set(a, 3, 44) IS NOT NULL FROM abort_drop;
SAVEPOINT s;
SELECT ba_drop(a) FROM abort_drop;
RELEASE s;
ROLLBACK;
SELECT is(ba_get(a, 3), 0::float8, 'a rolled-back transaction drops nothing and changes nothing')
FROM abort_drop;
BEGIN;
SELECT ba_set(a, 3, 44) IS NOT NULL FROM abort_drop;
SAVEPOINT s;
SELECT ba_drop(a) FROM abort_drop;
RELEASE s;
COMMIT;
SELECT throws_ok('SELECT ba_get(a, 1) FROM abort_drop', '42704', NULL,
	'a released drop commits');
SELECT is((SELECT count(*) FROM pg_largeobject_metadata m JOIN abort_drop d ON m.oid = ba_oid(d.a)),
	0::int8, 'its large object is gone');

-- issue 8, bug 9: one rule for float overflow; ba_dot as ba_sum
CREATE TABLE abort_overflow (a bigarray, b bigarray);
INSERT INTO abort_overflow VALUES
	('{1e308,1e308}'::float8[]::bigarray, '{1e300,1e300}'::float8[]::bigarray),
	('{Infinity,1}'::float8[]::bigarray, '{1,1}'::float8[]::bigarray);
SELECT throws_ok('SELECT ba_dot(a, b) FROM abort_overflow WHERE ba_get(b, 1) = 1e300', '22003', NULL,
	'ba_dot overflowing from finite values raises 22003');
SELECT throws_ok('SELECT ba_sum(a) FROM abort_overflow WHERE ba_get(b, 1) = 1e300', '22003', NULL,
	'as ba_sum does');
SELECT is(ba_dot(a, b), 'Infinity'::float8, 'an infinite element gives an infinite dot product')
FROM abort_overflow WHERE ba_get(b, 1) = 1;

-- lowering bigarray.cache_size releases what the cache holds beyond it
CREATE TABLE abort_cache (a bigarray);
INSERT INTO abort_cache SELECT ba_fill(bigarray_create('float8', 2000000), 1);
SELECT ba_sum(a) IS NOT NULL FROM abort_cache;
SELECT ok(bytes >= 15000000, 'the cache holds the 16 MB array') FROM bigarray_cache_stats();
SET bigarray.cache_size = '8MB';
SELECT ok(bytes <= 8388608, 'lowering the cache size releases pages at once') FROM bigarray_cache_stats();
RESET bigarray.cache_size;

SELECT * FROM finish();
DROP TABLE abort_big, abort_resize, abort_drop, abort_overflow, abort_cache;
DROP FUNCTION flip_page_size();
