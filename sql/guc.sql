-- guc: bigarray.cache_size and bigarray.page_size keep their limits however
-- they are set.  Before the library is loaded in a session, SET can only
-- store a placeholder (PostgreSQL cannot check an unknown parameter); the
-- value is checked when the library loads: out of range gives a WARNING
-- and the default stays in effect.  Once loaded, SET rejects it (22023).
\c
SET bigarray.cache_size = '64kB';
SET bigarray.page_size = '3kB';
-- loading the library checks what was set before
SELECT ba_size(bigarray_create('float8', 3));
SHOW bigarray.cache_size;
SHOW bigarray.page_size;
-- now SET checks at once
SET bigarray.cache_size = '64kB';
SET bigarray.page_size = '3kB';
SET bigarray.page_size = '4MB';
SET bigarray.cache_size = '8MB';
SHOW bigarray.cache_size;
-- a valid value set before loading is taken as it is
\c
SET bigarray.page_size = '16kB';
LOAD 'bigarray';
SHOW bigarray.page_size;
