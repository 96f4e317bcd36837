#' Estimate how many people there are, including those no list saw
#'
#' Multiple systems estimation from a capture table or capture histories,
#' through the duress library: the same figures as `duress estimate` on
#' the command line, with the same provenance manifest.
#'
#' @param x a data frame in either form: list columns (0/1, logical,
#'   integer or factor; `yes`/`no` and `TRUE`/`FALSE` are read as 1/0) and
#'   a `count` column, one row per capture pattern; or one row per person
#'   (optionally an `id` column, and a stratum column named by `by`).
#'   A matrix is taken as a data frame.
#' @param model the log-linear model: `"stepwise"` (SparseMSE's rule),
#'   `"main"` (lists independent), `"all-pairs"`, or two-list terms such as
#'   `c("LA:NG", "PF:NCA")` (or `"LA:NG,PF:NCA"`); or one of Rcapture's
#'   closed-population models `"m0"`, `"mt"`, `"mh-chao"`, `"mh-poisson"`,
#'   `"mh-darroch"`, `"mh-gamma"`, `"mth-chao"`, `"mth-poisson"`,
#'   `"mth-darroch"`, `"mth-gamma"`, `"mb"`, `"mbh"`.
#' @param interval `"bca"` (bootstrap over the whole model selection),
#'   `"profile"` (profile likelihood), `"analytic"`, `"credible"`
#'   (posterior quantiles of the Bayesian methods) or `"none"`.  When not
#'   given, the method's own default: BCa for the log-linear models, the
#'   profile (or analytic) interval for the closed-population models, the
#'   credible interval for the Bayesian methods.
#' @param level the interval's level.
#' @param B the number of bootstrap replicates (BCa).
#' @param seed the random seed (a whole number, or a string of digits for
#'   all 64 bits).  `NULL` draws one from R's random numbers, so that
#'   [set.seed()] makes a run repeatable; the seed used is recorded in the
#'   result and its manifest.
#' @param ... not used; an unknown argument is an error.
#' @param method `NULL` (the log-linear or closed-population family of
#'   `model`), or a method of the library's table (see
#'   [methods_available()]): `"bma"` (Bayesian model averaging over the
#'   decomposable graphical models, as dga), `"lcmcr"` (Bayesian latent
#'   classes) when the library has it.  These choose their own models:
#'   leave `model` and `select` out.
#' @param select `NULL`, or `"aic"` / `"bic"`: search every log-linear model
#'   (up to 6 lists) and keep the best.
#' @param pthresh the stepwise threshold: terms are added while their
#'   p-value is below it.
#' @param by capture histories: a column whose values are strata; each
#'   stratum is estimated as well as the whole.
#' @param lists the list columns to use (default: every column but `count`,
#'   `id` and `by`).  The other lists are left out, and the people seen only
#'   on them are then among those no list saw (in a capture table, their
#'   counts are summed out); the data estimated, and recorded in the
#'   manifest, are the data on these lists.
#' @param compare also estimate with every method, side by side.
#' @param diagnostics compute list omission and the shared-catchability
#'   diagnostic.
#' @param threads threads to use; the figures do not depend on it.
#' @param name the input's name in the result and its manifest (a file
#'   name: [write_manifest()] writes the data under it beside the manifest).
#'   Default: the name of `x` with `.csv`.
#' @param progress show progress on the console for long runs.
#' @param linkage_draws `NULL`, or the capture tables drawn from the link
#'   probabilities (`duress link match --table-draws N --draws FILE`): a
#'   data frame with a column `draw`, the list columns of `x` in the same
#'   order and `count`, or the name of such a CSV file.  The same method
#'   and model choice then estimate N on every drawn table (point
#'   estimates only), and `linkage` says how far the linkage alone moves
#'   the estimate.
#'
#' @return An object of class `duress_mse`: a list with `estimate`,
#'   `observed`, `unseen`, `se`, `interval` (`method`, `level`, `lower`,
#'   `upper`, and for BCa `replicates`, `seed`, `acceleration`,
#'   `bias_correction` and every replicate's estimate in `estimates`),
#'   `method`, `model`, `terms` (in order of inclusion), `steps` (each
#'   term's p-value when added), `fit` (deviance, df, AIC, BIC, ...),
#'   `cells` (observed and fitted count of each pattern), `candidates`,
#'   `comparison`, `omission`, `catchability`, `posterior` (Bayesian
#'   methods), `linkage` (with `linkage_draws`: `draws`, `failed`, `level`,
#'   `median`, `lower`, `upper`, `min`, `max` and every draw's `estimates`),
#'   `warnings`, `strata` (with `by`), `headline` (the result in
#'   one sentence), `document` (the library's whole result document),
#'   `manifest` (the provenance manifest as JSON text) and `data` (the
#'   input's name and the exact CSV text estimated).  Library warnings are
#'   also signalled as R warnings; a table without an estimate gives a
#'   warning with the reason, and `estimate` is `NA`.
#'
#' @seealso [mse_compare()], [confint.duress_mse()], [write_manifest()],
#'   [reproduce()], [report()]
#' @examples
#' people <- simulate_lists(2000, p = c(0.2, 0.3, 0.25), seed = 1)
#' fit <- mse(people, B = 100, seed = 2)
#' fit
#' confint(fit)
#' fit$terms
#' @export
mse <- function(x, model = "stepwise", interval = "bca", level = 0.95, B = 1000,
                seed = NULL, ..., method = NULL, select = NULL, pthresh = 0.02, by = NULL,
                lists = NULL, compare = FALSE, diagnostics = TRUE,
                threads = getOption("duress.threads", 2L), name = NULL,
                progress = interactive(), linkage_draws = NULL) {
  call <- match.call()
  extra <- list(...)
  if (length(extra))
    .fail("unknown argument%s: %s", if (length(extra) > 1L) "s" else "",
          paste(if (is.null(names(extra))) rep("(unnamed)", length(extra)) else names(extra),
                collapse = ", "), call = call)
  if (is.null(name)) {
    arg <- substitute(x)
    name <- if (is.name(arg)) paste0(as.character(arg), ".csv") else "data.csv"
  }
  if (!is.character(name) || length(name) != 1L || is.na(name) || !nzchar(name))
    .fail("'name' is one file name", call = call)
  if (is.character(model) && length(model) > 1L)
    model <- paste(model, collapse = ",")
  if (!is.character(model) || length(model) != 1L || is.na(model))
    .fail("'model' is one model name, or the two-list terms", call = call)
  family <- .Call(C_duress_method_of_model, model)
  if (is.null(method) || method %in% c("loglinear", "closed")) {
    method <- family
  } else {
    if (!missing(model) || !is.null(select))
      .fail("method '%s' chooses its own models: leave out 'model' and 'select'", method,
            call = call)
    model <- "stepwise"
  }
  if (missing(interval))
    interval <- .Call(C_duress_default_interval, method, model)
  params <- list(method = scalar_chr(method, "method", call),
                 model = model,
                 select = if (is.null(select)) NULL else scalar_chr(select, "select", call),
                 pthresh = scalar_num(pthresh, "pthresh", call),
                 interval = scalar_chr(interval, "interval", call),
                 level = scalar_num(level, "level", call),
                 bootstrap = scalar_num(B, "B", call),
                 seed = seed_text(seed, call),
                 threads = as.integer(scalar_num(threads, "threads", call)),
                 by = by,
                 lists = NULL,
                 compare = isTRUE(compare), diagnostics = isTRUE(diagnostics))
  if (!is.null(lists)) {
    lists_text(lists, call)
    x <- keep_lists(x, lists, by, call)
  }
  draws <- NULL
  if (!is.null(linkage_draws)) {
    if (is.character(linkage_draws) && length(linkage_draws) == 1L && !is.na(linkage_draws)) {
      if (!file.exists(linkage_draws))
        .fail("cannot open '%s': no such file", linkage_draws, call = call)
      draws <- list(name = basename(linkage_draws),
                    bytes = readBin(linkage_draws, "raw", n = file.size(linkage_draws)))
    } else {
      d <- linkage_draws
      if (!is.null(lists))
        d <- keep_lists(d, lists, "draw", call)
      draws <- list(name = paste0(sub("\\.csv$", "", name), "-draws.csv"),
                    bytes = capture_csv(d, by = "draw"))
    }
  }
  fit <- run_estimate(capture_csv(x, by = by), name, params, progress, call, draws)
  signal_warnings(fit, call)
  fit
}

