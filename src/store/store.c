/*
 * The encrypted case store: SQLite underneath, libsodium on every case
 * column and on the data key; see include/duress/store.h for the design
 * and docs/serve.md for the threat model.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <duress/csv.h>

#define CTX "durstore"
static const char WRAP_AD[] = "duress-wrap-v1";
static const char CASE_AD[] = "duress-case-v1";
/* Crockford's base32: no I, L, O or U, so an id read aloud or copied by hand survives. */
static const char B32[] = "0123456789abcdefghjkmnpqrstvwxyz";

void dur_store_default_params(struct dur_store_params *p)
{
	memset(p, 0, sizeof(*p));
	p->opslimit = 3;
	p->memlimit = (size_t)128 << 20;
	p->max_record = (size_t)1 << 20;
	p->max_cases = 100000;
	p->busy_timeout_ms = 5000;
	p->durable = 1;
}

const char *dur_store_role_name(enum dur_store_role r)
{
	return r == DUR_STORE_COORDINATOR ? "coordinator" : "worker";
}

int dur_store_role_parse(const char *s)
{
	if (s && strcmp(s, "coordinator") == 0)
		return DUR_STORE_COORDINATOR;
	if (s && strcmp(s, "worker") == 0)
		return DUR_STORE_WORKER;
	return -1;
}

void dur_store_wipe_free(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}

/* ---- keys --------------------------------------------------------------- */

int st_keys_derive(struct st_keys *k)
{
	return crypto_kdf_derive_from_key(k->index, ST_KEY, 1, CTX, k->data) ||
	       crypto_kdf_derive_from_key(k->audit, ST_KEY, 2, CTX, k->data) ||
	       crypto_kdf_derive_from_key(k->backup, ST_KEY, 3, CTX, k->data);
}

