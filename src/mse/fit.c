/*
 * Log-linear models for multiple systems estimation: design, existence of
 * the MLE, and the Newton/IRLS fit.  See docs/methods.md.
 */
#include "mse_internal.h"

#include <float.h>
#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>

struct dur_mse_params dur_mse_default_params(void)
{
	struct dur_mse_params p;
	p.tol = 1e-10;
	p.max_iter = 100;
	p.lp_tol = 1e-8;
	p.rank_tol = 1e-9;
	p.cache_max = 100000;
	p.jackknife_exact_max = 500;
	p.sums_min_lists = 10;
	return p;
}

/* ---- pairs and models ---------------------------------------------------- */

int dur_mse_npairs(int k)
{
	return k * (k - 1) / 2;
}

int dur_mse_pair_index(int k, int i, int j)
{
	/* pairs (0,1)..(0,k-1) come first: k-1 of them, then k-2 ... */
	return i * k - i * (i + 1) / 2 + (j - i - 1);
}

void dur_mse_pair_lists(int k, int p, int *i, int *j)
{
	int a = 0;
	while (p >= k - 1 - a) {
		p -= k - 1 - a;
		a++;
	}
	*i = a;
	*j = a + 1 + p;
}

void dur_mse_model_main(struct dur_mse_model *m, int k)
{
	memset(m, 0, sizeof(*m));
	m->k = k;
}

void dur_mse_model_all_pairs(struct dur_mse_model *m, int k)
{
	dur_mse_model_main(m, k);
	for (int p = 0; p < dur_mse_npairs(k); p++)
		m->term[m->nterms++] = (unsigned char)p;
}

int dur_mse_model_has(const struct dur_mse_model *m, int p)
{
	for (int i = 0; i < m->nterms; i++)
		if (m->term[i] == p)
			return 1;
	return 0;
}

void dur_mse_model_add(struct dur_mse_model *m, int p)
{
	if (!dur_mse_model_has(m, p))
		m->term[m->nterms++] = (unsigned char)p;
}

size_t dur_mse_term_name(const struct dur_table *t, int p, char *buf, size_t size)
{
	int i, j;
	dur_mse_pair_lists(t->k, p, &i, &j);
	return (size_t)snprintf(buf, size, "%s:%s", t->names[i], t->names[j]);
}

dur_err dur_mse_model_parse(const char *spec, const struct dur_table *t,
			    struct dur_mse_model *m, struct dur_error *err)
{
	const char *p = spec;

	dur_mse_model_main(m, t->k);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char term[512], *colon;
		int a, b;

		while (len && (*p == ' ')) {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(term))
			return dur_error_set(err, DUR_EINVAL,
					     "model '%s': an empty or overlong term", spec);
		memcpy(term, p, len);
		term[len] = '\0';
		colon = strchr(term, ':');
		if (!colon || strchr(colon + 1, ':'))
			return dur_error_set(err, DUR_EINVAL,
					     "model term '%s' is not of the form LIST:LIST", term);
		*colon = '\0';
		a = dur_table_list_index(t, term);
		b = dur_table_list_index(t, colon + 1);
		if (a < 0 || b < 0)
			return dur_error_set(err, DUR_EINVAL,
					     "model term '%s:%s': there is no list '%s'",
					     term, colon + 1, a < 0 ? term : colon + 1);
		if (a == b)
			return dur_error_set(err, DUR_EINVAL,
					     "model term '%s:%s' pairs a list with itself",
					     term, colon + 1);
		if (a > b) {
			int x = a;
			a = b;
			b = x;
		}
		if (dur_mse_model_has(m, dur_mse_pair_index(t->k, a, b)))
			return dur_error_set(err, DUR_EINVAL,
					     "model term '%s:%s' is given twice", term, colon + 1);
		dur_mse_model_add(m, dur_mse_pair_index(t->k, a, b));
		if (!e)
			break;
		p = e + 1;
	}
	return DUR_OK;
}

/* ---- fits -------------------------------------------------------------- */

struct dur_mse_fit *dur_mse_fit_alloc(int k)
{
	struct dur_mse_fit *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->k = k;
	f->fitted = calloc(1u << k, sizeof(double));
	if (!f->fitted) {
		free(f);
		return NULL;
	}
	return f;
}

void dur_mse_fit_free(struct dur_mse_fit *f)
{
	if (!f)
		return;
	free(f->fitted);
	free(f);
}

void dur_mse_fit_copy(struct dur_mse_fit *dst, const struct dur_mse_fit *src)
{
	double *keep = dst->fitted;
	*dst = *src;
	dst->fitted = keep;
	memcpy(dst->fitted, src->fitted, (1u << src->k) * sizeof(double));
}

/* ---- workspace --------------------------------------------------------- */

struct cache_entry {
	int used;
	int exist;
	uint64_t hash;
	uint64_t *key;     /* nkey words */
};

