/*
 * bma.c - Bayesian model averaging over decomposable graphs for multiple
 * systems estimation (Madigan & York 1997, Biometrika 84(1) 19-31), as
 * dga 2.0.2's bma.cr.  docs/bma.md gives the model, the formulas and the
 * pruning bound that this file implements; the equations cited here are
 * the numbered ones there.
 *
 * Notation.  k lists, n people observed, m = Nmissing (the unseen count),
 * delta per cell of the full 2^k table, b = 2^k delta.  For a set of lists
 * A (a bit mask; A = 0 is the empty set) the marginal table D_A has 2^|A|
 * cells; its all-zero cell D_A[0] counts the observed people on none of
 * the lists of A, and the completed table adds m to it.  Each marginal
 * cell has the prior weight delta_A = delta 2^(k - |A|).  Let
 *
 *   a_A   = D_A[0] + delta_A
 *   K_A   = sum over cells c != 0 of lgamma(D_A[c] + delta_A) - 2^|A| lgamma(delta_A)
 *   g_A(m) = lgamma(m + a_A) + K_A                                    (1)
 *
 * (for A = 0: a = n + b and K = -lgamma(b)).  For a decomposable graph
 * with cliques C_1..C_r in a perfect sequence and separators S_j (S_1 and
 * the separators that start a new component are empty), the log marginal
 * likelihood of the completed table is (dga's CompLogML sums; docs eq. 3)
 *
 *   logML_G(m) = sum_j [ g_{C_j}(m) - g_{S_j}(m) ]                    (2)
 *
 * and the log posterior weight of (G, m), up to a constant, is
 *
 *   l_G(m) = logML_G(m) + lgamma(n + m + 1) - lgamma(m + 1)
 *            - sum_c lgamma(Y_c + 1) + logprior(m).                   (4)
 *
 * Pruning (docs "Pruning").  Each pair term of (2) is convex and
 * non-increasing in m (S_j is a subset of C_j, so a_C <= a_S), and so is
 * the log prior; call their sum V_G(m).  The rest,
 * K(m) = lgamma(n + m + 1) - lgamma(m + 1) - sum_c lgamma(Y_c + 1), is
 * concave and the same for every graph.  On a block of grid points
 * [b_i, b_{i+1}) the block's posterior mass is bounded above by
 * exp(V_G(b_i)) sum exp(K) and by the geometric sum of exp(chord of V_G +
 * tangent of K), and below by exp(V_G(b_{i+1})) sum exp(K).  A first pass
 * over all graphs evaluates V_G at the block boundaries only and finds a
 * lower bound L of the log total mass; the second pass evaluates exactly
 * the (graph, block) pairs whose upper bound is at least
 * L + log(prune_tol) - log(#graphs * #blocks), so that what is left out is
 * at most prune_tol of the total.
 *
 * Exact sums.  Posterior weights are scaled by exp(-U), U an upper bound
 * of the log total mass, so every weight and every sum lies in [0, 1/e).
 * The edge masks are split into fixed interleaved units; inside a unit
 * the sums run in mask order (double), and units are added into 192-bit
 * fixed-point accumulators (2^-189 units).  Integer addition is
 * associative, so the sums, and all the figures, do not depend on how the
 * units are spread over threads.  The truncation below 2^-189 is at most
 * 2^-189 per unit and grid point, far below double precision of the total
 * (Z exp(-U) is about 1/(#graphs #blocks), above 1e-15 in practice).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duress/bma.h>
#include "mse/bma_internal.h"

/* Blocks of the grid: 4 points up to Nmissing = 128, then about 1/32 of
 * the current Nmissing, so that the chord and tangent bounds lose at most
 * a few nats (docs "Pruning") with a few hundred blocks. */
#define BLOCK_MIN 4
#define BLOCK_RATIO 32
/* Inside a block the weights are carried from point to point by their
 * exact ratio (eq. 5), restarted from exact values every ANCHOR points:
 * the relative error stays below ANCHOR * (2r + 3) ulp, about 3e-13. */
#define ANCHOR 128

/* 192-bit unsigned fixed point: value = (w[2] 2^128 + w[1] 2^64 + w[0]) 2^-189. */
struct fx {
	uint64_t w[3];
};
#define FX_FRAC 189

/* Add x, 0 <= x < 4, truncated to a multiple of 2^-189.  Read from the
 * IEEE-754 bits (x = M 2^(E - 1075) for a normal x); subnormals are far
 * below 2^-189 and add nothing. */
static inline void fx_add_double(struct fx *a, double x)
{
	uint64_t bits, M, lo, hi, c, t;
	int E, s, q, r;
	memcpy(&bits, &x, sizeof(bits));
	E = (int)(bits >> 52 & 0x7ff);
	if (E == 0 || (bits >> 63))
		return;
	M = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
	s = E - 1075 + FX_FRAC;                   /* x = M 2^s units; s <= 138 */
	if (s < 0) {
		if (s <= -53)
			return;
		M >>= -s;
		s = 0;
	}
	q = s >> 6;
	r = s & 63;
	lo = M << r;
	hi = r ? M >> (64 - r) : 0;
	/* q <= 2, and when q == 2 then r <= 10 and hi == 0 */
	a->w[q] += lo;
	c = a->w[q] < lo;
	if (q < 2) {
		t = a->w[q + 1] + hi;
		uint64_t c1 = t < hi;
		a->w[q + 1] = t + c;
		c = c1 | (a->w[q + 1] < t);
		if (q == 0)
			a->w[2] += c;
	}
}

static inline void fx_add(struct fx *a, const struct fx *b)
{
	uint64_t c = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t t = a->w[i] + b->w[i];
		uint64_t c1 = t < b->w[i];
		a->w[i] = t + c;
		c = c1 | (a->w[i] < t);
	}
}

