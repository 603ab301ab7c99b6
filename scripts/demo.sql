-- scripts/demo.sql - what bigarray is for, step by step, each step timed.
--
-- 150,000,000 float8 (1.2 GB): more than the 134,217,727 elements a
-- float8[] value can ever hold.
\set ON_ERROR_STOP on
\timing on
CREATE EXTENSION IF NOT EXISTS bigarray;
-- room for the whole array, so the second sum runs from memory
SET bigarray.cache_size = '2GB';

\echo '== a native float8[] stops at 1 GB:'
\set ON_ERROR_STOP off
SELECT array_length(array_fill(0::float8, ARRAY[150000000]), 1);
\set ON_ERROR_STOP on

\echo '== create a 150,000,000-element bigarray in a table'
CREATE TABLE series (id int PRIMARY KEY, a bigarray);
INSERT INTO series VALUES (1, bigarray_create('float8', 150000000));
SELECT a, ba_size(a), ba_shape(a) FROM series;

\echo '== fill it with 0.5: 1.2 GB written into the large object at commit'
SELECT ba_fill(a, 0.5) IS NOT NULL AS filled FROM series;

\echo '== write a 3-element slice past element 134,217,727, and read around it'
SELECT ba_set_slice(a, 140000001, ARRAY[1.0, 2.0, 3.0]::float8[]) IS NOT NULL FROM series;
SELECT ba_slice(a, 139999999, 140000004) FROM series;

\echo '== a new session (empty page cache): sum of all 150,000,000 elements (expect 75000004.5)'
\c
SET bigarray.cache_size = '2GB';
SELECT ba_sum(a) FROM series;
\echo '== again: the pages are cached in this session now, so this runs at memory speed'
SELECT ba_sum(a) FROM series;
\echo '== sum of a 1,000-element range (expect 500)'
SELECT ba_sum(a, 1000001, 1001000) FROM series;

\echo '== change one element and commit: the cost of what it touches'
SELECT pg_current_wal_lsn() AS lsn_before \gset
SELECT ba_set(a, 123456789, 42) IS NOT NULL FROM series;
SELECT ba_get(a, 123456789) FROM series;
SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), :'lsn_before')) AS wal_written;

\echo '== a change rolled back leaves no trace'
BEGIN;
SELECT ba_fill(a, -1, 1, 1000) IS NOT NULL FROM series;
SELECT ba_sum(a, 1, 1000) AS inside_the_transaction FROM series;
ROLLBACK;
SELECT ba_sum(a, 1, 1000) AS after_rollback FROM series;
