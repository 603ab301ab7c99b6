/*
 * parallel.c - reductions over ranges bigger than the page cache: read
 * straight from the large object, unit by unit, with PostgreSQL parallel
 * workers as parallel index builds use them (a ParallelContext created
 * inside the function call, workers that share the leader's snapshot and
 * read disjoint units of the range) or by the leader alone.
 *
 * Such a range does not go through the page cache.  It would evict every
 * cached page, of this array and of others, for pages it evicts again
 * itself before the next statement could use them (PostgreSQL reads a big
 * table through a small ring of buffers for the same reason), and each
 * page would cost a copy into the cache's memory and a mapping besides.
 *
 * ba_dot reads its two arrays so, side by side.
 *
 * The range is cut into units of BA_PARALLEL_UNIT_BYTES; each participant
 * takes the next unit from an atomic counter and fills that unit's state;
 * the leader combines the states in unit order, so the result does not
 * depend on how many workers started or which took what (a float sum is
 * rounded as if summed unit by unit).  No worker at all is fine: the
 * leader then takes every unit.
 *
 * The large object is read under the statement's snapshot, so it would
 * not show what this transaction has not written there: an array it has
 * locked for writing (dirty pages, or a latest version newer than the
 * snapshot) goes through the page cache.  So does a range that fits in
 * bigarray.cache_size: it stays cached and is read at memory speed from
 * the next statement on.  bigarray.parallel_min_size sets the smallest
 * range worth workers; max_parallel_workers_per_gather how many one call
 * asks for, and max_parallel_workers how many may run.
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

/* The reductions run here, by index (pointers differ per process). */
static const BAReduction *const reductions[] = {
	&ba_reduce_sum, &ba_reduce_mean, &ba_reduce_min, &ba_reduce_max,
	&ba_reduce_nansum, &ba_reduce_nanmean, &ba_reduce_nanmin, &ba_reduce_nanmax,
	&ba_reduce_count_nan, &ba_reduce_var, &ba_reduce_var_pop,
	&ba_reduce_stddev, &ba_reduce_stddev_pop, &ba_reduce_argmin,
	&ba_reduce_argmax,
};
/* BAParallelShared.reduction of ba_dot, which reads two arrays */
#define BA_PARALLEL_DOT		((int) lengthof(reductions))

