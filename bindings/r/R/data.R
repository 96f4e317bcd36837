# A data frame as the CSV bytes the library reads (docs/formats.md), built
# in memory.  Why CSV and not a table built directly: the library's
# estimation job reads CSV, and the manifest records the SHA-256 of the
# exact bytes estimated, so that `duress reproduce` can find and check the
# same input beside the manifest (write_manifest() writes these bytes
# there).  Building the table in C would skip the job (strata, cleaning,
# the document) and leave the manifest without an input to check.

# RFC 4180 quoting where a field needs it.
csv_quote <- function(s) {
  s <- enc2utf8(as.character(s))
  need <- grepl("[\",\r\n]|^[ \t]|[ \t]$", s, useBytes = TRUE)
  s[need] <- paste0("\"", gsub("\"", "\"\"", s[need], fixed = TRUE, useBytes = TRUE), "\"")
  s
}

# One list column as the library's 0/1 text.  Logical, integer, numeric,
# factor and character columns are accepted; words the package knows
# (TRUE/FALSE, yes/no, true/false) become 1/0, anything else is passed on
# for the library to refuse with its message (naming the line and column).
list_values <- function(v, name) {
  if (is.factor(v))
    v <- as.character(v)
  if (is.logical(v)) {
    out <- ifelse(v, "1", "0")
    out[is.na(v)] <- "NA"
    return(out)
  }
  if (is.numeric(v)) {
    out <- sprintf("%.15g", as.double(v))
    out[is.na(v)] <- "NA"
    return(out)
  }
  if (is.character(v)) {
    w <- tolower(trimws(v))
    out <- v
    out[w %in% c("1", "yes", "true")] <- "1"
    out[w %in% c("0", "no", "false")] <- "0"
    out[is.na(v)] <- "NA"
    return(csv_quote(out))
  }
  .fail("the list column '%s' is of type %s; use 0/1, logical, factor or character",
        name, typeof(v), call = NULL)
}

# The CSV bytes (raw) of data frame `x`, in either form: every column in
# its order (so that a data frame read from a file gives back that file's
# bytes), `count` and `id` as they are, the stratum column `by` as text,
# every other column as list values.  Which columns are lists is the
# library's to decide (all but count, id and the stratum column, or the
# `lists` parameter), as on the command line.
capture_csv <- function(x, by = NULL) {
  if (is.matrix(x))
    x <- as.data.frame(x, stringsAsFactors = FALSE)
  if (!is.data.frame(x))
    .fail("the data must be a data frame (list columns of 0/1 and 'count', or one row per person)",
          call = NULL)
  nms <- names(x)
  if (is.null(nms) || anyNA(nms) || any(nms == ""))
    .fail("every column of the data needs a name", call = NULL)
  if (anyDuplicated(nms))
    .fail("the column '%s' appears twice", nms[anyDuplicated(nms)], call = NULL)
  if (!is.null(by) && !(is.character(by) && length(by) == 1L && !is.na(by)))
    .fail("'by' is the name of one column", call = NULL)
  if (!is.null(by) && !(by %in% nms))
    .fail("there is no column '%s' to estimate by", by, call = NULL)
  cols <- lapply(nms, function(k) {
    v <- x[[k]]
    if (k == "count") {
      if (is.factor(v) || is.character(v))
        v <- suppressWarnings(as.numeric(as.character(v)))
      if (!is.numeric(v))
        .fail("the column 'count' must be numeric", call = NULL)
      out <- sprintf("%.15g", as.double(v))
      out[is.na(v)] <- "NA"
      out
    } else if (k == "id") {
      csv_quote(v)
    } else if (!is.null(by) && k == by) {
      if (anyNA(v))
        .fail("the stratum column '%s' has missing values", by, call = NULL)
      csv_quote(as.character(v))
    } else {
      list_values(v, k)
    }
  })
  rows <- if (nrow(x)) do.call(paste, c(cols, sep = ",")) else character()
  text <- paste0(paste(c(paste(csv_quote(nms), collapse = ","), rows), collapse = "\n"), "\n")
  charToRaw(enc2utf8(text))
}
