/*
 * The estimate in the report: plain words at the top, the figures (who was
 * seen by which lists, every method's estimate, the models compared, the
 * bootstrap or posterior distribution, list omission, strata), and the
 * method with every figure a statistician checks.  Each part appears when
 * the document has what it needs.
 */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Method names and interval kinds are plain text. */
/* ---- names of methods ------------------------------------------------------------ */

static const struct {
	const char *model, *label;
} model_names[] = {
	{ "stepwise", DUR_N_("log-linear, step by step") },
	{ "aic", DUR_N_("log-linear, best AIC") },
	{ "bic", DUR_N_("log-linear, best BIC") },
	{ "main", DUR_N_("log-linear, independent lists") },
	{ "all-pairs", DUR_N_("log-linear, every pair") },
	{ "terms", DUR_N_("log-linear, pairs given") },
	{ "m0", DUR_N_("M0, all alike") },
	{ "mt", DUR_N_("Mt, independent lists") },
	{ "mh-chao", DUR_N_("Mh Chao, people differ") },
	{ "mh-poisson", DUR_N_("Mh Poisson, people differ") },
	{ "mh-darroch", DUR_N_("Mh Darroch, people differ") },
	{ "mh-gamma", DUR_N_("Mh Gamma, people differ") },
	{ "mth-chao", DUR_N_("Mth Chao, people differ") },
	{ "mth-poisson", DUR_N_("Mth Poisson, people differ") },
	{ "mth-darroch", DUR_N_("Mth Darroch, people differ") },
	{ "mth-gamma", DUR_N_("Mth Gamma, people differ") },
	{ "mb", DUR_N_("Mb, listing changes people") },
	{ "mbh", DUR_N_("Mbh, people differ and change") },
	{ "bma", DUR_N_("model averaging over graphs (Bayesian)") },
	{ "lcmcr", DUR_N_("latent classes (Bayesian)") },
};

/* A method's name for people (plain text: escape it where it is written). */
static const char *model_label(struct rpt *r, const struct dur_estimate_result *x)
{
	for (size_t i = 0; x->model && i < sizeof(model_names) / sizeof(model_names[0]); i++)
		if (strcmp(x->model, model_names[i].model) == 0)
			return TR(model_names[i].label);
	/* a method this version does not name: its own names */
	if (x->model && x->method && strcmp(x->model, x->method) != 0) {
		struct dur_buf b = { 0 };
		char *s;
		const char *k;
		dur_buf_printf(&b, "%s, %s", x->method, x->model);
		s = rpt_take(r, &b);
		k = rpt_keep(r, s);
		free(s);
		return k;
	}
	return x->model ? x->model : x->method ? x->method : "";
}

static const char *interval_label(struct rpt *r, int method)
{
	switch (method) {
	case DUR_INTERVAL_BCA: return TR(DUR_N_("bootstrap, BCa"));
	case DUR_INTERVAL_PROFILE: return TR(DUR_N_("profile likelihood"));
	case DUR_INTERVAL_ANALYTIC: return TR(DUR_N_("analytic, log-normal"));
	case DUR_INTERVAL_CREDIBLE: return TR(DUR_N_("credible, posterior"));
	}
	return TR(DUR_N_("none"));
}

static void note_refs(struct rpt *r, const struct dur_estimate_result *x)
{
	if (x->method && strcmp(x->method, "loglinear") == 0)
		r->refs |= RPT_REF_LOGLINEAR;
	if (x->method && strcmp(x->method, "closed") == 0)
		r->refs |= RPT_REF_CLOSED;
	if (x->model && strcmp(x->model, "stepwise") == 0)
		r->refs |= RPT_REF_STEPWISE;
	if (x->model && (strcmp(x->model, "aic") == 0 || strcmp(x->model, "bic") == 0))
		r->refs |= RPT_REF_AIC;
	if (x->interval.method == DUR_INTERVAL_BCA)
		r->refs |= RPT_REF_BCA;
	if (x->interval.method == DUR_INTERVAL_PROFILE)
		r->refs |= RPT_REF_PROFILE;
	if (x->interval.method == DUR_INTERVAL_CREDIBLE)
		r->refs |= RPT_REF_BAYES;
	if (x->method && strcmp(x->method, "bma") == 0)
		r->refs |= RPT_REF_BMA;
	if (x->method && strcmp(x->method, "lcmcr") == 0)
		r->refs |= RPT_REF_LCMCR;
}

/* Is a compared method the chosen one again (the comparison repeats it)? */
static int same_as_main(const struct dur_estimate_table *t, const struct dur_estimate_result *c)
{
	const struct dur_estimate_result *x = &t->main;
	return c->method && x->method && strcmp(c->method, x->method) == 0 && c->model &&
	       x->model && strcmp(c->model, x->model) == 0 &&
	       c->interval.method == x->interval.method && c->have_estimate == x->have_estimate &&
	       (!c->have_estimate || c->estimate == x->estimate);
}

static int outside(const struct dur_estimate_result *x, double v)
{
	const struct dur_estimate_interval *iv = &x->interval;
	if (!x->have_estimate || !iv->have || !isfinite(v))
		return 0;
	return v < iv->lower || (!iv->upper_open && v > iv->upper);
}

static unsigned popcount(unsigned c)
{
	unsigned n = 0;
	for (; c; c &= c - 1)
		n++;
	return n;
}

/* A buffer's text kept until the end of the report. */
static const char *kept(struct rpt *r, struct dur_buf *b)
{
	char *s;
	const char *k;
	dur_buf_puts(b, "");
	s = rpt_take(r, b);
	k = rpt_keep(r, s);
	free(s);
	return k;
}

/* "LA, NG and PF" (HTML, kept). */
static const char *lists_html(struct rpt *r, char *const *lists, size_t k)
{
	struct dur_buf b = { 0 };
	rpt_who(r, &b, lists, k, k >= 32 ? 0xffffffffu : (1u << k) - 1);
	return kept(r, &b);
}

/* A term "PF:NCA" in words: "PF and NCA" (HTML, kept). */
static const char *term_html(struct rpt *r, const char *term)
{
	const char *colon = strchr(term, ':');
	struct dur_buf b = { 0 };
	if (!colon)
		return rpt_h(r, term);
	rpt_escn(&b, term, (size_t)(colon - term));
	rpt_esc(&b, TR(DUR_N_(" and ")));
	rpt_esc(&b, colon + 1);
	return kept(r, &b);
}

static const char *level_html(struct rpt *r, double level)
{
	char t[32];
	rpt_percent(r, level, fmod(100 * level, 1) > 1e-9 ? 1 : 0, t, sizeof(t));
	return rpt_h(r, t);
}

/* ---- in plain words ------------------------------------------------------------------- */

static void seen_words(struct rpt *r, const struct dur_estimate_table *t)
{
	const struct dur_estimate_result *x = &t->main;
	double one = 0;
	char k[24];
	for (size_t i = 0; i < x->ncells; i++)
		if (popcount(x->cells[i].pattern) == 1)
			one += x->cells[i].observed;
	snprintf(k, sizeof(k), "%zu", t->nlists);
	rpt_raw(r, "<p>");
	rpt_say(r, TR(DUR_N_("The {k} lists are {lists}.")), "k", k, "lists",
		lists_html(r, t->lists, t->nlists), NULL);
	if (x->ncells) {
		rpt_raw(r, " ");
		rpt_say(r, TR(DUR_N_("Of the people seen, {one} were on one list only and {more} on "
				     "two or more.")), "one", rpt_hcell(r, one), "more",
			rpt_hcell(r, t->observed - one), NULL);
	}
	rpt_raw(r, "</p>\n");
}

struct spread {
	size_t n, out;
	double lo, hi;
	const char *lo_name, *hi_name;
};

static void methods_spread(struct rpt *r, const struct dur_estimate_table *t, struct spread *s)
{
	memset(s, 0, sizeof(*s));
	s->lo = INFINITY;
	s->hi = -INFINITY;
	for (size_t i = 0; i < t->ncompare; i++) {
		const struct dur_estimate_result *c = &t->compare[i];
		if (same_as_main(t, c) || !c->have_estimate)
			continue;
		s->n++;
		s->out += (size_t)outside(&t->main, c->estimate);
		if (c->estimate < s->lo) {
			s->lo = c->estimate;
			s->lo_name = rpt_h(r, model_label(r, c));
		}
		if (c->estimate > s->hi) {
			s->hi = c->estimate;
			s->hi_name = rpt_h(r, model_label(r, c));
		}
	}
}

