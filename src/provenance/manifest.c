/*
 * Manifests: building, writing, strict reading and comparing results.
 * See include/duress/provenance.h and docs/formats.md.
 */
#include <duress/provenance.h>
#include <duress/csv.h>
#include <duress/version.h>
#include "core/jsonx.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

void dur_sha256_hex(const void *buf, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

void dur_time_iso8601(long long seconds, char buf[32])
{
	time_t t = (time_t)seconds;
	struct tm tmv;
	if (!gmtime_r(&t, &tmv) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv))
		snprintf(buf, 32, "1970-01-01T00:00:00Z");
}

static int is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

struct dur_manifest *dur_manifest_new(const char *command, const char *created)
{
	struct dur_manifest *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->version = DUR_MANIFEST_VERSION;
	m->command = jx_strdup(command);
	m->created = jx_strdup(created);
	m->software_version = jx_strdup(dur_version());
	m->software_git = jx_strdup(dur_version_git());
	m->software_build = jx_strdup(dur_version_build());
	if (!m->command || !m->created || !m->software_version || !m->software_git ||
	    !m->software_build) {
		dur_manifest_free(m);
		return NULL;
	}
	return m;
}

void dur_manifest_free(struct dur_manifest *m)
{
	if (!m)
		return;
	free(m->command);
	free(m->created);
	free(m->software_version);
	free(m->software_git);
	free(m->software_build);
	for (size_t i = 0; i < m->ninputs; i++) {
		free(m->inputs[i].role);
		free(m->inputs[i].file);
		free(m->inputs[i].label);
	}
	free(m->inputs);
	json_decref(m->parameters);
	json_decref(m->result);
	free(m);
}

dur_err dur_manifest_add_input_hash(struct dur_manifest *m, const char *role, const char *file,
				    const char *label, uint64_t size, const char *sha256,
				    struct dur_error *err)
{
	struct dur_manifest_input *in;

