/*
 * opt.h - the one option parser of the program.  Every command describes
 * its options in a table (struct cli_opt); the same table parses the
 * command line, prints `--help` and writes the command's part of the man
 * page, so the three cannot disagree.
 *
 * Accepted forms: --name VALUE, --name=VALUE, -x VALUE, -xVALUE, flags
 * --name and -x, "--" ending the options; "-" alone is an argument (stdin).
 */
#ifndef DURESS_CLI_OPT_H
#define DURESS_CLI_OPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_opt_type {
	OPT_FLAG,     /* int, set to 1 */
	OPT_STRING,   /* const char * */
	OPT_STRINGS,  /* struct cli_strings: repeatable */
	OPT_DOUBLE,   /* double, within [min, max] (or (min, max) when open) */
	OPT_ULONG,    /* unsigned long, within [min, max] */
	OPT_U64,      /* uint64_t, any value */
	OPT_CHOICE    /* const char *, one of choices ("a|b|c") */
};

#define CLI_STRINGS_MAX 64
struct cli_strings {
	const char *v[CLI_STRINGS_MAX];
	size_t n;
};

struct cli_opt {
	const char *name;      /* the long name, without "--" */
	char letter;           /* a one-letter form, or 0 */
	enum cli_opt_type type;
	const char *arg;       /* what the value is, in help ("FILE"); NULL for flags */
	const char *help;      /* lines separated by '\n' */
	size_t off;            /* offsetof the field in the command's option struct */
	double min, max;
	int open;              /* the range excludes min and max */
	const char *choices;
};

struct cli_spec {
	const char *name;      /* "estimate", "link match" */
	const char *usage;     /* what follows "duress NAME" (lines split by '\n') */
	const char *about;     /* one line, for lists of commands */
	const char *text;      /* what it does (paragraphs) */
	const struct cli_opt *opts;   /* ends with an entry whose name is NULL */
	int min_args, max_args;       /* positional arguments (max -1: any) */
	const char *after;     /* text after the options (examples, notes) */
};

/*
 * Parse argv[1..argc-1] (argv[0] is the command's name) into `dst` and the
 * positional arguments into args (room for argc entries; *nargs their
 * number).  *given gets bit i set when option i was given (may be NULL).
 * Returns 0 (go on), 1 (help was asked for and printed: exit 0) or 2 (a
 * usage error was printed: exit 2).
 */
int cli_parse(const struct cli_spec *s, int argc, char **argv, void *dst,
	      const char **args, int *nargs, uint64_t *given);
/* Bit of option `name` in *given, for cli_given(). */
int cli_given(const struct cli_spec *s, uint64_t given, const char *name);
/* The command's help, as `duress NAME --help` prints it. */
void cli_help(const struct cli_spec *s, FILE *f);
/* The command's part of the man page (troff). */
void cli_man(const struct cli_spec *s, FILE *f);

#endif
