/*
 * The app: its parameters, the question bank cut into short groups, the
 * languages it serves, and dur_serve_handle() - checks common to every
 * request (method, target, caps, Host, Origin, session, language), the
 * route table, and the security headers every response carries.
 */
#include "serve/serve_internal.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * No origin but this one, no inline script or style, no framing, no
 * plugins, forms only to this site (docs/serve.md, "HTTP").
 */
static const char CSP[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

void dur_serve_default_params(struct dur_serve_params *p)
{
	memset(p, 0, sizeof(*p));
	p->listen = "127.0.0.1:8080";
	p->secure_cookies = -1;
	p->idle_timeout = 900;
	p->session_lifetime = 43200;
	p->max_sessions = 64;
	p->max_connections = 32;
	p->connection_timeout = 30;
	p->max_body = (size_t)1 << 20;
	p->max_header_bytes = (size_t)16 << 10;
	p->max_headers = 64;
	p->max_fields = 400;
	p->login_user_failures = 5;
	p->login_addr_failures = 20;
	p->login_window = 900;
	p->login_delay = 30;
	p->max_concurrent_logins = 2;
	p->summary_resolution = 10;
	p->group_size = 6;
	p->default_lang = "en";
}

/* ---- small helpers shared by the handlers -------------------------------- */

const char *srv_header(const struct srv_req *r, const char *name)
{
	for (size_t i = 0; i < r->in->nheaders; i++)
		if (r->in->headers[i].name && strcasecmp(r->in->headers[i].name, name) == 0)
			return r->in->headers[i].value ? r->in->headers[i].value : "";
	return NULL;
}

int srv_add_header(struct srv_req *r, const char *name, const char *value)
{
	struct dur_serve_response *rs = r->resp;
	char *n, *v;
	if (rs->nheaders >= DUR_SERVE_MAX_RESP_HEADERS)
		return -1;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -1;
	}
	rs->name[rs->nheaders] = n;
	rs->value[rs->nheaders] = v;
	rs->nheaders++;
	return 0;
}

const char *dur_serve_response_header(const struct dur_serve_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->name[i], name) == 0)
			return resp->value[i];
	return NULL;
}

static void remove_header(struct dur_serve_response *rs, const char *name)
{
	for (size_t i = 0; i < rs->nheaders; ) {
		if (strcasecmp(rs->name[i], name) == 0) {
			free(rs->name[i]);
			free(rs->value[i]);
			memmove(&rs->name[i], &rs->name[i + 1], (rs->nheaders - i - 1) * sizeof(char *));
			memmove(&rs->value[i], &rs->value[i + 1],
				(rs->nheaders - i - 1) * sizeof(char *));
			rs->nheaders--;
		} else {
			i++;
		}
	}
}

void srv_set_body(struct srv_req *r, int status, const char *ctype, char *body, size_t len)
{
	struct dur_serve_response *rs = r->resp;
	if (rs->body) {
		sodium_memzero(rs->body, rs->body_len);
		free(rs->body);
	}
	rs->body = body;
	rs->body_len = body ? len : 0;
	rs->status = status;
	remove_header(rs, "Content-Type");
	if (ctype)
		srv_add_header(r, "Content-Type", ctype);
}

void srv_redirect(struct srv_req *r, const char *location)
{
	srv_set_body(r, 303, NULL, NULL, 0);
	remove_header(r->resp, "Location");
	srv_add_header(r, "Location", location);
}

void srv_json(struct srv_req *r, int status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!s) {
		r->resp->status = 500;
		return;
	}
	srv_set_body(r, status, "application/json", s, strlen(s));
}

void srv_error(struct srv_req *r, int status, const char *msg)
{
	if (r->is_api) {
		json_t *j = json_object();
		json_object_set_new(j, "error", json_string(msg));
		srv_json(r, status, j);
		return;
	} else {
		struct dur_buf b = { 0 };
		srv_page_begin(&b, r, srv_tr(r, DUR_N_("Something went wrong")));
		dur_buf_puts(&b, "<h1>");
		srv_ht(&b, r, DUR_N_("Something went wrong"));
		dur_buf_puts(&b, "</h1>\n<p class=\"notice error\" role=\"alert\">");
		srv_h(&b, msg);
		dur_buf_puts(&b, "</p>\n<p><a href=\"/\">");
		srv_ht(&b, r, r->have_session ? DUR_N_("Back to the case list")
					      : DUR_N_("Back to the login page"));
		dur_buf_puts(&b, "</a></p>\n");
		srv_page_end(&b, r, status);
	}
}

