/*
 * Model selection: SparseMSE's stepwise rule and an exhaustive search by
 * AIC or BIC.  See docs/methods.md.
 */
#include "mse_internal.h"

#include <glpk.h>
#include <math.h>
#include <pthread.h>
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
	sp->threads = 1;
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

static int cmp_cand(const void *a, const void *b)
{
	const struct { double p; int term; } *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->term - y->term;
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

	double expct[DUR_MSE_MAX_PAIRS];
	int sums = mse_uses_sums(w);

	if (sums)
		mse_pair_sums(w, t->count, obs);
	for (int p = 0; !sums && p < np; p++) {
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
		/*
		 * Every candidate's p-value first, then the existence check in
		 * order of p-value (ties: the first pair): the first candidate
		 * below the threshold whose model has an MLE is the one SparseMSE's
		 * rule adds (it gives the others p = 1), so the result is the same
		 * as checking every candidate, with usually one linear programme
		 * per step instead of one per candidate.
		 */
		struct cand { double p; int term; } c[DUR_MSE_MAX_PAIRS];
		int nc = 0, chosen = -1;
		if (sums)
			mse_pair_sums(w, fit->fitted, expct);
		for (int p = 0; p < np; p++) {
			int i, j;
			unsigned both;
			double e = 0, pv;
			if (dur_mse_model_has(m, p))
				continue;
			dur_mse_pair_lists(k, p, &i, &j);
			both = (1u << i) | (1u << j);
			for (unsigned x = 1; !sums && x < t->ncells; x++)
				if ((x & both) == both)
					e += fit->fitted[x];
			if (sums)
				e = expct[p];
			pv = poisson_two_sided(obs[p], e);
			if (pv < pthresh) {
				c[nc].p = pv;
				c[nc].term = p;
				nc++;
			}
		}
		qsort(c, (size_t)nc, sizeof(c[0]), cmp_cand);
		for (int q = 0; q < nc && chosen < 0; q++) {
			struct dur_mse_model cand = *m;
			int exist;
			dur_mse_model_add(&cand, c[q].term);
			if ((rc = dur_mse_check(w, t, &cand, &exist, err)) != DUR_OK)
				return rc;
			if (exist == DUR_MSE_EXISTS)
				chosen = q;
		}
		if (chosen < 0)
			return DUR_OK;
		dur_mse_model_add(m, c[chosen].term);
		steps[*nsteps].term = c[chosen].term;
		steps[*nsteps].p = c[chosen].p;
		(*nsteps)++;
		/* with many lists, the larger model starts from the last fit
		 * (a few iterations instead of seven or more over 2^k cells) */
		if (sums)
			mse_start_from(w, fit->fitted);
		rc = dur_mse_fit_model(w, t, m, fit, err);
		if (rc != DUR_OK)
			return rc;
	}
}

/* Ranking order: criterion, then the model's place in the search, so that
 * ties come out the same whatever the number of threads. */
struct ranked_pos {
	struct dur_mse_ranked r;
	uint64_t g;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked_pos *x = a, *y = b;
	if (x->r.criterion != y->r.criterion)
		return x->r.criterion < y->r.criterion ? -1 : 1;
	return (x->g > y->g) - (x->g < y->g);
}

struct search_job {
	const struct dur_table *t;
	dur_mse_work *w;          /* NULL: allocate one (a thread of its own) */
	struct dur_mse_params par;
	int bic, top;
	uint64_t from, to;        /* Gray-code ranks [from, to) */
	double *crit;             /* shared array, each job its own range */
	struct ranked_pos *keep;  /* top entries, sorted */
	size_t nkeep, nnomle;
	int own_thread;
	dur_err rc;
	struct dur_error err;
};

