/*
 * The parameters of an estimation: defaults, checks, and the JSON form
 * recorded in manifests (strict both ways).  See include/duress/estimate.h.
 */
#include "mse/estimate_internal.h"
#include "core/jsonx.h"
#include <duress/closed.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

void dur_estimate_default_params(struct dur_estimate_params *p)
{
	memset(p, 0, sizeof(*p));
	p->method = "loglinear";
	p->model = "stepwise";
	p->select = NULL;
	p->pthresh = 0.02;
	p->interval = DUR_INTERVAL_BCA;
	p->level = 0.95;
	p->bootstrap = 1000;
	p->seed = 1;
	p->threads = 2;
	p->diagnostics = 1;
}

static const char *const interval_names[] = { "none", "analytic", "profile", "bca", "credible" };

const char *dur_interval_name(int m)
{
	if (m < 0 || m >= (int)(sizeof(interval_names) / sizeof(interval_names[0])))
		return "none";
	return interval_names[m];
}

int dur_interval_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(interval_names) / sizeof(interval_names[0]); i++)
		if (strcmp(name, interval_names[i]) == 0)
			return (int)i;
	return -1;
}

dur_err dur_estimate_params_check(const struct dur_estimate_params *p, struct dur_error *err)
{
	const struct dur_estimator_type *T;

	if (!p->method || !(T = dur_estimator_find(p->method)))
		return dur_error_set(err, DUR_EINVAL, "the method '%.64s' is not known",
				     p->method ? p->method : "");
	if (p->select && strcmp(p->select, "aic") != 0 && strcmp(p->select, "bic") != 0)
		return dur_error_set(err, DUR_EINVAL, "the model search is by 'aic' or 'bic'");
	if ((strcmp(p->method, "bma") == 0 || strcmp(p->method, "lcmcr") == 0) && p->model &&
	    strcmp(p->model, "stepwise") != 0 && strcmp(p->model, p->method) != 0)
		return dur_error_set(err, DUR_EINVAL, "the Bayesian methods choose their own models");
	if ((strcmp(p->method, "bma") == 0 || strcmp(p->method, "lcmcr") == 0) &&
	    p->interval != DUR_INTERVAL_CREDIBLE && p->interval != DUR_INTERVAL_NONE)
		return dur_error_set(err, DUR_EINVAL, "the Bayesian methods give a credible interval "
				     "(posterior quantiles)");
	if (strcmp(dur_estimate_method_of_model(p->model), "closed") == 0 &&
	    strcmp(p->method, "closed") != 0)
		return dur_error_set(err, DUR_EINVAL, "the model '%.40s' is a closed-population "
				     "model, not a %s one", p->model, p->method);
	if (strcmp(p->method, "closed") == 0 && dur_closed_model_parse(p->model) < 0)
		return dur_error_set(err, DUR_EINVAL, "the closed-population models are m0, mt, "
				     "mh-chao, mh-poisson, mh-darroch, mh-gamma, mth-chao, "
				     "mth-poisson, mth-darroch, mth-gamma, mb and mbh");
	if (p->select && strcmp(p->method, "loglinear") != 0)
		return dur_error_set(err, DUR_EINVAL, "a model search (AIC or BIC) is over the "
				     "log-linear models");
	if (p->select && p->model && strcmp(p->model, "stepwise") != 0)
		return dur_error_set(err, DUR_EINVAL, "a model search and a given model choose the "
				     "model in two ways: give one");
	if (!(p->pthresh > 0 && p->pthresh < 1))
		return dur_error_set(err, DUR_EINVAL, "the stepwise threshold must be a number "
				     "between 0 and 1");
	if (p->interval < DUR_INTERVAL_NONE || p->interval > DUR_INTERVAL_CREDIBLE)
		return dur_error_set(err, DUR_EINVAL, "the interval method is not known");
	if (!(p->level > 0 && p->level < 1))
		return dur_error_set(err, DUR_EINVAL, "the interval level must be a number between "
				     "0 and 1 (e.g. 0.95)");
	if (p->interval == DUR_INTERVAL_BCA && (p->bootstrap < 10 || p->bootstrap > 10000000))
		return dur_error_set(err, DUR_EINVAL, "the bootstrap needs from 10 to 10,000,000 "
				     "replicates");
	if (p->sep && !strchr(",;\t|", p->sep))
		return dur_error_set(err, DUR_EINVAL, "the separator between values must be a "
				     "comma, a semicolon, a tab or '|'");
	if (p->threads < 1 || p->threads > 64)
		return dur_error_set(err, DUR_EINVAL, "the number of threads must be from 1 to 64");
	return DUR_OK;
}