int st_kek(unsigned char *kek, const unsigned char *pw, size_t len, const unsigned char *salt,
	   unsigned long long ops, size_t mem)
{
	return crypto_pwhash(kek, ST_KEY, (const char *)pw, len, salt, ops, mem,
			     crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

/* The associated data of a wrapped key: the format, the store, the user. */
static size_t wrap_ad(unsigned char *ad, size_t cap, const unsigned char *store_id,
		      const char *name)
{
	size_t n = 0, nl = strlen(name);
	if (sizeof(WRAP_AD) + ST_STORE_ID + nl > cap)
		nl = cap - sizeof(WRAP_AD) - ST_STORE_ID;
	memcpy(ad, WRAP_AD, sizeof(WRAP_AD));
	n += sizeof(WRAP_AD);
	memcpy(ad + n, store_id, ST_STORE_ID);
	n += ST_STORE_ID;
	memcpy(ad + n, name, nl);
	return n + nl;
}

void st_wrap(unsigned char wrap[ST_WRAP], const unsigned char *data_key,
	     const unsigned char *kek, const unsigned char *store_id, const char *name)
{
	unsigned char ad[sizeof(WRAP_AD) + ST_STORE_ID + DUR_STORE_MAX_NAME];
	size_t adlen = wrap_ad(ad, sizeof(ad), store_id, name);

	randombytes_buf(wrap, ST_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(wrap + ST_NONCE, NULL, data_key, ST_KEY, ad,
						   adlen, NULL, wrap, kek);
}

int st_unwrap(unsigned char *data_key, const unsigned char wrap[ST_WRAP],
	      const unsigned char *kek, const unsigned char *store_id, const char *name)
{
	unsigned char ad[sizeof(WRAP_AD) + ST_STORE_ID + DUR_STORE_MAX_NAME];
	size_t adlen = wrap_ad(ad, sizeof(ad), store_id, name);

	return crypto_aead_xchacha20poly1305_ietf_decrypt(data_key, NULL, NULL, wrap + ST_NONCE,
							  ST_KEY + ST_TAG, ad, adlen, wrap,
							  kek) == 0 ? 0 : -1;
}

/* ---- SQLite ------------------------------------------------------------- */

dur_err st_sqlite_error(sqlite3 *db, const char *what, struct dur_error *err)
{
	return dur_error_set(err, DUR_EIO, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

int st_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The text of a one-row, one-column PRAGMA, into buf. */
static int pragma_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	buf[0] = '\0';
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", t ? (const char *)t : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

dur_err st_db_open(const char *path, int create, const struct dur_store_params *p, sqlite3 **out,
		   struct dur_error *err)
{
	sqlite3 *db = NULL;
	char v[64];
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW;
	dur_err rc;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		rc = st_sqlite_error(db, "cannot open the store", err);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, p->busy_timeout_ms);
	/*
	 * auto_vacuum must be chosen before the first table exists: incremental,
	 * so that the pages of a deleted case can be handed back to the file
	 * system on demand (dur_store_purge) rather than kept on the free list.
	 */
	if (create && st_exec(db, "PRAGMA auto_vacuum=INCREMENTAL") != SQLITE_OK)
		goto fail;
	/* deleted content is overwritten with zeros, in the b-tree and the free list */
	if (st_exec(db, "PRAGMA secure_delete=ON") != SQLITE_OK ||
	    /* sorting and temporary tables in memory: no temporary file ever holds a page */
	    st_exec(db, "PRAGMA temp_store=MEMORY") != SQLITE_OK ||
	    st_exec(db, "PRAGMA trusted_schema=OFF") != SQLITE_OK ||
	    st_exec(db, "PRAGMA cell_size_check=ON") != SQLITE_OK)
		goto fail;
	if (pragma_text(db, "PRAGMA journal_mode=WAL", v, sizeof(v)) != SQLITE_OK)
		goto fail;
	if (strcmp(v, "wal") != 0) {
		sqlite3_close(db);
		return dur_error_set(err, DUR_EIO, "the store cannot use a write-ahead log "
				     "(journal mode '%s')", v);
	}
	/*
	 * FULL: in WAL mode every commit is synced to the log before the call
	 * returns, so an acknowledged write survives a power cut or a kill -9.
	 */
	if (st_exec(db, p->durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF") !=
		    SQLITE_OK ||
	    /* after each checkpoint that resets the log, truncate it: no stale frames */
	    st_exec(db, "PRAGMA journal_size_limit=0") != SQLITE_OK)
		goto fail;
	*out = db;
	return DUR_OK;
fail:
	rc = st_sqlite_error(db, "cannot set up the store", err);
	sqlite3_close(db);
	return rc;
}

dur_err st_schema_create(sqlite3 *db, const unsigned char *store_id, struct dur_error *err)
{
	static const char *const sql =
		"BEGIN IMMEDIATE;"
		"CREATE TABLE meta(k TEXT PRIMARY KEY, v BLOB NOT NULL);"
		/* user names are in the clear: login needs them before any key */
		"CREATE TABLE users(name TEXT PRIMARY KEY, role INTEGER NOT NULL,"
		" lang TEXT NOT NULL DEFAULT '', salt BLOB NOT NULL, ops INTEGER NOT NULL,"
		" mem INTEGER NOT NULL, wrap BLOB NOT NULL, created INTEGER NOT NULL,"
		" must_change INTEGER NOT NULL DEFAULT 0);"
		/* k: keyed hash of the case id; meta, body: sealed */
		"CREATE TABLE cases(k BLOB NOT NULL UNIQUE, meta BLOB NOT NULL, body BLOB NOT NULL);"
		"CREATE TABLE audit(seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
		" user TEXT NOT NULL, action TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '');";
	sqlite3_stmt *st = NULL;
	char fmt[8];
	dur_err rc = DUR_OK;

	if (st_exec(db, sql) != SQLITE_OK)
		goto fail;
	snprintf(fmt, sizeof(fmt), "%d", ST_FORMAT);
	if (sqlite3_prepare_v2(db, "INSERT INTO meta(k, v) VALUES ('format', ?1), ('store_id', ?2)",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, fmt, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, store_id, ST_STORE_ID, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (st_exec(db, "COMMIT") != SQLITE_OK)
		goto fail;
	return DUR_OK;
fail:
	rc = st_sqlite_error(db, "cannot create the store", err);
	sqlite3_finalize(st);
	st_exec(db, "ROLLBACK");
	return rc;
}

dur_err st_prepare_dir(const char *dir, char *path, size_t size, struct dur_error *err)
{
	struct stat sb;

	if (!dir || !*dir)
		return dur_error_set(err, DUR_EINVAL, "no folder given for the store");
	if (snprintf(path, size, "%s/%s", dir, DUR_STORE_FILE) >= (int)size)
		return dur_error_set(err, DUR_EINVAL, "the folder name is too long");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return dur_error_set(err, DUR_EIO, "cannot make the folder '%s': %s", dir,
				     strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return dur_error_set(err, DUR_EIO, "'%s' is not a folder", dir);
	if (lstat(path, &sb) == 0)
		return dur_error_set(err, DUR_EINVAL, "'%s' already holds a store", dir);
	return DUR_OK;
}

dur_err st_create_file(const char *path, struct dur_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return dur_error_set(err, DUR_EIO, "cannot create '%s': %s", path, strerror(errno));
	close(fd);
	return DUR_OK;
}

int st_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > DUR_STORE_MAX_NAME || name[0] == ' ' || name[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return dur_utf8_check(name, n, NULL) == DUR_OK;
}

static dur_err check_password(size_t len, struct dur_error *err)
{
	if (len < DUR_STORE_MIN_PASSWORD)
		return dur_error_set(err, DUR_EINVAL, "a password needs at least %d characters",
				     DUR_STORE_MIN_PASSWORD);
	if (len > DUR_STORE_MAX_PASSWORD)
		return dur_error_set(err, DUR_EINVAL, "a password has at most %d bytes",
				     DUR_STORE_MAX_PASSWORD);
	return DUR_OK;
}

static dur_err check_params(const struct dur_store_params *p, struct dur_error *err)
{
	if (p->opslimit < crypto_pwhash_OPSLIMIT_MIN || p->opslimit > crypto_pwhash_OPSLIMIT_MAX ||
	    p->memlimit < crypto_pwhash_MEMLIMIT_MIN || p->memlimit > ((size_t)4 << 30))
		return dur_error_set(err, DUR_EINVAL, "the Argon2id limits are out of range "
				     "(passes %llu to %llu, memory 8 KiB to 4 GiB)",
				     (unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
				     (unsigned long long)crypto_pwhash_OPSLIMIT_MAX);
	if (p->max_record < 1024 || p->max_cases < 1 || p->busy_timeout_ms < 0)
		return dur_error_set(err, DUR_EINVAL, "the store's caps are out of range");
	return DUR_OK;
}

/* Insert one user row, wrapping keys->data for them.  Lock held (or no store yet). */
static dur_err insert_user(sqlite3 *db, const unsigned char *store_id,
			   const unsigned char *data_key, const char *name, int role,
			   const unsigned char *pw, size_t len, int must_change,
			   const struct dur_store_params *p, int replace, struct dur_error *err)
{
	unsigned char salt[ST_SALT], wrap[ST_WRAP], *kek;
	sqlite3_stmt *st = NULL;
	const char *sql = replace
		? "UPDATE users SET salt=?1, ops=?2, mem=?3, wrap=?4, must_change=?5 WHERE name=?6"
		: "INSERT INTO users(salt, ops, mem, wrap, must_change, name, role, created) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	dur_err rc = DUR_OK;
	int r;

	if (!(kek = sodium_malloc(ST_KEY)))
		return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
	randombytes_buf(salt, sizeof(salt));
	if (st_kek(kek, pw, len, salt, p->opslimit, p->memlimit) != 0) {
		sodium_free(kek);
		return dur_error_set(err, DUR_ENOMEM, "out of memory for Argon2id (%zu MiB)",
				     p->memlimit >> 20);
	}
	st_wrap(wrap, data_key, kek, store_id, name);
	sodium_free(kek);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, salt, sizeof(salt), SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->opslimit) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)p->memlimit) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 4, wrap, sizeof(wrap), SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(st, 5, must_change ? 1 : 0) != SQLITE_OK ||
	    sqlite3_bind_text(st, 6, name, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    (!replace && (sqlite3_bind_int(st, 7, role) != SQLITE_OK ||
			  sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL)) != SQLITE_OK))) {
		rc = st_sqlite_error(db, "cannot record the user", err);
		goto out;
	}
	r = sqlite3_step(st);
	if (r == SQLITE_CONSTRAINT_PRIMARYKEY || r == SQLITE_CONSTRAINT_UNIQUE)
		rc = dur_error_set(err, DUR_EDATA, "there is already a user of that name");
	else if (r != SQLITE_DONE)
		rc = st_sqlite_error(db, "cannot record the user", err);
	else if (replace && sqlite3_changes(db) != 1)
		rc = dur_error_set(err, DUR_EINVAL, "there is no user of that name");
out:
	sqlite3_finalize(st);
	sodium_memzero(wrap, sizeof(wrap));
	return rc;
}

dur_err dur_store_create(const char *dir, const char *user, const unsigned char *pw,
			 size_t len, const struct dur_store_params *p, struct dur_error *err)
{
	struct dur_store_params def;
	unsigned char store_id[ST_STORE_ID], *dk = NULL;
	char path[4096];
	sqlite3 *db = NULL;
	dur_err rc;

	if (!p) {
		dur_store_default_params(&def);
		p = &def;
	}
	if ((rc = check_params(p, err)))
		return rc;
	if (!st_name_valid(user))
		return dur_error_set(err, DUR_EINVAL, "a user name is 1 to %d characters, without "
				     "control characters or spaces at either end", DUR_STORE_MAX_NAME);
	if ((rc = check_password(len, err)) || (rc = st_prepare_dir(dir, path, sizeof(path), err)) ||
	    (rc = st_create_file(path, err)))
		return rc;
	if ((rc = st_db_open(path, 1, p, &db, err)))
		goto fail;
	randombytes_buf(store_id, sizeof(store_id));
	if ((rc = st_schema_create(db, store_id, err)))
		goto fail;
	if (!(dk = sodium_malloc(ST_KEY))) {
		rc = dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
		goto fail;
	}
	crypto_aead_xchacha20poly1305_ietf_keygen(dk);
	rc = insert_user(db, store_id, dk, user, DUR_STORE_COORDINATOR, pw, len, 0, p, 0, err);
	sodium_free(dk);
	if (rc)
		goto fail;
	if (sqlite3_close(db) != SQLITE_OK) {
		db = NULL;
		rc = dur_error_set(err, DUR_EIO, "cannot close the new store");
		goto fail;
	}
	return DUR_OK;
fail:
	sqlite3_close(db);
	/* leave nothing half made behind */
	unlink(path);
	{
		char aux[4200];
		snprintf(aux, sizeof(aux), "%s-wal", path);
		unlink(aux);
		snprintf(aux, sizeof(aux), "%s-shm", path);
		unlink(aux);
	}
	return rc;
}

/* Read the store's format and id.  Lock held or not yet shared. */
static dur_err read_meta(dur_store *s, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	int have_fmt = 0, have_id = 0;
	dur_err rc = DUR_OK;

	if (sqlite3_prepare_v2(s->db, "SELECT k, v FROM meta", -1, &st, NULL) != SQLITE_OK)
		return dur_error_set(err, DUR_EIO, "this folder does not hold a duress store");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		if (k && strcmp(k, "format") == 0) {
			const char *v = (const char *)sqlite3_column_text(st, 1);
			if (!v || atoi(v) != ST_FORMAT) {
				rc = dur_error_set(err, DUR_EIO, "the store has format %s; this duress "
						   "reads format %d", v ? v : "?", ST_FORMAT);
				goto out;
			}
			have_fmt = 1;
		} else if (k && strcmp(k, "store_id") == 0 &&
			   sqlite3_column_bytes(st, 1) == ST_STORE_ID) {
			memcpy(s->store_id, sqlite3_column_blob(st, 1), ST_STORE_ID);
			have_id = 1;
		}
	}
	if (!have_fmt || !have_id)
		rc = dur_error_set(err, DUR_EIO, "this folder does not hold a duress store");
	sodium_bin2hex(s->store_id_hex, sizeof(s->store_id_hex), s->store_id, ST_STORE_ID);
out:
	sqlite3_finalize(st);
	return rc;
}

static dur_err count_cases(dur_store *s, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM cases", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = st_sqlite_error(s->db, "cannot read the store", err);
	else
		s->ncases = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

dur_err dur_store_open(const char *dir, const struct dur_store_params *p, dur_store **out,
		       struct dur_error *err)
{
	struct dur_store_params def;
	dur_store *s;
	char path[4096], v[64];
	struct stat sb;
	dur_err rc;

	*out = NULL;
	if (!p) {
		dur_store_default_params(&def);
		p = &def;
	}
	if ((rc = check_params(p, err)))
		return rc;
	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, DUR_STORE_FILE) >= (int)sizeof(path))
		return dur_error_set(err, DUR_EINVAL, "no folder, or too long a name, for the store");
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return dur_error_set(err, DUR_EIO, "there is no store in '%s' (make one with "
				     "'duress serve --init')", dir);
	if (!(s = calloc(1, sizeof(*s))))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return dur_error_set(err, DUR_ENOMEM, "cannot make a lock");
	}
	s->p = *p;
	if ((rc = st_db_open(path, 0, p, &s->db, err)) || (rc = read_meta(s, err)) ||
	    (rc = count_cases(s, err)))
		goto fail;
	if (pragma_text(s->db, "PRAGMA auto_vacuum", v, sizeof(v)) != SQLITE_OK || strcmp(v, "2")) {
		rc = dur_error_set(err, DUR_EIO, "the store was not made with incremental vacuum");
		goto fail;
	}
	if (pragma_text(s->db, "PRAGMA quick_check", v, sizeof(v)) != SQLITE_OK ||
	    strcmp(v, "ok") != 0) {
		rc = dur_error_set(err, DUR_EDATA, "the store is damaged (run 'duress serve --check' "
				   "and restore a backup)");
		goto fail;
	}
	*out = s;
	return DUR_OK;
fail:
	dur_store_free(s);
	return rc;
}

void dur_store_lock(dur_store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->keys)
		sodium_free(s->keys);   /* sodium_free wipes before it frees */
	s->keys = NULL;
	pthread_mutex_unlock(&s->lock);
}

