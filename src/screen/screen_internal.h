/*
 * screen_internal.h - the data model shared by the files of src/screen.
 *
 * Facts are numbered: 0..nfacts-1 are the yes/no questions of the bank, in
 * bank order; fact nfacts is "under 18", derived from the age.  Values are
 * enum dur_screen_answer (NO 0 < UNKNOWN 1 < YES 2), so Kleene's strong
 * three-valued logic is: AND = min, OR = max, NOT = 2 - x.
 *
 * A framework's rule is compiled into a flat array of expression nodes;
 * children are runs of node indices in `kids`.  Indicators are evaluated
 * first (each as "any of its facts is yes, and its only_if holds"), then the
 * elements in file order (an element may use indicators and earlier
 * elements only, so there are no cycles), then the verdict rule.
 */
#ifndef DURESS_SCREEN_INTERNAL_H
#define DURESS_SCREEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/screen.h>
#include "core/buf.h"

#define SCR_MAX_FILE (4u << 20)         /* a framework or bank file */
#define SCR_MAX_SPLIT 6                 /* facts under negation, per framework */
#define SCR_VERIFY_MAX 10               /* would_change_if candidates checked exactly, at most */
#define SCR_VERIFY_BUDGET 400000u       /* ... within this many node evaluations per case */
#define SCR_MAX_CASES 10000000u         /* per batch */
#define SCR_MAX_TEXT 4096               /* a sector or case id, in bytes */

enum scr_qkind { Q_YESNO, Q_AGE, Q_TEXT };

struct scr_question {
	char *id;
	char *text;
	char *section;
	char *help;          /* may be NULL */
	enum scr_qkind kind;
	int fact;            /* fact index for Q_YESNO, else -1 */
};

enum scr_xkind { X_FACT, X_OPTION, X_IND, X_ELEM, X_ALL, X_ANY, X_NOT, X_ATLEAST };

struct scr_xnode {
	enum scr_xkind kind;
	int arg;             /* fact / option / indicator / element index, or k */
	size_t nkids;
	size_t kids;         /* offset into fw->kids */
};

struct scr_indicator {
	char *id;
	char *label;
	char *group;         /* dimension or element group; may be NULL */
	char *strength;      /* "strong" / "medium" / "weak" or NULL */
	char *verification;  /* "V", "S" or "U" */
	size_t nfacts;
	int *facts;
	int node;            /* presence, compiled */
};

struct scr_element {
	char *id;
	char *label;
	char *rule_text;
	int node;
};

struct scr_note {
	char *text;
	int node;
};

struct scr_option {
	char *id;
	char *text;
	int value;
};

/* Where a loaded file came from, for manifests. */
struct scr_source {
	char *file;           /* base name of the name given */
	uint64_t size;
	char sha256[65];
};

struct scr_framework {
	struct scr_source src;
	char *id;
	char *version;
	char *title;
	char *summary;
	char *id_prefix;      /* every indicator id starts with it */
	json_t *doc;          /* the file as loaded, for `frameworks show` */
	char *rule_text;
	char *meaning[3];     /* per enum dur_screen_verdict */
	size_t nind, nelem, nnote, nopt;
	struct scr_indicator *ind;
	struct scr_element *elem;
	struct scr_note *note;
	struct scr_option *opt;
	int rule;             /* verdict node */
	struct scr_xnode *nodes;
	size_t nnodes, capnodes;
	int *kids;
	size_t nkids, capkids;
	int split[SCR_MAX_SPLIT];  /* facts that occur under a negation */
	size_t nsplit;
	int *refs;            /* facts the rule can read, ascending */
	size_t nrefs;
};

struct dur_framework_set {
	struct scr_source bank_src;
	int have_bank;
	char *bank_version;
	char *bank_title;
	char *bank_intro;
	json_t *bank_doc;
	size_t nq;
	struct scr_question *q;
	size_t nfacts;        /* yes/no questions; fact nfacts is "under 18" */
	int *fact_q;          /* fact index -> question index */
	size_t nfw;
	struct scr_framework **fw;
};

struct dur_screen_case {
	const dur_framework_set *set;
	size_t line;          /* where a batch had it (0 for a single case) */
	char *id;
	char *sector;
	char age[32];
	uint8_t *facts;       /* nfacts + 1 values */
};

/* Kleene evaluation of every indicator, element and the rule, given facts. */
int scr_eval(const struct scr_framework *fw, const uint8_t *facts, uint8_t *ind,
	     uint8_t *elem);
int scr_eval_node(const struct scr_framework *fw, int n, const uint8_t *facts,
		  const uint8_t *ind, const uint8_t *elem);

/*
 * How many would_change_if candidates of framework fw are checked exactly
 * (more than that: the list is complete but may hold a fact whose answer is
 * absorbed by another).  Grows as the framework's rule gets smaller.
 */
size_t scr_verify_limit(const struct scr_framework *fw);

/* Name of fact index f: a question id, or "age" for "under 18". */
const char *scr_fact_name(const dur_framework_set *set, int f);

/* Record name, size and SHA-256 of a loaded file.  0 on success. */
int scr_source_set(struct scr_source *s, const char *name, const char *buf, size_t len);

/* Small helpers shared by the files of the module. */
char *scr_strdup(const char *s);
/*
 * What jansson's error means, in words that never quote the input (its own
 * messages can: "invalid token near 'Maria'"), for messages about cases.
 */
const char *scr_json_error_words(const json_error_t *je);
/* json_dumps with a translated error. */
dur_err scr_json_dump(json_t *j, int indent, char **out, struct dur_error *err);

/* Parse one case object (already decoded) into c.  `where` prefixes errors. */
dur_err scr_case_from_json(dur_screen_case *c, json_t *obj, const char *name, size_t line,
			   struct dur_error *err);

#endif
