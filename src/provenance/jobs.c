/*
 * The jobs a manifest can record, and how each is run again from its
 * parameters and inputs: the one table `duress reproduce` (and any other
 * front end) uses, so that re-running is the same code as running.
 */
#include <duress/provenance.h>
#include <duress/estimate.h>
#include <duress/link.h>
#include <duress/screen.h>

#include <stdlib.h>
#include <string.h>

struct job {
	const char *command;
	dur_err (*check)(const json_t *parameters, struct dur_error *err);
	dur_err (*run)(const json_t *parameters, const struct dur_job_input *in, size_t nin,
		       int threads, json_t **result, struct dur_error *err);
};

/* The one input of `role`, or an error naming what is missing. */
static const struct dur_job_input *one_input(const struct dur_job_input *in, size_t nin,
					     const char *role, struct dur_error *err)
{
	const struct dur_job_input *found = NULL;
	for (size_t i = 0; i < nin; i++)
		if (strcmp(in[i].role, role) == 0) {
			if (found) {
				dur_error_set(err, DUR_EPARSE, "inputs: more than one '%s'", role);
				return NULL;
			}
			found = &in[i];
		}
	if (!found)
		dur_error_set(err, DUR_EPARSE, "inputs: no input of role '%s'", role);
	return found;
}

static dur_err estimate_check(const json_t *parameters, struct dur_error *err)
{
	struct dur_estimate_params p;
	return dur_estimate_params_from_json(parameters, &p, err);
}

