/*
 * Log-linear fits, selection and intervals against independently known
 * figures: the published UK analysis (issue 2, from SparseMSE and Rcapture
 * runs), Lincoln-Petersen by hand, and invariance properties.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include <duress/mse.h>
#include <duress/table.h>
#include "test_util.h"

static struct dur_table *load(const char *rel)
{
	size_t n = 0;
	char *buf = test_slurp(test_shared_path(rel), &n);
	struct dur_table_set *s = NULL;
	struct dur_table *t;
	struct dur_error e = DUR_ERROR_INIT;
	assert_non_null(buf);
	if (dur_table_read_csv(buf, n, rel, NULL, &s, &e) != DUR_OK)
		fail_msg("%s", e.msg);
	free(buf);
	t = s->total;
	s->total = NULL;
	dur_table_set_free(s);
	return t;
}

static void select_fit(const struct dur_table *t, int method, const char *terms,
		       struct dur_mse_selection *sel, dur_mse_work *w)
{
	struct dur_mse_select_params sp;
	struct dur_error e = DUR_ERROR_INIT;
	dur_mse_select_default_params(&sp, t->k);
	sp.method = method;
	if (terms && strcmp(terms, "all") == 0)
		dur_mse_model_all_pairs(&sp.fixed, t->k);
	else if (terms)
		assert_int_equal(dur_mse_model_parse(terms, t, &sp.fixed, &e), DUR_OK);
	if (dur_mse_select(w, t, &sp, sel, &e) != DUR_OK)
		fail_msg("%s", e.msg);
}

static void test_mse_pairs(void **state)
{
	int i, j, p = 0;
	(void)state;
	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b++, p++) {
			assert_int_equal(dur_mse_pair_index(6, a, b), p);
			dur_mse_pair_lists(6, p, &i, &j);
			assert_int_equal(i, a);
			assert_int_equal(j, b);
		}
	assert_int_equal(p, dur_mse_npairs(6));
}

/* Two lists, independence: unseen = n10 * n01 / n11 (Lincoln-Petersen). */
static void test_mse_lincoln_petersen(void **state)
{
	struct dur_table *t = dur_table_alloc(2);
	dur_mse_work *w = dur_mse_work_alloc(2, NULL);
	struct dur_mse_selection sel;
	(void)state;
	t->count[1] = 40;
	t->count[2] = 60;
	t->count[3] = 20;
	select_fit(t, DUR_MSE_FIXED, NULL, &sel, w);
	assert_rel_close(sel.fit->estimate, 240.0, 1e-10);
	assert_int_equal(sel.fit->df, 0);
	assert_true(sel.fit->deviance < 1e-9);
	/* var(log unseen) = 1/n10 + 1/n01 + 1/n11 for this saturated model */
	assert_rel_close(sel.fit->se_b0 * sel.fit->se_b0, 1.0 / 40 + 1.0 / 60 + 1.0 / 20, 1e-8);
	dur_mse_selection_release(&sel);
	dur_mse_work_free(w);
	dur_table_free(t);
}

static void test_mse_uk_main(void **state)
{
	struct dur_table *t;
	dur_mse_work *w;
	struct dur_mse_selection sel;
	double lo, hi;
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk.csv");
	w = dur_mse_work_alloc(t->k, NULL);
	select_fit(t, DUR_MSE_FIXED, NULL, &sel, w);
	assert_rel_close(sel.fit->estimate, 12213.9951246, 1e-6);
	assert_rel_close(sel.fit->deviance, 179.354849389, 1e-6);
	assert_int_equal(sel.fit->df, 56);
	assert_rel_close(sel.fit->aic, 305.019988991, 1e-6);
	dur_mse_interval_analytic(sel.fit, 0.95, &lo, &hi);
	assert_rel_close(lo, 10988.8001335, 1e-6);
	assert_rel_close(hi, 13621.2567203, 1e-6);
	{
		int open = 1;
		struct dur_error e = DUR_ERROR_INIT;
		assert_int_equal(dur_mse_interval_profile(w, t, sel.fit, &sel.model, 0.95, &lo, &hi,
							  &open, &e), DUR_OK);
		assert_rel_close(lo, 10983.8505274, 1e-4);
		assert_rel_close(hi, 13648.2126893, 1e-4);
		assert_false(open);
	}
	dur_mse_selection_release(&sel);
	dur_mse_work_free(w);
	dur_table_free(t);
}

