/*
 * bigarray.h - the PostgreSQL side of bigarray: what all its files need
 * (storage.h adds the large-object layer for array.c and registry.c).
 *
 * An array lives in one large object: a header chunk (dtype, shape, version)
 * followed by the raw little-endian elements.  Each backend maps the arrays
 * it touches through virtmem (src/virtmem), loading pages from the large
 * object on demand and writing dirty pages back inside the committing
 * transaction.  The files, each calling only the ones listed after it:
 *
 *   bigarray.c  the module: _PG_init, the GUCs' definitions
 *   type.c      SQL: the bigarray type's I/O, create, from, agg, metadata
 *   subscript.c SQL: the subscripting handler (a[i][j], a[i:j], assignment)
 *   elements.c  SQL: get/set/slice/fill/append/resize/reshape/unnest/bytea,
 *               flat and by n-d index or box
 *   boxreduce.c SQL: sum/min/max/mean over a box or along an axis
 *   reduce.c    SQL: sum/min/max/mean/dot and their nan* forms
 *   parallel.c  reductions over large ranges in parallel workers
 *   reduction.c every reduction as a state fed by runs (reduction.h):
 *               below the SQL files and parallel.c, which both run them
 *   stats.c     SQL: var/stddev/argmin/argmax/histogram/quantile
 *   arith.c     SQL: add/sub/mul/div/scale/apply/clip, in place
 *   registry.c  ba_registry_create() (an array and its registry row), ba_drop(),
 *               bigarray_gc()
 *   access.c    element access: chunk and box iterators, reading and
 *               writing ranges and boxes of elements with conversion
 *   array.c     the array lifecycle: the backend's RAM and open arrays;
 *               open, validate against the snapshot, lock, create, shape,
 *               pins; the transitions at the ends of (sub)transactions
 *   storage.c   every large-object call: the array's large object as a
 *               BigFile, the on-disk header, create/unlink/exists/
 *               privileges, the write lock
 *   shape.c     checks of shapes, ranges and arguments; n-d indices,
 *               boxes and their runs
 *   dtype.c     element types and conversions
 *   textform.c  parsing the text form, with no PostgreSQL in it (textform.h)
 *   memory.c    the memory context of what outlives a transaction
 *
 * Names: a SQL entry point is named as its SQL function (ba_get,
 * bigarray_gc, ...), is declared with PG_FUNCTION_INFO_V1 in one of the
 * SQL files or registry.c, and is all the module exports (the Makefile's
 * version script).  Internal functions are named ba_<file>_<what> after
 * the file that defines them (ba_array_open in array.c, ba_access_read in
 * access.c, ba_storage_lock in storage.c, whose BAFile and header
 * functions are ba_file_* and ba_header_*).
 */
#ifndef BIGARRAY_H
#define BIGARRAY_H

#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/acl.h"
#include "utils/array.h"

#include "bigarray/virtmem.h"

/* ---- element types (dtype.c) ---- */

typedef enum BADtype
{
	BA_FLOAT8,
	BA_FLOAT4,
	BA_INT8,
	BA_INT4,
	BA_INT2,
} BADtype;

typedef struct BADtypeInfo
{
	BADtype		dtype;
	Oid			typoid;			/* FLOAT8OID, ... */
	const char *name;			/* "float8", ... */
	int			elsize;
	bool		is_integer;
} BADtypeInfo;

/* ERROR (22023, invalid_parameter_value) for a type bigarray cannot hold */
extern BADtype ba_dtype_from_typoid(Oid typoid);
extern const BADtypeInfo *ba_dtype_info(BADtype dtype);
/* by name ("float8", "double precision" ...); ERROR 22P02 if unknown */
extern BADtype ba_dtype_from_name(const char *name);

/*
 * Convert count elements of dtype from at src to dtype to at dst, as
 * PostgreSQL's casts do: floats round to the nearest integer, a value the
 * target cannot hold raises 22003.  src and dst overlap only if to == from.
 */
