/*
 * Reading cases: one JSON object, a CSV batch or a JSON Lines batch.
 *
 * Strict on names, lenient on nothing else: a key, column or fact id the
 * bank does not know is an error that names it (a typo in a screening must
 * never be dropped silently, and dropping it would read the answer as
 * unknown at best).  A fact that is not given is unknown, never "no".
 */
#include "screen/screen_internal.h"
#include "core/dupcheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <duress/csv.h>

dur_screen_case *dur_screen_case_alloc(const dur_framework_set *set)
{
	dur_screen_case *c;

	if (!set || !set->have_bank)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->set = set;
	c->facts = malloc(set->nfacts + 1);
	if (!c->facts) {
		free(c);
		return NULL;
	}
	memset(c->facts, DUR_SCREEN_UNKNOWN, set->nfacts + 1);
	strcpy(c->age, "unknown");
	return c;
}

void dur_screen_case_free(dur_screen_case *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->sector);
	free(c->facts);
	free(c);
}

static long fact_index(const dur_framework_set *set, const char *id)
{
	for (size_t f = 0; f < set->nfacts; f++)
		if (strcmp(set->q[set->fact_q[f]].id, id) == 0)
			return (long)f;
	return -1;
}

dur_err dur_screen_case_set_fact(dur_screen_case *c, const char *fact,
				 enum dur_screen_answer a, struct dur_error *err)
{
	long f = fact_index(c->set, fact);

	if (f < 0)
		return dur_error_set(err, DUR_EINVAL, "'%s' is not a question of the bank", fact);
	if (a != DUR_SCREEN_NO && a != DUR_SCREEN_YES && a != DUR_SCREEN_UNKNOWN)
		return dur_error_set(err, DUR_EINVAL, "invalid answer for '%s'", fact);
	c->facts[f] = (uint8_t)a;
	return DUR_OK;
}

static dur_err set_age_number(dur_screen_case *c, double years, struct dur_error *err)
{
	if (!isfinite(years) || years < 0 || years >= 130)
		return dur_error_set(err, DUR_EINVAL, "the age is not a plausible age in years "
				     "(0 to 129)");
	if (years == floor(years))
		snprintf(c->age, sizeof(c->age), "%.0f", years);
	else
		snprintf(c->age, sizeof(c->age), "%g", years);
	/* the age when the exploitation happened: under 18 is a child (Palermo Art. 3(d)) */
	c->facts[c->set->nfacts] = years < 18 ? DUR_SCREEN_YES : DUR_SCREEN_NO;
	return DUR_OK;
}

dur_err dur_screen_case_set_age(dur_screen_case *c, const char *age, struct dur_error *err)
{
	char *end;
	double y;

	if (!age || !*age || strcasecmp(age, "unknown") == 0) {
		strcpy(c->age, "unknown");
		c->facts[c->set->nfacts] = DUR_SCREEN_UNKNOWN;
		return DUR_OK;
	}
	if (strcasecmp(age, "minor") == 0) {
		strcpy(c->age, "minor");
		c->facts[c->set->nfacts] = DUR_SCREEN_YES;
		return DUR_OK;
	}
	if (strcasecmp(age, "adult") == 0) {
		strcpy(c->age, "adult");
		c->facts[c->set->nfacts] = DUR_SCREEN_NO;
		return DUR_OK;
	}
	/* digits with at most one decimal point: no signs, exponents or hex */
	for (const char *p = age; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p == '.' && p != age && !strchr(p + 1, '.'))))
			return dur_error_set(err, DUR_EINVAL, "the age is not a number of years, "
					     "minor, adult or unknown");
	y = strtod(age, &end);
	if (end == age || *end)
		return dur_error_set(err, DUR_EINVAL, "the age is not a number of years, minor, "
				     "adult or unknown");
	return set_age_number(c, y, err);
}

