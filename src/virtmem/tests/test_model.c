/*
 * test_model.c - a model-based random test of the core.
 *
 * A seed draws a configuration (page size, 2-4 handles on mock files of a
 * few blocks, one RAM capped at a few pages, how often each operation comes)
 * and a sequence of operations, which are applied both to the core and to a
 * plain model of what they must do.  Per handle the model holds the bytes
 * the file must hold and, per page, whether the handle holds it dirty, with
 * which bytes, and its undo record per savepoint level (how the page was
 * when the level opened).  A handle's view of a page is its dirty bytes, or
 * else the file's.
 *
 * Operations: map and unmap; read and write by real faults (SIGSEGV), by
 * calling vma_on_pagefault() and by pins (some held across steps); writeout
 * STORE, MARKSTORED, both, and STORE then MARKSTORED; discard; invalidate
 * a page or all; fileh_drop_clean_page(); savepoint, rollback, release;
 * truncating and growing the file, and rewriting a block behind the
 * handle's back; ram_reclaim() and changes of the cap; loadblk and storeblk
 * failures; closing and reopening a handle.  The test plays the storage's
 * part as the PostgreSQL side does: a rollback undoes the file's changes
 * made in the level, and clean pages whose file bytes changed underneath
 * are dropped (fileh_drop_clean_page) or invalidated.  Pins held across
 * steps are released before an operation that may drop their pages (as the
 * PostgreSQL side must: a dropped page is unmapped under its pin); they
 * stay over every other operation.
 *
 * After every step: each mock file holds the model's bytes, every page
 * mapped anywhere reads as the model's view (copied with process_vm_readv,
 * so a page marked mapped but inaccessible fails instead of faulting), and
 * the dirty and pinned counts and depths agree.  Each access checks what
 * it reads, and every failure (ENOMEM, EIO, VM_FAILED) must be one the
 * model allows.  Real faults are taken only where a RAM page is sure to be
 * had (else the process would die, as it must); where that is not sure the
 * access goes through vma_on_pagefault() or a pin, whose ENOMEM is checked.
 *
 * What the API leaves open is read from the core, never assumed: which pages
 * a failed write pin dirtied before it failed (from the handle's ndirty).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "harness.h"
#include "model.h"

#define MODEL_MAX_HANDLES	4
#define MODEL_MAX_BLOCKS	12
#define MODEL_MAX_DEPTH		4
#define MODEL_MAPS			2	/* mappings per handle */
#define MODEL_MAX_PINS		6	/* pins held per handle */
#define MODEL_MIN_CAP		2
#define MODEL_MAX_CAP		8

/* Steps of a CI case, and the divisor under valgrind. */
#define MODEL_CASE_STEPS	60000
#define MODEL_VALGRIND_DIVISOR	40
#define MODEL_SOAK_STEPS	20000

/* ---- random numbers: splitmix64, the whole run follows from the seed ---- */

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t	z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static size_t
rng_below(size_t n)
{
	return (size_t) (rng_next() % n);
}

/* A number in [lo, hi]. */
static size_t
rng_between(size_t lo, size_t hi)
{
	return lo + rng_below(hi - lo + 1);
}

static bool
rng_chance(unsigned percent)
{
	return rng_below(100) < percent;
}

/* ---- the model ---- */

struct model_record
{
	unsigned	level;
	bool		was_dirty;
	uint8_t    *bytes;			/* the page's bytes then, if dirty */
};

struct model_page
{
	bool		dirty;
	uint8_t    *bytes;			/* the handle's bytes while dirty */
	struct model_record undo[MODEL_MAX_DEPTH];	/* lowest level first */
	unsigned	nundo;
};

struct model_mapping
{
	bool		mapped;
	VMA			vma;
	vm_pgoff_t	first;			/* file page of the mapping's page 0 */
	vm_pgoff_t	npages;
};

struct model_pin
{
	struct model_mapping *map;
	vm_pgoff_t	first;			/* relative to the mapping */
	vm_pgoff_t	npages;
	size_t		head;			/* bytes pinned: from head of the first page */
	size_t		tail;			/* to tail of the last (exclusive) */
};

struct model_handle
{
	struct mock_file *mf;
	bool		parts;			/* the file has loadblk_part */
	BigFileH	fileh;
	uint8_t    *file;			/* what the file must hold */
	size_t		length;			/* its length in bytes */
	unsigned	depth;
	uint8_t    *file_at[MODEL_MAX_DEPTH + 1];	/* the file when level d opened */
	size_t		length_at[MODEL_MAX_DEPTH + 1];
	struct model_page pages[MODEL_MAX_BLOCKS];
	struct model_mapping maps[MODEL_MAPS];
	struct model_pin pins[MODEL_MAX_PINS];
	unsigned	npins;
};

enum model_op
{
	OP_READ,
	OP_WRITE,
	OP_UNPIN,
	OP_MAP,
	OP_UNMAP,
	OP_WRITEOUT,
	OP_DISCARD,
	OP_INVALIDATE,
	OP_REWRITE,
	OP_DROP_CLEAN,
	OP_SAVEPOINT,
	OP_ROLLBACK,
	OP_RELEASE,
	OP_TRUNCATE,
	OP_GROW,
	OP_RECLAIM,
	OP_SET_CAP,
	OP_LOAD_FAILURE,
	OP_REOPEN,
	OP_READ_ALL,
	NOPS
};

static const char *const op_names[NOPS] = {
	"read", "write", "unpin", "map", "unmap", "writeout", "discard",
	"invalidate", "rewrite behind the handle", "drop clean page", "savepoint",
	"rollback", "release", "truncate", "grow", "ram_reclaim", "set cap",
	"loadblk failure", "close and reopen", "read every page",
};

/* Where a run is, in memory shared with the parent that reports on it. */
struct model_progress
{
	uint64_t	seed;
	uint64_t	steps;
	uint64_t	step;			/* the step running, counted from 1 */
	char		op[160];
};

struct model
{
	size_t		pagesize;
	size_t		nblocks;
	size_t		cap;
	unsigned	nhandles;
	RAM		   *ram;
	struct model_handle handles[MODEL_MAX_HANDLES];
	unsigned	weights[NOPS];
	unsigned	total_weight;
	size_t		last_npages;
	uint8_t    *scratch;		/* a page's worth */
	uint8_t    *mask;			/* a page's worth, for bytes_to_check() */
	struct model_progress *progress;
};

static uint8_t *
xmalloc(size_t size)
{
	uint8_t    *p = malloc(size);

	if (p == NULL)
		test_fail(__FILE__, __LINE__, "out of memory");
	return p;
}

static uint8_t *
copy_of(const uint8_t *bytes, size_t size)
{
	return memcpy(xmalloc(size), bytes, size);
}

static const uint8_t *
file_page(const struct model *m, const struct model_handle *mh, vm_pgoff_t p)
{
	return mh->file + p * m->pagesize;
}

/* What the handle must read at page p. */
static const uint8_t *
view(const struct model *m, const struct model_handle *mh, vm_pgoff_t p)
{
	return mh->pages[p].dirty ? mh->pages[p].bytes : file_page(m, mh, p);
}

