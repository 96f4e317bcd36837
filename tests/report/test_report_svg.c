/*
 * The report's SVG writers: scales, "nice" ticks (Heckbert 1990, worked
 * by hand below), text widths, escaping of hostile list names, and that
 * what is drawn is where the scale says (positions read back from the
 * SVG and compared with the tick labels the same SVG prints).  Every SVG
 * written is also checked to be well-formed XML by a small parser here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "report/report_internal.h"

static struct dur_report_options opts;

static struct rpt make(int publish)
{
	struct rpt r;
	memset(&r, 0, sizeof(r));
	dur_report_default_options(&opts);
	opts.publish = publish;
	r.o = &opts;
	r.english = 1;
	return r;
}

/* not inlined: GCC 12 then sees a dangling pointer that is not there */
__attribute__((noinline)) static char *take(struct dur_buf *b)
{
	char *s = NULL;
	dur_buf_puts(b, "");
	assert_int_equal(dur_buf_finish(b, &s, NULL), DUR_OK);
	return s;
}

/* ---- a small XML well-formedness check ----------------------------------------------- */

/* Entities: only the five we write, and numeric ones. */
static int entity_ok(const char *p)
{
	static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", NULL };
	for (int i = 0; ok[i]; i++)
		if (strncmp(p, ok[i], strlen(ok[i])) == 0)
			return 1;
	return 0;
}

/* Tags nest, attributes are quoted, text holds no '<' and no bare '&'. */
static void assert_well_formed(const char *s)
{
	char stack[64][32];
	int depth = 0;
	const char *p = s;
	while (*p) {
		if (*p == '&') {
			if (!entity_ok(p))
				fail_msg("a bare '&' at offset %td", p - s);
			p++;
			continue;
		}
		if (*p != '<') {
			if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
				fail_msg("a control character at offset %td", p - s);
			p++;
			continue;
		}
		p++;
		if (*p == '/') {
			size_t n = strcspn(p + 1, ">");
			assert_true(depth > 0);
			depth--;
			if (strlen(stack[depth]) != n || strncmp(stack[depth], p + 1, n) != 0)
				fail_msg("</%.*s> closes <%s>", (int)n, p + 1, stack[depth]);
			p += n + 2;
			continue;
		}
		{
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
			int self = 0;
			assert_true(n > 0 && n < 32);
			assert_true(depth < 64);
			memcpy(stack[depth], p, n);
			stack[depth][n] = '\0';
			p += n;
			for (;;) {
				p += strspn(p, " \n");
				if (*p == '>') {
					p++;
					break;
				}
				if (p[0] == '/' && p[1] == '>') {
					self = 1;
					p += 2;
					break;
				}
				/* name="value" */
				n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:");
				assert_true(n > 0);
				p += n;
				assert_int_equal(*p, '=');
				p++;
				assert_int_equal(*p, '"');
				p++;
				while (*p && *p != '"') {
					if (*p == '<')
						fail_msg("'<' in an attribute at offset %td", p - s);
					if (*p == '&' && !entity_ok(p))
						fail_msg("a bare '&' in an attribute at offset %td", p - s);
					p++;
				}
				assert_int_equal(*p, '"');
				p++;
			}
			if (!self)
				depth++;
		}
	}
	assert_int_equal(depth, 0);
}

/* ---- scales and ticks ------------------------------------------------------------------ */

static void test_scale(void **state)
{
	struct rpt_scale s = { 0, 200, 50, 450 };
	(void)state;
	assert_true(fabs(rpt_scale_map(&s, 0) - 50) < 1e-12);
	assert_true(fabs(rpt_scale_map(&s, 200) - 450) < 1e-12);
	assert_true(fabs(rpt_scale_map(&s, 50) - 150) < 1e-12);   /* a quarter of the way */
	/* a range may run backwards (a y axis: 0 at the bottom) */
	s.r0 = 300;
	s.r1 = 100;
	assert_true(fabs(rpt_scale_map(&s, 100) - 200) < 1e-12);
	/* an empty domain maps to the middle, not to a division by zero */
	s.d1 = 0;
	assert_true(fabs(rpt_scale_map(&s, 7) - 200) < 1e-12);
}

