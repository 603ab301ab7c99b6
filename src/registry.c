/*
 * registry.c - the table of live arrays; ba_drop() and bigarray_gc().
 *
 * Every array is a row of <extension schema>.bigarray_objects: its oid
 * column is what keeps vacuumlo from deleting the array's large object, and
 * pg_dump dumps the rows with the extension.  Users may only read the table
 * (it belongs to the extension's owner), so rows are added and removed as
 * that owner, by one fixed statement each, immune to the caller's
 * search_path.
 *
 * bigarray_gc() drops the registered arrays that no row refers to.  It
 * finds references in C, without SPI: every column whose type holds a
 * bigarray at any depth (domains, arrays, composites, ranges, multiranges)
 * is read straight from the heap and every value walked, so no operator,
 * function or cast of anyone's is ever run.
 */
#include "bigarray.h"
#include "storage.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/large_object.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/multirangetypes.h"
#include "utils/rangetypes.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

typedef struct ExtensionInfo
{
	Oid			schema;			/* the extension's schema */
	Oid			owner;			/* the extension's owner */
} ExtensionInfo;

/* Where the extension lives and who owns it (pg_extension, by name). */
static void
extension_info(ExtensionInfo *ext)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Form_pg_extension form;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("bigarray"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"bigarray\" is not installed")));
	form = (Form_pg_extension) GETSTRUCT(tuple);
	ext->schema = form->extnamespace;
	ext->owner = form->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * Run one statement on the registry with $1 = loid, as the extension's
 * owner: writing the table is the one right the caller lacks.  As VACUUM
 * and REFRESH MATERIALIZED VIEW do, the switch is a restricted operation
 * with search_path pinned to pg_catalog (the statement names everything
 * with its schema anyway).  An ERROR needs no clean-up here: (sub)transaction
 * abort restores the user, security context and GUC nest level.
 */
