#!/usr/bin/env bash
# scripts/demo.sh - install what is needed, build bigarray, and run the demo
# (scripts/demo.sql) on a throwaway PostgreSQL cluster.  As root on Debian 12.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
bash "$src/scripts/setup.sh"

work=$(mktemp -d /tmp/bigarray-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
rsync -a --exclude .git "$src/" "$work/"
cd "$work"
make -s core && make -s && make -s install
chown -R postgres: "$work"
runuser -u postgres -- pg_virtualenv -o shared_buffers=256MB bash -c \
	"psql -X -v ON_ERROR_STOP=1 -f '$work/scripts/demo.sql'"
