# duress simulate: capture histories from a known population.
# help
P | ~^usage: duress simulate | $DURESS simulate --help
P | ~--referral A:B:PROB | $DURESS help simulate
P | ~simulate +make capture histories | $DURESS --help
# histories (the default): header id,<names>, then rows "i,0/1,..." with ids 1..n
P | ~^id,L1,L2,L3$ | $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 | head -1
CHECK | $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 > h.csv && awk -F, 'NR == 1 { next } NF != 4 || $1 != NR - 1 || $2 !~ /^[01]$/ || $3 !~ /^[01]$/ || $4 !~ /^[01]$/ || $2 + $3 + $4 == 0 { exit 1 } END { if (NR < 2) exit 1 }' h.csv
# at most N people, and about N (1 - 0.8 x 0.7 x 0.75) = 290 of 500 (sd about 11)
CHECK | n=$($DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 | wc -l) && [ $n -gt 231 ] && [ $n -lt 352 ]
# the same seed gives the same file, another seed another file
CHECK | $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 > a && $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 > b && cmp -s a b
CHECK | $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 1 > a && $DURESS simulate --n 500 --p 0.2,0.3,0.25 --seed 2 > b && ! cmp -s a b
# without --seed, the seed is printed on stderr and repeats the run
CHECK | $DURESS simulate --n 300 --p 0.3,0.4 > a 2> e && s=$(sed -n 's/^duress simulate: seed \([0-9]*\) (use --seed to repeat)$/\1/p' e) && [ -n "$s" ] && $DURESS simulate --n 300 --p 0.3,0.4 --seed "$s" > b 2> e2 && cmp -s a b && [ ! -s e2 ]
P | ~seed [0-9]+ \(use --seed to repeat\) | $DURESS simulate --n 10 --p 0.3,0.4
# p = 1: everyone is seen, on the first list; p = 0: nobody on the last
CHECK | $DURESS simulate --n 400 --p 1,0.5,0 --seed 3 > h.csv && [ $(wc -l < h.csv) -eq 401 ] && awk -F, 'NR > 1 && ($2 != 1 || $4 != 0) { exit 1 }' h.csv
# a referral with probability 1: everyone on police is on ngo
CHECK | $DURESS simulate --n 2000 --names police,ngo,shelter --p 0.3,0.1,0.2 --referral police:ngo:1 --seed 4 > h.csv && head -1 h.csv | grep -qx 'id,police,ngo,shelter' && awk -F, 'NR > 1 && $2 == 1 && $3 != 1 { exit 1 }' h.csv
# the aggregated table: header then 0/1 patterns and positive counts summing to the people seen
P | ~^A,B,C,count$ | $DURESS simulate --n 500 --names A,B,C --p 0.2,0.3,0.25 --seed 1 --form table | head -1
CHECK | $DURESS simulate --n 500 --names A,B,C --p 0.2,0.3,0.25 --seed 1 --form table > t.csv && awk -F, 'NR == 1 { next } NF != 4 || $1 !~ /^[01]$/ || $2 !~ /^[01]$/ || $3 !~ /^[01]$/ || $1 + $2 + $3 == 0 || $4 !~ /^[1-9][0-9]*$/ { exit 1 }' t.csv
CHECK | $DURESS simulate --n 500 --names A,B,C --p 0.2,0.3,0.25 --seed 1 --form table > t.csv && $DURESS simulate --n 500 --names A,B,C --p 0.2,0.3,0.25 --seed 1 > h.csv && [ $(awk -F, 'NR > 1 { s += $4 } END { print s }' t.csv) -eq $(($(wc -l < h.csv) - 1)) ]
# the two forms hold the same people: count the histories by pattern
CHECK | $DURESS simulate --n 800 --names A,B,C --p 0.2,0.3,0.25 --seed 9 --form table | tail -n +2 | sort > t && $DURESS simulate --n 800 --names A,B,C --p 0.2,0.3,0.25 --seed 9 | awk -F, 'NR > 1 { c[$2 "," $3 "," $4]++ } END { for (k in c) print k "," c[k] }' | sort > h && cmp -s t h
# latent classes and --option=value
P | ~^id,a,b,c$ | $DURESS simulate --n=1000 --names=a,b,c --classes="0.7:0.1,0.2,0.1;0.3:0.4,0.5,0.3" --seed=5 | head -1
P | ~^a,b,c,count$ | $DURESS simulate --n 1000 --names a,b,c --classes "0.7:0.1,0.2,0.1;0.3:0.4,0.5,0.3" --referral a:c:0.5 --referral b:a:0.2 --seed 5 --form table | head -1
# -o writes the file, and only the file
CHECK | $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 -o out.csv > so && [ ! -s so ] && head -1 out.csv | grep -qx 'id,L1,L2' && $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 | cmp -s - out.csv
# bad command lines: exit 2 with a message
2 | ~--n \(the population size\) is required | $DURESS simulate --p 0.1,0.2
2 | ~capture probabilities \(or latent classes\) are required | $DURESS simulate --n 10
2 | ~not both | $DURESS simulate --n 10 --p 0.1,0.2 --classes 1:0.1,0.2
2 | ~--n takes a number from 1 to 1e\+08, not 'ten' | $DURESS simulate --n ten --p 0.1,0.2
2 | ~population size 10.5 is not a whole number | $DURESS simulate --n 10.5 --p 0.1,0.2
2 | ~--n takes a number from 1 | $DURESS simulate --n 0 --p 0.1,0.2
2 | ~--n takes a number from 1 to 1e\+08, not '1e9' | $DURESS simulate --n 1e9 --p 0.1,0.2
2 | ~list 'L2' is 1.2; it must be between 0 and 1 | $DURESS simulate --n 10 --p 0.1,1.2
2 | ~list 'L1' is -0.1 | $DURESS simulate --n 10 --p -0.1,0.2
2 | ~1 list; there must be 2 to 15 | $DURESS simulate --n 10 --p 0.1
2 | ~more than 15 values | $DURESS simulate --n 10 --p 0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1
2 | ~capture probabilities: value 2 is not a number | $DURESS simulate --n 10 --p 0.1,,0.2
2 | ~class weights sum to 0.9; they must sum to 1 | $DURESS simulate --n 10 --classes "0.5:0.1,0.2;0.4:0.1,0.2"
2 | ~class 2 gives 1 probabilit | $DURESS simulate --n 10 --classes "0.5:0.1,0.2;0.5:0.1"
2 | ~is not written WEIGHT:P1,P2 | $DURESS simulate --n 10 --classes 0.5
2 | ~class 2: capture probability of list 'L1' is 3 | $DURESS simulate --n 10 --classes "0.5:0.1,0.2;0.5:3,0.1"
2 | ~1 list name for 2 lists | $DURESS simulate --n 10 --p 0.1,0.2 --names A
2 | ~'A' is given twice | $DURESS simulate --n 10 --p 0.1,0.2 --names A,A
2 | ~cannot be called 'count' | $DURESS simulate --n 10 --p 0.1,0.2 --names A,count
2 | ~no list called 'X' | $DURESS simulate --n 10 --p 0.1,0.2 --names A,B --referral A:X:0.5
2 | ~cannot refer to itself | $DURESS simulate --n 10 --p 0.1,0.2 --referral L1:L1:0.5
2 | ~probability 2 is not between 0 and 1 | $DURESS simulate --n 10 --p 0.1,0.2 --referral L1:L2:2
2 | ~is not written FROM:TO:PROB | $DURESS simulate --n 10 --p 0.1,0.2 --referral L1:L2
2 | ~--form takes one of histories,table, not 'json' | $DURESS simulate --n 10 --p 0.1,0.2 --form json
2 | ~--seed takes a whole number from 0 to 18446744073709551615, not '-1' | $DURESS simulate --n 10 --p 0.1,0.2 --seed -1
2 | ~--seed takes a whole number from 0 to 18446744073709551615, not '18446744073709551616' | $DURESS simulate --n 10 --p 0.1,0.2 --seed 18446744073709551616
2 | ~unknown option '--bogus' | $DURESS simulate --n 10 --p 0.1,0.2 --bogus
2 | ~takes no arguments \('extra' given\) | $DURESS simulate --n 10 --p 0.1,0.2 extra
2 | ~--n is given twice | $DURESS simulate --n 10 --n 20 --p 0.1,0.2
2 | ~--seed needs a value | $DURESS simulate --n 10 --p 0.1,0.2 --seed
2 | ~^duress simulate: | $DURESS simulate --n 10 --p 0.1,0.2 --seed x
# nothing goes to stdout on a bad command line, and no seed is announced
CHECK | ! $DURESS simulate --n 10 --p 0.1,2 > so 2> se; [ ! -s so ] && ! grep -q 'seed' se
# -o where it cannot be written: exit 1, a message, and nothing left behind
# (each check works in a folder of its own: the driver keeps files in $T)
1 | ~cannot write 'nodir/x.csv' | $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 -o nodir/x.csv
CHECK | mkdir w1 && cd w1 && mkdir d && ! $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 -o d 2>/dev/null && [ -z "$(ls -A d)" ] && [ "$(ls -A)" = d ]
CHECK | mkdir w2 && cd w2 && ! $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 -o nodir/x.csv 2>/dev/null && [ -z "$(ls -A)" ]
# a bad command line with -o does not create or replace the file
CHECK | mkdir w3 && cd w3 && echo keep > out.csv && ! $DURESS simulate --n 10 --p 0.1,7 -o out.csv 2>/dev/null && [ "$(cat out.csv)" = keep ] && [ "$(ls -A)" = out.csv ]
# stdout on a full device fails loudly
1 | ~cannot write | $DURESS simulate --n 100 --p 0.5,0.5 --seed 1 > /dev/full
# the README's example data is made by this exact command (examples/estimate/README.md)
# every bundled example file is made by scripts/make-examples.sh, exactly
#slow
CHECK | sh $SRC/scripts/make-examples.sh $DURESS_BIN ex && for f in estimate/histories.csv estimate/regions.csv link/police.csv link/ngo.csv link/shelter.csv link/truth.csv; do cmp ex/$f "$SRC/examples/$f" || exit 1; done
CHECK | grep -qF -- '--referral ngo:shelter:0.3 --seed 2013 -o histories.csv' "$SRC/examples/estimate/README.md"
