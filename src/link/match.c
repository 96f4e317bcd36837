/*
 * Matching encodings: candidate pairs by Dice similarity (length filter,
 * tiled popcount kernel), a greedy one-to-one assignment per pair of
 * lists, and people across lists formed by joining pairs in descending
 * score while refusing weak bridges.  Also the result type and its writers.
 */
#include "link_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* Candidate pairs above the threshold are kept in memory: cap them. */
#define MATCH_MAX_CANDIDATES ((size_t)50 * 1000 * 1000)
/* B filters per tile: 512 x 128 bytes = 64 KiB stays in L2 while every A
   filter streams past it. */
#define MATCH_TILE 512

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
	p.threshold = s ? s->threshold : 0.8;
	p.bridge_threshold = s ? s->bridge_threshold : p.threshold - 0.1;
	p.kernel = DUR_LINK_KERNEL_AUTO;
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
					     "over %zu pairs score above the threshold: raise "
					     "the threshold", MATCH_MAX_CANDIDATES);
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

/*
 * All pairs (a in A, b in B) with Dice >= t.  B is sorted by weight and
 * copied contiguously; for a of weight wa only b with weight in
 * [wa t/(2-t), wa (2-t)/t] can reach t (Dice <= 2 min/(wa+wb)), found by
 * binary search.  B is walked in tiles that stay in cache while all of A
 * streams past.
 */
static dur_err candidates(const struct dur_link_encodings *A, const struct dur_link_encodings *B,
			  uint32_t la, uint32_t lb, double t, enum dur_link_kernel kern,
			  struct growbuf *g, size_t *ncomp, struct dur_error *err)
{
	size_t words = A->words, nb = B->n;
	struct by_weight *ob = NULL, *oa = NULL;
	uint64_t *bf = NULL;
	uint32_t *bw = NULL, *cnt = NULL;
	dur_err rc = DUR_OK;

	if (A->n == 0 || nb == 0)
		return DUR_OK;
	ob = malloc(nb * sizeof(*ob));
	oa = malloc(A->n * sizeof(*oa));
	bf = malloc(nb * words * sizeof(uint64_t));
	bw = malloc(nb * sizeof(uint32_t));
	cnt = malloc(MATCH_TILE * sizeof(uint32_t));
	if (!ob || !oa || !bf || !bw || !cnt) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t j = 0; j < nb; j++) {
		ob[j].w = B->weight[j];
		ob[j].i = (uint32_t)j;
	}
	qsort(ob, nb, sizeof(*ob), cmp_weight);
	for (size_t j = 0; j < nb; j++) {
		memcpy(bf + j * words, B->filters + (size_t)ob[j].i * words, words * sizeof(uint64_t));
		bw[j] = ob[j].w;
	}
	for (size_t i = 0; i < A->n; i++) {
		oa[i].w = A->weight[i];
		oa[i].i = (uint32_t)i;
	}
	qsort(oa, A->n, sizeof(*oa), cmp_weight);

	for (size_t t0 = 0; t0 < nb; t0 += MATCH_TILE) {
		size_t t1 = t0 + MATCH_TILE < nb ? t0 + MATCH_TILE : nb;
		for (size_t ii = 0; ii < A->n; ii++) {
			uint32_t wa = oa[ii].w;
			const uint64_t *fa = A->filters + (size_t)oa[ii].i * words;
			double lo_d = floor((double)wa * t / (2.0 - t)) - 1.0;
			double hi_d = ceil((double)wa * (2.0 - t) / t) + 1.0;
			size_t lo, hi, a, b;

			if (wa == 0)
				continue;
			/* first index with weight >= lo_d, first with weight > hi_d */
			a = t0;
			b = t1;
			while (a < b) {
				size_t mid = a + (b - a) / 2;
				if ((double)bw[mid] < lo_d)
					a = mid + 1;
				else
					b = mid;
			}
			lo = a;
			b = t1;
			while (a < b) {
				size_t mid = a + (b - a) / 2;
				if ((double)bw[mid] <= hi_d)
					a = mid + 1;
				else
					b = mid;
			}
			hi = a;
			if (lo >= hi)
				continue;
			dur_link_and_popcount(kern, fa, bf + lo * words, hi - lo, words, cnt);
			*ncomp += hi - lo;
			for (size_t j = lo; j < hi; j++) {
				uint32_t sum = wa + bw[j];
				double s;
				if (2.0 * (double)cnt[j - lo] < t * (double)sum)
					continue;
				s = 2.0 * (double)cnt[j - lo] / (double)sum;
				if (s >= t) {
					struct dur_link_pair p = { la, oa[ii].i, lb, ob[j].i, s };
					if ((rc = push_pair(g, p, err)))
						goto out;
				}
			}
		}
	}
out:
	free(ob);
	free(oa);
	free(bf);
	free(bw);
	free(cnt);
	return rc;
}