static inline double fx_to_double(const struct fx *a)
{
	return ldexp((double)a->w[2], 128 - FX_FRAC) + ldexp((double)a->w[1], 64 - FX_FRAC) +
	       ldexp((double)a->w[0], -FX_FRAC);
}

struct top_list {
	int cap, n;
	double *mass;     /* descending */
	uint32_t *edges;
};

struct bma_thread {
	struct dur_bma_work *w;
	uint64_t unit;            /* the unit of masks being done, or nunits for none */
	double *V;                /* nb + 1 */
	double *s, *t;            /* scratch, longest block */
	double *la;               /* scratch, anchors of the longest block */
	/* pass 1 */
	double *ubmax;            /* nb */
	double lbmax, ubbest;
	uint32_t best_edges;
	int have_best;
	uint64_t ngraphs;
	/* pass 2 */
	struct fx *acc;           /* kept points */
	double *ubuf;             /* kept points: this unit's sums, in mask order */
	size_t tmin, tmax;        /* range of ubuf touched in this unit */
	struct fx neg;
	struct top_list top;
	uint64_t evaluated;
};

struct dur_bma_work {
	struct dur_bma_params p;
	int k;
	unsigned ncells;
	char **names;
	double n, delta, b;
	double c0;                /* -sum_c lgamma(Y_c + 1) */
	double *a, *kc;           /* per list set: a_A, K_A */
	long M;                   /* grid Nmissing = 1..M */
	size_t nb;                /* blocks */
	long *bstart;             /* nb + 1: block i = [bstart[i], bstart[i+1]) */
	size_t maxblock;
	double *gb;               /* ncells x (nb + 1): g_A at the boundaries */
	double *lpb;              /* nb + 1: log prior at the boundaries */
	double *LK, *Kt, *kap;    /* per block: log sum exp K, tangent line of K at b_i, its slope */
	double lognn;             /* log(#graphs * #blocks) */
	uint64_t nmasks;
	/* after pass 1 */
	double *ubmax;
	double lref, uref, thr;
	uint64_t ngraphs;
	unsigned char *kept;      /* nb */
	size_t *kofs;             /* nb: offset of a kept block in the kept points */
	size_t *aofs;             /* nb: offset of a kept block's anchors */
	size_t nkpts, nanc;
	double *Ranc;             /* nanc: K(m) + logprior(m) at the anchors */
	double *ganc;             /* ncells x nanc: g_A(m) at the anchors */
	/* progress */
	int phase;                /* 0 first pass, 1 second pass, 2 done */
	/* The masks are done in nunits fixed units, unit u holding the masks
	 * u, u + nunits, u + 2 nunits, ... (interleaved, so that sparse and
	 * dense graphs are spread evenly); whatever the thread count, the
	 * double sums inside a unit run in mask order, and units are merged
	 * in fixed point. */
	uint64_t cursor, nunits;  /* units done in this pass, units */
	int nthreads;
	struct bma_thread *th;
};

struct dur_bma_params dur_bma_default_params(void)
{
	struct dur_bma_params p;
	memset(&p, 0, sizeof(p));
	p.delta = 0;
	p.grid_multiple = 20;
	p.prior = DUR_BMA_PRIOR_INV_N;
	p.level = 0.95;
	p.top = 10;
	p.threads = 2;
	p.prune_tol = 1e-12;
	p.tail_share = 1e-3;
	p.tail_fraction = 0.01;
	p.max_grid = 10000000;
	return p;
}

void dur_bma_result_release(struct dur_bma_result *r)
{
	if (!r)
		return;
	free(r->post);
	free(r->warning);
	for (size_t i = 0; i < r->ntop; i++)
		free(r->top[i].text);
	free(r->top);
	memset(r, 0, sizeof(*r));
}

static int popc(unsigned x)
{
	int c = 0;
	for (; x; x &= x - 1)
		c++;
	return c;
}

static double log_prior(int prior, double n, double m)
{
	return prior == DUR_BMA_PRIOR_INV_MISSING ? -log(m) : -log(n + m);
}

/* K(m) = lgamma(n + m + 1) - lgamma(m + 1) + c0 (concave in m). */
static double Kfun(const struct dur_bma_work *w, double m)
{
	return lgamma(w->n + m + 1) - lgamma(m + 1) + w->c0;
}

/* log sum_{j=0}^{B-1} exp(s j) */
static double log_geom(double s, double B)
{
	if (B <= 1)
		return 0;
	if (s == 0)
		return log(B);
	if (s > 0)
		return s * (B - 1) + log_geom(-s, B);
	return log(-expm1(s * B)) - log(-expm1(s));
}

/*
 * Upper bound of log sum over block i of exp(l_G(m)) from V_G at the two
 * ends (docs eq. 6): V non-increasing gives v0 + LK; V convex (below its
 * chord) and K concave (below its tangent) give a geometric sum.
 */
static inline double block_ub2(const struct dur_bma_work *w, size_t i, double v0, double v1,
			       double ub1)
{
	double B = (double)(w->bstart[i + 1] - w->bstart[i]);
	double ub2 = v0 + w->Kt[i] + log_geom((v1 - v0) / B + w->kap[i], B);
	return ub2 < ub1 ? ub2 : ub1;
}

/* The bound when it matters: ub1 = v0 + LK is one addition, and the
 * tighter min(ub1, ub2) is only needed when ub1 reaches `above`. */
static inline double block_ub(const struct dur_bma_work *w, size_t i, double v0, double v1,
			      double above)
{
	double ub1 = v0 + w->LK[i];
	return ub1 < above ? ub1 : block_ub2(w, i, v0, v1, ub1);
}

