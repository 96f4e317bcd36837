/* duress frameworks list | show ID | questions */
#include "cli.h"
#include "commands.h"
#include "screen_common.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>

struct opts {
	const char *format, *dir, *output;
	int force;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "format", 0, OPT_CHOICE, "text|json", "for people (default) or JSON", O(format), 0, 0, 0,
	  "text|json" },
	{ "frameworks-dir", 0, OPT_STRING, "DIR", "framework files (default $DURESS_FRAMEWORKS, else\n"
	  "those installed with duress)", O(dir), 0, 0, 0, NULL },
	{ "output", 'o', OPT_STRING, "FILE", "write to FILE (all or nothing) instead of stdout",
	  O(output), 0, 0, 0, NULL },
	{ "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", O(force),
	  0, 0, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_frameworks_list = {
	"frameworks list", "[options]",
	"every framework with its version, sources and verification status",
	"Every framework 'duress screen' applies, with its version, sources and how\n"
	"far each part is verified (V primary source checked, S secondary sources\n"
	"only, U unverified).", options, 0, 0, NULL
};
const struct cli_spec spec_frameworks_show = {
	"frameworks show", "ID [options]", "one framework in full",
	"One framework in full: the decision rule in words, its elements, options\n"
	"and every indicator with the questions that feed it.", options, 1, 1, NULL
};
const struct cli_spec spec_frameworks_questions = {
	"frameworks questions", "[options]", "the question bank as a printable form",
	"The question bank as a printable form (yes / no / don't know), each\n"
	"question with its id and the frameworks that use it.", options, 0, 0, NULL
};

static int run(const struct cli_spec *spec, int which, int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	dur_framework_set *set = NULL;
	const char *id = NULL;
	char *text = NULL;
	FILE *f;
	int n, rc, json;
	dur_err e;

	if ((rc = cli_parse(spec, argc, argv, &o, &id, &n, NULL)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	json = o.format && strcmp(o.format, "json") == 0;
	outs.force = o.force;
	if (cli_load_frameworks(o.dir, &set, &err)) {
		cli_error("frameworks", "%s", err.msg);
		return EXIT_FAIL;
	}
	rc = EXIT_FAIL;
	if (which == 1 && dur_framework_set_find(set, id) < 0) {
		rc = cli_usage_error("frameworks", "unknown framework '%.64s' (see 'duress "
				     "frameworks list')", id);
		goto out;
	}
	if (which == 0)
		e = json ? dur_framework_set_list_json(set, &text, &err)
			 : dur_framework_set_list_text(set, &text, &err);
	else if (which == 1)
		e = json ? dur_framework_set_show_json(set, id, &text, &err)
			 : dur_framework_set_show_text(set, id, &text, &err);
	else
		e = json ? dur_framework_set_questions_json(set, &text, &err)
			 : dur_framework_set_questions_text(set, &text, &err);
	if (e || cli_outs_open(&outs, o.output, &f, &err))
		goto fail;
	fputs(text, f);
	if (json)
		fputc('\n', f);
	if (cli_outs_commit(&outs, &err))
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("frameworks", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	free(text);
	dur_framework_set_free(set);
	return rc;
}

int cmd_frameworks_list(int argc, char **argv)
{
	return run(&spec_frameworks_list, 0, argc, argv);
}

int cmd_frameworks_show(int argc, char **argv)
{
	return run(&spec_frameworks_show, 1, argc, argv);
}

int cmd_frameworks_questions(int argc, char **argv)
{
	return run(&spec_frameworks_questions, 2, argc, argv);
}
