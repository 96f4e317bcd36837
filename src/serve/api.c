/*
 * The JSON API under /api/ (docs/serve.md, "API").  The same checks as the
 * pages: a session cookie (from POST /api/login), the session's CSRF token
 * in an X-CSRF-Token header on every call that changes something, bodies
 * as application/json (a cross-site form cannot send that without a CORS
 * preflight, which this server never grants).  Errors are {"error": "..."}
 * with the status that says what went wrong: 400 malformed, 401 not logged
 * in, 403 not allowed (or no CSRF token), 404 no such thing (also another
 * worker's case), 405 wrong method, 409 conflict (a stale revision, a
 * user that exists), 413 too large, 415 not JSON, 429 too many logins.
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R(x) do { x; return; } while (0)

static int is(const struct srv_req *r, const char *m)
{
	return strcmp(r->method, m) == 0 || (strcmp(m, "GET") == 0 && strcmp(r->method, "HEAD") == 0);
}

static void not_allowed(struct srv_req *r, const char *allow)
{
	srv_add_header(r, "Allow", allow);
	srv_error(r, 405, "method not allowed here");
}

static json_t *me_json(const struct srv_req *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "user", json_string(r->s.user));
	json_object_set_new(j, "role", json_string(dur_store_role_name(r->s.role)));
	json_object_set_new(j, "lang", json_string(r->s.lang));
	json_object_set_new(j, "must_change", json_boolean(r->s.must_change));
	json_object_set_new(j, "csrf", json_string(r->s.csrf));
	return j;
}

static void api_login(struct srv_req *r)
{
	json_t *j = srv_need_json(r);
	const char *user, *pw;
	long long retry = 0;
	char ra[32];

	if (!j)
		return;
	user = json_string_value(json_object_get(j, "user"));
	pw = json_string_value(json_object_get(j, "password"));
	if (!user || !pw || strlen(pw) != json_string_length(json_object_get(j, "password"))) {
		json_decref(j);
		R(srv_error(r, 400, "send {\"user\": ..., \"password\": ...}"));
	}
	switch (srv_login(r, user, (const unsigned char *)pw, strlen(pw), &retry)) {
	case SRV_LOGIN_OK:
		srv_json(r, 200, me_json(r));
		break;
	case SRV_LOGIN_WRONG:
		srv_error(r, 401, "wrong user name or password");
		break;
	case SRV_LOGIN_LIMIT:
		snprintf(ra, sizeof(ra), "%lld", retry);
		srv_add_header(r, "Retry-After", ra);
		srv_error(r, 429, "too many failed logins: wait and try again");
		break;
	case SRV_LOGIN_BUSY:
		srv_add_header(r, "Retry-After", "2");
		srv_error(r, 503, "busy: try again in a moment");
		break;
	case SRV_LOGIN_FULL:
		srv_error(r, 503, "too many sessions");
		break;
	default:
		srv_error(r, 500, "the store could not be opened");
	}
	/* the password was in the body's JSON: jansson's copy goes now */
	sodium_memzero((void *)pw, strlen(pw));
	json_decref(j);
}

static void api_password(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	json_t *j = srv_need_json(r);
	const char *cur, *nw;

	if (!j)
		return;
	cur = json_string_value(json_object_get(j, "current"));
	nw = json_string_value(json_object_get(j, "new"));
	if (!cur || !nw)
		srv_error(r, 400, "send {\"current\": ..., \"new\": ...}");
	else if (strlen(nw) < DUR_STORE_MIN_PASSWORD)
		srv_error(r, 400, "a password needs at least 10 characters");
	else if (dur_store_login(r->srv->store, r->s.user, (const unsigned char *)cur, strlen(cur),
				 NULL, &err)) {
		srv_limit_fail(r->srv, r->s.user, r->in->peer, r->now);
		srv_error(r, 403, "the current password is wrong");
	} else if (dur_store_user_set_password(r->srv->store, r->s.user, (const unsigned char *)nw,
					       strlen(nw), 0, &err)) {
		srv_error(r, 500, "the password could not be changed");
	} else {
		r->s.must_change = 0;
		srv_session_update(r);
		srv_audit(r, "password_change", NULL);
		srv_json(r, 200, me_json(r));
	}
	if (cur)
		sodium_memzero((void *)cur, strlen(cur));
	if (nw)
		sodium_memzero((void *)nw, strlen(nw));
	json_decref(j);
}

