/*
 * array.c - the array lifecycle: the backend's arrays, their pages, and
 * what happens to them at the ends of transactions and subtransactions.
 *
 * One virtmem RAM per backend holds the pages of every array the backend
 * has opened; a hash table keeps the arrays by large object oid, each
 * mapped whole.  Pages stay cached across transactions: ba_array_open() checks
 * the header once per snapshot and drops the pages when another
 * transaction has committed a new version.  Writers take a lock on the
 * large object and work on the latest committed version.  The SQL layer
 * reaches elements only through pins (vma_pin: no page faults in a
 * backend), tracked so that an ERROR releases them.
 *
 * Changes to arrays live in dirty pages until PRE_COMMIT (or PRE_PREPARE)
 * writes them and the new header into the large objects, inside the
 * committing transaction: an ERROR there makes COMMIT fail and roll back
 * cleanly.  After the outcome is fixed (COMMIT, ABORT, PREPARE) only memory
 * is tidied.  Savepoints map onto virtmem undo levels: every array written
 * in the transaction has one level (and one saved shape) per open
 * subtransaction, so ROLLBACK TO SAVEPOINT and a caught PL/pgSQL exception
 * put back its pages and shape, while PostgreSQL undoes the large object
 * writes made in the subtransaction.  Modelled on postgres_fdw's
 * connection.c: callbacks registered lazily, leftovers at COMMIT are bugs.
 *
 * This is the only file that writes an array's state (BAArray): its
 * transitions at the ends of (sub)transactions live beside it, as
 * be-fsstubs.c keeps its clean-up beside its descriptors.
 */
#include "bigarray.h"
#include "storage.h"

#include <errno.h>

#include "access/transam.h"
#include "access/xact.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "storage/large_object.h"
#include "storage/proc.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

static void take_shape(BAArray *a, int ndim, const int64 *shape, int64 nelems);
static void array_evict(BAArray *a);

/* bigarray.cache_size and bigarray.page_size (defined in bigarray.c) */
int			ba_cache_size_kb = 256 * 1024;
int			ba_page_size_kb = 64;

/* defined with the transactions below, used by the arrays above them */
static void register_callbacks(void);
static void register_write(BAArray *a);
static bool write_out_early(void);
static void forget_write(BAArray *a);

/* address space mapped for an array at least: growing rarely remaps */
#define BA_MIN_MAPPING_BYTES	((uint64) 64 * 1024 * 1024)
/* pages the cache always has, whatever cache_size says: a pin's worth */
#define BA_MIN_CACHE_PAGES		4

typedef struct BAPinRecord
{
	BAArray    *array;
	vm_pgoff_t	first_page;
	vm_pgoff_t	npages;
	bool		write;
	SubTransactionId subid;		/* released if this one aborts */
} BAPinRecord;

/*
 * The backend's pages and arrays, kept across transactions: see BAArray in
 * bigarray.h for why each array's pages and shape are right after every
 * kind of transaction end.
 */
static RAM *cache_ram = NULL;
static HTAB *cache_arrays = NULL;
/*
 * The last transaction that opened an array: a new page size is taken only
 * at the first array a later transaction opens, when nothing is pinned,
 * dirty or held by the SQL layer.
 */
static LocalTransactionId cache_used_lxid = InvalidLocalTransactionId;

/*
 * Pins held now.  None outlives the transaction: PRE_COMMIT and ABORT
 * release what is left, subtransaction abort what the subtransaction took
 * (subid), so an ERROR never leaves a page pinned.
 */
static BAPinRecord *pins = NULL;
static int	npins = 0;
static int	maxpins = 0;
static int	nwrite_pins = 0;

static size_t
cache_max_pages(int size_kb, size_t pagesize)
{
	return Max((size_t) size_kb * 1024 / pagesize, (size_t) BA_MIN_CACHE_PAGES);
}

void
ba_array_cache_resize(int size_kb)
{
	/* clean, unpinned pages beyond the new size go now; no ERROR */
	if (cache_ram != NULL)
		ram_set_max_pages(cache_ram,
						  cache_max_pages(size_kb, ram_pagesize(cache_ram)));
}

/* Unmap and free an array and remove it from the table.  No ERROR. */
static void
array_close(BAArray *a)
{
	if (a->file != NULL)
	{
		if (a->mapped_pages > 0)
			vma_unmap(&a->vma);
		fileh_close(&a->fileh);
		ba_file_free(a->file);
	}
	if (a->header_stack != NULL)
		pfree(a->header_stack);
	hash_search(cache_arrays, &a->loid, HASH_REMOVE, NULL);
}

/*
 * A new page size: drop every array and the RAM.  Only done before the
 * first array of a transaction is opened, so nothing is pinned, dirty, or
 * referenced by the SQL layer.
 */
static void
cache_reset(void)
{
	HASH_SEQ_STATUS seq;
	BAArray    *a;

	hash_seq_init(&seq, cache_arrays);
	while ((a = hash_seq_search(&seq)) != NULL)
		array_close(a);
	ram_close(cache_ram);
	cache_ram = NULL;
}

