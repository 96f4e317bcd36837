/* A growable, capped text buffer; see buf.h. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rendered text is small (a report, a form, a table); larger is a bug. */
#define DUR_BUF_CAP (256u << 20)

static int buf_grow(struct dur_buf *b, size_t extra)
{
	size_t need, nc;
	char *np;

	if (b->failed)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	if (need > DUR_BUF_CAP) {
		b->failed = 1;
		return -1;
	}
	nc = b->cap ? b->cap : 256;
	while (nc < need)
		nc *= 2;
	np = realloc(b->p, nc);
	if (!np) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = nc;
	return 0;
}

void dur_buf_puts(struct dur_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (buf_grow(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void dur_buf_put_clean(struct dur_buf *b, const char *s)
{
	size_t n = strlen(s), start = b->len;

	if (buf_grow(b, n) != 0)
		return;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
	/* user text in a table: control characters (a newline in a sector) become spaces */
	for (size_t i = start; i < b->len; i++)
		if ((unsigned char)b->p[i] < 0x20 || b->p[i] == 0x7f)
			b->p[i] = ' ';
}

void dur_buf_printf(struct dur_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (buf_grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dur_buf_wrap(struct dur_buf *b, const char *s, const char *first, const char *indent,
		  size_t width)
{
	size_t col = strlen(first), ilen = strlen(indent);
	int at_start = 1;
	const char *p = s;

	dur_buf_puts(b, first);
	for (;;) {
		const char *w;
		size_t wl;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		wl = (size_t)(p - w);
		if (!at_start && col + 1 + wl > width) {
			dur_buf_puts(b, "\n");
			dur_buf_puts(b, indent);
			col = ilen;
			at_start = 1;
		}
		if (!at_start) {
			dur_buf_puts(b, " ");
			col++;
		}
		if (buf_grow(b, wl) != 0)
			return;
		memcpy(b->p + b->len, w, wl);
		b->len += wl;
		b->p[b->len] = '\0';
		col += wl;
		at_start = 0;
	}
	dur_buf_puts(b, "\n");
}

dur_err dur_buf_finish(struct dur_buf *b, char **out, struct dur_error *err)
{
	*out = NULL;
	if (b->failed || !b->p) {
		if (!b->failed && buf_grow(b, 0) == 0) {
			b->p[0] = '\0';
			*out = b->p;
			memset(b, 0, sizeof(*b));
			return DUR_OK;
		}
		free(b->p);
		memset(b, 0, sizeof(*b));
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	*out = b->p;
	memset(b, 0, sizeof(*b));
	return DUR_OK;
}

