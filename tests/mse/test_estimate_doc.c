/*
 * The estimation job and its document: the published UK figures through
 * the whole job (as every front end runs it), and the document read back
 * from its JSON gives the same JSON and the same text, for every kind of
 * result (strata, comparison, bootstrap, profile, closed models, no
 * estimate).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <duress/estimate.h>
#include <duress/report.h>
#include "test_util.h"

static struct dur_estimate_doc *run(const char *csv, size_t len, struct dur_estimate_params *p)
{
	struct dur_estimate_doc *d = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	if (dur_estimate_run(csv, len, "t.csv", p, &d, &err) != DUR_OK)
		fail_msg("%s", err.msg);
	return d;
}

/* JSON -> document -> JSON is the identity, and so is the text. */
static void roundtrip(const struct dur_estimate_doc *d)
{
	json_t *j = dur_estimate_doc_to_json(d), *j2;
	struct dur_estimate_doc *back = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	char *t1 = NULL, *t2 = NULL, *s1, *s2;

	if (dur_estimate_doc_from_json(j, "doc.json", &back, &err) != DUR_OK)
		fail_msg("%s", err.msg);
	j2 = dur_estimate_doc_to_json(back);
	s1 = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	s2 = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s1, s2);
	assert_int_equal(dur_estimate_doc_to_text(d, &t1, NULL), DUR_OK);
	assert_int_equal(dur_estimate_doc_to_text(back, &t2, NULL), DUR_OK);
	assert_string_equal(t1, t2);
	free(s1);
	free(s2);
	free(t1);
	free(t2);
	json_decref(j);
	json_decref(j2);
	dur_estimate_doc_free(back);
}

static void test_estimate_doc_uk(void **state)
{
	size_t len;
	char *csv;
	struct dur_estimate_params p;
	struct dur_estimate_doc *d;
	(void)state;
	if (!test_have_shared())
		skip();
	csv = test_slurp(test_shared_path("mse/uk.csv"), &len);
	assert_non_null(csv);
	dur_estimate_default_params(&p);
	p.interval = DUR_INTERVAL_ANALYTIC;
	d = run(csv, len, &p);
	/* SparseMSE's stepwise model on the UK table (methods.md): 11417.9910915 */
	assert_true(fabs(d->total.main.estimate - 11417.9910915) < 1e-6);
	assert_int_equal(d->total.main.nterms, 7);
	assert_string_equal(d->total.main.terms[0], "PF:NCA");
	assert_int_equal(d->total.nomit, 6);
	roundtrip(d);
	dur_estimate_doc_free(d);

	/* Rcapture's Mt and Mth Chao through the job (methods.md) */
	p.method = "closed";
	p.model = "mth-chao";
	p.interval = DUR_INTERVAL_PROFILE;
	p.compare = 1;
	p.bootstrap = 20;
	d = run(csv, len, &p);
	assert_true(fabs(d->total.main.estimate / 12298.5081302 - 1) < 1e-6);
	assert_true(fabs(d->total.main.se / 686.550214128 - 1) < 1e-6);
	assert_true(fabs(d->total.main.interval.lower / 11050.4679117 - 1) < 1e-4);
	assert_true(fabs(d->total.main.interval.upper / 13811.7627307 - 1) < 1e-4);
	assert_true(d->total.ncompare >= 3);
	for (size_t i = 0; i < d->total.ncompare; i++)
		if (strcmp(d->total.compare[i].model, "mt") == 0)
			assert_true(fabs(d->total.compare[i].estimate / 12213.9951246 - 1) < 1e-6);
	roundtrip(d);
	dur_estimate_doc_free(d);
	free(csv);

	/* dga's bma.cr on uk_5 (methods.md): median 22990, [10387, 33508], mean
	 * 21281.6083033, top graph 0.443439879437 - through the whole job */
	csv = test_slurp(test_shared_path("mse/uk_5.csv"), &len);
	assert_non_null(csv);
	dur_estimate_default_params(&p);
	p.method = "bma";
	p.interval = DUR_INTERVAL_CREDIBLE;
	d = run(csv, len, &p);
	assert_true(d->total.main.estimate == 22990);
	assert_true(d->total.main.interval.lower == 10387);
	assert_true(d->total.main.interval.upper == 33508);
	assert_true(fabs(d->total.main.posterior_mean / 21281.6083033 - 1) < 1e-6);
	assert_true(fabs(d->total.main.candidates[0].weight / 0.443439879437 - 1) < 1e-6);
	{
		/* the histogram holds (almost) all the posterior mass */
		double sum = 0;
		for (size_t i = 0; i < d->total.main.nhist; i++)
			sum += d->total.main.hist[i];
		assert_true(fabs(sum - 1) < 2e-3);
	}
	roundtrip(d);
	dur_estimate_doc_free(d);

	/* the latent-class sampler through the job: its draws of N as a
	 * histogram that holds them all, the same for any thread count */
	if (dur_estimator_find("lcmcr")) {
		struct dur_estimate_doc *d1, *d2;
		json_t *j1, *j2;
		double sum = 0;
		p.method = "lcmcr";
		p.seed = 7;
		p.threads = 1;
		d1 = run(csv, len, &p);
		p.threads = 2;
		d2 = run(csv, len, &p);
		j1 = dur_estimate_doc_to_json(d1);
		j2 = dur_estimate_doc_to_json(d2);
		assert_true(json_equal(j1, j2));
		for (size_t i = 0; i < d1->total.main.nhist; i++)
			sum += d1->total.main.hist[i];
		assert_true(fabs(sum - 1) < 2e-3);
		assert_true(d1->total.main.interval.lower < d1->total.main.estimate &&
			    d1->total.main.estimate < d1->total.main.interval.upper);
		roundtrip(d1);
		json_decref(j1);
		json_decref(j2);
		dur_estimate_doc_free(d1);
		dur_estimate_doc_free(d2);
	}
	free(csv);
}

