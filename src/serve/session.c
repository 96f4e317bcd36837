/*
 * Sessions, CSRF tokens, login limits, and the lifetime of the data key.
 *
 * A session is a random 256-bit token in an HttpOnly, SameSite=Strict
 * cookie; the server keeps only its BLAKE2b hash (so the table in memory
 * cannot be replayed as cookies) with a CSRF token of its own.  Sessions
 * live in memory only: a restarted server has none, and the store stays
 * locked until someone logs in again.  When the last session ends the
 * store is locked (dur_store_lock wipes the data key).
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COOKIE "duress_session"

dur_err srv_sessions_init(dur_serve *srv, struct dur_error *err)
{
	if (!(srv->sess = calloc(srv->p.max_sessions, sizeof(*srv->sess))))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	return DUR_OK;
}

void srv_sessions_release(dur_serve *srv)
{
	if (srv->sess) {
		sodium_memzero(srv->sess, srv->p.max_sessions * sizeof(*srv->sess));
		free(srv->sess);
	}
	srv->sess = NULL;
}

void srv_token(char out[SRV_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SRV_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void token_hash(const char *token, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static size_t live_sessions(const dur_serve *srv)
{
	size_t n = 0;
	for (unsigned i = 0; i < srv->p.max_sessions; i++)
		n += srv->sess[i].used != 0;
	return n;
}

/* Forget one session; lock the store when it was the last.  srv->lock held. */
static void drop(dur_serve *srv, struct srv_session *s)
{
	sodium_memzero(s, sizeof(*s));
	if (live_sessions(srv) == 0 && srv->logins_running == 0)
		dur_store_lock(srv->store);
}

static int expired(const dur_serve *srv, const struct srv_session *s, long long now)
{
	return now - s->last >= (long long)srv->p.idle_timeout ||
	       now - s->created >= (long long)srv->p.session_lifetime;
}

size_t dur_serve_tick(dur_serve *srv, long long now)
{
	size_t n;
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++)
		if (srv->sess[i].used && expired(srv, &srv->sess[i], now))
			drop(srv, &srv->sess[i]);
	n = live_sessions(srv);
	/* a store unlocked by a command-line login with no session never stays so */
	if (n == 0 && srv->logins_running == 0 && dur_store_unlocked(srv->store))
		dur_store_lock(srv->store);
	pthread_mutex_unlock(&srv->lock);
	return n;
}

int srv_session_find(struct srv_req *r)
{
	dur_serve *srv = r->srv;
	char token[SRV_TOKEN_LEN + 8];
	unsigned char h[32];
	const char *cookie = srv_header(r, "Cookie");
	int found = 0;

	if (!cookie || !srv_cookie_get(cookie, COOKIE, token, sizeof(token)) ||
	    strlen(token) != SRV_TOKEN_LEN)
		return 0;
	token_hash(token, h);
	sodium_memzero(token, sizeof(token));
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++) {
		struct srv_session *s = &srv->sess[i];
		if (!s->used || sodium_memcmp(s->hash, h, sizeof(h)) != 0)
			continue;
		if (expired(srv, s, r->now)) {
			drop(srv, s);
			break;
		}
		s->last = r->now;
		r->s = *s;
		found = 1;
		break;
	}
	pthread_mutex_unlock(&srv->lock);
	if (found) {
		/*
		 * The user may have been removed, or made a worker, from the command
		 * line while the server runs: the store says who they are now.
		 */
		struct dur_store_user u;
		int there = 0;
		if (dur_store_user_get(srv->store, r->s.user, &u, &there, NULL) != DUR_OK || !there ||
		    (int)u.role != r->s.role) {
			pthread_mutex_lock(&srv->lock);
			for (unsigned i = 0; i < srv->p.max_sessions; i++)
				if (srv->sess[i].used && sodium_memcmp(srv->sess[i].hash, h, 32) == 0)
					drop(srv, &srv->sess[i]);
			pthread_mutex_unlock(&srv->lock);
			sodium_memzero(&r->s, sizeof(r->s));
			found = 0;
		}
	}
	r->have_session = found;
	return found;
}

static void set_cookie(struct srv_req *r, const char *name, const char *value, int clear)
{
	char c[256];
	snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
		 clear ? "; Max-Age=0" : "", r->srv->secure ? "; Secure" : "");
	srv_add_header(r, "Set-Cookie", c);
	sodium_memzero(c, sizeof(c));
}

