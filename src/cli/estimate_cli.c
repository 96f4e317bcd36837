/*
 * The estimation job as the CLI runs it: read the input, estimate the
 * total and each stratum, and assemble one JSON document.  Used by
 * `estimate` and by `reproduce`, so that both run exactly the same steps.
 */
#include "cli.h"
#include "estimate_cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <duress/table.h>
#include <duress/version.h>

#define INPUT_CAP ((size_t)1 << 31)

static void progress(size_t done, size_t total, const char *label)
{
	int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
	fprintf(stderr, "\rbootstrap%s%s [", label ? " " : "", label ? label : "");
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '#' : '.', stderr);
	fprintf(stderr, "] %zu/%zu", done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static json_t *estimate_one(const struct dur_table *t, const struct estimate_opts *o,
			    const char *label, int *no_estimate, struct dur_error *err)
{
	struct dur_estimate_run run;
	json_t *r = NULL;
	dur_err rc;

	rc = dur_estimate_begin(t, &o->p, &run, err);
	if (rc != DUR_OK)
		goto out;
	for (;;) {
		rc = dur_estimate_step(&run, 25, err);
		if (run.boot && o->progress)
			progress(dur_mse_boot_done(run.boot), o->p.bootstrap, label);
		if (rc != DUR_CONTINUE)
			break;
	}
	if (rc != DUR_OK)
		goto out;
	r = dur_estimate_finish(&run, err);
	if (!run.have_estimate)
		*no_estimate = 1;
out:
	dur_estimate_release(&run);
	return r;
}

json_t *estimate_params_json(const struct estimate_opts *o)
{
	json_t *p = json_object();
	json_object_set_new(p, "by", o->by ? json_string(o->by) : json_null());
	json_object_set_new(p, "lists", o->lists ? json_string(o->lists) : json_null());
	json_object_set_new(p, "model", json_string(o->model ? o->model : "stepwise"));
	json_object_set_new(p, "select", o->select ? json_string(o->select) : json_null());
	json_object_set_new(p, "pthresh", json_real(o->p.pthresh));
	json_object_set_new(p, "interval", json_string(dur_interval_name(o->p.interval)));
	json_object_set_new(p, "level", json_real(o->p.level));
	json_object_set_new(p, "bootstrap", json_integer((json_int_t)o->p.bootstrap));
	/* the seed as a string: all 64 bits survive any JSON reader */
	{
		char s[32];
		snprintf(s, sizeof(s), "%llu", (unsigned long long)o->p.seed);
		json_object_set_new(p, "seed", json_string(s));
	}
	return p;
}

dur_err estimate_params_from_json(json_t *params, struct estimate_opts *o,
				  struct dur_error *err)
{
	json_t *v;
	const char *s;

	if (!json_is_object(params))
		return dur_error_set(err, DUR_EPARSE, "'parameters' is not an object");
#define STR_OR_NULL(key, dst) do { \
	v = json_object_get(params, key); \
	if (v && !json_is_null(v) && !json_is_string(v)) \
		return dur_error_set(err, DUR_EPARSE, "parameters.%s is not a string", key); \
	dst = v && json_is_string(v) ? json_string_value(v) : NULL; \
} while (0)
	STR_OR_NULL("by", o->by);
	STR_OR_NULL("lists", o->lists);
	STR_OR_NULL("model", o->model);
	STR_OR_NULL("select", o->select);
	STR_OR_NULL("interval", s);
	if (!s || !o->model)
		return dur_error_set(err, DUR_EPARSE, "parameters.model and .interval are required");
	if (strcmp(s, "bca") == 0)
		o->p.interval = DUR_INTERVAL_BCA;
	else if (strcmp(s, "profile") == 0)
		o->p.interval = DUR_INTERVAL_PROFILE;
	else if (strcmp(s, "analytic") == 0)
		o->p.interval = DUR_INTERVAL_ANALYTIC;
	else if (strcmp(s, "none") == 0)
		o->p.interval = DUR_INTERVAL_NONE;
	else
		return dur_error_set(err, DUR_EPARSE, "parameters.interval '%s' is unknown", s);
	v = json_object_get(params, "pthresh");
	if (!json_is_number(v))
		return dur_error_set(err, DUR_EPARSE, "parameters.pthresh is not a number");
	o->p.pthresh = json_number_value(v);
	v = json_object_get(params, "level");
	if (!json_is_number(v))
		return dur_error_set(err, DUR_EPARSE, "parameters.level is not a number");
	o->p.level = json_number_value(v);
	v = json_object_get(params, "bootstrap");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return dur_error_set(err, DUR_EPARSE, "parameters.bootstrap is not a count");
	o->p.bootstrap = (size_t)json_integer_value(v);
	STR_OR_NULL("seed", s);
	if (!s)
		return dur_error_set(err, DUR_EPARSE, "parameters.seed is missing");
	o->p.seed = strtoull(s, NULL, 10);
	o->seed_given = 1;
#undef STR_OR_NULL
	/* method from model/select, as the command line does */
	if (o->select) {
		o->p.method = strcmp(o->select, "bic") == 0 ? DUR_MSE_BIC : DUR_MSE_AIC;
	} else if (strcmp(o->model, "stepwise") == 0) {
		o->p.method = DUR_MSE_STEPWISE;
	} else {
		o->p.method = DUR_MSE_FIXED;
		o->p.terms = o->model;
	}
	return DUR_OK;
}

