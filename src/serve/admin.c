/*
 * The coordinator's pages (users, the audit trail, exports) and the pages
 * everyone has: their account and the screening summary.
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R(x) do { x; return; } while (0)

static void hidden(struct dur_buf *b, const char *name, const char *value)
{
	dur_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	srv_h(b, value);
	dur_buf_puts(b, "\">");
}

static void password_input(struct dur_buf *b, const struct srv_req *r, const char *id,
			   const char *name, const char *label, const char *autocomplete)
{
	dur_buf_printf(b, "<label for=\"%s\">", id);
	srv_h(b, label);
	dur_buf_printf(b, "</label>\n<input id=\"%s\" name=\"%s\" type=\"password\" required "
		       "minlength=\"%d\" maxlength=\"%d\" autocomplete=\"%s\">\n", id, name,
		       DUR_STORE_MIN_PASSWORD, DUR_STORE_MAX_PASSWORD, autocomplete);
	(void)r;
}

/* ---- users --------------------------------------------------------------- */

void srv_page_users(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_buf b = { 0 };
	struct dur_store_user *u = NULL;
	size_t n = 0;

	if (dur_store_user_list(r->srv->store, &u, &n, &err))
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The users could not be read."))));
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Users")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Users"));
	dur_buf_puts(&b, "</h1>\n");
	if (srv_form_get(&r->q, "added"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("The user was added. Give them the password in "
						      "person; they choose their own at the first "
						      "login.")));
	if (srv_form_get(&r->q, "removed"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("The user was removed and logged out.")));
	if (srv_form_get(&r->q, "reset"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("The password was reset. The user was logged "
						      "out and chooses a new one at the next "
						      "login.")));
	dur_buf_puts(&b, "<p>");
	srv_ht(&b, r, DUR_N_("Coordinators see every case, the audit trail and the exports. "
			     "Outreach workers see the cases they started."));
	dur_buf_puts(&b, "</p>\n<ul class=\"users\">\n");
	for (size_t i = 0; i < n; i++) {
		dur_buf_puts(&b, "<li><strong><bdi>");
		srv_h(&b, u[i].name);
		dur_buf_puts(&b, "</bdi></strong> · ");
		srv_ht(&b, r, u[i].role == DUR_STORE_COORDINATOR ? DUR_N_("coordinator")
								  : DUR_N_("outreach worker"));
		dur_buf_puts(&b, " · ");
		srv_time(&b, u[i].created);
		if (u[i].must_change) {
			dur_buf_puts(&b, " · ");
			srv_ht(&b, r, DUR_N_("must choose a new password"));
		}
		dur_buf_puts(&b, "\n<details><summary>");
		srv_ht(&b, r, DUR_N_("Reset the password or remove"));
		dur_buf_puts(&b, "</summary>\n<form method=\"post\" action=\"/users/reset\" "
			     "class=\"stack\">");
		srv_csrf_field(&b, r);
		hidden(&b, "name", u[i].name);
		{
			char id[32];
			snprintf(id, sizeof(id), "reset-%zu", i);
			password_input(&b, r, id, "password", srv_tr(r, DUR_N_("New first password")),
				       "new-password");
		}
		dur_buf_puts(&b, "<button type=\"submit\">");
		srv_ht(&b, r, DUR_N_("Reset the password"));
		dur_buf_puts(&b, "</button></form>\n<form method=\"post\" action=\"/users/remove\" "
			     "class=\"stack\">");
		srv_csrf_field(&b, r);
		hidden(&b, "name", u[i].name);
		dur_buf_printf(&b, "<label class=\"check\"><input type=\"checkbox\" name=\"sure\" "
			       "value=\"1\" required> ");
		srv_ht(&b, r, DUR_N_("Yes, remove this user"));
		dur_buf_puts(&b, "</label><button type=\"submit\" class=\"danger\">");
		srv_ht(&b, r, DUR_N_("Remove"));
		dur_buf_puts(&b, "</button></form>\n</details></li>\n");
	}
	dur_buf_puts(&b, "</ul>\n<h2>");
	srv_ht(&b, r, DUR_N_("Add a user"));
	dur_buf_puts(&b, "</h2>\n<form method=\"post\" action=\"/users\" class=\"stack narrow\">\n");
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<label for=\"u-name\">");
	srv_ht(&b, r, DUR_N_("User name"));
	dur_buf_puts(&b, "</label>\n<input id=\"u-name\" name=\"name\" required maxlength=\"64\" "
		     "autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\">\n"
		     "<label for=\"u-role\">");
	srv_ht(&b, r, DUR_N_("Role"));
	dur_buf_puts(&b, "</label>\n<select id=\"u-role\" name=\"role\"><option value=\"worker\">");
	srv_ht(&b, r, DUR_N_("outreach worker"));
	dur_buf_puts(&b, "</option><option value=\"coordinator\">");
	srv_ht(&b, r, DUR_N_("coordinator"));
	dur_buf_puts(&b, "</option></select>\n");
	password_input(&b, r, "u-password", "password", srv_tr(r, DUR_N_("First password")),
		       "new-password");
	dur_buf_puts(&b, "<p class=\"help\">");
	srv_htf(&b, r, DUR_N_("At least %d characters. A few unrelated words are easy to remember "
			      "and hard to guess."), DUR_STORE_MIN_PASSWORD);
	dur_buf_puts(&b, "</p>\n<button type=\"submit\" class=\"primary\">");
	srv_ht(&b, r, DUR_N_("Add"));
	dur_buf_puts(&b, "</button>\n</form>\n<h2>");
	srv_ht(&b, r, DUR_N_("Backup"));
	dur_buf_puts(&b, "</h2>\n<p>");
	srv_ht(&b, r, DUR_N_("An encrypted copy of the whole case list. A coordinator's password "
			     "opens it (duress serve --restore). Keep it somewhere safe."));
	dur_buf_puts(&b, "</p>\n<form method=\"post\" action=\"/backup\">");
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<button type=\"submit\">");
	srv_ht(&b, r, DUR_N_("Download an encrypted backup"));
	dur_buf_puts(&b, "</button></form>\n");
	free(u);
	srv_page_end(&b, r, 200);
}

