/*
 * Capture tables: allocation, the two CSV forms, cleaning, writing.
 */
#include <duress/table.h>
#include <duress/csv.h>
#include "core/dupcheck.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dur_table *dur_table_alloc(int k)
{
	struct dur_table *t;

	if (k < 1 || k > DUR_TABLE_MAX_LISTS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->k = k;
	t->ncells = 1u << k;
	t->names = calloc((size_t)k, sizeof(char *));
	t->count = calloc(t->ncells, sizeof(double));
	if (!t->names || !t->count)
		goto fail;
	for (int i = 0; i < k; i++) {
		char buf[16];
		snprintf(buf, sizeof(buf), "L%d", i + 1);
		t->names[i] = strdup(buf);
		if (!t->names[i])
			goto fail;
	}
	return t;
fail:
	dur_table_free(t);
	return NULL;
}

void dur_table_free(struct dur_table *t)
{
	if (!t)
		return;
	if (t->names)
		for (int i = 0; i < t->k; i++)
			free(t->names[i]);
	free(t->names);
	free(t->count);
	free(t);
}

struct dur_table *dur_table_clone(const struct dur_table *t)
{
	struct dur_table *c = dur_table_alloc(t->k);
	if (!c)
		return NULL;
	for (int i = 0; i < t->k; i++)
		if (dur_table_set_name(c, i, t->names[i]) != DUR_OK) {
			dur_table_free(c);
			return NULL;
		}
	memcpy(c->count, t->count, t->ncells * sizeof(double));
	return c;
}

dur_err dur_table_set_name(struct dur_table *t, int i, const char *name)
{
	char *s = strdup(name);
	if (!s)
		return DUR_ENOMEM;
	free(t->names[i]);
	t->names[i] = s;
	return DUR_OK;
}

double dur_table_observed(const struct dur_table *t)
{
	double n = 0;
	for (unsigned c = 1; c < t->ncells; c++)
		n += t->count[c];
	return n;
}

int dur_table_list_index(const struct dur_table *t, const char *name)
{
	for (int i = 0; i < t->k; i++)
		if (strcmp(t->names[i], name) == 0)
			return i;
	return -1;
}

void dur_table_set_free(struct dur_table_set *s)
{
	if (!s)
		return;
	dur_table_free(s->total);
	for (size_t i = 0; i < s->nstrata; i++) {
		free(s->label[i]);
		dur_table_free(s->stratum[i]);
	}
	free(s->label);
	free(s->stratum);
	free(s);
}

/* "0" or "1" -> 0/1; anything else -> -1. */
static int parse_bit(const char *s)
{
	if (s[0] == '0' && s[1] == '\0')
		return 0;
	if (s[0] == '1' && s[1] == '\0')
		return 1;
	return -1;
}

/*
 * A count: digits, optionally followed by ".0..." (spreadsheets write 12.0).
 * Returns 0 and the value, or a negative code: -1 not a number, -2 negative,
 * -3 fractional, -4 too large.
 */
static int parse_count(const char *s, double *v)
{
	const char *p = s;
	double x = 0;
	int digits = 0;

	if (*p == '-') {
		p++;
		if (isdigit((unsigned char)*p))
			return -2;
		return -1;
	}
	if (*p == '+')
		p++;
	while (isdigit((unsigned char)*p)) {
		x = x * 10 + (*p - '0');
		if (x > 1e300)
			x = 1e300;
		p++;
		digits++;
	}
	if (!digits)
		return -1;
	if (*p == '.') {
		p++;
		while (*p == '0')
			p++;
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			return *p ? -1 : -3;
		}
	}
	if (*p)
		return -1;
	if (x > DUR_TABLE_MAX_COUNT)
		return -4;
	*v = x;
	return 0;
}

