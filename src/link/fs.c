/*
 * Linkage on plain identifiers: Fellegi & Sunter (1969) with m and u
 * estimated by EM (Winkler 1988; Jaro 1989), under conditional
 * independence of the fields given the match status.
 *
 * Candidate pairs come from blocking (the union of the schema's rules).
 * Each pair gets a comparison vector, one level per field:
 *   jaro_winkler  0 disagree, 1 partly agree (>= jw_partial), 2 agree (>= jw_agree)
 *   exact         0 disagree, 1 agree
 *   date          0 disagree, 1 two of year/month/day agree or day and month
 *                 swapped, 2 the same date
 * and a missing value on either side is neutral (the field is left out of
 * the likelihood of that pair).  Identical vectors are counted once, so EM
 * runs on patterns, not pairs.  A pair's match weight is
 *   W = sum_f log(m_f[level] / u_f[level]),
 * its match probability lambda e^W / (lambda e^W + 1 - lambda).
 */
#include "link_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEVEL_MISSING 3u
#define FS_MAX_CANDIDATES ((size_t)50 * 1000 * 1000)

struct dur_link_fs_params dur_link_fs_default_params(const dur_link_schema *s)
{
	struct dur_link_fs_params p;
	p.threshold = s ? s->plain_threshold : 0.5;
	p.bridge_threshold = 0.01;
	p.max_iter = 500;
	p.tol = 1e-8;
	p.max_block = 2000;
	p.jw_agree = 0.95;
	p.jw_partial = 0.85;
	p.prob_floor = 1e-6;
	p.u_sample = 200000;
	p.max_dup_pairs = 3;
	p.seed = 0;
	return p;
}

/* The normalised values of one list: val[r * nfields + f], NULL = missing. */
struct plist {
	size_t n;
	char **val;
	char **ids;
};

static void plist_release(struct plist *pl, size_t nf)
{
	if (pl->val)
		for (size_t i = 0; i < pl->n * nf; i++)
			free(pl->val[i]);
	free(pl->val);
	if (pl->ids)
		for (size_t i = 0; i < pl->n; i++)
			free(pl->ids[i]);
	free(pl->ids);
	memset(pl, 0, sizeof(*pl));
}

static dur_err plist_load(const dur_link_schema *s, const struct dur_csv *csv, const char *name,
			  const char *id_column, struct plist *pl, struct dur_error *err)
{
	long col[LINK_MAX_FIELDS];
	dur_err rc;

	memset(pl, 0, sizeof(*pl));
	if (!name)
		name = "<input>";
	if ((rc = link_csv_check(csv, name, s, col, err)))
		return rc;
	pl->n = csv->nrec - 1;
	if ((rc = link_csv_ids(csv, name, id_column, s, &pl->ids, err)))
		return rc;
	pl->val = calloc(pl->n * s->nfields, sizeof(char *));
	if (!pl->val)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t r = 0; r < pl->n; r++)
		for (size_t f = 0; f < s->nfields; f++) {
			const struct dur_csv_record *rec = &csv->rec[r + 1];
			rc = link_normalise_field(&s->field[f], rec->field[col[f]],
						  &pl->val[r * s->nfields + f], err);
			if (rc == DUR_EDATA)
				continue;  /* not a date: missing */
			if (rc) {
				dur_error_prefix(err, "'%s' line %zu, column '%s'", name, rec->line,
						 s->field[f].column);
				return rc;
			}
		}
	return DUR_OK;
}

/* ---- comparison ---- */

static unsigned date_level(const char *a, const char *b)
{
	int y = memcmp(a, b, 4) == 0, m = memcmp(a + 5, b + 5, 2) == 0,
	    d = memcmp(a + 8, b + 8, 2) == 0;
	if (y && m && d)
		return 2;
	if (y + m + d >= 2)
		return 1;
	if (y && memcmp(a + 5, b + 8, 2) == 0 && memcmp(a + 8, b + 5, 2) == 0)
		return 1;  /* day and month swapped */
	return 0;
}

static unsigned nlevels_of(const struct link_field *f)
{
	return f->compare == DUR_LINK_CMP_EXACT ? 2 : 3;
}

