/*
 * The glue between R and libduress: every .Call entry of the package.
 *
 * Only the library's public API (include/duress/) is used.  The rules that
 * keep R and C apart:
 *
 *  - R's error mechanism longjmps, which would leak whatever the library
 *    allocated.  So no entry calls Rf_error while it holds a library
 *    object: a library failure frees everything, then returns a small
 *    list of class "duress_failure" (code, message) that the R side turns
 *    into a condition (R/conditions.R).  R allocations made while library
 *    objects are held can only fail when R itself is out of memory.
 *  - Long jobs check for a user interrupt between steps without letting R
 *    jump out of the loop (R_ToplevelExec), then clean up and report it.
 *  - Strings cross as UTF-8 both ways (translateCharUTF8, mkCharCE).
 *  - Nothing is printed but the optional progress line (REprintf).
 *
 * This file is built into duress_impl.so, which init.c loads with its own
 * symbols first (see there why); the table at the end lists the entries.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <duress/error.h>
#include <duress/estimate.h>
#include <duress/provenance.h>
#include <duress/report.h>
#include <duress/screen.h>
#include <duress/simulate.h>
#include <duress/version.h>

/* ---- helpers ----------------------------------------------------------------- */

static SEXP mkutf8(const char *s)
{
	return Rf_mkCharCE(s ? s : "", CE_UTF8);
}

static SEXP str1(const char *s)
{
	SEXP r = PROTECT(Rf_allocVector(STRSXP, 1));
	SET_STRING_ELT(r, 0, mkutf8(s));
	UNPROTECT(1);
	return r;
}

/* A library failure for the R side to signal: list(code, message). */
static SEXP failure(const struct dur_error *e)
{
	SEXP r = PROTECT(Rf_allocVector(VECSXP, 2)), nm = PROTECT(Rf_allocVector(STRSXP, 2));
	SET_VECTOR_ELT(r, 0, Rf_ScalarInteger(e->code ? (int)e->code : (int)DUR_EINVAL));
	SET_VECTOR_ELT(r, 1, str1(e->msg[0] ? e->msg : dur_strerror(e->code)));
	SET_STRING_ELT(nm, 0, Rf_mkChar("code"));
	SET_STRING_ELT(nm, 1, Rf_mkChar("message"));
	Rf_setAttrib(r, R_NamesSymbol, nm);
	Rf_setAttrib(r, R_ClassSymbol, Rf_mkString("duress_failure"));
	UNPROTECT(2);
	return r;
}

/* A named list from parallel arrays of names and (unprotected) values. */
static SEXP named_list(int n, const char *const *names, SEXP *values)
{
	SEXP r = PROTECT(Rf_allocVector(VECSXP, n)), nm = PROTECT(Rf_allocVector(STRSXP, n));
	for (int i = 0; i < n; i++) {
		SET_VECTOR_ELT(r, i, values[i]);
		SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
	}
	Rf_setAttrib(r, R_NamesSymbol, nm);
	UNPROTECT(2);
	return r;
}

/* Element `name` of list `l`, or R_NilValue. */
static SEXP lget(SEXP l, const char *name)
{
	SEXP nm = Rf_getAttrib(l, R_NamesSymbol);
	for (R_xlen_t i = 0; i < Rf_xlength(l); i++)
		if (strcmp(CHAR(STRING_ELT(nm, i)), name) == 0)
			return VECTOR_ELT(l, i);
	return R_NilValue;
}

/* A character scalar as UTF-8, or NULL for NULL / NA. */
static const char *cstr(SEXP s)
{
	if (Rf_isNull(s) || !Rf_isString(s) || Rf_xlength(s) < 1 || STRING_ELT(s, 0) == NA_STRING)
		return NULL;
	return Rf_translateCharUTF8(STRING_ELT(s, 0));
}

static const char *cstr_at(SEXP s, R_xlen_t i)
{
	if (STRING_ELT(s, i) == NA_STRING)
		return NULL;
	return Rf_translateCharUTF8(STRING_ELT(s, i));
}

/* A seed written as decimal digits (all 64 bits). */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static void u64_text(uint64_t v, char buf[24])
{
	snprintf(buf, 24, "%llu", (unsigned long long)v);
}

/* ---- JSON to R -------------------------------------------------------------------
 * Objects become named lists (in the document's key order), arrays of
 * numbers (nulls as NA) numeric vectors, of strings character vectors, of
 * booleans logical vectors, anything else (and empty arrays) lists; null
 * is NULL.  Numbers keep every bit: nothing goes through text. */

static SEXP j2r(const json_t *j);

static SEXP array_to_r(const json_t *a)
{
	size_t n = json_array_size(a), i;
	int num = 0, str = 0, lgl = 0, other = 0;
	json_t *v;
	SEXP r;

	json_array_foreach((json_t *)a, i, v) {
		if (json_is_number(v))
			num = 1;
		else if (json_is_string(v))
			str = 1;
		else if (json_is_boolean(v))
			lgl = 1;
		else if (!json_is_null(v))
			other = 1;
	}
	if (n == 0 || other || num + str + lgl != 1) {
		r = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)n));
		json_array_foreach((json_t *)a, i, v)
			SET_VECTOR_ELT(r, (R_xlen_t)i, j2r(v));
	} else if (num) {
		r = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n));
		json_array_foreach((json_t *)a, i, v)
			REAL(r)[i] = json_is_null(v) ? NA_REAL : json_number_value(v);
	} else if (str) {
		r = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
		json_array_foreach((json_t *)a, i, v)
			SET_STRING_ELT(r, (R_xlen_t)i, json_is_null(v) ? NA_STRING
								 : mkutf8(json_string_value(v)));
	} else {
		r = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)n));
		json_array_foreach((json_t *)a, i, v)
			LOGICAL(r)[i] = json_is_null(v) ? NA_LOGICAL : json_is_true(v);
	}
	UNPROTECT(1);
	return r;
}