static void test_nice(void **state)
{
	(void)state;
	/* Heckbert: the smallest of 1, 2, 5, 10 x 10^k at least x ... */
	assert_true(fabs(rpt_nice(14391, 0) - 20000) < 1e-9);
	assert_true(fabs(rpt_nice(2000, 0) - 2000) < 1e-9);
	assert_true(fabs(rpt_nice(0.031, 0) - 0.05) < 1e-12);
	/* ... or the nearest, cut at 1.5, 3 and 7 */
	assert_true(fabs(rpt_nice(1.4, 1) - 1) < 1e-12);
	assert_true(fabs(rpt_nice(1.6, 1) - 2) < 1e-12);
	assert_true(fabs(rpt_nice(3.5, 1) - 5) < 1e-12);
	assert_true(fabs(rpt_nice(7.5, 1) - 10) < 1e-12);
	assert_true(fabs(rpt_nice(5000, 1) - 5000) < 1e-9);
}

static void test_ticks_by_hand(void **state)
{
	double t[RPT_MAX_TICKS], step, lo, hi;
	int n;
	(void)state;
	/* [0, 14391], 5 wanted: range nice(14391) = 20000, step nice(20000 / 4 = 5000) =
	 * 5000; extended to [0, 15000]: 0, 5000, 10000, 15000 */
	n = rpt_ticks(0, 14391, 5, 1, t, &step, &lo, &hi);
	assert_int_equal(n, 4);
	assert_true(step == 5000 && lo == 0 && hi == 15000);
	for (int i = 0; i < 4; i++)
		assert_true(fabs(t[i] - 5000.0 * i) < 1e-9);
	/* not extended: only the ticks inside, 0, 5000, 10000 */
	n = rpt_ticks(0, 14391, 5, 0, t, &step, &lo, &hi);
	assert_int_equal(n, 3);
	assert_true(lo == 0 && hi == 14391);
	/* [0.75, 1], 7 wanted: range nice(0.25) = 0.5, step nice(0.5 / 6 = 0.083) = 0.1:
	 * 0.8, 0.9, 1.0 (and 1.0 exactly, not 0.99999) */
	n = rpt_ticks(0.75, 1, 7, 0, t, &step, NULL, NULL);
	assert_int_equal(n, 3);
	assert_true(fabs(step - 0.1) < 1e-12);
	assert_true(fabs(t[0] - 0.8) < 1e-12 && fabs(t[2] - 1.0) < 1e-12);
	/* one value: widened by 10% each side, [4.5, 5.5]; range nice(1) = 1, step
	 * nice(0.25) = 0.2 (2.5 rounds to 2), extended to [4.4, 5.6]: 7 ticks */
	n = rpt_ticks(5, 5, 5, 1, t, &step, &lo, &hi);
	assert_int_equal(n, 7);
	assert_true(fabs(step - 0.2) < 1e-12 && fabs(lo - 4.4) < 1e-9 && fabs(hi - 5.6) < 1e-9);
	/* zero alone: [-1, 1] */
	n = rpt_ticks(0, 0, 5, 1, t, &step, &lo, &hi);
	assert_true(n >= 3 && lo <= -1 && hi >= 1);
	/* given backwards, the same as forwards */
	assert_int_equal(rpt_ticks(14391, 0, 5, 1, t, &step, &lo, &hi), 4);
	assert_true(lo == 0 && hi == 15000);
	/* no ticks for what is not a number */
	assert_int_equal(rpt_ticks(NAN, 1, 5, 1, t, NULL, NULL, NULL), 0);
	assert_int_equal(rpt_ticks(0, INFINITY, 5, 1, t, NULL, NULL, NULL), 0);
	/* no -0 among them */
	n = rpt_ticks(-1, 1, 5, 1, t, NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		if (t[i] == 0)
			assert_false(signbit(t[i]));
}

/* Properties over many ranges: the ticks are consecutive multiples of a
 * step that is 1, 2 or 5 times a power of ten, they cover the extended
 * domain exactly, and there are about as many as asked. */
static void test_ticks_properties(void **state)
{
	double t[RPT_MAX_TICKS];
	unsigned long long x = 88172645463325252ull;
	(void)state;
	for (int it = 0; it < 5000; it++) {
		double lo, hi, step, nlo, nhi, m, e;
		int n, target;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		lo = (double)(x % 2000003) * pow(10, (double)(x % 9) - 4) - 1000;
		hi = lo + (double)((x >> 20) % 1000003 + 1) * pow(10, (double)((x >> 40) % 7) - 3);
		target = 3 + (int)((x >> 50) % 8);
		n = rpt_ticks(lo, hi, target, 1, t, &step, &nlo, &nhi);
		assert_true(n >= 2 && n <= RPT_MAX_TICKS);
		assert_true(n <= 3 * target);
		e = floor(log10(step));
		m = step / pow(10, e);
		assert_true(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
		assert_true(nlo <= lo + 1e-9 * fabs(lo) && nhi >= hi - 1e-9 * fabs(hi));
		assert_true(fabs(t[0] - nlo) <= 1e-9 * fmax(1, fabs(nlo)));
		assert_true(fabs(t[n - 1] - nhi) <= 1e-9 * fmax(1, fabs(nhi)));
		for (int i = 1; i < n; i++)
			assert_true(fabs(t[i] - t[i - 1] - step) <= 1e-9 * fmax(1, fabs(t[i])));
	}
}

static void test_decimals_and_widths(void **state)
{
	(void)state;
	assert_int_equal(rpt_tick_decimals(5000), 0);
	assert_int_equal(rpt_tick_decimals(1), 0);
	assert_int_equal(rpt_tick_decimals(0.5), 1);
	assert_int_equal(rpt_tick_decimals(0.05), 2);
	assert_int_equal(rpt_tick_decimals(0.002), 3);
	/* characters, not bytes: "ñé" is two characters of four bytes */
	assert_true(fabs(rpt_text_width("abc", 10) - 3 * 0.58 * 10) < 1e-12);
	assert_true(fabs(rpt_text_width("\xc3\xb1\xc3\xa9", 10) - 2 * 0.58 * 10) < 1e-12);
	assert_true(rpt_text_width("", 10) == 0);
}

/* ---- escaping -------------------------------------------------------------------------------- */

static void test_escape(void **state)
{
	struct dur_buf b = { 0 };
	char *s;
	(void)state;
	rpt_esc(&b, "<script>alert(\"x\")</script> & 'q'");
	s = take(&b);
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
	free(s);
	/* control characters (not allowed in XML) become spaces; newlines, tabs and
	 * carriage returns stay; UTF-8 passes as it is */
	rpt_esc(&b, "a\x01" "b\x1f" "c\x7f" "d\n\te\r\xc3\xb1");
	s = take(&b);
	assert_string_equal(s, "a b c d\n\te\r\xc3\xb1");
	free(s);
	rpt_escn(&b, "<<<", 2);
	s = take(&b);
	assert_string_equal(s, "&lt;&lt;");
	free(s);
}

static void test_fill(void **state)
{
	struct dur_buf b = { 0 };
	const char *kv[] = { "n", "<b>5</b>", "list", "A&B", NULL };
	char *s;
	(void)state;
	/* escape: the template is text, the values are HTML already */
	rpt_fill(&b, 1, "{n} people <on> {list}; {unknown} & {n}", kv);
	s = take(&b);
	assert_string_equal(s, "<b>5</b> people &lt;on&gt; A&B; {unknown} &amp; <b>5</b>");
	free(s);
	rpt_fill(&b, 0, "{n}% of {list}", kv);
	s = take(&b);
	assert_string_equal(s, "<b>5</b>% of A&B");
	free(s);
	/* an opening brace without a close is text */
	rpt_fill(&b, 0, "a { b", kv);
	s = take(&b);
	assert_string_equal(s, "a { b");
	free(s);
}

/* ---- writers ---------------------------------------------------------------------------- */

/* The x of the <text> whose content is exactly `label`, or NaN. */
static double text_x(const char *svg, const char *label)
{
	char want[128];
	const char *p = svg;
	snprintf(want, sizeof(want), ">%s</text>", label);
	while ((p = strstr(p, want))) {
		const char *t = p;
		while (t > svg && strncmp(t, "<text", 5) != 0)
			t--;
		if (strncmp(t, "<text x=\"", 9) == 0)
			return strtod(t + 9, NULL);
		p++;
	}
	return NAN;
}

static void test_intervals(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	struct rpt_ivrow rows[3] = {
		{ "chosen <A&B>", "bootstrap", 1, 50, 40, 60, 1, 0, 1 },
		{ "other \"q'\"", NULL, 1, 80, 70, 0, 1, 1, 0 },
		{ "none", "no estimate: why", 0, 0, 0, 0, 0, 0, 0 },
	};
	struct rpt_ivplot p = { "t<", "d&", "people", NAN, NULL, 1, NAN, NAN, NULL };
	char *s;
	double x0, x100, x;
	const char *d;
	(void)state;
	r.nfig = 1;
	rpt_svg_intervals(&r, &b, &p, rows, 3);
	s = take(&b);
	assert_well_formed(s);
	assert_non_null(strstr(s, "chosen &lt;A&amp;B&gt;"));
	assert_non_null(strstr(s, "other &quot;q&#39;&quot;"));
	assert_null(strstr(s, "<A&B>"));
	assert_non_null(strstr(s, "<title id=\"f1-t\">t&lt;</title>"));
	assert_non_null(strstr(s, "<desc id=\"f1-d\">d&amp;</desc>"));
	/* the axis from 0 (asked) to 80 (the largest estimate; the open interval has
	 * no upper end): range nice(80) = 100, step nice(100 / 5) = 20, ticks 0, 20,
	 * ..., 80.  The estimate 50 is drawn where the tick labels put 50: 5/8 of
	 * the way from the label "0" to the label "80" */
	x0 = text_x(s, "0");
	x100 = text_x(s, "80");
	assert_true(isfinite(x0) && isfinite(x100) && x100 > x0);
	assert_false(isfinite(text_x(s, "100")));
	/* the chosen method is a diamond: its first point is the top, at x */
	d = strstr(s, "<polygon points=\"");
	assert_non_null(d);
	x = strtod(d + strlen("<polygon points=\""), NULL);
	assert_true(fabs(x - (x0 + 50.0 / 80 * (x100 - x0))) < 0.11);
	/* an open upper end is an arrow to the edge */
	assert_non_null(strstr(s, "<polygon points=\"") && strstr(strstr(s, "<polygon") + 1,
								     "<polygon"));
	/* the row without an estimate says so */
	assert_non_null(strstr(s, ">no estimate</text>"));
	free(s);
}

/* Figures from a hostile document, far beyond any drawing: still a
 * well-formed picture with no NaN in it.  (The coordinate that overflowed
 * llround, found by fuzz_report, is replayed by the seed
 * fuzz/seeds/fuzz_report/svg-coordinate-overflow.json.) */
static void test_intervals_extreme(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	struct rpt_ivrow rows[2] = {
		{ "a", NULL, 1, 1e-300, -1e308, 1e308, 1, 0, 1 },
		{ "b", NULL, 1, 1e300, 1e299, 1e301, 1, 0, 0 },
	};
	struct rpt_ivplot p = { "t", "d", "people", -1e300, "ref", 0, -1e308, 1e308, "band" };
	char *s;
	(void)state;
	r.nfig = 1;
	rpt_svg_intervals(&r, &b, &p, rows, 2);
	s = take(&b);
	assert_well_formed(s);
	assert_null(strstr(s, "nan"));
	free(s);
}

static void test_histogram(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	double edges[4] = { 0, 10, 20, 30 }, counts[3] = { 10, 20, 5 };
	struct rpt_mark marks[1] = { { 15, "estimate <15>", 0, 0 } };
	struct rpt_histogram h = { "h", "d", "x", "y", 3, edges, counts, NULL, 1, marks, -1 };
	char *s;
	double hts[3];
	int nh = 0;
	const char *p;
	(void)state;
	rpt_svg_histogram(&r, &b, &h);
	s = take(&b);
	assert_well_formed(s);
	assert_non_null(strstr(s, "estimate &lt;15&gt;"));
	/* bar heights in proportion to the counts (10 : 20 : 5) */
	for (p = s; (p = strstr(p, "fill=\"" RPT_SKY "\"")) && nh < 3; p++) {
		const char *t = p;
		while (strncmp(t, "<rect", 5) != 0)
			t--;
		t = strstr(t, "height=\"");
		hts[nh++] = strtod(t + 8, NULL);
	}
	assert_int_equal(nh, 3);
	assert_true(fabs(hts[1] / hts[0] - 2) < 0.02);
	assert_true(fabs(hts[2] / hts[0] - 0.5) < 0.02);
	free(s);
}

static void test_histogram_hidden(void **state)
{
	struct rpt r = make(1);
	struct dur_buf b = { 0 };
	double edges[3] = { 0.8, 0.9, 1.0 }, counts[2] = { 3, 40 };
	int hidden[2] = { 1, 0 };
	struct rpt_histogram h = { "h", "d", "x", "y", 2, edges, counts, hidden, 0, NULL, 2 };
	char *s;
	(void)state;
	rpt_svg_histogram(&r, &b, &h);
	s = take(&b);
	assert_well_formed(s);
	/* the hidden bar is labelled "<10", dashed, and its count is nowhere */
	assert_non_null(strstr(s, ">&lt;10</text>"));
	assert_non_null(strstr(s, "stroke-dasharray=\"3 2\""));
	assert_null(strstr(s, ">3</text>"));
	free(s);
}

static void test_upset(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	char *lists[3] = { "<script>x</script>", "A & B", "\"quoted\" 'name'" };
	double totals[3] = { 12, 7, 3 };
	unsigned pats[3] = { 1, 3, 6 };
	double counts[3] = { 9, 3, 3 };
	struct rpt_upset u = { "Who", "desc", 3, lists, totals, 3, pats, counts };
	char *s;
	(void)state;
	rpt_svg_upset(&r, &b, &u);
	s = take(&b);
	assert_well_formed(s);
	assert_null(strstr(s, "<script"));
	assert_non_null(strstr(s, "&lt;script&gt;x&lt;/script&gt;"));
	assert_non_null(strstr(s, "A &amp; B"));
	assert_non_null(strstr(s, "&quot;quoted&quot; &#39;name&#39;"));
	/* 3 columns x 3 lists of dots: filled where the pattern has the list */
	{
		size_t on = 0, off = 0;
		for (const char *p = s; (p = strstr(p, "<circle")); p++) {
			if (strstr(p, "r=\"5.5\"") && strstr(p, "r=\"5.5\"") < strchr(p, '>'))
				on++;
			else
				off++;
		}
		/* patterns 001, 011, 110: 1 + 2 + 2 lists on */
		assert_int_equal(on, 5);
		assert_int_equal(off, 4);
	}
	free(s);
	/* published: counts under 10 read "<10" and are not written */
	r = make(1);
	rpt_svg_upset(&r, &b, &u);
	s = take(&b);
	assert_well_formed(s);
	assert_non_null(strstr(s, ">&lt;10</text>"));
	assert_null(strstr(s, ">9</text>"));
	assert_null(strstr(s, ">3</text>"));
	assert_non_null(strstr(s, ">12</text>"));   /* a list total of 12 is shown */
	free(s);
}

static void test_long_label(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	char name[400];
	const char *labels[1] = { name };
	double v[1] = { 5 };
	struct rpt_bars bars = { "t", "d", "x", 1, labels, v, NULL, RPT_BLUE, -1 };
	char *s;
	(void)state;
	memset(name, 'w', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	name[0] = '<';
	rpt_svg_bars(&r, &b, &bars);
	s = take(&b);
	assert_well_formed(s);
	/* cut with an ellipsis, the whole name in a <title> */
	assert_non_null(strstr(s, "\xe2\x80\xa6</text>"));
	assert_non_null(strstr(s, "<title>&lt;www"));
	free(s);
}

static void test_stack_and_models(void **state)
{
	struct rpt r = make(0);
	struct dur_buf b = { 0 };
	const char *rows[2] = { "fw<1>", "fw&2" }, *parts[3] = { "yes", "no", "?" };
	const char *cols[3] = { RPT_VERMILLION, RPT_BLUE, RPT_LIGHT };
	double vals[6] = { 68, 22, 10, 43, 47, 10 };
	struct rpt_stack st = { "s", "d", 2, 3, rows, parts, cols, vals, NULL };
	const char *terms[2] = { "A:B", "B<C" };
	unsigned char has[4] = { 1, 0, 1, 1 };
	double w[2] = { 0.6, 0.4 }, est[2] = { 1200, 1500 };
	struct rpt_models mm = { "m", "d", 2, 2, terms, has, w, est, "weight", "estimate" };
	char *s;
	(void)state;
	rpt_svg_stack(&r, &b, &st);
	s = take(&b);
	assert_well_formed(s);
	/* shares of 100 people: 68% and 43% (the seed's two definitions) */
	assert_non_null(strstr(s, ">68%</text>"));
	assert_non_null(strstr(s, ">43%</text>"));
	assert_non_null(strstr(s, "fw&lt;1&gt;"));
	free(s);
	rpt_svg_models(&r, &b, &mm);
	s = take(&b);
	assert_well_formed(s);
	assert_non_null(strstr(s, "B&lt;C"));
	assert_non_null(strstr(s, ">0.600</text>"));
	assert_non_null(strstr(s, ">1,500</text>"));
	free(s);
}

static void test_numbers_in_language(void **state)
{
	struct rpt r = make(0);
	dur_catalogue *es = NULL;
	struct dur_buf b = { 0 };
	double edges[3] = { 0, 10000, 20000 }, counts[2] = { 1, 2 };
	struct rpt_histogram h = { "h", "d", "x", "y", 2, edges, counts, NULL, 0, NULL, -1 };
	char *s, t[64];
	(void)state;
	assert_int_equal(dur_catalogue_open("es", &es, NULL), DUR_OK);
	r.cat = es;
	rpt_svg_histogram(&r, &b, &h);
	s = take(&b);
	/* tick labels in Spanish: 10.000, 20.000 */
	assert_non_null(strstr(s, ">10.000</text>"));
	assert_non_null(strstr(s, ">20.000</text>"));
	/* coordinates never take the language's decimal comma */
	assert_null(strstr(s, "x=\"0,"));
	free(s);
	rpt_percent(&r, 0.68, 0, t, sizeof(t));
	assert_string_equal(t, "68\xc2\xa0%");   /* 68 %, with a no-break space */
	r.cat = NULL;
	rpt_percent(&r, 0.68, 0, t, sizeof(t));
	assert_string_equal(t, "68%");
	dur_catalogue_free(es);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_nice),
		cmocka_unit_test(test_ticks_by_hand),
		cmocka_unit_test(test_ticks_properties),
		cmocka_unit_test(test_decimals_and_widths),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_intervals_extreme),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_histogram_hidden),
		cmocka_unit_test(test_upset),
		cmocka_unit_test(test_long_label),
		cmocka_unit_test(test_stack_and_models),
		cmocka_unit_test(test_numbers_in_language),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
