/*
 * duress/estimate.h - the estimation job: from a capture table (or capture
 * histories, with strata) to one versioned result document.
 *
 * Three layers, each usable on its own:
 *
 *  1. Methods.  Every way of estimating N is an entry of a method table
 *     (struct dur_estimator_type, in the style of GSL's minimiser types):
 *     a name, a size, init / iterate / progress / result / release.  The
 *     caller owns the loop, so that a terminal or a web page can show
 *     progress without callbacks:
 *
 *         e = dur_estimator_alloc(dur_estimator_find("loglinear"), t, &p, &err);
 *         while ((rc = dur_estimator_iterate(e, &err)) == DUR_CONTINUE)
 *                 show(dur_estimator_progress(e));
 *         dur_estimator_result(e, &result, &err);
 *         dur_estimator_free(e);
 *
 *  2. The job (struct dur_estimate_job): read the CSV buffer, estimate the
 *     total and each stratum with the chosen method (and, when asked, every
 *     method side by side), the diagnostics, and assemble the document.
 *     The same loop shape: alloc, iterate until DUR_OK, take the document.
 *
 *  3. The document (struct dur_estimate_doc): everything a reader needs -
 *     the input's name and SHA-256, every figure, every warning in plain
 *     words, the parameters and the software - with dur_estimate_doc_to_json()
 *     and its strict inverse dur_estimate_doc_from_json(), so that a report
 *     or a reproduction works from the JSON alone (format
 *     "duress-estimate", version DUR_ESTIMATE_FORMAT_VERSION; docs/formats.md).
 *
 * Messages and warnings name parameters in words ("the number of bootstrap
 * replicates"), never command-line flags: a web user reads them too.
 */
#ifndef DURESS_ESTIMATE_H
#define DURESS_ESTIMATE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/error.h>
#include <duress/mse.h>
#include <duress/strlist.h>
#include <duress/table.h>

#define DUR_ESTIMATE_FORMAT "duress-estimate"
#define DUR_ESTIMATE_FORMAT_VERSION 2

/* ---- parameters ---------------------------------------------------------- */

enum dur_interval_method {
	DUR_INTERVAL_NONE = 0,
	DUR_INTERVAL_ANALYTIC = 1,   /* log-normal on the unseen count */
	DUR_INTERVAL_PROFILE = 2,    /* profile likelihood (Cormack 1992) */
	DUR_INTERVAL_BCA = 3,        /* bootstrap over the whole selection */
	DUR_INTERVAL_CREDIBLE = 4    /* Bayesian methods: posterior quantiles */
};

/*
 * Everything that changes a figure.  Strings are borrowed for the life of
 * whatever is built from the struct.  Start from dur_estimate_default_params().
 */
struct dur_estimate_params {
	const char *method;      /* an estimator's name: "loglinear" (default) */
	const char *model;       /* loglinear: "stepwise" (default), "main",
				    "all-pairs" or terms "A:B,C:D" */
	const char *select;      /* loglinear: NULL, "aic" or "bic" (exhaustive) */
	double pthresh;          /* stepwise threshold; 0.02 */
	int interval;            /* enum dur_interval_method; BCa */
	double level;            /* 0.95 */
	size_t bootstrap;        /* BCa replicates; 1000 */
	uint64_t seed;           /* every random draw comes from it */
	int threads;             /* 1..64; results do not depend on it; 2 */
	const char *by;          /* capture histories: stratum column, or NULL */
	const char *lists;       /* comma-separated list columns to use, or NULL */
	char sep;                /* between values in the CSV: ',' (also 0), ';', '\t', '|' */
	int compare;             /* also every method side by side */
	int diagnostics;         /* list omission etc.; 1 */
};
DUR_EXPORT void dur_estimate_default_params(struct dur_estimate_params *p);

/*
 * The parameters as the JSON object recorded in manifests (new reference;
 * the seed as a decimal string so that all 64 bits survive any reader).
 * @since 0.2
 */
DUR_EXPORT json_t *dur_estimate_params_to_json(const struct dur_estimate_params *p);
/*
 * The strict inverse: every key checked for its type and range, errors
 * naming the key ("parameters.level: must be a number between 0 and 1").
 * Unknown keys are errors.  Strings in *p borrow from `j`.  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_params_from_json(const json_t *j, struct dur_estimate_params *p,
					  struct dur_error *err);
/* Check a filled struct (the same rules as the JSON reader).  @since 0.2 */
DUR_EXPORT dur_err dur_estimate_params_check(const struct dur_estimate_params *p,
				      struct dur_error *err);

