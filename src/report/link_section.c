/*
 * A linkage in the report: how many records each list had, how many pairs
 * were compared and linked, how many people that makes, and the spread of
 * the linked pairs' scores above the threshold.  Counts only: a linkage
 * document never holds an identifier.
 */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lists_of(struct rpt *r, const struct rpt_link_doc *d)
{
	struct dur_buf b = { 0 };
	char *s;
	const char *k;
	rpt_who(r, &b, d->lists, d->nlists, 0xffffffffu);
	dur_buf_puts(&b, "");
	s = rpt_take(r, &b);
	k = rpt_keep(r, s);
	free(s);
	return k;
}

static const char *kept_or_empty(struct rpt *r, struct dur_buf *b)
{
	char *s;
	const char *k;
	dur_buf_puts(b, "");
	s = rpt_take(r, b);
	k = rpt_keep(r, s);
	free(s);
	return k;
}

static double records(const struct rpt_link_doc *d)
{
	double n = 0;
	for (size_t i = 0; i < d->nlists; i++)
		n += d->records[i];
	return n;
}

static void heading(struct rpt *r, const struct rpt_manifest *m, const char *part)
{
	char k[24];
	snprintf(k, sizeof(k), "%zu", m->link->nlists);
	rpt_printf(r, "<div class=\"block\" id=\"m%d-%s\">\n<h3>", m->index, part);
	rpt_say(r, TR(DUR_N_("Linkage of {k} lists")), "k", k, NULL);
	rpt_raw(r, "</h3>\n");
}

void rpt_link_words(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_link_doc *d = m->link;
	char k[24];

	r->refs |= RPT_REF_LINK;
	snprintf(k, sizeof(k), "%zu", d->nlists);
	heading(r, m, "words");
	rpt_raw(r, "<p class=\"headline\">");
	rpt_say(r, TR(DUR_N_("{records} records on {k} lists ({lists}) were linked into {people} "
			     "people.")), "records", rpt_hcell(r, records(d)), "k", k, "lists",
		lists_of(r, d), "people", rpt_hcell(r, d->people), NULL);
	rpt_raw(r, "</p>\n<p>");
	rpt_say(r, TR(DUR_N_("{pairs} pairs of records were taken to be the same person: their "
			     "similarity was at least {threshold} (out of 1), among {comparisons} "
			     "pairs compared. The lists were compared as keyed encodings: no name "
			     "left the organisations that hold them.")), "pairs",
		rpt_hcell(r, d->linked_pairs), "threshold", rpt_hnum(r, d->threshold, 2),
		"comparisons", rpt_hcount(r, d->comparisons), NULL);
	rpt_raw(r, "</p>\n<p>");
	rpt_text(r, TR(DUR_N_("A linkage can miss a link (one person then counts as two) or make "
			      "a wrong one (two people count as one); either changes an estimate "
			      "made from it.")));
	rpt_raw(r, "</p>\n</div>\n");
}

void rpt_link_figures(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_link_doc *d = m->link;
	int *hid = calloc(d->nlists + 1, sizeof(int)), *bhid = calloc(d->nbins + 1, sizeof(int));
	double *edges = calloc(d->nbins + 1, sizeof(double));
	int any = 0;
	char fid[32], *title = NULL, *desc = NULL, thr[160];
	struct dur_buf cap = { 0 }, cap2 = { 0 };

	if (!hid || !bhid || !edges) {
		r->b.failed = 1;
		goto out;
	}
	heading(r, m, "figures");
	for (size_t i = 0; i < d->nlists; i++)
		any |= hid[i] = rpt_hidden(r, d->records[i]);
	{
		struct dur_buf b = { 0 };
		rpt_fill(&b, 0, TR(DUR_N_("Records on each list")), NULL);
		dur_buf_puts(&b, "");
		title = rpt_take(r, &b);
		rpt_fill(&b, 0, TR(DUR_N_("How many records each organisation's list had.")), NULL);
		dur_buf_puts(&b, "");
		desc = rpt_take(r, &b);
	}
	{
		struct rpt_bars bars = { title, desc, TR(DUR_N_("records")), d->nlists,
					 (const char *const *)d->lists, d->records, hid, RPT_BLUE, -1 };
		snprintf(fid, sizeof(fid), "m%d-records", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_bars(r, &r->b, &bars);
	}
	rpt_sayb(r, &cap, TR(DUR_N_("Records on each list before linking; linking found {people} "
				   "people among them.")), "people", rpt_hcell(r, d->people), NULL);
	rpt_figure_close(r, kept_or_empty(r, &cap));
	rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("List")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Records")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->nlists; i++) {
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, d->lists[i]);
		rpt_raw(r, "</th><td>");
		rpt_raw(r, rpt_hcell(r, d->records[i]));
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n</figure>\n");

	/* the linked pairs' scores: bins from the threshold to 1 */
	for (size_t i = 0; i <= d->nbins; i++)
		edges[i] = d->scores_from + (d->scores_to - d->scores_from) * (double)i /
			   (double)d->nbins;
	for (size_t i = 0; i < d->nbins; i++)
		any |= bhid[i] = rpt_hidden(r, d->bins[i]);
	free(title);
	free(desc);
	{
		struct dur_buf b = { 0 };
		char t[32], *s;
		const char *kv[] = { "t", t, NULL };
		rpt_num(r, d->threshold, 2, t, sizeof(t));
		rpt_fill(&b, 0, TR(DUR_N_("threshold {t}")), kv);
		dur_buf_puts(&b, "");
		s = rpt_take(r, &b);
		snprintf(thr, sizeof(thr), "%s", s ? s : "");
		free(s);
		rpt_fill(&b, 0, TR(DUR_N_("How alike the linked pairs were")), NULL);
		dur_buf_puts(&b, "");
		title = rpt_take(r, &b);
		rpt_fill(&b, 0, TR(DUR_N_("The similarity scores of the linked pairs, from the "
					  "threshold to 1.")), NULL);
		dur_buf_puts(&b, "");
		desc = rpt_take(r, &b);
	}
	{
		struct rpt_mark mk = { d->threshold, thr, 1, 1 };
		struct rpt_histogram h = { title, desc, TR(DUR_N_("similarity score (Dice)")),
					   TR(DUR_N_("linked pairs")), d->nbins, edges, d->bins, bhid,
					   1, &mk, 2 };
		snprintf(fid, sizeof(fid), "m%d-scores", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_histogram(r, &r->b, &h);
	}
	rpt_sayb(r, &cap2, TR(DUR_N_("How alike the linked pairs were: a pair is linked when its "
				    "similarity score is at least the threshold (dashed line), so "
				    "only scores from the threshold up are drawn. Many links just "
				    "above the threshold mean that a slightly higher threshold "
				    "would have linked fewer people.")), NULL);
	rpt_figure_close(r, kept_or_empty(r, &cap2));
	rpt_raw(r, "<table class=\"num\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("From")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("To")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Linked pairs")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->nbins; i++) {
		if (d->bins[i] == 0)
			continue;
		rpt_raw(r, "<tr><td>");
		rpt_raw(r, rpt_hnum(r, edges[i], 3));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hnum(r, edges[i + 1], 3));
		rpt_raw(r, "</td><td>");
		rpt_raw(r, rpt_hcell(r, d->bins[i]));
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n");
	if (any) {
		char k[32];
		rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
		rpt_raw(r, "<p class=\"note\">");
		rpt_say(r, TR(DUR_N_("In this published version, counts from 1 to {k1} are shown "
				     "as \"<{k}\".")), "k1",
			rpt_hcount(r, (double)r->o->min_cell - 1), "k", rpt_h(r, k), NULL);
		rpt_raw(r, "</p>\n");
	}
	rpt_raw(r, "</figure>\n</div>\n");
out:
	free(title);
	free(desc);
	free(hid);
	free(bhid);
	free(edges);
}