/* The table of arrays, and the transaction callbacks that keep it right. */
static void
cache_table_prepare(void)
{
	HASHCTL		ctl;

	if (cache_arrays != NULL)
		return;
	register_callbacks();
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(BAArray);
	ctl.hcxt = ba_memory_context();

	/*
	 * Fewer entries than dynahash allocates at once, which makes it
	 * allocate them here, at library load, rather than at the session's
	 * first array.
	 */
	cache_arrays = hash_create("bigarray arrays", 16, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* An empty RAM of the page size and cache size set now, or NULL (errno). */
static RAM *
cache_ram_new(void)
{
	size_t		pagesize = (size_t) ba_page_size_kb * 1024;

	return ram_new(pagesize, cache_max_pages(ba_cache_size_kb, pagesize));
}

/*
 * Set up an empty cache when a backend loads the library, so that a
 * session started with session_preload_libraries does it before its first
 * statement.  Not in the postmaster (shared_preload_libraries): children
 * would share one memfd.  Failing here only leaves it to the first use.
 */
void
ba_array_cache_preload(void)
{
	if (!IsUnderPostmaster)
		return;
	cache_table_prepare();
	if (cache_ram == NULL)
		cache_ram = cache_ram_new();
}

static void
cache_prepare(void)
{
	cache_table_prepare();
	if (cache_ram != NULL &&
		ram_pagesize(cache_ram) != (size_t) ba_page_size_kb * 1024 &&
		cache_used_lxid != MyProc->lxid)
		cache_reset();
	if (cache_ram == NULL)
	{
		cache_ram = cache_ram_new();
		if (cache_ram == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not create the bigarray page cache: %m")));
	}
	else
	{
		struct ram_stats stats;
		size_t		max_pages = cache_max_pages(ba_cache_size_kb,
												ram_pagesize(cache_ram));

		ram_get_stats(cache_ram, &stats);
		if (stats.max_pages != max_pages)
			ram_set_max_pages(cache_ram, max_pages);
	}
	cache_used_lxid = MyProc->lxid;
}

static bool
array_pinned(const BAArray *a)
{
	for (int i = 0; i < npins; i++)
	{
		if (pins[i].array == a)
			return true;
	}
	return false;
}

static void
check_not_pinned(const BAArray *a)
{
	if (array_pinned(a))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_IN_USE),
				 errmsg("bigarray %u is in use by an open scan", a->loid)));
}

