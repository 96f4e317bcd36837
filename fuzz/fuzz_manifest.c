/*
 * libFuzzer target: the manifest reader, the checks of every job's
 * parameters that `duress reproduce` makes before reading any input, and
 * the strict reader of the estimate document a manifest holds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/estimate.h>
#include <duress/provenance.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const commands[] = { "estimate", "screen-summary", "link-match" };
	struct dur_manifest *m = NULL;
	struct dur_error e = DUR_ERROR_INIT;

	if (dur_manifest_parse((const char *)data, size, "m.json", &m, &e) != DUR_OK)
		return 0;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		dur_job_check(commands[i], m->parameters, &e);
	if (strcmp(m->command, "estimate") == 0) {
		struct dur_estimate_doc *d = NULL;
		if (dur_estimate_doc_from_json(m->result, "m.json", &d, &e) == DUR_OK) {
			json_t *j = dur_estimate_doc_to_json(d);
			json_decref(j);
		}
		dur_estimate_doc_free(d);
	}
	{
		char *text = NULL;
		if (dur_manifest_dump(m, &text, &e) == DUR_OK)
			free(text);
	}
	dur_manifest_free(m);
	return 0;
}