scalar_chr <- function(v, what, call) {
  if (!is.character(v) || length(v) != 1L || is.na(v))
    .fail("'%s' must be one string", what, call = call)
  enc2utf8(v)
}

lists_text <- function(lists, call) {
  if (!is.character(lists) || !length(lists) || anyNA(lists) || any(grepl(",", lists)))
    .fail("'lists' names the list columns", call = call)
  enc2utf8(paste(lists, collapse = ","))
}

# The data on fewer lists: the other lists' columns left out, and the
# people seen only on them dropped (they are then among those no list
# saw) - in a capture table their counts are summed out.  Other columns
# of capture histories (id, the stratum column) stay.
keep_lists <- function(x, lists, by, call) {
  if (is.matrix(x))
    x <- as.data.frame(x, stringsAsFactors = FALSE)
  if (!is.data.frame(x))
    return(x)
  miss <- setdiff(lists, names(x))
  if (length(miss))
    .fail("there is no list column '%s'", miss[1L], call = call)
  on <- function(d) Reduce(`|`, lapply(lists, function(l) list_values(d[[l]], l) == "1"))
  if ("count" %in% names(x)) {
    key <- do.call(paste, c(lapply(lists, function(l) list_values(x[[l]], l)), sep = ","))
    if (!is.null(by) && by %in% names(x))   # a capture table with strata: per stratum
      key <- paste(as.character(x[[by]]), key, sep = "\r")
    first <- !duplicated(key)
    out <- x[first, c(if (!is.null(by) && by %in% names(x)) by, lists), drop = FALSE]
    out$count <- as.vector(tapply(as.double(x[["count"]]), factor(key, levels = key[first]),
                                  sum))
  } else {
    out <- x[, intersect(names(x), c("id", lists, by)), drop = FALSE]
  }
  seen <- on(out)
  out <- out[seen | is.na(seen), , drop = FALSE]
  rownames(out) <- NULL
  out
}

