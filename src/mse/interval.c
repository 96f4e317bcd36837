/*
 * Intervals for N: analytic (log-normal on the unseen count), profile
 * likelihood (Rcapture's closedpCI, Cormack 1992) and the BCa bootstrap
 * over the whole model selection (SparseMSE's estimatepopulation; Efron &
 * Tibshirani 1993, ch. 14).  Formulas: docs/methods.md.
 */
#include "mse_internal.h"

#include <duress/rng.h>

#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

void dur_mse_interval_analytic(const struct dur_mse_fit *f, double level,
			       double *lower, double *upper)
{
	double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
	*lower = f->observed + exp(f->b0 - z * f->se_b0);
	*upper = f->observed + exp(f->b0 + z * f->se_b0);
}

/* ---- profile likelihood -------------------------------------------------- */

struct profile {
	dur_mse_work *w;
	const struct dur_table *t;
	const struct dur_mse_model *m;
	double n;
	dur_err rc;
	struct dur_error *err;
};

/*
 * L(N) = -(D(N) - 2 c(N)) / 2 with Cormack's correction c(N) (as
 * closedpCI): Stirling's form above 100 people, the exact one below, with
 * x! = Gamma(x + 1) since N varies continuously.
 */
static double profile_loglik(struct profile *pr, double N)
{
	double n0 = N - pr->n, dev = 0, c;

	if (n0 < 0)
		n0 = 0;
	if (pr->rc == DUR_OK)
		pr->rc = mse_fit_with_unseen(pr->w, pr->t, pr->m, n0, &dev, pr->err);
	if (pr->rc != DUR_OK)
		return NAN;
	if (N > 100) {
		if (n0 == 0 || n0 == 1)
			c = -N + 0.5 * log(6.283185307179586477 * N);
		else
			c = n0 - N - 0.5 * log(n0 / N);
	} else {
		c = (n0 > 0 ? n0 * log(n0) : 0) + gsl_sf_lngamma(N + 1) - N * log(N) -
		    gsl_sf_lngamma(n0 + 1);
	}
	return -(dev - 2 * c) / 2;
}

/* Brent's root finder on [a, b] for g(N) = L(N) - target, g(a), g(b) of
 * opposite signs; relative tolerance tol. */
static double profile_root(struct profile *pr, double target, double a, double fa,
			   double b, double fb, double tol)
{
	double c = a, fc = fa, d = b - a, e = d;

	for (int it = 0; it < 200; it++) {
		double tol1, xm, s, p, q, r;
		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
			c = a;
			fc = fa;
			d = e = b - a;
		}
		if (fabs(fc) < fabs(fb)) {
			a = b; b = c; c = a;
			fa = fb; fb = fc; fc = fa;
		}
		tol1 = 2 * 1e-16 * fabs(b) + 0.5 * tol * fabs(b);
		xm = 0.5 * (c - b);
		if (fabs(xm) <= tol1 || fb == 0)
			return b;
		if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
			s = fb / fa;
			if (a == c) {
				p = 2 * xm * s;
				q = 1 - s;
			} else {
				q = fa / fc;
				r = fb / fc;
				p = s * (2 * xm * q * (q - r) - (b - a) * (r - 1));
				q = (q - 1) * (r - 1) * (s - 1);
			}
			if (p > 0)
				q = -q;
			p = fabs(p);
			if (2 * p < fmin(3 * xm * q - fabs(tol1 * q), fabs(e * q))) {
				e = d;
				d = p / q;
			} else {
				d = xm;
				e = d;
			}
		} else {
			d = xm;
			e = d;
		}
		a = b;
		fa = fb;
		b += fabs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
		fb = profile_loglik(pr, b) - target;
		if (pr->rc != DUR_OK)
			return NAN;
	}
	return b;
}

