/*
 * Bayesian latent-class multiple systems estimation (Manrique-Vallier
 * 2016, Biometrics 72(4) 1246-1254), the model and Gibbs sampler of LCMCR
 * 0.4.14's lcmCR(); see include/duress/lcmcr.h and docs/lcmcr.md.
 *
 * Notation (docs/lcmcr.md): J lists, K classes, M observed cells (capture
 * patterns with a count), n observed, n0 missing (on no list), pi_k class
 * weights from sticks V_k, lambda_jk = P(on list j | class k).
 *
 * Speed.  A sweep costs a few hundred random numbers, so the generators
 * below are chosen for few uniforms per variate and every one of them is
 * exact (no approximation of any distribution):
 *   - Beta: a ratio of gamma variates for both shapes > 1, and closed
 *     forms x = U^(1/a) when the other shape is 1 (so Beta(1,1) is one
 *     uniform: every capture probability of an empty class, and those
 *     are drawn only when something needs them, see sweep_lambda);
 *   - binomial: inversion for n*min(p,q) < 16, with the exact shortcut
 *     "U < 1 - n p implies 0" (Bernoulli's inequality, (1-p)^n >= 1-np), so
 *     that a class of negligible weight costs one uniform; Hoermann's (1993)
 *     BTRS otherwise;
 *   - Poisson: inversion below mean 10, Hoermann's (1993) PTRS above;
 *   - gamma: Marsaglia & Tsang (2000), on a ziggurat normal.
 * Log-factorials come from a per-chain table and the Stirling series, not
 * lgamma(), which writes the global signgam and so is not thread-safe.
 * The multinomial allocation of a cell takes the classes in decreasing
 * order of weight and stops as soon as the count is used up; the classes
 * of negligible weight are reached only through an exact thinning step
 * (sweep_cells), and the missing count does without them by rejection
 * (sweep_missing).  Nothing is allocated in a sweep: every chain has its
 * workspace from dur_lcmcr_alloc().
 */
#define HAVE_INLINE 1   /* GSL: inline gsl_rng_get() */

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include <duress/lcmcr.h>
#include <duress/rng.h>
#include "mse/lcmcr_internal.h"

/* Log-factorial table per chain: log k! for k < LF_TABLE, Stirling above. */
#define LF_TABLE 1024
/* A categorical draw per person for cells of at most this many people;
 * binomial splits above (fewer uniforms either side of it). */
#define CAT_MAX 3
/* Class weights below this are set to 0 (as LCMCR's exp() of log-weights
 * underflows): keeps denormal numbers out of the products.  It changes a
 * probability by less than 1e-290. */
#define NU_FLOOR 1e-290
/* Plain rejection tries for the truncated missing count before the
 * envelope (a speed switch only: every branch is exact). */
#define NB_TRIES 16
/* The classes whose weights add up to at most this are drawn for in the
 * cells by thinning (sweep_cells); a speed switch only, every draw is
 * exact whatever it is. */
#define T_WEIGHT 1e-7
/* Binomial by inversion below this n p, BTRS above (BTRS needs n p >= 10;
 * between 10 and 16 inversion, with q^n by squaring, is the cheaper). */
#define INV_NP 16.0
/* Cells whose arithmetic is done together before their draws. */
#define CELL_BLOCK 32

/* ------------------------------------------------------------------ */
/* Uniforms and exact random variates                                  */

/*
 * The chains' generator is GSL's taus2 unless rng_type says otherwise.
 * Its step (L'Ecuyer 1996, Math. Comp. 65, the three-component combined
 * Tausworthe generator "taus88") is done here, inline, on the state GSL
 * keeps for it, instead of through gsl_rng_get()'s call by pointer: the
 * same numbers, without a call per uniform (a sweep draws about 160).
 * Whether GSL's state is laid out as assumed (three unsigned longs) is
 * checked once per process against gsl_rng_get() itself
 * (taus2_check_once); if it were not, the generic call is used.
 */
struct taus2_state {
	unsigned long s1, s2, s3;
};

/* gsl_rng_taus2 once its state is known to be laid out as assumed, else
 * NULL (set by dur_lcmcr_taus2_inline(), before any chain runs). */
static const gsl_rng_type *taus2_type;

/* One step on the state; in 32-bit arithmetic (GSL keeps each component
 * in an unsigned long, below 2^32, and masks every shift to 32 bits). */
static inline unsigned long taus2_step(struct taus2_state *t)
{
	uint32_t s1 = (uint32_t)t->s1, s2 = (uint32_t)t->s2, s3 = (uint32_t)t->s3;
	s1 = ((s1 & 0xfffffffeu) << 12) ^ (((s1 << 13) ^ s1) >> 19);
	s2 = ((s2 & 0xfffffff8u) << 4) ^ (((s2 << 2) ^ s2) >> 25);
	s3 = ((s3 & 0xfffffff0u) << 17) ^ (((s3 << 3) ^ s3) >> 11);
	t->s1 = s1;
	t->s2 = s2;
	t->s3 = s3;
	return (unsigned long)(s1 ^ s2 ^ s3);
}

/* One 32-bit output of r. */
static inline unsigned long bits32(gsl_rng *r)
{
	if (r->type == taus2_type)
		return taus2_step((struct taus2_state *)r->state);
	return gsl_rng_get(r);
}

static pthread_once_t taus2_once = PTHREAD_ONCE_INIT;

static void taus2_check_once(void)
{
	gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *b = gsl_rng_alloc(gsl_rng_taus2);
	int ok = a && b && gsl_rng_size(a) == sizeof(struct taus2_state);
	for (unsigned long seed = 1; ok && seed <= 3; seed++) {
		gsl_rng_set(a, seed * 2654435761UL);
		gsl_rng_set(b, seed * 2654435761UL);
		for (int i = 0; ok && i < 1000; i++)
			ok = taus2_step((struct taus2_state *)a->state) == gsl_rng_get(b);
	}
	gsl_rng_free(a);
	gsl_rng_free(b);
	taus2_type = ok ? gsl_rng_taus2 : NULL;
}

/* Whether the chains step taus2 inline (tests). */
int dur_lcmcr_taus2_inline(void)
{
	pthread_once(&taus2_once, taus2_check_once);
	return taus2_type != NULL;
}

/* Uniform on (0,1): one 32-bit output, (x + 1/2) / 2^32. */
static inline double uni(gsl_rng *r)
{
	return ((double)bits32(r) + 0.5) * 2.3283064365386962890625e-10;
}

void dur_lcmcr_logfact_table(double *lf, size_t nlf)
{
	size_t k;
	if (nlf == 0)
		return;
	lf[0] = 0.0;
	for (k = 1; k < nlf; k++)
		lf[k] = gsl_sf_lnfact((unsigned)k);
}

double dur_lcmcr_logfact(int64_t k, const double *lf, size_t nlf)
{
	double x, x2;
	if (k < 0)
		return INFINITY;
	if ((uint64_t)k < nlf)
		return lf[k];
	/* Stirling: log k! = (k+1/2) log(k+1) - (k+1) + log(2 pi)/2
	 * + 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7), x = k+1;
	 * the next term is below 1e-22 for x > 1000. */
	x = (double)k + 1.0;
	x2 = 1.0 / (x * x);
	return (x - 0.5) * log(x) - x + 0.91893853320467274178 +
	       (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 / 1680))) / x;
}

/*
 * Standard normal variates by the ziggurat of Marsaglia & Tsang (2000),
 * J. Statist. Software 5(8), with 128 layers (R = 3.442619855899, V =
 * 9.91256303526217e-3).  One 32-bit output gives the layer (7 bits), the
 * sign (1 bit) and a 24-bit abscissa, so that they are independent (as in
 * GSL's gsl_ran_gaussian_ziggurat, whose per-call overhead this avoids).
 */
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3
#define ZIG_M 16777216.0   /* 2^24 */

void dur_lcmcr_zig_init(struct dur_lcmcr_zig *z)
{
	double dn = ZIG_R, tn = dn, q = ZIG_V / exp(-0.5 * dn * dn);
	int i;
	z->k[0] = (uint32_t)((dn / q) * ZIG_M);
	z->k[1] = 0;
	z->w[0] = q / ZIG_M;
	z->w[127] = dn / ZIG_M;
	z->f[0] = 1.0;
	z->f[127] = exp(-0.5 * dn * dn);
	for (i = 126; i >= 1; i--) {
		dn = sqrt(-2.0 * log(ZIG_V / dn + exp(-0.5 * dn * dn)));
		z->k[i + 1] = (uint32_t)((dn / tn) * ZIG_M);
		tn = dn;
		z->f[i] = exp(-0.5 * dn * dn);
		z->w[i] = dn / ZIG_M;
	}
}

static double zig_slow(gsl_rng *r, const struct dur_lcmcr_zig *z, uint32_t iz, uint32_t j,
		       double sign)
{
	for (;;) {
		double x = (double)j * z->w[iz];
		uint32_t h;
		if (iz == 0) {
			/* the tail beyond R (Marsaglia 1964) */
			double y;
			do {
				x = -log(uni(r)) / ZIG_R;
				y = -log(uni(r));
			} while (y + y < x * x);
			return sign * (ZIG_R + x);
		}
		if (z->f[iz] + uni(r) * (z->f[iz - 1] - z->f[iz]) < exp(-0.5 * x * x))
			return sign * x;
		h = (uint32_t)bits32(r);
		iz = h & 127u;
		sign = (h & 128u) ? 1.0 : -1.0;
		j = h >> 8;
		if (j < z->k[iz])
			return sign * (double)j * z->w[iz];
	}
}

static inline double normal(gsl_rng *r, const struct dur_lcmcr_zig *z)
{
	uint32_t h = (uint32_t)bits32(r), iz = h & 127u, j = h >> 8;
	double sign = (h & 128u) ? 1.0 : -1.0;
	if (j < z->k[iz])
		return sign * (double)j * z->w[iz];
	return zig_slow(r, z, iz, j, sign);
}

double dur_lcmcr_normal(gsl_rng *r, const struct dur_lcmcr_zig *z)
{
	return normal(r, z);
}

