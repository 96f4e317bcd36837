/*
 * duress link: encode a list privately, match encodings, or link and
 * deduplicate on plain identifiers.  Options are parsed into a struct,
 * inputs read, the library called, outputs written atomically, and
 * everything freed at out:.
 */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <duress/csv.h>
#include <duress/link.h>
#include <duress/table.h>

#define CMD "link"
#define LINK_MAX_INPUT ((size_t)1 << 30)
#define LINK_MAX_LISTS 30

const char usage_link[] =
	"usage: duress link encode --schema S --secret-file K [--id-column NAME] [-o OUT] IN.csv\n"
	"       duress link match --schema S [options] A.enc B.enc [C.enc ...]\n"
	"       duress link plain --schema S [options] A.csv B.csv [C.csv ...]\n"
	"       duress link dedup --schema S [options] A.csv\n"
	"\n"
	"Find the same person on several organisations' lists.  'encode' runs at\n"
	"each organisation and turns its list into keyed Bloom-filter encodings\n"
	"(no names leave it); 'match' runs at the analyst on encodings only.\n"
	"'plain' links lists and 'dedup' deduplicates one list on plain\n"
	"identifiers (Fellegi-Sunter, m and u estimated by EM).\n"
	"\n"
	"encode:\n"
	"  --schema S         the linkage schema (JSON) shared by all parties\n"
	"  --secret-file K    the shared secret, from file K or '-' for stdin\n"
	"                     (never on the command line; at least 16 bytes)\n"
	"  --id-column NAME   the column of record ids (default: the schema's\n"
	"                     id_column, else the record number)\n"
	"  -o, --output OUT   the encodings file (default: standard output)\n"
	"\n"
	"match, plain, dedup:\n"
	"  --threshold T      accept pairs scoring at least T (match: Dice, default\n"
	"                     chosen from the scores, else the schema's threshold;\n"
	"                     plain/dedup: match probability, default the schema's\n"
	"                     plain.threshold)\n"
	"  --bridge-threshold B  refuse to join records into one person when two of\n"
	"                     them score below B (default for match: from the\n"
	"                     scores, else the schema's bridge_threshold; 0.01 for\n"
	"                     plain and dedup)\n"
	"  --names A,B,...    list names (default: the files' base names)\n"
	"  --id-column NAME   (plain, dedup) the id column\n"
	"  --pairs FILE       write list_a,id_a,list_b,id_b,score\n"
	"  --histories FILE   write one row per person, 0/1 per list (for estimate)\n"
	"  --table FILE       write the aggregated capture table (list names, count)\n"
	"  --kernel NAME      (match) auto, portable, popcnt, avx2 or avx512\n"
	"  --threads N        (match) threads to score with (default: every core);\n"
	"                     the result is the same for any N\n"
	"  --no-blocking      (match) score all pairs, not only those that share a\n"
	"                     blocking key\n"
	"  --histories-weakest  (match, plain) add a column link_weakest to\n"
	"                     --histories: each person's least sure link\n"
	"  --table-draws N    (match) write N capture tables drawn from the link\n"
	"                     probabilities to --draws FILE (draw,<lists>,count)\n"
	"  --draws FILE       where --table-draws writes\n"
	"  --seed S           (match) seed of the draws (default 1)\n"
	"  -q, --quiet        no summary\n"
	"\n"
	"A FILE of '-' is standard output.  See docs/link.md for the schema, the\n"
	"encodings format, the methods and the threat model.\n";

struct link_opts {
	const char *sub;
	const char *schema;
	const char *secret;
	const char *id_column;
	const char *output;
	const char *pairs, *histories, *table;
	const char *names;
	const char *kernel;
	const char *threads, *draws_n, *draws, *seed;
	int no_blocking, weakest;
	double threshold;
	int have_threshold;
	double bridge;
	int have_bridge;
	int quiet;
	const char *in[LINK_MAX_LISTS + 1];
	size_t nin;
};

/* "--opt VALUE" or "--opt=VALUE"; returns 1 when argv[*i] is `name`. */
static int opt_val(int argc, char **argv, int *i, const char *name, const char **v, int *bad)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*v = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*bad = 1;
		return 1;
	}
	*v = argv[++*i];
	return 1;
}

