# Peer check of `cletrial report --out DIR`: recomputes every result of DIR/results.json with R from
# its input CSV alone and compares.
#
#   Rscript scripts/peers/report_check.R DIR
#
# Prints `agree  <id>  <statistic>` for each result that agrees and
# `DIFFERS <id> <field>: report X, peer Y` for each field that does not (a result may have several);
# exits 0 only if every result agrees. An unknown statistic kind, a missing or malformed input file
# and a result R cannot recompute are failures, never skipped.
#
# Tolerance: relative 1e-9 (absolute 1e-12 near 0); counts exactly; null in the report stands for
# R's NA/NaN/Inf. Fisher's odds ratio and interval use fisher.test's own 2x2 code with a tight
# uniroot (fisher.test stops at ~1e-4, so its own estimate is up to 3e-4 off the exact root) and
# are compared at relative 1e-6; its p-value is fisher.test's, at 1e-9. See README.md.
# This script's folder, for the code it shares with the other peers.
peers_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) {
  cat("usage: Rscript report_check.R REPORT_DIR\n", file = stderr())
  quit(status = 2)
}
dir <- args[1]

REL <- 1e-9
ABS <- 1e-12
FISHER_REL <- 1e-6
Z <- qnorm(0.975)

## output ------------------------------------------------------------------------------------
problems <- character()  # DIFFERS lines of the result being checked
current_id <- ""
fmt <- function(v) {
  if (is.null(v)) return("null")
  if (is.list(v)) return(toJSON(v, auto_unbox = TRUE, digits = NA, null = "null", na = "null"))
  if (length(v) != 1) return(paste0("[", paste(vapply(v, fmt, ""), collapse = ", "), "]"))
  if (is.character(v)) return(v)
  if (is.logical(v)) return(if (is.na(v)) "NA" else tolower(as.character(v)))
  if (is.na(v)) return("NA")
  if (is.infinite(v)) return(if (v > 0) "Inf" else "-Inf")
  sprintf("%.17g", v)
}
differ <- function(field, report, peer) {
  problems <<- c(problems, sprintf("DIFFERS %s %s: report %s, peer %s", current_id, field,
                                   fmt(report), fmt(peer)))
}

## comparisons -------------------------------------------------------------------------------
# `[[` never partially matches (unlike `$`): a missing key is NULL, as a JSON null is.
key <- function(x, name) if (is.list(x) && !is.null(names(x)) && name %in% names(x)) x[[name]] else NULL
is_number <- function(v) is.numeric(v) && length(v) == 1
close_enough <- function(a, b, rel) {
  d <- abs(a - b)
  d <= ABS || d <= rel * max(abs(a), abs(b))
}
# A number: null in the report must be a non-finite peer value, and the other way round.
num <- function(field, report, peer, rel = REL) {
  peer <- as.numeric(peer)
  if (length(peer) != 1) peer <- NA_real_
  if (is.null(report)) {
    if (is.finite(peer)) differ(field, report, peer)
  } else if (!is_number(report) || !is.finite(peer) || !close_enough(report, peer, rel)) {
    differ(field, report, peer)
  }
}
# A count or other integer: exactly.
int <- function(field, report, peer) {
  if (!is_number(report) || is.na(peer) || report != peer) differ(field, report, peer)
}
# Every statistic names its method in words: a missing or empty method is a difference.
method_named <- function(field, report) {
  if (!is.character(report) || length(report) != 1 || !nzchar(trimws(report)))
    differ(field, report, "a method in words")
}
# Runs `expr`; an R error or warning-free NaN comes back as NULL ("R cannot compute").
attempt <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NULL)

## inputs ------------------------------------------------------------------------------------
input_error <- function(message) stop(structure(class = c("input_error", "error", "condition"),
                                                list(message = message, call = NULL)))
