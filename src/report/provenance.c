/*
 * Provenance in the report: for every manifest, what it records, by which
 * software, with which seed; every input's name, size and SHA-256 and how
 * it was checked for this report; the command that re-runs it; and the
 * manifest itself, embedded, so that the report carries what it needs to
 * be checked.
 */
#include "report/report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *role_words(struct rpt *r, const char *role)
{
	if (strcmp(role, "table") == 0)
		return TR(DUR_N_("the capture table"));
	if (strcmp(role, "batch") == 0)
		return TR(DUR_N_("the cases screened"));
	if (strcmp(role, "question-bank") == 0)
		return TR(DUR_N_("the questions"));
	if (strcmp(role, "framework") == 0)
		return TR(DUR_N_("a framework"));
	if (strcmp(role, "schema") == 0)
		return TR(DUR_N_("the linkage schema"));
	if (strcmp(role, "encodings") == 0)
		return TR(DUR_N_("one list's encodings"));
	return role;
}

static const char *command_words(struct rpt *r, const char *command)
{
	if (strcmp(command, "estimate") == 0)
		return TR(DUR_N_("an estimate of how many people"));
	if (strcmp(command, "screen-summary") == 0)
		return TR(DUR_N_("a screening summary"));
	if (strcmp(command, "link-match") == 0)
		return TR(DUR_N_("a linkage of lists"));
	return command;
}

/* A shell word: as it is when it is plain, else in single quotes. */
static void shell_word(struct dur_buf *b, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-+") ==
		  strlen(s) && *s != '-') {
		rpt_esc(b, s);
		return;
	}
	dur_buf_puts(b, "&#39;");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			dur_buf_puts(b, "&#39;\\&#39;&#39;");
		else
			rpt_escn(b, p, 1);
	}
	dur_buf_puts(b, "&#39;");
}

static void check_words(struct rpt *r, const struct rpt_manifest *m, size_t i)
{
	const struct dur_manifest_input *in = &m->m->inputs[i];
	const char *name = m->found[i] ? m->found[i] : "";
	switch (m->check[i]) {
	case RPT_SAME:
		rpt_raw(r, "<span class=\"ok\">");
		rpt_text(r, TR(DUR_N_("identical")));
		rpt_raw(r, "</span>: ");
		rpt_say(r, m->place[i] == DUR_REPORT_FRAMEWORKS
			? TR(DUR_N_("the framework file {file} in the folder of the framework files "
				    "has the recorded size and SHA-256"))
			: TR(DUR_N_("the file {file} beside the manifest has the recorded size and "
				    "SHA-256")), "file", rpt_h(r, name), NULL);
		break;
	case RPT_CHANGED:
		rpt_raw(r, "<strong class=\"bad\">");
		rpt_text(r, TR(DUR_N_("changed")));
		rpt_raw(r, "</strong>: ");
		rpt_say(r, TR(DUR_N_("the file {file} found for it differs from the record; the "
				     "figures here are the recorded ones")), "file", rpt_h(r, name),
			NULL);
		break;
	case RPT_MISSING:
		rpt_text(r, TR(DUR_N_("not checked: not found beside the manifest")));
		break;
	default:
		rpt_text(r, TR(DUR_N_("not checked: the report was made without the input files")));
	}
	(void)in;
}

