#' An HTML report made from manifests
#'
#' One self-contained HTML file (the library's `dur_report_render`, as
#' `duress report`): the result in plain words, plots with tables of the
#' same numbers, the method and every parameter, and the provenance (each
#' input's SHA-256 and how it was checked).  It loads nothing and runs no
#' script; the same manifests give the same file.
#'
#' @param ... results of [mse()] / [mse_compare()] (their inputs are
#'   checked from memory), or paths of manifest files (their inputs are
#'   looked for beside them, as [reproduce()] does).  Names, if given, name
#'   the manifests in the report.
#' @param file write the report there (UTF-8); `NULL` returns it.
#' @param title the report's title (default: made from the inputs' names).
#' @param lang the language of the text: `"en"` (default) or another
#'   catalogue of the library (e.g. `"es"`).
#' @param publish counts of people from 1 to `min_cell - 1` are shown as
#'   `"<min_cell"`, for publication.
#' @param min_cell see `publish`.
#' @param allow_changed make the report even when an input differs from its
#'   record (the report then says so at the top).
#' @param top_models models shown in the model comparison.
#' @return The HTML as one string, or (with `file`) `file`, invisibly.
#' @examples
#' people <- simulate_lists(1000, p = c(0.2, 0.3, 0.25), seed = 1)
#' fit <- mse(people, B = 50, seed = 2)
#' html <- report(fit)
#' substr(html, 1, 15)
#' @export
report <- function(..., file = NULL, title = NULL, lang = NULL, publish = FALSE,
                   min_cell = 10, allow_changed = FALSE, top_models = 10) {
  call <- match.call()
  xs <- list(...)
  if (!length(xs))
    .fail("give at least one result or manifest", call = call)
  given <- names(xs)
  names <- character(length(xs))
  texts <- vector("list", length(xs))
  files <- vector("list", length(xs))
  for (i in seq_along(xs)) {
    x <- xs[[i]]
    if (inherits(x, "duress_mse") || inherits(x, "duress_comparison")) {
      x <- as_result(x)
      names[i] <- paste0(sub("\\.csv$", "", basename(x$data$name)), ".json")
      texts[[i]] <- charToRaw(x$manifest)
      files[[i]] <- list(place = 2L, name = x$data$name, bytes = list(charToRaw(x$data$csv)))
    } else {
      if (inherits(x, "duress_manifest"))
        x <- x$path
      names[i] <- x
      texts[[i]] <- read_manifest_bytes(x)
      m <- .dcall(C_duress_manifest_read, texts[[i]], enc2utf8(x), FALSE, call = call)
      mdir <- normalizePath(dirname(x), mustWork = TRUE)
      inputs <- as.data.frame(m$inputs, stringsAsFactors = FALSE)
      place <- integer(nrow(inputs))
      fname <- character(nrow(inputs))
      bytes <- vector("list", nrow(inputs))
      for (k in seq_len(nrow(inputs))) {
        inp <- inputs[k, ]
        f <- tryCatch(locate_input(inp, mdir, FALSE, NULL), duress_error = function(e) NA)
        framework <- inp$role %in% c("framework", "question-bank")
        if (is.na(f)) {
          place[k] <- 1L
          fname[k] <- inp$file
        } else {
          place[k] <- if (framework) 3L else 2L
          fname[k] <- if (framework) basename(f) else
            substring(f, nchar(sub("/$", "", mdir)) + 2L)
          bytes[k] <- list(readBin(f, "raw", n = file.size(f) + 1))
        }
      }
      files[[i]] <- list(place = place, name = enc2utf8(fname), bytes = bytes)
    }
    if (!is.null(given) && nzchar(given[i]))
      names[i] <- given[i]
  }
  opts <- list(title = title, lang = lang, publish = isTRUE(publish),
               min_cell = as.double(min_cell), allow_changed = isTRUE(allow_changed),
               top_models = as.double(top_models))
  html <- .dcall(C_duress_report, enc2utf8(names), texts, files, opts, call = call)
  if (is.null(file))
    return(html)
  writeBin(charToRaw(enc2utf8(html)), file)
  invisible(file)
}
