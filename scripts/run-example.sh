#!/bin/sh
# The README's main job on bundled example data: estimate the size of a
# simulated population (true size 3000; see examples/estimate/README.md)
# from four lists, with the default stepwise model and BCa interval, write a
# manifest, and check it with `duress reproduce`.
set -eu
duress=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/duress-example
mkdir -p "$out"
cp "$src/examples/estimate/histories.csv" "$out/histories.csv"
cd "$out"
"$duress" --version
echo
"$duress" estimate --seed 2013 --manifest manifest.json histories.csv | tee estimate.txt
echo
"$duress" reproduce manifest.json
echo
echo "The manifest is $out/manifest.json: it records the input's SHA-256, every"
echo "setting and the seed, so 'duress reproduce $out/manifest.json' re-runs it."
range=$(sed -n 's/^ *95% interval: *\([0-9.]*\) to \([0-9.]*\) .*/\1 \2/p' estimate.txt)
set -- $range
if [ $# -eq 2 ] && awk -v lo="$1" -v hi="$2" 'BEGIN { exit !(lo <= 3000 && 3000 <= hi) }'; then
  echo "This example's true size is known: 3,000 people, inside the interval ($1 to $2)."
else
  echo "This example's true size is known: 3,000 people, and the interval ($1 to $2) misses it."
  echo "That can happen: people easy to find for one list are easy for all, which log-linear"
  echo "models read as fewer people (examples/estimate/README.md; 'duress estimate --compare')."
fi
