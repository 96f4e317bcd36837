/*
 * The report from manifests: plain words that say what the terminal says,
 * byte-identical output, hostile names escaped, nothing that loads or
 * runs, inputs checked (changed ones refused unless allowed), small counts
 * hidden in published mode, Spanish, the embedded manifest exact, and the
 * strict readers of the screening and linkage documents.
 *
 * Manifests are made here the way `duress estimate --manifest` makes them
 * (the library's job and manifest functions), from small tables written
 * out below.
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

#include <duress/estimate.h>
#include <duress/provenance.h>
#include <duress/report.h>
#include "report/report_internal.h"
#include "test_util.h"

/* Three lists, one small cell (3 people on all three). */
static const char table3[] =
	"A,B,C,count\n1,0,0,120\n0,1,0,95\n0,0,1,80\n1,1,0,30\n1,0,1,25\n0,1,1,20\n1,1,1,3\n";

/* Lists named to break HTML: a tag, an ampersand, both quotes. */
static const char hostile[] =
	"\"<script>alert(1)</script>\",A&B,\"q\"\"uote'\",count\n"
	"1,0,0,120\n0,1,0,95\n0,0,1,80\n1,1,0,30\n1,0,1,25\n0,1,1,20\n1,1,1,3\n";

static char *manifest_of(const char *csv, const char *file, int compare, size_t boot,
			 const char *by)
{
	struct dur_estimate_params p;
	struct dur_estimate_doc *d = NULL;
	struct dur_manifest *m;
	struct dur_error err = DUR_ERROR_INIT;
	char *text = NULL;

	dur_estimate_default_params(&p);
	p.bootstrap = boot;
	p.interval = boot ? DUR_INTERVAL_BCA : DUR_INTERVAL_ANALYTIC;
	p.seed = 7;
	p.threads = 1;
	p.compare = compare;
	p.by = by;
	if (dur_estimate_run(csv, strlen(csv), file, &p, &d, &err) != DUR_OK)
		fail_msg("estimate: %s", err.msg);
	m = dur_manifest_new("estimate", "2024-05-06T07:08:09Z");
	assert_non_null(m);
	assert_int_equal(dur_manifest_add_input(m, "table", file, NULL, csv, strlen(csv), &err),
			 DUR_OK);
	dur_manifest_set_parameters(m, dur_estimate_params_to_json(&p));
	dur_manifest_set_seed(m, p.seed);
	dur_manifest_set_result(m, dur_estimate_doc_to_json(d));
	assert_int_equal(dur_manifest_dump(m, &text, &err), DUR_OK);
	dur_manifest_free(m);
	dur_estimate_doc_free(d);
	return text;
}

/* A manifest of another command with a hand-written result. */
static char *manifest_with(const char *command, const char *result_json, const char *role,
			   const char *file, const char *input)
{
	struct dur_manifest *m = dur_manifest_new(command, "2024-05-06T07:08:09Z");
	json_error_t je;
	json_t *res = json_loads(result_json, 0, &je);
	char *text = NULL;
	if (!res)
		fail_msg("test JSON: %s", je.text);
	assert_int_equal(dur_manifest_add_input(m, role, file, NULL, input, strlen(input), NULL),
			 DUR_OK);
	dur_manifest_set_parameters(m, json_object());
	dur_manifest_set_result(m, res);
	assert_int_equal(dur_manifest_dump(m, &text, NULL), DUR_OK);
	dur_manifest_free(m);
	return text;
}

/* not inlined: GCC 12 then sees a dangling pointer that is not there */
__attribute__((noinline)) static char *render(const char *const *texts,
					      const char *const *names, size_t n,
					      const struct dur_report_options *o, dur_err want,
					      struct dur_error *err)
{
	struct dur_report_input in[8];
	char *html = (char *)1;
	for (size_t i = 0; i < n; i++) {
		in[i].name = names[i];
		in[i].buf = texts[i];
		in[i].len = strlen(texts[i]);
		in[i].files = NULL;
		in[i].nfiles = 0;
	}
	assert_int_equal(dur_report_render(in, n, o, &html, err), want);
	if (want != DUR_OK)
		assert_null(html);
	return html;
}

