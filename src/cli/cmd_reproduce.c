/*
 * duress reproduce: find the inputs a manifest names, check them, have the
 * library run the recorded job again, and list every figure that differs.
 *
 * Inputs are looked for beside the manifest (the path as recorded, then
 * its file name alone), never elsewhere unless --allow-outside; framework
 * files in the frameworks folder.  Before anything is parsed, each must be
 * a regular file of the recorded size and SHA-256.
 */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <duress/provenance.h>
#include <duress/screen.h>
#include <duress/version.h>

struct opts {
	int allow_outside, threads_given;
	unsigned long threads;
	const char *frameworks_dir;
};

#define O(f) offsetof(struct opts, f)
static const struct cli_opt options[] = {
	{ "allow-outside", 0, OPT_FLAG, NULL, "also read inputs from where the manifest recorded\n"
	  "them when that is outside the manifest's folder", O(allow_outside), 0, 0, 0, NULL },
	{ "frameworks-dir", 0, OPT_STRING, "DIR", "where to find the framework files a screening\n"
	  "manifest names (default: those installed with duress)", O(frameworks_dir), 0, 0, 0,
	  NULL },
	{ "threads", 0, OPT_ULONG, "T", "threads to use (default: the cores there are)",
	  O(threads), 1, 64, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_reproduce = {
	"reproduce", "[options] MANIFEST.json",
	"re-run a manifest and check that every figure is identical",
	"Re-run what a manifest records (written with --manifest by 'duress estimate',\n"
	"'duress screen --batch --summary' or 'duress link match'): the same inputs,\n"
	"checked by size and SHA-256 before they are read, the same method, parameters\n"
	"and random seed.  Every figure of the new result is compared with the\n"
	"recorded one; any difference is listed and the exit status is 1.  Inputs are\n"
	"looked for beside the manifest: at the recorded path taken from the\n"
	"manifest's folder, then by file name in that folder.",
	options, 1, 1, NULL
};

/* Is `path` (resolved) inside folder `dir` (resolved)? */
static int inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* Read a regular file that must have `size` bytes and hash `sha`. */
static dur_err read_checked(const char *path, const struct dur_manifest_input *in, char **buf,
			    struct dur_error *err)
{
	struct stat st;
	char hex[65];
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);

	*buf = NULL;
	if (fd < 0)
		return dur_error_set(err, DUR_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return dur_error_set(err, DUR_EIO, "'%s' is not a regular file; a manifest's inputs "
				     "must be", path);
	}
	if ((uint64_t)st.st_size != in->size) {
		close(fd);
		return dur_error_set(err, DUR_EMISMATCH, "'%s' has changed since the manifest was "
				     "written (%lld bytes, recorded %llu)", path,
				     (long long)st.st_size, (unsigned long long)in->size);
	}
	if (!(*buf = malloc(in->size + 1))) {
		close(fd);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	while (got < in->size) {
		ssize_t r = read(fd, *buf + got, in->size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = errno;
			close(fd);
			free(*buf);
			*buf = NULL;
			return dur_error_set(err, DUR_EIO, "cannot read '%s': %s", path,
					     r < 0 ? strerror(e) : "it got shorter");
		}
		got += (size_t)r;
	}
	close(fd);
	(*buf)[got] = '\0';
	dur_sha256_hex(*buf, got, hex);
	if (strcmp(hex, in->sha256) != 0) {
		free(*buf);
		*buf = NULL;
		return dur_error_set(err, DUR_EMISMATCH, "'%s' has changed since the manifest was "
				     "written (SHA-256 %.16s..., recorded %.16s...)", path, hex,
				     in->sha256);
	}
	return DUR_OK;
}

/* Where input `in` is: beside the manifest, or in the frameworks folder. */
static dur_err locate(const struct opts *o, const char *mdir, const struct dur_manifest_input *in,
		      char *out, struct dur_error *err)
{
	char cand[3][2 * PATH_MAX + 2], fwdir[PATH_MAX], *copy = strdup(in->file), *base;
	int n = 0, framework = strcmp(in->role, "framework") == 0 ||
			       strcmp(in->role, "question-bank") == 0;
	const char *root = mdir;
	dur_err rc = DUR_OK;

	if (!copy)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	base = basename(copy);
	if (framework) {
		if (o->frameworks_dir)
			snprintf(fwdir, sizeof(fwdir), "%s", o->frameworks_dir);
		else if ((rc = dur_framework_default_dir(fwdir, sizeof(fwdir), err)))
			goto out;
		snprintf(cand[n++], sizeof(cand[0]), "%s/%s", fwdir, base);
		root = NULL;
	} else {
		if (in->file[0] != '/')
			snprintf(cand[n++], sizeof(cand[0]), "%s/%s", mdir, in->file);
		snprintf(cand[n++], sizeof(cand[0]), "%s/%s", mdir, base);
		if (o->allow_outside)
			snprintf(cand[n++], sizeof(cand[0]), "%s", in->file);
	}
	for (int i = 0; i < n; i++) {
		char *real = realpath(cand[i], NULL);
		if (!real)
			continue;
		if (root && !o->allow_outside && !inside(real, root)) {
			free(real);
			continue;
		}
		snprintf(out, PATH_MAX, "%s", real);
		free(real);
		goto out;
	}
	rc = dur_error_set(err, DUR_EIO, framework
			   ? "the framework file '%s' is not in the frameworks folder"
			   : "input '%s' is not beside the manifest (copy it there, or pass "
			     "--allow-outside to read it where it was recorded)", in->file);
out:
	free(copy);
	return rc;
}

int cmd_reproduce(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_manifest *m = NULL;
	struct dur_job_input in[DUR_MANIFEST_MAX_INPUTS];
	char *bufs[DUR_MANIFEST_MAX_INPUTS] = { 0 }, *mbuf = NULL, mdir[PATH_MAX];
	char found[DUR_MANIFEST_MAX_INPUTS][PATH_MAX], *mcopy = NULL, *real;
	struct dur_strlist diffs = DUR_STRLIST_INIT;
	json_t *now = NULL;
	const char *path;
	size_t len, nfig = 0;
	uint64_t given;
	int nargs, rc;

	o.threads = (unsigned long)cli_cores();
	if ((rc = cli_parse(&spec_reproduce, argc, argv, &o, &path, &nargs, &given)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	rc = EXIT_FAIL;
	if (cli_read_file(path, DUR_MANIFEST_MAX_BYTES, &mbuf, &len, &err) ||
	    dur_manifest_parse(mbuf, len, path, &m, &err))
		goto fail;
	if (!dur_job_known(m->command)) {
		dur_error_set(&err, DUR_EINVAL, "'%s': the command '%.64s' cannot be re-run by "
			      "this version of duress", path, m->command);
		goto fail;
	}
	if (dur_job_check(m->command, m->parameters, &err)) {
		dur_error_prefix(&err, "'%s'", path);
		goto fail;
	}
	if (!(mcopy = strdup(path)) || !(real = realpath(dirname(mcopy), NULL))) {
		dur_error_set(&err, DUR_EIO, "cannot find the folder of '%s'", path);
		goto fail;
	}
	snprintf(mdir, sizeof(mdir), "%s", real);
	free(real);
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct dur_manifest_input *x = &m->inputs[i];
		if (locate(&o, mdir, x, found[i], &err) || read_checked(found[i], x, &bufs[i], &err))
			goto fail;
		in[i].role = x->role;
		in[i].file = x->file;
		in[i].label = x->label;
		in[i].buf = bufs[i];
		in[i].len = (size_t)x->size;
	}
	if (dur_job_run(m->command, m->parameters, in, m->ninputs, (int)o.threads, &now, &err) ||
	    dur_manifest_compare(m->result, now, &diffs, &nfig, &err))
		goto fail;
	if (strcmp(m->software_git, dur_version_git()) != 0 ||
	    strcmp(m->software_build, dur_version_build()) != 0)
		printf("note: recorded with duress %s (%s, %s), re-run with %s (%s, %s)\n",
		       m->software_version, m->software_git, m->software_build, dur_version(),
		       dur_version_git(), dur_version_build());
	if (diffs.n) {
		for (size_t i = 0; i < diffs.n; i++)
			printf("  %s\n", diffs.s[i]);
		printf("not reproduced: %zu of %zu figures differ (listed above)\n", diffs.n, nfig);
		cli_error("reproduce", "'%s': %zu figure%s differ%s", path, diffs.n,
			  diffs.n == 1 ? "" : "s", diffs.n == 1 ? "s" : "");
		goto out;
	}
	printf("reproduced: all %zu figures identical (%s of %s", nfig, m->command, m->created);
	for (size_t i = 0; i < m->ninputs; i++)
		printf("; %s sha256 %.16s...", m->inputs[i].file, m->inputs[i].sha256);
	printf(")\n");
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("reproduce", "%s", err.msg);
out:
	for (size_t i = 0; i < DUR_MANIFEST_MAX_INPUTS; i++)
		free(bufs[i]);
	dur_strlist_release(&diffs);
	json_decref(now);
	dur_manifest_free(m);
	free(mbuf);
	free(mcopy);
	return rc;
}
