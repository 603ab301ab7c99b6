# Makefile - the bigarray extension (PGXS) and its virtmem core.
#
#   make / make install      build and install the extension
#   make installcheck        pg_regress, isolation and TAP tests (needs a server)
#   make core                src/virtmem/libvirtmem.a, the PostgreSQL-free core
#                            (and libvirtmem-fault.a, its SIGSEGV handler)
#   make check-core          the core's C tests (also -asan, -valgrind variants)
#   make bench-core          fault costs and streaming throughput of the core
#   make bench               bigarray against float8[] and raw large objects
#   make soak                random tests with fresh seeds (SOAK_MINUTES=30)

PG_CONFIG ?= pg_config
# Warnings are errors where we build (scripts/test.sh exports
# WERROR=-Werror), not for packagers whose newer compilers warn anew.
WERROR ?=

EXTENSION = bigarray
MODULE_big = bigarray
DATA = bigarray--0.1.sql
OBJS = \
	src/access.o \
	src/array.o \
	src/bigarray.o \
	src/dtype.o \
	src/elements.o \
	src/memory.o \
	src/reduce.o \
	src/registry.o \
	src/shape.o \
	src/storage.o \
	src/textform.o \
	src/type.o

REGRESS = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=bigarray
ISOLATION = $(basename $(notdir $(sort $(wildcard specs/*.spec))))
ISOLATION_OPTS = --load-extension=bigarray
ifneq ($(wildcard t/*.pl),)
TAP_TESTS = 1
endif

include src/virtmem/virtmem.mk
-include bench/bench.mk
-include fuzz/fuzz.mk

# PostgreSQL's headers are not -Wextra clean: -isystem silences them without
# weakening our own warnings.  Unused parameters are the norm for fmgr
# functions (PG_FUNCTION_ARGS), as in PostgreSQL's own build.
PG_CPPFLAGS = -I$(CURDIR)/include -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CFLAGS = -Wall -Wextra $(WERROR) -Wno-unused-parameter
SHLIB_LINK_INTERNAL = $(CORE_LIB)
SHLIB_LINK = -Wl,--version-script=bigarray.map
EXTRA_CLEAN = $(CORE_CLEAN) bigarray.map

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# After PGXS, which defines $(shlib); the included .mk files define targets
# of their own, so say which one plain "make" builds.
.DEFAULT_GOAL := all
$(shlib): $(CORE_LIB)

# Export only what PostgreSQL calls: the module magic, _PG_init, and each
# function declared with PG_FUNCTION_INFO_V1 with its info function.  The
# core's and our internal symbols stay local, clashing with nothing in the
# server.  The list is read from the objects, so it follows the code.
$(shlib): bigarray.map
bigarray.map: $(OBJS)
	{ echo '{ global: Pg_magic_func; _PG_init;'; \
	  nm -g --defined-only $(OBJS) | sed -n 's/.* T pg_finfo_\(.*\)/  pg_finfo_\1; \1;/p'; \
	  echo 'local: *; };'; } >$@

.PHONY: soak
soak:
	bash scripts/soak.sh

# PGXS knows no header dependencies: every file includes the one header.
$(OBJS): src/bigarray.h $(wildcard src/*.h include/bigarray/*.h)
