# src/virtmem/virtmem.mk - builds the virtmem core, a PostgreSQL-free C library.
#
# Included by the top-level Makefile (which also includes PGXS), so every
# name here starts with CORE_ and the objects have their own static pattern
# rules rather than PGXS's %.o: %.c.
#
#   make core        $(CORE_LIB) = src/virtmem/libvirtmem.a, everything but
#                    the fault handler, and $(CORE_FAULT_LIB) =
#                    src/virtmem/libvirtmem-fault.a, the fault handler
#                    (pagefault.c) alone
#   make core-asan   $(CORE_ASAN_LIB) and $(CORE_ASAN_FAULT_LIB), the same
#                    sources built with $(CORE_ASAN_CFLAGS)
#                    (AddressSanitizer + UndefinedBehaviorSanitizer) into
#                    $(CORE_DIR)/asan/; link test programs built with the same
#                    flags against them.
#
# The extension links only $(CORE_LIB): a backend never takes faults on
# virtmem's memory (it pins), so it carries no SIGSEGV handler.  Programs
# that use faults link $(CORE_FAULT_LIB) before $(CORE_LIB).
#
# CORE_EXTRA_CFLAGS is appended to the flags of both builds.  For test code:
# CORE_INCLUDE is the public include directory, CORE_CFLAGS the compile flags
# of the plain build, CORE_ASAN_CFLAGS those of the sanitizer build.
#
# CORE_VALGRIND runs a program under valgrind the way virtmem needs: a fault
# served by the SIGSEGV handler resumes the faulting instruction, which only
# sees correct registers if valgrind keeps all of them up to date at every
# instruction (with the default, values read around faults come out wrong).
# Built where <valgrind/memcheck.h> exists, the core tells memcheck that its
# reserved ranges are accessible, so first touches are not reported.

CORE_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
CORE_INCLUDE := $(CORE_DIR)/../../include

# The core's layers, bottom first (see virtmem_int.h); the fault handler,
# on top, is a library of its own.
CORE_SRCS := $(addprefix $(CORE_DIR)/,bug.c ram.c pagetable.c vma.c page.c \
	fileh.c savepoint.c pin.c)
CORE_FAULT_SRCS := $(CORE_DIR)/pagefault.c
CORE_HDRS := $(wildcard $(CORE_DIR)/*.h) $(wildcard $(CORE_INCLUDE)/bigarray/*.h)
CORE_CC ?= $(CC)
CORE_CFLAGS := -std=gnu11 -O2 -g -fPIC -Wall -Wextra $(WERROR) -I$(CORE_INCLUDE) $(CORE_EXTRA_CFLAGS)
CORE_ASAN_CFLAGS := $(CORE_CFLAGS) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer

CORE_VALGRIND := valgrind -q --px-default=allregs-at-each-insn \
	--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite

CORE_OBJS := $(CORE_SRCS:.c=.o)
CORE_LIB := $(CORE_DIR)/libvirtmem.a
CORE_FAULT_OBJS := $(CORE_FAULT_SRCS:.c=.o)
CORE_FAULT_LIB := $(CORE_DIR)/libvirtmem-fault.a
CORE_ASAN_OBJS := $(patsubst $(CORE_DIR)/%.c,$(CORE_DIR)/asan/%.o,$(CORE_SRCS))
CORE_ASAN_LIB := $(CORE_DIR)/libvirtmem-asan.a
CORE_ASAN_FAULT_OBJS := $(patsubst $(CORE_DIR)/%.c,$(CORE_DIR)/asan/%.o,$(CORE_FAULT_SRCS))
CORE_ASAN_FAULT_LIB := $(CORE_DIR)/libvirtmem-fault-asan.a

CORE_CLEAN := $(CORE_OBJS) $(CORE_LIB) $(CORE_FAULT_OBJS) $(CORE_FAULT_LIB) \
	$(CORE_DIR)/asan $(CORE_ASAN_LIB) $(CORE_ASAN_FAULT_LIB)

.PHONY: core core-asan
core: $(CORE_LIB) $(CORE_FAULT_LIB)
core-asan: $(CORE_ASAN_LIB) $(CORE_ASAN_FAULT_LIB)

$(CORE_OBJS) $(CORE_FAULT_OBJS): $(CORE_DIR)/%.o: $(CORE_DIR)/%.c $(CORE_HDRS)
	$(CORE_CC) $(CORE_CFLAGS) -c -o $@ $<

$(CORE_ASAN_OBJS) $(CORE_ASAN_FAULT_OBJS): $(CORE_DIR)/asan/%.o: $(CORE_DIR)/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CORE_CC) $(CORE_ASAN_CFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(CORE_FAULT_LIB): $(CORE_FAULT_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(CORE_ASAN_LIB): $(CORE_ASAN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(CORE_ASAN_FAULT_LIB): $(CORE_ASAN_FAULT_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

-include $(CORE_DIR)/tests/tests.mk
