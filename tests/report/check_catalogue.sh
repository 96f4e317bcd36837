#!/bin/sh
# Every translatable string of the report (marked DUR_N_ in src/report) must
# be translated in po/es.po: msgcmp fails on any msgid of the generated
# template that the catalogue lacks or leaves untranslated.  The catalogue
# must also be a valid PO file (msgfmt --check).
# usage: tests/report/check_catalogue.sh SOURCE_DIR
set -eu
src=$1
for t in xgettext msgcmp msgfmt; do
  command -v $t >/dev/null 2>&1 || {
    if [ -n "${DUR_REQUIRE_GETTEXT:-}" ]; then echo "$t is missing" >&2; exit 1; fi
    echo "SKIPPED: $t is missing (sh scripts/setup.sh test installs gettext)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --keyword=DUR_N_ --from-code=UTF-8 --language=C --no-location --sort-output \
  -o "$tmp/report.pot" "$src"/src/report/*.c
n=$(grep -c '^msgid ' "$tmp/report.pot")
msgfmt --check-format -o /dev/null "$src/po/es.po"
msgcmp "$src/po/es.po" "$tmp/report.pot"
echo "po/es.po translates all $((n - 1)) strings of the report"
