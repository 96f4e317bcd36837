#include "cli.h"
#include "commands.h"
#include "screen_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>

const char usage_frameworks[] =
	"usage: duress frameworks list [options]\n"
	"       duress frameworks show ID [options]\n"
	"       duress frameworks questions [options]\n"
	"\n"
	"What 'duress screen' applies, and where it comes from.\n"
	"  list        every framework with its version, sources and how far each part\n"
	"              is verified (V primary source checked, S secondary sources only,\n"
	"              U unverified)\n"
	"  show ID     one framework in full: the decision rule in words, its elements,\n"
	"              options and every indicator with the questions that feed it\n"
	"  questions   the question bank as a printable form (yes / no / don't know),\n"
	"              each question with its id and the frameworks that use it\n"
	"\n"
	"options:\n"
	"  --format text|json     for people (default) or JSON\n"
	"  --frameworks-dir DIR   framework files (default $DURESS_FRAMEWORKS, else the\n"
	"                         frameworks/ folder of the source tree)\n"
	"  -o, --output FILE      write to FILE (all or nothing) instead of stdout\n";

int cmd_frameworks(int argc, char **argv)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_out out = { 0 };
	dur_framework_set *set = NULL;
	const char *sub = NULL, *id = NULL, *dir = NULL, *format = "text", *output = NULL;
	char *text = NULL;
	int rc = EXIT_FAIL, opened = 0;
	dur_err e;

	if (cli_wants_help(argc, argv)) {
		fputs(usage_frameworks, stdout);
		return EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		int missing = 0;
		if (cli_opt_value(argc, argv, &i, "--format", &v, &missing)) {
			if (missing || (strcmp(v, "text") != 0 && strcmp(v, "json") != 0))
				return cli_usage_error("frameworks", "--format is text or json");
			format = v;
		} else if (cli_opt_value(argc, argv, &i, "--frameworks-dir", &v, &missing)) {
			if (missing)
				return cli_usage_error("frameworks", "--frameworks-dir needs a folder");
			dir = v;
		} else if (cli_opt_value(argc, argv, &i, "--output", &v, &missing) ||
			   cli_opt_value(argc, argv, &i, "-o", &v, &missing)) {
			if (missing)
				return cli_usage_error("frameworks", "--output needs a file");
			output = v;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_usage_error("frameworks", "unknown option '%s'", argv[i]);
		} else if (!sub) {
			sub = argv[i];
		} else if (!id && strcmp(sub, "show") == 0) {
			id = argv[i];
		} else {
			return cli_usage_error("frameworks", "unexpected argument '%s'", argv[i]);
		}
	}
	if (!sub)
		return cli_usage_error("frameworks", "say what to do: list, show ID or questions");
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "questions") != 0)
		return cli_usage_error("frameworks", "'%s' is not list, show or questions", sub);
	if (strcmp(sub, "show") == 0 && !id)
		return cli_usage_error("frameworks", "show needs a framework id (see 'duress "
				       "frameworks list')");

	if (cli_load_frameworks(dir, &set, &err) != DUR_OK) {
		cli_error("frameworks", "%s", err.msg);
		goto out;
	}
	if (id && dur_framework_set_find(set, id) < 0) {
		rc = cli_usage_error("frameworks", "unknown framework '%s' (see 'duress frameworks "
				     "list')", id);
		goto out;
	}
	if (strcmp(sub, "list") == 0)
		e = strcmp(format, "json") == 0 ? dur_framework_set_list_json(set, &text, &err)
						: dur_framework_set_list_text(set, &text, &err);
	else if (strcmp(sub, "show") == 0)
		e = strcmp(format, "json") == 0 ? dur_framework_set_show_json(set, id, &text, &err)
						: dur_framework_set_show_text(set, id, &text, &err);
	else
		e = strcmp(format, "json") == 0 ? dur_framework_set_questions_json(set, &text, &err)
						: dur_framework_set_questions_text(set, &text, &err);
	if (e) {
		cli_error("frameworks", "%s", err.msg);
		goto out;
	}
	if (cli_out_open(&out, output, &err)) {
		cli_error("frameworks", "%s", err.msg);
		goto out;
	}
	opened = 1;
	fputs(text, out.f);
	if (strcmp(format, "json") == 0)
		fputc('\n', out.f);
	opened = 0;
	if (cli_out_commit(&out, &err)) {
		cli_error("frameworks", "%s", err.msg);
		goto out;
	}
	rc = EXIT_OK;
out:
	if (opened)
		cli_out_abort(&out);
	free(text);
	dur_framework_set_free(set);
	return rc;
}
