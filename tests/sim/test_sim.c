/*
 * Unit tests of the simulator (src/mse/simulate.c).  Expected values are
 * derived from the model, not from runs: a binomial share p with standard
 * error sqrt(p(1-p)/N), a mixture's share sum_c w_c p_c, and so on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duress/simulate.h>
#include <duress/table.h>
#include <gsl/gsl_errno.h>

#include "test_util.h"

static struct dur_sim_result *run_ok(const struct dur_sim_params *p)
{
	struct dur_sim_result *r = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_sim_run(p, &r, &e) != DUR_OK)
		fail_msg("unexpected error: %s", e.msg);
	return r;
}

/* Number of the N people on every list in mask `all` (observed or not). */
static double on_lists(const struct dur_table *t, unsigned all)
{
	double s = 0;
	for (unsigned c = 1; c < t->ncells; c++)
		if ((c & all) == all)
			s += t->count[c];
	return s;
}

/* |share - expected| within 4 binomial standard errors over n trials. */
static void assert_share(double count, double n, double expected)
{
	double se = sqrt(expected * (1 - expected) / n);
	double share = count / n;
	if (fabs(share - expected) > 4 * se)
		fail_msg("share %.6f, expected %.6f +- 4 x %.6f", share, expected, se);
}

static char *histories_text(const struct dur_sim_result *r, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct dur_error e = DUR_ERROR_INIT;
	assert_non_null(f);
	if (dur_sim_write_histories(r, f, &e) != DUR_OK)
		fail_msg("write: %s", e.msg);
	assert_int_equal(fclose(f), 0);
	*len = n;
	return buf;
}