static uint64_t compare_pair(const dur_link_schema *s, const struct dur_link_fs_params *p,
			     char *const *va, char *const *vb)
{
	uint64_t pat = 0;
	for (size_t f = 0; f < s->nfields; f++) {
		unsigned lv;
		const char *a = va[f], *b = vb[f];
		if (!a || !b)
			lv = LEVEL_MISSING;
		else if (s->field[f].compare == DUR_LINK_CMP_EXACT)
			lv = strcmp(a, b) == 0;
		else if (s->field[f].compare == DUR_LINK_CMP_DATE)
			lv = date_level(a, b);
		else {
			double jw = strcmp(a, b) == 0 ? 1.0 : dur_link_jaro_winkler(a, b);
			lv = jw >= p->jw_agree ? 2 : jw >= p->jw_partial ? 1 : 0;
		}
		pat |= (uint64_t)lv << (2 * f);
	}
	return pat;
}

static unsigned level_at(uint64_t pat, size_t f)
{
	return (unsigned)(pat >> (2 * f)) & 3u;
}

/* ---- EM ---- */

struct fs_model {
	double lambda;
	double m[LINK_MAX_FIELDS][3], u[LINK_MAX_FIELDS][3];
	double lm[LINK_MAX_FIELDS][3], lu[LINK_MAX_FIELDS][3]; /* logs */
	size_t iterations;
	int degenerate;          /* no class of agreeing pairs was found */
};

static double pattern_weight(const struct fs_model *md, size_t nf, uint64_t pat)
{
	double w = 0.0;
	for (size_t f = 0; f < nf; f++) {
		unsigned lv = level_at(pat, f);
		if (lv != LEVEL_MISSING)
			w += md->lm[f][lv] - md->lu[f][lv];
	}
	return w;
}

static double clampp(double x, double fl)
{
	return x < fl ? fl : x > 1.0 - fl ? 1.0 - fl : x;
}

