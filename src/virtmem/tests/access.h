/*
 * access.h - touching mapped pages two ways, and the fixture tests share.
 *
 * Every behaviour test runs twice: once by real memory accesses served by
 * the SIGSEGV handler of pagefault_init() (ACCESS_BY_FAULT), once by calling
 * vma_on_pagefault() before each access with no handler installed at all
 * (ACCESS_BY_CALL), so a page the call left inaccessible crashes the case.
 * faults_served() counts, in both modes, the accesses virtmem had to serve:
 * SIGSEGVs taken, or calls that returned VM_HANDLED.
 */
#ifndef VIRTMEM_TESTS_ACCESS_H
#define VIRTMEM_TESTS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bigarray/virtmem.h"
#include "mock_file.h"

/*
 * Page size of most cases: several system pages, so a page mapped or
 * protected only in part shows up.
 */
#define TEST_PAGESIZE	(16 * 1024)

/* Register a case for both kinds of access. */
#define BOTH_WAYS(name, fn) \
	{ name "/fault", fn, &access_by_fault }, \
	{ name "/call", fn, &access_by_call }

enum access_kind
{
	ACCESS_BY_FAULT,
	ACCESS_BY_CALL,
};

struct access_driver
{
	enum access_kind kind;
};

extern const struct access_driver access_by_fault;
extern const struct access_driver access_by_call;

/*
 * Prepare for accesses: in fault mode install virtmem's handler and, in
 * front of it, a counter that forwards every SIGSEGV to it.  Only the
 * first call in a process does anything.
 */
void		access_setup(const struct access_driver *how);

/* Accesses virtmem has served since access_setup(). */
unsigned long faults_served(void);

/*
 * Declare that the access about to be made to addr may fault on purpose.
 * Memcheck checks addressability before an access executes and does not
 * follow mprotect(), so a first access to a page still PROT_NONE -- the
 * very fault virtmem is there to serve -- would be reported as invalid.
 * Under memcheck this marks the system page holding addr addressable;
 * otherwise it does nothing.  The access itself still faults for real.
 */
void		expect_fault_at(const volatile void *addr);

/* Address of byte off of page page (relative to the mapping) of vma. */
volatile uint8_t *page_addr(const VMA *vma, vm_pgoff_t page, size_t off);

uint8_t		access_read(const struct access_driver *how, VMA *vma, vm_pgoff_t page, size_t off);
void		access_write(const struct access_driver *how, VMA *vma, vm_pgoff_t page, size_t off,
						 uint8_t value);

/* Read page and tell whether it holds file block blk of generation gen. */
bool		access_page_is(const struct access_driver *how, VMA *vma, vm_pgoff_t page,
						   uint64_t blk, unsigned gen);

/* Read page and tell whether every byte of it is value. */
bool		access_page_filled(const struct access_driver *how, VMA *vma, vm_pgoff_t page,
							   uint8_t value);

/* Write value to every byte of page. */
void		access_fill_page(const struct access_driver *how, VMA *vma, vm_pgoff_t page,
							 uint8_t value);

/*
 * Read the byte at addr in a forked child (the child exits 0 if the read
 * returns) and tell what became of the child.
 */
struct child_outcome;
void		read_in_child(const volatile uint8_t *addr, struct child_outcome *out);

/* Kernel protection of the area holding addr, as "rw", "r-" or "--". */
const char *kernel_protection(const volatile void *addr);

/* Lines of /proc/self/maps: the kernel memory areas of the process. */
size_t		kernel_area_count(void);

/*
 * Bytes of memory the kernel has allocated to the memfd of the one RAM open
 * in the process (its pages holding content, holes not counted).
 */
size_t		kernel_ram_bytes(void);

/* A RAM, a mock file and a handle on it, opened together. */
struct fixture
{
	size_t		pagesize;
	RAM		   *ram;
	struct mock_file *mf;
	BigFileH	fileh;
};

/*
 * Set up accesses as how says (NULL: leave signals alone), and open a
 * handle on a fresh nblocks-block mock file backed by a fresh RAM.
 */
void		fixture_open(struct fixture *fx, const struct access_driver *how,
						 size_t pagesize, size_t nblocks, size_t max_pages);

/* Close the handle and free the RAM and the mock (mappings must be gone). */
void		fixture_close(struct fixture *fx);

/* Figures of the fixture's RAM. */
struct ram_stats fixture_stats(const struct fixture *fx);

#endif							/* VIRTMEM_TESTS_ACCESS_H */
