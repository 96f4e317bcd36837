/*
 * Keys, keyed Bloom-filter encodings and the encodings file format.
 *
 * Each token of a field sets `bits_per_token` bits chosen by independent
 * keyed hashes (BLAKE2b keyed with the field's own key, output cut into
 * 32-bit positions): "random hashing", which avoids the structure of
 * double hashing that Niedermeyer et al. (2014) exploited.  All fields go
 * into one record-level filter (a CLK, Schnell, Bachteler & Reiher 2011).
 * Hardening (Christen et al. 2018 on the attacks):
 *   xor_fold   the two halves of a filter twice as long are XORed
 *              (Schnell, Borgs & Encarnacao 2016);
 *   diffusion  each output bit is the XOR of t input bits chosen with the
 *              key (the linear diffusion layer of Armknecht, Heng &
 *              Schnell 2023), so that no output bit belongs to a token,
 *              and bit frequencies and the weight flatten towards 1/2;
 *   balance    the filter is concatenated with its complement and the bits
 *              permuted with one keyed permutation (Schnell & Borgs 2016);
 *              kept for old schemas only: the complementary pairs are the
 *              same in every record and are found from a few dozen.
 * Every record also gets blocking keys: MinHash LSH over its keyed tokens
 * (Broder 1997; bands of rows as in Leskovec, Rajaraman & Ullman, Mining
 * of Massive Datasets, ch. 3), computed here where the cleartext is, so
 * that matching needs none.  See docs/link.md.
 */
#include "link_internal.h"

#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <duress/rng.h>

#define ENC_MAGIC "DURLENC\n"
#define ENC_VERSION DUR_LINK_ENC_VERSION
#define ENC_HEADER 96
#define ENC_TRAILER 32

struct dur_link_key {
	size_t nfields;
	unsigned char field[LINK_MAX_FIELDS][32];
	unsigned char perm_seed[randombytes_SEEDBYTES];
	unsigned char diff_seed[randombytes_SEEDBYTES];
	unsigned char lsh_key[32];
	unsigned char check[DUR_LINK_KEYCHECK_BYTES];
};

dur_err dur_link_secret_check(const unsigned char *secret, size_t len, double *entropy_bytes,
			      struct dur_error *err)
{
	size_t count[256] = { 0 }, printable = 0;
	double h = 0.0;

	if (entropy_bytes)
		*entropy_bytes = 0.0;
	if (len < DUR_LINK_MIN_SECRET)
		return dur_error_set(err, DUR_EKEY,
				     "the secret is too short (%zu bytes; at least %d are needed): "
				     "make one with: %s", len, DUR_LINK_MIN_SECRET,
				     DUR_LINK_SECRET_COMMAND);
	if (len > DUR_LINK_MAX_SECRET)
		return dur_error_set(err, DUR_EKEY, "the secret is too long (over %d bytes)",
				     DUR_LINK_MAX_SECRET);
	for (size_t i = 0; i < len; i++) {
		count[secret[i]]++;
		printable += (secret[i] >= 0x20 && secret[i] <= 0x7e) || secret[i] == '\t' ||
			     secret[i] == '\r' || secret[i] == '\n';
	}
	/* the plug-in (Shannon) estimate from the byte frequencies: bits per
	   byte times the length.  It overstates the entropy of structured text
	   and understates that of short random strings, hence the rules below
	   it and a recommended length of 32 random bytes */
	for (int b = 0; b < 256; b++)
		if (count[b]) {
			double p = (double)count[b] / (double)len;
			h -= p * log2(p);
		}
	h = h * (double)len / 8.0;
	if (entropy_bytes)
		*entropy_bytes = h;
	if (count[secret[0]] == len)
		return dur_error_set(err, DUR_EKEY, "the secret is one byte repeated: make a "
				     "random one with: %s", DUR_LINK_SECRET_COMMAND);
	if (printable == len)
		return dur_error_set(err, DUR_EKEY, "the secret is printable text, like a "
				     "password, which can be guessed: use random bytes, made with: %s",
				     DUR_LINK_SECRET_COMMAND);
	if (h < DUR_LINK_MIN_SECRET_ENTROPY)
		return dur_error_set(err, DUR_EKEY, "the secret holds too little entropy (about "
				     "%.0f bytes by a simple estimate; at least %.0f are needed): "
				     "make one with: %s", floor(h), DUR_LINK_MIN_SECRET_ENTROPY,
				     DUR_LINK_SECRET_COMMAND);
	return DUR_OK;
}

/*
 * prk = BLAKE2b-512(secret) keyed with a fixed label (domain separation);
 * master = BLAKE2b-256(schema hash) keyed with prk, so that keys differ per
 * schema; field keys, the permutation and diffusion seeds, the blocking
 * key and the key check value are then derived with
 * crypto_kdf_derive_from_key (BLAKE2b) under distinct contexts and ids.
 */