static void model_logs(struct fs_model *md, const dur_link_schema *s)
{
	for (size_t f = 0; f < s->nfields; f++)
		for (unsigned l = 0; l < nlevels_of(&s->field[f]); l++) {
			md->lm[f][l] = log(md->m[f][l]);
			md->lu[f][l] = log(md->u[f][l]);
		}
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/*
 * EM on distinct patterns pat[0..np) with counts cnt[].  Starts from m
 * favouring the top level and u favouring disagreement; after convergence
 * the classes are labelled so that agreement is likelier among matches.
 */
static dur_err fs_em(const dur_link_schema *s, const struct dur_link_fs_params *p,
		     const uint64_t *pat, const size_t *cnt, size_t np, double lambda_max,
		     struct fs_model *md, struct dur_error *err)
{
	size_t nf = s->nfields;
	double *g = malloc((np ? np : 1) * sizeof(double));
	double total = 0.0;

	if (!g)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	memset(md, 0, sizeof(*md));
	md->lambda = 0.1;
	for (size_t f = 0; f < nf; f++) {
		if (nlevels_of(&s->field[f]) == 2) {
			md->m[f][0] = 0.1; md->m[f][1] = 0.9;
			md->u[f][0] = 0.9; md->u[f][1] = 0.1;
		} else {
			md->m[f][0] = 0.05; md->m[f][1] = 0.15; md->m[f][2] = 0.8;
			md->u[f][0] = 0.8; md->u[f][1] = 0.15; md->u[f][2] = 0.05;
		}
	}
	for (size_t i = 0; i < np; i++)
		total += (double)cnt[i];
	for (md->iterations = 0; md->iterations < p->max_iter; md->iterations++) {
		double sm[LINK_MAX_FIELDS][3], su[LINK_MAX_FIELDS][3];
		double gsum = 0.0, delta, lam;
		model_logs(md, s);
		memset(sm, 0, sizeof(sm));
		memset(su, 0, sizeof(su));
		/* E step: posterior match probability of each pattern */
		for (size_t i = 0; i < np; i++) {
			double w = pattern_weight(md, nf, pat[i]);
			double lo = log(md->lambda) - log(1.0 - md->lambda) + w;
			g[i] = 1.0 / (1.0 + exp(-lo));
			gsum += g[i] * (double)cnt[i];
			for (size_t f = 0; f < nf; f++) {
				unsigned lv = level_at(pat[i], f);
				if (lv == LEVEL_MISSING)
					continue;
				sm[f][lv] += g[i] * (double)cnt[i];
				su[f][lv] += (1.0 - g[i]) * (double)cnt[i];
			}
		}
		/* M step */
		lam = clampp(total > 0 ? gsum / total : 0.5, p->prob_floor);
		/* there cannot be more matches than records allow: without this
		   cap EM on lists that share nobody calls nearly every pair a
		   match (a second, meaningless, maximum of the likelihood) */
		if (lam > lambda_max)
			lam = lambda_max;
		delta = fabs(lam - md->lambda);
		md->lambda = lam;
		for (size_t f = 0; f < nf; f++) {
			unsigned nl = nlevels_of(&s->field[f]);
			double tm = 0.0, tu = 0.0;
			for (unsigned l = 0; l < nl; l++) {
				tm += sm[f][l];
				tu += su[f][l];
			}
			for (unsigned l = 0; l < nl; l++) {
				double nm = clampp(tm > 0 ? sm[f][l] / tm : md->m[f][l], p->prob_floor);
				double nu = clampp(tu > 0 ? su[f][l] / tu : md->u[f][l], p->prob_floor);
				delta = fmax(delta, fmax(fabs(nm - md->m[f][l]), fabs(nu - md->u[f][l])));
				md->m[f][l] = nm;
				md->u[f][l] = nu;
			}
		}
		if (delta < p->tol) {
			md->iterations++;
			break;
		}
	}
	/*
	 * EM started with the match class agreeing and the share of matches is
	 * capped, so the classes cannot swap wholesale; but on lists that share
	 * nobody the small class may fit pairs that merely disagree less than
	 * usual, or nothing at all.  Call the model degenerate (and link
	 * nothing) unless agreement is likelier among "matches" on most fields.
	 */
	{
		int votes = 0;
		for (size_t f = 0; f < nf; f++) {
			unsigned top = nlevels_of(&s->field[f]) - 1;
			votes += md->m[f][top] > md->u[f][top] ? 1 : -1;
		}
		md->degenerate = votes <= 0;
	}
	model_logs(md, s);
	free(g);
	return DUR_OK;
}

/*
 * Comparison patterns of pairs drawn at random from all pairs, added to
 * the candidates' for EM.  Blocking makes candidates agree on the blocked
 * fields, matches or not, and with few records the candidates may be
 * nearly all matches; either way EM, seeing no typical non-matches, can
 * put everything in one class.  Random pairs (almost all non-matches)
 * anchor u, as Splink's "u by random sampling" does.  p->u_sample pairs
 * are drawn with a fixed-seed xorshift64* (Vigna 2016), so every run
 * gives the same figures.
 */
static void sample_patterns(const dur_link_schema *s, const struct dur_link_fs_params *p,
			    const struct plist *A, const struct plist *B, uint64_t *out)
{
	size_t nf = s->nfields, na = A->n, nb = B ? B->n : A->n;
	uint64_t x = p->seed ? p->seed : 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < p->u_sample; i++) {
		size_t a, b;
		do {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			a = (size_t)((x * 0x2545f4914f6cdd1dULL) >> 11) % na;
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			b = (size_t)((x * 0x2545f4914f6cdd1dULL) >> 11) % nb;
		} while (!B && a == b);
		out[i] = compare_pair(s, p, A->val + a * nf, (B ? B : A)->val + b * nf);
	}
}

/* ---- blocking ---- */

/* FNV-1a over the blocking key of a record: parts joined by 0x1f. */
static int block_key(const dur_link_schema *s, const struct link_rule *rule, char *const *v,
		     uint64_t *h)
{
	uint64_t x = 1469598103934665603ULL;
	for (size_t k = 0; k < rule->nparts; k++) {
		const unsigned char *t = (const unsigned char *)v[rule->field[k]];
		size_t cps = 0;
		if (!t)
			return 0;
		(void)s;
		for (; *t; t++) {
			if ((*t & 0xc0) != 0x80 && rule->prefix[k] && ++cps > rule->prefix[k])
				break;
			x = (x ^ *t) * 1099511628211ULL;
		}
		x = (x ^ 0x1f) * 1099511628211ULL;
	}
	*h = x;
	return 1;
}

struct bent {
	uint64_t h;
	uint32_t side;  /* 0 = list a, 1 = list b */
	uint32_t rec;
};

