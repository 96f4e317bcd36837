test_that("simulate_lists: the truth, the seed, latent classes and referrals", {
  s <- simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 1)
  expect_identical(attr(s, "N"), 3000)
  expect_identical(attr(s, "seed"), "1")
  expect_identical(names(s), c("id", "L1", "L2", "L3", "L4"))
  expect_identical(nrow(s) + 0, attr(s, "observed"))
  expect_true(all(rowSums(s[, -1]) >= 1))
  expect_identical(simulate_lists(3000, p = c(0.15, 0.2, 0.1, 0.25), seed = 1), s)
  # each list's share of the population is near its probability: binomial
  # standard error sqrt(p(1-p)/N), within 4 of them
  p <- c(0.15, 0.2, 0.1, 0.25)
  expect_true(all(abs(colSums(s[, -1]) / 3000 - p) < 4 * sqrt(p * (1 - p) / 3000)))
  named <- simulate_lists(500, p = c(A = 0.3, B = 0.4), seed = 2)
  expect_identical(names(named), c("id", "A", "B"))
  cl <- simulate_lists(4000, p = rbind(c(0.05, 0.05, 0.05), c(0.5, 0.5, 0.5)),
                       weights = c(0.5, 0.5), seed = 3, form = "table")
  expect_identical(names(cl), c("L1", "L2", "L3", "count"))
  ref <- simulate_lists(2000, p = c(0.2, 0.2), referrals = data.frame(from = "L1", to = "L2",
                                                                     prob = 1), seed = 4)
  # everyone on L1 is put on L2
  expect_true(all(ref$L2[ref$L1 == 1] == 1))
  expect_error(simulate_lists(100, p = c(0.2, 1.5)), class = "duress_error_invalid")
  expect_error(simulate_lists(100, p = c(0.2, 0.3), referrals = "L1:L9:0.5"),
               class = "duress_error")
})
