/*
 * memory.c - the memory context of everything the extension keeps across
 * transactions (arrays, descriptors, saved shapes, pins), named so that it
 * shows in MemoryContextStats and its size is seen at a glance, and the
 * one way its growable arrays grow.  A leaf.
 */
#include "bigarray.h"

#include "utils/memutils.h"

static MemoryContext memory_context = NULL;

MemoryContext
ba_memory_context(void)
{
	if (memory_context == NULL)
		memory_context = AllocSetContextCreate(TopMemoryContext, "bigarray",
											   ALLOCSET_DEFAULT_SIZES);
	return memory_context;
}

/*
 * array (of *capacity elements of elsize bytes, allocated in the context
 * above, or NULL) with room for at least needed elements: itself, or a
 * larger copy, growing by doubling.
 */
void *
ba_memory_reserve(void *array, int *capacity, int needed, Size elsize)
{
	int			newcap;

	if (needed <= *capacity)
		return array;
	newcap = Max(Max(16, needed), 2 * *capacity);
	if (array == NULL)
		array = MemoryContextAllocHuge(ba_memory_context(), newcap * elsize);
	else
		array = repalloc_huge(array, newcap * elsize);
	*capacity = newcap;
	return array;
}
