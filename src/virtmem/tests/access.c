/*
 * access.c - fault-driven and call-driven page accesses, /proc/self/maps
 * and memfd inspection, and the shared fixture (see access.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif

#include "access.h"
#include "harness.h"

const struct access_driver access_by_fault = {ACCESS_BY_FAULT};
const struct access_driver access_by_call = {ACCESS_BY_CALL};

static volatile sig_atomic_t nfaults;
static unsigned long ncalls_handled;
static struct sigaction virtmem_action;

/* Count a SIGSEGV and hand it to the handler virtmem installed. */
static void
counting_handler(int sig, siginfo_t *info, void *ucontext)
{
	nfaults++;
	if (virtmem_action.sa_flags & SA_SIGINFO)
		virtmem_action.sa_sigaction(sig, info, ucontext);
	else
		virtmem_action.sa_handler(sig);
}

void
access_setup(const struct access_driver *how)
{
	static bool counter_installed;
	struct sigaction counting;

	if (how->kind == ACCESS_BY_CALL || counter_installed)
		return;
	CHECK_OK(pagefault_init());
	CHECK_OK(sigaction(SIGSEGV, NULL, &virtmem_action));
	CHECK(virtmem_action.sa_handler != SIG_DFL && virtmem_action.sa_handler != SIG_IGN);
	counting = virtmem_action;
	counting.sa_flags |= SA_SIGINFO;
	counting.sa_sigaction = counting_handler;
	CHECK_OK(sigaction(SIGSEGV, &counting, NULL));
	counter_installed = true;
}

unsigned long
faults_served(void)
{
	return (unsigned long) nfaults + ncalls_handled;
}

void
expect_fault_at(const volatile void *addr)
{
#ifdef VALGRIND_MAKE_MEM_DEFINED
	uintptr_t	syspage = (uintptr_t) sysconf(_SC_PAGESIZE);

	VALGRIND_MAKE_MEM_DEFINED((void *) ((uintptr_t) addr & ~(syspage - 1)), syspage);
#else
	(void) addr;
#endif
}

volatile uint8_t *
page_addr(const VMA *vma, vm_pgoff_t page, size_t off)
{
	return (volatile uint8_t *) (vma->addr_start + page * vma->fileh->file->blksize + off);
}

/* In call mode, serve the access the way the SIGSEGV handler would. */
static void
serve_by_call(const struct access_driver *how, VMA *vma, volatile uint8_t *addr, int write)
{
	VMFaultResult result;

	if (how->kind != ACCESS_BY_CALL)
		return;
	result = vma_on_pagefault(vma, (uintptr_t) addr, write);
	if (result == VM_FAILED)
		test_fail(__FILE__, __LINE__, "vma_on_pagefault(%s of %p) returned VM_FAILED",
				  write ? "write" : "read", (void *) addr);
	if (result == VM_HANDLED)
		ncalls_handled++;
}

uint8_t
access_read(const struct access_driver *how, VMA *vma, vm_pgoff_t page, size_t off)
{
	volatile uint8_t *addr = page_addr(vma, page, off);

	serve_by_call(how, vma, addr, 0);
	expect_fault_at(addr);
	return *addr;
}

void
access_write(const struct access_driver *how, VMA *vma, vm_pgoff_t page, size_t off, uint8_t value)
{
	volatile uint8_t *addr = page_addr(vma, page, off);

	serve_by_call(how, vma, addr, 1);
	expect_fault_at(addr);
	*addr = value;
}

bool
access_page_is(const struct access_driver *how, VMA *vma, vm_pgoff_t page, uint64_t blk, unsigned gen)
{
	size_t		pagesize = vma->fileh->file->blksize;

	access_read(how, vma, page, 0);
	return mock_pattern_equals((const void *) page_addr(vma, page, 0), pagesize, blk, gen);
}

bool
access_page_filled(const struct access_driver *how, VMA *vma, vm_pgoff_t page, uint8_t value)
{
	size_t		pagesize = vma->fileh->file->blksize;
	const uint8_t *bytes = (const uint8_t *) page_addr(vma, page, 0);

	access_read(how, vma, page, 0);
	for (size_t off = 0; off < pagesize; off++)
		if (bytes[off] != value)
			return false;
	return true;
}

