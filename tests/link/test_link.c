/* Unit tests of src/link: small, hand-computed cases (run under valgrind). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duress/csv.h>
#include <duress/error.h>
#include <duress/link.h>
#include <duress/table.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <sodium.h>

#include "test_util.h"
#include "link/link_internal.h"

static const char *SCHEMA =
	"{ \"duress_link_schema\": 1, \"id_column\": \"id\", \"filter_bits\": 256,\n"
	"  \"hardening\": { \"balance\": true, \"xor_fold\": true },\n"
	"  \"threshold\": 0.75, \"bridge_threshold\": 0.6,\n"
	"  \"fields\": [\n"
	"    { \"name\": \"given\", \"type\": \"text\", \"bits_per_token\": 4 },\n"
	"    { \"name\": \"surname\", \"type\": \"text\", \"bits_per_token\": 4 },\n"
	"    { \"name\": \"dob\", \"type\": \"date\", \"formats\": [\"YYYYMMDD\", \"DD/MM/YYYY\", \"excel\"],\n"
	"      \"bits_per_token\": 6 },\n"
	"    { \"name\": \"zip\", \"type\": \"number\", \"bits_per_token\": 2, \"compare\": \"exact\" }\n"
	"  ],\n"
	"  \"plain\": { \"threshold\": 0.5, \"blocking\": [[\"surname\"], [\"dob\"], [\"given:2\", \"zip\"]] }\n"
	"}\n";

/* 31 distinct bytes (entropy estimate 31 x log2 31 / 8 = 19.2 bytes): a good
   secret by dur_link_secret_check; printable test secrets are refused now */
static const unsigned char SECRET[] =
	"\x1d\x66\xaf\xf8\x41\x8a\xd3\x1c\x65\xae\xf7\x40\x89\xd2\x1b\x64\xad\xf6\x3f\x88\xd1\x1a\x63\xac\xf5\x3e\x87\xd0\x19\x62\xab";

static dur_link_schema *schema_ok(const char *text)
{
	dur_link_schema *s = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_link_schema_parse(text, strlen(text), "s.json", &s, &e) != DUR_OK)
		fail_msg("schema: %s", e.msg);
	return s;
}

static struct dur_csv *csv_ok(const char *text)
{
	struct dur_csv *c = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_csv_parse(text, strlen(text), "a.csv", NULL, &c, &e) != DUR_OK)
		fail_msg("csv: %s", e.msg);
	return c;
}

static struct dur_link_encodings *encode(const dur_link_schema *s, const unsigned char *sec,
					 size_t slen, const char *text)
{
	dur_link_key *k = NULL;
	struct dur_csv *c = csv_ok(text);
	struct dur_link_encodings *e = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	if (dur_link_key_alloc(s, sec, slen, &k, &err) != DUR_OK)
		fail_msg("key: %s", err.msg);
	if (dur_link_encode_csv(s, k, c, "a.csv", NULL, &e, NULL, &err) != DUR_OK)
		fail_msg("encode: %s", err.msg);
	dur_link_key_free(k);
	dur_csv_free(c);
	return e;
}

/* ---- Dice and kernels ---- */

static void test_link_dice_known_bits(void **state)
{
	uint64_t a[2] = { 0xfULL, 0 }, b[2] = { 0x3ULL, 0 }, c[2] = { 0, 1ULL << 63 };
	uint64_t z[2] = { 0, 0 };
	(void)state;
	/* |a|=4, |b|=2, |a&b|=2: 2*2/6 */
	assert_rel_close(dur_link_dice(a, b, 2), 2.0 / 3.0, 1e-15);
	assert_rel_close(dur_link_dice(a, a, 2), 1.0, 1e-15);
	assert_true(dur_link_dice(a, c, 2) == 0.0);
	assert_true(dur_link_dice(z, z, 2) == 0.0);
	/* 0xff00ff00... (32 bits) against 0xffff0000... (32 bits): overlap 16 */
	a[0] = 0xff00ff00ff00ff00ULL;
	b[0] = 0xffffffff00000000ULL;
	assert_rel_close(dur_link_dice(a, b, 1), 2.0 * 16 / 64, 1e-15);
}

static void test_link_kernels_identical(void **state)
{
	/* 124 words: the most the AVX2 four-at-a-time kernel takes (its byte
	 * counters full with a all ones), 128 the next size past it */
	static const size_t words[] = { 1, 2, 3, 4, 5, 8, 9, 16, 17, 31, 64, 65, 124, 128 };
	static const enum dur_link_kernel ks[] = { DUR_LINK_KERNEL_POPCNT, DUR_LINK_KERNEL_AVX2,
		DUR_LINK_KERNEL_AVX512, DUR_LINK_KERNEL_AUTO };
	unsigned char seed[randombytes_SEEDBYTES] = { 7 };
	(void)state;
	assert_true(dur_link_kernel_available(DUR_LINK_KERNEL_PORTABLE));
	for (size_t wi = 0; wi < sizeof(words) / sizeof(words[0]); wi++) {
		size_t w = words[wi], nb = 37;
		uint64_t *a = malloc(w * sizeof(uint64_t)), *b = malloc(nb * w * sizeof(uint64_t));
		uint32_t ref[37], got[37];
		seed[1] = (unsigned char)wi;
		randombytes_buf_deterministic(b, nb * w * sizeof(uint64_t), seed);
		memcpy(a, b + 3 * w, w * sizeof(uint64_t));
		if (w >= 124)
			memset(a, 0xff, w * sizeof(uint64_t));
		b[0] = ~(uint64_t)0;  /* edge patterns: all ones, all zeros */
		b[w] = 0;
		if (w >= 124)         /* and a whole filter of ones against a of ones */
			memset(b + 4 * w, 0xff, w * sizeof(uint64_t));
		dur_link_and_popcount(DUR_LINK_KERNEL_PORTABLE, a, b, nb, w, ref);
		for (size_t j = 0; j < nb; j++) {
			double d = dur_link_dice(a, b + j * w, w);
			unsigned ca = 0, cb = 0;
			for (size_t x = 0; x < w; x++) {
				ca += (unsigned)__builtin_popcountll(a[x]);
				cb += (unsigned)__builtin_popcountll(b[j * w + x]);
			}
			assert_rel_close(d * (ca + cb) + 1.0, 2.0 * ref[j] + 1.0, 1e-12);
		}
		for (size_t k = 0; k < sizeof(ks) / sizeof(ks[0]); k++) {
			if (!dur_link_kernel_available(ks[k]))
				continue;
			memset(got, 0xff, sizeof(got));
			dur_link_and_popcount(ks[k], a, b, nb, w, got);
			assert_memory_equal(ref, got, nb * sizeof(uint32_t));
		}
		free(a);
		free(b);
	}
	assert_string_equal(dur_link_kernel_name(dur_link_kernel_best()),
			    dur_link_kernel_name(dur_link_kernel_best()));
}

/* ---- strings ---- */

static void test_link_jaro_winkler_textbook(void **state)
{
	(void)state;
	/* Winkler (1990) / the usual textbook pairs */
	assert_true(fabs(dur_link_jaro_winkler("MARTHA", "MARHTA") - 0.9611) < 5e-5);
	assert_true(fabs(dur_link_jaro_winkler("DWAYNE", "DUANE") - 0.84) < 5e-5);
	assert_true(fabs(dur_link_jaro_winkler("DIXON", "DICKSONX") - 0.8133) < 5e-5);
	assert_true(dur_link_jaro_winkler("abc", "abc") == 1.0);
	assert_true(dur_link_jaro_winkler("abc", "xyz") == 0.0);
	assert_true(dur_link_jaro_winkler("", "") == 1.0);
	assert_true(dur_link_jaro_winkler("a", "") == 0.0);
	/* code points, not bytes: one accented letter is one character */
	assert_true(fabs(dur_link_jaro_winkler("zoë", "zoe") -
			 dur_link_jaro_winkler("zox", "zoe")) < 1e-12);
}