static int parse_opts(int argc, char **argv, struct link_opts *o)
{
	int only_files = 0;

	memset(o, 0, sizeof(*o));
	o->sub = argv[1];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *t = NULL, *b = NULL;
		int bad = 0;
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->nin >= LINK_MAX_LISTS)
				return cli_usage_error(CMD, "at most %d input files", LINK_MAX_LISTS);
			o->in[o->nin++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_files = 1;
			continue;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		if (strcmp(a, "--no-blocking") == 0 || strcmp(a, "--histories-weakest") == 0) {
			if (a[2] == 'n')
				o->no_blocking = 1;
			else
				o->weakest = 1;
			continue;
		}
		if (opt_val(argc, argv, &i, "--threads", &o->threads, &bad) ||
		    opt_val(argc, argv, &i, "--table-draws", &o->draws_n, &bad) ||
		    opt_val(argc, argv, &i, "--draws", &o->draws, &bad) ||
		    opt_val(argc, argv, &i, "--seed", &o->seed, &bad)) {
			if (bad)
				return cli_usage_error(CMD, "option '%s' needs a value", a);
			continue;
		}
		if (opt_val(argc, argv, &i, "--schema", &o->schema, &bad) ||
		    opt_val(argc, argv, &i, "--secret-file", &o->secret, &bad) ||
		    opt_val(argc, argv, &i, "--id-column", &o->id_column, &bad) ||
		    opt_val(argc, argv, &i, "--output", &o->output, &bad) ||
		    opt_val(argc, argv, &i, "-o", &o->output, &bad) ||
		    opt_val(argc, argv, &i, "--pairs", &o->pairs, &bad) ||
		    opt_val(argc, argv, &i, "--histories", &o->histories, &bad) ||
		    opt_val(argc, argv, &i, "--table", &o->table, &bad) ||
		    opt_val(argc, argv, &i, "--names", &o->names, &bad) ||
		    opt_val(argc, argv, &i, "--kernel", &o->kernel, &bad)) {
			if (bad)
				return cli_usage_error(CMD, "option '%s' needs a value", a);
			continue;
		}
		if (opt_val(argc, argv, &i, "--threshold", &t, &bad) ||
		    opt_val(argc, argv, &i, "--bridge-threshold", &b, &bad)) {
			if (bad)
				return cli_usage_error(CMD, "option '%s' needs a value", a);
			if (t && (cli_parse_double(t, &o->threshold) || !(o->threshold > 0) ||
				  !(o->threshold <= 1)))
				return cli_usage_error(CMD, "--threshold must be a number above 0 "
						       "and at most 1");
			if (b && (cli_parse_double(b, &o->bridge) || !(o->bridge >= 0) ||
				  !(o->bridge <= 1)))
				return cli_usage_error(CMD, "--bridge-threshold must be a number "
						       "from 0 to 1");
			o->have_threshold |= t != NULL;
			o->have_bridge |= b != NULL;
			continue;
		}
		return cli_usage_error(CMD, "unknown option '%s'", a);
	}
	if (!o->schema)
		return cli_usage_error(CMD, "--schema is required");
	return 0;
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

static dur_err load_csv(const char *path, struct dur_csv **csv, struct dur_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	dur_err rc = cli_read_file(path, LINK_MAX_INPUT, &buf, &len, err);
	if (!rc)
		rc = dur_csv_parse(buf, len, path, NULL, csv, err);
	free(buf);
	return rc;
}

/*
 * Read the secret straight into locked memory with read(2), not stdio, so
 * that no copy is left in a stdio buffer.  One trailing newline (LF or
 * CRLF) is not part of the secret, so that a secret typed into a file with
 * an editor works the same for every party.
 */
static dur_err read_secret(const char *path, unsigned char **sec, size_t *len,
			   struct dur_error *err)
{
	int fd, is_stdin = strcmp(path, "-") == 0;
	unsigned char *b;
	size_t n = 0, cap = DUR_LINK_MAX_SECRET + 2;
	struct stat st;

