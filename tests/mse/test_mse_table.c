/* Capture tables: both CSV forms, every rejected input, cleaning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include <duress/table.h>
#include "test_util.h"

static struct dur_table_set *read_ok(const char *text, const char *by)
{
	struct dur_table_read_params p = { by, NULL, 0 };
	struct dur_table_set *s = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_table_read_csv(text, strlen(text), "t.csv", &p, &s, &e) != DUR_OK)
		fail_msg("unexpected error: %s", e.msg);
	return s;
}

static void read_bad(const char *text, const char *by, const char *needle)
{
	struct dur_table_read_params p = { by, NULL, 0 };
	struct dur_table_set *s = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	dur_err rc = dur_table_read_csv(text, strlen(text), "bad.csv", &p, &s, &e);
	if (rc == DUR_OK)
		fail_msg("accepted bad input: %s", text);
	assert_null(s);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_non_null(strstr(e.msg, "bad.csv"));
}

static void test_mse_table_aggregated(void **state)
{
	struct dur_table_set *s = read_ok("A,B,C,count\n1,0,0,5\n0,1,0, 7 \n1,1,0,2\n0,0,1,3.0\n1,1,1,0\n", NULL);
	(void)state;
	assert_int_equal(s->total->k, 3);
	assert_false(s->individual);
	assert_string_equal(s->total->names[2], "C");
	assert_true(s->total->count[1] == 5);   /* A only: bit 0 */
	assert_true(s->total->count[2] == 7);
	assert_true(s->total->count[3] == 2);
	assert_true(s->total->count[4] == 3);
	assert_true(s->total->count[7] == 0);
	assert_true(dur_table_observed(s->total) == 17);
	dur_table_set_free(s);
}

static void test_mse_table_individual_and_strata(void **state)
{
	const char *t = "id,A,B,region\n"
			"p1,1,0,north\np2,1,1,south\np3,0,1,north\np4,1,0,north\np5,0,1,\n";
	struct dur_table_set *s = read_ok(t, "region");
	(void)state;
	assert_true(s->individual);
	assert_int_equal(s->total->k, 2);
	assert_true(s->total->count[1] == 2 && s->total->count[2] == 2 && s->total->count[3] == 1);
	assert_int_equal(s->nstrata, 3);
	assert_string_equal(s->label[0], "north");
	assert_string_equal(s->label[1], "south");
	assert_string_equal(s->label[2], "(blank)");
	assert_true(s->stratum[0]->count[1] == 2 && s->stratum[0]->count[2] == 1);
	assert_true(s->stratum[1]->count[3] == 1);
	dur_table_set_free(s);
}

/* A capture table with a stratum column gives the same tables as the
 * people it counts, one row each. */
static void test_mse_table_aggregated_strata(void **state)
{
	const char *people = "id,A,B,region\n"
			     "p1,1,0,north\np2,1,1,south\np3,0,1,north\np4,1,0,north\n"
			     "p5,0,1,\np6,1,1,south\n";
	const char *table = "region,A,B,count\n"
			    "north,1,0,2\nsouth,1,1,2\nnorth,0,1,1\n,0,1,1\nsouth,1,0,0\n";
	struct dur_table_set *a = read_ok(people, "region"), *b = read_ok(table, "region");
	(void)state;
	assert_false(b->individual);
	assert_int_equal(a->nstrata, b->nstrata);
	for (unsigned c = 0; c < a->total->ncells; c++)
		assert_true(a->total->count[c] == b->total->count[c]);
	for (size_t i = 0; i < a->nstrata; i++) {
		assert_string_equal(a->label[i], b->label[i]);
		for (unsigned c = 0; c < a->total->ncells; c++)
			assert_true(a->stratum[i]->count[c] == b->stratum[i]->count[c]);
	}
	dur_table_set_free(a);
	dur_table_set_free(b);
}

