/*
 * Loading and validating the question bank and the framework files.
 *
 * Every file is checked strictly: a key that is not part of the format is
 * an error, as is a fact, indicator, element or option that does not exist.
 * Messages name the file and the JSON path of the bad key, e.g.
 *   'ilo2009.json': $.indicators[12].facts[0]: unknown fact 'documets_taken'
 * so that a typo in a framework can never silently weaken a rule.
 */
#include "screen/screen_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld {
	const char *name;          /* file name, for messages */
	struct dur_error *err;
	char path[512];            /* JSON path of the current value */
	dur_framework_set *set;
	struct scr_framework *fw;  /* NULL while loading the bank */
	int in_only_if;            /* expressions of only_if see facts only */
	size_t elems_done;         /* elements an expression may refer to */
};

static dur_err ld_fail(struct ld *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static dur_err ld_fail(struct ld *l, const char *fmt, ...)
{
	char msg[DUR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dur_error_set(l->err, DUR_ESCHEMA, "'%s': %s: %s", l->name, l->path, msg);
}

/* Extend the path by ".key" or "[i]"; returns the old length to restore. */
static size_t path_key(struct ld *l, const char *key)
{
	size_t old = strlen(l->path);
	snprintf(l->path + old, sizeof(l->path) - old, ".%s", key);
	return old;
}

static size_t path_index(struct ld *l, size_t i)
{
	size_t old = strlen(l->path);
	snprintf(l->path + old, sizeof(l->path) - old, "[%zu]", i);
	return old;
}

static void path_restore(struct ld *l, size_t old)
{
	l->path[old] = '\0';
}

/* Every key of `obj` must be in the NULL-terminated list `allowed`. */
static dur_err check_keys(struct ld *l, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		int ok = 0;
		(void)v;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = 1;
		if (!ok) {
			size_t old = path_key(l, key);
			dur_err rc = ld_fail(l, "unknown key '%s'", key);
			path_restore(l, old);
			return rc;
		}
	}
	return DUR_OK;
}

static int is_ident(const char *s, int dots)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      (dots && *s == '.')))
			return 0;
	return 1;
}

/*
 * Fetch a string member.  `required`: absent is an error.  `ident`: 1 for
 * [a-z0-9_]+, 2 to allow dots as well.  *out is a new copy or NULL.
 */
static dur_err get_str(struct ld *l, json_t *obj, const char *key, int required, int ident,
		       char **out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (!v) {
		if (required)
			return ld_fail(l, "missing key '%s'", key);
		return DUR_OK;
	}
	old = path_key(l, key);
	if (!json_is_string(v))
		rc = ld_fail(l, "must be a string");
	else if (json_string_length(v) == 0)
		rc = ld_fail(l, "must not be empty");
	else if (strlen(json_string_value(v)) != json_string_length(v))
		rc = ld_fail(l, "must not contain NUL characters");
	else if (ident && !is_ident(json_string_value(v), ident == 2))
		rc = ld_fail(l, "'%s' is not a valid id (lowercase letters, digits, '_'%s)",
			     json_string_value(v), ident == 2 ? ", '.'" : "");
	else if (!(*out = scr_strdup(json_string_value(v))))
		rc = dur_error_set(l->err, DUR_ENOMEM, "out of memory");
	path_restore(l, old);
	return rc;
}

static dur_err get_verification(struct ld *l, json_t *obj, const char *key, int required,
				char **out)
{
	dur_err rc = get_str(l, obj, key, required, 0, out);
	size_t old;

	if (rc || !*out)
		return rc;
	if (strcmp(*out, "V") == 0 || strcmp(*out, "S") == 0 || strcmp(*out, "U") == 0)
		return DUR_OK;
	old = path_key(l, key);
	rc = ld_fail(l, "'%s' is not a verification status (V, S or U)", *out);
	path_restore(l, old);
	free(*out);
	*out = NULL;
	return rc;
}

static dur_err get_array(struct ld *l, json_t *obj, const char *key, int required,
			 json_t **out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (!v)
		return required ? ld_fail(l, "missing key '%s'", key) : DUR_OK;
	old = path_key(l, key);
	if (!json_is_array(v))
		rc = ld_fail(l, "must be an array");
	else
		*out = v;
	path_restore(l, old);
	return rc;
}

static dur_err must_object(struct ld *l, json_t *v)
{
	return json_is_object(v) ? DUR_OK : ld_fail(l, "must be an object");
}

static dur_err parse_doc(const char *buf, size_t len, const char *name, json_t **out,
			 struct dur_error *err)
{
	json_error_t je;
	json_t *j;

