/*
 * Writing HTML safely: every text that comes from a manifest (list names,
 * stratum labels, file names, warnings) goes through rpt_esc(); fixed
 * text comes from the catalogue and is escaped too, since a translation
 * is data as well.
 */
#include "report/report_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rpt_escn(struct dur_buf *b, const char *s, size_t n)
{
	size_t run = 0, i;

	if (!s)
		return;
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			/* XML (inline SVG) allows no control characters but tab,
			 * newline and carriage return (kept) */
			rep = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? " " : NULL;
		}
		if (!rep)
			continue;
		if (i > run)
			dur_buf_printf(b, "%.*s", (int)(i - run), s + run);
		dur_buf_puts(b, rep);
		run = i + 1;
	}
	if (i > run)
		dur_buf_printf(b, "%.*s", (int)(i - run), s + run);
}

void rpt_esc(struct dur_buf *b, const char *s)
{
	if (s)
		rpt_escn(b, s, strlen(s));
}

const char *rpt_tr(const struct rpt *r, const char *msgid)
{
	return dur_catalogue_get(r->cat, msgid);
}

void rpt_text(struct rpt *r, const char *s)
{
	rpt_esc(&r->b, s);
}

void rpt_en(struct rpt *r, const char *s)
{
	if (r->english) {
		rpt_esc(&r->b, s);
		return;
	}
	dur_buf_puts(&r->b, "<span lang=\"en\">");
	rpt_esc(&r->b, s);
	dur_buf_puts(&r->b, "</span>");
}

void rpt_raw(struct rpt *r, const char *s)
{
	dur_buf_puts(&r->b, s);
}

void rpt_printf(struct rpt *r, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->b.failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		dur_buf_puts(&r->b, small);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (!big) {
			r->b.failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		dur_buf_puts(&r->b, big);
		free(big);
	}
}

char *rpt_take(struct rpt *r, struct dur_buf *b)
{
	char *s = NULL;
	if (dur_buf_finish(b, &s, NULL) != DUR_OK) {
		r->b.failed = 1;
		return NULL;
	}
	return s;
}

const char *rpt_keep(struct rpt *r, const char *s)
{
	if (!s || dur_strlist_addf(&r->pool, "%s", s) != DUR_OK) {
		r->b.failed = 1;
		return "";
	}
	return r->pool.s[r->pool.n - 1];
}

const char *rpt_h(struct rpt *r, const char *s)
{
	struct dur_buf b = { 0 };
	char *t;
	const char *k;
	rpt_esc(&b, s ? s : "");
	dur_buf_puts(&b, "");
	t = rpt_take(r, &b);
	k = rpt_keep(r, t);
	free(t);
	return k;
}

const char *rpt_hnum(struct rpt *r, double x, int decimals)
{
	char t[64];
	rpt_num(r, x, decimals, t, sizeof(t));
	return rpt_h(r, t);
}

const char *rpt_hcount(struct rpt *r, double x)
{
	char t[64];
	rpt_count(r, x, t, sizeof(t));
	return rpt_h(r, t);
}

const char *rpt_habout(struct rpt *r, double x)
{
	char t[64];
	rpt_about(r, x, t, sizeof(t));
	return rpt_h(r, t);
}

const char *rpt_hcell(struct rpt *r, double x)
{
	char t[64];
	rpt_cell(r, x, t, sizeof(t));
	return rpt_h(r, t);
}

#define SAY_MAX 16

static void say_va(struct dur_buf *b, const char *tmpl, va_list ap)
{
	const char *kv[2 * SAY_MAX + 1];
	size_t n = 0;
	const char *k;

	while (n < 2 * SAY_MAX && (k = va_arg(ap, const char *)) != NULL) {
		kv[n++] = k;
		kv[n++] = va_arg(ap, const char *);
	}
	kv[n] = NULL;
	rpt_fill(b, 1, tmpl, kv);
}

void rpt_say(struct rpt *r, const char *tmpl, ...)
{
	va_list ap;
	va_start(ap, tmpl);
	say_va(&r->b, tmpl, ap);
	va_end(ap);
}

