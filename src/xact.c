/*
 * xact.c - arrays and transactions.
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
 */
#include "bigarray.h"

#include "access/transam.h"
#include "access/xact.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

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
	ba_array_take_shape(a, h->ndim, h->shape, h->nelems);
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

void
ba_xact_register_write(BAArray *a)
{
	int			level = GetCurrentTransactionNestLevel();

	if (nwritten == maxwritten)
	{
		int			newmax = Max(16, 2 * maxwritten);

		if (written == NULL)
			written = MemoryContextAlloc(ba_memory_context(), newmax * sizeof(BAArray *));
		else
			written = repalloc(written, newmax * sizeof(BAArray *));
		maxwritten = newmax;
	}
	written[nwritten++] = a;
	a->write_level = level;
	ba_file_set_latest(a->file, true);
	/* one level per open subtransaction, so later aborts line up */
	while (a->header_depth < level - 1)
		push_level(a);
}

void
ba_xact_forget(BAArray *a)
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

bool
ba_xact_write_out_early(void)
{
	bool		any = false;

	for (int i = 0; i < nwritten; i++)
	{
		BAArray    *a = written[i];

		if (a->fileh.ndirty == 0 || a->dropped_level > 0)
			continue;
		/* set first: a failed writeout may have stored some pages */
		ba_array_lo_changed(a);
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

	ba_array_write_header(a, version);

	fileh_dirty_writeout(&a->fileh, WRITEOUT_MARKSTORED);
	/* the pages now hold what commits: an abort from here on drops them */
	ba_array_lo_changed(a);
	a->cached_version = version;
}

static void
write_back_all(void)
{
	int			leaked = ba_cache_release_pins(InvalidSubTransactionId);

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
			ba_cache_drop_array(written[i]);
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
	ba_snapshot_forget();
}

/* Nothing of the transaction's changes stays; no ERROR. */
static void
at_abort(void)
{
	ba_cache_release_pins(InvalidSubTransactionId);
	for (int i = nwritten - 1; i >= 0; i--)
	{
		BAArray    *a = written[i];
		bool		lo_changed = a->lo_changed;

		if (a->created_level > 0)
		{
			/* its large object is gone with the transaction */
			ba_cache_drop_array(a);
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
	ba_snapshot_forget();
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
	ba_snapshot_forget();
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
	ba_cache_release_pins(subid);
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
	ba_snapshot_forget();
	ba_cache_subxact_abort(level, subid);

	for (int i = nwritten - 1; i >= 0; i--)
	{
		BAArray    *a = written[i];

		if (a->created_level == level)
			ba_cache_drop_array(a);
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
			ba_xact_forget(a);
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

void
ba_xact_init(void)
{
	RegisterXactCallback(xact_callback, NULL);
	RegisterSubXactCallback(subxact_callback, NULL);
}
