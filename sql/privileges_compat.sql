-- privileges_compat: every path to an array's elements and metadata is
-- checked against the large object's privileges (SELECT to read, SELECT and
-- UPDATE to write, ownership to drop), for a role with none, SELECT only,
-- UPDATE only, or both, after the owner has read the array in the same
-- session (its pages cached here must not serve another role); arrays made
-- from another (ba_copy, bigarray_agg) belong to their maker and carry no
-- grants; lo_compat_privileges (superuser only) turns the checks off, as
-- it does for lo_open, and only while it is on.  sql/privileges.sql has the
-- basics; this file the paths and settings it leaves out.

CREATE FUNCTION pc_try(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
GRANT EXECUTE ON FUNCTION pc_try(text) TO PUBLIC;

-- pc_paths(): every way to touch the arrays a (read as "a") and b (the
-- role's own writable array), as (path, SQLSTATE or ok)
CREATE FUNCTION pc_paths() RETURNS TABLE(path text, result text) LANGUAGE sql AS $$
	SELECT p, pc_try(q) FROM (VALUES
		('get', 'SELECT ba_get(a, 1) FROM pc_t'),
		('get_int8', 'SELECT ba_get_int8(a, 1) FROM pc_t'),
		('slice', 'SELECT ba_slice(a, 1, 2) FROM pc_t'),
		('slice_int8', 'SELECT ba_slice_int8(a, 1, 2) FROM pc_t'),
		('to_array', 'SELECT ba_to_array(a) FROM pc_t'),
		('to_array_int8', 'SELECT ba_to_array_int8(a) FROM pc_t'),
		('to_bytea', 'SELECT ba_to_bytea(a) FROM pc_t'),
		('to_bytea range', 'SELECT ba_to_bytea(a, 1, 1) FROM pc_t'),
		('unnest in select list', 'SELECT ba_unnest(a) FROM pc_t LIMIT 1'),
		('unnest in from', 'SELECT * FROM pc_t, ba_unnest(a, 1, 2)'),
		('sum', 'SELECT ba_sum(a) FROM pc_t'),
		('min range', 'SELECT ba_min(a, 1, 2) FROM pc_t'),
		('max', 'SELECT ba_max(a) FROM pc_t'),
		('mean', 'SELECT ba_mean(a) FROM pc_t'),
		('dot a.a', 'SELECT ba_dot(a, a) FROM pc_t'),
		('dot own.a', 'SELECT ba_dot(pc_own(), a) FROM pc_t'),
		('agg of its elements', 'SELECT bigarray_agg(v ORDER BY i) FROM pc_t, ba_unnest(a)'),
		('copy', 'SELECT ba_copy(a) FROM pc_t'),
		('dtype', 'SELECT ba_dtype(a) FROM pc_t'),
		('shape', 'SELECT ba_shape(a) FROM pc_t'),
		('ndim', 'SELECT ba_ndim(a) FROM pc_t'),
		('size', 'SELECT ba_size(a) FROM pc_t'),
		('text output', 'SELECT a::text FROM pc_t'),
		('send', 'SELECT bigarray_send(a) FROM pc_t'),
		('text input', 'SELECT a::text::bigarray FROM pc_t_text'),
		('oid (no access)', 'SELECT ba_oid(a) FROM pc_t'),
		('set', 'SELECT ba_set(a, 1, 1) FROM pc_t'),
		('set int8', 'SELECT ba_set(a, 1, 1::int8) FROM pc_t'),
		('set_slice', 'SELECT ba_set_slice(a, 1, ''{1}''::int4[]) FROM pc_t'),
		('fill', 'SELECT ba_fill(a, 1) FROM pc_t'),
		('fill range', 'SELECT ba_fill(a, 1, 1, 1) FROM pc_t'),
		('fill int8', 'SELECT ba_fill(a, 1::int8) FROM pc_t'),
		('fill int8 range', 'SELECT ba_fill(a, 1::int8, 1, 1) FROM pc_t'),
		('add to it', 'SELECT ba_add(a, pc_own()) FROM pc_t'),
		('add from it', 'SELECT ba_add(pc_own(), a) FROM pc_t'),
		('scale', 'SELECT ba_scale(a, 1) FROM pc_t'),
		('append', 'SELECT ba_append(a, ''{1}''::int4[]) FROM pc_t'),
		('resize', 'SELECT ba_resize(a, 3) FROM pc_t'),
		('drop', 'SELECT ba_drop(a) FROM pc_t')
	) AS v(p, q)
$$;
GRANT EXECUTE ON FUNCTION pc_paths() TO PUBLIC;

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
-- backend; then each role tries every path.  Each role's writes are undone
-- (the results leave the subtransaction in the error message), so each
-- starts from {1,2,3} and nothing is dropped.
SELECT ba_sum(a), ba_to_array(a) FROM pc_t;
CREATE FUNCTION pc_results(roles name[]) RETURNS TABLE(role name, n int8, path text, result text)
LANGUAGE plpgsql AS $$
DECLARE
	r name;
BEGIN
	FOREACH r IN ARRAY roles LOOP
		BEGIN
			EXECUTE format('SET LOCAL ROLE %I', r);
			RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE =
				(SELECT json_agg(json_build_array(p.path, p.result))::text FROM pc_paths() p);
		EXCEPTION WHEN raise_exception THEN
			RETURN QUERY SELECT r, j.n, j.e->>0, j.e->>1
				FROM json_array_elements(SQLERRM::json) WITH ORDINALITY AS j(e, n);
		END;
	END LOOP;
END $$;
CREATE FUNCTION pc_table() RETURNS TABLE(path text, owner text, "none" text, "select" text, "update" text, "both" text)
LANGUAGE sql AS $$
	SELECT path,
		max(result) FILTER (WHERE role = 'regress_pc_owner'),
		max(result) FILTER (WHERE role = 'regress_pc_none'),
		max(result) FILTER (WHERE role = 'regress_pc_select'),
		max(result) FILTER (WHERE role = 'regress_pc_update'),
		max(result) FILTER (WHERE role = 'regress_pc_both')
	FROM pc_results(ARRAY['regress_pc_owner', 'regress_pc_none', 'regress_pc_select', 'regress_pc_update', 'regress_pc_both'])
	GROUP BY path ORDER BY min(n)
$$;

-- owner: all; none: only ba_oid and text and binary I/O, which read nothing;
-- SELECT: every read, no write; UPDATE alone: what none can (writing reads,
-- as lo_open's INV_WRITE needs SELECT too); both: all but drop
SELECT * FROM pc_table();
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
SET ROLE regress_pc_both;
SELECT pc_try('SELECT ba_sum(copy) FROM pc_made') AS copy, pc_try('SELECT ba_sum(agg) FROM pc_made') AS agg,
	pc_try('SELECT ba_set(copy, 1, 0) FROM pc_made') AS set_copy;
SET ROLE regress_pc_select;
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
SELECT pc_try('SELECT bigarray_gc()') AS gc_by_owner;
SET ROLE regress_pc_none;
SELECT pc_try('SELECT bigarray_gc()') AS gc_by_other;
RESET ROLE;
SELECT EXISTS (SELECT FROM pg_largeobject_metadata WHERE oid = :gc_lo) AS survived_refused_gcs;
SELECT bigarray_gc() >= 1 AS gc_dropped;
SELECT EXISTS (SELECT FROM pg_largeobject_metadata WHERE oid = :gc_lo) AS survived_extension_owner_gc;
RESET client_min_messages;

-- lo_compat_privileges on: no checks, as for lo_open and lo_unlink (so
-- ba_drop by anyone); only a superuser may set it
SET ROLE regress_pc_none;
SELECT pc_try('SET lo_compat_privileges = on') AS set_by_non_superuser;
RESET ROLE;
SET lo_compat_privileges = on;
SELECT path, "none", "update" FROM pc_table();
RESET lo_compat_privileges;

-- ... and only while it is on: a check skipped under it is not remembered
-- when it is turned off in the same transaction
BEGIN;
SET LOCAL lo_compat_privileges = on;
SET LOCAL ROLE regress_pc_none;
SELECT ba_sum(a), ba_set(a, 1, 10) IS NOT NULL AS set FROM pc_t;
RESET ROLE;
SET LOCAL lo_compat_privileges = off;
SET LOCAL ROLE regress_pc_none;
SELECT pc_try('SELECT ba_sum(a) FROM pc_t') AS sum, pc_try('SELECT ba_set(a, 1, 11) FROM pc_t') AS set;
ROLLBACK;

-- a privilege revoked in the transaction counts from the next statement,
-- as for lo_open
BEGIN;
SET LOCAL ROLE regress_pc_both;
SELECT ba_sum(a), ba_set(a, 1, 10) IS NOT NULL AS set FROM pc_t;
SET LOCAL ROLE regress_pc_owner;
REVOKE SELECT, UPDATE ON LARGE OBJECT :lo FROM regress_pc_both;
SET LOCAL ROLE regress_pc_both;
SELECT pc_try('SELECT ba_sum(a) FROM pc_t') AS sum, pc_try('SELECT ba_set(a, 1, 11) FROM pc_t') AS set;
ROLLBACK;
SELECT ba_to_array(a) FROM pc_t;

DROP FUNCTION pc_table(), pc_results(name[]), pc_paths(), pc_own(), pc_try(text);
SELECT ba_drop(b) FROM pc_own;
DROP TABLE pc_own;
SET ROLE regress_pc_owner;
SELECT ba_drop(a) FROM pc_t;
DROP TABLE pc_t, pc_t_text;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM regress_pc_owner;
DROP ROLE regress_pc_owner, regress_pc_none, regress_pc_select, regress_pc_update, regress_pc_both;
