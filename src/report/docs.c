/*
 * Strict readers of the two result documents the report shows besides the
 * estimate: the screening summary (src/screen/summary.c,
 * dur_screen_summary_json) and the linkage (src/link/doc.c,
 * dur_link_result_json).  Every key is checked for its type and range and
 * unknown keys are errors, naming the key path; values are never quoted
 * (a sector or a list name may say more than it should).
 */
#include "report/report_internal.h"
#include "core/jsonx.h"

#include <duress/link.h>
#include <duress/screen.h>
#include <duress/table.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAMEWORKS 64
#define MAX_SECTORS 100000
#define MAX_BINS 1000
#define MAX_COUNT 1e15

static dur_err nomem(struct dur_error *err)
{
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static dur_err bad(const struct jx *c, const char *path, const char *what)
{
	return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: %s", c->name, path, what);
}

/* A count: a whole number >= 0 (an integer, or a real with no fraction). */
static dur_err count(const struct jx *c, const json_t *o, const char *path, const char *key,
		     double *out)
{
	char p[600];
	dur_err rc = jx_number(c, o, path, key, out);
	if (rc)
		return rc;
	if (!(*out >= 0 && *out <= MAX_COUNT && floor(*out) == *out))
		return bad(c, jx_path(p, sizeof(p), path, key), "must be a whole number, 0 or more");
	return DUR_OK;
}

static dur_err format_check(const struct jx *c, const json_t *j, const char *format,
			    long long version)
{
	const char *s = NULL;
	long long v;
	dur_err rc;
	if (!json_is_object(j))
		return dur_error_set(c->err, DUR_EPARSE, "'%s': result: must be an object", c->name);
	if ((rc = jx_string(c, j, "result", "format", &s)))
		return rc;
	if (strcmp(s, format) != 0)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': result.format: must be '%s'", c->name,
				     format);
	if ((rc = jx_int(c, j, "result", "format_version", 1, 1000, &v)))
		return rc;
	if (v != version)
		return dur_error_set(c->err, DUR_EPARSE, "'%s': result.format_version: this duress "
				     "reads version %lld, not %lld", c->name, version, v);
	return DUR_OK;
}

/* ---- screening summary ------------------------------------------------------------ */

void rpt_screen_doc_free(struct rpt_screen_doc *d)
{
	if (!d)
		return;
	free(d->note);
	free(d->rounding);
	jx_free_strings(d->fw, d->nfw);
	jx_free_strings(d->ver, d->nfw);
	free(d->overall.counts);
	for (size_t i = 0; i < d->nsectors; i++) {
		free(d->sectors[i].sector);
		free(d->sectors[i].counts);
	}
	free(d->sectors);
	free(d);
}

/* NULL-terminated: jx_only reads to the NULL */
static const char *const verdict_keys[4] = { "indicated", "not_indicated",
					     "insufficient_information", NULL };

static dur_err screen_row(const struct jx *c, const struct rpt_screen_doc *d, const json_t *o,
			  const char *path, int sector, struct rpt_screen_row *row)
{
	static const char *const keys_all[] = { "cases", "counts", NULL };
	static const char *const keys_sector[] = { "cases", "counts", "sector", NULL };
	json_t *counts;
	char p[600], q[700];
	dur_err rc;

	if (!json_is_object(o))
		return bad(c, path, "must be an object");
	if ((rc = jx_only(c, o, path, sector ? keys_sector : keys_all)) ||
	    (rc = count(c, o, path, "cases", &row->cases)) ||
	    (rc = jx_object(c, o, path, "counts", &counts)))
		return rc;
	if (sector) {
		const char *s = NULL;
		if ((rc = jx_string(c, o, path, "sector", &s)))
			return rc;
		if (!(row->sector = strdup(s)))
			return nomem(c->err);
	}
	jx_path(p, sizeof(p), path, "counts");
	if (json_object_size(counts) != d->nfw)
		return bad(c, p, "must have one entry per framework");
	if (!(row->counts = calloc(3 * d->nfw + 1, sizeof(double))))
		return nomem(c->err);
	for (size_t f = 0; f < d->nfw; f++) {
		json_t *fo;
		if ((rc = jx_object(c, counts, p, d->fw[f], &fo)))
			return rc;
		snprintf(q, sizeof(q), "%s.%s", p, d->fw[f]);
		if ((rc = jx_only(c, fo, q, verdict_keys)))
			return rc;
		for (int v = 0; v < 3; v++)
			if ((rc = count(c, fo, q, verdict_keys[v], &row->counts[3 * f + (size_t)v])))
				return rc;
	}
	return DUR_OK;
}