dur_err dur_mse_interval_profile(dur_mse_work *w, const struct dur_table *t,
				 const struct dur_mse_fit *f, const struct dur_mse_model *m,
				 double level, double *lower, double *upper,
				 int *upper_open, struct dur_error *err)
{
	struct profile pr = { w, t, m, f->observed, DUR_OK, err };
	const double gr = 0.5 * (3 - sqrt(5.0));
	double a = f->observed, b = 1.5 * f->estimate, x1, x2, f1, f2;
	double nmax, lmax, target, hi = 3 * f->estimate, fhi, step;

	/* golden-section search for the maximum of L on (n, 1.5 N-hat) */
	x1 = a + gr * (b - a);
	x2 = b - gr * (b - a);
	f1 = profile_loglik(&pr, x1);
	f2 = profile_loglik(&pr, x2);
	while (b - a > 1e-9 * b && pr.rc == DUR_OK) {
		if (f1 > f2) {
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = a + gr * (b - a);
			f1 = profile_loglik(&pr, x1);
		} else {
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = b - gr * (b - a);
			f2 = profile_loglik(&pr, x2);
		}
	}
	if (pr.rc != DUR_OK)
		return pr.rc;
	nmax = 0.5 * (a + b);
	lmax = profile_loglik(&pr, nmax);
	target = lmax - gsl_cdf_chisq_Pinv(level, 1) / 2;

	/*
	 * Lower end: Stirling's correction rises without bound just above n
	 * (n0 -> 0), which can make spurious crossings there; walk down from
	 * the maximum to the first point below the target and solve in that
	 * bracket, so the crossing found is the one nearest the maximum.
	 */
	*lower = f->observed;
	step = 0.05 * (nmax - f->observed);
	for (double x = nmax - step, xprev = nmax; x > f->observed; xprev = x, x -= step) {
		double fx = profile_loglik(&pr, x) - target;
		if (pr.rc != DUR_OK)
			return pr.rc;
		if (fx < 0) {
			double fp = profile_loglik(&pr, xprev) - target;
			*lower = profile_root(&pr, target, x, fx, xprev, fp, 1e-10);
			break;
		}
		if (x - step <= f->observed)
			break;
	}
	if (pr.rc != DUR_OK)
		return pr.rc;
	/* upper end in (N_max, 3 N-hat) */
	fhi = profile_loglik(&pr, hi) - target;
	if (pr.rc != DUR_OK)
		return pr.rc;
	if (fhi >= 0) {
		*upper = hi;
		*upper_open = 1;
	} else {
		*upper = profile_root(&pr, target, nmax, lmax - target, hi, fhi, 1e-10);
		*upper_open = 0;
	}
	return pr.rc;
}

/* ---- bootstrap ----------------------------------------------------------- */

double dur_quantile_type8(const double *x, size_t n, double prob)
{
	/* Hyndman & Fan (1996) type 8: m = (p + 1) / 3 */
	double h = (double)n * prob + (prob + 1) / 3;
	double j = floor(h), g = h - j;
	if (n == 0)
		return NAN;
	if (j < 1)
		return x[0];
	if (j >= (double)n)
		return x[n - 1];
	return (1 - g) * x[(size_t)j - 1] + g * x[(size_t)j];
}

/* What one thread needs for its replicates, made once per run. */
struct boot_slot {
	dur_mse_work *w;
	struct dur_table *rt;
	gsl_rng *rng;
	unsigned *draw;
};

struct dur_mse_boot {
	struct dur_table *t;
	struct boot_slot slot[64];
	struct dur_mse_select_params sp;
	struct dur_mse_params par;
	size_t B, done;
	uint64_t seed;
	int threads;
	double *rep;
	/* observed patterns and their probabilities */
	size_t nobs;
	unsigned *pat;
	double *prob;
	/* jackknife */
	int have_jack;
	double accel;
};