static void test_link_qgrams(void **state)
{
	char **g = NULL;
	size_t n = 0;
	(void)state;
	assert_int_equal(dur_link_qgrams("anna", 2, 1, &g, &n, NULL), DUR_OK);
	assert_int_equal(n, 5);
	assert_string_equal(g[0], "_a");
	assert_string_equal(g[1], "an");
	assert_string_equal(g[2], "nn");
	assert_string_equal(g[3], "na");
	assert_string_equal(g[4], "a_");
	for (size_t i = 0; i < n; i++)
		free(g[i]);
	free(g);
	assert_int_equal(dur_link_qgrams("zoë", 3, 0, &g, &n, NULL), DUR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(g[0], "zoë");
	free(g[0]);
	free(g);
	/* shorter than q without padding: the whole string */
	assert_int_equal(dur_link_qgrams("a", 2, 0, &g, &n, NULL), DUR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(g[0], "a");
	free(g[0]);
	free(g);
	assert_int_equal(dur_link_qgrams("", 2, 1, &g, &n, NULL), DUR_OK);
	assert_int_equal(n, 0);
	assert_null(g);
}

static void norm_is(const char *in, int keep, const char *want)
{
	char *o = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_link_normalise_text(in, keep, &o, &e) != DUR_OK)
		fail_msg("normalise: %s", e.msg);
	if (strcmp(o, want) != 0)
		fail_msg("normalise gave '%s', expected '%s'", o, want);
	free(o);
}

static void test_link_normalise(void **state)
{
	(void)state;
	norm_is("  Zoë   O'Brien-Smith ", 1, "zoe obrien smith");
	norm_is("  Zoë   O'Brien-Smith ", 0, "zoeobriensmith");
	norm_is("\xef\xac\x81nn", 1, "finn");                 /* U+FB01 ligature fi (NFKC) */
	norm_is("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", 1, "abc"); /* full-width ABC */
	norm_is("Straße", 1, "strasse");                      /* full case folding */
	norm_is("ÅNGSTRÖM", 1, "angstrom");
	norm_is("Nguyễn Thị", 1, "nguyen thi");
	norm_is("Łukasz", 1, "łukasz");  /* a letter of its own, not an accent */
	norm_is("e\xcc\x81", 1, "e");    /* combining acute */
	norm_is("ΣΊΣΥΦΟΣ", 1, "σισυφοσ");
	norm_is("--..  ", 1, "");
	{
		char *o = NULL;
		assert_int_equal(dur_link_normalise_text("a\xff", 1, &o, NULL), DUR_EPARSE);
		assert_null(o);
	}
}

static void date_is(const char *in, const char *want)
{
	static const char *const f[] = { "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM-DD", "excel" };
	char iso[11];
	dur_err rc = dur_link_parse_date(in, f, 4, iso);
	if (!want) {
		if (rc == DUR_OK)
			fail_msg("'%s' parsed as %s, expected no date", in, iso);
		return;
	}
	if (rc != DUR_OK)
		fail_msg("'%s' is no date, expected %s", in, want);
	assert_string_equal(iso, want);
}

static void test_link_dates(void **state)
{
	(void)state;
	date_is("45000", "2023-03-15");      /* Excel serial */
	date_is("45000.75", "2023-03-15");   /* with a time of day */
	date_is("1", "1900-01-01");
	date_is("59", "1900-02-28");
	date_is("60", NULL);                 /* Lotus' 29 February 1900 */
	date_is("61", "1900-03-01");
	date_is("25569", "1970-01-01");
	date_is("2958465", "9999-12-31");
	date_is("2958466", NULL);
	date_is("19151111", "1915-11-11");
	date_is("19000229", NULL);
	date_is("20000229", "2000-02-29");
	date_is("19151311", NULL);
	date_is("1/2/1990", "1990-02-01");
	date_is("01/02/1990", "1990-02-01");
	date_is("31/12/1999", "1999-12-31");
	date_is("31/11/1999", NULL);
	date_is("1999-12-31", "1999-12-31");
	date_is("123/1/1999", NULL);
	date_is("1999-12-31x", NULL);
	date_is("", NULL);
	date_is("tomorrow", NULL);
}

/* ---- schema ---- */

static void schema_bad(const char *text, const char *needle)
{
	dur_link_schema *s = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	dur_err rc = dur_link_schema_parse(text, strlen(text), "bad.json", &s, &e);
	assert_int_not_equal(rc, DUR_OK);
	assert_null(s);
	if (!strstr(e.msg, needle) || !strstr(e.msg, "'bad.json'"))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

#define FIELD "{\"name\":\"a\",\"type\":\"text\"}"

static void test_link_schema_errors(void **state)
{
	(void)state;
	schema_bad("", "line 1");
	schema_bad("[]", "JSON object");
	schema_bad("{\"fields\":[" FIELD "]}", "duress_link_schema");
	schema_bad("{\"duress_link_schema\":2,\"fields\":[" FIELD "]}", "must be 1");
	schema_bad("{\"duress_link_schema\":1}", "fields");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[]}", "fields");
	schema_bad("{\"duress_link_schema\":1,\"field\":[" FIELD "]}", "field: unknown member");
	schema_bad("{\"duress_link_schema\":1,\"filter_bits\":1000,\"fields\":[" FIELD "]}",
		   "filter_bits");
	schema_bad("{\"duress_link_schema\":1,\"filter_bits\":64,\"hardening\":{\"balance\":true},"
		   "\"fields\":[" FIELD "]}", "128");
	schema_bad("{\"duress_link_schema\":1,\"threshold\":1.5,\"fields\":[" FIELD "]}",
		   "threshold");
	schema_bad("{\"duress_link_schema\":1,\"hardening\":{\"salt\":true},\"fields\":[" FIELD "]}",
		   "hardening.salt: unknown member");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[" FIELD ",{\"name\":\"b\",\"type\":\"txt\"}]}",
		   "fields[1].type");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\","
		   "\"qgram\":9}]}", "fields[0].qgram: must be 1 to 4");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\","
		   "\"bits_per_token\":0}]}", "fields[0].bits_per_token");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[{\"name\":\"a\",\"type\":\"date\","
		   "\"formats\":[\"YYYYMMD\"]}]}", "fields[0].formats[0]");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[{\"name\":\"a\",\"type\":\"text\","
		   "\"formats\":[\"excel\"]}]}", "fields[0].formats: only for");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[" FIELD "," FIELD "]}",
		   "fields[1].name: repeats fields[0]");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[" FIELD "],\"plain\":{\"blocking\":"
		   "[[\"b\"]]}}", "plain.blocking[0][0]: no field");
	schema_bad("{\"duress_link_schema\":1,\"fields\":[" FIELD "],\"plain\":{\"blocking\":"
		   "[[\"a:0\"]]}}", "plain.blocking[0][0]: the prefix");
	schema_bad("{\"duress_link_schema\":1,\"duress_link_schema\":1,\"fields\":[" FIELD "]}",
		   "duplicate");
}