static void assert_has(const char *s, const char *what)
{
	if (!strstr(s, what))
		fail_msg("the report lacks '%s'", what);
}

static void assert_lacks(const char *s, const char *what)
{
	const char *p = strstr(s, what);
	if (p)
		fail_msg("the report has '%s' in '%.80s'", what, p - s > 40 ? p - 40 : s);
}

/* ---- words -------------------------------------------------------------------------------- */

static void test_words(void **state)
{
	dur_catalogue *es = NULL;
	char b[64];
	(void)state;
	assert_int_equal(dur_catalogue_open("es", &es, NULL), DUR_OK);
	dur_words_about_in(NULL, 11417.99, b, sizeof(b));
	assert_string_equal(b, "11,400");
	dur_words_about_in(es, 11417.99, b, sizeof(b));
	assert_string_equal(b, "11.400");
	/* 999.6 to three figures is 1,000 (it rounds up a power of ten) */
	dur_words_about_in(es, 999.6, b, sizeof(b));
	assert_string_equal(b, "1.000");
	dur_words_about_in(es, 57.4, b, sizeof(b));
	assert_string_equal(b, "57");
	dur_words_count_in(es, 2744, b, sizeof(b));
	assert_string_equal(b, "2.744");
	dur_words_count_in(es, NAN, b, sizeof(b));
	assert_string_equal(b, "-");
	dur_words_count_in(es, -0.3, b, sizeof(b));
	assert_string_equal(b, "0");
	/* the English functions and the _in ones with no catalogue agree */
	for (double x = 0.5; x < 1e9; x *= 3.7) {
		char a[64];
		dur_words_about(x, a, sizeof(a));
		dur_words_about_in(NULL, x, b, sizeof(b));
		assert_string_equal(a, b);
	}
	dur_catalogue_free(es);
}

static struct dur_estimate_result result(int interval, int have, int open)
{
	struct dur_estimate_result r;
	dur_estimate_result_init(&r);
	r.have_estimate = 1;
	r.observed = 2744;
	r.estimate = 11417.99;
	r.unseen = 8673.99;
	r.interval.method = interval;
	r.interval.level = 0.95;
	r.interval.have = have;
	r.interval.lower = 9102.35;
	r.interval.upper = 14390.9;
	r.interval.upper_open = open;
	return r;
}

static void headline_is(const dur_catalogue *c, struct dur_estimate_result r, const char *want)
{
	char *s = NULL;
	assert_int_equal(dur_estimate_headline_in(c, &r, &s, NULL), DUR_OK);
	assert_string_equal(s, want);
	free(s);
	if (!c) {
		assert_int_equal(dur_estimate_headline(&r, &s, NULL), DUR_OK);
		assert_string_equal(s, want);
		free(s);
	}
}

/* The sentence the terminal prints, word for word as before the report
 * existed; the figures by hand: 11417.99 to three figures is 11,400; the
 * unseen are 11,400 - 2,744 = 8,656, to three figures 8,660. */
static void test_headline(void **state)
{
	dur_catalogue *es = NULL;
	struct dur_estimate_result r;
	(void)state;
	headline_is(NULL, result(DUR_INTERVAL_BCA, 1, 0),
		    "About 11,400 people in all (95% interval 9,100 to 14,400): 2,744 were on at "
		    "least one list, about 8,660 on none.");
	headline_is(NULL, result(DUR_INTERVAL_PROFILE, 1, 1),
		    "About 11,400 people in all (95% interval from 9,100 to more than 14,400): "
		    "2,744 were on at least one list, about 8,660 on none.");
	headline_is(NULL, result(DUR_INTERVAL_CREDIBLE, 1, 0),
		    "About 11,400 people in all (95% likely between 9,100 and 14,400): 2,744 were "
		    "on at least one list, about 8,660 on none.");
	headline_is(NULL, result(DUR_INTERVAL_CREDIBLE, 1, 1),
		    "About 11,400 people in all (95% likely between 9,100 and more than 14,400): "
		    "2,744 were on at least one list, about 8,660 on none.");
	headline_is(NULL, result(DUR_INTERVAL_BCA, 0, 0),
		    "About 11,400 people in all (no interval could be computed): 2,744 were on at "
		    "least one list, about 8,660 on none.");
	headline_is(NULL, result(DUR_INTERVAL_NONE, 0, 0),
		    "About 11,400 people in all: 2,744 were on at least one list, about 8,660 on "
		    "none.");
	r = result(DUR_INTERVAL_NONE, 0, 0);
	r.observed = 1;
	r.estimate = 2.2;
	/* below 100 a whole number: 2; unseen 2 - 1 = 1 */
	headline_is(NULL, r, "About 2 people in all: 1 was on at least one list, about 1 on none.");
	r.have_estimate = 0;
	r.reason = "the model has no finite estimate";
	headline_is(NULL, r, "No estimate: the model has no finite estimate.");
	r.reason = NULL;
	assert_int_equal(dur_catalogue_open("es", &es, NULL), DUR_OK);
	headline_is(es, result(DUR_INTERVAL_BCA, 1, 0),
		    "Unas 11.400 personas en total (intervalo del 95\xc2\xa0%: de 9.100 a 14.400): "
		    "2.744 estaban en al menos una lista; unas 8.660, en ninguna.");
	dur_catalogue_free(es);
}