static void omission_spread(struct rpt *r, const struct dur_estimate_table *t, struct spread *s)
{
	memset(s, 0, sizeof(*s));
	s->lo = INFINITY;
	s->hi = -INFINITY;
	for (size_t i = 0; i < t->nomit; i++) {
		const struct dur_estimate_omission *o = &t->omit[i];
		if (!o->have_estimate)
			continue;
		s->n++;
		s->out += (size_t)outside(&t->main, o->estimate);
		if (o->estimate < s->lo) {
			s->lo = o->estimate;
			s->lo_name = rpt_h(r, o->list);
		}
		if (o->estimate > s->hi) {
			s->hi = o->estimate;
			s->hi_name = rpt_h(r, o->list);
		}
	}
}

void rpt_estimate_words(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_doc *d = m->est;
	const struct dur_estimate_table *t = &d->total;
	const struct dur_estimate_result *x = &t->main;
	struct spread ms, os;
	char *head = NULL, link[64], n[24];

	rpt_printf(r, "<div class=\"block\" id=\"m%d-words\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("The estimate from {file}")), "file",
		rpt_h(r, rpt_basename(d->input_name)), NULL);
	rpt_raw(r, "</h3>\n");
	if (t->failure) {
		rpt_raw(r, "<p class=\"headline\">");
		rpt_say(r, TR(DUR_N_("No estimate could be made: {reason}.")), "reason",
			rpt_h(r, t->failure), NULL);
		rpt_raw(r, "</p>\n</div>\n");
		return;
	}
	if (dur_estimate_headline_in(r->cat, x, &head, NULL) != DUR_OK) {
		r->b.failed = 1;
		return;
	}
	rpt_raw(r, "<p class=\"headline\">");
	rpt_text(r, head);
	rpt_raw(r, "</p>\n");
	free(head);
	seen_words(r, t);

	methods_spread(r, t, &ms);
	omission_spread(r, t, &os);
	snprintf(link, sizeof(link), "<a href=\"#m%d-methods\">", m->index);
	/* where the methods disagree, that first */
	if (ms.out) {
		char k[24];
		snprintf(k, sizeof(k), "%zu", ms.out);
		snprintf(n, sizeof(n), "%zu", ms.n);
		rpt_raw(r, "<p class=\"caution\"><strong>");
		rpt_text(r, TR(DUR_N_("The methods disagree.")));
		rpt_raw(r, "</strong> ");
		rpt_say(r, TR(DUR_N_("{k} of the {n} other methods give an estimate outside this "
				     "interval; together they range from {lo} ({lo_name}) to {hi} "
				     "({hi_name}). How many people there are depends on which "
				     "model is right: see {link}the comparison of methods{/link}.")),
			"k", k, "n", n, "lo", rpt_habout(r, ms.lo), "lo_name", ms.lo_name, "hi",
			rpt_habout(r, ms.hi), "hi_name", ms.hi_name, "link", link, "/link", "</a>",
			NULL);
		rpt_raw(r, "</p>\n");
	}
	if (os.out == 1) {
		for (size_t i = 0; i < t->nomit; i++) {
			const struct dur_estimate_omission *o = &t->omit[i];
			if (!o->have_estimate || !outside(x, o->estimate))
				continue;
			rpt_raw(r, "<p class=\"caution\">");
			rpt_say(r, TR(DUR_N_("Without the list {list} the estimate would be {est}, "
					     "outside the interval: the figure leans on that one "
					     "list.")), "list", rpt_h(r, o->list), "est",
				rpt_habout(r, o->estimate), NULL);
			rpt_raw(r, "</p>\n");
		}
	} else if (os.out > 1) {
		char k[24];
		snprintf(k, sizeof(k), "%zu", os.out);
		snprintf(n, sizeof(n), "%zu", os.n);
		rpt_raw(r, "<div class=\"caution\"><p>");
		rpt_say(r, os.out == os.n
			? TR(DUR_N_("The figure leans on single lists: leaving out any one of the {n} "
				    "lists moves the estimate outside the interval."))
			: TR(DUR_N_("The figure leans on single lists: leaving out any one of {k} of "
				    "the {n} lists moves the estimate outside the interval.")), "k", k,
			"n", n, NULL);
		rpt_raw(r, "</p>\n<ul>\n");
		for (size_t i = 0; i < t->nomit; i++) {
			const struct dur_estimate_omission *o = &t->omit[i];
			if (!o->have_estimate || !outside(x, o->estimate))
				continue;
			rpt_raw(r, "<li>");
			rpt_say(r, TR(DUR_N_("without {list}: {est}")), "list", rpt_h(r, o->list), "est",
				rpt_habout(r, o->estimate), NULL);
			rpt_raw(r, "</li>\n");
		}
		rpt_raw(r, "</ul></div>\n");
	}
	if (t->catchability.tested && t->catchability.warn) {
		const struct dur_estimate_catchability *c = &t->catchability;
		rpt_raw(r, "<p class=\"caution\"><strong>");
		rpt_text(r, TR(DUR_N_("The lists seem to share who they find.")));
		rpt_raw(r, "</strong> ");
		rpt_text(r, TR(DUR_N_("People found by one list tend to be found by the others too, "
				      "so the people no list found are likely to be more than this "
				      "estimate says.")));
		if (isfinite(c->low) && isfinite(c->high)) {
			rpt_raw(r, " ");
			rpt_say(r, TR(DUR_N_("The models that allow for it (Mth) give from {low} to "
					     "{high}.")),
				"low", rpt_habout(r, c->low), "high", rpt_habout(r, c->high), NULL);
		}
		rpt_raw(r, "</p>\n");
	}
	rpt_raw(r, "<p>");
	rpt_text(r, TR(DUR_N_("What the number counts: people who fit the definitions these lists "
			      "used, in the period and the place the lists cover, including those "
			      "no list recorded. It is not a count of every victim of trafficking "
			      "or exploitation: people whom none of these lists could have "
			      "recorded, because of how the lists are made, are not in it.")));
	rpt_raw(r, "</p>\n<p>");
	if (x->have_estimate && x->interval.have) {
		if (x->interval.method == DUR_INTERVAL_CREDIBLE)
			rpt_say(r, TR(DUR_N_("Under the model and its prior, the number is between "
					     "the two ends of the interval with a probability of "
					     "{level}.")), "level", level_html(r, x->interval.level),
				NULL);
		else
			rpt_say(r, TR(DUR_N_("The interval ({method}) shows how uncertain the estimate "
					     "is, because those no list saw are inferred from how the "
					     "lists overlap. Intervals made this way contain the true "
					     "number in about {level} of cases, if the model is "
					     "right.")), "method",
				rpt_h(r, interval_label(r, x->interval.method)),
				"level", level_html(r, x->interval.level), NULL);
		rpt_raw(r, " ");
	}
	rpt_text(r, TR(DUR_N_("It does not allow for mistakes in the lists themselves: one "
			      "person recorded as two, or two people taken for one, change the "
			      "number.")));
	rpt_raw(r, "</p>\n");
	if (!ms.out) {
		rpt_raw(r, "<p>");
		if (ms.n) {
			snprintf(n, sizeof(n), "%zu", ms.n);
			rpt_say(r, TR(DUR_N_("The {n} other methods that were run give estimates from "
					     "{lo} to {hi}, all inside this interval ({link}the "
					     "comparison of methods{/link}).")), "n", n, "lo",
				rpt_habout(r, ms.lo), "hi", rpt_habout(r, ms.hi), "link", link,
				"/link", "</a>", NULL);
		} else {
			rpt_text(r, TR(DUR_N_("Only one method was run, so this report cannot show "
					      "how much the number depends on the model; an estimate "
					      "with every method compared would.")));
		}
		rpt_raw(r, "</p>\n");
	}
	if (os.n && !os.out) {
		rpt_raw(r, "<p>");
		rpt_say(r, TR(DUR_N_("Leaving out one list at a time gives estimates from {lo} "
				     "(without {lo_name}) to {hi} (without {hi_name}).")),
			"lo", rpt_habout(r, os.lo), "lo_name", os.lo_name, "hi", rpt_habout(r, os.hi),
			"hi_name", os.hi_name, NULL);
		rpt_raw(r, "</p>\n");
	}
	if (d->nstrata) {
		snprintf(n, sizeof(n), "%zu", d->nstrata);
		rpt_raw(r, "<p>");
		rpt_say(r, TR(DUR_N_("The estimate was also made separately for each value of {by} "
				     "({n} groups): see the figures.")), "by", rpt_h(r, d->by), "n",
			n, NULL);
		rpt_raw(r, "</p>\n");
	}
	if (x->warnings.n) {
		snprintf(n, sizeof(n), "%zu", x->warnings.n);
		rpt_printf(r, "<p><a href=\"#m%d-warnings\">", m->index);
		rpt_say(r, x->warnings.n == 1
			? TR(DUR_N_("There is a warning about this estimate; it is under Method and "
				    "definitions."))
			: TR(DUR_N_("There are {n} warnings about this estimate; they are under "
				    "Method and definitions.")), "n", n, NULL);
		rpt_raw(r, "</a></p>\n");
	}
	rpt_raw(r, "</div>\n");
}

