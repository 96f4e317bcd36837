/*
 * duress/screen.h - screen one person's situation against published
 * trafficking and forced-labour frameworks, kept as data.
 *
 * The frameworks (frameworks/<id>.json) and the framework-neutral question
 * bank (frameworks/questions.json) are data files; one rule engine
 * evaluates every framework's declarative decision rule.  Facts are
 * three-valued (yes / no / unknown) and evaluated with Kleene logic, so that
 * an unknown answer is never read as "no": a verdict is `indicated` or
 * `not_indicated` only when it holds whatever the unknown answers turn out
 * to be, and `would_change_if` lists the unknown facts that could still
 * change it.  The kind of work (the free-text sector) is recorded and
 * reported but is never read by any rule.
 *
 * A screening guides next steps; it is not a legal finding.
 *
 * Ownership: handles are opaque and freed with their _free(), which accepts
 * NULL.  Strings and structs returned by accessors are borrowed from the
 * handle they came from and live as long as it does.  Functions that return
 * `char **out` give the caller a malloc'ed, NUL-terminated string to free().
 *
 * Thread safety: a loaded dur_framework_set is read-only during evaluation
 * and may be shared between threads; each thread uses its own cases and
 * results.
 */
#ifndef DURESS_SCREEN_H
#define DURESS_SCREEN_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/error.h>

/* A three-valued answer.  The numeric values never change.  @since 0.1 */
enum dur_screen_answer {
	DUR_SCREEN_NO = 0,
	DUR_SCREEN_UNKNOWN = 1,
	DUR_SCREEN_YES = 2
};

/* A framework's verdict for one case.  @since 0.1 */
enum dur_screen_verdict {
	DUR_SCREEN_NOT_INDICATED = 0,
	DUR_SCREEN_INSUFFICIENT = 1,     /* "insufficient_information" */
	DUR_SCREEN_INDICATED = 2
};

/* "indicated", "not_indicated", "insufficient_information".  @since 0.1 */
DUR_EXPORT const char *dur_screen_verdict_name(enum dur_screen_verdict v);

/* ------------------------------------------------------------------ */
/* Frameworks and the question bank                                    */
/* ------------------------------------------------------------------ */

/*
 * A set of frameworks plus the question bank they share.  Invariants once
 * loaded: every fact an indicator or rule names is a question of the bank;
 * indicator ids are unique within a framework; every rule only refers to
 * indicators, options and earlier elements of its own framework.
 */
typedef struct dur_framework_set dur_framework_set;

/* A new, empty set (NULL when out of memory).  @since 0.1 */
DUR_EXPORT dur_framework_set *dur_framework_set_alloc(void);
/* Free; NULL does nothing.  @since 0.1 */
DUR_EXPORT void dur_framework_set_free(dur_framework_set *set);

/*
 * Load the question bank from `len` bytes of JSON.  `name` (a file name) is
 * used in messages only.  Must be called once, before any framework is
 * added.  Errors (DUR_EPARSE, DUR_ESCHEMA) name the file and the JSON path
 * of the bad key, e.g. "'questions.json': $.questions[3].id: ...".
 * @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_load_bank(dur_framework_set *set, const char *buf, size_t len,
				    const char *name, struct dur_error *err);

/*
 * Add one framework from `len` bytes of JSON, validated against the bank.
 * Errors name the file and the JSON path of the bad key.  @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_add(dur_framework_set *set, const char *buf, size_t len,
			      const char *name, struct dur_error *err);

/*
 * Load questions.json from directory `dir`, then every other file there whose
 * name ends in ".json", in file-name order.  Reads at most 4 MiB per file.  @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_load_dir(dur_framework_set *set, const char *dir,
				   struct dur_error *err);

/*
 * The folder the framework files are read from when none is given:
 * $DURESS_FRAMEWORKS when set; else share/duress/frameworks beside the
 * installed library (found relative to the library file, so a moved prefix
 * still works); else the frameworks/ folder of the checkout when the
 * library runs from a build folder inside it.  DUR_EIO naming the places
 * looked in when there is none.  @since 0.2
 */
DUR_EXPORT dur_err dur_framework_default_dir(char *buf, size_t size, struct dur_error *err);
/* dur_framework_set_load_dir() on that folder.  @since 0.2 */
DUR_EXPORT dur_err dur_framework_set_load_default(dur_framework_set *set, struct dur_error *err);