/* Does the comma-separated list `csl` contain `name`? */
static int csl_has(const char *csl, const char *name)
{
	size_t n = strlen(name);
	const char *p = csl;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int find_label(struct dur_table_set *s, const char *lab)
{
	for (size_t i = 0; i < s->nstrata; i++)
		if (strcmp(s->label[i], lab) == 0)
			return (int)i;
	return -1;
}

static dur_err add_stratum(struct dur_table_set *s, const char *lab, int k,
			   const struct dur_table *like, int *idx)
{
	char **nl = realloc(s->label, (s->nstrata + 1) * sizeof(*nl));
	struct dur_table **nt;

	if (!nl)
		return DUR_ENOMEM;
	s->label = nl;
	nt = realloc(s->stratum, (s->nstrata + 1) * sizeof(*nt));
	if (!nt)
		return DUR_ENOMEM;
	s->stratum = nt;
	s->label[s->nstrata] = strdup(lab);
	s->stratum[s->nstrata] = dur_table_alloc(k);
	if (!s->label[s->nstrata] || !s->stratum[s->nstrata]) {
		free(s->label[s->nstrata]);
		dur_table_free(s->stratum[s->nstrata]);
		return DUR_ENOMEM;
	}
	for (int i = 0; i < k; i++)
		if (dur_table_set_name(s->stratum[s->nstrata], i, like->names[i]) != DUR_OK) {
			free(s->label[s->nstrata]);
			dur_table_free(s->stratum[s->nstrata]);
			return DUR_ENOMEM;
		}
	*idx = (int)s->nstrata++;
	return DUR_OK;
}

dur_err dur_table_read_csv(const char *buf, size_t len, const char *name,
			   const struct dur_table_read_params *params,
			   struct dur_table_set **out, struct dur_error *err)
{
	struct dur_table_read_params defp = { NULL, NULL, 0 };
	struct dur_csv *csv = NULL;
	struct dur_table_set *set = NULL;
	struct dur_csv_record *hdr;
	int *listcol = NULL;      /* header index of each list */
	size_t *firstline = NULL; /* aggregated form: line of each pattern */
	long countcol = -1, idcol = -1, bycol = -1;
	struct dur_dupcheck *ids = NULL;
	struct dur_dupcheck *patseen = NULL;  /* capture table with strata */
	char (*pkeys)[24] = NULL;
	int k = 0;
	dur_err rc;

	*out = NULL;
	if (!name)
		name = "<input>";
	if (!params)
		params = &defp;
	{
		struct dur_csv_params cp = dur_csv_default_params();
		if (params && params->delim)
			cp.delim = (unsigned char)params->delim;
		rc = dur_csv_parse(buf, len, name, &cp, &csv, err);
	}
	if (rc != DUR_OK)
		return rc;
	hdr = &csv->rec[0];
	for (size_t i = 0; i < hdr->nfields; i++) {
		if (hdr->field[i][0] == '\0') {
			rc = dur_error_set(err, DUR_EPARSE,
					   "'%s' line %zu: column %zu has no name", name,
					   hdr->line, i + 1);
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(hdr->field[i], hdr->field[j]) == 0) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu: column '%s' appears twice",
						   name, hdr->line, hdr->field[i]);
				goto out;
			}
	}
	countcol = dur_csv_column(csv, "count");
	idcol = dur_csv_column(csv, "id");
	if (params->by) {
		bycol = dur_csv_column(csv, params->by);
		if (bycol < 0) {
			rc = dur_error_set(err, DUR_EPARSE,
					   "'%s' line %zu: there is no column '%s' to split by",
					   name, hdr->line, params->by);
			goto out;
		}
	}
	if (params->lists) {
		/* every named list must exist */
		const char *p = params->lists;
		while (p && *p) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			char nm[256];
			if (l >= sizeof(nm))
				l = sizeof(nm) - 1;
			memcpy(nm, p, l);
			nm[l] = '\0';
			if (dur_csv_column(csv, nm) < 0) {
				rc = dur_error_set(err, DUR_EINVAL,
						   "'%s': there is no list column '%s'", name, nm);
				goto out;
			}
			p = e ? e + 1 : NULL;
		}
	}
	listcol = malloc(hdr->nfields * sizeof(int));
	if (!listcol) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < hdr->nfields; i++) {
		long li = (long)i;
		if (li == countcol || li == bycol || (countcol < 0 && li == idcol))
			continue;
		/* how sure a person's links are (link match --histories-weakest): a
		 * figure about the linkage, not a list */
		if (countcol < 0 && strcmp(hdr->field[i], "link_weakest") == 0)
			continue;
		if (params->lists && !csl_has(params->lists, hdr->field[i])) {
			if (countcol >= 0) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu: unknown column '%s' in a capture table",
						   name, hdr->line, hdr->field[i]);
				goto out;
			}
			continue;
		}
		listcol[k++] = (int)i;
	}
	if (k < DUR_TABLE_MIN_LISTS) {
		rc = dur_error_set(err, DUR_EDATA,
				   "'%s' line %zu: %d list column%s found; estimation needs at least two lists",
				   name, hdr->line, k, k == 1 ? "" : "s");
		goto out;
	}
	if (k > DUR_TABLE_MAX_LISTS) {
		rc = dur_error_set(err, DUR_EDATA,
				   "'%s' line %zu: %d list columns; duress handles at most %d lists "
				   "(choose the list columns to use)",
				   name, hdr->line, k, DUR_TABLE_MAX_LISTS);
		goto out;
	}
	set = calloc(1, sizeof(*set));
	if (!set || !(set->total = dur_table_alloc(k))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	set->individual = countcol < 0;
	for (int i = 0; i < k; i++)
		if (dur_table_set_name(set->total, i, hdr->field[listcol[i]]) != DUR_OK) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
	if (countcol >= 0 && bycol >= 0) {
		/* a capture table with a stratum column (one table per region,
		 * per linkage draw): each pattern once per stratum, checked on
		 * "stratum/pattern" keys */
		pkeys = malloc(csv->nrec * sizeof(*pkeys));
		if (!pkeys || !(patseen = dur_dupcheck_alloc(csv->nrec))) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
	} else if (countcol >= 0) {
		firstline = calloc(set->total->ncells, sizeof(size_t));
		if (!firstline) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (countcol < 0 && idcol >= 0 && !(ids = dur_dupcheck_alloc(csv->nrec))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t r = 1; r < csv->nrec; r++) {
		struct dur_csv_record *rec = &csv->rec[r];
		unsigned pat = 0;
		double v = 1;
		int s = -1;

		if (rec->nfields != hdr->nfields) {
			rc = dur_error_set(err, DUR_EPARSE,
					   "'%s' line %zu: %zu field%s, but the header has %zu",
					   name, rec->line, rec->nfields,
					   rec->nfields == 1 ? "" : "s", hdr->nfields);
			goto out;
		}
		for (int i = 0; i < k; i++) {
			const char *f = rec->field[listcol[i]];
			int b = parse_bit(f);
			if (b < 0) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu, column '%s': %s; a list column "
						   "holds 1 (on the list) or 0 (not on it)%s",
						   name, rec->line, hdr->field[listcol[i]],
						   f[0] ? "the value is not 0 or 1" : "the value is empty",
						   set->individual && !params->by && !params->lists
						   ? " (if it is not a list, name it as the stratum column, "
						     "or choose the list columns)" : "");
				goto out;
			}
			pat |= (unsigned)b << i;
		}
		if (ids && rec->field[idcol][0]) {
			/* a person twice would be counted twice: refuse, naming both
			 * lines (never the id itself) */
			size_t first = dur_dupcheck_add(ids, rec->field[idcol], rec->line);
			if (first == (size_t)-1) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			if (first) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu, column 'id': the same id as line %zu; "
						   "each person is one row (merge the two rows, or give "
						   "them different ids)", name, rec->line, first);
				goto out;
			}
		}
		if (countcol >= 0) {
			const char *f = rec->field[countcol];
			int pc = parse_count(f, &v);
			if (pc < 0) {
				static const char *why[] = {
					"", "is not a whole number", "is negative",
					"is not a whole number (a count of people)",
					"is absurdly large (over 1,000,000,000)"
				};
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu, column 'count': the value %s",
						   name, rec->line, f[0] ? why[-pc] : "is empty");
				goto out;
			}
		}
		if (pat == 0) {
			rc = dur_error_set(err, DUR_EPARSE,
					   "'%s' line %zu: %s is on no list; the number of people "
					   "on no list is what is estimated, so it cannot be in the data",
					   name, rec->line,
					   countcol >= 0 ? "the all-zero pattern" : "this person");
			goto out;
		}
		if (bycol >= 0) {
			const char *lab = rec->field[bycol][0] ? rec->field[bycol] : "(blank)";
			s = find_label(set, lab);
			if (s < 0 && add_stratum(set, lab, k, set->total, &s) != DUR_OK) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
		}
		if (patseen) {
			size_t first;
			snprintf(pkeys[r], sizeof(pkeys[r]), "%d/%u", s, pat);
			first = dur_dupcheck_add(patseen, pkeys[r], rec->line);
			if (first == (size_t)-1) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			if (first) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu: the same capture pattern and '%s' as "
						   "line %zu; each pattern may appear once in each",
						   name, rec->line, hdr->field[bycol], first);
				goto out;
			}
		} else if (countcol >= 0) {
			if (firstline[pat]) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu: the same capture pattern as line %zu; "
						   "each pattern may appear once",
						   name, rec->line, firstline[pat]);
				goto out;
			}
			firstline[pat] = rec->line;
		}
		if (set->total->count[pat] + v > DUR_TABLE_MAX_COUNT) {
			rc = dur_error_set(err, DUR_ELIMIT,
					   "'%s' line %zu: more than 1,000,000,000 people with one pattern",
					   name, rec->line);
			goto out;
		}
		set->total->count[pat] += v;
		if (bycol >= 0)
			set->stratum[s]->count[pat] += v;
		set->rows++;
	}
	if (set->rows == 0 || dur_table_observed(set->total) == 0) {
		rc = dur_error_set(err, DUR_EDATA, "'%s': no one is in the data (%s)", name,
				   set->rows ? "every count is 0" : "the file has only a header");
		goto out;
	}
	*out = set;
	set = NULL;
