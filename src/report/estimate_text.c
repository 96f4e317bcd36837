/*
 * The estimate document as text for a terminal: the sentence first, the
 * statistics under it.
 */
#include <duress/report.h>
#include "core/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void num(char *buf, size_t n, double x)
{
	if (!isfinite(x))
		snprintf(buf, n, "-");
	else if (fabs(x) >= 100)
		snprintf(buf, n, "%.0f", x);
	else
		snprintf(buf, n, "%.1f", x);
}

static const char *interval_words(int m)
{
	switch (m) {
	case DUR_INTERVAL_BCA: return "bootstrap, bias-corrected and accelerated";
	case DUR_INTERVAL_PROFILE: return "profile likelihood";
	case DUR_INTERVAL_ANALYTIC: return "analytic, log-normal";
	case DUR_INTERVAL_CREDIBLE: return "posterior quantiles";
	}
	return "none";
}

/* "2,371 to 2,996" or "above 3,000" into buf. */
static void interval_range(const struct dur_estimate_interval *iv, char *buf, size_t n)
{
	char a[64], b[64];
	num(a, sizeof(a), iv->lower);
	num(b, sizeof(b), iv->upper);
	if (iv->upper_open)
		snprintf(buf, n, "%s to above %s", a, b);
	else
		snprintf(buf, n, "%s to %s", a, b);
}

/* The names of the lists in pattern c, joined by '+'. */
static void who(char *const *lists, size_t k, unsigned c, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < k; i++)
		if ((c >> i) & 1u) {
			int w = snprintf(buf + used, n - used, "%s%s", used ? "+" : "", lists[i]);
			if (w < 0 || (size_t)w >= n - used)
				break;
			used += (size_t)w;
		}
}

static void terms_line(struct dur_buf *b, char *const *terms, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		dur_buf_puts(b, i ? sep : "");
		dur_buf_put_clean(b, terms[i]);
	}
}

/* How far the linkage alone moves the estimate (draws from link match). */
static void linkage_block(struct dur_buf *b, const struct dur_estimate_linkage *lk)
{
	char m[64], lo[64], hi[64], mn[64], mx[64];
	size_t n = lk->ndraws - lk->nfailed;

	dur_buf_printf(b, "\n  linkage (the estimate on each of %zu tables drawn from the link "
		       "probabilities, ", lk->ndraws);
	dur_buf_put_clean(b, lk->input_name ? lk->input_name : "");
	dur_buf_puts(b, "):\n");
	if (!n) {
		dur_buf_puts(b, "    none of the drawn tables gave an estimate\n");
		return;
	}
	num(m, sizeof(m), lk->median);
	num(lo, sizeof(lo), lk->lower);
	num(hi, sizeof(hi), lk->upper);
	num(mn, sizeof(mn), lk->min);
	num(mx, sizeof(mx), lk->max);
	dur_buf_printf(b, "    median %s; the middle %.0f%%: %s to %s; all %zu: %s to %s\n", m,
		       100 * lk->level, lo, hi, n, mn, mx);
	dur_buf_puts(b, "    (sampling is not in these figures: they show what the uncertain links "
		     "alone do)\n");
}

