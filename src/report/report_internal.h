/*
 * report_internal.h - the pieces of the HTML report, private to the
 * library: escaping, sentences from templates, language-aware numbers,
 * the SVG writers, the readers of the screening and linkage documents,
 * and the sections.
 *
 * Everything writes into one struct dur_buf; nothing here reads a clock,
 * draws a random number or depends on a hash order, so the same
 * manifests give the same bytes.
 */
#ifndef DURESS_REPORT_INTERNAL_H
#define DURESS_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <duress/estimate.h>
#include <duress/i18n.h>
#include <duress/provenance.h>
#include <duress/report.h>
#include "core/buf.h"

/* ---- text ------------------------------------------------------------------- */

/*
 * Text for HTML and SVG (element content and quoted attributes): & < > " '
 * as entities, control characters (other than tab and newline) as spaces.
 */
void rpt_esc(struct dur_buf *b, const char *s);
/* The same for at most n bytes of s. */
void rpt_escn(struct dur_buf *b, const char *s, size_t n);

/*
 * A sentence from a template with named placeholders, "About {estimate}
 * people": each {name} is replaced by the value that follows the name in
 * kv (name, value, name, value, ..., NULL).  escape: the template's own
 * text is escaped for HTML and the values are inserted as they are
 * (already HTML); otherwise everything is copied as it is (plain text).
 * A placeholder with no value is copied as it is, so a translation that
 * misspells one shows it rather than losing text.
 */
void rpt_fill(struct dur_buf *b, int escape, const char *tmpl, const char *const *kv);

/* The value dur_words_about() writes, as a number (three significant
 * figures from 100 up, whole numbers below). */
double rpt_about_value(double x);

/* ---- the report being written -------------------------------------------------- */

struct rpt {
	struct dur_buf b;
	const dur_catalogue *cat;   /* NULL: English */
	const struct dur_report_options *o;
	int nfig;                   /* figures so far (numbered from 1) */
	unsigned refs;              /* RPT_REF_* bits: the references to list */
	int english;                /* the report is in English */
	struct dur_strlist pool;    /* strings made for the report, freed at its end */
};

/* A copy of s (HTML already) kept until the report is done; "" on failure. */
const char *rpt_keep(struct rpt *r, const char *s);
/* s escaped for HTML, kept until the report is done. */
const char *rpt_h(struct rpt *r, const char *s);
/* A number, count or rounded number as a string kept until the end. */
const char *rpt_hnum(struct rpt *r, double x, int decimals);
const char *rpt_hcount(struct rpt *r, double x);
const char *rpt_habout(struct rpt *r, double x);
/* A count of people as published ("<10" in published mode). */
const char *rpt_hcell(struct rpt *r, double x);

/* References the method section lists, as methods appear. */
#define RPT_REF_LOGLINEAR 1u
#define RPT_REF_STEPWISE 2u
#define RPT_REF_BCA 4u
#define RPT_REF_PROFILE 8u
#define RPT_REF_CLOSED 16u
#define RPT_REF_UPSET 32u
#define RPT_REF_LINK 64u
#define RPT_REF_AIC 128u
#define RPT_REF_BAYES 256u
#define RPT_REF_BMA 512u
#define RPT_REF_LCMCR 1024u

/* Text that is not translated (it comes from a manifest, in English):
 * escaped, and marked lang="en" in a report in another language. */
void rpt_en(struct rpt *r, const char *s);

