#include "args.h"
#include "cli.h"

#include <string.h>

void args_init(struct args *a, const char *cmd, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->argc = argc;
	a->argv = argv;
	a->cmd = cmd;
	a->i = 1;
}

int args_next(struct args *a, const char **pos)
{
	static char namebuf[64];
	const char *s;

	if (a->i >= a->argc)
		return 0;
	s = a->argv[a->i++];
	a->inl = NULL;
	if (!a->done && strcmp(s, "--") == 0) {
		a->done = 1;
		return args_next(a, pos);
	}
	if (a->done || s[0] != '-' || s[1] == '\0') {
		*pos = s;
		return 2;
	}
	a->opt = s;
	if (s[1] == '-') {
		const char *eq = strchr(s, '=');
		if (eq && (size_t)(eq - s) < sizeof(namebuf)) {
			memcpy(namebuf, s, (size_t)(eq - s));
			namebuf[eq - s] = '\0';
			a->opt = namebuf;
			a->inl = eq + 1;
		}
	}
	return 1;
}

int args_is(struct args *a, const char *name)
{
	return strcmp(a->opt, name) == 0;
}

const char *args_value(struct args *a)
{
	if (a->inl)
		return a->inl;
	if (a->i >= a->argc) {
		cli_usage_error(a->cmd, "option '%s' needs a value", a->opt);
		return NULL;
	}
	return a->argv[a->i++];
}
