/*
 * At rest: what a thief of the laptop finds in the store's folder.
 *
 * Cases are made (through the API and through the pages) with a
 * distinctive marker in every free-text field - reference, kind of work,
 * notes, every identifier - and edited, then every byte of every file
 * under the folder (database, WAL, shared memory) is searched: neither the
 * marker nor any case id may appear.  Then the sealed records are read
 * from the database (a second connection, as a thief would), the cases are
 * deleted, and the files are searched for any 32-byte slice of those
 * sealed records: after the delete and its checkpoint not even the
 * encrypted copies may remain, in free pages or the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <sqlite3.h>
#include "serve_fixture.h"
#include "test_util.h"

#define MARK "ZQXMARKER7731"
#define NCASES 6

static struct fx F;
static char COOKIE[256], CSRF[128];

struct blob {
	unsigned char *p;
	size_t n;
};

static int req(const char *method, const char *target, const char *ctype, const char *body,
	       struct hc_resp *r)
{
	const char *h[4] = { COOKIE, CSRF, NULL, NULL };
	char ct[128];
	if (ctype) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		h[2] = ct;
	}
	return hc_request(F.port, method, target, h, body, body ? strlen(body) : 0, r);
}

/* Every file of the store's folder, concatenated with a separator no slice spans. */
static unsigned char *folder_bytes(size_t *len, size_t *nfiles)
{
	DIR *d = opendir(F.dir);
	struct dirent *e;
	unsigned char *all = NULL;
	size_t n = 0;

	*nfiles = 0;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[600];
		size_t fl = 0;
		char *b;
		unsigned char *na;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", F.dir, e->d_name);
		b = test_slurp(p, &fl);
		if (!b)
			continue;
		na = realloc(all, n + fl + 64);
		assert_non_null(na);
		all = na;
		memcpy(all + n, b, fl);
		n += fl;
		memset(all + n, 0xA5, 64);   /* no 32-byte window crosses two files */
		n += 64;
		free(b);
		(*nfiles)++;
	}
	closedir(d);
	*len = n;
	return all;
}

static int contains(const unsigned char *h, size_t hl, const void *needle, size_t nl)
{
	for (size_t i = 0; nl && i + nl <= hl; i++)
		if (h[i] == ((const unsigned char *)needle)[0] && memcmp(h + i, needle, nl) == 0)
			return 1;
	return 0;
}

