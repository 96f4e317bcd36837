/*
 * The encrypted store on its own (duress/store.h): users and passwords,
 * sealed cases that open only in their own row and column, the key locked
 * away, the audit trail's keyed references, backups that open with a
 * coordinator's password only and give back the same store.
 *
 * Properties rather than figures: a seal moved to another row, or one
 * changed byte, does not open (XChaCha20-Poly1305 with the row key as
 * associated data); the same password opens the same data key however
 * often it is derived; a restored store holds byte for byte the cases it
 * was made from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <sqlite3.h>
#include "serve_fixture.h"
#include "test_util.h"

static struct dur_store_params SP;

static const unsigned char *U(const char *s)
{
	return (const unsigned char *)s;
}

static void make(char *dir, size_t size)
{
	char tmpl[] = "/tmp/duress-store-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, size, "%s/s", tmpl);
	assert_int_equal(dur_store_create(dir, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), &SP, NULL),
			 0);
}

static void unmake(const char *dir)
{
	char parent[256], *slash;
	fx_rmdir(dir);
	snprintf(parent, sizeof(parent), "%s", dir);
	if ((slash = strrchr(parent, '/'))) {
		*slash = '\0';
		rmdir(parent);
	}
}

static void test_store_users(void **state)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_store_user u, *list = NULL;
	dur_store *s = NULL;
	char dir[256];
	size_t n;
	int found;
	(void)state;
	make(dir, sizeof(dir));
	assert_int_equal(dur_store_open(dir, &SP, &s, &err), 0);
	assert_false(dur_store_unlocked(s));
	/* locked: nothing that needs the key works */
	assert_int_equal(dur_store_user_add(s, "bea", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 0, &err), DUR_EKEY);
	assert_int_equal(dur_store_case_put(s, "0123456789", 1, "m", 1, "b", 1, NULL, &err),
			 DUR_EKEY);
	/* wrong password, unknown user: one code, one message */
	assert_int_equal(dur_store_login(s, "ana", U("not the password"), 16, NULL, &err), DUR_EKEY);
	assert_string_equal(err.msg, "wrong user name or password");
	assert_int_equal(dur_store_login(s, "zed", U(FX_COORD_PW), strlen(FX_COORD_PW), NULL, &err),
			 DUR_EKEY);
	assert_string_equal(err.msg, "wrong user name or password");
	assert_false(dur_store_unlocked(s));
	assert_int_equal(dur_store_login(s, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), &u, &err), 0);
	assert_true(dur_store_unlocked(s));
	assert_string_equal(u.name, "ana");
	assert_int_equal(u.role, DUR_STORE_COORDINATOR);
	/* bad names and short passwords */
	assert_int_equal(dur_store_user_add(s, "", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 0, &err), DUR_EINVAL);
	assert_int_equal(dur_store_user_add(s, " bea", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 0, &err), DUR_EINVAL);
	assert_int_equal(dur_store_user_add(s, "b\nea", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 0, &err), DUR_EINVAL);
	assert_int_equal(dur_store_user_add(s, "bea", DUR_STORE_WORKER, U("short"), 5, 0, &err),
			 DUR_EINVAL);
	/* a user of another script is fine */
	assert_int_equal(dur_store_user_add(s, "Ayşe Çelik", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 1, &err), 0);
	assert_int_equal(dur_store_user_add(s, "Ayşe Çelik", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 1, &err), DUR_EDATA);
	assert_int_equal(dur_store_user_get(s, "Ayşe Çelik", &u, &found, &err), 0);
	assert_true(found);
	assert_true(u.must_change);
	/* her password opens the same data key: a second login while unlocked agrees */
	assert_int_equal(dur_store_login(s, "Ayşe Çelik", U(FX_WORKER_PW), strlen(FX_WORKER_PW), NULL,
					 &err), 0);
	/* ... and after the key is wiped, her login alone unlocks the store */
	dur_store_lock(s);
	assert_false(dur_store_unlocked(s));
	assert_int_equal(dur_store_login(s, "Ayşe Çelik", U(FX_WORKER_PW), strlen(FX_WORKER_PW), NULL,
					 &err), 0);
	assert_true(dur_store_unlocked(s));
	/* a new password replaces the old one */
	assert_int_equal(dur_store_user_set_password(s, "Ayşe Çelik", U("a brand new passphrase"),
						     22, 0, &err), 0);
	dur_store_lock(s);
	assert_int_equal(dur_store_login(s, "Ayşe Çelik", U(FX_WORKER_PW), strlen(FX_WORKER_PW), NULL,
					 &err), DUR_EKEY);
	assert_int_equal(dur_store_login(s, "Ayşe Çelik", U("a brand new passphrase"), 22, &u, &err),
			 0);
	assert_false(u.must_change);
	/* the last coordinator stays; a worker goes */
	assert_int_equal(dur_store_user_remove(s, "ana", &found, &err), DUR_EDATA);
	assert_int_equal(dur_store_user_remove(s, "Ayşe Çelik", &found, &err), 0);
	assert_true(found);
	assert_int_equal(dur_store_user_remove(s, "Ayşe Çelik", &found, &err), 0);
	assert_false(found);
	assert_int_equal(dur_store_user_list(s, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].name, "ana");
	free(list);
	dur_store_free(s);
	unmake(dir);
}