static SEXP j2r(const json_t *j)
{
	if (!j)
		return R_NilValue;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(j), i = 0;
		const char *k;
		json_t *v;
		SEXP r = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)n));
		SEXP nm = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
		json_object_foreach((json_t *)j, k, v) {
			SET_STRING_ELT(nm, (R_xlen_t)i, mkutf8(k));
			SET_VECTOR_ELT(r, (R_xlen_t)i, j2r(v));
			i++;
		}
		Rf_setAttrib(r, R_NamesSymbol, nm);
		UNPROTECT(2);
		return r;
	}
	case JSON_ARRAY:
		return array_to_r(j);
	case JSON_STRING:
		return str1(json_string_value(j));
	case JSON_INTEGER: {
		json_int_t v = json_integer_value(j);
		if (v > INT_MIN && v <= INT_MAX)
			return Rf_ScalarInteger((int)v);
		return Rf_ScalarReal((double)v);
	}
	case JSON_REAL:
		return Rf_ScalarReal(json_real_value(j));
	case JSON_TRUE:
		return Rf_ScalarLogical(1);
	case JSON_FALSE:
		return Rf_ScalarLogical(0);
	default:
		return R_NilValue;
	}
}

/* ---- interrupts and progress ------------------------------------------------- */

static void check_interrupt(void *unused)
{
	(void)unused;
	R_CheckUserInterrupt();
}

/* True when the user pressed Ctrl-C; R does not jump out of our loop. */
static int interrupted(void)
{
	return R_ToplevelExec(check_interrupt, NULL) == FALSE;
}

struct progress {
	int on, shown;
	time_t start, last;
};

static void progress_show(struct progress *p, double done, const char *what)
{
	time_t now;
	if (!p->on)
		return;
	now = time(NULL);
	if (now - p->start < 1 || now == p->last)
		return;
	p->last = now;
	p->shown = 1;
	REprintf("\rduress: %s, %3.0f%% done (%lld s)   ", what ? what : "working",
		 100 * (done < 0 ? 0 : done > 1 ? 1 : done), (long long)(now - p->start));
}

static void progress_done(struct progress *p)
{
	if (p->shown)
		REprintf("\r%60s\r", "");
}

/* ---- library and version ----------------------------------------------------- */

static SEXP duress_init(void)
{
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_library_init() != 0) {
		dur_error_set(&e, DUR_EIO, "the library could not start (libsodium found no "
			      "source of randomness)");
		return failure(&e);
	}
	return R_NilValue;
}

static SEXP duress_version(void)
{
	static const char *const nm[] = { "version", "git", "build" };
	SEXP v[3];
	SEXP r;
	v[0] = PROTECT(str1(dur_version()));
	v[1] = PROTECT(str1(dur_version_git()));
	v[2] = PROTECT(str1(dur_version_build()));
	r = named_list(3, nm, v);
	UNPROTECT(3);
	return r;
}

/* The estimators of this build of the library: names and summaries. */
static SEXP duress_methods(void)
{
	size_t n;
	const struct dur_estimator_type *const *t = dur_estimator_types(&n);
	SEXP r = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	SEXP s = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++) {
		SET_STRING_ELT(r, (R_xlen_t)i, mkutf8(t[i]->name));
		SET_STRING_ELT(s, (R_xlen_t)i, mkutf8(t[i]->summary));
	}
	Rf_setAttrib(r, R_NamesSymbol, s);
	UNPROTECT(2);
	return r;
}

static SEXP duress_has_method(SEXP name)
{
	const char *n = cstr(name);
	return Rf_ScalarLogical(n && dur_estimator_find(n) != NULL);
}

/* The method a model name belongs to, and the interval a method gives by default. */
static SEXP duress_method_of_model(SEXP model)
{
	return str1(dur_estimate_method_of_model(cstr(model) ? cstr(model) : "stepwise"));
}

static SEXP duress_default_interval(SEXP method, SEXP model)
{
	const char *m = cstr(method), *md = cstr(model);
	return str1(dur_interval_name(dur_estimate_default_interval(m ? m : "loglinear",
								     md ? md : "stepwise")));
}

static SEXP duress_sha256(SEXP raw)
{
	char hex[65];
	dur_sha256_hex(RAW(raw), (size_t)Rf_xlength(raw), hex);
	return str1(hex);
}

static SEXP duress_framework_dir(void)
{
	char dir[PATH_MAX];
	struct dur_error e = DUR_ERROR_INIT;
	if (dur_framework_default_dir(dir, sizeof(dir), &e))
		return failure(&e);
	return str1(dir);
}

/* ---- estimation ----------------------------------------------------------------- */

