/*
 * Linkage quality on the synthetic FEBRL data (../shared/data/link/febrl;
 * Febrl, Peter Christen, ANU, ANU Open Source Licence 1.3), with the
 * shipped schema examples/link/febrl.schema.json at its default
 * thresholds.  The figures asserted are the acceptance figures of issue 4:
 *   dataset4a x dataset4b (5000 true links): F1 >= 0.97 from encodings,
 *   F1 >= 0.99 from plain identifiers; dataset3 deduplicated, pair
 *   precision and recall reported (and held above 0.95); and two lists
 *   that share nobody link (almost) nobody.
 * Ground truth: rec-<N>-org and rec-<N>-dup-<k> are the same entity N.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duress/csv.h>
#include <duress/link.h>
#include <gsl/gsl_errno.h>
#include <sodium.h>

#include "test_util.h"

static dur_link_schema *schema;

static long entity(const char *id)
{
	/* rec-<N>-org / rec-<N>-dup-<k> */
	return strtol(id + 4, NULL, 10);
}

static struct dur_csv *load(const char *rel)
{
	size_t len = 0;
	char *b = test_slurp(test_shared_path(rel), &len);
	struct dur_csv *c = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (!b)
		fail_msg("cannot read %s", rel);
	if (dur_csv_parse(b, len, rel, NULL, &c, &e))
		fail_msg("%s", e.msg);
	free(b);
	return c;
}

static int setup(void **state)
{
	size_t len = 0;
	char *b = test_slurp(DUR_SOURCE_DIR "/examples/link/febrl.schema.json", &len);
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	if (!b || dur_link_schema_parse(b, len, "febrl.schema.json", &schema, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		free(b);
		return -1;
	}
	free(b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dur_link_schema_free(schema);
	return 0;
}

static void figures(const char *what, const struct dur_link_result *r, size_t ntrue,
		    double *f1)
{
	size_t tp = 0;
	double p, rc;
	for (size_t i = 0; i < r->npairs; i++)
		tp += entity(r->ids[r->pairs[i].list_a][r->pairs[i].rec_a]) ==
		      entity(r->ids[r->pairs[i].list_b][r->pairs[i].rec_b]);
	p = r->npairs ? (double)tp / (double)r->npairs : 0.0;
	rc = (double)tp / (double)ntrue;
	*f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0.0;
	printf("%s: %zu pairs, precision %.4f, recall %.4f, F1 %.4f\n", what, r->npairs, p, rc,
	       *f1);
}

static void test_link_febrl_encodings_4a_4b(void **state)
{
	static const unsigned char secret[] = "febrl test secret: not for real use";
	struct dur_csv *a = load("link/febrl/dataset4a.csv"), *b = load("link/febrl/dataset4b.csv");
	struct dur_link_encodings *e[2] = { NULL, NULL };
	const char *names[2] = { "dataset4a", "dataset4b" };
	struct dur_link_result *r = NULL, *r2 = NULL;
	struct dur_link_match_params p = dur_link_match_default_params(schema);
	dur_link_key *k = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	double f1;
	(void)state;
	assert_int_equal(dur_link_key_alloc(schema, secret, sizeof(secret) - 1, &k, &err), DUR_OK);
	if (dur_link_encode_csv(schema, k, a, "4a", NULL, &e[0], NULL, &err) ||
	    dur_link_encode_csv(schema, k, b, "4b", NULL, &e[1], NULL, &err))
		fail_msg("%s", err.msg);
	if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &r, &err))
		fail_msg("%s", err.msg);
	figures("encodings, dataset4a x dataset4b", r, 5000, &f1);
	assert_true(f1 >= 0.97);
	/* the portable kernel finds exactly the same pairs */
	p.kernel = DUR_LINK_KERNEL_PORTABLE;
	if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &r2, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(r->npairs, r2->npairs);
	assert_memory_equal(r->pairs, r2->pairs, r->npairs * sizeof(*r->pairs));
	assert_int_equal(r->comparisons, r2->comparisons);
	dur_link_result_free(r);
	dur_link_result_free(r2);
	dur_link_enc_free(e[0]);
	dur_link_enc_free(e[1]);
	dur_link_key_free(k);
	dur_csv_free(a);
	dur_csv_free(b);
}

