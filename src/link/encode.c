/*
 * Keys, keyed Bloom-filter encodings and the encodings file format.
 *
 * Each token of a field sets `bits_per_token` bits chosen by independent
 * keyed hashes (BLAKE2b keyed with the field's own key, output cut into
 * 32-bit positions): "random hashing", which avoids the structure of
 * double hashing that Niedermeyer et al. (2014) exploited.  All fields go
 * into one record-level filter (a CLK, Schnell, Bachteler & Reiher 2011).
 * Hardening (Christen et al. 2018 on the attacks; Schnell & Borgs 2016):
 *   balance   the filter is concatenated with its complement and the bits
 *             permuted with a keyed permutation, so every encoding has the
 *             same number of ones (no frequency signal in the weight);
 *   xor_fold  the two halves of a filter twice as long are XORed, so no
 *             output bit is the image of a single token's hash.
 * See docs/link.md.
 */
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define ENC_MAGIC "DURLENC\n"
#define ENC_VERSION 1
#define ENC_HEADER 96
#define ENC_TRAILER 32

struct dur_link_key {
	size_t nfields;
	unsigned char field[LINK_MAX_FIELDS][32];
	unsigned char perm_seed[randombytes_SEEDBYTES];
	unsigned char check[DUR_LINK_KEYCHECK_BYTES];
};

/*
 * prk = BLAKE2b-512(secret) keyed with a fixed label (domain separation);
 * master = BLAKE2b-256(schema hash) keyed with prk, so that keys differ per
 * schema; field keys, the permutation seed and the key check value are
 * then derived with crypto_kdf_derive_from_key (BLAKE2b) under distinct
 * contexts and ids.
 */
