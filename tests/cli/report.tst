# duress report: manifests in, one self-contained HTML file out.
#
# The README's commands, as written there from the checkout (here from a copy
# of the example data laid out the same way), with duress on PATH.
CHECK | mkdir -p examples/estimate out && cp $SRC/examples/estimate/histories.csv examples/estimate/
CHECK | cp examples/estimate/histories.csv out/
P | - | PATH=$(dirname $DURESS_BIN):$PATH; duress estimate --seed 2013 --compare --manifest out/run.json out/histories.csv > /dev/null
P | - | PATH=$(dirname $DURESS_BIN):$PATH; duress report out/run.json -o out/report.html
P | - | PATH=$(dirname $DURESS_BIN):$PATH; duress report --publish --lang es out/run.json -o out/informe.html
# the sentence of the terminal, the input checked beside the manifest
P | ~About 2,670 people in all \(95% interval 2,370 to 3,000\): 1,441 were on at least one list | cat out/report.html
P | ~Every input was found and is identical to its record \(1 of 1\) | cat out/report.html
P | ~beside the manifest has the recorded size and SHA-256 | cat out/report.html
P | ~duress reproduce out/run.json | cat out/report.html
# the same manifest, the same bytes; nothing that runs or loads
CHECK | $DURESS report out/run.json -o out/again.html && cmp out/report.html out/again.html
CHECK | ! grep -qi '<script' out/report.html && ! grep -q ' src=' out/report.html && ! grep -q '<link' out/report.html
P | ~default-src 'none' | cat out/report.html
# Spanish, published: Spanish words and numbers, small counts hidden and said so
P | ~<html lang="es"> | cat out/informe.html
P | ~Unas 2\.670 personas en total | cat out/informe.html
P | ~Versión para publicar: los recuentos de personas de 1 a 9 se muestran como | cat out/informe.html
P | ~<td>&lt;10</td> | cat out/informe.html
1 | ~the language 'xx' has no catalogue | $DURESS report --lang xx out/run.json -o x.html
CHECK | test ! -e x.html
# to standard output when it is not a terminal
P | ~^<!DOCTYPE html> | $DURESS report out/run.json | head -c 15
P | ~usage: duress report | $DURESS report --help
# bad input: a clear error, exit 1, no output file
1 | ~no manifest given | $DURESS report -o none.html
CHECK | test ! -e none.html
1 | ~'bad.json': not a duress manifest | echo '{"a": 1}' > bad.json && $DURESS report bad.json -o out.html
1 | ~not a readable manifest | echo '{' > bad2.json && $DURESS report bad2.json -o out.html
1 | ~cannot open 'nothere.json' | $DURESS report nothere.json -o out.html
1 | ~a report shows estimate, screen-summary and link-match manifests | sed 's/"command": "estimate"/"command": "simulate"/' out/run.json > sim.json && $DURESS report sim.json -o out.html
CHECK | test ! -e out.html && ! ls out.html.tmp.* 2>/dev/null
# an input that changed since its manifest: refused, unless --allow-changed (and then said)
CHECK | cp examples/estimate/histories.csv h2.csv && $DURESS estimate --interval analytic --manifest m2.json h2.csv >/dev/null && echo '9999,1,0,0,0' >> h2.csv
1 | ~'m2.json': input 'h2.csv' has changed since the manifest was written.*--allow-changed | $DURESS report m2.json -o changed.html
CHECK | test ! -e changed.html
P | - | $DURESS report --allow-changed m2.json -o changed.html
P | ~An input has changed since its manifest was written | cat changed.html
P | ~<strong class="bad">changed</strong> | cat changed.html
# an input not beside the manifest: not checked, and the report says so
CHECK | mkdir -p away && cp out/run.json away/
P | ~not checked: not found beside the manifest | $DURESS report away/run.json
P | ~Inputs identical to their record: 0 of 1; changed: 0; not checked: 1 | $DURESS report away/run.json
# a hostile list name is text, never markup
CHECK | printf '"<script>alert(1)</script>",A&B,"q""t'"'"'",count\n1,0,0,40\n0,1,0,35\n0,0,1,30\n1,1,0,12\n1,0,1,11\n0,1,1,10\n1,1,1,4\n' > hostile.csv
P | - | $DURESS estimate --interval analytic --manifest hm.json hostile.csv
P | - | $DURESS report hm.json --title '<b>T</b>' -o hostile.html
CHECK | ! grep -qi '<script' hostile.html && ! grep -q '<b>T' hostile.html
P | ~&lt;script&gt;alert\(1\)&lt;/script&gt; | cat hostile.html
P | ~A&amp;B | cat hostile.html
# a screening summary beside its batch (the frameworks come with duress)
CHECK | cp $SRC/examples/screen/batch.csv . && $DURESS screen --batch batch.csv --summary --resolution 1 --manifest s.json >/dev/null
P | ~10 people were screened against 5 definitions | $DURESS report s.json
P | ~in the folder of the framework files has the recorded size | $DURESS report s.json
P | ~ILO / European Commission \(2009\) | $DURESS report s.json
# the UK table (published analysis), as in the issue: the estimate and its interval as text
#shared-begin
P | - | $DURESS estimate $SHARED/mse/uk.csv --seed 1 --manifest m.json
P | - | $DURESS report m.json -o uk.html
P | ~About 11,400 people in all \(95% interval 9,100 to 14,400\) | cat uk.html
P | ~<td>11,418</td> | cat uk.html
# the table is outside the manifest's folder: checked only where it was recorded, when asked
P | ~Inputs identical to their record: 0 of 1; changed: 0; not checked: 1 | cat uk.html
P | ~Every input was found and is identical to its record \(1 of 1\) | $DURESS report --allow-outside m.json
#shared-end
# the commands above are the README's, word for word
CHECK | grep -qxF 'cp examples/estimate/histories.csv out/' $SRC/README.md
CHECK | grep -qxF 'duress estimate --seed 2013 --compare --manifest out/run.json out/histories.csv > /dev/null' $SRC/README.md
CHECK | grep -qF 'duress report out/run.json -o out/report.html ' $SRC/README.md && grep -qF 'duress report --publish --lang es out/run.json -o out/informe.html ' $SRC/README.md