dur_err estimate_execute(const struct estimate_opts *o, json_t **doc, int *no_estimate,
			 struct dur_error *err)
{
	struct dur_table_read_params rp = { o->by, o->lists };
	struct dur_table_set *set = NULL;
	char *buf = NULL, hex[65];
	size_t len;
	json_t *d = NULL, *input, *r, *lists;
	dur_err rc;

	*doc = NULL;
	*no_estimate = 0;
	rc = cli_read_file(o->file, INPUT_CAP, &buf, &len, err);
	if (rc != DUR_OK)
		return rc;
	cli_sha256_hex(buf, len, hex);
	rc = dur_table_read_csv(buf, len, o->file, &rp, &set, err);
	if (rc != DUR_OK)
		goto out;
	r = estimate_one(set->total, o, set->nstrata ? "(total)" : NULL, no_estimate, err);
	if (!r) {
		rc = err ? err->code : DUR_EINVAL;
		if (rc == DUR_OK)
			rc = DUR_EINVAL;
		dur_error_prefix(err, "'%s'", o->file);
		goto out;
	}
	d = r;
	input = json_object();
	lists = json_array();
	for (int i = 0; i < set->total->k; i++)
		json_array_append_new(lists, json_string(set->total->names[i]));
	json_object_set_new(input, "file", json_string(o->file));
	json_object_set_new(input, "sha256", json_string(hex));
	json_object_set_new(input, "lists", lists);
	json_object_set_new(input, "form", json_string(set->individual ? "individual" : "aggregated"));
	json_object_set_new(input, "rows", json_integer((json_int_t)set->rows));
	json_object_set_new(d, "input", input);
	if (set->nstrata) {
		json_t *strata = json_array();
		json_object_set_new(d, "by", json_string(o->by));
		for (size_t s = 0; s < set->nstrata; s++) {
			json_t *sr = estimate_one(set->stratum[s], o, set->label[s], no_estimate, err);
			if (!sr) {
				/* a stratum that cannot be estimated at all (e.g. one list
				 * left) is reported, not fatal: the total still stands */
				sr = json_pack("{s:n,s:s}", "estimate", "reason", err ? err->msg : "failed");
				*no_estimate = 1;
			}
			json_object_set_new(sr, "stratum", json_string(set->label[s]));
			json_array_append_new(strata, sr);
		}
		json_object_set_new(d, "strata", strata);
	}
	json_object_set_new(d, "software",
			    json_pack("{s:s,s:s,s:s,s:s}", "name", "duress", "version", dur_version(),
				      "git", dur_version_git(), "build", dur_version_build()));
	json_object_set_new(d, "parameters", estimate_params_json(o));
	*doc = d;
	d = NULL;
	rc = DUR_OK;
out:
	json_decref(d);
	dur_table_set_free(set);
	free(buf);
	return rc;
}
