/*
 * Closed-population models M0, Mt, Mh, Mth (Chao's lower bound, Poisson2,
 * Darroch, Gamma3.5), Mb and Mbh as Poisson log-linear models on the
 * 2^k - 1 observable capture patterns, with the design columns and the
 * conventions of Rcapture 1.4-4's closedp.t and closedpCI.t (Baillargeon &
 * Rivest 2007, J. Stat. Software 19(5); Rivest & Baillargeon 2007 for the
 * heterogeneity columns; Cormack 1992 for the profile correction).
 * docs/closed.md has the formulas; this file says where each comes from.
 *
 * The fitter follows R's glm.fit step by step (start mu = y + 0.1, IRLS
 * with weights mu, convergence on the relative change in deviance, 25
 * iterations, step halving on a non-finite deviance, aliased columns
 * dropped by a QR rank test), so that the figures Rcapture prints -
 * including the covariance from the last iteration's weights - agree with
 * duress's to rounding.  The least-squares steps use GSL's Householder QR.
 */
#include <duress/closed.h>

#include <float.h>
#include <glpk.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>

#define MAXC DUR_CLOSED_MAX_COLS

/* ---- the models ------------------------------------------------------------ */

enum family { FAM_M0, FAM_MT, FAM_MH, FAM_MTH, FAM_MB, FAM_MBH };
enum het { HET_NONE, HET_CHAO, HET_POISSON, HET_DARROCH, HET_GAMMA };

static const struct {
	const char *name, *label, *assumes;
	enum family fam;
	enum het het;
} model_info[DUR_CLOSED_NMODELS] = {
	{ "m0", "M0", "lists independent, each person as catchable as any other, "
	  "every list as likely to catch them", FAM_M0, HET_NONE },
	{ "mt", "Mt", "lists independent, each person as catchable as any other, "
	  "lists differ in how many they catch", FAM_MT, HET_NONE },
	{ "mh-chao", "Mh Chao (LB)", "people differ in catchability, lists alike; "
	  "Chao's lower bound for the number missed", FAM_MH, HET_CHAO },
	{ "mh-poisson", "Mh Poisson2", "people differ in catchability (Poisson2 "
	  "mixture), lists alike", FAM_MH, HET_POISSON },
	{ "mh-darroch", "Mh Darroch", "people differ in catchability (Darroch's "
	  "mixture), lists alike", FAM_MH, HET_DARROCH },
	{ "mh-gamma", "Mh Gamma3.5", "people differ in catchability (Gamma3.5 "
	  "mixture), lists alike", FAM_MH, HET_GAMMA },
	{ "mth-chao", "Mth Chao (LB)", "people differ in catchability and lists "
	  "differ in size; Chao's lower bound", FAM_MTH, HET_CHAO },
	{ "mth-poisson", "Mth Poisson2", "people differ in catchability (Poisson2 "
	  "mixture) and lists differ in size", FAM_MTH, HET_POISSON },
	{ "mth-darroch", "Mth Darroch", "people differ in catchability (Darroch's "
	  "mixture) and lists differ in size", FAM_MTH, HET_DARROCH },
	{ "mth-gamma", "Mth Gamma3.5", "people differ in catchability (Gamma3.5 "
	  "mixture) and lists differ in size", FAM_MTH, HET_GAMMA },
	{ "mb", "Mb", "being on one list changes the chance of being on the later "
	  "ones (lists in file order)", FAM_MB, HET_NONE },
	{ "mbh", "Mbh", "as Mb, and the first list reaches people the others "
	  "do not (lists in file order)", FAM_MBH, HET_NONE },
};

static int valid_model(int m)
{
	return m >= 0 && m < DUR_CLOSED_NMODELS;
}

const char *dur_closed_model_name(enum dur_closed_model m)
{
	return valid_model((int)m) ? model_info[m].name : NULL;
}

const char *dur_closed_model_label(enum dur_closed_model m)
{
	return valid_model((int)m) ? model_info[m].label : NULL;
}

const char *dur_closed_model_assumes(enum dur_closed_model m)
{
	return valid_model((int)m) ? model_info[m].assumes : NULL;
}

int dur_closed_model_parse(const char *name)
{
	if (!name)
		return -1;
	for (int m = 0; m < DUR_CLOSED_NMODELS; m++)
		if (strcasecmp(name, model_info[m].name) == 0)
			return m;
	return -1;
}

int dur_closed_model_min_lists(enum dur_closed_model m)
{
	if (!valid_model((int)m))
		return DUR_TABLE_MAX_LISTS + 1;
	return (m == DUR_CLOSED_M0 || m == DUR_CLOSED_MT || m == DUR_CLOSED_MB) ? 2 : 3;
}

int dur_closed_model_has_profile(enum dur_closed_model m)
{
	return valid_model((int)m) && m != DUR_CLOSED_MB && m != DUR_CLOSED_MBH;
}

struct dur_closed_params dur_closed_default_params(void)
{
	struct dur_closed_params p;
	p.epsilon = 1e-8;          /* glm.control(epsilon) */
	p.max_iter = 25;           /* glm.control(maxit) */
	p.rank_tol = 1e-11;        /* glm.fit: min(1e-7, epsilon / 1000) */
	p.poisson_theta = 2;       /* closedp.t's Poisson2 */
	p.gamma_theta = 3.5;       /* closedp.t's Gamma3.5 */
	p.chao_drop_negative = 1;  /* closedp.t(neg = TRUE) */
	p.chao_warm_min_lists = 10;
	p.bias_warn = 0.1;         /* Rcapture's getBiasWarn */
	p.lp_tol = 1e-7;
	p.profile_tol = 1e-4;      /* closedpCI: optimize(tol), uniroot(tol) */
	p.profile_search = 1.5;    /* closedpCI: optimize on (n, 1.5 N) */
	p.profile_upper = 3;       /* closedpCI(fmaxSupCL = 3) */
	p.profile_max_iter = 1000; /* uniroot(maxiter) */
	return p;
}

void dur_closed_fit_release(struct dur_closed_fit *f)
{
	struct dur_closed_fit z = DUR_CLOSED_FIT_INIT;
	if (!f)
		return;
	free(f->fitted);
	*f = z;
}

/* ---- workspace ------------------------------------------------------------- */

struct closed_work {
	int k;
	size_t nmax, pmax;        /* rows: 2^k (cells and the unseen one); columns */
	double *X, *X2, *y;       /* design (row-major, leading dimension pmax) */
	double *eta, *mu, *z, *wt, *colnorm;
	double *start;            /* fitted counts to start the next fit from */
	int use_start;            /* 1: glm_fit starts from `start`, not y + 0.1 */
	gsl_matrix *A;            /* weighted design, then its QR */
	gsl_vector *tau, *rhs, *sol, *resid, *e;
	struct dur_closed_params par;
};