extern void ba_dtype_convert(BADtype to, void *dst, BADtype from, const void *src,
							 int64 count);

/* ---- limits of an array in its large object ---- */

#define BA_MAXDIM		16
#define BA_DATA_OFFSET	2048	/* LOBLKSIZE: elements start at chunk 1 */
/* bigarray.page_size is a power of two from 4kB up to this (GUC and virtmem) */
#define BA_MIN_PAGE_SIZE	4096
#define BA_MAX_PAGE_SIZE	(2 * 1024 * 1024)
/*
 * The largest element data a large object can take after the header: a
 * large object holds at most INT_MAX chunks of LOBLKSIZE (= BA_DATA_OFFSET)
 * bytes (MAX_LARGE_OBJECT_SIZE), and the last page must still be storable
 * whole.
 */
#define BA_MAX_DATA_BYTES \
	((int64) INT_MAX * BA_DATA_OFFSET - BA_DATA_OFFSET - BA_MAX_PAGE_SIZE)


/* ---- arrays open in this backend (array.c) ---- */

/* storage.h: the large object as a BigFile, and its header */
typedef struct BAFile BAFile;
typedef struct BAHeader BAHeader;

/*
 * An array as this backend sees it in the current transaction.  The SQL
 * layer reads dtype, elsize, ndim, shape and nelems; only array.c writes
 * any of it.
 *
 * Entries and their cached pages outlive transactions.  Why each piece of
 * state is right after every kind of transaction end (array.c makes the
 * transitions):
 *
 *  - dtype and elsize never change for an array.
 *  - shape (ndim, shape, nelems) is the one this transaction sees.  COMMIT
 *    wrote it into the header.  ABORT and PREPARE clear validated_snapshot,
 *    so the next ba_array_open() reads the header again; subtransaction abort puts
 *    back the shape saved when it began (header_stack).  On a standby each
 *    new snapshot generation reads the header again.
 *  - cached pages belong to cached_version.  Versions change only at
 *    commit (the header written at PRE_COMMIT carries a new one), so a
 *    reader whose snapshot shows another version drops its pages.  COMMIT
 *    leaves the pages holding what was stored under the new version.  ABORT
 *    drops dirty pages, and every page if the large object was changed in
 *    the transaction (lo_changed), leaving only pages loaded from committed
 *    bytes, whose version the header keeps.  Subtransaction abort rolls
 *    pages back through virtmem undo levels and drops pages loaded from
 *    bytes the subtransaction wrote (storage.c).  PREPARE drops every page
 *    and the version: the outcome is decided elsewhere.  A standby never
 *    writes; replayed commits come with new versions.
 */
typedef struct BAArray
{
	Oid			loid;			/* the large object: the array's identity */
	BADtype		dtype;
	int			elsize;
	int			ndim;
	int64		shape[BA_MAXDIM];
	int64		nelems;

	/* private to array.c */
	BAFile	   *file;
	BigFileH	fileh;
	VMA			vma;
	uint64		mapped_pages;	/* length of vma, in pages */
	uint64		cached_version; /* header version the pages belong to */

	/*
	 * validated_snapshot: the snapshot generation (snapshot_generation())
	 * under which the header was last read.  Generations are exact: a new
	 * one starts whenever the active snapshot differs in any field that
	 * decides visibility (on a standby the running xids are in subxip), at
	 * every subtransaction abort and at every transaction end, so an equal
	 * generation means the header read then is still the visible one.
	 * 0: read it at the next ba_array_open().
	 */
	uint64		validated_snapshot;
	/*
	 * Privileges checked for this user, under this generation, for these
	 * modes (BA_READ, BA_WRITE): a GRANT or REVOKE, committed here or
	 * replayed on a standby, counts from the next snapshot, as for lo_open.
	 */
	Oid			checked_user;
	uint64		checked_snapshot;
	int			checked_mode;
	/*
	 * The nest levels that hold the array's write lock and that created its
	 * large object, 0 = none / older: they follow PostgreSQL, which moves
	 * both to the parent at subtransaction commit, undoes both at
	 * subtransaction abort of that level, and ends both with the
	 * transaction (PREPARE hands them to the prepared transaction).
	 */
	int			write_level;
	int			created_level;
	/*
	 * Nest level whose ba_drop() unlinked it, 0 = none.  An array written in
	 * this transaction keeps its pages and shape while dropped, hidden from
	 * ba_array_open(), so that ROLLBACK TO SAVEPOINT gives it back as it was.
	 * Commit (and PREPARE) forget it: PRE_COMMIT writes nothing back for it.
	 */
	int			dropped_level;
	/*
	 * The transaction has changed the large object's bytes before its end
	 * (early write-out, truncation, write-back): pages loaded since may hold
	 * them, so an abort must drop every clean page, not only dirty ones.
	 */
	bool		lo_changed;
	/* the shape saved at each subtransaction opened since it was written */
	int			header_depth;
	BAHeader   *header_stack;
} BAArray;

