/* Repeated ids, by open addressing on FNV-1a hashes; see dupcheck.h. */
#include "core/dupcheck.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	const char *s;
	size_t line;
};

struct dur_dupcheck {
	size_t n, cap;      /* cap a power of two, kept at most half full */
	struct slot *t;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct dur_dupcheck *dur_dupcheck_alloc(size_t expected)
{
	struct dur_dupcheck *d = calloc(1, sizeof(*d));
	size_t cap = 64;
	while (cap < 2 * expected && cap < ((size_t)1 << 40))
		cap *= 2;
	if (!d || !(d->t = calloc(cap, sizeof(*d->t)))) {
		free(d);
		return NULL;
	}
	d->cap = cap;
	return d;
}

void dur_dupcheck_free(struct dur_dupcheck *d)
{
	if (!d)
		return;
	free(d->t);
	free(d);
}

static int grow(struct dur_dupcheck *d)
{
	size_t cap = 2 * d->cap;
	struct slot *t = calloc(cap, sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = 0; i < d->cap; i++)
		if (d->t[i].s) {
			size_t j = (size_t)fnv(d->t[i].s) & (cap - 1);
			while (t[j].s)
				j = (j + 1) & (cap - 1);
			t[j] = d->t[i];
		}
	free(d->t);
	d->t = t;
	d->cap = cap;
	return 0;
}

size_t dur_dupcheck_add(struct dur_dupcheck *d, const char *s, size_t line)
{
	size_t j;
	if (2 * (d->n + 1) > d->cap && grow(d) != 0)
		return (size_t)-1;
	j = (size_t)fnv(s) & (d->cap - 1);
	while (d->t[j].s) {
		if (strcmp(d->t[j].s, s) == 0)
			return d->t[j].line ? d->t[j].line : 1;
		j = (j + 1) & (d->cap - 1);
	}
	d->t[j].s = s;
	d->t[j].line = line;
	d->n++;
	return 0;
}