int srv_need_form(struct srv_req *r)
{
	char mt[64];
	enum srv_parse_rc rc;

	if (r->form_parsed)
		return 0;
	srv_media_type(srv_header(r, "Content-Type"), mt, sizeof(mt));
	if (r->in->body_len && strcmp(mt, "application/x-www-form-urlencoded") != 0) {
		srv_error(r, 415, srv_tr(r, DUR_N_("This form was sent in a way the app does not "
						   "read.")));
		return -1;
	}
	rc = srv_form_parse(&r->f, r->in->body ? r->in->body : "", r->in->body_len);
	if (rc == SRV_PARSE_TOO_MANY) {
		srv_error(r, 413, srv_tr(r, DUR_N_("The form has too many fields.")));
		return -1;
	}
	if (rc != SRV_PARSE_OK) {
		srv_error(r, rc == SRV_PARSE_NOMEM ? 500 : 400,
			  srv_tr(r, DUR_N_("The form could not be read.")));
		return -1;
	}
	r->form_parsed = 1;
	return 0;
}

json_t *srv_need_json(struct srv_req *r)
{
	char mt[64];
	json_t *j;

	srv_media_type(srv_header(r, "Content-Type"), mt, sizeof(mt));
	if (strcmp(mt, "application/json") != 0) {
		srv_error(r, 415, "send JSON with Content-Type: application/json");
		return NULL;
	}
	if (!r->in->body_len) {
		srv_error(r, 400, "the request has no body");
		return NULL;
	}
	/* the depth is bounded by jansson (2048); duplicate keys are refused */
	j = json_loadb(r->in->body, r->in->body_len, JSON_REJECT_DUPLICATES, NULL);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		srv_error(r, 400, "the body is not a JSON object");
		return NULL;
	}
	return j;
}

void srv_audit(struct srv_req *r, const char *action, const char *case_id)
{
	dur_store_audit(r->srv->store, r->have_session ? r->s.user : NULL, action, case_id, r->now,
			NULL);
}

/* ---- languages ---------------------------------------------------------- */

const dur_catalogue *srv_catalogue(const dur_serve *srv, const char *lang)
{
	if (!lang)
		return NULL;
	for (size_t i = 0; i < srv->nlangs; i++)
		if (strcasecmp(dur_catalogue_lang(srv->cat[i]), lang) == 0)
			return srv->cat[i];
	return NULL;
}

const char *srv_lang_code(const dur_serve *srv, const char *lang)
{
	const dur_catalogue *c = srv_catalogue(srv, lang);
	return c ? dur_catalogue_lang(c) : NULL;
}

int srv_lang_rtl(const char *lang)
{
	/* languages written right to left (their main scripts) */
	static const char *const rtl[] = { "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps",
					   "sd", "ug", "ur", "yi", NULL };
	for (size_t i = 0; rtl[i]; i++)
		if (lang && strcasecmp(lang, rtl[i]) == 0)
			return 1;
	return 0;
}

/* The best of the served languages in an Accept-Language header, or NULL. */
static const char *accept_language(const dur_serve *srv, const char *h)
{
	const char *best = NULL;
	double bq = 0;

	while (h && *h) {
		char tag[16];
		size_t n = 0;
		double q = 1;
		const char *code;
		while (*h == ' ' || *h == ',')
			h++;
		while (h[n] && h[n] != ',' && h[n] != ';' && h[n] != ' ' && n < sizeof(tag) - 1)
			n++;
		memcpy(tag, h, n);
		tag[n] = '\0';
		h += n;
		while (*h && *h != ',') {
			if (h[0] == ';' && h[1] == 'q' && h[2] == '=')
				q = atof(h + 3);
			h++;
		}
		/* "es-MX" is served as "es" */
		if (strchr(tag, '-'))
			*strchr(tag, '-') = '\0';
		if ((code = srv_lang_code(srv, tag)) && q > bq) {
			best = code;
			bq = q;
		}
	}
	return best;
}

static void choose_language(struct srv_req *r)
{
	dur_serve *srv = r->srv;
	const char *cookie = srv_header(r, "Cookie"), *lang = NULL;

	if (r->have_session)
		lang = srv_lang_code(srv, r->s.lang);
	if (!lang && cookie && srv_cookie_get(cookie, "duress_lang", r->lang_cookie,
					      sizeof(r->lang_cookie)))
		lang = srv_lang_code(srv, r->lang_cookie);
	if (!lang)
		lang = accept_language(srv, srv_header(r, "Accept-Language"));
	if (!lang)
		lang = srv->default_lang;
	r->lang = lang;
	r->cat = srv_catalogue(srv, lang);
}

/* ---- the question bank in groups --------------------------------------- */

