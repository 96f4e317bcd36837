/*
 * Fault injection (curl's torture tests, SQLite's test malloc): run a few
 * representative jobs once to count their allocations, then again with the
 * 1st, 2nd, ... allocation failing (and, in a second pass, every one after
 * it too).  Each run must end cleanly - DUR_OK, or an error with a message -
 * and free everything: the test runs under valgrind and ASan, which fail
 * it on any leak or bad access.  Linked with the fault-injection library
 * (duress_fault, see src/core/alloc.h); jansson's allocations are routed
 * through the same counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <sodium.h>
#include <duress/csv.h>
#include <duress/estimate.h>
#include <duress/link.h>
#include <duress/provenance.h>
#include <duress/screen.h>
#include <duress/table.h>
#include "core/alloc.h"
#include "test_util.h"
#include "fuzz_screen_common.h"

typedef dur_err (*job_fn)(struct dur_error *err);

static const char histories[] =
	"id,A,B,C,D,region\n"
	"1,1,0,0,0,n\n2,0,1,0,0,n\n3,0,0,1,0,n\n4,0,0,0,1,n\n5,1,1,0,0,n\n6,1,0,1,0,s\n"
	"7,0,1,1,0,s\n8,0,0,1,1,s\n9,1,1,1,0,s\n10,1,0,0,1,n\n11,0,1,0,1,s\n12,1,0,0,0,s\n"
	"13,0,1,0,0,n\n14,0,0,1,0,s\n15,1,1,0,1,n\n16,0,1,1,1,n\n17,1,0,0,0,n\n";

static dur_err job_table(struct dur_error *err)
{
	struct dur_table_read_params p = { "region", NULL, 0 };
	struct dur_table_set *s = NULL;
	dur_err rc = dur_table_read_csv(histories, sizeof(histories) - 1, "h.csv", &p, &s, err);
	if (!rc)
		rc = dur_table_clean(&s->total, NULL, err);
	dur_table_set_free(s);
	return rc;
}

static dur_err job_estimate(struct dur_error *err)
{
	static const char csv[] = "A,B,C,count\n1,0,0,62\n0,1,0,41\n0,0,1,33\n1,1,0,12\n"
				  "1,0,1,17\n0,1,1,8\n1,1,1,5\n";
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	json_t *j = NULL;
	char *text = NULL;
	dur_err rc;
	dur_estimate_default_params(&p);
	p.interval = DUR_INTERVAL_PROFILE;
	rc = dur_estimate_run(csv, sizeof(csv) - 1, "t.csv", &p, &d, err);
	if (!rc && !(j = dur_estimate_doc_to_json(d)))
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (!rc) {
		struct dur_estimate_doc *back = NULL;
		rc = dur_estimate_doc_from_json(j, "d.json", &back, err);
		dur_estimate_doc_free(back);
	}
	json_decref(j);
	free(text);
	dur_estimate_doc_free(d);
	return rc;
}

static const char schema[] =
	"{\"duress_link_schema\":1,\"id_column\":\"id\",\"filter_bits\":256,"
	"\"hardening\":{\"balance\":true,\"xor_fold\":true},\"threshold\":0.7,"
	"\"fields\":[{\"name\":\"given\",\"type\":\"text\",\"bits_per_token\":6},"
	"{\"name\":\"dob\",\"type\":\"date\",\"formats\":[\"YYYY-MM-DD\"],\"bits_per_token\":6}]}";
static const char list_a[] = "id,given,dob\na1,Ana,1990-01-02\na2,José,1985-03-04\n"
			     "a3,Li,2001-05-06\n";
static const char list_b[] = "id,given,dob\nb1,Anna,1990-01-02\nb2,Jose,1985-03-04\n"
			     "b3,Omar,1970-07-08\n";

static dur_err encode(dur_link_schema *s, dur_link_key *k, const char *csvtext,
		      struct dur_link_encodings **e, struct dur_error *err)
{
	struct dur_csv *csv = NULL;
	dur_err rc = dur_csv_parse(csvtext, strlen(csvtext), "l.csv", NULL, &csv, err);
	if (!rc)
		rc = dur_link_encode_csv(s, k, csv, "l.csv", NULL, e, NULL, err);
	dur_csv_free(csv);
	return rc;
}

static dur_err job_link(struct dur_error *err)
{
	static const unsigned char secret[32] = { 7, 1, 9, 3, 5, 2, 8, 4, 6, 0, 11, 13, 17, 19,
		23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101 };
	dur_link_schema *s = NULL;
	dur_link_key *k = NULL;
	struct dur_link_encodings *e[2] = { NULL, NULL };
	struct dur_link_result *r = NULL;
	const char *names[2] = { "a", "b" };
	dur_err rc = dur_link_schema_parse(schema, sizeof(schema) - 1, "s.json", &s, err);
	if (!rc)
		rc = dur_link_key_alloc(s, secret, sizeof(secret), &k, err);
	if (!rc)
		rc = encode(s, k, list_a, &e[0], err);
	if (!rc)
		rc = encode(s, k, list_b, &e[1], err);
	if (!rc) {
		struct dur_link_match_params p = dur_link_match_default_params(s);
		rc = dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &r,
				    err);
	}
	if (!rc) {
		struct dur_table *t = NULL;
		rc = dur_link_result_table(r, &t, err);
		dur_table_free(t);
	}
	dur_link_result_free(r);
	dur_link_enc_free(e[0]);
	dur_link_enc_free(e[1]);
	dur_link_key_free(k);
	dur_link_schema_free(s);
	return rc;
}

static dur_err job_screen(struct dur_error *err)
{
	static const char cases[] = "case_id,age,sector,debt_bondage,documents_taken\n"
				    "a,25,farm,yes,unknown\nb,16,,no,no\nc,unknown,home,,yes\n";
	static const char one[] = "{\"case_id\":\"x\",\"age\":30,\"facts\":{\"threats_to_family\":"
				  "\"yes\"}}";
	dur_framework_set *set = dur_framework_set_alloc();
	dur_screen_case *c = NULL;
	dur_screen_result *res = NULL;
	dur_screen_summary *sum = NULL;
	struct dur_screen_summary_params sp;
	char *text = NULL;
	dur_err rc;
	if (!set)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	/* a small bank and framework (the fuzzers'): the shipped frameworks are
	 * loaded by the screen tests; here every allocation is failed in turn */
	rc = dur_framework_set_load_bank(set, FUZZ_BANK, sizeof(FUZZ_BANK) - 1, "bank", err);
	if (!rc)
		rc = dur_framework_set_add(set, FUZZ_FW, sizeof(FUZZ_FW) - 1, "f", err);
	if (!rc && !(c = dur_screen_case_alloc(set)))
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (!rc)
		rc = dur_screen_case_parse_json(c, one, sizeof(one) - 1, "c.json", err);
	if (!rc)
		rc = dur_screen_evaluate(set, c, NULL, 0, &res, err);
	if (!rc)
		rc = dur_screen_result_to_json(res, c, 0, &text, err);
	dur_screen_summary_default_params(&sp);
	if (!rc)
		rc = dur_screen_summary_run(set, cases, sizeof(cases) - 1, "b.csv", &sp, &sum, err);
	if (!rc) {
		json_t *j = dur_screen_summary_json(sum, 1, err);
		if (!j)
			rc = DUR_ENOMEM;
		json_decref(j);
	}
	free(text);
	dur_screen_summary_free(sum);
	dur_screen_result_free(res);
	dur_screen_case_free(c);
	dur_framework_set_free(set);
	return rc;
}

