/*
 * jsonx.h - strict reading and small writing helpers for the JSON
 * documents of every module (private to the library).
 *
 * Readers take the document's name (a file name, for messages), the JSON
 * path of the object (e.g. "parameters" or "strata[2].interval") and a key;
 * on failure they fill err with "'name': path.key: must be ..." and return
 * DUR_EPARSE.  They never quote the value they rejected: documents can
 * hold text that identifies people.
 */
#ifndef DURESS_CORE_JSONX_H
#define DURESS_CORE_JSONX_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/error.h>
#include <duress/strlist.h>

struct jx {
	const char *name;        /* document name for messages */
	struct dur_error *err;
};

/* Required members.  */
dur_err jx_object(const struct jx *c, const json_t *o, const char *path, const char *key,
		  json_t **out);
dur_err jx_array(const struct jx *c, const json_t *o, const char *path, const char *key,
		 json_t **out);
dur_err jx_string(const struct jx *c, const json_t *o, const char *path, const char *key,
		  const char **out);
dur_err jx_number(const struct jx *c, const json_t *o, const char *path, const char *key,
		  double *out);
dur_err jx_int(const struct jx *c, const json_t *o, const char *path, const char *key,
	       long long min, long long max, long long *out);
dur_err jx_bool(const struct jx *c, const json_t *o, const char *path, const char *key,
		int *out);
/* Optional members: absent or null leaves *out as it is (and *present 0). */
dur_err jx_string_opt(const struct jx *c, const json_t *o, const char *path, const char *key,
		      const char **out);
dur_err jx_number_opt(const struct jx *c, const json_t *o, const char *path, const char *key,
		      double *out);
/* A number, or null for "no value" (NaN). */
dur_err jx_number_or_null(const struct jx *c, const json_t *o, const char *path,
			  const char *key, double *out);
/* An unsigned 64-bit integer written as a decimal string. */
dur_err jx_u64_string(const struct jx *c, const json_t *o, const char *path, const char *key,
		      uint64_t *out);
/* Every key of o must be one of the NULL-terminated `allowed`. */
dur_err jx_only(const struct jx *c, const json_t *o, const char *path,
		const char *const *allowed);
/* An array of strings, copied into a new array of new strings. */
dur_err jx_strings(const struct jx *c, const json_t *o, const char *path, const char *key,
		   char ***out, size_t *n);
dur_err jx_strlist(const struct jx *c, const json_t *o, const char *path, const char *key,
		   struct dur_strlist *out);
/* "path.key" or "path[i]" into buf. */
const char *jx_path(char *buf, size_t size, const char *path, const char *key);
const char *jx_index(char *buf, size_t size, const char *path, const char *key, size_t i);

/* Writing: a real that is NaN or infinite becomes null. */
json_t *jx_real(double x);
json_t *jx_strings_new(char *const *s, size_t n);
json_t *jx_strlist_new(const struct dur_strlist *l);
json_t *jx_u64_new(uint64_t x);
/* json_object_set_new that keeps going on NULL values (they become null). */
void jx_set(json_t *o, const char *key, json_t *v);

/* A deep copy of n strings (NULL on failure). */
char **jx_strings_dup(char *const *s, size_t n);
/* strdup that accepts NULL. */
char *jx_strdup(const char *s);
void jx_free_strings(char **s, size_t n);

#endif