static void test_link_schema_hash(void **state)
{
	dur_link_schema *a = schema_ok(SCHEMA), *b, *c, *d;
	char *t = malloc(strlen(SCHEMA) + 64), *p;
	(void)state;
	/* the threshold and the blocking rules do not change encodings */
	strcpy(t, SCHEMA);
	p = strstr(t, "0.75");
	memcpy(p, "0.85", 4);
	p = strstr(t, "[\"dob\"], ");
	memcpy(p, "         ", 9);
	b = schema_ok(t);
	assert_memory_equal(dur_link_schema_hash(a), dur_link_schema_hash(b), 32);
	/* bits per token does */
	strcpy(t, SCHEMA);
	p = strstr(t, "\"bits_per_token\": 4");
	p[18] = '5';
	c = schema_ok(t);
	assert_memory_not_equal(dur_link_schema_hash(a), dur_link_schema_hash(c), 32);
	/* and so does the hardening */
	strcpy(t, SCHEMA);
	p = strstr(t, "\"xor_fold\": true");
	memcpy(p + 12, "false", 5);  /* "true " becomes "false" */
	d = schema_ok(t);
	assert_memory_not_equal(dur_link_schema_hash(a), dur_link_schema_hash(d), 32);
	assert_int_equal(dur_link_schema_nfields(a), 4);
	assert_string_equal(dur_link_schema_field_name(a, 1), "surname");
	assert_string_equal(dur_link_schema_field_column(a, 1), "surname");
	assert_string_equal(dur_link_schema_id_column(a), "id");
	assert_int_equal(dur_link_schema_filter_bits(a), 256);
	assert_rel_close(dur_link_schema_threshold(a), 0.75, 1e-15);
	assert_rel_close(dur_link_schema_bridge_threshold(a), 0.6, 1e-15);
	assert_rel_close(dur_link_schema_plain_threshold(a), 0.5, 1e-15);
	dur_link_schema_free(a);
	dur_link_schema_free(b);
	dur_link_schema_free(c);
	dur_link_schema_free(d);
	dur_link_schema_free(NULL);
	free(t);
}

/* ---- keys and encoding ---- */

static const char *LIST_A =
	"id,given,surname,dob,zip\n"
	"a1,Zoë,Müller,19800101,2000\n"
	"a2,John,Smith,02/03/1975,3000\n"
	"a3,Ana,Silva,45000,\n"
	"a4,,,,\n";

static void test_link_key_derivation(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	struct dur_link_encodings *e1, *e2, *e3;
	unsigned char other[sizeof(SECRET)];
	dur_link_key *k = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	(void)state;
	e1 = encode(s, SECRET, sizeof(SECRET) - 1, LIST_A);
	e2 = encode(s, SECRET, sizeof(SECRET) - 1, LIST_A);
	memcpy(other, SECRET, sizeof(SECRET));
	other[5] ^= 1;  /* one bit of the secret */
	e3 = encode(s, other, sizeof(SECRET) - 1, LIST_A);
	assert_int_equal(e1->n, 4);
	assert_int_equal(e1->words, 4);
	/* deterministic */
	assert_memory_equal(e1->filters, e2->filters, e1->n * e1->words * 8);
	assert_memory_equal(e1->key_check, e2->key_check, DUR_LINK_KEYCHECK_BYTES);
	/* key sensitive: every record differs, as does the check value */
	for (size_t i = 0; i < 3; i++)
		assert_true(dur_link_dice(e1->filters + i * 4, e3->filters + i * 4, 4) < 0.9);
	assert_memory_not_equal(e1->key_check, e3->key_check, DUR_LINK_KEYCHECK_BYTES);
	/* balanced: every filter has exactly half its bits set */
	for (size_t i = 0; i < e1->n; i++)
		assert_int_equal(e1->weight[i], 128);
	/* normalisation makes case and accents irrelevant */
	{
		struct dur_link_encodings *e4 = encode(s, SECRET, sizeof(SECRET) - 1,
			"id,given,surname,dob,zip\nx,ZOE,mueller,1980-01-01,2000\n"
			"y, zoe ,MÜLLER,01/01/1980,2000\n");
		assert_true(dur_link_dice(e4->filters + 4, e1->filters, 4) == 1.0);
		assert_true(dur_link_dice(e4->filters, e1->filters, 4) < 1.0);
		dur_link_enc_free(e4);
	}
	/* short and long secrets */
	assert_int_equal(dur_link_key_alloc(s, SECRET, 15, &k, &err), DUR_EKEY);
	assert_null(k);
	assert_non_null(strstr(err.msg, "too short"));
	assert_int_equal(dur_link_key_alloc(s, SECRET, DUR_LINK_MAX_SECRET + 1, &k, &err),
			 DUR_EKEY);
	dur_link_key_free(NULL);
	dur_link_enc_free(e1);
	dur_link_enc_free(e2);
	dur_link_enc_free(e3);
	dur_link_schema_free(s);
}

static void encode_bad(const char *csv, const char *idcol, dur_err code, const char *needle,
		       const char *secret_value)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	dur_link_key *k = NULL;
	struct dur_csv *c = csv_ok(csv);
	struct dur_link_encodings *e = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	assert_int_equal(dur_link_key_alloc(s, SECRET, sizeof(SECRET) - 1, &k, NULL), DUR_OK);
	assert_int_equal(dur_link_encode_csv(s, k, c, "a.csv", idcol, &e, NULL, &err), code);
	assert_null(e);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
	/* error messages never repeat identifying values */
	if (secret_value && strstr(err.msg, secret_value))
		fail_msg("message '%s' shows the value '%s'", err.msg, secret_value);
	dur_link_key_free(k);
	dur_csv_free(c);
	dur_link_schema_free(s);
}

static void test_link_encode_errors(void **state)
{
	(void)state;
	encode_bad("id,given,surname,dob\na,b,c,d\n", NULL, DUR_EDATA,
		   "'a.csv' line 1: no column 'zip'", NULL);
	encode_bad("id,given,surname,dob,zip\na,Maria,c,d,1\nb,Maria,c\n", NULL, DUR_EPARSE,
		   "'a.csv' line 3: 3 fields where the header has 5", "Maria");
	encode_bad("id,given,surname,dob,zip\n", NULL, DUR_EDATA, "no records", NULL);
	encode_bad("id,given,surname,dob,zip\na,Maria,c,d,1\na,Jo,c,d,1\n", NULL, DUR_EDATA,
		   "ids are not distinct", "Maria");
	encode_bad("id,given,surname,dob,zip\n,Maria,c,d,1\n", NULL, DUR_EDATA,
		   "'a.csv' line 2, column 'id': the id is empty", "Maria");
	encode_bad("x,given,surname,dob,zip\n1,Maria,c,d,1\n", "nope", DUR_EDATA,
		   "no id column 'nope'", NULL);
}

static void test_link_encode_stats_and_record_numbers(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	dur_link_key *k = NULL;
	struct dur_csv *c = csv_ok("given,surname,dob,zip\nA,B,19991399,1\nC,D,31/02/2000,2\n"
				   "E,F,,3\n");
	struct dur_link_encodings *e = NULL;
	struct dur_link_encode_stats st;
	(void)state;
	assert_int_equal(dur_link_key_alloc(s, SECRET, sizeof(SECRET) - 1, &k, NULL), DUR_OK);
	/* the schema's id column is absent: --id-column "" is not allowed, so
	   name one that exists; without any, record numbers are used */
	assert_int_equal(dur_link_encode_csv(s, k, c, "a.csv", "given", &e, &st, NULL), DUR_OK);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.bad_dates, 2);
	assert_int_equal(st.first_bad_line, 2);
	assert_string_equal(st.first_bad_column, "dob");
	assert_int_equal(st.missing, 3);
	assert_string_equal(e->id[2], "E");
	dur_link_enc_free(e);
	dur_link_key_free(k);
	dur_csv_free(c);
	dur_link_schema_free(s);
}

