/*
 * The HTTP server: libmicrohttpd with an internal polling thread and a
 * thread per connection (a login's Argon2id then blocks only its own
 * connection), the caps of struct dur_serve_params, and the thread that
 * ends idle sessions.  Each request is gathered here - the raw target
 * (from the URI log callback, before libmicrohttpd decodes it), the
 * headers, the body up to max_body - and handed to dur_serve_handle().
 */
#include "serve/serve_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_TARGET 8192

struct conn_req {
	char *target;
	char *body;
	size_t len, cap;
	int started, too_large, answered;
};

struct headers {
	struct dur_serve_header *h;
	size_t n, max;
};

struct wipe {
	char *p;
	size_t len;
};

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn_req *cr = calloc(1, sizeof(*cr));
	(void)cls;
	(void)c;
	if (cr && uri && strlen(uri) <= MAX_TARGET)
		cr->target = strdup(uri);
	return cr;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn_req *cr = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (!cr)
		return;
	if (cr->body) {
		sodium_memzero(cr->body, cr->cap);
		free(cr->body);
	}
	free(cr->target);
	free(cr);
	*con_cls = NULL;
}

static void wipe_free(void *cls)
{
	struct wipe *w = cls;
	if (w->p) {
		sodium_memzero(w->p, w->len);
		free(w->p);
	}
	free(w);
}

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct headers *h = cls;
	(void)kind;
	if (h->n >= h->max)
		return MHD_NO;   /* stop: the count is over the cap already */
	h->h[h->n].name = key;
	h->h[h->n].value = value ? value : "";
	h->n++;
	return MHD_YES;
}

static enum MHD_Result measure(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	size_t *bytes = cls;
	(void)kind;
	*bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* A response made here (not through dur_serve_handle): errors before the body. */
static enum MHD_Result plain(struct MHD_Connection *c, unsigned status, const char *json)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(json), (void *)json,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "Connection", "close");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void peer_text(struct MHD_Connection *c, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(buf, size, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			  buf, (socklen_t)size);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, buf,
			  (socklen_t)size);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	dur_serve *srv = cls;
	struct conn_req *cr = *con_cls;
	struct dur_serve_response resp;
	struct dur_serve_request req;
	struct MHD_Response *mr;
	struct headers hs;
	struct wipe *w;
	char peer[64];
	enum MHD_Result rc;

	(void)url;
	(void)version;
	if (!cr)
		return MHD_NO;
	if (cr->answered) {
		*upload_size = 0;   /* the rest of a refused body is dropped */
		return MHD_YES;
	}
	if (!cr->started) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		size_t bytes = 0, count;
		cr->started = 1;
		/* count the headers and their bytes: over either cap, 431 at once */
		MHD_get_connection_values(c, MHD_HEADER_KIND, measure, &bytes);
		count = (size_t)MHD_get_connection_values(c, MHD_HEADER_KIND, NULL, NULL);
		if (count > srv->p.max_headers || bytes > srv->p.max_header_bytes) {
			cr->answered = 1;
			return plain(c, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
				     "{\"error\":\"too many or too large header fields\"}");
		}
		if (!cr->target) {
			cr->answered = 1;
			return plain(c, MHD_HTTP_URI_TOO_LONG, "{\"error\":\"the target is too long\"}");
		}
		/* refuse a body that is announced too large before reading any of it */
		if (cl && strtoull(cl, NULL, 10) > srv->p.max_body) {
			cr->answered = 1;
			return plain(c, MHD_HTTP_CONTENT_TOO_LARGE,
				     "{\"error\":\"the request body is too large\"}");
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		if (cr->len + n > srv->p.max_body) {
			cr->answered = 1;
			*upload_size = 0;
			return plain(c, MHD_HTTP_CONTENT_TOO_LARGE,
				     "{\"error\":\"the request body is too large\"}");
		}
		if (cr->len + n + 1 > cr->cap) {
			size_t nc = cr->cap ? cr->cap : 4096;
			char *nb;
			while (nc < cr->len + n + 1)
				nc *= 2;
			if (nc > srv->p.max_body + 1)
				nc = srv->p.max_body + 1;
			/* grow by copying so that the old buffer can be wiped, not left to realloc */
			if (!(nb = malloc(nc)))
				return MHD_NO;
			if (cr->body) {
				memcpy(nb, cr->body, cr->len);
				sodium_memzero(cr->body, cr->cap);
				free(cr->body);
			}
			cr->body = nb;
			cr->cap = nc;
		}
		memcpy(cr->body + cr->len, upload, n);
		cr->len += n;
		cr->body[cr->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}

	/* the whole request is here */
	hs.max = srv->p.max_headers + 1;
	if (!(hs.h = calloc(hs.max, sizeof(*hs.h))))
		return MHD_NO;
	hs.n = 0;
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &hs);
	peer_text(c, peer, sizeof(peer));
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.target = cr->target;
	req.headers = hs.h;
	req.nheaders = hs.n;
	req.body = cr->body;
	req.body_len = cr->len;
	req.peer = peer;
	dur_serve_handle(srv, &req, &resp, NULL);
	free(hs.h);
	cr->answered = 1;

	if (!(w = calloc(1, sizeof(*w)))) {
		dur_serve_response_release(&resp);
		return MHD_NO;
	}
	w->p = resp.body;
	w->len = resp.body_len;
	resp.body = NULL;
	mr = MHD_create_response_from_buffer_with_free_callback_cls(w->len, w->p ? w->p : (void *)"",
								     wipe_free, w);
	if (!mr) {
		wipe_free(w);
		dur_serve_response_release(&resp);
		return MHD_NO;
	}
	for (size_t i = 0; i < resp.nheaders; i++)
		MHD_add_response_header(mr, resp.name[i], resp.value[i]);
	rc = MHD_queue_response(c, (unsigned)resp.status, mr);
	MHD_destroy_response(mr);
	dur_serve_response_release(&resp);
	return rc;
}

