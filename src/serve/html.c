/*
 * HTML: escaping, translated text, and the frame of every page.
 *
 * The markup is plain and right-to-left safe: <html lang dir> from the
 * page's language, dir="auto" (<bdi>) around anything people typed, and a
 * stylesheet written with logical properties only (margin-inline-start,
 * not margin-left), so that an Arabic or Hebrew catalogue needs no other
 * change.  No inline script or style anywhere (the CSP forbids both).
 */
#include "serve/serve_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *srv_tr(const struct srv_req *r, const char *msgid)
{
	return dur_catalogue_get(r->cat, msgid);
}

const char *srv_trn(const struct srv_req *r, const char *one, const char *many, unsigned long n)
{
	return dur_catalogue_nget(r->cat, one, many, n);
}

const char *srv_trq(const dur_catalogue *cat, const char *context, const char *english)
{
	return english ? dur_catalogue_getc(cat, context, english) : NULL;
}

void srv_h(struct dur_buf *b, const char *s)
{
	const char *p, *start = s;

	if (!s)
		return;
	for (p = s; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* control bytes (but tab and newline) never reach the page */
			if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
				rep = " ";
		}
		if (!rep)
			continue;
		if (p > start)
			dur_buf_printf(b, "%.*s", (int)(p - start), start);
		dur_buf_puts(b, rep);
		start = p + 1;
	}
	if (p > start)
		dur_buf_puts(b, start);
}

void srv_ht(struct dur_buf *b, const struct srv_req *r, const char *msgid)
{
	srv_h(b, srv_tr(r, msgid));
}

void srv_htf(struct dur_buf *b, const struct srv_req *r, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	/* the format is the catalogue's; msgfmt --check keeps it in step with the English */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
	vsnprintf(buf, sizeof(buf), srv_tr(r, fmt), ap);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	va_end(ap);
	srv_h(b, buf);
}

void srv_trf(const struct srv_req *r, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
	vsnprintf(buf, size, srv_tr(r, fmt), ap);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	va_end(ap);
}

void srv_num(struct dur_buf *b, const struct srv_req *r, double x)
{
	char buf[64];
	dur_catalogue_format_number(r->cat, x, 0, buf, sizeof(buf));
	srv_h(b, buf);
}

void srv_time(struct dur_buf *b, long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !localtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, sizeof(buf), "-");
	dur_buf_printf(b, "<time datetime=\"%lld\">%s</time>", t, buf);
}

void srv_csrf_field(struct dur_buf *b, const struct srv_req *r)
{
	if (!r->have_session)
		return;
	dur_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	srv_h(b, r->s.csrf);
	dur_buf_puts(b, "\">");
}

void srv_notice(struct dur_buf *b, const char *cls, const char *text)
{
	dur_buf_printf(b, "<p class=\"notice %s\" role=\"%s\">", cls,
		       strcmp(cls, "error") == 0 ? "alert" : "status");
	srv_h(b, text);
	dur_buf_puts(b, "</p>\n");
}

const char *srv_verdict_word(const struct srv_req *r, int v)
{
	switch (v) {
	case DUR_SCREEN_INDICATED:
		return srv_tr(r, DUR_N_("Indicators found"));
	case DUR_SCREEN_NOT_INDICATED:
		return srv_tr(r, DUR_N_("No indicators found"));
	case DUR_SCREEN_INSUFFICIENT:
		return srv_tr(r, DUR_N_("Not enough information"));
	default:
		return srv_tr(r, DUR_N_("Not screened yet"));
	}
}

const char *srv_verdict_class(int v)
{
	return v == DUR_SCREEN_INDICATED ? "v-yes" : v == DUR_SCREEN_NOT_INDICATED ? "v-no"
	       : v == DUR_SCREEN_INSUFFICIENT ? "v-unknown" : "v-none";
}

const char *srv_answer_word(const struct srv_req *r, char a)
{
	switch (a) {
	case 'y':
		return srv_tr(r, DUR_N_("Yes"));
	case 'n':
		return srv_tr(r, DUR_N_("No"));
	case 'u':
		return srv_tr(r, DUR_N_("I don't know"));
	case 'd':
		return srv_tr(r, DUR_N_("Prefer not to say"));
	default:
		return srv_tr(r, DUR_N_("Not asked"));
	}
}

/* One language button: the language's name in itself. */
static void lang_button(struct dur_buf *b, const struct srv_req *r, const dur_catalogue *c)
{
	const char *code = dur_catalogue_lang(c);
	int current = strcmp(code, r->lang) == 0;
	dur_buf_printf(b, "<button type=\"submit\" name=\"lang\" value=\"%s\" lang=\"%s\" dir=\"%s\""
		       "%s>", code, code, srv_lang_rtl(code) ? "rtl" : "ltr",
		       current ? " aria-pressed=\"true\" class=\"current\"" : "");
	srv_h(b, dur_catalogue_language_name(c));
	dur_buf_puts(b, "</button>");
}

