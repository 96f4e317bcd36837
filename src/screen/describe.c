/*
 * Describing what is loaded: the list of frameworks with their sources and
 * verification status, one framework in full, and the question bank as a
 * printable form.  Which indicators a question feeds is computed from the
 * framework files (the single source of that mapping), never stored twice.
 */
#include "screen/screen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *tag_words(const char *t)
{
	if (!t)
		return "";
	if (strcmp(t, "V") == 0)
		return "V: checked against the primary source";
	if (strcmp(t, "S") == 0)
		return "S: checked against secondary sources only";
	return "U: unverified, to be checked against the primary source";
}

static json_t *list_entry(const struct scr_framework *fw)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(fw->id));
	json_object_set_new(j, "version", json_string(fw->version));
	json_object_set_new(j, "title", json_string(fw->title));
	json_object_set_new(j, "summary", json_string(fw->summary));
	json_object_set(j, "citations", json_object_get(fw->doc, "citations"));
	json_object_set(j, "verification", json_object_get(fw->doc, "verification"));
	json_object_set_new(j, "indicators", json_integer((json_int_t)fw->nind));
	return j;
}

dur_err dur_framework_set_list_json(const dur_framework_set *set, char **out,
				    struct dur_error *err)
{
	json_t *j = json_object(), *a = json_array();
	dur_err rc;

	json_object_set_new(j, "questions_version", json_string(set->bank_version));
	for (size_t i = 0; i < set->nfw; i++)
		json_array_append_new(a, list_entry(set->fw[i]));
	json_object_set_new(j, "frameworks", a);
	rc = scr_json_dump(j, 2, out, err);
	json_decref(j);
	return rc;
}

dur_err dur_framework_set_show_json(const dur_framework_set *set, const char *framework,
				    char **out, struct dur_error *err)
{
	long f = dur_framework_set_find(set, framework);
	json_t *j;
	dur_err rc;

	*out = NULL;
	if (f < 0)
		return dur_error_set(err, DUR_EINVAL, "unknown framework '%s'", framework);
	j = json_deep_copy(set->fw[f]->doc);
	if (j && set->fw[f]->nopt) {
		/* the options as currently set, beside their defaults */
		json_t *cur = json_object();
		for (size_t i = 0; i < set->fw[f]->nopt; i++)
			json_object_set_new(cur, set->fw[f]->opt[i].id,
					    json_boolean(set->fw[f]->opt[i].value));
		json_object_set_new(j, "options_in_effect", cur);
	}
	rc = scr_json_dump(j, 2, out, err);
	json_decref(j);
	return rc;
}

static void citations_text(struct dur_buf *b, const struct scr_framework *fw)
{
	json_t *c = json_object_get(fw->doc, "citations"), *v;
	size_t i;

	json_array_foreach(c, i, v) {
		dur_buf_wrap(b, json_string_value(json_object_get(v, "text")), "    source: ",
			     "            ", 78);
		dur_buf_printf(b, "            [%s]\n",
			       tag_words(json_string_value(json_object_get(v, "verification"))));
	}
	c = json_object_get(fw->doc, "verification");
	json_array_foreach(c, i, v) {
		const char *note = json_string_value(json_object_get(v, "note"));
		struct dur_buf l = { 0 };
		char *txt = NULL;
		dur_buf_printf(&l, "%s: %s%s%s",
			       json_string_value(json_object_get(v, "part")),
			       json_string_value(json_object_get(v, "status")), note ? " - " : "",
			       note ? note : "");
		if (dur_buf_finish(&l, &txt, NULL) == DUR_OK) {
			dur_buf_wrap(b, txt, "    verified: ", "              ", 78);
			free(txt);
		} else {
			b->failed = 1;
		}
	}
}

dur_err dur_framework_set_list_text(const dur_framework_set *set, char **out,
				    struct dur_error *err)
{
	struct dur_buf b = { 0 };

	dur_buf_puts(&b, "Frameworks (verification: V primary source checked, S secondary "
		     "sources only, U unverified)\n");
	for (size_t i = 0; i < set->nfw; i++) {
		const struct scr_framework *fw = set->fw[i];
		dur_buf_printf(&b, "\n%s %s - %s\n", fw->id, fw->version, fw->title);
		dur_buf_wrap(&b, fw->summary, "    ", "    ", 78);
		citations_text(&b, fw);
	}
	dur_buf_puts(&b, "\nMore: duress frameworks show ID; the questions: duress frameworks "
		     "questions\n");
	return dur_buf_finish(&b, out, err);
}

