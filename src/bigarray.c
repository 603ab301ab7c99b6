/*
 * bigarray.c - the module: PG_MODULE_MAGIC and _PG_init, which defines the
 * GUCs (their variables belong to array.c, which reads them) and, in a
 * backend, sets up the empty page cache, so that sessions started with
 * session_preload_libraries pay for it before their first statement; the
 * top of the stack, since a new cache size is applied to the array layer
 * at once.
 *
 * bigarray.cache_size caps the memory a backend keeps for array pages;
 * bigarray.page_size is the unit in which pages are loaded and stored.  A
 * backend keeps one page cache of one page size: a new page size takes
 * effect at the first array opened by a later transaction (array.c).
 */
#include "bigarray.h"

#include "utils/guc.h"

PG_MODULE_MAGIC;

static bool
check_page_size(int *newval, void **extra, GucSource source)
{
	if ((*newval & (*newval - 1)) != 0)
	{
		GUC_check_errdetail("bigarray.page_size must be a power of two.");
		return false;
	}
	return true;
}

static void
assign_cache_size(int newval, void *extra)
{
	ba_array_cache_resize(newval);
}

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("bigarray.cache_size",
							"Memory for cached array pages, per backend.",
							"Clean pages beyond it are evicted; dirty pages "
							"beyond half of it are written into their large "
							"objects early, still inside the transaction.",
							&ba_cache_size_kb,
							256 * 1024,
							8 * 1024,
							INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, assign_cache_size, NULL);
	DefineCustomIntVariable("bigarray.page_size",
							"Size of the pages in which arrays are loaded and stored.",
							"A power of two from 4kB to 2MB.  A backend "
							"switches to a new value at the first array it "
							"opens in a later transaction.",
							&ba_page_size_kb,
							64,
							4,
							BA_MAX_PAGE_SIZE / 1024,
							PGC_USERSET,
							GUC_UNIT_KB,
							check_page_size, NULL, NULL);
	DefineCustomIntVariable("bigarray.parallel_min_size",
							"Smallest range a reduction reads with parallel workers.",
							"Reductions (ba_sum, ba_mean, ba_var, ba_argmax, ... "
							"and ba_dot) over at least this many bytes, and more "
							"than bigarray.cache_size, use up to "
							"max_parallel_workers_per_gather workers; -1 never does.",
							&ba_parallel_min_size_kb,
							64 * 1024,
							-1,
							INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("bigarray");
	ba_array_cache_preload();
}
