/*
 * dur_report_render: manifests in, one self-contained HTML document out.
 *
 * Every manifest is read strictly, its result document too, and each
 * input the front end found is compared with its recorded size and
 * SHA-256 before anything is written.  The page then has four sections,
 * each with one block per manifest (estimates first, then screening
 * summaries, then linkages, each in the order given): in plain words, the
 * figures, the method and definitions, the provenance.  No clock, no
 * random number, no hash order: the same manifests and options give the
 * same bytes.
 */
#include "report/report_internal.h"

#include <duress/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_MAX_MANIFESTS 64

enum kind { K_ESTIMATE, K_SCREEN, K_LINK };

void dur_report_default_options(struct dur_report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->min_cell = 10;
	o->top_models = 10;
}

static void manifest_release(struct rpt_manifest *m)
{
	if (m->m)
		for (size_t i = 0; i < m->m->ninputs; i++)
			free(m->found ? m->found[i] : NULL);
	free(m->found);
	free(m->check);
	free(m->place);
	dur_estimate_doc_free(m->est);
	rpt_screen_doc_free(m->screen);
	rpt_link_doc_free(m->link);
	dur_manifest_free(m->m);
	memset(m, 0, sizeof(*m));
}

static enum kind kind_of(const struct rpt_manifest *m)
{
	return m->est ? K_ESTIMATE : m->screen ? K_SCREEN : K_LINK;
}

/* Compare what the front end found with the manifest's record. */
static dur_err check_inputs(struct rpt_manifest *m, const struct dur_report_input *in,
			    const struct dur_report_options *o, struct dur_error *err)
{
	size_t n = m->m->ninputs;

	m->check = calloc(n + 1, sizeof(int));
	m->place = calloc(n + 1, sizeof(int));
	m->found = calloc(n + 1, sizeof(char *));
	if (!m->check || !m->place || !m->found)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (!in->files)
		return DUR_OK;
	if (in->nfiles != n)
		return dur_error_set(err, DUR_EINVAL, "'%s': %zu input files given for the %zu inputs "
				     "the manifest records", m->name, in->nfiles, n);
	m->files = in->files;
	for (size_t i = 0; i < n; i++) {
		const struct dur_report_file *f = &in->files[i];
		const struct dur_manifest_input *x = &m->m->inputs[i];
		char hex[65];
		m->place[i] = f->place;
		switch (f->place) {
		case DUR_REPORT_UNCHECKED:
			m->check[i] = RPT_UNCHECKED;
			continue;
		case DUR_REPORT_MISSING:
			m->check[i] = RPT_MISSING;
			continue;
		case DUR_REPORT_BESIDE:
		case DUR_REPORT_FRAMEWORKS:
			break;
		default:
			return dur_error_set(err, DUR_EINVAL, "'%s': inputs[%zu]: not a place an input "
					     "can be found", m->name, i);
		}
		if (!f->buf && f->len)
			return dur_error_set(err, DUR_EINVAL, "'%s': inputs[%zu]: found, but no bytes "
					     "given", m->name, i);
		if (!(m->found[i] = strdup(f->name ? f->name : x->file)))
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		dur_sha256_hex(f->buf ? f->buf : "", f->len, hex);
		m->check[i] = (uint64_t)f->len == x->size && strcmp(hex, x->sha256) == 0
			      ? RPT_SAME : RPT_CHANGED;
		if (m->check[i] == RPT_CHANGED && !o->allow_changed)
			return dur_error_set(err, DUR_EMISMATCH, "'%s': input '%s' has changed since "
					     "the manifest was written (%zu bytes, SHA-256 %.16s..., "
					     "recorded %llu bytes, %.16s...)", m->name, m->found[i],
					     f->len, hex, (unsigned long long)x->size, x->sha256);
	}
	return DUR_OK;
}

