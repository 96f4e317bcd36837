/*
 * bench_link: speed of duress link.
 *  1. Dice comparisons per second on one core, 1024-bit filters, for every
 *     popcount kernel this CPU can run (popcount of a AND b, the inner loop
 *     of matching; the weights of a and b are precomputed), as matching
 *     runs it: a tile of 512 filters of B (64 KiB, in L2) against every
 *     filter of A.
 *  2. End to end on synthetic people (names from syllables, a date of
 *     birth, a number), n records per list for n = 10^4, 10^5 (and 10^6
 *     when asked): list B holds 10% of list A's people again with one or
 *     two typos, the rest are people of its own.  For each n: encoding both
 *     lists, matching them with blocking (pairs scored, linked, time, the
 *     threshold chosen) and, up to 10^5, without (all pairs); peak memory
 *     of the whole run (each n runs in a child process: its ru_maxrss);
 *     and the recall loss of blocking: the planted pairs scoring at least
 *     the threshold that blocking did not score.
 *  3. FEBRL 0.4.2 dataset_A_10000 x dataset_C_10000 with the example
 *     schema: encoding, matching, plain linkage.
 * Matching uses every core (2 here); encoding one.  Medians of several runs
 * for 1 and 3; one run per n for 2.
 * usage: bench_link [runs [largest n]]   e.g. bench_link 3 1000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sodium.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <duress/csv.h>
#include <duress/link.h>
#include "test_util.h"   /* test_slurp: whole-file reads */

/* 32 distinct bytes, a good secret by dur_link_secret_check */
static const unsigned char SECRET[] =
	"\x0d\x6e\xcf\x30\x91\xf2\x53\xb4\x15\x76\xd7\x38\x99\xfa\x5b\xbc"
	"\x1d\x7e\xdf\x40\xa1\x02\x63\xc4\x25\x86\xe7\x48\xa9\x0a\x6b\xcc";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this thread: what a comparison costs a core, whatever else
   the machine runs (wall time is printed beside it) */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
	const size_t words = 16, na = 20000, nb = 512;
	uint64_t *a = malloc(na * words * sizeof(uint64_t));
	uint64_t *b = malloc(nb * words * sizeof(uint64_t));
	uint32_t *out = malloc(nb * sizeof(uint32_t));
	static const enum dur_link_kernel ks[] = { DUR_LINK_KERNEL_PORTABLE,
		DUR_LINK_KERNEL_POPCNT, DUR_LINK_KERNEL_AVX2, DUR_LINK_KERNEL_AVX512 };
	volatile uint32_t sink = 0;

	random_filters(a, na, words, 0.3, 1);
	random_filters(b, nb, words, 0.3, 2);
	printf("1. popcount(a & b) kernels, 1024-bit filters, %zu x a tile of %zu, one core\n",
	       na, nb);
	for (size_t k = 0; k < sizeof(ks) / sizeof(ks[0]); k++) {
		double t[16], c[16];
		if (!dur_link_kernel_available(ks[k])) {
			printf("   %-9s not available on this CPU\n", dur_link_kernel_name(ks[k]));
			continue;
		}
		for (int r = 0; r < runs; r++) {
			double t0 = now(), c0 = cpu_now();
			for (size_t i = 0; i < na; i++) {
				dur_link_and_popcount(ks[k], a + i * words, b, nb, words, out);
				sink += out[i % nb];
			}
			t[r] = now() - t0;
			c[r] = cpu_now() - c0;
		}
		printf("   %-9s %8.3g comparisons per CPU second (%.3g per wall second; medians "
		       "of %d)\n", dur_link_kernel_name(ks[k]), (double)(na * nb) / median(c, runs),
		       (double)(na * nb) / median(t, runs), runs);
	}
	(void)sink;
	free(a);
	free(b);
	free(out);
}

/* ---- synthetic people ---- */

static const char *SYL[] = { "ka", "mi", "to", "ra", "ne", "lo", "su", "vi", "da", "pe",
	"ro", "an", "el", "or", "is", "un", "ba", "zo", "fi", "gu", "sha", "tem", "bor", "lin",
	"dar", "kel", "mun", "ais", "yo", "qui", "ber", "hal" };

struct person {
	char given[40], surname[48], dob[12], num[12];
};

static void make_person(gsl_rng *g, struct person *p)
{
	p->given[0] = p->surname[0] = '\0';
	for (int q = 0, n = 2 + (int)gsl_rng_uniform_int(g, 2); q < n; q++)
		strcat(p->given, SYL[gsl_rng_uniform_int(g, 32)]);
	for (int q = 0, n = 2 + (int)gsl_rng_uniform_int(g, 3); q < n; q++)
		strcat(p->surname, SYL[gsl_rng_uniform_int(g, 32)]);
	snprintf(p->dob, sizeof(p->dob), "%04u%02u%02u", 1930 + (unsigned)gsl_rng_uniform_int(g, 80),
		 1 + (unsigned)gsl_rng_uniform_int(g, 12), 1 + (unsigned)gsl_rng_uniform_int(g, 28));
	snprintf(p->num, sizeof(p->num), "%06u", (unsigned)gsl_rng_uniform_int(g, 1000000));
}

