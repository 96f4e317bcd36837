/*
 * bench_link: speed of duress link.
 *  1. Dice comparisons per second on one core, 1024-bit filters, for every
 *     popcount kernel this CPU can run (popcount of a AND b, the inner loop
 *     of matching; the weights of a and b are precomputed).
 *  2. dur_link_match on 10,000 x 10,000 random 1024-bit filters (one core):
 *     comparisons per second including the length filter and thresholding.
 *  3. End to end, 10,000 x 10,000 records: FEBRL 0.4.2 dataset_A_10000 and
 *     dataset_C_10000 (../shared/data/link/febrl042) with the example
 *     schema: encoding both lists, matching the encodings, and linking on
 *     plain identifiers.
 * Medians of several runs.  usage: bench_link [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <duress/csv.h>
#include <duress/link.h>
#include "test_util.h"   /* test_slurp: whole-file reads */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Random filters with about `density` of the bits set. */
static void random_filters(uint64_t *f, size_t n, size_t words, double density,
			   unsigned char seed)
{
	unsigned char s[randombytes_SEEDBYTES] = { seed };
	uint32_t *r = malloc(n * words * 64 * sizeof(uint32_t));
	randombytes_buf_deterministic(r, n * words * 64 * sizeof(uint32_t), s);
	memset(f, 0, n * words * sizeof(uint64_t));
	for (size_t i = 0; i < n * words * 64; i++)
		if ((double)r[i] < density * 4294967296.0)
			f[i / 64] |= (uint64_t)1 << (i % 64);
	free(r);
}

static void bench_kernels(int runs)
{
	const size_t words = 16, na = 200, nb = 20000;
	uint64_t *a = malloc(na * words * sizeof(uint64_t));
	uint64_t *b = malloc(nb * words * sizeof(uint64_t));
	uint32_t *out = malloc(nb * sizeof(uint32_t));
	static const enum dur_link_kernel ks[] = { DUR_LINK_KERNEL_PORTABLE,
		DUR_LINK_KERNEL_POPCNT, DUR_LINK_KERNEL_AVX2, DUR_LINK_KERNEL_AVX512 };
	volatile uint32_t sink = 0;

	random_filters(a, na, words, 0.3, 1);
	random_filters(b, nb, words, 0.3, 2);
	printf("1. popcount(a & b) kernels, 1024-bit filters, %zu x %zu, one core\n", na, nb);
	for (size_t k = 0; k < sizeof(ks) / sizeof(ks[0]); k++) {
		double t[16];
		if (!dur_link_kernel_available(ks[k])) {
			printf("   %-9s not available on this CPU\n", dur_link_kernel_name(ks[k]));
			continue;
		}
		for (int r = 0; r < runs; r++) {
			double t0 = now();
			for (size_t i = 0; i < na; i++) {
				dur_link_and_popcount(ks[k], a + i * words, b, nb, words, out);
				sink += out[i];
			}
			t[r] = now() - t0;
		}
		printf("   %-9s %8.3g comparisons/s (median of %d)\n", dur_link_kernel_name(ks[k]),
		       (double)(na * nb) / median(t, runs), runs);
	}
	(void)sink;
	free(a);
	free(b);
	free(out);
}

static struct dur_link_encodings *fake(size_t n, unsigned char seed)
{
	struct dur_link_encodings *e = calloc(1, sizeof(*e));
	e->n = n;
	e->bits = 1024;
	e->words = 16;
	e->id = calloc(n, sizeof(char *));
	e->filters = malloc(n * 16 * sizeof(uint64_t));
	e->weight = calloc(n, sizeof(uint32_t));
	random_filters(e->filters, n, 16, 0.3, seed);
	for (size_t i = 0; i < n; i++) {
		e->id[i] = malloc(32);
		snprintf(e->id[i], 32, "r%zu", i);
		for (size_t w = 0; w < 16; w++)
			e->weight[i] += (uint32_t)__builtin_popcountll(e->filters[i * 16 + w]);
	}
	return e;
}

