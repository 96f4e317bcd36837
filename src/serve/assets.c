/*
 * The stylesheet, the script and the icon, compiled in: the app works with
 * no network at all and loads nothing from anywhere else (the CSP says
 * 'self' only).
 *
 * The stylesheet is for an old laptop and a small phone alike: one
 * column, large type and tap targets, strong contrast, no colour without
 * a word beside it, and logical properties only (inline/block, start/end),
 * so that right-to-left pages need nothing else.
 *
 * The script only improves what works without it: the case list filters
 * as soon as a choice changes (GET /api/cases), and deleting asks for
 * confirmation and uses DELETE /api/cases/ID.  It writes text with
 * textContent only, never markup.
 */
#include "serve/serve_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const CSS[] = {
	":root{--fg:#111;--bg:#fff;--muted:#444;--line:#767676;--accent:#0b4f9c;--accent-bg:#e7f0fb;",
	"--yes:#8a1c00;--yes-bg:#fde9e4;--unk:#6b4b00;--unk-bg:#fff3cd;--no:#1d5b2a;--no-bg:#e4f4e7;",
	"--focus:#ffbf00}\n",
	"*{box-sizing:border-box}\n",
	"html{font-size:112.5%;-webkit-text-size-adjust:100%}\n",
	"body{margin:0;color:var(--fg);background:var(--bg);font-family:system-ui,-apple-system,",
	"'Segoe UI','Noto Sans',Ubuntu,Cantarell,'DejaVu Sans',sans-serif;line-height:1.5}\n",
	"main,header.top,footer{max-inline-size:46rem;margin-inline:auto;padding-inline:1rem}\n",
	"main{padding-block:0.5rem 2rem}\n",
	"a{color:var(--accent)}\n",
	"a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid ",
	"var(--focus);outline-offset:2px}\n",
	".skip{position:absolute;inset-inline-start:-999rem}\n",
	".skip:focus{position:static}\n",
	"header.top{display:flex;flex-wrap:wrap;gap:0.4rem 1rem;align-items:center;",
	"border-block-end:2px solid var(--line);padding-block:0.5rem}\n",
	".brand{margin:0;font-weight:700}\n",
	".brand a{color:var(--fg);text-decoration:none;font-size:1.2rem}\n",
	".brand span{font-weight:400;color:var(--muted);font-size:0.9rem}\n",
	"nav.main{display:flex;flex-wrap:wrap;gap:0.2rem 0.9rem;flex-basis:100%}\n",
	"nav.main a{padding-block:0.3rem;text-decoration:none;border-block-end:3px solid transparent}\n",
	"nav.main a[aria-current]{border-block-end-color:var(--accent);font-weight:700}\n",
	".tools{display:flex;flex-wrap:wrap;gap:0.4rem 1rem;align-items:center;flex-basis:100%}\n",
	".tools form{margin:0;display:flex;flex-wrap:wrap;gap:0.3rem;align-items:center}\n",
	".tools .label{color:var(--muted);font-size:0.9rem}\n",
	".langs button{min-block-size:2.2rem;padding-inline:0.6rem}\n",
	".langs button.current{background:var(--accent);color:#fff;border-color:var(--accent)}\n",
	".who{font-size:0.9rem}\n",
	"h1{font-size:1.6rem;line-height:1.25;margin-block:1rem 0.6rem}\n",
	"h2{font-size:1.3rem;margin-block:1.6rem 0.5rem}\n",
	"h3{font-size:1.1rem;margin-block:0 0.3rem}\n",
	"h4{font-size:1rem;margin-block:0.8rem 0.2rem}\n",
	"small{font-weight:400;color:var(--muted)}\n",
	".id{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:0.9em;",
	"overflow-wrap:anywhere}\n",
	"p,li,dd,dt,label,legend{overflow-wrap:break-word}\n",
	"button,.button{display:inline-flex;align-items:center;justify-content:center;",
	"min-block-size:2.75rem;padding:0.4rem 1rem;font:inherit;color:var(--fg);background:#f2f2f2;",
	"border:2px solid var(--line);border-radius:0.4rem;text-decoration:none;cursor:pointer;",
	"margin-block:0.2rem}\n",
	"button.primary,.button.primary{background:var(--accent);color:#fff;border-color:var(--accent)}\n",
	"button.danger,.button.danger{background:#fff;color:#a00;border-color:#a00}\n",
	"input,select,textarea{font:inherit;color:var(--fg);background:#fff;border:2px solid ",
	"var(--line);border-radius:0.3rem;padding:0.4rem 0.5rem;max-inline-size:100%}\n",
	"input[type=radio],input[type=checkbox]{inline-size:1.3rem;block-size:1.3rem;margin:0;",
	"flex:none;accent-color:var(--accent)}\n",
	".stack{display:flex;flex-direction:column;gap:0.35rem;align-items:flex-start}\n",
	".stack input:not([type=checkbox]):not([type=radio]):not([type=file]),.stack select,",
	".stack textarea{inline-size:100%}\n",
	".stack label{font-weight:600;margin-block-start:0.5rem}\n",
	".narrow{max-inline-size:24rem}\n",
	".help{margin:0;color:var(--muted);font-size:0.95rem}\n",
	".notice{padding:0.6rem 0.8rem;border-inline-start:6px solid var(--accent);",
	"background:var(--accent-bg);border-radius:0.2rem}\n",
	".notice.error{border-color:var(--yes);background:var(--yes-bg)}\n",
	".notice.warn{border-color:var(--unk);background:var(--unk-bg)}\n",
	".notice.ok{border-color:var(--no);background:var(--no-bg)}\n",
	".notice.legal{border-color:var(--fg);background:#f4f4f4}\n",
	".intro{background:#f6f6f6;padding:0.2rem 0.9rem;border-radius:0.3rem}\n",
	"progress{inline-size:100%;block-size:0.8rem}\n",
	".progress-text{margin-block:0.2rem}\n",
	"fieldset{border:0;padding:0;margin:0}\n",
	".q{margin-block:1.2rem;padding-block-end:1rem;border-block-end:1px solid #ccc}\n",
	".q legend,.q>label{font-weight:700;font-size:1.1rem;padding:0;margin-block-end:0.3rem;",
	"display:block}\n",
	".qtext.alt,.qhelp.alt,.section.alt{display:block;font-weight:400;font-size:0.9rem;",
	"color:var(--muted)}\n",
	".qhelp{display:block}\n",
	".choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));",
	"gap:0.4rem;margin-block-start:0.5rem}\n",
	".choice{display:flex;gap:0.6rem;align-items:center;padding:0.55rem 0.7rem;",
	"border:2px solid var(--line);border-radius:0.4rem;cursor:pointer;min-block-size:2.9rem}\n",
	".choice:has(input:checked){background:var(--accent-bg);border-color:var(--accent);",
	"font-weight:700}\n",
	".years{margin-block:0.6rem 0}\n",
	".choice .alt{display:block;font-weight:400;font-size:0.85rem;color:var(--muted)}\n",
	"ul.glance{list-style:none;padding:0;margin-block:0.5rem}\n",
	"ul.glance li{margin-block:0.35rem}\n",
	"ul.glance a{color:var(--fg);text-decoration:none}\n",
	"ul.glance a:hover span[lang]{text-decoration:underline}\n",
	".more summary{font-size:0.95rem}\n",
	".q.text input{inline-size:100%}\n",
	".nav{display:flex;flex-wrap:wrap;gap:0.5rem;margin-block:1.2rem}\n",
	"details{margin-block:0.6rem}\n",
	"summary{cursor:pointer;color:var(--accent);padding-block:0.3rem}\n",
	".filters fieldset{border:2px solid #ccc;border-radius:0.4rem;padding:0.6rem 0.8rem}\n",
	".filters legend{font-weight:700;padding-inline:0.3rem}\n",
	".filters .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));",
	"gap:0.4rem 0.8rem}\n",
	".filters label{display:block;font-size:0.95rem}\n",
	".filters select,.filters input:not([type=checkbox]){inline-size:100%}\n",
	".check,.filters label.check,.stack label.check{display:flex;gap:0.5rem;align-items:center;",
	"margin-block:0.4rem;font-weight:400}\n",
	".actions{display:flex;flex-wrap:wrap;gap:0.5rem;align-items:center;margin-block:0.6rem}\n",
	"form.inline{display:inline;margin:0}\n",
	"ul.cases{list-style:none;padding:0;margin:0}\n",
	".case{border:2px solid #ccc;border-radius:0.4rem;padding:0.6rem 0.8rem;margin-block:0.5rem;",
	"display:flex;flex-direction:column;gap:0.2rem}\n",
	".case .title{font-weight:700;font-size:1.05rem}\n",
	".case .meta{color:var(--muted);font-size:0.9rem}\n",
	".badge{display:inline-block;padding:0.05rem 0.45rem;border-radius:0.3rem;border:2px solid;",
	"font-size:0.9rem;margin-block:0.1rem;margin-inline-end:0.3rem}\n",
	".v-yes .badge,.badge.v-yes{color:var(--yes);background:var(--yes-bg);border-color:var(--yes)}\n",
	".badge.v-unknown{color:var(--unk);background:var(--unk-bg);border-color:var(--unk);",
	"border-style:dashed}\n",
	".badge.v-no{color:var(--no);background:var(--no-bg);border-color:var(--no)}\n",
	".badge.v-none{color:var(--muted);border-color:#999;border-style:dotted}\n",
	".fw{border:2px solid #bbb;border-inline-start-width:8px;border-radius:0.4rem;",
	"padding:0.7rem 0.9rem;margin-block:0.8rem}\n",
	".fw.v-yes{border-inline-start-color:var(--yes)}\n",
	".fw.v-unknown{border-inline-start-color:var(--unk)}\n",
	".fw.v-no{border-inline-start-color:var(--no)}\n",
	".verdict{margin-block:0.3rem}\n",
	".verdict .badge{font-size:1.05rem}\n",
	".fw ul{padding-inline-start:1.2rem;margin-block:0.2rem}\n",
	".next{background:#f6f6f6;border-radius:0.4rem;padding:0.3rem 1rem;margin-block:1.2rem}\n",
	"dl{margin:0}\n",
	"dt{font-weight:700;margin-block-start:0.5rem}\n",
	"dd{margin-inline-start:0}\n",
	".notes{white-space:pre-wrap}\n",
	".history{padding-inline-start:1.4rem}\n",
	"table{border-collapse:collapse;inline-size:100%;margin-block:0.6rem}\n",
	"th,td{border:1px solid #bbb;padding:0.35rem 0.5rem;text-align:start;vertical-align:top}\n",
	"caption{text-align:start;font-weight:700;padding-block:0.3rem}\n",
	".summary td{text-align:end;font-variant-numeric:tabular-nums}\n",
	".audit{font-size:0.9rem}\n",
	"ul.users{padding-inline-start:1.2rem}\n",
	"ul.users li{margin-block:0.6rem}\n",
	"code{font-size:0.85rem;overflow-wrap:anywhere}\n",
	"footer{border-block-start:2px solid var(--line);padding-block:0.6rem 2rem;",
	"color:var(--muted);font-size:0.95rem}\n",
	"[hidden]{display:none!important}\n",
	"@media (min-width:48rem){nav.main{flex-basis:auto}.tools{flex-basis:auto;",
	"margin-inline-start:auto}}\n",
	"@media (max-width:30rem){html{font-size:106.25%}.audit{display:block;overflow-x:auto}",
	/* a small screen: the summary's rows stacked, each count under its own heading */
	".summary thead{display:none}.summary,.summary caption,.summary tbody,.summary tr,",
	".summary th,.summary td{",
	"display:block}.summary tr{border:1px solid #bbb;margin-block-end:0.5rem}",
	".summary th,.summary td{border:0}.summary td{display:flex;justify-content:space-between;",
	"gap:1rem}.summary td::before{content:attr(data-label);text-align:start}}\n",
	"@media print{header.top,.actions,.nav,footer form{display:none}}\n",
	NULL
};

