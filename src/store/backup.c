/*
 * Encrypted backups of a store, and restoring one.
 *
 * File layout (docs/serve.md, "backups"):
 *
 *   "DURESSBK"            8 bytes
 *   header length         4 bytes, big-endian
 *   header                JSON: {"duress_backup": 1, "store_id": hex,
 *                          "created": seconds, "coordinators": [{"name",
 *                          "salt", "ops", "mem", "wrap"}]} (base64 blobs)
 *   nonce                 24 bytes
 *   sealed database       XChaCha20-Poly1305 of the database image, under
 *                         the backup key (derived from the data key), with
 *                         every byte before the nonce as associated data
 *
 * The image is a copy made with SQLite's online-backup API into memory
 * and serialised (sqlite3_serialize): consistent even while the server
 * writes.  The records inside it are sealed as in the store; the header
 * holds what the users table holds, so a backup tells a thief no more
 * than the store itself.  The coordinators' wrapped keys are in the header
 * so that a coordinator's password opens the backup on a new machine.
 */
#include "store/store_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char MAGIC[8] = { 'D', 'U', 'R', 'E', 'S', 'S', 'B', 'K' };
#define BK_MAX_HEADER ((size_t)1 << 20)
#define BK_MAX_IMAGE ((size_t)4 << 30)

static json_t *b64(const unsigned char *p, size_t n)
{
	size_t sz = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(sz);
	json_t *j;
	if (!s)
		return NULL;
	sodium_bin2base64(s, sz, p, n, sodium_base64_VARIANT_ORIGINAL);
	j = json_string(s);
	free(s);
	return j;
}

static int unb64(const json_t *j, unsigned char *out, size_t n)
{
	size_t got = 0;
	const char *s = json_string_value(j);
	if (!s || sodium_base642bin(out, n, s, strlen(s), NULL, &got, NULL,
				    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return got == n ? 0 : -1;
}

/* The header: every coordinator's salt, limits and wrapped key.  Lock held. */
static dur_err header_json(dur_store *s, char **out, struct dur_error *err)
{
	sqlite3_stmt *st = NULL;
	json_t *h = json_object(), *users = json_array();
	dur_err rc = DUR_OK;
	int r;

	*out = NULL;
	if (!h || !users)
		goto nomem;
	json_object_set_new(h, "duress_backup", json_integer(1));
	json_object_set_new(h, "store_id", json_string(s->store_id_hex));
	json_object_set_new(h, "created", json_integer((json_int_t)time(NULL)));
	if (sqlite3_prepare_v2(s->db, "SELECT name, salt, ops, mem, wrap FROM users WHERE role = 1 "
			       "ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *u = json_object();
		if (!u || sqlite3_column_bytes(st, 1) != ST_SALT ||
		    sqlite3_column_bytes(st, 4) != ST_WRAP) {
			json_decref(u);
			rc = dur_error_set(err, DUR_EDATA, "a user row is damaged");
			goto out;
		}
		json_object_set_new(u, "name", json_string((const char *)sqlite3_column_text(st, 0)));
		json_object_set_new(u, "salt", b64(sqlite3_column_blob(st, 1), ST_SALT));
		json_object_set_new(u, "ops", json_integer(sqlite3_column_int64(st, 2)));
		json_object_set_new(u, "mem", json_integer(sqlite3_column_int64(st, 3)));
		json_object_set_new(u, "wrap", b64(sqlite3_column_blob(st, 4), ST_WRAP));
		json_array_append_new(users, u);
	}
	if (r != SQLITE_DONE) {
		rc = st_sqlite_error(s->db, "cannot read the users", err);
		goto out;
	}
	json_object_set(h, "coordinators", users);
	if (!(*out = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS)))
		goto nomem;
	goto out;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
out:
	sqlite3_finalize(st);
	json_decref(users);
	json_decref(h);
	return rc;
}

/* A consistent image of the database in memory (sqlite3_free it).  Lock held. */
static dur_err image(sqlite3 *src, unsigned char **out, sqlite3_int64 *len,
		     struct dur_error *err)
{
	sqlite3 *mem = NULL;
	sqlite3_backup *bk;
	dur_err rc = DUR_OK;

	*out = NULL;
	if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) !=
	    SQLITE_OK) {
		rc = st_sqlite_error(mem, "cannot make the backup", err);
		goto out;
	}
	if (!(bk = sqlite3_backup_init(mem, "main", src, "main"))) {
		rc = st_sqlite_error(mem, "cannot make the backup", err);
		goto out;
	}
	/* all pages in one step: the copy is of one moment */
	if (sqlite3_backup_step(bk, -1) != SQLITE_DONE) {
		sqlite3_backup_finish(bk);
		rc = st_sqlite_error(mem, "cannot make the backup", err);
		goto out;
	}
	if (sqlite3_backup_finish(bk) != SQLITE_OK) {
		rc = st_sqlite_error(mem, "cannot make the backup", err);
		goto out;
	}
	if (!(*out = sqlite3_serialize(mem, "main", len, 0))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory for the backup");
	} else if (*len >= 100) {
		/*
		 * The copy keeps the source's header, which says "write-ahead log"
		 * (bytes 18 and 19 are 2); an image in memory has no log, and SQLite
		 * refuses to read such an image back.  1 and 1: a rollback journal.
		 */
		(*out)[18] = 1;
		(*out)[19] = 1;
	}
out:
	sqlite3_close(mem);
	return rc;
}