	*out = NULL;
	if (len > SCR_MAX_FILE)
		return dur_error_set(err, DUR_ELIMIT, "'%s' is too large (over %u bytes)", name,
				     SCR_MAX_FILE);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {   /* a byte-order mark */
		buf += 3;
		len -= 3;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return dur_error_set(err, DUR_EPARSE, "'%s': line %d, column %d: %s", name,
				     je.line, je.column, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return dur_error_set(err, DUR_ESCHEMA, "'%s': $: must be an object", name);
	}
	*out = j;
	return DUR_OK;
}

/* ---------------------------------------------------------------- */
/* the question bank                                                 */
/* ---------------------------------------------------------------- */

static long find_question(const dur_framework_set *set, const char *id)
{
	for (size_t i = 0; i < set->nq; i++)
		if (strcmp(set->q[i].id, id) == 0)
			return (long)i;
	return -1;
}

static dur_err load_question(struct ld *l, json_t *jq, struct scr_question *q)
{
	static const char *const keys[] = { "id", "kind", "section", "text", "help", NULL };
	char *kind = NULL;
	dur_err rc;

	if ((rc = must_object(l, jq)) || (rc = check_keys(l, jq, keys)))
		return rc;
	if ((rc = get_str(l, jq, "id", 1, 1, &q->id)) ||
	    (rc = get_str(l, jq, "text", 1, 0, &q->text)) ||
	    (rc = get_str(l, jq, "section", 1, 0, &q->section)) ||
	    (rc = get_str(l, jq, "help", 0, 0, &q->help)) ||
	    (rc = get_str(l, jq, "kind", 1, 0, &kind)))
		return rc;
	if (strcmp(kind, "yes_no") == 0) {
		q->kind = Q_YESNO;
	} else if (strcmp(kind, "age") == 0) {
		q->kind = Q_AGE;
		if (strcmp(q->id, "age") != 0) {
			free(kind);
			return ld_fail(l, "the age question must have the id 'age'");
		}
	} else if (strcmp(kind, "text") == 0) {
		q->kind = Q_TEXT;
		if (strcmp(q->id, "sector") != 0) {
			free(kind);
			return ld_fail(l, "the only text question is 'sector'");
		}
	} else {
		size_t old = path_key(l, "kind");
		rc = ld_fail(l, "'%s' is not a question kind (yes_no, age, text)", kind);
		path_restore(l, old);
	}
	free(kind);
	return rc;
}

dur_err dur_framework_set_load_bank(dur_framework_set *set, const char *buf, size_t len,
				    const char *name, struct dur_error *err)
{
	static const char *const keys[] = { "id", "version", "title", "intro", "questions",
					    NULL };
	static const char *const fixed[] = { "threats_to_person", "threats_to_family",
					     "documents_taken", "debt_bondage", "wages_withheld",
					     "physical_violence", "sexual_violence",
					     "commercial_sex", "age", "sector", NULL };
	struct ld l = { 0 };
	json_t *doc = NULL, *qs;
	char *id = NULL;
	dur_err rc;

	l.name = name ? name : "<questions>";
	l.err = err;
	strcpy(l.path, "$");
	if (set->have_bank)
		return dur_error_set(err, DUR_EINVAL, "'%s': a question bank is already loaded",
				     l.name);
	if ((rc = parse_doc(buf, len, l.name, &doc, err)))
		return rc;
	if ((rc = check_keys(&l, doc, keys)) || (rc = get_str(&l, doc, "id", 1, 1, &id)) ||
	    (rc = get_str(&l, doc, "version", 1, 0, &set->bank_version)) ||
	    (rc = get_str(&l, doc, "title", 1, 0, &set->bank_title)) ||
	    (rc = get_str(&l, doc, "intro", 1, 0, &set->bank_intro)) ||
	    (rc = get_array(&l, doc, "questions", 1, &qs)))
		goto out;
	if (strcmp(id, "questions") != 0) {
		size_t old = path_key(&l, "id");
		rc = ld_fail(&l, "a question bank has the id 'questions', not '%s'", id);
		path_restore(&l, old);
		goto out;
	}
	set->q = calloc(json_array_size(qs) + 1, sizeof(*set->q));
	set->fact_q = calloc(json_array_size(qs) + 1, sizeof(*set->fact_q));
	if (!set->q || !set->fact_q) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(qs); i++) {
		size_t o1 = path_key(&l, "questions");
		struct scr_question *q = &set->q[set->nq];

		path_index(&l, i);
		rc = load_question(&l, json_array_get(qs, i), q);
		set->nq++;
		if (!rc && find_question(set, q->id) != (long)set->nq - 1) {
			size_t o3 = path_key(&l, "id");
			rc = ld_fail(&l, "duplicate question id '%s'", q->id);
			path_restore(&l, o3);
		}
		path_restore(&l, o1);
		if (rc)
			goto out;
		q->fact = -1;
		if (q->kind == Q_YESNO) {
			q->fact = (int)set->nfacts;
			set->fact_q[set->nfacts++] = (int)i;
		}
	}
	for (size_t i = 0; fixed[i]; i++)
		if (find_question(set, fixed[i]) < 0) {
			rc = ld_fail(&l, "the bank must have the question '%s'", fixed[i]);
			goto out;
		}
	if (scr_source_set(&set->bank_src, l.name, buf, len)) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	set->bank_doc = doc;
	doc = NULL;
	set->have_bank = 1;
out:
	free(id);
	json_decref(doc);
	if (rc) {
		/* leave the set empty, as before the call */
		for (size_t i = 0; i < set->nq; i++) {
			free(set->q[i].id);
			free(set->q[i].text);
			free(set->q[i].section);
			free(set->q[i].help);
		}
		free(set->q);
		free(set->fact_q);
		free(set->bank_version);
		free(set->bank_title);
		free(set->bank_intro);
		set->q = NULL;
		set->fact_q = NULL;
		set->bank_version = set->bank_title = set->bank_intro = NULL;
		set->nq = set->nfacts = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* expressions                                                       */
/* ---------------------------------------------------------------- */

static int new_node(struct scr_framework *fw, enum scr_xkind kind, int arg)
{
	if (fw->nnodes == fw->capnodes) {
		size_t nc = fw->capnodes ? 2 * fw->capnodes : 64;
		struct scr_xnode *nn = realloc(fw->nodes, nc * sizeof(*nn));
		if (!nn)
			return -1;
		fw->nodes = nn;
		fw->capnodes = nc;
	}
	fw->nodes[fw->nnodes].kind = kind;
	fw->nodes[fw->nnodes].arg = arg;
	fw->nodes[fw->nnodes].nkids = 0;
	fw->nodes[fw->nnodes].kids = 0;
	return (int)fw->nnodes++;
}

/* Give node n the children kids[0..nk-1] (copied into fw->kids). */
static int set_kids(struct scr_framework *fw, int n, const int *kids, size_t nk)
{
	if (fw->nkids + nk > fw->capkids) {
		size_t nc = fw->capkids ? 2 * fw->capkids : 128;
		int *nkp;
		while (nc < fw->nkids + nk)
			nc *= 2;
		nkp = realloc(fw->kids, nc * sizeof(*nkp));
		if (!nkp)
			return -1;
		fw->kids = nkp;
		fw->capkids = nc;
	}
	memcpy(fw->kids + fw->nkids, kids, nk * sizeof(*kids));
	fw->nodes[n].kids = fw->nkids;
	fw->nodes[n].nkids = nk;
	fw->nkids += nk;
	return 0;
}

static long find_indicator(const struct scr_framework *fw, const char *id)
{
	for (size_t i = 0; i < fw->nind; i++)
		if (strcmp(fw->ind[i].id, id) == 0)
			return (long)i;
	return -1;
}

static long find_element(const struct scr_framework *fw, const char *id, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(fw->elem[i].id, id) == 0)
			return (long)i;
	return -1;
}

static long find_option(const struct scr_framework *fw, const char *id)
{
	for (size_t i = 0; i < fw->nopt; i++)
		if (strcmp(fw->opt[i].id, id) == 0)
			return (long)i;
	return -1;
}

static int question_minors_only(const dur_framework_set *set, int fact)
{
	/* The one fact about the kind of work; only minors rules may read it. */
	return fact >= 0 && (size_t)fact < set->nfacts &&
	       strcmp(set->q[set->fact_q[fact]].id, "commercial_sex") == 0;
}

static dur_err compile_expr(struct ld *l, json_t *e, int *out, int depth);

static dur_err compile_list(struct ld *l, json_t *arr, const char *key, int **kids,
			    size_t *nk, int depth)
{
	size_t old = path_key(l, key);
	dur_err rc = DUR_OK;

	*kids = NULL;
	*nk = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		rc = ld_fail(l, "must be a non-empty array");
		goto out;
	}
	*kids = malloc(json_array_size(arr) * sizeof(**kids));
	if (!*kids) {
		rc = dur_error_set(l->err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o2 = path_index(l, i);
		rc = compile_expr(l, json_array_get(arr, i), &(*kids)[i], depth + 1);
		path_restore(l, o2);
		if (rc)
			goto out;
		(*nk)++;
	}
out:
	path_restore(l, old);
	return rc;
}

/* "of_indicators": {"group": g, "strength": [..]} -> the matching indicators. */
static dur_err select_indicators(struct ld *l, json_t *sel, int **kids, size_t *nk)
{
	static const char *const keys[] = { "group", "strength", NULL };
	size_t old = path_key(l, "of_indicators");
	json_t *g, *st;
	dur_err rc = DUR_OK;

	*kids = NULL;
	*nk = 0;
	if ((rc = must_object(l, sel)) || (rc = check_keys(l, sel, keys)))
		goto out;
	g = json_object_get(sel, "group");
	st = json_object_get(sel, "strength");
	if (!json_is_string(g)) {
		rc = ld_fail(l, "'group' must be a string");
		goto out;
	}
	if (st && (!json_is_array(st) || json_array_size(st) == 0)) {
		rc = ld_fail(l, "'strength' must be a non-empty array");
		goto out;
	}
	*kids = malloc((l->fw->nind + 1) * sizeof(**kids));
	if (!*kids) {
		rc = dur_error_set(l->err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l->fw->nind; i++) {
		const struct scr_indicator *ind = &l->fw->ind[i];
		int match = ind->group && strcmp(ind->group, json_string_value(g)) == 0;
		if (match && st) {
			int any = 0;
			for (size_t k = 0; k < json_array_size(st); k++) {
				json_t *s = json_array_get(st, k);
				if (json_is_string(s) && ind->strength &&
				    strcmp(ind->strength, json_string_value(s)) == 0)
					any = 1;
			}
			match = any;
		}
		if (match) {
			int n = new_node(l->fw, X_IND, (int)i);
			if (n < 0) {
				rc = dur_error_set(l->err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			(*kids)[(*nk)++] = n;
		}
	}
	if (*nk == 0) {
		/* an empty selection is allowed (the child lists have no weak grade),
		 * but a group no indicator has is a typo */
		int known = 0;
		for (size_t i = 0; i < l->fw->nind; i++)
			if (l->fw->ind[i].group &&
			    strcmp(l->fw->ind[i].group, json_string_value(g)) == 0)
				known = 1;
		if (!known)
			rc = ld_fail(l, "no indicator has the group '%s'", json_string_value(g));
	}
out:
	path_restore(l, old);
	return rc;
}

static dur_err compile_expr(struct ld *l, json_t *e, int *out, int depth)
{
	struct scr_framework *fw = l->fw;
	const char *key;
	json_t *v;
	size_t old;
	dur_err rc = DUR_OK;
	int n = -1;
	int *kids = NULL;
	size_t nk = 0;

	if (depth > 32)
		return ld_fail(l, "expression nested too deeply");
	if (!json_is_object(e))
		return ld_fail(l, "an expression must be an object");
	if (json_object_get(e, "at_least")) {
		static const char *const keys[] = { "at_least", "of", "of_indicators", NULL };
		json_t *k = json_object_get(e, "at_least");
		if ((rc = check_keys(l, e, keys)))
			return rc;
		if (!json_is_integer(k) || json_integer_value(k) < 1 ||
		    json_integer_value(k) > 1000) {
			old = path_key(l, "at_least");
			rc = ld_fail(l, "must be a whole number from 1 to 1000");
			path_restore(l, old);
			return rc;
		}
		if (!!json_object_get(e, "of") == !!json_object_get(e, "of_indicators"))
			return ld_fail(l, "'at_least' needs exactly one of 'of' or 'of_indicators'");
		if (l->in_only_if)
			return ld_fail(l, "an only_if may use facts, age and options only");
		if (json_object_get(e, "of"))
			rc = compile_list(l, json_object_get(e, "of"), "of", &kids, &nk, depth);
		else
			rc = select_indicators(l, json_object_get(e, "of_indicators"), &kids, &nk);
		if (rc)
			goto out;
		n = new_node(fw, X_ATLEAST, (int)json_integer_value(k));
		if (n < 0 || set_kids(fw, n, kids, nk) != 0)
			goto nomem;
		goto out;
	}
	if (json_object_size(e) != 1)
		return ld_fail(l, "an expression has exactly one of the keys fact, age, option, "
			       "indicator, element, all, any, not, at_least");
	json_object_foreach(e, key, v) {
		old = path_key(l, key);
		if (strcmp(key, "fact") == 0 || strcmp(key, "indicator") == 0 ||
		    strcmp(key, "element") == 0 || strcmp(key, "option") == 0 ||
		    strcmp(key, "age") == 0) {
			const char *s = json_string_value(v);
			long idx;
			if (!s) {
				rc = ld_fail(l, "must be a string");
			} else if (strcmp(key, "fact") == 0) {
				idx = find_question(l->set, s);
				if (idx < 0)
					rc = ld_fail(l, "unknown fact '%s'", s);
				else if (l->set->q[idx].kind != Q_YESNO)
					rc = ld_fail(l, "'%s' is not a yes/no fact (use {\"age\": "
						     "\"minor\"} for the age)", s);
				else if (question_minors_only(l->set, l->set->q[idx].fact))
					rc = ld_fail(l, "'%s' may only be read by an indicator whose "
						     "only_if requires {\"age\": \"minor\"}", s);
				else
					n = new_node(fw, X_FACT, l->set->q[idx].fact);
			} else if (strcmp(key, "age") == 0) {
				if (strcmp(s, "minor") == 0) {
					n = new_node(fw, X_FACT, (int)l->set->nfacts);
				} else if (strcmp(s, "adult") == 0) {
					int f = new_node(fw, X_FACT, (int)l->set->nfacts);
					n = f < 0 ? -1 : new_node(fw, X_NOT, 0);
					if (n >= 0 && set_kids(fw, n, &f, 1) != 0)
						n = -1;
				} else {
					rc = ld_fail(l, "'%s' is not an age (minor or adult)", s);
				}
			} else if (strcmp(key, "option") == 0) {
				idx = find_option(fw, s);
				if (idx < 0)
					rc = ld_fail(l, "unknown option '%s'", s);
				else
					n = new_node(fw, X_OPTION, (int)idx);
			} else if (l->in_only_if) {
				rc = ld_fail(l, "an only_if may use facts, age and options only");
			} else if (strcmp(key, "indicator") == 0) {
				idx = find_indicator(fw, s);
				if (idx < 0)
					rc = ld_fail(l, "unknown indicator '%s'", s);
				else
					n = new_node(fw, X_IND, (int)idx);
			} else {
				idx = find_element(fw, s, l->elems_done);
				if (idx < 0)
					rc = ld_fail(l, "unknown element '%s' (an element may only use "
						     "elements defined before it)", s);
				else
					n = new_node(fw, X_ELEM, (int)idx);
			}
			path_restore(l, old);
			if (rc)
				goto out;
			if (n < 0)
				goto nomem;
		} else if (strcmp(key, "all") == 0 || strcmp(key, "any") == 0) {
			path_restore(l, old);
			if ((rc = compile_list(l, v, key, &kids, &nk, depth)))
				goto out;
			n = new_node(fw, key[1] == 'l' ? X_ALL : X_ANY, 0);
			if (n < 0 || set_kids(fw, n, kids, nk) != 0)
				goto nomem;
		} else if (strcmp(key, "not") == 0) {
			int c;
			rc = compile_expr(l, v, &c, depth + 1);
			path_restore(l, old);
			if (rc)
				goto out;
			n = new_node(fw, X_NOT, 0);
			if (n < 0 || set_kids(fw, n, &c, 1) != 0)
				goto nomem;
		} else {
			rc = ld_fail(l, "unknown expression '%s'", key);
			path_restore(l, old);
			goto out;
		}
	}
out:
	free(kids);
	*out = n;
	return rc;
nomem:
	free(kids);
	return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- */
/* frameworks                                                        */
/* ---------------------------------------------------------------- */

static void fw_free(struct scr_framework *fw)
{
	if (!fw)
		return;
	free(fw->src.file);
	free(fw->id);
	free(fw->version);
	free(fw->title);
	free(fw->summary);
	free(fw->id_prefix);
	free(fw->rule_text);
	for (int i = 0; i < 3; i++)
		free(fw->meaning[i]);
	for (size_t i = 0; i < fw->nind; i++) {
		free(fw->ind[i].id);
		free(fw->ind[i].label);
		free(fw->ind[i].group);
		free(fw->ind[i].strength);
		free(fw->ind[i].verification);
		free(fw->ind[i].facts);
	}
	free(fw->ind);
	for (size_t i = 0; i < fw->nelem; i++) {
		free(fw->elem[i].id);
		free(fw->elem[i].label);
		free(fw->elem[i].rule_text);
	}
	free(fw->elem);
	for (size_t i = 0; i < fw->nnote; i++)
		free(fw->note[i].text);
	free(fw->note);
	for (size_t i = 0; i < fw->nopt; i++) {
		free(fw->opt[i].id);
		free(fw->opt[i].text);
	}
	free(fw->opt);
	free(fw->nodes);
	free(fw->kids);
	free(fw->refs);
	json_decref(fw->doc);
	free(fw);
}

static dur_err load_citations(struct ld *l, json_t *doc)
{
	static const char *const ckeys[] = { "text", "verification", NULL };
	static const char *const vkeys[] = { "part", "status", "note", NULL };
	json_t *arr;
	dur_err rc;

	if ((rc = get_array(l, doc, "citations", 1, &arr)))
		return rc;
	if (json_array_size(arr) == 0)
		return ld_fail(l, "'citations' must not be empty");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "citations");
		char *a = NULL, *b = NULL;
		json_t *c = json_array_get(arr, i);
		path_index(l, i);
		if (!(rc = must_object(l, c)) && !(rc = check_keys(l, c, ckeys)) &&
		    !(rc = get_str(l, c, "text", 1, 0, &a)))
			rc = get_verification(l, c, "verification", 1, &b);
		free(a);
		free(b);
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	if ((rc = get_array(l, doc, "verification", 1, &arr)))
		return rc;
	if (json_array_size(arr) == 0)
		return ld_fail(l, "'verification' must give the status of at least one part");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "verification");
		char *a = NULL, *b = NULL, *c2 = NULL;
		json_t *c = json_array_get(arr, i);
		path_index(l, i);
		if (!(rc = must_object(l, c)) && !(rc = check_keys(l, c, vkeys)) &&
		    !(rc = get_str(l, c, "part", 1, 0, &a)) &&
		    !(rc = get_str(l, c, "note", 0, 0, &c2)))
			rc = get_verification(l, c, "status", 1, &b);
		free(a);
		free(b);
		free(c2);
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	return DUR_OK;
}

static dur_err load_options(struct ld *l, json_t *doc)
{
	static const char *const keys[] = { "id", "default", "text", "verification", NULL };
	json_t *arr;
	dur_err rc;

	if ((rc = get_array(l, doc, "options", 0, &arr)) || !arr)
		return rc;
	l->fw->opt = calloc(json_array_size(arr) + 1, sizeof(*l->fw->opt));
	if (!l->fw->opt)
		return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "options");
		json_t *o = json_array_get(arr, i);
		struct scr_option *op = &l->fw->opt[l->fw->nopt];
		char *ver = NULL;
		path_index(l, i);
		if (!(rc = must_object(l, o)) && !(rc = check_keys(l, o, keys)) &&
		    !(rc = get_str(l, o, "id", 1, 1, &op->id)) &&
		    !(rc = get_str(l, o, "text", 1, 0, &op->text)) &&
		    !(rc = get_verification(l, o, "verification", 0, &ver))) {
			json_t *d = json_object_get(o, "default");
			l->fw->nopt++;
			if (!json_is_boolean(d)) {
				size_t o2 = path_key(l, "default");
				rc = ld_fail(l, "must be true or false");
				path_restore(l, o2);
			} else {
				op->value = json_is_true(d);
			}
			if (!rc && find_option(l->fw, op->id) != (long)l->fw->nopt - 1)
				rc = ld_fail(l, "duplicate option '%s'", op->id);
		} else if (op->id || op->text) {
			l->fw->nopt++;
		}
		free(ver);
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	return DUR_OK;
}

static dur_err load_indicator(struct ld *l, json_t *ji, struct scr_indicator *ind)
{
	static const char *const keys[] = { "id", "label", "group", "strength", "verification",
					    "facts", "only_if", "note", NULL };
	struct scr_framework *fw = l->fw;
	json_t *facts, *oi;
	char *note = NULL;
	int any = -1, cond = -1, *fk = NULL, n;
	dur_err rc;

	if ((rc = must_object(l, ji)) || (rc = check_keys(l, ji, keys)) ||
	    (rc = get_str(l, ji, "id", 1, 2, &ind->id)) ||
	    (rc = get_str(l, ji, "label", 1, 0, &ind->label)) ||
	    (rc = get_str(l, ji, "group", 0, 1, &ind->group)) ||
	    (rc = get_str(l, ji, "strength", 0, 0, &ind->strength)) ||
	    (rc = get_str(l, ji, "note", 0, 0, &note)) ||
	    (rc = get_verification(l, ji, "verification", 1, &ind->verification)) ||
	    (rc = get_array(l, ji, "facts", 1, &facts)))
		goto out;
	if (ind->strength && strcmp(ind->strength, "strong") != 0 &&
	    strcmp(ind->strength, "medium") != 0 && strcmp(ind->strength, "weak") != 0) {
		size_t o = path_key(l, "strength");
		rc = ld_fail(l, "'%s' is not a strength (strong, medium, weak)", ind->strength);
		path_restore(l, o);
		goto out;
	}
	if (json_array_size(facts) == 0) {
		size_t o = path_key(l, "facts");
		rc = ld_fail(l, "must name at least one fact (an indicator nobody is asked about "
			     "would stay unknown for ever)");
		path_restore(l, o);
		goto out;
	}
	ind->facts = calloc(json_array_size(facts), sizeof(*ind->facts));
	fk = calloc(json_array_size(facts), sizeof(*fk));
	if (!ind->facts || !fk)
		goto nomem;
	for (size_t i = 0; i < json_array_size(facts); i++) {
		const char *s = json_string_value(json_array_get(facts, i));
		size_t o1 = path_key(l, "facts");
		long q;
		path_index(l, i);
		q = s ? find_question(l->set, s) : -1;
		if (!s)
			rc = ld_fail(l, "must be a string");
		else if (q < 0)
			rc = ld_fail(l, "unknown fact '%s'", s);
		else if (l->set->q[q].kind != Q_YESNO)
			rc = ld_fail(l, "'%s' is not a yes/no fact: the age is read with "
				     "{\"age\": ...} and the sector never", s);
		path_restore(l, o1);
		if (rc)
			goto out;
		ind->facts[ind->nfacts++] = l->set->q[q].fact;
		fk[i] = new_node(fw, X_FACT, l->set->q[q].fact);
		if (fk[i] < 0)
			goto nomem;
	}
	any = new_node(fw, X_ANY, 0);
	if (any < 0 || set_kids(fw, any, fk, ind->nfacts) != 0)
		goto nomem;
	oi = json_object_get(ji, "only_if");
	if (oi) {
		size_t o = path_key(l, "only_if");
		l->in_only_if = 1;
		rc = compile_expr(l, oi, &cond, 0);
		l->in_only_if = 0;
		path_restore(l, o);
		if (rc)
			goto out;
	}
	/* commercial_sex: only a minors rule reads it (the kind of work is never evidence) */
	for (size_t i = 0; i < ind->nfacts; i++)
		if (question_minors_only(l->set, ind->facts[i])) {
			int ok = 0;
			json_t *m = oi ? json_object_get(oi, "age") : NULL;
			if (m && json_is_string(m) && strcmp(json_string_value(m), "minor") == 0)
				ok = 1;
			if (oi && json_is_array(json_object_get(oi, "all")))
				for (size_t k = 0; k < json_array_size(json_object_get(oi, "all")); k++) {
					json_t *a = json_array_get(json_object_get(oi, "all"), k);
					json_t *am = json_is_object(a) ? json_object_get(a, "age") : NULL;
					if (json_object_size(a) == 1 && json_is_string(am) &&
					    strcmp(json_string_value(am), "minor") == 0)
						ok = 1;
				}
			if (!ok) {
				size_t o = path_key(l, "facts");
				rc = ld_fail(l, "'%s' may only feed an indicator whose only_if requires "
					     "{\"age\": \"minor\"}: the kind of work is never evidence",
					     l->set->q[l->set->fact_q[ind->facts[i]]].id);
				path_restore(l, o);
				goto out;
			}
		}
	if (cond < 0) {
		ind->node = any;
	} else {
		int both[2] = { any, cond };
		n = new_node(fw, X_ALL, 0);
		if (n < 0 || set_kids(fw, n, both, 2) != 0)
			goto nomem;
		ind->node = n;
	}
out:
	free(note);
	free(fk);
	return rc;
nomem:
	free(note);
	free(fk);
	return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
}

static dur_err load_indicators(struct ld *l, json_t *doc)
{
	json_t *arr;
	dur_err rc;

	if ((rc = get_array(l, doc, "indicators", 1, &arr)))
		return rc;
	if (json_array_size(arr) == 0)
		return ld_fail(l, "'indicators' must not be empty");
	l->fw->ind = calloc(json_array_size(arr), sizeof(*l->fw->ind));
	if (!l->fw->ind)
		return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "indicators");
		struct scr_indicator *ind = &l->fw->ind[i];
		path_index(l, i);
		rc = load_indicator(l, json_array_get(arr, i), ind);
		l->fw->nind++;
		if (!rc && find_indicator(l->fw, ind->id) != (long)i) {
			size_t o2 = path_key(l, "id");
			rc = ld_fail(l, "duplicate indicator id '%s'", ind->id);
			path_restore(l, o2);
		}
		if (!rc && strncmp(ind->id, l->fw->id_prefix, strlen(l->fw->id_prefix)) != 0) {
			size_t o2 = path_key(l, "id");
			rc = ld_fail(l, "indicator id '%s' must start with '%s'", ind->id,
				     l->fw->id_prefix);
			path_restore(l, o2);
		}
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	return DUR_OK;
}

static dur_err load_elements(struct ld *l, json_t *doc)
{
	static const char *const keys[] = { "id", "label", "rule", "rule_text", NULL };
	json_t *arr;
	dur_err rc;

	if ((rc = get_array(l, doc, "elements", 1, &arr)))
		return rc;
	l->fw->elem = calloc(json_array_size(arr) + 1, sizeof(*l->fw->elem));
	if (!l->fw->elem)
		return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "elements");
		json_t *je = json_array_get(arr, i);
		struct scr_element *el = &l->fw->elem[i];
		path_index(l, i);
		l->fw->nelem++;
		l->elems_done = i;
		if (!(rc = must_object(l, je)) && !(rc = check_keys(l, je, keys)) &&
		    !(rc = get_str(l, je, "id", 1, 1, &el->id)) &&
		    !(rc = get_str(l, je, "label", 1, 0, &el->label)) &&
		    !(rc = get_str(l, je, "rule_text", 1, 0, &el->rule_text))) {
			if (find_element(l->fw, el->id, i) >= 0) {
				rc = ld_fail(l, "duplicate element id '%s'", el->id);
			} else if (!json_object_get(je, "rule")) {
				rc = ld_fail(l, "missing key 'rule'");
			} else {
				size_t o2 = path_key(l, "rule");
				rc = compile_expr(l, json_object_get(je, "rule"), &el->node, 0);
				path_restore(l, o2);
			}
		}
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	l->elems_done = l->fw->nelem;
	return DUR_OK;
}

