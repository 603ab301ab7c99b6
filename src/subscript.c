/*
 * subscript.c - subscripts on bigarray values (PostgreSQL >= 14): a[i][j]
 * reads or writes one element, a[i:j][k:l] a box; the same checks, costs
 * and errors as ba_get/ba_set and ba_slice/ba_set_slice, on which this
 * builds (shape.c, elements.c).
 *
 * Semantics: with no slice, one subscript per dimension gives a float8
 * (2202E otherwise).  With any slice every subscript is a range: a plain
 * one is one wide, an omitted bound is the axis's end, and axes after the
 * last subscript are taken whole; the result is the box as a float8[].
 * Assignment writes into the array in place, so the row keeps its handle;
 * a NULL value or subscript raises 22004 there (a read gives NULL, as the
 * STRICT functions do).
 *
 * PostgreSQL treats a subscript as immutable and parallel safe; reading an
 * array is neither.  Reads therefore take the handle through
 * ba_subscripted(), a STABLE, PARALLEL RESTRICTED identity, so that the
 * planner neither folds a read of a constant handle nor runs it in a
 * parallel worker.
 */
#include "bigarray.h"

#include "catalog/pg_type.h"
#include "executor/execExpr.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/subscripting.h"
#include "parser/parse_coerce.h"
#include "parser/parse_expr.h"
#include "parser/parse_func.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* What the executor steps need: the subscripts as int8 values. */
typedef struct SubscriptWork
{
	bool		is_slice;
	int64		upper[BA_MAXDIM];
	int64		lower[BA_MAXDIM];
} SubscriptWork;

/* A subscript expression as int8; 42804 if it is not a number. */
static Node *
transform_index(ParseState *pstate, Node *raw)
{
	Node	   *expr = transformExpr(pstate, raw, pstate->p_expr_kind);
	Oid			type = exprType(expr);
	Node	   *coerced = coerce_to_target_type(pstate, expr, type, INT8OID, -1,
												COERCION_ASSIGNMENT,
												COERCE_IMPLICIT_CAST, -1);

	if (coerced == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("bigarray subscript must have type integer"),
				 parser_errposition(pstate, exprLocation(raw))));
	return coerced;
}

/* expr (the handle) passed through ba_subscripted(), in bigarray's schema */
static Expr *
subscripted(Oid typoid, Expr *expr)
{
	HeapTuple	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typoid));
	char	   *nspname;
	Oid			fn;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for type %u", typoid);
	nspname = get_namespace_name(((Form_pg_type) GETSTRUCT(tuple))->typnamespace);
	ReleaseSysCache(tuple);
	fn = LookupFuncName(list_make2(makeString(nspname), makeString("ba_subscripted")),
						1, &typoid, false);

	return (Expr *) makeFuncExpr(fn, typoid, list_make1(expr), InvalidOid,
								 InvalidOid, COERCE_EXPLICIT_CALL);
}

static void
subscript_transform(SubscriptingRef *sbsref, List *indirection,
					ParseState *pstate, bool isSlice, bool isAssignment)
{
	List	   *upper = NIL;
	List	   *lower = NIL;
	ListCell   *lc;

	if (list_length(indirection) > BA_MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of bigarray subscripts (%d) exceeds the maximum allowed (%d)",
						list_length(indirection), BA_MAXDIM)));
	foreach(lc, indirection)
	{
		A_Indices  *ai = lfirst_node(A_Indices, lc);
		Node	   *uidx = ai->uidx ? transform_index(pstate, ai->uidx) : NULL;

		upper = lappend(upper, uidx);
		if (!isSlice)
			continue;
		if (ai->is_slice)
			lower = lappend(lower, ai->lidx ? transform_index(pstate, ai->lidx) : NULL);
		else
		{
			/* a plain subscript among slices: the range i:i */
			lower = lappend(lower, copyObject(uidx));
		}
	}
	sbsref->refupperindexpr = upper;
	sbsref->reflowerindexpr = lower;
	sbsref->refrestype = isSlice ? FLOAT8ARRAYOID : FLOAT8OID;
	sbsref->reftypmod = -1;
	if (!isAssignment)
		sbsref->refexpr = subscripted(sbsref->refcontainertype, sbsref->refexpr);
}

/*
 * The subscripts as int8 values.  A NULL one makes a read NULL (false) and
 * an assignment fail.
 */
static bool
subscript_check(ExprState *state, ExprEvalStep *op, ExprContext *econtext)
{
	SubscriptingRefState *sbsrefstate = op->d.sbsref_subscript.state;
	SubscriptWork *work = sbsrefstate->workspace;

	for (int i = 0; i < sbsrefstate->numupper; i++)
	{
		bool		null_upper = sbsrefstate->upperprovided[i] &&
			sbsrefstate->upperindexnull[i];
		bool		null_lower = work->is_slice && sbsrefstate->lowerprovided[i] &&
			sbsrefstate->lowerindexnull[i];

		if (null_upper || null_lower)
		{
			if (sbsrefstate->isassignment)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("bigarray subscript in assignment must not be null")));
			*op->resvalue = (Datum) 0;
			*op->resnull = true;
			return false;
		}
		if (sbsrefstate->upperprovided[i])
			work->upper[i] = DatumGetInt64(sbsrefstate->upperindex[i]);
		if (work->is_slice && sbsrefstate->lowerprovided[i])
			work->lower[i] = DatumGetInt64(sbsrefstate->lowerindex[i]);
	}
	return true;
}

