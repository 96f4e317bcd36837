/*
 * simulate.c - capture histories from a known population (simulate.h,
 * docs/simulate.md).
 */
#include <duress/simulate.h>
#include <duress/rng.h>
#include <duress/csv.h>

#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dur_sim_params dur_sim_default_params(void)
{
	struct dur_sim_params p;
	memset(&p, 0, sizeof(p));
	return p;
}

static const char *list_name(const struct dur_sim_params *p, int j, char buf[16])
{
	if (p->names)
		return p->names[j];
	snprintf(buf, 16, "L%d", j + 1);
	return buf;
}

static int list_index(const struct dur_sim_params *p, const char *name)
{
	char buf[16];
	for (int j = 0; j < p->k; j++)
		if (strcmp(list_name(p, j, buf), name) == 0)
			return j;
	return -1;
}

static dur_err check_name(const char *s, int j, struct dur_error *err)
{
	size_t n;

	if (!s)
		return dur_error_set(err, DUR_EINVAL, "list %d has no name", j + 1);
	n = strlen(s);
	if (n == 0)
		return dur_error_set(err, DUR_EINVAL, "list %d has an empty name", j + 1);
	if (n > DUR_SIM_MAX_NAME)
		return dur_error_set(err, DUR_EINVAL, "the name of list %d is longer than %d bytes",
				     j + 1, DUR_SIM_MAX_NAME);
	if (dur_utf8_check(s, n, NULL) != DUR_OK)
		return dur_error_set(err, DUR_EINVAL, "the name of list %d is not UTF-8", j + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* Commas and quotes would need CSV quoting, colons would clash
		 * with model terms such as "A:B", and surrounding spaces are
		 * removed by the CSV reader: none would read back as written. */
		if (c < 0x20 || c == 0x7f || c == ',' || c == '"' || c == ':')
			return dur_error_set(err, DUR_EINVAL,
					     "list name '%s' holds a comma, quote, colon or control "
					     "character", s);
	}
	if (s[0] == ' ' || s[n - 1] == ' ')
		return dur_error_set(err, DUR_EINVAL, "list name '%s' starts or ends with a space", s);
	if (strcmp(s, "id") == 0 || strcmp(s, "count") == 0)
		return dur_error_set(err, DUR_EINVAL,
				     "a list cannot be called '%s' (that column has a meaning of "
				     "its own in capture files)", s);
	return DUR_OK;
}

static dur_err check_prob(double x, const char *what, const char *list, int cls,
			  struct dur_error *err)
{
	if (isfinite(x) && x >= 0 && x <= 1)
		return DUR_OK;
	if (cls > 0)
		return dur_error_set(err, DUR_EINVAL,
				     "class %d: %s of list '%s' is %g; it must be between 0 and 1",
				     cls, what, list, x);
	return dur_error_set(err, DUR_EINVAL, "%s of list '%s' is %g; it must be between 0 and 1",
			     what, list, x);
}