dur_err dur_link_key_alloc(const dur_link_schema *schema, const unsigned char *secret,
			   size_t len, dur_link_key **out, struct dur_error *err)
{
	static const unsigned char label[] = "duress link secret v1";
	unsigned char prk[64], master[crypto_kdf_KEYBYTES], chk[32];
	dur_link_key *k;
	dur_err rc;

	*out = NULL;
	if (sodium_init() < 0)
		return dur_error_set(err, DUR_EKEY, "cannot initialise libsodium");
	if ((rc = dur_link_secret_check(secret, len, NULL, err)))
		return rc;
	k = sodium_malloc(sizeof(*k));
	if (!k)
		return dur_error_set(err, DUR_ENOMEM, "cannot allocate locked memory for the key");
	memset(k, 0, sizeof(*k));
	crypto_generichash(prk, sizeof(prk), secret, len, label, sizeof(label) - 1);
	crypto_generichash(master, sizeof(master), schema->hash, DUR_LINK_HASH_BYTES, prk,
			   sizeof(prk));
	k->nfields = schema->nfields;
	for (size_t i = 0; i < schema->nfields; i++)
		crypto_kdf_derive_from_key(k->field[i], 32, i + 1, "durlinkf", master);
	crypto_kdf_derive_from_key(k->perm_seed, sizeof(k->perm_seed), 1, "durlinkp", master);
	crypto_kdf_derive_from_key(k->diff_seed, sizeof(k->diff_seed), 1, "durlinkd", master);
	crypto_kdf_derive_from_key(k->lsh_key, sizeof(k->lsh_key), 1, "durlinkb", master);
	crypto_kdf_derive_from_key(chk, sizeof(chk), 1, "durlinkc", master);
	memcpy(k->check, chk, sizeof(k->check));
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(master, sizeof(master));
	sodium_memzero(chk, sizeof(chk));
	sodium_mprotect_readonly(k);
	*out = k;
	return DUR_OK;
}

void dur_link_key_free(dur_link_key *k)
{
	if (k)
		sodium_free(k);  /* wipes, unlocks and unmaps */
}

void dur_link_enc_free(struct dur_link_encodings *e)
{
	if (!e)
		return;
	if (e->id)
		for (size_t i = 0; i < e->n; i++)
			free(e->id[i]);
	free(e->id);
	free(e->filters);
	free(e->weight);
	free(e->bandkey);
	free(e);
}

/* ---- CSV helpers shared with plain linkage ---- */

dur_err link_csv_check(const struct dur_csv *csv, const char *name, const dur_link_schema *s,
		       long *colidx, struct dur_error *err)
{
	size_t w = csv->rec[0].nfields;

	for (size_t i = 0; i < s->nfields; i++) {
		colidx[i] = dur_csv_column(csv, s->field[i].column);
		if (colidx[i] < 0)
			return dur_error_set(err, DUR_EDATA,
					     "'%s' line %zu: no column '%s' (field '%s' of the "
					     "schema)", name, csv->rec[0].line, s->field[i].column,
					     s->field[i].name);
	}
	for (size_t r = 1; r < csv->nrec; r++)
		if (csv->rec[r].nfields != w)
			return dur_error_set(err, DUR_EPARSE,
					     "'%s' line %zu: %zu fields where the header has %zu",
					     name, csv->rec[r].line, csv->rec[r].nfields, w);
	if (csv->nrec < 2)
		return dur_error_set(err, DUR_EDATA, "'%s': no records after the header", name);
	return DUR_OK;
}

/*
 * Are the ids distinct?  Sorts indices by id (ties by index); on a repeat
 * *first and *again are the indices of the first occurrence and of a
 * later one, else *again is (size_t)-1.
 */
struct idsort {
	const char *id;
	size_t i;
};

static int cmp_idsort(const void *a, const void *b)
{
	const struct idsort *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static dur_err check_distinct(char **ids, size_t n, size_t *first, size_t *again,
			      struct dur_error *err)
{
	struct idsort *c = malloc((n ? n : 1) * sizeof(*c));
	*again = (size_t)-1;
	if (!c)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		c[i].id = ids[i];
		c[i].i = i;
	}
	if (n > 1)
		qsort(c, n, sizeof(*c), cmp_idsort);
	for (size_t i = 1; i < n; i++)
		if (strcmp(c[i - 1].id, c[i].id) == 0 && (*again == (size_t)-1 || c[i].i < *again)) {
			*first = c[i - 1].i;
			*again = c[i].i;
		}
	free(c);
	return DUR_OK;
}

dur_err link_csv_ids(const struct dur_csv *csv, const char *name, const char *id_column,
		     const dur_link_schema *s, char ***out, struct dur_error *err)
{
	size_t n = csv->nrec - 1;
	long col = -1;
	char **ids;
	size_t first = 0, again;
	dur_err rc;

	*out = NULL;
	if (!id_column)
		id_column = s->id_column;
	if (id_column) {
		col = dur_csv_column(csv, id_column);
		if (col < 0)
			return dur_error_set(err, DUR_EDATA, "'%s' line %zu: no id column '%s'", name,
					     csv->rec[0].line, id_column);
	}
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct dur_csv_record *r = &csv->rec[i + 1];
		char buf[32];
		const char *v = buf;
		if (col >= 0) {
			if ((size_t)col >= r->nfields) {
				rc = dur_error_set(err, DUR_EPARSE, "'%s' line %zu: too few fields",
						   name, r->line);
				goto fail;
			}
			v = r->field[col];
			if (!*v || strlen(v) > DUR_LINK_MAX_ID) {
				rc = dur_error_set(err, DUR_EDATA,
						   "'%s' line %zu, column '%s': the id is empty or "
						   "longer than %d bytes", name, r->line, id_column,
						   DUR_LINK_MAX_ID);
				goto fail;
			}
		} else {
			snprintf(buf, sizeof(buf), "%zu", i + 1);
		}
		ids[i] = malloc(strlen(v) + 1);
		if (!ids[i]) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto fail;
		}
		strcpy(ids[i], v);
	}
	if ((rc = check_distinct(ids, n, &first, &again, err)))
		goto fail;
	if (again != (size_t)-1) {
		/* the value is not shown: an id may be more telling than it should */
		rc = dur_error_set(err, DUR_EDATA,
				   "'%s' line %zu, column '%s': ids are not distinct (this id "
				   "is also on line %zu)", name, csv->rec[again + 1].line,
				   id_column ? id_column : "?", csv->rec[first + 1].line);
		goto fail;
	}
	*out = ids;
	return DUR_OK;