/* ---- the report ------------------------------------------------------------------------------ */

static void test_render_estimate(void **state)
{
	char *m = manifest_of(table3, "t3.csv", 1, 50, NULL), *html, *again, *head = NULL;
	const char *texts[1] = { m }, *names[1] = { "t3.json" };
	struct dur_estimate_doc *d = NULL;
	json_t *j;
	struct dur_manifest *man = NULL;
	(void)state;
	html = render(texts, names, 1, NULL, DUR_OK, NULL);
	/* a page, with a strict policy, that loads and runs nothing */
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_has(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
		   "'none'; style-src 'unsafe-inline'; img-src data:\">");
	assert_lacks(html, "<script");
	assert_lacks(html, "<link");
	assert_lacks(html, "<img");
	assert_lacks(html, "<iframe");
	assert_lacks(html, "@import");
	assert_lacks(html, "url(");
	assert_lacks(html, " src=");
	/* the only "http" is the SVG namespace, a name and not a request (and
	 * the policy's http-equiv) */
	for (const char *p = html; (p = strstr(p, "http")); p++)
		if (strncmp(p, "http://www.w3.org/2000/svg\"", 27) != 0 &&
		    strncmp(p, "http-equiv=", 11) != 0)
			fail_msg("'http' in '%.60s'", p > html + 30 ? p - 30 : p);
	/* the four sections, in order */
	assert_true(strstr(html, "id=\"words\"") < strstr(html, "id=\"figures\""));
	assert_true(strstr(html, "id=\"figures\"") < strstr(html, "id=\"method\""));
	assert_true(strstr(html, "id=\"method\"") < strstr(html, "id=\"provenance\""));
	/* the sentence is the terminal's, word for word */
	assert_int_equal(dur_manifest_parse(m, strlen(m), "t3.json", &man, NULL), DUR_OK);
	assert_int_equal(dur_estimate_doc_from_json(man->result, "t3", &d, NULL), DUR_OK);
	assert_int_equal(dur_estimate_headline(&d->total.main, &head, NULL), DUR_OK);
	assert_has(html, head);
	assert_has(html, "<p class=\"headline\">");
	/* the figures when there is what they need: overlaps, methods (compare),
	 * models (the AIC search of compare), bootstrap, omission */
	assert_has(html, "id=\"m1-overlaps\"");
	assert_has(html, "id=\"m1-methods\"");
	assert_has(html, "id=\"m1-models\"");
	assert_has(html, "id=\"m1-distribution\"");
	assert_has(html, "id=\"m1-omission\"");
	assert_lacks(html, "id=\"m1-strata\"");
	/* the small cell is shown as it is (not published) */
	assert_has(html, "This version shows exact counts");
	assert_has(html, "<th scope=\"row\">A, B and C</th><td>3</td>");
	/* the seed and the hash of the input */
	assert_has(html, "<code>7</code>");
	assert_has(html, man->inputs[0].sha256);
	assert_has(html, "not checked: the report was made without the input files");
	assert_has(html, "duress reproduce t3.json");
	/* the same manifests, the same bytes */
	again = render(texts, names, 1, NULL, DUR_OK, NULL);
	assert_string_equal(html, again);
	free(again);
	/* the manifest is embedded exactly: unescape the five entities */
	{
		const char *a = strstr(html, "<pre class=\"manifest\">"), *b;
		char *u;
		size_t o = 0;
		assert_non_null(a);
		a += strlen("<pre class=\"manifest\">");
		b = strstr(a, "</pre>");
		u = malloc((size_t)(b - a) + 1);
		while (a < b) {
			static const char *const ent[5][2] = { { "&amp;", "&" }, { "&lt;", "<" },
				{ "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" } };
			int k;
			for (k = 0; k < 5; k++)
				if (strncmp(a, ent[k][0], strlen(ent[k][0])) == 0)
					break;
			if (k < 5) {
				u[o++] = ent[k][1][0];
				a += strlen(ent[k][0]);
			} else {
				u[o++] = *a++;
			}
		}
		u[o] = '\0';
		assert_string_equal(u, m);
		free(u);
	}
	j = NULL;
	(void)j;
	free(head);
	dur_estimate_doc_free(d);
	dur_manifest_free(man);
	free(html);
	free(m);
}

