/*
 * duress/link.h - record linkage across organisations' lists.
 *
 * Two modes share one schema (a JSON file that every party holds verbatim):
 *
 *  - private linkage: each organisation turns its list into keyed
 *    Bloom-filter encodings (dur_link_encode_csv, written with
 *    dur_link_enc_write); an analyst compares encodings only
 *    (dur_link_match), never names;
 *  - plain linkage and deduplication, for those allowed to share the
 *    identifiers: Fellegi-Sunter with m and u estimated by EM
 *    (dur_link_plain, dur_link_dedup).
 *
 * Both give a struct dur_link_result: accepted pairs with scores and the
 * clusters (people) across lists, written as pairs, capture histories or
 * an aggregated capture table by dur_link_write_*.
 *
 * Nothing here logs or returns the cleartext of an identifying field in an
 * error message: messages name the file, the line and the column only.
 * See docs/link.md for formats, methods and the threat model.
 */
#ifndef DURESS_LINK_H
#define DURESS_LINK_H

#include <duress/common.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <duress/csv.h>
#include <duress/error.h>
#include <duress/table.h>
#include <jansson.h>

/* ---- schema ------------------------------------------------------------ */

/*
 * A parsed, validated linkage schema.  Invariants: at least one field;
 * field names are distinct; filter_bits is a multiple of 64 within
 * [DUR_LINK_MIN_BITS, DUR_LINK_MAX_BITS] (a multiple of 128 when hardened
 * by balancing); the hash covers everything that changes an encoding.
 */
typedef struct dur_link_schema dur_link_schema;

#define DUR_LINK_MIN_BITS 64
#define DUR_LINK_MAX_BITS 65536
#define DUR_LINK_HASH_BYTES 32
#define DUR_LINK_MIN_SECRET 16
#define DUR_LINK_MAX_SECRET 4096

enum dur_link_field_type {
	DUR_LINK_TEXT = 0,   /* q-grams of the normalised text */
	DUR_LINK_DATE = 1,   /* parsed to ISO 8601; positional year, month, day */
	DUR_LINK_NUMBER = 2  /* digits only; positional digits */
};

enum dur_link_compare {
	DUR_LINK_CMP_JARO_WINKLER = 0,
	DUR_LINK_CMP_EXACT = 1,
	DUR_LINK_CMP_DATE = 2
};

/*
 * Parse and validate a schema of `len` bytes.  `name` (a file name, may be
 * NULL) is used in messages, which also give the JSON path of the bad
 * member ("'s.json': fields[2].qgram: must be 1 to 4").  On success *out is
 * yours; free it with dur_link_schema_free().
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_schema_parse(const char *buf, size_t len, const char *name,
			      dur_link_schema **out, struct dur_error *err);
/* Free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_link_schema_free(dur_link_schema *s);
/*
 * The schema's canonical hash (SHA-256 of the canonical JSON of the members
 * that change an encoding; see docs/link.md).  Borrowed, 32 bytes.
 * @since 0.1
 */
DUR_EXPORT const unsigned char *dur_link_schema_hash(const dur_link_schema *s);
/* Number of fields, and a field's name and CSV column (borrowed).  @since 0.1 */
DUR_EXPORT size_t dur_link_schema_nfields(const dur_link_schema *s);
DUR_EXPORT const char *dur_link_schema_field_name(const dur_link_schema *s, size_t i);
DUR_EXPORT const char *dur_link_schema_field_column(const dur_link_schema *s, size_t i);
/* The id column named by the schema, or NULL (borrowed).  @since 0.1 */
DUR_EXPORT const char *dur_link_schema_id_column(const dur_link_schema *s);
/* Bits of each encoding.  @since 0.1 */
DUR_EXPORT size_t dur_link_schema_filter_bits(const dur_link_schema *s);
/* Default thresholds: Dice for encodings, match probability for plain.  @since 0.1 */
DUR_EXPORT double dur_link_schema_threshold(const dur_link_schema *s);
DUR_EXPORT double dur_link_schema_plain_threshold(const dur_link_schema *s);
/* Default bridge threshold for encodings (schema, else threshold - 0.1).  @since 0.1 */
DUR_EXPORT double dur_link_schema_bridge_threshold(const dur_link_schema *s);

