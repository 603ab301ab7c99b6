/*
 * parallel.c - reductions over large ranges with PostgreSQL parallel
 * workers, as parallel index builds use them: a ParallelContext created
 * inside the function call, workers that share the leader's snapshot and
 * read disjoint units of the range straight from the large object, and
 * the leader working through units as well, out of its page cache.
 *
 * ba_dot's workers read their two arrays through page caches of their own
 * (the array layer, read-only, under the same snapshot).
 *
 * The range is cut into units of BA_PARALLEL_UNIT_BYTES; each participant
 * takes the next unit from an atomic counter and fills that unit's state;
 * the leader combines the states in unit order, so the result does not
 * depend on how many workers started or which took what (a float sum is
 * rounded as if summed unit by unit).  No worker at all is fine: the
 * leader then takes every unit.
 *
 * Workers read the large object under the leader's snapshot, so they would
 * not see what the leader's transaction has not written there: an array
 * this transaction has locked for writing (dirty pages, or a latest version
 * newer than the snapshot) is reduced by the leader alone.  So is a range
 * that fits in bigarray.cache_size: the leader keeps it cached, and reads
 * it at memory speed from the next statement on, where workers, which have
 * no cache, would read the large object every time.  Workers are for ranges
 * bigger than the cache, read from storage whatever the plan.
 * bigarray.parallel_min_size sets the smallest range worth workers;
 * max_parallel_workers_per_gather how many one call asks for, and
 * max_parallel_workers how many may run.
 */
#include "bigarray.h"

#include "storage.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "optimizer/cost.h"
#include "port/atomics.h"
#include "storage/shm_toc.h"

#include "parallel.h"
#include "reduction.h"

/* bigarray.parallel_min_size (defined in bigarray.c) */
int			ba_parallel_min_size_kb = 64 * 1024;

#define BA_PARALLEL_KEY_SHARED	UINT64CONST(0xBA12000000000001)
/* what one participant takes at a time: 8 of the leader's pins */
#define BA_PARALLEL_UNIT_BYTES	((int64) 8 * BA_CHUNK_BYTES)

/* The reductions workers can run, by index (pointers differ per process). */
static const BAReduction *const reductions[] = {
	&ba_reduce_sum, &ba_reduce_mean, &ba_reduce_min, &ba_reduce_max,
};
/* BAParallelShared.reduction of ba_dot, which reads two arrays */
#define BA_PARALLEL_DOT		((int) lengthof(reductions))

typedef struct BAParallelShared
{
	Oid			loid;
	Oid			loid_b;			/* ba_dot's second array */
	BADtype		dtype;
	int			elsize;
	int			reduction;		/* index into reductions[] */
	int64		first;			/* the range: elements first .. */
	int64		count;
	int64		unit_elems;
	int64		nunits;
	pg_atomic_uint64 next_unit;
	BAReduceState states[FLEXIBLE_ARRAY_MEMBER];	/* one per unit */
} BAParallelShared;

PGDLLEXPORT void ba_parallel_worker_main(dsm_segment *seg, shm_toc *toc);

/* Elements of unit u: [*ufirst, *ufirst + return value). */
static int64
unit_range(const BAParallelShared *sh, int64 u, int64 *ufirst)
{
	*ufirst = sh->first + u * sh->unit_elems;
	return Min(sh->unit_elems, sh->first + sh->count - *ufirst);
}

/*
 * Units through pins: the leader's share (its cache), or a ba_dot worker's,
 * through arrays it opened itself under the leader's snapshot (b: the
 * second array of ba_dot, else NULL).
 */
static void
units_through_pins(BAParallelShared *sh, const BAReduction *r, BAArray *a,
				   BAArray *b)
{
	uint64		u;

	while ((u = pg_atomic_fetch_add_u64(&sh->next_unit, 1)) < (uint64) sh->nunits)
	{
		int64		ufirst;
		int64		ucount = unit_range(sh, (int64) u, &ufirst);
		BAIter		it;

		if (b != NULL)
		{
			ba_reduce_dot_accumulate(a, b, ufirst, ucount, &sh->states[u].sum);
			continue;
		}
		ba_access_iter_init(&it, a, ufirst, ucount, BA_READ, BA_CHUNK_ELEMS(a));
		while (ba_access_iter_next(&it))
			r->chunk(a, it.ptr, it.first, it.count, &sh->states[u]);
		ba_access_iter_end(&it);
	}
}

/*
 * A worker's share: units read from the large object under the leader's
 * snapshot (the active one here), a pin's worth at a time, as the leader's
 * chunks are fed.
 */