static void test_sim_same_seed_same_people(void **state)
{
	const double p[] = { 0.215, 0.3, 0.125 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *a, *b, *c;
	char *ta, *tb, *tc;
	size_t la, lb, lc;
	(void)state;
	sp.N = 5000;
	sp.k = 3;
	sp.p = p;
	sp.seed = 20261129;
	a = run_ok(&sp);
	b = run_ok(&sp);
	sp.seed = 20261130;
	c = run_ok(&sp);
	assert_int_equal(a->seed, 20261129);
	assert_true(a->observed > 0);
	assert_true(a->observed == b->observed);
	assert_int_equal(a->npeople, b->npeople);
	assert_memory_equal(a->pattern, b->pattern, a->npeople * sizeof(uint16_t));
	assert_memory_equal(a->table->count, b->table->count, 8 * sizeof(double));
	ta = histories_text(a, &la);
	tb = histories_text(b, &lb);
	tc = histories_text(c, &lc);
	assert_int_equal(la, lb);
	assert_memory_equal(ta, tb, la);
	/* a different seed makes different people */
	assert_false(la == lc && memcmp(ta, tc, la) == 0);
	assert_false(memcmp(a->table->count, c->table->count, 8 * sizeof(double)) == 0);
	free(ta);
	free(tb);
	free(tc);
	dur_sim_result_free(a);
	dur_sim_result_free(b);
	dur_sim_result_free(c);
}

static void test_sim_seed_high_bits_matter(void **state)
{
	/* MT19937 takes 32 bits; seeds that differ only above bit 32 must still
	 * give different people. */
	const double p[] = { 0.4, 0.4 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *a, *b;
	(void)state;
	sp.N = 2000;
	sp.k = 2;
	sp.p = p;
	sp.seed = 7;
	a = run_ok(&sp);
	sp.seed = 7 + (UINT64_C(1) << 32);
	b = run_ok(&sp);
	assert_false(a->npeople == b->npeople &&
		     memcmp(a->pattern, b->pattern, a->npeople * sizeof(uint16_t)) == 0);
	dur_sim_result_free(a);
	dur_sim_result_free(b);
}

static void test_sim_certain_and_impossible_lists(void **state)
{
	const double p[] = { 1, 0.35, 0 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	(void)state;
	sp.N = 3000;
	sp.k = 3;
	sp.p = p;
	sp.seed = 11;
	r = run_ok(&sp);
	/* everyone is on list 1, so everyone is observed; nobody on list 3 */
	assert_true(r->observed == 3000);
	assert_true(on_lists(r->table, 1u) == 3000);
	assert_true(on_lists(r->table, 4u) == 0);
	for (size_t i = 0; i < r->npeople; i++) {
		assert_true(r->pattern[i] & 1u);
		assert_false(r->pattern[i] & 4u);
	}
	dur_sim_result_free(r);
}

static void test_sim_large_binomial_shares(void **state)
{
	const double p[] = { 0.3, 0.3, 0.3, 0.3 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	(void)state;
	sp.N = 200000;
	sp.k = 4;
	sp.p = p;
	sp.seed = 424242;
	sp.table_only = 1;
	r = run_ok(&sp);
	assert_int_equal(r->npeople, 0);
	assert_null(r->pattern);
	for (int j = 0; j < 4; j++)
		assert_share(on_lists(r->table, 1u << j), sp.N, 0.3);
	/* independence: on lists 1 and 2 with probability 0.09, and nobody
	 * sees 0.7^4 of them */
	assert_share(on_lists(r->table, 3u), sp.N, 0.09);
	assert_share(sp.N - r->observed, sp.N, pow(0.7, 4));
	assert_true(r->N == 200000);
	/* histories cannot be written from a table-only run */
	{
		struct dur_error e = DUR_ERROR_INIT;
		FILE *f = fopen("/dev/null", "w");
		assert_non_null(f);
		assert_int_equal(dur_sim_write_histories(r, f, &e), DUR_EINVAL);
		fclose(f);
	}
	dur_sim_result_free(r);
}

static void test_sim_referral_certain(void **state)
{
	const double p[] = { 0.25, 0.1, 0.2 };
	const char *names[] = { "police", "ngo", "shelter" };
	const struct dur_sim_referral ref[] = { { "police", "ngo", 1.0 } };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	(void)state;
	sp.N = 20000;
	sp.k = 3;
	sp.p = p;
	sp.names = names;
	sp.nref = 1;
	sp.ref = ref;
	sp.seed = 99;
	r = run_ok(&sp);
	assert_true(on_lists(r->table, 1u) > 0);
	assert_true(on_lists(r->table, 1u) == on_lists(r->table, 3u));
	for (size_t i = 0; i < r->npeople; i++)
		if (r->pattern[i] & 1u)
			assert_true(r->pattern[i] & 2u);
	/* ngo: 0.1 on its own, plus everyone on police not already on it */
	assert_share(on_lists(r->table, 2u), sp.N, 0.1 + 0.9 * 0.25);
	assert_string_equal(r->table->names[1], "ngo");
	dur_sim_result_free(r);
}

static void test_sim_referral_partial_and_chained(void **state)
{
	/* A->B with 0.5, then B->C with 0.4, applied in that order:
	 *   P(B) = pB + (1-pB) pA 0.5
	 *   P(C) = pC + (1-pC) P(B) 0.4       (C is independent of B before) */
	const double p[] = { 0.3, 0.2, 0.15 };
	const struct dur_sim_referral ref[] = { { "L1", "L2", 0.5 }, { "L2", "L3", 0.4 } };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	double pb = 0.2 + 0.8 * 0.3 * 0.5;
	double pc = 0.15 + 0.85 * pb * 0.4;
	(void)state;
	sp.N = 200000;
	sp.k = 3;
	sp.p = p;
	sp.nref = 2;
	sp.ref = ref;
	sp.seed = 5;
	sp.table_only = 1;
	r = run_ok(&sp);
	assert_share(on_lists(r->table, 1u), sp.N, 0.3);
	assert_share(on_lists(r->table, 2u), sp.N, pb);
	assert_share(on_lists(r->table, 4u), sp.N, pc);
	dur_sim_result_free(r);
}

static void test_sim_latent_classes(void **state)
{
	const double w[] = { 0.7, 0.3 };
	const double cp[] = { 0.1, 0.2, 0.1,
			      0.4, 0.5, 0.3 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	(void)state;
	sp.N = 200000;
	sp.k = 3;
	sp.nclasses = 2;
	sp.class_weight = w;
	sp.class_p = cp;
	sp.seed = 31337;
	r = run_ok(&sp);
	/* each person is marginally Bernoulli(sum_c w_c p_cj) */
	for (int j = 0; j < 3; j++)
		assert_share(on_lists(r->table, 1u << j), sp.N,
			     w[0] * cp[j] + w[1] * cp[3 + j]);
	/* heterogeneity makes lists 1 and 2 overlap more than independence:
	 * sum_c w_c p_c1 p_c2 = 0.074, against 0.19 x 0.29 = 0.0551 */
	assert_share(on_lists(r->table, 3u), sp.N, 0.7 * 0.1 * 0.2 + 0.3 * 0.4 * 0.5);
	dur_sim_result_free(r);
}

static void test_sim_histories_read_back(void **state)
{
	const double p[] = { 0.2, 0.35, 0.15, 0.1 };
	const char *names[] = { "police", "ngo", "shelter", "clinic" };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r;
	struct dur_table_set *set = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	char *text, *agg = NULL;
	size_t len, alen = 0;
	FILE *f;
	char first[64];
	(void)state;
	sp.N = 1500;
	sp.k = 4;
	sp.p = p;
	sp.names = names;
	sp.seed = 2;
	r = run_ok(&sp);
	text = histories_text(r, &len);
	assert_true(strncmp(text, "id,police,ngo,shelter,clinic\n", 29) == 0);
	/* the first row is person 1 with the first pattern */
	snprintf(first, sizeof(first), "1,%u,%u,%u,%u\n", r->pattern[0] & 1u,
		 (r->pattern[0] >> 1) & 1u, (r->pattern[0] >> 2) & 1u, (r->pattern[0] >> 3) & 1u);
	assert_true(strncmp(text + 29, first, strlen(first)) == 0);
	/* one line per observed person plus the header */
	{
		size_t lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		assert_int_equal(lines, r->npeople + 1);
	}
	/* the CSV reader sees the same table in both forms */
	if (dur_table_read_csv(text, len, "sim.csv", NULL, &set, &e) != DUR_OK)
		fail_msg("read back: %s", e.msg);
	assert_true(set->individual);
	assert_int_equal(set->total->k, 4);
	assert_memory_equal(set->total->count, r->table->count, 16 * sizeof(double));
	assert_string_equal(set->total->names[3], "clinic");
	dur_table_set_free(set);
	set = NULL;
	f = open_memstream(&agg, &alen);
	assert_non_null(f);
	assert_int_equal(dur_table_write_csv(r->table, f, &e), DUR_OK);
	fclose(f);
	if (dur_table_read_csv(agg, alen, "agg.csv", NULL, &set, &e) != DUR_OK)
		fail_msg("read back: %s", e.msg);
	assert_false(set->individual);
	assert_memory_equal(set->total->count, r->table->count, 16 * sizeof(double));
	assert_true(dur_table_observed(set->total) == r->observed);
	dur_table_set_free(set);
	free(agg);
	free(text);
	dur_sim_result_free(r);
}

static void test_sim_caller_rng(void **state)
{
	const double p[] = { 0.3, 0.6 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *a = NULL, *b = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	(void)state;
	assert_non_null(rng);
	sp.N = 1000;
	sp.k = 2;
	sp.p = p;
	gsl_rng_set(rng, 17);
	assert_int_equal(dur_sim_run_rng(&sp, rng, &a, &e), DUR_OK);
	gsl_rng_set(rng, 17);
	assert_int_equal(dur_sim_run_rng(&sp, rng, &b, &e), DUR_OK);
	assert_int_equal(a->seed, 0);
	assert_int_equal(a->npeople, b->npeople);
	assert_memory_equal(a->pattern, b->pattern, a->npeople * sizeof(uint16_t));
	dur_sim_result_free(a);
	dur_sim_result_free(b);
	gsl_rng_free(rng);
}

/* Run with one field changed and expect DUR_EINVAL and `needle`. */
static void expect_invalid(const struct dur_sim_params *sp, const char *needle)
{
	struct dur_sim_result *r = (struct dur_sim_result *)1;
	struct dur_error e = DUR_ERROR_INIT;
	assert_int_equal(dur_sim_run(sp, &r, &e), DUR_EINVAL);
	assert_null(r);
	assert_int_equal(e.code, DUR_EINVAL);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	assert_int_equal(dur_sim_check(sp, NULL), DUR_EINVAL);
}

static void test_sim_invalid_parameters(void **state)
{
	const double p[] = { 0.2, 0.3, 0.4 };
	const double badp[] = { 0.2, 1.5, 0.4 };
	const double negp[] = { -0.1, 0.3, 0.4 };
	const double nanp[] = { 0.2, 0.3, NAN };
	const char *names[] = { "A", "B", "C" };
	const char *dup[] = { "A", "B", "A" };
	const char *comma[] = { "A", "B,C", "D" };
	const char *colon[] = { "A", "B:C", "D" };
	const char *idname[] = { "A", "id", "C" };
	const char *countname[] = { "count", "B", "C" };
	const char *empty[] = { "A", "", "C" };
	const char *spaced[] = { "A", " B", "C" };
	const char *bad_utf8[] = { "A", "\xff", "C" };
	const double w_bad[] = { 0.7, 0.31 };
	const double w_ok[] = { 0.7, 0.3 };
	const double w_neg[] = { 1.2, -0.2 };
	const double cp[] = { 0.1, 0.2, 0.1, 0.4, 0.5, 0.3 };
	const double cp_bad[] = { 0.1, 0.2, 0.1, 0.4, 2.5, 0.3 };
	const struct dur_sim_referral ref_unknown[] = { { "A", "X", 0.5 } };
	const struct dur_sim_referral ref_self[] = { { "B", "B", 0.5 } };
	const struct dur_sim_referral ref_prob[] = { { "A", "B", 1.01 } };
	const struct dur_sim_referral ref_ok[] = { { "A", "B", 0.999 } };
	const struct dur_sim_referral ref_default[] = { { "L1", "A", 0.5 } };
	struct dur_sim_params base = dur_sim_default_params(), sp;
	(void)state;
	base.N = 1000;
	base.k = 3;
	base.p = p;
	base.names = names;

	sp = base; sp.N = 0;           expect_invalid(&sp, "population size 0");
	sp = base; sp.N = -5;          expect_invalid(&sp, "whole number");
	sp = base; sp.N = 1000.5;      expect_invalid(&sp, "1000.5 is not a whole number");
	sp = base; sp.N = NAN;         expect_invalid(&sp, "whole number");
	sp = base; sp.N = INFINITY;    expect_invalid(&sp, "whole number");
	sp = base; sp.N = 2e8;         expect_invalid(&sp, "over the limit");
	sp = base; sp.k = 1;           expect_invalid(&sp, "1 list; there must be 2 to 15");
	sp = base; sp.k = 16;          expect_invalid(&sp, "16 lists");
	sp = base; sp.p = badp;        expect_invalid(&sp, "list 'B' is 1.5; it must be between 0 and 1");
	sp = base; sp.p = negp;        expect_invalid(&sp, "list 'A' is -0.1");
	sp = base; sp.p = nanp;        expect_invalid(&sp, "list 'C'");
	sp = base; sp.p = NULL;        expect_invalid(&sp, "no capture probabilities");
	sp = base; sp.names = dup;     expect_invalid(&sp, "'A' is given twice");
	sp = base; sp.names = comma;   expect_invalid(&sp, "'B,C' holds a comma");
	sp = base; sp.names = colon;   expect_invalid(&sp, "'B:C' holds");
	sp = base; sp.names = idname;  expect_invalid(&sp, "cannot be called 'id'");
	sp = base; sp.names = countname; expect_invalid(&sp, "cannot be called 'count'");
	sp = base; sp.names = empty;   expect_invalid(&sp, "list 2 has an empty name");
	sp = base; sp.names = spaced;  expect_invalid(&sp, "space");
	sp = base; sp.names = bad_utf8; expect_invalid(&sp, "not UTF-8");
	/* latent classes */
	sp = base; sp.p = NULL; sp.nclasses = 2; sp.class_weight = w_bad; sp.class_p = cp;
	expect_invalid(&sp, "the class weights sum to 1.01; they must sum to 1");
	sp.class_weight = w_neg;       expect_invalid(&sp, "class 1: weight 1.2");
	sp.class_weight = w_ok; sp.class_p = cp_bad;
	expect_invalid(&sp, "class 2: capture probability of list 'B' is 2.5");
	sp.class_p = NULL;             expect_invalid(&sp, "no class weights");
	sp.class_p = cp; sp.p = p;     expect_invalid(&sp, "not both");
	sp.p = NULL; sp.nclasses = 65; expect_invalid(&sp, "65 latent classes");
	/* referrals */
	sp = base; sp.nref = 1; sp.ref = ref_unknown;
	expect_invalid(&sp, "there is no list called 'X'");
	sp.ref = ref_self;             expect_invalid(&sp, "cannot refer to itself");
	sp.ref = ref_prob;             expect_invalid(&sp, "probability 1.01 is not between");
	sp.ref = NULL;                 expect_invalid(&sp, "none given");
	sp.ref = ref_default; sp.names = NULL;
	expect_invalid(&sp, "no list called 'A'");
	/* and the valid neighbours of these pass */
	sp = base; sp.nref = 1; sp.ref = ref_ok;
	assert_int_equal(dur_sim_check(&sp, NULL), DUR_OK);
	sp = base; sp.N = 1; sp.p = NULL; sp.nclasses = 2; sp.class_weight = w_ok; sp.class_p = cp;
	assert_int_equal(dur_sim_check(&sp, NULL), DUR_OK);
	sp = base; sp.N = 1e8;
	assert_int_equal(dur_sim_check(&sp, NULL), DUR_OK);
	/* a weight sum off by less than 1e-9 is accepted */
	{
		const double w_close[] = { 0.7, 0.3 + 5e-10 };
		sp = base; sp.p = NULL; sp.nclasses = 2; sp.class_weight = w_close; sp.class_p = cp;
		assert_int_equal(dur_sim_check(&sp, NULL), DUR_OK);
	}
	assert_int_equal(dur_sim_check(NULL, NULL), DUR_EINVAL);
	dur_sim_result_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_same_seed_same_people),
		cmocka_unit_test(test_sim_seed_high_bits_matter),
		cmocka_unit_test(test_sim_certain_and_impossible_lists),
		cmocka_unit_test(test_sim_large_binomial_shares),
		cmocka_unit_test(test_sim_referral_certain),
		cmocka_unit_test(test_sim_referral_partial_and_chained),
		cmocka_unit_test(test_sim_latent_classes),
		cmocka_unit_test(test_sim_histories_read_back),
		cmocka_unit_test(test_sim_caller_rng),
		cmocka_unit_test(test_sim_invalid_parameters),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
