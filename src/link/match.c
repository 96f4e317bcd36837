/*
 * Matching encodings: candidate pairs (those sharing a blocking key, or
 * all pairs: length filter, tiled popcount kernel) scored on several
 * threads, each record's best kept, the threshold chosen from the scores
 * (mixture.c), a greedy one-to-one assignment per pair of lists, and
 * people across lists formed by joining pairs in descending score while
 * refusing weak bridges.  Also the result type, its conversions (capture
 * table, histories, drawn tables) and its writers.
 *
 * Thread-count invariance: every A record's kept candidates depend on its
 * own scores only (ties broken by record number); the best scores of B
 * records are kept per thread and merged by maximum; everything after
 * scoring is sequential.  So results are identical for any thread count.
 */
#include "link_internal.h"

#include <math.h>
#include <pthread.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include <gsl/gsl_rng.h>
#include <duress/rng.h>
#include <duress/table.h>

/* Candidate pairs are kept in memory: cap them. */
#define MATCH_MAX_CANDIDATES ((size_t)200 * 1000 * 1000)
/* B filters per tile: 512 x 128 bytes = 64 KiB stays in L2 while a chunk
   of A filters streams past it. */
#define MATCH_TILE 512
/* A records per unit of work handed to a thread. */
#define MATCH_CHUNK 256
#define MATCH_MAX_THREADS 256

void dur_link_result_free(struct dur_link_result *r)
{
	if (!r)
		return;
	for (size_t l = 0; l < r->nlists; l++) {
		if (r->names)
			free(r->names[l]);
		if (r->ids && r->ids[l]) {
			for (size_t i = 0; i < r->nrec[l]; i++)
				free(r->ids[l][i]);
			free(r->ids[l]);
		}
		if (r->cluster)
			free(r->cluster[l]);
	}
	free(r->names);
	free(r->ids);
	free(r->cluster);
	free(r->nrec);
	free(r->pairs);
	free(r->cands);
	free(r);
}

dur_err link_result_init(struct dur_link_result **out, size_t nlists,
			 const char *const *names, const size_t *nrec, struct dur_error *err)
{
	struct dur_link_result *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	r->nlists = nlists;
	r->names = calloc(nlists, sizeof(*r->names));
	r->nrec = calloc(nlists, sizeof(*r->nrec));
	r->ids = calloc(nlists, sizeof(*r->ids));
	r->cluster = calloc(nlists, sizeof(*r->cluster));
	if (!r->names || !r->nrec || !r->ids || !r->cluster)
		goto oom;
	for (size_t l = 0; l < nlists; l++) {
		r->nrec[l] = nrec[l];
		r->names[l] = malloc(strlen(names[l]) + 1);
		r->ids[l] = calloc(nrec[l] ? nrec[l] : 1, sizeof(char *));
		r->cluster[l] = calloc(nrec[l] ? nrec[l] : 1, sizeof(uint32_t));
		if (!r->names[l] || !r->ids[l] || !r->cluster[l])
			goto oom;
		strcpy(r->names[l], names[l]);
	}
	*out = r;
	return DUR_OK;
oom:
	dur_link_result_free(r);
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static int cmp_pair(const void *x, const void *y)
{
	const struct dur_link_pair *a = x, *b = y;
	if (a->list_a != b->list_a)
		return a->list_a < b->list_a ? -1 : 1;
	if (a->list_b != b->list_b)
		return a->list_b < b->list_b ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->rec_a != b->rec_a)
		return a->rec_a < b->rec_a ? -1 : 1;
	if (a->rec_b != b->rec_b)
		return a->rec_b < b->rec_b ? -1 : 1;
	return 0;
}

void link_sort_pairs(struct dur_link_pair *p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_pair);
}

size_t link_greedy_one_to_one(struct dur_link_pair *p, size_t n, size_t na, size_t nb,
			      unsigned char *used_a, unsigned char *used_b)
{
	size_t k = 0;

	memset(used_a, 0, na);
	memset(used_b, 0, nb);
	link_sort_pairs(p, n);
	/* Greedy by descending score (ties by record order, so the result does
	   not depend on the input order).  Unlike the Hungarian method it does
	   not maximise the total score, but on sparse candidate graphs the two
	   rarely differ and greedy is what anonlink does. */
	for (size_t i = 0; i < n; i++) {
		if (used_a[p[i].rec_a] || used_b[p[i].rec_b])
			continue;
		used_a[p[i].rec_a] = used_b[p[i].rec_b] = 1;
		p[k++] = p[i];
	}
	return k;
}

/* ---- clustering ---- */

struct clus {
	size_t *parent;   /* union-find */
	size_t *next;     /* members as a circular list */
	size_t *size;
	uint32_t *list;   /* list of each global record */
};

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

