# fuzz/fuzz.mk - fuzzing the parser of bigarray's text form (src/textform.c)
# with libFuzzer; included by the top-level Makefile.
#
#   make fuzz                  build $(FUZZ_BIN) with clang
#                              (-fsanitize=fuzzer,address,undefined) and run it
#                              for $(FUZZ_TIME) seconds from fuzz/seeds; the
#                              last line is "1 passed, 0 failed" or, if an
#                              input crashed it, "0 passed, 1 failed" (the
#                              input is kept as fuzz/build/crash-*)
#   make fuzz FUZZ_TIME=3600   a longer run (CI runs the default 30 s)
#   make fuzz FUZZ_SEED=n      repeat a run (each run prints "INFO: Seed: n")
#
# Reproduce a crash: fuzz/build/textform_fuzz fuzz/build/crash-<hash>

FUZZ_DIR := fuzz
FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_SEED ?= 0
FUZZ_BIN := $(FUZZ_DIR)/build/textform_fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra $(WERROR) -Isrc \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# -seed=0 lets libFuzzer pick (and print) a seed; new inputs go to the
# first corpus directory, so the seeds stay as they are in the tree
FUZZ_RUN_FLAGS := -max_total_time=$(FUZZ_TIME) -seed=$(FUZZ_SEED) \
	-max_len=512 -timeout=10 -dict=$(FUZZ_DIR)/textform.dict \
	-artifact_prefix=$(FUZZ_DIR)/build/ -print_final_stats=1

.PHONY: fuzz fuzz-clean
fuzz: $(FUZZ_BIN)
	@rm -rf $(FUZZ_DIR)/build/corpus && mkdir -p $(FUZZ_DIR)/build/corpus
	@if $(FUZZ_BIN) $(FUZZ_RUN_FLAGS) $(FUZZ_DIR)/build/corpus $(FUZZ_DIR)/seeds; then \
		echo "1 passed, 0 failed"; \
	else \
		echo "0 passed, 1 failed"; exit 1; \
	fi

$(FUZZ_BIN): $(FUZZ_DIR)/textform_fuzz.c src/textform.c src/textform.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_DIR)/textform_fuzz.c src/textform.c

fuzz-clean:
	rm -rf $(FUZZ_DIR)/build
clean: fuzz-clean