/* ---- the encodings file ---- */

static char *to_memory(const struct dur_link_encodings *e, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	assert_int_equal(dur_link_enc_write(e, f, NULL), DUR_OK);
	fclose(f);
	return buf;
}

static void read_bad(const char *buf, size_t len, const dur_link_schema *s, dur_err code,
		     const char *needle)
{
	struct dur_link_encodings *e = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	dur_err rc = dur_link_enc_read(buf, len, "x.enc", s, &e, &err);
	assert_int_equal(rc, code);
	assert_null(e);
	if (needle && !strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
	assert_non_null(strstr(err.msg, "'x.enc'"));
}

static void test_link_encodings_file(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA), *s2;
	struct dur_link_encodings *e = encode(s, SECRET, sizeof(SECRET) - 1, LIST_A), *r = NULL;
	size_t len = 0;
	char *buf = to_memory(e, &len);
	char *t = malloc(strlen(SCHEMA) + 1), *p;
	(void)state;
	/* header, 4 records of (id length, 2-byte id, 256-bit filter, 96
	   blocking keys of 4 bytes: the default lsh), checksum */
	assert_int_equal(len, 96 + 4 * (2 + 2 + 32 + 96 * 4) + 32);
	assert_int_equal(e->bands, 96);
	assert_memory_equal(buf, "DURLENC\n", 8);
	{
		struct dur_error err = DUR_ERROR_INIT;
		if (dur_link_enc_read(buf, len, "x.enc", s, &r, &err))
			fail_msg("%s", err.msg);
	}
	assert_int_equal(r->n, e->n);
	assert_int_equal(r->bits, 256);
	assert_int_equal(r->flags, DUR_LINK_HARDEN_BALANCE | DUR_LINK_HARDEN_XOR_FOLD);
	assert_memory_equal(r->filters, e->filters, e->n * e->words * 8);
	assert_memory_equal(r->weight, e->weight, e->n * 4);
	for (size_t i = 0; i < e->n; i++)
		assert_string_equal(r->id[i], e->id[i]);
	dur_link_enc_free(r);
	/* every truncation is refused */
	for (size_t n = 0; n < len; n++) {
		r = NULL;
		assert_int_not_equal(dur_link_enc_read(buf, n, "x.enc", s, &r, NULL), DUR_OK);
		assert_null(r);
	}
	read_bad(buf, len - 1, s, DUR_EPARSE, "truncated");
	read_bad(buf, 50, s, DUR_EPARSE, "truncated");
	read_bad("hello, world", 12, s, DUR_EPARSE, "not a duress encodings file");
	/* any flipped byte after the header is caught by the checksum (or
	   earlier), never silently accepted */
	for (size_t n = 96; n < len; n++) {
		buf[n] ^= 0x20;
		r = NULL;
		assert_int_not_equal(dur_link_enc_read(buf, len, "x.enc", NULL, &r, NULL), DUR_OK);
		buf[n] ^= 0x20;
	}
	buf[8] = 3;
	read_bad(buf, len, s, DUR_EPARSE, "format version 3; this duress reads version 2");
	/* a file of format 1 (duress 0.1) gets told what to do */
	buf[8] = 1;
	read_bad(buf, len, s, DUR_EPARSE, "encode the list again");
	buf[8] = 2;
	/* another schema */
	strcpy(t, SCHEMA);
	p = strstr(t, "\"bits_per_token\": 6");
	p[18] = '7';
	s2 = schema_ok(t);
	read_bad(buf, len, s2, DUR_ESCHEMA, "another schema");
	dur_link_schema_free(s2);
	free(t);
	free(buf);
	dur_link_enc_free(e);
	dur_link_schema_free(s);
}

/* ---- matching and clustering ---- */

static const char *LIST_B =
	"id,given,surname,dob,zip\n"
	"b1,Jon,Smith,1975-03-02,3000\n"   /* not a date format here: dob missing */
	"b2,zoe,Muller,01/01/1980,2000\n"
	"b3,Peter,Jones,19600505,4000\n";

static struct dur_link_result *match(struct dur_link_encodings **l, const char *const *names,
				     size_t n, double t, double bridge)
{
	struct dur_link_match_params p = dur_link_match_default_params(NULL);
	struct dur_link_result *r = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	p.threshold = t;
	p.bridge_threshold = bridge;
	if (dur_link_match((const struct dur_link_encodings *const *)l, names, n, &p, &r, &err))
		fail_msg("match: %s", err.msg);
	return r;
}

static char *write_str(dur_err (*fn)(const struct dur_link_result *, FILE *, struct dur_error *),
		       const struct dur_link_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(fn(r, f, NULL), DUR_OK);
	fclose(f);
	return buf;
}

static void test_link_match_two_lists(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	struct dur_link_encodings *l[2];
	const char *names[2] = { "police", "shelter" };
	struct dur_link_result *r;
	char *txt;
	(void)state;
	l[0] = encode(s, SECRET, sizeof(SECRET) - 1, LIST_A);
	l[1] = encode(s, SECRET, sizeof(SECRET) - 1, LIST_B);
	/* a2-b1 share given-name bigrams, surname and zip but not the date:
	   0.67 with this key, the 256-bit balanced filters of unrelated
	   records around 0.5 */
	r = match(l, names, 2, 0.64, 0.5);
	assert_int_equal(r->npairs, 2);
	/* a1-b2 (same person, spelled differently) and a2-b1 */
	assert_true((r->pairs[0].rec_a == 0 && r->pairs[0].rec_b == 1) ||
		    (r->pairs[1].rec_a == 0 && r->pairs[1].rec_b == 1));
	assert_int_equal(r->nclusters, 5);
	txt = write_str(dur_link_write_table, r);
	/* rows as dur_table_write_csv orders them: by number of lists, then
	   the 0/1 string descending */
	assert_string_equal(txt, "police,shelter,count\n1,0,2\n0,1,1\n1,1,2\n");
	free(txt);
	txt = write_str(dur_link_write_histories, r);
	assert_string_equal(txt, "id,police,shelter\n1,1,1\n2,1,1\n3,1,0\n4,1,0\n5,0,1\n");
	free(txt);
	txt = write_str(dur_link_write_pairs, r);
	assert_non_null(strstr(txt, "list_a,id_a,list_b,id_b,score\n"));
	assert_non_null(strstr(txt, "police,a1,shelter,b2,"));
	assert_non_null(strstr(txt, "police,a2,shelter,b1,"));
	free(txt);
	dur_link_result_free(r);
	/* a list encoded with another secret is refused */
	{
		static const unsigned char other[] = "\x07\x9e\x35\xcc\x63\xfa\x91\x28\xbf\x56\xed\x84\x1b\xb2\x49\xe0\x77\x0e\xa5\x3c\xd3\x6a\x01\x98\x2f\xc6\x5d\xf4\x8b\x22\xb9";
		struct dur_link_encodings *o = encode(s, other, sizeof(other) - 1, LIST_B),
			*l2[2] = { l[0], o };
		struct dur_link_result *r2 = NULL;
		struct dur_error err = DUR_ERROR_INIT;
		assert_int_equal(dur_link_match((const struct dur_link_encodings *const *)l2, names,
						2, NULL, &r2, &err), DUR_EKEY);
		assert_non_null(strstr(err.msg, "different secrets"));
		assert_null(r2);
		dur_link_enc_free(o);
	}
	dur_link_enc_free(l[0]);
	dur_link_enc_free(l[1]);
	dur_link_schema_free(s);
}

