/*
 * access.c - element access above the array layer: chunk iterators over
 * pins, box iterators over a box's runs, and reading and writing ranges
 * and boxes of elements with conversion to and from other dtypes.  The SQL
 * functions reach elements only through here.
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

/*
 * Reads of at most this many bytes in the array's own dtype are copied out
 * (ba_array_read), which spares a cold small read mapping a partly loaded
 * page; longer ones read whole pages in place through pins, a few percent
 * faster (about 5% on a 128 MiB ba_to_bytea).
 */
#define BA_COPY_READ_BYTES	(64 * 1024)

/* Read count elements from first into dst as dtype to. */
void
ba_access_read(BAArray *a, int64 first, int64 count, BADtype to, void *dst)
{
	int			to_size = ba_dtype_info(to)->elsize;
	BAIter		it;

	if (to == a->dtype && count <= BA_COPY_READ_BYTES / a->elsize)
	{
		ba_array_read(a, first, count, dst);
		return;
	}
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

void
ba_access_box_init(BABoxIter *it, BAArray *a, const BABox *box, int mode)
{
	memset(it, 0, sizeof(BABoxIter));
	it->array = a;
	it->mode = mode;
	ba_shape_runs_init(&it->runs, a->ndim, a->shape, box);
}

/*
 * Pin a window from element first on: the rest of the current run, and the
 * runs after it as long as the gap before each is shorter than the smallest
 * page and the window stays within a chunk.  Looks ahead on a copy of the
 * run iterator.
 */
static void
pin_window(BABoxIter *it, int64 first)
{
	BAArray    *a = it->array;
	int64		limit = first + BA_CHUNK_ELEMS(a);
	int64		max_gap = BA_MIN_PAGE_SIZE / a->elsize;
	int64		end = first + Min(it->run_left, BA_CHUNK_ELEMS(a));
	BARuns		ahead = it->runs;
	int64		run_first;
	int64		run_count;

	if (end == first + it->run_left)
	{
		while (ba_shape_runs_next(&ahead, &run_first, &run_count) &&
			   run_first - end < max_gap && run_first + run_count <= limit)
			end = run_first + run_count;
	}
	ba_access_box_end(it);
	CHECK_FOR_INTERRUPTS();
	it->window_ptr = ba_array_pin(a, first, end - first, it->mode, &it->pin);
	it->pinned = true;
	it->window_first = first;
	it->window_end = end;
}

bool
ba_access_box_next(BABoxIter *it)
{
	it->box_offset += it->count;
	if (it->run_left == 0 &&
		!ba_shape_runs_next(&it->runs, &it->run_next, &it->run_left))
	{
		ba_access_box_end(it);
		it->ptr = NULL;
		it->count = 0;
		return false;
	}
	if (!it->pinned || it->run_next < it->window_first ||
		it->run_next >= it->window_end)
		pin_window(it, it->run_next);
	it->first = it->run_next;
	it->count = Min(it->run_left, it->window_end - it->run_next);
	it->ptr = it->window_ptr + (it->run_next - it->window_first) * it->array->elsize;
	it->run_next += it->count;
	it->run_left -= it->count;
	return true;
}

void
ba_access_box_end(BABoxIter *it)
{
	if (it->pinned)
	{
		ba_array_unpin(&it->pin);
		it->pinned = false;
	}
}

void
ba_access_box_read(BAArray *a, const BABox *box, BADtype to, void *dst)
{
	int			to_size = ba_dtype_info(to)->elsize;
	BABoxIter	it;

	ba_access_box_init(&it, a, box, BA_READ);
	while (ba_access_box_next(&it))
		ba_dtype_convert(to, (char *) dst + it.box_offset * to_size,
						 a->dtype, it.ptr, it.count);
	ba_access_box_end(&it);
}

void
ba_access_box_write(BAArray *a, const BABox *box, BADtype from, const void *src)
{
	int			from_size = ba_dtype_info(from)->elsize;
	BABoxIter	it;

	ba_access_box_init(&it, a, box, BA_WRITE);
	while (ba_access_box_next(&it))
		ba_dtype_convert(a->dtype, it.ptr, from,
						 (const char *) src + it.box_offset * from_size,
						 it.count);
	ba_access_box_end(&it);
}