static void
record_free(struct model_record *rec)
{
	free(rec->bytes);
	rec->bytes = NULL;
}

static void
page_forget(struct model_page *mp)
{
	while (mp->nundo > 0)
		record_free(&mp->undo[--mp->nundo]);
	mp->dirty = false;
	free(mp->bytes);
	mp->bytes = NULL;
}

/* The page changes at the current level: record how it was, once per level. */
static void
model_record_change(struct model *m, struct model_handle *mh, vm_pgoff_t p)
{
	struct model_page *mp = &mh->pages[p];
	struct model_record *rec;

	if (mh->depth == 0 || (mp->nundo > 0 && mp->undo[mp->nundo - 1].level >= mh->depth))
		return;
	rec = &mp->undo[mp->nundo++];
	rec->level = mh->depth;
	rec->was_dirty = mp->dirty;
	rec->bytes = mp->dirty ? copy_of(mp->bytes, m->pagesize) : NULL;
}

/* The page is written (or pinned for writing): recorded, then dirty. */
static void
model_dirty(struct model *m, struct model_handle *mh, vm_pgoff_t p)
{
	struct model_page *mp = &mh->pages[p];

	model_record_change(m, mh, p);
	if (!mp->dirty)
	{
		mp->bytes = copy_of(file_page(m, mh, p), m->pagesize);
		mp->dirty = true;
	}
}

static bool
page_pinned(const struct model_handle *mh, vm_pgoff_t p)
{
	for (unsigned i = 0; i < mh->npins; i++)
	{
		const struct model_pin *pin = &mh->pins[i];
		vm_pgoff_t	first = pin->map->first + pin->first;

		if (p >= first && p < first + pin->npages)
			return true;
	}
	return false;
}

/*
 * Pages that may hold a RAM page the core cannot reclaim: dirty, pinned, or
 * with undo records (the core may have reclaimed some of the latter, so this
 * is an upper bound).  Pages [first, first + n) of handle except are left
 * out of the count.
 */
static size_t
held_bound(const struct model *m, const struct model_handle *except, vm_pgoff_t first, vm_pgoff_t n)
{
	size_t		count = 0;

	for (unsigned h = 0; h < m->nhandles; h++)
	{
		const struct model_handle *mh = &m->handles[h];

		for (vm_pgoff_t p = 0; p < m->nblocks; p++)
		{
			if (mh == except && p >= first && p < first + n)
				continue;
			if (mh->pages[p].dirty || mh->pages[p].nundo > 0 || page_pinned(mh, p))
				count++;
		}
	}
	return count;
}

/* Could a RAM page be refused to n pages at first: is ENOMEM allowed? */
static bool
enomem_allowed(const struct model *m, const struct model_handle *mh, vm_pgoff_t first, vm_pgoff_t n)
{
	return m->cap != 0 && held_bound(m, mh, first, n) + n > m->cap;
}

static size_t
model_ndirty(const struct model_handle *mh, size_t nblocks)
{
	size_t		n = 0;

	for (vm_pgoff_t p = 0; p < nblocks; p++)
		n += mh->pages[p].dirty;
	return n;
}

/* ---- reporting ---- */

static void
set_op(struct model *m, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
set_op(struct model *m, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(m->progress->op, sizeof(m->progress->op), fmt, ap);
	va_end(ap);
}

#define MODEL_FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)

static void
check_bytes(const struct model *m, const uint8_t *actual, const uint8_t *expected,
			const char *what, unsigned h, vm_pgoff_t p)
{
	if (memcmp(actual, expected, m->pagesize) != 0)
	{
		size_t		off = 0;

		while (actual[off] == expected[off])
			off++;
		MODEL_FAIL("%s: handle %u page %ju byte %zu is 0x%02x, the model says 0x%02x",
				   what, h, (uintmax_t) p, off, actual[off], expected[off]);
	}
}

/* ---- accesses ---- */

enum access_way
{
	BY_FAULT,
	BY_CALL,
	BY_PIN,
};

static const char *const way_names[] = {"fault", "call", "pin"};

static uint8_t *
mapped_addr(const struct model *m, const struct model_mapping *map, vm_pgoff_t idx)
{
	return (uint8_t *) (map->vma.addr_start + idx * m->pagesize);
}

/* Declare to memcheck every system page of [addr, addr + len) may fault. */
static void
expect_faults_in(const uint8_t *addr, size_t len)
{
	size_t		syspage = (size_t) sysconf(_SC_PAGESIZE);

	for (size_t off = 0; off < len; off += syspage)
		expect_fault_at(addr + off);
}

/* A real fault on the page surely finds a RAM page (else the process dies). */
static bool
fault_is_safe(const struct model *m, const struct model_handle *mh, vm_pgoff_t p)
{
	return m->cap == 0 || held_bound(m, mh, p, 1) < m->cap;
}

/* Bytes of a write: a pattern from value, so misplaced bytes show. */
static void
fill_pattern(uint8_t *dst, size_t len, uint8_t value)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (uint8_t) (value + i * 7);
}

/* Check a failed vma_on_pagefault() or vma_pin() was allowed. */
static void
check_failure(const struct model *m, const struct model_handle *mh, vm_pgoff_t first,
			  vm_pgoff_t n, int err, bool eio_allowed, const char *what)
{
	if (err == ENOMEM && enomem_allowed(m, mh, first, n))
		return;
	if (err == EIO && eio_allowed)
		return;
	MODEL_FAIL("%s of pages %ju+%ju failed with errno %d (%s); the model allows %s",
			   what, (uintmax_t) first, (uintmax_t) n, err, strerror(err),
			   eio_allowed ? "EIO" : enomem_allowed(m, mh, first, n) ? "ENOMEM" : "no failure");
}

/*
 * A write pin failed: it dirtied the pages it had reached that were not
 * dirty yet.  Which they were is read from the handle's dirty count.
 */
static void
model_failed_write_pin(struct model *m, struct model_handle *mh, vm_pgoff_t first, vm_pgoff_t n)
{
	size_t		newly = mh->fileh.ndirty - model_ndirty(mh, m->nblocks);

	for (vm_pgoff_t p = first; p < first + n && newly > 0; p++)
	{
		if (!mh->pages[p].dirty)
		{
			model_dirty(m, mh, p);
			newly--;
		}
	}
	if (newly != 0)
		MODEL_FAIL("a failed write pin of pages %ju+%ju dirtied pages outside its range",
				   (uintmax_t) first, (uintmax_t) n);
}

static void
hold_pin(struct model_handle *mh, struct model_mapping *map, vm_pgoff_t idx, vm_pgoff_t n,
		 size_t head, size_t tail)
{
	struct model_pin *pin = &mh->pins[mh->npins++];

	pin->map = map;
	pin->first = idx;
	pin->npages = n;
	pin->head = head;
	pin->tail = tail;
}

/*
 * Which bytes of file page p a mapping must show as the model's view: all
 * of them, unless the file loads parts and p is pinned, when only the bytes
 * of its pins are sure to be loaded (a page partly loaded is mapped only
 * while pinned, and only its pinned bytes may be read).  mask: a byte per
 * byte of the page, 1 where it must match.
 */
