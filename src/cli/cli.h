/*
 * cli.h - helpers private to the `duress` program: the command table,
 * messages, whole-file input and atomic output.
 */
#ifndef DURESS_CLI_H
#define DURESS_CLI_H

#include <stdio.h>
#include <stddef.h>
#include <duress/error.h>

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;     /* one line for `duress --help` */
	const char *usage;    /* full text for `duress help CMD` */
	int own_help;         /* the command handles -h/--help itself */
};

extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;

/* Print "duress CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_warn(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "duress CMD: ... \n(try 'duress CMD --help')" and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the usage text of a command to `f`. */
void cli_print_usage(const char *cmd, FILE *f);
/* True when argv[1..] holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/*
 * Read a whole file ("-" is stdin) into a NUL-terminated buffer, at most
 * `cap` bytes.  On failure fills err with "cannot open 'x': reason".
 */
dur_err cli_read_file(const char *path, size_t cap, char **buf, size_t *len,
		      struct dur_error *err);

/*
 * Atomic output: writes go to a temporary file beside `path`, renamed over
 * `path` by cli_out_commit().  "-" (or NULL) is stdout.  cli_out_abort()
 * removes the temporary file so that no partial output is ever left.
 */
struct cli_out {
	FILE *f;
	char *path;
	char *tmp;
	int is_stdout;
};
dur_err cli_out_open(struct cli_out *o, const char *path, struct dur_error *err);
dur_err cli_out_commit(struct cli_out *o, struct dur_error *err);
void cli_out_abort(struct cli_out *o);

/* Parse a whole non-negative integer / a double; 0 on success. */
int cli_parse_ulong(const char *s, unsigned long max, unsigned long *v);
int cli_parse_double(const char *s, double *v);

/* SHA-256 of a buffer as 64 hex characters plus NUL. */
void cli_sha256_hex(const void *buf, size_t len, char hex[65]);

#endif
