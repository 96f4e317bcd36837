/* duress version */
#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <duress/version.h>

const struct cli_spec spec_version = {
	"version", "", "show the version and build of duress",
	"Print the version of duress, the git revision it was built from and the\n"
	"compiler and build type, as recorded in every manifest.",
	NULL, 0, 0, NULL
};

int cmd_version(int argc, char **argv)
{
	const char *args[1];
	int n, rc;
	char dummy;
	if ((rc = cli_parse(&spec_version, argc, argv, &dummy, args, &n, NULL)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	printf("duress %s (%s, %s)\n", dur_version(), dur_version_git(), dur_version_build());
	return EXIT_OK;
}
