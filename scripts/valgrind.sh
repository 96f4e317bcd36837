#!/bin/sh
# Run every unit-test executable under valgrind's memcheck: any memory error
# or definite leak fails.  Names listed in scripts/valgrind-skip (one regex
# per line) are left out: tests too slow under valgrind, each with a reason.
# usage: scripts/valgrind.sh BUILD_DIR
set -eu
build=$1
src=$(cd "$(dirname "$0")/.." && pwd)
skip="$src/scripts/valgrind-skip"
n=0
for t in $(find "$build/tests" -type f -perm -u+x -name 'test_*' | sort); do
  name=$(basename "$t")
  if [ -f "$skip" ] && grep -v '^#' "$skip" | grep -qx "$name"; then
    echo "valgrind: $name skipped (see scripts/valgrind-skip)"; continue; fi
  rc=0
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
    "$t" >"$build/$name.valgrind.log" 2>&1 || rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
    tail -60 "$build/$name.valgrind.log"; echo "valgrind: $name failed (exit $rc)"; exit 1; fi
  n=$((n + 1))
done
echo "valgrind: $n unit-test programs clean"
