/*
 * planner.c - what the planner is told about bigarray functions whose work
 * grows with the elements they touch: ba_unnest's row count, and the cost
 * of a call of ba_unnest, the reductions, slices and whole-array reads
 * (ba_planner_support, a planner support function).
 *
 * The elements a call touches are read from its arguments when the planner
 * can fold them to constants: a constant range lo..hi, else the width of a
 * range written as x + c1 .. x + c2, else (for a range it cannot fold) one
 * page's worth of elements, else the size of an array named by a constant
 * handle (read at plan time, if the user may read it), else
 * BA_PLANNER_DEFAULT_ELEMS.  Ranges read parts of arrays: charging a range
 * that varies by row with the whole array made 400 rows of
 * ba_slice(a, k, k + 999) cost 570,871, past jit_above_cost, and JIT
 * compilation made the query take 654 us an array instead of 224 us.
 *
 * The cost model charges a call as a sequential scan of the large-object
 * rows holding those elements (seq_page_cost per heap page of about three
 * 2 KiB chunks, as a table scan is charged whether or not its pages are
 * cached), plus per-element CPU in units of cpu_operator_cost.  The units
 * were measured on the development machine (2 cores, PostgreSQL 15, warm
 * cache): one cpu_operator_cost (a float8 addition in a select list) took
 * about 5 ns; ba_sum and ba_mean 0.4 ns an element (0.08 units), ba_min and
 * ba_max 0.7 ns (0.14), ba_dot 0.4 ns a pair, ba_to_bytea 4.6 ns (1),
 * ba_slice 0.27 us for 1,000 elements (0.05 an element, plus 20 a call),
 * ba_unnest 60-80 ns a row in FROM (15 a row, its tuplestore included).
 * Writers were timed with their COMMIT (bench/results.md): ba_fill 58 ns an
 * element (12), ba_scale 94 ns (19), ba_copy as a read and a fill, and
 * creating a large object with its registry row 30 us (6,000).
 * A function scan charges the whole call once, which is what a
 * SupportRequestCost answer is: the cost of one call.
 */
#include "bigarray.h"

#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "storage/large_object.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

/*
 * Elements assumed for an array not known at plan time: bigarray is for
 * arrays too big for float8[]; smaller ones are better served natively.
 */
#define BA_PLANNER_DEFAULT_ELEMS	1000000.0

/* Large-object bytes per 8 kB heap page: about three 2 kB chunks. */
#define BA_PLANNER_BYTES_PER_PAGE	(3.0 * LOBLKSIZE)

typedef struct BACostModel
{
	const char *name;			/* SQL name */
	int			range_arg;		/* 0-based index of lo (hi follows), or -1 */
	int			arrays;			/* arrays it scans in step: 1, or 2 (ba_dot) */
	double		call_units;		/* per call, in cpu_operator_cost */
	double		element_units;	/* per element, in cpu_operator_cost */
	bool		returns_rows;	/* a row per element (ba_unnest) */
} BACostModel;

static const BACostModel cost_models[] = {
	{"ba_unnest", 1, 1, 20.0, 15.0, true},
	{"ba_sum", 1, 1, 20.0, 0.08, false},
	{"ba_mean", 1, 1, 20.0, 0.08, false},
	{"ba_min", 1, 1, 20.0, 0.14, false},
	{"ba_max", 1, 1, 20.0, 0.14, false},
	{"ba_dot", -1, 2, 20.0, 0.08, false},
	{"ba_slice", 1, 1, 20.0, 0.05, false},
	{"ba_slice_int8", 1, 1, 20.0, 0.05, false},
	{"ba_to_bytea", 1, 1, 20.0, 1.0, false},
	{"ba_to_array", -1, 1, 20.0, 0.5, false},
	{"ba_to_array_int8", -1, 1, 20.0, 0.5, false},
	/* writers: their write-back at commit, WAL included */
	{"ba_fill", 2, 1, 20.0, 12.0, false},
	{"ba_scale", -1, 1, 20.0, 19.0, false},
	{"ba_add", -1, 2, 20.0, 10.0, false},
	{"ba_copy", -1, 1, 6000.0, 13.0, false},
};

static const BACostModel *
cost_model_of(Oid funcid)
{
	char	   *name = get_func_name(funcid);

	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < lengthof(cost_models); i++)
	{
		if (strcmp(cost_models[i].name, name) == 0)
			return &cost_models[i];
	}
	return NULL;
}

/* The argument folded as far as the planner can, if it became a constant. */
static Const *
constant_arg(PlannerInfo *root, List *args, int n)
{
	Node	   *arg;

	if (n >= list_length(args))
		return NULL;
	arg = (Node *) list_nth(args, n);
	/* a cost request may come without the planner's state */
	if (root != NULL)
		arg = estimate_expression_value(root, arg);
	if (!IsA(arg, Const) || ((Const *) arg)->constisnull)
		return NULL;
	return (Const *) arg;
}

/* expr without the casts around it, implicit or written (i::int8). */
static Node *
strip_casts(Node *expr)
{
	for (;;)
	{
		if (IsA(expr, RelabelType))
			expr = (Node *) ((RelabelType *) expr)->arg;
		else if (IsA(expr, FuncExpr) &&
				 ((FuncExpr *) expr)->funcformat != COERCE_EXPLICIT_CALL &&
				 list_length(((FuncExpr *) expr)->args) == 1)
			expr = linitial(((FuncExpr *) expr)->args);
		else
			return expr;
	}
}