static void work_free(struct closed_work *w)
{
	if (!w)
		return;
	free(w->X);
	free(w->X2);
	free(w->y);
	free(w->eta);
	free(w->mu);
	free(w->z);
	free(w->wt);
	free(w->colnorm);
	free(w->start);
	if (w->A)
		gsl_matrix_free(w->A);
	if (w->tau)
		gsl_vector_free(w->tau);
	if (w->rhs)
		gsl_vector_free(w->rhs);
	if (w->sol)
		gsl_vector_free(w->sol);
	if (w->resid)
		gsl_vector_free(w->resid);
	if (w->e)
		gsl_vector_free(w->e);
	free(w);
}

static struct closed_work *work_alloc(int k, const struct dur_closed_params *p)
{
	struct closed_work *w = calloc(1, sizeof(*w));
	size_t n, c;
	if (!w)
		return NULL;
	w->k = k;
	w->nmax = n = (size_t)1 << k;
	w->pmax = c = MAXC;
	w->par = p ? *p : dur_closed_default_params();
	w->X = malloc(n * c * sizeof(double));
	w->X2 = malloc(n * c * sizeof(double));
	w->y = malloc(n * sizeof(double));
	w->eta = malloc(n * sizeof(double));
	w->mu = malloc(n * sizeof(double));
	w->z = malloc(n * sizeof(double));
	w->wt = malloc(n * sizeof(double));
	w->colnorm = malloc(c * sizeof(double));
	w->start = malloc(n * sizeof(double));
	w->A = gsl_matrix_alloc(n, c);
	w->tau = gsl_vector_alloc(c);
	w->rhs = gsl_vector_alloc(n);
	w->sol = gsl_vector_alloc(c);
	w->resid = gsl_vector_alloc(n);
	w->e = gsl_vector_alloc(c);
	if (!w->X || !w->X2 || !w->y || !w->eta || !w->mu || !w->z || !w->wt ||
	    !w->colnorm || !w->start || !w->A || !w->tau || !w->rhs || !w->sol || !w->resid || !w->e) {
		work_free(w);
		return NULL;
	}
	return w;
}

/* ---- designs (Rcapture's Xclosedp) ------------------------------------------ */

static int popcount(unsigned c)
{
	int n = 0;
	for (; c; c &= c - 1)
		n++;
	return n;
}

/* Occasions before the first capture: the lists before the first one the
 * pattern is on (Rcapture's nbcap_av for Mb and Mbh). */
static int before_first(unsigned c)
{
	int n = 0;
	while (c && !(c & 1u)) {
		c >>= 1;
		n++;
	}
	return n;
}

/*
 * Fill X (leading dimension ld) with model m's design for k lists: row
 * c - 1 for pattern c = 1 .. 2^k - 1 and, with `unseen`, a last row for
 * the all-zero pattern.  Columns as Rcapture's Xclosedp, after the
 * intercept:
 *   M0, Mh:   x = number of lists the pattern is on
 *   Mt, Mth:  one 0/1 column per list
 *   Mh, Mth:  Chao  eta_j = max(x - j + 1, 0), j = 3..k  (Rivest &
 *                    Baillargeon's lower-bound columns)
 *             Poisson  theta^x - 1,  Darroch  x^2 / 2,
 *             Gamma  log(theta) - log(theta + x)
 *   Mb:       lists before the first capture, x - 1
 *   Mbh:      not on the first list, then Mb's two columns
 * *nca receives the number of columns that do not model heterogeneity
 * (intercept included).  Returns the number of columns.
 */
static int build_design(int k, enum dur_closed_model m, const struct dur_closed_params *par,
			double *X, size_t ld, int unseen, int *nca)
{
	size_t ncell = ((size_t)1 << k) - 1, nrow = ncell + (unseen ? 1 : 0);
	enum family fam = model_info[m].fam;
	enum het het = model_info[m].het;
	int p = 0;

	for (size_t r = 0; r < nrow; r++) {
		unsigned c = r < ncell ? (unsigned)(r + 1) : 0u;
		int x = popcount(c), j = 0;
		double *row = X + r * ld;
		row[j++] = 1;
		switch (fam) {
		case FAM_M0:
		case FAM_MH:
			row[j++] = x;
			break;
		case FAM_MT:
		case FAM_MTH:
			for (int l = 0; l < k; l++)
				row[j++] = (c >> l) & 1u;
			break;
		case FAM_MB:
			row[j++] = c ? before_first(c) : 0;
			row[j++] = c ? x - 1 : 0;
			break;
		case FAM_MBH:
			row[j++] = 1 - (double)(c & 1u);
			row[j++] = c ? before_first(c) : 0;
			row[j++] = c ? x - 1 : 0;
			break;
		}
		if (r == 0)
			*nca = j;
		switch (het) {
		case HET_NONE:
			break;
		case HET_CHAO:
			for (int l = 3; l <= k; l++)
				row[j++] = x - l + 1 > 0 ? x - l + 1 : 0;
			break;
		case HET_POISSON:
			row[j++] = pow(par->poisson_theta, x) - 1;
			break;
		case HET_DARROCH:
			row[j++] = (double)x * x / 2;
			break;
		case HET_GAMMA:
			row[j++] = -log(par->gamma_theta + x) + log(par->gamma_theta);
			break;
		}
		p = j;
	}
	return p;
}

/* ---- the Poisson GLM (R's glm.fit, family poisson, log link) ------------------ */

struct glm_res {
	int p, rank, iter, conv, boundary, zero_rates, nonfinite;
	int aliased[MAXC];
	double beta[MAXC];        /* NAN where aliased */
	double cov[MAXC * MAXC];  /* (X' W X)^-1 at the last iteration's weights */
	double dev, aic;
	char msg[160];            /* why the fit failed, when it did */
};

/* Poisson deviance, 0 log 0 = 0 (R's poisson()$dev.resids). */
static double deviance(const double *y, const double *mu, size_t n)
{
	double d = 0;
	for (size_t i = 0; i < n; i++)
		d += y[i] > 0 ? 2 * (y[i] * log(y[i] / mu[i]) - (y[i] - mu[i])) : 2 * mu[i];
	return d;
}

/* mu = max(exp(X beta), DBL_EPSILON), as R's poisson()$linkinv. */
static void linkinv(const double *X, size_t ld, size_t n, int p, const double *beta,
		    double *eta, double *mu)
{
	for (size_t i = 0; i < n; i++) {
		double s = 0;
		for (int j = 0; j < p; j++)
			s += X[i * ld + (size_t)j] * beta[j];
		eta[i] = s;
		mu[i] = fmax(exp(s), DBL_EPSILON);
	}
}

