# Writes the report fixtures of the report peers (scripts/peers/report_check.{R,py}):
#
#   Rscript scripts/peers/testdata/make_report_fixture.R      (from anywhere)
#
# report-ok/   results.json + tables/input_*.csv in the format `cletrial report --out DIR` writes,
#              every value computed here by R (survival, stats): both peers must agree with it.
# report-bad/  the same folder with a few values changed (listed in BAD below): both peers must
#              fail on it, naming each changed field.
#
# The inputs are written out below (no random numbers); continuous values are multiples of 1/64,
# so their CSV text is exact. Fisher's odds ratio and interval come from report_check.R's own
# fisher_tight (fisher.test's 2x2 code with a tight uniroot), as the crate computes them; logistic
# regression is glm with epsilon 1e-14, refitted from its estimate (see golden.R).
suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
})
here <- local({
  file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  dirname(normalizePath(file))
})
for (e in parse(file.path(here, "..", "report_check.R")))
  if (is.call(e) && identical(e[[1]], as.name("<-")) && identical(e[[2]], as.name("fisher_tight")))
    eval(e)
Z <- qnorm(0.975)
fin <- function(v) if (length(v) == 1 && is.finite(v)) unname(v) else NA

results <- list()
tables <- list()
add <- function(id, text, display, population, statistic, data, value, note = "") {
  input <- sprintf("tables/input_%s.csv", id)
  tables[[input]] <<- data
  results[[length(results) + 1]] <<- list(id = id, text = text, display = display,
    population = population, input = input, note = note, statistic = statistic, value = value)
}
subjects <- function(n) sprintf("S%02d", seq_len(n))

## describe and the paired tests -------------------------------------------------------------
DESCRIBE_METHOD <- "mean, standard deviation (n - 1), standard error of the mean, median (R type 7), minimum and maximum"
described <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  if (n == 0) return(NULL)
  s <- if (n >= 2) sd(x) else NA
  list(n = n, mean = mean(x), sd = fin(s), sem = fin(s / sqrt(n)), median = median(x),
       min = min(x), max = max(x), method = DESCRIBE_METHOD)
}
paired_test <- function(after, before, kind) {
  if (kind == "wilcoxon") {
    w <- tryCatch(suppressWarnings(wilcox.test(after, before, paired = TRUE)), error = function(e) NULL)
    if (is.null(w) || !is.finite(w$p.value)) return(NULL)
    list(statistic = unname(w$statistic), p_value = w$p.value,
         method = if (grepl("exact", w$method)) "Wilcoxon signed-rank test, exact distribution" else
           "Wilcoxon signed-rank test, normal approximation with continuity correction")
  } else {
    t <- tryCatch(t.test(after, before, paired = TRUE), error = function(e) NULL)
    if (is.null(t) || !is.finite(t$p.value)) return(NULL)
    list(statistic = unname(t$statistic), p_value = t$p.value, method = "paired t test")
  }
}

## 1. proportion ------------------------------------------------------------------------------
proportion <- function(y) {
  n <- length(y); k <- sum(y)
  if (n == 0) return(NULL)
  ci <- binom.test(k, n)$conf.int
  list(n = k, of = n, percent = 100 * k / n, ci_low_percent = 100 * ci[1],
       ci_high_percent = 100 * ci[2], method = "Clopper-Pearson exact interval")
}
response <- c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0)
add("complete_response", "Complete response", "table2", "evaluable", "proportion",
    data.frame(subject = subjects(20), outcome = response), proportion(response),
    "Subjects with a complete response at any visit.")
add("response_week_104", "Response at week 104", "table2", "evaluable", "proportion",
    data.frame(subject = character(), outcome = numeric()), NULL,
    "No subject reached week 104.")

## 2. counts ----------------------------------------------------------------------------------
subtype <- c("SCLE", "DLE", "DLE", "ACLE", "SCLE", "DLE", "DLE", "SCLE", "DLE", "ACLE",
             "DLE", "SCLE", "DLE", "DLE", "ACLE", "SCLE", "DLE", "ACLE", "SCLE", "DLE")
counts <- function(category, listed) {
  n <- length(category)
  list(of = n, categories = lapply(listed, function(c) {
    k <- sum(category == c)
    list(category = c, n = k, percent = 100 * k / n)
  }))
}
add("subtype", "CLE subtype", "table1", "enrolled", "counts",
    data.frame(subject = subjects(20), category = subtype),
    counts(subtype, c("SCLE", "DLE", "ACLE", "other")), "A subtype nobody has is listed with 0.")