dur_err rpt_screen_doc_read(const json_t *j, const char *name, struct rpt_screen_doc **out,
			    struct dur_error *err)
{
	static const char *const keys[] = { "format", "format_version", "cases", "note",
					    "resolution", "rounding", "frameworks", "overall",
					    "by_sector", NULL };
	struct jx c = { name ? name : "<manifest>", err };
	struct rpt_screen_doc *d;
	const char *s = NULL;
	json_t *a, *e, *o;
	long long v;
	size_t i;
	dur_err rc;
	char p[600];

	*out = NULL;
	if ((rc = format_check(&c, j, DUR_SCREEN_SUMMARY_FORMAT, DUR_SCREEN_SUMMARY_FORMAT_VERSION)) ||
	    (rc = jx_only(&c, j, "result", keys)))
		return rc;
	if (!(d = calloc(1, sizeof(*d))))
		return nomem(err);
#define TRY(x) do { if ((rc = (x)) != DUR_OK) goto fail; } while (0)
	TRY(count(&c, j, "result", "cases", &d->cases));
	TRY(jx_string(&c, j, "result", "note", &s));
	if (!(d->note = strdup(s))) {
		rc = nomem(err);
		goto fail;
	}
	TRY(jx_int(&c, j, "result", "resolution", 1, 1000000000, &v));
	d->resolution = (unsigned long)v;
	s = NULL;
	TRY(jx_string_opt(&c, j, "result", "rounding", &s));
	if (s && !(d->rounding = strdup(s))) {
		rc = nomem(err);
		goto fail;
	}
	TRY(jx_array(&c, j, "result", "frameworks", &a));
	if (json_array_size(a) < 1 || json_array_size(a) > MAX_FRAMEWORKS) {
		rc = bad(&c, "result.frameworks", "must name 1 to 64 frameworks");
		goto fail;
	}
	d->fw = calloc(json_array_size(a) + 1, sizeof(char *));
	d->ver = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!d->fw || !d->ver) {
		rc = nomem(err);
		goto fail;
	}
	json_array_foreach(a, i, e) {
		static const char *const fkeys[] = { "framework", "version", NULL };
		const char *id = NULL, *ver = NULL;
		jx_index(p, sizeof(p), "result", "frameworks", i);
		if (!json_is_object(e)) {
			rc = bad(&c, p, "must be an object");
			goto fail;
		}
		TRY(jx_only(&c, e, p, fkeys));
		TRY(jx_string(&c, e, p, "framework", &id));
		TRY(jx_string(&c, e, p, "version", &ver));
		for (size_t k = 0; k < d->nfw; k++)
			if (strcmp(d->fw[k], id) == 0) {
				rc = bad(&c, p, "a framework is listed twice");
				goto fail;
			}
		d->fw[d->nfw] = strdup(id);
		d->ver[d->nfw] = strdup(ver);
		d->nfw++;
		if (!d->fw[d->nfw - 1] || !d->ver[d->nfw - 1]) {
			rc = nomem(err);
			goto fail;
		}
	}
	TRY(jx_object(&c, j, "result", "overall", &o));
	TRY(screen_row(&c, d, o, "result.overall", 0, &d->overall));
	TRY(jx_array(&c, j, "result", "by_sector", &a));
	if (json_array_size(a) > MAX_SECTORS) {
		rc = bad(&c, "result.by_sector", "has too many sectors");
		goto fail;
	}
	if (!(d->sectors = calloc(json_array_size(a) + 1, sizeof(*d->sectors)))) {
		rc = nomem(err);
		goto fail;
	}
	json_array_foreach(a, i, e) {
		jx_index(p, sizeof(p), "result", "by_sector", i);
		d->nsectors++;
		TRY(screen_row(&c, d, e, p, 1, &d->sectors[i]));
	}