/* Marsaglia & Tsang (2000), ACM TOMS 26(3): shape >= 1, scale 1. */
static inline double gamma_mt(gsl_rng *r, const struct dur_lcmcr_zig *z, double shape)
{
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d), x, v, u;
	for (;;) {
		do {
			x = normal(r, z);
			v = 1.0 + c * x;
		} while (v <= 0.0);
		v = v * v * v;
		u = uni(r);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x))
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double dur_lcmcr_gamma(gsl_rng *r, const struct dur_lcmcr_zig *z, double shape)
{
	return gamma_mt(r, z, shape);
}

/* log of a Gamma(shape, 1) variate for any shape > 0: for shape < 1,
 * G(a) = G(a + 1) U^(1/a) (Robert & Casella 2004, as LCMCR). */
static double log_gamma_variate(gsl_rng *r, const struct dur_lcmcr_zig *z, double shape)
{
	if (shape >= 1.0)
		return log(gamma_mt(r, z, shape));
	return log(gamma_mt(r, z, shape + 1.0)) + log(uni(r)) / shape;
}

/*
 * Beta(a, b), a, b > 0, returning x and 1 - x each to full relative
 * precision.  One shape equal to 1: x = 1 - U^(1/b) or x = U^(1/a).
 * Both above 1: X / (X + Y) with X, Y gamma variates (Marsaglia & Tsang),
 * which here is faster than Cheng's (1978) algorithm BB.  Otherwise (a
 * shape below 1, which only the sticks of the last occupied class meet):
 * the same ratio on the log scale.
 */
void dur_lcmcr_beta(gsl_rng *r, const struct dur_lcmcr_zig *z, double a, double b, double *x,
		    double *y)
{
	if (a == 1.0 && b == 1.0) {
		double u = uni(r);
		*x = u;
		*y = 1.0 - u;   /* exact: u is a multiple of 2^-33 */
		return;
	}
	if (a == 1.0 || b == 1.0) {
		double l = log(uni(r)) / (a == 1.0 ? b : a);
		double big = exp(l), small = -expm1(l);
		if (a == 1.0) {
			*x = small;
			*y = big;
		} else {
			*x = big;
			*y = small;
		}
		return;
	}
	if (a > 1.0 && b > 1.0) {
		double g1 = gamma_mt(r, z, a), g2 = gamma_mt(r, z, b);
		double t = 1.0 / (g1 + g2);
		*x = g1 * t;
		*y = g2 * t;
		return;
	}
	{
		double lx = log_gamma_variate(r, z, a), ly = log_gamma_variate(r, z, b);
		double m = lx > ly ? lx : ly;
		double lse = m + log(exp(lx - m) + exp(ly - m));
		*x = exp(lx - lse);
		*y = exp(ly - lse);
	}
}

/* 1/x for the inversion's recurrence (no division in its loop). */
static const double recip[33] = {
	0.0, 1.0, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6, 1.0 / 7, 1.0 / 8, 1.0 / 9,
	1.0 / 10, 1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15, 1.0 / 16, 1.0 / 17,
	1.0 / 18, 1.0 / 19, 1.0 / 20, 1.0 / 21, 1.0 / 22, 1.0 / 23, 1.0 / 24, 1.0 / 25,
	1.0 / 26, 1.0 / 27, 1.0 / 28, 1.0 / 29, 1.0 / 30, 1.0 / 31, 1.0 / 32
};

/*
 * Binomial(n, p), p <= q = 1 - p, n p < INV_NP, by inversion of the uniform u
 * already drawn (the caller may have tried the shortcut X = 0 when
 * u < 1 - n p on it: then u >= 1 - n p here, which changes nothing).
 */
/* q^n by repeated squaring: with n p < INV_NP and q >= 1/2 it cannot
 * underflow, and its rounding error is at most about 2 log2(n) ulps (the
 * rounding of q itself, as in GSL's pow(q, n), adds n ulps). */
static inline double powi(double q, int64_t n)
{
	double r = 1.0;
	while (n > 0) {
		if (n & 1)
			r *= q;
		q *= q;
		n >>= 1;
	}
	return r;
}

static int64_t binom_inv(double u, int64_t n, double p, double q)
{
	double f = powi(q, n), F = f, ratio = p / q;
	double np1 = (double)(n + 1);
	int64_t x = 0;
	while (u > F && x < n) {
		x++;
		/* f(x) = f(x-1) (n - x + 1) / x * p / q */
		f *= ratio * (np1 - (double)x) * (x < 33 ? recip[x] : 1.0 / (double)x);
		F += f;
		if (f < DBL_MIN * 1e20 && (double)x > (double)n * p)
			break;   /* rounding left F below u; the tail is empty */
	}
	return x;
}

/* BTRS: Hoermann (1993), J. Statist. Comput. Simul. 46, 101-110;
 * Binomial(n, p), p <= q = 1 - p, n p >= 10. */
static int64_t binom_btrs(gsl_rng *r, int64_t n, double p, double q,
			  const double *lf, size_t nlf)
{
	double np = (double)n * p;
	double spq = sqrt(np * q);
	double b = 1.15 + 2.53 * spq;
	double a2 = 2.0 * (-0.0873 + 0.0248 * b + 0.01 * p);
	double c = np + 0.5;
	double vr = 0.92 - 4.2 / b;
	double alpha = 0, lpq = 0, m = 0, h = 0;
	int setup = 0;
	for (;;) {
		double u = uni(r) - 0.5, v = uni(r);
		double us = 0.5 - fabs(u);
		double kd = floor((a2 / us + b) * u + c);
		int64_t k;
		if (kd < 0.0 || kd > (double)n)
			continue;
		k = (int64_t)kd;
		if (us >= 0.07 && v <= vr)
			return k;
		if (!setup) {
			alpha = (2.83 + 5.1 / b) * spq;
			lpq = log(p / q);
			m = floor((double)(n + 1) * p);
			h = dur_lcmcr_logfact((int64_t)m, lf, nlf) +
			    dur_lcmcr_logfact(n - (int64_t)m, lf, nlf);
			setup = 1;
		}
		v = log(v * alpha / (0.5 * a2 / (us * us) + b));
		if (v <= h - dur_lcmcr_logfact(k, lf, nlf) - dur_lcmcr_logfact(n - k, lf, nlf) +
			 (kd - m) * lpq)
			return k;
	}
}

/* Binomial(n, p) with p <= q = 1 - p.  Inline: the common case of a
 * negligible p costs one uniform and a comparison (X = 0 iff U <= (1-p)^n,
 * and (1-p)^n >= 1 - np by Bernoulli's inequality). */
static inline int64_t binom_low(gsl_rng *r, int64_t n, double p, double q,
				const double *lf, size_t nlf)
{
	double np = (double)n * p, u;
	if (np >= INV_NP)
		return binom_btrs(r, n, p, q, lf, nlf);
	u = uni(r);
	if (u < 1.0 - np)
		return 0;
	return binom_inv(u, n, p, q);
}

/* Binomial(n, p), with q = 1 - p given too (each to full precision). */
static inline int64_t binomial(gsl_rng *r, int64_t n, double p, double q,
			       const double *lf, size_t nlf)
{
	if (n <= 0 || !(p > 0.0))
		return 0;
	if (!(q > 0.0))
		return n;
	if (p > q)
		return n - binom_low(r, n, q, p, lf, nlf);
	return binom_low(r, n, p, q, lf, nlf);
}

int64_t dur_lcmcr_binomial(gsl_rng *r, int64_t n, double p, double q,
			   const double *lf, size_t nlf)
{
	return binomial(r, n, p, q, lf, nlf);
}

int64_t dur_lcmcr_poisson(gsl_rng *r, double mu, const double *lf, size_t nlf)
{
	if (!(mu > 0.0))
		return 0;
	if (mu < 10.0) {
		double u = uni(r), f = exp(-mu), F = f;
		int64_t k = 0;
		while (u > F && k < 1000) {
			k++;
			f *= mu / (double)k;
			F += f;
		}
		return k;
	}
	{
		/* PTRS: Hoermann (1993), Insurance: Math. Econom. 12, 39-45. */
		double slam = sqrt(mu), loglam = log(mu);
		double b = 0.931 + 2.53 * slam;
		double a = -0.059 + 0.02483 * b;
		double linvalpha = log(1.1239 + 1.1328 / (b - 3.4));
		double vr = 0.9277 - 3.6224 / (b - 2.0);
		for (;;) {
			double u = uni(r) - 0.5, v = uni(r);
			double us = 0.5 - fabs(u);
			double kd = floor((2.0 * a / us + b) * u + mu + 0.43);
			if (kd < 0.0 || kd > 9e15)
				continue;
			if (us >= 0.07 && v <= vr)
				return (int64_t)kd;
			if (us < 0.013 && v > us)
				continue;
			if (log(v) + linvalpha - log(a / (us * us) + b) <=
			    -mu + kd * loglam - dur_lcmcr_logfact((int64_t)kd, lf, nlf))
				return (int64_t)kd;
		}
	}
}

/* log of the negative binomial weight C(t+n-1, t) p^t, up to a constant. */
static double nb_logw(int64_t t, int64_t n, double logp, const double *lf, size_t nlf)
{
	return dur_lcmcr_logfact(t + n - 1, lf, nlf) - dur_lcmcr_logfact(t, lf, nlf) +
	       (double)t * logp;
}

/*
 * The missing count: P(n0 = t) proportional to C(t+n-1, t) p^t q^n on
 * 0..tmax (LCMCR's sam_n0: the conditional under p(N) ~ 1/N, redrawn while
 * above 20 n).  Plain draws as gamma-Poisson mixtures first.  When those
 * keep landing above tmax the weights increase at tmax (r(tmax) =
 * w(tmax-1)/w(tmax) < 1), and since r(t) = t / ((t+n-1) p) increases in t,
 * r(tmax)^d bounds w(tmax-d)/w(tmax): rejection from that geometric
 * envelope is exact.  Otherwise small ranges are inverted and large ones
 * keep to plain draws (the distribution is log-concave with its mode
 * inside, so they are accepted often).
 */