/* The document as R values: the JSON, the text for people, the headlines. */
static SEXP doc_to_r(const struct dur_estimate_doc *doc, const json_t *j, struct dur_error *e)
{
	static const char *const nm[] = { "document", "text", "headline", "strata_headlines" };
	char *text = NULL, *h = NULL;
	SEXP v[4], r = R_NilValue;
	int prot = 0;

	if (dur_estimate_doc_to_text(doc, &text, e) ||
	    dur_estimate_headline(&doc->total.main, &h, e))
		goto out;
	v[0] = PROTECT(j2r(j));
	v[1] = PROTECT(str1(text));
	v[2] = PROTECT(str1(h));
	v[3] = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)doc->nstrata));
	prot = 4;
	for (size_t i = 0; i < doc->nstrata; i++) {
		free(h);
		h = NULL;
		if (doc->strata[i].failure) {
			SET_STRING_ELT(v[3], (R_xlen_t)i, mkutf8(doc->strata[i].failure));
			continue;
		}
		if (dur_estimate_headline(&doc->strata[i].main, &h, e))
			goto out;
		SET_STRING_ELT(v[3], (R_xlen_t)i, mkutf8(h));
	}
	r = named_list(4, nm, v);
out:
	UNPROTECT(prot);
	free(text);
	free(h);
	return r;
}

/*
 * Fill the parameters from the R list that R/mse.R builds (types already
 * checked there; ranges are the library's to check).  Strings point into
 * R's memory, alive for the call.
 */
static void params_from_r(SEXP l, struct dur_estimate_params *p)
{
	SEXP v;
	dur_estimate_default_params(p);
	if ((v = lget(l, "method")) != R_NilValue)
		p->method = cstr(v);
	if ((v = lget(l, "model")) != R_NilValue)
		p->model = cstr(v);
	p->select = cstr(lget(l, "select"));
	if ((v = lget(l, "pthresh")) != R_NilValue)
		p->pthresh = Rf_asReal(v);
	if ((v = lget(l, "interval")) != R_NilValue)
		p->interval = dur_interval_parse(cstr(v));
	if ((v = lget(l, "level")) != R_NilValue)
		p->level = Rf_asReal(v);
	if ((v = lget(l, "bootstrap")) != R_NilValue) {
		double b = Rf_asReal(v);
		p->bootstrap = b >= 0 && b < 1e12 ? (size_t)b : 0;
	}
	if ((v = lget(l, "threads")) != R_NilValue)
		p->threads = Rf_asInteger(v);
	p->by = cstr(lget(l, "by"));
	p->lists = cstr(lget(l, "lists"));
	if ((v = lget(l, "compare")) != R_NilValue)
		p->compare = Rf_asLogical(v) == 1;
	if ((v = lget(l, "diagnostics")) != R_NilValue)
		p->diagnostics = Rf_asLogical(v) == 1;
}

/*
 * Estimate from CSV bytes held in R (the data frame written as CSV by
 * R/data.R): run the library's job, and make the manifest that records
 * the same bytes, so that `duress reproduce` finds the input beside it.
 */
static SEXP duress_estimate(SEXP csv, SEXP name, SEXP params, SEXP progress, SEXP draws,
			    SEXP dname)
{
	static const char *const nm[] = { "result", "manifest" };
	struct dur_estimate_params p;
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_estimate_doc *doc = NULL;
	struct dur_manifest *man = NULL;
	struct progress pr = { 0, 0, 0, 0 };
	dur_estimate_job *job = NULL;
	json_t *jdoc = NULL;
	const char *buf = (const char *)RAW(csv), *nmz = cstr(name), *what;
	size_t len = (size_t)Rf_xlength(csv);
	const char *dbuf = draws == R_NilValue ? NULL : (const char *)RAW(draws);
	size_t dlen = draws == R_NilValue ? 0 : (size_t)Rf_xlength(draws);
	const char *dnm = dname == R_NilValue ? "draws.csv" : cstr(dname);
	char *mtext = NULL, when[32];
	SEXP v[2], r;
	dur_err rc;

	params_from_r(params, &p);
	if (parse_u64(cstr(lget(params, "seed")), &p.seed)) {
		dur_error_set(&e, DUR_EINVAL, "the seed must be a whole number from 0 to "
			      "18446744073709551615");
		return failure(&e);
	}
	if (p.interval < 0) {
		dur_error_set(&e, DUR_EINVAL, "the interval is one of 'bca', 'profile', "
			      "'analytic', 'credible' or 'none'");
		return failure(&e);
	}
	if (dur_estimate_params_check(&p, &e) ||
	    !(job = dur_estimate_job_alloc(buf, len, nmz, &p, &e)))
		goto fail;
	if (dbuf && dur_estimate_job_add_draws(job, dbuf, dlen, dnm, &e))
		goto fail;
	pr.on = Rf_asLogical(progress) == 1;
	pr.start = time(NULL);
	while ((rc = dur_estimate_job_iterate(job, &e)) == DUR_CONTINUE) {
		if (interrupted()) {
			dur_error_set(&e, DUR_EINVAL, "interrupted");
			progress_done(&pr);
			goto fail;
		}
		progress_show(&pr, dur_estimate_job_progress(job, &what), what);
	}
	progress_done(&pr);
	if (rc != DUR_OK)
		goto fail;
	doc = dur_estimate_job_take(job);
	dur_time_iso8601((long long)time(NULL), when);
	if (!(jdoc = dur_estimate_doc_to_json(doc)) || !(man = dur_manifest_new("estimate", when)) ||
	    dur_manifest_add_input(man, "table", nmz, NULL, buf, len, &e) ||
	    (dbuf && dur_manifest_add_input(man, "linkage-draws", dnm, NULL, dbuf, dlen, &e)))
		goto nomem;
	dur_manifest_set_parameters(man, dur_estimate_params_to_json(&p));
	dur_manifest_set_seed(man, p.seed);
	dur_manifest_set_result(man, json_incref(jdoc));
	if (dur_manifest_dump(man, &mtext, &e))
		goto fail;
	v[0] = PROTECT(doc_to_r(doc, jdoc, &e));
	if (v[0] == R_NilValue) {
		UNPROTECT(1);
		goto fail;
	}
	v[1] = PROTECT(str1(mtext));
	r = PROTECT(named_list(2, nm, v));
	free(mtext);
	json_decref(jdoc);
	dur_manifest_free(man);
	dur_estimate_doc_free(doc);
	dur_estimate_job_free(job);
	UNPROTECT(3);
	return r;
nomem:
	if (!e.code)
		dur_error_set(&e, DUR_ENOMEM, "out of memory");
fail:
	free(mtext);
	json_decref(jdoc);
	dur_manifest_free(man);
	dur_estimate_doc_free(doc);
	dur_estimate_job_free(job);
	return failure(&e);
}