static json_t *meta_api(const struct srv_meta *m)
{
	json_t *j = json_object(), *v = json_object();
	json_object_set_new(j, "id", json_string(m->id));
	json_object_set_new(j, "case_id", json_string(m->label));
	json_object_set_new(j, "age", json_string(m->age));
	json_object_set_new(j, "sector", json_string(m->sector));
	json_object_set_new(j, "status", json_string(m->status));
	json_object_set_new(j, "created_by", json_string(m->by));
	json_object_set_new(j, "created", json_integer(m->created));
	json_object_set_new(j, "updated", json_integer(m->updated));
	json_object_set_new(j, "revision", json_integer(m->revision));
	json_object_set_new(j, "screened", json_boolean(m->screened));
	for (size_t i = 0; i < m->nverdicts; i++)
		json_object_set_new(v, m->fw[i], json_string(dur_screen_verdict_name(
							 (enum dur_screen_verdict)m->verdict[i])));
	json_object_set_new(j, "verdicts", v);
	return j;
}

static void api_cases_list(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_meta *v = NULL;
	json_t *j, *a;
	size_t n = 0;

	if (srv_list_cases(r, &r->q, &v, &n, &err))
		R(srv_error(r, err.code == DUR_EKEY ? 401 : 500, "the case list could not be read"));
	j = json_object();
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, meta_api(&v[i]));
	json_object_set_new(j, "count", json_integer((json_int_t)n));
	json_object_set_new(j, "cases", a);
	free(v);
	srv_json(r, 200, j);
}

static void api_case_create(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	json_t *j = srv_need_json(r), *out;
	struct srv_case c;
	long long rev;

	if (!j)
		return;
	if (srv_case_init(&c, r->srv)) {
		json_decref(j);
		R(srv_error(r, 500, "out of memory"));
	}
	if (srv_case_from_api(&c, r->srv, j, 0, &rev, &err)) {
		json_decref(j);
		srv_case_release(&c);
		R(srv_error(r, err.code == DUR_ELIMIT ? 413 : 400, err.msg));
	}
	json_decref(j);
	if (!c.person_lang[0])
		snprintf(c.person_lang, sizeof(c.person_lang), "%s", r->lang);
	/* created now by this user, then screened: the history's first entry */
	c.created = c.updated = r->now;
	snprintf(c.created_by, sizeof(c.created_by), "%s", r->s.user);
	snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
	if (srv_screen_and_record(r, &c, 1, &err)) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	out = json_object();
	json_object_set_new(out, "id", json_string(c.id));
	json_object_set_new(out, "revision", json_integer(c.revision));
	{
		char loc[64];
		snprintf(loc, sizeof(loc), "/api/cases/%s", c.id);
		srv_add_header(r, "Location", loc);
	}
	srv_case_release(&c);
	srv_json(r, 201, out);
}

