# The laeken EU-SILC check: exports laeken's synthetic `eusilc` for migstat and computes,
# on the same records, every cell of the nine citizenship (CCT) dataflows with the
# contract's definitions written out here (not read from migstat).
#
#   Rscript tests/r/eusilc_oracle.R OUT_DIR age_bands.csv
#
# writes OUT_DIR/eusilc.csv (the data, factors as their labels, NA as empty) and
# OUT_DIR/oracle.csv (measure,sex,age,cct,numerator,denominator,value).
#
# Definitions (contract sections 4 and 5): in scope = weight > 0 and age >= 15 (everyone is
# a usual resident); employed = pl030 1 or 2, unemployed = 3, outside the labour force =
# 4..7 or not stated; citizen = pb220a AT, non-citizen = EU or Other, not stated = NA.
# Counts are weighted totals / 1000 (survey::svytotal with the personal weight rb050 and
# no design beyond it); rates are 100 x ratio of two weighted totals (svyratio's estimate).
suppressPackageStartupMessages({
  library(laeken)
  library(survey)
})
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
bands <- read.csv(args[2], stringsAsFactors = FALSE, colClasses = "character")

data(eusilc)
write.csv(eusilc, file.path(out, "eusilc.csv"), row.names = FALSE, na = "")
# The oracle reads back the file migstat reads: the same decimal weights.
d <- read.csv(file.path(out, "eusilc.csv"), stringsAsFactors = FALSE, na.strings = "")

w <- d$rb050
age <- ifelse(d$age == -1, 0, d$age)
in_scope <- w > 0 & age >= 15
status <- ifelse(!is.na(d$pl030) & d$pl030 %in% c(1, 2), "EMP",
          ifelse(!is.na(d$pl030) & d$pl030 == 3, "UNE", "OLF"))
cct <- ifelse(is.na(d$pb220a), "CCT_CIT_X", ifelse(d$pb220a == "AT", "CCT_CIT_CITIZEN", "CCT_CIT_NONCIT"))
sex <- ifelse(d$rb090 == "male", "SEX_M", "SEX_F")

measures <- list(
  XWAP_NB = list(num = c("EMP", "UNE", "OLF"), den = NULL),
  TEAP_NB = list(num = c("EMP", "UNE"), den = NULL),
  TEMP_NB = list(num = "EMP", den = NULL),
  TUNE_NB = list(num = "UNE", den = NULL),
  TEIP_NB = list(num = "OLF", den = NULL),
  TEAP_RT = list(num = c("EMP", "UNE"), den = c("EMP", "UNE", "OLF")),
  TEMP_RT = list(num = "EMP", den = c("EMP", "UNE", "OLF")),
  TUNE_RT = list(num = "UNE", den = c("EMP", "UNE")),
  TEIP_RT = list(num = "OLF", den = c("EMP", "UNE", "OLF"))
)

# One indicator column per (sex, age band, citizenship, set of statuses); one svytotal.
cells <- expand.grid(sex = c("SEX_T", "SEX_M", "SEX_F"), age = bands$code,
                     cct = c("CCT_CIT_TOTAL", "CCT_CIT_CITIZEN", "CCT_CIT_NONCIT", "CCT_CIT_X"),
                     stringsAsFactors = FALSE)
sets <- unique(c(lapply(measures, `[[`, "num"), Filter(Negate(is.null), lapply(measures, `[[`, "den"))))
set_name <- function(s) paste(s, collapse = "+")
indicators <- list()
for (i in seq_len(nrow(cells))) {
  c <- cells[i, ]
  b <- bands[bands$code == c$age, ]
  in_band <- age >= as.numeric(b$min_age) & (b$max_age == "" | age <= suppressWarnings(as.numeric(b$max_age)))
  dom <- in_scope & in_band & (c$sex == "SEX_T" | sex == c$sex) & (c$cct == "CCT_CIT_TOTAL" | cct == c$cct)
  for (s in sets) {
    indicators[[paste(c$sex, c$age, c$cct, set_name(s), sep = "|")]] <- as.numeric(dom & status %in% s)
  }
}
x <- as.data.frame(indicators, check.names = FALSE)
x$w <- w
design <- svydesign(ids = ~1, weights = ~w, data = x)
totals <- coef(svytotal(as.formula(paste("~", paste(sprintf("`%s`", names(indicators)), collapse = "+"))), design))
names(totals) <- gsub("`", "", names(totals))

rows <- list()
for (m in names(measures)) {
  for (i in seq_len(nrow(cells))) {
    c <- cells[i, ]
    key <- paste(c$sex, c$age, c$cct, sep = "|")
    num <- totals[[paste(key, set_name(measures[[m]]$num), sep = "|")]]
    if (is.null(measures[[m]]$den)) {
      den <- NA
      value <- num / 1000
    } else {
      den <- totals[[paste(key, set_name(measures[[m]]$den), sep = "|")]]
      value <- if (den > 0) 100 * num / den else NA
    }
    rows[[length(rows) + 1]] <- data.frame(measure = m, sex = c$sex, age = c$age, cct = c$cct,
                                           numerator = num, denominator = den, value = value)
  }
}
result <- do.call(rbind, rows)
# Full precision for the comparison (write.csv keeps 15 significant digits).
result$value <- sprintf("%.17g", result$value)
result$value[result$value == "NA"] <- ""
write.csv(result, file.path(out, "oracle.csv"), row.names = FALSE, na = "")
