/*
 * bench_mse: timings of the estimation engine on the UK table (6 lists,
 * 2744 people): one fit, stepwise selection, the exhaustive 6-list search,
 * and the 1000-replicate BCa bootstrap.  Prints medians of repeated runs.
 * usage: bench_mse [TABLE.csv] [threads]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <duress/mse.h>
#include <duress/table.h>
#include "test_util.h"   /* test_slurp: whole-file reads */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmpd);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : DUR_SHARED_DIR "/data/mse/uk.csv";
	int threads = argc > 2 ? atoi(argv[2]) : 2;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_table_set *set = NULL;
	struct dur_mse_select_params sp;
	struct dur_mse_fit *fit;
	dur_mse_work *w;
	double tm[31], n;
	char *buf;
	size_t len = 0;

	gsl_set_error_handler_off();
	buf = test_slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_mse: cannot read '%s'\n", path);
		return 1;
	}
	if (dur_table_read_csv(buf, len, path, NULL, &set, &e) != DUR_OK) {
		fprintf(stderr, "bench_mse: %s\n", e.msg);
		return 1;
	}
	w = dur_mse_work_alloc(set->total->k, NULL);
	fit = dur_mse_fit_alloc(set->total->k);
	n = dur_table_observed(set->total);
	printf("bench_mse: %s (%d lists, %.0f people), %ld cores online\n", path,
	       set->total->k, n, sysconf(_SC_NPROCESSORS_ONLN));

	/* one fit of the main-effects model (existence cached after the first) */
	for (int r = 0; r < 31; r++) {
		struct dur_mse_model m;
		double t0 = now();
		dur_mse_model_main(&m, set->total->k);
		for (int i = 0; i < 100; i++)
			dur_mse_fit_model(w, set->total, &m, fit, &e);
		tm[r] = (now() - t0) / 100;
	}
	printf("one fit (main effects):          median %.1f us\n", median(tm, 31) * 1e6);

	dur_mse_select_default_params(&sp, set->total->k);
	for (int r = 0; r < 11; r++) {
		struct dur_mse_selection s;
		dur_mse_work *w2 = dur_mse_work_alloc(set->total->k, NULL);  /* cold cache */
		double t0 = now();
		dur_mse_select(w2, set->total, &sp, &s, &e);
		tm[r] = now() - t0;
		dur_mse_selection_release(&s);
		dur_mse_work_free(w2);
	}
	printf("stepwise selection (cold):       median %.2f ms\n", median(tm, 11) * 1e3);

	if (set->total->k <= 6) {
		sp.method = DUR_MSE_AIC;
		sp.threads = threads;
		for (int r = 0; r < 3; r++) {
			struct dur_mse_selection s;
			dur_mse_work *w2 = dur_mse_work_alloc(set->total->k, NULL);
			double t0 = now();
			dur_mse_select(w2, set->total, &sp, &s, &e);
			tm[r] = now() - t0;
			if (r == 0)
				printf("exhaustive search:               %zu models, %zu without an MLE\n",
				       s.nconsidered, s.nnomle);
			dur_mse_selection_release(&s);
			dur_mse_work_free(w2);
		}
		printf("exhaustive AIC search, %d threads: median %.3f s\n", threads, median(tm, 3));
		sp.method = DUR_MSE_STEPWISE;
		sp.threads = 1;
	}

	for (int r = 0; r < 5; r++) {
		double t0 = now(), lo, hi;
		struct dur_mse_bca_info info;
		dur_mse_boot *b = dur_mse_boot_alloc(set->total, &sp, NULL, 1000, 1000 + (uint64_t)r,
						     threads, &e);
		while (dur_mse_boot_iterate(b, 1000, &e) == DUR_CONTINUE)
			;
		dur_mse_boot_interval(b, 11417.9910915, 0.95, &lo, &hi, &info, &e);
		tm[r] = now() - t0;
		dur_mse_boot_free(b);
	}
	printf("BCa, 1000 replicates, %d threads: median %.3f s (SparseMSE: 247 s)\n", threads,
	       median(tm, 5));
	dur_mse_fit_free(fit);
	dur_mse_work_free(w);
	dur_table_set_free(set);
	free(buf);
	return 0;
}