void srv_page_users_post(struct srv_req *r, const char *what)
{
	struct dur_error err = DUR_ERROR_INIT;
	const char *name = srv_form_get(&r->f, "name"), *pw = srv_form_get(&r->f, "password");
	int found = 0, role;
	dur_err rc;

	if (!name || !*name)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("Write a user name."))));
	if (strcmp(what, "add") == 0) {
		role = dur_store_role_parse(srv_form_get(&r->f, "role"));
		if (role < 0 || !pw)
			R(srv_error(r, 400, srv_tr(r, DUR_N_("The form could not be read."))));
		rc = dur_store_user_add(r->srv->store, name, (enum dur_store_role)role,
					(const unsigned char *)pw, strlen(pw), 1, &err);
		if (rc == DUR_EDATA)
			R(srv_error(r, 409, srv_tr(r, DUR_N_("There is already a user of that "
							     "name."))));
		if (rc == DUR_EINVAL)
			R(srv_error(r, 400, srv_tr(r, DUR_N_("The name or the password is not "
							     "allowed: a name is 1 to 64 characters, "
							     "a password at least 10."))));
		if (rc)
			R(srv_error(r, 500, srv_tr(r, DUR_N_("The user could not be added."))));
		srv_audit(r, "user_add", NULL);
		R(srv_redirect(r, "/users?added=1"));
	}
	if (strcmp(what, "remove") == 0) {
		if (!srv_form_get(&r->f, "sure"))
			R(srv_error(r, 400, srv_tr(r, DUR_N_("Tick the box to confirm."))));
		rc = dur_store_user_remove(r->srv->store, name, &found, &err);
		if (rc == DUR_EDATA)
			R(srv_error(r, 409, srv_tr(r, DUR_N_("The last coordinator cannot be "
							     "removed."))));
		if (rc)
			R(srv_error(r, 500, srv_tr(r, DUR_N_("The user could not be removed."))));
		if (!found)
			R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such user."))));
		srv_audit(r, "user_remove", NULL);
		srv_sessions_end_user(r->srv, name);
		R(srv_redirect(r, strcmp(name, r->s.user) == 0 ? "/login" : "/users?removed=1"));
	}
	if (strcmp(what, "reset") == 0) {
		struct dur_store_user u;
		if (!pw)
			R(srv_error(r, 400, srv_tr(r, DUR_N_("The form could not be read."))));
		if (dur_store_user_get(r->srv->store, name, &u, &found, &err) || !found)
			R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such user."))));
		rc = dur_store_user_set_password(r->srv->store, name, (const unsigned char *)pw,
						 strlen(pw), 1, &err);
		if (rc == DUR_EINVAL)
			R(srv_error(r, 400, srv_tr(r, DUR_N_("A password needs at least 10 "
							     "characters."))));
		if (rc)
			R(srv_error(r, 500, srv_tr(r, DUR_N_("The password could not be changed."))));
		srv_audit(r, "user_reset", NULL);
		srv_sessions_end_user(r->srv, name);
		R(srv_redirect(r, strcmp(name, r->s.user) == 0 ? "/login" : "/users?reset=1"));
	}
	srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page.")));
}