dur_err link_cluster(struct dur_link_result *r, int one_per_list, double bridge,
		     link_score_fn score, void *ctx, struct dur_error *err)
{
	size_t total = 0, *off, k = 0, kept = 0;
	struct clus c = { 0 };
	struct dur_link_pair *order = NULL;
	uint32_t *cid = NULL;
	dur_err rc = DUR_OK;

	off = calloc(r->nlists + 1, sizeof(*off));
	if (!off)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t l = 0; l < r->nlists; l++) {
		off[l] = total;
		total += r->nrec[l];
	}
	off[r->nlists] = total;
	c.parent = malloc((total ? total : 1) * sizeof(size_t));
	c.next = malloc((total ? total : 1) * sizeof(size_t));
	c.size = malloc((total ? total : 1) * sizeof(size_t));
	c.list = malloc((total ? total : 1) * sizeof(uint32_t));
	cid = malloc((total ? total : 1) * sizeof(uint32_t));
	order = malloc((r->npairs ? r->npairs : 1) * sizeof(*order));
	if (!c.parent || !c.next || !c.size || !c.list || !cid || !order) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t l = 0; l < r->nlists; l++)
		for (size_t i = 0; i < r->nrec[l]; i++) {
			size_t g = off[l] + i;
			c.parent[g] = c.next[g] = g;
			c.size[g] = 1;
			c.list[g] = (uint32_t)l;
		}
	/* strongest pairs first, across all pairs of lists */
	if (r->npairs)  /* r->pairs may be NULL */
		memcpy(order, r->pairs, r->npairs * sizeof(*order));
	for (size_t i = 0; i < r->npairs; i++)
		order[i].list_a = order[i].list_b = 0;  /* sort by score only */
	/* keep the list numbers in the global index instead */
	for (size_t i = 0; i < r->npairs; i++) {
		order[i].rec_a = (uint32_t)(off[r->pairs[i].list_a] + r->pairs[i].rec_a);
		order[i].rec_b = (uint32_t)(off[r->pairs[i].list_b] + r->pairs[i].rec_b);
	}
	link_sort_pairs(order, r->npairs);
	for (size_t i = 0; i < r->npairs; i++) {
		size_t x = order[i].rec_a, y = order[i].rec_b;
		size_t cx = uf_find(c.parent, x), cy = uf_find(c.parent, y);
		int ok = 1;
		size_t mx, my;

		if (cx == cy)
			continue;
		/* two records of one list cannot be one person (linkage) */
		if (one_per_list) {
			mx = cx;
			do {
				my = cy;
				do {
					if (c.list[mx] == c.list[my])
						ok = 0;
					my = c.next[my];
				} while (ok && my != cy);
				mx = c.next[mx];
			} while (ok && mx != cx);
		}
		/* a weak bridge: some record of one side clearly differs from some
		   record of the other (complete linkage at the bridge threshold) */
		if (ok && (c.size[cx] > 1 || c.size[cy] > 1)) {
			mx = cx;
			do {
				my = cy;
				do {
					double s;
					if (!(mx == x && my == y) &&
					    (!score(ctx, mx, my, &s) || s < bridge))
						ok = 0;
					my = c.next[my];
				} while (ok && my != cy);
				mx = c.next[mx];
			} while (ok && mx != cx);
		}
		if (!ok) {
			r->bridges_refused++;
			continue;
		}
		/* join: splice the circular lists, attach the smaller tree */
		{
			size_t t = c.next[cx];
			c.next[cx] = c.next[cy];
			c.next[cy] = t;
		}
		if (c.size[cx] < c.size[cy]) {
			size_t t = cx;
			cx = cy;
			cy = t;
		}
		c.parent[cy] = cx;
		c.size[cx] += c.size[cy];
	}
	/* number people in order of their first record */
	for (size_t g = 0; g < total; g++)
		cid[g] = UINT32_MAX;
	for (size_t l = 0; l < r->nlists; l++)
		for (size_t i = 0; i < r->nrec[l]; i++) {
			size_t root = uf_find(c.parent, off[l] + i);
			if (cid[root] == UINT32_MAX)
				cid[root] = (uint32_t)k++;
			r->cluster[l][i] = cid[root];
		}
	r->nclusters = k;
	/* keep only the pairs whose records ended up as one person */
	for (size_t i = 0; i < r->npairs; i++) {
		const struct dur_link_pair *p = &r->pairs[i];
		if (r->cluster[p->list_a][p->rec_a] == r->cluster[p->list_b][p->rec_b])
			r->pairs[kept++] = *p;
	}
	r->npairs = kept;
	link_sort_pairs(r->pairs, r->npairs);
out:
	free(off);
	free(c.parent);
	free(c.next);
	free(c.size);
	free(c.list);
	free(cid);
	free(order);
	return rc;
}

/* ---- encodings ---- */

struct enc_ctx {
	const struct dur_link_encodings *const *lists;
	size_t nlists;
	size_t *off;
};

static int enc_score(void *vctx, size_t ga, size_t gb, double *s)
{
	struct enc_ctx *c = vctx;
	size_t la = 0, lb = 0;
	while (la + 1 < c->nlists && c->off[la + 1] <= ga)
		la++;
	while (lb + 1 < c->nlists && c->off[lb + 1] <= gb)
		lb++;
	{
		const struct dur_link_encodings *A = c->lists[la], *B = c->lists[lb];
		*s = dur_link_dice(A->filters + (ga - c->off[la]) * A->words,
				   B->filters + (gb - c->off[lb]) * B->words, A->words);
	}
	return 1;
}

struct dur_link_match_params dur_link_match_default_params(const dur_link_schema *s)
{
	struct dur_link_match_params p;
	memset(&p, 0, sizeof(p));
	p.threshold = 0.0;
	p.bridge_threshold = 0.0;
	p.fallback = s ? s->threshold : 0.8;
	p.fallback_bridge = s ? s->bridge_threshold : p.fallback - 0.1;
	p.kernel = DUR_LINK_KERNEL_AUTO;
	p.threads = 0;
	p.blocking = 1;
	p.max_bucket = 20000;
	p.keep = 8;
	p.floor = 0.4;
	p.max_iter = 500;
	p.tol = 1e-9;
	p.min_separation = 2.0;
	p.min_scores = 200;
	return p;
}

struct growbuf {
	struct dur_link_pair *p;
	size_t n, cap;
};

static dur_err push_pair(struct growbuf *g, struct dur_link_pair x, struct dur_error *err)
{
	if (g->n == g->cap) {
		size_t nc = g->cap ? 2 * g->cap : 1024;
		struct dur_link_pair *np;
		if (nc > MATCH_MAX_CANDIDATES)
			nc = MATCH_MAX_CANDIDATES;
		if (g->n >= nc)
			return dur_error_set(err, DUR_ELIMIT,
					     "over %zu candidate pairs: give fewer records or "
					     "a smaller keep", MATCH_MAX_CANDIDATES);
		np = realloc(g->p, nc * sizeof(*np));
		if (!np)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		g->p = np;
		g->cap = nc;
	}
	g->p[g->n++] = x;
	return DUR_OK;
}