static dur_err load_verdict(struct ld *l, json_t *doc)
{
	static const char *const keys[] = { "rule", "rule_text", "indicated", "not_indicated",
					    "insufficient_information", NULL };
	json_t *v = json_object_get(doc, "verdict");
	size_t o1 = path_key(l, "verdict");
	dur_err rc;

	if (!v) {
		path_restore(l, o1);
		return ld_fail(l, "missing key 'verdict'");
	}
	if (!(rc = must_object(l, v)) && !(rc = check_keys(l, v, keys)) &&
	    !(rc = get_str(l, v, "rule_text", 1, 0, &l->fw->rule_text)) &&
	    !(rc = get_str(l, v, "indicated", 1, 0, &l->fw->meaning[DUR_SCREEN_INDICATED])) &&
	    !(rc = get_str(l, v, "not_indicated", 1, 0,
			   &l->fw->meaning[DUR_SCREEN_NOT_INDICATED])) &&
	    !(rc = get_str(l, v, "insufficient_information", 1, 0,
			   &l->fw->meaning[DUR_SCREEN_INSUFFICIENT]))) {
		if (!json_object_get(v, "rule")) {
			rc = ld_fail(l, "missing key 'rule'");
		} else {
			size_t o2 = path_key(l, "rule");
			rc = compile_expr(l, json_object_get(v, "rule"), &l->fw->rule, 0);
			path_restore(l, o2);
		}
	}
	path_restore(l, o1);
	return rc;
}

