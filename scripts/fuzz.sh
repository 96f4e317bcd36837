#!/bin/sh
# Run every libFuzzer target for a bounded time, starting from its committed
# seeds (fuzz/seeds/<target>/, copied into a fresh corpus, with the kept
# corpus fuzz/corpus/<target>.tar.gz where there is one), and print each
# target's final figures: executions, speed, coverage (cov: edges, ft:
# features), corpus size.  A crash fails the run; its input is kept.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
# With FUZZ_RUNS=N in the environment each target also stops after N
# executions (whichever comes first), and FUZZ_FLAGS adds libFuzzer
# options (for long runs, -entropic=0 trades the entropic scheduler for
# up to twice the executions a second on the slower targets).
set -eu
build=$(cd "$1" && pwd); secs=$2; shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
found=0
printf '%-24s %12s %8s %7s %7s %6s\n' target executions exec/s cov ft crashes
for t in "$build"/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  if [ $# -gt 0 ]; then
    case " $* " in *" $name "*) ;; *) continue ;; esac
  fi
  found=1
  corpus="$build/fuzz/corpus-$name"
  mkdir -p "$corpus"
  [ -d "$src/fuzz/seeds/$name" ] && cp -n "$src/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null || true
  # a corpus kept from earlier long runs (fuzz/corpus/README), where there is one
  if [ -f "$src/fuzz/corpus/$name.tar.gz" ]; then
    tar -xzf "$src/fuzz/corpus/$name.tar.gz" -C "$corpus" --no-same-owner --no-same-permissions
  fi
  log="$build/fuzz/$name.log"
  crashes=0
  (cd "$build/fuzz" && "$t" -max_total_time="$secs" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} ${FUZZ_FLAGS:-} \
      -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 "$corpus") >"$log" 2>&1 || crashes=1
  # libFuzzer writes "#N<TAB>DONE   cov: ... exec/s: ..." at the end
  done_line=$(grep -a 'DONE' "$log" | tail -1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  printf '%-24s %12s %8s %7s %7s %6s\n' "$name" "${runs:--}" "${speed:--}" "${cov:--}" \
    "${ft:--}" "$crashes"
  if [ $crashes -ne 0 ]; then
    tail -40 "$log"; echo "fuzz: $name found a crash (input kept in $build/fuzz)"; exit 1
  fi
done
[ $found -eq 1 ] || echo "fuzz: no targets built"
