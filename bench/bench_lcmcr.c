/*
 * bench_lcmcr: speed of the latent-class sampler (duress/lcmcr.h) on the UK
 * table (6 lists, 2744 people, 25 observed cells), against LCMCR 0.4.14's
 * 2.3 s for the same chain (issue 12: lcmCR(K = 10, a_alpha = 0.25,
 * b_alpha = 0.25) then lcmCR_PostSampl(burnin = 10000, samples = 1000,
 * thinning = 100); that is LCMCR's 500 initial sweeps plus 110,000).
 *
 * Prints medians of repeated runs, wall-clock and CPU time (the machine is
 * shared: CPU time is what the chain itself costs), for
 *   - one chain of 500 + 110,000 sweeps, one thread (the goal is
 *     under 0.23 s), with the default generator (taus2) and MT19937;
 *   - the default run: 4 chains on 2 threads, and on 1 thread.
 * usage: bench_lcmcr [TABLE.csv] [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <duress/lcmcr.h>
#include <duress/table.h>
#include "test_util.h"   /* test_slurp: whole-file reads */

#define LCMCR_SECONDS 2.3   /* issue 12, LCMCR 0.4.14, one chain on UK */

static double now(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
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

/* One run; wall and process CPU seconds; the pooled median of N. */
static int one(const struct dur_table *t, const struct dur_lcmcr_params *p, double *wall,
	       double *cpu, double *med)
{
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_lcmcr_result r;
	double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	dur_lcmcr *s = dur_lcmcr_alloc(t, p, &e);
	dur_err rc;
	if (!s) {
		fprintf(stderr, "bench_lcmcr: %s\n", e.msg);
		return -1;
	}
	while ((rc = dur_lcmcr_iterate(s, 0, &e)) == DUR_CONTINUE)
		;
	*wall = now(CLOCK_MONOTONIC) - w0;
	*cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc != DUR_OK || dur_lcmcr_result(s, &r, &e) != DUR_OK) {
		fprintf(stderr, "bench_lcmcr: %s\n", e.msg);
		dur_lcmcr_free(s);
		return -1;
	}
	*med = r.median;
	dur_lcmcr_free(s);
	return 0;
}

static int series(const char *what, const struct dur_table *t, const struct dur_lcmcr_params *p,
		  int runs)
{
	double wall[64], cpu[64], med = 0.0, wm, cm;
	size_t sweeps = p->warmup + p->burnin + p->draws * p->thin;
	int i;
	for (i = 0; i < runs; i++) {
		struct dur_lcmcr_params q = *p;
		q.seed = p->seed + (uint64_t)i;   /* chains differ run to run */
		if (one(t, &q, &wall[i], &cpu[i], &med) != 0)
			return -1;
	}
	wm = median(wall, runs);
	cm = median(cpu, runs);
	printf("%-44s wall %6.3f s  cpu %6.3f s  (%.2f us/sweep/chain)  LCMCR/wall %5.1fx\n", what,
	       wm, cm, 1e6 * cm / ((double)sweeps * p->chains), LCMCR_SECONDS * p->chains / wm);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : DUR_SHARED_DIR "/data/mse/uk.csv";
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_table_set *set = NULL;
	struct dur_lcmcr_params p = dur_lcmcr_default_params();
	char *buf, model[256] = "unknown";
	size_t len = 0;
	double load[3] = { 0, 0, 0 };
	FILE *f;
	int rc = 0;

	gsl_set_error_handler_off();
	if (runs < 1 || runs > 64)
		runs = 5;
	buf = test_slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "bench_lcmcr: cannot read '%s' (the shared data lives beside the "
				"checkout as ../shared)\n", path);
		return 1;
	}
	if (dur_table_read_csv(buf, len, path, NULL, &set, &e) != DUR_OK) {
		fprintf(stderr, "bench_lcmcr: %s\n", e.msg);
		free(buf);
		return 1;
	}
	free(buf);
	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		char line[512];
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "model name", 10) == 0) {
				char *c = strchr(line, ':');
				if (c) {
					snprintf(model, sizeof(model), "%s", c + 2);
					model[strcspn(model, "\n")] = '\0';
				}
				break;
			}
		fclose(f);
	}
	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = load[1] = load[2] = 0;
		fclose(f);
	}
	printf("bench_lcmcr: %s, %d lists, %.0f observed; %s, %ld cores, load %.2f; "
	       "medians of %d runs\n", path, set->total->k, dur_table_observed(set->total),
	       model, sysconf(_SC_NPROCESSORS_ONLN), load[0], runs);
	printf("LCMCR 0.4.14 reference: %.1f s for one chain (issue 12)\n", LCMCR_SECONDS);

	p.chains = 1;
	p.threads = 1;
	rc |= series("1 chain, 110,500 sweeps, taus2 (default)", set->total, &p, runs);
	p.rng_type = gsl_rng_mt19937;
	rc |= series("1 chain, 110,500 sweeps, MT19937", set->total, &p, runs);
	p = dur_lcmcr_default_params();
	rc |= series("4 chains on 2 threads (the defaults)", set->total, &p, runs);
	p.threads = 1;
	rc |= series("4 chains on 1 thread", set->total, &p, runs);
	dur_table_set_free(set);
	return rc ? 1 : 0;
}
