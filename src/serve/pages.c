/*
 * The pages people use every day: logging in, the case list, a new
 * screening asked one short group at a time, the result, editing and
 * deleting.  Server-rendered forms only: everything here works with
 * JavaScript turned off; static/app.js only makes some of it quicker.
 *
 * Every form posts back with the session's CSRF token in a hidden field;
 * every change ends with a redirect (POST, then GET), so that reloading a
 * page never sends answers twice.
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PRE_COOKIE "duress_pre"
/* Do one thing and return: the handlers return nothing. */
#define R(x) do { x; return; } while (0)

static void field_attr(struct dur_buf *b, const char *name, const char *value)
{
	dur_buf_printf(b, " %s=\"", name);
	srv_h(b, value ? value : "");
	dur_buf_puts(b, "\"");
}

/* ---- logging in and out -------------------------------------------------- */

static void login_form(struct srv_req *r, int status, const char *error, const char *notice)
{
	struct dur_buf b = { 0 };
	char pre[SRV_TOKEN_LEN + 1], c[200];
	const char *next = srv_form_get(&r->q, "next");

	if (!next && r->form_parsed)
		next = srv_form_get(&r->f, "next");
	/* a token for this form, in a cookie too: a login form posted from elsewhere fails */
	srv_token(pre);
	snprintf(c, sizeof(c), "%s=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600%s",
		 PRE_COOKIE, pre, r->srv->secure ? "; Secure" : "");
	srv_add_header(r, "Set-Cookie", c);
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Log in")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Log in"));
	dur_buf_puts(&b, "</h1>\n<p>");
	srv_ht(&b, r, DUR_N_("This app keeps your organisation's screenings and case list on this "
			     "computer, encrypted. Nothing is sent anywhere."));
	dur_buf_puts(&b, "</p>\n");
	if (error)
		srv_notice(&b, "error", error);
	if (notice)
		srv_notice(&b, "ok", notice);
	dur_buf_puts(&b, "<form method=\"post\" action=\"/login\" class=\"stack narrow\">\n"
		     "<input type=\"hidden\" name=\"csrf\"");
	field_attr(&b, "value", pre);
	dur_buf_puts(&b, ">\n");
	if (next && srv_local_path(next)) {
		dur_buf_puts(&b, "<input type=\"hidden\" name=\"next\"");
		field_attr(&b, "value", next);
		dur_buf_puts(&b, ">\n");
	}
	dur_buf_puts(&b, "<label for=\"user\">");
	srv_ht(&b, r, DUR_N_("User name"));
	dur_buf_puts(&b, "</label>\n<input id=\"user\" name=\"user\" autocomplete=\"username\" "
		     "autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"64\">\n"
		     "<label for=\"password\">");
	srv_ht(&b, r, DUR_N_("Password"));
	dur_buf_puts(&b, "</label>\n<input id=\"password\" name=\"password\" type=\"password\" "
		     "autocomplete=\"current-password\" required>\n"
		     "<button type=\"submit\" class=\"primary\">");
	srv_ht(&b, r, DUR_N_("Log in"));
	dur_buf_puts(&b, "</button>\n</form>\n");
	sodium_memzero(pre, sizeof(pre));
	srv_page_end(&b, r, status);
}

void srv_page_login(struct srv_req *r)
{
	if (r->have_session)
		R(srv_redirect(r, "/cases"));
	login_form(r, 200, NULL, srv_form_get(&r->q, "bye")
		   ? srv_tr(r, DUR_N_("You are logged out. When nobody is logged in, the case list "
				      "is locked."))
		   : NULL);
}

void srv_page_login_post(struct srv_req *r)
{
	const char *user, *pw, *token, *next, *cookie = srv_header(r, "Cookie");
	char pre[SRV_TOKEN_LEN + 8], ra[32], msg[512];
	long long retry = 0;
	unsigned long minutes;

	if (srv_need_form(r))
		return;
	user = srv_form_get(&r->f, "user");
	pw = srv_form_get(&r->f, "password");
	token = srv_form_get(&r->f, "csrf");
	next = srv_form_get(&r->f, "next");
	if (!cookie || !srv_cookie_get(cookie, PRE_COOKIE, pre, sizeof(pre)) || !token ||
	    strlen(pre) != SRV_TOKEN_LEN || strlen(token) != SRV_TOKEN_LEN ||
	    sodium_memcmp(pre, token, SRV_TOKEN_LEN) != 0)
		R(login_form(r, 403, srv_tr(r, DUR_N_("This form has expired. Please log in "
						      "again.")), NULL));
	if (!user || !pw || !*user || !*pw)
		R(login_form(r, 400, srv_tr(r, DUR_N_("Write your user name and your password.")),
			     NULL));
	switch (srv_login(r, user, (const unsigned char *)pw, strlen(pw), &retry)) {
	case SRV_LOGIN_OK:
		if (r->s.must_change)
			R(srv_redirect(r, "/account"));
		R(srv_redirect(r, next && srv_local_path(next) ? next : "/cases"));
	case SRV_LOGIN_WRONG:
		R(login_form(r, 401, srv_tr(r, DUR_N_("Wrong user name or password.")), NULL));
	case SRV_LOGIN_LIMIT:
		minutes = (unsigned long)((retry + 59) / 60);
		snprintf(ra, sizeof(ra), "%lld", retry);
		srv_add_header(r, "Retry-After", ra);
		srv_trf(r, msg, sizeof(msg),
			srv_trn(r, SRV_NP_("Too many wrong passwords. Wait %lu minute and try again.",
					   "Too many wrong passwords. Wait %lu minutes and try again."),
				minutes), minutes);
		R(login_form(r, 429, msg, NULL));
	case SRV_LOGIN_BUSY:
		srv_add_header(r, "Retry-After", "2");
		R(login_form(r, 503, srv_tr(r, DUR_N_("The app is busy. Try again in a moment.")),
			     NULL));
	case SRV_LOGIN_FULL:
		R(login_form(r, 503, srv_tr(r, DUR_N_("Too many people are logged in. Ask someone "
						      "to log out.")), NULL));
	default:
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The case list could not be opened."))));
	}
}

void srv_page_logout(struct srv_req *r)
{
	srv_audit(r, "logout", NULL);
	srv_session_end(r);
	srv_redirect(r, "/login?bye=1");
}

void srv_page_lang(struct srv_req *r)
{
	const char *lang = srv_lang_code(r->srv, srv_form_get(&r->f, "lang"));
	const char *next = srv_form_get(&r->f, "next");
	char c[128];

	if (!lang)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("That language is not available."))));
	snprintf(c, sizeof(c), "duress_lang=%s; Path=/; HttpOnly; SameSite=Strict; "
		 "Max-Age=31536000%s", lang, r->srv->secure ? "; Secure" : "");
	srv_add_header(r, "Set-Cookie", c);
	if (r->have_session) {
		snprintf(r->s.lang, sizeof(r->s.lang), "%s", lang);
		srv_session_update(r);
		dur_store_user_set_lang(r->srv->store, r->s.user, lang, NULL);
	}
	srv_redirect(r, next && srv_local_path(next) ? next : "/");
}

/* ---- the case list ------------------------------------------------------- */

struct list_ctx {
	struct srv_req *r;
	struct srv_meta *v;
	size_t n, cap;
	const char *fw, *age, *status, *sector, *mine;
	int verdict;
};

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return 1;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int srv_verdict_code(const char *s)
{
	return !s ? -2 : strcmp(s, "indicated") == 0 ? DUR_SCREEN_INDICATED
	       : strcmp(s, "not_indicated") == 0 ? DUR_SCREEN_NOT_INDICATED
	       : strcmp(s, "insufficient_information") == 0 ? DUR_SCREEN_INSUFFICIENT : -2;
}

static dur_err list_one(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	struct list_ctx *lc = ctx;
	struct srv_meta m;

	if (srv_meta_parse(&m, text, len) != DUR_OK)
		return DUR_OK;   /* a meta that cannot be read is skipped, not fatal */
	if (!srv_case_visible(lc->r, m.by))
		return DUR_OK;
	if (lc->age && *lc->age && strcmp(lc->age, m.age) != 0)
		return DUR_OK;
	if (lc->status && *lc->status && strcmp(lc->status, m.status) != 0)
		return DUR_OK;
	if (lc->sector && *lc->sector && !contains_ci(m.sector, lc->sector))
		return DUR_OK;
	if (lc->mine && *lc->mine && strcmp(m.by, lc->r->s.user) != 0)
		return DUR_OK;
	if (lc->fw && *lc->fw && lc->verdict == -2) {
		int has = 0;
		for (size_t i = 0; i < m.nverdicts; i++)
			has |= strcmp(lc->fw, m.fw[i]) == 0;
		if (!has)
			return DUR_OK;
	}
	if (lc->verdict != -2) {
		int hit = 0;
		for (size_t i = 0; i < m.nverdicts; i++)
			if ((!lc->fw || !*lc->fw || strcmp(lc->fw, m.fw[i]) == 0) &&
			    m.verdict[i] == lc->verdict)
				hit = 1;
		if (!hit)
			return DUR_OK;
	}
	if (lc->n == lc->cap) {
		size_t nc = lc->cap ? 2 * lc->cap : 64;
		struct srv_meta *nv = realloc(lc->v, nc * sizeof(*nv));
		if (!nv)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		lc->v = nv;
		lc->cap = nc;
	}
	lc->v[lc->n++] = m;
	return DUR_OK;
}

