/*
 * questions_pot - write the question bank's texts as a gettext template:
 * what the web app asks must be translated as completely as its own pages
 * (tests/serve/po_check.sh compares po/<lang>.po with it, msgcmp).
 *
 * The scheme (docs/serve.md, "languages"): the English text is the msgid,
 * and the context says what it is - "question" (a question), "question-
 * help" (the help under it), "section" (a group's title), "bank" (the
 * bank's title and introduction).  A changed English text then has no
 * translation until a translator gives it one, and the test fails.
 *
 * usage: questions_pot [FRAMEWORKS_DIR] > questions.pot
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <duress/screen.h>

/* A C string literal as PO writes it. */
static void po_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
	putchar('"');
}

static void entry(const char *ctx, const char *msgid, char **seen, size_t *nseen)
{
	char key[8192];
	if (!msgid || !*msgid)
		return;
	snprintf(key, sizeof(key), "%s\004%s", ctx, msgid);
	for (size_t i = 0; i < *nseen; i++)
		if (strcmp(seen[i], key) == 0)
			return;
	seen[(*nseen)++] = strdup(key);
	fputs("msgctxt ", stdout);
	po_string(ctx);
	fputs("\nmsgid ", stdout);
	po_string(msgid);
	fputs("\nmsgstr \"\"\n\n", stdout);
}

int main(int argc, char **argv)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_framework_set *set = dur_framework_set_alloc();
	char *text = NULL, *seen[4096];
	size_t nseen = 0, i;
	json_t *j, *q;

	gsl_set_error_handler_off();
	if (!set || (argc > 1 ? dur_framework_set_load_dir(set, argv[1], &err)
			      : dur_framework_set_load_default(set, &err)) ||
	    dur_framework_set_questions_json(set, &text, &err)) {
		fprintf(stderr, "questions_pot: %s\n", err.msg);
		return 1;
	}
	if (!(j = json_loads(text, 0, NULL))) {
		fprintf(stderr, "questions_pot: the bank's JSON cannot be read\n");
		return 1;
	}
	fputs("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n", stdout);
	entry("bank", json_string_value(json_object_get(j, "title")), seen, &nseen);
	entry("bank", json_string_value(json_object_get(j, "intro")), seen, &nseen);
	json_array_foreach(json_object_get(j, "questions"), i, q) {
		if (nseen + 3 >= sizeof(seen) / sizeof(seen[0]))
			break;
		entry("section", json_string_value(json_object_get(q, "section")), seen, &nseen);
		entry("question", json_string_value(json_object_get(q, "text")), seen, &nseen);
		entry("question-help", json_string_value(json_object_get(q, "help")), seen, &nseen);
	}
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	json_decref(j);
	free(text);
	dur_framework_set_free(set);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
