/*
 * duress/estimate.h - one whole estimation (selection, fit, interval) and
 * its result as JSON, shared by `duress estimate`, `duress reproduce` and,
 * later, the web app.
 *
 * The bootstrap loop belongs to the caller (for progress display):
 *
 *     dur_estimate_begin(t, &p, &run, &err);            selection and fit
 *     while (dur_estimate_step(&run, 50, &err) == DUR_CONTINUE)
 *             show(run.boot ? dur_mse_boot_done(run.boot) : 0);
 *     json = dur_estimate_finish(&run, &err);           interval and JSON
 *     dur_estimate_release(&run);
 */
#ifndef DURESS_ESTIMATE_H
#define DURESS_ESTIMATE_H

#include <duress/common.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/mse.h>
#include <duress/strlist.h>
#include <duress/table.h>

enum dur_interval_method {
	DUR_INTERVAL_NONE = 0,
	DUR_INTERVAL_ANALYTIC = 1,
	DUR_INTERVAL_PROFILE = 2,
	DUR_INTERVAL_BCA = 3
};

struct dur_estimate_params {
	int method;              /* enum dur_mse_method */
	const char *terms;       /* DUR_MSE_FIXED: "main", "all-pairs" or "A:B,C:D" */
	double pthresh;          /* stepwise threshold; 0.02 */
	int interval;            /* enum dur_interval_method; BCa */
	double level;            /* 0.95 */
	size_t bootstrap;        /* replicates; 1000 */
	uint64_t seed;
	int threads;             /* bootstrap threads; 2 */
};
DUR_EXPORT void dur_estimate_default_params(struct dur_estimate_params *p);
DUR_EXPORT const char *dur_interval_name(int method);
DUR_EXPORT const char *dur_method_name(int method);

struct dur_estimate_run {
	struct dur_estimate_params p;
	struct dur_table *t;               /* cleaned copy (owned) */
	struct dur_strlist warnings;
	struct dur_mse_params mp;
	dur_mse_work *w;
	struct dur_mse_selection sel;
	int have_estimate;
	char reason[DUR_ERROR_MSG_MAX];    /* why there is no estimate */
	dur_mse_boot *boot;
};

/*
 * Clean a copy of t (dur_table_clean; warnings kept in run), select and
 * fit.  When the model has no finite estimate this still succeeds, with
 * run->have_estimate = 0 and run->reason set; other failures return an
 * error.  @since 0.1
 */
DUR_EXPORT dur_err dur_estimate_begin(const struct dur_table *t, const struct dur_estimate_params *p,
			   struct dur_estimate_run *run, struct dur_error *err);
/* Advance the bootstrap (if any) by `chunk` replicates. */
DUR_EXPORT dur_err dur_estimate_step(struct dur_estimate_run *run, size_t chunk, struct dur_error *err);
/*
 * The result object: estimate (or null and reason), interval, model,
 * candidates, observed, cells, lists, warnings.  New reference.  @since 0.1
 */
DUR_EXPORT json_t *dur_estimate_finish(struct dur_estimate_run *run, struct dur_error *err);
DUR_EXPORT void dur_estimate_release(struct dur_estimate_run *run);

#endif
