/*
 * Internals of the latent-class sampler (src/mse/lcmcr.c) that the tests
 * check on their own: the exact random variate generators and the MCMC
 * diagnostics of Vehtari et al. (2021).  Not part of the public API.
 */
#ifndef DURESS_LCMCR_INTERNAL_H
#define DURESS_LCMCR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* Tables of the ziggurat for normal variates (Marsaglia & Tsang 2000). */
struct dur_lcmcr_zig {
	uint32_t k[128];
	double w[128];
	double f[128];
};
void dur_lcmcr_zig_init(struct dur_lcmcr_zig *z);

/* Exact generators (docs/lcmcr.md, "Random variates").  lf is a table of
 * log k! for k < nlf (see dur_lcmcr_logfact_table); z the ziggurat's. */
double dur_lcmcr_normal(gsl_rng *r, const struct dur_lcmcr_zig *z);
int64_t dur_lcmcr_binomial(gsl_rng *r, int64_t n, double p, double q,
			   const double *lf, size_t nlf);
int64_t dur_lcmcr_poisson(gsl_rng *r, double mu, const double *lf, size_t nlf);
/* shape >= 1, scale 1 */
double dur_lcmcr_gamma(gsl_rng *r, const struct dur_lcmcr_zig *z, double shape);
void dur_lcmcr_beta(gsl_rng *r, const struct dur_lcmcr_zig *z, double a, double b, double *x,
		    double *one_minus_x);
/* Negative binomial (failures before n successes, success probability q =
 * 1 - p) truncated to [0, tmax]. */
int64_t dur_lcmcr_negbin_trunc(gsl_rng *r, const struct dur_lcmcr_zig *z, int64_t n, double p,
			       double q, int64_t tmax, const double *lf, size_t nlf);
/* 1 when the chains step GSL's taus2 inline (its state checked against
 * gsl_rng_get once per process), 0 when they call gsl_rng_get(). */
int dur_lcmcr_taus2_inline(void);
/* log k! for every k (table below nlf, Stirling series above). */
double dur_lcmcr_logfact(int64_t k, const double *lf, size_t nlf);
void dur_lcmcr_logfact_table(double *lf, size_t nlf);

/*
 * Diagnostics of m chains of n draws each, chain c at x[c*n .. c*n+n-1],
 * as R's posterior 1.4.  work must hold dur_lcmcr_diag_work_size(m, n)
 * doubles.
 */
struct dur_lcmcr_diag {
	double rhat_bulk, rhat_tail, rhat;
	double ess_bulk, ess_tail, ess_mean;
	double mcse_mean;
};
size_t dur_lcmcr_diag_work_size(int m, size_t n);
void dur_lcmcr_diagnose(const double *x, int m, size_t n, double *work,
			struct dur_lcmcr_diag *out);
/* posterior's .ess() on m (already split) chains of n; NaN when undefined. */
double dur_lcmcr_ess_basic(const double *x, int m, size_t n, double *work);
/* posterior's .rhat() on m (already split) chains of n. */
double dur_lcmcr_rhat_basic(const double *x, int m, size_t n);
/* ESS of the quantile `prob` and the MCSE of that quantile
 * (posterior's ess_quantile and mcse_quantile). */
double dur_lcmcr_ess_quantile(const double *x, int m, size_t n, double prob, double *work);
double dur_lcmcr_mcse_quantile(const double *x, int m, size_t n, double prob, double *work);
/* The p-quantile of Beta(a, b) (bisection on the CDF); NaN outside the
 * domain. */
double dur_lcmcr_beta_quantile(double p, double a, double b);
/* Hyndman & Fan type 7 quantile of sorted[0..n-1]. */
double dur_lcmcr_quantile7(const double *sorted, size_t n, double p);

#endif
