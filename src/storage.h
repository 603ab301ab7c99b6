/*
 * storage.h - the large object behind an array (storage.c), for the files
 * that work with it directly: array.c and registry.c.  Everything else
 * reaches storage through the array layer (bigarray.h).
 */
#ifndef BIGARRAY_STORAGE_H
#define BIGARRAY_STORAGE_H

#include "bigarray.h"

/* The header, stored little-endian at offset 0 of the large object. */
typedef struct BAHeader
{
	char		magic[8];		/* "BIGARRAY" */
	uint32		format;			/* BA_FORMAT */
	uint32		dtype_oid;
	uint32		ndim;
	uint32		reserved;
	uint64		version;		/* changed by every commit that changes it:
								 * the full xid of that transaction, so a
								 * reused oid never repeats a version; one
								 * more than the previous version if that
								 * is not older (restored from another
								 * cluster), so versions only grow */
	int64		nelems;
	int64		shape[BA_MAXDIM];
} BAHeader;

#define BA_FORMAT		1

/*
 * Every large-object call of the extension is in storage.c: the array's
 * pages and header through a BAFile, and the large object as a whole
 * (create, unlink, exists, privileges, the write lock) by oid.
 */
extern Oid	ba_storage_create(void);
extern void ba_storage_unlink(Oid loid);
extern bool ba_storage_exists(Oid loid);

/*
 * For parallel workers, which have no page cache: element bytes read
 * straight from the large object under the active snapshot (opening checks
 * SELECT).  A range past the stored data reads as zeros.
 */
extern int	ba_storage_open_elements(Oid loid);
extern void ba_storage_read_elements(int fd, int64 offset, char *buf, int len);
extern void ba_storage_close_elements(int fd);
/* take the array's write lock, held to the end of the transaction */
extern void ba_storage_lock(Oid loid);
/* whether user holds the privilege (ACL_SELECT, ACL_UPDATE), or owns it */
extern bool ba_storage_may(Oid loid, Oid user, AclMode mode);
extern bool ba_storage_owned_by(Oid loid, Oid user);

/*
 * The large object as a virtmem BigFile: struct BigFile is its first member,
 * so (BigFile *) file is what virtmem is given.  Descriptors are opened
 * lazily and reopened when PostgreSQL has closed them (end of transaction,
 * abort of the subtransaction that opened them).  Pages and headers are read
 * through the descriptor opened under the snapshot, or, once the caller has
 * set "latest" (the array is locked for writing), through the one opened for
 * writing (latest committed data plus this transaction's writes).  Blocks
 * end at data_bytes: past it they read as zeros and nothing is stored.  An
 * ERROR inside loadblk/storeblk is kept, and re-thrown by
 * ba_storage_rethrow() once virtmem has returned.
 */
extern BAFile *ba_file_new(Oid loid, size_t blksize);
extern void ba_file_free(BAFile *file);
extern void ba_file_set_data_bytes(BAFile *file, int64 nbytes);
extern void ba_file_set_latest(BAFile *file, bool latest);
/* remember blocks loaded in subtransactions, for ba_file_subxact_abort() */
extern void ba_file_set_track_loads(BAFile *file, bool track);
/* close its descriptors now (lo_unlink would close them under us) */
extern void ba_file_close(BAFile *file);
/* (re)open the read descriptor under the active snapshot */
extern void ba_file_open_read(BAFile *file);
/* open the write descriptor unless open: checks UPDATE (42501), 25006 */
extern void ba_file_open_write(BAFile *file);
/* false if the large object is empty; ERROR 22023/XX001 if not a bigarray */
extern bool ba_file_read_header(BAFile *file, bool latest, BAHeader *hdr);
extern void ba_header_init(BAHeader *hdr, BADtype dtype, int ndim,
						   const int64 *shape, int64 nelems, uint64 version);
extern void ba_file_write_header(BAFile *file, const BAHeader *hdr);
/* cut the stored elements to nbytes bytes */
extern void ba_file_truncate(BAFile *file, int64 nbytes);
/*
 * Subtransaction end at nest level: descriptors opened in it are gone, and
 * drop_page is called for each block loaded in it while loads were tracked.
 */
extern void ba_file_subxact_commit(BAFile *file, int level);
extern void ba_file_subxact_abort(BAFile *file, int level,
								  SubTransactionId subid,
								  void (*drop_page) (void *arg, blk_t blk),
								  void *arg);
extern void ba_file_end_xact(BAFile *file);
extern void ba_storage_rethrow(void) pg_attribute_noreturn();
extern void ba_storage_forget_error(void);

#endif							/* BIGARRAY_STORAGE_H */