/* The box a slice names in a: omitted bounds and axes are whole. */
static void
slice_box(const SubscriptingRefState *sbsrefstate, const SubscriptWork *work,
		  const BAArray *a, BABox *box)
{
	int64		lo[BA_MAXDIM];
	int64		hi[BA_MAXDIM];
	int			n = sbsrefstate->numupper;

	if (n > a->ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("number of bigarray subscripts (%d) exceeds the number of dimensions of the array (%d)",
						n, a->ndim)));
	for (int axis = 0; axis < a->ndim; axis++)
	{
		lo[axis] = axis < n && sbsrefstate->lowerprovided[axis] ? work->lower[axis] : 1;
		hi[axis] = axis < n && sbsrefstate->upperprovided[axis] ? work->upper[axis]
			: a->shape[axis];
	}
	ba_shape_box(a->ndim, a->shape, a->ndim, lo, a->ndim, hi, box);
}

/* a[...] of the handle in *op->resvalue (not NULL: fetch_strict) */
static Datum
fetch(SubscriptingRefState *sbsrefstate, Oid loid)
{
	SubscriptWork *work = sbsrefstate->workspace;
	BAArray    *a = ba_array_open(loid, BA_READ);
	float8		v;

	if (work->is_slice)
	{
		BABox		box;

		slice_box(sbsrefstate, work, a, &box);
		return PointerGetDatum(ba_elements_box_slice(a, &box, BA_FLOAT8));
	}
	ba_access_read(a, ba_shape_offset(a->ndim, a->shape, sbsrefstate->numupper,
									  work->upper),
				   1, BA_FLOAT8, &v);
	return Float8GetDatum(v);
}

static void
subscript_fetch(ExprState *state, ExprEvalStep *op, ExprContext *econtext)
{
	*op->resvalue = fetch(op->d.sbsref.state, DatumGetObjectId(*op->resvalue));
	*op->resnull = false;
}

/* the element or slice an assignment replaces, for nested assignments */
static void
subscript_fetch_old(ExprState *state, ExprEvalStep *op, ExprContext *econtext)
{
	SubscriptingRefState *sbsrefstate = op->d.sbsref.state;

	sbsrefstate->prevnull = *op->resnull;
	sbsrefstate->prevvalue = *op->resnull ? (Datum) 0 :
		fetch(sbsrefstate, DatumGetObjectId(*op->resvalue));
}

/* a[...] := value, in place: the result is the same handle */
static void
subscript_assign(ExprState *state, ExprEvalStep *op, ExprContext *econtext)
{
	SubscriptingRefState *sbsrefstate = op->d.sbsref.state;
	SubscriptWork *work = sbsrefstate->workspace;
	BAArray    *a;

	if (*op->resnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("cannot assign to an element of a null bigarray")));
	if (sbsrefstate->replacenull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a bigarray cannot hold null elements")));
	a = ba_array_open(DatumGetObjectId(*op->resvalue), BA_WRITE);
	if (work->is_slice)
	{
		BABox		box;

		slice_box(sbsrefstate, work, a, &box);
		ba_elements_box_set(a, &box, DatumGetArrayTypeP(sbsrefstate->replacevalue));
	}
	else
	{
		float8		v = DatumGetFloat8(sbsrefstate->replacevalue);

		ba_access_write(a, ba_shape_offset(a->ndim, a->shape, sbsrefstate->numupper,
										   work->upper),
						BA_FLOAT8, &v, 1);
	}
}

static void
subscript_exec_setup(const SubscriptingRef *sbsref,
					 SubscriptingRefState *sbsrefstate,
					 SubscriptExecSteps *methods)
{
	SubscriptWork *work = palloc0(sizeof(SubscriptWork));

	work->is_slice = sbsrefstate->numlower != 0;
	sbsrefstate->workspace = work;
	methods->sbs_check_subscripts = subscript_check;
	methods->sbs_fetch = subscript_fetch;
	methods->sbs_assign = subscript_assign;
	methods->sbs_fetch_old = subscript_fetch_old;
}

static const SubscriptRoutines subscript_routines = {
	.transform = subscript_transform,
	.exec_setup = subscript_exec_setup,
	.fetch_strict = true,		/* NULL handle or subscript: NULL */
	.fetch_leakproof = false,	/* out-of-bounds subscripts raise errors */
	.store_leakproof = false,
};

/* ba_subscript_handler(internal) -> internal: bigarray's SUBSCRIPT */
PG_FUNCTION_INFO_V1(ba_subscript_handler);
Datum
ba_subscript_handler(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(&subscript_routines);
}

/* ba_subscripted(a) -> a: see the top of the file */
PG_FUNCTION_INFO_V1(ba_subscripted);
Datum
ba_subscripted(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(PG_GETARG_OID(0));
}
