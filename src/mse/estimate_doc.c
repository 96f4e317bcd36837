/*
 * The estimate document and its JSON form, both ways (docs/formats.md).
 * Writing and reading live side by side so that every key is read back
 * exactly as it is written; a test round-trips every document.
 */
#include "mse/estimate_internal.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing --------------------------------------------------------------- */

static json_t *interval_to_json(const struct dur_estimate_interval *iv)
{
	json_t *o = json_object();
	jx_set(o, "method", json_string(dur_interval_name(iv->method)));
	jx_set(o, "level", json_real(iv->level));
	if (iv->method == DUR_INTERVAL_NONE)
		return o;
	if (iv->method == DUR_INTERVAL_BCA) {
		json_t *a = json_array();
		jx_set(o, "replicates", json_integer((json_int_t)iv->replicates));
		jx_set(o, "seed", jx_u64_new(iv->seed));
		for (size_t i = 0; i < iv->nestimates; i++)
			json_array_append_new(a, jx_real(iv->estimates[i]));
		jx_set(o, "replicate_estimates", a);
	}
	if (!iv->have) {
		jx_set(o, "lower", json_null());
		jx_set(o, "upper", json_null());
		jx_set(o, "reason", json_string(iv->reason ? iv->reason : ""));
		return o;
	}
	jx_set(o, "lower", jx_real(iv->lower));
	if (iv->upper_open) {
		jx_set(o, "upper", json_null());
		jx_set(o, "upper_above", jx_real(iv->upper));
	} else {
		jx_set(o, "upper", jx_real(iv->upper));
	}
	if (iv->method == DUR_INTERVAL_BCA) {
		jx_set(o, "acceleration", jx_real(iv->acceleration));
		jx_set(o, "acceleration_from", json_string(iv->acceleration_influence ? "influence"
									   : "jackknife"));
		jx_set(o, "bias_correction", jx_real(iv->bias_correction));
		jx_set(o, "replicates_without_estimate",
		       json_integer((json_int_t)iv->replicates_failed));
	}
	return o;
}

static void pattern_string(unsigned c, int k, char *pat)
{
	for (int i = 0; i < k; i++)
		pat[i] = (c >> i) & 1u ? '1' : '0';
	pat[k] = '\0';
}

json_t *est_result_to_json(const struct dur_estimate_result *r, const char *const *lists, int k)
{
	json_t *o = json_object(), *cells = json_array();
	(void)lists;
	jx_set(o, "method", json_string(r->method ? r->method : ""));
	jx_set(o, "summary", json_string(r->summary ? r->summary : ""));
	jx_set(o, "observed", json_real(r->observed));
	if (!r->have_estimate) {
		jx_set(o, "estimate", json_null());
		jx_set(o, "reason", json_string(r->reason ? r->reason : ""));
	} else {
		jx_set(o, "estimate", jx_real(r->estimate));
		jx_set(o, "unseen", jx_real(r->unseen));
		if (isfinite(r->se))
			jx_set(o, "se", jx_real(r->se));
		jx_set(o, "interval", interval_to_json(&r->interval));
	}
	if (r->have_fit) {
		json_t *m = json_object();
		jx_set(m, "selection", json_string(r->model ? r->model : ""));
		if (r->model && strcmp(r->model, "stepwise") == 0)
			jx_set(m, "pthresh", json_real(r->pthresh));
		jx_set(m, "terms", jx_strings_new(r->terms, r->nterms));
		if (r->model && strcmp(r->model, "stepwise") == 0) {
			json_t *st = json_array();
			for (size_t i = 0; i < r->nsteps; i++)
				json_array_append_new(st, json_pack("{s:s,s:f}", "term", r->steps[i].term,
								    "p", r->steps[i].p));
			jx_set(m, "steps", st);
		}
		jx_set(m, "empty_overlaps", jx_strings_new(r->empty_overlaps, r->nempty));
		jx_set(m, "deviance", jx_real(r->deviance));
		jx_set(m, "df", json_integer(r->df));
		jx_set(m, "aic", jx_real(r->aic));
		jx_set(m, "bic", jx_real(r->bic));
		jx_set(m, "loglik", jx_real(r->loglik));
		jx_set(m, "intercept", jx_real(r->intercept));
		jx_set(m, "se_intercept", jx_real(r->se_intercept));
		jx_set(m, "cells", json_integer(r->cells_kept));
		jx_set(m, "parameters", json_integer(r->parameters));
		jx_set(m, "iterations", json_integer(r->iterations));
		jx_set(m, "models_considered", json_integer((json_int_t)r->models_considered));
		jx_set(m, "models_without_estimate",
		       json_integer((json_int_t)r->models_without_estimate));
		jx_set(o, "model", m);
	} else if (r->model) {
		jx_set(o, "model", json_pack("{s:s}", "selection", r->model));
	}
	if (r->ncandidates) {
		json_t *a = json_array();
		int post = strcmp(r->criterion, "posterior") == 0;
		for (size_t i = 0; i < r->ncandidates; i++) {
			const struct dur_estimate_candidate *c = &r->candidates[i];
			json_t *co = json_object();
			if (post) {
				/* a graph of the average: its cliques and posterior probability */
				jx_set(co, "cliques", jx_strings_new(c->terms, c->nterms));
				jx_set(co, "posterior", jx_real(c->weight));
			} else {
				jx_set(co, "terms", jx_strings_new(c->terms, c->nterms));
				jx_set(co, r->criterion, jx_real(c->criterion));
				jx_set(co, "weight", jx_real(c->weight));
				jx_set(co, "estimate", jx_real(c->estimate));
				jx_set(co, "deviance", jx_real(c->deviance));
				jx_set(co, "df", json_integer(c->df));
			}
			json_array_append_new(a, co);
		}
		jx_set(o, "candidates", a);
	}
	if (r->have_posterior) {
		json_t *po = json_object(), *h = json_array();
		for (size_t i = 0; i < r->nhist; i++)
			json_array_append_new(h, jx_real(r->hist[i]));
		jx_set(po, "mean", jx_real(r->posterior_mean));
		jx_set(po, "histogram", json_pack("{s:o,s:o,s:o}", "from", jx_real(r->hist_from),
						  "to", jx_real(r->hist_to), "probabilities", h));
		if (r->nmodels_averaged)
			jx_set(po, "models_averaged", json_integer((json_int_t)r->nmodels_averaged));
		if (r->chains) {
			jx_set(po, "chains", json_integer(r->chains));
			jx_set(po, "rhat", jx_real(r->rhat));
			jx_set(po, "ess", jx_real(r->ess));
		}
		jx_set(o, "posterior", po);
	}
	for (size_t i = 0; i < r->ncells; i++) {
		char pat[DUR_TABLE_MAX_LISTS + 1];
		const struct dur_estimate_cell *c = &r->cells[i];
		json_t *co;
		pattern_string(c->pattern, k, pat);
		co = json_pack("{s:s,s:f}", "pattern", pat, "observed", c->observed);
		jx_set(co, "fitted", jx_real(c->fitted));
		json_array_append_new(cells, co);
	}
	jx_set(o, "cells", cells);
	jx_set(o, "warnings", jx_strlist_new(&r->warnings));
	return o;
}

