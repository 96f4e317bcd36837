/*
 * duress/version.h - the software version and build, as recorded in every
 * manifest and JSON output.
 */
#ifndef DURESS_VERSION_H
#define DURESS_VERSION_H

#include <duress/common.h>
/* "0.1.0" - the release version.  Borrowed static string.  @since 0.1 */
DUR_EXPORT const char *dur_version(void);
/* The git revision the library was built from, or "unknown".  @since 0.1 */
DUR_EXPORT const char *dur_version_git(void);
/* Compiler and build type, e.g. "GNU-12.2.0 RelWithDebInfo".  @since 0.1 */
DUR_EXPORT const char *dur_version_build(void);

/*
 * Prepare the library for use; call once, before anything else, from the
 * program (the command line, the R package and the web app do).  It
 * initialises libsodium and turns GSL's default error handler (which
 * aborts the process) off, process-wide: duress checks the return of every
 * GSL call itself.  DUR_EIO when libsodium cannot start (no entropy
 * source).  Safe to call more than once.  @since 0.2
 */
DUR_EXPORT int dur_library_init(void);

#endif
