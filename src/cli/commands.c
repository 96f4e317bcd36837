/*
 * The command table (as bcftools' main.c): one line per subcommand, in the
 * order data flows; groups have tables of their own.
 */
#include "cli.h"
#include "commands.h"

#define CMD(n, s) { #n, cmd_##n, &spec_##n, NULL, NULL }
#define SUB(n, fn) { #n, cmd_##fn, &spec_##fn, NULL, NULL }
#define END { NULL, NULL, NULL, NULL, NULL }

static const struct cli_command frameworks_cmds[] = {
	SUB(list, frameworks_list), SUB(show, frameworks_show),
	SUB(questions, frameworks_questions), END
};

static const struct cli_command link_cmds[] = {
	SUB(encode, link_encode), SUB(match, link_match), SUB(plain, link_plain),
	SUB(dedup, link_dedup), END
};

const struct cli_command cli_commands[] = {
	CMD(screen, screen),
	{ "frameworks", NULL, NULL, frameworks_cmds,
	  "list the frameworks, show one, or print the questions" },
	{ "link", NULL, NULL, link_cmds,
	  "find the same person on several lists without sharing names" },
	CMD(estimate, estimate),
	CMD(simulate, simulate),
	CMD(reproduce, reproduce),
	CMD(report, report),
	CMD(serve, serve),
	CMD(version, version),
	END
};