struct dur_mse_work {
	int k;
	unsigned ncells;         /* 2^k */
	int maxcols;
	struct dur_mse_params par;
	/* design on kept cells */
	unsigned *cell;          /* kept cells (patterns) */
	int nc, ncol;            /* kept cells, columns */
	int *colpair;            /* per column >= 1+k: pair index */
	double *X;               /* nc x ncol, row-major (0/1) */
	int *nz;                 /* per row: its non-zero columns, ascending */
	int *nnz;                /* per row: how many */
	int use_sums;            /* k >= par.sums_min_lists: rows are not built
				    for the fit (see superset_sums) */
	int rows_built;          /* X, nz, nnz hold the current design */
	unsigned *colset;        /* per column: its lists as a bit set */
	double *za, *zb;         /* 2^k each: transforms */
	double *start;           /* 2^k: fitted counts to start the next fit from */
	int have_start;          /* 1: the next fit starts from `start` (once) */
	double *y, *mu, *eta, *z, *beta, *beta_old;
	double *mu_w;            /* the weights of the last IRLS step */
	gsl_matrix *A;           /* ncol x ncol */
	gsl_vector *b;
	gsl_matrix *QR;          /* rank check */
	gsl_vector *tau, *norm;
	gsl_permutation *perm;
	/* existence cache: open addressing */
	size_t ncache, capcache, nkey;
	struct cache_entry *cache;
	uint64_t *keybuf;
};

dur_mse_work *dur_mse_work_alloc(int k, const struct dur_mse_params *p)
{
	dur_mse_work *w;
	unsigned nc;
	int mc;

	if (k < 2 || k > DUR_TABLE_MAX_LISTS)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->k = k;
	w->ncells = 1u << k;
	w->par = p ? *p : dur_mse_default_params();
	nc = w->ncells;      /* + the unseen cell for the profile */
	mc = 1 + k + dur_mse_npairs(k);
	w->maxcols = mc;
	w->use_sums = k >= w->par.sums_min_lists;
	w->colset = malloc((size_t)mc * sizeof(unsigned));
	w->za = malloc(nc * sizeof(double));
	w->zb = malloc(nc * sizeof(double));
	w->start = malloc(nc * sizeof(double));
	w->cell = malloc(nc * sizeof(unsigned));
	w->colpair = malloc((size_t)mc * sizeof(int));
	w->X = malloc((size_t)nc * (size_t)mc * sizeof(double));
	w->nz = malloc((size_t)nc * (size_t)mc * sizeof(int));
	w->nnz = malloc(nc * sizeof(int));
	w->y = malloc(nc * sizeof(double));
	w->mu = malloc(nc * sizeof(double));
	w->mu_w = malloc(nc * sizeof(double));
	w->eta = malloc(nc * sizeof(double));
	w->z = malloc(nc * sizeof(double));
	w->beta = malloc((size_t)mc * sizeof(double));
	w->beta_old = malloc((size_t)mc * sizeof(double));
	w->A = gsl_matrix_alloc((size_t)mc, (size_t)mc);
	w->b = gsl_vector_alloc((size_t)mc);
	w->nkey = 2 + (nc + 63) / 64;
	w->capcache = 1;
	while (w->capcache < 2 * w->par.cache_max)
		w->capcache <<= 1;
	if (w->capcache > (1u << 20))
		w->capcache = 1u << 20;
	w->cache = calloc(w->capcache, sizeof(struct cache_entry));
	w->keybuf = malloc(w->nkey * sizeof(uint64_t));
	if (!w->colset || !w->za || !w->zb || !w->start || !w->cell || !w->colpair || !w->X || !w->nz || !w->nnz || !w->y || !w->mu ||
	    !w->mu_w || !w->eta || !w->z ||
	    !w->beta || !w->beta_old || !w->A || !w->b || !w->cache || !w->keybuf) {
		dur_mse_work_free(w);
		return NULL;
	}
	return w;
}

static void cache_clear(dur_mse_work *w)
{
	for (size_t i = 0; i < w->capcache; i++) {
		free(w->cache[i].key);
		w->cache[i].key = NULL;
		w->cache[i].used = 0;
	}
	w->ncache = 0;
}

/* The rank check's matrices, sized for the last design seen. */
static void free_rank_work(dur_mse_work *w)
{
	if (w->QR)
		gsl_matrix_free(w->QR);
	if (w->tau)
		gsl_vector_free(w->tau);
	if (w->norm)
		gsl_vector_free(w->norm);
	if (w->perm)
		gsl_permutation_free(w->perm);
	w->QR = NULL;
	w->tau = NULL;
	w->norm = NULL;
	w->perm = NULL;
}

void dur_mse_work_free(dur_mse_work *w)
{
	if (!w)
		return;
	if (w->cache)
		cache_clear(w);
	free(w->cache);
	free(w->keybuf);
	free(w->cell);
	free(w->colset);
	free(w->za);
	free(w->zb);
	free(w->start);
	free(w->colpair);
	free(w->X);
	free(w->nz);
	free(w->nnz);
	free(w->y);
	free(w->mu);
	free(w->mu_w);
	free(w->eta);
	free(w->z);
	free(w->beta);
	free(w->beta_old);
	if (w->A)
		gsl_matrix_free(w->A);
	if (w->b)
		gsl_vector_free(w->b);
	free_rank_work(w);
	free(w);
}