/* ---- figures ------------------------------------------------------------------------------ */

/* Plain text (for an SVG's <title>/<desc>) from a template. */
static char *plain(struct rpt *r, const char *tmpl, const char *const *kv)
{
	struct dur_buf b = { 0 };
	rpt_fill(&b, 0, tmpl, kv);
	dur_buf_puts(&b, "");
	return rpt_take(r, &b);
}

/* A note under a table when published mode hid some of its counts. */
static void hidden_note(struct rpt *r, int any)
{
	char k[32];
	if (!any)
		return;
	rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
	rpt_raw(r, "<p class=\"note\">");
	rpt_say(r, TR(DUR_N_("Counts from 1 to {k1} are shown as \"<{k}\" so that nobody can be "
			     "singled out.")), "k1", rpt_hcount(r, (double)r->o->min_cell - 1), "k",
		rpt_h(r, k), NULL);
	rpt_raw(r, "</p>\n");
}

struct cellsort {
	unsigned pattern;
	double count;
};

static int cmp_cells(const void *a, const void *b)
{
	const struct cellsort *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
}

static void fig_overlaps(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_table *t = &m->est->total;
	const struct dur_estimate_result *x = &t->main;
	struct cellsort *cs = calloc(x->ncells + 1, sizeof(*cs));
	unsigned *pat = calloc(x->ncells + 1, sizeof(unsigned));
	double *cnt = calloc(x->ncells + 1, sizeof(double));
	double *tot = calloc(t->nlists + 1, sizeof(double));
	size_t nc = 0, empty = 0;
	int any = 0;
	char fid[32], ncs[24], nall[24], *title = NULL, *desc = NULL;
	struct dur_buf cap = { 0 };

	if (!cs || !pat || !cnt || !tot) {
		r->b.failed = 1;
		goto out;
	}
	for (size_t i = 0; i < x->ncells; i++) {
		if (x->cells[i].observed > 0) {
			cs[nc].pattern = x->cells[i].pattern;
			cs[nc++].count = x->cells[i].observed;
		} else {
			empty++;
		}
		for (size_t l = 0; l < t->nlists; l++)
			if ((x->cells[i].pattern >> l) & 1u)
				tot[l] += x->cells[i].observed;
	}
	if (!nc)
		goto out;
	qsort(cs, nc, sizeof(*cs), cmp_cells);
	for (size_t i = 0; i < nc; i++) {
		pat[i] = cs[i].pattern;
		cnt[i] = cs[i].count;
	}
	snprintf(ncs, sizeof(ncs), "%zu", nc);
	snprintf(nall, sizeof(nall), "%zu", x->ncells);
	{
		const char *kv[] = { "n", ncs, NULL };
		title = plain(r, TR(DUR_N_("Who was seen by which lists")), NULL);
		desc = plain(r, TR(DUR_N_("{n} groups of people, each seen by exactly one set of "
					  "lists; the bars give their sizes.")), kv);
	}
	{
		struct rpt_upset u = { title, desc, t->nlists, t->lists, tot, nc, pat, cnt };
		snprintf(fid, sizeof(fid), "m%d-overlaps", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_upset(r, &r->b, &u);
	}
	{
		struct dur_buf who = { 0 };
		rpt_who(r, &who, t->lists, t->nlists, pat[0]);
		rpt_sayb(r, &cap, TR(DUR_N_("Who was seen by which lists. Each bar counts the people "
					   "seen by exactly the lists marked with a dot under it, and "
					   "by no other list: the first bar, for example, is the "
					   "people seen by {who} and by no other list. The bars on the "
					   "left count everyone each list saw.")), "who",
			 kept(r, &who), NULL);
		if (empty) {
			dur_buf_puts(&cap, " ");
			rpt_sayb(r, &cap, TR(DUR_N_("{empty} of the {all} possible groups have nobody "
						   "in them and are not drawn.")), "empty",
				 rpt_hcount(r, (double)empty), "all", nall, NULL);
		}
		rpt_figure_close(r, kept(r, &cap));
	}
	rpt_raw(r, "<div class=\"tables\"><table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Seen by these lists, and by no other")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("People")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nc; i++) {
		struct dur_buf who = { 0 };
		rpt_who(r, &who, t->lists, t->nlists, pat[i]);
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_raw(r, kept(r, &who));
		rpt_raw(r, "</th><td>");
		any |= rpt_hidden(r, cnt[i]);
		rpt_raw(r, rpt_hcell(r, cnt[i]));
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("List")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("People on it in all")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t l = 0; l < t->nlists; l++) {
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, t->lists[l]);
		rpt_raw(r, "</th><td>");
		any |= rpt_hidden(r, tot[l]);
		rpt_raw(r, rpt_hcell(r, tot[l]));
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table></div>\n");
	hidden_note(r, any);
	rpt_raw(r, "</figure>\n");
out:
	free(title);
	free(desc);
	free(cs);
	free(pat);
	free(cnt);
	free(tot);
}

static void interval_cells(struct rpt *r, int have, double lo, double hi, int open)
{
	if (!have) {
		rpt_raw(r, "<td>-</td><td>-</td>");
		return;
	}
	rpt_raw(r, "<td>");
	rpt_raw(r, rpt_hcount(r, lo));
	rpt_raw(r, "</td><td>");
	if (open)
		rpt_say(r, TR(DUR_N_("above {n}")), "n", rpt_hcount(r, hi), NULL);
	else
		rpt_raw(r, rpt_hcount(r, hi));
	rpt_raw(r, "</td>");
}

