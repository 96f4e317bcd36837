#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <duress/version.h>

const char usage_version[] =
	"usage: duress version\n"
	"\n"
	"Print the version of duress, the git revision it was built from and the\n"
	"compiler and build type, as recorded in every manifest.\n";

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage_error("version", "takes no arguments");
	printf("duress %s (%s, %s)\n", dur_version(), dur_version_git(), dur_version_build());
	return EXIT_OK;
}