static void
registry_execute(const char *format, Oid loid)
{
	ExtensionInfo ext;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	Oid			argtype = OIDOID;
	Datum		arg = ObjectIdGetDatum(loid);
	char	   *table;
	int			rc;

	extension_info(&ext);
	table = quote_qualified_identifier(get_namespace_name(ext.schema),
									   "bigarray_objects");
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(ext.owner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	SPI_connect();
	rc = SPI_execute_with_args(psprintf(format, table),
							   1, &argtype, &arg, NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "bigarray: registry update failed: %s",
			 SPI_result_code_string(rc));
	SPI_finish();
	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * A new zero-filled array, registered (so that vacuumlo and pg_dump keep it)
 * and open for writing: how every SQL function makes one.
 */
BAArray *
ba_registry_create(BADtype dtype, int ndim, const int64 *shape)
{
	BAArray    *a = ba_array_create(dtype, ndim, shape);

	registry_execute("INSERT INTO %s (loid) VALUES ($1) ON CONFLICT DO NOTHING",
					 a->loid);
	return a;
}

static void
registry_remove(Oid loid)
{
	registry_execute("DELETE FROM %s WHERE loid OPERATOR(pg_catalog.=) $1",
					 loid);
}

/*
 * Delete an array the caller owns (42501 otherwise): wait for its writers,
 * forget it here, unlink its large object, unregister it.
 */
static void
drop_array(Oid loid)
{
	/* 25006 before a hot standby's 55000 for the lock below */
	PreventCommandIfReadOnly("ba_drop()");
	if (!lo_compat_privileges && !ba_storage_owned_by(loid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of large object %u", loid)));
	ba_storage_lock(loid);
	ba_array_dropped(loid);
	ba_storage_unlink(loid);
	registry_remove(loid);
}

/* ba_drop(bigarray) -> void */
PG_FUNCTION_INFO_V1(ba_drop);
Datum
ba_drop(PG_FUNCTION_ARGS)
{
	drop_array(PG_GETARG_OID(0));
	PG_RETURN_VOID();
}

/* ---- bigarray_gc(): finding every reference ---- */

/* How a type holds bigarrays, if it does. */
typedef enum TypeShape
{
	SHAPE_NONE,					/* holds none */
	SHAPE_BIGARRAY,				/* is bigarray */
	SHAPE_DOMAIN,				/* a domain over a type that holds some */
	SHAPE_ARRAY,				/* an array of such a type */
	SHAPE_COMPOSITE,			/* a row with such attributes */
	SHAPE_RANGE,				/* a range over such a type */
	SHAPE_MULTIRANGE,			/* a multirange of such ranges */
	SHAPE_UNKNOWN				/* not in the catalog yet (uncommitted) */
} TypeShape;

typedef struct TypeEntry
{
	Oid			typid;			/* hash key */
	TypeShape	shape;
	Oid			inner;			/* base, element or range type */
} TypeEntry;

typedef struct GCState
{
	Oid			bigarray_type;
	HTAB	   *types;			/* TypeEntry per type oid seen */
	HTAB	   *referenced;		/* oids of the arrays some row refers to */
	HTAB	   *relations;		/* oids of the relations locked and read */
	HTAB	   *other_temp;		/* other sessions' temp tables skipped */
} GCState;

/* A hash table keyed by oid, of entries of entrysize bytes. */
static HTAB *
oid_hash(const char *name, Size entrysize)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = entrysize;
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Does the type hold a bigarray at any depth?  From the committed catalog
 * (syscache), memoized; a type the catalog does not show yet is
 * SHAPE_UNKNOWN, not memoized: its creator has not committed.
 */
static TypeShape
type_shape(GCState *gc, Oid typid, Oid *inner)
{
	TypeEntry  *entry;
	HeapTuple	tuple;
	Form_pg_type form;
	TypeShape	shape = SHAPE_NONE;
	Oid			inner_type = InvalidOid;

	entry = hash_search(gc->types, &typid, HASH_FIND, NULL);
	if (entry)
	{
		*inner = entry->inner;
		return entry->shape;
	}
	check_stack_depth();
	*inner = InvalidOid;
	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tuple))
		return SHAPE_UNKNOWN;
	form = (Form_pg_type) GETSTRUCT(tuple);
	if (typid == gc->bigarray_type)
		shape = SHAPE_BIGARRAY;
	else if (form->typtype == TYPTYPE_DOMAIN)
	{
		shape = SHAPE_DOMAIN;
		inner_type = form->typbasetype;
	}
	else if (form->typtype == TYPTYPE_COMPOSITE)
		shape = SHAPE_COMPOSITE;
	else if (form->typtype == TYPTYPE_RANGE)
	{
		shape = SHAPE_RANGE;
		inner_type = get_range_subtype(typid);
	}
	else if (form->typtype == TYPTYPE_MULTIRANGE)
	{
		shape = SHAPE_MULTIRANGE;
		inner_type = get_multirange_range(typid);
	}
	else if (OidIsValid(form->typelem) &&
			 form->typsubscript == F_ARRAY_SUBSCRIPT_HANDLER)
	{
		shape = SHAPE_ARRAY;
		inner_type = form->typelem;
	}
	ReleaseSysCache(tuple);

	/*
	 * Entered as holding nothing while its parts are looked at, so that a
	 * cycle (which PostgreSQL forbids anyway) ends.
	 */
	entry = hash_search(gc->types, &typid, HASH_ENTER, NULL);
	entry->shape = SHAPE_NONE;
	entry->inner = InvalidOid;
	if (shape == SHAPE_COMPOSITE)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);
		bool		holds = false;

		for (int i = 0; i < desc->natts && !holds; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			Oid			ignored;

			if (!att->attisdropped &&
				type_shape(gc, att->atttypid, &ignored) != SHAPE_NONE)
				holds = true;
		}
		ReleaseTupleDesc(desc);
		if (!holds)
			shape = SHAPE_NONE;
	}
	else if (OidIsValid(inner_type))
	{
		Oid			ignored;
		TypeShape	inner_shape = type_shape(gc, inner_type, &ignored);

		if (inner_shape == SHAPE_UNKNOWN)
		{
			hash_search(gc->types, &typid, HASH_REMOVE, NULL);
			return SHAPE_UNKNOWN;
		}
		if (inner_shape == SHAPE_NONE)
			shape = SHAPE_NONE;
	}
	entry->shape = shape;
	entry->inner = shape == SHAPE_NONE ? InvalidOid : inner_type;
	*inner = entry->inner;
	return shape;
}

static bool
type_holds_bigarray(GCState *gc, Oid typid)
{
	Oid			inner;

	return type_shape(gc, typid, &inner) != SHAPE_NONE;
}

