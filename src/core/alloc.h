/*
 * alloc.h - fault injection for the library's own allocations, after
 * curl's memdebug.h and SQLite's test malloc.  In the fault-injection build
 * (the static library duress_fault, for tests only) this header is
 * force-included into every library source, so that malloc, calloc,
 * realloc, strdup and strndup go through counters that can make the Nth
 * allocation fail.  In every other build it defines nothing: the shipped
 * library has no hook and no global state for it.
 */
#ifndef DURESS_CORE_ALLOC_H
#define DURESS_CORE_ALLOC_H

#ifdef DUR_FAULT_INJECTION
/* Only <stddef.h> here: the header comes before each file's own feature
 * macros (_XOPEN_SOURCE ...), which <stdlib.h> must see first.  The system
 * headers' declarations of malloc etc. then declare these wrappers. */
#include <stddef.h>

void *dur_fault_malloc(size_t n);
void *dur_fault_calloc(size_t n, size_t m);
void *dur_fault_realloc(void *p, size_t n);
char *dur_fault_strdup(const char *s);
char *dur_fault_strndup(const char *s, size_t n);
void dur_fault_free(void *p);

/* Fail the nth allocation from now on (1 = the next), and every one after
 * it when `sticky`; 0 disarms.  The count of allocations since arming. */
void dur_fault_arm(long nth, int sticky);
long dur_fault_count(void);
/* Whether an injected failure happened since arming. */
int dur_fault_fired(void);

#ifndef DUR_FAULT_IMPLEMENTATION
#define malloc(n) dur_fault_malloc(n)
#define calloc(n, m) dur_fault_calloc(n, m)
#define realloc(p, n) dur_fault_realloc(p, n)
#define strdup(s) dur_fault_strdup(s)
#define strndup(s, n) dur_fault_strndup(s, n)
#endif
#endif

#endif
