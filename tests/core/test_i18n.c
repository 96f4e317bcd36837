/* Message catalogues: the PO reader, lookups and number formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <duress/i18n.h>

static const char po[] =
	"# a comment\n"
	"msgid \"\"\n"
	"msgstr \"\"\n"
	"\"Language: fr\\n\"\n"
	"\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"
	"\"X-Duress-Language-Name: Fran\xc3\xa7" "ais\\n\"\n"
	"\"X-Duress-Decimal-Point: ,\\n\"\n"
	"\"X-Duress-Thousands-Separator:  \\n\"\n"
	"\n"
	"msgid \"people\"\n"
	"msgstr \"personnes\"\n"
	"\n"
	"#, fuzzy\n"
	"msgid \"draft\"\n"
	"msgstr \"brouillon\"\n"
	"\n"
	"msgctxt \"verdict\"\n"
	"msgid \"indicated\"\n"
	"msgstr \"indiqu\xc3\xa9\"\n"
	"\n"
	"msgid \"a list\"\n"
	"msgid_plural \"%d lists\"\n"
	"msgstr[0] \"une liste\"\n"
	"msgstr[1] \"%d listes\"\n"
	"\n"
	"msgid \"two \"\n"
	"\"lines\"\n"
	"msgstr \"deux\\n\\\"lignes\\\"\"\n"
	"\n"
	"msgid \"untranslated\"\n"
	"msgstr \"\"\n";

static void test_i18n_parse(void **state)
{
	dur_catalogue *c = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	(void)state;
	assert_int_equal(dur_catalogue_parse(po, strlen(po), "t.po", &c, &err), DUR_OK);
	assert_string_equal(dur_catalogue_lang(c), "fr");
	assert_string_equal(dur_catalogue_language_name(c), "Fran\xc3\xa7" "ais");
	assert_string_equal(dur_catalogue_get(c, "people"), "personnes");
	/* fuzzy and empty translations are not used */
	assert_string_equal(dur_catalogue_get(c, "draft"), "draft");
	assert_string_equal(dur_catalogue_get(c, "untranslated"), "untranslated");
	/* a context keeps the same msgid apart */
	assert_string_equal(dur_catalogue_getc(c, "verdict", "indicated"), "indiqu\xc3\xa9");
	assert_string_equal(dur_catalogue_get(c, "indicated"), "indicated");
	/* French plural rule: 0 and 1 are singular */
	assert_string_equal(dur_catalogue_nget(c, "a list", "%d lists", 0), "une liste");
	assert_string_equal(dur_catalogue_nget(c, "a list", "%d lists", 1), "une liste");
	assert_string_equal(dur_catalogue_nget(c, "a list", "%d lists", 2), "%d listes");
	/* continued strings and escapes */
	assert_string_equal(dur_catalogue_get(c, "two lines"), "deux\n\"lignes\"");
	assert_int_equal(dur_catalogue_count(c), 4);
	dur_catalogue_free(c);
	/* English: no catalogue at all, every msgid as it is; English plural rule */
	assert_string_equal(dur_catalogue_get(NULL, "people"), "people");
	assert_string_equal(dur_catalogue_nget(NULL, "a list", "%d lists", 0), "%d lists");
}

static void bad(const char *text, const char *expect)
{
	dur_catalogue *c = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	assert_int_not_equal(dur_catalogue_parse(text, strlen(text), "b.po", &c, &err), DUR_OK);
	assert_null(c);
	if (!strstr(err.msg, expect))
		fail_msg("'%s' does not contain '%s'", err.msg, expect);
}

