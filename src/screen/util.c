/* Small helpers of the screen module: strings, a capped buffer, JSON dumps. */
#include "screen/screen_internal.h"

#include <sodium.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *scr_strdup(const char *s)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s);
	d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

dur_err scr_json_dump(json_t *j, int indent, char **out, struct dur_error *err)
{
	size_t flags = JSON_PRESERVE_ORDER | (indent > 0 ? JSON_INDENT(indent) : JSON_COMPACT);

	*out = NULL;
	if (!j)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	*out = json_dumps(j, flags);
	if (!*out)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	return DUR_OK;
}

const char *dur_screen_verdict_name(enum dur_screen_verdict v)
{
	switch (v) {
	case DUR_SCREEN_INDICATED: return "indicated";
	case DUR_SCREEN_NOT_INDICATED: return "not_indicated";
	case DUR_SCREEN_INSUFFICIENT: return "insufficient_information";
	}
	return "insufficient_information";
}

int scr_source_set(struct scr_source *s, const char *name, const char *buf, size_t len)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	unsigned char h[crypto_hash_sha256_BYTES];
	free(s->file);
	s->file = scr_strdup(base ? base + 1 : name ? name : "");
	if (!s->file)
		return -1;
	s->size = (uint64_t)len;
	crypto_hash_sha256(h, (const unsigned char *)buf, len);
	sodium_bin2hex(s->sha256, sizeof(s->sha256), h, sizeof(h));
	return 0;
}

const char *scr_json_error_words(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_out_of_memory: return "out of memory while reading the JSON";
	case json_error_premature_end_of_input: return "the JSON ends too early";
	case json_error_end_of_input_expected: return "more text after the JSON value";
	case json_error_duplicate_key: return "a key appears twice";
	case json_error_invalid_utf8: return "bytes that are not UTF-8";
	case json_error_null_character: return "a NUL character";
	case json_error_null_byte_in_key: return "a NUL character in a key";
	default: return "not valid JSON here";
	}
}