static dur_err load_notes(struct ld *l, json_t *doc)
{
	static const char *const keys[] = { "when", "text", NULL };
	json_t *arr;
	dur_err rc;

	if ((rc = get_array(l, doc, "notes", 0, &arr)) || !arr)
		return rc;
	l->fw->note = calloc(json_array_size(arr) + 1, sizeof(*l->fw->note));
	if (!l->fw->note)
		return dur_error_set(l->err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o1 = path_key(l, "notes");
		json_t *jn = json_array_get(arr, i);
		struct scr_note *nt = &l->fw->note[i];
		path_index(l, i);
		l->fw->nnote++;
		if (!(rc = must_object(l, jn)) && !(rc = check_keys(l, jn, keys)) &&
		    !(rc = get_str(l, jn, "text", 1, 0, &nt->text))) {
			if (!json_object_get(jn, "when")) {
				rc = ld_fail(l, "missing key 'when'");
			} else {
				size_t o2 = path_key(l, "when");
				rc = compile_expr(l, json_object_get(jn, "when"), &nt->node, 0);
				path_restore(l, o2);
			}
		}
		path_restore(l, o1);
		if (rc)
			return rc;
	}
	return DUR_OK;
}

/*
 * Walk the rule, recording every fact it can read (refs) and those read
 * under a negation (split).  Kleene logic is exact for formulas without
 * negation; evaluation case-splits on the unknown facts in `split`, which
 * makes the verdict exact (see eval.c).
 */
