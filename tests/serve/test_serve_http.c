/*
 * HTTP tests of duress serve: a server started here on a free loopback
 * port, driven by a small client (http_client.h).  Every route, every
 * status the issue lists (400, 401, 403, 404, 409, 413, 429, and 405, 415,
 * 421, 431), CSRF refused without the token, sessions that cannot read
 * another store's case or a deleted one, malformed and oversized requests,
 * the security headers, the key wiped when the last session ends.
 *
 * Expected values are worked out independently: the screening document is
 * compared with what the screen module itself writes for the same case
 * (dur_screen_result_to_json, the code behind `duress screen --format
 * json`), statuses with RFC 9110 / the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <time.h>
#include <duress/csv.h>
#include <duress/link.h>
#include <duress/screen.h>
#include "serve_fixture.h"

static struct fx F;
static char COOKIE[256], CSRF[128];

static const char CASE_JSON[] =
	"{\"case_id\":\"ref-7\",\"age\":27,\"sector\":\"restaurant kitchen\",\"facts\":{"
	"\"documents_taken\":\"yes\",\"debt_bondage\":\"yes\",\"wages_withheld\":\"unknown\","
	"\"threats_to_person\":\"no\",\"recruited\":\"yes\",\"deceived_about_job\":\"yes\","
	"\"cannot_leave\":\"yes\",\"low_or_no_pay\":\"yes\"}}";

/* A request with the session's cookie and (when csrf) token, and a content type. */
static int req(const char *method, const char *target, const char *cookie, const char *csrf,
	       const char *ctype, const char *body, struct hc_resp *r)
{
	const char *h[6];
	char ct[200];
	size_t n = 0;
	if (cookie)
		h[n++] = cookie;
	if (csrf)
		h[n++] = csrf;
	if (ctype) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		h[n++] = ct;
	}
	h[n] = NULL;
	return hc_request(F.port, method, target, h, body, body ? strlen(body) : 0, r);
}

static int group_setup(void **state)
{
	struct dur_serve_params p;
	(void)state;
	dur_serve_default_params(&p);
	p.listen = "127.0.0.1:0";
	p.login_user_failures = 3;
	p.login_delay = 60;
	p.max_body = 64 << 10;
	p.max_headers = 20;
	p.max_fields = 50;
	if (fx_start(&F, &p))
		return -1;
	return fx_login(F.port, FX_COORD, FX_COORD_PW, COOKIE, sizeof(COOKIE), CSRF, sizeof(CSRF));
}

static int group_teardown(void **state)
{
	(void)state;
	fx_stop(&F);
	return 0;
}

static void assert_security_headers(const struct hc_resp *r)
{
	char v[512];
	assert_non_null(hc_header(r, "Content-Security-Policy", v, sizeof(v)));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_non_null(strstr(v, "default-src 'none'"));
	/* no external origin anywhere: only 'self' and 'none' */
	assert_null(strstr(v, "http"));
	assert_null(strstr(v, "*"));
	assert_null(strstr(v, "unsafe"));
	assert_non_null(hc_header(r, "X-Content-Type-Options", v, sizeof(v)));
	assert_string_equal(v, "nosniff");
	assert_non_null(hc_header(r, "Cache-Control", v, sizeof(v)));
	assert_string_equal(v, "no-store");
}

/* ---- not logged in ------------------------------------------------------- */