static void test_hostile_names(void **state)
{
	char *m = manifest_of(hostile, "<evil>&\"'.csv", 0, 0, NULL), *html;
	const char *texts[1] = { m }, *names[1] = { "m<1>&'\".json" };
	struct dur_report_options o;
	(void)state;
	dur_report_default_options(&o);
	o.title = "<i>Title</i> & \"more\"";
	html = render(texts, names, 1, &o, DUR_OK, NULL);
	assert_lacks(html, "<script");
	assert_lacks(html, "<evil>");
	assert_lacks(html, "<i>Title");
	assert_has(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_has(html, "A&amp;B");
	assert_has(html, "q&quot;uote&#39;");
	assert_has(html, "&lt;i&gt;Title&lt;/i&gt; &amp; &quot;more&quot;");
	assert_has(html, "m&lt;1&gt;&amp;&#39;&quot;.json");
	/* the reproduce command quotes the awkward name for a shell */
	assert_has(html, "duress reproduce &#39;m&lt;1&gt;&amp;&#39;\\&#39;&#39;&quot;.json&#39;");
	/* no raw ampersand anywhere: each starts an entity */
	for (const char *p = html; (p = strchr(p, '&')); p++)
		assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
			    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
			    strncmp(p, "&#39;", 5) == 0);
	free(html);
	free(m);
}

static void test_publish(void **state)
{
	char *m = manifest_of(table3, "t3.csv", 0, 0, NULL), *html;
	const char *texts[1] = { m }, *names[1] = { "t3.json" };
	struct dur_report_options o;
	(void)state;
	dur_report_default_options(&o);
	o.publish = 1;
	html = render(texts, names, 1, &o, DUR_OK, NULL);
	assert_has(html, "Published version: counts of people from 1 to 9 are shown as "
		   "&quot;&lt;10&quot;");
	/* the cell of 3 reads <10 in the tables (the overlaps, and the cells with
	 * its fitted value too) and in the plot; 20 and above do not */
	assert_has(html, "<th scope=\"row\">A, B and C</th><td>&lt;10</td></tr>");
	assert_has(html, "<th scope=\"row\">A, B and C</th><td>&lt;10</td><td>&lt;10</td></tr>");
	assert_lacks(html, "<th scope=\"row\">A, B and C</th><td>3</td>");
	assert_lacks(html, ">3</text>");
	assert_has(html, "<th scope=\"row\">B and C</th><td>20</td>");
	free(html);
	/* a larger threshold hides more */
	o.min_cell = 50;
	html = render(texts, names, 1, &o, DUR_OK, NULL);
	assert_has(html, "<th scope=\"row\">B and C</th><td>&lt;50</td>");
	assert_has(html, "<th scope=\"row\">A and B</th><td>&lt;50</td>");
	assert_has(html, "<th scope=\"row\">C</th><td>80</td>");
	free(html);
	free(m);
}

