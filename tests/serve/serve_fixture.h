/*
 * A store and a server for the serve tests (header-only): a fresh store in
 * a temporary folder with a coordinator and a worker, the bundled
 * frameworks, and dur_serve listening on a free loopback port.
 *
 * Argon2id runs with libsodium's smallest limits here (1 pass, 8 KiB) so
 * that a login costs microseconds: the limits are a parameter of the
 * store, and only tests lower them (the defaults are in store.h).
 */
#ifndef DURESS_TEST_SERVE_FIXTURE_H
#define DURESS_TEST_SERVE_FIXTURE_H

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <duress/serve.h>
#include <duress/store.h>
#include "http_client.h"

#define FX_COORD "ana"
#define FX_COORD_PW "coordinator passphrase 1"
#define FX_WORKER "bea"
#define FX_WORKER_PW "worker passphrase 22"

struct fx {
	char dir[256];
	dur_store *store;
	dur_framework_set *set;
	dur_serve *srv;
	unsigned port;
};

static inline void fx_store_params(struct dur_store_params *sp)
{
	dur_store_default_params(sp);
	sp->opslimit = crypto_pwhash_OPSLIMIT_MIN;
	sp->memlimit = crypto_pwhash_MEMLIMIT_MIN;
}

static inline void fx_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

/* Make the store (coordinator and worker) in a new temporary folder. */
static inline int fx_make_store(struct fx *f)
{
	struct dur_store_params sp;
	struct dur_error err = DUR_ERROR_INIT;
	char tmpl[] = "/tmp/duress-serve-test-XXXXXX";

	fx_store_params(&sp);
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/store", tmpl);
	if (dur_store_create(f->dir, FX_COORD, (const unsigned char *)FX_COORD_PW,
			     strlen(FX_COORD_PW), &sp, &err) ||
	    dur_store_open(f->dir, &sp, &f->store, &err) ||
	    dur_store_login(f->store, FX_COORD, (const unsigned char *)FX_COORD_PW,
			    strlen(FX_COORD_PW), NULL, &err) ||
	    dur_store_user_add(f->store, FX_WORKER, DUR_STORE_WORKER,
			       (const unsigned char *)FX_WORKER_PW, strlen(FX_WORKER_PW), 0, &err)) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		return -1;
	}
	dur_store_lock(f->store);
	return 0;
}

static inline int fx_start(struct fx *f, const struct dur_serve_params *p)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_serve_params def;

	memset(f, 0, sizeof(*f));
	if (fx_make_store(f))
		return -1;
	if (!p) {
		dur_serve_default_params(&def);
		def.listen = "127.0.0.1:0";
		p = &def;
	}
	if (!(f->set = dur_framework_set_alloc()) ||
	    dur_framework_set_load_dir(f->set, DUR_SOURCE_DIR "/frameworks", &err) ||
	    dur_serve_alloc(f->store, f->set, p, &f->srv, &err) || dur_serve_listen(f->srv, &err)) {
		fprintf(stderr, "fixture: %s\n", err.msg);
		return -1;
	}
	f->port = dur_serve_port(f->srv);
	return 0;
}

static inline void fx_stop(struct fx *f)
{
	char parent[256], *slash;
	dur_serve_free(f->srv);
	dur_store_free(f->store);
	dur_framework_set_free(f->set);
	fx_rmdir(f->dir);
	snprintf(parent, sizeof(parent), "%s", f->dir);
	if ((slash = strrchr(parent, '/'))) {
		*slash = '\0';
		rmdir(parent);
	}
	memset(f, 0, sizeof(*f));
}

/* The value of a JSON string member "key" in a flat body (test use only). */
static inline int fx_json_str(const char *body, const char *key, char *buf, size_t size)
{
	char pat[80];
	const char *p, *e;
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (!body || !(p = strstr(body, pat)))
		return 0;
	p += strlen(pat);
	if (!(e = strchr(p, '"')) || (size_t)(e - p) >= size)
		return 0;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return 1;
}

/* The session cookie ("duress_session=...") of a response, into buf. */
static inline int fx_cookie(const struct hc_resp *r, char *buf, size_t size)
{
	const char *p = r->head ? strstr(r->head, "duress_session=") : NULL;
	size_t n;
	if (!p)
		return 0;
	n = strcspn(p, ";\r\n");
	if (n >= size)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 1;
}

/* Log in through the API: "Cookie: duress_session=..." and "X-CSRF-Token: ..." lines. */
static inline int fx_login(unsigned port, const char *user, const char *pw, char *cookie_hdr,
			   size_t csize, char *csrf_hdr, size_t tsize)
{
	const char *h[] = { "Content-Type: application/json", NULL };
	struct hc_resp r;
	char body[512], c[200], t[100];
	int ok;

	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	if (hc_request(port, "POST", "/api/login", h, body, strlen(body), &r))
		return -1;
	ok = r.status == 200 && fx_cookie(&r, c, sizeof(c)) && fx_json_str(r.body, "csrf", t,
									  sizeof(t));
	hc_free(&r);
	if (!ok)
		return -1;
	snprintf(cookie_hdr, csize, "Cookie: %s", c);
	snprintf(csrf_hdr, tsize, "X-CSRF-Token: %s", t);
	return 0;
}

#endif