/* Modes for ba_array_open() and pins. */
#define BA_READ		0x1
#define BA_WRITE	0x2

/*
 * Open an array for reading or writing in this transaction.
 *  - ERROR 42704 (undefined_object) if it does not exist (dropped), 22023
 *    (invalid_parameter_value) if the large object is not a bigarray.
 *  - READ checks SELECT on the large object (42501) and makes sure no page
 *    cached from an older version is served.
 *  - WRITE checks UPDATE (42501), refuses read-only transactions (25006),
 *    takes the array's write lock until the end of the transaction (a second
 *    writer waits), then proceeds on the latest committed contents (READ
 *    COMMITTED) or fails with 40001 if they changed since the snapshot
 *    (REPEATABLE READ and SERIALIZABLE).
 * The result stays valid until the end of the transaction.
 */
extern BAArray *ba_array_open(Oid loid, int mode);

/*
 * For the planner: the number of elements and element size of array loid
 * as the active snapshot sees it, if it exists, the user may read it and
 * there is an active snapshot; false otherwise, without an ERROR for those
 * cases (a large object that is not a bigarray still raises 22023, as
 * running the query would).
 */
extern bool ba_array_size_if_readable(Oid loid, int64 *nelems, int *elsize);

/* A new zero-filled array, open for writing (registry.c registers it). */
extern BAArray *ba_array_create(BADtype dtype, int ndim, const int64 *shape);

/*
 * Change the shape of an array open for writing.  Growing adds zeros;
 * shrinking truncates the stored elements.
 */
extern void ba_array_set_shape(BAArray *a, int ndim, const int64 *shape);

/*
 * Pins: elements [first, first + count) (0-based, within the array, at most
 * BA_CHUNK_ELEMS(a) of them) resident and mapped; for BA_WRITE also dirty.
 * Returns the address of element first.  ERRORs are safe while pinned:
 * (sub)transaction abort releases every pin.
 */
typedef struct BAPin
{
	BAArray    *array;
	vm_pgoff_t	first_page;
	vm_pgoff_t	npages;
} BAPin;

#define BA_CHUNK_BYTES		(1024 * 1024)
#define BA_CHUNK_ELEMS(a)	(BA_CHUNK_BYTES / (a)->elsize)

extern char *ba_array_pin(BAArray *a, int64 first, int64 count, int mode, BAPin *pin);
extern void ba_array_unpin(BAPin *pin);

/* Copy count elements from first into dst, as stored (no pin is left). */
extern void ba_array_read(BAArray *a, int64 first, int64 count, void *dst);

/*
 * ba_drop() is unlinking the array: forget it in this backend, or, if this
 * transaction has written it, hide it until the dropping (sub)transaction
 * ends (rolled back, it comes back as it was).
 */
extern void ba_array_dropped(Oid loid);

