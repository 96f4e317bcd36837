/*
 * The linking threshold from the scores themselves: a two-component Beta
 * mixture fitted by EM to each record's best and second-best scores.
 *
 * In linkage each person has at most one record per list, so a record's
 * second-best candidate is (almost always) not its match: the second-best
 * scores describe the non-matches, and the best scores are a mixture of
 * matches and of the best of the non-matches.  Fitting both components to
 * the pooled scores is the EM of Fellegi-Sunter (Winkler 1988) moved from
 * field agreements to the score itself; Beta components because a Dice
 * score is a proportion of bits (moments estimator in the M step, as in
 * the weighted method of moments for Beta mixtures).  The threshold is
 * where a pair becomes likelier a match than not (posterior 1/2).
 */
#include "link_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

static double clamp01(double x, double eps)
{
	return x < eps ? eps : x > 1.0 - eps ? 1.0 - eps : x;
}

/* Beta parameters from a mean and a variance (method of moments). */
static void beta_mom(double mu, double v, double *a, double *b)
{
	double c;
	if (mu < 1e-6)
		mu = 1e-6;
	if (mu > 1.0 - 1e-6)
		mu = 1.0 - 1e-6;
	if (v < 1e-10)
		v = 1e-10;
	if (v > 0.99 * mu * (1.0 - mu))
		v = 0.99 * mu * (1.0 - mu);
	c = mu * (1.0 - mu) / v - 1.0;
	*a = mu * c;
	*b = (1.0 - mu) * c;
}

