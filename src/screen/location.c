/*
 * Where the framework files are when nobody says: $DURESS_FRAMEWORKS, else
 * beside the library itself - share/duress/frameworks of the prefix it was
 * installed into, or the checkout's frameworks/ when it runs from a build
 * folder inside the checkout.  Both are found relative to the file that
 * holds this code (read from /proc/self/maps), so moving an installed
 * prefix or a checkout keeps them found; no absolute path is compiled in.
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include "screen/screen_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef DUR_REL_INSTALLED_FRAMEWORKS
#define DUR_REL_INSTALLED_FRAMEWORKS "../share/duress/frameworks"
#endif
#ifndef DUR_REL_BUILD_FRAMEWORKS
#define DUR_REL_BUILD_FRAMEWORKS "../frameworks"
#endif

/* The file mapped at the address of this function: libduress.so, or the
 * program it was linked into statically.  0 on success. */
static int own_file(char *buf, size_t size)
{
	uintptr_t self = (uintptr_t)&own_file;
	char line[4096 + 128];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		int off = 0;
		const char *path;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &off) < 2 || off == 0)
			continue;
		if (self < lo || self >= hi)
			continue;
		path = line + off;
		if (path[0] != '/')
			break;
		line[strcspn(line, "\n")] = '\0';
		if (strlen(path) < size) {
			strcpy(buf, path);
			found = 0;
		}
		break;
	}
	fclose(f);
	return found;
}

static int has_bank(const char *dir)
{
	char p[4400];
	struct stat st;
	snprintf(p, sizeof(p), "%s/questions.json", dir);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

dur_err dur_framework_default_dir(char *buf, size_t size, struct dur_error *err)
{
	const char *env = getenv("DURESS_FRAMEWORKS");
	const char *rel[2] = { DUR_REL_INSTALLED_FRAMEWORKS, DUR_REL_BUILD_FRAMEWORKS };
	char self[4096], cand[4200];
	char *slash;

	if (env && *env) {
		if (strlen(env) >= size)
			return dur_error_set(err, DUR_ELIMIT, "the folder in DURESS_FRAMEWORKS is "
					     "too long");
		strcpy(buf, env);
		return DUR_OK;
	}
	if (own_file(self, sizeof(self)) != 0 || !(slash = strrchr(self, '/')))
		return dur_error_set(err, DUR_EIO, "cannot find the framework files: the location "
				     "of the duress library is unknown (set DURESS_FRAMEWORKS to "
				     "their folder)");
	*slash = '\0';
	for (int i = 0; i < 2; i++) {
		char *real;
		snprintf(cand, sizeof(cand), "%s/%s", self, rel[i]);
		if (!has_bank(cand))
			continue;
		real = realpath(cand, NULL);
		if (real && strlen(real) < size) {
			strcpy(buf, real);
			free(real);
			return DUR_OK;
		}
		free(real);
	}
	return dur_error_set(err, DUR_EIO, "cannot find the framework files beside the duress "
			     "library in '%s' (looked in %s and %s; set DURESS_FRAMEWORKS to their "
			     "folder)", self, rel[0], rel[1]);
}

dur_err dur_framework_set_load_default(dur_framework_set *set, struct dur_error *err)
{
	char dir[4096];
	dur_err rc = dur_framework_default_dir(dir, sizeof(dir), err);
	if (rc != DUR_OK)
		return rc;
	return dur_framework_set_load_dir(set, dir, err);
}
