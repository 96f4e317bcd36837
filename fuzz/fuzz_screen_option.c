/* libFuzzer target: a framework option written "FW.NAME=yes|no" (screen
 * --option), on a small framework that declares one, then a screening.
 * The framework is loaded once; after each input its one option is set
 * back to its default, so every input starts from the same state. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/screen.h>
#include "fuzz_screen_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dur_framework_set *set;

static void unload(void)
{
	dur_framework_set_free(set);
	set = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec;
	if (!set) {
		if (!(set = dur_framework_set_alloc()) ||
		    dur_framework_set_load_bank(set, FUZZ_BANK, sizeof(FUZZ_BANK) - 1, "bank",
						NULL) ||
		    dur_framework_set_add(set, FUZZ_FW, sizeof(FUZZ_FW) - 1, "f", NULL))
			abort();
		atexit(unload);
	}
	if (!(spec = malloc(size + 1)))
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (dur_framework_set_option_spec(set, spec, NULL) == DUR_OK) {
		dur_screen_case *c = dur_screen_case_alloc(set);
		dur_screen_result *r = NULL;
		if (!c)
			abort();
		dur_screen_case_set_fact(c, "physical_violence", DUR_SCREEN_YES, NULL);
		if (dur_screen_evaluate(set, c, NULL, 0, &r, NULL) != DUR_OK)
			abort();
		dur_screen_result_free(r);
		dur_screen_case_free(c);
		/* the one option the framework declares, back to its default */
		if (dur_framework_set_option(set, "f", "o", 0, NULL) != DUR_OK)
			abort();
	}
	free(spec);
	return 0;
}
