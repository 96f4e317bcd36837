#!/bin/sh
# Run every libFuzzer target for a bounded time, seeded from fuzz/seeds/<target>/.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1; secs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
found=0
for t in "$build"/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  found=1
  name=$(basename "$t")
  corpus="$build/fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds="$src/fuzz/seeds/$name"
  [ -d "$seeds" ] || seeds=""
  echo "fuzz: $name for ${secs}s"
  "$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=0 "$corpus" $seeds >"$build/fuzz/$name.log" 2>&1 || {
    tail -40 "$build/fuzz/$name.log"; echo "fuzz: $name found a crash"; exit 1; }
  grep -E '^#[0-9]+ *DONE' "$build/fuzz/$name.log" | tail -1 || true
done
[ $found -eq 1 ] || echo "fuzz: no targets built"
