#!/bin/sh
# Check that a message catalogue translates everything the web app shows:
# every string marked in src/serve (xgettext, keywords DUR_N_ and the
# plural SRV_NP_) and every text of the question bank (questions_pot), with
# msgcmp (an untranslated or fuzzy entry counts as missing), and that its
# printf formats match the English (msgfmt --check-format).
# usage: po_check.sh SOURCE_DIR QUESTIONS_POT_PROGRAM LANG
# Exit 77 (skip) when gettext's tools are missing, unless DUR_REQUIRE_GETTEXT.
set -eu
src=$1; qpot=$2; lang=$3
for t in xgettext msgcmp msgcat msgfmt; do
  if ! command -v $t >/dev/null 2>&1; then
    if [ -n "${DUR_REQUIRE_GETTEXT:-}" ]; then echo "po_check: $t is missing" >&2; exit 1; fi
    echo "SKIPPED: po_check needs gettext ($t)"; exit 77
  fi
done
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
xgettext --language=C --keyword=DUR_N_ --keyword=SRV_NP_:1,2 --from-code=UTF-8 \
  --no-location -o "$T/pages.pot" "$src"/src/serve/*.c
"$qpot" "$src/frameworks" > "$T/questions.pot"
msgcat --use-first -o "$T/serve.pot" "$T/pages.pot" "$T/questions.pot"
n=$(grep -c '^msgid ' "$T/serve.pot")
# (msgcmp also warns about every entry of other parts of the catalogue,
# such as the report's: shown only when something is missing)
if ! msgcmp "$src/po/$lang.po" "$T/serve.pot" 2> "$T/msgcmp.log"; then
  grep -v 'this message is not used' "$T/msgcmp.log" >&2 || true
  echo "po_check: po/$lang.po lacks translations of the web app (above)" >&2
  exit 1
fi
msgfmt --check-format -o /dev/null "$src/po/$lang.po"
echo "po_check: $lang translates all $((n - 1)) strings of the web app and its questions"
