/*
 * What leaves the app: the screening summary (with a provenance manifest),
 * a CSV of chosen fields named as in the Human Trafficking Case Data
 * Standard (HTCDS, IOM: github.com/UNMigration/HTCDS, "HTCDS Field
 * Reference"), the organisation's list encoded for private linkage
 * (duress link encode, through the library), and encrypted backups.
 */
#include "serve/serve_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <duress/link.h>
#include <duress/provenance.h>

#define R(x) do { x; return; } while (0)

static void attachment(struct srv_req *r, const char *stem, const char *ext)
{
	char h[128], day[16];
	time_t t = (time_t)r->now;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(day, sizeof(day), "%Y%m%d", &tm))
		snprintf(day, sizeof(day), "0");
	snprintf(h, sizeof(h), "attachment; filename=\"%s-%s.%s\"", stem, day, ext);
	srv_add_header(r, "Content-Disposition", h);
}

/* ---- the summary ------------------------------------------------------- */

struct sum_ctx {
	struct srv_req *r;
	dur_screen_summary *sum;
	struct dur_buf batch;        /* the cases as a JSON Lines batch, for the manifest */
	size_t n;
};

/* One case as `duress screen --batch` reads it: no case id, label or notes. */
static void batch_line(struct dur_buf *b, const dur_serve *srv, const struct srv_case *c)
{
	json_t *j = json_object(), *f = json_object();
	char *s;
	json_object_set_new(j, "age", json_string(c->age));
	json_object_set_new(j, "sector", json_string(c->sector ? c->sector : ""));
	for (size_t i = 0; i < c->nq; i++)
		if (c->answers[i] == 'y' || c->answers[i] == 'n')
			json_object_set_new(f, srv->bank.q[i].id,
					    json_string(c->answers[i] == 'y' ? "yes" : "no"));
	json_object_set_new(j, "facts", f);
	if ((s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS))) {
		dur_buf_puts(b, s);
		dur_buf_puts(b, "\n");
		sodium_memzero(s, strlen(s));
		free(s);
	} else {
		b->failed = 1;
	}
	json_decref(j);
}

static dur_err sum_one(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	struct sum_ctx *sc = ctx;
	dur_screen_case *cs = NULL;
	dur_screen_result *res = NULL;
	struct srv_case c;
	dur_err rc;

	if (srv_case_init(&c, sc->r->srv))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = srv_case_from_json(&c, sc->r->srv, text, len, err)))
		goto out;
	if (!srv_case_visible(sc->r, c.created_by))
		goto out;
	if ((rc = srv_case_screen(sc->r->srv, &c, &cs, &res, err)) ||
	    (rc = dur_screen_summary_add(sc->sum, cs, res, err)))
		goto out;
	batch_line(&sc->batch, sc->r->srv, &c);
	sc->n++;
out:
	dur_screen_result_free(res);
	dur_screen_case_free(cs);
	srv_case_release(&c);
	return rc;
}

/* The summary of the visible cases; *batch (may be NULL) gets the JSONL batch. */
static json_t *summary(struct srv_req *r, unsigned long resolution, size_t *ncases,
		       char **batch, struct dur_error *err)
{
	struct sum_ctx sc;
	json_t *doc = NULL;
	char *text = NULL;

	memset(&sc, 0, sizeof(sc));
	sc.r = r;
	if (batch)
		*batch = NULL;
	if (!(sc.sum = dur_screen_summary_alloc())) {
		dur_error_set(err, DUR_ENOMEM, "out of memory");
		return NULL;
	}
	if (dur_store_case_foreach(r->srv->store, 1, sum_one, &sc, err) == DUR_OK &&
	    dur_buf_finish(&sc.batch, &text, err) == DUR_OK)
		doc = dur_screen_summary_json(sc.sum, resolution, err);
	if (doc && batch) {
		*batch = text;
		text = NULL;
	}
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	free(sc.batch.p);
	dur_screen_summary_free(sc.sum);
	*ncases = sc.n;
	return doc;
}

json_t *srv_summary_json(struct srv_req *r, unsigned long resolution, size_t *ncases,
			 struct dur_error *err)
{
	return summary(r, resolution, ncases, NULL, err);
}

/* The manifest of a summary, as `duress screen --summary --manifest` writes one. */
static char *manifest(struct srv_req *r, json_t *doc, const char *batch, unsigned long res,
		      struct dur_error *err)
{
	const dur_serve *srv = r->srv;
	struct dur_screen_summary_params sp;
	struct dur_framework_source src;
	struct dur_manifest *m;
	char when[32], *out = NULL;

