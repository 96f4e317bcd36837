# The published UK analysis (6 lists, 2744 people; shared/data/mse/uk.csv,
# SparseMSE 2.0.1's UKdat): reference figures from SparseMSE and Rcapture
# as recorded in shared/docs/methods.md and docs/estimate.md (Silverman
# 2014; Bales, Hesketh & Silverman 2015), all to 1e-6 relative.

test_that("the stepwise model is SparseMSE's: terms in order, estimate, fit, analytic interval", {
  uk <- read_shared("mse/uk.csv")
  # SparseMSE 2.0.1: modelfit(UKdat) with its stepwise rule, pthresh 0.02
  fit <- quiet(mse(uk, interval = "analytic"))
  expect_identical(fit$terms, c("PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO"))
  expect_identical(fit$steps$term, fit$terms)
  expect_true(all(diff(fit$steps$p) > 0) && all(fit$steps$p < 0.02))
  expect_rel(fit$estimate, 11417.9910915)
  expect_rel(fit$fit$deviance, 22.9939153742)
  expect_identical(as.integer(fit$fit$df), 49L)
  expect_rel(fit$fit$aic, 162.659054976)
  expect_rel(c(fit$interval$lower, fit$interval$upper), c(9977.28263976, 13145.6565096))
  expect_identical(fit$interval$method, "analytic")
  expect_identical(fit$observed, 2744)
})

test_that("main effects: estimate, deviance, AIC, analytic and profile intervals", {
  uk <- read_shared("mse/uk.csv")
  # Rcapture 1.4-4 closedp.t(UKdat, dfreq = TRUE): model Mt
  fit <- quiet(mse(uk, model = "main", interval = "analytic"))
  expect_length(fit$terms, 0L)
  expect_rel(fit$estimate, 12213.9951246)
  expect_rel(fit$fit$deviance, 179.354849389)
  expect_identical(as.integer(fit$fit$df), 56L)
  expect_rel(fit$fit$aic, 305.019988991)
  expect_rel(c(fit$interval$lower, fit$interval$upper), c(10988.8001335, 13621.2567203))
  # Rcapture 1.4-4 closedpCI.t(UKdat, dfreq = TRUE, m = "Mt"): profile likelihood
  prof <- quiet(mse(uk, model = "main", interval = "profile"))
  expect_rel(c(prof$interval$lower, prof$interval$upper), c(10983.8505274, 13648.2126893))
  expect_false(isTRUE(prof$interval$upper_open))
  ci <- confint(prof)
  expect_rel(unname(ci[1, ]), c(10983.8505274, 13648.2126893))
  expect_identical(colnames(ci), c("2.5 %", "97.5 %"))
})

test_that("all pairs: the two empty overlaps, estimate and fit, with the library's warning", {
  uk <- read_shared("mse/uk.csv")
  expect_warning(fit <- mse(uk, model = "all-pairs", interval = "none"), class = "duress_warning")
  expect_identical(fit$empty_overlaps, c("LA:GP", "LA:NCA"))
  expect_rel(fit$estimate, 10568.7067298)
  expect_rel(fit$fit$deviance, 13.2546694595)
  expect_identical(as.integer(fit$fit$df), 19L)
  expect_rel(fit$fit$aic, 168.919809062)
})

test_that("the BCa acceleration is the jackknife's, whatever the seed", {
  uk <- read_shared("mse/uk.csv")
  # SparseMSE 2.0.1 estimatepopulation(UKdat): jackknife acceleration a
  a <- quiet(mse(uk, B = 40, seed = 7))
  b <- quiet(mse(uk, B = 40, seed = 8))
  expect_rel(a$interval$acceleration, -0.012871165)
  expect_identical(a$interval$acceleration, b$interval$acceleration)
  expect_false(identical(a$interval$estimates, b$interval$estimates))
  expect_length(a$interval$estimates, 40L)
  expect_true(a$interval$lower < a$estimate && a$estimate < a$interval$upper)
})

test_that("list omission and every method side by side", {
  uk <- read_shared("mse/uk.csv")
  fit <- quiet(mse(uk, interval = "analytic"))
  om <- as.data.frame(fit, what = "omission")
  expect_identical(om$list, c("LA", "NG", "PF", "GO", "GP", "NCA"))
  expect_true(all(om$lower < om$estimate & om$estimate < om$upper))
  cmp <- quiet(mse_compare(uk, B = 20, seed = 1))
  expect_s3_class(cmp, "duress_comparison")
  # the comparison's stepwise and Mt rows are the models fitted alone
  expect_rel(cmp$estimate[cmp$model == "stepwise"], 11417.9910915)
  expect_rel(cmp$estimate[cmp$model == "mt"], 12213.9951246)
  expect_rel(unlist(cmp[cmp$model == "mt", c("lower", "upper")]), c(10983.8505274, 13648.2126893))
  expect_true(all(c("loglinear", "closed", "bma") %in% cmp$method))
  expect_false(is.null(attr(cmp, "result")$manifest))
})