static void test_estimate_doc_kinds(void **state)
{
	/* capture histories with a stratum; one stratum has a single list */
	static const char hist[] =
		"id,A,B,C,region\n1,1,0,0,n\n2,0,1,0,n\n3,0,0,1,n\n4,1,1,0,n\n5,1,0,1,n\n"
		"6,0,1,1,n\n7,1,1,1,n\n8,1,0,0,n\n9,0,1,0,n\n10,0,0,1,n\n11,1,0,0,n\n"
		"12,1,0,0,s\n13,1,0,0,s\n";
	static const char nomle[] = "A,B,C,count\n1,0,0,10\n0,1,0,12\n0,0,1,9\n1,1,0,3\n"
				    "1,0,1,4\n0,1,1,5\n";
	struct dur_estimate_params p;
	struct dur_estimate_doc *d;
	(void)state;
	dur_estimate_default_params(&p);
	p.by = "region";
	p.model = "main";
	p.bootstrap = 30;
	p.seed = 9;
	d = run(hist, sizeof(hist) - 1, &p);
	assert_int_equal(d->nstrata, 2);
	assert_non_null(d->strata[1].failure);   /* "s": one list left */
	assert_true(dur_estimate_doc_incomplete(d));
	assert_int_equal(d->total.main.interval.nestimates, 30);
	roundtrip(d);
	dur_estimate_doc_free(d);

	/* no finite estimate: the reason, no figures */
	dur_estimate_default_params(&p);
	p.model = "all-pairs";
	p.interval = DUR_INTERVAL_PROFILE;
	d = run(nomle, sizeof(nomle) - 1, &p);
	assert_false(d->total.main.have_estimate);
	assert_non_null(strstr(d->total.main.reason, "not finite"));
	roundtrip(d);
	dur_estimate_doc_free(d);
}

static void test_estimate_doc_strict(void **state)
{
	static const char csv[] = "A,B,count\n1,0,30\n0,1,20\n1,1,10\n";
	struct dur_estimate_params p;
	struct dur_estimate_doc *d, *back = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	json_t *j;
	(void)state;
	dur_estimate_default_params(&p);
	p.interval = DUR_INTERVAL_ANALYTIC;
	d = run(csv, sizeof(csv) - 1, &p);
	/* two lists: Lincoln-Petersen, 30+20+10 seen and 40*30/10 = 120 in all */
	assert_true(fabs(d->total.main.estimate - 120) < 1e-8);
	/* ... with the warning that independence cannot be tested */
	assert_non_null(strstr(d->total.main.warnings.s[0], "only two lists"));
	j = dur_estimate_doc_to_json(d);
	json_object_set_new(json_object_get(j, "interval"), "lower", json_string("low"));
	assert_int_equal(dur_estimate_doc_from_json(j, "d.json", &back, &err), DUR_EPARSE);
	assert_non_null(strstr(err.msg, "'d.json': interval.lower: must be a number or null"));
	/* a level outside (0, 1) is refused (fuzz_report found one of 1.6e18 reaching
	 * the report's "{n}%" as an int overflow) */
	json_object_set_new(json_object_get(j, "interval"), "lower", json_real(100));
	json_object_set_new(json_object_get(j, "interval"), "level", json_real(1.595e18));
	assert_int_equal(dur_estimate_doc_from_json(j, "d.json", &back, &err), DUR_EPARSE);
	assert_non_null(strstr(err.msg, "'d.json': interval.level: must be between 0 and 1"));
	json_object_set_new(j, "format_version", json_integer(99));
	assert_int_equal(dur_estimate_doc_from_json(j, "d.json", &back, &err), DUR_EPARSE);
	assert_non_null(strstr(err.msg, "format_version"));
	assert_null(back);
	json_decref(j);
	dur_estimate_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_estimate_doc_uk),
		cmocka_unit_test(test_estimate_doc_kinds),
		cmocka_unit_test(test_estimate_doc_strict),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
