/*
 * serve_internal.h - what the files of src/serve share.
 *
 *   app.c      the dur_serve: params, the question bank in groups, the
 *              catalogues; dur_serve_handle() and the route table
 *   http.c     libmicrohttpd: listening, caps, the idle-session thread
 *   parse.c    request targets, query strings and forms, cookies,
 *              multipart bodies (all bounded; fuzzed by fuzz_serve_request)
 *   session.c  sessions, CSRF tokens, login limits, the key's lifetime
 *   record.c   the case record (what the store seals) and screening it
 *   html.c     escaping, the page frame, translated text
 *   pages.c    the pages of cases and the interview
 *   admin.c    users, audit, account, summary and export pages
 *   api.c      the JSON API
 *   export.c   summary (+ manifest), HTCDS CSV, linkage encodings, backup
 *   assets.c   the stylesheet, the script and the icon, compiled in
 *
 * Locks: srv->lock guards sessions and login limits.  It may be held
 * while calling the store (whose own lock is then taken), never the other
 * way round.
 */
#ifndef DURESS_SERVE_INTERNAL_H
#define DURESS_SERVE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <duress/i18n.h>
#include <duress/serve.h>
#include "core/buf.h"

/* Plural forms for xgettext (--keyword=SRV_NP_:1,2): expands to both strings. */
#define SRV_NP_(s, p) s, p

#define SRV_TOKEN_LEN 43          /* 32 random bytes, base64url without padding */
#define SRV_MAX_LANGS 8
#define SRV_MAX_PATH 1024
#define SRV_MAX_TEXT 4096         /* a label, sector or identifier */
#define SRV_MAX_NOTES 20000       /* the notes of a case */
#define SRV_MAX_LIMITS 1024       /* login-limit entries kept */
#define SRV_MAX_HISTORY 200       /* screenings kept per case */

/* ---- parsing (parse.c) -------------------------------------------------- */

struct srv_kv {
	char *name;
	char *value;      /* NUL-terminated; may hold NUL bytes before vlen (checked by users) */
	size_t vlen;
};

/* Decoded name=value pairs, at most `max` of them. */
struct srv_form {
	size_t n, cap, max;
	struct srv_kv *kv;
};

/* One part of a multipart/form-data body; data points into the body. */
struct srv_part {
	char name[128];
	char filename[256];
	const char *data;
	size_t len;
};
#define SRV_MAX_PARTS 16

enum srv_parse_rc { SRV_PARSE_OK = 0, SRV_PARSE_BAD = 1, SRV_PARSE_TOO_MANY = 2,
		    SRV_PARSE_NOMEM = 3 };

void srv_form_init(struct srv_form *f, size_t max);
void srv_form_release(struct srv_form *f);
/* Parse application/x-www-form-urlencoded text (a query string or a body). */
enum srv_parse_rc srv_form_parse(struct srv_form *f, const char *s, size_t len);
/* The first value of `name`, or NULL; values with NUL bytes are NULL. */
const char *srv_form_get(const struct srv_form *f, const char *name);
/* Every value of `name` in order, into v (at most max); their number. */
size_t srv_form_all(const struct srv_form *f, const char *name, const char **v, size_t max);

/* Split a request target into a decoded path (no NUL, no control bytes, no
 * "." or ".." segment, at most SRV_MAX_PATH bytes) and the raw query. */
enum srv_parse_rc srv_target_parse(const char *target, char *path, size_t size,
				   const char **query, size_t *qlen);
/* The value of cookie `name` in a Cookie header, copied into buf (size), or 0. */
int srv_cookie_get(const char *header, const char *name, char *buf, size_t size);
/* The boundary of a multipart/form-data content type into buf. */
int srv_multipart_boundary(const char *ctype, char *buf, size_t size);
/* Split a multipart body into at most max parts. */
enum srv_parse_rc srv_multipart_parse(const char *body, size_t len, const char *boundary,
				      struct srv_part *parts, size_t max, size_t *n);
/* The media type of a Content-Type value, lowercased, without parameters. */
void srv_media_type(const char *ctype, char *buf, size_t size);
/* Percent-encode `s` for a URL query value. */
void srv_url_encode(struct dur_buf *b, const char *s);
/* 1 when `next` is a path of this site ("/..." but not "//..." or "/\..."). */
int srv_local_path(const char *next);

/* ---- the question bank in groups (app.c) -------------------------------- */

enum srv_qkind { SRV_Q_YESNO = 0, SRV_Q_AGE = 1, SRV_Q_TEXT = 2 };

struct srv_question {
	char *id, *text, *help, *section;
	enum srv_qkind kind;
	size_t group;        /* the interview page it is asked on (0-based) */
};

struct srv_group {
	size_t first, n;     /* questions first .. first+n-1 */
	const char *section;
	unsigned part, parts;  /* "2 of 3" when a section is split */
};

