/*
 * graphs.c - decomposable (chordal) graphs on up to 7 labelled vertices.
 *
 * A graph is tested and decomposed by maximum cardinality search (MCS;
 * Tarjan & Yannakakis 1984, SIAM J. Comput. 13(3)): visit next the
 * unvisited vertex with the most visited neighbours (ties: the lowest
 * index, so that the decomposition is a function of the graph).  The graph
 * is chordal if and only if, for every vertex, its neighbours visited
 * before it form a clique (the reverse visiting order is then a perfect
 * elimination ordering).  The maximal cliques come out of the same search
 * (Blair & Peyton 1993, "An introduction to chordal graphs and clique
 * trees", Algorithm 4.1): a vertex whose count of visited neighbours is
 * not larger than the previous vertex's starts a new clique, made of
 * itself and those neighbours, which are its separator; otherwise it joins
 * the current clique.  The cliques in visiting order form a perfect
 * sequence, so each separator lies in an earlier clique.
 *
 * Enumeration is by testing every one of the 2^(k(k-1)/2) edge sets
 * (2,097,152 at 7 lists; each test is a few dozen bit operations).
 */
#include <string.h>
#include "mse/bma_internal.h"

int dur_bma_edge_index(int k, int i, int j)
{
	if (k < 1 || k > DUR_BMA_MAX_LISTS || i < 0 || j < 0 || i >= k || j >= k || i == j)
		return -1;
	if (i > j) {
		int s = i;
		i = j;
		j = s;
	}
	/* pairs before row i: (k-1) + (k-2) + ... + (k-i) */
	return i * (2 * k - i - 1) / 2 + (j - i - 1);
}

void dur_bma_adjacency(int k, uint32_t edges, unsigned *adj)
{
	int e = 0;
	for (int i = 0; i < k; i++)
		adj[i] = 0;
	for (int i = 0; i < k; i++)
		for (int j = i + 1; j < k; j++, e++)
			if (edges >> e & 1u) {
				adj[i] |= 1u << j;
				adj[j] |= 1u << i;
			}
}

static int popcount(unsigned x)
{
	int c = 0;
	for (; x; x &= x - 1)
		c++;
	return c;
}

int dur_bma_decompose_adj(int k, const unsigned *adj, struct dur_bma_decomp *d)
{
	unsigned visited = 0;
	int prev = -1, nc = 0;
	unsigned cl[DUR_BMA_MAX_LISTS], sp[DUR_BMA_MAX_LISTS];

	for (int step = 0; step < k; step++) {
		int v = -1, best = -1;
		for (int u = 0; u < k; u++) {
			int c;
			if (visited >> u & 1u)
				continue;
			c = popcount(adj[u] & visited);
			if (c > best) {
				best = c;
				v = u;
			}
		}
		unsigned P = adj[v] & visited;
		/* chordal iff every such P is a clique */
		for (unsigned q = P; q; q &= q - 1) {
			int u = __builtin_ctz(q);
			if ((P & ~(1u << u) & ~adj[u]) != 0)
				return 0;
		}
		if (best <= prev || nc == 0) {
			cl[nc] = P | 1u << v;
			sp[nc] = P;
			nc++;
		} else {
			cl[nc - 1] |= 1u << v;
		}
		prev = best;
		visited |= 1u << v;
	}
	if (d) {
		d->nclique = nc;
		memcpy(d->clique, cl, (size_t)nc * sizeof(*cl));
		memcpy(d->sep, sp, (size_t)nc * sizeof(*sp));
	}
	return 1;
}

int dur_bma_graph_decompose(int k, uint32_t edges, struct dur_bma_decomp *d)
{
	unsigned adj[DUR_BMA_MAX_LISTS];
	int ne;
	if (k < 1 || k > DUR_BMA_MAX_LISTS)
		return -1;
	ne = k * (k - 1) / 2;
	if (ne < 32 && (edges >> ne) != 0)
		return -1;
	dur_bma_adjacency(k, edges, adj);
	return dur_bma_decompose_adj(k, adj, d);
}

dur_err dur_bma_count_graphs(int k, uint64_t *count, struct dur_error *err)
{
	uint64_t n = 0, nmasks;
	unsigned adj[DUR_BMA_MAX_LISTS];
	if (!count)
		return dur_error_set(err, DUR_EINVAL, "no place for the count");
	if (k < 1 || k > DUR_BMA_MAX_LISTS)
		return dur_error_set(err, DUR_EINVAL,
				     "decomposable graphs are enumerated on 1 to %d lists",
				     DUR_BMA_MAX_LISTS);
	nmasks = 1ULL << (k * (k - 1) / 2);
	for (uint64_t e = 0; e < nmasks; e++) {
		dur_bma_adjacency(k, (uint32_t)e, adj);
		n += (uint64_t)dur_bma_decompose_adj(k, adj, NULL);
	}
	*count = n;
	return DUR_OK;
}
