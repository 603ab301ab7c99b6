-- registry: every array is registered in bigarray_objects; ba_drop deletes
-- an array (owner only); bigarray_gc drops the registered arrays no column
-- of type bigarray, bigarray[] or a domain over bigarray refers to; reading
-- a dropped array: 42704.

CREATE FUNCTION reg_sqlstate(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
GRANT EXECUTE ON FUNCTION reg_sqlstate(text) TO PUBLIC;

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

-- arrays of other owners are not dropped, and gc says so
CREATE ROLE regress_ba_other;
GRANT SELECT, INSERT, DELETE ON reg_plain TO regress_ba_other;
SET ROLE regress_ba_other;
INSERT INTO reg_plain VALUES (3, bigarray_create('int4', 3));
RESET ROLE;
SELECT bigarray_create('int4', 3) IS NOT NULL AS made;
SET ROLE regress_ba_other;
DELETE FROM reg_plain WHERE id = 3;
SELECT bigarray_gc();
RESET ROLE;
SELECT bigarray_gc();
SELECT count(*) - :registered_before AS registered FROM bigarray_objects;

-- ba_drop: owner only (42501); then the array is gone for everyone (42704)
-- and unregistered
SELECT a::text AS dropped FROM reg_plain WHERE id = 1 \gset
SET ROLE regress_ba_other;
SELECT reg_sqlstate('SELECT ba_drop(a) FROM reg_plain WHERE id = 1') AS drop;
RESET ROLE;
SELECT ba_get(a, 1) FROM reg_plain WHERE id = 1;
SELECT ba_drop(a) FROM reg_plain WHERE id = 1;
SELECT reg_sqlstate('SELECT ba_get(a, 1) FROM reg_plain WHERE id = 1') AS get,
	reg_sqlstate('SELECT ba_set(a, 1, 1) FROM reg_plain WHERE id = 1') AS set,
	reg_sqlstate(format('SELECT %L::bigarray', :'dropped')) AS input,
	reg_sqlstate('SELECT ba_drop(a) FROM reg_plain WHERE id = 1') AS drop_again;
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

DROP MATERIALIZED VIEW reg_mv;
DROP TABLE reg_plain, reg_many, reg_parted, reg_heir, reg_parent;
DROP DOMAIN reg_domain;
DROP FUNCTION reg_sqlstate(text);
DROP ROLE regress_ba_other;
