/*
 * duress/report.h - results put into words for people: numbers written as
 * a reader reads them, the one sentence that opens every estimate, the
 * text tables of the command line, and the HTML report made from
 * manifests.  The report builds on the same functions, so a figure reads
 * the same wherever it is shown.
 */
#ifndef DURESS_REPORT_H
#define DURESS_REPORT_H

#include <duress/common.h>
#include <stddef.h>
#include <duress/error.h>
#include <duress/estimate.h>
#include <duress/i18n.h>

/*
 * A count of people with thousands grouped: 2673.4 -> "2,673".  Non-finite
 * values give "-".  Always terminated.  @since 0.2
 */
DUR_EXPORT void dur_words_count(double x, char *buf, size_t size);
/*
 * An estimated number as one says it: rounded to three significant figures
 * (to a whole number below 100), thousands grouped: 2673.4 -> "2,670",
 * 11417.99 -> "11,400", 57.4 -> "57".  @since 0.2
 */
DUR_EXPORT void dur_words_about(double x, char *buf, size_t size);

/*
 * The sentence a data officer can read aloud, e.g. "About 2,670 people in
 * all (95% interval 2,370 to 3,000): 1,441 were on at least one list,
 * about 1,230 on none."  For a result without an estimate, the reason.
 * *out is yours (free()).  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_headline(const struct dur_estimate_result *r, char **out,
				  struct dur_error *err);

/*
 * The whole document as text for a terminal: the headline, then the
 * figures, the model, the cells, the comparison and diagnostics, the
 * warnings; every stratum likewise.  *out is yours.  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_doc_to_text(const struct dur_estimate_doc *d, char **out,
				     struct dur_error *err);

/* ---- in the reader's language ------------------------------------------- */

/*
 * dur_words_count() and dur_words_about() with the number symbols of
 * catalogue c ("11.400" in Spanish); c NULL is English and gives exactly
 * what those functions give.  @since 0.2
 */
DUR_EXPORT void dur_words_count_in(const dur_catalogue *c, double x, char *buf, size_t size);
DUR_EXPORT void dur_words_about_in(const dur_catalogue *c, double x, char *buf, size_t size);
/*
 * dur_estimate_headline() in the language of catalogue c (its wording and
 * its numbers); c NULL is English, the same sentence word for word.  The
 * reason of a result without an estimate is the document's own text.
 * *out is yours (free()).  @since 0.2
 */
DUR_EXPORT dur_err dur_estimate_headline_in(const dur_catalogue *c,
					    const struct dur_estimate_result *r, char **out,
					    struct dur_error *err);

/* ---- the HTML report ------------------------------------------------------ */

/*
 * A report is one self-contained HTML file made only from manifests, so
 * that every figure in it can be re-run with `duress reproduce`: first the
 * result in plain words, then plots (inline SVG, each with a caption and a
 * table of the same numbers), the method and definitions, and the
 * provenance (every input's name and SHA-256, how it was checked, the
 * manifests themselves).  It has no script, loads nothing, and is the same
 * bytes for the same manifests and options (docs/report.md).
 *
 * The library never opens files: the front end reads each manifest, looks
 * for the inputs it records (`duress report` looks beside the manifest, as
 * `duress reproduce` does) and hands over what it found; the report
 * compares each with its recorded size and SHA-256 and says how each was
 * checked.
 */

/* Where the front end found one input of a manifest. */
enum dur_report_place {
	DUR_REPORT_UNCHECKED = 0,   /* not looked for (the report says so) */
	DUR_REPORT_MISSING = 1,     /* looked for beside the manifest, not found */
	DUR_REPORT_BESIDE = 2,      /* found in the manifest's folder; `name` is the
				       path from that folder */
	DUR_REPORT_FRAMEWORKS = 3   /* a framework file, found in the folder of the
				       framework files; `name` is its file name */
};

/* One input of a manifest as found: `buf` and `len` its bytes (borrowed),
 * when place is DUR_REPORT_BESIDE or DUR_REPORT_FRAMEWORKS. */
struct dur_report_file {
	int place;                  /* enum dur_report_place */
	const char *name;
	const void *buf;
	size_t len;
};

/*
 * One manifest: `name` names it in the report and in messages (a file
 * name as the reader knows it), `buf`/`len` its bytes (borrowed).  `files`
 * is NULL (no input looked for) or has one entry per input of the
 * manifest, in the manifest's order (nfiles must then be that number).
 */
struct dur_report_input {
	const char *name;
	const char *buf;
	size_t len;
	const struct dur_report_file *files;
	size_t nfiles;
};

/* What changes the report besides its manifests.  Strings are borrowed. */
struct dur_report_options {
	const char *title;          /* NULL: made from the inputs' names */
	const char *lang;           /* a built-in catalogue (dur_catalogue_languages);
				       NULL or "en": English */
	int publish;                /* counts of people from 1 to min_cell - 1 read
				       "<min_cell" (observed cells, list totals,
				       screening and linkage counts); 0 */
	unsigned long min_cell;     /* 10 (as for published screening counts);
				       2 .. 1000000 */
	int allow_changed;          /* make the report even when an input differs
				       from its record (the report then says so
				       at the top); 0 */
	size_t top_models;          /* models shown in the model comparison; 10,
				       1 .. 1000 */
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT void dur_report_default_options(struct dur_report_options *o);

/*
 * The report of n manifests (estimate, screen-summary and link-match), in
 * the order: estimates, then screening summaries, then linkages, each in
 * the order given.  *html is yours (free()), UTF-8, NUL-terminated.
 *
 * Errors (the message names the manifest and, for a malformed one, the
 * key): DUR_EINVAL no manifest, bad options, a language without a
 * catalogue, `files` not matching the manifest's inputs; DUR_EPARSE not a
 * manifest, a result that is not one of the three documents, or whose
 * input is not the one the manifest records; DUR_EMISMATCH an input found
 * with another size or SHA-256 than recorded, unless allow_changed;
 * DUR_ENOMEM.  On failure *html is NULL.  @since 0.2
 */
DUR_EXPORT dur_err dur_report_render(const struct dur_report_input *in, size_t n,
				     const struct dur_report_options *o, char **html,
				     struct dur_error *err);

#endif