static const char *link_param_meaning(struct rpt *r, const char *key)
{
	if (strcmp(key, "names") == 0)
		return TR(DUR_N_("the names of the lists"));
	if (strcmp(key, "threshold") == 0)
		return TR(DUR_N_("pairs at least this alike are linked"));
	if (strcmp(key, "bridge_threshold") == 0)
		return TR(DUR_N_("two groups are not joined when any of their records are less "
				 "alike than this"));
	return "";
}

void rpt_link_method(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_link_doc *d = m->link;
	int any = 0;

	heading(r, m, "method");
	rpt_raw(r, "<p>");
	rpt_say(r, TR(DUR_N_("Each organisation encoded its own list with a secret shared by the "
			     "parties (keyed Bloom filters; Schnell, Bachteler and Reiher 2009); "
			     "only the encodings were compared. A pair of records is linked when "
			     "their similarity (the Dice coefficient of the encodings) is at least "
			     "{threshold}; linked records form one person, except that two groups "
			     "are not joined when any of their records are less alike than {bridge} "
			     "({refused} such joins were refused).")), "threshold",
		rpt_hnum(r, d->threshold, 2), "bridge", rpt_hnum(r, d->bridge_threshold, 2),
		"refused", rpt_hcount(r, d->bridges_refused), NULL);
	rpt_raw(r, "</p>\n");
	if (d->ncells) {
		rpt_raw(r, "<h4>");
		rpt_text(r, TR(DUR_N_("The people found, by the lists that hold them")));
		rpt_raw(r, "</h4>\n<table class=\"num\">\n<thead><tr><th scope=\"col\">");
		rpt_text(r, TR(DUR_N_("Seen by these lists, and by no other")));
		rpt_raw(r, "</th><th scope=\"col\">");
		rpt_text(r, TR(DUR_N_("People")));
		rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < d->ncells; i++) {
			struct dur_buf who = { 0 };
			char *s;
			rpt_who(r, &who, d->table_lists, d->ntable_lists, d->patterns[i]);
			dur_buf_puts(&who, "");
			s = rpt_take(r, &who);
			rpt_raw(r, "<tr><th scope=\"row\">");
			rpt_raw(r, s ? s : "");
			free(s);
			rpt_raw(r, "</th><td>");
			any |= rpt_hidden(r, d->cell_counts[i]);
			rpt_raw(r, rpt_hcell(r, d->cell_counts[i]));
			rpt_raw(r, "</td></tr>\n");
		}
		rpt_raw(r, "</tbody></table>\n");
		if (any) {
			char k[32];
			rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
			rpt_raw(r, "<p class=\"note\">");
			rpt_say(r, TR(DUR_N_("In this published version, counts from 1 to {k1} are "
					     "shown as \"<{k}\".")), "k1",
				rpt_hcount(r, (double)r->o->min_cell - 1), "k", rpt_h(r, k), NULL);
			rpt_raw(r, "</p>\n");
		}
	}
	rpt_raw(r, "<h4>");
	rpt_text(r, TR(DUR_N_("Every parameter")));
	rpt_raw(r, "</h4>\n");
	rpt_params_table(r, m->m->parameters, link_param_meaning);
	rpt_raw(r, "</div>\n");
}