	*sec = NULL;
	*len = 0;
	fd = is_stdin ? 0 : open(path, O_RDONLY);
	if (fd < 0)
		return dur_error_set(err, DUR_EKEY, "cannot open secret file '%s': %s", path,
				     strerror(errno));
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		cli_warn(CMD, "secret file '%s' can be read by other users (chmod 600 it)", path);
	b = sodium_malloc(cap + 1);
	if (!b) {
		if (!is_stdin)
			close(fd);
		return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory");
	}
	for (;;) {
		ssize_t r = read(fd, b + n, cap + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			sodium_free(b);
			if (!is_stdin)
				close(fd);
			return dur_error_set(err, DUR_EKEY, "cannot read secret file '%s': %s",
					     path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap)
			break;
	}
	if (!is_stdin)
		close(fd);
	if (n > cap) {
		sodium_free(b);
		return dur_error_set(err, DUR_EKEY, "the secret in '%s' is too long (over %d bytes)",
				     path, DUR_LINK_MAX_SECRET);
	}
	if (n > 0 && b[n - 1] == '\n')
		n--;
	if (n > 0 && b[n - 1] == '\r')
		n--;
	*sec = b;
	*len = n;
	return DUR_OK;
}

static int cmd_encode(struct link_opts *o)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_link_schema *s = NULL;
	dur_link_key *key = NULL;
	struct dur_csv *csv = NULL;
	struct dur_link_encodings *enc = NULL;
	struct dur_link_encode_stats st;
	struct cli_out out = { 0 };
	unsigned char *secret = NULL;
	size_t slen = 0;
	int rc = EXIT_FAIL;

	if (!o->secret)
		return cli_usage_error(CMD, "encode needs --secret-file K (a file, or '-' for "
				       "standard input)");
	if (o->nin != 1)
		return cli_usage_error(CMD, "encode takes one input CSV file");
	if (strcmp(o->secret, "-") == 0 && strcmp(o->in[0], "-") == 0)
		return cli_usage_error(CMD, "the secret and the list cannot both come from "
				       "standard input");
	if (o->pairs || o->histories || o->table || o->names || o->have_threshold ||
	    o->have_bridge || o->kernel || o->threads || o->no_blocking || o->draws_n ||
	    o->draws || o->seed || o->weakest)
		return cli_usage_error(CMD, "encode takes --schema, --secret-file, --id-column "
				       "and -o only");
	if ((!o->output || strcmp(o->output, "-") == 0) && isatty(STDOUT_FILENO))
		return cli_usage_error(CMD, "refusing to write binary encodings to a terminal "
				       "(use -o FILE)");
	if (load_schema(o->schema, &s, &err))
		goto fail;
	if (read_secret(o->secret, &secret, &slen, &err))
		goto fail;
	if (dur_link_key_alloc(s, secret, slen, &key, &err)) {
		dur_error_prefix(&err, "'%s'", o->secret);
		goto fail;
	}
	sodium_free(secret);  /* wipes it; only the derived keys remain */
	secret = NULL;
	if (load_csv(o->in[0], &csv, &err))
		goto fail;
	if (dur_link_encode_csv(s, key, csv, o->in[0], o->id_column, &enc, &st, &err))
		goto fail;
	if (cli_out_open(&out, o->output, &err))
		goto fail;
	if (dur_link_enc_write(enc, out.f, &err)) {
		cli_out_abort(&out);
		dur_error_prefix(&err, "'%s'", o->output ? o->output : "-");
		goto fail;
	}
	if (cli_out_commit(&out, &err))
		goto fail;
	if (st.bad_dates)
		cli_warn(CMD, "'%s': %zu date value%s matched none of the schema's formats and "
			 "count as missing (the first on line %zu, column '%s')", o->in[0],
			 st.bad_dates, st.bad_dates == 1 ? "" : "s", st.first_bad_line,
			 st.first_bad_column);
	if (!o->quiet && o->output && strcmp(o->output, "-") != 0)
		printf("encoded %zu records of '%s' into '%s' (%zu bits each)\n", st.records,
		       o->in[0], o->output, dur_link_schema_filter_bits(s));
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(CMD, "%s", err.msg);
out:
	if (secret)
		sodium_free(secret);
	dur_link_key_free(key);
	dur_link_enc_free(enc);
	dur_csv_free(csv);
	dur_link_schema_free(s);
	return rc;
}

/* Base name without directory and extension. */
static char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *n, *dot;
	b = b ? b + 1 : path;
	n = malloc(strlen(b) + 1);
	if (!n)
		return NULL;
	strcpy(n, b);
	dot = strrchr(n, '.');
	if (dot && dot != n)
		*dot = '\0';
	return n;
}

