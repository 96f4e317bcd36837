/*
 * Crash: the server, in a child process, is killed with SIGKILL in the
 * middle of a burst of writes from four clients.  Then the store is opened
 * again: it must pass PRAGMA integrity_check, and every case whose
 * creation was acknowledged (201 with its id) must be there and open.
 * Requests in flight at the kill may be lost; nothing acknowledged may.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "serve_fixture.h"

#define CLIENTS 4
#define KILL_AFTER 40       /* acknowledged creations before the kill */
#define MAX_ACKED 4096

static struct fx F;
static char COOKIE[256], CSRF[128];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char acked[MAX_ACKED][16];
static size_t nacked;
static int stop;

static void *client(void *arg)
{
	const char *h[] = { COOKIE, CSRF, "Content-Type: application/json", NULL };
	char body[256], id[16];
	long k = (long)(intptr_t)arg;
	for (int i = 0; ; i++) {
		struct hc_resp r;
		int ok;
		pthread_mutex_lock(&lock);
		ok = !stop && nacked < MAX_ACKED;
		pthread_mutex_unlock(&lock);
		if (!ok)
			break;
		snprintf(body, sizeof(body), "{\"case_id\":\"c%ld-%d\",\"age\":\"adult\",\"notes\":"
			 "\"burst\",\"facts\":{\"debt_bondage\":\"yes\"}}", k, i);
		if (hc_request(F.port, "POST", "/api/cases", h, body, strlen(body), &r) != 0)
			break;   /* the server is gone */
		if (r.status == 201 && fx_json_str(r.body, "id", id, sizeof(id))) {
			pthread_mutex_lock(&lock);
			if (nacked < MAX_ACKED)
				memcpy(acked[nacked++], id, sizeof(id));
			pthread_mutex_unlock(&lock);
		}
		hc_free(&r);
	}
	return NULL;
}

/* The child: serve the store until killed. */
static void child(int wfd)
{
	struct dur_store_params sp;
	struct dur_serve_params p;
	struct dur_error err = DUR_ERROR_INIT;
	dur_store *store = NULL;
	dur_framework_set *set = dur_framework_set_alloc();
	dur_serve *srv = NULL;
	unsigned port;

	fx_store_params(&sp);
	dur_serve_default_params(&p);
	p.listen = "127.0.0.1:0";
	if (!set || dur_framework_set_load_dir(set, DUR_SOURCE_DIR "/frameworks", &err) ||
	    dur_store_open(F.dir, &sp, &store, &err) || dur_serve_alloc(store, set, &p, &srv, &err) ||
	    dur_serve_listen(srv, &err)) {
		fprintf(stderr, "crash child: %s\n", err.msg);
		_exit(3);
	}
	port = dur_serve_port(srv);
	if (write(wfd, &port, sizeof(port)) != (ssize_t)sizeof(port))
		_exit(4);
	for (;;)
		pause();
}

static void test_serve_crash(void **state)
{
	struct dur_store_params sp;
	struct dur_error err = DUR_ERROR_INIT;
	pthread_t th[CLIENTS];
	int pfd[2], status = 0;
	pid_t pid;
	size_t n;
	(void)state;

	memset(&F, 0, sizeof(F));
	assert_int_equal(fx_make_store(&F), 0);
	dur_store_free(F.store);
	F.store = NULL;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		child(pfd[1]);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &F.port, sizeof(F.port)), (ssize_t)sizeof(F.port));
	close(pfd[0]);
	assert_int_equal(fx_login(F.port, FX_COORD, FX_COORD_PW, COOKIE, sizeof(COOKIE), CSRF,
				  sizeof(CSRF)), 0);
	for (long k = 0; k < CLIENTS; k++)
		assert_int_equal(pthread_create(&th[k], NULL, client, (void *)(intptr_t)k), 0);
	/* wait for the burst to be well under way, then kill the server mid-write */
	for (int i = 0; i < 6000; i++) {
		pthread_mutex_lock(&lock);
		n = nacked;
		pthread_mutex_unlock(&lock);
		if (n >= KILL_AFTER)
			break;
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	}
	assert_true(n >= KILL_AFTER);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	pthread_mutex_lock(&lock);
	stop = 1;
	pthread_mutex_unlock(&lock);
	for (int k = 0; k < CLIENTS; k++)
		pthread_join(th[k], NULL);

	/* open again: sound, and every acknowledged case there */
	fx_store_params(&sp);
	assert_int_equal(dur_store_open(F.dir, &sp, &F.store, &err), 0);
	assert_int_equal(dur_store_check(F.store, &err), 0);
	assert_int_equal(dur_store_login(F.store, FX_COORD, (const unsigned char *)FX_COORD_PW,
					 strlen(FX_COORD_PW), NULL, &err), 0);
	assert_int_equal(dur_store_case_count(F.store, &n, &err), 0);
	assert_true(n >= nacked);
	for (size_t i = 0; i < nacked; i++) {
		char *text = NULL;
		size_t len = 0;
		int found = 0;
		assert_int_equal(dur_store_case_get(F.store, acked[i], &text, &len, &found, &err), 0);
		if (!found)
			fprintf(stderr, "acknowledged case %s is missing\n", acked[i]);
		assert_true(found);
		assert_non_null(strstr(text, "\"notes\":\"burst\""));
		dur_store_wipe_free(text, len);
	}
	fprintf(stderr, "crash: %zu acknowledged, %zu in the store after kill -9\n", nacked, n);
	fx_stop(&F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_crash),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