static void *search_worker(void *arg)
{
	struct search_job *j = arg;
	int k = j->t->k, np = dur_mse_npairs(k);
	dur_mse_work *w = j->w ? j->w : dur_mse_work_alloc(k, &j->par);
	struct dur_mse_fit *fit = dur_mse_fit_alloc(k);

	j->rc = DUR_OK;
	if (!w || !fit) {
		j->rc = dur_error_set(&j->err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (uint64_t g = j->from; g < j->to; g++) {
		uint64_t set = g ^ (g >> 1);
		struct dur_mse_model m;
		struct dur_error e2 = DUR_ERROR_INIT;
		struct ranked_pos rp;
		dur_err rc;
		double c;

		dur_mse_model_main(&m, k);
		for (int p = 0; p < np; p++)
			if (set & (1ULL << p))
				m.term[m.nterms++] = (unsigned char)p;
		rc = dur_mse_fit_model(w, j->t, &m, fit, &e2);
		if (rc == DUR_ENOMLE) {
			j->nnomle++;
			j->crit[g] = INFINITY;
			continue;
		}
		if (rc != DUR_OK) {
			j->rc = rc;
			j->err = e2;
			goto out;
		}
		c = j->bic ? fit->bic : fit->aic;
		j->crit[g] = c;
		rp.g = g;
		rp.r.model = m;
		rp.r.criterion = c;
		rp.r.weight = 0;
		rp.r.estimate = fit->estimate;
		rp.r.deviance = fit->deviance;
		rp.r.df = fit->df;
		rp.r.nempty = fit->nempty;
		/* keep the `top` best so far (insertion into a short sorted list) */
		if (j->nkeep < (size_t)j->top || cmp_ranked(&rp, &j->keep[j->nkeep - 1]) < 0) {
			size_t pos;
			if (j->nkeep < (size_t)j->top)
				j->nkeep++;
			pos = j->nkeep - 1;
			while (pos > 0 && cmp_ranked(&rp, &j->keep[pos - 1]) < 0) {
				j->keep[pos] = j->keep[pos - 1];
				pos--;
			}
			j->keep[pos] = rp;
		}
	}
out:
	dur_mse_fit_free(fit);
	if (!j->w) {
		dur_mse_work_free(w);
		if (j->own_thread)
			glp_free_env();
	}
	return NULL;
}

/*
 * Every set of two-list terms (2^(k(k-1)/2) models; allowed up to 6 lists),
 * in Gray-code order so that neighbours differ by one term; split into
 * contiguous ranges, one per thread.
 */
static dur_err exhaustive(dur_mse_work *w, const struct dur_table *t, int bic, int top,
			  int threads, struct dur_mse_selection *out, struct dur_error *err)
{
	int k = t->k, np = dur_mse_npairs(k), nt;
	uint64_t nmodels = 1ULL << np;
	struct search_job job[16];
	pthread_t tid[16];
	struct ranked_pos *all = NULL;
	size_t nall = 0;
	double best = INFINITY, wsum = 0;
	double *crit = NULL;
	dur_err rc = DUR_OK;

	if (k > 6)
		return dur_error_set(err, DUR_EINVAL,
				     "the search over every model (by AIC or BIC) handles up to 6 lists; "
				     "this table has %d: use the stepwise model or name the terms", k);
	nt = threads < 1 ? 1 : threads > 16 ? 16 : threads;
	if ((uint64_t)nt > nmodels)
		nt = (int)nmodels;
	crit = malloc(nmodels * sizeof(double));
	all = calloc((size_t)nt * (size_t)top, sizeof(*all));
	if (!crit || !all) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	memset(job, 0, sizeof(job));
	for (int i = 0; i < nt; i++) {
		job[i].t = t;
		job[i].w = i == 0 ? w : NULL;
		job[i].par = dur_mse_default_params();
		job[i].bic = bic;
		job[i].top = top;
		job[i].from = nmodels * (uint64_t)i / (uint64_t)nt;
		job[i].to = nmodels * (uint64_t)(i + 1) / (uint64_t)nt;
		job[i].crit = crit;
		job[i].keep = all + (size_t)i * (size_t)top;
		job[i].own_thread = i > 0;
	}
	for (int i = 1; i < nt; i++)
		if (pthread_create(&tid[i], NULL, search_worker, &job[i]) != 0) {
			job[i].own_thread = 0;
			search_worker(&job[i]);
			tid[i] = 0;
		}
	search_worker(&job[0]);
	for (int i = 1; i < nt; i++)
		if (tid[i])
			pthread_join(tid[i], NULL);
	for (int i = 0; i < nt; i++) {
		if (job[i].rc != DUR_OK && rc == DUR_OK) {
			rc = job[i].rc;
			if (err)
				*err = job[i].err;
		}
		out->nnomle += job[i].nnomle;
		/* compact the kept entries to the front */
		memmove(all + nall, job[i].keep, job[i].nkeep * sizeof(*all));
		nall += job[i].nkeep;
	}
	out->nconsidered = nmodels;
	if (rc != DUR_OK)
		goto out;
	if (nall == 0) {
		rc = dur_error_set(err, DUR_ENOMLE,
				   "no model has an estimate: none of the %llu models has a "
				   "finite, identifiable maximum-likelihood estimate",
				   (unsigned long long)nmodels);
		goto out;
	}
	qsort(all, nall, sizeof(*all), cmp_ranked);
	if (nall > (size_t)top)
		nall = (size_t)top;
	best = all[0].r.criterion;
	for (uint64_t g = 0; g < nmodels; g++)
		if (isfinite(crit[g]))
			wsum += exp(-0.5 * (crit[g] - best));
	out->ranked = calloc(nall, sizeof(*out->ranked));
	if (!out->ranked) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nall; i++) {
		out->ranked[i] = all[i].r;
		out->ranked[i].weight = exp(-0.5 * (all[i].r.criterion - best)) / wsum;
	}
	out->nranked = nall;
	out->model = out->ranked[0].model;
out:
	free(crit);
	free(all);
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
				sp->threads, out, err);
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
