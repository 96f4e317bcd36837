/*
 * bench_lists15: the default estimate (stepwise, BCa with 1000 replicates,
 * diagnostics) on 15-list tables of 50,000 people, as `duress simulate
 * --n 50000` with 15 lists makes them, timed from the CSV text to the
 * document, wall-clock and CPU (issue 12: under 60 s on two cores).
 *
 * usage: bench_lists15 [THREADS [TABLES]]   (defaults 2 and 3)
 * Each table: every list's chance 0.115 (about 42,000 people seen), seeds
 * 1, 2, ...; the lines give the people seen, the model's terms, the time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <duress/estimate.h>
#include <duress/simulate.h>
#include <duress/table.h>

static double wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 2;
	int ntables = argc > 2 ? atoi(argv[2]) : 3;
	double p[15];

	for (int j = 0; j < 15; j++)
		p[j] = 0.115;
	printf("bench_lists15: default estimate (stepwise, BCa 1000 replicates, diagnostics), "
	       "15 lists, N = 50000, %d threads\n", threads);
	printf("%-6s %8s %7s %10s %10s  %s\n", "table", "seen", "terms", "wall (s)", "cpu (s)",
	       "estimate [interval]");
	for (int s = 1; s <= ntables; s++) {
		struct dur_sim_params sp = dur_sim_default_params();
		struct dur_sim_result *r = NULL;
		struct dur_estimate_params ep;
		struct dur_estimate_doc *d = NULL;
		struct dur_error e = DUR_ERROR_INIT;
		char *buf = NULL;
		size_t len = 0;
		FILE *f;
		double w0, c0;

		sp.N = 50000;
		sp.k = 15;
		sp.p = p;
		sp.seed = (uint64_t)s;
		sp.table_only = 1;
		if (dur_sim_run(&sp, &r, &e) != DUR_OK) {
			fprintf(stderr, "bench_lists15: %s\n", e.msg);
			return 1;
		}
		f = open_memstream(&buf, &len);
		if (!f || dur_table_write_csv(r->table, f, &e) != DUR_OK) {
			fprintf(stderr, "bench_lists15: cannot write the table\n");
			return 1;
		}
		fclose(f);
		dur_estimate_default_params(&ep);
		ep.threads = threads;
		ep.seed = 1;
		w0 = wall();
		c0 = cpu();
		if (dur_estimate_run(buf, len, "lists15.csv", &ep, &d, &e) != DUR_OK) {
			fprintf(stderr, "bench_lists15: %s\n", e.msg);
			return 1;
		}
		printf("%-6d %8.0f %7zu %10.1f %10.1f  %.0f [%.0f, %.0f]\n", s,
		       dur_table_observed(r->table), d->total.main.nterms, wall() - w0, cpu() - c0,
		       d->total.main.estimate, d->total.main.interval.lower, d->total.main.interval.upper);
		fflush(stdout);
		dur_estimate_doc_free(d);
		dur_sim_result_free(r);
		free(buf);
	}
	return 0;
}
