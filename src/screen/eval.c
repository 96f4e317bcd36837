/*
 * The rule engine: one evaluator for every framework.
 *
 * Kleene's strong three-valued logic (values NO 0 < UNKNOWN 1 < YES 2):
 * AND = min, OR = max, NOT = 2 - x, and "at least k of" is YES when k
 * children are YES, NO when fewer than k could still be YES, else UNKNOWN.
 * For formulas without negation this is exact: the value is YES (NO) only
 * when every way of answering the unknown facts gives YES (NO).  Negation
 * appears in rules for the age ("adult" = not under 18) and in switches;
 * to stay exact we case-split on the few unknown facts a rule reads under
 * a negation (at most SCR_MAX_SPLIT, checked when loading) and combine:
 * a verdict is definite only when every branch agrees.
 *
 * would_change_if is then computed literally: each unknown fact the rule
 * reads is set to yes and to no in turn and the exact verdict recomputed;
 * the fact is listed when either answer gives a different verdict.
 */
#include "screen/screen_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scr_eval_node(const struct scr_framework *fw, int n, const uint8_t *facts,
		  const uint8_t *ind, const uint8_t *elem)
{
	const struct scr_xnode *x = &fw->nodes[n];
	const int *k = fw->kids + x->kids;
	int v, t, u;

	switch (x->kind) {
	case X_FACT:
		return facts[x->arg];
	case X_OPTION:
		return fw->opt[x->arg].value ? DUR_SCREEN_YES : DUR_SCREEN_NO;
	case X_IND:
		return ind[x->arg];
	case X_ELEM:
		return elem[x->arg];
	case X_NOT:
		return 2 - scr_eval_node(fw, k[0], facts, ind, elem);
	case X_ALL:
		v = DUR_SCREEN_YES;
		for (size_t i = 0; i < x->nkids && v != DUR_SCREEN_NO; i++) {
			int c = scr_eval_node(fw, k[i], facts, ind, elem);
			if (c < v)
				v = c;
		}
		return v;
	case X_ANY:
		v = DUR_SCREEN_NO;
		for (size_t i = 0; i < x->nkids && v != DUR_SCREEN_YES; i++) {
			int c = scr_eval_node(fw, k[i], facts, ind, elem);
			if (c > v)
				v = c;
		}
		return v;
	case X_ATLEAST:
		t = u = 0;
		for (size_t i = 0; i < x->nkids; i++) {
			int c = scr_eval_node(fw, k[i], facts, ind, elem);
			if (c == DUR_SCREEN_YES)
				t++;
			else if (c == DUR_SCREEN_UNKNOWN)
				u++;
		}
		if (t >= x->arg)
			return DUR_SCREEN_YES;
		if (t + u < x->arg)
			return DUR_SCREEN_NO;
		return DUR_SCREEN_UNKNOWN;
	}
	return DUR_SCREEN_UNKNOWN;
}

int scr_eval(const struct scr_framework *fw, const uint8_t *facts, uint8_t *ind, uint8_t *elem)
{
	for (size_t i = 0; i < fw->nind; i++)
		ind[i] = (uint8_t)scr_eval_node(fw, fw->ind[i].node, facts, ind, elem);
	for (size_t i = 0; i < fw->nelem; i++)
		elem[i] = (uint8_t)scr_eval_node(fw, fw->elem[i].node, facts, ind, elem);
	return scr_eval_node(fw, fw->rule, facts, ind, elem);
}

