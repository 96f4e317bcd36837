#!/bin/sh
# Run every benchmark program and print its figures.
set -eu
build=$1
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
