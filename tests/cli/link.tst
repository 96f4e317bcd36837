# duress link: private and plain record linkage.  Fixtures are in
# tests/cli/data/link (made for these tests; no real people).
P | ~^usage: duress link | $DURESS link --help
P | ~^usage: duress link | $DURESS help link
P | ~usage: duress link encode | $DURESS link encode --help
P | ~usage: duress link | $DURESS link match --help
2 | ~usage: duress link | $DURESS link
2 | ~'nope' is not a link command | $DURESS link nope
2 | ~--schema is required | $DURESS link match a.enc b.enc
2 | ~--secret-file K is required | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json x.csv
2 | ~unknown option '--secret' | $DURESS link encode --schema s --secret abc x.csv
2 | ~needs a value | $DURESS link encode --schema
2 | ~--threshold takes a number from 0 to 1 | $DURESS link match --schema s --threshold 2 a b
2 | ~needs at least 2 inputs | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json a.enc
# the shared secret, from a file that only its owner can read: 32 distinct
# bytes (fixed here so that the outputs are fixed; use head -c 32 /dev/urandom)
CHECK | printf '\035\146\257\370\101\212\323\034\145\256\367\100\211\322\033\144\255\366\077\210\321\032\143\254\365\076\207\320\031\142\253\364' > key && chmod 600 key && printf '\007\236\065\314\143\372\221\050\277\126\355\204\033\262\111\340\167\016\245\074\323\152\001\230\057\306\135\364\213\042\271\120' > key2 && chmod 600 key2 && printf 'short' > short && chmod 600 short
# weak secrets are refused, with the command that makes a good one
1 | ~printable text.*head -c 32 /dev/urandom | printf '%s' 'correct horse battery staple, 32b' > pw && $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file pw -o w.enc $SRC/tests/cli/data/link/police.csv
1 | ~one byte repeated | head -c 32 /dev/zero > zero && $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file zero -o w.enc $SRC/tests/cli/data/link/police.csv
CHECK | test ! -e w.enc
P | ~encoded 5 records | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o police.enc $SRC/tests/cli/data/link/police.csv
P | - | $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o shelter.enc $SRC/tests/cli/data/link/shelter.csv
P | - | $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key --output=clinic.enc $SRC/tests/cli/data/link/clinic.csv
# the secret from standard input gives the same encodings, byte for byte
P | - | cat key | $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file - -o police2.enc $SRC/tests/cli/data/link/police.csv && cmp police.enc police2.enc
# the file holds no cleartext
CHECK | ! grep -a -q -i -e Smith -e Okafor -e 1975 police.enc
P | link_table_2.csv | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --table -
P | link_hist_2.csv | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --histories -
P | ~police,p2,shelter,s1,0\.[0-9]{6} | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --pairs -
P | link_table_3.csv | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc --table - --pairs p3.csv --histories h3.csv
CHECK | head -1 h3.csv | grep -qx 'id,police,shelter,clinic' && head -1 p3.csv | grep -qx 'list_a,id_a,list_b,id_b,score'
P | ~^id,A,B,C$ | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json --names A,B,C police.enc shelter.enc clinic.enc --histories -
P | ~3 lists, 12 records.*people | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc
# small lists: the schema's threshold (too few scores to fit the mixture); the pair count
P | ~threshold 0.7500 \(the schema's.*pairs scored | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc
# any number of threads, with or without blocking: the same people
P | - | $DURESS link match -q --threads 1 --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc --pairs t1.csv && $DURESS link match -q --threads 3 --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc --pairs t3.csv && cmp t1.csv t3.csv
P | link_table_3.csv | $DURESS link match -q --no-blocking --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc --table -
2 | ~--threads | $DURESS link match --threads 0 --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc
# the weakest link of each person, and capture tables drawn from the link probabilities
P | ~^id,police,shelter,link_weakest | $DURESS link match -q --histories-weakest --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --histories -
P | ~^draw,police,shelter,count | $DURESS link match -q --table-draws 3 --draws - --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc
P | ~^3,1,1,3$ | $DURESS link match -q --table-draws 3 --draws - --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc
2 | ~go together | $DURESS link match --table-draws 3 --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc
# the drawn tables into estimate: how far the linkage alone moves N; reproduce checks both inputs
P | - | $DURESS link match -q --table-draws 20 --draws d.csv --table tt.csv --seed 4 --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc clinic.enc
P | ~linkage \(the estimate on each of 20 tables drawn from the link probabilities, d.csv\) | $DURESS estimate --model main --interval analytic --linkage-draws d.csv --manifest em.json tt.csv
P | ~"draws": 20, | $DURESS estimate --model main --interval analytic --linkage-draws d.csv --format json tt.csv
P | ~reproduced: all [0-9]+ figures identical.*d.csv sha256 | $DURESS reproduce em.json
1 | ~'d2.csv': its lists are not those of 'tt.csv' | sed 's/^draw,police/draw,other/' d.csv > d2.csv && $DURESS estimate --linkage-draws d2.csv tt.csv -o out.txt
1 | ~'d3.csv' line 3: the same capture pattern and 'draw' as line 2 | printf 'draw,police,shelter,clinic,count\n1,1,0,0,2\n1,1,0,0,3\n' > d3.csv && $DURESS estimate --linkage-draws d3.csv tt.csv -o out.txt
1 | ~cannot open 'nod.csv' | $DURESS estimate --linkage-draws nod.csv tt.csv -o out.txt
CHECK | test ! -e out.txt
# an encodings file of format 1 (duress 0.1) is refused with what to do
1 | ~format version 1.*encode the list again | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json $SRC/tests/cli/data/link/v1.enc shelter.enc
P | - | for k in portable popcnt avx2 avx512 auto; do $DURESS link match -q --kernel $k --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --pairs - 2>/dev/null > k_$k.csv || [ $k = avx2 ] || [ $k = avx512 ] || [ $k = popcnt ] || exit 1; done; cmp k_portable.csv k_auto.csv
2 | ~two lists are named 'police' | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json police.enc police.enc
2 | ~needs 2 names | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json --names A police.enc shelter.enc
2 | ~only one output | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json police.enc shelter.enc --table - --pairs -
# bad keys
1 | ~too short | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file short -o s.enc $SRC/tests/cli/data/link/police.csv
1 | ~cannot open secret file 'nokey' | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file nokey -o s.enc $SRC/tests/cli/data/link/police.csv
CHECK | test ! -e s.enc
P | - | $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key2 -o other.enc $SRC/tests/cli/data/link/shelter.csv
1 | ~'police' and 'other' were encoded with different secrets | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json police.enc other.enc --table t.csv
CHECK | test ! -e t.csv
# another schema's encodings; a schema that changes nothing of the encoding is fine
1 | ~'police.enc' was encoded with another schema | $DURESS link match --schema $SRC/tests/cli/data/link/other.schema.json police.enc shelter.enc
P | - | sed 's/"threshold": 0.75/"threshold": 0.7/' $SRC/tests/cli/data/link/small.schema.json > lower.json && $DURESS link match -q --schema lower.json police.enc shelter.enc
# truncated and damaged files
1 | ~'trunc.enc' is truncated | head -c 300 police.enc > trunc.enc && $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json trunc.enc shelter.enc --pairs t.csv
1 | ~damaged | (cat police.enc; printf x) > long.enc && $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json long.enc shelter.enc
1 | ~not a duress encodings file | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json $SRC/tests/cli/data/link/police.csv shelter.enc
1 | ~cannot open 'none.enc' | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json none.enc shelter.enc
CHECK | test ! -e t.csv
# bad CSV input: one line, file and line named, no value shown, no output left
1 | ~'[^']*ragged.csv' line 3: 3 fields where the header has 5 | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/ragged.csv
1 | !Maria|Silva | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/ragged.csv
1 | ~no column 'surname' | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/nosurname.csv
1 | ~line 2: bytes that are not UTF-8 | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/latin1.csv
1 | ~the file is empty | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/empty.csv
1 | ~ids are not distinct | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key -o r.enc $SRC/tests/cli/data/link/dupid.csv
1 | ~no id column 'nope' | $DURESS link encode --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key --id-column nope -o r.enc $SRC/tests/cli/data/link/police.csv
1 | ~'x.json': fields: must be | printf '{"duress_link_schema":1}' > x.json && $DURESS link encode --schema x.json --secret-file key -o r.enc $SRC/tests/cli/data/link/police.csv
1 | ~line 1, column | printf '{"duress_link_schema":1,' > y.json && $DURESS link match --schema y.json police.enc shelter.enc
CHECK | test ! -e r.enc && ! ls *.tmp.* 2>/dev/null | grep -q .
# a secret file others can read is used, with a warning
P | ~can be read by other users | cp key open && chmod 644 open && $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file open -o o.enc $SRC/tests/cli/data/link/police.csv
# plain identifiers and deduplication
P | link_table_plain.csv | $DURESS link plain -q --schema $SRC/tests/cli/data/link/small.schema.json $SRC/tests/cli/data/link/police.csv $SRC/tests/cli/data/link/shelter.csv $SRC/tests/cli/data/link/clinic.csv --table -
P | ~EM: [0-9]+ iterations | $DURESS link plain --schema $SRC/tests/cli/data/link/small.schema.json $SRC/tests/cli/data/link/police.csv $SRC/tests/cli/data/link/shelter.csv
2 | ~link dedup: takes at most 1 input | $DURESS link dedup --schema $SRC/tests/cli/data/link/small.schema.json a.csv b.csv
2 | ~link plain: needs at least 2 inputs | $DURESS link plain --schema $SRC/tests/cli/data/link/small.schema.json a.csv
1 | ~3 fields where the header has 5 | $DURESS link plain --schema $SRC/tests/cli/data/link/small.schema.json $SRC/tests/cli/data/link/police.csv $SRC/tests/cli/data/link/ragged.csv
# the FEBRL example: encodings and plain identifiers
#shared-begin
P | - | $DURESS link encode -q --schema $SRC/examples/link/febrl.schema.json --secret-file key -o 4a.enc $SHARED/link/febrl/dataset4a.csv
P | ~64 date values matched none | $DURESS link encode -q --schema $SRC/examples/link/febrl.schema.json --secret-file key -o 4b.enc $SHARED/link/febrl/dataset4b.csv
P | ~^4a,4b,count$ | $DURESS link match -q --schema $SRC/examples/link/febrl.schema.json 4a.enc 4b.enc --table - --histories h.csv
CHECK | test "$(head -1 h.csv)" = id,4a,4b
P | ~^1,1,5000$ | $DURESS link plain -q --schema $SRC/examples/link/febrl.schema.json $SHARED/link/febrl/dataset4a.csv $SHARED/link/febrl/dataset4b.csv --table -
P | ~200[0-9] people | $DURESS link dedup --schema $SRC/examples/link/febrl.schema.json $SHARED/link/febrl/dataset3.csv
#shared-end
# the bridge threshold can be set; a bridge above the threshold is refused
2 | ~--bridge-threshold takes a number from 0 to 1 | $DURESS link match --schema $SRC/tests/cli/data/link/small.schema.json --bridge-threshold -1 police.enc shelter.enc
P | link_table_3.csv | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json --bridge-threshold 0.5 police.enc shelter.enc clinic.enc --table -
# histories with how sure each person's links are can be estimated directly
CHECK | head -c 32 /dev/urandom > key3 && for l in police shelter clinic; do $DURESS link encode -q --schema $SRC/tests/cli/data/link/small.schema.json --secret-file key3 -o w$l.enc $SRC/tests/cli/data/link/$l.csv || exit 1; done
P | - | $DURESS link match -q --schema $SRC/tests/cli/data/link/small.schema.json wpolice.enc wshelter.enc wclinic.enc --histories hw.csv --histories-weakest
CHECK | head -1 hw.csv | grep -q 'link_weakest'
P | ~lists:          wpolice, wshelter, wclinic | $DURESS estimate --interval none hw.csv
