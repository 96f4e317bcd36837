/*
 * duress simulate - capture histories from a known population
 * (docs/simulate.md; the library does the work, see duress/simulate.h).
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/simulate.h>
#include <duress/table.h>

#define CMD "simulate"

const char usage_simulate[] =
	"usage: duress simulate --n N (--p P1,P2,... | --classes SPEC) [options]\n"
	"\n"
	"Make capture histories for a population whose size N is known: each of\n"
	"the N people is put on each of k lists at random, and the people seen by\n"
	"at least one list are written out.  Use it to test estimators against a\n"
	"true N and to make example data.  The same options and seed always give\n"
	"the same file.  The model is described in docs/simulate.md.\n"
	"\n"
	"options:\n"
	"  --n N               how many people there are: a whole number from 1 to\n"
	"                      100000000\n"
	"  --p P1,P2,...       for each list, the chance that a person is on it (0 to\n"
	"                      1); as many values as there are lists (2 to 15)\n"
	"  --names A,B,...     the list names (default L1,L2,...); not 'id' or 'count',\n"
	"                      without spaces around them, commas, quotes or colons\n"
	"  --classes SPEC      heterogeneity, instead of --p: people fall into latent\n"
	"                      classes, each with its own chances.  SPEC is\n"
	"                      \"W:P1,P2,...;W:P1,P2,...\": for each class its share W\n"
	"                      of the population, a colon, then its chance for each\n"
	"                      list; the shares must add up to 1\n"
	"  --referral A:B:PROB dependence between lists: a person on list A who is not\n"
	"                      on list B is put on B with chance PROB, as if A referred\n"
	"                      them to B.  Repeat it for more; referrals are applied in\n"
	"                      the order given, after the independent captures\n"
	"  --seed S            the random seed, 0 to 18446744073709551615.  Without it\n"
	"                      a seed is picked at random and printed on standard error,\n"
	"                      so that the run can always be repeated\n"
	"  --form FORM         'histories' (the default): one row per person seen,\n"
	"                      header id,<lists>, ids 1 to n, 0/1 per list (people seen\n"
	"                      by no list are not written); 'table': the aggregated\n"
	"                      capture table, one row per pattern with a count column\n"
	"  -o, --output FILE   write to FILE instead of standard output (FILE is\n"
	"                      replaced only once everything is written)\n"
	"\n"
	"examples:\n"
	"  duress simulate --n 2000 --p 0.15,0.2,0.1,0.25 --seed 1\n"
	"  duress simulate --n 3000 --names police,ngo,shelter \\\n"
	"      --classes \"0.8:0.1,0.2,0.1;0.2:0.4,0.5,0.3\" --referral police:ngo:0.3 \\\n"
	"      --seed 7 --form table -o table.csv\n";

struct sim_opts {
	const char *n, *p, *names, *classes, *seed, *form, *out;
	const char **ref;
	int nref;
};

/* Split `s` (modified in place) on `sep` into at most `max` pieces. */
static int split(char *s, char sep, char **piece, int max)
{
	int n = 0;
	for (;;) {
		char *e = strchr(s, sep);
		if (n == max)
			return max + 1;
		piece[n++] = s;
		if (!e)
			return n;
		*e = '\0';
		s = e + 1;
	}
}

/* Parse comma-separated numbers; 0 on success, else a usage error. */
static int parse_numbers(const char *opt, const char *text, char *s, double *v, int max,
			 int *n)
{
	char *piece[DUR_TABLE_MAX_LISTS + 1];
	int m = split(s, ',', piece, max);
	if (m > max)
		return cli_usage_error(CMD, "%s '%s': more than %d values", opt, text, max);
	for (int i = 0; i < m; i++)
		if (cli_parse_double(piece[i], &v[i]) != 0)
			return cli_usage_error(CMD, "%s '%s': '%s' is not a number", opt, text,
					       piece[i]);
	*n = m;
	return 0;
}

static int parse_args(int argc, char **argv, struct sim_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		const char **slot = NULL;
		char name[32];
		size_t len;

		if (a[0] != '-' || a[1] == '\0')
			return cli_usage_error(CMD, "unexpected argument '%s'", a);
		eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len >= sizeof(name))
			return cli_usage_error(CMD, "unknown option '%s'", a);
		memcpy(name, a, len);
		name[len] = '\0';
		if (strcmp(name, "--n") == 0)
			slot = &o->n;
		else if (strcmp(name, "--p") == 0)
			slot = &o->p;
		else if (strcmp(name, "--names") == 0)
			slot = &o->names;
		else if (strcmp(name, "--classes") == 0)
			slot = &o->classes;
		else if (strcmp(name, "--seed") == 0)
			slot = &o->seed;
		else if (strcmp(name, "--form") == 0)
			slot = &o->form;
		else if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0)
			slot = &o->out;
		else if (strcmp(name, "--referral") != 0)
			return cli_usage_error(CMD, "unknown option '%s'", name);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return cli_usage_error(CMD, "option '%s' needs a value", name);
		if (!slot) {
			if (o->nref == DUR_SIM_MAX_REFERRALS)
				return cli_usage_error(CMD, "more than %d referrals",
						       DUR_SIM_MAX_REFERRALS);
			o->ref[o->nref++] = val;
			continue;
		}
		if (*slot)
			return cli_usage_error(CMD, "option '%s' is given twice", name);
		*slot = val;
	}
	return 0;
}