	if (m->ninputs >= DUR_MANIFEST_MAX_INPUTS)
		return dur_error_set(err, DUR_ELIMIT, "a manifest records at most %d inputs",
				     DUR_MANIFEST_MAX_INPUTS);
	if (!sha256 || !is_hex64(sha256))
		return dur_error_set(err, DUR_EINVAL, "an input's SHA-256 must be 64 hex digits");
	in = realloc(m->inputs, (m->ninputs + 1) * sizeof(*in));
	if (!in)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	m->inputs = in;
	in = &m->inputs[m->ninputs];
	memset(in, 0, sizeof(*in));
	in->role = jx_strdup(role);
	in->file = jx_strdup(file);
	in->label = jx_strdup(label);
	if (!in->role || !in->file || (label && !in->label)) {
		free(in->role);
		free(in->file);
		free(in->label);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	in->size = size;
	memcpy(in->sha256, sha256, 65);
	m->ninputs++;
	return DUR_OK;
}

dur_err dur_manifest_add_input(struct dur_manifest *m, const char *role, const char *file,
			       const char *label, const void *buf, size_t len,
			       struct dur_error *err)
{
	char hex[65];
	dur_sha256_hex(buf, len, hex);
	return dur_manifest_add_input_hash(m, role, file, label, (uint64_t)len, hex, err);
}

void dur_manifest_set_parameters(struct dur_manifest *m, json_t *parameters)
{
	json_decref(m->parameters);
	m->parameters = parameters;
}

void dur_manifest_set_result(struct dur_manifest *m, json_t *result)
{
	json_decref(m->result);
	m->result = result;
}

void dur_manifest_set_seed(struct dur_manifest *m, uint64_t seed)
{
	m->has_seed = 1;
	m->seed = seed;
}

dur_err dur_manifest_dump(const struct dur_manifest *m, char **out, struct dur_error *err)
{
	json_t *j = json_object(), *in = json_array();
	char *text, *full;
	size_t n;

	*out = NULL;
	if (!j || !in) {
		json_decref(j);
		json_decref(in);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	jx_set(j, "duress_manifest", json_integer(m->version));
	jx_set(j, "command", json_string(m->command));
	jx_set(j, "created", json_string(m->created));
	jx_set(j, "software", json_pack("{s:s,s:s,s:s,s:s}", "name", "duress",
					"version", m->software_version, "git", m->software_git,
					"build", m->software_build));
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct dur_manifest_input *x = &m->inputs[i];
		json_t *o = json_object();
		jx_set(o, "role", json_string(x->role));
		jx_set(o, "file", json_string(x->file));
		if (x->label)
			jx_set(o, "label", json_string(x->label));
		jx_set(o, "size", json_integer((json_int_t)x->size));
		jx_set(o, "sha256", json_string(x->sha256));
		json_array_append_new(in, o);
	}
	jx_set(j, "inputs", in);
	jx_set(j, "parameters", m->parameters ? json_incref(m->parameters) : json_object());
	if (m->has_seed)
		jx_set(j, "seed", jx_u64_new(m->seed));
	jx_set(j, "result", m->result ? json_incref(m->result) : json_object());
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	json_decref(j);
	if (!text)
		return dur_error_set(err, DUR_ENOMEM, "out of memory (writing the manifest)");
	n = strlen(text);
	full = realloc(text, n + 2);
	if (!full) {
		free(text);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	full[n] = '\n';
	full[n + 1] = '\0';
	*out = full;
	return DUR_OK;
}


dur_err dur_manifest_parse(const char *buf, size_t len, const char *name,
			   struct dur_manifest **out, struct dur_error *err)
{
	static const char *const keys[] = { "duress_manifest", "command", "created", "software",
		"inputs", "parameters", "seed", "result", NULL };
	static const char *const ikeys[] = { "role", "file", "label", "size", "sha256", NULL };
	struct jx c = { name ? name : "<manifest>", err };
	struct dur_manifest *m = NULL;
	json_error_t je;
	json_t *j = NULL, *sw, *in, *e, *v;
	const char *s;
	long long ver, size;
	size_t i, bad;
	dur_err rc;

	*out = NULL;
	if (len > DUR_MANIFEST_MAX_BYTES)
		return dur_error_set(err, DUR_ELIMIT, "'%s' is too large for a manifest (over %zu "
				     "bytes)", c.name, DUR_MANIFEST_MAX_BYTES);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (dur_utf8_check(buf, len, &bad) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "'%s': not a manifest: byte %zu is not UTF-8 "
				     "text", c.name, bad + 1);
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return dur_error_set(err, DUR_EPARSE, "'%s' line %d: not a readable manifest (%s)",
				     c.name, je.line, je.text);
#define TRY(x) do { if ((rc = (x)) != DUR_OK) goto fail; } while (0)
	if (!json_is_object(j)) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': not a duress manifest (not an object)",
				   c.name);
		goto fail;
	}
	if (!json_object_get(j, "duress_manifest")) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': not a duress manifest (no "
				   "duress_manifest key)", c.name);
		goto fail;
	}
	TRY(jx_int(&c, j, "", "duress_manifest", 1, 1000, &ver));
	if (ver != DUR_MANIFEST_VERSION) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s': duress_manifest: version %lld manifests "
				   "were written by %s; this duress reads version %d (run the "
				   "command again to make a new manifest)", c.name, ver,
				   ver < DUR_MANIFEST_VERSION ? "an older duress" : "a newer duress",
				   DUR_MANIFEST_VERSION);
		goto fail;
	}
	TRY(jx_only(&c, j, "", keys));
	if (!(m = calloc(1, sizeof(*m))))
		goto nomem;
	m->version = (int)ver;
	TRY(jx_string(&c, j, "", "command", &s));
	if (!(m->command = strdup(s)))
		goto nomem;
	TRY(jx_string(&c, j, "", "created", &s));
	if (!(m->created = strdup(s)))
		goto nomem;
	TRY(jx_object(&c, j, "", "software", &sw));
	TRY(jx_string(&c, sw, "software", "version", &s));
	if (!(m->software_version = strdup(s)))
		goto nomem;
	TRY(jx_string(&c, sw, "software", "git", &s));
	if (!(m->software_git = strdup(s)))
		goto nomem;
	TRY(jx_string(&c, sw, "software", "build", &s));
	if (!(m->software_build = strdup(s)))
		goto nomem;
	TRY(jx_array(&c, j, "", "inputs", &in));
	if (json_array_size(in) > DUR_MANIFEST_MAX_INPUTS) {
		rc = dur_error_set(err, DUR_ELIMIT, "'%s': inputs: at most %d inputs", c.name,
				   DUR_MANIFEST_MAX_INPUTS);
		goto fail;
	}
	m->inputs = calloc(json_array_size(in) + 1, sizeof(*m->inputs));
	if (!m->inputs)
		goto nomem;
	json_array_foreach(in, i, e) {
		struct dur_manifest_input *x = &m->inputs[i];
		char p[32];
		const char *lab = NULL;
		snprintf(p, sizeof(p), "inputs[%zu]", i);
		m->ninputs++;
		if (!json_is_object(e)) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s': %s: must be an object", c.name, p);
			goto fail;
		}
		TRY(jx_only(&c, e, p, ikeys));
		TRY(jx_string(&c, e, p, "role", &s));
		if (!(x->role = strdup(s)))
			goto nomem;
		TRY(jx_string(&c, e, p, "file", &s));
		if (!*s || strlen(s) > 4000) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s': %s.file: must be a file name of 1 "
					   "to 4000 bytes", c.name, p);
			goto fail;
		}
		if (!(x->file = strdup(s)))
			goto nomem;
		TRY(jx_string_opt(&c, e, p, "label", &lab));
		if (lab && !(x->label = strdup(lab)))
			goto nomem;
		TRY(jx_int(&c, e, p, "size", 0, (long long)1 << 50, &size));
		x->size = (uint64_t)size;
		TRY(jx_string(&c, e, p, "sha256", &s));
		if (!is_hex64(s)) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s': %s.sha256: must be 64 lowercase "
					   "hexadecimal digits", c.name, p);
			goto fail;
		}
		memcpy(x->sha256, s, 65);
	}
	TRY(jx_object(&c, j, "", "parameters", &v));
	m->parameters = json_incref(v);
	if (json_object_get(j, "seed")) {
		TRY(jx_u64_string(&c, j, "", "seed", &m->seed));
		m->has_seed = 1;
	}
	TRY(jx_object(&c, j, "", "result", &v));
	m->result = json_incref(v);
