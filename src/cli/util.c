/* Messages, reading, safe outputs and progress for the program; see cli.h. */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <duress/provenance.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "duress%s%s: ", cmd && *cmd ? " " : "", cmd ? cmd : "");
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

int cli_parse_sep(const char *cmd, const char *v, char *sep)
{
	if (!v) {
		*sep = ',';
		return 0;
	}
	if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0 || strcmp(v, "\t") == 0)
		*sep = '\t';
	else if (strlen(v) == 1 && strchr(",;|", v[0]))
		*sep = v[0];
	else
		return cli_usage_error(cmd, "--sep takes ',', ';', '|' or 'tab', not '%.20s'", v);
	return 0;
}

int cli_parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	unsigned long x;

	if (!s || !*s || *s < '0' || *s > '9')
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

dur_err cli_read_text(const char *path, size_t cap, size_t max_line, char **buf, size_t *len,
		      struct dur_error *err)
{
	FILE *f;
	char *b = NULL;
	size_t n = 0, c = 0, line = 1, since_nl = 0;
	int is_stdin = strcmp(path, "-") == 0;
	struct stat st;
	dur_err rc = DUR_OK;

	*buf = NULL;
	*len = 0;
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return dur_error_set(err, DUR_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return dur_error_set(err, DUR_EIO, "cannot read '%s': it is a folder", path);
	}
	for (;;) {
		size_t r;
		if (n + 65536 + 1 > c) {
			size_t nc = c ? 2 * c : 65536 + 1;
			char *nb;
			if (nc > cap + 65536 + 1)
				nc = cap + 65536 + 1;
			if (!(nb = realloc(b, nc))) {
				rc = dur_error_set(err, DUR_ENOMEM, "'%s': out of memory", path);
				goto fail;
			}
			b = nb;
			c = nc;
		}
		r = fread(b + n, 1, c - n - 1 < 65536 ? c - n - 1 : 65536, f);
		/* a line longer than any record can be stops the reading at once,
		 * whatever follows (a stream of gigabytes without a newline) */
		for (size_t i = n; max_line && i < n + r; i++) {
			if (b[i] == '\n') {
				line++;
				since_nl = 0;
			} else if (++since_nl > max_line) {
				rc = dur_error_set(err, DUR_ELIMIT, "'%s' line %zu is longer than the "
						   "limit of %zu bytes", path, line, max_line);
				goto fail;
			}
		}
		n += r;
		if (n > cap) {
			rc = dur_error_set(err, DUR_ELIMIT, "'%s' is larger than the limit of %zu bytes",
					   path, cap);
			goto fail;
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		rc = dur_error_set(err, DUR_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (!is_stdin)
		fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return DUR_OK;
fail:
	free(b);
	if (!is_stdin)
		fclose(f);
	return rc;
}

dur_err cli_read_file(const char *path, size_t cap, char **buf, size_t *len,
		      struct dur_error *err)
{
	return cli_read_text(path, cap, 0, buf, len, err);
}

/* ---- outputs ---------------------------------------------------------------- */

/*
 * Temporary files that a signal must remove.  The handler may only call
 * async-signal-safe functions: it walks a fixed table of paths and
 * unlinks them.
 */
#define TMP_SLOTS 16
static char tmp_path[TMP_SLOTS][PATH_MAX + 32];
static volatile sig_atomic_t tmp_used[TMP_SLOTS];

static int tmp_register(const char *p)
{
	if (strlen(p) >= sizeof(tmp_path[0]))
		return -1;
	for (int i = 0; i < TMP_SLOTS; i++)
		if (!tmp_used[i]) {
			strcpy(tmp_path[i], p);
			tmp_used[i] = 1;
			return i;
		}
	return -1;
}

static void tmp_unregister(int slot)
{
	if (slot >= 0 && slot < TMP_SLOTS)
		tmp_used[slot] = 0;
}

static void on_signal(int sig)
{
	for (int i = 0; i < TMP_SLOTS; i++)
		if (tmp_used[i])
			unlink(tmp_path[i]);
	_exit(128 + sig);
}

void cli_signals_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void out_release(struct cli_out *o)
{
	free(o->path);
	free(o->final);
	free(o->tmp);
	free(o->mem);
	memset(o, 0, sizeof(*o));
	o->slot = -1;
}

static int same_file(const struct cli_out *o, const char *final, const struct stat *st, int exists)
{
	struct stat st2;
	if (o->is_stdout)
		return 0;
	if (strcmp(o->final, final) == 0)
		return 1;
	return exists && stat(o->final, &st2) == 0 && st2.st_dev == st->st_dev &&
	       st2.st_ino == st->st_ino;
}

dur_err cli_outs_open(struct cli_outs *s, const char *path, FILE **f, struct dur_error *err)
{
	struct cli_out *o;
	struct stat st;
	int exists, fd;
	char *final = NULL;

	*f = NULL;
	if (s->n >= CLI_OUTS_MAX)
		return dur_error_set(err, DUR_ELIMIT, "too many outputs");
	o = &s->o[s->n];
	memset(o, 0, sizeof(*o));
	o->slot = -1;
	if (!path || strcmp(path, "-") == 0) {
		for (size_t i = 0; i < s->n; i++)
			if (s->o[i].is_stdout)
				return dur_error_set(err, DUR_EINVAL, "only one output can go to "
						     "standard output");
		o->is_stdout = 1;
		if (!(o->path = strdup("-")) || !(o->f = open_memstream(&o->mem, &o->memlen))) {
			out_release(o);
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		}
		s->n++;
		*f = o->f;
		return DUR_OK;
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!s->force)
			return dur_error_set(err, DUR_EIO, "'%s' is a symbolic link: duress does not "
					     "write through links unless forced, so that an output "
					     "cannot be sent somewhere else", path);
		if (!(final = realpath(path, NULL)))
			return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path,
					     strerror(errno));
	} else if (!(final = strdup(path))) {
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	exists = stat(final, &st) == 0;
	for (size_t i = 0; i < s->n; i++)
		if (same_file(&s->o[i], final, &st, exists)) {
			free(final);
			return dur_error_set(err, DUR_EINVAL, "'%s' is named for two outputs: give "
					     "each its own file", path);
		}
	o->path = strdup(path);
	o->final = final;
	if (!o->path) {
		out_release(o);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	if (exists && S_ISDIR(st.st_mode)) {
		out_release(o);
		return dur_error_set(err, DUR_EIO, "cannot write '%s': it is a folder", path);
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* a device or a pipe: write to it, never replace it */
		if (S_ISBLK(st.st_mode)) {
			out_release(o);
			return dur_error_set(err, DUR_EIO, "cannot write '%s': it is a disk device",
					     path);
		}
		fd = open(final, O_WRONLY | O_NOCTTY);
		if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			out_release(o);
			return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path, strerror(e));
		}
		o->direct = 1;
		s->n++;
		*f = o->f;
		return DUR_OK;
	}
	if (!(o->tmp = malloc(strlen(final) + 16))) {
		out_release(o);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	sprintf(o->tmp, "%s.tmp.XXXXXX", final);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;
		out_release(o);
		return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path, strerror(e));
	}
	o->slot = tmp_register(o->tmp);
	if (!(o->f = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		unlink(o->tmp);
		tmp_unregister(o->slot);
		out_release(o);
		return dur_error_set(err, DUR_EIO, "cannot write '%s': %s", path, strerror(e));
	}
	s->n++;
	*f = o->f;
	return DUR_OK;
}

dur_err cli_outs_commit(struct cli_outs *s, struct dur_error *err)
{
	/* first make sure every byte is down (a full disk shows here), then
	 * move them all into place */
	for (size_t i = 0; i < s->n; i++) {
		struct cli_out *o = &s->o[i];
		int bad = ferror(o->f) || fflush(o->f) != 0;
		if (!bad && o->tmp && fsync(fileno(o->f)) != 0)
			bad = 1;
		if (!bad && !o->is_stdout && fclose(o->f) != 0) {
			o->f = NULL;
			bad = 1;
		}
		if (bad) {
			int e = errno;
			dur_error_set(err, DUR_EIO, "cannot write '%s': %s", o->path,
				      e ? strerror(e) : "write error");
			cli_outs_abort(s);
			return DUR_EIO;
		}
		if (!o->is_stdout)
			o->f = NULL;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct cli_out *o = &s->o[i];
		if (o->is_stdout) {
			fclose(o->f);
			o->f = NULL;
			if (o->memlen && fwrite(o->mem, 1, o->memlen, stdout) != o->memlen) {
				dur_error_set(err, DUR_EIO, "cannot write to standard output: %s",
					      strerror(errno));
				cli_outs_abort(s);
				return DUR_EIO;
			}
		} else if (o->tmp) {
			if (rename(o->tmp, o->final) != 0) {
				dur_error_set(err, DUR_EIO, "cannot write '%s': %s", o->path,
					      strerror(errno));
				cli_outs_abort(s);
				return DUR_EIO;
			}
			tmp_unregister(o->slot);
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		out_release(&s->o[i]);
	s->n = 0;
	return DUR_OK;
}

void cli_outs_abort(struct cli_outs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct cli_out *o = &s->o[i];
		if (o->f)
			fclose(o->f);
		if (o->tmp) {
			unlink(o->tmp);
			tmp_unregister(o->slot);
		}
		out_release(o);
	}
	s->n = 0;
}

/* ---- secrets ------------------------------------------------------------------ */

/*
 * Read the secret straight into locked memory with read(2), not stdio, so
 * that no copy is left in a stdio buffer.  One trailing newline (LF or
 * CRLF) is not part of the secret, so that a secret typed into a file with
 * an editor works the same for every party.
 */
dur_err cli_read_secret(const char *path, size_t max, unsigned char **sec, size_t *len,
			struct dur_error *err)
{
	int fd, is_stdin = strcmp(path, "-") == 0;
	unsigned char *b;
	size_t n = 0, cap = max + 2;
	struct stat st;

	*sec = NULL;
	*len = 0;
	fd = is_stdin ? 0 : open(path, O_RDONLY);
	if (fd < 0)
		return dur_error_set(err, DUR_EKEY, "cannot open secret file '%s': %s", path,
				     strerror(errno));
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		cli_warn("", "secret file '%s' can be read by other users (chmod 600 it)",
			 path);
	if (!(b = sodium_malloc(cap + 1))) {
		if (!is_stdin)
			close(fd);
		return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
	}
	for (;;) {
		ssize_t r = read(fd, b + n, cap + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			sodium_free(b);
			if (!is_stdin)
				close(fd);
			return dur_error_set(err, DUR_EKEY, "cannot read secret file '%s': %s", path,
					     strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap)
			break;
	}
	if (!is_stdin)
		close(fd);
	if (n > cap) {
		sodium_free(b);
		return dur_error_set(err, DUR_EKEY, "the secret in '%s' is too long (over %zu bytes)",
				     path, max);
	}
	if (n > 0 && b[n - 1] == '\n')
		n--;
	if (n > 0 && b[n - 1] == '\r')
		n--;
	*sec = b;
	*len = n;
	return DUR_OK;
}

/* ---- progress, time, seeds ----------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(struct cli_progress *p, const char *cmd)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->tty = isatty(2);
	p->start = p->last = now_seconds();
}

void cli_progress_show(struct cli_progress *p, double fraction, const char *what)
{
	double t = now_seconds();
	int pct = (int)floor(100 * fraction);
	if (t - p->start < 1 || t - p->last < (p->tty ? 0.1 : 1))
		return;
	p->last = t;
	if (p->tty) {
		int width = 30, fill = (int)(fraction * width);
		fprintf(stderr, "\r%s [", what && *what ? what : p->cmd);
		for (int i = 0; i < width; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %3d%%\033[K", pct);
	} else {
		fprintf(stderr, "duress %s: %s, %d%% done (%.0f s)\n", p->cmd,
			what && *what ? what : "working", pct, t - p->start);
	}
	p->drawn = 1;
	fflush(stderr);
}

void cli_progress_done(struct cli_progress *p)
{
	if (p->tty && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = 0;
}

void cli_manifest_name(const char *manifest, const char *input, char *buf, size_t size)
{
	char *m = NULL, *in = NULL, *slash;
	size_t n;

	snprintf(buf, size, "%s", input);
	if (strcmp(input, "-") == 0)
		return;
	/* the manifest may not exist yet: resolve its folder */
	if (!(m = strdup(manifest)))
		return;
	slash = strrchr(m, '/');
	if (slash)
		*slash = '\0';
	{
		char *dir = realpath(slash ? (*m ? m : "/") : ".", NULL);
		free(m);
		m = dir;
	}
	in = realpath(input, NULL);
	if (m && in) {
		n = strlen(m);
		if (strncmp(in, m, n) == 0 && in[n] == '/')
			snprintf(buf, size, "%s", in + n + 1);
		else
			snprintf(buf, size, "%s", in);
	}
	free(m);
	free(in);
}

void cli_now(char buf[32])
{
	dur_time_iso8601((long long)time(NULL), buf);
}

uint64_t cli_random_seed(void)
{
	/* 53 bits: exact in any JSON reader, and plenty */
	uint64_t s;
	randombytes_buf(&s, sizeof(s));
	return s & ((1ULL << 53) - 1);
}

int cli_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}
