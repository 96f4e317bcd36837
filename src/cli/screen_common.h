/* Helpers shared by `duress screen` and `duress frameworks`. */
#ifndef DURESS_CLI_SCREEN_COMMON_H
#define DURESS_CLI_SCREEN_COMMON_H

#include <stdio.h>
#include <duress/screen.h>

/* The frameworks from `dir` when given, else from the default folder
 * (dur_framework_default_dir). */
dur_err cli_load_frameworks(const char *dir, dur_framework_set **out, struct dur_error *err);

/*
 * Screen one case (single) or every case of a batch and print each result:
 * one case in full (text or JSON), a batch as a table or JSON Lines.  The
 * options in sp are applied to the set first.
 */
dur_err screen_print_cases(dur_framework_set *set, const char *buf, size_t len,
			   const char *name, const struct dur_screen_summary_params *sp,
			   int single, int json, FILE *f, struct dur_error *err);

#endif
