/*
 * The package's DLL: it loads the glue (duress.c, built as duress_impl.so
 * beside it) and registers the glue's .Call entries as its own.
 *
 * Why two shared objects.  R links the BLAS (libblas, or OpenBLAS) into the
 * process, and those libraries also define the cblas_* functions.  GSL
 * leaves its cblas_* calls to be resolved at load time, and the dynamic
 * linker looks in the process's global scope first: inside R, GSL's
 * Cholesky and QR steps would then run on R's BLAS instead of GSL's own
 * CBLAS (libgslcblas), and the figures would differ from the command
 * line's in the last bits - enough for `duress reproduce` to refuse them,
 * since it compares every figure exactly.  Loading the glue with
 * RTLD_DEEPBIND makes it, libduress and GSL (when this loads them first)
 * look in their own dependencies before the global scope, so libduress
 * computes in R exactly what it computes in `duress`.  (Where the system
 * has no RTLD_DEEPBIND, e.g. macOS's two-level namespaces, none is
 * needed.)  If another package loaded GSL into the process first, GSL's
 * bindings are already made; the tests check the figures against the
 * command line's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#ifndef RTLD_DEEPBIND
#define RTLD_DEEPBIND 0
#endif

static void *impl;

void R_init_duress(DllInfo *dll);
void R_unload_duress(DllInfo *dll);

void R_init_duress(DllInfo *dll)
{
	union { void (*f)(DllInfo *); void *p; } self = { R_init_duress };
	const R_CallMethodDef *calls;
	char path[PATH_MAX], *slash;
	Dl_info info;

	if (!dladdr(self.p, &info) || !info.dli_fname ||
	    strlen(info.dli_fname) + sizeof("/duress_impl.so") > sizeof(path))
		Rf_error("duress: cannot find the folder of the package's library");
	snprintf(path, sizeof(path), "%s", info.dli_fname);
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "duress_impl.so");
	if (!(impl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)))
		Rf_error("duress: cannot load the library: %s", dlerror());
	if (!(calls = (const R_CallMethodDef *)dlsym(impl, "duress_impl_calls"))) {
		dlclose(impl);
		impl = NULL;
		Rf_error("duress: '%s' has no entries", path);
	}
	R_registerRoutines(dll, NULL, calls, NULL, NULL);
	R_useDynamicSymbols(dll, FALSE);
	R_forceSymbols(dll, TRUE);
}

void R_unload_duress(DllInfo *dll)
{
	(void)dll;
	if (impl)
		dlclose(impl);
	impl = NULL;
}