/* The translation of msgid (mark it DUR_N_ at the call). */
const char *rpt_tr(const struct rpt *r, const char *msgid);
/* Escaped text, raw markup, markup by printf (numbers and fixed text only). */
void rpt_text(struct rpt *r, const char *s);
void rpt_raw(struct rpt *r, const char *s);
void rpt_printf(struct rpt *r, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* The text of a finished temporary buffer (yours, free()); NULL when it
 * failed, and then the report fails too. */
char *rpt_take(struct rpt *r, struct dur_buf *b);
/* Translate, at a call that marks its msgid: TR(DUR_N_("text")). */
#define TR(msgid) rpt_tr(r, (msgid))

/* rpt_fill(escape) of a translated template, values (name, html, ..., NULL). */
void rpt_say(struct rpt *r, const char *tmpl, ...);
/* The same into a caller's buffer (for composing). */
void rpt_sayb(const struct rpt *r, struct dur_buf *b, const char *tmpl, ...);

/* Numbers in the report's language: `decimals` digits; whole counts;
 * three significant figures. */
void rpt_num(const struct rpt *r, double x, int decimals, char *buf, size_t size);
void rpt_count(const struct rpt *r, double x, char *buf, size_t size);
void rpt_about(const struct rpt *r, double x, char *buf, size_t size);
/* "95%" in the language. */
void rpt_percent(const struct rpt *r, double share, int decimals, char *buf, size_t size);
/*
 * A count of people as published: in published mode a count from 1 to
 * min_cell - 1 reads "<K" (and returns 1); otherwise the count.  Zero is
 * not hidden: an empty cell says nothing about anyone.
 */
int rpt_cell(const struct rpt *r, double x, char *buf, size_t size);
/* Is x a count that published mode hides? */
int rpt_hidden(const struct rpt *r, double x);

/* A manifest's time for people ("2026-12-01 20:51:54 UTC"; HTML, kept). */
const char *rpt_when(struct rpt *r, const char *iso);
/* A short name for a file name from a manifest: the part after the last '/'. */
const char *rpt_basename(const char *path);

/* ---- SVG writers ---------------------------------------------------------------- */

/* Okabe & Ito (2008) colours, safe for the common colour-vision deficiencies. */
#define RPT_BLACK "#000000"
#define RPT_ORANGE "#E69F00"
#define RPT_SKY "#56B4E9"
#define RPT_GREEN "#009E73"
#define RPT_YELLOW "#F0E442"
#define RPT_BLUE "#0072B2"
#define RPT_VERMILLION "#D55E00"
#define RPT_PURPLE "#CC79A7"
#define RPT_GREY "#767676"       /* 4.5:1 on white, for text */
#define RPT_LIGHT "#D9D9D9"

/* A linear map from a domain [d0, d1] to a range [r0, r1] (pixels). */
struct rpt_scale {
	double d0, d1, r0, r1;
};
double rpt_scale_map(const struct rpt_scale *s, double x);

/* Heckbert's "nice number": 1, 2, 5 or 10 times a power of ten, the
 * nearest to x (round_it) or the smallest at least x.  x > 0. */
double rpt_nice(double x, int round_it);

#define RPT_MAX_TICKS 32
/*
 * Ticks for [lo, hi]: multiples of a step 1, 2 or 5 times a power of ten
 * chosen so that there are about `target` of them (Heckbert 1990, "Nice
 * numbers for graph labels", Graphics Gems).  With `extend`, lo and hi are
 * first moved out to multiples of the step.  Returns the number of ticks
 * (at most RPT_MAX_TICKS; 0 when lo or hi is not finite); *step the step,
 * *nlo / *nhi the (extended) domain (either may be NULL).
 */
int rpt_ticks(double lo, double hi, int target, int extend, double *ticks, double *step,
	      double *nlo, double *nhi);
/* Decimals a tick label needs for a step (0 for 1, 2, 5, 10, ...; 1 for 0.5). */
int rpt_tick_decimals(double step);
/* The width of a text in pixels at font size `px`, roughly (proportional
 * sans-serif: UTF-8 characters times 0.58 px). */
double rpt_text_width(const char *s, double px);

/* One row of an interval plot. */
struct rpt_ivrow {
	const char *label;       /* text (escaped when written) */
	const char *note;        /* a second, smaller line, or NULL */
	int have;                /* 0: no estimate; `note` says why */
	double estimate, lower, upper;
	int have_interval, upper_open;
	int main;                /* the chosen method: drawn larger, in blue */
};
struct rpt_ivplot {
	const char *title, *desc;    /* <title> and <desc> of the SVG */
	const char *axis;            /* axis label */
	double reference;            /* a dashed vertical line here (NaN: none) */
	const char *reference_label;
	int zero;                    /* the axis starts at 0 */
	double band_lo, band_hi;     /* a shaded band (the chosen interval); NaN: none */
	const char *band_label;
};
void rpt_svg_intervals(const struct rpt *r, struct dur_buf *b, const struct rpt_ivplot *p,
		       const struct rpt_ivrow *rows, size_t n);

/* A histogram: bins [edges[i], edges[i+1]) with counts, and marks. */
struct rpt_mark {
	double x;
	const char *label;
	int dashed;
	int side;                /* the label: -1 left of the line, 0 centred, 1 right */
};
struct rpt_histogram {
	const char *title, *desc, *axis, *yaxis;
	size_t nbins;
	const double *edges;     /* nbins + 1 */
	const double *counts;    /* nbins */
	const int *hidden;       /* NULL, or 1 where a count is shown as "<K" */
	size_t nmarks;
	const struct rpt_mark *marks;
	int axis_decimals;       /* -1: from the tick step */
};
void rpt_svg_histogram(const struct rpt *r, struct dur_buf *b, const struct rpt_histogram *h);

/* An UpSet plot (Lex et al. 2014): one column per exclusive cell. */
struct rpt_upset {
	const char *title, *desc;
	size_t nlists;
	char *const *lists;
	const double *list_totals;   /* nlists */
	size_t ncells;
	const unsigned *patterns;    /* bit i: on list i */
	const double *counts;
};
void rpt_svg_upset(const struct rpt *r, struct dur_buf *b, const struct rpt_upset *u);

/* Horizontal stacked bars of shares, one per row (screening verdicts). */
struct rpt_stack {
	const char *title, *desc;
	size_t nrows, nparts;
	const char *const *rows;     /* nrows labels */
	const char *const *parts;    /* nparts legend labels */
	const char *const *colours;  /* nparts */
	const double *values;        /* nrows * nparts counts */
	const int *hidden;           /* NULL or nrows * nparts */
};
void rpt_svg_stack(const struct rpt *r, struct dur_buf *b, const struct rpt_stack *s);

/* Horizontal bars with a value label each (records per list). */
struct rpt_bars {
	const char *title, *desc, *axis;
	size_t n;
	const char *const *labels;
	const double *values;
	const int *hidden;
	const char *colour;
	int decimals;            /* -1: counts of people (hidden in published
				    mode); else a number with this many decimals */
};
void rpt_svg_bars(const struct rpt *r, struct dur_buf *b, const struct rpt_bars *s);

/*
 * The models compared: one row per model, a dot for each pair of lists it
 * lets depend on each other (columns), its weight as a bar and its
 * estimate as a number.
 */
struct rpt_models {
	const char *title, *desc;
	size_t nmodels, nterms;
	const char *const *terms;        /* column labels */
	const unsigned char *has;        /* nmodels * nterms: 1 when model i has term j */
	const double *weights, *estimates;
	const char *weight_label, *estimate_label;
};
void rpt_svg_models(const struct rpt *r, struct dur_buf *b, const struct rpt_models *m);

/* ---- the screening and linkage documents ------------------------------------------ */

enum { RPT_INDICATED = 0, RPT_NOT_INDICATED = 1, RPT_INSUFFICIENT = 2 };

struct rpt_screen_row {
	char *sector;            /* NULL for the overall row */
	double cases;
	double *counts;          /* nframeworks * 3, in RPT_INDICATED.. order */
};
struct rpt_screen_doc {
	double cases;
	char *note, *rounding;   /* rounding may be NULL */
	unsigned long resolution;
	size_t nfw;
	char **fw, **ver;
	struct rpt_screen_row overall;
	size_t nsectors;
	struct rpt_screen_row *sectors;
};
/* Read a "duress-screen-summary" document strictly (errors name the key). */
dur_err rpt_screen_doc_read(const json_t *j, const char *name, struct rpt_screen_doc **out,
			    struct dur_error *err);
void rpt_screen_doc_free(struct rpt_screen_doc *d);

struct rpt_link_doc {
	size_t nlists;
	char **lists;
	double *records;
	double threshold, bridge_threshold;
	double comparisons, linked_pairs, people, bridges_refused;
	size_t ntable_lists;
	char **table_lists;
	size_t ncells;
	unsigned *patterns;
	double *cell_counts;
	double scores_from, scores_to;
	size_t nbins;
	double *bins;
};
/* Read a "duress-link-match" document strictly (errors name the key). */
dur_err rpt_link_doc_read(const json_t *j, const char *name, struct rpt_link_doc **out,
			  struct dur_error *err);
void rpt_link_doc_free(struct rpt_link_doc *d);

/* ---- sections --------------------------------------------------------------------- */

/* What one manifest holds, read and checked. */
enum rpt_check {
	RPT_UNCHECKED = 0,   /* the front end did not look for the file */
	RPT_MISSING,         /* looked for, not found */
	RPT_SAME,            /* found, the recorded size and SHA-256 */
	RPT_CHANGED          /* found, different */
};
struct rpt_manifest {
	int index;                       /* 1, 2, ... in the report's order */
	const char *name;                /* as the caller named it */
	const char *text;                /* the manifest's bytes, for embedding */
	size_t len;
	struct dur_manifest *m;
	int *check;                      /* enum rpt_check per input */
	char **found;                    /* where each input was found (or NULL) */
	int *place;                      /* enum dur_report_place per input */
	const struct dur_report_file *files;   /* as given (may be NULL) */
	struct dur_estimate_doc *est;    /* one of these three */
	struct rpt_screen_doc *screen;
	struct rpt_link_doc *link;
};

void rpt_estimate_words(struct rpt *r, const struct rpt_manifest *m);
void rpt_estimate_figures(struct rpt *r, const struct rpt_manifest *m);
void rpt_estimate_method(struct rpt *r, const struct rpt_manifest *m);
void rpt_screen_words(struct rpt *r, const struct rpt_manifest *m);
void rpt_screen_figures(struct rpt *r, const struct rpt_manifest *m);
void rpt_screen_method(struct rpt *r, const struct rpt_manifest *m);
void rpt_link_words(struct rpt *r, const struct rpt_manifest *m);
void rpt_link_figures(struct rpt *r, const struct rpt_manifest *m);
void rpt_link_method(struct rpt *r, const struct rpt_manifest *m);
void rpt_provenance(struct rpt *r, const struct rpt_manifest *m);

/* Shared by the sections: a figure's opening (<figure>, the number) and
 * closing (the caption, with the number in front). */
void rpt_figure_open(struct rpt *r, const char *id);
void rpt_figure_close(struct rpt *r, const char *caption_html);
/* The names of the lists in pattern c: "LA, NG and PF" (escaped HTML). */
void rpt_who(const struct rpt *r, struct dur_buf *b, char *const *lists, size_t k,
	     unsigned c);

/* A table of every parameter of a manifest, keys sorted; meaning(key) a
 * plain description ("" when none). */
void rpt_params_table(struct rpt *r, const json_t *params,
		      const char *(*meaning)(struct rpt *, const char *));
/* The manifest input of `role` (the first), or -1. */
long rpt_input_of(const struct rpt_manifest *m, const char *role);

/* The style sheet (screen and print). */
extern const char rpt_css[];

#endif
