#!/bin/sh
# Keep what a long fuzz run found: merge a target's committed seeds and a
# run's corpus into the smallest set of inputs with the same coverage
# (libFuzzer -merge=1) and write it, reproducibly (names sorted, no
# owners, no times), as fuzz/corpus/<target>.tar.gz, which scripts/fuzz.sh
# adds to the target's starting corpus.  See fuzz/corpus/README.
# usage: scripts/fuzz-keep.sh BUILD_DIR TARGET CORPUS_DIR
set -eu
[ $# -eq 3 ] || { echo "usage: $0 BUILD_DIR TARGET CORPUS_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd); name=$2; from=$(cd "$3" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/fuzz/$name"
[ -x "$bin" ] || { echo "fuzz-keep: $bin is not built (make fuzz)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/merged"
seeds="$src/fuzz/seeds/$name"
[ -d "$seeds" ] || seeds=
# shellcheck disable=SC2086
"$bin" -merge=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$tmp/merged" $seeds "$from" \
  >"$tmp/merge.log" 2>&1 || { tail -20 "$tmp/merge.log"; exit 1; }
# the committed seeds stay in fuzz/seeds; keep only what the run added
if [ -n "$seeds" ]; then
  for f in "$seeds"/*; do
    h=$(sha1sum "$f" | cut -d' ' -f1)
    rm -f "$tmp/merged/$h"
  done
fi
mkdir -p "$src/fuzz/corpus"
(cd "$tmp/merged" && find . -type f | LC_ALL=C sort |
  tar --no-recursion --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=a=r,u+w \
      -cf - -T - | gzip -9n) >"$tmp/out.tar.gz"
mv "$tmp/out.tar.gz" "$src/fuzz/corpus/$name.tar.gz"
echo "fuzz-keep: $name: $(ls "$tmp/merged" | wc -l) inputs kept in fuzz/corpus/$name.tar.gz" \
  "($(wc -c <"$src/fuzz/corpus/$name.tar.gz") bytes)"
