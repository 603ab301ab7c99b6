/*
 * pagetable.c - the page table of a file handle: f_pgoffset -> VMPage.
 *
 * An open-addressing hash table with linear probing and backward-shift
 * deletion (no tombstones), kept at most 70% full: O(1) lookups, one
 * pointer per bucket.
 */
#include <errno.h>
#include <stdlib.h>

#include "virtmem_int.h"

#define PAGETAB_MIN_CAPACITY	64

static inline size_t
pagetab_home(const PageTable *pt, vm_pgoff_t pgoffset)
{
	/* Fibonacci hashing spreads runs of consecutive offsets */
	return (size_t) ((pgoffset * UINT64_C(0x9E3779B97F4A7C15)) >> 32) &
		(pt->capacity - 1);
}

PageTable *
pagetab_new(void)
{
	PageTable  *pt = calloc(1, sizeof(*pt));

	if (pt == NULL)
		return NULL;
	pt->buckets = calloc(PAGETAB_MIN_CAPACITY, sizeof(*pt->buckets));
	if (pt->buckets == NULL)
	{
		free(pt);
		errno = ENOMEM;
		return NULL;
	}
	pt->capacity = PAGETAB_MIN_CAPACITY;
	return pt;
}

/* Free the table itself; the pages it points to are the caller's. */
void
pagetab_free(PageTable *pt)
{
	if (pt == NULL)
		return;
	free(pt->buckets);
	free(pt);
}

VMPage *
pagetab_get(const PageTable *pt, vm_pgoff_t pgoffset)
{
	size_t		mask = pt->capacity - 1;

	for (size_t i = pagetab_home(pt, pgoffset);; i = (i + 1) & mask)
	{
		VMPage	   *page = pt->buckets[i];

		if (page == NULL)
			return NULL;
		if (page->f_pgoffset == pgoffset)
			return page;
	}
}

static void
pagetab_insert_bucket(PageTable *pt, VMPage *page)
{
	size_t		mask = pt->capacity - 1;
	size_t		i = pagetab_home(pt, page->f_pgoffset);

	while (pt->buckets[i] != NULL)
		i = (i + 1) & mask;
	pt->buckets[i] = page;
}

static int
pagetab_grow(PageTable *pt)
{
	VMPage	  **old = pt->buckets;
	size_t		old_capacity = pt->capacity;
	VMPage	  **buckets = calloc(old_capacity * 2, sizeof(*buckets));

	if (buckets == NULL)
	{
		errno = ENOMEM;
		return -1;
	}
	pt->buckets = buckets;
	pt->capacity = old_capacity * 2;
	for (size_t i = 0; i < old_capacity; i++)
		if (old[i] != NULL)
			pagetab_insert_bucket(pt, old[i]);
	free(old);
	return 0;
}

/* Add a page whose offset is not in the table yet.  Fails with ENOMEM. */
int
pagetab_put(PageTable *pt, VMPage *page)
{
	if ((pt->count + 1) * 10 > pt->capacity * 7 && pagetab_grow(pt) < 0)
		return -1;
	pagetab_insert_bucket(pt, page);
	pt->count++;
	return 0;
}

void
pagetab_remove(PageTable *pt, vm_pgoff_t pgoffset)
{
	size_t		mask = pt->capacity - 1;
	size_t		hole;

	for (hole = pagetab_home(pt, pgoffset);; hole = (hole + 1) & mask)
	{
		if (pt->buckets[hole] == NULL)
			return;
		if (pt->buckets[hole]->f_pgoffset == pgoffset)
			break;
	}
	pt->count--;

	/*
	 * Shift later members of the probe run back into the hole, so that no
	 * entry ends up separated from its home bucket by an empty one.
	 */
	for (size_t i = (hole + 1) & mask; pt->buckets[i] != NULL; i = (i + 1) & mask)
	{
		size_t		home = pagetab_home(pt, pt->buckets[i]->f_pgoffset);

		/* may the entry at i move to hole?  yes unless home is in (hole, i] */
		if (((i - home) & mask) >= ((i - hole) & mask))
		{
			pt->buckets[hole] = pt->buckets[i];
			hole = i;
		}
	}
	pt->buckets[hole] = NULL;
}
