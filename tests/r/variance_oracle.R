# Oracle for pipeline/variance (crate migstat-variance): R `survey` estimates,
# SEs, CVs and 95% confidence intervals on a synthetic design written by
# pipeline/variance/tests/against_r.rs.
#
# Usage: Rscript tests/r/variance_oracle.R in.csv out.csv
#
# in.csv columns: stratum, stratum_lonely, psu, weight, y, x, d, d2,
#   repwt_1 .. repwt_R (combined replicate weights, i.e. weight x factor).
#   `stratum_lonely` is `stratum` with one PSU moved to a stratum of its own,
#   for the lonely-PSU cases; `d` is a domain indicator (0/1) spread over the
#   sample, `d2` one confined to the two PSUs of stratum S00 (so that some
#   replicate ratios are 0/0 = NaN, which svrVar drops with na.omit).
# out.csv columns: case, estimate, se, cv, lower, upper, error
#   (numbers printed with format(digits = 17); `error` is R's message, with
#   commas replaced by semicolons, when R stops, and empty otherwise).
#
# Cases:
#   taylor/<strata>/<lonely.psu>/<statistic>  svydesign(ids = ~psu,
#     strata = ~<strata>, weights = ~weight, nest = TRUE) under
#     options(survey.lonely.psu = <lonely.psu>)
#   rep/<type>[-mse]/<statistic>  svrepdesign(repweights = "repwt_[0-9]+",
#     weights = ~weight, type = <type>, combined.weights = TRUE), Fay with
#     rho = 0.3, JKn with rscales k/(k + 1), k = (r mod 4) + 1 (the pattern
#     (n_h - 1)/n_h of strata with 2..5 PSUs), and JK1 once more with
#     mse = TRUE.
#   statistic: total_y = svytotal(~y), total_x, ratio = svyratio(~y, ~x),
#     dom_total = svytotal(~I(y * d)), dom_ratio = svyratio(~I(y * d), ~I(x * d)),
#     small_total and small_ratio the same with d2, and dom_subset_total =
#     svytotal(~y, subset(des, d == 1)), dom_subset_ratio likewise: R's own
#     subset() must give the same estimate and SE as the zero-weight form
#     (the tests/domain.R check of survey).

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript variance_oracle.R in.csv out.csv")
df <- read.csv(args[1], stringsAsFactors = FALSE,
               colClasses = c(stratum = "character", stratum_lonely = "character",
                              psu = "character"))
repcols <- grep("^repwt_[0-9]+$", names(df), value = TRUE)
R <- length(repcols)

num <- function(v) format(v, digits = 17)
rows <- character(0)
emit <- function(case, est, se, cv, ci, err = "") {
  rows <<- c(rows, paste(case, num(est), num(se), num(cv), num(ci[1]), num(ci[2]),
                         gsub(",", ";", err), sep = ","))
}
emit_error <- function(case, err) {
  rows <<- c(rows, paste(case, "NA", "NA", "NA", "NA", "NA",
                         gsub("[,\n]", ";", err), sep = ","))
}
run <- function(case, expr) {
  res <- tryCatch(suppressWarnings(expr), error = function(e) e)
  if (inherits(res, "error")) {
    emit_error(case, conditionMessage(res))
  } else {
    emit(case, unname(coef(res)), unname(SE(res)), unname(cv(res)),
         unname(confint(res)[1, ]))
  }
}
statistics <- function(prefix, des) {
  run(paste0(prefix, "/total_y"), svytotal(~y, des))
  run(paste0(prefix, "/total_x"), svytotal(~x, des))
  run(paste0(prefix, "/ratio"), svyratio(~y, ~x, des))
  run(paste0(prefix, "/dom_total"), svytotal(~I(y * d), des))
  run(paste0(prefix, "/dom_ratio"), svyratio(~I(y * d), ~I(x * d), des))
  run(paste0(prefix, "/small_total"), svytotal(~I(y * d2), des))
  run(paste0(prefix, "/small_ratio"), svyratio(~I(y * d2), ~I(x * d2), des))
  run(paste0(prefix, "/dom_subset_total"), svytotal(~y, subset(des, d == 1)))
  run(paste0(prefix, "/dom_subset_ratio"), svyratio(~y, ~x, subset(des, d == 1)))
}

# Taylor linearisation, one stage, with replacement, no fpc.
for (strata in c("stratum", "stratum_lonely")) {
  des <- svydesign(ids = ~psu, strata = as.formula(paste0("~", strata)),
                   weights = ~weight, nest = TRUE, data = df)
  for (lonely in c("fail", "remove", "adjust", "average", "certainty")) {
    options(survey.lonely.psu = lonely)
    statistics(paste("taylor", strata, lonely, sep = "/"), des)
  }
}
options(survey.lonely.psu = "fail")

# Replicate weights.
jkn_rscales <- function(R) { k <- (seq_len(R) %% 4) + 1; k / (k + 1) }
rep_design <- function(type, mse = FALSE) {
  suppressWarnings(switch(type,
    Fay = svrepdesign(data = df, repweights = "repwt_[0-9]+", weights = ~weight,
                      type = "Fay", rho = 0.3, combined.weights = TRUE, mse = mse),
    JKn = svrepdesign(data = df, repweights = "repwt_[0-9]+", weights = ~weight,
                      type = "JKn", rscales = jkn_rscales(R),
                      combined.weights = TRUE, mse = mse),
    svrepdesign(data = df, repweights = "repwt_[0-9]+", weights = ~weight,
                type = type, combined.weights = TRUE, mse = mse)))
}
for (type in c("JK1", "JKn", "BRR", "Fay", "bootstrap", "successive-difference")) {
  statistics(paste("rep", type, sep = "/"), rep_design(type))
}
statistics("rep/JK1-mse", rep_design("JK1", mse = TRUE))

writeLines(c("case,estimate,se,cv,lower,upper,error", rows), args[2])
