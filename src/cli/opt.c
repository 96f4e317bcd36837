/* The table-driven option parser, help and man page; see opt.h. */
#include "opt.h"
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_opt *by_long(const struct cli_spec *s, const char *name, size_t n,
				     int *index)
{
	for (int i = 0; s->opts && s->opts[i].name; i++)
		if (strlen(s->opts[i].name) == n && strncmp(s->opts[i].name, name, n) == 0) {
			*index = i;
			return &s->opts[i];
		}
	return NULL;
}

static const struct cli_opt *by_letter(const struct cli_spec *s, char c, int *index)
{
	for (int i = 0; s->opts && s->opts[i].name; i++)
		if (s->opts[i].letter && s->opts[i].letter == c) {
			*index = i;
			return &s->opts[i];
		}
	return NULL;
}

/* "--level" or "-o, --output" as written in messages. */
static void opt_label(const struct cli_opt *o, char *buf, size_t n)
{
	snprintf(buf, n, "--%s", o->name);
}

static int range_error(const struct cli_spec *s, const struct cli_opt *o, const char *v,
		       const char *what)
{
	char l[64];
	opt_label(o, l, sizeof(l));
	return cli_usage_error(s->name, "%s takes %s, not '%.40s'", l, what, v);
}

static int store(const struct cli_spec *s, const struct cli_opt *o, const char *v, void *dst)
{
	char *at = (char *)dst + o->off, what[160];
	double d;
	unsigned long ul;

	switch (o->type) {
	case OPT_FLAG:
		*(int *)at = 1;
		return 0;
	case OPT_STRING:
		*(const char **)at = v;
		return 0;
	case OPT_STRINGS: {
		struct cli_strings *l = (struct cli_strings *)at;
		if (l->n >= CLI_STRINGS_MAX)
			return cli_usage_error(s->name, "--%s can be given at most %d times", o->name,
					       CLI_STRINGS_MAX);
		l->v[l->n++] = v;
		return 0;
	}
	case OPT_DOUBLE:
		if (o->open)
			snprintf(what, sizeof(what), "a number between %g and %g", o->min, o->max);
		else
			snprintf(what, sizeof(what), "a number from %g to %g", o->min, o->max);
		if (cli_parse_double(v, &d) != 0 || (o->open ? !(d > o->min && d < o->max)
							     : !(d >= o->min && d <= o->max)))
			return range_error(s, o, v, what);
		*(double *)at = d;
		return 0;
	case OPT_ULONG:
		snprintf(what, sizeof(what), "a whole number from %.0f to %.0f", o->min, o->max);
		if (cli_parse_ulong(v, (unsigned long)o->max, &ul) != 0 || (double)ul < o->min)
			return range_error(s, o, v, what);
		*(unsigned long *)at = ul;
		return 0;
	case OPT_U64: {
		char *end;
		unsigned long long x;
		errno = 0;
		if (!*v || *v < '0' || *v > '9')
			return range_error(s, o, v, "a whole number from 0 to 18446744073709551615");
		x = strtoull(v, &end, 10);
		if (errno || *end)
			return range_error(s, o, v, "a whole number from 0 to 18446744073709551615");
		*(uint64_t *)at = (uint64_t)x;
		return 0;
	}
	case OPT_CHOICE: {
		const char *c = o->choices;
		size_t n = strlen(v);
		while (c && *c) {
			const char *bar = strchr(c, '|');
			size_t len = bar ? (size_t)(bar - c) : strlen(c);
			if (len == n && strncmp(c, v, n) == 0) {
				*(const char **)at = v;
				return 0;
			}
			c = bar ? bar + 1 : NULL;
		}
		snprintf(what, sizeof(what), "one of %s", o->choices);
		for (char *p = what; *p; p++)
			if (*p == '|')
				*p = ',';
		return range_error(s, o, v, what);
	}
	}
	return 2;
}

int cli_parse(const struct cli_spec *s, int argc, char **argv, void *dst,
	      const char **args, int *nargs, uint64_t *given)
{
	int only_args = 0, n = 0;

	if (given)
		*given = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const struct cli_opt *o = NULL;
		int idx = -1, rc;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (s->max_args >= 0 && n >= s->max_args)
				return s->max_args == 0
				       ? cli_usage_error(s->name, "takes no arguments ('%.80s' given)", a)
				       : cli_usage_error(s->name, "takes at most %d input%s ('%.80s' is one "
							 "too many)", s->max_args,
							 s->max_args == 1 ? "" : "s", a);
			args[n++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_help(s, stdout);
			return 1;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = by_long(s, a + 2, len, &idx);
			if (!o)
				return cli_usage_error(s->name, "unknown option '%.*s'",
						       (int)(len + 2 > 80 ? 80 : len + 2), a);
			if (eq) {
				if (o->type == OPT_FLAG)
					return cli_usage_error(s->name, "--%s takes no value", o->name);
				v = eq + 1;
			}
		} else {
			o = by_letter(s, a[1], &idx);
			if (!o)
				return cli_usage_error(s->name, "unknown option '%.2s'", a);
			if (a[2]) {
				if (o->type == OPT_FLAG)
					return cli_usage_error(s->name, "unknown option '%.80s'", a);
				v = a + 2;
			}
		}
		if (o->type != OPT_FLAG && !v) {
			if (i + 1 >= argc)
				return cli_usage_error(s->name, "--%s needs a value (%s)", o->name, o->arg);
			v = argv[++i];
		}
		if (given && idx < 64 && o->type != OPT_STRINGS && ((*given >> idx) & 1u))
			return cli_usage_error(s->name, "--%s is given twice", o->name);
		if ((rc = store(s, o, v, dst)) != 0)
			return rc;
		if (given && idx < 64)
			*given |= (uint64_t)1 << idx;
	}
	if (n < s->min_args) {
		const char *u = s->usage ? s->usage : "";
		if (n == 0)
			return cli_usage_error(s->name, "no input given (usage: duress %s %.*s)",
					       s->name, (int)strcspn(u, "\n"), u);
		return cli_usage_error(s->name, "needs at least %d inputs, not %d (usage: duress %s "
				       "%.*s)", s->min_args, n, s->name, (int)strcspn(u, "\n"), u);
	}
	*nargs = n;
	return 0;
}

