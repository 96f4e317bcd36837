/*
 * duress/bma.h - Bayesian model averaging over decomposable graphical
 * models for multiple systems estimation (Madigan & York 1997), as dga
 * 2.0.2's bma.cr (Johndrow, Lum & Ball).
 *
 * The model (docs/bma.md).  The 2^k capture patterns of the N people,
 * the all-zero pattern holding the unseen count Nmissing, follow a
 * multinomial whose cell probabilities are Markov with respect to a
 * decomposable (chordal) graph G on the k lists, with a hyper-Dirichlet
 * prior of parameter delta per cell of the full table (the marginal table
 * of a clique C then has delta * 2^(k - |C|) per cell).  The marginal
 * likelihood of the completed table is closed-form: a Dirichlet-
 * multinomial term per clique divided by one per separator.  The prior on
 * the unseen count is dga's default, the prior over graphs is uniform, and
 * the posterior of (G, Nmissing) is computed exactly on the grid
 * Nmissing = 1 .. floor(grid_multiple * n), n the people observed, and
 * normalised over that grid (as dga does).  Averaging over graphs gives
 * the posterior of N = n + Nmissing.
 *
 * Unlike dga, which ships precomputed graph lists for 3-5 lists, duress
 * enumerates the decomposable graphs itself (2 to 7 lists: 2, 8, 61, 822,
 * 18,154 and 617,675 graphs) and accumulates the posterior as it goes:
 * memory does not depend on the number of graphs.  Grid points where no
 * graph can carry posterior mass are skipped by a proven bound; the mass
 * so neglected is at most prune_tol of the whole (reported in the result).
 * Sums run in a fixed order within fixed units of graphs and are merged in
 * exact fixed point, so every figure is the same, bit for bit, for any
 * number of threads.  Memory is about 40 bytes x threads per grid point
 * where some graph may carry mass, plus 8 bytes per grid point for the
 * result.  docs/bma.md has the formulas and the conventions shared with
 * dga.
 *
 * Graphs are given as edge masks: bit dur_bma_edge_index(k, i, j) set
 * means lists i and j are joined.  List sets (cliques) are bit masks, bit
 * i = list i.
 *
 * The caller can own the loop, to show progress:
 *
 *     dur_bma_work *w = NULL;
 *     rc = dur_bma_alloc(t, &params, &w, &err);
 *     while ((rc = dur_bma_iterate(w, &err)) == DUR_CONTINUE)
 *             show(dur_bma_progress(w));
 *     if (rc == DUR_OK)
 *             rc = dur_bma_result_get(w, &res, &err);
 *     dur_bma_free(w);
 *
 * or call dur_bma_run(), which does exactly that.
 */
#ifndef DURESS_BMA_H
#define DURESS_BMA_H

#include <stddef.h>
#include <stdint.h>
#include <duress/common.h>
#include <duress/error.h>
#include <duress/table.h>

#define DUR_BMA_MIN_LISTS 2
#define DUR_BMA_MAX_LISTS 7
#define DUR_BMA_MAX_EDGES 21       /* 7 * 6 / 2 */
#define DUR_BMA_MAX_TOP 1000       /* graphs kept in a result */
#define DUR_BMA_MAX_THREADS 64

/* Log prior on the unseen count m = Nmissing (unnormalised). */
enum dur_bma_prior {
	/* -log(n + m) = -log N: what dga 2.0.2's code uses when bma.cr is
	 * given no logprior (its manual says -log(Nmissing)). */
	DUR_BMA_PRIOR_INV_N = 0,
	/* -log(m): dga's documented default, bma.cr(..., logprior = -log(Nmissing)). */
	DUR_BMA_PRIOR_INV_MISSING = 1
};

/*
 * Settings.  Start from dur_bma_default_params(); the defaults reproduce
 * dga's bma.cr(Y, Nmissing = 1:(20 * n), delta = 2^-k, graphs = graphs<k>).
 */