	dur_time_iso8601(r->now, when);
	if (!(m = dur_manifest_new("screen-summary", when))) {
		dur_error_set(err, DUR_ENOMEM, "out of memory");
		return NULL;
	}
	dur_screen_summary_default_params(&sp);
	sp.input_format = "jsonl";
	sp.resolution = res;
	for (size_t i = 0; i < srv->p.noptions; i++)
		sp.options[sp.noptions++] = srv->p.options[i];
	if (dur_manifest_add_input(m, "batch", "cases.jsonl", "duress serve", batch, strlen(batch),
				   err) ||
	    dur_framework_set_bank_source(srv->set, &src, err) ||
	    dur_manifest_add_input_hash(m, "question-bank", src.file, src.id, src.size, src.sha256,
					err))
		goto out;
	for (size_t i = 0; i < dur_framework_set_count(srv->set); i++)
		if (dur_framework_set_source(srv->set, i, &src, err) ||
		    dur_manifest_add_input_hash(m, "framework", src.file, src.id, src.size,
						src.sha256, err))
			goto out;
	dur_manifest_set_parameters(m, dur_screen_summary_params_to_json(&sp));
	dur_manifest_set_result(m, json_incref(doc));
	dur_manifest_dump(m, &out, err);
out:
	dur_manifest_free(m);
	return out;
}

/* want_manifest: 0 the summary, 1 its manifest, 2 the batch the manifest hashes. */
void srv_export_summary(struct srv_req *r, int want_manifest)
{
	struct dur_error err = DUR_ERROR_INIT;
	unsigned long res = r->srv->p.summary_resolution;
	const char *exact = srv_form_get(&r->q, "exact");
	char *batch = NULL, *text = NULL;
	size_t n = 0;
	json_t *doc;

	if (exact && r->s.role == DUR_STORE_COORDINATOR)
		res = 1;
	if (!(doc = summary(r, res, &n, &batch, &err)))
		R(srv_error(r, err.code == DUR_EKEY ? 401 : 500,
			    r->is_api ? "the summary could not be made"
				      : srv_tr(r, DUR_N_("The summary could not be made."))));
	if (want_manifest == 2) {
		/* the batch itself (what the manifest's "batch" input hashes) */
		text = batch;
		batch = NULL;
	} else if (want_manifest) {
		text = manifest(r, doc, batch ? batch : "", res, &err);
	} else {
		text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	}
	json_decref(doc);
	if (batch) {
		sodium_memzero(batch, strlen(batch));
		free(batch);
	}
	if (!text)
		R(srv_error(r, 500, "out of memory"));
	if (want_manifest == 2) {
		srv_set_body(r, 200, "application/x-ndjson", text, strlen(text));
		/* the name the manifest gives it: beside the manifest, reproduce finds it */
		srv_add_header(r, "Content-Disposition", "attachment; filename=\"cases.jsonl\"");
		srv_audit(r, "export_batch", NULL);
		return;
	}
	srv_set_body(r, 200, "application/json", text, strlen(text));
	if (!r->is_api)
		attachment(r, want_manifest ? "duress-summary-manifest" : "duress-summary", "json");
	srv_audit(r, "export_summary", NULL);
}

/* ---- the CSV of chosen fields ---------------------------------------- */

/*
 * HTCDS vic_MethodsOfControl from the answers: only where a question of
 * the bank is that method (a yes to it), never a guess.
 */
static const struct { const char *method, *facts[6]; } CONTROL[] = {
	{ "DebtBondage", { "debt_bondage" } },
	{ "TakesEarnings", { "wages_withheld", "wage_manipulation" } },
	{ "Threats", { "threats_to_person", "threats_to_family", "threatened_with_exposure",
		       "threatened_with_dismissal", "threat_worse_conditions" } },
	{ "ThreatOfLawEnforcement", { "threatened_with_authorities" } },
	{ "PhysicalAbuse", { "physical_violence" } },
	{ "SexualAbuse", { "sexual_violence" } },
	{ "FalsePromises", { "deceived_about_job", "deceived_about_pay", "deceived_about_conditions",
			     "deceived_about_housing", "deceived_about_papers" } },
	{ "RestrictsMovement", { "movement_restricted" } },
	{ "ExcessiveWorkingHours", { "excessive_hours" } },
	{ "WithholdsDocuments", { "documents_taken" } },
};