static int cmp_bent(const void *x, const void *y)
{
	const struct bent *a = x, *b = y;
	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	if (a->side != b->side)
		return a->side < b->side ? -1 : 1;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

struct u64buf {
	uint64_t *v;
	size_t n, cap;
};

static dur_err push64(struct u64buf *b, uint64_t x, struct dur_error *err)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 4096;
		uint64_t *nv;
		if (b->n >= FS_MAX_CANDIDATES)
			return dur_error_set(err, DUR_ELIMIT,
					     "blocking gives over %zu candidate pairs: use "
					     "narrower blocking rules", FS_MAX_CANDIDATES);
		nv = realloc(b->v, nc * sizeof(*nv));
		if (!nv)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		b->v = nv;
		b->cap = nc;
	}
	b->v[b->n++] = x;
	return DUR_OK;
}

/*
 * Candidate pairs (a << 32 | b) of lists A and B (B == NULL: pairs a < b
 * within A), sorted and distinct.  Without rules every pair is a candidate.
 */
static dur_err block(const dur_link_schema *s, const struct dur_link_fs_params *p,
		     const struct plist *A, const struct plist *B, int all_pairs,
		     struct u64buf *out, struct dur_error *err)
{
	size_t nf = s->nfields, nb = B ? B->n : 0, tot = A->n + nb;
	struct bent *e = NULL;
	dur_err rc = DUR_OK;

	out->n = 0;
	if (s->nrules == 0 || all_pairs) {
		for (size_t a = 0; a < A->n; a++)
			for (size_t b = B ? 0 : a + 1; b < (B ? nb : A->n); b++)
				if ((rc = push64(out, (uint64_t)a << 32 | b, err)))
					return rc;
		return DUR_OK;
	}
	e = malloc((tot ? tot : 1) * sizeof(*e));
	if (!e)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t r = 0; r < s->nrules; r++) {
		size_t ne = 0;
		for (size_t a = 0; a < A->n; a++)
			if (block_key(s, &s->rule[r], A->val + a * nf, &e[ne].h)) {
				e[ne].side = 0;
				e[ne++].rec = (uint32_t)a;
			}
		for (size_t b = 0; b < nb; b++)
			if (block_key(s, &s->rule[r], B->val + b * nf, &e[ne].h)) {
				e[ne].side = 1;
				e[ne++].rec = (uint32_t)b;
			}
		qsort(e, ne, sizeof(*e), cmp_bent);
		for (size_t i = 0; i < ne;) {
			size_t j = i, mid;
			while (j < ne && e[j].h == e[i].h)
				j++;
			if (j - i > p->max_block) {
				i = j;  /* too common a key to say anything */
				continue;
			}
			for (mid = i; mid < j && e[mid].side == 0; mid++)
				;
			if (B) {
				for (size_t x = i; x < mid; x++)
					for (size_t y = mid; y < j; y++)
						if ((rc = push64(out, (uint64_t)e[x].rec << 32 | e[y].rec,
								 err)))
							goto out;
			} else {
				for (size_t x = i; x < j; x++)
					for (size_t y = x + 1; y < j; y++)
						if ((rc = push64(out, (uint64_t)e[x].rec << 32 | e[y].rec,
								 err)))
							goto out;
			}
			i = j;
		}
		/* keep the buffer distinct as we go, so it stays small */
		qsort(out->v, out->n, sizeof(uint64_t), cmp_u64);
		{
			size_t k = 0;
			for (size_t i = 0; i < out->n; i++)
				if (k == 0 || out->v[k - 1] != out->v[i])
					out->v[k++] = out->v[i];
			out->n = k;
		}
	}
out:
	free(e);
	return rc;
}

/* ---- one pair of lists (or one list) ---- */

struct fs_job {
	const dur_link_schema *s;
	const struct dur_link_fs_params *p;
	const struct plist *A, *B;   /* B NULL: dedup */
	struct fs_model md;
	double wthr;                 /* weight threshold equivalent to p->threshold */
};

static double prob_to_weight(double lambda, double prob)
{
	/* P >= t  <=>  log(lambda/(1-lambda)) + W >= log(t/(1-t)) */
	if (prob >= 1.0)
		return INFINITY;
	if (prob <= 0.0)
		return -INFINITY;
	return log(prob / (1.0 - prob)) - log(lambda / (1.0 - lambda));
}

