/*
 * Normalisation of identifying values, dates, q-grams and Jaro-Winkler.
 *
 * Unicode work (NFKC, case folding, removing accents) is done by utf8proc
 * rather than hand-written tables: UTF8PROC_COMPAT | COMPOSE gives NFKC,
 * CASEFOLD the full case folding (so "ß" becomes "ss"), STRIPMARK removes
 * combining marks after decomposition ("é" becomes "e").
 */
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define JW_MAX_CP 512

size_t link_utf8_decode(const char *s, int32_t *cp, size_t cap)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = 0;

	while (*p && n < cap) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &c);
		if (k <= 0)
			break;
		cp[n++] = c;
		p += k;
	}
	return n;
}

/* Apply utf8proc options; *out new (free()). */
static dur_err umap(const char *in, utf8proc_option_t opt, char **out, struct dur_error *err)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t r;

	*out = NULL;
	r = utf8proc_map((const utf8proc_uint8_t *)in, 0, &dst,
			 opt | UTF8PROC_NULLTERM | UTF8PROC_STABLE);
	if (r < 0) {
		if (r == UTF8PROC_ERROR_NOMEM)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		return dur_error_set(err, DUR_EPARSE, "%s", utf8proc_errmsg(r));
	}
	*out = (char *)dst;
	return DUR_OK;
}

/* Characters that separate words: white space, dashes, slashes, controls. */
static int is_separator(utf8proc_int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);
	if (c == '/' || c == '\\' || c == '_' || c == '.' || c == ',' || c == ';' || c == ':')
		return 1;
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC ||
	       cat == UTF8PROC_CATEGORY_PD;
}

static int is_kept(utf8proc_int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);
	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

dur_err dur_link_normalise_text(const char *in, int keep_spaces, char **out,
				struct dur_error *err)
{
	char *m = NULL, *o;
	const utf8proc_uint8_t *p;
	size_t n = 0;
	int pending_space = 0;
	dur_err rc;

	*out = NULL;
	if (dur_utf8_check(in, strlen(in), NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "bytes that are not UTF-8");
	rc = umap(in, UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
		  UTF8PROC_STRIPMARK, &m, err);
	if (rc)
		return rc;
	/* The result is never longer than the mapped text. */
	o = malloc(strlen(m) + 1);
	if (!o) {
		free(m);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	p = (const utf8proc_uint8_t *)m;
	while (*p) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &c);
		if (k <= 0)
			break;
		if (is_kept(c)) {
			if (pending_space && n > 0 && keep_spaces)
				o[n++] = ' ';
			pending_space = 0;
			memcpy(o + n, p, (size_t)k);
			n += (size_t)k;
		} else if (is_separator(c)) {
			pending_space = 1;
		}
		/* other punctuation and symbols (apostrophes, quotes, ...) vanish:
		   "O'Brien" and "OBrien" should agree */
		p += k;
	}
	o[n] = '\0';
	free(m);
	*out = o;
	return DUR_OK;
}