/* Map the array with room for nelems elements (capacity a power of two). */
static void
ensure_mapped(BAArray *a, int64 nelems)
{
	uint64		pagesize = ram_pagesize(cache_ram);
	uint64		bytes = (uint64) nelems * a->elsize;
	uint64		need = Max((bytes + pagesize - 1) / pagesize, 1);
	uint64		capacity;

	if (need <= a->mapped_pages)
		return;
	check_not_pinned(a);
	capacity = Max(BA_MIN_MAPPING_BYTES, pg_nextpower2_64(need * pagesize));
	if (a->mapped_pages > 0)
	{
		vma_unmap(&a->vma);
		a->mapped_pages = 0;
	}
	if (fileh_mmap(&a->vma, &a->fileh, 0, capacity / pagesize) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not map bigarray %u: %m", a->loid)));
	a->mapped_pages = capacity / pagesize;
}

static void
array_take_header(BAArray *a, const BAHeader *hdr)
{
	const BADtypeInfo *info = ba_dtype_info(ba_dtype_from_typoid(hdr->dtype_oid));

	/* ensure_mapped() sizes by elsize, which a new entry does not have yet */
	a->dtype = info->dtype;
	a->elsize = info->elsize;
	ensure_mapped(a, hdr->nelems);
	take_shape(a, hdr->ndim, hdr->shape, hdr->nelems);
}

static void
take_shape(BAArray *a, int ndim, const int64 *shape, int64 nelems)
{
	a->ndim = ndim;
	memset(a->shape, 0, sizeof(a->shape));
	memcpy(a->shape, shape, ndim * sizeof(int64));
	a->nelems = nelems;
	ba_file_set_data_bytes(a->file, nelems * a->elsize);
}

static void
write_header(BAArray *a, uint64 version)
{
	BAHeader	hdr;

	ba_header_init(&hdr, a->dtype, a->ndim, a->shape, a->nelems, version);
	ba_file_write_header(a->file, &hdr);
}

static void
note_lo_changed(BAArray *a)
{
	a->lo_changed = true;
	ba_file_set_track_loads(a->file, true);
}

/* A new, empty entry for loid with its file and handle. */
static BAArray *
array_new(Oid loid)
{
	BAArray    *a = hash_search(cache_arrays, &loid, HASH_ENTER, NULL);
	BAFile	   *file;

	memset(a, 0, sizeof(BAArray));
	a->loid = loid;
	PG_TRY();
	{
		file = ba_file_new(loid, ram_pagesize(cache_ram));
		if (fileh_open(&a->fileh, (BigFile *) file, cache_ram) != 0)
		{
			ba_file_free(file);
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not open bigarray %u: %m", loid)));
		}
		a->file = file;
	}
	PG_CATCH();
	{
		array_close(a);
		PG_RE_THROW();
	}
	PG_END_TRY();
	return a;
}

/*
 * The last active snapshot seen, field by field, and its generation.  Two
 * MVCC snapshots of one transaction that agree on all of these see the
 * same committed data: xmin, xmax and the running xids (xip, and subxip,
 * where a standby keeps them all), whether subxip overflowed, and the
 * command id for this transaction's own changes.  Aborting a subtransaction
 * changes what is visible without changing the snapshot, so it starts a
 * new generation explicitly (snapshot_forget()).
 */
static struct
{
	uint64		generation;
	LocalTransactionId lxid;
	CommandId	curcid;
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	bool		taken_during_recovery;
	TransactionId *xids;		/* xip then subxip */
	int			maxxids;
}			last_snapshot = {.generation = 1};

static bool
snapshot_is_last(Snapshot snap)
{
	return last_snapshot.lxid == MyProc->lxid &&
		last_snapshot.curcid == snap->curcid &&
		last_snapshot.xmin == snap->xmin &&
		last_snapshot.xmax == snap->xmax &&
		last_snapshot.xcnt == snap->xcnt &&
		last_snapshot.subxcnt == snap->subxcnt &&
		last_snapshot.suboverflowed == snap->suboverflowed &&
		last_snapshot.taken_during_recovery == snap->takenDuringRecovery &&
		(snap->xcnt == 0 ||
		 memcmp(last_snapshot.xids, snap->xip,
				snap->xcnt * sizeof(TransactionId)) == 0) &&
		(snap->subxcnt == 0 ||
		 memcmp(last_snapshot.xids + snap->xcnt, snap->subxip,
				snap->subxcnt * sizeof(TransactionId)) == 0);
}

static uint64
snapshot_generation(void)
{
	Snapshot	snap;
	int			nxids;

	if (!ActiveSnapshotSet())
		elog(ERROR, "bigarray: no active snapshot");
	snap = GetActiveSnapshot();
	if (snapshot_is_last(snap))
		return last_snapshot.generation;

	nxids = snap->xcnt + snap->subxcnt;
	if (nxids > last_snapshot.maxxids)
	{
		int			newmax = Max(nxids, 2 * last_snapshot.maxxids);

		/* the old copy goes first: an ERROR here leaves a harmless miss */
		if (last_snapshot.xids != NULL)
			pfree(last_snapshot.xids);
		last_snapshot.xids = NULL;
		last_snapshot.maxxids = 0;
		last_snapshot.lxid = InvalidLocalTransactionId;
		last_snapshot.xids = MemoryContextAlloc(ba_memory_context(),
												newmax * sizeof(TransactionId));
		last_snapshot.maxxids = newmax;
	}
	if (snap->xcnt > 0)
		memcpy(last_snapshot.xids, snap->xip, snap->xcnt * sizeof(TransactionId));
	if (snap->subxcnt > 0)
		memcpy(last_snapshot.xids + snap->xcnt, snap->subxip,
			   snap->subxcnt * sizeof(TransactionId));
	last_snapshot.lxid = MyProc->lxid;
	last_snapshot.curcid = snap->curcid;
	last_snapshot.xmin = snap->xmin;
	last_snapshot.xmax = snap->xmax;
	last_snapshot.xcnt = snap->xcnt;
	last_snapshot.subxcnt = snap->subxcnt;
	last_snapshot.suboverflowed = snap->suboverflowed;
	last_snapshot.taken_during_recovery = snap->takenDuringRecovery;
	return ++last_snapshot.generation;
}

static void
snapshot_forget(void)
{
	last_snapshot.lxid = InvalidLocalTransactionId;
}

static void
header_missing(Oid loid)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("large object %u is not a bigarray", loid),
			 errdetail("The large object is empty.")));
}

/* Take hdr as the array's state: cached pages of another version go. */
static void
array_adopt_header(BAArray *a, const BAHeader *hdr)
{
	if (hdr->version != a->cached_version)
	{
		check_not_pinned(a);
		fileh_invalidate(&a->fileh);
		a->cached_version = hdr->version;
	}
	array_take_header(a, hdr);
}

/*
 * Make the array as the active snapshot sees it: once per snapshot, read
 * the header under it; a version other than the cached pages' drops them.
 */
static void
array_validate(BAArray *a)
{
	uint64		generation = snapshot_generation();
	BAHeader	hdr;

	if (a->validated_snapshot == generation)
		return;
	ba_file_open_read(a->file);
	if (!ba_file_read_header(a->file, false, &hdr))
		header_missing(a->loid);
	array_adopt_header(a, &hdr);
	a->validated_snapshot = generation;
}

/*
 * Take the write lock, then proceed on the latest committed version: READ
 * COMMITTED drops pages of an older one, a transaction-snapshot isolation
 * level fails if its snapshot does not see the latest.
 */
