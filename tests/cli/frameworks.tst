# duress frameworks list | show ID | questions
P | ~^Frameworks | $DURESS frameworks list
P | ~palermo2000 1\.0\.0 | $DURESS frameworks list
P | ~\[U: unverified | $DURESS frameworks list
P | ~"id": "tvpa2000" | $DURESS frameworks list --format json
P | ~ilo2009\.child\.labour\.coercive_recruitment\.strong\.threats_of_violence | $DURESS frameworks show ilo2009
P | ~child_rule_act = no | $DURESS frameworks show ilo2009
P | ~"options_in_effect" | $DURESS frameworks show ilo2009 --format json
P | ~\[ \] yes   \[ \] no   \[ \] don't know | $DURESS frameworks questions
P | ~id documents_taken; used by coercion, icls2018, ilo2009, palermo2000, | $DURESS frameworks questions
P | ~id sector; read by no rule | $DURESS frameworks questions
P | ~"feeds" | $DURESS frameworks questions --format json
CHECK | $DURESS frameworks questions -o form.txt && grep -q threats_to_person form.txt
2 | ~unknown framework 'nope' | $DURESS frameworks show nope
2 | ~frameworks show: no input given | $DURESS frameworks show
2 | ~usage: duress frameworks COMMAND | $DURESS frameworks
2 | ~'dance' is not a frameworks command | $DURESS frameworks dance
2 | ~--format takes one of text,json | $DURESS frameworks list --format xml
P | ~^usage: duress frameworks | $DURESS frameworks --help
P | ~^usage: duress frameworks | $DURESS frameworks list --help
P | ~^usage: duress frameworks | $DURESS help frameworks
1 | ~cannot open '/nowhere/questions\.json' | $DURESS frameworks list --frameworks-dir /nowhere
