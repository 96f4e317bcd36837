/*
 * cli.h - what the `duress` program owns: the command table, messages,
 * reading files, writing outputs safely, and progress on the terminal.
 * Everything else is the library's.
 */
#ifndef DURESS_CLI_H
#define DURESS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <duress/error.h>
#include "opt.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/*
 * One entry of the command table: a command with its spec, or a group of
 * subcommands (link, frameworks) with a table of its own.  fn gets argv[0]
 * = its own name.
 */
struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const struct cli_spec *spec;
	const struct cli_command *subs;   /* a group: NULL-name terminated */
	const char *about;                /* for a group */
};

extern const struct cli_command cli_commands[];

/* "duress CMD: message" on stderr (cmd may be "" for plain "duress:"). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "duress CMD: ...\n(try 'duress CMD --help')"; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --sep VALUE: ',', ';', '|', or 'tab' (or a tab); 0 on success, else a
 * usage error printed and EXIT_USAGE. */
int cli_parse_sep(const char *cmd, const char *v, char *sep);
#define CLI_OPT_SEP(field) { "sep", 0, OPT_STRING, "C", "the separator between values in CSV " \
	"input: ',' (default),\n';', '|' or 'tab' (as European spreadsheets save CSV)", \
	offsetof(struct opts, field), 0, 0, 0, NULL }

/* Whole non-negative integer within max / finite double; 0 on success. */
int cli_parse_ulong(const char *s, unsigned long max, unsigned long *v);
int cli_parse_double(const char *s, double *v);

/*
 * Read a whole file ("-" is standard input) into a NUL-terminated buffer of
 * at most `cap` bytes.  Errors: "cannot open 'x': reason", "'x' is too
 * large (over N bytes)".  A folder is refused.
 */
dur_err cli_read_file(const char *path, size_t cap, char **buf, size_t *len,
		      struct dur_error *err);
/*
 * The same for line-based text (CSV, JSON Lines): a line longer than
 * `max_line` bytes stops the reading at once with an error naming the line
 * and the limit, so that a stream of gigabytes without a newline costs
 * nothing.  CLI_MAX_LINE suits every input duress reads.
 */
#define CLI_MAX_LINE ((size_t)16 << 20)
dur_err cli_read_text(const char *path, size_t cap, size_t max_line, char **buf, size_t *len,
		      struct dur_error *err);

/*
 * Outputs, all committed together or not at all.  A regular file is
 * written to a temporary file beside it and renamed over it at commit; an
 * existing device or FIFO (/dev/null, a pipe) is written directly and never
 * replaced; a symbolic link is refused unless `force` (then its target is
 * replaced); "-" is standard output, held until commit.  Two outputs naming
 * the same file are refused.  On SIGINT, SIGTERM or SIGHUP every temporary
 * file is removed and the program exits with 128 + the signal.
 */
#define CLI_OUTS_MAX 20
struct cli_out {
	FILE *f;
	char *path;       /* as given */
	char *final;      /* where the data goes (a link's target with force) */
	char *tmp;        /* temporary file, or NULL */
	char *mem;        /* standard output: the held bytes */
	size_t memlen;
	int direct, is_stdout, slot;
};
struct cli_outs {
	struct cli_out o[CLI_OUTS_MAX];
	size_t n;
	int force;
};
/* Open one more output; *f is where to write. */
dur_err cli_outs_open(struct cli_outs *s, const char *path, FILE **f, struct dur_error *err);
dur_err cli_outs_commit(struct cli_outs *s, struct dur_error *err);
void cli_outs_abort(struct cli_outs *s);
/*
 * Read a secret (a linkage secret, a password) from file `path` or "-" for
 * standard input, straight into locked memory (sodium_malloc; free it with
 * sodium_free, which wipes it), with read(2) so that no copy stays in a
 * stdio buffer.  One trailing newline is not part of it.  At most `max`
 * bytes.  Warns when the file can be read by other users.
 */
dur_err cli_read_secret(const char *path, size_t max, unsigned char **sec, size_t *len,
			struct dur_error *err);
/* Install the signal handlers that remove temporary files (main() does). */
void cli_signals_init(void);

/*
 * Progress on stderr: a bar redrawn in place on a terminal; otherwise at
 * most one line a second, and nothing for work that ends within a second.
 */
struct cli_progress {
	const char *cmd;
	int tty;
	double start, last;
	int drawn;
};
void cli_progress_init(struct cli_progress *p, const char *cmd);
void cli_progress_show(struct cli_progress *p, double fraction, const char *what);
void cli_progress_done(struct cli_progress *p);

/*
 * How a manifest at `manifest` should name input `input`: relative to the
 * manifest's folder when the input is inside it (so the folder can be
 * moved or shared whole and `duress reproduce` finds it), else its full
 * path.  Into buf; falls back to `input` as given.
 */
void cli_manifest_name(const char *manifest, const char *input, char *buf, size_t size);
/* The current time as ISO 8601 UTC (for manifests). */
void cli_now(char buf[32]);
/* A fresh random seed, for runs given none (always recorded). */
uint64_t cli_random_seed(void);
/* The number of cores, 1..64. */
int cli_cores(void);

#endif