/* The value of an integer constant that is not null, if node is one. */
static bool
integer_const(Node *node, int64 *value)
{
	Const	   *c = (Const *) node;

	if (!IsA(node, Const) || c->constisnull)
		return false;
	switch (c->consttype)
	{
		case INT8OID:
			*value = DatumGetInt64(c->constvalue);
			return true;
		case INT4OID:
			*value = DatumGetInt32(c->constvalue);
			return true;
		case INT2OID:
			*value = DatumGetInt16(c->constvalue);
			return true;
		default:
			return false;
	}
}

/*
 * expr as base + offset, offset a constant: an integer addition or
 * subtraction with a constant operand (as `i + 999` is written), else expr
 * itself with offset 0.  Casts are looked through: this is an estimate.
 */
static Node *
split_offset(Node *expr, int64 *offset)
{
	*offset = 0;
	expr = strip_casts(expr);
	if (IsA(expr, OpExpr) && list_length(((OpExpr *) expr)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) expr;
		Node	   *left = strip_casts(linitial(op->args));
		Node	   *right = strip_casts(lsecond(op->args));
		Oid			fn = op->opfuncid;
		bool		plus = fn == F_INT8PL || fn == F_INT48PL || fn == F_INT84PL ||
			fn == F_INT4PL;
		bool		minus = fn == F_INT8MI || fn == F_INT84MI || fn == F_INT4MI;
		int64		v;

		if ((plus || minus) && integer_const(right, &v))
		{
			*offset = minus ? -v : v;
			return left;
		}
		if (plus && integer_const(left, &v))
		{
			*offset = v;
			return right;
		}
	}
	return expr;
}

/*
 * The width of lo..hi written as x + c1 .. x + c2 for the same x, or -1.
 */
static double
range_width(List *args, int range_arg)
{
	int64		lo_offset;
	int64		hi_offset;
	Node	   *lo_base;
	Node	   *hi_base;

	if (range_arg + 1 >= list_length(args))
		return -1;
	lo_base = split_offset((Node *) list_nth(args, range_arg), &lo_offset);
	hi_base = split_offset((Node *) list_nth(args, range_arg + 1), &hi_offset);
	if (!equal(lo_base, hi_base))
		return -1;
	return hi_offset < lo_offset ? 0.0 : (double) hi_offset - (double) lo_offset + 1.0;
}

/*
 * How many elements the call touches, and their size: the constant range
 * (within the array, if its size is known), else a range's width, else one
 * page for a range that varies, else the array's size, else the default;
 * never more than the array holds, if known.
 */
static double
elements_touched(PlannerInfo *root, const BACostModel *model, List *args,
				 int *elsize)
{
	Const	   *handle = constant_arg(root, args, 0);
	Const	   *lo = NULL;
	Const	   *hi = NULL;
	int64		nelems = 0;
	bool		known = false;

	*elsize = sizeof(float8);
	if (handle != NULL)
		known = ba_array_size_if_readable(DatumGetObjectId(handle->constvalue),
										  &nelems, elsize);
	if (model->range_arg >= 0)
	{
		lo = constant_arg(root, args, model->range_arg);
		hi = constant_arg(root, args, model->range_arg + 1);
	}
	if (lo != NULL && hi != NULL &&
		lo->consttype == INT8OID && hi->consttype == INT8OID)
	{
		int64		first = DatumGetInt64(lo->constvalue);
		int64		last = DatumGetInt64(hi->constvalue);

		if (known)
		{
			first = Max(first, 1);
			last = Min(last, nelems);
		}
		return last < first ? 0.0 : (double) last - (double) first + 1.0;
	}
	if (model->range_arg >= 0 && model->range_arg < list_length(args))
	{
		double		width = range_width(args, model->range_arg);

		if (width < 0)
			width = (double) ba_page_size_kb * 1024 / *elsize;
		return known ? Min(width, (double) nelems) : width;
	}
	return known ? (double) nelems : BA_PLANNER_DEFAULT_ELEMS;
}

static Cost
call_cost(const BACostModel *model, double elements, int elsize)
{
	double		pages = elements * elsize / BA_PLANNER_BYTES_PER_PAGE;

	return model->call_units * cpu_operator_cost +
		model->arrays * (pages * seq_page_cost +
						 elements * model->element_units * cpu_operator_cost);
}

PG_FUNCTION_INFO_V1(ba_planner_support);
Datum
ba_planner_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	Node	   *ret = NULL;

	if (IsA(rawreq, SupportRequestRows))
	{
		SupportRequestRows *req = (SupportRequestRows *) rawreq;
		const BACostModel *model;
		int			elsize;

		if (IsA(req->node, FuncExpr) &&
			(model = cost_model_of(((FuncExpr *) req->node)->funcid)) != NULL &&
			model->returns_rows)
		{
			req->rows = elements_touched(req->root, model,
										 ((FuncExpr *) req->node)->args, &elsize);
			ret = (Node *) req;
		}
	}
	else if (IsA(rawreq, SupportRequestCost))
	{
		SupportRequestCost *req = (SupportRequestCost *) rawreq;
		const BACostModel *model = cost_model_of(req->funcid);
		int			elsize;

		/* without the call's node (a bare function), nothing to estimate from */
		if (model != NULL && req->node != NULL && IsA(req->node, FuncExpr))
		{
			double		elements = elements_touched(req->root, model,
													((FuncExpr *) req->node)->args,
													&elsize);

			req->startup = 0;
			req->per_tuple = call_cost(model, elements, elsize);
			ret = (Node *) req;
		}
	}
	PG_RETURN_POINTER(ret);
}