void
ba_parallel_worker_main(dsm_segment *seg, shm_toc *toc)
{
	BAParallelShared *sh = shm_toc_lookup(toc, BA_PARALLEL_KEY_SHARED, false);
	const BAReduction *r;
	BAArray		shape = {0};
	int64		chunk_elems;
	char	   *buf;
	int			fd;
	uint64		u;

	/* two arrays in step: through pins of arrays of this worker's own */
	if (sh->reduction == BA_PARALLEL_DOT)
	{
		units_through_pins(sh, NULL, ba_array_open(sh->loid, BA_READ),
						   ba_array_open(sh->loid_b, BA_READ));
		return;
	}
	r = reductions[sh->reduction];
	chunk_elems = BA_CHUNK_BYTES / sh->elsize;
	buf = palloc(BA_CHUNK_BYTES);

	/* the chunk functions read the dtype only */
	shape.loid = sh->loid;
	shape.dtype = sh->dtype;
	shape.elsize = sh->elsize;
	fd = ba_storage_open_elements(sh->loid);
	while ((u = pg_atomic_fetch_add_u64(&sh->next_unit, 1)) < (uint64) sh->nunits)
	{
		int64		ufirst;
		int64		ucount = unit_range(sh, (int64) u, &ufirst);

		for (int64 done = 0; done < ucount; done += chunk_elems)
		{
			int64		n = Min(chunk_elems, ucount - done);

			CHECK_FOR_INTERRUPTS();
			ba_storage_read_elements(fd, (ufirst + done) * sh->elsize, buf,
									 (int) (n * sh->elsize));
			r->chunk(&shape, buf, ufirst + done, n, &sh->states[u]);
		}
	}
	ba_storage_close_elements(fd);
	pfree(buf);
}

/*
 * Run the reduction (index rindex; r its BAReduction, ba_reduce_sum for
 * ba_dot) over elements [first, first + count) of a (and b) with workers,
 * into st.
 */
static void
run_parallel(int rindex, const BAReduction *r, BAArray *a, BAArray *b,
			 int64 first, int64 count, BAReduceState *st)
{
	int			elsize = Max(a->elsize, b != NULL ? b->elsize : 0);
	int64		unit_elems = BA_PARALLEL_UNIT_BYTES / elsize;
	int64		nunits = (count + unit_elems - 1) / unit_elems;
	Size		size = add_size(offsetof(BAParallelShared, states),
								mul_size(sizeof(BAReduceState), nunits));
	ParallelContext *pcxt;
	BAParallelShared *sh;

	EnterParallelMode();
	pcxt = CreateParallelContext("bigarray", "ba_parallel_worker_main",
								 max_parallel_workers_per_gather);
	shm_toc_estimate_chunk(&pcxt->estimator, size);
	shm_toc_estimate_keys(&pcxt->estimator, 1);
	InitializeParallelDSM(pcxt);
	sh = shm_toc_allocate(pcxt->toc, size);
	sh->loid = a->loid;
	sh->loid_b = b != NULL ? b->loid : InvalidOid;
	sh->dtype = a->dtype;
	sh->elsize = a->elsize;
	sh->reduction = rindex;
	sh->first = first;
	sh->count = count;
	sh->unit_elems = unit_elems;
	sh->nunits = nunits;
	pg_atomic_init_u64(&sh->next_unit, 0);
	for (int64 u = 0; u < nunits; u++)
		r->init(&sh->states[u]);
	shm_toc_insert(pcxt->toc, BA_PARALLEL_KEY_SHARED, sh);

	LaunchParallelWorkers(pcxt);
	elog(DEBUG1, "bigarray: %s of " INT64_FORMAT " elements with %d parallel workers",
		 b != NULL ? "dot" : r->name, count, pcxt->nworkers_launched);
	units_through_pins(sh, r, a, b);
	WaitForParallelWorkersToFinish(pcxt);

	for (int64 u = 0; u < nunits; u++)
		r->combine(st, &sh->states[u]);
	DestroyParallelContext(pcxt);
	ExitParallelMode();
}

/*
 * Are workers worth it and allowed for bytes of arrays a (and b) that the
 * transaction has not locked for writing?
 */
static bool
workers_wanted(BAArray *a, BAArray *b, int64 bytes)
{
	return max_parallel_workers_per_gather > 0 && ba_parallel_min_size_kb >= 0 &&
		bytes > 0 && bytes >= (int64) ba_parallel_min_size_kb * 1024 &&
		bytes > (int64) ba_cache_size_kb * 1024 &&
		a->write_level == 0 && (b == NULL || b->write_level == 0) &&
		!IsInParallelMode() && IsUnderPostmaster;
}

bool
ba_parallel_reduce(const BAReduction *r, BAArray *a, int64 first, int64 count,
				   BAReduceState *st)
{
	int			rindex = -1;

	for (int i = 0; i < (int) lengthof(reductions); i++)
	{
		if (reductions[i] == r)
			rindex = i;
	}
	if (rindex < 0 || !workers_wanted(a, NULL, count * a->elsize))
		return false;
	run_parallel(rindex, r, a, NULL, first, count, st);
	return true;
}

bool
ba_parallel_dot(BAArray *a, BAArray *b, BASumState *st)
{
	BAReduceState total;

	if (!workers_wanted(a, b, a->nelems * (a->elsize + b->elsize)))
		return false;
	ba_reduce_sum.init(&total);
	run_parallel(BA_PARALLEL_DOT, &ba_reduce_sum, a, b, 0, a->nelems, &total);
	*st = total.sum;
	return true;
}
