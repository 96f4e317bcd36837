# Provenance: writing and reading manifests, and re-running them exactly as
# `duress reproduce` does (src/cli/cmd_reproduce.c): the same input finding,
# the same checks (a regular file of the recorded size and SHA-256, before
# anything parses it), the library's own re-run and figure-by-figure
# comparison.

# The mse() result behind x (a result, or a comparison holding one).
as_result <- function(x) {
  if (inherits(x, "duress_comparison"))
    x <- attr(x, "result")
  if (!inherits(x, "duress_mse"))
    .fail("not a result of mse() or mse_compare()", call = sys.call(-1L))
  x
}

#' Write a result's provenance manifest (and its input) to files
#'
#' The manifest records the input (its name, size and SHA-256), every
#' parameter including the seed, the software and the whole result, so
#' that `duress reproduce PATH` on the command line, or [reproduce()] in R,
#' re-runs it and checks every figure.  The data estimated are written
#' beside the manifest, under the name recorded (the `name` given to
#' [mse()]), as the exact bytes that were estimated.
#'
#' @param x a result of [mse()] or [mse_compare()].
#' @param path where to write the manifest.
#' @param input also write the input beside the manifest.
#' @param overwrite replace an input file of that name whose content
#'   differs (by default that is an error, so that no file is lost).
#' @return `path`, invisibly.
#' @examples
#' people <- simulate_lists(1000, p = c(0.2, 0.3, 0.25), seed = 1)
#' fit <- mse(people, B = 50, seed = 2)
#' dir <- tempfile()
#' dir.create(dir)
#' write_manifest(fit, file.path(dir, "people.json"))
#' list.files(dir)
#' reproduce(file.path(dir, "people.json"))
#' @export
write_manifest <- function(x, path, input = TRUE, overwrite = FALSE) {
  x <- as_result(x)
  if (!is.character(path) || length(path) != 1L || is.na(path))
    .fail("'path' is one file name")
  if (input) {
    # the table (and any drawn tables), each checked before anything is written
    files <- list(list(name = x$data$name, csv = x$data$csv))
    if (!is.null(x$data$draws))
      files[[2L]] <- x$data$draws
    for (d in files) {
      f <- file.path(dirname(path), basename(d$name))
      if (file.exists(f) && !overwrite &&
          !identical(readBin(f, "raw", n = file.size(f) + 1), charToRaw(d$csv)))
        .fail("'%s' exists with other content: the manifest's input would replace it (write the manifest elsewhere, give mse() another name, or overwrite = TRUE)",
              f, code = 4L)
    }
    for (d in files)
      writeBin(charToRaw(d$csv), file.path(dirname(path), basename(d$name)))
  }
  writeBin(charToRaw(x$manifest), path)
  invisible(path)
}

#' Read a provenance manifest
#'
#' Reads a manifest written by `duress estimate --manifest`, `duress screen
#' --batch --summary --manifest`, `duress link match --manifest` or
#' [write_manifest()], strictly (the library's reader: errors name the key).
#'
#' @param path the manifest file.
#' @return An object of class `duress_manifest`: `command`, `created`,
#'   `software`, `inputs` (a data frame: role, file, label, size, sha256),
#'   `parameters`, `seed`, `result` (the recorded result document), and
#'   for an estimate `headline` and `text`.
#' @export
read_manifest <- function(path) {
  bytes <- read_manifest_bytes(path)
  m <- .dcall(C_duress_manifest_read, bytes, enc2utf8(path), FALSE)
  manifest_object(m, path, bytes)
}

read_manifest_bytes <- function(path) {
  if (!is.character(path) || length(path) != 1L || is.na(path))
    .fail("'path' is one file name", call = sys.call(-1L))
  info <- file.info(path)
  if (is.na(info$size))
    .fail("cannot open '%s': No such file or directory", path, code = 4L, call = sys.call(-1L))
  if (isTRUE(info$isdir))
    .fail("cannot read '%s': it is a folder", path, code = 4L, call = sys.call(-1L))
  if (info$size > 256 * 2^20)
    .fail("'%s' is larger than a manifest can be", path, code = 10L, call = sys.call(-1L))
  readBin(path, "raw", n = info$size + 1)
}