/* The sealed body of a case, read with a second connection (as a thief would). */
static void raw_swap_bodies(const char *dir)
{
	char path[512];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/duress.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* give row 1 the sealed body of row 2 */
	assert_int_equal(sqlite3_exec(db, "UPDATE cases SET body = (SELECT body FROM cases WHERE "
				      "rowid = 2) WHERE rowid = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void raw_flip(const char *dir)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char buf[4096];
	int n;
	snprintf(path, sizeof(path), "%s/duress.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* one bit of row 2's sealed meta changed (past the nonce) */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT meta FROM cases WHERE rowid = 2", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	assert_true(n > 30 && n <= (int)sizeof(buf));
	memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	buf[30] ^= 1;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE cases SET meta = ?1 WHERE rowid = 2", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_bind_blob(st, 1, buf, n, SQLITE_STATIC), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static int has(const unsigned char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	for (size_t i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return 1;
	return 0;
}

static dur_err count_cb(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	(void)text;
	(void)len;
	(void)err;
	(*(size_t *)ctx)++;
	return DUR_OK;
}

static void test_store_cases(void **state)
{
	struct dur_error err = DUR_ERROR_INIT;
	char dir[256], a[DUR_STORE_ID_LEN + 1], b[DUR_STORE_ID_LEN + 1], ref[DUR_STORE_REF_LEN + 1];
	char ref2[DUR_STORE_REF_LEN + 1], *text = NULL;
	struct dur_store_audit_entry *e = NULL;
	dur_store *s = NULL;
	size_t len, n = 0;
	int found;
	(void)state;
	make(dir, sizeof(dir));
	assert_int_equal(dur_store_open(dir, &SP, &s, &err), 0);
	assert_int_equal(dur_store_login(s, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), NULL, &err), 0);
	dur_store_case_new_id(a);
	do
		dur_store_case_new_id(b);
	while (strcmp(a, b) == 0);
	assert_true(dur_store_case_id_valid(a));
	assert_false(dur_store_case_id_valid("0123456789x"));
	assert_false(dur_store_case_id_valid("ILOU012345"));   /* not Crockford base32 */
	assert_int_equal(dur_store_case_put(s, a, 1, "meta a", 6, "body of a", 9, NULL, &err), 0);
	assert_int_equal(dur_store_case_put(s, a, 1, "x", 1, "y", 1, NULL, &err), DUR_EDATA);
	assert_int_equal(dur_store_case_put(s, b, 1, "meta b", 6, "body of b", 9, NULL, &err), 0);
	assert_int_equal(dur_store_case_get(s, a, &text, &len, &found, &err), 0);
	assert_true(found);
	assert_string_equal(text, "body of a");
	dur_store_wipe_free(text, len);
	assert_int_equal(dur_store_case_foreach(s, 0, count_cb, &n, &err), 0);
	assert_int_equal(n, 2);
	/* a replacement, a case that is not there */
	assert_int_equal(dur_store_case_put(s, a, 0, "meta a2", 7, "body of a, v2", 13, &found, &err),
			 0);
	assert_true(found);
	assert_int_equal(dur_store_case_get(s, a, &text, &len, &found, &err), 0);
	assert_string_equal(text, "body of a, v2");
	dur_store_wipe_free(text, len);
	assert_int_equal(dur_store_case_put(s, "zzzzzzzzzz", 0, "m", 1, "b", 1, &found, &err), 0);
	assert_false(found);
	/* the caps */
	{
		static char big[(1 << 20) + 1];
		assert_int_equal(dur_store_case_put(s, "zzzzzzzzzz", 1, "m", 1, big, sizeof(big), NULL,
						    &err), DUR_ELIMIT);
	}
	/* the audit trail names a case by a keyed hash: the same for the same case */
	assert_int_equal(dur_store_audit(s, "ana", "case_view", a, 1700000000, &err), 0);
	assert_int_equal(dur_store_audit(s, "ana", "Bad Action", NULL, 1700000000, &err), DUR_EINVAL);
	assert_int_equal(dur_store_audit_ref(s, a, ref, &err), 0);
	assert_int_equal(dur_store_audit_ref(s, b, ref2, &err), 0);
	assert_int_equal(strlen(ref), DUR_STORE_REF_LEN);
	assert_string_not_equal(ref, ref2);
	assert_int_equal(dur_store_audit_list(s, 10, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].action, "case_view");
	assert_string_equal(e[0].ref, ref);
	assert_int_equal(e[0].at, 1700000000);
	free(e);
	dur_store_free(s);

	/* a sealed body moved to another row does not open there */
	raw_swap_bodies(dir);
	assert_int_equal(dur_store_open(dir, &SP, &s, &err), 0);
	assert_int_equal(dur_store_login(s, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), NULL, &err), 0);
	assert_int_equal(dur_store_case_get(s, a, &text, &len, &found, &err), DUR_EKEY);
	assert_null(text);
	assert_int_equal(dur_store_case_get(s, b, &text, &len, &found, &err), 0);
	assert_string_equal(text, "body of b");
	dur_store_wipe_free(text, len);
	dur_store_free(s);
	/* nor does one with a changed bit */
	raw_flip(dir);
	assert_int_equal(dur_store_open(dir, &SP, &s, &err), 0);
	assert_int_equal(dur_store_login(s, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), NULL, &err), 0);
	n = 0;
	assert_int_equal(dur_store_case_foreach(s, 0, count_cb, &n, &err), DUR_EKEY);
	/* delete: gone, for good */
	assert_int_equal(dur_store_case_delete(s, b, &found, &err), 0);
	assert_true(found);
	assert_int_equal(dur_store_case_get(s, b, &text, &len, &found, &err), 0);
	assert_false(found);
	assert_int_equal(dur_store_case_delete(s, b, &found, &err), 0);
	assert_false(found);
	assert_int_equal(dur_store_check(s, &err), 0);
	dur_store_free(s);
	unmake(dir);
}