/* Sum of counts over patterns that contain both lists of pair p. */
static double overlap(const struct dur_table *t, int p)
{
	int i, j;
	unsigned both;
	double s = 0;

	dur_mse_pair_lists(t->k, p, &i, &j);
	both = (1u << i) | (1u << j);
	for (unsigned c = 1; c < t->ncells; c++)
		if ((c & both) == both)
			s += t->count[c];
	return s;
}

/*
 * Sums over cells by transforms on the 2^k patterns (Yates 1937; the
 * "zeta transform" of subset convolution).  Column q of the design is the
 * indicator that pattern c holds every list of its set S_q (the empty set
 * for the intercept, {i} for list i, {i, j} for a pair), so
 *   (X'WX)_qr = sum over c containing S_q | S_r of w_c,
 *   (X'v)_q   = sum over c containing S_q of v_c,
 *   (X beta)_c = sum over sets S_q inside c of beta_q.
 * Each is one pass of k sweeps over the 2^k cells, k 2^(k-1) additions,
 * where the row-by-row sums cost about 2^k (k/2)^2 / 2: with 15 lists
 * 0.25 million additions against 1.5 million, in plain loops.  The results
 * are the same sums taken in another order.
 */
static void superset_sums(double *v, int k)
{
	unsigned n = 1u << k;
	for (int i = 0; i < k; i++) {
		unsigned bit = 1u << i;
		for (unsigned base = 0; base < n; base += 2 * bit)
			for (unsigned c = base; c < base + bit; c++)
				v[c] += v[c + bit];
	}
}

static void subset_sums(double *v, int k)
{
	unsigned n = 1u << k;
	for (int i = 0; i < k; i++) {
		unsigned bit = 1u << i;
		for (unsigned base = 0; base < n; base += 2 * bit)
			for (unsigned c = base; c < base + bit; c++)
				v[c + bit] += v[c];
	}
}

/* A = X' diag(wt) X (lower triangle; both halves with `full`) over the
 * kept cells, wt given per row; NULL wt: weight 1 on every row, or on the
 * rows with y > 0 when positive_only. */
static void sums_gram(dur_mse_work *w, const double *wt, int positive_only, double *A,
		      size_t tda, int full)
{
	double *z = w->za;
	memset(z, 0, w->ncells * sizeof(double));
	for (int r = 0; r < w->nc; r++)
		z[w->cell[r]] = wt ? wt[r] : (!positive_only || w->y[r] > 0) ? 1 : 0;
	superset_sums(z, w->k);
	for (int q = 0; q < w->ncol; q++)
		for (int s = 0; s <= q; s++) {
			double v = z[w->colset[q] | w->colset[s]];
			A[(size_t)q * tda + (size_t)s] = v;
			if (full)
				A[(size_t)s * tda + (size_t)q] = v;
		}
}

/* out[q] = sum over rows of v_r x_rq */
static void sums_xtv(dur_mse_work *w, const double *v, double *out)
{
	double *z = w->zb;
	memset(z, 0, w->ncells * sizeof(double));
	for (int r = 0; r < w->nc; r++)
		z[w->cell[r]] = v[r];
	superset_sums(z, w->k);
	for (int q = 0; q < w->ncol; q++)
		out[q] = z[w->colset[q]];
}

/* eta_r = x_r' beta for every row */
static void sums_xbeta(dur_mse_work *w, const double *beta, double *eta)
{
	double *z = w->za;
	memset(z, 0, w->ncells * sizeof(double));
	for (int q = 0; q < w->ncol; q++)
		z[w->colset[q]] = beta[q];   /* the sets are distinct */
	subset_sums(z, w->k);
	for (int r = 0; r < w->nc; r++)
		eta[r] = z[w->cell[r]];
}

/*
 * For every pair p, the sum of v over the cells holding both its lists
 * (v indexed by pattern, 2^k entries; v[0] is not read).
 */
void mse_pair_sums(dur_mse_work *w, const double *v, double *out)
{
	int k = w->k, np = dur_mse_npairs(k);
	double *z = w->zb;
	memcpy(z, v, w->ncells * sizeof(double));
	z[0] = 0;
	superset_sums(z, k);
	for (int p = 0; p < np; p++) {
		int i, j;
		dur_mse_pair_lists(k, p, &i, &j);
		out[p] = z[(1u << i) | (1u << j)];
	}
}

int mse_uses_sums(const dur_mse_work *w)
{
	return w->use_sums;
}

/* The next fit starts from these fitted counts (2^k, by pattern) instead
 * of y + 0.1: a model one term larger than the last one fitted converges
 * from there in a few iterations. */
void mse_start_from(dur_mse_work *w, const double *fitted)
{
	memcpy(w->start, fitted, w->ncells * sizeof(double));
	w->have_start = 1;
}

