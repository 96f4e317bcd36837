#' @useDynLib duress, .registration = TRUE, .fixes = "C_"
#' @importFrom stats confint
NULL

.onLoad <- function(libname, pkgname) {
  # Once per process: starts libsodium and turns GSL's abort-on-error off
  # (duress checks every GSL return itself), so that no library error can
  # end the R session.
  .dcall(C_duress_init)
  invisible()
}
