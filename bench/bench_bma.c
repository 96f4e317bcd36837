/*
 * bench_bma: timings of the model averaging over decomposable graphs
 * (duress/bma.h) at 5, 6 and 7 lists: the shared 5- and 6-list tables
 * (uk_5, netherlands_5, uk, netherlands) and two simulated 7-list tables
 * of N = 3000 (dur_sim_run, seed 2024): "moderate" (capture
 * probabilities 0.15-0.35 and a referral from L1 to L2 with probability
 * 0.3) and "sparse" (0.05 on every list).  Prints the median wall-clock
 * and CPU time of repeated runs with the thread count used, and how much
 * of the graphs x grid the pruning left to evaluate.
 * Goals (issue 12): 6 lists under 1 s and 7 lists under 60 s on two cores.
 * usage: bench_bma [threads]   (default: 2, and 1 for comparison)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <duress/bma.h>
#include <duress/simulate.h>
#include <duress/table.h>
#include "test_util.h"   /* test_slurp: whole-file reads */

static double now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
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

static struct dur_table *load(const char *rel)
{
	char path[4096];
	size_t len = 0;
	char *buf;
	struct dur_table_set *s = NULL;
	struct dur_table *t;
	struct dur_error e = DUR_ERROR_INIT;
	snprintf(path, sizeof(path), "%s/data/mse/%s", DUR_SHARED_DIR, rel);
	buf = test_slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_bma: cannot read '%s'\n", path);
		return NULL;
	}
	if (dur_table_read_csv(buf, len, path, NULL, &s, &e) != DUR_OK) {
		fprintf(stderr, "bench_bma: %s\n", e.msg);
		free(buf);
		return NULL;
	}
	free(buf);
	t = s->total;
	s->total = NULL;
	dur_table_set_free(s);
	return t;
}

static struct dur_table *simulate7(int sparse)
{
	static const double pmod[7] = { 0.3, 0.25, 0.2, 0.35, 0.15, 0.3, 0.2 };
	static const double psparse[7] = { 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05 };
	static const struct dur_sim_referral ref[1] = { { "L1", "L2", 0.3 } };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_table *t;
	sp.N = 3000;
	sp.k = 7;
	sp.p = sparse ? psparse : pmod;
	sp.nref = sparse ? 0 : 1;
	sp.ref = ref;
	sp.seed = 2024;
	sp.table_only = 1;
	if (dur_sim_run(&sp, &r, &e) != DUR_OK) {
		fprintf(stderr, "bench_bma: %s\n", e.msg);
		return NULL;
	}
	t = r->table;
	r->table = NULL;
	dur_sim_result_free(r);
	return t;
}

static int bench(const char *name, const struct dur_table *t, int threads, int runs)
{
	struct dur_bma_params p = dur_bma_default_params();
	struct dur_bma_result r;
	struct dur_error e = DUR_ERROR_INIT;
	double wall[9], cpu[9];
	p.threads = threads;
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < runs; i++) {
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		dur_bma_result_release(&r);
		if (dur_bma_run(t, &p, &r, &e) != DUR_OK) {
			fprintf(stderr, "bench_bma: %s: %s\n", name, e.msg);
			return 1;
		}
		wall[i] = now(CLOCK_MONOTONIC) - w0;
		cpu[i] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	printf("%-14s %d lists  n %5.0f  %6llu graphs  grid %6zu (kept %6zu)  evaluated %5.1f%%  "
	       "%d thr: wall %7.3f s  cpu %7.3f s  (median of %d)  N %g [%g, %g], neglected <= %.1e\n",
	       name, t->k, r.observed, (unsigned long long)r.ngraphs, r.ngrid, r.kept_points,
	       100.0 * (double)r.evaluated / ((double)r.ngraphs * (double)r.ngrid), threads,
	       median(wall, runs), median(cpu, runs), runs, r.median, r.lower, r.upper, r.neglected);
	fflush(stdout);
	dur_bma_result_release(&r);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *files[] = { "uk_5.csv", "netherlands_5.csv", "uk.csv", "netherlands.csv" };
	int threads = argc > 1 ? atoi(argv[1]) : 2, rc = 0;
	struct dur_table *t;

	gsl_set_error_handler_off();
	if (threads < 1 || threads > DUR_BMA_MAX_THREADS) {
		fprintf(stderr, "usage: bench_bma [threads]\n");
		return 2;
	}
	printf("bench_bma: %ld cores online; wall = elapsed, cpu = all threads' CPU time\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]) && !rc; f++) {
		if (!(t = load(files[f])))
			return 1;
		rc |= bench(files[f], t, threads, 5);
		if (argc <= 1 && t->k == 6)
			rc |= bench(files[f], t, 1, 3);
		dur_table_free(t);
	}
	for (int sparse = 0; sparse < 2 && !rc; sparse++) {
		if (!(t = simulate7(sparse)))
			return 1;
		rc |= bench(sparse ? "sim7 sparse" : "sim7 moderate", t, threads, 3);
		if (argc <= 1 && !sparse)
			rc |= bench("sim7 moderate", t, 1, 3);
		dur_table_free(t);
	}
	return rc;
}
