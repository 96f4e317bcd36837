/*
 * duress/i18n.h - message catalogues: the fixed text of reports and of the
 * web app in the reader's language.
 *
 * Translations are written as gettext PO files (po/<lang>.po, the format
 * every translation tool reads) and compiled into the library, so that an
 * offline laptop needs no installed locale.  English is the source
 * language: its catalogue is empty and every lookup returns the msgid.
 * A catalogue also says how the language writes numbers (header fields
 * X-Duress-Decimal-Point and X-Duress-Thousands-Separator) and its own
 * name (X-Duress-Language-Name).
 *
 * Code marks translatable text with DUR_N_("...") (a no-op, for
 * xgettext --keyword=DUR_N_) and looks it up with dur_catalogue_get().
 */
#ifndef DURESS_I18N_H
#define DURESS_I18N_H

#include <duress/common.h>
#include <stddef.h>
#include <duress/error.h>

#define DUR_N_(s) s

typedef struct dur_catalogue dur_catalogue;

/*
 * The built-in catalogue of `lang` ("en", "es", "fr", ...).  DUR_EINVAL
 * naming the languages there are when it is not built in.  Pass *out to
 * dur_catalogue_free() when done: a built-in catalogue is read once per
 * process and then shared, read-only, between callers and threads, and
 * freeing it does nothing.  @since 0.2
 */
DUR_EXPORT dur_err dur_catalogue_open(const char *lang, dur_catalogue **out,
			       struct dur_error *err);
/*
 * A catalogue from `len` bytes of a PO file (`name` for messages: every
 * error names the line).  Understood: comments, msgctxt, msgid,
 * msgid_plural, msgstr and msgstr[N], multi-line strings with C escapes;
 * fuzzy entries are skipped.  @since 0.2
 */
DUR_EXPORT dur_err dur_catalogue_parse(const char *buf, size_t len, const char *name,
				dur_catalogue **out, struct dur_error *err);
DUR_EXPORT void dur_catalogue_free(dur_catalogue *c);

/* The translation of msgid, or msgid itself (also when c is NULL).  Borrowed. */
DUR_EXPORT const char *dur_catalogue_get(const dur_catalogue *c, const char *msgid);
/* The same within a context (msgctxt). */
DUR_EXPORT const char *dur_catalogue_getc(const dur_catalogue *c, const char *context,
				   const char *msgid);
/* Singular or plural by the language's rule ("n != 1", or "n > 1" as French). */
DUR_EXPORT const char *dur_catalogue_nget(const dur_catalogue *c, const char *singular,
				   const char *plural, unsigned long n);
/* "en", "es", ...; its name in itself ("Español"); its number symbols. */
DUR_EXPORT const char *dur_catalogue_lang(const dur_catalogue *c);
DUR_EXPORT const char *dur_catalogue_language_name(const dur_catalogue *c);
DUR_EXPORT const char *dur_catalogue_decimal_point(const dur_catalogue *c);
DUR_EXPORT const char *dur_catalogue_thousands_sep(const dur_catalogue *c);
/* Number of entries translated (for tests).  */
DUR_EXPORT size_t dur_catalogue_count(const dur_catalogue *c);

/* The built-in languages, English first.  @since 0.2 */
DUR_EXPORT const char *const *dur_catalogue_languages(size_t *n);

/*
 * A number written for a language: `decimals` digits after the point,
 * thousands grouped ("11,417.99" in English, "11.417,99" in Spanish,
 * "11 417,99" in French).  c NULL is English.  @since 0.2
 */
DUR_EXPORT void dur_catalogue_format_number(const dur_catalogue *c, double x, int decimals,
				     char *buf, size_t size);

#endif
