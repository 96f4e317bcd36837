/*
 * The command table (as bcftools' main.c): one line per subcommand, in the
 * order `duress --help` lists them.  Commands with sub-subcommands (link,
 * frameworks) handle --help themselves (own_help).
 */
#include "cli.h"
#include "commands.h"

const struct cli_command cli_commands[] = {
	{ "screen", cmd_screen, "screen a situation against trafficking frameworks (coercion, never the kind of work)", usage_screen, 0 },
	{ "frameworks", cmd_frameworks, "list the frameworks, show one, or print the questions", usage_frameworks, 1 },
	{ "link", cmd_link, "find the same person on several lists without sharing names",
	  usage_link, 1 },
	{ "estimate", cmd_estimate, "estimate how many people no list saw (multiple systems estimation)", usage_estimate, 0 },
	{ "simulate", cmd_simulate, "make capture histories from a known population, for testing", usage_simulate, 0 },
	{ "reproduce", cmd_reproduce, "re-run a manifest and check that every figure is identical", usage_reproduce, 0 },
	{ "version", cmd_version, "show the version and build of duress", usage_version, 0 },
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);