dur_err dur_sim_check(const struct dur_sim_params *p, struct dur_error *err)
{
	char buf[16];
	dur_err rc;

	if (!p)
		return dur_error_set(err, DUR_EINVAL, "no parameters");
	if (!isfinite(p->N) || p->N < 1 || p->N != floor(p->N))
		return dur_error_set(err, DUR_EINVAL,
				     "population size %g is not a whole number of at least 1", p->N);
	if (p->N > DUR_SIM_MAX_N)
		return dur_error_set(err, DUR_EINVAL, "population size %.0f is over the limit of %.0f",
				     p->N, DUR_SIM_MAX_N);
	if (p->k < DUR_TABLE_MIN_LISTS || p->k > DUR_TABLE_MAX_LISTS)
		return dur_error_set(err, DUR_EINVAL, "%d list%s; there must be %d to %d", p->k,
				     p->k == 1 ? "" : "s", DUR_TABLE_MIN_LISTS, DUR_TABLE_MAX_LISTS);
	if (p->names)
		for (int j = 0; j < p->k; j++) {
			if ((rc = check_name(p->names[j], j, err)) != DUR_OK)
				return rc;
			for (int i = 0; i < j; i++)
				if (strcmp(p->names[i], p->names[j]) == 0)
					return dur_error_set(err, DUR_EINVAL,
							     "list name '%s' is given twice",
							     p->names[j]);
		}

	if (p->nclasses < 0 || p->nclasses > DUR_SIM_MAX_CLASSES)
		return dur_error_set(err, DUR_EINVAL, "%d latent classes; there can be 0 to %d",
				     p->nclasses, DUR_SIM_MAX_CLASSES);
	if (p->nclasses <= 1) {
		if (!p->p)
			return dur_error_set(err, DUR_EINVAL, "no capture probabilities were given");
		for (int j = 0; j < p->k; j++)
			if ((rc = check_prob(p->p[j], "capture probability",
					     list_name(p, j, buf), 0, err)) != DUR_OK)
				return rc;
	} else {
		double sum = 0;
		if (p->p)
			return dur_error_set(err, DUR_EINVAL,
					     "give either one set of capture probabilities or latent "
					     "classes, not both");
		if (!p->class_weight || !p->class_p)
			return dur_error_set(err, DUR_EINVAL,
					     "%d latent classes but no class weights or probabilities",
					     p->nclasses);
		for (int c = 0; c < p->nclasses; c++) {
			double w = p->class_weight[c];
			if (!isfinite(w) || w < 0 || w > 1)
				return dur_error_set(err, DUR_EINVAL,
						     "class %d: weight %g is not between 0 and 1",
						     c + 1, w);
			sum += w;
			for (int j = 0; j < p->k; j++)
				if ((rc = check_prob(p->class_p[(size_t)c * (size_t)p->k + (size_t)j],
						     "capture probability", list_name(p, j, buf),
						     c + 1, err)) != DUR_OK)
					return rc;
		}
		if (fabs(sum - 1) > 1e-9)
			return dur_error_set(err, DUR_EINVAL,
					     "the class weights sum to %.12g; they must sum to 1", sum);
	}

	if (p->nref < 0 || p->nref > DUR_SIM_MAX_REFERRALS)
		return dur_error_set(err, DUR_EINVAL, "%d referrals; there can be 0 to %d", p->nref,
				     DUR_SIM_MAX_REFERRALS);
	if (p->nref > 0 && !p->ref)
		return dur_error_set(err, DUR_EINVAL, "%d referrals but none given", p->nref);
	for (int r = 0; r < p->nref; r++) {
		const struct dur_sim_referral *f = &p->ref[r];
		int a, b;
		if (!f->from || !f->to)
			return dur_error_set(err, DUR_EINVAL, "referral %d does not name its lists",
					     r + 1);
		a = list_index(p, f->from);
		b = list_index(p, f->to);
		if (a < 0 || b < 0)
			return dur_error_set(err, DUR_EINVAL,
					     "referral %s:%s: there is no list called '%s'", f->from,
					     f->to, a < 0 ? f->from : f->to);
		if (a == b)
			return dur_error_set(err, DUR_EINVAL,
					     "referral %s:%s: a list cannot refer to itself", f->from,
					     f->to);
		if (!isfinite(f->prob) || f->prob < 0 || f->prob > 1)
			return dur_error_set(err, DUR_EINVAL,
					     "referral %s:%s: probability %g is not between 0 and 1",
					     f->from, f->to, f->prob);
	}
	return DUR_OK;
}

void dur_sim_result_free(struct dur_sim_result *r)
{
	if (!r)
		return;
	dur_table_free(r->table);
	free(r->pattern);
	free(r);
}

dur_err dur_sim_run_rng(const struct dur_sim_params *p, gsl_rng *rng,
			struct dur_sim_result **out, struct dur_error *err)
{
	struct dur_sim_result *res = NULL;
	double *prob = NULL, *cum = NULL;
	int *rfrom = NULL, *rto = NULL;
	size_t cap = 0, n;
	int k, nc;
	dur_err rc;

	*out = NULL;
	if ((rc = dur_sim_check(p, err)) != DUR_OK)
		return rc;
	if (!rng)
		return dur_error_set(err, DUR_EINVAL, "no random number generator");
	k = p->k;
	nc = p->nclasses > 1 ? p->nclasses : 1;
	n = (size_t)p->N;

