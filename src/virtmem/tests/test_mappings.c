/*
 * test_mappings.c - several mappings of one handle, unmapping, closing, and
 * mappings by the thousand (behaviours 7 and 9 of the core's issue).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE

/* 7: two mappings of one handle, at different file offsets, share pages. */
static void
two_mappings_see_each_others_writes(const struct access_driver *how)
{
	struct fixture fx;
	VMA			whole,
				tail;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&whole, &fx.fileh, 0, 8));
	CHECK_OK(fileh_mmap(&tail, &fx.fileh, 2, 6));
	CHECK(whole.addr_stop <= tail.addr_start || tail.addr_stop <= whole.addr_start);

	access_fill_page(how, &whole, 3, 0x31);
	CHECK(access_page_filled(how, &tail, 1, 0x31));
	access_fill_page(how, &tail, 4, 0x62);
	CHECK(access_page_filled(how, &whole, 6, 0x62));
	access_write(how, &tail, 1, 10, 0x32);
	CHECK_EQ(access_read(how, &whole, 3, 10), 0x32);
	CHECK(access_page_is(how, &tail, 5, 7, 0));
	CHECK(access_page_is(how, &whole, 7, 7, 0));

	for (blk_t blk = 0; blk < 8; blk++)
		CHECK(fx.mf->nloads[blk] <= 1);
	CHECK_EQ(fixture_stats(&fx).ndirty, 2);
	CHECK_EQ(fixture_stats(&fx).npages, 3);

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&whole);
	vma_unmap(&tail);
	fixture_close(&fx);
}

/* 7: unmapping keeps dirty pages; a new mapping sees them, writeout stores them. */
static void
unmap_keeps_dirty_pages_for_writeout(const struct access_driver *how)
{
	struct fixture fx;
	VMA			first,
				second;
	uintptr_t	first_start;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&first, &fx.fileh, 0, 4));
	access_fill_page(how, &first, 2, 0x77);
	access_read(how, &first, 1, 0);
	first_start = first.addr_start;
	vma_unmap(&first);
	CHECK(virt_lookup_vma((void *) first_start) == NULL);
	CHECK_EQ(fixture_stats(&fx).ndirty, 1);

	CHECK_OK(fileh_mmap(&second, &fx.fileh, 0, 4));
	CHECK(access_page_filled(how, &second, 2, 0x77));
	CHECK_EQ(fx.mf->nloads[2], 1);
	vma_unmap(&second);

	CHECK_EQ(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED), 0);
	CHECK_EQ(fx.mf->nstore_calls, 1);
	CHECK_EQ(mock_block(fx.mf, 2)[PS / 2], 0x77);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	fixture_close(&fx);
}