void rpt_sayb(const struct rpt *r, struct dur_buf *b, const char *tmpl, ...)
{
	va_list ap;
	(void)r;
	va_start(ap, tmpl);
	say_va(b, tmpl, ap);
	va_end(ap);
}

/* ---- numbers --------------------------------------------------------------------- */

void rpt_num(const struct rpt *r, double x, int decimals, char *buf, size_t size)
{
	/* -0.0 would print as "-0" */
	if (x == 0)
		x = 0;
	dur_catalogue_format_number(r->cat, x, decimals, buf, size);
}

void rpt_count(const struct rpt *r, double x, char *buf, size_t size)
{
	dur_words_count_in(r->cat, x, buf, size);
}

void rpt_about(const struct rpt *r, double x, char *buf, size_t size)
{
	dur_words_about_in(r->cat, x, buf, size);
}

void rpt_percent(const struct rpt *r, double share, int decimals, char *buf, size_t size)
{
	char n[64];
	struct dur_buf b = { 0 };
	char *t = NULL;
	const char *kv[] = { "n", n, NULL };

	rpt_num(r, 100 * share, decimals, n, sizeof(n));
	rpt_fill(&b, 0, rpt_tr(r, DUR_N_("{n}%")), kv);
	if (dur_buf_finish(&b, &t, NULL) != DUR_OK) {
		snprintf(buf, size, "%s%%", n);
		return;
	}
	snprintf(buf, size, "%s", t);
	free(t);
}

int rpt_hidden(const struct rpt *r, double x)
{
	return r->o->publish && x >= 0.5 && x < (double)r->o->min_cell;
}

int rpt_cell(const struct rpt *r, double x, char *buf, size_t size)
{
	if (rpt_hidden(r, x)) {
		char k[32];
		rpt_count(r, (double)r->o->min_cell, k, sizeof(k));
		snprintf(buf, size, "<%s", k);
		return 1;
	}
	rpt_count(r, x, buf, size);
	return 0;
}

const char *rpt_when(struct rpt *r, const char *iso)
{
	char t[40];
	/* "2026-12-01T20:51:54Z" as "2026-12-01 20:51:54 UTC"; anything else as it is */
	if (iso && strlen(iso) == 20 && iso[10] == 'T' && iso[19] == 'Z') {
		snprintf(t, sizeof(t), "%.10s %.8s UTC", iso, iso + 11);
		return rpt_h(r, t);
	}
	return rpt_h(r, iso ? iso : "");
}

const char *rpt_basename(const char *path)
{
	const char *s;
	if (!path)
		return "";
	s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

/* ---- shared pieces of the sections ---------------------------------------------- */

void rpt_figure_open(struct rpt *r, const char *id)
{
	r->nfig++;
	rpt_printf(r, "<figure id=\"%s\">\n<div class=\"plot\">", id);
}

void rpt_figure_close(struct rpt *r, const char *caption_html)
{
	char n[32];
	snprintf(n, sizeof(n), "%d", r->nfig);
	rpt_raw(r, "</div>\n<figcaption><span class=\"fignum\">");
	rpt_say(r, rpt_tr(r, DUR_N_("Figure {n}.")), "n", n, NULL);
	rpt_raw(r, "</span> ");
	rpt_raw(r, caption_html);
	rpt_raw(r, "</figcaption>\n");
}

void rpt_who(const struct rpt *r, struct dur_buf *b, char *const *lists, size_t k, unsigned c)
{
	size_t n = 0, seen = 0;
	/* c = all bits: every list, however many */
	for (size_t i = 0; i < k; i++)
		n += c == 0xffffffffu || (i < 32 && ((c >> i) & 1u));
	for (size_t i = 0; i < k; i++) {
		if (!(c == 0xffffffffu || (i < 32 && ((c >> i) & 1u))))
			continue;
		if (seen)
			rpt_esc(b, seen + 1 == n ? rpt_tr(r, DUR_N_(" and ")) : ", ");
		rpt_esc(b, lists[i]);
		seen++;
	}
}