static void api_case_put(struct srv_req *r, const char *id)
{
	struct dur_error err = DUR_ERROR_INIT;
	json_t *j, *out;
	struct srv_case c, keep;
	long long rev;

	if (srv_load_visible(r, id, &c))
		return;
	if (!(j = srv_need_json(r))) {
		srv_case_release(&c);
		return;
	}
	if (json_is_string(json_object_get(j, "id")) &&
	    strcmp(json_string_value(json_object_get(j, "id")), id) != 0) {
		json_decref(j);
		srv_case_release(&c);
		R(srv_error(r, 400, "the body's id is not the case's"));
	}
	/* a PUT replaces what a client can set; the rest of the record stays */
	keep = c;
	if (srv_case_init(&c, r->srv)) {
		json_decref(j);
		srv_case_release(&keep);
		R(srv_error(r, 500, "out of memory"));
	}
	if (srv_case_from_api(&c, r->srv, j, 0, &rev, &err)) {
		json_decref(j);
		srv_case_release(&c);
		srv_case_release(&keep);
		R(srv_error(r, err.code == DUR_ELIMIT ? 413 : 400, err.msg));
	}
	json_decref(j);
	if (rev >= 0 && rev != keep.revision) {
		srv_case_release(&c);
		srv_case_release(&keep);
		R(srv_error(r, 409, "the case changed since that revision: GET it again"));
	}
	memcpy(c.id, keep.id, sizeof(c.id));
	c.created = keep.created;
	memcpy(c.created_by, keep.created_by, sizeof(c.created_by));
	json_decref(c.history);
	c.history = json_incref(keep.history);
	if (!c.person_lang[0])
		memcpy(c.person_lang, keep.person_lang, sizeof(c.person_lang));
	c.revision = keep.revision + 1;
	c.updated = r->now;
	snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
	srv_case_release(&keep);
	if (srv_screen_and_record(r, &c, 0, &err)) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	srv_audit(r, "case_update", c.id);
	out = json_object();
	json_object_set_new(out, "id", json_string(c.id));
	json_object_set_new(out, "revision", json_integer(c.revision));
	srv_case_release(&c);
	srv_json(r, 200, out);
}

static void api_case(struct srv_req *r, const char *id, const char *rest)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_case c;

	if (!*rest) {
		if (is(r, "GET")) {
			if (srv_load_visible(r, id, &c))
				return;
			srv_audit(r, "case_view", c.id);
			srv_json(r, 200, srv_case_to_api(&c, r->srv));
			srv_case_release(&c);
			return;
		}
		if (is(r, "PUT"))
			R(api_case_put(r, id));
		if (is(r, "DELETE")) {
			int found = 0;
			json_t *out;
			if (srv_load_visible(r, id, &c))
				return;
			srv_case_release(&c);
			if (dur_store_case_delete(r->srv->store, id, &found, &err))
				R(srv_error(r, 500, "the case could not be deleted"));
			if (!found)
				R(srv_error(r, 404, "no such case"));
			srv_audit(r, "case_delete", id);
			out = json_object();
			json_object_set_new(out, "deleted", json_string(id));
			R(srv_json(r, 200, out));
		}
		R(not_allowed(r, "GET, HEAD, PUT, DELETE"));
	}
	if (strcmp(rest, "/screening") == 0) {
		dur_screen_case *sc = NULL;
		dur_screen_result *res = NULL;
		char *text = NULL;
		size_t n;
		if (!is(r, "GET"))
			R(not_allowed(r, "GET, HEAD"));
		if (srv_load_visible(r, id, &c))
			return;
		/* the very document `duress screen --format json` writes for this case */
		if (srv_case_screen(r->srv, &c, &sc, &res, &err) ||
		    dur_screen_result_to_json(res, sc, 2, &text, &err)) {
			srv_error(r, 500, "the case could not be screened");
		} else {
			char *t;
			n = strlen(text);
			if ((t = realloc(text, n + 2))) {
				text = t;
				text[n++] = '\n';
				text[n] = '\0';
				srv_set_body(r, 200, "application/json", text, n);
				text = NULL;
				srv_audit(r, "case_view", c.id);
			} else {
				srv_error(r, 500, "out of memory");
			}
		}
		free(text);
		dur_screen_result_free(res);
		dur_screen_case_free(sc);
		srv_case_release(&c);
		return;
	}
	if (strcmp(rest, "/rescreen") == 0) {
		json_t *out;
		if (!is(r, "POST"))
			R(not_allowed(r, "POST"));
		if (srv_load_visible(r, id, &c))
			return;
		c.revision++;
		c.updated = r->now;
		snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
		if (srv_screen_and_record(r, &c, 0, &err)) {
			srv_case_release(&c);
			R(srv_save_failed(r, &err));
		}
		srv_audit(r, "case_rescreen", c.id);
		out = json_object();
		json_object_set_new(out, "id", json_string(c.id));
		json_object_set_new(out, "revision", json_integer(c.revision));
		srv_case_release(&c);
		R(srv_json(r, 200, out));
	}
	srv_error(r, 404, "no such route");
}

