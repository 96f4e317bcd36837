# print, format, summary, as.data.frame and confint for mse() results.

fmt_n <- function(x, digits = 2L)
  ifelse(is.na(x), "-", formatC(x, format = "f", digits = digits, big.mark = ","))

interval_words <- function(iv) {
  if (is.null(iv) || identical(iv$method, "none") || is.na(iv$lower))
    return(if (!is.null(iv$reason)) paste("no interval:", iv$reason) else "no interval")
  up <- if (isTRUE(iv$upper_open)) paste("above", fmt_n(iv$upper_above)) else fmt_n(iv$upper)
  how <- iv$method
  if (identical(how, "bca"))
    how <- sprintf("bca, %s replicates, seed %s", format(iv$replicates, big.mark = ","),
                   iv$seed)
  sprintf("%g%% interval %s to %s (%s)", 100 * iv$level, fmt_n(iv$lower), up, how)
}

table_lines <- function(t, indent = "") {
  out <- character()
  if (is.na(t$estimate)) {
    out <- c(out, paste0(indent, "Estimate   none: ", t$reason))
  } else {
    out <- c(out,
             paste0(indent, "Estimate   ", fmt_n(t$estimate), "   ", interval_words(t$interval)),
             paste0(indent, "Observed   ", fmt_n(t$observed, 0L), " on at least one list; ",
                    fmt_n(t$unseen), " on none"))
  }
  mod <- paste0(t$method, if (!is.na(t$model) && !identical(t$model, t$method))
    paste0(", ", t$model) else "")
  if (length(t$terms))
    mod <- paste0(mod, ": ", paste(t$terms, collapse = ", "))
  else if (identical(t$method, "loglinear"))
    mod <- paste0(mod, ": main effects only")
  out <- c(out, paste0(indent, "Model      ", mod))
  if (!is.null(t$linkage) && !is.na(t$linkage$median))
    out <- c(out, paste0(indent, "Linkage    ", fmt_n(t$linkage$median), " (",
                         round(100 * t$linkage$level), "% of ", t$linkage$draws - t$linkage$failed,
                         " drawn tables: ", fmt_n(t$linkage$lower), " to ", fmt_n(t$linkage$upper),
                         "; see $linkage)"))
  if (length(t$warnings))
    out <- c(out, paste0(indent, "Warnings   ", length(t$warnings), " (see $warnings)"))
  out
}

#' Printing and formatting mse() results
#'
#' `print()` shows the result in one sentence, then the estimate with its
#' interval, the people observed and the model; `format(x, full = TRUE)`
#' gives the text of `duress estimate` on the command line (every figure,
#' the cells, the diagnostics and the warnings).
#'
#' @param x an object returned by [mse()].
#' @param full the library's whole text report instead of the short form.
#' @param ... not used.
#' @return `format()`: a character vector of lines.  `print()`: `x`,
#'   invisibly.
#' @name print.duress_mse
#' @export
format.duress_mse <- function(x, full = FALSE, ...) {
  if (full)
    return(strsplit(x$text, "\n", fixed = TRUE)[[1L]])
  out <- c(strwrap(x$headline), "", table_lines(x))
  if (length(x$strata)) {
    out <- c(out, "", sprintf("By %s:", x$by))
    d <- as.data.frame(x)[-1L, , drop = FALSE]
    out <- c(out, utils::capture.output(print(
      data.frame(stratum = d$stratum, observed = fmt_n(d$observed, 0L),
                 estimate = fmt_n(d$estimate), lower = fmt_n(d$lower),
                 upper = fmt_n(d$upper)), row.names = FALSE, right = FALSE)))
  }
  out
}

#' @rdname print.duress_mse
#' @export
print.duress_mse <- function(x, full = FALSE, ...) {
  cat(format(x, full = full), sep = "\n")
  invisible(x)
}

#' @export
print.duress_mse_table <- function(x, ...) {
  if (!is.null(x$headline))
    cat(strwrap(x$headline), "", sep = "\n")
  cat(table_lines(x), sep = "\n")
  invisible(x)
}

#' Summaries of mse() results
#'
#' @param object an object returned by [mse()].
#' @param ... not used.
#' @return An object of class `summary.duress_mse`: the estimates (the
#'   whole table and each stratum), the model's terms with the p-value of
#'   each when it was added, the fit statistics, the comparison of methods,
#'   list omission, the shared-catchability diagnostic and the warnings;
#'   printed in sections.
#' @export
summary.duress_mse <- function(object, ...) {
  structure(list(headline = object$headline, estimates = as.data.frame(object),
                 method = object$method, model = object$model, summary = object$summary,
                 interval = object$interval,
                 steps = object$steps, terms = object$terms,
                 empty_overlaps = object$empty_overlaps, fit = object$fit,
                 candidates = object$candidates,
                 comparison = object$comparison, omission = object$omission,
                 catchability = object$catchability, posterior = object$posterior,
                 warnings = object$warnings),
            class = "summary.duress_mse")
}