static void expr_facts(const dur_framework_set *set, const struct scr_framework *fw, int n,
		       struct dur_buf *b)
{
	const struct scr_xnode *x = &fw->nodes[n];
	if (x->kind == X_FACT)
		dur_buf_printf(b, " %s", (size_t)x->arg == set->nfacts ? "age" :
			       set->q[set->fact_q[x->arg]].id);
	else if (x->kind != X_IND && x->kind != X_ELEM && x->kind != X_OPTION)
		for (size_t i = 0; i < x->nkids; i++)
			expr_facts(set, fw, fw->kids[x->kids + i], b);
}

dur_err dur_framework_set_show_text(const dur_framework_set *set, const char *framework,
				    char **out, struct dur_error *err)
{
	long f = dur_framework_set_find(set, framework);
	const struct scr_framework *fw;
	struct dur_buf b = { 0 };

	*out = NULL;
	if (f < 0)
		return dur_error_set(err, DUR_EINVAL, "unknown framework '%s'", framework);
	fw = set->fw[f];
	dur_buf_printf(&b, "%s %s - %s\n", fw->id, fw->version, fw->title);
	dur_buf_wrap(&b, fw->summary, "    ", "    ", 78);
	citations_text(&b, fw);
	dur_buf_puts(&b, "\nDecision rule\n");
	dur_buf_wrap(&b, fw->rule_text, "    ", "    ", 78);
	for (size_t i = 0; i < fw->nelem; i++) {
		struct dur_buf l = { 0 };
		char *txt = NULL;
		dur_buf_printf(&l, "%s (%s): %s", fw->elem[i].label, fw->elem[i].id,
			       fw->elem[i].rule_text);
		if (dur_buf_finish(&l, &txt, err)) {
			free(b.p);
			return DUR_ENOMEM;
		}
		dur_buf_wrap(&b, txt, "  - ", "    ", 78);
		free(txt);
	}
	for (int v = DUR_SCREEN_INDICATED; v >= DUR_SCREEN_NOT_INDICATED; v--) {
		struct dur_buf l = { 0 };
		char *txt = NULL;
		dur_buf_printf(&l, "%s: %s", dur_screen_verdict_name((enum dur_screen_verdict)v),
			       fw->meaning[v]);
		if (dur_buf_finish(&l, &txt, err)) {
			free(b.p);
			return DUR_ENOMEM;
		}
		dur_buf_wrap(&b, txt, "  ", "    ", 78);
		free(txt);
	}
	if (fw->nopt) {
		dur_buf_printf(&b, "\nOptions (settings of this framework, named %s.NAME, "
			       "yes or no)\n", fw->id);
		for (size_t i = 0; i < fw->nopt; i++) {
			struct dur_buf l = { 0 };
			char *txt = NULL;
			dur_buf_printf(&l, "%s = %s: %s", fw->opt[i].id, fw->opt[i].value ? "yes" : "no",
				       fw->opt[i].text);
			if (dur_buf_finish(&l, &txt, err)) {
				free(b.p);
				return DUR_ENOMEM;
			}
			dur_buf_wrap(&b, txt, "  - ", "    ", 78);
			free(txt);
		}
	}
	dur_buf_printf(&b, "\nIndicators (%zu)\n", fw->nind);
	for (size_t i = 0; i < fw->nind; i++) {
		const struct scr_indicator *ind = &fw->ind[i];
		dur_buf_printf(&b, "  %s [%s]\n", ind->id, ind->verification);
		dur_buf_wrap(&b, ind->label, "      ", "      ", 78);
		dur_buf_puts(&b, "      from:");
		for (size_t k = 0; k < ind->nfacts; k++)
			dur_buf_printf(&b, " %s", scr_fact_name(set, ind->facts[k]));
		if (fw->nodes[ind->node].kind == X_ALL) {
			dur_buf_puts(&b, "; only if:");
			expr_facts(set, fw, fw->kids[fw->nodes[ind->node].kids + 1], &b);
		}
		dur_buf_puts(&b, "\n");
	}
	return dur_buf_finish(&b, out, err);
}

/* The indicators of framework fw that fact f feeds, as a JSON array. */
static json_t *feeds(const struct scr_framework *fw, int f)
{
	json_t *a = json_array();
	for (size_t i = 0; i < fw->nind; i++)
		for (size_t k = 0; k < fw->ind[i].nfacts; k++)
			if (fw->ind[i].facts[k] == f) {
				json_array_append_new(a, json_string(fw->ind[i].id));
				break;
			}
	return a;
}

/* Does fact f feed anything in fw (an indicator, or a rule directly)? */
static int reads(const struct scr_framework *fw, int f)
{
	for (size_t i = 0; i < fw->nrefs; i++)
		if (fw->refs[i] == f)
			return 1;
	return 0;
}