static double beta_logpdf(double x, double a, double b)
{
	return (a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - gsl_sf_lnbeta(a, b);
}

double link_mix_prob(const struct link_mix *m, double s)
{
	double x, l0, l1, d;
	if (!m->separated)
		return s >= m->threshold ? 1.0 : 0.0;
	x = clamp01(s, m->eps);
	l1 = log(m->pi) + beta_logpdf(x, m->a1, m->b1);
	l0 = log1p(-m->pi) + beta_logpdf(x, m->a0, m->b0);
	d = l0 - l1;
	/* 1 / (1 + e^d) without overflow */
	return d > 0 ? exp(-d) / (1.0 + exp(-d)) : 1.0 / (1.0 + exp(d));
}

static void moments(const double *x, const double *w, size_t n, double *mu, double *v)
{
	double sw = 0, sx = 0, sv = 0;
	for (size_t i = 0; i < n; i++) {
		sw += w ? w[i] : 1.0;
		sx += (w ? w[i] : 1.0) * x[i];
	}
	*mu = sw > 0 ? sx / sw : 0.5;
	for (size_t i = 0; i < n; i++)
		sv += (w ? w[i] : 1.0) * (x[i] - *mu) * (x[i] - *mu);
	*v = sw > 0 ? sv / sw : 0.0;
}

dur_err link_mix_fit(const double *score, const unsigned char *second, size_t n,
		     const struct link_mix_params *p, struct link_mix *m, struct dur_error *err)
{
	double *x = NULL, *r = NULL, *lx = NULL, *ly = NULL, mu0, v0, mu1, v1;
	size_t n2 = 0, n1 = 0;
	dur_err rc = DUR_OK;

	memset(m, 0, sizeof(*m));
	m->eps = p->eps;
	m->points = n;
	if (n < 4 || n < p->min_points) {
		/* nothing to fit: the fallback */
		m->threshold = p->fallback;
		m->bridge = p->fallback_bridge;
		m->mean0 = m->mean1 = m->crossing = m->tail = NAN;
		return DUR_OK;
	}
	x = malloc(n * sizeof(*x));
	r = malloc(n * sizeof(*r));
	lx = malloc(n * sizeof(*lx));
	ly = malloc(n * sizeof(*ly));
	if (!x || !r || !lx || !ly) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	/* log x and log(1 - x) once: the E step needs only them and, per
	   iteration, the two log Beta functions */
	for (size_t i = 0; i < n; i++) {
		x[i] = clamp01(score[i], p->eps);
		lx[i] = log(x[i]);
		ly[i] = log1p(-x[i]);
	}
	/* start: non-matches from the second-best scores, matches from the
	   scores clearly above them */
	{
		double s0 = 0, ss0 = 0;
		for (size_t i = 0; i < n; i++)
			if (second[i]) {
				s0 += x[i];
				n2++;
			}
		if (n2 < 2) {
			moments(x, NULL, n, &mu0, &v0);
		} else {
			mu0 = s0 / (double)n2;
			for (size_t i = 0; i < n; i++)
				if (second[i])
					ss0 += (x[i] - mu0) * (x[i] - mu0);
			v0 = ss0 / (double)n2;
		}
		for (size_t i = 0; i < n; i++) {
			r[i] = x[i] > mu0 + 3.0 * sqrt(v0) ? 1.0 : 0.0;
			n1 += r[i] > 0;
		}
	}
	if (n1 >= 2) {
		double a0, b0, a1, b1, pi;
		moments(x, r, n, &mu1, &v1);
		pi = (double)n1 / (double)n;
		beta_mom(mu0, v0, &a0, &b0);
		beta_mom(mu1, v1, &a1, &b1);
		for (m->iterations = 0; m->iterations < p->max_iter; m->iterations++) {
			double na0, nb0, na1, nb1, npi, sr = 0, d;
			double c1 = log(pi) - gsl_sf_lnbeta(a1, b1), c0 = log1p(-pi) - gsl_sf_lnbeta(a0, b0);
			for (size_t i = 0; i < n; i++) {
				double l1 = c1 + (a1 - 1.0) * lx[i] + (b1 - 1.0) * ly[i];
				double l0 = c0 + (a0 - 1.0) * lx[i] + (b0 - 1.0) * ly[i];
				double e = l0 - l1;
				r[i] = e > 0 ? exp(-e) / (1.0 + exp(-e)) : 1.0 / (1.0 + exp(e));
				sr += r[i];
			}
			npi = sr / (double)n;
			if (npi < 1e-9 || npi > 1.0 - 1e-9)
				break;
			moments(x, r, n, &mu1, &v1);
			for (size_t i = 0; i < n; i++)
				r[i] = 1.0 - r[i];
			moments(x, r, n, &mu0, &v0);
			beta_mom(mu0, v0, &na0, &nb0);
			beta_mom(mu1, v1, &na1, &nb1);
			d = fabs(npi - pi);
			d = fmax(d, fabs(mu0 - na0 / (na0 + nb0)) + fabs(mu1 - na1 / (na1 + nb1)));
			d = fmax(d, fabs(na0 - a0) / a0 + fabs(nb0 - b0) / b0 +
				    fabs(na1 - a1) / a1 + fabs(nb1 - b1) / b1);
			a0 = na0;
			b0 = nb0;
			a1 = na1;
			b1 = nb1;
			pi = npi;
			if (d < p->tol)
				break;
		}
		m->pi = pi;
		m->a0 = a0;
		m->b0 = b0;
		m->a1 = a1;
		m->b1 = b1;
		m->mean0 = a0 / (a0 + b0);
		m->sd0 = sqrt(a0 * b0 / ((a0 + b0) * (a0 + b0) * (a0 + b0 + 1)));
		m->mean1 = a1 / (a1 + b1);
		m->sd1 = sqrt(a1 * b1 / ((a1 + b1) * (a1 + b1) * (a1 + b1 + 1)));
		/* Ashman's D (Ashman, Bird & Zepf 1994): sqrt(2) |mu1 - mu0| /
		   sqrt(sd0^2 + sd1^2) above 2 for two cleanly separated modes */
		m->separated = m->mean1 > m->mean0 && pi * (double)n >= 1.0 &&
			       sqrt(2.0) * (m->mean1 - m->mean0) >=
			       p->min_separation * sqrt(m->sd0 * m->sd0 + m->sd1 * m->sd1);
		if (m->separated) {
			/* and two components must explain the scores better than
			   one by the BIC (Schwarz 1978): 3 more parameters, so a
			   log-likelihood gain above 1.5 ln n; a Beta split in two
			   where there is one (lists that share nobody) is not */
			double l2 = 0, l1 = 0, a, b, mu, v, c1, c0, c;
			moments(x, NULL, n, &mu, &v);
			beta_mom(mu, v, &a, &b);
			c1 = log(pi) - gsl_sf_lnbeta(a1, b1);
			c0 = log1p(-pi) - gsl_sf_lnbeta(a0, b0);
			c = -gsl_sf_lnbeta(a, b);
			for (size_t i = 0; i < n; i++) {
				double u1 = c1 + (a1 - 1.0) * lx[i] + (b1 - 1.0) * ly[i];
				double u0 = c0 + (a0 - 1.0) * lx[i] + (b0 - 1.0) * ly[i];
				double hi = fmax(u0, u1);
				l2 += hi + log(exp(u0 - hi) + exp(u1 - hi));
				l1 += c + (a - 1.0) * lx[i] + (b - 1.0) * ly[i];
			}
			m->separated = l2 - l1 > 1.5 * log((double)n);
		}
	}
	if (!m->separated) {
		/* one component: every score a non-match */
		moments(x, NULL, n, &mu0, &v0);
		beta_mom(mu0, v0, &m->a0, &m->b0);
		m->pi = 0;
		m->mean0 = m->a0 / (m->a0 + m->b0);
		m->sd0 = sqrt(v0);
		m->mean1 = m->sd1 = m->crossing = NAN;
	} else {
		/* the lowest score above the non-match mean from which a pair is
		   likelier a match (a grid of 1e-4 is finer than one bit of a
		   1024-bit Dice score) */
		m->crossing = NAN;
		for (double s = m->mean0; s <= 1.0; s += 1e-4) {
			struct link_mix t = *m;
			if (link_mix_prob(&t, s) >= 0.5) {
				m->crossing = s;
				break;
			}
		}
	}
	m->tail = NAN;
	{
		/* fewer than one of the (1 - pi) n non-match scores expected above */
		double n0 = (1.0 - m->pi) * (double)n, lo = m->mean0, hi = 1.0;
		/* bisection on the upper tail (GSL's Qinv does not converge for
		   the very narrow components of long filters) */
		if (n0 > 1.0) {
			for (int it = 0; it < 60; it++) {
				double mid = 0.5 * (lo + hi);
				if (gsl_cdf_beta_Q(mid, m->a0, m->b0) * n0 > 1.0)
					lo = mid;
				else
					hi = mid;
			}
		}
		m->tail = n0 > 1.0 ? hi : m->mean0;
	}
	/* With a component of matches: from where a pair is likelier a match
	   than not.  (The non-match tail is reported, not used: the best of
	   many non-matches has a heavier tail than a Beta, so the tail would
	   only look safe; wrong links are kept down by mutual best pairs in
	   match.c instead.)  Without one the lists seem to share (almost)
	   nobody: the fallback (the schema's threshold) is kept unless the
	   non-match tail reaches above it. */
	/* a "match" component that does not reach beyond where the non-matches
	   end is the tail of the non-matches split off (lists that share
	   nobody, seen through blocking): no matches then */
	if (m->separated && (!(m->mean1 > m->tail) || isnan(m->crossing))) {
		double n0 = (double)n, lo = 0, hi = 1.0, mu, v;
		m->separated = 0;
		moments(x, NULL, n, &mu, &v);
		beta_mom(mu, v, &m->a0, &m->b0);
		m->pi = 0;
		m->mean0 = mu;
		m->sd0 = sqrt(v);
		m->mean1 = m->sd1 = m->crossing = NAN;
		lo = m->mean0;
		for (int it = 0; it < 60; it++) {
			double mid = 0.5 * (lo + hi);
			if (gsl_cdf_beta_Q(mid, m->a0, m->b0) * n0 > 1.0)
				lo = mid;
			else
				hi = mid;
		}
		m->tail = hi;
	}
	m->threshold = m->separated ? m->crossing : p->fallback;
	if (!(m->threshold > 0 && m->threshold <= 1.0))
		m->threshold = p->fallback;
	m->bridge = fmin(m->threshold, m->mean0);
out:
	free(x);
	free(r);
	free(lx);
	free(ly);
	return rc;
}
