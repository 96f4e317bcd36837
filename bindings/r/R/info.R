#' The duress library behind the package
#'
#' `duress_version()` gives the library's version, git revision and build,
#' as recorded in every manifest; `methods_available()` the estimation
#' methods of this build of the library (a method added to the library is
#' reachable through `mse(method = )` without a new package).
#'
#' @return `duress_version()`: a list (`version`, `git`, `build`).
#'   `methods_available()`: a character vector of method names, named by
#'   what each assumes.
#' @examples
#' duress_version()
#' methods_available()
#' @export
duress_version <- function() .Call(C_duress_version)

#' @rdname duress_version
#' @export
methods_available <- function() {
  m <- .Call(C_duress_methods)
  stats::setNames(as.character(m), names(m))
}