/*
 * The method a model name belongs to: "closed" for the closed-population
 * models (m0, mt, mh-chao, ..., mbh; duress/closed.h), else "loglinear".
 * @since 0.2
 */
DUR_EXPORT const char *dur_estimate_method_of_model(const char *model);
/* The interval a method gives when none is asked for: BCa for the
 * log-linear models, the profile (or, without one, the analytic)
 * interval for the closed-population models.  @since 0.2 */
DUR_EXPORT int dur_estimate_default_interval(const char *method, const char *model);

/* "analytic", "profile", "bca", "credible", "none"; and back (-1 if unknown). */
DUR_EXPORT const char *dur_interval_name(int method);
DUR_EXPORT int dur_interval_parse(const char *name);

/* ---- one method's answer on one table ------------------------------------ */

struct dur_estimate_interval {
	int method;              /* enum dur_interval_method */
	double level;
	int have;                /* 0: no interval, `reason` says why */
	double lower, upper;
	int upper_open;          /* no upper end found below `upper` */
	char *reason;
	/* BCa only */
	size_t replicates, replicates_failed;
	uint64_t seed;
	double acceleration, bias_correction;
	int acceleration_influence;  /* 1: the acceleration from the selected model's
				        influence function (many patterns), 0: from
				        the jackknife repeating the selection */
	size_t nestimates;
	double *estimates;       /* every replicate's estimate, in replicate order
				    (NaN where it had none): the bootstrap
				    distribution, for plots */
};

struct dur_estimate_step {
	char *term;              /* "LA:NG" */
	double p;                /* its p-value when added */
};

struct dur_estimate_candidate {
	size_t nterms;
	char **terms;
	double criterion;        /* AIC or BIC (see result.criterion) */
	double weight;           /* Akaike/Schwarz weight */
	double estimate, deviance;
	int df;
};

struct dur_estimate_cell {
	unsigned pattern;        /* bit i: on list i */
	double observed;
	double fitted;           /* NaN when the method gives none */
};

/*
 * What one method says about one table.  Invariants: when have_estimate is
 * 0, `reason` says why in plain words and no figure is meaningful; the
 * interval is valid only when interval.have.  Everything is owned (freed by
 * dur_estimate_result_release()).
 */
struct dur_estimate_result {
	char *method;            /* estimator name, e.g. "loglinear" */
	char *model;             /* "stepwise", "main", "all-pairs", "terms",
				    "aic", "bic", ... */
	char *summary;           /* what it assumes, in plain words */
	int have_estimate;
	char *reason;
	double observed, estimate, unseen;
	double se;               /* standard error of the estimate, NaN when the
				    method gives none */
	struct dur_estimate_interval interval;
	/* the fitted model (log-linear family) */
	int have_fit;
	size_t nterms;
	char **terms;            /* two-list terms in order of inclusion */
	size_t nsteps;
	struct dur_estimate_step *steps;
	size_t nempty;
	char **empty_overlaps;
	double pthresh;          /* stepwise only */
	double deviance, loglik, aic, bic, intercept, se_intercept;
	int df, cells_kept, parameters, iterations;
	size_t models_considered, models_without_estimate;
	char criterion[12];      /* "aic", "bic", or "posterior" (Bayesian model
				    averaging: weight is the posterior probability) */
	size_t ncandidates;
	struct dur_estimate_candidate *candidates;
	size_t ncells;
	struct dur_estimate_cell *cells;   /* observed and fitted per pattern */
	/* Bayesian methods: the posterior of N.  estimate is its median,
	 * interval (method "credible") its central quantiles. */
	int have_posterior;
	double posterior_mean;
	double hist_from, hist_to;         /* the histogram covers [from, to) */
	size_t nhist;
	double *hist;                      /* posterior probability per equal bin */
	size_t nmodels_averaged;           /* graphs (bma) averaged over */
	double rhat, ess;                  /* MCMC: split R-hat and effective
					      sample size of N; NaN otherwise */
	int chains;
	struct dur_strlist warnings;
};