#' @export
print.summary.duress_mse <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(strwrap(x$headline), sep = "\n")
  cat("\nMethod:", x$method, if (!is.na(x$model)) paste0("(", x$model, ")"), "\n")
  cat(strwrap(x$summary, indent = 2L, exdent = 2L), sep = "\n")
  cat("\nEstimates:\n")
  e <- x$estimates
  e$interval <- NULL
  print(e, digits = digits + 5L, row.names = FALSE)
  if (!is.null(x$steps)) {
    cat("\nTerms in order of inclusion (p-value when added):\n")
    print(x$steps, digits = digits, row.names = FALSE)
  } else if (length(x$terms)) {
    cat("\nTerms:", paste(x$terms, collapse = ", "), "\n")
  }
  if (length(x$empty_overlaps))
    cat("Empty overlaps (cells removed):", paste(x$empty_overlaps, collapse = ", "), "\n")
  if (length(x$fit)) {
    cat("\nFit:\n")
    f <- vapply(x$fit, function(v) format(v, digits = digits + 6L, big.mark = ","), "")
    print(noquote(f))
  }
  if (!is.null(x$candidates)) {
    cat("\nModels compared (best first):\n")
    print(utils::head(x$candidates, 5L), digits = digits + 2L, row.names = FALSE)
    if (nrow(x$candidates) > 5L)
      cat(sprintf("... and %d more (see $candidates)\n", nrow(x$candidates) - 5L))
  }
  if (!is.null(x$posterior)) {
    cat("\nPosterior mean:", format(x$posterior$mean, digits = digits + 5L), "\n")
  }
  if (!is.null(x$comparison)) {
    cat("\nEvery method side by side:\n")
    d <- x$comparison[, c("method", "model", "estimate", "lower", "upper", "interval")]
    print(d, digits = digits + 3L, row.names = FALSE)
  }
  if (!is.null(x$omission)) {
    cat("\nList omission (each list left out in turn):\n")
    d <- x$omission
    if (all(is.na(d$reason)))
      d$reason <- NULL
    print(d, digits = digits + 3L, row.names = FALSE)
  }
  ca <- x$catchability
  if (!is.null(ca) && !identical(ca$tested, FALSE)) {
    cat(sprintf("\nShared catchability: statistic %.4g, p = %.3g, tau %.3g, %d of %d pairs overlap more than Mt expects%s\n",
                num(ca$statistic), num(ca$p), num(ca$tau), as.integer(ca$pairs_over),
                as.integer(ca$pairs), if (isTRUE(ca$warn)) " (a warning)" else ""))
  }
  if (length(x$warnings)) {
    cat("\nWarnings:\n")
    cat(paste0("  ", seq_along(x$warnings), ". ", x$warnings), sep = "\n")
  }
  invisible(x)
}

#' mse() results as data frames
#'
#' @param x an object returned by [mse()].
#' @param row.names,optional as for [as.data.frame()]; not used.
#' @param what which table: `"estimates"` (one row for the whole table,
#'   then one per stratum), `"cells"` (observed and fitted count of each
#'   capture pattern), `"steps"` (the terms in order of inclusion with
#'   their p-values), `"omission"` (list omission), `"comparison"` (every
#'   method) or `"replicates"` (the bootstrap estimates, in replicate
#'   order).
#' @param ... not used.
#' @return A data frame.
#' @export
as.data.frame.duress_mse <- function(x, row.names = NULL, optional = FALSE,
                                     what = c("estimates", "cells", "steps", "omission",
                                              "comparison", "replicates"), ...) {
  what <- match.arg(what)
  if (what == "estimates") {
    tabs <- c(list(x), x$strata)
    d <- data.frame(stratum = c(NA_character_, names(x$strata)),
                    method = vapply(tabs, function(t) t$method, ""),
                    model = vapply(tabs, function(t) as.character(t$model), ""),
                    observed = vapply(tabs, function(t) t$observed, 0),
                    estimate = vapply(tabs, function(t) t$estimate, 0),
                    se = vapply(tabs, function(t) t$se, 0),
                    lower = vapply(tabs, function(t) num(t$interval$lower), 0),
                    upper = vapply(tabs, function(t) num(t$interval$upper), 0),
                    level = vapply(tabs, function(t) num(t$interval$level), 0),
                    interval = vapply(tabs, function(t) as.character(t$interval$method), ""),
                    stringsAsFactors = FALSE)
    rownames(d) <- NULL
    return(d)
  }
  if (what == "replicates") {
    e <- x$interval$estimates
    return(data.frame(replicate = seq_along(e), estimate = e))
  }
  d <- x[[what]]
  if (is.null(d))
    d <- data.frame()
  d
}

#' Confidence (or credible) intervals of mse() results
#'
#' @param object an object returned by [mse()].
#' @param parm `"N"` for the whole table and the names of strata; default
#'   all.
#' @param level the level.  A level other than the one the result was made
#'   with re-runs the estimation with that level and everything else the
#'   same (the same data, method and seed: a BCa interval then comes from
#'   the same replicates).
#' @param ... not used.
#' @return A matrix with one row per table and the lower and upper ends, in
#'   the style of [stats::confint()].
#' @examples
#' people <- simulate_lists(2000, p = c(0.2, 0.3, 0.25), seed = 1)
#' fit <- mse(people, interval = "profile")
#' confint(fit)
#' confint(fit, level = 0.9)
#' @export
confint.duress_mse <- function(object, parm, level = object$interval$level, ...) {
  if (!is.numeric(level) || length(level) != 1L || is.na(level))
    .fail("'level' must be one number")
  if (!identical(as.double(level), as.double(object$interval$level))) {
    p <- object$params
    p$level <- as.double(level)
    object <- run_estimate(charToRaw(object$data$csv), object$data$name, p, FALSE,
                           object$call)
  }
  d <- as.data.frame(object)
  a <- (1 - level) / 2
  m <- cbind(d$lower, d$upper)
  dimnames(m) <- list(c("N", names(object$strata)),
                      paste(format(100 * c(a, 1 - a), trim = TRUE, scientific = FALSE,
                                   digits = 3L), "%"))
  if (!missing(parm))
    m <- m[parm, , drop = FALSE]
  m
}