static void
bytes_to_check(const struct model *m, const struct model_handle *mh, vm_pgoff_t p,
			   uint8_t *mask)
{
	bool		pinned = false;

	memset(mask, 0, m->pagesize);
	for (unsigned i = 0; i < mh->npins; i++)
	{
		const struct model_pin *pin = &mh->pins[i];
		vm_pgoff_t	first = pin->map->first + pin->first;
		size_t		from,
					to;

		if (p < first || p >= first + pin->npages)
			continue;
		pinned = true;
		from = p == first ? pin->head : 0;
		to = p == first + pin->npages - 1 ? pin->tail : m->pagesize;
		memset(mask + from, 1, to - from);
	}
	if (!mh->parts || !pinned || mh->pages[p].dirty)
		memset(mask, 1, m->pagesize);
}

/* check_bytes() of a mapped page p, where bytes_to_check() says. */
static void
check_mapped_bytes(struct model *m, const struct model_handle *mh, const uint8_t *actual,
				   const char *what, unsigned h, vm_pgoff_t p)
{
	const uint8_t *expected = view(m, mh, p);

	bytes_to_check(m, mh, p, m->mask);
	for (size_t off = 0; off < m->pagesize; off++)
	{
		if (m->mask[off] && actual[off] != expected[off])
			MODEL_FAIL("%s: handle %u page %ju byte %zu is 0x%02x, the model says 0x%02x",
					   what, h, (uintmax_t) p, off, actual[off], expected[off]);
	}
}

static void
release_pin(struct model_handle *mh, unsigned i)
{
	vma_unpin(&mh->pins[i].map->vma, mh->pins[i].first, mh->pins[i].npages);
	mh->pins[i] = mh->pins[--mh->npins];
}

static void
release_pins(struct model_handle *mh)
{
	while (mh->npins > 0)
		release_pin(mh, mh->npins - 1);
}

/* Release the pins holding file page p, which an operation may drop. */
static void
release_pins_of(struct model_handle *mh, vm_pgoff_t p)
{
	for (unsigned i = mh->npins; i-- > 0;)
	{
		vm_pgoff_t	first = mh->pins[i].map->first + mh->pins[i].first;

		if (p >= first && p < first + mh->pins[i].npages)
			release_pin(mh, i);
	}
}

/*
 * Copy bytes [head of page idx, tail of page idx + n - 1) out with
 * vma_read_bytes and check them: without faulting and leaving no pin.
 */
static void
do_copy_read(struct model *m, unsigned h, struct model_mapping *map, vm_pgoff_t idx,
			 vm_pgoff_t n, size_t head, size_t tail)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	first = map->first + idx;
	unsigned long faults = faults_served();
	size_t		len = (n - 1) * m->pagesize + tail - head;
	uint8_t    *buf = malloc(len);
	struct ram_stats before;
	struct ram_stats after;

	if (buf == NULL)
		MODEL_FAIL("out of memory");
	ram_get_stats(m->ram, &before);
	if (vma_read_bytes(&map->vma, idx * m->pagesize + head, len, buf) != 0)
	{
		free(buf);
		check_failure(m, mh, first, n, errno, false, "copy read");
		return;
	}
	for (vm_pgoff_t i = 0, done = 0; i < n; i++)
	{
		size_t		from = i == 0 ? head : 0;
		size_t		to = i == n - 1 ? tail : m->pagesize;

		if (memcmp(buf + done, view(m, mh, first + i) + from, to - from) != 0)
			MODEL_FAIL("copy read of page %ju bytes %zu..%zu differs from the model",
					   (uintmax_t) (first + i), from, to);
		done += to - from;
	}
	free(buf);
	if (faults_served() != faults)
		MODEL_FAIL("a copy read faulted");
	ram_get_stats(m->ram, &after);
	if (after.npinned != before.npinned)
		MODEL_FAIL("a copy read left %zu pinned pages, not %zu", after.npinned, before.npinned);
}

/*
 * Read pages [idx, idx + n) of a mapping one way and check them.  A fault
 * that is not sure to find a RAM page goes through a call instead.
 */
static void
do_read(struct model *m, unsigned h, struct model_mapping *map, vm_pgoff_t idx, vm_pgoff_t n,
		enum access_way way, bool keep_pin)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	first = map->first + idx;
	unsigned long faults = faults_served();

	if (way == BY_PIN)
	{
		size_t		head = 0;
		size_t		tail = m->pagesize;
		int			rc;

		if (keep_pin && mh->npins == MODEL_MAX_PINS)
			keep_pin = false;
		/* a range of bytes: a file that loads parts may load only those */
		if (rng_chance(50))
		{
			head = rng_below(m->pagesize);
			tail = n == 1 ? rng_between(head + 1, m->pagesize) : rng_between(1, m->pagesize);
			/* a third of the unkept ones copy out (no draw: seeds replay) */
			if (!keep_pin && head % 3 == 1)
			{
				do_copy_read(m, h, map, idx, n, head, tail);
				return;
			}
			rc = vma_pin_bytes(&map->vma, idx * m->pagesize + head,
							   (n - 1) * m->pagesize + tail - head, 0);
		}
		else
			rc = vma_pin(&map->vma, idx, n, 0);
		if (rc != 0)
		{
			check_failure(m, mh, first, n, errno, false, "read pin");
			return;
		}
		for (vm_pgoff_t i = 0; i < n; i++)
		{
			size_t		from = i == 0 ? head : 0;
			size_t		to = i == n - 1 ? tail : m->pagesize;

			if (memcmp(mapped_addr(m, map, idx + i) + from, view(m, mh, first + i) + from,
					   to - from) != 0)
				check_bytes(m, mapped_addr(m, map, idx + i), view(m, mh, first + i),
							"read by pin", h, first + i);
		}
		if (faults_served() != faults)
			MODEL_FAIL("reading pinned pages faulted");
		if (keep_pin)
			hold_pin(mh, map, idx, n, head, tail);
		else
			vma_unpin(&map->vma, idx, n);
		return;
	}

	for (vm_pgoff_t i = 0; i < n; i++)
	{
		uint8_t    *addr = mapped_addr(m, map, idx + i);
		enum access_way page_way = way;

		if (page_way == BY_FAULT && !fault_is_safe(m, mh, first + i))
			page_way = BY_CALL;
		if (page_way == BY_CALL)
		{
			if (vma_on_pagefault(&map->vma, (uintptr_t) addr + rng_below(m->pagesize), 0) == VM_FAILED)
			{
				check_failure(m, mh, first + i, 1, errno, false, "read call");
				continue;
			}
			faults = faults_served();
			memcpy(m->scratch, addr, m->pagesize);
			if (faults_served() != faults)
				MODEL_FAIL("a page served by vma_on_pagefault() faulted on read");
		}
		else
		{
			expect_faults_in(addr, m->pagesize);
			memcpy(m->scratch, addr, m->pagesize);
		}
		check_mapped_bytes(m, mh, m->scratch, "read", h, first + i);
	}
}