static void test_link_febrl_plain_4a_4b(void **state)
{
	struct dur_csv *c[2] = { load("link/febrl/dataset4a.csv"), load("link/febrl/dataset4b.csv") };
	const char *names[2] = { "dataset4a", "dataset4b" };
	struct dur_link_result *r = NULL;
	struct dur_link_fs_model m;
	struct dur_error err = DUR_ERROR_INIT;
	double f1;
	(void)state;
	if (dur_link_plain(schema, (const struct dur_csv *const *)c, NULL, names, 2, NULL, NULL,
			   &r, &m, &err))
		fail_msg("%s", err.msg);
	figures("plain, dataset4a x dataset4b", r, 5000, &f1);
	printf("  EM: %zu candidate pairs, %zu iterations, lambda %.4f\n", m.candidates,
	       m.iterations, m.lambda);
	assert_true(f1 >= 0.99);
	dur_link_result_free(r);
	dur_csv_free(c[0]);
	dur_csv_free(c[1]);
}

static int cmp_long(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;
	return a < b ? -1 : a > b;
}

static void test_link_febrl_dedup_3(void **state)
{
	struct dur_csv *c = load("link/febrl/dataset3.csv");
	struct dur_link_result *r = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	size_t n, true_pairs = 0, pred = 0, tp = 0;
	long *ent;
	(void)state;
	if (dur_link_dedup(schema, c, "dataset3.csv", "dataset3", NULL, NULL, &r, NULL, &err))
		fail_msg("%s", err.msg);
	n = r->nrec[0];
	/* true pairs: entities sorted, runs of k give k(k-1)/2 */
	ent = malloc(n * sizeof(*ent));
	for (size_t i = 0; i < n; i++)
		ent[i] = entity(r->ids[0][i]);
	qsort(ent, n, sizeof(*ent), cmp_long);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && ent[j] == ent[i]; j++)
			;
		true_pairs += (j - i) * (j - i - 1) / 2;
	}
	assert_int_equal(true_pairs, 6538);  /* SOURCES.md */
	/* predicted pairs: every two records of one person */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (r->cluster[0][i] == r->cluster[0][j]) {
				pred++;
				tp += entity(r->ids[0][i]) == entity(r->ids[0][j]);
			}
	printf("dedup dataset3: %zu people (2000 true), %zu pairs, pair precision %.4f, "
	       "pair recall %.4f\n", r->nclusters, pred, (double)tp / (double)pred,
	       (double)tp / (double)true_pairs);
	assert_true((double)tp / (double)pred >= 0.95);
	assert_true((double)tp / (double)true_pairs >= 0.95);
	free(ent);
	dur_link_result_free(r);
	dur_csv_free(c);
}

/*
 * Two lists that share nobody (FEBRL 0.4.2 dataset_A_10000 and
 * dataset_C_10000 were generated separately): the default threshold must
 * link almost nothing, and EM must not invent a class of matches.
 */
static void test_link_febrl_disjoint(void **state)
{
	static const unsigned char secret[] = "febrl test secret: not for real use";
	struct dur_csv *c[2] = { load("link/febrl042/dataset_A_10000.csv"),
				 load("link/febrl042/dataset_C_10000.csv") };
	const char *names[2] = { "A", "C" };
	struct dur_link_encodings *e[2] = { NULL, NULL };
	struct dur_link_result *r = NULL, *pr = NULL;
	struct dur_link_match_params p = dur_link_match_default_params(schema);
	struct dur_link_fs_model m;
	dur_link_key *k = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	(void)state;
	assert_int_equal(dur_link_key_alloc(schema, secret, sizeof(secret) - 1, &k, &err), DUR_OK);
	if (dur_link_encode_csv(schema, k, c[0], "A", NULL, &e[0], NULL, &err) ||
	    dur_link_encode_csv(schema, k, c[1], "C", NULL, &e[1], NULL, &err))
		fail_msg("%s", err.msg);
	if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &r, &err))
		fail_msg("%s", err.msg);
	if (dur_link_plain(schema, (const struct dur_csv *const *)c, NULL, names, 2, NULL, NULL,
			   &pr, &m, &err))
		fail_msg("%s", err.msg);
	printf("disjoint 10,000 x 10,000: %zu pairs linked from encodings, %zu from plain "
	       "identifiers (EM degenerate: %d)\n", r->npairs, pr->npairs, m.degenerate);
	assert_true(r->npairs <= 10);   /* at most 0.1% of the records */
	assert_true(pr->npairs <= 10);
	dur_link_result_free(r);
	dur_link_result_free(pr);
	dur_link_enc_free(e[0]);
	dur_link_enc_free(e[1]);
	dur_link_key_free(k);
	dur_csv_free(c[0]);
	dur_csv_free(c[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_febrl_encodings_4a_4b),
		cmocka_unit_test(test_link_febrl_plain_4a_4b),
		cmocka_unit_test(test_link_febrl_dedup_3),
		cmocka_unit_test(test_link_febrl_disjoint),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	if (!test_have_shared())
		return TEST_SKIP_CODE;
	return cmocka_run_group_tests(tests, setup, teardown);
}
