/*
 * store_internal.h - what the files of src/store share: the open store,
 * its keys and the sealing helpers.
 *
 * Keys (all in one sodium_malloc'd block, NULL while locked):
 *   data   the random data key; seals every case column
 *   index  BLAKE2b key of the row key (the only index over cases)
 *   audit  BLAKE2b key of the case references in the audit trail
 *   backup XChaCha20-Poly1305 key of backups
 * index, audit and backup are crypto_kdf_derive_from_key(data, id 1..3,
 * context "durstore"), so one unwrapped key gives them all.
 */
#ifndef DURESS_STORE_INTERNAL_H
#define DURESS_STORE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <sodium.h>
#include <duress/store.h>

#define ST_KEY 32
#define ST_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define ST_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define ST_SALT crypto_pwhash_SALTBYTES
#define ST_ROWKEY 16
#define ST_STORE_ID 16
#define ST_FORMAT 1
/* A wrapped data key: nonce, then the sealed key and its tag. */
#define ST_WRAP (ST_NONCE + ST_KEY + ST_TAG)

struct st_keys {
	unsigned char data[ST_KEY];
	unsigned char index[ST_KEY];
	unsigned char audit[ST_KEY];
	unsigned char backup[ST_KEY];
};

struct dur_store {
	pthread_mutex_t lock;
	sqlite3 *db;
	struct dur_store_params p;
	unsigned char store_id[ST_STORE_ID];
	char store_id_hex[2 * ST_STORE_ID + 1];
	struct st_keys *keys;     /* NULL while locked */
	size_t ncases;
	int purge_pending;        /* a checkpoint after a delete was refused (busy) */
};

/* Derive the subkeys of k->data.  0 on success. */
int st_keys_derive(struct st_keys *k);
/* Argon2id of a password into kek (ST_KEY bytes).  0 on success, -1 out of memory. */
int st_kek(unsigned char *kek, const unsigned char *pw, size_t len, const unsigned char *salt,
	   unsigned long long ops, size_t mem);
/* Wrap / unwrap the data key for user `name` of store `store_id`.  0 on success. */
void st_wrap(unsigned char wrap[ST_WRAP], const unsigned char *data_key,
	     const unsigned char *kek, const unsigned char *store_id, const char *name);
int st_unwrap(unsigned char *data_key, const unsigned char wrap[ST_WRAP],
	      const unsigned char *kek, const unsigned char *store_id, const char *name);
/* Open the SQLite database of `path` and set the pragmas of the store. */
dur_err st_db_open(const char *path, int create, const struct dur_store_params *p, sqlite3 **out,
		   struct dur_error *err);
/* Create the tables and the first row of meta in an empty database. */
dur_err st_schema_create(sqlite3 *db, const unsigned char *store_id, struct dur_error *err);
/* Make folder dir (0700) when absent; refuse one holding a store.  Writes the
 * database path into path. */
dur_err st_prepare_dir(const char *dir, char *path, size_t size, struct dur_error *err);
/* Create the database file itself with mode 0600 (SQLite would use 0644). */
dur_err st_create_file(const char *path, struct dur_error *err);
/* "sqlite: <message>" into err, as DUR_EIO. */
dur_err st_sqlite_error(sqlite3 *db, const char *what, struct dur_error *err);
/* One-statement helper: 0 on SQLITE_OK. */
int st_exec(sqlite3 *db, const char *sql);
/* A user name as the store accepts it. */
int st_name_valid(const char *name);
/* Checkpoint (TRUNCATE) and incremental vacuum, the lock held. */
dur_err st_purge_locked(dur_store *s, struct dur_error *err);

#endif
