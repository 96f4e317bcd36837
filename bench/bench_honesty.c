/*
 * bench_honesty: how honest are the methods?  Tables of known size are
 * drawn (duress simulate's model, and the UK stepwise fit as a generating
 * model), every method estimates each, and for each scenario and method
 * this prints the coverage of the 95% interval, the median relative bias,
 * the median interval width divided by N, and how often the warnings fire
 * (shared catchability; a BCa bound resting on a handful of replicates),
 * then on which side the misses fall ("below": the truth is under the lower
 * bound, "above": over the upper).
 *
 * usage: bench_honesty [TABLES [SCENARIO...]]   (default 200 tables each)
 * With HONESTY_DEFAULT_ONLY set, only the default and the analytic
 * interval (the two the coverage and width goals compare).
 * Monte Carlo error: a coverage near 95% estimated from 200 tables has a
 * standard error of about 1.5 points; a warning rate near 5%, 1.5 points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <duress/estimate.h>
#include <duress/rng.h>
#include <duress/simulate.h>
#include <duress/version.h>
#include "test_util.h"

#define MAXM 16

struct method {
	const char *label, *method, *model;
	int interval;
	int max_lists;       /* skip on tables with more lists (cost) */
	int every;           /* run on every `every`-th table only (cost) */
};

static const struct method methods[] = {
	{ "stepwise BCa (default)", "loglinear", "stepwise", DUR_INTERVAL_BCA, 15, 1 },
	{ "stepwise analytic", "loglinear", "stepwise", DUR_INTERVAL_ANALYTIC, 15, 1 },
	{ "stepwise profile", "loglinear", "stepwise", DUR_INTERVAL_PROFILE, 15, 1 },
	{ "Mt profile", "closed", "mt", DUR_INTERVAL_PROFILE, 15, 1 },
	{ "Mth Chao profile", "closed", "mth-chao", DUR_INTERVAL_PROFILE, 15, 1 },
	{ "bma", "bma", "bma", DUR_INTERVAL_CREDIBLE, 6, 1 },
	{ "lcmcr", "lcmcr", "lcmcr", DUR_INTERVAL_CREDIBLE, 15, 4 },
};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

struct scenario {
	const char *name;
	double N;
	int k;
	double p[8];
	int nclasses;
	double weight[3], mult[3];
	int referral;        /* L2 -> L3 with probability 0.3 */
	int uk;              /* from the UK stepwise fit */
	int catchability;    /* shared catchability by construction */
};

static const struct scenario scenarios[] = {
	{ "independent", 3000, 5, { 0.1, 0.15, 0.12, 0.08, 0.2 }, 0, { 0 }, { 0 }, 0, 0, 0 },
	{ "referral", 3000, 5, { 0.1, 0.15, 0.12, 0.08, 0.2 }, 0, { 0 }, { 0 }, 1, 0, 0 },
	{ "sparse-6", 2000, 6, { 0.06, 0.08, 0.05, 0.07, 0.04, 0.09 }, 0, { 0 }, { 0 }, 0, 0, 0 },
	{ "uk-like", 0, 6, { 0 }, 0, { 0 }, { 0 }, 0, 1, 0 },
	{ "catchability-2", 3000, 5, { 0.1, 0.15, 0.12, 0.08, 0.2 }, 2, { 0.7, 0.3 },
	  { 0.5, 2.5 }, 0, 0, 1 },
	{ "catchability-3", 3000, 5, { 0.1, 0.15, 0.12, 0.08, 0.2 }, 3, { 0.5, 0.3, 0.2 },
	  { 0.4, 1.2, 2.6 }, 0, 0, 1 },
};
#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

/* The UK stepwise fit as a generating model: N and cell probabilities. */
static double uk_N, uk_prob[64];

