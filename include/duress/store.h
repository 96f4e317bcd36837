/*
 * duress/store.h - the encrypted case store behind `duress serve`.
 *
 * One folder holds one store: an SQLite database (duress.db, in WAL mode
 * with synchronous=FULL, secure_delete=ON and incremental auto-vacuum) in
 * which every case record is sealed with XChaCha20-Poly1305 (libsodium's
 * crypto_aead_xchacha20poly1305_ietf) under a random 256-bit data key.
 * The data key is never written in the clear: each user row holds it
 * wrapped (sealed) by a key derived from that user's password with
 * Argon2id (crypto_pwhash).  So the store is unreadable until someone
 * logs in, and a stolen copy gives an attacker nothing but one offline
 * Argon2id guess per candidate password.
 *
 * What is in the clear (docs/serve.md, "threat model"): user names, their
 * roles and languages, when they were created, the audit trail (who did
 * what and when, with a case named only by a keyed hash), the number and
 * sizes of the sealed records, and the store's random id.  No case
 * content, no case id, no free text.
 *
 * Cases are opaque to the store: the caller hands it a public case id (10
 * characters, made by dur_store_case_new_id) and two plaintexts - `meta`
 * (small: what a list needs) and `body` (the full record).  Rows are found
 * by a keyed BLAKE2b hash of the id, the only index over cases; each
 * column is sealed with the row key (and which column it is) as
 * associated data, so a sealed value moved to another row or column no
 * longer opens.  Deleting a case deletes the row, then checkpoints the
 * WAL (TRUNCATE) and vacuums the free pages, so that not even the sealed
 * copy stays in the files (secure_delete zeroes the freed space).
 *
 * Keys live in memory from sodium_malloc (locked, guarded) and are wiped
 * by dur_store_lock() and dur_store_free().  Plaintexts returned to the
 * caller should be released with dur_store_wipe_free().
 *
 * Thread safety: a store may be used from several threads; every function
 * takes the store's lock.
 *
 * Errors: DUR_EKEY for a wrong user or password (one message for both, so
 * that it does not say which user names exist) and when the store is
 * locked; DUR_EDATA for a well-formed request that the store's state
 * refuses (a user that exists, the last coordinator); DUR_EIO with
 * SQLite's message; DUR_EINVAL for bad arguments.  Messages never hold a
 * password, a case id or any case content.
 */
#ifndef DURESS_STORE_H
#define DURESS_STORE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <duress/error.h>

/* The database file inside the store's folder.  @since 0.2 */
#define DUR_STORE_FILE "duress.db"
/* Characters of a public case id (Crockford base32, 50 random bits).  @since 0.2 */
#define DUR_STORE_ID_LEN 10
/* Bytes of a user name (UTF-8, no control characters) and of a password.  @since 0.2 */
#define DUR_STORE_MAX_NAME 64
#define DUR_STORE_MIN_PASSWORD 10
#define DUR_STORE_MAX_PASSWORD 1024
/* Hex digits of the keyed hash that names a case in the audit trail.  @since 0.2 */
#define DUR_STORE_REF_LEN 16

