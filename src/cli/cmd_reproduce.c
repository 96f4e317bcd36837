/*
 * duress reproduce: re-run the estimation a manifest records and check that
 * every figure is identical.
 */
#include "cli.h"
#include "commands.h"
#include "estimate_cli.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char usage_reproduce[] =
"usage: duress reproduce MANIFEST.json\n"
"\n"
"Re-run what a manifest (written by 'duress estimate --manifest FILE')\n"
"records: the same input (checked by its SHA-256), method, parameters and\n"
"random seed.  Every figure of the new result is compared with the recorded\n"
"one; any difference is listed and the exit status is 1.  The input file is\n"
"looked for where the manifest names it and, failing that, beside the\n"
"manifest.\n";

/* Compare two JSON values; print each difference under `path`. */
static size_t compare(json_t *a, json_t *b, char *path, size_t plen, size_t *nfig)
{
	size_t diffs = 0;

	if (json_typeof(a) != json_typeof(b) &&
	    !(json_is_number(a) && json_is_number(b))) {
		printf("  %s: was %s, now %s\n", path, json_is_null(a) ? "null" : "a value",
		       json_is_null(b) ? "null" : "a value");
		return 1;
	}
	if (json_is_object(a)) {
		const char *key;
		json_t *va;
		json_object_foreach(a, key, va) {
			size_t l = strlen(path);
			json_t *vb = json_object_get(b, key);
			snprintf(path + l, plen - l, ".%s", key);
			if (!vb) {
				printf("  %s: missing now\n", path);
				diffs++;
			} else {
				diffs += compare(va, vb, path, plen, nfig);
			}
			path[l] = '\0';
		}
		json_object_foreach(b, key, va)
			if (!json_object_get(a, key)) {
				printf("  %s.%s: new\n", path, key);
				diffs++;
			}
	} else if (json_is_array(a)) {
		size_t i;
		json_t *va;
		if (json_array_size(a) != json_array_size(b)) {
			printf("  %s: %zu entries, now %zu\n", path, json_array_size(a),
			       json_array_size(b));
			return 1;
		}
		json_array_foreach(a, i, va) {
			size_t l = strlen(path);
			snprintf(path + l, plen - l, "[%zu]", i);
			diffs += compare(va, json_array_get(b, i), path, plen, nfig);
			path[l] = '\0';
		}
	} else if (json_is_number(a)) {
		double x = json_number_value(a), y = json_number_value(b);
		(*nfig)++;
		if (x != y) {
			printf("  %s: was %.17g, now %.17g\n", path, x, y);
			diffs++;
		}
	} else if (json_is_string(a)) {
		(*nfig)++;
		if (strcmp(json_string_value(a), json_string_value(b)) != 0) {
			printf("  %s: was '%s', now '%s'\n", path, json_string_value(a),
			       json_string_value(b));
			diffs++;
		}
	} else if (!json_equal(a, b)) {
		printf("  %s: differs\n", path);
		diffs++;
	}
	return diffs;
}

int cmd_reproduce(int argc, char **argv)
{
	struct estimate_opts o;
	struct dur_error err = DUR_ERROR_INIT;
	json_error_t jerr;
	json_t *man = NULL, *doc = NULL, *old, *cmd, *inputs, *in0, *sw, *sha;
	char *file = NULL, *dir = NULL, path[4096] = "", *mcopy = NULL;
	struct stat st;
	size_t diffs, nfig = 0;
	int no_est, ret = EXIT_FAIL;

	if (argc != 2)
		return cli_usage_error("reproduce", "give one manifest file");
	memset(&o, 0, sizeof(o));
	dur_estimate_default_params(&o.p);
	man = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!man) {
		cli_error("reproduce", "'%s' line %d: not a readable manifest (%s)", argv[1],
			  jerr.line, jerr.text);
		goto out;
	}
	cmd = json_object_get(man, "command");
	inputs = json_object_get(man, "inputs");
	in0 = json_array_get(inputs, 0);
	old = json_object_get(man, "result");
	if (!json_is_integer(json_object_get(man, "duress_manifest")) || !json_is_string(cmd) ||
	    !json_is_object(old) || !json_is_string(json_object_get(in0, "file")) ||
	    !json_is_string(json_object_get(in0, "sha256"))) {
		cli_error("reproduce", "'%s': not a duress manifest (needs duress_manifest, "
			  "command, inputs[0].file and .sha256, result)", argv[1]);
		goto out;
	}
	if (strcmp(json_string_value(cmd), "estimate") != 0) {
		cli_error("reproduce", "'%s': cannot reproduce the command '%s'", argv[1],
			  json_string_value(cmd));
		goto out;
	}
	if (estimate_params_from_json(json_object_get(man, "parameters"), &o, &err) != DUR_OK) {
		cli_error("reproduce", "'%s': %s", argv[1], err.msg);
		goto out;
	}
	file = strdup(json_string_value(json_object_get(in0, "file")));
	mcopy = strdup(argv[1]);
	if (!file || !mcopy) {
		cli_error("reproduce", "out of memory");
		goto out;
	}
	if (stat(file, &st) != 0 && file[0] != '/') {
		char *fcopy = strdup(file);
		dir = dirname(mcopy);
		snprintf(path, sizeof(path), "%s/%s", dir, fcopy ? basename(fcopy) : file);
		free(fcopy);
		if (stat(path, &st) == 0) {
			free(file);
			file = strdup(path);
		}
	}
	o.file = file;
	o.p.threads = 2;
	if (estimate_execute(&o, &doc, &no_est, &err) != DUR_OK) {
		cli_error("reproduce", "%s", err.msg);
		goto out;
	}
	sha = json_object_get(json_object_get(doc, "input"), "sha256");
	if (strcmp(json_string_value(sha), json_string_value(json_object_get(in0, "sha256"))) != 0) {
		cli_error("reproduce", "'%s' has changed since the manifest was written "
			  "(SHA-256 %s, recorded %s)", file, json_string_value(sha),
			  json_string_value(json_object_get(in0, "sha256")));
		goto out;
	}
	/* where the input was found and which build ran are not figures */
	json_object_set(json_object_get(doc, "input"), "file",
			json_object_get(json_object_get(old, "input"), "file"));
	sw = json_object_get(old, "software");
	if (sw && !json_equal(sw, json_object_get(doc, "software")))
		printf("note: recorded with duress %s (%s), re-run with %s (%s)\n",
		       json_string_value(json_object_get(sw, "version")),
		       json_string_value(json_object_get(sw, "git")),
		       json_string_value(json_object_get(json_object_get(doc, "software"), "version")),
		       json_string_value(json_object_get(json_object_get(doc, "software"), "git")));
	json_object_del(old, "software");
	json_object_del(doc, "software");
	path[0] = '\0';
	strcpy(path, "result");
	diffs = compare(old, doc, path, sizeof(path), &nfig);
	if (diffs) {
		printf("not reproduced: %zu of %zu figures differ (listed above)\n", diffs, nfig);
		cli_error("reproduce", "'%s': %zu figure%s differ%s", argv[1], diffs,
			  diffs == 1 ? "" : "s", diffs == 1 ? "s" : "");
		goto out;
	}
	printf("reproduced: all %zu figures identical (input %s, sha256 %.16s...)\n", nfig,
	       file, json_string_value(sha));
	ret = EXIT_OK;
out:
	free(file);
	free(mcopy);
	json_decref(man);
	json_decref(doc);
	return ret;
}