/* ---- manifests and reproduction ------------------------------------------------- */

static SEXP manifest_to_r(const struct dur_manifest *m, struct dur_error *e)
{
	static const char *const nm[] = { "version", "command", "created", "software", "inputs",
					  "parameters", "seed", "result", "estimate" };
	static const char *const snm[] = { "version", "git", "build" };
	static const char *const inm[] = { "role", "file", "label", "size", "sha256" };
	SEXP v[9], sw[3], in[5], r = R_NilValue;
	char seed[24];
	int prot = 0;

	sw[0] = PROTECT(str1(m->software_version));
	sw[1] = PROTECT(str1(m->software_git));
	sw[2] = PROTECT(str1(m->software_build));
	prot += 3;
	for (int i = 0; i < 5; i++) {
		in[i] = PROTECT(Rf_allocVector(i == 3 ? REALSXP : STRSXP, (R_xlen_t)m->ninputs));
		prot++;
	}
	for (size_t i = 0; i < m->ninputs; i++) {
		const struct dur_manifest_input *x = &m->inputs[i];
		SET_STRING_ELT(in[0], (R_xlen_t)i, mkutf8(x->role));
		SET_STRING_ELT(in[1], (R_xlen_t)i, mkutf8(x->file));
		SET_STRING_ELT(in[2], (R_xlen_t)i, x->label ? mkutf8(x->label) : NA_STRING);
		REAL(in[3])[i] = (double)x->size;
		SET_STRING_ELT(in[4], (R_xlen_t)i, mkutf8(x->sha256));
	}
	v[0] = PROTECT(Rf_ScalarInteger(m->version));
	v[1] = PROTECT(str1(m->command));
	v[2] = PROTECT(str1(m->created));
	v[3] = PROTECT(named_list(3, snm, sw));
	v[4] = PROTECT(named_list(5, inm, in));
	v[5] = PROTECT(j2r(m->parameters));
	u64_text(m->seed, seed);
	v[6] = PROTECT(m->has_seed ? str1(seed) : R_NilValue);
	v[7] = PROTECT(j2r(m->result));
	v[8] = R_NilValue;
	prot += 8;
	if (strcmp(m->command, "estimate") == 0 && m->result) {
		struct dur_estimate_doc *doc = NULL;
		if (dur_estimate_doc_from_json(m->result, "the manifest's result", &doc, e))
			goto out;
		v[8] = PROTECT(doc_to_r(doc, m->result, e));
		prot++;
		dur_estimate_doc_free(doc);
		if (v[8] == R_NilValue)
			goto out;
	}
	r = named_list(9, nm, v);
out:
	UNPROTECT(prot);
	return r;
}

/*
 * Read a manifest's text strictly; with `check`, also check that its
 * command can be re-run and its parameters (every key, type and range)
 * before any input is read, as `duress reproduce` does.
 */
static SEXP duress_manifest_read(SEXP text, SEXP name, SEXP check)
{
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_manifest *m = NULL;
	const char *nmz = cstr(name);
	SEXP r;

	if (dur_manifest_parse((const char *)RAW(text), (size_t)Rf_xlength(text), nmz, &m, &e))
		return failure(&e);
	if (Rf_asLogical(check) == 1) {
		if (!dur_job_known(m->command)) {
			dur_error_set(&e, DUR_EINVAL, "'%s': the command '%.64s' cannot be re-run by "
				      "this version of duress", nmz, m->command);
			goto fail;
		}
		if (dur_job_check(m->command, m->parameters, &e)) {
			dur_error_prefix(&e, "'%s'", nmz);
			goto fail;
		}
	}
	r = PROTECT(manifest_to_r(m, &e));
	dur_manifest_free(m);
	UNPROTECT(1);
	if (r == R_NilValue)
		return failure(&e);
	return r;
fail:
	dur_manifest_free(m);
	return failure(&e);
}

/*
 * A manifest's input, as `duress reproduce` reads it: a regular file of
 * the recorded size and SHA-256, checked before anything parses it.
 */