/* Filters built by hand: A~B and B~C score high, A~C low. */
static struct dur_link_encodings *hand(const uint64_t *f, size_t n, const char *prefix)
{
	struct dur_link_encodings *e = calloc(1, sizeof(*e));
	e->n = n;
	e->bits = 64;
	e->words = 1;
	e->id = calloc(n, sizeof(char *));
	e->filters = malloc(n * sizeof(uint64_t));
	e->weight = calloc(n, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		e->id[i] = malloc(32);
		snprintf(e->id[i], 32, "%s%zu", prefix, i);
		e->filters[i] = f[i];
		e->weight[i] = (uint32_t)__builtin_popcountll(f[i]);
	}
	return e;
}

static void test_link_weak_bridge_refused(void **state)
{
	/* a: bits 0-19; b: bits 4-23; c: bits 8-27.  Dice a~b = b~c = 0.8,
	   a~c = 0.6 */
	uint64_t fa = 0xfffffULL, fb = 0xfffffULL << 4, fc = 0xfffffULL << 8;
	struct dur_link_encodings *l[3] = { hand(&fa, 1, "a"), hand(&fb, 1, "b"), hand(&fc, 1, "c") };
	const char *names[3] = { "A", "B", "C" };
	struct dur_link_result *r;
	char *txt;
	(void)state;
	assert_rel_close(dur_link_dice(&fa, &fc, 1), 0.6, 1e-12);
	/* A~C clearly differ (0.6 < bridge 0.7): one pair is refused */
	r = match(l, names, 3, 0.75, 0.7);
	assert_int_equal(r->bridges_refused, 1);
	assert_int_equal(r->nclusters, 2);
	assert_int_equal(r->npairs, 1);
	dur_link_result_free(r);
	/* with a lower bridge threshold the three are one person */
	r = match(l, names, 3, 0.75, 0.5);
	assert_int_equal(r->bridges_refused, 0);
	assert_int_equal(r->nclusters, 1);
	txt = write_str(dur_link_write_table, r);
	assert_string_equal(txt, "A,B,C,count\n1,1,1,1\n");
	free(txt);
	dur_link_result_free(r);
	for (int i = 0; i < 3; i++)
		dur_link_enc_free(l[i]);
}

static void test_link_one_record_per_list(void **state)
{
	/* a0~b0 1.0, b1~c0 1.0, a0~c0 0.9: joining a0-c0 would make b0 and b1,
	   two records of list B, one person, so that join is refused */
	uint64_t fa = 0x3ffULL, fb[2] = { 0x3ffULL, 0x1ffULL | 1ULL << 40 },
		 fc = 0x1ffULL | 1ULL << 40;
	struct dur_link_encodings *l[3] = { hand(&fa, 1, "a"), hand(fb, 2, "b"), hand(&fc, 1, "c") };
	const char *names[3] = { "A", "B", "C" };
	struct dur_link_result *r;
	(void)state;
	assert_rel_close(dur_link_dice(&fa, &fc, 1), 0.9, 1e-12);
	r = match(l, names, 3, 0.85, 0.0);
	assert_int_equal(r->bridges_refused, 1);
	assert_int_equal(r->nclusters, 2);
	assert_int_equal(r->cluster[0][0], r->cluster[1][0]);
	assert_int_equal(r->cluster[1][1], r->cluster[2][0]);
	assert_int_not_equal(r->cluster[1][1], r->cluster[1][0]);
	assert_int_equal(r->npairs, 2);
	dur_link_result_free(r);
	for (int i = 0; i < 3; i++)
		dur_link_enc_free(l[i]);
}

static void test_link_one_to_one(void **state)
{
	/* a0 scores 1.0 with b0 and 0.9 with b1; a1 only 0.8 with b0:
	   greedy gives a0-b0, and a1 stays unmatched */
	uint64_t fa[2] = { 0x3ffULL, 0xffULL << 20 }, fb[2] = { 0x3ffULL, 0x1ffULL | 1ULL << 40 };
	struct dur_link_encodings *l[2] = { hand(fa, 2, "a"), hand(fb, 2, "b") };
	const char *names[2] = { "A", "B" };
	struct dur_link_result *r = match(l, names, 2, 0.5, 0.4);
	(void)state;
	assert_int_equal(r->npairs, 1);
	assert_int_equal(r->pairs[0].rec_a, 0);
	assert_int_equal(r->pairs[0].rec_b, 0);
	assert_rel_close(r->pairs[0].score, 1.0, 1e-15);
	dur_link_result_free(r);
	dur_link_enc_free(l[0]);
	dur_link_enc_free(l[1]);
}

/* ---- plain identifiers ---- */

/* A synthetic list: people from small name pools, some repeated with one
   typo, so that EM has something to learn from. */
static char *synthetic(size_t n, unsigned seed, int dup_every, size_t *ntrue)
{
	static const char *given[] = { "maria", "john", "amina", "li", "olga", "pedro", "fatima",
		"ivan", "grace", "tomas", "leila", "samuel", "nadia", "yusuf", "elena", "kwame" };
	static const char *sur[] = { "silva", "smith", "okafor", "wang", "petrova", "garcia",
		"haddad", "ivanov", "mensah", "novak", "rahman", "cohen", "kowalski", "nguyen",
		"osei", "lopez", "kim", "popescu", "diallo", "muller" };
	size_t cap = (n + n / 2 + 2) * 64, len = 0, k = 0;
	char *b = malloc(cap);
	unsigned s = seed;
	len += (size_t)sprintf(b, "id,given,surname,dob,zip\n");
	*ntrue = 0;
	for (size_t i = 0; i < n; i++) {
		char g[32], su[32];
		unsigned y, m, d, z;
		s = s * 1103515245u + 12345u;
		strcpy(g, given[(s >> 8) % 16]);
		s = s * 1103515245u + 12345u;
		strcpy(su, sur[(s >> 8) % 20]);
		s = s * 1103515245u + 12345u;
		y = 1940 + (s >> 8) % 60;
		m = 1 + (s >> 4) % 12;
		d = 1 + (s >> 12) % 28;
		s = s * 1103515245u + 12345u;
		z = 1000 + (s >> 8) % 9000;
		len += (size_t)sprintf(b + len, "r%zu,%s,%s,%04u%02u%02u,%u\n", k++, g, su, y, m, d, z);
		if (dup_every && i % (size_t)dup_every == 0) {
			size_t p;
			s = s * 1103515245u + 12345u;
			p = (s >> 8) % strlen(su);
			su[p] = su[p] == 'x' ? 'y' : 'x';  /* one typo */
			len += (size_t)sprintf(b + len, "r%zu,%s,%s,%04u%02u%02u,%u\n", k++, g, su, y,
					       m, d, z);
			(*ntrue)++;
		}
	}
	return b;
}