/* ---- normalisation and comparison (exposed for tests and reuse) -------- */

/*
 * Normalise text: Unicode NFKC, case folding, accents removed, punctuation
 * and symbols turned into spaces, runs of white space collapsed to one
 * space and trimmed (or removed entirely when `keep_spaces` is 0).
 * *out is a new string (yours, free()); an empty result means "missing".
 * DUR_EPARSE when `in` is not valid UTF-8.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_normalise_text(const char *in, int keep_spaces, char **out,
				struct dur_error *err);

/*
 * Parse a date written in one of `nformats` patterns (e.g. "YYYYMMDD",
 * "DD/MM/YYYY", "YYYY-MM-DD", or "excel" for a spreadsheet serial day
 * number, 1900 system) into "YYYY-MM-DD" in `iso` (11 bytes).  Returns
 * DUR_OK, or DUR_EPARSE when no pattern gives a real calendar date.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_parse_date(const char *in, const char *const *formats, size_t nformats,
			    char iso[11]);

/*
 * The q-grams of `s` (UTF-8, counted in code points), padded with `q`-1
 * '_' on each side when `pad` is set.  *out is a new array of new strings
 * (free each, then the array); *n their number.  @since 0.1
 */
DUR_EXPORT dur_err dur_link_qgrams(const char *s, unsigned q, int pad, char ***out, size_t *n,
			struct dur_error *err);

/* Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters) of two
 * UTF-8 strings, by code points.  1 for two empty strings.  @since 0.1 */
DUR_EXPORT double dur_link_jaro_winkler(const char *a, const char *b);

/* ---- keys --------------------------------------------------------------- */

/*
 * The secret shared by the parties, turned into per-field keys.  Held in
 * locked, guarded memory (sodium_malloc) and wiped by dur_link_key_free().
 */
typedef struct dur_link_key dur_link_key;

/*
 * Derive the keys for `schema` from `len` bytes of `secret`.  The caller
 * still owns and wipes `secret`.  DUR_EKEY when it is shorter than
 * DUR_LINK_MIN_SECRET or longer than DUR_LINK_MAX_SECRET bytes, or weak
 * (dur_link_secret_check): every front end thus refuses the same secrets,
 * with a message that gives the command that makes a good one.
 * @since 0.1 (weak secrets refused since 0.2)
 */
DUR_EXPORT dur_err dur_link_key_alloc(const dur_link_schema *schema, const unsigned char *secret,
			   size_t len, dur_link_key **out, struct dur_error *err);
/* Wipe and free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_link_key_free(dur_link_key *k);

/* The command the messages about weak secrets recommend. */
#define DUR_LINK_SECRET_COMMAND \
	"head -c 32 /dev/urandom > secret.key && chmod 600 secret.key"
/* A secret must hold at least this many bytes of entropy by the plug-in
 * (Shannon) estimate of dur_link_secret_check. */
#define DUR_LINK_MIN_SECRET_ENTROPY 16.0

/*
 * Is `len` bytes of `secret` good enough to key encodings?  DUR_EKEY, with
 * a one-line message ending in DUR_LINK_SECRET_COMMAND, when it is shorter
 * than DUR_LINK_MIN_SECRET or longer than DUR_LINK_MAX_SECRET bytes, when
 * all its bytes are equal, when it is printable text only (a typed
 * password or passphrase: bytes 0x20 to 0x7e, tab, CR, LF), or when its
 * entropy estimated from the byte frequencies, len x H with H =
 * -sum p_b log2 p_b over the byte values b, is below
 * DUR_LINK_MIN_SECRET_ENTROPY bytes (32 random bytes give about 19; a
 * random secret of fewer than about 28 bytes can fail).  The secret is
 * neither copied nor shown.  `entropy_bytes` (may be NULL) receives the
 * estimate.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_link_secret_check(const unsigned char *secret, size_t len, double *entropy_bytes,
			      struct dur_error *err);

/* ---- encodings ---------------------------------------------------------- */

