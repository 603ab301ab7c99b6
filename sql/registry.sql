-- registry: every array is registered in bigarray_objects; ba_drop deletes
-- an array (owner only); bigarray_gc (roles with the privileges of the
-- extension's owner only) drops the registered arrays the caller owns that
-- no row refers to, at any depth of a column's type (domains, arrays,
-- composites, ranges, multiranges); reading a dropped array: 42704.
-- SQLSTATEs are checked with pgTAP.

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
SELECT plan(6);

-- start from a registry without garbage left by other tests; count from
-- what is registered now
SET client_min_messages = warning;
SELECT bigarray_gc() >= 0 AS collected;
RESET client_min_messages;
SELECT count(*) AS registered_before FROM bigarray_objects \gset

CREATE DOMAIN reg_domain AS bigarray;
CREATE TABLE reg_plain (id int, a bigarray);
CREATE TABLE reg_many (id int, b bigarray[], c reg_domain);
CREATE TABLE reg_parted (id int, a bigarray) PARTITION BY RANGE (id);
CREATE TABLE reg_parted_1 PARTITION OF reg_parted FOR VALUES FROM (0) TO (100);
CREATE TABLE reg_parent (a bigarray);
CREATE TABLE reg_heir () INHERITS (reg_parent);
INSERT INTO reg_plain VALUES (1, bigarray_create('float8', 10)), (2, bigarray_create('int4', 10));
INSERT INTO reg_many VALUES (1, ARRAY[bigarray_create('int2', 3), bigarray_create('int2', 4)],
	bigarray_create('int8', 5));
INSERT INTO reg_parted VALUES (1, bigarray_create('float4', 6));
INSERT INTO reg_heir VALUES (bigarray_create('float4', 7));
CREATE MATERIALIZED VIEW reg_mv AS SELECT ba_copy(a) AS a FROM reg_plain WHERE id = 1;
-- created, never stored anywhere: garbage
SELECT bigarray_create('float8', 3) IS NOT NULL AS made;
SELECT bigarray_create('float8', 4) IS NOT NULL AS made;

SELECT count(*) - :registered_before AS registered FROM bigarray_objects;
SELECT count(*) - :registered_before AS registered_los
FROM bigarray_objects r JOIN pg_largeobject_metadata m ON m.oid = r.loid;

-- the two unreferenced arrays go, nothing else
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;
SELECT ba_size(a) FROM reg_plain ORDER BY id;
SELECT ba_size(b[1]), ba_size(b[2]), ba_size(c) FROM reg_many;
SELECT ba_size(a) FROM reg_parted;
SELECT ba_size(a) FROM reg_parent;
SELECT ba_size(a) FROM reg_mv;
SELECT bigarray_gc();

-- a row deleted: its array is garbage now; a rolled-back gc drops nothing
DELETE FROM reg_plain WHERE id = 2;
BEGIN;
SELECT bigarray_gc();
ROLLBACK;
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;

-- arrays inside composites, domains over composites, arrays of them,
-- ranges and multiranges (over bigarray and over a domain over it), at
-- any depth, are references; NULLs, empty ranges and unbounded ends are
-- not.  Only the two arrays no row names go.
CREATE TYPE reg_pair AS (x int, a bigarray);
CREATE DOMAIN reg_pair_domain AS reg_pair;
CREATE TYPE reg_nest AS (pairs reg_pair_domain[], note text);
CREATE TYPE reg_range AS RANGE (subtype = bigarray, multirange_type_name = reg_multirange);
CREATE TYPE reg_domain_range AS RANGE (subtype = reg_domain);
CREATE TABLE reg_deep (id int, p reg_pair, pd reg_pair_domain, ps reg_pair[],
	n reg_nest, r reg_range, mr reg_multirange, dr reg_domain_range);
CREATE FUNCTION reg_made(n int) RETURNS bigarray LANGUAGE sql
	AS $$SELECT bigarray_create('int4', n)$$;
INSERT INTO reg_deep (id, p) VALUES (1, ROW(1, reg_made(101)));
INSERT INTO reg_deep (id, pd) VALUES (2, ROW(2, reg_made(102)));
INSERT INTO reg_deep (id, ps) VALUES (3, ARRAY[ROW(3, NULL), ROW(3, reg_made(103))]::reg_pair[]);
INSERT INTO reg_deep (id, n) VALUES (4, ROW(ARRAY[ROW(4, reg_made(104))::reg_pair_domain], repeat('x', 10000)));
INSERT INTO reg_deep (id, r) SELECT 5, reg_range(least(a, b), greatest(a, b), '[]')
	FROM (SELECT reg_made(105) AS a, reg_made(106) AS b) m;
INSERT INTO reg_deep (id, r) VALUES (6, reg_range(reg_made(107), NULL)), (7, 'empty');
INSERT INTO reg_deep (id, mr) SELECT 8, reg_multirange(reg_range(least(a, b), least(a, b), '[]'),
		reg_range(greatest(a, b), NULL))
	FROM (SELECT reg_made(108) AS a, reg_made(109) AS b) m;