static void fig_methods(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_table *t = &m->est->total;
	struct rpt_ivrow *rows = calloc(t->ncompare + 2, sizeof(*rows));
	const struct dur_estimate_result **res = calloc(t->ncompare + 2, sizeof(*res));
	size_t n = 0;
	char fid[32], *title = NULL, *desc = NULL;
	struct dur_buf cap = { 0 };

	if (!rows || !res) {
		r->b.failed = 1;
		goto out;
	}
	res[n++] = &t->main;
	for (size_t i = 0; i < t->ncompare; i++)
		if (!same_as_main(t, &t->compare[i]))
			res[n++] = &t->compare[i];
	for (size_t i = 0; i < n; i++) {
		const struct dur_estimate_result *x = res[i];
		rows[i].label = model_label(r, x);
		rows[i].note = x->have_estimate ? interval_label(r, x->interval.method)
						: TR(DUR_N_("no estimate"));
		rows[i].have = x->have_estimate;
		rows[i].estimate = x->estimate;
		rows[i].have_interval = x->have_estimate && x->interval.have;
		rows[i].lower = x->interval.lower;
		rows[i].upper = x->interval.upper;
		rows[i].upper_open = x->interval.upper_open;
		rows[i].main = i == 0;
	}
	title = plain(r, TR(DUR_N_("The estimate from every method")), NULL);
	desc = plain(r, TR(DUR_N_("Each method's estimate and interval on one axis; the chosen "
				  "method first.")), NULL);
	{
		const struct dur_estimate_interval *iv = &t->main.interval;
		struct rpt_ivplot p = { title, desc, TR(DUR_N_("people in all")), NAN, NULL, 0,
					iv->have ? iv->lower : NAN,
					iv->have && !iv->upper_open ? iv->upper : NAN,
					TR(DUR_N_("the chosen method's interval")) };
		snprintf(fid, sizeof(fid), "m%d-methods", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_intervals(r, &r->b, &p, rows, n);
	}
	rpt_sayb(r, &cap, TR(DUR_N_("The estimate and its interval from the chosen method (blue "
				   "diamond, first row), and from every other method that was run "
				   "(circles).")), NULL);
	dur_buf_puts(&cap, " ");
	rpt_sayb(r, &cap, n > 1
		 ? TR(DUR_N_("The shaded band is the chosen method's interval. Each method assumes "
			     "something different about the people and the lists (the table says "
			     "what); where the intervals do not overlap, the methods disagree about "
			     "how many people no list saw."))
		 : TR(DUR_N_("No other method was run for this estimate.")), NULL);
	rpt_figure_close(r, kept(r, &cap));
	rpt_raw(r, "<table class=\"num wide\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Method")));
	rpt_raw(r, "</th><th scope=\"col\" class=\"text\">");
	rpt_text(r, TR(DUR_N_("What it assumes")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Estimate")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Lower end")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Upper end")));
	rpt_raw(r, "</th><th scope=\"col\" class=\"text\">");
	rpt_text(r, TR(DUR_N_("Interval")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct dur_estimate_result *x = res[i];
		rpt_raw(r, i == 0 ? "<tr class=\"main\"><th scope=\"row\">" : "<tr><th scope=\"row\">");
		rpt_text(r, model_label(r, x));
		if (i == 0) {
			rpt_raw(r, " <span class=\"tag\">");
			rpt_text(r, TR(DUR_N_("chosen")));
			rpt_raw(r, "</span>");
		}
		rpt_raw(r, "</th><td class=\"text\">");
		rpt_en(r, x->have_estimate ? (x->summary ? x->summary : "")
					   : (x->reason ? x->reason : ""));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, x->have_estimate ? rpt_hcount(r, x->estimate) : "-");
		rpt_raw(r, "</td>");
		interval_cells(r, x->have_estimate && x->interval.have, x->interval.lower,
			       x->interval.upper, x->interval.upper_open);
		rpt_raw(r, "<td class=\"text\">");
		if (x->have_estimate && x->interval.method != DUR_INTERVAL_NONE) {
			rpt_text(r, interval_label(r, x->interval.method));
			rpt_raw(r, ", ");
			rpt_raw(r, level_html(r, x->interval.level));
		}
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");
out:
	free(title);
	free(desc);
	free(rows);
	free(res);
}

/* The candidates to show: the chosen method's, or those of a compared one. */
static const struct dur_estimate_result *with_candidates(const struct dur_estimate_table *t)
{
	if (t->main.ncandidates)
		return &t->main;
	for (size_t i = 0; i < t->ncompare; i++)
		if (t->compare[i].ncandidates)
			return &t->compare[i];
	return NULL;
}

static const char *criterion_name(struct rpt *r, const char *crit)
{
	if (strcmp(crit, "aic") == 0)
		return "AIC";
	if (strcmp(crit, "bic") == 0)
		return "BIC";
	return TR(DUR_N_("posterior"));
}

static const char *weight_name(struct rpt *r, const char *crit)
{
	if (strcmp(crit, "aic") == 0)
		return TR(DUR_N_("Akaike weight"));
	if (strcmp(crit, "bic") == 0)
		return TR(DUR_N_("Schwarz (BIC) weight"));
	return TR(DUR_N_("posterior probability"));
}

/* "PF:NCA, LA:NG" or "(none: lists independent)", plain. */
static const char *terms_plain(struct rpt *r, char *const *terms, size_t n)
{
	struct dur_buf b = { 0 };
	char *s;
	const char *k;
	if (!n)
		return TR(DUR_N_("none: lists independent"));
	for (size_t i = 0; i < n; i++)
		dur_buf_printf(&b, "%s%s", i ? ", " : "", terms[i]);
	s = rpt_take(r, &b);
	k = rpt_keep(r, s);
	free(s);
	return k;
}

static void fig_models(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_table *t = &m->est->total;
	const struct dur_estimate_result *x = with_candidates(t);
	size_t n, nt = 0, maxt = 0;
	const char **terms = NULL;
	size_t *freq = NULL;
	unsigned char *has = NULL;
	double *w = NULL, *est = NULL;
	char fid[32], *title = NULL, *desc = NULL, nn[24];
	struct dur_buf cap = { 0 };

	if (!x)
		return;
	n = x->ncandidates < r->o->top_models ? x->ncandidates : r->o->top_models;
	for (size_t i = 0; i < n; i++)
		maxt += x->candidates[i].nterms;
	terms = calloc(maxt + 1, sizeof(*terms));
	freq = calloc(maxt + 1, sizeof(*freq));
	w = calloc(n + 1, sizeof(*w));
	est = calloc(n + 1, sizeof(*est));
	if (!terms || !freq || !w || !est) {
		r->b.failed = 1;
		goto out;
	}
	/* the pairs that appear, the most common first (then in order of appearance) */
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < x->candidates[i].nterms; k++) {
			size_t j = 0;
			while (j < nt && strcmp(terms[j], x->candidates[i].terms[k]) != 0)
				j++;
			if (j == nt)
				terms[nt++] = x->candidates[i].terms[k];
			freq[j]++;
		}
	for (size_t i = 1; i < nt; i++)
		for (size_t j = i; j > 0 && freq[j] > freq[j - 1]; j--) {
			const char *ts = terms[j];
			size_t f = freq[j];
			terms[j] = terms[j - 1];
			freq[j] = freq[j - 1];
			terms[j - 1] = ts;
			freq[j - 1] = f;
		}
	if (!(has = calloc(n * nt + 1, 1))) {
		r->b.failed = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		w[i] = x->candidates[i].weight;
		est[i] = x->candidates[i].estimate;
		for (size_t k = 0; k < x->candidates[i].nterms; k++)
			for (size_t j = 0; j < nt; j++)
				if (strcmp(terms[j], x->candidates[i].terms[k]) == 0)
					has[i * nt + j] = 1;
	}
	snprintf(nn, sizeof(nn), "%zu", n);
	{
		const char *kv[] = { "n", nn, "weight", weight_name(r, x->criterion), NULL };
		title = plain(r, TR(DUR_N_("The models compared")), NULL);
		desc = plain(r, TR(DUR_N_("The {n} best models: the pairs of lists in each, its "
					  "{weight} and its estimate.")), kv);
	}
	{
		struct rpt_models mm = { title, desc, n, nt, terms, has, w, est,
					 weight_name(r, x->criterion), TR(DUR_N_("estimate")) };
		snprintf(fid, sizeof(fid), "m%d-models", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_models(r, &r->b, &mm);
	}
	{
		char all[24];
		snprintf(all, sizeof(all), "%zu", x->models_considered > x->ncandidates
						  ? x->models_considered : x->ncandidates);
		rpt_sayb(r, &cap, TR(DUR_N_("The {n} best of {all} models by {criterion} ({method}). "
					   "Each row is a model: a dot for each pair of lists it lets "
					   "depend on each other, its {weight} (the share of support "
					   "it gets among all the models) and its estimate. One model "
					   "far ahead of the rest is a clear choice; many with similar "
					   "weights and different estimates mean that the choice of "
					   "model adds uncertainty the interval does not show.")),
			 "n", nn, "all", rpt_hcount(r, strtod(all, NULL)), "criterion",
			 rpt_h(r, criterion_name(r, x->criterion)), "method",
			 rpt_h(r, model_label(r, x)), "weight", rpt_h(r, weight_name(r, x->criterion)),
			 NULL);
	}
	rpt_figure_close(r, kept(r, &cap));
	rpt_raw(r, "<table class=\"num wide\">\n<thead><tr><th scope=\"col\">#</th>"
		   "<th scope=\"col\" class=\"text\">");
	rpt_text(r, TR(DUR_N_("Pairs of lists that depend on each other")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, criterion_name(r, x->criterion));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, weight_name(r, x->criterion));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Estimate")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Deviance")));
	rpt_raw(r, "</th><th scope=\"col\">df</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct dur_estimate_candidate *c = &x->candidates[i];
		rpt_printf(r, "<tr><td>%zu</td><td class=\"text\">", i + 1);
		rpt_text(r, terms_plain(r, c->terms, c->nterms));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hnum(r, c->criterion, 2));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hnum(r, c->weight, 3));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hcount(r, c->estimate));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hnum(r, c->deviance, 2));
		rpt_printf(r, "</td><td>%d</td></tr>\n", c->df);
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");
out:
	free(title);
	free(desc);
	free(terms);
	free(freq);
	free(has);
	free(w);
	free(est);
}

/*
 * The distribution of N: bootstrap replicates now, and (as the Bayesian
 * methods land) posterior draws the same way, or a posterior grid with
 * weights (values[i] with probability weights[i]).
 */
struct dist {
	const double *values;
	const double *weights;   /* NULL: each value counts once */
	size_t n;
	int posterior;
	int linkage;             /* the estimates from tables drawn from link probabilities */
};

