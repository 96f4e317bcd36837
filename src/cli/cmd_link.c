/*
 * duress link encode | match | plain | dedup: read the files, call the
 * library, write every output together (and, for match, a manifest).
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <duress/csv.h>
#include <duress/link.h>
#include <duress/provenance.h>
#include <duress/table.h>

#define LINK_MAX_INPUT ((size_t)1 << 30)
#define LINK_MAX_LISTS 30

struct opts {
	const char *schema, *secret, *id_column, *output, *pairs, *histories, *table, *names;
	const char *kernel, *manifest, *sep, *draws;
	double threshold, bridge;
	unsigned long threads, table_draws;
	uint64_t seed;
	int quiet, force, no_blocking, weakest;
};

#define O(f) offsetof(struct opts, f)
#define OPT_SCHEMA { "schema", 0, OPT_STRING, "S", "the linkage schema (JSON) shared by all parties", \
		     O(schema), 0, 0, 0, NULL }
#define OPT_FORCE { "force", 0, OPT_FLAG, NULL, "write through an output that is a symbolic link", \
		    O(force), 0, 0, 0, NULL }
#define OPT_OUTPUTS \
	{ "threshold", 0, OPT_DOUBLE, "T", "accept pairs scoring at least T (match: Dice, default\n" \
	  "chosen from the scores, else the schema's threshold;\n" \
	  "plain/dedup: match probability, default the schema's\n" \
	  "plain.threshold)", O(threshold), 0, 1, 0, NULL }, \
	{ "bridge-threshold", 0, OPT_DOUBLE, "B", "refuse to join records into one person when two\n" \
	  "of them score below B (default for match: from the\n" \
	  "scores, else the schema's bridge_threshold; 0.01 for\n" \
	  "plain and dedup)", O(bridge), 0, 1, 0, NULL }, \
	{ "names", 0, OPT_STRING, "A,B,...", "list names (default: the files' base names)", \
	  O(names), 0, 0, 0, NULL }, \
	{ "pairs", 0, OPT_STRING, "FILE", "write list_a,id_a,list_b,id_b,score", O(pairs), 0, 0, 0, \
	  NULL }, \
	{ "histories", 0, OPT_STRING, "FILE", "write one row per person, 0/1 per list (for\n" \
	  "estimate)", O(histories), 0, 0, 0, NULL }, \
	{ "histories-weakest", 0, OPT_FLAG, NULL, "add a column link_weakest to --histories: each\n" \
	  "person's least sure link", O(weakest), 0, 0, 0, NULL }, \
	{ "table", 0, OPT_STRING, "FILE", "write the aggregated capture table (list names, count)", \
	  O(table), 0, 0, 0, NULL }, \
	{ "quiet", 'q', OPT_FLAG, NULL, "no summary", O(quiet), 0, 0, 0, NULL }, \
	OPT_FORCE

static const struct cli_opt encode_opts[] = {
	OPT_SCHEMA,
	{ "secret-file", 0, OPT_STRING, "K", "the shared secret, from file K or '-' for stdin\n"
	  "(never on the command line; 32 random bytes: head -c 32\n"
	  "/dev/urandom > secret.key)", O(secret), 0, 0, 0, NULL },
	{ "id-column", 0, OPT_STRING, "NAME", "the column of record ids (default: the schema's\n"
	  "id_column, else the record number)", O(id_column), 0, 0, 0, NULL },
	CLI_OPT_SEP(sep),
	{ "output", 'o', OPT_STRING, "OUT", "the encodings file (default: standard output)",
	  O(output), 0, 0, 0, NULL },
	{ "quiet", 'q', OPT_FLAG, NULL, "no summary", O(quiet), 0, 0, 0, NULL },
	OPT_FORCE,
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
static const struct cli_opt match_opts[] = {
	OPT_SCHEMA, OPT_OUTPUTS,
	{ "kernel", 0, OPT_CHOICE, "NAME", "auto, portable, popcnt, avx2 or avx512 (the same\n"
	  "results, at different speeds)", O(kernel), 0, 0, 0, "auto|portable|popcnt|avx2|avx512" },
	{ "manifest", 0, OPT_STRING, "FILE", "also write a provenance manifest", O(manifest), 0, 0,
	  0, NULL },
	{ "threads", 0, OPT_ULONG, "N", "threads to score with (default: every core); the\n"
	  "result is the same for any N", O(threads), 1, 256, 0, NULL },
	{ "no-blocking", 0, OPT_FLAG, NULL, "score all pairs, not only those that share a\n"
	  "blocking key", O(no_blocking), 0, 0, 0, NULL },
	{ "table-draws", 0, OPT_ULONG, "N", "write N capture tables drawn from the link\n"
	  "probabilities to --draws FILE (draw,<lists>,count)", O(table_draws), 1, 100000, 0,
	  NULL },
	{ "draws", 0, OPT_STRING, "FILE", "where --table-draws writes", O(draws), 0, 0, 0, NULL },
	{ "seed", 0, OPT_U64, "S", "seed of the draws (default 1)", O(seed), 0, 0, 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
static const struct cli_opt plain_opts[] = {
	OPT_SCHEMA, OPT_OUTPUTS,
	{ "id-column", 0, OPT_STRING, "NAME", "the id column", O(id_column), 0, 0, 0, NULL },
	CLI_OPT_SEP(sep),
	{ NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, NULL }
};
#undef O

#define LINK_NOTES "See docs/link.md for the schema, the encodings format, the methods and the\n" \
	"threat model.  A FILE of '-' is standard output."
const struct cli_spec spec_link_encode = {
	"link encode", "--schema S --secret-file K [--id-column NAME] [-o OUT] IN.csv",
	"turn a list into keyed Bloom-filter encodings (at each organisation)",
	"Encode one organisation's list with the secret shared by the parties (keyed\n"
	"Bloom filters): no name leaves the organisation, only the encodings.",
	encode_opts, 1, 1, LINK_NOTES
};
const struct cli_spec spec_link_match = {
	"link match", "--schema S [options] A.enc B.enc [C.enc ...]",
	"link encodings of several lists (at the analyst)",
	"Find the same person on several lists by comparing encodings only, and\n"
	"write who is on which list: the capture histories 'duress estimate' reads.",
	match_opts, 2, LINK_MAX_LISTS, LINK_NOTES
};
const struct cli_spec spec_link_plain = {
	"link plain", "--schema S [options] A.csv B.csv [C.csv ...]",
	"link lists on plain identifiers (Fellegi-Sunter, EM)",
	"Link lists on plain identifiers, for those allowed to share them\n"
	"(Fellegi-Sunter, with m and u estimated by EM).",
	plain_opts, 2, LINK_MAX_LISTS, LINK_NOTES
};
const struct cli_spec spec_link_dedup = {
	"link dedup", "--schema S [options] A.csv", "find the repeats within one list",
	"Deduplicate one organisation's own list on plain identifiers.",
	plain_opts, 1, 1, LINK_NOTES
};

static dur_err parse_csv(const struct opts *o, const char *buf, size_t len, const char *name,
			 struct dur_csv **csv, struct dur_error *err)
{
	struct dur_csv_params p = dur_csv_default_params();
	char sep = ',';
	if (o->sep && cli_parse_sep("link", o->sep, &sep))
		return dur_error_set(err, DUR_EINVAL, "the separator is not one duress knows");
	p.delim = (unsigned char)sep;
	return dur_csv_parse(buf, len, name, &p, csv, err);
}

static dur_err load_schema(const char *path, dur_link_schema **s, struct dur_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	dur_err rc = cli_read_file(path, 1u << 20, &buf, &len, err);
	if (!rc)
		rc = dur_link_schema_parse(buf, len, path, s, err);
	free(buf);
	return rc;
}

int cmd_link_encode(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_outs outs = { 0 };
	dur_link_schema *s = NULL;
	dur_link_key *key = NULL;
	struct dur_csv *csv = NULL;
	struct dur_link_encodings *enc = NULL;
	struct dur_link_encode_stats st;
	unsigned char *secret = NULL;
	const char *in;
	char *buf = NULL;
	size_t slen = 0, len;
	FILE *f;
	int n, rc;

	if ((rc = cli_parse(&spec_link_encode, argc, argv, &o, &in, &n, NULL)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	if (!o.schema)
		return cli_usage_error("link encode", "--schema is required");
	if (!o.secret)
		return cli_usage_error("link encode", "--secret-file K is required (a file, or '-' "
				       "for standard input)");
	if (strcmp(o.secret, "-") == 0 && strcmp(in, "-") == 0)
		return cli_usage_error("link encode", "the secret and the list cannot both come from "
				       "standard input");
	if ((!o.output || strcmp(o.output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error("link encode", "refusing to write binary encodings to a "
				       "terminal (use -o FILE)");
	rc = EXIT_FAIL;
	outs.force = o.force;
	if (load_schema(o.schema, &s, &err) || cli_read_secret(o.secret, DUR_LINK_MAX_SECRET, &secret, &slen, &err))
		goto fail;
	if (dur_link_key_alloc(s, secret, slen, &key, &err)) {
		dur_error_prefix(&err, "'%s'", o.secret);
		goto fail;
	}
	sodium_free(secret);  /* wipes it; only the derived keys remain */
	secret = NULL;
	if (cli_read_text(in, LINK_MAX_INPUT, CLI_MAX_LINE, &buf, &len, &err) ||
	    parse_csv(&o, buf, len, in, &csv, &err) ||
	    dur_link_encode_csv(s, key, csv, in, o.id_column, &enc, &st, &err) ||
	    cli_outs_open(&outs, o.output, &f, &err) || dur_link_enc_write(enc, f, &err) ||
	    cli_outs_commit(&outs, &err))
		goto fail;
	if (st.bad_dates)
		cli_warn("link encode", "'%s': %zu date value%s matched none of the schema's formats "
			 "and count as missing (the first on line %zu, column '%s')", in,
			 st.bad_dates, st.bad_dates == 1 ? "" : "s", st.first_bad_line,
			 st.first_bad_column);
	if (!o.quiet && o.output && strcmp(o.output, "-") != 0)
		printf("encoded %zu records of '%s' into '%s' (%zu bits each)\n", st.records, in,
		       o.output, dur_link_schema_filter_bits(s));
	rc = EXIT_OK;
	goto out;