static int load_uk(void)
{
	size_t len;
	char *csv = test_slurp(test_shared_path("mse/uk.csv"), &len);
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	if (!csv)
		return -1;
	dur_estimate_default_params(&p);
	p.interval = DUR_INTERVAL_NONE;
	p.diagnostics = 0;
	if (dur_estimate_run(csv, len, "uk.csv", &p, &d, NULL) != DUR_OK) {
		free(csv);
		return -1;
	}
	uk_N = floor(d->total.main.estimate + 0.5);
	uk_prob[0] = d->total.main.unseen / d->total.main.estimate;
	for (size_t i = 0; i < d->total.main.ncells; i++)
		uk_prob[d->total.main.cells[i].pattern] = d->total.main.cells[i].fitted /
							  d->total.main.estimate;
	dur_estimate_doc_free(d);
	free(csv);
	return 0;
}

static struct dur_table *draw(const struct scenario *s, uint64_t seed, double *N)
{
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *r = NULL;
	struct dur_table *t;
	struct dur_sim_referral ref = { "L2", "L3", 0.3 };
	double cp[3 * 8];

	if (s->uk) {
		gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
		unsigned cnt[64];
		static const char *names[] = { "LA", "NG", "PF", "GO", "GP", "NCA" };
		gsl_rng_set(rng, dur_rng_seed(seed));
		gsl_ran_multinomial(rng, 64, (unsigned)uk_N, uk_prob, cnt);
		gsl_rng_free(rng);
		t = dur_table_alloc(6);
		for (int i = 0; i < 6; i++)
			dur_table_set_name(t, i, names[i]);
		for (unsigned c = 1; c < 64; c++)
			t->count[c] = cnt[c];
		*N = uk_N;
		return t;
	}
	sp.N = s->N;
	sp.k = s->k;
	sp.seed = seed;
	sp.table_only = 1;
	if (s->nclasses) {
		for (int c = 0; c < s->nclasses; c++)
			for (int j = 0; j < s->k; j++)
				cp[c * s->k + j] = fmin(1, s->p[j] * s->mult[c]);
		sp.nclasses = s->nclasses;
		sp.class_weight = s->weight;
		sp.class_p = cp;
	} else {
		sp.p = s->p;
	}
	if (s->referral) {
		sp.nref = 1;
		sp.ref = &ref;
	}
	if (dur_sim_run(&sp, &r, NULL) != DUR_OK)
		return NULL;
	t = dur_table_clone(r->table);
	dur_sim_result_free(r);
	*N = s->N;
	return t;
}

