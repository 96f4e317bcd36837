# Data frames in either form and any list-column type reach the library
# as the same table (properties), and hand-computed figures.

test_that("two lists: the Lincoln-Petersen estimate and its analytic interval, by hand", {
  x <- data.frame(A = c(1, 0, 1), B = c(0, 1, 1), count = c(40, 60, 20))
  expect_warning(fit <- mse(x, model = "main", interval = "analytic"), "two lists",
                 class = "duress_warning")
  # N = n + n10 * n01 / n11 = 120 + 40 * 60 / 20 = 240; the saturated model's
  # var(log unseen) = 1/n10 + 1/n01 + 1/n11
  expect_rel(fit$estimate, 240, 1e-10)
  se <- sqrt(1 / 40 + 1 / 60 + 1 / 20)
  expect_rel(c(fit$interval$lower, fit$interval$upper),
             120 + 120 * exp(c(-1, 1) * stats::qnorm(0.975) * se), 1e-9)
})

test_that("capture histories and their table give the same figures", {
  h <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 4)
  t <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 4, form = "table")
  expect_identical(sum(t$count), nrow(h) + 0)
  a <- quiet(mse(h, B = 50, seed = 9))
  b <- quiet(mse(t, B = 50, seed = 9))
  expect_identical(a$estimate, b$estimate)
  expect_identical(a$interval$estimates, b$interval$estimates)
  expect_identical(a$document$input$form, "individual")
  expect_identical(b$document$input$form, "aggregated")
})

test_that("logical, factor, character and integer list columns are the same lists", {
  h <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 5)
  h$id <- NULL
  ref <- quiet(mse(h, model = "main", interval = "analytic"))
  v <- h
  v$L1 <- v$L1 == 1
  v$L2 <- factor(ifelse(v$L2 == 1, "yes", "no"))
  v$L3 <- ifelse(v$L3 == 1, "TRUE", "FALSE")
  got <- quiet(mse(v, model = "main", interval = "analytic"))
  expect_identical(got$estimate, ref$estimate)
  expect_identical(got$interval$upper, ref$interval$upper)
  w <- as.data.frame(lapply(h, as.numeric))
  expect_identical(quiet(mse(w, model = "main", interval = "analytic"))$estimate, ref$estimate)
  expect_identical(quiet(mse(as.matrix(h), model = "main", interval = "analytic"))$estimate,
                   ref$estimate)
})

test_that("reordering the lists changes no figure", {
  t <- simulate_lists(2500, p = c(0.2, 0.3, 0.15, 0.25), seed = 6, form = "table",
                      referrals = "L1:L2:0.3")
  a <- quiet(mse(t, interval = "analytic"))
  b <- quiet(mse(t[, c("L3", "L1", "count", "L4", "L2")], interval = "analytic"))
  expect_rel(b$estimate, a$estimate, 1e-9)
  expect_setequal(b$terms, a$terms)
})

test_that("lists = and a list nobody is on", {
  t <- data.frame(A = c(1, 0, 1, 0), B = c(0, 1, 1, 0), C = c(0, 1, 0, 1), D = 0,
                  count = c(40, 60, 20, 7))
  expect_warning(fit <- mse(t, model = "main", interval = "analytic"),
                 "'D' has nobody on it", class = "duress_warning")
  expect_identical(fit$lists, c("A", "B", "C"))
  sub <- quiet(mse(t, lists = c("A", "B"), model = "main", interval = "analytic"))
  expect_identical(sub$lists, c("A", "B"))
})

test_that("lists = on a table sums the other lists out, as the library does for histories", {
  h <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 17)
  t <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 17, form = "table")
  a <- quiet(mse(h, lists = c("L1", "L2", "L4"), model = "main", interval = "analytic"))
  b <- quiet(mse(t, lists = c("L1", "L2", "L4"), model = "main", interval = "analytic"))
  expect_identical(a$lists, c("L1", "L2", "L4"))
  expect_identical(a$observed, b$observed)
  expect_identical(a$estimate, b$estimate)
  expect_lt(a$observed, nrow(h))
})

test_that("library errors are R errors with the library's message", {
  bad <- data.frame(A = c(1, 0, 2), B = c(0, 1, 1), count = c(3, 4, 5))
  e <- tryCatch(mse(bad, name = "bad.csv"), error = function(e) e)
  expect_s3_class(e, "duress_error_parse")
  expect_match(conditionMessage(e), "'bad.csv' line 4, column 'A'")
  ok <- data.frame(A = c(1, 0, 1), B = c(0, 1, 1), count = c(3, 4, 5))
  expect_error(mse(ok, level = 2), "between 0 and 1", class = "duress_error_invalid")
  expect_error(mse(ok, B = 5), "from 10 to", class = "duress_error_invalid")
  expect_error(mse(ok, model = "A:Z"), "no list 'Z'", class = "duress_error")
  expect_error(mse(ok, method = "nosuch"), "not known", class = "duress_error")
  expect_error(mse(ok, nosuch = 1), "unknown argument: nosuch", class = "duress_error")
  expect_error(mse(ok, seed = -1), "seed", class = "duress_error")
  expect_error(mse(list(1, 2)), "data frame", class = "duress_error")
})

