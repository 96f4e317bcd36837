#!/bin/sh
# Every ```sh block of README.md, in order, in a fresh copy of the source
# tree whose build/ is the build under test: the README cannot go stale.
# Blocks fenced ```sh-norun (set-up, install) are shown but not run.
# usage: tests/cli/readme.sh DURESS SRC
set -eu
duress=$1; src=$2
build=$(cd "$(dirname "$duress")" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir "$T/src"
(cd "$src" && tar --exclude='./build*' --exclude=./.git --exclude=./out \
    --exclude=node_modules -cf - .) | (cd "$T/src" && tar -xf -)
ln -s "$build" "$T/src/build"
awk '
  /^```sh$/ { inblock = 1; n++; printf "echo \"--- README block %d\"\n", n; next }
  /^```/    { inblock = 0; next }
  inblock   { print }
' "$src/README.md" > "$T/readme-blocks.sh"
nblocks=$(grep -c '^echo "--- README block' "$T/readme-blocks.sh" || true)
[ "$nblocks" -gt 0 ] || { echo "FAIL: no \`\`\`sh blocks found in README.md"; exit 1; }
cd "$T/src"
if sh -eu "$T/readme-blocks.sh" > "$T/out.log" 2>&1; then
  echo "README: all $nblocks command blocks ran"
else
  rc=$?
  tail -40 "$T/out.log"
  echo "FAIL: a README command failed (exit $rc); the last block started is shown above"
  exit 1
fi