dur_err dur_store_backup(dur_store *s, unsigned char **out, size_t *len, struct dur_error *err)
{
	unsigned char *img = NULL, *f = NULL;
	sqlite3_int64 ilen = 0;
	char *hdr = NULL;
	size_t hlen, pre, total;
	dur_err rc;

	*out = NULL;
	*len = 0;
	pthread_mutex_lock(&s->lock);
	if (!s->keys) {
		rc = dur_error_set(err, DUR_EKEY, "the store is locked");
		goto out;
	}
	if ((rc = header_json(s, &hdr, err)) || (rc = image(s->db, &img, &ilen, err)))
		goto out;
	hlen = strlen(hdr);
	pre = sizeof(MAGIC) + 4 + hlen;
	total = pre + ST_NONCE + (size_t)ilen + ST_TAG;
	if (!(f = malloc(total))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory for the backup");
		goto out;
	}
	memcpy(f, MAGIC, sizeof(MAGIC));
	f[8] = (unsigned char)(hlen >> 24);
	f[9] = (unsigned char)(hlen >> 16);
	f[10] = (unsigned char)(hlen >> 8);
	f[11] = (unsigned char)hlen;
	memcpy(f + 12, hdr, hlen);
	randombytes_buf(f + pre, ST_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(f + pre + ST_NONCE, NULL, img, (size_t)ilen, f,
						   pre, NULL, f + pre, s->keys->backup);
	*out = f;
	*len = total;
	f = NULL;
out:
	if (img) {
		sodium_memzero(img, (size_t)ilen);
		sqlite3_free(img);
	}
	free(f);
	free(hdr);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Find `user` in the header and unwrap the data key with their password. */
static dur_err open_header(const json_t *h, const char *user, const unsigned char *pw,
			   size_t pwlen, unsigned char store_id[ST_STORE_ID], struct st_keys *k,
			   struct dur_error *err)
{
	const json_t *users = json_object_get(h, "coordinators"), *u, *sid;
	unsigned char salt[ST_SALT], wrap[ST_WRAP], *kek;
	size_t i, got = 0;
	json_int_t ops, mem;
	int ok;

	sid = json_object_get(h, "store_id");
	if (!json_is_string(sid) || strlen(json_string_value(sid)) != 2 * ST_STORE_ID ||
	    sodium_hex2bin(store_id, ST_STORE_ID, json_string_value(sid), 2 * ST_STORE_ID, NULL,
			   &got, NULL) != 0 || got != ST_STORE_ID || !json_is_array(users))
		return dur_error_set(err, DUR_EPARSE, "this is not a duress backup");
	json_array_foreach(users, i, u) {
		const char *name = json_string_value(json_object_get(u, "name"));
		if (!name || strcmp(name, user) != 0)
			continue;
		ops = json_integer_value(json_object_get(u, "ops"));
		mem = json_integer_value(json_object_get(u, "mem"));
		if (unb64(json_object_get(u, "salt"), salt, ST_SALT) ||
		    unb64(json_object_get(u, "wrap"), wrap, ST_WRAP) ||
		    ops < (json_int_t)crypto_pwhash_OPSLIMIT_MIN ||
		    ops > (json_int_t)crypto_pwhash_OPSLIMIT_MAX ||
		    mem < (json_int_t)crypto_pwhash_MEMLIMIT_MIN || mem > ((json_int_t)4 << 30))
			return dur_error_set(err, DUR_EPARSE, "the backup's header is damaged");
		if (!(kek = sodium_malloc(ST_KEY)))
			return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
		if (st_kek(kek, pw, pwlen, salt, (unsigned long long)ops, (size_t)mem) != 0) {
			sodium_free(kek);
			return dur_error_set(err, DUR_ENOMEM, "out of memory for Argon2id");
		}
		ok = st_unwrap(k->data, wrap, kek, store_id, name) == 0;
		sodium_free(kek);
		if (!ok)
			break;
		if (st_keys_derive(k) != 0)
			return dur_error_set(err, DUR_EKEY, "cannot derive the store's keys");
		return DUR_OK;
	}
	return dur_error_set(err, DUR_EKEY, "wrong user name or password (only a coordinator's "
			     "password opens a backup)");
}

dur_err dur_store_restore(const unsigned char *buf, size_t len, const char *dir,
			  const char *user, const unsigned char *pw, size_t pwlen,
			  const struct dur_store_params *p, struct dur_error *err)
{
	struct dur_store_params def;
	unsigned char store_id[ST_STORE_ID], *img = NULL;
	struct st_keys *k = NULL;
	json_t *h = NULL;
	sqlite3 *mem = NULL, *db = NULL;
	sqlite3_backup *bk;
	size_t hlen, pre, ilen;
	unsigned long long n;
	char path[4096];
	int made = 0;
	dur_err rc;

	if (!p) {
		dur_store_default_params(&def);
		p = &def;
	}
	if (len < sizeof(MAGIC) + 4 || memcmp(buf, MAGIC, sizeof(MAGIC)) != 0)
		return dur_error_set(err, DUR_EPARSE, "this is not a duress backup");
	hlen = ((size_t)buf[8] << 24) | ((size_t)buf[9] << 16) | ((size_t)buf[10] << 8) | buf[11];
	pre = sizeof(MAGIC) + 4 + hlen;
	if (hlen > BK_MAX_HEADER || len < pre + ST_NONCE + ST_TAG ||
	    len - pre - ST_NONCE - ST_TAG > BK_MAX_IMAGE)
		return dur_error_set(err, DUR_EPARSE, "this is not a duress backup (bad sizes)");
	if (!(h = json_loadb((const char *)buf + 12, hlen, JSON_REJECT_DUPLICATES, NULL)) ||
	    json_integer_value(json_object_get(h, "duress_backup")) != 1) {
		rc = dur_error_set(err, DUR_EPARSE, "this is not a duress backup (bad header)");
		goto out;
	}
	if (!(k = sodium_malloc(sizeof(*k)))) {
		rc = dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
		goto out;
	}
	if ((rc = open_header(h, user, pw, pwlen, store_id, k, err)))
		goto out;
	ilen = len - pre - ST_NONCE - ST_TAG;
	if (!(img = sqlite3_malloc64(ilen ? ilen : 1))) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory for the backup");
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(img, &n, NULL, buf + pre + ST_NONCE,
						       len - pre - ST_NONCE, buf, pre, buf + pre,
						       k->backup) != 0) {
		rc = dur_error_set(err, DUR_EPARSE, "the backup does not open: it was changed or "
				   "damaged");
		goto out;
	}
	if ((rc = st_prepare_dir(dir, path, sizeof(path), err)) || (rc = st_create_file(path, err)))
		goto out;
	made = 1;
	if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) !=
	    SQLITE_OK) {
		rc = st_sqlite_error(mem, "cannot restore", err);
		goto out;
	}
	/* the connection takes the image (and frees it) */
	if (sqlite3_deserialize(mem, "main", img, (sqlite3_int64)n, (sqlite3_int64)ilen,
				SQLITE_DESERIALIZE_FREEONCLOSE) != SQLITE_OK) {
		img = NULL;
		rc = st_sqlite_error(mem, "cannot restore", err);
		goto out;
	}
	img = NULL;
	if ((rc = st_db_open(path, 0, p, &db, err)))
		goto out;
	if (!(bk = sqlite3_backup_init(db, "main", mem, "main"))) {
		rc = st_sqlite_error(db, "cannot restore", err);
		goto out;
	}
	{
		int step = sqlite3_backup_step(bk, -1), fin = sqlite3_backup_finish(bk);
		if (step != SQLITE_DONE || fin != SQLITE_OK) {
			rc = dur_error_set(err, DUR_EIO, "cannot restore: %s",
					   sqlite3_errstr(step != SQLITE_DONE ? step : fin));
			goto out;
		}
	}
	sqlite3_close(db);
	db = NULL;
	/* open it as the server would: format, id, checks */
	{
		dur_store *s = NULL;
		if ((rc = dur_store_open(dir, p, &s, err)))
			goto out;
		if (sodium_memcmp(s->store_id, store_id, ST_STORE_ID) != 0)
			rc = dur_error_set(err, DUR_EPARSE, "the backup's header and contents are of "
					   "different stores");
		else
			rc = dur_store_check(s, err);
		dur_store_free(s);
	}
out:
	if (rc && made) {
		char aux[4200];
		sqlite3_close(db);
		db = NULL;
		unlink(path);
		snprintf(aux, sizeof(aux), "%s-wal", path);
		unlink(aux);
		snprintf(aux, sizeof(aux), "%s-shm", path);
		unlink(aux);
	}
	if (mem) {
		/* wipe the plaintext image the connection holds before it is freed */
		sqlite3_int64 sz = 0;
		unsigned char *raw = sqlite3_serialize(mem, "main", &sz, SQLITE_SERIALIZE_NOCOPY);
		if (raw)
			sodium_memzero(raw, (size_t)sz);
		sqlite3_close(mem);
	}
	if (img) {
		sodium_memzero(img, ilen);
		sqlite3_free(img);
	}
	sqlite3_close(db);
	if (k)
		sodium_free(k);
	json_decref(h);
	return rc;
}