typedef struct BAParallelShared
{
	Oid			loid;
	BADtype		dtype;
	int			elsize;
	Oid			loid_b;			/* ba_dot's second array */
	BADtype		dtype_b;
	int			elsize_b;
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

/* What a participant does with elements [first, first + n) of a unit. */
typedef void (*BAUnitChunkFn) (BAParallelShared *sh, void *arg, int64 first,
							   int64 n, BAReduceState *st);

/*
 * Take units until none is left, and hand each one's elements to fn in
 * runs of at most chunk_elems, with the unit's state.
 */
static void
walk_units(BAParallelShared *sh, int64 chunk_elems, BAUnitChunkFn fn,
		   void *arg)
{
	uint64		u;

	while ((u = pg_atomic_fetch_add_u64(&sh->next_unit, 1)) < (uint64) sh->nunits)
	{
		int64		ufirst;
		int64		ucount = unit_range(sh, (int64) u, &ufirst);

		for (int64 done = 0; done < ucount; done += chunk_elems)
		{
			CHECK_FOR_INTERRUPTS();
			fn(sh, arg, ufirst + done, Min(chunk_elems, ucount - done),
			   &sh->states[u]);
		}
	}
}

/*
 * One array's element bytes, read from its large object under the active
 * snapshot (in a worker, the leader's) into a buffer of a step's room.
 */
typedef struct ElementReader
{
	int			fd;
	int			elsize;
	char	   *buf;
} ElementReader;

static void
reader_open(ElementReader *rd, Oid loid, int elsize, int64 step)
{
	rd->elsize = elsize;
	rd->buf = palloc(step * elsize);
	rd->fd = ba_storage_open_elements(loid);
}

/* Elements [first, first + n) of the array, in the reader's buffer. */
static char *
reader_read(ElementReader *rd, int64 first, int64 n)
{
	ba_storage_read_elements(rd->fd, first * rd->elsize, rd->buf,
							 (int) (n * rd->elsize));
	return rd->buf;
}

static void
reader_close(ElementReader *rd)
{
	ba_storage_close_elements(rd->fd);
	pfree(rd->buf);
}

/* A one-array reduction's participant: its reader, and the array's dtype. */
typedef struct OneArrayUnits
{
	ElementReader in;
	BAArray		shape;			/* the chunk functions read the dtype only */
} OneArrayUnits;

static void
one_array_chunk(BAParallelShared *sh, void *arg, int64 first, int64 n,
				BAReduceState *st)
{
	OneArrayUnits *ou = arg;

	reductions[sh->reduction]->chunk(&ou->shape, reader_read(&ou->in, first, n),
									 first, n, st);
}

/*
 * Units of a one-array reduction, read from the large object a pin's worth
 * at a time, as chunks through the page cache are fed.
 */
static void
units_from_storage(BAParallelShared *sh)
{
	OneArrayUnits ou = {0};
	int64		step = BA_CHUNK_BYTES / sh->elsize;

	ou.shape.loid = sh->loid;
	ou.shape.dtype = sh->dtype;
	ou.shape.elsize = sh->elsize;
	reader_open(&ou.in, sh->loid, sh->elsize, step);
	walk_units(sh, step, one_array_chunk, &ou);
	reader_close(&ou.in);
}

/* ba_dot's participant: a reader per array, and room to convert to float8. */
typedef struct DotUnits
{
	ElementReader a,
				b;
	float8	   *scratch_a,
			   *scratch_b;
} DotUnits;

static void
dot_chunk(BAParallelShared *sh, void *arg, int64 first, int64 n,
		  BAReduceState *st)
{
	DotUnits   *du = arg;

	ba_reduce_dot_chunk(sh->dtype, reader_read(&du->a, first, n),
						sh->dtype_b, reader_read(&du->b, first, n), n,
						du->scratch_a, du->scratch_b, &st->sum);
}

/* ba_dot's units, read from both large objects side by side. */
static void
dot_units_from_storage(BAParallelShared *sh)
{
	int64		step = BA_CHUNK_BYTES / Max(sh->elsize, sh->elsize_b);
	DotUnits	du;

	reader_open(&du.a, sh->loid, sh->elsize, step);
	reader_open(&du.b, sh->loid_b, sh->elsize_b, step);
	du.scratch_a = palloc(step * sizeof(float8));
	du.scratch_b = palloc(step * sizeof(float8));
	walk_units(sh, step, dot_chunk, &du);
	reader_close(&du.b);
	reader_close(&du.a);
	pfree(du.scratch_a);
	pfree(du.scratch_b);
}

/* This participant's share of the units: until none is left. */
static void
take_units(BAParallelShared *sh)
{
	if (sh->reduction == BA_PARALLEL_DOT)
		dot_units_from_storage(sh);
	else
		units_from_storage(sh);
}

void
ba_parallel_worker_main(dsm_segment *seg, shm_toc *toc)
{
	take_units(shm_toc_lookup(toc, BA_PARALLEL_KEY_SHARED, false));
}

/* Elements per unit of a (and b): a unit's bytes of the wider dtype. */
static int64
unit_elems_of(const BAArray *a, const BAArray *b)
{
	return BA_PARALLEL_UNIT_BYTES / Max(a->elsize, b != NULL ? b->elsize : 0);
}

/* The size of the shared state for count elements of a (and b). */
static Size
shared_size(const BAArray *a, const BAArray *b, int64 count)
{
	int64		unit_elems = unit_elems_of(a, b);

	return add_size(offsetof(BAParallelShared, states),
					mul_size(sizeof(BAReduceState),
							 (count + unit_elems - 1) / unit_elems));
}

/*
 * sh set up for reduction rindex (r) of elements [first, first + count) of
 * a (and b), every unit's state initialized and none taken yet.
 */
static void
shared_init(BAParallelShared *sh, int rindex, const BAReduction *r,
			BAArray *a, BAArray *b, int64 first, int64 count)
{
	sh->loid = a->loid;
	sh->dtype = a->dtype;
	sh->elsize = a->elsize;
	sh->loid_b = b != NULL ? b->loid : InvalidOid;
	sh->dtype_b = b != NULL ? b->dtype : a->dtype;
	sh->elsize_b = b != NULL ? b->elsize : 0;
	sh->reduction = rindex;
	sh->first = first;
	sh->count = count;
	sh->unit_elems = unit_elems_of(a, b);
	sh->nunits = (count + sh->unit_elems - 1) / sh->unit_elems;
	pg_atomic_init_u64(&sh->next_unit, 0);
	for (int64 u = 0; u < sh->nunits; u++)
		r->init(&sh->states[u]);
}

/* The units' states into st, in unit order, whoever computed them. */
static void
shared_combine(const BAParallelShared *sh, const BAReduction *r,
			   BAReduceState *st)
{
	for (int64 u = 0; u < sh->nunits; u++)
		r->combine(st, &sh->states[u]);
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
	Size		size = shared_size(a, b, count);
	ParallelContext *pcxt;
	BAParallelShared *sh;

	EnterParallelMode();
	pcxt = CreateParallelContext("bigarray", "ba_parallel_worker_main",
								 max_parallel_workers_per_gather);
	shm_toc_estimate_chunk(&pcxt->estimator, size);
	shm_toc_estimate_keys(&pcxt->estimator, 1);
	InitializeParallelDSM(pcxt);
	sh = shm_toc_allocate(pcxt->toc, size);
	shared_init(sh, rindex, r, a, b, first, count);
	shm_toc_insert(pcxt->toc, BA_PARALLEL_KEY_SHARED, sh);

	LaunchParallelWorkers(pcxt);
	elog(DEBUG1, "bigarray: %s of " INT64_FORMAT " elements with %d parallel workers",
		 b != NULL ? "dot" : r->name, count, pcxt->nworkers_launched);
	take_units(sh);
	WaitForParallelWorkersToFinish(pcxt);

	shared_combine(sh, r, st);
	DestroyParallelContext(pcxt);
	ExitParallelMode();
}

/* The same in this backend alone: the same units, combined in order. */
static void
run_alone(int rindex, const BAReduction *r, BAArray *a, BAArray *b,
		  int64 first, int64 count, BAReduceState *st)
{
	BAParallelShared *sh = MemoryContextAllocHuge(CurrentMemoryContext,
												 shared_size(a, b, count));

	shared_init(sh, rindex, r, a, b, first, count);
	elog(DEBUG1, "bigarray: %s of " INT64_FORMAT " elements from the large object, no workers",
		 b != NULL ? "dot" : r->name, count);
	take_units(sh);
	shared_combine(sh, r, st);
	pfree(sh);
}

/*
 * Is a range of bytes of arrays a (and b) read past the page cache: bigger
 * than the cache, of arrays the transaction has not locked for writing?
 */
static bool
past_the_cache(BAArray *a, BAArray *b, int64 bytes)
{
	return bytes > (int64) ba_cache_size_kb * 1024 &&
		a->write_level == 0 && (b == NULL || b->write_level == 0) &&
		!IsInParallelMode();
}

/* Are workers worth it and allowed for such a range of bytes? */
static bool
workers_wanted(int64 bytes)
{
	return max_parallel_workers_per_gather > 0 && ba_parallel_min_size_kb >= 0 &&
		bytes >= (int64) ba_parallel_min_size_kb * 1024 && IsUnderPostmaster;
}

bool
ba_parallel_reduce(const BAReduction *r, BAArray *a, int64 first, int64 count,
				   BAReduceState *st)
{
	int64		bytes = count * a->elsize;
	int			rindex = -1;

	for (int i = 0; i < (int) lengthof(reductions); i++)
	{
		if (reductions[i] == r)
			rindex = i;
	}
	if (rindex < 0 || !past_the_cache(a, NULL, bytes))
		return false;
	if (workers_wanted(bytes))
		run_parallel(rindex, r, a, NULL, first, count, st);
	else
		run_alone(rindex, r, a, NULL, first, count, st);
	return true;
}

bool
ba_parallel_dot(BAArray *a, BAArray *b, BASumState *st)
{
	int64		bytes = a->nelems * (a->elsize + b->elsize);
	BAReduceState total;

	if (!past_the_cache(a, b, bytes))
		return false;
	ba_reduce_sum.init(&total);
	if (workers_wanted(bytes))
		run_parallel(BA_PARALLEL_DOT, &ba_reduce_sum, a, b, 0, a->nelems, &total);
	else
		run_alone(BA_PARALLEL_DOT, &ba_reduce_sum, a, b, 0, a->nelems, &total);
	*st = total.sum;
	return true;
}
