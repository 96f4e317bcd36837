# duress screen: one case, batches, summaries, errors.  See run.sh for the format.
# --- one case ------------------------------------------------------------------
P | ~coercion 1\.0\.0 | $DURESS screen $SRC/examples/screen/case.json
P | ~not a legal finding | $DURESS screen $SRC/examples/screen/case.json
P | ~INDICATED\. Indicators consistent with trafficking | $DURESS screen --framework coercion $SRC/examples/screen/case.json
P | !ilo2009 | $DURESS screen --framework coercion $SRC/examples/screen/case.json
P | ~"verdict": "indicated" | $DURESS screen --format json --framework coercion $SRC/examples/screen/case.json
P | ~"id":"coercion.documents_taken","fact":"documents_taken" | $DURESS screen --format=json --framework coercion $SRC/examples/screen/case.json | tr -d ' \n'
# an adult selling sex, with no coercive measure reported: not trafficking under any framework
P | !"verdict": "indicated" | printf '{"age":29,"sector":"sex work","facts":{"commercial_sex":"yes","threats_to_person":"no","threats_to_family":"no","documents_taken":"no","debt_bondage":"no","wages_withheld":"no","physical_violence":"no","sexual_violence":"no"}}' > c.json && $DURESS screen --format json c.json
P | ~"verdict": "not_indicated" | printf '{"age":29,"sector":"sex work","facts":{"commercial_sex":"yes","threats_to_person":"no","threats_to_family":"no","documents_taken":"no","debt_bondage":"no","wages_withheld":"no","physical_violence":"no","sexual_violence":"no"}}' > c.json && $DURESS screen --format json --framework coercion c.json
# a child in commercial sex: indicated without any coercive measure
P | ~"verdict": "indicated" | printf '{"age":"minor","facts":{"commercial_sex":"yes"}}' > c.json && $DURESS screen --format json --framework coercion c.json
# nothing known: not enough information, and the seven facts could change it
P | ~"would_change_if": \[$ | printf '{"age":"adult"}' > c.json && $DURESS screen --format json --framework coercion c.json
P | ~NOT ENOUGH INFORMATION YET | printf '{}' > c.json && $DURESS screen --framework coercion c.json
P | ~Still unknown, and could change this: threats_to_person, threats_to_family | printf '{"age":40}' > c.json && $DURESS screen --framework coercion c.json
# the sector never changes any result (only the echoed sector line differs)
CHECK | printf '{"age":31,"sector":"brothel","facts":{"wages_withheld":"yes","excessive_hours":"yes"}}' > a.json && printf '{"age":31,"sector":"farm","facts":{"wages_withheld":"yes","excessive_hours":"yes"}}' > b.json && $DURESS screen --format json a.json | grep -v '"sector"' > a.out && $DURESS screen --format json b.json | grep -v '"sector"' > b.out && cmp a.out b.out
# exploitation without coercion is worded as a labour-rights concern
P | ~labour-rights concern, not trafficking | printf '{"age":35,"facts":{"low_or_no_pay":"yes","threats_to_person":"no","threats_to_family":"no","physical_violence":"no","sexual_violence":"no","movement_restricted":"no","debt_bondage":"no","wages_withheld":"no","documents_taken":"no","threatened_with_authorities":"no","threatened_with_dismissal":"no"}}' > c.json && $DURESS screen --framework icls2018 c.json
# options where the source is unverified
P | ~"verdict": "indicated" | printf '{"age":15,"facts":{"recruited":"yes","excessive_hours":"yes","low_or_no_pay":"yes","deceived_about_job":"no"}}' > c.json && $DURESS screen --format json --framework ilo2009 --option ilo2009.child_rule_act=yes c.json
2 | ~has no option 'nope' | $DURESS screen --option ilo2009.nope=yes $SRC/examples/screen/case.json
2 | ~is not written FW.NAME=yes\|no | $DURESS screen --option ilo2009 $SRC/examples/screen/case.json
2 | ~the value is yes or no | $DURESS screen --option ilo2009.child_rule_act=maybe $SRC/examples/screen/case.json
# --- bad input: exit 1, the message names the file and the key ------------------
1 | ~^duress screen: 'c\.json': unknown key 'fcts' | printf '{"age":30,"fcts":{}}' > c.json && $DURESS screen c.json
1 | ~^duress screen: 'c\.json': facts\.documets_taken: unknown fact | printf '{"facts":{"documets_taken":"yes"}}' > c.json && $DURESS screen c.json
1 | ~facts\.debt_bondage: the answer must be "yes", "no" or "unknown" | printf '{"facts":{"debt_bondage":"sometimes"}}' > c.json && $DURESS screen c.json
1 | ~'c\.json': 'age': must be a number | printf '{"age":"old"}' > c.json && $DURESS screen c.json
1 | ~'c\.json': line 1, column | printf '{"age": ' > c.json && $DURESS screen c.json
1 | ~cannot open 'missing\.json' | $DURESS screen missing.json
# --- the command line: exit 2 ----------------------------------------------------
2 | ~no case given | $DURESS screen
2 | ~unknown framework 'nope' | $DURESS screen --framework nope $SRC/examples/screen/case.json
2 | ~--format takes one of table,json | $DURESS screen --format xml $SRC/examples/screen/case.json
2 | ~unknown option '--bogus' | $DURESS screen --bogus $SRC/examples/screen/case.json
2 | ~--summary needs --batch | $DURESS screen --summary $SRC/examples/screen/case.json
2 | ~not both | $DURESS screen --batch x.csv $SRC/examples/screen/case.json
2 | ~--resolution takes a whole number | $DURESS screen --batch x.csv --summary --resolution 0
P | ~^usage: duress screen | $DURESS screen --help
# --- where the frameworks come from ----------------------------------------------
1 | ~cannot open '/nowhere/questions\.json' | DURESS_FRAMEWORKS=/nowhere $DURESS screen $SRC/examples/screen/case.json
P | ~coercion | DURESS_FRAMEWORKS=/nowhere $DURESS screen --frameworks-dir $SRC/frameworks $SRC/examples/screen/case.json
1 | ~'fw/ilo2009\.json': \$\.indicators\[6\]\.facts\[0\]: unknown fact 'debt_bondag' | cp -r $SRC/frameworks fw && sed -i '0,/"deceived_about_contract"/s//"debt_bondag"/' fw/ilo2009.json && $DURESS screen --frameworks-dir fw $SRC/examples/screen/case.json
1 | ~'fw/coercion\.json': \$\.verdict\.rul: unknown key 'rul' | cp -r $SRC/frameworks fw && sed -i 's/"rule": {"any"/"rul": {"any"/; s/^    "rule": {/    "rul": {/' fw/coercion.json && $DURESS screen --frameworks-dir fw $SRC/examples/screen/case.json
# --- batches ---------------------------------------------------------------------
P | ~^a +indicated | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,kitchen,no\n' > b.csv && $DURESS screen --batch b.csv --framework coercion
P | ~^b +not enough info +kitchen | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,kitchen,no\n' > b.csv && $DURESS screen --batch b.csv --framework coercion
P | ~^\{"case_id":"b", | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,kitchen,no\n' > b.csv && $DURESS screen --batch b.csv --format json
P | ~^\{"case_id":"j2" | printf '{"case_id":"j1","age":30}\n\n{"case_id":"j2","facts":{"debt_bondage":"yes"}}\n' > b.jsonl && $DURESS screen --batch b.jsonl --format json --framework coercion
1 | ~^duress screen: 'b\.csv': line 1: unknown column 'documets_taken' | printf 'case_id,documets_taken\na,yes\n' > b.csv && $DURESS screen --batch b.csv
1 | ~'b\.csv': line 3: column 'debt_bondage': the answer is not yes, no or unknown | printf 'case_id,debt_bondage\na,yes\nb,maybe\n' > b.csv && $DURESS screen --batch b.csv
1 | ~'b\.jsonl': line 2: facts\.x: unknown fact | printf '{"case_id":"a"}\n{"case_id":"b","facts":{"x":"yes"}}\n' > b.jsonl && $DURESS screen --batch b.jsonl
1 | ~'b\.txt': line 1: unknown key 'nope' | printf '{"nope":1}\n' > b.txt && $DURESS screen --batch b.txt --input-format jsonl
# summaries: hand-counted (coercion): a, b indicated; c not indicated; d undetermined
P | ~coercion +2 +1 +1 | printf 'case_id,age,sector,threats_to_person,threats_to_family,documents_taken,debt_bondage,wages_withheld,physical_violence,sexual_violence,commercial_sex\na,30,farm,yes,,,,,,,\nb,15,kitchen,no,no,no,no,no,no,no,yes\nc,40,farm,no,no,no,no,no,no,no,yes\nd,40,kitchen,no,no,no,no,no,no,,no\n' > b.csv && $DURESS screen --batch b.csv --summary --resolution 1 --framework coercion
P | ~Sector "farm" \(2\) | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,farm,no\n' > b.csv && $DURESS screen --batch b.csv --summary --resolution 1
P | ~coercion +<10 +<10 +<10 | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,farm,no\n' > b.csv && $DURESS screen --batch b.csv --summary
P | ~"resolution": 10 | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\n' > b.csv && $DURESS screen --batch b.csv --summary --format json
# --- output files: all or nothing ------------------------------------------------
CHECK | $DURESS screen -o out.txt $SRC/examples/screen/case.json && grep -q coercion out.txt
CHECK | printf '{"fcts":1}' > c.json; $DURESS screen -o out2.txt c.json; test $? -eq 1 && test ! -e out2.txt && test -z "$(ls | grep tmp)"
CHECK | printf 'case_id,age\na,30\nb,200\n' > b.csv; $DURESS screen --batch b.csv -o out3.txt; test $? -eq 1 && test ! -e out3.txt
1 | ~cannot write | $DURESS screen $SRC/examples/screen/case.json > /dev/full
# a newline inside a sector cannot break the table
P | ~^b +not enough info +kitchen night$ | printf 'case_id,age,sector,documents_taken\na,30,farm,yes\nb,40,"kitchen\nnight",no\n' > b.csv && $DURESS screen --batch b.csv --framework coercion
P | ~Sector: "two lines" | printf '{"sector":"two\\nlines"}' > c.json && $DURESS screen --framework coercion c.json
# standard input
P | ~INDICATED | printf '{"age":30,"facts":{"debt_bondage":"yes"}}' | $DURESS screen --framework coercion -
P | ~^a +indicated | printf 'case_id,debt_bondage\na,yes\n' | $DURESS screen --batch - --framework coercion
# no message repeats what a cell holds (free text can name people)
1 | !Maria Lopez | printf 'case_id,age,debt_bondage\na,Maria Lopez,yes\n' > n.csv && $DURESS screen --batch n.csv
1 | !Maria Lopez | printf 'case_id,debt_bondage\na,Maria Lopez\n' > n2.csv && $DURESS screen --batch n2.csv
1 | !Maria | printf '{"case_id": "x", "age": "Maria"}' > n.json && $DURESS screen n.json
1 | !Maria | printf '{"case_id": Maria}' > n2.json && $DURESS screen n2.json
1 | !Maria | printf '{"case_id":"a"}\n{Maria}\n' > n.jsonl && $DURESS screen --batch n.jsonl
# a case saved with a byte-order mark is read like one without
P | ~coercion | printf '\357\273\277{"case_id": "bom", "age": 30}' > bom.json && $DURESS screen bom.json
# another separator is named, and --sep reads it
1 | ~seems to use ';' between values | printf 'case_id;debt_bondage\na;yes\n' > semi.csv && $DURESS screen --batch semi.csv
P | ~^a  | printf 'case_id;debt_bondage\na;yes\n' > semi.csv && $DURESS screen --batch semi.csv --sep ';'
1 | ~line 4: the same case_id as line 2 | printf 'case_id,debt_bondage\na,yes\nb,no\na,no\n' | $DURESS screen --batch -
1 | ~line 2: the same case_id as line 1 | printf '{"case_id":"x"}\n{"case_id":"x"}\n' | $DURESS screen --batch - --input-format jsonl