scalar_num <- function(v, what, call) {
  if (!is.numeric(v) || length(v) != 1L || is.na(v))
    .fail("'%s' must be one number", what, call = call)
  as.double(v)
}

# The seed as decimal digits (the library takes all 64 bits).
seed_text <- function(seed, call) {
  if (is.null(seed)) {
    # 52 bits from R's generator: set.seed() makes the run repeatable
    u <- floor(stats::runif(2L) * 2^26)
    return(sprintf("%.0f", u[1L] * 2^26 + u[2L]))
  }
  if (is.character(seed) && length(seed) == 1L && grepl("^[0-9]+$", seed))
    return(seed)
  if (is.numeric(seed) && length(seed) == 1L && !is.na(seed) && seed >= 0 &&
      seed <= 2^53 && seed == floor(seed))
    return(sprintf("%.0f", seed))
  .fail("the seed must be a whole number from 0 to 2^53, or a string of digits", call = call)
}

run_estimate <- function(bytes, name, params, progress, call, draws = NULL) {
  res <- .dcall(C_duress_estimate, bytes, enc2utf8(name), params, isTRUE(progress),
                if (is.null(draws)) NULL else draws$bytes,
                if (is.null(draws)) NULL else enc2utf8(draws$name), call = call)
  data <- list(name = name, csv = rawToChar(bytes))
  if (!is.null(draws))
    data$draws <- list(name = draws$name, csv = rawToChar(draws$bytes))
  new_mse(res$result, res$manifest, data, params, call)
}

signal_warnings <- function(fit, call) {
  for (w in fit$warnings)
    warning(duress_warning(w, call))
  if (is.na(fit$estimate))
    warning(duress_warning(paste("no estimate:", fit$reason), call))
  for (s in names(fit$strata)) {
    st <- fit$strata[[s]]
    for (w in st$warnings)
      warning(duress_warning(sprintf("stratum '%s': %s", s, w), call))
    if (is.na(st$estimate))
      warning(duress_warning(sprintf("stratum '%s': no estimate: %s", s, st$reason), call))
  }
}

# ---- the document as R values ---------------------------------------------------