/* The sealed columns now in the database, read as a thief would. */
static size_t sealed_records(struct blob *out, size_t max)
{
	char path[600];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t n = 0;

	snprintf(path, sizeof(path), "file:%s/duress.db?mode=ro", F.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT meta, body FROM cases", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && n + 2 <= max)
		for (int c = 0; c < 2; c++) {
			out[n].n = (size_t)sqlite3_column_bytes(st, c);
			out[n].p = malloc(out[n].n);
			memcpy(out[n].p, sqlite3_column_blob(st, c), out[n].n);
			n++;
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_serve_atrest(void **state)
{
	char ids[NCASES + 1][16], target[128], body[2048];
	struct blob sealed[200];
	size_t nsealed = 0, len, nfiles;
	unsigned char *all;
	struct hc_resp r;
	(void)state;

	/* cases through the API, every free-text field marked */
	for (int i = 0; i < NCASES; i++) {
		snprintf(body, sizeof(body),
			 "{\"case_id\":\"%s-ref-%d\",\"age\":\"adult\",\"sector\":\"%s kitchen\","
			 "\"facts\":{\"debt_bondage\":\"yes\"},\"notes\":\"met at %s corner\","
			 "\"person\":{\"given_name\":\"%sgiven\",\"surname\":\"%ssurname\","
			 "\"date_of_birth\":\"1990-01-0%d\",\"sex\":\"%s\",\"nationality\":\"%s\"}}",
			 MARK, i, MARK, MARK, MARK, MARK, 1 + i, MARK, MARK);
		assert_int_equal(req("POST", "/api/cases", "application/json", body, &r), 0);
		assert_int_equal(r.status, 201);
		assert_true(fx_json_str(r.body, "id", ids[i], sizeof(ids[i])));
		hc_free(&r);
	}
	/* one through the pages, with notes in several lines */
	snprintf(body, sizeof(body), "csrf=%s&label=%s+form&person_lang=en",
		 CSRF + strlen("X-CSRF-Token: "), MARK);
	assert_int_equal(req("POST", "/cases/new", "application/x-www-form-urlencoded", body, &r), 0);
	assert_int_equal(r.status, 303);
	{
		char loc[128];
		assert_non_null(hc_header(&r, "Location", loc, sizeof(loc)));
		memcpy(ids[NCASES], loc + 7, 10);
		ids[NCASES][10] = '\0';
	}
	hc_free(&r);
	/* edits: every one leaves an older sealed version behind, until the checkpoint */
	for (int i = 0; i < NCASES; i++) {
		nsealed += sealed_records(sealed + nsealed, 200 - nsealed);
		snprintf(target, sizeof(target), "/api/cases/%s", ids[i]);
		snprintf(body, sizeof(body), "{\"case_id\":\"%s-ref-%d\",\"age\":\"minor\",\"notes\":"
			 "\"%s second visit\"}", MARK, i, MARK);
		assert_int_equal(req("PUT", target, "application/json", body, &r), 0);
		assert_int_equal(r.status, 200);
		hc_free(&r);
	}
	snprintf(target, sizeof(target), "/cases/%s/edit", ids[NCASES]);
	snprintf(body, sizeof(body), "csrf=%s&label=%s&status=Active&notes=%s%%0D%%0A%s&"
		 "given_name=%s&surname=%s", CSRF + strlen("X-CSRF-Token: "), MARK, MARK, MARK, MARK,
		 MARK);
	assert_int_equal(req("POST", target, "application/x-www-form-urlencoded", body, &r), 0);
	assert_int_equal(r.status, 303);
	hc_free(&r);

	/* the cases are there, readable through the app */
	snprintf(target, sizeof(target), "/api/cases/%s", ids[0]);
	assert_int_equal(req("GET", target, NULL, NULL, &r), 0);
	assert_non_null(strstr(r.body, MARK " second visit"));
	hc_free(&r);

	/* ... and nowhere in the clear on disk */
	all = folder_bytes(&len, &nfiles);
	assert_true(nfiles >= 1);
	assert_true(len > 4096);
	assert_false(contains(all, len, MARK, strlen(MARK)));
	assert_false(contains(all, len, "kitchen", 7));
	for (int i = 0; i <= NCASES; i++)
		assert_false(contains(all, len, ids[i], strlen(ids[i])));
	/* the scan itself works: the user names are in the clear, by design */
	assert_true(contains(all, len, FX_WORKER, strlen(FX_WORKER)));
	free(all);

	/* now delete every case; no sealed copy may stay behind */
	nsealed += sealed_records(sealed + nsealed, 200 - nsealed);
	assert_true(nsealed >= 2 * (NCASES + 1));
	for (int i = 0; i <= NCASES; i++) {
		snprintf(target, sizeof(target), "/api/cases/%s", ids[i]);
		assert_int_equal(req("DELETE", target, NULL, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		hc_free(&r);
	}
	all = folder_bytes(&len, &nfiles);
	for (size_t i = 0; i < nsealed; i++) {
		/* the nonce and the first bytes of each: any 32-byte slice would do */
		assert_true(sealed[i].n > 64);
		assert_false(contains(all, len, sealed[i].p, 32));
		assert_false(contains(all, len, sealed[i].p + sealed[i].n - 32, 32));
		free(sealed[i].p);
	}
	free(all);
}

static int setup(void **state)
{
	(void)state;
	if (fx_start(&F, NULL))
		return -1;
	return fx_login(F.port, FX_COORD, FX_COORD_PW, COOKIE, sizeof(COOKIE), CSRF, sizeof(CSRF));
}

static int teardown(void **state)
{
	(void)state;
	fx_stop(&F);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_atrest),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