/* Write len bytes at off of each page of [idx, idx + n) of a mapping, one way. */
static void
do_write(struct model *m, unsigned h, struct model_mapping *map, vm_pgoff_t idx, vm_pgoff_t n,
		 size_t off, size_t len, uint8_t value, enum access_way way, bool keep_pin)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	first = map->first + idx;

	if (way == BY_PIN)
	{
		unsigned long faults = faults_served();

		if (keep_pin && mh->npins == MODEL_MAX_PINS)
			keep_pin = false;
		if (vma_pin(&map->vma, idx, n, VMA_PIN_WRITE) != 0)
		{
			int			err = errno;

			model_failed_write_pin(m, mh, first, n);
			check_failure(m, mh, first, n, err, false, "write pin");
			return;
		}
		for (vm_pgoff_t i = 0; i < n; i++)
		{
			model_dirty(m, mh, first + i);
			fill_pattern(mapped_addr(m, map, idx + i) + off, len, value);
			fill_pattern(mh->pages[first + i].bytes + off, len, value);
		}
		if (faults_served() != faults)
			MODEL_FAIL("writing pages pinned for writing faulted");
		if (keep_pin)
			hold_pin(mh, map, idx, n, 0, m->pagesize);
		else
			vma_unpin(&map->vma, idx, n);
		return;
	}

	for (vm_pgoff_t i = 0; i < n; i++)
	{
		uint8_t    *addr = mapped_addr(m, map, idx + i);
		enum access_way page_way = way;

		if (page_way == BY_FAULT && !fault_is_safe(m, mh, first + i))
			page_way = BY_CALL;
		if (page_way == BY_CALL)
		{
			unsigned long faults;

			if (vma_on_pagefault(&map->vma, (uintptr_t) addr + off, 1) == VM_FAILED)
			{
				check_failure(m, mh, first + i, 1, errno, false, "write call");
				continue;
			}
			faults = faults_served();
			model_dirty(m, mh, first + i);
			fill_pattern(addr + off, len, value);
			if (faults_served() != faults)
				MODEL_FAIL("a page served by vma_on_pagefault() faulted on write");
		}
		else
		{
			model_dirty(m, mh, first + i);
			expect_faults_in(addr, m->pagesize);
			fill_pattern(addr + off, len, value);
		}
		fill_pattern(mh->pages[first + i].bytes + off, len, value);
	}
}

/* ---- the storage's side ---- */

/* Drop or invalidate page p, whose file bytes changed underneath. */
static void
file_changed_under(struct model_handle *mh, vm_pgoff_t p, bool may_invalidate)
{
	if (may_invalidate && rng_chance(50))
	{
		release_pins_of(mh, p);
		fileh_invalidate_page(&mh->fileh, p);
		page_forget(&mh->pages[p]);
	}
	else
	{
		if (!mh->pages[p].dirty)
			release_pins_of(mh, p);
		fileh_drop_clean_page(&mh->fileh, p);
	}
}

/* Set the mock file's and the model's file to bytes/length. */
static void
set_file(struct model *m, struct model_handle *mh, const uint8_t *bytes, size_t length)
{
	size_t		size = m->nblocks * m->pagesize;

	memcpy(mh->file, bytes, size);
	mh->length = length;
	memcpy(mh->mf->data, bytes, size);
	mh->mf->length = length;
}

/* ---- operations ---- */

static struct model_mapping *
pick_mapping(struct model_handle *mh)
{
	unsigned	start = (unsigned) rng_below(MODEL_MAPS);

	for (unsigned i = 0; i < MODEL_MAPS; i++)
	{
		struct model_mapping *map = &mh->maps[(start + i) % MODEL_MAPS];

		if (map->mapped)
			return map;
	}
	return NULL;
}

static void
map_new(struct model *m, struct model_handle *mh, struct model_mapping *map)
{
	map->first = rng_below(m->nblocks);
	map->npages = rng_between(1, m->nblocks - map->first);
	CHECK_OK(fileh_mmap(&map->vma, &mh->fileh, map->first, map->npages));
	map->mapped = true;
}

static void
unmap(struct model_handle *mh, struct model_mapping *map)
{
	for (unsigned i = mh->npins; i-- > 0;)
	{
		if (mh->pins[i].map == map)
			release_pin(mh, i);
	}
	vma_unmap(&map->vma);
	map->mapped = false;
}

static enum access_way
pick_way(void)
{
	return (enum access_way) rng_below(3);
}

static void
op_access(struct model *m, unsigned h, bool write)
{
	struct model_handle *mh = &m->handles[h];
	struct model_mapping *map = pick_mapping(mh);
	enum access_way way = pick_way();
	vm_pgoff_t	idx,
				n;
	bool		keep_pin = rng_chance(25);

	if (map == NULL)
	{
		set_op(m, "map (handle %u has none)", h);
		map_new(m, mh, &mh->maps[0]);
		return;
	}
	idx = rng_below(map->npages);
	n = rng_between(1, map->npages - idx < 3 ? map->npages - idx : 3);
	if (!write)
	{
		set_op(m, "read handle %u pages %ju+%ju by %s%s", h, (uintmax_t) (map->first + idx),
			   (uintmax_t) n, way_names[way], way == BY_PIN && keep_pin ? ", pin kept" : "");
		do_read(m, h, map, idx, n, way, keep_pin);
	}
	else
	{
		size_t		off = rng_below(m->pagesize);
		size_t		len = rng_between(1, m->pagesize - off);
		uint8_t		value = (uint8_t) rng_next();

		if (rng_chance(20))
		{
			off = 0;
			len = m->pagesize;
		}
		set_op(m, "write handle %u pages %ju+%ju bytes %zu+%zu by %s%s", h,
			   (uintmax_t) (map->first + idx), (uintmax_t) n, off, len, way_names[way],
			   way == BY_PIN && keep_pin ? ", pin kept" : "");
		do_write(m, h, map, idx, n, off, len, value, way, keep_pin);
	}
}

/*
 * Writeout as flags say, with storeblk of fail_blk failing (if it is a
 * block: fail_blk < nblocks).  The model stores in block order up to the
 * failure.
 */
static void
writeout(struct model *m, struct model_handle *mh, enum WriteoutFlags flags, vm_pgoff_t fail_blk)
{
	int			expected = 0;
	size_t		nstored = 0;
	int			ret;

	mock_clear_store_log(mh->mf);
	if (fail_blk < m->nblocks)
		mh->mf->fail_store[fail_blk] = true;
	ret = fileh_dirty_writeout(&mh->fileh, flags);
	if (fail_blk < m->nblocks)
		mh->mf->fail_store[fail_blk] = false;

	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		struct model_page *mp = &mh->pages[p];

		if (!mp->dirty)
			continue;
		if (flags & WRITEOUT_STORE)
		{
			if (nstored >= mh->mf->nstore_calls || mh->mf->store_order[nstored] != p)
				MODEL_FAIL("storeblk call %zu was not of block %ju", nstored, (uintmax_t) p);
			nstored++;
			if (p == fail_blk)
			{
				expected = -1;
				break;
			}
			memcpy(mh->file + p * m->pagesize, mp->bytes, m->pagesize);
			if (mh->length < (p + 1) * m->pagesize)
				mh->length = (p + 1) * m->pagesize;
		}
		if (flags & WRITEOUT_MARKSTORED)
		{
			model_record_change(m, mh, p);
			mp->dirty = false;
			free(mp->bytes);
			mp->bytes = NULL;
		}
	}
	if (nstored != mh->mf->nstore_calls)
		MODEL_FAIL("writeout made %zu storeblk calls, the model %zu",
				   mh->mf->nstore_calls, nstored);
	if (ret != expected)
		MODEL_FAIL("fileh_dirty_writeout returned %d, the model %d", ret, expected);
}

