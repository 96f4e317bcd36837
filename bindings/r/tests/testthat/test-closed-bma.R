# Rcapture's closed-population models and dga's model averaging on the UK
# tables, against the figures recorded in shared/docs/methods.md.

test_that("the closed-population models give Rcapture's abundances, errors and fits", {
  uk <- read_shared("mse/uk.csv")
  # Rcapture 1.4-4 closedp.t(UKdat, dfreq = TRUE): abundance, stderr,
  # deviance, df, AIC (deviance and df over all 2^6 - 1 cells)
  ref <- data.frame(
    model = c("m0", "mt", "mh-chao", "mh-poisson", "mh-darroch", "mh-gamma", "mth-chao",
              "mth-poisson", "mth-darroch", "mth-gamma", "mb", "mbh"),
    abundance = c(13597.517004, 12213.9951246, 13677.0637007, 13750.5576764, 13356.451752,
                  12979.0760267, 12298.5081302, 13168.7877151, 13696.7738594, 14206.0129224,
                  7604.58079219, 3362.61737716),
    stderr = c(766.629050485, 676.450144735, 777.901507111, 1840.96320723, 3385.21213153,
               4831.08617167, 686.550214128, 1710.63404223, 3503.25452547, 5434.12223282,
               915.467616846, 72.3441766186),
    deviance = c(1980.47662294, 179.354849389, 1979.7344616, 1980.46819131, 1980.47137984,
                 1980.46066821, 177.961247408, 178.966324047, 179.144826015, 179.193905603,
                 1969.12914686, 981.288862444),
    df = c(61L, 56L, 60L, 60L, 60L, 60L, 55L, 55L, 55L, 55L, 60L, 59L),
    aic = c(2096.14176255, 305.019988991, 2097.3996012, 2098.13333091, 2098.13651944,
            2098.12580781, 305.62638701, 306.631463649, 306.809965617, 306.859045205,
            2086.79428646, 1100.95400205))
  for (i in seq_len(nrow(ref))) {
    fit <- quiet(mse(uk, model = ref$model[i], diagnostics = FALSE))
    expect_identical(fit$method, "closed")
    expect_rel(fit$estimate, ref$abundance[i])
    expect_rel(fit$se, ref$stderr[i])
    expect_rel(fit$fit$deviance, ref$deviance[i])
    expect_identical(as.integer(fit$fit$df), ref$df[i])
    expect_rel(fit$fit$aic, ref$aic[i])
  }
})

test_that("the profile intervals are Rcapture's closedpCI", {
  uk <- read_shared("mse/uk.csv")
  # Rcapture 1.4-4 closedpCI.t(UKdat, dfreq = TRUE, m = ...): 95% profile likelihood
  ref <- list(mt = c(10983.8505274, 13648.2126893),
              "mth-chao" = c(11050.4679117, 13811.7627307),
              "mth-poisson" = c(10053.6609724, 16327.2813722),
              "mth-darroch" = c(8231.73476822, 22266.7955429))
  for (m in names(ref)) {
    fit <- quiet(mse(uk, model = m, diagnostics = FALSE))
    expect_identical(fit$interval$method, "profile")
    expect_rel(c(fit$interval$lower, fit$interval$upper), ref[[m]])
  }
})

test_that("Bayesian model averaging gives dga's posterior on uk_5 and uk_4", {
  # dga 2.0.2 bma.cr(Y, Nmissing = 1:(20*n), delta = 2^-k, graphs = graphs<k>),
  # log prior -log(Nmissing); quantiles are the smallest N with cdf >= p
  ref <- list("mse/uk_5.csv" = c(22990, 10387, 33508, 21281.6083033, 0.443439879437),
              "mse/uk_4.csv" = c(11364, 9535, 13549, 11416.2371072, 0.433332858216))
  for (f in names(ref)) {
    fit <- mse(read_shared(f), method = "bma", seed = 1, diagnostics = FALSE)
    r <- ref[[f]]
    expect_identical(fit$interval$method, "credible")
    expect_identical(c(fit$estimate, fit$interval$lower, fit$interval$upper), r[1:3])
    expect_rel(fit$posterior$mean, r[4])
    expect_rel(fit$candidates$posterior[1], r[5])
    # the histogram covers the bulk of the posterior
    mass <- sum(fit$posterior$histogram$probability)
    expect_true(mass > 0.99 && mass <= 1 + 1e-12)
  }
})

test_that("a method chooses its own models: model or select with it is an error", {
  uk <- read_shared("mse/uk_5.csv")
  expect_error(mse(uk, method = "bma", model = "main"), class = "duress_error")
  expect_error(mse(uk, method = "bma", interval = "bca"), "credible", class = "duress_error_invalid")
})

test_that("method = 'lcmcr' gives LCMCR's posterior on kosovo, within the Monte Carlo error", {
  skip_if_not("lcmcr" %in% methods_available(),
              "this build of libduress has no 'lcmcr' method yet")
  k <- read_shared("mse/kosovo.csv")
  fit <- quiet(mse(k, method = "lcmcr", seed = 12345, diagnostics = FALSE))
  expect_identical(fit$method, "lcmcr")
  expect_identical(fit$interval$method, "credible")
  # LCMCR 0.4.14, lcmCR(K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = s),
  # lcmCR_PostSampl(burnin = 10000, samples = 1000, thinning = 100) over
  # seeds 1..100, pooled (docs/lcmcr.md; tests/mse/test_mse_lcmcr.c): the
  # median, 2.5% and 97.5% quantiles and mean, with their MCSEs, and the
  # standard deviation of one LCMCR run over the seeds.  Our Monte Carlo
  # error is at least that SD over sqrt(chains) (our chains are runs of the
  # same Markov chain); agreement within 4 combined errors.
  ref <- c(10418.00, 8988.00, 13839.02, 10667.843)
  ref_mcse <- c(7.50, 45.00, 52.00, 14.114)
  sd_run <- c(103.97, 360.20, 606.00, 166.56)
  ours <- c(fit$estimate, fit$interval$lower, fit$interval$upper, fit$posterior$mean)
  err <- sqrt((sd_run / sqrt(fit$posterior$chains))^2 + ref_mcse^2)
  expect_true(all(abs(ours - ref) < 4 * err),
              label = sprintf("ours %s vs LCMCR %s (4 x error %s)", paste(round(ours), collapse = ", "),
                              paste(round(ref), collapse = ", "), paste(round(4 * err), collapse = ", ")))
  expect_true(fit$posterior$rhat < 1.1)
  # the same seed gives the same chain, and the manifest re-runs it exactly
  expect_true(reproduce(fit)$reproduced)
})
