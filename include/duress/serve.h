/*
 * duress/serve.h - the private, offline web app behind `duress serve`:
 * community-led screening and an encrypted case list, in the browser.
 *
 * One dur_serve holds the app: the store (duress/store.h), the frameworks
 * and question bank (duress/screen.h), the message catalogues
 * (duress/i18n.h), the sessions and the login limits.  Requests reach it
 * either through the built-in HTTP server (libmicrohttpd, a thread per
 * connection, bound to 127.0.0.1 unless told otherwise) started by
 * dur_serve_listen(), or directly through dur_serve_handle() - what the
 * HTTP server calls, and what tests and the fuzzer call without sockets.
 *
 * Pages are rendered on the server as plain HTML forms that work without
 * JavaScript; the JSON API under /api/ (docs/serve.md) is what the pages'
 * small script and other programs use.  Every response carries a strict
 * Content-Security-Policy without any external origin, frame-ancestors
 * 'none', nosniff and no-store.
 *
 * Keys: the store is unlocked by the first login and locked again (the
 * data key wiped) when the last session ends - by logging out, by being
 * idle for `idle_timeout` seconds, or when the server stops.
 *
 * Ownership: the store and the framework set are borrowed and must
 * outlive the dur_serve; the set must not change while it serves (it is
 * read by several threads).  The library never prints: dur_serve_listen
 * reports failures through err, and the caller says what it wants about
 * where it listens.
 */
#ifndef DURESS_SERVE_H
#define DURESS_SERVE_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <duress/error.h>
#include <duress/screen.h>
#include <duress/store.h>

#define DUR_SERVE_MAX_HOSTS 8
#define DUR_SERVE_MAX_OPTIONS 16

struct dur_serve_params {
	/* "HOST:PORT" to listen on; "127.0.0.1:8080".  PORT 0 takes a free one. */
	const char *listen;
	/* Extra names the Host header may carry (beside the address itself and
	 * "localhost" on loopback), against DNS rebinding; none. */
	size_t nhosts;
	const char *hosts[DUR_SERVE_MAX_HOSTS];
	/* Mark cookies Secure: 1 always, 0 never, -1 (default) when the address
	 * is not a loopback one (TLS is then the operator's job). */
	int secure_cookies;
	/* A session ends after this many seconds without a request; 900. */
	unsigned idle_timeout;
	/* ... and this many seconds after the login in any case; 43200 (12 h). */
	unsigned session_lifetime;
	/* Sessions at once; 64. */
	unsigned max_sessions;
	/* Connections at once (each has a thread); 32.  Idle ones close after
	 * connection_timeout seconds; 30. */
	unsigned max_connections;
	unsigned connection_timeout;
	/* Bytes of a request body; 1 MiB.  Of the request line and headers
	 * together; 16 KiB (larger: 431).  Headers; 64.  Form fields; 400. */
	size_t max_body;
	size_t max_header_bytes;
	unsigned max_headers;
	unsigned max_fields;
	/*
	 * Logins: after `login_user_failures` wrong passwords for one user
	 * name within `login_window` seconds (or `login_addr_failures` from one
	 * address), further attempts are refused (429) for a delay that starts
	 * at `login_delay` seconds and doubles with each further failure, up to
	 * `login_window`.  Defaults 5, 20, 900, 30.  At most
	 * `max_concurrent_logins` Argon2id derivations run at once; 2.
	 */
	unsigned login_user_failures;
	unsigned login_addr_failures;
	unsigned login_window;
	unsigned login_delay;
	unsigned max_concurrent_logins;
	/* Counts in summaries are rounded down to multiples of this; 10 (as
	 * `duress screen --summary`).  Coordinators may ask for exact counts. */
	unsigned long summary_resolution;
	/* Questions per page of the interview; 6. */
	unsigned group_size;
	/* The language of pages before anyone logs in; "en". */
	const char *default_lang;
	/* Framework options applied when screening ("FW.NAME=yes|no"), for the
	 * manifests of summaries; the set must already have them applied. */
	size_t noptions;
	const char *options[DUR_SERVE_MAX_OPTIONS];
};

/* The defaults above.  @since 0.2 */
DUR_EXPORT void dur_serve_default_params(struct dur_serve_params *p);

typedef struct dur_serve dur_serve;

/*
 * A new app over `store` and `set` (both borrowed).  DUR_EINVAL for
 * parameters out of range, naming the field.  @since 0.2
 */
DUR_EXPORT dur_err dur_serve_alloc(dur_store *store, const dur_framework_set *set,
				   const struct dur_serve_params *p, dur_serve **out,
				   struct dur_error *err);
/* Stop listening (when it does), end every session, lock the store, free.
 * NULL does nothing.  @since 0.2 */
DUR_EXPORT void dur_serve_free(dur_serve *srv);

/*
 * Start the HTTP server on p->listen (a thread per connection, plus one
 * that ends idle sessions).  DUR_EIO when the address cannot be bound.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_serve_listen(dur_serve *srv, struct dur_error *err);
/* The port listened on (useful with port 0), or 0.  @since 0.2 */
DUR_EXPORT unsigned dur_serve_port(const dur_serve *srv);
/* 1 when p->listen is a loopback address (127.0.0.0/8, ::1, localhost).  @since 0.2 */
DUR_EXPORT int dur_serve_is_loopback(const dur_serve *srv);
/* Stop the HTTP server (sessions are kept).  @since 0.2 */
DUR_EXPORT void dur_serve_stop(dur_serve *srv);

/*
 * End the sessions idle for longer than idle_timeout (or older than
 * session_lifetime) at time `now` (seconds since 1970), locking the store
 * when none is left.  The server's own thread calls it every second.
 * Returns the number of sessions still open.  @since 0.2
 */
DUR_EXPORT size_t dur_serve_tick(dur_serve *srv, long long now);

/* ---- handling one request without sockets ------------------------------- */

struct dur_serve_header {
	const char *name;
	const char *value;
};

/* A request as the HTTP layer received it.  Everything is borrowed. */
struct dur_serve_request {
	const char *method;      /* "GET", "POST", ... */
	const char *target;      /* the request target as sent: "/cases?q=x" (not decoded) */
	size_t nheaders;
	const struct dur_serve_header *headers;
	const char *body;        /* may be NULL when body_len is 0 */
	size_t body_len;
	const char *peer;        /* the client's address, for login limits */
};

#define DUR_SERVE_MAX_RESP_HEADERS 24
/* A response.  Everything is owned; release it with dur_serve_response_release. */
struct dur_serve_response {
	int status;
	size_t nheaders;
	char *name[DUR_SERVE_MAX_RESP_HEADERS];
	char *value[DUR_SERVE_MAX_RESP_HEADERS];
	char *body;
	size_t body_len;
};

/*
 * Handle one request: route it, check the session, the CSRF token and the
 * caps, do it, and fill `resp` (status, headers - the security headers
 * included - and body).  A malformed request gets 400, never a crash.
 * DUR_ENOMEM only when not even an error response could be made.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_serve_handle(dur_serve *srv, const struct dur_serve_request *req,
				    struct dur_serve_response *resp, struct dur_error *err);
/* Free a response, wiping its body; the struct is then empty.  @since 0.2 */
DUR_EXPORT void dur_serve_response_release(struct dur_serve_response *resp);
/* A response header's value, or NULL (the first of that name, any case).  @since 0.2 */
DUR_EXPORT const char *dur_serve_response_header(const struct dur_serve_response *resp,
						 const char *name);

#endif