/* Does every dirty page hold the file's bytes (so MARKSTORED alone is right)? */
static bool
dirty_pages_stored(const struct model *m, const struct model_handle *mh)
{
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		if (mh->pages[p].dirty &&
			memcmp(mh->pages[p].bytes, file_page(m, mh, p), m->pagesize) != 0)
			return false;
	}
	return true;
}

static void
op_writeout(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	fail_blk = rng_chance(25) ? rng_below(m->nblocks) : m->nblocks;
	char		failing[64] = "";

	if (fail_blk < m->nblocks)
		snprintf(failing, sizeof(failing), ", storeblk of block %ju failing",
				 (uintmax_t) fail_blk);

	switch (rng_below(4))
	{
		case 0:
			set_op(m, "writeout STORE of handle %u%s", h, failing);
			writeout(m, mh, WRITEOUT_STORE, fail_blk);
			break;
		case 1:
			set_op(m, "writeout STORE|MARKSTORED of handle %u%s", h, failing);
			writeout(m, mh, WRITEOUT_STORE | WRITEOUT_MARKSTORED, fail_blk);
			break;
		case 2:
			/* as the PostgreSQL side commits: store, then mark stored if that worked */
			set_op(m, "writeout STORE then MARKSTORED of handle %u%s", h, failing);
			writeout(m, mh, WRITEOUT_STORE, fail_blk);
			if (dirty_pages_stored(m, mh))
				writeout(m, mh, WRITEOUT_MARKSTORED, m->nblocks);
			break;
		default:
			if (dirty_pages_stored(m, mh))
			{
				set_op(m, "writeout MARKSTORED of handle %u", h);
				writeout(m, mh, WRITEOUT_MARKSTORED, m->nblocks);
			}
			else
			{
				set_op(m, "writeout STORE|MARKSTORED of handle %u", h);
				writeout(m, mh, WRITEOUT_STORE | WRITEOUT_MARKSTORED, m->nblocks);
			}
			break;
	}
}

static void
op_discard(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];

	set_op(m, "discard handle %u", h);
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		if (mh->pages[p].dirty)
			release_pins_of(mh, p);
	}
	fileh_dirty_discard(&mh->fileh);
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		if (mh->pages[p].dirty)
			page_forget(&mh->pages[p]);
	}
}

static void
op_invalidate(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];

	if (rng_chance(30))
	{
		set_op(m, "invalidate handle %u", h);
		release_pins(mh);
		fileh_invalidate(&mh->fileh);
		for (vm_pgoff_t p = 0; p < m->nblocks; p++)
			page_forget(&mh->pages[p]);
	}
	else
	{
		vm_pgoff_t	p = rng_below(m->nblocks);

		set_op(m, "invalidate handle %u page %ju", h, (uintmax_t) p);
		release_pins_of(mh, p);
		fileh_invalidate_page(&mh->fileh, p);
		page_forget(&mh->pages[p]);
	}
}

/* Another writer changes a block; the handle is told about that page. */
static void
op_rewrite(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	p = rng_below(m->nblocks);
	unsigned	gen = (unsigned) rng_between(1, 1000);

	set_op(m, "rewrite handle %u block %ju behind it (generation %u)", h, (uintmax_t) p, gen);
	mock_file_rewrite(mh->mf, p, gen);
	for (size_t off = 0; off < m->pagesize; off++)
		mh->file[p * m->pagesize + off] = mock_byte(p, off, gen);
	if (mh->length < (p + 1) * m->pagesize)
		mh->length = (p + 1) * m->pagesize;
	if (rng_chance(20))
	{
		release_pins(mh);
		fileh_invalidate(&mh->fileh);
		for (vm_pgoff_t q = 0; q < m->nblocks; q++)
			page_forget(&mh->pages[q]);
	}
	else
		file_changed_under(mh, p, true);
}

/* Dropping a clean page changes no view: it reloads the file's bytes. */
static void
op_drop_clean(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	vm_pgoff_t	p = rng_below(m->nblocks);

	set_op(m, "drop clean page %ju of handle %u", (uintmax_t) p, h);
	if (!mh->pages[p].dirty)
		release_pins_of(mh, p);
	fileh_drop_clean_page(&mh->fileh, p);
}

static void
op_savepoint(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	size_t		size = m->nblocks * m->pagesize;

	if (mh->depth == MODEL_MAX_DEPTH)
		return;
	set_op(m, "savepoint of handle %u (depth %u)", h, mh->depth + 1);
	CHECK_EQ(fileh_savepoint(&mh->fileh), mh->depth + 1);
	mh->depth++;
	mh->file_at[mh->depth] = copy_of(mh->file, size);
	mh->length_at[mh->depth] = mh->length;
}

/*
 * Roll the innermost level back: the storage undoes the file's changes made
 * in it, the handle puts back its pages, and clean pages whose file bytes
 * went back are dropped (as the PostgreSQL side does after a subtransaction
 * abort).
 */
static void
op_rollback(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	unsigned	level = mh->depth;
	uint8_t    *before;

	if (level == 0)
		return;
	set_op(m, "rollback of handle %u (depth %u)", h, level);
	/* pages clean when the level opened and changed in it are dropped */
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		struct model_page *mp = &mh->pages[p];

		if (mp->nundo > 0 && mp->undo[mp->nundo - 1].level == level &&
			!mp->undo[mp->nundo - 1].was_dirty)
			release_pins_of(mh, p);
	}
	before = copy_of(mh->file, m->nblocks * m->pagesize);
	set_file(m, mh, mh->file_at[level], mh->length_at[level]);
	free(mh->file_at[level]);
	mh->file_at[level] = NULL;

	fileh_rollback_savepoint(&mh->fileh);
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		struct model_page *mp = &mh->pages[p];
		struct model_record *rec;

		if (mp->nundo == 0 || mp->undo[mp->nundo - 1].level != level)
			continue;
		rec = &mp->undo[--mp->nundo];
		free(mp->bytes);
		mp->bytes = rec->bytes;
		mp->dirty = rec->was_dirty;
		rec->bytes = NULL;
	}
	mh->depth--;

	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		if (memcmp(before + p * m->pagesize, file_page(m, mh, p), m->pagesize) != 0)
			file_changed_under(mh, p, false);
	}
	free(before);
}

static void
op_release(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	unsigned	level = mh->depth;

	if (level == 0)
		return;
	set_op(m, "release of handle %u (depth %u)", h, level);
	fileh_release_savepoint(&mh->fileh);
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		struct model_page *mp = &mh->pages[p];

		if (mp->nundo == 0 || mp->undo[mp->nundo - 1].level != level)
			continue;
		if (level == 1 || (mp->nundo > 1 && mp->undo[mp->nundo - 2].level == level - 1))
			record_free(&mp->undo[--mp->nundo]);
		else
			mp->undo[mp->nundo - 1].level = level - 1;
	}
	free(mh->file_at[level]);
	mh->file_at[level] = NULL;
	mh->depth--;
}

