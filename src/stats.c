/*
 * stats.c - statistics over whole arrays or ranges: ba_var, ba_var_pop,
 * ba_stddev, ba_stddev_pop, ba_argmin, ba_argmax (reductions, see
 * reduction.h), ba_histogram and ba_quantile.
 *
 * Definitions are PostgreSQL's: the variances are var_samp and var_pop
 * (NULL for too few elements, NaN once an infinity or NaN is among them,
 * 22003 when finite values overflow), argmin and argmax order floats as
 * PostgreSQL does (NaN above every number), histogram bins are
 * width_bucket's, and quantiles are percentile_cont's.  Quantiles are exact
 * without sorting the array: passes over it count elements in bins of
 * their order-preserving 64-bit keys, narrowing to each wanted rank until
 * its bin holds few enough elements to sort in memory bounded by
 * bigarray.cache_size.
 */
#include "bigarray.h"

#include <math.h>

#include "catalog/pg_type_d.h"
#include "utils/array.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "reduction.h"

/* ---- variance ---- */

/*
 * Elements are taken in blocks: the block's mean and the squared
 * deviations from it (a two-pass sum within the block, in cache, corrected
 * by the deviations' own sum), merged into the state by the formula of
 * PostgreSQL's float8_combine.  Stable where a sum of squares is not: a
 * constant offset far above the spread costs no precision.
 */
#define VAR_BLOCK	256

static void
var_init(BAReduceState *st)
{
	memset(&st->var, 0, sizeof(BAVarState));
}

/* Merge count elements with sum and sxx into v, as float8_combine does. */
static void
var_merge(BAVarState *v, int64 count, double sum, double comp, double sxx)
{
	double		n1 = (double) v->count;
	double		n2 = (double) count;

	if (count == 0)
		return;
	if (v->count > 0)
	{
		double		diff = (v->sum + v->comp) / n1 - (sum + comp) / n2;

		sxx += v->sxx + n1 * n2 * diff * diff / (n1 + n2);
		ba_reduce_twosum_add(&v->sum, &v->comp, sum);
		v->comp += comp;
	}
	else
	{
		v->sum = sum;
		v->comp = comp;
	}
	v->sxx = sxx;
	v->count += count;
	if (unlikely(!isfinite(v->sxx) || !isfinite(v->sum)))
		float_overflow_error();
}

/* n (at most VAR_BLOCK) values into v */
static void
var_block(BAVarState *v, const double *x, int64 n)
{
	double		sum = 0;
	double		mean;
	double		sxx = 0;
	double		dev = 0;

	if (v->nonfinite)
	{
		v->count += n;
		return;
	}
	for (int64 i = 0; i < n; i++)
		sum += x[i];
	if (unlikely(!isfinite(sum)))
	{
		/* an infinity or NaN among them (the result is NaN), or overflow */
		for (int64 i = 0; i < n; i++)
			v->nonfinite |= !isfinite(x[i]);
		if (!v->nonfinite)
			float_overflow_error();
		v->count += n;
		return;
	}
	mean = sum / n;
	for (int64 i = 0; i < n; i++)
	{
		double		d = x[i] - mean;

		sxx += d * d;
		dev += d;
	}
	sxx = Max(sxx - dev * dev / n, 0.0);
	var_merge(v, n, sum, 0, sxx);
}

static void
var_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
		  BAReduceState *st)
{
	double		buf[VAR_BLOCK];

	for (int64 i = 0; i < count; i += VAR_BLOCK)
	{
		int64		n = Min(VAR_BLOCK, count - i);
		const char *p = ptr + i * a->elsize;

		if (a->dtype == BA_FLOAT8)
			var_block(&st->var, (const double *) p, n);
		else
		{
			ba_dtype_convert(BA_FLOAT8, buf, a->dtype, p, n);
			var_block(&st->var, buf, n);
		}
	}
}

static void
var_combine(BAReduceState *st, const BAReduceState *other)
{
	const BAVarState *o = &other->var;

	if (st->var.nonfinite || o->nonfinite)
	{
		st->var.nonfinite = true;
		st->var.count += o->count;
		return;
	}
	var_merge(&st->var, o->count, o->sum, o->comp, o->sxx);
}

/* sxx / (count - ddof), NULL for count <= ddof elements */
static double
var_value(const BAVarState *v, int ddof, bool *isnull)
{
	*isnull = v->count <= ddof;
	if (*isnull)
		return 0;
	if (v->nonfinite)
		return NAN;
	return v->sxx / (double) (v->count - ddof);
}

