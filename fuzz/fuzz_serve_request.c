/*
 * libFuzzer target: one HTTP request into duress serve's handler
 * (dur_serve_handle, what the HTTP server calls), reaching the parsers of
 * request targets, query strings, urlencoded and multipart forms, cookies
 * and JSON bodies, and every route behind them, logged in.
 *
 * Input: a first byte of flags, then "METHOD TARGET\n", header lines
 * "Name: value\n" up to an empty line, and the body.  Flags add what a
 * logged-in browser would send: 1 the session cookie, 2 the X-CSRF-Token
 * header, 4 a valid Host header, 8 "csrf=TOKEN&" before an urlencoded
 * body.  "@ID@" in the target or body becomes the id of a case that
 * exists, "@CSRF@" the session's CSRF token (for multipart forms).  Any
 * response is fine; a crash, a leak or undefined behaviour is not.  After
 * a request by any method but GET and HEAD, the session and the case are
 * checked and, if gone, made again, so that every input starts logged in.
 * The store is a temporary folder with tiny Argon2id limits and
 * synchronous=OFF (speed; nothing here tests durability).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include <duress/screen.h>
#include <duress/serve.h>
#include <duress/store.h>
#include "fuzz_screen_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PW "fuzzing coordinator pw"

static dur_framework_set *set;
static dur_store *store;
static dur_serve *srv;
static char dir[128], cookie[128], csrf[64], case_id[16];

static int handle(const char *method, const char *target, const struct dur_serve_header *h,
		  size_t nh, const char *body, size_t blen, struct dur_serve_response *resp)
{
	struct dur_serve_request rq;
	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.target = target;
	rq.headers = h;
	rq.nheaders = nh;
	rq.body = body;
	rq.body_len = blen;
	rq.peer = "127.0.0.1";
	return dur_serve_handle(srv, &rq, resp, NULL) == DUR_OK ? resp->status : -1;
}

static int value(const char *body, const char *key, char *buf, size_t size)
{
	char pat[32];
	const char *p, *e;
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (!body || !(p = strstr(body, pat)) || !(e = strchr(p += strlen(pat), '"')) ||
	    (size_t)(e - p) >= size)
		return 0;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return 1;
}

static int login(void)
{
	const struct dur_serve_header h[] = { { "Host", "127.0.0.1:8080" },
					      { "Content-Type", "application/json" } };
	const char *b = "{\"user\":\"ana\",\"password\":\"" PW "\"}";
	struct dur_serve_response r;
	const char *sc;
	int ok = handle("POST", "/api/login", h, 2, b, strlen(b), &r) == 200 &&
		 (sc = dur_serve_response_header(&r, "Set-Cookie")) &&
		 value(r.body, "csrf", csrf, sizeof(csrf));
	if (ok)
		snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(sc, ";"), sc);
	dur_serve_response_release(&r);
	return ok ? 0 : -1;
}

static char parent[128];

static void teardown(void)
{
	char p[256];
	dur_serve_free(srv);
	dur_store_free(store);
	srv = NULL;
	store = NULL;
	snprintf(p, sizeof(p), "%s/" DUR_STORE_FILE, dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" DUR_STORE_FILE "-wal", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" DUR_STORE_FILE "-shm", dir);
	unlink(p);
	rmdir(dir);
	rmdir(parent);
}

/* Make the case the inputs name by "@ID@" (after setup, or after an input deleted it). */
static int make_case(void)
{
	const struct dur_serve_header h[] = { { "Host", "127.0.0.1:8080" },
					      { "Cookie", cookie },
					      { "X-CSRF-Token", csrf },
					      { "Content-Type", "application/json" } };
	struct dur_serve_response r;
	const char *c = "{\"case_id\":\"f\",\"age\":\"minor\",\"facts\":{\"commercial_sex\":\"yes\"}}";
	int ok = handle("POST", "/api/cases", h, 4, c, strlen(c), &r) == 201 &&
		 value(r.body, "id", case_id, sizeof(case_id));
	dur_serve_response_release(&r);
	return ok ? 0 : -1;
}

static int setup(void)
{
	struct dur_store_params sp;
	struct dur_serve_params p;
	char tmpl[] = "/tmp/duress-fuzz-serve-XXXXXX";

	dur_store_default_params(&sp);
	sp.opslimit = crypto_pwhash_OPSLIMIT_MIN;
	sp.memlimit = crypto_pwhash_MEMLIMIT_MIN;
	sp.durable = 0;
	/* few cases: a list of cases is read whole on many routes, and a
	 * full store and a record too long are paths worth fuzzing too */
	sp.max_cases = 6;
	sp.max_record = 4096;
	dur_serve_default_params(&p);
	p.max_body = 64 << 10;
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(parent, sizeof(parent), "%s", tmpl);
	snprintf(dir, sizeof(dir), "%s/s", tmpl);
	if (dur_store_create(dir, "ana", (const unsigned char *)PW, strlen(PW), &sp, NULL) ||
	    dur_store_open(dir, &sp, &store, NULL) || dur_serve_alloc(store, set, &p, &srv, NULL) ||
	    login() || make_case())
		return -1;
	return 0;
}