## 3. odds ratio ------------------------------------------------------------------------------
odds_ratio <- function(group, in_group, y) {
  cells <- matrix(c(sum(in_group == 1 & y == 1), sum(in_group == 1 & y == 0),
                    sum(in_group == 0 & y == 1), sum(in_group == 0 & y == 0)), 2, 2, byrow = TRUE)
  tight <- fisher_tight(cells)
  fisher <- list(odds_ratio = fin(tight$estimate), ci_low = fin(tight$ci[1]), ci_high = fin(tight$ci[2]),
                 p_value = fisher.test(cells)$p.value,
                 method = "Fisher's exact test (two-sided), conditional maximum likelihood odds ratio and exact interval")
  warned <- character()
  fit_glm <- function(...) withCallingHandlers(
    glm(y ~ in_group, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100), ...),
    warning = function(w) { warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning") })
  first <- fit_glm()
  separation <- any(grepl("fitted probabilities numerically 0 or 1", warned, fixed = TRUE))
  logistic_method <- "logistic regression of the outcome on the group, Wald interval and p-value"
  logistic <- if (separation) {
    list(odds_ratio = NA, ci_low = NA, ci_high = NA, p_value = NA, separation = TRUE,
         method = logistic_method)
  } else {
    s <- summary(fit_glm(start = coef(first)))$coefficients
    beta <- s["in_group", 1]; se <- s["in_group", 2]
    list(odds_ratio = exp(beta), ci_low = exp(beta - Z * se), ci_high = exp(beta + Z * se),
         p_value = s["in_group", 4], separation = FALSE, method = logistic_method)
  }
  list(group = group, cells = list(as.list(cells[1, ]), as.list(cells[2, ])), fisher = fisher,
       logistic = logistic)
}
scle <- as.numeric(subtype == "SCLE"); acle <- as.numeric(subtype == "ACLE")
add("response_by_scle", "Complete response, SCLE against the other subtypes", "table3", "evaluable",
    "odds_ratio", data.frame(subject = subjects(20), in_group = scle, outcome = response),
    odds_ratio("SCLE", scle, response))
# Every ACLE subject responded: a zero cell, so Fisher's odds ratio and upper bound are infinite
# (null) and the logistic fit separates.
acle_response <- response; acle_response[acle == 1] <- 1
add("response_by_acle", "Complete response, ACLE against the other subtypes", "table3", "evaluable",
    "odds_ratio", data.frame(subject = subjects(20), in_group = acle, outcome = acle_response),
    odds_ratio("ACLE", acle, acle_response), "A zero cell: infinite odds ratio.")

## 4. Kaplan-Meier ----------------------------------------------------------------------------
kaplan_meier <- function(data) {
  groups <- unique(data$group)
  curves <- lapply(groups, function(g) {
    d <- data[data$group == g, ]
    fit <- survfit(Surv(weeks, event) ~ 1, data = d, conf.type = "log")
    table <- summary(fit)$table
    list(group = g, n = nrow(d), events = sum(d$event), median_weeks = fin(table[["median"]]),
         median_ci_low_weeks = fin(table[["0.95LCL"]]), median_ci_high_weeks = fin(table[["0.95UCL"]]),
         steps = lapply(seq_along(fit$time), function(i)
           list(weeks = fit$time[i], n_risk = fit$n.risk[i], n_event = fit$n.event[i],
                n_censor = fit$n.censor[i], survival = fit$surv[i], ci_low = fin(fit$lower[i]),
                ci_high = fin(fit$upper[i]))))
  })
  log_rank <- if (length(groups) < 2) NULL else {
    sd <- survdiff(Surv(weeks, event) ~ group, data = data)
    df <- sum(sd$exp > 0) - 1
    list(chi_square = sd$chisq, df = df, p_value = pchisq(sd$chisq, df, lower.tail = FALSE),
         method = "log-rank test")
  }
  list(curves = curves, log_rank = log_rank)
}
ttr <- data.frame(subject = subjects(20), group = "all",
  weeks = c(2, 4, 4, 6, 8, 8, 8, 10, 12, 12, 16, 20, 24, 24, 30, 36, 40, 52, 52, 52) + c(rep(0, 10), 0.25, rep(0, 9)),
  event = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1))