/* Add every array that a value of type typid refers to. */
static void
collect_value(GCState *gc, Datum value, Oid typid)
{
	Oid			inner;

	check_stack_depth();
	switch (type_shape(gc, typid, &inner))
	{
		case SHAPE_NONE:
			break;
		case SHAPE_BIGARRAY:
			{
				Oid			loid = DatumGetObjectId(value);

				hash_search(gc->referenced, &loid, HASH_ENTER, NULL);
				break;
			}
		case SHAPE_DOMAIN:
			collect_value(gc, value, inner);
			break;
		case SHAPE_ARRAY:
			{
				ArrayType  *arr = DatumGetArrayTypeP(value);
				Oid			elemtype = ARR_ELEMTYPE(arr);
				int16		elemlen;
				bool		elembyval;
				char		elemalign;
				Datum	   *elems;
				bool	   *nulls;
				int			nelems;

				get_typlenbyvalalign(elemtype, &elemlen, &elembyval, &elemalign);
				deconstruct_array(arr, elemtype, elemlen, elembyval, elemalign,
								  &elems, &nulls, &nelems);
				for (int i = 0; i < nelems; i++)
				{
					if (!nulls[i])
						collect_value(gc, elems[i], elemtype);
				}
				break;
			}
		case SHAPE_COMPOSITE:
			{
				HeapTupleHeader row = DatumGetHeapTupleHeader(value);
				TupleDesc	desc;
				HeapTupleData tuple;

				desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row),
											  HeapTupleHeaderGetTypMod(row));
				tuple.t_len = HeapTupleHeaderGetDatumLength(row);
				ItemPointerSetInvalid(&tuple.t_self);
				tuple.t_tableOid = InvalidOid;
				tuple.t_data = row;
				for (int i = 0; i < desc->natts; i++)
				{
					Form_pg_attribute att = TupleDescAttr(desc, i);
					bool		isnull;
					Datum		attr;

					if (att->attisdropped ||
						!type_holds_bigarray(gc, att->atttypid))
						continue;
					attr = heap_getattr(&tuple, i + 1, desc, &isnull);
					if (!isnull)
						collect_value(gc, attr, att->atttypid);
				}
				ReleaseTupleDesc(desc);
				break;
			}
		case SHAPE_RANGE:
			{
				RangeType  *range = DatumGetRangeTypeP(value);
				TypeCacheEntry *typcache;
				RangeBound	lower;
				RangeBound	upper;
				bool		empty;

				typcache = lookup_type_cache(RangeTypeGetOid(range),
											 TYPECACHE_RANGE_INFO);
				range_deserialize(typcache, range, &lower, &upper, &empty);
				if (empty)
					break;
				if (!lower.infinite)
					collect_value(gc, lower.val, inner);
				if (!upper.infinite)
					collect_value(gc, upper.val, inner);
				break;
			}
		case SHAPE_MULTIRANGE:
			{
				MultirangeType *multirange = DatumGetMultirangeTypeP(value);
				TypeCacheEntry *typcache;
				int32		nranges;
				RangeType **ranges;

				typcache = lookup_type_cache(MultirangeTypeGetOid(multirange),
											 TYPECACHE_MULTIRANGE_INFO);
				multirange_deserialize(typcache->rngtype, multirange,
									   &nranges, &ranges);
				for (int i = 0; i < nranges; i++)
					collect_value(gc, RangeTypePGetDatum(ranges[i]), inner);
				break;
			}
		case SHAPE_UNKNOWN:
			/* a committed row of a type the catalog does not show */
			elog(ERROR, "cache lookup failed for type %u", typid);
	}
}

/*
 * Find the relations that have, or are being given, a column holding
 * bigarrays, and lock each one not locked yet in SHARE mode, in oid order.
 * The catalog is read with a dirty snapshot, so that a table being created
 * or altered by a transaction still in progress is found too: the lock
 * then waits for that transaction, as it waits for every transaction that
 * is writing a locked table, and blocks new writers until gc's transaction
 * ends.  Partitioned tables have no rows of their own (their partitions
 * are found), foreign tables are not read, and other sessions' temp tables
 * cannot be read: they are counted in other_temp.  Returns how many
 * relations were newly locked.
 */