#undef TRY
	*out = d;
	return DUR_OK;
fail:
	rpt_screen_doc_free(d);
	return rc;
}

/* ---- linkage --------------------------------------------------------------------------- */

void rpt_link_doc_free(struct rpt_link_doc *d)
{
	if (!d)
		return;
	jx_free_strings(d->lists, d->nlists);
	free(d->records);
	jx_free_strings(d->table_lists, d->ntable_lists);
	free(d->patterns);
	free(d->cell_counts);
	free(d->bins);
	free(d);
}

dur_err rpt_link_doc_read(const json_t *j, const char *name, struct rpt_link_doc **out,
			  struct dur_error *err)
{
	static const char *const keys[] = { "format", "format_version", "lists", "threshold",
					    "bridge_threshold", "comparisons", "linked_pairs",
					    "people", "bridges_refused", "table", "linked_scores",
					    NULL };
	static const char *const list_keys[] = { "name", "records", NULL };
	static const char *const table_keys[] = { "lists", "cells", NULL };
	static const char *const cell_keys[] = { "pattern", "count", NULL };
	static const char *const score_keys[] = { "from", "to", "counts", NULL };
	struct jx c = { name ? name : "<manifest>", err };
	struct rpt_link_doc *d;
	json_t *a, *e, *t, *sc;
	size_t i;
	dur_err rc;
	char p[600];