struct by_weight {
	uint32_t w;
	uint32_t i;
};

static int cmp_weight(const void *x, const void *y)
{
	const struct by_weight *a = x, *b = y;
	if (a->w != b->w)
		return a->w < b->w ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* One blocking key of a B record, for the sorted index of a band. */
struct bkey {
	uint32_t key;
	uint32_t i;
};

static int cmp_bkey(const void *x, const void *y)
{
	const struct bkey *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

#define BIX_BITS 16

/* The work of one pair of lists, shared by its threads. */
struct pairjob {
	const struct dur_link_encodings *A, *B;
	enum dur_link_kernel kern;
	double floor;
	size_t keep;
	/* all pairs: A by weight, B by weight copied contiguously */
	struct by_weight *oa, *ob;
	uint64_t *bf;
	uint32_t *bw;
	/* blocking: per band the B keys sorted, and where each key's top
	   BIX_BITS bits start */
	int blocking;
	size_t bands;
	struct bkey *bix;
	uint32_t *bstart;         /* bands x (2^BIX_BITS + 1) */
	unsigned char *bigkey;    /* bands x nB: the key of B record i in band b
				     is in a bucket too large to use */
	size_t max_bucket;
	/* per A record: its best candidates, descending (score, then rec) */
	double *ks;
	uint32_t *kj;
	uint32_t *kn;
	/* hand-out of chunks */
	pthread_mutex_t lock;
	size_t next;
	size_t nchunks;
};

struct worker {
	struct pairjob *job;
	double *b1, *b2;          /* best two scores of each B record */
	uint32_t *stamp;          /* blocking: last A record that saw B record j */
	uint32_t *cand, *cnt;
	size_t ncomp;
};

/* Keep (s, j) among the best `keep` candidates of A record a. */
static void keep_best(struct pairjob *J, size_t a, double s, uint32_t j)
{
	double *ks = J->ks + a * J->keep;
	uint32_t *kj = J->kj + a * J->keep;
	size_t n = J->kn[a], pos;

	if (n == J->keep) {
		if (s < ks[n - 1] || (s == ks[n - 1] && j > kj[n - 1]))
			return;
		n--;
	} else {
		J->kn[a]++;
	}
	pos = n;
	while (pos > 0 && (ks[pos - 1] < s || (ks[pos - 1] == s && kj[pos - 1] > j))) {
		ks[pos] = ks[pos - 1];
		kj[pos] = kj[pos - 1];
		pos--;
	}
	ks[pos] = s;
	kj[pos] = j;
}

static void best_two(double *b1, double *b2, double s)
{
	if (s > *b1) {
		*b2 = *b1;
		*b1 = s;
	} else if (s > *b2) {
		*b2 = s;
	}
}

/* The score from which a pair may enter A record a's best. */
static double bar(const struct pairjob *J, size_t a)
{
	return J->kn[a] == J->keep ? fmax(J->floor, J->ks[a * J->keep + J->keep - 1]) : J->floor;
}

static int take_chunk(struct pairjob *J, size_t *c)
{
	int ok;
	pthread_mutex_lock(&J->lock);
	ok = J->next < J->nchunks;
	if (ok)
		*c = J->next++;
	pthread_mutex_unlock(&J->lock);
	return ok;
}

/* All pairs of a chunk of A (in weight order) with every tile of B. */
static void chunk_all_pairs(struct worker *W, size_t c)
{
	struct pairjob *J = W->job;
	const struct dur_link_encodings *A = J->A;
	size_t words = A->words, nb = J->B->n;
	size_t i0 = c * MATCH_CHUNK, i1 = i0 + MATCH_CHUNK < A->n ? i0 + MATCH_CHUNK : A->n;
	double t = J->floor;

	for (size_t t0 = 0; t0 < nb; t0 += MATCH_TILE) {
		size_t t1 = t0 + MATCH_TILE < nb ? t0 + MATCH_TILE : nb;
		for (size_t ii = i0; ii < i1; ii++) {
			uint32_t wa = J->oa[ii].w;
			size_t a = J->oa[ii].i;
			const uint64_t *fa = A->filters + a * words;
			/* Dice <= 2 min(wa, wb) / (wa + wb): only weights within
			   [wa t/(2-t), wa (2-t)/t] can reach t */
			double lo_d = floor((double)wa * t / (2.0 - t)) - 1.0;
			double hi_d = ceil((double)wa * (2.0 - t) / t) + 1.0;
			size_t lo, hi, x, y;

			if (wa == 0)
				continue;
			x = t0;
			y = t1;
			while (x < y) {
				size_t mid = x + (y - x) / 2;
				if ((double)J->bw[mid] < lo_d)
					x = mid + 1;
				else
					y = mid;
			}
			lo = x;
			y = t1;
			while (x < y) {
				size_t mid = x + (y - x) / 2;
				if ((double)J->bw[mid] <= hi_d)
					x = mid + 1;
				else
					y = mid;
			}
			hi = x;
			if (lo >= hi)
				continue;
			dur_link_and_popcount(J->kern, fa, J->bf + lo * words, hi - lo, words, W->cnt);
			W->ncomp += hi - lo;
			/* no division per pair: s >= x is 2c >= x (wa + wb); the best
			   two of B are indexed by sorted position (contiguous within
			   the tile) and mapped back after the threads are done */
			{
				double bb = bar(J, a), fl = J->floor;
				double *b1 = W->b1, *b2 = W->b2;
				for (size_t j = lo; j < hi; j++) {
					double sum = (double)(wa + J->bw[j]);
					double twoc = 2.0 * (double)W->cnt[j - lo];
					if (twoc < fl * sum)
						continue;
					if (twoc > b2[j] * sum)
						best_two(&b1[j], &b2[j], twoc / sum);
					if (twoc >= bb * sum) {
						keep_best(J, a, twoc / sum, J->ob[j].i);
						bb = bar(J, a);
					}
				}
			}
		}
	}
}

/* The pairs of a chunk of A records that share a blocking key. */
static void chunk_blocked(struct worker *W, size_t c)
{
	struct pairjob *J = W->job;
	const struct dur_link_encodings *A = J->A, *B = J->B;
	size_t words = A->words, nb = B->n;
	size_t i0 = c * MATCH_CHUNK, i1 = i0 + MATCH_CHUNK < A->n ? i0 + MATCH_CHUNK : A->n;

	for (size_t a = i0; a < i1; a++) {
		const uint64_t *fa = A->filters + a * words;
		uint32_t wa = A->weight[a];
		size_t nc = 0;
		if (wa == 0)
			continue;
		for (size_t b = 0; b < J->bands; b++) {
			uint32_t key = A->bandkey[a * J->bands + b], h = key >> (32 - BIX_BITS);
			const uint32_t *st = J->bstart + b * (((size_t)1 << BIX_BITS) + 1);
			const struct bkey *bx = J->bix + b * nb;
			size_t x = st[h], y = st[h + 1], lo, hi;
			if (key == 0)
				continue;
			while (x < y) {
				size_t mid = x + (y - x) / 2;
				if (bx[mid].key < key)
					x = mid + 1;
				else
					y = mid;
			}
			lo = x;
			y = st[h + 1];
			while (x < y) {
				size_t mid = x + (y - x) / 2;
				if (bx[mid].key <= key)
					x = mid + 1;
				else
					y = mid;
			}
			hi = x;
			/* a key that very many records share says little (a
			   frequent token set): skipped, and counted when the
			   index is built */
			if (hi - lo > J->max_bucket)
				continue;
			for (size_t k = lo; k < hi; k++) {
				uint32_t j = bx[k].i;
				if (W->stamp[j] == (uint32_t)a + 1)
					continue;
				W->stamp[j] = (uint32_t)a + 1;
				W->cand[nc++] = j;
			}
		}
		for (size_t k = 0; k < nc; k++) {
			uint32_t j = W->cand[k], cnt, sum = wa + B->weight[j];
			double s;
			if (B->weight[j] == 0)
				continue;
			dur_link_and_popcount(J->kern, fa, B->filters + (size_t)j * words, 1, words,
					      &cnt);
			W->ncomp++;
			if (2.0 * (double)cnt < J->floor * (double)sum)
				continue;
			s = 2.0 * (double)cnt / (double)sum;
			if (s > W->b2[j])
				best_two(&W->b1[j], &W->b2[j], s);
			if (s >= bar(J, a))
				keep_best(J, a, s, j);
		}
	}
}

static void *work(void *arg)
{
	struct worker *W = arg;
	size_t c;
	while (take_chunk(W->job, &c)) {
		if (W->job->blocking)
			chunk_blocked(W, c);
		else
			chunk_all_pairs(W, c);
	}
	return NULL;
}

static unsigned ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MATCH_MAX_THREADS ? MATCH_MAX_THREADS : (unsigned)n;
}

/* The blocking index of B: per band its keys sorted, with a table of
   where each value of the top BIX_BITS bits starts. */
static dur_err build_index(struct pairjob *J, size_t *skipped, struct dur_error *err)
{
	const struct dur_link_encodings *B = J->B;
	size_t nb = B->n, nst = ((size_t)1 << BIX_BITS) + 1;

	J->bix = malloc(J->bands * (nb ? nb : 1) * sizeof(*J->bix));
	J->bstart = calloc(J->bands * nst, sizeof(uint32_t));
	if (!J->bix || !J->bstart)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t b = 0; b < J->bands; b++) {
		struct bkey *bx = J->bix + b * nb;
		uint32_t *st = J->bstart + b * nst;
		size_t n = 0, k = 0;
		for (size_t i = 0; i < nb; i++)
			if (B->weight[i] && B->bandkey[i * J->bands + b]) {
				bx[n].key = B->bandkey[i * J->bands + b];
				bx[n++].i = (uint32_t)i;
			}
		qsort(bx, n, sizeof(*bx), cmp_bkey);
		for (size_t i = 0; i < n;) {
			size_t e = i;
			while (e < n && bx[e].key == bx[i].key)
				e++;
			*skipped += e - i > J->max_bucket;
			i = e;
		}
		/* unused slots get key 0, which no A record looks up */
		for (size_t i = n; i < nb; i++)
			bx[i].key = 0;
		for (size_t h = 0; h + 1 < nst; h++) {
			while (k < n && (bx[k].key >> (32 - BIX_BITS)) < h)
				k++;
			st[h] = (uint32_t)k;
		}
		st[nst - 1] = (uint32_t)n;
	}
	return DUR_OK;
}