static const char *const JS[] = {
	"'use strict';\n",
	"(function () {\n",
	"  var meta = document.querySelector('meta[name=\"csrf-token\"]');\n",
	"  var csrf = meta ? meta.getAttribute('content') : '';\n",
	"\n",
	"  /* deleting: confirm, then DELETE /api/cases/ID (the link's page works without this) */\n",
	"  var del = document.getElementById('delete-link');\n",
	"  if (del && window.fetch) {\n",
	"    del.addEventListener('click', function (ev) {\n",
	"      ev.preventDefault();\n",
	"      if (!window.confirm(del.getAttribute('data-confirm'))) return;\n",
	"      fetch('/api/cases/' + del.getAttribute('data-case'), {\n",
	"        method: 'DELETE', credentials: 'same-origin',\n",
	"        headers: { 'X-CSRF-Token': csrf }\n",
	"      }).then(function (r) {\n",
	"        window.location.assign(r.ok ? '/cases?deleted=1' : del.getAttribute('href'));\n",
	"      }, function () { window.location.assign(del.getAttribute('href')); });\n",
	"    });\n",
	"  }\n",
	"\n",
	"  /* the case list: filter as soon as a choice changes (GET /api/cases) */\n",
	"  var form = document.getElementById('filters');\n",
	"  var list = document.getElementById('case-list');\n",
	"  var count = document.getElementById('case-count');\n",
	"  if (form && list && window.fetch && window.URLSearchParams) {\n",
	"    var refresh = function () {\n",
	"      var q = new URLSearchParams(new FormData(form)).toString();\n",
	"      fetch('/api/cases?' + q, { credentials: 'same-origin' }).then(function (r) {\n",
	"        if (!r.ok) throw new Error('status ' + r.status);\n",
	"        return r.json();\n",
	"      }).then(function (data) {\n",
	"        var want = {}, missing = false, items = list.querySelectorAll('li.case');\n",
	"        data.cases.forEach(function (c) { want[c.id] = true; });\n",
	"        var shown = {};\n",
	"        for (var i = 0; i < items.length; i++) {\n",
	"          var id = items[i].getAttribute('data-id');\n",
	"          items[i].hidden = !want[id];\n",
	"          shown[id] = true;\n",
	"        }\n",
	"        data.cases.forEach(function (c) { if (!shown[c.id]) missing = true; });\n",
	"        /* a case this page does not hold: load the list the plain way */\n",
	"        if (missing) { window.location.assign('/cases?' + q); return; }\n",
	"        if (count) {\n",
	"          var t = count.getAttribute(data.count === 1 ? 'data-one' : 'data-many');\n",
	"          if (t) count.textContent = t.replace('%zu', String(data.count));\n",
	"        }\n",
	"        if (window.history && history.replaceState)\n",
	"          history.replaceState(null, '', '/cases' + (q ? '?' + q : ''));\n",
	"      }).catch(function () { form.submit(); });\n",
	"    };\n",
	"    form.addEventListener('change', refresh);\n",
	"  }\n",
	"})();\n",
	NULL
};

