#' Simulate people on lists, with the true number known
#'
#' `N` people, each put on each of `k` lists at random (duress/simulate.h,
#' docs/simulate.md): with one class, person-independent capture
#' probabilities `p`; with latent classes (a matrix `p`, one row per
#' class, and their shares `weights`), people who differ in catchability;
#' with `referrals`, lists that depend on each other (someone on list
#' `from` is also put on `to` with probability `prob`).  The same seed and
#' settings give the same people as `duress simulate` on every platform.
#'
#' @param N the population size, a whole number.
#' @param p capture probabilities: a vector (one per list), or a matrix with
#'   one row per latent class.
#' @param weights with a matrix `p`: each class's share of the population
#'   (summing to 1).
#' @param names the list names (default `L1`, `L2`, ...; the names of `p`
#'   or its columns when it has them).
#' @param referrals `NULL`, a data frame with columns `from`, `to`, `prob`,
#'   or strings `"FROM:TO:PROB"`.
#' @param seed the random seed (a whole number, or a string of digits);
#'   `NULL` draws one from R's random numbers.
#' @param form `"histories"`: one row per person seen (an `id` column and
#'   one 0/1 column per list); `"table"`: one row per capture pattern with
#'   its `count`.
#' @return A data frame that [mse()] reads, with attributes `N` (the truth),
#'   `observed` and `seed`.
#' @examples
#' people <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 1)
#' head(people)
#' attr(people, "N")
#' tab <- simulate_lists(3000, p = c(0.15, 0.2, 0.1), seed = 1, form = "table",
#'                       referrals = "L1:L2:0.3")
#' tab
#' @export
simulate_lists <- function(N, p, weights = NULL, names = NULL, referrals = NULL,
                           seed = NULL, form = c("histories", "table")) {
  call <- match.call()
  form <- match.arg(form)
  if (!is.numeric(N) || length(N) != 1L || is.na(N))
    .fail("'N' must be one number", call = call)
  if (!is.numeric(p) || anyNA(p))
    .fail("'p' must be capture probabilities (numbers)", call = call)
  pv <- NULL
  w <- NULL
  cp <- NULL
  if (is.matrix(p) && nrow(p) > 1L) {
    if (is.null(weights) || !is.numeric(weights) || length(weights) != nrow(p))
      .fail("with latent classes (a matrix p), 'weights' gives each class's share", call = call)
    w <- as.double(weights)
    cp <- as.double(t(p))
    if (is.null(names))
      names <- colnames(p)
  } else {
    if (is.null(names))
      names <- if (is.matrix(p)) colnames(p) else base::names(p)
    pv <- as.double(p)
  }
  if (!is.null(names))
    names <- enc2utf8(as.character(names))
  if (is.null(referrals)) {
    rf <- list(from = character(), to = character(), prob = double())
  } else if (is.character(referrals)) {
    parts <- strsplit(referrals, ":", fixed = TRUE)
    if (any(lengths(parts) != 3L))
      .fail("a referral is written FROM:TO:PROB", call = call)
    prob <- suppressWarnings(as.double(vapply(parts, `[`, "", 3L)))
    if (anyNA(prob))
      .fail("a referral's probability must be a number", call = call)
    rf <- list(from = vapply(parts, `[`, "", 1L), to = vapply(parts, `[`, "", 2L), prob = prob)
  } else if (is.data.frame(referrals) && all(c("from", "to", "prob") %in% base::names(referrals))) {
    rf <- list(from = as.character(referrals$from), to = as.character(referrals$to),
               prob = as.double(referrals$prob))
  } else {
    .fail("'referrals' is a data frame (from, to, prob) or strings FROM:TO:PROB", call = call)
  }
  s <- .dcall(C_duress_simulate, as.double(N), pv, w, cp, names, enc2utf8(rf$from),
              enc2utf8(rf$to), rf$prob, seed_text(seed, call), form == "table", call = call)
  k <- length(s$lists)
  if (form == "table") {
    pat <- which(s$count > 0) - 1L
    bits <- vapply(seq_len(k), function(i) bitwAnd(pat, bitwShiftL(1L, i - 1L)) != 0L,
                   logical(length(pat)))
    bits <- matrix(bits, ncol = k)
    # rows as the library writes them: by number of lists, then 1s first
    key <- apply(bits, 1L, function(b) paste(ifelse(b, "0", "1"), collapse = ""))
    o <- order(rowSums(bits), key)
    d <- as.data.frame(matrix(as.integer(bits[o, , drop = FALSE]), ncol = k))
    names(d) <- s$lists
    d$count <- s$count[pat[o] + 1L]
  } else {
    d <- data.frame(id = seq_along(s$pattern))
    for (i in seq_len(k))
      d[[s$lists[i]]] <- as.integer(bitwAnd(s$pattern, bitwShiftL(1L, i - 1L)) != 0L)
  }
  attr(d, "N") <- s$N
  attr(d, "observed") <- s$observed
  attr(d, "seed") <- s$seed
  d
}
