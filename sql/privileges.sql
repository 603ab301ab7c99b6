-- privileges: reading an array needs SELECT on its large object, changing
-- it UPDATE; without them: SQLSTATE 42501 and no data, also when this
-- backend has the array's pages cached, and in a SECURITY DEFINER function.
-- Writes in a read-only transaction: 25006.

CREATE FUNCTION priv_sqlstate(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
GRANT EXECUTE ON FUNCTION priv_sqlstate(text) TO PUBLIC;

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
SELECT priv_sqlstate('SELECT ba_sum(a) FROM priv_t') AS sum,
	priv_sqlstate('SELECT ba_get(a, 1) FROM priv_t') AS get,
	priv_sqlstate('SELECT ba_slice(a, 1, 3) FROM priv_t') AS slice,
	priv_sqlstate('SELECT ba_set(a, 1, 0) FROM priv_t') AS set,
	priv_sqlstate('SELECT ba_copy(a) FROM priv_t') AS copy,
	priv_sqlstate('SELECT ba_drop(a) FROM priv_t') AS drop;
RESET ROLE;

-- SELECT is enough to read, not to write
SET ROLE regress_ba_reader;
SELECT ba_sum(a), ba_get(a, 1000) FROM priv_t;
SELECT priv_sqlstate('SELECT ba_set(a, 1, 0) FROM priv_t') AS set,
	priv_sqlstate('SELECT ba_fill(a, 0) FROM priv_t') AS fill,
	priv_sqlstate('SELECT ba_resize(a, 1) FROM priv_t') AS resize,
	priv_sqlstate('SELECT ba_drop(a) FROM priv_t') AS drop;
RESET ROLE;

-- UPDATE (with SELECT) lets one write; dropping needs ownership
SET ROLE regress_ba_writer;
SELECT ba_set(a, 1, 7) IS NOT NULL AS set FROM priv_t;
SELECT ba_get(a, 1) FROM priv_t;
SELECT priv_sqlstate('SELECT ba_drop(a) FROM priv_t') AS drop;
RESET ROLE;

-- a role change inside one transaction is checked too, after the owner
-- has read and written the array in it
BEGIN;
SELECT ba_set(a, 2, 8) IS NOT NULL AS set FROM priv_t;
SET LOCAL ROLE regress_ba_nobody;
SELECT priv_sqlstate('SELECT ba_get(a, 2) FROM priv_t') AS get,
	priv_sqlstate('SELECT ba_set(a, 3, 9) FROM priv_t') AS set;
SET LOCAL ROLE regress_ba_reader;
SELECT ba_get(a, 2) FROM priv_t;
SELECT priv_sqlstate('SELECT ba_set(a, 3, 9) FROM priv_t') AS set;
COMMIT;

-- a SECURITY DEFINER function runs with its owner's privileges, even when
-- called by the array's owner in the same statement as the owner's read
CREATE FUNCTION priv_nobody_reads(b text) RETURNS text LANGUAGE plpgsql
	SECURITY DEFINER AS $$
BEGIN
	RETURN priv_sqlstate(format('SELECT ba_get(%L::bigarray, 1)', b));
END $$;
ALTER FUNCTION priv_nobody_reads(text) OWNER TO regress_ba_nobody;
SELECT ba_get(a, 1), priv_nobody_reads(a::text) FROM priv_t;

-- writes in a read-only transaction: 25006; reads work
BEGIN READ ONLY;
SELECT ba_get(a, 1) FROM priv_t;
SELECT priv_sqlstate('SELECT ba_set(a, 1, 0) FROM priv_t') AS set,
	priv_sqlstate('SELECT bigarray_create(''float8'', 3)') AS create,
	priv_sqlstate('SELECT ba_drop(a) FROM priv_t') AS drop;
COMMIT;
-- 7 + 8 + 998 * 2: nothing else was changed
SELECT ba_sum(a) FROM priv_t;

DROP FUNCTION priv_nobody_reads(text);
REVOKE ALL ON LARGE OBJECT :lo FROM regress_ba_reader, regress_ba_writer;
DROP ROLE regress_ba_nobody, regress_ba_reader, regress_ba_writer;
DROP TABLE priv_t;
DROP FUNCTION priv_sqlstate(text);
