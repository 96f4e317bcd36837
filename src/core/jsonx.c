/* Strict JSON reading helpers; see jsonx.h. */
#include "core/jsonx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jx_path(char *buf, size_t size, const char *path, const char *key)
{
	if (path && *path)
		snprintf(buf, size, "%s.%s", path, key);
	else
		snprintf(buf, size, "%s", key);
	return buf;
}

const char *jx_index(char *buf, size_t size, const char *path, const char *key, size_t i)
{
	char p[512];
	snprintf(buf, size, "%s[%zu]", jx_path(p, sizeof(p), path, key), i);
	return buf;
}

/* "'name': path.key: what", or without the name when there is none (the
 * caller adds it, e.g. a manifest's parameters). */
static dur_err fail(const struct jx *c, const char *path, const char *key, const char *what)
{
	char p[600];
	if (!c->name)
		return dur_error_set(c->err, DUR_EPARSE, "%s: %s", jx_path(p, sizeof(p), path, key),
				     what);
	return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: %s", c->name,
			     jx_path(p, sizeof(p), path, key), what);
}

static json_t *member(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

dur_err jx_object(const struct jx *c, const json_t *o, const char *path, const char *key,
		  json_t **out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_object(v))
		return fail(c, path, key, "must be an object");
	*out = v;
	return DUR_OK;
}

dur_err jx_array(const struct jx *c, const json_t *o, const char *path, const char *key,
		 json_t **out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_array(v))
		return fail(c, path, key, "must be an array");
	*out = v;
	return DUR_OK;
}

dur_err jx_string(const struct jx *c, const json_t *o, const char *path, const char *key,
		  const char **out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_string(v))
		return fail(c, path, key, "must be a string");
	*out = json_string_value(v);
	return DUR_OK;
}

dur_err jx_string_opt(const struct jx *c, const json_t *o, const char *path, const char *key,
		      const char **out)
{
	json_t *v = member(o, key);
	if (!v || json_is_null(v))
		return DUR_OK;
	if (!json_is_string(v))
		return fail(c, path, key, "must be a string or null");
	*out = json_string_value(v);
	return DUR_OK;
}

dur_err jx_number(const struct jx *c, const json_t *o, const char *path, const char *key,
		  double *out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_number(v))
		return fail(c, path, key, "must be a number");
	*out = json_number_value(v);
	return DUR_OK;
}

dur_err jx_number_opt(const struct jx *c, const json_t *o, const char *path, const char *key,
		      double *out)
{
	json_t *v = member(o, key);
	if (!v || json_is_null(v))
		return DUR_OK;
	if (!json_is_number(v))
		return fail(c, path, key, "must be a number");
	*out = json_number_value(v);
	return DUR_OK;
}

dur_err jx_number_or_null(const struct jx *c, const json_t *o, const char *path,
			  const char *key, double *out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (json_is_null(v)) {
		*out = NAN;
		return DUR_OK;
	}
	if (!json_is_number(v))
		return fail(c, path, key, "must be a number or null");
	*out = json_number_value(v);
	return DUR_OK;
}

dur_err jx_int(const struct jx *c, const json_t *o, const char *path, const char *key,
	       long long min, long long max, long long *out)
{
	json_t *v = member(o, key);
	char what[128];
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(what, sizeof(what), "must be a whole number from %lld to %lld", min, max);
		return fail(c, path, key, what);
	}
	*out = json_integer_value(v);
	return DUR_OK;
}

dur_err jx_bool(const struct jx *c, const json_t *o, const char *path, const char *key,
		int *out)
{
	json_t *v = member(o, key);
	if (!v)
		return fail(c, path, key, "is missing");
	if (!json_is_boolean(v))
		return fail(c, path, key, "must be true or false");
	*out = json_is_true(v);
	return DUR_OK;
}

dur_err jx_u64_string(const struct jx *c, const json_t *o, const char *path, const char *key,
		      uint64_t *out)
{
	const char *s = NULL;
	char *end;
	unsigned long long x;
	dur_err rc = jx_string(c, o, path, key, &s);
	if (rc)
		return rc;
	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return fail(c, path, key, "must be a whole number from 0 to 18446744073709551615, "
			    "written as a string");
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return fail(c, path, key, "must be a whole number from 0 to 18446744073709551615, "
			    "written as a string");
	*out = (uint64_t)x;
	return DUR_OK;
}

dur_err jx_only(const struct jx *c, const json_t *o, const char *path,
		const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		(void)v;
		if (!allowed[i])
			/* a key names the document's structure, not a person: safe to
			 * name, with its length capped */
			return c->name
			       ? dur_error_set(c->err, DUR_EPARSE, "'%s': %s: unknown key '%.64s'",
					       c->name, path && *path ? path : "(top level)", key)
			       : dur_error_set(c->err, DUR_EPARSE, "%s: unknown key '%.64s'",
					       path && *path ? path : "(top level)", key);
	}
	return DUR_OK;
}

dur_err jx_strings(const struct jx *c, const json_t *o, const char *path, const char *key,
		   char ***out, size_t *n)
{
	json_t *a, *v;
	size_t i;
	char **s;
	dur_err rc = jx_array(c, o, path, key, &a);
	if (rc)
		return rc;
	s = calloc(json_array_size(a) + 1, sizeof(*s));
	if (!s)
		return dur_error_set(c->err, DUR_ENOMEM, "out of memory");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			char p[600];
			jx_free_strings(s, i);
			return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: must be a string",
					     c->name ? c->name : "<input>",
					     jx_index(p, sizeof(p), path, key, i));
		}
		if (!(s[i] = strdup(json_string_value(v)))) {
			jx_free_strings(s, i);
			return dur_error_set(c->err, DUR_ENOMEM, "out of memory");
		}
	}
	*out = s;
	*n = json_array_size(a);
	return DUR_OK;
}

dur_err jx_strlist(const struct jx *c, const json_t *o, const char *path, const char *key,
		   struct dur_strlist *out)
{
	json_t *a, *v;
	size_t i;
	dur_err rc = jx_array(c, o, path, key, &a);
	if (rc)
		return rc;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			char p[600];
			return dur_error_set(c->err, DUR_EPARSE, "'%s': %s: must be a string",
					     c->name ? c->name : "<input>",
					     jx_index(p, sizeof(p), path, key, i));
		}
		if (dur_strlist_addf(out, "%s", json_string_value(v)))
			return dur_error_set(c->err, DUR_ENOMEM, "out of memory");
	}
	return DUR_OK;
}

json_t *jx_real(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *jx_strings_new(char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(s[i] ? s[i] : ""));
	return a;
}

json_t *jx_strlist_new(const struct dur_strlist *l)
{
	return jx_strings_new(l->s, l->n);
}

json_t *jx_u64_new(uint64_t x)
{
	char s[32];
	snprintf(s, sizeof(s), "%llu", (unsigned long long)x);
	return json_string(s);
}

void jx_set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

char *jx_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char **jx_strings_dup(char *const *s, size_t n)
{
	char **d = calloc(n + 1, sizeof(*d));
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(d[i] = strdup(s[i]))) {
			jx_free_strings(d, i);
			return NULL;
		}
	return d;
}

void jx_free_strings(char **s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}