/* Cut the file; pages whose bytes changed are dropped or invalidated. */
static void
op_truncate(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	size_t		length = mh->length == 0 ? 0 : rng_below(mh->length);
	uint8_t    *before;

	if (rng_chance(30))
		length -= length % m->pagesize;
	set_op(m, "truncate handle %u's file from %zu to %zu bytes", h, mh->length, length);
	before = copy_of(mh->file, m->nblocks * m->pagesize);
	mock_file_set_length(mh->mf, length);
	memset(mh->file + length, 0, m->nblocks * m->pagesize - length);
	mh->length = length;
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
	{
		if (memcmp(before + p * m->pagesize, file_page(m, mh, p), m->pagesize) != 0)
			file_changed_under(mh, p, true);
	}
	free(before);
}

/* Lengthen the file: the new bytes read as zeros, which they already were. */
static void
op_grow(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	size_t		size = m->nblocks * m->pagesize;
	size_t		length;

	if (mh->length == size)
		return;
	length = rng_between(mh->length + 1, size);
	set_op(m, "grow handle %u's file from %zu to %zu bytes", h, mh->length, length);
	mock_file_set_length(mh->mf, length);
	mh->length = length;
}

static void
op_reclaim(struct model *m)
{
	struct ram_stats before,
				after;
	int			reclaimed;

	set_op(m, "ram_reclaim");
	ram_get_stats(m->ram, &before);
	reclaimed = ram_reclaim(m->ram);
	ram_get_stats(m->ram, &after);
	if (reclaimed < 0 || after.npages != before.npages - (size_t) reclaimed)
		MODEL_FAIL("ram_reclaim returned %d, RAM pages went from %zu to %zu",
				   reclaimed, before.npages, after.npages);
	/* pages beyond those that may be held are clean and unpinned: some go */
	if (reclaimed == 0 && before.npages > held_bound(m, NULL, 0, 0))
		MODEL_FAIL("ram_reclaim reclaimed nothing of %zu pages, at most %zu of them held",
				   before.npages, held_bound(m, NULL, 0, 0));
}

static void
op_set_cap(struct model *m)
{
	struct ram_stats stats;
	size_t		bound;

	/* now and then no cap at all */
	m->cap = rng_chance(10) ? 0 : rng_between(MODEL_MIN_CAP, MODEL_MAX_CAP);
	set_op(m, "set the RAM's cap to %zu pages", m->cap);
	ram_set_max_pages(m->ram, m->cap);
	ram_get_stats(m->ram, &stats);
	bound = held_bound(m, NULL, 0, 0);
	if (m->cap != 0 && stats.npages > m->cap && stats.npages > bound)
		MODEL_FAIL("after lowering the cap to %zu the RAM holds %zu pages, at most %zu held",
				   m->cap, stats.npages, bound);
}

/* loadblk of one block fails: an access loading it fails, one of a page in RAM works. */
static void
op_load_failure(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	struct model_mapping *map = pick_mapping(mh);
	vm_pgoff_t	idx,
				n,
				fail_idx;
	bool		write = rng_chance(50);
	bool		by_pin = rng_chance(60);

	if (map == NULL)
		return;
	idx = rng_below(map->npages);
	n = by_pin ? rng_between(1, map->npages - idx < 3 ? map->npages - idx : 3) : 1;
	fail_idx = idx + rng_below(n);
	set_op(m, "%s %s handle %u pages %ju+%ju, loadblk of block %ju failing",
		   write ? "write" : "read", by_pin ? "pin" : "call", h,
		   (uintmax_t) (map->first + idx), (uintmax_t) n, (uintmax_t) (map->first + fail_idx));
	mh->mf->fail_load[map->first + fail_idx] = true;
	if (by_pin)
	{
		if (vma_pin(&map->vma, idx, n, write ? VMA_PIN_WRITE : 0) == 0)
		{
			for (vm_pgoff_t i = 0; i < n; i++)
			{
				if (write)
					model_dirty(m, mh, map->first + idx + i);
				check_bytes(m, mapped_addr(m, map, idx + i), view(m, mh, map->first + idx + i),
							"pinned despite a failing loadblk", h, map->first + idx + i);
			}
			vma_unpin(&map->vma, idx, n);
		}
		else
		{
			int			err = errno;

			if (write)
				model_failed_write_pin(m, mh, map->first + idx, n);
			check_failure(m, mh, map->first + idx, n, err, true, "pin with failing loadblk");
		}
	}
	else
	{
		uint8_t    *addr = mapped_addr(m, map, idx);

		if (vma_on_pagefault(&map->vma, (uintptr_t) addr, write) == VM_FAILED)
			check_failure(m, mh, map->first + idx, 1, errno, true, "call with failing loadblk");
		else
		{
			if (write)
				model_dirty(m, mh, map->first + idx);
			check_mapped_bytes(m, mh, addr, "served despite a failing loadblk", h,
							   map->first + idx);
		}
	}
	mh->mf->fail_load[map->first + fail_idx] = false;
}

static void
handle_open(struct model *m, struct model_handle *mh)
{
	CHECK_OK(fileh_open(&mh->fileh, &mh->mf->file, m->ram));
	mh->depth = 0;
}

/* Close and reopen: the pages go, the file stays as last stored. */
static void
op_reopen(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	unsigned	released = mh->mf->nreleased;

	set_op(m, "close and reopen handle %u", h);
	for (unsigned i = 0; i < MODEL_MAPS; i++)
	{
		if (mh->maps[i].mapped)
			unmap(mh, &mh->maps[i]);
	}
	fileh_close(&mh->fileh);
	CHECK_EQ(mh->mf->nreleased, released + 1);
	for (vm_pgoff_t p = 0; p < m->nblocks; p++)
		page_forget(&mh->pages[p]);
	for (unsigned d = 1; d <= mh->depth; d++)
	{
		free(mh->file_at[d]);
		mh->file_at[d] = NULL;
	}
	handle_open(m, mh);
}

/* Read every page of every handle through a pin of a whole-file mapping. */
static void
op_read_all(struct model *m)
{
	set_op(m, "read every page");
	for (unsigned h = 0; h < m->nhandles; h++)
	{
		struct model_handle *mh = &m->handles[h];
		struct model_mapping whole = {.first = 0, .npages = m->nblocks};

		CHECK_OK(fileh_mmap(&whole.vma, &mh->fileh, 0, m->nblocks));
		for (vm_pgoff_t p = 0; p < m->nblocks; p++)
			do_read(m, h, &whole, p, 1, BY_PIN, false);
		vma_unmap(&whole.vma);
	}
}

static void
op_unpin(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];

	if (mh->npins == 0)
		return;
	set_op(m, "unpin a pin of handle %u", h);
	release_pin(mh, (unsigned) rng_below(mh->npins));
}

static void
op_map(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	struct model_mapping *map = &mh->maps[rng_below(MODEL_MAPS)];

	set_op(m, "map for handle %u", h);
	if (map->mapped)
		unmap(mh, map);
	map_new(m, mh, map);
}