int64_t dur_lcmcr_negbin_trunc(gsl_rng *r, const struct dur_lcmcr_zig *z, int64_t n, double p,
			       double q, int64_t tmax, const double *lf, size_t nlf)
{
	double logp, rt;
	int i;
	if (!(p > 0.0) || tmax <= 0)
		return 0;
	if (q > 0.0) {
		double scale = p / q;
		for (i = 0; i < NB_TRIES; i++) {
			double mu = gamma_mt(r, z, (double)n) * scale;
			int64_t k;
			if (!(mu < 1e17))
				continue;
			k = dur_lcmcr_poisson(r, mu, lf, nlf);
			if (k <= tmax)
				return k;
		}
	}
	logp = log(p);
	rt = (double)tmax / ((double)(tmax + n - 1) * p);
	if (rt < 1.0) {
		double lwt = nb_logw(tmax, n, logp, lf, nlf), lrt = log(rt);
		for (;;) {
			double dd = floor(log(uni(r)) / lrt);
			int64_t d;
			if (!(dd <= (double)tmax))
				continue;
			d = (int64_t)dd;
			if (log(uni(r)) <= nb_logw(tmax - d, n, logp, lf, nlf) - lwt - dd * lrt)
				return tmax - d;
		}
	}
	if (tmax <= 1000000) {
		/* inversion; the mode is at max(0, floor((n-1) p / q)) */
		double lmax = -INFINITY, sum = 0.0, u;
		int64_t t;
		for (t = 0; t <= tmax; t++) {
			double l = nb_logw(t, n, logp, lf, nlf);
			if (l > lmax) {
				sum = sum * exp(lmax - l) + 1.0;
				lmax = l;
			} else {
				sum += exp(l - lmax);
			}
		}
		u = uni(r) * sum;
		for (t = 0; t < tmax; t++) {
			u -= exp(nb_logw(t, n, logp, lf, nlf) - lmax);
			if (u <= 0.0)
				return t;
		}
		return tmax;
	}
	for (;;) {
		double mu = gamma_mt(r, z, (double)n) * (p / q);
		int64_t k;
		if (!(mu < 1e17))
			continue;
		k = dur_lcmcr_poisson(r, mu, lf, nlf);
		if (k <= tmax)
			return k;
	}
}

/* ------------------------------------------------------------------ */
/* The sampler                                                         */

struct chain {
	gsl_rng *rng;
	const struct dur_lcmcr_zig *zig;   /* the sampler's, shared read-only */
	double *lf;          /* LF_TABLE log-factorials */
	/* state (docs/lcmcr.md, "State"); arrays over classes have Kp
	 * entries, class K being a padding class of weight 0 */
	double *lam;         /* J*Kp: lambda_jk at [j*Kp + k] */
	double *lam0;        /* J*Kp: 1 - lambda_jk, kept apart for accuracy */
	const double **rowp; /* M*J: cell m's factor rows, lam + off[m*J + j] */
	double *nu;          /* Kp: class weights pi_k */
	double alpha;
	int kstar;           /* classes anyone is in, at the sticks' update */
	int64_t n0;          /* missing */
	int64_t *m0;         /* K: the missing in class k */
	/* statistics of the latest allocation of the observed */
	int64_t *nk;         /* K: observed in class k */
	int64_t *s;          /* J*K: observed in class k on list j */
	/* the split of the classes for the cells (split_classes) */
	int *ord;            /* classes by decreasing pi_k */
	int *act;            /* the nA active classes, padded to a multiple of 4 */
	int *tcls;           /* the nT others, padded likewise */
	int nA, nT;
	double WT;           /* their total weight */
	/* scratch */
	double *q;           /* Kp */
	double *qa, *qt;     /* Kp: weights of the active and other classes */
	int64_t *ca, *ct;    /* Kp: their allocations */
	int *ia;             /* Kp: the active classes sorted for one cell */
	double *w0;          /* Kp */
	double *rs;          /* Kp + 1 suffix sums */
	double *qs;          /* Kp */
	double *bq, *bp, *bc;/* CELL_BLOCK*(Kp+1): a block of cells' weights,
				suffix sums and thinning bounds (sweep_cells) */
	unsigned char *pend; /* Kp: lambda_k not drawn yet (see sweep_lambda) */
	int64_t *a;          /* Kp */
	/* kept draws */
	double *drawN;
	double *drawA;
	unsigned char *ncl;      /* classes with pi_k >= min_share */
	unsigned char *nclobs;   /* classes with >= min_share of the observed */
	unsigned char *nocc;     /* classes with anyone in them */
	size_t kept;
};

struct dur_lcmcr {
	struct dur_lcmcr_params p;
	int J, K, M;
	int Kp;                  /* K + 1 rounded up to a multiple of 4 */
	int64_t n;
	int64_t tmax;            /* truncation of n0 */
	uint32_t *pat;           /* M observed patterns */
	int *on;                 /* M*J: the lists each cell is on ... */
	int *non;                /* M: ... and how many */
	int *off;                /* M*J: offset of row j of lambda (on list j)
				    or of 1 - lambda (not on it) in chain->lam */
	int64_t *cnt;            /* M counts */
	size_t total;            /* sweeps per chain */
	size_t done;             /* sweeps done per chain */
	struct chain *ch;
	struct dur_lcmcr_zig zig;  /* normal variates' tables */
	double *work;            /* result() scratch */
	size_t nwork;
};

struct dur_lcmcr_params dur_lcmcr_default_params(void)
{
	struct dur_lcmcr_params p;
	memset(&p, 0, sizeof(p));
	p.K = 10;
	p.a_alpha = 0.25;
	p.b_alpha = 0.25;
	p.warmup = 500;
	p.burnin = 10000;
	p.draws = 1000;
	p.thin = 100;
	p.chains = 4;
	p.threads = 2;
	p.seed = 12345;
	p.max_missing_ratio = 20.0;
	p.min_share = 0.05;
	p.level = 0.95;
	p.rhat_warn = 1.05;
	return p;
}

/* Insertion sort of idx[0..K-1] by decreasing w (stable, so ties keep
 * their order and the chain is reproducible). */
static void order_by(int *idx, const double *w, int K)
{
	int i, j, v;
	for (i = 1; i < K; i++) {
		v = idx[i];
		for (j = i; j > 0 && w[idx[j - 1]] < w[v]; j--)
			idx[j] = idx[j - 1];
		idx[j] = v;
	}
}

/*
 * Multinomial(c; q) over n positions into a[0..n-1].  Conditional
 * binomials: position i gets Bin(c left, q_i / R_i), where the suffix sums
 * R_i = sum_{l >= i} q_l give every probability and its complement
 * R_{i+1} / R_i accurately; the draws stop as soon as nobody is left.
 * Callers put the positions in decreasing order of weight, so the last
 * ones are seldom reached.  Up to CAT_MAX people are drawn one at a time
 * instead (one uniform each).  Exactly multinomial whatever the order.
 */
static void allocate(struct chain *ch, int64_t c, const double *q, int n, int64_t *a)
{
	double *rs = ch->rs;
	int i;
	for (i = 0; i < n; i++)
		a[i] = 0;
	if (c <= 0)
		return;
	rs[n] = 0.0;
	for (i = n - 1; i >= 0; i--)
		rs[i] = rs[i + 1] + q[i];
	if (!(rs[0] > 0.0)) {
		a[0] = c;   /* every weight underflowed */
		return;
	}
	if (c <= CAT_MAX) {
		for (; c > 0; c--) {
			double u = uni(ch->rng) * rs[0];
			int pick = 0;
			for (i = 0; i < n; i++) {
				if (!(q[i] > 0.0))
					continue;
				pick = i;   /* rounding: then the last with a weight */
				if (u < q[i])
					break;
				u -= q[i];
			}
			a[pick]++;
		}
		return;
	}
	for (i = 0; i < n - 1 && rs[i + 1] > 0.0; i++) {
		int64_t x = binomial(ch->rng, c, q[i] / rs[i], rs[i + 1] / rs[i],
					       ch->lf, LF_TABLE);
		a[i] = x;
		c -= x;
		if (c == 0)
			return;
	}
	a[i] += c;   /* the last position with a weight takes who is left */
}

/* q[i] = pi_k prod_j row_j[k] for k = idx[i], i < n (n a multiple of 4;
 * idx padded with a class of weight 0), four at a time so that the
 * products stay in registers. */
static inline void class_products(const double *nu, const double *const *rows, int J,
			   const int *idx, int n, double *q)
{
	int i, j;
	for (i = 0; i < n; i += 4) {
		const int k0 = idx[i], k1 = idx[i + 1], k2 = idx[i + 2], k3 = idx[i + 3];
		double p0 = nu[k0], p1 = nu[k1], p2 = nu[k2], p3 = nu[k3];
		for (j = 0; j < J; j++) {
			const double *rw = rows[j];
			p0 *= rw[k0];
			p1 *= rw[k1];
			p2 *= rw[k2];
			p3 *= rw[k3];
		}
		q[i] = p0;
		q[i + 1] = p1;
		q[i + 2] = p2;
		q[i + 3] = p3;
	}
}

/* Draw the pending capture probabilities of class k: Beta(1, 1). */
static void materialize(const struct dur_lcmcr *s, struct chain *ch, int k)
{
	const int J = s->J, Kp = s->Kp;
	int j;
	for (j = 0; j < J; j++) {
		double u = uni(ch->rng);
		ch->lam[(size_t)j * Kp + k] = u;
		ch->lam0[(size_t)j * Kp + k] = 1.0 - u;
	}
	ch->pend[k] = 0;
}

/* ... of every class outside the active set. */
static void materialize_others(const struct dur_lcmcr *s, struct chain *ch)
{
	int i;
	for (i = 0; i < ch->nT; i++)
		if (ch->pend[ch->tcls[i]])
			materialize(s, ch, ch->tcls[i]);
}

/* Add a[i] people of cell m to class idx[i], i < n. */
static void tabulate(const struct dur_lcmcr *s, struct chain *ch, int m, const int *idx,
		     const int64_t *a, int n)
{
	const int Kp = s->Kp, non = s->non[m];
	const int *on = s->on + (size_t)m * s->J;
	int i, j;
	for (i = 0; i < n; i++) {
		const int k = idx[i];
		const int64_t ak = a[i];
		if (ak == 0)
			continue;
		ch->nk[k] += ak;
		for (j = 0; j < non; j++)
			ch->s[(size_t)on[j] * Kp + k] += ak;
	}
}

