/*
 * bench_serve - what duress serve costs on this machine: the login's
 * Argon2id (the store's default limits), and requests per second with the
 * 50th and 99th percentile latency for the case list, a screening and a
 * new case, from a few clients on loopback (kept-alive connections).
 * Bounded: at most REQUESTS requests or SECONDS seconds per measurement.
 *
 * usage: bench_serve [CASES [CLIENTS]]   (defaults 200 cases, 4 clients)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include "serve/serve_fixture.h"

#define REQUESTS 4000
#define SECONDS 10.0
#define MAXCLIENTS 16

static struct fx F;
static char COOKIE[256], CSRF[128];
static char (*ids)[16];
static size_t nids;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct job {
	const char *what;     /* "list", "screening", "create" */
	size_t quota;         /* requests for this client */
	double *lat;
	size_t n, errors;
	unsigned seed;
	double t_end;
};

static void *client(void *arg)
{
	struct job *j = arg;
	char extra[512], target[96];
	int fd = hc_connect(F.port);
	snprintf(extra, sizeof(extra), "%s\r\n%s\r\nContent-Type: application/json\r\n", COOKIE, CSRF);
	for (size_t i = 0; i < j->quota && fd >= 0; i++) {
		struct hc_resp r;
		const char *body = NULL, *method = "GET";
		double t0 = now();
		if (t0 > j->t_end)
			break;
		if (strcmp(j->what, "list") == 0) {
			snprintf(target, sizeof(target), "/api/cases");
		} else if (strcmp(j->what, "screening") == 0) {
			j->seed = j->seed * 1103515245u + 12345u;
			snprintf(target, sizeof(target), "/api/cases/%s/screening",
				 ids[(j->seed >> 8) % nids]);
		} else {
			method = "POST";
			snprintf(target, sizeof(target), "/api/cases");
			body = "{\"case_id\":\"bench\",\"age\":30,\"sector\":\"construction\",\"facts\":"
			       "{\"documents_taken\":\"yes\",\"debt_bondage\":\"yes\",\"recruited\":\"yes\"}}";
		}
		if (hc_keepalive(fd, F.port, method, target, extra, body, body ? strlen(body) : 0,
				 &r) != 0) {
			j->errors++;
			close(fd);
			fd = hc_connect(F.port);
			continue;
		}
		if (r.status != 200 && r.status != 201)
			j->errors++;
		j->lat[j->n++] = now() - t0;
		hc_free(&r);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void measure(const char *what, int clients)
{
	struct job jobs[MAXCLIENTS];
	pthread_t th[MAXCLIENTS];
	double t0, t1, *all;
	size_t n = 0, errors = 0;

	t0 = now();
	for (int k = 0; k < clients; k++) {
		memset(&jobs[k], 0, sizeof(jobs[k]));
		jobs[k].what = what;
		jobs[k].quota = REQUESTS / (size_t)clients;
		jobs[k].lat = malloc(jobs[k].quota * sizeof(double));
		jobs[k].seed = 12345u + (unsigned)k;
		jobs[k].t_end = t0 + SECONDS;
		pthread_create(&th[k], NULL, client, &jobs[k]);
	}
	for (int k = 0; k < clients; k++)
		pthread_join(th[k], NULL);
	t1 = now();
	all = malloc(REQUESTS * sizeof(double));
	for (int k = 0; k < clients; k++) {
		memcpy(all + n, jobs[k].lat, jobs[k].n * sizeof(double));
		n += jobs[k].n;
		errors += jobs[k].errors;
		free(jobs[k].lat);
	}
	qsort(all, n, sizeof(double), cmp);
	printf("  %-10s %6zu requests in %5.2f s: %8.0f requests/s, latency p50 %7.2f ms, "
	       "p99 %7.2f ms%s\n", what, n, t1 - t0, n / (t1 - t0), 1e3 * all[n / 2],
	       1e3 * all[(size_t)(0.99 * (double)(n - 1))], errors ? " (errors!)" : "");
	free(all);
}

static void login_time(void)
{
	struct dur_store_params sp;
	struct dur_error err = DUR_ERROR_INIT;
	char tmpl[] = "/tmp/duress-bench-login-XXXXXX", dir[128];
	dur_store *s = NULL;
	double t[5];

	dur_store_default_params(&sp);
	if (!mkdtemp(tmpl))
		return;
	snprintf(dir, sizeof(dir), "%s/s", tmpl);
	if (dur_store_create(dir, "ana", (const unsigned char *)"a benchmark passphrase", 22, &sp,
			     &err) || dur_store_open(dir, &sp, &s, &err)) {
		fprintf(stderr, "bench_serve: %s\n", err.msg);
		return;
	}
	for (int i = 0; i < 5; i++) {
		double t0 = now();
		dur_store_lock(s);
		if (dur_store_login(s, "ana", (const unsigned char *)"a benchmark passphrase", 22, NULL,
				    &err)) {
			fprintf(stderr, "bench_serve: %s\n", err.msg);
			break;
		}
		t[i] = now() - t0;
	}
	qsort(t, 5, sizeof(double), cmp);
	printf("login (Argon2id, %llu passes over %zu MiB, the store's defaults): median %.0f ms "
	       "of 5\n", sp.opslimit, sp.memlimit >> 20, 1e3 * t[2]);
	dur_store_free(s);
	fx_rmdir(dir);
	rmdir(tmpl);
}

int main(int argc, char **argv)
{
	size_t ncases = argc > 1 ? (size_t)atol(argv[1]) : 200;
	int clients = argc > 2 ? atoi(argv[2]) : 4;
	char model[256] = "?";
	FILE *f;

	gsl_set_error_handler_off();
	if (sodium_init() < 0 || ncases < 1 || clients < 1 || clients > MAXCLIENTS)
		return 1;
	if ((f = fopen("/proc/cpuinfo", "r"))) {
		char line[512];
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "model name", 10) == 0) {
				snprintf(model, sizeof(model), "%s", strchr(line, ':') + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		fclose(f);
	}
	printf("bench_serve on %s, %ld cores; loopback, %d clients, kept-alive connections\n",
	       model, sysconf(_SC_NPROCESSORS_ONLN), clients);
	login_time();
	if (fx_start(&F, NULL) ||
	    fx_login(F.port, FX_COORD, FX_COORD_PW, COOKIE, sizeof(COOKIE), CSRF, sizeof(CSRF)))
		return 1;
	ids = calloc(ncases, sizeof(*ids));
	for (size_t i = 0; i < ncases; i++) {
		const char *h[] = { COOKIE, CSRF, "Content-Type: application/json", NULL };
		char body[256];
		struct hc_resp r;
		snprintf(body, sizeof(body), "{\"case_id\":\"c%zu\",\"age\":%zu,\"sector\":\"farm\","
			 "\"facts\":{\"debt_bondage\":\"%s\",\"recruited\":\"yes\"}}", i, 15 + i % 30,
			 i % 3 ? "yes" : "no");
		if (hc_request(F.port, "POST", "/api/cases", h, body, strlen(body), &r) ||
		    !fx_json_str(r.body, "id", ids[nids], sizeof(ids[0])))
			return 1;
		nids++;
		hc_free(&r);
	}
	printf("%zu cases in the store (every record sealed; the list opens each one's meta)\n",
	       nids);
	measure("list", clients);
	measure("screening", clients);
	measure("create", clients);
	free(ids);
	fx_stop(&F);
	return 0;
}
