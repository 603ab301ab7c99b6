#!/usr/bin/env bash
# scripts/test-deb.sh - build the Debian package, install it, and run the
# pg_regress suite against what it installed.
#
#   bash scripts/test-deb.sh SOURCE BUILT
#
# As root, from scripts/test.sh.  SOURCE is copied and packaged with
# dpkg-buildpackage -us -uc -b (without its build-time test: the suite runs
# here, against the installed package); BUILT is the tree whose `make
# install` is on the machine.  Its files are uninstalled first, so the tests
# see only the package's; at the end the package is purged and BUILT's
# install restored, whatever failed.  Last line: "N passed, M failed".
set -uo pipefail

src=$(cd "$1" && pwd)
built=$(cd "$2" && pwd)
passed=0
failed=0

# step NAME COMMAND...: one check, counted
step() {
	local name=$1; shift
	if "$@"; then
		echo "ok   $name"; passed=$((passed + 1))
	else
		echo "FAIL $name"; failed=$((failed + 1))
	fi
}

dir=$(mktemp -d /tmp/bigarray-deb.XXXXXX)
chmod 755 "$dir"
trap 'rm -rf "$dir"' EXIT
rsync -a --exclude .git --exclude results --exclude tmp_check --exclude output_iso \
	"$src/" "$dir/bigarray/"
version=$(cd "$dir/bigarray" && dpkg-parsechangelog -S Version)
package=postgresql-15-bigarray
deb=$dir/${package}_${version}_$(dpkg --print-architecture).deb

build() {
	(cd "$dir/bigarray" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
		>"$dir/build.log" 2>&1 && [ -f "$deb" ] || { tail -n 40 "$dir/build.log"; return 1; }
}
step "dpkg-buildpackage -us -uc -b builds $(basename "$deb")" build

if [ -f "$deb" ]; then
	step "the source build uninstalled" make -s -C "$built" uninstall
	step "dpkg -i $(basename "$deb")" dpkg -i "$deb"
	owned() {
		local f sharedir libdir
		sharedir=$(pg_config --sharedir) libdir=$(pg_config --pkglibdir)
		for f in "$libdir/bigarray.so" "$sharedir/extension/bigarray.control" \
			"$sharedir/extension/bigarray--0.1.sql" "$sharedir/extension/bigarray--0.1--0.2.sql" \
			"$sharedir/extension/bigarray--$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$dir/bigarray/bigarray.control").sql"; do
			dpkg -S "$f" | grep -q "^$package: " || { echo "not from $package: $f"; return 1; }
		done
	}
	step "the library, control file and scripts are the package's" owned

	# pg_regress against the package, in a throwaway cluster, as make
	# installcheck runs it for users (no make install before)
	chown -R postgres: "$dir/bigarray"
	runuser -u postgres -- pg_virtualenv make -s -C "$dir/bigarray" installcheck ISOLATION= \
		>"$dir/regress.out" 2>&1
	rc=$?
	cat "$dir/regress.out"
	[ -f "$dir/bigarray/regression.diffs" ] && head -n 200 "$dir/bigarray/regression.diffs"
	if line=$(grep -E 'All [0-9]+ tests passed' "$dir/regress.out"); then
		passed=$((passed + $(sed -E 's/.*All ([0-9]+) tests.*/\1/' <<<"$line")))
	elif line=$(grep -E '[0-9]+ of [0-9]+ tests failed' "$dir/regress.out"); then
		read -r f n < <(sed -E 's/.* ([0-9]+) of ([0-9]+) tests failed.*/\1 \2/' <<<"$line")
		passed=$((passed + n - f)); failed=$((failed + f))
	fi
	[ "$rc" -eq 0 ] || [ -n "${line:-}" ] || { echo "FAIL installcheck: no summary"; failed=$((failed + 1)); }

	step "dpkg --purge $package" dpkg --purge "$package"
fi
step "the source build reinstalled" make -s -C "$built" install

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