static int by_updated(const void *a, const void *b)
{
	const struct srv_meta *x = a, *y = b;
	return x->updated < y->updated ? 1 : x->updated > y->updated ? -1 : strcmp(x->id, y->id);
}

dur_err srv_list_cases(struct srv_req *r, const struct srv_form *q, struct srv_meta **out,
		       size_t *n, struct dur_error *err)
{
	struct list_ctx lc;
	const char *verdict = srv_form_get(q, "verdict");
	dur_err rc;

	memset(&lc, 0, sizeof(lc));
	lc.r = r;
	lc.fw = srv_form_get(q, "framework");
	lc.verdict = verdict && *verdict ? srv_verdict_code(verdict) : -2;
	lc.age = srv_form_get(q, "age");
	lc.status = srv_form_get(q, "status");
	lc.sector = srv_form_get(q, "sector");
	lc.mine = srv_form_get(q, "mine");
	*out = NULL;
	*n = 0;
	if ((rc = dur_store_case_foreach(r->srv->store, 0, list_one, &lc, err))) {
		free(lc.v);
		return rc;
	}
	if (lc.n)
		qsort(lc.v, lc.n, sizeof(*lc.v), by_updated);
	*out = lc.v;
	*n = lc.n;
	return DUR_OK;
}

static void option(struct dur_buf *b, const char *value, const char *label, const char *current)
{
	dur_buf_puts(b, "<option");
	field_attr(b, "value", value);
	if (current && strcmp(current, value) == 0)
		dur_buf_puts(b, " selected");
	dur_buf_puts(b, ">");
	srv_h(b, label);
	dur_buf_puts(b, "</option>");
}

const char *srv_status_word(const struct srv_req *r, const char *s)
{
	if (strcmp(s, "FollowUp") == 0)
		return srv_tr(r, DUR_N_("Follow up"));
	if (strcmp(s, "Closed") == 0)
		return srv_tr(r, DUR_N_("Closed"));
	if (strcmp(s, "ClosedReferred") == 0)
		return srv_tr(r, DUR_N_("Closed, referred"));
	return srv_tr(r, DUR_N_("Active"));
}

const char *srv_age_word(const struct srv_req *r, const char *g)
{
	if (strcmp(g, "minor") == 0)
		return srv_tr(r, DUR_N_("Under 18"));
	if (strcmp(g, "adult") == 0)
		return srv_tr(r, DUR_N_("18 or older"));
	return srv_tr(r, DUR_N_("Age not known"));
}

static void status_options(struct dur_buf *b, const struct srv_req *r, const char *current)
{
	static const char *const st[] = { "Active", "FollowUp", "Closed", "ClosedReferred", NULL };
	for (size_t i = 0; st[i]; i++)
		option(b, st[i], srv_status_word(r, st[i]), current);
}

static void verdict_line(struct dur_buf *b, const struct srv_req *r, const struct srv_meta *m)
{
	static const int order[] = { DUR_SCREEN_INDICATED, DUR_SCREEN_INSUFFICIENT,
				     DUR_SCREEN_NOT_INDICATED };
	dur_buf_puts(b, "<span class=\"verdicts\">");
	for (size_t k = 0; k < 3; k++) {
		int first = 1;
		for (size_t i = 0; i < m->nverdicts; i++) {
			if (m->verdict[i] != order[k])
				continue;
			if (first) {
				dur_buf_printf(b, "<span class=\"badge %s\">", srv_verdict_class(order[k]));
				srv_h(b, srv_verdict_word(r, order[k]));
				dur_buf_puts(b, ": ");
				first = 0;
			} else {
				dur_buf_puts(b, ", ");
			}
			srv_h(b, m->fw[i]);
		}
		if (!first)
			dur_buf_puts(b, "</span> ");
	}
	dur_buf_puts(b, "</span>");
}

static void select_open(struct dur_buf *b, const struct srv_req *r, const char *id,
			const char *name, const char *label)
{
	dur_buf_printf(b, "<label for=\"%s\">", id);
	srv_h(b, label);
	dur_buf_printf(b, "</label><select id=\"%s\" name=\"%s\">", id, name);
	(void)r;
}

void srv_page_cases(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_buf b = { 0 };
	struct srv_meta *v = NULL;
	size_t n = 0;
	const char *fw = srv_form_get(&r->q, "framework"), *verdict = srv_form_get(&r->q, "verdict");
	const char *age = srv_form_get(&r->q, "age"), *status = srv_form_get(&r->q, "status");
	const char *sector = srv_form_get(&r->q, "sector"), *mine = srv_form_get(&r->q, "mine");

	if (srv_list_cases(r, &r->q, &v, &n, &err))
		R(srv_error(r, err.code == DUR_EKEY ? 401 : 500,
			    srv_tr(r, DUR_N_("The case list could not be read."))));
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Cases")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Cases"));
	dur_buf_puts(&b, "</h1>\n");
	if (srv_form_get(&r->q, "deleted"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("The case was deleted from this computer.")));
	dur_buf_puts(&b, "<p><a class=\"button primary\" href=\"/cases/new\">");
	srv_ht(&b, r, DUR_N_("New screening"));
	dur_buf_puts(&b, "</a></p>\n<form method=\"get\" action=\"/cases\" class=\"filters\" "
		     "role=\"search\" id=\"filters\">\n<fieldset><legend>");
	srv_ht(&b, r, DUR_N_("Find cases"));
	dur_buf_puts(&b, "</legend>\n<div class=\"grid\">\n<div>");
	select_open(&b, r, "f-verdict", "verdict", srv_tr(r, DUR_N_("Result")));
	option(&b, "", srv_tr(r, DUR_N_("Any")), verdict);
	option(&b, "indicated", srv_verdict_word(r, DUR_SCREEN_INDICATED), verdict);
	option(&b, "insufficient_information", srv_verdict_word(r, DUR_SCREEN_INSUFFICIENT),
	       verdict);
	option(&b, "not_indicated", srv_verdict_word(r, DUR_SCREEN_NOT_INDICATED), verdict);
	dur_buf_puts(&b, "</select></div>\n<div>");
	select_open(&b, r, "f-framework", "framework", srv_tr(r, DUR_N_("Under the definition")));
	option(&b, "", srv_tr(r, DUR_N_("Any")), fw);
	for (size_t i = 0; i < r->srv->nfw; i++)
		option(&b, r->srv->fw_ids[i], r->srv->fw_ids[i], fw);
	dur_buf_puts(&b, "</select></div>\n<div>");
	select_open(&b, r, "f-age", "age", srv_tr(r, DUR_N_("Age")));
	option(&b, "", srv_tr(r, DUR_N_("Any")), age);
	option(&b, "minor", srv_age_word(r, "minor"), age);
	option(&b, "adult", srv_age_word(r, "adult"), age);
	option(&b, "unknown", srv_age_word(r, "unknown"), age);
	dur_buf_puts(&b, "</select></div>\n<div>");
	select_open(&b, r, "f-status", "status", srv_tr(r, DUR_N_("Status")));
	option(&b, "", srv_tr(r, DUR_N_("Any")), status);
	status_options(&b, r, status);
	dur_buf_puts(&b, "</select></div>\n<div><label for=\"f-sector\">");
	srv_ht(&b, r, DUR_N_("Kind of work contains"));
	dur_buf_puts(&b, "</label><input id=\"f-sector\" name=\"sector\" maxlength=\"100\" "
		     "dir=\"auto\"");
	field_attr(&b, "value", sector);
	dur_buf_puts(&b, "></div>\n</div>\n");
	if (r->s.role == DUR_STORE_COORDINATOR) {
		dur_buf_printf(&b, "<label class=\"check\"><input type=\"checkbox\" name=\"mine\" "
			       "value=\"1\"%s> ", mine && *mine ? " checked" : "");
		srv_ht(&b, r, DUR_N_("Only the cases I started"));
		dur_buf_puts(&b, "</label>\n");
	}
	dur_buf_puts(&b, "<div class=\"actions\"><button type=\"submit\">");
	srv_ht(&b, r, DUR_N_("Show"));
	dur_buf_puts(&b, "</button> <a href=\"/cases\">");
	srv_ht(&b, r, DUR_N_("Show all"));
	dur_buf_puts(&b, "</a></div>\n</fieldset>\n</form>\n<p id=\"case-count\" "
		     "aria-live=\"polite\" data-one=\"");
	/* for the script, which counts without a catalogue */
	srv_h(&b, srv_trn(r, SRV_NP_("%zu case", "%zu cases"), 1));
	dur_buf_puts(&b, "\" data-many=\"");
	srv_h(&b, srv_trn(r, SRV_NP_("%zu case", "%zu cases"), 2));
	dur_buf_puts(&b, "\">");
	srv_htf(&b, r, srv_trn(r, SRV_NP_("%zu case", "%zu cases"), n), n);
	dur_buf_puts(&b, "</p>\n<ul class=\"cases\" id=\"case-list\">\n");
	for (size_t i = 0; i < n; i++) {
		const struct srv_meta *m = &v[i];
		dur_buf_printf(&b, "<li class=\"case\" data-id=\"%s\"><a href=\"/cases/%s\" "
			       "class=\"title\">", m->id, m->id);
		if (m->label[0]) {
			dur_buf_puts(&b, "<bdi>");
			srv_h(&b, m->label);
			dur_buf_puts(&b, "</bdi>");
		} else {
			srv_htf(&b, r, DUR_N_("Case %s"), m->id);
		}
		dur_buf_printf(&b, "</a>\n<span class=\"meta\"><span class=\"id\">%s</span> · ", m->id);
		srv_time(&b, m->updated);
		dur_buf_puts(&b, " · <bdi>");
		srv_h(&b, m->by);
		dur_buf_puts(&b, "</bdi> · ");
		srv_h(&b, srv_age_word(r, m->age));
		dur_buf_puts(&b, " · ");
		srv_h(&b, srv_status_word(r, m->status));
		if (m->sector[0]) {
			dur_buf_puts(&b, " · <bdi>");
			srv_h(&b, m->sector);
			dur_buf_puts(&b, "</bdi>");
		}
		dur_buf_puts(&b, "</span>\n");
		if (m->screened) {
			verdict_line(&b, r, m);
		} else {
			dur_buf_puts(&b, "<span class=\"verdicts\"><span class=\"badge v-none\">");
			srv_ht(&b, r, DUR_N_("Screening not finished"));
			dur_buf_puts(&b, "</span></span>");
		}
		dur_buf_puts(&b, "</li>\n");
	}
	dur_buf_puts(&b, "</ul>\n");
	if (!n) {
		dur_buf_puts(&b, "<p id=\"no-cases\">");
		srv_ht(&b, r, DUR_N_("No case matches. Start a new screening, or show all cases."));
		dur_buf_puts(&b, "</p>\n");
	}
	free(v);
	srv_page_end(&b, r, 200);
}