static void test_mse_uk_stepwise(void **state)
{
	static const char *want[] = { "PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO" };
	struct dur_table *t;
	dur_mse_work *w;
	struct dur_mse_selection sel;
	double lo, hi;
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk.csv");
	w = dur_mse_work_alloc(t->k, NULL);
	select_fit(t, DUR_MSE_STEPWISE, NULL, &sel, w);
	assert_int_equal(sel.model.nterms, 7);
	for (int i = 0; i < 7; i++) {
		char nm[64];
		dur_mse_term_name(t, sel.model.term[i], nm, sizeof(nm));
		assert_string_equal(nm, want[i]);
	}
	assert_rel_close(sel.fit->estimate, 11417.9910915, 1e-6);
	assert_rel_close(sel.fit->deviance, 22.9939153742, 1e-6);
	assert_int_equal(sel.fit->df, 49);
	assert_rel_close(sel.fit->aic, 162.659054976, 1e-6);
	dur_mse_interval_analytic(sel.fit, 0.95, &lo, &hi);
	assert_rel_close(lo, 9977.28263976, 1e-6);
	assert_rel_close(hi, 13145.6565096, 1e-6);
	dur_mse_selection_release(&sel);
	dur_mse_work_free(w);
	dur_table_free(t);
}

static void test_mse_uk_all_pairs(void **state)
{
	struct dur_table *t;
	dur_mse_work *w;
	struct dur_mse_selection sel;
	char a[64], b[64];
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk.csv");
	w = dur_mse_work_alloc(t->k, NULL);
	select_fit(t, DUR_MSE_FIXED, "all", &sel, w);
	assert_int_equal(sel.fit->nempty, 2);
	dur_mse_term_name(t, sel.fit->empty[0], a, sizeof(a));
	dur_mse_term_name(t, sel.fit->empty[1], b, sizeof(b));
	assert_string_equal(a, "LA:GP");
	assert_string_equal(b, "LA:NCA");
	assert_rel_close(sel.fit->estimate, 10568.7067298, 1e-6);
	assert_rel_close(sel.fit->deviance, 13.2546694595, 1e-6);
	assert_int_equal(sel.fit->df, 19);
	assert_rel_close(sel.fit->aic, 168.919809062, 1e-6);
	dur_mse_selection_release(&sel);
	dur_mse_work_free(w);
	dur_table_free(t);
}

/* The jackknife acceleration uses no random numbers. */
static void test_mse_uk_bca_acceleration(void **state)
{
	struct dur_table *t;
	struct dur_mse_select_params sp;
	struct dur_mse_bca_info info;
	struct dur_error e = DUR_ERROR_INIT;
	dur_mse_boot *b;
	double lo, hi;
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk.csv");
	dur_mse_select_default_params(&sp, t->k);
	b = dur_mse_boot_alloc(t, &sp, NULL, 40, 7, 2, &e);
	assert_non_null(b);
	while (dur_mse_boot_iterate(b, 16, &e) == DUR_CONTINUE)
		;
	assert_int_equal(dur_mse_boot_done(b), 40);
	assert_int_equal(dur_mse_boot_interval(b, 11417.9910915, 0.95, &lo, &hi, &info, &e), DUR_OK);
	assert_rel_close(info.acceleration, -0.012871165, 1e-6);
	assert_true(lo < 11417.99 && hi > 11417.99);
	dur_mse_boot_free(b);
	dur_table_free(t);
}

