/*
 * Model averaging over decomposable graphs (duress/bma.h) against
 * independently known figures: dga 2.0.2's bma.cr on every 3-5 list table
 * of the shared data, the number of labelled chordal graphs (OEIS
 * A058862), marginal likelihoods worked by hand from the Dirichlet-
 * multinomial formula, a brute-force posterior from the closed form, and
 * invariances (list order, thread count).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include <duress/bma.h>
#include <duress/table.h>
#include "test_util.h"

static struct dur_table *load(const char *rel)
{
	size_t n = 0;
	char *buf = test_slurp(test_shared_path(rel), &n);
	struct dur_table_set *s = NULL;
	struct dur_table *t;
	struct dur_error e = DUR_ERROR_INIT;
	assert_non_null(buf);
	if (dur_table_read_csv(buf, n, rel, NULL, &s, &e) != DUR_OK)
		fail_msg("%s", e.msg);
	free(buf);
	t = s->total;
	s->total = NULL;
	dur_table_set_free(s);
	return t;
}

static void run(const struct dur_table *t, const struct dur_bma_params *p, struct dur_bma_result *r)
{
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_bma_run(t, p, r, &e) != DUR_OK)
		fail_msg("%s", e.msg);
}

/* The list mask of a clique written "[A,B]" ... one clique per call. */
static unsigned clique_mask(const struct dur_table *t, const char *s, size_t len)
{
	unsigned m = 0;
	char name[256];
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != ',')
			j++;
		assert_true(j - i < sizeof(name));
		memcpy(name, s + i, j - i);
		name[j - i] = '\0';
		int x = dur_table_list_index(t, name);
		assert_true(x >= 0);
		m |= 1u << x;
		i = j + 1;
	}
	return m;
}

