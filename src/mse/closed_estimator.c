/*
 * The closed-population models of Rcapture (M0, Mt, Mh, Mth, Mb, Mbh; see
 * duress/closed.h and docs/closed.md) as an entry of the method table:
 * the fit, and its interval - the profile likelihood of closedpCI.t, or
 * Chao's (1987) log-normal interval from the standard error, for the
 * behavioural models that have no profile.
 */
#include "mse/estimate_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <duress/closed.h>

struct closed {
	const struct dur_table *t;
	struct dur_estimate_params p;
	struct dur_closed_params cp;
	int model, done;
	struct dur_closed_fit fit;
	struct dur_closed_interval iv;
	int have_iv;
	char iv_reason[DUR_ERROR_MSG_MAX];
};

static dur_err cl_init(void *state, const struct dur_table *t,
		       const struct dur_estimate_params *p, struct dur_error *err)
{
	struct closed *s = state;
	struct dur_closed_fit zero = DUR_CLOSED_FIT_INIT;

	s->t = t;
	s->p = *p;
	s->cp = dur_closed_default_params();
	s->fit = zero;
	if ((s->model = dur_closed_model_parse(p->model)) < 0)
		return dur_error_set(err, DUR_EINVAL, "'%.40s' is not one of the closed-population "
				     "models (m0, mt, mh-chao, ..., mbh)", p->model ? p->model : "");
	if (t->k < dur_closed_model_min_lists((enum dur_closed_model)s->model))
		return dur_error_set(err, DUR_EINVAL, "the model %s needs at least %d lists; this "
				     "table has %d", p->model,
				     dur_closed_model_min_lists((enum dur_closed_model)s->model), t->k);
	if (p->interval == DUR_INTERVAL_BCA || p->interval == DUR_INTERVAL_CREDIBLE)
		return dur_error_set(err, DUR_EINVAL, "the closed-population models give a profile "
				     "or an analytic interval, not a %s one",
				     dur_interval_name(p->interval));
	if (p->interval == DUR_INTERVAL_PROFILE &&
	    !dur_closed_model_has_profile((enum dur_closed_model)s->model))
		return dur_error_set(err, DUR_EINVAL, "the model %s has no profile-likelihood "
				     "interval; use the analytic one", p->model);
	return DUR_OK;
}

static dur_err cl_iterate(void *state, struct dur_error *err)
{
	struct closed *s = state;
	struct dur_error e2 = DUR_ERROR_INIT;
	dur_err rc;

	if ((rc = dur_closed_fit_model(s->t, (enum dur_closed_model)s->model, &s->cp, &s->fit,
				       err)))
		return rc;
	if (s->fit.ok && s->p.interval == DUR_INTERVAL_PROFILE) {
		rc = dur_closed_profile(s->t, (enum dur_closed_model)s->model, s->p.level, &s->cp,
					&s->iv, &e2);
		if (rc == DUR_ENOMEM) {
			if (err)
				*err = e2;
			return rc;
		}
		s->have_iv = rc == DUR_OK;
		if (rc)
			snprintf(s->iv_reason, sizeof(s->iv_reason), "%s", e2.msg);
	}
	return DUR_OK;
}

/* "a; b; c" into separate warnings. */
static void add_warnings(struct dur_strlist *w, const char *text)
{
	const char *p = text;
	while (p && *p) {
		const char *e = strstr(p, "; ");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			dur_strlist_addf(w, "%.*s", (int)n, p);
		p = e ? e + 2 : NULL;
	}
}

static dur_err cl_result(void *state, struct dur_estimate_result *r, struct dur_error *err)
{
	struct closed *s = state;
	const struct dur_closed_fit *f = &s->fit;
	struct dur_estimate_interval *iv = &r->interval;
	enum dur_closed_model m = (enum dur_closed_model)s->model;

	if (est_strdup(&r->method, "closed") || est_strdup(&r->model, dur_closed_model_name(m)) ||
	    est_strdup(&r->summary, dur_closed_model_assumes(m)) || est_cells_observed(s->t, r))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	r->observed = f->observed;
	iv->method = s->p.interval;
	iv->level = s->p.level;
	if (f->have_fit) {
		r->have_fit = 1;
		r->deviance = f->deviance;
		r->df = f->df;
		r->aic = f->aic;
		r->bic = f->bic;
		r->loglik = r->intercept = r->se_intercept = NAN;
		r->cells_kept = (int)s->t->ncells - 1;
		r->parameters = f->nparams;
		r->iterations = f->iterations;
		r->models_considered = 1;
		if (!(r->terms = calloc(1, sizeof(char *))) ||
		    !(r->empty_overlaps = calloc(1, sizeof(char *))))
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		for (size_t i = 0; i < r->ncells; i++)
			r->cells[i].fitted = f->fitted ? f->fitted[r->cells[i].pattern] : NAN;
	}
	add_warnings(&r->warnings, f->warning);
	if (!f->ok) {
		r->have_estimate = 0;
		return est_strdup(&r->reason, f->reason) ? dur_error_set(err, DUR_ENOMEM,
									  "out of memory")
							 : DUR_OK;
	}
	r->have_estimate = 1;
	r->estimate = f->estimate;
	r->unseen = f->estimate - f->observed;
	r->se = f->se;
	if (s->p.interval == DUR_INTERVAL_PROFILE) {
		if (!s->have_iv) {
			if (est_strdup(&iv->reason, s->iv_reason))
				return dur_error_set(err, DUR_ENOMEM, "out of memory");
			dur_strlist_addf(&r->warnings, "no interval: %s", s->iv_reason);
		} else {
			iv->have = 1;
			iv->lower = s->iv.lower;
			iv->upper = s->iv.upper;
			iv->upper_open = s->iv.upper_open;
			add_warnings(&r->warnings, s->iv.warning);
		}
	} else if (s->p.interval == DUR_INTERVAL_ANALYTIC) {
		/*
		 * Chao (1987): log-normal on the unseen count f0 = N - n,
		 * C = exp(z sqrt(log(1 + se^2 / f0^2))), interval n + f0 / C to
		 * n + f0 C.  It never goes below the number seen.
		 */
		double f0 = r->unseen, z = gsl_cdf_ugaussian_Pinv(0.5 + s->p.level / 2);
		if (f0 > 0 && isfinite(f->se) && f->se > 0) {
			double c = exp(z * sqrt(log(1 + f->se * f->se / (f0 * f0))));
			iv->have = 1;
			iv->lower = f->observed + f0 / c;
			iv->upper = f->observed + f0 * c;
		} else if (est_strdup(&iv->reason, "the standard error is not available")) {
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		}
	}
	return DUR_OK;
}

static void cl_release(void *state)
{
	struct closed *s = state;
	dur_closed_fit_release(&s->fit);
}

const struct dur_estimator_type dur_estimator_closed = {
	"closed",
	"closed-population models with heterogeneous or behavioural catchability (Rcapture)",
	sizeof(struct closed),
	cl_init, cl_iterate, NULL, cl_result, cl_release
};
