/*
 * memory.c - the memory context of everything the extension keeps across
 * transactions (arrays, descriptors, saved shapes, pins), named so that it
 * shows in MemoryContextStats and its size is seen at a glance.  A leaf.
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
