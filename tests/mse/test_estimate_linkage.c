/*
 * Linkage draws (dur_estimate_job_add_draws): the estimate on each capture
 * table drawn from the link probabilities, against hand computation.  With
 * two lists and the independence model the estimate is Lincoln-Petersen's
 * n1 n2 / m, so every figure below is worked out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <duress/estimate.h>
#include <duress/report.h>

/* Each draw has 80 people on A and 60 on B; m on both: N = 4800 / m. */
static const char table[] = "A,B,count\n1,0,60\n0,1,40\n1,1,20\n";   /* m 20: N 240 */
static const char draws[] = "draw,A,B,count\n"
			    "1,1,0,60\n1,0,1,40\n1,1,1,20\n"     /* 240 */
			    "2,1,0,50\n2,0,1,30\n2,1,1,30\n"     /* 160 */
			    "3,1,1,10\n3,1,0,70\n3,0,1,50\n";    /* 480 */

static void params(struct dur_estimate_params *p)
{
	dur_estimate_default_params(p);
	p->model = "main";
	p->interval = DUR_INTERVAL_NONE;
	p->level = 0.5;
	p->threads = 1;
}

static struct dur_estimate_doc *run(const char *t, const char *d, const struct dur_estimate_params *p,
				    struct dur_error *err)
{
	dur_estimate_job *j = dur_estimate_job_alloc(t, strlen(t), "t.csv", p, err);
	struct dur_estimate_doc *doc = NULL;
	dur_err rc;
	assert_non_null(j);
	rc = dur_estimate_job_add_draws(j, d, strlen(d), "d.csv", err);
	if (rc == DUR_OK) {
		while ((rc = dur_estimate_job_iterate(j, err)) == DUR_CONTINUE)
			;
		assert_int_equal(rc, DUR_OK);
		doc = dur_estimate_job_take(j);
	}
	dur_estimate_job_free(j);
	return doc;
}

static int has_warning(const struct dur_estimate_result *r, const char *needle)
{
	for (size_t i = 0; i < r->warnings.n; i++)
		if (strstr(r->warnings.s[i], needle))
			return 1;
	return 0;
}

static void test_linkage_hand(void **state)
{
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_estimate_doc *d, *back = NULL;
	json_t *j;
	char *text = NULL;
	(void)state;
	params(&p);
	d = run(table, draws, &p, &err);
	assert_non_null(d);
	assert_non_null(d->linkage);
	assert_true(fabs(d->total.main.estimate - 240) < 1e-6);
	assert_int_equal(d->linkage->ndraws, 3);
	assert_int_equal(d->linkage->nfailed, 0);
	/* in the file's order */
	assert_true(fabs(d->linkage->estimates[0] - 240) < 1e-6);
	assert_true(fabs(d->linkage->estimates[1] - 160) < 1e-6);
	assert_true(fabs(d->linkage->estimates[2] - 480) < 1e-6);
	/* sorted 160, 240, 480; type-7 quantiles at 0.25 and 0.75 (level 0.5):
	 * 160 + 0.5 (240 - 160) = 200 and 240 + 0.5 (480 - 240) = 360 */
	assert_true(fabs(d->linkage->median - 240) < 1e-6);
	assert_true(fabs(d->linkage->lower - 200) < 1e-6);
	assert_true(fabs(d->linkage->upper - 360) < 1e-6);
	assert_true(fabs(d->linkage->min - 160) < 1e-6);
	assert_true(fabs(d->linkage->max - 480) < 1e-6);
	/* a spread of 160 on 240, and no interval: the warning says so */
	assert_true(has_warning(&d->total.main, "the linkage alone moves the estimate from 200 to 360"));
	assert_false(has_warning(&d->total.main, "outside"));
	/* the document carries it through JSON, and the text shows it */
	j = dur_estimate_doc_to_json(d);
	assert_int_equal(dur_estimate_doc_from_json(j, "doc.json", &back, &err), DUR_OK);
	assert_non_null(back->linkage);
	assert_int_equal(back->linkage->ndraws, 3);
	assert_true(back->linkage->estimates[2] == d->linkage->estimates[2]);
	assert_string_equal(back->linkage->sha256, d->linkage->sha256);
	assert_int_equal(dur_estimate_doc_to_text(back, &text, &err), DUR_OK);
	assert_non_null(strstr(text, "median 240; the middle 50%: 200 to 360; all 3: 160 to 480"));
	free(text);
	json_decref(j);
	dur_estimate_doc_free(back);
	dur_estimate_doc_free(d);
}

