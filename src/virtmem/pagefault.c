/*
 * pagefault.c - serving accesses to mapped pages through SIGSEGV.
 *
 * vma_on_pagefault() provides a page for a read or write access; the SIGSEGV
 * handler installed by pagefault_init() finds the mapping of the faulting
 * address and calls it.  Faults that are not virtmem's -- outside every
 * mapping, nested inside virtmem's own work (a storage callback touching a
 * mapping), or for a page that could not be provided -- go to the handler
 * installed before, or take the default action.
 *
 * The top of the core's stack, and a library of its own (libvirtmem-fault.a):
 * nothing else in the core calls in here, and a program that only pins (a
 * PostgreSQL backend) links without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "virtmem_int.h"

static struct sigaction prev_sigsegv;
static bool handler_installed;

VMFaultResult
vma_on_pagefault(VMA *vma, uintptr_t addr, int write)
{
	size_t		idx;
	VMPage	   *page;

	if (vma->page_ismapped == NULL || addr < vma->addr_start || addr >= vma->addr_stop)
	{
		errno = EINVAL;
		return VM_FAILED;
	}
	idx = (addr - vma->addr_start) / vma->fileh->ram->pagesize;
	if (write ? vma_page_writable(vma, idx) : vma_page_mapped(vma, idx))
		return VM_RETRY;

	if (page_load(vma->fileh, vma->f_pgoffset + idx, &page) < 0)
		return VM_FAILED;
	if (write && page_prepare_write(page) < 0)
		return VM_FAILED;
	/* a read of a page whose write would need no undo record maps it writable */
	if (page_map(vma, idx, page, page_write_allowed(page)) < 0)
		return VM_FAILED;
	page_lru_touch(page);
	return VM_HANDLED;
}

/* Async-signal-safe output of a message and an address. */
static void
report_failed_fault(uintptr_t addr, int err)
{
	char		buf[160];
	size_t		len = 0;
	const char *head = "virtmem: cannot provide the page at 0x";
	const char *why = err == EIO ? " (loadblk failed)\n" :
		err == ENOMEM ? " (no RAM page available)\n" : " (mapping failed)\n";
	char		hex[2 * sizeof(uintptr_t)];
	int			n = 0;

	memcpy(buf, head, strlen(head));
	len = strlen(head);
	do
	{
		hex[n++] = "0123456789abcdef"[addr & 0xf];
		addr >>= 4;
	} while (addr != 0);
	while (n > 0)
		buf[len++] = hex[--n];
	memcpy(buf + len, why, strlen(why));
	len += strlen(why);
	(void) !write(STDERR_FILENO, buf, len);
}

/*
 * Was the fault a write?  On x86_64 the page-fault error code says so.
 * Otherwise (or if the code claims a read, as some emulators report), a
 * fault on a page this VMA already maps -- readable -- can only be a write.
 */
static bool
fault_is_write(const VMA *vma, uintptr_t addr, void *uctx)
{
	size_t		idx = (addr - vma->addr_start) / vma->fileh->ram->pagesize;

#if defined(__x86_64__) && defined(REG_ERR)
	if (((ucontext_t *) uctx)->uc_mcontext.gregs[REG_ERR] & 2)
		return true;
#else
	(void) uctx;
#endif
	return vma_page_mapped(vma, idx);
}

static void
pass_on(int sig, siginfo_t *si, void *uctx)
{
	if (prev_sigsegv.sa_flags & SA_SIGINFO)
		prev_sigsegv.sa_sigaction(sig, si, uctx);
	else if (prev_sigsegv.sa_handler == SIG_DFL || prev_sigsegv.sa_handler == SIG_IGN)
	{
		/* the access faults again and takes its default course */
		sigaction(SIGSEGV, &prev_sigsegv, NULL);
		handler_installed = false;
	}
	else
		prev_sigsegv.sa_handler(sig);
}

static void
on_sigsegv(int sig, siginfo_t *si, void *uctx)
{
	int			saved_errno = errno;
	uintptr_t	addr = (uintptr_t) si->si_addr;
	VMA		   *vma;

	vma = virtmem_busy ? NULL : virt_lookup_vma(si->si_addr);
	if (vma == NULL)
		pass_on(sig, si, uctx);
	else
	{
		VMFaultResult result;

		virtmem_busy++;
		result = vma_on_pagefault(vma, addr, fault_is_write(vma, addr, uctx));
		virtmem_busy--;
		if (result == VM_FAILED)
		{
			report_failed_fault(addr, errno);
			pass_on(sig, si, uctx);
		}
	}
	errno = saved_errno;
}

int
pagefault_init(void)
{
	struct sigaction act;

	if (handler_installed)
		return 0;
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = on_sigsegv;
	act.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&act.sa_mask);
	if (sigaction(SIGSEGV, &act, &prev_sigsegv) < 0)
		return -1;
	handler_installed = true;
	return 0;
}