num <- function(v) if (is.null(v)) NA_real_ else as.double(v)
chr <- function(v) if (is.null(v) || length(v) == 0L) character() else as.character(unlist(v))
# A data frame from a list of records (named lists of scalars), built
# column by column: tables of 2^15 cells stay fast.
rows <- function(l, f) {
  if (!length(l))
    return(NULL)
  recs <- lapply(l, f)
  keys <- unique(unlist(lapply(recs, names)))
  cols <- lapply(keys, function(k) unlist(lapply(recs, function(r)
    if (is.null(r[[k]])) NA else r[[k]])))
  names(cols) <- keys
  as.data.frame(cols, stringsAsFactors = FALSE, optional = TRUE)
}

interval_r <- function(iv) {
  if (is.null(iv))
    return(list(method = "none", level = NA_real_, lower = NA_real_, upper = NA_real_))
  out <- list(method = iv$method, level = num(iv$level), lower = num(iv$lower),
              upper = num(iv$upper))
  if (!is.null(iv$upper_above)) {
    out$upper_open <- TRUE
    out$upper_above <- num(iv$upper_above)
  }
  if (!is.null(iv$reason))
    out$reason <- iv$reason
  if (identical(iv$method, "bca")) {
    out$replicates <- num(iv$replicates)
    out$seed <- iv$seed
    out$acceleration <- num(iv$acceleration)
    out$bias_correction <- num(iv$bias_correction)
    out$replicates_without_estimate <- num(iv$replicates_without_estimate)
    out$estimates <- as.double(unlist(iv$replicate_estimates))
  }
  out
}

# One table's result (the whole population or one stratum), from the document.
mse_table <- function(r) {
  lists <- chr(r$lists)
  m <- r$model
  out <- list(stratum = r$stratum, lists = lists, method = r$method, summary = r$summary,
              observed = num(r$observed), estimate = num(r$estimate),
              unseen = num(r$unseen), se = num(r$se), reason = r$reason,
              interval = interval_r(r$interval),
              model = if (is.null(m$selection)) NA_character_ else m$selection,
              terms = chr(m$terms),
              steps = rows(m$steps, function(s) list(term = s$term, p = num(s$p))),
              empty_overlaps = chr(m$empty_overlaps))
  keys <- c("deviance", "df", "aic", "bic", "loglik", "intercept", "se_intercept", "cells",
            "parameters", "iterations", "models_considered", "models_without_estimate",
            "pthresh")
  out$fit <- lapply(m[intersect(keys, names(m))], num)
  if (length(r$cells)) {
    pat <- vapply(r$cells, function(c) c$pattern, "")
    out$cells <- data.frame(pattern = pat, stringsAsFactors = FALSE)
    for (i in seq_along(lists))
      out$cells[[lists[i]]] <- as.integer(substr(pat, i, i))
    out$cells$observed <- vapply(r$cells, function(c) num(c$observed), 0)
    out$cells$fitted <- vapply(r$cells, function(c) num(c$fitted), 0)
  }
  out$candidates <- rows(r$candidates, function(c) {
    # log-linear terms "A:B,C:D"; a graph's cliques "[A,B,C][C,D]"
    v <- list(model = if (is.null(c$cliques)) paste(chr(c$terms), collapse = ",")
                      else paste0("[", chr(c$cliques), "]", collapse = ""))
    for (k in setdiff(names(c), c("terms", "cliques")))
      v[[k]] <- num(c[[k]])
    v
  })
  out$warnings <- chr(r$warnings)
  out$comparison <- rows(r$comparison, function(c) {
    iv <- interval_r(c$interval)
    list(method = c$method, model = if (is.null(c$model$selection)) NA_character_
                                    else c$model$selection,
         estimate = num(c$estimate), lower = iv$lower, upper = iv$upper,
         interval = iv$method, level = iv$level, se = num(c$se),
         reason = if (is.null(c$reason)) NA_character_ else c$reason,
         summary = c$summary)
  })
  d <- r$diagnostics
  out$omission <- rows(d$list_omission, function(o)
    list(list = o$list, estimate = num(o$estimate), lower = num(o$lower), upper = num(o$upper),
         reason = if (is.null(o$reason)) NA_character_ else o$reason))
  for (k in c("comparison", "omission"))
    if (!is.null(out[[k]]) && all(is.na(out[[k]]$reason)))
      out[[k]]$reason <- NULL
  out$catchability <- d$catchability
  if (!is.null(r$posterior)) {
    po <- r$posterior
    h <- po$histogram
    p <- as.double(unlist(h$probabilities))
    edges <- seq(num(h$from), num(h$to), length.out = length(p) + 1L)
    out$posterior <- c(list(mean = num(po$mean),
                            histogram = data.frame(from = edges[-length(edges)],
                                                   to = edges[-1L], probability = p)),
                       lapply(po[setdiff(names(po), c("mean", "histogram"))], num))
  }
  if (isTRUE(r$failed))
    out$failed <- TRUE
  structure(out, class = "duress_mse_table")
}