static Datum
var_samp_finish(const BAReduceState *st, bool *isnull)
{
	return Float8GetDatum(var_value(&st->var, 1, isnull));
}

static Datum
var_pop_finish(const BAReduceState *st, bool *isnull)
{
	return Float8GetDatum(var_value(&st->var, 0, isnull));
}

static Datum
stddev_samp_finish(const BAReduceState *st, bool *isnull)
{
	return Float8GetDatum(sqrt(var_value(&st->var, 1, isnull)));
}

static Datum
stddev_pop_finish(const BAReduceState *st, bool *isnull)
{
	return Float8GetDatum(sqrt(var_value(&st->var, 0, isnull)));
}

const BAReduction ba_reduce_var = {"var", var_init, var_chunk, var_combine, var_samp_finish};
const BAReduction ba_reduce_var_pop = {"var_pop", var_init, var_chunk, var_combine, var_pop_finish};
const BAReduction ba_reduce_stddev = {"stddev", var_init, var_chunk, var_combine, stddev_samp_finish};
const BAReduction ba_reduce_stddev_pop = {"stddev_pop", var_init, var_chunk, var_combine, stddev_pop_finish};

/* ---- argmin, argmax ---- */

static void
arg_init(BAReduceState *st)
{
	memset(&st->arg, 0, sizeof(BAArgState));
	st->arg.index = -1;
}

/*
 * Is (is_nan, x) above (best_nan, best) in PostgreSQL's order of floats,
 * where NaN is above every number and equal to NaN?
 */
static inline bool
float_above(bool is_nan, double x, bool best_nan, double best)
{
	return is_nan ? !best_nan : !best_nan && x > best;
}

/*
 * The first largest (MAX true) or smallest element of n at p, elements
 * first.. of the array, merged into s.  A later element replaces the best
 * only if strictly better, so the first extreme stays.
 */
#define DEFINE_ARG_FLOAT(NAME, T) \
static void \
NAME(const T *p, int64 n, int64 first, bool max, BAArgState *s) \
{ \
	for (int64 i = 0; i < n; i++) \
	{ \
		bool		is_nan = p[i] != p[i]; \
\
		if (s->index < 0 || \
			(max ? float_above(is_nan, p[i], s->is_nan, s->fvalue) \
			 : float_above(s->is_nan, s->fvalue, is_nan, p[i]))) \
		{ \
			s->index = first + i; \
			s->fvalue = p[i]; \
			s->is_nan = is_nan; \
		} \
	} \
}

#define DEFINE_ARG_INT(NAME, T) \
static void \
NAME(const T *p, int64 n, int64 first, bool max, BAArgState *s) \
{ \
	s->integer = true; \
	for (int64 i = 0; i < n; i++) \
	{ \
		if (s->index < 0 || (max ? p[i] > s->ivalue : p[i] < s->ivalue)) \
		{ \
			s->index = first + i; \
			s->ivalue = p[i]; \
		} \
	} \
}

DEFINE_ARG_FLOAT(arg_float8, float8)
DEFINE_ARG_FLOAT(arg_float4, float4)
DEFINE_ARG_INT(arg_int8, int64)
DEFINE_ARG_INT(arg_int4, int32)
DEFINE_ARG_INT(arg_int2, int16)

static void
arg_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
		  bool max, BAArgState *s)
{
	switch (a->dtype)
	{
		case BA_FLOAT8:
			arg_float8((const float8 *) ptr, count, first, max, s);
			break;
		case BA_FLOAT4:
			arg_float4((const float4 *) ptr, count, first, max, s);
			break;
		case BA_INT8:
			arg_int8((const int64 *) ptr, count, first, max, s);
			break;
		case BA_INT4:
			arg_int4((const int32 *) ptr, count, first, max, s);
			break;
		case BA_INT2:
			arg_int2((const int16 *) ptr, count, first, max, s);
			break;
	}
}

static void
argmin_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
			 BAReduceState *st)
{
	arg_chunk(a, ptr, first, count, false, &st->arg);
}

static void
argmax_chunk(const BAArray *a, const char *ptr, int64 first, int64 count,
			 BAReduceState *st)
{
	arg_chunk(a, ptr, first, count, true, &st->arg);
}

