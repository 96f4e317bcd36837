/*
 * duress estimate: multiple systems estimation from a capture table.
 */
#include "cli.h"
#include "args.h"
#include "commands.h"
#include "estimate_cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

const char usage_estimate[] =
"usage: duress estimate [options] FILE.csv\n"
"\n"
"Estimate how many people there are in all, including those no list saw,\n"
"from who appears on which lists (multiple systems estimation with Poisson\n"
"log-linear models).  FILE is either form of capture data:\n"
"  a capture table:    list columns (0/1) and 'count', one row per pattern;\n"
"  capture histories:  optional 'id', list columns (0/1), optional stratum\n"
"                      columns, one row per person.\n"
"\n"
"options:\n"
"  --model M         the model: 'stepwise' (default; SparseMSE's rule),\n"
"                    'main' (lists independent), 'all-pairs', or the two-list\n"
"                    terms to include, e.g. 'LA:NG,PF:NCA'\n"
"  --select aic|bic  search every model (up to 6 lists) and keep the best\n"
"  --pthresh P       stepwise: add terms while their p-value is below P (0.02)\n"
"  --interval I      'bca' (default: bootstrap over the whole selection),\n"
"                    'profile' (profile likelihood), 'analytic', or 'none'\n"
"  --level L         interval level (0.95)\n"
"  --bootstrap B     bca: number of replicates (1000)\n"
"  --seed S          bca: random seed (default: a new one, shown in the output)\n"
"  --threads T       bca: threads to use (default: the cores there are);\n"
"                    results do not depend on it\n"
"  --by COLUMN       capture histories: estimate each value of COLUMN and the total\n"
"  --lists A,B,...   use only these columns as lists\n"
"  --format F        'table' (default, for people) or 'json'\n"
"  -o FILE           write the result to FILE instead of standard output\n"
"  --manifest FILE   also write a provenance manifest, for 'duress reproduce'\n"
"\n"
"A list that nobody is on, or that everyone is on, is left out with a warning;\n"
"lists holding exactly the same people are merged.  When a model has no finite\n"
"estimate, duress says why and gives no number (exit status 1).\n"
"\n"
"examples:\n"
"  duress estimate lists.csv\n"
"  duress estimate --model main --interval profile lists.csv\n"
"  duress estimate --by region --format json -o result.json histories.csv\n";

static void fmt_num(char *buf, size_t n, double x)
{
	if (!isfinite(x))
		snprintf(buf, n, "-");
	else if (fabs(x) >= 100)
		snprintf(buf, n, "%.0f", x);
	else
		snprintf(buf, n, "%.1f", x);
}

