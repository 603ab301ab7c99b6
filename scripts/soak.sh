#!/usr/bin/env bash
# scripts/soak.sh - the random tests with fresh seeds, for SOAK_MINUTES
# (default 30): the virtmem core's model test and the SQL differential
# test run side by side, one per core, until the time is up.  Each prints
# the seeds it tried, the steps it ran and any failing seed (with the
# command that repeats it); the last line sums both: "N passed, M failed",
# counting seeds.
#
# As root on Debian 12, like scripts/test.sh (`make soak` calls this).
set -uo pipefail

minutes=${SOAK_MINUTES:-30}
seconds=$((minutes * 60))
src=$(cd "$(dirname "$0")/.." && pwd)
bash "$src/scripts/setup.sh" || exit 1

work=$(mktemp -d /tmp/bigarray-soak.XXXXXX)
trap 'rm -rf "$work"' EXIT
rsync -a --exclude .git --exclude results --exclude tmp_check --exclude output_iso "$src/" "$work/"
cd "$work"
make -s core && make -s && make -s install || exit 1
chown -R postgres: "$work"
as_postgres() { runuser -u postgres -- "$@"; }

echo "soak: $minutes minutes of the core model test and the differential test"
as_postgres make -s soak-core SOAK_SECONDS="$seconds" >core.out 2>&1 &
core_pid=$!
# The differential test's fixed cases run first, then fresh seeds until the
# time is up (DIFF_SECONDS counts from after the fixed cases).
as_postgres env DIFF_SECONDS="$seconds" pg_virtualenv make -s installcheck \
	REGRESS= ISOLATION= PROVE_TESTS=t/020_differential.pl PROVE_FLAGS=-v \
	>diff.out 2>&1
diff_rc=$?
wait "$core_pid"
core_rc=$?

echo "== core model test"
tail -n 20 core.out
echo "== differential test"
grep -E '^(not ok|# soak|# differential|# program|# session)' diff.out
grep -E '^Result' diff.out

core_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' core.out | tail -n 1)
core_passed=${core_line%% passed*}
core_failed=${core_line#*passed, }; core_failed=${core_failed%% failed*}
[ -n "$core_line" ] || { core_passed=0; core_failed=1; }
[ "$core_rc" -eq 0 ] || [ "$core_failed" -gt 0 ] || core_failed=1
diff_seeds=$(sed -nE 's/^# soak: ([0-9]+) seeds, ([0-9]+) failing.*/\1/p' diff.out)
diff_failing=$(sed -nE 's/^# soak: ([0-9]+) seeds, ([0-9]+) failing.*/\2/p' diff.out)
[ -n "$diff_seeds" ] || { diff_seeds=0; diff_failing=1; }
[ "$diff_rc" -eq 0 ] || [ "$diff_failing" -gt 0 ] || diff_failing=1
echo "$((core_passed + diff_seeds - diff_failing)) passed, $((core_failed + diff_failing)) failed"
[ $((core_failed + diff_failing)) -eq 0 ]
