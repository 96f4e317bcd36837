/*
 * Numbers and the opening sentence, in plain words.  One place for the
 * wording, so that the terminal, the HTML report and the web app say the
 * same thing about the same figure.
 */
#include <duress/report.h>
#include "report/report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits of a whole number >= 0 with a comma between thousands. */
static void group(double x, char *buf, size_t size)
{
	char d[64];
	size_t n, o = 0;
	snprintf(d, sizeof(d), "%.0f", x);
	n = strlen(d);
	for (size_t i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o < size ? o : size - 1] = '\0';
}

void dur_words_count(double x, char *buf, size_t size)
{
	if (!size)
		return;
	if (!isfinite(x) || x > 1e15) {
		snprintf(buf, size, "-");
		return;
	}
	if (x < 0) {
		buf[0] = '-';
		group(-floor(x + 0.5), buf + 1, size - 1);
		return;
	}
	group(floor(x + 0.5), buf, size);
}

void dur_words_about(double x, char *buf, size_t size)
{
	double mag, r;
	if (!isfinite(x) || x < 0 || x > 1e15) {
		dur_words_count(x, buf, size);
		return;
	}
	if (x < 100) {
		dur_words_count(x, buf, size);
		return;
	}
	/* three significant figures */
	mag = pow(10, floor(log10(x)) - 2);
	r = floor(x / mag + 0.5) * mag;
	dur_words_count(r, buf, size);
}

/* ---- in the reader's language ------------------------------------------- */

double rpt_about_value(double x)
{
	double mag;
	/* as dur_words_about: what it writes, read back as a number */
	if (!isfinite(x) || x > 1e15)
		return 0;
	if (x < 100)
		return floor(x + 0.5);
	mag = pow(10, floor(log10(x)) - 2);
	return floor(x / mag + 0.5) * mag;
}

void dur_words_count_in(const dur_catalogue *c, double x, char *buf, size_t size)
{
	if (!c) {
		dur_words_count(x, buf, size);
		return;
	}
	if (!size)
		return;
	if (!isfinite(x) || x > 1e15) {
		snprintf(buf, size, "-");
		return;
	}
	/* +0.0: a count that rounds to zero has no sign */
	dur_catalogue_format_number(c, floor(x + 0.5) + 0.0, 0, buf, size);
}

void dur_words_about_in(const dur_catalogue *c, double x, char *buf, size_t size)
{
	if (!c) {
		dur_words_about(x, buf, size);
		return;
	}
	if (!isfinite(x) || x < 0 || x > 1e15 || x < 100) {
		dur_words_count_in(c, x, buf, size);
		return;
	}
	dur_words_count_in(c, rpt_about_value(x), buf, size);
}

void rpt_fill(struct dur_buf *b, int escape, const char *tmpl, const char *const *kv)
{
	const char *p = tmpl, *run = tmpl;

	for (; *p; p++) {
		const char *end;
		size_t n;
		if (*p != '{' || !(end = strchr(p + 1, '}')))
			continue;
		n = (size_t)(end - p - 1);
		for (const char *const *q = kv; q && q[0]; q += 2) {
			if (strlen(q[0]) == n && memcmp(q[0], p + 1, n) == 0) {
				if (escape)
					rpt_escn(b, run, (size_t)(p - run));
				else
					dur_buf_printf(b, "%.*s", (int)(p - run), run);
				dur_buf_puts(b, q[1] ? q[1] : "");
				p = end;
				run = end + 1;
				break;
			}
		}
	}
	if (escape)
		rpt_esc(b, run);
	else
		dur_buf_puts(b, run);
}

/* The wording, marked for the catalogue (xgettext --keyword=DUR_N_). */
static const char *tr(const dur_catalogue *c, const char *msgid)
{
	return dur_catalogue_get(c, msgid);
}