static int
lock_new_relations(GCState *gc)
{
	SnapshotData dirty;
	Relation	attrel;
	Relation	classrel;
	SysScanDesc scan;
	HeapTuple	tuple;
	HTAB	   *holding = oid_hash("bigarray gc: relations found", sizeof(Oid));
	HASH_SEQ_STATUS seq;
	Oid		   *relid;
	Oid		   *newrels;
	int			nnew = 0;

	InitDirtySnapshot(dirty);
	attrel = table_open(AttributeRelationId, AccessShareLock);
	scan = systable_beginscan(attrel, InvalidOid, false, &dirty, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_attribute att = (Form_pg_attribute) GETSTRUCT(tuple);

		CHECK_FOR_INTERRUPTS();
		if (att->attnum <= 0 || att->attisdropped ||
			hash_search(gc->relations, &att->attrelid, HASH_FIND, NULL) ||
			!type_holds_bigarray(gc, att->atttypid))
			continue;
		hash_search(holding, &att->attrelid, HASH_ENTER, NULL);
	}
	systable_endscan(scan);
	table_close(attrel, AccessShareLock);

	newrels = palloc(Max(hash_get_num_entries(holding), 1) * sizeof(Oid));
	classrel = table_open(RelationRelationId, AccessShareLock);
	hash_seq_init(&seq, holding);
	while ((relid = hash_seq_search(&seq)) != NULL)
	{
		ScanKeyData key;
		Form_pg_class form;

		ScanKeyInit(&key, Anum_pg_class_oid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(*relid));
		scan = systable_beginscan(classrel, ClassOidIndexId, true, &dirty,
								  1, &key);
		tuple = systable_getnext(scan);
		form = HeapTupleIsValid(tuple) ? (Form_pg_class) GETSTRUCT(tuple) : NULL;
		/* other kinds (composite types, views, ...) have no rows to read */
		if (form != NULL && (form->relkind == RELKIND_RELATION ||
							 form->relkind == RELKIND_MATVIEW))
		{
			if (form->relpersistence == RELPERSISTENCE_TEMP &&
				!isTempNamespace(form->relnamespace))
				hash_search(gc->other_temp, relid, HASH_ENTER, NULL);
			else
				newrels[nnew++] = *relid;
		}
		systable_endscan(scan);
	}
	table_close(classrel, AccessShareLock);

	qsort(newrels, nnew, sizeof(Oid), oid_cmp);
	for (int i = 0; i < nnew; i++)
	{
		LockRelationOid(newrels[i], ShareLock);
		hash_search(gc->relations, &newrels[i], HASH_ENTER, NULL);
	}
	pfree(newrels);
	hash_destroy(holding);
	return nnew;
}

/* Add the arrays that the rows of one locked relation refer to. */
static void
collect_relation(GCState *gc, Oid relid, Snapshot snapshot,
				 MemoryContext row_cxt)
{
	Relation	rel = try_table_open(relid, NoLock);
	TupleDesc	desc;
	AttrNumber *attnums;
	int			nattnums = 0;
	TupleTableSlot *slot;
	TableScanDesc scan;

	if (rel == NULL)
		return;					/* its creator rolled back, or it was dropped */
	if (rel->rd_rel->relkind == RELKIND_MATVIEW && !RelationIsPopulated(rel))
	{
		table_close(rel, NoLock);
		return;
	}
	desc = RelationGetDescr(rel);
	attnums = palloc(Max(desc->natts, 1) * sizeof(AttrNumber));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && type_holds_bigarray(gc, att->atttypid))
			attnums[nattnums++] = att->attnum;
	}
	if (nattnums > 0)
	{
		slot = table_slot_create(rel, NULL);
		scan = table_beginscan(rel, snapshot, 0, NULL);
		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			MemoryContext old_cxt = MemoryContextSwitchTo(row_cxt);

			CHECK_FOR_INTERRUPTS();
			for (int i = 0; i < nattnums; i++)
			{
				bool		isnull;
				Datum		value = slot_getattr(slot, attnums[i], &isnull);

				if (!isnull)
					collect_value(gc, value,
								  TupleDescAttr(desc, attnums[i] - 1)->atttypid);
			}
			MemoryContextSwitchTo(old_cxt);
			MemoryContextReset(row_cxt);
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
	}
	pfree(attnums);
	table_close(rel, NoLock);
}

/*
 * The registered arrays no row refers to, under one snapshot taken once
 * every relation that may hold a reference is locked (so a reference
 * committed before the locks is seen, and none can be added to those
 * relations until gc's transaction ends).  The catalog is read again after
 * the snapshot: a relation that appeared meanwhile is locked too and the
 * snapshot taken again.
 */
