/*
 * parallel.c - reductions over large ranges with PostgreSQL parallel
 * workers, as parallel index builds use them: a ParallelContext created
 * inside the function call, workers that share the leader's snapshot and
 * read disjoint units of the range straight from the large object, and
 * the leader working through units as well, out of its page cache.
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
#include "reduce.h"

/* bigarray.parallel_min_size (defined in bigarray.c) */
int			ba_parallel_min_size_kb = 64 * 1024;

#define BA_PARALLEL_KEY_SHARED	UINT64CONST(0xBA12000000000001)
/* what one participant takes at a time: 8 of the leader's pins */
#define BA_PARALLEL_UNIT_BYTES	((int64) 8 * BA_CHUNK_BYTES)

/* The reductions workers can run, by index (pointers differ per process). */
static const BAReduction *const reductions[] = {
	&ba_reduce_sum, &ba_reduce_mean, &ba_reduce_min, &ba_reduce_max,
};

typedef struct BAParallelShared
{
	Oid			loid;
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

static int
reduction_index(const BAReduction *r)
{
	for (int i = 0; i < (int) lengthof(reductions); i++)
	{
		if (reductions[i] == r)
			return i;
	}
	return -1;
}

/* Elements of unit u: [*ufirst, *ufirst + return value). */
static int64
unit_range(const BAParallelShared *sh, int64 u, int64 *ufirst)
{
	*ufirst = sh->first + u * sh->unit_elems;
	return Min(sh->unit_elems, sh->first + sh->count - *ufirst);
}

/* The leader's share: units through its pins (its cache, its changes). */
static void
leader_units(BAParallelShared *sh, const BAReduction *r, BAArray *a)
{
	uint64		u;

	while ((u = pg_atomic_fetch_add_u64(&sh->next_unit, 1)) < (uint64) sh->nunits)
	{
		int64		ufirst;
		int64		ucount = unit_range(sh, (int64) u, &ufirst);
		BAIter		it;

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
	const BAReduction *r = reductions[sh->reduction];
	BAArray		shape = {0};
	int64		chunk_elems = BA_CHUNK_BYTES / sh->elsize;
	char	   *buf = palloc(BA_CHUNK_BYTES);
	int			fd;
	uint64		u;

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

bool
ba_parallel_reduce(const BAReduction *r, BAArray *a, int64 first, int64 count,
				   BAReduceState *st)
{
	int			rindex = reduction_index(r);
	int			nworkers = max_parallel_workers_per_gather;
	ParallelContext *pcxt;
	BAParallelShared *sh;
	int64		unit_elems;
	int64		nunits;
	Size		size;

	if (rindex < 0 || nworkers <= 0 || ba_parallel_min_size_kb < 0 ||
		count * a->elsize < (int64) ba_parallel_min_size_kb * 1024 ||
		count * a->elsize <= (int64) ba_cache_size_kb * 1024 ||
		count == 0 || a->write_level > 0 || IsInParallelMode() ||
		!IsUnderPostmaster)
		return false;

	unit_elems = BA_PARALLEL_UNIT_BYTES / a->elsize;
	nunits = (count + unit_elems - 1) / unit_elems;
	size = add_size(offsetof(BAParallelShared, states),
					mul_size(sizeof(BAReduceState), nunits));

	EnterParallelMode();
	pcxt = CreateParallelContext("bigarray", "ba_parallel_worker_main", nworkers);
	shm_toc_estimate_chunk(&pcxt->estimator, size);
	shm_toc_estimate_keys(&pcxt->estimator, 1);
	InitializeParallelDSM(pcxt);
	sh = shm_toc_allocate(pcxt->toc, size);
	sh->loid = a->loid;
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
		 r->name, count, pcxt->nworkers_launched);
	leader_units(sh, r, a);
	WaitForParallelWorkersToFinish(pcxt);

	for (int64 u = 0; u < nunits; u++)
		r->combine(st, &sh->states[u]);
	DestroyParallelContext(pcxt);
	ExitParallelMode();
	return true;
}