static void print_result(FILE *f, json_t *r, const char *title)
{
	json_t *est = json_object_get(r, "estimate");
	json_t *iv = json_object_get(r, "interval");
	json_t *m = json_object_get(r, "model");
	json_t *lists = json_object_get(r, "lists");
	json_t *w = json_object_get(r, "warnings");
	json_t *cells = json_object_get(r, "cells");
	char a[64], b[64];
	size_t i;
	json_t *v;

	fprintf(f, "%s\n", title);
	fprintf(f, "  lists:          ");
	json_array_foreach(lists, i, v)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
	fprintf(f, "\n  people seen:    %.0f\n", json_number_value(json_object_get(r, "observed")));
	if (json_is_null(est)) {
		fprintf(f, "  estimate:       none - %s\n",
			json_string_value(json_object_get(r, "reason")));
	} else {
		const char *meth = json_string_value(json_object_get(iv, "method"));
		fmt_num(a, sizeof(a), json_number_value(est));
		fprintf(f, "  estimate:       %s people in all\n", a);
		fmt_num(a, sizeof(a), json_number_value(json_object_get(r, "unseen")));
		fprintf(f, "  seen by none:   %s (estimated)\n", a);
		if (strcmp(meth, "none") != 0) {
			json_t *lo = json_object_get(iv, "lower"), *hi = json_object_get(iv, "upper");
			const char *how = strcmp(meth, "bca") == 0 ? "bootstrap, bias-corrected and accelerated"
					: strcmp(meth, "profile") == 0 ? "profile likelihood"
					: "analytic, log-normal";
			if (json_is_null(lo)) {
				fprintf(f, "  interval:       none (%s)\n",
					json_string_value(json_object_get(iv, "reason")));
			} else {
				fmt_num(a, sizeof(a), json_number_value(lo));
				if (json_is_null(hi))
					snprintf(b, sizeof(b), "above %.0f",
						 json_number_value(json_object_get(iv, "upper_above")));
				else
					fmt_num(b, sizeof(b), json_number_value(hi));
				fprintf(f, "  %2.0f%% interval:   %s to %s (%s", 
					100 * json_number_value(json_object_get(iv, "level")), a, b, how);
				if (strcmp(meth, "bca") == 0)
					fprintf(f, ", %lld replicates, seed %lld",
						(long long)json_integer_value(json_object_get(iv, "replicates")),
						(long long)json_integer_value(json_object_get(iv, "seed")));
				fputs(")\n", f);
			}
		}
		fprintf(f, "  model:          %s", json_string_value(json_object_get(m, "selection")));
		{
			json_t *terms = json_object_get(m, "terms");
			if (json_array_size(terms) == 0)
				fputs(", main effects only (lists independent)", f);
			else {
				fputs(", main effects + ", f);
				json_array_foreach(terms, i, v)
					fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
			}
			fputc('\n', f);
		}
		fprintf(f, "  fit:            deviance %.2f on %lld df, AIC %.2f, BIC %.2f\n",
			json_number_value(json_object_get(m, "deviance")),
			(long long)json_integer_value(json_object_get(m, "df")),
			json_number_value(json_object_get(m, "aic")),
			json_number_value(json_object_get(m, "bic")));
		if (json_array_size(json_object_get(m, "empty_overlaps"))) {
			fputs("  empty overlaps: ", f);
			json_array_foreach(json_object_get(m, "empty_overlaps"), i, v)
				fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
			fputc('\n', f);
		}
	}
	if (json_object_get(r, "candidates")) {
		json_t *c;
		const char *crit = json_object_get(json_array_get(json_object_get(r, "candidates"), 0), "bic") ? "bic" : "aic";
		fprintf(f, "\n  best models (%s, weight, estimate, terms):\n", crit);
		json_array_foreach(json_object_get(r, "candidates"), i, c) {
			size_t j;
			fprintf(f, "    %8.2f  %5.3f  %8.0f  ", json_number_value(json_object_get(c, crit)),
				json_number_value(json_object_get(c, "weight")),
				json_number_value(json_object_get(c, "estimate")));
			if (json_array_size(json_object_get(c, "terms")) == 0)
				fputs("(main effects)", f);
			json_array_foreach(json_object_get(c, "terms"), j, v)
				fprintf(f, "%s%s", j ? "," : "", json_string_value(v));
			fputc('\n', f);
		}
	}
	if (json_array_size(cells)) {
		json_t *c;
		fprintf(f, "\n  %-32s %9s %9s\n", "seen by", "observed", "fitted");
		json_array_foreach(cells, i, c) {
			const char *pat = json_string_value(json_object_get(c, "pattern"));
			char who[256] = "";
			size_t used = 0;
			for (size_t k = 0; pat[k]; k++)
				if (pat[k] == '1') {
					const char *nm = json_string_value(json_array_get(lists, k));
					int n = snprintf(who + used, sizeof(who) - used, "%s%s",
							 used ? "+" : "", nm);
					if (n < 0 || (size_t)n >= sizeof(who) - used)
						break;
					used += (size_t)n;
				}
			fmt_num(a, sizeof(a), json_number_value(json_object_get(c, "fitted")));
			fprintf(f, "  %-32s %9.0f %9s\n", who,
				json_number_value(json_object_get(c, "observed")), a);
		}
	}
	if (json_array_size(w)) {
		fputs("\n  warnings:\n", f);
		json_array_foreach(w, i, v)
			fprintf(f, "  - %s\n", json_string_value(v));
	}
}

