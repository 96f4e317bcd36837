/*
 * CSV reader on top of libcsv; see include/duress/csv.h.
 *
 * Line numbers: libcsv's callbacks do not know lines, so the buffer is fed
 * one physical line at a time and a record's start line is the line of
 * the first non-blank chunk fed while no record was open.
 */
#include <duress/csv.h>

#include <csv.h>
#include <stdlib.h>
#include <string.h>

struct dur_csv_params dur_csv_default_params(void)
{
	struct dur_csv_params p;
	p.max_records = 50000000;
	p.max_fields = 4096;
	p.max_field_bytes = 1u << 20;
	p.delim = ',';
	return p;
}

/* What is fed to libcsv at a time within a line, so that the length of an
 * open field is checked at least this often. */
#define CSV_PIECE (64 * 1024)
/* Kinds of limit, beside DUR_ENOMEM and DUR_ELIMIT (records). */
#define DUR_ELIMIT_FIELD 1001
#define DUR_ELIMIT_FIELDS 1002

struct builder {
	struct dur_csv *csv;
	size_t cap_rec;
	size_t cur_cap;               /* capacity of the open record's fields */
	struct dur_csv_record cur;    /* the open record */
	size_t line;                  /* line being fed */
	int in_record;
	int failed;                   /* DUR_ENOMEM, DUR_ELIMIT or DUR_ELIMIT_FIELD(S) */
	const struct dur_csv_params *p;
};

static void free_record(struct dur_csv_record *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		free(r->field[i]);
	free(r->field);
	r->field = NULL;
	r->nfields = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct builder *b = data;
	char *f;

	if (b->failed)
		return;
	if (len > b->p->max_field_bytes) {
		b->failed = DUR_ELIMIT_FIELD;
		return;
	}
	if (b->cur.nfields >= b->p->max_fields) {
		b->failed = DUR_ELIMIT_FIELDS;
		return;
	}
	if (b->cur.nfields == b->cur_cap) {
		size_t nc = b->cur_cap ? 2 * b->cur_cap : 16;
		char **nf = realloc(b->cur.field, nc * sizeof(*nf));
		if (!nf) {
			b->failed = DUR_ENOMEM;
			return;
		}
		b->cur.field = nf;
		b->cur_cap = nc;
	}
	f = malloc(len + 1);
	if (!f) {
		b->failed = DUR_ENOMEM;
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	b->cur.field[b->cur.nfields++] = f;
}

static void on_record(int c, void *data)
{
	struct builder *b = data;
	struct dur_csv *csv = b->csv;

	(void)c;
	b->in_record = 0;
	if (b->failed) {
		free_record(&b->cur);
		b->cur_cap = 0;
		return;
	}
	if (csv->nrec >= b->p->max_records) {
		b->failed = DUR_ELIMIT;
		free_record(&b->cur);
		b->cur_cap = 0;
		return;
	}
	if (csv->nrec == b->cap_rec) {
		size_t nc = b->cap_rec ? 2 * b->cap_rec : 64;
		struct dur_csv_record *nr = realloc(csv->rec, nc * sizeof(*nr));
		if (!nr) {
			b->failed = DUR_ENOMEM;
			free_record(&b->cur);
			b->cur_cap = 0;
			return;
		}
		csv->rec = nr;
		b->cap_rec = nc;
	}
	csv->rec[csv->nrec++] = b->cur;
	b->cur.field = NULL;
	b->cur.nfields = 0;
	b->cur_cap = 0;
}

dur_err dur_utf8_check(const char *buf, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;

		if (c == 0)
			goto fail;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			goto fail;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			goto fail;
		i += n + 1;
	}
	return DUR_OK;
fail:
	if (bad)
		*bad = i;
	return DUR_EPARSE;
}