static const char *const ICON[] = {
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">",
	"<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#0b4f9c\"/>",
	"<path d=\"M9 7h7a9 9 0 0 1 0 18H9z\" fill=\"none\" stroke=\"#fff\" stroke-width=\"3\"/>",
	"</svg>\n",
	NULL
};

/* The parts of an asset joined into a new buffer (the response takes it). */
static char *join(const char *const *parts, size_t *len)
{
	size_t n = 0;
	char *b;
	for (size_t i = 0; parts[i]; i++)
		n += strlen(parts[i]);
	if (!(b = malloc(n + 1)))
		return NULL;
	n = 0;
	for (size_t i = 0; parts[i]; i++) {
		size_t k = strlen(parts[i]);
		memcpy(b + n, parts[i], k);
		n += k;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

int srv_asset(const char *path, const char **ctype, char **body, size_t *len)
{
	const char *const *parts;

	if (strcmp(path, "/static/style.css") == 0) {
		*ctype = "text/css; charset=utf-8";
		parts = CSS;
	} else if (strcmp(path, "/static/app.js") == 0) {
		*ctype = "text/javascript; charset=utf-8";
		parts = JS;
	} else if (strcmp(path, "/static/icon.svg") == 0) {
		*ctype = "image/svg+xml";
		parts = ICON;
	} else {
		return 0;
	}
	*body = join(parts, len);
	return *body ? 1 : -1;
}