/*
 * One list of encodings.  Invariants: `words` = bits / 64; filter i is
 * filters[i * words ...]; ids are non-empty, distinct, valid UTF-8 strings
 * of at most DUR_LINK_MAX_ID bytes; weight[i] is the popcount of filter i;
 * record i's blocking keys are bandkey[i * bands ...] (bands may be 0, and
 * bandkey NULL: no blocking keys).
 */
#define DUR_LINK_MAX_ID 1024
#define DUR_LINK_KEYCHECK_BYTES 16
#define DUR_LINK_MAX_BANDS 255
#define DUR_LINK_MAX_ROWS 16
#define DUR_LINK_MAX_DIFFUSION 32
struct dur_link_encodings {
	size_t n;
	size_t bits;
	size_t words;
	unsigned char schema_hash[DUR_LINK_HASH_BYTES];
	unsigned char key_check[DUR_LINK_KEYCHECK_BYTES];
	uint32_t flags;        /* hardening, DUR_LINK_HARDEN_* */
	unsigned diffusion;    /* inputs per output bit of the diffusion layer, or 0 */
	size_t bands;          /* blocking keys per record (MinHash LSH bands) */
	unsigned rows;         /* MinHash values behind each key */
	char **id;
	uint64_t *filters;
	uint32_t *weight;
	uint32_t *bandkey;
};

#define DUR_LINK_HARDEN_BALANCE 1u
#define DUR_LINK_HARDEN_XOR_FOLD 2u
#define DUR_LINK_HARDEN_DIFFUSION 4u
/* The encodings file format this duress writes and reads (docs/link.md §5). */
#define DUR_LINK_ENC_VERSION 2

/* Statistics of an encoding run (nothing identifying). */
struct dur_link_encode_stats {
	size_t records;
	size_t missing;          /* empty field values, all fields */
	size_t bad_dates;        /* date values that were not dates (treated as missing) */
	size_t first_bad_line;   /* line of the first of them (its record number
				    when fed by dur_link_encoder_add), or 0 */
	char first_bad_column[128];
};

/*
 * Encode every data record of `csv` (rec[0] is the header).  `name` is the
 * file name for messages; `id_column` names the id column (NULL: the
 * schema's, else the 1-based record number).  Every row must have as many
 * fields as the header; every schema column must exist.  `stats` may be
 * NULL.  *out is yours (dur_link_enc_free()).
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_encode_csv(const dur_link_schema *schema, const dur_link_key *key,
			    const struct dur_csv *csv, const char *name,
			    const char *id_column, struct dur_link_encodings **out,
			    struct dur_link_encode_stats *stats, struct dur_error *err);

/*
 * Encoding one record at a time, for front ends that hold records rather
 * than a CSV file (a case store, a web form):
 *
 *     dur_link_encoder_alloc(schema, key, &enc, err);
 *     for each record: dur_link_encoder_add(enc, id, values, err);
 *     dur_link_encoder_finish(enc, &encodings, &stats, err);
 *     dur_link_encoder_free(enc);
 *
 * The encoder borrows `schema` and `key`, which must outlive it.  *out is
 * yours (dur_link_encoder_free()).  @since 0.2
 */
typedef struct dur_link_encoder dur_link_encoder;
DUR_EXPORT dur_err dur_link_encoder_alloc(const dur_link_schema *schema, const dur_link_key *key,
			       dur_link_encoder **out, struct dur_error *err);