struct dur_bma_params {
	double delta;          /* hyper-Dirichlet parameter per cell of the full
				  2^k table, > 0; 0 (default) means 2^-k */
	double grid_multiple;  /* grid Nmissing = 1 .. floor(grid_multiple * n); 20 */
	int prior;             /* enum dur_bma_prior; DUR_BMA_PRIOR_INV_N */
	double level;          /* credible level of [lower, upper]; 0.95 */
	int top;               /* graphs kept in the result, 0..1000; 10 */
	int threads;           /* 1..64; 2 */
	double prune_tol;      /* the posterior mass left out by pruning is at most
				  this share of the whole; 1e-12, in (0, 1e-6] */
	double tail_share;     /* warn when more than this share of the posterior ... 1e-3 */
	double tail_fraction;  /* ... lies in this top fraction of the grid; 0.01 */
	size_t max_grid;       /* cap on grid points (DUR_ELIMIT beyond); 10,000,000 */
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT struct dur_bma_params dur_bma_default_params(void);

/* One graph of the result.  Invariant: clique[0..nclique-1] are the
 * maximal cliques, in the order of a perfect sequence (running
 * intersection), as list masks. */
struct dur_bma_graph {
	double prob;           /* posterior probability of the graph */
	uint32_t edges;        /* edge mask */
	int nclique;
	unsigned clique[DUR_BMA_MAX_LISTS];
	char *text;            /* owned: cliques named by list names,
				  e.g. "[LA,NG][NG,GO][PFNCA]" */
};

/*
 * The posterior.  Invariants: post[i] is the posterior probability of
 * Nmissing = i + 1, i.e. N = observed + i + 1, for i < ngrid; the post[i]
 * sum to 1 (up to rounding); median, lower and upper are grid values of N
 * (the smallest N whose posterior cdf is >= 0.5, (1 - level)/2 and
 * (1 + level)/2).
 */
struct dur_bma_result {
	int k;
	double observed;       /* n, people on at least one list */
	double delta;          /* the delta used */
	int prior;             /* the prior used */
	double level;
	double median, mean, lower, upper;   /* of N */
	size_t ngrid;          /* grid points: Nmissing = 1..ngrid */
	double *post;          /* owned, ngrid entries */
	double tail_share;     /* posterior share in the top tail_fraction of the grid */
	char *warning;         /* owned plain-words text, or NULL */
	uint64_t ngraphs;      /* decomposable graphs averaged over */
	size_t ntop;
	struct dur_bma_graph *top;   /* owned, ntop entries, most probable first
					(ties: smaller edge mask first) */
	double neglected;      /* upper bound on the posterior mass left out by
				  pruning, relative to the total (<= prune_tol) */
	uint64_t evaluated;    /* (graph, grid point) pairs evaluated exactly */
	size_t kept_points;    /* grid points where some graph may carry mass */
};

#define DUR_BMA_RESULT_INIT { 0 }

/* Free what the result owns and zero it; NULL is allowed.  @since 0.2 */
DUR_EXPORT void dur_bma_result_release(struct dur_bma_result *r);

/* ---- graphs ---------------------------------------------------------- */

/* The bit of edge {i, j} (i != j, either order, both < k <= 7) in an edge
 * mask: pairs numbered (0,1), (0,2), ..., (0,k-1), (1,2), ...; -1 when out
 * of range.  @since 0.2 */
DUR_EXPORT int dur_bma_edge_index(int k, int i, int j);

/* A decomposition of a decomposable graph: maximal cliques in a perfect
 * sequence, and sep[j] = clique[j] intersected with the union of the
 * earlier cliques (sep[0] = 0; an empty separator starts a new connected
 * component).  Masks have bit i = list i. */
struct dur_bma_decomp {
	int nclique;
	unsigned clique[DUR_BMA_MAX_LISTS];
	unsigned sep[DUR_BMA_MAX_LISTS];
};

/*
 * Decompose the graph with edge mask `edges` on k lists (maximum
 * cardinality search, Tarjan & Yannakakis 1984; cliques as Blair & Peyton
 * 1993).  Returns 1 and fills *d (may be NULL) when the graph is
 * decomposable (chordal), 0 when it is not, -1 when k is outside 1..7 or
 * `edges` has bits beyond the k(k-1)/2 pairs.  @since 0.2
 */
DUR_EXPORT int dur_bma_graph_decompose(int k, uint32_t edges, struct dur_bma_decomp *d);

/*
 * The number of decomposable graphs on k labelled vertices, 1 <= k <= 7,
 * counted by testing every edge set.  @since 0.2
 */
DUR_EXPORT dur_err dur_bma_count_graphs(int k, uint64_t *count, struct dur_error *err);

/*
 * Log marginal likelihood of the completed table (the table t with the
 * all-zero pattern holding `nmissing`, a whole number >= 0) under graph
 * `edges`: the probability of the N people's capture patterns in a fixed
 * order, without the multinomial coefficient (Madigan & York 1997, eq. 2;
 * dga's per-graph sum of CompLogML terms).  delta as in the params (0
 * means 2^-k).  DUR_EINVAL for a graph that is not decomposable or bad
 * arguments.  Computed directly, independently of dur_bma_run's fast
 * path.  @since 0.2
 */
DUR_EXPORT dur_err dur_bma_graph_log_ml(const struct dur_table *t, double delta,
					uint32_t edges, double nmissing, double *out,
					struct dur_error *err);

/* ---- the averaging --------------------------------------------------- */

typedef struct dur_bma_work dur_bma_work;

/*
 * Check the parameters against table t (copied: t is borrowed only for the
 * call) and make the workspace.  Fails with DUR_EINVAL (bad parameters),
 * DUR_ELIMIT (more than 7 lists, or a grid beyond max_grid), DUR_EDATA (no
 * one observed) or DUR_ENOMEM.  On success *out is new (dur_bma_free).
 * @since 0.2
 */
DUR_EXPORT dur_err dur_bma_alloc(const struct dur_table *t, const struct dur_bma_params *p,
				 dur_bma_work **out, struct dur_error *err);

/*
 * Do the next slice of the work (a slice of the edge masks, over the
 * threads).  Returns DUR_CONTINUE while work remains, DUR_OK once all is
 * done (further calls return DUR_OK), or an error.  @since 0.2
 */
DUR_EXPORT dur_err dur_bma_iterate(dur_bma_work *w, struct dur_error *err);

/* Share of the work done, in [0, 1].  @since 0.2 */
DUR_EXPORT double dur_bma_progress(const dur_bma_work *w);

/*
 * Fill *out (which the caller then owns: dur_bma_result_release) once
 * dur_bma_iterate has returned DUR_OK.  DUR_EINVAL before then.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_bma_result_get(const dur_bma_work *w, struct dur_bma_result *out,
				      struct dur_error *err);

/* Free; NULL is allowed.  @since 0.2 */
DUR_EXPORT void dur_bma_free(dur_bma_work *w);

/*
 * The whole computation: alloc, iterate to the end, result.  p may be NULL
 * for the defaults.  On failure *out is left zeroed.  @since 0.2
 */
DUR_EXPORT dur_err dur_bma_run(const struct dur_table *t, const struct dur_bma_params *p,
			       struct dur_bma_result *out, struct dur_error *err);

#endif
