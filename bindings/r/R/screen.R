#' Screen cases against published trafficking and forced-labour frameworks
#'
#' Each case (a row) is screened against the frameworks kept as data
#' (a coercion screen, ILO/EC 2009, ICLS 2018 forced labour, the Palermo
#' Protocol, US TVPA severe forms; [frameworks()]).  Facts are yes / no /
#' unknown and an unknown answer is never read as no: a verdict is
#' `indicated` or `not_indicated` only when it holds whatever the unknown
#' answers turn out to be, and `would_change_if` names the unanswered
#' questions that could still change it.  The kind of work (`sector`) is
#' recorded but no rule reads it.  A screening guides next steps; it is not
#' a legal finding.
#'
#' @param cases a data frame, one row per case: optional columns `case_id`,
#'   `age` (years, or `"minor"`, `"adult"`, `"unknown"`) and `sector`, and
#'   one column per question of the question bank (its id; see
#'   `frameworks("questions")`), with answers `"yes"`, `"no"`,
#'   `"unknown"` (or `""`/`NA`), or logical `TRUE`/`FALSE`/`NA`, or 1/0.
#' @param frameworks the framework ids to screen against (default: every
#'   framework).
#' @param options framework options written `"FW.NAME=yes|no"` (see
#'   `duress frameworks show FW`).
#' @param frameworks_dir where the framework files are (default: the
#'   library's own, or `DURESS_FRAMEWORKS`).
#' @return A data frame of class `duress_screening`, one row per case and
#'   framework: `case_id`, `framework`, `verdict` (`indicated`,
#'   `not_indicated` or `insufficient_information`), `reasons` (the rule
#'   that decided, in words), `would_change_if`, `indicators` (found
#'   present), `notes` and `meaning` (the framework's words for the
#'   verdict).  Its attribute `"details"` holds each case's full result.
#' @examples
#' cases <- data.frame(case_id = c("a", "b"), age = c(34, 17),
#'                     sector = c("agriculture", "domestic work"),
#'                     documents_taken = c("yes", "unknown"),
#'                     debt_bondage = c(TRUE, NA), commercial_sex = c("no", "yes"))
#' s <- screen(cases, frameworks = c("coercion", "palermo2000"))
#' s[, c("case_id", "framework", "verdict", "would_change_if")]
#' summary(s)
#' @export
screen <- function(cases, frameworks = NULL, options = NULL, frameworks_dir = NULL) {
  call <- match.call()
  if (!is.data.frame(cases))
    .fail("the cases must be a data frame, one row per case", call = call)
  n <- nrow(cases)
  col <- function(k) {
    v <- cases[[k]]
    if (is.null(v))
      return(rep(NA_character_, n))
    if (is.numeric(v))
      v <- ifelse(is.na(v), NA_character_, format(v, scientific = FALSE, trim = TRUE,
                                                   drop0trailing = TRUE))
    enc2utf8(as.character(v))
  }
  ids <- col("case_id")
  if (is.null(cases[["age"]])) ages <- rep(NA_character_, n) else {
    a <- cases[["age"]]
    ages <- if (is.numeric(a)) ifelse(is.na(a), NA_character_, as.character(a))
            else enc2utf8(as.character(a))
  }
  facts <- setdiff(names(cases), c("case_id", "age", "sector"))
  codes <- lapply(facts, function(f) answer_codes(cases[[f]], f, call))
  names(codes) <- enc2utf8(facts)
  r <- .dcall(C_duress_screen, ids, ages, col("sector"), codes,
              if (is.null(frameworks)) character() else enc2utf8(as.character(frameworks)),
              if (is.null(options)) character() else enc2utf8(as.character(options)),
              frameworks_dir, call = call)
  id <- if (all(is.na(ids))) as.character(seq_len(n)) else ids
  d <- data.frame(case_id = id[r$case], framework = r$framework, verdict = r$verdict,
                  reasons = r$reasons, would_change_if = r$would_change_if,
                  indicators = r$indicators, notes = r$notes, meaning = r$meaning,
                  stringsAsFactors = FALSE)
  structure(d, class = c("duress_screening", "data.frame"), details = r$details)
}

# Answers as the library's codes: 0 no, 1 unknown, 2 yes (NA: unknown).
answer_codes <- function(v, fact, call) {
  if (is.factor(v))
    v <- as.character(v)
  if (is.logical(v))
    return(ifelse(is.na(v), 1L, ifelse(v, 2L, 0L)))
  if (is.numeric(v)) {
    bad <- !is.na(v) & !(v %in% c(0, 1))
    if (any(bad))
      .fail("case %d, question '%s': the answer is yes, no or unknown (1, 0 or NA)",
            which(bad)[1L], fact, call = call)
    return(ifelse(is.na(v), 1L, ifelse(v == 1, 2L, 0L)))
  }
  if (!is.character(v))
    .fail("question '%s': the answers are yes, no or unknown", fact, call = call)
  w <- tolower(trimws(v))
  out <- match(w, c("no", "unknown", "yes")) - 1L
  out[is.na(v) | w %in% c("", "na", "don't know", "dont know")] <- 1L
  bad <- is.na(out)
  if (any(bad))
    .fail("case %d, question '%s': the answer is yes, no or unknown", which(bad)[1L], fact,
          call = call)
  as.integer(out)
}

#' @export
print.duress_screening <- function(x, ...) {
  d <- as.data.frame(unclass(x), stringsAsFactors = FALSE)[, c("case_id", "framework",
                                                               "verdict", "would_change_if")]
  # the unanswered questions that could change a verdict: how many, and the first
  n <- ifelse(nzchar(d$would_change_if),
              lengths(strsplit(d$would_change_if, ", ", fixed = TRUE)), 0L)
  first <- sub(",.*", "", d$would_change_if)
  d$would_change_if <- ifelse(n == 0L, "", ifelse(n == 1L, first,
                              sprintf("%s and %d more", first, n - 1L)))
  print(d, right = FALSE, row.names = FALSE)
  cat("\nA screening guides next steps; it is not a legal finding.\n")
  invisible(x)
}

#' @export
summary.duress_screening <- function(object, ...) {
  d <- as.data.frame(unclass(object), stringsAsFactors = FALSE)
  table(framework = d$framework,
        verdict = factor(d$verdict, c("indicated", "not_indicated", "insufficient_information")))
}

#' The frameworks and questions duress screens with
#'
#' @param what `"frameworks"`: one row per framework (id, version, title,
#'   summary, number of indicators); `"questions"`: the question bank (id,
#'   kind, section, text, help).
#' @param frameworks_dir where the framework files are (default: the
#'   library's own).
#' @return A data frame.
#' @examples
#' frameworks()[, c("id", "version", "indicators")]
#' head(frameworks("questions")[, c("id", "text")])
#' @export
frameworks <- function(what = c("frameworks", "questions"), frameworks_dir = NULL) {
  what <- match.arg(what)
  j <- .dcall(C_duress_frameworks, frameworks_dir, what)
  if (what == "frameworks")
    return(rows(j$frameworks, function(f)
      list(id = f$id, version = f$version, title = f$title, summary = f$summary,
           indicators = num(f$indicators))))
  rows(j$questions, function(q)
    list(id = q$id, kind = q$kind, section = if (is.null(q$section)) NA_character_ else q$section,
         text = q$text, help = if (is.null(q$help)) NA_character_ else q$help))
}