/* V_G at every boundary: log prior plus the pair terms of eq. (2). */
static void eval_V(const struct dur_bma_work *w, const struct dur_bma_decomp *d, double *V)
{
	size_t nb1 = w->nb + 1;
	memcpy(V, w->lpb, nb1 * sizeof(*V));
	for (int j = 0; j < d->nclique; j++) {
		const double *gc = w->gb + (size_t)d->clique[j] * nb1;
		const double *gs = w->gb + (size_t)d->sep[j] * nb1;
		for (size_t i = 0; i < nb1; i++)
			V[i] += gc[i] - gs[i];
	}
}

/* ---- per-thread work ------------------------------------------------- */

static void top_insert(struct top_list *t, double mass, uint32_t edges)
{
	int pos;
	if (t->cap == 0 || !(mass > 0))
		return;
	if (t->n == t->cap) {
		int last = t->n - 1;
		if (mass < t->mass[last] || (mass == t->mass[last] && edges > t->edges[last]))
			return;
		t->n--;
	}
	pos = t->n;
	while (pos > 0 && (mass > t->mass[pos - 1] ||
			   (mass == t->mass[pos - 1] && edges < t->edges[pos - 1]))) {
		t->mass[pos] = t->mass[pos - 1];
		t->edges[pos] = t->edges[pos - 1];
		pos--;
	}
	t->mass[pos] = mass;
	t->edges[pos] = edges;
	t->n++;
}

static void pass1_graph(struct bma_thread *th, const struct dur_bma_decomp *d, uint32_t e)
{
	const struct dur_bma_work *w = th->w;
	double *V = th->V;
	eval_V(w, d, V);
	for (size_t i = 0; i < w->nb; i++) {
		/* below both maxima, the exact bound changes nothing */
		double above = th->ubmax[i] < th->ubbest ? th->ubmax[i] : th->ubbest;
		double ub = th->have_best ? block_ub(w, i, V[i], V[i + 1], above)
					  : block_ub2(w, i, V[i], V[i + 1], V[i] + w->LK[i]);
		double lb = V[i + 1] + w->LK[i];
		if (ub > th->ubmax[i])
			th->ubmax[i] = ub;
		if (lb > th->lbmax)
			th->lbmax = lb;
		/* ties go to the smaller edge mask: the same argmax for any
		 * order in which the graphs are seen */
		if (!th->have_best || ub > th->ubbest || (ub == th->ubbest && e < th->best_edges)) {
			th->have_best = 1;
			th->ubbest = ub;
			th->best_edges = e;
		}
	}
}

/*
 * The ratio of consecutive weights, eq. (5):
 *   w(m+1)/w(m) = prod_j (m + a_Cj)/(m + a_Sj) * [(n + m)/(m + 1)]      (prior -log N)
 *                                             * [(n + m + 1) m/(m + 1)^2] (prior -log m)
 * into rho[q] for m = lo + q, q < B rounded up to a multiple of 8 (the
 * buffers are that long): the inner loops have a fixed trip count and no
 * aliasing, so that compilers vectorise them at -O2.
 */
static void block_ratios(const struct dur_bma_work *w, const struct dur_bma_decomp *d, long lo,
			 long B, double *restrict rho, double *restrict den)
{
	double n = w->n, mlo = (double)lo;
	int nq = (int)((B + 7) / 8 * 8);
	if (w->p.prior == DUR_BMA_PRIOR_INV_MISSING)
		for (int q0 = 0; q0 < nq; q0 += 8)
			for (int q = q0; q < q0 + 8; q++) {
				double m = mlo + (double)q;
				rho[q] = (n + m + 1) * m;
				den[q] = (m + 1) * (m + 1);
			}
	else
		for (int q0 = 0; q0 < nq; q0 += 8)
			for (int q = q0; q < q0 + 8; q++) {
				double m = mlo + (double)q;
				rho[q] = n + m;
				den[q] = m + 1;
			}
	for (int j = 0; j < d->nclique; j++) {
		double ac = w->a[d->clique[j]] + mlo, as = w->a[d->sep[j]] + mlo;
		for (int q0 = 0; q0 < nq; q0 += 8)
			for (int q = q0; q < q0 + 8; q++) {
				rho[q] *= ac + (double)q;
				den[q] *= as + (double)q;
			}
	}
	for (int q0 = 0; q0 < nq; q0 += 8)
		for (int q = q0; q < q0 + 8; q++)
			rho[q] /= den[q];
}

/*
 * Sum over block i of the weights exp(l(m) - uref), given l at the block's
 * anchors (la[c] = l(lo + c ANCHOR)); each weight is also added to acc[q]
 * when acc is not NULL.  rho and den are scratch of the block's length.
 */
static double block_sum(const struct dur_bma_work *w, const struct dur_bma_decomp *d, size_t i,
			const double *la, double *acc, double *rho, double *den)
{
	long lo = w->bstart[i], B = w->bstart[i + 1] - lo;
	double wsum = 0;
	block_ratios(w, d, lo, B, rho, den);
	for (long q0 = 0; q0 < B; q0 += ANCHOR) {
		long q1 = q0 + ANCHOR < B ? q0 + ANCHOR : B;
		double x = exp(la[q0 / ANCHOR] - w->uref);
		if (acc)
			for (long q = q0; q < q1; q++) {
				wsum += x;
				acc[q] += x;
				x *= rho[q];
			}
		else
			for (long q = q0; q < q1; q++) {
				wsum += x;
				x *= rho[q];
			}
	}
	return wsum;
}

/* l(m) at the anchors of block i from lgamma directly (set-up only). */
static void anchors_direct(const struct dur_bma_work *w, const struct dur_bma_decomp *d, size_t i,
			   double *la)
{
	long lo = w->bstart[i], hi = w->bstart[i + 1];
	for (long m = lo, c = 0; m < hi; m += ANCHOR, c++) {
		double l = Kfun(w, (double)m) + log_prior(w->p.prior, w->n, (double)m);
		for (int j = 0; j < d->nclique; j++)
			l += lgamma((double)m + w->a[d->clique[j]]) + w->kc[d->clique[j]] -
			     lgamma((double)m + w->a[d->sep[j]]) - w->kc[d->sep[j]];
		la[c] = l;
	}
}