fail:
	cli_error("link encode", "%s", err.msg);
out:
	cli_outs_abort(&outs);
	if (secret)
		sodium_free(secret);
	dur_link_key_free(key);
	dur_link_enc_free(enc);
	dur_csv_free(csv);
	free(buf);
	dur_link_schema_free(s);
	return rc;
}

/* List names: from --names or the files' base names, each a usable column name. */
static int list_names(const char *cmd, const struct opts *o, const char *const *in, int n,
		      char **names)
{
	const char *p = o->names;
	for (int i = 0; i < n; i++) {
		const char *b = strrchr(in[i], '/'), *c, *dot;
		size_t len;
		if (p) {
			c = strchr(p, ',');
			if ((i + 1 < n) != (c != NULL))
				return cli_usage_error(cmd, "--names needs %d names, one per input", n);
			len = c ? (size_t)(c - p) : strlen(p);
			names[i] = strndup(p, len);
			p = c ? c + 1 : p + len;
		} else {
			b = b ? b + 1 : in[i];
			dot = strrchr(b, '.');
			names[i] = strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
		}
		if (!names[i]) {
			cli_error(cmd, "out of memory");
			return EXIT_FAIL;
		}
		if (!*names[i] || strpbrk(names[i], ",\"\r\n") || strcmp(names[i], "id") == 0 ||
		    strcmp(names[i], "count") == 0 || strcmp(names[i], "-") == 0)
			return cli_usage_error(cmd, "'%.64s' cannot be a list name (give --names)",
					       names[i]);
		for (int j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return cli_usage_error(cmd, "two lists are named '%.64s' (give --names)",
						       names[i]);
	}
	return 0;
}

/* --table-draws: "draw,<lists>,count", the rows of each drawn table as
   dur_table_write_csv writes them, with the draw's number in front. */
static dur_err write_draws(struct dur_table **t, size_t n, FILE *f, struct dur_error *err)
{
	for (size_t d = 0; d < n; d++) {
		char *buf = NULL, *line, *save = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&buf, &len);
		int first = 1;
		if (!mf)
			return dur_error_set(err, DUR_ENOMEM, "out of memory");
		if (dur_table_write_csv(t[d], mf, err)) {
			fclose(mf);
			free(buf);
			return err->code;
		}
		fclose(mf);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (first && d == 0)
				fprintf(f, "draw,%s\n", line);
			else if (!first)
				fprintf(f, "%zu,%s\n", d + 1, line);
			first = 0;
		}
		free(buf);
	}
	return DUR_OK;
}