/* List names: from --names or the files; checked for use as CSV columns. */
static int list_names(const struct link_opts *o, char **names)
{
	if (o->names) {
		const char *p = o->names;
		for (size_t i = 0; i < o->nin; i++) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if ((i + 1 < o->nin) != (c != NULL))
				return cli_usage_error(CMD, "--names needs %zu names, one per input",
						       o->nin);
			names[i] = malloc(n + 1);
			if (!names[i]) {
				cli_error(CMD, "out of memory");
				return EXIT_FAIL;
			}
			memcpy(names[i], p, n);
			names[i][n] = '\0';
			p = c ? c + 1 : p + n;
		}
	} else {
		for (size_t i = 0; i < o->nin; i++)
			if (!(names[i] = base_name(o->in[i]))) {
				cli_error(CMD, "out of memory");
				return EXIT_FAIL;
			}
	}
	for (size_t i = 0; i < o->nin; i++) {
		if (!*names[i] || strpbrk(names[i], ",\"\r\n") || strcmp(names[i], "id") == 0 ||
		    strcmp(names[i], "count") == 0 || strcmp(names[i], "-") == 0)
			return cli_usage_error(CMD, "'%s' cannot be a list name (give --names)",
					       names[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return cli_usage_error(CMD, "two lists are named '%s' (give --names)",
						       names[i]);
	}
	return 0;
}

static int write_outputs(const struct link_opts *o, const struct dur_link_result *r)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct cli_out out[3];
	const char *path[3] = { o->pairs, o->histories, o->table };
	dur_err (*fn[3])(const struct dur_link_result *, FILE *, struct dur_error *) = {
		dur_link_write_pairs, o->weakest ? dur_link_write_histories_weakest
				    : dur_link_write_histories, dur_link_write_table };
	int nstdout = 0;

	memset(out, 0, sizeof(out));
	for (int i = 0; i < 3; i++)
		nstdout += path[i] && strcmp(path[i], "-") == 0;
	if (nstdout > 1)
		return cli_usage_error(CMD, "only one output can go to standard output");
	for (int i = 0; i < 3; i++) {
		if (!path[i])
			continue;
		if (cli_out_open(&out[i], path[i], &err) || fn[i](r, out[i].f, &err)) {
			if (err.code == DUR_EIO && !strstr(err.msg, path[i]))
				dur_error_prefix(&err, "'%s'", path[i]);
			goto fail;
		}
	}
	for (int i = 0; i < 3; i++)
		if (path[i] && cli_out_commit(&out[i], &err))
			goto fail;
	return EXIT_OK;
fail:
	for (int i = 0; i < 3; i++)
		if (path[i])
			cli_out_abort(&out[i]);
	cli_error(CMD, "%s", err.msg);
	return EXIT_FAIL;
}

static void summary(const struct link_opts *o, const struct dur_link_result *r)
{
	FILE *f = stdout;
	size_t n = 0;
	if (o->quiet)
		return;
	if ((o->pairs && !strcmp(o->pairs, "-")) || (o->histories && !strcmp(o->histories, "-")) ||
	    (o->table && !strcmp(o->table, "-")))
		f = stderr;
	for (size_t l = 0; l < r->nlists; l++)
		n += r->nrec[l];
	fprintf(f, "%zu list%s, %zu records, %zu pairs scored, %zu linked pairs, "
		"%zu people", r->nlists, r->nlists == 1 ? "" : "s", n, r->comparisons,
		r->npairs, r->nclusters);
	if (r->bridges_refused)
		fprintf(f, ", %zu weak bridge%s refused", r->bridges_refused,
			r->bridges_refused == 1 ? "" : "s");
	fputc('\n', f);
	if (r->all_pairs)
		fprintf(f, "threshold %.4f (%s), %zu of %zu pairs scored%s\n", r->fit.threshold,
			o->have_threshold ? "given" :
			r->fit.fitted && r->fit.separated ? "chosen from the scores" :
			r->fit.fitted ? "the schema's: the scores show no group of matches" :
			"the schema's: too few records to choose one", r->comparisons, r->all_pairs,
			r->truncated ? " (some records had more candidates than were kept)" : "");
}

