#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs(cmd && *cmd ? "duress " : "duress", stderr);
	if (cmd && *cmd)
		fputs(cmd, stderr);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "duress%s%s: warning: ", cmd && *cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "duress%s%s: ", cmd && *cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'duress %s%s--help')\n", cmd ? cmd : "", cmd && *cmd ? " " : "");
	return EXIT_USAGE;
}

void cli_print_usage(const char *cmd, FILE *f)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, cmd) == 0) {
			fputs(cli_commands[i].usage, f);
			return;
		}
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

dur_err cli_read_file(const char *path, size_t cap, char **buf, size_t *len,
		      struct dur_error *err)
{
	FILE *f;
	char *b = NULL;
	size_t n = 0, c = 0;
	int is_stdin = strcmp(path, "-") == 0;

	*buf = NULL;
	*len = 0;
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return dur_error_set(err, DUR_EIO, "cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		size_t r;
		if (n + 65536 + 1 > c) {
			size_t nc = c ? 2 * c : 65536 + 1;
			char *nb;
			if (nc > cap + 65536 + 1)
				nc = cap + 65536 + 1;
			nb = realloc(b, nc);
			if (!nb) {
				free(b);
				if (!is_stdin)
					fclose(f);
				return dur_error_set(err, DUR_ENOMEM, "'%s': out of memory", path);
			}
			b = nb;
			c = nc;
		}
		r = fread(b + n, 1, c - n - 1, f);
		n += r;
		if (n > cap) {
			free(b);
			if (!is_stdin)
				fclose(f);
			return dur_error_set(err, DUR_ELIMIT, "'%s' is too large (over %zu bytes)",
					     path, cap);
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(b);
		if (!is_stdin)
			fclose(f);
		return dur_error_set(err, DUR_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	if (!is_stdin)
		fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return DUR_OK;
}

dur_err cli_out_open(struct cli_out *o, const char *path, struct dur_error *err)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		o->is_stdout = 1;
		return DUR_OK;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 16);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	sprintf(o->tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path, strerror(e));
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path, strerror(e));
	}
	return DUR_OK;
}

dur_err cli_out_commit(struct cli_out *o, struct dur_error *err)
{
	dur_err rc = DUR_OK;

	if (!o->f)
		return DUR_OK;
	if (o->is_stdout) {
		if (fflush(stdout) != 0)
			rc = dur_error_set(err, DUR_EIO, "cannot write to standard output: %s",
					   strerror(errno));
		o->f = NULL;
		return rc;
	}
	if (ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0) {
		rc = dur_error_set(err, DUR_EIO, "cannot write '%s': %s", o->path, strerror(errno));
		cli_out_abort(o);
		return rc;
	}
	if (fclose(o->f) != 0) {
		o->f = NULL;
		rc = dur_error_set(err, DUR_EIO, "cannot write '%s': %s", o->path, strerror(errno));
		cli_out_abort(o);
		return rc;
	}
	o->f = NULL;
	if (rename(o->tmp, o->path) != 0) {
		rc = dur_error_set(err, DUR_EIO, "cannot write '%s': %s", o->path, strerror(errno));
		cli_out_abort(o);
		return rc;
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return DUR_OK;
}

void cli_out_abort(struct cli_out *o)
{
	if (o->is_stdout) {
		o->f = NULL;
		return;
	}
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int cli_parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	unsigned long x;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

int cli_parse_double(const char *s, double *v)
{
	char *end;
	double x;

	if (!s || !*s)
		return -1;
	errno = 0;
	x = strtod(s, &end);
	if (errno || *end || !isfinite(x))
		return -1;
	*v = x;
	return 0;
}

void cli_sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}
