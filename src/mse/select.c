/*
 * Model selection: SparseMSE's stepwise rule and an exhaustive search by
 * AIC or BIC.  See docs/methods.md.
 */
#include "mse_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

void dur_mse_select_default_params(struct dur_mse_select_params *sp, int k)
{
	memset(sp, 0, sizeof(*sp));
	sp->method = DUR_MSE_STEPWISE;
	dur_mse_model_main(&sp->fixed, k);
	sp->pthresh = 0.02;
	sp->top = 11;
}

void dur_mse_selection_release(struct dur_mse_selection *s)
{
	dur_mse_fit_free(s->fit);
	free(s->ranked);
	memset(s, 0, sizeof(*s));
}

/*
 * p = min(P(X <= o), P(X >= o)) for X ~ Poisson(e): how surprising the
 * observed overlap o is under the current fit.
 */
static double poisson_two_sided(double o, double e)
{
	double lo, hi;
	if (e <= 0)
		return o == 0 ? 1 : 0;
	lo = gsl_cdf_poisson_P((unsigned)o, e);
	hi = o >= 1 ? gsl_cdf_poisson_Q((unsigned)o - 1, e) : 1;
	return lo < hi ? lo : hi;
}

/*
 * The stepwise rule of SparseMSE: from main effects, add the two-list term
 * whose observed overlap is least compatible with the current fit while
 * its p-value is below pthresh.  Candidates whose model would have no
 * finite identifiable MLE get p = 1.  Ties go to the first pair.
 */
static dur_err stepwise(dur_mse_work *w, const struct dur_table *t, double pthresh,
			struct dur_mse_model *m, struct dur_mse_fit *fit,
			struct dur_mse_step *steps, int *nsteps, struct dur_error *err)
{
	int k = t->k, np = dur_mse_npairs(k);
	double obs[DUR_MSE_MAX_PAIRS];
	dur_err rc;

	for (int p = 0; p < np; p++) {
		int i, j;
		unsigned both;
		obs[p] = 0;
		dur_mse_pair_lists(k, p, &i, &j);
		both = (1u << i) | (1u << j);
		for (unsigned c = 1; c < t->ncells; c++)
			if ((c & both) == both)
				obs[p] += t->count[c];
	}
	dur_mse_model_main(m, k);
	*nsteps = 0;
	rc = dur_mse_fit_model(w, t, m, fit, err);
	if (rc != DUR_OK)
		return rc;
	for (;;) {
		int best = -1;
		double bestp = 2;
		for (int p = 0; p < np; p++) {
			int i, j, exist;
			unsigned both;
			double e = 0, pv;
			struct dur_mse_model cand;

			if (dur_mse_model_has(m, p))
				continue;
			dur_mse_pair_lists(k, p, &i, &j);
			both = (1u << i) | (1u << j);
			for (unsigned c = 1; c < t->ncells; c++)
				if ((c & both) == both)
					e += fit->fitted[c];
			pv = poisson_two_sided(obs[p], e);
			if (pv < bestp && pv < pthresh) {
				cand = *m;
				dur_mse_model_add(&cand, p);
				rc = dur_mse_check(w, t, &cand, &exist, err);
				if (rc != DUR_OK)
					return rc;
				if (exist != DUR_MSE_EXISTS)
					pv = 1;
			}
			if (pv < bestp) {
				bestp = pv;
				best = p;
			}
		}
		if (best < 0 || !(bestp < pthresh))
			return DUR_OK;
		dur_mse_model_add(m, best);
		steps[*nsteps].term = best;
		steps[*nsteps].p = bestp;
		(*nsteps)++;
		rc = dur_mse_fit_model(w, t, m, fit, err);
		if (rc != DUR_OK)
			return rc;
	}
}

static int cmp_ranked(const void *a, const void *b)
{
	const struct dur_mse_ranked *x = a, *y = b;
	return (x->criterion > y->criterion) - (x->criterion < y->criterion);
}

/*
 * Every set of two-list terms (2^(k(k-1)/2) models; allowed up to 6 lists).
 * Models are visited in Gray-code order so that neighbours differ by one
 * term, which keeps the existence cache warm.
 */
static dur_err exhaustive(dur_mse_work *w, const struct dur_table *t, int bic, int top,
			  struct dur_mse_selection *out, struct dur_error *err)
{
	int k = t->k, np = dur_mse_npairs(k);
	uint64_t nmodels = 1ULL << np;
	struct dur_mse_fit *fit = dur_mse_fit_alloc(k);
	struct dur_mse_ranked *keep = NULL;
	size_t nkeep = 0;
	double best = INFINITY, wsum = 0;
	double *crit = NULL;
	dur_err rc = DUR_OK;

