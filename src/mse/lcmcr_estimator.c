/*
 * Bayesian latent-class multiple systems estimation (Manrique-Vallier
 * 2016; LCMCR; duress/lcmcr.h, docs/lcmcr.md) as an entry of the method
 * table: the posterior median of N is the estimate, the central quantiles
 * the credible interval; the chains' agreement (R-hat, effective sample
 * size) and the posterior of more than one latent class are reported.
 */
#include "mse/estimate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/lcmcr.h>

/* Sweeps per iterate(): a steady progress display, little overhead. */
#define LCMCR_CHUNK 5000

struct lcmcr {
	const struct dur_table *t;
	struct dur_estimate_params p;
	dur_lcmcr *s;
};

static dur_err l_init(void *state, const struct dur_table *t,
		      const struct dur_estimate_params *p, struct dur_error *err)
{
	struct lcmcr *s = state;
	struct dur_lcmcr_params lp = dur_lcmcr_default_params();

	s->t = t;
	s->p = *p;
	if (p->interval != DUR_INTERVAL_CREDIBLE && p->interval != DUR_INTERVAL_NONE)
		return dur_error_set(err, DUR_EINVAL, "the latent-class model gives a credible "
				     "interval (posterior quantiles), not a %s one",
				     dur_interval_name(p->interval));
	lp.level = p->level;
	lp.threads = p->threads;
	lp.seed = p->seed;
	s->s = dur_lcmcr_alloc(t, &lp, err);
	return s->s ? DUR_OK : (err && err->code ? err->code : DUR_ENOMEM);
}

static dur_err l_iterate(void *state, struct dur_error *err)
{
	struct lcmcr *s = state;
	return dur_lcmcr_iterate(s->s, LCMCR_CHUNK, err);
}

static double l_progress(const void *state)
{
	const struct lcmcr *s = state;
	return dur_lcmcr_progress(s->s, NULL, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The pooled draws as a histogram between their 0.05% and 99.95% points. */
static dur_err histogram(struct lcmcr *s, struct dur_estimate_result *r)
{
	const struct dur_lcmcr_params *lp = dur_lcmcr_params_of(s->s);
	size_t total = 0, n, k = 0;
	double *all, lo, hi, width;

	for (int c = 0; c < lp->chains; c++) {
		dur_lcmcr_draws(s->s, c, &n);
		total += n;
	}
	if (!total || !(all = malloc(total * sizeof(double))))
		return total ? DUR_ENOMEM : DUR_OK;
	for (int c = 0; c < lp->chains; c++) {
		const double *d = dur_lcmcr_draws(s->s, c, &n);
		memcpy(all + k, d, n * sizeof(double));
		k += n;
	}
	qsort(all, total, sizeof(double), cmp_double);
	lo = floor(all[(size_t)(0.0005 * (double)(total - 1))]);
	hi = ceil(all[(size_t)(0.9995 * (double)(total - 1))]) + 1;
	width = ceil((hi - lo) / DUR_HIST_BINS);
	if (width < 1)
		width = 1;
	if (!(r->hist = calloc(DUR_HIST_BINS, sizeof(double)))) {
		free(all);
		return DUR_ENOMEM;
	}
	r->nhist = DUR_HIST_BINS;
	r->hist_from = lo;
	r->hist_to = lo + width * DUR_HIST_BINS;
	for (size_t i = 0; i < total; i++)
		if (all[i] >= lo && all[i] < r->hist_to)
			r->hist[(size_t)((all[i] - lo) / width)] += 1.0 / (double)total;
	free(all);
	return DUR_OK;
}

static dur_err l_result(void *state, struct dur_estimate_result *r, struct dur_error *err)
{
	struct lcmcr *s = state;
	struct dur_lcmcr_result x;
	dur_err rc;

	if ((rc = dur_lcmcr_result(s->s, &x, err)))
		return rc;
	if (est_strdup(&r->method, "lcmcr") || est_strdup(&r->model, "lcmcr") ||
	    est_strdup(&r->summary, "people fall into latent groups that differ in how "
		       "catchable they are, lists independent within each group (Bayesian, "
		       "Dirichlet process mixture)") ||
	    est_cells_observed(s->t, r) || histogram(s, r))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	r->observed = x.observed;
	r->have_estimate = 1;
	r->estimate = x.median;
	r->unseen = x.median - x.observed;
	r->se = x.sd;
	r->interval.method = s->p.interval;
	r->interval.level = x.level;
	if (s->p.interval == DUR_INTERVAL_CREDIBLE) {
		r->interval.have = 1;
		r->interval.lower = x.lower;
		r->interval.upper = x.upper;
	}
	r->have_posterior = 1;
	r->posterior_mean = x.mean;
	r->chains = x.chains;
	r->rhat = x.rhat;
	r->ess = x.ess_bulk < x.ess_tail ? x.ess_bulk : x.ess_tail;
	if (x.warning[0])
		dur_strlist_addf(&r->warnings, "%s", x.warning);
	if (x.prob_multiclass_observed > 0.5)
		dur_strlist_addf(&r->warnings,
			"the latent-class model finds people in groups that differ in how "
			"catchable they are (posterior probability %.2f of more than one group among "
			"those seen): shared catchability, which pairwise log-linear models read as "
			"fewer people", x.prob_multiclass_observed);
	return DUR_OK;
}

static void l_release(void *state)
{
	struct lcmcr *s = state;
	dur_lcmcr_free(s->s);
}

const struct dur_estimator_type dur_estimator_lcmcr = {
	"lcmcr",
	"Bayesian latent-class model (Manrique-Vallier 2016; LCMCR)",
	sizeof(struct lcmcr),
	l_init, l_iterate, l_progress, l_result, l_release
};
