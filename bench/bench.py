#!/usr/bin/python3
"""bench.py - bigarray side by side with float8[] and raw large objects (issue 4).

Run by bench/run.sh as the postgres user inside a throwaway cluster
(pg_virtualenv sets PGHOST, PGPORT, ... for libpq).  Loads the same random
float8 data three ways, times every operation on every method in alternating
order, and writes results.md and chart.png into the directory given as the
only argument.  Prints the table on stdout as well.

Environment: BENCH_QUICK=1 small sizes and 1-2 runs (checks the harness);
BENCH_CSUM the csum program (plain C sum, target 4); BENCH_EMPTY_MODULE the
path of bench/empty_module.c built as a library (the first statement's
floor, issue 12); BENCH_GIT the commit described in results.md.
"""
import datetime
import io
import os
import platform
import random
import statistics
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy
import psycopg2

QUICK = os.environ.get("BENCH_QUICK") == "1"
# BENCH_OPS=point_pair,slice_bytea: only these operations (after the full
# load), to look into a few rows; the other rows then read "not measured"
ONLY_OPS = set(filter(None, os.environ.get("BENCH_OPS", "").split(",")))
EMPTY_MODULE = os.environ.get("BENCH_EMPTY_MODULE", "empty_module")
MAIN_N = 1 << (18 if QUICK else 24)     # "128 MiB": all three methods
BIG_N = 1 << (20 if QUICK else 28)      # "2 GiB": beyond float8[], LO and bigarray only
CHART_SIZES = [1 << e for e in range(14 if QUICK else 16, (20 if QUICK else 28) + 1, 2)]
SLICE_LEN = 1000
LO_PIECE = 64 << 20                     # the issue's largest lo_get / lo_put piece
WARM_CALLS = 1000 if QUICK else 10000   # calls per statement for the warm point read
# Rounds of an operation at one size: at least MIN_RUNS, then more while the
# rounds so far took less than OP_BUDGET_S, so cheap operations get more
# samples and the ones that take seconds stay within the ten-minute budget.
MIN_RUNS, MAX_RUNS, OP_BUDGET_S = (1, 2, 0.5) if QUICK else (3, 15, 4.0)
# Issue 12's cold reads compare two times of about half a millisecond that
# vary by a third from session to session: they get rounds of their own,
# large object and bigarray only, this many (a few seconds in all).
COLD_PAIR_RUNS = 2 if QUICK else 31
SMALL_CACHE = "128MB"                   # target 7
SMALL_CACHE_BYTES = 128 << 20
CSUM_RUNS = 3                           # the C reference: the best of these
SEED = 20240401
# A statement that hangs (an unfinished extension) fails instead of stalling
# the run; a server restarting after a crashed backend gets time to come back.
STATEMENT_TIMEOUT = "300s"
CONNECT_ATTEMPTS = 30

NATIVE, LO, BA = "native", "lo", "ba"
METHODS = (NATIVE, LO, BA)
LABELS = {NATIVE: "native float8[]", LO: "large object", BA: "bigarray"}
# bigarray with its parallel workers off, as a method of its own: measured
# in the same rounds as BA, so that workers and none are compared under the
# same conditions (issue 12, target 2), not minutes apart
BA_NO_WORKERS = "ba_no_workers"
LABELS[BA_NO_WORKERS] = "bigarray, no workers"
# What parallel workers gain PostgreSQL's own scan of the same bytes on this
# machine, in the same rounds: a parallel seq scan of a table holding the big
# large object's chunks (bench_chunks), with workers and without.  The 0.6x
# target of issue 12 is read against it.
PG_SCAN, PG_SCAN_NO_WORKERS = "pg_scan", "pg_scan_no_workers"
LABELS[PG_SCAN] = "PostgreSQL parallel seq scan"
LABELS[PG_SCAN_NO_WORKERS] = "PostgreSQL seq scan, no workers"
EXTRA_METHODS = (BA_NO_WORKERS, PG_SCAN, PG_SCAN_NO_WORKERS)
METHOD_SETTINGS = {
    BA_NO_WORKERS: (("bigarray.parallel_min_size", "-1"),),
    # workers at every size (the quick run's table is small)
    PG_SCAN: (("parallel_setup_cost", "0"), ("parallel_tuple_cost", "0"),
              ("min_parallel_table_scan_size", "0")),
    PG_SCAN_NO_WORKERS: (("max_parallel_workers_per_gather", "0"),),
}

SETTINGS_SHOWN = ("shared_buffers", "max_wal_size", "checkpoint_timeout", "autovacuum",
                  "synchronous_commit", "fsync", "full_page_writes", "wal_level",
                  "wal_compression", "work_mem", "huge_pages", "bigarray.cache_size", "bigarray.page_size")


# --- sessions -------------------------------------------------------------

# Slices come back as text, unparsed: turning 1,000 numbers into Python
# floats would time the client, not the server.
FLOAT8_ARRAY_OID = 1022
psycopg2.extensions.register_type(
    psycopg2.extensions.new_type((FLOAT8_ARRAY_OID,), "FLOAT8ARRAY_AS_TEXT", lambda value, cur: value))


def connect(options=""):
    """A new backend; retried while the server restarts after a crashed backend."""
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            return psycopg2.connect("", options=f"-c statement_timeout={STATEMENT_TIMEOUT} {options}")
        except psycopg2.OperationalError:
            if attempt == CONNECT_ATTEMPTS - 1:
                raise
            time.sleep(1)