/* Read one manifest and its result; check that they agree. */
static dur_err read_manifest(const struct dur_report_input *in, struct rpt_manifest *m,
			     const struct dur_report_options *o, struct dur_error *err)
{
	const char *name = in->name ? in->name : "<manifest>";
	dur_err rc;

	memset(m, 0, sizeof(*m));
	m->name = name;
	m->text = in->buf;
	m->len = in->len;
	if (!in->buf)
		return dur_error_set(err, DUR_EINVAL, "'%s': no manifest text given", name);
	if ((rc = dur_manifest_parse(in->buf, in->len, name, &m->m, err)))
		return rc;
	if (strcmp(m->m->command, "estimate") == 0) {
		long t;
		if ((rc = dur_estimate_doc_from_json(m->m->result, name, &m->est, err)))
			return rc;
		/* the result must be about the input the manifest records */
		t = rpt_input_of(m, "table");
		if (t < 0 || strcmp(m->m->inputs[t].sha256, m->est->sha256) != 0)
			return dur_error_set(err, DUR_EPARSE, "'%s': the result's input is not the "
					     "table the manifest records", name);
	} else if (strcmp(m->m->command, "screen-summary") == 0) {
		if ((rc = rpt_screen_doc_read(m->m->result, name, &m->screen, err)))
			return rc;
		if (rpt_input_of(m, "batch") < 0)
			return dur_error_set(err, DUR_EPARSE, "'%s': inputs: no batch of cases", name);
	} else if (strcmp(m->m->command, "link-match") == 0) {
		if ((rc = rpt_link_doc_read(m->m->result, name, &m->link, err)))
			return rc;
	} else {
		return dur_error_set(err, DUR_EPARSE, "'%s': a report shows estimate, "
				     "screen-summary and link-match manifests, not '%.64s'", name,
				     m->m->command);
	}
	return check_inputs(m, in, o, err);
}

/* ---- the page ------------------------------------------------------------------------ */

static const char *default_title(struct rpt *r, const struct rpt_manifest *ms, size_t n)
{
	struct dur_buf b = { 0 };
	char *s, k[24];
	const char *kept;
	const struct rpt_manifest *m = &ms[0];
	(void)n;
	if (m->est) {
		rpt_sayb(r, &b, TR(DUR_N_("How many people: an estimate from {file}")), "file",
			 rpt_h(r, rpt_basename(m->est->input_name)), NULL);
	} else if (m->screen) {
		long i = rpt_input_of(m, "batch");
		rpt_sayb(r, &b, TR(DUR_N_("Screening summary of {file}")), "file",
			 rpt_h(r, i < 0 ? "" : rpt_basename(m->m->inputs[i].file)), NULL);
	} else {
		snprintf(k, sizeof(k), "%zu", m->link->nlists);
		rpt_sayb(r, &b, TR(DUR_N_("Linkage of {k} lists")), "k", k, NULL);
	}
	dur_buf_puts(&b, "");
	s = rpt_take(r, &b);
	kept = rpt_keep(r, s);
	free(s);
	return kept;
}

static void section_open(struct rpt *r, const char *id, int n, const char *title)
{
	rpt_printf(r, "<section class=\"s\" id=\"%s\" aria-labelledby=\"%s-h\">\n<h2 id=\"%s-h\">"
		   "%d. ", id, id, id, n);
	rpt_text(r, title);
	rpt_raw(r, "</h2>\n");
}

static void definitions(struct rpt *r)
{
	static const struct {
		const char *term, *meaning;
	} words[] = {
		{ DUR_N_("list"), DUR_N_("a record that one organisation (the police, a charity, a "
					 "local authority) kept of the people it met.") },
		{ DUR_N_("seen, unseen"), DUR_N_("seen: on at least one list; unseen: on none. "
						 "The unseen are not counted, they are "
						 "estimated.") },
		{ DUR_N_("overlap"), DUR_N_("people on more than one list. How much the lists "
					    "overlap is what the estimate is made from: lists that "
					    "share few people suggest that many people were "
					    "missed.") },
		{ DUR_N_("model"), DUR_N_("an assumption about how the lists depend on each other "
					  "(one organisation referring people to another, say). "
					  "Different models can give different numbers from the "
					  "same lists.") },
		{ DUR_N_("interval"), DUR_N_("the range of numbers the lists support. The wider "
					     "it is, the less certain the estimate.") },
		{ DUR_N_("about 11,400"), DUR_N_("numbers in sentences are rounded to three "
						 "significant figures; the tables give them "
						 "unrounded.") },
		{ DUR_N_("AIC, BIC"), DUR_N_("scores of how well a model fits for how complex it "
					     "is; lower is better.") },
	};
	rpt_raw(r, "<h3>");
	rpt_text(r, TR(DUR_N_("Definitions")));
	rpt_raw(r, "</h3>\n<dl class=\"defs\">\n");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		rpt_raw(r, "<dt>");
		rpt_text(r, TR(words[i].term));
		rpt_raw(r, "</dt><dd>");
		rpt_text(r, TR(words[i].meaning));
		rpt_raw(r, "</dd>\n");
	}
	rpt_raw(r, "</dl>\n");
}

