/*
 * duress report: read the manifests, find the inputs each records beside
 * it (as duress reproduce does: the recorded path from the manifest's
 * folder, then the file name in that folder; framework files in the
 * frameworks folder), hand them to the library, write the HTML it makes.
 */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "commands.h"

#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <duress/provenance.h>
#include <duress/report.h>
#include <duress/screen.h>

#define MAX_MANIFESTS 64
#define INPUT_CAP ((size_t)1 << 31)

struct opts {
	const char *output, *title, *lang, *frameworks_dir;
	unsigned long min_cell;
	int publish, allow_changed, allow_outside, force;
};

#define O(f) offsetof(struct opts, f), 0, 0, 0, NULL
static const struct cli_opt options[] = {
	{ "output", 'o', OPT_STRING, "FILE", "write the report to FILE (all or nothing)", O(output) },
	{ "title", 0, OPT_STRING, "TEXT", "the title (default: from the inputs)", O(title) },
	{ "lang", 0, OPT_STRING, "LANG", "language of the text and numbers: en (default), es",
	  O(lang) },
	{ "publish", 0, OPT_FLAG, NULL, "counts of people below K read \"<K\" (cells, list\n"
	  "totals, screening and linkage counts)", O(publish) },
	{ "min-cell", 0, OPT_ULONG, "K", "with --publish: the smallest count shown (10)",
	  offsetof(struct opts, min_cell), 2, 1000000, 0, NULL },
	{ "allow-changed", 0, OPT_FLAG, NULL, "make the report even if an input has changed\n"
	  "since its manifest was written (the report says so)", O(allow_changed) },
	{ "allow-outside", 0, OPT_FLAG, NULL, "also check inputs where the manifest recorded\n"
	  "them, outside the manifest's folder", O(allow_outside) },
	{ "frameworks-dir", 0, OPT_STRING, "DIR", "framework files (default: those installed)",
	  O(frameworks_dir) },
	{ "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", O(force) },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

const struct cli_spec spec_report = {
	"report", "[options] MANIFEST.json... -o REPORT.html",
	"one self-contained HTML report from manifests: words, plots, provenance",
	"Make one offline HTML file from the manifests of 'duress estimate', 'duress\n"
	"screen --batch --summary' and 'duress link match': the result in plain words,\n"
	"plots with their numbers, the method and every parameter, and the provenance.\n"
	"It loads nothing and runs no script; the same manifests give the same file.\n"
	"Each input is looked for beside its manifest, as 'duress reproduce' does, and\n"
	"compared with its recorded size and SHA-256; a changed one is refused unless\n"
	"--allow-changed.  Print it from a browser for PDF (sections start new pages).",
	options, 0, -1, "Details: docs/report.md."
};

/* One manifest and the inputs found for it (all owned). */
struct man {
	char *buf, **bytes;
	struct dur_manifest *m;
	struct dur_report_file *files;
};

/* Find input x of manifest `name` in folder mdir (or the frameworks folder); read it. */
static dur_err find(const struct opts *o, const char *name, const char *mdir,
		    const struct dur_manifest_input *x, struct dur_report_file *f, char **buf,
		    struct dur_error *err)
{
	char cand[3][2 * PATH_MAX + 2], dir[PATH_MAX], *real;
	const char *nm[3], *base = strrchr(x->file, '/') ? strrchr(x->file, '/') + 1 : x->file;
	int n = 0, fw = !strcmp(x->role, "framework") || !strcmp(x->role, "question-bank");
	size_t len, dl = strlen(mdir);
	struct stat st;
	dur_err rc = DUR_OK;

	f->place = DUR_REPORT_MISSING;
	if (fw && (o->frameworks_dir || !dur_framework_default_dir(dir, sizeof(dir), NULL)) &&
	    (nm[n] = base))
		snprintf(cand[n++], sizeof(cand[0]), "%s/%s", o->frameworks_dir ? o->frameworks_dir
										 : dir, base);
	if (!fw && x->file[0] != '/' && (nm[n] = x->file))
		snprintf(cand[n++], sizeof(cand[0]), "%s/%s", mdir, x->file);
	if (!fw && (nm[n] = base))
		snprintf(cand[n++], sizeof(cand[0]), "%s/%s", mdir, base);
	if (!fw && o->allow_outside && (nm[n] = x->file))
		snprintf(cand[n++], sizeof(cand[0]), "%s", x->file);
	for (int i = 0; i < n && !rc && f->place == DUR_REPORT_MISSING; i++) {
		if (!(real = realpath(cand[i], NULL)))
			continue;
		/* never outside the manifest's folder unless asked (reproduce's rule) */
		if ((fw || o->allow_outside ||
		     (!strncmp(real, mdir, dl) && (dl == 1 || real[dl] == '/'))) &&
		    stat(real, &st) == 0 && S_ISREG(st.st_mode) &&
		    !(rc = cli_read_file(real, INPUT_CAP, buf, &len, err)))
			*f = (struct dur_report_file){ fw ? DUR_REPORT_FRAMEWORKS : DUR_REPORT_BESIDE,
						       nm[i], *buf, len };
		free(real);
	}
	if (!rc && f->place == DUR_REPORT_MISSING)
		cli_warn("report", "'%s': input '%s' is not beside the manifest and is not checked "
			 "(--allow-outside checks it where it was recorded)", name, x->file);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_report_options ro;
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	struct dur_report_input in[MAX_MANIFESTS];
	struct man ms[MAX_MANIFESTS] = { { 0 } };
	const char **args = calloc((size_t)argc + 1, sizeof(*args));
	char *html = NULL, dir[PATH_MAX];
	int nargs = 0, rc = EXIT_FAIL;
	FILE *f;

	dur_report_default_options(&ro);
	o.min_cell = ro.min_cell;
	if (!args || (rc = cli_parse(&spec_report, argc, argv, &o, args, &nargs, NULL)) != 0) {
		free(args);
		return !args ? EXIT_FAIL : rc == 1 ? EXIT_OK : EXIT_USAGE;
	}
	if (nargs > MAX_MANIFESTS || ((!o.output || !strcmp(o.output, "-")) && isatty(1))) {
		free(args);
		return cli_usage_error("report", "%s", nargs > MAX_MANIFESTS ? "at most 64 manifests"
					: "the report is an HTML file: give -o FILE");
	}
	rc = EXIT_FAIL;
	ro = (struct dur_report_options){ o.title, o.lang, o.publish, o.min_cell, o.allow_changed,
					  ro.top_models };
	outs.force = o.force;
	for (int i = 0; i < nargs; i++) {
		struct man *x = &ms[i];
		char *copy = strdup(args[i]), *real = copy ? realpath(dirname(copy), NULL) : NULL;
		size_t len;
		snprintf(dir, sizeof(dir), "%s", real ? real : "");
		free(real);
		free(copy);
		if (!dir[0] && dur_error_set(&err, DUR_EIO, "cannot find the folder of '%s'", args[i]))
			goto fail;
		if (cli_read_file(args[i], DUR_MANIFEST_MAX_BYTES, &x->buf, &len, &err) ||
		    dur_manifest_parse(x->buf, len, args[i], &x->m, &err))
			goto fail;
		x->files = calloc(x->m->ninputs + 1, sizeof(*x->files));
		if (!(x->bytes = calloc(x->m->ninputs + 1, sizeof(char *))) || !x->files) {
			dur_error_set(&err, DUR_ENOMEM, "out of memory");
			goto fail;
		}
		for (size_t j = 0; j < x->m->ninputs; j++)
			if (find(&o, args[i], dir, &x->m->inputs[j], &x->files[j], &x->bytes[j], &err))
				goto fail;
		in[i] = (struct dur_report_input){ args[i], x->buf, len, x->files, x->m->ninputs };
	}
	if (dur_report_render(in, (size_t)nargs, &ro, &html, &err) ||
	    cli_outs_open(&outs, o.output, &f, &err) || fputs(html, f) == EOF ||
	    cli_outs_commit(&outs, &err))
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("report", "%s%s", err.msg, err.code == DUR_EMISMATCH
		  ? " (--allow-changed makes the report anyway, and says so)" : "");
out:
	cli_outs_abort(&outs);
	for (int i = 0; i < nargs; i++) {
		for (size_t j = 0; ms[i].bytes && j < ms[i].m->ninputs; j++)
			free(ms[i].bytes[j]);
		free(ms[i].bytes);
		free(ms[i].files);
		dur_manifest_free(ms[i].m);
		free(ms[i].buf);
	}
	free(html);
	free(args);
	return rc;
}
