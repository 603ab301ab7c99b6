/*
 * bigarray_dist_node--0.1.sql - the data-node side of bigarray_dist.
 *
 * Installed in every data node's database, next to bigarray.  The router
 * (extension bigarray_dist) reaches these functions through PL/Proxy, one
 * call per node, each in the node's own transaction, or through dblink
 * inside a prepared transaction (two-phase writes).
 *
 *   keyed   arrays of the "many arrays" layout, one row per key; the key's
 *           hashtext picks the node
 *   parts   this node's part of each distributed array: its blocks of
 *           first-axis rows, concatenated in block order
 *   quota   this node's byte cap (no row: no cap), checked at every create
 *           against the bytes column of keyed and parts (arrays made
 *           through bigarray_dist never change size), so the check opens no
 *           array and needs no right on other roles' arrays
 *   committed  the gids of two-phase writes committed here, so that a
 *           recovering router can tell a committed write from an aborted one
 *
 * Functions that call bigarray's are SQL-standard bodies (BEGIN ATOMIC):
 * they are bound to bigarray's functions when this script runs, so no
 * caller's search_path can redirect them.  PL/pgSQL ones qualify every
 * name; all pin search_path.  All run with the caller's rights: reading an
 * array needs SELECT on its large object, writing UPDATE, dropping
 * ownership, and the tables' own privileges are the administrator's to
 * grant (none to PUBLIC but reading the quota).
 */

\echo Use "CREATE EXTENSION bigarray_dist_node" to load this file. \quit

-- tables -------------------------------------------------------------------

CREATE TABLE @extschema@.keyed (
	key text PRIMARY KEY,
	a bigarray NOT NULL,
	bytes int8 NOT NULL
);
COMMENT ON TABLE @extschema@.keyed IS
	'bigarray_dist: arrays of the by-key layout stored on this node, one per key';

CREATE TABLE @extschema@.parts (
	name text PRIMARY KEY,
	a bigarray NOT NULL,
	bytes int8 NOT NULL
);
COMMENT ON TABLE @extschema@.parts IS
	'bigarray_dist: this node''s part (its blocks of first-axis rows) of each distributed array';

CREATE TABLE @extschema@.quota (
	max_bytes int8 NOT NULL CHECK (max_bytes >= 0),
	single_row boolean PRIMARY KEY DEFAULT true CHECK (single_row)
);
COMMENT ON TABLE @extschema@.quota IS
	'bigarray_dist: the most bytes of array elements this node accepts (no row: no cap)';
GRANT SELECT ON @extschema@.quota TO PUBLIC;

CREATE TABLE @extschema@.committed (
	gid text PRIMARY KEY
);
COMMENT ON TABLE @extschema@.committed IS
	'bigarray_dist: gids of two-phase writes whose prepared transaction committed on this node';