/* Add one person of cell m to class k. */
static void tabulate1(const struct dur_lcmcr *s, struct chain *ch, int m, int k)
{
	const int Kp = s->Kp, non = s->non[m];
	const int *on = s->on + (size_t)m * s->J;
	int j;
	ch->nk[k]++;
	for (j = 0; j < non; j++)
		ch->s[(size_t)on[j] * Kp + k]++;
}

/* The position of u in the weights q[0..n-1] (u < sum q; rounding: the
 * last position with a weight). */
static int pick(const double *q, int n, double u)
{
	int i, last = 0;
	for (i = 0; i < n; i++) {
		if (!(q[i] > 0.0))
			continue;
		last = i;
		if (u < q[i])
			return i;
		u -= q[i];
	}
	return last;
}

/*
 * Step 1 (docs/lcmcr.md): allocate each observed cell's count among the
 * classes, P(class k | pattern x) proportional to q_k = pi_k prod_j
 * lambda_jk^x_j (1 - lambda_jk)^(1 - x_j), and tabulate n_k and s_jk.
 *
 * The classes are split into the active ones (largest weights) and the
 * rest T, of total weight W_T, too small to matter but for the exactness
 * of the draw.  Since every q_k <= pi_k, the share of the cell that goes
 * to T, p_T = Q_T / (Q_A + Q_T), is at most B = W_T / Q_A; so the number
 * going to T, Bin(c, p_T), is drawn by thinning: X ~ Bin(c, min(B, 1)),
 * then Bin(X, p_T / B).  X is almost always 0 (one uniform, by the
 * binomial's shortcut) and the products of T are computed only when it is
 * not.  Who is not in T is then multinomial over the active classes,
 * taken in decreasing order of pi (allocate()).  A cell of at most CAT_MAX
 * people is drawn person by person, one uniform u each: u >= B means "not
 * in T" for certain, and (u - B) / (1 - B) is then a fresh uniform for
 * the active classes; below B the exact p_T decides and a new uniform
 * picks the class.
 */
static void sweep_cells(const struct dur_lcmcr *s, struct chain *ch)
{
	const int J = s->J, Kp = s->Kp, nA = ch->nA, nA4 = (ch->nA + 3) & ~3;
	const int nT = ch->nT, nT4 = (ch->nT + 3) & ~3;
	const int W = nA4 + 1;   /* per cell in the block: weights, then total */
	const double WT = ch->WT;
	const int *ia = ch->act;
	gsl_rng *r = ch->rng;
	int64_t *nk = ch->nk, *st = ch->s;
	int m0, m, j, i;
	for (i = 0; i < Kp; i++)
		nk[i] = 0;
	for (i = 0; i < J * Kp; i++)
		st[i] = 0;
	/*
	 * Cells in blocks of CELL_BLOCK: first the arithmetic of every cell in
	 * the block (weights, suffix sums, the thinning bound), which has no
	 * random numbers and so overlaps from cell to cell; then the draws.
	 */
	for (m0 = 0; m0 < s->M; m0 += CELL_BLOCK) {
		const int m1 = m0 + CELL_BLOCK < s->M ? m0 + CELL_BLOCK : s->M;
		for (m = m0; m < m1; m++) {
			double *qa = ch->bq + (size_t)(m - m0) * W;
			double *rs = ch->bp + (size_t)(m - m0) * W;
			class_products(ch->nu, ch->rowp + (size_t)m * J, J, ia, nA4, qa);
			/* suffix sums R_i of the active weights (allocate()) */
			rs[nA] = 0.0;
			for (i = nA - 1; i >= 0; i--)
				rs[i] = rs[i + 1] + qa[i];
			ch->bc[m - m0] = nT > 0 ? (rs[0] > 0.0 ? WT / rs[0] : INFINITY) : 0.0;
		}
		for (m = m0; m < m1; m++) {
			const int *on = s->on + (size_t)m * J;
			const int non = s->non[m];
			const double *qa = ch->bq + (size_t)(m - m0) * W;
			const double *rs = ch->bp + (size_t)(m - m0) * W;
			const double QA = rs[0], B = ch->bc[m - m0];
			int64_t c = s->cnt[m];
			double QT = -1.0;
			if (c <= CAT_MAX) {
				for (; c > 0; c--) {
					double u = uni(r);
					if (nT > 0 && u < B) {
						double pT;
						if (QT < 0.0) {
							materialize_others(s, ch);
							class_products(ch->nu, ch->rowp + (size_t)m * J, J,
								       ch->tcls, nT4, ch->qt);
							for (QT = 0.0, i = 0; i < nT; i++)
								QT += ch->qt[i];
						}
						pT = QT / (QA + QT);
						if (u < pT) {
							tabulate1(s, ch, m,
								  ch->tcls[pick(ch->qt, nT, uni(r) * QT)]);
							continue;
						}
						u = uni(r);
					} else if (nT > 0) {
						u = (u - B) / (1.0 - B);
					}
					tabulate1(s, ch, m, ia[pick(qa, nA, u * QA)]);
				}
				continue;
			}
			if (nT > 0) {
				int64_t cand = B >= 1.0 ? c : binomial(r, c, B, 1.0 - B, ch->lf, LF_TABLE);
				if (cand > 0) {
					double pT, ratio;
					int64_t y;
					materialize_others(s, ch);
					class_products(ch->nu, ch->rowp + (size_t)m * J, J, ch->tcls,
						       nT4, ch->qt);
					for (QT = 0.0, i = 0; i < nT; i++)
						QT += ch->qt[i];
					pT = QT / (QA + QT);
					ratio = B >= 1.0 ? pT : pT / B;
					if (ratio > 1.0)
						ratio = 1.0;   /* rounding: p_T <= B holds exactly */
					y = binomial(r, cand, ratio, 1.0 - ratio, ch->lf, LF_TABLE);
					if (y > 0) {
						allocate(ch, y, ch->qt, nT, ch->ct);
						tabulate(s, ch, m, ch->tcls, ch->ct, nT);
						c -= y;
					}
				}
			}
			/* the active classes in order of weight, written straight
			 * into the statistics */
			for (i = 0; c > 0; i++) {
				int64_t x;
				if (i == nA - 1 || !(rs[i + 1] > 0.0)) {
					x = c;
				} else {
					double inv = 1.0 / rs[i];
					x = binomial(r, c, qa[i] * inv, rs[i + 1] * inv, ch->lf, LF_TABLE);
				}
				if (x > 0) {
					const int k = ia[i];
					nk[k] += x;
					for (j = 0; j < non; j++)
						st[(size_t)on[j] * Kp + k] += x;
					c -= x;
				}
			}
		}
	}
}

/*
 * Step 2: lambda_jk ~ Beta(1 + s_jk, 1 + n_k + m0_k - s_jk).  For a class
 * nobody is in that is Beta(1, 1) for every list, and those draws are
 * left pending (pend[k]) until a step reads lambda_k: the active classes
 * are drawn at once (split_classes), the others only when the thinning of
 * a cell or of the missing needs their exact weights, which is rare.  A
 * pending draw that nothing reads before the next sweep replaces it has
 * no effect on anything, so the chain is the same in distribution as one
 * that draws them all.
 */
static void sweep_lambda(const struct dur_lcmcr *s, struct chain *ch)
{
	const int J = s->J, K = s->K, Kp = s->Kp;
	int j, k;
	for (k = 0; k < K; k++) {
		int64_t tot = ch->nk[k] + ch->m0[k];
		if (tot == 0) {
			ch->pend[k] = 1;   /* Beta(1, 1) for every list: drawn when needed */
			continue;
		}
		ch->pend[k] = 0;
		for (j = 0; j < J; j++) {
			size_t ix = (size_t)j * Kp + k;
			int64_t on = ch->s[ix];
			dur_lcmcr_beta(ch->rng, ch->zig, 1.0 + (double)on, 1.0 + (double)(tot - on),
				       &ch->lam[ix], &ch->lam0[ix]);
		}
	}
}

/*
 * A stick V ~ Beta(a, b), a >= 1: V, 1 - V and log(1 - V), the last on
 * the log scale because with a small concentration 1 - V is often far
 * below the smallest double (LCMCR works on the log scale throughout for
 * this reason); 1 - V may then underflow to 0, V is accurate.
 */
static void stick(gsl_rng *r, const struct dur_lcmcr_zig *z, double a, double b, double *v,
		  double *y, double *log1mv)
{
	if (a == 1.0) {
		/* 1 - V = U^(1/b) */
		double l = log(uni(r)) / b, e = exp(l);
		*y = e;
		*v = e < 0.5 ? 1.0 - e : -expm1(l);
		*log1mv = l;
	} else if (b > 1.0) {
		dur_lcmcr_beta(r, z, a, b, v, y);
		*log1mv = log(*y);
	} else {
		double lx = log_gamma_variate(r, z, a), ly = log_gamma_variate(r, z, b);
		double m = lx > ly ? lx : ly;
		double lse = m + log(exp(lx - m) + exp(ly - m));
		*v = exp(lx - lse);
		*log1mv = ly - lse;
		*y = exp(*log1mv);
	}
}

/*
 * Step 3: sticks V_k ~ Beta(1 + N_k, alpha + sum_{l>k} N_l), k < K-1, with
 * N_k = n_k + m0_k; pi_k = V_k prod_{l<k} (1 - V_l).  Returns log pi_{K-1}
 * = sum_k log(1 - V_k), which the concentration's update needs.  The
 * product S = prod (1 - V_l) is also kept linearly (it only loses what
 * is below NU_FLOOR anyway).
 */
static double sweep_nu(const struct dur_lcmcr *s, struct chain *ch)
{
	const int K = s->K;
	int64_t rest = s->n + ch->n0;
	double logS = 0.0, S = 1.0, v, y, l1;
	int k, occ = 0;
	for (k = 0; k < K; k++)
		occ += ch->nk[k] + ch->m0[k] > 0;
	ch->kstar = occ;   /* LCMCR's k_star, counted where it counts it */
	for (k = 0; k < K - 1; k++) {
		int64_t nk = ch->nk[k] + ch->m0[k];
		double pik;
		rest -= nk;
		stick(ch->rng, ch->zig, 1.0 + (double)nk, ch->alpha + (double)rest, &v, &y, &l1);
		pik = v * S;
		ch->nu[k] = pik < NU_FLOOR ? 0.0 : pik;
		S *= y;
		if (S < NU_FLOOR)
			S = 0.0;
		logS += l1;
	}
	ch->nu[K - 1] = S;
	return logS;
}

