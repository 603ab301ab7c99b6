/*
 * bigarray--0.1--0.2.sql - upgrade of the bigarray extension from 0.1.
 *
 * Every SQL surface change since 0.1 lives here, and only here: the 0.2
 * install script is built from bigarray--0.1.sql followed by this file
 * (see the Makefile), so a new install and an upgraded one cannot drift
 * apart.  C symbols that 0.1's script names stay in the library.  Add new
 * objects in sections by feature, each object with its COMMENT.
 */

\echo Use "ALTER EXTENSION bigarray UPDATE TO '0.2'" to load this file. \quit

-- the type ----------------------------------------------------------------

-- Since 0.2 the text form is the large object's oid alone; 0.1's
-- dtype[d1,...]@oid is still read.
COMMENT ON TYPE bigarray IS
	'a numeric array of any size kept in a large object; text form @oid (0.1''s dtype[d1,...]@oid is also read)';

-- client transfers ---------------------------------------------------------

-- The write path of clients (the Python package): raw elements in, as
-- ba_to_bytea gives them out.
CREATE FUNCTION ba_set_bytea(a bigarray, lo int8, bytes bytea) RETURNS bigarray
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ba_set_bytea(bigarray, int8, bytea) IS
	'writes the raw little-endian elements in bytes (of a''s dtype) from flat index lo on; they must fit';
