/*
 * main.c - the virtmem core test runner.
 *
 * Usage: virtmem_tests [SUBSTRING]   runs the cases whose name contains
 * SUBSTRING (all by default).  Case names start with the behaviour of the
 * core's issue they prove (b1..b10), "i8" for items of issue 8, "sp" for
 * savepoints, "ram", or "model" for the model-based random test; the
 * suffix /fault or /call says whether pages were touched through the
 * SIGSEGV handler or by calling vma_on_pagefault().
 *
 * virtmem_tests --soak SECONDS   runs the model test with fresh random
 * seeds until SECONDS have passed (see model.h).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model.h"

extern const struct test_suite fault_suite;
extern const struct test_suite writeout_suite;
extern const struct test_suite reclaim_suite;
extern const struct test_suite mapping_suite;
extern const struct test_suite signal_suite;
extern const struct test_suite pin_suite;
extern const struct test_suite savepoint_suite;
extern const struct test_suite ram_suite;
extern const struct test_suite rss_suite;
extern const struct test_suite model_suite;

int
main(int argc, char **argv)
{
	const struct test_suite suites[] = {
		fault_suite, writeout_suite, reclaim_suite, mapping_suite,
		signal_suite, pin_suite, savepoint_suite, ram_suite, rss_suite,
		model_suite,
	};

	if (argc > 2 && strcmp(argv[1], "--soak") == 0)
		return model_soak((unsigned) strtoul(argv[2], NULL, 10)) == 0 ?
			EXIT_SUCCESS : EXIT_FAILURE;

	return run_suites(suites, sizeof(suites) / sizeof(suites[0]),
					  argc > 1 ? argv[1] : NULL) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