/* Replicates do not depend on the number of threads or on chunking. */
static void test_mse_bootstrap_thread_invariance(void **state)
{
	struct dur_table *t = dur_table_alloc(3);
	struct dur_mse_select_params sp;
	struct dur_error e = DUR_ERROR_INIT;
	dur_mse_boot *b1, *b2;
	(void)state;
	t->count[1] = 31; t->count[2] = 17; t->count[3] = 6; t->count[4] = 44;
	t->count[5] = 9; t->count[6] = 4; t->count[7] = 2;
	dur_mse_select_default_params(&sp, 3);
	b1 = dur_mse_boot_alloc(t, &sp, NULL, 60, 12345, 1, &e);
	b2 = dur_mse_boot_alloc(t, &sp, NULL, 60, 12345, 3, &e);
	while (dur_mse_boot_iterate(b1, 60, &e) == DUR_CONTINUE)
		;
	while (dur_mse_boot_iterate(b2, 7, &e) == DUR_CONTINUE)
		;
	assert_memory_equal(dur_mse_boot_replicates(b1), dur_mse_boot_replicates(b2),
			    60 * sizeof(double));
	dur_mse_boot_free(b1);
	dur_mse_boot_free(b2);
	dur_table_free(t);
}

/* Reordering the lists changes no figure. */
static void test_mse_list_order_invariance(void **state)
{
	struct dur_table *t, *r;
	dur_mse_work *w;
	struct dur_mse_selection s1, s2;
	int perm[6] = { 5, 2, 0, 4, 1, 3 };
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk.csv");
	r = dur_table_alloc(6);
	for (int i = 0; i < 6; i++)
		dur_table_set_name(r, perm[i], t->names[i]);
	for (unsigned c = 1; c < t->ncells; c++) {
		unsigned d = 0;
		for (int i = 0; i < 6; i++)
			if (c & (1u << i))
				d |= 1u << perm[i];
		r->count[d] = t->count[c];
	}
	w = dur_mse_work_alloc(6, NULL);
	select_fit(t, DUR_MSE_FIXED, "PF:NCA,LA:NG,NG:GP", &s1, w);
	select_fit(r, DUR_MSE_FIXED, "PF:NCA,LA:NG,NG:GP", &s2, w);
	assert_rel_close(s2.fit->estimate, s1.fit->estimate, 1e-9);
	assert_rel_close(s2.fit->deviance, s1.fit->deviance, 1e-8);
	dur_mse_selection_release(&s1);
	dur_mse_selection_release(&s2);
	dur_mse_work_free(w);
	dur_table_free(r);
	dur_table_free(t);
}

/* A model without a finite MLE is never fitted. */
static void test_mse_no_mle(void **state)
{
	struct dur_table *t = dur_table_alloc(3);
	dur_mse_work *w = dur_mse_work_alloc(3, NULL);
	struct dur_mse_model m;
	struct dur_mse_fit *f = dur_mse_fit_alloc(3);
	struct dur_error e = DUR_ERROR_INIT;
	int exist;
	(void)state;
	/* all-pairs on three lists is saturated; with the triple cell empty the
	 * three-way structure forces an infinite parameter */
	t->count[1] = 10; t->count[2] = 12; t->count[4] = 9;
	t->count[3] = 3; t->count[5] = 4; t->count[6] = 5; t->count[7] = 0;
	dur_mse_model_all_pairs(&m, 3);
	assert_int_equal(dur_mse_check(w, t, &m, &exist, &e), DUR_OK);
	assert_int_equal(exist, DUR_MSE_INFINITE);
	assert_int_equal(dur_mse_fit_model(w, t, &m, f, &e), DUR_ENOMLE);
	assert_non_null(strstr(e.msg, "not finite"));
	/* with someone on all three lists it exists (df 0) */
	t->count[7] = 1;
	assert_int_equal(dur_mse_fit_model(w, t, &m, f, &e), DUR_OK);
	assert_int_equal(f->df, 0);
	dur_mse_fit_free(f);
	dur_mse_work_free(w);
	dur_table_free(t);
}

/* The exhaustive search covers every model: its best AIC is no worse than
 * the stepwise, main-effects and all-pairs models'; and threads change
 * nothing. */