static void print_table(FILE *f, json_t *doc)
{
	json_t *in = json_object_get(doc, "input");
	json_t *strata = json_object_get(doc, "strata");
	char title[512];
	size_t i;
	json_t *s;

	snprintf(title, sizeof(title), "%s: %s people on %zu lists%s",
		 json_string_value(json_object_get(in, "file")),
		 "", json_array_size(json_object_get(in, "lists")),
		 strata ? " (all strata together)" : "");
	/* simpler title without the empty count */
	snprintf(title, sizeof(title), "Estimate for %s%s",
		 json_string_value(json_object_get(in, "file")),
		 strata ? " (all strata together)" : "");
	print_result(f, doc, title);
	json_array_foreach(strata, i, s) {
		char t2[512];
		snprintf(t2, sizeof(t2), "\nStratum %s = %s",
			 json_string_value(json_object_get(doc, "by")),
			 json_string_value(json_object_get(s, "stratum")));
		print_result(f, s, t2);
	}
	fprintf(f, "\nduress %s, input sha256 %.16s...; this is an estimate with its "
		"uncertainty, from the lists as given.\n",
		json_string_value(json_object_get(json_object_get(doc, "software"), "version")),
		json_string_value(json_object_get(in, "sha256")));
}

static dur_err write_manifest(const char *path, json_t *doc, struct dur_error *err)
{
	struct cli_out out;
	json_t *man;
	char when[64];
	time_t now = time(NULL);
	struct tm tmv;
	dur_err rc;

	gmtime_r(&now, &tmv);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tmv);
	man = json_pack("{s:i,s:s,s:s,s:O,s:[{s:O,s:O}],s:O,s:O}",
			"duress_manifest", 1, "command", "estimate", "created", when,
			"software", json_object_get(doc, "software"),
			"inputs", "file", json_object_get(json_object_get(doc, "input"), "file"),
			"sha256", json_object_get(json_object_get(doc, "input"), "sha256"),
			"parameters", json_object_get(doc, "parameters"),
			"result", doc);
	if (!man)
		return dur_error_set(err, DUR_ENOMEM, "cannot build the manifest");
	rc = cli_out_open(&out, path, err);
	if (rc == DUR_OK) {
		json_dumpf(man, out.f, JSON_INDENT(2) | JSON_SORT_KEYS);
		fputc('\n', out.f);
		rc = cli_out_commit(&out, err);
	}
	json_decref(man);
	return rc;
}