static size_t line_of(const char *buf, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (buf[i] == '\n')
			line++;
	return line;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

dur_err dur_csv_parse(const char *buf, size_t len, const char *name,
		      const struct dur_csv_params *params,
		      struct dur_csv **out, struct dur_error *err)
{
	struct dur_csv_params defp = dur_csv_default_params();
	struct csv_parser parser;
	struct builder b;
	struct dur_csv *csv = NULL;
	int parser_ready = 0;
	size_t pos = 0, bad = 0;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (!name)
		name = "<input>";
	if (!params)
		params = &defp;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (dur_utf8_check(buf, len, &bad) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE,
				     "'%s' line %zu: %s (save the file as UTF-8 text)",
				     name, line_of(buf, bad),
				     buf[bad] ? "bytes that are not UTF-8" : "a NUL byte");

	csv = calloc(1, sizeof(*csv));
	if (!csv)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	memset(&b, 0, sizeof(b));
	b.csv = csv;
	b.p = params;
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	parser_ready = 1;
	csv_set_delim(&parser, params->delim);

	/* libcsv grows a field's buffer by blk_size at a time: with the default
	 * of 128 bytes a long field costs quadratic time before any limit is
	 * seen.  A larger block, and a look at the field's length after every
	 * piece fed, keep the work linear and stop at the limit. */
	csv_set_blk_size(&parser, 64 * 1024);
	b.line = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;

		b.line++;
		if (!b.in_record && !is_blank(buf + pos, n)) {
			b.in_record = 1;
			b.cur.line = b.line;
		}
		for (size_t off = 0; off < n;) {
			size_t piece = n - off < CSV_PIECE ? n - off : CSV_PIECE;
			if (csv_parse(&parser, buf + pos + off, piece, on_field, on_record, &b) !=
			    piece) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line %zu: malformed CSV (%s)", name,
						   b.in_record ? b.cur.line : b.line,
						   csv_strerror(csv_error(&parser)));
				goto out;
			}
			if (parser.entry_pos > params->max_field_bytes)
				b.failed = DUR_ELIMIT_FIELD;
			if (b.failed)
				break;
			off += piece;
		}
		if (b.failed)
			break;
		/* a header of one field holding ';' or tabs: another separator */
		if (csv->nrec == 1 && b.line == 1 && params->delim == ',' &&
		    csv->rec[0].nfields == 1) {
			const char *h = csv->rec[0].field[0];
			char sep = strchr(h, ';') ? ';' : strchr(h, '\t') ? '\t' : 0;
			if (sep) {
				rc = dur_error_set(err, DUR_EPARSE,
						   "'%s' line 1: this file seems to use %s between values, "
						   "not commas: save it as CSV with commas, or choose %s as "
						   "the separator", name, sep == ';' ? "';'" : "tabs",
						   sep == ';' ? "';'" : "tab");
				goto out;
			}
		}
		pos += n;
	}
	if (!b.failed && csv_fini(&parser, on_field, on_record, &b) != 0) {
		rc = dur_error_set(err, DUR_EPARSE,
				   "'%s' line %zu: malformed CSV (%s)", name,
				   b.cur.line ? b.cur.line : b.line,
				   csv_error(&parser) == CSV_EPARSE
				   ? "a quoted field is never closed"
				   : csv_strerror(csv_error(&parser)));
		goto out;
	}
	if (b.failed == DUR_ENOMEM) {
		rc = dur_error_set(err, DUR_ENOMEM, "'%s': out of memory", name);
		goto out;
	}
	if (b.failed == DUR_ELIMIT_FIELD) {
		rc = dur_error_set(err, DUR_ELIMIT, "'%s' line %zu: a field is longer than the "
				   "limit of %zu bytes", name, b.in_record ? b.cur.line : b.line,
				   params->max_field_bytes);
		goto out;
	}
	if (b.failed == DUR_ELIMIT_FIELDS) {
		rc = dur_error_set(err, DUR_ELIMIT, "'%s' line %zu: more fields than the limit of "
				   "%zu per record", name, b.in_record ? b.cur.line : b.line,
				   params->max_fields);
		goto out;
	}
	if (b.failed == DUR_ELIMIT) {
		rc = dur_error_set(err, DUR_ELIMIT, "'%s' line %zu: more records than the limit "
				   "of %zu", name, b.line, params->max_records);
		goto out;
	}
	if (csv->nrec == 0) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': the file is empty", name);
		goto out;
	}
	*out = csv;
	csv = NULL;
out:
	free_record(&b.cur);
	if (parser_ready)
		csv_free(&parser);
	dur_csv_free(csv);
	return rc;
}

void dur_csv_free(struct dur_csv *csv)
{
	if (!csv)
		return;
	for (size_t i = 0; i < csv->nrec; i++)
		free_record(&csv->rec[i]);
	free(csv->rec);
	free(csv);
}

long dur_csv_column(const struct dur_csv *csv, const char *name)
{
	if (!csv || csv->nrec == 0)
		return -1;
	for (size_t i = 0; i < csv->rec[0].nfields; i++)
		if (strcmp(csv->rec[0].field[i], name) == 0)
			return (long)i;
	return -1;
}