read_input <- function(result, columns) {
  path <- key(result, "input")
  if (!is.character(path) || length(path) != 1) input_error("no input file named")
  file <- file.path(dir, path)
  if (!file.exists(file)) input_error(sprintf("%s is missing", path))
  data <- read.csv(file, colClasses = "character", na.strings = "", check.names = FALSE,
                   strip.white = TRUE)
  missing <- setdiff(columns, names(data))
  if (length(missing) > 0)
    input_error(sprintf("%s has no column %s", path, paste(missing, collapse = ", ")))
  data
}
as_number <- function(data, column, what = "a number") {
  x <- data[[column]]
  v <- suppressWarnings(as.numeric(x))
  bad <- !is.na(x) & (is.na(v) | !is.finite(v))
  if (any(bad)) input_error(sprintf("column %s holds %s, not %s", column, x[bad][1], what))
  v
}
as_flag <- function(data, column) {
  v <- as_number(data, column, "1 or 0")
  if (any(is.na(v)) || any(!(v %in% c(0, 1))))
    input_error(sprintf("column %s holds a value other than 1 or 0", column))
  v
}

## described ---------------------------------------------------------------------------------
described <- function(field, report, x) {
  x <- x[!is.na(x)]
  n <- length(x)
  if (n == 0) {
    if (!is.null(report)) differ(field, "a summary", "null (no values)")
    return(invisible())
  }
  if (is.null(report)) return(differ(field, report, sprintf("n = %d", n)))
  int(paste0(field, ".n"), key(report, "n"), n)
  s <- if (n >= 2) sd(x) else NA
  num(paste0(field, ".mean"), key(report, "mean"), mean(x))
  num(paste0(field, ".sd"), key(report, "sd"), s)
  num(paste0(field, ".sem"), key(report, "sem"), s / sqrt(n))
  num(paste0(field, ".median"), key(report, "median"), median(x))
  num(paste0(field, ".min"), key(report, "min"), min(x))
  num(paste0(field, ".max"), key(report, "max"), max(x))
  # Quartiles are not in the fixed shape; checked (type 7) when a report adds them.
  if ("q1" %in% names(report)) num(paste0(field, ".q1"), key(report, "q1"), quantile(x, 0.25, type = 7))
  if ("q3" %in% names(report)) num(paste0(field, ".q3"), key(report, "q3"), quantile(x, 0.75, type = 7))
  method_named(paste0(field, ".method"), key(report, "method"))
}

## paired tests ------------------------------------------------------------------------------
test_kind <- function(method) {
  if (!is.character(method) || length(method) != 1) return(NA_character_)
  if (grepl("wilcoxon", method, ignore.case = TRUE)) return("wilcoxon")
  if (grepl("paired t\\b", method, ignore.case = TRUE, perl = TRUE)) return("t")
  NA_character_
}
# R's answer for `kind` on after - before, or NULL when R cannot compute (error or NaN).
r_paired <- function(kind, after, before) {
  if (kind == "wilcoxon") {
    w <- attempt(wilcox.test(after, before, paired = TRUE))
    if (is.null(w) || !is.finite(w$p.value)) return(NULL)
    list(statistic = unname(w$statistic), p_value = w$p.value,
         choice = if (grepl("exact", w$method)) "exact distribution" else "normal approximation")
  } else {
    t <- attempt(t.test(after, before, paired = TRUE))
    if (is.null(t) || !is.finite(t$statistic) || !is.finite(t$p.value)) return(NULL)
    list(statistic = unname(t$statistic), p_value = t$p.value)
  }
}
# Compares a test of after against before; `fallback` is the kind named by sibling tests, used
# when the report's test is null (then R must be unable to compute it).
paired_test <- function(field, report, after, before, fallback = NA_character_) {
  if (is.null(report)) {
    kinds <- if (is.na(fallback)) c("wilcoxon", "t") else fallback
    computable <- vapply(kinds, function(k) !is.null(r_paired(k, after, before)), TRUE)
    if (all(computable))
      differ(field, report, sprintf("%s computable on %d pairs",
                                    paste(kinds, collapse = " and "), length(after)))
    return(invisible())
  }
  method <- key(report, "method")
  kind <- test_kind(method)
  if (is.na(kind)) return(differ(paste0(field, ".method"), method, "a Wilcoxon or paired t test"))
  r <- r_paired(kind, after, before)
  if (is.null(r)) return(differ(field, "a test", sprintf("null (R cannot compute it on %d pairs)",
                                                           length(after))))
  if (kind == "wilcoxon") {
    said <- c(grepl("exact distribution", method, fixed = TRUE),
              grepl("normal approximation", method, fixed = TRUE))
    if (!(r$choice == "exact distribution" && said[1] && !said[2]) &&
        !(r$choice == "normal approximation" && said[2] && !said[1]))
      differ(paste0(field, ".method"), method, paste("R chose the", r$choice))
  }
  num(paste0(field, ".statistic"), key(report, "statistic"), r$statistic)
  num(paste0(field, ".p_value"), key(report, "p_value"), r$p_value)
}

