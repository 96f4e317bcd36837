/*
 * libFuzzer target: the case readers of duress screen (one JSON case, a CSV
 * batch, a JSON Lines batch), then screening and rendering what was read.
 * The first byte chooses the reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>
#include "fuzz_screen_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void screen_and_render(const dur_framework_set *set, const dur_screen_case *c,
			      dur_screen_summary *sum)
{
	dur_screen_result *r = NULL;
	char *s = NULL;

	if (dur_screen_evaluate(set, c, NULL, 0, &r, NULL) != DUR_OK)
		abort();   /* a case that was read must always be screenable */
	if (dur_screen_result_to_json(r, c, 0, &s, NULL) == DUR_OK)
		free(s);
	if (dur_screen_result_to_text(r, c, &s, NULL) == DUR_OK)
		free(s);
	if (sum)
		dur_screen_summary_add(sum, c, r, NULL);
	dur_screen_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dur_framework_set *set;
	const char *buf = (const char *)data + 1;
	dur_screen_summary *sum;
	char *s = NULL;

	if (!set) {
		set = dur_framework_set_alloc();
		if (dur_framework_set_load_bank(set, FUZZ_BANK, sizeof(FUZZ_BANK) - 1, "bank", NULL) ||
		    dur_framework_set_add(set, FUZZ_FW, sizeof(FUZZ_FW) - 1, "fw", NULL))
			abort();
	}
	if (size < 1)
		return 0;
	sum = dur_screen_summary_alloc();
	if (data[0] % 3 == 0) {
		dur_screen_case *c = dur_screen_case_alloc(set);
		if (dur_screen_case_parse_json(c, buf, size - 1, "case.json", NULL) == DUR_OK)
			screen_and_render(set, c, sum);
		dur_screen_case_free(c);
	} else {
		dur_screen_batch *b = NULL;
		dur_err rc = data[0] % 3 == 1
			? dur_screen_batch_parse_csv(set, buf, size - 1, "b.csv", &b, NULL)
			: dur_screen_batch_parse_jsonl(set, buf, size - 1, "b.jsonl", &b, NULL);
		for (size_t i = 0; rc == DUR_OK && i < dur_screen_batch_count(b) && i < 64; i++)
			screen_and_render(set, dur_screen_batch_case(b, i), sum);
		dur_screen_batch_free(b);
	}
	if (dur_screen_summary_to_text(sum, 1 + data[0] % 11, &s, NULL) == DUR_OK)
		free(s);
	if (dur_screen_summary_to_json(sum, 1 + data[0] % 11, 0, &s, NULL) == DUR_OK)
		free(s);
	dur_screen_summary_free(sum);
	return 0;
}