static SEXP duress_read_checked(SEXP rpath, SEXP rsize, SEXP rsha)
{
	struct dur_error e = DUR_ERROR_INIT;
	const char *path = cstr(rpath), *sha = cstr(rsha);
	double dsize = Rf_asReal(rsize);
	uint64_t size = (uint64_t)dsize;
	struct stat st;
	char hex[65], *buf = NULL;
	size_t got = 0;
	int fd;
	SEXP r;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK)) < 0) {
		dur_error_set(&e, DUR_EIO, "cannot open '%s': %s", path, strerror(errno));
		return failure(&e);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		dur_error_set(&e, DUR_EIO, "'%s' is not a regular file; a manifest's inputs must be",
			      path);
		return failure(&e);
	}
	if ((uint64_t)st.st_size != size) {
		close(fd);
		dur_error_set(&e, DUR_EMISMATCH, "'%s' has changed since the manifest was written "
			      "(%lld bytes, recorded %.0f)", path, (long long)st.st_size, dsize);
		return failure(&e);
	}
	if (!(buf = malloc(size ? size : 1))) {
		close(fd);
		dur_error_set(&e, DUR_ENOMEM, "out of memory");
		return failure(&e);
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = errno;
			close(fd);
			free(buf);
			dur_error_set(&e, DUR_EIO, "cannot read '%s': %s", path,
				      n < 0 ? strerror(err) : "it got shorter");
			return failure(&e);
		}
		got += (size_t)n;
	}
	close(fd);
	dur_sha256_hex(buf, got, hex);
	if (!sha || strcmp(hex, sha) != 0) {
		free(buf);
		dur_error_set(&e, DUR_EMISMATCH, "'%s' has changed since the manifest was written "
			      "(SHA-256 %.16s..., recorded %.16s...)", path, hex, sha ? sha : "");
		return failure(&e);
	}
	r = PROTECT(Rf_allocVector(RAWSXP, (R_xlen_t)got));
	memcpy(RAW(r), buf, got);
	free(buf);
	UNPROTECT(1);
	return r;
}

/*
 * Re-run what a manifest records on the inputs found for it (raw vectors,
 * in the manifest's order) and compare every figure with the record.
 */
static SEXP duress_reproduce(SEXP text, SEXP name, SEXP bufs, SEXP threads)
{
	static const char *const nm[] = { "differences", "figures", "result", "estimate" };
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_manifest *m = NULL;
	struct dur_job_input in[DUR_MANIFEST_MAX_INPUTS];
	struct dur_strlist diffs = DUR_STRLIST_INIT;
	struct dur_estimate_doc *doc = NULL;
	json_t *now = NULL;
	const char *nmz = cstr(name);
	size_t nfig = 0;
	SEXP v[4], r;

	if (dur_manifest_parse((const char *)RAW(text), (size_t)Rf_xlength(text), nmz, &m, &e))
		return failure(&e);
	if (!dur_job_known(m->command)) {
		dur_error_set(&e, DUR_EINVAL, "'%s': the command '%.64s' cannot be re-run by this "
			      "version of duress", nmz, m->command);
		goto fail;
	}
	if (dur_job_check(m->command, m->parameters, &e)) {
		dur_error_prefix(&e, "'%s'", nmz);
		goto fail;
	}
	if ((size_t)Rf_xlength(bufs) != m->ninputs || m->ninputs > DUR_MANIFEST_MAX_INPUTS) {
		dur_error_set(&e, DUR_EINVAL, "'%s': %zu inputs recorded, %lld given", nmz,
			      m->ninputs, (long long)Rf_xlength(bufs));
		goto fail;
	}
	for (size_t i = 0; i < m->ninputs; i++) {
		SEXP b = VECTOR_ELT(bufs, (R_xlen_t)i);
		in[i].role = m->inputs[i].role;
		in[i].file = m->inputs[i].file;
		in[i].label = m->inputs[i].label;
		in[i].buf = RAW(b);
		in[i].len = (size_t)Rf_xlength(b);
	}
	if (dur_job_run(m->command, m->parameters, in, m->ninputs, Rf_asInteger(threads), &now,
			&e) ||
	    dur_manifest_compare(m->result, now, &diffs, &nfig, &e))
		goto fail;
	if (strcmp(m->command, "estimate") == 0 &&
	    dur_estimate_doc_from_json(now, "the new result", &doc, &e))
		goto fail;
	v[0] = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)diffs.n));
	for (size_t i = 0; i < diffs.n; i++)
		SET_STRING_ELT(v[0], (R_xlen_t)i, mkutf8(diffs.s[i]));
	v[1] = PROTECT(Rf_ScalarReal((double)nfig));
	v[2] = PROTECT(j2r(now));
	v[3] = PROTECT(doc ? doc_to_r(doc, now, &e) : R_NilValue);
	r = PROTECT(named_list(4, nm, v));
	UNPROTECT(5);
	dur_estimate_doc_free(doc);
	dur_strlist_release(&diffs);
	json_decref(now);
	dur_manifest_free(m);
	return r;
fail:
	dur_estimate_doc_free(doc);
	dur_strlist_release(&diffs);
	json_decref(now);
	dur_manifest_free(m);
	return failure(&e);
}

/* ---- simulation --------------------------------------------------------------------- */

/*
 * N people on k lists (duress/simulate.h).  p: k probabilities (one
 * class) or NULL; weights and class_p (a row per class, row-major) for
 * latent classes; referrals as three parallel vectors.
 */