#undef TRY
	json_decref(j);
	*out = m;
	return DUR_OK;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
fail:
	json_decref(j);
	dur_manifest_free(m);
	return rc;
}

/* ---- comparing ------------------------------------------------------------- */

struct cmp {
	struct dur_strlist *diffs;
	size_t nfig;
	int oom;
};

static void diff(struct cmp *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void diff(struct cmp *c, const char *path, const char *fmt, ...)
{
	char msg[DUR_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (dur_strlist_addf(c->diffs, "%s: %s", path, msg))
		c->oom = 1;
}

static const char *kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "text";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* The shortest decimal form that reads back as the same double. */
static const char *shortest(double x, char *buf, size_t n)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return buf;
}

/* Members of the result that are not figures. */
static int ignored(const char *path)
{
	return strcmp(path, "result.software") == 0 || strcmp(path, "result.input.file") == 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The keys of a and b together, sorted, NULL-terminated (free the array). */
static const char **sorted_keys(const json_t *a, const json_t *b)
{
	size_t n = 0, cap = json_object_size(a) + json_object_size(b) + 1;
	const char **k = malloc(cap * sizeof(*k)), *key;
	json_t *v;
	if (!k)
		return NULL;
	json_object_foreach((json_t *)a, key, v)
		k[n++] = key;
	json_object_foreach((json_t *)b, key, v)
		if (!json_object_get(a, key))
			k[n++] = key;
	qsort(k, n, sizeof(*k), cmp_str);
	k[n] = NULL;
	return k;
}

static void compare(struct cmp *c, const json_t *a, const json_t *b, char *path, size_t plen)
{
	size_t l = strlen(path);

	if (ignored(path))
		return;
	if (json_typeof(a) != json_typeof(b) && !(json_is_number(a) && json_is_number(b))) {
		diff(c, path, "was %s, now %s", kind(a), kind(b));
		c->nfig++;
		return;
	}
	if (json_is_object(a)) {
		/* keys in sorted order, so the differences are listed the same way
		 * every time */
		const char **keys = sorted_keys(a, b);
		if (!keys) {
			c->oom = 1;
			return;
		}
		for (size_t i = 0; keys[i]; i++) {
			json_t *va = json_object_get(a, keys[i]), *vb = json_object_get(b, keys[i]);
			snprintf(path + l, plen - l, ".%s", keys[i]);
			if (!ignored(path)) {
				if (!vb) {
					diff(c, path, "missing now");
					c->nfig++;
				} else if (!va) {
					diff(c, path, "new");
					c->nfig++;
				} else {
					compare(c, va, vb, path, plen);
				}
			}
			path[l] = '\0';
		}
		free(keys);
	} else if (json_is_array(a)) {
		size_t i, na = json_array_size(a), nb = json_array_size(b);
		json_t *va;
		if (na != nb) {
			diff(c, path, "%zu entries, now %zu", na, nb);
			c->nfig++;
			return;
		}
		json_array_foreach((json_t *)a, i, va) {
			snprintf(path + l, plen - l, "[%zu]", i);
			compare(c, va, json_array_get(b, i), path, plen);
			path[l] = '\0';
		}
	} else if (json_is_number(a)) {
		double x = json_number_value(a), y = json_number_value(b);
		c->nfig++;
		if (x != y) {
			char bx[32], by[32];
			diff(c, path, "was %s, now %s", shortest(x, bx, sizeof(bx)),
			     shortest(y, by, sizeof(by)));
		}
	} else if (json_is_string(a)) {
		c->nfig++;
		if (strcmp(json_string_value(a), json_string_value(b)) != 0)
			diff(c, path, "was '%.200s', now '%.200s'", json_string_value(a),
			     json_string_value(b));
	} else {
		c->nfig++;
		if (!json_equal((json_t *)a, (json_t *)b))
			diff(c, path, "was %s, now %s", json_is_true(a) ? "true" : "false",
			     json_is_true(b) ? "true" : "false");
	}
}

dur_err dur_manifest_compare(const json_t *recorded, const json_t *now,
			     struct dur_strlist *diffs, size_t *nfigures, struct dur_error *err)
{
	struct cmp c = { diffs, 0, 0 };
	char path[4096] = "result";

	compare(&c, recorded, now, path, sizeof(path));
	*nfigures = c.nfig;
	if (c.oom)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	return DUR_OK;
}
