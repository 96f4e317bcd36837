#include "cli.h"
#include "commands.h"
#include "screen_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>

const char usage_screen[] =
	"usage: duress screen [options] CASE.json\n"
	"       duress screen --batch FILE [--summary] [options]\n"
	"\n"
	"Screen one person's situation against published definitions of trafficking\n"
	"and forced labour (see 'duress frameworks list').  Each framework gives a\n"
	"verdict - indicated, not_indicated or insufficient_information - with the\n"
	"indicators found, the rule that decided in words, and the unanswered\n"
	"questions that could still change it.  Coercion is the evidence, never the\n"
	"kind of work: the sector is recorded but no rule reads it.  An unknown\n"
	"answer is never read as no.  A screening guides next steps; it is not a\n"
	"legal finding.\n"
	"\n"
	"A case is a JSON object:\n"
	"  {\"case_id\": \"c1\", \"age\": 24 | \"minor\" | \"adult\" | \"unknown\",\n"
	"   \"sector\": \"any text\", \"facts\": {\"documents_taken\": \"yes\", ...}}\n"
	"with answers \"yes\", \"no\" or \"unknown\"; a fact not given is unknown.  The\n"
	"question ids: 'duress frameworks questions'.  A key that is not known is an\n"
	"error naming it.\n"
	"\n"
	"options:\n"
	"  --framework ID         screen against this framework only (repeatable)\n"
	"  --format table|json    for people (default) or JSON; batches give one JSON\n"
	"                         object per line (JSON Lines)\n"
	"  --batch FILE           screen many cases: CSV with the header\n"
	"                         case_id,age,sector,<question ids> (an empty cell is\n"
	"                         unknown), or JSON Lines, one case object per line\n"
	"  --input-format csv|jsonl  how to read --batch (default: .jsonl and .ndjson\n"
	"                         files are JSON Lines, anything else CSV)\n"
	"  --summary              with --batch: counts of each verdict per framework,\n"
	"                         overall and per sector, side by side\n"
	"  --resolution K         with --summary: round every count down to a multiple\n"
	"                         of K so that small groups cannot be singled out\n"
	"                         (default 10; 1 gives exact counts)\n"
	"  --option FW.NAME=yes|no  set a framework option ('duress frameworks show FW')\n"
	"  --frameworks-dir DIR   framework files (default $DURESS_FRAMEWORKS, else the\n"
	"                         frameworks/ folder of the source tree)\n"
	"  -o, --output FILE      write to FILE (all or nothing) instead of stdout\n"
	"\n"
	"exit status: 0 done, 1 failed (bad input), 2 the command line was wrong.\n";

#define MAX_CASE_FILE (4u << 20)
#define MAX_BATCH_FILE (1024u << 20)