static dur_err set_text(char **dst, const char *s, const char *what, struct dur_error *err)
{
	char *d;

	if (strlen(s) > SCR_MAX_TEXT)
		return dur_error_set(err, DUR_ELIMIT, "the %s is longer than %d bytes", what,
				     SCR_MAX_TEXT);
	if (dur_utf8_check(s, strlen(s), NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "the %s is not valid UTF-8", what);
	if (!(d = scr_strdup(s)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	free(*dst);
	*dst = d;
	return DUR_OK;
}

dur_err dur_screen_case_set_sector(dur_screen_case *c, const char *sector,
				   struct dur_error *err)
{
	return set_text(&c->sector, sector ? sector : "", "sector", err);
}

dur_err dur_screen_case_set_id(dur_screen_case *c, const char *id, struct dur_error *err)
{
	return set_text(&c->id, id ? id : "", "case id", err);
}

const char *dur_screen_case_id(const dur_screen_case *c)
{
	return c->id ? c->id : "";
}

const char *dur_screen_case_sector(const dur_screen_case *c)
{
	return c->sector ? c->sector : "";
}

const char *dur_screen_case_age(const dur_screen_case *c)
{
	return c->age;
}

enum dur_screen_answer dur_screen_case_fact(const dur_screen_case *c, const char *fact)
{
	long f = fact_index(c->set, fact);
	return f < 0 ? DUR_SCREEN_UNKNOWN : (enum dur_screen_answer)c->facts[f];
}

static int parse_answer(const char *s, enum dur_screen_answer *a)
{
	if (strcasecmp(s, "yes") == 0)
		*a = DUR_SCREEN_YES;
	else if (strcasecmp(s, "no") == 0)
		*a = DUR_SCREEN_NO;
	else if (strcasecmp(s, "unknown") == 0)
		*a = DUR_SCREEN_UNKNOWN;
	else
		return -1;
	return 0;
}

/* "'name': line N: " or "'name': " */
static void where(char *buf, size_t n, const char *name, size_t line)
{
	if (line)
		snprintf(buf, n, "'%s': line %zu", name, line);
	else
		snprintf(buf, n, "'%s'", name);
}

dur_err scr_case_from_json(dur_screen_case *c, json_t *obj, const char *name, size_t line,
			   struct dur_error *err)
{
	char w[600];
	const char *key;
	json_t *v;
	dur_err rc;

	where(w, sizeof(w), name, line);
	if (!json_is_object(obj))
		return dur_error_set(err, DUR_EPARSE, "%s: a case must be a JSON object", w);
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "case_id") == 0 || strcmp(key, "sector") == 0) {
			if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
				return dur_error_set(err, DUR_EPARSE, "%s: '%s' must be a string", w,
						     key);
			rc = key[0] == 'c' ? dur_screen_case_set_id(c, json_string_value(v), err)
					   : dur_screen_case_set_sector(c, json_string_value(v), err);
			if (rc) {
				dur_error_prefix(err, "%s: '%s'", w, key);
				return rc;
			}
		} else if (strcmp(key, "age") == 0) {
			if (json_is_number(v))
				rc = set_age_number(c, json_number_value(v), err);
			else if (json_is_string(v) && json_string_length(v) > 0 &&
				 strlen(json_string_value(v)) == json_string_length(v) &&
				 (strcasecmp(json_string_value(v), "minor") == 0 ||
				  strcasecmp(json_string_value(v), "adult") == 0 ||
				  strcasecmp(json_string_value(v), "unknown") == 0))
				rc = dur_screen_case_set_age(c, json_string_value(v), err);
			else
				rc = dur_error_set(err, DUR_EPARSE, "must be a number of years, "
						   "\"minor\", \"adult\" or \"unknown\"");
			if (rc) {
				dur_error_prefix(err, "%s: 'age'", w);
				return rc;
			}
		} else if (strcmp(key, "facts") == 0) {
			const char *fk;
			json_t *fv;
			if (!json_is_object(v))
				return dur_error_set(err, DUR_EPARSE, "%s: 'facts' must be an object "
						     "of question id: \"yes\" | \"no\" | \"unknown\"",
						     w);
			json_object_foreach(v, fk, fv) {
				enum dur_screen_answer a;
				long f = fact_index(c->set, fk);
				if (f < 0)
					return dur_error_set(err, DUR_EPARSE, "%s: facts.%s: unknown "
							     "fact (the questions are listed by "
							     "'duress frameworks questions')", w, fk);
				if (!json_is_string(fv) || parse_answer(json_string_value(fv), &a) != 0)
					return dur_error_set(err, DUR_EPARSE, "%s: facts.%s: the answer "
							     "must be \"yes\", \"no\" or \"unknown\"",
							     w, fk);
				c->facts[f] = (uint8_t)a;
			}
		} else {
			return dur_error_set(err, DUR_EPARSE, "%s: unknown key '%s' (a case has "
					     "case_id, age, sector and facts)", w, key);
		}
	}
	return DUR_OK;
}