## the kinds ---------------------------------------------------------------------------------
check_proportion <- function(result, value) {
  data <- read_input(result, c("subject", "outcome"))
  y <- as_flag(data, "outcome")
  n <- length(y); k <- sum(y)
  if (n == 0) {
    if (!is.null(value)) differ("value", "a proportion", "null (no subjects)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d of %d", k, n)))
  int("n", key(value, "n"), k)
  int("of", key(value, "of"), n)
  num("percent", key(value, "percent"), 100 * k / n)
  method <- key(value, "method")
  method_named("method", method)
  wilson <- is.character(method) && grepl("Wilson score interval", method, fixed = TRUE)
  if (wilson != (n > 49999))
    differ("method", method, sprintf("%s for %d subjects", if (n > 49999) "Wilson score interval"
                                     else "Clopper-Pearson (Wilson only above 49,999)", n))
  ci <- if (wilson) suppressWarnings(prop.test(k, n, correct = FALSE)$conf.int) else
    binom.test(k, n)$conf.int
  num("ci_low_percent", key(value, "ci_low_percent"), 100 * ci[1])
  num("ci_high_percent", key(value, "ci_high_percent"), 100 * ci[2])
}

check_counts <- function(result, value) {
  data <- read_input(result, c("subject", "category"))
  n <- nrow(data)
  if (is.null(value)) {
    if (n > 0) differ("value", value, sprintf("%d rows", n))
    return()
  }
  int("of", key(value, "of"), n)
  counted <- table(factor(data$category, exclude = NULL))
  reported <- key(value, "categories")
  labels <- vapply(reported, function(c) { l <- key(c, "category"); if (is.character(l)) l else "" }, "")
  if (anyDuplicated(labels)) differ("categories", paste(labels, collapse = ", "), "each category once")
  for (i in seq_along(reported)) {
    label <- labels[i]
    expected <- if (label %in% names(counted)) counted[[label]] else 0
    field <- sprintf("categories[%s]", label)
    int(paste0(field, ".n"), key(reported[[i]], "n"), expected)
    num(paste0(field, ".percent"), key(reported[[i]], "percent"), 100 * expected / n)
  }
  for (label in setdiff(names(counted), labels))
    differ(sprintf("categories[%s]", label), "no such category", sprintf("n = %d", counted[[label]]))
}

# fisher.test's own 2x2 code with the root-finding tolerance made tight, as golden.R uses it.
source(file.path(peers_dir, "fisher_tight.R"))

