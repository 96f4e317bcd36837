/*
 * duress/csv.h - a small, strict CSV reader shared by every module.
 *
 * Reads a whole buffer (RFC 4180 quoting, via libcsv) into records, each
 * with the line on which it starts, so that every later error can name the
 * file, the line and the column.  It is made for lists that come out of
 * spreadsheets:
 *   - a UTF-8 byte-order mark is skipped; CRLF and LF both end records;
 *   - spaces and tabs around unquoted fields are removed;
 *   - blank lines are skipped;
 *   - bytes that are not UTF-8, NUL bytes, and broken quoting are errors
 *     naming the line.
 *
 * Invariants of a parsed struct dur_csv: rec[0] is the first record (the
 * header, by convention); every field is a NUL-terminated, valid UTF-8
 * string; rec[i].line is 1-based and non-decreasing.
 */
#ifndef DURESS_CSV_H
#define DURESS_CSV_H

#include <duress/common.h>
#include <stddef.h>
#include <duress/error.h>

struct dur_csv_record {
	size_t line;      /* 1-based line on which the record starts */
	size_t nfields;
	char **field;     /* owned by the struct dur_csv */
};

struct dur_csv {
	size_t nrec;
	struct dur_csv_record *rec;
};

struct dur_csv_params {
	size_t max_records;       /* default 50,000,000 */
	size_t max_fields;        /* per record; default 4096 */
	size_t max_field_bytes;   /* default 1 MiB */
	unsigned char delim;      /* default ',' */
};

/* Default caps, as documented above.  @since 0.1 */
DUR_EXPORT struct dur_csv_params dur_csv_default_params(void);

/*
 * Parse `len` bytes of `buf`.  `name` is used in messages only (a file
 * name; may be NULL for "<input>").  `params` may be NULL for defaults.
 * On success *out is a new struct dur_csv that the caller frees with
 * dur_csv_free().  An empty input (no records) is an error.
 * @since 0.1
 */
DUR_EXPORT dur_err dur_csv_parse(const char *buf, size_t len, const char *name,
		      const struct dur_csv_params *params,
		      struct dur_csv **out, struct dur_error *err);

/* Free; NULL is allowed.  @since 0.1 */
DUR_EXPORT void dur_csv_free(struct dur_csv *csv);

/* Index of the header field equal to `name` in rec[0], or -1.  @since 0.1 */
DUR_EXPORT long dur_csv_column(const struct dur_csv *csv, const char *name);

/*
 * Check that `len` bytes are valid UTF-8 without NUL bytes.  On failure
 * returns the 0-based offset of the first bad byte in *bad (if not NULL)
 * and DUR_EPARSE (err not filled: the caller knows the context).
 * @since 0.1
 */
DUR_EXPORT dur_err dur_utf8_check(const char *buf, size_t len, size_t *bad);

#endif