/*
 * One weighted least-squares step: beta solves min || wt (z - X beta) ||.
 * Columns are tested in order and a column whose residual norm, after the
 * earlier kept ones are projected out, is below rank_tol times its norm
 * is aliased: dropped, its coefficient 0 (LINPACK dqrdc2's limited
 * pivoting, which R's glm uses, keeps the same columns).  On return w->A
 * holds the QR of the kept weighted columns.
 */
static int wls(struct closed_work *w, const double *X, size_t ld, size_t n, int p,
	       const double *z, const double *wt, struct glm_res *r, int *keep, int *nkeep)
{
	int nk, again = 1;
	for (int j = 0; j < p; j++) {
		keep[j] = j;
		r->aliased[j] = 0;
	}
	nk = p;
	while (again) {
		gsl_matrix_view A = gsl_matrix_submatrix(w->A, 0, 0, n, (size_t)nk);
		gsl_vector_view tau = gsl_vector_subvector(w->tau, 0, (size_t)nk);
		again = 0;
		for (int j = 0; j < nk; j++) {
			double s = 0;
			for (size_t i = 0; i < n; i++) {
				double v = X[i * ld + (size_t)keep[j]] * wt[i];
				gsl_matrix_set(&A.matrix, i, (size_t)j, v);
				s += v * v;
			}
			w->colnorm[j] = sqrt(s) > 0 ? sqrt(s) : 1;
		}
		if (gsl_linalg_QR_decomp(&A.matrix, &tau.vector) != GSL_SUCCESS)
			return -1;
		for (int j = 0; j < nk; j++)
			if (fabs(gsl_matrix_get(&A.matrix, (size_t)j, (size_t)j)) <
			    w->par.rank_tol * w->colnorm[j]) {
				r->aliased[keep[j]] = 1;
				memmove(keep + j, keep + j + 1, (size_t)(nk - j - 1) * sizeof(int));
				nk--;
				again = 1;
				break;
			}
	}
	*nkeep = nk;
	{
		gsl_matrix_view A = gsl_matrix_submatrix(w->A, 0, 0, n, (size_t)nk);
		gsl_vector_view tau = gsl_vector_subvector(w->tau, 0, (size_t)nk);
		gsl_vector_view b = gsl_vector_subvector(w->rhs, 0, n);
		gsl_vector_view x = gsl_vector_subvector(w->sol, 0, (size_t)nk);
		gsl_vector_view res = gsl_vector_subvector(w->resid, 0, n);
		for (size_t i = 0; i < n; i++)
			gsl_vector_set(&b.vector, i, z[i] * wt[i]);
		if (nk > 0 && gsl_linalg_QR_lssolve(&A.matrix, &tau.vector, &b.vector, &x.vector,
						    &res.vector) != GSL_SUCCESS)
			return -1;
		for (int j = 0; j < p; j++)
			r->beta[j] = 0;
		for (int j = 0; j < nk; j++)
			r->beta[keep[j]] = gsl_vector_get(&x.vector, (size_t)j);
	}
	return 0;
}

/* (R'R)^-1 from the QR in w->A, spread to the full p x p (NAN where aliased),
 * as summary.glm's chol2inv of the last iteration's R. */
static int glm_cov(struct closed_work *w, int p, const int *keep, int nk, struct glm_res *r)
{
	double Rinv[MAXC * MAXC];
	gsl_matrix_view R = gsl_matrix_submatrix(w->A, 0, 0, (size_t)nk, (size_t)nk);
	gsl_vector_view e = gsl_vector_subvector(w->e, 0, (size_t)nk);

	for (int j = 0; j < nk; j++) {
		gsl_vector_set_basis(&e.vector, (size_t)j);
		if (gsl_blas_dtrsv(CblasUpper, CblasNoTrans, CblasNonUnit, &R.matrix,
				   &e.vector) != GSL_SUCCESS)
			return -1;
		for (int i = 0; i < nk; i++)
			Rinv[i * nk + j] = gsl_vector_get(&e.vector, (size_t)i);
	}
	for (int i = 0; i < p * p; i++)
		r->cov[i] = NAN;
	for (int a = 0; a < nk; a++)
		for (int b = 0; b < nk; b++) {
			double s = 0;
			for (int l = 0; l < nk; l++)
				s += Rinv[a * nk + l] * Rinv[b * nk + l];
			r->cov[keep[a] * p + keep[b]] = s;
		}
	return 0;
}

/*
 * Fit log mu = X beta by Poisson maximum likelihood exactly as R's glm.fit
 * does (R 4.x, family poisson): start mu = y + 0.1; each iteration solves
 * the weighted least squares with working response eta + (y - mu) / mu and
 * weights mu; stop when |D - D_old| / (|D| + 0.1) < epsilon; halve the
 * step while the deviance is not finite.  Returns 0, or -1 with r->msg set
 * when no fit can be had (R's glm errors).  w->mu holds the fitted counts.
 */
