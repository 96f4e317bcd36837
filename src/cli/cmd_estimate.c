/*
 * duress estimate: flags into parameters, the file into the library's
 * estimation job, the document out as text or JSON (and a manifest).
 */
#include "cli.h"
#include "commands.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <duress/estimate.h>
#include <duress/provenance.h>
#include <duress/report.h>

#define INPUT_CAP ((size_t)1 << 31)

struct opts {
	const char *method, *model, *select, *interval, *by, *lists, *format, *output, *manifest;
	const char *sep, *draws;
	double pthresh, level;
	unsigned long bootstrap, threads;
	uint64_t seed;
	int compare, no_diagnostics, force;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "method", 0, OPT_CHOICE, "M", "'loglinear' (default: the log-linear and closed-\n"
	  "population models of --model), 'lcmcr' (Bayesian latent\n"
	  "classes, as LCMCR: people differ in catchability) or 'bma'\n"
	  "(Bayesian averaging over every decomposable graphical model,\n"
	  "as dga)", O(method), 0, 0, 0, "loglinear|closed|lcmcr|bma" },
	{ "model", 0, OPT_STRING, "M", "the model: 'stepwise' (default; SparseMSE's rule),\n"
	  "'main' (lists independent), 'all-pairs', or the two-list\n"
	  "terms to include, e.g. 'LA:NG,PF:NCA'; or a closed-population\n"
	  "model as Rcapture's: m0, mt (= main), mh-chao, mh-poisson,\n"
	  "mh-darroch, mh-gamma, mth-chao, mth-poisson, mth-darroch,\n"
	  "mth-gamma, mb, mbh (people differ in catchability, or\n"
	  "change after a first capture)", O(model), 0, 0, 0, NULL },
	{ "select", 0, OPT_CHOICE, "aic|bic", "search every model (up to 6 lists) and keep the best",
	  O(select), 0, 0, 0, "aic|bic" },
	{ "pthresh", 0, OPT_DOUBLE, "P", "stepwise: add terms while their p-value is below P (0.02)",
	  O(pthresh), 0, 1, 1, NULL },
	{ "interval", 0, OPT_CHOICE, "I", "'bca' (default: bootstrap over the whole selection),\n"
	  "'profile' (profile likelihood; the default for the\n"
	  "closed-population models), 'analytic', 'credible' (the\n"
	  "Bayesian methods' posterior quantiles, their default) or 'none'", O(interval), 0, 0, 0,
	  "bca|profile|analytic|credible|none" },
	{ "level", 0, OPT_DOUBLE, "L", "interval level (0.95)", O(level), 0, 1, 1, NULL },
	{ "bootstrap", 0, OPT_ULONG, "B", "bca: number of replicates (1000)", O(bootstrap), 10,
	  10000000, 0, NULL },
	{ "seed", 0, OPT_U64, "S", "bca: random seed (default: a new one, shown in the output)",
	  O(seed), 0, 0, 0, NULL },
	{ "threads", 0, OPT_ULONG, "T", "threads to use (default: the cores there are);\n"
	  "results do not depend on it", O(threads), 1, 64, 0, NULL },
	{ "by", 0, OPT_STRING, "COLUMN", "estimate each value of COLUMN (a stratum column\n"
	  "of either form) and the total", O(by), 0, 0, 0, NULL },
	{ "linkage-draws", 0, OPT_STRING, "FILE", "also estimate on each table drawn from the\n"
	  "link probabilities ('duress link match --draws FILE'):\n"
	  "how far the linkage alone moves the estimate", O(draws), 0, 0, 0, NULL },
	{ "lists", 0, OPT_STRING, "A,B,...", "use only these columns as lists", O(lists), 0, 0, 0,
	  NULL },
	CLI_OPT_SEP(sep),
	{ "compare", 0, OPT_FLAG, NULL, "also every method side by side", O(compare), 0, 0, 0, NULL },
	{ "no-diagnostics", 0, OPT_FLAG, NULL, "leave out the list-omission diagnostic",
	  O(no_diagnostics), 0, 0, 0, NULL },
	{ "format", 0, OPT_CHOICE, "F", "'table' (default, for people) or 'json'", O(format), 0, 0,
	  0, "table|json" },
	{ "output", 'o', OPT_STRING, "FILE", "write the result to FILE instead of standard output",
	  O(output), 0, 0, 0, NULL },
	{ "manifest", 0, OPT_STRING, "FILE", "also write a provenance manifest, for\n"
	  "'duress reproduce' and 'duress report'", O(manifest), 0, 0, 0, NULL },
	{ "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", O(force),
	  0, 0, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_estimate = {
	"estimate", "[options] FILE.csv",
	"estimate how many people no list saw (multiple systems estimation)",
	"Estimate how many people there are in all, including those no list saw,\n"
	"from who appears on which lists (multiple systems estimation with Poisson\n"
	"log-linear models).  FILE is either form of capture data:\n"
	"  a capture table:    list columns (0/1) and 'count', one row per pattern;\n"
	"  capture histories:  optional 'id', list columns (0/1), optional stratum\n"
	"                      columns, one row per person.\n"
	"The result opens with one sentence in plain words; the statistics follow.",
	options, 1, 1,
	"A list that nobody is on, or that everyone is on, is left out with a warning;\n"
	"lists holding exactly the same people are merged.  When a model has no finite\n"
	"estimate, duress says why and gives no number (exit status 1).  Methods and\n"
	"references: docs/methods.md."
};

int cmd_estimate(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_estimate_params p;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	struct cli_progress prog;
	struct dur_estimate_doc *doc = NULL;
	dur_estimate_job *job = NULL;
	struct dur_manifest *man = NULL;
	const char *file, *what;
	char *buf = NULL, *dbuf = NULL, *text = NULL, when[32], mname[4096], dname[4096];
	uint64_t given;
	size_t len, dlen = 0;
	FILE *f;
	int nargs, rc = EXIT_FAIL;
	dur_err e;

	dur_estimate_default_params(&p);
	o.pthresh = p.pthresh;
	o.level = p.level;
	o.bootstrap = p.bootstrap;
	o.threads = (unsigned long)cli_cores();
	if ((rc = cli_parse(&spec_estimate, argc, argv, &o, &file, &nargs, &given)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	rc = EXIT_FAIL;
	p.model = o.model ? o.model : "stepwise";
	p.method = dur_estimate_method_of_model(p.model);
	if (o.method && strcmp(o.method, "loglinear") != 0 && strcmp(o.method, "closed") != 0) {
		if (o.model || o.select)
			return cli_usage_error("estimate", "--method %s chooses its own models: "
					       "leave out --model and --select", o.method);
		p.method = o.method;
	}
	p.select = o.select;
	p.pthresh = o.pthresh;
	p.interval = o.interval ? dur_interval_parse(o.interval)
				: dur_estimate_default_interval(p.method, p.model);
	p.level = o.level;
	p.bootstrap = o.bootstrap;
	p.seed = cli_given(&spec_estimate, given, "seed") ? o.seed : cli_random_seed();
	p.threads = (int)o.threads;
	p.by = o.by;
	p.lists = o.lists;
	if (cli_parse_sep("estimate", o.sep, &p.sep))
		return EXIT_USAGE;
	p.compare = o.compare;
	p.diagnostics = !o.no_diagnostics;
	if (dur_estimate_params_check(&p, &err))
		return cli_usage_error("estimate", "%s", err.msg);
	outs.force = o.force;

	if (cli_read_text(file, INPUT_CAP, CLI_MAX_LINE, &buf, &len, &err) ||
	    !(job = dur_estimate_job_alloc(buf, len, file, &p, &err)))
		goto fail;
	if (o.draws && (cli_read_text(o.draws, INPUT_CAP, CLI_MAX_LINE, &dbuf, &dlen, &err) ||
			dur_estimate_job_add_draws(job, dbuf, dlen, o.draws, &err)))
		goto fail;
	cli_progress_init(&prog, "estimate");
	while ((e = dur_estimate_job_iterate(job, &err)) == DUR_CONTINUE)
		cli_progress_show(&prog, dur_estimate_job_progress(job, &what), what);
	cli_progress_done(&prog);
	if (e != DUR_OK)
		goto fail;
	doc = dur_estimate_job_take(job);

	if (cli_outs_open(&outs, o.output, &f, &err))
		goto fail;
	if (o.format && strcmp(o.format, "json") == 0) {
		json_t *j = dur_estimate_doc_to_json(doc);
		if (!j || json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0) {
			json_decref(j);
			dur_error_set(&err, DUR_ENOMEM, "out of memory");
			goto fail;
		}
		json_decref(j);
		fputc('\n', f);
	} else {
		if (dur_estimate_doc_to_text(doc, &text, &err))
			goto fail;
		fputs(text, f);
	}
	if (o.manifest) {
		cli_now(when);
		free(text);
		text = NULL;
		cli_manifest_name(o.manifest, file, mname, sizeof(mname));
		if (!(man = dur_manifest_new("estimate", when)) ||
		    dur_manifest_add_input(man, "table", mname, NULL, buf, len, &err))
			goto nomem;
		if (o.draws) {
			cli_manifest_name(o.manifest, o.draws, dname, sizeof(dname));
			if (dur_manifest_add_input(man, "linkage-draws", dname, NULL, dbuf, dlen,
						   &err))
				goto nomem;
		}
		dur_manifest_set_parameters(man, dur_estimate_params_to_json(&p));
		dur_manifest_set_seed(man, p.seed);
		dur_manifest_set_result(man, dur_estimate_doc_to_json(doc));
		if (dur_manifest_dump(man, &text, &err) || cli_outs_open(&outs, o.manifest, &f, &err))
			goto fail;
		fputs(text, f);
	}
	if (cli_outs_commit(&outs, &err))
		goto fail;
	if (dur_estimate_doc_incomplete(doc)) {
		cli_error("estimate", "no estimate%s: %s",
			  doc->total.main.have_estimate ? " for some strata" : "",
			  doc->total.main.have_estimate ? "see the result for each stratum"
							 : doc->total.main.reason);
		goto out;
	}
	rc = EXIT_OK;
	goto out;
nomem:
	if (!err.code)
		dur_error_set(&err, DUR_ENOMEM, "out of memory");
fail:
	cli_error("estimate", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	dur_manifest_free(man);
	dur_estimate_doc_free(doc);
	dur_estimate_job_free(job);
	free(text);
	free(buf);
	free(dbuf);
	return rc;
}
