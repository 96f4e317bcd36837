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

#endif
