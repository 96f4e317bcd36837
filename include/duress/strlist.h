/*
 * duress/strlist.h - a growable list of owned strings, used for warnings
 * that the library hands back to the caller (the library never prints).
 */
#ifndef DURESS_STRLIST_H
#define DURESS_STRLIST_H

#include <duress/common.h>
#include <stddef.h>
#include <duress/error.h>

struct dur_strlist {
	size_t n;
	size_t cap;
	char **s;    /* owned */
};

#define DUR_STRLIST_INIT { 0, 0, NULL }

/* Append a printf-formatted string.  Returns DUR_OK or DUR_ENOMEM. @since 0.1 */
DUR_EXPORT dur_err dur_strlist_addf(struct dur_strlist *l, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Free the strings and reset to empty; the struct itself is the caller's. */
DUR_EXPORT void dur_strlist_release(struct dur_strlist *l);

#endif