static SEXP duress_simulate(SEXP N, SEXP p, SEXP weights, SEXP class_p, SEXP names, SEXP ref_from,
		     SEXP ref_to, SEXP ref_prob, SEXP seed, SEXP table_only)
{
	static const char *const nm[] = { "lists", "count", "pattern", "N", "observed", "seed" };
	struct dur_sim_params sp = dur_sim_default_params();
	struct dur_sim_result *res = NULL;
	struct dur_error e = DUR_ERROR_INIT;
	const char *lnames[DUR_TABLE_MAX_LISTS];
	struct dur_sim_referral *ref = NULL;
	R_xlen_t nref = Rf_xlength(ref_from);
	char seedtext[24];
	SEXP v[6], r;

	sp.N = Rf_asReal(N);
	if (!Rf_isNull(p)) {
		sp.k = (int)Rf_xlength(p);
		sp.p = REAL(p);
	} else {
		sp.nclasses = (int)Rf_xlength(weights);
		sp.class_weight = REAL(weights);
		sp.class_p = REAL(class_p);
		sp.k = sp.nclasses > 0 ? (int)(Rf_xlength(class_p) / sp.nclasses) : 0;
	}
	if (!Rf_isNull(names)) {
		if (Rf_xlength(names) != sp.k || sp.k > DUR_TABLE_MAX_LISTS) {
			dur_error_set(&e, DUR_EINVAL, "give one name per list");
			return failure(&e);
		}
		for (int i = 0; i < sp.k; i++)
			lnames[i] = cstr_at(names, i) ? cstr_at(names, i) : "";
		sp.names = lnames;
	}
	if (nref > DUR_SIM_MAX_REFERRALS) {
		dur_error_set(&e, DUR_EINVAL, "at most %d referrals", DUR_SIM_MAX_REFERRALS);
		return failure(&e);
	}
	if (nref > 0) {
		ref = (struct dur_sim_referral *)R_alloc((size_t)nref, sizeof(*ref));
		for (R_xlen_t i = 0; i < nref; i++) {
			ref[i].from = cstr_at(ref_from, i) ? cstr_at(ref_from, i) : "";
			ref[i].to = cstr_at(ref_to, i) ? cstr_at(ref_to, i) : "";
			ref[i].prob = REAL(ref_prob)[i];
		}
		sp.nref = (int)nref;
		sp.ref = ref;
	}
	if (parse_u64(cstr(seed), &sp.seed)) {
		dur_error_set(&e, DUR_EINVAL, "the seed must be a whole number from 0 to "
			      "18446744073709551615");
		return failure(&e);
	}
	sp.table_only = Rf_asLogical(table_only) == 1;
	if (dur_sim_run(&sp, &res, &e))
		return failure(&e);
	v[0] = PROTECT(Rf_allocVector(STRSXP, res->table->k));
	for (int i = 0; i < res->table->k; i++)
		SET_STRING_ELT(v[0], i, mkutf8(res->table->names[i]));
	v[1] = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)res->table->ncells));
	memcpy(REAL(v[1]), res->table->count, res->table->ncells * sizeof(double));
	v[2] = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)res->npeople));
	for (size_t i = 0; i < res->npeople; i++)
		INTEGER(v[2])[i] = res->pattern[i];
	v[3] = PROTECT(Rf_ScalarReal(res->N));
	v[4] = PROTECT(Rf_ScalarReal(res->observed));
	u64_text(res->seed, seedtext);
	v[5] = PROTECT(str1(seedtext));
	r = named_list(6, nm, v);
	UNPROTECT(6);
	dur_sim_result_free(res);
	return r;
}

/* ---- screening ------------------------------------------------------------------------- */

static dur_err load_set(SEXP dir, SEXP options, dur_framework_set **out, struct dur_error *e)
{
	const char *d = cstr(dir);
	dur_framework_set *set = dur_framework_set_alloc();
	dur_err rc;

	*out = NULL;
	if (!set)
		return dur_error_set(e, DUR_ENOMEM, "out of memory");
	rc = d && *d ? dur_framework_set_load_dir(set, d, e) : dur_framework_set_load_default(set, e);
	for (R_xlen_t i = 0; !rc && i < Rf_xlength(options); i++)
		rc = dur_framework_set_option_spec(set, cstr_at(options, i) ? cstr_at(options, i)
									     : "", e);
	if (rc) {
		dur_framework_set_free(set);
		return rc;
	}
	*out = set;
	return DUR_OK;
}

/* The frameworks there are (dur_framework_set_list_json), and the questions. */
static SEXP duress_frameworks(SEXP dir, SEXP what)
{
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *set = NULL;
	const char *w = cstr(what);
	char *text = NULL;
	json_t *j = NULL;
	json_error_t je;
	SEXP r;

	if (load_set(dir, R_NilValue, &set, &e))
		return failure(&e);
	if ((strcmp(w, "questions") == 0 ? dur_framework_set_questions_json(set, &text, &e)
					  : dur_framework_set_list_json(set, &text, &e))) {
		dur_framework_set_free(set);
		return failure(&e);
	}
	dur_framework_set_free(set);
	j = json_loads(text, 0, &je);
	free(text);
	if (!j) {
		dur_error_set(&e, DUR_EPARSE, "the framework list could not be read back: %s",
			      je.text);
		return failure(&e);
	}
	r = PROTECT(j2r(j));
	json_decref(j);
	UNPROTECT(1);
	return r;
}

