/*
 * storage.c - a large object as a virtmem BigFile, and the array header.
 *
 * Block b of an array is large object bytes [BA_DATA_OFFSET + b * P,
 * BA_DATA_OFFSET + (b + 1) * P), P the page size; the header is at offset 0.
 * The large object is reached only through be-fsstubs (be_lo_open, lo_read,
 * lo_write, ...), so PostgreSQL's end-of-(sub)transaction clean-up of
 * descriptors stays right.  That clean-up also means a descriptor is good
 * only in the transaction that opened it, and not after the subtransaction
 * that opened it aborts: both are tracked here and descriptors are reopened
 * when needed.
 *
 * loadblk and storeblk run inside virtmem, which an ERROR must never unwind:
 * they catch it, keep a copy, and fail; the caller re-throws it with
 * ba_storage_rethrow() once virtmem has returned.
 */
#include "bigarray.h"
#include "storage.h"

#include "access/xact.h"
#include "catalog/pg_largeobject.h"
#include "common/int.h"
#include "libpq/be-fsstubs.h"
#include "libpq/libpq-fs.h"
#include "storage/large_object.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#ifdef WORDS_BIGENDIAN
#error "bigarray stores little-endian data as it is in memory"
#endif

StaticAssertDecl(BA_DATA_OFFSET == LOBLKSIZE,
				 "element data must start at a large object chunk");
StaticAssertDecl(sizeof(BAHeader) <= BA_DATA_OFFSET,
				 "the header must fit before the elements");

/*
 * A large-object descriptor and where PostgreSQL will close it: at the end
 * of the transaction that opened it (commit, abort or PREPARE alike), or
 * at the abort of the subtransaction that opened it.  Both are recorded so
 * that a closed descriptor is never used; it is reopened instead.
 */
typedef struct BADescriptor
{
	int			fd;				/* -1: none */
	LocalTransactionId lxid;	/* closed at the end of this transaction */
	SubTransactionId subid;		/* closed if this subtransaction aborts */
} BADescriptor;

/*
 * A block loaded at a nest level after the transaction changed the large
 * object (BAArray.lo_changed): if that level aborts, the block's bytes in
 * the large object may go back to older ones, and the page must be loaded
 * again.  Moved to the parent at subtransaction commit; forgotten at the
 * transaction's end, where lo_changed makes abort drop every page.
 */
typedef struct BALoadedBlock
{
	blk_t		blk;
	int			level;
} BALoadedBlock;

struct BAFile
{
	BigFile		file;			/* first: virtmem hands this back */
	Oid			loid;
	int64		data_bytes;		/* element bytes: blocks end there */
	bool		latest;			/* read the latest data (write-locked) */
	bool		track_loads;	/* remember blocks loaded in subtransactions */
	BADescriptor rd;			/* INV_READ, under the snapshot it was opened in */
	BADescriptor wr;			/* INV_READ | INV_WRITE: latest data */
	BALoadedBlock *loaded;
	int			nloaded;
	int			maxloaded;
};

/*
 * The error caught in loadblk/storeblk, waiting to be re-thrown; cleared
 * when it is, and at abort (an ERROR may have ended the transaction first).
 */
static ErrorData *pending_error = NULL;
static MemoryContext pending_error_cxt = NULL;

/* What the large object holds where storeblk is about to write. */
static char *compare_buf = NULL;
static size_t compare_buf_size = 0;

static int	ba_file_loadblk(BigFile *bf, blk_t blk, void *buf);
static int	ba_file_loadblk_part(BigFile *bf, blk_t blk, size_t off, size_t len,
								 void *buf);
static int	ba_file_storeblk(BigFile *bf, blk_t blk, const void *buf);

static const struct bigfile_ops ba_file_ops = {
	.loadblk = ba_file_loadblk,
	.loadblk_part = ba_file_loadblk_part,
	.storeblk = ba_file_storeblk,
	.release = NULL,
};

static bool
descriptor_valid(const BADescriptor *d)
{
	return d->fd >= 0 && d->lxid == MyProc->lxid;
}

static void
descriptor_open(BADescriptor *d, Oid loid, int mode)
{
	d->fd = -1;
	d->fd = DatumGetInt32(DirectFunctionCall2(be_lo_open,
											  ObjectIdGetDatum(loid),
											  Int32GetDatum(mode)));
	d->lxid = MyProc->lxid;
	d->subid = GetCurrentSubTransactionId();
}

static void
descriptor_close(BADescriptor *d)
{
	int			fd = d->fd;

	if (!descriptor_valid(d))
		return;
	d->fd = -1;
	DirectFunctionCall1(be_lo_close, Int32GetDatum(fd));
}

