#include "cli.h"
#include "screen_common.h"

#include <stdlib.h>
#include <string.h>

dur_err cli_load_frameworks(const char *dir, dur_framework_set **out, struct dur_error *err)
{
	dur_framework_set *set;
	dur_err rc;

	*out = NULL;
	set = dur_framework_set_alloc();
	if (!set)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = dir && *dir ? dur_framework_set_load_dir(set, dir, err)
			 : dur_framework_set_load_default(set, err);
	if (rc) {
		dur_framework_set_free(set);
		return rc;
	}
	*out = set;
	return DUR_OK;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value,
		  int *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*missing = 0;
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*missing = 1;
		return 1;
	}
	*value = argv[++*i];
	return 1;
}
