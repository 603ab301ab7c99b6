#!/usr/bin/env bash
# scripts/test.sh - install what is needed, build, and run every test suite.
#
# Runs the virtmem core's C tests (as built, under ASan+UBSan, under
# valgrind), the fuzzer, the META.json check, then pg_regress, isolation,
# TAP and the Python client's pytest suites and doc/reference.md's examples
# on a throwaway cluster, and last the Debian package, installed and tested
# (scripts/test-deb.sh).  The last line sums every suite: "N passed, M failed".
# As root on Debian 12.  The suites run in a copy of the tree owned by the
# postgres user, because PostgreSQL refuses to run as root and the isolation
# and TAP suites write into the tree.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
# warnings are errors here (the Makefile leaves them warnings for packagers)
export WERROR=-Werror
bash "$src/scripts/setup.sh" || exit 1

work=$(mktemp -d /tmp/bigarray-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
rsync -a --exclude .git --exclude results --exclude tmp_check --exclude output_iso "$src/" "$work/"
chown -R postgres: "$work"
cd "$work"

as_postgres() { runuser -u postgres -- "$@"; }
log=$work/test.log
total_passed=0
total_failed=0

# count SUITE LOGFILE EXITCODE: add the suite's own counts to the totals.
# A suite that ends without a count line counts as one failure.
count() {
	local suite=$1 file=$2 rc=$3 p=0 f=0 line
	if line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$file" | tail -n 1) && [ -n "$line" ]; then
		p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	elif line=$(grep -E 'All [0-9]+ tests passed' "$file" | tail -n 1) && [ -n "$line" ]; then
		p=$(sed -E 's/.*All ([0-9]+) tests passed.*/\1/' <<<"$line")
	elif line=$(grep -E '[0-9]+ of [0-9]+ tests failed' "$file" | tail -n 1) && [ -n "$line" ]; then
		f=$(sed -E 's/.* ([0-9]+) of ([0-9]+) tests failed.*/\1/' <<<"$line")
		p=$(( $(sed -E 's/.* ([0-9]+) of ([0-9]+) tests failed.*/\2/' <<<"$line") - f ))
	elif line=$(grep -E '^Files=[0-9]+, Tests=[0-9]+' "$file" | tail -n 1) && [ -n "$line" ]; then
		local tests; tests=$(sed -E 's/^Files=[0-9]+, Tests=([0-9]+).*/\1/' <<<"$line")
		if grep -q '^Result: PASS' "$file"; then
			p=$tests
		else
			f=$(grep -Eo 'Failed [0-9]+/[0-9]+ subtests' "$file" | awk -F'[ /]' '{s+=$2} END {print s+0}')
			[ "$f" -gt 0 ] || f=1
			p=$(( tests > f ? tests - f : 0 ))
		fi
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	echo "== $suite: $p passed, $f failed"
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
}

# run SUITE COMMAND...: run a suite, show its output, count it.
run() {
	local suite=$1; shift
	local out="$work/$suite.out" rc
	echo "== $suite"
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	count "$suite" "$out" "$rc"
}

run build bash -c 'make -s core && make -s && make -s install'
chown -R postgres: "$work"
run core as_postgres make -s check-core
run core-asan as_postgres make -s check-core-asan
run core-valgrind as_postgres make -s check-core-valgrind
run fuzz as_postgres make -s fuzz
run meta python3 scripts/check-meta.py

# The PostgreSQL suites share one throwaway cluster; each runs even when an
# earlier one failed.  A backend killed by a signal fails the run.
as_postgres pg_virtualenv -o max_prepared_transactions=10 bash -c '
	cd "'"$work"'"
	pglog=$(dirname "$PG_CLUSTER_CONF_ROOT")/log/postgresql-15-regress.log
	make -s installcheck ISOLATION= TAP_TESTS= >regress.out 2>&1; echo $? >regress.rc
	[ -z "$(ls specs/*.spec 2>/dev/null)" ] || { make -s installcheck REGRESS= TAP_TESTS= >isolation.out 2>&1; echo $? >isolation.rc; }
	[ -z "$(ls t/*.pl 2>/dev/null)" ] || { make -s prove-installcheck >tap.out 2>&1; echo $? >tap.rc; }
	# the Python client (python/tests/conftest.py ends with "N passed, M failed")
	(cd python && /usr/bin/python3 -m pytest -p no:cacheprovider -q -rfE) >python.out 2>&1; echo $? >python.rc
	python3 scripts/check-reference.py >reference.out 2>&1; echo $? >reference.rc
	if grep -E "terminated by signal|server process .* was terminated" "$pglog" >crash.out; then
		echo "0 passed, 1 failed" >>crash.out; echo 1 >crash.rc
	else
		echo "1 passed, 0 failed" >>crash.out; echo 0 >crash.rc
	fi
'
for suite in regress isolation tap python reference crash; do
	[ -f "$work/$suite.out" ] || continue
	cat "$work/$suite.out"
	[ -f "$work/regression.diffs" ] && [ "$suite" = regress ] && head -n 200 "$work/regression.diffs"
	[ -f "$work/output_iso/regression.diffs" ] && [ "$suite" = isolation ] && head -n 200 "$work/output_iso/regression.diffs"
	count "$suite" "$work/$suite.out" "$(cat "$work/$suite.rc" 2>/dev/null || echo 1)"
done

# the Debian package: built from the source tree, installed in place of
# the build above, tested, then that build reinstalled
run deb bash "$work/scripts/test-deb.sh" "$src" "$work"

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