/*
 * Score one pair of lists on `threads` threads: each A record's best
 * `keep` candidates scoring at least `floor` go to `cand` (score order),
 * each record's best and second-best score to the mixture's points.
 */
static dur_err score_pair(const struct dur_link_encodings *A, const struct dur_link_encodings *B,
			  uint32_t la, uint32_t lb, const struct dur_link_match_params *p,
			  double floor_, unsigned threads, struct growbuf *cand, double **pts,
			  unsigned char **sec, size_t *npts, size_t *ptcap,
			  struct dur_link_result *r, struct dur_error *err)
{
	struct pairjob J;
	struct worker *W = NULL;
	pthread_t *th = NULL;
	size_t na = A->n, nb = B->n, words = A->words;
	unsigned nt = threads, started = 0;
	dur_err rc = DUR_OK;

	memset(&J, 0, sizeof(J));
	if (na == 0 || nb == 0)
		return DUR_OK;
	J.A = A;
	J.B = B;
	J.kern = p->kernel;
	J.floor = floor_;
	J.keep = p->keep;
	J.max_bucket = p->max_bucket;
	J.blocking = p->blocking && A->bands > 0 && A->bands == B->bands;
	J.bands = A->bands;
	J.nchunks = (na + MATCH_CHUNK - 1) / MATCH_CHUNK;
	if (nt > J.nchunks)
		nt = (unsigned)J.nchunks;
	if (pthread_mutex_init(&J.lock, NULL))
		return dur_error_set(err, DUR_ENOMEM, "cannot create a lock");
	J.ks = malloc(na * J.keep * sizeof(double));
	J.kj = malloc(na * J.keep * sizeof(uint32_t));
	J.kn = calloc(na, sizeof(uint32_t));
	W = calloc(nt, sizeof(*W));
	th = calloc(nt, sizeof(*th));
	if (!J.ks || !J.kj || !J.kn || !W || !th)
		goto oom;
	if (J.blocking) {
		if ((rc = build_index(&J, &r->buckets_skipped, err)))
			goto out;
	} else {
		J.oa = malloc(na * sizeof(*J.oa));
		J.ob = malloc(nb * sizeof(*J.ob));
		J.bf = malloc(nb * words * sizeof(uint64_t));
		J.bw = malloc(nb * sizeof(uint32_t));
		if (!J.oa || !J.ob || !J.bf || !J.bw)
			goto oom;
		for (size_t j = 0; j < nb; j++) {
			J.ob[j].w = B->weight[j];
			J.ob[j].i = (uint32_t)j;
		}
		qsort(J.ob, nb, sizeof(*J.ob), cmp_weight);
		for (size_t j = 0; j < nb; j++) {
			memcpy(J.bf + j * words, B->filters + (size_t)J.ob[j].i * words,
			       words * sizeof(uint64_t));
			J.bw[j] = J.ob[j].w;
		}
		for (size_t i = 0; i < na; i++) {
			J.oa[i].w = A->weight[i];
			J.oa[i].i = (uint32_t)i;
		}
		qsort(J.oa, na, sizeof(*J.oa), cmp_weight);
	}
	for (unsigned t = 0; t < nt; t++) {
		W[t].job = &J;
		W[t].b1 = malloc(nb * sizeof(double));
		W[t].b2 = malloc(nb * sizeof(double));
		W[t].cnt = malloc(MATCH_TILE * sizeof(uint32_t));
		if (J.blocking) {
			W[t].stamp = calloc(nb, sizeof(uint32_t));
			W[t].cand = malloc(nb * sizeof(uint32_t));
		}
		if (!W[t].b1 || !W[t].b2 || !W[t].cnt || (J.blocking && (!W[t].stamp || !W[t].cand)))
			goto oom;
		for (size_t j = 0; j < nb; j++)
			W[t].b1[j] = W[t].b2[j] = -1.0;
	}
	/* the calling thread is worker 0 */
	for (unsigned t = 1; t < nt; t++) {
		if (pthread_create(&th[t], NULL, work, &W[t]))
			break;
		started = t;
	}
	work(&W[0]);
	for (unsigned t = 1; t <= started; t++)
		pthread_join(th[t], NULL);
	/* a thread that could not start left its chunks to the others */
	for (unsigned t = 0; t < nt; t++)
		r->comparisons += W[t].ncomp;
	for (unsigned t = 1; t < nt; t++)
		for (size_t j = 0; j < nb; j++) {
			best_two(&W[0].b1[j], &W[0].b2[j], W[t].b1[j]);
			best_two(&W[0].b1[j], &W[0].b2[j], W[t].b2[j]);
		}
	if (!J.blocking) {
		/* from sorted positions back to B's record numbers */
		double *t1 = malloc(nb * sizeof(double)), *t2 = malloc(nb * sizeof(double));
		if (!t1 || !t2) {
			free(t1);
			free(t2);
			goto oom;
		}
		for (size_t j = 0; j < nb; j++) {
			t1[J.ob[j].i] = W[0].b1[j];
			t2[J.ob[j].i] = W[0].b2[j];
		}
		free(W[0].b1);
		free(W[0].b2);
		W[0].b1 = t1;
		W[0].b2 = t2;
	}
	/* candidates, and the mixture's points: best and second best of
	   every record that has them */
	{
		size_t need = *npts + 2 * (na + nb);
		if (need > *ptcap) {
			double *np = realloc(*pts, need * sizeof(double));
			unsigned char *ns;
			if (!np)
				goto oom;
			*pts = np;
			ns = realloc(*sec, need);
			if (!ns)
				goto oom;
			*sec = ns;
			*ptcap = need;
		}
	}
	for (size_t a = 0; a < na; a++) {
		for (size_t k = 0; k < J.kn[a]; k++) {
			uint32_t j = J.kj[a * J.keep + k];
			double sc = J.ks[a * J.keep + k];
			/* only a pair that is the best candidate of both its records
			   may be linked (mutual best): when a list holds two records
			   of one person, the one left over must not take its second
			   choice, nor a record its second choice either */
			struct dur_link_pair x = { la, (uint32_t)a, lb, j, sc, -1.0,
						   k == 0 && sc >= W[0].b1[j] };
			if ((rc = push_pair(cand, x, err)))
				goto out;
		}
		for (size_t k = 0; k < J.kn[a] && k < 2; k++) {
			(*pts)[*npts] = J.ks[a * J.keep + k];
			(*sec)[(*npts)++] = k == 1;
		}
	}
	for (size_t j = 0; j < nb; j++) {
		if (W[0].b1[j] >= floor_) {
			(*pts)[*npts] = W[0].b1[j];
			(*sec)[(*npts)++] = 0;
		}
		if (W[0].b2[j] >= floor_) {
			(*pts)[*npts] = W[0].b2[j];
			(*sec)[(*npts)++] = 1;
		}
	}
	goto out;
oom:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
out:
	if (W)
		for (unsigned t = 0; t < nt; t++) {
			free(W[t].b1);
			free(W[t].b2);
			free(W[t].cnt);
			free(W[t].stamp);
			free(W[t].cand);
		}
	free(W);
	free(th);
	free(J.ks);
	free(J.kj);
	free(J.kn);
	free(J.oa);
	free(J.ob);
	free(J.bf);
	free(J.bw);
	free(J.bix);
	free(J.bstart);
	pthread_mutex_destroy(&J.lock);
	return rc;
}