static void api_questions(struct srv_req *r)
{
	const struct srv_bank *b = &r->srv->bank;
	json_t *j = json_object(), *groups = json_array();

	json_object_set_new(j, "version", json_string(b->version ? b->version : ""));
	json_object_set_new(j, "lang", json_string(r->lang));
	for (size_t g = 0; g < b->ngroups; g++) {
		json_t *o = json_object(), *qs = json_array();
		json_object_set_new(o, "section", json_string(srv_trq(r->cat, "section",
								      b->g[g].section)));
		for (size_t i = b->g[g].first; i < b->g[g].first + b->g[g].n; i++) {
			json_t *q = json_object();
			json_object_set_new(q, "id", json_string(b->q[i].id));
			json_object_set_new(q, "kind", json_string(b->q[i].kind == SRV_Q_AGE ? "age"
							: b->q[i].kind == SRV_Q_TEXT ? "text"
							: "yes_no"));
			json_object_set_new(q, "text", json_string(srv_trq(r->cat, "question",
									   b->q[i].text)));
			if (b->q[i].help)
				json_object_set_new(q, "help", json_string(srv_trq(r->cat,
									   "question-help",
									   b->q[i].help)));
			json_array_append_new(qs, q);
		}
		json_object_set_new(o, "questions", qs);
		json_array_append_new(groups, o);
	}
	json_object_set_new(j, "groups", groups);
	srv_json(r, 200, j);
}

static void api_users(struct srv_req *r, const char *name)
{
	struct dur_error err = DUR_ERROR_INIT;

	if (!name && is(r, "GET")) {
		struct dur_store_user *u = NULL;
		size_t n = 0;
		json_t *a;
		if (dur_store_user_list(r->srv->store, &u, &n, &err))
			R(srv_error(r, 500, "the users could not be read"));
		a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(u[i].name));
			json_object_set_new(o, "role", json_string(dur_store_role_name(u[i].role)));
			json_object_set_new(o, "created", json_integer(u[i].created));
			json_object_set_new(o, "must_change", json_boolean(u[i].must_change));
			json_array_append_new(a, o);
		}
		free(u);
		R(srv_json(r, 200, json_pack("{s:o}", "users", a)));
	}
	if (!name && is(r, "POST")) {
		json_t *j = srv_need_json(r);
		const char *n, *pw;
		int role;
		dur_err rc;
		if (!j)
			return;
		n = json_string_value(json_object_get(j, "name"));
		pw = json_string_value(json_object_get(j, "password"));
		role = dur_store_role_parse(json_string_value(json_object_get(j, "role")));
		if (!n || !pw || role < 0) {
			json_decref(j);
			R(srv_error(r, 400, "send {\"name\", \"role\": worker|coordinator, "
				    "\"password\"}"));
		}
		rc = dur_store_user_add(r->srv->store, n, (enum dur_store_role)role,
					(const unsigned char *)pw, strlen(pw), 1, &err);
		sodium_memzero((void *)pw, strlen(pw));
		json_decref(j);
		if (rc)
			R(srv_error(r, rc == DUR_EDATA ? 409 : rc == DUR_EINVAL ? 400 : 500, err.msg));
		srv_audit(r, "user_add", NULL);
		R(srv_json(r, 201, json_pack("{s:b}", "added", 1)));
	}
	if (name && is(r, "DELETE")) {
		int found = 0;
		dur_err rc = dur_store_user_remove(r->srv->store, name, &found, &err);
		if (rc)
			R(srv_error(r, rc == DUR_EDATA ? 409 : 500, err.msg));
		if (!found)
			R(srv_error(r, 404, "no such user"));
		srv_audit(r, "user_remove", NULL);
		srv_sessions_end_user(r->srv, name);
		R(srv_json(r, 200, json_pack("{s:b}", "removed", 1)));
	}
	not_allowed(r, name ? "DELETE" : "GET, HEAD, POST");
}