static void test_inputs_checked(void **state)
{
	char *m = manifest_of(table3, "t3.csv", 0, 0, NULL), *html;
	char changed[sizeof(table3)];
	struct dur_report_file f = { DUR_REPORT_BESIDE, "t3.csv", table3, strlen(table3) };
	struct dur_report_input in = { "t3.json", m, strlen(m), &f, 1 };
	struct dur_report_options o;
	struct dur_error err = DUR_ERROR_INIT;
	(void)state;
	dur_report_default_options(&o);
	assert_int_equal(dur_report_render(&in, 1, &o, &html, &err), DUR_OK);
	assert_has(html, "Every input was found and is identical to its record (1 of 1).");
	assert_has(html, "the file t3.csv beside the manifest has the recorded size and SHA-256");
	free(html);
	/* the same size, one byte different: refused, no report */
	memcpy(changed, table3, sizeof(table3));
	changed[strlen(changed) - 2] = '4';
	f.buf = changed;
	assert_int_equal(dur_report_render(&in, 1, &o, &html, &err), DUR_EMISMATCH);
	assert_null(html);
	assert_has(err.msg, "'t3.json': input 't3.csv' has changed since the manifest was written");
	/* allowed: made, and it says so at the top and in the provenance */
	o.allow_changed = 1;
	assert_int_equal(dur_report_render(&in, 1, &o, &html, &err), DUR_OK);
	assert_has(html, "<p class=\"alert\"><strong>An input has changed since its manifest was "
		   "written.</strong>");
	assert_has(html, "<strong class=\"bad\">changed</strong>");
	assert_has(html, "Inputs identical to their record: 0 of 1; changed: 1; not checked: 0");
	free(html);
	/* not found */
	f.place = DUR_REPORT_MISSING;
	assert_int_equal(dur_report_render(&in, 1, &o, &html, &err), DUR_OK);
	assert_has(html, "not checked: not found beside the manifest");
	free(html);
	/* files that do not match the manifest's inputs */
	in.nfiles = 2;
	assert_int_equal(dur_report_render(&in, 1, &o, &html, &err), DUR_EINVAL);
	assert_null(html);
	free(m);
}

static void test_bad_input(void **state)
{
	char *m = manifest_of(table3, "t3.csv", 0, 0, NULL);
	const char *names[1] = { "x.json" }, *texts[1];
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_report_options o;
	char *other, *html;
	(void)state;
	/* no manifest */
	assert_int_equal(dur_report_render(NULL, 0, NULL, &html, &err), DUR_EINVAL);
	assert_null(html);
	assert_has(err.msg, "no manifest given");
	/* not JSON; JSON that is not a manifest */
	texts[0] = "{";
	render(texts, names, 1, NULL, DUR_EPARSE, &err);
	assert_has(err.msg, "x.json");
	texts[0] = "{\"a\": 1}";
	render(texts, names, 1, NULL, DUR_EPARSE, &err);
	/* a manifest of a command the report does not show */
	other = manifest_with("frobnicate", "{}", "table", "t.csv", "x");
	texts[0] = other;
	render(texts, names, 1, NULL, DUR_EPARSE, &err);
	assert_has(err.msg, "not 'frobnicate'");
	free(other);
	/* an estimate whose result is about another table than its input */
	other = manifest_of(table3, "t3.csv", 0, 0, NULL);
	{
		char *p = strstr(other, "\"sha256\": \"");
		assert_non_null(p);
		p += strlen("\"sha256\": \"");
		*p = *p == '0' ? '1' : '0';
	}
	texts[0] = other;
	render(texts, names, 1, NULL, DUR_EPARSE, &err);
	assert_has(err.msg, "not the table the manifest records");
	free(other);
	/* bad options */
	texts[0] = m;
	dur_report_default_options(&o);
	o.min_cell = 1;
	render(texts, names, 1, &o, DUR_EINVAL, &err);
	dur_report_default_options(&o);
	o.lang = "xx";
	render(texts, names, 1, &o, DUR_EINVAL, &err);
	assert_has(err.msg, "no catalogue");
	/* a catalogue without the report's strings (French, for now) is refused
	 * rather than giving English text marked as French */
	o.lang = "fr";
	render(texts, names, 1, &o, DUR_EINVAL, &err);
	assert_has(err.msg, "the report is not translated into 'fr' yet (it is in: en, es)");
	free(m);
}