static void references(struct rpt *r)
{
	static const struct {
		unsigned when;
		const char *text;
	} refs[] = {
		{ RPT_REF_LOGLINEAR, "Fienberg, S. E. (1972). The multiple recapture census for "
		  "closed populations and incomplete 2^k contingency tables. Biometrika 59(3), "
		  "591-603." },
		{ RPT_REF_LOGLINEAR, "Bishop, Y. M. M., Fienberg, S. E. and Holland, P. W. (1975). "
		  "Discrete Multivariate Analysis: Theory and Practice. MIT Press." },
		{ RPT_REF_LOGLINEAR, "Fienberg, S. E. and Rinaldo, A. (2012). Maximum likelihood "
		  "estimation in log-linear models. Annals of Statistics 40(2), 996-1023." },
		{ RPT_REF_STEPWISE, "Chan, L., Silverman, B. W. and Vincent, K. (2021). Multiple "
		  "systems estimation for sparse capture data: inferential challenges when there "
		  "are nonoverlapping lists. Journal of the American Statistical Association "
		  "116(535), 1297-1306." },
		{ RPT_REF_STEPWISE, "Silverman, B. W. (2014). Modern slavery: an application of "
		  "multiple systems estimation. Home Office, London." },
		{ RPT_REF_AIC, "Akaike, H. (1974). A new look at the statistical model "
		  "identification. IEEE Transactions on Automatic Control 19(6), 716-723." },
		{ RPT_REF_AIC, "Burnham, K. P. and Anderson, D. R. (2002). Model Selection and "
		  "Multimodel Inference, 2nd edition. Springer." },
		{ RPT_REF_BCA, "Efron, B. and Tibshirani, R. J. (1993). An Introduction to the "
		  "Bootstrap, chapter 14. Chapman and Hall." },
		{ RPT_REF_BCA, "Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical "
		  "packages. The American Statistician 50(4), 361-365." },
		{ RPT_REF_PROFILE | RPT_REF_CLOSED, "Baillargeon, S. and Rivest, L.-P. (2007). "
		  "Rcapture: loglinear models for capture-recapture in R. Journal of Statistical "
		  "Software 19(5)." },
		{ RPT_REF_PROFILE, "Cormack, R. M. (1992). Interval estimation for mark-recapture "
		  "studies of closed populations. Biometrics 48(2), 567-576." },
		{ RPT_REF_CLOSED, "Chao, A. (1987). Estimating the population size for "
		  "capture-recapture data with unequal catchability. Biometrics 43(4), 783-791." },
		{ RPT_REF_CLOSED, "Darroch, J. N., Fienberg, S. E., Glonek, G. F. V. and Junker, "
		  "B. W. (1993). A three-sample multiple-recapture approach to census population "
		  "estimation with heterogeneous catchability. Journal of the American "
		  "Statistical Association 88(423), 1137-1148." },
		{ RPT_REF_BMA, "Madigan, D. and York, J. C. (1997). Bayesian methods for "
		  "estimation of the size of a closed population. Biometrika 84(1), 19-31." },
		{ RPT_REF_BMA, "Johndrow, J., Lum, K. and Ball, P. (2023). dga: capture-recapture "
		  "estimation using Bayesian model averaging. R package 2.0.2." },
		{ RPT_REF_LCMCR, "Manrique-Vallier, D. (2016). Bayesian population size estimation "
		  "using Dirichlet process mixtures. Biometrics 72(4), 1246-1254." },
		{ RPT_REF_LINK, "Schnell, R., Bachteler, T. and Reiher, J. (2009). "
		  "Privacy-preserving record linkage using Bloom filters. BMC Medical Informatics "
		  "and Decision Making 9, 41." },
		{ RPT_REF_LINK, "Fellegi, I. P. and Sunter, A. B. (1969). A theory for record "
		  "linkage. Journal of the American Statistical Association 64(328), "
		  "1183-1210." },
		{ RPT_REF_UPSET, "Lex, A., Gehlenborg, N., Strobelt, H., Vuillemot, R. and Pfister, "
		  "H. (2014). UpSet: visualization of intersecting sets. IEEE Transactions on "
		  "Visualization and Computer Graphics 20(12), 1983-1992." },
		{ ~0u, "Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make "
		  "figures and presentations that are friendly to colorblind people. J*Fly." },
	};
	rpt_raw(r, "<h3>");
	rpt_text(r, TR(DUR_N_("References")));
	rpt_raw(r, "</h3>\n<ul class=\"refs\">\n");
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		if (!(refs[i].when & r->refs) && refs[i].when != ~0u)
			continue;
		rpt_raw(r, "<li>");
		rpt_en(r, refs[i].text);
		rpt_raw(r, "</li>\n");
	}
	rpt_raw(r, "</ul>\n");
}

