/*
 * Batch summaries: how many of the same people each framework counts as
 * indicated, not indicated or undetermined, overall and per sector.
 *
 * Published aggregates must not single people out (frameworks.md 7.3, after
 * CTDC's k-synthetic releases): every count is rounded down to a multiple of
 * the reporting resolution K, so a cell under K reads as "<K".
 */
#include "screen/screen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct srow {
	char *sector;
	size_t cases;
	size_t *cnt;          /* nfw * 3 */
	size_t next;          /* hash chain, SIZE_MAX ends */
};

struct dur_screen_summary {
	size_t nfw;
	char **fw;            /* framework ids, in result order */
	char **ver;
	struct srow all;
	size_t nrow, caprow;
	struct srow *row;
	size_t *bucket;       /* hash buckets -> row index */
	size_t nbucket;
};

#define NONE ((size_t)-1)

dur_screen_summary *dur_screen_summary_alloc(void)
{
	return calloc(1, sizeof(dur_screen_summary));
}

void dur_screen_summary_free(dur_screen_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfw; i++) {
		free(s->fw[i]);
		free(s->ver[i]);
	}
	free(s->fw);
	free(s->ver);
	free(s->all.cnt);
	for (size_t i = 0; i < s->nrow; i++) {
		free(s->row[i].sector);
		free(s->row[i].cnt);
	}
	free(s->row);
	free(s->bucket);
	free(s);
}

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull & (size_t)-1;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
	return h;
}

static int rehash(dur_screen_summary *s, size_t nb)
{
	size_t *b = malloc(nb * sizeof(*b));
	if (!b)
		return -1;
	for (size_t i = 0; i < nb; i++)
		b[i] = NONE;
	for (size_t i = 0; i < s->nrow; i++) {
		size_t h = hash(s->row[i].sector) % nb;
		s->row[i].next = b[h];
		b[h] = i;
	}
	free(s->bucket);
	s->bucket = b;
	s->nbucket = nb;
	return 0;
}

static struct srow *find_row(dur_screen_summary *s, const char *sector)
{
	size_t h;

	if (s->nbucket) {
		for (size_t i = s->bucket[hash(sector) % s->nbucket]; i != NONE; i = s->row[i].next)
			if (strcmp(s->row[i].sector, sector) == 0)
				return &s->row[i];
	}
	if (s->nrow == s->caprow) {
		size_t nc = s->caprow ? 2 * s->caprow : 16;
		struct srow *nr = realloc(s->row, nc * sizeof(*nr));
		if (!nr)
			return NULL;
		s->row = nr;
		s->caprow = nc;
	}
	memset(&s->row[s->nrow], 0, sizeof(s->row[0]));
	s->row[s->nrow].sector = scr_strdup(sector);
	s->row[s->nrow].cnt = calloc(3 * s->nfw, sizeof(size_t));
	if (!s->row[s->nrow].sector || !s->row[s->nrow].cnt) {
		free(s->row[s->nrow].sector);
		free(s->row[s->nrow].cnt);
		return NULL;
	}
	s->nrow++;
	if (s->nrow > s->nbucket) {
		if (rehash(s, 4 * s->nrow) != 0) {
			s->nrow--;
			free(s->row[s->nrow].sector);
			free(s->row[s->nrow].cnt);
			return NULL;
		}
	} else {
		h = hash(sector) % s->nbucket;
		s->row[s->nrow - 1].next = s->bucket[h];
		s->bucket[h] = s->nrow - 1;
	}
	return &s->row[s->nrow - 1];
}

