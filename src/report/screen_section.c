/*
 * A screening summary in the report: the same people counted under each
 * framework's definition, side by side (the seed of this project: 68% of
 * a group under one definition and 43% under another).  Counts are the
 * summary's own (already rounded down to its resolution), and in
 * published mode counts under the threshold read "<K" as well.
 */
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long rpt_input_of(const struct rpt_manifest *m, const char *role)
{
	for (size_t i = 0; i < m->m->ninputs; i++)
		if (strcmp(m->m->inputs[i].role, role) == 0)
			return (long)i;
	return -1;
}

static const char *input_name(const struct rpt_manifest *m, const char *role)
{
	long i = rpt_input_of(m, role);
	return i < 0 ? "" : rpt_basename(m->m->inputs[i].file);
}

/* A count of the summary: hidden in published mode below the threshold,
 * and below the summary's own resolution (where 0 means "fewer"). */
static int hide(const struct rpt *r, const struct rpt_screen_doc *d, double x)
{
	return rpt_hidden(r, x) || (d->resolution > 1 && x < (double)d->resolution);
}

static const char *cell(struct rpt *r, const struct rpt_screen_doc *d, double x)
{
	if (d->resolution > 1 && x < (double)d->resolution) {
		/* a rounded 0 is "fewer than the resolution", whatever the truth */
		double k = r->o->publish && (double)r->o->min_cell > (double)d->resolution
			   ? (double)r->o->min_cell : (double)d->resolution;
		struct dur_buf b = { 0 };
		char t[48], *s;
		const char *kept;
		rpt_count(r, k, t, sizeof(t));
		dur_buf_puts(&b, "&lt;");
		rpt_esc(&b, t);
		s = rpt_take(r, &b);
		kept = rpt_keep(r, s);
		free(s);
		return kept;
	}
	return rpt_hcell(r, x);
}

/* The framework's title from its file, when the file was found unchanged. */
static const char *fw_title(const struct rpt_manifest *m, const char *id, json_t **doc)
{
	*doc = NULL;
	for (size_t i = 0; m->files && i < m->m->ninputs; i++) {
		const struct dur_manifest_input *in = &m->m->inputs[i];
		json_t *j, *t;
		if (strcmp(in->role, "framework") != 0 || !in->label || strcmp(in->label, id) != 0 ||
		    m->check[i] != RPT_SAME)
			continue;
		j = json_loadb(m->files[i].buf, m->files[i].len, JSON_REJECT_DUPLICATES, NULL);
		t = json_object_get(j, "title");
		if (!json_is_string(t)) {
			json_decref(j);
			return NULL;
		}
		*doc = j;
		return json_string_value(t);
	}
	return NULL;
}