/* Copy every member of `from` into `to` (the flattened main result). */
static void merge(json_t *to, json_t *from)
{
	json_object_update(to, from);
	json_decref(from);
}

static json_t *table_to_json(const struct dur_estimate_table *t)
{
	json_t *o = json_object();
	if (t->stratum)
		jx_set(o, "stratum", json_string(t->stratum));
	if (t->failure) {
		jx_set(o, "estimate", json_null());
		jx_set(o, "reason", json_string(t->failure));
		jx_set(o, "failed", json_true());
		return o;
	}
	jx_set(o, "lists", jx_strings_new(t->lists, t->nlists));
	merge(o, est_result_to_json(&t->main, (const char *const *)t->lists, (int)t->nlists));
	if (t->ncompare) {
		json_t *a = json_array();
		for (size_t i = 0; i < t->ncompare; i++) {
			json_t *c = est_result_to_json(&t->compare[i], (const char *const *)t->lists,
						       (int)t->nlists);
			/* cells are the main result's; the comparison lists figures */
			json_object_del(c, "cells");
			json_array_append_new(a, c);
		}
		jx_set(o, "comparison", a);
	}
	if (t->nomit || t->catchability.tested || t->catchability.reason) {
		json_t *a = json_array(), *d = json_object();
		const struct dur_estimate_catchability *c = &t->catchability;
		for (size_t i = 0; i < t->nomit; i++) {
			const struct dur_estimate_omission *m = &t->omit[i];
			json_t *e = json_object();
			jx_set(e, "list", json_string(m->list));
			if (m->have_estimate) {
				jx_set(e, "estimate", jx_real(m->estimate));
				jx_set(e, "lower", jx_real(m->lower));
				jx_set(e, "upper", jx_real(m->upper));
			} else {
				jx_set(e, "estimate", json_null());
				jx_set(e, "reason", json_string(m->reason ? m->reason : ""));
			}
			json_array_append_new(a, e);
		}
		jx_set(d, "list_omission", a);
		if (c->tested) {
			json_t *co = json_object();
			jx_set(co, "statistic", jx_real(c->statistic));
			jx_set(co, "p", jx_real(c->p));
			jx_set(co, "tau", jx_real(c->tau));
			jx_set(co, "pairs_over", json_integer(c->pairs_over));
			jx_set(co, "pairs", json_integer(c->pairs));
			jx_set(co, "warn", json_boolean(c->warn));
			jx_set(co, "low", jx_real(c->low));
			jx_set(co, "high", jx_real(c->high));
			jx_set(d, "catchability", co);
		} else if (c->reason) {
			jx_set(d, "catchability", json_pack("{s:b,s:s}", "tested", 0, "reason",
							    c->reason));
		}
		jx_set(o, "diagnostics", d);
	}
	return o;
}