static void body(struct rpt *r, const struct rpt_manifest *ms, size_t n)
{
	rpt_raw(r, "<main>\n");
	section_open(r, "words", 1, TR(DUR_N_("In plain words")));
	for (size_t i = 0; i < n; i++)
		switch (kind_of(&ms[i])) {
		case K_ESTIMATE: rpt_estimate_words(r, &ms[i]); break;
		case K_SCREEN: rpt_screen_words(r, &ms[i]); break;
		case K_LINK: rpt_link_words(r, &ms[i]); break;
		}
	rpt_raw(r, "</section>\n");
	section_open(r, "figures", 2, TR(DUR_N_("Figures")));
	rpt_raw(r, "<p>");
	rpt_text(r, TR(DUR_N_("Every figure has a caption, and a table of the same numbers under "
			      "it.")));
	rpt_raw(r, "</p>\n");
	for (size_t i = 0; i < n; i++)
		switch (kind_of(&ms[i])) {
		case K_ESTIMATE: rpt_estimate_figures(r, &ms[i]); break;
		case K_SCREEN: rpt_screen_figures(r, &ms[i]); break;
		case K_LINK: rpt_link_figures(r, &ms[i]); break;
		}
	rpt_raw(r, "</section>\n");
	section_open(r, "method", 3, TR(DUR_N_("Method and definitions")));
	for (size_t i = 0; i < n; i++)
		switch (kind_of(&ms[i])) {
		case K_ESTIMATE: rpt_estimate_method(r, &ms[i]); break;
		case K_SCREEN: rpt_screen_method(r, &ms[i]); break;
		case K_LINK: rpt_link_method(r, &ms[i]); break;
		}
	definitions(r);
	references(r);
	rpt_raw(r, "</section>\n");
	section_open(r, "provenance", 4, TR(DUR_N_("Provenance")));
	rpt_raw(r, "<p>");
	rpt_text(r, TR(DUR_N_("This report was made only from the manifests below: every figure "
			      "in it is one they record, and each can be re-run. The same "
			      "manifests give the same report, byte for byte.")));
	rpt_raw(r, "</p>\n");
	for (size_t i = 0; i < n; i++)
		rpt_provenance(r, &ms[i]);
	rpt_raw(r, "</section>\n</main>\n");
}

