/*
 * The case record: what the store seals for one person, how it turns
 * into the case of `duress screen` and back, and its screening history.
 *
 * Body (sealed, docs/serve.md "case records"):
 *   {"v": 1, "id", "label", "age", "age_declined", "sector", "notes",
 *    "status", "person_lang", "person": {given_name, surname,
 *    date_of_birth, sex, nationality}, "answers": {fact: yes|no|unknown|
 *    declined}, "created", "updated", "created_by", "updated_by",
 *    "revision", "history": [{"at", "by", "questions_version",
 *    "results": [{"framework", "version", "verdict"}]}]}
 * Meta (sealed too; what a list needs):
 *   {"id", "label", "age" (minor|adult|unknown), "sector", "status", "by",
 *    "created", "updated", "revision", "screened", "verdicts": {fw: v}}
 *
 * An answer is one of five: not asked (absent), yes, no, "I don't know"
 * and "prefer not to say".  The last three are all unknown to the rules
 * (Kleene: never read as no); the record keeps them apart because "the
 * person would rather not say" is not "the person does not know".
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <duress/csv.h>

static const char *const STATUSES[] = { "Active", "FollowUp", "Closed", "ClosedReferred", NULL };

static int status_valid(const char *s)
{
	for (size_t i = 0; STATUSES[i]; i++)
		if (strcmp(s, STATUSES[i]) == 0)
			return 1;
	return 0;
}

dur_err srv_case_init(struct srv_case *c, const dur_serve *srv)
{
	memset(c, 0, sizeof(*c));
	c->nq = srv->bank.nq;
	strcpy(c->age, "unknown");
	strcpy(c->status, "Active");
	if (!(c->answers = calloc(c->nq + 1, 1)) || !(c->history = json_array())) {
		free(c->answers);
		c->answers = NULL;
		return DUR_ENOMEM;
	}
	return DUR_OK;
}

static void wipe_str(char **s)
{
	if (*s) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
	}
	*s = NULL;
}

void srv_case_release(struct srv_case *c)
{
	wipe_str(&c->label);
	wipe_str(&c->sector);
	wipe_str(&c->notes);
	wipe_str(&c->given_name);
	wipe_str(&c->surname);
	wipe_str(&c->date_of_birth);
	wipe_str(&c->sex);
	wipe_str(&c->nationality);
	if (c->answers) {
		sodium_memzero(c->answers, c->nq);
		free(c->answers);
	}
	json_decref(c->history);
	sodium_memzero(c, sizeof(*c));
}

dur_err srv_case_set_text(char **dst, const char *s, size_t max, int multiline, const char *what,
			  struct dur_error *err)
{
	size_t n, start = 0;
	char *d;

	if (!s)
		s = "";
	n = strlen(s);
	while (start < n && (s[start] == ' ' || s[start] == '\t' || s[start] == '\n' ||
			     s[start] == '\r'))
		start++;
	while (n > start && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			     s[n - 1] == '\r'))
		n--;
	if (n - start > max)
		return dur_error_set(err, DUR_ELIMIT, "the %s is longer than %zu bytes", what, max);
	if (dur_utf8_check(s + start, n - start, NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "the %s is not valid UTF-8", what);
	if (!(d = malloc(n - start + 1)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	/* control characters go; notes keep their lines (CRLF from a form becomes LF) */
	{
		size_t o = 0;
		for (size_t i = start; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch == '\r')
				continue;
			if (ch < 0x20 || ch == 0x7f)
				ch = (multiline && (ch == '\n' || ch == '\t')) ? ch : ' ';
			d[o++] = (char)ch;
		}
		d[o] = '\0';
	}
	wipe_str(dst);
	*dst = d;
	return DUR_OK;
}

const char *srv_case_age_group(const struct srv_case *c)
{
	if (strcmp(c->age, "minor") == 0 || strcmp(c->age, "adult") == 0)
		return c->age;
	if (strcmp(c->age, "unknown") == 0)
		return "unknown";
	return atof(c->age) < 18 ? "minor" : "adult";
}

static const char *answer_name(char a)
{
	return a == 'y' ? "yes" : a == 'n' ? "no" : a == 'u' ? "unknown" : a == 'd' ? "declined"
	       : NULL;
}