add("time_to_response", "Time to complete response", "figure1", "evaluable", "kaplan_meier", ttr,
    kaplan_meier(ttr))
# SCLE: survival sits on exactly 0.5 from week 9 to 12 (R's median is the midpoint, 10.5) and
# falls to 0 at the end (no interval there, so no upper bound of the median).
by_subtype <- data.frame(subject = subjects(14),
  group = c(rep("SCLE", 6), rep("DLE", 8)),
  weeks = c(3, 6, 9, 12, 15, 18, 4, 8, 8, 20, 26.5, 30, 40, 52),
  event = c(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 0))
add("time_to_response_by_subtype", "Time to complete response by subtype", "figure2", "evaluable",
    "kaplan_meier", by_subtype, kaplan_meier(by_subtype))
flare <- data.frame(subject = subjects(18),
  group = rep(c("5 mg", "10 mg", "placebo"), each = 6),
  weeks = c(12, 20, 20, 35.5, 40, 52, 8, 16, 30, 44, 52, 52, 2, 3, 3, 6, 10.25, 18),
  event = c(1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1))
add("time_to_flare_by_dose", "Time to flare by dose", "figure3", "safety", "kaplan_meier", flare,
    kaplan_meier(flare), "Three curves: a log-rank test on 2 df.")

## 5. describe --------------------------------------------------------------------------------
weeks_to_response <- c(4, 8, 6.5, 12, 4, 10, 16, 5.25, 8, 24)
wtr_group <- c("SCLE", "DLE", "DLE", "ACLE", "SCLE", "DLE", "DLE", "SCLE", "DLE", "DLE")
add("weeks_to_response", "Weeks to complete response", "table2", "responders", "describe",
    data.frame(subject = subjects(10), group = wtr_group, weeks = weeks_to_response),
    list(rows = c(list(c(list(group = "all"), described(weeks_to_response))),
                  lapply(c("SCLE", "DLE", "ACLE"), function(g)
                    c(list(group = g), described(weeks_to_response[wtr_group == g]))))),
    "ACLE has one subject: no standard deviation.")

## 6. paired ----------------------------------------------------------------------------------
paired <- function(from, to, before, after, kind) {
  list(from = from, to = to, pairs = length(after), before = described(before),
       after = described(after), test = paired_test(after, before, kind))
}
clasi_a0 <- c(6, 7, 3, 6, 19, 19, 20, 9, 13, 6, 15, 17, 3, 11, 10)
clasi_a12 <- c(2, 3, 4, 4, 10, 12, 9, 5, 6, 2, 8, 9, 1, 5, 4)
add("clasi_activity_change", "CLASI activity, baseline to week 12", "table4", "evaluable", "paired",
    data.frame(subject = subjects(15), before = clasi_a0, after = clasi_a12),
    paired("W0", "W12", clasi_a0, clasi_a12, "wilcoxon"), "Tied differences: normal approximation.")
clasi_d0 <- c(2, 1, 1, 0, 6, 0, 1, 0, 2, 0, 9, 8, 0, 2, 3)
clasi_d12 <- clasi_d0 + c(0.5, -1, 1.5, 2, -2.5, 3, 0.25, -0.75, 1.25, 4, -3.5, 2.25, 1.75, -0.125, 5)
add("clasi_damage_change", "CLASI damage, baseline to week 12", "table4", "evaluable", "paired",
    data.frame(subject = subjects(15), before = clasi_d0, after = clasi_d12),
    paired("W0", "W12", clasi_d0, clasi_d12, "wilcoxon"), "Distinct differences: exact distribution.")
weight0 <- c(70.5, 82.25, 65, 90.75, 77.5, 68.25)
weight12 <- c(69.25, 80.5, 66.5, 88, 76.25, 67)
add("weight_change", "Weight (kg), baseline to week 12", "table5", "safety", "paired",
    data.frame(subject = subjects(6), before = weight0, after = weight12),
    paired("W0", "W12", weight0, weight12, "t"))