static double weight_to_prob(double lambda, double w)
{
	return 1.0 / (1.0 + exp(-(log(lambda / (1.0 - lambda)) + w)));
}

/* Score candidates: fit the model, keep pairs >= threshold as weights. */
static dur_err fs_run(struct fs_job *j, uint32_t la, uint32_t lb, struct dur_link_pair **pairs,
		      size_t *npairs, size_t *ncand, struct dur_error *err)
{
	const dur_link_schema *s = j->s;
	size_t nf = s->nfields, np = 0, k = 0, nem;
	int all;
	struct u64buf cand = { 0 };
	uint64_t *pat = NULL, *upat = NULL;
	size_t *cnt = NULL;
	struct dur_link_pair *out = NULL;
	dur_err rc;

	*pairs = NULL;
	*npairs = 0;
	{
		/* few enough pairs: score them all, no blocking, no sampling */
		double na = (double)j->A->n, nb = j->B ? (double)j->B->n : (na - 1) / 2.0;
		all = na * nb <= (double)j->p->u_sample;
	}
	if ((rc = block(s, j->p, j->A, j->B, all, &cand, err)))
		goto out;
	*ncand = cand.n;
	nem = cand.n + (all ? 0 : j->p->u_sample);
	pat = malloc((cand.n ? cand.n : 1) * sizeof(uint64_t));
	upat = malloc((nem ? nem : 1) * sizeof(uint64_t));
	cnt = malloc((nem ? nem : 1) * sizeof(size_t));
	if (!pat || !upat || !cnt) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cand.n; i++) {
		size_t a = (size_t)(cand.v[i] >> 32), b = (size_t)(cand.v[i] & 0xffffffffu);
		const struct plist *B = j->B ? j->B : j->A;
		pat[i] = compare_pair(s, j->p, j->A->val + a * nf, B->val + b * nf);
	}
	memcpy(upat, pat, cand.n * sizeof(uint64_t));
	if (!all)
		sample_patterns(s, j->p, j->A, j->B, upat + cand.n);
	qsort(upat, nem, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < nem; i++) {
		if (np > 0 && upat[np - 1] == upat[i]) {
			cnt[np - 1]++;
			continue;
		}
		upat[np] = upat[i];
		cnt[np++] = 1;
	}
	{
		/* matches: at most one per record of the shorter list (linkage),
		   at most max_dup_pairs per record (dedup) */
		double nmax = j->B ? (double)(j->A->n < j->B->n ? j->A->n : j->B->n)
				   : (double)j->p->max_dup_pairs * (double)j->A->n;
		double lmax = nem ? nmax / (double)nem : 0.5;
		if (lmax > 0.5)
			lmax = 0.5;
		if (lmax < j->p->prob_floor)
			lmax = j->p->prob_floor;
		rc = fs_em(s, j->p, upat, cnt, np, lmax, &j->md, err);
	}
	if (rc)
		goto out;
	j->wthr = j->md.degenerate ? INFINITY : prob_to_weight(j->md.lambda, j->p->threshold);
	out = malloc((cand.n ? cand.n : 1) * sizeof(*out));
	if (!out) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cand.n; i++) {
		double w = pattern_weight(&j->md, nf, pat[i]);
		if (w >= j->wthr) {
			out[k].list_a = la;
			out[k].list_b = lb;
			out[k].rec_a = (uint32_t)(cand.v[i] >> 32);
			out[k].rec_b = (uint32_t)(cand.v[i] & 0xffffffffu);
			out[k].prob = -1.0;
			out[k].best = 1;
			out[k++].score = w;
		}
	}
	*pairs = out;
	*npairs = k;
	out = NULL;
out:
	free(cand.v);
	free(pat);
	free(upat);
	free(cnt);
	free(out);
	return rc;
}

static void export_model(const struct fs_job *j, size_t ncand, struct dur_link_fs_model *m)
{
	if (!m)
		return;
	memset(m, 0, sizeof(*m));
	m->lambda = j->md.lambda;
	m->nfields = j->s->nfields;
	m->iterations = j->md.iterations;
	m->candidates = ncand;
	m->degenerate = j->md.degenerate;
	for (size_t f = 0; f < j->s->nfields; f++) {
		m->nlevels[f] = nlevels_of(&j->s->field[f]);
		for (size_t l = 0; l < m->nlevels[f]; l++) {
			m->m[f][l] = j->md.m[f][l];
			m->u[f][l] = j->md.u[f][l];
		}
	}
}