/* Every draw the same as the table: no spread, no warning. */
static void test_linkage_certain(void **state)
{
	const char *same = "draw,A,B,count\n1,1,0,60\n1,0,1,40\n1,1,1,20\n"
			   "2,1,0,60\n2,0,1,40\n2,1,1,20\n";
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_estimate_doc *d;
	(void)state;
	params(&p);
	d = run(table, same, &p, &err);
	assert_non_null(d);
	assert_true(d->linkage->lower == d->linkage->upper);
	assert_true(fabs(d->linkage->median - d->total.main.estimate) < 1e-9);
	assert_false(has_warning(&d->total.main, "linkage"));
	dur_estimate_doc_free(d);
}

/* The table far from every draw: the disagreement is named. */
static void test_linkage_shift(void **state)
{
	const char *far = "draw,A,B,count\n1,1,0,50\n1,0,1,30\n1,1,1,30\n"
			  "2,1,0,50\n2,0,1,30\n2,1,1,30\n";   /* 160 both */
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_estimate_doc *d;
	(void)state;
	params(&p);
	d = run(table, far, &p, &err);
	assert_non_null(d);
	assert_true(has_warning(&d->total.main, "the estimate from the table (240) lies outside"));
	dur_estimate_doc_free(d);
}

/* A draw in which nobody is on B has no estimate: counted, left out, said. */
static void test_linkage_failed_draw(void **state)
{
	const char *some = "draw,A,B,count\n1,1,0,60\n1,0,1,40\n1,1,1,20\n2,1,0,80\n";
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_estimate_doc *d;
	(void)state;
	params(&p);
	d = run(table, some, &p, &err);
	assert_non_null(d);
	assert_int_equal(d->linkage->nfailed, 1);
	assert_true(isnan(d->linkage->estimates[1]));
	assert_true(fabs(d->linkage->median - 240) < 1e-6);
	assert_true(has_warning(&d->total.main, "1 of the 2 tables drawn"));
	dur_estimate_doc_free(d);
}

static void test_linkage_refused(void **state)
{
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	dur_estimate_job *j;
	(void)state;
	params(&p);
	/* other lists */
	assert_null(run(table, "draw,A,C,count\n1,1,0,5\n1,1,1,2\n1,0,1,3\n", &p, &err));
	assert_non_null(strstr(err.msg, "'d.csv': its lists are not those of 't.csv'"));
	/* no draw column */
	err = (struct dur_error)DUR_ERROR_INIT;
	assert_null(run(table, "A,B,count\n1,0,5\n", &p, &err));
	assert_non_null(strstr(err.msg, "no column 'draw'"));
	/* a pattern twice in one draw */
	err = (struct dur_error)DUR_ERROR_INIT;
	assert_null(run(table, "draw,A,B,count\n1,1,0,5\n1,1,0,2\n", &p, &err));
	assert_non_null(strstr(err.msg, "'d.csv' line 3"));
	/* once the job has started, draws are refused */
	err = (struct dur_error)DUR_ERROR_INIT;
	j = dur_estimate_job_alloc(table, strlen(table), "t.csv", &p, &err);
	assert_non_null(j);
	(void)dur_estimate_job_iterate(j, &err);
	assert_int_equal(dur_estimate_job_add_draws(j, draws, strlen(draws), "d.csv", &err),
			 DUR_EINVAL);
	dur_estimate_job_free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linkage_hand),
		cmocka_unit_test(test_linkage_certain),
		cmocka_unit_test(test_linkage_shift),
		cmocka_unit_test(test_linkage_failed_draw),
		cmocka_unit_test(test_linkage_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
