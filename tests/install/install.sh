#!/bin/sh
# Install into a temporary DESTDIR, then: build a program with nothing but
# pkg-config's flags and estimate the UK table (reference stepwise figure
# 11417.9910915, methods.md); run the installed duress from another folder
# without DURESS_FRAMEWORKS; check only DUR_EXPORT symbols are exported;
# uninstall and check nothing is left.
# usage: tests/install/install.sh BUILD_DIR SRC_DIR SHARED_DATA_DIR [CFLAGS]
set -eu
build=$1; src=$2; shared=$3; extra=${4:-}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
DESTDIR="$T/root" cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^prefix=//p' "$T/root"/*/*/lib*/pkgconfig/duress.pc 2>/dev/null ||
         sed -n 's/^prefix=//p' "$T"/root/usr/local/lib/pkgconfig/duress.pc)
root="$T/root$prefix"
pc=$(find "$root" -name duress.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: no duress.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in "$root/bin/duress" "$root/include/duress/estimate.h" "$libdir/libduress.a" \
         "$root/share/duress/frameworks/questions.json" "$root/share/man/man1/duress.1"; do
  [ -e "$f" ] || { echo "FAIL: $f was not installed"; exit 1; }
done
soname=$(objdump -p "$libdir/libduress.so" | sed -n 's/^ *SONAME *//p')
[ "$soname" = libduress.so.0 ] || { echo "FAIL: SONAME is '$soname'"; exit 1; }
# only the public API is exported
bad=$(nm -D --defined-only "$libdir/libduress.so" | awk '$2 ~ /[TDRB]/ && $3 !~ /^dur_/ { print $3 }' | head -5)
[ -z "$bad" ] || { echo "FAIL: exported symbols outside the API: $bad"; exit 1; }
# a program built with pkg-config only
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$T/root"
cc -std=c11 $extra -o "$T/estimate_uk" "$src/tests/install/estimate_uk.c" $(pkg-config --cflags --libs duress)
if [ -d "$shared" ]; then
  out=$(LD_LIBRARY_PATH="$libdir" "$T/estimate_uk" "$shared/mse/uk.csv")
  echo "$out"
  echo "$out" | awk '{ x = $NF; d = x - 11417.9910915; if (d < 0) d = -d; exit !(d < 1e-6) }' ||
    { echo "FAIL: not the reference stepwise estimate 11417.9910915"; exit 1; }
elif [ -n "${DUR_REQUIRE_SHARED:-}" ]; then
  echo "FAIL: $shared is missing"; exit 1
else
  echo "SKIPPED: the UK estimate (no reference data at $shared)"
fi
# the installed program finds its frameworks from anywhere
mkdir "$T/elsewhere"
(cd "$T/elsewhere" && env -u DURESS_FRAMEWORKS "$root/bin/duress" screen \
    "$src/examples/screen/case.json" >/dev/null) ||
  { echo "FAIL: the installed duress cannot screen from another folder"; exit 1; }
# and uninstall removes it all
DESTDIR="$T/root" cmake --build "$build" --target uninstall >/dev/null
left=$(find "$T/root" -type f | head -5)
[ -z "$left" ] || { echo "FAIL: uninstall left: $left"; exit 1; }
echo "installed, used through pkg-config, found its frameworks, uninstalled cleanly"