	if (k > 6) {
		dur_mse_fit_free(fit);
		return dur_error_set(err, DUR_EINVAL,
				     "the exhaustive search (--select aic|bic) handles up to 6 lists; "
				     "this table has %d: use --model stepwise or name the terms", k);
	}
	crit = malloc(nmodels * sizeof(double));
	keep = calloc((size_t)top + 1, sizeof(*keep));
	if (!fit || !crit || !keep) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (uint64_t g = 0; g < nmodels; g++) {
		uint64_t set = g ^ (g >> 1);
		struct dur_mse_model m;
		struct dur_error e2 = DUR_ERROR_INIT;
		double c;

		dur_mse_model_main(&m, k);
		for (int p = 0; p < np; p++)
			if (set & (1ULL << p))
				m.term[m.nterms++] = (unsigned char)p;
		out->nconsidered++;
		rc = dur_mse_fit_model(w, t, &m, fit, &e2);
		if (rc == DUR_ENOMLE) {
			out->nnomle++;
			crit[g] = INFINITY;
			rc = DUR_OK;
			continue;
		}
		if (rc != DUR_OK) {
			*err = e2;
			goto out;
		}
		c = bic ? fit->bic : fit->aic;
		crit[g] = c;
		if (c < best)
			best = c;
		/* keep the `top` best seen so far (insertion into a short list) */
		if (nkeep < (size_t)top || c < keep[nkeep - 1].criterion) {
			struct dur_mse_ranked r;
			size_t pos;
			r.model = m;
			r.criterion = c;
			r.weight = 0;
			r.estimate = fit->estimate;
			r.deviance = fit->deviance;
			r.df = fit->df;
			r.nempty = fit->nempty;
			if (nkeep < (size_t)top)
				nkeep++;
			pos = nkeep - 1;
			while (pos > 0 && keep[pos - 1].criterion > c) {
				keep[pos] = keep[pos - 1];
				pos--;
			}
			keep[pos] = r;
		}
	}
	if (nkeep == 0) {
		rc = dur_error_set(err, DUR_ENOMLE,
				   "no model has an estimate: none of the %llu models has a "
				   "finite, identifiable maximum-likelihood estimate",
				   (unsigned long long)nmodels);
		goto out;
	}
	for (uint64_t g = 0; g < nmodels; g++)
		if (isfinite(crit[g]))
			wsum += exp(-0.5 * (crit[g] - best));
	for (size_t i = 0; i < nkeep; i++)
		keep[i].weight = exp(-0.5 * (keep[i].criterion - best)) / wsum;
	qsort(keep, nkeep, sizeof(*keep), cmp_ranked);
	out->ranked = keep;
	out->nranked = nkeep;
	keep = NULL;
	out->model = out->ranked[0].model;
out:
	free(crit);
	free(keep);
	dur_mse_fit_free(fit);
	return rc;
}

dur_err dur_mse_select(dur_mse_work *w, const struct dur_table *t,
		       const struct dur_mse_select_params *sp,
		       struct dur_mse_selection *out, struct dur_error *err)
{
	dur_err rc;

	memset(out, 0, sizeof(*out));
	out->fit = dur_mse_fit_alloc(t->k);
	if (!out->fit)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	switch (sp->method) {
	case DUR_MSE_FIXED:
		out->model = sp->fixed;
		out->nconsidered = 1;
		return dur_mse_fit_model(w, t, &out->model, out->fit, err);
	case DUR_MSE_STEPWISE:
		rc = stepwise(w, t, sp->pthresh, &out->model, out->fit, out->step,
			      &out->nsteps, err);
		out->nconsidered = (size_t)out->nsteps + 1;
		return rc;
	case DUR_MSE_AIC:
	case DUR_MSE_BIC:
		rc = exhaustive(w, t, sp->method == DUR_MSE_BIC, sp->top > 0 ? sp->top : 11,
				out, err);
		if (rc != DUR_OK)
			return rc;
		return dur_mse_fit_model(w, t, &out->model, out->fit, err);
	}
	return dur_error_set(err, DUR_EINVAL, "unknown selection method %d", sp->method);
}

dur_err dur_mse_select_estimate(dur_mse_work *w, const struct dur_table *t,
				const struct dur_mse_select_params *sp, double *estimate,
				struct dur_error *err)
{
	struct dur_mse_selection s;
	dur_err rc = dur_mse_select(w, t, sp, &s, err);
	if (rc == DUR_OK)
		*estimate = s.fit->estimate;
	dur_mse_selection_release(&s);
	return rc;
}
