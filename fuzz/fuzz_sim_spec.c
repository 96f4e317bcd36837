/*
 * libFuzzer target: the written settings of `duress simulate` - capture
 * probabilities, latent classes, names, referrals - parsed and checked by
 * the library (dur_sim_spec_parse).  The input's NUL bytes separate the
 * pieces: p or classes, names, then referrals.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <duress/simulate.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *piece[8];
	int n = 0;
	struct dur_sim_spec *s = malloc(sizeof(*s));
	struct dur_sim_params sp = dur_sim_default_params();

	if (!buf || !s)
		goto out;
	memcpy(buf, data, size);
	buf[size] = '\0';
	piece[n++] = buf;
	for (size_t i = 0; i < size && n < 8; i++)
		if (buf[i] == '\0')
			piece[n++] = buf + i + 1;
	dur_sim_spec_init(s);
	sp.N = 100;
	/* the first byte chooses probabilities or classes */
	if (dur_sim_spec_parse(s, size && data[0] & 1 ? NULL : piece[0],
			       size && data[0] & 1 ? piece[0] : NULL, n > 1 && *piece[1] ? piece[1] : NULL,
			       (const char *const *)piece + 2, n > 2 ? (size_t)(n - 2) : 0, &sp,
			       NULL) == DUR_OK) {
		struct dur_sim_result *r = NULL;
		sp.seed = 1;
		if (dur_sim_run(&sp, &r, NULL) == DUR_OK)
			dur_sim_result_free(r);
	}
	dur_sim_spec_release(s);
out:
	free(s);
	free(buf);
	return 0;
}
