/*
 * Built against an installed duress with nothing but
 * `pkg-config --cflags --libs duress`: estimate the UK table through the
 * public API and print the stepwise estimate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <duress/estimate.h>
#include <duress/version.h>

int main(int argc, char **argv)
{
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	char *buf;
	long n;
	FILE *f;

	if (dur_library_init() != 0)
		return 1;
	if (argc != 2 || !(f = fopen(argv[1], "rb")))
		return 2;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return 2;
	fclose(f);
	dur_estimate_default_params(&p);
	p.interval = DUR_INTERVAL_NONE;
	if (dur_estimate_run(buf, (size_t)n, argv[1], &p, &d, &err) != DUR_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("duress %s: %.7f\n", dur_version(), d->total.main.estimate);
	dur_estimate_doc_free(d);
	free(buf);
	return 0;
}
