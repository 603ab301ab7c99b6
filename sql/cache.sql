-- cache: memory stays within bigarray.cache_size while one transaction
-- writes and reads an array twice that size (dirty pages are written into
-- the large object early, still undone by rollback, also inside a
-- savepoint); unchanged pages stay cached across transactions.

-- 8 MB of cache = 128 pages of 64 kB; the array is 2,000,000 float8 = 16 MB
SET bigarray.cache_size = '8MB';
SET bigarray.page_size = '64kB';
CREATE TABLE cache_big (a bigarray);
INSERT INTO cache_big SELECT bigarray_create('float8', 2000000);

BEGIN;
SELECT ba_fill(a, 1) IS NOT NULL AS filled FROM cache_big;
SELECT ba_sum(a) FROM cache_big;
COMMIT;
SELECT ba_sum(a) FROM cache_big;

-- a rollback undoes pages written early
BEGIN;
SELECT ba_fill(a, 3) IS NOT NULL AS filled FROM cache_big;
SELECT ba_set(a, 2000000, 5) IS NOT NULL AS set FROM cache_big;
-- 3 * 1,999,999 + 5
SELECT ba_sum(a) FROM cache_big;
ROLLBACK;
SELECT ba_sum(a), ba_get(a, 2000000) FROM cache_big;

-- early writeout inside a savepoint: a page dirty before the savepoint
-- (a[1] = 5) comes back as it was, pages written early after it come back
-- as they were, pages read back after the early writeout are not served
-- stale
BEGIN;
SELECT ba_set(a, 1, 5) IS NOT NULL AS set FROM cache_big;
SAVEPOINT s;
-- 600,000 float8 = 74 pages, more than half the cache: written early
SELECT ba_fill(a, 2, 1, 600000) IS NOT NULL AS filled FROM cache_big;
-- 600,000 * 2 + 1,400,000
SELECT ba_sum(a) FROM cache_big;
ROLLBACK TO s;
-- 2,000,000 + 4
SELECT ba_sum(a), ba_get(a, 1), ba_get(a, 2) FROM cache_big;
COMMIT;
SELECT ba_sum(a), ba_get(a, 1), ba_get(a, 600000) FROM cache_big;

-- all of that within 8 MB (8,388,608 bytes)
SELECT peak_bytes <= 8388608 AS within_cache_size, peak_bytes > 4194304 AS used_it,
	dirty_pages
FROM bigarray_cache_stats();

-- pages stay cached across transactions: reading an unchanged array again
-- loads nothing
CREATE TABLE cache_small (a bigarray);
INSERT INTO cache_small SELECT ba_fill(bigarray_create('int4', 100000), 3);
SELECT ba_sum(a) FROM cache_small;
SELECT bigarray_cache_loads() AS loads_before \gset
SELECT ba_sum(a) FROM cache_small;
BEGIN;
SELECT ba_max(a) FROM cache_small;
COMMIT;
SELECT bigarray_cache_loads() - :loads_before AS loads;
-- this session's own committed change keeps the other pages cached: one
-- page changed, the 100,000 int4 are 7 pages, none of them loaded again
SELECT ba_set(a, 1, 10) IS NOT NULL AS set FROM cache_small;
SELECT bigarray_cache_loads() AS loads_before \gset
SELECT ba_sum(a) FROM cache_small;
SELECT bigarray_cache_loads() - :loads_before AS loads;

-- a new page size takes effect at the first array opened by a later
-- transaction: the cache starts over (its load count too) with 16 kB pages;
-- 100,000 int4 = 400,000 bytes = 25 pages of 16 kB
SET bigarray.page_size = '16kB';
SELECT ba_sum(a) FROM cache_small;
SELECT bigarray_cache_loads() AS loads, bytes / pages AS page_bytes
FROM bigarray_cache_stats();
-- within a transaction that has opened arrays, the page size stays
BEGIN;
SELECT ba_sum(a) FROM cache_small;
SET LOCAL bigarray.page_size = '32kB';
SELECT ba_sum(s.a), ba_get(b.a, 2000000) FROM cache_small s, cache_big b;
SELECT bytes / pages AS page_bytes FROM bigarray_cache_stats();
COMMIT;

DROP TABLE cache_big, cache_small;
