/*
 * The estimation job: one CSV buffer in, one document out.  The work is a
 * queue of tasks - the chosen method on the whole table and on each
 * stratum, every method side by side when asked, and the list-omission
 * diagnostic - run one bounded step at a time, so that the caller can show
 * progress (and a web server can interleave requests).
 */
#include "mse/estimate_internal.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <duress/rng.h>
#include <duress/version.h>

enum task_kind { TASK_MAIN, TASK_COMPARE, TASK_OMIT, TASK_CATCH, TASK_DRAW };

struct task {
	enum task_kind kind;
	struct dur_estimate_table *dst;
	size_t index;                  /* compare or omission slot */
	const struct dur_table *t;     /* borrowed: a cleaned table of the job */
	struct dur_estimate_params p;
	double weight;                 /* share of the whole job's work */
};

struct dur_estimate_job {
	struct dur_estimate_params p;
	struct dur_estimate_doc *doc;
	struct dur_table **tables;     /* cleaned tables (and omission tables), owned */
	size_t ntables, captables;
	struct dur_strlist *clean_warnings;   /* per doc table: total, strata */
	size_t nclean;
	struct task *task;
	size_t ntask, cur;
	dur_estimator *e;
	double done_weight, total_weight;
	char what[256];
	int started, finished;
};

/* The methods of `compare`, in the order they are shown. */
struct variant {
	const char *method, *model, *select;
	int interval;
};
static const struct variant compare_variants[] = {
	{ "loglinear", "stepwise", NULL, DUR_INTERVAL_BCA },
	{ "loglinear", "stepwise", "aic", DUR_INTERVAL_ANALYTIC },
	{ "closed", "mt", NULL, DUR_INTERVAL_PROFILE },
	{ "closed", "mth-chao", NULL, DUR_INTERVAL_PROFILE },
	{ "closed", "mth-poisson", NULL, DUR_INTERVAL_PROFILE },
	{ "closed", "mth-darroch", NULL, DUR_INTERVAL_PROFILE },
	{ "closed", "mth-gamma", NULL, DUR_INTERVAL_PROFILE },
	{ "lcmcr", "lcmcr", NULL, DUR_INTERVAL_CREDIBLE },
	{ "bma", "bma", NULL, DUR_INTERVAL_CREDIBLE },
};