new_mse <- function(res, manifest, data, params, call) {
  doc <- res$document
  fit <- unclass(mse_table(doc))
  fit$headline <- res$headline
  if (!is.null(doc$strata)) {
    fit$by <- doc$by
    fit$strata <- lapply(seq_along(doc$strata), function(i) {
      s <- mse_table(doc$strata[[i]])
      s$headline <- res$strata_headlines[i]
      s
    })
    names(fit$strata) <- vapply(doc$strata, function(s) s$stratum, "")
  }
  if (!is.null(doc$linkage)) {
    l <- doc$linkage
    fit$linkage <- c(lapply(l[c("file", "sha256")], as.character),
                     lapply(l[c("draws", "failed", "level", "median", "lower", "upper", "min",
                                "max")], num),
                     list(estimates = vapply(l$estimates, num, 0)))
  }
  fit$input <- doc$input
  fit$parameters <- doc$parameters
  fit$software <- doc$software
  fit$text <- res$text
  fit$document <- doc
  fit$manifest <- manifest
  fit$data <- data
  fit$params <- params
  fit$call <- call
  structure(fit, class = "duress_mse")
}

#' Every method side by side
#'
#' `mse_compare(x)` estimates with every method of the library (the
#' log-linear models, Rcapture's closed-population models, the Bayesian
#' methods) on the same data and returns one row per method.
#'
#' @param x the data, as for [mse()].
#' @param ... further arguments to [mse()] (e.g. `B`, `seed`, `level`).
#' @param name the input's name, as for [mse()].
#' @return A data frame of class `duress_comparison` with one row per method:
#'   `method`, `model`, `estimate`, `lower`, `upper`, `interval`, `level`,
#'   `se`, `reason` (when a method gives no estimate) and `summary` (what it
#'   assumes, in words).  The whole result (with its manifest) is its
#'   attribute `"result"`, and [write_manifest()] and [reproduce()] accept it.
#' @examples
#' people <- simulate_lists(1500, p = c(0.2, 0.3, 0.25), seed = 3)
#' mse_compare(people, B = 50, seed = 4)
#' @export
mse_compare <- function(x, ..., name = NULL) {
  if (is.null(name)) {
    arg <- substitute(x)
    name <- if (is.name(arg)) paste0(as.character(arg), ".csv") else "data.csv"
  }
  call <- match.call()
  # the conditions of mse() name this call, not mse()'s
  fit <- withCallingHandlers(
    tryCatch(mse(x, ..., compare = TRUE, name = name), duress_error = function(e) {
      e$call <- call
      stop(e)
    }),
    duress_warning = function(w) {
      warning(duress_warning(conditionMessage(w), call))
      invokeRestart("muffleWarning")
    })
  fit$call <- call
  structure(fit$comparison, class = c("duress_comparison", "data.frame"), result = fit)
}

#' @export
print.duress_comparison <- function(x, digits = 2L, ...) {
  fit <- attr(x, "result")
  if (!is.null(fit))
    cat(strwrap(fit$headline), sep = "\n")
  cat("\nEvery method side by side:\n")
  d <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  d$summary <- NULL
  for (k in c("estimate", "lower", "upper", "se"))
    d[[k]] <- ifelse(is.na(d[[k]]), "-", formatC(d[[k]], format = "f", digits = digits,
                                                  big.mark = ","))
  if (!is.null(d$reason))
    d$reason[is.na(d$reason)] <- ""
  print(d, right = FALSE, row.names = FALSE)
  invisible(x)
}
