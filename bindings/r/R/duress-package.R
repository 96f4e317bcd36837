#' duress: careful counting for anti-trafficking work
#'
#' An R interface to libduress.  [mse()] estimates how many people no list
#' saw (multiple systems estimation: SparseMSE's stepwise log-linear
#' models, Rcapture's closed-population models, dga's Bayesian model
#' averaging), with the same figures as those packages and as the `duress`
#' command line; [mse_compare()] puts every method side by side;
#' [simulate_lists()] makes test data with the true number known;
#' [screen()] screens cases against published trafficking and
#' forced-labour frameworks; [write_manifest()], [reproduce()] and
#' [report()] keep every figure reproducible, between R and the command
#' line both ways.  Errors of the library are R errors of class
#' `duress_error` (and `duress_error_<kind>`) with the library's message;
#' its warnings are R warnings of class `duress_warning`.
#'
#' Options: `duress.threads` (default 2), the threads a job uses; the
#' figures never depend on it.
#'
#' See `vignette("uk2013", package = "duress")` for the UK 2013 analysis.
#' @keywords internal
"_PACKAGE"