INSERT INTO reg_deep (id, dr) VALUES (9, reg_domain_range(NULL, reg_made(110), '(]'));
INSERT INTO reg_deep (id, p, ps) VALUES (10, ROW(10, NULL), '{}');
SELECT bigarray_create('float8', 3) IS NOT NULL AS made;
SELECT bigarray_create('float8', 4) IS NOT NULL AS made;
SELECT bigarray_gc();
SELECT ba_size((p).a) FROM reg_deep WHERE id = 1;
SELECT ba_size((pd).a) FROM reg_deep WHERE id = 2;
SELECT ba_size(ps[2].a) FROM reg_deep WHERE id = 3;
SELECT ba_size(((n).pairs[1]).a) FROM reg_deep WHERE id = 4;
SELECT ba_size(lower(r)), ba_size(upper(r)) FROM reg_deep WHERE id = 5;
SELECT ba_size(lower(r)) FROM reg_deep WHERE id = 6;
SELECT (SELECT array_agg(ba_size(lower(x)) ORDER BY 1) FROM unnest(mr) x) FROM reg_deep WHERE id = 8;
SELECT ba_size(upper(dr)) FROM reg_deep WHERE id = 9;
-- the values go, then their arrays
DELETE FROM reg_deep WHERE id IN (3, 5, 8);
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;

-- this session's temp tables are read
CREATE TEMP TABLE reg_temp (a bigarray);
INSERT INTO reg_temp VALUES (reg_made(111));
SELECT bigarray_gc();
SELECT ba_size(a) FROM reg_temp;
DROP TABLE reg_temp;
SELECT bigarray_gc();

-- gc is for roles with the privileges of the extension's owner (42501 for
-- others, ba_drop stays theirs); such a role drops only the unreferenced
-- arrays it owns, and says how many others it left
CREATE ROLE regress_ba_other;
CREATE ROLE regress_ba_admin;
SELECT rolname AS ext_owner FROM pg_roles r JOIN pg_extension e ON e.extowner = r.oid
WHERE e.extname = 'bigarray' \gset
GRANT :"ext_owner" TO regress_ba_admin;
GRANT SELECT, INSERT, DELETE ON reg_plain TO regress_ba_other;
SET ROLE regress_ba_other;
INSERT INTO reg_plain VALUES (3, bigarray_create('int4', 3));
SELECT throws_ok($$SELECT bigarray_gc()$$, '42501', NULL, 'gc: refused for a plain role');
RESET ROLE;
SELECT bigarray_create('int4', 3) IS NOT NULL AS made;
SET ROLE regress_ba_other;
DELETE FROM reg_plain WHERE id = 3;
RESET ROLE;
SET ROLE regress_ba_admin;
SELECT bigarray_gc();
RESET ROLE;
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;

-- ba_drop: owner only (42501); then the array is gone for everyone (42704)
-- and unregistered
SELECT a::text AS dropped FROM reg_plain WHERE id = 1 \gset
SET ROLE regress_ba_other;
SELECT throws_ok($$SELECT ba_drop(a) FROM reg_plain WHERE id = 1$$, '42501', NULL, 'drop: refused for another role');
RESET ROLE;
SELECT ba_get(a, 1) FROM reg_plain WHERE id = 1;
SELECT ba_drop(a) FROM reg_plain WHERE id = 1;
SELECT throws_ok($$SELECT ba_get(a, 1) FROM reg_plain WHERE id = 1$$, '42704', NULL, 'dropped: get');
SELECT throws_ok($$SELECT ba_set(a, 1, 1) FROM reg_plain WHERE id = 1$$, '42704', NULL, 'dropped: set');
SELECT lives_ok(format('SELECT %L::bigarray', :'dropped'), 'dropped: text input (it does not open the array)');
SELECT throws_ok($$SELECT ba_drop(a) FROM reg_plain WHERE id = 1$$, '42704', NULL, 'dropped: drop again');
SELECT count(*) AS registered FROM bigarray_objects r, reg_plain p
WHERE p.id = 1 AND r.loid = ba_oid(p.a);

-- a drop rolled back leaves the array as it was
BEGIN;
SELECT ba_drop(a) FROM reg_parted;
ROLLBACK;
SELECT ba_size(a) FROM reg_parted;

-- an array deleted behind bigarray's back (lo_unlink) is unregistered by
-- gc, without counting as dropped
SELECT ba_oid(bigarray_create('int4', 3)) AS unlinked \gset
SELECT lo_unlink(:unlinked);
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;

SELECT * FROM finish();

DROP MATERIALIZED VIEW reg_mv;
SELECT count(ba_drop(x)) FROM reg_deep, LATERAL (VALUES ((p).a), ((pd).a), (((n).pairs[1]).a),
	(lower(r)), (upper(dr))) v(x) WHERE x IS NOT NULL;
DROP TABLE reg_plain, reg_many, reg_parted, reg_heir, reg_parent, reg_deep;
DROP TYPE reg_nest, reg_domain_range, reg_range;
DROP DOMAIN reg_pair_domain;
DROP TYPE reg_pair;
DROP DOMAIN reg_domain;
DROP FUNCTION reg_made(int);
DROP ROLE regress_ba_other, regress_ba_admin;
