# Reference estimates from R's survey package for tests/deprivation/test_against_r.py.
#
# Usage: Rscript survey_reference.R data.csv weights out.csv
#   data.csv: stacked test designs (columns case, st, psu, w, k, nest, srs, grp, area and the
#             0/1 indicators named in `weights`);
#   weights:  indicator weights, e.g. "a=0.4,b=0.3,c=0.2,d=0.1";
#   out.csv:  one row per (case, lonely option, estimator): value, se, ci_low, ci_high, and
#             the R function that produced it.
# For every case and every option of survey.lonely.psu it computes the Alkire-Foster measures
# with R's own functions (svymean, svyratio, svyciprop(method = "logit") with the design's
# degrees of freedom, as mpitbR passes them, and svyby for the subgroups). Exit status 3 when
# the survey package is missing.
if (!requireNamespace("survey", quietly = TRUE)) quit(status = 3)
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], stringsAsFactors = FALSE,
                 colClasses = c(grp = "character", area = "character", st = "character"))
pairs <- strsplit(strsplit(args[2], ",")[[1]], "=")
wts <- setNames(as.numeric(sapply(pairs, `[`, 2)), sapply(pairs, `[`, 1))
rows <- list()
emit <- function(case, opt, source, subgroup, level, measure, value, se, lo = NA, hi = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, option = opt, source = source, subgroup = subgroup, level = level,
    measure = measure, value = as.numeric(value), se = as.numeric(se),
    ci_low = as.numeric(lo), ci_high = as.numeric(hi), row.names = NULL,
    stringsAsFactors = FALSE)
}
ciprop <- function(formula, design, df) {
  suppressWarnings(svyciprop(formula, design, method = "logit", df = df))
}
by_ciprop <- function(formula, by, design, df) {
  suppressWarnings(svyby(formula, by, design, svyciprop, method = "logit",
                         vartype = c("se", "ci"), df = df))
}
for (case in unique(data$case)) {
  x <- data[data$case == case, ]
  k <- x$k[1]
  x$c <- as.vector(as.matrix(x[, names(wts)]) %*% wts)
  x$poor <- as.numeric(x$c >= k - 1e-9)
  x$ck <- x$c * x$poor
  x$hd_a <- x$a
  x$hdk_a <- x$a * x$poor
  for (opt in c("fail", "certainty", "remove", "adjust", "average")) {
    options(survey.lonely.psu = opt)
    status <- tryCatch({
      des <- if (as.logical(x$srs[1])) {
        svydesign(id = ~1, strata = ~st, weights = ~w, data = x)
      } else {
        svydesign(id = ~psu, strata = ~st, weights = ~w, data = x, nest = as.logical(x$nest[1]))
      }
      df <- degf(des)
      poor <- subset(des, poor == 1)
      for (m in list(c("M0", "ck"), c("H", "poor"), c("hd", "hd_a"), c("hdk", "hdk_a"))) {
        f <- as.formula(paste0("~", m[2]))
        mean <- svymean(f, des)
        emit(case, opt, "svymean", "total", "total", m[1], coef(mean), SE(mean))
        p <- ciprop(f, des, df)
        emit(case, opt, "svyciprop", "total", "total", m[1], as.numeric(p),
             sqrt(as.numeric(attr(p, "var"))), attr(p, "ci")[1], attr(p, "ci")[2])
      }
      ratio <- svyratio(~ck, ~poor, des)
      emit(case, opt, "svyratio", "total", "total", "A", coef(ratio), SE(ratio))
      p <- ciprop(~ck, poor, df)
      emit(case, opt, "svyciprop", "total", "total", "A", as.numeric(p),
           sqrt(as.numeric(attr(p, "var"))), attr(p, "ci")[1], attr(p, "ci")[2])
      for (v in c("grp", "area")) {
        by <- as.formula(paste0("~", v))
        for (m in list(c("M0", "ck", "all"), c("H", "poor", "all"), c("A", "ck", "poor"))) {
          design <- if (m[3] == "poor") poor else des
          b <- by_ciprop(as.formula(paste0("~", m[2])), by, design, df)
          emit(case, opt, "svyby+svyciprop", v, as.character(b[[v]]), m[1], b[[2]], b[[3]],
               b[[4]], b[[5]])
        }
        b <- svyby(~ck, by, des, svymean)
        emit(case, opt, "svyby+svymean", v, as.character(b[[v]]), "M0", b[[2]], b[[3]])
        b <- svyby(~ck, by, des, svyratio, denominator = ~poor)
        emit(case, opt, "svyby+svyratio", v, as.character(b[[v]]), "A", b[[2]], b[[3]])
      }
      "ok"
    }, error = function(e) conditionMessage(e))
    if (status != "ok") emit(case, opt, "error", "", "", status, NA, NA)
  }
}
out <- do.call(rbind, rows)
for (col in c("value", "se", "ci_low", "ci_high")) out[[col]] <- sprintf("%.17g", out[[col]])
write.csv(out, args[3], row.names = FALSE)