static void nav_link(struct dur_buf *b, const struct srv_req *r, const char *href,
		     const char *label)
{
	size_t n = strlen(href);
	int here = strcmp(r->path, href) == 0 ||
		   (strcmp(href, "/cases") == 0 && strncmp(r->path, "/cases/", 7) == 0 &&
		    strcmp(r->path, "/cases/new") != 0) ||
		   (n > 1 && strncmp(r->path, href, n) == 0 && r->path[n] == '/');
	dur_buf_printf(b, "<a href=\"%s\"%s>", href, here ? " aria-current=\"page\"" : "");
	srv_h(b, label);
	dur_buf_puts(b, "</a>");
}

void srv_page_begin(struct dur_buf *b, struct srv_req *r, const char *title)
{
	dur_serve *srv = r->srv;

	dur_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
		       "<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"referrer\" content=\"same-origin\">\n<title>",
		       r->lang, srv_lang_rtl(r->lang) ? "rtl" : "ltr");
	srv_h(b, title);
	dur_buf_puts(b, " · duress</title>\n"
		     "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
		     "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">\n");
	if (r->have_session) {
		dur_buf_puts(b, "<meta name=\"csrf-token\" content=\"");
		srv_h(b, r->s.csrf);
		dur_buf_puts(b, "\">\n");
	}
	dur_buf_puts(b, "<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n"
		     "<a class=\"skip\" href=\"#main\">");
	srv_ht(b, r, DUR_N_("Skip to the content"));
	dur_buf_puts(b, "</a>\n<header class=\"top\">\n<p class=\"brand\"><a href=\"/\">duress</a> "
		     "<span>");
	srv_ht(b, r, DUR_N_("screening and case list"));
	dur_buf_puts(b, "</span></p>\n");
	if (r->have_session && !r->s.must_change) {
		dur_buf_puts(b, "<nav class=\"main\" aria-label=\"");
		srv_ht(b, r, DUR_N_("Main"));
		dur_buf_puts(b, "\">");
		nav_link(b, r, "/cases", srv_tr(r, DUR_N_("Cases")));
		nav_link(b, r, "/cases/new", srv_tr(r, DUR_N_("New screening")));
		nav_link(b, r, "/summary", srv_tr(r, DUR_N_("Summary")));
		if (r->s.role == DUR_STORE_COORDINATOR) {
			nav_link(b, r, "/users", srv_tr(r, DUR_N_("Users")));
			nav_link(b, r, "/audit", srv_tr(r, DUR_N_("Audit trail")));
			nav_link(b, r, "/export", srv_tr(r, DUR_N_("Export")));
		}
		dur_buf_puts(b, "</nav>\n");
	}
	dur_buf_puts(b, "<div class=\"tools\">");
	if (srv->nlangs > 1) {
		struct dur_buf next = { 0 };
		char *n = NULL;
		dur_buf_puts(b, "<form class=\"langs\" method=\"post\" action=\"/lang\">");
		srv_csrf_field(b, r);
		/* back to this page after switching (GET pages with their query) */
		dur_buf_puts(&next, r->path);
		if ((strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) && r->query &&
		    r->qlen && r->qlen < 1000) {
			char q[1001];
			memcpy(q, r->query, r->qlen);
			q[r->qlen] = '\0';
			dur_buf_puts(&next, "?");
			dur_buf_puts(&next, q);
		}
		if (dur_buf_finish(&next, &n, NULL) == DUR_OK) {
			dur_buf_puts(b, "<input type=\"hidden\" name=\"next\" value=\"");
			srv_h(b, n);
			dur_buf_puts(b, "\">");
			free(n);
		}
		dur_buf_puts(b, "<span class=\"label\">");
		srv_ht(b, r, DUR_N_("Language:"));
		dur_buf_puts(b, "</span> ");
		for (size_t i = 0; i < srv->nlangs; i++)
			lang_button(b, r, srv->cat[i]);
		dur_buf_puts(b, "</form>");
	}
	if (r->have_session) {
		dur_buf_puts(b, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
		srv_csrf_field(b, r);
		dur_buf_puts(b, "<a href=\"/account\" class=\"who\"><bdi>");
		srv_h(b, r->s.user);
		dur_buf_puts(b, "</bdi></a> <button type=\"submit\">");
		srv_ht(b, r, DUR_N_("Log out"));
		dur_buf_puts(b, "</button></form>");
	}
	dur_buf_puts(b, "</div>\n</header>\n<main id=\"main\">\n");
}

void srv_page_end(struct dur_buf *b, struct srv_req *r, int status)
{
	char *page = NULL;
	size_t len;

	dur_buf_puts(b, "</main>\n<footer>\n<p>");
	srv_ht(b, r, DUR_N_("A screening guides next steps. It is not a legal finding."));
	dur_buf_puts(b, "</p>\n");
	if (r->have_session) {
		unsigned long minutes = (r->srv->p.idle_timeout + 59) / 60;
		dur_buf_puts(b, "<p>");
		srv_htf(b, r, srv_trn(r, SRV_NP_("For safety, you are logged out after %lu minute "
						 "without use, and the case list is locked.",
						 "For safety, you are logged out after %lu minutes "
						 "without use, and the case list is locked."), minutes),
			minutes);
		dur_buf_puts(b, "</p>\n");
	}
	dur_buf_puts(b, "</footer>\n</body>\n</html>\n");
	if (dur_buf_finish(b, &page, NULL) != DUR_OK) {
		r->resp->status = 500;
		return;
	}
	len = strlen(page);
	srv_set_body(r, status, "text/html; charset=utf-8", page, len);
}