fail:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/* ---- encoding ---- */

static void set_bit(uint64_t *f, size_t i)
{
	f[i >> 6] |= (uint64_t)1 << (i & 63);
}

static int get_bit(const uint64_t *f, size_t i)
{
	return (int)((f[i >> 6] >> (i & 63)) & 1);
}

struct dur_link_encoder {
	const dur_link_schema *s;
	const dur_link_key *key;
	size_t m, words;        /* output bits and words */
	size_t mb, wb;          /* bits and words tokens are hashed into */
	uint32_t *perm;         /* balance: keyed permutation of m bits */
	uint32_t *taps;         /* diffusion: m x t input bits */
	uint64_t *lsh_seed;     /* bands x rows MinHash seeds, then bands seeds */
	uint64_t *base, *tmp, *mins;
	size_t n, cap;
	char **id;
	uint64_t *filters;
	uint32_t *weight;
	uint32_t *bandkey;
	struct dur_link_encode_stats st;
};

/* Hash one token into `k` positions of a filter of `mb` bits. */
static void hash_token(const unsigned char key[32], const char *tok, size_t len, unsigned k,
		       uint64_t *f, size_t mb)
{
	unsigned char h[64];
	unsigned done = 0;

	for (unsigned char block = 0; done < k; block++) {
		crypto_generichash_state st;
		crypto_generichash_init(&st, key, 32, sizeof(h));
		crypto_generichash_update(&st, (const unsigned char *)tok, len);
		if (block > 0)  /* the first block hashes the token alone */
			crypto_generichash_update(&st, &block, 1);
		crypto_generichash_final(&st, h, sizeof(h));
		for (unsigned j = 0; j < 16 && done < k; j++, done++) {
			uint32_t v = (uint32_t)h[4 * j] | (uint32_t)h[4 * j + 1] << 8 |
				     (uint32_t)h[4 * j + 2] << 16 | (uint32_t)h[4 * j + 3] << 24;
			set_bit(f, v % mb);
		}
	}
	sodium_memzero(h, sizeof(h));
}

/*
 * MinHash of one token: its keyed 64-bit hash x (BLAKE2b keyed with the
 * blocking key, over the field number and the token) is mixed with each of
 * the bands x rows keyed seeds by the splitmix64 bijection, and each
 * running minimum updated.  The keyed hash makes the minima unguessable
 * without the secret; mixing is cheap where a keyed hash per function
 * would not be.
 */
static void lsh_token(struct dur_link_encoder *e, size_t field, const char *tok, size_t len)
{
	size_t nh = e->s->lsh_bands * e->s->lsh_rows;
	/* text fields share one tag, so that a given name and a surname
	   written in each other's place still share their q-grams */
	unsigned char fb = e->s->field[field].type == DUR_LINK_TEXT ? 255 : (unsigned char)field, h[8];
	crypto_generichash_state st;
	uint64_t x = 0;

	if (!nh)
		return;
	crypto_generichash_init(&st, e->key->lsh_key, 32, sizeof(h));
	crypto_generichash_update(&st, &fb, 1);
	crypto_generichash_update(&st, (const unsigned char *)tok, len);
	crypto_generichash_final(&st, h, sizeof(h));
	for (int i = 7; i >= 0; i--)
		x = x << 8 | h[i];
	for (size_t i = 0; i < nh; i++) {
		uint64_t v = dur_splitmix64(x ^ e->lsh_seed[i]);
		if (v < e->mins[i])
			e->mins[i] = v;
	}
	sodium_memzero(h, sizeof(h));
	sodium_memzero(&x, sizeof(x));
}

/* A token of the filter; `lsh` says whether it is also a blocking token. */
static void token(struct dur_link_encoder *e, size_t field, const char *tok, size_t len,
		  int lsh)
{
	hash_token(e->key->field[field], tok, len, e->s->field[field].bits_per_token, e->base,
		   e->mb);
	if (lsh)
		lsh_token(e, field, tok, len);
}

/* Tokens of one normalised value: q-grams for text; "Y:yyyy" "M:mm"
 * "D:dd" and the digits in place for dates; digits in place, digit pairs
 * and the length for numbers. */
static dur_err add_field(struct dur_link_encoder *e, size_t field, const char *v,
			 struct dur_error *err)
{
	const struct link_field *fd = &e->s->field[field];
	char tok[32];
	dur_err rc;