/* ---- the audit trail ----------------------------------------------------- */

static const char *action_word(const struct srv_req *r, const char *a)
{
	static const struct { const char *id, *words; } w[] = {
		{ "login", DUR_N_("logged in") },
		{ "login_failed", DUR_N_("failed to log in") },
		{ "logout", DUR_N_("logged out") },
		{ "case_create", DUR_N_("started a case") },
		{ "case_view", DUR_N_("opened a case") },
		{ "case_update", DUR_N_("changed a case") },
		{ "case_rescreen", DUR_N_("screened a case again") },
		{ "case_delete", DUR_N_("deleted a case") },
		{ "export_summary", DUR_N_("exported the summary") },
		{ "export_batch", DUR_N_("exported the answers behind the summary") },
		{ "export_htcds", DUR_N_("exported a CSV file") },
		{ "export_link", DUR_N_("exported encodings for linkage") },
		{ "backup", DUR_N_("made a backup") },
		{ "user_add", DUR_N_("added a user") },
		{ "user_remove", DUR_N_("removed a user") },
		{ "user_reset", DUR_N_("reset a password") },
		{ "password_change", DUR_N_("changed their password") },
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(w[i].id, a) == 0)
			return srv_tr(r, w[i].words);
	return a;
}

struct ids {
	char (*id)[DUR_STORE_ID_LEN + 1];
	size_t n, cap;
};

static dur_err collect_id(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	struct ids *v = ctx;
	struct srv_meta m;
	if (srv_meta_parse(&m, text, len) != DUR_OK)
		return DUR_OK;
	if (v->n == v->cap) {
		size_t nc = v->cap ? 2 * v->cap : 64;
		void *p = realloc(v->id, nc * sizeof(*v->id));
		if (!p)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		v->id = p;
		v->cap = nc;
	}
	memcpy(v->id[v->n++], m.id, DUR_STORE_ID_LEN + 1);
	return DUR_OK;
}