/*
 * From candidate pairs (sorted as pairs: by list pair, then score) to
 * people: per pair of lists those scoring >= t, greedily one to one; then
 * clustering.  `take` (may be NULL) says which candidates may be used.
 * r->pairs is replaced.
 */
static dur_err assemble(struct dur_link_result *r, const struct dur_link_pair *cand, size_t nc,
			const unsigned char *take, double t, double bridge, struct enc_ctx *ctx,
			struct dur_error *err)
{
	struct growbuf all = { 0 };
	struct dur_link_pair *tmp = NULL;
	unsigned char *ua = NULL, *ub = NULL;
	size_t maxn = 0;
	dur_err rc = DUR_OK;

	for (size_t l = 0; l < r->nlists; l++)
		if (r->nrec[l] > maxn)
			maxn = r->nrec[l];
	tmp = malloc((nc ? nc : 1) * sizeof(*tmp));
	ua = malloc(maxn + 1);
	ub = malloc(maxn + 1);
	if (!tmp || !ua || !ub) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	free(r->pairs);
	r->pairs = NULL;
	r->npairs = 0;
	r->bridges_refused = 0;
	for (size_t i = 0; i < nc;) {
		size_t e = i, n = 0, k;
		while (e < nc && cand[e].list_a == cand[i].list_a && cand[e].list_b == cand[i].list_b)
			e++;
		for (size_t q = i; q < e; q++)
			if (cand[q].score >= t && cand[q].best && (!take || take[q]))
				tmp[n++] = cand[q];
		k = link_greedy_one_to_one(tmp, n, r->nrec[cand[i].list_a], r->nrec[cand[i].list_b],
					   ua, ub);
		for (size_t q = 0; q < k; q++)
			if ((rc = push_pair(&all, tmp[q], err)))
				goto out;
		i = e;
	}
	r->pairs = all.p;
	r->npairs = all.n;
	all.p = NULL;
	rc = link_cluster(r, 1, bridge, enc_score, ctx, err);
out:
	free(all.p);
	free(tmp);
	free(ua);
	free(ub);
	return rc;
}