static void pass2_graph(struct bma_thread *th, const struct dur_bma_decomp *d, uint32_t e)
{
	const struct dur_bma_work *w = th->w;
	double *V = th->V;
	double wsum = 0, neg = 0;
	int r = d->nclique;

	eval_V(w, d, V);
	for (size_t i = 0; i < w->nb; i++) {
		double ub = block_ub(w, i, V[i], V[i + 1], w->thr);
		long B = w->bstart[i + 1] - w->bstart[i];
		size_t na = (size_t)((B + ANCHOR - 1) / ANCHOR), a0;
		if (!w->kept[i] || ub < w->thr) {
			neg += exp(ub - w->uref);
			continue;
		}
		/* eq. (4) at the anchors, from the tabled g_A */
		a0 = w->aofs[i];
		memcpy(th->la, w->Ranc + a0, na * sizeof(double));
		for (int j = 0; j < r; j++) {
			const double *gc = w->ganc + (size_t)d->clique[j] * w->nanc + a0;
			const double *gs = w->ganc + (size_t)d->sep[j] * w->nanc + a0;
			for (size_t c = 0; c < na; c++)
				th->la[c] += gc[c] - gs[c];
		}
		wsum += block_sum(w, d, i, th->la, th->ubuf + w->kofs[i], th->s, th->t);
		if (w->kofs[i] < th->tmin)
			th->tmin = w->kofs[i];
		if (w->kofs[i] + (size_t)B > th->tmax)
			th->tmax = w->kofs[i] + (size_t)B;
		th->evaluated += (uint64_t)B;
	}
	fx_add_double(&th->neg, neg);
	top_insert(&th->top, wsum, e);
}

static void *worker(void *arg)
{
	struct bma_thread *th = arg;
	const struct dur_bma_work *w = th->w;
	unsigned adj[DUR_BMA_MAX_LISTS];
	struct dur_bma_decomp d;
	if (th->unit >= w->nunits)
		return NULL;
	for (uint64_t e = th->unit; e < w->nmasks; e += w->nunits) {
		dur_bma_adjacency(w->k, (uint32_t)e, adj);
		if (!dur_bma_decompose_adj(w->k, adj, &d))
			continue;
		if (w->phase == 0) {
			th->ngraphs++;
			pass1_graph(th, &d, (uint32_t)e);
		} else {
			pass2_graph(th, &d, (uint32_t)e);
		}
	}
	if (w->phase == 1) {
		/* the unit's sums into the exact accumulator */
		for (size_t q = th->tmin; q < th->tmax; q++) {
			fx_add_double(&th->acc[q], th->ubuf[q]);
			th->ubuf[q] = 0;
		}
		th->tmin = SIZE_MAX;
		th->tmax = 0;
	}
	return NULL;
}

/* Run units lo, lo + 1, ..., one per thread; returns the next unit. */
static uint64_t run_slice(struct dur_bma_work *w, uint64_t lo)
{
	int nt = w->nthreads;
	pthread_t tid[DUR_BMA_MAX_THREADS];
	int started[DUR_BMA_MAX_THREADS];
	uint64_t end = lo;
	for (int t = 0; t < nt; t++) {
		uint64_t u = lo + (uint64_t)t;
		w->th[t].unit = u < w->nunits ? u : w->nunits;
		end = u < w->nunits ? u + 1 : end;
	}
	for (int t = 1; t < nt; t++)
		started[t] = pthread_create(&tid[t], NULL, worker, &w->th[t]) == 0;
	worker(&w->th[0]);
	for (int t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			worker(&w->th[t]);   /* no thread: do it here */
	}
	return end;
}

/* ---- set-up ---------------------------------------------------------- */

void dur_bma_free(dur_bma_work *w)
{
	if (!w)
		return;
	if (w->names)
		for (int i = 0; i < w->k; i++)
			free(w->names[i]);
	free(w->names);
	free(w->a);
	free(w->kc);
	free(w->bstart);
	free(w->gb);
	free(w->lpb);
	free(w->LK);
	free(w->Kt);
	free(w->kap);
	free(w->ubmax);
	free(w->kept);
	free(w->kofs);
	free(w->aofs);
	free(w->Ranc);
	free(w->ganc);
	if (w->th)
		for (int t = 0; t < w->nthreads; t++) {
			free(w->th[t].V);
			free(w->th[t].s);
			free(w->th[t].t);
			free(w->th[t].la);
			free(w->th[t].ubmax);
			free(w->th[t].acc);
			free(w->th[t].ubuf);
			free(w->th[t].top.mass);
			free(w->th[t].top.edges);
		}
	free(w->th);
	free(w);
}