void srv_page_audit(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_buf b = { 0 };
	struct dur_store_audit_entry *e = NULL;
	struct ids ids = { 0 };
	char (*refs)[DUR_STORE_REF_LEN + 1] = NULL;
	size_t n = 0;

	if (dur_store_audit_list(r->srv->store, 500, &e, &n, &err) ||
	    dur_store_case_foreach(r->srv->store, 0, collect_id, &ids, &err)) {
		free(e);
		free(ids.id);
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The audit trail could not be read."))));
	}
	/* the trail names cases by keyed hashes; those of cases still here are linked */
	if (ids.n && (refs = calloc(ids.n, sizeof(*refs))))
		for (size_t i = 0; i < ids.n; i++)
			if (dur_store_audit_ref(r->srv->store, ids.id[i], refs[i], NULL))
				refs[i][0] = '\0';
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Audit trail")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Audit trail"));
	dur_buf_puts(&b, "</h1>\n<p>");
	srv_ht(&b, r, DUR_N_("Who did what, and when: the newest first. A case is named by a code "
			     "that only this store can link to it; nothing of what a case says is "
			     "written here."));
	dur_buf_puts(&b, "</p>\n<table class=\"audit\">\n<thead><tr><th scope=\"col\">");
	srv_ht(&b, r, DUR_N_("When"));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_ht(&b, r, DUR_N_("Who"));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_ht(&b, r, DUR_N_("What"));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_ht(&b, r, DUR_N_("Case"));
	dur_buf_puts(&b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const char *link = NULL;
		for (size_t k = 0; refs && e[i].ref[0] && k < ids.n; k++)
			if (strcmp(refs[k], e[i].ref) == 0)
				link = ids.id[k];
		dur_buf_puts(&b, "<tr><td>");
		srv_time(&b, e[i].at);
		dur_buf_puts(&b, "</td><td><bdi>");
		srv_h(&b, e[i].user);
		dur_buf_puts(&b, "</bdi></td><td>");
		srv_h(&b, action_word(r, e[i].action));
		dur_buf_puts(&b, "</td><td>");
		if (link)
			dur_buf_printf(&b, "<a href=\"/cases/%s\">%s</a>", link, link);
		else if (e[i].ref[0])
			dur_buf_printf(&b, "<span class=\"id\">%s</span>", e[i].ref);
		dur_buf_puts(&b, "</td></tr>\n");
	}
	dur_buf_puts(&b, "</tbody>\n</table>\n");
	free(refs);
	free(ids.id);
	free(e);
	srv_page_end(&b, r, 200);
}

/* ---- my account ---------------------------------------------------------- */

void srv_page_account(struct srv_req *r)
{
	struct dur_buf b = { 0 };

	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Your account")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Your account"));
	dur_buf_puts(&b, "</h1>\n");
	if (r->s.must_change)
		srv_notice(&b, "warn", srv_tr(r, DUR_N_("Choose your own password before you go "
							"on. Nobody else will know it.")));
	if (srv_form_get(&r->q, "changed"))
		srv_notice(&b, "ok", srv_tr(r, DUR_N_("Your password was changed.")));
	dur_buf_puts(&b, "<p>");
	srv_htf(&b, r, DUR_N_("Logged in as %s."), r->s.user);
	dur_buf_puts(&b, "</p>\n<h2>");
	srv_ht(&b, r, DUR_N_("Change your password"));
	dur_buf_puts(&b, "</h2>\n<form method=\"post\" action=\"/account/password\" "
		     "class=\"stack narrow\">\n");
	srv_csrf_field(&b, r);
	password_input(&b, r, "a-current", "current", srv_tr(r, DUR_N_("Current password")),
		       "current-password");
	password_input(&b, r, "a-new", "new", srv_tr(r, DUR_N_("New password")), "new-password");
	password_input(&b, r, "a-again", "again", srv_tr(r, DUR_N_("New password again")),
		       "new-password");
	dur_buf_puts(&b, "<p class=\"help\">");
	srv_htf(&b, r, DUR_N_("At least %d characters. A few unrelated words are easy to remember "
			      "and hard to guess."), DUR_STORE_MIN_PASSWORD);
	dur_buf_puts(&b, "</p>\n<button type=\"submit\" class=\"primary\">");
	srv_ht(&b, r, DUR_N_("Change the password"));
	dur_buf_puts(&b, "</button>\n</form>\n");
	srv_page_end(&b, r, 200);
}

