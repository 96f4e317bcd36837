# Library failures come back from the C glue as a "duress_failure" list
# (code, message) once the glue has freed everything; here they become R
# conditions carrying the library's message and code.

.codes <- c("nomem", "invalid", "parse", "io", "numeric", "nomle", "data",
            "schema", "key", "limit", "mismatch")

duress_error <- function(message, code = 2L, call = NULL, ...) {
  name <- if (code >= 1L && code <= length(.codes)) .codes[code] else "other"
  structure(class = c(paste0("duress_error_", name), "duress_error", "error", "condition"),
            list(message = message, call = call, code = as.integer(code), ...))
}

duress_warning <- function(message, call = NULL) {
  structure(class = c("duress_warning", "warning", "condition"),
            list(message = message, call = call))
}

# .Call, and signal a library failure as an error of class
# c("duress_error_<code>", "duress_error", "error", "condition").
.dcall <- function(fun, ..., call = sys.call(-1L)) {
  r <- .Call(fun, ...)
  if (inherits(r, "duress_failure"))
    stop(duress_error(r$message, r$code, call))
  r
}

# An error raised by the R side (bad arguments), with the same classes.
.fail <- function(fmt, ..., code = 2L, call = sys.call(-1L))
  stop(duress_error(sprintf(fmt, ...), code, call))