static void test_mse_exhaustive_search(void **state)
{
	struct dur_table *t;
	dur_mse_work *w;
	struct dur_mse_select_params sp;
	struct dur_mse_selection a1, a2, st, mn, ap;
	struct dur_error e = DUR_ERROR_INIT;
	double wsum = 0;
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk_5.csv");
	w = dur_mse_work_alloc(t->k, NULL);
	dur_mse_select_default_params(&sp, t->k);
	sp.method = DUR_MSE_AIC;
	sp.threads = 1;
	assert_int_equal(dur_mse_select(w, t, &sp, &a1, &e), DUR_OK);
	sp.threads = 2;
	assert_int_equal(dur_mse_select(w, t, &sp, &a2, &e), DUR_OK);
	assert_int_equal(a1.nconsidered, 1024);
	assert_int_equal(a1.nranked, 11);
	assert_int_equal(a2.nranked, 11);
	for (size_t i = 0; i < a1.nranked; i++) {
		assert_true(a1.ranked[i].criterion == a2.ranked[i].criterion);
		assert_true(a1.ranked[i].estimate == a2.ranked[i].estimate);
		assert_memory_equal(&a1.ranked[i].model, &a2.ranked[i].model, sizeof(a1.ranked[i].model));
		if (i)
			assert_true(a1.ranked[i].criterion >= a1.ranked[i - 1].criterion);
		wsum += a1.ranked[i].weight;
	}
	assert_true(wsum > 0 && wsum <= 1 + 1e-12);
	select_fit(t, DUR_MSE_STEPWISE, NULL, &st, w);
	select_fit(t, DUR_MSE_FIXED, NULL, &mn, w);
	select_fit(t, DUR_MSE_FIXED, "all", &ap, w);
	assert_true(a1.fit->aic <= st.fit->aic + 1e-9);
	assert_true(a1.fit->aic <= mn.fit->aic + 1e-9);
	assert_true(a1.fit->aic <= ap.fit->aic + 1e-9);
	assert_rel_close(a1.fit->aic, a1.ranked[0].criterion, 1e-12);
	dur_mse_selection_release(&a1);
	dur_mse_selection_release(&a2);
	dur_mse_selection_release(&st);
	dur_mse_selection_release(&mn);
	dur_mse_selection_release(&ap);
	dur_mse_work_free(w);
	dur_table_free(t);
}

static void test_mse_quantile_type8(void **state)
{
	double x[5] = { 1, 2, 3, 4, 10 };
	(void)state;
	/* by hand: n p + (p + 1)/3 ; p = 0.5 -> 2.5 + 0.5 = 3 -> x3 = 3 */
	assert_rel_close(dur_quantile_type8(x, 5, 0.5), 3.0, 1e-12);
	/* p = 0.25 -> 1.25 + 0.41667 = 1.66667 -> x1 + 0.66667 (x2 - x1) */
	assert_rel_close(dur_quantile_type8(x, 5, 0.25), 1 + 2.0 / 3.0, 1e-12);
	/* p = 0.9 -> 4.5 + 0.63333 = 5.1333 -> beyond n: x5 */
	assert_rel_close(dur_quantile_type8(x, 5, 0.9), 10.0, 1e-12);
	assert_rel_close(dur_quantile_type8(x, 5, 0.01), 1.0, 1e-12);
}

static void test_mse_model_parse_errors(void **state)
{
	struct dur_table *t = dur_table_alloc(3);
	struct dur_mse_model m;
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	assert_int_equal(dur_mse_model_parse("L1:L3, L2:L3", t, &m, &e), DUR_OK);
	assert_int_equal(m.nterms, 2);
	assert_int_equal(dur_mse_model_parse("L1:L9", t, &m, &e), DUR_EINVAL);
	assert_non_null(strstr(e.msg, "no list 'L9'"));
	assert_int_equal(dur_mse_model_parse("L1-L2", t, &m, &e), DUR_EINVAL);
	assert_int_equal(dur_mse_model_parse("L1:L1", t, &m, &e), DUR_EINVAL);
	assert_int_equal(dur_mse_model_parse("L1:L2,L2:L1", t, &m, &e), DUR_EINVAL);
	assert_non_null(strstr(e.msg, "twice"));
	dur_table_free(t);
}

