/*
 * duress/closed.h - closed-population models with heterogeneous and
 * behavioural catchability, as Rcapture's closedp.t and closedpCI.t
 * (Baillargeon & Rivest 2007, J. Stat. Software 19(5); Rcapture 1.4-4).
 *
 * Every model is a Poisson log-linear model on the 2^k - 1 observable
 * capture patterns (patterns nobody has are cells with count 0).  The
 * lists are taken as capture occasions in the table's column order, which
 * matters only for the behavioural models Mb and Mbh.  With n people seen,
 * the population size is n + exp(intercept) for M0, Mt, Mh and Mth, and a
 * closed form of the coefficients for Mb and Mbh.  docs/closed.md gives
 * the design columns, the formulas and how duress follows Rcapture's
 * conventions (df, AIC, BIC, negative Chao terms, warnings).
 *
 * A fit that ran but whose estimate cannot be shown (negative, infinite,
 * not determined by the table, or not converged) has ok == 0 and a
 * plain-words reason; its estimate is NAN.  What Rcapture would print is
 * kept in estimate_raw for checking against Rcapture, never for display.
 *
 * @since 0.2
 */
#ifndef DURESS_CLOSED_H
#define DURESS_CLOSED_H

#include <duress/common.h>
#include <duress/error.h>
#include <duress/table.h>

/* The twelve models of closedp.t, in Rcapture's order. */
enum dur_closed_model {
	DUR_CLOSED_M0 = 0,
	DUR_CLOSED_MT,
	DUR_CLOSED_MH_CHAO,
	DUR_CLOSED_MH_POISSON,
	DUR_CLOSED_MH_DARROCH,
	DUR_CLOSED_MH_GAMMA,
	DUR_CLOSED_MTH_CHAO,
	DUR_CLOSED_MTH_POISSON,
	DUR_CLOSED_MTH_DARROCH,
	DUR_CLOSED_MTH_GAMMA,
	DUR_CLOSED_MB,
	DUR_CLOSED_MBH,
	DUR_CLOSED_NMODELS
};

/* Most design columns of any model: Mth Chao on 15 lists (1 + 15 + 13). */
#define DUR_CLOSED_MAX_COLS (2 * DUR_TABLE_MAX_LISTS - 1)

/* Command-line name ("m0", "mt", "mh-chao", ..., "mbh"); NULL when m is
 * out of range.  Static string.  @since 0.2 */
DUR_EXPORT const char *dur_closed_model_name(enum dur_closed_model m);

/* Rcapture's row name ("M0", "Mh Chao (LB)", "Mth Poisson2", ...); NULL
 * when out of range.  Static string.  @since 0.2 */
DUR_EXPORT const char *dur_closed_model_label(enum dur_closed_model m);

/* One line in plain words of what the model assumes, e.g. for M0 "lists
 * independent, each person as catchable as any other".  Static string.
 * @since 0.2 */
DUR_EXPORT const char *dur_closed_model_assumes(enum dur_closed_model m);

/* The model called `name` (command-line name, case-insensitive), or -1.
 * @since 0.2 */
DUR_EXPORT int dur_closed_model_parse(const char *name);

/* Fewest lists the model can be fitted to: 2 for M0, Mt and Mb, 3 for the
 * others (as closedp.t, which fits only M0, Mt and Mb to two).  @since 0.2 */
DUR_EXPORT int dur_closed_model_min_lists(enum dur_closed_model m);

/* 1 if dur_closed_profile offers an interval for m (every model but Mb and
 * Mbh, as closedpCI.t).  @since 0.2 */
DUR_EXPORT int dur_closed_model_has_profile(enum dur_closed_model m);

/*
 * Tolerances and constants.  The defaults are R's glm.control() and
 * Rcapture's, so that figures agree with Rcapture to rounding.
 */