/* ---- a new case ---------------------------------------------------------- */

static void lang_select(struct dur_buf *b, const struct srv_req *r, const char *id,
			const char *name, const char *current)
{
	dur_buf_printf(b, "<select id=\"%s\" name=\"%s\">", id, name);
	for (size_t i = 0; i < r->srv->nlangs; i++) {
		const char *code = dur_catalogue_lang(r->srv->cat[i]);
		dur_buf_printf(b, "<option value=\"%s\" lang=\"%s\"%s>", code, code,
			       strcmp(code, current) == 0 ? " selected" : "");
		srv_h(b, dur_catalogue_language_name(r->srv->cat[i]));
		dur_buf_puts(b, "</option>");
	}
	dur_buf_puts(b, "</select>");
}

void srv_page_case_new(struct srv_req *r)
{
	struct dur_buf b = { 0 };

	srv_page_begin(&b, r, srv_tr(r, DUR_N_("New screening")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("New screening"));
	dur_buf_puts(&b, "</h1>\n<div class=\"intro\"><p>");
	srv_h(&b, srv_trq(r->cat, "bank", r->srv->bank.intro));
	dur_buf_puts(&b, "</p></div>\n<form method=\"post\" action=\"/cases/new\" class=\"stack\">\n");
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<label for=\"label\">");
	srv_ht(&b, r, DUR_N_("Your reference for this case (optional)"));
	dur_buf_puts(&b, "</label>\n<p class=\"help\" id=\"label-help\">");
	srv_ht(&b, r, DUR_N_("Do not write the person's name here. Use a code your organisation "
			     "understands."));
	dur_buf_puts(&b, "</p>\n<input id=\"label\" name=\"label\" maxlength=\"200\" dir=\"auto\" "
		     "aria-describedby=\"label-help\" autocomplete=\"off\">\n<label for=\"plang\">");
	srv_ht(&b, r, DUR_N_("Show the questions also in this language"));
	dur_buf_puts(&b, "</label>\n<p class=\"help\" id=\"plang-help\">");
	srv_ht(&b, r, DUR_N_("For a person who reads another language than yours: each question is "
			     "then shown in both."));
	dur_buf_puts(&b, "</p>\n");
	lang_select(&b, r, "plang", "person_lang", r->lang);
	dur_buf_puts(&b, "\n<button type=\"submit\" class=\"primary\">");
	srv_ht(&b, r, DUR_N_("Start the questions"));
	dur_buf_puts(&b, "</button>\n</form>\n");
	srv_page_end(&b, r, 200);
}

int srv_load_visible(struct srv_req *r, const char *id, struct srv_case *c)
{
	struct dur_error err = DUR_ERROR_INIT;
	int found = 0;

	if (srv_case_load(r->srv, id, c, &found, &err)) {
		srv_case_release(c);
		srv_error(r, err.code == DUR_EKEY ? 401 : 500,
			  r->is_api ? "the case could not be read"
				    : srv_tr(r, DUR_N_("The case could not be read.")));
		return -1;
	}
	/* another worker's case is "not found": its existence is not theirs to know */
	if (!found || !srv_case_visible(r, c->created_by)) {
		srv_case_release(c);
		srv_error(r, 404, r->is_api ? "no such case"
					    : srv_tr(r, DUR_N_("There is no such case. It may have "
							       "been deleted.")));
		return -1;
	}
	return 0;
}

void srv_save_failed(struct srv_req *r, const struct dur_error *err)
{
	int status = err->code == DUR_ELIMIT ? 413 : err->code == DUR_EKEY ? 401
		     : err->code == DUR_EINVAL || err->code == DUR_EPARSE ? 400
		     : err->code == DUR_EDATA ? 409 : 500;
	srv_error(r, status, r->is_api ? err->msg
				       : srv_tr(r, DUR_N_("The case could not be saved.")));
}

void srv_page_case_new_post(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_case c;
	const char *plang = srv_lang_code(r->srv, srv_form_get(&r->f, "person_lang"));
	char loc[64];

	if (srv_case_init(&c, r->srv))
		R(srv_error(r, 500, "out of memory"));
	if (srv_case_set_text(&c.label, srv_form_get(&r->f, "label"), SRV_MAX_TEXT, 0, "label",
			      &err)) {
		srv_case_release(&c);
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The reference is too long or not readable "
						     "text."))));
	}
	snprintf(c.person_lang, sizeof(c.person_lang), "%s", plang ? plang : r->lang);
	if (srv_case_create(r, &c, &err)) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	snprintf(loc, sizeof(loc), "/cases/%s/interview/1", c.id);
	srv_case_release(&c);
	srv_redirect(r, loc);
}

dur_err srv_case_create(struct srv_req *r, struct srv_case *c, struct dur_error *err)
{
	dur_err rc = DUR_OK;

	c->created = c->updated = r->now;
	snprintf(c->created_by, sizeof(c->created_by), "%s", r->s.user);
	snprintf(c->updated_by, sizeof(c->updated_by), "%s", r->s.user);
	c->revision = 1;
	/* ids are random (50 bits): a clash is rare, and then another id is drawn */
	for (int tries = 0; tries < 4; tries++) {
		dur_store_case_new_id(c->id);
		if ((rc = srv_case_save(r->srv, c, 1, NULL, err)) != DUR_EDATA)
			break;
	}
	if (rc == DUR_OK)
		srv_audit(r, "case_create", c->id);
	return rc;
}

/* ---- the interview ------------------------------------------------------- */