/*
 * The BCa acceleration from the influence function (used when a table has
 * more patterns than jackknife_exact_max) against the exact delete-one
 * jackknife, with the model held fixed so that only the linearisation
 * differs: they agree to first order, here within 1%.
 */
static void test_mse_acceleration_influence(void **state)
{
	struct dur_table *t;
	double a[2];
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/uk_5.csv");
	for (int exact = 0; exact < 2; exact++) {
		struct dur_mse_select_params sp;
		struct dur_mse_params par = dur_mse_default_params();
		struct dur_mse_bca_info info;
		struct dur_error e = DUR_ERROR_INIT;
		double lo, hi, theta;
		dur_mse_boot *b;
		dur_mse_work *w = dur_mse_work_alloc(t->k, &par);
		dur_mse_select_default_params(&sp, t->k);
		sp.method = DUR_MSE_FIXED;
		dur_mse_model_main(&sp.fixed, t->k);
		assert_int_equal(dur_mse_select_estimate(w, t, &sp, &theta, &e), DUR_OK);
		par.jackknife_exact_max = exact ? 1000000 : 0;
		b = dur_mse_boot_alloc(t, &sp, &par, 50, 11, 1, &e);
		assert_non_null(b);
		while (dur_mse_boot_iterate(b, 50, &e) == DUR_CONTINUE)
			;
		assert_int_equal(dur_mse_boot_interval(b, theta, 0.95, &lo, &hi, &info, &e), DUR_OK);
		assert_int_equal(info.acceleration_influence, !exact);
		a[exact] = info.acceleration;
		dur_mse_boot_free(b);
		dur_mse_work_free(w);
	}
	assert_true(a[1] != 0);
	assert_true(fabs(a[0] / a[1] - 1) < 0.01);
	dur_table_free(t);
}

/*
 * Two ways of taking the fit's sums over cells: row by row over the design,
 * and by subset-sum transforms over the 2^k patterns (used from
 * sums_min_lists lists on).  They are the same sums in another order, so
 * every fit agrees to rounding (1e-10), existence and identifiability are
 * decided alike, and stepwise selection adds the same terms in the same
 * order; with transforms it also starts each larger model from the last
 * fit, which moves the standard error only within the IRLS tolerance.
 * Tables: UK (6 lists) and an 11-list table made by hand (two pairs of
 * lists that overlap more than independence gives, an empty overlap,
 * zero cells).
 */
static struct dur_table *table_11(void)
{
	struct dur_table *t = dur_table_alloc(11);
	static const double p[11] = { .3, .2, .25, .15, .1, .35, .2, .12, .18, .22, .28 };
	assert_non_null(t);
	for (unsigned c = 1; c < t->ncells; c++) {
		double q = 20000;
		for (int i = 0; i < 11; i++)
			q *= (c >> i) & 1u ? p[i] : 1 - p[i];
		if ((c & 3u) == 3u)
			q *= 3;       /* lists 1 and 2 overlap three times more */
		if ((c & 0x30u) == 0x30u)
			q *= 2;       /* lists 5 and 6 twice */
		if ((c & 0x600u) == 0x600u)
			q = 0;        /* lists 10 and 11 share nobody */
		t->count[c] = floor(q + 0.5 * ((c * 2654435761u) % 1000) / 1000.0);
	}
	return t;
}

