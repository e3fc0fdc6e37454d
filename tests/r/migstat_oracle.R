# Oracle for tests/python/test_precision_against_r.py: R `survey` estimates and
# standard errors of migstat's published cells, computed from the derived records.
#
# Usage:
#   Rscript tests/r/migstat_oracle.R records.csv cells.csv age_bands.csv out.csv \
#       method=<taylor|jk1|jkn|brr|fay|bootstrap|sdr> [lonely=<adjust|average|certainty|...>] \
#       [rho=<fay rho>] [rscales=<file with one rscale per line>]
#
# records.csv: one row per derived record (derive/derived.parquet), columns
#   person_id, weight (exact decimal text), sex (SEX_M/F/O), age, in_scope (true/false),
#   lfs (EMP/UNE/OLF), cbr, cct, stratum, psu, repwt_1 .. repwt_R (combined replicate
#   weights, exact decimal text).
# cells.csv: one row per cell to estimate, columns
#   id, sex, age, axis (cbr or cct), code, num, den
#   sex: SEX_T (no restriction) or the sex code; age: an AGE code of age_bands.csv;
#   code: the CBR / CCT code, or CBR_BIR_TOTAL / CCT_CIT_TOTAL (no restriction);
#   num / den: labour force statuses separated by ";" (den empty for a count).
# out.csv: id, estimate, se, den_total, printed with format(digits = 17), in the
#   published unit: a count in thousands (svytotal / 1000), a rate in percent
#   (svyratio x 100). den_total is the (unscaled) denominator total of a rate.
#
# Every cell is a domain of the whole sample (domain indicators times the weight),
# never a subset: y = in scope AND sex AND age band AND migrant code AND lfs in num,
# x the same with lfs in den. The design uses the records with weight > 0.
#   taylor: svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE)
#           with options(survey.lonely.psu = <lonely>)
#   others: svrepdesign(repweights = "repwt_[0-9]+", weights = ~weight,
#           combined.weights = TRUE, type = JK1 / JKn (rscales) / BRR / Fay (rho) /
#           bootstrap / successive-difference), mse left at its default.
# Counts: one svytotal call with every cell's indicator column; rates: svyratio per cell
# (so that a replicate with a 0/0 ratio is dropped only for that cell, as svrVar does).

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 5) {
  stop("usage: Rscript migstat_oracle.R records.csv cells.csv age_bands.csv out.csv method=... [key=value ...]")
}
opts <- list()
for (a in args[-(1:4)]) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1]]
  opts[[kv[1]]] <- paste(kv[-1], collapse = "=")
}
method <- opts$method

rec <- read.csv(args[1], stringsAsFactors = FALSE,
                colClasses = c(person_id = "character", sex = "character", lfs = "character",
                               cbr = "character", cct = "character", stratum = "character",
                               psu = "character", in_scope = "character"))
cells <- read.csv(args[2], stringsAsFactors = FALSE, colClasses = "character",
                  na.strings = character(0))
bands <- read.csv(args[3], stringsAsFactors = FALSE, colClasses = "character",
                  na.strings = character(0))

rec <- rec[rec$weight > 0, ]
in_scope <- tolower(rec$in_scope) == "true"
age <- rec$age

band_of <- function(code) {
  b <- bands[bands$code == code, ]
  if (nrow(b) != 1) stop("unknown AGE code ", code)
  lo <- if (b$min_age == "") -Inf else as.numeric(b$min_age)
  hi <- if (b$max_age == "") Inf else as.numeric(b$max_age)
  !is.na(age) & age >= lo & age <= hi
}
statuses <- function(s) if (s == "") character(0) else strsplit(s, ";", fixed = TRUE)[[1]]

# Domain indicator columns: y_<i> (numerator) and x_<i> (denominator) for cell i.
K <- nrow(cells)
Y <- matrix(0, nrow(rec), K)
X <- matrix(0, nrow(rec), K)
band_cache <- list()
for (i in seq_len(K)) {
  c <- cells[i, ]
  if (is.null(band_cache[[c$age]])) band_cache[[c$age]] <- band_of(c$age)
  dom <- in_scope & band_cache[[c$age]]
  if (c$sex != "SEX_T") dom <- dom & rec$sex == c$sex
  if (!(c$code %in% c("CBR_BIR_TOTAL", "CCT_CIT_TOTAL"))) dom <- dom & rec[[c$axis]] == c$code
  Y[, i] <- as.numeric(dom & rec$lfs %in% statuses(c$num))
  if (c$den != "") X[, i] <- as.numeric(dom & rec$lfs %in% statuses(c$den))
}
ycols <- paste0("y_", seq_len(K))
xcols <- paste0("x_", seq_len(K))
colnames(Y) <- ycols
colnames(X) <- xcols
repcols <- grep("^repwt_[0-9]+$", names(rec), value = TRUE)
df <- data.frame(rec[, c("weight", "stratum", "psu", repcols)], Y, X,
                 stringsAsFactors = FALSE, check.names = FALSE)

design <- switch(method,
  taylor = {
    options(survey.lonely.psu = if (is.null(opts$lonely)) "fail" else opts$lonely)
    svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = df)
  },
  {
    type <- switch(method, jk1 = "JK1", jkn = "JKn", brr = "BRR", fay = "Fay",
                   bootstrap = "bootstrap", sdr = "successive-difference",
                   stop("unknown method ", method))
    extra <- list()
    if (type == "Fay") extra$rho <- as.numeric(opts$rho)
    if (type == "JKn") extra$rscales <- as.numeric(readLines(opts$rscales))
    suppressWarnings(do.call(svrepdesign, c(list(data = df, repweights = "repwt_[0-9]+",
                                                 weights = ~weight, type = type,
                                                 combined.weights = TRUE), extra)))
  })

is_rate <- cells$den != ""
est <- rep(NA_real_, K)
se <- rep(NA_real_, K)
den_total <- rep(NA_real_, K)

# Counts: svytotal once per dataflow, on all its cells' indicator columns.
flow <- sub("\\|.*", "", cells$id)
for (fl in unique(flow[!is_rate])) {
  counts <- which(!is_rate & flow == fl)
  f <- as.formula(paste("~", paste(ycols[counts], collapse = " + ")))
  t <- svytotal(f, design)
  est[counts] <- unname(coef(t)) / 1000
  se[counts] <- unname(SE(t)) / 1000
}
# Rates: svyratio per cell with a positive denominator.
rates <- which(is_rate)
den_total[rates] <- colSums(X[, rates, drop = FALSE] * rec$weight)
for (i in rates[den_total[rates] > 0]) {
  r <- suppressWarnings(svyratio(as.formula(paste0("~", ycols[i])),
                                 as.formula(paste0("~", xcols[i])), design))
  est[i] <- unname(coef(r)) * 100
  se[i] <- unname(SE(r)) * 100
}

num <- function(v) ifelse(is.na(v), "NA", format(v, digits = 17))
out <- data.frame(id = cells$id,
                  estimate = vapply(est, num, ""),
                  se = vapply(se, num, ""),
                  den_total = vapply(den_total, num, ""))
write.csv(out, args[4], row.names = FALSE, quote = FALSE)