static void test_link_dedup_synthetic(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	size_t ntrue = 0, tp = 0;
	char *text = synthetic(400, 99, 4, &ntrue);
	struct dur_csv *c = csv_ok(text);
	struct dur_link_result *r = NULL;
	struct dur_link_fs_model m;
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_link_fs_params p = dur_link_fs_default_params(s);
	(void)state;
	if (dur_link_dedup(s, c, "a.csv", "a", NULL, &p, &r, &m, &err))
		fail_msg("dedup: %s", err.msg);
	assert_int_equal(r->nlists, 1);
	/* duplicates are written right after their original: r<k> and r<k+1> */
	for (size_t i = 0; i < r->npairs; i++) {
		unsigned a = (unsigned)atoi(r->ids[0][r->pairs[i].rec_a] + 1),
			 b = (unsigned)atoi(r->ids[0][r->pairs[i].rec_b] + 1);
		tp += (a + 1 == b || b + 1 == a) &&
		      r->cluster[0][r->pairs[i].rec_a] == r->cluster[0][r->pairs[i].rec_b];
	}
	printf("synthetic dedup: %zu true pairs, %zu found, %zu right, lambda %g\n", ntrue,
	       r->npairs, tp, m.lambda);
	assert_true(tp >= ntrue * 95 / 100);
	assert_true(r->npairs <= ntrue + ntrue / 20);
	assert_true(r->nclusters >= 400 - ntrue / 20);
	/* EM learnt that agreement is likelier among matches */
	assert_true(m.m[2][2] > m.u[2][2]);
	assert_true(m.lambda > 0 && m.lambda < 1);
	assert_true(m.iterations >= 1);
	dur_link_result_free(r);
	dur_csv_free(c);
	free(text);
	dur_link_schema_free(s);
}

static void test_link_plain_three_lists(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	size_t nt = 0;
	char *ta = synthetic(300, 5, 0, &nt), *tb, *tc;
	struct dur_csv *c[3];
	const char *names[3] = { "a", "b", "c" };
	struct dur_link_result *r = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	char *txt;
	size_t ones = 0;
	(void)state;
	/* b: the same people with ids renamed; c: the first 100 of them */
	tb = strdup(ta);
	for (char *p = tb; (p = strstr(p, "\nr")); p++)
		p[1] = 's';
	tc = strdup(tb);
	{
		char *p = tc;
		for (int i = 0; i < 101; i++)
			p = strchr(p, '\n') + 1;
		*p = '\0';
	}
	c[0] = csv_ok(ta);
	c[1] = csv_ok(tb);
	c[2] = csv_ok(tc);
	if (dur_link_plain(s, (const struct dur_csv *const *)c, NULL, names, 3, NULL, NULL, &r,
			   NULL, &err))
		fail_msg("plain: %s", err.msg);
	/* the synthetic pools repeat a few people exactly; at most one per list */
	assert_true(r->nclusters >= 290 && r->nclusters <= 300);
	txt = write_str(dur_link_write_table, r);
	assert_non_null(strstr(txt, "a,b,c,count\n"));
	assert_non_null(strstr(txt, "1,1,1,"));
	for (size_t k = 0; k < r->npairs; k++)
		ones += r->pairs[k].score >= 0.5;
	assert_int_equal(ones, r->npairs);
	free(txt);
	dur_link_result_free(r);
	for (int i = 0; i < 3; i++)
		dur_csv_free(c[i]);
	free(ta);
	free(tb);
	free(tc);
	dur_link_schema_free(s);
}


/* ---- weak secrets (issue 13, item 6) ---- */

static void secret_bad(const unsigned char *sec, size_t len, const char *needle)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	dur_link_key *k = NULL;
	struct dur_error err = DUR_ERROR_INIT;
	assert_int_equal(dur_link_key_alloc(s, sec, len, &k, &err), DUR_EKEY);
	assert_null(k);
	if (!strstr(err.msg, needle) || !strstr(err.msg, DUR_LINK_SECRET_COMMAND))
		fail_msg("message '%s' lacks '%s' or the command", err.msg, needle);
	dur_link_schema_free(s);
}

static void test_link_weak_secrets_refused(void **state)
{
	unsigned char b[64];
	double h = 0;
	(void)state;
	memset(b, 0xa5, sizeof(b));
	secret_bad(b, 32, "one byte repeated");
	secret_bad((const unsigned char *)"correct horse battery staple, 32b", 33, "printable text");
	secret_bad((const unsigned char *)"0123456789abcdef0123456789abcdef", 32, "printable text");
	/* 32 bytes from 4 values (two bits each, one not printable): the plug-in
	   estimate is 32 x 2 / 8 = 8 bytes, under 16 */
	for (int i = 0; i < 32; i++)
		b[i] = (unsigned char)(0x80 + (i * 7) % 4);
	secret_bad(b, 32, "too little entropy");
	assert_int_equal(dur_link_secret_check(b, 32, &h, NULL), DUR_EKEY);
	assert_rel_close(h, 8.0, 1e-12);
	secret_bad(b, 15, "too short");
	/* 31 distinct bytes: 31 log2(31) / 8 = 19.20 bytes */
	assert_int_equal(dur_link_secret_check(SECRET, sizeof(SECRET) - 1, &h, NULL), DUR_OK);
	assert_rel_close(h, 31.0 * log2(31.0) / 8.0, 1e-12);
}

/* ---- encoding one record at a time ---- */

static void test_link_encoder_matches_csv(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	struct dur_link_encodings *e = encode(s, SECRET, sizeof(SECRET) - 1, LIST_A), *x = NULL;
	dur_link_encoder *en = NULL;
	dur_link_key *k = NULL;
	struct dur_link_encode_stats st;
	struct dur_error err = DUR_ERROR_INIT;
	const char *rows[4][4] = { { "Zoë", "Müller", "19800101", "2000" },
				   { "John", "Smith", "02/03/1975", "3000" },
				   { "Ana", "Silva", "45000", "" },
				   { NULL, "", NULL, "" } };
	const char *ids[4] = { "a1", "a2", "a3", "a4" };
	(void)state;
	assert_int_equal(dur_link_key_alloc(s, SECRET, sizeof(SECRET) - 1, &k, NULL), DUR_OK);
	assert_int_equal(dur_link_encoder_alloc(s, k, &en, NULL), DUR_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dur_link_encoder_add(en, ids[i], rows[i], &err), DUR_OK);
	assert_int_equal(dur_link_encoder_finish(en, &x, &st, &err), DUR_OK);
	/* the same bytes as from the CSV: filters and blocking keys */
	assert_int_equal(x->n, 4);
	assert_memory_equal(x->filters, e->filters, 4 * e->words * 8);
	assert_memory_equal(x->bandkey, e->bandkey, 4 * e->bands * 4);
	assert_int_equal(st.missing, 5);  /* zip of a3; all four of a4 */
	dur_link_enc_free(x);
	/* errors name the record and the field, never the value */
	{
		const char *bad[4] = { "Ma\xffria", "x", "", "" };
		assert_int_equal(dur_link_encoder_add(en, "z", bad, &err), DUR_EPARSE);
		assert_non_null(strstr(err.msg, "record 1, field 'given'"));
		assert_null(strstr(err.msg, "Ma"));
	}
	/* repeated ids, and an empty encoder */
	assert_int_equal(dur_link_encoder_add(en, "q", rows[0], NULL), DUR_OK);
	assert_int_equal(dur_link_encoder_add(en, "q", rows[1], NULL), DUR_OK);
	assert_int_equal(dur_link_encoder_finish(en, &x, NULL, &err), DUR_EDATA);
	assert_non_null(strstr(err.msg, "record 2: its id repeats record 1's"));
	dur_link_encoder_free(en);
	en = NULL;
	assert_int_equal(dur_link_encoder_alloc(s, k, &en, NULL), DUR_OK);
	assert_int_equal(dur_link_encoder_finish(en, &x, NULL, &err), DUR_EDATA);
	/* record numbers as ids */
	assert_int_equal(dur_link_encoder_add(en, NULL, rows[2], NULL), DUR_OK);
	assert_int_equal(dur_link_encoder_finish(en, &x, NULL, NULL), DUR_OK);
	assert_string_equal(x->id[0], "1");
	dur_link_enc_free(x);
	dur_link_encoder_free(en);
	dur_link_encoder_free(NULL);
	dur_link_key_free(k);
	dur_link_enc_free(e);
	dur_link_schema_free(s);
}