/* Where a loaded file came from (for manifests); borrowed from the set. */
struct dur_framework_source {
	const char *file;      /* base name of the file it was read from */
	const char *id;        /* the framework's id ("questions" for the bank) */
	const char *version;
	uint64_t size;
	const char *sha256;    /* 64 hex digits */
};
/* The question bank's source, and framework i's.  @since 0.2 */
DUR_EXPORT dur_err dur_framework_set_bank_source(const dur_framework_set *set,
					  struct dur_framework_source *out,
					  struct dur_error *err);
DUR_EXPORT dur_err dur_framework_set_source(const dur_framework_set *set, size_t i,
				     struct dur_framework_source *out, struct dur_error *err);

/*
 * Set a framework option (a switch the framework file declares where its
 * source is unverified, e.g. ilo2009's "child_rule_act").  @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_option(dur_framework_set *set, const char *framework,
				 const char *option, int value, struct dur_error *err);

/* The same, from its written form "FW.NAME=yes|no".  @since 0.2 */
DUR_EXPORT dur_err dur_framework_set_option_spec(dur_framework_set *set, const char *spec,
					  struct dur_error *err);

/* Number of frameworks, and the index of one by id (-1 if absent).  @since 0.1 */
DUR_EXPORT size_t dur_framework_set_count(const dur_framework_set *set);
DUR_EXPORT long dur_framework_set_find(const dur_framework_set *set, const char *id);

/*
 * The set as JSON (a new string in *out, which the caller frees).  With `framework`
 * NULL: a list of frameworks with titles, versions, citations and
 * verification status.  With an id: that framework in full (indicators,
 * elements, rule in words, options).  @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_list_json(const dur_framework_set *set, char **out,
				    struct dur_error *err);
DUR_EXPORT dur_err dur_framework_set_show_json(const dur_framework_set *set, const char *framework,
				    char **out, struct dur_error *err);
/* The same, as plain text for people.  @since 0.1 */
DUR_EXPORT dur_err dur_framework_set_list_text(const dur_framework_set *set, char **out,
				    struct dur_error *err);
DUR_EXPORT dur_err dur_framework_set_show_text(const dur_framework_set *set, const char *framework,
				    char **out, struct dur_error *err);
/*
 * The question bank: as a printable form (text) or JSON, each question
 * with the indicators of each framework it feeds.  @since 0.1
 */
DUR_EXPORT dur_err dur_framework_set_questions_text(const dur_framework_set *set, char **out,
					 struct dur_error *err);
DUR_EXPORT dur_err dur_framework_set_questions_json(const dur_framework_set *set, char **out,
					 struct dur_error *err);

/* ------------------------------------------------------------------ */
/* Cases                                                               */
/* ------------------------------------------------------------------ */

/*
 * One person's answers: age, sector (free text, never evidence), an
 * optional case id, and a yes/no/unknown answer per fact of the bank
 * (unknown until set).  A case borrows its set, which must outlive it.
 */
typedef struct dur_screen_case dur_screen_case;

/*
 * A new case with every answer unknown and the age unknown (NULL when out of
 * memory, or when `set` has no question bank).  @since 0.1
 */
DUR_EXPORT dur_screen_case *dur_screen_case_alloc(const dur_framework_set *set);
/* Free; NULL does nothing.  @since 0.1 */
DUR_EXPORT void dur_screen_case_free(dur_screen_case *c);

/*
 * Read a case object {"case_id"?, "age"?, "sector"?, "facts"?} from JSON.
 * A key or fact id the bank does not know is an error naming it.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_screen_case_parse_json(dur_screen_case *c, const char *buf, size_t len,
				   const char *name, struct dur_error *err);

/* Set one answer; DUR_EINVAL naming `fact` when the bank has no such question.  @since 0.1 */
DUR_EXPORT dur_err dur_screen_case_set_fact(dur_screen_case *c, const char *fact,
				 enum dur_screen_answer a, struct dur_error *err);
/*
 * Set the age when the exploitation happened: a number of years (digits, at
 * most one decimal point, under 130), or "minor" (under 18), "adult",
 * "unknown"; NULL or "" is unknown.  DUR_EINVAL otherwise.  @since 0.1
 */
DUR_EXPORT dur_err dur_screen_case_set_age(dur_screen_case *c, const char *age, struct dur_error *err);
/*
 * Set the sector or the case id: any UTF-8 text up to 4096 bytes (copied).
 * The sector is reported, and grouped on in summaries, but never read by a
 * rule.  @since 0.1
 */
DUR_EXPORT dur_err dur_screen_case_set_sector(dur_screen_case *c, const char *sector,
				   struct dur_error *err);
