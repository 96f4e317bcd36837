# duress estimate and duress reproduce, end to end.
# The UK table (published analysis): figures must match the reference.
P | ~estimate:       11418 people in all | $DURESS estimate --interval analytic $SHARED/mse/uk.csv
P | ~PF:NCA, LA:NG, NG:GP, LA:PF, PF:GP, GO:GP, NG:GO | $DURESS estimate --interval none $SHARED/mse/uk.csv
P | ~"estimate": 12213\.99512 | $DURESS estimate --model main --interval analytic --format json $SHARED/mse/uk.csv
P | ~"lower": 10983\.85 | $DURESS estimate --model main --interval profile --format json $SHARED/mse/uk.csv
P | ~"empty_overlaps":\["LA:GP","LA:NCA"\] | $DURESS estimate --model all-pairs --interval none --format json $SHARED/mse/uk.csv | tr -d ' \n' 
P | ~"acceleration": -0\.01287116 | $DURESS estimate --bootstrap 20 --seed 3 --format json $SHARED/mse/uk.csv
P | ~best models \(aic | $DURESS estimate --select aic --interval none $SHARED/mse/uk_4.csv
P | ~"sha256": "[0-9a-f]{64}" | $DURESS estimate --interval none --format json $SHARED/mse/kosovo.csv
# a random seed is chosen and shown when none is given
P | ~seed [0-9]+\) | $DURESS estimate --bootstrap 20 $SHARED/mse/korea.csv
# individual histories with strata
CHECK | printf 'id,A,B,C,region\n' > h.csv; i=0; for r in n s; do for p in 100 010 001 110 101 011 111 100 010 001 100 001; do i=$((i+1)); echo "$i,$(echo $p | sed 's/\(.\)\(.\)\(.\)/\1,\2,\3/'),$r" >> h.csv; done; done
P | ~Stratum region = n | $DURESS estimate --by region --model main --interval analytic h.csv
# the same people as a capture table with a stratum column: the same figures
CHECK | awk -F, 'NR > 1 { n[$5 "," $2 "," $3 "," $4]++ } END { print "region,A,B,C,count"; for (k in n) print k "," n[k] | "sort" }' h.csv > ha.csv
P | - | a=$($DURESS estimate --by region --model main --interval analytic h.csv | grep -E 'Stratum|estimate:|interval:'); b=$($DURESS estimate --by region --model main --interval analytic ha.csv | grep -E 'Stratum|estimate:|interval:'); [ -n "$a" ] && [ "$a" = "$b" ]
# no finite estimate: exit 1, a reason, JSON estimate null
CHECK | printf 'A,B,C,count\n1,0,0,10\n0,1,0,12\n0,0,1,9\n1,1,0,3\n1,0,1,4\n0,1,1,5\n' > nomle.csv
1 | ~no estimate: .*not finite | $DURESS estimate --model all-pairs nomle.csv
1 | ~"estimate": null | $DURESS estimate --model all-pairs --format json nomle.csv 2>/dev/null
# bad input: one line naming file, line and column; no output file left
CHECK | printf 'A,B,count\n1,0,5\n0,2,3\n' > bad.csv
1 | ~bad.csv' line 3, column 'B': the value is not 0 or 1 | $DURESS estimate -o out.txt bad.csv
CHECK | test ! -e out.txt && ! ls out.txt.tmp.* 2>/dev/null
CHECK | printf 'A,B,count\n1,0,5\n0,0,3\n' > zero.csv
1 | ~line 3: the all-zero pattern | $DURESS estimate zero.csv
CHECK | printf 'A,B,count\n1,0,-4\n' > neg.csv
1 | ~line 2, column 'count': the value is negative | $DURESS estimate neg.csv
CHECK | printf 'A,count\n1,4\n' > one.csv
1 | ~at least two lists | $DURESS estimate one.csv
1 | ~cannot open 'missing.csv' | $DURESS estimate missing.csv
CHECK | printf 'A,B,C,count\n1,0,0,5\n0,1,0,4\n1,1,0,2\n' > emptylist.csv
P | ~list 'C' has nobody on it | $DURESS estimate --interval analytic emptylist.csv
# usage errors: exit 2
2 | ~no input given | $DURESS estimate
2 | ~--interval takes | $DURESS estimate --interval wild x.csv
2 | ~--level takes | $DURESS estimate --level 95 x.csv
2 | ~unknown option '--frobnicate' | $DURESS estimate --frobnicate x.csv
2 | ~needs a value | $DURESS estimate x.csv --model
2 | ~give one | $DURESS estimate --select aic --model main x.csv
1 | ~no list 'XX' | $DURESS estimate --model LA:XX $SHARED/mse/uk.csv
# manifests: reproduce succeeds, and catches changed inputs and figures
#shared-begin
CHECK | cp $SHARED/mse/uk_5.csv in.csv && $DURESS estimate --bootstrap 30 --seed 99 --manifest m.json -o r.json --format json in.csv
P | ~^reproduced: all [0-9]+ figures identical | $DURESS reproduce m.json
CHECK | sed 's/"seed": "99"/"seed": "98"/' m.json > m2.json
1 | ~figures? differ | $DURESS reproduce m2.json
CHECK | cp $SHARED/mse/uk_5.csv in2.csv && $DURESS estimate --interval analytic --manifest m3.json in2.csv >/dev/null && echo '1,1,1,1,1,1' >> in2.csv
1 | ~has changed since the manifest | $DURESS reproduce m3.json
# a parameter of the wrong type or range is an error naming the key, not "figures differ"
CHECK | sed 's/"level": 0.9[0-9]*/"level": "high"/' m.json > m4.json && grep -q '"high"' m4.json
1 | ~parameters.level: must be a number | $DURESS reproduce m4.json
CHECK | sed 's/"bootstrap": 30/"bootstrap": -5/' m.json > m5.json
1 | ~parameters.bootstrap: must be a whole number | $DURESS reproduce m5.json
CHECK | sed 's/"pthresh":/"colour": 1, "pthresh":/' m.json > m6.json
1 | ~parameters: unknown key 'colour' | $DURESS reproduce m6.json
# inputs are found beside the manifest only, and must be regular files of the recorded size
CHECK | mkdir -p sub && cp m.json sub/m.json
1 | ~is not beside the manifest .*--allow-outside | $DURESS reproduce sub/m.json
P | ~^reproduced | mkdir -p far && cp m.json far/ && cp in.csv far/in.csv && $DURESS reproduce far/m.json
CHECK | sed 's/"file": "in.csv"/"file": "..\/..\/..\/..\/..\/..\/etc\/passwd"/' m.json > m7.json
1 | ~is not beside the manifest | $DURESS reproduce m7.json
#shared-end
# every kind of manifest is reproduced: a screening summary and a linkage
CHECK | cp $SRC/examples/screen/batch.csv b.csv && $DURESS screen --batch b.csv --summary --manifest s.json > /dev/null
P | ~^reproduced: all [0-9]+ figures identical \(screen-summary | $DURESS reproduce s.json
CHECK | sed 's/"resolution": 10/"resolution": 1/' s.json > s2.json
1 | ~figures? differ | $DURESS reproduce s2.json
CHECK | head -c 32 /dev/urandom > key && chmod 600 key && for l in police shelter clinic; do $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o $l.enc $SRC/tests/cli/data/link/$l.csv || exit 1; done && cp $SRC/tests/cli/data/link/small.schema.json . && $DURESS link match -q --schema small.schema.json police.enc shelter.enc clinic.enc --manifest l.json --table t.csv
P | ~^reproduced: all [0-9]+ figures identical \(link-match | $DURESS reproduce l.json
CHECK | head -c 100 police.enc > p2.enc && cat police.enc >> p2.enc && cp p2.enc police.enc
1 | ~police.enc' has changed since the manifest | $DURESS reproduce l.json
1 | ~not a duress manifest | echo '{"a":1}' > nm.json && $DURESS reproduce nm.json
1 | ~not a readable manifest | echo '{' > bad.json && $DURESS reproduce bad.json
# a BCa bound set by a handful of replicates is flagged
P | ~the lower end of the interval is set by the lowest [0-9]+ of 1000 bootstrap estimates, so it changes from seed to seed; for a steadier figure use [0-9]+ or more | $DURESS estimate --seed 1 --format json $SHARED/mse/uk.csv
# readers stop at their limits at once, in linear time, naming the limit
1 | ~line 1 is longer than the limit of 16777216 bytes | head -c 3000000000 /dev/zero | tr '\0' a | $DURESS estimate -
1 | ~a field is longer than the limit of 1048576 bytes | { printf 'A,B,count\n"'; head -c 3000000 /dev/zero | tr '\0' '\n'; printf '",1,1\n'; } | $DURESS estimate -
# European spreadsheets: a hint, and --sep
1 | ~seems to use ';' between values, not commas | printf 'A;B;count\n1;0;5\n0;1;4\n1;1;2\n' | $DURESS estimate -
P | ~^About 21 people | printf 'A;B;count\n1;0;5\n0;1;4\n1;1;2\n' | $DURESS estimate --sep ';' --interval none -
P | ~^About 21 people | printf 'A\tB\tcount\n1\t0\t5\n0\t1\t4\n1\t1\t2\n' | $DURESS estimate --sep tab --interval none -
# outputs: a device is written in place, never replaced; a symbolic link is refused
P | - | $DURESS estimate --interval none -o /dev/null $SRC/examples/estimate/histories.csv
CHECK | test -c /dev/null
CHECK | mkfifo fifo && { cat fifo > fifo.out & } && $DURESS estimate --interval none -o fifo $SRC/examples/estimate/histories.csv && wait && test -p fifo && grep -q '^About' fifo.out
CHECK | echo keep > target && ln -s target link.txt
1 | ~'link.txt' is a symbolic link | $DURESS estimate --interval none -o link.txt $SRC/examples/estimate/histories.csv
CHECK | test "$(cat target)" = keep && test -L link.txt
P | - | $DURESS estimate --interval none --force -o link.txt $SRC/examples/estimate/histories.csv
CHECK | grep -q '^About' target && test -L link.txt
# two outputs naming one file; a result is not written when its manifest cannot be
2 | ~only one output can go to standard output | $DURESS link match --schema s p.enc q.enc --pairs - --table -
1 | ~named for two outputs | $DURESS estimate --interval none -o same.json --manifest same.json $SRC/examples/estimate/histories.csv
1 | ~cannot write 'nodir/m.json' | $DURESS estimate --interval none -o r.txt --manifest nodir/m.json $SRC/examples/estimate/histories.csv
CHECK | test ! -e r.txt && ! ls r.txt.tmp.* 2>/dev/null
# a signal while writing leaves no temporary file, and the exit status is 128 + the signal
CHECK | $DURESS simulate --n 50000000 --p 0.5,0.5 --seed 1 -o big.csv & pid=$!; sleep 2; kill -TERM $pid; wait $pid; rc=$?; test $rc -eq 143 && ! ls big.csv* 2>/dev/null
# seeds are whole numbers from 0 to 2^64-1, shown unsigned
P | ~seed 18446744073709551615\) | $DURESS estimate --bootstrap 10 --seed 18446744073709551615 $SRC/examples/estimate/histories.csv
2 | ~--seed takes a whole number | $DURESS estimate --seed 18446744073709551616 x.csv
2 | ~--seed takes a whole number | $DURESS estimate --seed -1 x.csv
# a person twice in capture histories, a case twice in a batch: errors naming both lines
1 | ~line 4, column 'id': the same id as line 2 | printf 'id,A,B\n1,1,0\n2,0,1\n1,1,1\n' | $DURESS estimate -
# a full disk says so, with the system's reason
1 | ~cannot write '/dev/full': No space left on device | $DURESS estimate --interval none -o /dev/full $SRC/examples/estimate/histories.csv
1 | ~No space left on device | $DURESS simulate --n 100000 --p 0.3,0.3 --seed 1 -o /dev/full
