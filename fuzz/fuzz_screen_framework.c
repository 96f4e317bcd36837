/*
 * libFuzzer target: the framework loader of duress screen.  The input is a
 * framework file, or a question bank, a NUL byte and a framework file.  A
 * framework that loads is then evaluated on a few cases and described.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>
#include "fuzz_screen_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ages[] = { "unknown", "30", "minor" };
	static const enum dur_screen_answer fill[] = { DUR_SCREEN_UNKNOWN, DUR_SCREEN_YES,
						       DUR_SCREEN_NO };
	static const char *const facts[] = { "threats_to_person", "documents_taken",
					     "debt_bondage", "commercial_sex", "low_or_no_pay" };
	const char *buf = (const char *)data;
	const char *nul = memchr(buf, '\0', size);
	dur_framework_set *set = dur_framework_set_alloc();
	char *s = NULL;

	if (nul) {
		size_t nb = (size_t)(nul - buf);
		if (dur_framework_set_load_bank(set, buf, nb, "bank.json", NULL) != DUR_OK)
			goto out;
		buf += nb + 1;
		size -= nb + 1;
	} else if (dur_framework_set_load_bank(set, FUZZ_BANK, sizeof(FUZZ_BANK) - 1, "bank",
					       NULL) != DUR_OK) {
		abort();
	}
	if (dur_framework_set_add(set, buf, size, "fw.json", NULL) != DUR_OK)
		goto out;
	for (int a = 0; a < 3; a++)
		for (int f = 0; f < 3; f++) {
			dur_screen_case *c = dur_screen_case_alloc(set);
			dur_screen_result *r = NULL;
			dur_screen_case_set_age(c, ages[a], NULL);
			for (size_t k = 0; k < sizeof(facts) / sizeof(facts[0]); k++)
				dur_screen_case_set_fact(c, facts[k], fill[(f + k) % 3], NULL);
			if (dur_screen_evaluate(set, c, NULL, 0, &r, NULL) != DUR_OK)
				abort();
			if (dur_screen_result_to_json(r, c, 0, &s, NULL) == DUR_OK)
				free(s);
			if (dur_screen_result_to_text(r, c, &s, NULL) == DUR_OK)
				free(s);
			dur_screen_result_free(r);
			dur_screen_case_free(c);
		}
	if (dur_framework_set_list_text(set, &s, NULL) == DUR_OK)
		free(s);
	if (dur_framework_set_list_json(set, &s, NULL) == DUR_OK)
		free(s);
	if (dur_framework_set_questions_text(set, &s, NULL) == DUR_OK)
		free(s);
	if (dur_framework_set_questions_json(set, &s, NULL) == DUR_OK)
		free(s);
out:
	dur_framework_set_free(set);
	return 0;
}