int cli_given(const struct cli_spec *s, uint64_t given, const char *name)
{
	int idx;
	if (!by_long(s, name, strlen(name), &idx) || idx >= 64)
		return 0;
	return (given >> idx) & 1u;
}

/* ---- help ------------------------------------------------------------------ */

#define HELP_COL 22

static void put_lines(FILE *f, const char *text, const char *indent)
{
	const char *p = text;
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "%s%.*s\n", n ? indent : "", (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

void cli_help(const struct cli_spec *s, FILE *f)
{
	const char *u = s->usage;
	int first = 1;

	if (!u || !*u)
		fprintf(f, "usage: duress %s\n", s->name);
	while (u && *u) {
		size_t n = strcspn(u, "\n");
		fprintf(f, "%s duress %s %.*s\n", first ? "usage:" : "      ", s->name, (int)n, u);
		first = 0;
		u += n;
		if (*u == '\n')
			u++;
	}
	if (s->text) {
		fputc('\n', f);
		put_lines(f, s->text, "");
	}
	if (s->opts && s->opts[0].name) {
		fputs("\noptions:\n", f);
		for (int i = 0; s->opts[i].name; i++) {
			const struct cli_opt *o = &s->opts[i];
			char head[96];
			const char *h = o->help;
			size_t n;
			if (o->letter)
				snprintf(head, sizeof(head), "  -%c, --%s%s%s", o->letter, o->name,
					 o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(head, sizeof(head), "  --%s%s%s", o->name, o->arg ? " " : "",
					 o->arg ? o->arg : "");
			fputs(head, f);
			if (strlen(head) + 1 >= HELP_COL) {
				fputc('\n', f);
				fprintf(f, "%*s", HELP_COL, "");
			} else {
				fprintf(f, "%*s", (int)(HELP_COL - strlen(head)), "");
			}
			n = strcspn(h, "\n");
			fprintf(f, "%.*s\n", (int)n, h);
			h += n;
			while (*h == '\n') {
				h++;
				n = strcspn(h, "\n");
				fprintf(f, "%*s%.*s\n", HELP_COL, "", (int)n, h);
				h += n;
			}
		}
	}
	if (s->after) {
		fputc('\n', f);
		put_lines(f, s->after, "");
	}
}

/* troff-safe text: backslashes and leading dots or quotes escaped, hyphens as \-. */
static void man_text(FILE *f, const char *s, size_t n)
{
	int bol = 1;
	for (size_t i = 0; i < n && s[i]; i++) {
		char c = s[i];
		if (bol && (c == '.' || c == '\''))
			fputs("\\&", f);
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '-')
			fputs("\\-", f);
		else
			fputc(c, f);
		bol = c == '\n';
	}
}

/* Paragraphs; lines indented by two spaces (examples) are kept as they are. */
static void man_para(FILE *f, const char *text)
{
	const char *p = text;
	int nofill = 0;
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		int indented = n >= 2 && p[0] == ' ' && p[1] == ' ';
		if (indented != nofill) {
			fputs(indented ? ".nf\n" : ".fi\n", f);
			nofill = indented;
		}
		if (n == 0)
			fputs(".PP\n", f);
		else {
			man_text(f, p, n);
			fputc('\n', f);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (nofill)
		fputs(".fi\n", f);
}

void cli_man(const struct cli_spec *s, FILE *f)
{
	const char *u = s->usage;

	fputs(".SS \"duress ", f);
	man_text(f, s->name, strlen(s->name));
	fputs("\"\n", f);
	while (u && *u) {
		size_t n = strcspn(u, "\n");
		fputs(".B duress ", f);
		man_text(f, s->name, strlen(s->name));
		fputc(' ', f);
		man_text(f, u, n);
		fputs("\n.br\n", f);
		u += n;
		if (*u == '\n')
			u++;
	}
	if (s->text) {
		fputs(".PP\n", f);
		man_para(f, s->text);
	}
	for (int i = 0; s->opts && s->opts[i].name; i++) {
		const struct cli_opt *o = &s->opts[i];
		fputs(".TP\n", f);
		if (o->letter)
			fprintf(f, "\\fB\\-%c\\fR, ", o->letter);
		fputs("\\fB\\-\\-", f);
		man_text(f, o->name, strlen(o->name));
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			man_text(f, o->arg, strlen(o->arg));
			fputs("\\fR", f);
		}
		fputc('\n', f);
		{
			/* the help's lines joined into one paragraph */
			const char *h = o->help;
			while (*h) {
				size_t n = strcspn(h, "\n");
				man_text(f, h, n);
				fputc('\n', f);
				h += n;
				if (*h == '\n')
					h++;
			}
		}
	}
	if (s->after) {
		fputs(".PP\n", f);
		man_para(f, s->after);
	}
}
