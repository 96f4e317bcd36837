/*
 * Helpers shared by the unit tests (header-only, static functions).
 */
#ifndef DURESS_TEST_UTIL_H
#define DURESS_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>

#define TEST_SKIP_CODE 77

/* Path of a file under ../shared/data, in a static buffer. */
static inline const char *test_shared_path(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/data/%s", DUR_SHARED_DIR, rel);
	return buf;
}

/*
 * True when the shared reference data is beside the checkout.  When it is
 * absent, say so visibly; under CI (DUR_REQUIRE_SHARED set) that is fatal.
 */
static inline int test_have_shared(void)
{
	struct stat st;
	char p[4096];
	snprintf(p, sizeof(p), "%s/data", DUR_SHARED_DIR);
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
		return 1;
	fprintf(stderr, "SKIPPED: reference data not found at %s "
		"(it lives beside the checkout as ../shared)\n", p);
	if (getenv("DUR_REQUIRE_SHARED")) {
		fprintf(stderr, "DUR_REQUIRE_SHARED is set: failing\n");
		exit(1);
	}
	return 0;
}

/* Read a whole file; NULL on failure.  Caller frees. */
static inline char *test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	if (len)
		*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return b;
}

/* Relative closeness: |a-b| <= tol*|b|. */
static inline int test_rel_close(double a, double b, double tol)
{
	return fabs(a - b) <= tol * fabs(b);
}

#define assert_rel_close(a, b, tol) do { \
	double a_ = (a), b_ = (b); \
	if (!test_rel_close(a_, b_, tol)) \
		fail_msg("%s = %.12g, expected %.12g (rel. error %.3g > %.3g)", #a, a_, b_, \
			 fabs(a_ - b_) / fabs(b_), (double)(tol)); \
} while (0)

#endif
