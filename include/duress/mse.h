/*
 * duress/mse.h - multiple systems estimation with Poisson log-linear models.
 *
 * Methods (docs/methods.md): a log-linear model on the 2^k - 1 observable
 * capture patterns with main effects and a chosen set of two-list
 * interactions, fitted by maximum likelihood (Newton/IRLS); the number
 * nobody saw is exp(intercept).  A two-list term whose lists share nobody
 * is a parameter at minus infinity and is handled as in Chan, Silverman &
 * Vincent (2021): its cells are removed and 2 is added to the AIC.  Before
 * any model is fitted, duress checks that its MLE is finite (a GLPK linear
 * programme, Fienberg & Rinaldo 2012) and identifiable (rank of the design);
 * a model without one is never fitted.
 *
 * Pairs of lists are numbered in the order (0,1), (0,2), ..., (0,k-1),
 * (1,2), ..., (k-2,k-1).
 */
#ifndef DURESS_MSE_H
#define DURESS_MSE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <duress/error.h>
#include <duress/strlist.h>
#include <duress/table.h>

#define DUR_MSE_MAX_PAIRS 105   /* 15 lists */

/* A model: main effects of every list plus these two-list terms, in the
 * order they were included.  Invariant: no term appears twice. */
struct dur_mse_model {
	int k;
	int nterms;
	unsigned char term[DUR_MSE_MAX_PAIRS];
};

DUR_EXPORT int dur_mse_npairs(int k);
DUR_EXPORT int dur_mse_pair_index(int k, int i, int j);          /* i < j */
DUR_EXPORT void dur_mse_pair_lists(int k, int p, int *i, int *j);
DUR_EXPORT void dur_mse_model_main(struct dur_mse_model *m, int k);
DUR_EXPORT void dur_mse_model_all_pairs(struct dur_mse_model *m, int k);
DUR_EXPORT int dur_mse_model_has(const struct dur_mse_model *m, int p);
/* Add term p (no-op if present). */
DUR_EXPORT void dur_mse_model_add(struct dur_mse_model *m, int p);
/*
 * Parse "LA:NG,PF:NCA" against the table's list names.  Errors name the
 * unknown list or the malformed term.  @since 0.1
 */
DUR_EXPORT dur_err dur_mse_model_parse(const char *spec, const struct dur_table *t,
			    struct dur_mse_model *m, struct dur_error *err);
/* "LA:NG" into buf (always terminated); returns the length it needs. */
DUR_EXPORT size_t dur_mse_term_name(const struct dur_table *t, int p, char *buf, size_t size);

/* Tolerances and caps of the fitting; defaults documented in the .c file
 * and docs/methods.md. */
struct dur_mse_params {
	double tol;        /* IRLS: stop when |dD| / (|D| + 0.1) < tol; 1e-10 */
	int max_iter;      /* IRLS iterations; 100 */
	double lp_tol;     /* existence: MLE finite iff LP optimum s* > lp_tol; 1e-8 */
	double rank_tol;   /* identifiable iff |R_ii| > rank_tol * |R_00| for all i; 1e-9 */
	size_t cache_max;  /* existence results kept per workspace; 100,000 */
	size_t jackknife_exact_max;  /* BCa acceleration: the delete-one jackknife
				        with the whole selection repeated (SparseMSE)
				        up to this many observed patterns; beyond,
				        the infinitesimal jackknife of the selected
				        model (its influence function); 500 */
	int sums_min_lists;  /* from this many lists on, the fit's sums over cells
				(X'WX, X'Wz, X beta) are made by subset-sum
				transforms over the 2^k patterns instead of row by
				row (docs/methods.md); 10 */
};
DUR_EXPORT struct dur_mse_params dur_mse_default_params(void);

enum dur_mse_exist {
	DUR_MSE_EXISTS = 0,
	DUR_MSE_INFINITE = 1,        /* no finite MLE (LP optimum 0) */
	DUR_MSE_UNIDENTIFIABLE = 2   /* design not of full rank */
};

/* The fit of one model. */
struct dur_mse_fit {
	int k;
	int exist;            /* enum dur_mse_exist; other fields valid only if EXISTS */
	double observed;      /* n */
	double unseen;        /* exp(b0) */
	double estimate;      /* n + exp(b0) */
	double b0, se_b0;
	double deviance, loglik, aic, bic;
	int df, ncells, ncols, iterations;
	int nempty;
	unsigned char empty[DUR_MSE_MAX_PAIRS];  /* empty-overlap terms, model order */
	double *fitted;       /* 2^k: fitted count per pattern, 0 where removed;
				 fitted[0] = unseen */
};

DUR_EXPORT struct dur_mse_fit *dur_mse_fit_alloc(int k);
DUR_EXPORT void dur_mse_fit_free(struct dur_mse_fit *f);
DUR_EXPORT void dur_mse_fit_copy(struct dur_mse_fit *dst, const struct dur_mse_fit *src);

/* Workspace for fits of tables with k lists: matrices, the LP and a cache
 * of existence results (a pure function of the model and of which
 * patterns have anyone, so caching changes no result).  One per thread. */
typedef struct dur_mse_work dur_mse_work;
DUR_EXPORT dur_mse_work *dur_mse_work_alloc(int k, const struct dur_mse_params *p);
DUR_EXPORT void dur_mse_work_free(dur_mse_work *w);

/*
 * Decide whether model m has a finite, identifiable MLE on table t.
 * *exist receives an enum dur_mse_exist.  Fails only on internal errors.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_mse_check(dur_mse_work *w, const struct dur_table *t,
		      const struct dur_mse_model *m, int *exist, struct dur_error *err);

/*
 * Fit model m to table t.  If the MLE does not exist, fit->exist says why
 * and DUR_ENOMLE is returned with a plain message; nothing is estimated.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_mse_fit_model(dur_mse_work *w, const struct dur_table *t,
			  const struct dur_mse_model *m, struct dur_mse_fit *fit,
			  struct dur_error *err);

/* ---- model selection ---------------------------------------------------- */