static void bench_match_random(int runs)
{
	struct dur_link_encodings *e[2] = { fake(10000, 3), fake(10000, 4) };
	const char *names[2] = { "a", "b" };
	struct dur_link_match_params p = dur_link_match_default_params(NULL);
	double t[16];
	size_t comps = 0;

	/* plant 1000 true pairs: b[i] is a[i] with 8 bits flipped */
	for (size_t i = 0; i < 1000; i++) {
		memcpy(e[1]->filters + i * 16, e[0]->filters + i * 16, 16 * sizeof(uint64_t));
		e[1]->filters[i * 16] ^= 0xffULL;
		e[1]->weight[i] = 0;
		for (size_t w = 0; w < 16; w++)
			e[1]->weight[i] += (uint32_t)__builtin_popcountll(e[1]->filters[i * 16 + w]);
	}
	printf("2. dur_link_match, 10,000 x 10,000 random 1024-bit filters, threshold %.2f, "
	       "kernel %s, one core\n", p.threshold, dur_link_kernel_name(dur_link_kernel_best()));
	for (int r = 0; r < runs; r++) {
		struct dur_link_result *res = NULL;
		double t0 = now();
		if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &res,
				   NULL)) {
			printf("   failed\n");
			return;
		}
		t[r] = now() - t0;
		comps = res->comparisons;
		if (r == 0)
			printf("   %zu pairs scored after the length filter, %zu linked\n",
			       res->comparisons, res->npairs);
		dur_link_result_free(res);
	}
	{
		double m = median(t, runs);
		printf("   %.3f s (median of %d): %.3g comparisons/s, %.3g pairs/s of the full "
		       "10^8\n", m, runs, (double)comps / m, 1e8 / m);
	}
	dur_link_enc_free(e[0]);
	dur_link_enc_free(e[1]);
}

static void bench_end_to_end(int runs)
{
	const char *files[2] = { DUR_SHARED_DIR "/data/link/febrl042/dataset_A_10000.csv",
				 DUR_SHARED_DIR "/data/link/febrl042/dataset_C_10000.csv" };
	const char *names[2] = { "A", "C" };
	static const unsigned char secret[] = "benchmark secret, not for real use";
	struct dur_csv *csv[2] = { NULL, NULL };
	dur_link_schema *s = NULL;
	dur_link_key *k = NULL;
	size_t len;
	char *b;
	double te[16], tm[16], tp[16];

	b = test_slurp(DUR_SOURCE_DIR "/examples/link/febrl.schema.json", &len);
	if (!b || dur_link_schema_parse(b, len, "febrl.schema.json", &s, NULL)) {
		printf("3. end to end: cannot read the example schema\n");
		free(b);
		return;
	}
	free(b);
	for (int i = 0; i < 2; i++) {
		b = test_slurp(files[i], &len);
		if (!b || dur_csv_parse(b, len, files[i], NULL, &csv[i], NULL)) {
			printf("3. end to end: skipped (%s not found)\n", files[i]);
			free(b);
			goto out;
		}
		free(b);
	}
	dur_link_key_alloc(s, secret, sizeof(secret) - 1, &k, NULL);
	printf("3. end to end, FEBRL 0.4.2 dataset_A_10000 x dataset_C_10000 (10,000 x 10,000 "
	       "records), one core\n");
	for (int r = 0; r < runs; r++) {
		struct dur_link_encodings *e[2] = { NULL, NULL };
		struct dur_link_result *res = NULL, *pres = NULL;
		double t0 = now();
		dur_link_encode_csv(s, k, csv[0], "A", "rec_id", &e[0], NULL, NULL);
		dur_link_encode_csv(s, k, csv[1], "C", "rec_id", &e[1], NULL, NULL);
		te[r] = now() - t0;
		t0 = now();
		{
			struct dur_link_match_params mp = dur_link_match_default_params(s);
			dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &mp,
				       &res, NULL);
		}
		tm[r] = now() - t0;
		t0 = now();
		dur_link_plain(s, (const struct dur_csv *const *)csv, names, names, 2, "rec_id", NULL,
			       &pres, NULL, NULL);
		tp[r] = now() - t0;
		if (r == 0 && res && pres)
			printf("   (the lists share nobody) encodings: %zu linked pairs; plain: %zu "
			       "linked pairs\n",
			       res->npairs, pres->npairs);
		dur_link_result_free(res);
		dur_link_result_free(pres);
		dur_link_enc_free(e[0]);
		dur_link_enc_free(e[1]);
	}
	printf("   encode both lists %.3f s, match encodings %.3f s, plain linkage %.3f s "
	       "(medians of %d)\n", median(te, runs), median(tm, runs), median(tp, runs), runs);
out:
	dur_link_key_free(k);
	dur_csv_free(csv[0]);
	dur_csv_free(csv[1]);
	dur_link_schema_free(s);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5;
	if (runs < 1 || runs > 16)
		runs = 5;
	if (sodium_init() < 0)
		return 1;
	printf("bench_link: best kernel on this CPU: %s\n",
	       dur_link_kernel_name(dur_link_kernel_best()));
	bench_kernels(runs);
	bench_match_random(runs);
	bench_end_to_end(runs < 3 ? runs : 3);
	return 0;
}