json_t *dur_estimate_doc_to_json(const struct dur_estimate_doc *d)
{
	json_t *o = table_to_json(&d->total), *in = json_object();

	jx_set(o, "format", json_string(DUR_ESTIMATE_FORMAT));
	jx_set(o, "format_version", json_integer(d->version));
	jx_set(in, "file", json_string(d->input_name ? d->input_name : ""));
	jx_set(in, "sha256", json_string(d->sha256));
	jx_set(in, "lists", jx_strings_new(d->input_lists, d->ninput_lists));
	jx_set(in, "form", json_string(d->form ? d->form : ""));
	jx_set(in, "rows", json_integer((json_int_t)d->rows));
	jx_set(o, "input", in);
	if (d->by) {
		json_t *a = json_array();
		jx_set(o, "by", json_string(d->by));
		for (size_t i = 0; i < d->nstrata; i++)
			json_array_append_new(a, table_to_json(&d->strata[i]));
		jx_set(o, "strata", a);
	}
	jx_set(o, "software", json_pack("{s:s,s:s,s:s,s:s}", "name", "duress",
					"version", d->software_version ? d->software_version : "",
					"git", d->software_git ? d->software_git : "",
					"build", d->software_build ? d->software_build : ""));
	jx_set(o, "parameters", d->parameters ? json_incref(d->parameters) : json_object());
	if (d->linkage) {
		const struct dur_estimate_linkage *lk = d->linkage;
		json_t *l = json_object(), *e = json_array();
		jx_set(l, "file", json_string(lk->input_name ? lk->input_name : ""));
		jx_set(l, "sha256", json_string(lk->sha256));
		jx_set(l, "draws", json_integer((json_int_t)lk->ndraws));
		jx_set(l, "failed", json_integer((json_int_t)lk->nfailed));
		jx_set(l, "level", jx_real(lk->level));
		jx_set(l, "median", jx_real(lk->median));
		jx_set(l, "lower", jx_real(lk->lower));
		jx_set(l, "upper", jx_real(lk->upper));
		jx_set(l, "min", jx_real(lk->min));
		jx_set(l, "max", jx_real(lk->max));
		for (size_t i = 0; i < lk->ndraws; i++)
			json_array_append_new(e, jx_real(lk->estimates[i]));
		jx_set(l, "estimates", e);
		jx_set(o, "linkage", l);
	}
	return o;
}

/* ---- reading --------------------------------------------------------------- */

static dur_err nomem(struct dur_error *err)
{
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static dur_err interval_from_json(const struct jx *c, const json_t *o, const char *path,
				  struct dur_estimate_interval *iv)
{
	const char *m = NULL, *reason = NULL;
	long long n = 0;
	dur_err rc;

	if ((rc = jx_string(c, o, path, "method", &m)) ||
	    (rc = jx_number(c, o, path, "level", &iv->level)))
		return rc;
	if ((iv->method = dur_interval_parse(m)) < 0)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': %s.method: not an interval method",
				     c->name, path);
	if (iv->method == DUR_INTERVAL_NONE)
		return DUR_OK;
	if (!(iv->level > 0 && iv->level < 1))
		return dur_error_set(c->err, DUR_EPARSE, "'%s': %s.level: must be between 0 and 1",
				     c->name, path);
	if (iv->method == DUR_INTERVAL_BCA) {
		json_t *a, *v;
		size_t i;
		if ((rc = jx_int(c, o, path, "replicates", 0, 10000000, &n)) ||
		    (rc = jx_u64_string(c, o, path, "seed", &iv->seed)) ||
		    (rc = jx_array(c, o, path, "replicate_estimates", &a)))
			return rc;
		iv->replicates = (size_t)n;
		if (!(iv->estimates = malloc((json_array_size(a) + 1) * sizeof(double))))
			return nomem(c->err);
		json_array_foreach(a, i, v) {
			if (!json_is_number(v) && !json_is_null(v))
				return dur_error_set(c->err, DUR_EPARSE, "'%s': %s.replicate_estimates[%zu]: "
						     "must be a number or null", c->name, path, i);
			iv->estimates[i] = json_is_null(v) ? NAN : json_number_value(v);
			iv->nestimates++;
		}
	}
	if ((rc = jx_number_or_null(c, o, path, "lower", &iv->lower)))
		return rc;
	if (isnan(iv->lower)) {
		iv->have = 0;
		if ((rc = jx_string(c, o, path, "reason", &reason)))
			return rc;
		return est_strdup(&iv->reason, reason) ? nomem(c->err) : DUR_OK;
	}
	iv->have = 1;
	if ((rc = jx_number_or_null(c, o, path, "upper", &iv->upper)))
		return rc;
	if (isnan(iv->upper)) {
		iv->upper_open = 1;
		if ((rc = jx_number(c, o, path, "upper_above", &iv->upper)))
			return rc;
	}
	if (iv->method == DUR_INTERVAL_BCA) {
		const char *from = NULL;
		if ((rc = jx_string(c, o, path, "acceleration_from", &from)))
			return rc;
		iv->acceleration_influence = strcmp(from, "influence") == 0;
		if ((rc = jx_number_or_null(c, o, path, "acceleration", &iv->acceleration)) ||
		    (rc = jx_number_or_null(c, o, path, "bias_correction", &iv->bias_correction)) ||
		    (rc = jx_int(c, o, path, "replicates_without_estimate", 0, 10000000, &n)))
			return rc;
		iv->replicates_failed = (size_t)n;
	}
	return DUR_OK;
}