/*
 * Encode one record: `values[i]` is the value of the schema's field i
 * (dur_link_schema_field_name; NULL or "" is missing), `id` the record's
 * id (non-empty UTF-8, at most DUR_LINK_MAX_ID bytes; NULL: the record
 * number 1, 2, ...).  A date that is no date in any of the field's formats
 * counts as missing (see the stats).  Values are normalised (docs/link.md
 * §2); the encoder keeps no copy of them.  Messages name the record number
 * and the field, never a value.  DUR_EPARSE for a value that is not UTF-8,
 * DUR_EDATA for a bad id, DUR_ELIMIT past UINT32_MAX / 2 records.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_link_encoder_add(dur_link_encoder *enc, const char *id,
			     const char *const *values, struct dur_error *err);
/*
 * The encodings of every record added, in order; the encoder is then
 * empty (more records may be added for a new list).  DUR_EDATA when two
 * ids repeat (the message gives both record numbers) or no record was
 * added.  `stats` may be NULL.  *out is yours (dur_link_enc_free()).
 * @since 0.2
 */
DUR_EXPORT dur_err dur_link_encoder_finish(dur_link_encoder *enc, struct dur_link_encodings **out,
				struct dur_link_encode_stats *stats, struct dur_error *err);
/* Free; NULL is allowed.  @since 0.2 */
DUR_EXPORT void dur_link_encoder_free(dur_link_encoder *enc);

/* Write in the format of docs/link.md (version DUR_LINK_ENC_VERSION).
 * DUR_EIO on a write error.  @since 0.1 */
DUR_EXPORT dur_err dur_link_enc_write(const struct dur_link_encodings *e, FILE *f,
			   struct dur_error *err);
/*
 * Read and validate an encodings file held in `len` bytes (magic, version,
 * sizes, ids, record count, checksum).  `name` is used in messages.  When
 * `schema` is not NULL, a file made with another schema is refused
 * (DUR_ESCHEMA).  A file of format version 1 (duress 0.1, whose balancing
 * can be undone from the file alone) is refused with DUR_EPARSE and a
 * message that says to encode the list again.  *out is yours.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_enc_read(const void *buf, size_t len, const char *name,
			  const dur_link_schema *schema, struct dur_link_encodings **out,
			  struct dur_error *err);
/* Free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_link_enc_free(struct dur_link_encodings *e);

/* ---- Dice kernels ------------------------------------------------------- */

enum dur_link_kernel {
	DUR_LINK_KERNEL_AUTO = 0,      /* the fastest the CPU supports */
	DUR_LINK_KERNEL_PORTABLE = 1,  /* plain C, any CPU */
	DUR_LINK_KERNEL_POPCNT = 2,    /* x86-64 POPCNT instruction */
	DUR_LINK_KERNEL_AVX2 = 3,      /* x86-64 AVX2 (nibble look-up popcount) */
	DUR_LINK_KERNEL_AVX512 = 4     /* x86-64 AVX-512 VPOPCNTDQ */
};

/* True when this CPU (and build) can run `k`.  @since 0.1 */
DUR_EXPORT int dur_link_kernel_available(enum dur_link_kernel k);
/* The kernel AUTO resolves to, and a kernel's name.  @since 0.1 */
DUR_EXPORT enum dur_link_kernel dur_link_kernel_best(void);
DUR_EXPORT const char *dur_link_kernel_name(enum dur_link_kernel k);

/* Dice coefficient 2|a&b| / (|a|+|b|) of two filters of `words` 64-bit
 * words (0 when both are empty), portable code.  @since 0.1 */
DUR_EXPORT double dur_link_dice(const uint64_t *a, const uint64_t *b, size_t words);

/*
 * popcount(a & b[j]) for j < nb, b holding nb filters of `words` words
 * one after another, with kernel `k` (which must be available).  The
 * kernel behind matching, exposed for benchmarks and tests.
 * @since 0.1
 */
DUR_EXPORT void dur_link_and_popcount(enum dur_link_kernel k, const uint64_t *a, const uint64_t *b,
			   size_t nb, size_t words, uint32_t *out);

/* ---- linkage results ---------------------------------------------------- */

struct dur_link_pair {
	uint32_t list_a, rec_a, list_b, rec_b;  /* list_a < list_b, or rec_a < rec_b in dedup */
	double score;
	double prob;             /* probability that the pair is a match (the
				    fitted mixture; plain mode: Fellegi-Sunter),
				    or -1 when unknown */
	int best;                /* encodings: the pair is the best candidate of
				    both its records (only such pairs are
				    linked); plain mode: 1 */
};