/* A seed nobody chose, so that a run without --seed can still be repeated. */
static int random_seed(uint64_t *seed)
{
	uint32_t x;
	FILE *f;

	errno = 0;
	f = fopen("/dev/urandom", "rb");
	if (!f || fread(&x, sizeof(x), 1, f) != 1) {
		cli_error(CMD, "cannot read '/dev/urandom': %s",
			  errno ? strerror(errno) : "short read");
		if (f)
			fclose(f);
		return EXIT_FAIL;
	}
	fclose(f);
	/* 32 bits are enough (MT19937 takes a 32-bit seed) and short to type. */
	*seed = x;
	return 0;
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o;
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *res = NULL;
	struct dur_sim_referral *ref = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_out out;
	double p[DUR_TABLE_MAX_LISTS];
	double weight[DUR_SIM_MAX_CLASSES];
	double *class_p = NULL;
	const char *names[DUR_TABLE_MAX_LISTS];
	char *names_buf = NULL, *p_buf = NULL, *classes_buf = NULL, **ref_buf = NULL;
	int histories = 1, have_out = 0, k = 0, rc = EXIT_OK;

	memset(&o, 0, sizeof(o));
	memset(&out, 0, sizeof(out));
	o.ref = calloc((size_t)argc, sizeof(*o.ref));
	ref = calloc((size_t)argc, sizeof(*ref));
	ref_buf = calloc((size_t)argc, sizeof(*ref_buf));
	class_p = malloc(DUR_SIM_MAX_CLASSES * DUR_TABLE_MAX_LISTS * sizeof(double));
	if (!o.ref || !ref || !ref_buf || !class_p) {
		cli_error(CMD, "out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	if ((rc = parse_args(argc, argv, &o)) != 0)
		goto out;

	/* ---- the population and its lists ---- */
	if (!o.n) {
		rc = cli_usage_error(CMD, "--n (the population size) is required");
		goto out;
	}
	if (cli_parse_double(o.n, &sp.N) != 0) {
		rc = cli_usage_error(CMD, "--n '%s' is not a number", o.n);
		goto out;
	}
	if (!o.p == !o.classes) {
		rc = cli_usage_error(CMD, o.p ? "give either --p or --classes, not both"
				     : "--p or --classes (the capture probabilities) is required");
		goto out;
	}
	if (o.p) {
		if (!(p_buf = strdup(o.p)))
			goto nomem;
		if ((rc = parse_numbers("--p", o.p, p_buf, p, DUR_TABLE_MAX_LISTS, &k)) != 0)
			goto out;
		sp.p = p;
	} else {
		char *cls[DUR_SIM_MAX_CLASSES + 1];
		int nc;
		if (!(classes_buf = strdup(o.classes)))
			goto nomem;
		nc = split(classes_buf, ';', cls, DUR_SIM_MAX_CLASSES);
		if (nc > DUR_SIM_MAX_CLASSES) {
			rc = cli_usage_error(CMD, "--classes: more than %d classes",
					     DUR_SIM_MAX_CLASSES);
			goto out;
		}
		for (int c = 0; c < nc; c++) {
			char *colon = strchr(cls[c], ':');
			int kc;
			if (!colon) {
				rc = cli_usage_error(CMD, "--classes: class %d '%s' is not "
						     "WEIGHT:P1,P2,...", c + 1, cls[c]);
				goto out;
			}
			*colon = '\0';
			if (cli_parse_double(cls[c], &weight[c]) != 0) {
				rc = cli_usage_error(CMD, "--classes: class %d: weight '%s' is not "
						     "a number", c + 1, cls[c]);
				goto out;
			}
			if ((rc = parse_numbers("--classes", o.classes, colon + 1,
						class_p + (size_t)c * DUR_TABLE_MAX_LISTS,
						DUR_TABLE_MAX_LISTS, &kc)) != 0)
				goto out;
			if (c > 0 && kc != k) {
				rc = cli_usage_error(CMD, "--classes: class %d gives %d "
						     "probabilit%s but class 1 gives %d",
						     c + 1, kc, kc == 1 ? "y" : "ies", k);
				goto out;
			}
			k = kc;
		}
		/* rows of k, as the library wants them */
		for (int c = 1; c < nc; c++)
			memmove(class_p + (size_t)c * (size_t)k,
				class_p + (size_t)c * DUR_TABLE_MAX_LISTS, (size_t)k * sizeof(double));
		/* one class is the same as --p */
		if (nc == 1) {
			memcpy(p, class_p, (size_t)k * sizeof(double));
			sp.p = p;
			if (fabs(weight[0] - 1) > 1e-9) {
				rc = cli_usage_error(CMD, "--classes: the class weights sum to %g; "
						     "they must sum to 1", weight[0]);
				goto out;
			}
		} else {
			sp.nclasses = nc;
			sp.class_weight = weight;
			sp.class_p = class_p;
		}
	}
	sp.k = k;
	if (o.names) {
		char *nm[DUR_TABLE_MAX_LISTS + 1];
		int nn;
		if (!(names_buf = strdup(o.names)))
			goto nomem;
		nn = split(names_buf, ',', nm, DUR_TABLE_MAX_LISTS);
		if (nn != k) {
			if (nn > DUR_TABLE_MAX_LISTS)
				rc = cli_usage_error(CMD, "--names gives more than %d names",
						     DUR_TABLE_MAX_LISTS);
			else
				rc = cli_usage_error(CMD, "--names gives %d name%s for %d lists",
						     nn, nn == 1 ? "" : "s", k);
			goto out;
		}
		for (int j = 0; j < k; j++)
			names[j] = nm[j];
		sp.names = names;
	}
	for (int r = 0; r < o.nref; r++) {
		char *part[4];
		if (!(ref_buf[r] = strdup(o.ref[r])))
			goto nomem;
		if (split(ref_buf[r], ':', part, 3) != 3) {
			rc = cli_usage_error(CMD, "--referral '%s' is not FROM:TO:PROB", o.ref[r]);
			goto out;
		}
		ref[r].from = part[0];
		ref[r].to = part[1];
		if (cli_parse_double(part[2], &ref[r].prob) != 0) {
			rc = cli_usage_error(CMD, "--referral '%s': '%s' is not a number",
					     o.ref[r], part[2]);
			goto out;
		}
	}
	sp.nref = o.nref;
	sp.ref = ref;
	if (o.form) {
		if (strcmp(o.form, "table") == 0)
			histories = 0;
		else if (strcmp(o.form, "histories") != 0) {
			rc = cli_usage_error(CMD, "--form '%s': use 'histories' or 'table'", o.form);
			goto out;
		}
	}
	sp.table_only = !histories;
	if (dur_sim_check(&sp, &err) != DUR_OK) {
		rc = cli_usage_error(CMD, "%s", err.msg);
		goto out;
	}

	/* ---- the seed ---- */
	if (o.seed) {
		unsigned long s;
		if (cli_parse_ulong(o.seed, ULONG_MAX, &s) != 0) {
			rc = cli_usage_error(CMD, "--seed '%s' is not a whole number from 0 to "
					     "18446744073709551615", o.seed);
			goto out;
		}
		sp.seed = (uint64_t)s;
	} else {
		if ((rc = random_seed(&sp.seed)) != 0)
			goto out;
		fprintf(stderr, "duress " CMD ": seed %llu (use --seed to repeat)\n",
			(unsigned long long)sp.seed);
	}

	/* ---- simulate, then write ---- */
	if (dur_sim_run(&sp, &res, &err) != DUR_OK) {
		cli_error(CMD, "%s", err.msg);
		rc = err.code == DUR_EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	if (cli_out_open(&out, o.out, &err) != DUR_OK) {
		cli_error(CMD, "%s", err.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	have_out = 1;
	/* A failed write to standard output is reported once, by main(). */
	if ((histories ? dur_sim_write_histories(res, out.f, &err)
		       : dur_table_write_csv(res->table, out.f, &err)) != DUR_OK) {
		if (!out.is_stdout)
			cli_error(CMD, "cannot write '%s': %s", o.out, strerror(errno));
		rc = EXIT_FAIL;
		goto out;
	}
	have_out = 0;
	if (cli_out_commit(&out, &err) != DUR_OK) {
		if (!out.is_stdout)
			cli_error(CMD, "%s", err.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	rc = EXIT_OK;
	goto out;

nomem:
	cli_error(CMD, "out of memory");
	rc = EXIT_FAIL;
out:
	if (have_out)
		cli_out_abort(&out);
	dur_sim_result_free(res);
	for (int r = 0; ref_buf && r < o.nref; r++)
		free(ref_buf[r]);
	free(ref_buf);
	free(ref);
	free(o.ref);
	free(class_p);
	free(names_buf);
	free(p_buf);
	free(classes_buf);
	return rc;
}