/* The result's outputs (and a manifest and drawn tables), committed together. */
static dur_err write_outputs(const struct opts *o, const struct dur_link_result *r,
			     const char *manifest_text, struct dur_table **draws,
			     struct dur_error *err)
{
	struct cli_outs outs = { 0 };
	const char *path[3] = { o->pairs, o->histories, o->table };
	dur_err (*fn[3])(const struct dur_link_result *, FILE *, struct dur_error *) = {
		dur_link_write_pairs, o->weakest ? dur_link_write_histories_weakest
				    : dur_link_write_histories, dur_link_write_table };
	FILE *f;

	outs.force = o->force;
	for (int i = 0; i < 3; i++)
		if (path[i] && (cli_outs_open(&outs, path[i], &f, err) || fn[i](r, f, err)))
			goto fail;
	if (draws && (cli_outs_open(&outs, o->draws, &f, err) ||
		      write_draws(draws, o->table_draws, f, err)))
		goto fail;
	if (manifest_text) {
		if (cli_outs_open(&outs, o->manifest, &f, err))
			goto fail;
		fputs(manifest_text, f);
	}
	if (cli_outs_commit(&outs, err))
		goto fail;
	return DUR_OK;
fail:
	cli_outs_abort(&outs);
	return err->code ? err->code : DUR_EIO;
}