/* The exact value of the rule: case-split on unknown facts read under 'not'. */
static int eval_exact(const struct scr_framework *fw, uint8_t *facts, uint8_t *ind,
		      uint8_t *elem)
{
	int unk[SCR_MAX_SPLIT];
	size_t nu = 0;
	int res = -1;

	for (size_t i = 0; i < fw->nsplit; i++)
		if (facts[fw->split[i]] == DUR_SCREEN_UNKNOWN)
			unk[nu++] = fw->split[i];
	if (nu == 0)
		return scr_eval(fw, facts, ind, elem);
	for (unsigned m = 0; m < (1u << nu) && res != DUR_SCREEN_UNKNOWN; m++) {
		int v;
		for (size_t i = 0; i < nu; i++)
			facts[unk[i]] = (m >> i) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
		v = scr_eval(fw, facts, ind, elem);
		res = res < 0 ? v : (res == v ? v : DUR_SCREEN_UNKNOWN);
	}
	for (size_t i = 0; i < nu; i++)
		facts[unk[i]] = DUR_SCREEN_UNKNOWN;
	return res;
}

static enum dur_screen_verdict to_verdict(int v)
{
	return v == DUR_SCREEN_YES ? DUR_SCREEN_INDICATED
	       : v == DUR_SCREEN_NO ? DUR_SCREEN_NOT_INDICATED : DUR_SCREEN_INSUFFICIENT;
}

/* ---------------------------------------------------------------- */
/* results                                                           */
/* ---------------------------------------------------------------- */

struct store {
	struct dur_screen_finding *f;
	struct dur_screen_element *e;
	const char **reasons;
	const char **change;
	const char **notes;
};

struct dur_screen_result {
	size_t n;
	struct dur_screen_outcome *o;
	struct store *st;
	char **pool;           /* strings owned by the result */
	size_t npool, cappool;
};

static const char *pool_add(struct dur_screen_result *r, char *s)
{
	if (!s)
		return NULL;
	if (r->npool == r->cappool) {
		size_t nc = r->cappool ? 2 * r->cappool : 32;
		char **np = realloc(r->pool, nc * sizeof(*np));
		if (!np) {
			free(s);
			return NULL;
		}
		r->pool = np;
		r->cappool = nc;
	}
	r->pool[r->npool++] = s;
	return s;
}

static const char *pool_printf(struct dur_screen_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *pool_printf(struct dur_screen_result *r, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return pool_add(r, s);
}

void dur_screen_result_free(dur_screen_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->st[i].f);
		free(r->st[i].e);
		free(r->st[i].reasons);
		free(r->st[i].change);
		free(r->st[i].notes);
	}
	free(r->st);
	free(r->o);
	for (size_t i = 0; i < r->npool; i++)
		free(r->pool[i]);
	free(r->pool);
	free(r);
}

size_t dur_screen_result_count(const dur_screen_result *r)
{
	return r ? r->n : 0;
}

const struct dur_screen_outcome *dur_screen_result_outcome(const dur_screen_result *r,
							   size_t i)
{
	return r && i < r->n ? &r->o[i] : NULL;
}

static const char *status_word(int v)
{
	return v == DUR_SCREEN_YES ? "met" : v == DUR_SCREEN_NO ? "not met" : "not known yet";
}

/* Scratch space for one framework's evaluation. */
struct scratch {
	uint8_t *facts, *ind, *elem;
	uint8_t *ind_all, *ind_any, *elem_lo, *elem_hi, *note_all;
	uint8_t (*cond)[SCR_MAX_SPLIT][2];  /* per indicator: YES seen with split fact = no/yes */
	uint8_t *mark, *ind_seen, *elem_seen, *probe;
	size_t nvars;
};

/* Mark the unknown facts that reach node n through undetermined parts only. */
static void relevant(const struct scr_framework *fw, int n, struct scratch *s, int depth)
{
	const struct scr_xnode *x = &fw->nodes[n];

	if (depth > 256 || scr_eval_node(fw, n, s->facts, s->ind, s->elem) != DUR_SCREEN_UNKNOWN)
		return;
	switch (x->kind) {
	case X_FACT:
		s->mark[x->arg] = 1;
		return;
	case X_OPTION:
		return;
	case X_IND:
		if (!s->ind_seen[x->arg]) {
			s->ind_seen[x->arg] = 1;
			relevant(fw, fw->ind[x->arg].node, s, depth + 1);
		}
		return;
	case X_ELEM:
		if (!s->elem_seen[x->arg]) {
			s->elem_seen[x->arg] = 1;
			relevant(fw, fw->elem[x->arg].node, s, depth + 1);
		}
		return;
	default:
		for (size_t i = 0; i < x->nkids; i++)
			relevant(fw, fw->kids[x->kids + i], s, depth + 1);
	}
}

