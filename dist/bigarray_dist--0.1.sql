/*
 * bigarray_dist--0.1.sql - the router side of bigarray_dist.
 *
 * Installed in the router database, which holds no array data: it routes
 * calls through PL/Proxy to data nodes that run bigarray and
 * bigarray_dist_node.  A cluster is a PL/Proxy SQL/MED server whose options
 * p0 .. p<N-1> are the data nodes' connection strings (modular_mapping '1'
 * when N is not a power of two).  Two layouts:
 *
 *   by key    bad_keyed_*(cluster, key, ...): one whole array per key, on
 *             the node hashtext(key) picks (RUN ON hashtext(key))
 *   split     bad_*(name, ...): one array split into blocks of block_rows
 *             first-axis rows; block b lives on node b % N, where the node's
 *             part holds its blocks in order.  The catalog table "arrays"
 *             records cluster, dtype, shape, block size and the parts'
 *             handles.  Reductions run on all nodes in parallel (RUN ON
 *             ALL) and are combined here.
 *
 * Atomicity: every PL/Proxy call commits on its node when it returns,
 * whatever the router's transaction does later.  A write to a split array
 * that touches several nodes is therefore, by default ("per-node"), atomic
 * on each node but not across them.  An array created with two_phase =>
 * true has every write (and its create and drop) done through dblink inside
 * a prepared transaction on each node touched, committed only once all are
 * prepared: all nodes or none (bad_recover settles a write a failure left
 * prepared).
 *
 * Every function pins search_path and names what it uses with its schema;
 * all run with the caller's rights, so the data nodes' privileges (on their
 * tables and on each array's large object) are what decides.
 */

\echo Use "CREATE EXTENSION bigarray_dist" to load this file. \quit

COMMENT ON SCHEMA @extschema@ IS
	'bigarray_dist: bigarrays over several data nodes (router side)';
-- Every function runs with its caller's rights, so reaching them gives
-- nothing: the tables' privileges (granted by the administrator) and each
-- array's large object decide.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- the catalog of split arrays ---------------------------------------------------

CREATE TABLE @extschema@.arrays (
	name text PRIMARY KEY,
	cluster text NOT NULL,
	dtype regtype NOT NULL,
	shape int8[] NOT NULL,
	row_size int8 NOT NULL CHECK (row_size >= 0),
	block_rows int8 NOT NULL CHECK (block_rows > 0),
	nodes int4 NOT NULL CHECK (nodes > 0),
	handles text[] NOT NULL,
	two_phase boolean NOT NULL
);
COMMENT ON TABLE @extschema@.arrays IS
	'bigarray_dist: each split array: its cluster, dtype, shape, elements per first-axis row, rows per block, node count, the handle of its part on each node (node k at handles[k+1]) and its write mode';
GRANT SELECT ON @extschema@.arrays TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.arrays', '');

-- one write to one node, as bad_* plan them for apply_writes
CREATE TYPE @extschema@.write_step AS (
	node int4,
	op text,
	lo int8,
	hi int8,
	v float8,
	vals float8[],
	shape int8[]
);
COMMENT ON TYPE @extschema@.write_step IS
	'bigarray_dist: one write to one node''s part: op create (shape), set_slice (lo, vals), fill (v, lo, hi) or drop';

-- clusters ----------------------------------------------------------------------

CREATE FUNCTION @extschema@.cluster_name(cluster text) RETURNS text
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_foreign_server s
			JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
			WHERE s.srvname = cluster AND w.fdwname = 'plproxy') THEN
		RAISE EXCEPTION 'bigarray_dist: no PL/Proxy cluster "%"', cluster
			USING ERRCODE = '42704',
			HINT = 'A cluster is a server of the plproxy foreign-data wrapper: CREATE SERVER ... FOREIGN DATA WRAPPER plproxy.';
	END IF;
	RETURN cluster;
END $$;
COMMENT ON FUNCTION @extschema@.cluster_name(text) IS
	'bigarray_dist: the cluster name PL/Proxy is to use, once checked to be a plproxy server (42704 if not)';

CREATE FUNCTION @extschema@.cluster_nodes(cluster text) RETURNS int4
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT count(*)::int4
	FROM pg_catalog.pg_foreign_server s, pg_catalog.unnest(s.srvoptions) o
	WHERE s.srvname = @extschema@.cluster_name(cluster) AND o ~ '^p[0-9]+=';
END;
COMMENT ON FUNCTION @extschema@.cluster_nodes(text) IS
	'bigarray_dist: how many data nodes (partitions p0, p1, ...) a cluster has';

-- node_connstr(cluster, node): the libpq connection string of one node, with
-- the user and password of the caller's user mapping, as PL/Proxy makes it
CREATE FUNCTION @extschema@.node_connstr(cluster text, node int4) RETURNS text
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	connstr text;
	mapping text[];
	opt text;
	has_user boolean := false;