/* Scoring any two records for the bridge test, in weights. */
struct fs_ctx {
	const dur_link_schema *s;
	const struct dur_link_fs_params *p;
	const struct plist *lists;
	size_t nlists;
	size_t *off;
	struct fs_job *jobs;        /* jobs[a * nlists + b], a < b; or jobs[0] in dedup */
	int dedup;
};

static size_t list_of(const struct fs_ctx *c, size_t g)
{
	size_t l = 0;
	while (l + 1 < c->nlists && c->off[l + 1] <= g)
		l++;
	return l;
}

static int fs_score(void *vctx, size_t ga, size_t gb, double *sc)
{
	struct fs_ctx *c = vctx;
	size_t la = list_of(c, ga), lb = list_of(c, gb), nf = c->s->nfields;
	const struct fs_job *j;
	uint64_t pat;

	if (la > lb) {
		size_t t = la;
		la = lb;
		lb = t;
		t = ga;
		ga = gb;
		gb = t;
	}
	j = c->dedup ? &c->jobs[0] : &c->jobs[la * c->nlists + lb];
	if (!c->dedup && la == lb)
		return 0;
	pat = compare_pair(c->s, c->p, c->lists[la].val + (ga - c->off[la]) * nf,
			   c->lists[lb].val + (gb - c->off[lb]) * nf);
	/* a probability under this pair of lists' own model; where EM found
	   that the two lists share nobody, nobody can be on both */
	*sc = j->md.degenerate ? 0.0 : weight_to_prob(j->md.lambda, pattern_weight(&j->md, nf, pat));
	return 1;
}

/* Convert weights to probabilities in place. */
static void pairs_to_prob(struct dur_link_pair *p, size_t n, const struct fs_ctx *c)
{
	for (size_t i = 0; i < n; i++) {
		const struct fs_job *j = c->dedup ? &c->jobs[0]
						  : &c->jobs[p[i].list_a * c->nlists + p[i].list_b];
		p[i].score = weight_to_prob(j->md.lambda, p[i].score);
		p[i].prob = p[i].score;
	}
}

static dur_err fs_link(const dur_link_schema *s, struct plist *pl, const char *const *names,
		       size_t nlists, int dedup, const struct dur_link_fs_params *params,
		       struct dur_link_result **out, struct dur_link_fs_model *model,
		       struct dur_error *err)
{
	struct dur_link_fs_params p = params ? *params : dur_link_fs_default_params(s);
	struct dur_link_result *r = NULL;
	struct fs_ctx ctx;
	size_t *nrec = NULL, nall = 0, cap = 0;
	struct dur_link_pair *all = NULL, *pp = NULL;
	unsigned char *ua = NULL, *ub = NULL;
	dur_err rc = DUR_OK;