	*out = NULL;
	if ((rc = format_check(&c, j, DUR_LINK_MATCH_FORMAT, DUR_LINK_MATCH_FORMAT_VERSION)) ||
	    (rc = jx_only(&c, j, "result", keys)))
		return rc;
	if (!(d = calloc(1, sizeof(*d))))
		return nomem(err);
#define TRY(x) do { if ((rc = (x)) != DUR_OK) goto fail; } while (0)
	TRY(jx_array(&c, j, "result", "lists", &a));
	if (json_array_size(a) < 2 || json_array_size(a) > 64) {
		rc = bad(&c, "result.lists", "must have 2 to 64 lists");
		goto fail;
	}
	d->lists = calloc(json_array_size(a) + 1, sizeof(char *));
	d->records = calloc(json_array_size(a) + 1, sizeof(double));
	if (!d->lists || !d->records) {
		rc = nomem(err);
		goto fail;
	}
	json_array_foreach(a, i, e) {
		const char *nm = NULL;
		jx_index(p, sizeof(p), "result", "lists", i);
		if (!json_is_object(e)) {
			rc = bad(&c, p, "must be an object");
			goto fail;
		}
		TRY(jx_only(&c, e, p, list_keys));
		TRY(jx_string(&c, e, p, "name", &nm));
		TRY(count(&c, e, p, "records", &d->records[i]));
		if (!(d->lists[i] = strdup(nm))) {
			rc = nomem(err);
			goto fail;
		}
		d->nlists++;
	}
	TRY(jx_number(&c, j, "result", "threshold", &d->threshold));
	TRY(jx_number(&c, j, "result", "bridge_threshold", &d->bridge_threshold));
	if (!(d->threshold > 0 && d->threshold <= 1)) {
		rc = bad(&c, "result.threshold", "must be above 0 and at most 1");
		goto fail;
	}
	if (!(d->bridge_threshold >= 0 && d->bridge_threshold <= 1)) {
		rc = bad(&c, "result.bridge_threshold", "must be from 0 to 1");
		goto fail;
	}
	TRY(count(&c, j, "result", "comparisons", &d->comparisons));
	TRY(count(&c, j, "result", "linked_pairs", &d->linked_pairs));
	TRY(count(&c, j, "result", "people", &d->people));
	TRY(count(&c, j, "result", "bridges_refused", &d->bridges_refused));
	TRY(jx_object(&c, j, "result", "table", &t));
	TRY(jx_only(&c, t, "result.table", table_keys));
	TRY(jx_strings(&c, t, "result.table", "lists", &d->table_lists, &d->ntable_lists));
	if (d->ntable_lists > DUR_TABLE_MAX_LISTS ||
	    (d->ntable_lists && d->ntable_lists != d->nlists)) {
		rc = bad(&c, "result.table.lists", "must be empty or name the lists of the linkage");
		goto fail;
	}
	TRY(jx_array(&c, t, "result.table", "cells", &a));
	if (!d->ntable_lists && json_array_size(a)) {
		rc = bad(&c, "result.table.cells", "must be empty when the table names no list");
		goto fail;
	}
	if (json_array_size(a) >= ((size_t)1 << d->ntable_lists)) {
		rc = bad(&c, "result.table.cells", "has more cells than there are patterns");
		goto fail;
	}
	d->patterns = calloc(json_array_size(a) + 1, sizeof(unsigned));
	d->cell_counts = calloc(json_array_size(a) + 1, sizeof(double));
	if (!d->patterns || !d->cell_counts) {
		rc = nomem(err);
		goto fail;
	}
	json_array_foreach(a, i, e) {
		const char *pat = NULL;
		unsigned pt = 0;
		jx_index(p, sizeof(p), "result.table", "cells", i);
		if (!json_is_object(e)) {
			rc = bad(&c, p, "must be an object");
			goto fail;
		}
		TRY(jx_only(&c, e, p, cell_keys));
		TRY(jx_string(&c, e, p, "pattern", &pat));
		TRY(count(&c, e, p, "count", &d->cell_counts[i]));
		if (strlen(pat) != d->ntable_lists) {
			rc = bad(&c, p, "pattern: must have one digit per list");
			goto fail;
		}
		for (size_t k = 0; k < d->ntable_lists; k++) {
			if (pat[k] != '0' && pat[k] != '1') {
				rc = bad(&c, p, "pattern: must be digits 0 or 1");
				goto fail;
			}
			pt |= (unsigned)(pat[k] == '1') << k;
		}
		if (!pt) {
			rc = bad(&c, p, "pattern: must not be all 0");
			goto fail;
		}
		for (size_t k = 0; k < i; k++)
			if (d->patterns[k] == pt) {
				rc = bad(&c, p, "pattern: appears twice");
				goto fail;
			}
		d->patterns[i] = pt;
		d->ncells++;
	}
	TRY(jx_object(&c, j, "result", "linked_scores", &sc));
	TRY(jx_only(&c, sc, "result.linked_scores", score_keys));
	TRY(jx_number(&c, sc, "result.linked_scores", "from", &d->scores_from));
	TRY(jx_number(&c, sc, "result.linked_scores", "to", &d->scores_to));
	if (!(d->scores_from >= 0 && d->scores_from < d->scores_to && d->scores_to <= 1)) {
		rc = bad(&c, "result.linked_scores", "must run from a score to a higher one, "
			 "within 0 to 1");
		goto fail;
	}
	TRY(jx_array(&c, sc, "result.linked_scores", "counts", &a));
	if (json_array_size(a) < 1 || json_array_size(a) > MAX_BINS) {
		rc = bad(&c, "result.linked_scores.counts", "must have 1 to 1000 bins");
		goto fail;
	}
	if (!(d->bins = calloc(json_array_size(a) + 1, sizeof(double)))) {
		rc = nomem(err);
		goto fail;
	}
	json_array_foreach(a, i, e) {
		double x;
		jx_index(p, sizeof(p), "result.linked_scores", "counts", i);
		if (!json_is_integer(e) || (x = (double)json_integer_value(e)) < 0 || x > MAX_COUNT) {
			rc = bad(&c, p, "must be a whole number, 0 or more");
			goto fail;
		}
		d->bins[i] = x;
		d->nbins++;
	}
#undef TRY
	*out = d;
	return DUR_OK;
fail:
	rpt_link_doc_free(d);
	return rc;
}