static void
op_unmap(struct model *m, unsigned h)
{
	struct model_handle *mh = &m->handles[h];
	struct model_mapping *map = pick_mapping(mh);

	if (map == NULL)
		return;
	set_op(m, "unmap a mapping of handle %u", h);
	unmap(mh, map);
}

/* ---- checks after every step ---- */

static void
check_model(struct model *m)
{
	struct ram_stats stats;
	size_t		ndirty = 0;
	size_t		npinned = 0;

	for (unsigned h = 0; h < m->nhandles; h++)
	{
		struct model_handle *mh = &m->handles[h];

		for (vm_pgoff_t p = 0; p < m->nblocks; p++)
		{
			check_bytes(m, mock_block(mh->mf, p), file_page(m, mh, p), "file", h, p);
			npinned += page_pinned(mh, p);
		}
		if (mh->mf->length != mh->length)
			MODEL_FAIL("handle %u's file is %zu bytes long, the model's %zu",
					   h, mh->mf->length, mh->length);
		CHECK_EQ(mh->fileh.ndirty, model_ndirty(mh, m->nblocks));
		CHECK_EQ(mh->fileh.savepoint_depth, mh->depth);
		ndirty += mh->fileh.ndirty;

		for (unsigned i = 0; i < MODEL_MAPS; i++)
		{
			struct model_mapping *map = &mh->maps[i];

			if (!map->mapped)
				continue;
			for (vm_pgoff_t idx = 0; idx < map->npages; idx++)
			{
				struct iovec local = {m->scratch, m->pagesize};
				struct iovec remote = {mapped_addr(m, map, idx), m->pagesize};

				if (!((map->vma.page_ismapped[idx / 64] >> (idx % 64)) & 1))
					continue;
				if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t) m->pagesize)
					MODEL_FAIL("handle %u page %ju is marked mapped but cannot be read",
							   h, (uintmax_t) (map->first + idx));
				check_mapped_bytes(m, mh, m->scratch, "mapped page", h, map->first + idx);
			}
		}
	}
	ram_get_stats(m->ram, &stats);
	CHECK_EQ(stats.ndirty, ndirty);
	CHECK_EQ(stats.npinned, npinned);
	/* above the cap the RAM only shrinks */
	if (m->cap != 0 && stats.npages > m->cap && stats.npages > m->last_npages)
		MODEL_FAIL("the RAM grew from %zu to %zu pages above its cap of %zu",
				   m->last_npages, stats.npages, m->cap);
	m->last_npages = stats.npages;
}

/* ---- a run ---- */

static void
model_setup(struct model *m)
{
	static const size_t pagesizes[] = {4096, 8192, 16384};
	static const unsigned base_weights[NOPS] = {
		[OP_READ] = 20,[OP_WRITE] = 20,[OP_UNPIN] = 6,[OP_MAP] = 2,[OP_UNMAP] = 1,
		[OP_WRITEOUT] = 6,[OP_DISCARD] = 2,[OP_INVALIDATE] = 2,[OP_REWRITE] = 2,
		[OP_DROP_CLEAN] = 2,[OP_SAVEPOINT] = 5,[OP_ROLLBACK] = 3,[OP_RELEASE] = 3,
		[OP_TRUNCATE] = 2,[OP_GROW] = 2,[OP_RECLAIM] = 2,[OP_SET_CAP] = 1,
		[OP_LOAD_FAILURE] = 3,[OP_REOPEN] = 1,[OP_READ_ALL] = 1,
	};

	m->pagesize = pagesizes[rng_below(3)];
	m->nblocks = rng_between(3, MODEL_MAX_BLOCKS);
	m->nhandles = (unsigned) rng_between(2, MODEL_MAX_HANDLES);
	m->cap = rng_between(MODEL_MIN_CAP, MODEL_MAX_CAP);
	m->scratch = xmalloc(m->pagesize);
	m->mask = xmalloc(m->pagesize);

	/* each run leaves out or stresses some operations (swarm testing) */
	m->total_weight = 0;
	for (unsigned op = 0; op < NOPS; op++)
	{
		bool		core = op == OP_READ || op == OP_WRITE;

		m->weights[op] = !core && rng_chance(15) ? 0 :
			base_weights[op] * (unsigned) rng_between(1, 3);
		m->total_weight += m->weights[op];
	}

	m->ram = ram_new(m->pagesize, m->cap);
	if (m->ram == NULL)
		MODEL_FAIL("ram_new: %m");
	for (unsigned h = 0; h < m->nhandles; h++)
	{
		struct model_handle *mh = &m->handles[h];
		size_t		size = m->nblocks * m->pagesize;

		memset(mh, 0, sizeof(*mh));
		mh->mf = mock_file_new(m->pagesize, m->nblocks);
		mh->parts = rng_chance(50);
		if (mh->parts)
			mock_file_allow_parts(mh->mf);
		mh->file = copy_of(mh->mf->data, size);
		mh->length = size;
		if (rng_chance(50))
		{
			size_t		length = rng_below(size);

			mock_file_set_length(mh->mf, length);
			memset(mh->file + length, 0, size - length);
			mh->length = length;
		}
		handle_open(m, mh);
		map_new(m, mh, &mh->maps[0]);
	}
}

static void
model_teardown(struct model *m)
{
	for (unsigned h = 0; h < m->nhandles; h++)
	{
		struct model_handle *mh = &m->handles[h];

		release_pins(mh);
		for (unsigned i = 0; i < MODEL_MAPS; i++)
		{
			if (mh->maps[i].mapped)
				unmap(mh, &mh->maps[i]);
		}
		fileh_close(&mh->fileh);
		mock_file_free(mh->mf);
		for (vm_pgoff_t p = 0; p < m->nblocks; p++)
			page_forget(&mh->pages[p]);
		for (unsigned d = 1; d <= mh->depth; d++)
			free(mh->file_at[d]);
		free(mh->file);
	}
	ram_close(m->ram);
	free(m->scratch);
	free(m->mask);
}

static void
model_step(struct model *m)
{
	size_t		r = rng_below(m->total_weight);
	unsigned	op = 0;
	unsigned	h = (unsigned) rng_below(m->nhandles);

	while (r >= m->weights[op])
		r -= m->weights[op++];
	set_op(m, "%s (nothing to do)", op_names[op]);
	switch ((enum model_op) op)
	{
		case OP_READ:
			op_access(m, h, false);
			break;
		case OP_WRITE:
			op_access(m, h, true);
			break;
		case OP_UNPIN:
			op_unpin(m, h);
			break;
		case OP_MAP:
			op_map(m, h);
			break;
		case OP_UNMAP:
			op_unmap(m, h);
			break;
		case OP_WRITEOUT:
			op_writeout(m, h);
			break;
		case OP_DISCARD:
			op_discard(m, h);
			break;
		case OP_INVALIDATE:
			op_invalidate(m, h);
			break;
		case OP_REWRITE:
			op_rewrite(m, h);
			break;
		case OP_DROP_CLEAN:
			op_drop_clean(m, h);
			break;
		case OP_SAVEPOINT:
			op_savepoint(m, h);
			break;
		case OP_ROLLBACK:
			op_rollback(m, h);
			break;
		case OP_RELEASE:
			op_release(m, h);
			break;
		case OP_TRUNCATE:
			op_truncate(m, h);
			break;
		case OP_GROW:
			op_grow(m, h);
			break;
		case OP_RECLAIM:
			op_reclaim(m);
			break;
		case OP_SET_CAP:
			op_set_cap(m);
			break;
		case OP_LOAD_FAILURE:
			op_load_failure(m, h);
			break;
		case OP_REOPEN:
			op_reopen(m, h);
			break;
		case OP_READ_ALL:
			op_read_all(m);
			break;
		case NOPS:
			break;
	}
}