/* The rows of the design: X and its non-zero columns. */
static void build_rows(dur_mse_work *w)
{
	for (int r = 0; r < w->nc; r++) {
		unsigned c = w->cell[r];
		double *row = w->X + (size_t)r * (size_t)w->ncol;
		int *nzr = w->nz + (size_t)r * (size_t)w->maxcols, nm = 0;
		for (int q = 0; q < w->ncol; q++) {
			row[q] = (c & w->colset[q]) == w->colset[q];
			if (row[q] != 0)
				nzr[nm++] = q;
		}
		w->nnz[r] = nm;
	}
	w->rows_built = 1;
}

/*
 * Build the design of model m on table t: drop the cells of empty-overlap
 * terms, then one column for the intercept, one per list and one per
 * remaining term.  Fills fit->empty when fit is not NULL.  With
 * `with_unseen`, the all-zero pattern is added as the first cell.  The rows
 * themselves are made only when the sums are taken row by row (fewer lists
 * than par.sums_min_lists) or something needs them (build_rows).
 */
static void build_design(dur_mse_work *w, const struct dur_table *t,
			 const struct dur_mse_model *m, int with_unseen,
			 int *empty, int *nempty)
{
	unsigned dropmask_pairs[DUR_MSE_MAX_PAIRS];
	int ndrop = 0, k = t->k;

	w->ncol = 1 + k;
	*nempty = 0;
	w->colset[0] = 0;
	for (int i = 0; i < k; i++)
		w->colset[1 + i] = 1u << i;
	for (int a = 0; a < m->nterms; a++) {
		int p = m->term[a], i, j;
		dur_mse_pair_lists(k, p, &i, &j);
		if (overlap(t, p) == 0) {
			dropmask_pairs[ndrop++] = (1u << i) | (1u << j);
			empty[(*nempty)++] = p;
		} else {
			w->colset[w->ncol] = (1u << i) | (1u << j);
			w->colpair[w->ncol++] = p;
		}
	}
	w->nc = 0;
	for (unsigned c = with_unseen ? 0 : 1; c < t->ncells; c++) {
		int drop = 0;
		for (int d = 0; d < ndrop; d++)
			if ((c & dropmask_pairs[d]) == dropmask_pairs[d]) {
				drop = 1;
				break;
			}
		if (!drop) {
			w->y[w->nc] = t->count[c];
			w->cell[w->nc++] = c;
		}
	}
	w->rows_built = 0;
	if (!w->use_sums)
		build_rows(w);
}

/*
 * Rank of the design.  rank(X) = rank(X'X), and X'X is only p x p however
 * many cells there are (32,767 with 15 lists), so it is formed from the
 * sparse rows and decomposed by QR with column pivoting.  X is 0/1 with
 * small integer Gram entries: a rank deficiency shows as a pivot at
 * rounding level, far below rank_tol * |R_00|.
 */
static int design_rank_of(dur_mse_work *w, int positive_only)
{
	size_t n = (size_t)w->nc, p = (size_t)w->ncol;
	gsl_matrix_view G;
	int signum, rank = 0;
	double r0;

	if (n < p)
		return (int)n;  /* fewer cells than columns: cannot be full rank */
	if (!w->QR || w->QR->size1 != p) {
		free_rank_work(w);
		w->QR = gsl_matrix_alloc(p, p);
		w->tau = gsl_vector_alloc(p);
		w->norm = gsl_vector_alloc(p);
		w->perm = gsl_permutation_alloc(p);
		if (!w->QR || !w->tau || !w->norm || !w->perm)
			return -1;
	}
	G = gsl_matrix_submatrix(w->QR, 0, 0, p, p);
	if (w->use_sums)
		sums_gram(w, NULL, positive_only, G.matrix.data, G.matrix.tda, 1);
	else
		gsl_matrix_set_zero(&G.matrix);
	for (size_t r = 0; !w->use_sums && r < n; r++) {
		const int *nzr = w->nz + r * (size_t)w->maxcols;
		if (positive_only && !(w->y[r] > 0))
			continue;
		for (int a = 0; a < w->nnz[r]; a++)
			for (int c = 0; c < w->nnz[r]; c++)
				G.matrix.data[(size_t)nzr[a] * G.matrix.tda + (size_t)nzr[c]] += 1;
	}
	if (gsl_linalg_QRPT_decomp(&G.matrix, w->tau, w->perm, &signum, w->norm) != 0)
		return -1;
	r0 = fabs(gsl_matrix_get(&G.matrix, 0, 0));
	for (size_t i = 0; i < p; i++)
		if (fabs(gsl_matrix_get(&G.matrix, i, i)) > w->par.rank_tol * r0)
			rank++;
	return rank;
}

static int design_rank(dur_mse_work *w)
{
	return design_rank_of(w, 0);
}

/*
 * A sufficient condition for a finite, identifiable MLE that needs no
 * linear programme: the rows of the positive cells alone have full column
 * rank.  The MLE fails to exist iff some direction d has (Xd)_c = 0 on
 * every positive cell, (Xd)_c <= 0 on every other kept cell and Xd != 0
 * (Haberman 1974, theorem 2.3): along it the likelihood never decreases.
 * With X_S of full rank, (Xd)_S = 0 forces d = 0.  Large sparse tables
 * (15 lists: 32,767 cells, a linear programme of that many columns) are
 * decided by it almost always; when it fails the programme decides.
 */
