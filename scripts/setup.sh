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