static dur_err collect(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	char *all = ctx;
	(void)len;
	(void)err;
	strcat(all, text);
	strcat(all, "|");
	return DUR_OK;
}

static void test_store_backup(void **state)
{
	struct dur_error err = DUR_ERROR_INIT;
	char dir[256], dir2[300], id[DUR_STORE_ID_LEN + 1], before[4096] = "", after[4096] = "";
	char sid[64];
	unsigned char *bk = NULL;
	dur_store *s = NULL, *r = NULL;
	size_t len = 0;
	(void)state;
	make(dir, sizeof(dir));
	assert_int_equal(dur_store_open(dir, &SP, &s, &err), 0);
	assert_int_equal(dur_store_backup(s, &bk, &len, &err), DUR_EKEY);   /* locked */
	assert_int_equal(dur_store_login(s, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), NULL, &err), 0);
	assert_int_equal(dur_store_user_add(s, "bea", DUR_STORE_WORKER, U(FX_WORKER_PW),
					    strlen(FX_WORKER_PW), 0, &err), 0);
	for (int i = 0; i < 20; i++) {
		char body[64];
		snprintf(body, sizeof(body), "case number %d", i);
		dur_store_case_new_id(id);
		assert_int_equal(dur_store_case_put(s, id, 1, "m", 1, body, strlen(body), NULL, &err), 0);
	}
	assert_int_equal(dur_store_case_foreach(s, 1, collect, before, &err), 0);
	assert_int_equal(dur_store_backup(s, &bk, &len, &err), 0);
	assert_true(len > 1000);
	assert_int_equal(memcmp(bk, "DURESSBK", 8), 0);
	/* the sealed image holds no plaintext of the store */
	assert_false(has(bk, len, "case number"));
	assert_false(has(bk, len, "SQLite format 3"));
	snprintf(sid, sizeof(sid), "%s", dur_store_id(s));
	dur_store_free(s);
	snprintf(dir2, sizeof(dir2), "%s-restored", dir);
	/* a worker's password does not open a backup; nor a wrong one */
	assert_int_equal(dur_store_restore(bk, len, dir2, "bea", U(FX_WORKER_PW),
					   strlen(FX_WORKER_PW), &SP, &err), DUR_EKEY);
	assert_int_equal(dur_store_restore(bk, len, dir2, "ana", U("wrong password!"), 15, &SP, &err),
			 DUR_EKEY);
	/* a changed byte in the sealed part, or in the header: it does not open */
	bk[len - 5] ^= 1;
	assert_int_equal(dur_store_restore(bk, len, dir2, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW),
					   &SP, &err), DUR_EPARSE);
	bk[len - 5] ^= 1;
	bk[20] ^= 1;
	assert_true(dur_store_restore(bk, len, dir2, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW), &SP,
				      &err) != DUR_OK);
	bk[20] ^= 1;
	assert_int_equal(dur_store_restore(bk, len, dir2, "ana", U(FX_COORD_PW), strlen(FX_COORD_PW),
					   &SP, &err), 0);
	/* the restored store: the same cases, and the worker can log in too */
	assert_int_equal(dur_store_open(dir2, &SP, &r, &err), 0);
	assert_int_equal(dur_store_check(r, &err), 0);
	assert_int_equal(dur_store_login(r, "bea", U(FX_WORKER_PW), strlen(FX_WORKER_PW), NULL, &err),
			 0);
	assert_int_equal(dur_store_case_foreach(r, 1, collect, after, &err), 0);
	assert_string_equal(before, after);
	assert_string_equal(dur_store_id(r), sid);
	dur_store_free(r);
	free(bk);
	fx_rmdir(dir2);
	unmake(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_users),
		cmocka_unit_test(test_store_cases),
		cmocka_unit_test(test_store_backup),
	};
	gsl_set_error_handler_off();
	if (sodium_init() < 0)
		return 1;
	fx_store_params(&SP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