static void csv_cell(struct dur_buf *b, const char *s, int first)
{
	int quote = 0;
	if (!first)
		dur_buf_puts(b, ",");
	if (!s)
		s = "";
	for (const char *p = s; *p; p++)
		quote |= *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
	/*
	 * A cell a spreadsheet would read as a formula (=, +, -, @ first) is
	 * written with a leading apostrophe: notes are typed by people, and a
	 * CSV opened in a spreadsheet must not run them (OWASP "CSV injection").
	 */
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		quote = 2;
	if (!quote) {
		dur_buf_puts(b, s);
		return;
	}
	dur_buf_puts(b, quote == 2 ? "\"'" : "\"");
	for (const char *p = s; *p; p++)
		dur_buf_puts(b, *p == '"' ? "\"\"" : (char[2]){ *p, 0 });
	dur_buf_puts(b, "\"");
}

struct csv_ctx {
	struct srv_req *r;
	struct dur_buf out;
	const char *fields[32];
	size_t nfields;
	size_t n;
};

static void methods_of_control(struct dur_buf *b, const dur_serve *srv, const struct srv_case *c)
{
	int first = 1;
	for (size_t m = 0; m < sizeof(CONTROL) / sizeof(CONTROL[0]); m++) {
		int yes = 0;
		for (size_t k = 0; k < 6 && CONTROL[m].facts[k]; k++) {
			long q = srv_question_index(&srv->bank, CONTROL[m].facts[k]);
			yes |= q >= 0 && c->answers[q] == 'y';
		}
		if (yes) {
			if (!first)
				dur_buf_puts(b, ";");
			dur_buf_puts(b, CONTROL[m].method);
			first = 0;
		}
	}
}

static dur_err csv_one(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	struct csv_ctx *cc = ctx;
	const dur_serve *srv = cc->r->srv;
	dur_screen_case *sc = NULL;
	dur_screen_result *res = NULL;
	struct srv_case c;
	dur_err rc;

	if (srv_case_init(&c, srv))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = srv_case_from_json(&c, srv, text, len, err)) ||
	    !srv_case_visible(cc->r, c.created_by) ||
	    (rc = srv_case_screen(srv, &c, &sc, &res, err)))
		goto out;
	for (size_t i = 0; i < cc->nfields; i++) {
		const char *f = cc->fields[i];
		struct dur_buf t = { 0 };
		char *v = NULL, day[16] = "";
		if (strcmp(f, "dur_CaseID") == 0) {
			dur_buf_puts(&t, c.id);
		} else if (strcmp(f, "dur_Reference") == 0) {
			dur_buf_puts(&t, c.label ? c.label : "");
		} else if (strcmp(f, "cas_Status") == 0) {
			dur_buf_puts(&t, c.status);
		} else if (strcmp(f, "dur_Created") == 0) {
			time_t tt = (time_t)c.created;
			struct tm tm;
			if (gmtime_r(&tt, &tm))
				strftime(day, sizeof(day), "%Y-%m-%d", &tm);
			dur_buf_puts(&t, day);
		} else if (strcmp(f, "dur_Age") == 0) {
			dur_buf_puts(&t, c.age);
		} else if (strcmp(f, "dur_Sector") == 0) {
			dur_buf_puts(&t, c.sector ? c.sector : "");
		} else if (strcmp(f, "vic_MethodsOfControl") == 0) {
			methods_of_control(&t, srv, &c);
		} else if (strcmp(f, "dur_Verdicts") == 0) {
			for (size_t k = 0; k < dur_screen_result_count(res); k++) {
				const struct dur_screen_outcome *o = dur_screen_result_outcome(res, k);
				dur_buf_printf(&t, "%s%s=%s", k ? ";" : "", o->framework,
					       dur_screen_verdict_name(o->verdict));
			}
		} else if (strcmp(f, "prs_FirstName") == 0) {
			dur_buf_puts(&t, c.given_name ? c.given_name : "");
		} else if (strcmp(f, "prs_SecondName") == 0) {
			dur_buf_puts(&t, c.surname ? c.surname : "");
		} else if (strcmp(f, "prs_Birthdate") == 0) {
			dur_buf_puts(&t, c.date_of_birth ? c.date_of_birth : "");
		} else if (strcmp(f, "prs_Gender") == 0) {
			dur_buf_puts(&t, c.sex ? c.sex : "");
		} else if (strcmp(f, "prs_Nationality") == 0) {
			dur_buf_puts(&t, c.nationality ? c.nationality : "");
		} else if (strcmp(f, "dur_Notes") == 0) {
			dur_buf_puts(&t, c.notes ? c.notes : "");
		}
		if ((rc = dur_buf_finish(&t, &v, err)))
			goto out;
		csv_cell(&cc->out, v, i == 0);
		sodium_memzero(v, strlen(v));
		free(v);
	}
	dur_buf_puts(&cc->out, "\r\n");
	cc->n++;
