/* Unit tests of src/core: errors and the CSV reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <duress/csv.h>
#include <duress/error.h>
#include <gsl/gsl_errno.h>

static void test_core_error_set_and_prefix(void **state)
{
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	assert_int_equal(dur_error_set(&e, DUR_EPARSE, "line %d", 7), DUR_EPARSE);
	assert_int_equal(e.code, DUR_EPARSE);
	assert_string_equal(e.msg, "line 7");
	dur_error_prefix(&e, "'%s'", "a.csv");
	assert_string_equal(e.msg, "'a.csv': line 7");
	/* a NULL err is allowed everywhere */
	assert_int_equal(dur_error_set(NULL, DUR_EIO, "x"), DUR_EIO);
	dur_error_prefix(NULL, "y");
}

static struct dur_csv *parse_ok(const char *text)
{
	struct dur_csv *c = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	dur_err rc = dur_csv_parse(text, strlen(text), "t.csv", NULL, &c, &e);
	if (rc != DUR_OK)
		fail_msg("unexpected error: %s", e.msg);
	return c;
}

static void test_core_csv_spreadsheet_quirks(void **state)
{
	/* BOM, CRLF, stray spaces, a blank line, a quoted comma and newline */
	const char *t = "\xef\xbb\xbf" "name , n\r\n"
			"  Zoë  ,1\r\n"
			"\r\n"
			"\"a, \"\"b\"\"\nc\", 2\r\n"
			"last,3";
	struct dur_csv *c = parse_ok(t);
	(void)state;
	assert_int_equal(c->nrec, 4);
	assert_string_equal(c->rec[0].field[0], "name");
	assert_string_equal(c->rec[0].field[1], "n");
	assert_string_equal(c->rec[1].field[0], "Zoë");
	assert_int_equal(c->rec[1].line, 2);
	assert_string_equal(c->rec[2].field[0], "a, \"b\"\nc");
	assert_string_equal(c->rec[2].field[1], "2");
	assert_int_equal(c->rec[2].line, 4);
	assert_int_equal(c->rec[3].line, 6);
	assert_int_equal(dur_csv_column(c, "n"), 1);
	assert_int_equal(dur_csv_column(c, "x"), -1);
	dur_csv_free(c);
}

static void expect_error(const char *text, size_t len, dur_err code, const char *needle)
{
	struct dur_csv *c = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	dur_err rc = dur_csv_parse(text, len, "bad.csv", NULL, &c, &e);
	assert_int_equal(rc, code);
	assert_null(c);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_non_null(strstr(e.msg, "'bad.csv'"));
}

static void test_core_csv_errors_name_line(void **state)
{
	(void)state;
	expect_error("", 0, DUR_EPARSE, "empty");
	expect_error("\n \n", 3, DUR_EPARSE, "empty");
	expect_error("a,b\n1,2\n\xff,3\n", 12, DUR_EPARSE, "line 3");
	expect_error("a,b\n1,\xc3\n", 8, DUR_EPARSE, "line 2");
	expect_error("a,b\n\xc0\xaf,1\n", 9, DUR_EPARSE, "line 2: bytes that are not UTF-8");
	expect_error("a,b\n1,2\nx\0y\n", 12, DUR_EPARSE, "line 3: a NUL byte");
	expect_error("a,b\n1,2\n\"open,3\n", 16, DUR_EPARSE, "line 3");
	expect_error("a,b\n\"x\"y,1\n", 11, DUR_EPARSE, "line 2: malformed CSV");
}

static void test_core_csv_limits(void **state)
{
	struct dur_csv_params p = dur_csv_default_params();
	struct dur_csv *c = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	p.max_fields = 2;
	assert_int_equal(dur_csv_parse("a,b,c\n", 6, "w.csv", &p, &c, &e), DUR_ELIMIT);
	assert_null(c);
	p = dur_csv_default_params();
	p.max_records = 2;
	assert_int_equal(dur_csv_parse("a\n1\n2\n3\n", 8, "w.csv", &p, &c, &e), DUR_ELIMIT);
	assert_null(c);
}

static void test_core_utf8_check(void **state)
{
	size_t bad = 99;
	(void)state;
	assert_int_equal(dur_utf8_check("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10, &bad), DUR_OK);
	assert_int_equal(dur_utf8_check("ab\xed\xa0\x80", 5, &bad), DUR_EPARSE); /* surrogate */
	assert_int_equal(bad, 2);
	assert_int_equal(dur_utf8_check("\xf4\x90\x80\x80", 4, &bad), DUR_EPARSE); /* > U+10FFFF */
	assert_int_equal(dur_utf8_check("\xe0\x80\x80", 3, &bad), DUR_EPARSE); /* overlong */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_error_set_and_prefix),
		cmocka_unit_test(test_core_csv_spreadsheet_quirks),
		cmocka_unit_test(test_core_csv_errors_name_line),
		cmocka_unit_test(test_core_csv_limits),
		cmocka_unit_test(test_core_utf8_check),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
