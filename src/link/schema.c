/*
 * The linkage schema: strict JSON (unknown members are errors, so that a
 * typo cannot silently change an encoding), validated member by member,
 * with messages that name the JSON path.  See docs/link.md.
 */
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#define SCHEMA_MAX_BYTES (1u << 20)

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void dur_link_schema_free(dur_link_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfields; i++) {
		free(s->field[i].name);
		free(s->field[i].column);
		for (size_t j = 0; j < s->field[i].nformats; j++)
			free(s->field[i].formats[j]);
	}
	free(s->id_column);
	free(s->rule);
	free(s);
}

/* Reject members not in `allowed` (NULL-terminated). */
static dur_err check_members(json_t *obj, const char *const *allowed, const char *path,
			     struct dur_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				break;
		if (!allowed[i])
			return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: unknown member",
					     path, *path ? "." : "", k);
	}
	return DUR_OK;
}

static dur_err get_uint(json_t *obj, const char *key, const char *path, unsigned long lo,
			unsigned long hi, unsigned long dflt, unsigned long *v,
			struct dur_error *err)
{
	json_t *j = json_object_get(obj, key);
	json_int_t x;

	if (!j) {
		*v = dflt;
		return DUR_OK;
	}
	if (!json_is_integer(j))
		return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: must be a whole number",
				     path, *path ? "." : "", key);
	x = json_integer_value(j);
	if (x < (json_int_t)lo || x > (json_int_t)hi)
		return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: must be %lu to %lu",
				     path, *path ? "." : "", key, lo, hi);
	*v = (unsigned long)x;
	return DUR_OK;
}

static dur_err get_bool(json_t *obj, const char *key, const char *path, int dflt, int *v,
			struct dur_error *err)
{
	json_t *j = json_object_get(obj, key);
	if (!j) {
		*v = dflt;
		return DUR_OK;
	}
	if (!json_is_boolean(j))
		return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: must be true or false",
				     path, *path ? "." : "", key);
	*v = json_is_true(j);
	return DUR_OK;
}

static dur_err get_prob(json_t *obj, const char *key, const char *path, double dflt,
			double *v, struct dur_error *err)
{
	json_t *j = json_object_get(obj, key);
	double x;
	if (!j) {
		*v = dflt;
		return DUR_OK;
	}
	if (!json_is_number(j))
		return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: must be a number",
				     path, *path ? "." : "", key);
	x = json_number_value(j);
	if (!(x > 0.0 && x <= 1.0))
		return dur_error_set(err, DUR_ESCHEMA, "%s%s%s: must be above 0 and at most 1",
				     path, *path ? "." : "", key);
	*v = x;
	return DUR_OK;
}

/* A plain identifier-ish string: printable, no control characters. */
static int good_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return dur_utf8_check(s, n, NULL) == DUR_OK;
}

static int good_format(const char *f)
{
	int y = 0, m = 0, d = 0;
	if (strcmp(f, "excel") == 0)
		return 1;
	if (strlen(f) > 16)
		return 0;
	for (const char *p = f; *p; p++) {
		if (*p == 'Y')
			y++;
		else if (*p == 'M')
			m++;
		else if (*p == 'D')
			d++;
		else if (!strchr("/-. ", *p))
			return 0;
	}
	if (y != 4 || m != 2 || d != 2)
		return 0;
	/* each letter in one run */
	for (const char *l = "YMD"; *l; l++) {
		const char *a = strchr(f, *l), *b = strrchr(f, *l);
		for (const char *p = a; p <= b; p++)
			if (*p != *l)
				return 0;
	}
	return 1;
}