struct walk_memo {
	uint8_t *ind;    /* bit 1: walked positively, bit 2: negatively */
	uint8_t *elem;
};

static int walk(struct scr_framework *fw, int n, int neg, uint8_t *seen, uint8_t *negseen,
		struct walk_memo *memo, size_t depth)
{
	const struct scr_xnode *x = &fw->nodes[n];
	uint8_t bit = neg ? 2 : 1;

	if (depth > 256)
		return -1;
	switch (x->kind) {
	case X_FACT:
		seen[x->arg] = 1;
		if (neg)
			negseen[x->arg] = 1;
		return 0;
	case X_OPTION:
		return 0;
	case X_IND:
		/* each indicator and element once per polarity: rules are DAGs */
		if (memo->ind[x->arg] & bit)
			return 0;
		memo->ind[x->arg] |= bit;
		return walk(fw, fw->ind[x->arg].node, neg, seen, negseen, memo, depth + 1);
	case X_ELEM:
		if (memo->elem[x->arg] & bit)
			return 0;
		memo->elem[x->arg] |= bit;
		return walk(fw, fw->elem[x->arg].node, neg, seen, negseen, memo, depth + 1);
	case X_NOT:
		return walk(fw, fw->kids[x->kids], !neg, seen, negseen, memo, depth + 1);
	default:
		for (size_t i = 0; i < x->nkids; i++)
			if (walk(fw, fw->kids[x->kids + i], neg, seen, negseen, memo, depth + 1) != 0)
				return -1;
		return 0;
	}
}

