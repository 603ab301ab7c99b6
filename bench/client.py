#!/usr/bin/python3
"""client.py - the Python client's transfer rows (issue 11).

Moves the same 1 GiB of random float8 between numpy and the server four
ways, timed from the client: BigArray.from_numpy / to_numpy (the python/
package, psycopg 3), psql's \\lo_import / \\lo_export of the raw bytes (a
large object, through a file), and psql's \\copy of float8[] rows (binary
COPY, the fastest \\copy; one float8[] value holds less than 1 GB, so the
bytes travel as 16 rows of 64 MiB).

Run by bench/run.sh inside the benchmark's throwaway cluster, after
bench.py or alone (BENCH_ONLY=client); writes client.md into the directory
given as the only argument and prints its table.  BENCH_QUICK=1: 64 MiB,
one run.
"""
import os
import statistics
import subprocess
import sys
import time

import numpy
import psycopg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import bigarray  # noqa: E402
from bigarray import BigArray  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
NBYTES = (64 << 20) if QUICK else (1 << 30)
ROW_BYTES = 64 << 20                    # one float8[] row of the \copy method
RUNS = 1 if QUICK else 3
SEED = 20240411


def psql(*commands):
    """Runs psql meta-commands or statements; returns their output and the
    wall time (psql's start-up, a few ms, included)."""
    args = ["psql", "-XAtq", "-v", "ON_ERROR_STOP=1"]
    for c in commands:
        args += ["-c", c]
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return out, time.perf_counter() - t0


def timed(f):
    t0 = time.perf_counter()
    result = f()
    return time.perf_counter() - t0, result