/*
 * Does the unknown split fact f (e.g. the age) matter?  It does when some
 * answers to the other unknowns give a different verdict for f = yes and
 * f = no.  Checked on its own (others unknown), then at the extremes (all
 * others no, all yes) and at each other unknown alone yes (rest no) and
 * alone no (rest yes): cheap, and it finds the usual case of two rules
 * (adult, child) that each hinge on different answers.
 */
static int split_fact_matters(const struct scr_framework *fw, struct scratch *s, int f)
{
	const uint8_t *base = s->facts;
	size_t nr = fw->nrefs;
	int matters = 0;

	/* others unknown */
	s->facts[f] = DUR_SCREEN_YES;
	if (eval_exact(fw, s->facts, s->ind, s->elem) != DUR_SCREEN_UNKNOWN)
		matters = 1;
	s->facts[f] = DUR_SCREEN_NO;
	if (eval_exact(fw, s->facts, s->ind, s->elem) != DUR_SCREEN_UNKNOWN)
		matters = 1;
	s->facts[f] = DUR_SCREEN_UNKNOWN;
	if (matters)
		return 1;
	memcpy(s->probe, base, s->nvars);
	for (size_t p = 0; p < 2 * nr + 2 && !matters; p++) {
		/* point p: 0 all no, 1 all yes, 2+2k only k yes, 3+2k only k no */
		int vy, vn, any = 0;
		for (size_t k = 0; k < nr; k++) {
			int g = fw->refs[k];
			uint8_t v;
			if (g == f || base[g] != DUR_SCREEN_UNKNOWN)
				continue;
			if (p < 2)
				v = p ? DUR_SCREEN_YES : DUR_SCREEN_NO;
			else if ((p - 2) / 2 == k) {
				v = p % 2 ? DUR_SCREEN_NO : DUR_SCREEN_YES;
				any = 1;
			} else
				v = p % 2 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
			s->probe[g] = v;
		}
		if (p >= 2 && !any)
			continue;
		s->probe[f] = DUR_SCREEN_YES;
		vy = scr_eval(fw, s->probe, s->ind, s->elem);
		s->probe[f] = DUR_SCREEN_NO;
		vn = scr_eval(fw, s->probe, s->ind, s->elem);
		if (vy != vn)
			matters = 1;
	}
	return matters;
}

/*
 * The marks above never miss a decisive fact, but where a rule reads a fact
 * twice one answer can absorb another (TVPA: debt bondage is both coercion
 * and a purpose), so a mark may be spurious.  When there are few candidates
 * each is checked exactly: is there an answer to the other candidates for
 * which its own answer changes the verdict?  Unmarked unknowns cannot
 * matter, so they stay unknown.
 */
size_t scr_verify_limit(const struct scr_framework *fw)
{
	size_t n = 1;
	/* worst case: n candidates x 2^(n-1) answers x 2 evaluations x nodes */
	while (n < SCR_VERIFY_MAX &&
	       (double)(n + 1) * (double)(1u << n) * 2.0 * (double)fw->nnodes <= SCR_VERIFY_BUDGET)
		n++;
	return n;
}