/* The body of the child running a seed. */
static void
model_child(void *arg)
{
	struct model_progress *progress = arg;
	struct model m;
	bool		trace = getenv("VIRTMEM_MODEL_TRACE") != NULL;

	/* a hang ends as a failure of this seed, not of whatever waits for it */
	alarm((progress->steps <= MODEL_SOAK_STEPS ? 50 : 50 + progress->steps / 400) *
		  (running_on_valgrind() ? 10 : 1));
	memset(&m, 0, sizeof(m));
	m.progress = progress;
	rng_state = progress->seed;
	access_setup(&access_by_fault);
	set_op(&m, "setup");
	model_setup(&m);
	check_model(&m);
	for (progress->step = 1; progress->step <= progress->steps; progress->step++)
	{
		model_step(&m);
		if (trace)
			printf("step %ju: %s\n", (uintmax_t) progress->step, progress->op);
		check_model(&m);
	}
	progress->step = progress->steps;
	set_op(&m, "final read of every page");
	op_read_all(&m);
	check_model(&m);
	set_op(&m, "teardown");
	model_teardown(&m);
}

struct model_outcome
model_run_seed(uint64_t seed, uint64_t steps)
{
	struct model_progress *progress;
	struct child_outcome child;
	struct model_outcome outcome;

	progress = mmap(NULL, sizeof(*progress), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (progress == MAP_FAILED)
		test_fail(__FILE__, __LINE__, "mmap: %m");
	memset(progress, 0, sizeof(*progress));
	progress->seed = seed;
	progress->steps = steps;
	run_in_child(model_child, progress, &child);

	outcome.passed = WIFEXITED(child.status) && WEXITSTATUS(child.status) == 0;
	outcome.steps_run = outcome.passed ? steps : progress->step;
	if (!outcome.passed)
	{
		fprintf(stderr, "    model: seed %ju failed at step %ju of %ju (%s): ",
				(uintmax_t) seed, (uintmax_t) progress->step, (uintmax_t) steps, progress->op);
		if (WIFSIGNALED(child.status))
			fprintf(stderr, "killed by signal %d (%s)\n", WTERMSIG(child.status),
					strsignal(WTERMSIG(child.status)));
		else
			fprintf(stderr, "exit status %d\n", WEXITSTATUS(child.status));
		fprintf(stderr, "%s", child.stderr_text);
		fprintf(stderr, "    replay: VIRTMEM_MODEL_SEED=%ju VIRTMEM_MODEL_STEPS=%ju "
				"src/virtmem/tests/virtmem_tests 'model random seed'\n",
				(uintmax_t) seed, (uintmax_t) progress->step);
	}
	munmap(progress, sizeof(*progress));
	return outcome;
}

static uint64_t
env_number(const char *name, uint64_t fallback)
{
	const char *value = getenv(name);

	return value != NULL && *value != '\0' ? strtoull(value, NULL, 10) : fallback;
}

static uint64_t
case_steps(void)
{
	uint64_t	steps = MODEL_CASE_STEPS;

	if (running_on_valgrind())
		steps /= MODEL_VALGRIND_DIVISOR;
	return env_number("VIRTMEM_MODEL_STEPS", steps);
}

static uint64_t
fresh_seed(void)
{
	uint64_t	seed = 0;
	int			fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &seed, sizeof(seed)) != (ssize_t) sizeof(seed))
		seed = (uint64_t) time(NULL) * 1000003u ^ (uint64_t) getpid();
	if (fd >= 0)
		close(fd);
	/* printable and easy to type */
	return seed % UINT64_C(1000000000000);
}

static void
run_fixed_seed(uint64_t seed)
{
	if (!model_run_seed(seed, case_steps()).passed)
		exit(1);
}

#define FIXED_SEED_CASE(seed) \
	static void model_seed_##seed(const struct access_driver *how) \
	{ \
		(void) how; \
		run_fixed_seed(seed); \
	}

/*
 * Seeds 1 and 2 found the bugs of the savepoint cases "a dropped stored page
 * keeps its bytes for rollback" and "release frees a page kept only for its
 * records"; without those fixes seeds 1, 2, 4 and 5 fail.
 */
FIXED_SEED_CASE(1)
FIXED_SEED_CASE(2)
FIXED_SEED_CASE(3)
FIXED_SEED_CASE(4)
FIXED_SEED_CASE(5)
FIXED_SEED_CASE(6)
FIXED_SEED_CASE(7)
FIXED_SEED_CASE(8)

/* A fresh seed each run, or VIRTMEM_MODEL_SEED's. */
static void
model_random_seed(const struct access_driver *how)
{
	uint64_t	seed = env_number("VIRTMEM_MODEL_SEED", fresh_seed());

	(void) how;
	printf("      model random seed: VIRTMEM_MODEL_SEED=%ju, %ju steps\n",
		   (uintmax_t) seed, (uintmax_t) case_steps());
	if (!model_run_seed(seed, case_steps()).passed)
		exit(1);
}

unsigned
model_soak(unsigned seconds)
{
	struct timespec start,
				now;
	unsigned	passed = 0,
				failed = 0;
	uint64_t	steps_run = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
	{
		uint64_t	seed = fresh_seed();
		struct model_outcome outcome = model_run_seed(seed, MODEL_SOAK_STEPS);

		steps_run += outcome.steps_run;
		if (outcome.passed)
			passed++;
		else
		{
			failed++;
			printf("FAIL  model seed %ju (VIRTMEM_MODEL_SEED=%ju VIRTMEM_MODEL_STEPS=%ju)\n",
				   (uintmax_t) seed, (uintmax_t) seed, (uintmax_t) outcome.steps_run);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < (time_t) seconds);

	printf("soak: %u seeds tried, %ju steps run, %u failing seeds, in %ld s\n",
		   passed + failed, (uintmax_t) steps_run, failed, (long) (now.tv_sec - start.tv_sec));
	printf("%u passed, %u failed\n", passed, failed);
	return failed;
}

static const struct test_case model_cases[] = {
	{"model seed 1", model_seed_1, NULL},
	{"model seed 2", model_seed_2, NULL},
	{"model seed 3", model_seed_3, NULL},
	{"model seed 4", model_seed_4, NULL},
	{"model seed 5", model_seed_5, NULL},
	{"model seed 6", model_seed_6, NULL},
	{"model seed 7", model_seed_7, NULL},
	{"model seed 8", model_seed_8, NULL},
	{"model random seed", model_random_seed, NULL},
};

const struct test_suite model_suite = SUITE(model_cases);