int cmd_estimate(int argc, char **argv)
{
	struct estimate_opts o;
	struct args a;
	const char *pos, *outpath = NULL, *manifest = NULL, *format = "table", *v;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_out out;
	json_t *doc = NULL;
	int r, no_est = 0, ret = EXIT_FAIL;
	unsigned long ul;
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&o, 0, sizeof(o));
	memset(&out, 0, sizeof(out));
	dur_estimate_default_params(&o.p);
	o.p.threads = nproc > 0 ? (int)(nproc > 64 ? 64 : nproc) : 1;
	o.model = "stepwise";
	args_init(&a, "estimate", argc, argv);
	while ((r = args_next(&a, &pos)) != 0) {
		if (r == 2) {
			if (o.file)
				return cli_usage_error("estimate", "one input file at a time ('%s' and '%s')",
						       o.file, pos);
			o.file = pos;
			continue;
		}
		if (args_is(&a, "--model")) {
			if (!(o.model = args_value(&a)))
				return EXIT_USAGE;
		} else if (args_is(&a, "--select")) {
			if (!(o.select = args_value(&a)))
				return EXIT_USAGE;
			if (strcmp(o.select, "aic") != 0 && strcmp(o.select, "bic") != 0)
				return cli_usage_error("estimate", "--select takes 'aic' or 'bic', not '%s'",
						       o.select);
		} else if (args_is(&a, "--pthresh")) {
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			if (cli_parse_double(v, &o.p.pthresh) || o.p.pthresh <= 0 || o.p.pthresh >= 1)
				return cli_usage_error("estimate", "--pthresh takes a number between 0 and 1, not '%s'", v);
		} else if (args_is(&a, "--interval")) {
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			if (strcmp(v, "bca") == 0)
				o.p.interval = DUR_INTERVAL_BCA;
			else if (strcmp(v, "profile") == 0)
				o.p.interval = DUR_INTERVAL_PROFILE;
			else if (strcmp(v, "analytic") == 0)
				o.p.interval = DUR_INTERVAL_ANALYTIC;
			else if (strcmp(v, "none") == 0)
				o.p.interval = DUR_INTERVAL_NONE;
			else
				return cli_usage_error("estimate", "--interval takes bca, profile, analytic or none, not '%s'", v);
		} else if (args_is(&a, "--level")) {
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			if (cli_parse_double(v, &o.p.level) || o.p.level <= 0 || o.p.level >= 1)
				return cli_usage_error("estimate", "--level takes a number between 0 and 1 (e.g. 0.95), not '%s'", v);
		} else if (args_is(&a, "--bootstrap")) {
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			if (cli_parse_ulong(v, 10000000, &ul) || ul < 10)
				return cli_usage_error("estimate", "--bootstrap takes a whole number from 10 to 10000000, not '%s'", v);
			o.p.bootstrap = ul;
		} else if (args_is(&a, "--seed")) {
			unsigned long long s;
			char *end;
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			s = strtoull(v, &end, 10);
			if (!*v || *end || *v == '-')
				return cli_usage_error("estimate", "--seed takes a whole number, not '%s'", v);
			o.p.seed = s;
			o.seed_given = 1;
		} else if (args_is(&a, "--threads")) {
			if (!(v = args_value(&a)))
				return EXIT_USAGE;
			if (cli_parse_ulong(v, 64, &ul) || ul < 1)
				return cli_usage_error("estimate", "--threads takes a whole number from 1 to 64, not '%s'", v);
			o.p.threads = (int)ul;
		} else if (args_is(&a, "--by")) {
			if (!(o.by = args_value(&a)))
				return EXIT_USAGE;
		} else if (args_is(&a, "--lists")) {
			if (!(o.lists = args_value(&a)))
				return EXIT_USAGE;
		} else if (args_is(&a, "--format")) {
			if (!(format = args_value(&a)))
				return EXIT_USAGE;
			if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
				return cli_usage_error("estimate", "--format takes 'table' or 'json', not '%s'", format);
		} else if (args_is(&a, "-o") || args_is(&a, "--output")) {
			if (!(outpath = args_value(&a)))
				return EXIT_USAGE;
		} else if (args_is(&a, "--manifest")) {
			if (!(manifest = args_value(&a)))
				return EXIT_USAGE;
		} else {
			return cli_usage_error("estimate", "unknown option '%s'", a.opt);
		}
	}
	if (!o.file)
		return cli_usage_error("estimate", "no input file given");
	if (o.select) {
		if (strcmp(o.model, "stepwise") != 0)
			return cli_usage_error("estimate", "--select and --model choose the model in two ways: give one");
		o.p.method = strcmp(o.select, "bic") == 0 ? DUR_MSE_BIC : DUR_MSE_AIC;
	} else if (strcmp(o.model, "stepwise") == 0) {
		o.p.method = DUR_MSE_STEPWISE;
	} else {
		o.p.method = DUR_MSE_FIXED;
		o.p.terms = o.model;
	}
	if (!o.seed_given) {
		/* a fresh seed, always recorded, so any run can be repeated */
		o.p.seed = ((uint64_t)randombytes_random() << 21) ^ randombytes_random();
		o.p.seed &= (1ULL << 53) - 1;
	}
	o.progress = o.p.interval == DUR_INTERVAL_BCA && isatty(2);

	if (estimate_execute(&o, &doc, &no_est, &err) != DUR_OK) {
		cli_error("estimate", "%s", err.msg);
		goto out;
	}
	if (cli_out_open(&out, outpath, &err) != DUR_OK) {
		cli_error("estimate", "%s", err.msg);
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		json_dumpf(doc, out.f, JSON_INDENT(2));
		fputc('\n', out.f);
	} else {
		print_table(out.f, doc);
	}
	if (cli_out_commit(&out, &err) != DUR_OK) {
		cli_error("estimate", "%s", err.msg);
		goto out;
	}
	if (manifest && write_manifest(manifest, doc, &err) != DUR_OK) {
		cli_error("estimate", "%s", err.msg);
		goto out;
	}
	if (no_est) {
		json_t *e = json_object_get(doc, "estimate");
		cli_error("estimate", "no estimate%s: %s",
			  json_is_null(e) ? "" : " for some strata",
			  json_is_null(e) ? json_string_value(json_object_get(doc, "reason"))
			  : "see the result for each stratum");
		goto out;
	}
	ret = EXIT_OK;
out:
	if (out.f)
		cli_out_abort(&out);
	json_decref(doc);
	return ret;
}
