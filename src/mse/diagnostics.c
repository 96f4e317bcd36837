/*
 * Diagnostics of an estimate that need no method of their own: shared
 * catchability, from the table's own marks (see struct
 * dur_estimate_catchability in include/duress/estimate.h).
 */
#include "mse/estimate_internal.h"

#include <math.h>
#include <pthread.h>
#include <glpk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <duress/closed.h>
#include <duress/report.h>

/* Thresholds of the warning, calibrated by bench/bench_honesty. */
#define CATCH_P 0.05
#define CATCH_PAIRS_SHARE 0.5

/*
 * The models it needs, fitted at once on up to `threads` threads (with 15
 * lists each fit is a second or more): Mt, then Mth Poisson, Chao,
 * Darroch and Gamma.
 */
enum { CATCH_MT, CATCH_POISSON, CATCH_CHAO, CATCH_DARROCH, CATCH_GAMMA, CATCH_NFIT };

struct catch_fits {
	const struct dur_table *t;
	struct dur_closed_params cp;
	struct dur_closed_fit fit[CATCH_NFIT];
	dur_err rc[CATCH_NFIT];
	struct dur_error err[CATCH_NFIT];
	int next;
	pthread_mutex_t lock;
};

static void *catch_worker(void *arg)
{
	static const enum dur_closed_model model[CATCH_NFIT] = { DUR_CLOSED_MT,
		DUR_CLOSED_MTH_POISSON, DUR_CLOSED_MTH_CHAO, DUR_CLOSED_MTH_DARROCH,
		DUR_CLOSED_MTH_GAMMA };
	struct catch_fits *cf = arg;
	for (;;) {
		int i;
		pthread_mutex_lock(&cf->lock);
		i = cf->next++;
		pthread_mutex_unlock(&cf->lock);
		if (i >= CATCH_NFIT)
			return NULL;
		cf->rc[i] = dur_closed_fit_model(cf->t, model[i], &cf->cp, &cf->fit[i], &cf->err[i]);
	}
}

/* A thread of its own: GLPK keeps an environment per thread (the recession
 * programmes of the closed models), freed before the thread ends. */
static void *catch_thread(void *arg)
{
	catch_worker(arg);
	glp_free_env();
	return NULL;
}

dur_err est_catchability(const struct dur_table *t, int threads,
			 struct dur_estimate_catchability *c,
			 struct dur_strlist *warnings, struct dur_error *err)
{
	struct catch_fits cf;
	pthread_t tid[CATCH_NFIT];
	int nt = 0;
	struct dur_closed_fit *mt, *mp;
	dur_err rc = DUR_OK;

	memset(c, 0, sizeof(*c));
	c->low = c->high = c->p = c->statistic = c->tau = NAN;
	if (t->k < 3) {
		return est_strdup(&c->reason, "it needs three lists or more")
		       ? dur_error_set(err, DUR_ENOMEM, "out of memory") : DUR_OK;
	}
	memset(&cf, 0, sizeof(cf));
	cf.t = t;
	cf.cp = dur_closed_default_params();
	for (int i = 0; i < CATCH_NFIT; i++) {
		struct dur_closed_fit init = DUR_CLOSED_FIT_INIT;
		cf.fit[i] = init;
	}
	pthread_mutex_init(&cf.lock, NULL);
	if (threads > CATCH_NFIT)
		threads = CATCH_NFIT;
	for (int i = 1; i < threads; i++)
		if (pthread_create(&tid[nt], NULL, catch_thread, &cf) == 0)
			nt++;
	catch_worker(&cf);
	for (int i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&cf.lock);
	mt = &cf.fit[CATCH_MT];
	mp = &cf.fit[CATCH_POISSON];
	for (int i = CATCH_MT; i <= CATCH_POISSON; i++)
		if (cf.rc[i] != DUR_OK) {
			rc = cf.rc[i];
			if (err)
				*err = cf.err[i];
			goto out;
		}
	if (!mt->have_fit || !mp->have_fit || !mt->fitted) {
		rc = est_strdup(&c->reason, "the models it compares could not be fitted")
		     ? dur_error_set(err, DUR_ENOMEM, "out of memory") : DUR_OK;
		goto out;
	}
	c->tested = 1;
	c->statistic = mt->deviance - mp->deviance;
	if (c->statistic < 0)
		c->statistic = 0;
	c->p = gsl_cdf_chisq_Q(c->statistic, 1);
	c->tau = mp->tau;
	/* every pair's overlap against what Mt (lists independent) expects */
	for (int i = 0; i < t->k; i++)
		for (int j = i + 1; j < t->k; j++) {
			unsigned both = (1u << i) | (1u << j);
			double o = 0, e = 0;
			for (unsigned x = 1; x < t->ncells; x++)
				if ((x & both) == both) {
					o += t->count[x];
					e += mt->fitted[x];
				}
			c->pairs++;
			c->pairs_over += o > e;
		}
	c->warn = c->p < CATCH_P && c->tau > 0 && c->pairs_over >= CATCH_PAIRS_SHARE * c->pairs;
	for (int i = CATCH_POISSON; i < CATCH_NFIT; i++) {
		const struct dur_closed_fit *f = &cf.fit[i];
		if (cf.rc[i] == DUR_OK && f->ok) {
			if (isnan(c->low) || f->estimate < c->low)
				c->low = f->estimate;
			if (isnan(c->high) || f->estimate > c->high)
				c->high = f->estimate;
		}
	}
	if (c->warn && warnings) {
		char lo[32], hi[32], range[160] = "";
		if (!isnan(c->low)) {
			dur_words_about(c->low, lo, sizeof(lo));
			dur_words_about(c->high, hi, sizeof(hi));
			snprintf(range, sizeof(range), "; the models that allow for it give %s%s%s",
				 lo, strcmp(lo, hi) ? " to " : "", strcmp(lo, hi) ? hi : "");
		}
		dur_strlist_addf(warnings,
			"the lists seem to share catchability: people found by one list are found "
			"by the others more often than chance (a test of Mth against Mt gives "
			"p = %.2g, and %d of %d pairs of lists overlap more than independent lists "
			"would). Log-linear models then estimate too few people, with intervals "
			"too narrow%s (compare every method side by side)", c->p, c->pairs_over,
			c->pairs, range);
	}
out:
	for (int i = 0; i < CATCH_NFIT; i++)
		dur_closed_fit_release(&cf.fit[i]);
	return rc;
}