-- pg_dump keeps the rows (the arrays' handles and the cap)
SELECT pg_catalog.pg_extension_config_dump('@extschema@.keyed', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.parts', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.quota', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.committed', '');

-- lookups and the quota ------------------------------------------------------

CREATE FUNCTION @extschema@.keyed_array(key text) RETURNS bigarray
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	found_array @extschema@.keyed.a%TYPE;
BEGIN
	IF key IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: key must not be NULL' USING ERRCODE = '22004';
	END IF;
	SELECT k.a INTO found_array FROM @extschema@.keyed k WHERE k.key = keyed_array.key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bigarray_dist: no array with key "%"', key USING ERRCODE = '42704';
	END IF;
	RETURN found_array;
END $$;
COMMENT ON FUNCTION @extschema@.keyed_array(text) IS
	'bigarray_dist: the array stored under a key on this node (42704 if none)';

CREATE FUNCTION @extschema@.part_array(name text) RETURNS bigarray
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	found_array @extschema@.parts.a%TYPE;
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: array name must not be NULL' USING ERRCODE = '22004';
	END IF;
	SELECT p.a INTO found_array FROM @extschema@.parts p WHERE p.name = part_array.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bigarray_dist: no part of distributed array "%" on this node', name
			USING ERRCODE = '42704';
	END IF;
	RETURN found_array;
END $$;
COMMENT ON FUNCTION @extschema@.part_array(text) IS
	'bigarray_dist: this node''s part of a distributed array (42704 if none)';

CREATE FUNCTION @extschema@.array_bytes(dtype regtype, shape int8[]) RETURNS int8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	bytes int8;
	extent int8;
BEGIN
	SELECT t.typlen INTO bytes FROM pg_catalog.pg_type t WHERE t.oid = dtype;
	FOREACH extent IN ARRAY shape LOOP
		bytes := bytes * extent;
	END LOOP;
	RETURN bytes;
END $$;
COMMENT ON FUNCTION @extschema@.array_bytes(regtype, int8[]) IS
	'bigarray_dist: bytes of elements an array of this dtype and shape holds';

CREATE FUNCTION @extschema@.used_bytes() RETURNS int8
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT coalesce(sum(u.bytes), 0)::int8
	FROM (SELECT k.bytes FROM @extschema@.keyed k UNION ALL SELECT p.bytes FROM @extschema@.parts p) u;
END;
COMMENT ON FUNCTION @extschema@.used_bytes() IS
	'bigarray_dist: bytes of elements held by this node''s keyed arrays and parts';

-- check_quota(dtype, shape): raise 53400 if an array of that dtype and shape
-- would take this node over its cap.  Creates serialize on an advisory
-- lock, so two cannot both fit in the last free bytes.
CREATE FUNCTION @extschema@.check_quota(dtype regtype, shape int8[]) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	cap int8;
	want int8;
	used int8;
BEGIN
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('bigarray_dist_node.quota'));
	SELECT q.max_bytes INTO cap FROM @extschema@.quota q;
	IF cap IS NULL THEN
		RETURN;
	END IF;
	want := @extschema@.array_bytes(dtype, shape);
	used := @extschema@.used_bytes();
	IF used + want > cap THEN
		RAISE EXCEPTION 'bigarray_dist: node quota exceeded'
			USING ERRCODE = '53400',
			DETAIL = pg_catalog.format('This node holds %s bytes of arrays; %s more would pass its cap of %s bytes.',
				used, want, cap);
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@.check_quota(regtype, int8[]) IS
	'bigarray_dist: raise 53400 if a new array of this dtype and shape would pass this node''s quota';

CREATE FUNCTION @extschema@.new_array(dtype regtype, shape int8[]) RETURNS bigarray
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT bigarray_create(dtype, VARIADIC shape);
END;
COMMENT ON FUNCTION @extschema@.new_array(regtype, int8[]) IS
	'bigarray_dist: a new zero-filled bigarray (bigarray_create bound at install)';

CREATE FUNCTION @extschema@.drop_array(a bigarray) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_drop(a);
END;
COMMENT ON FUNCTION @extschema@.drop_array(bigarray) IS
	'bigarray_dist: drop a bigarray (ba_drop bound at install)';

-- the by-key layout -----------------------------------------------------------

CREATE FUNCTION @extschema@.keyed_create(key text, dtype regtype, shape int8[]) RETURNS text
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	handle text;
BEGIN
	IF key IS NULL OR dtype IS NULL OR shape IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: key, dtype and shape must not be NULL' USING ERRCODE = '22004';
	END IF;
	PERFORM @extschema@.check_quota(dtype, shape);
	INSERT INTO @extschema@.keyed (key, a, bytes)
		VALUES (key, @extschema@.new_array(dtype, shape), @extschema@.array_bytes(dtype, shape))
		RETURNING a::text INTO handle;
	RETURN handle;
END $$;
COMMENT ON FUNCTION @extschema@.keyed_create(text, regtype, int8[]) IS
	'bigarray_dist: create a zero-filled array under a key on this node; returns its handle';

CREATE FUNCTION @extschema@.keyed_get(key text, i int8) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_get(@extschema@.keyed_array(key), i);
END;
COMMENT ON FUNCTION @extschema@.keyed_get(text, int8) IS
	'bigarray_dist: ba_get of the array under a key';

CREATE FUNCTION @extschema@.keyed_slice(key text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_slice(@extschema@.keyed_array(key), lo, hi);
END;
COMMENT ON FUNCTION @extschema@.keyed_slice(text, int8, int8) IS
	'bigarray_dist: ba_slice of the array under a key';

CREATE FUNCTION @extschema@.keyed_set(key text, i int8, v float8) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_set(@extschema@.keyed_array(key), i, v);
END;
COMMENT ON FUNCTION @extschema@.keyed_set(text, int8, float8) IS
	'bigarray_dist: ba_set of the array under a key';

CREATE FUNCTION @extschema@.keyed_set_slice(key text, lo int8, v float8[]) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_set_slice(@extschema@.keyed_array(key), lo, v);
END;
COMMENT ON FUNCTION @extschema@.keyed_set_slice(text, int8, float8[]) IS
	'bigarray_dist: ba_set_slice of the array under a key';

CREATE FUNCTION @extschema@.keyed_fill(key text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_fill(@extschema@.keyed_array(key), v, lo, hi);
END;
COMMENT ON FUNCTION @extschema@.keyed_fill(text, float8, int8, int8) IS
	'bigarray_dist: ba_fill of a range of the array under a key';

CREATE FUNCTION @extschema@.keyed_fill(key text, v float8) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_fill(@extschema@.keyed_array(key), v);
END;
COMMENT ON FUNCTION @extschema@.keyed_fill(text, float8) IS
	'bigarray_dist: ba_fill of the whole array under a key';

CREATE FUNCTION @extschema@.keyed_size(key text) RETURNS int8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_size(@extschema@.keyed_array(key));
END;
COMMENT ON FUNCTION @extschema@.keyed_size(text) IS
	'bigarray_dist: ba_size of the array under a key';

CREATE FUNCTION @extschema@.keyed_sum(key text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_sum(@extschema@.keyed_array(key));
END;
COMMENT ON FUNCTION @extschema@.keyed_sum(text) IS
	'bigarray_dist: ba_sum of the array under a key';

CREATE FUNCTION @extschema@.keyed_min(key text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_min(@extschema@.keyed_array(key));
END;
COMMENT ON FUNCTION @extschema@.keyed_min(text) IS
	'bigarray_dist: ba_min of the array under a key';

CREATE FUNCTION @extschema@.keyed_max(key text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_max(@extschema@.keyed_array(key));
END;
COMMENT ON FUNCTION @extschema@.keyed_max(text) IS
	'bigarray_dist: ba_max of the array under a key';

CREATE FUNCTION @extschema@.keyed_mean(key text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_mean(@extschema@.keyed_array(key));
END;
COMMENT ON FUNCTION @extschema@.keyed_mean(text) IS
	'bigarray_dist: ba_mean of the array under a key';

CREATE FUNCTION @extschema@.keyed_drop(key text) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT @extschema@.drop_array(@extschema@.keyed_array(key));
	DELETE FROM @extschema@.keyed k WHERE k.key = keyed_drop.key;
END;
COMMENT ON FUNCTION @extschema@.keyed_drop(text) IS
	'bigarray_dist: drop the array under a key and its row';

-- parts of distributed arrays ---------------------------------------------------

CREATE FUNCTION @extschema@.part_create(name text, dtype regtype, shape int8[]) RETURNS text
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	handle text;
BEGIN
	IF name IS NULL OR dtype IS NULL OR shape IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: name, dtype and shape must not be NULL' USING ERRCODE = '22004';
	END IF;
	PERFORM @extschema@.check_quota(dtype, shape);
	INSERT INTO @extschema@.parts (name, a, bytes)
		VALUES (name, @extschema@.new_array(dtype, shape), @extschema@.array_bytes(dtype, shape))
		RETURNING a::text INTO handle;
	RETURN handle;
END $$;
COMMENT ON FUNCTION @extschema@.part_create(text, regtype, int8[]) IS
	'bigarray_dist: create this node''s zero-filled part of a distributed array; returns its handle';

CREATE FUNCTION @extschema@.part_get(name text, i int8) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_get(@extschema@.part_array(name), i);
END;
COMMENT ON FUNCTION @extschema@.part_get(text, int8) IS
	'bigarray_dist: one element of this node''s part (local flat index)';

CREATE FUNCTION @extschema@.part_slice(name text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_slice(@extschema@.part_array(name), lo, hi);
END;
COMMENT ON FUNCTION @extschema@.part_slice(text, int8, int8) IS
	'bigarray_dist: a range of this node''s part (local flat indexes)';

CREATE FUNCTION @extschema@.part_set_slice(name text, lo int8, v float8[]) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_set_slice(@extschema@.part_array(name), lo, v);
END;
COMMENT ON FUNCTION @extschema@.part_set_slice(text, int8, float8[]) IS
	'bigarray_dist: write elements into this node''s part from a local index on';

CREATE FUNCTION @extschema@.part_fill(name text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_fill(@extschema@.part_array(name), v, lo, hi);
END;
COMMENT ON FUNCTION @extschema@.part_fill(text, float8, int8, int8) IS
	'bigarray_dist: fill a local range of this node''s part';

CREATE FUNCTION @extschema@.part_sum(name text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_sum(@extschema@.part_array(name));
END;
COMMENT ON FUNCTION @extschema@.part_sum(text) IS
	'bigarray_dist: sum of this node''s part';

CREATE FUNCTION @extschema@.part_min(name text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_min(@extschema@.part_array(name));
END;
COMMENT ON FUNCTION @extschema@.part_min(text) IS
	'bigarray_dist: least element of this node''s part (NULL if empty)';

CREATE FUNCTION @extschema@.part_max(name text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_max(@extschema@.part_array(name));
END;
COMMENT ON FUNCTION @extschema@.part_max(text) IS
	'bigarray_dist: greatest element of this node''s part (NULL if empty)';

CREATE FUNCTION @extschema@.part_dot(name_a text, name_b text) RETURNS float8
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT ba_dot(@extschema@.part_array(name_a), @extschema@.part_array(name_b));
END;
COMMENT ON FUNCTION @extschema@.part_dot(text, text) IS
	'bigarray_dist: dot product of this node''s parts of two arrays split alike';

CREATE FUNCTION @extschema@.part_drop(name text) RETURNS void
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT @extschema@.drop_array(@extschema@.part_array(name));
	DELETE FROM @extschema@.parts p WHERE p.name = part_drop.name;
END;
COMMENT ON FUNCTION @extschema@.part_drop(text) IS
	'bigarray_dist: drop this node''s part of a distributed array';

-- two-phase writes ----------------------------------------------------------------

CREATE FUNCTION @extschema@.note_committed(gid text) RETURNS void
	LANGUAGE sql VOLATILE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	INSERT INTO @extschema@.committed (gid) VALUES (gid);
END;
COMMENT ON FUNCTION @extschema@.note_committed(text) IS
	'bigarray_dist: record, inside a two-phase write''s prepared transaction, that it committed here';

CREATE FUNCTION @extschema@.forget_committed(gid text) RETURNS void
	LANGUAGE sql VOLATILE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	DELETE FROM @extschema@.committed c WHERE c.gid = forget_committed.gid;
END;
COMMENT ON FUNCTION @extschema@.forget_committed(text) IS
	'bigarray_dist: forget a two-phase write once every node has committed it';

CREATE FUNCTION @extschema@.is_committed(gid text) RETURNS boolean
	LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT EXISTS (SELECT FROM @extschema@.committed c WHERE c.gid = is_committed.gid);
END;
COMMENT ON FUNCTION @extschema@.is_committed(text) IS
	'bigarray_dist: whether a two-phase write committed on this node';

COMMENT ON SCHEMA @extschema@ IS
	'bigarray_dist_node: the data-node side of bigarray_dist';
-- Every function runs with its caller's rights, so reaching them gives
-- nothing: the tables' privileges (granted by the administrator) and each
-- array's large object decide.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