/* Is o's extreme to replace s's: better, or as good and earlier? */
static bool
arg_takes_over(const BAArgState *s, const BAArgState *o, bool max)
{
	const BAArgState *hi = max ? o : s;
	const BAArgState *lo = max ? s : o;
	bool		equal;

	if (o->index < 0)
		return false;
	if (s->index < 0)
		return true;
	if (s->integer)
	{
		if (hi->ivalue != lo->ivalue)
			return hi->ivalue > lo->ivalue ? hi == o : lo == o;
		equal = true;
	}
	else
	{
		if (float_above(hi->is_nan, hi->fvalue, lo->is_nan, lo->fvalue))
			return hi == o;
		if (float_above(lo->is_nan, lo->fvalue, hi->is_nan, hi->fvalue))
			return lo == o;
		equal = true;
	}
	return equal && o->index < s->index;
}

static void
argmin_combine(BAReduceState *st, const BAReduceState *other)
{
	if (arg_takes_over(&st->arg, &other->arg, false))
		st->arg = other->arg;
}

static void
argmax_combine(BAReduceState *st, const BAReduceState *other)
{
	if (arg_takes_over(&st->arg, &other->arg, true))
		st->arg = other->arg;
}

static Datum
arg_finish(const BAReduceState *st, bool *isnull)
{
	*isnull = st->arg.index < 0;
	return Int64GetDatum(st->arg.index + 1);
}

const BAReduction ba_reduce_argmin = {"argmin", arg_init, argmin_chunk, argmin_combine, arg_finish};
const BAReduction ba_reduce_argmax = {"argmax", arg_init, argmax_chunk, argmax_combine, arg_finish};

/* ---- SQL: the reductions ---- */

PG_FUNCTION_INFO_V1(ba_var);
Datum
ba_var(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_var);
}

PG_FUNCTION_INFO_V1(ba_var_pop);
Datum
ba_var_pop(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_var_pop);
}

PG_FUNCTION_INFO_V1(ba_stddev);
Datum
ba_stddev(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_stddev);
}

PG_FUNCTION_INFO_V1(ba_stddev_pop);
Datum
ba_stddev_pop(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_stddev_pop);
}

PG_FUNCTION_INFO_V1(ba_argmin);
Datum
ba_argmin(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_argmin);
}

PG_FUNCTION_INFO_V1(ba_argmax);
Datum
ba_argmax(PG_FUNCTION_ARGS)
{
	return ba_reduce_sql(fcinfo, &ba_reduce_argmax);
}

/* ---- elements as float8, block by block ---- */

#define VALUE_BLOCK	1024

/*
 * Call fn on every element of [first, first + count) of a as float8, in
 * blocks of at most VALUE_BLOCK.
 */
typedef void (*ValuesFn) (const double *x, int64 n, void *arg);

static void
for_each_values(BAArray *a, int64 first, int64 count, ValuesFn fn, void *arg)
{
	double		buf[VALUE_BLOCK];
	BAIter		it;

	ba_access_iter_init(&it, a, first, count, BA_READ, BA_CHUNK_ELEMS(a));
	while (ba_access_iter_next(&it))
	{
		for (int64 i = 0; i < it.count; i += VALUE_BLOCK)
		{
			int64		n = Min(VALUE_BLOCK, it.count - i);
			const char *p = it.ptr + i * a->elsize;

			if (a->dtype == BA_FLOAT8)
				fn((const double *) p, n, arg);
			else
			{
				ba_dtype_convert(BA_FLOAT8, buf, a->dtype, p, n);
				fn(buf, n, arg);
			}
		}
	}
	ba_access_iter_end(&it);
}

/* ---- ba_histogram ---- */

typedef struct Histogram
{
	double		lo;
	double		hi;
	int			nbins;
	bool		halved;			/* nbins * (hi - lo) overflows: bin by halves */
	int64	   *counts;
} Histogram;

static void
histogram_values(const double *x, int64 n, void *arg)
{
	Histogram  *h = arg;

	for (int64 i = 0; i < n; i++)
	{
		double		q;
		int			bin;

		/* NaN fails both comparisons */
		if (!(x[i] >= h->lo && x[i] < h->hi))
			continue;
		/*
		 * width_bucket(x, lo, hi, nbins) - 1, computed as PostgreSQL 15
		 * computes it (adding 1 before truncating, which rounds some x
		 * just below a bin's edge into the next bin)
		 */
		if (likely(!h->halved))
			q = h->nbins * (x[i] - h->lo) / (h->hi - h->lo) + 1;
		else
			q = h->nbins * ((x[i] / 2 - h->lo / 2) / (h->hi / 2 - h->lo / 2)) + 1;
		bin = (int) q - 1;
		/* the quotient may round up to nbins: x < hi is in the last bin */
		h->counts[Min(bin, h->nbins - 1)]++;
	}
}

