/*
 * Message catalogues from gettext PO files; see include/duress/i18n.h.
 * The parser is strict (every error names the line) and bounded: a
 * catalogue is a few thousand entries, so caps keep a hostile file from
 * costing more than a few megabytes.
 */
#include <duress/i18n.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PO_MAX_BYTES ((size_t)8 << 20)
#define PO_MAX_ENTRIES 100000
#define PO_MAX_PLURALS 4

/* The catalogues compiled in (generated from po/<lang>.po by the build). */
struct dur_builtin_po {
	const char *lang;
	const char *text;
	size_t len;
};
extern const struct dur_builtin_po dur_builtin_po[];
extern const size_t dur_builtin_npo;
extern const char *const dur_builtin_langs[];

struct entry {
	char *key;                    /* msgctxt "\004" msgid, or msgid */
	char *str[PO_MAX_PLURALS];    /* msgstr or msgstr[i] */
	int nstr;
};

struct dur_catalogue {
	char lang[16];
	char name[64];
	char decimal[8], thousands[8];
	int plural_gt1;               /* French rule: plural when n > 1 */
	size_t n, cap;
	struct entry *e;              /* sorted by key after parsing */
	int builtin;                  /* shared by dur_catalogue_open: not freed */
};

static void entry_free(struct entry *e)
{
	free(e->key);
	for (int i = 0; i < PO_MAX_PLURALS; i++)
		free(e->str[i]);
}

static void catalogue_release(dur_catalogue *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	free(c);
}

void dur_catalogue_free(dur_catalogue *c)
{
	if (c && !c->builtin)
		catalogue_release(c);
}

/* ---- parsing ---------------------------------------------------------------- */

struct po {
	const char *p, *end, *name;
	size_t line;
	struct dur_error *err;
};

static dur_err po_fail(struct po *s, const char *what)
{
	return dur_error_set(s->err, DUR_EPARSE, "'%s' line %zu: %s", s->name, s->line, what);
}

static void skip_blank(struct po *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

/* Append one quoted string ("...") at s->p to *acc. */
static dur_err quoted(struct po *s, char **acc, size_t *alen)
{
	size_t cap = *alen + 64;
	char *b = realloc(*acc, cap);
	if (!b)
		return dur_error_set(s->err, DUR_ENOMEM, "out of memory");
	*acc = b;
	if (s->p >= s->end || *s->p != '"')
		return po_fail(s, "a quoted string was expected");
	s->p++;
	for (;;) {
		char c;
		if (s->p >= s->end || *s->p == '\n')
			return po_fail(s, "the string does not end on its line");
		c = *s->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (s->p >= s->end)
				return po_fail(s, "a backslash ends the file");
			switch (*s->p++) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default: return po_fail(s, "an unknown escape (only \\n \\t \\r \\\" \\\\)");
			}
		}
		if ((unsigned char)c < 0x20 && c != '\n' && c != '\t')
			return po_fail(s, "a control character in a string");
		if (*alen + 2 > cap) {
			if (cap > PO_MAX_BYTES)
				return po_fail(s, "a string is too long");
			cap *= 2;
			if (!(b = realloc(*acc, cap)))
				return dur_error_set(s->err, DUR_ENOMEM, "out of memory");
			*acc = b;
		}
		(*acc)[(*alen)++] = c;
	}
	(*acc)[*alen] = '\0';
	return DUR_OK;
}

/* A keyword's strings: the first on its line, more on following lines. */
static dur_err strings(struct po *s, char **out)
{
	size_t len = 0;
	dur_err rc;
	*out = NULL;
	skip_blank(s);
	if ((rc = quoted(s, out, &len)))
		return rc;
	for (;;) {
		const char *save = s->p;
		size_t line = s->line;
		skip_blank(s);
		if (s->p < s->end && *s->p == '\n') {
			s->p++;
			s->line++;
			skip_blank(s);
			if (s->p < s->end && *s->p == '"') {
				if ((rc = quoted(s, out, &len)))
					return rc;
				continue;
			}
		}
		s->p = save;
		s->line = line;
		return DUR_OK;
	}
}