int dur_store_unlocked(dur_store *s)
{
	int u;
	pthread_mutex_lock(&s->lock);
	u = s->keys != NULL;
	pthread_mutex_unlock(&s->lock);
	return u;
}

const char *dur_store_id(const dur_store *s)
{
	return s->store_id_hex;
}

void dur_store_free(dur_store *s)
{
	if (!s)
		return;
	dur_store_lock(s);
	if (s->db)
		sqlite3_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void user_from_row(sqlite3_stmt *st, struct dur_store_user *u)
{
	const char *t;
	memset(u, 0, sizeof(*u));
	t = (const char *)sqlite3_column_text(st, 0);
	snprintf(u->name, sizeof(u->name), "%s", t ? t : "");
	u->role = sqlite3_column_int(st, 1) == DUR_STORE_COORDINATOR ? DUR_STORE_COORDINATOR
								       : DUR_STORE_WORKER;
	t = (const char *)sqlite3_column_text(st, 2);
	snprintf(u->lang, sizeof(u->lang), "%s", t ? t : "");
	u->created = (long long)sqlite3_column_int64(st, 3);
	u->must_change = sqlite3_column_int(st, 4) != 0;
}

#define USER_COLS "name, role, lang, created, must_change"

dur_err dur_store_login(dur_store *s, const char *user, const unsigned char *pw, size_t len,
			struct dur_store_user *out, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	unsigned char salt[ST_SALT], wrap[ST_WRAP], *kek = NULL;
	struct st_keys *k = NULL;
	struct dur_store_user u;
	unsigned long long ops = s->p.opslimit;
	size_t mem = s->p.memlimit;
	int found = 0, locked = 1;
	dur_err rc = DUR_OK;

	if (!user || !st_name_valid(user) || len > DUR_STORE_MAX_PASSWORD)
		return dur_error_set(err, DUR_EKEY, "wrong user name or password");
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLS ", salt, ops, mem, wrap FROM users "
			       "WHERE name = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 5) == ST_SALT &&
	    sqlite3_column_bytes(st, 8) == ST_WRAP) {
		user_from_row(st, &u);
		memcpy(salt, sqlite3_column_blob(st, 5), ST_SALT);
		ops = (unsigned long long)sqlite3_column_int64(st, 6);
		mem = (size_t)sqlite3_column_int64(st, 7);
		memcpy(wrap, sqlite3_column_blob(st, 8), ST_WRAP);
		found = 1;
	} else {
		/*
		 * No such user: do the same Argon2id work with the default limits and
		 * a salt that depends on the name, so that the time taken does not
		 * tell which names exist.
		 */
		crypto_generichash(salt, sizeof(salt), (const unsigned char *)user, strlen(user),
				   s->store_id, ST_STORE_ID);
		memset(wrap, 0, sizeof(wrap));
	}
	sqlite3_finalize(st);
	st = NULL;
	pthread_mutex_unlock(&s->lock);
	locked = 0;
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > ((size_t)4 << 30)) {
		rc = dur_error_set(err, DUR_EDATA, "the user's key limits are damaged");
		goto out;
	}
	/* Argon2id runs without the lock: other requests go on meanwhile */
	if (!(kek = sodium_malloc(ST_KEY)) || !(k = sodium_malloc(sizeof(*k)))) {
		rc = dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
		goto out;
	}
	if (st_kek(kek, pw, len, salt, ops, mem) != 0) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory for Argon2id");
		goto out;
	}
	pthread_mutex_lock(&s->lock);
	locked = 1;
	if (!found || st_unwrap(k->data, wrap, kek, s->store_id, user) != 0) {
		rc = dur_error_set(err, DUR_EKEY, "wrong user name or password");
		goto out;
	}
	if (s->keys) {
		if (sodium_memcmp(s->keys->data, k->data, ST_KEY) != 0) {
			rc = dur_error_set(err, DUR_EDATA, "the user's key does not open this store");
			goto out;
		}
	} else {
		if (st_keys_derive(k) != 0) {
			rc = dur_error_set(err, DUR_EKEY, "cannot derive the store's keys");
			goto out;
		}
		s->keys = k;
		k = NULL;
	}
	if (out)
		*out = u;
