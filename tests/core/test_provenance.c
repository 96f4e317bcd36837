/*
 * Manifests: written, read back strictly (every bad key named), compared
 * figure by figure; and the jobs they re-run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <duress/provenance.h>
#include <duress/estimate.h>
#include "test_util.h"

/* SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static struct dur_manifest *sample(void)
{
	struct dur_manifest *m = dur_manifest_new("estimate", "2026-01-02T03:04:05Z");
	assert_non_null(m);
	assert_int_equal(dur_manifest_add_input(m, "table", "t.csv", NULL, "abc", 3, NULL), DUR_OK);
	dur_manifest_set_parameters(m, json_pack("{s:s,s:f}", "model", "main", "level", 0.95));
	dur_manifest_set_seed(m, 18446744073709551615ULL);
	dur_manifest_set_result(m, json_pack("{s:f,s:[i,i],s:{s:s}}", "estimate", 2673.25,
					     "cells", 1, 2, "software", "version", "0"));
	return m;
}

static void test_provenance_roundtrip(void **state)
{
	struct dur_manifest *m = sample(), *r = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	char *text = NULL, hex[65];
	(void)state;
	dur_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, SHA_ABC);
	assert_int_equal(dur_manifest_dump(m, &text, &err), DUR_OK);
	assert_int_equal(text[strlen(text) - 1], '\n');
	if (dur_manifest_parse(text, strlen(text), "m.json", &r, &err) != DUR_OK)
		fail_msg("%s", err.msg);
	assert_string_equal(r->command, "estimate");
	assert_string_equal(r->created, "2026-01-02T03:04:05Z");
	assert_int_equal(r->ninputs, 1);
	assert_string_equal(r->inputs[0].role, "table");
	assert_string_equal(r->inputs[0].file, "t.csv");
	assert_int_equal(r->inputs[0].size, 3);
	assert_string_equal(r->inputs[0].sha256, SHA_ABC);
	/* all 64 bits of the seed survive */
	assert_true(r->has_seed);
	assert_true(r->seed == 18446744073709551615ULL);
	assert_true(json_equal(r->result, m->result));
	assert_true(json_equal(r->parameters, m->parameters));
	dur_manifest_free(r);
	dur_manifest_free(m);
	free(text);
}

static void bad(const char *text, const char *expect)
{
	struct dur_manifest *m = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	assert_int_not_equal(dur_manifest_parse(text, strlen(text), "m.json", &m, &err), DUR_OK);
	assert_null(m);
	if (!strstr(err.msg, expect))
		fail_msg("'%s' does not contain '%s'", err.msg, expect);
}

#define GOOD_HEAD "{\"duress_manifest\":2,\"command\":\"estimate\",\"created\":\"x\"," \
	"\"software\":{\"name\":\"duress\",\"version\":\"0\",\"git\":\"g\",\"build\":\"b\"},"

static void test_provenance_strict(void **state)
{
	(void)state;
	bad("[1]", "not a duress manifest");
	bad("{\"a\":1}", "no duress_manifest key");
	bad("{\"duress_manifest\":1}", "version 1 manifests were written by an older duress");
	bad("{\"duress_manifest\":\"2\"}", "duress_manifest: must be a whole number");
	bad("{\"duress_manifest\":2,\"duress_manifest\":2}", "line 1: not a readable manifest");
	bad(GOOD_HEAD "\"inputs\":[{\"role\":\"table\",\"file\":\"t\",\"size\":3,"
	    "\"sha256\":\"xyz\"}],\"parameters\":{},\"result\":{}}", "inputs[0].sha256: must be 64");
	bad(GOOD_HEAD "\"inputs\":[{\"role\":\"table\",\"file\":\"t\",\"size\":-3,"
	    "\"sha256\":\"" SHA_ABC "\"}],\"parameters\":{},\"result\":{}}", "inputs[0].size");
	bad(GOOD_HEAD "\"inputs\":[{\"role\":\"table\",\"file\":\"t\",\"size\":3,"
	    "\"sha256\":\"" SHA_ABC "\",\"extra\":1}],\"parameters\":{},\"result\":{}}",
	    "inputs[0]: unknown key 'extra'");
	bad(GOOD_HEAD "\"inputs\":[],\"parameters\":[],\"result\":{}}",
	    "parameters: must be an object");
	bad(GOOD_HEAD "\"inputs\":[],\"parameters\":{},\"seed\":\"-1\",\"result\":{}}",
	    "seed: must be a whole number");
	bad(GOOD_HEAD "\"inputs\":[],\"parameters\":{}}", "result: is missing");
	bad("\xff{}", "byte 1 is not UTF-8");
}