static dur_err parse_field(json_t *jf, size_t idx, struct link_field *f, struct dur_error *err)
{
	static const char *const allowed[] = { "name", "column", "type", "qgram", "padding",
		"spaces", "bits_per_token", "formats", "compare", "description", NULL };
	char path[64];
	json_t *j;
	const char *t;
	unsigned long v;
	dur_err rc;

	snprintf(path, sizeof(path), "fields[%zu]", idx);
	if (!json_is_object(jf))
		return dur_error_set(err, DUR_ESCHEMA, "%s: must be an object", path);
	if ((rc = check_members(jf, allowed, path, err)))
		return rc;
	j = json_object_get(jf, "name");
	if (!json_is_string(j) || !good_name(json_string_value(j)))
		return dur_error_set(err, DUR_ESCHEMA,
				     "%s.name: must be a non-empty string of printable characters",
				     path);
	f->name = xstrdup(json_string_value(j));
	if (!f->name)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	j = json_object_get(jf, "column");
	if (j && (!json_is_string(j) || !good_name(json_string_value(j))))
		return dur_error_set(err, DUR_ESCHEMA, "%s.column: must be a non-empty string",
				     path);
	f->column = xstrdup(j ? json_string_value(j) : f->name);
	if (!f->name || !f->column)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");

	j = json_object_get(jf, "type");
	t = json_is_string(j) ? json_string_value(j) : NULL;
	if (!t)
		return dur_error_set(err, DUR_ESCHEMA,
				     "%s.type: must be \"text\", \"date\" or \"number\"", path);
	if (strcmp(t, "text") == 0)
		f->type = DUR_LINK_TEXT;
	else if (strcmp(t, "date") == 0)
		f->type = DUR_LINK_DATE;
	else if (strcmp(t, "number") == 0)
		f->type = DUR_LINK_NUMBER;
	else
		return dur_error_set(err, DUR_ESCHEMA,
				     "%s.type: must be \"text\", \"date\" or \"number\"", path);

	if ((rc = get_uint(jf, "qgram", path, 1, 4, 2, &v, err)))
		return rc;
	f->qgram = (unsigned)v;
	if ((rc = get_bool(jf, "padding", path, 1, &f->pad, err)))
		return rc;
	j = json_object_get(jf, "spaces");
	f->keep_spaces = 1;
	if (j) {
		t = json_is_string(j) ? json_string_value(j) : "";
		if (strcmp(t, "keep") == 0)
			f->keep_spaces = 1;
		else if (strcmp(t, "remove") == 0)
			f->keep_spaces = 0;
		else
			return dur_error_set(err, DUR_ESCHEMA,
					     "%s.spaces: must be \"keep\" or \"remove\"", path);
	}
	if ((rc = get_uint(jf, "bits_per_token", path, 1, 128, 20, &v, err)))
		return rc;
	f->bits_per_token = (unsigned)v;

	j = json_object_get(jf, "formats");
	if (j && f->type != DUR_LINK_DATE)
		return dur_error_set(err, DUR_ESCHEMA, "%s.formats: only for fields of type \"date\"",
				     path);
	if (f->type == DUR_LINK_DATE) {
		if (!j) {
			f->formats[0] = xstrdup("YYYY-MM-DD");
			if (!f->formats[0])
				return dur_error_set(err, DUR_ENOMEM, "out of memory");
			f->nformats = 1;
		} else {
			size_t i;
			json_t *x;
			if (!json_is_array(j) || json_array_size(j) == 0 ||
			    json_array_size(j) > LINK_MAX_FORMATS)
				return dur_error_set(err, DUR_ESCHEMA,
						     "%s.formats: must be an array of 1 to %d "
						     "patterns", path, LINK_MAX_FORMATS);
			json_array_foreach(j, i, x) {
				if (!json_is_string(x) || !good_format(json_string_value(x)))
					return dur_error_set(err, DUR_ESCHEMA,
							     "%s.formats[%zu]: must be \"excel\" or "
							     "a pattern of YYYY, MM and DD with the "
							     "separators / - . or space", path, i);
				f->formats[i] = xstrdup(json_string_value(x));
				if (!f->formats[i])
					return dur_error_set(err, DUR_ENOMEM, "out of memory");
				f->nformats = i + 1;
			}
		}
	}
	j = json_object_get(jf, "compare");
	f->compare = f->type == DUR_LINK_DATE ? DUR_LINK_CMP_DATE : DUR_LINK_CMP_JARO_WINKLER;
	if (j) {
		t = json_is_string(j) ? json_string_value(j) : "";
		if (strcmp(t, "jaro_winkler") == 0)
			f->compare = DUR_LINK_CMP_JARO_WINKLER;
		else if (strcmp(t, "exact") == 0)
			f->compare = DUR_LINK_CMP_EXACT;
		else if (strcmp(t, "date") == 0 && f->type == DUR_LINK_DATE)
			f->compare = DUR_LINK_CMP_DATE;
		else
			return dur_error_set(err, DUR_ESCHEMA,
					     "%s.compare: must be \"jaro_winkler\", \"exact\" or "
					     "(for dates) \"date\"", path);
	}
	j = json_object_get(jf, "description");
	if (j && !json_is_string(j))
		return dur_error_set(err, DUR_ESCHEMA, "%s.description: must be a string", path);
	return DUR_OK;
}

