/*
 * The method table and the generic estimator wrapper (GSL's "type plus
 * state" pattern: gsl_multimin_fminimizer_type).  A new method is a new
 * struct dur_estimator_type and one line in `types` below.
 */
#include "mse/estimate_internal.h"
#include <duress/closed.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dur_estimator_type *const types[] = {
	&dur_estimator_loglinear,
	&dur_estimator_closed,
	&dur_estimator_bma,
	&dur_estimator_lcmcr,
};

const char *dur_estimate_method_of_model(const char *model)
{
	return model && dur_closed_model_parse(model) >= 0 ? "closed" : "loglinear";
}

int dur_estimate_default_interval(const char *method, const char *model)
{
	if (method && (strcmp(method, "bma") == 0 || strcmp(method, "lcmcr") == 0))
		return DUR_INTERVAL_CREDIBLE;
	if (method && strcmp(method, "closed") == 0) {
		int m = dur_closed_model_parse(model);
		return m >= 0 && dur_closed_model_has_profile((enum dur_closed_model)m)
		       ? DUR_INTERVAL_PROFILE : DUR_INTERVAL_ANALYTIC;
	}
	return DUR_INTERVAL_BCA;
}

const struct dur_estimator_type *const *dur_estimator_types(size_t *n)
{
	*n = sizeof(types) / sizeof(types[0]);
	return types;
}

const struct dur_estimator_type *dur_estimator_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}

struct dur_estimator {
	const struct dur_estimator_type *type;
	int done;
	void *state;
};

dur_estimator *dur_estimator_alloc(const struct dur_estimator_type *T, const struct dur_table *t,
				   const struct dur_estimate_params *p, struct dur_error *err)
{
	dur_estimator *e;

	if (!T) {
		dur_error_set(err, DUR_EINVAL, "no estimation method given");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->state = calloc(1, T->size ? T->size : 1))) {
		free(e);
		dur_error_set(err, DUR_ENOMEM, "out of memory");
		return NULL;
	}
	e->type = T;
	if (T->init(e->state, t, p, err) != DUR_OK) {
		dur_estimator_free(e);
		return NULL;
	}
	return e;
}

dur_err dur_estimator_iterate(dur_estimator *e, struct dur_error *err)
{
	dur_err rc;
	if (e->done)
		return DUR_OK;
	rc = e->type->iterate(e->state, err);
	if (rc == DUR_OK)
		e->done = 1;
	return rc;
}

double dur_estimator_progress(const dur_estimator *e)
{
	if (e->done)
		return 1;
	return e->type->progress ? e->type->progress(e->state) : 0;
}

dur_err dur_estimator_result(dur_estimator *e, struct dur_estimate_result *out,
			     struct dur_error *err)
{
	dur_err rc;
	dur_estimate_result_init(out);
	if (!e->done)
		return dur_error_set(err, DUR_EINVAL, "the estimation has not finished");
	rc = e->type->result(e->state, out, err);
	if (rc != DUR_OK)
		dur_estimate_result_release(out);
	return rc;
}

void dur_estimator_free(dur_estimator *e)
{
	if (!e)
		return;
	if (e->state && e->type->release)
		e->type->release(e->state);
	free(e->state);
	free(e);
}

/* ---- results --------------------------------------------------------------- */

void dur_estimate_result_init(struct dur_estimate_result *r)
{
	memset(r, 0, sizeof(*r));
	r->estimate = r->unseen = r->se = NAN;
	r->posterior_mean = r->hist_from = r->hist_to = r->rhat = r->ess = NAN;
	r->interval.lower = r->interval.upper = NAN;
	r->interval.acceleration = r->interval.bias_correction = NAN;
}

void dur_estimate_result_release(struct dur_estimate_result *r)
{
	free(r->method);
	free(r->model);
	free(r->summary);
	free(r->reason);
	free(r->interval.reason);
	free(r->interval.estimates);
	for (size_t i = 0; i < r->nterms; i++)
		free(r->terms[i]);
	free(r->terms);
	for (size_t i = 0; i < r->nsteps; i++)
		free(r->steps[i].term);
	free(r->steps);
	for (size_t i = 0; i < r->nempty; i++)
		free(r->empty_overlaps[i]);
	free(r->empty_overlaps);
	for (size_t i = 0; i < r->ncandidates; i++) {
		for (size_t j = 0; j < r->candidates[i].nterms; j++)
			free(r->candidates[i].terms[j]);
		free(r->candidates[i].terms);
	}
	free(r->candidates);
	free(r->cells);
	free(r->hist);
	dur_strlist_release(&r->warnings);
	dur_estimate_result_init(r);
}

dur_err est_strdup(char **dst, const char *s)
{
	*dst = NULL;
	if (!s)
		return DUR_OK;
	*dst = strdup(s);
	return *dst ? DUR_OK : DUR_ENOMEM;
}

dur_err est_strdupf(char **dst, const char *fmt, ...)
{
	va_list ap;
	char buf[DUR_ERROR_MSG_MAX];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return est_strdup(dst, buf);
}

dur_err est_cells_observed(const struct dur_table *t, struct dur_estimate_result *r)
{
	size_t n = 0;
	r->cells = calloc(t->ncells, sizeof(*r->cells));
	if (!r->cells)
		return DUR_ENOMEM;
	for (unsigned c = 1; c < t->ncells; c++) {
		r->cells[n].pattern = c;
		r->cells[n].observed = t->count[c];
		r->cells[n].fitted = NAN;
		n++;
	}
	r->ncells = n;
	return DUR_OK;
}