static void result_block(struct dur_buf *b, const struct dur_estimate_table *t,
			 const struct dur_estimate_linkage *lk)
{
	const struct dur_estimate_result *r = &t->main;
	const struct dur_estimate_interval *iv = &r->interval;
	char a[64], range[160];

	dur_buf_puts(b, "  lists:          ");
	terms_line(b, t->lists, t->nlists, ", ");
	dur_buf_printf(b, "\n  people seen:    %.0f\n", r->observed);
	if (!r->have_estimate) {
		dur_buf_puts(b, "  estimate:       none - ");
		dur_buf_put_clean(b, r->reason ? r->reason : "");
		dur_buf_puts(b, "\n");
	} else {
		num(a, sizeof(a), r->estimate);
		dur_buf_printf(b, "  estimate:       %s people in all\n", a);
		num(a, sizeof(a), r->unseen);
		dur_buf_printf(b, "  seen by none:   %s (estimated)\n", a);
		if (iv->method != DUR_INTERVAL_NONE) {
			if (!iv->have) {
				dur_buf_puts(b, "  interval:       none (");
				dur_buf_put_clean(b, iv->reason ? iv->reason : "");
				dur_buf_puts(b, ")\n");
			} else {
				interval_range(iv, range, sizeof(range));
				dur_buf_printf(b, "  %2.0f%% interval:   %s (%s", 100 * iv->level, range,
					       interval_words(iv->method));
				if (iv->method == DUR_INTERVAL_BCA)
					dur_buf_printf(b, ", %zu replicates, seed %llu", iv->replicates,
						       (unsigned long long)iv->seed);
				dur_buf_puts(b, ")\n");
			}
		}
	}
	if (r->have_estimate && isfinite(r->se) && !r->have_posterior) {
		num(a, sizeof(a), r->se);
		dur_buf_printf(b, "  standard error: %s\n", a);
	}
	if (r->have_fit && r->method && strcmp(r->method, "loglinear") != 0) {
		dur_buf_printf(b, "  model:          %s: ", r->model);
		dur_buf_put_clean(b, r->summary ? r->summary : "");
		dur_buf_printf(b, "\n  fit:            deviance %.2f on %d df, AIC %.2f, BIC %.2f\n",
			       r->deviance, r->df, r->aic, r->bic);
	} else if (r->have_fit) {
		dur_buf_printf(b, "  model:          %s", r->model);
		if (r->nterms == 0) {
			dur_buf_puts(b, ", main effects only (lists independent)");
		} else {
			dur_buf_puts(b, ", main effects + ");
			terms_line(b, r->terms, r->nterms, ", ");
		}
		dur_buf_printf(b, "\n  fit:            deviance %.2f on %d df, AIC %.2f, BIC %.2f\n",
			       r->deviance, r->df, r->aic, r->bic);
		if (r->nempty) {
			dur_buf_puts(b, "  empty overlaps: ");
			terms_line(b, r->empty_overlaps, r->nempty, ", ");
			dur_buf_puts(b, "\n");
		}
	}
	if (r->have_posterior) {
		num(a, sizeof(a), r->posterior_mean);
		dur_buf_printf(b, "  posterior:      median %.0f, mean %s", r->estimate, a);
		if (isfinite(r->se)) {
			num(a, sizeof(a), r->se);
			dur_buf_printf(b, ", sd %s", a);
		}
		if (r->nmodels_averaged)
			dur_buf_printf(b, ", averaged over %zu models", r->nmodels_averaged);
		if (r->chains)
			dur_buf_printf(b, ", %d chains, R-hat %.3f, effective sample %.0f", r->chains,
				       r->rhat, r->ess);
		dur_buf_puts(b, "\n");
	}
	if (r->ncandidates && strcmp(r->criterion, "posterior") == 0) {
		dur_buf_puts(b, "\n  most probable graphs (posterior probability, cliques):\n");
		for (size_t i = 0; i < r->ncandidates; i++) {
			dur_buf_printf(b, "    %6.4f  ", r->candidates[i].weight);
			for (size_t q = 0; q < r->candidates[i].nterms; q++) {
				dur_buf_puts(b, "[");
				dur_buf_put_clean(b, r->candidates[i].terms[q]);
				dur_buf_puts(b, "]");
			}
			dur_buf_puts(b, "\n");
		}
	} else if (r->ncandidates) {
		dur_buf_printf(b, "\n  best models (%s, weight, estimate, terms):\n", r->criterion);
		for (size_t i = 0; i < r->ncandidates; i++) {
			const struct dur_estimate_candidate *c = &r->candidates[i];
			dur_buf_printf(b, "    %8.2f  %5.3f  %8.0f  ", c->criterion, c->weight,
				       c->estimate);
			if (!c->nterms)
				dur_buf_puts(b, "(main effects)");
			terms_line(b, c->terms, c->nterms, ",");
			dur_buf_puts(b, "\n");
		}
	}
	if (r->ncells) {
		int fitted = 0;
		for (size_t i = 0; i < r->ncells; i++)
			fitted |= isfinite(r->cells[i].fitted);
		dur_buf_printf(b, "\n  %-32s %9s %9s\n", "seen by", "observed", fitted ? "fitted" : "");
		for (size_t i = 0; i < r->ncells; i++) {
			char w[256];
			who(t->lists, t->nlists, r->cells[i].pattern, w, sizeof(w));
			num(a, sizeof(a), r->cells[i].fitted);
			dur_buf_puts(b, "  ");
			dur_buf_put_clean(b, w);
			dur_buf_printf(b, "%*s %9.0f %9s\n", (int)(strlen(w) < 32 ? 32 - strlen(w) : 0),
				       "", r->cells[i].observed, fitted ? a : "");
		}
	}
	if (t->ncompare) {
		dur_buf_puts(b, "\n  every method (estimate, interval, what it assumes):\n");
		for (size_t i = 0; i < t->ncompare; i++) {
			const struct dur_estimate_result *c = &t->compare[i];
			if (!c->have_estimate) {
				snprintf(a, sizeof(a), "none");
				snprintf(range, sizeof(range), "-");
			} else {
				num(a, sizeof(a), c->estimate);
				if (c->interval.have)
					interval_range(&c->interval, range, sizeof(range));
				else
					snprintf(range, sizeof(range), "-");
			}
			{
				char head[400];
				snprintf(head, sizeof(head), "    %-12s %7s  %-20s ",
					 c->model ? c->model : c->method, a, range);
				dur_buf_wrap(b, c->have_estimate ? c->summary : c->reason, head,
					     "                                               ", 100);
			}
		}
	}
	if (t->nomit) {
		dur_buf_puts(b, "\n  list omission (the estimate with each list left out):\n");
		for (size_t i = 0; i < t->nomit; i++) {
			const struct dur_estimate_omission *m = &t->omit[i];
			dur_buf_puts(b, "    without ");
			dur_buf_put_clean(b, m->list);
			if (m->have_estimate) {
				struct dur_estimate_interval iv2 = { 0 };
				iv2.lower = m->lower;
				iv2.upper = m->upper;
				num(a, sizeof(a), m->estimate);
				interval_range(&iv2, range, sizeof(range));
				dur_buf_printf(b, ": %s (%s)\n", a, range);
			} else {
				dur_buf_puts(b, ": none - ");
				dur_buf_put_clean(b, m->reason ? m->reason : "");
				dur_buf_puts(b, "\n");
			}
		}
	}
	if (lk)
		linkage_block(b, lk);
	if (r->warnings.n) {
		dur_buf_puts(b, "\n  warnings:\n");
		for (size_t i = 0; i < r->warnings.n; i++)
			dur_buf_wrap(b, r->warnings.s[i], "  - ", "    ", 78);
	}
}