	res = calloc(1, sizeof(*res));
	prob = malloc((size_t)nc * (size_t)k * sizeof(double));
	cum = malloc((size_t)nc * sizeof(double));
	rfrom = malloc(((size_t)p->nref + 1) * sizeof(int));
	rto = malloc(((size_t)p->nref + 1) * sizeof(int));
	if (!res || !prob || !cum || !rfrom || !rto)
		goto nomem;
	res->N = p->N;
	res->table = dur_table_alloc(k);
	if (!res->table)
		goto nomem;
	if (p->names)
		for (int j = 0; j < k; j++)
			if (dur_table_set_name(res->table, j, p->names[j]) != DUR_OK)
				goto nomem;
	if (nc == 1) {
		memcpy(prob, p->p, (size_t)k * sizeof(double));
		cum[0] = 1;
	} else {
		double s = 0;
		memcpy(prob, p->class_p, (size_t)nc * (size_t)k * sizeof(double));
		for (int c = 0; c < nc; c++)
			cum[c] = (s += p->class_weight[c]);
	}
	for (int r = 0; r < p->nref; r++) {
		rfrom[r] = list_index(p, p->ref[r].from);
		rto[r] = list_index(p, p->ref[r].to);
	}

	for (size_t i = 0; i < n; i++) {
		const double *pc = prob;
		unsigned pat = 0;
		if (nc > 1) {
			/* The last class takes what rounding leaves of the weights. */
			double u = gsl_rng_uniform(rng);
			int c = 0;
			while (c < nc - 1 && u >= cum[c])
				c++;
			pc = prob + (size_t)c * (size_t)k;
		}
		/* gsl_rng_uniform is in [0, 1): p = 1 always captures, p = 0 never. */
		for (int j = 0; j < k; j++)
			if (gsl_rng_uniform(rng) < pc[j])
				pat |= 1u << j;
		for (int r = 0; r < p->nref; r++)
			if (((pat >> rfrom[r]) & 1u) && !((pat >> rto[r]) & 1u) &&
			    gsl_rng_uniform(rng) < p->ref[r].prob)
				pat |= 1u << rto[r];
		if (pat == 0)
			continue;
		res->table->count[pat] += 1;
		if (p->table_only)
			continue;
		if (res->npeople == cap) {
			size_t nc2 = cap ? 2 * cap : 4096;
			uint16_t *np;
			if (nc2 > n)
				nc2 = n;
			np = realloc(res->pattern, nc2 * sizeof(*np));
			if (!np)
				goto nomem;
			res->pattern = np;
			cap = nc2;
		}
		res->pattern[res->npeople++] = (uint16_t)pat;
	}
	res->observed = dur_table_observed(res->table);
	free(prob);
	free(cum);
	free(rfrom);
	free(rto);
	*out = res;
	return DUR_OK;

nomem:
	free(prob);
	free(cum);
	free(rfrom);
	free(rto);
	dur_sim_result_free(res);
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
}

dur_err dur_sim_run(const struct dur_sim_params *p, struct dur_sim_result **out,
		    struct dur_error *err)
{
	gsl_rng *rng;
	dur_err rc;

	*out = NULL;
	if ((rc = dur_sim_check(p, err)) != DUR_OK)
		return rc;
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng)
		return dur_error_set(err, DUR_ENOMEM, "out of memory (random number generator)");
	/* MT19937 takes a 32-bit seed; mixing first makes every bit of the
	 * 64-bit seed count. */
	gsl_rng_set(rng, dur_rng_seed(p->seed));
	rc = dur_sim_run_rng(p, rng, out, err);
	gsl_rng_free(rng);
	if (rc == DUR_OK)
		(*out)->seed = p->seed;
	return rc;
}

dur_err dur_sim_write_histories(const struct dur_sim_result *r, FILE *f,
				struct dur_error *err)
{
	int k = r->table->k;
	char line[16 + 2 * DUR_TABLE_MAX_LISTS + 2];

	if (r->npeople != (size_t)r->observed)
		return dur_error_set(err, DUR_EINVAL,
				     "the simulation kept only the table, not each person");
	/* Names were checked by dur_sim_check: none needs CSV quoting. */
	fputs("id", f);
	for (int j = 0; j < k; j++) {
		fputc(',', f);
		fputs(r->table->names[j], f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->npeople; i++) {
		int len = snprintf(line, sizeof(line), "%zu", i + 1);
		unsigned pat = r->pattern[i];
		for (int j = 0; j < k; j++) {
			line[len++] = ',';
			line[len++] = (char)('0' + ((pat >> j) & 1u));
		}
		line[len++] = '\n';
		if (fwrite(line, 1, (size_t)len, f) != (size_t)len)
			break;
	}
	if (ferror(f))
		return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
	return DUR_OK;
}