	/* Blocking tokens are those that few records share: q-grams of text,
	   a date whole and with one of its parts left out, a number whole and
	   its digit pairs.  The digits in place, months, days and lengths,
	   which most records share with many others, go into the filter only
	   (in MinHash they would make huge buckets of unrelated records). */
	if (fd->type == DUR_LINK_TEXT) {
		char **g = NULL;
		size_t ng = 0;
		if ((rc = dur_link_qgrams(v, fd->qgram, fd->pad, &g, &ng, err)))
			return rc;
		for (size_t i = 0; i < ng; i++) {
			token(e, field, g[i], strlen(g[i]), 1);
			sodium_memzero(g[i], strlen(g[i]));
			free(g[i]);
		}
		free(g);
	} else if (fd->type == DUR_LINK_DATE) {
		/* v is YYYY-MM-DD */
		snprintf(tok, sizeof(tok), "Y:%.4s", v);
		token(e, field, tok, strlen(tok), 0);
		snprintf(tok, sizeof(tok), "M:%.2s", v + 5);
		token(e, field, tok, strlen(tok), 0);
		snprintf(tok, sizeof(tok), "D:%.2s", v + 8);
		token(e, field, tok, strlen(tok), 0);
		/* and each digit in its place, so that one mistyped digit still
		   leaves 7 of 8 of these in common */
		for (size_t i = 0, d = 0; i < 10; i++) {
			if (v[i] == '-')
				continue;
			snprintf(tok, sizeof(tok), "d%zu:%c", d++, v[i]);
			token(e, field, tok, strlen(tok), 0);
		}
		if (e->s->lsh_bands) {
			snprintf(tok, sizeof(tok), "YMD:%.10s", v);
			lsh_token(e, field, tok, strlen(tok));
			snprintf(tok, sizeof(tok), "YM:%.7s", v);
			lsh_token(e, field, tok, strlen(tok));
			snprintf(tok, sizeof(tok), "MD:%.5s", v + 5);
			lsh_token(e, field, tok, strlen(tok));
			snprintf(tok, sizeof(tok), "YD:%.4s%.2s", v, v + 8);
			lsh_token(e, field, tok, strlen(tok));
		}
	} else {
		size_t n = strlen(v);
		for (size_t i = 0; i < n && i < 64; i++) {
			snprintf(tok, sizeof(tok), "%zu:%c", i, v[i]);
			token(e, field, tok, strlen(tok), 0);
		}
		/* digit pairs, which survive a digit inserted or dropped */
		for (size_t i = 0; i + 1 < n && i < 64; i++) {
			snprintf(tok, sizeof(tok), "b:%c%c", v[i], v[i + 1]);
			token(e, field, tok, strlen(tok), 1);
		}
		/* the length, so that "123" and "1234" differ beyond a digit */
		snprintf(tok, sizeof(tok), "L:%zu", n);
		token(e, field, tok, strlen(tok), 0);
		if (e->s->lsh_bands) {
			/* the whole number (its hash; no copy is kept) */
			crypto_generichash_state st;
			unsigned char hv[16];
			crypto_generichash_init(&st, NULL, 0, sizeof(hv));
			crypto_generichash_update(&st, (const unsigned char *)"N:", 2);
			crypto_generichash_update(&st, (const unsigned char *)v, n);
			crypto_generichash_final(&st, hv, sizeof(hv));
			lsh_token(e, field, (const char *)hv, sizeof(hv));
			sodium_memzero(hv, sizeof(hv));
		}
	}
	sodium_memzero(tok, sizeof(tok));
	return DUR_OK;
}

/* A keyed permutation of 0..m-1 (Fisher-Yates driven by a deterministic
 * ChaCha20 stream; 64-bit draws make the modulo bias negligible). */
static dur_err make_perm(const dur_link_key *key, size_t m, uint32_t **out,
			 struct dur_error *err)
{
	uint64_t *r = malloc(m * sizeof(*r));
	uint32_t *p = malloc(m * sizeof(*p));