struct srv_bank {
	char *version, *title, *intro;
	size_t nq;
	struct srv_question *q;
	size_t ngroups;
	struct srv_group *g;
};

/* ---- sessions and limits (session.c) ------------------------------------ */

struct srv_session {
	int used;
	unsigned char hash[32];       /* BLAKE2b of the cookie's token */
	char csrf[SRV_TOKEN_LEN + 1];
	char user[DUR_STORE_MAX_NAME + 1];
	int role;
	int must_change;
	char lang[16];
	long long created, last;
};

struct srv_limit {
	char key[DUR_STORE_MAX_NAME + 8];   /* "u:NAME" or "a:ADDRESS" */
	unsigned failures;
	long long first, until;
};

/* ---- the app ------------------------------------------------------------ */

struct MHD_Daemon;

struct dur_serve {
	dur_store *store;
	const dur_framework_set *set;
	struct dur_serve_params p;
	char *listen;                /* copy of p.listen */
	char host[256];              /* the address part, as given */
	unsigned port_wanted, port;
	int loopback, secure;
	char *hosts[DUR_SERVE_MAX_HOSTS];
	char *options[DUR_SERVE_MAX_OPTIONS];
	char *default_lang;
	struct srv_bank bank;
	size_t nlangs;
	dur_catalogue *cat[SRV_MAX_LANGS];
	char *fw_ids[DUR_SCREEN_MAX_SELECT];
	size_t nfw;

	pthread_mutex_t lock;
	pthread_cond_t login_cv;
	unsigned logins_running;
	struct srv_session *sess;    /* p.max_sessions of them */
	struct srv_limit lim[SRV_MAX_LIMITS];

	struct MHD_Daemon *daemon;
	pthread_t tick;
	int tick_started, tick_stop;
	pthread_mutex_t tick_lock;
	pthread_cond_t tick_cv;
};

/* A request being handled. */
struct srv_req {
	dur_serve *srv;
	const struct dur_serve_request *in;
	struct dur_serve_response *resp;
	long long now;
	char method[8];
	char path[SRV_MAX_PATH + 1];
	const char *query;
	size_t qlen;
	struct srv_form q;           /* the query string */
	struct srv_form f;           /* an urlencoded body */
	int form_parsed;
	int is_api;
	int have_session;
	struct srv_session s;        /* a copy of the session */
	const dur_catalogue *cat;
	const char *lang;
	char lang_cookie[16];
	char origin_host[300];       /* the Host header */
};

/* Header of the request (any case), or NULL. */
const char *srv_header(const struct srv_req *r, const char *name);
/* Add a response header (copied).  0 on success. */
int srv_add_header(struct srv_req *r, const char *name, const char *value);
/* Set the body (taken: the response frees it) and content type. */
void srv_set_body(struct srv_req *r, int status, const char *ctype, char *body, size_t len);
/* A 303 redirect to a local path. */
void srv_redirect(struct srv_req *r, const char *location);
/* An error: JSON {"error": msg} for the API, a small page otherwise. */
void srv_error(struct srv_req *r, int status, const char *msg);
/* Parse the urlencoded body once (400/413/415 responses on failure; 0 = ok). */
int srv_need_form(struct srv_req *r);
/* The body as JSON (an object), or NULL after an error response. */
json_t *srv_need_json(struct srv_req *r);
/* Send a JSON value (stolen) with a status. */
void srv_json(struct srv_req *r, int status, json_t *j);
/* Catalogue of a language code, or NULL when not served. */
const dur_catalogue *srv_catalogue(const dur_serve *srv, const char *lang);
/* The canonical code of a served language ("es"), or NULL. */
const char *srv_lang_code(const dur_serve *srv, const char *lang);
/* 1 for a right-to-left script. */
int srv_lang_rtl(const char *lang);
/* The group of questions holding fact `id`, or -1. */
long srv_question_index(const struct srv_bank *b, const char *id);

/* session.c */
dur_err srv_sessions_init(dur_serve *srv, struct dur_error *err);
void srv_sessions_release(dur_serve *srv);
void srv_token(char out[SRV_TOKEN_LEN + 1]);
/* Find the session of the request's cookie, touching it; 1 when found. */
int srv_session_find(struct srv_req *r);
/* A new session for a user who logged in; writes the cookie.  0 on success. */
int srv_session_create(struct srv_req *r, const struct dur_store_user *u);
void srv_session_end(struct srv_req *r);
/* Update fields of the request's session (language, must_change). */
void srv_session_update(struct srv_req *r);
/* End every session of `user` (removed, or its password reset). */
void srv_sessions_end_user(dur_serve *srv, const char *user);
/* CSRF: 1 when the request carries the session's token (header or field). */
int srv_csrf_ok(struct srv_req *r, const char *token);
/* Login limits: seconds to wait before trying again (0: go ahead). */
long long srv_limit_wait(dur_serve *srv, const char *user, const char *peer, long long now);
void srv_limit_fail(dur_serve *srv, const char *user, const char *peer, long long now);
void srv_limit_clear(dur_serve *srv, const char *user, const char *peer);
/* The whole login: limits, the Argon2id slot, the store, the session. */
enum srv_login_rc { SRV_LOGIN_OK, SRV_LOGIN_WRONG, SRV_LOGIN_LIMIT, SRV_LOGIN_BUSY,
		    SRV_LOGIN_FULL, SRV_LOGIN_ERROR };