static void
array_lock_for_write(BAArray *a)
{
	uint64		visible = a->cached_version;
	BAHeader	hdr;

	PreventCommandIfReadOnly("a bigarray write");
	/* privileges: 42501 from here */
	ba_file_open_write(a->file);
	ba_storage_lock(a->loid);
	if (!ba_file_read_header(a->file, true, &hdr))
	{
		/*
		 * Dropped by the transaction whose lock we waited for: as for an
		 * UPDATE of a row deleted meanwhile, 40001 under a transaction
		 * snapshot, else the array is gone.  The catalog snapshot may
		 * predate that commit.
		 */
		InvalidateCatalogSnapshot();
		if (!ba_storage_exists(a->loid))
		{
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent delete"),
						 errdetail("bigarray %u was dropped by a transaction that committed after this transaction's snapshot.",
								   a->loid)));
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("large object %u does not exist", a->loid)));
		}
		header_missing(a->loid);
	}
	if (hdr.version != visible && IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update"),
				 errdetail("bigarray %u was changed by a transaction that committed after this transaction's snapshot.",
						   a->loid)));
	array_adopt_header(a, &hdr);
	register_write(a);
}

/*
 * Privileges, once per snapshot, user and mode: a descriptor opened by one
 * user must not serve another (SET ROLE, SECURITY DEFINER functions), and a
 * GRANT or REVOKE counts from the next statement, as for lo_open.  Checks
 * skipped under lo_compat_privileges are not remembered: they are owed
 * once it is off.
 */
static void
check_privileges(BAArray *a, int mode)
{
	Oid			user = GetUserId();
	uint64		generation;

	if (lo_compat_privileges)
		return;
	generation = snapshot_generation();
	if (a->checked_user != user || a->checked_snapshot != generation)
	{
		a->checked_user = user;
		a->checked_snapshot = generation;
		a->checked_mode = 0;
	}
	if ((mode & ~a->checked_mode) == 0)
		return;
	/* one privilege at a time: the check passes if any one is held */
	if (!ba_storage_may(a->loid, user, ACL_SELECT) ||
		((mode & BA_WRITE) && !ba_storage_may(a->loid, user, ACL_UPDATE)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for large object %u", a->loid)));
	a->checked_mode |= mode;
}

BAArray *
ba_array_open(Oid loid, int mode)
{
	BAArray    *a;

	cache_prepare();
	a = hash_search(cache_arrays, &loid, HASH_FIND, NULL);
	if (a == NULL)
	{
		a = array_new(loid);
		PG_TRY();
		{
			array_validate(a);
		}
		PG_CATCH();
		{
			/* no entry for what is not an array we may read */
			array_close(a);
			PG_RE_THROW();
		}
		PG_END_TRY();
	}
	else if (a->dropped_level > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("large object %u does not exist", loid)));
	else if (a->write_level == 0)
		array_validate(a);	/* an array written here is as we left it */

	if ((mode & BA_WRITE) && a->write_level == 0)
		array_lock_for_write(a);
	check_privileges(a, mode);
	return a;
}

bool
ba_array_size_if_readable(Oid loid, int64 *nelems, int *elsize)
{
	BAArray    *a;

	if (!ActiveSnapshotSet() || !ba_storage_exists(loid) ||
		(!lo_compat_privileges &&
		 !ba_storage_may(loid, GetUserId(), ACL_SELECT)))
		return false;
	a = ba_array_open(loid, BA_READ);
	*nelems = a->nelems;
	*elsize = a->elsize;
	return true;
}

BAArray *
ba_array_create(BADtype dtype, int ndim, const int64 *shape)
{
	int64		nelems = ba_shape_nelems(dtype, ndim, shape);
	const BADtypeInfo *info = ba_dtype_info(dtype);
	BAArray    *volatile a;
	Oid			loid;

	/* lo_create() itself does not check; a hot standby gives XX000 */
	PreventCommandIfReadOnly("a bigarray write");
	cache_prepare();
	loid = ba_storage_create();
	/* an entry left from a dropped large object that had this oid */
	a = hash_search(cache_arrays, &loid, HASH_FIND, NULL);
	if (a != NULL)
		array_evict(a);

	a = array_new(loid);
	PG_TRY();
	{
		a->dtype = dtype;
		a->elsize = info->elsize;
		take_shape(a, ndim, shape, nelems);
		ensure_mapped(a, nelems);
		ba_file_open_write(a->file);
		ba_storage_lock(loid);
		a->created_level = GetCurrentTransactionNestLevel();
		register_write(a);
	}
	PG_CATCH();
	{
		/* once registered, (sub)transaction abort forgets it */
		if (a->write_level == 0)
			array_close(a);
		PG_RE_THROW();
	}
	PG_END_TRY();

	/* zero-filled: unwritten ranges of a large object read as zeros */
	a->cached_version = U64FromFullTransactionId(GetTopFullTransactionId());
	write_header(a, a->cached_version);
	return a;
}

static bool
dirty_over_half(void)
{
	struct ram_stats stats;

	ram_get_stats(cache_ram, &stats);
	return stats.ndirty * 2 > stats.max_pages;
}

/*
 * Pin the pages holding bytes [offset, offset + len) of the array, or with
 * copy_to, copy the bytes there and leave nothing pinned; writing dirty
 * pages out early when they take more than half of the cache, or when no
 * page can be had.  Not while a write pin is held: writeout marks pages
 * stored (read-only) under the writer's feet.  A read loads only the
 * 2 kB-sized parts of a page not in the cache that the bytes fall in (a
 * cold point read costs one large-object chunk, not a page); a second
 * access to such a page loads the rest of it (vma_pin_bytes).
 */
static void
pin_pages(BAArray *a, uint64 offset, uint64 len, bool write, void *copy_to)
{
	bool		wrote_out = false;

	if (write && nwrite_pins == 0 && dirty_over_half())
	{
		write_out_early();
		wrote_out = true;
	}
	for (;;)
	{
		int			err;

		if ((copy_to != NULL ?
			 vma_read_bytes(&a->vma, offset, len, copy_to) :
			 vma_pin_bytes(&a->vma, offset, len, write ? VMA_PIN_WRITE : 0)) == 0)
			return;
		err = errno;
		if (err == EIO)
			ba_storage_rethrow();
		if (err == ENOMEM && !wrote_out && nwrite_pins == 0)
		{
			wrote_out = true;
			if (write_out_early())
				continue;
		}
		if (err == ENOMEM)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("bigarray.cache_size is too small for this operation"),
					 errdetail("Every cached page is dirty or in use."),
					 errhint("Increase bigarray.cache_size, or change less between savepoints.")));
		errno = err;
		elog(ERROR, "bigarray: could not pin pages of array %u: %m", a->loid);
	}
}