static dur_err pattern_parse(const struct jx *c, const char *path, const char *s, size_t k,
			     unsigned *out)
{
	unsigned p = 0;
	if (strlen(s) != k)
		goto bad;
	for (size_t i = 0; i < k; i++) {
		if (s[i] != '0' && s[i] != '1')
			goto bad;
		p |= (unsigned)(s[i] == '1') << i;
	}
	if (!p)
		goto bad;
	*out = p;
	return DUR_OK;
bad:
	return dur_error_set(c->err, DUR_EPARSE, "'%s': %s.pattern: must be %zu digits 0 or 1, "
			     "not all 0", c->name, path, k);
}

static dur_err model_from_json(const struct jx *c, const json_t *m, const char *path,
			       struct dur_estimate_result *r)
{
	const char *sel = NULL;
	long long v;
	dur_err rc;
	char p[600];

	if ((rc = jx_string(c, m, path, "selection", &sel)))
		return rc;
	if (est_strdup(&r->model, sel))
		return nomem(c->err);
	if (!json_object_get(m, "deviance"))
		return DUR_OK;   /* a method without a fitted log-linear model */
	r->have_fit = 1;
	if (strcmp(sel, "stepwise") == 0) {
		json_t *st, *e;
		size_t i;
		if ((rc = jx_number(c, m, path, "pthresh", &r->pthresh)) ||
		    (rc = jx_array(c, m, path, "steps", &st)))
			return rc;
		r->steps = calloc(json_array_size(st) + 1, sizeof(*r->steps));
		if (!r->steps)
			return nomem(c->err);
		json_array_foreach(st, i, e) {
			const char *term = NULL;
			jx_index(p, sizeof(p), path, "steps", i);
			if ((rc = jx_string(c, e, p, "term", &term)) ||
			    (rc = jx_number(c, e, p, "p", &r->steps[i].p)))
				return rc;
			if (est_strdup(&r->steps[i].term, term))
				return nomem(c->err);
			r->nsteps++;
		}
	}
	if ((rc = jx_strings(c, m, path, "terms", &r->terms, &r->nterms)) ||
	    (rc = jx_strings(c, m, path, "empty_overlaps", &r->empty_overlaps, &r->nempty)) ||
	    (rc = jx_number_or_null(c, m, path, "deviance", &r->deviance)) ||
	    (rc = jx_number_or_null(c, m, path, "aic", &r->aic)) ||
	    (rc = jx_number_or_null(c, m, path, "bic", &r->bic)) ||
	    (rc = jx_number_or_null(c, m, path, "loglik", &r->loglik)) ||
	    (rc = jx_number_or_null(c, m, path, "intercept", &r->intercept)) ||
	    (rc = jx_number_or_null(c, m, path, "se_intercept", &r->se_intercept)))
		return rc;
	if ((rc = jx_int(c, m, path, "df", -1000000, 1000000, &v)))
		return rc;
	r->df = (int)v;
	if ((rc = jx_int(c, m, path, "cells", 0, 1 << 16, &v)))
		return rc;
	r->cells_kept = (int)v;
	if ((rc = jx_int(c, m, path, "parameters", 0, 1 << 16, &v)))
		return rc;
	r->parameters = (int)v;
	if ((rc = jx_int(c, m, path, "iterations", 0, 1 << 30, &v)))
		return rc;
	r->iterations = (int)v;
	if ((rc = jx_int(c, m, path, "models_considered", 0, 1LL << 40, &v)))
		return rc;
	r->models_considered = (size_t)v;
	if ((rc = jx_int(c, m, path, "models_without_estimate", 0, 1LL << 40, &v)))
		return rc;
	r->models_without_estimate = (size_t)v;
	return DUR_OK;
}