static const char *joined(char **buf, size_t *cap, const char *const *s, size_t n,
			  const char *sep)
{
	size_t need = 1, at = 0;
	for (size_t i = 0; i < n; i++)
		need += strlen(s[i]) + strlen(sep);
	if (need > *cap) {
		char *nb = realloc(*buf, need);
		if (!nb)
			return NULL;
		*buf = nb;
		*cap = need;
	}
	(*buf)[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(s[i]);
		if (i) {
			memcpy(*buf + at, sep, strlen(sep));
			at += strlen(sep);
		}
		memcpy(*buf + at, s[i], l);
		at += l;
	}
	(*buf)[at] = '\0';
	return *buf;
}

/*
 * Screen cases held in R: ids, ages, sectors (character, NA for not
 * given), and one integer vector per fact (enum dur_screen_answer, NA
 * for unknown).  One row per case and framework comes back, as columns,
 * with each case's full result.
 */
static SEXP duress_screen(SEXP ids, SEXP ages, SEXP sectors, SEXP facts, SEXP frameworks,
		   SEXP options, SEXP dir)
{
	static const char *const nm[] = { "case", "framework", "verdict", "meaning", "reasons",
					  "would_change_if", "indicators", "notes", "details" };
	struct dur_error e = DUR_ERROR_INIT;
	dur_framework_set *set = NULL;
	dur_screen_case *c = NULL;
	dur_screen_result *res = NULL;
	SEXP fnames = Rf_getAttrib(facts, R_NamesSymbol), cols[9], r = R_NilValue;
	R_xlen_t n = Rf_xlength(ids), nf = Rf_xlength(facts), nfw = Rf_xlength(frameworks), row = 0;
	R_xlen_t i = 0;
	const char *fw[DUR_SCREEN_MAX_SELECT];
	char *jtext = NULL, *tmp = NULL, **ind = NULL;
	size_t tcap = 0, per = 0;
	int prot = 0;

	if (nfw > DUR_SCREEN_MAX_SELECT) {
		dur_error_set(&e, DUR_EINVAL, "at most %d frameworks", DUR_SCREEN_MAX_SELECT);
		return failure(&e);
	}
	for (R_xlen_t q = 0; q < nfw; q++)
		fw[q] = cstr_at(frameworks, q) ? cstr_at(frameworks, q) : "";
	if (load_set(dir, options, &set, &e))
		return failure(&e);
	per = nfw ? (size_t)nfw : dur_framework_set_count(set);
	for (int q = 0; q < 8; q++) {
		cols[q] = PROTECT(Rf_allocVector(q == 0 ? INTSXP : STRSXP, n * (R_xlen_t)per));
		prot++;
	}
	cols[8] = PROTECT(Rf_allocVector(VECSXP, n));
	prot++;
	for (i = 0; i < n; i++) {
		json_t *j;
		json_error_t je;
		const char *s;

		if (!(c = dur_screen_case_alloc(set))) {
			dur_error_set(&e, DUR_ENOMEM, "out of memory");
			goto fail;
		}
		if (((s = cstr_at(ids, i)) && dur_screen_case_set_id(c, s, &e)) ||
		    ((s = cstr_at(ages, i)) && dur_screen_case_set_age(c, s, &e)) ||
		    ((s = cstr_at(sectors, i)) && dur_screen_case_set_sector(c, s, &e)))
			goto case_fail;
		for (R_xlen_t f = 0; f < nf; f++) {
			int a = INTEGER(VECTOR_ELT(facts, f))[i];
			if (dur_screen_case_set_fact(c, Rf_translateCharUTF8(STRING_ELT(fnames, f)),
						     a == NA_INTEGER ? DUR_SCREEN_UNKNOWN
								     : (enum dur_screen_answer)a, &e))
				goto case_fail;
		}
		if (dur_screen_evaluate(set, c, fw, (size_t)nfw, &res, &e) ||
		    dur_screen_result_to_json(res, c, 0, &jtext, &e))
			goto case_fail;
		if (dur_screen_result_count(res) != per) {
			dur_error_set(&e, DUR_EINVAL, "case %lld: %zu results, %zu expected",
				      (long long)i + 1, dur_screen_result_count(res), per);
			goto fail;
		}
		for (size_t k = 0; k < per; k++, row++) {
			const struct dur_screen_outcome *o = dur_screen_result_outcome(res, k);
			const char *t;
			char **ni;
			INTEGER(cols[0])[row] = (int)i + 1;
			SET_STRING_ELT(cols[1], row, mkutf8(o->framework));
			SET_STRING_ELT(cols[2], row, mkutf8(dur_screen_verdict_name(o->verdict)));
			SET_STRING_ELT(cols[3], row, mkutf8(o->meaning));
			if (!(t = joined(&tmp, &tcap, o->reasons, o->nreasons, "; ")))
				goto nomem;
			SET_STRING_ELT(cols[4], row, mkutf8(t));
			if (!(t = joined(&tmp, &tcap, o->would_change_if, o->nchange, ", ")))
				goto nomem;
			SET_STRING_ELT(cols[5], row, mkutf8(t));
			if (!(ni = realloc(ind, (o->nfindings + 1) * sizeof(*ind))))
				goto nomem;
			ind = ni;
			for (size_t q = 0; q < o->nfindings; q++)
				ind[q] = (char *)o->findings[q].indicator;
			if (!(t = joined(&tmp, &tcap, (const char *const *)ind, o->nfindings, ", ")))
				goto nomem;
			SET_STRING_ELT(cols[6], row, mkutf8(t));
			if (!(t = joined(&tmp, &tcap, o->notes, o->nnotes, "; ")))
				goto nomem;
			SET_STRING_ELT(cols[7], row, mkutf8(t));
		}
		if (!(j = json_loads(jtext, 0, &je))) {
			dur_error_set(&e, DUR_EPARSE, "a screening result could not be read back: %s",
				      je.text);
			goto fail;
		}
		SET_VECTOR_ELT(cols[8], i, j2r(j));
		json_decref(j);
		free(jtext);
		jtext = NULL;
		dur_screen_result_free(res);
		res = NULL;
		dur_screen_case_free(c);
		c = NULL;
	}
	r = named_list(9, nm, cols);
	goto out;
case_fail:
	dur_error_prefix(&e, "case %lld", (long long)i + 1);
	goto fail;
nomem:
	dur_error_set(&e, DUR_ENOMEM, "out of memory");
fail:
	r = failure(&e);
out:
	UNPROTECT(prot);
	free(jtext);
	free(tmp);
	free(ind);
	dur_screen_result_free(res);
	dur_screen_case_free(c);
	dur_framework_set_free(set);
	return r;
}