void
access_fill_page(const struct access_driver *how, VMA *vma, vm_pgoff_t page, uint8_t value)
{
	access_write(how, vma, page, 0, value);
	memset((void *) page_addr(vma, page, 0), value, vma->fileh->file->blksize);
}

static void
read_byte_at(void *addr)
{
	expect_fault_at(addr);
	(void) *(volatile uint8_t *) addr;
}

void
read_in_child(const volatile uint8_t *addr, struct child_outcome *out)
{
	run_in_child(read_byte_at, (void *) addr, out);
}

const char *
kernel_protection(const volatile void *addr)
{
	FILE	   *maps = fopen("/proc/self/maps", "r");
	char		line[512];
	const char *prot = NULL;

	if (maps == NULL)
		test_fail(__FILE__, __LINE__, "/proc/self/maps: %m");
	while (prot == NULL && fgets(line, sizeof(line), maps) != NULL)
	{
		uintptr_t	start,
					stop;
		char		perms[5];

		if (sscanf(line, "%jx-%jx %4s", (uintmax_t *) &start, (uintmax_t *) &stop, perms) != 3)
			continue;
		if ((uintptr_t) addr < start || (uintptr_t) addr >= stop)
			continue;
		if (perms[0] == 'r' && perms[1] == 'w')
			prot = "rw";
		else if (perms[0] == 'r')
			prot = "r-";
		else
			prot = "--";
	}
	fclose(maps);
	if (prot == NULL)
		test_fail(__FILE__, __LINE__, "%p is in no kernel memory area", (const void *) addr);
	return prot;
}

size_t
kernel_area_count(void)
{
	FILE	   *maps = fopen("/proc/self/maps", "r");
	char		line[512];
	size_t		count = 0;

	if (maps == NULL)
		test_fail(__FILE__, __LINE__, "/proc/self/maps: %m");
	while (fgets(line, sizeof(line), maps) != NULL)
	{
		uintptr_t	start,
					stop;

		if (sscanf(line, "%jx-%jx", (uintmax_t *) &start, (uintmax_t *) &stop) == 2)
			count++;
	}
	fclose(maps);
	return count;
}

size_t
kernel_ram_bytes(void)
{
	static const char name[] = "/memfd:bigarray-ram";
	DIR		   *dir = opendir("/proc/self/fd");
	struct dirent *entry;
	int			fd = -1;
	struct stat st;

	if (dir == NULL)
		test_fail(__FILE__, __LINE__, "/proc/self/fd: %m");
	while (fd < 0 && (entry = readdir(dir)) != NULL)
	{
		char		target[256];
		ssize_t		len;

		len = readlinkat(dirfd(dir), entry->d_name, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strncmp(target, name, sizeof(name) - 1) == 0)
			fd = atoi(entry->d_name);
	}
	closedir(dir);
	if (fd < 0)
		test_fail(__FILE__, __LINE__, "no RAM memfd among the open files");
	if (fstat(fd, &st) < 0)
		test_fail(__FILE__, __LINE__, "fstat of the RAM memfd: %m");
	return (size_t) st.st_blocks * 512;
}

void
fixture_open(struct fixture *fx, const struct access_driver *how,
			 size_t pagesize, size_t nblocks, size_t max_pages)
{
	if (how != NULL)
		access_setup(how);
	fx->pagesize = pagesize;
	fx->ram = ram_new(pagesize, max_pages);
	if (fx->ram == NULL)
		test_fail(__FILE__, __LINE__, "ram_new(%zu, %zu): %m", pagesize, max_pages);
	fx->mf = mock_file_new(pagesize, nblocks);
	CHECK_OK(fileh_open(&fx->fileh, &fx->mf->file, fx->ram));
}

void
fixture_close(struct fixture *fx)
{
	fileh_close(&fx->fileh);
	ram_close(fx->ram);
	mock_file_free(fx->mf);
}

struct ram_stats
fixture_stats(const struct fixture *fx)
{
	struct ram_stats stats;

	ram_get_stats(fx->ram, &stats);
	return stats;
}
