# The package and the command line give the same figures, to the bit, and
# each reproduces the other's manifests.

test_that("the BCa interval is identical to the command line's with the same seed", {
  uk <- read_shared("mse/uk.csv")
  d <- new_dir()
  file.copy(file.path(shared_data(), "mse", "uk.csv"), d)
  r <- run_cli(c("estimate", "--seed", "5", "--format", "json", "-o", "out.json",
                 "--manifest", "cli.json", "uk.csv"), wd = d)
  expect_identical(r$status, 0L)
  cli <- read_manifest(file.path(d, "cli.json"))$result
  fit <- quiet(mse(uk, seed = 5))
  expect_identical(fit$interval$method, "bca")
  expect_identical(fit$interval$replicates, 1000)
  expect_identical(fit$interval$lower, cli$interval$lower)
  expect_identical(fit$interval$upper, cli$interval$upper)
  expect_identical(fit$interval$estimates, as.double(cli$interval$replicate_estimates))
  expect_identical(fit$interval$acceleration, cli$interval$acceleration)
  expect_identical(fit$estimate, cli$estimate)
  # the data frame was written as the very bytes of the file it was read from
  expect_identical(fit$input$sha256, cli$input$sha256)
})

test_that("duress reproduce reproduces an R run", {
  uk <- read_shared("mse/uk.csv")
  d <- new_dir()
  fit <- quiet(mse(uk, B = 200, seed = 11, name = "uk2013.csv"))
  write_manifest(fit, file.path(d, "r.json"))
  expect_true(file.exists(file.path(d, "uk2013.csv")))
  r <- run_cli(c("reproduce", "r.json"), wd = d)
  expect_identical(r$status, 0L)
  expect_match(paste(r$out, collapse = "\n"), "reproduced: all [0-9]+ figures identical")
  # and refuses it when the input is changed
  cat("1,1,1,1,1,1,1\n", file = file.path(d, "uk2013.csv"), append = TRUE)
  r <- run_cli(c("reproduce", "r.json"), wd = d)
  expect_identical(r$status, 1L)
  expect_match(paste(r$out, collapse = "\n"), "has changed since the manifest was written")
})

test_that("a latent-class (lcmcr) run in R is reproduced by the command line", {
  skip_if_not("lcmcr" %in% methods_available(),
              "this build of libduress has no 'lcmcr' method yet")
  skip_without_cli()
  d <- new_dir()
  fit <- quiet(mse(read_shared("mse/uk.csv"), method = "lcmcr", seed = 7, diagnostics = FALSE,
                   name = "uk.csv"))
  write_manifest(fit, file.path(d, "lcmcr.json"))
  r <- run_cli(c("reproduce", "lcmcr.json"), wd = d)
  expect_identical(r$status, 0L)
  expect_match(paste(r$out, collapse = "\n"), "reproduced: all [0-9]+ figures identical")
})

test_that("reproduce() in R reproduces a command-line run, strata and all", {
  skip_without_cli()
  d <- new_dir()
  people <- simulate_lists(2500, p = c(0.2, 0.25, 0.15, 0.3), seed = 21)
  people$region <- rep(c("east", "west"), length.out = nrow(people))
  utils::write.csv(people, file.path(d, "people.csv"), row.names = FALSE, quote = FALSE)
  r <- run_cli(c("estimate", "--seed", "3", "--bootstrap", "100", "--by", "region",
                 "--compare", "--manifest", "m.json", "people.csv"), wd = d)
  expect_identical(r$status, 0L)
  rep <- reproduce(file.path(d, "m.json"))
  expect_s3_class(rep, "duress_reproduction")
  expect_true(rep$reproduced)
  expect_gt(rep$figures, 1000)
  expect_output(print(rep), "reproduced: all")
  # the same data in R give the same figures as the command line
  fit <- quiet(mse(people, by = "region", B = 100, seed = 3, compare = TRUE))
  rec <- read_manifest(file.path(d, "m.json"))$result
  expect_identical(fit$estimate, rec$estimate)
  expect_identical(fit$strata$west$interval$upper, rec$strata[[2]]$interval$upper)
  # an input changed after the run is refused before it is read
  cat("9999,1,0,0,0,east\n", file = file.path(d, "people.csv"), append = TRUE)
  expect_error(reproduce(file.path(d, "m.json")), "has changed", class = "duress_error_mismatch")
})

test_that("a screening summary of the command line is reproduced in R", {
  skip_without_cli()
  d <- new_dir()
  batch_cases(file.path(d, "batch.csv"))
  r <- run_cli(c("screen", "--batch", "batch.csv", "--summary", "--resolution", "1",
                 "--manifest", "s.json"), wd = d)
  expect_identical(r$status, 0L)
  expect_true(reproduce(file.path(d, "s.json"))$reproduced)
})

test_that("simulate_lists() makes the people duress simulate makes", {
  d <- new_dir()
  r <- run_cli(c("simulate", "--n", "3000", "--p", "0.15,0.2,0.1,0.25", "--seed", "1",
                 "--referral", "L1:L3:0.2", "-o", "h.csv"), wd = d)
  expect_identical(r$status, 0L)
  cli <- utils::read.csv(file.path(d, "h.csv"))
  s <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), referrals = "L1:L3:0.2", seed = 1)
  expect_identical(names(s), names(cli))
  expect_true(all(as.matrix(s) == as.matrix(cli)))
  r <- run_cli(c("simulate", "--n", "3000", "--p", "0.15,0.2,0.1,0.25", "--seed", "1",
                 "--referral", "L1:L3:0.2", "--form", "table", "-o", "t.csv"), wd = d)
  tab <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), referrals = "L1:L3:0.2", seed = 1,
                        form = "table")
  expect_true(all(as.matrix(tab) == as.matrix(utils::read.csv(file.path(d, "t.csv")))))
})

test_that("screen() gives the command line's verdicts", {
  d <- new_dir()
  cases <- batch_cases(file.path(d, "batch.csv"))
  r <- run_cli(c("screen", "--batch", "batch.csv"), wd = d)
  expect_identical(r$status, 0L)
  # the text table: case_id, then one verdict per framework, then the sector
  lines <- r$out[seq(2L, which(r$out == "")[1L] - 1L)]
  fws <- strsplit(trimws(r$out[1L]), " +")[[1L]]
  fws <- fws[2:(length(fws) - 1L)]
  s <- screen(cases)
  short <- c(indicated = "indicated", not_indicated = "not indicated",
             insufficient_information = "not enough info")
  for (l in lines) {
    id <- strsplit(l, " +")[[1L]][1L]
    want <- vapply(fws, function(f) short[[s$verdict[s$case_id == id & s$framework == f]]], "")
    expect_match(l, paste0("^", id, " +", paste(want, collapse = " +")))
  }
})
