#!/bin/sh
# Every unit-test program, then every command-line test table, under
# valgrind's memcheck: any memory error or definite leak fails.  Unit tests
# named in scripts/valgrind-skip (one a line, each with its reason) and CLI
# lines marked #slow are left out, and counted as skipped, as are tests
# that skip themselves (no reference data).  The programs run JOBS at a
# time (default: the cores there are); each one's output is kept in
# BUILD_DIR/<name>.valgrind.log and shown when it fails.
# usage: scripts/valgrind.sh BUILD_DIR [JOBS]
set -eu
if [ "${1:-}" = "--one" ]; then
  # one program or one table, its outcome in BUILD/<name>.valgrind.rc
  build=$2 src=$3 kind=$4 what=$5
  vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
  if [ "$kind" = unit ]; then
    name=$(basename "$what"); out="$build/$name.valgrind.log"; rc=0
    $vg "$what" >"$out" 2>&1 || rc=$?
  else
    name=cli_$(basename "$what" .tst); out="$build/$name.valgrind.log"; rc=0
    DUR_CLI_WRAP="$vg" sh "$src/tests/cli/run.sh" "$build/duress" "$what" "$src" >"$out" 2>&1 ||
      rc=$?
  fi
  echo "$rc" >"$build/$name.valgrind.rc"
  exit 0
fi
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${2:-$(nproc 2>/dev/null || echo 2)}
skipfile="$src/scripts/valgrind-skip"
pass=0; skip=0; failed=""
units=""
for t in $(find "$build/tests" -type f -perm -u+x -name 'test_*' | sort); do
  name=$(basename "$t")
  if [ -f "$skipfile" ] && grep -v '^#' "$skipfile" | grep -qx "$name"; then
    echo "valgrind: $name skipped (see scripts/valgrind-skip)"; skip=$((skip + 1)); continue; fi
  rm -f "$build/$name.valgrind.rc"
  units="$units $t"
done
tables=$(ls "$src"/tests/cli/*.tst)
for tst in $tables; do rm -f "$build/cli_$(basename "$tst" .tst).valgrind.rc"; done
{ for t in $units; do echo "unit $t"; done; for tst in $tables; do echo "cli $tst"; done; } |
  xargs -P "$jobs" -L 1 sh "$0" --one "$build" "$src" || true
for t in $units; do
  name=$(basename "$t"); rc=$(cat "$build/$name.valgrind.rc" 2>/dev/null || echo missing)
  if [ "$rc" = 77 ]; then
    echo "valgrind: $name skipped itself (no reference data)"; skip=$((skip + 1))
  elif [ "$rc" = 0 ]; then
    pass=$((pass + 1))
  else
    tail -60 "$build/$name.valgrind.log"; echo "valgrind: $name failed (exit $rc)"
    failed="$failed $name"
  fi
done
echo "valgrind: $pass unit-test programs clean, $skip skipped"
lines_pass=0; lines_skip=0
for tst in $tables; do
  name=$(basename "$tst" .tst); out="$build/cli_$name.valgrind.log"
  rc=$(cat "$build/cli_$name.valgrind.rc" 2>/dev/null || echo missing)
  if [ "$rc" != 0 ]; then
    grep -a -A12 '^FAIL' "$out" | head -60; echo "valgrind: cli $name failed"
    failed="$failed cli_$name"; continue
  fi
  counts=$(tail -1 "$out")
  lines_pass=$((lines_pass + $(echo "$counts" | sed 's/ passed.*//')))
  lines_skip=$((lines_skip + $(echo "$counts" | sed 's/.* failed, \([0-9]*\) skipped/\1/')))
  echo "valgrind: cli $name: $counts"
done
echo "valgrind: $lines_pass command-line checks clean, $lines_skip skipped"
if [ -n "$failed" ]; then echo "valgrind: FAILED:$failed"; exit 1; fi