/* The text of a question in the person's language, and in the page's one when they differ. */
static void question_text(struct dur_buf *b, const struct srv_req *r, const char *plang,
			  const char *ctx, const char *english, const char *cls)
{
	const dur_catalogue *pc = srv_catalogue(r->srv, plang);
	const char *ui = srv_trq(r->cat, ctx, english);

	if (!english)
		return;
	if (pc && strcmp(plang, r->lang) != 0) {
		dur_buf_printf(b, "<span class=\"%s\" lang=\"%s\" dir=\"%s\">", cls, plang,
			       srv_lang_rtl(plang) ? "rtl" : "ltr");
		srv_h(b, srv_trq(pc, ctx, english));
		dur_buf_printf(b, "</span> <span class=\"%s alt\" lang=\"%s\" dir=\"%s\">", cls,
			       r->lang, srv_lang_rtl(r->lang) ? "rtl" : "ltr");
		srv_h(b, ui);
		dur_buf_puts(b, "</span>");
	} else {
		dur_buf_printf(b, "<span class=\"%s\">", cls);
		srv_h(b, ui);
		dur_buf_puts(b, "</span>");
	}
}

/*
 * One answer.  When the person reads another language than the page, the
 * answer is written in theirs first, the page's under it: they choose it.
 */
static void choice(struct dur_buf *b, const struct srv_req *r, const char *plang,
		   const char *name, const char *value, const char *msgid, int checked,
		   const char *id)
{
	const dur_catalogue *pc = srv_catalogue(r->srv, plang);

	dur_buf_printf(b, "<label class=\"choice\" for=\"%s-%s\"><input type=\"radio\" "
		       "id=\"%s-%s\" name=\"%s\" value=\"%s\"%s> <span>", id, value, id, value, name,
		       value, checked ? " checked" : "");
	if (pc && strcmp(plang, r->lang) != 0) {
		dur_buf_printf(b, "<span lang=\"%s\" dir=\"%s\">", plang,
			       srv_lang_rtl(plang) ? "rtl" : "ltr");
		srv_h(b, dur_catalogue_get(pc, msgid));
		dur_buf_printf(b, "</span> <span class=\"alt\" lang=\"%s\" dir=\"%s\">", r->lang,
			       srv_lang_rtl(r->lang) ? "rtl" : "ltr");
		srv_h(b, srv_tr(r, msgid));
		dur_buf_puts(b, "</span>");
	} else {
		srv_h(b, srv_tr(r, msgid));
	}
	dur_buf_puts(b, "</span></label>\n");
}

static void ask_age(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c,
		    const char *plang, const char *qid)
{
	int years = c->age[0] >= '0' && c->age[0] <= '9';

	choice(b, r, plang, "age", "minor", DUR_N_("Under 18"),
	       strcmp(c->age, "minor") == 0 || (years && atof(c->age) < 18), qid);
	choice(b, r, plang, "age", "adult", DUR_N_("18 or older"),
	       strcmp(c->age, "adult") == 0 || (years && atof(c->age) >= 18), qid);
	choice(b, r, plang, "age", "unknown", DUR_N_("I don't know"),
	       strcmp(c->age, "unknown") == 0 && !c->age_declined, qid);
	choice(b, r, plang, "age", "declined", DUR_N_("Prefer not to say"), c->age_declined, qid);
	dur_buf_puts(b, "</div>\n<p class=\"years\"><label for=\"age-years\">");
	srv_ht(b, r, DUR_N_("Age in years, if the person says it (optional):"));
	dur_buf_puts(b, "</label> <input id=\"age-years\" name=\"age_years\" inputmode=\"decimal\" "
		     "size=\"5\" maxlength=\"5\" autocomplete=\"off\"");
	field_attr(b, "value", years ? c->age : "");
	dur_buf_puts(b, "></p>\n</fieldset>\n");
}

static void interview_form(struct srv_req *r, const struct srv_case *c, unsigned step,
			   const char *error, int status)
{
	const struct srv_bank *bank = &r->srv->bank;
	const struct srv_group *g = &bank->g[step - 1];
	const char *plang = c->person_lang[0] ? c->person_lang : r->lang;
	struct dur_buf b = { 0 };

	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Screening")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Screening"));
	dur_buf_printf(&b, " <small class=\"id\">%s</small>", c->id);
	if (c->label && *c->label) {
		dur_buf_puts(&b, " <small><bdi>");
		srv_h(&b, c->label);
		dur_buf_puts(&b, "</bdi></small>");
	}
	dur_buf_puts(&b, "</h1>\n<p class=\"progress-text\">");
	srv_htf(&b, r, DUR_N_("Page %u of %zu"), step, bank->ngroups);
	dur_buf_printf(&b, "</p>\n<progress max=\"%zu\" value=\"%u\"></progress>\n", bank->ngroups,
		       step);
	if (error)
		srv_notice(&b, "error", error);
	if (step == 1) {
		dur_buf_puts(&b, "<div class=\"intro\"><p>");
		srv_ht(&b, r, DUR_N_("Ask only what the person is willing to answer. \"I don't know\" "
				     "and \"Prefer not to say\" are always fine answers and are never "
				     "counted as no. A question left unanswered is simply not "
				     "asked."));
		dur_buf_puts(&b, "</p></div>\n");
	}
	dur_buf_printf(&b, "<form method=\"post\" action=\"/cases/%s/interview/%u\" "
		       "class=\"interview\" id=\"interview\">\n", c->id, step);
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<h2>");
	question_text(&b, r, plang, "section", g->section, "section");
	if (g->parts > 1) {
		dur_buf_puts(&b, " <small>");
		srv_htf(&b, r, DUR_N_("(part %u of %u)"), g->part, g->parts);
		dur_buf_puts(&b, "</small>");
	}
	dur_buf_puts(&b, "</h2>\n");
	for (size_t i = g->first; i < g->first + g->n; i++) {
		const struct srv_question *q = &bank->q[i];
		char qid[80], name[80];
		snprintf(qid, sizeof(qid), "q-%s", q->id);
		if (q->kind == SRV_Q_TEXT) {
			/* the kind of work: written down, never read by a rule */
			dur_buf_printf(&b, "<div class=\"q text\" id=\"%s\"><label for=\"%s-in\">", qid,
				       qid);
			question_text(&b, r, plang, "question", q->text, "qtext");
			dur_buf_puts(&b, "</label>\n<p class=\"help\">");
			question_text(&b, r, plang, "question-help", q->help, "qhelp");
			dur_buf_printf(&b, "</p>\n<input id=\"%s-in\" name=\"sector\" dir=\"auto\" "
				       "maxlength=\"200\" autocomplete=\"off\"", qid);
			field_attr(&b, "value", c->sector);
			dur_buf_puts(&b, ">\n</div>\n");
			continue;
		}
		dur_buf_printf(&b, "<fieldset class=\"q\" id=\"%s\"><legend>", qid);
		question_text(&b, r, plang, "question", q->text, "qtext");
		dur_buf_puts(&b, "</legend>\n");
		if (q->help) {
			dur_buf_puts(&b, "<p class=\"help\">");
			question_text(&b, r, plang, "question-help", q->help, "qhelp");
			dur_buf_puts(&b, "</p>\n");
		}
		dur_buf_puts(&b, "<div class=\"choices\">\n");
		if (q->kind == SRV_Q_AGE) {
			ask_age(&b, r, c, plang, qid);
			continue;
		}
		snprintf(name, sizeof(name), "q.%s", q->id);
		choice(&b, r, plang, name, "y", DUR_N_("Yes"), c->answers[i] == 'y', qid);
		choice(&b, r, plang, name, "n", DUR_N_("No"), c->answers[i] == 'n', qid);
		choice(&b, r, plang, name, "u", DUR_N_("I don't know"), c->answers[i] == 'u', qid);
		choice(&b, r, plang, name, "d", DUR_N_("Prefer not to say"), c->answers[i] == 'd', qid);
		dur_buf_puts(&b, "</div>\n</fieldset>\n");
	}
	dur_buf_puts(&b, "<div class=\"nav\">\n");
	if (step < bank->ngroups) {
		dur_buf_puts(&b, "<button type=\"submit\" name=\"go\" value=\"next\" "
			     "class=\"primary\">");
		srv_ht(&b, r, DUR_N_("Save and continue"));
		dur_buf_puts(&b, "</button>\n");
	} else {
		dur_buf_puts(&b, "<button type=\"submit\" name=\"go\" value=\"finish\" "
			     "class=\"primary\">");
		srv_ht(&b, r, DUR_N_("Save and see the result"));
		dur_buf_puts(&b, "</button>\n");
	}
	if (step > 1) {
		dur_buf_puts(&b, "<button type=\"submit\" name=\"go\" value=\"back\">");
		srv_ht(&b, r, DUR_N_("Back"));
		dur_buf_puts(&b, "</button>\n");
	}
	if (step < bank->ngroups) {
		dur_buf_puts(&b, "<button type=\"submit\" name=\"go\" value=\"finish\">");
		srv_ht(&b, r, DUR_N_("Save and see the result now"));
		dur_buf_puts(&b, "</button>\n");
	}
	dur_buf_puts(&b, "</div>\n<details class=\"plang\"><summary>");
	srv_ht(&b, r, DUR_N_("Show the questions also in another language"));
	dur_buf_puts(&b, "</summary>\n<p><label for=\"plang\">");
	srv_ht(&b, r, DUR_N_("Language of the person"));
	dur_buf_puts(&b, "</label> ");
	lang_select(&b, r, "plang", "person_lang", plang);
	dur_buf_puts(&b, " <button type=\"submit\" name=\"go\" value=\"stay\">");
	srv_ht(&b, r, DUR_N_("Save and show"));
	dur_buf_puts(&b, "</button></p>\n</details>\n</form>\n");
	srv_page_end(&b, r, status);
}

