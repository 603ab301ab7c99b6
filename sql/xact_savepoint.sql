-- xact_savepoint: ROLLBACK TO SAVEPOINT, nested savepoints and a caught
-- PL/pgSQL exception undo exactly what was changed after them.

-- 100,000 float8 (13 pages of 64 kB): a[i] = i
CREATE TABLE sp_t (a bigarray);
INSERT INTO sp_t SELECT bigarray_create('float8', 100000);
SELECT ba_set_slice(a, 1, ARRAY(SELECT g::float8 FROM generate_series(1, 100000) g)) IS NOT NULL AS filled FROM sp_t;
CREATE FUNCTION sp_elems(VARIADIC i int8[]) RETURNS float8[] LANGUAGE sql AS $$
	SELECT array_agg(ba_get(a, j) ORDER BY k) FROM sp_t, unnest(i) WITH ORDINALITY AS u(j, k)
$$;

-- a page dirtied before the savepoint and again after it comes back as it
-- was at the savepoint; a page first dirtied after it comes back clean
BEGIN;
SELECT ba_set(a, 10, -10) IS NOT NULL AS set FROM sp_t;
SAVEPOINT s1;
SELECT ba_set(a, 10, -100) IS NOT NULL AS set FROM sp_t;
SELECT ba_set(a, 11, -11) IS NOT NULL AS set FROM sp_t;
SELECT ba_set(a, 20000, -20000) IS NOT NULL AS set FROM sp_t;
SELECT sp_elems(10, 11, 20000);
ROLLBACK TO s1;
SELECT sp_elems(10, 11, 20000);
-- after the rollback the savepoint is still there and works again
SELECT ba_set(a, 20000, -2) IS NOT NULL AS set FROM sp_t;
ROLLBACK TO s1;
SELECT sp_elems(10, 20000);
-- RELEASE keeps what was done after the savepoint
SAVEPOINT s2;
SELECT ba_set(a, 30000, -30000) IS NOT NULL AS set FROM sp_t;
RELEASE s2;
COMMIT;
SELECT sp_elems(10, 11, 20000, 30000);

-- nested savepoints: each rollback undoes its own level only
BEGIN;
SAVEPOINT a;
SELECT ba_set(a, 40000, 1) IS NOT NULL AS set FROM sp_t;
SAVEPOINT b;
SELECT ba_set(ba_set(a, 40000, 2), 40001, 2) IS NOT NULL AS set FROM sp_t;
SAVEPOINT c;
SELECT ba_set(ba_set(a, 40000, 3), 90000, 3) IS NOT NULL AS set FROM sp_t;
ROLLBACK TO c;
SELECT sp_elems(40000, 40001, 90000);
RELEASE c;
ROLLBACK TO b;
SELECT sp_elems(40000, 40001, 90000);
RELEASE b;
SELECT ba_set(a, 90001, 1) IS NOT NULL AS set FROM sp_t;
ROLLBACK TO a;
SELECT sp_elems(40000, 40001, 90000, 90001);
SELECT ba_set(a, 50000, 5) IS NOT NULL AS set FROM sp_t;
COMMIT;
SELECT sp_elems(40000, 40001, 90000, 90001, 50000);

-- an array first written two savepoints deep; rolling back the inner one
-- and then the outer one, then writing again at the top level
BEGIN;
SAVEPOINT a;
SAVEPOINT b;
SELECT ba_set(a, 60000, -1) IS NOT NULL AS set FROM sp_t;
SAVEPOINT c;
SELECT ba_set(a, 60001, -1) IS NOT NULL AS set FROM sp_t;
ROLLBACK TO c;
SELECT sp_elems(60000, 60001);
ROLLBACK TO a;
SELECT sp_elems(60000, 60001);
RELEASE a;
SELECT ba_set(a, 60002, -1) IS NOT NULL AS set FROM sp_t;
COMMIT;
SELECT sp_elems(60000, 60001, 60002);