dur_err dur_link_match(const struct dur_link_encodings *const *lists, const char *const *names,
		       size_t nlists, const struct dur_link_match_params *params,
		       struct dur_link_result **out, struct dur_error *err)
{
	struct dur_link_match_params p;
	struct dur_link_result *r = NULL;
	struct growbuf cand = { 0 };
	struct enc_ctx ctx = { lists, nlists, NULL };
	struct link_mix_params mp;
	struct link_mix mix;
	size_t *nrec = NULL, npts = 0, ptcap = 0;
	double *pts = NULL, floor_;
	unsigned char *sec = NULL;
	unsigned threads;
	dur_err rc = DUR_OK;

	*out = NULL;
	p = params ? *params : dur_link_match_default_params(NULL);
	if (nlists < 2)
		return dur_error_set(err, DUR_EINVAL, "at least two lists are needed");
	if (nlists > 30)
		return dur_error_set(err, DUR_EINVAL, "at most 30 lists can be linked");
	if (!(p.threshold >= 0.0 && p.threshold <= 1.0) || !(p.bridge_threshold >= 0.0 &&
							      p.bridge_threshold <= 1.0) ||
	    !(p.fallback > 0.0 && p.fallback <= 1.0) ||
	    !(p.fallback_bridge >= 0.0 && p.fallback_bridge <= 1.0) ||
	    !(p.floor > 0.0 && p.floor <= 1.0))
		return dur_error_set(err, DUR_EINVAL, "thresholds must be within 0 to 1");
	if (p.keep < 2 || p.keep > 1024 || p.max_bucket < 1 || p.max_iter < 1 || !(p.tol > 0) ||
	    !(p.min_separation >= 0))
		return dur_error_set(err, DUR_EINVAL, "bad matching parameters (keep 2 to 1024, "
				     "max_bucket, max_iter and tol above 0)");
	if (!dur_link_kernel_available(p.kernel))
		return dur_error_set(err, DUR_EINVAL, "this CPU cannot run the %s kernel",
				     dur_link_kernel_name(p.kernel));
	if (p.kernel == DUR_LINK_KERNEL_AUTO)
		p.kernel = dur_link_kernel_best();
	threads = p.threads ? p.threads : ncores();
	if (threads > MATCH_MAX_THREADS)
		threads = MATCH_MAX_THREADS;
	for (size_t l = 1; l < nlists; l++) {
		if (memcmp(lists[l]->schema_hash, lists[0]->schema_hash, DUR_LINK_HASH_BYTES) ||
		    lists[l]->bits != lists[0]->bits || lists[l]->flags != lists[0]->flags ||
		    lists[l]->bands != lists[0]->bands)
			return dur_error_set(err, DUR_ESCHEMA,
					     "'%s' and '%s' were encoded with different schemas",
					     names[0], names[l]);
		if (sodium_memcmp(lists[l]->key_check, lists[0]->key_check,
				  DUR_LINK_KEYCHECK_BYTES) != 0)
			return dur_error_set(err, DUR_EKEY,
					     "'%s' and '%s' were encoded with different secrets "
					     "(all parties must use the same secret)", names[0],
					     names[l]);
	}
	nrec = malloc(nlists * sizeof(*nrec));
	ctx.off = malloc((nlists + 1) * sizeof(size_t));
	if (!nrec || !ctx.off) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	ctx.off[0] = 0;
	for (size_t l = 0; l < nlists; l++) {
		nrec[l] = lists[l]->n;
		ctx.off[l + 1] = ctx.off[l] + lists[l]->n;
	}
	if (ctx.off[nlists] > UINT32_MAX / 2) {
		rc = dur_error_set(err, DUR_ELIMIT, "too many records");
		goto out;
	}
	if ((rc = link_result_init(&r, nlists, names, nrec, err)))
		goto out;
	for (size_t l = 0; l < nlists; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			r->ids[l][i] = malloc(strlen(lists[l]->id[i]) + 1);
			if (!r->ids[l][i]) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			strcpy(r->ids[l][i], lists[l]->id[i]);
		}
	/* a given threshold below the floor lowers it, so that every pair it
	   accepts is kept */
	floor_ = p.threshold > 0 && p.threshold < p.floor ? p.threshold : p.floor;
	for (size_t a = 0; a < nlists; a++)
		for (size_t b = a + 1; b < nlists; b++) {
			r->all_pairs += lists[a]->n * lists[b]->n;
			if ((rc = score_pair(lists[a], lists[b], (uint32_t)a, (uint32_t)b, &p, floor_,
					     threads, &cand, &pts, &sec, &npts, &ptcap, r, err)))
				goto out;
		}
	/* the threshold from the scores (mixture.c) */
	mp.eps = 0.5 / (double)lists[0]->bits;
	mp.fallback = p.fallback;
	mp.fallback_bridge = p.fallback_bridge;
	mp.min_separation = p.min_separation;
	mp.min_points = p.min_scores;
	mp.tol = p.tol;
	mp.max_iter = p.max_iter;
	if ((rc = link_mix_fit(pts, sec, npts, &mp, &mix, err)))
		goto out;
	r->fit.fitted = p.threshold == 0.0 && npts >= p.min_scores;
	r->fit.separated = mix.separated;
	r->fit.threshold = p.threshold > 0 ? p.threshold : mix.threshold;
	r->fit.bridge = p.bridge_threshold > 0 ? p.bridge_threshold :
			p.threshold > 0 ? fmin(p.threshold, fmin(p.fallback_bridge, mix.bridge))
					: mix.bridge;
	if (r->fit.bridge > r->fit.threshold)
		r->fit.bridge = r->fit.threshold;
	r->fit.share = mix.pi;
	r->fit.mean0 = mix.mean0;
	r->fit.sd0 = mix.sd0;
	r->fit.mean1 = mix.mean1;
	r->fit.sd1 = mix.sd1;
	r->fit.crossing = mix.crossing;
	r->fit.tail = mix.tail;
	r->fit.points = mix.points;
	r->fit.iterations = mix.iterations;
	for (size_t i = 0; i < cand.n; i++)
		cand.p[i].prob = link_mix_prob(&mix, cand.p[i].score);
	link_sort_pairs(cand.p, cand.n);
	/* a record whose every kept candidate reaches the threshold may have
	   had more */
	for (size_t i = 0; i < cand.n;) {
		size_t e = i, k = 0;
		while (e < cand.n && cand.p[e].list_a == cand.p[i].list_a &&
		       cand.p[e].list_b == cand.p[i].list_b)
			e++;
		{
			size_t na = lists[cand.p[i].list_a]->n;
			uint32_t *c = calloc(na ? na : 1, sizeof(uint32_t));
			if (!c) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			for (size_t q = i; q < e; q++)
				c[cand.p[q].rec_a] += cand.p[q].score >= r->fit.threshold;
			for (size_t x = 0; x < na; x++)
				k += c[x] >= p.keep;
			free(c);
		}
		r->truncated += k;
		i = e;
	}
	if ((rc = assemble(r, cand.p, cand.n, NULL, r->fit.threshold, r->fit.bridge, &ctx, err)))
		goto out;
	r->cands = cand.p;
	r->ncands = cand.n;
	cand.p = NULL;
	*out = r;
	r = NULL;
out:
	free(cand.p);
	free(pts);
	free(sec);
	free(nrec);
	free(ctx.off);
	dur_link_result_free(r);
	return rc;
}

