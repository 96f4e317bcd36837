# Screening a data frame of cases.  The expected verdicts follow from the
# coercion framework's rule as its file states it (frameworks/coercion.json):
# indicated when any of the seven coercive facts is yes, or a person under 18
# was in commercial sex; not indicated when all seven are no and the rule for
# children cannot apply; otherwise not enough information.

test_that("verdicts and reasons of the coercion screen, by its rule", {
  cases <- batch_cases()
  s <- screen(cases, frameworks = "coercion")
  expect_s3_class(s, "duress_screening")
  expect_identical(s$case_id, cases$case_id)
  # c01 documents taken: indicated; c02 adult, all seven no: not indicated;
  # c03 aged 16, not in commercial sex, coercive facts unknown: not enough
  # information; c04 threats: indicated; c05 all no: not indicated;
  # c06 a minor in commercial sex: indicated; c07 all no: not indicated;
  # c08 debt bondage unknown: not enough information
  expect_identical(s$verdict, c("indicated", "not_indicated", "insufficient_information",
                                "indicated", "not_indicated", "indicated", "not_indicated",
                                "insufficient_information"))
  expect_match(s$reasons[1], "^rule: ")
  expect_match(s$would_change_if[8], "debt_bondage")
  expect_match(s$indicators[1], "documents_taken")
  expect_identical(nrow(screen(cases)), 8L * nrow(frameworks()))
  expect_length(attr(s, "details"), 8L)
})

test_that("unknown answers are never read as no, and the sector is never evidence", {
  one <- data.frame(age = 30, documents_taken = NA, threats_to_person = "no")
  s <- screen(one, frameworks = "coercion")
  expect_identical(s$verdict, "insufficient_information")
  expect_match(s$would_change_if, "documents_taken")
  cases <- batch_cases()
  a <- screen(cases)
  cases$sector <- "sex work"
  b <- screen(cases)
  expect_identical(a$verdict, b$verdict)
})

test_that("answers may be logical, 0/1, yes/no or factors; others are errors", {
  x <- data.frame(age = 40, documents_taken = TRUE, debt_bondage = 0,
                  wages_withheld = factor("no"))
  expect_identical(screen(x, frameworks = "coercion")$verdict, "indicated")
  expect_error(screen(data.frame(documents_taken = "maybe")), "yes, no or unknown",
               class = "duress_error")
  expect_error(screen(data.frame(not_a_question = "yes")), "not a question",
               class = "duress_error_invalid")
  expect_error(screen(batch_cases(), frameworks = "nosuch"), "nosuch", class = "duress_error")
  expect_output(print(screen(batch_cases()[1:2, ])), "not a legal finding")
  tab <- summary(screen(batch_cases(), frameworks = "coercion"))
  expect_identical(unname(tab["coercion", ]), c(3L, 3L, 2L))
})

test_that("frameworks() lists the frameworks and the questions", {
  f <- frameworks()
  expect_true(all(c("coercion", "ilo2009", "icls2018", "palermo2000", "tvpa2000") %in% f$id))
  q <- frameworks("questions")
  expect_true(all(c("documents_taken", "debt_bondage") %in% q$id))
})