/* --table-draws N --draws FILE: "draw,<lists>,count", one block per draw. */
static int write_draws(const struct link_opts *o, const struct dur_link_result *r,
		       struct dur_link_encodings **enc)
{
	struct dur_error err = DUR_ERROR_INIT;
	struct dur_table **t = NULL;
	struct cli_out out = { 0 };
	double n, seed = 1;
	int rc = EXIT_FAIL;

	if (cli_parse_double(o->draws_n, &n) || n < 1 || n > 100000 || n != (size_t)n)
		return cli_usage_error(CMD, "--table-draws must be a whole number from 1 to "
				       "100000");
	if (o->seed && (cli_parse_double(o->seed, &seed) || seed < 0 || seed != (uint64_t)seed))
		return cli_usage_error(CMD, "--seed must be a whole number");
	if (dur_link_draw_tables(r, (const struct dur_link_encodings *const *)enc, (size_t)n,
				 (uint64_t)seed, &t, &err) || cli_out_open(&out, o->draws, &err))
		goto fail;
	for (size_t d = 0; d < (size_t)n; d++) {
		char *buf = NULL, *line, *save = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&buf, &len);
		int first = 1;
		if (!mf || dur_table_write_csv(t[d], mf, &err)) {
			if (mf)
				fclose(mf);
			free(buf);
			cli_out_abort(&out);
			goto fail;
		}
		fclose(mf);
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (first && d == 0)
				fprintf(out.f, "draw,%s\n", line);
			else if (!first)
				fprintf(out.f, "%zu,%s\n", d + 1, line);
			first = 0;
		}
		free(buf);
	}
	if (cli_out_commit(&out, &err))
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(CMD, "%s", err.msg);
out:
	if (t)
		for (size_t d = 0; d < (size_t)n; d++)
			dur_table_free(t[d]);
	free(t);
	return rc;
}

static int cmd_match(struct link_opts *o)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_link_schema *s = NULL;
	struct dur_link_encodings *enc[LINK_MAX_LISTS] = { 0 };
	char *names[LINK_MAX_LISTS] = { 0 };
	struct dur_link_result *r = NULL;
	struct dur_link_match_params p;
	int rc = EXIT_FAIL;

	if (o->nin < 2)
		return cli_usage_error(CMD, "match needs at least two encodings files");
	if (o->secret || o->id_column || o->output)
		return cli_usage_error(CMD, "match takes no --secret-file, --id-column or -o "
				       "(see --pairs, --histories, --table)");
	if (!o->draws_n != !o->draws)
		return cli_usage_error(CMD, "--table-draws N and --draws FILE go together");
	if ((rc = list_names(o, names)) != 0)
		goto out;
	rc = EXIT_FAIL;
	if (load_schema(o->schema, &s, &err))
		goto fail;
	p = dur_link_match_default_params(s);
	if (o->have_threshold)
		p.threshold = o->threshold;
	if (o->have_bridge)
		p.bridge_threshold = o->bridge;
	p.blocking = !o->no_blocking;
	if (o->threads) {
		double t;
		if (cli_parse_double(o->threads, &t) || t < 1 || t > 256 || t != (unsigned)t) {
			rc = cli_usage_error(CMD, "--threads must be a whole number from 1 to 256");
			goto out;
		}
		p.threads = (unsigned)t;
	}
	if (o->kernel) {
		static const enum dur_link_kernel ks[] = { DUR_LINK_KERNEL_AUTO,
			DUR_LINK_KERNEL_PORTABLE, DUR_LINK_KERNEL_POPCNT, DUR_LINK_KERNEL_AVX2,
			DUR_LINK_KERNEL_AVX512 };
		size_t i;
		for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
			if (strcmp(o->kernel, dur_link_kernel_name(ks[i])) == 0)
				break;
		if (i == sizeof(ks) / sizeof(ks[0])) {
			rc = cli_usage_error(CMD, "unknown kernel '%s'", o->kernel);
			goto out;
		}
		p.kernel = ks[i];
	}
	for (size_t l = 0; l < o->nin; l++) {
		char *buf = NULL;
		size_t len = 0;
		if (cli_read_file(o->in[l], LINK_MAX_INPUT, &buf, &len, &err))
			goto fail;
		if (dur_link_enc_read(buf, len, o->in[l], s, &enc[l], &err)) {
			free(buf);
			goto fail;
		}
		free(buf);
	}
	if (dur_link_match((const struct dur_link_encodings *const *)enc,
			   (const char *const *)names, o->nin, &p, &r, &err))
		goto fail;
	if ((rc = write_outputs(o, r)) != EXIT_OK)
		goto out;
	if (o->draws_n && (rc = write_draws(o, r, enc)) != EXIT_OK)
		goto out;
	summary(o, r);
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(CMD, "%s", err.msg);
out:
	for (size_t l = 0; l < LINK_MAX_LISTS; l++) {
		dur_link_enc_free(enc[l]);
		free(names[l]);
	}
	dur_link_result_free(r);
	dur_link_schema_free(s);
	return rc;
}