enum dur_mse_method {
	DUR_MSE_FIXED = 0,     /* the given model */
	DUR_MSE_STEPWISE = 1,  /* SparseMSE's stepwise by Poisson p-values */
	DUR_MSE_AIC = 2,       /* exhaustive search, up to 6 lists */
	DUR_MSE_BIC = 3
};

struct dur_mse_select_params {
	int method;
	struct dur_mse_model fixed;   /* for DUR_MSE_FIXED */
	double pthresh;               /* stepwise; default 0.02 */
	int top;                      /* AIC/BIC: models ranked; default 11 */
	int threads;                  /* AIC/BIC: threads for the search; default 1
				         (the result does not depend on it) */
};
DUR_EXPORT void dur_mse_select_default_params(struct dur_mse_select_params *sp, int k);

struct dur_mse_step {
	int term;         /* pair added */
	double p;         /* its p-value */
};

struct dur_mse_ranked {
	struct dur_mse_model model;
	double criterion;     /* AIC or BIC */
	double weight;        /* Akaike/Schwarz weight among models with an MLE */
	double estimate, deviance;
	int df, nempty;
};

struct dur_mse_selection {
	struct dur_mse_model model;   /* chosen */
	struct dur_mse_fit *fit;      /* its fit (owned) */
	int nsteps;
	struct dur_mse_step step[DUR_MSE_MAX_PAIRS];
	size_t nranked;
	struct dur_mse_ranked *ranked;   /* owned; best first */
	size_t nconsidered, nnomle;      /* models examined, of which without an MLE */
};
DUR_EXPORT void dur_mse_selection_release(struct dur_mse_selection *s);

/*
 * Choose and fit a model.  Returns DUR_ENOMLE (with the reason) when the
 * chosen or given model has no finite identifiable MLE.  @since 0.1
 */
DUR_EXPORT dur_err dur_mse_select(dur_mse_work *w, const struct dur_table *t,
		       const struct dur_mse_select_params *sp,
		       struct dur_mse_selection *out, struct dur_error *err);

/* Only the estimate of the selected model (no ranking kept): the inner
 * loop of the bootstrap.  DUR_ENOMLE when there is none. */
DUR_EXPORT dur_err dur_mse_select_estimate(dur_mse_work *w, const struct dur_table *t,
				const struct dur_mse_select_params *sp, double *estimate,
				struct dur_error *err);

/* ---- intervals ---------------------------------------------------------- */

/* observed + exp(b0 -+ z se(b0)).  @since 0.1 */
DUR_EXPORT void dur_mse_interval_analytic(const struct dur_mse_fit *f, double level,
			       double *lower, double *upper);

/*
 * Profile-likelihood interval for N with Cormack's correction, as
 * Rcapture's closedpCI (docs/methods.md).  *upper_open is set when no upper
 * end was found below 3 N-hat (upper then holds 3 N-hat).  @since 0.1
 */
DUR_EXPORT dur_err dur_mse_interval_profile(dur_mse_work *w, const struct dur_table *t,
				 const struct dur_mse_fit *f, const struct dur_mse_model *m,
				 double level, double *lower, double *upper,
				 int *upper_open, struct dur_error *err);

/*
 * Bias-corrected and accelerated bootstrap over the whole selection.
 * The caller owns the loop, so that it can show progress:
 *
 *     b = dur_mse_boot_alloc(t, sp, params, B, seed, threads, &err);
 *     while (dur_mse_boot_iterate(b, 50, &err) == DUR_CONTINUE)
 *             show(dur_mse_boot_done(b));
 *     dur_mse_boot_interval(b, theta, level, &lo, &hi, &info, &err);
 *
 * Replicate r uses its own generator seeded from (seed, r), so results do
 * not depend on the number of threads.
 */
typedef struct dur_mse_boot dur_mse_boot;
DUR_EXPORT dur_mse_boot *dur_mse_boot_alloc(const struct dur_table *t,
				 const struct dur_mse_select_params *sp,
				 const struct dur_mse_params *p, size_t B, uint64_t seed,
				 int threads, struct dur_error *err);
DUR_EXPORT void dur_mse_boot_free(dur_mse_boot *b);
/* Run up to `chunk` more replicates; DUR_CONTINUE until all B are done. */
DUR_EXPORT dur_err dur_mse_boot_iterate(dur_mse_boot *b, size_t chunk, struct dur_error *err);
DUR_EXPORT size_t dur_mse_boot_done(const dur_mse_boot *b);
/* The replicate estimates (NaN where a replicate had no estimate). */
DUR_EXPORT const double *dur_mse_boot_replicates(const dur_mse_boot *b);

struct dur_mse_bca_info {
	double z0, acceleration;
	int acceleration_influence;   /* 1: from the influence function, 0: jackknife */
	size_t used, failed;      /* replicates with / without an estimate */
	double alpha_lower, alpha_upper;   /* adjusted quantile levels */
};
/*
 * The BCa interval at `level` around point estimate theta.  The jackknife
 * for the acceleration is computed (once, cached) on the first call.
 */
DUR_EXPORT dur_err dur_mse_boot_interval(dur_mse_boot *b, double theta, double level,
			      double *lower, double *upper,
			      struct dur_mse_bca_info *info, struct dur_error *err);

/* Hyndman & Fan type 8 quantile of sorted x[0..n-1].  @since 0.1 */
DUR_EXPORT double dur_quantile_type8(const double *sorted, size_t n, double prob);

#endif