test_that("a model without a finite estimate gives NA and a warning with the reason", {
  x <- data.frame(A = c(1, 0), B = c(0, 1), count = c(30, 40))
  w <- character()
  fit <- withCallingHandlers(mse(x, model = "main", interval = "analytic"),
                             duress_warning = function(c) {
                               w <<- c(w, conditionMessage(c))
                               invokeRestart("muffleWarning")
                             })
  expect_true(is.na(fit$estimate))
  expect_match(fit$reason, "not finite")
  expect_true(any(grepl("^no estimate: ", w)))
})

test_that("seeds: the same seed the same figures, set.seed makes a run repeatable", {
  t <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 7, form = "table")
  a <- quiet(mse(t, B = 30, seed = "18446744073709551615"))
  expect_identical(a$interval$seed, "18446744073709551615")
  set.seed(1)
  b <- quiet(mse(t, B = 30))
  set.seed(1)
  c <- quiet(mse(t, B = 30))
  expect_identical(b$interval$seed, c$interval$seed)
  expect_identical(b$interval$estimates, c$interval$estimates)
  # the number of threads changes no figure
  d1 <- quiet(mse(t, B = 30, seed = 3, threads = 1))
  d2 <- quiet(mse(t, B = 30, seed = 3, threads = 2))
  expect_identical(d1$interval$estimates, d2$interval$estimates)
})

test_that("confint() at another level re-runs with everything else the same", {
  t <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 8, form = "table")
  fit <- quiet(mse(t, B = 60, seed = 2))
  ci90 <- confint(fit, level = 0.9)
  direct <- quiet(mse(t, B = 60, seed = 2, level = 0.9))
  expect_identical(unname(ci90[1, ]), c(direct$interval$lower, direct$interval$upper))
  expect_identical(colnames(ci90), c("5 %", "95 %"))
  # a narrower level gives a narrower interval from the same replicates
  ci <- confint(fit)
  expect_true(ci90[1, 1] >= ci[1, 1] && ci90[1, 2] <= ci[1, 2])
})

test_that("strata: each stratum and the whole, in print, confint and as.data.frame", {
  h <- simulate_lists(3000, p = c(0.25, 0.2, 0.3), seed = 10)
  h$region <- ifelse(h$id %% 3 == 0, "north", "south")
  fit <- quiet(mse(h, by = "region", model = "main", interval = "analytic"))
  expect_identical(names(fit$strata), c("south", "north"))
  d <- as.data.frame(fit)
  expect_identical(d$stratum, c(NA, "south", "north"))
  expect_identical(sum(d$observed[-1]), d$observed[1])
  ci <- confint(fit)
  expect_identical(rownames(ci), c("N", "south", "north"))
  expect_identical(unname(ci["north", ]), unname(c(d$lower[3], d$upper[3])))
  expect_output(print(fit), "By region")
})

test_that("print, format, summary and as.data.frame", {
  t <- simulate_lists(2000, p = c(0.3, 0.2, 0.25), seed = 12, form = "table",
                      referrals = "L1:L2:0.4")
  fit <- quiet(mse(t, B = 40, seed = 1))
  expect_output(print(fit), "^About [0-9,]+ people in all")
  expect_output(print(fit), "Model +loglinear, stepwise: L1:L2")
  full <- format(fit, full = TRUE)
  expect_true(any(grepl("L1:L2", full)))
  expect_output(print(summary(fit)), "Terms in order of inclusion")
  cells <- as.data.frame(fit, what = "cells")
  expect_identical(names(cells), c("pattern", "L1", "L2", "L3", "observed", "fitted"))
  expect_identical(sum(cells$observed), sum(t$count) + 0)
  # a saturated-enough fit: fitted counts sum to the observed
  expect_rel(sum(cells$fitted), sum(cells$observed), 1e-6)
  expect_identical(nrow(as.data.frame(fit, what = "replicates")), 40L)
  expect_identical(as.data.frame(fit, what = "steps")$term, fit$terms)
})

test_that("the truth lies within the estimate's error on simulated independent lists", {
  # one class, no referrals: the main-effects model is the truth; N = 3000
  s <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 1)
  fit <- quiet(mse(s, model = "main", interval = "analytic"))
  se <- (log(fit$interval$upper - fit$observed) - log(fit$interval$lower - fit$observed)) /
    (2 * stats::qnorm(0.975))
  # four standard errors of the log of the unseen count
  expect_lt(abs(log(3000 - fit$observed) - log(fit$unseen)), 4 * se)
})