/* Read up to len bytes at offset off; returns how many the object had. */
static int
descriptor_pread(const BADescriptor *d, char *buf, int len, int64 off)
{
	DirectFunctionCall3(be_lo_lseek64, Int32GetDatum(d->fd),
						Int64GetDatum(off), Int32GetDatum(SEEK_SET));
	return lo_read(d->fd, buf, len);
}

/* Write len bytes at offset off (lo_write writes all or raises ERROR). */
static void
descriptor_pwrite(const BADescriptor *d, const char *buf, int len, int64 off)
{
	DirectFunctionCall3(be_lo_lseek64, Int32GetDatum(d->fd),
						Int64GetDatum(off), Int32GetDatum(SEEK_SET));
	(void) lo_write(d->fd, buf, len);
}

BAFile *
ba_file_new(Oid loid, size_t blksize)
{
	BAFile	   *file = MemoryContextAllocZero(ba_memory_context(), sizeof(BAFile));

	file->file.file_ops = &ba_file_ops;
	file->file.blksize = blksize;
	file->loid = loid;
	file->rd.fd = -1;
	file->wr.fd = -1;
	return file;
}

void
ba_file_free(BAFile *file)
{
	if (file->loaded != NULL)
		pfree(file->loaded);
	pfree(file);
}

void
ba_file_set_data_bytes(BAFile *file, int64 nbytes)
{
	file->data_bytes = nbytes;
}

void
ba_file_set_latest(BAFile *file, bool latest)
{
	file->latest = latest;
}

void
ba_file_set_track_loads(BAFile *file, bool track)
{
	file->track_loads = track;
}

void
ba_file_close(BAFile *file)
{
	descriptor_close(&file->rd);
	descriptor_close(&file->wr);
}

void
ba_file_open_read(BAFile *file)
{
	/* a read descriptor reads under the active snapshot: there must be one */
	if (!ActiveSnapshotSet())
		elog(ERROR, "bigarray: no active snapshot to read large object %u",
			 file->loid);
	descriptor_close(&file->rd);
	descriptor_open(&file->rd, file->loid, INV_READ);
}

void
ba_file_open_write(BAFile *file)
{
	if (!descriptor_valid(&file->wr))
		descriptor_open(&file->wr, file->loid, INV_READ | INV_WRITE);
}

/*
 * The descriptor to read pages and headers through: the write one for an
 * array locked for writing (its own writes included), else the one opened
 * under the snapshot.  Either is reopened if PostgreSQL has closed it.
 */
static const BADescriptor *
read_descriptor(BAFile *file, bool latest)
{
	if (latest || file->latest)
	{
		ba_file_open_write(file);
		return &file->wr;
	}
	if (!descriptor_valid(&file->rd))
		ba_file_open_read(file);
	return &file->rd;
}

static const BADtypeInfo *
header_dtype(uint32 typoid)
{
	for (int d = BA_FLOAT8; d <= BA_INT2; d++)
	{
		const BADtypeInfo *info = ba_dtype_info((BADtype) d);

		if (info->typoid == typoid)
			return info;
	}
	return NULL;
}

static void
header_check(Oid loid, const BAHeader *hdr)
{
	const BADtypeInfo *info;
	int64		nelems = 1;
	bool		sane;

	if (memcmp(hdr->magic, "BIGARRAY", sizeof(hdr->magic)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("large object %u is not a bigarray", loid)));

	info = header_dtype(hdr->dtype_oid);
	sane = hdr->format == BA_FORMAT && info != NULL &&
		hdr->ndim >= 1 && hdr->ndim <= BA_MAXDIM && hdr->nelems >= 0;
	for (uint32 i = 0; sane && i < hdr->ndim; i++)
	{
		sane = hdr->shape[i] >= 0 &&
			!pg_mul_s64_overflow(nelems, hdr->shape[i], &nelems);
	}
	if (sane)
		sane = nelems == hdr->nelems &&
			nelems <= BA_MAX_DATA_BYTES / info->elsize;
	if (!sane)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("bigarray header of large object %u is corrupted", loid)));
}

bool
ba_file_read_header(BAFile *file, bool latest, BAHeader *hdr)
{
	const BADescriptor *d = read_descriptor(file, latest);
	int			n;

	memset(hdr, 0, sizeof(BAHeader));
	n = descriptor_pread(d, (char *) hdr, sizeof(BAHeader), 0);
	if (n == 0)
		return false;
	header_check(file->loid, hdr);
	return true;
}

void
ba_header_init(BAHeader *hdr, BADtype dtype, int ndim, const int64 *shape,
			   int64 nelems, uint64 version)
{
	memset(hdr, 0, sizeof(BAHeader));
	memcpy(hdr->magic, "BIGARRAY", sizeof(hdr->magic));
	hdr->format = BA_FORMAT;
	hdr->dtype_oid = ba_dtype_info(dtype)->typoid;
	hdr->ndim = ndim;
	hdr->version = version;
	hdr->nelems = nelems;
	memcpy(hdr->shape, shape, ndim * sizeof(int64));
}

