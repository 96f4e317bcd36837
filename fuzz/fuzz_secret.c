/* libFuzzer target: a linkage secret of any bytes, as read from a file or
 * standard input, turned into keys (and refused when weak or malformed). */
#include <stddef.h>
#include <stdint.h>
#include <duress/link.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char schema[] =
		"{\"duress_link_schema\":1,\"filter_bits\":256,\"threshold\":0.7,"
		"\"fields\":[{\"name\":\"given\",\"type\":\"text\",\"bits_per_token\":6}]}";
	static dur_link_schema *s;
	dur_link_key *k = NULL;
	if (!s && dur_link_schema_parse(schema, sizeof(schema) - 1, "s.json", &s, NULL) != DUR_OK)
		return 0;
	if (dur_link_key_alloc(s, data, size, &k, NULL) == DUR_OK)
		dur_link_key_free(k);
	return 0;
}