void srv_page_interview(struct srv_req *r, const char *id, unsigned step)
{
	struct srv_case c;

	if (step < 1 || step > r->srv->bank.ngroups)
		R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page."))));
	if (srv_load_visible(r, id, &c))
		return;
	interview_form(r, &c, step, NULL, 200);
	srv_case_release(&c);
}

/* The age as written in a form, checked by the screen module; 0 or -1. */
static int read_age_years(const struct srv_req *r, const char *y, struct srv_case *c)
{
	dur_screen_case *probe = dur_screen_case_alloc(r->srv->set);
	char t[32];
	int ok;

	snprintf(t, sizeof(t), "%.31s", y);
	for (char *p = t; *p; p++)
		if (*p == ',')
			*p = '.';   /* "16,5" as written in Spanish or French */
	ok = probe && dur_screen_case_set_age(probe, t, NULL) == DUR_OK;
	if (ok) {
		snprintf(c->age, sizeof(c->age), "%s", dur_screen_case_age(probe));
		c->age_declined = 0;
	}
	dur_screen_case_free(probe);
	return ok ? 0 : -1;
}

/* Read the answers of one page into the case.  0, or -1 with *why set. */
static int read_answers(struct srv_req *r, struct srv_case *c, const struct srv_group *g,
			const char **why)
{
	const struct srv_bank *bank = &r->srv->bank;
	struct dur_error err = DUR_ERROR_INIT;

	for (size_t i = g->first; i < g->first + g->n; i++) {
		const struct srv_question *q = &bank->q[i];
		char name[80];
		const char *v, *y;
		if (q->kind == SRV_Q_TEXT) {
			v = srv_form_get(&r->f, "sector");
			if (v && srv_case_set_text(&c->sector, v, SRV_MAX_TEXT, 0, "sector", &err)) {
				*why = srv_tr(r, DUR_N_("The kind of work is too long or not readable "
							"text."));
				return -1;
			}
			continue;
		}
		if (q->kind == SRV_Q_AGE) {
			v = srv_form_get(&r->f, "age");
			y = srv_form_get(&r->f, "age_years");
			if (y && *y) {
				if (read_age_years(r, y, c)) {
					*why = srv_tr(r, DUR_N_("The age in years must be a number, such "
								"as 16."));
					return -1;
				}
			} else if (v) {
				if (strcmp(v, "minor") && strcmp(v, "adult") && strcmp(v, "unknown") &&
				    strcmp(v, "declined")) {
					*why = srv_tr(r, DUR_N_("The form could not be read."));
					return -1;
				}
				c->age_declined = strcmp(v, "declined") == 0;
				snprintf(c->age, sizeof(c->age), "%s", c->age_declined ? "unknown" : v);
			}
			continue;
		}
		snprintf(name, sizeof(name), "q.%s", q->id);
		if (!(v = srv_form_get(&r->f, name)))
			continue;   /* left unanswered: stays as it was */
		if (strlen(v) != 1 || !strchr("ynud", v[0])) {
			*why = srv_tr(r, DUR_N_("The form could not be read."));
			return -1;
		}
		c->answers[i] = v[0];
	}
	return 0;
}

dur_err srv_screen_and_record(struct srv_req *r, struct srv_case *c, int create,
			      struct dur_error *err)
{
	dur_screen_case *sc = NULL;
	dur_screen_result *res = NULL;
	int found = 0;
	dur_err rc;

	if ((rc = srv_case_screen(r->srv, c, &sc, &res, err)) ||
	    (rc = srv_case_add_history(c, r->srv, res, r->s.user, r->now, err)))
		goto out;
	if (create) {
		rc = srv_case_create(r, c, err);
	} else {
		rc = srv_case_save(r->srv, c, 0, &found, err);
		if (!rc && !found)
			rc = dur_error_set(err, DUR_EINVAL, "the case was deleted meanwhile");
	}
out:
	dur_screen_result_free(res);
	dur_screen_case_free(sc);
	return rc;
}

void srv_page_interview_post(struct srv_req *r, const char *id, unsigned step)
{
	const struct srv_bank *bank = &r->srv->bank;
	struct dur_error err = DUR_ERROR_INIT;
	const char *go = srv_form_get(&r->f, "go"), *why = NULL, *plang;
	struct srv_case c;
	char loc[96];
	int found = 0;
	dur_err rc;

	if (!go)
		go = "next";
	if (step < 1 || step > bank->ngroups)
		R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page."))));
	if (srv_load_visible(r, id, &c))
		return;
	if (read_answers(r, &c, &bank->g[step - 1], &why)) {
		interview_form(r, &c, step, why, 400);
		srv_case_release(&c);
		return;
	}
	if ((plang = srv_lang_code(r->srv, srv_form_get(&r->f, "person_lang"))))
		snprintf(c.person_lang, sizeof(c.person_lang), "%s", plang);
	c.updated = r->now;
	snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
	c.revision++;
	if (strcmp(go, "finish") == 0 || (strcmp(go, "next") == 0 && step >= bank->ngroups))
		rc = srv_screen_and_record(r, &c, 0, &err);
	else if ((rc = srv_case_save(r->srv, &c, 0, &found, &err)) == DUR_OK && !found)
		rc = dur_error_set(&err, DUR_EINVAL, "the case was deleted meanwhile");
	if (rc) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	srv_audit(r, "case_update", c.id);
	if (strcmp(go, "back") == 0)
		snprintf(loc, sizeof(loc), "/cases/%s/interview/%u", c.id, step > 1 ? step - 1 : 1);
	else if (strcmp(go, "stay") == 0)
		snprintf(loc, sizeof(loc), "/cases/%s/interview/%u", c.id, step);
	else if (strcmp(go, "next") == 0 && step < bank->ngroups)
		snprintf(loc, sizeof(loc), "/cases/%s/interview/%u", c.id, step + 1);
	else
		snprintf(loc, sizeof(loc), "/cases/%s#result", c.id);
	srv_case_release(&c);
	srv_redirect(r, loc);
}

/* ---- the result ---------------------------------------------------------- */

/* The question of a fact id of a result ("age" is the age question). */
static const struct srv_question *fact_question(const struct srv_req *r, const char *fact)
{
	long q = srv_question_index(&r->srv->bank, fact);
	return q >= 0 ? &r->srv->bank.q[q] : NULL;
}

static void findings(struct dur_buf *b, const struct srv_req *r,
		     const struct dur_screen_outcome *o)
{
	dur_buf_puts(b, "<h4>");
	srv_ht(b, r, DUR_N_("What led to this"));
	dur_buf_puts(b, "</h4>\n<ul class=\"findings\">\n");
	for (size_t i = 0; i < o->nfindings; i++) {
		const struct srv_question *q = fact_question(r, o->findings[i].fact);
		dur_buf_puts(b, "<li>");
		srv_ht(b, r, DUR_N_("Answered yes:"));
		dur_buf_puts(b, " ");
		srv_h(b, q ? srv_trq(r->cat, "question", q->text) : o->findings[i].fact);
		dur_buf_puts(b, " <small lang=\"en\">(");
		srv_h(b, o->findings[i].label);
		if (o->findings[i].strength) {
			dur_buf_puts(b, ", ");
			srv_h(b, o->findings[i].strength);
		}
		dur_buf_puts(b, ")</small>");
		if (o->findings[i].only_if) {
			dur_buf_puts(b, " <em>");
			srv_ht(b, r, DUR_N_("(counts only if the person was under 18)"));
			dur_buf_puts(b, "</em>");
		}
		dur_buf_puts(b, "</li>\n");
	}
	dur_buf_puts(b, "</ul>\n");
}