/* The table as CSV text, for the whole job (diagnostics included). */
static char *csv_of(const struct dur_table *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	dur_table_write_csv(t, f, NULL);
	fclose(f);
	return buf;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *x, size_t n)
{
	if (!n)
		return NAN;
	qsort(x, n, sizeof(double), cmp);
	return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* The Monte Carlo error of the BCa bounds relative to the width, as
 * loglinear.c estimates it (for calibrating its warning). */
static void print_mcse(const struct dur_estimate_result *e)
{
	size_t n = 0, B = e->interval.nestimates;
	double *s = malloc(B * sizeof(double)), width = e->interval.upper - e->interval.lower;
	double worst = 0;
	for (size_t i = 0; i < B; i++)
		if (isfinite(e->interval.estimates[i]))
			s[n++] = e->interval.estimates[i];
	qsort(s, n, sizeof(double), cmp);
	for (int b = 0; b < 2; b++) {
		double bound = b ? e->interval.upper : e->interval.lower, below = 0, pos, sd, se;
		long lo, hi;
		for (size_t i = 0; i < n; i++)
			below += s[i] < bound;
		pos = below;
		sd = sqrt(below * (1 - below / (double)n));
		lo = (long)floor(pos - sd);
		hi = (long)ceil(pos + sd);
		if (lo < 0) lo = 0;
		if (hi > (long)n - 1) hi = (long)n - 1;
		se = hi > lo ? 0.5 * (s[hi] - s[lo]) : 0;
		if (se / width > worst)
			worst = se / width;
	}
	fprintf(stderr, "mcse %.4f\n", worst);
	free(s);
}

static int has_warning(const struct dur_estimate_result *r, const char *word)
{
	for (size_t i = 0; i < r->warnings.n; i++)
		if (strstr(r->warnings.s[i], word))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int tables = argc > 1 ? atoi(argv[1]) : 200;
	double *bias = malloc((size_t)tables * sizeof(double));
	double *width = malloc((size_t)tables * sizeof(double));

	if (dur_library_init() != 0 || !bias || !width)
		return 1;
	if (!test_have_shared() || load_uk() != 0) {
		fprintf(stderr, "bench_honesty: needs ../shared/data/mse/uk.csv\n");
		return 77;
	}
	printf("duress %s, %d tables per scenario; 95%% intervals\n", dur_version(), tables);
	printf("%-16s %-24s %6s %8s %8s %8s %8s %6s\n", "scenario", "method", "tables", "covers",
	       "bias", "width/N", "catch.w", "bca.w");
	for (size_t si = 0; si < NSCEN; si++) {
		const struct scenario *s = &scenarios[si];
		int want = argc <= 2;
		for (int a = 2; a < argc; a++)
			want |= strcmp(argv[a], s->name) == 0;
		if (!want)
			continue;
		for (size_t mi = 0; mi < NMETHODS; mi++) {
			const struct method *m = &methods[mi];
			int n = 0, covered = 0, warned = 0, bcaw = 0, low = 0, high = 0;
			size_t nb = 0, nw = 0;
			clock_t t0 = clock();
			if (s->k > m->max_lists)
				continue;
			if (getenv("HONESTY_DEFAULT_ONLY") && mi > 1)
				continue;
			for (int r = 0; r < tables; r += m->every) {
				double N;
				struct dur_table *t = draw(s, 1000 * (si + 1) + (uint64_t)r, &N);
				struct dur_estimate_params p;
				struct dur_estimate_doc *d = NULL;
				size_t len;
				char *csv;
				if (!t)
					continue;
				csv = csv_of(t, &len);
				dur_estimate_default_params(&p);
				p.method = m->method;
				p.model = m->model;
				p.interval = m->interval;
				p.seed = (uint64_t)r + 1;
				p.diagnostics = mi == 0;   /* the warnings of the default */
				if (csv && dur_estimate_run(csv, len, "t.csv", &p, &d, NULL) == DUR_OK &&
				    d->total.main.have_estimate) {
					const struct dur_estimate_result *e = &d->total.main;
					n++;
					bias[nb++] = (e->estimate - N) / N;
					if (e->interval.have) {
						covered += e->interval.lower <= N &&
							   (e->interval.upper_open || N <= e->interval.upper);
						low += N < e->interval.lower;
						high += !e->interval.upper_open && N > e->interval.upper;
						width[nw++] = (e->interval.upper - e->interval.lower) / N;
					}
					warned += d->total.catchability.warn;
					bcaw += has_warning(e, "changes from seed to seed");
					if (mi == 0 && e->interval.nestimates && getenv("HONESTY_MCSE"))
						print_mcse(e);
				}
				dur_estimate_doc_free(d);
				free(csv);
				dur_table_free(t);
			}
			printf("%-16s %-24s %6d %7.1f%% %+7.1f%% %8.3f", s->name, m->label, n,
			       n ? 100.0 * covered / n : NAN, 100 * median(bias, nb), median(width, nw));
			if (mi == 0)
				printf(" %7.1f%% %5.1f%%", n ? 100.0 * warned / n : NAN,
				       n ? 100.0 * bcaw / n : NAN);
			printf("   below %d above %d (%.1f s)\n", low, high,
			       (double)(clock() - t0) / CLOCKS_PER_SEC);
			fflush(stdout);
		}
	}
	free(bias);
	free(width);
	return 0;
}