check_odds_ratio <- function(result, value) {
  data <- read_input(result, c("subject", "in_group", "outcome"))
  g <- as_flag(data, "in_group"); y <- as_flag(data, "outcome")
  if (length(y) == 0) {
    if (!is.null(value)) differ("value", "an odds ratio", "null (no subjects)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d subjects", length(y))))
  cells <- matrix(c(sum(g == 1 & y == 1), sum(g == 1 & y == 0),
                    sum(g == 0 & y == 1), sum(g == 0 & y == 0)), 2, 2, byrow = TRUE)
  reported <- key(value, "cells")
  for (i in 1:2) for (j in 1:2) {
    row <- if (is.list(reported) && length(reported) >= i) reported[[i]] else NULL
    int(sprintf("cells[%d][%d]", i - 1, j - 1), if (is.list(row) && length(row) >= j) row[[j]] else NULL,
        cells[i, j])
  }
  empty_margin <- any(rowSums(cells) == 0) || any(colSums(cells) == 0)

  fisher <- key(value, "fisher")
  if (empty_margin) {
    # fisher.test answers p = 1 on a one-point support; the stats crate refuses such a table.
    if (!is.null(fisher)) differ("fisher", "a test", "null (the table has an empty row or column)")
  } else if (is.null(fisher)) {
    differ("fisher", fisher, "computable (no empty row or column)")
  } else {
    tight <- fisher_tight(cells)
    num("fisher.odds_ratio", key(fisher, "odds_ratio"), tight$estimate, FISHER_REL)
    num("fisher.ci_low", key(fisher, "ci_low"), tight$ci[1], FISHER_REL)
    num("fisher.ci_high", key(fisher, "ci_high"), tight$ci[2], FISHER_REL)
    num("fisher.p_value", key(fisher, "p_value"), fisher.test(cells)$p.value)
    method_named("fisher.method", key(fisher, "method"))
  }

  logistic <- key(value, "logistic")
  if (length(unique(g)) < 2) {
    # in_group constant: glm gives NA for its coefficient.
    if (!is.null(logistic)) differ("logistic", "a model", "null (in_group takes one value: R's coefficient is NA)")
    return()
  }
  warned <- character()
  fit_glm <- function(...) withCallingHandlers(
    glm(y ~ g, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100), ...),
    warning = function(w) { warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning") })
  first <- fit_glm()
  separation <- any(grepl("fitted probabilities numerically 0 or 1", warned, fixed = TRUE))
  if (is.null(logistic)) {
    # An outcome without variation is separation too; a report may leave the model out.
    if (length(unique(y)) > 1) differ("logistic", logistic, "computable")
    return()
  }
  reported_separation <- key(logistic, "separation")
  if (!is.logical(reported_separation) || length(reported_separation) != 1 ||
      reported_separation != separation)
    differ("logistic.separation", reported_separation, separation)
  method_named("logistic.method", key(logistic, "method"))
  if (separation) return()
  # Refitted from its own estimate so the standard error is evaluated at the MLE (see golden.R).
  fit <- fit_glm(start = coef(first))
  s <- summary(fit)$coefficients
  beta <- s["g", 1]; se <- s["g", 2]
  num("logistic.odds_ratio", key(logistic, "odds_ratio"), exp(beta))
  num("logistic.ci_low", key(logistic, "ci_low"), exp(beta - Z * se))
  num("logistic.ci_high", key(logistic, "ci_high"), exp(beta + Z * se))
  num("logistic.p_value", key(logistic, "p_value"), s["g", 4])
}