json_t *dur_estimate_params_to_json(const struct dur_estimate_params *p)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	jx_set(j, "method", json_string(p->method ? p->method : "loglinear"));
	jx_set(j, "model", json_string(p->model ? p->model : "stepwise"));
	jx_set(j, "select", p->select ? json_string(p->select) : json_null());
	jx_set(j, "pthresh", json_real(p->pthresh));
	jx_set(j, "interval", json_string(dur_interval_name(p->interval)));
	jx_set(j, "level", json_real(p->level));
	jx_set(j, "bootstrap", json_integer((json_int_t)p->bootstrap));
	jx_set(j, "seed", jx_u64_new(p->seed));
	jx_set(j, "by", p->by ? json_string(p->by) : json_null());
	jx_set(j, "lists", p->lists ? json_string(p->lists) : json_null());
	{
		char sep[2] = { p->sep ? p->sep : ',', 0 };
		jx_set(j, "sep", json_string(sep));
	}
	jx_set(j, "compare", json_boolean(p->compare));
	jx_set(j, "diagnostics", json_boolean(p->diagnostics));
	return j;
}

dur_err dur_estimate_params_from_json(const json_t *j, struct dur_estimate_params *p,
				      struct dur_error *err)
{
	static const char *const keys[] = { "method", "model", "select", "pthresh", "interval",
		"level", "bootstrap", "seed", "by", "lists", "sep", "compare", "diagnostics", NULL };
	struct jx c = { NULL, err };
	const char *iv = NULL, *sep = ",";
	long long b = 0;
	dur_err rc;

	dur_estimate_default_params(p);
	if (!json_is_object(j))
		return dur_error_set(err, DUR_EPARSE, "parameters: must be an object");
	if ((rc = jx_only(&c, j, "parameters", keys)) ||
	    (rc = jx_string(&c, j, "parameters", "method", &p->method)) ||
	    (rc = jx_string(&c, j, "parameters", "model", &p->model)) ||
	    (rc = jx_string_opt(&c, j, "parameters", "select", &p->select)) ||
	    (rc = jx_number(&c, j, "parameters", "pthresh", &p->pthresh)) ||
	    (rc = jx_string(&c, j, "parameters", "interval", &iv)) ||
	    (rc = jx_number(&c, j, "parameters", "level", &p->level)) ||
	    (rc = jx_int(&c, j, "parameters", "bootstrap", 0, 10000000, &b)) ||
	    (rc = jx_u64_string(&c, j, "parameters", "seed", &p->seed)) ||
	    (rc = jx_string_opt(&c, j, "parameters", "by", &p->by)) ||
	    (rc = jx_string_opt(&c, j, "parameters", "lists", &p->lists)) ||
	    (rc = jx_string_opt(&c, j, "parameters", "sep", &sep)) ||
	    (rc = jx_bool(&c, j, "parameters", "compare", &p->compare)) ||
	    (rc = jx_bool(&c, j, "parameters", "diagnostics", &p->diagnostics)))
		return rc;
	p->bootstrap = (size_t)b;
	if (strlen(sep) != 1 || !strchr(",;\t|", sep[0]))
		return dur_error_set(err, DUR_EPARSE, "parameters.sep: must be one of , ; | or a tab");
	p->sep = sep[0];
	if ((p->interval = dur_interval_parse(iv)) < 0)
		return dur_error_set(err, DUR_EPARSE, "parameters.interval: must be one of none, "
				     "analytic, profile, bca, credible");
	/* ranges, with the key named */
	if (!(p->level > 0 && p->level < 1))
		return dur_error_set(err, DUR_EPARSE, "parameters.level: must be a number between "
				     "0 and 1");
	if (!(p->pthresh > 0 && p->pthresh < 1))
		return dur_error_set(err, DUR_EPARSE, "parameters.pthresh: must be a number between "
				     "0 and 1");
	if (p->interval == DUR_INTERVAL_BCA && p->bootstrap < 10)
		return dur_error_set(err, DUR_EPARSE, "parameters.bootstrap: must be at least 10 "
				     "for a bootstrap interval");
	if (!dur_estimator_find(p->method))
		return dur_error_set(err, DUR_EPARSE, "parameters.method: not a method of this "
				     "version of duress");
	if (p->select && strcmp(p->select, "aic") != 0 && strcmp(p->select, "bic") != 0)
		return dur_error_set(err, DUR_EPARSE, "parameters.select: must be aic, bic or null");
	rc = dur_estimate_params_check(p, err);
	if (rc) {
		dur_error_prefix(err, "parameters");
		if (err)
			err->code = DUR_EPARSE;
	}
	return rc ? DUR_EPARSE : DUR_OK;
}
