#include <duress/version.h>
#include <duress/error.h>

#include <gsl/gsl_errno.h>
#include <sodium.h>

#ifndef DUR_VERSION_STRING
#define DUR_VERSION_STRING "0.0.0"
#endif
#ifndef DUR_GIT_REV
#define DUR_GIT_REV "unknown"
#endif
#ifndef DUR_BUILD_DESC
#define DUR_BUILD_DESC "unknown"
#endif

const char *dur_version(void) { return DUR_VERSION_STRING; }
const char *dur_version_git(void) { return DUR_GIT_REV; }
const char *dur_version_build(void) { return DUR_BUILD_DESC; }

int dur_library_init(void)
{
	gsl_set_error_handler_off();
	return sodium_init() < 0 ? DUR_EIO : DUR_OK;
}