struct dur_closed_params {
	double epsilon;       /* IRLS stops when |dD| / (|D| + 0.1) < epsilon; 1e-8 */
	int max_iter;         /* IRLS iterations before "did not converge"; 25 */
	double rank_tol;      /* column dropped as aliased when its residual norm is
				 below rank_tol times its norm (R's QR); 1e-11 */
	double poisson_theta; /* Poisson2 heterogeneity column theta^x - 1; 2 */
	double gamma_theta;   /* Gamma3.5 column log(theta) - log(theta + x); 3.5 */
	int chao_drop_negative; /* Chao: drop eta terms estimated below 0 and refit
				   (Rcapture's neg = TRUE); 1 */
	int chao_warm_min_lists; /* Chao's refits start from the fit before them
				    (glm's mustart) from this many lists on, from
				    y + 0.1 (as Rcapture) below; 10 */
	double bias_warn;     /* warn when |asymptotic bias| > bias_warn * N; 0.1 */
	double lp_tol;        /* the unseen count is taken as unbounded when the
				 recession LP's optimum exceeds lp_tol; 1e-7 */
	double profile_tol;   /* tolerance of the search for the maximum and the
				 ends (closedpCI's optimize/uniroot); 1e-4 */
	double profile_search; /* maximum sought on (n, profile_search * N); 1.5 */
	double profile_upper; /* upper end sought below profile_upper * N
				 (closedpCI's fmaxSupCL); 3 */
	int profile_max_iter; /* root-finder iterations (uniroot's maxiter); 1000 */
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT struct dur_closed_params dur_closed_default_params(void);

/*
 * The fit of one model.  Owns `fitted`: initialise with DUR_CLOSED_FIT_INIT
 * and release with dur_closed_fit_release.  Invariants: ok implies
 * have_fit; when ok == 0, estimate and se are NAN and reason says why.
 */
struct dur_closed_fit {
	enum dur_closed_model model;
	int k;                /* lists */
	int have_fit;         /* 1: the model was fitted; deviance..bic are valid */
	int ok;               /* 1: the estimate exists and may be shown */
	char reason[320];     /* when !ok: why, in plain words ("" when ok) */
	double observed;      /* n, people seen */
	double estimate;      /* population size N-hat; NAN unless ok */
	double se;            /* its standard error (Rcapture's); NAN unless ok,
				 or when the delta-method variance is negative */
	double estimate_raw;  /* the figure Rcapture prints, even when refused;
				 for checking only, never for display */
	double se_raw;
	double deviance;      /* over all 2^k - 1 cells */
	int df;               /* 2^k - 1 - nparams */
	double aic;           /* -2 loglik (with log n_c!) + 2 nparams, as glm */
	double bic;           /* aic + (log n - 2) nparams, n = people seen
				 (Rcapture's convention) */
	int nparams;          /* estimated coefficients (the rank) */
	int iterations;       /* IRLS iterations of the last fit */
	int converged;
	double bias;          /* Rcapture's asymptotic bias of N-hat; NAN if none */
	double tau;           /* heterogeneity coefficient of Poisson2, Darroch and
				 Gamma3.5 (> 0 under heterogeneity); NAN otherwise */
	unsigned removed_eta; /* Chao: bit j set when eta_j was below 0 and set to 0 */
	int boundary;         /* 1: a parameter is on or beyond its boundary */
	char warning[640];    /* plain-words warnings, "; "-separated; "" if none */
	double *fitted;       /* 2^k fitted counts indexed like dur_table.count;
				 fitted[0] = the unseen count N-hat - n (raw) */
};

#define DUR_CLOSED_FIT_INIT { DUR_CLOSED_M0, 0, 0, 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, \
			      0, 0, 0, 0, 0, 0, 0, "", NULL }

/* Free what f owns and reset it to DUR_CLOSED_FIT_INIT.  @since 0.2 */
DUR_EXPORT void dur_closed_fit_release(struct dur_closed_fit *f);

/*
 * Fit model m to table t as closedp.t does (params NULL for defaults).
 * `out` must be initialised or released; its old contents are released.
 * Returns DUR_OK when the model was fitted, whether or not the estimate
 * can be shown (see out->ok and out->reason); DUR_EINVAL for a model
 * unknown or needing more lists than t has; DUR_EDATA for a table with
 * nobody; DUR_ENUMERIC when the fit fails altogether (Rcapture's "error"
 * rows: out->have_fit == 0, out->reason says why); DUR_ENOMEM.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_closed_fit_model(const struct dur_table *t, enum dur_closed_model m,
			     const struct dur_closed_params *params,
			     struct dur_closed_fit *out, struct dur_error *err);

/*
 * All twelve models side by side (closedp.t's table): out[m] for each
 * model m, each initialised or released beforehand.  A model that needs
 * more lists, or whose fit failed, is left with have_fit == 0 and a
 * reason.  Returns DUR_OK unless the table has nobody (DUR_EDATA) or
 * memory runs out.  Release each out[m] with dur_closed_fit_release.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_closed_fit_all(const struct dur_table *t, const struct dur_closed_params *params,
			   struct dur_closed_fit out[DUR_CLOSED_NMODELS],
			   struct dur_error *err);

/* A profile-likelihood interval for N (closedpCI.t). */
struct dur_closed_interval {
	double level;         /* e.g. 0.95 */
	double estimate;      /* N maximising the multinomial profile likelihood */
	double lower, upper;
	int lower_at_n;       /* 1: no crossing below the maximum; lower = n */
	int upper_open;       /* 1: no crossing below profile_upper * N-hat;
				 upper then holds that limit ("above ...") */
	int nonconverged;     /* profile fits that reached max_iter */
	char warning[320];    /* plain words; "" if none */
};

/*
 * Profile-likelihood interval at `level` (0 < level < 1) for model m on t,
 * as closedpCI.t(X, dfreq = TRUE, m = ..., h = ...): for each candidate N
 * the model is refitted with the unseen cell holding N - n, Cormack's
 * (1992) correction is applied, the maximum is sought on (n, 1.5 N-hat)
 * and the ends where the log-likelihood falls by chi2_1(level) / 2, the
 * lower in (n, max), the upper in (max, 3 N-hat).  Fails with DUR_EINVAL
 * for Mb and Mbh (no profile there) or a bad level, DUR_ENOMLE (with the
 * reason) when the model's estimate cannot be shown, DUR_ENUMERIC when a
 * profile fit fails.  @since 0.2
 */
DUR_EXPORT dur_err dur_closed_profile(const struct dur_table *t, enum dur_closed_model m, double level,
			   const struct dur_closed_params *params,
			   struct dur_closed_interval *out, struct dur_error *err);

#endif
