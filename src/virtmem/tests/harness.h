/*
 * harness.h - a minimal test harness for the virtmem core tests.
 *
 * A test case is a function.  The runner executes each case in a forked
 * child, so a crash or a failed check fails that case only.  Checks print
 * where and why they failed and end the child with a non-zero status.
 */
#ifndef VIRTMEM_TESTS_HARNESS_H
#define VIRTMEM_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct access_driver;			/* access.h */

struct test_case
{
	const char *name;
	/* how says whether pages are touched by faults or by calls; may be NULL */
	void		(*run) (const struct access_driver *how);
	const struct access_driver *how;
};

struct test_suite
{
	const struct test_case *cases;
	size_t		ncases;
};

#define SUITE(cases_array) \
	{ (cases_array), sizeof(cases_array) / sizeof((cases_array)[0]) }

_Noreturn void test_fail(const char *file, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			test_fail(__FILE__, __LINE__, "check failed: %s", #cond); \
	} while (0)

#define CHECK_EQ(actual, expected) \
	do { \
		uintmax_t	actual_ = (uintmax_t) (actual); \
		uintmax_t	expected_ = (uintmax_t) (expected); \
		if (actual_ != expected_) \
			test_fail(__FILE__, __LINE__, "%s is %ju, expected %s = %ju", \
					  #actual, actual_, #expected, expected_); \
	} while (0)

/* call returns 0; on -1 the message shows errno */
#define CHECK_OK(call) \
	do { \
		if ((call) != 0) \
			test_fail(__FILE__, __LINE__, "%s failed: %m", #call); \
	} while (0)

/* call returns -1 with errno err */
#define CHECK_ERRNO(call, err) \
	do { \
		errno = 0; \
		int			ret_ = (call); \
		int			errno_ = errno; \
		if (ret_ != -1 || errno_ != (err)) \
			test_fail(__FILE__, __LINE__, "%s returned %d errno %d, expected -1 errno %s", \
					  #call, ret_, errno_, #err); \
	} while (0)

/*
 * Run the cases of every suite whose name contains filter (NULL: all), each
 * in a forked child, printing a line per case and then "N passed, M failed".
 * Returns the number of failed cases.
 */
int			run_suites(const struct test_suite *suites, size_t nsuites,
					   const char *filter);

/* True when the suite runs under valgrind. */
int			running_on_valgrind(void);

/* What became of a function run in a child process (run_in_child). */
struct child_outcome
{
	int			status;			/* as from waitpid() */
	char		stderr_text[4096];	/* the start of what the child wrote */
};

/*
 * Run fn(arg) in a forked child that exits 0 when fn returns; collect its
 * wait status and the start of its stderr.  Core dumps are disabled there.
 */
void		run_in_child(void (*fn) (void *), void *arg, struct child_outcome *out);

/* Check that the child died of SIGSEGV. */
#define CHECK_DIED_OF_SIGSEGV(outcome) \
	do { \
		if (!WIFSIGNALED((outcome).status) || WTERMSIG((outcome).status) != SIGSEGV) \
			test_fail(__FILE__, __LINE__, "child did not die of SIGSEGV (wait status 0x%x)", \
					  (outcome).status); \
	} while (0)

#endif							/* VIRTMEM_TESTS_HARNESS_H */