static char answer_code(const char *s)
{
	return !s ? 0 : strcmp(s, "yes") == 0 ? 'y' : strcmp(s, "no") == 0 ? 'n'
	       : strcmp(s, "unknown") == 0 ? 'u' : strcmp(s, "declined") == 0 ? 'd' : 0;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

static json_t *person_json(const struct srv_case *c)
{
	json_t *p = json_object();
	set_str(p, "given_name", c->given_name);
	set_str(p, "surname", c->surname);
	set_str(p, "date_of_birth", c->date_of_birth);
	set_str(p, "sex", c->sex);
	set_str(p, "nationality", c->nationality);
	return p;
}

json_t *srv_case_to_json(const struct srv_case *c, const dur_serve *srv)
{
	json_t *j = json_object(), *ans = json_object();

	if (!j || !ans) {
		json_decref(j);
		json_decref(ans);
		return NULL;
	}
	json_object_set_new(j, "v", json_integer(1));
	json_object_set_new(j, "id", json_string(c->id));
	set_str(j, "label", c->label);
	json_object_set_new(j, "age", json_string(c->age));
	json_object_set_new(j, "age_declined", json_boolean(c->age_declined));
	set_str(j, "sector", c->sector);
	set_str(j, "notes", c->notes);
	json_object_set_new(j, "status", json_string(c->status));
	set_str(j, "person_lang", c->person_lang);
	json_object_set_new(j, "person", person_json(c));
	for (size_t i = 0; i < c->nq; i++)
		if (answer_name(c->answers[i]))
			json_object_set_new(ans, srv->bank.q[i].id,
					    json_string(answer_name(c->answers[i])));
	json_object_set_new(j, "answers", ans);
	json_object_set_new(j, "created", json_integer(c->created));
	json_object_set_new(j, "updated", json_integer(c->updated));
	json_object_set_new(j, "created_by", json_string(c->created_by));
	json_object_set_new(j, "updated_by", json_string(c->updated_by));
	json_object_set_new(j, "revision", json_integer(c->revision));
	json_object_set(j, "history", c->history);
	return j;
}

static dur_err get_text(const json_t *o, const char *k, char **dst, size_t max, int multi,
			struct dur_error *err)
{
	const json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return DUR_OK;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return dur_error_set(err, DUR_EPARSE, "'%s' must be a string", k);
	return srv_case_set_text(dst, json_string_value(v), max, multi, k, err);
}

static void copy_name(char *dst, size_t size, const json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

dur_err srv_case_from_json(struct srv_case *c, const dur_serve *srv, const char *text,
			   size_t len, struct dur_error *err)
{
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL), *ans, *p, *h;
	const char *k;
	json_t *v;
	dur_err rc = DUR_OK;

	if (!j || !json_is_object(j) || json_integer_value(json_object_get(j, "v")) != 1) {
		rc = dur_error_set(err, DUR_EDATA, "a case record cannot be read");
		goto out;
	}
	copy_name(c->id, sizeof(c->id), json_object_get(j, "id"));
	copy_name(c->age, sizeof(c->age), json_object_get(j, "age"));
	if (!c->age[0])
		strcpy(c->age, "unknown");
	c->age_declined = json_is_true(json_object_get(j, "age_declined"));
	copy_name(c->status, sizeof(c->status), json_object_get(j, "status"));
	if (!status_valid(c->status))
		strcpy(c->status, "Active");
	copy_name(c->person_lang, sizeof(c->person_lang), json_object_get(j, "person_lang"));
	copy_name(c->created_by, sizeof(c->created_by), json_object_get(j, "created_by"));
	copy_name(c->updated_by, sizeof(c->updated_by), json_object_get(j, "updated_by"));
	c->created = json_integer_value(json_object_get(j, "created"));
	c->updated = json_integer_value(json_object_get(j, "updated"));
	c->revision = json_integer_value(json_object_get(j, "revision"));
	if ((rc = get_text(j, "label", &c->label, SRV_MAX_TEXT, 0, err)) ||
	    (rc = get_text(j, "sector", &c->sector, SRV_MAX_TEXT, 0, err)) ||
	    (rc = get_text(j, "notes", &c->notes, SRV_MAX_NOTES, 1, err)))
		goto out;
	if ((p = json_object_get(j, "person")) &&
	    ((rc = get_text(p, "given_name", &c->given_name, SRV_MAX_TEXT, 0, err)) ||
	     (rc = get_text(p, "surname", &c->surname, SRV_MAX_TEXT, 0, err)) ||
	     (rc = get_text(p, "date_of_birth", &c->date_of_birth, SRV_MAX_TEXT, 0, err)) ||
	     (rc = get_text(p, "sex", &c->sex, SRV_MAX_TEXT, 0, err)) ||
	     (rc = get_text(p, "nationality", &c->nationality, SRV_MAX_TEXT, 0, err))))
		goto out;
	ans = json_object_get(j, "answers");
	json_object_foreach(ans, k, v) {
		/* a question the bank no longer has is dropped: the bank changed */
		long q = srv_question_index(&srv->bank, k);
		if (q >= 0 && srv->bank.q[q].kind == SRV_Q_YESNO)
			c->answers[q] = answer_code(json_string_value(v));
	}
	if ((h = json_object_get(j, "history")) && json_is_array(h)) {
		json_decref(c->history);
		c->history = json_incref(h);
	}
out:
	json_decref(j);
	return rc;
}

/* ---- the API form ------------------------------------------------------- */

json_t *srv_case_to_api(const struct srv_case *c, const dur_serve *srv)
{
	json_t *j = json_object(), *facts = json_object(), *dec = json_array();
	char *end;
	double years;

	json_object_set_new(j, "id", json_string(c->id));
	set_str(j, "case_id", c->label);
	/* as `duress screen` writes it: an age in years stays a number */
	years = strtod(c->age, &end);
	if (c->age[0] >= '0' && c->age[0] <= '9' && !*end)
		json_object_set_new(j, "age", years == (double)(long long)years
					   ? json_integer((json_int_t)years) : json_real(years));
	else
		json_object_set_new(j, "age", json_string(c->age));
	json_object_set_new(j, "sector", json_string(c->sector ? c->sector : ""));
	for (size_t i = 0; i < c->nq; i++) {
		char a = c->answers[i];
		if (!a)
			continue;
		json_object_set_new(facts, srv->bank.q[i].id,
				    json_string(a == 'y' ? "yes" : a == 'n' ? "no" : "unknown"));
		if (a == 'd')
			json_array_append_new(dec, json_string(srv->bank.q[i].id));
	}
	if (c->age_declined)
		json_array_append_new(dec, json_string("age"));
	json_object_set_new(j, "facts", facts);
	json_object_set_new(j, "declined", dec);
	json_object_set_new(j, "notes", json_string(c->notes ? c->notes : ""));
	json_object_set_new(j, "status", json_string(c->status));
	set_str(j, "person_lang", c->person_lang);
	json_object_set_new(j, "person", person_json(c));
	json_object_set_new(j, "revision", json_integer(c->revision));
	json_object_set_new(j, "created", json_integer(c->created));
	json_object_set_new(j, "updated", json_integer(c->updated));
	json_object_set_new(j, "created_by", json_string(c->created_by));
	json_object_set_new(j, "updated_by", json_string(c->updated_by));
	json_object_set(j, "history", c->history);
	return j;
}

dur_err srv_case_from_api(struct srv_case *c, const dur_serve *srv, json_t *j, int partial,
			  long long *revision, struct dur_error *err)
{
	static const char *const screen_keys[] = { "case_id", "age", "sector", "facts", NULL };
	static const char *const own_keys[] = { "notes", "declined", "status", "person_lang",
						"person", "revision", NULL };
	/* what GET returns but a client cannot set: accepted and left alone */
	static const char *const read_only[] = { "id", "created", "updated", "created_by",
						 "updated_by", "history", NULL };
	static const char *const person_keys[] = { "given_name", "surname", "date_of_birth", "sex",
						   "nationality", NULL };
	json_t *sub = json_object(), *facts, *dec, *v, *p;
	dur_screen_case *sc = NULL;
	const char *k;
	char *text = NULL;
	size_t i;
	dur_err rc = DUR_OK;

	(void)partial;
	*revision = -1;
	if (!sub)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	json_object_foreach(j, k, v) {
		int known = 0;
		for (i = 0; screen_keys[i]; i++)
			if (strcmp(k, screen_keys[i]) == 0) {
				json_object_set(sub, k, v);
				known = 1;
			}
		for (i = 0; own_keys[i]; i++)
			known |= strcmp(k, own_keys[i]) == 0;
		for (i = 0; read_only[i]; i++)
			known |= strcmp(k, read_only[i]) == 0;
		if (!known) {
			rc = dur_error_set(err, DUR_EPARSE, "unknown key '%.64s'", k);
			goto out;
		}
	}
	/* the screening part is read by the screen module itself: the same rules as `duress screen` */
	if (!(text = json_dumps(sub, JSON_COMPACT)) || !(sc = dur_screen_case_alloc(srv->set))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = dur_screen_case_parse_json(sc, text, strlen(text), "case", err)))
		goto out;
	if ((rc = srv_case_set_text(&c->label, dur_screen_case_id(sc), SRV_MAX_TEXT, 0, "case_id",
				    err)) ||
	    (rc = srv_case_set_text(&c->sector, dur_screen_case_sector(sc), SRV_MAX_TEXT, 0,
				    "sector", err)))
		goto out;
	snprintf(c->age, sizeof(c->age), "%s", dur_screen_case_age(sc));
	memset(c->answers, 0, c->nq);
	c->age_declined = 0;
	facts = json_object_get(sub, "facts");
	json_object_foreach(facts, k, v) {
		long q = srv_question_index(&srv->bank, k);
		if (q >= 0)
			c->answers[q] = answer_code(json_string_value(v));
	}
	if ((dec = json_object_get(j, "declined"))) {
		if (!json_is_array(dec)) {
			rc = dur_error_set(err, DUR_EPARSE, "'declined' must be a list of question ids");
			goto out;
		}
		json_array_foreach(dec, i, v) {
			const char *id = json_string_value(v);
			long q = id ? srv_question_index(&srv->bank, id) : -1;
			if (id && strcmp(id, "age") == 0) {
				if (strcmp(c->age, "unknown") != 0) {
					rc = dur_error_set(err, DUR_EPARSE, "declined[%zu]: the age is "
							   "given", i);
					goto out;
				}
				c->age_declined = 1;
				continue;
			}
			if (q < 0 || srv->bank.q[q].kind != SRV_Q_YESNO) {
				rc = dur_error_set(err, DUR_EPARSE, "declined[%zu]: not a yes/no "
						   "question of the bank", i);
				goto out;
			}
			/* "prefer not to say" is unknown to the rules: it cannot also be yes or no */
			if (c->answers[q] == 'y' || c->answers[q] == 'n') {
				rc = dur_error_set(err, DUR_EPARSE, "declined[%zu]: '%s' also has an "
						   "answer", i, id);
				goto out;
			}
			c->answers[q] = 'd';
		}
	}
	if ((rc = get_text(j, "notes", &c->notes, SRV_MAX_NOTES, 1, err)))
		goto out;
	if ((v = json_object_get(j, "status"))) {
		if (!json_is_string(v) || !status_valid(json_string_value(v))) {
			rc = dur_error_set(err, DUR_EPARSE, "'status' is Active, FollowUp, Closed or "
					   "ClosedReferred");
			goto out;
		}
		snprintf(c->status, sizeof(c->status), "%s", json_string_value(v));
	}
	if ((v = json_object_get(j, "person_lang"))) {
		if (!json_is_string(v) || (*json_string_value(v) &&
					   !srv_lang_code(srv, json_string_value(v)))) {
			rc = dur_error_set(err, DUR_EPARSE, "'person_lang' is a language served here");
			goto out;
		}
		snprintf(c->person_lang, sizeof(c->person_lang), "%s",
			 *json_string_value(v) ? srv_lang_code(srv, json_string_value(v)) : "");
	}
	if ((p = json_object_get(j, "person"))) {
		if (!json_is_object(p)) {
			rc = dur_error_set(err, DUR_EPARSE, "'person' must be an object");
			goto out;
		}
		json_object_foreach(p, k, v) {
			int known = 0;
			for (i = 0; person_keys[i]; i++)
				known |= strcmp(k, person_keys[i]) == 0;
			if (!known) {
				rc = dur_error_set(err, DUR_EPARSE, "person: unknown key '%.64s'", k);
				goto out;
			}
		}
		if ((rc = get_text(p, "given_name", &c->given_name, SRV_MAX_TEXT, 0, err)) ||
		    (rc = get_text(p, "surname", &c->surname, SRV_MAX_TEXT, 0, err)) ||
		    (rc = get_text(p, "date_of_birth", &c->date_of_birth, SRV_MAX_TEXT, 0, err)) ||
		    (rc = get_text(p, "sex", &c->sex, SRV_MAX_TEXT, 0, err)) ||
		    (rc = get_text(p, "nationality", &c->nationality, SRV_MAX_TEXT, 0, err)))
			goto out;
	}
	if ((v = json_object_get(j, "revision"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			rc = dur_error_set(err, DUR_EPARSE, "'revision' must be a whole number");
			goto out;
		}
		*revision = json_integer_value(v);
	}
out:
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	dur_screen_case_free(sc);
	json_decref(sub);
	return rc;
}

/* ---- screening --------------------------------------------------------- */

dur_err srv_case_screen(const dur_serve *srv, const struct srv_case *c, dur_screen_case **scp,
			dur_screen_result **res, struct dur_error *err)
{
	dur_screen_case *sc = dur_screen_case_alloc(srv->set);
	dur_err rc;

	*scp = NULL;
	*res = NULL;
	if (!sc)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = dur_screen_case_set_id(sc, c->label ? c->label : "", err)) ||
	    (rc = dur_screen_case_set_age(sc, c->age, err)) ||
	    (rc = dur_screen_case_set_sector(sc, c->sector ? c->sector : "", err)))
		goto fail;
	for (size_t i = 0; i < c->nq; i++) {
		char a = c->answers[i];
		/* don't know, prefer not to say and not asked are all unknown: never no */
		if (srv->bank.q[i].kind != SRV_Q_YESNO || (a != 'y' && a != 'n'))
			continue;
		if ((rc = dur_screen_case_set_fact(sc, srv->bank.q[i].id,
						   a == 'y' ? DUR_SCREEN_YES : DUR_SCREEN_NO, err)))
			goto fail;
	}
	if ((rc = dur_screen_evaluate(srv->set, sc, NULL, 0, res, err)))
		goto fail;
	*scp = sc;
	return DUR_OK;
