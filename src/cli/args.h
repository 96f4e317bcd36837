/* A small long-option parser shared by the commands: "--name value",
 * "--name=value", "-o value", and "--" ending options. */
#ifndef DURESS_ARGS_H
#define DURESS_ARGS_H

struct args {
	int argc, i;
	char **argv;
	const char *cmd;
	const char *opt;      /* the option just read, as written */
	const char *inl;      /* value given inline with '=' */
	int done;             /* "--" seen */
};

void args_init(struct args *a, const char *cmd, int argc, char **argv);
/*
 * Next argument: returns 1 with a->opt set for an option, 2 with *pos set
 * for a positional argument, 0 at the end.
 */
int args_next(struct args *a, const char **pos);
/* Is the current option `name` (e.g. "--model")? */
int args_is(struct args *a, const char *name);
/* The value of the current option; prints a usage error and returns NULL
 * when it is missing. */
const char *args_value(struct args *a);

#endif
