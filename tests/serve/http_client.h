/*
 * A small HTTP/1.1 client over a loopback socket, for the serve tests and
 * the load benchmark (header-only).  One request per connection
 * ("Connection: close") unless a kept-alive hc_conn is used; responses are
 * read whole (Content-Length, or to the end of the connection).
 */
#ifndef DURESS_TEST_HTTP_CLIENT_H
#define DURESS_TEST_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct hc_resp {
	int status;
	char *head;      /* status line and headers, NUL-terminated */
	char *body;      /* NUL-terminated too */
	size_t body_len;
};

static inline void hc_free(struct hc_resp *r)
{
	free(r->head);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static inline int hc_connect(unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static inline int hc_send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A header's value in a response (case-insensitive name), copied; NULL if none. */
static inline const char *hc_header(const struct hc_resp *r, const char *name, char *buf,
				    size_t size)
{
	size_t nl = strlen(name);
	const char *p = r->head ? strstr(r->head, "\r\n") : NULL;
	while (p && p[2]) {
		const char *line = p + 2, *end = strstr(line, "\r\n");
		if (!end)
			break;
		if ((size_t)(end - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			size_t n;
			while (*v == ' ')
				v++;
			n = (size_t)(end - v);
			if (n >= size)
				n = size - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
		p = end;
	}
	return NULL;
}

/* Read one response from fd.  0 on success. */
static inline int hc_read(int fd, struct hc_resp *out, int until_close)
{
	size_t cap = 16384, n = 0, want = (size_t)-1, hlen = 0;
	char *b = malloc(cap), *he = NULL, cl[32];

	memset(out, 0, sizeof(*out));
	if (!b)
		return -1;
	for (;;) {
		ssize_t r;
		if (he && want != (size_t)-1 && n >= hlen + want)
			break;
		if (n + 4096 > cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				return -1;
			}
			b = nb;
			cap *= 2;
		}
		r = recv(fd, b + n, cap - n - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		b[n] = '\0';
		if (!he && (he = strstr(b, "\r\n\r\n"))) {
			hlen = (size_t)(he - b) + 4;
			out->head = malloc(hlen + 1);
			if (!out->head) {
				free(b);
				return -1;
			}
			memcpy(out->head, b, hlen);
			out->head[hlen] = '\0';
			if (!until_close && hc_header(out, "Content-Length", cl, sizeof(cl)))
				want = (size_t)strtoull(cl, NULL, 10);
		}
	}
	if (!he) {
		free(b);
		free(out->head);
		out->head = NULL;
		return -1;
	}
	out->status = atoi(b + 9);
	out->body_len = (want != (size_t)-1 && n - hlen > want) ? want : n - hlen;
	out->body = malloc(out->body_len + 1);
	if (!out->body) {
		free(b);
		return -1;
	}
	memcpy(out->body, b + hlen, out->body_len);
	out->body[out->body_len] = '\0';
	free(b);
	return 0;
}

/*
 * Send raw bytes and read the response (to the end of the connection).
 * -1 when nothing came back.
 */
static inline int hc_raw(unsigned port, const char *req, size_t len, struct hc_resp *out)
{
	int fd = hc_connect(port), rc;
	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return -1;
	if (hc_send_all(fd, req, len) != 0) {
		/* the server may answer and close before reading everything */
		shutdown(fd, SHUT_WR);
	}
	rc = hc_read(fd, out, 1);
	close(fd);
	return rc;
}

/*
 * One request.  `headers` is NULL or a NULL-terminated list of "Name:
 * value" lines; Host and Connection: close are added, and Content-Length
 * when there is a body.
 */
static inline int hc_request(unsigned port, const char *method, const char *target,
			     const char *const *headers, const char *body, size_t blen,
			     struct hc_resp *out)
{
	size_t cap = 4096 + blen, n;
	char *req;
	int rc;

	for (size_t i = 0; headers && headers[i]; i++)
		cap += strlen(headers[i]) + 2;
	if (!(req = malloc(cap)))
		return -1;
	n = (size_t)snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
			     method, target, port);
	for (size_t i = 0; headers && headers[i]; i++)
		n += (size_t)snprintf(req + n, cap - n, "%s\r\n", headers[i]);
	if (body)
		n += (size_t)snprintf(req + n, cap - n, "Content-Length: %zu\r\n", blen);
	n += (size_t)snprintf(req + n, cap - n, "\r\n");
	if (body) {
		memcpy(req + n, body, blen);
		n += blen;
	}
	rc = hc_raw(port, req, n, out);
	free(req);
	return rc;
}

/* A kept-alive connection: many requests, one socket (the load benchmark). */
static inline int hc_keepalive(int fd, unsigned port, const char *method, const char *target,
			       const char *extra, const char *body, size_t blen,
			       struct hc_resp *out)
{
	char head[4096];
	int n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n%s"
			 "Content-Length: %zu\r\n\r\n", method, target, port, extra ? extra : "",
			 body ? blen : 0);
	if (n < 0 || (size_t)n >= sizeof(head) || hc_send_all(fd, head, (size_t)n) != 0 ||
	    (body && hc_send_all(fd, body, blen) != 0))
		return -1;
	return hc_read(fd, out, 0);
}

#endif
