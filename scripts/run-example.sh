#!/bin/sh
# The README's main job on bundled example data: estimate the size of a
# simulated population (true size 3000; see examples/estimate/README.md)
# from four lists, with the default stepwise model and BCa interval, and
# write a manifest that `duress reproduce` can check.
set -eu
duress=$1
src=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/duress-example
mkdir -p "$out"
"$duress" --version
"$duress" estimate --seed 2013 --manifest "$out/manifest.json" "$src/examples/estimate/histories.csv"
echo
"$duress" reproduce "$out/manifest.json"
