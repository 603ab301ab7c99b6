# src/virtmem/tests/tests.mk - tests and benchmark of the virtmem core.
#
# Included at the end of src/virtmem/virtmem.mk, whose CORE_* variables it
# uses; every name here starts with CORE_TEST_ or CORE_BENCH_.
#
#   make check-core           the tests, built like the library (-O2), as built
#   make check-core-asan      the tests and library built with CORE_ASAN_CFLAGS
#                             (AddressSanitizer + UndefinedBehaviorSanitizer)
#   make check-core-valgrind  the check-core binary under valgrind memcheck
#   make bench-core           fault costs and streaming throughput, as markdown
#   make soak-core SOAK_SECONDS=N   the model-based random test (test_model.c)
#                             with fresh random seeds for N seconds (default
#                             600); prints the seeds tried, the steps run and
#                             every failing seed with how to replay it
#
# Each check target ends with the runner's line "N passed, M failed" and
# fails if M > 0 (soak-core counts one case per seed).  A single case or
# group runs with src/virtmem/tests/virtmem_tests SUBSTRING (e.g. "b6",
# "/call" or "model").  The checks run the model test with fixed seeds and
# one fresh seed (printed), some 10-20 s in all; VIRTMEM_MODEL_SEED and
# VIRTMEM_MODEL_STEPS replay a seed (see model.h).  SOAK_SECONDS is the one
# name here without the CORE_ prefix: it is the knob the soak is run with.

CORE_TEST_DIR := $(CORE_DIR)/tests
CORE_TEST_SRCS := $(sort $(wildcard $(CORE_TEST_DIR)/*.c))
CORE_TEST_HDRS := $(wildcard $(CORE_TEST_DIR)/*.h) $(CORE_HDRS)
CORE_TEST_BIN := $(CORE_TEST_DIR)/virtmem_tests
CORE_TEST_ASAN_BIN := $(CORE_TEST_DIR)/virtmem_tests_asan

CORE_BENCH_DIR := $(CORE_DIR)/../../bench
CORE_BENCH_BIN := $(CORE_BENCH_DIR)/virtmem_bench

CORE_CLEAN += $(CORE_TEST_BIN) $(CORE_TEST_ASAN_BIN) $(CORE_BENCH_BIN)

# ASan's own SIGSEGV handler (installed at startup when handle_segv=1, the
# default) would turn every fault that virtmem passes on -- foreign faults and
# the deliberate deaths of a page that cannot be provided -- into an ASan
# report and exit(1), so the cases that check "the process dies of SIGSEGV
# as it would have" could not see the default action.  With handle_segv=0
# the handler virtmem finds before it is SIG_DFL, as in a plain build; the
# chaining to a previous handler is tested with handlers of the tests' own.
CORE_TEST_ASAN_ENV := ASAN_OPTIONS=handle_segv=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# -q: only errors.  Forked children are traced too (valgrind follows fork),
# and each case's child runs its own leak check at exit; an error there makes
# the child exit 1, which fails the case.  Every case runs under valgrind:
# the fault-driven ones declare their deliberate faulting accesses to
# memcheck (expect_fault_at() in access.c).  The "Process terminating with
# default action of signal 11" reports valgrind prints come from the
# children that must die of SIGSEGV (foreign faults, pages that cannot be
# provided) and are expected.
CORE_TEST_VALGRIND := $(CORE_VALGRIND)

SOAK_SECONDS ?= 600

.PHONY: check-core check-core-asan check-core-valgrind bench-core soak-core

# The tests and the benchmark take faults: they link the fault handler too.
$(CORE_TEST_BIN): $(CORE_TEST_SRCS) $(CORE_TEST_HDRS) $(CORE_FAULT_LIB) $(CORE_LIB)
	$(CORE_CC) $(CORE_CFLAGS) -o $@ $(CORE_TEST_SRCS) $(CORE_FAULT_LIB) $(CORE_LIB) -lm

$(CORE_TEST_ASAN_BIN): $(CORE_TEST_SRCS) $(CORE_TEST_HDRS) $(CORE_ASAN_FAULT_LIB) $(CORE_ASAN_LIB)
	$(CORE_CC) $(CORE_ASAN_CFLAGS) -o $@ $(CORE_TEST_SRCS) $(CORE_ASAN_FAULT_LIB) $(CORE_ASAN_LIB) -lm

$(CORE_BENCH_BIN): $(CORE_BENCH_DIR)/virtmem_bench.c $(CORE_HDRS) $(CORE_FAULT_LIB) $(CORE_LIB)
	$(CORE_CC) $(CORE_CFLAGS) -o $@ $< $(CORE_FAULT_LIB) $(CORE_LIB) -lm

check-core: $(CORE_TEST_BIN)
	$(CORE_TEST_BIN)

check-core-asan: $(CORE_TEST_ASAN_BIN)
	$(CORE_TEST_ASAN_ENV) $(CORE_TEST_ASAN_BIN)

check-core-valgrind: $(CORE_TEST_BIN)
	$(CORE_TEST_VALGRIND) $(CORE_TEST_BIN)

bench-core: $(CORE_BENCH_BIN)
	$(CORE_BENCH_BIN)

soak-core: $(CORE_TEST_BIN)
	$(CORE_TEST_BIN) --soak $(SOAK_SECONDS)
