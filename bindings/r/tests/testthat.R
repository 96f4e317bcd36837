library(testthat)
library(duress)

test_check("duress")