/* ---- conversions ---- */

/* The lists each person is on, as bit masks (list 0 = bit 0). */
static dur_err person_masks(const struct dur_link_result *r, uint32_t **out,
			    struct dur_error *err)
{
	uint32_t *m = calloc(r->nclusters ? r->nclusters : 1, sizeof(*m));
	*out = NULL;
	if (!m)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t l = 0; l < r->nlists; l++)
		for (size_t i = 0; i < r->nrec[l]; i++)
			m[r->cluster[l][i]] |= (uint32_t)1 << l;
	*out = m;
	return DUR_OK;
}

void dur_link_histories_free(struct dur_link_histories *h)
{
	if (!h)
		return;
	free(h->mask);
	free(h->weakest);
	free(h);
}

dur_err dur_link_to_histories(const struct dur_link_result *r, struct dur_link_histories **out,
			      struct dur_error *err)
{
	struct dur_link_histories *h = calloc(1, sizeof(*h));
	dur_err rc;

	*out = NULL;
	if (!h)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	h->n = r->nclusters;
	h->nlists = r->nlists;
	h->weakest = malloc((h->n ? h->n : 1) * sizeof(double));
	if (!h->weakest) {
		dur_link_histories_free(h);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	if ((rc = person_masks(r, &h->mask, err)) != DUR_OK) {
		dur_link_histories_free(h);
		return rc;
	}
	for (size_t k = 0; k < h->n; k++)
		h->weakest[k] = -1.0;
	/* the pairs kept are exactly the links that joined each person */
	for (size_t i = 0; i < r->npairs; i++) {
		const struct dur_link_pair *p = &r->pairs[i];
		uint32_t c = r->cluster[p->list_a][p->rec_a];
		double v = p->prob >= 0 ? p->prob : p->score;
		if (h->weakest[c] < 0 || v < h->weakest[c])
			h->weakest[c] = v;
	}
	*out = h;
	return DUR_OK;
}

dur_err dur_link_draw_tables(const struct dur_link_result *r,
			     const struct dur_link_encodings *const *lists, size_t ndraws,
			     uint64_t seed, struct dur_table ***out, struct dur_error *err)
{
	struct dur_link_result *w = NULL;
	struct dur_table **t = NULL;
	struct enc_ctx ctx = { lists, r->nlists, NULL };
	unsigned char *take = NULL;
	gsl_rng *g = NULL;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (ndraws == 0 || ndraws > 100000)
		return dur_error_set(err, DUR_EINVAL, "draws must be 1 to 100000");
	for (size_t i = 0; i < r->ncands; i++)
		if (r->cands[i].prob < 0)
			return dur_error_set(err, DUR_EINVAL, "the linkage has no link "
					     "probabilities to draw from");
	if (r->nlists > DUR_TABLE_MAX_LISTS)
		return dur_error_set(err, DUR_ELIMIT, "a capture table holds at most %d lists",
				     DUR_TABLE_MAX_LISTS);
	for (size_t l = 0; l < r->nlists; l++)
		if (!lists[l] || lists[l]->n != r->nrec[l])
			return dur_error_set(err, DUR_EINVAL, "the lists are not those of the "
					     "linkage");
	if ((rc = link_result_init(&w, r->nlists, (const char *const *)r->names, r->nrec, err)))
		return rc;
	ctx.off = malloc((r->nlists + 1) * sizeof(size_t));
	t = calloc(ndraws, sizeof(*t));
	take = malloc(r->ncands ? r->ncands : 1);
	g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!ctx.off || !t || !take || !g) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	ctx.off[0] = 0;
	for (size_t l = 0; l < r->nlists; l++)
		ctx.off[l + 1] = ctx.off[l] + r->nrec[l];
	for (size_t d = 0; d < ndraws; d++) {
		gsl_rng_set(g, dur_rng_stream_seed(seed, d));
		for (size_t i = 0; i < r->ncands; i++)
			take[i] = gsl_rng_uniform(g) < r->cands[i].prob;
		/* every drawn pair is a match: no threshold but the draw */
		if ((rc = assemble(w, r->cands, r->ncands, take, -1.0, r->fit.bridge, &ctx, err)) ||
		    (rc = dur_link_result_table(w, &t[d], err)))
			goto out;
	}
	*out = t;
	t = NULL;
out:
	if (t)
		for (size_t d = 0; d < ndraws; d++)
			dur_table_free(t[d]);
	free(t);
	free(take);
	free(ctx.off);
	if (g)
		gsl_rng_free(g);
	dur_link_result_free(w);
	return rc;
}