static dur_err job_manifest(struct dur_error *err)
{
	struct dur_manifest *m = dur_manifest_new("estimate", "2026-01-01T00:00:00Z"), *r = NULL;
	char *text = NULL;
	dur_err rc;
	if (!m)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = dur_manifest_add_input(m, "table", "t.csv", NULL, "abc", 3, err);
	dur_manifest_set_parameters(m, json_pack("{s:s}", "model", "main"));
	dur_manifest_set_result(m, json_pack("{s:[f,f]}", "x", 1.5, 2.5));
	if (!rc)
		rc = dur_manifest_dump(m, &text, err);
	if (!rc)
		rc = dur_manifest_parse(text, strlen(text), "m.json", &r, err);
	free(text);
	dur_manifest_free(r);
	dur_manifest_free(m);
	return rc;
}

/* Count, then fail each allocation in turn (once, then from there on). */
static void torture(job_fn job, const char *what)
{
	struct dur_error err = DUR_ERROR_INIT;
	long n;
	dur_fault_arm(0, 0);
	if (job(&err) != DUR_OK)
		fail_msg("%s fails without any injected fault: %s", what, err.msg);
	n = dur_fault_count();
	assert_true(n > 0);
	for (int sticky = 0; sticky <= 1; sticky++)
		for (long i = 1; i <= n; i++) {
			struct dur_error e = DUR_ERROR_INIT;
			dur_err rc;
			dur_fault_arm(i, sticky);
			rc = job(&e);
			dur_fault_arm(0, 0);
			if (rc != DUR_OK && (e.code == DUR_OK || !e.msg[0]))
				fail_msg("%s, allocation %ld of %ld failing%s: error %d without a "
					 "message", what, i, n, sticky ? " and after" : "", (int)rc);
		}
	printf("%s: %ld allocations, each failed in turn\n", what, n);
}

static void test_fault_table(void **state) { (void)state; torture(job_table, "read table"); }
static void test_fault_estimate(void **state) { (void)state; torture(job_estimate, "estimate"); }
static void test_fault_link(void **state) { (void)state; torture(job_link, "encode and match"); }
static void test_fault_screen(void **state) { (void)state; torture(job_screen, "screen"); }
static void test_fault_manifest(void **state) { (void)state; torture(job_manifest, "manifest"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_table),
		cmocka_unit_test(test_fault_estimate),
		cmocka_unit_test(test_fault_link),
		cmocka_unit_test(test_fault_screen),
		cmocka_unit_test(test_fault_manifest),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	json_set_alloc_funcs(dur_fault_malloc, dur_fault_free);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