/* Messages go to stderr when an output is standard output. */
static FILE *summary_stream(const struct opts *o)
{
	return (o->pairs && !strcmp(o->pairs, "-")) || (o->histories && !strcmp(o->histories, "-")) ||
	       (o->table && !strcmp(o->table, "-")) || (o->draws && !strcmp(o->draws, "-")) ?
	       stderr : stdout;
}

static void summary(const struct opts *o, const struct dur_link_result *r, int given_threshold)
{
	FILE *f = summary_stream(o);
	size_t n = 0;
	if (o->quiet)
		return;
	for (size_t l = 0; l < r->nlists; l++)
		n += r->nrec[l];
	fprintf(f, "%zu list%s, %zu records, %zu pairs scored, %zu linked pairs, %zu people",
		r->nlists, r->nlists == 1 ? "" : "s", n, r->comparisons, r->npairs, r->nclusters);
	if (r->bridges_refused)
		fprintf(f, ", %zu weak bridge%s refused", r->bridges_refused,
			r->bridges_refused == 1 ? "" : "s");
	fputc('\n', f);
	if (r->all_pairs)
		fprintf(f, "threshold %.4f (%s), %zu of %zu pairs scored%s\n", r->fit.threshold,
			given_threshold ? "given" :
			r->fit.fitted && r->fit.separated ? "chosen from the scores" :
			r->fit.fitted ? "the schema's: the scores show no group of matches" :
			"the schema's: too few records to choose one", r->comparisons, r->all_pairs,
			r->truncated ? " (some records had more candidates than were kept)" : "");
}

static dur_err match_manifest(const struct opts *o, const struct dur_link_match_params *p,
			      const char *const *in, char **bufs, size_t *lens, char **names,
			      int n, const char *schema_buf, size_t schema_len,
			      const struct dur_link_result *r, char **text, struct dur_error *err)
{
	struct dur_manifest *m;
	char when[32];
	dur_err rc;

	cli_now(when);
	if (!(m = dur_manifest_new("link-match", when)))
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	char mname[4096];
	cli_manifest_name(o->manifest, o->schema, mname, sizeof(mname));
	rc = dur_manifest_add_input(m, "schema", mname, NULL, schema_buf, schema_len, err);
	for (int l = 0; !rc && l < n; l++) {
		cli_manifest_name(o->manifest, in[l], mname, sizeof(mname));
		rc = dur_manifest_add_input(m, "encodings", mname, names[l], bufs[l], lens[l], err);
	}
	if (!rc) {
		dur_manifest_set_parameters(m, dur_link_match_params_to_json(p,
					    (const char *const *)names, (size_t)n));
		dur_manifest_set_result(m, dur_link_result_json(r, p));
		rc = dur_manifest_dump(m, text, err);
	}
	dur_manifest_free(m);
	return rc;
}