static void test_mse_table_rejects(void **state)
{
	(void)state;
	read_bad("A,B,count\n1,0,5\n0,2,3\n", NULL, "line 3, column 'B': the value is not 0 or 1");
	read_bad("A,B,count\n1,0,-5\n", NULL, "line 2, column 'count': the value is negative");
	read_bad("A,B,count\n1,0,2.5\n", NULL, "not a whole number");
	read_bad("A,B,count\n1,0,5000000000\n", NULL, "absurdly large");
	read_bad("A,B,count\n1,0,x\n", NULL, "is not a whole number");
	read_bad("A,B,count\n1,0,5\n0,1,3\n1,0,2\n", NULL, "line 4: the same capture pattern as line 2");
	read_bad("A,B,count\n0,0,5\n", NULL, "line 2: the all-zero pattern");
	read_bad("A,count\n1,5\n", NULL, "at least two lists");
	read_bad("A,B,count\n1,0,5\n1,1\n", NULL, "line 3: 2 fields, but the header has 3");
	read_bad("A,A,count\n1,0,5\n", NULL, "column 'A' appears twice");
	read_bad("A,B,count\n", NULL, "only a header");
	read_bad("A,B,count\n1,0,0\n", NULL, "every count is 0");
	read_bad("id,A,B,sex\n1,1,0,F\n", NULL, "column 'sex'");
	read_bad("id,A,B\n1,1,0\n", "region", "no column 'region'");
	read_bad("draw,A,B,count\n1,1,0,4\n2,1,0,4\n1,1,0,2\n", "draw",
		 "line 4: the same capture pattern and 'draw' as line 2");
	read_bad("L1,L2,L3,L4,L5,L6,L7,L8,L9,L10,L11,L12,L13,L14,L15,L16\n", NULL, "at most 15");
}

static void test_mse_table_clean(void **state)
{
	struct dur_table_set *s;
	struct dur_strlist w = DUR_STRLIST_INIT;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_table *t;
	(void)state;
	/* C is empty; B and D hold the same people */
	s = read_ok("A,B,C,D,count\n1,0,0,0,4\n0,1,0,1,6\n1,1,0,1,2\n", NULL);
	t = dur_table_clone(s->total);
	assert_int_equal(dur_table_clean(&t, &w, &e), DUR_OK);
	assert_int_equal(t->k, 2);
	assert_string_equal(t->names[0], "A");
	assert_string_equal(t->names[1], "B+D");
	assert_true(t->count[1] == 4 && t->count[2] == 6 && t->count[3] == 2);
	assert_int_equal(w.n, 2);
	assert_non_null(strstr(w.s[0], "'C' has nobody"));
	dur_table_free(t);
	dur_strlist_release(&w);
	dur_table_set_free(s);
	/* a list everyone is on: dropped, its only-people join the unseen */
	s = read_ok("A,B,C,count\n1,0,0,3\n1,1,0,4\n1,0,1,5\n1,1,1,1\n", NULL);
	t = dur_table_clone(s->total);
	assert_int_equal(dur_table_clean(&t, &w, &e), DUR_OK);
	assert_int_equal(t->k, 2);
	assert_true(dur_table_observed(t) == 10);
	assert_non_null(strstr(w.s[0], "every observed person"));
	dur_table_free(t);
	dur_strlist_release(&w);
	dur_table_set_free(s);
	/* two identical lists and nothing else: unusable */
	s = read_ok("A,B,count\n1,1,3\n", NULL);
	t = dur_table_clone(s->total);
	assert_int_equal(dur_table_clean(&t, NULL, &e), DUR_EDATA);
	dur_table_free(t);
	dur_table_set_free(s);
}

static void test_mse_table_write_roundtrip(void **state)
{
	size_t n;
	char *src, *out = NULL;
	size_t outlen = 0;
	FILE *f;
	struct dur_table_set *s;
	(void)state;
	if (!test_have_shared())
		skip();
	/* writing the UK table gives back the published file byte for byte */
	src = test_slurp(test_shared_path("mse/uk.csv"), &n);
	assert_non_null(src);
	s = read_ok(src, NULL);
	f = open_memstream(&out, &outlen);
	assert_int_equal(dur_table_write_csv(s->total, f, NULL), DUR_OK);
	fclose(f);
	assert_int_equal(outlen, n);
	assert_memory_equal(out, src, n);
	free(out);
	free(src);
	dur_table_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mse_table_aggregated),
		cmocka_unit_test(test_mse_table_individual_and_strata),
		cmocka_unit_test(test_mse_table_aggregated_strata),
		cmocka_unit_test(test_mse_table_rejects),
		cmocka_unit_test(test_mse_table_clean),
		cmocka_unit_test(test_mse_table_write_roundtrip),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