fail:
	dur_screen_case_free(sc);
	return rc;
}

dur_err srv_case_add_history(struct srv_case *c, const dur_serve *srv,
			     const dur_screen_result *res, const char *by, long long at,
			     struct dur_error *err)
{
	json_t *e = json_object(), *rs = json_array();

	if (!e || !rs) {
		json_decref(e);
		json_decref(rs);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < dur_screen_result_count(res); i++) {
		const struct dur_screen_outcome *o = dur_screen_result_outcome(res, i);
		json_t *x = json_object();
		json_object_set_new(x, "framework", json_string(o->framework));
		json_object_set_new(x, "version", json_string(o->version));
		json_object_set_new(x, "verdict", json_string(dur_screen_verdict_name(o->verdict)));
		json_array_append_new(rs, x);
	}
	json_object_set_new(e, "at", json_integer(at));
	json_object_set_new(e, "by", json_string(by));
	json_object_set_new(e, "questions_version", json_string(srv->bank.version ? srv->bank.version
										: ""));
	json_object_set_new(e, "results", rs);
	json_array_append_new(c->history, e);
	while (json_array_size(c->history) > SRV_MAX_HISTORY)
		json_array_remove(c->history, 0);
	return DUR_OK;
}

/* ---- meta, load and save ----------------------------------------------- */

