-- privileges: reading an array needs SELECT on its large object, changing
-- it UPDATE; without them: SQLSTATE 42501 and no data, also when this
-- backend has the array's pages cached, and in a SECURITY DEFINER function.
-- Writes in a read-only transaction: 25006.  SQLSTATEs are checked with
-- pgTAP, whose state (this session's temp tables) every role may use.

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
SELECT plan(19);

CREATE ROLE regress_ba_nobody;
CREATE ROLE regress_ba_reader;
CREATE ROLE regress_ba_writer;

CREATE TABLE priv_t (a bigarray);
GRANT SELECT ON priv_t TO PUBLIC;
INSERT INTO priv_t SELECT ba_fill(bigarray_create('float8', 1000), 2);
SELECT ba_oid(a) AS lo FROM priv_t \gset
GRANT SELECT ON LARGE OBJECT :lo TO regress_ba_reader;
GRANT SELECT, UPDATE ON LARGE OBJECT :lo TO regress_ba_writer;

-- the owner's read leaves every page cached in this backend
SELECT ba_sum(a) FROM priv_t;

SET ROLE regress_ba_nobody;
SELECT throws_ok($$SELECT ba_sum(a) FROM priv_t$$, '42501', NULL, 'no privilege: sum');
SELECT throws_ok($$SELECT ba_get(a, 1) FROM priv_t$$, '42501', NULL, 'no privilege: get');
SELECT throws_ok($$SELECT ba_slice(a, 1, 3) FROM priv_t$$, '42501', NULL, 'no privilege: slice');
SELECT throws_ok($$SELECT ba_set(a, 1, 0) FROM priv_t$$, '42501', NULL, 'no privilege: set');
SELECT throws_ok($$SELECT ba_copy(a) FROM priv_t$$, '42501', NULL, 'no privilege: copy');
SELECT throws_ok($$SELECT ba_drop(a) FROM priv_t$$, '42501', NULL, 'no privilege: drop');
RESET ROLE;

-- SELECT is enough to read, not to write
SET ROLE regress_ba_reader;
SELECT ba_sum(a), ba_get(a, 1000) FROM priv_t;
SELECT throws_ok($$SELECT ba_set(a, 1, 0) FROM priv_t$$, '42501', NULL, 'SELECT only: set');
SELECT throws_ok($$SELECT ba_fill(a, 0) FROM priv_t$$, '42501', NULL, 'SELECT only: fill');
SELECT throws_ok($$SELECT ba_resize(a, 1) FROM priv_t$$, '42501', NULL, 'SELECT only: resize');
SELECT throws_ok($$SELECT ba_drop(a) FROM priv_t$$, '42501', NULL, 'SELECT only: drop');
RESET ROLE;

-- UPDATE (with SELECT) lets one write; dropping needs ownership
SET ROLE regress_ba_writer;
SELECT ba_set(a, 1, 7) IS NOT NULL AS set FROM priv_t;
SELECT ba_get(a, 1) FROM priv_t;
SELECT throws_ok($$SELECT ba_drop(a) FROM priv_t$$, '42501', NULL, 'SELECT and UPDATE: drop');
RESET ROLE;

-- a role change inside one transaction is checked too, after the owner
-- has read and written the array in it
BEGIN;
SELECT ba_set(a, 2, 8) IS NOT NULL AS set FROM priv_t;
SET LOCAL ROLE regress_ba_nobody;
SELECT throws_ok($$SELECT ba_get(a, 2) FROM priv_t$$, '42501', NULL, 'no privilege, after the owner in the transaction: get');
SELECT throws_ok($$SELECT ba_set(a, 3, 9) FROM priv_t$$, '42501', NULL, 'no privilege, after the owner in the transaction: set');
SET LOCAL ROLE regress_ba_reader;
SELECT ba_get(a, 2) FROM priv_t;
SELECT throws_ok($$SELECT ba_set(a, 3, 9) FROM priv_t$$, '42501', NULL, 'SELECT only, after the owner in the transaction: set');
COMMIT;

-- a SECURITY DEFINER function runs with its owner's privileges, even when
-- called by the array's owner in the same statement as the owner's read
CREATE FUNCTION priv_nobody_reads(b text) RETURNS text LANGUAGE sql
	SECURITY DEFINER AS $$
	SELECT throws_ok(format('SELECT ba_get(%L::bigarray, 1)', b), '42501', NULL,
		'a SECURITY DEFINER function of a role with no privilege: get')
$$;
ALTER FUNCTION priv_nobody_reads(text) OWNER TO regress_ba_nobody;
SELECT is(ba_get(a, 1), 7::float8, 'the owner reads, in the same statement'),
	priv_nobody_reads(a::text) FROM priv_t;

-- writes in a read-only transaction: 25006; reads work
BEGIN READ ONLY;
SELECT ba_get(a, 1) FROM priv_t;
SELECT throws_ok($$SELECT ba_set(a, 1, 0) FROM priv_t$$, '25006', NULL, 'read-only transaction: set');
SELECT throws_ok($$SELECT bigarray_create('float8', 3)$$, '25006', NULL, 'read-only transaction: create');
SELECT throws_ok($$SELECT ba_drop(a) FROM priv_t$$, '25006', NULL, 'read-only transaction: drop');
COMMIT;
-- 7 + 8 + 998 * 2: nothing else was changed
SELECT ba_sum(a) FROM priv_t;
SELECT * FROM finish();

DROP FUNCTION priv_nobody_reads(text);
REVOKE ALL ON LARGE OBJECT :lo FROM regress_ba_reader, regress_ba_writer;
DROP ROLE regress_ba_nobody, regress_ba_reader, regress_ba_writer;
DROP TABLE priv_t;
