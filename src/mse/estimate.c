/*
 * One estimation from table to JSON result; see include/duress/estimate.h.
 */
#include <duress/estimate.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dur_estimate_default_params(struct dur_estimate_params *p)
{
	memset(p, 0, sizeof(*p));
	p->method = DUR_MSE_STEPWISE;
	p->terms = NULL;
	p->pthresh = 0.02;
	p->interval = DUR_INTERVAL_BCA;
	p->level = 0.95;
	p->bootstrap = 1000;
	p->seed = 1;
	p->threads = 2;
}

const char *dur_interval_name(int m)
{
	switch (m) {
	case DUR_INTERVAL_ANALYTIC: return "analytic";
	case DUR_INTERVAL_PROFILE: return "profile";
	case DUR_INTERVAL_BCA: return "bca";
	}
	return "none";
}

const char *dur_method_name(int m)
{
	switch (m) {
	case DUR_MSE_FIXED: return "fixed";
	case DUR_MSE_STEPWISE: return "stepwise";
	case DUR_MSE_AIC: return "aic";
	case DUR_MSE_BIC: return "bic";
	}
	return "unknown";
}

dur_err dur_estimate_begin(const struct dur_table *t, const struct dur_estimate_params *p,
			   struct dur_estimate_run *run, struct dur_error *err)
{
	struct dur_mse_select_params sp;
	struct dur_error e2 = DUR_ERROR_INIT;
	dur_err rc;