static const char screen_doc[] =
	"{\"format\": \"duress-screen-summary\", \"format_version\": 1, \"cases\": 100,"
	" \"note\": \"the same people\", \"resolution\": 1,"
	" \"frameworks\": [{\"framework\": \"ilo2009\", \"version\": \"1.0.0\"},"
	"                {\"framework\": \"palermo2000\", \"version\": \"1.0.0\"}],"
	" \"overall\": {\"cases\": 100, \"counts\": {"
	"   \"ilo2009\": {\"indicated\": 68, \"not_indicated\": 25, \"insufficient_information\": 7},"
	"   \"palermo2000\": {\"indicated\": 43, \"not_indicated\": 50,"
	"                   \"insufficient_information\": 7}}},"
	" \"by_sector\": [{\"sector\": \"<farm>\", \"cases\": 100, \"counts\": {"
	"   \"ilo2009\": {\"indicated\": 68, \"not_indicated\": 25, \"insufficient_information\": 7},"
	"   \"palermo2000\": {\"indicated\": 43, \"not_indicated\": 50,"
	"                   \"insufficient_information\": 7}}}]}";

static const char link_doc[] =
	"{\"format\": \"duress-link-match\", \"format_version\": 1,"
	" \"lists\": [{\"name\": \"police\", \"records\": 5}, {\"name\": \"shelter\", \"records\": 4}],"
	" \"threshold\": 0.8, \"bridge_threshold\": 0.7, \"comparisons\": 20, \"linked_pairs\": 2,"
	" \"people\": 7, \"bridges_refused\": 0,"
	" \"table\": {\"lists\": [\"police\", \"shelter\"], \"cells\": ["
	"   {\"pattern\": \"10\", \"count\": 3}, {\"pattern\": \"01\", \"count\": 2},"
	"   {\"pattern\": \"11\", \"count\": 2}]},"
	" \"linked_scores\": {\"from\": 0.8, \"to\": 1.0, \"counts\": [0, 1, 0, 1]}}";

/* The seed's figures: the same 100 people, 68% under one definition and 43%
 * under another; and the order of the blocks: estimate, screening, linkage,
 * whatever the order given. */
static void test_screen_and_link(void **state)
{
	char *s = manifest_with("screen-summary", screen_doc, "batch", "cases.csv", "x");
	char *l = manifest_with("link-match", link_doc, "schema", "s.json", "{}");
	char *e = manifest_of(table3, "t3.csv", 0, 0, NULL), *html;
	const char *texts[3] = { l, s, e }, *names[3] = { "l.json", "s.json", "e.json" };
	(void)state;
	html = render(texts, names, 3, NULL, DUR_OK, NULL);
	assert_has(html, "<strong>ilo2009</strong>: 68% indicated (68 of 100)");
	assert_has(html, "<strong>palermo2000</strong>: 43% indicated (43 of 100)");
	assert_has(html, "&lt;farm&gt;");
	assert_has(html, "9 records on 2 lists (police and shelter) were linked into 7 people.");
	assert_true(strstr(html, "id=\"m1-words\"") < strstr(html, "id=\"m2-words\""));
	assert_true(strstr(html, "The estimate from t3.csv") <
		    strstr(html, "Screening: cases.csv"));
	assert_true(strstr(html, "Screening: cases.csv") < strstr(html, "Linkage of 2 lists"));
	/* the title comes from the estimate */
	assert_has(html, "<title>How many people: an estimate from t3.csv</title>");
	assert_has(html, "Made by duress");
	assert_has(html, "from 3 manifests");
	free(html);
	free(s);
	free(l);
	free(e);
}

static void test_spanish(void **state)
{
	char *m = manifest_of(table3, "t3.csv", 1, 50, NULL), *html;
	const char *texts[1] = { m }, *names[1] = { "t3.json" };
	struct dur_report_options o;
	(void)state;
	dur_report_default_options(&o);
	o.lang = "es";
	html = render(texts, names, 1, &o, DUR_OK, NULL);
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"es\">", 32) == 0);
	assert_has(html, "1. En palabras sencillas");
	assert_has(html, "4. Procedencia");
	assert_has(html, "Unas ");
	/* text from the manifest stays English, marked as such for screen readers */
	assert_has(html, "<span lang=\"en\">");
	/* numbers with the Spanish separators in the tables (the first cell is 120) */
	assert_has(html, "<td>120</td>");
	assert_lacks(html, "In plain words");
	free(html);
	free(m);
}