/*
 * ba_histogram(a, lo, hi, nbins) -> int8[]: how many elements fall in each
 * of nbins equal-width bins over [lo, hi), the bins of width_bucket(x, lo,
 * hi, nbins).  Elements outside, and NaN, are not counted.
 */
PG_FUNCTION_INFO_V1(ba_histogram);
Datum
ba_histogram(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	Histogram	h;
	Datum	   *counts;

	h.lo = PG_GETARG_FLOAT8(1);
	h.hi = PG_GETARG_FLOAT8(2);
	h.nbins = PG_GETARG_INT32(3);
	if (h.nbins < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION),
				 errmsg("number of histogram bins must be at least 1, not %d", h.nbins)));
	if (!isfinite(h.lo) || !isfinite(h.hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION),
				 errmsg("histogram bounds must be finite")));
	if (!(h.lo < h.hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION),
				 errmsg("histogram lower bound %g must be below upper bound %g", h.lo, h.hi)));
	if ((Size) h.nbins > MaxArraySize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of histogram bins (%d) exceeds the maximum allowed (%d)",
						h.nbins, (int) MaxArraySize)));
	h.halved = !isfinite(h.nbins * (h.hi - h.lo));
	h.counts = palloc0(h.nbins * sizeof(int64));
	for_each_values(a, 0, a->nelems, histogram_values, &h);

	counts = palloc(h.nbins * sizeof(Datum));
	for (int i = 0; i < h.nbins; i++)
		counts[i] = Int64GetDatum(h.counts[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(counts, h.nbins, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ---- ba_quantile ---- */

/*
 * The order-preserving key of a float8 that is not NaN: its bits, with the
 * sign bit flipped for positive numbers and all bits flipped for negative
 * ones, order as unsigned integers as the floats do (-0 is taken as 0).
 */
#define KEY_SIGN	(UINT64CONST(1) << 63)

static inline uint64
key_of(double x)
{
	uint64		u;

	if (x == 0)
		x = 0;
	memcpy(&u, &x, sizeof(u));
	return (u & KEY_SIGN) ? ~u : u | KEY_SIGN;
}

static inline double
value_of(uint64 key)
{
	uint64		u = (key & KEY_SIGN) ? key & ~KEY_SIGN : ~key;
	double		x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

#define ST_SORT sort_keys
#define ST_ELEMENT_TYPE uint64
#define ST_COMPARE(a, b) (*(a) < *(b) ? -1 : *(a) > *(b))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * A key interval [lo, hi] known to hold the elements of the wanted ranks
 * which[0..nwhich) (indexes into the caller's ranks, ascending): offset
 * elements that are not NaN have smaller keys, count have keys within.  A
 * pass either collects their keys to sort (if few enough) or counts them
 * in bins of 2^shift keys.
 */
typedef struct Target
{
	uint64		lo;
	uint64		hi;
	int64		offset;
	int64		count;
	int		   *which;
	int			nwhich;
	/* this pass */
	bool		collect;
	int			shift;
	int64	   *bins;			/* count in bin (key - lo) >> shift */
	uint64	   *keys;			/* collected keys */
	int64		nkeys;
} Target;

typedef struct QuantilePass
{
	Target	   *targets;		/* sorted by key, disjoint */
	int			ntargets;
} QuantilePass;

static void
quantile_values(const double *x, int64 n, void *arg)
{
	QuantilePass *qp = arg;

	for (int64 i = 0; i < n; i++)
	{
		uint64		key;
		int			lo = 0;
		int			hi = qp->ntargets - 1;
		Target	   *t;

		if (isnan(x[i]))
			continue;
		key = key_of(x[i]);
		/* the last target starting at or below key */
		while (lo < hi)
		{
			int			mid = (lo + hi + 1) / 2;

			if (qp->targets[mid].lo <= key)
				lo = mid;
			else
				hi = mid - 1;
		}
		t = &qp->targets[lo];
		if (key < t->lo || key > t->hi)
			continue;
		if (t->collect)
			t->keys[t->nkeys++] = key;
		else
			t->bins[(key - t->lo) >> t->shift]++;
	}
}

/* Bins a pass counts in, over all its targets: 64 Ki, 512 kB. */
#define PASS_BINS_LOG2	16
/* Bins of one target at least: a pass narrows each by 2^8 or more. */
#define TARGET_BINS_LOG2_MIN	8

/*
 * Set values[i] to the element of rank ranks[i] (0-based, ascending) in
 * the order of PostgreSQL's sort of float8 (NaN last), among elements
 * [first, first + count) of a.
 */
static void
values_at_ranks(BAArray *a, int64 first, int64 count, const int64 *ranks,
				int nranks, double *values)
{
	/* keys a pass may collect: a quarter of the page cache's memory */
	int64		budget = Max((int64) ba_cache_size_kb * 1024 / 4 / (int64) sizeof(uint64),
							 1024);
	BAReduceState ext;
	int64		nvalues;
	QuantilePass qp;
	Target	   *t;

	/* a first pass: NaN, and the key range of the rest */
	ba_reduce_min.init(&ext);
	ba_reduce_accumulate(&ba_reduce_min, a, first, count, &ext);
	nvalues = count - ext.extremes.nans;

	qp.targets = palloc(sizeof(Target));
	qp.ntargets = 0;
	t = &qp.targets[0];
	memset(t, 0, sizeof(Target));
	t->which = palloc(nranks * sizeof(int));
	for (int i = 0; i < nranks; i++)
	{
		if (ranks[i] >= nvalues)
			values[i] = NAN;
		else
			t->which[t->nwhich++] = i;
	}
	if (t->nwhich > 0)
	{
		t->lo = key_of(ext.extremes.min);
		t->hi = key_of(ext.extremes.max);
		t->count = nvalues;
		qp.ntargets = 1;
	}

	while (qp.ntargets > 0)
	{
		int64		collected = 0;
		int			bins_log2 = PASS_BINS_LOG2;
		Target	   *next;
		int			nnext = 0;

		while (bins_log2 > TARGET_BINS_LOG2_MIN &&
			   (1 << (PASS_BINS_LOG2 - bins_log2)) < qp.ntargets)
			bins_log2--;
		for (int i = 0; i < qp.ntargets; i++)
		{
			t = &qp.targets[i];
			t->collect = collected + t->count <= budget;
			if (t->collect)
			{
				t->keys = palloc(t->count * sizeof(uint64));
				collected += t->count;
				continue;
			}
			t->shift = 0;
			while (((t->hi - t->lo) >> t->shift) >= (UINT64CONST(1) << bins_log2))
				t->shift++;
			t->bins = palloc0((((t->hi - t->lo) >> t->shift) + 1) * sizeof(int64));
		}
		for_each_values(a, first, count, quantile_values, &qp);

		/*
		 * Collected targets give their values; counted ones narrow to the
		 * bins their ranks fall in, one target per bin (a bin of one key
		 * gives its value at once).
		 */
		next = palloc(nranks * sizeof(Target));
		for (int i = 0; i < qp.ntargets; i++)
		{
			int64		below = 0;
			uint64		bin = 0;

			t = &qp.targets[i];
			if (t->collect)
			{
				Assert(t->nkeys == t->count);
				sort_keys(t->keys, t->nkeys);
				for (int j = 0; j < t->nwhich; j++)
					values[t->which[j]] = value_of(t->keys[ranks[t->which[j]] - t->offset]);
				pfree(t->keys);
				continue;
			}
			for (int j = 0; j < t->nwhich; j++)
			{
				int			w = t->which[j];
				int64		rank = ranks[w] - t->offset;
				Target	   *n = nnext > 0 ? &next[nnext - 1] : NULL;

				while (below + t->bins[bin] <= rank)
					below += t->bins[bin++];
				if (n == NULL || n->lo != t->lo + (bin << t->shift))
				{
					n = &next[nnext++];
					memset(n, 0, sizeof(Target));
					n->lo = t->lo + (bin << t->shift);
					n->hi = Min(t->hi, n->lo + ((UINT64CONST(1) << t->shift) - 1));
					n->offset = t->offset + below;
					n->count = t->bins[bin];
					n->which = palloc(t->nwhich * sizeof(int));
				}
				n->which[n->nwhich++] = w;
			}
			pfree(t->bins);
		}
		pfree(qp.targets);

		/* bins of one key need no more passes */
		qp.targets = next;
		qp.ntargets = 0;
		for (int i = 0; i < nnext; i++)
		{
			if (next[i].lo == next[i].hi)
			{
				for (int j = 0; j < next[i].nwhich; j++)
					values[next[i].which[j]] = value_of(next[i].lo);
			}
			else
				qp.targets[qp.ntargets++] = next[i];
		}
	}
}

static int
compare_int64(const void *x, const void *y)
{
	int64		a = *(const int64 *) x;
	int64		b = *(const int64 *) y;

	return (a > b) - (a < b);
}

static void
check_quantile(double q)
{
	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));
}

/*
 * The quantiles qs[0..nq) (not null[i]) of elements [first, first + count)
 * of a, as percentile_cont computes them: the two elements around the
 * position q * (count - 1) in sorted order, interpolated.
 */
static void
quantiles(BAArray *a, int64 first, int64 count, const double *qs,
		  const bool *nulls, int nq, double *results)
{
	int64	   *ranks = palloc(2 * nq * sizeof(int64));
	double	   *values;
	int			nranks = 0;
	int			k = 0;

	for (int i = 0; i < nq; i++)
	{
		if (nulls[i])
			continue;
		ranks[nranks++] = (int64) floor(qs[i] * (count - 1));
		ranks[nranks++] = (int64) ceil(qs[i] * (count - 1));
	}
	/* ascending and distinct */
	qsort(ranks, nranks, sizeof(int64), compare_int64);
	for (int i = 0; i < nranks; i++)
	{
		if (k == 0 || ranks[k - 1] != ranks[i])
			ranks[k++] = ranks[i];
	}
	nranks = k;
	values = palloc(Max(nranks, 1) * sizeof(double));
	values_at_ranks(a, first, count, ranks, nranks, values);

	for (int i = 0; i < nq; i++)
	{
		double		pos = qs[i] * (count - 1);
		int64		lo_rank = (int64) floor(pos);
		int64		hi_rank = (int64) ceil(pos);
		double		lo;
		double		hi;

		if (nulls[i])
			continue;
		lo = values[(int64 *) bsearch(&lo_rank, ranks, nranks, sizeof(int64),
									  compare_int64) - ranks];
		hi = values[(int64 *) bsearch(&hi_rank, ranks, nranks, sizeof(int64),
									  compare_int64) - ranks];
		/* percentile_cont's float8_lerp */
		results[i] = hi_rank > lo_rank ? lo + (pos - lo_rank) * (hi - lo) : lo;
	}
}

/* ba_quantile(a, q float8) -> float8: percentile_cont(q) of the elements */
PG_FUNCTION_INFO_V1(ba_quantile);
Datum
ba_quantile(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	double		q = PG_GETARG_FLOAT8(1);
	bool		null = false;
	double		result;

	check_quantile(q);
	if (a->nelems == 0)
		PG_RETURN_NULL();
	quantiles(a, 0, a->nelems, &q, &null, 1, &result);
	PG_RETURN_FLOAT8(result);
}

/*
 * ba_quantile(a, q float8[]) -> float8[]: percentile_cont(q) for an array
 * of fractions, in one set of passes; the result has q's shape, NULL
 * where q has NULL.
 */
PG_FUNCTION_INFO_V1(ba_quantiles);
Datum
ba_quantiles(PG_FUNCTION_ARGS)
{
	BAArray    *a = ba_array_open(PG_GETARG_OID(0), BA_READ);
	ArrayType  *qarr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *qdatums;
	bool	   *nulls;
	int			nq;
	double	   *qs;
	double	   *results;
	Datum	   *rdatums;

	/* as percentile_cont's array form: no elements, no checks */
	if (a->nelems == 0)
		PG_RETURN_NULL();
	deconstruct_array(qarr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &qdatums, &nulls, &nq);
	qs = palloc(Max(nq, 1) * sizeof(double));
	results = palloc(Max(nq, 1) * sizeof(double));
	rdatums = palloc(Max(nq, 1) * sizeof(Datum));
	for (int i = 0; i < nq; i++)
	{
		qs[i] = nulls[i] ? 0 : DatumGetFloat8(qdatums[i]);
		if (!nulls[i])
			check_quantile(qs[i]);
	}
	quantiles(a, 0, a->nelems, qs, nulls, nq, results);
	for (int i = 0; i < nq; i++)
		rdatums[i] = Float8GetDatum(results[i]);
	if (ARR_NDIM(qarr) == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(rdatums, nulls, ARR_NDIM(qarr),
											 ARR_DIMS(qarr), ARR_LBOUND(qarr),
											 FLOAT8OID, sizeof(float8),
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