static void changes(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c,
		    const struct dur_screen_outcome *o)
{
	dur_buf_puts(b, "<h4>");
	srv_ht(b, r, DUR_N_("What could change it"));
	dur_buf_puts(b, "</h4>\n<ul class=\"change\">\n");
	for (size_t i = 0; i < o->nchange; i++) {
		const struct srv_question *q = fact_question(r, o->would_change_if[i]);
		/* a long list: the first few, the rest a click away */
		if (i == 5 && o->nchange > 7) {
			dur_buf_puts(b, "</ul>\n<details class=\"more\"><summary>");
			srv_htf(b, r, srv_trn(r, SRV_NP_("and %zu more question",
							 "and %zu more questions"), o->nchange - 5),
				o->nchange - 5);
			dur_buf_puts(b, "</summary>\n<ul class=\"change\">\n");
		}
		dur_buf_puts(b, "<li>");
		if (q) {
			dur_buf_printf(b, "<a href=\"/cases/%s/interview/%zu#q-%s\">", c->id,
				       q->group + 1, q->id);
			srv_h(b, srv_trq(r->cat, "question", q->text));
			dur_buf_puts(b, "</a>");
		} else {
			srv_h(b, o->would_change_if[i]);
		}
		dur_buf_puts(b, "</li>\n");
	}
	dur_buf_puts(b, o->nchange > 7 ? "</ul>\n</details>\n" : "</ul>\n");
}

/* The framework's words are its own: shown in English, marked so. */
static void own_words(struct dur_buf *b, const struct srv_req *r,
		      const struct dur_screen_outcome *o)
{
	dur_buf_puts(b, "<details><summary>");
	srv_ht(b, r, DUR_N_("The definition's own words (in English)"));
	dur_buf_puts(b, "</summary>\n<div lang=\"en\" dir=\"ltr\">\n<p>");
	srv_h(b, o->meaning);
	dur_buf_puts(b, "</p>\n");
	for (size_t i = 0; i < o->nreasons; i++) {
		dur_buf_puts(b, "<p>");
		srv_h(b, o->reasons[i]);
		dur_buf_puts(b, "</p>\n");
	}
	for (size_t i = 0; i < o->nnotes; i++) {
		dur_buf_puts(b, "<p class=\"note\">");
		srv_h(b, o->notes[i]);
		dur_buf_puts(b, "</p>\n");
	}
	if (o->nelements) {
		dur_buf_puts(b, "<ul>\n");
		for (size_t i = 0; i < o->nelements; i++) {
			dur_buf_puts(b, "<li>");
			srv_h(b, o->elements[i].label);
			dur_buf_printf(b, ": %s</li>\n", o->elements[i].status == DUR_SCREEN_YES ? "met"
					 : o->elements[i].status == DUR_SCREEN_NO ? "not met"
					 : "not known yet");
		}
		dur_buf_puts(b, "</ul>\n");
	}
	dur_buf_puts(b, "</div>\n</details>\n");
}

static void fw_card(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c,
		    const struct dur_screen_outcome *o)
{
	const char *cls = srv_verdict_class((int)o->verdict);

	dur_buf_printf(b, "<section class=\"fw %s\" aria-labelledby=\"fw-%s\">\n<h3 id=\"fw-%s\">"
		       "<span lang=\"en\">", cls, o->framework, o->framework);
	srv_h(b, o->title);
	dur_buf_puts(b, "</span> <small class=\"id\">");
	srv_h(b, o->framework);
	dur_buf_puts(b, " ");
	srv_h(b, o->version);
	dur_buf_printf(b, "</small></h3>\n<p class=\"verdict\"><strong class=\"badge %s\">", cls);
	srv_h(b, srv_verdict_word(r, (int)o->verdict));
	dur_buf_puts(b, "</strong></p>\n");
	if (o->nfindings) {
		findings(b, r, o);
	} else if (o->verdict != DUR_SCREEN_INDICATED) {
		dur_buf_puts(b, "<p>");
		srv_ht(b, r, DUR_N_("None of the answers that count under this definition is yes."));
		dur_buf_puts(b, "</p>\n");
	}
	if (o->nchange)
		changes(b, r, c, o);
	own_words(b, r, o);
	dur_buf_puts(b, "</section>\n");
}

static void next_steps(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c,
		       const dur_screen_result *res)
{
	const char *group = srv_case_age_group(c);
	int any_yes = 0, any_unknown = 0;

	for (size_t i = 0; i < dur_screen_result_count(res); i++) {
		enum dur_screen_verdict v = dur_screen_result_outcome(res, i)->verdict;
		any_yes |= v == DUR_SCREEN_INDICATED;
		any_unknown |= v == DUR_SCREEN_INSUFFICIENT;
	}
	dur_buf_puts(b, "<section class=\"next\" aria-labelledby=\"next-h\">\n<h2 id=\"next-h\">");
	srv_ht(b, r, DUR_N_("Next steps"));
	dur_buf_puts(b, "</h2>\n<ul>\n");
	if (any_yes) {
		dur_buf_puts(b, "<li>");
		srv_ht(b, r, DUR_N_("Offer support now, and explain what the person can choose to do. "
				    "Nothing happens without their agreement."));
		dur_buf_puts(b, "</li>\n<li>");
		srv_ht(b, r, DUR_N_("With the person's agreement, refer them to specialised help: a "
				    "shelter, legal advice, health care, a labour rights "
				    "organisation."));
		dur_buf_puts(b, "</li>\n");
	}
	if (strcmp(group, "minor") == 0) {
		dur_buf_puts(b, "<li><strong>");
		srv_ht(b, r, DUR_N_("The person was under 18: follow your organisation's child "
				    "protection procedure."));
		dur_buf_puts(b, "</strong></li>\n");
	} else if (strcmp(group, "unknown") == 0) {
		dur_buf_puts(b, "<li>");
		srv_ht(b, r, DUR_N_("The age is not known. If the person may have been under 18, the "
				    "rules for children apply; ask only if they are willing."));
		dur_buf_puts(b, "</li>\n");
	}
	if (any_unknown) {
		dur_buf_puts(b, "<li>");
		srv_ht(b, r, DUR_N_("Some definitions need more answers. Ask the questions listed "
				    "under \"What could change it\" only if the person is willing."));
		dur_buf_puts(b, "</li>\n");
	}
	if (!any_yes) {
		dur_buf_puts(b, "<li>");
		srv_ht(b, r, DUR_N_("No indicators is not the same as no harm: offer the help the "
				    "person asks for, including advice on labour rights."));
		dur_buf_puts(b, "</li>\n");
	}
	dur_buf_puts(b, "<li>");
	srv_ht(b, r, DUR_N_("Write down what the person wants to happen next, and when you will "
			    "follow up."));
	dur_buf_puts(b, "</li>\n</ul>\n</section>\n");
}

/* Every definition's verdict in one short list, each linking to its reasons. */
static void glance(struct dur_buf *b, const struct srv_req *r, const dur_screen_result *res)
{
	dur_buf_puts(b, "<ul class=\"glance\">\n");
	for (size_t i = 0; i < dur_screen_result_count(res); i++) {
		const struct dur_screen_outcome *o = dur_screen_result_outcome(res, i);
		dur_buf_printf(b, "<li><a href=\"#fw-%s\"><span class=\"badge %s\">", o->framework,
			       srv_verdict_class((int)o->verdict));
		srv_h(b, srv_verdict_word(r, (int)o->verdict));
		dur_buf_puts(b, "</span> <span lang=\"en\">");
		srv_h(b, o->title);
		dur_buf_puts(b, "</span></a></li>\n");
	}
	dur_buf_puts(b, "</ul>\n");
}

static void case_actions(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c)
{
	dur_buf_puts(b, "<nav class=\"actions\" aria-label=\"");
	srv_ht(b, r, DUR_N_("Case actions"));
	dur_buf_printf(b, "\"><a class=\"button\" href=\"/cases/%s/interview/1\">", c->id);
	srv_ht(b, r, DUR_N_("Change the answers"));
	dur_buf_printf(b, "</a> <a class=\"button\" href=\"/cases/%s/edit\">", c->id);
	srv_ht(b, r, DUR_N_("Edit details and notes"));
	dur_buf_printf(b, "</a> <form method=\"post\" action=\"/cases/%s/rescreen\" "
		       "class=\"inline\">", c->id);
	srv_csrf_field(b, r);
	dur_buf_puts(b, "<button type=\"submit\">");
	srv_ht(b, r, DUR_N_("Screen again"));
	dur_buf_printf(b, "</button></form> <a class=\"button danger\" href=\"/cases/%s/delete\" "
		       "id=\"delete-link\" data-case=\"%s\" data-confirm=\"", c->id, c->id);
	srv_ht(b, r, DUR_N_("Delete this case for good? This cannot be undone."));
	dur_buf_puts(b, "\">");
	srv_ht(b, r, DUR_N_("Delete"));
	dur_buf_puts(b, "</a></nav>\n");
}