/*
 * Steps 4-5: the missing count n0 and its allocation m0 among the classes,
 * P(class k | on no list) proportional to w_k = pi_k prod_j (1 - lambda_jk):
 * jointly P(n0, m0) proportional to Gamma(n + n0) prod_k w_k^m0_k / m0_k!
 * on n0 <= tmax, that is n0 ~ NB(n, 1 - p0) with p0 = sum_k w_k, then m0 ~
 * Mult(n0, w / p0).
 *
 * Without the weights of the classes outside the active set (they may be
 * pending, see sweep_lambda), by rejection: their total p_T is at most W_T,
 * so draw from the same law with p_T replaced by W_T, i.e. n0 ~ NB(n, 1 -
 * p_A - W_T), m_T ~ Bin(n0, W_T / (p_A + W_T)), and accept with probability
 * (p_T / W_T)^m_T <= 1.  m_T is almost always 0 (accepted at once, p_T never
 * needed); otherwise the others are drawn and p_T computed, and after a
 * rejection the exact law is drawn from directly.
 */
static void sweep_missing(const struct dur_lcmcr *s, struct chain *ch)
{
	const int J = s->J, Kp = s->Kp, nA = ch->nA, nT = ch->nT;
	const double *rows[DUR_TABLE_MAX_LISTS];
	double pA = 0.0, pT = -1.0, p1;
	int64_t mT = 0;
	int j, i;
	for (j = 0; j < J; j++)
		rows[j] = ch->lam0 + (size_t)j * Kp;
	class_products(ch->nu, rows, J, ch->act, (nA + 3) & ~3, ch->qs);
	for (i = 0; i < nA; i++)
		pA += ch->qs[i];
	p1 = pA + (nT > 0 ? ch->WT : 0.0);
	/* pi sums to 1 (up to rounding), so 1 - p1 is P(seen); E(n0) <= 20 n
	 * keeps it away from rounding */
	ch->n0 = dur_lcmcr_negbin_trunc(ch->rng, ch->zig, s->n, p1, 1.0 - p1, s->tmax, ch->lf, LF_TABLE);
	if (nT > 0 && ch->WT > 0.0) {
		mT = binomial(ch->rng, ch->n0, ch->WT / p1, pA / p1, ch->lf, LF_TABLE);
		if (mT > 0) {
			materialize_others(s, ch);
			class_products(ch->nu, rows, J, ch->tcls, (nT + 3) & ~3, ch->qt);
			for (pT = 0.0, i = 0; i < nT; i++)
				pT += ch->qt[i];
			/* Rejected: draw exactly instead, now that p_T is known.
			 * A first draw accepted has the target law whatever
			 * the acceptance rate, so the mixture is exact. */
			if (!(log(uni(ch->rng)) <= (double)mT * log(pT / ch->WT))) {
				p1 = pA + pT;
				ch->n0 = dur_lcmcr_negbin_trunc(ch->rng, ch->zig, s->n, p1, 1.0 - p1, s->tmax,
								ch->lf, LF_TABLE);
				mT = binomial(ch->rng, ch->n0, pT / p1, pA / p1, ch->lf,
							LF_TABLE);
			}
		}
	}
	for (i = 0; i < s->K; i++)
		ch->m0[i] = 0;
	/* the active classes by decreasing weight among the missing */
	for (i = 0; i < nA; i++)
		ch->ia[i] = i;
	order_by(ch->ia, ch->qs, nA);
	for (i = 0; i < nA; i++)
		ch->qa[i] = ch->qs[ch->ia[i]];
	allocate(ch, ch->n0 - mT, ch->qa, nA, ch->ca);
	for (i = 0; i < nA; i++)
		ch->m0[ch->act[ch->ia[i]]] = ch->ca[i];
	if (mT > 0) {
		allocate(ch, mT, ch->qt, nT, ch->ct);
		for (i = 0; i < nT; i++)
			ch->m0[ch->tcls[i]] += ch->ct[i];
	}
}

/*
 * The active classes for the next sweep's cells: by decreasing weight,
 * as few as leave the others a total weight W_T <= T_WEIGHT (any split is
 * exact; this one keeps the thinning's candidates rare).
 */
static void split_classes(const struct dur_lcmcr *s, struct chain *ch)
{
	const int K = s->K;
	double tail = 0.0;
	int i, nA;
	order_by(ch->ord, ch->nu, K);   /* from last sweep's order: nearly sorted */
	nA = K;
	for (i = K - 1; i >= 1; i--) {
		if (tail + ch->nu[ch->ord[i]] > T_WEIGHT)
			break;
		tail += ch->nu[ch->ord[i]];
		nA = i;
	}
	ch->nA = nA;
	ch->nT = K - nA;
	ch->WT = 0.0;
	for (i = 0; i < nA; i++)
		ch->act[i] = ch->ord[i];
	for (; i < ((nA + 3) & ~3); i++)
		ch->act[i] = K;   /* a padding class: weight 0 */
	for (i = 0; i < ch->nT; i++) {
		ch->tcls[i] = ch->ord[nA + i];
		ch->WT += ch->nu[ch->tcls[i]];
	}
	for (; i < ((ch->nT + 3) & ~3); i++)
		ch->tcls[i] = K;
	for (i = 0; i < nA; i++)
		if (ch->pend[ch->act[i]])
			materialize(s, ch, ch->act[i]);
}

/* One Gibbs sweep in LCMCR's order (CNPLCM_CR_Basic_Freq::Update). */
static void sweep(const struct dur_lcmcr *s, struct chain *ch, int update_alpha)
{
	double lognu_last;
	sweep_cells(s, ch);
	sweep_lambda(s, ch);
	lognu_last = sweep_nu(s, ch);
	split_classes(s, ch);
	sweep_missing(s, ch);
	/* Step 6: alpha ~ Gamma(a_alpha + K - 1, rate b_alpha - log pi_{K-1}). */
	if (update_alpha)
		ch->alpha = gamma_mt(ch->rng, ch->zig, s->p.a_alpha + (double)s->K - 1.0) /
			    (s->p.b_alpha - lognu_last);
}

/* After the warm-up, LCMCR relabels the classes by decreasing weight
 * (permute_latent_classes_by_nu).  Only lambda, pi and the missing
 * allocation carry over to the next sweep. */
static void relabel(const struct dur_lcmcr *s, struct chain *ch)
{
	const int J = s->J, K = s->K, Kp = s->Kp;
	int *old = ch->ia, j, k;
	for (k = 0; k < K; k++)
		old[k] = k;
	order_by(old, ch->nu, K);
	for (j = 0; j < J; j++) {
		double *row = ch->lam + (size_t)j * Kp, *row0 = ch->lam0 + (size_t)j * Kp;
		for (k = 0; k < K; k++)
			ch->q[k] = row[old[k]];
		memcpy(row, ch->q, (size_t)K * sizeof(double));
		for (k = 0; k < K; k++)
			ch->q[k] = row0[old[k]];
		memcpy(row0, ch->q, (size_t)K * sizeof(double));
	}
	for (k = 0; k < K; k++)
		ch->q[k] = ch->nu[old[k]];
	memcpy(ch->nu, ch->q, (size_t)K * sizeof(double));
	for (k = 0; k < K; k++)
		ch->a[k] = ch->m0[old[k]];
	memcpy(ch->m0, ch->a, (size_t)K * sizeof(int64_t));
	for (k = 0; k < K; k++)
		ch->a[k] = ch->pend[old[k]];
	for (k = 0; k < K; k++)
		ch->pend[k] = (unsigned char)ch->a[k];
	for (k = 0; k < K; k++)
		ch->ord[k] = k;
	split_classes(s, ch);
}

/*
 * LCMCR's initial state (CNPLCM_CR_Basic_Freq::Initializes): sticks from
 * their Beta(1, 1) prior, every lambda_jk at list j's share of the
 * observed, nobody missing, alpha = 0.3 / K for the warm-up.
 */
static void chain_init(const struct dur_lcmcr *s, struct chain *ch)
{
	const int J = s->J, K = s->K, Kp = s->Kp;
	double S = 1.0, v, y, l1;
	int j, k, m;
	for (k = 0; k < K - 1; k++) {
		stick(ch->rng, ch->zig, 1.0, 1.0, &v, &y, &l1);
		ch->nu[k] = v * S;
		S *= y;
	}
	ch->nu[K - 1] = S;
	for (j = 0; j < J; j++) {
		int64_t on = 0;
		double pj;
		for (m = 0; m < s->M; m++)
			if ((s->pat[m] >> j) & 1u)
				on += s->cnt[m];
		pj = (double)on / (double)s->n;
		for (k = 0; k < K; k++) {
			ch->lam[(size_t)j * Kp + k] = pj;
			ch->lam0[(size_t)j * Kp + k] = (double)(s->n - on) / (double)s->n;
		}
		/* padding classes: pi = 0 and factors 1, so their products are 0 */
		for (k = K; k < Kp; k++)
			ch->lam[(size_t)j * Kp + k] = ch->lam0[(size_t)j * Kp + k] = 1.0;
	}
	for (k = 0; k < Kp; k++) {
		ch->m0[k] = 0;
		ch->pend[k] = 0;
	}
	for (k = 0; k < K; k++)
		ch->ord[k] = k;
	for (k = K; k < Kp; k++)
		ch->nu[k] = 0.0;
	split_classes(s, ch);
	ch->n0 = 0;
	ch->alpha = 0.3 / (double)K;
}

static void record(const struct dur_lcmcr *s, struct chain *ch)
{
	size_t i = ch->kept++;
	int k, ncl = 0, nobs = 0, nocc = 0;
	for (k = 0; k < s->K; k++) {
		if (ch->nu[k] >= s->p.min_share)
			ncl++;
		if ((double)ch->nk[k] >= s->p.min_share * (double)s->n)
			nobs++;
	}
	nocc = ch->kstar;
	ch->drawN[i] = (double)(s->n + ch->n0);
	ch->drawA[i] = ch->alpha;
	ch->ncl[i] = (unsigned char)ncl;
	ch->nclobs[i] = (unsigned char)nobs;
	ch->nocc[i] = (unsigned char)nocc;
}