dur_err dur_link_match(const struct dur_link_encodings *const *lists, const char *const *names,
		       size_t nlists, const struct dur_link_match_params *params,
		       struct dur_link_result **out, struct dur_error *err)
{
	struct dur_link_match_params p;
	struct dur_link_result *r = NULL;
	struct growbuf all = { 0 }, cand = { 0 };
	struct enc_ctx ctx = { lists, nlists, NULL };
	size_t *nrec = NULL;
	unsigned char *ua = NULL, *ub = NULL;
	dur_err rc = DUR_OK;

	*out = NULL;
	p = params ? *params : dur_link_match_default_params(NULL);
	if (nlists < 2)
		return dur_error_set(err, DUR_EINVAL, "at least two lists are needed");
	if (nlists > 30)
		return dur_error_set(err, DUR_EINVAL, "at most 30 lists can be linked");
	if (!(p.threshold > 0.0 && p.threshold <= 1.0) || !(p.bridge_threshold >= 0.0 &&
							     p.bridge_threshold <= 1.0))
		return dur_error_set(err, DUR_EINVAL, "thresholds must be within 0 to 1");
	if (!dur_link_kernel_available(p.kernel))
		return dur_error_set(err, DUR_EINVAL, "this CPU cannot run the %s kernel",
				     dur_link_kernel_name(p.kernel));
	for (size_t l = 1; l < nlists; l++) {
		if (memcmp(lists[l]->schema_hash, lists[0]->schema_hash, DUR_LINK_HASH_BYTES) ||
		    lists[l]->bits != lists[0]->bits || lists[l]->flags != lists[0]->flags)
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
	for (size_t a = 0; a < nlists; a++)
		for (size_t b = a + 1; b < nlists; b++) {
			size_t k;
			cand.n = 0;
			rc = candidates(lists[a], lists[b], (uint32_t)a, (uint32_t)b, p.threshold,
					p.kernel, &cand, &r->comparisons, err);
			if (rc)
				goto out;
			free(ua);
			free(ub);
			ua = malloc(lists[a]->n + 1);
			ub = malloc(lists[b]->n + 1);
			if (!ua || !ub) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			k = link_greedy_one_to_one(cand.p, cand.n, lists[a]->n, lists[b]->n, ua, ub);
			for (size_t i = 0; i < k; i++)
				if ((rc = push_pair(&all, cand.p[i], err)))
					goto out;
		}
	r->pairs = all.p;
	r->npairs = all.n;
	all.p = NULL;
	if ((rc = link_cluster(r, 1, p.bridge_threshold, enc_score, &ctx, err)))
		goto out;
	*out = r;
	r = NULL;
out:
	free(all.p);
	free(cand.p);
	free(ua);
	free(ub);
	free(nrec);
	free(ctx.off);
	dur_link_result_free(r);
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
	return dur_error_set(err, DUR_EIO, "write failed");
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

dur_err dur_link_write_histories(const struct dur_link_result *r, FILE *f,
				 struct dur_error *err)
{
	uint32_t *m;
	dur_err rc = person_masks(r, &m, err);
	if (rc)
		return rc;
	if (put_header(f, r, "id", NULL)) {
		free(m);
		return wfail(err);
	}
	for (size_t k = 0; k < r->nclusters; k++) {
		if (fprintf(f, "%zu", k + 1) < 0)
			goto fail;
		for (size_t l = 0; l < r->nlists; l++)
			if (fprintf(f, ",%u", (unsigned)((m[k] >> l) & 1)) < 0)
				goto fail;
		if (fputc('\n', f) == EOF)
			goto fail;
	}
	free(m);
	return DUR_OK;
fail:
	free(m);
	return wfail(err);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Patterns in the order of their 0/1 strings read as binary numbers, the
   first list most significant: 0...01 first, 1...1 last. */
static uint32_t reverse_bits(uint32_t m, size_t n)
{
	uint32_t o = 0;
	for (size_t l = 0; l < n; l++)
		if (m >> l & 1)
			o |= (uint32_t)1 << (n - 1 - l);
	return o;
}

dur_err dur_link_write_table(const struct dur_link_result *r, FILE *f, struct dur_error *err)
{
	uint32_t *m;
	dur_err rc = person_masks(r, &m, err);
	if (rc)
		return rc;
	for (size_t k = 0; k < r->nclusters; k++)
		m[k] = reverse_bits(m[k], r->nlists);
	qsort(m, r->nclusters, sizeof(*m), cmp_u32);
	if (put_header(f, r, NULL, "count"))
		goto fail;
	for (size_t k = 0; k < r->nclusters;) {
		size_t e = k;
		while (e < r->nclusters && m[e] == m[k])
			e++;
		if (m[k] != 0) {
			for (size_t l = 0; l < r->nlists; l++)
				if (fprintf(f, "%u,", (unsigned)((m[k] >> (r->nlists - 1 - l)) & 1)) < 0)
					goto fail;
			if (fprintf(f, "%zu\n", e - k) < 0)
				goto fail;
		}
		k = e;
	}
	free(m);
	return DUR_OK;
fail:
	free(m);
	return wfail(err);
}