/* ---- the HTML report --------------------------------------------------------------- */

/*
 * A report of manifests (dur_report_render).  For manifest m: names[m],
 * texts[m] (raw), and files[[m]] NULL (inputs not looked for) or
 * list(place = integer, name = character, bytes = list of raw or NULL).
 */
static SEXP duress_report(SEXP names, SEXP texts, SEXP files, SEXP opts)
{
	struct dur_error e = DUR_ERROR_INIT;
	struct dur_report_options o;
	struct dur_report_input *in;
	R_xlen_t n = Rf_xlength(texts);
	char *html = NULL;
	SEXP v, r;

	dur_report_default_options(&o);
	o.title = cstr(lget(opts, "title"));
	o.lang = cstr(lget(opts, "lang"));
	if ((v = lget(opts, "publish")) != R_NilValue)
		o.publish = Rf_asLogical(v) == 1;
	if ((v = lget(opts, "min_cell")) != R_NilValue)
		o.min_cell = (unsigned long)Rf_asReal(v);
	if ((v = lget(opts, "allow_changed")) != R_NilValue)
		o.allow_changed = Rf_asLogical(v) == 1;
	if ((v = lget(opts, "top_models")) != R_NilValue)
		o.top_models = (size_t)Rf_asReal(v);
	in = (struct dur_report_input *)R_alloc((size_t)(n ? n : 1), sizeof(*in));
	for (R_xlen_t m = 0; m < n; m++) {
		SEXP t = VECTOR_ELT(texts, m), f = VECTOR_ELT(files, m);
		in[m].name = cstr_at(names, m);
		in[m].buf = (const char *)RAW(t);
		in[m].len = (size_t)Rf_xlength(t);
		in[m].files = NULL;
		in[m].nfiles = 0;
		if (!Rf_isNull(f)) {
			SEXP place = lget(f, "place"), fname = lget(f, "name"), bytes = lget(f, "bytes");
			R_xlen_t k = Rf_xlength(place);
			struct dur_report_file *rf = (struct dur_report_file *)
				R_alloc((size_t)(k ? k : 1), sizeof(*rf));
			for (R_xlen_t q = 0; q < k; q++) {
				SEXP b = VECTOR_ELT(bytes, q);
				rf[q].place = INTEGER(place)[q];
				rf[q].name = cstr_at(fname, q);
				rf[q].buf = Rf_isNull(b) ? NULL : (const void *)RAW(b);
				rf[q].len = Rf_isNull(b) ? 0 : (size_t)Rf_xlength(b);
			}
			in[m].files = rf;
			in[m].nfiles = (size_t)k;
		}
	}
	if (dur_report_render(in, (size_t)n, &o, &html, &e))
		return failure(&e);
	r = PROTECT(str1(html));
	free(html);
	UNPROTECT(1);
	return r;
}

/* ---- the entries, registered by init.c ------------------------------------------- */

extern const R_CallMethodDef duress_impl_calls[];
const R_CallMethodDef duress_impl_calls[] = {
	{ "duress_init", (DL_FUNC)&duress_init, 0 },
	{ "duress_version", (DL_FUNC)&duress_version, 0 },
	{ "duress_methods", (DL_FUNC)&duress_methods, 0 },
	{ "duress_has_method", (DL_FUNC)&duress_has_method, 1 },
	{ "duress_sha256", (DL_FUNC)&duress_sha256, 1 },
	{ "duress_method_of_model", (DL_FUNC)&duress_method_of_model, 1 },
	{ "duress_default_interval", (DL_FUNC)&duress_default_interval, 2 },
	{ "duress_framework_dir", (DL_FUNC)&duress_framework_dir, 0 },
	{ "duress_estimate", (DL_FUNC)&duress_estimate, 6 },
	{ "duress_manifest_read", (DL_FUNC)&duress_manifest_read, 3 },
	{ "duress_read_checked", (DL_FUNC)&duress_read_checked, 3 },
	{ "duress_reproduce", (DL_FUNC)&duress_reproduce, 4 },
	{ "duress_simulate", (DL_FUNC)&duress_simulate, 10 },
	{ "duress_frameworks", (DL_FUNC)&duress_frameworks, 2 },
	{ "duress_screen", (DL_FUNC)&duress_screen, 7 },
	{ "duress_report", (DL_FUNC)&duress_report, 4 },
	{ NULL, NULL, 0 }
};
