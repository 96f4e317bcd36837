#include "cli.h"
#include "screen_common.h"

#include <stdlib.h>
#include <string.h>

dur_err cli_load_frameworks(const char *dir, dur_framework_set **out, struct dur_error *err)
{
	dur_framework_set *set;
	dur_err rc;

	*out = NULL;
	set = dur_framework_set_alloc();
	if (!set)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	rc = dir && *dir ? dur_framework_set_load_dir(set, dir, err)
			 : dur_framework_set_load_default(set, err);
	if (rc) {
		dur_framework_set_free(set);
		return rc;
	}
	*out = set;
	return DUR_OK;
}

/* User text in a table: control characters (a newline in a sector) become spaces. */
static void put_clean(FILE *f, const char *s, int width)
{
	int n = 0;
	for (; *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	for (; n < width; n++)
		fputc(' ', f);
}

static const char *short_verdict(enum dur_screen_verdict v)
{
	return v == DUR_SCREEN_INDICATED ? "indicated"
	       : v == DUR_SCREEN_NOT_INDICATED ? "not indicated" : "not enough info";
}

static void table_row(FILE *f, const dur_screen_case *c, const dur_screen_result *res, int first)
{
	if (first) {
		fprintf(f, "%-12s", "case_id");
		for (size_t k = 0; k < dur_screen_result_count(res); k++)
			fprintf(f, " %-16s", dur_screen_result_outcome(res, k)->framework);
		fputs(" sector\n", f);
	}
	put_clean(f, dur_screen_case_id(c), 12);
	for (size_t k = 0; k < dur_screen_result_count(res); k++)
		fprintf(f, " %-16s", short_verdict(dur_screen_result_outcome(res, k)->verdict));
	fputc(' ', f);
	put_clean(f, *dur_screen_case_sector(c) ? dur_screen_case_sector(c) : "(not recorded)", 0);
	fputc('\n', f);
}

dur_err screen_print_cases(dur_framework_set *set, const char *buf, size_t len,
			   const char *name, const struct dur_screen_summary_params *sp,
			   int single, int json, FILE *f, struct dur_error *err)
{
	dur_screen_case *one = NULL;
	dur_screen_batch *batch = NULL;
	dur_screen_result *res = NULL;
	char *text = NULL;
	size_t n;
	dur_err rc = DUR_OK;

	for (size_t i = 0; i < sp->noptions; i++)
		if ((rc = dur_framework_set_option_spec(set, sp->options[i], err)))
			return rc;
	if (single) {
		if (!(one = dur_screen_case_alloc(set)))
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		if ((rc = dur_screen_case_parse_json(one, buf, len, name, err)) ||
		    (rc = dur_screen_evaluate(set, one, sp->frameworks, sp->nframeworks, &res, err)) ||
		    (rc = json ? dur_screen_result_to_json(res, one, 2, &text, err)
			       : dur_screen_result_to_text(res, one, &text, err)))
			goto out;
		fputs(text, f);
		if (json)
			fputc('\n', f);
		goto out;
	}
	rc = strcmp(sp->input_format, "jsonl") == 0
		     ? dur_screen_batch_parse_jsonl(set, buf, len, name, &batch, err)
		     : dur_screen_batch_parse_csv_sep(set, buf, len, name, sp->sep, &batch, err);
	if (rc)
		goto out;
	n = dur_screen_batch_count(batch);
	for (size_t i = 0; i < n; i++) {
		const dur_screen_case *c = dur_screen_batch_case(batch, i);
		if ((rc = dur_screen_evaluate(set, c, sp->frameworks, sp->nframeworks, &res, err))) {
			dur_error_prefix(err, "'%s': case %zu", name, i + 1);
			goto out;
		}
		if (json) {
			if ((rc = dur_screen_result_to_json(res, c, 0, &text, err)))
				goto out;
			fputs(text, f);
			fputc('\n', f);
			free(text);
			text = NULL;
		} else {
			table_row(f, c, res, i == 0);
		}
		dur_screen_result_free(res);
		res = NULL;
	}
	if (!json)
		fputs("\nA screening guides next steps; it is not a legal finding. Details per case: "
		      "--format json, or screen one case.\n", f);
out:
	free(text);
	dur_screen_result_free(res);
	dur_screen_batch_free(batch);
	dur_screen_case_free(one);
	return rc;
}