DUR_EXPORT void dur_estimate_result_init(struct dur_estimate_result *r);
DUR_EXPORT void dur_estimate_result_release(struct dur_estimate_result *r);

/* ---- the method table ---------------------------------------------------- */

/*
 * One way of estimating N.  `state` is `size` bytes, zeroed, owned by the
 * dur_estimator.  iterate() does a bounded piece of work and returns
 * DUR_CONTINUE while more remains; progress() is in [0, 1].  init() receives
 * a table already cleaned by dur_table_clean() (which it may keep a pointer
 * to for the estimator's life) and checked parameters.
 */
struct dur_estimator_type {
	const char *name;
	const char *summary;     /* one line, plain words */
	size_t size;
	dur_err (*init)(void *state, const struct dur_table *t,
			const struct dur_estimate_params *p, struct dur_error *err);
	dur_err (*iterate)(void *state, struct dur_error *err);
	double (*progress)(const void *state);
	dur_err (*result)(void *state, struct dur_estimate_result *out, struct dur_error *err);
	void (*release)(void *state);
};

/* The estimator called `name`, or NULL.  @since 0.2 */
DUR_EXPORT const struct dur_estimator_type *dur_estimator_find(const char *name);
/* Every estimator, in the order `compare` shows them; *n their number.  @since 0.2 */
DUR_EXPORT const struct dur_estimator_type *const *dur_estimator_types(size_t *n);

typedef struct dur_estimator dur_estimator;
/*
 * An estimator of type T for table t (borrowed: it must outlive the
 * estimator; clean it first with dur_table_clean).  NULL on failure, with
 * err filled.  @since 0.2
 */
DUR_EXPORT dur_estimator *dur_estimator_alloc(const struct dur_estimator_type *T,
				       const struct dur_table *t,
				       const struct dur_estimate_params *p,
				       struct dur_error *err);
DUR_EXPORT dur_err dur_estimator_iterate(dur_estimator *e, struct dur_error *err);
DUR_EXPORT double dur_estimator_progress(const dur_estimator *e);
/* Fill *out (initialised by the call; release it) once iterate said DUR_OK. */
DUR_EXPORT dur_err dur_estimator_result(dur_estimator *e, struct dur_estimate_result *out,
				 struct dur_error *err);
DUR_EXPORT void dur_estimator_free(dur_estimator *e);

/* ---- the document -------------------------------------------------------- */

/* The estimate with one list left out (a diagnostic). */
struct dur_estimate_omission {
	char *list;
	int have_estimate;
	double estimate, lower, upper;
	char *reason;
};

/*
 * Shared catchability (a diagnostic): do people found by one list tend to
 * be found by the others?  Tested from the table's own marks: the fit of
 * Rcapture's Mth Poisson2 against Mt (one heterogeneity term; chi-square,
 * 1 df; its coefficient tau must be positive) together with the share of
 * pairs of lists that overlap more than Mt expects - heterogeneity raises
 * every overlap, dependence between two lists only theirs.  Warns when
 * p < 0.05, tau > 0 and at least half of the pairs overlap more; then the
 * log-linear estimates are likely too low.  Calibrated in bench/bench_honesty.
 */
struct dur_estimate_catchability {
	int tested;              /* 0: not tested (fewer than 3 lists, or a fit failed) */
	char *reason;            /* why not tested */
	double statistic;        /* deviance(Mt) - deviance(Mth Poisson2) */
	double p;                /* upper tail of chi-square with 1 df */
	double tau;              /* Poisson2's heterogeneity coefficient */
	int pairs_over, pairs;   /* pairs overlapping more than Mt expects, of all */
	int warn;
	double low, high;        /* the range of the Mth estimates; NaN when none */
};

/* Everything about one table: the whole population or one stratum. */
struct dur_estimate_table {
	char *stratum;           /* NULL for the whole table */
	size_t nlists;
	char **lists;            /* after cleaning */
	double observed;
	struct dur_estimate_result main;     /* the chosen method */
	size_t ncompare;
	struct dur_estimate_result *compare; /* every method, when asked */
	size_t nomit;
	struct dur_estimate_omission *omit;  /* list omission, when computed */
	struct dur_estimate_catchability catchability;
	char *failure;           /* a stratum that could not be estimated at all */
};

