/* Helpers shared by `duress screen` and `duress frameworks`. */
#ifndef DURESS_CLI_SCREEN_COMMON_H
#define DURESS_CLI_SCREEN_COMMON_H

#include <duress/screen.h>

/*
 * Load the framework files from `dir` when given (--frameworks-dir), else
 * from $DURESS_FRAMEWORKS, else from the source tree's frameworks/.
 */
dur_err cli_load_frameworks(const char *dir, dur_framework_set **out, struct dur_error *err);

/* Match "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. 1 if matched. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value,
		  int *missing);

#endif