dur_err dur_screen_summary_add(dur_screen_summary *s, const dur_screen_case *c,
			       const dur_screen_result *r, struct dur_error *err)
{
	size_t n = dur_screen_result_count(r);
	const char *sector = c && c->sector && *c->sector ? c->sector : "(not recorded)";
	struct srow *row;

	if (s->nfw == 0) {
		s->fw = calloc(n + 1, sizeof(*s->fw));
		s->ver = calloc(n + 1, sizeof(*s->ver));
		s->all.cnt = calloc(3 * n + 1, sizeof(size_t));
		if (!s->fw || !s->ver || !s->all.cnt)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			const struct dur_screen_outcome *o = dur_screen_result_outcome(r, i);
			s->fw[i] = scr_strdup(o->framework);
			s->ver[i] = scr_strdup(o->version);
			s->nfw++;
			if (!s->fw[i] || !s->ver[i])
				return dur_error_set(err, DUR_ENOMEM, "out of memory");
		}
	}
	if (n != s->nfw)
		return dur_error_set(err, DUR_EINVAL, "a summary needs the same frameworks for "
				     "every case");
	for (size_t i = 0; i < n; i++)
		if (strcmp(dur_screen_result_outcome(r, i)->framework, s->fw[i]) != 0)
			return dur_error_set(err, DUR_EINVAL, "a summary needs the same frameworks "
					     "for every case");
	if (!(row = find_row(s, sector)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	s->all.cases++;
	row->cases++;
	for (size_t i = 0; i < n; i++) {
		enum dur_screen_verdict v = dur_screen_result_outcome(r, i)->verdict;
		s->all.cnt[3 * i + v]++;
		row->cnt[3 * i + v]++;
	}
	return DUR_OK;
}

static size_t round_down(size_t x, unsigned long k)
{
	return x - x % k;
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp((*(const struct srow *const *)a)->sector,
		      (*(const struct srow *const *)b)->sector);
}

static const struct srow **sorted_rows(const dur_screen_summary *s)
{
	const struct srow **p = malloc((s->nrow + 1) * sizeof(*p));
	if (!p)
		return NULL;
	for (size_t i = 0; i < s->nrow; i++)
		p[i] = &s->row[i];
	if (s->nrow)
		qsort(p, s->nrow, sizeof(*p), cmp_row);
	return p;
}

static json_t *row_json(const dur_screen_summary *s, const struct srow *r, unsigned long k)
{
	json_t *j = json_object(), *c = json_object();

	json_object_set_new(j, "cases", json_integer((json_int_t)round_down(r->cases, k)));
	for (size_t i = 0; i < s->nfw; i++) {
		json_t *f = json_object();
		for (int v = DUR_SCREEN_INDICATED; v >= DUR_SCREEN_NOT_INDICATED; v--)
			json_object_set_new(f, dur_screen_verdict_name((enum dur_screen_verdict)v),
					    json_integer((json_int_t)round_down(r->cnt[3 * i + (size_t)v], k)));
		json_object_set_new(c, s->fw[i], f);
	}
	json_object_set_new(j, "counts", c);
	return j;
}

json_t *dur_screen_summary_json(const dur_screen_summary *s, unsigned long resolution,
				 struct dur_error *err)
{
	const struct srow **rows;
	json_t *j, *a;

	if (resolution < 1) {
		dur_error_set(err, DUR_EINVAL, "the resolution must be at least 1");
		return NULL;
	}
	if (!(rows = sorted_rows(s)) || !(j = json_object())) {
		free(rows);
		dur_error_set(err, DUR_ENOMEM, "out of memory");
		return NULL;
	}
	json_object_set_new(j, "format", json_string(DUR_SCREEN_SUMMARY_FORMAT));
	json_object_set_new(j, "format_version", json_integer(DUR_SCREEN_SUMMARY_FORMAT_VERSION));
	json_object_set_new(j, "cases", json_integer((json_int_t)round_down(s->all.cases,
								    resolution)));
	json_object_set_new(j, "note", json_string(
		"the same people counted under each framework's definition; a screening guides "
		"next steps and is not a legal finding"));
	json_object_set_new(j, "resolution", json_integer((json_int_t)resolution));
	if (resolution > 1)
		json_object_set_new(j, "rounding", json_string(
			"every count is rounded down to a multiple of the resolution; 0 means "
			"fewer than the resolution"));
	a = json_array();
	for (size_t i = 0; i < s->nfw; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "framework", json_string(s->fw[i]));
		json_object_set_new(f, "version", json_string(s->ver[i]));
		json_array_append_new(a, f);
	}
	json_object_set_new(j, "frameworks", a);
	json_object_set_new(j, "overall", row_json(s, &s->all, resolution));
	a = json_array();
	for (size_t i = 0; i < s->nrow; i++) {
		json_t *r = row_json(s, rows[i], resolution);
		json_object_set_new(r, "sector", json_string(rows[i]->sector));
		json_array_append_new(a, r);
	}
	json_object_set_new(j, "by_sector", a);
	free(rows);
	return j;
}