out:
	dur_screen_result_free(res);
	dur_screen_case_free(sc);
	srv_case_release(&c);
	return rc;
}

void srv_export_htcds(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	const char *want[32];
	size_t nwant = srv_form_all(&r->f, "field", want, 32);
	struct csv_ctx cc;
	char *text = NULL;
	const char *name;

	memset(&cc, 0, sizeof(cc));
	cc.r = r;
	/* the columns in the table's order, each at most once, known ones only */
	for (size_t i = 0; (name = srv_htcds_field(i, NULL)); i++)
		for (size_t k = 0; k < nwant; k++)
			if (strcmp(want[k], name) == 0) {
				cc.fields[cc.nfields++] = name;
				break;
			}
	if (!cc.nfields)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("Choose at least one column."))));
	for (size_t i = 0; i < cc.nfields; i++)
		csv_cell(&cc.out, cc.fields[i], i == 0);
	dur_buf_puts(&cc.out, "\r\n");
	if (dur_store_case_foreach(r->srv->store, 1, csv_one, &cc, &err) ||
	    dur_buf_finish(&cc.out, &text, &err)) {
		if (cc.out.p) {
			sodium_memzero(cc.out.p, cc.out.len);
			free(cc.out.p);
		}
		R(srv_error(r, 500, srv_tr(r, DUR_N_("The file could not be made."))));
	}
	srv_set_body(r, 200, "text/csv; charset=utf-8", text, strlen(text));
	attachment(r, "duress-cases", "csv");
	srv_audit(r, "export_htcds", NULL);
}

/* ---- the list encoded for linkage ------------------------------------- */

/* The columns the app gives a linkage schema to read (besides "id", the case id). */
static const char *const LINK_COLUMNS[] = { "given_name", "surname", "date_of_birth", "sex",
					    "nationality", NULL };
#define NLINK 5

/*
 * The organisation's list goes to link's encoder one case at a time, as it
 * is opened: the identifiers are never gathered in one place, in a file or
 * in memory; each case's plaintext is wiped as soon as it is encoded.
 */
struct link_ctx {
	struct srv_req *r;
	dur_link_encoder *enc;
	size_t nfields;
	int column[64];          /* schema field i -> LINK_COLUMNS index */
	size_t n;
};

static dur_err link_one(void *ctx, const char *text, size_t len, struct dur_error *err)
{
	struct link_ctx *l = ctx;
	const char *values[64];
	struct srv_case c;
	dur_err rc;

	if (srv_case_init(&c, l->r->srv))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	if ((rc = srv_case_from_json(&c, l->r->srv, text, len, err)) == DUR_OK &&
	    srv_case_visible(l->r, c.created_by) &&
	    ((c.given_name && *c.given_name) || (c.surname && *c.surname) ||
	     (c.date_of_birth && *c.date_of_birth))) {
		const char *mine[NLINK] = { c.given_name, c.surname, c.date_of_birth, c.sex,
					    c.nationality };
		for (size_t i = 0; i < l->nfields; i++)
			values[i] = mine[l->column[i]];
		if ((rc = dur_link_encoder_add(l->enc, c.id, values, err)) == DUR_OK)
			l->n++;
	}
	srv_case_release(&c);
	return rc;
}

