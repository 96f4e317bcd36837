#!/bin/sh
# make check: every stage of the test suite in turn (test, test-asan,
# valgrind, fuzz, check-r), each stage's output shown as it runs and kept in
# $LOGS/<stage>.log; a failing stage does not stop the later ones.  At the
# end, one line per stage and one line for the whole run:
#   check: 1052 passed, 0 failed, 4 skipped (…)
# Exit status: 0 when every stage passed, 1 otherwise.
# usage: scripts/check.sh MAKE LOG_DIR
set -u
make=${1:-make}; logs=${2:-build/check-logs}
mkdir -p "$logs"
total_p=0; total_f=0; total_s=0; bad=""; lines=""

# ctest's closing lines: "97% tests passed, 1 tests failed out of 37",
# each skipped test marked "***Skipped" (counted by ctest among the passed).
ctest_counts() {
  t=$(sed -n 's/.*tests passed, [0-9]* tests failed out of \([0-9]*\).*/\1/p' "$1" | tail -1)
  f=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$1" | tail -1)
  s=$(grep -c '\*\*\*Skipped' "$1")
  [ -n "$t" ] || { echo "0 1 0"; return; }
  echo "$((t - f - s)) $f $s"
}

for stage in test test-asan valgrind fuzz check-r; do
  log="$logs/$stage.log"
  echo "=== check: $stage"
  { "$make" --no-print-directory "$stage" 2>&1; echo "rc=$?" >"$log.rc"; } | tee "$log"
  rc=$(sed -n 's/^rc=//p' "$log.rc"); rm -f "$log.rc"
  case $stage in
    test|test-asan) set -- $(ctest_counts "$log"); what="tests" ;;
    valgrind)
      # "N unit-test programs clean, S skipped", "N command-line checks clean, S skipped"
      p=0; s=0
      for l in $(sed -n 's/^valgrind: \([0-9]*\) [a-z -]* clean, \([0-9]*\) skipped$/\1:\2/p' "$log"); do
        p=$((p + ${l%:*})); s=$((s + ${l#*:})); done
      set -- $p $([ "$rc" -eq 0 ] && echo 0 || echo 1) $s; what="programs and command-line checks" ;;
    fuzz)
      # the seed replays (ctest), then one table row per target run
      set -- $(ctest_counts "$log")
      runs=$(awk '$1 ~ /^fuzz_/ && NF == 6 && $6 == "0"' "$log" | wc -l)
      set -- $(($1 + runs)) $([ "$rc" -eq 0 ] && echo "$2" || echo $(($2 + 1))) "$3"
      what="seed replays and fuzzing runs" ;;
    check-r)
      # testthat's "[ FAIL 0 | WARN 0 | SKIP 1 | PASS 368 ]"; R absent: one skip
      r=$(sed -n 's/.*\[ FAIL \([0-9]*\) | WARN [0-9]* | SKIP \([0-9]*\) | PASS \([0-9]*\) \].*/\3 \1 \2/p' "$log" | tail -1)
      if grep -q 'R is not installed' "$log"; then set -- 0 0 1
      elif [ -n "$r" ]; then set -- $r
      else set -- 0 1 0; fi
      [ "$rc" -eq 0 ] || [ "$2" -gt 0 ] || set -- "$1" 1 "$3"
      what="R tests" ;;
  esac
  [ "$rc" -eq 0 ] || bad="$bad $stage"
  total_p=$((total_p + $1)); total_f=$((total_f + $2)); total_s=$((total_s + $3))
  lines="$lines
check: $stage: $1 passed, $2 failed, $3 skipped ($what)$([ "$rc" -eq 0 ] || echo "; FAILED, see $log")"
done
echo "$lines" | sed '/^$/d'
echo "check: $total_p passed, $total_f failed, $total_s skipped"
if [ -n "$bad" ]; then echo "check: FAILED:$bad"; exit 1; fi
exit 0