static int word(struct po *s, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(s->end - s->p) >= n && memcmp(s->p, w, n) == 0 &&
	    (s->p + n == s->end || s->p[n] == ' ' || s->p[n] == '\t' || s->p[n] == '['))
		return (s->p += n, 1);
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static const char *header_field(const char *h, const char *field, char *buf, size_t size)
{
	const char *p = h;
	size_t n = strlen(field);
	while (p && *p) {
		if (strncmp(p, field, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e;
			while (*v == ' ')
				v++;
			e = strchr(v, '\n');
			n = e ? (size_t)(e - v) : strlen(v);
			if (n >= size)
				n = size - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Finish one entry: keep it unless fuzzy, untranslated or the header. */
static dur_err add_entry(dur_catalogue *c, struct po *s, char *ctx, char *id, char **str, int nstr,
			 int fuzzy)
{
	struct entry e;
	size_t kl;
	int empty = 1;

	for (int i = 0; i < nstr; i++)
		empty &= !str[i] || !*str[i];
	if (!id || fuzzy || empty || (!*id && !ctx)) {
		if (id && !*id && !ctx && nstr && str[0]) {
			/* the header entry */
			char v[64];
			if (header_field(str[0], "Language", v, sizeof(c->lang)))
				memcpy(c->lang, v, strlen(v) + 1);
			if (header_field(str[0], "X-Duress-Language-Name", v, sizeof(c->name)))
				memcpy(c->name, v, strlen(v) + 1);
			if (header_field(str[0], "X-Duress-Decimal-Point", v, sizeof(c->decimal)))
				memcpy(c->decimal, v, strlen(v) + 1);
			if (header_field(str[0], "X-Duress-Thousands-Separator", v,
					 sizeof(c->thousands)))
				memcpy(c->thousands, v, strlen(v) + 1);
			if (header_field(str[0], "Plural-Forms", v, sizeof(v)))
				c->plural_gt1 = strstr(v, "n > 1") || strstr(v, "n>1");
		}
		free(ctx);
		free(id);
		for (int i = 0; i < nstr; i++)
			free(str[i]);
		return DUR_OK;
	}
	if (c->n >= PO_MAX_ENTRIES)
		return po_fail(s, "too many entries");
	memset(&e, 0, sizeof(e));
	kl = (ctx ? strlen(ctx) + 1 : 0) + strlen(id) + 1;
	if (!(e.key = malloc(kl)))
		return dur_error_set(s->err, DUR_ENOMEM, "out of memory");
	if (ctx)
		snprintf(e.key, kl, "%s\004%s", ctx, id);
	else
		memcpy(e.key, id, kl);
	free(ctx);
	free(id);
	for (int i = 0; i < nstr; i++)
		e.str[i] = str[i];
	e.nstr = nstr;
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 64;
		struct entry *ne = realloc(c->e, nc * sizeof(*ne));
		if (!ne) {
			entry_free(&e);
			return dur_error_set(s->err, DUR_ENOMEM, "out of memory");
		}
		c->e = ne;
		c->cap = nc;
	}
	c->e[c->n++] = e;
	return DUR_OK;
}

dur_err dur_catalogue_parse(const char *buf, size_t len, const char *name, dur_catalogue **out,
			    struct dur_error *err)
{
	struct po s = { buf, buf + len, name ? name : "<catalogue>", 1, err };
	dur_catalogue *c;
	char *ctx = NULL, *id = NULL, *plural = NULL, *str[PO_MAX_PLURALS] = { 0 };
	int nstr = 0, fuzzy = 0, next_fuzzy = 0;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (len > PO_MAX_BYTES)
		return dur_error_set(err, DUR_ELIMIT, "'%s' is too large for a catalogue", s.name);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		s.p += 3;
	if (memchr(buf, '\0', len))
		return dur_error_set(err, DUR_EPARSE, "'%s': a NUL byte in a catalogue", s.name);
	if (!(c = calloc(1, sizeof(*c))))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	strcpy(c->lang, "en");
	strcpy(c->name, "English");
	strcpy(c->decimal, ".");
	strcpy(c->thousands, ",");
#define FLUSH() do { \
	if ((rc = add_entry(c, &s, ctx, id, str, nstr, fuzzy))) \
		goto fail; \
	ctx = id = NULL; free(plural); plural = NULL; \
	memset(str, 0, sizeof(str)); nstr = 0; fuzzy = 0; \
} while (0)
	while (s.p < s.end) {
		skip_blank(&s);
		if (s.p >= s.end)
			break;
		if (*s.p == '\n') {
			s.p++;
			s.line++;
			continue;
		}
		if (*s.p == '#') {
			if (s.p + 1 < s.end && s.p[1] == ',') {
				const char *e = memchr(s.p, '\n', (size_t)(s.end - s.p));
				size_t n = e ? (size_t)(e - s.p) : (size_t)(s.end - s.p);
				const char *f = s.p;
				for (; f + 5 <= s.p + n; f++)
					if (memcmp(f, "fuzzy", 5) == 0)
						next_fuzzy = 1;
			}
			while (s.p < s.end && *s.p != '\n')
				s.p++;
			continue;
		}
		if (word(&s, "msgctxt")) {
			if (id)
				FLUSH();
			if (ctx) {
				rc = po_fail(&s, "two msgctxt in one entry");
				goto fail;
			}
			if ((rc = strings(&s, &ctx)))
				goto fail;
		} else if (word(&s, "msgid_plural")) {
			if (!id || plural) {
				rc = po_fail(&s, "msgid_plural without its msgid");
				goto fail;
			}
			if ((rc = strings(&s, &plural)))
				goto fail;
		} else if (word(&s, "msgid")) {
			if (id)
				FLUSH();
			fuzzy = next_fuzzy;
			next_fuzzy = 0;
			if ((rc = strings(&s, &id)))
				goto fail;
		} else if (word(&s, "msgstr")) {
			int i = 0;
			if (!id) {
				rc = po_fail(&s, "msgstr without a msgid");
				goto fail;
			}
			if (s.p < s.end && *s.p == '[') {
				if (s.p + 2 >= s.end || s.p[1] < '0' || s.p[1] >= '0' + PO_MAX_PLURALS ||
				    s.p[2] != ']') {
					rc = po_fail(&s, "msgstr[N] wants N from 0 to 3");
					goto fail;
				}
				i = s.p[1] - '0';
				s.p += 3;
			}
			if (i != nstr || str[i]) {
				rc = po_fail(&s, "the msgstr forms are out of order");
				goto fail;
			}
			if ((rc = strings(&s, &str[i])))
				goto fail;
			nstr = i + 1;
		} else {
			rc = po_fail(&s, "expected msgctxt, msgid, msgid_plural, msgstr or a comment");
			goto fail;
		}
		skip_blank(&s);
		if (s.p < s.end && *s.p != '\n') {
			rc = po_fail(&s, "text after the string");
			goto fail;
		}
	}
	if (id)
		FLUSH();
	else if (ctx) {
		rc = po_fail(&s, "msgctxt without a msgid");
		goto fail;
	}
#undef FLUSH
	if (c->n)
		qsort(c->e, c->n, sizeof(*c->e), cmp_entry);
	for (size_t i = 1; i < c->n; i++)
		if (strcmp(c->e[i - 1].key, c->e[i].key) == 0) {
			dur_catalogue_free(c);
			return dur_error_set(err, DUR_EPARSE, "'%s': a message is translated twice",
					     s.name);
		}
	*out = c;
	return DUR_OK;
fail:
	free(ctx);
	free(id);
	free(plural);
	for (int i = 0; i < PO_MAX_PLURALS; i++)
		free(str[i]);
	dur_catalogue_free(c);
	return rc;
}

/* ---- lookup ------------------------------------------------------------------ */

static const struct entry *find(const dur_catalogue *c, const char *key)
{
	size_t lo = 0, hi = c ? c->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(key, c->e[mid].key);
		if (d == 0)
			return &c->e[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *dur_catalogue_get(const dur_catalogue *c, const char *msgid)
{
	const struct entry *e = find(c, msgid);
	return e && e->str[0] ? e->str[0] : msgid;
}

const char *dur_catalogue_getc(const dur_catalogue *c, const char *context, const char *msgid)
{
	char key[1024];
	const struct entry *e;
	if (!context)
		return dur_catalogue_get(c, msgid);
	if (strlen(context) + strlen(msgid) + 2 > sizeof(key))
		return msgid;
	{
		size_t cl = strlen(context), ml = strlen(msgid);
		memcpy(key, context, cl);
		key[cl] = '\004';
		memcpy(key + cl + 1, msgid, ml + 1);
	}
	e = find(c, key);
	return e && e->str[0] ? e->str[0] : msgid;
}

const char *dur_catalogue_nget(const dur_catalogue *c, const char *singular, const char *plural,
			       unsigned long n)
{
	int many = c && c->plural_gt1 ? n > 1 : n != 1;
	const struct entry *e = find(c, singular);
	if (e && e->nstr > many && e->str[many] && *e->str[many])
		return e->str[many];
	return many ? plural : singular;
}

const char *dur_catalogue_lang(const dur_catalogue *c)
{
	return c ? c->lang : "en";
}

const char *dur_catalogue_language_name(const dur_catalogue *c)
{
	return c ? c->name : "English";
}

const char *dur_catalogue_decimal_point(const dur_catalogue *c)
{
	return c ? c->decimal : ".";
}

const char *dur_catalogue_thousands_sep(const dur_catalogue *c)
{
	return c ? c->thousands : ",";
}

size_t dur_catalogue_count(const dur_catalogue *c)
{
	return c ? c->n : 0;
}

const char *const *dur_catalogue_languages(size_t *n)
{
	*n = dur_builtin_npo + 1;
	return dur_builtin_langs;
}

/*
 * The built-in catalogues, each parsed on its first use and then shared,
 * read-only, by every caller and thread (a report or a page in Spanish no
 * longer re-reads 90 KB of PO text); released when the library is
 * unloaded.  A failed parse (out of memory) caches nothing.
 */
#define BUILTIN_MAX 16
static pthread_mutex_t builtin_lock = PTHREAD_MUTEX_INITIALIZER;
static dur_catalogue *builtin_cache[BUILTIN_MAX];

__attribute__((destructor)) static void builtin_release(void)
{
	for (size_t i = 0; i < BUILTIN_MAX; i++) {
		catalogue_release(builtin_cache[i]);
		builtin_cache[i] = NULL;
	}
}

dur_err dur_catalogue_open(const char *lang, dur_catalogue **out, struct dur_error *err)
{
	char names[256] = "en";
	*out = NULL;
	if (!lang || strcmp(lang, "en") == 0)
		return dur_catalogue_parse("", 0, "en", out, err);
	for (size_t i = 0; i < dur_builtin_npo; i++) {
		if (strcmp(dur_builtin_po[i].lang, lang) == 0) {
			dur_err rc = DUR_OK;
			pthread_mutex_lock(&builtin_lock);
			dur_catalogue *c = i < BUILTIN_MAX ? builtin_cache[i] : NULL;
			if (!c) {
				/* the language is the catalogue's name, whatever its header says */
				rc = dur_catalogue_parse(dur_builtin_po[i].text, dur_builtin_po[i].len,
							 dur_builtin_po[i].lang, &c, err);
				if (!rc && strlen(lang) < sizeof(c->lang))
					memcpy(c->lang, lang, strlen(lang) + 1);
				if (!rc && i < BUILTIN_MAX) {
					c->builtin = 1;
					builtin_cache[i] = c;
				}
			}
			*out = c;
			pthread_mutex_unlock(&builtin_lock);
			return rc;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), ", %s",
			 dur_builtin_po[i].lang);
	}
	return dur_error_set(err, DUR_EINVAL, "the language '%.16s' has no catalogue (there are: "
			     "%s)", lang, names);
}

void dur_catalogue_format_number(const dur_catalogue *c, double x, int decimals, char *buf,
				 size_t size)
{
	const char *dp = dur_catalogue_decimal_point(c), *ts = dur_catalogue_thousands_sep(c);
	char d[64], *dot;
	size_t o = 0, n;
	int neg;

	if (!size)
		return;
	if (!isfinite(x) || fabs(x) > 1e15) {
		snprintf(buf, size, "-");
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	snprintf(d, sizeof(d), "%.*f", decimals, x);
	neg = d[0] == '-';
	dot = strchr(d, '.');
	n = (dot ? (size_t)(dot - d) : strlen(d)) - (size_t)neg;
	if (neg && o + 1 < size)
		buf[o++] = '-';
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		if (i && (n - i) % 3 == 0)
			for (const char *t = ts; *t && o + 1 < size; t++)
				buf[o++] = *t;
		buf[o++] = d[(size_t)neg + i];
	}
	if (dot) {
		for (const char *t = dp; *t && o + 1 < size; t++)
			buf[o++] = *t;
		for (const char *t = dot + 1; *t && o + 1 < size; t++)
			buf[o++] = *t;
	}
	buf[o] = '\0';
}
