/*
 * duress simulate - capture histories from a known population
 * (docs/simulate.md; the library does the work, see duress/simulate.h).
 */
#include "cli.h"
#include "commands.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <duress/simulate.h>
#include <duress/table.h>

struct opts {
	double n;
	const char *p, *names, *classes, *form, *output, *people;
	struct cli_strings referral;
	uint64_t seed;
	int force;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "n", 0, OPT_DOUBLE, "N", "how many people there are: a whole number from 1 to\n"
	  "100000000", O(n), 1, 1e8, 0, NULL },
	{ "p", 0, OPT_STRING, "P1,P2,...", "for each list, the chance that a person is on it (0 to\n"
	  "1); as many values as there are lists (2 to 15)", O(p), 0, 0, 0, NULL },
	{ "names", 0, OPT_STRING, "A,B,...", "the list names (default L1,L2,...); not 'id' or\n"
	  "'count', without spaces around them, commas, quotes or colons", O(names), 0, 0, 0, NULL },
	{ "classes", 0, OPT_STRING, "SPEC", "heterogeneity, instead of --p: people fall into latent\n"
	  "classes, each with its own chances.  SPEC is\n"
	  "\"W:P1,P2,...;W:P1,P2,...\": for each class its share W\n"
	  "of the population, a colon, then its chance for each\n"
	  "list; the shares must add up to 1", O(classes), 0, 0, 0, NULL },
	{ "referral", 0, OPT_STRINGS, "A:B:PROB", "dependence between lists: a person on list A who\n"
	  "is not on list B is put on B with chance PROB, as if A\n"
	  "referred them to B.  Repeat it for more; referrals are\n"
	  "applied in the order given, after the independent captures", O(referral), 0, 0, 0, NULL },
	{ "seed", 0, OPT_U64, "S", "the random seed, 0 to 18446744073709551615.  Without it\n"
	  "a seed is picked at random and printed on standard error,\n"
	  "so that the run can always be repeated", O(seed), 0, 0, 0, NULL },
	{ "form", 0, OPT_CHOICE, "FORM", "'histories' (the default): one row per person seen,\n"
	  "header id,<lists>, ids 1 to n, 0/1 per list (people seen\n"
	  "by no list are not written); 'table': the aggregated\n"
	  "capture table, one row per pattern with a count column", O(form), 0, 0, 0,
	  "histories|table" },
	{ "output", 'o', OPT_STRING, "FILE", "write to FILE instead of standard output (FILE is\n"
	  "replaced only once everything is written)", O(output), 0, 0, 0, NULL },
	{ "people", 0, OPT_STRING, "DIR", "also write each list as an organisation would hold it:\n"
	  "DIR/<list>.csv with a record id, a made-up name and date of\n"
	  "birth per person, and the typing errors and variants real\n"
	  "lists have - for trying 'duress link' where the truth is known", O(people), 0, 0, 0,
	  NULL },
	{ "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", O(force),
	  0, 0, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_simulate = {
	"simulate", "--n N (--p P1,P2,... | --classes SPEC) [options]",
	"make capture histories from a known population, for testing",
	"Make capture histories for a population whose size N is known: each of\n"
	"the N people is put on each of k lists at random, and the people seen by\n"
	"at least one list are written out.  Use it to test estimators against a\n"
	"true N and to make example data.  The same options and seed always give\n"
	"the same file.  The model is described in docs/simulate.md.",
	options, 0, 0,
	"examples:\n"
	"  duress simulate --n 2000 --p 0.15,0.2,0.1,0.25 --seed 1\n"
	"  duress simulate --n 3000 --names police,ngo,shelter \\\n"
	"      --classes \"0.8:0.1,0.2,0.1;0.2:0.4,0.5,0.3\" --referral police:ngo:0.3 \\\n"
	"      --seed 7 --form table -o table.csv"
};

int cmd_simulate(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_spec *spec = NULL;
	struct dur_sim_result *res = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	const char *args[1];
	uint64_t given;
	FILE *f;
	int nargs, rc;

	if ((rc = cli_parse(&spec_simulate, argc, argv, &o, args, &nargs, &given)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	if (!cli_given(&spec_simulate, given, "n"))
		return cli_usage_error("simulate", "--n (the population size) is required");
	if (!(spec = malloc(sizeof(*spec)))) {
		cli_error("simulate", "out of memory");
		return EXIT_FAIL;
	}
	dur_sim_spec_init(spec);
	sp.N = o.n;
	sp.table_only = o.form && strcmp(o.form, "table") == 0;
	if (dur_sim_spec_parse(spec, o.p, o.classes, o.names, o.referral.v, o.referral.n, &sp,
			       &err)) {
		rc = cli_usage_error("simulate", "%s", err.msg);
		goto out;
	}
	if (cli_given(&spec_simulate, given, "seed")) {
		sp.seed = o.seed;
	} else {
		sp.seed = cli_random_seed();
		fprintf(stderr, "duress simulate: seed %llu (use --seed to repeat)\n",
			(unsigned long long)sp.seed);
	}
	rc = EXIT_FAIL;
	outs.force = o.force;
	if (o.people && sp.table_only) {
		rc = cli_usage_error("simulate", "--people needs the people, not only the table "
				     "(leave out --form table)");
		goto out;
	}
	if (dur_sim_run(&sp, &res, &err) || cli_outs_open(&outs, o.output, &f, &err) ||
	    (sp.table_only ? dur_table_write_csv(res->table, f, &err)
			   : dur_sim_write_histories(res, f, &err)))
		goto fail;
	for (int l = 0; o.people && l < res->table->k; l++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.csv", o.people, res->table->names[l]);
		if (cli_outs_open(&outs, path, &f, &err) ||
		    dur_sim_write_people(res, l, sp.seed, f, &err))
			goto fail;
	}
	if (cli_outs_commit(&outs, &err))
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("simulate", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	dur_sim_result_free(res);
	dur_sim_spec_release(spec);
	free(spec);
	return rc;
}
