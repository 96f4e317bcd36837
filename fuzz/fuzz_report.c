/* libFuzzer target: the manifest -> report path.  The input is one
 * manifest (any of the three documents a report shows); it is rendered in
 * English and, published, in Spanish, once without its input files and
 * once with the input "found" as the fuzz bytes themselves (so that the
 * check of a changed input runs too).  Every page must start as one. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/provenance.h>
#include <duress/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dur_report_file files[DUR_MANIFEST_MAX_INPUTS];
	struct dur_report_input in = { "fuzz.json", (const char *)data, size, NULL, 0 };
	struct dur_report_options o;
	struct dur_manifest *m = NULL;

	for (int pass = 0; pass < 2; pass++) {
		struct dur_error e = DUR_ERROR_INIT;
		char *html = NULL;
		dur_report_default_options(&o);
		if (pass) {
			o.publish = 1;
			o.lang = "es";
			o.allow_changed = 1;
			/* every input found, with the wrong bytes: checked and changed */
			if (dur_manifest_parse((const char *)data, size, "fuzz.json", &m, NULL) ==
			    DUR_OK) {
				for (size_t i = 0; i < m->ninputs; i++)
					files[i] = (struct dur_report_file){ DUR_REPORT_BESIDE, "in",
									     data, size };
				in.files = files;
				in.nfiles = m->ninputs;
			}
		}
		if (dur_report_render(&in, 1, &o, &html, &e) == DUR_OK &&
		    strncmp(html, "<!DOCTYPE html>", 15) != 0)
			abort();
		free(html);
	}
	dur_manifest_free(m);
	return 0;
}