BEGIN
	SELECT pg_catalog.substr(o, pg_catalog.length('p' || node || '=') + 1) INTO connstr
	FROM pg_catalog.pg_foreign_server s, pg_catalog.unnest(s.srvoptions) o
	WHERE s.srvname = @extschema@.cluster_name(cluster) AND o LIKE 'p' || node || '=%';
	IF connstr IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: cluster "%" has no node %', cluster, node USING ERRCODE = '42704';
	END IF;
	SELECT m.umoptions INTO mapping FROM pg_catalog.pg_user_mappings m
	WHERE m.srvname = cluster AND m.usename IN (current_user, 'public')
	ORDER BY m.usename = 'public' LIMIT 1;
	FOREACH opt IN ARRAY coalesce(mapping, '{}') LOOP
		has_user := has_user OR opt LIKE 'user=%';
		connstr := connstr || ' ' || pg_catalog.split_part(opt, '=', 1) || '='''
			|| pg_catalog.replace(pg_catalog.replace(pg_catalog.substr(opt, pg_catalog.strpos(opt, '=') + 1),
				'\', '\\'), '''', '\''') || '''';
	END LOOP;
	IF NOT has_user THEN
		connstr := connstr || ' user=''' || pg_catalog.replace(pg_catalog.replace(current_user, '\', '\\'), '''', '\''') || '''';
	END IF;
	RETURN connstr;
END $$;
COMMENT ON FUNCTION @extschema@.node_connstr(text, int4) IS
	'bigarray_dist: connection string of a cluster''s node k (option pk, plus the user mapping''s user and password)';

-- node_failure(cluster, message): turn PL/Proxy's internal error for a node
-- it cannot reach into 08006, naming the node; other errors pass unchanged.
CREATE FUNCTION @extschema@.node_failure(cluster text, message text) RETURNS void
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	node_db text := pg_catalog.substring(message, '\[([^]]*)\]');
BEGIN
	IF message ~ '(PQconnect|connection|server closed|could not connect|lost)' THEN
		RAISE EXCEPTION 'bigarray_dist: data node "%" of cluster "%" is unreachable', node_db, cluster
			USING ERRCODE = '08006', DETAIL = message,
			HINT = 'Nothing more was done on the other nodes for this call.';
	END IF;
	RAISE EXCEPTION '%', message USING ERRCODE = 'XX000';
END $$;
COMMENT ON FUNCTION @extschema@.node_failure(text, text) IS
	'bigarray_dist: re-raise a PL/Proxy internal error; a node that cannot be reached gives 08006';

-- PL/Proxy calls: arrays by key -------------------------------------------------

CREATE FUNCTION @extschema@.node_keyed_create(cluster text, key text, dtype regtype, shape int8[]) RETURNS text
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_create(key, dtype, shape);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_create(text, text, regtype, int8[]) IS
	'bigarray_dist: PL/Proxy call of keyed_create on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_get(cluster text, key text, i int8) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_get(key, i);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_get(text, text, int8) IS
	'bigarray_dist: PL/Proxy call of keyed_get on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_slice(cluster text, key text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_slice(key, lo, hi);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_slice(text, text, int8, int8) IS
	'bigarray_dist: PL/Proxy call of keyed_slice on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_set(cluster text, key text, i int8, v float8) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_set(key, i, v);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_set(text, text, int8, float8) IS
	'bigarray_dist: PL/Proxy call of keyed_set on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_set_slice(cluster text, key text, lo int8, v float8[]) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_set_slice(key, lo, v);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_set_slice(text, text, int8, float8[]) IS
	'bigarray_dist: PL/Proxy call of keyed_set_slice on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_fill(cluster text, key text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_fill(key, v, lo, hi);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_fill(text, text, float8, int8, int8) IS
	'bigarray_dist: PL/Proxy call of keyed_fill (a range) on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_fill(cluster text, key text, v float8) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_fill(key, v);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_fill(text, text, float8) IS
	'bigarray_dist: PL/Proxy call of keyed_fill (whole array) on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_size(cluster text, key text) RETURNS int8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_size(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_size(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_size on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_sum(cluster text, key text) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_sum(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_sum(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_sum on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_min(cluster text, key text) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_min(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_min(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_min on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_max(cluster text, key text) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_max(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_max(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_max on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_mean(cluster text, key text) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_mean(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_mean(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_mean on the key''s node';

CREATE FUNCTION @extschema@.node_keyed_drop(cluster text, key text) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON pg_catalog.hashtext(key);
	SELECT bigarray_dist_node.keyed_drop(key);
$$;
COMMENT ON FUNCTION @extschema@.node_keyed_drop(text, text) IS
	'bigarray_dist: PL/Proxy call of keyed_drop on the key''s node';

-- arrays by key: what users call ------------------------------------------------
-- Each wraps its PL/Proxy call so that an unreachable node gives 08006.

CREATE FUNCTION @extschema@.bad_keyed_create(cluster text, key text, dtype regtype, shape int8[]) RETURNS text
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_create(cluster, key, dtype, shape);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_create(text, text, regtype, int8[]) IS
	'bigarray_dist: create a zero-filled array under a key on the node hashtext(key) picks; returns its handle there';

CREATE FUNCTION @extschema@.bad_keyed_get(cluster text, key text, i int8) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_get(cluster, key, i);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_get(text, text, int8) IS
	'bigarray_dist: element i of the array under a key';

CREATE FUNCTION @extschema@.bad_keyed_slice(cluster text, key text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_slice(cluster, key, lo, hi);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_slice(text, text, int8, int8) IS
	'bigarray_dist: elements lo..hi of the array under a key';

CREATE FUNCTION @extschema@.bad_keyed_set(cluster text, key text, i int8, v float8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM @extschema@.node_keyed_set(cluster, key, i, v);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_set(text, text, int8, float8) IS
	'bigarray_dist: set element i of the array under a key (committed on its node at return)';

CREATE FUNCTION @extschema@.bad_keyed_set_slice(cluster text, key text, lo int8, v float8[]) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM @extschema@.node_keyed_set_slice(cluster, key, lo, v);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_set_slice(text, text, int8, float8[]) IS
	'bigarray_dist: write v into the array under a key from lo on (committed on its node at return)';

CREATE FUNCTION @extschema@.bad_keyed_fill(cluster text, key text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM @extschema@.node_keyed_fill(cluster, key, v, lo, hi);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_fill(text, text, float8, int8, int8) IS
	'bigarray_dist: fill elements lo..hi of the array under a key with v';

CREATE FUNCTION @extschema@.bad_keyed_fill(cluster text, key text, v float8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM @extschema@.node_keyed_fill(cluster, key, v);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_fill(text, text, float8) IS
	'bigarray_dist: fill the whole array under a key with v';

CREATE FUNCTION @extschema@.bad_keyed_size(cluster text, key text) RETURNS int8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_size(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_size(text, text) IS
	'bigarray_dist: number of elements of the array under a key';

CREATE FUNCTION @extschema@.bad_keyed_sum(cluster text, key text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_sum(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_sum(text, text) IS
	'bigarray_dist: ba_sum of the array under a key, computed on its node';

CREATE FUNCTION @extschema@.bad_keyed_min(cluster text, key text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_min(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_min(text, text) IS
	'bigarray_dist: ba_min of the array under a key, computed on its node';

CREATE FUNCTION @extschema@.bad_keyed_max(cluster text, key text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_max(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_max(text, text) IS
	'bigarray_dist: ba_max of the array under a key, computed on its node';

CREATE FUNCTION @extschema@.bad_keyed_mean(cluster text, key text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN @extschema@.node_keyed_mean(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_mean(text, text) IS
	'bigarray_dist: ba_mean of the array under a key, computed on its node';

CREATE FUNCTION @extschema@.bad_keyed_drop(cluster text, key text) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	PERFORM @extschema@.node_keyed_drop(cluster, key);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_keyed_drop(text, text) IS
	'bigarray_dist: drop the array under a key and its row on its node';

-- PL/Proxy calls: parts of split arrays -------------------------------------------

CREATE FUNCTION @extschema@.node_part_create(cluster text, node int4, name text, dtype regtype, shape int8[]) RETURNS text
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_create(name, dtype, shape);
$$;
COMMENT ON FUNCTION @extschema@.node_part_create(text, int4, text, regtype, int8[]) IS
	'bigarray_dist: PL/Proxy call of part_create on node k';

CREATE FUNCTION @extschema@.node_part_get(cluster text, node int4, name text, i int8) RETURNS float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_get(name, i);
$$;
COMMENT ON FUNCTION @extschema@.node_part_get(text, int4, text, int8) IS
	'bigarray_dist: PL/Proxy call of part_get on node k';

CREATE FUNCTION @extschema@.node_part_slice(cluster text, node int4, name text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_slice(name, lo, hi);
$$;
COMMENT ON FUNCTION @extschema@.node_part_slice(text, int4, text, int8, int8) IS
	'bigarray_dist: PL/Proxy call of part_slice on node k';

CREATE FUNCTION @extschema@.node_part_set_slice(cluster text, node int4, name text, lo int8, v float8[]) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_set_slice(name, lo, v);
$$;
COMMENT ON FUNCTION @extschema@.node_part_set_slice(text, int4, text, int8, float8[]) IS
	'bigarray_dist: PL/Proxy call of part_set_slice on node k';

CREATE FUNCTION @extschema@.node_part_fill(cluster text, node int4, name text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_fill(name, v, lo, hi);
$$;
COMMENT ON FUNCTION @extschema@.node_part_fill(text, int4, text, float8, int8, int8) IS
	'bigarray_dist: PL/Proxy call of part_fill on node k';

CREATE FUNCTION @extschema@.node_part_drop(cluster text, node int4, name text) RETURNS void
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON node;
	SELECT bigarray_dist_node.part_drop(name);
$$;
COMMENT ON FUNCTION @extschema@.node_part_drop(text, int4, text) IS
	'bigarray_dist: PL/Proxy call of part_drop on node k';

CREATE FUNCTION @extschema@.node_part_sum(cluster text, name text) RETURNS SETOF float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON ALL;
	SELECT bigarray_dist_node.part_sum(name);
$$;
COMMENT ON FUNCTION @extschema@.node_part_sum(text, text) IS
	'bigarray_dist: part_sum on every node in parallel, one row per node';

CREATE FUNCTION @extschema@.node_part_min(cluster text, name text) RETURNS SETOF float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON ALL;
	SELECT bigarray_dist_node.part_min(name);
$$;
COMMENT ON FUNCTION @extschema@.node_part_min(text, text) IS
	'bigarray_dist: part_min on every node in parallel, one row per node';

CREATE FUNCTION @extschema@.node_part_max(cluster text, name text) RETURNS SETOF float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON ALL;
	SELECT bigarray_dist_node.part_max(name);
$$;
COMMENT ON FUNCTION @extschema@.node_part_max(text, text) IS
	'bigarray_dist: part_max on every node in parallel, one row per node';

CREATE FUNCTION @extschema@.node_part_dot(cluster text, name_a text, name_b text) RETURNS SETOF float8
	LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
	CLUSTER @extschema@.cluster_name(cluster);
	RUN ON ALL;
	SELECT bigarray_dist_node.part_dot(name_a, name_b);
$$;
COMMENT ON FUNCTION @extschema@.node_part_dot(text, text, text) IS
	'bigarray_dist: part_dot on every node in parallel, one row per node';

-- dblink, bound at install (two-phase writes) --------------------------------------

CREATE FUNCTION @extschema@.remote_connect(conn text, connstr text) RETURNS text
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT dblink_connect(conn, connstr);
END;
COMMENT ON FUNCTION @extschema@.remote_connect(text, text) IS
	'bigarray_dist: open a named dblink connection';

CREATE FUNCTION @extschema@.remote_exec(conn text, command text) RETURNS text
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT dblink_exec(conn, command);
END;
COMMENT ON FUNCTION @extschema@.remote_exec(text, text) IS
	'bigarray_dist: run a command on a named dblink connection';

CREATE FUNCTION @extschema@.remote_values(conn text, query text) RETURNS SETOF text
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT r.value FROM dblink(conn, query) AS r(value text);
END;
COMMENT ON FUNCTION @extschema@.remote_values(text, text) IS
	'bigarray_dist: the rows of a one-column query run on a named dblink connection';

CREATE FUNCTION @extschema@.remote_disconnect(conn text) RETURNS text
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT dblink_disconnect(conn);
END;
COMMENT ON FUNCTION @extschema@.remote_disconnect(text) IS
	'bigarray_dist: close a named dblink connection';

-- split arrays: layout -----------------------------------------------------------

CREATE FUNCTION @extschema@.dist_array(name text) RETURNS @extschema@.arrays
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	found_array @extschema@.arrays;
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: array name must not be NULL' USING ERRCODE = '22004';
	END IF;
	SELECT * INTO found_array FROM @extschema@.arrays a WHERE a.name = dist_array.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bigarray_dist: no distributed array "%"', name USING ERRCODE = '42704';
	END IF;
	RETURN found_array;
END $$;
COMMENT ON FUNCTION @extschema@.dist_array(text) IS
	'bigarray_dist: the catalog row of a split array (42704 if none)';

CREATE FUNCTION @extschema@.dist_size(arr @extschema@.arrays) RETURNS int8
	LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT arr.shape[1] * arr.row_size;
END;
COMMENT ON FUNCTION @extschema@.dist_size(@extschema@.arrays) IS
	'bigarray_dist: number of elements of a split array';

-- part_rows(rows, block_rows, nodes, k): first-axis rows node k holds when
-- block b (0-based) of block_rows rows goes to node b % nodes; the last
-- block may be short.
CREATE FUNCTION @extschema@.part_rows(total_rows int8, block_rows int8, nodes int4, node int4) RETURNS int8
	LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT CASE WHEN node >= b.blocks THEN 0
		ELSE (b.blocks - node + nodes - 1) / nodes * block_rows
			- CASE WHEN (b.blocks - 1) % nodes = node THEN b.blocks * block_rows - total_rows ELSE 0 END
		END
	FROM (SELECT (total_rows + block_rows - 1) / block_rows AS blocks) b;
END;
COMMENT ON FUNCTION @extschema@.part_rows(int8, int8, int4, int4) IS
	'bigarray_dist: first-axis rows node k holds of an array of total_rows rows in blocks of block_rows';

-- runs(arr, lo, hi): the flat range lo..hi (1-based, lo <= hi, in range)
-- cut at block boundaries: for each piece, its node, its range in that
-- node's part, and where it starts in the whole array.
CREATE FUNCTION @extschema@.runs(arr @extschema@.arrays, lo int8, hi int8)
	RETURNS TABLE (node int4, local_lo int8, local_hi int8, global_lo int8)
	LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT (b % arr.nodes)::int4,
		b / arr.nodes * s.span + greatest(lo, b * s.span + 1) - b * s.span,
		b / arr.nodes * s.span + least(hi, (b + 1) * s.span) - b * s.span,
		greatest(lo, b * s.span + 1)
	FROM (SELECT arr.block_rows * arr.row_size AS span) s,
		generate_series((lo - 1) / s.span, (hi - 1) / s.span) b
	ORDER BY b;
END;
COMMENT ON FUNCTION @extschema@.runs(@extschema@.arrays, int8, int8) IS
	'bigarray_dist: a flat range of a split array cut into pieces that each lie in one block: node, range in its part, start in the array';

CREATE FUNCTION @extschema@.check_range(arr @extschema@.arrays, lo int8, hi int8) RETURNS void
	LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF lo IS NULL OR hi IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: index must not be NULL' USING ERRCODE = '22004';
	END IF;
	IF lo <= hi AND (lo < 1 OR hi > @extschema@.dist_size(arr)) THEN
		RAISE EXCEPTION 'bigarray_dist: range %..% is outside 1..% of array "%"',
			lo, hi, @extschema@.dist_size(arr), arr.name USING ERRCODE = '2202E';
	END IF;
END $$;
COMMENT ON FUNCTION @extschema@.check_range(@extschema@.arrays, int8, int8) IS
	'bigarray_dist: raise 2202E unless lo..hi is empty or inside the array';

-- split arrays: writes --------------------------------------------------------------

-- apply_per_node(arr, steps): each step through PL/Proxy, committed on its
-- node as it returns.  Results of create steps, in order.
CREATE FUNCTION @extschema@.apply_per_node(arr @extschema@.arrays, steps @extschema@.write_step[]) RETURNS text[]
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	step @extschema@.write_step;
	results text[] := '{}';
BEGIN
	FOREACH step IN ARRAY steps LOOP
		CASE step.op
		WHEN 'create' THEN
			results := results || @extschema@.node_part_create(arr.cluster, step.node, arr.name, arr.dtype, step.shape);
		WHEN 'set_slice' THEN
			PERFORM @extschema@.node_part_set_slice(arr.cluster, step.node, arr.name, step.lo, step.vals);
		WHEN 'fill' THEN
			PERFORM @extschema@.node_part_fill(arr.cluster, step.node, arr.name, step.v, step.lo, step.hi);
		WHEN 'drop' THEN
			PERFORM @extschema@.node_part_drop(arr.cluster, step.node, arr.name);
		END CASE;
	END LOOP;
	RETURN results;
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.apply_per_node(@extschema@.arrays, @extschema@.write_step[]) IS
	'bigarray_dist: run write steps through PL/Proxy, each committed on its node when it returns';

CREATE FUNCTION @extschema@.step_sql(arr @extschema@.arrays, step @extschema@.write_step) RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
	-- the text form of float8 must round-trip exactly
	SET extra_float_digits = 1
BEGIN ATOMIC
	SELECT CASE step.op
	WHEN 'create' THEN format('SELECT bigarray_dist_node.part_create(%L, %L::pg_catalog.regtype, %L::pg_catalog.int8[])',
		arr.name, arr.dtype::text, step.shape::text)
	WHEN 'set_slice' THEN format('SELECT bigarray_dist_node.part_set_slice(%L, %s, %L::pg_catalog.float8[])::pg_catalog.text',
		arr.name, step.lo, step.vals::text)
	WHEN 'fill' THEN format('SELECT bigarray_dist_node.part_fill(%L, %L::pg_catalog.float8, %s, %s)::pg_catalog.text',
		arr.name, step.v::text, step.lo, step.hi)
	WHEN 'drop' THEN format('SELECT bigarray_dist_node.part_drop(%L)::pg_catalog.text', arr.name)
	END;
END;
COMMENT ON FUNCTION @extschema@.step_sql(@extschema@.arrays, @extschema@.write_step) IS
	'bigarray_dist: the query that runs a write step on its node';

-- apply_two_phase(arr, steps): run every step on its node inside one
-- transaction per node, PREPARE each, and commit them only once all are
-- prepared.  Node k's prepared transaction is named gid/k (nodes may share
-- a server).  Until then any failure rolls every node back.  Once the first
-- COMMIT PREPARED is sent the write is decided; a node that fails then
-- keeps it prepared, to be committed by bad_recover (a WARNING says so).
CREATE FUNCTION @extschema@.apply_two_phase(arr @extschema@.arrays, steps @extschema@.write_step[]) RETURNS text[]
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	gid text := 'bigarray_dist:' || pg_catalog.gen_random_uuid();
	touched int4[];
	opened int4[] := '{}';
	prepared int4[] := '{}';
	in_doubt int4[] := '{}';
	step @extschema@.write_step;
	results text[] := '{}';
	node int4;
	err_state text;
	err_message text;
	err_detail text;
	err_hint text;
BEGIN
	-- held to the end of this transaction: bad_recover leaves gid alone
	PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(gid));
	SELECT pg_catalog.array_agg(DISTINCT s.node ORDER BY s.node) INTO touched FROM pg_catalog.unnest(steps) s;
	BEGIN
		FOREACH node IN ARRAY touched LOOP
			PERFORM @extschema@.remote_connect(gid || '/' || node, @extschema@.node_connstr(arr.cluster, node));
			opened := opened || node;
			PERFORM @extschema@.remote_exec(gid || '/' || node, 'BEGIN');
		END LOOP;
		FOREACH step IN ARRAY steps LOOP
			results := results || ARRAY(SELECT @extschema@.remote_values(gid || '/' || step.node,
				@extschema@.step_sql(arr, step)));
		END LOOP;
		FOREACH node IN ARRAY touched LOOP
			PERFORM @extschema@.remote_values(gid || '/' || node,
				pg_catalog.format('SELECT bigarray_dist_node.note_committed(%L)::pg_catalog.text', gid));
			PERFORM @extschema@.remote_exec(gid || '/' || node, pg_catalog.format('PREPARE TRANSACTION %L', gid || '/' || node));
			prepared := prepared || node;
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
			err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
		FOREACH node IN ARRAY opened LOOP
			BEGIN
				IF node = ANY (prepared) THEN
					PERFORM @extschema@.remote_exec(gid || '/' || node, pg_catalog.format('ROLLBACK PREPARED %L', gid || '/' || node));
				ELSE
					PERFORM @extschema@.remote_exec(gid || '/' || node, 'ROLLBACK');
				END IF;
			EXCEPTION WHEN OTHERS THEN
				-- an open transaction ends with its lost session; a prepared
				-- one no node committed is rolled back by bad_recover
				RAISE WARNING 'bigarray_dist: could not roll back write % on node %: %', gid, node, SQLERRM;
			END;
			PERFORM @extschema@.remote_disconnect(gid || '/' || node);
		END LOOP;
		err_detail := coalesce(nullif(err_detail, '') || E'\n', '') || 'No node kept any part of this write.';
		IF coalesce(err_hint, '') = '' THEN
			RAISE EXCEPTION USING ERRCODE = err_state, MESSAGE = err_message, DETAIL = err_detail;
		END IF;
		RAISE EXCEPTION USING ERRCODE = err_state, MESSAGE = err_message, DETAIL = err_detail, HINT = err_hint;
	END;
	FOREACH node IN ARRAY touched LOOP
		BEGIN
			PERFORM @extschema@.remote_exec(gid || '/' || node, pg_catalog.format('COMMIT PREPARED %L', gid || '/' || node));
		EXCEPTION WHEN OTHERS THEN
			in_doubt := in_doubt || node;
		END;
	END LOOP;
	FOREACH node IN ARRAY touched LOOP
		IF pg_catalog.array_length(in_doubt, 1) IS NULL THEN
			PERFORM @extschema@.remote_values(gid || '/' || node,
				pg_catalog.format('SELECT bigarray_dist_node.forget_committed(%L)::pg_catalog.text', gid));
		END IF;
		PERFORM @extschema@.remote_disconnect(gid || '/' || node);
	END LOOP;
	IF pg_catalog.array_length(in_doubt, 1) IS NOT NULL THEN
		RAISE WARNING 'bigarray_dist: write % is committed but still prepared on nodes %', gid, in_doubt
			USING HINT = pg_catalog.format('Those nodes show the old contents until SELECT bigarray_dist.bad_recover(%L) commits it there.', arr.cluster);
	END IF;
	RETURN results;
END $$;
COMMENT ON FUNCTION @extschema@.apply_two_phase(@extschema@.arrays, @extschema@.write_step[]) IS
	'bigarray_dist: run write steps in one prepared transaction per node, committed only when all nodes prepared';

CREATE FUNCTION @extschema@.apply_writes(arr @extschema@.arrays, steps @extschema@.write_step[]) RETURNS text[]
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT CASE WHEN arr.two_phase THEN @extschema@.apply_two_phase(arr, steps)
		ELSE @extschema@.apply_per_node(arr, steps) END;
END;
COMMENT ON FUNCTION @extschema@.apply_writes(@extschema@.arrays, @extschema@.write_step[]) IS
	'bigarray_dist: run write steps in the array''s mode (per-node or two-phase)';

-- split arrays: what users call --------------------------------------------------------

CREATE FUNCTION @extschema@.bad_create(name text, cluster text, dtype regtype, shape int8[],
		block_rows int8 DEFAULT NULL, two_phase boolean DEFAULT false) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays;
	steps @extschema@.write_step[] := '{}';
	node int4;
	extent int8;
	row_size int8 := 1;
BEGIN
	IF name IS NULL OR cluster IS NULL OR dtype IS NULL OR shape IS NULL OR two_phase IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: name, cluster, dtype, shape and two_phase must not be NULL'
			USING ERRCODE = '22004';
	END IF;
	IF pg_catalog.array_ndims(shape) IS DISTINCT FROM 1 OR array_position(shape, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'bigarray_dist: shape must be a one-dimensional array of extents without NULLs'
			USING ERRCODE = '22023';
	END IF;
	FOREACH extent IN ARRAY shape LOOP
		IF extent < 0 THEN
			RAISE EXCEPTION 'bigarray_dist: negative extent % in shape', extent USING ERRCODE = '22023';
		END IF;
	END LOOP;
	FOREACH extent IN ARRAY shape[2:] LOOP
		row_size := row_size * extent;
	END LOOP;
	IF EXISTS (SELECT FROM @extschema@.arrays a WHERE a.name = bad_create.name) THEN
		RAISE EXCEPTION 'bigarray_dist: distributed array "%" already exists', name USING ERRCODE = '42710';
	END IF;
	arr := ROW(name, cluster, dtype, shape, row_size, 1, @extschema@.cluster_nodes(cluster), '{}', two_phase);
	arr.block_rows := coalesce(block_rows, greatest(1, (shape[1] + arr.nodes - 1) / arr.nodes));
	IF arr.block_rows < 1 THEN
		RAISE EXCEPTION 'bigarray_dist: block_rows must be positive' USING ERRCODE = '22023';
	END IF;
	FOR node IN 0 .. arr.nodes - 1 LOOP
		steps := steps || ROW(node, 'create', NULL, NULL, NULL, NULL,
			@extschema@.part_rows(shape[1], arr.block_rows, arr.nodes, node) || shape[2:])::@extschema@.write_step;
	END LOOP;
	BEGIN
		arr.handles := @extschema@.apply_writes(arr, steps);
	EXCEPTION WHEN OTHERS THEN
		-- per-node mode: parts made before the failure are committed; drop them
		IF NOT two_phase THEN
			FOR node IN 0 .. arr.nodes - 1 LOOP
				BEGIN
					PERFORM @extschema@.node_part_drop(cluster, node, name);
				EXCEPTION WHEN OTHERS THEN
					NULL;	-- not made there, or the node is the one that failed
				END;
			END LOOP;
		END IF;
		RAISE;
	END;
	INSERT INTO @extschema@.arrays SELECT arr.*;
END $$;
COMMENT ON FUNCTION @extschema@.bad_create(text, text, regtype, int8[], int8, boolean) IS
	'bigarray_dist: create a zero-filled array split over every node of a cluster in blocks of block_rows first-axis rows (default: one block per node); two_phase makes every write all-nodes-or-none';

CREATE FUNCTION @extschema@.bad_drop(name text) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
	steps @extschema@.write_step[] := '{}';
	node int4;
BEGIN
	FOR node IN 0 .. arr.nodes - 1 LOOP
		steps := steps || ROW(node, 'drop', NULL, NULL, NULL, NULL, NULL)::@extschema@.write_step;
	END LOOP;
	PERFORM @extschema@.apply_writes(arr, steps);
	DELETE FROM @extschema@.arrays a WHERE a.name = bad_drop.name;
END $$;
COMMENT ON FUNCTION @extschema@.bad_drop(text) IS
	'bigarray_dist: drop a split array: its part on every node and its catalog row';

CREATE FUNCTION @extschema@.bad_get(name text, i int8) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
	piece record;
BEGIN
	IF i < 1 OR i > @extschema@.dist_size(arr) THEN
		RAISE EXCEPTION 'bigarray_dist: index % is outside 1..% of array "%"', i, @extschema@.dist_size(arr), name
			USING ERRCODE = '2202E';
	END IF;
	SELECT * INTO piece FROM @extschema@.runs(arr, i, i);
	RETURN @extschema@.node_part_get(arr.cluster, piece.node, name, piece.local_lo);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_get(text, int8) IS
	'bigarray_dist: element i (flat, 1-based) of a split array, read on the node holding it';

CREATE FUNCTION @extschema@.bad_slice(name text, lo int8, hi int8) RETURNS float8[]
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
	piece record;
	result float8[] := '{}';
BEGIN
	PERFORM @extschema@.check_range(arr, lo, hi);
	IF lo > hi THEN
		RETURN result;
	END IF;
	FOR piece IN SELECT * FROM @extschema@.runs(arr, lo, hi) LOOP
		result := result || @extschema@.node_part_slice(arr.cluster, piece.node, name, piece.local_lo, piece.local_hi);
	END LOOP;
	RETURN result;
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_slice(text, int8, int8) IS
	'bigarray_dist: elements lo..hi of a split array, gathered block by block from the nodes holding them';

CREATE FUNCTION @extschema@.bad_set_slice(name text, lo int8, v float8[]) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
	n int8 := coalesce(pg_catalog.cardinality(v), 0);
	steps @extschema@.write_step[];
BEGIN
	IF lo IS NULL OR v IS NULL OR array_position(v, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'bigarray_dist: lo and the values must not be NULL' USING ERRCODE = '22004';
	END IF;
	PERFORM @extschema@.check_range(arr, lo, lo + n - 1);
	IF n = 0 THEN
		RETURN;
	END IF;
	v := pg_catalog.array_cat('{}'::float8[], v);	-- one dimension, lower bound 1
	SELECT pg_catalog.array_agg(ROW(r.node, 'set_slice', r.local_lo, NULL, NULL,
			v[r.global_lo - lo + 1 : r.global_lo - lo + 1 + r.local_hi - r.local_lo], NULL)::@extschema@.write_step
			ORDER BY r.global_lo)
		INTO steps FROM @extschema@.runs(arr, lo, lo + n - 1) r;
	PERFORM @extschema@.apply_writes(arr, steps);
END $$;
COMMENT ON FUNCTION @extschema@.bad_set_slice(text, int8, float8[]) IS
	'bigarray_dist: write v into a split array from flat index lo on, on every node the range touches';

CREATE FUNCTION @extschema@.bad_set(name text, i int8, v float8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF v IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: cannot store NULL' USING ERRCODE = '22004';
	END IF;
	PERFORM @extschema@.bad_set_slice(name, i, ARRAY[v]);
END $$;
COMMENT ON FUNCTION @extschema@.bad_set(text, int8, float8) IS
	'bigarray_dist: set element i (flat, 1-based) of a split array on the node holding it';

CREATE FUNCTION @extschema@.bad_fill(name text, v float8, lo int8, hi int8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
	steps @extschema@.write_step[];
BEGIN
	IF v IS NULL THEN
		RAISE EXCEPTION 'bigarray_dist: cannot store NULL' USING ERRCODE = '22004';
	END IF;
	PERFORM @extschema@.check_range(arr, lo, hi);
	IF lo > hi THEN
		RETURN;
	END IF;
	-- one step per node: the runs of a node are adjacent in its part
	SELECT pg_catalog.array_agg(ROW(n.node, 'fill', n.local_lo, n.local_hi, v, NULL, NULL)::@extschema@.write_step
			ORDER BY n.node)
		INTO steps
		FROM (SELECT r.node, min(r.local_lo) AS local_lo, max(r.local_hi) AS local_hi
			FROM @extschema@.runs(arr, lo, hi) r GROUP BY r.node) n;
	PERFORM @extschema@.apply_writes(arr, steps);
END $$;
COMMENT ON FUNCTION @extschema@.bad_fill(text, float8, int8, int8) IS
	'bigarray_dist: set elements lo..hi of a split array to v';

CREATE FUNCTION @extschema@.bad_fill(name text, v float8) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
BEGIN
	PERFORM @extschema@.bad_fill(name, v, 1, @extschema@.dist_size(arr));
END $$;
COMMENT ON FUNCTION @extschema@.bad_fill(text, float8) IS
	'bigarray_dist: set every element of a split array to v';

CREATE FUNCTION @extschema@.bad_sum(name text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
BEGIN
	RETURN (SELECT coalesce(sum(s), 0) FROM @extschema@.node_part_sum(arr.cluster, name) s);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_sum(text) IS
	'bigarray_dist: sum of a split array: each node sums its part in parallel, the router adds the sums';

CREATE FUNCTION @extschema@.bad_min(name text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
BEGIN
	RETURN (SELECT min(m) FROM @extschema@.node_part_min(arr.cluster, name) m);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_min(text) IS
	'bigarray_dist: least element of a split array (NULL if empty), nodes in parallel';

CREATE FUNCTION @extschema@.bad_max(name text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
BEGIN
	RETURN (SELECT max(m) FROM @extschema@.node_part_max(arr.cluster, name) m);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(arr.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_max(text) IS
	'bigarray_dist: greatest element of a split array (NULL if empty), nodes in parallel';

CREATE FUNCTION @extschema@.bad_mean(name text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	arr @extschema@.arrays := @extschema@.dist_array(name);
BEGIN
	IF @extschema@.dist_size(arr) = 0 THEN
		RETURN NULL;
	END IF;
	RETURN @extschema@.bad_sum(name) / @extschema@.dist_size(arr);
END $$;
COMMENT ON FUNCTION @extschema@.bad_mean(text) IS
	'bigarray_dist: mean of a split array (NULL if empty): the distributed sum over the size';

CREATE FUNCTION @extschema@.bad_dot(name_a text, name_b text) RETURNS float8
	LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	a @extschema@.arrays := @extschema@.dist_array(name_a);
	b @extschema@.arrays := @extschema@.dist_array(name_b);
BEGIN
	IF a.cluster <> b.cluster OR a.nodes <> b.nodes
			OR a.block_rows * a.row_size <> b.block_rows * b.row_size
			OR @extschema@.dist_size(a) <> @extschema@.dist_size(b) THEN
		RAISE EXCEPTION 'bigarray_dist: arrays "%" and "%" are not split alike', name_a, name_b
			USING ERRCODE = '2202E',
			DETAIL = 'A distributed dot product needs the same cluster, size and elements per block.';
	END IF;
	RETURN (SELECT coalesce(sum(d), 0) FROM @extschema@.node_part_dot(a.cluster, name_a, name_b) d);
EXCEPTION WHEN internal_error THEN
	PERFORM @extschema@.node_failure(a.cluster, SQLERRM);
END $$;
COMMENT ON FUNCTION @extschema@.bad_dot(text, text) IS
	'bigarray_dist: dot product of two split arrays split alike: per-node dot products in parallel, added on the router';

-- two-phase recovery -----------------------------------------------------------------

-- bad_recover(cluster): settle the two-phase writes a failure left prepared
-- on the cluster's nodes.  A write that committed on any node is committed
-- on the others; one that committed nowhere is rolled back.  Writes still
-- running in this router's sessions are left alone; if a node holding a
-- prepared write cannot be reached and no reachable node committed it,
-- the write stays in doubt (WARNING).  Returns how many were settled.
CREATE FUNCTION @extschema@.bad_recover(cluster text) RETURNS int8
	LANGUAGE plpgsql VOLATILE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	nodes int4 := @extschema@.cluster_nodes(cluster);
	conn_prefix text := 'bigarray_dist_recover:' || pg_catalog.gen_random_uuid() || '/';
	reachable int4[] := '{}';
	pending record;
	node int4;
	decided_commit boolean;
	settled int8 := 0;
BEGIN
	CREATE TEMP TABLE IF NOT EXISTS bigarray_dist_pending (node int4, gid text) ON COMMIT DROP;
	FOR node IN 0 .. nodes - 1 LOOP
		BEGIN
			PERFORM @extschema@.remote_connect(conn_prefix || node, @extschema@.node_connstr(cluster, node));
			reachable := reachable || node;
			INSERT INTO pg_temp.bigarray_dist_pending
				SELECT node, pg_catalog.split_part(g, '/', 1) FROM @extschema@.remote_values(conn_prefix || node,
					pg_catalog.format('SELECT p.gid FROM pg_catalog.pg_prepared_xacts p WHERE p.gid LIKE %L AND p.database = pg_catalog.current_database()',
						'bigarray_dist:%/' || node)) g;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'bigarray_dist: node % of cluster "%" is unreachable: %', node, cluster, SQLERRM;
		END;
	END LOOP;
	FOR pending IN SELECT p.gid, pg_catalog.array_agg(p.node) AS nodes FROM pg_temp.bigarray_dist_pending p GROUP BY p.gid LOOP
		CONTINUE WHEN NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext(pending.gid));
		decided_commit := false;
		FOREACH node IN ARRAY reachable LOOP
			decided_commit := decided_commit OR (SELECT v::boolean FROM @extschema@.remote_values(conn_prefix || node,
				pg_catalog.format('SELECT bigarray_dist_node.is_committed(%L)::pg_catalog.text', pending.gid)) v);
		END LOOP;
		IF NOT decided_commit AND pg_catalog.cardinality(reachable) < nodes THEN
			RAISE WARNING 'bigarray_dist: write % stays in doubt until every node can be reached', pending.gid;
			CONTINUE;
		END IF;
		FOREACH node IN ARRAY pending.nodes LOOP
			PERFORM @extschema@.remote_exec(conn_prefix || node, pg_catalog.format('%s PREPARED %L',
				CASE WHEN decided_commit THEN 'COMMIT' ELSE 'ROLLBACK' END, pending.gid || '/' || node));
		END LOOP;
		settled := settled + 1;
	END LOOP;
	FOREACH node IN ARRAY reachable LOOP
		PERFORM @extschema@.remote_disconnect(conn_prefix || node);
	END LOOP;
	DROP TABLE pg_temp.bigarray_dist_pending;
	RETURN settled;
END $$;
COMMENT ON FUNCTION @extschema@.bad_recover(text) IS
	'bigarray_dist: commit or roll back the two-phase writes a failure left prepared on a cluster''s nodes; returns how many';