void srv_page_account_post(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	const char *cur = srv_form_get(&r->f, "current"), *nw = srv_form_get(&r->f, "new");
	const char *again = srv_form_get(&r->f, "again");

	if (!cur || !nw || !again)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The form could not be read."))));
	if (strcmp(nw, again) != 0)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The two new passwords are not the same."))));
	if (strlen(nw) < DUR_STORE_MIN_PASSWORD)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("A password needs at least 10 characters."))));
	if (dur_store_login(r->srv->store, r->s.user, (const unsigned char *)cur, strlen(cur), NULL,
			    &err)) {
		srv_limit_fail(r->srv, r->s.user, r->in->peer, r->now);
		R(srv_error(r, 403, srv_tr(r, DUR_N_("The current password is wrong."))));
	}
	if (dur_store_user_set_password(r->srv->store, r->s.user, (const unsigned char *)nw,
					strlen(nw), 0, &err))
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The password could not be changed."))));
	r->s.must_change = 0;
	srv_session_update(r);
	srv_audit(r, "password_change", NULL);
	srv_redirect(r, "/account?changed=1");
}

/* ---- the summary ------------------------------------------------------- */

static void count_cell(struct dur_buf *b, const struct srv_req *r, json_t *v,
		       unsigned long resolution, int verdict)
{
	json_int_t n = json_integer_value(v);
	/* the heading again, for the stacked layout of small screens */
	dur_buf_puts(b, "<td data-label=\"");
	srv_h(b, srv_verdict_word(r, verdict));
	dur_buf_puts(b, "\">");
	if (resolution > 1 && n < (json_int_t)resolution) {
		dur_buf_puts(b, "&lt;");
		srv_num(b, r, (double)resolution);
	} else {
		srv_num(b, r, (double)n);
	}
	dur_buf_puts(b, "</td>");
}

void srv_page_summary(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_buf b = { 0 };
	unsigned long res = r->srv->p.summary_resolution;
	const char *exact = srv_form_get(&r->q, "exact");
	json_t *doc, *counts, *fw;
	size_t ncases = 0, i;

	/* exact counts single people out: for coordinators, for internal use */
	if (exact && r->s.role == DUR_STORE_COORDINATOR)
		res = 1;
	if (!(doc = srv_summary_json(r, res, &ncases, &err)))
		R(srv_error(r, err.code == DUR_EKEY ? 401 : 500,
			    srv_tr(r, DUR_N_("The summary could not be made."))));
	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Summary")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Summary"));
	dur_buf_puts(&b, "</h1>\n<p>");
	srv_ht(&b, r, DUR_N_("The same people, counted under each definition. These are not counts "
			     "of legal findings."));
	dur_buf_puts(&b, "</p>\n<p>");
	if (res > 1)
		srv_htf(&b, r, DUR_N_("Counts are rounded down to a multiple of %lu, so that no "
				      "small group can be singled out; \"<%lu\" means fewer than "
				      "%lu."), res, res, res);
	else
		srv_ht(&b, r, DUR_N_("Exact counts: for use inside your organisation only."));
	dur_buf_puts(&b, "</p>\n<table class=\"summary\">\n<caption>");
	srv_htf(&b, r, DUR_N_("All cases (%zu)"), ncases);
	dur_buf_puts(&b, "</caption>\n<thead><tr><th scope=\"col\">");
	srv_ht(&b, r, DUR_N_("Definition"));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_h(&b, srv_verdict_word(r, DUR_SCREEN_INDICATED));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_h(&b, srv_verdict_word(r, DUR_SCREEN_NOT_INDICATED));
	dur_buf_puts(&b, "</th><th scope=\"col\">");
	srv_h(&b, srv_verdict_word(r, DUR_SCREEN_INSUFFICIENT));
	dur_buf_puts(&b, "</th></tr></thead>\n<tbody>\n");
	counts = json_object_get(json_object_get(doc, "overall"), "counts");
	json_array_foreach(json_object_get(doc, "frameworks"), i, fw) {
		const char *id = json_string_value(json_object_get(fw, "framework"));
		json_t *c = json_object_get(counts, id ? id : "");
		dur_buf_puts(&b, "<tr><th scope=\"row\">");
		srv_h(&b, id);
		dur_buf_puts(&b, "</th>");
		count_cell(&b, r, json_object_get(c, "indicated"), res, DUR_SCREEN_INDICATED);
		count_cell(&b, r, json_object_get(c, "not_indicated"), res, DUR_SCREEN_NOT_INDICATED);
		count_cell(&b, r, json_object_get(c, "insufficient_information"), res,
			   DUR_SCREEN_INSUFFICIENT);
		dur_buf_puts(&b, "</tr>\n");
	}
	dur_buf_puts(&b, "</tbody>\n</table>\n<p class=\"actions\"><a class=\"button\" "
		     "href=\"/summary.json");
	if (res == 1)
		dur_buf_puts(&b, "?exact=1");
	dur_buf_puts(&b, "\" download>");
	srv_ht(&b, r, DUR_N_("Download the summary (JSON)"));
	dur_buf_puts(&b, "</a> <a class=\"button\" href=\"/summary.manifest.json");
	if (res == 1)
		dur_buf_puts(&b, "?exact=1");
	dur_buf_puts(&b, "\" download>");
	srv_ht(&b, r, DUR_N_("Download its provenance manifest"));
	dur_buf_puts(&b, "</a>");
	if (r->s.role == DUR_STORE_COORDINATOR) {
		dur_buf_puts(&b, res > 1 ? " <a href=\"/summary?exact=1\">" : " <a href=\"/summary\">");
		srv_ht(&b, r, res > 1 ? DUR_N_("Show exact counts") : DUR_N_("Show rounded counts"));
		dur_buf_puts(&b, "</a>");
	}
	dur_buf_puts(&b, "</p>\n");
	if (r->s.role == DUR_STORE_COORDINATOR) {
		dur_buf_puts(&b, "<p class=\"help\">");
		srv_ht(&b, r, DUR_N_("To check the figures again with duress reproduce, put the "
				     "manifest beside the answers it was made from:"));
		dur_buf_puts(&b, " <a href=\"/summary.cases.jsonl\" download>");
		srv_ht(&b, r, DUR_N_("the answers of every case (no reference, name or note; keep the "
				     "file safe)"));
		dur_buf_puts(&b, "</a></p>\n");
	}
	json_decref(doc);
	srv_page_end(&b, r, 200);
}

