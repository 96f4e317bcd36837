/* libFuzzer target: the parser of model terms ("LA:NG,PF:NCA", --model) and
 * of the other written settings of an estimate, against a 6-list table. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/estimate.h>
#include <duress/mse.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "LA", "NG", "PF", "GO", "GP", "NCA" };
	struct dur_table *t = dur_table_alloc(6);
	struct dur_mse_model m;
	struct dur_estimate_params p;
	char *spec = malloc(size + 1);

	if (!t || !spec)
		goto out;
	memcpy(spec, data, size);
	spec[size] = '\0';
	for (int i = 0; i < 6; i++)
		dur_table_set_name(t, i, names[i]);
	if (dur_mse_model_parse(spec, t, &m, NULL) == DUR_OK) {
		char buf[64];
		for (int i = 0; i < m.nterms; i++)
			dur_mse_term_name(t, m.term[i], buf, sizeof(buf));
	}
	dur_estimate_default_params(&p);
	p.model = spec;
	p.method = dur_estimate_method_of_model(spec);
	dur_estimate_params_check(&p, NULL);
	dur_interval_parse(spec);
out:
	free(spec);
	dur_table_free(t);
	return 0;
}
