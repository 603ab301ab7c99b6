/*
 * registry.c - the table of live arrays; ba_drop() and bigarray_gc().
 *
 * Every array is a row of <extension schema>.bigarray_objects: its oid
 * column is what keeps vacuumlo from deleting the array's large object, and
 * pg_dump dumps the rows with the extension.  Users may only read the table
 * (it belongs to the extension's owner), so rows are added and removed as
 * that owner.  bigarray_gc() drops the registered arrays that no column of
 * type bigarray (or bigarray[], or a domain over either) refers to.
 */
#include "bigarray.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_largeobject.h"
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
#include "libpq/be-fsstubs.h"
#include "miscadmin.h"
#include "storage/large_object.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

/* rows fetched at a time when scanning a table for references */
#define GC_FETCH_ROWS	10000

typedef struct RegistryOwner
{
	Oid			schema;			/* the extension's schema */
	Oid			owner;			/* the extension's owner */
	Oid			save_userid;
	int			save_sec_context;
} RegistryOwner;

/* Become the extension's owner, remembering who we were. */
static void
become_owner(RegistryOwner *ro)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Form_pg_extension ext;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("bigarray"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"bigarray\" is not installed")));
	ext = (Form_pg_extension) GETSTRUCT(tuple);
	ro->schema = ext->extnamespace;
	ro->owner = ext->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	GetUserIdAndSecContext(&ro->save_userid, &ro->save_sec_context);
	SetUserIdAndSecContext(ro->owner,
						   ro->save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

static void
become_caller(const RegistryOwner *ro)
{
	SetUserIdAndSecContext(ro->save_userid, ro->save_sec_context);
}

static const char *
registry_table(const RegistryOwner *ro)
{
	return quote_qualified_identifier(get_namespace_name(ro->schema),
									  "bigarray_objects");
}

/* Run one statement on the registry with $1 = loid, as the owner. */
static void
registry_execute(const char *format, Oid loid)
{
	RegistryOwner ro;
	Oid			argtype = OIDOID;
	Datum		arg = ObjectIdGetDatum(loid);
	int			rc;

	become_owner(&ro);
	SPI_connect();
	rc = SPI_execute_with_args(psprintf(format, registry_table(&ro)),
							   1, &argtype, &arg, NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "bigarray: registry update failed: %s",
			 SPI_result_code_string(rc));
	SPI_finish();
	become_caller(&ro);
}

void
ba_registry_add(Oid loid)
{
	registry_execute("INSERT INTO %s (loid) VALUES ($1) ON CONFLICT DO NOTHING",
					 loid);
}

void
ba_registry_remove(Oid loid)
{
	registry_execute("DELETE FROM %s WHERE loid = $1", loid);
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
	if (!lo_compat_privileges && !pg_largeobject_ownercheck(loid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of large object %u", loid)));
	LockDatabaseObject(LargeObjectRelationId, loid, 0, ExclusiveLock);
	ba_forget(loid);
	DirectFunctionCall1(be_lo_unlink, ObjectIdGetDatum(loid));
	ba_registry_remove(loid);
}

/* ba_drop(bigarray) -> void */
PG_FUNCTION_INFO_V1(ba_drop);
Datum
ba_drop(PG_FUNCTION_ARGS)
{
	drop_array(PG_GETARG_OID(0));
	PG_RETURN_VOID();
}

static void
add_reference(HTAB *referenced, Datum value)
{
	Oid			loid = DatumGetObjectId(value);

	hash_search(referenced, &loid, HASH_ENTER, NULL);
}

/*
 * Add to referenced every array the query's single column names; the column
 * is a bigarray (or a domain over it) or, if is_array, an array of them.
 */
static void
collect_references(HTAB *referenced, const char *query, bool is_array)
{
	Portal		portal = SPI_cursor_open_with_args(NULL, query, 0, NULL, NULL,
												   NULL, true, 0);

	for (;;)
	{
		SPI_cursor_fetch(portal, true, GC_FETCH_ROWS);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			Datum		value = SPI_getbinval(SPI_tuptable->vals[i],
											  SPI_tuptable->tupdesc, 1, &isnull);

			if (isnull)
				continue;
			if (is_array)
			{
				ArrayType  *arr = DatumGetArrayTypeP(value);
				Datum	   *elems;
				bool	   *nulls;
				int			nelems;

				deconstruct_array(arr, ARR_ELEMTYPE(arr), sizeof(Oid), true,
								  TYPALIGN_INT, &elems, &nulls, &nelems);
				for (int j = 0; j < nelems; j++)
				{
					if (!nulls[j])
						add_reference(referenced, elems[j]);
				}
			}
			else
				add_reference(referenced, value);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

/*
 * The arrays some table refers to.  Read as the extension's owner with row
 * security off, so that no row is hidden from the scan (a table the owner
 * may not read makes gc fail rather than drop what it refers to).
 * Partitioned tables are read through their partitions, inheritance parents
 * with ONLY: every row once.  (A bigarray inside a composite-typed column
 * is not seen.)
 */
static HTAB *
referenced_arrays(const RegistryOwner *ro)
{
	HASHCTL		ctl;
	HTAB	   *referenced;
	Oid			argtype = OIDOID;
	Datum		arg;
	SPITupleTable *columns;
	uint64		ncolumns;
	int			rc;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Oid);
	ctl.hcxt = CurrentMemoryContext;
	referenced = hash_create("bigarray references", 1024, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	arg = ObjectIdGetDatum(GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										   CStringGetDatum("bigarray"),
										   ObjectIdGetDatum(ro->schema)));
	rc = SPI_execute_with_args(
							   "WITH RECURSIVE scalar(oid) AS ("
							   "    SELECT $1"
							   "  UNION"
							   "    SELECT t.oid FROM pg_catalog.pg_type t"
							   "      JOIN scalar s ON t.typbasetype = s.oid),"
							   " arr(oid) AS ("
							   "    SELECT t.oid FROM pg_catalog.pg_type t"
							   "      JOIN scalar s ON t.typelem = s.oid AND t.typlen = -1"
							   "  UNION"
							   "    SELECT t.oid FROM pg_catalog.pg_type t"
							   "      JOIN arr ON t.typbasetype = arr.oid),"
							   " typ(oid) AS ("
							   "    SELECT oid FROM scalar UNION ALL SELECT oid FROM arr)"
							   "SELECT pg_catalog.format('SELECT %I FROM ONLY %I.%I',"
							   "                         a.attname, n.nspname, c.relname),"
							   "       a.atttypid = ANY (ARRAY(SELECT oid FROM arr))"
							   "  FROM pg_catalog.pg_attribute a"
							   "  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
							   "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
							   " WHERE a.atttypid = ANY (ARRAY(SELECT oid FROM typ))"
							   "   AND a.attnum > 0 AND NOT a.attisdropped"
							   "   AND (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))",
							   1, &argtype, &arg, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bigarray: could not list bigarray columns: %s",
			 SPI_result_code_string(rc));
	columns = SPI_tuptable;
	ncolumns = SPI_processed;
	for (uint64 i = 0; i < ncolumns; i++)
	{
		char	   *query = SPI_getvalue(columns->vals[i], columns->tupdesc, 1);
		bool		isnull;
		bool		is_array = DatumGetBool(SPI_getbinval(columns->vals[i],
														  columns->tupdesc, 2,
														  &isnull));

		CHECK_FOR_INTERRUPTS();
		collect_references(referenced, query, is_array);
	}
	return referenced;
}

/* bigarray_gc() -> int8: drop unreferenced arrays, return how many. */
PG_FUNCTION_INFO_V1(bigarray_gc);
Datum
bigarray_gc(PG_FUNCTION_ARGS)
{
	RegistryOwner ro;
	HTAB	   *referenced;
	Oid		   *candidates;
	uint64		ncandidates = 0;
	int64		dropped = 0;
	int64		skipped = 0;
	int			save_nestlevel;
	int			rc;
	MemoryContext caller_cxt = CurrentMemoryContext;

	/* 25006 even when there is nothing to drop */
	PreventCommandIfReadOnly("bigarray_gc()");
	become_owner(&ro);
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("row_security", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	SPI_connect();
	referenced = referenced_arrays(&ro);
	rc = SPI_execute(psprintf("SELECT loid FROM %s", registry_table(&ro)),
					 true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "bigarray: could not read the registry: %s",
			 SPI_result_code_string(rc));
	candidates = MemoryContextAllocExtended(caller_cxt,
											Max(SPI_processed, 1) * sizeof(Oid),
											MCXT_ALLOC_HUGE);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Oid			loid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
														  SPI_tuptable->tupdesc,
														  1, &isnull));

		if (!hash_search(referenced, &loid, HASH_FIND, NULL))
			candidates[ncandidates++] = loid;
	}
	SPI_finish();
	AtEOXact_GUC(true, save_nestlevel);
	become_caller(&ro);

	for (uint64 i = 0; i < ncandidates; i++)
	{
		Oid			loid = candidates[i];

		CHECK_FOR_INTERRUPTS();
		if (!LargeObjectExists(loid))
		{
			/* deleted behind our back (lo_unlink): just unregister */
			ba_registry_remove(loid);
			continue;
		}
		if (!lo_compat_privileges &&
			!pg_largeobject_ownercheck(loid, GetUserId()))
		{
			skipped++;
			continue;
		}
		drop_array(loid);
		dropped++;
	}
	if (skipped > 0)
		ereport(NOTICE,
				(errmsg("%lld unreferenced arrays were not dropped: must be owner",
						(long long) skipped)));
	PG_RETURN_INT64(dropped);
}
