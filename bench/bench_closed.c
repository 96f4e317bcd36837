/*
 * bench_closed: time to fit all twelve closed-population models (Rcapture's
 * closedp.t table) and to compute the ten profile-likelihood intervals
 * (closedpCI.t) on a table, by default the UK one (6 lists, 2744 people).
 * Prints medians of repeated runs and the machine's processor.
 * usage: bench_closed [TABLE.csv] [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <duress/closed.h>
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

static void cpu_name(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	snprintf(buf, size, "unknown processor");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *p = strchr(line, ':');
			if (p) {
				snprintf(buf, size, "%s", p + 2);
				buf[strcspn(buf, "\n")] = '\0';
			}
			break;
		}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : DUR_SHARED_DIR "/data/mse/uk.csv";
	int runs = argc > 2 ? atoi(argv[2]) : 51;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_table_set *set = NULL;
	struct dur_closed_fit fit[DUR_CLOSED_NMODELS];
	double *tf, *tp;
	char cpu[128], *buf;
	size_t len = 0;

	gsl_set_error_handler_off();
	if (runs < 1)
		runs = 1;
	buf = test_slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_closed: cannot read '%s'\n", path);
		return 1;
	}
	if (dur_table_read_csv(buf, len, path, NULL, &set, &e) != DUR_OK) {
		fprintf(stderr, "bench_closed: %s\n", e.msg);
		return 1;
	}
	free(buf);
	tf = malloc((size_t)runs * sizeof(double));
	tp = malloc((size_t)runs * sizeof(double));
	if (!tf || !tp)
		return 1;
	for (int m = 0; m < DUR_CLOSED_NMODELS; m++) {
		struct dur_closed_fit z = DUR_CLOSED_FIT_INIT;
		fit[m] = z;
	}
	for (int r = 0; r < runs; r++) {
		double t0 = now();
		if (dur_closed_fit_all(set->total, NULL, fit, &e) != DUR_OK) {
			fprintf(stderr, "bench_closed: %s\n", e.msg);
			return 1;
		}
		tf[r] = now() - t0;
	}
	for (int r = 0; r < runs; r++) {
		double t0 = now();
		for (int m = 0; m < DUR_CLOSED_NMODELS; m++) {
			struct dur_closed_interval ci;
			if (!dur_closed_model_has_profile((enum dur_closed_model)m) || !fit[m].ok)
				continue;
			if (dur_closed_profile(set->total, (enum dur_closed_model)m, 0.95, NULL,
					       &ci, &e) != DUR_OK) {
				fprintf(stderr, "bench_closed: %s\n", e.msg);
				return 1;
			}
		}
		tp[r] = now() - t0;
	}
	cpu_name(cpu, sizeof(cpu));
	printf("bench_closed on %s (%d lists, %.0f people), %d runs, %s\n", path,
	       set->total->k, dur_table_observed(set->total), runs, cpu);
	printf("all 12 models (closedp.t):        median %8.3f ms\n", 1e3 * median(tf, runs));
	printf("10 profile intervals (closedpCI): median %8.3f ms\n", 1e3 * median(tp, runs));
	for (int m = 0; m < DUR_CLOSED_NMODELS; m++)
		dur_closed_fit_release(&fit[m]);
	free(tf);
	free(tp);
	dur_table_set_free(set);
	return 0;
}