/*
 * The threshold chosen from the scores themselves (dur_link_match): a
 * two-component Beta mixture fitted by EM to the best and second-best
 * scores of every record (docs/link.md §6).
 */
struct dur_link_threshold_fit {
	int fitted;              /* 1: the mixture was fitted and set the
				    threshold; 0: it was not used (a threshold
				    was given, or EM found no matches) */
	int separated;           /* the fit found a component of matches apart
				    from the non-matches */
	double threshold;        /* the threshold used */
	double bridge;           /* the bridge threshold used */
	double share;            /* mixing weight of the match component */
	double mean0, sd0;       /* non-match component */
	double mean1, sd1;       /* match component */
	double crossing;         /* score from which a pair is likelier a match */
	double tail;             /* score that fewer than one non-match best
				    score is expected to exceed */
	size_t points;           /* scores the mixture was fitted to */
	size_t iterations;
};

/*
 * The outcome of a linkage.  Invariants: cluster[l][r] is the person (0 ..
 * nclusters-1) of record r of list l; each person has at most one record
 * per list in linkage mode (any number in dedup); pairs are sorted by
 * (list_a, list_b, descending score).
 */
struct dur_link_result {
	size_t nlists;
	char **names;            /* list names */
	size_t *nrec;            /* records per list */
	char ***ids;             /* ids[l][r] */
	uint32_t **cluster;
	size_t nclusters;
	struct dur_link_pair *pairs;
	size_t npairs;
	size_t bridges_refused;  /* cluster merges refused as weak bridges */
	size_t comparisons;      /* pairs of records scored */
	size_t all_pairs;        /* pairs of records there are (sum over the
				    pairs of lists of na x nb) */
	size_t truncated;        /* records with more candidates above the
				    threshold than were kept */
	size_t buckets_skipped;  /* blocking buckets too large to use */
	struct dur_link_pair *cands;  /* every candidate pair kept (each record's
				    best, with its match probability): what
				    dur_link_draw_tables draws from; sorted as
				    pairs */
	size_t ncands;
	struct dur_link_threshold_fit fit;
};

DUR_EXPORT void dur_link_result_free(struct dur_link_result *r);

struct dur_link_match_params {
	double threshold;        /* accept pairs scoring at least this; 0 (the
				    default): choose it from the scores */
	double bridge_threshold; /* refuse joining people when any two of their
				    records across lists score below this; 0
				    (the default): from the fitted mixture */
	enum dur_link_kernel kernel;
	unsigned threads;        /* worker threads; 0: every core */
	int blocking;            /* 1: only pairs that share a blocking key
				    (when the encodings have them); 0: all pairs */
	size_t max_bucket;       /* blocking keys shared by more records of one
				    list than this are skipped; 20000 */
	size_t keep;             /* candidates kept per record (its best); 8 */
	double floor;            /* candidates kept from this score; 0.4 */
	double fallback;         /* threshold when the mixture finds no
				    matches: the schema's threshold */
	double fallback_bridge;  /* and the bridge threshold then */
	size_t max_iter;         /* EM iterations; 500 */
	double tol;              /* EM stops when no parameter moves more; 1e-9 */
	double min_separation;   /* Ashman's D the components must reach; 2 */
	size_t min_scores;       /* with fewer scores (two per record) than this
				    the fallback threshold is used; 200 */
};

/*
 * Defaults as documented above: threshold and bridge chosen from the
 * scores, the schema's threshold and bridge_threshold (0.8 and threshold
 * - 0.1 without a schema) as the fallback, kernel AUTO, every core,
 * blocking on.  @since 0.1
 */
DUR_EXPORT struct dur_link_match_params dur_link_match_default_params(const dur_link_schema *s);