/* bigarray.cache_size's assign hook: apply a new size to the cache now. */
extern void ba_array_cache_resize(int size_kb);

/* _PG_init in a backend: an empty cache, ready before the first statement. */
extern void ba_array_cache_preload(void);

/* ---- registry (registry.c) ---- */

/*
 * A new zero-filled array, registered and open for writing: ba_array_create()
 * and its row in the registry.  Every SQL function makes arrays with this.
 */
extern BAArray *ba_registry_create(BADtype dtype, int ndim, const int64 *shape);

/* ---- shapes, ranges and arguments (shape.c) ---- */

/*
 * The number of elements of a shape, checked: at least one and at most
 * BA_MAXDIM dimensions, none negative (22023), and the product must fit a
 * large object (54000).
 */
extern int64 ba_shape_nelems(BADtype dtype, int ndim, const int64 *shape);

/* A shape as ba_shape() prints it, "{3,4}", palloc'd: for messages. */
extern char *ba_shape_text(int ndim, const int64 *shape);

/* ERROR 22004 naming the first NULL argument, for non-strict functions. */
extern void ba_shape_args_not_null(FunctionCallInfo fcinfo);

/*
 * The 1-based inclusive range lo..hi of a as 0-based first and count.
 * lo > hi is an empty range; otherwise both must be within 1..nelems
 * (2202E).
 */
extern void ba_shape_range(const BAArray *a, int64 lo, int64 hi,
						   int64 *first, int64 *count);

/*
 * The elements of a native array, flattened in storage order: ERROR 22004
 * if one is NULL, 22023 if their type is not a bigarray dtype.
 */
extern const char *ba_shape_native(ArrayType *v, BADtype *dtype,
								   int64 *count);

/* ---- n-d indices and boxes (shape.c) ---- */

/*
 * A box of an array: on each axis the first index (0-based) and the extent,
 * at least 1.  Indices in SQL are 1-based and boxes inclusive; shape.c
 * turns them into this after checking them against the array's shape.
 */
typedef struct BABox
{
	int			ndim;
	int64		first[BA_MAXDIM];
	int64		len[BA_MAXDIM];
} BABox;

/*
 * The values of an int8[] argument named what ("index", "lo", ...): at most
 * BA_MAXDIM, none NULL (22004), one-dimensional (2202E).  Returns how many.
 */
extern int	ba_shape_int8_args(ArrayType *arr, const char *what, int64 *values);

/*
 * The flat 0-based offset, in C order, of the element at the 1-based index
 * idx[0..n-1] of an array of that shape: n must equal ndim and each index
 * be within its axis (2202E, naming the axis).
 */
extern int64 ba_shape_offset(int ndim, const int64 *shape, int n, const int64 *idx);

/*
 * The box lo..hi (1-based, inclusive, one entry per axis) of an array of
 * that shape: as many entries as axes, within each axis, lo <= hi (2202E,
 * naming the axis).
 */
extern void ba_shape_box(int ndim, const int64 *shape, int nlo, const int64 *lo,
						 int nhi, const int64 *hi, BABox *box);

/* The number of elements of a box. */
extern int64 ba_shape_box_nelems(const BABox *box);

/*
 * A box as maximal runs of consecutive flat elements, in C order: the axes
 * after the innermost one the box does not cover whole are contiguous, so
 * each run covers them and that axis's extent; the outer axes count runs.
 * A box that covers every axis whole is one run.
 */
typedef struct BARuns
{
	int			ndim;			/* axes that count runs: before the run's */
	int64		len[BA_MAXDIM];	/* the box's extent on those axes */
	int64		stride[BA_MAXDIM];	/* flat elements per step of each axis */
	int64		pos[BA_MAXDIM]; /* the next run's index, relative to first */
	int64		run_first;		/* flat offset of the first run */
	int64		run_len;		/* elements per run */
	int64		runs_left;
} BARuns;

extern void ba_shape_runs_init(BARuns *runs, int ndim, const int64 *shape,
							   const BABox *box);
