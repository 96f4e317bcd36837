/* libFuzzer target: the encodings file reader (dur_link_enc_read). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <duress/link.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dur_link_encodings *e = NULL;
	struct dur_error err = DUR_ERROR_INIT;

	if (dur_link_enc_read(data, size, "fuzz.enc", NULL, &e, &err) == DUR_OK) {
		/* an accepted file must be self-consistent */
		for (size_t i = 0; i < e->n; i++) {
			if (!e->id[i][0] || strlen(e->id[i]) > DUR_LINK_MAX_ID)
				__builtin_trap();
			if (i > 0)
				(void)dur_link_dice(e->filters, e->filters + i * e->words, e->words);
		}
		dur_link_enc_free(e);
	}
	return 0;
}