/*
 * Link `nlists` (>= 2) lists of encodings.  Every list must come from the
 * same schema and key (DUR_ESCHEMA / DUR_EKEY otherwise).  `names` are the
 * list names (distinct, borrowed; copied into the result).  Per pair of
 * lists the candidate pairs (those sharing a blocking key, or all pairs)
 * are scored on `threads` threads (length filter, tiled popcount kernel)
 * and each record's `keep` best kept; the threshold is chosen from the
 * scores unless given (r->fit); a one-to-one assignment is made greedily
 * by descending score; people across 3 or more lists are then formed by
 * joining pairs in descending score, refusing weak bridges.  The result
 * does not depend on the number of threads.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_match(const struct dur_link_encodings *const *lists, const char *const *names,
		       size_t nlists, const struct dur_link_match_params *params,
		       struct dur_link_result **out, struct dur_error *err);

/* ---- plain identifiers: Fellegi-Sunter ---------------------------------- */

struct dur_link_fs_params {
	double threshold;        /* accept pairs with match probability >= this
				    (default: the schema's plain.threshold) */
	double bridge_threshold; /* refuse joining people when two of their
				    records have match probability below this;
				    default 0.01 */
	size_t max_iter;         /* EM iterations; default 500 */
	double tol;              /* EM stops when no parameter moves more; 1e-8 */
	size_t max_block;        /* blocks larger than this are skipped; 2000 */
	double jw_agree;         /* Jaro-Winkler level "agree" from; 0.95 */
	double jw_partial;       /* and "partly agree" from; 0.85 */
	double prob_floor;       /* m and u are kept within [floor, 1-floor]
				    so that no level has weight -inf; 1e-6 */
	size_t u_sample;         /* when there are at most this many pairs all
				    are scored (no blocking); otherwise EM sees
				    the candidates plus this many random pairs,
				    which anchor u.  200000 */
	uint64_t seed;           /* of the sampling generator; 0 = built-in */
	size_t max_dup_pairs;    /* dedup: EM's share of matches is capped at
				    this many pairs per record (linkage: one
				    per record of the shorter list, and at most
				    half of all pairs).  3 */
};
DUR_EXPORT struct dur_link_fs_params dur_link_fs_default_params(const dur_link_schema *s);

/* Per field and level, the EM estimates (for reporting). */
struct dur_link_fs_model {
	double lambda;           /* share of candidate pairs that match */
	size_t nfields;
	size_t nlevels[32];
	double m[32][4], u[32][4];
	size_t iterations;
	size_t candidates;
	int degenerate;          /* EM found no class of agreeing pairs (lists
				    that share nobody): no pair was linked */
};

/*
 * Link `nlists` (>= 2) CSV lists on plain identifiers.  `csv_names` are the
 * file names (messages), `names` the list names, `id_column` as for
 * encoding.  `model` (may be NULL) receives the EM estimates of the first
 * pair of lists.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_plain(const dur_link_schema *schema, const struct dur_csv *const *csvs,
		       const char *const *csv_names, const char *const *names, size_t nlists,
		       const char *id_column, const struct dur_link_fs_params *params,
		       struct dur_link_result **out, struct dur_link_fs_model *model,
		       struct dur_error *err);

/*
 * Deduplicate one list: pairs within the list scored as above (no
 * one-to-one constraint), people formed by joining pairs in descending
 * score and refusing weak bridges.  The result has one list.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_link_dedup(const dur_link_schema *schema, const struct dur_csv *csv,
		       const char *csv_name, const char *name, const char *id_column,
		       const struct dur_link_fs_params *params, struct dur_link_result **out,
		       struct dur_link_fs_model *model, struct dur_error *err);

/* ---- outputs ------------------------------------------------------------ */

/*
 * Capture histories in memory: person k (0 .. n-1, numbered as the
 * result's clusters) is on the lists whose bits are set in mask[k] (list l
 * = bit l); weakest[k] is the smallest match probability (or, when
 * unknown, score) of the links that joined the person's records, or -1
 * for a person on one list only.
 */