out:
	sqlite3_finalize(st);
	sodium_memzero(wrap, sizeof(wrap));
	if (kek)
		sodium_free(kek);
	if (k)
		sodium_free(k);
	if (locked)
		pthread_mutex_unlock(&s->lock);
	return rc;
}

/* ---- users -------------------------------------------------------------- */

dur_err dur_store_user_get(dur_store *s, const char *name, struct dur_store_user *out,
			   int *found, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;
	int r;

	*found = 0;
	if (!name || !st_name_valid(name))
		return DUR_OK;
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLS " FROM users WHERE name = ?1", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
	} else if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		user_from_row(st, out);
		*found = 1;
	} else if (r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_user_list(dur_store *s, struct dur_store_user **out, size_t *n,
			    struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	struct dur_store_user *v = NULL, *nv;
	size_t cap = 0, k = 0;
	dur_err rc = DUR_OK;
	int r;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "SELECT " USER_COLS " FROM users ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
				goto out;
			}
			v = nv;
		}
		user_from_row(st, &v[k++]);
	}
	if (r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
		goto out;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_user_add(dur_store *s, const char *name, enum dur_store_role role,
			   const unsigned char *pw, size_t len, int must_change,
			   struct dur_error *err)
{
	dur_err rc;

	if (!st_name_valid(name))
		return dur_error_set(err, DUR_EINVAL, "a user name is 1 to %d characters, without "
				     "control characters or spaces at either end", DUR_STORE_MAX_NAME);
	if (role != DUR_STORE_WORKER && role != DUR_STORE_COORDINATOR)
		return dur_error_set(err, DUR_EINVAL, "a user is a worker or a coordinator");
	if ((rc = check_password(len, err)))
		return rc;
	pthread_mutex_lock(&s->lock);
	if (!s->keys)
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
	else
		rc = insert_user(s->db, s->store_id, s->keys->data, name, (int)role, pw, len,
				 must_change, &s->p, 0, err);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_user_set_password(dur_store *s, const char *name, const unsigned char *pw,
				    size_t len, int must_change, struct dur_error *err)
{
	dur_err rc;

	if (!st_name_valid(name))
		return dur_error_set(err, DUR_EINVAL, "there is no user of that name");
	if ((rc = check_password(len, err)))
		return rc;
	pthread_mutex_lock(&s->lock);
	if (!s->keys)
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
	else
		rc = insert_user(s->db, s->store_id, s->keys->data, name, 0, pw, len, must_change,
				 &s->p, 1, err);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_user_remove(dur_store *s, const char *name, int *found, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;

	*found = 0;
	if (!st_name_valid(name))
		return DUR_OK;
	pthread_mutex_lock(&s->lock);
	if (st_exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot remove the user", err);
		goto out_unlocked;
	}
	/* the store must keep a coordinator, or nobody could add users again */
	if (sqlite3_prepare_v2(s->db, "SELECT (SELECT role FROM users WHERE name = ?1), "
			       "(SELECT count(*) FROM users WHERE role = 1)", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = st_sqlite_error(s->db, "cannot remove the user", err);
		goto out;
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		goto out;   /* no such user */
	if (sqlite3_column_int(st, 0) == DUR_STORE_COORDINATOR && sqlite3_column_int(st, 1) <= 1) {
		rc = dur_error_set(err, DUR_EDATA, "the last coordinator cannot be removed");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "DELETE FROM users WHERE name = ?1", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot remove the user", err);
		goto out;
	}
	*found = 1;
out:
	sqlite3_finalize(st);
	if (rc == DUR_OK && st_exec(s->db, "COMMIT") != SQLITE_OK)
		rc = st_sqlite_error(s->db, "cannot remove the user", err);
	if (rc != DUR_OK) {
		*found = 0;
		st_exec(s->db, "ROLLBACK");
	}
	/* the wrapped key was in the row: let no copy of it linger */
	if (*found && st_purge_locked(s, NULL) != DUR_OK)
		s->purge_pending = 1;
out_unlocked:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_user_set_lang(dur_store *s, const char *name, const char *lang,
				struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;
	size_t n = strlen(lang);

	if (n > 15)
		return dur_error_set(err, DUR_EINVAL, "a language code has at most 15 characters");
	for (size_t i = 0; i < n; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || (lang[i] >= 'A' && lang[i] <= 'Z') ||
		      lang[i] == '-'))
			return dur_error_set(err, DUR_EINVAL, "a language code is letters and '-'");
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "UPDATE users SET lang = ?1 WHERE name = ?2", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, lang, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = st_sqlite_error(s->db, "cannot record the language", err);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* ---- cases ------------------------------------------------------------- */

void dur_store_case_new_id(char id[DUR_STORE_ID_LEN + 1])
{
	for (int i = 0; i < DUR_STORE_ID_LEN; i++)
		id[i] = B32[randombytes_uniform(32)];
	id[DUR_STORE_ID_LEN] = '\0';
}

int dur_store_case_id_valid(const char *id)
{
	if (!id || strlen(id) != DUR_STORE_ID_LEN)
		return 0;
	for (int i = 0; i < DUR_STORE_ID_LEN; i++)
		if (!strchr(B32, id[i]) || id[i] == '\0')
			return 0;
	return 1;
}

static void row_key(const dur_store *s, const char *id, unsigned char k[ST_ROWKEY])
{
	crypto_generichash(k, ST_ROWKEY, (const unsigned char *)id, strlen(id), s->keys->index,
			   ST_KEY);
}

/* The associated data of a sealed column: format, column, row key. */
static void case_ad(unsigned char ad[sizeof(CASE_AD) + 1 + ST_ROWKEY], char col,
		    const unsigned char rk[ST_ROWKEY])
{
	memcpy(ad, CASE_AD, sizeof(CASE_AD));
	ad[sizeof(CASE_AD)] = (unsigned char)col;
	memcpy(ad + sizeof(CASE_AD) + 1, rk, ST_ROWKEY);
}

/* Seal `len` bytes into a new buffer of *olen bytes (nonce, ciphertext, tag). */
static unsigned char *seal(const dur_store *s, char col, const unsigned char rk[ST_ROWKEY],
			   const void *pt, size_t len, size_t *olen)
{
	unsigned char ad[sizeof(CASE_AD) + 1 + ST_ROWKEY], *out;

	if (!(out = malloc(ST_NONCE + len + ST_TAG)))
		return NULL;
	case_ad(ad, col, rk);
	/* XChaCha20's 192-bit nonces can be drawn at random without fear of repeats */
	randombytes_buf(out, ST_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + ST_NONCE, NULL, pt, len, ad, sizeof(ad),
						   NULL, out, s->keys->data);
	*olen = ST_NONCE + len + ST_TAG;
	return out;
}

/* Open a sealed column into a new NUL-terminated buffer.  DUR_EKEY when it does not open. */
static dur_err unseal(const dur_store *s, char col, const unsigned char rk[ST_ROWKEY],
		      const unsigned char *ct, size_t len, char **out, size_t *olen,
		      struct dur_error *err)
{
	unsigned char ad[sizeof(CASE_AD) + 1 + ST_ROWKEY];
	unsigned long long n;
	char *pt;

	*out = NULL;
	if (len < ST_NONCE + ST_TAG)
		return dur_error_set(err, DUR_EKEY, "a sealed case record is damaged");
	if (!(pt = malloc(len - ST_NONCE - ST_TAG + 1)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	case_ad(ad, col, rk);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)pt, &n, NULL, ct + ST_NONCE,
						       len - ST_NONCE, ad, sizeof(ad), ct,
						       s->keys->data) != 0) {
		free(pt);
		return dur_error_set(err, DUR_EKEY, "a sealed case record does not open (damaged "
				     "or changed)");
	}
	pt[n] = '\0';
	*out = pt;
	*olen = (size_t)n;
	return DUR_OK;
}

dur_err st_purge_locked(dur_store *s, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	int logsz = 0, done = 0, r;

	/* hand the free pages (zeroed by secure_delete) back to the file system */
	if (sqlite3_prepare_v2(s->db, "PRAGMA incremental_vacuum", -1, &st, NULL) != SQLITE_OK)
		return st_sqlite_error(s->db, "cannot vacuum the store", err);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return st_sqlite_error(s->db, "cannot vacuum the store", err);
	/*
	 * Copy every page of the log into the database and truncate the log to
	 * nothing: the log held the sealed record as it was written, and the
	 * database file held it until its page is overwritten here.
	 */
	r = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &logsz, &done);
	if (r != SQLITE_OK) {
		s->purge_pending = 1;
		return st_sqlite_error(s->db, "cannot checkpoint the store", err);
	}
	s->purge_pending = 0;
	return DUR_OK;
}

dur_err dur_store_purge(dur_store *s, struct dur_error *err)
{
	dur_err rc;
	pthread_mutex_lock(&s->lock);
	rc = st_purge_locked(s, err);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_case_put(dur_store *s, const char *id, int create, const void *meta,
			   size_t mlen, const void *body, size_t blen, int *found,
			   struct dur_error *err)
{
	unsigned char rk[ST_ROWKEY], *m = NULL, *b = NULL;
	sqlite3_stmt *st = NULL;
	size_t ml = 0, bl = 0;
	dur_err rc = DUR_OK;
	int r;

	if (found)
		*found = 0;
	if (!dur_store_case_id_valid(id))
		return dur_error_set(err, DUR_EINVAL, "not a case id");
	if (mlen + blen > s->p.max_record)
		return dur_error_set(err, DUR_ELIMIT, "a case record is larger than %zu bytes",
				     s->p.max_record);
	pthread_mutex_lock(&s->lock);
	if (!s->keys) {
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
		goto out;
	}
	if (create && s->ncases >= s->p.max_cases) {
		rc = dur_error_set(err, DUR_ELIMIT, "the store holds %zu cases, its limit",
				   s->p.max_cases);
		goto out;
	}
	row_key(s, id, rk);
	if (!(m = seal(s, 'm', rk, meta, mlen, &ml)) || !(b = seal(s, 'b', rk, body, blen, &bl))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, create ? "INSERT INTO cases(meta, body, k) VALUES (?1, ?2, ?3)"
					     : "UPDATE cases SET meta = ?1, body = ?2 WHERE k = ?3",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, m, (int)ml, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, b, (int)bl, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, rk, ST_ROWKEY, SQLITE_STATIC) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot write the case", err);
		goto out;
	}
	r = sqlite3_step(st);
	if (r == SQLITE_CONSTRAINT_UNIQUE) {
		rc = dur_error_set(err, DUR_EDATA, "a case with that id exists");
		goto out;
	}
	if (r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot write the case", err);
		goto out;
	}
	if (create) {
		s->ncases++;
		/* a wipe refused earlier (another process was reading) is tried again */
		if (s->purge_pending)
			st_purge_locked(s, NULL);
	} else if (sqlite3_changes(s->db) == 0) {
		goto out;   /* not found */
	} else if (st_purge_locked(s, NULL) != DUR_OK) {
		s->purge_pending = 1;   /* the old copy goes at the next checkpoint */
	}
	if (found)
		*found = 1;
out:
	sqlite3_finalize(st);
	free(m);
	free(b);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_case_get(dur_store *s, const char *id, char **out, size_t *len, int *found,
			   struct dur_error *err)
{
	unsigned char rk[ST_ROWKEY];
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;
	int r;

	*out = NULL;
	*len = 0;
	*found = 0;
	if (!dur_store_case_id_valid(id))
		return DUR_OK;
	pthread_mutex_lock(&s->lock);
	if (!s->keys) {
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
		goto out;
	}
	row_key(s, id, rk);
	if (sqlite3_prepare_v2(s->db, "SELECT body FROM cases WHERE k = ?1", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, rk, ST_ROWKEY, SQLITE_STATIC) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the case", err);
		goto out;
	}
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		rc = unseal(s, 'b', rk, sqlite3_column_blob(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0), out, len, err);
		if (rc == DUR_OK)
			*found = 1;
	} else if (r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot read the case", err);
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_case_delete(dur_store *s, const char *id, int *found, struct dur_error *err)
{
	unsigned char rk[ST_ROWKEY];
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;

	*found = 0;
	if (!dur_store_case_id_valid(id))
		return DUR_OK;
	pthread_mutex_lock(&s->lock);
	if (!s->keys) {
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
		goto out;
	}
	row_key(s, id, rk);
	if (sqlite3_prepare_v2(s->db, "DELETE FROM cases WHERE k = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 1, rk, ST_ROWKEY, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot delete the case", err);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0)
		goto out;
	*found = 1;
	if (s->ncases)
		s->ncases--;
	/* the delete is committed; the wipe of the copies is retried if it is refused now */
	if (st_purge_locked(s, NULL) != DUR_OK)
		s->purge_pending = 1;
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_case_foreach(dur_store *s, int body,
			       dur_err (*fn)(void *ctx, const char *text, size_t len,
					     struct dur_error *err),
			       void *ctx, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	dur_err rc = DUR_OK;
	int r;

	pthread_mutex_lock(&s->lock);
	if (!s->keys) {
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, body ? "SELECT k, body FROM cases ORDER BY rowid"
					   : "SELECT k, meta FROM cases ORDER BY rowid",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the cases", err);
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char rk[ST_ROWKEY];
		char *pt = NULL;
		size_t len = 0;
		if (sqlite3_column_bytes(st, 0) != ST_ROWKEY) {
			rc = dur_error_set(err, DUR_EDATA, "a case row is damaged");
			goto out;
		}
		memcpy(rk, sqlite3_column_blob(st, 0), ST_ROWKEY);
		if ((rc = unseal(s, body ? 'b' : 'm', rk, sqlite3_column_blob(st, 1),
				 (size_t)sqlite3_column_bytes(st, 1), &pt, &len, err)))
			goto out;
		rc = fn(ctx, pt, len, err);
		dur_store_wipe_free(pt, len + 1);
		if (rc)
			goto out;
	}
	if (r != SQLITE_DONE)
		rc = st_sqlite_error(s->db, "cannot read the cases", err);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_case_count(dur_store *s, size_t *n, struct dur_error *err)
{
	(void)err;
	pthread_mutex_lock(&s->lock);
	*n = s->ncases;
	pthread_mutex_unlock(&s->lock);
	return DUR_OK;
}

/* ---- audit -------------------------------------------------------------- */

static int action_valid(const char *a)
{
	size_t n = a ? strlen(a) : 0;
	if (n == 0 || n >= sizeof(((struct dur_store_audit_entry *)0)->action))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((a[i] >= 'a' && a[i] <= 'z') || a[i] == '_'))
			return 0;
	return 1;
}

static void audit_ref_locked(const dur_store *s, const char *id, char ref[DUR_STORE_REF_LEN + 1])
{
	unsigned char h[DUR_STORE_REF_LEN / 2];
	crypto_generichash(h, sizeof(h), (const unsigned char *)id, strlen(id), s->keys->audit,
			   ST_KEY);
	sodium_bin2hex(ref, DUR_STORE_REF_LEN + 1, h, sizeof(h));
}

dur_err dur_store_audit_ref(dur_store *s, const char *case_id, char ref[DUR_STORE_REF_LEN + 1],
			    struct dur_error *err)
{
	dur_err rc = DUR_OK;
	pthread_mutex_lock(&s->lock);
	if (!s->keys)
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
	else
		audit_ref_locked(s, case_id, ref);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_audit(dur_store *s, const char *user, const char *action, const char *case_id,
			long long at, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	char ref[DUR_STORE_REF_LEN + 1] = "";
	dur_err rc = DUR_OK;

	if (!action_valid(action))
		return dur_error_set(err, DUR_EINVAL, "an audit action is a short word of a-z and _");
	/* a user name that is not one (a failed login's) is recorded as '?' */
	if (!user || !st_name_valid(user))
		user = "?";
	pthread_mutex_lock(&s->lock);
	if (case_id) {
		if (!s->keys) {
			rc = dur_error_set(err, DUR_EKEY, "the store is locked");
			goto out;
		}
		audit_ref_locked(s, case_id, ref);
	}
	if (sqlite3_prepare_v2(s->db, "INSERT INTO audit(at, user, action, ref) VALUES (?1, ?2, ?3, "
			       "?4)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)at) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(st, 3, action, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(st, 4, ref, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = st_sqlite_error(s->db, "cannot write the audit trail", err);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_audit_list(dur_store *s, size_t max, struct dur_store_audit_entry **out,
			     size_t *n, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	struct dur_store_audit_entry *v = NULL;
	size_t k = 0;
	dur_err rc = DUR_OK;
	int r;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return DUR_OK;
	if (max > 100000)
		max = 100000;
	if (!(v = calloc(max, sizeof(*v))))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	pthread_mutex_lock(&s->lock);
	if (sqlite3_prepare_v2(s->db, "SELECT seq, at, user, action, ref FROM audit ORDER BY seq "
			       "DESC LIMIT ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)max) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the audit trail", err);
		goto out;
	}
	while (k < max && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t;
		v[k].seq = (long long)sqlite3_column_int64(st, 0);
		v[k].at = (long long)sqlite3_column_int64(st, 1);
		t = (const char *)sqlite3_column_text(st, 2);
		snprintf(v[k].user, sizeof(v[k].user), "%s", t ? t : "");
		t = (const char *)sqlite3_column_text(st, 3);
		snprintf(v[k].action, sizeof(v[k].action), "%s", t ? t : "");
		t = (const char *)sqlite3_column_text(st, 4);
		snprintf(v[k].ref, sizeof(v[k].ref), "%s", t ? t : "");
		k++;
	}
	if (k < max && r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot read the audit trail", err);
		goto out;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

dur_err dur_store_check(dur_store *s, struct dur_error *err)
{
	char v[512];
	dur_err rc = DUR_OK;

	pthread_mutex_lock(&s->lock);
	if (pragma_text(s->db, "PRAGMA integrity_check", v, sizeof(v)) != SQLITE_OK)
		rc = st_sqlite_error(s->db, "cannot check the store", err);
	else if (strcmp(v, "ok") != 0)
		rc = dur_error_set(err, DUR_EDATA, "the store is damaged: %s", v);
	pthread_mutex_unlock(&s->lock);
	return rc;
}