/* Sweeps from..to-1 (counted from 0 over warm-up, burn-in, sampling). */
static void chain_run(const struct dur_lcmcr *s, struct chain *ch, size_t from, size_t to)
{
	const size_t w = s->p.warmup, keep0 = s->p.warmup + s->p.burnin;
	size_t i;
	for (i = from; i < to; i++) {
		if (i == 0)
			chain_init(s, ch);
		sweep(s, ch, i >= w);
		if (i + 1 == w)
			relabel(s, ch);
		if (i >= keep0 && (i + 1 - keep0) % s->p.thin == 0)
			record(s, ch);
	}
}

static void chain_release(struct chain *ch)
{
	if (ch->rng)
		gsl_rng_free(ch->rng);
	free(ch->lf);
	free(ch->lam);
	free(ch->rowp);
	free(ch->nu);
	free(ch->m0);
	free(ch->nk);
	free(ch->s);
	free(ch->q);
	free(ch->w0);
	free(ch->rs);
	free(ch->ord);
	free(ch->act);
	free(ch->tcls);
	free(ch->qa);
	free(ch->qt);
	free(ch->ca);
	free(ch->ia);
	free(ch->ct);
	free(ch->qs);
	free(ch->bq);
	free(ch->bp);
	free(ch->bc);
	free(ch->pend);
	free(ch->a);
	free(ch->drawN);
	free(ch->drawA);
	free(ch->ncl);
	free(ch->nclobs);
	free(ch->nocc);
}

void dur_lcmcr_free(dur_lcmcr *s)
{
	int c;
	if (!s)
		return;
	if (s->ch)
		for (c = 0; c < s->p.chains; c++)
			chain_release(&s->ch[c]);
	free(s->ch);
	free(s->pat);
	free(s->on);
	free(s->non);
	free(s->off);
	free(s->cnt);
	free(s->work);
	free(s);
}

static dur_err check_params(const struct dur_lcmcr_params *p, struct dur_error *err)
{
	if (p->K < 1 || p->K > DUR_LCMCR_MAX_K)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: K (maximum classes) must be 1 to %d",
				     DUR_LCMCR_MAX_K);
	if (!(p->a_alpha > 0.0) || !(p->b_alpha > 0.0) || !isfinite(p->a_alpha) ||
	    !isfinite(p->b_alpha))
		return dur_error_set(err, DUR_EINVAL,
				     "lcmcr: the concentration prior needs a_alpha > 0 and b_alpha > 0");
	if (p->draws < 4)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: at least 4 draws per chain are needed");
	if (p->thin < 1)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: thinning must be at least 1");
	if (p->chains < 1 || p->chains > DUR_LCMCR_MAX_CHAINS)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: chains must be 1 to %d",
				     DUR_LCMCR_MAX_CHAINS);
	if (p->threads < 1 || p->threads > DUR_LCMCR_MAX_THREADS)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: threads must be 1 to %d",
				     DUR_LCMCR_MAX_THREADS);
	if (p->draws > DUR_LCMCR_MAX_DRAWS / (size_t)p->chains)
		return dur_error_set(err, DUR_ELIMIT,
				     "lcmcr: at most %d draws may be kept over all chains",
				     DUR_LCMCR_MAX_DRAWS);
	if (p->thin > ((size_t)-1 - p->warmup - p->burnin) / p->draws)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: too many sweeps");
	if (!(p->max_missing_ratio > 0.0) || !(p->max_missing_ratio <= 1e6))
		return dur_error_set(err, DUR_EINVAL,
				     "lcmcr: max_missing_ratio must be above 0 and at most 1e6");
	if (!(p->min_share > 0.0 && p->min_share < 1.0))
		return dur_error_set(err, DUR_EINVAL, "lcmcr: min_share must be between 0 and 1");
	if (!(p->level > 0.0 && p->level < 1.0))
		return dur_error_set(err, DUR_EINVAL, "lcmcr: level must be between 0 and 1");
	if (!(p->rhat_warn >= 1.0))
		return dur_error_set(err, DUR_EINVAL, "lcmcr: rhat_warn must be at least 1");
	return DUR_OK;
}

#define ALLOC(ptr, nmemb) \
	do { \
		size_t nm_ = (size_t)(nmemb); \
		(ptr) = calloc(nm_ > 0 ? nm_ : 1, sizeof(*(ptr))); \
		if (!(ptr)) \
			goto nomem; \
	} while (0)

dur_lcmcr *dur_lcmcr_alloc(const struct dur_table *t, const struct dur_lcmcr_params *pp,
			   struct dur_error *err)
{
	struct dur_lcmcr_params p = pp ? *pp : dur_lcmcr_default_params();
	dur_lcmcr *s = NULL;
	unsigned c;
	int m = 0, ci;
	double n = 0.0;
	size_t K, Kp, J, D, S;