static dur_err analyse(struct ld *l)
{
	struct scr_framework *fw = l->fw;
	size_t nv = l->set->nfacts + 1;
	uint8_t *seen = calloc(nv, 1), *negseen = calloc(nv, 1);
	struct walk_memo memo = { calloc(fw->nind + 1, 1), calloc(fw->nelem + 1, 1) };
	dur_err rc = DUR_OK;

	if (!seen || !negseen || !memo.ind || !memo.elem ||
	    !(fw->refs = calloc(nv, sizeof(*fw->refs)))) {
		rc = dur_error_set(l->err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	if (walk(fw, fw->rule, 0, seen, negseen, &memo, 0) != 0) {
		strcpy(l->path, "$.verdict.rule");
		rc = ld_fail(l, "rule nested too deeply");
		goto out;
	}
	for (size_t f = 0; f < nv; f++) {
		if (seen[f])
			fw->refs[fw->nrefs++] = (int)f;
		if (negseen[f]) {
			if (fw->nsplit == SCR_MAX_SPLIT) {
				strcpy(l->path, "$.verdict.rule");
				rc = ld_fail(l, "more than %d facts are read under 'not'",
					     SCR_MAX_SPLIT);
				goto out;
			}
			fw->split[fw->nsplit++] = (int)f;
		}
	}
out:
	free(seen);
	free(negseen);
	free(memo.ind);
	free(memo.elem);
	return rc;
}

dur_err dur_framework_set_add(dur_framework_set *set, const char *buf, size_t len,
			      const char *name, struct dur_error *err)
{
	static const char *const keys[] = { "id", "id_prefix", "version", "title", "summary",
					    "citations",
					    "verification", "options", "indicators", "elements",
					    "verdict", "notes", NULL };
	struct ld l = { 0 };
	struct scr_framework *fw = NULL, **nf;
	json_t *doc = NULL;
	dur_err rc;

	l.name = name ? name : "<framework>";
	l.err = err;
	l.set = set;
	strcpy(l.path, "$");
	if (!set->have_bank)
		return dur_error_set(err, DUR_EINVAL,
				     "'%s': load the question bank before any framework", l.name);
	if ((rc = parse_doc(buf, len, l.name, &doc, err)))
		return rc;
	fw = calloc(1, sizeof(*fw));
	if (!fw) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	l.fw = fw;
	fw->rule = -1;
	if ((rc = check_keys(&l, doc, keys)) || (rc = get_str(&l, doc, "id", 1, 1, &fw->id)) ||
	    (rc = get_str(&l, doc, "version", 1, 0, &fw->version)) ||
	    (rc = get_str(&l, doc, "title", 1, 0, &fw->title)) ||
	    (rc = get_str(&l, doc, "summary", 1, 0, &fw->summary)) ||
	    (rc = get_str(&l, doc, "id_prefix", 0, 2, &fw->id_prefix)))
		goto out;
	if (!fw->id_prefix) {
		size_t n = strlen(fw->id) + 2;
		if (!(fw->id_prefix = malloc(n))) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(fw->id_prefix, n, "%s.", fw->id);
	}
	if ((rc = load_citations(&l, doc)) || (rc = load_options(&l, doc)) ||
	    (rc = load_indicators(&l, doc)) || (rc = load_elements(&l, doc)) ||
	    (rc = load_verdict(&l, doc)) || (rc = load_notes(&l, doc)) || (rc = analyse(&l)))
		goto out;
	if (dur_framework_set_find(set, fw->id) >= 0) {
		strcpy(l.path, "$.id");
		rc = ld_fail(&l, "framework '%s' is already loaded", fw->id);
		goto out;
	}
	nf = realloc(set->fw, (set->nfw + 1) * sizeof(*nf));
	if (!nf) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	set->fw = nf;
	if (scr_source_set(&fw->src, l.name, buf, len)) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	fw->doc = doc;
	doc = NULL;
	set->fw[set->nfw++] = fw;
	fw = NULL;
out:
	fw_free(fw);
	json_decref(doc);
	return rc;
}

dur_framework_set *dur_framework_set_alloc(void)
{
	return calloc(1, sizeof(dur_framework_set));
}

void dur_framework_set_free(dur_framework_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nfw; i++)
		fw_free(set->fw[i]);
	free(set->fw);
	for (size_t i = 0; i < set->nq; i++) {
		free(set->q[i].id);
		free(set->q[i].text);
		free(set->q[i].section);
		free(set->q[i].help);
	}
	free(set->q);
	free(set->fact_q);
	free(set->bank_version);
	free(set->bank_title);
	free(set->bank_intro);
	json_decref(set->bank_doc);
	free(set->bank_src.file);
	free(set);
}

static void source_out(const struct scr_source *s, const char *id, const char *version,
		       struct dur_framework_source *out)
{
	out->file = s->file;
	out->id = id;
	out->version = version;
	out->size = s->size;
	out->sha256 = s->sha256;
}

dur_err dur_framework_set_bank_source(const dur_framework_set *set,
				      struct dur_framework_source *out, struct dur_error *err)
{
	if (!set->have_bank)
		return dur_error_set(err, DUR_EINVAL, "no question bank is loaded");
	source_out(&set->bank_src, "questions", set->bank_version, out);
	return DUR_OK;
}

dur_err dur_framework_set_source(const dur_framework_set *set, size_t i,
				 struct dur_framework_source *out, struct dur_error *err)
{
	if (i >= set->nfw)
		return dur_error_set(err, DUR_EINVAL, "there is no framework %zu", i);
	source_out(&set->fw[i]->src, set->fw[i]->id, set->fw[i]->version, out);
	return DUR_OK;
}

size_t dur_framework_set_count(const dur_framework_set *set)
{
	return set ? set->nfw : 0;
}

long dur_framework_set_find(const dur_framework_set *set, const char *id)
{
	for (size_t i = 0; set && i < set->nfw; i++)
		if (strcmp(set->fw[i]->id, id) == 0)
			return (long)i;
	return -1;
}

dur_err dur_framework_set_option(dur_framework_set *set, const char *framework,
				 const char *option, int value, struct dur_error *err)
{
	long f = dur_framework_set_find(set, framework);
	long o;

	if (f < 0)
		return dur_error_set(err, DUR_EINVAL, "unknown framework '%s'", framework);
	o = find_option(set->fw[f], option);
	if (o < 0)
		return dur_error_set(err, DUR_EINVAL, "framework '%s' has no option '%s'",
				     framework, option);
	set->fw[f]->opt[o].value = value ? 1 : 0;
	return DUR_OK;
}

const char *scr_fact_name(const dur_framework_set *set, int f)
{
	if ((size_t)f >= set->nfacts)
		return "age";
	return set->q[set->fact_q[f]].id;
}

/* ---------------------------------------------------------------- */
/* a directory                                                       */
/* ---------------------------------------------------------------- */

static dur_err read_whole(const char *path, char **buf, size_t *len, struct dur_error *err)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return dur_error_set(err, DUR_EIO, "cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb;
			cap = cap ? 2 * cap : 65536;
			if (cap > SCR_MAX_FILE + 65536)
				cap = SCR_MAX_FILE + 65536;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				fclose(f);
				return dur_error_set(err, DUR_ENOMEM, "out of memory");
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n > SCR_MAX_FILE) {
			free(b);
			fclose(f);
			return dur_error_set(err, DUR_ELIMIT, "'%s' is too large (over %u bytes)",
					     path, SCR_MAX_FILE);
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(b);
		fclose(f);
		return dur_error_set(err, DUR_EIO, "cannot read '%s': %s", path, strerror(e));
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return DUR_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static dur_err load_file(dur_framework_set *set, const char *dir, const char *file, int bank,
			 struct dur_error *err)
{
	size_t n = strlen(dir) + strlen(file) + 2;
	char *path = malloc(n), *buf = NULL;
	size_t len;
	dur_err rc;

	if (!path)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	snprintf(path, n, "%s/%s", dir, file);
	rc = read_whole(path, &buf, &len, err);
	if (!rc)
		rc = bank ? dur_framework_set_load_bank(set, buf, len, path, err)
			  : dur_framework_set_add(set, buf, len, path, err);
	free(buf);
	free(path);
	return rc;
}

dur_err dur_framework_set_load_dir(dur_framework_set *set, const char *dir,
				   struct dur_error *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, cap = 0;
	dur_err rc = DUR_OK;

	if ((rc = load_file(set, dir, "questions.json", 1, err)))
		return rc;
	d = opendir(dir);
	if (!d)
		return dur_error_set(err, DUR_EIO, "cannot open '%s': %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || de->d_name[0] == '.' || strcmp(de->d_name + l - 5, ".json") != 0 ||
		    strcmp(de->d_name, "questions.json") == 0)
			continue;
		if (nn == cap) {
			char **nb;
			cap = cap ? 2 * cap : 16;
			if (cap > 4096) {
				rc = dur_error_set(err, DUR_ELIMIT, "'%s': too many files", dir);
				goto out;
			}
			nb = realloc(names, cap * sizeof(*nb));
			if (!nb) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			names = nb;
		}
		if (!(names[nn] = scr_strdup(de->d_name))) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
		nn++;
	}
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nn && !rc; i++)
		rc = load_file(set, dir, names[i], 0, err);
	if (!rc && set->nfw == 0)
		rc = dur_error_set(err, DUR_ESCHEMA, "'%s': no framework files (*.json)", dir);
out:
	closedir(d);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return rc;
}