manifest_object <- function(m, path, bytes) {
  m$inputs <- as.data.frame(m$inputs, stringsAsFactors = FALSE)
  if (!is.null(m$estimate)) {
    m$headline <- m$estimate$headline
    m$text <- m$estimate$text
    m$estimate <- NULL
  }
  m$path <- path
  m$bytes <- bytes
  structure(m, class = "duress_manifest")
}

#' @export
print.duress_manifest <- function(x, ...) {
  cat(sprintf("duress manifest: %s of %s (duress %s, %s)\n", x$command, x$created,
              x$software$version, x$software$git))
  for (i in seq_len(nrow(x$inputs)))
    cat(sprintf("  %-10s %s (%s bytes, sha256 %s...)\n", x$inputs$role[i], x$inputs$file[i],
                format(x$inputs$size[i], big.mark = ","), substr(x$inputs$sha256[i], 1, 16)))
  if (!is.null(x$seed))
    cat("  seed", x$seed, "\n")
  if (!is.null(x$headline))
    cat(strwrap(x$headline, prefix = "  "), sep = "\n")
  invisible(x)
}

# Where input `inp` of a manifest in folder `mdir` is, as `duress reproduce`
# looks: beside the manifest (the recorded path from its folder, then the
# file name alone; never outside it unless allow_outside), and framework
# files in the frameworks folder.  NA when not found.
locate_input <- function(inp, mdir, allow_outside, frameworks_dir) {
  framework <- inp$role %in% c("framework", "question-bank")
  if (framework) {
    dir <- if (is.null(frameworks_dir)) .dcall(C_duress_framework_dir) else frameworks_dir
    cand <- file.path(dir, basename(inp$file))
    root <- NULL
  } else {
    cand <- character()
    if (!startsWith(inp$file, "/"))
      cand <- file.path(mdir, inp$file)
    cand <- c(cand, file.path(mdir, basename(inp$file)))
    if (allow_outside)
      cand <- c(cand, inp$file)
    root <- if (allow_outside) NULL else mdir
  }
  for (f in cand) {
    if (!file.exists(f))
      next
    real <- normalizePath(f, mustWork = TRUE)
    if (!is.null(root) && !startsWith(real, paste0(sub("/$", "", root), "/")))
      next
    return(real)
  }
  NA_character_
}