	if (!t || t->k < DUR_TABLE_MIN_LISTS || t->k > DUR_TABLE_MAX_LISTS ||
	    t->ncells != (1u << t->k) || !t->count) {
		dur_error_set(err, DUR_EINVAL, "lcmcr: not a capture table");
		return NULL;
	}
	if (check_params(&p, err) != DUR_OK)
		return NULL;
	for (c = 1; c < t->ncells; c++) {
		double v = t->count[c];
		if (!(v >= 0.0) || v != floor(v) || v > DUR_TABLE_MAX_COUNT) {
			dur_error_set(err, DUR_EINVAL, "lcmcr: a count is not a whole number in range");
			return NULL;
		}
		if (v > 0) {
			m++;
			n += v;
		}
	}
	if (n < 1.0) {
		dur_error_set(err, DUR_EDATA, "lcmcr: nobody was observed");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->p = p;
	s->J = t->k;
	s->K = p.K;
	s->M = m;
	s->n = (int64_t)n;
	s->tmax = (int64_t)floor(p.max_missing_ratio * n);
	s->total = p.warmup + p.burnin + p.draws * p.thin;
	K = (size_t)p.K;
	Kp = (K + 4) & ~(size_t)3;   /* room for a padding class */
	s->Kp = (int)Kp;
	J = (size_t)s->J;
	ALLOC(s->pat, m);
	ALLOC(s->cnt, m);
	ALLOC(s->on, (size_t)m * J);
	ALLOC(s->non, m);
	ALLOC(s->off, (size_t)m * J);
	m = 0;
	for (c = 1; c < t->ncells; c++)
		if (t->count[c] > 0) {
			int j;
			s->pat[m] = c;
			s->cnt[m] = (int64_t)t->count[c];
			for (j = 0; j < s->J; j++) {
				int bit = (int)((c >> j) & 1u);
				if (bit)
					s->on[(size_t)m * J + (size_t)s->non[m]++] = j;
				s->off[(size_t)m * J + (size_t)j] =
					(bit ? 0 : (int)(J * Kp)) + (int)((size_t)j * Kp);
			}
			m++;
		}
	D = p.draws;
	dur_lcmcr_taus2_inline();
	dur_lcmcr_zig_init(&s->zig);
	ALLOC(s->ch, p.chains);
	for (ci = 0; ci < p.chains; ci++) {
		struct chain *ch = &s->ch[ci];
		ch->zig = &s->zig;
		ch->rng = gsl_rng_alloc(p.rng_type ? p.rng_type : gsl_rng_taus2);
		if (!ch->rng)
			goto nomem;
		gsl_rng_set(ch->rng, dur_rng_stream_seed(p.seed, (uint64_t)ci));
		ALLOC(ch->lf, LF_TABLE);
		dur_lcmcr_logfact_table(ch->lf, LF_TABLE);
		ALLOC(ch->lam, 2 * J * Kp);   /* lambda, then 1 - lambda */
		ch->lam0 = ch->lam + J * Kp;
		ALLOC(ch->rowp, (size_t)s->M * J);
		for (size_t mj = 0; mj < (size_t)s->M * J; mj++)
			ch->rowp[mj] = ch->lam + s->off[mj];
		ALLOC(ch->nu, Kp);
		ALLOC(ch->m0, Kp);
		ALLOC(ch->nk, Kp);
		ALLOC(ch->s, J * Kp);
		ALLOC(ch->q, Kp);
		ALLOC(ch->w0, Kp);
		ALLOC(ch->rs, Kp + 1);
		ALLOC(ch->ord, Kp);
		ALLOC(ch->act, Kp);
		ALLOC(ch->tcls, Kp);
		ALLOC(ch->qa, Kp);
		ALLOC(ch->qt, Kp);
		ALLOC(ch->ca, Kp);
		ALLOC(ch->ia, Kp);
		ALLOC(ch->ct, Kp);
		ALLOC(ch->qs, Kp);
		ALLOC(ch->bq, CELL_BLOCK * (Kp + 1));
		ALLOC(ch->bp, CELL_BLOCK * (Kp + 1));
		ALLOC(ch->bc, CELL_BLOCK * (Kp + 1));
		ALLOC(ch->pend, Kp);
		ALLOC(ch->a, Kp);
		ALLOC(ch->drawN, D);
		ALLOC(ch->drawA, D);
		ALLOC(ch->ncl, D);
		ALLOC(ch->nclobs, D);
		ALLOC(ch->nocc, D);
	}
	/* diagnostics' work, then a chain-major copy of the draws of N */
	S = (size_t)p.chains * D;
	s->nwork = dur_lcmcr_diag_work_size(p.chains, D) + S;
	ALLOC(s->work, s->nwork);
	return s;
nomem:
	dur_lcmcr_free(s);
	dur_error_set(err, DUR_ENOMEM, "lcmcr: out of memory");
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Running the chains on threads                                       */

struct run_job {
	dur_lcmcr *s;
	size_t from, to;
	atomic_int next;
};

static void *run_worker(void *arg)
{
	struct run_job *job = arg;
	int c;
	while ((c = atomic_fetch_add(&job->next, 1)) < job->s->p.chains)
		chain_run(job->s, &job->s->ch[c], job->from, job->to);
	return NULL;
}

dur_err dur_lcmcr_iterate(dur_lcmcr *s, size_t sweeps, struct dur_error *err)
{
	struct run_job job;
	pthread_t tid[DUR_LCMCR_MAX_THREADS];
	int nt, i, started = 0;
	if (!s)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: no sampler");
	if (s->done >= s->total)
		return DUR_OK;
	if (sweeps == 0 || sweeps > s->total - s->done)
		sweeps = s->total - s->done;
	job.s = s;
	job.from = s->done;
	job.to = s->done + sweeps;
	atomic_init(&job.next, 0);
	nt = s->p.threads < s->p.chains ? s->p.threads : s->p.chains;
	for (i = 0; i < nt - 1; i++) {
		if (pthread_create(&tid[started], NULL, run_worker, &job) != 0)
			break;   /* fewer threads: the same chains, only slower */
		started++;
	}
	/* the calling thread takes chains too */
	run_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	s->done = job.to;
	return s->done >= s->total ? DUR_OK : DUR_CONTINUE;
}

double dur_lcmcr_progress(const dur_lcmcr *s, size_t *done, size_t *total)
{
	if (done)
		*done = s ? s->done : 0;
	if (total)
		*total = s ? s->total : 0;
	if (!s || s->total == 0)
		return 0.0;
	return (double)s->done / (double)s->total;
}

const double *dur_lcmcr_draws(const dur_lcmcr *s, int c, size_t *n)
{
	if (!s || c < 0 || c >= s->p.chains) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = s->ch[c].kept;
	return s->ch[c].drawN;
}

const double *dur_lcmcr_draws_alpha(const dur_lcmcr *s, int c, size_t *n)
{
	if (!s || c < 0 || c >= s->p.chains) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = s->ch[c].kept;
	return s->ch[c].drawA;
}

const struct dur_lcmcr_params *dur_lcmcr_params_of(const dur_lcmcr *s)
{
	return s ? &s->p : NULL;
}

/* ------------------------------------------------------------------ */
/* Diagnostics: Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021),
 * "Rank-normalization, folding, and localization: an improved R-hat for
 * assessing convergence of MCMC", Bayesian Analysis 16(2) 667-718, as
 * implemented in R's posterior 1.4 (function names below are its).     */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y ? 1 : 0;
}

double dur_lcmcr_quantile7(const double *sorted, size_t n, double p)
{
	double h, f;
	size_t lo;
	if (n == 0)
		return NAN;
	h = (double)(n - 1) * p;
	lo = (size_t)floor(h);
	if (lo >= n - 1)
		return sorted[n - 1];
	f = h - (double)lo;
	return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

static size_t pow2_at_least(size_t n)
{
	size_t L = 1;
	while (L < n)
		L <<= 1;
	return L;
}

static size_t ess_work_size(size_t n)
{
	return 2 * pow2_at_least(2 * n) + 2 * n;
}

size_t dur_lcmcr_diag_work_size(int m, size_t n)
{
	size_t S = (size_t)m * n;
	/* sorted, full-length scratch, split, z, (value, index) pairs, ess */
	return S + S + S + S + 2 * S + ess_work_size(n);
}

static int is_constant(const double *x, size_t S)
{
	double lo = x[0], hi = x[0];
	size_t i;
	for (i = 1; i < S; i++) {
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	return !(fabs(hi - lo) >= DBL_EPSILON);
}

static double var1(const double *x, size_t n)
{
	double mean = 0.0, ss = 0.0;
	size_t i;
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return ss / (double)(n - 1);
}

double dur_lcmcr_rhat_basic(const double *x, int m, size_t n)
{
	double cm[2 * DUR_LCMCR_MAX_CHAINS], wv = 0.0;
	int c;
	if (n < 2 || m < 1 || m > 2 * DUR_LCMCR_MAX_CHAINS || is_constant(x, (size_t)m * n))
		return NAN;
	for (c = 0; c < m; c++) {
		const double *xc = x + (size_t)c * n;
		double mean = 0.0;
		size_t i;
		for (i = 0; i < n; i++)
			mean += xc[i];
		cm[c] = mean / (double)n;
		wv += var1(xc, n);
	}
	wv /= m;
	if (m < 2)
		return sqrt(((double)n - 1.0) / (double)n);
	return sqrt(((double)n * var1(cm, (size_t)m) / wv + (double)n - 1.0) / (double)n);
}

/* The biased autocovariances of x[0..n-1] at lags 0..n-1 added into acc,
 * by FFT with zero padding to L >= 2n (so no wrap-around).  buf: 2L. */
static void add_autocov(const double *x, size_t n, double *buf, size_t L, double *acc)
{
	double mean = 0.0;
	size_t i;
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	memset(buf, 0, 2 * L * sizeof(double));
	for (i = 0; i < n; i++)
		buf[2 * i] = x[i] - mean;
	gsl_fft_complex_radix2_forward(buf, 1, L);
	for (i = 0; i < L; i++) {
		double re = buf[2 * i], im = buf[2 * i + 1];
		buf[2 * i] = re * re + im * im;
		buf[2 * i + 1] = 0.0;
	}
	gsl_fft_complex_radix2_inverse(buf, 1, L);
	for (i = 0; i < n; i++)
		acc[i] += buf[2 * i] / (double)n;
}

double dur_lcmcr_ess_basic(const double *x, int m, size_t n, double *work)
{
	size_t L = pow2_at_least(2 * n), t, max_t, i;
	double *buf = work, *acm = work + 2 * L, *rho = acm + n;
	double mean_var, var_plus, rho_even, rho_odd, tau, ess, sum;
	int c;
	if (n < 3 || m < 1 || is_constant(x, (size_t)m * n))
		return NAN;
	memset(acm, 0, n * sizeof(double));
	for (c = 0; c < m; c++)
		add_autocov(x + (size_t)c * n, n, buf, L, acm);
	for (i = 0; i < n; i++)
		acm[i] /= m;
	mean_var = acm[0] * (double)n / ((double)n - 1.0);
	var_plus = mean_var * ((double)n - 1.0) / (double)n;
	if (m > 1) {
		double cm[2 * DUR_LCMCR_MAX_CHAINS];
		for (c = 0; c < m && c < 2 * DUR_LCMCR_MAX_CHAINS; c++) {
			double s = 0.0;
			for (i = 0; i < n; i++)
				s += x[(size_t)c * n + i];
			cm[c] = s / (double)n;
		}
		var_plus += var1(cm, (size_t)m);
	}
	memset(rho, 0, n * sizeof(double));
	/* Geyer's initial positive sequence */
	t = 0;
	rho_even = 1.0;
	rho[0] = rho_even;
	rho_odd = 1.0 - (mean_var - acm[1]) / var_plus;
	rho[1] = rho_odd;
	while (t + 5 < n && !isnan(rho_even + rho_odd) && rho_even + rho_odd > 0.0) {
		t += 2;
		rho_even = 1.0 - (mean_var - acm[t]) / var_plus;
		rho_odd = 1.0 - (mean_var - acm[t + 1]) / var_plus;
		if (rho_even + rho_odd >= 0.0) {
			rho[t] = rho_even;
			rho[t + 1] = rho_odd;
		}
	}
	max_t = t;
	if (rho_even > 0.0)
		rho[max_t] = rho_even;
	/* Geyer's initial monotone sequence */
	t = 0;
	while (t + 4 <= max_t) {
		t += 2;
		if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
			rho[t] = (rho[t - 2] + rho[t - 1]) / 2.0;
			rho[t + 1] = rho[t];
		}
	}
	ess = (double)m * (double)n;
	/* tau = -1 + 2 sum(rho[1:max_t]) + rho[max_t + 1] in R's 1-based
	 * indexing, where 1:0 is c(1, 0) when max_t is 0 */
	sum = 0.0;
	if (max_t == 0)
		sum = rho[0];
	for (i = 0; i < max_t; i++)
		sum += rho[i];
	tau = -1.0 + 2.0 * sum + rho[max_t];
	if (tau < 1.0 / log10(ess))
		tau = 1.0 / log10(ess);
	return ess / tau;
}

/* posterior's .split_chains: each chain's first floor(n/2) and last
 * floor(n/2) draws (the middle one dropped when n is odd). */
static void split_chains(const double *x, int m, size_t n, double *out)
{
	size_t h = n / 2, off = n - h;
	int c;
	for (c = 0; c < m; c++) {
		memcpy(out + (size_t)(2 * c) * h, x + (size_t)c * n, h * sizeof(double));
		memcpy(out + (size_t)(2 * c + 1) * h, x + (size_t)c * n + off, h * sizeof(double));
	}
}

struct vi {
	double v;
	size_t i;
};

static int cmp_vi(const void *a, const void *b)
{
	const struct vi *x = a, *y = b;
	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i ? 1 : 0;
}

/* posterior's z_scale: average ranks, then qnorm((r - 3/8) / (S + 1/4))
 * (Blom 1958).  pairs: room for S struct vi (2 S doubles). */
static void z_scale(const double *x, size_t S, void *pairs, double *z)
{
	struct vi *p = pairs;
	size_t i, j, k;
	for (i = 0; i < S; i++) {
		p[i].v = x[i];
		p[i].i = i;
	}
	qsort(p, S, sizeof(*p), cmp_vi);
	for (i = 0; i < S; i = j) {
		double r;
		for (j = i + 1; j < S && p[j].v == p[i].v; j++)
			;
		r = ((double)(i + 1) + (double)j) / 2.0;   /* average of ranks i+1..j */
		for (k = i; k < j; k++)
			z[p[k].i] = gsl_cdf_ugaussian_Pinv((r - 0.375) / ((double)S + 0.25));
	}
}

/* ESS of the indicator x <= quantile(x, prob); sorted = sort(x). */
static double ess_quantile_sorted(const double *x, int m, size_t n, double prob,
				  const double *sorted, double *ind, double *split, double *ework)
{
	size_t S = (size_t)m * n, i;
	double q;
	if (prob >= 1.0)
		prob = ((double)S - 0.5) / (double)S;
	q = dur_lcmcr_quantile7(sorted, S, prob);
	for (i = 0; i < S; i++)
		ind[i] = x[i] <= q ? 1.0 : 0.0;
	split_chains(ind, m, n, split);
	return dur_lcmcr_ess_basic(split, 2 * m, n / 2, ework);
}

/*
 * The p-quantile of Beta(a, b), by bisection on gsl_cdf_beta_P.  GSL 2.7's
 * gsl_cdf_beta_Pinv returns NaN for shapes the MCSE meets every day (for
 * example P = 0.8413, a = 27, b = 1015: an ESS of 1,040 at the 2.5%
 * quantile); the CDF itself is accurate there, and 200 halvings of [0, 1]
 * leave the quantile exact to the last bits.
 */
double dur_lcmcr_beta_quantile(double p, double a, double b)
{
	double lo = 0.0, hi = 1.0;
	if (!(p > 0.0 && p < 1.0 && a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b)))
		return NAN;
	for (int i = 0; i < 200; i++) {
		double mid = 0.5 * (lo + hi);
		if (mid <= lo || mid >= hi)
			break;
		if (gsl_cdf_beta_P(mid, a, b) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static double mcse_quantile_sorted(const double *x, int m, size_t n, double prob,
				   const double *sorted, double *ind, double *split,
				   double *ework)
{
	size_t S = (size_t)m * n;
	double ess = ess_quantile_sorted(x, m, n, prob, sorted, ind, split, ework);
	double a1, a2, i1, i2;
	if (isnan(ess))
		return NAN;
	/* the 16% and 84% quantiles of the Beta posterior of P(X <= q) */
	a1 = dur_lcmcr_beta_quantile(0.1586553, ess * prob + 1.0, ess * (1.0 - prob) + 1.0);
	a2 = dur_lcmcr_beta_quantile(0.8413447, ess * prob + 1.0, ess * (1.0 - prob) + 1.0);
	if (!(a1 >= 0.0 && a2 <= 1.0 && a1 <= a2))
		return NAN;
	i1 = floor(a1 * (double)S);
	if (i1 < 1.0)
		i1 = 1.0;
	i2 = ceil(a2 * (double)S);
	if (i2 > (double)S)
		i2 = (double)S;
	if (i2 < 1.0)
		i2 = 1.0;
	return (sorted[(size_t)i2 - 1] - sorted[(size_t)i1 - 1]) / 2.0;
}

/* Work layout for the functions below. */
struct dwork {
	double *sorted, *full, *split, *z, *pairs, *ess;
};

static struct dwork dwork_of(double *work, int m, size_t n)
{
	size_t S = (size_t)m * n;
	struct dwork w;
	w.sorted = work;
	w.full = work + S;
	w.split = work + 2 * S;
	w.z = work + 3 * S;
	w.pairs = work + 4 * S;
	w.ess = work + 6 * S;
	return w;
}

double dur_lcmcr_ess_quantile(const double *x, int m, size_t n, double prob, double *work)
{
	struct dwork w = dwork_of(work, m, n);
	size_t S = (size_t)m * n;
	memcpy(w.sorted, x, S * sizeof(double));
	qsort(w.sorted, S, sizeof(double), cmp_double);
	return ess_quantile_sorted(x, m, n, prob, w.sorted, w.full, w.split, w.ess);
}

double dur_lcmcr_mcse_quantile(const double *x, int m, size_t n, double prob, double *work)
{
	struct dwork w = dwork_of(work, m, n);
	size_t S = (size_t)m * n;
	memcpy(w.sorted, x, S * sizeof(double));
	qsort(w.sorted, S, sizeof(double), cmp_double);
	return mcse_quantile_sorted(x, m, n, prob, w.sorted, w.full, w.split, w.ess);
}

void dur_lcmcr_diagnose(const double *x, int m, size_t n, double *work,
			struct dur_lcmcr_diag *out)
{
	struct dwork w = dwork_of(work, m, n);
	size_t S = (size_t)m * n, h = n / 2, S2 = (size_t)(2 * m) * h, i;
	double med, e05, e95;

	memcpy(w.sorted, x, S * sizeof(double));
	qsort(w.sorted, S, sizeof(double), cmp_double);
	med = dur_lcmcr_quantile7(w.sorted, S, 0.5);

	/* bulk: rank-normalised split chains */
	split_chains(x, m, n, w.split);
	if (is_constant(w.split, S2)) {
		out->rhat_bulk = out->ess_bulk = NAN;
	} else {
		z_scale(w.split, S2, w.pairs, w.z);
		out->rhat_bulk = dur_lcmcr_rhat_basic(w.z, 2 * m, h);
		out->ess_bulk = dur_lcmcr_ess_basic(w.z, 2 * m, h, w.ess);
	}
	out->ess_mean = dur_lcmcr_ess_basic(w.split, 2 * m, h, w.ess);
	out->mcse_mean = sqrt(var1(x, S)) / sqrt(out->ess_mean);

	/* tail: folded draws |x - median| */
	for (i = 0; i < S; i++)
		w.full[i] = fabs(x[i] - med);
	split_chains(w.full, m, n, w.split);
	if (is_constant(w.split, S2)) {
		out->rhat_tail = NAN;
	} else {
		z_scale(w.split, S2, w.pairs, w.z);
		out->rhat_tail = dur_lcmcr_rhat_basic(w.z, 2 * m, h);
	}
	out->rhat = out->rhat_bulk > out->rhat_tail ? out->rhat_bulk : out->rhat_tail;
	if (isnan(out->rhat_bulk) || isnan(out->rhat_tail))
		out->rhat = NAN;

	e05 = ess_quantile_sorted(x, m, n, 0.05, w.sorted, w.full, w.split, w.ess);
	e95 = ess_quantile_sorted(x, m, n, 0.95, w.sorted, w.full, w.split, w.ess);
	out->ess_tail = e05 < e95 ? e05 : e95;
	if (isnan(e05) || isnan(e95))
		out->ess_tail = NAN;
}

/* ------------------------------------------------------------------ */
/* Result                                                              */

dur_err dur_lcmcr_result(dur_lcmcr *s, struct dur_lcmcr_result *out, struct dur_error *err)
{
	size_t C, D, S, i;
	double *x, lo, hi, sum = 0.0, ss = 0.0, multi = 0.0, multio = 0.0, ncl = 0.0, nocc = 0.0;
	struct dur_lcmcr_diag dg;
	struct dwork w;
	int c;

	if (!s || !out)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: no sampler or no result");
	if (s->done < s->total)
		return dur_error_set(err, DUR_EINVAL, "lcmcr: the chains have not finished");
	C = (size_t)s->p.chains;
	D = s->p.draws;
	S = C * D;
	memset(out, 0, sizeof(*out));
	out->observed = (double)s->n;
	out->level = s->p.level;
	out->chains = (int)C;
	out->draws = D;
	lo = (1.0 - s->p.level) / 2.0;
	hi = (1.0 + s->p.level) / 2.0;

	/* the pooled draws, chain after chain, after the diagnostics' work */
	w = dwork_of(s->work, (int)C, D);
	x = s->work + dur_lcmcr_diag_work_size((int)C, D);
	for (c = 0; c < (int)C; c++)
		memcpy(x + (size_t)c * D, s->ch[c].drawN, D * sizeof(double));

	for (c = 0; c < (int)C; c++) {
		struct dur_lcmcr_chain_summary *cs = &out->chain[c];
		const struct chain *ch = &s->ch[c];
		double a = 0.0, m = 0.0, k = 0.0;
		memcpy(w.sorted, ch->drawN, D * sizeof(double));
		qsort(w.sorted, D, sizeof(double), cmp_double);
		for (i = 0; i < D; i++) {
			m += ch->drawN[i];
			a += ch->drawA[i];
			k += ch->ncl[i];
			multi += ch->ncl[i] >= 2;
			multio += ch->nclobs[i] >= 2;
			nocc += ch->nocc[i];
		}
		ncl += k;
		cs->median = dur_lcmcr_quantile7(w.sorted, D, 0.5);
		cs->lower = dur_lcmcr_quantile7(w.sorted, D, lo);
		cs->upper = dur_lcmcr_quantile7(w.sorted, D, hi);
		cs->mean = m / (double)D;
		cs->mean_alpha = a / (double)D;
		cs->mean_classes = k / (double)D;
	}
	out->prob_multiclass = multi / (double)S;
	out->prob_multiclass_observed = multio / (double)S;
	out->mean_classes = ncl / (double)S;
	out->mean_occupied = nocc / (double)S;

	memcpy(w.sorted, x, S * sizeof(double));
	qsort(w.sorted, S, sizeof(double), cmp_double);
	out->median = dur_lcmcr_quantile7(w.sorted, S, 0.5);
	out->lower = dur_lcmcr_quantile7(w.sorted, S, lo);
	out->upper = dur_lcmcr_quantile7(w.sorted, S, hi);
	for (i = 0; i < S; i++)
		sum += x[i];
	out->mean = sum / (double)S;
	for (i = 0; i < S; i++)
		ss += (x[i] - out->mean) * (x[i] - out->mean);
	out->sd = S > 1 ? sqrt(ss / (double)(S - 1)) : 0.0;
	out->mcse_median = mcse_quantile_sorted(x, (int)C, D, 0.5, w.sorted, w.full, w.split, w.ess);
	out->mcse_lower = mcse_quantile_sorted(x, (int)C, D, lo, w.sorted, w.full, w.split, w.ess);
	out->mcse_upper = mcse_quantile_sorted(x, (int)C, D, hi, w.sorted, w.full, w.split, w.ess);

	dur_lcmcr_diagnose(x, (int)C, D, s->work, &dg);
	out->rhat = dg.rhat;
	out->rhat_bulk = dg.rhat_bulk;
	out->rhat_tail = dg.rhat_tail;
	out->ess_bulk = dg.ess_bulk;
	out->ess_tail = dg.ess_tail;
	out->mcse_mean = dg.mcse_mean;

	out->rhat_warning = 0;
	out->warning[0] = '\0';
	if (C > 1 && (isnan(out->rhat) || out->rhat > s->p.rhat_warn)) {
		out->rhat_warning = 1;
		snprintf(out->warning, sizeof(out->warning),
			 "the %d chains disagree (R-hat %.3f is above %.2f): the posterior of N "
			 "is not yet well explored, so the estimate and interval may still move; "
			 "run more sweeps (a longer burn-in or more draws)",
			 (int)C, out->rhat, s->p.rhat_warn);
	}
	return DUR_OK;
}