/* ---- exports ------------------------------------------------------------- */

struct htcds_field {
	const char *name, *label;
	int identifying, preset;
};

static const struct htcds_field HTCDS[] = {
	{ "dur_CaseID", DUR_N_("Case id (this app's)"), 0, 1 },
	{ "dur_Reference", DUR_N_("Your reference"), 0, 1 },
	{ "cas_Status", DUR_N_("Status"), 0, 1 },
	{ "dur_Created", DUR_N_("Date started"), 0, 1 },
	{ "dur_Age", DUR_N_("Age"), 0, 1 },
	{ "dur_Sector", DUR_N_("Kind of work"), 0, 0 },
	{ "vic_MethodsOfControl", DUR_N_("Methods of control (from the answers)"), 0, 1 },
	{ "dur_Verdicts", DUR_N_("Result under each definition"), 0, 1 },
	{ "prs_FirstName", DUR_N_("First name"), 1, 0 },
	{ "prs_SecondName", DUR_N_("Family name"), 1, 0 },
	{ "prs_Birthdate", DUR_N_("Date of birth"), 1, 0 },
	{ "prs_Gender", DUR_N_("Gender"), 1, 0 },
	{ "prs_Nationality", DUR_N_("Nationality"), 1, 0 },
	{ "dur_Notes", DUR_N_("Notes"), 1, 0 },
	{ NULL, NULL, 0, 0 }
};

const char *srv_htcds_field(size_t i, int *identifying)
{
	if (!HTCDS[i].name)
		return NULL;
	if (identifying)
		*identifying = HTCDS[i].identifying;
	return HTCDS[i].name;
}