/* 7: closing a handle gives back all its pages and calls release once. */
static void
close_releases_all_memory(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	fixture_open(&fx, how, PS, 8, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	for (vm_pgoff_t page = 0; page < 8; page++)
		access_read(how, &vma, page, 0);
	access_fill_page(how, &vma, 3, 0x33);
	CHECK_OK(vma_pin(&vma, 4, 2, 0));
	vma_unpin(&vma, 4, 2);
	vma_unmap(&vma);

	fileh_close(&fx.fileh);
	CHECK_EQ(fx.mf->nreleased, 1);
	CHECK_EQ(fixture_stats(&fx).npages, 0);
	CHECK_EQ(fixture_stats(&fx).ndirty, 0);
	CHECK_EQ(fixture_stats(&fx).npinned, 0);
	CHECK_EQ(fx.mf->nstore_calls, 0);

	/* the RAM is as good as new for another handle */
	CHECK_OK(fileh_open(&fx.fileh, &fx.mf->file, fx.ram));
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	CHECK(access_page_is(how, &vma, 3, 3, 0));
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 7: two handles on one file each have their own pages. */
static void
two_handles_have_their_own_pages(const struct access_driver *how)
{
	struct fixture fx;
	BigFileH	other;
	VMA			vma,
				other_vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_open(&other, &fx.mf->file, fx.ram));
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK_OK(fileh_mmap(&other_vma, &other, 0, 4));
	access_fill_page(how, &vma, 1, 0x11);
	CHECK(access_page_is(how, &other_vma, 1, 1, 0));
	CHECK_EQ(fx.mf->nloads[1], 2);
	vma_unmap(&other_vma);
	fileh_close(&other);
	CHECK_EQ(fx.mf->nreleased, 1);
	CHECK(access_page_filled(how, &vma, 1, 0x11));
	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* Mappings by the thousand (behaviour 9). */
#define NMAPPINGS		5000
#define PAGES_PER_MAPPING	2
#define NBLOCKS_MANY	64
#define NPROBES			20000
/* "well below vm.max_map_count (65530)" */
#define KERNEL_AREAS_LIMIT	(65530 / 4)
#define ALLOCATOR_AREAS_SLACK	64

struct mapping_set
{
	VMA		   *vmas;
	bool	   *live;
	size_t		nlive;
	uintptr_t	lowest;			/* over every mapping ever made */
	uintptr_t	highest;
};

static int
compare_vma_start(const void *a, const void *b)
{
	const VMA  *x = *(VMA * const *) a;
	const VMA  *y = *(VMA * const *) b;

	return (x->addr_start > y->addr_start) - (x->addr_start < y->addr_start);
}

/* The live mappings sorted by address (caller frees). */
static VMA **
sorted_live(const struct mapping_set *set)
{
	VMA		  **sorted = malloc(set->nlive * sizeof(VMA *));
	size_t		n = 0;

	CHECK(sorted != NULL);
	for (size_t i = 0; i < NMAPPINGS; i++)
		if (set->live[i])
			sorted[n++] = &set->vmas[i];
	qsort(sorted, n, sizeof(VMA *), compare_vma_start);
	for (size_t i = 1; i < n; i++)
		CHECK(sorted[i - 1]->addr_stop <= sorted[i]->addr_start);
	return sorted;
}

/* The mapping holding addr by binary search over sorted, or NULL. */
static VMA *
expected_vma(VMA **sorted, size_t n, uintptr_t addr)
{
	size_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (addr < sorted[mid]->addr_start)
			hi = mid;
		else if (addr >= sorted[mid]->addr_stop)
			lo = mid + 1;
		else
			return sorted[mid];
	}
	return NULL;
}

/* Every edge of every live mapping, and random addresses around them, look up right. */
static void
check_lookups(const struct mapping_set *set)
{
	VMA		  **sorted = sorted_live(set);

	for (size_t i = 0; i < set->nlive; i++)
	{
		VMA		   *vma = sorted[i];

		CHECK(virt_lookup_vma((void *) vma->addr_start) == vma);
		CHECK(virt_lookup_vma((void *) (vma->addr_stop - 1)) == vma);
		CHECK(virt_lookup_vma((void *) (vma->addr_start - 1)) ==
			  expected_vma(sorted, set->nlive, vma->addr_start - 1));
		CHECK(virt_lookup_vma((void *) vma->addr_stop) ==
			  expected_vma(sorted, set->nlive, vma->addr_stop));
	}
	for (int probe = 0; probe < NPROBES; probe++)
	{
		uintptr_t	span = set->highest - set->lowest + 2 * PS;
		uintptr_t	addr = set->lowest - PS + (uintptr_t) ((double) random() / RAND_MAX * (span - 1));

		CHECK(virt_lookup_vma((void *) addr) == expected_vma(sorted, set->nlive, addr));
	}
	free(sorted);
}

/* Height of the subtree under node, counting reachable nodes into *count. */
static int
subtree_height(const VMA *node, size_t *count, size_t limit)
{
	int			left,
				right;

	if (node == NULL)
		return 0;
	if (++*count > limit)
		test_fail(__FILE__, __LINE__, "mapping tree has more nodes than mappings (a cycle?)");
	if (node->tree_left != NULL)
		CHECK(node->tree_left->addr_stop <= node->addr_start);
	if (node->tree_right != NULL)
		CHECK(node->tree_right->addr_start >= node->addr_stop);
	left = subtree_height(node->tree_left, count, limit);
	right = subtree_height(node->tree_right, count, limit);
	return 1 + (left > right ? left : right);
}

/*
 * Lookup is O(log n): the mapping tree (VMA.tree_left/tree_right) holds all
 * live mappings and is balanced: no deeper than a red-black tree may be,
 * 2 log2(n + 1).
 */
static void
check_tree_is_balanced(const struct mapping_set *set)
{
	bool	   *is_child = calloc(NMAPPINGS, sizeof(bool));
	const VMA  *root = NULL;
	size_t		count = 0;
	int			height;

	CHECK(is_child != NULL);
	for (size_t i = 0; i < NMAPPINGS; i++)
	{
		if (!set->live[i])
			continue;
		if (set->vmas[i].tree_left != NULL)
			is_child[set->vmas[i].tree_left - set->vmas] = true;
		if (set->vmas[i].tree_right != NULL)
			is_child[set->vmas[i].tree_right - set->vmas] = true;
	}
	for (size_t i = 0; i < NMAPPINGS; i++)
		if (set->live[i] && !is_child[i])
		{
			CHECK(root == NULL);
			root = &set->vmas[i];
		}
	free(is_child);
	CHECK(root != NULL);
	height = subtree_height(root, &count, set->nlive);
	CHECK_EQ(count, set->nlive);
	if (height > 2 * log2((double) set->nlive + 1))
		test_fail(__FILE__, __LINE__, "mapping tree of %zu nodes is %d deep", set->nlive, height);
}

static void
map_one(struct mapping_set *set, BigFileH *fileh, size_t i)
{
	VMA		   *vma = &set->vmas[i];

	CHECK_OK(fileh_mmap(vma, fileh, i % (NBLOCKS_MANY - PAGES_PER_MAPPING), PAGES_PER_MAPPING));
	CHECK_EQ(vma->addr_stop - vma->addr_start, PAGES_PER_MAPPING * PS);
	set->live[i] = true;
	set->nlive++;
	if (set->lowest == 0 || vma->addr_start < set->lowest)
		set->lowest = vma->addr_start;
	if (vma->addr_stop > set->highest)
		set->highest = vma->addr_stop;
}

static void
unmap_one(struct mapping_set *set, size_t i)
{
	vma_unmap(&set->vmas[i]);
	set->live[i] = false;
	set->nlive--;
}

/*
 * 9: 5,000 mappings, touched so that protections alternate, then half
 * removed at random and remapped: lookups stay right, the tree balanced,
 * and kernel memory areas well below vm.max_map_count; once everything is
 * unmapped the kernel areas are back to (about) what they were.
 */
static void
thousands_of_mappings(const struct access_driver *how)
{
	struct fixture fx;
	struct mapping_set set = {0};
	size_t		areas_before,
				last_writer,
				order[NMAPPINGS];

	fixture_open(&fx, how, PS, NBLOCKS_MANY, 0);
	set.vmas = calloc(NMAPPINGS, sizeof(VMA));
	set.live = calloc(NMAPPINGS, sizeof(bool));
	CHECK(set.vmas != NULL && set.live != NULL);
	areas_before = kernel_area_count();
	srandom(9);

	for (size_t i = 0; i < NMAPPINGS; i++)
		map_one(&set, &fx.fileh, i);
	for (size_t i = 0; i < NMAPPINGS; i += 3)
		CHECK(access_page_is(how, &set.vmas[i], 1, i % (NBLOCKS_MANY - PAGES_PER_MAPPING) + 1, 0));
	for (size_t i = 0; i < NMAPPINGS; i += 5)
		access_write(how, &set.vmas[i], 0, 0, (uint8_t) i);
	check_lookups(&set);
	check_tree_is_balanced(&set);
	CHECK(kernel_area_count() < KERNEL_AREAS_LIMIT);

	for (size_t i = 0; i < NMAPPINGS; i++)
		order[i] = i;
	for (size_t i = NMAPPINGS - 1; i > 0; i--)
	{
		size_t		j = (size_t) random() % (i + 1),
					tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < NMAPPINGS / 2; i++)
		unmap_one(&set, order[i]);
	check_lookups(&set);
	check_tree_is_balanced(&set);
	for (size_t i = 0; i < NMAPPINGS / 2; i++)
		map_one(&set, &fx.fileh, order[i]);
	check_lookups(&set);
	check_tree_is_balanced(&set);
	CHECK(kernel_area_count() < KERNEL_AREAS_LIMIT);

	/* all mappings of a block share its page: the last write to block 2 shows */
	last_writer = 0;
	for (size_t i = 0; i < NMAPPINGS; i += 5)
		if (i % (NBLOCKS_MANY - PAGES_PER_MAPPING) == 2)
			last_writer = i;
	CHECK(last_writer != 0);
	CHECK_EQ(access_read(how, &set.vmas[1], 1, 0), (uint8_t) last_writer);
	CHECK_EQ(access_read(how, &set.vmas[1], 1, 1), mock_byte(2, 1, 0));
	CHECK(fixture_stats(&fx).npages <= NBLOCKS_MANY);

	for (size_t i = 0; i < NMAPPINGS; i++)
		unmap_one(&set, order[i]);
	/*
	 * the kernel areas of the mappings are given back; a few more may be the
	 * allocator's (ASan's maps a region per size class on demand)
	 */
	CHECK(kernel_area_count() < areas_before + ALLOCATOR_AREAS_SLACK);
	free(set.vmas);
	free(set.live);
	fileh_dirty_discard(&fx.fileh);
	fixture_close(&fx);
}

/*
 * 9: reading every other page of a long mapping through a capped RAM keeps
 * the kernel areas bounded by the RAM, not by the mapping: reclaimed pages
 * must not leave their own kernel areas behind.
 */
#define LONG_MAPPING_PAGES	20000
#define LONG_MAPPING_RAM	256

static void
alternating_pages_keep_kernel_areas_low(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	size_t		areas_before;

	fixture_open(&fx, how, 4096, LONG_MAPPING_PAGES, LONG_MAPPING_RAM);
	areas_before = kernel_area_count();
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, LONG_MAPPING_PAGES));
	for (vm_pgoff_t page = 0; page < LONG_MAPPING_PAGES; page += 2)
		CHECK_EQ(access_read(how, &vma, page, 1), mock_byte(page, 1, 0));
	CHECK(fixture_stats(&fx).npages <= LONG_MAPPING_RAM);
	CHECK(kernel_area_count() - areas_before < 4 * LONG_MAPPING_RAM);
	vma_unmap(&vma);
	fixture_close(&fx);
}

static const struct test_case mapping_cases[] = {
	BOTH_WAYS("b7 two mappings see each other's writes", two_mappings_see_each_others_writes),
	BOTH_WAYS("b7 unmap keeps dirty pages for writeout", unmap_keeps_dirty_pages_for_writeout),
	BOTH_WAYS("b7 close releases all memory", close_releases_all_memory),
	BOTH_WAYS("b7 two handles have their own pages", two_handles_have_their_own_pages),
	BOTH_WAYS("b9 thousands of mappings", thousands_of_mappings),
	BOTH_WAYS("b9 alternating pages keep kernel areas low", alternating_pages_keep_kernel_areas_low),
};

const struct test_suite mapping_suite = SUITE(mapping_cases);
