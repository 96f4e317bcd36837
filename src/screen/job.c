/*
 * The screening-summary job: a batch of cases screened against chosen
 * frameworks, counted per framework (and sector) with small counts
 * rounded - the figures a manifest records and `reproduce` re-runs.  The
 * command line and a manifest give the same parameters, so both run this.
 */
#include "screen/screen_internal.h"
#include "core/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dur_err dur_framework_set_option_spec(dur_framework_set *set, const char *spec,
				      struct dur_error *err)
{
	char buf[256], *dot, *eq;
	int value;

	if (strlen(spec) >= sizeof(buf))
		return dur_error_set(err, DUR_EINVAL, "a framework option is written FW.NAME=yes|no "
				     "(this one is too long)");
	strcpy(buf, spec);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || eq < dot)
		return dur_error_set(err, DUR_EINVAL, "the framework option '%.80s' is not written "
				     "FW.NAME=yes|no", spec);
	*dot = '\0';
	*eq = '\0';
	if (strcmp(eq + 1, "yes") == 0)
		value = 1;
	else if (strcmp(eq + 1, "no") == 0)
		value = 0;
	else
		return dur_error_set(err, DUR_EINVAL, "the framework option '%.80s': the value is yes "
				     "or no", spec);
	return dur_framework_set_option(set, buf, dot + 1, value, err);
}

void dur_screen_summary_default_params(struct dur_screen_summary_params *p)
{
	memset(p, 0, sizeof(*p));
	p->input_format = "csv";
	p->resolution = 10;
}

json_t *dur_screen_summary_params_to_json(const struct dur_screen_summary_params *p)
{
	json_t *j = json_object(), *fw = json_array(), *op = json_array();
	for (size_t i = 0; i < p->nframeworks; i++)
		json_array_append_new(fw, json_string(p->frameworks[i]));
	for (size_t i = 0; i < p->noptions; i++)
		json_array_append_new(op, json_string(p->options[i]));
	jx_set(j, "frameworks", fw);
	jx_set(j, "options", op);
	jx_set(j, "input_format", json_string(p->input_format));
	{
		char sep[2] = { p->sep ? p->sep : ',', 0 };
		jx_set(j, "sep", json_string(sep));
	}
	jx_set(j, "resolution", json_integer((json_int_t)p->resolution));
	return j;
}

static dur_err strings(const struct jx *c, const json_t *j, const char *key, const char **dst,
		       size_t *n)
{
	json_t *a, *v;
	size_t i;
	dur_err rc = jx_array(c, j, "parameters", key, &a);
	if (rc)
		return rc;
	if (json_array_size(a) > DUR_SCREEN_MAX_SELECT)
		return dur_error_set(c->err, DUR_EPARSE, "parameters.%s: at most %d entries", key,
				     DUR_SCREEN_MAX_SELECT);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return dur_error_set(c->err, DUR_EPARSE, "parameters.%s[%zu]: must be a string",
					     key, i);
		dst[i] = json_string_value(v);
	}
	*n = json_array_size(a);
	return DUR_OK;
}

dur_err dur_screen_summary_params_from_json(const json_t *j,
					    struct dur_screen_summary_params *p,
					    struct dur_error *err)
{
	static const char *const keys[] = { "frameworks", "options", "input_format", "sep",
					    "resolution", NULL };
	const char *sep = ",";
	struct jx c = { NULL, err };
	long long r;
	dur_err rc;

	dur_screen_summary_default_params(p);
	if (!json_is_object(j))
		return dur_error_set(err, DUR_EPARSE, "parameters: must be an object");
	if ((rc = jx_only(&c, j, "parameters", keys)) ||
	    (rc = strings(&c, j, "frameworks", p->frameworks, &p->nframeworks)) ||
	    (rc = strings(&c, j, "options", p->options, &p->noptions)) ||
	    (rc = jx_string(&c, j, "parameters", "input_format", &p->input_format)) ||
	    (rc = jx_string_opt(&c, j, "parameters", "sep", &sep)) ||
	    (rc = jx_int(&c, j, "parameters", "resolution", 1, 1000000000, &r)))
		return rc;
	p->resolution = (unsigned long)r;
	if (strlen(sep) != 1 || !strchr(",;\t|", sep[0]))
		return dur_error_set(err, DUR_EPARSE, "parameters.sep: must be one of , ; | or a tab");
	p->sep = sep[0];
	if (strcmp(p->input_format, "csv") != 0 && strcmp(p->input_format, "jsonl") != 0)
		return dur_error_set(err, DUR_EPARSE, "parameters.input_format: must be csv or jsonl");
	return DUR_OK;
}

dur_err dur_screen_summary_run(dur_framework_set *set, const char *buf, size_t len,
			       const char *name, const struct dur_screen_summary_params *p,
			       dur_screen_summary **out, struct dur_error *err)
{
	dur_screen_batch *batch = NULL;
	dur_screen_summary *sum = NULL;
	dur_screen_result *res = NULL;
	dur_err rc;

	*out = NULL;
	for (size_t i = 0; i < p->nframeworks; i++)
		if (dur_framework_set_find(set, p->frameworks[i]) < 0)
			return dur_error_set(err, DUR_EINVAL, "the framework '%.64s' is not loaded",
					     p->frameworks[i]);
	for (size_t i = 0; i < p->noptions; i++)
		if ((rc = dur_framework_set_option_spec(set, p->options[i], err)))
			return rc;
	rc = strcmp(p->input_format, "jsonl") == 0
		     ? dur_screen_batch_parse_jsonl(set, buf, len, name, &batch, err)
		     : dur_screen_batch_parse_csv_sep(set, buf, len, name, p->sep, &batch, err);
	if (rc)
		return rc;
	if (!(sum = dur_screen_summary_alloc())) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < dur_screen_batch_count(batch); i++) {
		const dur_screen_case *c = dur_screen_batch_case(batch, i);
		if ((rc = dur_screen_evaluate(set, c, p->frameworks, p->nframeworks, &res, err)) ||
		    (rc = dur_screen_summary_add(sum, c, res, err))) {
			dur_error_prefix(err, "'%s': case %zu", name, i + 1);
			goto out;
		}
		dur_screen_result_free(res);
		res = NULL;
	}
	*out = sum;
	sum = NULL;
out:
	dur_screen_result_free(res);
	dur_screen_summary_free(sum);
	dur_screen_batch_free(batch);
	return rc;
}