struct dur_store_params {
	/*
	 * Argon2id limits for the keys wrapping the data key, used for users
	 * created or given a new password (each user row keeps the limits it
	 * was made with).  Defaults: 3 passes over 128 MiB, between libsodium's
	 * INTERACTIVE (2, 64 MiB) and MODERATE (3, 256 MiB) - RFC 9106 s. 4
	 * recommends 3 passes and 64 MiB as the floor for memory-constrained
	 * machines; the doubled memory is what an old laptop with 4 GB can
	 * spare for a second.  See docs/serve.md for the measured login time.
	 */
	unsigned long long opslimit;
	size_t memlimit;
	/* Largest plaintext of one case (meta and body together); 1 MiB. */
	size_t max_record;
	/* Most cases in a store; 100000. */
	size_t max_cases;
	/* Milliseconds SQLite waits for a lock held by another process; 5000. */
	int busy_timeout_ms;
	/*
	 * 1 (default): synchronous=FULL, every commit reaches the disk before
	 * the call returns.  0: synchronous=OFF, for fuzzing only (a crash may
	 * lose commits).
	 */
	int durable;
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT void dur_store_default_params(struct dur_store_params *p);

typedef struct dur_store dur_store;

enum dur_store_role {
	DUR_STORE_WORKER = 0,       /* outreach worker: their own cases */
	DUR_STORE_COORDINATOR = 1   /* every case, users, audit, exports, backups */
};

/* "worker" / "coordinator", and back (-1 when neither).  @since 0.2 */
DUR_EXPORT const char *dur_store_role_name(enum dur_store_role r);
DUR_EXPORT int dur_store_role_parse(const char *s);

/* One user, as listed (no key material).  */
struct dur_store_user {
	char name[DUR_STORE_MAX_NAME + 1];
	enum dur_store_role role;
	char lang[16];              /* "" when none chosen */
	long long created;          /* seconds since 1970 */
	int must_change;            /* the password was set by a coordinator */
};

/*
 * Create a store in folder `dir` (made with mode 0700 when absent; it must
 * not already hold a store) with its first coordinator `user`, whose
 * password is `len` bytes of `pw` (borrowed; the caller wipes it).  A new
 * random data key is made, wrapped for that user, and wiped.  `p` may be
 * NULL for the defaults.  @since 0.2
 */
DUR_EXPORT dur_err dur_store_create(const char *dir, const char *user, const unsigned char *pw,
				    size_t len, const struct dur_store_params *p,
				    struct dur_error *err);

/*
 * Open the store in `dir` (locked: no key in memory yet).  *out is yours
 * (dur_store_free).  DUR_EIO when there is none or SQLite fails; the
 * database passes a quick check and its format version is known.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_store_open(const char *dir, const struct dur_store_params *p,
				  dur_store **out, struct dur_error *err);
/* Wipe every key, close the database, free; NULL does nothing.  @since 0.2 */
DUR_EXPORT void dur_store_free(dur_store *s);

/*
 * Check `user`'s password: derive the user's key with Argon2id, unwrap the
 * data key.  When the store is locked it becomes unlocked (the data key is
 * kept in locked memory); when it is unlocked the unwrapped key must be
 * the one held.  `out` (may be NULL) receives the user.  DUR_EKEY "wrong
 * user name or password" for an unknown user or a wrong password, after
 * the same work in both cases.  @since 0.2
 */
DUR_EXPORT dur_err dur_store_login(dur_store *s, const char *user, const unsigned char *pw,
				   size_t len, struct dur_store_user *out, struct dur_error *err);
/* Wipe the data key from memory (the store stays open, locked).  @since 0.2 */
DUR_EXPORT void dur_store_lock(dur_store *s);
/* 1 when the data key is in memory.  @since 0.2 */
DUR_EXPORT int dur_store_unlocked(dur_store *s);
/* The store's random id as 32 hex digits (borrowed).  @since 0.2 */
DUR_EXPORT const char *dur_store_id(const dur_store *s);

/* ---- users -------------------------------------------------------------- */

/* A user by name; *found 0 when there is none (then *out is untouched).  @since 0.2 */
DUR_EXPORT dur_err dur_store_user_get(dur_store *s, const char *name, struct dur_store_user *out,
				      int *found, struct dur_error *err);
/* Every user, by name; *out is yours (free()).  @since 0.2 */
DUR_EXPORT dur_err dur_store_user_list(dur_store *s, struct dur_store_user **out, size_t *n,
				       struct dur_error *err);
/*
 * Add a user with a first password (needs the store unlocked: the data key
 * is wrapped for them).  `must_change` marks the password as one to change
 * at the first login.  DUR_EDATA when the name is taken; DUR_EINVAL for a
 * bad name (1 to 64 bytes of UTF-8 without control characters or spaces at
 * either end) or a password shorter than DUR_STORE_MIN_PASSWORD bytes.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_store_user_add(dur_store *s, const char *name, enum dur_store_role role,
				      const unsigned char *pw, size_t len, int must_change,
				      struct dur_error *err);
/*
 * Remove a user (their wrapped key goes with them; *found 0 when there was
 * none).  DUR_EDATA when it is the last coordinator.  @since 0.2
 */
DUR_EXPORT dur_err dur_store_user_remove(dur_store *s, const char *name, int *found,
					 struct dur_error *err);
/* Give a user a new password (needs the store unlocked).  @since 0.2 */
DUR_EXPORT dur_err dur_store_user_set_password(dur_store *s, const char *name,
					       const unsigned char *pw, size_t len,
					       int must_change, struct dur_error *err);
/* Record a user's language ("" for none; at most 15 bytes of [a-zA-Z-]).  @since 0.2 */
DUR_EXPORT dur_err dur_store_user_set_lang(dur_store *s, const char *name, const char *lang,
					   struct dur_error *err);

/* ---- cases ------------------------------------------------------------- */

/* A new random case id (DUR_STORE_ID_LEN characters and a NUL).  @since 0.2 */
DUR_EXPORT void dur_store_case_new_id(char id[DUR_STORE_ID_LEN + 1]);
/* 1 when `id` is written as a case id.  @since 0.2 */
DUR_EXPORT int dur_store_case_id_valid(const char *id);

/*
 * Seal and write a case.  `create` 1: a new row (DUR_EDATA when the id is
 * taken, DUR_ELIMIT when the store holds max_cases); 0: replace the row
 * (*found 0 when there is none).  `found` may be NULL when creating.
 * Needs the store unlocked.  After a replacement the WAL is checkpointed,
 * so that the old sealed copy does not linger.  @since 0.2
 */
DUR_EXPORT dur_err dur_store_case_put(dur_store *s, const char *id, int create, const void *meta,
				      size_t mlen, const void *body, size_t blen, int *found,
				      struct dur_error *err);
/*
 * Open a case's body: *out is a new NUL-terminated plaintext of *len bytes
 * (release it with dur_store_wipe_free), *found 0 when there is none.
 * DUR_EKEY when the seal does not open (tampering).  @since 0.2
 */
DUR_EXPORT dur_err dur_store_case_get(dur_store *s, const char *id, char **out, size_t *len,
				      int *found, struct dur_error *err);
/*
 * Delete a case for good: the row, then a WAL checkpoint (TRUNCATE) and an
 * incremental vacuum, so that no copy of it stays in the files.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_store_case_delete(dur_store *s, const char *id, int *found,
					 struct dur_error *err);
/*
 * Call fn on every case's meta (or body, when `body` is 1) plaintext, in
 * the order the cases were created.  The plaintext is wiped after each
 * call.  fn returns DUR_OK to go on; any other code stops the walk and is
 * returned (with fn's message in err).  @since 0.2
 */
DUR_EXPORT dur_err dur_store_case_foreach(dur_store *s, int body,
					  dur_err (*fn)(void *ctx, const char *text, size_t len,
							struct dur_error *err),
					  void *ctx, struct dur_error *err);
/* Number of cases.  @since 0.2 */
DUR_EXPORT dur_err dur_store_case_count(dur_store *s, size_t *n, struct dur_error *err);

/* Wipe `len` bytes at p and free it; NULL does nothing.  @since 0.2 */
DUR_EXPORT void dur_store_wipe_free(void *p, size_t len);

/* ---- audit trail -------------------------------------------------------- */

/* One entry: who did what and when; the case only as a keyed hash. */
struct dur_store_audit_entry {
	long long seq;
	long long at;
	char user[DUR_STORE_MAX_NAME + 1];
	char action[32];
	char ref[DUR_STORE_REF_LEN + 1];   /* "" when no case */
};

/*
 * Append an entry.  `case_id` (may be NULL) is recorded as its keyed hash,
 * which needs the store unlocked.  `action` is a short word of [a-z_]
 * ("login", "case_create", ...).  `at` is seconds since 1970.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_store_audit(dur_store *s, const char *user, const char *action,
				   const char *case_id, long long at, struct dur_error *err);
/* The `max` newest entries (newest first); *out is yours (free()).  @since 0.2 */
DUR_EXPORT dur_err dur_store_audit_list(dur_store *s, size_t max,
					struct dur_store_audit_entry **out, size_t *n,
					struct dur_error *err);
/* The keyed hash an entry would give `case_id` (store unlocked).  @since 0.2 */
DUR_EXPORT dur_err dur_store_audit_ref(dur_store *s, const char *case_id,
				       char ref[DUR_STORE_REF_LEN + 1], struct dur_error *err);

/* ---- maintenance, backup and restore ----------------------------------- */

/* Checkpoint the WAL (TRUNCATE) and vacuum the free pages.  @since 0.2 */
DUR_EXPORT dur_err dur_store_purge(dur_store *s, struct dur_error *err);
/* PRAGMA integrity_check; DUR_EDATA with SQLite's first complaint.  @since 0.2 */
DUR_EXPORT dur_err dur_store_check(dur_store *s, struct dur_error *err);

/*
 * An encrypted backup of the whole store (needs it unlocked): a copy of
 * the database made with SQLite's online-backup API, sealed as a whole
 * with XChaCha20-Poly1305 under a key derived from the data key, behind a
 * header holding the coordinators' wrapped keys - so a coordinator's
 * password opens it, and nothing else does.  *out is yours (free(); it
 * holds nothing in the clear but the header).  @since 0.2
 */
DUR_EXPORT dur_err dur_store_backup(dur_store *s, unsigned char **out, size_t *len,
				    struct dur_error *err);
/*
 * Restore a backup of `len` bytes into folder `dir` (made when absent; it
 * must not hold a store), opening it with coordinator `user`'s password.
 * DUR_EKEY for a wrong user or password, DUR_EPARSE for a file that is not
 * a backup or was changed.  @since 0.2
 */
DUR_EXPORT dur_err dur_store_restore(const unsigned char *buf, size_t len, const char *dir,
				     const char *user, const unsigned char *pw, size_t pwlen,
				     const struct dur_store_params *p, struct dur_error *err);

#endif
