-- privileges_compat: every path to an array's elements and metadata is
-- checked against the large object's privileges (SELECT to read, SELECT and
-- UPDATE to write, ownership to drop), for a role with none, SELECT only,
-- UPDATE only, or both, after the owner has read the array in the same
-- session (its pages cached here must not serve another role); arrays made
-- from another (ba_copy, bigarray_agg) belong to their maker and carry no
-- grants; lo_compat_privileges (superuser only) turns the checks off, as
-- it does for lo_open, and only while it is on.  sql/privileges.sql has the
-- basics; this file the paths and settings it leaves out.
-- Results are checked with pgTAP, in transactions (or savepoints) that are
-- rolled back, undoing the paths' writes; each plans its own checks, as
-- pgTAP's state (this session's temp tables) is rolled back with them.

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;

-- pc_paths: every way to touch the arrays a (read as "a") and b (the
-- role's own writable array), in the order tried, and what each role may
-- do there: ok, or the SQLSTATE.  owner: all; none: only ba_oid and text
-- and binary I/O, which read nothing; SELECT: every read, no write; UPDATE
-- alone: what none can (writing reads, as lo_open's INV_WRITE needs SELECT
-- too); both: all but drop.
CREATE TABLE pc_paths (n int GENERATED ALWAYS AS IDENTITY, path text, query text,
	owner text, "none" text, "select" text, "update" text, "both" text);
INSERT INTO pc_paths (path, query, owner, "none", "select", "update", "both") VALUES
	('get', 'SELECT ba_get(a, 1) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('get_int8', 'SELECT ba_get_int8(a, 1) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('slice', 'SELECT ba_slice(a, 1, 2) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('slice_int8', 'SELECT ba_slice_int8(a, 1, 2) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('to_array', 'SELECT ba_to_array(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('to_array_int8', 'SELECT ba_to_array_int8(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('to_bytea', 'SELECT ba_to_bytea(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('to_bytea range', 'SELECT ba_to_bytea(a, 1, 1) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('unnest in select list', 'SELECT ba_unnest(a) FROM pc_t LIMIT 1', 'ok', '42501', 'ok', '42501', 'ok'),
	('unnest in from', 'SELECT * FROM pc_t, ba_unnest(a, 1, 2)', 'ok', '42501', 'ok', '42501', 'ok'),
	('sum', 'SELECT ba_sum(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('min range', 'SELECT ba_min(a, 1, 2) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('max', 'SELECT ba_max(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('mean', 'SELECT ba_mean(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('dot a.a', 'SELECT ba_dot(a, a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('dot own.a', 'SELECT ba_dot(pc_own(), a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('agg of its elements', 'SELECT bigarray_agg(v ORDER BY i) FROM pc_t, ba_unnest(a)', 'ok', '42501', 'ok', '42501', 'ok'),
	('copy', 'SELECT ba_copy(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('dtype', 'SELECT ba_dtype(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('shape', 'SELECT ba_shape(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('ndim', 'SELECT ba_ndim(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('size', 'SELECT ba_size(a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('text output', 'SELECT a::text FROM pc_t', 'ok', 'ok', 'ok', 'ok', 'ok'),
	('send', 'SELECT bigarray_send(a) FROM pc_t', 'ok', 'ok', 'ok', 'ok', 'ok'),
	('text input', 'SELECT a::text::bigarray FROM pc_t_text', 'ok', 'ok', 'ok', 'ok', 'ok'),
	('oid (no access)', 'SELECT ba_oid(a) FROM pc_t', 'ok', 'ok', 'ok', 'ok', 'ok'),
	('set', 'SELECT ba_set(a, 1, 1) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('set int8', 'SELECT ba_set(a, 1, 1::int8) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('set_slice', 'SELECT ba_set_slice(a, 1, ''{1}''::int4[]) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('fill', 'SELECT ba_fill(a, 1) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('fill range', 'SELECT ba_fill(a, 1, 1, 1) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('fill int8', 'SELECT ba_fill(a, 1::int8) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('fill int8 range', 'SELECT ba_fill(a, 1::int8, 1, 1) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('add to it', 'SELECT ba_add(a, pc_own()) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('add from it', 'SELECT ba_add(pc_own(), a) FROM pc_t', 'ok', '42501', 'ok', '42501', 'ok'),
	('scale', 'SELECT ba_scale(a, 1) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('append', 'SELECT ba_append(a, ''{1}''::int4[]) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('resize', 'SELECT ba_resize(a, 3) FROM pc_t', 'ok', '42501', '42501', '42501', 'ok'),
	('drop', 'SELECT ba_drop(a) FROM pc_t', 'ok', '42501', '42501', '42501', '42501');
GRANT SELECT ON pc_paths TO PUBLIC;

-- pc_check(role, compat): the current role tries every path, in order,
-- checked against that role's column of pc_paths, or against ok when
-- compat (lo_compat_privileges is on)
CREATE FUNCTION pc_check(role text, compat bool) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT CASE WHEN expected = 'ok' THEN lives_ok(query, label)
		ELSE throws_ok(query, expected::char(5), NULL, label) END
	FROM pc_paths p,
		LATERAL (SELECT CASE WHEN compat THEN 'ok' ELSE to_jsonb(p) ->> role END) AS e(expected),
		LATERAL (SELECT format('%s%s: %s, %s', role,
			CASE WHEN compat THEN ', lo_compat_privileges on' END, path, expected)) AS l(label)
	ORDER BY n
$$;

CREATE ROLE regress_pc_owner;
CREATE ROLE regress_pc_none;
CREATE ROLE regress_pc_select;
CREATE ROLE regress_pc_update;		-- UPDATE without SELECT
CREATE ROLE regress_pc_both;
GRANT CREATE ON SCHEMA public TO regress_pc_owner;

-- the owner's array, and its text form in a text column (text input)
SET ROLE regress_pc_owner;
CREATE TABLE pc_t (a bigarray);
INSERT INTO pc_t SELECT '{1,2,3}'::int8[]::bigarray;
CREATE TABLE pc_t_text AS SELECT a::text AS a FROM pc_t;
GRANT SELECT ON pc_t, pc_t_text TO PUBLIC;
SELECT ba_oid(a) AS lo FROM pc_t \gset
GRANT SELECT ON LARGE OBJECT :lo TO regress_pc_select, regress_pc_both;
GRANT UPDATE ON LARGE OBJECT :lo TO regress_pc_update, regress_pc_both;
RESET ROLE;

-- each role's own array of the same size, for the paths taking two
CREATE TABLE pc_own (role name PRIMARY KEY, b bigarray);
GRANT SELECT, INSERT ON pc_own TO PUBLIC;
CREATE FUNCTION pc_own() RETURNS bigarray LANGUAGE sql STABLE
	AS $$SELECT b FROM pc_own WHERE role = current_user$$;
GRANT EXECUTE ON FUNCTION pc_own() TO PUBLIC;
DO $$
DECLARE
	r name;
BEGIN
	FOREACH r IN ARRAY ARRAY['regress_pc_owner', 'regress_pc_none', 'regress_pc_select', 'regress_pc_update', 'regress_pc_both'] LOOP
		EXECUTE format('SET LOCAL ROLE %I', r);
		INSERT INTO pc_own VALUES (r, '{1,1,1}'::int8[]::bigarray);
	END LOOP;
END $$;

-- The owner reads everything first, so that every page is cached in this
-- backend; then, in one transaction, each role tries every path in a
-- savepoint rolled back after it, so that each starts from {1,2,3} and
-- nothing is dropped.
SELECT ba_sum(a), ba_to_array(a) FROM pc_t;
BEGIN;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_owner;
SELECT * FROM pc_check('owner', false);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_none;
SELECT * FROM pc_check('none', false);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_select;
SELECT * FROM pc_check('select', false);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_update;
SELECT * FROM pc_check('update', false);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_both;
SELECT * FROM pc_check('both', false);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
COMMIT;
-- nothing was changed or dropped
SELECT ba_to_array(a) FROM pc_t;

-- a copy and an aggregate made by a reader belong to the reader and carry
-- no grant: another role may not read them
SET ROLE regress_pc_select;
CREATE TEMP TABLE pc_made AS
	SELECT ba_copy(a) AS copy, (SELECT bigarray_agg(v ORDER BY i) FROM ba_unnest(a)) AS agg FROM pc_t;
SELECT ba_to_array(copy), ba_to_array(agg) FROM pc_made;
SELECT (SELECT rolname FROM pg_roles r JOIN pg_largeobject_metadata m ON m.lomowner = r.oid WHERE m.oid = ba_oid(copy)) AS copy_owner,
	(SELECT rolname FROM pg_roles r JOIN pg_largeobject_metadata m ON m.lomowner = r.oid WHERE m.oid = ba_oid(agg)) AS agg_owner
	FROM pc_made;
GRANT SELECT ON pc_made TO regress_pc_both;
BEGIN;
SELECT plan(3);
SET LOCAL ROLE regress_pc_both;
SELECT throws_ok($$SELECT ba_sum(copy) FROM pc_made$$, '42501', NULL, 'another role: read a reader''s copy');
SELECT throws_ok($$SELECT ba_sum(agg) FROM pc_made$$, '42501', NULL, 'another role: read a reader''s aggregate');
SELECT throws_ok($$SELECT ba_set(copy, 1, 0) FROM pc_made$$, '42501', NULL, 'another role: write a reader''s copy');
SELECT * FROM finish();
ROLLBACK;
SELECT ba_drop(copy), ba_drop(agg) FROM pc_made;
DROP TABLE pc_made;
RESET ROLE;

-- bigarray_gc is for roles with the privileges of the extension's owner
-- (sql/registry.sql): an unreferenced array survives its owner's and
-- another plain role's attempts (42501), not the extension owner's gc.
-- (Its NOTICE counts the other tests' unreferenced arrays too: not shown.)
SET client_min_messages = warning;
SET ROLE regress_pc_owner;
CREATE TABLE pc_gc AS SELECT bigarray_create('int2', 5) AS a;
SELECT ba_oid(a) AS gc_lo FROM pc_gc \gset
DROP TABLE pc_gc;
RESET ROLE;
BEGIN;
SELECT plan(2);
SET LOCAL ROLE regress_pc_owner;
SELECT throws_ok($$SELECT bigarray_gc()$$, '42501', NULL, 'gc by the array''s owner');
SET LOCAL ROLE regress_pc_none;
SELECT throws_ok($$SELECT bigarray_gc()$$, '42501', NULL, 'gc by another plain role');
SELECT * FROM finish();
ROLLBACK;
SELECT EXISTS (SELECT FROM pg_largeobject_metadata WHERE oid = :gc_lo) AS survived_refused_gcs;
SELECT bigarray_gc() >= 1 AS gc_dropped;
SELECT EXISTS (SELECT FROM pg_largeobject_metadata WHERE oid = :gc_lo) AS survived_extension_owner_gc;
RESET client_min_messages;

-- lo_compat_privileges on: no checks, as for lo_open and lo_unlink (so
-- ba_drop by anyone); only a superuser may set it
BEGIN;
SELECT plan(1);
SET LOCAL ROLE regress_pc_none;
SELECT throws_ok($$SET lo_compat_privileges = on$$, '42501', NULL, 'lo_compat_privileges set by a non-superuser');
SELECT * FROM finish();
ROLLBACK;
SET lo_compat_privileges = on;
BEGIN;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_none;
SELECT * FROM pc_check('none', true);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
SAVEPOINT pc_role;
SELECT plan(39);
SET LOCAL ROLE regress_pc_update;
SELECT * FROM pc_check('update', true);
SELECT * FROM finish();
ROLLBACK TO SAVEPOINT pc_role;
COMMIT;
RESET lo_compat_privileges;

-- ... and only while it is on: a check skipped under it is not remembered
-- when it is turned off in the same transaction
BEGIN;
SELECT plan(2);
SET LOCAL lo_compat_privileges = on;
SET LOCAL ROLE regress_pc_none;
SELECT ba_sum(a), ba_set(a, 1, 10) IS NOT NULL AS set FROM pc_t;
RESET ROLE;
SET LOCAL lo_compat_privileges = off;
SET LOCAL ROLE regress_pc_none;
SELECT throws_ok($$SELECT ba_sum(a) FROM pc_t$$, '42501', NULL, 'lo_compat_privileges turned off: sum');
SELECT throws_ok($$SELECT ba_set(a, 1, 11) FROM pc_t$$, '42501', NULL, 'lo_compat_privileges turned off: set');
SELECT * FROM finish();
ROLLBACK;

-- a privilege revoked in the transaction counts from the next statement,
-- as for lo_open
BEGIN;
SELECT plan(2);
SET LOCAL ROLE regress_pc_both;
SELECT ba_sum(a), ba_set(a, 1, 10) IS NOT NULL AS set FROM pc_t;
SET LOCAL ROLE regress_pc_owner;
REVOKE SELECT, UPDATE ON LARGE OBJECT :lo FROM regress_pc_both;
SET LOCAL ROLE regress_pc_both;
SELECT throws_ok($$SELECT ba_sum(a) FROM pc_t$$, '42501', NULL, 'privileges revoked earlier in the transaction: sum');
SELECT throws_ok($$SELECT ba_set(a, 1, 11) FROM pc_t$$, '42501', NULL, 'privileges revoked earlier in the transaction: set');
SELECT * FROM finish();
ROLLBACK;
SELECT ba_to_array(a) FROM pc_t;

DROP FUNCTION pc_check(text, bool), pc_own();
DROP TABLE pc_paths;
SELECT ba_drop(b) FROM pc_own;
DROP TABLE pc_own;
SET ROLE regress_pc_owner;
SELECT ba_drop(a) FROM pc_t;
DROP TABLE pc_t, pc_t_text;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM regress_pc_owner;
DROP ROLE regress_pc_owner, regress_pc_none, regress_pc_select, regress_pc_update, regress_pc_both;
