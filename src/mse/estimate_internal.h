/* Private to src/mse: the estimators of the method table, and helpers
 * shared by the job and the document. */
#ifndef DURESS_MSE_ESTIMATE_INTERNAL_H
#define DURESS_MSE_ESTIMATE_INTERNAL_H

#include <duress/estimate.h>

/* The entries of the method table (estimator.c lists them). */
extern const struct dur_estimator_type dur_estimator_loglinear;
extern const struct dur_estimator_type dur_estimator_closed;
extern const struct dur_estimator_type dur_estimator_bma;
extern const struct dur_estimator_type dur_estimator_lcmcr;

/* A posterior given on a grid of N (probabilities per point) as the
 * result's histogram of DUR_HIST_BINS bins between the 0.05% and 99.95%
 * points. */
#define DUR_HIST_BINS 100
dur_err est_posterior_grid(struct dur_estimate_result *r, double first_n, const double *p,
			   size_t n);

/* Observed counts of every pattern of t (fitted NaN), into r->cells. */
dur_err est_cells_observed(const struct dur_table *t, struct dur_estimate_result *r);
/* A copy of s into *dst (NULL stays NULL); DUR_ENOMEM on failure. */
dur_err est_strdup(char **dst, const char *s);
/* Formatted copy into *dst. */
dur_err est_strdupf(char **dst, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* The shared-catchability diagnostic of table t, its warning (when it
 * warns) added to `warnings`. */
dur_err est_catchability(const struct dur_table *t, int threads, struct dur_estimate_catchability *c,
			 struct dur_strlist *warnings, struct dur_error *err);

/* One result to and from JSON (the per-method part of the document). */
json_t *est_result_to_json(const struct dur_estimate_result *r, const char *const *lists, int k);
dur_err est_result_from_json(const json_t *j, const char *name, const char *path,
			     char *const *lists, size_t k, struct dur_estimate_result *r,
			     struct dur_error *err);

#endif