static int positive_rows_full_rank(dur_mse_work *w)
{
	return design_rank_of(w, 1) == w->ncol;
}

/*
 * Fienberg & Rinaldo (2012): the MLE is finite iff some strictly positive
 * table has the same sufficient statistics.  Whether it does depends only
 * on which cells are positive, so the LP is posed with the 0/1 indicator
 * of the observed cells as the table: its optimum is on the scale of 1
 * whatever the counts, and lp_tol needs no scaling.
 *     max s  subject to  X'y = X'1{n>0},  y_c - s >= 0,  y >= 0,  s >= 0.
 * With y = z + s 1 (z >= 0) the cell constraints become bounds:
 *     max s  subject to  X'z + s X'1 = X'1{n>0},  z >= 0,  s >= 0,
 * which has only p rows however many cells there are.
 * Returns 1 if finite, 0 if not, -1 if GLPK failed.
 */
static int lp_finite(dur_mse_work *w)
{
	int nc = w->nc, p = w->ncol, ok = -1, allpos = 1;
	glp_prob *lp;
	glp_smcp parm;
	int *ia = NULL, *ja = NULL;
	double *ar = NULL, *t = NULL, *colsum = NULL;
	size_t nz = 0, cap;

	for (int r = 0; r < nc; r++)
		if (w->y[r] <= 0) {
			allpos = 0;
			break;
		}
	if (allpos)
		return 1;   /* the data themselves are a strictly positive table */
	if (!w->rows_built)
		build_rows(w);

	cap = (size_t)nc * (size_t)p + (size_t)p + 1;
	ia = malloc((cap + 1) * sizeof(int));
	ja = malloc((cap + 1) * sizeof(int));
	ar = malloc((cap + 1) * sizeof(double));
	t = calloc((size_t)p, sizeof(double));
	colsum = calloc((size_t)p, sizeof(double));
	lp = glp_create_prob();
	if (!ia || !ja || !ar || !t || !colsum || !lp)
		goto out;
	glp_set_obj_dir(lp, GLP_MAX);
	glp_add_rows(lp, p);          /* margins */
	glp_add_cols(lp, nc + 1);     /* z_c, then s */
	for (int r = 0; r < nc; r++) {
		const int *nzr = w->nz + (size_t)r * (size_t)w->maxcols;
		for (int a = 0; a < w->nnz[r]; a++) {
			colsum[nzr[a]] += 1;
			if (w->y[r] > 0)
				t[nzr[a]] += 1;
			nz++;
			ia[nz] = nzr[a] + 1;
			ja[nz] = r + 1;
			ar[nz] = 1;
		}
		glp_set_col_bnds(lp, r + 1, GLP_LO, 0, 0);
		glp_set_obj_coef(lp, r + 1, 0);
	}
	for (int j = 0; j < p; j++) {
		glp_set_row_bnds(lp, j + 1, GLP_FX, t[j], t[j]);
		nz++;
		ia[nz] = j + 1;
		ja[nz] = nc + 1;
		ar[nz] = colsum[j];
	}
	glp_set_col_bnds(lp, nc + 1, GLP_LO, 0, 0);
	glp_set_obj_coef(lp, nc + 1, 1);
	glp_load_matrix(lp, (int)nz, ia, ja, ar);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	if (glp_simplex(lp, &parm) != 0)
		goto out;
	if (glp_get_status(lp) != GLP_OPT)
		goto out;
	ok = glp_get_obj_val(lp) > w->par.lp_tol ? 1 : 0;
out:
	if (lp)
		glp_delete_prob(lp);
	free(ia);
	free(ja);
	free(ar);
	free(t);
	free(colsum);
	return ok;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Key: the model's term set and the table's support. */
static uint64_t make_key(dur_mse_work *w, const struct dur_table *t,
			 const struct dur_mse_model *m)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	memset(w->keybuf, 0, w->nkey * sizeof(uint64_t));
	for (int a = 0; a < m->nterms; a++)
		w->keybuf[m->term[a] >> 6] |= 1ULL << (m->term[a] & 63);
	for (unsigned c = 1; c < t->ncells; c++)
		if (t->count[c] > 0)
			w->keybuf[2 + (c >> 6)] |= 1ULL << (c & 63);
	for (size_t i = 0; i < w->nkey; i++)
		h = mix64(h ^ w->keybuf[i]);
	return h;
}

static int cache_find(dur_mse_work *w, uint64_t h, int *exist)
{
	size_t mask = w->capcache - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct cache_entry *e = &w->cache[i];
		if (!e->used)
			return 0;
		if (e->hash == h && memcmp(e->key, w->keybuf, w->nkey * sizeof(uint64_t)) == 0) {
			*exist = e->exist;
			return 1;
		}
	}
}