check_kaplan_meier <- function(result, value) {
  data <- read_input(result, c("subject", "group", "weeks", "event"))
  weeks <- as_number(data, "weeks"); event <- as_flag(data, "event")
  if (any(is.na(weeks))) input_error("a row without weeks")
  if (nrow(data) == 0) {
    if (!is.null(value)) differ("value", "curves", "null (no subjects)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d subjects", nrow(data))))
  groups <- unique(data$group)
  curves <- key(value, "curves")
  labels <- vapply(curves, function(c) { l <- key(c, "group"); if (is.character(l)) l else "" }, "")
  for (label in setdiff(groups, labels))
    differ(sprintf("curves[%s]", label), "no such curve", sprintf("%d subjects", sum(data$group == label)))
  for (i in seq_along(curves)) {
    curve <- curves[[i]]; label <- labels[i]
    field <- sprintf("curves[%s]", label)
    if (!(label %in% groups)) { differ(field, "a curve", "no such group in the input"); next }
    keep <- data$group == label
    t <- weeks[keep]; e <- event[keep]
    fit <- survfit(Surv(t, e) ~ 1, conf.type = "log")
    table <- summary(fit)$table
    int(paste0(field, ".n"), key(curve, "n"), length(t))
    int(paste0(field, ".events"), key(curve, "events"), sum(e))
    num(paste0(field, ".median_weeks"), key(curve, "median_weeks"), table[["median"]])
    num(paste0(field, ".median_ci_low_weeks"), key(curve, "median_ci_low_weeks"), table[["0.95LCL"]])
    num(paste0(field, ".median_ci_high_weeks"), key(curve, "median_ci_high_weeks"), table[["0.95UCL"]])
    steps <- key(curve, "steps")
    if (length(steps) != length(fit$time)) {
      differ(paste0(field, ".steps"), sprintf("%d steps", length(steps)), sprintf("%d steps", length(fit$time)))
      next
    }
    for (s in seq_along(steps)) {
      step <- steps[[s]]
      f <- sprintf("%s.steps[%d]", field, s - 1)
      num(paste0(f, ".weeks"), key(step, "weeks"), fit$time[s])
      int(paste0(f, ".n_risk"), key(step, "n_risk"), fit$n.risk[s])
      int(paste0(f, ".n_event"), key(step, "n_event"), fit$n.event[s])
      int(paste0(f, ".n_censor"), key(step, "n_censor"), fit$n.censor[s])
      num(paste0(f, ".survival"), key(step, "survival"), fit$surv[s])
      num(paste0(f, ".ci_low"), key(step, "ci_low"), fit$lower[s])
      num(paste0(f, ".ci_high"), key(step, "ci_high"), fit$upper[s])
    }
  }
  log_rank <- key(value, "log_rank")
  diff_test <- if (length(groups) >= 2)
    survdiff(Surv(weeks, event) ~ group, data = data.frame(weeks, event, group = data$group)) else NULL
  df <- if (is.null(diff_test)) 0 else sum(diff_test$exp > 0) - 1
  if (df < 1) {
    # One group, or fewer than two with expected events: survdiff has no test (chisq 0 on 0 df).
    if (!is.null(log_rank)) differ("log_rank", "a test", sprintf("null (%d group(s) with expected events)", df + 1))
    return()
  }
  if (is.null(log_rank)) return(differ("log_rank", log_rank, sprintf("chi-square on %d df", df)))
  num("log_rank.chi_square", key(log_rank, "chi_square"), diff_test$chisq)
  int("log_rank.df", key(log_rank, "df"), df)
  num("log_rank.p_value", key(log_rank, "p_value"), pchisq(diff_test$chisq, df, lower.tail = FALSE))
  method_named("log_rank.method", key(log_rank, "method"))
}

check_describe <- function(result, value) {
  data <- read_input(result, c("subject", "group", "weeks"))
  weeks <- as_number(data, "weeks")
  if (nrow(data) == 0) {
    if (!is.null(value)) differ("value", "rows", "null (no rows)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d rows", nrow(data))))
  rows <- key(value, "rows")
  labels <- vapply(rows, function(r) { l <- key(r, "group"); if (is.character(l)) l else "" }, "")
  for (label in setdiff(setdiff(unique(data$group), "all"), labels))
    differ(sprintf("rows[%s]", label), "no such row", sprintf("%d rows", sum(data$group == label)))
  for (i in seq_along(rows)) {
    label <- labels[i]
    field <- sprintf("rows[%s]", label)
    if (label == "all") {
      described(field, rows[[i]], weeks)
    } else if (label %in% data$group) {
      described(field, rows[[i]], weeks[data$group == label])
    } else {
      differ(field, "a row", "no such group in the input")
    }
  }
}

check_paired <- function(result, value) {
  data <- read_input(result, c("subject", "before", "after"))
  before <- as_number(data, "before"); after <- as_number(data, "after")
  both <- !is.na(before) & !is.na(after)
  before <- before[both]; after <- after[both]
  if (length(after) == 0) {
    if (!is.null(value)) differ("value", "a comparison", "null (no pairs)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d pairs", length(after))))
  int("pairs", key(value, "pairs"), length(after))
  described("before", key(value, "before"), before)
  described("after", key(value, "after"), after)
  paired_test("test", key(value, "test"), after, before)
}