static void test_strata(void **state)
{
	/* capture histories with a stratum column, two regions of 36 people */
	char csv[4096];
	size_t o = 0;
	static const char *const pats[] = { "100", "010", "001", "110", "101", "011", "111", "100",
					    "010", "001", "100", "001" };
	char *m, *html;
	const char *texts[1], *names[1] = { "h.json" };
	int id = 0;
	(void)state;
	o += (size_t)snprintf(csv + o, sizeof(csv) - o, "id,A,B,C,region\n");
	for (int r = 0; r < 2; r++)
		for (int k = 0; k < 3; k++)
			for (int i = 0; i < 12; i++)
				o += (size_t)snprintf(csv + o, sizeof(csv) - o, "%d,%c,%c,%c,%s\n", ++id,
						      pats[i][0], pats[i][1], pats[i][2],
						      r ? "<north>" : "south");
	m = manifest_of(csv, "h.csv", 0, 0, "region");
	texts[0] = m;
	html = render(texts, names, 1, NULL, DUR_OK, NULL);
	assert_has(html, "id=\"m1-strata\"");
	assert_has(html, "&lt;north&gt;");
	assert_lacks(html, "<north>");
	assert_has(html, "The group region = south");
	free(html);
	free(m);
}

/* The shared-catchability diagnostic, when the document has one: the Kosovo
 * lists (Ball et al. 2002), where it warns; the figures are the document's. */
static void test_catchability(void **state)
{
	char *csv, *m, *html, want[64];
	size_t len;
	const char *texts[1], *names[1] = { "k.json" };
	struct dur_manifest *man = NULL;
	json_t *c;
	(void)state;
	if (!test_have_shared())
		skip();
	csv = test_slurp(test_shared_path("mse/kosovo.csv"), &len);
	assert_non_null(csv);
	m = manifest_of(csv, "kosovo.csv", 0, 0, NULL);
	assert_int_equal(dur_manifest_parse(m, strlen(m), "k.json", &man, NULL), DUR_OK);
	c = json_object_get(json_object_get(man->result, "diagnostics"), "catchability");
	assert_true(json_is_true(json_object_get(c, "warn")));
	texts[0] = m;
	html = render(texts, names, 1, NULL, DUR_OK, NULL);
	assert_has(html, "<p class=\"caution\"><strong>The lists seem to share who they find.");
	assert_has(html, "Do the lists share who they find?");
	snprintf(want, sizeof(want), "<td>%lld of %lld</td>",
		 (long long)json_integer_value(json_object_get(c, "pairs_over")),
		 (long long)json_integer_value(json_object_get(c, "pairs")));
	assert_has(html, want);
	/* the caution comes before what the number counts */
	assert_true(strstr(html, "The lists seem to share") < strstr(html, "What the number counts"));
	dur_manifest_free(man);
	free(html);
	free(m);
	free(csv);
}

/* ---- the readers ----------------------------------------------------------------------------- */

static void screen_bad(const char *from, const char *to, const char *expect)
{
	char doc[sizeof(screen_doc) + 256], *p;
	json_t *j;
	struct rpt_screen_doc *d = (struct rpt_screen_doc *)1;
	struct dur_error err = DUR_ERROR_INIT;
	snprintf(doc, sizeof(doc), "%s", screen_doc);
	p = strstr(doc, from);
	assert_non_null(p);
	memmove(p + strlen(to), p + strlen(from), strlen(p + strlen(from)) + 1);
	memcpy(p, to, strlen(to));
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	assert_int_equal(rpt_screen_doc_read(j, "s.json", &d, &err), DUR_EPARSE);
	assert_null(d);
	if (!strstr(err.msg, expect))
		fail_msg("'%s' does not say '%s'", err.msg, expect);
	json_decref(j);
}