out:
	dur_dupcheck_free(ids);
	dur_dupcheck_free(patseen);
	free(pkeys);
	free(listcol);
	free(firstline);
	dur_csv_free(csv);
	dur_table_set_free(set);
	return rc;
}

/* Remove list `drop` from the table: patterns are projected, and people
 * left on no list leave the observed data. */
static struct dur_table *table_drop_list(const struct dur_table *t, int drop)
{
	struct dur_table *n = dur_table_alloc(t->k - 1);
	if (!n)
		return NULL;
	for (int i = 0, j = 0; i < t->k; i++) {
		if (i == drop)
			continue;
		if (dur_table_set_name(n, j++, t->names[i]) != DUR_OK) {
			dur_table_free(n);
			return NULL;
		}
	}
	for (unsigned c = 1; c < t->ncells; c++) {
		unsigned low = c & ((1u << drop) - 1);
		unsigned high = (c >> (drop + 1)) << drop;
		unsigned nc = low | high;
		if (nc)
			n->count[nc] += t->count[c];
	}
	return n;
}

dur_err dur_table_clean(struct dur_table **tp, struct dur_strlist *warnings,
			struct dur_error *err)
{
	struct dur_table *t = *tp;
	int changed = 1;

	while (changed && t->k >= 2) {
		double n = dur_table_observed(t);
		changed = 0;
		for (int i = 0; i < t->k && !changed; i++) {
			double on = 0, only = 0;
			for (unsigned c = 1; c < t->ncells; c++)
				if (c & (1u << i))
					on += t->count[c];
			only = t->count[1u << i];
			if (on == 0 || on == n) {
				struct dur_table *nt;
				if (warnings) {
					if (on == 0)
						dur_strlist_addf(warnings,
							"list '%s' has nobody on it and carries no "
							"information: it was left out", t->names[i]);
					else
						dur_strlist_addf(warnings,
							"list '%s' has every observed person on it and "
							"carries no information: it was left out, and the "
							"%.0f people seen only on it count among those the "
							"other lists did not see", t->names[i], only);
				}
				if (t->k == 2) {
					return dur_error_set(err, DUR_EDATA,
						"list '%s' %s, which leaves fewer than two lists to "
						"estimate from", t->names[i],
						on == 0 ? "has nobody on it" : "has every observed person on it");
				}
				nt = table_drop_list(t, i);
				if (!nt)
					return dur_error_set(err, DUR_ENOMEM, "out of memory");
				dur_table_free(t);
				*tp = t = nt;
				changed = 1;
			}
		}
		for (int i = 0; i < t->k && !changed; i++)
			for (int j = i + 1; j < t->k && !changed; j++) {
				double differ = 0;
				for (unsigned c = 1; c < t->ncells; c++)
					if (((c >> i) & 1u) != ((c >> j) & 1u))
						differ += t->count[c];
				if (differ == 0) {
					struct dur_table *nt;
					char *merged;
					size_t l = strlen(t->names[i]) + strlen(t->names[j]) + 2;
					if (t->k == 2)
						return dur_error_set(err, DUR_EDATA,
							"lists '%s' and '%s' hold exactly the same people, "
							"which leaves fewer than two lists to estimate from",
							t->names[i], t->names[j]);
					merged = malloc(l);
					if (!merged)
						return dur_error_set(err, DUR_ENOMEM, "out of memory");
					snprintf(merged, l, "%s+%s", t->names[i], t->names[j]);
					if (warnings)
						dur_strlist_addf(warnings,
							"lists '%s' and '%s' hold exactly the same people: "
							"they were merged into one list '%s'",
							t->names[i], t->names[j], merged);
					nt = table_drop_list(t, j);
					if (!nt || dur_table_set_name(nt, i, merged) != DUR_OK) {
						free(merged);
						dur_table_free(nt);
						return dur_error_set(err, DUR_ENOMEM, "out of memory");
					}
					free(merged);
					dur_table_free(t);
					*tp = t = nt;
					changed = 1;
				}
			}
	}
	return DUR_OK;
}

static void put_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") || s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ')) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

dur_err dur_table_write_csv(const struct dur_table *t, FILE *f, struct dur_error *err)
{
	for (int i = 0; i < t->k; i++) {
		put_field(f, t->names[i]);
		fputc(',', f);
	}
	fputs("count\n", f);
	/* Rows by number of lists, then in descending order of the 0/1 string
	 * (as in the published reference files): r reads list 0 as its
	 * highest bit. */
	for (int m = 1; m <= t->k; m++)
		for (unsigned r = t->ncells - 1; r >= 1; r--) {
			unsigned c = 0;
			for (int i = 0; i < t->k; i++)
				if (r & (1u << (t->k - 1 - i)))
					c |= 1u << i;
			if (__builtin_popcount(c) != m || t->count[c] == 0)
				continue;
			for (int i = 0; i < t->k; i++)
				fprintf(f, "%d,", (int)((c >> i) & 1u));
			fprintf(f, "%.0f\n", t->count[c]);
		}
	if (ferror(f))
		return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
	return DUR_OK;
}