static void verify_candidates(const struct scr_framework *fw, struct scratch *s)
{
	int cand[SCR_VERIFY_MAX];
	size_t nc = 0, limit = scr_verify_limit(fw);

	for (size_t i = 0; i < fw->nrefs; i++) {
		int f = fw->refs[i];
		if (!s->mark[f] || s->facts[f] != DUR_SCREEN_UNKNOWN)
			continue;
		if (nc == limit)
			return;   /* too many to enumerate: keep the (complete) marks */
		cand[nc++] = f;
	}
	for (size_t k = 0; k < nc; k++) {
		unsigned full = (1u << (nc - 1)) - 1, tried[(1u << (SCR_VERIFY_MAX - 1)) / 32 + 1];
		int decisive = 0;

		memset(tried, 0, sizeof(tried));
		/* cheap probes first (others all no, all yes, one yes, one no): they
		 * settle almost every decisive fact; enumerate fully only otherwise */
		for (unsigned step = 0; step < 2 * nc + 2 + full + 1 && !decisive; step++) {
			unsigned m;
			int vy, vn;
			if (step == 0)
				m = 0;
			else if (step == 1)
				m = full;
			else if (step < nc + 1)
				m = 1u << (step - 2);
			else if (step < 2 * nc)
				m = full ^ (1u << (step - nc - 1));
			else
				m = step - 2 * nc;
			if (m > full || (tried[m / 32] >> (m % 32)) & 1)
				continue;
			tried[m / 32] |= 1u << (m % 32);
			for (size_t j = 0, bit = 0; j < nc; j++)
				if (j != k)
					s->facts[cand[j]] = (m >> bit++) & 1 ? DUR_SCREEN_YES
									    : DUR_SCREEN_NO;
			s->facts[cand[k]] = DUR_SCREEN_YES;
			vy = eval_exact(fw, s->facts, s->ind, s->elem);
			s->facts[cand[k]] = DUR_SCREEN_NO;
			vn = eval_exact(fw, s->facts, s->ind, s->elem);
			decisive = vy != vn;
		}
		for (size_t j = 0; j < nc; j++)
			s->facts[cand[j]] = DUR_SCREEN_UNKNOWN;
		if (!decisive)
			s->mark[cand[k]] = 0;
	}
}

static dur_err screen_one(const dur_framework_set *set, const struct scr_framework *fw,
			  const dur_screen_case *c, dur_screen_result *r, size_t slot,
			  struct scratch *s, struct dur_error *err)
{
	struct dur_screen_outcome *o = &r->o[slot];
	struct store *st = &r->st[slot];
	int unk[SCR_MAX_SPLIT];
	size_t nu = 0, nf = 0;
	int verdict = -1;

	memcpy(s->facts, c->facts, set->nfacts + 1);
	memset(s->ind_all, 1, fw->nind);
	memset(s->ind_any, 0, fw->nind);
	memset(s->cond, 0, fw->nind * sizeof(*s->cond));
	memset(s->elem_lo, DUR_SCREEN_YES, fw->nelem);
	memset(s->elem_hi, DUR_SCREEN_NO, fw->nelem);
	memset(s->note_all, 1, fw->nnote);
	for (size_t i = 0; i < fw->nsplit; i++)
		if (s->facts[fw->split[i]] == DUR_SCREEN_UNKNOWN)
			unk[nu++] = fw->split[i];

	/* Every branch of the unknown split facts; everything else is exact. */
	for (unsigned m = 0; m < (1u << nu); m++) {
		int v;
		for (size_t i = 0; i < nu; i++)
			s->facts[unk[i]] = (m >> i) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
		v = scr_eval(fw, s->facts, s->ind, s->elem);
		verdict = verdict < 0 ? v : (verdict == v ? v : DUR_SCREEN_UNKNOWN);
		for (size_t i = 0; i < fw->nind; i++) {
			if (s->ind[i] != DUR_SCREEN_YES) {
				s->ind_all[i] = 0;
				continue;
			}
			s->ind_any[i] = 1;
			for (size_t k = 0; k < nu; k++)
				s->cond[i][k][(m >> k) & 1] = 1;
		}
		for (size_t i = 0; i < fw->nelem; i++) {
			if (s->elem[i] < s->elem_lo[i])
				s->elem_lo[i] = s->elem[i];
			if (s->elem[i] > s->elem_hi[i])
				s->elem_hi[i] = s->elem[i];
		}
		for (size_t i = 0; i < fw->nnote; i++)
			if (scr_eval_node(fw, fw->note[i].node, s->facts, s->ind, s->elem) !=
			    DUR_SCREEN_YES)
				s->note_all[i] = 0;
	}
	for (size_t i = 0; i < nu; i++)
		s->facts[unk[i]] = DUR_SCREEN_UNKNOWN;