void rpt_screen_words(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_screen_doc *d = m->screen;
	char k[24];

	snprintf(k, sizeof(k), "%zu", d->nfw);
	rpt_printf(r, "<div class=\"block\" id=\"m%d-words\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("Screening: {file}")), "file", rpt_h(r, input_name(m, "batch")), NULL);
	rpt_raw(r, "</h3>\n<p class=\"headline\">");
	rpt_say(r, TR(DUR_N_("{cases} people were screened against {k} definitions of "
			     "trafficking and forced labour.")), "cases", cell(r, d, d->cases), "k",
		k, NULL);
	rpt_raw(r, "</p>\n<p>");
	rpt_text(r, TR(DUR_N_("The same people, counted under each definition:")));
	rpt_raw(r, "</p>\n<ul class=\"shares\">\n");
	for (size_t f = 0; f < d->nfw; f++) {
		double ind = d->overall.counts[3 * f + RPT_INDICATED];
		char pct[32];
		rpt_raw(r, "<li><strong>");
		rpt_text(r, d->fw[f]);
		rpt_raw(r, "</strong>: ");
		if (hide(r, d, ind) || !(d->cases > 0)) {
			rpt_say(r, TR(DUR_N_("{count} indicated")), "count", cell(r, d, ind), NULL);
		} else {
			rpt_percent(r, ind / d->cases, 0, pct, sizeof(pct));
			rpt_say(r, TR(DUR_N_("{share} indicated ({count} of {cases})")), "share",
				rpt_h(r, pct), "count", cell(r, d, ind), "cases", cell(r, d, d->cases),
				NULL);
		}
		rpt_raw(r, "</li>\n");
	}
	rpt_raw(r, "</ul>\n<p>");
	rpt_text(r, TR(DUR_N_("The people are the same in every row: the differences come from the "
			      "definitions alone. A screening guides next steps; it is not a legal "
			      "finding, and a count of people indicated is not a count of "
			      "victims.")));
	rpt_raw(r, "</p>\n");
	if (d->resolution > 1) {
		char res[32];
		rpt_count(r, (double)d->resolution, res, sizeof(res));
		rpt_raw(r, "<p>");
		rpt_say(r, TR(DUR_N_("Every count is rounded down to a multiple of {k}, so that small "
				     "groups cannot be singled out; \"<{k}\" means fewer than {k}.")),
			"k", rpt_h(r, res), NULL);
		rpt_raw(r, "</p>\n");
	}
	rpt_raw(r, "</div>\n");
}

static const char *const verdict_colours[3] = { RPT_VERMILLION, RPT_BLUE, RPT_LIGHT };

void rpt_screen_figures(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_screen_doc *d = m->screen;
	const char *parts[3] = { TR(DUR_N_("indicated")), TR(DUR_N_("not indicated")),
				 TR(DUR_N_("not enough information")) };
	double *vals = calloc(3 * d->nfw + 1, sizeof(double));
	int *hid = calloc(3 * d->nfw + 1, sizeof(int)), any = 0;
	char fid[32];
	struct dur_buf cap = { 0 }, tb = { 0 }, db = { 0 };
	char *title = NULL, *desc = NULL, *capt = NULL;

	if (!vals || !hid) {
		r->b.failed = 1;
		goto out;
	}
	for (size_t i = 0; i < 3 * d->nfw; i++) {
		vals[i] = d->overall.counts[i];
		hid[i] = hide(r, d, vals[i]) && vals[i] > 0;
		any |= hid[i];
	}
	rpt_printf(r, "<div class=\"block\" id=\"m%d-figures\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("Screening: {file}")), "file", rpt_h(r, input_name(m, "batch")), NULL);
	rpt_raw(r, "</h3>\n");
	rpt_fill(&tb, 0, TR(DUR_N_("The same people under each definition")), NULL);
	rpt_fill(&db, 0, TR(DUR_N_("For each framework, the shares of the people screened that it "
				   "indicates, does not indicate, or cannot decide.")), NULL);
	dur_buf_puts(&tb, "");
	dur_buf_puts(&db, "");
	title = rpt_take(r, &tb);
	desc = rpt_take(r, &db);
	{
		struct rpt_stack st = { title, desc, d->nfw, 3, (const char *const *)d->fw, parts,
					verdict_colours, vals, hid };
		snprintf(fid, sizeof(fid), "m%d-frameworks", m->index);
		rpt_figure_open(r, fid);
		rpt_svg_stack(r, &r->b, &st);
	}
	rpt_sayb(r, &cap, TR(DUR_N_("The same people under each definition: for each framework, "
				   "the share of the people screened that it indicates "
				   "(vermillion), does not indicate (blue), or cannot decide "
				   "with the answers given (grey).")), NULL);
	if (any) {
		dur_buf_puts(&cap, " ");
		rpt_sayb(r, &cap, TR(DUR_N_("Counts too small to publish are left out of the "
					   "bars.")), NULL);
	}
	dur_buf_puts(&cap, "");
	capt = rpt_take(r, &cap);
	rpt_figure_close(r, capt ? capt : "");
	rpt_raw(r, "<table class=\"num wide\">\n<thead><tr><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Framework")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Version")));
	for (int v = 0; v < 3; v++) {
		rpt_raw(r, "</th><th scope=\"col\">");
		rpt_text(r, parts[v]);
	}
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Share indicated")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t f = 0; f < d->nfw; f++) {
		double ind = d->overall.counts[3 * f];
		char pct[32];
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, d->fw[f]);
		rpt_raw(r, "</th><td>");
		rpt_text(r, d->ver[f]);
		rpt_raw(r, "</td>");
		for (int v = 0; v < 3; v++) {
			rpt_raw(r, "<td>");
			rpt_raw(r, cell(r, d, d->overall.counts[3 * f + (size_t)v]));
			rpt_raw(r, "</td>");
		}
		rpt_raw(r, "<td>");
		if (!hide(r, d, ind) && d->cases > 0) {
			rpt_percent(r, ind / d->cases, 0, pct, sizeof(pct));
			rpt_text(r, pct);
		} else {
			rpt_raw(r, "-");
		}
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table>\n");
	if (any || (r->o->publish && d->resolution <= 1)) {
		char kk[32];
		rpt_count(r, (double)r->o->min_cell, kk, sizeof(kk));
		rpt_raw(r, "<p class=\"note\">");
		rpt_say(r, TR(DUR_N_("In this published version, counts from 1 to {k1} are shown "
				     "as \"<{k}\".")), "k1",
			rpt_hcount(r, (double)r->o->min_cell - 1), "k", rpt_h(r, kk), NULL);
		rpt_raw(r, "</p>\n");
	}
	rpt_raw(r, "</figure>\n");
	if (d->nsectors) {
		rpt_raw(r, "<h4>");
		rpt_text(r, TR(DUR_N_("Indicated, by sector")));
		rpt_raw(r, "</h4>\n<p>");
		rpt_text(r, TR(DUR_N_("The sector is recorded but no rule reads it: coercion, never "
				      "the kind of work, is the evidence.")));
		rpt_raw(r, "</p>\n<div class=\"scroll\"><table class=\"num wide\">\n<thead><tr>"
			   "<th scope=\"col\">");
		rpt_text(r, TR(DUR_N_("Sector")));
		rpt_raw(r, "</th><th scope=\"col\">");
		rpt_text(r, TR(DUR_N_("People")));
		for (size_t f = 0; f < d->nfw; f++) {
			rpt_raw(r, "</th><th scope=\"col\">");
			rpt_text(r, d->fw[f]);
		}
		rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < d->nsectors; i++) {
			const struct rpt_screen_row *s = &d->sectors[i];
			rpt_raw(r, "<tr><th scope=\"row\">");
			rpt_text(r, s->sector);
			rpt_raw(r, "</th><td>");
			rpt_raw(r, cell(r, d, s->cases));
			rpt_raw(r, "</td>");
			for (size_t f = 0; f < d->nfw; f++) {
				rpt_raw(r, "<td>");
				rpt_raw(r, cell(r, d, s->counts[3 * f]));
				rpt_raw(r, "</td>");
			}
			rpt_raw(r, "</tr>\n");
		}
		rpt_raw(r, "</tbody></table></div>\n");
	}
	rpt_raw(r, "</div>\n");
out:
	free(title);
	free(desc);
	free(capt);
	free(vals);
	free(hid);
}