dur_err est_result_from_json(const json_t *o, const char *name, const char *path,
			     char *const *lists, size_t k, struct dur_estimate_result *r,
			     struct dur_error *err)
{
	struct jx c = { name, err };
	const char *s = NULL;
	json_t *v, *a, *e;
	size_t i;
	char p[600];
	dur_err rc;

	(void)lists;
	dur_estimate_result_init(r);
	if ((rc = jx_string(&c, o, path, "method", &s)))
		return rc;
	if (est_strdup(&r->method, s))
		return nomem(err);
	s = NULL;
	if ((rc = jx_string(&c, o, path, "summary", &s)))
		return rc;
	if (est_strdup(&r->summary, s))
		return nomem(err);
	if ((rc = jx_number(&c, o, path, "observed", &r->observed)) ||
	    (rc = jx_number_or_null(&c, o, path, "estimate", &r->estimate)))
		return rc;
	if (isnan(r->estimate)) {
		s = NULL;
		if ((rc = jx_string(&c, o, path, "reason", &s)))
			return rc;
		if (est_strdup(&r->reason, s))
			return nomem(err);
	} else {
		r->have_estimate = 1;
		if ((rc = jx_number(&c, o, path, "unseen", &r->unseen)) ||
		    (rc = jx_number_opt(&c, o, path, "se", &r->se)) ||
		    (rc = jx_object(&c, o, path, "interval", &v)) ||
		    (rc = interval_from_json(&c, v, jx_path(p, sizeof(p), path, "interval"),
					     &r->interval)))
			return rc;
	}
	if ((v = json_object_get(o, "model"))) {
		if (!json_is_object(v))
			return dur_error_set(err, DUR_EPARSE, "'%s': %s: must be an object", name,
					     jx_path(p, sizeof(p), path, "model"));
		if ((rc = model_from_json(&c, v, jx_path(p, sizeof(p), path, "model"), r)))
			return rc;
	}
	if ((a = json_object_get(o, "candidates"))) {
		if (!json_is_array(a))
			return dur_error_set(err, DUR_EPARSE, "'%s': %s: must be an array", name,
					     jx_path(p, sizeof(p), path, "candidates"));
		r->candidates = calloc(json_array_size(a) + 1, sizeof(*r->candidates));
		if (!r->candidates)
			return nomem(err);
		json_array_foreach(a, i, e) {
			struct dur_estimate_candidate *cd = &r->candidates[i];
			long long df;
			const char *crit = json_object_get(e, "bic") ? "bic"
					   : json_object_get(e, "posterior") ? "posterior" : "aic";
			snprintf(r->criterion, sizeof(r->criterion), "%s", crit);
			jx_index(p, sizeof(p), path, "candidates", i);
			r->ncandidates++;
			if (strcmp(crit, "posterior") == 0) {
				cd->criterion = cd->estimate = cd->deviance = NAN;
				if ((rc = jx_strings(&c, e, p, "cliques", &cd->terms, &cd->nterms)) ||
				    (rc = jx_number(&c, e, p, "posterior", &cd->weight)))
					return rc;
				continue;
			}
			if ((rc = jx_strings(&c, e, p, "terms", &cd->terms, &cd->nterms)) ||
			    (rc = jx_number(&c, e, p, crit, &cd->criterion)) ||
			    (rc = jx_number(&c, e, p, "weight", &cd->weight)) ||
			    (rc = jx_number(&c, e, p, "estimate", &cd->estimate)) ||
			    (rc = jx_number(&c, e, p, "deviance", &cd->deviance)) ||
			    (rc = jx_int(&c, e, p, "df", -1000000, 1000000, &df)))
				return rc;
			cd->df = (int)df;
		}
	}
	if ((v = json_object_get(o, "posterior"))) {
		json_t *h, *pr, *x;
		char pp[640], hp[700];
		long long n;
		jx_path(pp, sizeof(pp), path, "posterior");
		r->have_posterior = 1;
		if ((rc = jx_number_or_null(&c, v, pp, "mean", &r->posterior_mean)) ||
		    (rc = jx_object(&c, v, pp, "histogram", &h)))
			return rc;
		jx_path(hp, sizeof(hp), pp, "histogram");
		if ((rc = jx_number(&c, h, hp, "from", &r->hist_from)) ||
		    (rc = jx_number(&c, h, hp, "to", &r->hist_to)) ||
		    (rc = jx_array(&c, h, hp, "probabilities", &pr)))
			return rc;
		if (!(r->hist = calloc(json_array_size(pr) + 1, sizeof(double))))
			return nomem(err);
		json_array_foreach(pr, i, x) {
			if (!json_is_number(x))
				return dur_error_set(err, DUR_EPARSE, "'%s': %s.probabilities[%zu]: must "
						     "be a number", name, hp, i);
			r->hist[r->nhist++] = json_number_value(x);
		}
		if (json_object_get(v, "models_averaged")) {
			if ((rc = jx_int(&c, v, pp, "models_averaged", 0, 1LL << 40, &n)))
				return rc;
			r->nmodels_averaged = (size_t)n;
		}
		if (json_object_get(v, "chains")) {
			if ((rc = jx_int(&c, v, pp, "chains", 1, 1000, &n)) ||
			    (rc = jx_number_or_null(&c, v, pp, "rhat", &r->rhat)) ||
			    (rc = jx_number_or_null(&c, v, pp, "ess", &r->ess)))
				return rc;
			r->chains = (int)n;
		}
	}
	if ((a = json_object_get(o, "cells"))) {
		if (!json_is_array(a))
			return dur_error_set(err, DUR_EPARSE, "'%s': %s: must be an array", name,
					     jx_path(p, sizeof(p), path, "cells"));
		r->cells = calloc(json_array_size(a) + 1, sizeof(*r->cells));
		if (!r->cells)
			return nomem(err);
		json_array_foreach(a, i, e) {
			struct dur_estimate_cell *cl = &r->cells[i];
			jx_index(p, sizeof(p), path, "cells", i);
			s = NULL;
			if ((rc = jx_string(&c, e, p, "pattern", &s)) ||
			    (rc = pattern_parse(&c, p, s, k, &cl->pattern)) ||
			    (rc = jx_number(&c, e, p, "observed", &cl->observed)) ||
			    (rc = jx_number_or_null(&c, e, p, "fitted", &cl->fitted)))
				return rc;
			r->ncells++;
		}
	}
	return jx_strlist(&c, o, path, "warnings", &r->warnings);
}