dur_err dur_screen_case_parse_json(dur_screen_case *c, const char *buf, size_t len,
				   const char *name, struct dur_error *err)
{
	json_error_t je;
	json_t *j;
	dur_err rc;

	memset(&je, 0, sizeof(je));   /* jansson may fail before it fills it */
	if (!name)
		name = "<case>";
	if (len > SCR_MAX_FILE)
		return dur_error_set(err, DUR_ELIMIT, "'%s' is too large for one case", name);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {   /* a byte-order mark */
		buf += 3;
		len -= 3;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return dur_error_set(err, DUR_EPARSE, "'%s': line %d, column %d: %s", name,
				     je.line, je.column, scr_json_error_words(&je));
	rc = scr_case_from_json(c, j, name, 0, err);
	json_decref(j);
	return rc;
}

/* ---------------------------------------------------------------- */
/* batches                                                           */
/* ---------------------------------------------------------------- */

struct dur_screen_batch {
	size_t n, cap;
	dur_screen_case **c;
};

void dur_screen_batch_free(dur_screen_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		dur_screen_case_free(b->c[i]);
	free(b->c);
	free(b);
}

size_t dur_screen_batch_count(const dur_screen_batch *b)
{
	return b ? b->n : 0;
}

const dur_screen_case *dur_screen_batch_case(const dur_screen_batch *b, size_t i)
{
	return b && i < b->n ? b->c[i] : NULL;
}

/* A case twice in a batch would be counted twice: refuse, naming both
 * lines, never the id. */
static dur_err batch_check_ids(const dur_screen_batch *b, const char *name,
			       struct dur_error *err)
{
	struct dur_dupcheck *d = dur_dupcheck_alloc(b->n);
	dur_err rc = DUR_OK;
	if (!d)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < b->n && !rc; i++) {
		size_t first;
		if (!b->c[i]->id || !*b->c[i]->id)
			continue;
		first = dur_dupcheck_add(d, b->c[i]->id, b->c[i]->line);
		if (first == (size_t)-1)
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		else if (first)
			rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu: the same case_id as line "
					   "%zu; each case is screened once (give it another id, or "
					   "remove the repeat)", name, b->c[i]->line, first);
	}
	dur_dupcheck_free(d);
	return rc;
}