long srv_question_index(const struct srv_bank *b, const char *id)
{
	for (size_t i = 0; i < b->nq; i++)
		if (strcmp(b->q[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void bank_release(struct srv_bank *b)
{
	for (size_t i = 0; i < b->nq; i++) {
		free(b->q[i].id);
		free(b->q[i].text);
		free(b->q[i].help);
		free(b->q[i].section);
	}
	free(b->q);
	free(b->g);
	free(b->version);
	free(b->title);
	free(b->intro);
	memset(b, 0, sizeof(*b));
}

static char *dup_or_null(const json_t *j)
{
	return json_is_string(j) ? strdup(json_string_value(j)) : NULL;
}

/*
 * Read the bank through the public API and cut it into pages: consecutive
 * questions of one section, at most group_size a page, so that each page is
 * a short, single topic ("Threats and force, 2 of 2").
 */
static dur_err bank_load(dur_serve *srv, struct dur_error *err)
{
	struct srv_bank *b = &srv->bank;
	char *text = NULL;
	json_t *j = NULL, *qs, *q;
	size_t i;
	dur_err rc;

	if ((rc = dur_framework_set_questions_json(srv->set, &text, err)))
		return rc;
	j = json_loads(text, 0, NULL);
	free(text);
	qs = json_object_get(j, "questions");
	if (!json_is_array(qs) || json_array_size(qs) == 0)
		goto bad;
	b->version = dup_or_null(json_object_get(j, "version"));
	b->title = dup_or_null(json_object_get(j, "title"));
	b->intro = dup_or_null(json_object_get(j, "intro"));
	if (!(b->q = calloc(json_array_size(qs), sizeof(*b->q))) ||
	    !(b->g = calloc(json_array_size(qs), sizeof(*b->g))))
		goto nomem;
	json_array_foreach(qs, i, q) {
		struct srv_question *x = &b->q[b->nq];
		const char *kind = json_string_value(json_object_get(q, "kind"));
		x->id = dup_or_null(json_object_get(q, "id"));
		x->text = dup_or_null(json_object_get(q, "text"));
		x->help = dup_or_null(json_object_get(q, "help"));
		x->section = dup_or_null(json_object_get(q, "section"));
		b->nq++;
		if (!x->id || !x->text || !x->section || !kind)
			goto bad;
		x->kind = strcmp(kind, "age") == 0 ? SRV_Q_AGE
			  : strcmp(kind, "text") == 0 ? SRV_Q_TEXT : SRV_Q_YESNO;
	}
	for (i = 0; i < b->nq; i++) {
		struct srv_group *g = b->ngroups ? &b->g[b->ngroups - 1] : NULL;
		if (!g || strcmp(g->section, b->q[i].section) != 0 || g->n >= srv->p.group_size) {
			g = &b->g[b->ngroups++];
			g->first = i;
			g->section = b->q[i].section;
		}
		g->n++;
		b->q[i].group = b->ngroups - 1;
	}
	/* number the parts of a section split over pages */
	for (i = 0; i < b->ngroups; ) {
		size_t k = i;
		while (k < b->ngroups && strcmp(b->g[k].section, b->g[i].section) == 0)
			k++;
		for (size_t m = i; m < k; m++) {
			b->g[m].part = (unsigned)(m - i + 1);
			b->g[m].parts = (unsigned)(k - i);
		}
		i = k;
	}
	json_decref(j);
	return DUR_OK;
nomem:
	json_decref(j);
	return dur_error_set(err, DUR_ENOMEM, "out of memory");
bad:
	json_decref(j);
	return dur_error_set(err, DUR_ESCHEMA, "the question bank cannot be read");
}

/*
 * The languages served: English, and every built-in catalogue that
 * translates the whole question bank (a half-translated interview would
 * put questions in front of a person in a language they may not read).
 */
static dur_err languages_load(dur_serve *srv, struct dur_error *err)
{
	size_t n;
	const char *const *langs = dur_catalogue_languages(&n);
	dur_err rc;

	for (size_t i = 0; i < n && srv->nlangs < SRV_MAX_LANGS; i++) {
		dur_catalogue *c = NULL;
		int complete = 1;
		if ((rc = dur_catalogue_open(langs[i], &c, err)))
			return rc;
		if (strcmp(langs[i], "en") != 0)
			for (size_t q = 0; q < srv->bank.nq && complete; q++)
				if (dur_catalogue_getc(c, "question", srv->bank.q[q].text) ==
				    srv->bank.q[q].text)
					complete = 0;
		if (complete)
			srv->cat[srv->nlangs++] = c;
		else
			dur_catalogue_free(c);
	}
	return DUR_OK;
}

/* Split "HOST:PORT" / "[V6]:PORT"; 0 on success. */
static int split_listen(const char *s, char *host, size_t hsize, unsigned *port)
{
	const char *colon;
	unsigned long p;
	char *end;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= hsize)
			return -1;
		memcpy(host, s + 1, (size_t)(rb - s - 1));
		host[rb - s - 1] = '\0';
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= hsize || colon == s)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	p = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

static int is_loopback_host(const char *h)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (strcasecmp(h, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static dur_err check_params(const struct dur_serve_params *p, struct dur_error *err)
{
#define NEED(c, f) if (!(c)) return dur_error_set(err, DUR_EINVAL, "serve: %s is out of range", f)
	NEED(p->listen, "listen");
	NEED(p->idle_timeout >= 1 && p->idle_timeout <= 86400, "idle_timeout");
	NEED(p->session_lifetime >= p->idle_timeout && p->session_lifetime <= 7 * 86400,
	     "session_lifetime");
	NEED(p->max_sessions >= 1 && p->max_sessions <= 4096, "max_sessions");
	NEED(p->max_connections >= 1 && p->max_connections <= 1024, "max_connections");
	NEED(p->connection_timeout >= 1 && p->connection_timeout <= 3600, "connection_timeout");
	NEED(p->max_body >= 1024 && p->max_body <= ((size_t)256 << 20), "max_body");
	NEED(p->max_header_bytes >= 2048 && p->max_header_bytes <= ((size_t)1 << 20),
	     "max_header_bytes");
	NEED(p->max_headers >= 8 && p->max_headers <= 1000, "max_headers");
	NEED(p->max_fields >= 16 && p->max_fields <= 100000, "max_fields");
	NEED(p->login_user_failures >= 1 && p->login_addr_failures >= 1, "login failures");
	NEED(p->login_window >= 1 && p->login_delay >= 1 && p->login_delay <= p->login_window,
	     "login_window/login_delay");
	NEED(p->max_concurrent_logins >= 1 && p->max_concurrent_logins <= 64,
	     "max_concurrent_logins");
	NEED(p->summary_resolution >= 1, "summary_resolution");
	NEED(p->group_size >= 1 && p->group_size <= 100, "group_size");
	NEED(p->nhosts <= DUR_SERVE_MAX_HOSTS, "nhosts");
	NEED(p->noptions <= DUR_SERVE_MAX_OPTIONS, "noptions");
#undef NEED
	return DUR_OK;
}

dur_err dur_serve_alloc(dur_store *store, const dur_framework_set *set,
			const struct dur_serve_params *p, dur_serve **out, struct dur_error *err)
{
	struct dur_serve_params def;
	dur_serve *srv;
	size_t i;
	dur_err rc;

	*out = NULL;
	if (!p) {
		dur_serve_default_params(&def);
		p = &def;
	}
	if ((rc = check_params(p, err)))
		return rc;
	if (!(srv = calloc(1, sizeof(*srv))))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	srv->store = store;
	srv->set = set;
	srv->p = *p;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->login_cv, NULL);
	pthread_mutex_init(&srv->tick_lock, NULL);
	pthread_cond_init(&srv->tick_cv, NULL);
	if (!(srv->listen = strdup(p->listen)))
		goto nomem;
	srv->p.listen = srv->listen;
	if (split_listen(p->listen, srv->host, sizeof(srv->host), &srv->port_wanted) != 0) {
		rc = dur_error_set(err, DUR_EINVAL, "serve: '%.200s' is not an address to listen on "
				   "(HOST:PORT, e.g. 127.0.0.1:8080)", p->listen);
		goto fail;
	}
	srv->loopback = is_loopback_host(srv->host);
	srv->secure = p->secure_cookies < 0 ? !srv->loopback : p->secure_cookies != 0;
	for (i = 0; i < p->nhosts; i++) {
		if (!(srv->hosts[i] = strdup(p->hosts[i])))
			goto nomem;
		srv->p.hosts[i] = srv->hosts[i];
	}
	for (i = 0; i < p->noptions; i++) {
		if (!(srv->options[i] = strdup(p->options[i])))
			goto nomem;
		srv->p.options[i] = srv->options[i];
	}
	if ((rc = bank_load(srv, err)) || (rc = languages_load(srv, err)))
		goto fail;
	if (!srv_lang_code(srv, p->default_lang ? p->default_lang : "en")) {
		rc = dur_error_set(err, DUR_EINVAL, "serve: the language '%.20s' is not served",
				   p->default_lang);
		goto fail;
	}
	if (!(srv->default_lang = strdup(srv_lang_code(srv, p->default_lang ? p->default_lang
									   : "en"))))
		goto nomem;
	srv->p.default_lang = srv->default_lang;
	/* the frameworks, in the set's order */
	for (i = 0; i < dur_framework_set_count(set) && i < DUR_SCREEN_MAX_SELECT; i++) {
		struct dur_framework_source src;
		if ((rc = dur_framework_set_source(set, i, &src, err)))
			goto fail;
		if (!(srv->fw_ids[srv->nfw++] = strdup(src.id)))
			goto nomem;
	}
	if (srv->nfw == 0 || srv->nfw != dur_framework_set_count(set)) {
		rc = dur_error_set(err, DUR_ESCHEMA, "serve: no frameworks to screen against");
		goto fail;
	}
	srv->port = srv->port_wanted;
	if ((rc = srv_sessions_init(srv, err)))
		goto fail;
	*out = srv;
	return DUR_OK;
nomem:
	rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
fail:
	dur_serve_free(srv);
	return rc;
}

void dur_serve_free(dur_serve *srv)
{
	if (!srv)
		return;
	dur_serve_stop(srv);
	if (srv->sess) {
		pthread_mutex_lock(&srv->lock);
		srv_sessions_release(srv);
		pthread_mutex_unlock(&srv->lock);
	}
	if (srv->store)
		dur_store_lock(srv->store);
	bank_release(&srv->bank);
	for (size_t i = 0; i < srv->nlangs; i++)
		dur_catalogue_free(srv->cat[i]);
	for (size_t i = 0; i < DUR_SERVE_MAX_HOSTS; i++)
		free(srv->hosts[i]);
	for (size_t i = 0; i < DUR_SERVE_MAX_OPTIONS; i++)
		free(srv->options[i]);
	for (size_t i = 0; i < srv->nfw; i++)
		free(srv->fw_ids[i]);
	free(srv->default_lang);
	free(srv->listen);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->login_cv);
	pthread_mutex_destroy(&srv->tick_lock);
	pthread_cond_destroy(&srv->tick_cv);
	free(srv);
}

int dur_serve_is_loopback(const dur_serve *srv)
{
	return srv->loopback;
}

/* ---- checks common to every request ------------------------------------- */

/*
 * The Host header must name this server: the address listened on, a name
 * given in params->hosts, or on loopback "localhost".  Otherwise a page on
 * the web could rebind its own name to 127.0.0.1 and talk to the app as
 * if it were the same site (DNS rebinding).
 */
static int host_ok(const struct srv_req *r, const char *host)
{
	const dur_serve *srv = r->srv;
	char name[300];
	unsigned port;
	size_t n;

	if (!host || !*host || strlen(host) >= sizeof(name) - 8)
		return 0;
	/* "name:port", "[v6]:port" or a name alone (port 80) */
	if (host[0] == '[' || strchr(host, ':')) {
		if (split_listen(host, name, sizeof(name), &port) != 0)
			return 0;
	} else {
		snprintf(name, sizeof(name), "%s", host);
		port = 80;
	}
	if (port != srv->port)
		return 0;
	n = strlen(name);
	if (n && name[n - 1] == '.')
		name[n - 1] = '\0';
	if (strcasecmp(name, srv->host) == 0)
		return 1;
	if (srv->loopback && (strcasecmp(name, "localhost") == 0 || is_loopback_host(name)))
		return 1;
	for (size_t i = 0; i < srv->p.nhosts; i++)
		if (strcasecmp(name, srv->p.hosts[i]) == 0)
			return 1;
	/* listening on every address: any address literal of this machine may be used */
	if (strcmp(srv->host, "0.0.0.0") == 0 || strcmp(srv->host, "::") == 0) {
		struct in_addr a4;
		struct in6_addr a6;
		return inet_pton(AF_INET, name, &a4) == 1 || inet_pton(AF_INET6, name, &a6) == 1;
	}
	return 0;
}

/* A state-changing request from another site is refused whatever it carries. */
static int same_origin(const struct srv_req *r)
{
	const char *origin = srv_header(r, "Origin"), *site = srv_header(r, "Sec-Fetch-Site");
	const char *host = srv_header(r, "Host");
	char want[320];

	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return 0;
	if (!origin)
		return 1;
	if (strcmp(origin, "null") == 0)
		return 0;
	snprintf(want, sizeof(want), "%s://%s", r->srv->secure ? "https" : "http", host ? host : "");
	if (strcasecmp(origin, want) == 0)
		return 1;
	/* behind a TLS proxy on loopback the browser's origin is https */
	snprintf(want, sizeof(want), "https://%s", host ? host : "");
	return strcasecmp(origin, want) == 0;
}

static void security_headers(struct srv_req *r)
{
	srv_add_header(r, "Content-Security-Policy", CSP);
	srv_add_header(r, "X-Content-Type-Options", "nosniff");
	srv_add_header(r, "X-Frame-Options", "DENY");
	/* same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on its own
	 * forms, and the Origin check could not tell them from a sandboxed page of another site */
	srv_add_header(r, "Referrer-Policy", "same-origin");
	/* pages hold case data: nothing goes into the browser's cache on disk */
	srv_add_header(r, "Cache-Control", "no-store");
	srv_add_header(r, "Pragma", "no-cache");
	srv_add_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	srv_add_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	srv_add_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=(), "
		       "interest-cohort=()");
}

/* A session is required: a redirect to the login page, or 401. */
static int need_session(struct srv_req *r)
{
	if (r->have_session)
		return 0;
	if (r->is_api) {
		srv_error(r, 401, "log in first (POST /api/login)");
	} else {
		struct dur_buf b = { 0 };
		char *loc = NULL;
		dur_buf_puts(&b, "/login");
		if (strcmp(r->method, "GET") == 0 && strcmp(r->path, "/") != 0) {
			dur_buf_puts(&b, "?next=");
			srv_url_encode(&b, r->path);
		}
		if (dur_buf_finish(&b, &loc, NULL) == DUR_OK) {
			srv_redirect(r, loc);
			free(loc);
		} else {
			r->resp->status = 500;
		}
	}
	return -1;
}

/* For forms: a valid CSRF field.  For the API: the X-CSRF-Token header. */
static int need_csrf(struct srv_req *r)
{
	const char *t;
	if (r->is_api) {
		t = srv_header(r, "X-CSRF-Token");
	} else {
		char mt[64];
		srv_media_type(srv_header(r, "Content-Type"), mt, sizeof(mt));
		/* the one multipart form (the linkage export) checks its token itself */
		if (strcmp(mt, "multipart/form-data") == 0 && strcmp(r->path, "/export/link") == 0)
			return 0;
		if (srv_need_form(r))
			return -1;
		t = srv_form_get(&r->f, "csrf");
	}
	if (srv_csrf_ok(r, t))
		return 0;
	srv_error(r, 403, r->is_api ? "missing or wrong X-CSRF-Token"
				    : srv_tr(r, DUR_N_("This form has expired. Go back, reload "
							"the page and send it again.")));
	return -1;
}

/* The user's password must be changed before anything else. */
static int need_password_ok(struct srv_req *r)
{
	if (!r->s.must_change)
		return 0;
	if (r->is_api)
		srv_error(r, 403, "change your password first (POST /api/password)");
	else
		srv_redirect(r, "/account");
	return -1;
}

static int is(const struct srv_req *r, const char *m)
{
	return strcmp(r->method, m) == 0 || (strcmp(m, "GET") == 0 && strcmp(r->method, "HEAD") == 0);
}

static void method_not_allowed(struct srv_req *r, const char *allow)
{
	srv_add_header(r, "Allow", allow);
	srv_error(r, 405, r->is_api ? "method not allowed here"
				    : srv_tr(r, DUR_N_("This page cannot be used that way.")));
}

/* "/cases/ID[/rest]": the id into id, the rest (or "") into *rest. */
static int case_path(const char *path, char id[DUR_STORE_ID_LEN + 1], const char **rest)
{
	const char *p = path + strlen("/cases/");
	size_t n = strcspn(p, "/");
	if (n != DUR_STORE_ID_LEN)
		return 0;
	memcpy(id, p, n);
	id[n] = '\0';
	*rest = p + n;
	return 1;
}

/* Do one thing and return: handlers return nothing. */
#define R(x) do { x; return; } while (0)

static void route_page(struct srv_req *r)
{
	const char *path = r->path, *rest, *ctype;
	char id[DUR_STORE_ID_LEN + 1];
	size_t len;
	int post = is(r, "POST");

	if (strncmp(path, "/static/", 8) == 0) {
		char *body = NULL;
		int a;
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		if ((a = srv_asset(path, &ctype, &body, &len)) == 0)
			R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page."))));
		if (a < 0)
			R(r->resp->status = 500);
		R(srv_set_body(r, 200, ctype, body, len));
	}
	if (strcmp(path, "/login") == 0) {
		if (post)
			R(srv_page_login_post(r));
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD, POST"));
		R(srv_page_login(r));
	}
	if (strcmp(path, "/lang") == 0) {
		/* the language can be switched before logging in: no CSRF then */
		if (!post)
			R(method_not_allowed(r, "POST"));
		if (r->have_session && need_csrf(r))
			return;
		if (srv_need_form(r))
			return;
		R(srv_page_lang(r));
	}
	if (strcmp(path, "/") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		R(srv_redirect(r, r->have_session ? "/cases" : "/login"));
	}
	/* everything below needs a session, and a form needs its CSRF token */
	if (need_session(r) || (post && need_csrf(r)))
		return;
	if (strcmp(path, "/logout") == 0) {
		if (!post)
			R(method_not_allowed(r, "POST"));
		R(srv_page_logout(r));
	}
	if (strcmp(path, "/account") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		R(srv_page_account(r));
	}
	if (strcmp(path, "/account/password") == 0) {
		if (!post)
			R(method_not_allowed(r, "POST"));
		R(srv_page_account_post(r));
	}
	if (need_password_ok(r))
		return;
	if (strcmp(path, "/cases") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		R(srv_page_cases(r));
	}
	if (strcmp(path, "/cases/new") == 0) {
		if (post)
			R(srv_page_case_new_post(r));
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD, POST"));
		R(srv_page_case_new(r));
	}
	if (strncmp(path, "/cases/", 7) == 0 && case_path(path, id, &rest)) {
		if (!*rest) {
			if (!is(r, "GET"))
				R(method_not_allowed(r, "GET, HEAD"));
			R(srv_page_case(r, id));
		}
		if (strncmp(rest, "/interview/", 11) == 0) {
			char *end;
			unsigned long step = strtoul(rest + 11, &end, 10);
			if (*end || !rest[11] || rest[11] == '0' || step > 1000)
				R(srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page."))));
			if (post)
				R(srv_page_interview_post(r, id, (unsigned)step));
			if (!is(r, "GET"))
				R(method_not_allowed(r, "GET, HEAD, POST"));
			R(srv_page_interview(r, id, (unsigned)step));
		}
		if (strcmp(rest, "/edit") == 0) {
			if (post)
				R(srv_page_edit_post(r, id));
			if (!is(r, "GET"))
				R(method_not_allowed(r, "GET, HEAD, POST"));
			R(srv_page_edit(r, id));
		}
		if (strcmp(rest, "/rescreen") == 0) {
			if (!post)
				R(method_not_allowed(r, "POST"));
			R(srv_page_rescreen(r, id));
		}
		if (strcmp(rest, "/delete") == 0) {
			if (post)
				R(srv_page_delete_post(r, id));
			if (!is(r, "GET"))
				R(method_not_allowed(r, "GET, HEAD, POST"));
			R(srv_page_delete(r, id));
		}
	}
	if (strcmp(path, "/summary") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		R(srv_page_summary(r));
	}
	if (strcmp(path, "/summary.json") == 0 || strcmp(path, "/summary.manifest.json") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		R(srv_export_summary(r, strcmp(path, "/summary.manifest.json") == 0));
	}
	/* the answers behind the summary, for `duress reproduce`: coordinators only */
	if (strcmp(path, "/summary.cases.jsonl") == 0) {
		if (!is(r, "GET"))
			R(method_not_allowed(r, "GET, HEAD"));
		if (r->s.role != DUR_STORE_COORDINATOR)
			R(srv_error(r, 403, srv_tr(r, DUR_N_("Only a coordinator can do this."))));
		R(srv_export_summary(r, 2));
	}
	/* the coordinator's pages */
	if (strcmp(path, "/export") == 0 || strcmp(path, "/export/htcds") == 0 ||
	    strcmp(path, "/export/link") == 0 || strcmp(path, "/users") == 0 ||
	    strcmp(path, "/users/remove") == 0 || strcmp(path, "/users/reset") == 0 ||
	    strcmp(path, "/audit") == 0 || strcmp(path, "/backup") == 0) {
		if (r->s.role != DUR_STORE_COORDINATOR)
			R(srv_error(r, 403, srv_tr(r, DUR_N_("Only a coordinator can do this."))));
		if (strcmp(path, "/export") == 0)
			R(is(r, "GET") ? srv_page_export(r) : method_not_allowed(r, "GET, HEAD"));
		if (strcmp(path, "/audit") == 0)
			R(is(r, "GET") ? srv_page_audit(r) : method_not_allowed(r, "GET, HEAD"));
		if (strcmp(path, "/users") == 0) {
			if (post)
				R(srv_page_users_post(r, "add"));
			R(is(r, "GET") ? srv_page_users(r)
				       : method_not_allowed(r, "GET, HEAD, POST"));
		}
		if (!post)
			R(method_not_allowed(r, "POST"));
		if (strcmp(path, "/export/htcds") == 0)
			R(srv_export_htcds(r));
		if (strcmp(path, "/export/link") == 0)
			R(srv_export_link(r));
		if (strcmp(path, "/backup") == 0)
			R(srv_export_backup(r));
		R(srv_page_users_post(r, path + strlen("/users/")));
	}
	srv_error(r, 404, srv_tr(r, DUR_N_("There is no such page.")));
}

#undef R

dur_err dur_serve_handle(dur_serve *srv, const struct dur_serve_request *in,
			 struct dur_serve_response *resp, struct dur_error *err)
{
	struct srv_req r;
	size_t ml;

	memset(resp, 0, sizeof(*resp));
	memset(&r, 0, sizeof(r));
	r.srv = srv;
	r.in = in;
	r.resp = resp;
	r.now = (long long)time(NULL);
	r.lang = srv->default_lang;
	r.cat = srv_catalogue(srv, r.lang);
	srv_form_init(&r.q, srv->p.max_fields);
	srv_form_init(&r.f, srv->p.max_fields);

	ml = in->method ? strlen(in->method) : 0;
	if (!in->target || (in->body_len && !in->body)) {
		srv_error(&r, 400, "malformed request");
		goto done;
	}
	if (ml == 0 || ml >= sizeof(r.method)) {
		srv_error(&r, 405, "method not allowed");
		goto done;
	}
	memcpy(r.method, in->method, ml + 1);
	if (srv_target_parse(in->target, r.path, sizeof(r.path), &r.query, &r.qlen) !=
	    SRV_PARSE_OK) {
		srv_error(&r, 400, "malformed request target");
		goto done;
	}
	r.is_api = strncmp(r.path, "/api/", 5) == 0 || strcmp(r.path, "/api") == 0;
	if (in->nheaders > srv->p.max_headers) {
		srv_error(&r, 431, "too many header fields");
		goto done;
	}
	if (!srv_header(&r, "Host")) {
		srv_error(&r, 400, "no Host header");
		goto done;
	}
	if (!host_ok(&r, srv_header(&r, "Host"))) {
		srv_error(&r, 421, "this server does not answer to that Host");
		goto done;
	}
	if (in->body_len > srv->p.max_body) {
		srv_error(&r, 413, "the request body is too large");
		goto done;
	}
	{
		enum srv_parse_rc q = srv_form_parse(&r.q, r.query ? r.query : "", r.qlen);
		if (q != SRV_PARSE_OK) {
			srv_error(&r, q == SRV_PARSE_TOO_MANY ? 413 : 400, "malformed query string");
			goto done;
		}
	}
	srv_session_find(&r);
	choose_language(&r);
	if (strcmp(r.method, "GET") && strcmp(r.method, "HEAD") && strcmp(r.method, "POST") &&
	    strcmp(r.method, "PUT") && strcmp(r.method, "DELETE")) {
		srv_add_header(&r, "Allow", "GET, HEAD, POST, PUT, DELETE");
		srv_error(&r, 405, r.is_api ? "method not allowed" :
			  srv_tr(&r, DUR_N_("This page cannot be used that way.")));
		goto done;
	}
	if (!is(&r, "GET") && !same_origin(&r)) {
		srv_error(&r, 403, r.is_api ? "cross-site request refused"
					    : srv_tr(&r, DUR_N_("A request from another site was "
								"refused.")));
		goto done;
	}
	if (r.is_api)
		srv_api(&r);
	else
		route_page(&r);
done:
	if (resp->status == 0) {
		/* a handler that could not even make its response: out of memory */
		srv_set_body(&r, 500, "text/plain; charset=utf-8", strdup("internal error"), 14);
	}
	security_headers(&r);
	/* a malformed request: answer, then hang up rather than wait for more of the same */
	if (resp->status == 400 || resp->status == 405 || resp->status == 413 ||
	    resp->status == 421 || resp->status == 431)
		srv_add_header(&r, "Connection", "close");
	if (strcmp(r.method, "HEAD") == 0 && resp->body) {
		sodium_memzero(resp->body, resp->body_len);
		free(resp->body);
		resp->body = NULL;
		resp->body_len = 0;
	}
	srv_form_release(&r.q);
	srv_form_release(&r.f);
	sodium_memzero(&r.s, sizeof(r.s));
	if (!resp->body && resp->status >= 500 && resp->nheaders == 0)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	return DUR_OK;
}

void dur_serve_response_release(struct dur_serve_response *resp)
{
	if (!resp)
		return;
	for (size_t i = 0; i < resp->nheaders; i++) {
		free(resp->name[i]);
		if (resp->value[i]) {
			sodium_memzero(resp->value[i], strlen(resp->value[i]));
			free(resp->value[i]);
		}
	}
	if (resp->body) {
		sodium_memzero(resp->body, resp->body_len);
		free(resp->body);
	}
	memset(resp, 0, sizeof(*resp));
}