static void cache_put(dur_mse_work *w, uint64_t h, int exist)
{
	size_t mask = w->capcache - 1;
	uint64_t *key;

	if (w->ncache >= w->capcache / 2 || w->ncache >= w->par.cache_max)
		cache_clear(w);
	key = malloc(w->nkey * sizeof(uint64_t));
	if (!key)
		return;   /* not cached: only slower */
	memcpy(key, w->keybuf, w->nkey * sizeof(uint64_t));
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct cache_entry *e = &w->cache[i];
		if (!e->used) {
			e->used = 1;
			e->hash = h;
			e->key = key;
			e->exist = exist;
			w->ncache++;
			return;
		}
	}
}

/* Existence of exactly model m (cached). */
static dur_err check_exact(dur_mse_work *w, const struct dur_table *t,
			   const struct dur_mse_model *m, int *exist, struct dur_error *err)
{
	int empty[DUR_MSE_MAX_PAIRS], nempty, rank, fin;
	uint64_t h;

	h = make_key(w, t, m);
	if (cache_find(w, h, exist))
		return DUR_OK;
	build_design(w, t, m, 0, empty, &nempty);
	if (positive_rows_full_rank(w)) {
		*exist = DUR_MSE_EXISTS;
		cache_put(w, h, *exist);
		return DUR_OK;
	}
	rank = design_rank(w);
	if (rank < 0)
		return dur_error_set(err, DUR_ENOMEM, "out of memory in the rank check");
	if (rank < w->ncol) {
		*exist = DUR_MSE_UNIDENTIFIABLE;
	} else {
		fin = lp_finite(w);
		if (fin < 0)
			return dur_error_set(err, DUR_ENUMERIC,
					     "the existence check (GLPK simplex) failed");
		*exist = fin ? DUR_MSE_EXISTS : DUR_MSE_INFINITE;
	}
	cache_put(w, h, *exist);
	return DUR_OK;
}

/*
 * Existence and identifiability are monotone: with the same cells kept
 * (the same empty-overlap terms), a model whose terms are a subset of a
 * model with a finite identifiable MLE has one too (its design columns are
 * a subset, and the projection of a relative interior point of a cone is a
 * relative interior point of the projected cone).  So first ask about the
 * largest model with the same empty-overlap terms: if it exists, so does m,
 * and most models need no linear programme at all.
 */
dur_err dur_mse_check(dur_mse_work *w, const struct dur_table *t,
		      const struct dur_mse_model *m, int *exist, struct dur_error *err)
{
	struct dur_mse_model big;
	int np = dur_mse_npairs(t->k);
	dur_err rc;

	if (t->k != w->k)
		return dur_error_set(err, DUR_EINVAL, "workspace made for %d lists, table has %d",
				     w->k, t->k);
	{
		/* the model itself first, when the positive cells alone settle it */
		int empty[DUR_MSE_MAX_PAIRS], nempty;
		uint64_t h = make_key(w, t, m);
		if (cache_find(w, h, exist))
			return DUR_OK;
		build_design(w, t, m, 0, empty, &nempty);
		if (positive_rows_full_rank(w)) {
			*exist = DUR_MSE_EXISTS;
			cache_put(w, h, *exist);
			return DUR_OK;
		}
	}
	dur_mse_model_main(&big, t->k);
	for (int p = 0; p < np; p++)
		if (overlap(t, p) > 0 || dur_mse_model_has(m, p))
			big.term[big.nterms++] = (unsigned char)p;
	if (big.nterms != m->nterms) {
		rc = check_exact(w, t, &big, exist, err);
		if (rc != DUR_OK || *exist == DUR_MSE_EXISTS)
			return rc;
	}
	return check_exact(w, t, m, exist, err);
}

/*
 * Newton/IRLS for the Poisson log-linear model on the design in w
 * (w->nc cells, w->ncol columns, counts w->y).  Start as R's glm does
 * (mu = y + 0.1); stop when |D - D_old| / (|D| + 0.1) < tol.  Step halving
 * when the deviance is not finite or grows.
 */
static double deviance_of(const double *y, const double *mu, int n)
{
	double d = 0;
	for (int r = 0; r < n; r++) {
		if (y[r] > 0)
			d += y[r] * log(y[r] / mu[r]);
		d -= y[r] - mu[r];
	}
	return 2 * d;
}