int srv_session_create(struct srv_req *r, const struct dur_store_user *u)
{
	dur_serve *srv = r->srv;
	struct srv_session *slot = NULL;
	char token[SRV_TOKEN_LEN + 1];

	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++) {
		if (srv->sess[i].used && expired(srv, &srv->sess[i], r->now))
			drop(srv, &srv->sess[i]);
		if (!srv->sess[i].used && !slot)
			slot = &srv->sess[i];
	}
	if (!slot) {
		pthread_mutex_unlock(&srv->lock);
		return -1;
	}
	srv_token(token);
	memset(slot, 0, sizeof(*slot));
	slot->used = 1;
	token_hash(token, slot->hash);
	srv_token(slot->csrf);
	snprintf(slot->user, sizeof(slot->user), "%s", u->name);
	slot->role = (int)u->role;
	slot->must_change = u->must_change;
	snprintf(slot->lang, sizeof(slot->lang), "%s",
		 srv_lang_code(srv, u->lang) ? srv_lang_code(srv, u->lang) : r->lang);
	slot->created = slot->last = r->now;
	r->s = *slot;
	r->have_session = 1;
	pthread_mutex_unlock(&srv->lock);
	set_cookie(r, COOKIE, token, 0);
	sodium_memzero(token, sizeof(token));
	return 0;
}

void srv_session_end(struct srv_req *r)
{
	dur_serve *srv = r->srv;
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++)
		if (srv->sess[i].used && sodium_memcmp(srv->sess[i].hash, r->s.hash, 32) == 0)
			drop(srv, &srv->sess[i]);
	pthread_mutex_unlock(&srv->lock);
	r->have_session = 0;
	set_cookie(r, COOKIE, "", 1);
}

void srv_session_update(struct srv_req *r)
{
	dur_serve *srv = r->srv;
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++)
		if (srv->sess[i].used && sodium_memcmp(srv->sess[i].hash, r->s.hash, 32) == 0) {
			memcpy(srv->sess[i].lang, r->s.lang, sizeof(r->s.lang));
			srv->sess[i].must_change = r->s.must_change;
		}
	pthread_mutex_unlock(&srv->lock);
}

void srv_sessions_end_user(dur_serve *srv, const char *user)
{
	pthread_mutex_lock(&srv->lock);
	for (unsigned i = 0; i < srv->p.max_sessions; i++)
		if (srv->sess[i].used && strcmp(srv->sess[i].user, user) == 0)
			drop(srv, &srv->sess[i]);
	pthread_mutex_unlock(&srv->lock);
}

int srv_csrf_ok(struct srv_req *r, const char *token)
{
	if (!r->have_session || !token || strlen(token) != SRV_TOKEN_LEN)
		return 0;
	return sodium_memcmp(token, r->s.csrf, SRV_TOKEN_LEN) == 0;
}

/* ---- login limits ------------------------------------------------------ */

static struct srv_limit *limit_find(dur_serve *srv, const char *key, int make, long long now)
{
	struct srv_limit *free_slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < SRV_MAX_LIMITS; i++) {
		struct srv_limit *l = &srv->lim[i];
		if (l->key[0] && strcmp(l->key, key) == 0)
			return l;
		/* an entry whose window and delay are over is free again */
		if (l->key[0] && now - l->first > (long long)srv->p.login_window && now >= l->until)
			l->key[0] = '\0';
		if (!l->key[0] && !free_slot)
			free_slot = l;
		if (l->key[0] && (!oldest || l->first < oldest->first))
			oldest = l;
	}
	if (!make)
		return NULL;
	if (!free_slot)
		free_slot = oldest;   /* the table is full: the oldest entry goes */
	memset(free_slot, 0, sizeof(*free_slot));
	snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
	free_slot->first = now;
	return free_slot;
}

static void keys(const char *user, const char *peer, char *ku, size_t nu, char *ka, size_t na)
{
	snprintf(ku, nu, "u:%.*s", DUR_STORE_MAX_NAME, user ? user : "");
	snprintf(ka, na, "a:%.60s", peer ? peer : "?");
}

long long srv_limit_wait(dur_serve *srv, const char *user, const char *peer, long long now)
{
	char ku[DUR_STORE_MAX_NAME + 8], ka[DUR_STORE_MAX_NAME + 8];
	long long wait = 0;
	struct srv_limit *l;

	keys(user, peer, ku, sizeof(ku), ka, sizeof(ka));
	pthread_mutex_lock(&srv->lock);
	if ((l = limit_find(srv, ku, 0, now)) && l->until > now)
		wait = l->until - now;
	if ((l = limit_find(srv, ka, 0, now)) && l->until - now > wait)
		wait = l->until - now;
	pthread_mutex_unlock(&srv->lock);
	return wait;
}