check_by_visit <- function(result, value) {
  data <- read_input(result, c("subject", "visit", "day", "value"))
  x <- as_number(data, "value"); day <- as_number(data, "day")
  if (anyDuplicated(data[!is.na(x), c("subject", "visit")]))
    input_error("a subject has two values at one visit")
  if (nrow(data) == 0) {
    if (!is.null(value)) differ("value", "points", "null (no rows)")
    return()
  }
  if (is.null(value)) return(differ("value", value, sprintf("%d rows", nrow(data))))
  points <- key(value, "points")
  visits <- vapply(points, function(p) { v <- key(p, "visit"); if (is.null(v)) "" else as.character(v) }, "")
  for (visit in setdiff(unique(data$visit[!is.na(x)]), visits))
    differ(sprintf("points[%s]", visit), "no such point", "values at this visit in the input")
  if (length(points) == 0) return()
  kinds <- unique(na.omit(vapply(points, function(p) test_kind(key(key(p, "test"), "method")), "")))
  fallback <- if (length(kinds) == 1) kinds else NA_character_
  at <- function(visit) {
    keep <- data$visit == visit & !is.na(x)
    setNames(x[keep], data$subject[keep])
  }
  baseline <- at(visits[1])
  for (i in seq_along(points)) {
    point <- points[[i]]
    field <- sprintf("points[%s]", visits[i])
    keep <- data$visit == visits[i]
    days <- unique(day[keep & !is.na(day)])
    # The point's day is checked when the input gives the visit one day.
    if (length(days) == 1) num(paste0(field, ".day"), key(point, "day"), days)
    values <- at(visits[i])
    described(paste0(field, ".described"), key(point, "described"), values)
    test <- key(point, "test")
    if (i == 1) {
      if (!is.null(test)) differ(paste0(field, ".test"), "a test", "null (the baseline)")
      next
    }
    subjects <- intersect(names(baseline), names(values))
    after <- unname(values[subjects]); before <- unname(baseline[subjects])
    if (length(subjects) == 0) {
      if (!is.null(test)) differ(paste0(field, ".test"), "a test", "null (no subject at both visits)")
      next
    }
    if (!is.null(test)) {
      int(paste0(field, ".test.pairs"), key(test, "pairs"), length(subjects))
      num(paste0(field, ".test.mean_change"), key(test, "mean_change"), mean(after - before))
    }
    paired_test(paste0(field, ".test"), test, after, before, fallback)
  }
}

CHECKS <- list(proportion = check_proportion, counts = check_counts, odds_ratio = check_odds_ratio,
               kaplan_meier = check_kaplan_meier, describe = check_describe, paired = check_paired,
               by_visit = check_by_visit)

## main --------------------------------------------------------------------------------------
results_file <- file.path(dir, "results.json")
if (!file.exists(results_file)) {
  cat(sprintf("DIFFERS - results.json: report missing, peer needs %s\n", results_file))
  quit(status = 1)
}
report <- fromJSON(results_file, simplifyVector = FALSE)
results <- key(report, "results")
if (!is.list(results) || length(results) == 0) {
  cat("DIFFERS - results: report has no results array, peer needs one\n")
  quit(status = 1)
}
failed <- 0
for (result in results) {
  id <- key(result, "id")
  current_id <- if (is.character(id) && length(id) == 1) id else "-"
  problems <- character()
  kind <- key(result, "statistic")
  kind_name <- if (is.character(kind) && length(kind) == 1) kind else fmt(kind)
  if (!(kind_name %in% names(CHECKS))) {
    differ("statistic", kind_name, "no such kind (known: proportion, counts, odds_ratio, kaplan_meier, describe, paired, by_visit)")
  } else {
    tryCatch(CHECKS[[kind_name]](result, key(result, "value")),
             input_error = function(e) differ("input", key(result, "input"), conditionMessage(e)),
             error = function(e) differ("value", "(not checked)", paste("R error:", conditionMessage(e))))
  }
  if (length(problems) == 0) {
    cat(sprintf("agree  %s  %s\n", current_id, kind_name))
  } else {
    failed <- failed + 1
    cat(problems, sep = "\n")
  }
}
cat(sprintf("report_check.R: %d results, %d agree, %d differ\n", length(results),
            length(results) - failed, failed))
quit(status = if (failed == 0) 0 else 1)