void
ba_file_write_header(BAFile *file, const BAHeader *hdr)
{
	ba_file_open_write(file);
	descriptor_pwrite(&file->wr, (const char *) hdr, sizeof(BAHeader), 0);
}

void
ba_file_truncate(BAFile *file, int64 nbytes)
{
	int64		size;

	ba_file_open_write(file);
	size = DatumGetInt64(DirectFunctionCall3(be_lo_lseek64,
											 Int32GetDatum(file->wr.fd),
											 Int64GetDatum(0),
											 Int32GetDatum(SEEK_END)));
	/* truncating to a larger size would write: unwritten ranges read zero */
	if (size > BA_DATA_OFFSET + nbytes)
		DirectFunctionCall2(be_lo_truncate64, Int32GetDatum(file->wr.fd),
							Int64GetDatum(BA_DATA_OFFSET + nbytes));
}

/* ---- element bytes read directly, for parallel workers ---- */

int
ba_storage_open_elements(Oid loid)
{
	return DatumGetInt32(DirectFunctionCall2(be_lo_open, ObjectIdGetDatum(loid),
											 Int32GetDatum(INV_READ)));
}

void
ba_storage_read_elements(int fd, int64 offset, char *buf, int len)
{
	BADescriptor d = {.fd = fd};
	int			n = descriptor_pread(&d, buf, len, BA_DATA_OFFSET + offset);

	/* unwritten ranges of a large object read as zeros */
	memset(buf + n, 0, len - n);
}

void
ba_storage_close_elements(int fd)
{
	DirectFunctionCall1(be_lo_close, Int32GetDatum(fd));
}

/* ---- large objects as a whole ---- */

Oid
ba_storage_create(void)
{
	return DatumGetObjectId(DirectFunctionCall1(be_lo_create,
												ObjectIdGetDatum(InvalidOid)));
}

void
ba_storage_unlink(Oid loid)
{
	DirectFunctionCall1(be_lo_unlink, ObjectIdGetDatum(loid));
}

bool
ba_storage_exists(Oid loid)
{
	return LargeObjectExists(loid);
}

/*
 * The array's write lock: on the large object, as lo_put's row locks would
 * not serialise whole-page writes.  Held to the end of the transaction.
 */
void
ba_storage_lock(Oid loid)
{
	LockDatabaseObject(LargeObjectRelationId, loid, 0, ExclusiveLock);
}

bool
ba_storage_may(Oid loid, Oid user, AclMode mode)
{
	return pg_largeobject_aclcheck_snapshot(loid, user, mode, NULL) == ACLCHECK_OK;
}

bool
ba_storage_owned_by(Oid loid, Oid user)
{
	return pg_largeobject_ownercheck(loid, user);
}

/* Keep the error being handled for ba_storage_rethrow(); clear it. */
static void
keep_error(MemoryContext caller_cxt)
{
	if (pending_error_cxt == NULL)
		pending_error_cxt = AllocSetContextCreate(ba_memory_context(),
												  "bigarray storage error",
												  ALLOCSET_SMALL_SIZES);
	MemoryContextReset(pending_error_cxt);
	MemoryContextSwitchTo(pending_error_cxt);
	pending_error = CopyErrorData();
	FlushErrorState();
	MemoryContextSwitchTo(caller_cxt);
}

void
ba_storage_rethrow(void)
{
	ErrorData  *edata = pending_error;

	if (edata == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_IO_ERROR),
				 errmsg("bigarray storage failed")));
	pending_error = NULL;
	ReThrowError(edata);
}

void
ba_storage_forget_error(void)
{
	pending_error = NULL;
	if (pending_error_cxt != NULL)
		MemoryContextReset(pending_error_cxt);
}

/* Bytes of block blk that hold elements, from its offset in the data. */
static int
block_extent(BAFile *file, blk_t blk, int64 *offset)
{
	int64		start = (int64) blk * (int64) file->file.blksize;
	int64		end = file->data_bytes;

	*offset = start;
	if (start >= end)
		return 0;
	return (int) Min((int64) file->file.blksize, end - start);
}

static void
remember_loaded_block(BAFile *file, blk_t blk, int level)
{
	file->loaded = ba_memory_reserve(file->loaded, &file->maxloaded,
									 file->nloaded + 1, sizeof(BALoadedBlock));
	file->loaded[file->nloaded].blk = blk;
	file->loaded[file->nloaded].level = level;
	file->nloaded++;
}

/*
 * Load bytes [off, off + len) of block blk into buf (len bytes, zeroed by
 * virtmem): a whole block, or the parts of one a small read pin needs,
 * which cost only the large-object chunks they span.
 */