char *
ba_array_pin(BAArray *a, int64 first, int64 count, int mode, BAPin *pin)
{
	bool		write = (mode & BA_WRITE) != 0;
	uint64		pagesize = ram_pagesize(cache_ram);

	if (first < 0 || count < 0 || first > a->nelems - count ||
		count > BA_CHUNK_ELEMS(a))
		elog(ERROR, "bigarray: pin of " INT64_FORMAT " elements at " INT64_FORMAT
			 " outside array %u of " INT64_FORMAT,
			 count, first, a->loid, a->nelems);
	if (write && a->write_level == 0)
		elog(ERROR, "bigarray: array %u is not open for writing", a->loid);

	pin->array = a;
	pin->first_page = 0;
	pin->npages = 0;
	if (count > 0)
	{
		uint64		start = (uint64) first * a->elsize;
		uint64		end = (uint64) (first + count) * a->elsize;
		BAPinRecord *rec;

		pins = ba_memory_reserve(pins, &maxpins, npins + 1,
								 sizeof(BAPinRecord));
		pin_pages(a, start, end - start, write, NULL);
		pin->first_page = start / pagesize;
		pin->npages = (end - 1) / pagesize - pin->first_page + 1;
		rec = &pins[npins++];
		rec->array = a;
		rec->first_page = pin->first_page;
		rec->npages = pin->npages;
		rec->write = write;
		rec->subid = GetCurrentSubTransactionId();
		if (write)
			nwrite_pins++;
	}
	return (char *) a->vma.addr_start + first * a->elsize;
}

/*
 * Copy count elements from first into dst, in the array's dtype.  Unlike a
 * pin, this reads a page loaded in part without mapping it, which is most
 * of what a cold small read would otherwise spend outside the large object.
 */
void
ba_array_read(BAArray *a, int64 first, int64 count, void *dst)
{
	if (first < 0 || count < 0 || first > a->nelems - count)
		elog(ERROR, "bigarray: read of " INT64_FORMAT " elements at " INT64_FORMAT
			 " outside array %u of " INT64_FORMAT,
			 count, first, a->loid, a->nelems);
	if (count > 0)
		pin_pages(a, (uint64) first * a->elsize, (uint64) count * a->elsize,
				  false, dst);
}

static void
pin_release(int i)
{
	BAPinRecord *rec = &pins[i];

	vma_unpin(&rec->array->vma, rec->first_page, rec->npages);
	if (rec->write)
		nwrite_pins--;
	memmove(rec, rec + 1, (npins - i - 1) * sizeof(BAPinRecord));
	npins--;
}

void
ba_array_unpin(BAPin *pin)
{
	if (pin->npages == 0)
		return;
	/* not found: (sub)transaction abort has released it already */
	for (int i = npins - 1; i >= 0; i--)
	{
		if (pins[i].array == pin->array && pins[i].first_page == pin->first_page &&
			pins[i].npages == pin->npages)
		{
			pin_release(i);
			break;
		}
	}
	pin->npages = 0;
}