struct dur_link_histories {
	size_t n;
	size_t nlists;
	uint32_t *mask;
	double *weakest;
};
/* From a result; *out is yours (dur_link_histories_free()).  @since 0.2 */
DUR_EXPORT dur_err dur_link_to_histories(const struct dur_link_result *r,
			      struct dur_link_histories **out, struct dur_error *err);
/* Free; NULL is allowed.  @since 0.2 */
DUR_EXPORT void dur_link_histories_free(struct dur_link_histories *h);

/*
 * `ndraws` capture tables drawn from the link probabilities: in draw d
 * every candidate pair (r->cands) is taken as a match with its
 * probability, independently, using a GSL MT19937 stream seeded with
 * dur_rng_stream_seed(seed, d); people are then formed from the drawn
 * pairs as in dur_link_match (greedy one-to-one by descending score,
 * weak bridges refused at r->fit.bridge).  The tables show how much the
 * linkage alone can move what estimate finds.  (*out)[d] and *out are
 * yours (dur_table_free each, then free).  DUR_EINVAL when the result has
 * no probabilities (a plain-mode result) or ndraws is 0 or over 100000.
 * @since 0.2
 */
DUR_EXPORT dur_err dur_link_draw_tables(const struct dur_link_result *r,
			     const struct dur_link_encodings *const *lists, size_t ndraws,
			     uint64_t seed, struct dur_table ***out, struct dur_error *err);

/* CSV "list_a,id_a,list_b,id_b,score".  @since 0.1 */
DUR_EXPORT dur_err dur_link_write_pairs(const struct dur_link_result *r, FILE *f, struct dur_error *err);
/* The name of the column dur_link_write_histories adds with `weakest`. */
#define DUR_LINK_WEAKEST_COLUMN "link_weakest"
/* CSV "id,<list names>": one row per person, 0/1 per list (what `duress
 * estimate` reads).  @since 0.1 */
DUR_EXPORT dur_err dur_link_write_histories(const struct dur_link_result *r, FILE *f,
				 struct dur_error *err);
/*
 * The same with a last column DUR_LINK_WEAKEST_COLUMN: the person's
 * weakest link (struct dur_link_histories), six decimals, empty for a
 * person on one list.  A reader of capture histories must skip that
 * column (it is not a list).  @since 0.2
 */
DUR_EXPORT dur_err dur_link_write_histories_weakest(const struct dur_link_result *r, FILE *f,
					 struct dur_error *err);
/* CSV "<list names>,count", one row per observed pattern: the table of
 * dur_link_result_table written by dur_table_write_csv.  @since 0.1 */
DUR_EXPORT dur_err dur_link_write_table(const struct dur_link_result *r, FILE *f, struct dur_error *err);

/* ---- the link-match document (what a manifest records) ---------------- */

#define DUR_LINK_MATCH_FORMAT "duress-link-match"
#define DUR_LINK_MATCH_FORMAT_VERSION 1

/*
 * The people of a linkage as a capture table (struct dur_table, the hub
 * between link and estimate): list names and the number of people with
 * each pattern.  *out is yours.  @since 0.2
 */
DUR_EXPORT dur_err dur_link_result_table(const struct dur_link_result *r, struct dur_table **out,
				  struct dur_error *err);
/*
 * The figures of a match as a JSON document (new reference): records per
 * list, pairs scored and linked, people, weak bridges refused, the capture
 * table, and the linked pairs' scores in bins.  Counts only: no id.
 * @since 0.2
 */
DUR_EXPORT json_t *dur_link_result_json(const struct dur_link_result *r,
				 const struct dur_link_match_params *p);
/* The parameters as a manifest records them (new reference), and back,
 * strictly (list names borrow from j, at most `max`).  @since 0.2 */
DUR_EXPORT json_t *dur_link_match_params_to_json(const struct dur_link_match_params *p,
					  const char *const *names, size_t n);
DUR_EXPORT dur_err dur_link_match_params_from_json(const json_t *j,
					    struct dur_link_match_params *p,
					    const char **names, size_t max, size_t *n,
					    struct dur_error *err);

#endif