static int cmd_plain(struct link_opts *o, int dedup)
{
	struct dur_error err = DUR_ERROR_INIT;
	dur_link_schema *s = NULL;
	struct dur_csv *csv[LINK_MAX_LISTS] = { 0 };
	char *names[LINK_MAX_LISTS] = { 0 };
	struct dur_link_result *r = NULL;
	struct dur_link_fs_params p;
	struct dur_link_fs_model model;
	int rc = EXIT_FAIL;

	if (dedup && o->nin != 1)
		return cli_usage_error(CMD, "dedup takes one CSV file");
	if (!dedup && o->nin < 2)
		return cli_usage_error(CMD, "plain needs at least two CSV files (use 'dedup' "
				       "for one)");
	if (o->secret || o->output || o->kernel)
		return cli_usage_error(CMD, "%s takes no --secret-file, --kernel or -o (see "
				       "--pairs, --histories, --table)", o->sub);
	if (o->have_threshold && o->threshold >= 1)
		return cli_usage_error(CMD, "--threshold must be a probability below 1");
	if ((rc = list_names(o, names)) != 0)
		goto out;
	rc = EXIT_FAIL;
	if (load_schema(o->schema, &s, &err))
		goto fail;
	p = dur_link_fs_default_params(s);
	if (o->have_threshold)
		p.threshold = o->threshold;
	if (o->have_bridge)
		p.bridge_threshold = o->bridge;
	for (size_t l = 0; l < o->nin; l++)
		if (load_csv(o->in[l], &csv[l], &err))
			goto fail;
	if (dedup ? dur_link_dedup(s, csv[0], o->in[0], names[0], o->id_column, &p, &r, &model,
				   &err)
		  : dur_link_plain(s, (const struct dur_csv *const *)csv,
				   (const char *const *)o->in, (const char *const *)names, o->nin,
				   o->id_column, &p, &r, &model, &err))
		goto fail;
	if ((rc = write_outputs(o, r)) != EXIT_OK)
		goto out;
	summary(o, r);
	if (!o->quiet) {
		FILE *f = (o->pairs && !strcmp(o->pairs, "-")) ||
			  (o->histories && !strcmp(o->histories, "-")) ||
			  (o->table && !strcmp(o->table, "-")) ? stderr : stdout;
		fprintf(f, "EM: %zu iterations, share of candidate pairs that match %.4f\n",
			model.iterations, model.lambda);
	}
	if (model.degenerate)
		cli_warn(CMD, "EM found no group of pairs that agree more than chance: the "
			 "lists seem to share nobody, and nothing was linked");
	rc = EXIT_OK;
	goto out;
fail:
	cli_error(CMD, "%s", err.msg);
out:
	for (size_t l = 0; l < LINK_MAX_LISTS; l++) {
		dur_csv_free(csv[l]);
		free(names[l]);
	}
	dur_link_result_free(r);
	dur_link_schema_free(s);
	return rc;
}

int cmd_link(int argc, char **argv)
{
	struct link_opts o;
	int rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_link, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "encode") && strcmp(argv[1], "match") && strcmp(argv[1], "plain") &&
	    strcmp(argv[1], "dedup"))
		return cli_usage_error(CMD, "'%s' is not a link command (encode, match, plain, "
				       "dedup)", argv[1]);
	if (cli_wants_help(argc - 1, argv + 1)) {
		fputs(usage_link, stdout);
		return EXIT_OK;
	}
	if ((rc = parse_opts(argc, argv, &o)) != 0)
		return rc;
	if (strcmp(o.sub, "encode") == 0)
		return cmd_encode(&o);
	if (strcmp(o.sub, "match") == 0)
		return cmd_match(&o);
	return cmd_plain(&o, strcmp(o.sub, "dedup") == 0);
}