static int link_run(const struct cli_spec *spec, int mode, int argc, char **argv)
{
	struct opts o = { 0 };
	struct dur_error err = DUR_ERROR_INIT;
	dur_link_schema *s = NULL;
	struct dur_link_encodings *enc[LINK_MAX_LISTS] = { 0 };
	struct dur_csv *csv[LINK_MAX_LISTS] = { 0 };
	char *names[LINK_MAX_LISTS] = { 0 }, *bufs[LINK_MAX_LISTS] = { 0 };
	char *schema_buf = NULL, *mtext = NULL;
	size_t lens[LINK_MAX_LISTS] = { 0 }, schema_len = 0;
	const char *in[LINK_MAX_LISTS];
	struct dur_link_result *r = NULL;
	struct dur_link_fs_model model;
	struct dur_table **draws = NULL;
	uint64_t given;
	int n, rc;

	if ((rc = cli_parse(spec, argc, argv, &o, in, &n, &given)) != 0)
		return rc == 1 ? EXIT_OK : EXIT_USAGE;
	if (!o.schema)
		return cli_usage_error(spec->name, "--schema is required");
	if ((o.pairs && !strcmp(o.pairs, "-")) + (o.histories && !strcmp(o.histories, "-")) +
	    (o.table && !strcmp(o.table, "-")) + (o.draws && !strcmp(o.draws, "-")) > 1)
		return cli_usage_error(spec->name, "only one output can go to standard output");
	if (!o.table_draws != !o.draws)
		return cli_usage_error(spec->name, "--table-draws N and --draws FILE go together");
	if ((rc = list_names(spec->name, &o, in, n, names)) != 0)
		goto out;
	rc = EXIT_FAIL;
	if (cli_read_file(o.schema, 1u << 20, &schema_buf, &schema_len, &err) ||
	    dur_link_schema_parse(schema_buf, schema_len, o.schema, &s, &err))
		goto fail;
	for (int l = 0; l < n; l++)
		if ((mode == 0 ? cli_read_file(in[l], LINK_MAX_INPUT, &bufs[l], &lens[l], &err)
			   : cli_read_text(in[l], LINK_MAX_INPUT, CLI_MAX_LINE, &bufs[l], &lens[l], &err)) ||
		    (mode == 0 ? dur_link_enc_read(bufs[l], lens[l], in[l], s, &enc[l], &err)
			       : parse_csv(&o, bufs[l], lens[l], in[l], &csv[l], &err)))
			goto fail;
	if (mode == 0) {
		struct dur_link_match_params p = dur_link_match_default_params(s);
		if (cli_given(spec, given, "threshold"))
			p.threshold = o.threshold;
		if (cli_given(spec, given, "bridge-threshold"))
			p.bridge_threshold = o.bridge;
		p.threads = (unsigned)o.threads;
		p.blocking = !o.no_blocking;
		for (int k = 0; o.kernel && k <= DUR_LINK_KERNEL_AVX512; k++)
			if (strcmp(o.kernel, dur_link_kernel_name((enum dur_link_kernel)k)) == 0)
				p.kernel = (enum dur_link_kernel)k;
		if (dur_link_match((const struct dur_link_encodings *const *)enc,
				   (const char *const *)names, (size_t)n, &p, &r, &err) ||
		    (o.manifest && match_manifest(&o, &p, in, bufs, lens, names, n, schema_buf,
						  schema_len, r, &mtext, &err)) ||
		    (o.table_draws && dur_link_draw_tables(r, (const struct dur_link_encodings *const *)
							   enc, o.table_draws,
							   cli_given(spec, given, "seed") ? o.seed : 1,
							   &draws, &err)))
			goto fail;
	} else {
		struct dur_link_fs_params p = dur_link_fs_default_params(s);
		if (cli_given(spec, given, "threshold")) {
			if (o.threshold >= 1) {
				rc = cli_usage_error(spec->name, "--threshold must be a probability "
						     "below 1");
				goto out;
			}
			p.threshold = o.threshold;
		}
		if (cli_given(spec, given, "bridge-threshold"))
			p.bridge_threshold = o.bridge;
		if (mode == 2 ? dur_link_dedup(s, csv[0], in[0], names[0], o.id_column, &p, &r,
					       &model, &err)
			      : dur_link_plain(s, (const struct dur_csv *const *)csv, in,
					       (const char *const *)names, (size_t)n, o.id_column,
					       &p, &r, &model, &err))
			goto fail;
	}
	if (write_outputs(&o, r, mtext, draws, &err))
		goto fail;
	summary(&o, r, cli_given(spec, given, "threshold"));
	if (mode != 0 && !o.quiet)
		fprintf(summary_stream(&o), "EM: %zu iterations, share of candidate pairs that match %.4f\n",
			model.iterations, model.lambda);
	if (mode != 0 && model.degenerate)
		cli_warn(spec->name, "EM found no group of pairs that agree more than chance: the "
			 "lists seem to share nobody, and nothing was linked");
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(spec->name, "%s", err.msg);
out:
	for (int l = 0; l < LINK_MAX_LISTS; l++) {
		dur_link_enc_free(enc[l]);
		dur_csv_free(csv[l]);
		free(names[l]);
		free(bufs[l]);
	}
	free(schema_buf);
	free(mtext);
	if (draws)
		for (unsigned long d = 0; d < o.table_draws; d++)
			dur_table_free(draws[d]);
	free(draws);
	dur_link_result_free(r);
	dur_link_schema_free(s);
	return rc;
}

int cmd_link_match(int argc, char **argv)
{
	return link_run(&spec_link_match, 0, argc, argv);
}

int cmd_link_plain(int argc, char **argv)
{
	return link_run(&spec_link_plain, 1, argc, argv);
}

int cmd_link_dedup(int argc, char **argv)
{
	return link_run(&spec_link_dedup, 2, argc, argv);
}
