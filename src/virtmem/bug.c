/*
 * bug.c - the bottom of the core: its fatal path, and the flag that tells
 * the fault handler virtmem is busy.
 *
 * Every other file of the core may call in here; this file calls none of
 * them.  Both live here rather than in pagefault.c so that a program that
 * never installs the SIGSEGV handler (a PostgreSQL backend) links without it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virtmem_int.h"

volatile int virtmem_busy;

void
virtmem_bug(const char *what)
{
	static const char prefix[] = "virtmem: BUG: ";

	(void) !write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	(void) !write(STDERR_FILENO, what, strlen(what));
	(void) !write(STDERR_FILENO, "\n", 1);
	abort();
}