/*
 * How far the linkage alone moves the estimate: the chosen method (point
 * estimate only) on each capture table `duress link match --table-draws`
 * drew from the link probabilities (dur_estimate_job_add_draws).
 */
struct dur_estimate_linkage {
	char *input_name;        /* the draws file, as given */
	char sha256[65];
	size_t ndraws;           /* tables drawn */
	size_t nfailed;          /* of them, without an estimate */
	double *estimates;       /* per draw, in the file's order; NaN where none */
	double level;            /* the share of draws between lower and upper */
	double median, lower, upper, min, max;  /* over the draws with an
						   estimate; NaN when none has */
};

#define DUR_ESTIMATE_MAX_DRAWS 10000

struct dur_estimate_doc {
	int version;             /* DUR_ESTIMATE_FORMAT_VERSION */
	char *input_name;        /* as given by the caller */
	char sha256[65];
	char *form;              /* "aggregated" or "individual" */
	size_t rows;
	size_t ninput_lists;
	char **input_lists;      /* before cleaning */
	char *by;                /* stratum column, or NULL */
	struct dur_estimate_table total;
	size_t nstrata;
	struct dur_estimate_table *strata;
	char *software_version, *software_git, *software_build;
	json_t *parameters;      /* as dur_estimate_params_to_json (owned) */
	struct dur_estimate_linkage *linkage;  /* NULL unless draws were added */
};

DUR_EXPORT void dur_estimate_doc_free(struct dur_estimate_doc *d);
/* True when the whole table or some stratum has no estimate.  @since 0.2 */
DUR_EXPORT int dur_estimate_doc_incomplete(const struct dur_estimate_doc *d);
/*
 * The document as JSON (new reference).  Top level: the whole table's
 * result (estimate, interval, model, cells, warnings, ...) plus format,
 * input, strata, software, parameters.  @since 0.2
 */
DUR_EXPORT json_t *dur_estimate_doc_to_json(const struct dur_estimate_doc *d);
/*
 * Read a document back, strictly: wrong types, missing keys and unknown
 * format versions are errors naming the key path.  `name` names the file
 * in messages.  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_doc_from_json(const json_t *j, const char *name,
				       struct dur_estimate_doc **out, struct dur_error *err);

/* ---- the job ------------------------------------------------------------- */

typedef struct dur_estimate_job dur_estimate_job;

/*
 * Read `len` bytes of CSV (either form; `name` names it in messages and in
 * the document) and prepare every estimation the parameters ask for.  NULL
 * on failure (a malformed table, bad parameters), with err filled.
 * @since 0.2
 */
DUR_EXPORT dur_estimate_job *dur_estimate_job_alloc(const char *buf, size_t len, const char *name,
					     const struct dur_estimate_params *p,
					     struct dur_error *err);
/*
 * Also estimate N on each capture table drawn from the link probabilities
 * (CSV "draw,<lists>,count", as `duress link match --draws` writes; at most
 * DUR_ESTIMATE_MAX_DRAWS), with the job's method and model, point estimates
 * only; the document's `linkage` says how far they spread.  The draws must
 * have the job's lists (after any choice of lists), in the same order.
 * Call once, before the first iterate.  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_job_add_draws(dur_estimate_job *j, const char *buf, size_t len,
					      const char *name, struct dur_error *err);
/* Advance; DUR_CONTINUE while work remains.  @since 0.2 */
DUR_EXPORT dur_err dur_estimate_job_iterate(dur_estimate_job *j, struct dur_error *err);
/*
 * Progress in [0, 1] and what is being done now ("bootstrap, stratum
 * north"; borrowed, valid until the next iterate).  @since 0.2
 */
DUR_EXPORT double dur_estimate_job_progress(const dur_estimate_job *j, const char **what);
/* The document once iterate returned DUR_OK; yours (the job forgets it).
 * @since 0.2 */
DUR_EXPORT struct dur_estimate_doc *dur_estimate_job_take(dur_estimate_job *j);
DUR_EXPORT void dur_estimate_job_free(dur_estimate_job *j);

/* The whole job in one call, without progress.  @since 0.2 */
DUR_EXPORT dur_err dur_estimate_run(const char *buf, size_t len, const char *name,
			     const struct dur_estimate_params *p,
			     struct dur_estimate_doc **out, struct dur_error *err);

#endif
