/*
 * The log-linear estimator of the method table: model choice (stepwise,
 * a given model, or every model by AIC/BIC), the fit, and its interval
 * (analytic, profile likelihood, or the BCa bootstrap over the whole
 * selection).  Formulas: docs/methods.md.
 */
#include "mse/estimate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replicates per iterate(): small enough for a steady progress display,
 * large enough that the thread start-up is negligible. */
#define BOOT_CHUNK 25

struct loglinear {
	const struct dur_table *t;
	struct dur_estimate_params p;
	struct dur_mse_params mp;
	struct dur_mse_select_params sp;
	dur_mse_work *w;
	struct dur_mse_selection sel;
	int selected, have;
	char reason[DUR_ERROR_MSG_MAX];
	dur_mse_boot *boot;
};

static dur_err ll_init(void *state, const struct dur_table *t,
		       const struct dur_estimate_params *p, struct dur_error *err)
{
	struct loglinear *s = state;
	dur_err rc;

	s->t = t;
	s->p = *p;
	s->mp = dur_mse_default_params();
	if (p->interval == DUR_INTERVAL_CREDIBLE)
		return dur_error_set(err, DUR_EINVAL, "a credible interval needs a Bayesian method; "
				     "the log-linear model gives an analytic, profile or bootstrap "
				     "interval");
	s->w = dur_mse_work_alloc(t->k, &s->mp);
	if (!s->w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	dur_mse_select_default_params(&s->sp, t->k);
	s->sp.pthresh = p->pthresh;
	s->sp.threads = p->threads;
	if (p->select) {
		s->sp.method = strcmp(p->select, "bic") == 0 ? DUR_MSE_BIC : DUR_MSE_AIC;
	} else if (!p->model || strcmp(p->model, "stepwise") == 0) {
		s->sp.method = DUR_MSE_STEPWISE;
	} else {
		s->sp.method = DUR_MSE_FIXED;
		if (strcmp(p->model, "main") == 0)
			dur_mse_model_main(&s->sp.fixed, t->k);
		else if (strcmp(p->model, "all-pairs") == 0)
			dur_mse_model_all_pairs(&s->sp.fixed, t->k);
		else if ((rc = dur_mse_model_parse(p->model, t, &s->sp.fixed, err)) != DUR_OK)
			return rc;
	}
	return DUR_OK;
}

static dur_err ll_iterate(void *state, struct dur_error *err)
{
	struct loglinear *s = state;
	dur_err rc;

	if (!s->selected) {
		struct dur_error e2 = DUR_ERROR_INIT;
		s->selected = 1;
		rc = dur_mse_select(s->w, s->t, &s->sp, &s->sel, &e2);
		if (rc == DUR_ENOMLE) {
			/* not a failure of the run: the answer is "no estimate, because" */
			snprintf(s->reason, sizeof(s->reason), "%s", e2.msg);
			return DUR_OK;
		}
		if (rc != DUR_OK) {
			if (err)
				*err = e2;
			return rc;
		}
		s->have = 1;
		if (s->p.interval == DUR_INTERVAL_BCA) {
			s->boot = dur_mse_boot_alloc(s->t, &s->sp, &s->mp, s->p.bootstrap, s->p.seed,
						     s->p.threads, err);
			if (!s->boot)
				return DUR_ENOMEM;
			return DUR_CONTINUE;
		}
		return DUR_OK;
	}
	if (!s->boot)
		return DUR_OK;
	return dur_mse_boot_iterate(s->boot, BOOT_CHUNK, err);
}

static double ll_progress(const void *state)
{
	const struct loglinear *s = state;
	if (!s->selected)
		return 0;
	if (!s->boot)
		return 1;
	return (double)dur_mse_boot_done(s->boot) / (double)s->p.bootstrap;
}

static dur_err terms_copy(const struct dur_table *t, const unsigned char *term, int n,
			  char ***out, size_t *nout)
{
	char **a = calloc((size_t)n + 1, sizeof(*a));
	if (!a)
		return DUR_ENOMEM;
	for (int i = 0; i < n; i++) {
		char buf[512];
		dur_mse_term_name(t, term[i], buf, sizeof(buf));
		if (!(a[i] = strdup(buf))) {
			for (int j = 0; j < i; j++)
				free(a[j]);
			free(a);
			return DUR_ENOMEM;
		}
	}
	*out = a;
	*nout = (size_t)n;
	return DUR_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The Monte Carlo standard error of a bootstrap bound: the bound is the
 * order statistic at position alpha * n, which itself varies by about
 * sqrt(n alpha (1 - alpha)) places from one set of replicates to another,
 * so half the spread of the replicates that many places either side of it
 * estimates how much the bound moves with the seed.
 */
static double bound_mcse(const double *sorted, size_t n, double alpha)
{
	double pos = alpha * (double)n, sd = sqrt((double)n * alpha * (1 - alpha));
	long lo = (long)floor(pos - sd), hi = (long)ceil(pos + sd);
	if (lo < 0)
		lo = 0;
	if (hi > (long)n - 1)
		hi = (long)n - 1;
	return hi > lo ? 0.5 * (sorted[hi] - sorted[lo]) : 0;
}

/*
 * A BCa bound far in a tail rests on a few replicates and moves from seed
 * to seed.  Say so only when it moves materially - its Monte Carlo error
 * over 15% of the interval's width, or fewer than two replicates beyond it -
 * with how many replicates would bring
 * that down (the error falls as one over the square root of their
 * number), and never a number nobody could run: past 100,000 the
 * profile-likelihood interval is the better advice.  Calibrated in
 * bench/bench_honesty (at most about 10% of tables from independent lists).
 */
#define BCA_MCSE_SHARE 0.15
#define BCA_FEW 2
static void bca_tail_warning(struct dur_estimate_result *r, const struct dur_mse_bca_info *info,
			     const double *rep, size_t B, double lo, double hi)
{
	double *s = malloc((B ? B : 1) * sizeof(double)), se[2], worst, need, width = hi - lo;
	size_t n = 0;
	int lower;

	if (!s || !(width > 0)) {
		free(s);
		return;
	}
	for (size_t i = 0; i < B; i++)
		if (isfinite(rep[i]))
			s[n++] = rep[i];
	qsort(s, n, sizeof(double), cmp_double);
	se[0] = bound_mcse(s, n, info->alpha_lower);
	se[1] = bound_mcse(s, n, info->alpha_upper);
	free(s);
	lower = se[0] >= se[1];
	worst = se[lower ? 0 : 1] / width;
	{
		/* a bound beyond all but a couple of replicates is unstable however
		 * close they happen to lie */
		double nlo = info->alpha_lower * (double)n, nhi = (1 - info->alpha_upper) * (double)n;
		if ((nlo < nhi ? nlo : nhi) < BCA_FEW) {
			int l = nlo < nhi;
			double few = l ? nlo : nhi, tail = l ? info->alpha_lower : 1 - info->alpha_upper;
			need = ceil(BCA_FEW * 4 / tail / 1000) * 1000;
			if (need <= 1e5)
				dur_strlist_addf(&r->warnings,
					"the %s end of the interval is set by the %s %.0f of %zu "
					"bootstrap estimates, so it changes from seed to seed; for a "
					"steadier figure use %.0f or more bootstrap replicates",
					l ? "lower" : "upper", l ? "lowest" : "highest", ceil(few), n,
					need);
			else
				dur_strlist_addf(&r->warnings,
					"the %s end of the interval is set by the %s %.0f of %zu "
					"bootstrap estimates, so it changes from seed to seed, and "
					"steadying it would take more replicates than is practical; the "
					"profile-likelihood interval is the better guide here",
					l ? "lower" : "upper", l ? "lowest" : "highest", ceil(few), n);
			return;
		}
	}
	if (worst <= BCA_MCSE_SHARE)
		return;
	need = ceil((double)B * (worst / BCA_MCSE_SHARE) * (worst / BCA_MCSE_SHARE) / 1000) * 1000;
	if (need <= 1e5)
		dur_strlist_addf(&r->warnings,
			"the %s end of the interval changes from seed to seed by about %.0f (its "
			"Monte Carlo error with %zu bootstrap replicates); for a steadier figure use "
			"%.0f or more bootstrap replicates", lower ? "lower" : "upper", se[lower ? 0 : 1],
			B, need);
	else
		dur_strlist_addf(&r->warnings,
			"the %s end of the interval changes from seed to seed by about %.0f (its "
			"Monte Carlo error with %zu bootstrap replicates), and steadying it would take "
			"more replicates than is practical; the profile-likelihood interval is the "
			"better guide here", lower ? "lower" : "upper", se[lower ? 0 : 1], B);
}

static dur_err ll_interval(struct loglinear *s, struct dur_estimate_result *r,
			   struct dur_error *err)
{
	const struct dur_mse_fit *f = s->sel.fit;
	struct dur_estimate_interval *iv = &r->interval;
	struct dur_error e2 = DUR_ERROR_INIT;
	struct dur_mse_bca_info info;
	double lo = NAN, hi = NAN;
	int open = 0;
	dur_err rc = DUR_OK;

	iv->method = s->p.interval;
	iv->level = s->p.level;
	switch (s->p.interval) {
	case DUR_INTERVAL_NONE:
		return DUR_OK;
	case DUR_INTERVAL_ANALYTIC:
		dur_mse_interval_analytic(f, s->p.level, &lo, &hi);
		break;
	case DUR_INTERVAL_PROFILE:
		rc = dur_mse_interval_profile(s->w, s->t, f, &s->sel.model, s->p.level, &lo, &hi,
					      &open, &e2);
		break;
	case DUR_INTERVAL_BCA:
		iv->replicates = s->p.bootstrap;
		iv->seed = s->p.seed;
		rc = dur_mse_boot_interval(s->boot, f->estimate, s->p.level, &lo, &hi, &info, &e2);
		if (!(iv->estimates = malloc(s->p.bootstrap * sizeof(double))))
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		memcpy(iv->estimates, dur_mse_boot_replicates(s->boot),
		       s->p.bootstrap * sizeof(double));
		iv->nestimates = s->p.bootstrap;
		if (rc == DUR_OK) {
			iv->acceleration = info.acceleration;
			iv->acceleration_influence = info.acceleration_influence;
			iv->bias_correction = info.z0;
			iv->replicates_failed = info.failed;
			bca_tail_warning(r, &info, dur_mse_boot_replicates(s->boot), s->p.bootstrap, lo,
					 hi);
			if (info.failed)
				dur_strlist_addf(&r->warnings,
					"%zu of %zu bootstrap replicates had no finite estimate and "
					"were left out of the interval", info.failed, s->p.bootstrap);
		}
		break;
	}
	if (rc == DUR_ENOMEM)
		return dur_error_set(err, rc, "out of memory");
	if (rc != DUR_OK) {
		/* the estimate stands; the interval is missing, with the reason */
		iv->have = 0;
		if (est_strdup(&iv->reason, e2.msg))
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		dur_strlist_addf(&r->warnings, "no interval: %s", e2.msg);
		return DUR_OK;
	}
	iv->have = 1;
	iv->lower = lo;
	iv->upper = hi;
	iv->upper_open = open;
	if (open)
		dur_strlist_addf(&r->warnings, "the profile interval has no upper end below %.0f "
				 "(3 times the estimate)", hi);
	return DUR_OK;
}

static const char *selection_name(int m)
{
	switch (m) {
	case DUR_MSE_FIXED: return "fixed";
	case DUR_MSE_STEPWISE: return "stepwise";
	case DUR_MSE_AIC: return "aic";
	case DUR_MSE_BIC: return "bic";
	}
	return "unknown";
}

static const char *selection_summary(int m)
{
	switch (m) {
	case DUR_MSE_STEPWISE:
		return "log-linear model chosen step by step (SparseMSE's rule): lists may "
		       "depend on each other in pairs, every person equally catchable";
	case DUR_MSE_AIC:
		return "the log-linear model with the best AIC among all models with pairwise "
		       "dependence";
	case DUR_MSE_BIC:
		return "the log-linear model with the best BIC among all models with pairwise "
		       "dependence";
	}
	return "the given log-linear model: the named pairs of lists depend on each other, "
	       "every person equally catchable";
}

static dur_err ll_result(void *state, struct dur_estimate_result *r, struct dur_error *err)
{
	struct loglinear *s = state;
	const struct dur_mse_selection *sel = &s->sel;
	const struct dur_mse_fit *f = sel->fit;
	dur_err rc = DUR_OK;

	if (est_strdup(&r->method, "loglinear") ||
	    est_strdup(&r->model, selection_name(s->sp.method)) ||
	    est_strdup(&r->summary, s->sp.method == DUR_MSE_FIXED && sel->model.nterms == 0
		       ? "lists independent, every person equally catchable (main effects)"
		       : selection_summary(s->sp.method)) ||
	    est_cells_observed(s->t, r))
		goto nomem;
	r->observed = dur_table_observed(s->t);
	r->interval.method = s->p.interval;
	r->interval.level = s->p.level;
	if (s->sp.method == DUR_MSE_STEPWISE)
		r->pthresh = s->p.pthresh;
	if (!s->have) {
		r->have_estimate = 0;
		if (est_strdup(&r->reason, s->reason))
			goto nomem;
		return DUR_OK;
	}
	r->have_estimate = 1;
	r->estimate = f->estimate;
	r->unseen = f->unseen;
	r->have_fit = 1;
	if (terms_copy(s->t, sel->model.term, sel->model.nterms, &r->terms, &r->nterms) ||
	    terms_copy(s->t, f->empty, f->nempty, &r->empty_overlaps, &r->nempty))
		goto nomem;
	if (s->sp.method == DUR_MSE_STEPWISE && sel->nsteps) {
		r->steps = calloc((size_t)sel->nsteps, sizeof(*r->steps));
		if (!r->steps)
			goto nomem;
		for (int i = 0; i < sel->nsteps; i++) {
			char buf[512];
			dur_mse_term_name(s->t, sel->step[i].term, buf, sizeof(buf));
			if (est_strdup(&r->steps[i].term, buf))
				goto nomem;
			r->steps[i].p = sel->step[i].p;
			r->nsteps++;
		}
	}
	r->deviance = f->deviance;
	r->loglik = f->loglik;
	r->aic = f->aic;
	r->bic = f->bic;
	r->intercept = f->b0;
	r->se_intercept = f->se_b0;
	r->df = f->df;
	r->cells_kept = f->ncells;
	r->parameters = f->ncols;
	r->iterations = f->iterations;
	r->models_considered = sel->nconsidered;
	r->models_without_estimate = sel->nnomle;
	if (sel->nranked) {
		snprintf(r->criterion, sizeof(r->criterion), "%s",
			 s->sp.method == DUR_MSE_BIC ? "bic" : "aic");
		r->candidates = calloc(sel->nranked, sizeof(*r->candidates));
		if (!r->candidates)
			goto nomem;
		for (size_t i = 0; i < sel->nranked; i++) {
			const struct dur_mse_ranked *k = &sel->ranked[i];
			struct dur_estimate_candidate *c = &r->candidates[i];
			r->ncandidates++;
			if (terms_copy(s->t, k->model.term, k->model.nterms, &c->terms, &c->nterms))
				goto nomem;
			c->criterion = k->criterion;
			c->weight = k->weight;
			c->estimate = k->estimate;
			c->deviance = k->deviance;
			c->df = k->df;
		}
	}
	for (size_t i = 0; i < r->ncells; i++)
		r->cells[i].fitted = f->fitted[r->cells[i].pattern];
	if ((rc = ll_interval(s, r, err)) != DUR_OK)
		return rc;
	if (f->nempty)
		dur_strlist_addf(&r->warnings,
			"%d pair%s of lists share%s nobody; %s treated as a parameter at minus "
			"infinity, its cells removed and 2 added to the AIC for each (Chan, "
			"Silverman & Vincent 2021)", f->nempty, f->nempty == 1 ? "" : "s",
			f->nempty == 1 ? "s" : "", f->nempty == 1 ? "it is" : "each is");
	return DUR_OK;
nomem:
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static void ll_release(void *state)
{
	struct loglinear *s = state;
	dur_mse_work_free(s->w);
	dur_mse_selection_release(&s->sel);
	dur_mse_boot_free(s->boot);
}

const struct dur_estimator_type dur_estimator_loglinear = {
	"loglinear",
	"Poisson log-linear models with pairwise dependence between lists",
	sizeof(struct loglinear),
	ll_init, ll_iterate, ll_progress, ll_result, ll_release
};
