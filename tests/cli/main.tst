# The program itself: help, version, exit codes.
P | ~^usage: duress | $DURESS --help
P | ~version | $DURESS --help
2 | ~usage: duress | $DURESS
2 | ~'nope' is not a duress command | $DURESS nope
P | ~^duress [0-9]+\.[0-9]+\.[0-9]+ \( | $DURESS --version
P | ~^duress [0-9]+\.[0-9]+\.[0-9]+ \( | $DURESS version
2 | ~takes no arguments | $DURESS version extra
P | ~^usage: duress version | $DURESS help version
P | ~^usage: duress version | $DURESS version --help
2 | ~'nope' is not | $DURESS help nope
# every subcommand listed by --help prints its usage (samtools)
CHECK | for c in $($DURESS --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | grep -v '^help$'); do $DURESS help $c | grep -q "usage: duress $c" || exit 1; $DURESS $c --help | grep -q "usage: duress $c" || exit 1; done
# writing to a full device fails loudly
1 | ~cannot write | $DURESS --help > /dev/full
CHECK | $DURESS help --man | cmp - $SRC/docs/duress.1 || { echo "docs/duress.1 is stale: run make man"; exit 1; }
