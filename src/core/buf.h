/*
 * buf.h - a growable string with a cap (like curl's dynbuf), private to
 * the library.  Writes after a failure (out of memory, over the cap) are
 * ignored; dur_buf_finish() reports the failure once.
 */
#ifndef DURESS_CORE_BUF_H
#define DURESS_CORE_BUF_H

#include <stddef.h>
#include <duress/error.h>

struct dur_buf {
	char *p;
	size_t len, cap;
	int failed;
};
void dur_buf_puts(struct dur_buf *b, const char *s);
/* The same, with control characters replaced by spaces (for user text). */
void dur_buf_put_clean(struct dur_buf *b, const char *s);
void dur_buf_printf(struct dur_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Word-wrap `s` at `width` columns, each line starting with `indent`. */
void dur_buf_wrap(struct dur_buf *b, const char *s, const char *first, const char *indent,
		  size_t width);
dur_err dur_buf_finish(struct dur_buf *b, char **out, struct dur_error *err);

#endif