dur_err dur_screen_summary_to_json(const dur_screen_summary *s, unsigned long resolution,
				   int indent, char **out, struct dur_error *err)
{
	json_t *j = dur_screen_summary_json(s, resolution, err);
	dur_err rc;
	*out = NULL;
	if (!j)
		return err && err->code ? err->code : DUR_ENOMEM;
	rc = scr_json_dump(j, indent, out, err);
	json_decref(j);
	return rc;
}

static void cell(struct dur_buf *b, size_t x, unsigned long k, int width)
{
	char t[32];
	if (k > 1 && x < k)
		snprintf(t, sizeof(t), "<%lu", k);
	else
		snprintf(t, sizeof(t), "%zu", round_down(x, k));
	dur_buf_printf(b, "%*s", width, t);
}

static void row_text(struct dur_buf *b, const dur_screen_summary *s, const struct srow *r,
		     unsigned long k)
{
	dur_buf_printf(b, "  %-14s %10s %14s %13s\n", "framework", "indicated", "not indicated",
		       "not enough");
	for (size_t i = 0; i < s->nfw; i++) {
		dur_buf_printf(b, "  %-14s ", s->fw[i]);
		cell(b, r->cnt[3 * i + DUR_SCREEN_INDICATED], k, 10);
		dur_buf_puts(b, " ");
		cell(b, r->cnt[3 * i + DUR_SCREEN_NOT_INDICATED], k, 14);
		dur_buf_puts(b, " ");
		cell(b, r->cnt[3 * i + DUR_SCREEN_INSUFFICIENT], k, 13);
		dur_buf_puts(b, "\n");
	}
}

dur_err dur_screen_summary_to_text(const dur_screen_summary *s, unsigned long resolution,
				   char **out, struct dur_error *err)
{
	struct dur_buf b = { 0 };
	const struct srow **rows;
	char t[32];

	*out = NULL;
	if (resolution < 1)
		return dur_error_set(err, DUR_EINVAL, "the resolution must be at least 1");
	if (!(rows = sorted_rows(s)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	dur_buf_puts(&b, "Screening summary: the same people, counted under each framework's "
		     "definition.\nA screening guides next steps; these are not counts of legal "
		     "findings.\n");
	if (resolution > 1)
		dur_buf_printf(&b, "Counts are rounded down to a multiple of %lu; \"<%lu\" means "
			       "fewer than %lu.\n", resolution, resolution, resolution);
	if (resolution > 1 && s->all.cases < resolution)
		snprintf(t, sizeof(t), "<%lu", resolution);
	else
		snprintf(t, sizeof(t), "%zu", round_down(s->all.cases, resolution));
	dur_buf_printf(&b, "\nAll cases (%s)\n", t);
	row_text(&b, s, &s->all, resolution);
	for (size_t i = 0; i < s->nrow; i++) {
		if (resolution > 1 && rows[i]->cases < resolution)
			snprintf(t, sizeof(t), "<%lu", resolution);
		else
			snprintf(t, sizeof(t), "%zu", round_down(rows[i]->cases, resolution));
		dur_buf_puts(&b, "\nSector \"");
		dur_buf_put_clean(&b, rows[i]->sector);
		dur_buf_printf(&b, "\" (%s)\n", t);
		row_text(&b, s, rows[i], resolution);
	}
	free(rows);
	return dur_buf_finish(&b, out, err);
}
