#!/usr/bin/env bash
# bench/run.sh - what `make bench` runs: bigarray side by side with float8[]
# and raw large objects (issue 4).
#
# As root on Debian 12: installs what it needs, builds and installs the
# extension, then runs bench/bench.py as the postgres user (initdb refuses
# root) in a throwaway cluster, and copies bench/results.md and
# bench/chart.png into the tree.
#
#   BENCH_QUICK=1             small sizes, 1-2 runs: checks the harness in
#                             under a minute; its figures are not for quoting
#   BENCH_ONLY=client         only the Python client's transfer rows
#                             (bench/client.py -> bench/client.md)
#   BENCH_OPS=point_pair,...  only these operations of bench.py (after the
#                             whole load), no client rows: to look into a
#                             few rows; the others read "not measured"
#   BENCH_GUCS="a=x b=y"      extra server settings, e.g.
#                             BENCH_GUCS=bigarray.page_size=1MB to compare
#                             page sizes
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
started=$(date +%s)

# install PACKAGE...: the ones not installed yet, through apt-get.
install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	echo "bench: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

bash "$src/scripts/setup.sh"        # what building the extension needs
install python3 python3-psycopg2 python3-psycopg python3-numpy python3-matplotlib
make -C "$src" -s
make -C "$src" -s install

# Huge pages for the server's shared memory, as PostgreSQL advises for a
# shared_buffers this large: with 4 kB pages every backend and every
# parallel worker faults in each page of the buffer pool it touches (up to
# 262,144 for 1 GB), which on a machine with dear page faults outweighs any
# scan bigger than the pool, for every method alike.  Reserved for the run
# and given back after it; where that fails the server runs on 4 kB pages
# (huge_pages = try) and results.md says which.
hugepages_before=$(cat /proc/sys/vm/nr_hugepages)
hugepages_wanted=640		# 1.25 GiB of 2 MiB pages: shared_buffers and the rest
work=$(mktemp -d /tmp/bigarray-bench.XXXXXX)
trap 'rm -rf "$work"; echo "$hugepages_before" > /proc/sys/vm/nr_hugepages 2>/dev/null || true' EXIT
if [ "$hugepages_before" -lt "$hugepages_wanted" ]; then
	echo "$hugepages_wanted" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
fi
# the reference of target 4, compiled like the extension
cc $(pg_config --cflags) -o "$work/csum" "$src/bench/csum.c"
# the first statement's floor (issue 12): a library with nothing in it,
# compiled and linked as PGXS links the extension
cc $(pg_config --cflags) $(pg_config --cflags_sl) -I"$(pg_config --includedir-server)" \
	-shared $(pg_config --ldflags) $(pg_config --ldflags_sl) \
	-o "$work/empty_module.so" "$src/bench/empty_module.c"
chown -R postgres: "$work"

commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$src" status --porcelain 2>/dev/null)" ] && commit="$commit + uncommitted changes"

# A checkpoint in the middle of a timed write would add its full-page images
# to that write's WAL: the harness checkpoints explicitly before each write
# instead.  Autovacuum would add WAL and load of its own.  fsync stays off,
# pg_virtualenv's default, so commits time the database, not this disk.
settings=(-o shared_buffers=1GB -o max_wal_size=16GB -o checkpoint_timeout=1h
	-o autovacuum=off -o fsync=off -o huge_pages=try)
for s in ${BENCH_GUCS:-}; do
	settings+=(-o "$s")
done

# bench.py, then the Python client's transfers (client.py) in the same
# cluster; BENCH_ONLY=client runs the second alone.
cd "$work"
runuser -u postgres -- env BENCH_QUICK="${BENCH_QUICK:-}" BENCH_CSUM="$work/csum" \
	BENCH_EMPTY_MODULE="$work/empty_module.so" \
	BENCH_GIT="$commit" MPLCONFIGDIR="$work/matplotlib" BENCH_ONLY="${BENCH_ONLY:-}" \
	BENCH_OPS="${BENCH_OPS:-}" \
	pg_virtualenv "${settings[@]}" bash -c '
		[ "$BENCH_ONLY" = client ] || /usr/bin/python3 "$1/bench/bench.py" "$2" || exit
		[ -n "$BENCH_OPS" ] || /usr/bin/python3 "$1/bench/client.py" "$2"' -- "$src" "$work"
wrote=()
for f in results.md chart.png client.md; do
	[ -f "$work/$f" ] && cp "$work/$f" "$src/bench/" && wrote+=("bench/$f")
done
echo "bench: wrote ${wrote[*]}; total $(( $(date +%s) - started )) s"