static void fig_distribution(struct rpt *r, const struct rpt_manifest *m, const struct dist *ds)
{
	const struct dur_estimate_table *t = &m->est->total;
	const struct dur_estimate_result *x = &t->main;
	double lo = INFINITY, hi = -INFINITY, step, *edges = NULL, *counts = NULL, k0;
	size_t nb, finite = 0, failed = 0;
	struct rpt_mark marks[3];
	char fid[32], *title = NULL, *desc = NULL, ls[3][160];
	struct dur_buf cap = { 0 };

	for (size_t i = 0; i < ds->n; i++) {
		if (!isfinite(ds->values[i])) {
			failed++;
			continue;
		}
		finite++;
		lo = fmin(lo, ds->values[i]);
		hi = fmax(hi, ds->values[i]);
	}
	/* the linkage's spread is read against the interval: show both */
	if (ds->linkage && finite && x->interval.have && !x->interval.upper_open) {
		lo = fmin(lo, x->interval.lower);
		hi = fmax(hi, x->interval.upper);
	}
	if (finite < 2 || !(hi > lo))
		return;
	/* about 30 bins of a round width */
	step = rpt_nice((hi - lo) / 30, 1);
	k0 = floor(lo / step);
	nb = (size_t)(floor(hi / step) - k0) + 1;
	if (nb > 200)
		return;
	edges = calloc(nb + 1, sizeof(double));
	counts = calloc(nb, sizeof(double));
	if (!edges || !counts) {
		r->b.failed = 1;
		goto out;
	}
	for (size_t i = 0; i <= nb; i++)
		edges[i] = (k0 + (double)i) * step;
	for (size_t i = 0; i < ds->n; i++) {
		double v = ds->values[i];
		size_t bin;
		if (!isfinite(v))
			continue;
		bin = (size_t)(floor(v / step) - k0);
		if (bin >= nb)
			bin = nb - 1;
		counts[bin] += ds->weights ? ds->weights[i] : 1;
	}
	{
		const char *kv[] = { "est", NULL, NULL };
		char e[64];
		rpt_count(r, x->estimate, e, sizeof(e));
		kv[1] = e;
		{
			struct dur_buf b = { 0 };
			char *s;
			rpt_fill(&b, 0, TR(DUR_N_("estimate {est}")), kv);
			s = rpt_take(r, &b);
			snprintf(ls[0], sizeof(ls[0]), "%s", s ? s : "");
			free(s);
		}
		rpt_count(r, x->interval.lower, e, sizeof(e));
		{
			struct dur_buf b = { 0 };
			char *s;
			rpt_fill(&b, 0, TR(DUR_N_("lower end {est}")), kv);
			s = rpt_take(r, &b);
			snprintf(ls[1], sizeof(ls[1]), "%s", s ? s : "");
			free(s);
		}
		rpt_count(r, x->interval.upper, e, sizeof(e));
		{
			struct dur_buf b = { 0 };
			char *s;
			rpt_fill(&b, 0, TR(DUR_N_("upper end {est}")), kv);
			s = rpt_take(r, &b);
			snprintf(ls[2], sizeof(ls[2]), "%s", s ? s : "");
			free(s);
		}
	}
	marks[0].x = x->estimate;
	marks[0].label = ls[0];
	marks[0].dashed = 0;
	marks[0].side = 0;
	marks[1].side = -1;
	marks[2].side = 1;
	marks[1].x = x->interval.have ? x->interval.lower : NAN;
	marks[1].label = ls[1];
	marks[1].dashed = 1;
	marks[2].x = x->interval.have && !x->interval.upper_open ? x->interval.upper : NAN;
	marks[2].label = ls[2];
	marks[2].dashed = 1;
	title = plain(r, ds->posterior ? TR(DUR_N_("The posterior distribution of the number"))
			 : ds->linkage ? TR(DUR_N_("How far the linkage alone moves the estimate"))
				       : TR(DUR_N_("The bootstrap distribution of the estimate")),
		      NULL);
	desc = plain(r, TR(DUR_N_("How the estimate spreads, with the estimate and the ends of "
				  "the interval marked.")), NULL);
	{
		struct rpt_histogram h = { title, desc, TR(DUR_N_("people in all")),
					   ds->posterior ? TR(DUR_N_("probability"))
					   : ds->linkage ? TR(DUR_N_("drawn tables"))
							 : TR(DUR_N_("replicates")),
					   nb, edges, counts, NULL, 3, marks, -1 };
		snprintf(fid, sizeof(fid), ds->linkage ? "m%d-linkage" : "m%d-distribution",
			 m->index);
		rpt_figure_open(r, fid);
		rpt_svg_histogram(r, &r->b, &h);
	}
	if (ds->linkage) {
		rpt_sayb(r, &cap, TR(DUR_N_("The estimate from each of {n} capture tables drawn from "
					   "the link probabilities: in each, every uncertain pair of "
					   "records was taken as one person with its probability. The "
					   "spread is what the linkage alone does to the estimate; the "
					   "interval's ends (dashed) cover sampling only.")), "n",
			 rpt_hcount(r, (double)ds->n), NULL);
		if (failed) {
			dur_buf_puts(&cap, " ");
			rpt_sayb(r, &cap, TR(DUR_N_("{k} drawn tables gave no estimate and are not "
						   "drawn.")), "k", rpt_hcount(r, (double)failed), NULL);
		}
	} else if (ds->posterior) {
		rpt_sayb(r, &cap, TR(DUR_N_("How probable each number is, under the model and its "
					   "prior: the interval's ends (dashed) leave equal "
					   "probability outside on either side.")), NULL);
	} else {
		rpt_sayb(r, &cap, TR(DUR_N_("The estimate from each of {n} bootstrap replicates: "
					   "the people seen were drawn again at random, with "
					   "replacement, and the whole choice of model repeated each "
					   "time. The interval's ends (dashed) come from this spread, "
					   "corrected for bias and skew (BCa).")), "n",
			 rpt_hcount(r, (double)ds->n), NULL);
		if (failed) {
			dur_buf_puts(&cap, " ");
			rpt_sayb(r, &cap, TR(DUR_N_("{k} replicates gave no estimate and are not "
						   "drawn.")), "k", rpt_hcount(r, (double)failed), NULL);
		}
	}
	rpt_figure_close(r, kept(r, &cap));
	rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("From")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("To (not included)")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, ds->posterior ? TR(DUR_N_("Probability"))
		    : ds->linkage ? TR(DUR_N_("Drawn tables")) : TR(DUR_N_("Replicates")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < nb; i++) {
		if (counts[i] == 0)
			continue;
		rpt_raw(r, "<tr><td>");
		rpt_raw(r, rpt_hcount(r, edges[i]));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hcount(r, edges[i + 1]));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, ds->posterior ? rpt_hnum(r, counts[i], 4) : rpt_hcount(r, counts[i]));
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");
out:
	free(title);
	free(desc);
	free(edges);
	free(counts);
}

static void fig_omission(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_table *t = &m->est->total;
	struct rpt_ivrow *rows;
	char fid[32], *title = NULL, *desc = NULL, ref[160];
	struct dur_buf cap = { 0 };

	if (!t->nomit)
		return;
	if (!(rows = calloc(t->nomit, sizeof(*rows)))) {
		r->b.failed = 1;
		return;
	}
	for (size_t i = 0; i < t->nomit; i++) {
		const struct dur_estimate_omission *o = &t->omit[i];
		const char *kv[] = { "list", o->list, NULL };
		char *s = plain(r, TR(DUR_N_("without {list}")), kv);
		rows[i].label = rpt_keep(r, s);
		free(s);
		rows[i].note = o->have_estimate ? NULL : o->reason;
		rows[i].have = o->have_estimate;
		rows[i].estimate = o->estimate;
		rows[i].have_interval = isfinite(o->lower) && isfinite(o->upper);
		rows[i].lower = o->lower;
		rows[i].upper = o->upper;
	}
	{
		char e[64];
		const char *kv[] = { "est", e, NULL };
		char *s;
		rpt_count(r, t->main.estimate, e, sizeof(e));
		s = plain(r, TR(DUR_N_("all lists: {est}")), kv);
		snprintf(ref, sizeof(ref), "%s", s ? s : "");
		free(s);
	}
	title = plain(r, TR(DUR_N_("The estimate with each list left out")), NULL);
	desc = plain(r, TR(DUR_N_("One row per list left out; the dashed line is the estimate "
				  "from all lists.")), NULL);
	{
		const struct dur_estimate_interval *iv = &t->main.interval;
		struct rpt_ivplot p = { title, desc, TR(DUR_N_("people in all")),
					t->main.have_estimate ? t->main.estimate : NAN, ref, 0,
					iv->have ? iv->lower : NAN,
					iv->have && !iv->upper_open ? iv->upper : NAN, NULL };
		snprintf(fid, sizeof(fid), "m%d-omission", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_intervals(r, &r->b, &p, rows, t->nomit);
	}
	rpt_sayb(r, &cap, TR(DUR_N_("The estimate made again with each list left out in turn (the "
				   "same way of choosing the model, with analytic intervals); "
				   "people seen only by the list left out then count as unseen. "
				   "A large move means that the estimate leans on that list; the "
				   "dashed line is the estimate from all lists, the shaded band "
				   "its interval.")), NULL);
	rpt_figure_close(r, kept(r, &cap));
	rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("List left out")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Estimate")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Lower end")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Upper end")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < t->nomit; i++) {
		const struct dur_estimate_omission *o = &t->omit[i];
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, o->list);
		rpt_raw(r, "</th>");
		if (!o->have_estimate) {
			rpt_raw(r, "<td colspan=\"3\" class=\"text\">");
			rpt_en(r, o->reason ? o->reason : "");
			rpt_raw(r, "</td></tr>\n");
			continue;
		}
		rpt_raw(r, "<td>");
		rpt_raw(r, rpt_hcount(r, o->estimate));
		rpt_raw(r, "</td>");
		interval_cells(r, rows[i].have_interval, o->lower, o->upper, 0);
		rpt_raw(r, "</tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");
	free(title);
	free(desc);
	free(rows);
}

