/*
 * duress - the command-line program.  main() only dispatches: each
 * subcommand lives in its own cmd_<name>.c and is listed in commands.c.
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <sodium.h>
#include <duress/version.h>

static void print_overview(FILE *f)
{
	fputs("usage: duress [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "duress: careful counting for anti-trafficking work - screening against\n"
	      "published frameworks, private record linkage and multiple systems estimation.\n"
	      "\n"
	      "commands:\n", f);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(f, "  %-12s %s\n", cli_commands[i].name, cli_commands[i].help);
	fputs("  help         show the help of a command: duress help COMMAND\n"
	      "\n"
	      "'duress COMMAND --help' shows the options of a command.\n"
	      "exit status: 0 done, 1 failed, 2 the command line was wrong.\n", f);
}

static const struct cli_command *find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

static int finish(int rc)
{
	/* A full disk or a closed pipe must not look like success (git, samtools). */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "duress: cannot write to standard output: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;

	gsl_set_error_handler_off();
	if (sodium_init() < 0) {
		fputs("duress: cannot initialise libsodium\n", stderr);
		return EXIT_FAIL;
	}
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("duress %s (%s, %s)\n", dur_version(), dur_version_git(), dur_version_build());
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			print_overview(stdout);
			return finish(EXIT_OK);
		}
		c = find(argv[2]);
		if (!c)
			return cli_usage_error("", "'%s' is not a duress command", argv[2]);
		fputs(c->usage, stdout);
		return finish(EXIT_OK);
	}
	c = find(argv[1]);
	if (!c)
		return cli_usage_error("", "'%s' is not a duress command", argv[1]);
	if (!c->own_help && cli_wants_help(argc - 1, argv + 1)) {
		fputs(c->usage, stdout);
		return finish(EXIT_OK);
	}
	return finish(c->fn(argc - 1, argv + 1));
}