static dur_err nomem(struct dur_error *err)
{
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

static dur_err keep_table(dur_estimate_job *j, struct dur_table *t)
{
	if (j->ntables == j->captables) {
		size_t nc = j->captables ? 2 * j->captables : 8;
		struct dur_table **nt = realloc(j->tables, nc * sizeof(*nt));
		if (!nt)
			return DUR_ENOMEM;
		j->tables = nt;
		j->captables = nc;
	}
	j->tables[j->ntables++] = t;
	return DUR_OK;
}

static dur_err add_task(dur_estimate_job *j, enum task_kind kind, struct dur_estimate_table *dst,
			size_t index, const struct dur_table *t,
			const struct dur_estimate_params *p, double weight)
{
	struct task *nt = realloc(j->task, (j->ntask + 1) * sizeof(*nt));
	if (!nt)
		return DUR_ENOMEM;
	j->task = nt;
	nt[j->ntask].kind = kind;
	nt[j->ntask].dst = dst;
	nt[j->ntask].index = index;
	nt[j->ntask].t = t;
	nt[j->ntask].p = *p;
	nt[j->ntask].weight = weight;
	j->total_weight += weight;
	j->ntask++;
	return DUR_OK;
}

static double task_weight(const struct dur_estimate_params *p)
{
	/* a bootstrap costs about one selection per replicate; the latent-class
	 * sampler about as much as a thousand */
	if (strcmp(p->method, "lcmcr") == 0)
		return 40;
	return 1 + (p->interval == DUR_INTERVAL_BCA ? (double)p->bootstrap / 25 : 0);
}

/* The table without list `drop`: people seen only by it are then unseen. */
static struct dur_table *without_list(const struct dur_table *t, int drop)
{
	struct dur_table *r = dur_table_alloc(t->k - 1);
	if (!r)
		return NULL;
	for (int i = 0, j = 0; i < t->k; i++)
		if (i != drop && dur_table_set_name(r, j++, t->names[i]) != DUR_OK) {
			dur_table_free(r);
			return NULL;
		}
	for (unsigned c = 1; c < t->ncells; c++) {
		unsigned lo = c & ((1u << drop) - 1), hi = c >> (drop + 1);
		unsigned d = lo | (hi << drop);
		if (d)
			r->count[d] += t->count[c];
	}
	return r;
}

/* The model choice list omission uses: the same, unless it names lists. */
static void omission_params(const struct dur_estimate_params *p, struct dur_estimate_params *o)
{
	*o = *p;
	o->compare = 0;
	o->diagnostics = 0;
	o->interval = DUR_INTERVAL_ANALYTIC;
	if (strcmp(o->method, "loglinear") != 0) {
		o->method = "loglinear";
		o->model = "stepwise";
		o->select = NULL;
	} else if (!o->select && strcmp(o->model, "stepwise") != 0 &&
		   strcmp(o->model, "main") != 0 && strcmp(o->model, "all-pairs") != 0) {
		o->model = "stepwise";
	}
}

/* Set up the tasks for one table (the whole one or a stratum). */
static dur_err plan_table(dur_estimate_job *j, struct dur_estimate_table *dst,
			  const struct dur_table *raw, struct dur_strlist *warn,
			  struct dur_error *err)
{
	struct dur_table *t = dur_table_clone(raw);
	dur_err rc;

	if (!t)
		return nomem(err);
	if ((rc = dur_table_clean(&t, warn, err)) != DUR_OK) {
		dur_table_free(t);
		return rc;
	}
	if (keep_table(j, t)) {
		dur_table_free(t);
		return nomem(err);
	}
	if (t->k == 2)
		dur_strlist_addf(warn, "with only two lists, whether they are independent cannot be "
				 "tested: the estimate assumes they are, and every person the two "
				 "lists share but who was not linked between them makes it larger");
	dst->nlists = (size_t)t->k;
	if (!(dst->lists = jx_strings_dup(t->names, (size_t)t->k)))
		return nomem(err);
	dst->observed = dur_table_observed(t);
	/* the shared-catchability diagnostic first: its warning belongs with the
	 * table's own, which the chosen method's result shows first */
	dst->catchability.low = dst->catchability.high = NAN;
	if (j->p.diagnostics && t->k >= 3 && add_task(j, TASK_CATCH, dst, 0, t, &j->p, 0.2))
		return nomem(err);
	if ((rc = add_task(j, TASK_MAIN, dst, 0, t, &j->p, task_weight(&j->p))))
		return nomem(err);
	if (j->p.compare) {
		size_t n = sizeof(compare_variants) / sizeof(compare_variants[0]);
		dst->compare = calloc(n, sizeof(*dst->compare));
		if (!dst->compare)
			return nomem(err);
		for (size_t i = 0; i < n; i++) {
			struct dur_estimate_params p = j->p;
			p.method = compare_variants[i].method;
			p.model = compare_variants[i].model;
			p.select = compare_variants[i].select;
			p.interval = compare_variants[i].interval;
			p.compare = 0;
			dur_estimate_result_init(&dst->compare[i]);
			if (add_task(j, TASK_COMPARE, dst, i, t, &p, task_weight(&p)))
				return nomem(err);
		}
		dst->ncompare = n;
	}
	if (j->p.diagnostics && t->k >= 3) {
		struct dur_estimate_params op;
		omission_params(&j->p, &op);
		dst->omit = calloc((size_t)t->k, sizeof(*dst->omit));
		if (!dst->omit)
			return nomem(err);
		dst->nomit = (size_t)t->k;
		for (int i = 0; i < t->k; i++) {
			struct dur_table *o = without_list(t, i);
			if (!o || keep_table(j, o)) {
				dur_table_free(o);
				return nomem(err);
			}
			if (!(dst->omit[i].list = strdup(t->names[i])))
				return nomem(err);
			dst->omit[i].estimate = dst->omit[i].lower = dst->omit[i].upper = NAN;
			if (add_task(j, TASK_OMIT, dst, (size_t)i, o, &op, 0.2))
				return nomem(err);
		}
	}
	return DUR_OK;
}

dur_estimate_job *dur_estimate_job_alloc(const char *buf, size_t len, const char *name,
					 const struct dur_estimate_params *p,
					 struct dur_error *err)
{
	struct dur_table_read_params rp;
	struct dur_table_set *set = NULL;
	dur_estimate_job *j;
	struct dur_estimate_doc *d;
	unsigned char h[crypto_hash_sha256_BYTES];

	if (dur_estimate_params_check(p, err) != DUR_OK)
		return NULL;
	rp.by = p->by;
	rp.lists = p->lists;
	rp.delim = p->sep;
	if (dur_table_read_csv(buf, len, name, &rp, &set, err) != DUR_OK)
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j || !(j->doc = d = calloc(1, sizeof(*d))))
		goto nomem;
	j->p = *p;
	d->version = DUR_ESTIMATE_FORMAT_VERSION;
	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	sodium_bin2hex(d->sha256, sizeof(d->sha256), h, sizeof(h));
	if (est_strdup(&d->input_name, name ? name : "<input>") ||
	    est_strdup(&d->form, set->individual ? "individual" : "aggregated") ||
	    !(d->input_lists = jx_strings_dup(set->total->names, (size_t)set->total->k)) ||
	    !(d->ninput_lists = (size_t)set->total->k) ||
	    est_strdup(&d->software_version, dur_version()) ||
	    est_strdup(&d->software_git, dur_version_git()) ||
	    est_strdup(&d->software_build, dur_version_build()) ||
	    !(d->parameters = dur_estimate_params_to_json(p)))
		goto nomem;
	d->rows = set->rows;
	j->clean_warnings = calloc(set->nstrata + 1, sizeof(*j->clean_warnings));
	if (!j->clean_warnings)
		goto nomem;
	j->nclean = set->nstrata + 1;
	if (plan_table(j, &d->total, set->total, &j->clean_warnings[0], err) != DUR_OK) {
		dur_error_prefix(err, "'%s'", name ? name : "<input>");
		goto fail;
	}
	if (p->by) {
		if (est_strdup(&d->by, p->by))
			goto nomem;
		d->strata = calloc(set->nstrata + 1, sizeof(*d->strata));
		if (!d->strata)
			goto nomem;
		d->nstrata = set->nstrata;
		for (size_t s = 0; s < set->nstrata; s++) {
			struct dur_estimate_table *st = &d->strata[s];
			struct dur_error e2 = DUR_ERROR_INIT;
			dur_estimate_result_init(&st->main);
			if (est_strdup(&st->stratum, set->label[s]))
				goto nomem;
			if (plan_table(j, st, set->stratum[s], &j->clean_warnings[s + 1], &e2)) {
				if (e2.code == DUR_ENOMEM)
					goto nomem;
				/* a stratum that cannot be estimated at all (one list left,
				 * say) is reported in the document, not fatal */
				if (est_strdup(&st->failure, e2.msg))
					goto nomem;
			}
		}
	}
	dur_table_set_free(set);
	return j;
nomem:
	nomem(err);
fail:
	dur_table_set_free(set);
	dur_estimate_job_free(j);
	return NULL;
}