	o->framework = fw->id;
	o->version = fw->version;
	o->title = fw->title;
	o->verdict = to_verdict(verdict);
	o->meaning = fw->meaning[o->verdict];

	/* Findings: one per indicator found and fact answered yes that feeds it. */
	for (size_t i = 0; i < fw->nind; i++)
		if (s->ind_any[i])
			nf += fw->ind[i].nfacts;
	st->f = calloc(nf + 1, sizeof(*st->f));
	st->e = calloc(fw->nelem + 1, sizeof(*st->e));
	st->reasons = calloc(fw->nelem + 2, sizeof(*st->reasons));
	st->change = calloc(fw->nrefs + 1, sizeof(*st->change));
	st->notes = calloc(fw->nnote + 1, sizeof(*st->notes));
	if (!st->f || !st->e || !st->reasons || !st->change || !st->notes)
		goto nomem;
	o->findings = st->f;
	o->elements = st->e;
	o->reasons = st->reasons;
	o->would_change_if = st->change;
	o->notes = st->notes;
	for (size_t i = 0; i < fw->nind; i++) {
		const char *only_if = NULL;

		if (!s->ind_any[i])
			continue;
		if (!s->ind_all[i]) {
			/* found only for some answers of an unknown split fact: say which */
			struct dur_buf b = { 0 };
			char *txt = NULL;
			for (size_t k = 0; k < nu; k++) {
				int yes = s->cond[i][k][1], no = s->cond[i][k][0];
				int is_age = (size_t)unk[k] == set->nfacts;
				if (yes == no)
					continue;
				dur_buf_printf(&b, "%s%s=%s", b.len ? "," : "",
					       scr_fact_name(set, unk[k]),
					       is_age ? (yes ? "minor" : "adult") : (yes ? "yes" : "no"));
			}
			if (!b.p)
				dur_buf_puts(&b, "unknown");
			if (dur_buf_finish(&b, &txt, err))
				return DUR_ENOMEM;
			if (!(only_if = pool_add(r, txt)))
				goto nomem;
		}
		for (size_t k = 0; k < fw->ind[i].nfacts; k++) {
			int f = fw->ind[i].facts[k];
			if (s->facts[f] != DUR_SCREEN_YES)
				continue;
			st->f[o->nfindings].indicator = fw->ind[i].id;
			st->f[o->nfindings].label = fw->ind[i].label;
			st->f[o->nfindings].fact = scr_fact_name(set, f);
			st->f[o->nfindings].strength = fw->ind[i].strength;
			st->f[o->nfindings].only_if = only_if;
			o->nfindings++;
		}
	}

	/* Elements and the reasons, in words. */
	if (!(st->reasons[o->nreasons++] = pool_printf(r, "rule: %s", fw->rule_text)))
		goto nomem;
	for (size_t i = 0; i < fw->nelem; i++) {
		int v = s->elem_lo[i] == s->elem_hi[i] ? s->elem_lo[i] : DUR_SCREEN_UNKNOWN;
		st->e[i].id = fw->elem[i].id;
		st->e[i].label = fw->elem[i].label;
		st->e[i].status = (enum dur_screen_answer)v;
		st->e[i].rule_text = fw->elem[i].rule_text;
		o->nelements++;
		if (!(st->reasons[o->nreasons++] = pool_printf(r, "%s: %s", fw->elem[i].label,
								status_word(v))))
			goto nomem;
	}
	for (size_t i = 0; i < fw->nnote; i++)
		if (s->note_all[i])
			st->notes[o->nnotes++] = fw->note[i].text;

