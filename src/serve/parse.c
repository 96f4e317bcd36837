/*
 * Parsing what a browser sends: request targets, query strings and
 * urlencoded forms, cookies, multipart/form-data.  Every parser is
 * bounded by its input and by a field count, and refuses rather than
 * guesses (a NUL byte in a path, a bad percent escape, a part without a
 * closing boundary).  fuzz/fuzz_serve_request.c drives them all.
 */
#include "serve/serve_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void srv_form_init(struct srv_form *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max;
}

void srv_form_release(struct srv_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->kv[i].name);
		if (f->kv[i].value) {
			/* form values are case content: wipe them */
			memset(f->kv[i].value, 0, f->kv[i].vlen);
			free(f->kv[i].value);
		}
	}
	free(f->kv);
	memset(f, 0, sizeof(*f));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX and '+' (when plus) of s[0..len) into a new string. */
static char *decode(const char *s, size_t len, int plus, size_t *olen)
{
	char *o = malloc(len + 1);
	size_t n = 0;

	if (!o)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			int h, l;
			if (i + 2 >= len || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0) {
				free(o);
				return NULL;
			}
			o[n++] = (char)(h * 16 + l);
			i += 2;
		} else if (plus && s[i] == '+') {
			o[n++] = ' ';
		} else {
			o[n++] = s[i];
		}
	}
	o[n] = '\0';
	*olen = n;
	return o;
}

enum srv_parse_rc srv_form_parse(struct srv_form *f, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i, eq = (size_t)-1, nlen, vlen;
		char *name, *value;
		while (j < len && s[j] != '&') {
			if (s[j] == '=' && eq == (size_t)-1)
				eq = j;
			j++;
		}
		if (j == i) {   /* "a=1&&b=2": an empty pair is skipped */
			i = j + 1;
			continue;
		}
		if (f->n >= f->max)
			return SRV_PARSE_TOO_MANY;
		if (f->n == f->cap) {
			size_t nc = f->cap ? 2 * f->cap : 16;
			struct srv_kv *nk = realloc(f->kv, nc * sizeof(*nk));
			if (!nk)
				return SRV_PARSE_NOMEM;
			f->kv = nk;
			f->cap = nc;
		}
		if (eq == (size_t)-1)
			eq = j;
		if (!(name = decode(s + i, eq - i, 1, &nlen)))
			return SRV_PARSE_BAD;
		value = decode(s + (eq < j ? eq + 1 : j), eq < j ? j - eq - 1 : 0, 1, &vlen);
		if (!value || strlen(name) != nlen) {
			free(name);
			free(value);
			return SRV_PARSE_BAD;
		}
		f->kv[f->n].name = name;
		f->kv[f->n].value = value;
		f->kv[f->n].vlen = vlen;
		f->n++;
		i = j + 1;
	}
	return SRV_PARSE_OK;
}

const char *srv_form_get(const struct srv_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->kv[i].name, name) == 0)
			return strlen(f->kv[i].value) == f->kv[i].vlen ? f->kv[i].value : NULL;
	return NULL;
}

size_t srv_form_all(const struct srv_form *f, const char *name, const char **v, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n && k < max; i++)
		if (strcmp(f->kv[i].name, name) == 0 && strlen(f->kv[i].value) == f->kv[i].vlen)
			v[k++] = f->kv[i].value;
	return k;
}

enum srv_parse_rc srv_target_parse(const char *target, char *path, size_t size,
				   const char **query, size_t *qlen)
{
	const char *q = strchr(target, '?'), *hash;
	size_t plen = q ? (size_t)(q - target) : strlen(target), n;
	char *d;

	*query = NULL;
	*qlen = 0;
	/* a fragment is never sent by browsers; one that is sent is ignored */
	if ((hash = strchr(target, '#')) && (!q || hash < q))
		plen = (size_t)(hash - target);
	if (plen == 0 || target[0] != '/' || plen > SRV_MAX_PATH)
		return SRV_PARSE_BAD;
	if (!(d = decode(target, plen, 0, &n)))
		return SRV_PARSE_BAD;
	if (n >= size || strlen(d) != n) {
		free(d);
		return SRV_PARSE_BAD;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f || d[i] == '\\') {
			free(d);
			return SRV_PARSE_BAD;
		}
	/* no "." or ".." segment, no empty segment ("//") */
	for (const char *seg = d; *seg; ) {
		const char *e;
		seg++;   /* past '/' */
		e = strchr(seg, '/');
		n = e ? (size_t)(e - seg) : strlen(seg);
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.') ||
		    (n == 0 && e)) {
			free(d);
			return SRV_PARSE_BAD;
		}
		seg += n;
	}
	strcpy(path, d);
	free(d);
	if (q) {
		const char *end = strchr(q + 1, '#');
		*query = q + 1;
		*qlen = end ? (size_t)(end - q - 1) : strlen(q + 1);
	}
	return SRV_PARSE_OK;
}

int srv_cookie_get(const char *header, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	const char *p = header;

	if (!header || size == 0)
		return 0;
	while (*p) {
		const char *e, *v;
		size_t vl;
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		e = strchr(p, ';');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			v = p + nl + 1;
			vl = (size_t)(e - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			if (vl >= size)
				return 0;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			return 1;
		}
		p = e;
	}
	return 0;
}