/* Copy at most size-1 bytes of UTF-8, never cutting a character in two. */
static void utf8_trunc(char *dst, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

static json_t *meta_json(const struct srv_case *c, const dur_screen_result *res)
{
	json_t *m = json_object(), *v = json_object();
	char buf[256];

	json_object_set_new(m, "id", json_string(c->id));
	utf8_trunc(buf, sizeof(buf), c->label);
	json_object_set_new(m, "label", json_string(buf));
	json_object_set_new(m, "age", json_string(srv_case_age_group(c)));
	utf8_trunc(buf, sizeof(buf), c->sector);
	json_object_set_new(m, "sector", json_string(buf));
	json_object_set_new(m, "status", json_string(c->status));
	json_object_set_new(m, "by", json_string(c->created_by));
	json_object_set_new(m, "created", json_integer(c->created));
	json_object_set_new(m, "updated", json_integer(c->updated));
	json_object_set_new(m, "revision", json_integer(c->revision));
	json_object_set_new(m, "screened", json_boolean(json_array_size(c->history) > 0));
	for (size_t i = 0; res && i < dur_screen_result_count(res); i++) {
		const struct dur_screen_outcome *o = dur_screen_result_outcome(res, i);
		json_object_set_new(v, o->framework, json_integer(o->verdict));
	}
	json_object_set_new(m, "verdicts", v);
	return m;
}

dur_err srv_meta_parse(struct srv_meta *m, const char *text, size_t len)
{
	json_t *j = json_loadb(text, len, 0, NULL), *v;
	const char *k;

	memset(m, 0, sizeof(*m));
	if (!j)
		return DUR_EDATA;
	copy_name(m->id, sizeof(m->id), json_object_get(j, "id"));
	copy_name(m->label, sizeof(m->label), json_object_get(j, "label"));
	copy_name(m->age, sizeof(m->age), json_object_get(j, "age"));
	copy_name(m->sector, sizeof(m->sector), json_object_get(j, "sector"));
	copy_name(m->status, sizeof(m->status), json_object_get(j, "status"));
	copy_name(m->by, sizeof(m->by), json_object_get(j, "by"));
	m->created = json_integer_value(json_object_get(j, "created"));
	m->updated = json_integer_value(json_object_get(j, "updated"));
	m->revision = json_integer_value(json_object_get(j, "revision"));
	m->screened = json_is_true(json_object_get(j, "screened"));
	json_object_foreach(json_object_get(j, "verdicts"), k, v) {
		if (m->nverdicts >= DUR_SCREEN_MAX_SELECT)
			break;
		snprintf(m->fw[m->nverdicts], sizeof(m->fw[0]), "%s", k);
		m->verdict[m->nverdicts] = (int)json_integer_value(v);
		m->nverdicts++;
	}
	json_decref(j);
	return dur_store_case_id_valid(m->id) ? DUR_OK : DUR_EDATA;
}

dur_err srv_case_load(dur_serve *srv, const char *id, struct srv_case *c, int *found,
		      struct dur_error *err)
{
	char *text = NULL;
	size_t len = 0;
	dur_err rc;

	*found = 0;
	if ((rc = srv_case_init(c, srv)))
		return dur_error_set(err, rc, "out of memory");
	if ((rc = dur_store_case_get(srv->store, id, &text, &len, found, err)) || !*found)
		return rc;
	rc = srv_case_from_json(c, srv, text, len, err);
	dur_store_wipe_free(text, len);
	if (rc)
		*found = 0;
	return rc;
}

/* Dump and wipe-free helper: the text of j, or NULL. */
static char *dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT) : NULL;
}