static void link_bad(const char *from, const char *to, const char *expect)
{
	char doc[sizeof(link_doc) + 256], *p;
	json_t *j;
	struct rpt_link_doc *d = (struct rpt_link_doc *)1;
	struct dur_error err = DUR_ERROR_INIT;
	snprintf(doc, sizeof(doc), "%s", link_doc);
	p = strstr(doc, from);
	assert_non_null(p);
	memmove(p + strlen(to), p + strlen(from), strlen(p + strlen(from)) + 1);
	memcpy(p, to, strlen(to));
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	assert_int_equal(rpt_link_doc_read(j, "l.json", &d, &err), DUR_EPARSE);
	assert_null(d);
	if (!strstr(err.msg, expect))
		fail_msg("'%s' does not say '%s'", err.msg, expect);
	json_decref(j);
}

static void test_readers(void **state)
{
	json_t *j;
	struct rpt_screen_doc *s = NULL;
	struct rpt_link_doc *l = NULL;
	(void)state;
	j = json_loads(screen_doc, 0, NULL);
	assert_int_equal(rpt_screen_doc_read(j, "s.json", &s, NULL), DUR_OK);
	assert_int_equal(s->nfw, 2);
	assert_true(s->overall.counts[3 * 1 + RPT_INDICATED] == 43);
	assert_string_equal(s->sectors[0].sector, "<farm>");
	rpt_screen_doc_free(s);
	json_decref(j);
	screen_bad("\"cases\": 100,", "", "'s.json': result.cases: is missing");
	screen_bad("\"note\"", "\"nope\"", "unknown key 'nope'");
	screen_bad("\"cases\": 100,", "\"cases\": -1,", "result.cases: must be a whole number");
	screen_bad("\"cases\": 100,", "\"cases\": 1.5,", "result.cases: must be a whole number");
	screen_bad("duress-screen-summary", "duress-estimate", "result.format: must be");
	screen_bad("\"format_version\": 1", "\"format_version\": 9", "reads version 1, not 9");
	screen_bad("\"palermo2000\", \"version\"", "\"ilo2009\", \"version\"", "listed twice");
	screen_bad("\"indicated\": 43", "\"indicated\": \"43\"",
		   "result.overall.counts.palermo2000.indicated: must be a number");
	screen_bad("\"indicated\": 43,", "\"indicated\": 43, \"maybe\": 1,",
		   "result.overall.counts.palermo2000: unknown key 'maybe'");
	screen_bad("\"by_sector\": [{\"sector\": \"<farm>\",", "\"by_sector\": [{",
		   "result.by_sector[0].sector: is missing");
	j = json_loads(link_doc, 0, NULL);
	assert_int_equal(rpt_link_doc_read(j, "l.json", &l, NULL), DUR_OK);
	assert_int_equal(l->ncells, 3);
	assert_true(l->patterns[2] == 3 && l->cell_counts[0] == 3);
	assert_int_equal(l->nbins, 4);
	rpt_link_doc_free(l);
	json_decref(j);
	link_bad("\"people\": 7,", "", "result.people: is missing");
	link_bad("\"pattern\": \"10\"", "\"pattern\": \"1\"", "one digit per list");
	link_bad("\"pattern\": \"10\"", "\"pattern\": \"00\"", "must not be all 0");
	link_bad("\"pattern\": \"01\"", "\"pattern\": \"10\"", "appears twice");
	link_bad("\"threshold\": 0.8,", "\"threshold\": 1.8,", "result.threshold: must be");
	link_bad("\"counts\": [0, 1, 0, 1]", "\"counts\": []", "1 to 1000 bins");
	link_bad("\"counts\": [0, 1, 0, 1]", "\"counts\": [0, -1]", "counts[1]: must be a whole");
	link_bad("\"records\": 4", "\"records\": 4, \"x\": 1", "unknown key 'x'");
	link_bad("\"from\": 0.8, \"to\": 1.0", "\"from\": 0.9, \"to\": 0.8", "result.linked_scores");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_headline),
		cmocka_unit_test(test_render_estimate),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_inputs_checked),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_screen_and_link),
		cmocka_unit_test(test_spanish),
		cmocka_unit_test(test_strata),
		cmocka_unit_test(test_catchability),
		cmocka_unit_test(test_readers),
	};
	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
