#!/bin/sh
# Driver for tests/cli/*.tst (after htslib's test/tabix/tabix.tst).
#
# Each non-comment line:   CODE | EXPECTED | COMMAND
# (split on the first two " | "; the command may hold further pipes)
#   CODE      P  the command must exit 0
#             N  it must exit non-zero
#             0, 1, 2  it must exit with exactly that status
#   EXPECTED  -          stdout is not compared
#             FILE       stdout must equal tests/cli/expected/FILE
#             ~REGEX     stdout+stderr must match the extended regex
#             !REGEX     stdout+stderr must NOT match the regex
# COMMAND runs with sh in a fresh temporary directory; these variables are set:
#   $DURESS (the program), $SRC (the source tree), $SHARED (../shared/data),
#   $T (the temporary directory).  A line using $SHARED is skipped, visibly,
#   when that folder is absent (fatal when DUR_REQUIRE_SHARED is set); so is
#   every line between "#shared-begin" and "#shared-end" (lines that use the
#   files such lines made).
# A line "CHECK | COMMAND" runs COMMAND and requires exit 0 (for checks such as
# "no output file was left").
#
# With DUR_CLI_WRAP set (e.g. "valgrind -q --error-exitcode=99 ..."), every
# command runs the program under it; the line after a "#slow" comment is
# then skipped (too slow under valgrind), and counted as skipped.  Any
# sanitizer or valgrind report on stderr fails the line, whatever the exit
# status (a sanitizer's exit status 1 would pass for a failure expected).
set -u
DURESS=$1; TST=$2; SRC=$3
DURESS_BIN=$1   # the program itself, for lines that hand it to a script
if [ -n "${DUR_CLI_WRAP:-}" ]; then DURESS="$DUR_CLI_WRAP $DURESS"; fi
SHARED=$(cd "$SRC/.." && pwd)/shared/data
export DURESS DURESS_BIN SRC SHARED
pass=0; fail=0; skip=0; n=0; inshared=0; slow=0
T=$(mktemp -d); export T
trap 'rm -rf "$T"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  case "$line" in
    '#shared-begin'*) inshared=1; continue ;;
    '#shared-end'*) inshared=0; continue ;;
    '#slow'*) slow=1; continue ;;
    ''|'#'*) continue ;;
  esac
  if [ $slow -eq 1 ]; then
    slow=0
    if [ -n "${DUR_CLI_WRAP:-}" ]; then
      echo "SKIPPED $TST:$n (slow under $DUR_CLI_WRAP)"; skip=$((skip + 1)); continue
    fi
  fi
  code=${line%% | *}; rest=${line#* | }; code=$(echo $code)
  if [ "$code" = CHECK ]; then exp=-; cmd=$rest
  else exp=${rest%% | *}; cmd=${rest#* | }; exp=$(printf '%s' "$exp" | sed 's/^ *//; s/ *$//'); fi
  needs=$inshared
  case "$cmd" in *'$SHARED'*) needs=1 ;; esac
  case $needs in 1)
    if [ ! -d "$SHARED" ]; then
      if [ -n "${DUR_REQUIRE_SHARED:-}" ]; then
        echo "FAIL $TST:$n: $SHARED is missing"; fail=$((fail + 1)); continue; fi
      echo "SKIPPED $TST:$n (no reference data at $SHARED)"; skip=$((skip + 1)); continue
    fi ;;
  esac
  (cd "$T" && sh -c "$cmd") >"$T/.out" 2>"$T/.err"
  rc=$?
  ok=1; why=""
  case "$code" in
    P|CHECK) [ $rc -eq 0 ] || { ok=0; why="exit $rc, expected 0"; } ;;
    N) [ $rc -ne 0 ] || { ok=0; why="exit 0, expected failure"; } ;;
    [0-9]) [ $rc -eq "$code" ] || { ok=0; why="exit $rc, expected $code"; } ;;
    *) ok=0; why="bad code '$code'" ;;
  esac
  if grep -Eq 'ERROR: (Address|Leak|Undefined|Memory)Sanitizer|runtime error: |==[0-9]+== (Invalid|Conditional|Use of uninit|Mismatched|Syscall param|Source and destination)|definitely lost in|==[0-9]+== ERROR SUMMARY: [1-9]' "$T/.err"; then
    ok=0; why="a sanitizer or valgrind report on stderr"
  fi
  if [ $ok -eq 1 ]; then
    case "$exp" in
      -) ;;
      '~'*) cat "$T/.out" "$T/.err" | grep -Eq -- "${exp#\~}" || { ok=0; why="output does not match /${exp#\~}/"; } ;;
      '!'*) cat "$T/.out" "$T/.err" | grep -Eq -- "${exp#!}" && { ok=0; why="output matches /${exp#!}/"; } ;;
      *) cmp -s "$T/.out" "$SRC/tests/cli/expected/$exp" || { ok=0; why="stdout differs from expected/$exp"; } ;;
    esac
  fi
  if [ $ok -eq 1 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $TST:$n: $why"
    echo "  command: $cmd"
    sed 's/^/  stdout: /' "$T/.out" | head -20
    sed 's/^/  stderr: /' "$T/.err" | head -20
  fi
done < "$TST"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