static void typo(gsl_rng *g, struct person *p)
{
	char *f = gsl_rng_uniform_int(g, 2) ? p->given : p->surname;
	f[gsl_rng_uniform_int(g, strlen(f))] = "aeiouxyz"[gsl_rng_uniform_int(g, 8)];
}

static const char *SYNTH_SCHEMA =
	"{ \"duress_link_schema\": 1, \"filter_bits\": 1024,\n"
	"  \"hardening\": { \"balance\": true, \"xor_fold\": true }, \"threshold\": 0.75,\n"
	"  \"fields\": [\n"
	"    { \"name\": \"given\", \"type\": \"text\", \"bits_per_token\": 7 },\n"
	"    { \"name\": \"surname\", \"type\": \"text\", \"bits_per_token\": 7 },\n"
	"    { \"name\": \"dob\", \"type\": \"date\", \"formats\": [\"YYYYMMDD\"], \"bits_per_token\": 10 },\n"
	"    { \"name\": \"number\", \"type\": \"number\", \"bits_per_token\": 3 } ] }\n";

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* One n, run in a child so that its peak memory is its own. */
static void end_to_end(size_t n)
{
	dur_link_schema *s = NULL;
	dur_link_key *k = NULL;
	dur_link_encoder *en[2] = { NULL, NULL };
	struct dur_link_encodings *e[2] = { NULL, NULL };
	struct dur_link_result *r = NULL;
	struct dur_link_match_params p;
	struct dur_error err = DUR_ERROR_INIT;
	const char *names[2] = { "A", "B" };
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	size_t nplant = n / 10, above = 0, missed = 0;
	double t0, te, tb, ta = -1;
	char id[32];

	if (dur_link_schema_parse(SYNTH_SCHEMA, strlen(SYNTH_SCHEMA), "synthetic", &s, &err) ||
	    dur_link_key_alloc(s, SECRET, sizeof(SECRET) - 1, &k, &err) ||
	    dur_link_encoder_alloc(s, k, &en[0], &err) || dur_link_encoder_alloc(s, k, &en[1], &err))
		goto fail;
	gsl_rng_set(g, 13);
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct person pa, pb;
		const char *va[4] = { pa.given, pa.surname, pa.dob, pa.num };
		const char *vb[4] = { pb.given, pb.surname, pb.dob, pb.num };
		make_person(g, &pa);
		if (i < nplant) {
			pb = pa;
			typo(g, &pb);
			if (gsl_rng_uniform(g) < 0.5)
				typo(g, &pb);
		} else {
			make_person(g, &pb);
		}
		snprintf(id, sizeof(id), "a%zu", i);
		if (dur_link_encoder_add(en[0], id, va, &err))
			goto fail;
		snprintf(id, sizeof(id), "b%zu", i);
		if (dur_link_encoder_add(en[1], id, vb, &err))
			goto fail;
	}
	if (dur_link_encoder_finish(en[0], &e[0], NULL, &err) ||
	    dur_link_encoder_finish(en[1], &e[1], NULL, &err))
		goto fail;
	te = now() - t0;
	p = dur_link_match_default_params(s);
	t0 = now();
	if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &r, &err))
		goto fail;
	tb = now() - t0;
	/* recall loss of blocking: planted pairs (a_i, b_i) scoring at least
	   the threshold (all pairs would find them) that blocking left
	   unscored (not among the candidates) */
	{
		unsigned char *seen = calloc(nplant ? nplant : 1, 1);
		for (size_t i = 0; i < r->ncands; i++)
			if (r->cands[i].rec_a == r->cands[i].rec_b && r->cands[i].rec_a < nplant)
				seen[r->cands[i].rec_a] = 1;
		for (size_t i = 0; i < nplant; i++)
			if (dur_link_dice(e[0]->filters + i * e[0]->words,
					  e[1]->filters + i * e[1]->words, e[0]->words) >=
			    r->fit.threshold) {
				above++;
				missed += !seen[i];
			}
		free(seen);
	}
	printf("   n = %zu: encode both lists %.2f s (one core); match with blocking %.2f s: "
	       "%zu of %zu pairs scored, %zu linked, threshold %.4f; blocking lost %zu of the "
	       "%zu planted pairs at or above it (%.2f%%)\n", n, te, tb, r->comparisons,
	       r->all_pairs, r->npairs, r->fit.threshold, missed, above,
	       above ? 100.0 * (double)missed / (double)above : 0.0);
	if (n <= 100000) {
		struct dur_link_result *ra = NULL;
		p.blocking = 0;
		t0 = now();
		if (dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &p, &ra,
				   &err))
			goto fail;
		ta = now() - t0;
		printf("   n = %zu: match all pairs %.2f s: %zu pairs scored, %zu linked, threshold "
		       "%.4f\n", n, ta, ra->comparisons, ra->npairs, ra->fit.threshold);
		dur_link_result_free(ra);
	}
	printf("   n = %zu: peak memory %.0f MiB\n", n, (double)peak_kib() / 1024.0);
	fflush(stdout);
	goto out;