static void
load_block(BAFile *file, blk_t blk, size_t off, size_t len, char *buf)
{
	int64		offset;
	int			extent = block_extent(file, blk, &offset);
	int			level = GetCurrentTransactionNestLevel();

	if ((int64) off < extent)
		(void) descriptor_pread(read_descriptor(file, false), buf,
								(int) Min((int64) len, extent - (int64) off),
								BA_DATA_OFFSET + offset + off);

	/* see BALoadedBlock: only a subtransaction's abort can need it */
	if (file->track_loads && level > 1)
		remember_loaded_block(file, blk, level);
}

/*
 * Store the LOBLKSIZE chunks of the block that differ from what the large
 * object holds: a one-element change then writes (and WAL-logs) one chunk,
 * not the whole page.  Nothing past the array's end is ever written.
 */
static void
store_block(BAFile *file, blk_t blk, const char *buf)
{
	int64		offset;
	int			len = block_extent(file, blk, &offset);
	int			n;
	int			run_start = -1;

	if (len == 0)
		return;
	ba_file_open_write(file);
	if (compare_buf_size < file->file.blksize)
	{
		if (compare_buf != NULL)
			pfree(compare_buf);
		compare_buf = NULL;
		compare_buf_size = 0;
		compare_buf = MemoryContextAlloc(ba_memory_context(), file->file.blksize);
		compare_buf_size = file->file.blksize;
	}
	n = descriptor_pread(&file->wr, compare_buf, len, BA_DATA_OFFSET + offset);
	memset(compare_buf + n, 0, len - n);

	/* one step past the last chunk, to write out a run ending there */
	for (int pos = 0; pos < len + LOBLKSIZE; pos += LOBLKSIZE)
	{
		bool		differs = false;

		if (pos < len)
			differs = memcmp(buf + pos, compare_buf + pos,
							 Min(LOBLKSIZE, len - pos)) != 0;
		if (differs && run_start < 0)
			run_start = pos;
		else if (!differs && run_start >= 0)
		{
			int			run_end = Min(pos, len);

			descriptor_pwrite(&file->wr, buf + run_start, run_end - run_start,
							  BA_DATA_OFFSET + offset + run_start);
			run_start = -1;
		}
	}
}

/*
 * Load or store a block for virtmem, which an ERROR must never unwind: keep
 * the error for ba_storage_rethrow() and report failure instead.
 */
static int
transfer_block(BigFile *bf, blk_t blk, size_t off, size_t len, char *buf,
			   bool store)
{
	BAFile	   *file = (BAFile *) bf;
	MemoryContext cxt = CurrentMemoryContext;
	volatile int rc = 0;

	/* after a failure nothing may run until the error is re-thrown */
	if (pending_error != NULL)
		return -1;
	PG_TRY();
	{
		if (store)
			store_block(file, blk, buf);
		else
			load_block(file, blk, off, len, buf);
	}
	PG_CATCH();
	{
		keep_error(cxt);
		rc = -1;
	}
	PG_END_TRY();
	return rc;
}

static int
ba_file_loadblk(BigFile *bf, blk_t blk, void *buf)
{
	return transfer_block(bf, blk, 0, bf->blksize, buf, false);
}

static int
ba_file_loadblk_part(BigFile *bf, blk_t blk, size_t off, size_t len, void *buf)
{
	return transfer_block(bf, blk, off, len, buf, false);
}

static int
ba_file_storeblk(BigFile *bf, blk_t blk, const void *buf)
{
	/* store_block only reads buf */
	return transfer_block(bf, blk, 0, bf->blksize, unconstify(void *, buf), true);
}

void
ba_file_subxact_commit(BAFile *file, int level)
{
	for (int i = 0; i < file->nloaded; i++)
	{
		if (file->loaded[i].level == level)
			file->loaded[i].level = level - 1;
	}
}

/*
 * Subtransaction abort (no ERROR here): PostgreSQL closed the descriptors
 * opened in it or in its children (their SubTransactionIds are the later
 * ones), and the large object's bytes written in it are undone, so pages
 * loaded in it from such bytes go.  Runs after the handle's rollback.
 */
void
ba_file_subxact_abort(BAFile *file, int level, SubTransactionId subid,
					  void (*drop_page) (void *arg, blk_t blk), void *arg)
{
	int			kept = 0;

	if (file->rd.fd >= 0 && file->rd.subid >= subid)
		file->rd.fd = -1;
	if (file->wr.fd >= 0 && file->wr.subid >= subid)
		file->wr.fd = -1;

	for (int i = 0; i < file->nloaded; i++)
	{
		if (file->loaded[i].level >= level)
			drop_page(arg, file->loaded[i].blk);
		else
			file->loaded[kept++] = file->loaded[i];
	}
	file->nloaded = kept;
}

void
ba_file_end_xact(BAFile *file)
{
	file->nloaded = 0;
}