	/*
	 * would_change_if.  Two ways in which an unknown fact can matter:
	 *  - on its own: setting it to yes, or to no, and re-evaluating exactly
	 *    gives a different verdict (this is how the age is caught);
	 *  - together with other unknown answers: it feeds, through parts that
	 *    are themselves still undetermined, a branch whose verdict is
	 *    undetermined.  For a rule that reads each fact once this is exactly
	 *    "some answers to the other unknowns make this answer decisive".
	 */
	if (o->verdict == DUR_SCREEN_INSUFFICIENT) {
		memset(s->mark, 0, set->nfacts + 1);
		for (unsigned m = 0; m < (1u << nu); m++) {
			for (size_t i = 0; i < nu; i++)
				s->facts[unk[i]] = (m >> i) & 1 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
			if (scr_eval(fw, s->facts, s->ind, s->elem) == DUR_SCREEN_UNKNOWN) {
				memset(s->ind_seen, 0, fw->nind);
				memset(s->elem_seen, 0, fw->nelem);
				relevant(fw, fw->rule, s, 0);
			}
		}
		for (size_t i = 0; i < nu; i++)
			s->facts[unk[i]] = DUR_SCREEN_UNKNOWN;
		for (size_t i = 0; i < nu; i++)
			if (split_fact_matters(fw, s, unk[i]))
				s->mark[unk[i]] = 1;
		verify_candidates(fw, s);
		for (size_t i = 0; i < fw->nrefs; i++)
			if (s->mark[fw->refs[i]] && s->facts[fw->refs[i]] == DUR_SCREEN_UNKNOWN)
				st->change[o->nchange++] = scr_fact_name(set, fw->refs[i]);
	}
	return DUR_OK;
nomem:
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

dur_err dur_screen_evaluate(const dur_framework_set *set, const dur_screen_case *c,
			    const char *const *ids, size_t n, dur_screen_result **out,
			    struct dur_error *err)
{
	dur_screen_result *r = NULL;
	struct scratch s = { 0 };
	size_t maxind = 1, maxel = 1, maxnote = 1;
	dur_err rc = DUR_OK;
	size_t nsel = n;

	*out = NULL;
	if (!set || !c || c->set != set)
		return dur_error_set(err, DUR_EINVAL, "the case was not made for this framework set");
	for (size_t i = 0; i < n; i++)
		if (dur_framework_set_find(set, ids[i]) < 0)
			return dur_error_set(err, DUR_EINVAL, "unknown framework '%s'", ids[i]);
	if (n == 0)
		n = set->nfw;
	if (n == 0)
		return dur_error_set(err, DUR_EINVAL, "no frameworks are loaded");
	for (size_t i = 0; i < set->nfw; i++) {
		if (set->fw[i]->nind > maxind)
			maxind = set->fw[i]->nind;
		if (set->fw[i]->nelem > maxel)
			maxel = set->fw[i]->nelem;
		if (set->fw[i]->nnote > maxnote)
			maxnote = set->fw[i]->nnote;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->o = calloc(n, sizeof(*r->o))) || !(r->st = calloc(n, sizeof(*r->st))))
		goto nomem;
	s.facts = malloc(set->nfacts + 1);
	s.ind = malloc(maxind);
	s.elem = malloc(maxel);
	s.ind_all = malloc(maxind);
	s.ind_any = malloc(maxind);
	s.elem_lo = malloc(maxel);
	s.elem_hi = malloc(maxel);
	s.note_all = malloc(maxnote);
	s.cond = malloc(maxind * sizeof(*s.cond));
	s.mark = malloc(set->nfacts + 1);
	s.probe = malloc(set->nfacts + 1);
	s.nvars = set->nfacts + 1;
	s.ind_seen = malloc(maxind);
	s.elem_seen = malloc(maxel);
	if (!s.mark || !s.probe || !s.ind_seen || !s.elem_seen || !s.facts || !s.ind || !s.elem || !s.ind_all || !s.ind_any || !s.elem_lo ||
	    !s.elem_hi || !s.note_all || !s.cond)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const struct scr_framework *fw =
			nsel ? set->fw[dur_framework_set_find(set, ids[i])] : set->fw[i];
		r->n++;
		if ((rc = screen_one(set, fw, c, r, i, &s, err)))
			goto out;
	}
	*out = r;
	r = NULL;
	goto out;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