	memset(run, 0, sizeof(*run));
	run->p = *p;
	run->mp = dur_mse_default_params();
	if (!(p->level > 0 && p->level < 1))
		return dur_error_set(err, DUR_EINVAL, "the level must be between 0 and 1");
	run->t = dur_table_clone(t);
	if (!run->t)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = dur_table_clean(&run->t, &run->warnings, err);
	if (rc != DUR_OK)
		return rc;
	run->w = dur_mse_work_alloc(run->t->k, &run->mp);
	if (!run->w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	dur_mse_select_default_params(&sp, run->t->k);
	sp.method = p->method;
	sp.pthresh = p->pthresh;
	sp.threads = p->threads;
	if (p->method == DUR_MSE_FIXED) {
		if (!p->terms || strcmp(p->terms, "main") == 0)
			dur_mse_model_main(&sp.fixed, run->t->k);
		else if (strcmp(p->terms, "all-pairs") == 0)
			dur_mse_model_all_pairs(&sp.fixed, run->t->k);
		else {
			rc = dur_mse_model_parse(p->terms, run->t, &sp.fixed, err);
			if (rc != DUR_OK)
				return rc;
		}
	}
	rc = dur_mse_select(run->w, run->t, &sp, &run->sel, &e2);
	if (rc == DUR_ENOMLE) {
		snprintf(run->reason, sizeof(run->reason), "%s", e2.msg);
		return DUR_OK;
	}
	if (rc != DUR_OK) {
		if (err)
			*err = e2;
		return rc;
	}
	run->have_estimate = 1;
	if (p->interval == DUR_INTERVAL_BCA) {
		if (p->bootstrap < 10)
			return dur_error_set(err, DUR_EINVAL,
					     "the bootstrap needs at least 10 replicates");
		run->boot = dur_mse_boot_alloc(run->t, &sp, &run->mp, p->bootstrap, p->seed,
					       p->threads, err);
		if (!run->boot)
			return DUR_ENOMEM;
	}
	return DUR_OK;
}

dur_err dur_estimate_step(struct dur_estimate_run *run, size_t chunk, struct dur_error *err)
{
	if (!run->boot)
		return DUR_OK;
	return dur_mse_boot_iterate(run->boot, chunk, err);
}

static json_t *terms_json(const struct dur_table *t, const unsigned char *term, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char buf[512];
		dur_mse_term_name(t, term[i], buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *model_json(const struct dur_estimate_run *run)
{
	const struct dur_mse_selection *s = &run->sel;
	const struct dur_mse_fit *f = s->fit;
	json_t *m = json_object();

	json_object_set_new(m, "selection", json_string(dur_method_name(run->p.method)));
	if (run->p.method == DUR_MSE_STEPWISE)
		json_object_set_new(m, "pthresh", json_real(run->p.pthresh));
	json_object_set_new(m, "terms", terms_json(run->t, s->model.term, s->model.nterms));
	if (run->p.method == DUR_MSE_STEPWISE) {
		json_t *st = json_array();
		for (int i = 0; i < s->nsteps; i++) {
			char buf[512];
			dur_mse_term_name(run->t, s->step[i].term, buf, sizeof(buf));
			json_array_append_new(st, json_pack("{s:s,s:f}", "term", buf,
							    "p", s->step[i].p));
		}
		json_object_set_new(m, "steps", st);
	}
	json_object_set_new(m, "empty_overlaps", terms_json(run->t, f->empty, f->nempty));
	json_object_set_new(m, "deviance", json_real(f->deviance));
	json_object_set_new(m, "df", json_integer(f->df));
	json_object_set_new(m, "aic", json_real(f->aic));
	json_object_set_new(m, "bic", json_real(f->bic));
	json_object_set_new(m, "loglik", json_real(f->loglik));
	json_object_set_new(m, "intercept", json_real(f->b0));
	json_object_set_new(m, "se_intercept", json_real(f->se_b0));
	json_object_set_new(m, "cells", json_integer(f->ncells));
	json_object_set_new(m, "parameters", json_integer(f->ncols));
	json_object_set_new(m, "iterations", json_integer(f->iterations));
	json_object_set_new(m, "models_considered", json_integer((json_int_t)s->nconsidered));
	json_object_set_new(m, "models_without_estimate", json_integer((json_int_t)s->nnomle));
	return m;
}

static json_t *candidates_json(const struct dur_estimate_run *run)
{
	json_t *a = json_array();
	const char *crit = run->p.method == DUR_MSE_BIC ? "bic" : "aic";
	for (size_t i = 0; i < run->sel.nranked; i++) {
		const struct dur_mse_ranked *r = &run->sel.ranked[i];
		json_t *o = json_object();
		json_object_set_new(o, "terms", terms_json(run->t, r->model.term, r->model.nterms));
		json_object_set_new(o, crit, json_real(r->criterion));
		json_object_set_new(o, "weight", json_real(r->weight));
		json_object_set_new(o, "estimate", json_real(r->estimate));
		json_object_set_new(o, "deviance", json_real(r->deviance));
		json_object_set_new(o, "df", json_integer(r->df));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *cells_json(const struct dur_estimate_run *run)
{
	const struct dur_table *t = run->t;
	json_t *a = json_array();
	for (unsigned c = 1; c < t->ncells; c++) {
		char pat[DUR_TABLE_MAX_LISTS + 1];
		double fit = run->have_estimate ? run->sel.fit->fitted[c] : NAN;
		json_t *o;
		if (t->count[c] == 0 && !(fit >= 0.05))
			continue;   /* nothing seen and nothing expected: not listed */
		for (int i = 0; i < t->k; i++)
			pat[i] = (c >> i) & 1u ? '1' : '0';
		pat[t->k] = '\0';
		o = json_pack("{s:s,s:f}", "pattern", pat, "observed", t->count[c]);
		json_object_set_new(o, "fitted", isfinite(fit) ? json_real(fit) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

json_t *dur_estimate_finish(struct dur_estimate_run *run, struct dur_error *err)
{
	json_t *r = json_object(), *lists = json_array(), *warn = json_array();
	const struct dur_mse_fit *f = run->sel.fit;

	for (int i = 0; i < run->t->k; i++)
		json_array_append_new(lists, json_string(run->t->names[i]));
	json_object_set_new(r, "lists", lists);
	json_object_set_new(r, "observed", json_real(dur_table_observed(run->t)));
	if (!run->have_estimate) {
		json_object_set_new(r, "estimate", json_null());
		json_object_set_new(r, "reason", json_string(run->reason));
	} else {
		json_t *iv = json_object();
		double lo = NAN, hi = NAN;
		int open = 0;
		dur_err rc = DUR_OK;
		struct dur_mse_bca_info info;
		struct dur_error e2 = DUR_ERROR_INIT;

		json_object_set_new(r, "estimate", json_real(f->estimate));
		json_object_set_new(r, "unseen", json_real(f->unseen));
		json_object_set_new(iv, "method", json_string(dur_interval_name(run->p.interval)));
		json_object_set_new(iv, "level", json_real(run->p.level));
		switch (run->p.interval) {
		case DUR_INTERVAL_ANALYTIC:
			dur_mse_interval_analytic(f, run->p.level, &lo, &hi);
			break;
		case DUR_INTERVAL_PROFILE:
			rc = dur_mse_interval_profile(run->w, run->t, f, &run->sel.model,
						      run->p.level, &lo, &hi, &open, &e2);
			break;
		case DUR_INTERVAL_BCA:
			rc = dur_mse_boot_interval(run->boot, f->estimate, run->p.level, &lo,
						   &hi, &info, &e2);
			json_object_set_new(iv, "replicates", json_integer((json_int_t)run->p.bootstrap));
			json_object_set_new(iv, "seed", json_integer((json_int_t)run->p.seed));
			if (rc == DUR_OK) {
				json_object_set_new(iv, "acceleration", json_real(info.acceleration));
				json_object_set_new(iv, "bias_correction", json_real(info.z0));
				json_object_set_new(iv, "replicates_without_estimate",
						    json_integer((json_int_t)info.failed));
				/* BCa can push a bound far into a tail: say when it rests on
				 * only a handful of replicates */
				{
					double nlo = info.alpha_lower * (double)info.used;
					double nhi = (1 - info.alpha_upper) * (double)info.used;
					if (nlo < 10 || nhi < 10)
						dur_strlist_addf(&run->warnings,
							"the %s end of the interval is set by the %s %.0f of "
							"%zu bootstrap estimates, so it changes from seed to "
							"seed; for a steadier figure use --bootstrap %zu or more",
							nlo < nhi ? "lower" : "upper",
							nlo < nhi ? "lowest" : "highest",
							ceil(nlo < nhi ? nlo : nhi),
							info.used,
							(size_t)(10.0 / (nlo < nhi ? info.alpha_lower
									   : 1 - info.alpha_upper)) / 1000 * 1000 + 1000);
				}
				if (info.failed)
					dur_strlist_addf(&run->warnings,
						"%zu of %zu bootstrap replicates had no finite estimate "
						"and were left out of the interval", info.failed,
						run->p.bootstrap);
			}
			break;
		}
		if (rc != DUR_OK) {
			json_object_set_new(iv, "lower", json_null());
			json_object_set_new(iv, "upper", json_null());
			json_object_set_new(iv, "reason", json_string(e2.msg));
			dur_strlist_addf(&run->warnings, "no interval: %s", e2.msg);
		} else if (run->p.interval != DUR_INTERVAL_NONE) {
			json_object_set_new(iv, "lower", json_real(lo));
			json_object_set_new(iv, "upper", open ? json_null() : json_real(hi));
			if (open) {
				json_object_set_new(iv, "upper_above", json_real(hi));
				dur_strlist_addf(&run->warnings,
					"the profile interval has no upper end below %.0f (3 times "
					"the estimate)", hi);
			}
		}
		json_object_set_new(r, "interval", iv);
		json_object_set_new(r, "model", model_json(run));
		if (run->sel.nranked)
			json_object_set_new(r, "candidates", candidates_json(run));
		if (f->nempty)
			dur_strlist_addf(&run->warnings,
				"%d pair%s of lists share%s nobody; %s treated as a parameter at "
				"minus infinity, its cells removed and 2 added to the AIC for each "
				"(Chan, Silverman & Vincent 2021)", f->nempty,
				f->nempty == 1 ? "" : "s", f->nempty == 1 ? "s" : "",
				f->nempty == 1 ? "it is" : "each is");
	}
	json_object_set_new(r, "cells", cells_json(run));
	for (size_t i = 0; i < run->warnings.n; i++)
		json_array_append_new(warn, json_string(run->warnings.s[i]));
	json_object_set_new(r, "warnings", warn);
	(void)err;
	return r;
}

void dur_estimate_release(struct dur_estimate_run *run)
{
	dur_table_free(run->t);
	dur_strlist_release(&run->warnings);
	dur_mse_work_free(run->w);
	dur_mse_selection_release(&run->sel);
	dur_mse_boot_free(run->boot);
	memset(run, 0, sizeof(*run));
}