void srv_media_type(const char *ctype, char *buf, size_t size)
{
	size_t n = 0;
	if (!size)
		return;
	if (ctype) {
		while (*ctype == ' ')
			ctype++;
		for (; ctype[n] && ctype[n] != ';' && ctype[n] != ' ' && n + 1 < size; n++)
			buf[n] = (ctype[n] >= 'A' && ctype[n] <= 'Z') ? (char)(ctype[n] + 32) : ctype[n];
	}
	buf[n] = '\0';
}

int srv_multipart_boundary(const char *ctype, char *buf, size_t size)
{
	const char *b;
	size_t n = 0;
	char mt[64];

	srv_media_type(ctype, mt, sizeof(mt));
	if (strcmp(mt, "multipart/form-data") != 0)
		return 0;
	for (b = ctype; (b = strchr(b, ';')); ) {
		b++;
		while (*b == ' ')
			b++;
		if (strncasecmp(b, "boundary=", 9) == 0) {
			int quoted;
			b += 9;
			quoted = *b == '"';
			if (quoted)
				b++;
			while (b[n] && (quoted ? b[n] != '"' : (b[n] != ';' && b[n] != ' ')))
				n++;
			/* RFC 2046: 1 to 70 characters */
			if (n == 0 || n > 70 || n >= size)
				return 0;
			memcpy(buf, b, n);
			buf[n] = '\0';
			return 1;
		}
	}
	return 0;
}

static const char *memfind(const char *h, size_t hl, const char *n, size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

/* A parameter (name="x") of a Content-Disposition line into buf. */
static int disposition_param(const char *line, size_t len, const char *param, char *buf,
			     size_t size)
{
	size_t pl = strlen(param);
	for (size_t i = 0; i + pl + 2 <= len; i++) {
		if ((i == 0 || line[i - 1] == ' ' || line[i - 1] == ';') &&
		    strncasecmp(line + i, param, pl) == 0 && line[i + pl] == '=' &&
		    line[i + pl + 1] == '"') {
			size_t s = i + pl + 2, e = s;
			while (e < len && line[e] != '"')
				e++;
			if (e >= len || e - s >= size)
				return 0;
			memcpy(buf, line + s, e - s);
			buf[e - s] = '\0';
			return 1;
		}
	}
	return 0;
}

enum srv_parse_rc srv_multipart_parse(const char *body, size_t len, const char *boundary,
				      struct srv_part *parts, size_t max, size_t *n)
{
	char delim[80];
	size_t dl, pos;
	const char *p;

	*n = 0;
	dl = (size_t)snprintf(delim, sizeof(delim), "--%s", boundary);
	if (dl >= sizeof(delim))
		return SRV_PARSE_BAD;
	/* the body opens with the first delimiter (a preamble is allowed before it) */
	if (!(p = memfind(body, len, delim, dl)))
		return SRV_PARSE_BAD;
	pos = (size_t)(p - body) + dl;
	for (;;) {
		const char *hend, *next;
		size_t hstart, dstart, dend;
		struct srv_part *part;
		if (pos + 2 <= len && body[pos] == '-' && body[pos + 1] == '-')
			return SRV_PARSE_OK;   /* the closing delimiter */
		if (pos + 2 > len || body[pos] != '\r' || body[pos + 1] != '\n')
			return SRV_PARSE_BAD;
		hstart = pos + 2;
		if (!(hend = memfind(body + hstart, len - hstart, "\r\n\r\n", 4)))
			return SRV_PARSE_BAD;
		dstart = (size_t)(hend - body) + 4;
		{
			char nd[84];
			size_t ndl = (size_t)snprintf(nd, sizeof(nd), "\r\n%s", delim);
			if (!(next = memfind(body + dstart, len - dstart, nd, ndl)))
				return SRV_PARSE_BAD;
			dend = (size_t)(next - body);
			pos = dend + ndl;
		}
		if (*n >= max)
			return SRV_PARSE_TOO_MANY;
		part = &parts[*n];
		memset(part, 0, sizeof(*part));
		/* the headers of the part: only Content-Disposition matters */
		for (size_t i = hstart; i < (size_t)(hend - body); ) {
			const char *le = memfind(body + i, (size_t)(hend - body) - i, "\r\n", 2);
			size_t ll = le ? (size_t)(le - body) - i : (size_t)(hend - body) - i;
			if (ll > 20 && strncasecmp(body + i, "content-disposition:", 20) == 0) {
				if (!disposition_param(body + i, ll, "name", part->name,
						       sizeof(part->name)))
					return SRV_PARSE_BAD;
				disposition_param(body + i, ll, "filename", part->filename,
						  sizeof(part->filename));
			}
			i += ll + 2;
		}
		if (!part->name[0])
			return SRV_PARSE_BAD;
		part->data = body + dstart;
		part->len = dend - dstart;
		(*n)++;
	}
}

void srv_url_encode(struct dur_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
			char t[2] = { (char)c, 0 };
			dur_buf_puts(b, t);
		} else {
			char t[4] = { '%', hex[c >> 4], hex[c & 15], 0 };
			dur_buf_puts(b, t);
		}
	}
}

int srv_local_path(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return 0;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return strlen(next) <= SRV_MAX_PATH;
}