static dur_err batch_push(dur_screen_batch *b, const dur_framework_set *set,
			  dur_screen_case **out, const char *name, struct dur_error *err)
{
	if (b->n == SCR_MAX_CASES)
		return dur_error_set(err, DUR_ELIMIT, "'%s': more than %u cases", name,
				     SCR_MAX_CASES);
	if (b->n == b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 64;
		dur_screen_case **nb = realloc(b->c, nc * sizeof(*nb));
		if (!nb)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		b->c = nb;
		b->cap = nc;
	}
	if (!(b->c[b->n] = dur_screen_case_alloc(set)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	*out = b->c[b->n++];
	return DUR_OK;
}

dur_err dur_screen_batch_parse_csv(const dur_framework_set *set, const char *buf, size_t len,
				   const char *name, dur_screen_batch **out,
				   struct dur_error *err)
{
	return dur_screen_batch_parse_csv_sep(set, buf, len, name, ',', out, err);
}

dur_err dur_screen_batch_parse_csv_sep(const dur_framework_set *set, const char *buf, size_t len,
				       const char *name, char sep, dur_screen_batch **out,
				       struct dur_error *err)
{
	struct dur_csv_params cp = dur_csv_default_params();
	struct dur_csv *csv = NULL;
	dur_screen_batch *b = NULL;
	long *col = NULL;       /* per column: fact index, or -1 id, -2 age, -3 sector */
	long idcol = -1;
	dur_err rc;

	*out = NULL;
	if (!name)
		name = "<batch>";
	if (!set || !set->have_bank)
		return dur_error_set(err, DUR_EINVAL, "no question bank is loaded");
	if (sep)
		cp.delim = (unsigned char)sep;
	if ((rc = dur_csv_parse(buf, len, name, &cp, &csv, err)))
		return rc;
	b = calloc(1, sizeof(*b));
	col = calloc(csv->rec[0].nfields + 1, sizeof(*col));
	if (!b || !col) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < csv->rec[0].nfields; i++) {
		const char *h = csv->rec[0].field[i];
		for (size_t k = 0; k < i; k++)
			if (strcmp(csv->rec[0].field[k], h) == 0) {
				rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu: column '%s' "
						   "appears twice", name, csv->rec[0].line, h);
				goto out;
			}
		if (strcmp(h, "case_id") == 0) {
			col[i] = -1;
			idcol = (long)i;
		} else if (strcmp(h, "age") == 0) {
			col[i] = -2;
		} else if (strcmp(h, "sector") == 0) {
			col[i] = -3;
		} else if ((col[i] = fact_index(set, h)) < 0) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu: unknown column '%s' (the "
					   "columns are case_id, age, sector and question ids; see "
					   "'duress frameworks questions')", name, csv->rec[0].line,
					   h);
			goto out;
		}
	}
	if (idcol < 0) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu: no 'case_id' column", name,
				   csv->rec[0].line);
		goto out;
	}
	for (size_t r = 1; r < csv->nrec; r++) {
		const struct dur_csv_record *rec = &csv->rec[r];
		dur_screen_case *c;
		if (rec->nfields != csv->rec[0].nfields) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu: %zu fields, but the "
					   "header has %zu", name, rec->line, rec->nfields,
					   csv->rec[0].nfields);
			goto out;
		}
		if ((rc = batch_push(b, set, &c, name, err)))
			goto out;
		c->line = rec->line;
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *v = rec->field[i];
			enum dur_screen_answer a;
			if (col[i] == -1)
				rc = dur_screen_case_set_id(c, v, err);
			else if (col[i] == -2)
				rc = dur_screen_case_set_age(c, v, err);
			else if (col[i] == -3)
				rc = dur_screen_case_set_sector(c, v, err);
			else if (!*v)
				c->facts[col[i]] = DUR_SCREEN_UNKNOWN;  /* an empty cell is unknown */
			else if (parse_answer(v, &a) != 0)
				rc = dur_error_set(err, DUR_EPARSE, "the answer is not yes, no or "
						   "unknown (nor empty, for unknown)");
			else
				c->facts[col[i]] = (uint8_t)a;
			if (rc) {
				dur_error_prefix(err, "'%s': line %zu: column '%s'", name, rec->line,
						 csv->rec[0].field[i]);
				goto out;
			}
		}
	}
	if (b->n == 0) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': no cases below the header", name);
		goto out;
	}
	if ((rc = batch_check_ids(b, name, err)))
		goto out;
	*out = b;
	b = NULL;
out:
	free(col);
	dur_csv_free(csv);
	dur_screen_batch_free(b);
	return rc;
}

dur_err dur_screen_batch_parse_jsonl(const dur_framework_set *set, const char *buf,
				     size_t len, const char *name, dur_screen_batch **out,
				     struct dur_error *err)
{
	dur_screen_batch *b = NULL;
	size_t pos = 0, line = 0;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (!name)
		name = "<batch>";
	if (!set || !set->have_bank)
		return dur_error_set(err, DUR_EINVAL, "no question bank is loaded");
	b = calloc(1, sizeof(*b));
	if (!b)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)   /* a byte-order mark */
		pos = 3;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		int blank = 1;
		line++;
		pos += n + (nl ? 1 : 0);
		for (size_t i = 0; i < n; i++)
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
				blank = 0;
		if (!blank) {
			json_error_t je;
			json_t *j;
			dur_screen_case *c;
			memset(&je, 0, sizeof(je));
			j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
			if (!j) {
				rc = dur_error_set(err, DUR_EPARSE, "'%s': line %zu, column %d: %s",
						   name, line, je.column, scr_json_error_words(&je));
				goto out;
			}
			rc = batch_push(b, set, &c, name, err);
			if (!rc) {
				c->line = line;
				rc = scr_case_from_json(c, j, name, line, err);
			}
			json_decref(j);
			if (rc)
				goto out;
		}
	}
	if (b->n == 0) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': no cases", name);
		goto out;
	}
	if ((rc = batch_check_ids(b, name, err)))
		goto out;
	*out = b;
	b = NULL;
out:
	dur_screen_batch_free(b);
	return rc;
}