dur_mse_boot *dur_mse_boot_alloc(const struct dur_table *t,
				 const struct dur_mse_select_params *sp,
				 const struct dur_mse_params *p, size_t B, uint64_t seed,
				 int threads, struct dur_error *err)
{
	dur_mse_boot *b = calloc(1, sizeof(*b));
	double n = dur_table_observed(t);

	if (!b)
		goto nomem;
	b->t = dur_table_clone(t);
	b->sp = *sp;
	b->sp.threads = 1;   /* replicates run in parallel, each on one thread */
	b->par = p ? *p : dur_mse_default_params();
	b->B = B;
	b->seed = seed;
	b->threads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
	b->rep = malloc((B ? B : 1) * sizeof(double));
	b->pat = malloc(t->ncells * sizeof(unsigned));
	b->prob = malloc(t->ncells * sizeof(double));
	if (!b->t || !b->rep || !b->pat || !b->prob)
		goto nomem;
	for (unsigned c = 1; c < t->ncells; c++)
		if (t->count[c] > 0) {
			b->pat[b->nobs] = c;
			b->prob[b->nobs] = t->count[c] / n;
			b->nobs++;
		}
	for (int i = 0; i < b->threads; i++) {
		struct boot_slot *sl = &b->slot[i];
		sl->w = dur_mse_work_alloc(t->k, &b->par);
		sl->rt = dur_table_clone(t);
		sl->rng = gsl_rng_alloc(gsl_rng_mt19937);
		sl->draw = malloc((b->nobs ? b->nobs : 1) * sizeof(unsigned));
		if (!sl->w || !sl->rt || !sl->rng || !sl->draw)
			goto nomem;
	}
	return b;
nomem:
	dur_mse_boot_free(b);
	dur_error_set(err, DUR_ENOMEM, "out of memory");
	return NULL;
}

void dur_mse_boot_free(dur_mse_boot *b)
{
	if (!b)
		return;
	for (int i = 0; i < 64; i++) {
		dur_mse_work_free(b->slot[i].w);
		dur_table_free(b->slot[i].rt);
		if (b->slot[i].rng)
			gsl_rng_free(b->slot[i].rng);
		free(b->slot[i].draw);
	}
	dur_table_free(b->t);
	free(b->rep);
	free(b->pat);
	free(b->prob);
	free(b);
}

size_t dur_mse_boot_done(const dur_mse_boot *b)
{
	return b->done;
}

const double *dur_mse_boot_replicates(const dur_mse_boot *b)
{
	return b->rep;
}

struct boot_job {
	dur_mse_boot *b;
	struct boot_slot *slot;
	size_t from, to;
	int stride, offset;
	int own_thread;      /* runs in a thread of its own */
	dur_err rc;
	struct dur_error err;
};

/* Replicates from..to-1 with index = offset (mod stride). */
static void *boot_worker(void *arg)
{
	struct boot_job *j = arg;
	dur_mse_boot *b = j->b;
	dur_mse_work *w = j->slot->w;
	struct dur_table *rt = j->slot->rt;
	gsl_rng *rng = j->slot->rng;
	unsigned *draw = j->slot->draw;
	unsigned n = (unsigned)dur_table_observed(b->t);

	j->rc = DUR_OK;
	for (size_t r = j->from; r < j->to; r++) {
		struct dur_error e = DUR_ERROR_INIT;
		double est;
		if ((int)(r % (size_t)j->stride) != j->offset)
			continue;
		/* each replicate its own stream: results independent of threads */
		gsl_rng_set(rng, dur_rng_stream_seed(b->seed, r));
		gsl_ran_multinomial(rng, b->nobs, n, b->prob, draw);
		memset(rt->count, 0, rt->ncells * sizeof(double));
		for (size_t i = 0; i < b->nobs; i++)
			rt->count[b->pat[i]] = draw[i];
		if (dur_mse_select_estimate(w, rt, &b->sp, &est, &e) == DUR_OK)
			b->rep[r] = est;
		else
			b->rep[r] = NAN;   /* no estimate in this replicate; counted later */
	}
	/* GLPK keeps an environment per thread; free it before the thread ends */
	if (j->own_thread)
		glp_free_env();
	return NULL;
}

dur_err dur_mse_boot_iterate(dur_mse_boot *b, size_t chunk, struct dur_error *err)
{
	struct boot_job job[64];
	pthread_t tid[64];
	size_t to = b->done + chunk;
	int nt = b->threads;

	if (to > b->B)
		to = b->B;
	if (b->done >= b->B)
		return DUR_OK;
	if ((size_t)nt > to - b->done)
		nt = (int)(to - b->done);
	for (int i = 0; i < nt; i++) {
		job[i].b = b;
		job[i].slot = &b->slot[i];
		job[i].from = b->done;
		job[i].to = to;
		job[i].stride = nt;
		job[i].offset = (int)((b->done + (size_t)i) % (size_t)nt);
		job[i].rc = DUR_OK;
		job[i].own_thread = i > 0;
	}
	for (int i = 1; i < nt; i++)
		if (pthread_create(&tid[i], NULL, boot_worker, &job[i]) != 0) {
			/* run it here instead */
			job[i].own_thread = 0;
			boot_worker(&job[i]);
			tid[i] = 0;
		}
	boot_worker(&job[0]);
	for (int i = 1; i < nt; i++)
		if (tid[i])
			pthread_join(tid[i], NULL);
	for (int i = 0; i < nt; i++)
		if (job[i].rc != DUR_OK) {
			if (err)
				*err = job[i].err;
			return job[i].rc;
		}
	b->done = to;
	return b->done < b->B ? DUR_CONTINUE : DUR_OK;
}