	*out = NULL;
	if (!r || !p) {
		free(r);
		free(p);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	randombytes_buf_deterministic(r, m * sizeof(*r), key->perm_seed);
	for (size_t i = 0; i < m; i++)
		p[i] = (uint32_t)i;
	for (size_t i = m - 1; i > 0; i--) {
		size_t j = (size_t)(r[i] % (i + 1));
		uint32_t t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	sodium_memzero(r, m * sizeof(*r));
	free(r);
	*out = p;
	return DUR_OK;
}

/*
 * The taps of the diffusion layer (Armknecht, Heng & Schnell 2023): for
 * each of the m output bits, t distinct input bits of the `in` there are,
 * drawn from a deterministic ChaCha20 stream keyed by the diffusion seed.
 * Only the holders of the secret know them.
 */
static dur_err make_taps(const dur_link_key *key, size_t m, size_t in, unsigned t,
			 uint32_t **out, struct dur_error *err)
{
	size_t nr = m * t * 4 + 64;  /* rejections are rare: t << in */
	uint64_t *r = malloc(nr * sizeof(*r));
	uint32_t *p = malloc(m * t * sizeof(*p));
	size_t k = 0;

	*out = NULL;
	if (!r || !p) {
		free(r);
		free(p);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	randombytes_buf_deterministic(r, nr * sizeof(*r), key->diff_seed);
	for (size_t j = 0; j < m; j++)
		for (unsigned i = 0; i < t; i++) {
			uint32_t v;
			int again;
			do {
				if (k == nr) {  /* cannot happen for t <= 32 < in / 2 */
					free(r);
					free(p);
					return dur_error_set(err, DUR_EINVAL,
							     "cannot draw the diffusion taps");
				}
				v = (uint32_t)(r[k++] % in);
				again = 0;
				for (unsigned q = 0; q < i; q++)
					again |= p[j * t + q] == v;
			} while (again);
			p[j * t + i] = v;
		}
	sodium_memzero(r, nr * sizeof(*r));
	free(r);
	*out = p;
	return DUR_OK;
}

void dur_link_encoder_free(dur_link_encoder *e)
{
	if (!e)
		return;
	if (e->id)
		for (size_t i = 0; i < e->n; i++)
			free(e->id[i]);
	free(e->id);
	if (e->filters)
		sodium_memzero(e->filters, e->cap * e->words * sizeof(uint64_t));
	free(e->filters);
	free(e->weight);
	free(e->bandkey);
	if (e->base)
		sodium_memzero(e->base, e->wb * sizeof(uint64_t));
	if (e->tmp)
		sodium_memzero(e->tmp, e->words * sizeof(uint64_t));
	if (e->mins)
		sodium_memzero(e->mins, e->s->lsh_bands * e->s->lsh_rows * sizeof(uint64_t));
	if (e->lsh_seed)
		sodium_memzero(e->lsh_seed, e->s->lsh_bands * (e->s->lsh_rows + 1) *
				sizeof(uint64_t));
	if (e->taps)
		sodium_memzero(e->taps, e->m * e->s->diffusion * sizeof(uint32_t));
	if (e->perm)
		sodium_memzero(e->perm, e->m * sizeof(uint32_t));
	free(e->base);
	free(e->tmp);
	free(e->mins);
	free(e->lsh_seed);
	free(e->taps);
	free(e->perm);
	free(e);
}

dur_err dur_link_encoder_alloc(const dur_link_schema *s, const dur_link_key *key,
			       dur_link_encoder **out, struct dur_error *err)
{
	dur_link_encoder *e;
	size_t nh = s->lsh_bands * s->lsh_rows;
	dur_err rc;

	*out = NULL;
	if (key->nfields != s->nfields)
		return dur_error_set(err, DUR_EINVAL, "the key was made for another schema");
	e = calloc(1, sizeof(*e));
	if (!e)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->s = s;
	e->key = key;
	e->m = s->filter_bits;
	e->words = e->m / 64;
	/* tokens go into the bits the diffusion layer reads, or the filter;
	   balancing halves them, folding doubles them */
	e->mb = s->diffusion ? s->diffusion_from : e->m;
	if (s->harden & DUR_LINK_HARDEN_BALANCE)
		e->mb /= 2;
	if (s->harden & DUR_LINK_HARDEN_XOR_FOLD)
		e->mb *= 2;
	e->wb = e->mb / 64;
	e->base = malloc(e->wb * sizeof(uint64_t));
	e->tmp = malloc(e->words * sizeof(uint64_t));
	e->mins = malloc((nh ? nh : 1) * sizeof(uint64_t));
	e->lsh_seed = malloc((s->lsh_bands * (s->lsh_rows + 1) + 1) * sizeof(uint64_t));
	if (!e->base || !e->tmp || !e->mins || !e->lsh_seed) {
		dur_link_encoder_free(e);
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	}
	if (s->lsh_bands) {
		unsigned char seed[randombytes_SEEDBYTES];
		/* the MinHash seeds: a ChaCha20 stream keyed by a hash of the
		   blocking key (so that they are not the key itself) */
		crypto_generichash(seed, sizeof(seed), (const unsigned char *)"durlinkb seeds", 14,
				   key->lsh_key, sizeof(key->lsh_key));
		randombytes_buf_deterministic(e->lsh_seed, s->lsh_bands * (s->lsh_rows + 1) *
					      sizeof(uint64_t), seed);
		sodium_memzero(seed, sizeof(seed));
	}
	if ((s->harden & DUR_LINK_HARDEN_BALANCE) && (rc = make_perm(key, e->m, &e->perm, err))) {
		dur_link_encoder_free(e);
		return rc;
	}
	if (s->diffusion &&
	    (rc = make_taps(key, e->m, (s->harden & DUR_LINK_HARDEN_XOR_FOLD) ? e->mb / 2 : e->mb,
			    s->diffusion, &e->taps, err))) {
		dur_link_encoder_free(e);
		return rc;
	}
	*out = e;
	return DUR_OK;
}

static dur_err grow(dur_link_encoder *e, struct dur_error *err)
{
	size_t nc = e->cap ? 2 * e->cap : 256;
	char **id;
	uint64_t *f;
	uint32_t *w, *bk;

	if (e->n >= UINT32_MAX / 2)
		return dur_error_set(err, DUR_ELIMIT, "too many records (over %u)",
				     (unsigned)(UINT32_MAX / 2));
	id = realloc(e->id, nc * sizeof(*id));
	if (!id)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->id = id;
	f = realloc(e->filters, nc * e->words * sizeof(uint64_t));
	if (!f)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->filters = f;
	w = realloc(e->weight, nc * sizeof(uint32_t));
	if (!w)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->weight = w;
	bk = realloc(e->bandkey, (nc * e->s->lsh_bands + 1) * sizeof(uint32_t));
	if (!bk)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->bandkey = bk;
	e->cap = nc;
	return DUR_OK;
}

/*
 * Encode one record.  `line` is what messages and the stats call its
 * place (a CSV line or a record number); on an error in a field *bad is
 * that field's index (else (size_t)-1) and the message has no prefix.
 */
static dur_err encoder_add(dur_link_encoder *e, const char *id, const char *const *values,
			   size_t line, size_t *bad, struct dur_error *err)
{
	const dur_link_schema *s = e->s;
	size_t nh = s->lsh_bands * s->lsh_rows, cur = e->mb, len;
	uint64_t *f;
	char buf[32], *v = NULL;
	dur_err rc;

	*bad = (size_t)-1;
	if (!id) {
		snprintf(buf, sizeof(buf), "%zu", e->n + 1);
		id = buf;
	}
	len = strlen(id);
	if (!len || len > DUR_LINK_MAX_ID)
		return dur_error_set(err, DUR_EDATA, "the id is empty or longer than %d bytes",
				     DUR_LINK_MAX_ID);
	if (dur_utf8_check(id, len, NULL) != DUR_OK)
		return dur_error_set(err, DUR_EPARSE, "the id is not UTF-8 text");
	if (e->n == e->cap && (rc = grow(e, err)))
		return rc;
	memset(e->base, 0, e->wb * sizeof(uint64_t));
	for (size_t i = 0; i < nh; i++)
		e->mins[i] = UINT64_MAX;
	for (size_t i = 0; i < s->nfields; i++) {
		const char *in = values[i] ? values[i] : "";
		rc = link_normalise_field(&s->field[i], in, &v, err);
		if (rc == DUR_EDATA) {
			/* not a date in any configured format: missing, counted */
			if (!e->st.bad_dates++) {
				e->st.first_bad_line = line;
				snprintf(e->st.first_bad_column, sizeof(e->st.first_bad_column), "%s",
					 s->field[i].column);
			}
			e->st.missing++;
			continue;
		}
		if (rc) {
			*bad = i;
			return rc;
		}
		if (!v) {
			e->st.missing++;
			continue;
		}
		rc = add_field(e, i, v, err);
		sodium_memzero(v, strlen(v));
		free(v);
		v = NULL;
		if (rc) {
			*bad = i;
			return rc;
		}
	}
	f = e->filters + e->n * e->words;
	if (s->harden & DUR_LINK_HARDEN_XOR_FOLD) {
		size_t half = cur / 128;
		for (size_t w = 0; w < half; w++)
			e->base[w] ^= e->base[w + half];
		cur /= 2;
	}
	memset(f, 0, e->words * sizeof(uint64_t));
	if (s->diffusion) {
		/* output bit j = XOR of its t taps */
		const uint32_t *tp = e->taps;
		for (size_t j = 0; j < e->m; j++, tp += s->diffusion) {
			unsigned x = 0;
			for (unsigned q = 0; q < s->diffusion; q++)
				x ^= (unsigned)get_bit(e->base, tp[q]);
			if (x)
				set_bit(f, j);
		}
	} else if (s->harden & DUR_LINK_HARDEN_BALANCE) {
		size_t half = cur / 64;
		memset(e->tmp, 0, e->words * sizeof(uint64_t));
		for (size_t w = 0; w < half; w++) {
			e->tmp[w] = e->base[w];
			e->tmp[w + half] = ~e->base[w];
		}
		for (size_t b = 0; b < e->m; b++)
			if (get_bit(e->tmp, b))
				set_bit(f, e->perm[b]);
	} else {
		memcpy(f, e->base, e->words * sizeof(uint64_t));
	}
	e->weight[e->n] = 0;
	for (size_t w = 0; w < e->words; w++)
		e->weight[e->n] += link_popcount64(f[w]);
	/* blocking keys: band b combines its rows' minima with a keyed seed; a
	   record with no tokens gets keys 0 (matching skips empty records) */
	for (size_t b = 0; b < s->lsh_bands; b++) {
		uint64_t acc = e->lsh_seed[nh + b];
		int empty = 1;
		for (unsigned r = 0; r < s->lsh_rows; r++) {
			uint64_t mv = e->mins[b * s->lsh_rows + r];
			empty &= mv == UINT64_MAX;
			acc = dur_splitmix64(acc ^ mv);
		}
		e->bandkey[e->n * s->lsh_bands + b] = empty ? 0 : (uint32_t)(acc >> 32);
	}
	e->id[e->n] = malloc(len + 1);
	if (!e->id[e->n])
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	memcpy(e->id[e->n], id, len + 1);
	e->n++;
	return DUR_OK;
}

dur_err dur_link_encoder_add(dur_link_encoder *e, const char *id, const char *const *values,
			     struct dur_error *err)
{
	size_t bad;
	dur_err rc = encoder_add(e, id, values, e->n + 1, &bad, err);
	if (rc && bad != (size_t)-1)
		dur_error_prefix(err, "record %zu, field '%s'", e->n + 1, e->s->field[bad].name);
	else if (rc)
		dur_error_prefix(err, "record %zu", e->n + 1);
	return rc;
}

dur_err dur_link_encoder_finish(dur_link_encoder *e, struct dur_link_encodings **out,
				struct dur_link_encode_stats *stats, struct dur_error *err)
{
	struct dur_link_encodings *x;
	size_t first = 0, again;
	dur_err rc;

	*out = NULL;
	if (!e->n)
		return dur_error_set(err, DUR_EDATA, "no records to encode");
	if ((rc = check_distinct(e->id, e->n, &first, &again, err)))
		return rc;
	if (again != (size_t)-1)
		return dur_error_set(err, DUR_EDATA, "record %zu: its id repeats record %zu's",
				     again + 1, first + 1);
	x = calloc(1, sizeof(*x));
	if (!x)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	x->n = e->n;
	x->bits = e->m;
	x->words = e->words;
	x->flags = e->s->harden;
	x->diffusion = e->s->diffusion;
	x->bands = e->s->lsh_bands;
	x->rows = e->s->lsh_rows;
	memcpy(x->schema_hash, e->s->hash, DUR_LINK_HASH_BYTES);
	memcpy(x->key_check, e->key->check, DUR_LINK_KEYCHECK_BYTES);
	x->id = e->id;
	x->filters = e->filters;
	x->weight = e->weight;
	x->bandkey = x->bands ? e->bandkey : NULL;
	if (!x->bands)
		free(e->bandkey);
	e->st.records = e->n;
	if (stats)
		*stats = e->st;
	memset(&e->st, 0, sizeof(e->st));
	e->id = NULL;
	e->filters = NULL;
	e->weight = NULL;
	e->bandkey = NULL;
	e->n = e->cap = 0;
	*out = x;
	return DUR_OK;
}

dur_err dur_link_encode_csv(const dur_link_schema *s, const dur_link_key *key,
			    const struct dur_csv *csv, const char *name,
			    const char *id_column, struct dur_link_encodings **out,
			    struct dur_link_encode_stats *stats, struct dur_error *err)
{
	dur_link_encoder *e = NULL;
	long col[LINK_MAX_FIELDS];
	const char *vals[LINK_MAX_FIELDS];
	char **ids = NULL;
	size_t n;
	dur_err rc;

	*out = NULL;
	if (!name)
		name = "<input>";
	if (key->nfields != s->nfields)
		return dur_error_set(err, DUR_EINVAL, "the key was made for another schema");
	if ((rc = link_csv_check(csv, name, s, col, err)))
		return rc;
	/* ids first: their messages name CSV lines */
	if ((rc = link_csv_ids(csv, name, id_column, s, &ids, err)))
		return rc;
	n = csv->nrec - 1;
	if ((rc = dur_link_encoder_alloc(s, key, &e, err)))
		goto out;
	for (size_t r = 0; r < n; r++) {
		const struct dur_csv_record *rec = &csv->rec[r + 1];
		size_t bad;
		for (size_t i = 0; i < s->nfields; i++)
			vals[i] = rec->field[col[i]];
		if ((rc = encoder_add(e, ids[r], vals, rec->line, &bad, err))) {
			/* never show the value: file, line and column only */
			if (bad != (size_t)-1)
				dur_error_prefix(err, "'%s' line %zu, column '%s'", name, rec->line,
						 s->field[bad].column);
			else
				dur_error_prefix(err, "'%s' line %zu", name, rec->line);
			goto out;
		}
	}
	rc = dur_link_encoder_finish(e, out, stats, err);
	if (rc)
		dur_error_prefix(err, "'%s'", name);
out:
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	dur_link_encoder_free(e);
	return rc;
}

/* ---- the file format (docs/link.md, "Encodings file") ---- */

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static dur_err emit(FILE *f, crypto_generichash_state *st, const void *p, size_t n,
		    struct dur_error *err)
{
	crypto_generichash_update(st, p, n);
	if (fwrite(p, 1, n, f) != n)
		return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
	return DUR_OK;
}

dur_err dur_link_enc_write(const struct dur_link_encodings *e, FILE *f, struct dur_error *err)
{
	unsigned char h[ENC_HEADER], sum[ENC_TRAILER], buf[8];
	crypto_generichash_state st;
	dur_err rc;

	memset(h, 0, sizeof(h));
	memcpy(h, ENC_MAGIC, 8);
	put16(h + 8, ENC_VERSION);
	put16(h + 10, ENC_HEADER);
	put32(h + 12, (uint32_t)e->bits);
	put32(h + 16, e->flags);
	h[20] = (unsigned char)e->diffusion;
	h[21] = (unsigned char)e->bands;
	h[22] = (unsigned char)e->rows;
	put64(h + 24, e->n);
	memcpy(h + 32, e->schema_hash, DUR_LINK_HASH_BYTES);
	memcpy(h + 64, e->key_check, DUR_LINK_KEYCHECK_BYTES);
	crypto_generichash_init(&st, NULL, 0, sizeof(sum));
	if ((rc = emit(f, &st, h, sizeof(h), err)))
		return rc;
	for (size_t i = 0; i < e->n; i++) {
		size_t len = strlen(e->id[i]);
		const uint64_t *fl = e->filters + i * e->words;
		put16(buf, (uint32_t)len);
		if ((rc = emit(f, &st, buf, 2, err)) || (rc = emit(f, &st, e->id[i], len, err)))
			return rc;
		for (size_t w = 0; w < e->words; w++) {
			put64(buf, fl[w]);
			if ((rc = emit(f, &st, buf, 8, err)))
				return rc;
		}
		for (size_t b = 0; b < e->bands; b++) {
			put32(buf, e->bandkey[i * e->bands + b]);
			if ((rc = emit(f, &st, buf, 4, err)))
				return rc;
		}
	}
	crypto_generichash_final(&st, sum, sizeof(sum));
	if (fwrite(sum, 1, sizeof(sum), f) != sizeof(sum))
		return dur_error_set(err, DUR_EIO, "cannot write: %s", strerror(errno));
	return DUR_OK;
}

static void hex8(const unsigned char *p, char out[17])
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[16] = '\0';
}

dur_err dur_link_enc_read(const void *buf, size_t len, const char *name,
			  const dur_link_schema *schema, struct dur_link_encodings **out,
			  struct dur_error *err)
{
	const unsigned char *p = buf, *q, *end;
	struct dur_link_encodings *e = NULL;
	unsigned char sum[ENC_TRAILER];
	uint64_t n;
	size_t bits, rec_min, first = 0, again;
	dur_err rc;

	*out = NULL;
	if (!name)
		name = "<encodings>";
	if (len < 8 || memcmp(p, ENC_MAGIC, 8) != 0)
		return dur_error_set(err, DUR_EPARSE,
				     "'%s' is not a duress encodings file (run 'duress link "
				     "encode' to make one)", name);
	if (len < ENC_HEADER + ENC_TRAILER)
		return dur_error_set(err, DUR_EPARSE, "'%s' is truncated (%zu bytes, the header "
				     "alone needs %d)", name, len, ENC_HEADER + ENC_TRAILER);
	if (get16(p + 8) == 1)
		return dur_error_set(err, DUR_EPARSE,
				     "'%s' has format version 1 (duress 0.1), which this duress no "
				     "longer reads, as its balancing can be undone from the file alone: "
				     "encode the list again with 'duress link encode' (with a schema "
				     "whose hardening is \"diffusion\", docs/link.md section 4)", name);
	if (get16(p + 8) != ENC_VERSION)
		return dur_error_set(err, DUR_EPARSE,
				     "'%s' has format version %u; this duress reads version %d",
				     name, (unsigned)get16(p + 8), ENC_VERSION);
	if (get16(p + 10) != ENC_HEADER)
		return dur_error_set(err, DUR_EPARSE, "'%s': bad header length %u", name,
				     (unsigned)get16(p + 10));
	bits = get32(p + 12);
	if (bits < DUR_LINK_MIN_BITS || bits > DUR_LINK_MAX_BITS || bits % 64)
		return dur_error_set(err, DUR_EPARSE, "'%s': bad filter size %zu bits", name, bits);
	if (get32(p + 16) & ~(DUR_LINK_HARDEN_BALANCE | DUR_LINK_HARDEN_XOR_FOLD |
			      DUR_LINK_HARDEN_DIFFUSION) || p[23] != 0)
		return dur_error_set(err, DUR_EPARSE, "'%s': unknown flags in the header", name);
	if (p[20] == 1 || p[20] > DUR_LINK_MAX_DIFFUSION ||
	    !(get32(p + 16) & DUR_LINK_HARDEN_DIFFUSION) != !p[20] ||
	    ((get32(p + 16) & DUR_LINK_HARDEN_BALANCE) && p[20]) ||
	    (p[21] && (p[22] < 1 || p[22] > DUR_LINK_MAX_ROWS)) || (!p[21] && p[22]))
		return dur_error_set(err, DUR_EPARSE, "'%s': bad hardening or blocking sizes in "
				     "the header", name);
	for (int i = 80; i < ENC_HEADER; i++)
		if (p[i])
			return dur_error_set(err, DUR_EPARSE, "'%s': reserved header bytes are set",
					     name);
	if (schema && memcmp(p + 32, schema->hash, DUR_LINK_HASH_BYTES) != 0) {
		char a[17], b[17];
		hex8(p + 32, a);
		hex8(schema->hash, b);
		return dur_error_set(err, DUR_ESCHEMA,
				     "'%s' was encoded with another schema (schema hash %s..., "
				     "this schema's is %s...)", name, a, b);
	}
	n = get64(p + 24);
	rec_min = 2 + 1 + bits / 8 + 4 * (size_t)p[21];
	if (n > (len - ENC_HEADER - ENC_TRAILER) / rec_min)
		return dur_error_set(err, DUR_EPARSE,
				     "'%s' is truncated (the header announces %llu records; "
				     "%zu bytes cannot hold them)", name, (unsigned long long)n,
				     len);
	e = calloc(1, sizeof(*e));
	if (!e)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->bits = bits;
	e->words = bits / 64;
	e->flags = get32(p + 16);
	e->diffusion = p[20];
	e->bands = p[21];
	e->rows = p[22];
	memcpy(e->schema_hash, p + 32, DUR_LINK_HASH_BYTES);
	memcpy(e->key_check, p + 64, DUR_LINK_KEYCHECK_BYTES);
	e->id = calloc(n ? n : 1, sizeof(*e->id));
	e->filters = malloc((n ? n : 1) * e->words * sizeof(uint64_t));
	e->weight = calloc(n ? n : 1, sizeof(uint32_t));
	if (e->bands)
		e->bandkey = malloc((n ? n : 1) * e->bands * sizeof(uint32_t));
	if (!e->id || !e->filters || !e->weight || (e->bands && !e->bandkey)) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto fail;
	}
	q = p + ENC_HEADER;
	end = p + len - ENC_TRAILER;
	for (uint64_t i = 0; i < n; i++) {
		size_t il;
		if ((size_t)(end - q) < 2)
			goto truncated;
		il = get16(q);
		q += 2;
		if (il == 0 || il > DUR_LINK_MAX_ID) {
			rc = dur_error_set(err, DUR_EPARSE, "'%s' record %llu: bad id length %zu",
					   name, (unsigned long long)i + 1, il);
			goto fail;
		}
		if ((size_t)(end - q) < il + bits / 8 + 4 * e->bands)
			goto truncated;
		if (dur_utf8_check((const char *)q, il, NULL) != DUR_OK) {
			rc = dur_error_set(err, DUR_EPARSE,
					   "'%s' record %llu: the id is not UTF-8 text", name,
					   (unsigned long long)i + 1);
			goto fail;
		}
		e->id[i] = malloc(il + 1);
		if (!e->id[i]) {
			rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
			goto fail;
		}
		memcpy(e->id[i], q, il);
		e->id[i][il] = '\0';
		e->n = (size_t)i + 1;
		q += il;
		for (size_t w = 0; w < e->words; w++, q += 8) {
			uint64_t x = get64(q);
			e->filters[i * e->words + w] = x;
			e->weight[i] += link_popcount64(x);
		}
		for (size_t b = 0; b < e->bands; b++, q += 4)
			e->bandkey[i * e->bands + b] = get32(q);
	}
	if (q != end) {
		rc = dur_error_set(err, DUR_EPARSE,
				   "'%s' is damaged (%zu bytes more than its %llu records)", name,
				   (size_t)(end - q), (unsigned long long)n);
		goto fail;
	}
	crypto_generichash(sum, sizeof(sum), p, len - ENC_TRAILER, NULL, 0);
	if (sodium_memcmp(sum, end, ENC_TRAILER) != 0) {
		rc = dur_error_set(err, DUR_EPARSE,
				   "'%s' is damaged or truncated (its checksum does not match)",
				   name);
		goto fail;
	}
	if ((rc = check_distinct(e->id, e->n, &first, &again, err)))
		goto fail;
	if (again != (size_t)-1) {
		rc = dur_error_set(err, DUR_EPARSE, "'%s' record %zu: its id repeats record %zu's",
				   name, again + 1, first + 1);
		goto fail;
	}
	*out = e;
	return DUR_OK;
truncated:
	rc = dur_error_set(err, DUR_EPARSE, "'%s' is truncated (it ends inside a record)", name);
fail:
	dur_link_enc_free(e);
	return rc;
}
