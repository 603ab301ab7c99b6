/*
 * access.c - element access above the array layer: chunk iterators over
 * pins, and reading and writing ranges of elements with conversion to and
 * from other dtypes.  The SQL functions reach elements only through here.
 */
#include "bigarray.h"

#include "miscadmin.h"

void
ba_access_iter_init(BAIter *it, BAArray *a, int64 first, int64 count, int mode,
					int64 chunk_elems)
{
	if (first < 0 || count < 0 || first > a->nelems - count)
		elog(ERROR, "bigarray: scan of " INT64_FORMAT " elements at " INT64_FORMAT
			 " outside array %u of " INT64_FORMAT,
			 count, first, a->loid, a->nelems);
	if (chunk_elems <= 0 || chunk_elems > BA_CHUNK_ELEMS(a))
		elog(ERROR, "bigarray: chunk of " INT64_FORMAT " elements is too large",
			 chunk_elems);
	memset(it, 0, sizeof(BAIter));
	it->array = a;
	it->mode = mode;
	it->next = first;
	it->end = first + count;
	it->chunk_elems = chunk_elems;
}

bool
ba_access_iter_next(BAIter *it)
{
	ba_access_iter_end(it);
	CHECK_FOR_INTERRUPTS();
	if (it->next >= it->end)
	{
		it->ptr = NULL;
		it->count = 0;
		return false;
	}
	it->first = it->next;
	it->count = Min(it->chunk_elems, it->end - it->next);
	it->ptr = ba_array_pin(it->array, it->first, it->count, it->mode, &it->pin);
	it->pinned = true;
	it->next += it->count;
	return true;
}

void
ba_access_iter_end(BAIter *it)
{
	if (it->pinned)
	{
		ba_array_unpin(&it->pin);
		it->pinned = false;
	}
}

void
ba_access_read(BAArray *a, int64 first, int64 count, BADtype to, void *dst)
{
	int			to_size = ba_dtype_info(to)->elsize;
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_READ, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
		ba_dtype_convert(to, (char *) dst + (it.first - first) * to_size,
						 a->dtype, it.ptr, it.count);
	ba_access_iter_end(&it);
}

void
ba_access_write(BAArray *a, int64 first, BADtype from, const void *src,
				int64 count)
{
	int			from_size = ba_dtype_info(from)->elsize;
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_WRITE, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
		ba_dtype_convert(a->dtype, it.ptr, from,
						 (const char *) src + (it.first - first) * from_size,
						 it.count);
	ba_access_iter_end(&it);
}