/* ---- writers ---- */

static int put_csv_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	int q = n && (s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' || s[n - 1] == '\t');
	if (!q)
		q = strpbrk(s, ",\"\r\n") != NULL;
	if (!q)
		return fputs(s, f) < 0 ? -1 : 0;
	if (fputc('"', f) == EOF)
		return -1;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', f) == EOF)
			return -1;
		if (fputc(*s, f) == EOF)
			return -1;
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

static dur_err wfail(struct dur_error *err)
{
	return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
}

dur_err dur_link_write_pairs(const struct dur_link_result *r, FILE *f, struct dur_error *err)
{
	if (fputs("list_a,id_a,list_b,id_b,score\n", f) < 0)
		return wfail(err);
	for (size_t i = 0; i < r->npairs; i++) {
		const struct dur_link_pair *p = &r->pairs[i];
		if (put_csv_field(f, r->names[p->list_a]) || fputc(',', f) == EOF ||
		    put_csv_field(f, r->ids[p->list_a][p->rec_a]) || fputc(',', f) == EOF ||
		    put_csv_field(f, r->names[p->list_b]) || fputc(',', f) == EOF ||
		    put_csv_field(f, r->ids[p->list_b][p->rec_b]) ||
		    fprintf(f, ",%.6f\n", p->score) < 0)
			return wfail(err);
	}
	return DUR_OK;
}

static int put_header(FILE *f, const struct dur_link_result *r, const char *first,
		      const char *last)
{
	if (first && fprintf(f, "%s,", first) < 0)
		return -1;
	for (size_t l = 0; l < r->nlists; l++)
		if (put_csv_field(f, r->names[l]) || fputs(l + 1 < r->nlists ? "," : "", f) < 0)
			return -1;
	if (last && fprintf(f, ",%s", last) < 0)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

static dur_err write_hist(const struct dur_link_result *r, int weakest, FILE *f,
			  struct dur_error *err)
{
	struct dur_link_histories *h;
	dur_err rc = dur_link_to_histories(r, &h, err);
	if (rc)
		return rc;
	if (put_header(f, r, "id", weakest ? DUR_LINK_WEAKEST_COLUMN : NULL))
		goto fail;
	for (size_t k = 0; k < h->n; k++) {
		if (fprintf(f, "%zu", k + 1) < 0)
			goto fail;
		for (size_t l = 0; l < r->nlists; l++)
			if (fprintf(f, ",%u", (unsigned)((h->mask[k] >> l) & 1)) < 0)
				goto fail;
		if (weakest && (h->weakest[k] < 0 ? fputc(',', f) == EOF
				: fprintf(f, ",%.6f", h->weakest[k]) < 0))
			goto fail;
		if (fputc('\n', f) == EOF)
			goto fail;
	}
	dur_link_histories_free(h);
	return DUR_OK;
fail:
	dur_link_histories_free(h);
	return wfail(err);
}

dur_err dur_link_write_histories(const struct dur_link_result *r, FILE *f,
				 struct dur_error *err)
{
	return write_hist(r, 0, f, err);
}

dur_err dur_link_write_histories_weakest(const struct dur_link_result *r, FILE *f,
					 struct dur_error *err)
{
	return write_hist(r, 1, f, err);
}

dur_err dur_link_write_table(const struct dur_link_result *r, FILE *f, struct dur_error *err)
{
	struct dur_table *t;
	dur_err rc = dur_link_result_table(r, &t, err);
	if (rc)
		return rc;
	rc = dur_table_write_csv(t, f, err);
	dur_table_free(t);
	return rc;
}