static int
release_pins(SubTransactionId subid)
{
	int			released = 0;

	for (int i = npins - 1; i >= 0; i--)
	{
		if (subid == InvalidSubTransactionId || pins[i].subid >= subid)
		{
			pin_release(i);
			released++;
		}
	}
	return released;
}

/* Zero bytes [from, to) of page pgoffset through a write pin. */
static void
zero_page_range(BAArray *a, vm_pgoff_t pgoffset, size_t from, size_t to)
{
	size_t		pagesize = ram_pagesize(cache_ram);

	pin_pages(a, pgoffset * pagesize, pagesize, true, NULL);
	memset((char *) a->vma.addr_start + pgoffset * pagesize + from, 0, to - from);
	vma_unpin(&a->vma, pgoffset, 1);
}

/*
 * After a shrink from old_nelems: nothing past the new end may read other
 * than zero if the array grows again, nor be stored.  The large object is
 * cut; the page holding the new end has its tail zeroed, pages wholly past
 * it go -- through write pins inside a savepoint, so that rollback gives
 * them back.
 */
static void
array_shrunk(BAArray *a, int64 old_nelems)
{
	uint64		pagesize = ram_pagesize(cache_ram);
	uint64		new_bytes = (uint64) a->nelems * a->elsize;
	uint64		old_bytes = (uint64) old_nelems * a->elsize;
	vm_pgoff_t	first_gone = (new_bytes + pagesize - 1) / pagesize;
	vm_pgoff_t	end = (old_bytes + pagesize - 1) / pagesize;

	/* pages loaded from here on read the cut: abort must not keep them */
	note_lo_changed(a);
	ba_file_truncate(a->file, new_bytes);
	if (new_bytes % pagesize != 0)
		zero_page_range(a, new_bytes / pagesize, new_bytes % pagesize, pagesize);
	for (vm_pgoff_t p = first_gone; p < end; p++)
	{
		if (a->fileh.savepoint_depth == 0)
			fileh_invalidate_page(&a->fileh, p);
		else
		{
			CHECK_FOR_INTERRUPTS();
			zero_page_range(a, p, 0, pagesize);
		}
	}
}

void
ba_array_set_shape(BAArray *a, int ndim, const int64 *shape)
{
	int64		nelems = ba_shape_nelems(a->dtype, ndim, shape);
	int64		old_nelems = a->nelems;

	if (a->write_level == 0)
		elog(ERROR, "bigarray: array %u is not open for writing", a->loid);
	if (nelems < old_nelems)
		check_not_pinned(a);
	ensure_mapped(a, nelems);
	take_shape(a, ndim, shape, nelems);
	if (nelems < old_nelems)
		array_shrunk(a, old_nelems);
}

/* Forget an array entirely, with its pins and transaction state.  No ERROR. */
static void
array_evict(BAArray *a)
{
	for (int i = npins - 1; i >= 0; i--)
	{
		if (pins[i].array == a)
			pin_release(i);
	}
	forget_write(a);
	array_close(a);
}

void
ba_array_dropped(Oid loid)
{
	BAArray    *a;

	if (cache_arrays == NULL)
		return;
	a = hash_search(cache_arrays, &loid, HASH_FIND, NULL);
	if (a == NULL || a->dropped_level > 0)
		return;
	/* an open scan's pointers into the mapping must stay valid */
	check_not_pinned(a);
	if (a->write_level > 0)
	{
		a->dropped_level = GetCurrentTransactionNestLevel();
		ba_file_close(a->file);
	}
	else
		array_evict(a);	/* unchanged here: reloaded if it comes back */
}

/*
 * A page loaded from bytes the aborted subtransaction wrote.  Dirty pages
 * (put back by the handle's rollback) hold the right bytes, maybe the only
 * copy; a clean one keeps its undo records for the rollback of an
 * enclosing level.
 */
static void
drop_clean_page(void *arg, blk_t blk)
{
	BAArray    *a = arg;

	fileh_drop_clean_page(&a->fileh, blk);
}

static void
subxact_abort_files(int level, SubTransactionId subid)
{
	HASH_SEQ_STATUS seq;
	BAArray    *a;

	if (cache_arrays == NULL)
		return;
	hash_seq_init(&seq, cache_arrays);
	while ((a = hash_seq_search(&seq)) != NULL)
		ba_file_subxact_abort(a->file, level, subid, drop_clean_page, a);
}

/*
 * bigarray_cache_stats() -> TABLE(arrays, pages, dirty_pages, bytes,
 * peak_bytes): this backend's cache now.
 */
PG_FUNCTION_INFO_V1(bigarray_cache_stats);
Datum
bigarray_cache_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	struct ram_stats stats;
	Datum		values[5];
	bool		nulls[5] = {false};

	InitMaterializedSRF(fcinfo, 0);
	memset(&stats, 0, sizeof(stats));
	if (cache_ram != NULL)
		ram_get_stats(cache_ram, &stats);
	values[0] = Int64GetDatum(cache_arrays ? hash_get_num_entries(cache_arrays) : 0);
	values[1] = Int64GetDatum((int64) stats.npages);
	values[2] = Int64GetDatum((int64) stats.ndirty);
	values[3] = Int64GetDatum((int64) (stats.npages * stats.pagesize));
	values[4] = Int64GetDatum((int64) (stats.npages_peak * stats.pagesize));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* bigarray_cache_loads() -> int8: page loads (whole or in part) so far. */