static void test_i18n_errors(void **state)
{
	(void)state;
	bad("msgid \"a\"\nmsgstr \"b\n", "line 2: the string does not end");
	bad("msgstr \"b\"\n", "line 1: msgstr without a msgid");
	bad("msgid \"a\"\nmsgstr \"\\q\"\n", "line 2: an unknown escape");
	bad("msgid \"a\"\nmsgstr \"x\"\nmsgid \"a\"\nmsgstr \"y\"\n", "translated twice");
	bad("nonsense\n", "line 1: expected msgctxt");
	bad("msgid \"a\" junk\n", "text after the string");
	bad("msgid \"a\"\nmsgstr[7] \"x\"\n", "msgstr[N]");
}

static void test_i18n_builtin(void **state)
{
	size_t n;
	const char *const *l = dur_catalogue_languages(&n);
	struct dur_error err = DUR_ERROR_INIT;
	dur_catalogue *c = NULL;
	(void)state;
	assert_true(n >= 2);
	assert_string_equal(l[0], "en");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(dur_catalogue_open(l[i], &c, &err), DUR_OK);
		assert_string_equal(dur_catalogue_lang(c), l[i]);
		dur_catalogue_free(c);
	}
	assert_int_equal(dur_catalogue_open("xx", &c, &err), DUR_EINVAL);
	assert_non_null(strstr(err.msg, "there are: en"));
}

/* Each thread opens Spanish and looks a heading up (built-ins are read once
 * and shared, so the threads race to fill the cache). */
static void *open_es(void *arg)
{
	dur_catalogue *c = NULL;
	const char **out = arg;
	if (dur_catalogue_open("es", &c, NULL) == DUR_OK) {
		*out = dur_catalogue_get(c, "Provenance");
		dur_catalogue_free(c);
	}
	return NULL;
}

static void test_i18n_builtin_shared(void **state)
{
	pthread_t t[4];
	const char *got[4] = { 0 };
	dur_catalogue *a = NULL, *b = NULL;
	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, open_es, &got[i]), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* po/es.po translates the report's heading "Provenance" as "Procedencia" */
	for (int i = 0; i < 4; i++)
		assert_string_equal(got[i], "Procedencia");
	/* opened twice, freed twice: the same catalogue, still whole */
	assert_int_equal(dur_catalogue_open("es", &a, NULL), DUR_OK);
	assert_int_equal(dur_catalogue_open("es", &b, NULL), DUR_OK);
	assert_ptr_equal(a, b);
	dur_catalogue_free(a);
	dur_catalogue_free(b);
	assert_int_equal(dur_catalogue_open("es", &a, NULL), DUR_OK);
	assert_string_equal(dur_catalogue_lang(a), "es");
	assert_string_equal(dur_catalogue_get(a, "Provenance"), "Procedencia");
	dur_catalogue_free(a);
}

static void test_i18n_numbers(void **state)
{
	dur_catalogue *es = NULL, *fr = NULL;
	char b[64];
	(void)state;
	assert_int_equal(dur_catalogue_open("es", &es, NULL), DUR_OK);
	assert_int_equal(dur_catalogue_open("fr", &fr, NULL), DUR_OK);
	dur_catalogue_format_number(NULL, 11417.991, 2, b, sizeof(b));
	assert_string_equal(b, "11,417.99");
	dur_catalogue_format_number(es, 11417.991, 2, b, sizeof(b));
	assert_string_equal(b, "11.417,99");
	dur_catalogue_format_number(fr, 1234567, 0, b, sizeof(b));
	assert_string_equal(b, "1\xc2\xa0" "234\xc2\xa0" "567");   /* no-break spaces */
	dur_catalogue_format_number(NULL, -999.5, 0, b, sizeof(b));
	assert_string_equal(b, "-1,000");
	dur_catalogue_format_number(NULL, 12, 0, b, sizeof(b));
	assert_string_equal(b, "12");
	dur_catalogue_free(es);
	dur_catalogue_free(fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i18n_parse),
		cmocka_unit_test(test_i18n_errors),
		cmocka_unit_test(test_i18n_builtin),
		cmocka_unit_test(test_i18n_builtin_shared),
		cmocka_unit_test(test_i18n_numbers),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