void rpt_provenance(struct rpt *r, const struct rpt_manifest *m)
{
	const struct dur_manifest *x = m->m;
	struct dur_buf cmd = { 0 };
	char *c;

	rpt_printf(r, "<div class=\"block\" id=\"m%d-provenance\">\n<h3>", m->index);
	rpt_say(r, TR(DUR_N_("The manifest {file}")), "file", rpt_h(r, m->name), NULL);
	rpt_raw(r, "</h3>\n<table class=\"kv\">\n<tbody>\n<tr><th scope=\"row\">");
	rpt_text(r, TR(DUR_N_("What it records")));
	rpt_raw(r, "</th><td>");
	rpt_text(r, command_words(r, x->command));
	rpt_raw(r, " (<code>");
	rpt_text(r, x->command);
	rpt_raw(r, "</code>)</td></tr>\n<tr><th scope=\"row\">");
	rpt_text(r, TR(DUR_N_("Made at")));
	rpt_raw(r, "</th><td>");
	rpt_raw(r, rpt_when(r, x->created));
	rpt_raw(r, "</td></tr>\n<tr><th scope=\"row\">");
	rpt_text(r, TR(DUR_N_("By")));
	rpt_raw(r, "</th><td>");
	rpt_say(r, TR(DUR_N_("duress {version} (revision {git}, built with {build})")), "version",
		rpt_h(r, x->software_version), "git", rpt_h(r, x->software_git), "build",
		rpt_h(r, x->software_build), NULL);
	rpt_raw(r, "</td></tr>\n");
	if (x->has_seed) {
		rpt_raw(r, "<tr><th scope=\"row\">");
		rpt_text(r, TR(DUR_N_("Random seed")));
		rpt_printf(r, "</th><td><code>%llu</code></td></tr>\n", (unsigned long long)x->seed);
	}
	rpt_raw(r, "</tbody></table>\n<h4>");
	rpt_text(r, TR(DUR_N_("Inputs")));
	rpt_raw(r, "</h4>\n<div class=\"scroll\"><table class=\"inputs\">\n<thead><tr>"
		   "<th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Input")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("File, as recorded")));
	rpt_raw(r, "</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Bytes")));
	rpt_raw(r, "</th><th scope=\"col\">SHA-256</th><th scope=\"col\">");
	rpt_text(r, TR(DUR_N_("Checked for this report")));
	rpt_raw(r, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < x->ninputs; i++) {
		const struct dur_manifest_input *in = &x->inputs[i];
		rpt_raw(r, m->check[i] == RPT_CHANGED ? "<tr class=\"changed\"><td>" : "<tr><td>");
		rpt_text(r, role_words(r, in->role));
		if (in->label) {
			rpt_raw(r, " (");
			rpt_text(r, in->label);
			rpt_raw(r, ")");
		}
		rpt_raw(r, "</td><td><code>");
		rpt_text(r, in->file);
		rpt_raw(r, "</code></td><td class=\"n\">");
		rpt_raw(r, rpt_hcount(r, (double)in->size));
		rpt_raw(r, "</td><td><code class=\"hash\">");
		rpt_text(r, in->sha256);
		rpt_raw(r, "</code></td><td>");
		check_words(r, m, i);
		rpt_raw(r, "</td></tr>\n");
	}
	rpt_raw(r, "</tbody></table></div>\n<h4>");
	rpt_text(r, TR(DUR_N_("To reproduce every figure")));
	rpt_raw(r, "</h4>\n<pre class=\"cmd\">");
	dur_buf_puts(&cmd, "duress reproduce ");
	shell_word(&cmd, m->name);
	dur_buf_puts(&cmd, "");
	c = rpt_take(r, &cmd);
	rpt_raw(r, c ? c : "");
	free(c);
	rpt_raw(r, "</pre>\n<p>");
	for (size_t i = 0; i < x->ninputs; i++)
		if (m->check[i] == RPT_MISSING) {
			rpt_text(r, TR(DUR_N_("Some inputs were not beside the manifest: copy them "
					      "there first, or add --allow-outside to read them where "
					      "the manifest recorded them.")));
			rpt_raw(r, " ");
			break;
		}
	rpt_text(r, TR(DUR_N_("Run in the folder of the manifest, with its inputs beside it, this "
			      "checks each input's size and SHA-256 before reading it, runs the "
			      "same method with the same parameters and random seed, and compares "
			      "every figure with the recorded one.")));
	rpt_raw(r, "</p>\n<details>\n<summary>");
	rpt_say(r, TR(DUR_N_("The manifest itself ({n} bytes)")), "n",
		rpt_hcount(r, (double)m->len), NULL);
	rpt_raw(r, "</summary>\n<pre class=\"manifest\">");
	rpt_escn(&r->b, m->text, m->len);
	rpt_raw(r, "</pre>\n</details>\n<p class=\"print-only note\">");
	rpt_text(r, TR(DUR_N_("The manifest itself is embedded in the HTML file of this report.")));
	rpt_raw(r, "</p>\n</div>\n");
}