enum srv_login_rc srv_login(struct srv_req *r, const char *user, const unsigned char *pw,
			    size_t len, long long *retry);

/* ---- cases (record.c) --------------------------------------------------- */

/* Answers: 0 not asked, 'y', 'n', 'u' (don't know), 'd' (prefer not to say). */
struct srv_case {
	char id[DUR_STORE_ID_LEN + 1];
	char *label;                 /* the organisation's own reference (case_id) */
	char age[32];                /* "24", "minor", "adult", "unknown" */
	int age_declined;
	char *sector;
	char *notes;
	char status[16];             /* HTCDS cas_Status: Active, FollowUp, Closed, ClosedReferred */
	char person_lang[16];        /* the language the questions are also shown in */
	char *given_name, *surname, *date_of_birth, *sex, *nationality;
	char *answers;               /* one per bank question (yes/no ones only used) */
	size_t nq;
	long long created, updated;
	char created_by[DUR_STORE_MAX_NAME + 1];
	char updated_by[DUR_STORE_MAX_NAME + 1];
	long long revision;
	json_t *history;             /* array of screenings */
};

/* What a list shows of a case (from the sealed meta). */
struct srv_meta {
	char id[DUR_STORE_ID_LEN + 1];
	char label[256];
	char age[16];                /* "minor", "adult", "unknown" */
	char sector[256];
	char status[16];
	char by[DUR_STORE_MAX_NAME + 1];
	long long created, updated, revision;
	int screened;
	size_t nverdicts;
	char fw[DUR_SCREEN_MAX_SELECT][32];
	int verdict[DUR_SCREEN_MAX_SELECT];   /* enum dur_screen_verdict, -1 none */
};

dur_err srv_case_init(struct srv_case *c, const dur_serve *srv);
void srv_case_release(struct srv_case *c);
/* The stored (sealed) JSON of a case, and back. */
json_t *srv_case_to_json(const struct srv_case *c, const dur_serve *srv);
dur_err srv_case_from_json(struct srv_case *c, const dur_serve *srv, const char *text,
			   size_t len, struct dur_error *err);
/* The API form: the case format of `duress screen` plus notes and extras. */
json_t *srv_case_to_api(const struct srv_case *c, const dur_serve *srv);
dur_err srv_case_from_api(struct srv_case *c, const dur_serve *srv, json_t *j, int partial,
			  long long *revision, struct dur_error *err);
/* Set a text field: trimmed copy, at most max bytes, UTF-8, no control bytes but \n \t. */
dur_err srv_case_set_text(char **dst, const char *s, size_t max, int multiline, const char *what,
			  struct dur_error *err);
/* The screening case of a record, and its evaluation (every framework). */
dur_err srv_case_screen(const dur_serve *srv, const struct srv_case *c,
			dur_screen_case **sc, dur_screen_result **res, struct dur_error *err);
/* Append a screening to the history. */
dur_err srv_case_add_history(struct srv_case *c, const dur_serve *srv,
			     const dur_screen_result *res, const char *by, long long at,
			     struct dur_error *err);
/* "minor", "adult" or "unknown". */
const char *srv_case_age_group(const struct srv_case *c);
/* Load / save a case through the store (meta recomputed on save). */
dur_err srv_case_load(dur_serve *srv, const char *id, struct srv_case *c, int *found,
		      struct dur_error *err);
dur_err srv_case_save(dur_serve *srv, struct srv_case *c, int create, int *found,
		      struct dur_error *err);
dur_err srv_meta_parse(struct srv_meta *m, const char *text, size_t len);
/* 1 when the request's user may see the case (a worker: their own). */
int srv_case_visible(const struct srv_req *r, const char *created_by);

/* ---- HTML (html.c) ------------------------------------------------------ */

