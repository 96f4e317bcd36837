/*
 * Numbers and the opening sentence, in plain words.  One place for the
 * wording, so that the terminal, the HTML report and the web app say the
 * same thing about the same figure.
 */
#include <duress/report.h>

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

dur_err dur_estimate_headline(const struct dur_estimate_result *r, char **out,
			      struct dur_error *err)
{
	char est[32], lo[32], hi[32], seen[32], unseen[32], ivtext[160] = "", buf[512];
	const struct dur_estimate_interval *iv = &r->interval;

	*out = NULL;
	if (!r->have_estimate) {
		snprintf(buf, sizeof(buf), "No estimate: %s.", r->reason ? r->reason : "");
	} else {
		dur_words_about(r->estimate, est, sizeof(est));
		dur_words_count(r->observed, seen, sizeof(seen));
		/* the sentence's figures must add up when read aloud: the unseen are
		 * the rounded total less those seen, rounded again */
		{
			double total = strtod(est, NULL);
			char digits[32];
			size_t o = 0;
			for (const char *q = est; *q && o + 1 < sizeof(digits); q++)
				if (*q != ',')
					digits[o++] = *q;
			digits[o] = '\0';
			total = strtod(digits, NULL);
			dur_words_about(total - r->observed >= 0 ? total - r->observed : r->unseen,
					unseen, sizeof(unseen));
		}
		if (iv->method != DUR_INTERVAL_NONE && iv->have) {
			int pct = (int)floor(100 * iv->level + 0.5);
			dur_words_about(iv->lower, lo, sizeof(lo));
			dur_words_about(iv->upper, hi, sizeof(hi));
			/* a credible interval is a probability statement; the others are
			 * intervals of a procedure, and are not worded as one */
			if (iv->method == DUR_INTERVAL_CREDIBLE)
				snprintf(ivtext, sizeof(ivtext), " (%d%% likely between %s and %s%s)",
					 pct, lo, iv->upper_open ? "more than " : "", hi);
			else if (iv->upper_open)
				snprintf(ivtext, sizeof(ivtext), " (%d%% interval from %s to more than %s)",
					 pct, lo, hi);
			else
				snprintf(ivtext, sizeof(ivtext), " (%d%% interval %s to %s)", pct, lo, hi);
		} else if (iv->method != DUR_INTERVAL_NONE) {
			snprintf(ivtext, sizeof(ivtext), " (no interval could be computed)");
		}
		snprintf(buf, sizeof(buf), "About %s people in all%s: %s %s on at least one list, "
			 "about %s on none.", est, ivtext, seen,
			 r->observed == 1 ? "was" : "were", unseen);
	}
	if (!(*out = strdup(buf)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	return DUR_OK;
}