/* The top of the page: title, what it was made from, alerts, contents. */
static void head(struct rpt *r, const struct rpt_manifest *ms, size_t n, const char *title)
{
	size_t same = 0, all = 0, unchecked = 0;
	int changed = 0;

	rpt_raw(r, "<!DOCTYPE html>\n<html lang=\"");
	rpt_text(r, dur_catalogue_lang(r->cat));
	rpt_raw(r, "\">\n<head>\n<meta charset=\"utf-8\">\n");
	rpt_raw(r, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; img-src data:\">\n<meta name=\"viewport\" "
		   "content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" "
		   "content=\"duress ");
	rpt_text(r, dur_version());
	rpt_raw(r, "\">\n<title>");
	rpt_raw(r, title);
	rpt_raw(r, "</title>\n<style>\n");
	rpt_raw(r, rpt_css);
	rpt_raw(r, "</style>\n</head>\n<body>\n<div class=\"page\">\n<header class=\"top\">\n"
		   "<p class=\"kicker\">");
	rpt_text(r, TR(DUR_N_("A report made with duress")));
	rpt_raw(r, "</p>\n<h1>");
	rpt_raw(r, title);
	rpt_raw(r, "</h1>\n<p class=\"meta\">");
	rpt_text(r, TR(DUR_N_("Made from:")));
	for (size_t i = 0; i < n; i++) {
		rpt_raw(r, i ? "; " : " ");
		rpt_say(r, TR(DUR_N_("{file}, {what} of {when}")), "file", rpt_h(r, ms[i].name),
			"what", rpt_h(r, ms[i].m->command), "when", rpt_when(r, ms[i].m->created), NULL);
		for (size_t j = 0; j < ms[i].m->ninputs; j++) {
			all++;
			same += ms[i].check[j] == RPT_SAME;
			unchecked += ms[i].check[j] == RPT_MISSING || ms[i].check[j] == RPT_UNCHECKED;
			changed |= ms[i].check[j] == RPT_CHANGED;
		}
	}
	rpt_raw(r, ". ");
	{
		char a[24], s[24], u[24], c[24];
		snprintf(c, sizeof(c), "%zu", all - same - unchecked);
		snprintf(a, sizeof(a), "%zu", all);
		snprintf(s, sizeof(s), "%zu", same);
		snprintf(u, sizeof(u), "%zu", unchecked);
		if (same == all)
			rpt_say(r, TR(DUR_N_("Every input was found and is identical to its record "
					     "({all} of {all}).")), "all", a, NULL);
		else
			rpt_say(r, TR(DUR_N_("Inputs identical to their record: {same} of {all}; "
					     "changed: {changed}; not checked: {unchecked} (see the "
					     "provenance).")), "same", s, "all", a, "changed", c,
				"unchecked", u, NULL);
	}
	rpt_raw(r, "</p>\n");
	if (changed) {
		rpt_raw(r, "<p class=\"alert\"><strong>");
		rpt_text(r, TR(DUR_N_("An input has changed since its manifest was written.")));
		rpt_raw(r, "</strong> ");
		rpt_text(r, TR(DUR_N_("The files found beside the manifest are not the ones these "
				      "figures were made from (see the provenance). The figures are "
				      "those the manifest records, and cannot be reproduced from the "
				      "files as they are now.")));
		rpt_raw(r, "</p>\n");
	}
	if (r->o->publish) {
		char k[32];
		rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
		rpt_raw(r, "<p class=\"notice\">");
		rpt_say(r, TR(DUR_N_("Published version: counts of people from 1 to {k1} are shown "
				     "as \"<{k}\", so that nobody can be singled out.")), "k1",
			rpt_hcount(r, (double)r->o->min_cell - 1), "k", rpt_h(r, k), NULL);
		rpt_raw(r, "</p>\n");
	} else {
		rpt_raw(r, "<p class=\"notice\">");
		rpt_text(r, TR(DUR_N_("This version shows exact counts, small ones too: it is for "
				      "the people who hold the lists. Make a published version "
				      "before sharing it.")));
		rpt_raw(r, "</p>\n");
	}
	rpt_raw(r, "<nav aria-label=\"");
	rpt_text(r, TR(DUR_N_("Contents")));
	rpt_raw(r, "\"><ol>\n<li><a href=\"#words\">");
	rpt_text(r, TR(DUR_N_("In plain words")));
	rpt_raw(r, "</a></li>\n<li><a href=\"#figures\">");
	rpt_text(r, TR(DUR_N_("Figures")));
	rpt_raw(r, "</a></li>\n<li><a href=\"#method\">");
	rpt_text(r, TR(DUR_N_("Method and definitions")));
	rpt_raw(r, "</a></li>\n<li><a href=\"#provenance\">");
	rpt_text(r, TR(DUR_N_("Provenance")));
	rpt_raw(r, "</a></li>\n</ol></nav>\n</header>\n");
}

static void foot(struct rpt *r, size_t n)
{
	char k[24];
	snprintf(k, sizeof(k), "%zu", n);
	rpt_raw(r, "<footer><p>");
	rpt_say(r, n == 1 ? TR(DUR_N_("Made by duress {version} (revision {git}) from one "
				      "manifest, with no clock time and nothing random: the same "
				      "manifest gives the same file."))
		: TR(DUR_N_("Made by duress {version} (revision {git}) from {n} manifests, with no "
			    "clock time and nothing random: the same manifests give the same "
			    "file.")), "version", rpt_h(r, dur_version()), "git",
		rpt_h(r, dur_version_git()), "n", k, NULL);
	rpt_raw(r, "</p></footer>\n</div>\n</body>\n</html>\n");
}