out:
	free(s.facts);
	free(s.ind);
	free(s.elem);
	free(s.ind_all);
	free(s.ind_any);
	free(s.elem_lo);
	free(s.elem_hi);
	free(s.note_all);
	free(s.cond);
	free(s.mark);
	free(s.probe);
	free(s.ind_seen);
	free(s.elem_seen);
	dur_screen_result_free(r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* rendering                                                         */
/* ---------------------------------------------------------------- */

static const char *elem_status_name(enum dur_screen_answer a)
{
	return a == DUR_SCREEN_YES ? "met" : a == DUR_SCREEN_NO ? "not_met" : "unknown";
}

static json_t *outcome_json(const struct dur_screen_outcome *o)
{
	json_t *j = json_object(), *a;

	if (!j)
		return NULL;
	json_object_set_new(j, "framework", json_string(o->framework));
	json_object_set_new(j, "version", json_string(o->version));
	json_object_set_new(j, "title", json_string(o->title));
	json_object_set_new(j, "verdict", json_string(dur_screen_verdict_name(o->verdict)));
	json_object_set_new(j, "meaning", json_string(o->meaning));
	a = json_array();
	for (size_t i = 0; i < o->nfindings; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "id", json_string(o->findings[i].indicator));
		json_object_set_new(f, "fact", json_string(o->findings[i].fact));
		if (o->findings[i].strength)
			json_object_set_new(f, "strength", json_string(o->findings[i].strength));
		json_object_set_new(f, "label", json_string(o->findings[i].label));
		if (o->findings[i].only_if)
			json_object_set_new(f, "only_if", json_string(o->findings[i].only_if));
		json_array_append_new(a, f);
	}
	json_object_set_new(j, "indicators", a);
	a = json_array();
	for (size_t i = 0; i < o->nelements; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "id", json_string(o->elements[i].id));
		json_object_set_new(e, "label", json_string(o->elements[i].label));
		json_object_set_new(e, "status",
				    json_string(elem_status_name(o->elements[i].status)));
		json_object_set_new(e, "rule", json_string(o->elements[i].rule_text));
		json_array_append_new(a, e);
	}
	json_object_set_new(j, "elements", a);
	a = json_array();
	for (size_t i = 0; i < o->nreasons; i++)
		json_array_append_new(a, json_string(o->reasons[i]));
	json_object_set_new(j, "reasons", a);
	a = json_array();
	for (size_t i = 0; i < o->nchange; i++)
		json_array_append_new(a, json_string(o->would_change_if[i]));
	json_object_set_new(j, "would_change_if", a);
	a = json_array();
	for (size_t i = 0; i < o->nnotes; i++)
		json_array_append_new(a, json_string(o->notes[i]));
	json_object_set_new(j, "notes", a);
	return j;
}

#define SCREEN_NOTE "a screening to guide next steps, not a legal finding"