static void answers_given(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c)
{
	const struct srv_bank *bank = &r->srv->bank;

	dur_buf_puts(b, "<details class=\"answers\"><summary>");
	srv_ht(b, r, DUR_N_("The answers given"));
	dur_buf_puts(b, "</summary>\n<dl>\n");
	for (size_t i = 0; i < bank->nq; i++) {
		const struct srv_question *q = &bank->q[i];
		dur_buf_puts(b, "<dt>");
		srv_h(b, srv_trq(r->cat, "question", q->text));
		dur_buf_puts(b, "</dt><dd>");
		if (q->kind == SRV_Q_AGE) {
			if (c->age_declined)
				srv_ht(b, r, DUR_N_("Prefer not to say"));
			else if (strcmp(c->age, "minor") == 0 || strcmp(c->age, "adult") == 0 ||
				 strcmp(c->age, "unknown") == 0)
				srv_h(b, srv_age_word(r, c->age));
			else
				srv_h(b, c->age);
		} else if (q->kind == SRV_Q_TEXT) {
			dur_buf_puts(b, "<bdi>");
			srv_h(b, c->sector && *c->sector ? c->sector : "-");
			dur_buf_puts(b, "</bdi> <small>");
			srv_ht(b, r, DUR_N_("(written down, never used as evidence)"));
			dur_buf_puts(b, "</small>");
		} else {
			srv_h(b, srv_answer_word(r, c->answers[i]));
		}
		dur_buf_puts(b, "</dd>\n");
	}
	dur_buf_puts(b, "</dl>\n</details>\n");
}

static void detail_row(struct dur_buf *b, const struct srv_req *r, const char *label,
		       long long t, const char *who)
{
	dur_buf_puts(b, "<dt>");
	srv_h(b, label);
	dur_buf_puts(b, "</dt><dd>");
	srv_time(b, t);
	dur_buf_puts(b, " · <bdi>");
	srv_h(b, who);
	dur_buf_puts(b, "</bdi></dd>\n");
	(void)r;
}

static void history(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c)
{
	json_t *h, *x;
	size_t i, k;

	dur_buf_puts(b, "<h2>");
	srv_ht(b, r, DUR_N_("Screening history"));
	dur_buf_puts(b, "</h2>\n");
	if (json_array_size(c->history) == 0) {
		dur_buf_puts(b, "<p>");
		srv_ht(b, r, DUR_N_("Not screened yet."));
		dur_buf_puts(b, "</p>\n");
		return;
	}
	dur_buf_puts(b, "<ol class=\"history\" reversed>\n");
	for (i = json_array_size(c->history); i-- > 0; ) {
		h = json_array_get(c->history, i);
		dur_buf_puts(b, "<li>");
		srv_time(b, json_integer_value(json_object_get(h, "at")));
		dur_buf_puts(b, " · <bdi>");
		srv_h(b, json_string_value(json_object_get(h, "by")));
		dur_buf_puts(b, "</bdi>\n<ul>");
		json_array_foreach(json_object_get(h, "results"), k, x) {
			int v = srv_verdict_code(json_string_value(json_object_get(x, "verdict")));
			dur_buf_puts(b, "<li>");
			srv_h(b, json_string_value(json_object_get(x, "framework")));
			dur_buf_puts(b, " ");
			srv_h(b, json_string_value(json_object_get(x, "version")));
			dur_buf_printf(b, ": <span class=\"badge %s\">", srv_verdict_class(v));
			srv_h(b, srv_verdict_word(r, v));
			dur_buf_puts(b, "</span></li>");
		}
		dur_buf_puts(b, "</ul></li>\n");
	}
	dur_buf_puts(b, "</ol>\n");
}

void srv_page_case(struct srv_req *r, const char *id)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_buf b = { 0 };
	dur_screen_case *sc = NULL;
	dur_screen_result *res = NULL;
	struct srv_case c;

	if (srv_load_visible(r, id, &c))
		return;
	if (srv_case_screen(r->srv, &c, &sc, &res, &err)) {
		srv_case_release(&c);
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The case could not be screened."))));
	}
	srv_audit(r, "case_view", c.id);
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Screening result")));
	dur_buf_puts(&b, "<h1>");
	if (c.label && *c.label) {
		dur_buf_puts(&b, "<bdi>");
		srv_h(&b, c.label);
		dur_buf_puts(&b, "</bdi>");
	} else {
		srv_htf(&b, r, DUR_N_("Case %s"), c.id);
	}
	dur_buf_printf(&b, " <small class=\"id\">%s</small></h1>\n", c.id);
	if (srv_form_get(&r->q, "saved"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("Saved.")));
	if (srv_form_get(&r->q, "rescreened"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("Screened again with the current "
						      "definitions.")));
	dur_buf_puts(&b, "<p class=\"notice legal\" role=\"note\"><strong>");
	srv_ht(&b, r, DUR_N_("This screening is not a legal finding."));
	dur_buf_puts(&b, "</strong> ");
	srv_ht(&b, r, DUR_N_("It shows which published definitions the answers fit, to guide next "
			     "steps. Only a competent authority or court can decide whether a crime "
			     "was committed."));
	dur_buf_puts(&b, "</p>\n");
	case_actions(&b, r, &c);
	dur_buf_puts(&b, "<h2 id=\"result\">");
	srv_ht(&b, r, DUR_N_("Result under each definition"));
	dur_buf_puts(&b, "</h2>\n");
	if (json_array_size(c.history) == 0)
		srv_notice(&b, "warn", srv_tr(r, DUR_N_("The questions are not finished: this is the "
							"result of the answers so far.")));
	glance(&b, r, res);
	next_steps(&b, r, &c, res);
	dur_buf_puts(&b, "<h2>");
	srv_ht(&b, r, DUR_N_("Why, under each definition"));
	dur_buf_puts(&b, "</h2>\n");
	for (size_t i = 0; i < dur_screen_result_count(res); i++)
		fw_card(&b, r, &c, dur_screen_result_outcome(res, i));
	answers_given(&b, r, &c);
	dur_buf_puts(&b, "<h2>");
	srv_ht(&b, r, DUR_N_("Details"));
	dur_buf_puts(&b, "</h2>\n<dl class=\"details\">\n<dt>");
	srv_ht(&b, r, DUR_N_("Status"));
	dur_buf_puts(&b, "</dt><dd>");
	srv_h(&b, srv_status_word(r, c.status));
	dur_buf_puts(&b, "</dd>\n");
	detail_row(&b, r, srv_tr(r, DUR_N_("Started")), c.created, c.created_by);
	detail_row(&b, r, srv_tr(r, DUR_N_("Last changed")), c.updated, c.updated_by);
	dur_buf_puts(&b, "<dt>");
	srv_ht(&b, r, DUR_N_("Notes"));
	dur_buf_puts(&b, "</dt><dd class=\"notes\" dir=\"auto\">");
	srv_h(&b, c.notes && *c.notes ? c.notes : "-");
	dur_buf_puts(&b, "</dd>\n</dl>\n");
	history(&b, r, &c);
	dur_screen_result_free(res);
	dur_screen_case_free(sc);
	srv_case_release(&c);
	srv_page_end(&b, r, 200);
}

/* ---- editing details ----------------------------------------------------- */

static void text_input(struct dur_buf *b, const char *name, const char *label, const char *value,
		       const char *extra)
{
	dur_buf_printf(b, "<label for=\"e-%s\">", name);
	srv_h(b, label);
	dur_buf_printf(b, "</label>\n<input id=\"e-%s\" name=\"%s\" dir=\"auto\" "
		       "autocomplete=\"off\" maxlength=\"200\" %s", name, name, extra ? extra : "");
	field_attr(b, "value", value);
	dur_buf_puts(b, ">\n");
}

static const char *const SEXES[] = { "Female", "Male", "Transgender/NonConforming", "Unknown",
				     NULL };

static const char *sex_word(const struct srv_req *r, size_t i)
{
	return i == 0 ? srv_tr(r, DUR_N_("Female")) : i == 1 ? srv_tr(r, DUR_N_("Male"))
	       : i == 2 ? srv_tr(r, DUR_N_("Transgender or non-conforming"))
	       : srv_tr(r, DUR_N_("Not known"));
}

