/*
 * link_internal.h - private to src/link: the schema's innards, the
 * kernels and helpers shared by encoding, matching and Fellegi-Sunter.
 */
#ifndef DURESS_LINK_INTERNAL_H
#define DURESS_LINK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <duress/link.h>

#define LINK_MAX_FIELDS 32
#define LINK_MAX_FORMATS 16
#define LINK_MAX_RULE_PARTS 8
/* Blocking keys by default: 96 MinHash bands of 5 (docs/link.md §6). */
#define LINK_DEFAULT_BANDS 96
#define LINK_DEFAULT_ROWS 5

struct link_field {
	char *name;
	char *column;
	enum dur_link_field_type type;
	enum dur_link_compare compare;
	unsigned qgram;          /* text: q of the q-grams */
	int pad;                 /* text: pad the q-grams */
	int keep_spaces;         /* text: keep single spaces between words */
	unsigned bits_per_token; /* bits set per token (independent keyed hashes) */
	size_t nformats;
	char *formats[LINK_MAX_FORMATS];
};

struct link_rule {
	size_t nparts;
	size_t field[LINK_MAX_RULE_PARTS];
	size_t prefix[LINK_MAX_RULE_PARTS]; /* 0: whole value; else first N code points */
};

struct dur_link_schema {
	size_t nfields;
	struct link_field field[LINK_MAX_FIELDS];
	size_t filter_bits;
	uint32_t harden;         /* DUR_LINK_HARDEN_* */
	unsigned diffusion;      /* inputs per output bit, 0: no diffusion layer */
	size_t diffusion_from;   /* bits the diffusion layer reads */
	size_t lsh_bands;        /* blocking keys per record, 0: none */
	unsigned lsh_rows;       /* MinHash values per key */
	double threshold;
	double bridge_threshold;
	double plain_threshold;
	char *id_column;
	size_t nrules;
	struct link_rule *rule;
	unsigned char hash[DUR_LINK_HASH_BYTES];
};

/* Normalise a value of field `f` into *out (NULL when missing).  For
 * dates a value that is no date gives DUR_EDATA and *out NULL. */
dur_err link_normalise_field(const struct link_field *f, const char *in, char **out,
			     struct dur_error *err);

/* Number of code points in a valid UTF-8 string, and decoding. */
size_t link_utf8_decode(const char *s, int32_t *cp, size_t cap);

/* popcount of a 64-bit word, portable. */
static inline unsigned link_popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* Clustering shared by both modes: records are (list, rec) numbered
 * globally; `score(ctx, ga, gb, &s)` returns 1 and the score of two records
 * when known/computable, else 0. */
typedef int (*link_score_fn)(void *ctx, size_t ga, size_t gb, double *s);

dur_err link_cluster(struct dur_link_result *r, int one_per_list, double bridge,
		     link_score_fn score, void *ctx, struct dur_error *err);

/* Allocate the per-list arrays of a result (names copied). */
dur_err link_result_init(struct dur_link_result **out, size_t nlists,
			 const char *const *names, const size_t *nrec, struct dur_error *err);

/* Sort pairs by (list_a, list_b, score desc, rec_a, rec_b). */
void link_sort_pairs(struct dur_link_pair *p, size_t n);

/* Greedy one-to-one on candidate pairs of one pair of lists: keeps the
 * accepted ones at the front and returns their number. */
size_t link_greedy_one_to_one(struct dur_link_pair *p, size_t n, size_t na, size_t nb,
			      unsigned char *used_a, unsigned char *used_b);

/* Read the id column of a CSV (or number records) checking that ids are
 * valid and distinct.  ids[i] are new strings; ids array too. */
dur_err link_csv_ids(const struct dur_csv *csv, const char *name, const char *id_column,
		     const dur_link_schema *s, char ***ids, struct dur_error *err);

/* Check the header has every schema column and all rows are as wide. */
dur_err link_csv_check(const struct dur_csv *csv, const char *name, const dur_link_schema *s,
		       long *colidx, struct dur_error *err);

/* The two-component Beta mixture of mixture.c. */
struct link_mix_params {
	double eps;              /* scores are kept within [eps, 1 - eps] */
	double fallback;         /* threshold when there is nothing to fit */
	double fallback_bridge;
	double min_separation;
	size_t min_points;
	double tol;
	size_t max_iter;
};

struct link_mix {
	int separated;
	double pi, a0, b0, a1, b1;
	double mean0, sd0, mean1, sd1;
	double crossing, tail, threshold, bridge, eps;
	size_t iterations, points;
};

/* Fit to n scores, second[i] set for a record's second-best score. */
dur_err link_mix_fit(const double *score, const unsigned char *second, size_t n,
		     const struct link_mix_params *p, struct link_mix *m, struct dur_error *err);
/* Probability that a pair scoring s is a match. */
double link_mix_prob(const struct link_mix *m, double s);

#endif