dur_err dur_screen_result_to_json(const dur_screen_result *r, const dur_screen_case *c,
				  int indent, char **out, struct dur_error *err)
{
	json_t *j = json_object(), *a = json_array();
	dur_err rc;

	*out = NULL;
	if (!j || !a) {
		json_decref(j);
		json_decref(a);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	if (c && c->id && *c->id)
		json_object_set_new(j, "case_id", json_string(c->id));
	if (c) {
		/* an age in years stays a number, as the case gave it */
		if (c->age[0] >= '0' && c->age[0] <= '9')
			json_object_set_new(j, "age", json_integer(strtoll(c->age, NULL, 10)));
		else
			json_object_set_new(j, "age", json_string(c->age));
		json_object_set_new(j, "sector", json_string(c->sector ? c->sector : ""));
	}
	json_object_set_new(j, "note", json_string(SCREEN_NOTE));
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(a, outcome_json(&r->o[i]));
	json_object_set_new(j, "results", a);
	rc = scr_json_dump(j, indent, out, err);
	json_decref(j);
	return rc;
}

/* The rule in words is the first reason (see screen_one). */
static const char *fw_rule(const struct dur_screen_outcome *o)
{
	return o->nreasons && strncmp(o->reasons[0], "rule: ", 6) == 0 ? o->reasons[0] + 6 : "";
}

static const char *verdict_words(enum dur_screen_verdict v)
{
	switch (v) {
	case DUR_SCREEN_INDICATED: return "INDICATED";
	case DUR_SCREEN_NOT_INDICATED: return "NOT INDICATED";
	case DUR_SCREEN_INSUFFICIENT: return "NOT ENOUGH INFORMATION YET";
	}
	return "";
}

dur_err dur_screen_result_to_text(const dur_screen_result *r, const dur_screen_case *c,
				  char **out, struct dur_error *err)
{
	struct dur_buf b = { 0 };

	*out = NULL;
	dur_buf_puts(&b, "Screening result: " SCREEN_NOTE ".\n");
	if (c) {
		if (c->id && *c->id) {
			dur_buf_puts(&b, "Case ");
			dur_buf_put_clean(&b, c->id);
			dur_buf_puts(&b, ". ");
		}
		dur_buf_printf(&b, "Age: %s. Sector: ", c->age);
		if (c->sector && *c->sector) {
			dur_buf_puts(&b, "\"");
			dur_buf_put_clean(&b, c->sector);
			dur_buf_puts(&b, "\" (recorded, never used as evidence).\n");
		} else {
			dur_buf_puts(&b, "not recorded.\n");
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct dur_screen_outcome *o = &r->o[i];
		struct dur_buf l = { 0 };
		char *txt = NULL;

		dur_buf_printf(&b, "\n%s %s - %s\n", o->framework, o->version, o->title);
		dur_buf_printf(&l, "%s. %s", verdict_words(o->verdict), o->meaning);
		for (size_t k = 0; k < o->nnotes; k++)
			dur_buf_printf(&l, " %s", o->notes[k]);
		if (o->nfindings)
			dur_buf_puts(&l, "\vFound:");
		for (size_t k = 0; k < o->nfindings; k++) {
			const struct dur_screen_finding *f = &o->findings[k];
			dur_buf_printf(&l, "\v- %s (yes to %s)%s%s%s", f->label, f->fact,
				       f->only_if ? " [only if " : "", f->only_if ? f->only_if : "",
				       f->only_if ? "]" : "");
		}
		dur_buf_printf(&l, "\vRule: %s", fw_rule(o));
		if (o->nelements) {
			dur_buf_puts(&l, "\vParts:");
			for (size_t k = 0; k < o->nelements; k++)
				dur_buf_printf(&l, " %s: %s%s", o->elements[k].label,
					       status_word(o->elements[k].status),
					       k + 1 < o->nelements ? ";" : ".");
		}
		if (o->nchange) {
			dur_buf_puts(&l, "\vStill unknown, and could change this:");
			for (size_t k = 0; k < o->nchange; k++)
				dur_buf_printf(&l, " %s%s", o->would_change_if[k],
					       k + 1 < o->nchange ? "," : ".");
		}
		if (dur_buf_finish(&l, &txt, err)) {
			free(b.p);
			return DUR_ENOMEM;
		}
		/* each \v starts a new wrapped paragraph */
		for (char *p = txt, *q; p; p = q) {
			q = strchr(p, '\v');
			if (q)
				*q++ = '\0';
			if (p[0] == '-')
				dur_buf_wrap(&b, p + 2, "    - ", "      ", 78);
			else
				dur_buf_wrap(&b, p, "  ", "    ", 78);
		}
		free(txt);
	}
	dur_buf_puts(&b, "\nThe questions behind these ids are in the question bank; indicator ids\n"
		     "and details are in the JSON form of this result.\n");
	return dur_buf_finish(&b, out, err);
}
