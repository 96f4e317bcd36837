/*
 * duress/lcmcr.h - Bayesian latent-class multiple systems estimation, the
 * model of Manrique-Vallier (2016) as LCMCR 0.4.14's lcmCR().
 *
 * The population is a mixture of at most K latent classes; within a class
 * the lists catch people independently, each list with its own probability
 * in each class.  Class weights follow a truncated stick-breaking
 * (Dirichlet process) prior with concentration alpha ~ Gamma(a_alpha,
 * b_alpha); capture probabilities have Beta(1, 1) priors; N has the
 * improper prior p(N) proportional to 1/N, truncated as LCMCR does at
 * N - n <= max_missing_ratio * n.  docs/lcmcr.md gives the model, the Gibbs
 * steps and the diagnostics.
 *
 * Several independent chains run on threads.  Chain c draws from its own
 * GSL generator (taus2 unless rng_type says otherwise) seeded with
 * dur_rng_stream_seed(seed, c), so the same parameters give the same draws
 * whatever the number of threads.
 *
 * The caller owns the loop, so that a front end can show progress:
 *
 *     struct dur_lcmcr_params p = dur_lcmcr_default_params();
 *     dur_lcmcr *s = dur_lcmcr_alloc(t, &p, &err);
 *     while ((rc = dur_lcmcr_iterate(s, 1000, &err)) == DUR_CONTINUE)
 *             show(dur_lcmcr_progress(s));
 *     if (rc == DUR_OK)
 *             rc = dur_lcmcr_result(s, &res, &err);
 *     dur_lcmcr_free(s);
 *
 * Invariants of a dur_lcmcr: every chain has done the same number of
 * sweeps; draws are kept only after the warm-up and burn-in, one every
 * `thin` sweeps.
 */
#ifndef DURESS_LCMCR_H
#define DURESS_LCMCR_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include <duress/error.h>
#include <duress/table.h>

#define DUR_LCMCR_MAX_K 100        /* latent classes */
#define DUR_LCMCR_MAX_CHAINS 64
#define DUR_LCMCR_MAX_THREADS 64
#define DUR_LCMCR_MAX_DRAWS 2000000    /* kept draws over all chains (memory) */
#define DUR_LCMCR_WARNING_MAX 512

/*
 * Parameters.  Start from dur_lcmcr_default_params(); the defaults are
 * those of LCMCR's example (lcmCR(K = 10, a_alpha = 0.25, b_alpha = 0.25),
 * lcmCR_PostSampl(burnin = 10000, samples = 1000, thinning = 100)).
 */
