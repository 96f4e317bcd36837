# Manifests: written, read, reproduced from memory and from files; a
# changed input is refused; reports are made from them.

test_that("a result's manifest reproduces, from memory and from its files", {
  t <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 13, form = "table")
  fit <- quiet(mse(t, B = 50, seed = 4, name = "tab.csv"))
  expect_type(fit$manifest, "character")
  expect_true(reproduce(fit)$reproduced)
  d <- new_dir()
  write_manifest(fit, file.path(d, "tab.json"))
  expect_identical(sort(list.files(d)), c("tab.csv", "tab.json"))
  # the input beside the manifest is the exact bytes estimated
  expect_identical(readChar(file.path(d, "tab.csv"), 1e6, useBytes = TRUE), fit$data$csv)
  m <- read_manifest(file.path(d, "tab.json"))
  expect_s3_class(m, "duress_manifest")
  expect_identical(m$command, "estimate")
  expect_identical(m$seed, "4")
  expect_identical(m$inputs$file, "tab.csv")
  expect_identical(m$result$estimate, fit$estimate)
  expect_output(print(m), "estimate of")
  rep <- reproduce(file.path(d, "tab.json"))
  expect_true(rep$reproduced)
  expect_identical(rep$figures, reproduce(m)$figures)
})

test_that("a changed input or a changed figure is refused", {
  t <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 14, form = "table")
  fit <- quiet(mse(t, B = 20, seed = 4, name = "tab.csv"))
  d <- new_dir()
  write_manifest(fit, file.path(d, "tab.json"))
  # the input: refused by size and SHA-256 before it is read
  bytes <- readBin(file.path(d, "tab.csv"), "raw", 1e6)
  bytes[length(bytes) - 1L] <- as.raw(utf8ToInt("9"))
  writeBin(bytes, file.path(d, "tab.csv"))
  expect_error(reproduce(file.path(d, "tab.json")), "SHA-256", class = "duress_error_mismatch")
  # not beside the manifest
  file.remove(file.path(d, "tab.csv"))
  expect_error(reproduce(file.path(d, "tab.json")), "not beside the manifest",
               class = "duress_error_io")
  # a recorded figure changed: the differences are listed
  write_manifest(fit, file.path(d, "tab.json"))
  txt <- readChar(file.path(d, "tab.json"), 1e7, useBytes = TRUE)
  est <- sprintf("%.17g", fit$estimate)
  expect_true(grepl(est, txt, fixed = TRUE))
  writeChar(sub(est, "1234.5", txt, fixed = TRUE), file.path(d, "tab.json"), eos = NULL)
  e <- tryCatch(reproduce(file.path(d, "tab.json")), duress_error_mismatch = function(e) e)
  expect_s3_class(e, "duress_error_mismatch")
  expect_match(conditionMessage(e), "figures differ")
  expect_true(any(grepl("^result.estimate: was 1234.5", e$reproduction$differences)))
})

test_that("write_manifest does not replace another file of the input's name", {
  t <- simulate_lists(1000, p = c(0.3, 0.2, 0.25), seed = 15, form = "table")
  fit <- quiet(mse(t, B = 20, seed = 4, name = "tab.csv"))
  d <- new_dir()
  writeLines("something else", file.path(d, "tab.csv"))
  expect_error(write_manifest(fit, file.path(d, "m.json")), "exists with other content",
               class = "duress_error")
  expect_identical(readLines(file.path(d, "tab.csv")), "something else")
  write_manifest(fit, file.path(d, "m.json"), overwrite = TRUE)
  expect_true(reproduce(file.path(d, "m.json"))$reproduced)
})

test_that("a manifest that is not one is an error naming the key", {
  d <- new_dir()
  writeLines('{"duress_manifest": 2, "command": "estimate"}', file.path(d, "x.json"))
  expect_error(read_manifest(file.path(d, "x.json")), "x.json", class = "duress_error_parse")
  expect_error(reproduce(file.path(d, "nothing.json")), "cannot open", class = "duress_error_io")
})

test_that("report() makes one HTML file from results and manifests, the same for the same input", {
  t <- simulate_lists(1500, p = c(0.3, 0.2, 0.25), seed = 16, form = "table")
  fit <- quiet(mse(t, B = 20, seed = 4, name = "tab.csv"))
  h <- report(fit)
  expect_match(h, "^<!DOCTYPE html>")
  expect_identical(report(fit), h)
  expect_false(grepl("<script", h, fixed = TRUE))
  d <- new_dir()
  write_manifest(fit, file.path(d, "tab.json"))
  old <- setwd(d)
  on.exit(setwd(old))
  report("tab.json", file = "r.html")
  # the report from the file equals the one from memory under the same name
  expect_identical(readBin("r.html", "raw", 1e8), charToRaw(report(tab.json = fit)))
  es <- report(fit, lang = "es")
  expect_match(es, "lang=\"es\"")
  expect_error(report(fit, lang = "xx"), class = "duress_error")
})

test_that("linkage draws: every drawn table estimated, by hand; the manifest keeps both inputs", {
  # Lincoln-Petersen: 80 on A, 60 on B, m on both: N = 4800 / m
  t <- data.frame(A = c(1, 0, 1), B = c(0, 1, 1), count = c(60, 40, 20))   # 240
  d <- data.frame(draw = rep(1:3, each = 3), A = rep(c(1, 0, 1), 3), B = rep(c(0, 1, 1), 3),
                  count = c(60, 40, 20, 50, 30, 30, 70, 50, 10))            # 240, 160, 480
  fit <- suppressWarnings(mse(t, model = "main", interval = "none", level = 0.5,
                              linkage_draws = d, name = "lp.csv"))
  expect_equal(fit$estimate, 240)
  expect_equal(fit$linkage$estimates, c(240, 160, 480))
  # type-7 quantiles of 160, 240, 480 at 0.25 and 0.75: 200 and 360
  expect_equal(unname(unlist(fit$linkage[c("median", "lower", "upper", "min", "max")])),
               c(240, 200, 360, 160, 480))
  expect_equal(fit$linkage$lower, unname(quantile(c(240, 160, 480), 0.25)))
  expect_match(paste(fit$warnings, collapse = " "), "the linkage alone moves the estimate")
  expect_output(print(fit), "Linkage")
  expect_true(reproduce(fit)$reproduced)
  dir <- new_dir()
  write_manifest(fit, file.path(dir, "lp.json"))
  expect_identical(sort(list.files(dir)), c("lp-draws.csv", "lp.csv", "lp.json"))
  expect_identical(read_manifest(file.path(dir, "lp.json"))$inputs$role, c("table", "linkage-draws"))
  expect_true(reproduce(file.path(dir, "lp.json"))$reproduced)
  # other lists are refused, naming both inputs
  expect_error(mse(t, linkage_draws = data.frame(draw = 1, A = 1, C = 1, count = 3)),
               "its lists are not those of", class = "duress_error")
})