void srv_page_export(struct srv_req *r)
{
	struct dur_buf b = { 0 };

	srv_page_begin(&b, r, srv_tr(r, DUR_N_("Export")));
	dur_buf_puts(&b, "<h1>");
	srv_ht(&b, r, DUR_N_("Export"));
	dur_buf_puts(&b, "</h1>\n<h2>");
	srv_ht(&b, r, DUR_N_("Screening summary"));
	dur_buf_puts(&b, "</h2>\n<p>");
	srv_ht(&b, r, DUR_N_("Counts per definition, small counts rounded: safe to share."));
	dur_buf_puts(&b, " <a href=\"/summary\">");
	srv_ht(&b, r, DUR_N_("Go to the summary"));
	dur_buf_puts(&b, "</a></p>\n<h2>");
	srv_ht(&b, r, DUR_N_("Table of cases (CSV, HTCDS names)"));
	dur_buf_puts(&b, "</h2>\n<p>");
	srv_ht(&b, r, DUR_N_("For your organisation's own use. Columns are named as in the Human "
			     "Trafficking Case Data Standard where it has a name, dur_ otherwise. "
			     "The file is not encrypted: choose only what you need and keep it "
			     "safe."));
	dur_buf_puts(&b, "</p>\n<form method=\"post\" action=\"/export/htcds\" class=\"stack\">\n");
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<fieldset><legend>");
	srv_ht(&b, r, DUR_N_("Columns"));
	dur_buf_puts(&b, "</legend>\n");
	for (size_t i = 0; HTCDS[i].name; i++) {
		dur_buf_printf(&b, "<label class=\"check\"><input type=\"checkbox\" name=\"field\" "
			       "value=\"%s\"%s> ", HTCDS[i].name, HTCDS[i].preset ? " checked" : "");
		srv_ht(&b, r, HTCDS[i].label);
		dur_buf_printf(&b, " <code>%s</code>", HTCDS[i].name);
		if (HTCDS[i].identifying) {
			dur_buf_puts(&b, " <strong>");
			srv_ht(&b, r, DUR_N_("(may identify the person)"));
			dur_buf_puts(&b, "</strong>");
		}
		dur_buf_puts(&b, "</label>\n");
	}
	dur_buf_puts(&b, "</fieldset>\n<button type=\"submit\">");
	srv_ht(&b, r, DUR_N_("Download the CSV file"));
	dur_buf_puts(&b, "</button>\n</form>\n<h2>");
	srv_ht(&b, r, DUR_N_("The list encoded for record linkage"));
	dur_buf_puts(&b, "</h2>\n<p>");
	srv_ht(&b, r, DUR_N_("For multiple systems estimation with other organisations: the cases "
			     "with identifiers, as keyed encodings (duress link encode). No name "
			     "leaves this computer. The shared secret is used for this export only "
			     "and wiped after."));
	dur_buf_puts(&b, "</p>\n<form method=\"post\" action=\"/export/link\" "
		     "enctype=\"multipart/form-data\" class=\"stack\">\n");
	srv_csrf_field(&b, r);
	dur_buf_puts(&b, "<label for=\"x-schema\">");
	srv_ht(&b, r, DUR_N_("The linkage schema all parties use (JSON file)"));
	dur_buf_puts(&b, "</label>\n<input id=\"x-schema\" name=\"schema\" type=\"file\" "
		     "accept=\".json,application/json\" required>\n<label for=\"x-secret\">");
	srv_ht(&b, r, DUR_N_("The shared secret (a file)"));
	dur_buf_puts(&b, "</label>\n<input id=\"x-secret\" name=\"secret\" type=\"file\" required>\n"
		     "<p class=\"help\">");
	srv_ht(&b, r, DUR_N_("The schema's fields must name columns of this app: given_name, "
			     "surname, date_of_birth, sex, nationality."));
	dur_buf_puts(&b, "</p>\n<button type=\"submit\">");
	srv_ht(&b, r, DUR_N_("Download the encodings"));
	dur_buf_puts(&b, "</button>\n</form>\n");
	srv_page_end(&b, r, 200);
}
