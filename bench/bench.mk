# bench/bench.mk - `make bench`: bigarray side by side with float8[] and raw
# large objects, as issue 4 asks (see bench/run.sh; BENCH_QUICK=1 for a
# quick check of the harness).  Included by the top-level Makefile before
# PGXS, so it defines nothing but its own BENCH_ names and target.

BENCH_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

.PHONY: bench
bench:
	bash $(BENCH_DIR)/run.sh

# The box reads of issue 10 (bench/box_reads.pl): as the postgres user in
# a tree it owns, with the extension installed, like the TAP tests.
.PHONY: bench-boxes
bench-boxes:
	$(MAKE) installcheck REGRESS= ISOLATION= PROVE_TESTS=$(BENCH_DIR)/box_reads.pl

# `make bench-dist`: the sum of an array split over 3 data nodes
# (bigarray_dist) against the same array on one node (bench/dist.sh).
.PHONY: bench-dist
bench-dist:
	bash $(BENCH_DIR)/dist.sh