static void *tick_main(void *arg)
{
	dur_serve *srv = arg;
	pthread_mutex_lock(&srv->tick_lock);
	while (!srv->tick_stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&srv->tick_cv, &srv->tick_lock, &t);
		if (srv->tick_stop)
			break;
		pthread_mutex_unlock(&srv->tick_lock);
		dur_serve_tick(srv, (long long)time(NULL));
		pthread_mutex_lock(&srv->tick_lock);
	}
	pthread_mutex_unlock(&srv->tick_lock);
	return NULL;
}

dur_err dur_serve_listen(dur_serve *srv, struct dur_error *err)
{
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_AUTO;
	const union MHD_DaemonInfo *info;
	const char *host = strcasecmp(srv->host, "localhost") == 0 ? "127.0.0.1" : srv->host;
	unsigned per_ip;

	if (srv->daemon)
		return dur_error_set(err, DUR_EINVAL, "serve: already listening");
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((unsigned short)srv->port_wanted);
		sa = (struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((unsigned short)srv->port_wanted);
		sa = (struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		return dur_error_set(err, DUR_EINVAL, "serve: '%.200s' is not an IP address (write "
				     "127.0.0.1, ::1, a local address, or localhost)", srv->host);
	}
	/* on loopback every client is 127.0.0.1: a per-address cap would be the total */
	per_ip = srv->loopback ? srv->p.max_connections
			       : (srv->p.max_connections / 2 ? srv->p.max_connections / 2 : 1);
	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, access_cb, srv,
		MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->p.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->p.connection_timeout,
		/*
		 * The request line and headers live in this pool (beyond it
		 * libmicrohttpd answers 431 itself); twice the cap, so that the
		 * cap is what access_cb checks, exactly.
		 */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(2 * srv->p.max_header_bytes + 16384),
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv,
		MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_END);
	if (!srv->daemon)
		return dur_error_set(err, DUR_EIO, "cannot listen on %s: %s", srv->listen,
				     errno ? strerror(errno) : "the address is taken or not here");
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info && info->port ? info->port : srv->port_wanted;
	srv->tick_stop = 0;
	if (pthread_create(&srv->tick, NULL, tick_main, srv) != 0) {
		MHD_stop_daemon(srv->daemon);
		srv->daemon = NULL;
		return dur_error_set(err, DUR_ENOMEM, "cannot start a thread");
	}
	srv->tick_started = 1;
	return DUR_OK;
}

unsigned dur_serve_port(const dur_serve *srv)
{
	return srv->daemon ? srv->port : 0;
}

void dur_serve_stop(dur_serve *srv)
{
	if (!srv)
		return;
	if (srv->daemon) {
		MHD_stop_daemon(srv->daemon);
		srv->daemon = NULL;
	}
	if (srv->tick_started) {
		pthread_mutex_lock(&srv->tick_lock);
		srv->tick_stop = 1;
		pthread_cond_signal(&srv->tick_cv);
		pthread_mutex_unlock(&srv->tick_lock);
		pthread_join(srv->tick, NULL);
		srv->tick_started = 0;
	}
}