#' Re-run a manifest and check that every figure is identical
#'
#' As `duress reproduce` does: the inputs the manifest records are found
#' beside it (the recorded path from the manifest's folder, then the file
#' name in that folder; framework files in the frameworks folder), each
#' checked to be a regular file of the recorded size and SHA-256 before it
#' is read; the library re-runs the recorded job with the recorded
#' parameters and seed, and compares every figure of the new result with
#' the recorded one.  Manifests of the command line (`duress estimate
#' --manifest`, `duress screen --batch --summary --manifest`, `duress link
#' match --manifest`) and of [write_manifest()] are both accepted, and a
#' result of [mse()] is re-run from memory.
#'
#' @param x the path of a manifest, a [read_manifest()] object, or a result
#'   of [mse()] / [mse_compare()].
#' @param allow_outside also read inputs from where the manifest recorded
#'   them when that is outside the manifest's folder.
#' @param frameworks_dir where the framework files of a screening manifest
#'   are (default: those the library finds, as `duress frameworks`).
#' @param threads threads to use; they change only the speed.
#' @return An object of class `duress_reproduction` (invisibly when
#'   printed): `reproduced` (`TRUE`), `figures` (how many were compared),
#'   the recorded manifest's `command`, `created`, `software` and `inputs`,
#'   and the new `result`.  When any figure differs, an error of class
#'   `duress_error_mismatch` lists the differences; the condition's
#'   `reproduction` member holds them all (`differences`).
#' @export
reproduce <- function(x, allow_outside = FALSE, frameworks_dir = NULL,
                      threads = getOption("duress.threads", 2L)) {
  call <- match.call()
  if (inherits(x, "duress_mse") || inherits(x, "duress_comparison")) {
    x <- as_result(x)
    text <- charToRaw(x$manifest)
    name <- "the result's manifest"
    m <- .dcall(C_duress_manifest_read, text, name, TRUE, call = call)
    bytes <- charToRaw(x$data$csv)
    if (.Call(C_duress_sha256, bytes) != m$inputs$sha256[1L])
      .fail("the result's data have changed since it was made", code = 11L, call = call)
    bufs <- list(bytes)
    found <- x$data$name
    if (!is.null(x$data$draws)) {
      db <- charToRaw(x$data$draws$csv)
      if (length(m$inputs$sha256) < 2L || .Call(C_duress_sha256, db) != m$inputs$sha256[2L])
        .fail("the result's drawn tables have changed since it was made", code = 11L,
              call = call)
      bufs[[2L]] <- db
      found <- c(found, x$data$draws$name)
    }
  } else {
    if (inherits(x, "duress_manifest"))
      x <- x$path
    text <- read_manifest_bytes(x)
    name <- x
    m <- .dcall(C_duress_manifest_read, text, enc2utf8(name), TRUE, call = call)
    mdir <- normalizePath(dirname(x), mustWork = TRUE)
    inputs <- as.data.frame(m$inputs, stringsAsFactors = FALSE)
    found <- character(nrow(inputs))
    bufs <- vector("list", nrow(inputs))
    for (i in seq_len(nrow(inputs))) {
      inp <- inputs[i, ]
      f <- locate_input(inp, mdir, allow_outside, frameworks_dir)
      if (is.na(f)) {
        if (inp$role %in% c("framework", "question-bank"))
          .fail("the framework file '%s' is not in the frameworks folder", inp$file,
                code = 4L, call = call)
        .fail("input '%s' is not beside the manifest (copy it there, or use allow_outside = TRUE to read it where it was recorded)",
              inp$file, code = 4L, call = call)
      }
      bufs[[i]] <- .dcall(C_duress_read_checked, enc2utf8(f), inp$size, inp$sha256,
                          call = call)
      found[i] <- f
    }
  }
  r <- .dcall(C_duress_reproduce, text, enc2utf8(name), bufs,
              as.integer(threads), call = call)
  out <- structure(list(reproduced = length(r$differences) == 0L, figures = r$figures,
                        differences = r$differences, command = m$command,
                        created = m$created, software = m$software,
                        inputs = as.data.frame(m$inputs, stringsAsFactors = FALSE),
                        found = found, result = r$result,
                        headline = r$estimate$headline, manifest = name),
                   class = "duress_reproduction")
  if (!out$reproduced) {
    n <- length(out$differences)
    msg <- sprintf("'%s': not reproduced: %d of %.0f figures differ:\n%s", name, n, out$figures,
                   paste0("  ", utils::head(out$differences, 10L), collapse = "\n"))
    if (n > 10L)
      msg <- paste0(msg, sprintf("\n  ... and %d more (see the condition's $reproduction)", n - 10L))
    stop(duress_error(msg, 11L, call, reproduction = out))
  }
  out
}

#' @export
print.duress_reproduction <- function(x, ...) {
  v <- duress_version()
  if (!identical(x$software$git, v$git) || !identical(x$software$build, v$build))
    cat(sprintf("note: recorded with duress %s (%s, %s), re-run with %s (%s, %s)\n",
                x$software$version, x$software$git, x$software$build, v$version, v$git,
                v$build))
  ins <- paste0("; ", x$inputs$file, " sha256 ", substr(x$inputs$sha256, 1, 16), "...",
                collapse = "")
  cat(sprintf("reproduced: all %.0f figures identical (%s of %s%s)\n", x$figures, x$command,
              x$created, ins))
  invisible(x)
}