dur_err dur_estimate_headline_in(const dur_catalogue *c, const struct dur_estimate_result *r,
				 char **out, struct dur_error *err)
{
	struct dur_buf b = { 0 }, ivb = { 0 }, seenb = { 0 };
	const struct dur_estimate_interval *iv = &r->interval;
	char est[32], lo[32], hi[32], seen[32], unseen[32], pct[32], n[24];
	char *ivtext = NULL, *seentext = NULL;
	dur_err rc;

	*out = NULL;
	if (!r->have_estimate) {
		const char *kv[] = { "reason", r->reason ? r->reason : "", NULL };
		rpt_fill(&b, 0, tr(c, DUR_N_("No estimate: {reason}.")), kv);
		return dur_buf_finish(&b, out, err);
	}
	dur_words_about_in(c, r->estimate, est, sizeof(est));
	dur_words_count_in(c, r->observed, seen, sizeof(seen));
	/* the sentence's figures must add up when read aloud: the unseen are the
	 * rounded total less those seen, rounded again */
	{
		double total = rpt_about_value(r->estimate);
		dur_words_about_in(c, total - r->observed >= 0 ? total - r->observed : r->unseen,
				   unseen, sizeof(unseen));
	}
	if (iv->method != DUR_INTERVAL_NONE && iv->have) {
		const char *tmpl;
		snprintf(n, sizeof(n), "%d", (int)floor(100 * iv->level + 0.5));
		{
			const char *kv[] = { "n", n, NULL };
			struct dur_buf pb = { 0 };
			char *t = NULL;
			rpt_fill(&pb, 0, tr(c, DUR_N_("{n}%")), kv);
			if (dur_buf_finish(&pb, &t, err))
				goto fail;
			snprintf(pct, sizeof(pct), "%s", t);
			free(t);
		}
		dur_words_about_in(c, iv->lower, lo, sizeof(lo));
		dur_words_about_in(c, iv->upper, hi, sizeof(hi));
		/* a credible interval is a probability statement; the others are
		 * intervals of a procedure, and are not worded as one */
		if (iv->method == DUR_INTERVAL_CREDIBLE)
			tmpl = iv->upper_open
			       ? tr(c, DUR_N_(" ({level} likely between {lower} and more than {upper})"))
			       : tr(c, DUR_N_(" ({level} likely between {lower} and {upper})"));
		else if (iv->upper_open)
			tmpl = tr(c, DUR_N_(" ({level} interval from {lower} to more than {upper})"));
		else
			tmpl = tr(c, DUR_N_(" ({level} interval {lower} to {upper})"));
		{
			const char *kv[] = { "level", pct, "lower", lo, "upper", hi, NULL };
			rpt_fill(&ivb, 0, tmpl, kv);
		}
	} else if (iv->method != DUR_INTERVAL_NONE) {
		rpt_fill(&ivb, 0, tr(c, DUR_N_(" (no interval could be computed)")), NULL);
	} else {
		dur_buf_puts(&ivb, "");
	}
	{
		const char *kv[] = { "seen", seen, NULL };
		rpt_fill(&seenb, 0, r->observed == 1
			 ? tr(c, DUR_N_("{seen} was on at least one list"))
			 : tr(c, DUR_N_("{seen} were on at least one list")), kv);
	}
	if ((rc = dur_buf_finish(&ivb, &ivtext, err)) || (rc = dur_buf_finish(&seenb, &seentext, err)))
		goto fail;
	{
		const char *kv[] = { "estimate", est, "interval", ivtext, "seen_clause", seentext,
				     "unseen", unseen, NULL };
		rpt_fill(&b, 0, tr(c, DUR_N_("About {estimate} people in all{interval}: "
					     "{seen_clause}, about {unseen} on none.")), kv);
	}
	free(ivtext);
	free(seentext);
	return dur_buf_finish(&b, out, err);
fail:
	free(b.p);
	free(ivb.p);
	free(seenb.p);
	free(ivtext);
	free(seentext);
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

dur_err dur_estimate_headline(const struct dur_estimate_result *r, char **out,
			      struct dur_error *err)
{
	return dur_estimate_headline_in(NULL, r, out, err);
}