static dur_err estimate_run(const json_t *parameters, const struct dur_job_input *in,
			    size_t nin, int threads, json_t **result, struct dur_error *err)
{
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	const struct dur_job_input *t, *draws = NULL;
	dur_estimate_job *job;
	size_t ndraws = 0;
	dur_err rc;

	if ((rc = dur_estimate_params_from_json(parameters, &p, err)))
		return rc;
	if (!(t = one_input(in, nin, "table", err)))
		return DUR_EPARSE;
	for (size_t i = 0; i < nin; i++)
		if (strcmp(in[i].role, "linkage-draws") == 0)
			ndraws++;
	if (ndraws && !(draws = one_input(in, nin, "linkage-draws", err)))
		return DUR_EPARSE;
	p.threads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
	if (!(job = dur_estimate_job_alloc(t->buf, t->len, t->file, &p, err)))
		return err && err->code ? err->code : DUR_EINVAL;
	rc = draws ? dur_estimate_job_add_draws(job, draws->buf, draws->len, draws->file, err)
		   : DUR_OK;
	if (!rc)
		while ((rc = dur_estimate_job_iterate(job, err)) == DUR_CONTINUE)
			;
	if (!rc)
		d = dur_estimate_job_take(job);
	dur_estimate_job_free(job);
	if (rc)
		return rc;
	*result = dur_estimate_doc_to_json(d);
	dur_estimate_doc_free(d);
	return *result ? DUR_OK : dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static dur_err screen_check(const json_t *parameters, struct dur_error *err)
{
	struct dur_screen_summary_params p;
	return dur_screen_summary_params_from_json(parameters, &p, err);
}

/* The frameworks come from the manifest's inputs, so the set is exactly
 * the one recorded: the bank, then each framework file. */
static dur_err screen_run(const json_t *parameters, const struct dur_job_input *in,
			  size_t nin, int threads, json_t **result, struct dur_error *err)
{
	struct dur_screen_summary_params p;
	dur_framework_set *set = NULL;
	dur_screen_summary *sum = NULL;
	const struct dur_job_input *bank, *batch;
	dur_err rc;

	(void)threads;
	if ((rc = dur_screen_summary_params_from_json(parameters, &p, err)))
		return rc;
	if (!(bank = one_input(in, nin, "question-bank", err)) ||
	    !(batch = one_input(in, nin, "batch", err)))
		return DUR_EPARSE;
	if (!(set = dur_framework_set_alloc()))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = dur_framework_set_load_bank(set, bank->buf, bank->len, bank->file, err);
	for (size_t i = 0; !rc && i < nin; i++)
		if (strcmp(in[i].role, "framework") == 0)
			rc = dur_framework_set_add(set, in[i].buf, in[i].len, in[i].file, err);
	if (!rc)
		rc = dur_screen_summary_run(set, batch->buf, batch->len, batch->file, &p, &sum, err);
	if (!rc && !(*result = dur_screen_summary_json(sum, p.resolution, err)))
		rc = DUR_ENOMEM;
	dur_screen_summary_free(sum);
	dur_framework_set_free(set);
	return rc;
}

#define LINK_JOB_MAX_LISTS 64

static dur_err link_check(const json_t *parameters, struct dur_error *err)
{
	struct dur_link_match_params p;
	const char *names[LINK_JOB_MAX_LISTS];
	size_t n;
	return dur_link_match_params_from_json(parameters, &p, names, LINK_JOB_MAX_LISTS, &n, err);
}

static dur_err link_run(const json_t *parameters, const struct dur_job_input *in, size_t nin,
			int threads, json_t **result, struct dur_error *err)
{
	struct dur_link_match_params p;
	const char *names[LINK_JOB_MAX_LISTS];
	struct dur_link_encodings *enc[LINK_JOB_MAX_LISTS] = { 0 };
	struct dur_link_result *r = NULL;
	dur_link_schema *s = NULL;
	const struct dur_job_input *sch;
	size_t n, k = 0;
	dur_err rc;

	(void)threads;
	if ((rc = dur_link_match_params_from_json(parameters, &p, names, LINK_JOB_MAX_LISTS, &n,
						  err)))
		return rc;
	if (!(sch = one_input(in, nin, "schema", err)))
		return DUR_EPARSE;
	if ((rc = dur_link_schema_parse(sch->buf, sch->len, sch->file, &s, err)))
		return rc;
	for (size_t i = 0; !rc && i < nin; i++)
		if (strcmp(in[i].role, "encodings") == 0) {
			if (k == n) {
				rc = dur_error_set(err, DUR_EPARSE, "inputs: more encodings than list "
						   "names");
				break;
			}
			rc = dur_link_enc_read(in[i].buf, in[i].len, in[i].file, s, &enc[k++], err);
		}
	if (!rc && k != n)
		rc = dur_error_set(err, DUR_EPARSE, "inputs: %zu encodings for %zu list names", k, n);
	if (!rc)
		rc = dur_link_match((const struct dur_link_encodings *const *)enc, names, n, &p, &r,
				    err);
	if (!rc && !(*result = dur_link_result_json(r, &p)))
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < k; i++)
		dur_link_enc_free(enc[i]);
	dur_link_result_free(r);
	dur_link_schema_free(s);
	return rc;
}

static const struct job jobs[] = {
	{ "estimate", estimate_check, estimate_run },
	{ "screen-summary", screen_check, screen_run },
	{ "link-match", link_check, link_run },
};

static const struct job *find(const char *command)
{
	for (size_t i = 0; command && i < sizeof(jobs) / sizeof(jobs[0]); i++)
		if (strcmp(jobs[i].command, command) == 0)
			return &jobs[i];
	return NULL;
}

int dur_job_known(const char *command)
{
	return find(command) != NULL;
}

dur_err dur_job_check(const char *command, const json_t *parameters, struct dur_error *err)
{
	const struct job *j = find(command);
	if (!j)
		return dur_error_set(err, DUR_EINVAL, "command: '%.64s' cannot be re-run by this "
				     "version of duress", command ? command : "");
	return j->check(parameters, err);
}

dur_err dur_job_run(const char *command, const json_t *parameters,
		    const struct dur_job_input *in, size_t nin, int threads, json_t **result,
		    struct dur_error *err)
{
	const struct job *j = find(command);
	*result = NULL;
	if (!j)
		return dur_error_set(err, DUR_EINVAL, "command: '%.64s' cannot be re-run by this "
				     "version of duress", command ? command : "");
	return j->run(parameters, in, nin, threads, result, err);
}