static void fits_agree(const struct dur_table *t, const struct dur_mse_model *m,
		       dur_mse_work *wr, dur_mse_work *ws)
{
	struct dur_mse_fit *fr = dur_mse_fit_alloc(t->k), *fs = dur_mse_fit_alloc(t->k);
	struct dur_error e1 = DUR_ERROR_INIT, e2 = DUR_ERROR_INIT;
	dur_err r1 = dur_mse_fit_model(wr, t, m, fr, &e1);
	dur_err r2 = dur_mse_fit_model(ws, t, m, fs, &e2);
	assert_int_equal(r1, r2);
	assert_int_equal(fr->exist, fs->exist);
	if (r1 == DUR_OK) {
		assert_true(fabs(fs->estimate / fr->estimate - 1) < 1e-10);
		assert_true(fabs(fs->deviance - fr->deviance) < 1e-8 * (1 + fr->deviance));
		assert_true(fabs(fs->se_b0 / fr->se_b0 - 1) < 1e-9);
		assert_int_equal(fs->df, fr->df);
		assert_int_equal(fs->nempty, fr->nempty);
		for (unsigned c = 1; c < t->ncells; c++)
			assert_true(fabs(fs->fitted[c] - fr->fitted[c]) <= 1e-9 * (1 + fr->fitted[c]));
	}
	dur_mse_fit_free(fr);
	dur_mse_fit_free(fs);
}

static void test_mse_sums_agree_with_rows(void **state)
{
	(void)state;
	for (int which = 0; which < 2; which++) {
		struct dur_table *t;
		struct dur_mse_params pr = dur_mse_default_params(), ps = pr;
		dur_mse_work *wr, *ws;
		struct dur_mse_model m;
		struct dur_mse_selection sr, ss;
		int np;
		if (which == 0 && !test_have_shared())
			continue;
		t = which == 0 ? load("mse/uk.csv") : table_11();
		np = dur_mse_npairs(t->k);
		pr.sums_min_lists = 99;
		ps.sums_min_lists = 2;
		wr = dur_mse_work_alloc(t->k, &pr);
		ws = dur_mse_work_alloc(t->k, &ps);
		assert_non_null(wr);
		assert_non_null(ws);
		dur_mse_model_main(&m, t->k);
		fits_agree(t, &m, wr, ws);
		for (int p = 0; p < np; p += 3) {        /* one pair at a time, then more */
			struct dur_mse_model one;
			dur_mse_model_main(&one, t->k);
			dur_mse_model_add(&one, p);
			fits_agree(t, &one, wr, ws);
			dur_mse_model_add(&m, p);
			fits_agree(t, &m, wr, ws);
		}
		dur_mse_model_all_pairs(&m, t->k);       /* 11 lists: no MLE */
		fits_agree(t, &m, wr, ws);
		select_fit(t, DUR_MSE_STEPWISE, NULL, &sr, wr);
		select_fit(t, DUR_MSE_STEPWISE, NULL, &ss, ws);
		assert_true(sr.nsteps >= (which == 0 ? 7 : 2));
		assert_int_equal(ss.nsteps, sr.nsteps);
		for (int i = 0; i < sr.nsteps; i++)
			assert_int_equal(ss.step[i].term, sr.step[i].term);
		assert_true(fabs(ss.fit->estimate / sr.fit->estimate - 1) < 1e-9);
		assert_true(fabs(ss.fit->se_b0 / sr.fit->se_b0 - 1) < 1e-5);
		dur_mse_selection_release(&sr);
		dur_mse_selection_release(&ss);
		dur_mse_work_free(wr);
		dur_mse_work_free(ws);
		dur_table_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mse_acceleration_influence),
		cmocka_unit_test(test_mse_pairs),
		cmocka_unit_test(test_mse_lincoln_petersen),
		cmocka_unit_test(test_mse_uk_main),
		cmocka_unit_test(test_mse_uk_stepwise),
		cmocka_unit_test(test_mse_uk_all_pairs),
		cmocka_unit_test(test_mse_uk_bca_acceleration),
		cmocka_unit_test(test_mse_bootstrap_thread_invariance),
		cmocka_unit_test(test_mse_list_order_invariance),
		cmocka_unit_test(test_mse_no_mle),
		cmocka_unit_test(test_mse_exhaustive_search),
		cmocka_unit_test(test_mse_quantile_type8),
		cmocka_unit_test(test_mse_model_parse_errors),
		cmocka_unit_test(test_mse_sums_agree_with_rows),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
