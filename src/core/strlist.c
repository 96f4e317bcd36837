#include <duress/strlist.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

dur_err dur_strlist_addf(struct dur_strlist *l, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 8;
		char **ns = realloc(l->s, nc * sizeof(*ns));
		if (!ns)
			return DUR_ENOMEM;
		l->s = ns;
		l->cap = nc;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DUR_EINVAL;
	s = malloc((size_t)n + 1);
	if (!s)
		return DUR_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->s[l->n++] = s;
	return DUR_OK;
}

void dur_strlist_release(struct dur_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	l->s = NULL;
	l->n = l->cap = 0;
}
