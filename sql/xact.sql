-- xact: COMMIT keeps changes to arrays; ROLLBACK, an ERROR later in the
-- transaction, and an ERROR at COMMIT undo them.  Savepoints: xact_savepoint.
-- SQLSTATEs are checked with pgTAP.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
SELECT plan(1);

-- 100,000 float8 (13 pages of 64 kB): a[i] = i, so sum = 5,000,050,000
CREATE TABLE xact_t (a bigarray);
INSERT INTO xact_t SELECT bigarray_create('float8', 100000);
SELECT ba_set_slice(a, 1, ARRAY(SELECT g::float8 FROM generate_series(1, 100000) g)) IS NOT NULL AS filled FROM xact_t;
SELECT ba_sum(a) FROM xact_t;

-- COMMIT keeps
BEGIN;
SELECT ba_set(a, 1, -1) IS NOT NULL AS set FROM xact_t;
COMMIT;
SELECT ba_get(a, 1) FROM xact_t;

-- ROLLBACK undoes a change of one element and of a whole range; the
-- transaction itself sees its changes
BEGIN;
SELECT ba_set(a, 2, -2) IS NOT NULL AS set FROM xact_t;
SELECT ba_fill(a, 7, 50001, 100000) IS NOT NULL AS filled FROM xact_t;
SELECT ba_get(a, 2), ba_get(a, 99999) FROM xact_t;
ROLLBACK;
-- 5,000,050,000 - 1 - 1 (a[1] is -1)
SELECT ba_get(a, 2), ba_get(a, 99999), ba_sum(a) FROM xact_t;

-- an ERROR later in the transaction undoes everything before it
BEGIN;
SELECT ba_set(a, 3, -3) IS NOT NULL AS set FROM xact_t;
SELECT 1 / 0;
COMMIT;
SELECT ba_get(a, 3) FROM xact_t;

-- an ERROR at COMMIT (a deferred constraint) undoes it too
CREATE TABLE xact_parent (id int PRIMARY KEY);
CREATE TABLE xact_child (id int REFERENCES xact_parent DEFERRABLE INITIALLY DEFERRED);
BEGIN;
SELECT ba_set(a, 4, -4) IS NOT NULL AS set FROM xact_t;
INSERT INTO xact_child VALUES (1);
COMMIT;
SELECT ba_get(a, 4) FROM xact_t;

-- a shape change is undone with the elements: shrink, then grow back
BEGIN;
SELECT ba_resize(a, 10) IS NOT NULL AS resized FROM xact_t;
SELECT ba_size(a), ba_sum(a) FROM xact_t;
ROLLBACK;
SELECT ba_size(a), ba_get(a, 100000), ba_sum(a) FROM xact_t;

-- growing adds zeros, also over elements that a shrink cut off earlier in
-- the same transaction
BEGIN;
SELECT ba_resize(a, 5) IS NOT NULL AS resized FROM xact_t;
SELECT ba_resize(a, 100010) IS NOT NULL AS resized FROM xact_t;
-- -1 + 2 + 3 + 4 + 5
SELECT ba_size(a), ba_sum(a), ba_get(a, 6), ba_get(a, 100010) FROM xact_t;
COMMIT;
SELECT ba_size(a), ba_sum(a), ba_get(a, 6), ba_get(a, 100010) FROM xact_t;

-- an array created in a transaction that rolls back does not exist
BEGIN;
SELECT ba_oid(bigarray_create('int4', 3)) AS gone \gset
SELECT ba_size(bigarray_create('int4', 3));
ROLLBACK;
SELECT throws_ok(format('SELECT ba_size(%L::bigarray)', 'int4[3]@' || :gone), '42704', NULL,
	'reading an array whose creation was rolled back');
SELECT count(*) FROM bigarray_objects WHERE loid = :gone;
SELECT * FROM finish();

DROP TABLE xact_t, xact_child, xact_parent;