static dur_err irls(dur_mse_work *w, double *dev_out, int *iter_out, struct dur_error *err)
{
	int n = w->nc, p = w->ncol, it;
	double dev_old, dev = 0;

	for (int r = 0; r < n; r++) {
		double s = w->have_start ? w->start[w->cell[r]] : 0;
		w->mu[r] = s > DBL_MIN ? s : w->y[r] + 0.1;
		w->eta[r] = log(w->mu[r]);
	}
	w->have_start = 0;
	dev_old = deviance_of(w->y, w->mu, n);
	memset(w->beta, 0, (size_t)p * sizeof(double));
	for (it = 1; it <= w->par.max_iter; it++) {
		gsl_matrix_view Av = gsl_matrix_submatrix(w->A, 0, 0, (size_t)p, (size_t)p);
		gsl_vector_view bv = gsl_vector_subvector(w->b, 0, (size_t)p);
		gsl_vector_view xv = gsl_vector_view_array(w->beta, (size_t)p);
		gsl_matrix *A = &Av.matrix;

		if (w->use_sums) {
			for (int r = 0; r < n; r++)
				w->z[r] = w->mu[r] * (w->eta[r] + (w->y[r] - w->mu[r]) / w->mu[r]);
			sums_gram(w, w->mu, 0, A->data, A->tda, 0);
			sums_xtv(w, w->z, w->b->data);
		} else {
			gsl_matrix_set_zero(A);
			gsl_vector_set_zero(&bv.vector);
		}
		/* X'WX and X'Wz over the non-zero entries only: the design is
		 * 0/1 and each pattern touches few columns */
		for (int r = 0; !w->use_sums && r < n; r++) {
			const int *nzr = w->nz + (size_t)r * (size_t)w->maxcols;
			int m = w->nnz[r];
			double wt = w->mu[r];
			double wz = wt * (w->eta[r] + (w->y[r] - w->mu[r]) / w->mu[r]);
			for (int a = 0; a < m; a++) {
				double *Arow = A->data + (size_t)nzr[a] * A->tda;
				w->b->data[nzr[a]] += wz;
				for (int c = 0; c <= a; c++)
					Arow[nzr[c]] += wt;
			}
		}
		memcpy(w->beta_old, w->beta, (size_t)p * sizeof(double));
		memcpy(w->mu_w, w->mu, (size_t)n * sizeof(double));
		if (gsl_linalg_cholesky_decomp1(A) != 0 ||
		    gsl_linalg_cholesky_solve(A, &bv.vector, &xv.vector) != 0)
			return dur_error_set(err, DUR_ENUMERIC,
					     "the fit failed: the information matrix is singular");
		for (int half = 0;; half++) {
			if (w->use_sums) {
				sums_xbeta(w, w->beta, w->eta);
				for (int r = 0; r < n; r++)
					w->mu[r] = exp(w->eta[r]);
			}
			for (int r = 0; !w->use_sums && r < n; r++) {
				const int *nzr = w->nz + (size_t)r * (size_t)w->maxcols;
				double e = 0;
				for (int a = 0; a < w->nnz[r]; a++)
					e += w->beta[nzr[a]];
				w->eta[r] = e;
				w->mu[r] = exp(e);
			}
			dev = deviance_of(w->y, w->mu, n);
			/* accept a finite step that does not raise the deviance
			 * (beyond rounding); the first step is always accepted */
			if (isfinite(dev) && (it == 1 || dev <= dev_old * (1 + 1e-12) + 1e-12))
				break;
			if (half >= 30)
				return dur_error_set(err, DUR_ENUMERIC,
						     "the fit failed: step halving did not help");
			for (int a = 0; a < p; a++)
				w->beta[a] = 0.5 * (w->beta[a] + w->beta_old[a]);
		}
		if (fabs(dev - dev_old) / (fabs(dev) + 0.1) < w->par.tol) {
			*dev_out = dev;
			*iter_out = it;
			return DUR_OK;
		}
		dev_old = dev;
	}
	return dur_error_set(err, DUR_ENUMERIC,
			     "the fit did not converge in %d iterations", w->par.max_iter);
}

/*
 * [ (X' diag(w) X)^-1 ]_00 with the weights w of the last IRLS step, as R's
 * glm and summary.glm report it (SparseMSE's analytic interval is built on
 * that).  The weights are those at the start of the final iteration; they
 * differ from the fitted values at convergence by at most what the
 * deviance tolerance leaves (about 1e-6 relative in se on the UK table),
 * and using them makes the analytic intervals agree with R's to the last
 * digit.
 */
/* X' diag(mu_w) X, lower triangle, into A (ncol x ncol) */
static void info_matrix(dur_mse_work *w, gsl_matrix *A)
{
	if (w->use_sums) {
		sums_gram(w, w->mu_w, 0, A->data, A->tda, 0);
		return;
	}
	gsl_matrix_set_zero(A);
	for (int r = 0; r < w->nc; r++) {
		const int *nzr = w->nz + (size_t)r * (size_t)w->maxcols;
		for (int a = 0; a < w->nnz[r]; a++)
			for (int c = 0; c <= a; c++)
				A->data[(size_t)nzr[a] * A->tda + (size_t)nzr[c]] += w->mu_w[r];
	}
}

static dur_err var_b0(dur_mse_work *w, double *v, struct dur_error *err)
{
	int p = w->ncol;
	gsl_matrix_view Av = gsl_matrix_submatrix(w->A, 0, 0, (size_t)p, (size_t)p);
	gsl_vector_view bv = gsl_vector_subvector(w->b, 0, (size_t)p);
	gsl_matrix *A = &Av.matrix;

	info_matrix(w, A);
	gsl_vector_set_basis(&bv.vector, 0);
	if (gsl_linalg_cholesky_decomp1(A) != 0 ||
	    gsl_linalg_cholesky_svx(A, &bv.vector) != 0)
		return dur_error_set(err, DUR_ENUMERIC, "the information matrix is singular");
	*v = gsl_vector_get(&bv.vector, 0);
	return DUR_OK;
}