PG_FUNCTION_INFO_V1(bigarray_cache_loads);
Datum
bigarray_cache_loads(PG_FUNCTION_ARGS)
{
	struct ram_stats stats;

	if (cache_ram == NULL)
		PG_RETURN_INT64(0);
	ram_get_stats(cache_ram, &stats);
	PG_RETURN_INT64((int64) stats.nloads);
}

/* ---- transactions ---- */

/*
 * The arrays locked for writing in this transaction: emptied at every end
 * (COMMIT, ABORT, PREPARE); an array first locked in a subtransaction
 * leaves it when that subtransaction aborts, since PostgreSQL releases the
 * lock with it.
 */
static BAArray **written = NULL;
static int	nwritten = 0;
static int	maxwritten = 0;

static void
shape_save(const BAArray *a, BAHeader *h)
{
	memset(h, 0, sizeof(BAHeader));
	h->ndim = a->ndim;
	h->nelems = a->nelems;
	memcpy(h->shape, a->shape, sizeof(h->shape));
}

static void
shape_restore(BAArray *a, const BAHeader *h)
{
	take_shape(a, h->ndim, h->shape, h->nelems);
}

/* Open one more undo level for the array, saving its shape. */
static void
push_level(BAArray *a)
{
	Size		size = (a->header_depth + 1) * sizeof(BAHeader);

	if (a->header_stack == NULL)
		a->header_stack = MemoryContextAlloc(ba_memory_context(), size);
	else
		a->header_stack = repalloc(a->header_stack, size);
	if (fileh_savepoint(&a->fileh) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for a savepoint of bigarray %u", a->loid)));
	shape_save(a, &a->header_stack[a->header_depth]);
	a->header_depth++;
}

static void
register_write(BAArray *a)
{
	int			level = GetCurrentTransactionNestLevel();

	written = ba_memory_reserve(written, &maxwritten, nwritten + 1,
								sizeof(BAArray *));
	written[nwritten++] = a;
	a->write_level = level;
	ba_file_set_latest(a->file, true);
	/* one level per open subtransaction, so later aborts line up */
	while (a->header_depth < level - 1)
		push_level(a);
}

static void
forget_write(BAArray *a)
{
	for (int i = nwritten - 1; i >= 0; i--)
	{
		if (written[i] == a)
		{
			memmove(&written[i], &written[i + 1],
					(nwritten - i - 1) * sizeof(BAArray *));
			nwritten--;
		}
	}
}

static bool
write_out_early(void)
{
	bool		any = false;

	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		if (a->fileh.ndirty == 0 || a->dropped_level > 0)
			continue;
		/* set first: a failed writeout may have stored some pages */
		note_lo_changed(a);
		if (fileh_dirty_writeout(&a->fileh,
								 WRITEOUT_STORE | WRITEOUT_MARKSTORED) != 0)
			ba_storage_rethrow();
		any = true;
	}
	return any;
}

/* Store the array's dirty pages and its new header; the pages become clean. */
static void
write_back(BAArray *a)
{
	uint64		version = U64FromFullTransactionId(GetTopFullTransactionId());

	/*
	 * An array restored from another cluster's dump carries a version from
	 * that cluster's xids, which this transaction's xid may equal: readers
	 * holding pages of that version would keep them.  Versions of an array
	 * must only grow.  (cached_version is the latest committed one: the
	 * write lock is held.)
	 */
	if (a->created_level == 0 && a->cached_version >= version)
		version = a->cached_version + 1;

	if (fileh_dirty_writeout(&a->fileh, WRITEOUT_STORE) != 0)
		ba_storage_rethrow();

	write_header(a, version);

	fileh_dirty_writeout(&a->fileh, WRITEOUT_MARKSTORED);
	/* the pages now hold what commits: an abort from here on drops them */
	note_lo_changed(a);
	a->cached_version = version;
}

static void
write_back_all(void)
{
	int			leaked = release_pins(InvalidSubTransactionId);

	if (leaked > 0)
		elog(WARNING, "bigarray: %d pins left at the end of the transaction",
			 leaked);
	if (nwritten == 0)
		return;
	/* reading a large object needs a snapshot; PRE_COMMIT has none active */
	PushActiveSnapshot(GetTransactionSnapshot());
	for (int i = nwritten - 1; i >= 0; i--)
	{
		/* unlinked in this transaction, by ba_drop() or lo_unlink() */
		if (written[i]->dropped_level > 0 ||
			!ba_storage_exists(written[i]->loid))
			array_evict(written[i]);
		else
			write_back(written[i]);
	}
	PopActiveSnapshot();
}