struct opts {
	const char *input;
	const char *batch;
	const char *format;
	const char *input_format;
	const char *dir;
	const char *output;
	int summary;
	unsigned long resolution;
	int have_resolution;
	const char **fw;
	size_t nfw;
	const char **option;
	size_t nopt;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		int missing = 0;

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc && !o->input)
				o->input = argv[++i];
			if (i + 1 < argc)
				return cli_usage_error("screen", "unexpected argument '%s'", argv[i + 1]);
			break;
		}
		if (strcmp(a, "--summary") == 0) {
			o->summary = 1;
		} else if (cli_opt_value(argc, argv, &i, "--framework", &v, &missing)) {
			if (missing)
				return cli_usage_error("screen", "--framework needs a framework id");
			o->fw[o->nfw++] = v;
		} else if (cli_opt_value(argc, argv, &i, "--option", &v, &missing)) {
			if (missing)
				return cli_usage_error("screen", "--option needs FW.NAME=yes|no");
			o->option[o->nopt++] = v;
		} else if (cli_opt_value(argc, argv, &i, "--format", &v, &missing)) {
			if (missing || (strcmp(v, "table") != 0 && strcmp(v, "json") != 0))
				return cli_usage_error("screen", "--format is table or json");
			o->format = v;
		} else if (cli_opt_value(argc, argv, &i, "--input-format", &v, &missing)) {
			if (missing || (strcmp(v, "csv") != 0 && strcmp(v, "jsonl") != 0))
				return cli_usage_error("screen", "--input-format is csv or jsonl");
			o->input_format = v;
		} else if (cli_opt_value(argc, argv, &i, "--batch", &v, &missing)) {
			if (missing)
				return cli_usage_error("screen", "--batch needs a file");
			o->batch = v;
		} else if (cli_opt_value(argc, argv, &i, "--resolution", &v, &missing)) {
			if (missing || cli_parse_ulong(v, 1000000000UL, &o->resolution) != 0 ||
			    o->resolution < 1)
				return cli_usage_error("screen", "--resolution needs a whole number of "
						       "at least 1");
			o->have_resolution = 1;
		} else if (cli_opt_value(argc, argv, &i, "--frameworks-dir", &v, &missing)) {
			if (missing)
				return cli_usage_error("screen", "--frameworks-dir needs a folder");
			o->dir = v;
		} else if (cli_opt_value(argc, argv, &i, "--output", &v, &missing) ||
			   cli_opt_value(argc, argv, &i, "-o", &v, &missing)) {
			if (missing)
				return cli_usage_error("screen", "--output needs a file");
			o->output = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("screen", "unknown option '%s'", a);
		} else if (!o->input) {
			o->input = a;
		} else {
			return cli_usage_error("screen", "unexpected argument '%s'", a);
		}
	}
	if (o->batch && o->input)
		return cli_usage_error("screen", "give either CASE.json or --batch FILE, not both");
	if (!o->batch && !o->input)
		return cli_usage_error("screen", "no case given (CASE.json, or --batch FILE)");
	if (o->summary && !o->batch)
		return cli_usage_error("screen", "--summary needs --batch");
	if (o->have_resolution && !o->summary)
		return cli_usage_error("screen", "--resolution needs --summary");
	if (o->input_format && !o->batch)
		return cli_usage_error("screen", "--input-format needs --batch");
	if (!o->format)
		o->format = "table";
	if (!o->have_resolution)
		o->resolution = 10;
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* "--option ilo2009.child_rule_act=yes" */
static int apply_option(dur_framework_set *set, const char *spec, struct dur_error *err)
{
	char buf[256];
	char *dot, *eq;
	int value;

	if (strlen(spec) >= sizeof(buf))
		return cli_usage_error("screen", "--option '%s' is too long", spec);
	strcpy(buf, spec);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || eq < dot)
		return cli_usage_error("screen", "--option '%s' is not FW.NAME=yes|no", spec);
	*dot = '\0';
	*eq = '\0';
	if (strcmp(eq + 1, "yes") == 0)
		value = 1;
	else if (strcmp(eq + 1, "no") == 0)
		value = 0;
	else
		return cli_usage_error("screen", "--option '%s': the value is yes or no", spec);
	if (dur_framework_set_option(set, buf, dot + 1, value, err) != DUR_OK)
		return cli_usage_error("screen", "--option: %s", err->msg);
	return 0;
}