dur_err dur_link_key_alloc(const dur_link_schema *schema, const unsigned char *secret,
			   size_t len, dur_link_key **out, struct dur_error *err)
{
	static const unsigned char label[] = "duress link secret v1";
	unsigned char prk[64], master[crypto_kdf_KEYBYTES], chk[32];
	dur_link_key *k;

	*out = NULL;
	if (sodium_init() < 0)
		return dur_error_set(err, DUR_EKEY, "cannot initialise libsodium");
	if (len < DUR_LINK_MIN_SECRET)
		return dur_error_set(err, DUR_EKEY,
				     "the secret is too short (%zu bytes; at least %d are needed, "
				     "e.g. 32 random bytes)", len, DUR_LINK_MIN_SECRET);
	if (len > DUR_LINK_MAX_SECRET)
		return dur_error_set(err, DUR_EKEY, "the secret is too long (over %d bytes)",
				     DUR_LINK_MAX_SECRET);
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

/* Tokens of one normalised value: q-grams for text, "Y:yyyy" "M:mm"
 * "D:dd" for dates, "<position>:<digit>" for numbers. */
static dur_err add_field(const struct link_field *fd, const unsigned char key[32],
			 const char *v, uint64_t *f, size_t mb, struct dur_error *err)
{
	char tok[32];
	dur_err rc;

	if (fd->type == DUR_LINK_TEXT) {
		char **g = NULL;
		size_t ng = 0;
		if ((rc = dur_link_qgrams(v, fd->qgram, fd->pad, &g, &ng, err)))
			return rc;
		for (size_t i = 0; i < ng; i++) {
			hash_token(key, g[i], strlen(g[i]), fd->bits_per_token, f, mb);
			sodium_memzero(g[i], strlen(g[i]));
			free(g[i]);
		}
		free(g);
	} else if (fd->type == DUR_LINK_DATE) {
		/* v is YYYY-MM-DD */
		snprintf(tok, sizeof(tok), "Y:%.4s", v);
		hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		snprintf(tok, sizeof(tok), "M:%.2s", v + 5);
		hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		snprintf(tok, sizeof(tok), "D:%.2s", v + 8);
		hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		/* and each digit in its place, so that one mistyped digit still
		   leaves 7 of 8 of these in common */
		for (size_t i = 0, d = 0; i < 10; i++) {
			if (v[i] == '-')
				continue;
			snprintf(tok, sizeof(tok), "d%zu:%c", d++, v[i]);
			hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		}
	} else {
		size_t n = strlen(v);
		for (size_t i = 0; i < n && i < 64; i++) {
			snprintf(tok, sizeof(tok), "%zu:%c", i, v[i]);
			hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		}
		/* digit pairs, which survive a digit inserted or dropped */
		for (size_t i = 0; i + 1 < n && i < 64; i++) {
			snprintf(tok, sizeof(tok), "b:%c%c", v[i], v[i + 1]);
			hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
		}
		/* the length, so that "123" and "1234" differ beyond a digit */
		snprintf(tok, sizeof(tok), "L:%zu", n);
		hash_token(key, tok, strlen(tok), fd->bits_per_token, f, mb);
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

dur_err dur_link_encode_csv(const dur_link_schema *s, const dur_link_key *key,
			    const struct dur_csv *csv, const char *name,
			    const char *id_column, struct dur_link_encodings **out,
			    struct dur_link_encode_stats *stats, struct dur_error *err)
{
	struct dur_link_encodings *e = NULL;
	struct dur_link_encode_stats st;
	long col[LINK_MAX_FIELDS];
	size_t m = s->filter_bits, mb = m, wb;
	uint64_t *base = NULL, *tmp = NULL;
	uint32_t *perm = NULL;
	char *v = NULL;
	dur_err rc;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	if (!name)
		name = "<input>";
	if (key->nfields != s->nfields)
		return dur_error_set(err, DUR_EINVAL, "the key was made for another schema");
	if ((rc = link_csv_check(csv, name, s, col, err)))
		return rc;
	if (s->harden & DUR_LINK_HARDEN_BALANCE)
		mb /= 2;
	if (s->harden & DUR_LINK_HARDEN_XOR_FOLD)
		mb *= 2;
	wb = mb / 64;
	e = calloc(1, sizeof(*e));
	if (!e)
		return dur_error_set(err, DUR_ENOMEM, "out of memory");
	e->n = csv->nrec - 1;
	e->bits = m;
	e->words = m / 64;
	e->flags = s->harden;
	memcpy(e->schema_hash, s->hash, DUR_LINK_HASH_BYTES);
	memcpy(e->key_check, key->check, DUR_LINK_KEYCHECK_BYTES);
	if ((rc = link_csv_ids(csv, name, id_column, s, &e->id, err)))
		goto fail;
	e->filters = calloc(e->n * e->words, sizeof(uint64_t));
	e->weight = calloc(e->n, sizeof(uint32_t));
	base = malloc(wb * sizeof(uint64_t));
	tmp = malloc(e->words * sizeof(uint64_t));
	if (!e->filters || !e->weight || !base || !tmp) {
		rc = dur_error_set(err, DUR_ENOMEM, "out of memory");
		goto fail;
	}
	if ((s->harden & DUR_LINK_HARDEN_BALANCE) && (rc = make_perm(key, m, &perm, err)))
		goto fail;

	for (size_t r = 0; r < e->n; r++) {
		const struct dur_csv_record *rec = &csv->rec[r + 1];
		uint64_t *f = e->filters + r * e->words;
		size_t cur = mb;

		memset(base, 0, wb * sizeof(uint64_t));
		for (size_t i = 0; i < s->nfields; i++) {
			rc = link_normalise_field(&s->field[i], rec->field[col[i]], &v, err);
			if (rc == DUR_EDATA) {
				/* not a date in any configured format: missing, counted */
				if (!st.bad_dates++) {
					st.first_bad_line = rec->line;
					snprintf(st.first_bad_column, sizeof(st.first_bad_column), "%s",
						 s->field[i].column);
				}
				st.missing++;
				continue;
			}
			if (rc) {
				/* never show the value: file, line and column only */
				dur_error_prefix(err, "'%s' line %zu, column '%s'", name, rec->line,
						 s->field[i].column);
				goto fail;
			}
			if (!v) {
				st.missing++;
				continue;
			}
			rc = add_field(&s->field[i], key->field[i], v, base, mb, err);
			sodium_memzero(v, strlen(v));
			free(v);
			v = NULL;
			if (rc) {
				dur_error_prefix(err, "'%s' line %zu, column '%s'", name, rec->line,
						 s->field[i].column);
				goto fail;
			}
		}
		if (s->harden & DUR_LINK_HARDEN_XOR_FOLD) {
			size_t half = cur / 128;
			for (size_t w = 0; w < half; w++)
				base[w] ^= base[w + half];
			cur /= 2;
		}
		if (s->harden & DUR_LINK_HARDEN_BALANCE) {
			size_t half = cur / 64;
			memset(tmp, 0, e->words * sizeof(uint64_t));
			for (size_t w = 0; w < half; w++) {
				tmp[w] = base[w];
				tmp[w + half] = ~base[w];
			}
			for (size_t b = 0; b < m; b++)
				if (get_bit(tmp, b))
					set_bit(f, perm[b]);
		} else {
			memcpy(f, base, e->words * sizeof(uint64_t));
		}
		for (size_t w = 0; w < e->words; w++)
			e->weight[r] += link_popcount64(f[w]);
	}
	st.records = e->n;
	if (stats)
		*stats = st;
	sodium_memzero(base, wb * sizeof(uint64_t));
	sodium_memzero(tmp, e->words * sizeof(uint64_t));
	free(base);
	free(tmp);
	free(perm);
	*out = e;
	return DUR_OK;
fail:
	free(v);
	free(base);
	free(tmp);
	free(perm);
	dur_link_enc_free(e);
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
		return dur_error_set(err, DUR_EIO, "write failed");
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
	}
	crypto_generichash_final(&st, sum, sizeof(sum));
	if (fwrite(sum, 1, sizeof(sum), f) != sizeof(sum))
		return dur_error_set(err, DUR_EIO, "write failed");
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
	if (get32(p + 16) & ~(DUR_LINK_HARDEN_BALANCE | DUR_LINK_HARDEN_XOR_FOLD) ||
	    get32(p + 20) != 0)
		return dur_error_set(err, DUR_EPARSE, "'%s': unknown flags in the header", name);
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
	rec_min = 2 + 1 + bits / 8;
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
	memcpy(e->schema_hash, p + 32, DUR_LINK_HASH_BYTES);
	memcpy(e->key_check, p + 64, DUR_LINK_KEYCHECK_BYTES);
	e->id = calloc(n ? n : 1, sizeof(*e->id));
	e->filters = malloc((n ? n : 1) * e->words * sizeof(uint64_t));
	e->weight = calloc(n ? n : 1, sizeof(uint32_t));
	if (!e->id || !e->filters || !e->weight) {
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
		if ((size_t)(end - q) < il + bits / 8)
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
