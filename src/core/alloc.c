/* Counters behind alloc.h, only in the fault-injection build. */
#include "core/alloc.h"

#ifdef DUR_FAULT_INJECTION
/* The build force-includes alloc.h before this file's first line: undo its
 * macros before the system headers declare the real allocator, which the
 * functions here call. */
#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef strndup
#include <stdlib.h>
#include <string.h>

/* Test-only state: the fault-injection library is never shipped. */
static long fault_at, fault_count;
static int fault_sticky, fault_hit;

void dur_fault_arm(long nth, int sticky)
{
	fault_at = nth;
	fault_sticky = sticky;
	fault_count = 0;
	fault_hit = 0;
}

long dur_fault_count(void)
{
	return fault_count;
}

int dur_fault_fired(void)
{
	return fault_hit;
}

static int fail_now(void)
{
	fault_count++;
	if (fault_at > 0 && (fault_count == fault_at || (fault_sticky && fault_count > fault_at))) {
		fault_hit = 1;
		return 1;
	}
	return 0;
}

void *dur_fault_malloc(size_t n)
{
	return fail_now() ? NULL : malloc(n);
}

void *dur_fault_calloc(size_t n, size_t m)
{
	return fail_now() ? NULL : calloc(n, m);
}

void *dur_fault_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : realloc(p, n);
}

char *dur_fault_strdup(const char *s)
{
	return fail_now() ? NULL : strdup(s);
}

char *dur_fault_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : strndup(s, n);
}

void dur_fault_free(void *p)
{
	free(p);
}
#else
/* ISO C wants something in a translation unit. */
typedef int dur_alloc_unused;
#endif