static int glm_fit(struct closed_work *w, const double *X, size_t ld, size_t n, int p,
		   const double *y, struct glm_res *r)
{
	const struct dur_closed_params *par = &w->par;
	double *eta = w->eta, *mu = w->mu, *z = w->z, *wt = w->wt;
	double coefold[MAXC], devold, dev = 0;
	int keep[MAXC], nk = 0, have_old = 0, iter;

	memset(r, 0, sizeof(*r));
	r->p = p;
	if ((size_t)p > n) {
		snprintf(r->msg, sizeof(r->msg), "the model has more parameters than capture patterns");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		mu[i] = w->use_start ? fmax(w->start[i], DBL_MIN) : y[i] + 0.1;
		eta[i] = log(mu[i]);
	}
	devold = deviance(y, mu, n);
	for (iter = 1; iter <= par->max_iter; iter++) {
		int finite = 1;
		for (size_t i = 0; i < n; i++) {
			double me = fmax(exp(eta[i]), DBL_EPSILON);   /* d mu / d eta */
			z[i] = eta[i] + (y[i] - mu[i]) / me;
			wt[i] = sqrt(me * me / mu[i]);
		}
		if (wls(w, X, ld, n, p, z, wt, r, keep, &nk) != 0) {
			snprintf(r->msg, sizeof(r->msg), "a least-squares step failed");
			return -1;
		}
		for (int j = 0; j < p; j++)
			if (!isfinite(r->beta[j]))
				finite = 0;
		if (!finite) {
			/* glm.fit: "non-finite coefficients at iteration", not converged */
			r->nonfinite = 1;
			r->conv = 0;
			break;
		}
		linkinv(X, ld, n, p, r->beta, eta, mu);
		dev = deviance(y, mu, n);
		if (!isfinite(dev)) {
			int ii = 1;
			if (!have_old) {
				snprintf(r->msg, sizeof(r->msg),
					 "no valid set of coefficients has been found");
				return -1;
			}
			while (!isfinite(dev)) {
				if (ii > par->max_iter) {
					snprintf(r->msg, sizeof(r->msg),
						 "the step size could not be corrected");
					return -1;
				}
				ii++;
				for (int j = 0; j < p; j++)
					r->beta[j] = (r->beta[j] + coefold[j]) / 2;
				linkinv(X, ld, n, p, r->beta, eta, mu);
				dev = deviance(y, mu, n);
			}
			r->boundary = 1;
		}
		if (fabs(dev - devold) / (fabs(dev) + 0.1) < par->epsilon) {
			r->conv = 1;
			break;
		}
		devold = dev;
		memcpy(coefold, r->beta, (size_t)p * sizeof(double));
		have_old = 1;
	}
	r->iter = iter > par->max_iter ? par->max_iter : iter;
	r->dev = dev;
	r->rank = nk;
	{
		double ll = 0;
		for (size_t i = 0; i < n; i++) {
			ll += y[i] > 0 ? y[i] * log(mu[i]) - mu[i] - gsl_sf_lngamma(y[i] + 1) : -mu[i];
			if (mu[i] < 10 * DBL_EPSILON)
				r->zero_rates = 1;   /* glm.fit: "fitted rates numerically 0" */
		}
		r->aic = -2 * ll + 2 * nk;
	}
	if (glm_cov(w, p, keep, nk, r) != 0) {
		snprintf(r->msg, sizeof(r->msg), "the covariance could not be computed");
		return -1;
	}
	for (int j = 0; j < p; j++)
		if (r->aliased[j])
			r->beta[j] = NAN;
	return 0;
}

/*
 * Rcapture's Chao.neg: while some eta (columns nca.. of the current design)
 * is estimated below zero, drop the first such column and refit; an eta
 * at zero is the boundary of the lower-bound model.  X is copied into
 * w->X2 and shrunk there; colid maps the current columns to the original
 * ones.  A refit that fails leaves the previous fit (as Rcapture).
 * Returns the number of columns left; *removed gets bit (original column)
 * for each dropped column, *refit_failed 1 if a refit failed.
 */
static int chao_negative(struct closed_work *w, const double *X, size_t n, int p, int nca,
			 const double *y, struct glm_res *r, int *colid, unsigned long *removed,
			 int *refit_failed)
{
	size_t ld = w->pmax;
	struct glm_res tr;
	double *Y = w->X2;

	for (int j = 0; j < p; j++)
		colid[j] = j;
	*removed = 0;
	*refit_failed = 0;
	if (Y != X)
		memcpy(Y, X, n * ld * sizeof(double));
	for (;;) {
		int pos = -1;
		for (int j = nca; j < p; j++)
			if (!r->aliased[j] && r->beta[j] < 0) {
				pos = j;
				break;
			}
		if (pos < 0)
			break;
		/*
		 * Large tables (par.chao_warm_min_lists lists or more): the refit starts
		 * from the fit it replaces (glm's mustart) instead of y + 0.1.
		 * The maximum is the same, reached in a few iterations instead of
		 * a dozen or more for each of up to k - 2 refits (15 lists: 10 s);
		 * the figures move within glm's convergence tolerance.  Smaller
		 * tables start as Rcapture does.
		 */
		w->use_start = w->k >= w->par.chao_warm_min_lists;
		if (w->use_start)
			memcpy(w->start, w->mu, n * sizeof(double));
		/* drop column pos in place: copy into X2's rows */
		for (size_t i = 0; i < n; i++) {
			double *row = Y + i * ld;
			memmove(row + pos, row + pos + 1, (size_t)(p - pos - 1) * sizeof(double));
		}
		if (glm_fit(w, Y, ld, n, p - 1, y, &tr) != 0) {
			*refit_failed = 1;
			/* restore the column so that Y matches the kept fit */
			for (size_t i = 0; i < n; i++) {
				double *row = Y + i * ld;
				memmove(row + pos + 1, row + pos, (size_t)(p - pos - 1) * sizeof(double));
				row[pos] = X[i * ld + (size_t)colid[pos]];
			}
			/* the previous fit's fitted values were overwritten: refit it */
			if (glm_fit(w, Y, ld, n, p, y, &tr) == 0)
				*r = tr;
			w->use_start = 0;
			break;
		}
		w->use_start = 0;
		*removed |= 1ul << colid[pos];
		memmove(colid + pos, colid + pos + 1, (size_t)(p - pos - 1) * sizeof(int));
		p--;
		*r = tr;
	}
	return p;
}

/*
 * Directions along which the likelihood never falls.  The Poisson
 * likelihood of a log-linear model rises towards its supremum along a
 * direction d with (X d)_c = 0 on cells with people and (X d)_c <= 0 on
 * empty ones (Fienberg & Rinaldo 2012); the MLE is then at infinity in d.
 * Over such d with |d_j| <= 1 (columns scaled to unit size, which keeps
 * the signs) solve
 *   REC_UP:   max d_0   (> 0: the unseen count exp(b0) can grow at will)
 *   REC_DOWN: max -d_0  (> 0: the fit pushes the unseen count to zero)
 *   REC_ANY:  max the total fall on empty cells (> 0: some parameter is
 *             infinite).
 * Returns 1 if the optimum exceeds lp_tol, 0 if not, -1 if GLPK failed.
 */
enum { REC_UP, REC_DOWN, REC_ANY };

