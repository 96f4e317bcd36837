/*
 * bench_screen: cases screened per second in batch mode, as
 * `duress screen --batch FILE --summary` does it: parse a CSV batch, screen
 * every case against every framework (verdict, indicators, reasons and
 * would_change_if), and count the summary.  Synthetic cases, seeded: each
 * answer is yes 15%, no 55%, unknown 30%; ages mostly known.
 *
 * usage: bench_screen [CASES [RUNS]]   (default 20000 cases, 7 runs)
 * Prints each run and the median.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <duress/screen.h>
#include "screen/screen_internal.h"

static uint64_t state = 0x853c49e6748fea9bull;
static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const char *const sectors[] = { "agriculture", "domestic work", "sex work",
					       "construction", "restaurant", "fishing", "" };
	size_t ncases = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *set = dur_framework_set_alloc();
	struct dur_buf b = { 0 };
	char *csv = NULL;
	double rate[64];

	if (runs < 1 || runs > 64 || ncases == 0) {
		fprintf(stderr, "usage: bench_screen [CASES [RUNS<=64]]\n");
		return 2;
	}
	if (dur_framework_set_load_dir(set, DUR_SOURCE_DIR "/frameworks", &e) != DUR_OK) {
		fprintf(stderr, "bench_screen: %s\n", e.msg);
		return 1;
	}
	dur_buf_puts(&b, "case_id,age,sector");
	for (size_t f = 0; f < set->nfacts; f++)
		dur_buf_printf(&b, ",%s", scr_fact_name(set, (int)f));
	dur_buf_puts(&b, "\n");
	for (size_t i = 0; i < ncases; i++) {
		unsigned a = (unsigned)(rnd() % 100);
		dur_buf_printf(&b, "c%zu,", i);
		if (a < 85)
			dur_buf_printf(&b, "%u", 14 + (unsigned)(rnd() % 50));
		else if (a < 95)
			dur_buf_puts(&b, "unknown");
		else
			dur_buf_puts(&b, a % 2 ? "minor" : "adult");
		dur_buf_printf(&b, ",%s", sectors[rnd() % 7]);
		for (size_t f = 0; f < set->nfacts; f++) {
			unsigned p = (unsigned)(rnd() % 100);
			dur_buf_puts(&b, p < 15 ? ",yes" : p < 70 ? ",no" : ",");
		}
		dur_buf_puts(&b, "\n");
	}
	if (dur_buf_finish(&b, &csv, &e) != DUR_OK) {
		fprintf(stderr, "bench_screen: %s\n", e.msg);
		return 1;
	}
	printf("bench_screen: %zu cases x %zu frameworks, %zu questions, %d runs\n", ncases,
	       dur_framework_set_count(set), set->nq, runs);
	for (int r = 0; r < runs; r++) {
		dur_screen_batch *batch = NULL;
		dur_screen_summary *sum = dur_screen_summary_alloc();
		size_t counted = 0;
		double t0 = now(), t;
		char *out = NULL;

		if (dur_screen_batch_parse_csv(set, csv, strlen(csv), "bench.csv", &batch, &e)) {
			fprintf(stderr, "bench_screen: %s\n", e.msg);
			return 1;
		}
		for (size_t i = 0; i < dur_screen_batch_count(batch); i++) {
			dur_screen_result *res = NULL;
			if (dur_screen_evaluate(set, dur_screen_batch_case(batch, i), NULL, 0, &res, &e) ||
			    dur_screen_summary_add(sum, dur_screen_batch_case(batch, i), res, &e)) {
				fprintf(stderr, "bench_screen: %s\n", e.msg);
				return 1;
			}
			counted += dur_screen_result_outcome(res, 0)->verdict == DUR_SCREEN_INDICATED;
			dur_screen_result_free(res);
		}
		if (dur_screen_summary_to_text(sum, 10, &out, &e) == DUR_OK)
			free(out);
		t = now() - t0;
		rate[r] = (double)ncases / t;
		printf("run %d: %.3f s, %.0f cases/s (coercion indicated: %zu)\n", r + 1, t, rate[r],
		       counted);
		dur_screen_summary_free(sum);
		dur_screen_batch_free(batch);
	}
	qsort(rate, (size_t)runs, sizeof(rate[0]), cmp_double);
	printf("median: %.0f cases/s (batch mode, all frameworks, parse + screen + summary)\n",
	       rate[runs / 2]);
	free(csv);
	dur_framework_set_free(set);
	return 0;
}