static void test_serve_anonymous(void **state)
{
	struct hc_resp r;
	char v[256];
	(void)state;
	assert_int_equal(req("GET", "/", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(hc_header(&r, "Location", v, sizeof(v)));
	assert_string_equal(v, "/login");
	assert_security_headers(&r);
	hc_free(&r);
	assert_int_equal(req("GET", "/cases", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(hc_header(&r, "Location", v, sizeof(v)));
	assert_string_equal(v, "/login?next=/cases");
	hc_free(&r);
	assert_int_equal(req("GET", "/api/cases", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "\"error\""));
	assert_security_headers(&r);
	hc_free(&r);
	/* the login page: a pre-session CSRF cookie, HttpOnly and SameSite=Strict */
	assert_int_equal(req("GET", "/login", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(strstr(v, "HttpOnly"));
	assert_non_null(strstr(v, "SameSite=Strict"));
	assert_non_null(strstr(r.body, "name=\"csrf\""));
	assert_security_headers(&r);
	hc_free(&r);
	/* the static files are there, from the binary */
	assert_int_equal(req("GET", "/static/style.css", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof(v)));
	assert_non_null(strstr(v, "text/css"));
	/* logical properties only: the layout works right to left */
	assert_null(strstr(r.body, "margin-left"));
	assert_null(strstr(r.body, "padding-right"));
	assert_null(strstr(r.body, "text-align:left"));
	hc_free(&r);
	assert_int_equal(req("GET", "/static/app.js", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "innerHTML"));
	hc_free(&r);
	assert_int_equal(req("GET", "/static/icon.svg", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	assert_int_equal(req("GET", "/static/nothing.js", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
}

static void test_serve_login_api(void **state)
{
	const char *h[] = { "Content-Type: application/json", NULL };
	struct hc_resp r;
	char v[256], body[200];
	(void)state;
	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"wrong password!\"}", FX_WORKER);
	assert_int_equal(hc_request(F.port, "POST", "/api/login", h, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.body, "{\"error\":\"wrong user name or password\"}");
	hc_free(&r);
	/* no user of that name: the same status and message */
	snprintf(body, sizeof(body), "{\"user\":\"nobody\",\"password\":\"wrong password!\"}");
	assert_int_equal(hc_request(F.port, "POST", "/api/login", h, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 401);
	assert_string_equal(r.body, "{\"error\":\"wrong user name or password\"}");
	hc_free(&r);
	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", FX_WORKER,
		 FX_WORKER_PW);
	assert_int_equal(hc_request(F.port, "POST", "/api/login", h, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(strstr(v, "duress_session="));
	assert_non_null(strstr(v, "HttpOnly"));
	assert_non_null(strstr(v, "SameSite=Strict"));
	/* on loopback there is no TLS, so no Secure flag (the browser would drop the cookie) */
	assert_null(strstr(v, "Secure"));
	assert_true(fx_json_str(r.body, "csrf", v, sizeof(v)));
	assert_int_equal(strlen(v), 43);
	hc_free(&r);
	/* not JSON: 415; JSON that is not an object: 400 */
	assert_int_equal(req("POST", "/api/login", NULL, NULL, "text/plain", "user=a", &r), 0);
	assert_int_equal(r.status, 415);
	hc_free(&r);
	assert_int_equal(req("POST", "/api/login", NULL, NULL, "application/json", "[1,2", &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	/* GET is not how one logs in */
	assert_int_equal(req("GET", "/api/login", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(hc_header(&r, "Allow", v, sizeof(v)));
	assert_string_equal(v, "POST");
	hc_free(&r);
}

/* ---- CSRF ---------------------------------------------------------------- */

static void test_serve_csrf(void **state)
{
	struct hc_resp r;
	(void)state;
	/* the API: no X-CSRF-Token, a wrong one: 403 */
	assert_int_equal(req("POST", "/api/cases", COOKIE, NULL, "application/json", CASE_JSON, &r),
			 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "X-CSRF-Token"));
	hc_free(&r);
	assert_int_equal(req("POST", "/api/cases", COOKIE,
			     "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			     "application/json", CASE_JSON, &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	/* a form without its hidden field */
	assert_int_equal(req("POST", "/cases/new", COOKIE, NULL, "application/x-www-form-urlencoded",
			     "label=x", &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	/* a multipart form to any other page is not read at all */
	assert_int_equal(req("POST", "/logout", COOKIE, NULL, "multipart/form-data; boundary=b",
			     "--b--\r\n", &r), 0);
	assert_int_equal(r.status, 415);
	hc_free(&r);
	/* logging in from another site is refused before the password is looked at */
	{
		const char *h[] = { "Content-Type: application/json", "Origin: http://evil.example",
				    NULL };
		const char *b = "{\"user\":\"ana\",\"password\":\"" FX_COORD_PW "\"}";
		assert_int_equal(hc_request(F.port, "POST", "/api/login", h, b, strlen(b), &r), 0);
		assert_int_equal(r.status, 403);
		hc_free(&r);
	}
	/* the same with the token works */
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json", CASE_JSON, &r),
			 0);
	assert_int_equal(r.status, 201);
	hc_free(&r);
}

/* ---- the API's case routes ----------------------------------------------- */

/* The screening document as the screen module writes it for CASE_JSON. */
static char *expected_screening(void)
{
	dur_screen_case *c = dur_screen_case_alloc(F.set);
	dur_screen_result *res = NULL;
	char *s = NULL, *t;
	assert_non_null(c);
	assert_int_equal(dur_screen_case_parse_json(c, CASE_JSON, strlen(CASE_JSON), "t", NULL), 0);
	assert_int_equal(dur_screen_evaluate(F.set, c, NULL, 0, &res, NULL), 0);
	assert_int_equal(dur_screen_result_to_json(res, c, 2, &s, NULL), 0);
	t = malloc(strlen(s) + 2);
	sprintf(t, "%s\n", s);
	free(s);
	dur_screen_result_free(res);
	dur_screen_case_free(c);
	return t;
}

static void test_serve_api_cases(void **state)
{
	struct hc_resp r;
	char id[32], v[256], target[128], *want;
	json_t *j;
	(void)state;

	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json", CASE_JSON, &r),
			 0);
	assert_int_equal(r.status, 201);
	assert_true(fx_json_str(r.body, "id", id, sizeof(id)));
	assert_true(dur_store_case_id_valid(id));
	assert_non_null(hc_header(&r, "Location", v, sizeof(v)));
	snprintf(target, sizeof(target), "/api/cases/%s", id);
	assert_string_equal(v, target);
	hc_free(&r);

	/* read back: the case format of duress screen, plus notes and the history */
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "case_id")), "ref-7");
	assert_int_equal(json_integer_value(json_object_get(j, "age")), 27);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "facts"),
							      "debt_bondage")), "yes");
	assert_int_equal(json_array_size(json_object_get(j, "history")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "revision")), 1);
	json_decref(j);
	hc_free(&r);

	/* the screening: the very document of `duress screen --format json` */
	snprintf(target, sizeof(target), "/api/cases/%s/screening", id);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	want = expected_screening();
	assert_string_equal(r.body, want);
	free(want);
	hc_free(&r);

	/* PUT: with the revision it was read at (1), then once more with that stale one */
	snprintf(target, sizeof(target), "/api/cases/%s", id);
	assert_int_equal(req("PUT", target, COOKIE, CSRF, "application/json",
			     "{\"case_id\":\"ref-7\",\"age\":\"minor\",\"facts\":{\"commercial_sex\":"
			     "\"yes\"},\"notes\":\"seen twice\",\"revision\":1}", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"revision\":2"));
	hc_free(&r);
	assert_int_equal(req("PUT", target, COOKIE, CSRF, "application/json",
			     "{\"age\":\"adult\",\"revision\":1}", &r), 0);
	assert_int_equal(r.status, 409);
	hc_free(&r);
	/* keys the case format does not have, a fact the bank does not have: 400 */
	assert_int_equal(req("PUT", target, COOKIE, CSRF, "application/json", "{\"colour\":\"red\"}",
			     &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	assert_int_equal(req("PUT", target, COOKIE, CSRF, "application/json",
			     "{\"facts\":{\"no_such_question\":\"yes\"}}", &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	/* "prefer not to say" cannot also be an answer */
	assert_int_equal(req("PUT", target, COOKIE, CSRF, "application/json",
			     "{\"facts\":{\"debt_bondage\":\"yes\"},\"declined\":[\"debt_bondage\"]}",
			     &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	/* a child in commercial sex: the coercion screen indicates (coercion.json's rule) */
	snprintf(target, sizeof(target), "/api/cases/%s/screening", id);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	{
		json_t *res = json_object_get(j, "results"), *o;
		size_t i;
		int seen = 0;
		json_array_foreach(res, i, o)
			if (strcmp(json_string_value(json_object_get(o, "framework")), "coercion") == 0) {
				assert_string_equal(json_string_value(json_object_get(o, "verdict")),
						    "indicated");
				seen = 1;
			}
		assert_true(seen);
	}
	json_decref(j);
	hc_free(&r);
	snprintf(target, sizeof(target), "/api/cases/%s/rescreen", id);
	assert_int_equal(req("POST", target, COOKIE, CSRF, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	hc_free(&r);

	/* the list and the summary */
	assert_int_equal(req("GET", "/api/cases?age=minor", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, id));
	hc_free(&r);
	assert_int_equal(req("GET", "/api/cases?age=adult&sector=kitchen", COOKIE, NULL, NULL, NULL,
			     &r), 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, id));
	hc_free(&r);
	assert_int_equal(req("GET", "/api/summary", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"format\": \"duress-screen-summary\""));
	assert_non_null(strstr(r.body, "\"resolution\": 10"));
	hc_free(&r);
	assert_int_equal(req("GET", "/api/questions", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"debt_bondage\""));
	hc_free(&r);

	/* delete: then it is gone for every route */
	snprintf(target, sizeof(target), "/api/cases/%s", id);
	assert_int_equal(req("DELETE", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);   /* without the token */
	hc_free(&r);
	assert_int_equal(req("DELETE", target, COOKIE, CSRF, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	assert_int_equal(req("DELETE", target, COOKIE, CSRF, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	snprintf(target, sizeof(target), "/api/cases/%s/screening", id);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s", id);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	assert_int_equal(req("GET", "/api/cases/short", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	assert_int_equal(req("GET", "/api/nothing", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	assert_int_equal(req("PATCH", "/api/cases", COOKIE, CSRF, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	hc_free(&r);
}

/* ---- who sees what ------------------------------------------------------- */

static void test_serve_isolation(void **state)
{
	char wc[256], wt[128], id[32], mine[32], target[128];
	struct hc_resp r;
	(void)state;
	assert_int_equal(fx_login(F.port, FX_WORKER, FX_WORKER_PW, wc, sizeof(wc), wt, sizeof(wt)), 0);
	/* the coordinator's case is not the worker's to see: 404, not 403 */
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json", CASE_JSON, &r),
			 0);
	assert_true(fx_json_str(r.body, "id", id, sizeof(id)));
	hc_free(&r);
	snprintf(target, sizeof(target), "/api/cases/%s", id);
	assert_int_equal(req("GET", target, wc, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	assert_int_equal(req("DELETE", target, wc, wt, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 404);
	hc_free(&r);
	/* the worker's own case: theirs and the coordinator's to see */
	assert_int_equal(req("POST", "/api/cases", wc, wt, "application/json", "{\"age\":\"adult\"}",
			     &r), 0);
	assert_int_equal(r.status, 201);
	assert_true(fx_json_str(r.body, "id", mine, sizeof(mine)));
	hc_free(&r);
	assert_int_equal(req("GET", "/api/cases", wc, NULL, NULL, NULL, &r), 0);
	assert_non_null(strstr(r.body, mine));
	assert_null(strstr(r.body, id));
	hc_free(&r);
	snprintf(target, sizeof(target), "/api/cases/%s", mine);
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	/* coordinators' routes */
	assert_int_equal(req("GET", "/api/users", wc, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	assert_int_equal(req("GET", "/users", wc, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	assert_int_equal(req("GET", "/summary.cases.jsonl", wc, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	assert_int_equal(req("GET", "/api/audit", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"action\":\"case_create\""));
	hc_free(&r);

	/* another store, another server: neither the session nor the case id carry over */
	{
		struct fx other;
		char oc[256], ot[128];
		unsigned port = F.port;
		assert_int_equal(fx_start(&other, NULL), 0);
		F.port = other.port;
		assert_int_equal(req("GET", "/api/cases", COOKIE, NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 401);
		hc_free(&r);
		assert_int_equal(fx_login(other.port, FX_COORD, FX_COORD_PW, oc, sizeof(oc), ot,
					  sizeof(ot)), 0);
		snprintf(target, sizeof(target), "/api/cases/%s", id);
		assert_int_equal(req("GET", target, oc, NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 404);
		hc_free(&r);
		F.port = port;
		fx_stop(&other);
	}
	/* a user removed while logged in (here, as the command line would): out at once */
	{
		char dc[256], dt[128];
		int found = 0;
		assert_int_equal(dur_store_user_add(F.store, "dee", DUR_STORE_WORKER,
						    (const unsigned char *)"dee passphrase 1", 16, 0,
						    NULL), 0);
		assert_int_equal(fx_login(F.port, "dee", "dee passphrase 1", dc, sizeof(dc), dt,
					  sizeof(dt)), 0);
		assert_int_equal(req("GET", "/api/cases", dc, NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		hc_free(&r);
		assert_int_equal(dur_store_user_remove(F.store, "dee", &found, NULL), 0);
		assert_true(found);
		assert_int_equal(req("GET", "/api/cases", dc, NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 401);
		hc_free(&r);
	}
	/* the worker logs out: their cookie is worth nothing after */
	assert_int_equal(req("POST", "/api/logout", wc, wt, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	assert_int_equal(req("GET", "/api/cases", wc, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hc_free(&r);
}

/* ---- every page ---------------------------------------------------------- */

static void form(const char *target, const char *body, int status, struct hc_resp *r)
{
	char b[4096];
	snprintf(b, sizeof(b), "csrf=%s&%s", CSRF + strlen("X-CSRF-Token: "), body);
	assert_int_equal(req("POST", target, COOKIE, NULL, "application/x-www-form-urlencoded", b, r),
			 0);
	if (r->status != status)
		fprintf(stderr, "POST %s: %d\n%s\n", target, r->status, r->body);
	assert_int_equal(r->status, status);
}

static void get(const char *target, int status, const char *needle)
{
	struct hc_resp r;
	assert_int_equal(req("GET", target, COOKIE, NULL, NULL, NULL, &r), 0);
	if (r.status != status)
		fprintf(stderr, "GET %s: %d\n", target, r.status);
	assert_int_equal(r.status, status);
	assert_security_headers(&r);
	if (needle)
		assert_non_null(strstr(r.body, needle));
	hc_free(&r);
}

static void test_serve_pages(void **state)
{
	struct hc_resp r;
	char loc[256], id[32], target[160];
	(void)state;
	get("/cases", 200, "id=\"case-list\"");
	get("/cases/new", 200, "name=\"label\"");
	get("/summary", 200, "<table class=\"summary\">");
	get("/summary.json", 200, "duress-screen-summary");
	get("/summary.manifest.json", 200, "\"command\": \"screen-summary\"");
	/* the batch the manifest hashes: its SHA-256 is the manifest's record of it */
	{
		struct hc_resp m, bt;
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[2 * crypto_hash_sha256_BYTES + 1];
		assert_int_equal(req("GET", "/summary.manifest.json", COOKIE, NULL, NULL, NULL, &m), 0);
		assert_int_equal(req("GET", "/summary.cases.jsonl", COOKIE, NULL, NULL, NULL, &bt), 0);
		assert_int_equal(bt.status, 200);
		assert_null(strstr(bt.body, "ref-7"));   /* no reference, no notes */
		crypto_hash_sha256(h, (const unsigned char *)bt.body, bt.body_len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		assert_non_null(strstr(m.body, hex));
		hc_free(&m);
		hc_free(&bt);
	}
	get("/export", 200, "enctype=\"multipart/form-data\"");
	get("/users", 200, FX_WORKER);
	get("/audit", 200, "<table class=\"audit\">");
	get("/account", 200, "name=\"current\"");
	get("/nowhere", 404, NULL);

	/* a new case through the forms, page by page */
	form("/cases/new", "label=FORMCASE&person_lang=en", 303, &r);
	assert_non_null(hc_header(&r, "Location", loc, sizeof(loc)));
	assert_int_equal(strncmp(loc, "/cases/", 7), 0);
	memcpy(id, loc + 7, 10);
	id[10] = '\0';
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s/interview/1", id);
	get(target, 200, "value=\"declined\"");
	form(target, "age=minor&sector=market&q.commercial_sex=y&go=next", 303, &r);
	assert_non_null(hc_header(&r, "Location", loc, sizeof(loc)));
	snprintf(target, sizeof(target), "/cases/%s/interview/2", id);
	assert_string_equal(loc, target);
	hc_free(&r);
	/* an answer that is none of the four: 400 and the page again */
	form(target, "q.threats_to_person=maybe&go=next", 400, &r);
	hc_free(&r);
	form(target, "q.threats_to_person=d&go=finish", 303, &r);
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s/interview/99", id);
	get(target, 404, NULL);
	snprintf(target, sizeof(target), "/cases/%s", id);
	/* the result: the verdict, the reasons, not a legal finding */
	get(target, 200, "Indicators found");
	get(target, 200, "not a legal finding");
	get(target, 200, "What led to this");
	snprintf(target, sizeof(target), "/cases/%s/edit", id);
	get(target, 200, "name=\"notes\"");
	form(target, "label=FORMCASE&status=FollowUp&notes=line1%0D%0Aline2&revision=999", 409, &r);
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s/rescreen", id);
	form(target, "", 303, &r);
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s/delete", id);
	get(target, 200, "Delete for good");
	/* exports */
	form("/export/htcds", "field=dur_CaseID&field=cas_Status&field=vic_MethodsOfControl", 200, &r);
	assert_int_equal(strncmp(r.body, "dur_CaseID,cas_Status,vic_MethodsOfControl\r\n", 44), 0);
	assert_non_null(strstr(r.body, id));
	hc_free(&r);
	form("/export/htcds", "field=bogus", 400, &r);
	hc_free(&r);
	form("/backup", "", 200, &r);
	assert_int_equal(memcmp(r.body, "DURESSBK", 8), 0);
	hc_free(&r);
	/* the language switch, before and after logging in */
	form("/lang", "lang=xx&next=/cases", 400, &r);
	hc_free(&r);
	form("/lang", "lang=en&next=//evil.example/", 303, &r);
	assert_non_null(hc_header(&r, "Location", loc, sizeof(loc)));
	assert_string_equal(loc, "/");   /* never off the site */
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s/delete", id);
	form(target, "", 303, &r);
	hc_free(&r);
	snprintf(target, sizeof(target), "/cases/%s", id);
	get(target, 404, NULL);
	/* users */
	form("/users", "name=cai&role=worker&password=first+passphrase", 303, &r);
	hc_free(&r);
	form("/users", "name=cai&role=worker&password=first+passphrase", 409, &r);
	hc_free(&r);
	form("/users", "name=dee&role=worker&password=short", 400, &r);
	hc_free(&r);
	form("/users/reset", "name=cai&password=second+passphrase", 303, &r);
	hc_free(&r);
	form("/users/remove", "name=cai&sure=1", 303, &r);
	hc_free(&r);
	form("/users/remove", "name=cai&sure=1", 404, &r);
	hc_free(&r);
	form("/users/remove", "name=" FX_COORD "&sure=1", 409, &r);   /* the last coordinator */
	hc_free(&r);
	form("/account/password", "current=wrong+password+x&new=0123456789&again=0123456789", 403,
	     &r);
	hc_free(&r);
	/* wrong methods on pages */
	assert_int_equal(req("DELETE", "/cases", COOKIE, CSRF, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 405);
	hc_free(&r);
	assert_int_equal(req("HEAD", "/cases", COOKIE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	hc_free(&r);
}

/* ---- the list encoded for linkage ---------------------------------------- */

static const char SCHEMA[] =
	"{\"duress_link_schema\":1,\"filter_bits\":512,\"fields\":["
	"{\"name\":\"given_name\",\"type\":\"text\",\"bits_per_token\":10},"
	"{\"name\":\"surname\",\"type\":\"text\",\"bits_per_token\":10},"
	"{\"name\":\"date_of_birth\",\"type\":\"date\",\"bits_per_token\":10}]}";
/* 64 distinct bytes, none printable: what `head -c 32 /dev/urandom` gives in spirit (link
 * refuses printable secrets and low-entropy ones); no CR, LF or NUL, for the form below */
static unsigned char SECRET[64];

/*
 * The export must be what `duress link encode` makes of the same people
 * (the library's dur_link_encode_csv on a CSV of them, built here): the
 * same ids and the same filters, bit for bit.
 */
static void test_serve_link_export(void **state)
{
	static const char *const people[3][4] = {
		{ "Amaru", "Quispe", "1990-04-02", NULL },
		{ "Nadia", "Haddad", "1985-11-30", NULL },
		{ "Li", "Wei", "2004-07-15", NULL },
	};
	char ids[3][16], body[8192], ct[128], t[64];
	struct dur_link_encodings *got = NULL, *want = NULL;
	dur_link_schema *schema = NULL;
	dur_link_key *key = NULL;
	struct dur_csv *csv = NULL;
	struct hc_resp r;
	size_t n;
	(void)state;
	/* three cases with identifiers; the cases of the other tests have none */
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof(body), "{\"age\":\"adult\",\"person\":{\"given_name\":\"%s\","
			 "\"surname\":\"%s\",\"date_of_birth\":\"%s\"}}", people[i][0], people[i][1],
			 people[i][2]);
		assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json", body, &r), 0);
		assert_int_equal(r.status, 201);
		assert_true(fx_json_str(r.body, "id", ids[i], sizeof(ids[i])));
		hc_free(&r);
	}
	for (size_t i = 0; i < sizeof(SECRET); i++)
		SECRET[i] = (unsigned char)(0x80 + i);
	n = (size_t)snprintf(body, sizeof(body),
			     "--B0UND\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
			     "--B0UND\r\nContent-Disposition: form-data; name=\"schema\"; "
			     "filename=\"s.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
			     "--B0UND\r\nContent-Disposition: form-data; name=\"secret\"; "
			     "filename=\"k\"\r\n\r\n", CSRF + strlen("X-CSRF-Token: "), SCHEMA);
	memcpy(body + n, SECRET, sizeof(SECRET));
	n += sizeof(SECRET);
	n += (size_t)snprintf(body + n, sizeof(body) - n, "\n\r\n--B0UND--\r\n");
	snprintf(ct, sizeof(ct), "Content-Type: multipart/form-data; boundary=B0UND");
	{
		const char *h[] = { COOKIE, ct, NULL };
		assert_int_equal(hc_request(F.port, "POST", "/export/link", h, body, n, &r), 0);
	}
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Content-Type", t, sizeof(t)));
	assert_string_equal(t, "application/octet-stream");
	assert_int_equal(dur_link_schema_parse(SCHEMA, strlen(SCHEMA), "s", &schema, NULL), 0);
	assert_int_equal(dur_link_enc_read(r.body, r.body_len, "export", schema, &got, NULL), 0);
	hc_free(&r);
	/* the same people as a CSV through the library (one trailing newline is not the secret) */
	n = (size_t)snprintf(body, sizeof(body), "id,given_name,surname,date_of_birth\n");
	for (int i = 0; i < 3; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s,%s,%s,%s\n", ids[i], people[i][0],
				      people[i][1], people[i][2]);
	assert_int_equal(dur_csv_parse(body, n, "people.csv", NULL, &csv, NULL), 0);
	assert_int_equal(dur_link_key_alloc(schema, SECRET, sizeof(SECRET), &key, NULL), 0);
	assert_int_equal(dur_link_encode_csv(schema, key, csv, "people.csv", "id", &want, NULL, NULL),
			 0);
	assert_int_equal(got->n, 3);
	assert_int_equal(got->words, want->words);
	for (size_t i = 0; i < want->n; i++) {
		size_t k;
		for (k = 0; k < got->n && strcmp(got->id[k], want->id[i]) != 0; k++)
			;
		assert_true(k < got->n);
		assert_memory_equal(got->filters + k * got->words, want->filters + i * want->words,
				    want->words * sizeof(uint64_t));
	}
	/* without the token, or a secret too short: refused */
	assert_int_equal(req("POST", "/export/link", COOKIE, NULL,
			     "multipart/form-data; boundary=B0UND",
			     "--B0UND\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nx\r\n"
			     "--B0UND--\r\n", &r), 0);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	dur_link_enc_free(got);
	dur_link_enc_free(want);
	dur_link_key_free(key);
	dur_csv_free(csv);
	dur_link_schema_free(schema);
	for (int i = 0; i < 3; i++) {
		char target[64];
		snprintf(target, sizeof(target), "/api/cases/%s", ids[i]);
		assert_int_equal(req("DELETE", target, COOKIE, CSRF, NULL, NULL, &r), 0);
		hc_free(&r);
	}
}

/* ---- malformed and oversized --------------------------------------------- */

static void raw(const char *req_text, int status)
{
	struct hc_resp r;
	assert_int_equal(hc_raw(F.port, req_text, strlen(req_text), &r), 0);
	if (r.status != status)
		fprintf(stderr, "raw request: %d, expected %d\n", r.status, status);
	assert_int_equal(r.status, status);
	hc_free(&r);
}

static void test_serve_malformed(void **state)
{
	struct hc_resp r;
	char big[70000], hdr[200];
	(void)state;
	/*
	 * A request line that is not HTTP at all: libmicrohttpd closes the
	 * connection without an answer (and the server goes on, checked below).
	 */
	assert_int_equal(hc_raw(F.port, "GARBAGE\r\n\r\n", 11, &r) == 0 ? r.status : 400, 400);
	hc_free(&r);
	raw("GARBAGE / HTTP/1.1\r\n\r\n", 400);
	raw("GET / HTTP/1.1\r\n\r\n", 400);   /* no Host */
	raw("GET / HTTP/1.0\r\n\r\n", 400);   /* no Host either */
	raw("GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505);
	raw("GET /cases/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400);
	{
		char t[200];
		snprintf(t, sizeof(t), "GET /static/../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
			 F.port);
		raw(t, 400);
		snprintf(t, sizeof(t), "GET /cases%%00x HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", F.port);
		raw(t, 400);
		/* DNS rebinding: a page of evil.example whose name now points here */
		snprintf(t, sizeof(t), "GET / HTTP/1.1\r\nHost: evil.example:%u\r\n\r\n", F.port);
		raw(t, 421);
		snprintf(t, sizeof(t), "BREW /cases HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", F.port);
		raw(t, 405);
	}
	/* a body announced larger than the cap: 413 before it is read */
	{
		char t[200];
		snprintf(t, sizeof(t), "POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
			 "Content-Length: 100000000\r\nContent-Type: application/json\r\n\r\n{", F.port);
		raw(t, 413);
	}
	/* a body that is larger than the cap */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json", big, &r), 0);
	assert_int_equal(r.status, 413);
	hc_free(&r);
	/* too many header fields (cap 20 here) */
	{
		const char *h[30];
		char lines[30][32];
		for (int i = 0; i < 25; i++) {
			snprintf(lines[i], sizeof(lines[i]), "X-Pad-%d: %d", i, i);
			h[i] = lines[i];
		}
		h[25] = NULL;
		assert_int_equal(hc_request(F.port, "GET", "/login", h, NULL, 0, &r), 0);
		assert_int_equal(r.status, 431);
		hc_free(&r);
	}
	/* headers larger than the memory cap */
	{
		static char longh[40000];
		const char *h[2] = { longh, NULL };
		snprintf(longh, sizeof(longh), "X-Long: ");
		memset(longh + 8, 'b', sizeof(longh) - 9);
		longh[sizeof(longh) - 1] = '\0';
		assert_int_equal(hc_request(F.port, "GET", "/login", h, NULL, 0, &r), 0);
		assert_int_equal(r.status, 431);
		hc_free(&r);
	}
	/* too many form fields (cap 50 here) */
	{
		char b[2000];
		size_t n = (size_t)snprintf(b, sizeof(b), "csrf=%s", CSRF + strlen("X-CSRF-Token: "));
		for (int i = 0; i < 60; i++)
			n += (size_t)snprintf(b + n, sizeof(b) - n, "&f%d=1", i);
		assert_int_equal(req("POST", "/cases/new", COOKIE, NULL,
				     "application/x-www-form-urlencoded", b, &r), 0);
		assert_int_equal(r.status, 413);
		hc_free(&r);
	}
	/* a broken percent escape in a form */
	snprintf(hdr, sizeof(hdr), "csrf=%s&label=%%G1", CSRF + strlen("X-CSRF-Token: "));
	assert_int_equal(req("POST", "/cases/new", COOKIE, NULL, "application/x-www-form-urlencoded",
			     hdr, &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	/* JSON that is not a case */
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json",
			     "{\"age\":\"old\"}", &r), 0);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "application/json",
			     "{\"age\":1,\"age\":2}", &r), 0);
	assert_int_equal(r.status, 400);   /* duplicate keys */
	hc_free(&r);
	assert_int_equal(req("POST", "/api/cases", COOKIE, CSRF, "text/plain", "{}", &r), 0);
	assert_int_equal(r.status, 415);
	hc_free(&r);
	/* the server is still there */
	get("/cases", 200, NULL);
}

/* ---- login limits -------------------------------------------------------- */

static void test_serve_login_limit(void **state)
{
	const char *h[] = { "Content-Type: application/json", NULL };
	const char *bad = "{\"user\":\"" FX_WORKER "\",\"password\":\"not the password\"}";
	const char *good = "{\"user\":\"" FX_WORKER "\",\"password\":\"" FX_WORKER_PW "\"}";
	struct hc_resp r;
	char v[64];
	(void)state;
	/* the cap is 3 wrong passwords (the worker's count was cleared by their login) */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hc_request(F.port, "POST", "/api/login", h, bad, strlen(bad), &r), 0);
		assert_int_equal(r.status, 401);
		hc_free(&r);
	}
	assert_int_equal(hc_request(F.port, "POST", "/api/login", h, bad, strlen(bad), &r), 0);
	assert_int_equal(r.status, 429);
	assert_non_null(hc_header(&r, "Retry-After", v, sizeof(v)));
	assert_true(atoi(v) > 0 && atoi(v) <= 60);
	hc_free(&r);
	/* even the right password waits: the limit is checked before any key work */
	assert_int_equal(hc_request(F.port, "POST", "/api/login", h, good, strlen(good), &r), 0);
	assert_int_equal(r.status, 429);
	hc_free(&r);
	/* another user is not locked out by it (the address's cap, 20, is not reached) */
	{
		char c[256], t[128];
		assert_int_equal(fx_login(F.port, FX_COORD, FX_COORD_PW, c, sizeof(c), t, sizeof(t)),
				 0);
	}
}

/* ---- keys ---------------------------------------------------------------- */

static void test_serve_key_lifetime(void **state)
{
	struct dur_serve_params p;
	struct fx f;
	char c[256], t[128];
	struct hc_resp r;
	unsigned port = F.port;
	(void)state;
	/* the last session ends by logging out: the key goes with it (the
	 * default idle time, so that a slow login under load cannot end the
	 * session before the logout does) */
	dur_serve_default_params(&p);
	p.listen = "127.0.0.1:0";
	assert_int_equal(fx_start(&f, &p), 0);
	assert_false(dur_store_unlocked(f.store));
	assert_int_equal(fx_login(f.port, FX_COORD, FX_COORD_PW, c, sizeof(c), t, sizeof(t)), 0);
	assert_true(dur_store_unlocked(f.store));
	F.port = f.port;
	assert_int_equal(req("POST", "/api/logout", c, t, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	hc_free(&r);
	assert_false(dur_store_unlocked(f.store));
	F.port = port;
	fx_stop(&f);
	/* ... or by being idle: the server's own thread ends it within a second
	 * or two (waited for up to 10 s, for a loaded machine) */
	p.idle_timeout = 1;
	assert_int_equal(fx_start(&f, &p), 0);
	F.port = f.port;
	assert_int_equal(fx_login(f.port, FX_COORD, FX_COORD_PW, c, sizeof(c), t, sizeof(t)), 0);
	for (int i = 0; i < 100 && dur_store_unlocked(f.store); i++)
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	assert_false(dur_store_unlocked(f.store));
	assert_int_equal(req("GET", "/api/cases", c, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 401);
	hc_free(&r);
	F.port = port;
	fx_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_anonymous),
		cmocka_unit_test(test_serve_login_api),
		cmocka_unit_test(test_serve_csrf),
		cmocka_unit_test(test_serve_api_cases),
		cmocka_unit_test(test_serve_isolation),
		cmocka_unit_test(test_serve_pages),
		cmocka_unit_test(test_serve_link_export),
		cmocka_unit_test(test_serve_malformed),
		cmocka_unit_test(test_serve_login_limit),
		cmocka_unit_test(test_serve_key_lifetime),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