static const char *why_no_mle(int exist)
{
	return exist == DUR_MSE_UNIDENTIFIABLE
		? "its parameters cannot all be told apart from these data (the design "
		  "is not of full rank on the cells that remain)"
		: "its maximum-likelihood estimate is not finite: the pattern of empty "
		  "cells pushes a parameter to infinity (Fienberg & Rinaldo 2012)";
}

dur_err dur_mse_fit_model(dur_mse_work *w, const struct dur_table *t,
			  const struct dur_mse_model *m, struct dur_mse_fit *fit,
			  struct dur_error *err)
{
	int empty[DUR_MSE_MAX_PAIRS], nempty, exist, iters;
	double dev = 0, v0 = 0, ll = 0;
	dur_err rc;

	int warm = w->have_start;

	w->have_start = 0;
	rc = dur_mse_check(w, t, m, &exist, err);
	if (rc != DUR_OK)
		return rc;
	memset(fit->fitted, 0, t->ncells * sizeof(double));
	fit->k = t->k;
	fit->exist = exist;
	fit->observed = dur_table_observed(t);
	if (exist != DUR_MSE_EXISTS)
		return dur_error_set(err, DUR_ENOMLE, "the model has no estimate: %s",
				     why_no_mle(exist));
	build_design(w, t, m, 0, empty, &nempty);
	w->have_start = warm;
	rc = irls(w, &dev, &iters, err);
	if (rc != DUR_OK)
		return rc;
	rc = var_b0(w, &v0, err);
	if (rc != DUR_OK)
		return rc;
	for (int r = 0; r < w->nc; r++) {
		fit->fitted[w->cell[r]] = w->mu[r];
		ll += w->y[r] > 0 ? w->y[r] * log(w->mu[r]) - w->mu[r] - gsl_sf_lngamma(w->y[r] + 1)
				  : -w->mu[r];
	}
	fit->b0 = w->beta[0];
	fit->se_b0 = sqrt(v0);
	fit->unseen = exp(fit->b0);
	fit->fitted[0] = fit->unseen;
	fit->estimate = fit->observed + fit->unseen;
	fit->deviance = dev;
	fit->loglik = ll;
	fit->ncells = w->nc;
	fit->ncols = w->ncol;
	fit->df = w->nc - w->ncol;
	fit->iterations = iters;
	fit->nempty = nempty;
	for (int i = 0; i < nempty; i++)
		fit->empty[i] = (unsigned char)empty[i];
	/* AIC (Chan, Silverman & Vincent 2021): 2 per column and 2 per
	 * empty-overlap term.  BIC: log(cells kept) in place of each 2. */
	fit->aic = -2 * ll + 2.0 * (w->ncol + nempty);
	fit->bic = -2 * ll + log((double)w->nc) * (w->ncol + nempty);
	return DUR_OK;
}

dur_err mse_fit_with_unseen(dur_mse_work *w, const struct dur_table *t,
			    const struct dur_mse_model *m, double n0, double *dev,
			    struct dur_error *err)
{
	int empty[DUR_MSE_MAX_PAIRS], nempty, iters;

	build_design(w, t, m, 1, empty, &nempty);
	/* the unseen cell is the first kept cell (pattern 0) */
	w->y[0] = n0;
	return irls(w, dev, &iters, err);
}

dur_err mse_influence(dur_mse_work *w, const struct dur_table *t, const struct dur_mse_model *m,
		      double *g, struct dur_error *err)
{
	struct dur_mse_fit *f = dur_mse_fit_alloc(t->k);
	int p;
	dur_err rc;

	if (!f)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = dur_mse_fit_model(w, t, m, f, err)) != DUR_OK)
		goto out;
	/* v = (X'WX)^-1 e0, with the weights of the last IRLS step (var_b0) */
	p = w->ncol;
	{
		gsl_matrix_view Av = gsl_matrix_submatrix(w->A, 0, 0, (size_t)p, (size_t)p);
		gsl_vector_view bv = gsl_vector_subvector(w->b, 0, (size_t)p);
		gsl_matrix *A = &Av.matrix;
		info_matrix(w, A);
		gsl_vector_set_basis(&bv.vector, 0);
		if (gsl_linalg_cholesky_decomp1(A) != 0 ||
		    gsl_linalg_cholesky_svx(A, &bv.vector) != 0) {
			rc = dur_error_set(err, DUR_ENUMERIC, "the information matrix is singular");
			goto out;
		}
		for (unsigned c = 0; c < t->ncells; c++)
			g[c] = NAN;
		/* dN/dn_c = 1 + exp(b0) d b0 / d n_c, and d beta / d n_c =
		 * (X'WX)^-1 x_c from the score equations X'(n - mu) = 0 */
		if (!w->rows_built)
			build_rows(w);
		for (int r = 0; r < w->nc; r++) {
			const int *nzr = w->nz + (size_t)r * (size_t)w->maxcols;
			double dot = 0;
			for (int a = 0; a < w->nnz[r]; a++)
				dot += gsl_vector_get(&bv.vector, (size_t)nzr[a]);
			g[w->cell[r]] = 1 + f->unseen * dot;
		}
	}
out:
	dur_mse_fit_free(f);
	return rc;
}