static int recession(const struct closed_work *w, const double *X, size_t n, int p,
		     const double *y, int mode)
{
	size_t ld = w->pmax, nz = 0, cap = n * (size_t)p;
	double scale[MAXC];
	int *ia = NULL, *ja = NULL, res = -1, nzero = 0;
	double *ar = NULL;
	glp_prob *lp = NULL;
	glp_smcp parm;

	for (size_t i = 0; i < n; i++)
		if (y[i] <= 0)
			nzero++;
	if (nzero == 0)
		return 0;   /* every cell pinned: only d with X d = 0, i.e. none */
	for (int j = 0; j < p; j++) {
		double m = 0;
		for (size_t i = 0; i < n; i++)
			m = fmax(m, fabs(X[i * ld + (size_t)j]));
		scale[j] = m > 0 ? 1 / m : 1;
	}
	ia = malloc((cap + 1) * sizeof(int));
	ja = malloc((cap + 1) * sizeof(int));
	ar = malloc((cap + 1) * sizeof(double));
	lp = glp_create_prob();
	if (!ia || !ja || !ar || !lp)
		goto out;
	glp_set_obj_dir(lp, GLP_MAX);
	glp_add_rows(lp, (int)n);
	glp_add_cols(lp, p);
	for (int j = 0; j < p; j++) {
		double obj = 0;
		glp_set_col_bnds(lp, j + 1, GLP_DB, -1, 1);
		if (mode == REC_ANY) {
			for (size_t i = 0; i < n; i++)
				if (y[i] <= 0)
					obj -= X[i * ld + (size_t)j] * scale[j];
		} else if (j == 0) {
			obj = mode == REC_UP ? 1 : -1;
		}
		glp_set_obj_coef(lp, j + 1, obj);
	}
	for (size_t i = 0; i < n; i++) {
		if (y[i] > 0)
			glp_set_row_bnds(lp, (int)i + 1, GLP_FX, 0, 0);
		else
			glp_set_row_bnds(lp, (int)i + 1, GLP_UP, 0, 0);
		for (int j = 0; j < p; j++) {
			double v = X[i * ld + (size_t)j] * scale[j];
			if (v != 0) {
				nz++;
				ia[nz] = (int)i + 1;
				ja[nz] = j + 1;
				ar[nz] = v;
			}
		}
	}
	glp_load_matrix(lp, (int)nz, ia, ja, ar);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	if (glp_simplex(lp, &parm) != 0 || glp_get_status(lp) != GLP_OPT)
		goto out;
	res = glp_get_obj_val(lp) > w->par.lp_tol ? 1 : 0;
out:
	if (lp)
		glp_delete_prob(lp);
	free(ia);
	free(ja);
	free(ar);
	return res;
}

/* ---- one model, as closedp.t ---------------------------------------------------- */