dur_err srv_case_save(dur_serve *srv, struct srv_case *c, int create, int *found,
		      struct dur_error *err)
{
	dur_screen_case *sc = NULL;
	dur_screen_result *res = NULL;
	json_t *body = NULL, *meta = NULL;
	char *bt = NULL, *mt = NULL;
	dur_err rc;

	if (found)
		*found = 0;
	/* the list shows the verdicts as they stand now */
	if ((rc = srv_case_screen(srv, c, &sc, &res, err)))
		return rc;
	if (!(body = srv_case_to_json(c, srv)) || !(meta = meta_json(c, res)) ||
	    !(bt = dump(body)) || !(mt = dump(meta))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	rc = dur_store_case_put(srv->store, c->id, create, mt, strlen(mt), bt, strlen(bt), found,
				err);
out:
	if (bt)
		dur_store_wipe_free(bt, strlen(bt));
	if (mt)
		dur_store_wipe_free(mt, strlen(mt));
	json_decref(body);
	json_decref(meta);
	dur_screen_result_free(res);
	dur_screen_case_free(sc);
	return rc;
}

int srv_case_visible(const struct srv_req *r, const char *created_by)
{
	return r->have_session && (r->s.role == DUR_STORE_COORDINATOR ||
				   strcmp(r->s.user, created_by) == 0);
}