DUR_EXPORT dur_err dur_screen_case_set_id(dur_screen_case *c, const char *id, struct dur_error *err);

/* Accessors (borrowed strings, valid until the case changes; "" when not given).  @since 0.1 */
DUR_EXPORT const char *dur_screen_case_id(const dur_screen_case *c);
DUR_EXPORT const char *dur_screen_case_sector(const dur_screen_case *c);
/* The age as given: "24", "minor", "adult" or "unknown".  @since 0.1 */
DUR_EXPORT const char *dur_screen_case_age(const dur_screen_case *c);
/* The answer to one question (unknown, too, for an id the bank does not have).  @since 0.1 */
DUR_EXPORT enum dur_screen_answer dur_screen_case_fact(const dur_screen_case *c, const char *fact);

/*
 * A batch of cases, from CSV (header `case_id,age,sector,<fact ids>`; every
 * column but case_id optional; an empty cell is unknown) or from JSON
 * Lines (one case object per line; blank lines skipped).  Errors name the
 * file, the line and the column or key.  At most 10 million cases.
 */
typedef struct dur_screen_batch dur_screen_batch;

/*
 * Read a batch from `len` bytes; `name` is used in messages.  On success
 * *out is a new batch of at least one case; on failure *out is NULL.  The
 * set must outlive the batch.  @since 0.1
 */
DUR_EXPORT dur_err dur_screen_batch_parse_csv(const dur_framework_set *set, const char *buf, size_t len,
				   const char *name, dur_screen_batch **out,
				   struct dur_error *err);
/* The same with another separator between values (';', '\t', '|').  @since 0.2 */
DUR_EXPORT dur_err dur_screen_batch_parse_csv_sep(const dur_framework_set *set, const char *buf,
					   size_t len, const char *name, char sep,
					   dur_screen_batch **out, struct dur_error *err);
DUR_EXPORT dur_err dur_screen_batch_parse_jsonl(const dur_framework_set *set, const char *buf,
				     size_t len, const char *name, dur_screen_batch **out,
				     struct dur_error *err);
/* Free; NULL does nothing.  @since 0.1 */
DUR_EXPORT void dur_screen_batch_free(dur_screen_batch *b);
/* Number of cases.  @since 0.1 */
DUR_EXPORT size_t dur_screen_batch_count(const dur_screen_batch *b);
/* Borrowed; i < count.  @since 0.1 */
DUR_EXPORT const dur_screen_case *dur_screen_batch_case(const dur_screen_batch *b, size_t i);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

/* An indicator found present, and the fact (question id) that triggered it. */
struct dur_screen_finding {
	const char *indicator;   /* id, as in the framework file */
	const char *label;       /* the framework's wording, paraphrased */
	const char *fact;        /* question id whose "yes" triggered it */
	const char *strength;    /* "strong", "medium", "weak" (ilo2009), else NULL */
	/*
	 * NULL, or a condition on an unknown answer under which alone the
	 * indicator applies, e.g. "age=minor" when the age is unknown and the
	 * indicator belongs to the child list.
	 */
	const char *only_if;
};

/* The status of one element (dimension) of a framework's rule. */
struct dur_screen_element {
	const char *id;
	const char *label;
	enum dur_screen_answer status;   /* met (yes), not met (no), unknown */
	const char *rule_text;
};

/* One framework's result for one case.  All strings borrowed from the result. */
struct dur_screen_outcome {
	const char *framework;
	const char *version;
	const char *title;
	enum dur_screen_verdict verdict;
	const char *meaning;             /* the framework's words for the verdict */
	size_t nfindings;
	const struct dur_screen_finding *findings;
	size_t nelements;
	const struct dur_screen_element *elements;
	size_t nreasons;
	const char *const *reasons;      /* the rule that decided, in words */
	size_t nchange;
	const char *const *would_change_if;  /* question ids ("age" for the age) */
	size_t nnotes;
	const char *const *notes;        /* e.g. "labour-rights concern, not trafficking" */
};

typedef struct dur_screen_result dur_screen_result;

/*
 * Screen case `c` against the frameworks named in `ids` (n of them), or
 * against every framework of the set when n is 0.  An unknown id is
 * DUR_EINVAL naming it.  On success *out is a new result.  @since 0.1
 */
DUR_EXPORT dur_err dur_screen_evaluate(const dur_framework_set *set, const dur_screen_case *c,
			    const char *const *ids, size_t n, dur_screen_result **out,
			    struct dur_error *err);