dur_err dur_estimate_job_add_draws(dur_estimate_job *j, const char *buf, size_t len,
				   const char *name, struct dur_error *err)
{
	struct dur_table_read_params rp;
	struct dur_table_set *set = NULL;
	struct dur_estimate_doc *d = j->doc;
	struct dur_estimate_linkage *lk;
	struct dur_estimate_params dp;
	unsigned char h[crypto_hash_sha256_BYTES];
	double weight;
	dur_err rc;

	if (!name)
		name = "<draws>";
	if (j->started || !d || d->linkage)
		return dur_error_set(err, DUR_EINVAL, "linkage draws are added once, before the "
				     "estimation starts");
	rp.by = "draw";
	rp.lists = j->p.lists;
	rp.delim = j->p.sep;
	if ((rc = dur_table_read_csv(buf, len, name, &rp, &set, err)) != DUR_OK)
		return rc;
	if (set->nstrata > DUR_ESTIMATE_MAX_DRAWS) {
		rc = dur_error_set(err, DUR_ELIMIT, "'%s': %zu drawn tables; duress uses at most %d",
				   name, set->nstrata, DUR_ESTIMATE_MAX_DRAWS);
		goto out;
	}
	if ((size_t)set->total->k != d->ninput_lists)
		goto lists;
	for (int i = 0; i < set->total->k; i++)
		if (strcmp(set->total->names[i], d->input_lists[i]) != 0)
			goto lists;
	if (!(lk = calloc(1, sizeof(*lk))) ||
	    !(lk->estimates = malloc((set->nstrata + 1) * sizeof(double)))) {
		free(lk);
		rc = nomem(err);
		goto out;
	}
	d->linkage = lk;
	if (est_strdup(&lk->input_name, name)) {
		rc = nomem(err);
		goto out;
	}
	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	sodium_bin2hex(lk->sha256, sizeof(lk->sha256), h, sizeof(h));
	lk->ndraws = set->nstrata;
	lk->level = j->p.level;
	lk->median = lk->lower = lk->upper = lk->min = lk->max = NAN;
	dp = j->p;
	dp.interval = DUR_INTERVAL_NONE;
	dp.compare = 0;
	dp.diagnostics = 0;
	/* a selection costs about a bootstrap replicate (task_weight) */
	weight = strcmp(dp.method, "loglinear") == 0 || strcmp(dp.method, "closed") == 0
		 ? 1.0 / 25 : task_weight(&dp);
	for (size_t i = 0; i < set->nstrata; i++) {
		struct dur_table *t = dur_table_clone(set->stratum[i]);
		struct dur_error e2 = DUR_ERROR_INIT;
		lk->estimates[i] = NAN;
		if (!t) {
			rc = nomem(err);
			goto out;
		}
		if (dur_table_clean(&t, NULL, &e2) != DUR_OK) {
			/* fewer than two lists left: this draw has no estimate */
			dur_table_free(t);
			if (e2.code == DUR_ENOMEM) {
				rc = nomem(err);
				goto out;
			}
			continue;
		}
		if (keep_table(j, t)) {
			dur_table_free(t);
			rc = nomem(err);
			goto out;
		}
		dp.seed = dur_rng_stream_seed(j->p.seed, i);
		if (add_task(j, TASK_DRAW, &d->total, i, t, &dp, weight)) {
			rc = nomem(err);
			goto out;
		}
	}
	rc = DUR_OK;
	goto out;
lists:
	rc = dur_error_set(err, DUR_EDATA, "'%s': its lists are not those of '%s' (in the same "
			   "order): the drawn tables and the table must come from the same linkage",
			   name, d->input_name ? d->input_name : "<input>");
out:
	dur_table_set_free(set);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q quantile of sorted x[0..n-1], interpolated (Hyndman and Fan's type 7, R's default). */
static double quantile7(const double *x, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* Once every draw is estimated: the spread, and what it means for the
 * chosen method's interval, in plain words. */
static dur_err linkage_summary(dur_estimate_job *j)
{
	struct dur_estimate_linkage *lk = j->doc->linkage;
	struct dur_estimate_result *r = &j->doc->total.main;
	double *x;
	size_t n = 0;
	char lo[32], hi[32];
	double shift, spread;
	int big_shift, big_spread;

	if (!lk)
		return DUR_OK;
	if (!(x = malloc((lk->ndraws + 1) * sizeof(double))))
		return DUR_ENOMEM;
	for (size_t i = 0; i < lk->ndraws; i++)
		if (isfinite(lk->estimates[i]))
			x[n++] = lk->estimates[i];
	lk->nfailed = lk->ndraws - n;
	if (n) {
		double a = (1 - lk->level) / 2;
		qsort(x, n, sizeof(double), cmp_double);
		lk->min = x[0];
		lk->max = x[n - 1];
		lk->median = quantile7(x, n, 0.5);
		lk->lower = quantile7(x, n, a);
		lk->upper = quantile7(x, n, 1 - a);
	}
	free(x);
	if (lk->nfailed &&
	    dur_strlist_addf(&r->warnings, "%zu of the %zu tables drawn from the link "
			     "probabilities gave no estimate; the linkage figures leave them out",
			     lk->nfailed, lk->ndraws))
		return DUR_ENOMEM;
	if (!n || !r->have_estimate)
		return DUR_OK;
	/* material: against the interval's width when there is one, else
	 * against the estimate itself */
	shift = fabs(r->estimate - lk->median);
	spread = lk->upper - lk->lower;
	if (r->interval.have && !r->interval.upper_open) {
		double w = r->interval.upper - r->interval.lower;
		big_shift = shift >= 0.25 * w;
		big_spread = spread >= 0.5 * w;
	} else {
		big_shift = shift >= 0.05 * r->estimate;
		big_spread = spread >= 0.1 * r->estimate;
	}
	snprintf(lo, sizeof(lo), "%.0f", lk->lower);
	snprintf(hi, sizeof(hi), "%.0f", lk->upper);
	if (big_shift && (r->estimate < lk->lower || r->estimate > lk->upper) &&
	    dur_strlist_addf(&r->warnings, "the estimate from the table (%.0f) lies outside the "
			     "middle %.0f%% of the estimates from the tables drawn from the link "
			     "probabilities (%s to %s), by a large part of the interval: the links "
			     "kept in the table and the link probabilities disagree; check the "
			     "links near the threshold", r->estimate, 100 * lk->level, lo, hi))
		return DUR_ENOMEM;
	if (big_spread &&
	    dur_strlist_addf(&r->warnings, "the linkage alone moves the estimate from %s to %s "
			     "(the middle %.0f%% of %zu tables drawn from the link probabilities)%s: "
			     "the interval covers sampling, not linkage, so the whole uncertainty is "
			     "wider than it shows", lo, hi, 100 * lk->level, n,
			     r->interval.have ? ", at least half as far as the interval reaches" : ""))
		return DUR_ENOMEM;
	return DUR_OK;
}

static struct dur_strlist *warnings_of(dur_estimate_job *j, struct dur_estimate_table *t)
{
	if (t == &j->doc->total)
		return &j->clean_warnings[0];
	return &j->clean_warnings[1 + (size_t)(t - j->doc->strata)];
}

/* The table's own warnings (lists dropped, two lists) come first. */
static dur_err prepend_warnings(struct dur_strlist *w, struct dur_strlist *res)
{
	struct dur_strlist all = DUR_STRLIST_INIT;
	for (size_t i = 0; i < w->n; i++)
		if (dur_strlist_addf(&all, "%s", w->s[i]))
			goto nomem;
	for (size_t i = 0; i < res->n; i++)
		if (dur_strlist_addf(&all, "%s", res->s[i]))
			goto nomem;
	dur_strlist_release(res);
	*res = all;
	return DUR_OK;
nomem:
	dur_strlist_release(&all);
	return DUR_ENOMEM;
}

static dur_err finish_task(dur_estimate_job *j, struct task *tk, struct dur_error *err)
{
	struct dur_estimate_result r;
	dur_err rc = dur_estimator_result(j->e, &r, err);

	if (rc != DUR_OK)
		return rc;
	switch (tk->kind) {
	case TASK_MAIN:
		if (prepend_warnings(warnings_of(j, tk->dst), &r.warnings)) {
			dur_estimate_result_release(&r);
			return nomem(err);
		}
		dur_estimate_result_release(&tk->dst->main);
		tk->dst->main = r;
		break;
	case TASK_COMPARE:
		dur_estimate_result_release(&tk->dst->compare[tk->index]);
		tk->dst->compare[tk->index] = r;
		break;
	case TASK_OMIT: {
		struct dur_estimate_omission *m = &tk->dst->omit[tk->index];
		m->have_estimate = r.have_estimate;
		if (r.have_estimate) {
			m->estimate = r.estimate;
			m->lower = r.interval.have ? r.interval.lower : NAN;
			m->upper = r.interval.have && !r.interval.upper_open ? r.interval.upper : NAN;
		} else if (est_strdup(&m->reason, r.reason)) {
			dur_estimate_result_release(&r);
			return nomem(err);
		}
		dur_estimate_result_release(&r);
		break;
	}
	case TASK_DRAW:
		j->doc->linkage->estimates[tk->index] = r.have_estimate ? r.estimate : NAN;
		dur_estimate_result_release(&r);
		break;
	case TASK_CATCH:   /* runs without an estimator (dur_estimate_job_iterate) */
		dur_estimate_result_release(&r);
		break;
	}
	return DUR_OK;
}

/* A task that failed outright: fatal for the whole table, a recorded
 * failure for a stratum or a compared method. */
static dur_err task_failed(dur_estimate_job *j, struct task *tk, dur_err rc,
			   struct dur_error *e2, struct dur_error *err)
{
	if (rc == DUR_ENOMEM || (tk->kind == TASK_MAIN && tk->dst == &j->doc->total)) {
		if (err)
			*err = *e2;
		return rc;
	}
	if (tk->kind == TASK_MAIN) {
		if (!tk->dst->failure && est_strdup(&tk->dst->failure, e2->msg))
			return nomem(err);
	} else if (tk->kind == TASK_DRAW) {
		j->doc->linkage->estimates[tk->index] = NAN;   /* counted as failed */
	} else if (tk->kind == TASK_COMPARE) {
		struct dur_estimate_result *r = &tk->dst->compare[tk->index];
		dur_estimate_result_release(r);
		if (est_strdup(&r->method, tk->p.method) ||
		    est_strdup(&r->model, tk->p.select ? tk->p.select : tk->p.model) ||
		    est_strdup(&r->summary, "") || est_strdup(&r->reason, e2->msg))
			return nomem(err);
		r->observed = dur_table_observed(tk->t);
	} else {
		struct dur_estimate_omission *m = &tk->dst->omit[tk->index];
		if (est_strdup(&m->reason, e2->msg))
			return nomem(err);
	}
	return DUR_OK;
}

static void describe(dur_estimate_job *j, const struct task *tk)
{
	const char *kind = tk->kind == TASK_MAIN ? tk->p.interval == DUR_INTERVAL_BCA
				? "bootstrap" : "estimate"
			 : tk->kind == TASK_COMPARE ? "comparing methods"
			 : tk->kind == TASK_CATCH ? "catchability"
			 : tk->kind == TASK_DRAW ? "linkage draws" : "list omission";
	if (tk->dst->stratum)
		snprintf(j->what, sizeof(j->what), "%s, stratum %.100s", kind, tk->dst->stratum);
	else
		snprintf(j->what, sizeof(j->what), "%s", kind);
}

dur_err dur_estimate_job_iterate(dur_estimate_job *j, struct dur_error *err)
{
	struct task *tk;
	struct dur_error e2 = DUR_ERROR_INIT;
	dur_err rc;

	j->started = 1;
	for (;;) {
		if (j->cur >= j->ntask) {
			if (!j->finished && linkage_summary(j) != DUR_OK)
				return nomem(err);
			j->finished = 1;
			return DUR_OK;
		}
		tk = &j->task[j->cur];
		if (tk->dst->failure) {   /* its stratum could not be estimated */
			j->done_weight += tk->weight;
			j->cur++;
			continue;
		}
		break;
	}
	describe(j, tk);
	if (tk->kind == TASK_CATCH) {
		/* its warning joins the table's own, shown first */
		if ((rc = est_catchability(tk->t, tk->p.threads, &tk->dst->catchability, warnings_of(j, tk->dst),
					   &e2)) && (rc == DUR_ENOMEM || tk->dst == &j->doc->total)) {
			if (err)
				*err = e2;
			return rc;
		}
		j->done_weight += tk->weight;
		j->cur++;
		return DUR_CONTINUE;
	}
	if (!j->e) {
		j->e = dur_estimator_alloc(dur_estimator_find(tk->p.method), tk->t, &tk->p, &e2);
		if (!j->e)
			rc = e2.code ? e2.code : DUR_EINVAL;
		else
			rc = DUR_CONTINUE;
	} else {
		rc = dur_estimator_iterate(j->e, &e2);
		if (rc == DUR_OK)
			rc = finish_task(j, tk, &e2);
		else if (rc == DUR_CONTINUE)
			return DUR_CONTINUE;
		if (rc == DUR_OK) {
			dur_estimator_free(j->e);
			j->e = NULL;
			j->done_weight += tk->weight;
			j->cur++;
			return j->cur < j->ntask ? DUR_CONTINUE : dur_estimate_job_iterate(j, err);
		}
	}
	if (rc == DUR_CONTINUE)
		return DUR_CONTINUE;
	dur_estimator_free(j->e);
	j->e = NULL;
	if ((rc = task_failed(j, tk, rc, &e2, err)) != DUR_OK)
		return rc;
	j->done_weight += tk->weight;
	j->cur++;
	return DUR_CONTINUE;
}

double dur_estimate_job_progress(const dur_estimate_job *j, const char **what)
{
	double w = j->done_weight;
	if (what)
		*what = j->what;
	if (j->finished || j->total_weight <= 0)
		return 1;
	if (j->e && j->cur < j->ntask)
		w += j->task[j->cur].weight * dur_estimator_progress(j->e);
	return w / j->total_weight;
}

struct dur_estimate_doc *dur_estimate_job_take(dur_estimate_job *j)
{
	struct dur_estimate_doc *d;
	if (!j->finished)
		return NULL;
	d = j->doc;
	j->doc = NULL;
	return d;
}

void dur_estimate_job_free(dur_estimate_job *j)
{
	if (!j)
		return;
	dur_estimator_free(j->e);
	for (size_t i = 0; i < j->ntables; i++)
		dur_table_free(j->tables[i]);
	free(j->tables);
	for (size_t i = 0; i < j->nclean; i++)
		dur_strlist_release(&j->clean_warnings[i]);
	free(j->clean_warnings);
	free(j->task);
	dur_estimate_doc_free(j->doc);
	free(j);
}

dur_err dur_estimate_run(const char *buf, size_t len, const char *name,
			 const struct dur_estimate_params *p, struct dur_estimate_doc **out,
			 struct dur_error *err)
{
	dur_estimate_job *j = dur_estimate_job_alloc(buf, len, name, p, err);
	dur_err rc;

	*out = NULL;
	if (!j)
		return err && err->code ? err->code : DUR_EINVAL;
	while ((rc = dur_estimate_job_iterate(j, err)) == DUR_CONTINUE)
		;
	if (rc == DUR_OK)
		*out = dur_estimate_job_take(j);
	dur_estimate_job_free(j);
	return rc;
}