/* The next run as 0-based flat first and count; false when there is none. */
extern bool ba_shape_runs_next(BARuns *runs, int64 *first, int64 *count);

/* ---- element access (access.c) ---- */

/*
 * Chunk iterator over elements [first, first + count): each ba_access_iter_next()
 * unpins the previous chunk, checks for interrupts, and pins the next one of
 * at most chunk_elems elements (pass the same chunk_elems to walk two
 * arrays in step).  Returns false when done.
 */
typedef struct BAIter
{
	BAArray    *array;
	int			mode;
	int64		next;			/* first element of the next chunk */
	int64		end;
	int64		chunk_elems;
	/* the current chunk */
	char	   *ptr;
	int64		first;
	int64		count;
	BAPin		pin;
	bool		pinned;
} BAIter;

extern void ba_access_iter_init(BAIter *it, BAArray *a, int64 first, int64 count,
								int mode, int64 chunk_elems);
extern bool ba_access_iter_next(BAIter *it);
extern void ba_access_iter_end(BAIter *it);

/* Elements [first, first + count) of a, converted to dtype to, into dst. */
extern void ba_access_read(BAArray *a, int64 first, int64 count,
						   BADtype to, void *dst);

/* count elements of dtype from at src, converted, into a from first on. */
extern void ba_access_write(BAArray *a, int64 first, BADtype from,
							const void *src, int64 count);

/*
 * Box iterator: each ba_access_box_next() gives the next piece of the box's
 * runs, pinned: ptr and count, and box_offset, the number of the box's
 * elements (C order) before it.  Runs closer together than the smallest
 * page size share one pin (no page lies wholly in the gap between them, so
 * it pins no page the box does not cover); a run longer than a chunk comes
 * in chunk-sized pieces.  Interrupts are checked at every new pin.
 */
typedef struct BABoxIter
{
	BAArray    *array;
	int			mode;
	BARuns		runs;
	int64		run_next;		/* the rest of the current run */
	int64		run_left;
	int64		box_offset;
	/* the current piece: count elements at ptr, flat offset first */
	char	   *ptr;
	int64		first;
	int64		count;
	/* the pinned window: elements [window_first, window_end) */
	int64		window_first;
	int64		window_end;
	char	   *window_ptr;
	BAPin		pin;
	bool		pinned;
} BABoxIter;

extern void ba_access_box_init(BABoxIter *it, BAArray *a, const BABox *box,
							   int mode);
extern bool ba_access_box_next(BABoxIter *it);
extern void ba_access_box_end(BABoxIter *it);

/* The elements of a box, converted to dtype to, into dst in C order. */
extern void ba_access_box_read(BAArray *a, const BABox *box, BADtype to,
							   void *dst);

/* A box's elements from src (C order, dtype from), converted, into a. */
extern void ba_access_box_write(BAArray *a, const BABox *box, BADtype from,
								const void *src);

/* ---- boxes as SQL values (elements.c), for subscript.c ---- */

/* A box as a native n-d array of dtype to (54000 beyond native limits). */
extern ArrayType *ba_elements_box_slice(BAArray *a, const BABox *box, BADtype to);
/* Write v into the box: v's dimensions must be the box's (2202E). */
extern void ba_elements_box_set(BAArray *a, const BABox *box, ArrayType *v);

/* ---- memory (memory.c) and GUCs (array.c, defined in bigarray.c) ---- */

/* "bigarray", under TopMemoryContext: everything kept across transactions */
extern MemoryContext ba_memory_context(void);
/* a growable array kept in that context, with room for needed elements */
extern void *ba_memory_reserve(void *array, int *capacity, int needed,
							   Size elsize);

extern int	ba_cache_size_kb;	/* bigarray.cache_size */
extern int	ba_page_size_kb;	/* bigarray.page_size */
extern int	ba_parallel_min_size_kb;	/* bigarray.parallel_min_size */

#endif							/* BIGARRAY_H */