static void fig_strata(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_doc *d = m->est;
	struct rpt_ivrow *rows;
	char fid[32], *title = NULL, *desc = NULL;
	struct dur_buf cap = { 0 };
	double sum = 0;
	int all = 1;

	if (!d->nstrata)
		return;
	if (!(rows = calloc(d->nstrata, sizeof(*rows)))) {
		r->b.failed = 1;
		return;
	}
	for (size_t i = 0; i < d->nstrata; i++) {
		const struct dur_estimate_table *s = &d->strata[i];
		const struct dur_estimate_result *x = &s->main;
		rows[i].label = s->stratum ? s->stratum : "";
		rows[i].note = s->failure ? s->failure : NULL;
		rows[i].have = !s->failure && x->have_estimate;
		rows[i].estimate = x->estimate;
		rows[i].have_interval = rows[i].have && x->interval.have;
		rows[i].lower = x->interval.lower;
		rows[i].upper = x->interval.upper;
		rows[i].upper_open = x->interval.upper_open;
		if (rows[i].have)
			sum += x->estimate;
		else
			all = 0;
	}
	{
		const char *kv[] = { "by", d->by ? d->by : "", NULL };
		title = plain(r, TR(DUR_N_("The estimate for each value of {by}")), kv);
		desc = plain(r, TR(DUR_N_("One row per group, each estimated on its own.")), NULL);
	}
	{
		struct rpt_ivplot p = { title, desc, TR(DUR_N_("people in all")), NAN, NULL, 1, NAN,
					NAN, NULL };
		snprintf(fid, sizeof(fid), "m%d-strata", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_intervals(r, &r->b, &p, rows, d->nstrata);
	}
	rpt_sayb(r, &cap, TR(DUR_N_("The estimate for each value of {by}, each made from its own "
				   "lists alone, with its interval.")), "by", rpt_h(r, d->by), NULL);
	if (all && d->total.main.have_estimate) {
		dur_buf_puts(&cap, " ");
		rpt_sayb(r, &cap, TR(DUR_N_("Together they come to {sum}; the estimate for all "
					   "groups at once is {total}. The two need not agree: each "
					   "group's model is chosen on its own.")), "sum",
			 rpt_hcount(r, sum), "total", rpt_hcount(r, d->total.main.estimate), NULL);
	}
	rpt_figure_close(r, kept(r, &cap));
	rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, d->by ? d->by : "");
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Seen")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Estimate")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Lower end")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Upper end")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->nstrata; i++) {
		const struct dur_estimate_table *s = &d->strata[i];
		const struct dur_estimate_result *x = &s->main;
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, s->stratum ? s->stratum : "");
		rpt_raw(r, "</th><td>");
		rpt_raw(r, s->failure ? "-" : rpt_hcell(r, s->observed));
		rpt_raw(r, "</td>");
		if (!rows[i].have) {
			rpt_raw(r, "<td colspan=\"3\" class=\"text\">");
			rpt_en(r, s->failure ? s->failure : x->reason ? x->reason : "");
			rpt_raw(r, "</td></tr>\n");
			continue;
		}
		rpt_raw(r, "<td>");
		rpt_raw(r, rpt_hcount(r, x->estimate));
		rpt_raw(r, "</td>");
		interval_cells(r, x->interval.have, x->interval.lower, x->interval.upper,
			       x->interval.upper_open);
		rpt_raw(r, "</tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");
	free(title);
	free(desc);
	free(rows);
}

void rpt_estimate_figures(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_table *t = &m->est->total;
	const struct dur_estimate_interval *iv = &t->main.interval;

	rpt_printf(r, "<div class=\"block\" id=\"m%d-figures\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("The estimate from {file}")), "file",
		rpt_h(r, rpt_basename(m->est->input_name)), NULL);
	rpt_raw(r, "</h3>\n");
	if (t->failure) {
		rpt_raw(r, "<p>");
		rpt_text(r, TR(DUR_N_("No figures: no estimate could be made.")));
		rpt_raw(r, "</p>\n</div>\n");
		return;
	}
	r->refs |= RPT_REF_UPSET;
	fig_overlaps(r, m);
	if (t->main.have_estimate)
		fig_methods(r, m);
	fig_models(r, m);
	if (t->main.have_estimate && iv->method == DUR_INTERVAL_BCA && iv->nestimates) {
		struct dist ds = { iv->estimates, NULL, iv->nestimates, 0, 0 };
		fig_distribution(r, m, &ds);
	}
	if (t->main.have_estimate && m->est->linkage) {
		struct dist ds = { m->est->linkage->estimates, NULL, m->est->linkage->ndraws, 0, 1 };
		fig_distribution(r, m, &ds);
	}
	if (t->main.have_estimate)
		fig_omission(r, m);
	fig_strata(r, m);
	rpt_raw(r, "</div>\n");
}

/* ---- method ------------------------------------------------------------------------------ */

static void kv_row(struct rpt *r, const char *name, const char *html)
{
	rpt_raw(r, "<tr><th scope=\"row\">");
	rpt_text(r, name);
	rpt_raw(r, "</th><td>");
	rpt_raw(r, html);
	rpt_raw(r, "</td></tr>\n");
}

static const struct {
	const char *key, *meaning;
} param_words[] = {
	{ "bootstrap", DUR_N_("bootstrap replicates") },
	{ "by", DUR_N_("the column of strata (none: no strata)") },
	{ "compare", DUR_N_("every method side by side") },
	{ "diagnostics", DUR_N_("the list omission diagnostic") },
	{ "interval", DUR_N_("how the interval is made") },
	{ "level", DUR_N_("the level of the interval") },
	{ "lists", DUR_N_("the lists used (none: every list)") },
	{ "method", DUR_N_("the family of models") },
	{ "model", DUR_N_("the model, or how it is chosen") },
	{ "pthresh", DUR_N_("step by step: a pair is added while its p-value is below this") },
	{ "seed", DUR_N_("the random seed: every random draw comes from it") },
	{ "sep", DUR_N_("the character between values in the input") },
	{ "select", DUR_N_("search every model and keep the best by this criterion (none: no "
			   "search)") },
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A parameter's value for people: strings as they are, numbers shortly. */
static const char *param_value(struct rpt *r, const json_t *v)
{
	char t[64];
	if (json_is_null(v))
		return rpt_h(r, TR(DUR_N_("(none)")));
	if (json_is_true(v))
		return rpt_h(r, TR(DUR_N_("yes")));
	if (json_is_false(v))
		return rpt_h(r, TR(DUR_N_("no")));
	if (json_is_string(v))
		return rpt_h(r, json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(t, sizeof(t), "%lld", (long long)json_integer_value(v));
		return rpt_h(r, t);
	}
	if (json_is_real(v)) {
		snprintf(t, sizeof(t), "%.10g", json_real_value(v));
		return rpt_h(r, t);
	}
	{
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS |
					JSON_REAL_PRECISION(10));
		const char *k = rpt_h(r, s ? s : "");
		free(s);
		return k;
	}
}

static const char *est_param_meaning(struct rpt *r, const char *key)
{
	for (size_t i = 0; i < sizeof(param_words) / sizeof(param_words[0]); i++)
		if (strcmp(param_words[i].key, key) == 0)
			return TR(param_words[i].meaning);
	return "";
}