/* ---- synthetic encodings: thread-count invariance, blocking recall ---- */

/*
 * Synthetic people: names from syllables, a date, a number; list B holds a
 * copy of the first `nb` people of A, each with one or two typos, plus
 * `extra` people of its own.  Returns CSV texts.
 */
static void people(size_t na, size_t nb, size_t extra, unsigned seed, char **ta, char **tb)
{
	static const char *syl[] = { "ka", "mi", "to", "ra", "ne", "lo", "su", "vi", "da", "pe",
		"ro", "an", "el", "or", "is", "un", "ba", "zo", "fi", "gu" };
	size_t cap = (na + nb + extra + 2) * 96, la = 0, lb = 0;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	char *a = malloc(cap), *b = malloc(cap);
	gsl_rng_set(g, seed);
	la += (size_t)sprintf(a, "id,given,surname,dob,zip\n");
	lb += (size_t)sprintf(b, "id,given,surname,dob,zip\n");
	for (size_t i = 0; i < na + extra; i++) {
		char gv[32] = "", sn[32] = "";
		unsigned y = 1940 + (unsigned)gsl_rng_uniform_int(g, 60),
			 m = 1 + (unsigned)gsl_rng_uniform_int(g, 12),
			 d = 1 + (unsigned)gsl_rng_uniform_int(g, 28),
			 z = 1000 + (unsigned)gsl_rng_uniform_int(g, 9000);
		for (int q = 0; q < 2 + (int)gsl_rng_uniform_int(g, 2); q++)
			strcat(gv, syl[gsl_rng_uniform_int(g, 20)]);
		for (int q = 0; q < 2 + (int)gsl_rng_uniform_int(g, 3); q++)
			strcat(sn, syl[gsl_rng_uniform_int(g, 20)]);
		if (i < na)
			la += (size_t)sprintf(a + la, "a%zu,%s,%s,%04u%02u%02u,%u\n", i, gv, sn, y, m,
					      d, z);
		if (i < nb || i >= na) {
			int ty = 1 + (int)gsl_rng_uniform_int(g, 2);
			for (int q = 0; q < ty && i < nb; q++) {
				char *f = gsl_rng_uniform_int(g, 2) ? gv : sn;
				f[gsl_rng_uniform_int(g, strlen(f))] = 'x';
			}
			lb += (size_t)sprintf(b + lb, "b%zu,%s,%s,%04u%02u%02u,%u\n", i, gv, sn, y, m,
					      d, z);
		}
	}
	gsl_rng_free(g);
	*ta = a;
	*tb = b;
}

static int same_result(const struct dur_link_result *x, const struct dur_link_result *y)
{
	if (x->npairs != y->npairs || x->ncands != y->ncands || x->nclusters != y->nclusters ||
	    x->comparisons != y->comparisons || x->fit.threshold != y->fit.threshold)
		return 0;
	for (size_t i = 0; i < x->npairs; i++)
		if (x->pairs[i].rec_a != y->pairs[i].rec_a || x->pairs[i].rec_b != y->pairs[i].rec_b ||
		    x->pairs[i].score != y->pairs[i].score || x->pairs[i].prob != y->pairs[i].prob)
			return 0;
	for (size_t i = 0; i < x->ncands; i++)
		if (x->cands[i].rec_a != y->cands[i].rec_a || x->cands[i].rec_b != y->cands[i].rec_b ||
		    x->cands[i].score != y->cands[i].score || x->cands[i].best != y->cands[i].best)
			return 0;
	for (size_t l = 0; l < x->nlists; l++)
		if (memcmp(x->cluster[l], y->cluster[l], x->nrec[l] * sizeof(uint32_t)))
			return 0;
	return 1;
}

static void test_link_threads_and_blocking(void **state)
{
	dur_link_schema *s = schema_ok(SCHEMA);
	char *ta, *tb;
	struct dur_link_encodings *l[2];
	const char *names[2] = { "a", "b" };
	struct dur_link_result *r[4] = { NULL };
	struct dur_link_match_params p = dur_link_match_default_params(s);
	size_t found = 0, lost = 0, k;
	(void)state;
	people(1500, 1000, 500, 7, &ta, &tb);
	l[0] = encode(s, SECRET, sizeof(SECRET) - 1, ta);
	l[1] = encode(s, SECRET, sizeof(SECRET) - 1, tb);
	/* 1, 2 and 3 threads give the same result, with and without blocking */
	for (int blk = 0; blk < 2; blk++) {
		p.blocking = blk;
		for (unsigned t = 1; t <= 3; t++) {
			struct dur_link_result *x = NULL;
			p.threads = t;
			if (dur_link_match((const struct dur_link_encodings *const *)l, names, 2, &p, &x,
					   NULL))
				fail_msg("match failed");
			if (t == 1)
				r[blk] = x;
			else {
				assert_true(same_result(r[blk], x));
				dur_link_result_free(x);
			}
		}
	}
	/* all pairs scored without blocking, far fewer with it */
	assert_int_equal(r[0]->comparisons, 1500 * 1500);
	assert_int_equal(r[0]->all_pairs, 1500 * 1500);
	assert_true(r[1]->comparisons < r[0]->comparisons / 10);
	/* recall of blocking against all-pairs scoring at the same threshold:
	   every pair all pairs links, found again with blocking */
	p.threads = 2;
	p.threshold = r[0]->fit.threshold;
	p.blocking = 1;
	assert_int_equal(dur_link_match((const struct dur_link_encodings *const *)l, names, 2, &p,
					&r[2], NULL), DUR_OK);
	for (size_t i = 0; i < r[0]->npairs; i++) {
		int hit = 0;
		for (k = 0; k < r[2]->npairs && !hit; k++)
			hit = r[2]->pairs[k].rec_a == r[0]->pairs[i].rec_a &&
			      r[2]->pairs[k].rec_b == r[0]->pairs[i].rec_b;
		found += hit;
		lost += !hit;
	}
	printf("synthetic 1500 x 1500: all pairs %zu scored, %zu linked (threshold %.4f); "
	       "blocking %zu scored, %zu of those links lost (%.2f%%)\n", r[0]->comparisons,
	       r[0]->npairs, r[0]->fit.threshold, r[2]->comparisons, lost,
	       100.0 * (double)lost / (double)r[0]->npairs);
	/* 1000 planted pairs, one or two typos each: nearly all linked */
	assert_true(r[0]->npairs >= 950 && r[0]->npairs <= 1005);
	assert_true((double)lost <= 0.005 * (double)r[0]->npairs);
	for (int i = 0; i < 3; i++)
		dur_link_result_free(r[i]);
	dur_link_enc_free(l[0]);
	dur_link_enc_free(l[1]);
	free(ta);
	free(tb);
	dur_link_schema_free(s);
}

/* ---- the mixture behind the threshold ---- */