class Session:
    """One backend in autocommit mode: every statement is its own transaction,
    so a write's time includes its COMMIT."""

    def __init__(self, settings=(), load=True, options=""):
        self.conn = connect(options)
        self.conn.autocommit = True
        self.cur = self.conn.cursor()
        self.pid = self.value("SELECT pg_backend_pid()")
        # Loading the library is a once-per-process cost, not the backend's
        # page cache that "cold" is about: keep it out of the timed statement
        # (but for the session's first statement, issue 12).
        if load:
            self.cur.execute("LOAD 'bigarray'")
        for name, value in settings:
            self.cur.execute("SELECT set_config(%s, %s, false)", (name, value))

    def value(self, sql, params=None):
        self.cur.execute(sql, params)
        return self.cur.fetchone()[0]

    def timed(self, sql, params=None):
        """Wall time of one statement, seen from the client (round trip included)."""
        t0 = time.perf_counter()
        self.cur.execute(sql, params)
        if self.cur.description is not None:
            self.cur.fetchall()
        return time.perf_counter() - t0

    def timed_wal(self, sql, params):
        """Time and WAL bytes of one statement (and its commit)."""
        before = self.wal_position()
        t = self.timed(sql, params)
        return t, self.wal_position() - before

    def wal_position(self):
        return int(self.value("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))

    def peak_rss(self):
        """The backend's peak resident set (VmHWM), in bytes.  Shared buffers
        it touched count too.  Readable because we run on the server's machine
        as the server's user."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return None

    def page_faults(self):
        """Page faults the backend has taken (minflt + majflt of /proc/pid/stat):
        on a virtual machine each costs tens of microseconds, a new backend
        takes one at its first touch of each page of shared memory."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[7]) + int(fields[9])

    def cache_figures(self):
        """The extension's own accounting: pages loaded, peak bytes held."""
        return {"loads": self.value("SELECT bigarray_cache_loads()"),
                "cache_peak": self.value("SELECT max(peak_bytes) FROM bigarray_cache_stats()")}

    def close(self):
        self.conn.close()


# --- loading the data -------------------------------------------------------

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS bigarray;
CREATE TABLE bench_native (n int8 PRIMARY KEY, a float8[]);
ALTER TABLE bench_native ALTER COLUMN a SET STORAGE EXTERNAL;
CREATE TABLE bench_lo (n int8 PRIMARY KEY, loid oid);
CREATE TABLE bench_ba (n int8 PRIMARY KEY, a bigarray);
-- The large-object floor of target 8: lo_put of the fill value in pieces.
-- The piece is built once per call by doubling (a few ms for 64 MiB).
-- (A WHILE loop: PL/pgSQL's integer FOR loop stops at 2^31.)
CREATE FUNCTION bench_lo_fill(loid oid, nbytes int8, piece_bytes int8, element bytea)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    piece bytea := element;
    off int8 := 0;
BEGIN
    WHILE length(piece) < piece_bytes LOOP
        piece := piece || piece;
    END LOOP;
    WHILE off < nbytes LOOP
        PERFORM lo_put(loid, off, substring(piece FROM 1 FOR least(piece_bytes, nbytes - off)::int));
        off := off + piece_bytes;
    END LOOP;
END $$;
"""


def native_copy_data(n, values):
    """The row (n, values) in COPY's binary format: a 1-D float8 array whose
    elements are big-endian, each after its 4-byte length."""
    elements = numpy.empty(len(values), dtype=[("len", ">i4"), ("v", ">f8")])
    elements["len"] = 8
    elements["v"] = values
    array = struct.pack(">iiIii", 1, 0, 701, len(values), 1) + elements.tobytes()
    row = struct.pack(">hiqi", 2, 8, n, len(array)) + array
    return b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0) + row + struct.pack(">h", -1)


def load_main(conn, data):
    """The MAIN_N random values as a float8[] row and as a raw large object
    (little-endian, as bigarray stores them), sent from the client so neither
    depends on the extension working."""
    cur = conn.cursor()
    cur.copy_expert("COPY bench_native (n, a) FROM STDIN WITH (FORMAT binary)",
                    io.BytesIO(native_copy_data(MAIN_N, data)))
    lob = conn.lobject(0, "wb")
    lob.write(data.astype("<f8").tobytes())
    cur.execute("INSERT INTO bench_lo VALUES (%s, %s)", (MAIN_N, lob.oid))
    lob.close()
    conn.commit()


def load_native_and_lo(conn, n):
    """Other sizes: prefixes of the main data, or (beyond it) copies of it end to end."""
    cur = conn.cursor()
    main = {"n": n, "main": MAIN_N, "len": MAIN_N * 8}
    if n < MAIN_N:
        cur.execute("INSERT INTO bench_native SELECT %(n)s, a[1:%(n)s] FROM bench_native"
                    " WHERE n = %(main)s", main)
        cur.execute("INSERT INTO bench_lo SELECT %(n)s, lo_from_bytea(0, lo_get(loid, 0, %(n)s * 8))"
                    " FROM bench_lo WHERE n = %(main)s", main)
        conn.commit()
        return
    cur.execute("INSERT INTO bench_lo VALUES (%(n)s, lo_create(0))", main)
    conn.commit()
    for k in range(n // MAIN_N):
        cur.execute("SELECT lo_put(b.loid, %(off)s, lo_get(m.loid, 0, %(len)s))"
                    " FROM bench_lo b, bench_lo m WHERE b.n = %(n)s AND m.n = %(main)s",
                    dict(main, off=k * MAIN_N * 8))
        conn.commit()


def load_bigarray(conn, n):
    """The same values as a bigarray, through the extension's own functions."""
    cur = conn.cursor()
    if n <= MAIN_N:
        cur.execute("INSERT INTO bench_ba SELECT n, bigarray_from(a) FROM bench_native"
                    " WHERE n = %s", (n,))
        conn.commit()
        return
    cur.execute("INSERT INTO bench_ba VALUES (%s, bigarray_create('float8', %s::int8))", (n, n))
    conn.commit()
    for k in range(n // MAIN_N):
        cur.execute("SELECT ba_set_slice(b.a, %s::int8, m.a) FROM bench_ba b, bench_native m"
                    " WHERE b.n = %s AND m.n = %s", (k * MAIN_N + 1, n, MAIN_N))
        conn.commit()


READ_BACK = {
    NATIVE: ("SELECT a[%s] FROM bench_native WHERE n = %s", lambda v: v),
    LO: ("SELECT lo_get(loid, (%s - 1) * 8, 8) FROM bench_lo WHERE n = %s",
         lambda v: struct.unpack("<d", bytes(v))[0]),
    BA: ("SELECT ba_get(a, %s::int8) FROM bench_ba WHERE n = %s", lambda v: v),
}


def data_matches(conn, data, n, m, positions):
    """Method m returns the generated values at the given positions."""
    sql, decode = READ_BACK[m]
    cur = conn.cursor()
    try:
        for i in positions:
            cur.execute(sql, (i, n))
            if decode(cur.fetchone()[0]) != float(data[(i - 1) % MAIN_N]):
                return False
        return True
    finally:
        conn.rollback()     # ends the read-only transaction, failed or not


def load_arrays(conn, sizes, broken, log):
    """Every size three ways, the time of each step added to log.  A bigarray
    that fails to load marks the method broken instead of stopping the run;
    the other two are the harness's own."""
    def step(what, n, load):
        t0 = time.monotonic()
        load(conn, n)
        log.append(f"{what}, {fmt_count(n)} elements: {fmt_time(time.monotonic() - t0)}")
        print(f"  loaded {log[-1]}", flush=True)

    for n in sizes:
        if n != MAIN_N:
            step("native and large object", n, load_native_and_lo)
    for n in sizes:
        try:
            step("bigarray", n, load_bigarray)
        except psycopg2.Error as e:
            conn.rollback()
            broken[BA] = f"loading {fmt_count(n)} elements failed: {first_line(e)}"
            return


def check_arrays(conn, data, sizes, broken, checks):
    """Reads back a few values of every array; a wrong bigarray is not timed."""
    rng = random.Random(SEED)
    for n in sizes:
        positions = [1, n] + [rng.randrange(1, n + 1) for _ in range(3)]
        methods = [m for m in METHODS if m not in broken and (m != NATIVE or n <= MAIN_N)]
        for m in methods:
            try:
                if not data_matches(conn, data, n, m, positions):
                    broken[m] = f"values read back at {fmt_count(n)} elements differ from the data loaded"
            except psycopg2.Error as e:
                broken[m] = f"reading {fmt_count(n)} elements failed: {first_line(e)}"
            if m in broken and m != BA:
                sys.exit(f"bench: the harness's own {LABELS[m]}: {broken[m]}")
        checks.append(f"{fmt_count(n)} elements: values at {len(positions)} positions read back from "
                      + ", ".join(LABELS[m] for m in methods) + ": "
                      + broken.get(BA, "all match"))


def load_chunks_table(conn):
    """The big large object's chunks as a plain table, for PostgreSQL's own
    parallel scan of the same bytes; vacuumed, so no scan sets hint bits."""
    cur = conn.cursor()
    cur.execute("CREATE TABLE bench_chunks AS SELECT pageno, data FROM pg_largeobject"
                " WHERE loid = (SELECT loid FROM bench_lo WHERE n = %s)", (BIG_N,))
    cur.execute("VACUUM (FREEZE, ANALYZE) bench_chunks")


def load(data, broken, checks, log):
    """Creates and checks every array of every size; returns the seconds it took."""
    t0 = time.monotonic()
    conn = connect()
    conn.cursor().execute(SCHEMA)
    conn.commit()
    load_main(conn, data)
    log.append(f"native and large object from the client, {fmt_count(MAIN_N)} elements: "
               f"{fmt_time(time.monotonic() - t0)}")
    sizes = sorted(set(CHART_SIZES) | {MAIN_N, BIG_N})
    load_arrays(conn, sizes, broken, log)
    check_arrays(conn, data, sizes, broken, checks)
    conn.autocommit = True
    t1 = time.monotonic()
    load_chunks_table(conn)
    log.append(f"bench_chunks, {fmt_count(BIG_N)} elements: {fmt_time(time.monotonic() - t1)}")
    conn.cursor().execute("CHECKPOINT")     # loading's dirty buffers stay out of the timings
    conn.close()
    return time.monotonic() - t0


# --- operations ---------------------------------------------------------

@dataclass
class Op:
    key: str
    kind: str                   # cold, warm, write or update: see MEASURE
    sql: dict                   # method -> statement; a method absent is not measured
    sizes: list
    calls: dict = field(default_factory=dict)   # warm batches: calls per statement
    settings: tuple = ()        # (GUC, value) set in the session first
    options: str = ""           # connection options ("first" sessions only)
    min_runs: int = MIN_RUNS    # rounds at least (more for a noisy comparison)
    max_runs: int = MAX_RUNS
    # writes: what bigarray's element i must hold afterwards, from the
    # parameters and its value before; a write that did not happen is not timed
    expect: object = None


IN_NATIVE = " FROM bench_native WHERE n = %(n)s"
IN_LO = " FROM bench_lo WHERE n = %(n)s"
IN_BA = " FROM bench_ba WHERE n = %(n)s"
# issue 12: a new session's first statement
FIRST_SQL = {LO: "SELECT lo_get(loid, 0, 8)" + IN_LO, BA: "SELECT ba_get(a, 1::int8)" + IN_BA}
LO_PIECES = " FROM bench_lo, generate_series(0::int8, %(nbytes)s - 1, %(piece)s) off WHERE n = %(n)s"
PG_SCAN_SQL = f"SELECT sum(get_byte(data, 0)) FROM bench_chunks WHERE %(n)s = {BIG_N}"
# The warm point read: WARM_CALLS elements spread over the array in one
# statement, so executor and function-call overhead count but not the round trip.
SPREAD = "1 + (g * 7919) %% %(n)s"
CALLS = ", generate_series(1::int8, %(calls)s) g WHERE n = %(n)s"

OPS = [
    Op("point", "cold", {
        NATIVE: "SELECT a[%(i)s]" + IN_NATIVE,
        LO: "SELECT lo_get(loid, (%(i)s - 1) * 8, 8)" + IN_LO,
        BA: "SELECT ba_get(a, %(i)s::int8)" + IN_BA}, CHART_SIZES),
    Op("point_warm", "warm", {
        NATIVE: f"SELECT count(a[{SPREAD}]) FROM bench_native" + CALLS,
        LO: f"SELECT count(lo_get(loid, ({SPREAD} - 1) * 8, 8)) FROM bench_lo" + CALLS,
        BA: f"SELECT count(ba_get(a, {SPREAD})) FROM bench_ba" + CALLS},
        [MAIN_N], calls={NATIVE: 1, LO: WARM_CALLS, BA: WARM_CALLS}),
    Op("slice", "cold", {
        NATIVE: "SELECT a[%(i)s:%(j)s]" + IN_NATIVE,
        LO: "SELECT lo_get(loid, (%(i)s - 1) * 8, (%(j)s - %(i)s + 1) * 8)" + IN_LO,
        BA: "SELECT ba_slice(a, %(i)s::int8, %(j)s::int8)" + IN_BA}, CHART_SIZES),
    Op("slice_sum", "cold", {
        NATIVE: "SELECT (SELECT sum(x) FROM unnest(a[%(i)s:%(j)s]) x)" + IN_NATIVE,
        BA: "SELECT ba_sum(a, %(i)s::int8, %(j)s::int8)" + IN_BA}, [MAIN_N, BIG_N]),
    # issue 12: cold point reads and slices against lo_get, in rounds of
    # their own (COLD_PAIR_RUNS); the same 8,000 bytes also as bytea, like
    # for like with lo_get (ba_slice's float8[] costs its text output on top)
    Op("point_pair", "cold", {
        LO: "SELECT lo_get(loid, (%(i)s - 1) * 8, 8)" + IN_LO,
        BA: "SELECT ba_get(a, %(i)s::int8)" + IN_BA}, [MAIN_N, BIG_N],
        min_runs=COLD_PAIR_RUNS, max_runs=COLD_PAIR_RUNS),
    Op("slice_pair", "cold", {
        LO: "SELECT lo_get(loid, (%(i)s - 1) * 8, (%(j)s - %(i)s + 1) * 8)" + IN_LO,
        BA: "SELECT ba_slice(a, %(i)s::int8, %(j)s::int8)" + IN_BA}, [MAIN_N, BIG_N],
        min_runs=COLD_PAIR_RUNS, max_runs=COLD_PAIR_RUNS),
    Op("slice_bytea", "cold", {
        LO: "SELECT lo_get(loid, (%(i)s - 1) * 8, (%(j)s - %(i)s + 1) * 8)" + IN_LO,
        BA: "SELECT ba_to_bytea(a, %(i)s::int8, %(j)s::int8)" + IN_BA}, [MAIN_N, BIG_N],
        min_runs=COLD_PAIR_RUNS, max_runs=COLD_PAIR_RUNS),
    # issue 12: a new session's first statement, library loading included
    Op("first", "first", FIRST_SQL, [CHART_SIZES[0]]),
    # the same where the pool's sessions preload the library, as the
    # README advises; both methods' sessions preload it
    Op("first_preloaded", "first", FIRST_SQL, [CHART_SIZES[0]],
       options="-c session_preload_libraries=bigarray"),
    # what loading any library costs a new backend: lo_get's first
    # statement with a module holding nothing but its magic block loaded
    # in the same statement (bench/empty_module.c)
    Op("first_floor", "first", dict(FIRST_SQL, **{
        LO: "LOAD '" + EMPTY_MODULE + "'; " + FIRST_SQL[LO]}), [CHART_SIZES[0]]),
    Op("sum", "cold", {
        NATIVE: "SELECT sum(x) FROM bench_native, unnest(a) x WHERE n = %(n)s",
        LO: "SELECT sum(length(lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_sum(a)" + IN_BA}, [MAIN_N]),
    # issue 12: every core on a big cold scan, and the same without workers;
    # PostgreSQL's own scan of the same bytes with workers and without, for
    # reference (its priming run, on a small n, plans a constant-false
    # condition and reads nothing)
    Op("sum_big", "cold", {
        LO: "SELECT sum(length(lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_sum(a)" + IN_BA,
        BA_NO_WORKERS: "SELECT ba_sum(a)" + IN_BA,
        PG_SCAN: PG_SCAN_SQL, PG_SCAN_NO_WORKERS: PG_SCAN_SQL}, [BIG_N], min_runs=max(MIN_RUNS, 5)),
    Op("sum_warm", "warm", {
        NATIVE: "SELECT sum(x) FROM bench_native, unnest(a) x WHERE n = %(n)s",
        LO: "SELECT sum(length(lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_sum(a)" + IN_BA}, [MAIN_N]),
    Op("update", "update", {
        NATIVE: "UPDATE bench_native SET a[%(i)s] = %(v)s::float8 WHERE n = %(n)s",
        LO: "SELECT lo_put(loid, (%(i)s - 1) * 8, %(vbytes)s)" + IN_LO,
        BA: "SELECT ba_set(a, %(i)s::int8, %(v)s::float8)" + IN_BA}, CHART_SIZES,
        expect=lambda p, before: p["v"]),
    Op("scale", "write", {
        # -1 keeps the values' magnitudes, so later rounds see the same data
        NATIVE: "UPDATE bench_native SET a = (SELECT array_agg(-x) FROM unnest(a) x) WHERE n = %(n)s",
        LO: "SELECT count(lo_put(loid, off, lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_scale(a, -1)" + IN_BA}, [MAIN_N],
        expect=lambda p, before: -before),
    # issue 12: the WAL of a whole-array rewrite with wal_compression on
    Op("scale_wal_compression", "write", {
        LO: "SELECT count(lo_put(loid, off, lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_scale(a, -1)" + IN_BA}, [MAIN_N],
        settings=(("wal_compression", "on"),), expect=lambda p, before: -before),
    Op("sum_small_cache", "cold", {
        LO: "SELECT sum(length(lo_get(loid, off, %(piece)s)))" + LO_PIECES,
        BA: "SELECT ba_sum(a)" + IN_BA}, [BIG_N],
        settings=(("bigarray.cache_size", SMALL_CACHE),)),
    # Last: filling makes the arrays constant (and their chunks compressible).
    # Each round fills a new value: rewriting unchanged bytes could be skipped.
    Op("fill", "write", {
        LO: "SELECT bench_lo_fill(loid, %(nbytes)s, %(piece)s, %(vbytes)s)" + IN_LO,
        BA: "SELECT ba_fill(a, %(v)s::float8)" + IN_BA}, [BIG_N],
        expect=lambda p, before: p["v"]),
]


def params(n, i, v, v2):
    """Statement parameters for an array of n elements, at element i."""
    return {"n": n, "i": i, "j": i + SLICE_LEN - 1, "v": v, "v2": v2,
            "vbytes": psycopg2.Binary(struct.pack("<d", v)),
            "vbytes2": psycopg2.Binary(struct.pack("<d", v2)),
            "nbytes": n * 8, "piece": min(LO_PIECE, n * 8)}


def draw_params(n, rng):
    """The parameters of one round; the same for every method."""
    return params(n, rng.randrange(1, n - SLICE_LEN), rng.random(), rng.random())


def priming_params(p):
    """The same statement on another, small array of the same method."""
    n = CHART_SIZES[0] if p["n"] != CHART_SIZES[0] else CHART_SIZES[1]
    return dict(params(n, 1, p["v"], p["v2"]), calls=p["calls"])


def session_settings(op, m):
    """The operation's settings, then the method's own."""
    return op.settings + METHOD_SETTINGS.get(m, ())


def measure_cold(op, m, p, warm):
    """A new session whose caches hold nothing of this array.  It first runs
    the statement on another, small array: the first statement of a session
    pays catalog lookups and the extension's per-backend setup, which every
    method pays alike and which are not what "cold" is about.  That first
    statement's time is kept as "prime"."""
    s = Session(session_settings(op, m))
    try:
        prime = s.timed(op.sql[m], priming_params(p))
        faults = s.page_faults()
        sample = {"t": s.timed(op.sql[m], p)}
        sample.update(faults=s.page_faults() - faults, rss=s.peak_rss(), prime=prime)
        if m in (BA, BA_NO_WORKERS):
            sample.update(s.cache_figures())
        return sample
    finally:
        s.close()


def measure_warm(op, m, p, warm):
    """The same session again: its first, untimed run filled the cache."""
    if (m, p["n"]) not in warm:
        warm[m, p["n"]] = Session(session_settings(op, m))
        warm[m, p["n"]].timed(op.sql[m], p)
    return {"t": warm[m, p["n"]].timed(op.sql[m], p) / p["calls"]}


class WrongResult(Exception):
    """A write that reported success but left other values than it should."""


def ba_element(p):
    """bigarray's element i, read in a session of its own."""
    s = Session()
    try:
        return s.value("SELECT ba_get(a, %(i)s::int8)" + IN_BA, p)
    finally:
        s.close()


def verified(op, m, p, write):
    """Runs write() and checks that bigarray's element i then holds what
    op.expect says (seen by a new session, so after the commit)."""
    if m != BA:
        return write()
    before = ba_element(p)
    sample = write()
    expected, got = op.expect(p, before), ba_element(p)
    if got != expected:
        raise WrongResult(f"element {p['i']} is {got} after the write, expected {expected}")
    return sample


def measure_write(op, m, p, warm):
    """A new session right after a CHECKPOINT, so every method's WAL holds the
    full-page images of what it touches, whatever ran before."""
    def write():
        s = Session(session_settings(op, m))
        try:
            s.cur.execute("CHECKPOINT")
            t, wal = s.timed_wal(op.sql[m], p)
            return {"t": t, "wal": wal}
        finally:
            s.close()
    return verified(op, m, p, write)


def measure_update(op, m, p, warm):
    """Two one-element updates in a new session after a CHECKPOINT: the
    first pays full-page images (and for bigarray loading the page); the
    second, on the next element, is the steady-state figure."""
    def write():
        s = Session(session_settings(op, m))
        try:
            s.cur.execute("CHECKPOINT")
            t_first, wal_first = s.timed_wal(op.sql[m], p)
            t, wal = s.timed_wal(op.sql[m], dict(p, i=p["i"] + 1, v=p["v2"], vbytes=p["vbytes2"]))
            return {"t": t, "wal": wal, "t_first": t_first, "wal_first": wal_first}
        finally:
            s.close()
    return verified(op, m, p, write)


def measure_first(op, m, p, warm):
    """Issue 12: a new session's first statement, with nothing loaded before
    it: the library, its set-up and the catalog lookups all count.  The
    connection's own start (and pg_backend_pid()) are not timed."""
    s = Session(session_settings(op, m), load=False, options=op.options)
    try:
        return {"t": s.timed(op.sql[m], p)}
    finally:
        s.close()


MEASURE = {"cold": measure_cold, "warm": measure_warm,
           "write": measure_write, "update": measure_update, "first": measure_first}


class Results:
    """Samples per (operation, method, size), and what could not be measured."""

    def __init__(self):
        self.samples = {}
        self.failures = {}

    def add(self, key, m, n, sample):
        self.samples.setdefault((key, m, n), []).append(sample)

    def median(self, key, m, n, name="t"):
        xs = [s[name] for s in self.samples.get((key, m, n), []) if s.get(name) is not None]
        return statistics.median(xs) if xs else None


def rotated(methods, k):
    return methods[k % len(methods):] + methods[:k % len(methods)]


def measure_round(op, n, methods, k, results, warm, rng):
    """One sample of every method at size n, in the k-th rotation of their order."""
    base = draw_params(n, rng)
    for m in rotated(methods, k):
        if (op.key, m, n) in results.failures:
            continue
        p = dict(base, calls=op.calls.get(m, 1))
        try:
            results.add(op.key, m, n, MEASURE[op.kind](op, m, p, warm))
        except (psycopg2.Error, WrongResult) as e:
            results.failures[op.key, m, n] = first_line(e)
            if (m, n) in warm:
                warm.pop((m, n)).close()


def run_op(op, results, broken, rng):
    """Rounds of the operation: each round measures every size still wanted,
    so sizes compared with each other (target 2) see the same conditions,
    and every method at a size, in rotating order."""
    methods = {n: [m for m in METHODS + EXTRA_METHODS if m in op.sql
                   and m not in broken and (m != BA_NO_WORKERS or BA not in broken)
                   and (m != NATIVE or n <= MAIN_N)] for n in op.sizes}
    spent = dict.fromkeys(op.sizes, 0.0)
    active, rounds, warm = list(op.sizes), 0, {}
    try:
        while active:
            for n in active:
                t0 = time.monotonic()
                measure_round(op, n, methods[n], rounds, results, warm, rng)
                spent[n] += time.monotonic() - t0
            rounds += 1
            done = [n for n in active if rounds >= op.max_runs or (rounds >= op.min_runs and spent[n] >= OP_BUDGET_S)]
            for n in done:
                active.remove(n)
                print(f"  {op.key:16} {fmt_count(n):>6}: " + ", ".join(
                    f"{m} {fmt_time(results.median(op.key, m, n))}" for m in methods[n])
                    + f" ({rounds} runs, {spent[n]:.1f} s)", flush=True)
    finally:
        for s in warm.values():
            s.close()


def plain_c_sum_seconds():
    """Seconds of one pass of the plain C loop over MAIN_N doubles in memory:
    the best of CSUM_RUNS runs, since anything else running only slows it."""
    return min(float(subprocess.run([os.environ["BENCH_CSUM"], str(MAIN_N)], check=True,
                                    capture_output=True, text=True).stdout)
               for _ in range(CSUM_RUNS))


# --- the table of targets -----------------------------------------------

@dataclass
class Row:
    operation: str
    cells: dict                 # method -> text
    ratio: str = ""
    target: str = "reported"
    met: object = "-"           # True, False, None (not measured) or "-" (no target)


def div(a, b):
    return None if a is None or b is None or b == 0 else a / b


def at_least(ratio, k, text):
    return fmt_ratio(ratio), text, None if ratio is None else ratio >= k


def at_most(ratio, k, text):
    return fmt_ratio(ratio), text, None if ratio is None else ratio <= k


def below(x, limit, text, ratio=""):
    return ratio, text, None if x is None else x < limit


def target_rows(R, csum_s, shared_buffers):
    """One or more rows per target of issue 4, verdicts from this run's medians."""
    M, B, S = MAIN_N, BIG_N, fmt_bytes(MAIN_N * 8)
    BS = fmt_bytes(BIG_N * 8)
    f = R.median

    def cells(key, n, name="t", fmt=None):
        fmt = fmt or (fmt_bytes if name in ("wal", "wal_first", "rss", "cache_peak") else fmt_time)
        return {m: fmt(f(key, m, n, name)) if (key, m, n) in R.samples else "" for m in METHODS}

    def speedup(key, n, k):
        return at_least(div(f(key, NATIVE, n), f(key, BA, n)), k, f">= {k}x faster than native")

    rows = [
        Row(f"1. point read, cold, {S}: `a[i]` / `lo_get` 8 B / `ba_get`",
            cells("point", M), *speedup("point", M, 100)),
        Row(f"1. point read, warm, per call ({fmt_count(WARM_CALLS)} calls in one statement)",
            cells("point_warm", M), *below(f("point_warm", BA, M), 5e-6, "< 5 us",
                                           fmt_ratio(div(f("point_warm", NATIVE, M), f("point_warm", BA, M))))),
        Row(f"2. slice of {SLICE_LEN:,}, cold, {S}: `a[i:j]` / `lo_get` 8 kB / `ba_slice`",
            cells("slice", M), *speedup("slice", M, 100)),
        Row(f"2. sum of a {SLICE_LEN:,} slice, cold, {S}: `sum(unnest(a[i:j]))` / - / `ba_sum(a, lo, hi)`",
            cells("slice_sum", M), *speedup("slice_sum", M, 100)),
        Row(f"2. `ba_slice`, cold, {BS} vs {S}", cells("slice", B),
            *at_most(div(f("slice", BA, B), f("slice", BA, M)), 1.5, f"<= 1.5x its time at {S}")),
        Row(f"2. `ba_sum(a, lo, hi)`, cold, {BS} vs {S}", cells("slice_sum", B),
            *at_most(div(f("slice_sum", BA, B), f("slice_sum", BA, M)), 1.5, f"<= 1.5x its time at {S}")),
        Row(f"3. sum of all, cold, {S}: `sum(unnest(a))` / `lo_get` 64 MiB pieces / `ba_sum`",
            cells("sum", M), *at_most(div(f("sum", BA, M), f("sum", LO, M)), 1.3, "<= 1.3x large object")),
        Row("3. the same, against native", cells("sum", M), *speedup("sum", M, 5)),
        Row(f"4. sum of all, warm (same session again), {S}", cells("sum_warm", M),
            *rate_verdict(f("sum_warm", BA, M), M * 8)),
        Row(f"4. the same, against a plain C loop over memory ({fmt_time(csum_s)})", cells("sum_warm", M),
            *at_most(div(f("sum_warm", BA, M), csum_s), 3, "<= 3x plain C")),
        Row(f"5. update one element + COMMIT, {S} (second update, next element)", cells("update", M),
            *below(f("update", BA, M), 2e-3, "< 2 ms",
                   fmt_ratio(div(f("update", NATIVE, M), f("update", BA, M))))),
        Row("5. its WAL", cells("update", M, "wal"),
            *below(f("update", BA, M, "wal"), 8192, "< 8 kB",
                   fmt_ratio(div(f("update", NATIVE, M, "wal"), f("update", BA, M, "wal"))))),
        Row("5. first update after a CHECKPOINT: time", cells("update", M, "t_first")),
        Row("5. first update after a CHECKPOINT: WAL", cells("update", M, "wal_first")),
        Row(f"6. scale all + COMMIT, {S}: `UPDATE` via `unnest` / `lo_get`+`lo_put` / `ba_scale`",
            cells("scale", M), *at_most(div(f("scale", BA, M), f("scale", LO, M)), 1.5, "<= 1.5x large object")),
        Row("6. its WAL", cells("scale", M, "wal"),
            *at_most(div(f("scale", BA, M, "wal"), f("scale", LO, M, "wal")), 1.2, "<= 1.2x large object")),
        Row(f"7. sum of all, cold, {BS}, `bigarray.cache_size = {SMALL_CACHE}`", cells("sum_small_cache", B),
            fmt_ratio(div(f("sum_small_cache", BA, B), f("sum_small_cache", LO, B)))),
        Row("7. its array pages held at most (`bigarray_cache_stats().peak_bytes`)",
            cells("sum_small_cache", B, "cache_peak"),
            *below(f("sum_small_cache", BA, B, "cache_peak"), SMALL_CACHE_BYTES + 1, f"<= {SMALL_CACHE}")),
        Row("7. backend peak RSS (VmHWM)", cells("sum_small_cache", B, "rss"),
            *below(f("sum_small_cache", BA, B, "rss"), SMALL_CACHE_BYTES + shared_buffers + (64 << 20),
                   f"< {SMALL_CACHE} + shared_buffers ({fmt_bytes(shared_buffers)}) + 64 MiB")),
        Row(f"8. fill all + COMMIT, {BS}: `lo_put` 64 MiB pieces / `ba_fill`", cells("fill", B),
            *at_most(div(f("fill", BA, B), f("fill", LO, B)), 1.5, "<= 1.5x large object")),
        Row("8. its WAL", cells("fill", B, "wal"), fmt_ratio(div(f("fill", BA, B, "wal"), f("fill", LO, B, "wal")))),
    ]
    return rows + issue12_rows(R, cells)


def issue12_rows(R, cells):
    """The targets of issue 12 (performance), as ratios to the large object."""
    M, B, S, BS = MAIN_N, BIG_N, fmt_bytes(MAIN_N * 8), fmt_bytes(BIG_N * 8)
    f = R.median

    def to_lo(key, n, k=1.2, name="t"):
        return at_most(div(f(key, BA, n, name), f(key, LO, n, name)), k, f"<= {k}x large object")

    return [
        Row(f"12.1 point read, cold, {S}: `lo_get` 8 B / `ba_get` ({COLD_PAIR_RUNS} rounds)",
            cells("point_pair", M), *to_lo("point_pair", M)),
        Row(f"12.1 point read, cold, {BS}", cells("point_pair", B), *to_lo("point_pair", B)),
        Row(f"12.1 slice of {SLICE_LEN:,}, cold, {S}: `lo_get` 8 kB / `ba_slice` (float8[])",
            cells("slice_pair", M), *to_lo("slice_pair", M)),
        Row(f"12.1 slice of {SLICE_LEN:,}, cold, {BS}", cells("slice_pair", B), *to_lo("slice_pair", B)),
        Row(f"12.1 the same bytes, cold, {S}: `lo_get` 8 kB / `ba_to_bytea(a, lo, hi)`",
            cells("slice_bytea", M), *to_lo("slice_bytea", M)),
        Row(f"12.1 the same bytes, cold, {BS}", cells("slice_bytea", B), *to_lo("slice_bytea", B)),
        Row(f"12.2 sum of all, cold, {BS}: `lo_get` 64 MiB pieces / `ba_sum` (parallel workers)",
            cells("sum_big", B), *to_lo("sum_big", B, 0.7)),
        Row(f"12.2 the same against `ba_sum` without workers, in the same rounds ({fmt_time(f('sum_big', BA_NO_WORKERS, B))})",
            cells("sum_big", B), *at_most(div(f("sum_big", BA, B), f("sum_big", BA_NO_WORKERS, B)), 0.6,
                                          "<= 0.6x without workers")),
        Row(f"12.2 reference: PostgreSQL's own seq scan of the same chunks as a table, in the same rounds, "
            f"workers ({fmt_time(f('sum_big', PG_SCAN, B))}) / none ({fmt_time(f('sum_big', PG_SCAN_NO_WORKERS, B))})",
            dict.fromkeys(METHODS, ""), fmt_ratio(div(f("sum_big", PG_SCAN, B), f("sum_big", PG_SCAN_NO_WORKERS, B)))),
        Row("12.3 a session's first statement (library load included): `lo_get` / `ba_get`",
            cells("first", CHART_SIZES[0]), *to_lo("first", CHART_SIZES[0], 1.1)),
        Row("12.3 the same, sessions started with `session_preload_libraries = bigarray`",
            cells("first_preloaded", CHART_SIZES[0]), *to_lo("first_preloaded", CHART_SIZES[0], 1.1)),
        Row("12.3 the floor of any library: `LOAD` of an empty module + `lo_get` / `ba_get`",
            cells("first_floor", CHART_SIZES[0]), *to_lo("first_floor", CHART_SIZES[0], 1.1)),
        Row(f"12.5 WAL of scale all + COMMIT, {S}, `wal_compression = off`", cells("scale", M, "wal"),
            fmt_ratio(div(f("scale", BA, M, "wal"), f("scale", LO, M, "wal")))),
        Row(f"12.5 the same, `wal_compression = on`", cells("scale_wal_compression", M, "wal"),
            fmt_ratio(div(f("scale_wal_compression", BA, M, "wal"), f("scale_wal_compression", LO, M, "wal")))),
    ]


def rate_verdict(seconds, nbytes):
    rate = div(nbytes, seconds)
    return ("" if rate is None else f"{rate / 1e9:.1f} GB/s"), ">= 5 GB/s", None if rate is None else rate >= 5e9


def verdict(met):
    return {True: "met", False: "**missed**", None: "not measured"}.get(met, "-")


def markdown_table(rows):
    lines = ["| operation | native float8[] | large-object floor | bigarray | ratio | target | met |",
             "|---|---:|---:|---:|---:|---|---|"]
    for r in rows:
        lines.append(f"| {r.operation} | {r.cells[NATIVE] or '-'} | {r.cells[LO] or '-'} | "
                     f"{r.cells[BA] or '-'} | {r.ratio} | {r.target} | {verdict(r.met)} |")
    return "\n".join(lines)


def detail_table(R, page_size):
    """Every median measured, with its run count and what bigarray loaded."""
    lines = ["| operation | elements | method | runs | median | min | max | notes |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for (key, m, n), samples in sorted(R.samples.items(), key=lambda kv: (OP_ORDER[kv[0][0]], kv[0][2], kv[0][1])):
        ts = [s["t"] for s in samples]
        notes = []
        if "wal" in samples[0]:
            notes.append(f"WAL {fmt_bytes(R.median(key, m, n, 'wal'))}")
        if "prime" in samples[0]:
            notes.append(f"session's first statement {fmt_time(R.median(key, m, n, 'prime'))}")
        if "faults" in samples[0]:
            notes.append(f"page faults {R.median(key, m, n, 'faults'):g}")
        if "loads" in samples[0]:
            loads = R.median(key, m, n, "loads")
            notes.append(f"pages loaded {loads:g} ({fmt_bytes(loads * page_size)})")
        lines.append(f"| {key} | {fmt_count(n)} | {LABELS[m]} | {len(ts)} | {fmt_time(statistics.median(ts))}"
                     f" | {fmt_time(min(ts))} | {fmt_time(max(ts))} | {', '.join(notes)} |")
    return "\n".join(lines)


OP_ORDER = {op.key: k for k, op in enumerate(OPS)}


# --- formatting -----------------------------------------------------------

def first_line(e):
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.3g} us"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_bytes(b):
    if b is None:
        return "-"
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if abs(b) >= size:
            return f"{b / size:.3g} {unit}"
    return f"{b:g} B"


def fmt_count(n):
    return f"2^{n.bit_length() - 1}" if n & (n - 1) == 0 else f"{n:,}"


def fmt_ratio(r):
    if r is None:
        return ""
    return f"{r:,.0f}x" if r >= 100 else f"{r:.3g}x"


# --- the machine, the report and the chart ---------------------------------

def machine_description(settings):
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        meminfo = {l.split(":")[0]: int(l.split()[1]) for l in f}
    mem_kb = meminfo["MemTotal"]
    # the server is up, so huge pages it uses are taken or reserved
    huge_used = meminfo.get("HugePages_Total", 0) - meminfo.get("HugePages_Free", 0) \
        + meminfo.get("HugePages_Rsvd", 0)
    huge = (f"shared memory in {huge_used} huge pages of {meminfo.get('Hugepagesize', 0) // 1024} MiB"
            if huge_used > 0 else "shared memory in 4 kB pages (no huge pages)")
    s = Session()
    try:
        version = s.value("SELECT version()")
        shown = [(name, s.value("SELECT current_setting(%s, true)", (name,))) for name in settings]
        page_size = s.value("SELECT pg_size_bytes(current_setting('bigarray.page_size'))")
        shared_buffers = s.value("SELECT pg_size_bytes(current_setting('shared_buffers'))")
    finally:
        s.close()
    lines = [f"- CPU: {cpu}, {os.cpu_count()} cores",
             f"- memory: {fmt_bytes(mem_kb * 1024)}, {huge}",
             f"- kernel: {platform.system()} {platform.release()}",
             f"- {version}",
             f"- bigarray: commit {os.environ.get('BENCH_GIT', 'unknown')}",
             "- settings: " + ", ".join(f"`{n} = {v}`" for n, v in shown)]
    return "\n".join(lines), page_size, shared_buffers


METHOD_NOTES = f"""\
- Data: {fmt_count(MAIN_N)} random float8 in [0, 1) (numpy, seed {SEED}), loaded as a
  `float8[]` row (`STORAGE EXTERNAL`), a raw large object (little-endian
  elements) and a bigarray (`bigarray_from`). Smaller arrays are prefixes of
  it; larger ones ({fmt_count(BIG_N)} elements) are copies of it end to end,
  built with `lo_put` and `ba_set_slice`. Every method returned the same values
  at sampled positions before timing began.
- Times are wall-clock medians seen by the client (Unix socket, round trip
  included) of one statement in autocommit mode, so writes include COMMIT.
  Each round measures every size of an operation and every method at each
  size, methods in rotating order; rounds repeat at least {MIN_RUNS} and at
  most {MAX_RUNS} times, more for cheap operations ({OP_BUDGET_S:g} s per
  operation and size). Issue 12's cold reads (rows 12.1) run
  {COLD_PAIR_RUNS} rounds of their own, large object and bigarray only.
- Cold: a new session whose caches hold nothing of the array: connected,
  library loaded with `LOAD`, and the same statement run once on another,
  small array ({fmt_count(CHART_SIZES[0])} elements), so that the catalog
  lookups and per-backend set-up of a session's first statement, which every
  method pays, are not counted; that first statement's time is listed as
  "session's first statement" below. PostgreSQL's shared buffers
  and the OS page cache stay warm: cold does not mean reading from disk
  ({fmt_bytes(BIG_N * 8)} large objects do not fit in shared buffers and come
  from the OS page cache). Warm: the same session running the statement
  again after an untimed first run. A `float8[]` and a raw large object have
  no backend cache, so warm and cold differ little for them.
- A session's first statement (rows 12.3): the first statement of a new
  session, after the connection's own start, with nothing loaded before it.
  The preloaded row connects with `session_preload_libraries = bigarray`
  for both methods, as a pool would; the floor row runs `LOAD` of
  `bench/empty_module.c` (a library holding only its magic block, built
  and linked like the extension) and `lo_get` as one statement: what
  loading any library adds to a new backend's first statement.
- Workers (rows 12.2): `ba_sum` with parallel workers and without, and for
  reference PostgreSQL's own sequential scan of the same bytes with workers
  and without, are methods of one operation, measured in the same rounds.
  The reference reads `bench_chunks`, a table made of the big large
  object's rows (`pageno`, 2 kB `data`), with `sum(get_byte(data, 0))`;
  it shows what parallel workers can gain a scan of these bytes on this
  machine.
- The warm point read runs {fmt_count(WARM_CALLS)} `ba_get` / `lo_get` calls spread over the
  array in one statement (one `a[i]` for native) and divides: executor and
  function-call overhead are included, the client round trip is not.
- Writes (update, scale, fill) start in a new session right after a
  `CHECKPOINT`, so each method's WAL includes the full-page images of what
  it touches. The update row is the second update (next element) in that
  session; the first one, with its full-page images, is reported below it.
  WAL bytes are `pg_current_wal_lsn()` differences around the statement.
- Peak RSS is `VmHWM` of `pg_backend_pid()` in `/proc`, read from outside the
  backend; the shared buffers a backend touched count in it. Page faults
  (cold rows, in the table of every median) are the backend's minor and
  major faults in `/proc` around the timed statement.
- The large-object floor reads or writes the same bytes with `lo_get` /
  `lo_put` (pieces of at most 64 MiB); it has no array semantics (the slice
  sum has no such row). Target 6's floor rewrites the bytes unchanged; target
  8's writes the fill value, built in memory first (a few ms). Each round
  fills with a new value, so no round rewrites bytes that are already there.
- Every bigarray write is checked: a new session reads an element it
  changed afterwards, and a write that left a wrong value counts as failed.
- `fsync = off`, as pg_virtualenv sets up a throwaway cluster: a COMMIT does
  not wait for the disk. With it on, every commit of every method would add
  one WAL flush, whatever this machine's disk takes for that.
- The plain C sum is `bench/csum.c`: one accumulator, PostgreSQL's CFLAGS,
  {fmt_count(MAIN_N)} doubles already in memory, median of 7 passes, best of
  {CSUM_RUNS} runs, run right after the warm sums.
"""


def write_report(path, rows, R, machine, page_size, elapsed, load_s, load_log, checks, broken):
    mode = "quick mode, `BENCH_QUICK=1`: small sizes, 1-2 runs, not for quoting" if QUICK else "full mode"
    failed = [f"- {key} on {LABELS[m]} at {fmt_count(n)} elements: {msg}"
              for (key, m, n), msg in sorted(R.failures.items(), key=str)]
    failed += [f"- {LABELS[m]}: {msg}" for m, msg in broken.items()]
    text = "\n".join([
        "# bigarray benchmark: results",
        "",
        f"Written by `make bench` ({mode}) on {datetime.date.today()}; the run took "
        f"{elapsed:.0f} s, {load_s:.0f} s of it loading the data.",
        "",
        "## Machine",
        machine,
        "",
        "## Targets of issue 4",
        markdown_table(rows),
        "",
        "## How it was measured",
        METHOD_NOTES,
        "## Loading and data checks",
        "\n".join(f"- {c}" for c in load_log + checks),
        "",
        "## Not measured",
        "\n".join(failed) or "Every operation ran on every method.",
        "",
        "## Every measurement",
        f"bigarray pages are {fmt_bytes(page_size)}. The chart (`bench/chart.png`) plots the "
        "point, slice and update rows.",
        "",
        detail_table(R, page_size),
        "",
    ])
    with open(path, "w") as out:
        out.write(text)


CHART_OPS = (("point", "point read, cold"), ("slice", f"slice of {SLICE_LEN:,}, cold"),
             ("update", "update one element + COMMIT (second update)"))


def draw_chart(path, R, title):
    import matplotlib
    matplotlib.use("Agg")   # no display: write the file only
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(CHART_OPS), figsize=(15, 4.8))
    for ax, (key, name) in zip(axes, CHART_OPS):
        for m in METHODS:
            points = [(n, R.median(key, m, n)) for n in CHART_SIZES if R.median(key, m, n) is not None]
            if points:
                ax.plot(*zip(*points), marker="o", label=LABELS[m])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel("array size, float8 elements")
        ax.set_ylabel("median time, s")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    out_dir = sys.argv[1]
    started = time.monotonic()
    broken, checks, load_log = {}, [], []
    load_before = os.getloadavg()[0]
    print("loading data", flush=True)
    data = numpy.random.default_rng(SEED).random(MAIN_N)
    load_s = load(data, broken, checks, load_log)
    machine, page_size, shared_buffers = machine_description(SETTINGS_SHOWN)
    print("timing", flush=True)
    R = Results()
    rng = random.Random(SEED)
    csum_s = None
    for op in OPS:
        if ONLY_OPS and op.key not in ONLY_OPS:
            continue
        run_op(op, R, broken, rng)
        if op.key == "sum_warm":    # the reference under the same conditions
            csum_s = plain_c_sum_seconds()
    rows = target_rows(R, csum_s, shared_buffers)
    elapsed = time.monotonic() - started
    machine += (f"\n- load average (1 min) at the start {load_before:.2f}, at the end "
                f"{os.getloadavg()[0]:.2f}: the benchmark itself keeps about one core busy; "
                "more means other work shared the machine")
    print("\n" + markdown_table(rows) + "\n")
    write_report(os.path.join(out_dir, "results.md"), rows, R, machine, page_size,
                 elapsed, load_s, load_log, checks, broken)
    draw_chart(os.path.join(out_dir, "chart.png"), R,
               f"bigarray vs float8[] vs large object ({os.cpu_count()} cores, medians)")
    for m, msg in broken.items():
        print(f"bench: {LABELS[m]} not measured: {msg}")
    print(f"bench: {len(R.failures)} measurements failed; harness time {elapsed:.0f} s")


if __name__ == "__main__":
    main()
