/*
 * test_signals.c - the SIGSEGV handler towards the rest of the process:
 * foreign faults reach the handler installed before, or kill the process as
 * they would have; errno survives handled faults (behaviour 8 of the issue).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "access.h"
#include "harness.h"

#define PS	TEST_PAGESIZE

/* A system page of our own, outside every virtmem mapping. */
static volatile uint8_t *
foreign_page(int prot)
{
	void	   *page = mmap(NULL, (size_t) sysconf(_SC_PAGESIZE), prot,
							MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(page != MAP_FAILED);
	CHECK(virt_lookup_vma(page) == NULL);
	return page;
}

static void
write_byte_at(void *addr)
{
	expect_fault_at(addr);
	*(volatile uint8_t *) addr = 1;
}

/* 8: with no handler before virtmem's, a foreign fault kills the process. */
static void
foreign_fault_dies_of_sigsegv(const struct access_driver *how)
{
	struct fixture fx;
	struct child_outcome outcome;
	VMA			vma;

	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK(access_page_is(how, &vma, 0, 0, 0));

	read_in_child(foreign_page(PROT_NONE), &outcome);
	CHECK_DIED_OF_SIGSEGV(outcome);
	run_in_child(write_byte_at, (void *) foreign_page(PROT_READ), &outcome);
	CHECK_DIED_OF_SIGSEGV(outcome);

	/* the mapping still works in this process */
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	vma_unmap(&vma);
	fixture_close(&fx);
}

static volatile sig_atomic_t prior_handler_calls;
static void *volatile prior_handler_addr;
static volatile uint8_t *plain_handler_page;

/* Record a foreign fault and make its page accessible, so the access retries fine. */
static void
prior_siginfo_handler(int sig, siginfo_t *info, void *ucontext)
{
	uintptr_t	page = (uintptr_t) info->si_addr & ~((uintptr_t) sysconf(_SC_PAGESIZE) - 1);

	(void) ucontext;
	if (sig != SIGSEGV)
		_exit(3);
	prior_handler_calls++;
	prior_handler_addr = info->si_addr;
	mprotect((void *) page, (size_t) sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
}

/* The same without SA_SIGINFO: it can only know the page in advance. */
static void
prior_plain_handler(int sig)
{
	if (sig != SIGSEGV)
		_exit(3);
	prior_handler_calls++;
	mprotect((void *) plain_handler_page, (size_t) sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE);
}

static void
install_prior_handler(bool siginfo)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (siginfo)
	{
		sa.sa_flags = SA_SIGINFO;
		sa.sa_sigaction = prior_siginfo_handler;
	}
	else
		sa.sa_handler = prior_plain_handler;
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
}

/*
 * Foreign faults before, between and after virtmem faults reach the prior
 * handler, with the faulting address; virtmem's own faults never do.
 */
static void
check_foreign_faults_reach_prior_handler(const struct access_driver *how, bool reinit)
{
	struct fixture fx;
	VMA			vma;
	volatile uint8_t *foreign = foreign_page(PROT_NONE);

	fixture_open(&fx, how, PS, 4, 0);
	if (reinit)
		CHECK_OK(pagefault_init());
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));

	expect_fault_at(&foreign[100]);
	CHECK_EQ(foreign[100], 0);
	CHECK_EQ(prior_handler_calls, 1);
	CHECK(prior_handler_addr == (void *) (foreign + 100));

	CHECK(access_page_is(how, &vma, 0, 0, 0));
	access_fill_page(how, &vma, 1, 0x11);
	CHECK_EQ(prior_handler_calls, 1);

	foreign = foreign_page(PROT_READ);
	expect_fault_at(&foreign[7]);
	foreign[7] = 7;
	CHECK_EQ(prior_handler_calls, 2);
	CHECK(prior_handler_addr == (void *) (foreign + 7));
	CHECK(access_page_filled(how, &vma, 1, 0x11));

	fileh_dirty_discard(&fx.fileh);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 8: foreign faults are passed to a prior SA_SIGINFO handler. */
static void
foreign_fault_chains_to_siginfo_handler(const struct access_driver *how)
{
	install_prior_handler(true);
	check_foreign_faults_reach_prior_handler(how, false);
}

/* 8: a second pagefault_init() does not make virtmem its own "prior" handler. */
static void
pagefault_init_twice_still_chains(const struct access_driver *how)
{
	install_prior_handler(true);
	check_foreign_faults_reach_prior_handler(how, true);
}

/* 8: foreign faults are passed to a prior plain (sa_handler) handler. */
static void
foreign_fault_chains_to_plain_handler(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;

	plain_handler_page = foreign_page(PROT_NONE);
	install_prior_handler(false);
	fixture_open(&fx, how, PS, 4, 0);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 4));
	CHECK(access_page_is(how, &vma, 0, 0, 0));
	expect_fault_at(&plain_handler_page[5]);
	CHECK_EQ(plain_handler_page[5], 0);
	CHECK_EQ(prior_handler_calls, 1);
	CHECK(access_page_is(how, &vma, 1, 1, 0));
	CHECK_EQ(prior_handler_calls, 1);
	vma_unmap(&vma);
	fixture_close(&fx);
}

/* 8: errno is the same after a handled fault, though loadblk changes it. */
static void
errno_survives_handled_faults(const struct access_driver *how)
{
	struct fixture fx;
	VMA			vma;
	unsigned long faults;

	fixture_open(&fx, how, PS, 8, 2);
	CHECK_OK(fileh_mmap(&vma, &fx.fileh, 0, 8));
	faults = faults_served();

	for (vm_pgoff_t page = 0; page < 8; page++)
		expect_fault_at(page_addr(&vma, page, 0));
	errno = EXDEV;
	CHECK_EQ(*page_addr(&vma, 0, 1), mock_byte(0, 1, 0));	/* load */
	CHECK_EQ(errno, EXDEV);
	*page_addr(&vma, 0, 1) = 1; /* dirty a loaded page */
	CHECK_EQ(errno, EXDEV);
	*page_addr(&vma, 1, 1) = 1; /* load and dirty */
	CHECK_EQ(errno, EXDEV);
	CHECK_OK(fileh_dirty_writeout(&fx.fileh, WRITEOUT_STORE | WRITEOUT_MARKSTORED));
	errno = EDOM;
	for (vm_pgoff_t page = 2; page < 8; page++)	/* load and reclaim */
		CHECK_EQ(*page_addr(&vma, page, 0), mock_byte(page, 0, 0));
	CHECK_EQ(errno, EDOM);
	CHECK(faults_served() - faults >= 9);
	CHECK(fixture_stats(&fx).nreclaimed > 0);

	vma_unmap(&vma);
	fixture_close(&fx);
}

static const struct test_case signal_cases[] = {
	{"b8 foreign fault dies of SIGSEGV/fault", foreign_fault_dies_of_sigsegv, &access_by_fault},
	{"b8 foreign fault chains to SA_SIGINFO handler/fault", foreign_fault_chains_to_siginfo_handler,
	&access_by_fault},
	{"b8 foreign fault chains to plain handler/fault", foreign_fault_chains_to_plain_handler,
	&access_by_fault},
	{"b8 pagefault_init twice still chains/fault", pagefault_init_twice_still_chains,
	&access_by_fault},
	{"b8 errno survives handled faults/fault", errno_survives_handled_faults, &access_by_fault},
};

const struct test_suite signal_suite = SUITE(signal_cases);