	memset(&ctx, 0, sizeof(ctx));
	if (!(p.threshold > 0.0 && p.threshold < 1.0) ||
	    !(p.bridge_threshold >= 0.0 && p.bridge_threshold < 1.0))
		return dur_error_set(err, DUR_EINVAL,
				     "thresholds must be probabilities above 0 and below 1");
	if (!(p.prob_floor > 0.0 && p.prob_floor < 0.01) || p.max_iter < 1 || !(p.tol > 0) ||
	    !(p.jw_partial <= p.jw_agree) || p.max_block < 2)
		return dur_error_set(err, DUR_EINVAL, "invalid Fellegi-Sunter parameters");
	ctx.s = s;
	ctx.p = &p;
	ctx.lists = pl;
	ctx.nlists = nlists;
	ctx.dedup = dedup;
	nrec = malloc(nlists * sizeof(*nrec));
	ctx.off = malloc((nlists + 1) * sizeof(size_t));
	ctx.jobs = calloc(dedup ? 1 : nlists * nlists, sizeof(*ctx.jobs));
	if (!nrec || !ctx.off || !ctx.jobs) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	ctx.off[0] = 0;
	for (size_t l = 0; l < nlists; l++) {
		nrec[l] = pl[l].n;
		ctx.off[l + 1] = ctx.off[l] + pl[l].n;
	}
	if ((rc = link_result_init(&r, nlists, names, nrec, err)))
		goto out;
	/* the ids move into the result */
	for (size_t l = 0; l < nlists; l++) {
		free(r->ids[l]);
		r->ids[l] = pl[l].ids;
		pl[l].ids = NULL;
	}
	for (size_t a = 0; a < nlists; a++)
		for (size_t b = dedup ? a : a + 1; b < (dedup ? a + 1 : nlists); b++) {
			struct fs_job *j = dedup ? &ctx.jobs[0] : &ctx.jobs[a * nlists + b];
			size_t n = 0, ncand = 0, k;
			j->s = s;
			j->p = &p;
			j->A = &pl[a];
			j->B = dedup ? NULL : &pl[b];
			if ((rc = fs_run(j, (uint32_t)a, (uint32_t)b, &pp, &n, &ncand, err)))
				goto out;
			r->comparisons += ncand;
			if (a == 0 && b == (dedup ? 0u : 1u))
				export_model(j, ncand, model);
			k = n;
			if (!dedup) {
				free(ua);
				free(ub);
				ua = malloc(pl[a].n + 1);
				ub = malloc(pl[b].n + 1);
				if (!ua || !ub) {
					rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
					goto out;
				}
				k = link_greedy_one_to_one(pp, n, pl[a].n, pl[b].n, ua, ub);
			}
			if (nall + k > cap) {
				size_t nc = (nall + k) * 2 + 16;
				struct dur_link_pair *na = realloc(all, nc * sizeof(*na));
				if (!na) {
					rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
					goto out;
				}
				all = na;
				cap = nc;
			}
			if (k)  /* `all` may still be NULL */
				memcpy(all + nall, pp, k * sizeof(*pp));
			nall += k;
			free(pp);
			pp = NULL;
		}
	r->pairs = all;
	r->npairs = nall;
	all = NULL;
	/* cluster on probabilities (comparable across pairs of lists) */
	pairs_to_prob(r->pairs, r->npairs, &ctx);
	if ((rc = link_cluster(r, !dedup, p.bridge_threshold, fs_score, &ctx, err)))
		goto out;
	*out = r;
	r = NULL;
out:
	free(all);
	free(pp);
	free(ua);
	free(ub);
	free(nrec);
	free(ctx.off);
	free(ctx.jobs);
	dur_link_result_free(r);
	return rc;
}

dur_err dur_link_plain(const dur_link_schema *schema, const struct dur_csv *const *csvs,
		       const char *const *csv_names, const char *const *names, size_t nlists,
		       const char *id_column, const struct dur_link_fs_params *params,
		       struct dur_link_result **out, struct dur_link_fs_model *model,
		       struct dur_error *err)
{
	struct plist *pl;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (nlists < 2)
		return dur_error_set(err, DUR_EINVAL, "at least two lists are needed");
	if (nlists > 30)
		return dur_error_set(err, DUR_EINVAL, "at most 30 lists can be linked");
	pl = calloc(nlists, sizeof(*pl));
	if (!pl)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t l = 0; l < nlists; l++)
		if ((rc = plist_load(schema, csvs[l], csv_names ? csv_names[l] : names[l], id_column,
				     &pl[l], err)))
			goto out;
	rc = fs_link(schema, pl, names, nlists, 0, params, out, model, err);
out:
	for (size_t l = 0; l < nlists; l++)
		plist_release(&pl[l], schema->nfields);
	free(pl);
	return rc;
}

dur_err dur_link_dedup(const dur_link_schema *schema, const struct dur_csv *csv,
		       const char *csv_name, const char *name, const char *id_column,
		       const struct dur_link_fs_params *params, struct dur_link_result **out,
		       struct dur_link_fs_model *model, struct dur_error *err)
{
	struct plist pl;
	dur_err rc;

	*out = NULL;
	rc = plist_load(schema, csv, csv_name ? csv_name : name, id_column, &pl, err);
	if (!rc)
		rc = fs_link(schema, &pl, &name, 1, 1, params, out, model, err);
	plist_release(&pl, schema->nfields);
	return rc;
}
