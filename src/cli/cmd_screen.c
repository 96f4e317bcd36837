/*
 * duress screen: one case, or a batch (each case, or the summary that a
 * manifest can record).
 */
#include "cli.h"
#include "commands.h"
#include "screen_common.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <duress/provenance.h>
#include <duress/screen.h>

#define MAX_CASE_FILE (4u << 20)
#define MAX_BATCH_FILE (1024u << 20)

struct opts {
	struct cli_strings framework, option;
	const char *format, *batch, *input_format, *dir, *output, *manifest, *sep;
	int summary, force;
	unsigned long resolution;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "framework", 0, OPT_STRINGS, "ID", "screen against this framework only (repeatable)",
	  O(framework), 0, 0, 0, NULL },
	{ "format", 0, OPT_CHOICE, "table|json", "for people (default) or JSON; batches give one\n"
	  "JSON object per line (JSON Lines)", O(format), 0, 0, 0, "table|json" },
	{ "batch", 0, OPT_STRING, "FILE", "screen many cases: CSV with the header\n"
	  "case_id,age,sector,<question ids> (an empty cell is\n"
	  "unknown), or JSON Lines, one case object per line", O(batch), 0, 0, 0, NULL },
	{ "input-format", 0, OPT_CHOICE, "csv|jsonl", "how to read --batch (default: .jsonl and\n"
	  ".ndjson files are JSON Lines, anything else CSV)", O(input_format), 0, 0, 0, "csv|jsonl" },
	CLI_OPT_SEP(sep),
	{ "summary", 0, OPT_FLAG, NULL, "with --batch: counts of each verdict per framework,\n"
	  "overall and per sector, side by side", O(summary), 0, 0, 0, NULL },
	{ "resolution", 0, OPT_ULONG, "K", "with --summary: round every count down to a multiple\n"
	  "of K so that small groups cannot be singled out\n"
	  "(default 10; 1 gives exact counts)", O(resolution), 1, 1000000000, 0, NULL },
	{ "option", 0, OPT_STRINGS, "FW.NAME=yes|no", "set a framework option ('duress frameworks\n"
	  "show FW')", O(option), 0, 0, 0, NULL },
	{ "frameworks-dir", 0, OPT_STRING, "DIR", "framework files (default $DURESS_FRAMEWORKS, else\n"
	  "those installed with duress)", O(dir), 0, 0, 0, NULL },
	{ "output", 'o', OPT_STRING, "FILE", "write to FILE (all or nothing) instead of stdout",
	  O(output), 0, 0, 0, NULL },
	{ "manifest", 0, OPT_STRING, "FILE", "with --summary: also write a provenance manifest",
	  O(manifest), 0, 0, 0, NULL },
	{ "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", O(force),
	  0, 0, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_screen = {
	"screen", "[options] CASE.json\n--batch FILE [--summary] [options]",
	"screen a situation against trafficking frameworks (coercion, never the kind of work)",
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
	"error naming it.",
	options, 0, 1,
	"exit status: 0 done, 1 failed (bad input), 2 the command line was wrong."
};

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The manifest of a summary: the batch, the bank and every framework screened. */
static dur_err summary_manifest(const dur_framework_set *set, const struct opts *o,
				const struct dur_screen_summary_params *sp, const char *buf,
				size_t len, const dur_screen_summary *sum, char **text,
				struct dur_error *err)
{
	struct dur_framework_source src;
	struct dur_manifest *m;
	char when[32];
	dur_err rc;

	cli_now(when);
	if (!(m = dur_manifest_new("screen-summary", when)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	char mname[4096];
	cli_manifest_name(o->manifest, o->batch, mname, sizeof(mname));
	rc = dur_manifest_add_input(m, "batch", mname, NULL, buf, len, err);
	if (!rc && !(rc = dur_framework_set_bank_source(set, &src, err)))
		rc = dur_manifest_add_input_hash(m, "question-bank", src.file, src.id, src.size,
						 src.sha256, err);
	for (size_t i = 0; !rc && i < dur_framework_set_count(set); i++) {
		int chosen = sp->nframeworks == 0;
		if ((rc = dur_framework_set_source(set, i, &src, err)))
			break;
		for (size_t k = 0; k < sp->nframeworks; k++)
			chosen |= strcmp(sp->frameworks[k], src.id) == 0;
		if (chosen)
			rc = dur_manifest_add_input_hash(m, "framework", src.file, src.id, src.size,
							 src.sha256, err);
	}
	if (!rc) {
		dur_manifest_set_parameters(m, dur_screen_summary_params_to_json(sp));
		json_t *doc = dur_screen_summary_json(sum, sp->resolution, err);
		if (!doc)
			rc = DUR_ENOMEM;
		dur_manifest_set_result(m, doc);
		if (!rc)
			rc = dur_manifest_dump(m, text, err);
	}
	dur_manifest_free(m);
	return rc;
}

int cmd_screen(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_screen_summary_params sp;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	dur_framework_set *set = NULL;
	const char *input = NULL, *name;
	char *buf = NULL, *text = NULL;
	dur_screen_summary *sum = NULL;
	size_t len;
	FILE *f;
	int nargs, rc, json;

	o.resolution = 10;
	if ((rc = cli_parse(&spec_screen, argc, argv, &o, &input, &nargs, NULL)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	if (!nargs)
		input = NULL;
	if (o.batch && input)
		return cli_usage_error("screen", "give either CASE.json or --batch FILE, not both");
	if (!o.batch && !input)
		return cli_usage_error("screen", "no case given (CASE.json, or --batch FILE)");
	if (o.summary && !o.batch)
		return cli_usage_error("screen", "--summary needs --batch");
	if (o.manifest && !o.summary)
		return cli_usage_error("screen", "--manifest records a summary: it needs --summary");
	if (o.input_format && !o.batch)
		return cli_usage_error("screen", "--input-format needs --batch");
	json = o.format && strcmp(o.format, "json") == 0;
	outs.force = o.force;
	rc = EXIT_FAIL;
	if (cli_load_frameworks(o.dir, &set, &err))
		goto fail;
	for (size_t i = 0; i < o.framework.n; i++)
		if (dur_framework_set_find(set, o.framework.v[i]) < 0) {
			rc = cli_usage_error("screen", "unknown framework '%.64s' (see 'duress "
					     "frameworks list')", o.framework.v[i]);
			goto out;
		}
	for (size_t i = 0; i < o.option.n; i++)
		if (dur_framework_set_option_spec(set, o.option.v[i], &err)) {
			rc = cli_usage_error("screen", "--option: %s", err.msg);
			goto out;
		}
	name = o.batch ? o.batch : input;
	if (cli_read_text(name, o.batch ? MAX_BATCH_FILE : MAX_CASE_FILE, o.batch ? CLI_MAX_LINE : 0,
			  &buf, &len, &err) ||
	    cli_outs_open(&outs, o.output, &f, &err))
		goto fail;
	dur_screen_summary_default_params(&sp);
	memcpy(sp.frameworks, o.framework.v, o.framework.n * sizeof(*sp.frameworks));
	sp.nframeworks = o.framework.n;
	memcpy(sp.options, o.option.v, o.option.n * sizeof(*sp.options));
	sp.noptions = o.option.n;
	sp.input_format = o.input_format ? o.input_format
			  : ends_with(name, ".jsonl") || ends_with(name, ".ndjson") ? "jsonl" : "csv";
	sp.resolution = o.resolution;
	if (cli_parse_sep("screen", o.sep, &sp.sep)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.summary) {
		if (dur_screen_summary_run(set, buf, len, name, &sp, &sum, &err) ||
		    (json ? dur_screen_summary_to_json(sum, sp.resolution, 2, &text, &err)
			  : dur_screen_summary_to_text(sum, sp.resolution, &text, &err)))
			goto fail;
		fputs(text, f);
		if (json)
			fputc('\n', f);
		free(text);
		text = NULL;
		if (o.manifest && (summary_manifest(set, &o, &sp, buf, len, sum, &text, &err) ||
				   cli_outs_open(&outs, o.manifest, &f, &err)))
			goto fail;
		if (text)
			fputs(text, f);
	} else if (screen_print_cases(set, buf, len, name, &sp, !o.batch, json, f, &err)) {
		goto fail;
	}
	if (cli_outs_commit(&outs, &err))
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("screen", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	dur_screen_summary_free(sum);
	free(text);
	free(buf);
	dur_framework_set_free(set);
	return rc;
}