/* ---- dates ---- */

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_ymd(long y, long m, long d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* Days since 1970-01-01 to a civil date (H. Hinnant, "chrono-compatible
 * low-level date algorithms"). */
static void civil_from_days(long z, long *y, long *m, long *d)
{
	long era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	if (*m <= 2)
		(*y)++;
}

/*
 * Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is the
 * 29 February 1900 that never was (a bug kept for Lotus 1-2-3
 * compatibility), so from 61 on the serial counts days since 1899-12-30.
 * 25569 is 1970-01-01.  A fractional part (the time of day) is ignored.
 */
static int parse_excel(const char *s, long *y, long *m, long *d)
{
	long v = 0;
	size_t i = 0;

	if (!(s[0] >= '0' && s[0] <= '9'))
		return 0;
	while (s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (s[i] - '0');
		if (v > 2958465)  /* 9999-12-31 */
			return 0;
		i++;
	}
	if (s[i] == '.') {
		i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (s[i] || v < 1 || v == 60)
		return 0;
	if (v < 60)
		v += 1;  /* before the phantom leap day: days since 1899-12-31 + 1 */
	civil_from_days(v - 25569, y, m, d);
	return 1;
}

static int parse_pattern(const char *s, const char *f, long *y, long *m, long *d)
{
	*y = *m = *d = -1;
	while (*f) {
		if (*f == 'Y' || *f == 'M' || *f == 'D') {
			char l = *f;
			size_t want = 0, got = 0;
			long v = 0;
			while (*f == l) {
				want++;
				f++;
			}
			while (got < want && *s >= '0' && *s <= '9') {
				v = v * 10 + (*s - '0');
				s++;
				got++;
			}
			/* with a separator (or the end) next, day and month may have
			   one digit: 1/2/1990 */
			if (got != want && !(l != 'Y' && got >= 1 && (*f == '\0' || !strchr("YMD", *f))))
				return 0;
			if (*s >= '0' && *s <= '9' && (*f == '\0' || !strchr("YMD", *f)))
				return 0;
			if (l == 'Y')
				*y = v;
			else if (l == 'M')
				*m = v;
			else
				*d = v;
		} else {
			if (*s != *f)
				return 0;
			s++;
			f++;
		}
	}
	return *s == '\0';
}

dur_err dur_link_parse_date(const char *in, const char *const *formats, size_t nformats,
			    char iso[11])
{
	for (size_t i = 0; i < nformats; i++) {
		long y, m, d;
		int ok = strcmp(formats[i], "excel") == 0 ? parse_excel(in, &y, &m, &d)
							 : parse_pattern(in, formats[i], &y, &m, &d);
		if (ok && valid_ymd(y, m, d)) {
			/* valid_ymd bounds every part: y < 10000, m <= 12, d <= 31 */
			iso[0] = (char)('0' + y / 1000);
			iso[1] = (char)('0' + y / 100 % 10);
			iso[2] = (char)('0' + y / 10 % 10);
			iso[3] = (char)('0' + y % 10);
			iso[4] = '-';
			iso[5] = (char)('0' + m / 10);
			iso[6] = (char)('0' + m % 10);
			iso[7] = '-';
			iso[8] = (char)('0' + d / 10);
			iso[9] = (char)('0' + d % 10);
			iso[10] = '\0';
			return DUR_OK;
		}
	}
	return DUR_EPARSE;
}

dur_err link_normalise_field(const struct link_field *f, const char *in, char **out,
			     struct dur_error *err)
{
	char *m = NULL;
	size_t a, b, n;
	dur_err rc;

	*out = NULL;
	if (f->type == DUR_LINK_TEXT) {
		rc = dur_link_normalise_text(in, f->keep_spaces, &m, err);
		if (rc)
			return rc;
		if (!*m) {
			free(m);
			return DUR_OK;
		}
		*out = m;
		return DUR_OK;
	}
	if (dur_utf8_check(in, strlen(in), NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "bytes that are not UTF-8");
	/* NFKC turns full-width digits and slashes into ASCII ones */
	rc = umap(in, UTF8PROC_COMPAT | UTF8PROC_COMPOSE, &m, err);
	if (rc)
		return rc;
	n = strlen(m);
	for (a = 0; a < n && (m[a] == ' ' || m[a] == '\t'); a++)
		;
	for (b = n; b > a && (m[b - 1] == ' ' || m[b - 1] == '\t'); b--)
		;
	m[b] = '\0';
	if (a == b) {
		free(m);
		return DUR_OK;
	}
	if (f->type == DUR_LINK_DATE) {
		char iso[11];
		rc = dur_link_parse_date(m + a, (const char *const *)f->formats, f->nformats, iso);
		free(m);
		if (rc)
			return DUR_EDATA;  /* no message: the caller counts these */
		*out = malloc(11);
		if (!*out)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		memcpy(*out, iso, 11);
		return DUR_OK;
	}
	/* number: the digits only ("08 9952 0333" and "0899520333" agree) */
	n = 0;
	for (size_t i = a; i < b; i++)
		if (m[i] >= '0' && m[i] <= '9')
			m[n++] = m[i];
	m[n] = '\0';
	if (n == 0) {
		free(m);
		return DUR_OK;
	}
	*out = m;
	return DUR_OK;
}

/* ---- q-grams ---- */

dur_err dur_link_qgrams(const char *s, unsigned q, int pad, char ***out, size_t *n,
			struct dur_error *err)
{
	size_t len = strlen(s), ncp, total, ng, i;
	int32_t *cp = NULL;
	char **g = NULL;
	dur_err rc = DUR_OK;

	*out = NULL;
	*n = 0;
	if (q < 1 || q > 8)
		return dur_error_set(err, DUR_EINVAL, "q must be 1 to 8");
	if (dur_utf8_check(s, len, NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "bytes that are not UTF-8");
	cp = malloc((len + 2 * q + 1) * sizeof(*cp));
	if (!cp)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	total = 0;
	if (pad)
		for (i = 0; i + 1 < q; i++)
			cp[total++] = '_';
	ncp = link_utf8_decode(s, cp + total, len + 1);
	total += ncp;
	if (pad)
		for (i = 0; i + 1 < q; i++)
			cp[total++] = '_';
	if (ncp == 0) {
		free(cp);
		return DUR_OK;
	}
	ng = total >= q ? total - q + 1 : 1;
	g = calloc(ng, sizeof(*g));
	if (!g) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ng; i++) {
		size_t k = total >= q ? q : total, off = 0;
		char *t = malloc(4 * k + 1);
		if (!t) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t j = 0; j < k; j++)
			off += (size_t)utf8proc_encode_char(cp[i + j], (utf8proc_uint8_t *)t + off);
		t[off] = '\0';
		g[i] = t;
	}
	*out = g;
	*n = ng;
	g = NULL;
out:
	if (g) {
		for (i = 0; i < ng; i++)
			free(g[i]);
		free(g);
	}
	free(cp);
	return rc;
}

/* ---- Jaro-Winkler ---- */

/*
 * Jaro (1989) with Winkler's (1990) prefix bonus: jw = j + l p (1 - j) for
 * the common prefix l <= 4, p = 0.1, applied when j > 0.7 (Winkler's
 * boost threshold).  Strings are compared by code point; longer than 512
 * code points are cut there.
 */
double dur_link_jaro_winkler(const char *a, const char *b)
{
	int32_t ca[JW_MAX_CP], cb[JW_MAX_CP];
	unsigned char ma[JW_MAX_CP], mb[JW_MAX_CP];
	size_t la = link_utf8_decode(a, ca, JW_MAX_CP), lb = link_utf8_decode(b, cb, JW_MAX_CP);
	size_t win, m = 0, t = 0, k = 0, l = 0;
	double j;

	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	win = (la > lb ? la : lb) / 2;
	win = win > 0 ? win - 1 : 0;
	memset(ma, 0, la);
	memset(mb, 0, lb);
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < lb ? i + win + 1 : lb;
		for (size_t x = lo; x < hi; x++)
			if (!mb[x] && ca[i] == cb[x]) {
				ma[i] = mb[x] = 1;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	for (size_t i = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (ca[i] != cb[k])
			t++;
		k++;
	}
	j = ((double)m / (double)la + (double)m / (double)lb +
	     ((double)m - (double)t / 2.0) / (double)m) / 3.0;
	if (j <= 0.7)
		return j;
	while (l < 4 && l < la && l < lb && ca[l] == cb[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}
