#!/bin/sh
# Make the bundled example data again, exactly: everything in examples/ that
# is data was made by duress itself with these commands (nobody real is in
# it).  The test suite runs this into a temporary folder and compares.
# usage: scripts/make-examples.sh DURESS OUTDIR
set -eu
duress=$1; out=$2
mkdir -p "$out/estimate" "$out/link"
# Four lists of one population of 3,000 (examples/estimate/README.md).
"$duress" simulate --n 3000 --names police,ngo,shelter,clinic \
    --classes "0.7:0.12,0.18,0.08,0.1;0.3:0.24,0.32,0.16,0.2" \
    --referral ngo:shelter:0.3 --seed 2013 -o "$out/estimate/histories.csv"
# The same four lists in two regions (1,800 people in the north, 1,200 in
# the south), one file with a region column, for 'duress estimate --by'.
"$duress" simulate --n 1800 --names police,ngo,shelter,clinic \
    --p 0.14,0.2,0.1,0.12 --referral ngo:shelter:0.3 --seed 11 -o "$out/north.tmp"
"$duress" simulate --n 1200 --names police,ngo,shelter,clinic \
    --p 0.2,0.15,0.12,0.1 --referral ngo:shelter:0.3 --seed 12 -o "$out/south.tmp"
{
  echo "id,police,ngo,shelter,clinic,region"
  tail -n +2 "$out/north.tmp" | sed 's/$/,north/'
  tail -n +2 "$out/south.tmp" | awk -F, -v OFS=, '{ $1 = $1 + 100000; print $0 ",south" }'
} > "$out/estimate/regions.csv"
rm -f "$out/north.tmp" "$out/south.tmp"
# Three organisations' own lists of one population of 3,000, with made-up
# names and dates of birth, for 'duress link'; truth.csv says who is
# really on which list, to check the linkage against.
"$duress" simulate --n 3000 --names police,ngo,shelter \
    --classes "0.7:0.12,0.18,0.1;0.3:0.24,0.32,0.2" --referral ngo:shelter:0.3 \
    --seed 2013 --people "$out/link" -o "$out/link/truth.csv"
