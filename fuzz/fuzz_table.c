/* libFuzzer target: the capture-table reader (both CSV forms, strata, linkage
 * draws) and the cleaning that follows it. */
#include <stddef.h>
#include <stdint.h>
#include <duress/table.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dur_table_read_params p[4] = { { NULL, NULL, 0 }, { "region", NULL, 0 },
					      { NULL, "A,B", 0 }, { "draw", NULL, 0 } };
	for (int i = 0; i < 4; i++) {
		struct dur_table_set *s = NULL;
		struct dur_error e = DUR_ERROR_INIT;
		if (dur_table_read_csv((const char *)data, size, "fuzz.csv", &p[i], &s, &e) == DUR_OK) {
			struct dur_table *t = dur_table_clone(s->total);
			if (t)
				dur_table_clean(&t, NULL, &e);
			dur_table_free(t);
		}
		dur_table_set_free(s);
	}
	return 0;
}