## 7. by visit --------------------------------------------------------------------------------
by_visit <- function(data, visits, days, kind) {
  at <- function(v) { keep <- data$visit == v & !is.na(data$value); setNames(data$value[keep], data$subject[keep]) }
  base <- at(visits[1])
  list(points = lapply(seq_along(visits), function(i) {
    values <- at(visits[i])
    test <- if (i == 1) NULL else {
      common <- intersect(names(base), names(values))
      after <- unname(values[common]); before <- unname(base[common])
      t <- if (length(common) == 0) NULL else paired_test(after, before, kind)
      if (is.null(t)) NULL else c(list(pairs = length(common), mean_change = mean(after - before)), t)
    }
    list(visit = visits[i], day = days[i], described = described(values), test = test)
  }))
}
long <- function(subject, visit, day, value) data.frame(subject = subject, visit = visit, day = day, value = value)
activity <- rbind(
  long(subjects(10), "W0", 1, c(6, 7, 3, 6, 19, 19, 20, 9, 13, 6)),
  long(subjects(10), "W4", 29, c(5, 6, 3, 5, 15, 16, 18, 8, 11, 5)),
  long(subjects(9), "W8", 57, c(4, 5.5, 3.5, 4.25, 12, 13.5, 14, 7.75, 9.5)),
  long(c("S01", "S03", "S05", "S08", "S10"), "W12", 85, c(2, 1, 10, 5, 2)))
add("clasi_activity_by_visit", "CLASI activity by visit", "figure4", "evaluable", "by_visit", activity,
    by_visit(activity, c("W0", "W4", "W8", "W12"), c(1, 29, 57, 85), "wilcoxon"),
    "W4 and W12 have tied differences (normal approximation); W8 has none (exact).")
hemoglobin <- rbind(
  long(subjects(6), "W0", 1, c(12.5, 13.25, 11.75, 14, 12, 13.5)),
  long(subjects(6), "W4", 29, c(12.25, 13.5, 11.5, 13.25, 12.5, 13)),
  long(subjects(6), "W8", 57, c(NA, NA, NA, 13.75, NA, NA)),
  long(subjects(6), "W12", 85, NA))
add("hemoglobin_by_visit", "Hemoglobin (g/dL) by visit", "table6", "safety", "by_visit", hemoglobin,
    by_visit(hemoglobin, c("W0", "W4", "W8", "W12"), c(1, 29, 57, 85), "t"),
    "W8 has one pair (no t test); W12 has no value.")

## writing ------------------------------------------------------------------------------------
report <- list(
  format = "cletrial report results, fixture",
  generator = "scripts/peers/testdata/make_report_fixture.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  protocol = "fixture (no protocol)",
  results = results)
write_report <- function(folder, report) {
  unlink(folder, recursive = TRUE)
  dir.create(file.path(folder, "tables"), recursive = TRUE)
  for (input in names(tables))
    write.csv(tables[[input]], file.path(folder, input), row.names = FALSE, quote = FALSE, na = "")
  writeLines(toJSON(report, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = TRUE),
             file.path(folder, "results.json"))
}
write_report(file.path(here, "report-ok"), report)

# report-bad: each change names the field both peers must report.
index <- setNames(seq_along(results), vapply(results, `[[`, "", "id"))
BAD <- list(
  list("complete_response", function(v) { v$ci_high_percent <- v$ci_high_percent * (1 + 1e-7); v }),
  list("subtype", function(v) { v$categories[[2]]$n <- v$categories[[2]]$n + 1; v }),
  list("response_by_scle", function(v) { v$fisher$odds_ratio <- v$fisher$odds_ratio * (1 + 1e-5); v }),
  list("response_by_acle", function(v) { v$logistic$separation <- FALSE; v }),
  list("time_to_response_by_subtype", function(v) {
    v$curves[[2]]$steps[[3]]$survival <- v$curves[[2]]$steps[[3]]$survival + 1e-6
    v$log_rank$p_value <- v$log_rank$p_value * 1.001
    v }),
  list("weeks_to_response", function(v) { v$rows[[2]]$sd <- v$rows[[2]]$sd * (1 + 1e-8); v }),
  list("clasi_activity_change", function(v) {
    v$test$method <- "Wilcoxon signed-rank test, exact distribution"; v }),
  list("clasi_activity_by_visit", function(v) {
    v$points[[3]]$test$mean_change <- v$points[[3]]$test$mean_change + 0.01; v }))
bad <- report
for (change in BAD) {
  i <- index[[change[[1]]]]
  bad$results[[i]]$value <- change[[2]](bad$results[[i]]$value)
}
write_report(file.path(here, "report-bad"), bad)
cat(sprintf("report-ok: %d results; report-bad: %d of them changed\n", length(results), length(BAD)))