static long field_index(const dur_link_schema *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strlen(s->field[i].name) == len && memcmp(s->field[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

static dur_err parse_plain(json_t *jp, dur_link_schema *s, struct dur_error *err)
{
	static const char *const allowed[] = { "threshold", "blocking", NULL };
	json_t *jb, *jr, *x;
	size_t i, k;
	dur_err rc;

	if (!json_is_object(jp))
		return dur_error_set(err, DUR_ESCHEMA, "plain: must be an object");
	if ((rc = check_members(jp, allowed, "plain", err)))
		return rc;
	if ((rc = get_prob(jp, "threshold", "plain", 0.5, &s->plain_threshold, err)))
		return rc;
	jb = json_object_get(jp, "blocking");
	if (!jb)
		return DUR_OK;
	if (!json_is_array(jb) || json_array_size(jb) == 0 || json_array_size(jb) > 64)
		return dur_error_set(err, DUR_ESCHEMA,
				     "plain.blocking: must be an array of 1 to 64 rules");
	s->rule = calloc(json_array_size(jb), sizeof(*s->rule));
	if (!s->rule)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	json_array_foreach(jb, i, jr) {
		struct link_rule *r = &s->rule[i];
		if (!json_is_array(jr) || json_array_size(jr) == 0 ||
		    json_array_size(jr) > LINK_MAX_RULE_PARTS)
			return dur_error_set(err, DUR_ESCHEMA,
					     "plain.blocking[%zu]: must be an array of 1 to %d "
					     "field names", i, LINK_MAX_RULE_PARTS);
		json_array_foreach(jr, k, x) {
			const char *t = json_is_string(x) ? json_string_value(x) : NULL;
			const char *colon;
			size_t len;
			long fi;
			if (!t)
				return dur_error_set(err, DUR_ESCHEMA,
						     "plain.blocking[%zu][%zu]: must be a string "
						     "\"field\" or \"field:N\"", i, k);
			colon = strrchr(t, ':');
			len = colon ? (size_t)(colon - t) : strlen(t);
			fi = field_index(s, t, len);
			if (fi < 0)
				return dur_error_set(err, DUR_ESCHEMA,
						     "plain.blocking[%zu][%zu]: no field of that "
						     "name", i, k);
			r->field[k] = (size_t)fi;
			r->prefix[k] = 0;
			if (colon) {
				char *end;
				unsigned long n = strtoul(colon + 1, &end, 10);
				if (!colon[1] || *end || n < 1 || n > 64)
					return dur_error_set(err, DUR_ESCHEMA,
							     "plain.blocking[%zu][%zu]: the "
							     "prefix length after ':' must be 1 "
							     "to 64", i, k);
				r->prefix[k] = n;
			}
		}
		r->nparts = json_array_size(jr);
		s->nrules = i + 1;
	}
	return DUR_OK;
}

/* The canonical form: only what changes an encoding, keys sorted, compact. */
static dur_err compute_hash(dur_link_schema *s, struct dur_error *err)
{
	json_t *root = json_object(), *fields = json_array(), *h = json_object();
	char *text = NULL;
	dur_err rc = DUR_OK;

	if (!root || !fields || !h)
		goto oom;
	if (json_object_set_new(root, "duress_link_schema", json_integer(1)) ||
	    json_object_set_new(root, "filter_bits", json_integer((json_int_t)s->filter_bits)) ||
	    json_object_set_new(h, "balance",
				json_boolean(s->harden & DUR_LINK_HARDEN_BALANCE)) ||
	    json_object_set_new(h, "xor_fold",
				json_boolean(s->harden & DUR_LINK_HARDEN_XOR_FOLD)) ||
	    json_object_set_new(h, "diffusion", json_integer((json_int_t)s->diffusion)) ||
	    json_object_set_new(h, "diffusion_from",
				json_integer((json_int_t)(s->diffusion ? s->diffusion_from : 0))))
		goto oom;
	{
		json_t *l = json_object();
		if (!l || json_object_set_new(root, "lsh", l) ||
		    json_object_set_new(l, "bands", json_integer((json_int_t)s->lsh_bands)) ||
		    json_object_set_new(l, "rows", json_integer((json_int_t)s->lsh_rows)))
			goto oom;
	}
	for (size_t i = 0; i < s->nfields; i++) {
		const struct link_field *f = &s->field[i];
		static const char *const types[] = { "text", "date", "number" };
		json_t *o = json_object(), *fm;
		if (!o || json_array_append_new(fields, o))
			goto oom;
		if (json_object_set_new(o, "name", json_string(f->name)) ||
		    json_object_set_new(o, "type", json_string(types[f->type])) ||
		    json_object_set_new(o, "bits_per_token", json_integer(f->bits_per_token)))
			goto oom;
		if (f->type == DUR_LINK_TEXT &&
		    (json_object_set_new(o, "qgram", json_integer(f->qgram)) ||
		     json_object_set_new(o, "padding", json_boolean(f->pad)) ||
		     json_object_set_new(o, "spaces",
					 json_string(f->keep_spaces ? "keep" : "remove"))))
			goto oom;
		if (f->type == DUR_LINK_DATE) {
			fm = json_array();
			if (!fm || json_object_set_new(o, "formats", fm))
				goto oom;
			for (size_t j = 0; j < f->nformats; j++)
				if (json_array_append_new(fm, json_string(f->formats[j])))
					goto oom;
		}
	}
	if (json_object_set_new(root, "hardening", h))
		goto oom_h;
	h = NULL;
	if (json_object_set_new(root, "fields", fields))
		goto oom_f;
	fields = NULL;
	text = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		goto oom_f;
	crypto_hash_sha256(s->hash, (const unsigned char *)text, strlen(text));
	free(text);
	json_decref(root);
	return DUR_OK;
oom:
	json_decref(h);
oom_h:
	json_decref(fields);
oom_f:
	json_decref(root);
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
	return rc;
}

dur_err dur_link_schema_parse(const char *buf, size_t len, const char *name,
			      dur_link_schema **out, struct dur_error *err)
{
	static const char *const allowed[] = { "duress_link_schema", "description", "id_column",
		"filter_bits", "hardening", "threshold", "bridge_threshold", "fields", "plain", "lsh",
		NULL };
	json_error_t je;
	json_t *root = NULL, *j, *jf;
	dur_link_schema *s = NULL;
	unsigned long v;
	size_t i;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (!name)
		name = "<schema>";
	if (len > SCHEMA_MAX_BYTES) {
		rc = dur_error_set(err, DUR_ELIMIT, "is too large (over %u bytes)",
				   SCHEMA_MAX_BYTES);
		goto out;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		rc = dur_error_set(err, DUR_EPARSE, "line %d, column %d: %s", je.line, je.column,
				   je.text);
		goto out;
	}
	if (!json_is_object(root)) {
		rc = dur_error_set(err, DUR_ESCHEMA, "must hold a JSON object");
		goto out;
	}
	if ((rc = check_members(root, allowed, "", err)))
		goto out;
	j = json_object_get(root, "duress_link_schema");
	if (!json_is_integer(j) || json_integer_value(j) != 1) {
		rc = dur_error_set(err, DUR_ESCHEMA,
				   "duress_link_schema: must be 1 (the schema format version "
				   "this duress reads)");
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	s->plain_threshold = 0.5;
	j = json_object_get(root, "description");
	if (j && !json_is_string(j)) {
		rc = dur_error_set(err, DUR_ESCHEMA, "description: must be a string");
		goto out;
	}
	j = json_object_get(root, "id_column");
	if (j) {
		if (!json_is_string(j) || !good_name(json_string_value(j))) {
			rc = dur_error_set(err, DUR_ESCHEMA, "id_column: must be a non-empty string");
			goto out;
		}
		if (!(s->id_column = xstrdup(json_string_value(j)))) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((rc = get_uint(root, "filter_bits", "", DUR_LINK_MIN_BITS, DUR_LINK_MAX_BITS, 1024,
			   &v, err)))
		goto out;
	s->filter_bits = v;
	j = json_object_get(root, "hardening");
	if (j) {
		static const char *const hall[] = { "balance", "xor_fold", "diffusion",
			"diffusion_from", NULL };
		int b, x;
		if (!json_is_object(j)) {
			rc = dur_error_set(err, DUR_ESCHEMA, "hardening: must be an object");
			goto out;
		}
		if ((rc = check_members(j, hall, "hardening", err)) ||
		    (rc = get_bool(j, "balance", "hardening", 0, &b, err)) ||
		    (rc = get_bool(j, "xor_fold", "hardening", 0, &x, err)) ||
		    (rc = get_uint(j, "diffusion", "hardening", 0, DUR_LINK_MAX_DIFFUSION, 0, &v,
				   err)))
			goto out;
		if (v == 1) {
			rc = dur_error_set(err, DUR_ESCHEMA, "hardening.diffusion: must be 0 (none) "
					   "or 2 to %d inputs per bit", DUR_LINK_MAX_DIFFUSION);
			goto out;
		}
		/* Balancing puts the complement of every bit at a fixed place: from
		   a few dozen encodings one finds the pairs and removes it again,
		   and with diffusion it would only hand back the diffused filter's
		   weight.  The two are not combined. */
		if (b && v) {
			rc = dur_error_set(err, DUR_ESCHEMA, "hardening: balance cannot be combined "
					   "with diffusion (use diffusion alone)");
			goto out;
		}
		s->diffusion = (unsigned)v;
		if ((rc = get_uint(j, "diffusion_from", "hardening", DUR_LINK_MIN_BITS,
				   DUR_LINK_MAX_BITS, s->filter_bits, &v, err)))
			goto out;
		if (v % 64 || (json_object_get(j, "diffusion_from") && !s->diffusion)) {
			rc = dur_error_set(err, DUR_ESCHEMA, "hardening.diffusion_from: must be a "
					   "multiple of 64, with diffusion");
			goto out;
		}
		s->diffusion_from = v;
		s->harden = (b ? DUR_LINK_HARDEN_BALANCE : 0) | (x ? DUR_LINK_HARDEN_XOR_FOLD : 0) |
			    (s->diffusion ? DUR_LINK_HARDEN_DIFFUSION : 0);
	}
	s->lsh_bands = LINK_DEFAULT_BANDS;
	s->lsh_rows = LINK_DEFAULT_ROWS;
	j = json_object_get(root, "lsh");
	if (j) {
		static const char *const lall[] = { "bands", "rows", NULL };
		if (!json_is_object(j)) {
			rc = dur_error_set(err, DUR_ESCHEMA, "lsh: must be an object");
			goto out;
		}
		if ((rc = check_members(j, lall, "lsh", err)) ||
		    (rc = get_uint(j, "bands", "lsh", 0, DUR_LINK_MAX_BANDS, LINK_DEFAULT_BANDS, &v,
				   err)))
			goto out;
		s->lsh_bands = v;
		if ((rc = get_uint(j, "rows", "lsh", 1, DUR_LINK_MAX_ROWS, LINK_DEFAULT_ROWS, &v,
				   err)))
			goto out;
		s->lsh_rows = (unsigned)v;
	}
	if (s->filter_bits % 64 != 0 ||
	    ((s->harden & DUR_LINK_HARDEN_BALANCE) && s->filter_bits % 128 != 0)) {
		rc = dur_error_set(err, DUR_ESCHEMA,
				   "filter_bits: must be a multiple of 64 (of 128 with balancing)");
		goto out;
	}
	if ((rc = get_prob(root, "threshold", "", 0.8, &s->threshold, err)))
		goto out;
	if ((rc = get_prob(root, "bridge_threshold", "", s->threshold > 0.1 ? s->threshold - 0.1
			   : s->threshold, &s->bridge_threshold, err)))
		goto out;
	if (s->bridge_threshold > s->threshold) {
		rc = dur_error_set(err, DUR_ESCHEMA, "bridge_threshold: must not exceed threshold");
		goto out;
	}
	jf = json_object_get(root, "fields");
	if (!json_is_array(jf) || json_array_size(jf) == 0 ||
	    json_array_size(jf) > LINK_MAX_FIELDS) {
		rc = dur_error_set(err, DUR_ESCHEMA, "fields: must be an array of 1 to %d fields",
				   LINK_MAX_FIELDS);
		goto out;
	}
	json_array_foreach(jf, i, j) {
		s->nfields = i + 1;
		if ((rc = parse_field(j, i, &s->field[i], err)))
			goto out;
		for (size_t k = 0; k < i; k++)
			if (strcmp(s->field[k].name, s->field[i].name) == 0) {
				rc = dur_error_set(err, DUR_ESCHEMA,
						   "fields[%zu].name: repeats fields[%zu]", i, k);
				goto out;
			}
	}
	j = json_object_get(root, "plain");
	if (j && (rc = parse_plain(j, s, err)))
		goto out;
	if ((rc = compute_hash(s, err)))
		goto out;
	*out = s;
	s = NULL;
out:
	if (rc != DUR_OK)
		dur_error_prefix(err, "'%s'", name);
	json_decref(root);
	dur_link_schema_free(s);
	return rc;
}

const unsigned char *dur_link_schema_hash(const dur_link_schema *s) { return s->hash; }
size_t dur_link_schema_nfields(const dur_link_schema *s) { return s->nfields; }
const char *dur_link_schema_field_name(const dur_link_schema *s, size_t i)
{
	return i < s->nfields ? s->field[i].name : NULL;
}
const char *dur_link_schema_field_column(const dur_link_schema *s, size_t i)
{
	return i < s->nfields ? s->field[i].column : NULL;
}
const char *dur_link_schema_id_column(const dur_link_schema *s) { return s->id_column; }
size_t dur_link_schema_filter_bits(const dur_link_schema *s) { return s->filter_bits; }
double dur_link_schema_threshold(const dur_link_schema *s) { return s->threshold; }
double dur_link_schema_bridge_threshold(const dur_link_schema *s) { return s->bridge_threshold; }
double dur_link_schema_plain_threshold(const dur_link_schema *s) { return s->plain_threshold; }
