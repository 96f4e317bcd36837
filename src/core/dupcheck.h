/*
 * dupcheck.h - find repeated ids (a person twice in capture histories, a
 * case twice in a batch) in linear time, without copying them: the caller
 * keeps the strings alive while the check lives.  Private to the library.
 */
#ifndef DURESS_CORE_DUPCHECK_H
#define DURESS_CORE_DUPCHECK_H

#include <stddef.h>

struct dur_dupcheck;

struct dur_dupcheck *dur_dupcheck_alloc(size_t expected);
void dur_dupcheck_free(struct dur_dupcheck *d);
/*
 * Add id `s` first seen on `line`.  Returns 0 when it is new, the line it
 * was first seen on when it is a repeat, or (size_t)-1 when out of memory.
 */
size_t dur_dupcheck_add(struct dur_dupcheck *d, const char *s, size_t line);

#endif