fail:
	printf("   n = %zu: failed: %s\n", n, err.msg);
out:
	dur_link_result_free(r);
	dur_link_enc_free(e[0]);
	dur_link_enc_free(e[1]);
	dur_link_encoder_free(en[0]);
	dur_link_encoder_free(en[1]);
	dur_link_key_free(k);
	dur_link_schema_free(s);
	gsl_rng_free(g);
}

static void bench_synthetic(size_t maxn)
{
	printf("2. end to end, synthetic people, n records per list, matching on %ld cores\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	for (size_t n = 10000; n <= maxn; n *= 10) {
		pid_t pid = fork();
		if (pid == 0) {
			end_to_end(n);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void bench_febrl(int runs)
{
	const char *files[2] = { DUR_SHARED_DIR "/data/link/febrl042/dataset_A_10000.csv",
				 DUR_SHARED_DIR "/data/link/febrl042/dataset_C_10000.csv" };
	const char *names[2] = { "A", "C" };
	struct dur_csv *csv[2] = { NULL, NULL };
	dur_link_schema *s = NULL;
	dur_link_key *k = NULL;
	size_t len;
	char *b;
	double te[16], tm[16], tp[16];

	b = test_slurp(DUR_SOURCE_DIR "/examples/link/febrl.schema.json", &len);
	if (!b || dur_link_schema_parse(b, len, "febrl.schema.json", &s, NULL) ||
	    dur_link_key_alloc(s, SECRET, sizeof(SECRET) - 1, &k, NULL)) {
		printf("3. FEBRL: cannot read the example schema\n");
		free(b);
		goto out;
	}
	free(b);
	for (int i = 0; i < 2; i++) {
		b = test_slurp(files[i], &len);
		if (!b || dur_csv_parse(b, len, files[i], NULL, &csv[i], NULL)) {
			printf("3. FEBRL: skipped (%s not found)\n", files[i]);
			free(b);
			goto out;
		}
		free(b);
	}
	printf("3. FEBRL 0.4.2 dataset_A_10000 x dataset_C_10000 (10,000 x 10,000 records)\n");
	for (int r = 0; r < runs; r++) {
		struct dur_link_encodings *e[2] = { NULL, NULL };
		struct dur_link_result *res = NULL, *pres = NULL;
		struct dur_link_match_params mp = dur_link_match_default_params(s);
		double t0 = now();
		if (dur_link_encode_csv(s, k, csv[0], "A", "rec_id", &e[0], NULL, NULL) ||
		    dur_link_encode_csv(s, k, csv[1], "C", "rec_id", &e[1], NULL, NULL)) {
			printf("   encoding failed\n");
			goto out;
		}
		te[r] = now() - t0;
		t0 = now();
		dur_link_match((const struct dur_link_encodings *const *)e, names, 2, &mp, &res,
			       NULL);
		tm[r] = now() - t0;
		t0 = now();
		dur_link_plain(s, (const struct dur_csv *const *)csv, names, names, 2, "rec_id", NULL,
			       &pres, NULL, NULL);
		tp[r] = now() - t0;
		if (r == 0 && res && pres)
			printf("   (the lists share nobody) encodings: %zu linked pairs, %zu pairs "
			       "scored; plain: %zu linked pairs\n", res->npairs, res->comparisons,
			       pres->npairs);
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
	size_t maxn = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 100000;
	if (runs < 1 || runs > 16)
		runs = 5;
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	{
		double la[3] = { 0, 0, 0 };
		FILE *f = fopen("/proc/loadavg", "r");
		if (f) {
			if (fscanf(f, "%lf %lf %lf", &la[0], &la[1], &la[2]) != 3)
				la[0] = la[1] = la[2] = 0;
			fclose(f);
		}
		printf("bench_link: best kernel on this CPU: %s; %ld cores, load average %.2f "
		       "(others share this machine: figures fall as it rises)\n",
		       dur_link_kernel_name(dur_link_kernel_best()), sysconf(_SC_NPROCESSORS_ONLN),
		       la[0]);
	}
	bench_kernels(runs);
	bench_synthetic(maxn);
	bench_febrl(runs < 3 ? runs : 3);
	return 0;
}
