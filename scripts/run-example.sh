#!/bin/sh
# The README's main job on bundled example data.
set -eu
duress=$1
src=$(cd "$(dirname "$0")/.." && pwd)
"$duress" --version
