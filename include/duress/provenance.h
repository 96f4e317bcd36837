/*
 * duress/provenance.h - manifests: what was run, on what, with which
 * settings, by which software, and what came out; and the jobs that can be
 * run again from one.
 *
 * A manifest is a JSON file (docs/formats.md) written beside every result:
 *
 *   { "duress_manifest": 2, "command": "estimate", "created": "...Z",
 *     "software": {...}, "inputs": [{"role", "file", "label", "size",
 *     "sha256"}], "parameters": {...}, "seed": "..." (when there is one),
 *     "result": {...} }
 *
 * The library hashes inputs from buffers and never opens files: finding an
 * input, checking that it is a regular file of the recorded size, and
 * reading it are the front end's business.  The time is given by the
 * caller, so that a test (or a reproducible report) can fix it.
 *
 * Re-running: dur_job_check() validates a manifest's parameters (every key,
 * type and range, errors naming the key) before any input is read;
 * dur_job_run() runs the command on the inputs; dur_manifest_compare()
 * lists every figure that differs.
 */
#ifndef DURESS_PROVENANCE_H
#define DURESS_PROVENANCE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/error.h>
#include <duress/strlist.h>

#define DUR_MANIFEST_VERSION 2
/* Manifests are small; a larger file is not one. */
#define DUR_MANIFEST_MAX_BYTES ((size_t)256 << 20)
#define DUR_MANIFEST_MAX_INPUTS 64

struct dur_manifest_input {
	char *role;      /* what the input is for: "table", "batch", "framework", ... */
	char *file;      /* the name the front end gave (a path, as given) */
	char *label;     /* e.g. a list's name or a framework's id; may be NULL */
	uint64_t size;
	char sha256[65]; /* lowercase hex */
};

/* A manifest in memory.  Everything is owned. */
struct dur_manifest {
	int version;
	char *command;
	char *created;   /* ISO 8601 UTC, as given */
	char *software_version, *software_git, *software_build;
	size_t ninputs;
	struct dur_manifest_input *inputs;
	json_t *parameters;
	int has_seed;
	uint64_t seed;
	json_t *result;
};

/* SHA-256 of a buffer as 64 lowercase hex digits.  @since 0.2 */
DUR_EXPORT void dur_sha256_hex(const void *buf, size_t len, char hex[65]);
/* A time in seconds since 1970 as "YYYY-MM-DDTHH:MM:SSZ".  @since 0.2 */
DUR_EXPORT void dur_time_iso8601(long long seconds, char buf[32]);

/*
 * A new manifest for `command`, written by this library's version, at
 * `created` (an ISO 8601 time given by the caller).  NULL when out of
 * memory.  @since 0.2
 */
DUR_EXPORT struct dur_manifest *dur_manifest_new(const char *command, const char *created);
DUR_EXPORT void dur_manifest_free(struct dur_manifest *m);
/* Record an input: its role, name, optional label, size and SHA-256.  @since 0.2 */
DUR_EXPORT dur_err dur_manifest_add_input(struct dur_manifest *m, const char *role,
				   const char *file, const char *label, const void *buf,
				   size_t len, struct dur_error *err);
/* The same for an input already hashed (e.g. a framework file the
 * library loaded itself).  @since 0.2 */
DUR_EXPORT dur_err dur_manifest_add_input_hash(struct dur_manifest *m, const char *role,
					const char *file, const char *label, uint64_t size,
					const char *sha256, struct dur_error *err);
/* Take ownership of the parameters / result objects (steal a reference).
 * @since 0.2 */
DUR_EXPORT void dur_manifest_set_parameters(struct dur_manifest *m, json_t *parameters);
DUR_EXPORT void dur_manifest_set_result(struct dur_manifest *m, json_t *result);
DUR_EXPORT void dur_manifest_set_seed(struct dur_manifest *m, uint64_t seed);

/* The manifest as JSON text (keys sorted, indented, final newline); yours. */
DUR_EXPORT dur_err dur_manifest_dump(const struct dur_manifest *m, char **out,
			      struct dur_error *err);
/*
 * Read a manifest, strictly: at most DUR_MANIFEST_MAX_BYTES, UTF-8 (a
 * byte-order mark is skipped), no duplicate keys, every member of the right
 * type, sizes and hashes well formed; errors name the key ("'m.json':
 * inputs[0].sha256: must be 64 hexadecimal digits").  `name` names the file
 * in messages.  @since 0.2
 */
DUR_EXPORT dur_err dur_manifest_parse(const char *buf, size_t len, const char *name,
			       struct dur_manifest **out, struct dur_error *err);

/*
 * Compare a recorded result with a new one, figure by figure (every number
 * and string, recursively).  Each difference is added to `diffs` as
 * "result.interval.lower: was 10983.85, now 10990.1"; *nfigures counts the
 * figures compared.  The software that ran and the place an input was read
 * from (software, input.file) are not figures and are not compared.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_manifest_compare(const json_t *recorded, const json_t *now,
				 struct dur_strlist *diffs, size_t *nfigures,
				 struct dur_error *err);

/* ---- jobs ------------------------------------------------------------------ */

/* An input handed to a job: a manifest input and its bytes (borrowed). */
struct dur_job_input {
	const char *role;
	const char *file;
	const char *label;
	const void *buf;
	size_t len;
};

/* Commands a manifest can record: "estimate", "screen-summary", "link-match". */
DUR_EXPORT int dur_job_known(const char *command);
/*
 * Validate a manifest's parameters for `command` (types, ranges, unknown
 * keys), naming the key on failure, before any input is read.  @since 0.2
 */
DUR_EXPORT dur_err dur_job_check(const char *command, const json_t *parameters,
			  struct dur_error *err);
/*
 * Run `command` with `parameters` on the inputs (each with the role the
 * manifest gives it) and return its result document (new reference), the
 * same that the command itself records.  `threads` only changes the speed.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_job_run(const char *command, const json_t *parameters,
			const struct dur_job_input *in, size_t nin, int threads,
			json_t **result, struct dur_error *err);

#endif