/* The translation of msgid in the request's language. */
const char *srv_tr(const struct srv_req *r, const char *msgid);
const char *srv_trn(const struct srv_req *r, const char *one, const char *many, unsigned long n);
/* The question bank's texts in a language (context "question", ...). */
const char *srv_trq(const dur_catalogue *cat, const char *context, const char *english);
/* A translated format with its arguments, into buf (not escaped). */
void srv_trf(const struct srv_req *r, char *buf, size_t size, const char *fmt, ...);
/* Escaped text, attribute-safe. */
void srv_h(struct dur_buf *b, const char *s);
/* Escaped translation. */
void srv_ht(struct dur_buf *b, const struct srv_req *r, const char *msgid);
/* Escaped translated format (the catalogue's printf format with args). */
void srv_htf(struct dur_buf *b, const struct srv_req *r, const char *fmt, ...);
/* A number in the request's language. */
void srv_num(struct dur_buf *b, const struct srv_req *r, double x);
/* A date and time (UTC, ISO 8601 without seconds). */
void srv_time(struct dur_buf *b, long long t);
/* The page frame: head, header (navigation, language switch), main. */
void srv_page_begin(struct dur_buf *b, struct srv_req *r, const char *title);
/* Close main, the footer (not a legal finding), the script; send the page. */
void srv_page_end(struct dur_buf *b, struct srv_req *r, int status);
/* A hidden CSRF field. */
void srv_csrf_field(struct dur_buf *b, const struct srv_req *r);
/* A notice box (role=status or alert). */
void srv_notice(struct dur_buf *b, const char *cls, const char *text);
/* The name of a verdict in the request's language, and its symbol. */
const char *srv_verdict_word(const struct srv_req *r, int verdict);
const char *srv_verdict_class(int verdict);
/* An answer's words. */
const char *srv_answer_word(const struct srv_req *r, char a);

/* ---- shared by pages and the API (pages.c) ---------------------------- */

/* enum dur_screen_verdict of "indicated" ..., or -2. */
int srv_verdict_code(const char *s);
/* The cases the user may see that pass the filters of q (framework, verdict,
 * age, status, sector, mine), newest first; *out is yours (free()). */
dur_err srv_list_cases(struct srv_req *r, const struct srv_form *q, struct srv_meta **out,
		       size_t *n, struct dur_error *err);
const char *srv_status_word(const struct srv_req *r, const char *status);
const char *srv_age_word(const struct srv_req *r, const char *group);
/* Load a case the user may see; on failure (-1) the response is made (401/404/500). */
int srv_load_visible(struct srv_req *r, const char *id, struct srv_case *c);
/* The response to a failed save, by the error's code. */
void srv_save_failed(struct srv_req *r, const struct dur_error *err);
/* Store a new case (a fresh id, created now by the user); audited. */
dur_err srv_case_create(struct srv_req *r, struct srv_case *c, struct dur_error *err);
/* Screen, add the screening to the history, and save (or create). */
dur_err srv_screen_and_record(struct srv_req *r, struct srv_case *c, int create,
			      struct dur_error *err);

/* ---- handlers ----------------------------------------------------------- */

void srv_page_login(struct srv_req *r);
void srv_page_login_post(struct srv_req *r);
void srv_page_logout(struct srv_req *r);
void srv_page_lang(struct srv_req *r);
void srv_page_cases(struct srv_req *r);
void srv_page_case_new(struct srv_req *r);
void srv_page_case_new_post(struct srv_req *r);
void srv_page_case(struct srv_req *r, const char *id);
void srv_page_interview(struct srv_req *r, const char *id, unsigned step);
void srv_page_interview_post(struct srv_req *r, const char *id, unsigned step);
void srv_page_edit(struct srv_req *r, const char *id);
void srv_page_edit_post(struct srv_req *r, const char *id);
void srv_page_rescreen(struct srv_req *r, const char *id);
void srv_page_delete(struct srv_req *r, const char *id);
void srv_page_delete_post(struct srv_req *r, const char *id);
void srv_page_summary(struct srv_req *r);
void srv_page_export(struct srv_req *r);
void srv_page_users(struct srv_req *r);
void srv_page_users_post(struct srv_req *r, const char *what);
void srv_page_audit(struct srv_req *r);
void srv_page_account(struct srv_req *r);
void srv_page_account_post(struct srv_req *r);

void srv_api(struct srv_req *r);

/* admin.c: the i-th column of the CSV export (NULL past the last). */
const char *srv_htcds_field(size_t i, int *identifying);

/* export.c */
void srv_export_summary(struct srv_req *r, int manifest);
void srv_export_htcds(struct srv_req *r);
void srv_export_link(struct srv_req *r);
void srv_export_backup(struct srv_req *r);
/* The summary of the cases the user may see, as JSON (new reference). */
json_t *srv_summary_json(struct srv_req *r, unsigned long resolution, size_t *ncases,
			 struct dur_error *err);

/* assets.c: 1 and a new buffer in *body (yours), 0 when there is no such
 * asset, -1 out of memory. */
int srv_asset(const char *path, const char **ctype, char **body, size_t *len);

/* Audit an action of the request's user (failures are ignored: the action
 * has happened; the trail must not stop the work). */
void srv_audit(struct srv_req *r, const char *action, const char *case_id);

#endif