/* The transaction is over for the array: close every level it had. */
static void
end_xact_state(BAArray *a)
{
	while (a->header_depth > 0)
	{
		fileh_rollback_savepoint(&a->fileh);
		a->header_depth--;
	}
	a->write_level = 0;
	a->created_level = 0;
	a->dropped_level = 0;
	a->lo_changed = false;
	ba_file_set_latest(a->file, false);
	ba_file_set_track_loads(a->file, false);
	ba_file_end_xact(a->file);
}

static void
at_commit(void)
{
	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		if (a->fileh.ndirty != 0)
		{
			elog(WARNING, "bigarray: array %u changed after it was written back",
				 a->loid);
			fileh_dirty_discard(&a->fileh);
			fileh_invalidate(&a->fileh);
			a->validated_snapshot = 0;
		}
		end_xact_state(a);
	}
	nwritten = 0;
	snapshot_forget();
}

/* Nothing of the transaction's changes stays; no ERROR. */
static void
at_abort(void)
{
	release_pins(InvalidSubTransactionId);
	for (int i = nwritten - 1; i >= 0; i--)
	{
		BAArray    *a = written[i];
		bool		lo_changed = a->lo_changed;

		if (a->created_level > 0)
		{
			/* its large object is gone with the transaction */
			array_evict(a);
			continue;
		}
		end_xact_state(a);
		fileh_dirty_discard(&a->fileh);
		/*
		 * Clean pages loaded after the transaction changed the large object
		 * (early write-out, truncation) hold bytes now undone, under the
		 * version that stays current: they must not be served again.
		 */
		if (lo_changed)
			fileh_invalidate(&a->fileh);
		/* its shape may have changed: read the header again */
		a->validated_snapshot = 0;
	}
	nwritten = 0;
	snapshot_forget();
	ba_storage_forget_error();
}

/* The prepared transaction holds the changes now; another session decides. */
static void
at_prepare(void)
{
	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		end_xact_state(a);
		fileh_invalidate(&a->fileh);
		a->cached_version = 0;
		a->validated_snapshot = 0;
	}
	nwritten = 0;
	snapshot_forget();
}

static void
xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			write_back_all();
			break;
		case XACT_EVENT_COMMIT:
			at_commit();
			break;
		case XACT_EVENT_PREPARE:
			at_prepare();
			break;
		case XACT_EVENT_ABORT:
			at_abort();
			break;
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			/* arrays are not used in parallel workers */
			break;
	}
}

static void
at_subxact_commit(int level)
{
	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		if (a->header_depth == level - 1)
		{
			fileh_release_savepoint(&a->fileh);
			a->header_depth--;
		}
		/* PostgreSQL moves the lock and the created object to the parent */
		if (a->write_level == level)
			a->write_level = level - 1;
		if (a->created_level == level)
			a->created_level = level - 1;
		/* the unlink is the parent's now */
		if (a->dropped_level == level)
			a->dropped_level = level - 1;
		ba_file_subxact_commit(a->file, level);
	}
}

/* Put every array back as it was when the subtransaction began; no ERROR. */
static void
at_subxact_abort(int level, SubTransactionId subid)
{
	release_pins(subid);
	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		if (a->header_depth == level - 1)
		{
			fileh_rollback_savepoint(&a->fileh);
			a->header_depth--;
			shape_restore(a, &a->header_stack[a->header_depth]);
		}
		/* PostgreSQL undid the unlink: the array is back as it was */
		if (a->dropped_level >= level)
			a->dropped_level = 0;
	}
	/* what this transaction sees changed without a new snapshot */
	snapshot_forget();
	subxact_abort_files(level, subid);

	for (int i = nwritten - 1; i >= 0; i--)
	{
		BAArray    *a = written[i];

		if (a->created_level == level)
			array_evict(a);
		else if (a->write_level == level)
		{
			/*
			 * PostgreSQL released the lock taken in the subtransaction: the
			 * array is unwritten again, and its outer levels never held a
			 * change.
			 */
			while (a->header_depth > 0)
			{
				fileh_release_savepoint(&a->fileh);
				a->header_depth--;
			}
			a->write_level = 0;
			a->lo_changed = false;
			ba_file_set_latest(a->file, false);
			ba_file_set_track_loads(a->file, false);
			a->validated_snapshot = 0;
			forget_write(a);
		}
	}
}

static void
subxact_callback(SubXactEvent event, SubTransactionId mySubid,
				 SubTransactionId parentSubid, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();

	switch (event)
	{
		case SUBXACT_EVENT_START_SUB:
			for (int i = 0; i < nwritten; i++)
				push_level(written[i]);
			break;
		case SUBXACT_EVENT_COMMIT_SUB:
			at_subxact_commit(level);
			break;
		case SUBXACT_EVENT_ABORT_SUB:
			at_subxact_abort(level, mySubid);
			break;
		case SUBXACT_EVENT_PRE_COMMIT_SUB:
			break;
	}
}

static void
register_callbacks(void)
{
	RegisterXactCallback(xact_callback, NULL);
	RegisterSubXactCallback(subxact_callback, NULL);
}
