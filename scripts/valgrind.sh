#!/bin/sh
# Every unit-test program, then every command-line test table, under
# valgrind's memcheck: any memory error or definite leak fails.  Unit tests
# named in scripts/valgrind-skip (one a line, each with its reason) and CLI
# lines marked #slow are left out, and counted as skipped, as are tests
# that skip themselves (no reference data).
# usage: scripts/valgrind.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
skipfile="$src/scripts/valgrind-skip"
vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
pass=0; skip=0
for t in $(find "$build/tests" -type f -perm -u+x -name 'test_*' | sort); do
  name=$(basename "$t")
  if [ -f "$skipfile" ] && grep -v '^#' "$skipfile" | grep -qx "$name"; then
    echo "valgrind: $name skipped (see scripts/valgrind-skip)"; skip=$((skip + 1)); continue; fi
  rc=0
  $vg "$t" >"$build/$name.valgrind.log" 2>&1 || rc=$?
  if [ $rc -eq 77 ]; then
    echo "valgrind: $name skipped itself (no reference data)"; skip=$((skip + 1)); continue; fi
  if [ $rc -ne 0 ]; then
    tail -60 "$build/$name.valgrind.log"; echo "valgrind: $name failed (exit $rc)"; exit 1; fi
  pass=$((pass + 1))
done
echo "valgrind: $pass unit-test programs clean, $skip skipped"
# the command-line tests, the program under valgrind
lines_pass=0; lines_skip=0
for tst in "$src"/tests/cli/*.tst; do
  name=$(basename "$tst" .tst)
  out="$build/cli_$name.valgrind.log"
  if ! DUR_CLI_WRAP="$vg" sh "$src/tests/cli/run.sh" "$build/duress" "$tst" "$src" >"$out" 2>&1; then
    grep -A12 '^FAIL' "$out" | head -60; echo "valgrind: cli $name failed"; exit 1; fi
  counts=$(tail -1 "$out")
  lines_pass=$((lines_pass + $(echo "$counts" | sed 's/ passed.*//')))
  lines_skip=$((lines_skip + $(echo "$counts" | sed 's/.* failed, \([0-9]*\) skipped/\1/')))
  echo "valgrind: cli $name: $counts"
done
echo "valgrind: $lines_pass command-line checks clean, $lines_skip skipped"
