#!/usr/bin/env bash
# scripts/setup.sh - install what building and testing bigarray needs.
#
# Debian 12, as root.  Idempotent: packages already present are skipped
# quickly, so the demo and test commands can always call it first.
set -euo pipefail

packages=(
	build-essential clang libclang-rt-14-dev valgrind gdb rsync
	postgresql-15 postgresql-server-dev-15 postgresql-contrib
	postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
	libipc-run-perl python3
	python3-psycopg python3-numpy python3-pytest python3-tqdm
	debhelper dpkg-dev fakeroot postgresql-server-dev-all
	postgresql-15-plproxy pgpool2
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The pgpool2 package starts a pgpool service; the tests start and stop
# their own (t/031_pgpool.pl), so none may be left running.
if [ -x /etc/init.d/pgpool2 ]; then
	if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
		systemctl disable --now pgpool2 >/dev/null 2>&1 || true
	else
		/etc/init.d/pgpool2 stop >/dev/null 2>&1 || true
		update-rc.d pgpool2 disable >/dev/null 2>&1 || true
	fi
fi