/* One more failure; from `max` failures on, a delay doubling each time. */
static void count_failure(dur_serve *srv, struct srv_limit *l, unsigned max, long long now)
{
	if (now - l->first > (long long)srv->p.login_window) {
		l->first = now;
		l->failures = 0;
	}
	l->failures++;
	if (l->failures >= max) {
		unsigned extra = l->failures - max;
		long long d = srv->p.login_delay;
		while (extra-- && d < (long long)srv->p.login_window)
			d *= 2;
		if (d > (long long)srv->p.login_window)
			d = srv->p.login_window;
		l->until = now + d;
	}
}

void srv_limit_fail(dur_serve *srv, const char *user, const char *peer, long long now)
{
	char ku[DUR_STORE_MAX_NAME + 8], ka[DUR_STORE_MAX_NAME + 8];
	keys(user, peer, ku, sizeof(ku), ka, sizeof(ka));
	pthread_mutex_lock(&srv->lock);
	count_failure(srv, limit_find(srv, ku, 1, now), srv->p.login_user_failures, now);
	count_failure(srv, limit_find(srv, ka, 1, now), srv->p.login_addr_failures, now);
	pthread_mutex_unlock(&srv->lock);
}

void srv_limit_clear(dur_serve *srv, const char *user, const char *peer)
{
	char ku[DUR_STORE_MAX_NAME + 8], ka[DUR_STORE_MAX_NAME + 8];
	struct srv_limit *l;
	keys(user, peer, ku, sizeof(ku), ka, sizeof(ka));
	pthread_mutex_lock(&srv->lock);
	if ((l = limit_find(srv, ku, 0, 0)))
		memset(l, 0, sizeof(*l));
	(void)ka;   /* the address keeps its count: one success does not excuse guessing */
	pthread_mutex_unlock(&srv->lock);
}

enum srv_login_rc srv_login(struct srv_req *r, const char *user, const unsigned char *pw,
			    size_t len, long long *retry)
{
	dur_serve *srv = r->srv;
	const char *peer = r->in->peer ? r->in->peer : "?";
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_store_user u;
	struct timespec until;
	enum srv_login_rc rc;
	dur_err e;

	*retry = 0;
	if ((*retry = srv_limit_wait(srv, user, peer, r->now)) > 0)
		return SRV_LOGIN_LIMIT;
	/*
	 * Argon2id takes a lot of memory on purpose: cap how many run at once,
	 * waiting a little for a slot rather than failing at the first clash.
	 */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&srv->lock);
	while (srv->logins_running >= srv->p.max_concurrent_logins)
		if (pthread_cond_timedwait(&srv->login_cv, &srv->lock, &until) != 0)
			break;
	if (srv->logins_running >= srv->p.max_concurrent_logins) {
		pthread_mutex_unlock(&srv->lock);
		*retry = 2;
		return SRV_LOGIN_BUSY;
	}
	srv->logins_running++;
	pthread_mutex_unlock(&srv->lock);

	e = dur_store_login(srv->store, user, pw, len, &u, &err);

	pthread_mutex_lock(&srv->lock);
	srv->logins_running--;
	pthread_cond_signal(&srv->login_cv);
	pthread_mutex_unlock(&srv->lock);
	if (e == DUR_EKEY) {
		struct dur_store_user known;
		int found = 0;
		srv_limit_fail(srv, user, peer, r->now);
		/*
		 * The trail names the user only when the name is one: what someone typed
		 * into the name field may be their password.
		 */
		if (dur_store_user_get(srv->store, user, &known, &found, NULL) != DUR_OK)
			found = 0;
		dur_store_audit(srv->store, found ? user : NULL, "login_failed", NULL, r->now, NULL);
		rc = SRV_LOGIN_WRONG;
	} else if (e != DUR_OK) {
		rc = SRV_LOGIN_ERROR;
	} else if (srv_session_create(r, &u) != 0) {
		rc = SRV_LOGIN_FULL;
	} else {
		srv_limit_clear(srv, user, peer);
		srv_audit(r, "login", NULL);
		rc = SRV_LOGIN_OK;
	}
	/* an error after the store was unlocked must not leave it so with nobody in */
	pthread_mutex_lock(&srv->lock);
	if (rc != SRV_LOGIN_OK && live_sessions(srv) == 0 && srv->logins_running == 0)
		dur_store_lock(srv->store);
	pthread_mutex_unlock(&srv->lock);
	return rc;
}