static const char *screen_param_meaning(struct rpt *r, const char *key)
{
	if (strcmp(key, "frameworks") == 0)
		return TR(DUR_N_("the frameworks asked for (none: every framework)"));
	if (strcmp(key, "options") == 0)
		return TR(DUR_N_("framework options that were set"));
	if (strcmp(key, "input_format") == 0)
		return TR(DUR_N_("how the batch of cases was read"));
	if (strcmp(key, "resolution") == 0)
		return TR(DUR_N_("counts rounded down to a multiple of this"));
	return "";
}

void rpt_screen_method(struct rpt *r, const struct rpt_manifest *m)
{
	const struct rpt_screen_doc *d = m->screen;

	rpt_printf(r, "<div class=\"block\" id=\"m%d-method\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("Screening: {file}")), "file", rpt_h(r, input_name(m, "batch")), NULL);
	rpt_raw(r, "</h3>\n<p>");
	rpt_text(r, TR(DUR_N_("Each person's answers were checked against each framework's rule. "
			      "Indicated: the answers meet the rule. Not indicated: they do not. "
			      "Not enough information: unanswered questions could still change the "
			      "verdict; an unknown answer is never read as no.")));
	rpt_raw(r, "</p>\n<p>");
	rpt_en(r, d->note);
	rpt_raw(r, "</p>\n<h4>");
	rpt_text(r, TR(DUR_N_("The frameworks and their versions")));
	rpt_raw(r, "</h4>\n<dl class=\"frameworks\">\n");
	for (size_t f = 0; f < d->nfw; f++) {
		json_t *doc = NULL;
		const char *title = fw_title(m, d->fw[f], &doc);
		json_t *cit = json_object_get(doc, "citations"), *c;
		size_t i;
		rpt_raw(r, "<dt><code>");
		rpt_text(r, d->fw[f]);
		rpt_raw(r, "</code> ");
		rpt_say(r, TR(DUR_N_("version {v}")), "v", rpt_h(r, d->ver[f]), NULL);
		rpt_raw(r, "</dt>\n<dd>");
		if (title) {
			rpt_en(r, title);
			if (json_is_array(cit) && json_array_size(cit)) {
				rpt_raw(r, "<ul class=\"refs\">\n");
				json_array_foreach(cit, i, c) {
					json_t *tx = json_object_get(c, "text");
					if (!json_is_string(tx))
						continue;
					rpt_raw(r, "<li>");
					rpt_en(r, json_string_value(tx));
					rpt_raw(r, "</li>\n");
				}
				rpt_raw(r, "</ul>\n");
			}
		} else {
			rpt_text(r, TR(DUR_N_("The framework file was not checked for this report, so "
					      "its title and sources are not shown; its SHA-256 is in "
					      "the provenance.")));
		}
		rpt_raw(r, "</dd>\n");
		json_decref(doc);
	}
	rpt_raw(r, "</dl>\n<h4>");
	rpt_text(r, TR(DUR_N_("Every parameter")));
	rpt_raw(r, "</h4>\n");
	rpt_params_table(r, m->m->parameters, screen_param_meaning);
	rpt_raw(r, "</div>\n");
}