/* Does catalogue c translate the report?  Its section titles tell. */
static int translated(const dur_catalogue *c)
{
	static const char *const probe[] = { DUR_N_("In plain words"), DUR_N_("Figures"),
					     DUR_N_("Provenance") };
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (dur_catalogue_get(c, probe[i]) == probe[i])
			return 0;
	return 1;
}

/* "en, es": the languages the report is written in. */
static void languages(char *buf, size_t size)
{
	size_t n;
	const char *const *l = dur_catalogue_languages(&n);
	snprintf(buf, size, "en");
	for (size_t i = 1; i < n; i++) {
		dur_catalogue *c = NULL;
		if (dur_catalogue_open(l[i], &c, NULL) == DUR_OK && translated(c))
			snprintf(buf + strlen(buf), size - strlen(buf), ", %s", l[i]);
		dur_catalogue_free(c);
	}
}

static int cmp_kind(const void *a, const void *b)
{
	const struct rpt_manifest *x = a, *y = b;
	int kx = (int)kind_of(x), ky = (int)kind_of(y);
	return kx != ky ? kx - ky : x->index - y->index;
}

dur_err dur_report_render(const struct dur_report_input *in, size_t n,
			  const struct dur_report_options *opt, char **html,
			  struct dur_error *err)
{
	struct dur_report_options defaults;
	struct rpt_manifest *ms = NULL;
	struct rpt r;
	struct dur_buf bodyb;
	dur_catalogue *cat = NULL;
	const char *title;
	size_t nread = 0;
	dur_err rc = DUR_OK;

	*html = NULL;
	memset(&r, 0, sizeof(r));
	if (!opt) {
		dur_report_default_options(&defaults);
		opt = &defaults;
	}
	if (!in || !n)
		return dur_error_set(err, DUR_EINVAL, "no manifest given: a report is made from one "
				     "or more manifests");
	if (n > REPORT_MAX_MANIFESTS)
		return dur_error_set(err, DUR_EINVAL, "a report is made from at most %d manifests",
				     REPORT_MAX_MANIFESTS);
	if (opt->min_cell < 2 || opt->min_cell > 1000000)
		return dur_error_set(err, DUR_EINVAL, "the smallest count to publish must be from 2 "
				     "to 1000000");
	if (opt->top_models < 1 || opt->top_models > 1000)
		return dur_error_set(err, DUR_EINVAL, "the number of models to show must be from 1 "
				     "to 1000");
	if (opt->lang && strcmp(opt->lang, "en") != 0 &&
	    (rc = dur_catalogue_open(opt->lang, &cat, err)))
		return rc;
	if (cat && !translated(cat)) {
		char have[256];
		languages(have, sizeof(have));
		dur_catalogue_free(cat);
		return dur_error_set(err, DUR_EINVAL, "the report is not translated into '%.16s' yet "
				     "(it is in: %s)", opt->lang, have);
	}
	if (!(ms = calloc(n, sizeof(*ms)))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (; nread < n; nread++) {
		if ((rc = read_manifest(&in[nread], &ms[nread], opt, err))) {
			nread++;
			goto out;
		}
		ms[nread].index = (int)nread + 1;
	}
	/* estimates, then screening summaries, then linkages; stable */
	qsort(ms, n, sizeof(*ms), cmp_kind);
	for (size_t i = 0; i < n; i++)
		ms[i].index = (int)i + 1;
	r.cat = cat;
	r.o = opt;
	r.english = !cat;
	title = opt->title ? rpt_h(&r, opt->title) : default_title(&r, ms, n);
	/* the body first: the head reports what reading the inputs found */
	body(&r, ms, n);
	bodyb = r.b;
	memset(&r.b, 0, sizeof(r.b));
	head(&r, ms, n, title);
	dur_buf_puts(&r.b, bodyb.p ? bodyb.p : "");
	if (bodyb.failed)
		r.b.failed = 1;
	free(bodyb.p);
	foot(&r, n);
	rc = dur_buf_finish(&r.b, html, err);
	memset(&r.b, 0, sizeof(r.b));
out:
	free(r.b.p);
	dur_strlist_release(&r.pool);
	for (size_t i = 0; ms && i < nread; i++)
		manifest_release(&ms[i]);
	free(ms);
	dur_catalogue_free(cat);
	return rc;
}
