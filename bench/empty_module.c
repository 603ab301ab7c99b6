/*
 * empty_module.c - a PostgreSQL library with nothing but its magic block.
 *
 * The benchmark LOADs it in a new session to measure what loading any
 * library costs a backend (issue 12's first-statement row): bigarray's
 * first statement cannot cost less than lo_get's plus this.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