static dur_err table_from_json(const struct jx *c, const json_t *o, const char *path,
			       int stratum, struct dur_estimate_table *t)
{
	const char *s = NULL;
	json_t *a, *e, *d;
	size_t i;
	char p[600];
	dur_err rc;

	if (stratum) {
		if ((rc = jx_string(c, o, path, "stratum", &s)))
			return rc;
		if (est_strdup(&t->stratum, s))
			return nomem(c->err);
	}
	if (json_is_true(json_object_get(o, "failed"))) {
		s = NULL;
		if ((rc = jx_string(c, o, path, "reason", &s)))
			return rc;
		return est_strdup(&t->failure, s) ? nomem(c->err) : DUR_OK;
	}
	if ((rc = jx_strings(c, o, path, "lists", &t->lists, &t->nlists)))
		return rc;
	if (t->nlists < DUR_TABLE_MIN_LISTS || t->nlists > DUR_TABLE_MAX_LISTS)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: must name 2 to 15 lists",
				     c->name, jx_path(p, sizeof(p), path, "lists"));
	if ((rc = est_result_from_json(o, c->name, path, t->lists, t->nlists, &t->main, c->err)))
		return rc;
	t->observed = t->main.observed;
	if ((a = json_object_get(o, "comparison"))) {
		if (!json_is_array(a))
			return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: must be an array",
					     c->name, jx_path(p, sizeof(p), path, "comparison"));
		t->compare = calloc(json_array_size(a) + 1, sizeof(*t->compare));
		if (!t->compare)
			return nomem(c->err);
		json_array_foreach(a, i, e) {
			jx_index(p, sizeof(p), path, "comparison", i);
			t->ncompare++;
			if ((rc = est_result_from_json(e, c->name, p, t->lists, t->nlists,
						       &t->compare[i], c->err)))
				return rc;
		}
	}
	if ((d = json_object_get(o, "diagnostics"))) {
		char dp[600];
		jx_path(dp, sizeof(dp), path, "diagnostics");
		json_t *co = json_object_get(d, "catchability");
		struct dur_estimate_catchability *ct = &t->catchability;
		ct->low = ct->high = ct->p = ct->statistic = ct->tau = NAN;
		if (co) {
			char cp[640];
			jx_path(cp, sizeof(cp), dp, "catchability");
			if (json_object_get(co, "reason")) {
				s = NULL;
				if ((rc = jx_string(c, co, cp, "reason", &s)))
					return rc;
				if (est_strdup(&ct->reason, s))
					return nomem(c->err);
			} else {
				long long v;
				ct->tested = 1;
				if ((rc = jx_number_or_null(c, co, cp, "statistic", &ct->statistic)) ||
				    (rc = jx_number_or_null(c, co, cp, "p", &ct->p)) ||
				    (rc = jx_number_or_null(c, co, cp, "tau", &ct->tau)) ||
				    (rc = jx_number_or_null(c, co, cp, "low", &ct->low)) ||
				    (rc = jx_number_or_null(c, co, cp, "high", &ct->high)) ||
				    (rc = jx_bool(c, co, cp, "warn", &ct->warn)))
					return rc;
				if ((rc = jx_int(c, co, cp, "pairs_over", 0, 200, &v)))
					return rc;
				ct->pairs_over = (int)v;
				if ((rc = jx_int(c, co, cp, "pairs", 0, 200, &v)))
					return rc;
				ct->pairs = (int)v;
			}
		}
		if ((rc = jx_array(c, d, dp, "list_omission", &a)))
			return rc;
		t->omit = calloc(json_array_size(a) + 1, sizeof(*t->omit));
		if (!t->omit)
			return nomem(c->err);
		json_array_foreach(a, i, e) {
			struct dur_estimate_omission *m = &t->omit[i];
			jx_index(p, sizeof(p), dp, "list_omission", i);
			t->nomit++;
			s = NULL;
			if ((rc = jx_string(c, e, p, "list", &s)))
				return rc;
			if (est_strdup(&m->list, s))
				return nomem(c->err);
			if ((rc = jx_number_or_null(c, e, p, "estimate", &m->estimate)))
				return rc;
			if (isnan(m->estimate)) {
				s = NULL;
				if ((rc = jx_string(c, e, p, "reason", &s)))
					return rc;
				if (est_strdup(&m->reason, s))
					return nomem(c->err);
				m->lower = m->upper = NAN;
			} else {
				m->have_estimate = 1;
				if ((rc = jx_number_or_null(c, e, p, "lower", &m->lower)) ||
				    (rc = jx_number_or_null(c, e, p, "upper", &m->upper)))
					return rc;
			}
		}
	}
	return DUR_OK;
}

