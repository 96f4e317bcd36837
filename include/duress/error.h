/*
 * duress/error.h - error codes and messages shared by every module.
 *
 * Every library function that can fail returns a dur_err and takes an
 * optional `struct dur_error *err` as its last argument.  On success the
 * struct is left untouched; on failure it holds the code and a full,
 * one-line, lowercase message without a final full stop, ready for the CLI
 * to print after its own prefix ("duress estimate: ...").
 *
 * The numeric values of dur_err never change (@since 0.1).
 */
#ifndef DURESS_ERROR_H
#define DURESS_ERROR_H

#include <duress/common.h>
#include <stddef.h>

typedef enum {
	DUR_CONTINUE = -1,  /* iterative step: not converged yet */
	DUR_OK = 0,
	DUR_ENOMEM = 1,     /* out of memory */
	DUR_EINVAL = 2,     /* invalid argument given by the caller */
	DUR_EPARSE = 3,     /* malformed input (CSV, JSON, ...) */
	DUR_EIO = 4,        /* reading or writing failed */
	DUR_ENUMERIC = 5,   /* a numerical method failed (no convergence, singular) */
	DUR_ENOMLE = 6,     /* the model has no finite, identifiable MLE */
	DUR_EDATA = 7,      /* well-formed input that cannot be used (impossible table) */
	DUR_ESCHEMA = 8,    /* schema or framework file invalid or mismatched */
	DUR_EKEY = 9,       /* missing, short or wrong secret key */
	DUR_ELIMIT = 10,    /* a size cap was reached */
	DUR_EMISMATCH = 11  /* reproduce: figures differ */
} dur_err;

#define DUR_ERROR_MSG_MAX 1024

struct dur_error {
	dur_err code;
	char msg[DUR_ERROR_MSG_MAX];
};

#define DUR_ERROR_INIT { DUR_OK, "" }

/*
 * Fill `err` (which may be NULL) with `code` and a printf-style message.
 * Returns `code` so that callers can write `return dur_error_set(...)`.
 */
DUR_EXPORT dur_err dur_error_set(struct dur_error *err, dur_err code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Prefix the message already in `err` with "context: " (no-op when NULL). */
DUR_EXPORT void dur_error_prefix(struct dur_error *err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* A short static description of a code. */
DUR_EXPORT const char *dur_strerror(dur_err code);

#endif