static void test_link_mixture_recovers_components(void **state)
{
	/* 4000 second-best scores from Beta(120, 80) (mean 0.6), 4000 best
	   scores of which 1000 from Beta(120, 80) and 3000 from Beta(18, 2)
	   (mean 0.9): the share of matches is 3000 / 8000 = 0.375 */
	size_t n = 8000;
	double *x = malloc(n * sizeof(double));
	unsigned char *sec = malloc(n);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	struct link_mix_params mp = { 1e-4, 0.8, 0.7, 2.0, 200, 1e-10, 1000 };
	struct link_mix m;
	(void)state;
	gsl_rng_set(g, 2024);
	for (size_t i = 0; i < n; i++) {
		sec[i] = i < 4000;
		x[i] = i < 5000 ? gsl_ran_beta(g, 120, 80) : gsl_ran_beta(g, 18, 2);
	}
	assert_int_equal(link_mix_fit(x, sec, n, &mp, &m, NULL), DUR_OK);
	assert_true(m.separated);
	/* Monte Carlo error of a share from 8000 points: sqrt(.375 .625 / 8000)
	   = 0.0054; of the means: sd / sqrt(n) < 0.001; 4 of those */
	assert_true(fabs(m.pi - 0.375) < 4 * 0.0054);
	assert_true(fabs(m.mean0 - 0.6) < 0.004);
	assert_true(fabs(m.mean1 - 0.9) < 0.004);
	/* the crossing: where the posterior reaches 1/2, computed independently
	   from the true densities */
	{
		double c = 0;
		for (double t = 0.6; t < 1; t += 1e-5) {
			double f0 = 0.625 * gsl_ran_beta_pdf(t, 120, 80),
			       f1 = 0.375 * gsl_ran_beta_pdf(t, 18, 2);
			if (f1 >= f0) {
				c = t;
				break;
			}
		}
		printf("mixture: crossing %.4f (true %.4f), share %.4f\n", m.crossing, c, m.pi);
		assert_true(fabs(m.crossing - c) < 0.01);
		assert_rel_close(m.threshold, m.crossing, 1e-15);
		/* posterior monotone in the score above the non-match mean */
		for (double t = 0.6; t < 0.99; t += 0.01)
			assert_true(link_mix_prob(&m, t + 0.01) >= link_mix_prob(&m, t));
	}
	/* one component only (lists that share nobody): not separated, and the
	   threshold is the fallback */
	for (size_t i = 0; i < n; i++)
		x[i] = gsl_ran_beta(g, 120, 80);
	assert_int_equal(link_mix_fit(x, sec, n, &mp, &m, NULL), DUR_OK);
	assert_false(m.separated);
	assert_true(m.threshold >= 0.8);
	gsl_rng_free(g);
	free(x);
	free(sec);
}

/* ---- capture tables, histories, draws ---- */

static void test_link_table_histories_draws(void **state)
{
	/* a0 = b0 exactly; a1 and b1 share 16 of 20 bits (Dice 0.8); a2 alone */
	uint64_t fa[3] = { 0xfffffULL, 0xfffffULL << 30, 0xffULL << 56 },
		 fb[2] = { 0xfffffULL, (0xffffULL << 30) | (0xfULL << 52) };
	struct dur_link_encodings *l[2] = { hand(fa, 3, "a"), hand(fb, 2, "b") };
	const char *names[2] = { "A", "B" };
	struct dur_link_result *r = match(l, names, 2, 0.75, 0.5);
	struct dur_table *t = NULL, **draws = NULL;
	struct dur_link_histories *h = NULL;
	char *txt, *want = NULL;
	size_t wl = 0, n11 = 0;
	FILE *f;
	(void)state;
	assert_int_equal(r->npairs, 2);
	assert_int_equal(dur_link_result_table(r, &t, NULL), DUR_OK);
	assert_int_equal(t->k, 2);
	assert_true(t->count[1] == 1 && t->count[2] == 0 && t->count[3] == 2);
	/* one writer: dur_link_write_table is dur_table_write_csv of the table */
	txt = write_str(dur_link_write_table, r);
	f = open_memstream(&want, &wl);
	assert_int_equal(dur_table_write_csv(t, f, NULL), DUR_OK);
	fclose(f);
	assert_string_equal(txt, want);
	assert_string_equal(txt, "A,B,count\n1,0,1\n1,1,2\n");
	free(txt);
	free(want);
	dur_table_free(t);
	/* histories: the weakest link of each person, here its one link */
	assert_int_equal(dur_link_to_histories(r, &h, NULL), DUR_OK);
	assert_int_equal(h->n, 3);
	assert_int_equal(h->mask[0], 3);
	assert_int_equal(h->mask[2], 1);
	assert_true(h->weakest[2] == -1.0);
	assert_rel_close(h->weakest[1], r->pairs[1].prob, 1e-15);
	dur_link_histories_free(h);
	txt = write_str(dur_link_write_histories_weakest, r);
	assert_non_null(strstr(txt, "id,A,B,link_weakest\n1,1,1,"));
	assert_non_null(strstr(txt, "\n3,1,0,\n"));
	free(txt);
	/* draws: with the probability of a1-b1 set to 1/2 by hand, about half
	   the draws link it (Monte Carlo: 400 draws, sd sqrt(.25/400) = 0.025) */
	for (size_t i = 0; i < r->ncands; i++)
		r->cands[i].prob = r->cands[i].score == 1.0 ? 1.0 :
				   r->cands[i].best ? 0.5 : 0.0;
	assert_int_equal(dur_link_draw_tables(r, (const struct dur_link_encodings *const *)l, 400,
					      99, &draws, NULL), DUR_OK);
	for (size_t d = 0; d < 400; d++) {
		double c11 = draws[d]->count[3];
		assert_true(c11 == 1 || c11 == 2);
		assert_true(dur_table_observed(draws[d]) == 5 - c11);
		n11 += c11 == 2;
		dur_table_free(draws[d]);
	}
	free(draws);
	printf("draws: the pair of probability 1/2 linked in %zu of 400\n", n11);
	assert_true(fabs((double)n11 / 400.0 - 0.5) < 4 * 0.025);
	assert_int_equal(dur_link_draw_tables(r, (const struct dur_link_encodings *const *)l, 0,
					      1, &draws, NULL), DUR_EINVAL);
	dur_link_result_free(r);
	dur_link_enc_free(l[0]);
	dur_link_enc_free(l[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_dice_known_bits),
		cmocka_unit_test(test_link_kernels_identical),
		cmocka_unit_test(test_link_jaro_winkler_textbook),
		cmocka_unit_test(test_link_qgrams),
		cmocka_unit_test(test_link_normalise),
		cmocka_unit_test(test_link_dates),
		cmocka_unit_test(test_link_schema_errors),
		cmocka_unit_test(test_link_schema_hash),
		cmocka_unit_test(test_link_key_derivation),
		cmocka_unit_test(test_link_encode_errors),
		cmocka_unit_test(test_link_encode_stats_and_record_numbers),
		cmocka_unit_test(test_link_encodings_file),
		cmocka_unit_test(test_link_match_two_lists),
		cmocka_unit_test(test_link_weak_bridge_refused),
		cmocka_unit_test(test_link_one_to_one),
		cmocka_unit_test(test_link_one_record_per_list),
		cmocka_unit_test(test_link_dedup_synthetic),
		cmocka_unit_test(test_link_plain_three_lists),
		cmocka_unit_test(test_link_weak_secrets_refused),
		cmocka_unit_test(test_link_encoder_matches_csv),
		cmocka_unit_test(test_link_threads_and_blocking),
		cmocka_unit_test(test_link_mixture_recovers_components),
		cmocka_unit_test(test_link_table_histories_draws),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