static dur_err linkage_from_json(struct jx *c, const json_t *j, struct dur_estimate_doc *d)
{
	struct dur_estimate_linkage *lk;
	const char *s = NULL;
	json_t *l, *a, *e;
	long long v;
	size_t i;
	dur_err rc;

	if ((rc = jx_object(c, j, "", "linkage", &l)))
		return rc;
	if (!(lk = d->linkage = calloc(1, sizeof(*lk))))
		return nomem(c->err);
	if ((rc = jx_string(c, l, "linkage", "file", &s)))
		return rc;
	if (est_strdup(&lk->input_name, s))
		return nomem(c->err);
	if ((rc = jx_string(c, l, "linkage", "sha256", &s)))
		return rc;
	if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': linkage.sha256: must be 64 "
				     "hexadecimal digits", c->name);
	memcpy(lk->sha256, s, 65);
	if ((rc = jx_int(c, l, "linkage", "draws", 0, DUR_ESTIMATE_MAX_DRAWS, &v)))
		return rc;
	lk->ndraws = (size_t)v;
	if ((rc = jx_int(c, l, "linkage", "failed", 0, (long long)lk->ndraws, &v)))
		return rc;
	lk->nfailed = (size_t)v;
	if ((rc = jx_number(c, l, "linkage", "level", &lk->level)) ||
	    (rc = jx_number_or_null(c, l, "linkage", "median", &lk->median)) ||
	    (rc = jx_number_or_null(c, l, "linkage", "lower", &lk->lower)) ||
	    (rc = jx_number_or_null(c, l, "linkage", "upper", &lk->upper)) ||
	    (rc = jx_number_or_null(c, l, "linkage", "min", &lk->min)) ||
	    (rc = jx_number_or_null(c, l, "linkage", "max", &lk->max)) ||
	    (rc = jx_array(c, l, "linkage", "estimates", &a)))
		return rc;
	if (!(lk->level > 0 && lk->level < 1))
		return dur_error_set(c->err, DUR_EPARSE, "'%s': linkage.level: must be between 0 "
				     "and 1", c->name);
	if (json_array_size(a) != lk->ndraws)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': linkage.estimates: %zu values for "
				     "%zu draws", c->name, json_array_size(a), lk->ndraws);
	if (!(lk->estimates = malloc((lk->ndraws + 1) * sizeof(double))))
		return nomem(c->err);
	json_array_foreach(a, i, e) {
		if (json_is_null(e))
			lk->estimates[i] = NAN;
		else if (json_is_number(e))
			lk->estimates[i] = json_number_value(e);
		else
			return dur_error_set(c->err, DUR_EPARSE, "'%s': linkage.estimates[%zu]: "
					     "must be a number or null", c->name, i);
	}
	return DUR_OK;
}

dur_err dur_estimate_doc_from_json(const json_t *j, const char *name,
				   struct dur_estimate_doc **out, struct dur_error *err)
{
	struct jx c = { name ? name : "<input>", err };
	struct dur_estimate_doc *d;
	const char *s = NULL;
	json_t *in, *sw, *a, *e;
	long long v;
	size_t i;
	dur_err rc;