static int case_there(void)
{
	const struct dur_serve_header h[] = { { "Host", "127.0.0.1:8080" }, { "Cookie", cookie } };
	struct dur_serve_response r;
	char target[64];
	int ok;
	snprintf(target, sizeof(target), "/api/cases/%s", case_id);
	ok = handle("GET", target, h, 2, NULL, 0, &r) == 200;
	dur_serve_response_release(&r);
	return ok;
}

/* After an input that logged out, deleted the case or reset the password:
 * back to a known state, making the store again only when the password
 * no longer logs in.  What earlier inputs stored is read by later ones, so
 * every 4,096 edits the store is made again too: no input's cost grows
 * with the length of the run. */
static void ensure_session(void)
{
	static unsigned edits;
	if (++edits % 4096 != 0 &&
	    (case_there() || (login() == 0 && (case_there() || make_case() == 0))))
		return;
	teardown();
	if (setup())
		abort();
}

/* s with every "@ID@" and "@CSRF@" replaced (a new string). */
static char *subst(const char *s, size_t len, size_t *olen)
{
	char *o = malloc(len * 8 + 1);
	size_t n = 0;
	if (!o)
		abort();
	for (size_t i = 0; i < len; ) {
		if (i + 4 <= len && memcmp(s + i, "@ID@", 4) == 0) {
			memcpy(o + n, case_id, strlen(case_id));
			n += strlen(case_id);
			i += 4;
		} else if (i + 6 <= len && memcmp(s + i, "@CSRF@", 6) == 0) {
			memcpy(o + n, csrf, strlen(csrf));
			n += strlen(csrf);
			i += 6;
		} else {
			o[n++] = s[i++];
		}
	}
	o[n] = '\0';
	*olen = n;
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dur_serve_header h[80];
	struct dur_serve_response resp;
	char *text, *line, *p, *method, *target, *body, *b2 = NULL;
	size_t nh = 0, tl, blen;
	unsigned flags;

	if (!set) {
		set = dur_framework_set_alloc();
		if (!set || sodium_init() < 0 ||
		    dur_framework_set_load_bank(set, FUZZ_BANK, strlen(FUZZ_BANK), "bank", NULL) ||
		    dur_framework_set_add(set, FUZZ_FW, strlen(FUZZ_FW), "fw", NULL) || setup())
			abort();
		atexit(teardown);   /* leave no store behind in /tmp */
	}
	if (size < 2)
		return 0;
	flags = data[0];
	text = subst((const char *)data + 1, size - 1, &tl);
	/* the request line */
	p = memchr(text, '\n', tl);
	if (!p || memchr(text, '\0', (size_t)(p - text))) {
		free(text);
		return 0;
	}
	*p = '\0';
	method = text;
	if (!(target = strchr(text, ' '))) {
		free(text);
		return 0;
	}
	*target++ = '\0';
	line = p + 1;
	/* headers, up to an empty line */
	while (line < text + tl && *line != '\n' && nh < 70) {
		char *e = memchr(line, '\n', (size_t)(text + tl - line)), *colon;
		if (!e)
			break;
		*e = '\0';
		if (strlen(line) == (size_t)(e - line) && (colon = strchr(line, ':'))) {
			*colon = '\0';
			h[nh].name = line;
			h[nh].value = colon[1] == ' ' ? colon + 2 : colon + 1;
			nh++;
		}
		line = e + 1;
	}
	if (line < text + tl && *line == '\n')
		line++;
	body = line;
	blen = (size_t)(text + tl - line);
	if (flags & 1)
		h[nh++] = (struct dur_serve_header){ "Cookie", cookie };
	if (flags & 2)
		h[nh++] = (struct dur_serve_header){ "X-CSRF-Token", csrf };
	if (flags & 4)
		h[nh++] = (struct dur_serve_header){ "Host", "127.0.0.1:8080" };
	if (flags & 8) {
		b2 = malloc(blen + 80);
		if (!b2)
			abort();
		blen = (size_t)snprintf(b2, 80, "csrf=%s&", csrf) + blen;
		memcpy(b2 + strlen(b2), body, (size_t)(text + tl - line));
		body = b2;
	}
	handle(method, target, h, nh, blen ? body : NULL, blen, &resp);
	/* every response is complete and well formed */
	if (resp.status < 100 || resp.status > 599 || (resp.body_len && !resp.body))
		abort();
	dur_serve_response_release(&resp);
	free(b2);
	/* GET and HEAD change nothing here (logging out, every edit and the
	 * password are POST, PUT or DELETE): only after another method can the
	 * session or the case be gone */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		ensure_session();
	free(text);
	return 0;
}
