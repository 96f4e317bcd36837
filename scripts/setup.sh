#!/bin/sh
# Install what duress needs, on Debian 12, with apt-get.
#   scripts/setup.sh        to build and run (make run)
#   scripts/setup.sh test   also to test: cmocka, clang (fuzzing), valgrind,
#                           gettext (catalogue checks), chromium and node
#                           (browser tests), R with testthat, knitr and
#                           markdown (the R package's tests and vignette)
# Only missing packages are installed; nothing is downloaded from elsewhere
# (the browser tests' one npm package comes from the npm registry, pinned in
# tests/browser/package-lock.json).
set -eu
pkgs="build-essential cmake pkg-config git libgsl-dev libglpk-dev libsqlite3-dev
libsodium-dev libjansson-dev libcsv-dev libutf8proc-dev libmicrohttpd-dev libcmocka-dev"
if [ "${1:-}" = test ]; then
  pkgs="$pkgs clang libclang-rt-14-dev valgrind gettext chromium
r-base-dev r-cran-testthat r-cran-knitr r-cran-markdown"
  command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
  command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