	*out = NULL;
	if (!json_is_object(j))
		return dur_error_set(err, DUR_EPARSE, "'%s': not an estimate document", c.name);
	if ((rc = jx_string(&c, j, "", "format", &s)))
		return rc;
	if (strcmp(s, DUR_ESTIMATE_FORMAT) != 0)
		return dur_error_set(err, DUR_EPARSE, "'%s': format: not an estimate document",
				     c.name);
	if ((rc = jx_int(&c, j, "", "format_version", 1, 1000, &v)))
		return rc;
	if (v != DUR_ESTIMATE_FORMAT_VERSION)
		return dur_error_set(err, DUR_EPARSE, "'%s': format_version: this duress reads "
				     "version %d of estimate documents, not %lld", c.name,
				     DUR_ESTIMATE_FORMAT_VERSION, v);
	if (!(d = calloc(1, sizeof(*d))))
		return nomem(err);
	d->version = (int)v;
#define TRY(x) do { if ((rc = (x)) != DUR_OK) goto fail; } while (0)
#define DUP(dst, src) do { if (est_strdup(&(dst), (src))) { rc = nomem(err); goto fail; } } while (0)
	TRY(jx_object(&c, j, "", "input", &in));
	s = NULL;
	TRY(jx_string(&c, in, "input", "file", &s));
	DUP(d->input_name, s);
	TRY(jx_string(&c, in, "input", "sha256", &s));
	if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': input.sha256: must be 64 hexadecimal "
				   "digits", c.name);
		goto fail;
	}
	memcpy(d->sha256, s, 65);
	TRY(jx_strings(&c, in, "input", "lists", &d->input_lists, &d->ninput_lists));
	TRY(jx_string(&c, in, "input", "form", &s));
	DUP(d->form, s);
	TRY(jx_int(&c, in, "input", "rows", 0, 1LL << 40, &v));
	d->rows = (size_t)v;
	TRY(table_from_json(&c, j, "", 0, &d->total));
	s = NULL;
	TRY(jx_string_opt(&c, j, "", "by", &s));
	if (s) {
		DUP(d->by, s);
		TRY(jx_array(&c, j, "", "strata", &a));
		d->strata = calloc(json_array_size(a) + 1, sizeof(*d->strata));
		if (!d->strata) {
			rc = nomem(err);
			goto fail;
		}
		json_array_foreach(a, i, e) {
			char p[64];
			snprintf(p, sizeof(p), "strata[%zu]", i);
			d->nstrata++;
			TRY(table_from_json(&c, e, p, 1, &d->strata[i]));
		}
	}
	TRY(jx_object(&c, j, "", "software", &sw));
	TRY(jx_string(&c, sw, "software", "version", &s));
	DUP(d->software_version, s);
	TRY(jx_string(&c, sw, "software", "git", &s));
	DUP(d->software_git, s);
	TRY(jx_string(&c, sw, "software", "build", &s));
	DUP(d->software_build, s);
	TRY(jx_object(&c, j, "", "parameters", &e));
	d->parameters = json_deep_copy(e);
	if (json_object_get(j, "linkage") && !json_is_null(json_object_get(j, "linkage")))
		TRY(linkage_from_json(&c, j, d));
#undef TRY
#undef DUP
	*out = d;
	return DUR_OK;
fail:
	dur_estimate_doc_free(d);
	return rc;
}

/* ---- freeing ------------------------------------------------------------- */

static void table_release(struct dur_estimate_table *t)
{
	free(t->stratum);
	jx_free_strings(t->lists, t->nlists);
	dur_estimate_result_release(&t->main);
	for (size_t i = 0; i < t->ncompare; i++)
		dur_estimate_result_release(&t->compare[i]);
	free(t->compare);
	for (size_t i = 0; i < t->nomit; i++) {
		free(t->omit[i].list);
		free(t->omit[i].reason);
	}
	free(t->omit);
	free(t->catchability.reason);
	free(t->failure);
	memset(t, 0, sizeof(*t));
}

void dur_estimate_doc_free(struct dur_estimate_doc *d)
{
	if (!d)
		return;
	free(d->input_name);
	free(d->form);
	jx_free_strings(d->input_lists, d->ninput_lists);
	free(d->by);
	table_release(&d->total);
	for (size_t i = 0; i < d->nstrata; i++)
		table_release(&d->strata[i]);
	free(d->strata);
	free(d->software_version);
	free(d->software_git);
	free(d->software_build);
	json_decref(d->parameters);
	if (d->linkage) {
		free(d->linkage->input_name);
		free(d->linkage->estimates);
		free(d->linkage);
	}
	free(d);
}

int dur_estimate_doc_incomplete(const struct dur_estimate_doc *d)
{
	if (!d->total.main.have_estimate)
		return 1;
	for (size_t i = 0; i < d->nstrata; i++)
		if (d->strata[i].failure || !d->strata[i].main.have_estimate)
			return 1;
	return 0;
}