/* Free; NULL does nothing.  @since 0.1 */
DUR_EXPORT void dur_screen_result_free(dur_screen_result *r);
/* Number of outcomes (one per framework screened, in the order asked).  @since 0.1 */
DUR_EXPORT size_t dur_screen_result_count(const dur_screen_result *r);
/* Borrowed; i < count.  @since 0.1 */
DUR_EXPORT const struct dur_screen_outcome *dur_screen_result_outcome(const dur_screen_result *r,
							   size_t i);

/*
 * The result as a JSON object {"case_id"?, "age", "sector", "results":[...]}
 * (compact when `indent` is 0), or as a short plain-text report for people.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_screen_result_to_json(const dur_screen_result *r, const dur_screen_case *c,
				  int indent, char **out, struct dur_error *err);
DUR_EXPORT dur_err dur_screen_result_to_text(const dur_screen_result *r, const dur_screen_case *c,
				  char **out, struct dur_error *err);

/* ------------------------------------------------------------------ */
/* Summaries of batches                                                */
/* ------------------------------------------------------------------ */

/*
 * Counts of each verdict per framework, overall and per sector (the same
 * people counted under different definitions, side by side).  Sectors are
 * grouped by exact text; an empty sector is "(not recorded)".
 */
typedef struct dur_screen_summary dur_screen_summary;

/* A new, empty summary (NULL when out of memory).  @since 0.1 */
DUR_EXPORT dur_screen_summary *dur_screen_summary_alloc(void);
/* Free; NULL does nothing.  @since 0.1 */
DUR_EXPORT void dur_screen_summary_free(dur_screen_summary *s);
/*
 * Count one case's result.  Every result added must cover the same
 * frameworks in the same order (DUR_EINVAL otherwise).  @since 0.1
 */
DUR_EXPORT dur_err dur_screen_summary_add(dur_screen_summary *s, const dur_screen_case *c,
			       const dur_screen_result *r, struct dur_error *err);
/*
 * Render.  Every count is rounded down to a multiple of `resolution` (>= 1),
 * so that small cells cannot single people out (frameworks.md 7.3); the
 * text shows counts under `resolution` as "<K".  1 gives exact counts.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_screen_summary_to_json(const dur_screen_summary *s, unsigned long resolution,
				   int indent, char **out, struct dur_error *err);
DUR_EXPORT dur_err dur_screen_summary_to_text(const dur_screen_summary *s, unsigned long resolution,
				   char **out, struct dur_error *err);

/* The summary as a JSON document (format "duress-screen-summary"); new
 * reference, NULL on failure.  @since 0.2 */
#define DUR_SCREEN_SUMMARY_FORMAT "duress-screen-summary"
#define DUR_SCREEN_SUMMARY_FORMAT_VERSION 1
DUR_EXPORT json_t *dur_screen_summary_json(const dur_screen_summary *s, unsigned long resolution,
				    struct dur_error *err);

/* ------------------------------------------------------------------ */
/* The screening-summary job (what a manifest records)                 */
/* ------------------------------------------------------------------ */

#define DUR_SCREEN_MAX_SELECT 64
/* Strings are borrowed. */
struct dur_screen_summary_params {
	size_t nframeworks;
	const char *frameworks[DUR_SCREEN_MAX_SELECT];   /* none: every framework */
	size_t noptions;
	const char *options[DUR_SCREEN_MAX_SELECT];      /* "FW.NAME=yes|no" */
	const char *input_format;                         /* "csv" or "jsonl" */
	char sep;                                         /* csv: ',' (also 0), ';', '\t', '|' */
	unsigned long resolution;                         /* counts rounded down; 10 */
};
DUR_EXPORT void dur_screen_summary_default_params(struct dur_screen_summary_params *p);
/* As recorded in manifests (new reference), and back, strictly: errors name
 * the key; strings borrow from j.  @since 0.2 */
DUR_EXPORT json_t *dur_screen_summary_params_to_json(const struct dur_screen_summary_params *p);
DUR_EXPORT dur_err dur_screen_summary_params_from_json(const json_t *j,
						struct dur_screen_summary_params *p,
						struct dur_error *err);
/*
 * Screen every case of a batch (`len` bytes, `name` for messages) against
 * the chosen frameworks of `set` (the options are applied to it first) and
 * return the summary in *out (yours; render it with dur_screen_summary_json
 * or _to_text at p->resolution).  @since 0.2
 */
DUR_EXPORT dur_err dur_screen_summary_run(dur_framework_set *set, const char *buf, size_t len,
				   const char *name, const struct dur_screen_summary_params *p,
				   dur_screen_summary **out, struct dur_error *err);

#endif