/* Every parameter, keys in order (the same bytes whatever the JSON order). */
void rpt_params_table(struct rpt *r, const json_t *params,
		      const char *(*meaning)(struct rpt *, const char *))
{
	const char **keys;
	const char *key;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(params) || !json_object_size(params))
		return;
	if (!(keys = calloc(json_object_size(params), sizeof(*keys)))) {
		r->b.failed = 1;
		return;
	}
	json_object_foreach((json_t *)params, key, v)
		keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	rpt_raw(r, "<table class=\"kv\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Parameter")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Value")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("What it is")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		rpt_raw(r, "<tr><th scope=\"row\"><code>");
		rpt_text(r, keys[i]);
		rpt_raw(r, "</code></th><td><code>");
		rpt_raw(r, param_value(r, json_object_get(params, keys[i])));
		rpt_raw(r, "</code></td><td>");
		rpt_text(r, meaning ? meaning(r, keys[i]) : "");
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n");
	free(keys);
}

static void model_words(struct rpt *r, const struct rpt_manifest *m,
			const struct dur_estimate_result *x)
{
	char n[32];
	rpt_raw(r, "<p><strong>");
	rpt_text(r, model_label(r, x));
	rpt_raw(r, ".</strong> ");
	rpt_en(r, x->summary ? x->summary : "");
	rpt_raw(r, "</p>\n");
	if (x->have_fit) {
		rpt_raw(r, "<p>");
		if (x->nterms) {
			rpt_text(r, TR(DUR_N_("Pairs of lists allowed to depend on each other, in the "
					      "order they were added:")));
			rpt_raw(r, "</p>\n<ol class=\"terms\">\n");
			for (size_t i = 0; i < x->nterms; i++) {
				rpt_raw(r, "<li>");
				rpt_raw(r, term_html(r, x->terms[i]));
				rpt_raw(r, "</li>\n");
			}
			rpt_raw(r, "</ol>\n");
		} else {
			rpt_text(r, TR(DUR_N_("No pair of lists depends on another: the lists are "
					      "taken as independent.")));
			rpt_raw(r, "</p>\n");
		}
		if (x->nempty) {
			rpt_raw(r, "<p>");
			rpt_text(r, TR(DUR_N_("Pairs of lists with nobody in common, whose overlap the "
					      "model leaves out (an empty overlap):")));
			for (size_t i = 0; i < x->nempty; i++) {
				rpt_raw(r, i ? "; " : " ");
				rpt_raw(r, term_html(r, x->empty_overlaps[i]));
			}
			rpt_raw(r, ".</p>\n");
		}
	}
	if (x->model && strcmp(x->model, "stepwise") == 0 && x->have_fit) {
		rpt_raw(r, "<p>");
		snprintf(n, sizeof(n), "%zu", x->models_considered);
		rpt_say(r, TR(DUR_N_("How it was chosen: step by step, the rule of SparseMSE (Chan, "
				     "Silverman and Vincent 2021). Starting from independent lists, "
				     "the pair of lists whose overlap the current model fits worst "
				     "is added, as long as its p-value is below {p}; {n} models were "
				     "fitted on the way.")), "p", rpt_hnum(r, x->pthresh, 3), "n", n,
			NULL);
		rpt_raw(r, "</p>\n");
		if (x->nsteps) {
			rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
			rpt_text(r, TR(DUR_N_("Step")));
			rpt_raw(r, "</th><th scope=\"col\" class=\"text\">");
			rpt_text(r, TR(DUR_N_("Pair added")));
			rpt_raw(r, "</th><th scope=\"col\">");
			rpt_text(r, TR(DUR_N_("p-value")));
			rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
			for (size_t i = 0; i < x->nsteps; i++) {
				char p[32];
				snprintf(p, sizeof(p), "%.2e", x->steps[i].p);
				rpt_printf(r, "<tr><td>%zu</td><td class=\"text\">", i + 1);
				rpt_raw(r, term_html(r, x->steps[i].term));
				rpt_raw(r, "</td><td>");
				rpt_text(r, p);
				rpt_raw(r, "</td></tr>\n");
			}
			rpt_raw(r, "</tbody></table>\n");
		}
	} else if (x->model && (strcmp(x->model, "aic") == 0 || strcmp(x->model, "bic") == 0)) {
		char k[32];
		snprintf(n, sizeof(n), "%zu", x->models_considered);
		snprintf(k, sizeof(k), "%zu", x->models_without_estimate);
		rpt_raw(r, "<p>");
		rpt_say(r, TR(DUR_N_("How it was chosen: the lowest {criterion} among all {n} models "
				     "with pairs of lists ({k} of them had no estimate).")),
			"criterion", strcmp(x->model, "aic") == 0 ? "AIC" : "BIC", "n", n, "k", k,
			NULL);
		rpt_printf(r, " <a href=\"#m%d-models\">", m->index);
		rpt_text(r, TR(DUR_N_("The best of them are compared in the figures.")));
		rpt_raw(r, "</a></p>\n");
	}
}

static void fit_table(struct rpt *r, const struct dur_estimate_result *x)
{
	char t[32];
	if (!x->have_fit)
		return;
	rpt_raw(r, "<table class=\"kv\">\n<tbody>\n");
	kv_row(r, TR(DUR_N_("Deviance")), rpt_hnum(r, x->deviance, 3));
	snprintf(t, sizeof(t), "%d", x->df);
	kv_row(r, TR(DUR_N_("Degrees of freedom")), rpt_h(r, t));
	kv_row(r, "AIC", rpt_hnum(r, x->aic, 3));
	kv_row(r, "BIC", rpt_hnum(r, x->bic, 3));
	kv_row(r, TR(DUR_N_("Log-likelihood")), rpt_hnum(r, x->loglik, 3));
	snprintf(t, sizeof(t), "%d", x->cells_kept);
	kv_row(r, TR(DUR_N_("Cells fitted")), rpt_h(r, t));
	snprintf(t, sizeof(t), "%d", x->parameters);
	kv_row(r, TR(DUR_N_("Parameters")), rpt_h(r, t));
	kv_row(r, TR(DUR_N_("Intercept (log of the unseen)")), rpt_hnum(r, x->intercept, 4));
	kv_row(r, TR(DUR_N_("Its standard error")), rpt_hnum(r, x->se_intercept, 4));
	snprintf(t, sizeof(t), "%d", x->iterations);
	kv_row(r, TR(DUR_N_("Iterations")), rpt_h(r, t));
	rpt_raw(r, "</tbody></table>\n");
}

static void interval_table(struct rpt *r, const struct dur_estimate_result *x)
{
	const struct dur_estimate_interval *iv = &x->interval;
	char t[64];
	if (!x->have_estimate)
		return;
	rpt_raw(r, "<table class=\"kv\">\n<tbody>\n");
	kv_row(r, TR(DUR_N_("Estimate")), rpt_hnum(r, x->estimate, 2));
	kv_row(r, TR(DUR_N_("Seen")), rpt_hcell(r, x->observed));
	kv_row(r, TR(DUR_N_("Seen by no list (estimated)")), rpt_hnum(r, x->unseen, 2));
	if (isfinite(x->se))
		kv_row(r, TR(DUR_N_("Standard error")), rpt_hnum(r, x->se, 2));
	kv_row(r, TR(DUR_N_("Interval")), rpt_h(r, interval_label(r, iv->method)));
	if (iv->method != DUR_INTERVAL_NONE) {
		kv_row(r, TR(DUR_N_("Level")), level_html(r, iv->level));
		if (iv->have) {
			kv_row(r, TR(DUR_N_("Lower end")), rpt_hnum(r, iv->lower, 2));
			if (iv->upper_open) {
				struct dur_buf b = { 0 };
				rpt_sayb(r, &b, TR(DUR_N_("above {n}")), "n", rpt_hnum(r, iv->upper, 2),
					 NULL);
				kv_row(r, TR(DUR_N_("Upper end")), kept(r, &b));
			} else {
				kv_row(r, TR(DUR_N_("Upper end")), rpt_hnum(r, iv->upper, 2));
			}
		} else {
			struct dur_buf b = { 0 };
			rpt_esc(&b, iv->reason ? iv->reason : "");
			kv_row(r, TR(DUR_N_("No interval")), kept(r, &b));
		}
	}
	if (iv->method == DUR_INTERVAL_BCA) {
		kv_row(r, TR(DUR_N_("Bootstrap replicates")), rpt_hcount(r, (double)iv->replicates));
		kv_row(r, TR(DUR_N_("Replicates without an estimate")),
		       rpt_hcount(r, (double)iv->replicates_failed));
		snprintf(t, sizeof(t), "%llu", (unsigned long long)iv->seed);
		kv_row(r, TR(DUR_N_("Random seed")), rpt_h(r, t));
		if (iv->have) {
			kv_row(r, TR(DUR_N_("Acceleration")), rpt_hnum(r, iv->acceleration, 6));
			kv_row(r, TR(DUR_N_("Bias correction")), rpt_hnum(r, iv->bias_correction, 6));
		}
	}
	rpt_raw(r, "</tbody></table>\n");
}