/* User text in a table: control characters (a newline in a sector) become spaces. */
static void put_clean(FILE *f, const char *s, int width)
{
	int n = 0;
	for (; *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	for (; n < width; n++)
		fputc(' ', f);
}

static const char *short_verdict(enum dur_screen_verdict v)
{
	return v == DUR_SCREEN_INDICATED ? "indicated"
	       : v == DUR_SCREEN_NOT_INDICATED ? "not indicated" : "not enough info";
}

int cmd_screen(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_out out = { 0 };
	dur_framework_set *set = NULL;
	dur_screen_case *c = NULL;
	dur_screen_batch *batch = NULL;
	dur_screen_result *res = NULL;
	dur_screen_summary *sum = NULL;
	const char *name;
	char *buf = NULL, *text = NULL;
	size_t len;
	int rc = EXIT_FAIL, opened = 0;

	o.fw = calloc((size_t)argc + 1, sizeof(*o.fw));
	o.option = calloc((size_t)argc + 1, sizeof(*o.option));
	if (!o.fw || !o.option) {
		cli_error("screen", "out of memory");
		goto out;
	}
	if ((rc = parse_opts(argc, argv, &o)) != 0)
		goto out;
	rc = EXIT_FAIL;

	/* the frameworks, and the command-line choices that depend on them */
	if (cli_load_frameworks(o.dir, &set, &err) != DUR_OK) {
		cli_error("screen", "%s", err.msg);
		goto out;
	}
	for (size_t i = 0; i < o.nfw; i++)
		if (dur_framework_set_find(set, o.fw[i]) < 0) {
			rc = cli_usage_error("screen", "unknown framework '%s' (see 'duress "
					     "frameworks list')", o.fw[i]);
			goto out;
		}
	for (size_t i = 0; i < o.nopt; i++)
		if ((rc = apply_option(set, o.option[i], &err)) != 0)
			goto out;
	rc = EXIT_FAIL;

	/* the input */
	name = o.batch ? o.batch : o.input;
	if (cli_read_file(name, o.batch ? MAX_BATCH_FILE : MAX_CASE_FILE, &buf, &len, &err)) {
		cli_error("screen", "%s", err.msg);
		goto out;
	}
	if (o.batch) {
		int jsonl = o.input_format ? strcmp(o.input_format, "jsonl") == 0
					   : ends_with(name, ".jsonl") || ends_with(name, ".ndjson");
		dur_err e = jsonl ? dur_screen_batch_parse_jsonl(set, buf, len, name, &batch, &err)
				  : dur_screen_batch_parse_csv(set, buf, len, name, &batch, &err);
		if (e) {
			cli_error("screen", "%s", err.msg);
			goto out;
		}
	} else {
		if (!(c = dur_screen_case_alloc(set))) {
			cli_error("screen", "out of memory");
			goto out;
		}
		if (dur_screen_case_parse_json(c, buf, len, name, &err)) {
			cli_error("screen", "%s", err.msg);
			goto out;
		}
	}

	/* screen and print */
	if (cli_out_open(&out, o.output, &err)) {
		cli_error("screen", "%s", err.msg);
		goto out;
	}
	opened = 1;
	if (!batch) {
		dur_err e = dur_screen_evaluate(set, c, o.fw, o.nfw, &res, &err);
		if (!e)
			e = strcmp(o.format, "json") == 0
				    ? dur_screen_result_to_json(res, c, 2, &text, &err)
				    : dur_screen_result_to_text(res, c, &text, &err);
		if (e) {
			cli_error("screen", "%s", err.msg);
			goto out;
		}
		fputs(text, out.f);
		if (strcmp(o.format, "json") == 0)
			fputc('\n', out.f);
	} else {
		size_t n = dur_screen_batch_count(batch);
		int json = strcmp(o.format, "json") == 0;
		if (o.summary && !(sum = dur_screen_summary_alloc())) {
			cli_error("screen", "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			const dur_screen_case *bc = dur_screen_batch_case(batch, i);
			dur_err e = dur_screen_evaluate(set, bc, o.fw, o.nfw, &res, &err);
			if (!e && sum)
				e = dur_screen_summary_add(sum, bc, res, &err);
			if (e) {
				cli_error("screen", "'%s': case %zu: %s", name, i + 1, err.msg);
				goto out;
			}
			if (!sum && json) {
				if (dur_screen_result_to_json(res, bc, 0, &text, &err)) {
					cli_error("screen", "%s", err.msg);
					goto out;
				}
				fputs(text, out.f);
				fputc('\n', out.f);
				free(text);
				text = NULL;
			} else if (!sum) {
				if (i == 0) {
					fprintf(out.f, "%-12s", "case_id");
					for (size_t k = 0; k < dur_screen_result_count(res); k++)
						fprintf(out.f, " %-16s",
							dur_screen_result_outcome(res, k)->framework);
					fputs(" sector\n", out.f);
				}
				put_clean(out.f, dur_screen_case_id(bc), 12);
				for (size_t k = 0; k < dur_screen_result_count(res); k++)
					fprintf(out.f, " %-16s",
						short_verdict(dur_screen_result_outcome(res, k)->verdict));
				fputc(' ', out.f);
				put_clean(out.f, *dur_screen_case_sector(bc) ? dur_screen_case_sector(bc)
					  : "(not recorded)", 0);
				fputc('\n', out.f);
			}
			dur_screen_result_free(res);
			res = NULL;
		}
		if (!sum && !json)
			fputs("\nA screening guides next steps; it is not a legal finding. "
			      "Details per case: --format json, or screen one case.\n", out.f);
		if (sum) {
			dur_err e = json ? dur_screen_summary_to_json(sum, o.resolution, 2, &text, &err)
					 : dur_screen_summary_to_text(sum, o.resolution, &text, &err);
			if (e) {
				cli_error("screen", "%s", err.msg);
				goto out;
			}
			fputs(text, out.f);
			if (json)
				fputc('\n', out.f);
		}
	}
	if (cli_out_commit(&out, &err)) {
		opened = 0;
		cli_error("screen", "%s", err.msg);
		goto out;
	}
	opened = 0;
	rc = EXIT_OK;
out:
	if (opened)
		cli_out_abort(&out);
	free(text);
	free(buf);
	dur_screen_summary_free(sum);
	dur_screen_result_free(res);
	dur_screen_batch_free(batch);
	dur_screen_case_free(c);
	dur_framework_set_free(set);
	free(o.fw);
	free(o.option);
	return rc;
}
