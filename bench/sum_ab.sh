#!/usr/bin/env bash
# bench/sum_ab.sh - the accurate ba_sum against 0.1's, A/B on one cluster.
#
#   bash bench/sum_ab.sh [BASE]     (as root; BASE: a commit whose sum is
#                                    the one to beat, default c1bc531, the
#                                    last with 0.1's sum kernel)
#
# Builds BASE and the working tree, starts one throwaway cluster, loads one
# random float8 array (BENCH_SUM_N elements, default 2^24 = 128 MiB), and
# then alternates: install one build's library, open a new session, time
# ba_sum warm (BENCH_SUM_CALLS calls after a first one; the session's
# median), the other build, and so on for BENCH_SUM_ROUNDS rounds, each
# round starting with the other build.  Prints the median of the session
# medians of each build, and their ratio, and writes bench/sum_ab.md.
# Holds /tmp/bigarray-pg.lock while the shared library is swapped.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-c1bc531}
n=${BENCH_SUM_N:-16777216}
calls=${BENCH_SUM_CALLS:-21}
rounds=${BENCH_SUM_ROUNDS:-7}
port=54987

work=$(mktemp -d /tmp/bigarray-sumab.XXXXXX)
cleanup() {
	[ -f "$work/data/postmaster.pid" ] &&
		runuser -u postgres -- pg_ctl -D "$work/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/base" "$work/new"
git -C "$src" archive "$base" | tar -x -C "$work/base"
rsync -a --exclude .git --exclude results --exclude tmp_check --exclude output_iso \
	"$src/" "$work/new/"
for b in base new; do
	make -C "$work/$b" -s clean >/dev/null 2>&1 || true
	(make -C "$work/$b" -s core && make -C "$work/$b" -s) >"$work/$b.log" 2>&1 ||
		{ cat "$work/$b.log"; exit 1; }
done
libdir=$(pg_config --pkglibdir)
bindir=$(pg_config --bindir)

exec 9>/tmp/bigarray-pg.lock
flock 9
# the new build's SQL files (the sum's SQL is the same in both)
make -C "$work/new" -s install >/dev/null
chown -R postgres: "$work"
runuser -u postgres -- "$bindir/initdb" -D "$work/data" -A trust >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
	-o "-k $work -p $port -c listen_addresses= -c shared_buffers=1GB -c autovacuum=off -c fsync=off" \
	start >/dev/null
sql() { runuser -u postgres -- psql -X -At -q -h "$work" -p "$port" -d postgres "$@"; }

sql >/dev/null <<EOF
CREATE EXTENSION bigarray;
CREATE TABLE bench_sum AS
	SELECT bigarray_create('float8', $n) AS a;
SELECT count(ba_set_slice(a, lo, array(SELECT random() * 2 - 1
                                       FROM generate_series(lo, least(lo + 999999, $n)))))
FROM bench_sum, generate_series(1, $n, 1000000) lo;
CREATE FUNCTION median_warm_sum(calls int) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE
	t timestamptz;
	s float8;
	times float8[] := '{}';
BEGIN
	SELECT ba_sum(a) INTO s FROM bench_sum;
	FOR i IN 1..calls LOOP
		t := clock_timestamp();
		SELECT ba_sum(a) INTO s FROM bench_sum;
		times := times || extract(epoch FROM clock_timestamp() - t)::float8;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END \$\$;
EOF

declare -A samples=([base]="" [new]="")
for ((r = 0; r < rounds; r++)); do
	order=(base new)
	((r % 2)) && order=(new base)
	for b in "${order[@]}"; do
		install -m 755 "$work/$b/bigarray.so" "$libdir/bigarray.so"
		samples[$b]+="$(sql -c "SELECT median_warm_sum($calls)") "
	done
done
# leave the working tree's library installed, as make install would
install -m 755 "$work/new/bigarray.so" "$libdir/bigarray.so"

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mb=$(echo "${samples[base]}" | median)
mn=$(echo "${samples[new]}" | median)
ratio=$(awk -v a="$mn" -v b="$mb" 'BEGIN {printf "%.3f", a / b}')
new_commit=$(git -C "$src" rev-parse --short HEAD)
[ -n "$(git -C "$src" status --porcelain)" ] && new_commit="$new_commit + uncommitted changes"
{
	echo "# ba_sum, warm: the accurate sum against 0.1's"
	echo
	echo "\`bash bench/sum_ab.sh\` on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)),"
	echo "$(date -u +%Y-%m-%d): $n random float8 in one array, $rounds sessions per build"
	echo "alternating, each the median of $calls warm calls; the figure is the median"
	echo "of the session medians."
	echo
	echo "| build | ba_sum warm | sessions (ms) |"
	echo "|---|---:|---|"
	echo "| $base (0.1's sum) | $(awk -v x="$mb" 'BEGIN {printf "%.2f ms", x * 1000}') | $(for x in ${samples[base]}; do awk -v x="$x" 'BEGIN {printf "%.2f ", x * 1000}'; done)|"
	echo "| $new_commit (accurate sum) | $(awk -v x="$mn" 'BEGIN {printf "%.2f ms", x * 1000}') | $(for x in ${samples[new]}; do awk -v x="$x" 'BEGIN {printf "%.2f ", x * 1000}'; done)|"
	echo
	echo "Ratio accurate / 0.1: **$ratio** (target: at most 1.25)."
} >"$src/bench/sum_ab.md"
cat "$src/bench/sum_ab.md"
