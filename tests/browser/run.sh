#!/bin/sh
# Run one browser test (a .mjs file here) with node, after making sure
# playwright-core is installed beside it (npm, from package.json) and that
# Debian's chromium is there.  Exit 77 (skip) when chromium or node is
# missing and DUR_REQUIRE_BROWSER is not set.
# usage: tests/browser/run.sh TEST.mjs [ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  if [ -n "${DUR_REQUIRE_BROWSER:-}" ]; then echo "browser test: missing$missing" >&2; exit 1; fi
  echo "SKIPPED: browser test needs$missing"; exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1) || {
    echo "browser test: 'npm install' of playwright-core failed" >&2; exit 1; }
fi
test=$1; shift
exec node "$here/$test" "$@"