static void identifiers(struct dur_buf *b, const struct srv_req *r, const struct srv_case *c)
{
	dur_buf_puts(b, "<details class=\"identifiers\"");
	if ((c->given_name && *c->given_name) || (c->surname && *c->surname) ||
	    (c->date_of_birth && *c->date_of_birth))
		dur_buf_puts(b, " open");
	dur_buf_puts(b, "><summary>");
	srv_ht(b, r, DUR_N_("Identifiers for record linkage (optional)"));
	dur_buf_puts(b, "</summary>\n<p class=\"help\">");
	srv_ht(b, r, DUR_N_("Only if your organisation takes part in record linkage and the person "
			    "agrees. They leave this computer only as keyed encodings, never in "
			    "the clear."));
	dur_buf_puts(b, "</p>\n");
	text_input(b, "given_name", srv_tr(r, DUR_N_("First name")), c->given_name, NULL);
	text_input(b, "surname", srv_tr(r, DUR_N_("Family name")), c->surname, NULL);
	text_input(b, "date_of_birth", srv_tr(r, DUR_N_("Date of birth (YYYY-MM-DD)")),
		   c->date_of_birth, "inputmode=\"numeric\"");
	dur_buf_puts(b, "<label for=\"e-sex\">");
	srv_ht(b, r, DUR_N_("Gender"));
	dur_buf_puts(b, "</label>\n<select id=\"e-sex\" name=\"sex\">");
	option(b, "", "-", c->sex ? c->sex : "");
	for (size_t i = 0; SEXES[i]; i++)
		option(b, SEXES[i], sex_word(r, i), c->sex);
	dur_buf_puts(b, "</select>\n");
	text_input(b, "nationality", srv_tr(r, DUR_N_("Nationality (two-letter code, e.g. MX)")),
		   c->nationality, "size=\"3\"");
	dur_buf_puts(b, "</details>\n");
}

void srv_page_edit(struct srv_req *r, const char *id)
{
	struct dur_buf b = { 0 };
	struct srv_case c;

	if (srv_load_visible(r, id, &c))
		return;
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Edit details and notes")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Edit details and notes"));
	dur_buf_printf(&b, " <small class=\"id\">%s</small></h1>\n"
		       "<form method=\"post\" action=\"/cases/%s/edit\" class=\"stack\">\n", c.id,
		       c.id);
	srv_csrf_field(&b, r);
	dur_buf_printf(&b, "<input type=\"hidden\" name=\"revision\" value=\"%lld\">\n", c.revision);
	text_input(&b, "label", srv_tr(r, DUR_N_("Your reference for this case (optional)")),
		   c.label, NULL);
	dur_buf_puts(&b, "<label for=\"e-status\">");
	srv_ht(&b, r, DUR_N_("Status"));
	dur_buf_puts(&b, "</label>\n<select id=\"e-status\" name=\"status\">");
	status_options(&b, r, c.status);
	dur_buf_puts(&b, "</select>\n<label for=\"e-notes\">");
	srv_ht(&b, r, DUR_N_("Notes"));
	dur_buf_puts(&b, "</label>\n<p class=\"help\">");
	srv_ht(&b, r, DUR_N_("Only what helps the person. Notes are encrypted like the rest of the "
			     "case."));
	dur_buf_puts(&b, "</p>\n<textarea id=\"e-notes\" name=\"notes\" rows=\"6\" dir=\"auto\" "
		     "maxlength=\"20000\">");
	srv_h(&b, c.notes);
	dur_buf_puts(&b, "</textarea>\n");
	identifiers(&b, r, &c);
	dur_buf_puts(&b, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	srv_ht(&b, r, DUR_N_("Save"));
	dur_buf_printf(&b, "</button> <a href=\"/cases/%s\">", c.id);
	srv_ht(&b, r, DUR_N_("Cancel"));
	dur_buf_puts(&b, "</a></div>\n</form>\n");
	srv_case_release(&c);
	srv_page_end(&b, r, 200);
}

void srv_page_edit_post(struct srv_req *r, const char *id)
{
	struct dur_error err = DUR_ERROR_INIT;
	const char *status = srv_form_get(&r->f, "status"), *sex = srv_form_get(&r->f, "sex");
	const char *rev = srv_form_get(&r->f, "revision");
	struct srv_case c;
	char loc[64];
	int found = 0, ok = !sex || !*sex;

	if (srv_load_visible(r, id, &c))
		return;
	/* someone else saved the case since this form was opened */
	if (rev && atoll(rev) != c.revision) {
		srv_case_release(&c);
		R(srv_error(r, 409, srv_tr(r, DUR_N_("Someone else changed this case meanwhile. "
						     "Open it again to see their changes."))));
	}
	if (status && strcmp(status, "Active") && strcmp(status, "FollowUp") &&
	    strcmp(status, "Closed") && strcmp(status, "ClosedReferred"))
		status = NULL;
	for (size_t i = 0; sex && SEXES[i]; i++)
		ok |= strcmp(sex, SEXES[i]) == 0;
	if (!ok ||
	    srv_case_set_text(&c.label, srv_form_get(&r->f, "label"), SRV_MAX_TEXT, 0, "label",
			      &err) ||
	    srv_case_set_text(&c.notes, srv_form_get(&r->f, "notes"), SRV_MAX_NOTES, 1, "notes",
			      &err) ||
	    srv_case_set_text(&c.given_name, srv_form_get(&r->f, "given_name"), SRV_MAX_TEXT, 0,
			      "first name", &err) ||
	    srv_case_set_text(&c.surname, srv_form_get(&r->f, "surname"), SRV_MAX_TEXT, 0,
			      "family name", &err) ||
	    srv_case_set_text(&c.date_of_birth, srv_form_get(&r->f, "date_of_birth"), SRV_MAX_TEXT,
			      0, "date of birth", &err) ||
	    srv_case_set_text(&c.sex, sex, SRV_MAX_TEXT, 0, "gender", &err) ||
	    srv_case_set_text(&c.nationality, srv_form_get(&r->f, "nationality"), SRV_MAX_TEXT, 0,
			      "nationality", &err)) {
		srv_case_release(&c);
		R(srv_error(r, err.code == DUR_ELIMIT ? 413 : 400,
			    srv_tr(r, DUR_N_("A field is too long or not readable text."))));
	}
	if (status)
		snprintf(c.status, sizeof(c.status), "%s", status);
	c.updated = r->now;
	snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
	c.revision++;
	if (srv_case_save(r->srv, &c, 0, &found, &err) || !found) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	srv_audit(r, "case_update", c.id);
	snprintf(loc, sizeof(loc), "/cases/%s?saved=1", c.id);
	srv_case_release(&c);
	srv_redirect(r, loc);
}

void srv_page_rescreen(struct srv_req *r, const char *id)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_case c;
	char loc[64];

	if (srv_load_visible(r, id, &c))
		return;
	c.updated = r->now;
	snprintf(c.updated_by, sizeof(c.updated_by), "%s", r->s.user);
	c.revision++;
	if (srv_screen_and_record(r, &c, 0, &err)) {
		srv_case_release(&c);
		R(srv_save_failed(r, &err));
	}
	srv_audit(r, "case_rescreen", c.id);
	snprintf(loc, sizeof(loc), "/cases/%s?rescreened=1#result", c.id);
	srv_case_release(&c);
	srv_redirect(r, loc);
}

/* ---- deleting ------------------------------------------------------------ */

void srv_page_delete(struct srv_req *r, const char *id)
{
	struct dur_buf b = { 0 };
	struct srv_case c;

	if (srv_load_visible(r, id, &c))
		return;
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Delete this case?")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Delete this case?"));
	dur_buf_printf(&b, " <small class=\"id\">%s</small></h1>\n<p>", c.id);
	srv_ht(&b, r, DUR_N_("The case, its answers, notes and history are wiped from this computer. "
			     "This cannot be undone. Backups made before keep a copy until they are "
			     "destroyed."));
	dur_buf_printf(&b, "</p>\n<div class=\"actions\"><form method=\"post\" "
		       "action=\"/cases/%s/delete\" class=\"inline\">", c.id);
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<button type=\"submit\" class=\"danger\">");
	srv_ht(&b, r, DUR_N_("Delete for good"));
	dur_buf_printf(&b, "</button></form> <a class=\"button\" href=\"/cases/%s\">", c.id);
	srv_ht(&b, r, DUR_N_("Cancel"));
	dur_buf_puts(&b, "</a></div>\n");
	srv_case_release(&c);
	srv_page_end(&b, r, 200);
}

void srv_page_delete_post(struct srv_req *r, const char *id)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_case c;
	int found = 0;

	if (srv_load_visible(r, id, &c))
		return;
	srv_case_release(&c);
	if (dur_store_case_delete(r->srv->store, id, &found, &err) || !found)
		R(srv_error(r, err.code ? 500 : 404,
			    srv_tr(r, DUR_N_("The case could not be deleted."))));
	srv_audit(r, "case_delete", id);
	srv_redirect(r, "/cases?deleted=1");
}