class Bench:
    def __init__(self, work, data):
        self.work = work
        self.data = data
        self.raw = os.path.join(work, "client-data.bin")
        self.out = os.path.join(work, "client-out.bin")
        with open(self.raw, "wb") as f:
            f.write(data.tobytes())
        self.admin = psycopg.connect(autocommit=True)
        self.admin.execute("CREATE EXTENSION IF NOT EXISTS bigarray")
        self.admin.execute("DROP TABLE IF EXISTS client_native, client_native_in")
        self.admin.execute("CREATE TABLE client_native (k int PRIMARY KEY, a float8[])")
        self.admin.execute("ALTER TABLE client_native ALTER a SET STORAGE EXTERNAL")
        self.admin.execute("CREATE TABLE client_native_in (LIKE client_native)")
        self.admin.execute("ALTER TABLE client_native_in ALTER a SET STORAGE EXTERNAL")
        # the sources every read starts from
        self.array = BigArray.from_numpy(self.admin, data)
        per_row = ROW_BYTES // 8
        self.admin.execute(
            "INSERT INTO client_native SELECT k, ba_slice(%s::bigarray, k * %s + 1, (k + 1) * %s)"
            " FROM generate_series(0, %s) k",
            (f"@{self.array.oid}", per_row, per_row, NBYTES // ROW_BYTES - 1))
        out, _ = psql(f"\\lo_import '{self.raw}'", "\\echo :LASTOID")
        self.loid = int(out.split()[-1])
        self.copy_file = os.path.join(work, "client-copy.bin")
        psql(f"\\copy (SELECT k, a FROM client_native ORDER BY k) TO '{self.copy_file}' WITH (FORMAT binary)")
        self.admin.execute("CHECKPOINT")

    # each returns seconds; what it made is dropped untimed
    def from_numpy(self):
        with psycopg.connect(autocommit=True) as conn:
            t, arr = timed(lambda: BigArray.from_numpy(conn, self.data))
            conn.execute("SELECT ba_drop(%s::bigarray)", (f"@{arr.oid}",))
        return t

    def to_numpy(self):
        with psycopg.connect(autocommit=True) as conn:
            t, back = timed(lambda: BigArray(conn, self.array.oid).to_numpy())
        if not numpy.array_equal(back, self.data):
            raise AssertionError("to_numpy returned other values")
        return t

    def lo_import(self):
        out, t = psql(f"\\lo_import '{self.raw}'", "\\echo :LASTOID")
        self.admin.execute("SELECT lo_unlink(%s)", (int(out.split()[-1]),))
        return t

    def lo_export(self):
        _, t = psql(f"\\lo_export {self.loid} '{self.out}'")
        if os.path.getsize(self.out) != NBYTES:
            raise AssertionError("lo_export wrote another size")
        os.unlink(self.out)
        return t

    def copy_in(self):
        _, t = psql(f"\\copy client_native_in FROM '{self.copy_file}' WITH (FORMAT binary)")
        self.admin.execute("TRUNCATE client_native_in")
        return t

    def copy_out(self):
        _, t = psql(f"\\copy (SELECT k, a FROM client_native ORDER BY k) TO '{self.out}' WITH (FORMAT binary)")
        os.unlink(self.out)
        return t

    def close(self):
        self.admin.execute("SELECT lo_unlink(%s)", (self.loid,))
        self.admin.execute("SELECT ba_drop(%s::bigarray)", (f"@{self.array.oid}",))
        self.admin.execute("DROP TABLE client_native, client_native_in")
        self.admin.close()
        for f in (self.raw, self.copy_file):
            os.unlink(f)


# (row label, method, the large-object row it is held against)
ROWS = [
    ("numpy -> server: `BigArray.from_numpy` (+ COMMIT)", "from_numpy", "lo_import"),
    ("numpy -> server: `\\lo_import` of the bytes", "lo_import", None),
    ("numpy -> server: `\\copy ... FROM` float8[] rows, binary", "copy_in", "lo_import"),
    ("server -> numpy: `arr.to_numpy()`", "to_numpy", "lo_export"),
    ("server -> numpy: `\\lo_export` of the bytes", "lo_export", None),
    ("server -> numpy: `\\copy ... TO` float8[] rows, binary", "copy_out", "lo_export"),
]


def main():
    work = sys.argv[1]
    data = numpy.random.default_rng(SEED).random(NBYTES // 8)
    bench = Bench(work, data)
    times = {method: [] for _, method, _ in ROWS}
    try:
        methods = list(times)
        for k in range(RUNS):
            # rotate, so no method always runs first or after the same one
            for method in methods[k % len(methods):] + methods[:k % len(methods)]:
                times[method].append(getattr(bench, method)())
                print(f"client: {method} {times[method][-1]:.2f} s", flush=True)
    finally:
        bench.close()
    median = {m: statistics.median(ts) for m, ts in times.items()}
    mb = NBYTES / 1e6
    lines = [f"## Client transfers (issue 11): {NBYTES >> 20} MiB of float8 between numpy and the server",
             "",
             "| transfer | median | MB/s | against the large object | goal |",
             "|---|---:|---:|---:|---|"]
    for label, method, against in ROWS:
        ratio = median[method] / median[against] if against else None
        goal = ("within 1.5x of the large object: " + ("met" if ratio <= 1.5 else "**missed**")
                if method in ("from_numpy", "to_numpy") else "-")
        lines.append(f"| {label} | {median[method]:.2f} s | {mb / median[method]:.0f} |"
                     f" {f'{ratio:.2f}x' if ratio else '-'} | {goal} |")
    lines += ["",
              f"Medians of {RUNS} runs in rotating order, wall time seen by the client (TCP to"
              " localhost, as pg_virtualenv connects), each in a new session (psql's start-up included for the psql"
              " rows). `\\lo_import` and `\\copy ... FROM` read a file, `\\lo_export` and"
              " `\\copy ... TO` write one (in the page cache); the numpy rows start from or"
              " end in memory. A float8[] value holds less than 1 GB, so `\\copy` moves"
              f" {NBYTES // ROW_BYTES} rows of {ROW_BYTES >> 20} MiB. `from_numpy` includes"
              " creating the array and its COMMIT; `to_numpy` was checked against the data.",
              ""]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(work, "client.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
