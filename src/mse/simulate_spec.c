/*
 * The written forms of simulation settings - "0.15,0.2,0.1" for capture
 * probabilities, "0.7:0.1,0.2;0.3:0.5,0.6" for latent classes, "A:B:0.3"
 * for a referral, "police,ngo" for names - parsed into a struct
 * dur_sim_params, so that every front end (command line, web form, R)
 * reads them the same way.  See include/duress/simulate.h.
 */
#include <duress/simulate.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void dur_sim_spec_init(struct dur_sim_spec *s)
{
	memset(s, 0, sizeof(*s));
}

void dur_sim_spec_release(struct dur_sim_spec *s)
{
	free(s->text);
	memset(s, 0, sizeof(*s));
}

/* A copy of the caller's text that the names and pieces point into. */
static char *keep(struct dur_sim_spec *s, const char *t)
{
	size_t n = strlen(t) + 1;
	char *nt;
	if (s->used + n > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		while (cap < s->used + n)
			cap *= 2;
		/* pieces already handed out point into the old block: only grow
		 * before any are taken (dur_sim_spec_parse sizes it up front) */
		if (s->used)
			return NULL;
		if (!(nt = realloc(s->text, cap)))
			return NULL;
		s->text = nt;
		s->cap = cap;
	}
	memcpy(s->text + s->used, t, n);
	s->used += n;
	return s->text + s->used - n;
}

static int number(const char *t, double *v)
{
	char *end;
	errno = 0;
	if (!*t)
		return -1;
	*v = strtod(t, &end);
	return errno || *end || !isfinite(*v) ? -1 : 0;
}

/* Comma-separated numbers, at most max; the count in *n. */
static dur_err numbers(char *t, double *v, int max, int *n, const char *what,
		       struct dur_error *err)
{
	int k = 0;
	for (char *p = t;; k++) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		if (k == max)
			return dur_error_set(err, DUR_EINVAL, "%s: more than %d values", what, max);
		if (number(p, &v[k]))
			return dur_error_set(err, DUR_EINVAL, "%s: value %d is not a number", what,
					     k + 1);
		if (!c) {
			k++;
			break;
		}
		p = c + 1;
	}
	*n = k;
	return DUR_OK;
}

dur_err dur_sim_spec_parse(struct dur_sim_spec *s, const char *p, const char *classes,
			   const char *names, const char *const *referrals, size_t nref,
			   struct dur_sim_params *out, struct dur_error *err)
{
	size_t need = 1;
	int k = 0;
	char *t;
	dur_err rc;

	if (!p == !classes)
		return dur_error_set(err, DUR_EINVAL, p ? "give either capture probabilities or "
				     "latent classes, not both" : "the capture probabilities (or "
				     "latent classes) are required");
	if (nref > DUR_SIM_MAX_REFERRALS)
		return dur_error_set(err, DUR_EINVAL, "more than %d referrals",
				     DUR_SIM_MAX_REFERRALS);
	need += strlen(p ? p : classes) + 1 + (names ? strlen(names) + 1 : 0);
	for (size_t r = 0; r < nref; r++)
		need += strlen(referrals[r]) + 1;
	s->cap = need;
	if (!(s->text = malloc(need)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (p) {
		t = keep(s, p);
		if ((rc = numbers(t, s->p, DUR_TABLE_MAX_LISTS, &k, "the capture probabilities",
				  err)))
			return rc;
		out->p = s->p;
	} else {
		int nc = 0;
		t = keep(s, classes);
		for (char *c = t; c; nc++) {
			char *semi = strchr(c, ';'), *colon;
			char what[64];
			int kc;
			if (semi)
				*semi = '\0';
			if (nc == DUR_SIM_MAX_CLASSES)
				return dur_error_set(err, DUR_EINVAL, "more than %d latent classes",
						     DUR_SIM_MAX_CLASSES);
			if (!(colon = strchr(c, ':')))
				return dur_error_set(err, DUR_EINVAL, "latent class %d is not written "
						     "WEIGHT:P1,P2,...", nc + 1);
			*colon = '\0';
			if (number(c, &s->weight[nc]))
				return dur_error_set(err, DUR_EINVAL, "latent class %d: its weight is "
						     "not a number", nc + 1);
			snprintf(what, sizeof(what), "latent class %d", nc + 1);
			if ((rc = numbers(colon + 1, s->class_p + (size_t)nc * DUR_TABLE_MAX_LISTS,
					  DUR_TABLE_MAX_LISTS, &kc, what, err)))
				return rc;
			if (nc > 0 && kc != k)
				return dur_error_set(err, DUR_EINVAL, "latent class %d gives %d "
						     "probabilit%s but class 1 gives %d", nc + 1, kc,
						     kc == 1 ? "y" : "ies", k);
			k = kc;
			c = semi ? semi + 1 : NULL;
		}
		/* rows of k, as dur_sim_params wants them */
		for (int c = 1; c < nc; c++)
			memmove(s->class_p + (size_t)c * (size_t)k,
				s->class_p + (size_t)c * DUR_TABLE_MAX_LISTS, (size_t)k * sizeof(double));
		if (nc == 1) {
			/* one class is the same as plain capture probabilities */
			if (fabs(s->weight[0] - 1) > 1e-9)
				return dur_error_set(err, DUR_EINVAL, "the class weights sum to %g; they "
						     "must sum to 1", s->weight[0]);
			memcpy(s->p, s->class_p, (size_t)k * sizeof(double));
			out->p = s->p;
		} else {
			out->nclasses = nc;
			out->class_weight = s->weight;
			out->class_p = s->class_p;
		}
	}
	out->k = k;
	if (names) {
		int n = 0;
		t = keep(s, names);
		for (char *c = t; c; n++) {
			char *comma = strchr(c, ',');
			if (comma)
				*comma = '\0';
			if (n == DUR_TABLE_MAX_LISTS)
				return dur_error_set(err, DUR_EINVAL, "more than %d list names",
						     DUR_TABLE_MAX_LISTS);
			s->names[n] = c;
			c = comma ? comma + 1 : NULL;
		}
		if (n != k)
			return dur_error_set(err, DUR_EINVAL, "%d list name%s for %d lists", n,
					     n == 1 ? "" : "s", k);
		out->names = s->names;
	}
	for (size_t r = 0; r < nref; r++) {
		char *a = keep(s, referrals[r]), *b, *c;
		if (!(b = strchr(a, ':')) || !(c = strchr(b + 1, ':')) || strchr(c + 1, ':'))
			return dur_error_set(err, DUR_EINVAL, "referral %zu is not written "
					     "FROM:TO:PROB", r + 1);
		*b++ = '\0';
		*c++ = '\0';
		s->ref[r].from = a;
		s->ref[r].to = b;
		if (number(c, &s->ref[r].prob))
			return dur_error_set(err, DUR_EINVAL, "referral %zu: its probability is not a "
					     "number", r + 1);
	}
	out->nref = (int)nref;
	out->ref = nref ? s->ref : NULL;
	return dur_sim_check(out, err);
}