static const struct srv_part *part(const struct srv_part *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

/* The schema's fields as the app's columns; -1 naming none of them. */
static int map_columns(const dur_link_schema *schema, struct link_ctx *l)
{
	l->nfields = dur_link_schema_nfields(schema);
	if (l->nfields > 64)
		return -1;
	for (size_t i = 0; i < l->nfields; i++) {
		const char *col = dur_link_schema_field_column(schema, i);
		l->column[i] = -1;
		for (int k = 0; LINK_COLUMNS[k]; k++)
			if (strcmp(col, LINK_COLUMNS[k]) == 0)
				l->column[i] = k;
		if (l->column[i] < 0)
			return -1;
	}
	return 0;
}

void srv_export_link(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct srv_part parts[SRV_MAX_PARTS];
	const struct srv_part *csrf, *sp, *kp;
	char boundary[80], *enc = NULL;
	size_t nparts = 0, slen, enclen = 0;
	dur_link_schema *schema = NULL;
	dur_link_key *key = NULL;
	struct dur_link_encodings *e = NULL;
	unsigned char *secret = NULL;
	struct link_ctx l;
	enum srv_parse_rc pr;
	FILE *f;

	memset(&l, 0, sizeof(l));
	l.r = r;
	if (!srv_multipart_boundary(srv_header(r, "Content-Type"), boundary, sizeof(boundary)))
		R(srv_error(r, 415, srv_tr(r, DUR_N_("This form was sent in a way the app does not "
						     "read."))));
	pr = srv_multipart_parse(r->in->body ? r->in->body : "", r->in->body_len, boundary, parts,
				 SRV_MAX_PARTS, &nparts);
	if (pr != SRV_PARSE_OK)
		R(srv_error(r, pr == SRV_PARSE_TOO_MANY ? 413 : 400,
			    srv_tr(r, DUR_N_("The form could not be read."))));
	csrf = part(parts, nparts, "csrf");
	if (!csrf || csrf->len != SRV_TOKEN_LEN ||
	    sodium_memcmp(csrf->data, r->s.csrf, SRV_TOKEN_LEN) != 0)
		R(srv_error(r, 403, srv_tr(r, DUR_N_("This form has expired. Go back, reload the "
						     "page and send it again."))));
	sp = part(parts, nparts, "schema");
	kp = part(parts, nparts, "secret");
	if (!sp || !kp || !sp->len || !kp->len)
		R(srv_error(r, 400, srv_tr(r, DUR_N_("Choose the schema file and the secret file."))));
	if (dur_link_schema_parse(sp->data, sp->len, "schema", &schema, &err))
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The schema file is not a linkage schema."))));
	if (map_columns(schema, &l)) {
		dur_link_schema_free(schema);
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The cases could not be encoded with this schema "
						     "(its fields must be columns of this app)."))));
	}
	/* the secret goes straight into locked memory; one final newline is not part of it */
	slen = kp->len;
	if (slen && kp->data[slen - 1] == '\n')
		slen--;
	if (slen && kp->data[slen - 1] == '\r')
		slen--;
	if (!(secret = sodium_malloc(slen ? slen : 1))) {
		dur_link_schema_free(schema);
		R(srv_error(r, 500, "cannot allocate locked memory"));
	}
	memcpy(secret, kp->data, slen);
	if (dur_link_key_alloc(schema, secret, slen, &key, &err)) {
		sodium_free(secret);
		dur_link_schema_free(schema);
		R(srv_error(r, 400, srv_tr(r, DUR_N_("The secret was refused: it must be random "
						     "bytes, such as 32 made with head -c 32 "
						     "/dev/urandom, not a password or text."))));
	}
	sodium_free(secret);   /* wiped: the derived keys are all that is needed */
	if (dur_link_encoder_alloc(schema, key, &l.enc, &err) ||
	    dur_store_case_foreach(r->srv->store, 1, link_one, &l, &err))
		goto fail;
	if (l.n == 0) {
		dur_link_encoder_free(l.enc);
		dur_link_key_free(key);
		dur_link_schema_free(schema);
		R(srv_error(r, 409, srv_tr(r, DUR_N_("No case has identifiers for linkage."))));
	}
	if (dur_link_encoder_finish(l.enc, &e, NULL, &err))
		goto fail;
	if (!(f = open_memstream(&enc, &enclen))) {
		dur_error_set(&err, DUR_ENOMEM, "out of memory");
		goto fail;
	}
	if (dur_link_enc_write(e, f, &err)) {
		fclose(f);
		free(enc);
		enc = NULL;
		goto fail;
	}
	if (fclose(f) != 0) {
		free(enc);
		enc = NULL;
		dur_error_set(&err, DUR_ENOMEM, "out of memory");
		goto fail;
	}
	dur_link_enc_free(e);
	dur_link_encoder_free(l.enc);
	dur_link_key_free(key);
	dur_link_schema_free(schema);
	srv_set_body(r, 200, "application/octet-stream", enc, enclen);
	attachment(r, "duress-cases", "enc");
	srv_audit(r, "export_link", NULL);
	return;
fail:
	dur_link_enc_free(e);
	dur_link_encoder_free(l.enc);
	dur_link_key_free(key);
	dur_link_schema_free(schema);
	srv_error(r, err.code == DUR_EPARSE || err.code == DUR_EDATA ? 400 : 500,
		  srv_tr(r, DUR_N_("The file could not be made.")));
}

/* ---- backup -------------------------------------------------------------- */

void srv_export_backup(struct srv_req *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	unsigned char *buf = NULL;
	size_t len = 0;

	if (dur_store_backup(r->srv->store, &buf, &len, &err))
		R(srv_error(r, err.code == DUR_EKEY ? 401 : 500,
			    srv_tr(r, DUR_N_("The backup could not be made."))));
	srv_set_body(r, 200, "application/octet-stream", (char *)buf, len);
	attachment(r, "duress-backup", "dbk");
	srv_audit(r, "backup", NULL);
}
