/* Shared by cmd_estimate.c and cmd_reproduce.c. */
#ifndef DURESS_ESTIMATE_CLI_H
#define DURESS_ESTIMATE_CLI_H

#include <jansson.h>
#include <duress/estimate.h>

struct estimate_opts {
	const char *file;
	const char *by;
	const char *lists;
	const char *model;       /* main | all-pairs | stepwise | TERMS */
	const char *select;      /* aic | bic | NULL */
	struct dur_estimate_params p;
	int seed_given;
	int progress;            /* draw a progress bar on stderr */
};

/*
 * Read opts->file, estimate the whole table and each stratum, and build
 * the full JSON document (input, software, parameters, results).  On
 * success *doc is new and *no_estimate tells whether any table lacked a
 * finite estimate.
 */
dur_err estimate_execute(const struct estimate_opts *o, json_t **doc, int *no_estimate,
			 struct dur_error *err);
/* The "parameters" object recorded in manifests (new reference). */
json_t *estimate_params_json(const struct estimate_opts *o);
/* Fill opts from a "parameters" object; the strings borrow from it. */
dur_err estimate_params_from_json(json_t *params, struct estimate_opts *o,
				  struct dur_error *err);

#endif