static dur_err check_params(const struct dur_table *t, const struct dur_bma_params *p,
			    struct dur_error *err)
{
	if (!t)
		return dur_error_set(err, DUR_EINVAL, "no table");
	if (t->k < DUR_BMA_MIN_LISTS)
		return dur_error_set(err, DUR_EINVAL, "model averaging needs at least 2 lists");
	if (t->k > DUR_BMA_MAX_LISTS)
		return dur_error_set(err, DUR_ELIMIT,
				     "model averaging over decomposable graphs handles up to %d "
				     "lists (617,675 graphs); this table has %d",
				     DUR_BMA_MAX_LISTS, t->k);
	if (!(p->delta >= 0) || !isfinite(p->delta))
		return dur_error_set(err, DUR_EINVAL, "delta must be positive (or 0 for 2^-k)");
	if (!(p->grid_multiple > 0) || !isfinite(p->grid_multiple))
		return dur_error_set(err, DUR_EINVAL, "the grid multiple must be positive");
	if (p->prior != DUR_BMA_PRIOR_INV_N && p->prior != DUR_BMA_PRIOR_INV_MISSING)
		return dur_error_set(err, DUR_EINVAL, "unknown prior on the unseen count");
	if (!(p->level > 0 && p->level < 1))
		return dur_error_set(err, DUR_EINVAL, "the level must lie strictly between 0 and 1");
	if (p->top < 0 || p->top > DUR_BMA_MAX_TOP)
		return dur_error_set(err, DUR_EINVAL, "graphs kept must be between 0 and %d",
				     DUR_BMA_MAX_TOP);
	if (p->threads < 1 || p->threads > DUR_BMA_MAX_THREADS)
		return dur_error_set(err, DUR_EINVAL, "threads must be between 1 and %d",
				     DUR_BMA_MAX_THREADS);
	if (!(p->prune_tol > 0 && p->prune_tol <= 1e-6))
		return dur_error_set(err, DUR_EINVAL, "the pruning tolerance must be in (0, 1e-6]");
	if (!(p->tail_share > 0 && p->tail_share < 1) ||
	    !(p->tail_fraction > 0 && p->tail_fraction < 1))
		return dur_error_set(err, DUR_EINVAL,
				     "the grid warning's share and fraction must lie in (0, 1)");
	return DUR_OK;
}

/* Per list set: marginal table, a_A and K_A of eq. (1). */
static dur_err setup_sets(struct dur_bma_work *w, const double *count, struct dur_error *err)
{
	unsigned nc = w->ncells;
	double *D = calloc(nc, sizeof(*D));
	if (!D)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (unsigned A = 0; A < nc; A++) {
		int sz = popc(A);
		double dA = w->delta * ldexp(1.0, w->k - sz);
		double K = -ldexp(1.0, sz) * lgamma(dA);
		memset(D, 0, nc * sizeof(*D));
		for (unsigned x = 1; x < nc; x++)
			D[x & A] += count[x];
		for (unsigned c = 1; c < nc; c++)
			if ((c & ~A) == 0)
				K += lgamma(D[c] + dA);
		w->a[A] = D[0] + dA;
		w->kc[A] = K;
	}
	free(D);
	return DUR_OK;
}