/* Sorted clique masks of "[A,B][B,C]". */
static int parse_cliques(const struct dur_table *t, const char *s, unsigned *out)
{
	int n = 0;
	while (*s == '[') {
		const char *e = strchr(s, ']');
		assert_non_null(e);
		out[n++] = clique_mask(t, s + 1, (size_t)(e - s - 1));
		s = e + 1;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			unsigned x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}

static void assert_same_cliques(const struct dur_table *t, const char *got, const char *want)
{
	unsigned a[DUR_BMA_MAX_LISTS], b[DUR_BMA_MAX_LISTS];
	int na = parse_cliques(t, got, a), nb = parse_cliques(t, want, b);
	if (na != nb || memcmp(a, b, (size_t)na * sizeof(*a)) != 0)
		fail_msg("top graph %s, expected %s", got, want);
}

/* ---- graphs ------------------------------------------------------------ */

static void test_bma_graph_counts(void **state)
{
	/* labelled chordal graphs on k vertices, OEIS A058862 (and dga's
	 * graphs3/4/5 hold 8, 61 and 822 graphs) */
	static const uint64_t want[] = { 0, 1, 2, 8, 61, 822, 18154, 617675 };
	struct dur_error e = DUR_ERROR_INIT;
	(void)state;
	for (int k = 1; k <= 7; k++) {
		uint64_t c = 0;
		assert_int_equal(dur_bma_count_graphs(k, &c, &e), DUR_OK);
		assert_int_equal(c, want[k]);
	}
	assert_int_equal(dur_bma_count_graphs(8, NULL, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_count_graphs(0, &(uint64_t){ 0 }, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_count_graphs(8, &(uint64_t){ 0 }, &e), DUR_EINVAL);
}

static void test_bma_decompose(void **state)
{
	struct dur_bma_decomp d;
	uint32_t cycle = 0, path = 0, tri = 0;
	(void)state;
	assert_int_equal(dur_bma_edge_index(4, 0, 1), 0);
	assert_int_equal(dur_bma_edge_index(4, 3, 0), 2);
	assert_int_equal(dur_bma_edge_index(4, 1, 2), 3);
	assert_int_equal(dur_bma_edge_index(4, 2, 3), 5);
	assert_int_equal(dur_bma_edge_index(4, 2, 2), -1);
	assert_int_equal(dur_bma_edge_index(4, 0, 4), -1);
	assert_int_equal(dur_bma_edge_index(8, 0, 1), -1);
	/* the 4-cycle 0-1-2-3-0 has no chord: not decomposable */
	cycle = 1u << dur_bma_edge_index(4, 0, 1) | 1u << dur_bma_edge_index(4, 1, 2) |
		1u << dur_bma_edge_index(4, 2, 3) | 1u << dur_bma_edge_index(4, 0, 3);
	assert_int_equal(dur_bma_graph_decompose(4, cycle, &d), 0);
	/* with the chord 0-2 it is: cliques {0,1,2} and {0,2,3}, separator {0,2} */
	assert_int_equal(dur_bma_graph_decompose(4, cycle | 1u << dur_bma_edge_index(4, 0, 2), &d), 1);
	assert_int_equal(d.nclique, 2);
	assert_int_equal(d.sep[0], 0);
	assert_true((d.clique[0] == 0x7 && d.clique[1] == 0xd) || (d.clique[0] == 0xd && d.clique[1] == 0x7));
	assert_int_equal(d.sep[1], 0x5);
	/* the path 0-1-2 on 3 lists: {0,1}, {1,2}, separator {1} */
	path = 1u << dur_bma_edge_index(3, 0, 1) | 1u << dur_bma_edge_index(3, 1, 2);
	assert_int_equal(dur_bma_graph_decompose(3, path, &d), 1);
	assert_int_equal(d.nclique, 2);
	assert_int_equal(d.sep[1], 0x2);
	assert_int_equal(d.clique[0] | d.clique[1], 0x7);
	/* no edges: one clique per list, every separator empty */
	assert_int_equal(dur_bma_graph_decompose(3, 0, &d), 1);
	assert_int_equal(d.nclique, 3);
	for (int j = 0; j < 3; j++)
		assert_int_equal(d.sep[j], 0);
	/* complete: one clique */
	tri = 0x7;
	assert_int_equal(dur_bma_graph_decompose(3, tri, &d), 1);
	assert_int_equal(d.nclique, 1);
	assert_int_equal(d.clique[0], 0x7);
	/* bad arguments */
	assert_int_equal(dur_bma_graph_decompose(3, 0x8, &d), -1);
	assert_int_equal(dur_bma_graph_decompose(0, 0, &d), -1);
	assert_int_equal(dur_bma_graph_decompose(8, 0, &d), -1);
}

/* ---- marginal likelihoods by hand ------------------------------------------ */

/* Gamma(a + y) / Gamma(a) as the product a (a + 1) ... (a + y - 1). */
static double rising(double a, int y)
{
	double p = 1;
	for (int i = 0; i < y; i++)
		p *= a + i;
	return p;
}

/*
 * Three lists, people seen: 2 on list 1 only, 1 on list 2 only, 1 on list
 * 3 only, 1 on lists 1 and 2 (n = 5); one person unseen (N = 6).
 * delta = 2^-3 = 1/8 per cell of the 2x2x2 table.  The probability of the
 * six people's patterns in a fixed order under a Dirichlet(alpha) prior
 * on a table's cells is prod_c Gamma(y_c + alpha_c)/Gamma(alpha_c) divided
 * by Gamma(N + A)/Gamma(A), A = sum alpha_c (Madigan & York 1997, eq. 2).
 *
 * Complete graph: one Dirichlet, alpha = 1/8 on each of 8 cells, A = 1.
 * Cells 000 (the unseen person), 010, 001, 110 hold 1 each, 100 holds 2:
 *   (1/8)^4 (1/8)(9/8) / 6! = 9 / (262144 * 720) = 9 / 188,743,680.
 * Empty graph: one 2-cell Dirichlet per list, alpha = 1/8 * 4 = 1/2 per
 * cell, A = 1.  List 1 on 3 / off 3, list 2 on 2 / off 4, list 3 on 1 /
 * off 5:
 *   [(1/2)(3/2)(5/2)]^2 / 6!  *  (1/2)(3/2) (1/2)(3/2)(5/2)(7/2) / 6!
 *   *  (1/2) (1/2)(3/2)(5/2)(7/2)(9/2) / 6!
 *   = (225/64)(315/64)(945/64) / 720^3.
 * Path 1-2-3: cliques {1,2}, {2,3}, separator {2}.  Two-list tables have
 * alpha = 1/4 per cell.  {1,2}: cells 00 = 2 (list 3 only + unseen),
 * 10 = 2, 01 = 1, 11 = 1: (1/4 5/4)^2 (1/4)^2 / 6! = (25/4096) / 720.
 * {2,3}: 00 = 3, 10 = 2, 01 = 1, 11 = 0: (1/4 5/4 9/4)(1/4 5/4)(1/4) / 6!
 * = (225/4096) / 720.  {2}: on 2 / off 4 with alpha 1/2: (315/64) / 720.
 *   ML = (25/4096)(225/4096) / (315/64) / 720.
 */
static struct dur_table *hand_table(void)
{
	struct dur_table *t = dur_table_alloc(3);
	assert_non_null(t);
	t->count[1] = 2;   /* list 1 only */
	t->count[2] = 1;   /* list 2 only */
	t->count[4] = 1;   /* list 3 only */
	t->count[3] = 1;   /* lists 1 and 2 */
	return t;
}

static void test_bma_hand_marginal_likelihoods(void **state)
{
	struct dur_table *t = hand_table();
	struct dur_error e = DUR_ERROR_INIT;
	double lml, want;
	uint32_t path = 1u << dur_bma_edge_index(3, 0, 1) | 1u << dur_bma_edge_index(3, 1, 2);
	(void)state;

	assert_int_equal(dur_bma_graph_log_ml(t, 0, 0x7, 1, &lml, &e), DUR_OK);
	assert_rel_close(exp(lml), 9.0 / 188743680.0, 1e-12);
	/* the same from the rising factorials */
	want = pow(rising(0.125, 1), 4) * rising(0.125, 2) / rising(1, 6);
	assert_rel_close(exp(lml), want, 1e-12);

	assert_int_equal(dur_bma_graph_log_ml(t, 0, 0, 1, &lml, &e), DUR_OK);
	want = (225.0 / 64) * (315.0 / 64) * (945.0 / 64) / (720.0 * 720.0 * 720.0);
	assert_rel_close(exp(lml), want, 1e-12);
	want = rising(0.5, 3) * rising(0.5, 3) * rising(0.5, 2) * rising(0.5, 4) * rising(0.5, 1) *
	       rising(0.5, 5) / pow(rising(1, 6), 3);
	assert_rel_close(exp(lml), want, 1e-12);

	assert_int_equal(dur_bma_graph_log_ml(t, 0, path, 1, &lml, &e), DUR_OK);
	want = (25.0 / 4096) * (225.0 / 4096) / (315.0 / 64) / 720.0;
	assert_rel_close(exp(lml), want, 1e-12);

	/* the empty graph is preferred here: (225*315*945/64^3/720^2) /
	 * (9/262144) = 66976875/4665600, about 14.4 times the complete
	 * graph's likelihood */
	{
		double le, lc;
		assert_int_equal(dur_bma_graph_log_ml(t, 0, 0, 1, &le, &e), DUR_OK);
		assert_int_equal(dur_bma_graph_log_ml(t, 0, 0x7, 1, &lc, &e), DUR_OK);
		assert_rel_close(exp(le - lc), 66976875.0 / 4665600.0, 1e-12);
	}

	/* bad arguments */
	assert_int_equal(dur_bma_graph_log_ml(t, 0, 0x7, -1, &lml, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_graph_log_ml(t, 0, 0x7, 1.5, &lml, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_graph_log_ml(t, -1, 0x7, 1, &lml, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_graph_log_ml(t, 0, 0x8, 1, &lml, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_graph_log_ml(NULL, 0, 0, 1, &lml, &e), DUR_EINVAL);
	dur_table_free(t);
}

/*
 * The posterior from the closed form by brute force: every graph, every
 * grid point, log weight = logML_G(m) + log[(n + m)! / (m! prod y_c!)] +
 * log prior(m) (dga's bma.cr), normalised over the grid.
 */
static double *brute_posterior(const struct dur_table *t, long M, int prior, double delta,
			       double *graph_mass,
			       uint32_t *graph_edges, int *ngraph)
{
	int k = t->k, ne = k * (k - 1) / 2, ng = 0;
	double n = dur_table_observed(t), mx = -INFINITY, Z = 0, c0 = 0;
	double *lw, *post = calloc((size_t)M, sizeof(double));
	struct dur_error e = DUR_ERROR_INIT;
	size_t cap = 1024;
	assert_non_null(post);
	lw = malloc(cap * (size_t)M * sizeof(double));
	assert_non_null(lw);
	for (unsigned x = 1; x < t->ncells; x++)
		c0 -= lgamma(t->count[x] + 1);
	for (uint32_t g = 0; g < (1u << ne); g++) {
		if (dur_bma_graph_decompose(k, g, NULL) != 1)
			continue;
		assert_true((size_t)ng < cap);
		for (long m = 1; m <= M; m++) {
			double l;
			assert_int_equal(dur_bma_graph_log_ml(t, delta, g, (double)m, &l, &e), DUR_OK);
			l += lgamma(n + m + 1) - lgamma((double)m + 1) + c0 +
			     (prior == DUR_BMA_PRIOR_INV_N ? -log(n + m) : -log((double)m));
			lw[(size_t)ng * (size_t)M + (size_t)(m - 1)] = l;
			mx = l > mx ? l : mx;
		}
		graph_edges[ng] = g;
		ng++;
	}
	for (int g = 0; g < ng; g++) {
		graph_mass[g] = 0;
		for (long m = 0; m < M; m++) {
			double x = exp(lw[(size_t)g * (size_t)M + (size_t)m] - mx);
			post[m] += x;
			graph_mass[g] += x;
		}
	}
	for (long m = 0; m < M; m++)
		Z += post[m];
	for (long m = 0; m < M; m++)
		post[m] /= Z;
	for (int g = 0; g < ng; g++)
		graph_mass[g] /= Z;
	*ngraph = ng;
	free(lw);
	return post;
}

static void check_against_brute(const struct dur_table *t, const struct dur_bma_params *p, double tv_tol)
{
	struct dur_bma_result r;
	double gm[1024], tv = 0, cdf = 0;
	uint32_t ge[1024];
	int ng = 0;
	long M;
	double *bp;
	run(t, p, &r);
	M = (long)r.ngrid;
	bp = brute_posterior(t, M, p->prior, p->delta, gm, ge, &ng);
	assert_int_equal(r.ngraphs, (uint64_t)ng);
	for (long m = 0; m < M; m++)
		tv += fabs(r.post[m] - bp[m]);
	if (!(tv <= tv_tol))
		fail_msg("total variation %.3g from the brute-force posterior > %.3g", tv, tv_tol);
	assert_true(r.neglected <= p->prune_tol);
	/* quantiles of the brute-force posterior */
	for (long m = 0; m < M; m++) {
		double N = r.observed + (double)(m + 1), c2 = cdf + bp[m];
		if (cdf < 0.5 && c2 >= 0.5)
			assert_true(r.median == N);
		if (cdf < 0.025 && c2 >= 0.025)
			assert_true(r.lower == N);
		if (cdf < 0.975 && c2 >= 0.975)
			assert_true(r.upper == N);
		cdf = c2;
	}
	/* every graph kept, with its brute-force probability */
	for (size_t j = 0; j < r.ntop; j++) {
		int g = 0;
		while (g < ng && ge[g] != r.top[j].edges)
			g++;
		assert_true(g < ng);
		assert_true(fabs(r.top[j].prob - gm[g]) <= tv_tol);
	}
	free(bp);
	dur_bma_result_release(&r);
}

static void test_bma_hand_posterior(void **state)
{
	/* the hand table on the grid Nmissing = 1..20 (grid multiple 4) */
	struct dur_table *t = hand_table();
	struct dur_bma_params p = dur_bma_default_params();
	(void)state;
	p.grid_multiple = 4;
	p.top = 8;
	check_against_brute(t, &p, 1e-12);
	p.prior = DUR_BMA_PRIOR_INV_MISSING;
	p.delta = 0.3;
	check_against_brute(t, &p, 1e-12);
	dur_table_free(t);
}

static void test_bma_pruning_bound(void **state)
{
	/*
	 * korea (3 lists, n = 123): with the loosest tolerance allowed the
	 * pruning leaves mass out; the result must stay within it of the
	 * brute-force posterior (total variation <= 2 prune_tol, plus
	 * rounding), report a bound <= prune_tol, and keep the quantiles.
	 */
	struct dur_table *t;
	struct dur_bma_params p = dur_bma_default_params();
	(void)state;
	if (!test_have_shared())
		skip();
	t = load("mse/korea.csv");
	p.top = 8;
	p.prune_tol = 1e-6;
	check_against_brute(t, &p, 2e-6 + 1e-12);
	p.prune_tol = 1e-12;
	check_against_brute(t, &p, 2e-12 + 1e-12);
	dur_table_free(t);
}

/* ---- dga ----------------------------------------------------------------- */

/*
 * dga 2.0.2 (CRAN, R 4.2.2), for each table with k lists and n observed:
 *   v[1 + sum_j x_j 2^(j-1)] <- count of pattern x (list j = dimension j)
 *   Y <- array(v, dim = rep(2, k)); data(graphs<k>)
 *   w <- bma.cr(Y, Nmissing = 1:(20*n), delta = 2^-k, graphs = graphs<k>)
 *   (second set: the same with logprior = -log(1:(20*n)))
 *   post <- colSums(w); cdf <- cumsum(post); N <- n + 1:(20*n)
 *   quantile p: N[which(cdf >= p)[1]]; mean: sum(N * post);
 *   top graph: max(rowSums(w)) and its cliques;
 *   tail: sum(post[1:(20*n) > 0.99*20*n])
 * dga's default logprior is -log(sum(Y) + Nmissing), i.e. -log N, although
 * its manual says -log(Nmissing); the uk_4 and uk_5 figures in
 * docs/methods.md are those of the default.
 */
struct dga_ref {
	const char *file;
	double median, lower, upper, mean, top;
	const char *graph;        /* the top graph's cliques (default prior) */
	double tail;              /* default prior, to 4 digits */
	double median2, lower2, upper2, mean2, top2;   /* logprior = -log(Nmissing) */
};

static const struct dga_ref dga[] = {
	{ "mse/korea.csv", 163, 127, 445, 202.5586303475, 0.703790413454, "[b,c][c,d]", 5.369e-05,
	  137, 124, 274, 151.6339863022, 0.600784398645 },
	{ "mse/kosovo.csv", 12595, 9827, 16544, 12749.3494762043, 0.985513747541,
	  "[EXH,ABA,OSCE][EXH,OSCE,HRW]", 3.668e-11,
	  12481, 9538, 16383, 12619.5659958691, 0.979970002677 },
	{ "mse/australia.csv", 2238, 1187, 6463, 2615.3982724722, 0.909671122743, "[A,B][B,C,D]", 5.441e-04,
	  2154, 1146, 6237, 2511.9661714636, 0.916938406548 },
	{ "mse/hiv_rome.csv", 11220, 9404, 14095, 11357.1319615691, 0.538657526823, "[c1][c2][c3][c4]",
	  2.172e-11, 11198, 9387, 14055, 11333.1191297210, 0.541120809275 },
	{ "mse/lesbian_allegheny.csv", 5131, 4635, 5749, 5147.3346418006, 0.990737374447, "[A,D][B,C,D]",
	  1.807e-11, 5119, 4625, 5734, 5135.5549895992, 0.990923147880 },
	{ "mse/uk_4.csv", 11364, 9535, 13549, 11416.2371072061, 0.433332858216, "[LA,NG][LA,PFNCA][NG,GO]",
	  4.536e-09, 11338, 9503, 13515, 11385.9864844857, 0.437138010465 },
	{ "mse/uk_5.csv", 22990, 10387, 33508, 21281.6083032605, 0.443439879437,
	  "[LA,NG,PFNCA][PFNCA,GO][NG,GP]", 1.716e-06,
	  22556, 10308, 33282, 20770.8286191616, 0.422847243988 },
	{ "mse/netherlands_5.csv", 49385, 41405, 168992, 73972.5713913385, 0.634010773610,
	  "[IO,K,Z][K,R,Z][K,P,Z]", 1.025e-02,
	  49132, 41255, 168560, 71382.1752442754, 0.653898918572 },
};

static void test_bma_dga_reference(void **state)
{
	(void)state;
	if (!test_have_shared())
		skip();
	for (size_t i = 0; i < sizeof(dga) / sizeof(dga[0]); i++) {
		const struct dga_ref *d = &dga[i];
		struct dur_table *t = load(d->file);
		struct dur_bma_params p = dur_bma_default_params();
		struct dur_bma_result r;
		run(t, &p, &r);
		if (r.median != d->median || r.lower != d->lower || r.upper != d->upper)
			fail_msg("%s: median %g [%g, %g], dga %g [%g, %g]", d->file, r.median, r.lower,
				 r.upper, d->median, d->lower, d->upper);
		assert_rel_close(r.mean, d->mean, 1e-9);
		assert_true(r.ntop > 0);
		assert_rel_close(r.top[0].prob, d->top, 1e-9);
		assert_same_cliques(t, r.top[0].text, d->graph);
		assert_rel_close(r.tail_share, d->tail, 1e-3);
		/* the grid warning: only netherlands_5 has more than 1e-3 of the
		 * posterior in the top 1% of the grid */
		if (d->tail > 1e-3) {
			assert_non_null(r.warning);
			assert_non_null(strstr(r.warning, "grid"));
		} else {
			assert_null(r.warning);
		}
		assert_true(r.neglected <= p.prune_tol);
		assert_int_equal(r.ngrid, (size_t)(20 * r.observed));
		assert_int_equal(r.ngraphs, t->k == 3 ? 8 : t->k == 4 ? 61 : 822);
		dur_bma_result_release(&r);

		p.prior = DUR_BMA_PRIOR_INV_MISSING;
		run(t, &p, &r);
		if (r.median != d->median2 || r.lower != d->lower2 || r.upper != d->upper2)
			fail_msg("%s (prior -log m): median %g [%g, %g], dga %g [%g, %g]", d->file,
				 r.median, r.lower, r.upper, d->median2, d->lower2, d->upper2);
		assert_rel_close(r.mean, d->mean2, 1e-9);
		assert_rel_close(r.top[0].prob, d->top2, 1e-9);
		dur_bma_result_release(&r);
		dur_table_free(t);
	}
}

/*
 * Six lists, beyond dga's shipped graph lists: dga 2.0.2's bma.cr as
 * above, with graphs = graphs6, a list of the 18,154 decomposable graphs
 * on 6 vertices in dga's format built by an R script independent of
 * duress (chordality by repeated removal of simplicial vertices, maximal
 * cliques by brute force, separators from a maximum-weight spanning tree
 * of the clique intersection graph; the same script's 4-list list gives
 * dga's graphs4 figures on uk_4).  uk.csv on the grid Nmissing = 1:(2*n)
 * and netherlands.csv on 1:n (20*n would need matrices of 8 and 24 GB in
 * R); both grids are too short, which does not matter for the check.
 */
struct dga6_ref {
	const char *file;
	double mult, median, lower, upper, mean, top;
	const char *graph;
};

static const struct dga6_ref dga6[] = {
	{ "mse/hare.csv", 20, 77, 70, 91, 78.0241875845, 0.080955017071, "[c1][c2][c3][c5][c4,c6]" },
	{ "mse/uk.csv", 2, 8066, 7470, 8226, 8005.2571696335, 0.583811247159,
	  "[LA,NG,GP][NG,GO,GP][PF,GO,GP][PF,NCA]" },
	{ "mse/netherlands.csv", 1, 13039, 11666, 15839, 13312.4467269776, 0.716017892533,
	  "[I,K,O,P,R][I,K,P,R,Z]" },
};

static void test_bma_dga_six_lists(void **state)
{
	(void)state;
	if (!test_have_shared())
		skip();
	for (size_t i = 0; i < sizeof(dga6) / sizeof(dga6[0]); i++) {
		const struct dga6_ref *d = &dga6[i];
		struct dur_table *t = load(d->file);
		struct dur_bma_params p = dur_bma_default_params();
		struct dur_bma_result r;
		p.grid_multiple = d->mult;
		run(t, &p, &r);
		if (r.median != d->median || r.lower != d->lower || r.upper != d->upper)
			fail_msg("%s: median %g [%g, %g], dga %g [%g, %g]", d->file, r.median, r.lower,
				 r.upper, d->median, d->lower, d->upper);
		assert_rel_close(r.mean, d->mean, 1e-9);
		assert_rel_close(r.top[0].prob, d->top, 1e-9);
		assert_same_cliques(t, r.top[0].text, d->graph);
		assert_int_equal(r.ngraphs, 18154);
		dur_bma_result_release(&r);
		dur_table_free(t);
	}
}

/* ---- invariances --------------------------------------------------------- */

/* The table with its lists in the order perm (new list i = old perm[i]). */
static struct dur_table *permuted(const struct dur_table *t, const int *perm)
{
	struct dur_table *u = dur_table_alloc(t->k);
	assert_non_null(u);
	for (int i = 0; i < t->k; i++)
		assert_int_equal(dur_table_set_name(u, i, t->names[perm[i]]), DUR_OK);
	for (unsigned x = 1; x < t->ncells; x++) {
		unsigned y = 0;
		for (int i = 0; i < t->k; i++)
			if (x >> perm[i] & 1u)
				y |= 1u << i;
		u->count[y] = t->count[x];
	}
	return u;
}

static void test_bma_list_order_invariance(void **state)
{
	static const int perm5[] = { 3, 0, 4, 2, 1 };
	static const int perm6[] = { 5, 4, 3, 2, 1, 0 };
	const char *files[] = { "mse/uk_5.csv", "mse/hare.csv" };
	(void)state;
	if (!test_have_shared())
		skip();
	for (int f = 0; f < 2; f++) {
		struct dur_table *t = load(files[f]);
		struct dur_table *u = permuted(t, t->k == 5 ? perm5 : perm6);
		struct dur_bma_params p = dur_bma_default_params();
		struct dur_bma_result a, b;
		double tv = 0;
		p.top = 3;
		run(t, &p, &a);
		run(u, &p, &b);
		assert_true(a.median == b.median && a.lower == b.lower && a.upper == b.upper);
		assert_rel_close(b.mean, a.mean, 1e-11);
		for (size_t m = 0; m < a.ngrid; m++)
			tv += fabs(a.post[m] - b.post[m]);
		assert_true(tv < 1e-10);
		for (int j = 0; j < 3; j++) {
			assert_rel_close(b.top[j].prob, a.top[j].prob, 1e-10);
			assert_same_cliques(t, b.top[j].text, a.top[j].text);
		}
		dur_bma_result_release(&a);
		dur_bma_result_release(&b);
		dur_table_free(t);
		dur_table_free(u);
	}
}

static void test_bma_thread_invariance(void **state)
{
	const char *files[] = { "mse/uk_5.csv", "mse/hare.csv" };
	static const int threads[] = { 1, 2, 3, 7 };
	(void)state;
	if (!test_have_shared())
		skip();
	for (int f = 0; f < 2; f++) {
		struct dur_table *t = load(files[f]);
		struct dur_bma_result r0;
		struct dur_bma_params p = dur_bma_default_params();
		p.threads = 1;
		run(t, &p, &r0);
		for (int j = 1; j < (f == 0 ? 4 : 2); j++) {
			struct dur_bma_result r;
			p.threads = threads[j];
			run(t, &p, &r);
			/* bit for bit */
			assert_int_equal(r.ngrid, r0.ngrid);
			assert_memory_equal(r.post, r0.post, r.ngrid * sizeof(double));
			assert_true(r.mean == r0.mean && r.median == r0.median);
			assert_true(r.neglected == r0.neglected);
			assert_int_equal(r.ntop, r0.ntop);
			for (size_t g = 0; g < r.ntop; g++) {
				assert_true(r.top[g].prob == r0.top[g].prob);
				assert_int_equal(r.top[g].edges, r0.top[g].edges);
			}
			assert_int_equal(r.evaluated, r0.evaluated);
			dur_bma_result_release(&r);
		}
		dur_bma_result_release(&r0);
		dur_table_free(t);
	}
}

/* ---- the caller's loop, and bad inputs ------------------------------------ */

static void test_bma_iterate(void **state)
{
	struct dur_table *t = hand_table();
	struct dur_bma_params p = dur_bma_default_params();
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_bma_result r, r2;
	dur_bma_work *w = NULL;
	double last = 0;
	dur_err rc;
	(void)state;
	assert_int_equal(dur_bma_alloc(t, &p, &w, &e), DUR_OK);
	assert_true(dur_bma_progress(w) == 0);
	assert_int_equal(dur_bma_result_get(w, &r, &e), DUR_EINVAL);
	while ((rc = dur_bma_iterate(w, &e)) == DUR_CONTINUE) {
		assert_true(dur_bma_progress(w) >= last);
		last = dur_bma_progress(w);
	}
	assert_int_equal(rc, DUR_OK);
	assert_true(dur_bma_progress(w) == 1);
	assert_int_equal(dur_bma_iterate(w, &e), DUR_OK);
	assert_int_equal(dur_bma_result_get(w, &r, &e), DUR_OK);
	dur_bma_free(w);
	run(t, NULL, &r2);
	assert_true(r.median == r2.median && r.mean == r2.mean);
	assert_memory_equal(r.post, r2.post, r.ngrid * sizeof(double));
	/* the cdf reaches each level at the reported quantiles */
	{
		double cdf = 0, cl = 0, cm = 0, cu = 0;
		for (size_t m = 0; m < r.ngrid; m++) {
			double N = r.observed + (double)(m + 1);
			cdf += r.post[m];
			if (N == r.lower - 1)
				cl = cdf;
			if (N == r.median - 1)
				cm = cdf;
			if (N == r.upper - 1)
				cu = cdf;
		}
		assert_true(cl < 0.025 && cm < 0.5 && cu < 0.975);
		assert_true(fabs(cdf - 1) < 1e-12);
	}
	dur_bma_result_release(&r);
	dur_bma_result_release(&r2);
	dur_bma_free(NULL);
	dur_bma_result_release(NULL);
	dur_table_free(t);
}

static void test_bma_bad_inputs(void **state)
{
	struct dur_table *t = hand_table(), *big = dur_table_alloc(8), *empty = dur_table_alloc(3);
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_bma_result r;
	struct dur_bma_params p;
	dur_bma_work *w = NULL;
	(void)state;
	assert_non_null(big);
	assert_non_null(empty);
	big->count[1] = 3;
	assert_int_equal(dur_bma_run(NULL, NULL, &r, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_run(t, NULL, NULL, &e), DUR_EINVAL);
	assert_int_equal(dur_bma_run(big, NULL, &r, &e), DUR_ELIMIT);
	assert_non_null(strstr(e.msg, "7 lists"));
	assert_int_equal(dur_bma_run(empty, NULL, &r, &e), DUR_EDATA);
	assert_int_equal(dur_bma_alloc(t, NULL, NULL, &e), DUR_EINVAL);
#define BAD(field, value, code) do { \
		p = dur_bma_default_params(); \
		p.field = value; \
		assert_int_equal(dur_bma_run(t, &p, &r, &e), code); \
		assert_null(r.post); \
		assert_int_equal(dur_bma_alloc(t, &p, &w, &e), code); \
		assert_null(w); \
	} while (0)
	BAD(delta, -0.5, DUR_EINVAL);
	BAD(delta, NAN, DUR_EINVAL);
	BAD(delta, INFINITY, DUR_EINVAL);
	BAD(grid_multiple, 0, DUR_EINVAL);
	BAD(grid_multiple, 0.1, DUR_EINVAL);       /* floor(0.1 * 5) = 0 points */
	BAD(grid_multiple, NAN, DUR_EINVAL);
	BAD(prior, 2, DUR_EINVAL);
	BAD(level, 1, DUR_EINVAL);
	BAD(level, 0, DUR_EINVAL);
	BAD(top, -1, DUR_EINVAL);
	BAD(top, DUR_BMA_MAX_TOP + 1, DUR_EINVAL);
	BAD(threads, 0, DUR_EINVAL);
	BAD(threads, DUR_BMA_MAX_THREADS + 1, DUR_EINVAL);
	BAD(prune_tol, 0, DUR_EINVAL);
	BAD(prune_tol, 1e-3, DUR_EINVAL);
	BAD(tail_share, 0, DUR_EINVAL);
	BAD(tail_fraction, 1, DUR_EINVAL);
	BAD(max_grid, 99, DUR_ELIMIT);             /* 20 * 5 = 100 points */
#undef BAD
	/* no graphs kept is allowed */
	p = dur_bma_default_params();
	p.top = 0;
	run(t, &p, &r);
	assert_int_equal(r.ntop, 0);
	dur_bma_result_release(&r);
	assert_int_equal(dur_bma_iterate(NULL, &e), DUR_EINVAL);
	assert_true(dur_bma_progress(NULL) == 0);
	dur_table_free(t);
	dur_table_free(big);
	dur_table_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bma_graph_counts),
		cmocka_unit_test(test_bma_decompose),
		cmocka_unit_test(test_bma_hand_marginal_likelihoods),
		cmocka_unit_test(test_bma_hand_posterior),
		cmocka_unit_test(test_bma_pruning_bound),
		cmocka_unit_test(test_bma_dga_reference),
		cmocka_unit_test(test_bma_dga_six_lists),
		cmocka_unit_test(test_bma_list_order_invariance),
		cmocka_unit_test(test_bma_thread_invariance),
		cmocka_unit_test(test_bma_iterate),
		cmocka_unit_test(test_bma_bad_inputs),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
