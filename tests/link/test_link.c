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
#include <gsl/gsl_errno.h>
#include <sodium.h>

#include "test_util.h"

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

static const unsigned char SECRET[] = "0123456789abcdef-a-test-secret";

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
	static const size_t words[] = { 1, 2, 3, 4, 5, 8, 9, 16, 17, 31, 64, 65 };
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
		b[0] = ~(uint64_t)0;  /* edge patterns: all ones, all zeros */
		b[w] = 0;
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
	assert_int_equal(dur_link_key_alloc(s, SECRET, 16, &k, NULL), DUR_OK);
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
	assert_int_equal(len, 96 + 4 * (2 + 2 + 32) + 32);
	assert_memory_equal(buf, "DURLENC\n", 8);
	assert_int_equal(dur_link_enc_read(buf, len, "x.enc", s, &r, NULL), DUR_OK);
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
	buf[8] = 2;
	read_bad(buf, len, s, DUR_EPARSE, "format version 2");
	buf[8] = 1;
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
	r = match(l, names, 2, 0.75, 0.6);
	assert_int_equal(r->npairs, 2);
	/* a1-b2 (same person, spelled differently) and a2-b1 */
	assert_true((r->pairs[0].rec_a == 0 && r->pairs[0].rec_b == 1) ||
		    (r->pairs[1].rec_a == 0 && r->pairs[1].rec_b == 1));
	assert_int_equal(r->nclusters, 5);
	txt = write_str(dur_link_write_table, r);
	assert_string_equal(txt, "police,shelter,count\n0,1,1\n1,0,2\n1,1,2\n");
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
		struct dur_link_encodings *o = encode(s, (const unsigned char *)"another secret, 16+",
						      19, LIST_B), *l2[2] = { l[0], o };
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
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