static void table_block(struct dur_buf *b, const struct dur_estimate_table *t,
			const struct dur_estimate_linkage *lk)
{
	char *head = NULL;
	if (t->failure) {
		dur_buf_puts(b, "  no estimate - ");
		dur_buf_put_clean(b, t->failure);
		dur_buf_puts(b, "\n");
		return;
	}
	if (dur_estimate_headline(&t->main, &head, NULL) == DUR_OK) {
		dur_buf_wrap(b, head, "", "", 78);
		free(head);
	}
	dur_buf_puts(b, "\n");
	result_block(b, t, lk);
}

dur_err dur_estimate_doc_to_text(const struct dur_estimate_doc *d, char **out,
				 struct dur_error *err)
{
	struct dur_buf b = { 0 };

	table_block(&b, &d->total, d->linkage);
	(void)0;
	for (size_t i = 0; i < d->nstrata; i++) {
		dur_buf_puts(&b, "\nStratum ");
		dur_buf_put_clean(&b, d->by ? d->by : "");
		dur_buf_puts(&b, " = ");
		dur_buf_put_clean(&b, d->strata[i].stratum ? d->strata[i].stratum : "");
		dur_buf_puts(&b, "\n");
		table_block(&b, &d->strata[i], NULL);
	}
	dur_buf_printf(&b, "\nduress %s, input ", d->software_version ? d->software_version : "");
	dur_buf_put_clean(&b, d->input_name ? d->input_name : "");
	dur_buf_printf(&b, " (sha256 %.16s...)%s; an estimate with its uncertainty, from the lists "
		       "as given.\n", d->sha256, d->nstrata ? "; the first figures are for all "
		       "strata together" : "");
	return dur_buf_finish(&b, out, err);
}