struct dur_lcmcr_params {
	int K;                    /* maximum number of latent classes; 10 */
	double a_alpha;           /* Gamma shape of the concentration prior; 0.25 */
	double b_alpha;           /* Gamma rate of the concentration prior; 0.25 */
	size_t warmup;            /* LCMCR's initial sweeps with alpha held at
				     0.3/K, after which classes are relabelled
				     by decreasing weight; 500 */
	size_t burnin;            /* sweeps discarded after the warm-up; 10,000 */
	size_t draws;             /* draws kept per chain, >= 4 (chains * draws <=
				     DUR_LCMCR_MAX_DRAWS); 1,000 */
	size_t thin;              /* sweeps per kept draw; 100 */
	int chains;               /* independent chains, 1..64; 4 */
	int threads;              /* threads, 1..64 (more than chains is no use); 2 */
	uint64_t seed;            /* chain c uses dur_rng_stream_seed(seed, c); 12345 */
	const gsl_rng_type *rng_type; /* each chain's generator; NULL (the default)
				     is gsl_rng_taus2, LCMCR's own, which costs a
				     third of MT19937 per number here */
	double max_missing_ratio; /* prior truncation: N - n <= this * n, as
				     LCMCR's sampler of the missing count; 20 */
	double min_share;         /* a class "holds a non-negligible share"
				     when it holds at least this share; 0.05 */
	double level;             /* credible level of the interval; 0.95 */
	double rhat_warn;         /* warn when R-hat exceeds this; 1.05 */
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT struct dur_lcmcr_params dur_lcmcr_default_params(void);

/* Summary of one chain's draws of N.  Quantiles are Hyndman & Fan's type 7
 * (R's default, as LCMCR users compute them with quantile()). */
struct dur_lcmcr_chain_summary {
	double median;
	double mean;
	double lower;             /* (1 - level)/2 quantile */
	double upper;             /* (1 + level)/2 quantile */
	double mean_alpha;        /* posterior mean of the concentration */
	double mean_classes;      /* mean number of classes with weight >= min_share */
};

/*
 * The posterior of N pooled over all chains, with diagnostics.  R-hat and
 * ESS are those of Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021),
 * as R's posterior package 1.4: rhat is the larger of the rank-normalised
 * split-R-hat of N and of |N - median|; ess_bulk is the ESS of the rank-
 * normalised split chains, ess_tail the smaller of the ESS of the 5% and
 * 95% quantiles.  MCSEs: of the mean sd/sqrt(ESS of the split chains); of
 * a quantile from the ESS of its indicator and the Beta posterior of the
 * tail probability (Vehtari et al. 2021, section 4.3).
 */
struct dur_lcmcr_result {
	double observed;          /* n, people on at least one list */
	double level;
	double median;            /* posterior median of N (type 7 quantile) */
	double mean;
	double sd;
	double lower, upper;      /* equal-tailed credible interval (type 7) */
	double mcse_median, mcse_lower, mcse_upper, mcse_mean;
	double rhat;              /* max(rhat_bulk, rhat_tail); NaN for one chain
				     of constant draws */
	double rhat_bulk, rhat_tail;
	double ess_bulk, ess_tail;
	/*
	 * Shared catchability (docs/lcmcr.md): the posterior probability that
	 * at least two latent classes each hold at least min_share of the
	 * population (class weights pi_k), and of the people observed (the
	 * sampled allocation of the observed cells).
	 */
	double prob_multiclass;
	double prob_multiclass_observed;
	double mean_classes;      /* posterior mean number of classes with pi_k >= min_share */
	double mean_occupied;     /* posterior mean number of classes anyone is in */
	int chains;
	size_t draws;             /* per chain */
	struct dur_lcmcr_chain_summary chain[DUR_LCMCR_MAX_CHAINS];
	int rhat_warning;         /* 1 when rhat > rhat_warn (or is NaN with chains > 1) */
	char warning[DUR_LCMCR_WARNING_MAX];  /* plain words, "" when none */
};

typedef struct dur_lcmcr dur_lcmcr;

/*
 * A sampler for table t (borrowed; a copy of what is needed is kept) with
 * parameters p (NULL: the defaults).  Every workspace is allocated here,
 * once per chain; the sweeps allocate nothing.  Returns NULL and fills err
 * with DUR_EINVAL (a parameter out of range, named in the message), DUR_EDATA
 * (nobody observed) or DUR_ENOMEM.  Free with dur_lcmcr_free.  @since 0.2
 */
DUR_EXPORT dur_lcmcr *dur_lcmcr_alloc(const struct dur_table *t, const struct dur_lcmcr_params *p,
			   struct dur_error *err);

/*
 * Advance every chain by up to `sweeps` sweeps (0: all that remain), the
 * chains spread over p->threads threads (the calling thread is one of
 * them; if a thread cannot be started the others take its chains, with the
 * same results).  Returns DUR_CONTINUE while sweeps remain, DUR_OK once
 * every chain has finished (and on every later call), DUR_EINVAL for a
 * NULL sampler.  @since 0.2
 */
DUR_EXPORT dur_err dur_lcmcr_iterate(dur_lcmcr *s, size_t sweeps, struct dur_error *err);

/* Sweeps done per chain, and the total per chain (warm-up + burn-in +
 * draws * thin).  Either pointer may be NULL.  Returns done / total in
 * [0, 1].  @since 0.2 */
DUR_EXPORT double dur_lcmcr_progress(const dur_lcmcr *s, size_t *done, size_t *total);

/*
 * Summaries and diagnostics of the finished run into *out.  DUR_EINVAL if
 * the chains have not finished.  Uses a scratch buffer allocated with the
 * sampler (no allocation here).  @since 0.2
 */
DUR_EXPORT dur_err dur_lcmcr_result(dur_lcmcr *s, struct dur_lcmcr_result *out, struct dur_error *err);

/*
 * The draws of N kept so far by chain c (0 <= c < chains), in order; *n is
 * set to their number.  Borrowed: valid until the next dur_lcmcr_iterate
 * or dur_lcmcr_free.  NULL (and *n = 0) for a chain out of range.
 * @since 0.2
 */
DUR_EXPORT const double *dur_lcmcr_draws(const dur_lcmcr *s, int c, size_t *n);

/* The same for the concentration alpha.  @since 0.2 */
DUR_EXPORT const double *dur_lcmcr_draws_alpha(const dur_lcmcr *s, int c, size_t *n);

/* The parameters in use (borrowed).  @since 0.2 */
DUR_EXPORT const struct dur_lcmcr_params *dur_lcmcr_params_of(const dur_lcmcr *s);

/* Free; NULL is allowed.  @since 0.2 */
DUR_EXPORT void dur_lcmcr_free(dur_lcmcr *s);

#endif
