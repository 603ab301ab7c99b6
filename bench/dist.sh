#!/usr/bin/env bash
# bench/dist.sh - what `make bench-dist` runs: the sum of one array split
# over 3 data nodes (bigarray_dist, PL/Proxy RUN ON ALL) side by side with
# the same array on one node, cold and warm, and each node's own share.
#
# As root on Debian 12: installs what it needs, builds and installs, then
# reruns itself as postgres, which makes 4 throwaway clusters (a router
# and 3 data nodes, unix sockets only) under a temporary directory, and
# writes bench/results-dist.md.  All 4 clusters share this machine's cores:
# the speedup measured here is bounded by them (see README, "Beyond one
# machine", for the model on N machines).
#
#   BENCH_DIST_MB=128   array size in MiB of float8 (default 128)
#   BENCH_DIST_RUNS=7   runs per figure (medians are reported)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
mb=${BENCH_DIST_MB:-128}
runs=${BENCH_DIST_RUNS:-7}

if [ "$(id -u)" = 0 ]; then
	bash "$src/scripts/setup.sh"
	make -C "$src" -s
	make -C "$src" -s install
	work=$(mktemp -d /tmp/bigarray-bench-dist.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	chown postgres: "$work"
	runuser -u postgres -- env BENCH_DIST_MB="$mb" BENCH_DIST_RUNS="$runs" \
		bash "$src/bench/dist.sh" "$work"
	cp "$work/results-dist.md" "$src/bench/results-dist.md"
	cat "$src/bench/results-dist.md"
	exit 0
fi

work=$1
bin=$(pg_config --bindir)
n=$((mb * 131072))
names=(router n0 n1 n2)
ports=()
stop_all() {
	for name in "${names[@]}"; do
		[ -f "$work/$name/postmaster.pid" ] && "$bin/pg_ctl" -D "$work/$name" -m immediate stop >/dev/null 2>&1
	done
	return 0
}
trap stop_all EXIT
port=$((20000 + RANDOM % 20000))
for name in "${names[@]}"; do
	"$bin/initdb" -D "$work/$name" -A trust -N >/dev/null
	cat >>"$work/$name/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$work'
port = $port
fsync = off
shared_buffers = 192MB
EOF
	"$bin/pg_ctl" -D "$work/$name" -l "$work/$name.log" -w start >/dev/null
	ports+=("$port")
	port=$((port + 1))
done
sql() { local p=$1; shift; "$bin/psql" -XAtq -v ON_ERROR_STOP=1 -h "$work" -p "$p" -d postgres "$@"; }
router=${ports[0]}

# reference data: element i is a small integer, so every order of summing
# gives the same float8
val="((g::int8 * 7919) % 2003 - 1001)::float8"
for k in 0 1 2; do
	sql "${ports[$((k + 1))]}" -c 'CREATE EXTENSION bigarray_dist_node CASCADE'
done
sql "${ports[1]}" -c "CREATE DATABASE one" -c '\c one' -c 'CREATE EXTENSION bigarray' -c "
	CREATE TABLE t (a bigarray);
	INSERT INTO t SELECT bigarray_create('float8', $n);
	SELECT count(ba_set_slice(t.a, c * 1048576 + 1, ARRAY(SELECT $val FROM generate_series(c * 1048576 + 1, least($n, (c + 1) * 1048576)) g)))
	FROM t, generate_series(0, ($n - 1) / 1048576) c;" >/dev/null
sql "$router" -c 'CREATE EXTENSION bigarray_dist CASCADE' -c "
	CREATE SERVER dc FOREIGN DATA WRAPPER plproxy OPTIONS (modular_mapping '1',
		p0 'host=$work port=${ports[1]} dbname=postgres',
		p1 'host=$work port=${ports[2]} dbname=postgres',
		p2 'host=$work port=${ports[3]} dbname=postgres');
	CREATE USER MAPPING FOR PUBLIC SERVER dc;
	SELECT bigarray_dist.bad_create('a', 'dc', 'float8', ARRAY[$n::int8]);
	SELECT count(bigarray_dist.bad_set_slice('a', c * 1048576 + 1,
		ARRAY(SELECT $val FROM generate_series(c * 1048576 + 1, least($n, (c + 1) * 1048576)) g)))
	FROM generate_series(0, ($n - 1) / 1048576) c;" >/dev/null

# timed PORT DB QUERY: milliseconds of one run of QUERY in its own session
# (cold: a new backend, its page cache and, on the router, its PL/Proxy
# connections new), then of the same query again in that session (warm)
timed() {
	"$bin/psql" -XAtq -h "$work" -p "$1" -d "$2" -c '\timing on' -c "$3" -c "$3" |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | paste -sd' '
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A cold warm
keys=(one dist node0 node1 node2)
# measure KEY PORT DB QUERY: add one cold and one warm time to KEY's lists
measure() {
	local out=()
	read -r -a out <<<"$(timed "$2" "$3" "$4")"
	echo "${out[0]}" >>"$work/$1.cold"
	echo "${out[1]}" >>"$work/$1.warm"
}
# run by run, every side in turn, so machine noise falls on all of them
for ((r = 0; r < runs; r++)); do
	measure one "${ports[1]}" one 'SELECT ba_sum(a) FROM t'
	measure dist "$router" postgres "SELECT bigarray_dist.bad_sum('a')"
	for k in 0 1 2; do
		measure "node$k" "${ports[$((k + 1))]}" postgres "SELECT bigarray_dist_node.part_sum('a')"
	done
done
for key in "${keys[@]}"; do
	cold[$key]=$(median <"$work/$key.cold")
	warm[$key]=$(median <"$work/$key.warm")
done
same=$(sql "$router" -c "SELECT bigarray_dist.bad_sum('a')")
same_one=$(sql "${ports[1]}" -d one -c 'SELECT ba_sum(a) FROM t')
parts=$(for k in 0 1 2; do sql "${ports[$((k + 1))]}" -c "SELECT pg_size_pretty(bigarray_dist_node.used_bytes())"; done | paste -sd/)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

{
	echo "# bigarray_dist: distributed sum (bench/dist.sh)"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/model name/ { sub(/.*: /, ""); print; exit }' /proc/cpuinfo);"
	echo "4 clusters on this one machine (router + 3 data nodes), shared_buffers 192MB each, fsync off;"
	echo "medians of $runs runs; cold = a new session (bigarray page caches and, on the router,"
	echo "PL/Proxy connections new; shared buffers and OS cache warm), warm = the same session again."
	echo
	echo "Array: $mb MiB of float8 ($n elements); parts on the 3 nodes: $parts."
	echo "Sums: one node $same_one, distributed $same."
	echo
	echo "| sum of $mb MiB | one node (\`ba_sum\`) | 3 nodes (\`bad_sum\`) | one node / 3 nodes |"
	echo "|---|---:|---:|---:|"
	echo "| cold | ${cold[one]} ms | ${cold[dist]} ms | $(ratio "${cold[one]}" "${cold[dist]}") |"
	echo "| warm | ${warm[one]} ms | ${warm[dist]} ms | $(ratio "${warm[one]}" "${warm[dist]}") |"
	echo
	echo "Per-node work (\`part_sum\` run on each node by itself):"
	echo
	echo "| node | cold | warm |"
	echo "|---|---:|---:|"
	for k in 0 1 2; do
		echo "| n$k | ${cold[node$k]} ms | ${warm[node$k]} ms |"
	done
	echo
	echo "Bytes moved per \`bad_sum\`: one query to each node (~100 B) and one float8 back"
	echo "from each; the elements never leave their node."
} >"$work/results-dist.md"