dur_err dur_framework_set_questions_json(const dur_framework_set *set, char **out,
					 struct dur_error *err)
{
	json_t *j = json_object(), *a = json_array();
	dur_err rc;

	json_object_set_new(j, "version", json_string(set->bank_version));
	json_object_set_new(j, "title", json_string(set->bank_title));
	json_object_set_new(j, "intro", json_string(set->bank_intro));
	for (size_t i = 0; i < set->nq; i++) {
		const struct scr_question *q = &set->q[i];
		json_t *e = json_object(), *fd = json_object();
		int f = q->kind == Q_YESNO ? q->fact : q->kind == Q_AGE ? (int)set->nfacts : -1;
		json_object_set_new(e, "id", json_string(q->id));
		json_object_set_new(e, "kind", json_string(q->kind == Q_YESNO ? "yes_no" :
							    q->kind == Q_AGE ? "age" : "text"));
		json_object_set_new(e, "section", json_string(q->section));
		json_object_set_new(e, "text", json_string(q->text));
		if (q->help)
			json_object_set_new(e, "help", json_string(q->help));
		for (size_t k = 0; f >= 0 && k < set->nfw; k++) {
			if (q->kind == Q_YESNO) {
				json_t *fa = feeds(set->fw[k], f);
				if (json_array_size(fa))
					json_object_set_new(fd, set->fw[k]->id, fa);
				else
					json_decref(fa);
			} else if (reads(set->fw[k], f)) {
				json_object_set_new(fd, set->fw[k]->id, json_string("selects the rule "
										   "or list"));
			}
		}
		json_object_set_new(e, "feeds", fd);
		json_array_append_new(a, e);
	}
	json_object_set_new(j, "questions", a);
	rc = scr_json_dump(j, 2, out, err);
	json_decref(j);
	return rc;
}

dur_err dur_framework_set_questions_text(const dur_framework_set *set, char **out,
					 struct dur_error *err)
{
	struct dur_buf b = { 0 };
	const char *section = "";
	size_t num = 0;

	dur_buf_printf(&b, "%s (questions %s)\n\n", set->bank_title, set->bank_version);
	dur_buf_wrap(&b, set->bank_intro, "", "", 78);
	for (size_t i = 0; i < set->nq; i++) {
		const struct scr_question *q = &set->q[i];
		int f = q->kind == Q_YESNO ? q->fact : q->kind == Q_AGE ? (int)set->nfacts : -1;
		struct dur_buf l = { 0 };
		char *txt = NULL;
		char lead[32];

		if (strcmp(section, q->section) != 0) {
			section = q->section;
			dur_buf_printf(&b, "\n== %s ==\n", section);
		}
		snprintf(lead, sizeof(lead), "%2zu. ", ++num);
		dur_buf_wrap(&b, q->text, lead, "    ", 78);
		if (q->help) {
			struct dur_buf h = { 0 };
			char *ht = NULL;
			dur_buf_printf(&h, "(%s)", q->help);
			if (dur_buf_finish(&h, &ht, err)) {
				free(b.p);
				return DUR_ENOMEM;
			}
			dur_buf_wrap(&b, ht, "    ", "     ", 78);
			free(ht);
		}
		if (q->kind == Q_YESNO)
			dur_buf_puts(&b, "    [ ] yes   [ ] no   [ ] don't know\n");
		else if (q->kind == Q_AGE)
			dur_buf_puts(&b, "    age: ______   or  [ ] under 18   [ ] 18 or over   "
				     "[ ] don't know\n");
		else
			dur_buf_puts(&b, "    ________________________________________\n");
		dur_buf_printf(&l, "id %s", q->id);
		if (f < 0) {
			dur_buf_puts(&l, "; read by no rule");
		} else {
			int any = 0;
			for (size_t k = 0; k < set->nfw; k++) {
				int used = reads(set->fw[k], f);
				for (size_t m = 0; q->kind == Q_YESNO && m < set->fw[k]->nind && !used; m++)
					for (size_t n = 0; n < set->fw[k]->ind[m].nfacts; n++)
						if (set->fw[k]->ind[m].facts[n] == f)
							used = 1;
				if (used) {
					dur_buf_printf(&l, "%s%s", any ? ", " : "; used by ",
						       set->fw[k]->id);
					any = 1;
				}
			}
		}
		if (dur_buf_finish(&l, &txt, err)) {
			free(b.p);
			return DUR_ENOMEM;
		}
		dur_buf_wrap(&b, txt, "    ", "      ", 78);
		free(txt);
	}
	return dur_buf_finish(&b, out, err);
}