static Oid *
unreferenced_arrays(GCState *gc, Oid registry, uint64 *count)
{
	Snapshot	snapshot = NULL;
	MemoryContext row_cxt;
	HASH_SEQ_STATUS seq;
	Oid		   *relid;
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	Oid		   *candidates;
	uint64		ncandidates = 0;
	uint64		capacity = 1024;

	while (lock_new_relations(gc) > 0 || snapshot == NULL)
	{
		if (snapshot)
			UnregisterSnapshot(snapshot);
		snapshot = RegisterSnapshot(GetLatestSnapshot());
	}

	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "bigarray gc row",
									ALLOCSET_DEFAULT_SIZES);
	hash_seq_init(&seq, gc->relations);
	while ((relid = hash_seq_search(&seq)) != NULL)
		collect_relation(gc, *relid, snapshot, row_cxt);
	MemoryContextDelete(row_cxt);

	candidates = palloc(capacity * sizeof(Oid));
	rel = table_open(registry, AccessShareLock);
	slot = table_slot_create(rel, NULL);
	scan = table_beginscan(rel, snapshot, 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Oid			loid = DatumGetObjectId(slot_getattr(slot, 1, &isnull));

		CHECK_FOR_INTERRUPTS();
		if (isnull || hash_search(gc->referenced, &loid, HASH_FIND, NULL))
			continue;
		if (ncandidates == capacity)
		{
			capacity *= 2;
			candidates = repalloc_huge(candidates, capacity * sizeof(Oid));
		}
		candidates[ncandidates++] = loid;
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, AccessShareLock);
	UnregisterSnapshot(snapshot);
	*count = ncandidates;
	return candidates;
}

/*
 * bigarray_gc() -> int8: drop the unreferenced arrays the caller owns,
 * return how many.  It reads every table and holds writers of those with
 * bigarray columns until the transaction ends: an administrator's command,
 * for roles with the privileges of the extension's owner.
 */
PG_FUNCTION_INFO_V1(bigarray_gc);
Datum
bigarray_gc(PG_FUNCTION_ARGS)
{
	ExtensionInfo ext;
	GCState		gc;
	Oid			registry;
	Oid		   *candidates;
	uint64		ncandidates;
	int64		dropped = 0;
	int64		skipped = 0;
	long		other_temp;

	/* 25006 even when there is nothing to drop */
	PreventCommandIfReadOnly("bigarray_gc()");
	extension_info(&ext);
	if (!has_privs_of_role(GetUserId(), ext.owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to run bigarray_gc()"),
				 errdetail("It reads every table and blocks writers of tables with bigarray columns until the transaction ends."),
				 errhint("Only roles with the privileges of the extension's owner, %s, may run it; ba_drop() drops one array you own.",
						 GetUserNameFromId(ext.owner, false))));
	gc.bigarray_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									   CStringGetDatum("bigarray"),
									   ObjectIdGetDatum(ext.schema));
	registry = get_relname_relid("bigarray_objects", ext.schema);
	if (!OidIsValid(gc.bigarray_type) || !OidIsValid(registry))
		elog(ERROR, "bigarray: the extension's type or registry is missing");
	gc.types = oid_hash("bigarray gc: types", sizeof(TypeEntry));
	gc.referenced = oid_hash("bigarray gc: referenced arrays", sizeof(Oid));
	gc.relations = oid_hash("bigarray gc: relations", sizeof(Oid));
	gc.other_temp = oid_hash("bigarray gc: other sessions' temp tables",
							 sizeof(Oid));

	candidates = unreferenced_arrays(&gc, registry, &ncandidates);
	for (uint64 i = 0; i < ncandidates; i++)
	{
		Oid			loid = candidates[i];

		CHECK_FOR_INTERRUPTS();
		if (!ba_storage_exists(loid))
		{
			/* deleted behind our back (lo_unlink): just unregister */
			registry_remove(loid);
			continue;
		}
		if (!lo_compat_privileges &&
			!ba_storage_owned_by(loid, GetUserId()))
		{
			skipped++;
			continue;
		}
		/*
		 * Waits for a transaction changing or dropping it (ba_drop() holds
		 * the same lock); the catalog snapshot may predate its commit.
		 */
		ba_storage_lock(loid);
		InvalidateCatalogSnapshot();
		if (!ba_storage_exists(loid))
			continue;			/* dropped meanwhile, unregistered with it */
		drop_array(loid);
		dropped++;
	}
	if (skipped > 0)
		ereport(NOTICE,
				(errmsg("%lld unreferenced arrays were not dropped: must be owner",
						(long long) skipped)));
	other_temp = hash_get_num_entries(gc.other_temp);
	if (other_temp > 0)
		ereport(NOTICE,
				(errmsg_plural("%ld temporary table of another session was not read",
							   "%ld temporary tables of other sessions were not read",
							   other_temp, other_temp),
				 errdetail("An array referenced only from another session's temporary table counts as unreferenced.")));
	PG_RETURN_INT64(dropped);
}