-- a shape change inside a savepoint is undone with it
BEGIN;
SAVEPOINT s;
SELECT ba_resize(a, 3) IS NOT NULL AS resized FROM sp_t;
SELECT ba_shape(a) FROM sp_t;
ROLLBACK TO s;
SELECT ba_shape(a), ba_get(a, 100000) FROM sp_t;
SAVEPOINT t;
SELECT ba_append(a, ARRAY[1.5, 2.5]::float8[]) IS NOT NULL AS appended FROM sp_t;
SELECT ba_shape(a), ba_get(a, 100002) FROM sp_t;
ROLLBACK TO t;
SELECT ba_shape(a) FROM sp_t;
COMMIT;
SELECT ba_shape(a) FROM sp_t;

-- a caught PL/pgSQL exception undoes what its block changed, and only that
DO $$
BEGIN
	PERFORM ba_set(a, 70000, -70000) FROM sp_t;
	BEGIN
		PERFORM ba_set(a, 70000, 999) FROM sp_t;
		PERFORM ba_set(a, 70001, 999) FROM sp_t;
		PERFORM ba_fill(a, 999, 80000, 80999) FROM sp_t;
		RAISE EXCEPTION 'undo the block';
	EXCEPTION WHEN raise_exception THEN
		NULL;
	END;
	PERFORM ba_set(a, 70002, -70002) FROM sp_t;
END $$;
SELECT sp_elems(70000, 70001, 70002, 80000, 80999);

-- an array created inside an aborted block is gone (large object and
-- registration); one created before the block survives
CREATE TABLE sp_made (b bigarray);
DO $$
DECLARE
	gone oid;
BEGIN
	INSERT INTO sp_made SELECT bigarray_create('int8', 4);
	BEGIN
		INSERT INTO sp_made SELECT bigarray_create('int8', 5);
		RAISE EXCEPTION '%', (SELECT ba_oid(b) FROM sp_made WHERE ba_size(b) = 5);
	EXCEPTION WHEN raise_exception THEN
		gone := SQLERRM::oid;
	END;
	RAISE NOTICE 'large object: %, registered: %',
		EXISTS (SELECT FROM pg_largeobject_metadata WHERE oid = gone),
		EXISTS (SELECT FROM bigarray_objects WHERE loid = gone);
END $$;
SELECT ba_shape(b), ba_oid(b) IN (SELECT loid FROM bigarray_objects) AS registered
FROM sp_made;

-- every element is what the statements above left: the changes that were
-- kept are a[10] = -10 (was 10), a[30000] = -30000, a[50000] = 5,
-- a[60002] = -1, a[70000] = -70000, a[70002] = -70002
SELECT ba_sum(a) = 5000050000::float8
	+ (-10 - 10) + (-30000 - 30000) + (5 - 50000) + (-1 - 60002)
	+ (-70000 - 70000) + (-70002 - 70002) AS sum_ok
FROM sp_t;

DROP TABLE sp_t, sp_made;
DROP FUNCTION sp_elems(int8[]);
-- a page dirty before two savepoints, written out early inside the outer
-- one, rewritten and rolled back in the inner one, then read again: rolling
-- back the outer savepoint must bring back the change made before it
SET bigarray.cache_size = '8MB';
CREATE TABLE sp_early (a bigarray);
INSERT INTO sp_early SELECT bigarray_create('float8', 1000000);
BEGIN;
SELECT ba_set(a, 1, 10) IS NOT NULL AS set FROM sp_early;
SAVEPOINT s1;
SELECT ba_fill(a, 1, 10001, 700000) IS NOT NULL AS filled FROM sp_early;
SAVEPOINT s2;
SELECT ba_set(a, 1, 20) IS NOT NULL AS set FROM sp_early;
ROLLBACK TO s2;
SELECT ba_get(a, 1) AS after_inner_rollback FROM sp_early;
ROLLBACK TO s1;
SELECT ba_get(a, 1) AS after_outer_rollback, ba_sum(a) AS sum FROM sp_early;
COMMIT;
SELECT ba_get(a, 1) AS committed, ba_sum(a) AS sum FROM sp_early;
DROP TABLE sp_early;
RESET bigarray.cache_size;
