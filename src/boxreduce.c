/*
 * boxreduce.c - reductions over a box of an n-d array, and along one of
 * its axes: ba_sum, ba_min, ba_max, ba_mean with (a, lo int8[], hi int8[])
 * or (a, axis int4).  Both use reduction.c's reductions (reduction.h): a box
 * feeds its runs to one state; an axis reduction streams once over the
 * array in C order, feeding each element to the state of its output
 * element, so that memory follows the output, not the array.
 */
#include "bigarray.h"

#include "catalog/pg_type_d.h"
#include "utils/memutils.h"

#include "reduction.h"

/* (a, lo, hi): the box's runs into one state */
static Datum
box_reduce(FunctionCallInfo fcinfo, const BAReduction *r)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int64		lo[BA_MAXDIM];
	int64		hi[BA_MAXDIM];
	int			nlo = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(1), "lo", lo);
	int			nhi = ba_shape_int8_args(PG_GETARG_ARRAYTYPE_P(2), "hi", hi);
	BABox		box;
	BABoxIter	it;
	BAReduceState st;
	bool		isnull = false;
	Datum		result;

	ba_shape_box(a->ndim, a->shape, nlo, lo, nhi, hi, &box);
	r->init(&st);
	ba_access_box_init(&it, a, &box, BA_READ);
	while (ba_access_box_next(&it))
		r->chunk(a, it.ptr, it.first, it.count, &st);
	ba_access_box_end(&it);
	result = r->finish(&st, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * Rows first_row .. first_row + nrows - 1 (each of inner elements, at ptr)
 * into their states.  Row R is step R % len along the axis of outer block
 * R / len, and its element i belongs to output (R / len) * inner + i.  Up to
 * AXIS_TILE rows of one outer block are transposed into a buffer, so that
 * each output element gets its inputs from the tile in one chunk call.
 * Those inputs are not consecutive in the array: the chunk is told the
 * position of the first only, which is enough for sum, min, max and mean
 * (reductions that report positions cannot be fed this way).
 */
#define AXIS_TILE 256
#define GATHER(SIZE) \
	for (int64 t = 0; t < ntile; t++) \
		memcpy(tile + t * (SIZE), base + (t * inner + i) * (SIZE), (SIZE))

static void
reduce_rows(const BAReduction *r, const BAArray *a, const char *ptr,
			int64 first_row, int64 nrows, int64 len, int64 inner,
			BAReduceState *states)
{
	int			elsize = a->elsize;
	int64		tile_elems[AXIS_TILE];	/* aligned for any dtype */
	char	   *tile = (char *) tile_elems;
	int64		row = 0;

	while (row < nrows)
	{
		int64		outer_block = (first_row + row) / len;
		int64		block_end = (outer_block + 1) * len - first_row;
		int64		ntile = Min(Min(nrows, block_end) - row, AXIS_TILE);
		const char *base = ptr + row * inner * elsize;

		for (int64 i = 0; i < inner; i++)
		{
			/* a constant size per dtype, so that each copy is one move */
			switch (elsize)
			{
				case 8:
					GATHER(8);
					break;
				case 4:
					GATHER(4);
					break;
				default:
					GATHER(2);
					break;
			}
			r->chunk(a, tile, (first_row + row) * inner + i, ntile,
					 &states[outer_block * inner + i]);
		}
		row += ntile;
	}
}

/*
 * (a, axis): with outer the product of the axes before it, len its extent
 * and inner the product of those after it, element (o, j, i) goes to output
 * element o * inner + i.  When inner is 1, an output element's inputs are
 * one run; otherwise each contiguous row of inner elements is spread over
 * inner states (reduce_rows).
 */
static Datum
axis_reduce(FunctionCallInfo fcinfo, const BAReduction *r)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	int32		axis = PG_GETARG_INT32(1);
	int64		outer = 1;
	int64		len;
	int64		inner = 1;
	int64		out_count;
	int			out_ndim = Max(a->ndim - 1, 1);
	int			dims[BA_MAXDIM];
	int			lbs[BA_MAXDIM];
	BAReduceState *states;
	Datum	   *values;
	bool	   *nulls;
	BAIter		it;

	if (axis < 1 || axis > a->ndim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("bigarray axis %d is out of range", axis),
				 errdetail_plural("The array has %d dimension.",
								  "The array has %d dimensions.",
								  a->ndim, a->ndim)));
	if (out_ndim > MAXDIM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of array dimensions (%d) exceeds the maximum allowed (%d)",
						out_ndim, MAXDIM)));
	len = a->shape[axis - 1];
	dims[0] = 1;				/* a 1-D array gives one element */
	for (int d = 0, k = 0; d < a->ndim; d++)
	{
		if (d == axis - 1)
			continue;
		if (d < axis - 1)
			outer *= a->shape[d];
		else
			inner *= a->shape[d];
		dims[k] = (int) a->shape[d];
		lbs[k++] = 1;
	}
	lbs[0] = 1;
	out_count = outer * inner;
	if (out_count > (int64) MaxArraySize ||
		out_count > (int64) (MaxAllocHugeSize / sizeof(BAReduceState)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("an array of " INT64_FORMAT " elements exceeds the maximum size of an array",
						out_count)));
	if (out_count == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));

	states = palloc_extended(out_count * sizeof(BAReduceState), MCXT_ALLOC_HUGE);
	for (int64 o = 0; o < out_count; o++)
		r->init(&states[o]);
	if (inner == 1)
	{
		for (int64 o = 0; o < outer; o++)
			ba_reduce_accumulate(r, a, o * len, len, &states[o]);
	}
	else if (inner <= BA_CHUNK_ELEMS(a))
	{
		/* chunks of whole rows of inner elements, in C order */
		int64		rows_per_chunk = BA_CHUNK_ELEMS(a) / inner;

		ba_access_iter_init(&it, a, 0, a->nelems, BA_READ, rows_per_chunk * inner);
		while (ba_access_iter_next(&it))
			reduce_rows(r, a, it.ptr, it.first / inner, it.count / inner,
						len, inner, states);
		ba_access_iter_end(&it);
	}
	else
	{
		/* rows longer than a chunk: element by element */
		ba_access_iter_init(&it, a, 0, a->nelems, BA_READ, BA_CHUNK_ELEMS(a));
		while (ba_access_iter_next(&it))
		{
			for (int64 e = 0; e < it.count; e++)
			{
				int64		flat = it.first + e;
				int64		out = (flat / (len * inner)) * inner + flat % inner;

				r->chunk(a, it.ptr + e * a->elsize, flat, 1, &states[out]);
			}
		}
		ba_access_iter_end(&it);
	}

	values = palloc_extended(out_count * sizeof(Datum), MCXT_ALLOC_HUGE);
	nulls = palloc_extended(out_count * sizeof(bool), MCXT_ALLOC_HUGE);
	for (int64 o = 0; o < out_count; o++)
	{
		nulls[o] = false;
		values[o] = r->finish(&states[o], &nulls[o]);
	}
	pfree(states);
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, out_ndim, dims, lbs,
											 FLOAT8OID, sizeof(float8),
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ba_sum(a, lo, hi) and ba_sum(a, axis), and the same for min, max, mean */
#define DEFINE_BOX_AND_AXIS(NAME, REDUCTION) \
PG_FUNCTION_INFO_V1(NAME##_box); \
Datum \
NAME##_box(PG_FUNCTION_ARGS) \
{ \
	return box_reduce(fcinfo, &REDUCTION); \
} \
PG_FUNCTION_INFO_V1(NAME##_axis); \
Datum \
NAME##_axis(PG_FUNCTION_ARGS) \
{ \
	return axis_reduce(fcinfo, &REDUCTION); \
}

DEFINE_BOX_AND_AXIS(ba_sum, ba_reduce_sum)
DEFINE_BOX_AND_AXIS(ba_min, ba_reduce_min)
DEFINE_BOX_AND_AXIS(ba_max, ba_reduce_max)
DEFINE_BOX_AND_AXIS(ba_mean, ba_reduce_mean)
