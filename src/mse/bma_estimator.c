/*
 * Bayesian model averaging over decomposable graphs (Madigan & York 1997;
 * dga's bma.cr; duress/bma.h, docs/bma.md) as an entry of the method
 * table: the posterior median is the estimate, the central quantiles the
 * credible interval, the top graphs the "candidates".
 */
#include "mse/estimate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/bma.h>

struct bma {
	const struct dur_table *t;
	struct dur_estimate_params p;
	dur_bma_work *w;
};

static dur_err b_init(void *state, const struct dur_table *t,
		      const struct dur_estimate_params *p, struct dur_error *err)
{
	struct bma *s = state;
	struct dur_bma_params bp = dur_bma_default_params();

	s->t = t;
	s->p = *p;
	if (p->interval != DUR_INTERVAL_CREDIBLE && p->interval != DUR_INTERVAL_NONE)
		return dur_error_set(err, DUR_EINVAL, "model averaging gives a credible interval "
				     "(posterior quantiles), not a %s one",
				     dur_interval_name(p->interval));
	bp.level = p->level;
	bp.threads = p->threads;
	return dur_bma_alloc(t, &bp, &s->w, err);
}

static dur_err b_iterate(void *state, struct dur_error *err)
{
	struct bma *s = state;
	return dur_bma_iterate(s->w, err);
}

static double b_progress(const void *state)
{
	const struct bma *s = state;
	return dur_bma_progress(s->w);
}

dur_err est_posterior_grid(struct dur_estimate_result *r, double first_n, const double *p,
			   size_t n)
{
	double cum = 0, lo = first_n, hi = first_n + (double)n, width;
	size_t i;
	int have_lo = 0;

	for (i = 0; i < n; i++) {
		cum += p[i];
		if (!have_lo && cum >= 0.0005) {
			lo = first_n + (double)i;
			have_lo = 1;
		}
		if (cum >= 0.9995) {
			hi = first_n + (double)i + 1;
			break;
		}
	}
	if (hi <= lo)
		hi = lo + 1;
	/* whole people per bin at least */
	width = ceil((hi - lo) / DUR_HIST_BINS);
	if (width < 1)
		width = 1;
	if (!(r->hist = calloc(DUR_HIST_BINS, sizeof(double))))
		return DUR_ENOMEM;
	r->nhist = DUR_HIST_BINS;
	r->hist_from = lo;
	r->hist_to = lo + width * DUR_HIST_BINS;
	for (i = 0; i < n; i++) {
		double N = first_n + (double)i;
		if (N >= lo && N < r->hist_to)
			r->hist[(size_t)((N - lo) / width)] += p[i];
	}
	return DUR_OK;
}

static dur_err b_result(void *state, struct dur_estimate_result *r, struct dur_error *err)
{
	struct bma *s = state;
	struct dur_bma_result b = DUR_BMA_RESULT_INIT;
	dur_err rc;

	if ((rc = dur_bma_result_get(s->w, &b, err)))
		return rc;
	if (est_strdup(&r->method, "bma") || est_strdup(&r->model, "bma") ||
	    est_strdup(&r->summary, "Bayesian average over every decomposable graphical model "
		       "(lists may depend on each other in any such pattern); every person "
		       "equally catchable within the model") ||
	    est_cells_observed(s->t, r))
		goto nomem;
	r->observed = b.observed;
	r->have_estimate = 1;
	r->estimate = b.median;
	r->unseen = b.median - b.observed;
	r->interval.method = s->p.interval;
	r->interval.level = b.level;
	if (s->p.interval == DUR_INTERVAL_CREDIBLE) {
		r->interval.have = 1;
		r->interval.lower = b.lower;
		r->interval.upper = b.upper;
	}
	r->have_posterior = 1;
	r->posterior_mean = b.mean;
	r->nmodels_averaged = (size_t)b.ngraphs;
	if (est_posterior_grid(r, b.observed + 1, b.post, b.ngrid))
		goto nomem;
	snprintf(r->criterion, sizeof(r->criterion), "posterior");
	if (b.ntop) {
		if (!(r->candidates = calloc(b.ntop, sizeof(*r->candidates))))
			goto nomem;
		for (size_t i = 0; i < b.ntop; i++) {
			struct dur_estimate_candidate *c = &r->candidates[i];
			r->ncandidates++;
			c->nterms = (size_t)b.top[i].nclique;
			if (!(c->terms = calloc(c->nterms + 1, sizeof(char *))))
				goto nomem;
			for (int q = 0; q < b.top[i].nclique; q++) {
				char name[512] = "";
				size_t used = 0;
				for (int l = 0; l < s->t->k; l++)
					if ((b.top[i].clique[q] >> l) & 1u)
						used += (size_t)snprintf(name + used, sizeof(name) - used,
									 "%s%s", used ? "," : "",
									 s->t->names[l]);
				if (est_strdup(&c->terms[q], name))
					goto nomem;
			}
			c->criterion = NAN;
			c->weight = b.top[i].prob;
			c->estimate = c->deviance = NAN;
		}
	}
	if (b.warning)
		dur_strlist_addf(&r->warnings, "%s", b.warning);
	dur_bma_result_release(&b);
	return DUR_OK;
nomem:
	dur_bma_result_release(&b);
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static void b_release(void *state)
{
	struct bma *s = state;
	dur_bma_free(s->w);
}

const struct dur_estimator_type dur_estimator_bma = {
	"bma",
	"Bayesian model averaging over decomposable graphs (Madigan & York 1997; dga)",
	sizeof(struct bma),
	b_init, b_iterate, b_progress, b_result, b_release
};