static void test_provenance_compare(void **state)
{
	struct dur_strlist d = DUR_STRLIST_INIT;
	size_t nfig = 0;
	json_t *a = json_pack("{s:f,s:s,s:[f,f],s:{s:s},s:{s:s,s:s}}", "estimate", 10.5, "model",
			      "main", "cells", 1.0, 2.0, "software", "git", "a", "input", "file",
			      "x.csv", "sha256", "abc");
	json_t *b = json_deep_copy(a);
	(void)state;
	/* where the input was read and which build ran are not figures */
	json_object_set_new(json_object_get(b, "software"), "git", json_string("b"));
	json_object_set_new(json_object_get(b, "input"), "file", json_string("elsewhere/x.csv"));
	assert_int_equal(dur_manifest_compare(a, b, &d, &nfig, NULL), DUR_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(nfig, 5);   /* estimate, model, 2 cells, sha256 */
	json_array_set_new(json_object_get(b, "cells"), 1, json_real(2.0000000001));
	json_object_set_new(b, "new", json_true());
	json_object_del(b, "model");
	assert_int_equal(dur_manifest_compare(a, b, &d, &nfig, NULL), DUR_OK);
	assert_int_equal(d.n, 3);
	/* listed in key order */
	if (!strstr(d.s[0], "result.cells[1]: was 2, now 2.0000000001"))
		fail_msg("%s", d.s[0]);
	assert_non_null(strstr(d.s[1], "result.model: missing now"));
	assert_non_null(strstr(d.s[2], "result.new: new"));
	dur_strlist_release(&d);
	json_decref(a);
	json_decref(b);
}

/* The estimate job re-run from a manifest gives the same document. */
static void test_provenance_job(void **state)
{
	static const char csv[] = "A,B,C,count\n1,0,0,62\n0,1,0,41\n0,0,1,33\n1,1,0,12\n"
				  "1,0,1,17\n0,1,1,8\n1,1,1,5\n";
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	struct dur_job_input in = { "table", "t.csv", NULL, csv, sizeof(csv) - 1 };
	struct dur_error err = DUR_ERROR_INIT;
	json_t *params, *again = NULL, *first;
	(void)state;
	dur_estimate_default_params(&p);
	p.bootstrap = 20;
	p.seed = 77;
	assert_int_equal(dur_estimate_run(csv, sizeof(csv) - 1, "t.csv", &p, &d, &err), DUR_OK);
	first = dur_estimate_doc_to_json(d);
	params = dur_estimate_params_to_json(&p);
	assert_int_equal(dur_job_check("estimate", params, &err), DUR_OK);
	/* another thread count changes nothing */
	if (dur_job_run("estimate", params, &in, 1, 1, &again, &err) != DUR_OK)
		fail_msg("%s", err.msg);
	assert_true(json_equal(first, again));
	json_decref(again);
	/* wrong types and ranges name the key; unknown commands are refused */
	json_object_set_new(params, "level", json_string("high"));
	assert_int_equal(dur_job_check("estimate", params, &err), DUR_EPARSE);
	assert_non_null(strstr(err.msg, "parameters.level"));
	json_object_set_new(params, "level", json_real(1.5));
	assert_int_equal(dur_job_check("estimate", params, &err), DUR_EPARSE);
	assert_non_null(strstr(err.msg, "parameters.level: must be a number between 0 and 1"));
	assert_int_not_equal(dur_job_check("dance", params, &err), DUR_OK);
	assert_false(dur_job_known("dance"));
	json_decref(params);
	json_decref(first);
	dur_estimate_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_provenance_roundtrip),
		cmocka_unit_test(test_provenance_strict),
		cmocka_unit_test(test_provenance_compare),
		cmocka_unit_test(test_provenance_job),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