static void api_audit(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_store_audit_entry *e = NULL;
	size_t n = 0;
	json_t *a;

	if (!is(r, "GET"))
		R(not_allowed(r, "GET, HEAD"));
	if (dur_store_audit_list(r->srv->store, 1000, &e, &n, &err))
		R(srv_error(r, 500, "the audit trail could not be read"));
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s}", "seq",
						   (json_int_t)e[i].seq, "at", (json_int_t)e[i].at,
						   "user", e[i].user, "action", e[i].action,
						   "case", e[i].ref));
	free(e);
	srv_json(r, 200, json_pack("{s:o}", "entries", a));
}

void srv_api(struct srv_req *r)
{
	const char *path = r->path + 4;   /* after "/api" */
	int changes = !is(r, "GET");

	if (strcmp(path, "/login") == 0) {
		if (!is(r, "POST"))
			R(not_allowed(r, "POST"));
		R(api_login(r));
	}
	if (!r->have_session)
		R(srv_error(r, 401, "log in first (POST /api/login)"));
	if (changes && !srv_csrf_ok(r, srv_header(r, "X-CSRF-Token")))
		R(srv_error(r, 403, "missing or wrong X-CSRF-Token"));
	if (strcmp(path, "/logout") == 0) {
		if (!is(r, "POST"))
			R(not_allowed(r, "POST"));
		srv_audit(r, "logout", NULL);
		srv_session_end(r);
		R(srv_json(r, 200, json_pack("{s:b}", "logged_out", 1)));
	}
	if (strcmp(path, "/me") == 0) {
		if (!is(r, "GET"))
			R(not_allowed(r, "GET, HEAD"));
		R(srv_json(r, 200, me_json(r)));
	}
	if (strcmp(path, "/password") == 0) {
		if (!is(r, "POST"))
			R(not_allowed(r, "POST"));
		R(api_password(r));
	}
	if (r->s.must_change)
		R(srv_error(r, 403, "change your password first (POST /api/password)"));
	if (strcmp(path, "/cases") == 0) {
		if (is(r, "GET"))
			R(api_cases_list(r));
		if (is(r, "POST"))
			R(api_case_create(r));
		R(not_allowed(r, "GET, HEAD, POST"));
	}
	if (strncmp(path, "/cases/", 7) == 0) {
		char id[DUR_STORE_ID_LEN + 1];
		size_t n = strcspn(path + 7, "/");
		if (n != DUR_STORE_ID_LEN)
			R(srv_error(r, 404, "no such case"));
		memcpy(id, path + 7, n);
		id[n] = '\0';
		R(api_case(r, id, path + 7 + n));
	}
	if (strcmp(path, "/summary") == 0) {
		if (!is(r, "GET"))
			R(not_allowed(r, "GET, HEAD"));
		R(srv_export_summary(r, 0));
	}
	if (strcmp(path, "/questions") == 0) {
		if (!is(r, "GET"))
			R(not_allowed(r, "GET, HEAD"));
		R(api_questions(r));
	}
	if (strcmp(path, "/users") == 0 || strncmp(path, "/users/", 7) == 0 ||
	    strcmp(path, "/audit") == 0) {
		if (r->s.role != DUR_STORE_COORDINATOR)
			R(srv_error(r, 403, "only a coordinator can do this"));
		if (strcmp(path, "/audit") == 0)
			R(api_audit(r));
		R(api_users(r, path[6] == '/' ? path + 7 : NULL));
	}
	srv_error(r, 404, "no such route");
}
