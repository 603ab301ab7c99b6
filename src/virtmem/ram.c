/*
 * ram.c - page memory: fixed-size slots of one memfd.
 *
 * The slot allocator of the core, below the pages: it hands slots out and
 * takes them back, and moves a slot's bytes in and out.  It knows nothing
 * of what a slot holds; which page owns a slot, the cap on the number of
 * slots held and which page gives its slot up when the cap is reached are
 * page.c's.
 *
 * Page content lives in a memfd so that one slot can be mapped at several
 * addresses.  virtmem keeps no mapping of the memfd of its own: the kernel
 * counts a shared page in the process's RSS once per mapping holding it, so
 * a view of every page of its own would double the RSS of what is resident
 * (while using no more memory).  Instead virtmem moves a slot's bytes with
 * pread/pwrite of the memfd (ram_slot_read/ram_slot_write), which map
 * nothing: loadblk fills the RAM's bounce buffer, which is then written to
 * the slot; storeblk is handed the slot's bytes read back into it.  The
 * bounce buffer is one page, counted once, whatever the RAM holds.
 *
 * A slot given back has its hole punched, so its memory returns to the OS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtmem_int.h"

#define RAM_MIN_PAGESIZE	((size_t) 4 * 1024)
#define RAM_MAX_PAGESIZE	((size_t) 2 * 1024 * 1024)

/*
 * Set up the slot fields of ram for pages of pagesize bytes.  Fails with
 * EINVAL for a page size that is not a power of two from 4 KiB to 2 MiB and
 * a multiple of the system page size, or as memfd_create or malloc fail.
 */
int
ram_slots_init(RAM *ram, size_t pagesize)
{
	long		syspage = sysconf(_SC_PAGESIZE);

	if (pagesize < RAM_MIN_PAGESIZE || pagesize > RAM_MAX_PAGESIZE ||
		(pagesize & (pagesize - 1)) != 0 ||
		syspage <= 0 || pagesize % (size_t) syspage != 0)
	{
		errno = EINVAL;
		return -1;
	}
	ram->memfd = memfd_create("bigarray-ram", MFD_CLOEXEC);
	if (ram->memfd < 0)
		return -1;
	ram->bounce = malloc(pagesize);
	if (ram->bounce == NULL)
	{
		close(ram->memfd);
		errno = ENOMEM;
		return -1;
	}
	ram->pagesize = pagesize;
	return 0;
}

/* Free the memfd and the slot bookkeeping.  Every slot must be back. */
void
ram_slots_release(RAM *ram)
{
	if (ram->nslots_held != 0)
		virtmem_bug("ram_close: pages still in use (close every file handle first)");
	close(ram->memfd);
	free(ram->bounce);
	free(ram->free_slots);
}

/*
 * Make room for RAM_GROW_BYTES more of slots: a longer memfd (holes, no
 * memory yet) and a larger free-slot stack.  The stack is sized for every
 * slot up front so that freeing a slot never needs memory.
 */
static int
ram_grow(RAM *ram)
{
	size_t		nslots = ram->nslots + RAM_GROW_BYTES / ram->pagesize;
	vm_pgoff_t *free_slots;

	free_slots = realloc(ram->free_slots, nslots * sizeof(*free_slots));
	if (free_slots == NULL)
		return -1;
	ram->free_slots = free_slots;
	if (ftruncate(ram->memfd, (off_t) (nslots * ram->pagesize)) < 0)
		return -1;
	ram->nslots = nslots;
	return 0;
}

/*
 * Take a slot.  Its bytes are zeros or left from an earlier holder.  Fails
 * with ENOMEM when the OS refuses memory.
 */
int
ram_slot_alloc(RAM *ram, vm_pgoff_t *slot)
{
	if (ram->nfree > 0)
		*slot = ram->free_slots[--ram->nfree];
	else
	{
		if (ram->nslots_used == ram->nslots && ram_grow(ram) < 0)
		{
			errno = ENOMEM;
			return -1;
		}
		*slot = ram->nslots_used++;
	}

	ram->nslots_held++;
	if (ram->nslots_held > ram->nslots_held_peak)
		ram->nslots_held_peak = ram->nslots_held;
	return 0;
}

/* Give a slot back; its content is dropped and its memory returned. */
void
ram_slot_free(RAM *ram, vm_pgoff_t slot)
{
	/*
	 * Punching can only fail on kernels without shmem hole punching (before
	 * 3.5); the slot is then merely not returned to the OS until reused.
	 */
	(void) fallocate(ram->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					 (off_t) (slot * ram->pagesize), (off_t) ram->pagesize);
	ram->free_slots[ram->nfree++] = slot;
	ram->nslots_held--;
}

/*
 * Copy a slot's bytes to buf, or buf's to a slot.  The slot is within the
 * memfd's size, so a transfer is short only on an error (an I/O error
 * bringing a swapped-out page back): -1 with errno set.
 */
int
ram_slot_read(const RAM *ram, vm_pgoff_t slot, void *buf)
{
	return ram_slot_read_range(ram, slot, 0, ram->pagesize, buf);
}

int
ram_slot_read_range(const RAM *ram, vm_pgoff_t slot, size_t off, size_t len,
					void *buf)
{
	ssize_t		n = pread(ram->memfd, buf, len, (off_t) (slot * ram->pagesize + off));

	if (n == (ssize_t) len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

int
ram_slot_write_range(const RAM *ram, vm_pgoff_t slot, size_t off, size_t len,
					 const void *buf)
{
	ssize_t		n = pwrite(ram->memfd, buf, len, (off_t) (slot * ram->pagesize + off));

	if (n == (ssize_t) len)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

int
ram_slot_write(const RAM *ram, vm_pgoff_t slot, const void *buf)
{
	ssize_t		n = pwrite(ram->memfd, buf, ram->pagesize, (off_t) (slot * ram->pagesize));

	if (n == (ssize_t) ram->pagesize)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}