static void add_warning(struct dur_closed_fit *f, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void add_warning(struct dur_closed_fit *f, const char *fmt, ...)
{
	size_t len = strlen(f->warning);
	va_list ap;
	if (len && len + 2 < sizeof(f->warning)) {
		memcpy(f->warning + len, "; ", 3);
		len += 2;
	}
	if (len + 1 >= sizeof(f->warning))
		return;
	va_start(ap, fmt);
	vsnprintf(f->warning + len, sizeof(f->warning) - len, fmt, ap);
	va_end(ap);
}

static void refuse(struct dur_closed_fit *f, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void refuse(struct dur_closed_fit *f, const char *fmt, ...)
{
	va_list ap;
	f->ok = 0;
	f->estimate = NAN;
	f->se = NAN;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* "3 or more, 5 or more" for the Chao terms dropped */
static void eta_words(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int j = 3; j <= DUR_TABLE_MAX_LISTS && len + 1 < size; j++)
		if (mask & (1u << j))
			len += (size_t)snprintf(buf + len, size - len, "%s%d or more",
						len ? ", " : "", j);
}

static dur_err check_args(const struct dur_table *t, int m, struct dur_error *err)
{
	if (!t || t->k < DUR_TABLE_MIN_LISTS || t->k > DUR_TABLE_MAX_LISTS)
		return dur_error_set(err, DUR_EINVAL, "closed-population models need a table "
				     "of 2 to %d lists", DUR_TABLE_MAX_LISTS);
	if (!valid_model(m))
		return dur_error_set(err, DUR_EINVAL, "unknown closed-population model");
	if (t->k < dur_closed_model_min_lists((enum dur_closed_model)m))
		return dur_error_set(err, DUR_EINVAL, "model %s needs at least %d lists "
				     "(the table has %d); Rcapture fits only m0, mt and mb to two",
				     model_info[m].name,
				     dur_closed_model_min_lists((enum dur_closed_model)m), t->k);
	if (!(dur_table_observed(t) > 0))
		return dur_error_set(err, DUR_EDATA, "the table has nobody in it");
	return DUR_OK;
}

static dur_err fit_one(struct closed_work *w, const struct dur_table *t, enum dur_closed_model m,
		       struct dur_closed_fit *f, int *rank_deficient, struct dur_error *err)
{
	const struct dur_closed_params *par = &w->par;
	enum family fam = model_info[m].fam;
	enum het het = model_info[m].het;
	int k = t->k, nca = 0, p, colid[MAXC], refit_failed = 0;
	size_t ncell = ((size_t)1 << k) - 1, ld = w->pmax;
	unsigned long removed = 0;
	struct glm_res r;
	const double *X;
	double n = dur_table_observed(t), b0, N, se, v0;

	dur_closed_fit_release(f);
	f->model = m;
	f->k = k;
	f->observed = n;
	f->estimate = f->se = f->estimate_raw = f->se_raw = NAN;
	f->bias = f->tau = NAN;
	f->fitted = calloc((size_t)1 << k, sizeof(double));
	if (!f->fitted)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");

	p = build_design(k, m, par, w->X, ld, 0, &nca);
	for (size_t i = 0; i < ncell; i++)
		w->y[i] = t->count[i + 1];
	X = w->X;
	for (int j = 0; j < p; j++)
		colid[j] = j;
	if (glm_fit(w, X, ld, ncell, p, w->y, &r) != 0) {
		refuse(f, "the model could not be fitted: %s", r.msg);
		return dur_error_set(err, DUR_ENUMERIC, "model %s could not be fitted: %s",
				     model_info[m].name, r.msg);
	}
	if (het == HET_CHAO && par->chao_drop_negative) {
		p = chao_negative(w, X, ncell, p, nca, w->y, &r, colid, &removed, &refit_failed);
		X = w->X2;
	}
	for (int j = 0; j < MAXC; j++)
		if (removed & (1ul << j))
			f->removed_eta |= 1u << (3 + j - nca);

	f->have_fit = 1;
	f->deviance = r.dev;
	f->nparams = r.rank;
	f->df = (int)ncell - r.rank;
	f->aic = r.aic;
	f->bic = r.aic + (log(n) - 2) * r.rank;   /* Rcapture: aic + (log n - 2) rank */
	f->iterations = r.iter;
	f->converged = r.conv;
	for (size_t i = 0; i < ncell; i++)
		f->fitted[i + 1] = w->mu[i];

	/* Population size: n + exp(b0) with Rcapture's getN; closed forms for
	 * Mb and Mbh (closedp.internal), with the delta-method variance. */
	b0 = r.beta[0];
	v0 = r.cov[0];
	if (fam == FAM_MB) {
		double b1 = r.beta[1], b2 = r.beta[2], den = 1 + exp(b2) - exp(b1), v[3], q = 0;
		N = exp(b0) * pow(1 + exp(b2), k) / den;
		v[0] = N;
		v[1] = N * exp(b1) / den;
		v[2] = N * (k * exp(b2) / (1 + exp(b2)) - exp(b2) / den);
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				q += v[a] * r.cov[a * p + b] * v[b];
		se = sqrt(q - N);
	} else if (fam == FAM_MBH) {
		double b1 = r.beta[1], b2 = r.beta[2], b3 = r.beta[3];
		double den = 1 + exp(b3) - exp(b2), g = exp(b1 + b2) / den;
		double s = exp(b0) * pow(1 + exp(b3), k - 1), v[4], q = 0;
		N = s * (1 + g);
		v[0] = s * (1 + g);
		v[1] = s * g;
		v[2] = s * (g + exp(b1 + 2 * b2) / (den * den));
		v[3] = s * ((k - 1) * exp(b3) / (1 + exp(b3)) - exp(b1 + b2 + b3) / (den * den));
		for (int a = 0; a < 4; a++)
			for (int b = 0; b < 4; b++)
				q += v[a] * r.cov[a * p + b] * v[b];
		se = sqrt(q - N);
	} else {
		N = n + exp(b0);
		se = sqrt(exp(b0) + exp(2 * b0) * v0);
	}
	f->estimate_raw = N;
	f->se_raw = se;
	f->fitted[0] = N - n;
	if (het == HET_POISSON || het == HET_DARROCH || het == HET_GAMMA)
		f->tau = r.beta[p - 1];

	/* Rcapture's asymptotic bias of exp(b0) (closedp.fitone), for its warning */
	if (r.rank == p) {
		double psi[MAXC] = { 0 }, vec1 = 0;
		for (size_t i = 0; i < ncell; i++) {
			const double *row = X + i * ld;
			double q = 0;
			for (int a = 0; a < p; a++)
				for (int b = 0; b < p; b++)
					q += row[a] * r.cov[a * p + b] * row[b];
			for (int a = 0; a < p; a++)
				psi[a] += -2 * row[a] * w->mu[i] * (-0.5 * q);
		}
		psi[0] -= 1;
		for (int b = 0; b < p; b++)
			vec1 -= r.cov[b] * psi[b];
		f->bias = 0.5 * exp(b0) * vec1;
	}

	/* ---- warnings, in plain words ---- */
	if (f->removed_eta) {
		char words[128];
		eta_words(f->removed_eta, words, sizeof(words));
		f->boundary = 1;
		add_warning(f, "Chao's terms for people seen on %s lists came out negative "
			    "(fewer people on many lists than heterogeneity allows) and were "
			    "set to zero, as Rcapture does", words);
	}
	if (refit_failed)
		add_warning(f, "a negative Chao term was kept because the model without it "
			    "could not be fitted");
	if (!isnan(f->tau) && f->tau < 0) {
		f->boundary = 1;
		add_warning(f, "the heterogeneity term came out negative, which no spread of "
			    "catchability can produce: this model finds no sign that some "
			    "people are easier to find than others, and this estimate rests on the "
			    "model's shape alone (Rcapture reports it unchanged)");
	}
	if (r.boundary) {
		f->boundary = 1;
		add_warning(f, "the fit had to shorten its steps to stay finite");
	}
	if (r.zero_rates) {
		f->boundary = 1;
		add_warning(f, "some fitted counts are numerically zero: a parameter is at "
			    "its boundary");
	}
	if (rank_deficient)
		*rank_deficient = r.rank < p;
	if (r.rank < p)
		add_warning(f, "some parameters cannot be estimated from this table (design "
			    "not of full rank)");
	if (!isnan(f->bias) && fabs(f->bias) > par->bias_warn * N && N >= n)
		add_warning(f, "the asymptotic bias is large (over %g%% of the estimate): "
			    "treat the figure as rough", 100 * par->bias_warn);

	/* ---- can the estimate be shown? ---- */
	f->ok = 1;
	if (!r.conv) {
		refuse(f, "the fit did not converge within %d iterations, so there is no "
		       "estimate (Rcapture would print one with a warning)", r.iter);
		return DUR_OK;
	}
	if (r.aliased[0]) {
		refuse(f, "the table does not determine the number missed under this model");
		return DUR_OK;
	}
	{
		int bm = fam == FAM_MB || fam == FAM_MBH;
		int lp = recession(w, X, ncell, p, w->y, bm ? REC_ANY : REC_UP), lp2 = 0;
		if (lp == 1 && bm) {
			refuse(f, "some parameter of the behavioural model is infinite on this "
			       "table (patterns nobody has pin it at the boundary), so its "
			       "population size is not determined");
			return DUR_OK;
		}
		if (lp == 1) {
			refuse(f, "the table does not bound the number missed under this model: "
			       "the fit is as good for any larger unseen count (for example when "
			       "too few people were seen on several lists)");
			return DUR_OK;
		}
		if (lp == 0 && !bm && (lp2 = recession(w, X, ncell, p, w->y, REC_DOWN)) == 1) {
			f->boundary = 1;
			add_warning(f, "the fit pushes the number missed towards zero, a boundary "
				    "of the model rather than a finding that everyone was seen");
		} else if (lp == 0 && !bm && lp2 == 0 &&
			   (lp2 = recession(w, X, ncell, p, w->y, REC_ANY)) == 1) {
			f->boundary = 1;
			add_warning(f, "some parameters are at infinity (patterns nobody has), "
				    "though the number missed is still determined");
		}
		if (lp < 0 || lp2 < 0)
			return dur_error_set(err, DUR_ENUMERIC, "the boundary check of model %s "
					     "failed", model_info[m].name);
	}
	if (!isfinite(N)) {
		refuse(f, "the estimate is infinite or undefined");
		return DUR_OK;
	}
	if (N < 0 && (fam == FAM_MB || fam == FAM_MBH)) {
		refuse(f, "the behavioural model's fitted capture chances fall outside 0 to 1 "
		       "(the chance of being missed by every list comes out below zero), so "
		       "its population size is negative: the model does not describe this "
		       "table (Rcapture prints the negative figure)");
		return DUR_OK;
	}
	if (N < n) {
		refuse(f, "the model implies fewer people than were seen, so it does not "
		       "describe this table");
		return DUR_OK;
	}
	f->estimate = N;
	f->se = se;
	if (isnan(se))
		add_warning(f, "no standard error: its delta-method variance came out "
			    "negative");
	return DUR_OK;
}

dur_err dur_closed_fit_model(const struct dur_table *t, enum dur_closed_model m,
			     const struct dur_closed_params *params,
			     struct dur_closed_fit *out, struct dur_error *err)
{
	struct closed_work *w;
	dur_err rc;

	dur_closed_fit_release(out);
	if ((rc = check_args(t, (int)m, err)) != DUR_OK) {
		if (valid_model((int)m))
			out->model = m;
		snprintf(out->reason, sizeof(out->reason), "%.300s", err ? err->msg : "invalid input");
		out->estimate = out->se = out->estimate_raw = out->se_raw = NAN;
		return rc;
	}
	w = work_alloc(t->k, params);
	if (!w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = fit_one(w, t, m, out, NULL, err);
	work_free(w);
	return rc;
}

dur_err dur_closed_fit_all(const struct dur_table *t, const struct dur_closed_params *params,
			   struct dur_closed_fit out[DUR_CLOSED_NMODELS],
			   struct dur_error *err)
{
	struct closed_work *w;
	dur_err rc = DUR_OK;

	for (int m = 0; m < DUR_CLOSED_NMODELS; m++) {
		dur_closed_fit_release(&out[m]);
		out[m].model = (enum dur_closed_model)m;
		out[m].estimate = out[m].se = out[m].estimate_raw = out[m].se_raw = NAN;
	}
	if (!t || t->k < DUR_TABLE_MIN_LISTS || t->k > DUR_TABLE_MAX_LISTS)
		return dur_error_set(err, DUR_EINVAL, "closed-population models need a table "
				     "of 2 to %d lists", DUR_TABLE_MAX_LISTS);
	if (!(dur_table_observed(t) > 0))
		return dur_error_set(err, DUR_EDATA, "the table has nobody in it");
	w = work_alloc(t->k, params);
	if (!w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (int m = 0; m < DUR_CLOSED_NMODELS && rc == DUR_OK; m++) {
		struct dur_error e = DUR_ERROR_INIT;
		out[m].k = t->k;
		out[m].observed = dur_table_observed(t);
		if (t->k < dur_closed_model_min_lists((enum dur_closed_model)m)) {
			snprintf(out[m].reason, sizeof(out[m].reason),
				 "not fitted: this model needs at least %d lists",
				 dur_closed_model_min_lists((enum dur_closed_model)m));
			continue;
		}
		rc = fit_one(w, t, (enum dur_closed_model)m, &out[m], NULL, &e);
		if (rc == DUR_ENUMERIC)
			rc = DUR_OK;   /* a failed model is a row with its reason */
		else if (rc != DUR_OK && err)
			*err = e;
	}
	work_free(w);
	return rc;
}

/* ---- profile likelihood (closedpCI.t) --------------------------------------------- */

struct profile {
	struct closed_work *w;
	enum dur_closed_model m;
	size_t nrow;              /* cells and the unseen one */
	int p, nca;
	double n;
	int failed, nonconv;
	char msg[160];
};

/*
 * closedpCI's loglikemult: refit the model (with the Chao rule) to the
 * table completed by the unseen cell holding N - n, and return
 * L(N) = -(D(N) - 2 c(N)) / 2 with Cormack's (1992) correction c(N):
 * n0 - N - log(n0 / N) / 2 above 100 people (-N + log(2 pi N) / 2 when
 * n0 is 0 or 1), log(n0^n0 N! / (N^N n0!)) otherwise, x! = Gamma(x + 1).
 */
static double profile_loglik(struct profile *pr, double N)
{
	struct closed_work *w = pr->w;
	struct glm_res r;
	double n0 = N - pr->n, Nn0 = 0, ct;
	int colid[MAXC], refit_failed;
	unsigned long removed;

	if (pr->failed)
		return NAN;
	w->y[pr->nrow - 1] = n0;
	if (n0 < 0 || glm_fit(w, w->X, w->pmax, pr->nrow, pr->p, w->y, &r) != 0) {
		pr->failed = 1;
		snprintf(pr->msg, sizeof(pr->msg), "%s", n0 < 0 ? "negative unseen count" : r.msg);
		return NAN;
	}
	if (model_info[pr->m].het == HET_CHAO && w->par.chao_drop_negative)
		chao_negative(w, w->X, pr->nrow, pr->p, pr->nca, w->y, &r, colid, &removed,
			      &refit_failed);
	if (!r.conv)
		pr->nonconv++;
	for (size_t i = 0; i < pr->nrow; i++)
		Nn0 += w->y[i];
	if (Nn0 > 100) {
		if (n0 == 0 || n0 == 1)
			ct = -Nn0 + 0.5 * log(6.283185307179586477 * Nn0);
		else
			ct = n0 - Nn0 - 0.5 * log(n0 / Nn0);
	} else {
		ct = (n0 > 0 ? n0 * log(n0) : 0) + gsl_sf_lngamma(Nn0 + 1) - Nn0 * log(Nn0) -
		     gsl_sf_lngamma(n0 + 1);
	}
	return (r.dev - 2 * ct) / (-2);
}

/*
 * Brent's (1973) minimiser without derivatives, golden section with
 * parabolic steps, as R's optimize: stops when the bracket around x is
 * within 2 (sqrt(eps) |x| + tol / 3).  Maximises f by minimising -f.
 */
static double brent_max(struct profile *pr, double ax, double bx, double tol)
{
	const double c = (3 - sqrt(5.0)) * 0.5, eps = sqrt(DBL_EPSILON);
	double a = ax, b = bx, v = a + c * (b - a), w = v, x = v, d = 0, e = 0;
	double fx = -profile_loglik(pr, x), fv = fx, fw = fx, tol3 = tol / 3;

	while (!pr->failed) {
		double xm = (a + b) * 0.5, tol1 = eps * fabs(x) + tol3, t2 = tol1 * 2;
		double p = 0, q = 0, r = 0, u, fu;
		if (fabs(x - xm) <= t2 - (b - a) * 0.5)
			break;
		if (fabs(e) > tol1) {   /* fit a parabola */
			r = (x - w) * (fx - fv);
			q = (x - v) * (fx - fw);
			p = (x - v) * q - (x - w) * r;
			q = (q - r) * 2;
			if (q > 0)
				p = -p;
			else
				q = -q;
			r = e;
			e = d;
		}
		if (fabs(p) >= fabs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
			e = x < xm ? b - x : a - x;   /* golden section */
			d = c * e;
		} else {
			d = p / q;                    /* parabolic step */
			u = x + d;
			if (u - a < t2 || b - u < t2)
				d = x >= xm ? -tol1 : tol1;
		}
		u = fabs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
		fu = -profile_loglik(pr, u);
		if (fu <= fx) {
			if (u < x)
				b = x;
			else
				a = x;
			v = w; fv = fw;
			w = x; fw = fx;
			x = u; fx = fu;
		} else {
			if (u < x)
				a = u;
			else
				b = u;
			if (fu <= fw || w == x) {
				v = w; fv = fw;
				w = u; fw = fu;
			} else if (fu <= fv || v == x || v == w) {
				v = u; fv = fu;
			}
		}
	}
	return x;
}

/*
 * Brent's (1973) root finder (bisection, secant and inverse quadratic
 * interpolation), as R's uniroot: g(x) = L(x) - target on [a, b] with
 * g(a) = fa, g(b) = fb of opposite signs; stops when the bracket is within
 * 2 eps |b| + tol / 2.  *iters gets -1 if max_iter was reached.
 */
static double brent_root(struct profile *pr, double target, double a, double b, double fa,
			 double fb, double tol, int max_iter, int *iters)
{
	double c = a, fc = fa;
	int maxit = max_iter + 1;

	*iters = 0;
	if (fa == 0)
		return a;
	if (fb == 0)
		return b;
	while (maxit-- && !pr->failed) {
		double prev_step = b - a, tol_act, p, q, new_step;
		if (fabs(fc) < fabs(fb)) {
			a = b; b = c; c = a;
			fa = fb; fb = fc; fc = fa;
		}
		tol_act = 2 * DBL_EPSILON * fabs(b) + tol / 2;
		new_step = (c - b) / 2;
		if (fabs(new_step) <= tol_act || fb == 0)
			return b;
		if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb)) {
			double t1, cb = c - b, t2;
			if (a == c) {   /* secant */
				t1 = fb / fa;
				p = cb * t1;
				q = 1 - t1;
			} else {        /* inverse quadratic interpolation */
				q = fa / fc;
				t1 = fb / fc;
				t2 = fb / fa;
				p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
				q = (q - 1) * (t1 - 1) * (t2 - 1);
			}
			if (p > 0)
				q = -q;
			else
				p = -p;
			if (p < (0.75 * cb * q - fabs(tol_act * q) / 2) && p < fabs(prev_step * q / 2))
				new_step = p / q;
		}
		if (fabs(new_step) < tol_act)
			new_step = new_step > 0 ? tol_act : -tol_act;
		a = b;
		fa = fb;
		b += new_step;
		fb = profile_loglik(pr, b) - target;
		(*iters)++;
		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
			c = a;
			fc = fa;
		}
	}
	*iters = -1;
	return b;
}

static void interval_warning(struct dur_closed_interval *o, const char *s)
{
	size_t len = strlen(o->warning);
	snprintf(o->warning + len, sizeof(o->warning) - len, "%s%s", len ? "; " : "", s);
}

dur_err dur_closed_profile(const struct dur_table *t, enum dur_closed_model m, double level,
			   const struct dur_closed_params *params,
			   struct dur_closed_interval *out, struct dur_error *err)
{
	struct dur_closed_fit fit = DUR_CLOSED_FIT_INIT;
	struct closed_work *w = NULL;
	struct profile pr;
	double Nhat, nmax, lmax, target, flo, fhi, tol;
	int it, deficient = 0;
	dur_err rc;

	memset(out, 0, sizeof(*out));
	out->level = level;
	out->estimate = out->lower = out->upper = NAN;
	if ((rc = check_args(t, (int)m, err)) != DUR_OK)
		return rc;
	if (!dur_closed_model_has_profile(m))
		return dur_error_set(err, DUR_EINVAL, "no profile interval for model %s: its "
				     "population size is not the unseen cell of the log-linear "
				     "model (Rcapture's closedpCI.t does not offer it either)",
				     model_info[m].name);
	if (!(level > 0 && level < 1))
		return dur_error_set(err, DUR_EINVAL, "the interval level must be between 0 and 1");
	w = work_alloc(t->k, params);
	if (!w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = fit_one(w, t, m, &fit, &deficient, err)) != DUR_OK)
		goto out;
	if (!fit.ok) {
		rc = dur_error_set(err, DUR_ENOMLE, "no interval for model %s: %s",
				   model_info[m].name, fit.reason);
		goto out;
	}
	if (deficient) {
		rc = dur_error_set(err, DUR_ENOMLE, "no interval for model %s: its design is "
				   "not of full rank on this table", model_info[m].name);
		goto out;
	}
	Nhat = fit.estimate;
	tol = w->par.profile_tol;

	/* The completed table: every cell, then the unseen one (design row 0
	 * but for the intercept), as closedpCI's mXavec. */
	pr.w = w;
	pr.m = m;
	pr.nrow = (size_t)1 << t->k;
	pr.p = build_design(t->k, m, &w->par, w->X, w->pmax, 1, &pr.nca);
	pr.n = fit.observed;
	pr.failed = 0;
	pr.nonconv = 0;
	pr.msg[0] = '\0';
	for (size_t i = 0; i + 1 < pr.nrow; i++)
		w->y[i] = t->count[i + 1];

	nmax = brent_max(&pr, pr.n, w->par.profile_search * Nhat, tol);
	lmax = profile_loglik(&pr, nmax);
	if (pr.failed)
		goto failed;
	out->estimate = nmax;
	target = lmax - gsl_cdf_chisq_Pinv(level, 1) / 2;

	/* lower end in (n, N_max), as uniroot: n itself when no sign change */
	flo = profile_loglik(&pr, pr.n) - target;
	fhi = lmax - target;
	if (pr.failed)
		goto failed;
	if (isnan(flo) || flo * fhi > 0) {
		out->lower = pr.n;
		out->lower_at_n = 1;
		interval_warning(out, "the likelihood does not fall far enough below its "
				 "maximum before reaching the number seen, so the lower end "
				 "is the number seen (as Rcapture)");
	} else {
		out->lower = brent_root(&pr, target, pr.n, nmax, flo, fhi, tol,
					w->par.profile_max_iter, &it);
		if (it < 0)
			interval_warning(out, "the search for the lower end did not converge");
	}
	if (pr.failed)
		goto failed;
	/* upper end in (N_max, 3 N-hat) */
	{
		double hi = w->par.profile_upper * Nhat, fh = profile_loglik(&pr, hi) - target;
		if (pr.failed)
			goto failed;
		if (isnan(fh) || fhi * fh > 0) {
			out->upper = hi;
			out->upper_open = 1;
			interval_warning(out, "the upper end lies beyond the search limit (three "
					 "times the estimate): the table cannot rule out much "
					 "larger numbers");
		} else {
			out->upper = brent_root(&pr, target, nmax, hi, fhi, fh, tol,
						w->par.profile_max_iter, &it);
			if (it < 0)
				interval_warning(out, "the search for the upper end did not "
						 "converge");
		}
	}
	if (pr.failed)
		goto failed;
	out->nonconverged = pr.nonconv;
	if (pr.nonconv)
		interval_warning(out, "some profile fits did not converge");
	rc = DUR_OK;
	goto out;
failed:
	rc = dur_error_set(err, DUR_ENUMERIC, "profile interval for model %s: a fit failed: %s",
			   model_info[m].name, pr.msg);
out:
	dur_closed_fit_release(&fit);
	work_free(w);
	return rc;
}
