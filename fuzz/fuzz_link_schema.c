/* libFuzzer target: the linkage schema loader (dur_link_schema_parse). */
#include <stddef.h>
#include <stdint.h>
#include <duress/link.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dur_link_schema *s = NULL;
	struct dur_error err = DUR_ERROR_INIT;

	if (dur_link_schema_parse((const char *)data, size, "fuzz.json", &s, &err) == DUR_OK) {
		/* touch what a caller would use */
		for (size_t i = 0; i < dur_link_schema_nfields(s); i++)
			(void)dur_link_schema_field_column(s, i);
		(void)dur_link_schema_hash(s)[0];
		dur_link_schema_free(s);
	}
	return 0;
}
