/* libFuzzer target: the message-catalogue reader (gettext PO files) and
 * lookups in what it read. */
#include <stddef.h>
#include <stdint.h>
#include <duress/i18n.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dur_catalogue *c = NULL;
	char b[64];
	if (dur_catalogue_parse((const char *)data, size, "f.po", &c, NULL) != DUR_OK)
		return 0;
	dur_catalogue_get(c, "people");
	dur_catalogue_getc(c, "question", "people");
	dur_catalogue_nget(c, "a list", "%d lists", 2);
	dur_catalogue_format_number(c, -1234567.891, 2, b, sizeof(b));
	dur_catalogue_free(c);
	return 0;
}