/*
 * Acceleration from the jackknife that removes one person from each
 * observed pattern in turn (SparseMSE): weights n_j, r_j = mean - theta_j,
 * a = sum n_j r_j^3 / (6 (sum n_j r_j^2)^(3/2)).
 */
static dur_err jackknife(dur_mse_boot *b, struct dur_error *err)
{
	dur_mse_work *w = dur_mse_work_alloc(b->t->k, &b->par);
	struct dur_table *jt = dur_table_clone(b->t);
	double *theta = malloc((b->nobs ? b->nobs : 1) * sizeof(double));
	double sw = 0, mean = 0, s2 = 0, s3 = 0;
	dur_err rc = DUR_OK;

	if (!w || !jt || !theta) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < b->nobs; i++) {
		unsigned c = b->pat[i];
		jt->count[c] -= 1;
		rc = dur_mse_select_estimate(w, jt, &b->sp, &theta[i], err);
		jt->count[c] += 1;
		if (rc != DUR_OK) {
			dur_error_prefix(err, "the jackknife for the acceleration failed "
					 "when one person was removed from a pattern");
			goto out;
		}
		sw += b->t->count[c];
		mean += b->t->count[c] * theta[i];
	}
	mean /= sw;
	for (size_t i = 0; i < b->nobs; i++) {
		double r = mean - theta[i], nj = b->t->count[b->pat[i]];
		s2 += nj * r * r;
		s3 += nj * r * r * r;
	}
	b->accel = s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0;
	b->have_jack = 1;
out:
	free(theta);
	dur_table_free(jt);
	dur_mse_work_free(w);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

dur_err dur_mse_boot_interval(dur_mse_boot *b, double theta, double level,
			      double *lower, double *upper,
			      struct dur_mse_bca_info *info, struct dur_error *err)
{
	double *s = NULL, below = 0, z0, za[2], al[2];
	size_t used = 0;
	dur_err rc;

	if (b->done < b->B)
		return dur_error_set(err, DUR_EINVAL, "the bootstrap has not finished");
	if (!b->have_jack) {
		rc = jackknife(b, err);
		if (rc != DUR_OK)
			return rc;
	}
	s = malloc((b->B ? b->B : 1) * sizeof(double));
	if (!s)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t r = 0; r < b->B; r++)
		if (isfinite(b->rep[r])) {
			s[used++] = b->rep[r];
			if (b->rep[r] < theta)
				below++;
		}
	if (used < 2 || below == 0 || below == (double)used) {
		free(s);
		return dur_error_set(err, DUR_ENUMERIC,
				     "the bootstrap interval cannot be computed: %s",
				     used < 2 ? "fewer than two replicates gave an estimate"
				     : "every replicate estimate lies on one side of the point "
				       "estimate (try the profile or analytic interval)");
	}
	qsort(s, used, sizeof(double), cmp_double);
	z0 = gsl_cdf_ugaussian_Pinv(below / (double)used);
	za[0] = gsl_cdf_ugaussian_Pinv((1 - level) / 2);
	za[1] = gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2);
	for (int i = 0; i < 2; i++) {
		double zz = z0 + za[i];
		al[i] = gsl_cdf_ugaussian_P(z0 + zz / (1 - b->accel * zz));
	}
	*lower = dur_quantile_type8(s, used, al[0]);
	*upper = dur_quantile_type8(s, used, al[1]);
	if (info) {
		info->z0 = z0;
		info->acceleration = b->accel;
		info->used = used;
		info->failed = b->B - used;
		info->alpha_lower = al[0];
		info->alpha_upper = al[1];
	}
	free(s);
	return DUR_OK;
}