dur_err dur_bma_alloc(const struct dur_table *t, const struct dur_bma_params *pin,
		      dur_bma_work **out, struct dur_error *err)
{
	struct dur_bma_params p = pin ? *pin : dur_bma_default_params();
	struct dur_bma_work *w = NULL;
	dur_err rc;
	double n, Mf;
	size_t cap;

	if (!out)
		return dur_error_set(err, DUR_EINVAL, "no place for the workspace");
	*out = NULL;
	if ((rc = check_params(t, &p, err)) != DUR_OK)
		return rc;
	n = dur_table_observed(t);
	if (!(n >= 1))
		return dur_error_set(err, DUR_EDATA, "no one was observed on any list");
	Mf = floor(p.grid_multiple * n);
	if (Mf < 1)
		return dur_error_set(err, DUR_EINVAL,
				     "the grid of unseen counts is empty: raise the grid multiple");
	if (Mf > (double)p.max_grid)
		return dur_error_set(err, DUR_ELIMIT,
				     "the grid of unseen counts would have more than %zu points",
				     p.max_grid);

	w = calloc(1, sizeof(*w));
	if (!w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	w->p = p;
	w->k = t->k;
	w->ncells = t->ncells;
	w->n = n;
	w->delta = p.delta > 0 ? p.delta : ldexp(1.0, -t->k);
	w->b = w->delta * (double)t->ncells;
	w->M = (long)Mf;
	w->nmasks = 1ULL << (t->k * (t->k - 1) / 2);
	w->nthreads = p.threads;
	w->nunits = w->nmasks < 64 ? w->nmasks : 64;
	w->names = calloc((size_t)t->k, sizeof(*w->names));
	w->a = malloc(t->ncells * sizeof(double));
	w->kc = malloc(t->ncells * sizeof(double));
	if (!w->names || !w->a || !w->kc)
		goto nomem;
	for (int i = 0; i < t->k; i++)
		if (!(w->names[i] = strdup(t->names[i])))
			goto nomem;
	w->c0 = 0;
	for (unsigned x = 1; x < t->ncells; x++)
		w->c0 -= lgamma(t->count[x] + 1);
	if ((rc = setup_sets(w, t->count, err)) != DUR_OK)
		goto fail;

	/* blocks */
	cap = 16;
	w->bstart = malloc(cap * sizeof(*w->bstart));
	if (!w->bstart)
		goto nomem;
	w->bstart[0] = 1;
	w->nb = 0;
	while (w->bstart[w->nb] <= w->M) {
		long b0 = w->bstart[w->nb], len = b0 / BLOCK_RATIO;
		if (len < BLOCK_MIN)
			len = BLOCK_MIN;
		if (b0 + len > w->M + 1)
			len = w->M + 1 - b0;
		if (w->nb + 2 > cap) {
			long *nbs = realloc(w->bstart, 2 * cap * sizeof(*nbs));
			if (!nbs)
				goto nomem;
			w->bstart = nbs;
			cap *= 2;
		}
		if ((size_t)len > w->maxblock)
			w->maxblock = (size_t)len;
		w->bstart[++w->nb] = b0 + len;
	}
	w->gb = malloc((size_t)w->ncells * (w->nb + 1) * sizeof(double));
	w->lpb = malloc((w->nb + 1) * sizeof(double));
	w->LK = malloc(w->nb * sizeof(double));
	w->Kt = malloc(w->nb * sizeof(double));
	w->kap = malloc(w->nb * sizeof(double));
	w->ubmax = malloc(w->nb * sizeof(double));
	w->th = calloc((size_t)w->nthreads, sizeof(*w->th));
	if (!w->gb || !w->lpb || !w->LK || !w->Kt || !w->kap || !w->ubmax || !w->th)
		goto nomem;
	for (size_t i = 0; i <= w->nb; i++) {
		double m = (double)w->bstart[i];
		w->lpb[i] = log_prior(p.prior, n, m);
		for (unsigned A = 0; A < w->ncells; A++)
			w->gb[(size_t)A * (w->nb + 1) + i] = lgamma(m + w->a[A]) + w->kc[A];
	}
	for (size_t i = 0; i < w->nb; i++) {
		long lo = w->bstart[i], hi = w->bstart[i + 1], tt = lo + (hi - lo) / 2;
		double mx = -INFINITY, sum = 0;
		/* K is increasing, so its largest value on the block is the last */
		mx = Kfun(w, (double)(hi - 1));
		for (long m = lo; m < hi; m++)
			sum += exp(Kfun(w, (double)m) - mx);
		w->LK[i] = mx + log(sum);
		/* tangent of the concave K at tt with slope K(tt) - K(tt - 1),
		 * above K at every integer point (docs eq. 6) */
		w->kap[i] = log((n + (double)tt) / (double)tt);
		w->Kt[i] = Kfun(w, (double)tt) - w->kap[i] * (double)(tt - lo);
	}
	for (int t2 = 0; t2 < w->nthreads; t2++) {
		struct bma_thread *th = &w->th[t2];
		th->w = w;
		th->V = malloc((w->nb + 1) * sizeof(double));
		th->s = malloc((w->maxblock + 8) * sizeof(double));
		th->t = malloc((w->maxblock + 8) * sizeof(double));
		th->la = malloc((w->maxblock / ANCHOR + 1) * sizeof(double));
		th->ubmax = malloc(w->nb * sizeof(double));
		th->top.cap = p.top;
		th->top.mass = malloc(((size_t)p.top + 1) * sizeof(double));
		th->top.edges = malloc(((size_t)p.top + 1) * sizeof(uint32_t));
		if (!th->V || !th->s || !th->t || !th->la || !th->ubmax || !th->top.mass || !th->top.edges)
			goto nomem;
		for (size_t i = 0; i < w->nb; i++)
			th->ubmax[i] = -INFINITY;
		th->lbmax = -INFINITY;
	}
	*out = w;
	return DUR_OK;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
fail:
	dur_bma_free(w);
	return rc;
}

/* Between the passes: the reference masses, the threshold, the kept
 * blocks and the table of g_A at their anchors. */
static dur_err between_passes(struct dur_bma_work *w, struct dur_error *err)
{
	double lbmax = -INFINITY, ubbest = -INFINITY, zbest = 0;
	uint32_t best_e = 0;
	int have = 0;
	struct dur_bma_decomp d;
	struct bma_thread *t0 = &w->th[0];

	w->ngraphs = 0;
	for (size_t i = 0; i < w->nb; i++)
		w->ubmax[i] = -INFINITY;
	for (int t = 0; t < w->nthreads; t++) {
		struct bma_thread *th = &w->th[t];
		w->ngraphs += th->ngraphs;
		for (size_t i = 0; i < w->nb; i++)
			if (th->ubmax[i] > w->ubmax[i])
				w->ubmax[i] = th->ubmax[i];
		if (th->lbmax > lbmax)
			lbmax = th->lbmax;
		if (th->have_best &&
		    (!have || th->ubbest > ubbest || (th->ubbest == ubbest && th->best_edges < best_e))) {
			have = 1;
			ubbest = th->ubbest;
			best_e = th->best_edges;
		}
	}
	if (!have || !isfinite(ubbest) || !isfinite(lbmax))
		return dur_error_set(err, DUR_ENUMERIC, "the posterior weights are not finite");
	/* at most #graphs * #blocks (graph, block) pairs are bounded */
	w->lognn = log((double)w->ngraphs) + log((double)w->nb);
	/* U: total <= #graphs * #blocks * exp(max bound), so every scaled
	 * weight, and every sum of them, is below 1/e */
	w->uref = ubbest + w->lognn + 1;
	/* L: the exact mass of the graph holding the largest block bound is a
	 * lower bound of the total, usually within a few nats of it */
	dur_bma_graph_decompose(w->k, best_e, &d);
	for (size_t i = 0; i < w->nb; i++) {
		anchors_direct(w, &d, i, t0->la);
		zbest += block_sum(w, &d, i, t0->la, NULL, t0->s, t0->t);
	}
	w->lref = w->uref + log(zbest);
	if (!(w->lref >= lbmax))
		w->lref = lbmax;
	w->thr = w->lref + log(w->p.prune_tol) - w->lognn;

	w->kept = calloc(w->nb, 1);
	w->kofs = malloc(w->nb * sizeof(size_t));
	w->aofs = malloc(w->nb * sizeof(size_t));
	if (!w->kept || !w->kofs || !w->aofs)
		goto nomem;
	w->nkpts = 0;
	w->nanc = 0;
	for (size_t i = 0; i < w->nb; i++) {
		long B = w->bstart[i + 1] - w->bstart[i];
		w->kofs[i] = SIZE_MAX;
		w->aofs[i] = SIZE_MAX;
		if (w->ubmax[i] >= w->thr) {
			w->kept[i] = 1;
			w->kofs[i] = w->nkpts;
			w->aofs[i] = w->nanc;
			w->nkpts += (size_t)B;
			w->nanc += (size_t)((B + ANCHOR - 1) / ANCHOR);
		}
	}
	w->Ranc = malloc((w->nanc ? w->nanc : 1) * sizeof(double));
	w->ganc = malloc((w->nanc ? w->nanc : 1) * w->ncells * sizeof(double));
	if (!w->Ranc || !w->ganc)
		goto nomem;
	for (size_t i = 0; i < w->nb; i++) {
		if (!w->kept[i])
			continue;
		for (long m = w->bstart[i], c = 0; m < w->bstart[i + 1]; m += ANCHOR, c++) {
			size_t x = w->aofs[i] + (size_t)c;
			w->Ranc[x] = Kfun(w, (double)m) + log_prior(w->p.prior, w->n, (double)m);
			for (unsigned A = 0; A < w->ncells; A++)
				w->ganc[(size_t)A * w->nanc + x] = lgamma((double)m + w->a[A]) + w->kc[A];
		}
	}
	for (int t = 0; t < w->nthreads; t++) {
		w->th[t].acc = calloc(w->nkpts ? w->nkpts : 1, sizeof(struct fx));
		w->th[t].ubuf = calloc(w->nkpts ? w->nkpts : 1, sizeof(double));
		w->th[t].tmin = SIZE_MAX;
		w->th[t].tmax = 0;
		if (!w->th[t].acc || !w->th[t].ubuf)
			goto nomem;
	}
	return DUR_OK;
nomem:
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

dur_err dur_bma_iterate(dur_bma_work *w, struct dur_error *err)
{
	uint64_t hi;
	dur_err rc;
	if (!w)
		return dur_error_set(err, DUR_EINVAL, "no workspace");
	if (w->phase == 2)
		return DUR_OK;
	hi = run_slice(w, w->cursor);
	w->cursor = hi;
	if (w->cursor < w->nunits)
		return DUR_CONTINUE;
	w->cursor = 0;
	if (w->phase == 0) {
		if ((rc = between_passes(w, err)) != DUR_OK)
			return rc;
		w->phase = 1;
		return DUR_CONTINUE;
	}
	w->phase = 2;
	return DUR_OK;
}

double dur_bma_progress(const dur_bma_work *w)
{
	if (!w)
		return 0;
	if (w->phase == 2)
		return 1;
	return ((double)w->phase * (double)w->nunits + (double)w->cursor) /
	       (2.0 * (double)w->nunits);
}

/* "[LA,NG][GO]" */
static char *graph_text(const struct dur_bma_work *w, const struct dur_bma_decomp *d)
{
	size_t len = 1;
	char *s, *q;
	for (int j = 0; j < d->nclique; j++) {
		len += 2;
		for (int i = 0; i < w->k; i++)
			if (d->clique[j] >> i & 1u)
				len += strlen(w->names[i]) + 1;
	}
	s = malloc(len);
	if (!s)
		return NULL;
	q = s;
	for (int j = 0; j < d->nclique; j++) {
		int first = 1;
		*q++ = '[';
		for (int i = 0; i < w->k; i++)
			if (d->clique[j] >> i & 1u) {
				size_t l = strlen(w->names[i]);
				if (!first)
					*q++ = ',';
				memcpy(q, w->names[i], l);
				q += l;
				first = 0;
			}
		*q++ = ']';
	}
	*q = '\0';
	return s;
}

dur_err dur_bma_result_get(const dur_bma_work *w, struct dur_bma_result *out,
			   struct dur_error *err)
{
	struct dur_bma_result r;
	struct fx tot, neg;
	struct fx *acc = NULL;
	struct top_list all = { 0, 0, NULL, NULL };
	double Z, cdf, plo, phi, tail_from;
	int have_lo = 0, have_med = 0, have_hi = 0;
	dur_err rc = DUR_OK;

	if (!w || !out)
		return dur_error_set(err, DUR_EINVAL, "no workspace or no place for the result");
	memset(out, 0, sizeof(*out));
	if (w->phase != 2)
		return dur_error_set(err, DUR_EINVAL, "the model averaging has not finished");
	memset(&r, 0, sizeof(r));
	memset(&tot, 0, sizeof(tot));
	memset(&neg, 0, sizeof(neg));
	r.k = w->k;
	r.observed = w->n;
	r.delta = w->delta;
	r.prior = w->p.prior;
	r.level = w->p.level;
	r.ngrid = (size_t)w->M;
	r.ngraphs = w->ngraphs;
	r.kept_points = w->nkpts;
	r.post = calloc(r.ngrid, sizeof(double));
	acc = calloc(w->nkpts ? w->nkpts : 1, sizeof(*acc));
	all.cap = w->p.top;
	all.mass = malloc(((size_t)w->p.top + 1) * sizeof(double));
	all.edges = malloc(((size_t)w->p.top + 1) * sizeof(uint32_t));
	if (!r.post || !acc || !all.mass || !all.edges)
		goto nomem;
	for (int t = 0; t < w->nthreads; t++) {
		const struct bma_thread *th = &w->th[t];
		for (size_t q = 0; q < w->nkpts; q++)
			fx_add(&acc[q], &th->acc[q]);
		fx_add(&neg, &th->neg);
		r.evaluated += th->evaluated;
		for (int j = 0; j < th->top.n; j++)
			top_insert(&all, th->top.mass[j], th->top.edges[j]);
	}
	for (size_t q = 0; q < w->nkpts; q++)
		fx_add(&tot, &acc[q]);
	Z = fx_to_double(&tot);
	if (!(Z > 0) || !isfinite(Z)) {
		rc = dur_error_set(err, DUR_ENUMERIC, "the posterior has no mass on the grid");
		goto out;
	}
	for (size_t i = 0; i < w->nb; i++)
		if (w->kept[i])
			for (long m = w->bstart[i]; m < w->bstart[i + 1]; m++)
				r.post[m - 1] = fx_to_double(&acc[w->kofs[i] + (size_t)(m - w->bstart[i])]) / Z;
	r.neglected = fx_to_double(&neg) / Z;

	/* quantiles: the smallest N whose cdf reaches p; mean; grid tail */
	plo = (1 - w->p.level) / 2;
	phi = (1 + w->p.level) / 2;
	tail_from = (1 - w->p.tail_fraction) * (double)w->M;
	cdf = 0;
	r.mean = 0;
	r.tail_share = 0;
	for (size_t i = 0; i < r.ngrid; i++) {
		double N = w->n + (double)(i + 1);
		cdf += r.post[i];
		r.mean += N * r.post[i];
		if ((double)(i + 1) > tail_from)
			r.tail_share += r.post[i];
		if (!have_lo && cdf >= plo) {
			r.lower = N;
			have_lo = 1;
		}
		if (!have_med && cdf >= 0.5) {
			r.median = N;
			have_med = 1;
		}
		if (!have_hi && cdf >= phi) {
			r.upper = N;
			have_hi = 1;
		}
	}
	/* rounding can leave the cdf a hair short of 1 */
	if (!have_lo)
		r.lower = w->n + (double)w->M;
	if (!have_med)
		r.median = w->n + (double)w->M;
	if (!have_hi)
		r.upper = w->n + (double)w->M;
	if (r.tail_share > w->p.tail_share) {
		char buf[512];
		snprintf(buf, sizeof(buf),
			 "the grid of unseen counts looks too short: %.2g%% of the posterior "
			 "lies in its top %g%% (it runs to %g times the people observed), so "
			 "the upper bound and the mean are cut off by the grid; run again "
			 "with a longer grid",
			 100 * r.tail_share, 100 * w->p.tail_fraction,
			 (double)w->M / w->n);
		if (!(r.warning = strdup(buf)))
			goto nomem;
	}
	r.top = calloc(all.n ? (size_t)all.n : 1, sizeof(*r.top));
	if (!r.top)
		goto nomem;
	for (int j = 0; j < all.n; j++) {
		struct dur_bma_decomp d;
		struct dur_bma_graph *g = &r.top[j];
		dur_bma_graph_decompose(w->k, all.edges[j], &d);
		g->prob = all.mass[j] / Z;
		g->edges = all.edges[j];
		g->nclique = d.nclique;
		memcpy(g->clique, d.clique, sizeof(g->clique));
		if (!(g->text = graph_text(w, &d)))
			goto nomem;
		r.ntop++;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
	goto out;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
out:
	dur_bma_result_release(&r);
	free(acc);
	free(all.mass);
	free(all.edges);
	return rc;
}

dur_err dur_bma_run(const struct dur_table *t, const struct dur_bma_params *p,
		    struct dur_bma_result *out, struct dur_error *err)
{
	dur_bma_work *w = NULL;
	dur_err rc;
	if (!out)
		return dur_error_set(err, DUR_EINVAL, "no place for the result");
	memset(out, 0, sizeof(*out));
	if ((rc = dur_bma_alloc(t, p, &w, err)) != DUR_OK)
		return rc;
	while ((rc = dur_bma_iterate(w, err)) == DUR_CONTINUE)
		;
	if (rc == DUR_OK)
		rc = dur_bma_result_get(w, out, err);
	dur_bma_free(w);
	return rc;
}

/* ---- one graph, directly --------------------------------------------- */

dur_err dur_bma_graph_log_ml(const struct dur_table *t, double delta, uint32_t edges,
			     double nmissing, double *out, struct dur_error *err)
{
	struct dur_bma_decomp d;
	double dl, n, b, den, sum = 0;
	unsigned nc;
	double *D = NULL;
	int ncl = 0, nsep = 0;
	if (!t || !out)
		return dur_error_set(err, DUR_EINVAL, "no table or no place for the result");
	if (t->k > DUR_BMA_MAX_LISTS)
		return dur_error_set(err, DUR_ELIMIT, "graphs on more than %d lists are not handled",
				     DUR_BMA_MAX_LISTS);
	if (!(delta >= 0) || !isfinite(delta))
		return dur_error_set(err, DUR_EINVAL, "delta must be positive (or 0 for 2^-k)");
	if (!(nmissing >= 0) || nmissing != floor(nmissing) || !isfinite(nmissing))
		return dur_error_set(err, DUR_EINVAL, "the unseen count must be a whole number >= 0");
	if (dur_bma_graph_decompose(t->k, edges, &d) != 1)
		return dur_error_set(err, DUR_EINVAL, "the graph is not decomposable");
	nc = t->ncells;
	dl = delta > 0 ? delta : ldexp(1.0, -t->k);
	n = dur_table_observed(t);
	b = dl * (double)nc;
	D = malloc(nc * sizeof(*D));
	if (!D)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	/* dga's form: sum over cliques minus non-empty separators of the
	 * marginal Dirichlet-multinomial numerators (CompLogML), plus one
	 * lgamma(b) - lgamma(N + b) per clique minus separator */
	den = lgamma(b) - lgamma(n + nmissing + b);
	for (int j = 0; j < d.nclique; j++)
		for (int which = 0; which < 2; which++) {
			unsigned A = which ? d.sep[j] : d.clique[j];
			int sz = popc(A);
			double dA = dl * ldexp(1.0, t->k - sz), f;
			if (which && A == 0)
				continue;
			memset(D, 0, nc * sizeof(*D));
			for (unsigned x = 1; x < nc; x++)
				D[x & A] += t->count[x];
			D[0] += nmissing;
			f = -ldexp(1.0, sz) * lgamma(dA);
			for (unsigned c = 0; c < nc; c++)
				if ((c & ~A) == 0)
					f += lgamma(D[c] + dA);
			if (which) {
				sum -= f;
				nsep++;
			} else {
				sum += f;
				ncl++;
			}
		}
	sum += (double)(ncl - nsep) * den;
	free(D);
	*out = sum;
	return DUR_OK;
}