static void catchability_table(struct rpt *r, const struct dur_estimate_catchability *c)
{
	char t[64];
	if (!c->tested && !c->reason)
		return;
	rpt_raw(r, "<h4>");
	rpt_text(r, TR(DUR_N_("Do the lists share who they find?")));
	rpt_raw(r, "</h4>\n<p>");
	rpt_text(r, TR(DUR_N_("A test from the table itself: the closed-population model Mth "
			      "Poisson2 (people differ in how easily lists find them) against Mt "
			      "(they do not), and how many pairs of lists overlap more than Mt "
			      "expects. Differences between people raise every overlap; a "
			      "dependence between two lists raises only theirs.")));
	rpt_raw(r, "</p>\n");
	if (!c->tested) {
		rpt_raw(r, "<p>");
		rpt_text(r, TR(DUR_N_("Not tested:")));
		rpt_raw(r, " ");
		rpt_en(r, c->reason ? c->reason : "");
		rpt_raw(r, "</p>\n");
		return;
	}
	rpt_raw(r, "<table class=\"kv\">\n<tbody>\n");
	kv_row(r, TR(DUR_N_("Deviance of Mt less that of Mth Poisson2 (chi-square, 1 df)")),
	       rpt_hnum(r, c->statistic, 3));
	snprintf(t, sizeof(t), "%.3g", c->p);
	kv_row(r, TR(DUR_N_("p-value")), rpt_h(r, t));
	kv_row(r, TR(DUR_N_("Heterogeneity coefficient tau")), rpt_hnum(r, c->tau, 4));
	{
		char a[24], b[24];
		struct dur_buf bb = { 0 };
		snprintf(a, sizeof(a), "%d", c->pairs_over);
		snprintf(b, sizeof(b), "%d", c->pairs);
		rpt_sayb(r, &bb, TR(DUR_N_("{k} of {n}")), "k", a, "n", b, NULL);
		kv_row(r, TR(DUR_N_("Pairs of lists that overlap more than Mt expects")), kept(r, &bb));
	}
	if (isfinite(c->low) && isfinite(c->high)) {
		struct dur_buf bb = { 0 };
		rpt_sayb(r, &bb, TR(DUR_N_("{low} to {high}")), "low", rpt_hcount(r, c->low), "high",
			 rpt_hcount(r, c->high), NULL);
		kv_row(r, TR(DUR_N_("Estimates of the Mth models")), kept(r, &bb));
	}
	kv_row(r, TR(DUR_N_("Verdict")), rpt_h(r, c->warn
		? TR(DUR_N_("shared: p below 0.05, tau above 0, and at least half the pairs "
			    "overlap more"))
		: TR(DUR_N_("not shown by this test"))));
	rpt_raw(r, "</tbody></table>\n");
}

static void warnings_list(struct rpt *r, const struct dur_strlist *w)
{
	if (!w->n) {
		rpt_raw(r, "<p>");
		rpt_text(r, TR(DUR_N_("None.")));
		rpt_raw(r, "</p>\n");
		return;
	}
	rpt_raw(r, "<ul class=\"warnings\">\n");
	for (size_t i = 0; i < w->n; i++) {
		rpt_raw(r, "<li>");
		rpt_en(r, w->s[i]);
		rpt_raw(r, "</li>\n");
	}
	rpt_raw(r, "</ul>\n");
}

static void cells_table(struct rpt *r, const struct dur_estimate_table *t)
{
	const struct dur_estimate_result *x = &t->main;
	int any = 0;
	if (!x->ncells)
		return;
	rpt_raw(r, "<table class=\"num cells\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Seen by these lists, and by no other")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Observed")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Fitted")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < x->ncells; i++) {
		const struct dur_estimate_cell *c = &x->cells[i];
		struct dur_buf who = { 0 };
		rpt_who(r, &who, t->lists, t->nlists, c->pattern);
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_raw(r, kept(r, &who));
		rpt_raw(r, "</th><td>");
		any |= rpt_hidden(r, c->observed);
		rpt_raw(r, rpt_hcell(r, c->observed));
		rpt_raw(r, "</td><td>");
		/* a fitted value close to a small count would give it away */
		if (r->o->publish && (rpt_hidden(r, c->observed) || rpt_hidden(r, c->fitted)))
			rpt_raw(r, rpt_hcell(r, (double)r->o->min_cell - 1));
		else
			rpt_raw(r, isfinite(c->fitted) ? rpt_hnum(r, c->fitted, 1) : "-");
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n");
	hidden_note(r, any);
}

void rpt_estimate_method(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_estimate_doc *d = m->est;
	const struct dur_estimate_table *t = &d->total;
	const struct dur_estimate_result *x = &t->main;

	rpt_printf(r, "<div class=\"block\" id=\"m%d-method\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("The estimate from {file}")), "file",
		rpt_h(r, rpt_basename(d->input_name)), NULL);
	rpt_raw(r, "</h3>\n");
	if (t->failure) {
		rpt_raw(r, "<p>");
		rpt_en(r, t->failure);
		rpt_raw(r, "</p>\n</div>\n");
		return;
	}
	note_refs(r, x);
	for (size_t i = 0; i < t->ncompare; i++)
		note_refs(r, &t->compare[i]);
	rpt_raw(r, "<h4>");
	rpt_text(r, TR(DUR_N_("The model and why it was chosen")));
	rpt_raw(r, "</h4>\n");
	if (!x->have_estimate) {
		rpt_raw(r, "<p>");
		rpt_en(r, x->reason ? x->reason : "");
		rpt_raw(r, "</p>\n");
	}
	model_words(r, m, x);
	if (x->have_fit) {
		rpt_raw(r, "<h4>");
		rpt_text(r, TR(DUR_N_("How well the model fits")));
		rpt_raw(r, "</h4>\n");
		fit_table(r, x);
	}
	rpt_raw(r, "<h4>");
	rpt_text(r, TR(DUR_N_("The estimate and its interval")));
	rpt_raw(r, "</h4>\n");
	interval_table(r, x);
	catchability_table(r, &t->catchability);
	rpt_printf(r, "<h4 id=\"m%d-warnings\">", m->index);
	rpt_text(r, TR(DUR_N_("Warnings")));
	rpt_raw(r, "</h4>\n");
	warnings_list(r, &x->warnings);
	rpt_raw(r, "<h4>");
	rpt_text(r, TR(DUR_N_("Every parameter")));
	rpt_raw(r, "</h4>\n");
	rpt_params_table(r, m->m->parameters, est_param_meaning);
	if (x->ncells) {
		rpt_raw(r, "<h4>");
		rpt_text(r, TR(DUR_N_("Every group of people: seen, and fitted by the model")));
		rpt_raw(r, "</h4>\n<p>");
		rpt_text(r, TR(DUR_N_("For each set of lists, the people seen by exactly those "
				      "lists and the number the model expects; a model that fits "
				      "expects about as many as were seen.")));
		rpt_raw(r, "</p>\n");
		cells_table(r, t);
	}
	for (size_t i = 0; i < d->nstrata; i++) {
		const struct dur_estimate_table *s = &d->strata[i];
		char *head = NULL;
		rpt_raw(r, "<h4>");
		rpt_say(r, TR(DUR_N_("The group {by} = {value}")), "by", rpt_h(r, d->by), "value",
			rpt_h(r, s->stratum ? s->stratum : ""), NULL);
		rpt_raw(r, "</h4>\n<p>");
		if (s->failure) {
			rpt_en(r, s->failure);
		} else if (dur_estimate_headline_in(r->cat, &s->main, &head, NULL) == DUR_OK) {
			rpt_text(r, head);
			free(head);
		} else {
			r->b.failed = 1;
		}
		rpt_raw(r, "</p>\n");
		if (s->failure)
			continue;
		note_refs(r, &s->main);
		model_words(r, m, &s->main);
		interval_table(r, &s->main);
		if (s->main.warnings.n) {
			rpt_raw(r, "<p>");
			rpt_text(r, TR(DUR_N_("Warnings")));
			rpt_raw(r, ":</p>\n");
			warnings_list(r, &s->main.warnings);
		}
	}
	rpt_raw(r, "</div>\n");
}
