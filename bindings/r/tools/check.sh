#!/bin/sh
# make check-r: install the library from BUILD_DIR into a temporary folder
# (as `make install DESTDIR=...` does), then build the R package against
# that installation (found by pkg-config, as a user's would be) and run
# R CMD check --no-manual on it: examples, the tests (against the shared
# reference data and the installed duress program) and the vignette.
# Fails on any ERROR or WARNING; NOTEs are shown (docs/r.md explains them).
# usage: bindings/r/tools/check.sh BUILD_DIR [SHARED_DATA_DIR]
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../../.." && pwd)
shared=${2:-$src/../shared/data}
if ! command -v R >/dev/null 2>&1; then
  echo "check-r: R is not installed: the R package was not checked"
  exit 0
fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
DESTDIR="$T/root" cmake --install "$build" >/dev/null
pc=$(find "$T/root" -name duress.pc | head -1)
[ -n "$pc" ] || { echo "check-r: FAIL: no duress.pc was installed"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$pc")
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$T/root"
export DURESS_USE_PKG_CONFIG=1 DURESS_CLI="$T/root$prefix/bin/duress"
if [ -d "$shared/mse" ]; then
  DURESS_SHARED_DATA=$(cd "$shared" && pwd); export DURESS_SHARED_DATA
fi
cd "$T"
R CMD build "$src/bindings/r" > build.log 2>&1 || { cat build.log; echo "check-r: FAIL: R CMD build"; exit 1; }
tarball=$(ls duress_*.tar.gz)
rc=0
R CMD check --no-manual "$tarball" > check.log 2>&1 || rc=$?
log=duress.Rcheck/00check.log
if [ $rc -ne 0 ] || [ ! -f "$log" ] || grep -q '^Status:.*\(ERROR\|WARNING\)' "$log"; then
  cat check.log
  for f in duress.Rcheck/tests/*.Rout.fail; do [ -f "$f" ] && tail -60 "$f"; done
  echo "check-r: FAIL: R CMD check (exit $rc)"
  exit 1
fi
# the NOTEs (docs/r.md says why each is there), the tests, the summary
awk '/^\* checking/ { item = $0 } /\.\.\. NOTE$/ || /^NOTE/ { print "check-r: NOTE: " item }' "$log" |
  sort -u
grep -h '^\[ FAIL' duress.Rcheck/tests/testthat.Rout | tail -1 | sed 's/^/check-r: tests /'
grep -h -A1 '^── Skip\|Skipped' duress.Rcheck/tests/testthat.Rout | grep -v '^--$' | sed 's/^/check-r: /' || true
grep '^Status:' "$log" | sed 's/^/check-r: R CMD check /'
