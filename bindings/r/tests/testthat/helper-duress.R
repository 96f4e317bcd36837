# Where the reference data and the command line are.
#
# The shared reference data (shared/data: mse/*.csv with SOURCES.md) lives
# beside the checkout and is never copied into it.  DURESS_SHARED_DATA
# names it (make check-r sets it, since R CMD check runs the tests in a
# copy far from the checkout); else it is looked for in every folder above
# the working directory (from bindings/r/tests/testthat of a checkout,
# ../../../../../shared/data).  Without it those tests are skipped, with the
# reason shown, unless DUR_REQUIRE_SHARED is set: then they fail.

shared_data <- function() {
  env <- Sys.getenv("DURESS_SHARED_DATA")
  if (nzchar(env))
    return(if (file.exists(file.path(env, "mse", "uk.csv"))) normalizePath(env) else NULL)
  d <- normalizePath(getwd())
  repeat {
    c <- file.path(d, "shared", "data")
    if (file.exists(file.path(c, "mse", "uk.csv")))
      return(c)
    if (dirname(d) == d)
      return(NULL)
    d <- dirname(d)
  }
}

skip_without_shared <- function() {
  if (!is.null(shared_data()))
    return(invisible(TRUE))
  if (nzchar(Sys.getenv("DUR_REQUIRE_SHARED")))
    stop("DUR_REQUIRE_SHARED is set but the shared reference data was not found ",
         "(set DURESS_SHARED_DATA to the shared/data folder)")
  skip("no shared reference data (set DURESS_SHARED_DATA to the shared/data folder)")
}

read_shared <- function(rel) {
  skip_without_shared()
  utils::read.csv(file.path(shared_data(), rel), check.names = FALSE)
}

# The duress program: DURESS_CLI, else on the PATH, else the checkout's
# build/duress above the working directory.
duress_cli <- function() {
  env <- Sys.getenv("DURESS_CLI")
  if (nzchar(env))
    return(if (file.exists(env)) normalizePath(env) else NA_character_)
  w <- Sys.which("duress")
  if (nzchar(w))
    return(unname(w))
  d <- normalizePath(getwd())
  repeat {
    c <- file.path(d, "build", "duress")
    if (file.exists(c) && file.exists(file.path(d, "include", "duress", "estimate.h")))
      return(c)
    if (dirname(d) == d)
      return(NA_character_)
    d <- dirname(d)
  }
}

skip_without_cli <- function() {
  cli <- duress_cli()
  if (!is.na(cli))
    return(invisible(cli))
  if (nzchar(Sys.getenv("DURESS_CLI")))
    stop("DURESS_CLI is set to '", Sys.getenv("DURESS_CLI"), "', which does not exist")
  skip("no duress program (set DURESS_CLI, or put build/ on the PATH)")
}

# Run the program; its exit status and output lines.
run_cli <- function(args, wd = NULL) {
  cli <- skip_without_cli()
  old <- if (!is.null(wd)) setwd(wd)
  on.exit(if (!is.null(old)) setwd(old))
  out <- suppressWarnings(system2(cli, args, stdout = TRUE, stderr = TRUE))
  list(status = if (is.null(attr(out, "status"))) 0L else attr(out, "status"), out = out)
}

# |x / ref - 1| <= tol, element by element (reference figures are relative).
expect_rel <- function(x, ref, tol = 1e-6) {
  expect_true(is.numeric(x) && length(x) == length(ref), label = "same length")
  rel <- abs(x / ref - 1)
  expect_true(all(rel <= tol),
              label = sprintf("relative differences %s (tolerance %g)",
                              paste(signif(rel, 3), collapse = ", "), tol))
}

quiet <- function(expr) suppressWarnings(expr)

new_dir <- function() {
  d <- tempfile("duress-test-")
  dir.create(d)
  d
}

# A small batch of made-up cases (nobody real), with yes, no and unknown
# answers, written as the command line's batch CSV when `file` is given.
batch_cases <- function(file = NULL) {
  d <- data.frame(
    case_id = sprintf("c%02d", 1:8),
    age = c("34", "29", "16", "", "45", "minor", "adult", "22"),
    sector = c("agriculture", "sex work", "domestic work", "", "construction", "",
               "fishing", "restaurant"),
    threats_to_person = c("no", "no", "", "yes", "no", "", "no", "no"),
    documents_taken = c("yes", "no", "", "", "no", "", "no", "no"),
    debt_bondage = c("yes", "no", "no", "", "no", "", "no", ""),
    wages_withheld = c("yes", "no", "", "", "no", "", "no", "no"),
    physical_violence = c("no", "no", "", "", "no", "", "no", "no"),
    sexual_violence = c("no", "no", "", "", "no", "", "no", "no"),
    threats_to_family = c("no", "no", "", "", "no", "", "no", "no"),
    commercial_sex = c("no", "yes", "no", "", "no", "yes", "no", "no"),
    recruited = c("yes", "no", "yes", "", "no", "", "yes", ""),
    deceived_about_job = c("yes", "no", "", "", "no", "", "yes", ""),
    cannot_leave = c("yes", "no", "", "yes", "no", "", "no", ""),
    stringsAsFactors = FALSE)
  if (!is.null(file))
    utils::write.csv(d, file, row.names = FALSE, quote = FALSE, na = "")
  d
}
