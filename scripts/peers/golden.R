# Golden reference values from R for crates/stats (run by scripts/peers/generate).
#
# Inputs are generated here from a fixed seed and stored in the golden files next to R's answers,
# so `cargo test -p stats` needs no R. Continuous inputs are multiples of 1/64 (dyadic), so their
# decimal form in JSON is exact and Rust reads back the very doubles R used.
#
# Tolerances: R's fisher.test finds the conditional MLE and its CI with uniroot(tol ~ 1e-4), and
# glm stops at epsilon 1e-8; both are far from the 1e-9 the comparison asks. So the Fisher values
# come from a copy of fisher.test's 2x2 code with uniroot(tol = 1e-300) (Brent then stops at
# machine precision), and glm is run with glm.control(epsilon = 1e-14, maxit = 100) and then
# refitted from its own estimate, so the standard errors are evaluated at the MLE itself.
# Every other value is R's own function with its defaults.
# This script's folder, for the code it shares with the other peers.
peers_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
suppressPackageStartupMessages({ library(jsonlite); library(survival) })
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[1] else "crates/stats/tests/golden"
set.seed(20261122)

about <- list(
  generator = "scripts/peers/golden.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  seed = 20261122
)
# Scalars that may be infinite are written as the strings "Inf"/"-Inf" (JSON has no infinity);
# NA/NaN are written as null.
num <- function(v) if (length(v) == 1 && is.infinite(v)) (if (v > 0) "Inf" else "-Inf") else v
dyadic <- function(v) round(v * 64) / 64
write_golden <- function(name, cases, notes) {
  obj <- c(about, list(notes = notes, cases = cases))
  write_json(obj, file.path(out_dir, paste0(name, ".json")), digits = NA, auto_unbox = TRUE,
             na = "null")
  cat(sprintf("%s: %d cases\n", name, length(cases)))
}
# Runs `expr`; on an R error returns list(error = message) so the Rust side must also refuse.
attempt <- function(expr) tryCatch(expr, error = function(e) list(error = conditionMessage(e)))

# The paper's CLASI activity and damage at baseline (Table 1, 15 patients).
clasi_a <- c(6, 7, 3, 6, 19, 19, 20, 9, 13, 6, 15, 17, 3, 11, 10)
clasi_d <- c(2, 1, 1, 0, 6, 0, 1, 0, 2, 0, 9, 8, 0, 2, 3)

## describe ----------------------------------------------------------------------------------
describe_inputs <- list(
  list(id = "clasi-activity", x = clasi_a),
  list(id = "clasi-damage", x = clasi_d),
  list(id = "single", x = 7.25),
  list(id = "two", x = c(1, 2.5)),
  list(id = "all-equal", x = rep(3.5, 9)),
  list(id = "negative-and-ties", x = c(-2, -2, 0, 0, 0, 1, 5, 5))
)
for (n in c(3, 4, 5, 10, 50, 500, 5000))
  describe_inputs[[length(describe_inputs) + 1]] <-
    list(id = paste0("normal-", n), x = dyadic(rnorm(n, 10, 6)))
describe_inputs[[length(describe_inputs) + 1]] <-
  list(id = "skewed-ties-1000", x = round(rexp(1000, 0.2)))
describe_cases <- lapply(describe_inputs, function(case) {
  x <- case$x; q <- quantile(x, c(0.25, 0.5, 0.75), names = FALSE)
  list(id = case$id, input = list(x = I(x)),
       r = list(n = length(x), mean = mean(x), sd = sd(x), sem = sd(x) / sqrt(length(x)),
                median = median(x), q1 = q[1], q3 = q[3], min = min(x), max = max(x),
                q_type7 = q[2]))
})
write_golden("describe", describe_cases, "R mean, sd, quantile(type = 7), median, min, max.")

## proportion CIs -----------------------------------------------------------------------------
prop_inputs <- list(c(12, 14), c(0, 1), c(1, 1), c(0, 15), c(15, 15), c(1, 2), c(7, 20),
                    c(3, 100), c(50, 100), c(999, 1000), c(1, 5000), c(2500, 5000), c(4999, 5000))
prop_cases <- list()
for (kn in prop_inputs) for (level in c(0.9, 0.95, 0.99)) {
  k <- kn[1]; n <- kn[2]
  prop_cases[[length(prop_cases) + 1]] <- list(
    id = sprintf("%d-of-%d-at-%g", k, n, level),
    input = list(successes = k, n = n, level = level),
    r = list(estimate = k / n,
             clopper_pearson = I(as.numeric(binom.test(k, n, conf.level = level)$conf.int)),
             wilson = I(as.numeric(suppressWarnings(
               prop.test(k, n, correct = FALSE, conf.level = level)$conf.int)))))
}
write_golden("proportion", prop_cases,
             "binom.test(k, n)$conf.int (Clopper-Pearson); prop.test(k, n, correct = FALSE)$conf.int (Wilson).")

## t tests ------------------------------------------------------------------------------------
ttest_inputs <- list(
  list(id = "clasi-a-vs-d", x = clasi_a, y = clasi_d),
  list(id = "two-each", x = c(1, 3), y = c(2, 7.5)),
  list(id = "one-and-two", x = 4, y = c(1, 2)),
  list(id = "constant-both", x = rep(2, 5), y = rep(2, 5)),
  list(id = "constant-x", x = rep(2, 5), y = c(1, 2, 3, 4, 5)),
  list(id = "far-apart", x = dyadic(rnorm(30, 0, 1)), y = dyadic(rnorm(30, 40, 1)))
)
for (n in c(3, 8, 25, 100, 1000, 5000)) {
  x <- dyadic(rnorm(n, 10, 3))
  ttest_inputs[[length(ttest_inputs) + 1]] <- list(id = paste0("shift-", n), x = x,
    y = dyadic(x + rnorm(n, 0.5, 2)))
  ttest_inputs[[length(ttest_inputs) + 1]] <- list(id = paste0("unequal-", n),
    x = dyadic(rnorm(n, 5, 1)), y = dyadic(rnorm(max(2, n %/% 2 + 1), 5.3, 4)))
}
ttest_cases <- list()
for (case in ttest_inputs) for (kind in c("paired", "student", "welch")) {
  if (kind == "paired" && length(case$x) != length(case$y)) next
  res <- attempt({
    tt <- t.test(case$x, case$y, paired = kind == "paired", var.equal = kind == "student")
    if (is.nan(tt$statistic)) stop("t is NaN (zero standard error)")
    list(statistic = unname(tt$statistic), df = unname(tt$parameter), p_value = tt$p.value,
         estimate = if (kind == "paired") unname(tt$estimate) else unname(tt$estimate[1] - tt$estimate[2]),
         ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
  })
  ttest_cases[[length(ttest_cases) + 1]] <- list(id = paste(case$id, kind, sep = "/"),
    input = list(x = I(case$x), y = I(case$y), kind = kind), r = res)
}
write_golden("ttest", ttest_cases, "t.test(x, y, paired, var.equal), two-sided, 95% CI.")

## rank tests ---------------------------------------------------------------------------------
method_name <- function(m) if (grepl("exact", m)) "exact" else "normal"
mw_inputs <- list(
  list(id = "one-one", x = 1, y = 2),
  list(id = "one-five", x = 3.5, y = c(1, 2, 4, 5, 6)),
  list(id = "all-tied", x = c(2, 2, 2), y = c(2, 2)),
  list(id = "ties-small", x = c(1, 2, 2, 3), y = c(2, 3, 3, 4, 5)),
  list(id = "separated-10", x = 1:10 + 0, y = 11:20 + 0),
  list(id = "separated-40-45", x = dyadic(runif(40, 0, 1)), y = dyadic(runif(45, 2, 3))),
  list(id = "separated-2000", x = (1:2000) / 2, y = 1000 + (1:3000) / 4)
)
for (sizes in list(c(3, 4), c(10, 12), c(20, 20), c(49, 49), c(49, 50), c(50, 50), c(30, 200), c(1000, 5000))) {
  nx <- sizes[1]; ny <- sizes[2]
  mw_inputs[[length(mw_inputs) + 1]] <- list(id = sprintf("continuous-%d-%d", nx, ny),
    x = dyadic(rnorm(nx, 0, 10)), y = dyadic(rnorm(ny, 3, 10)))
  mw_inputs[[length(mw_inputs) + 1]] <- list(id = sprintf("ties-%d-%d", nx, ny),
    x = round(rnorm(nx, 0, 2)), y = round(rnorm(ny, 1, 2)))
}
mw_cases <- lapply(mw_inputs, function(case) {
  res <- attempt({
    w <- wilcox.test(case$x, case$y)
    if (is.na(w$p.value)) list(error = "p-value is NaN") else
    list(statistic = unname(w$statistic), p_value = w$p.value, method = method_name(w$method))
  })
  list(id = case$id, input = list(x = I(case$x), y = I(case$y)), r = res)
})
write_golden("mann_whitney", mw_cases,
             "wilcox.test(x, y) with R 4.2 defaults (exact if no ties and both n < 50, else normal with continuity correction).")

sr_inputs <- list(
  list(id = "one", x = 2.5, mu = 0),
  list(id = "all-zero", x = c(1, 2, 3), y = c(1, 2, 3)),
  list(id = "one-zero-among-eight", x = c(1.5, -2, 3, 0, 4, 5.5, -1, 6), mu = 0),
  list(id = "ties", x = c(1, -1, 2, 2, -3, 4, 4, 4), mu = 0),
  list(id = "paired-clasi", x = clasi_a, y = clasi_d),
  list(id = "all-positive-30", x = dyadic(runif(30, 1, 5)), mu = 0),
  list(id = "all-positive-3000", x = (1:3000) / 8, mu = 0)
)
for (n in c(2, 5, 10, 25, 49, 50, 51, 200, 1000, 5000)) {
  x <- dyadic(rnorm(n, 10, 4))
  sr_inputs[[length(sr_inputs) + 1]] <- list(id = paste0("paired-", n), x = x,
    y = dyadic(x + rnorm(n, -0.7, 2)))
  sr_inputs[[length(sr_inputs) + 1]] <- list(id = paste0("mu-ties-zeros-", n),
    x = round(rnorm(n, 1, 3)), mu = 1)
}
sr_cases <- lapply(sr_inputs, function(case) {
  res <- attempt({
    w <- if (is.null(case$y)) wilcox.test(case$x, mu = case$mu) else
      wilcox.test(case$x, case$y, paired = TRUE)
    if (is.na(w$p.value)) list(error = "p-value is NaN") else
    list(statistic = unname(w$statistic), p_value = w$p.value, method = method_name(w$method))
  })
  input <- if (is.null(case$y)) list(x = I(case$x), mu = case$mu) else list(x = I(case$x), y = I(case$y))
  list(id = case$id, input = input, r = res)
})
write_golden("wilcoxon", sr_cases,
             "wilcox.test(x, mu = mu) or wilcox.test(x, y, paired = TRUE), R 4.2 defaults (zeros dropped; exact if n < 50 with no ties and no zeros).")

## 2x2 tables ---------------------------------------------------------------------------------
# fisher.test's own 2x2 code, with the root-finding tolerance made tight (see the header).
source(file.path(peers_dir, "fisher_tight.R"))
tables <- list(c(12, 2, 5, 9), c(3, 1, 1, 3), c(0, 5, 5, 0), c(5, 0, 0, 5), c(0, 3, 4, 6), c(7, 0, 3, 2),
               c(1, 0, 0, 1), c(10, 10, 10, 10), c(2, 8, 8, 2), c(0, 0, 4, 5), c(4, 0, 6, 0),
               c(1000, 1500, 1200, 1300), c(2000, 10, 15, 2500), c(1, 2499, 30, 2470), c(9, 1, 11, 3))
for (i in 1:12) {
  size <- sample(c(8, 20, 60, 200, 1000, 5000), 1)
  p <- runif(4); tables[[length(tables) + 1]] <- as.numeric(rmultinom(1, size, p))
}
fisher_cases <- list(); chisq_cases <- list(); or_cases <- list()
for (cells in tables) {
  tab <- matrix(as.integer(cells), 2, 2, byrow = TRUE)
  id <- paste(cells, collapse = "-")
  input <- list(table = list(I(cells[1:2]), I(cells[3:4])))
  zero_margin <- any(rowSums(tab) == 0) || any(colSums(tab) == 0)
  f <- fisher.test(tab)
  tight <- fisher_tight(tab)
  fisher_cases[[length(fisher_cases) + 1]] <- list(id = id, input = input, r = if (zero_margin)
    list(error = "zero margin", r_p_value = f$p.value) else
    list(p_value = f$p.value, odds_ratio = num(tight$estimate), ci_low = num(tight$ci[1]),
         ci_high = num(tight$ci[2]), default_odds_ratio = num(unname(f$estimate))))
  for (correct in c(TRUE, FALSE)) {
    res <- if (zero_margin) list(error = "zero margin") else {
      cs <- suppressWarnings(chisq.test(tab, correct = correct))
      list(statistic = unname(cs$statistic), p_value = cs$p.value)
    }
    chisq_cases[[length(chisq_cases) + 1]] <- list(id = paste(id, if (correct) "yates" else "plain", sep = "/"),
      input = c(input, list(yates = correct)), r = res)
  }
  for (correction in c("none", "haldane")) {
    shifted <- cells + if (correction == "haldane") 0.5 else 0
    res <- if (zero_margin || any(shifted == 0)) list(error = "zero cell") else {
      a <- shifted[1]; b <- shifted[2]; c <- shifted[3]; d <- shifted[4]
      se <- sqrt(1 / a + 1 / b + 1 / c + 1 / d); z <- qnorm(0.975)
      list(odds_ratio = a * d / (b * c), ci_low = exp(log(a * d / (b * c)) - z * se),
           ci_high = exp(log(a * d / (b * c)) + z * se))
    }
    or_cases[[length(or_cases) + 1]] <- list(id = paste(id, correction, sep = "/"),
      input = c(input, list(correction = correction)), r = res)
  }
}
write_golden("fisher", fisher_cases, paste(
  "p_value: fisher.test(tab)$p.value. odds_ratio, ci_low, ci_high: fisher.test's 2x2 code with",
  "uniroot(tol = 1e-300) (default_odds_ratio is fisher.test's own, at tol ~1e-4, for reference).",
  "Tables with a zero row or column are refused by the Rust crate (r_p_value is R's answer)."))
write_golden("chisq", chisq_cases, "chisq.test(tab, correct = yates); zero margins are refused by the Rust crate.")
write_golden("odds_ratio", or_cases, paste(
  "Sample odds ratio with Woolf's interval, written out in R (base R has no function for it);",
  "haldane adds 0.5 to every cell; the SciPy side is statsmodels Table2x2."))

## survival -----------------------------------------------------------------------------------
km_inputs <- list(
  list(id = "one-event", time = 5, event = 1),
  list(id = "one-censored", time = 5, event = 0),
  list(id = "all-censored", time = c(2, 4, 4, 9), event = c(0, 0, 0, 0)),
  list(id = "exact-half", time = c(1, 2, 3, 4), event = c(1, 1, 1, 1)),
  list(id = "half-then-censored", time = c(1, 2, 3, 4), event = c(1, 1, 0, 0)),
  list(id = "ties-and-censoring", time = c(1, 1, 2, 2, 2, 3, 5, 5, 8, 8, 9, 12),
       event = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0)),
  list(id = "last-event", time = c(3, 6, 6, 7, 10), event = c(0, 1, 0, 1, 1))
)
for (n in c(5, 20, 100, 1000, 5000)) for (censoring in c(0, 0.3, 0.8)) {
  t <- round(rexp(n, 0.1) * 4) / 4 + 0.25
  km_inputs[[length(km_inputs) + 1]] <- list(id = sprintf("exp-%d-cens-%g", n, censoring),
    time = t, event = as.numeric(runif(n) >= censoring))
}
group_inputs <- list(
  list(id = "two-groups-small", time = c(1, 2, 3, 4, 5, 6, 7, 8), event = c(1, 1, 0, 1, 1, 1, 0, 1),
       group = c("A", "B", "A", "B", "A", "B", "A", "B")),
  list(id = "group-all-censored", time = c(1, 3, 4, 2, 5, 6), event = c(1, 1, 1, 0, 0, 0),
       group = c("A", "A", "A", "B", "B", "B")),
  list(id = "group-censored-early", time = c(5, 6, 7, 1, 2), event = c(1, 1, 1, 0, 0),
       group = c("A", "A", "A", "B", "B"))
)
for (spec in list(c(30, 2), c(200, 3), c(1000, 4), c(5000, 2))) {
  n <- spec[1]; k <- spec[2]
  g <- sample(LETTERS[1:k], n, replace = TRUE)
  rate <- c(0.1, 0.15, 0.2, 0.3)[match(g, LETTERS)]
  group_inputs[[length(group_inputs) + 1]] <- list(id = sprintf("groups-%d-%d", n, k),
    time = round(rexp(n, rate) * 2) / 2 + 0.5, event = as.numeric(runif(n) > 0.25), group = g)
}
curve_of <- function(fit) {
  list(time = I(fit$time), n_risk = I(fit$n.risk), n_event = I(fit$n.event), n_censor = I(fit$n.censor),
       survival = I(fit$surv), std_err = I(fit$std.err), ci_low = I(fit$lower), ci_high = I(fit$upper))
}
km_case <- function(case) {
  has_group <- !is.null(case$group)
  r <- list()
  for (ct in c("log", "log-log", "plain")) {
    fit <- if (has_group) survfit(Surv(case$time, case$event) ~ case$group, conf.type = ct) else
      survfit(Surv(case$time, case$event) ~ 1, conf.type = ct)
    q <- quantile(fit, 0.5)
    # print(fit)'s median (survmean), which differs from quantile() when S sits on 0.5 at the end.
    table <- summary(fit)$table
    if (is.null(dim(table))) table <- t(as.matrix(table))
    labels <- if (has_group) sort(unique(case$group)) else "all"
    curves <- lapply(seq_along(labels), function(i) {
      one <- if (has_group) fit[i] else fit
      c(list(group = labels[i]), curve_of(one),
        list(median = unname(q$quantile)[i], median_ci_low = unname(q$lower)[i],
             median_ci_high = unname(q$upper)[i], print_median = unname(table[i, "median"]),
             print_median_ci_low = unname(table[i, "0.95LCL"]),
             print_median_ci_high = unname(table[i, "0.95UCL"])))
    })
    r[[ct]] <- curves
  }
  if (has_group) {
    r$log_rank <- attempt({
      sd <- survdiff(Surv(case$time, case$event) ~ case$group)
      df <- sum(sd$exp > 0) - 1
      if (df < 1) stop("fewer than two groups with expected events (R gives chisq 0 on 0 df)")
      list(chi_square = sd$chisq, df = df, p_value = pchisq(sd$chisq, df, lower.tail = FALSE),
           observed = I(as.numeric(sd$obs)), expected = I(as.numeric(sd$exp)))
    })
  }
  input <- list(time = I(case$time), event = I(case$event))
  if (has_group) input$group <- I(case$group)
  list(id = case$id, input = input, r = r)
}
km_cases <- lapply(c(km_inputs, group_inputs), km_case)
write_golden("kaplan_meier", km_cases, paste(
  "survfit(Surv(time, event) ~ group, conf.type = t) for t in log, log-log, plain; quantile(fit, 0.5)",
  "for median*, summary(fit)$table (as print(fit) shows) for print_median*; survdiff for the log-rank test (df = groups with expected > 0, minus 1)."))

## logistic -----------------------------------------------------------------------------------
logit_inputs <- list()
for (n in c(20, 100, 1000, 5000)) {
  age <- dyadic(rnorm(n, 40, 10)); dle <- rbinom(n, 1, 0.5); dose <- sample(c(5, 10), n, TRUE)
  eta <- -3 + 0.05 * age + 0.8 * dle
  logit_inputs[[length(logit_inputs) + 1]] <- list(id = sprintf("two-predictors-%d", n),
    y = rbinom(n, 1, plogis(eta)), x = list(age = age, dle = dle))
  logit_inputs[[length(logit_inputs) + 1]] <- list(id = sprintf("three-predictors-%d", n),
    y = rbinom(n, 1, plogis(eta - 0.1 * dose)), x = list(age = age, dle = dle, dose = dose))
}
logit_inputs[[length(logit_inputs) + 1]] <- list(id = "one-binary-predictor",
  y = c(1, 1, 1, 0, 1, 0, 0, 0, 1, 0), x = list(scle = c(1, 1, 1, 1, 0, 0, 0, 0, 1, 0)))
logit_inputs[[length(logit_inputs) + 1]] <- list(id = "complete-separation",
  y = c(0, 0, 0, 0, 1, 1, 1, 1), x = list(score = c(1, 2, 3, 4, 5, 6, 7, 8)))
logit_inputs[[length(logit_inputs) + 1]] <- list(id = "quasi-separation",
  y = c(0, 0, 0, 0, 1, 0, 1, 1, 1, 1), x = list(score = c(1, 2, 3, 4, 5, 5, 6, 7, 8, 9)))
logit_inputs[[length(logit_inputs) + 1]] <- list(id = "collinear",
  y = c(0, 1, 0, 1, 1, 0, 1, 0), x = list(a = c(1, 2, 3, 4, 5, 6, 7, 8), b = c(2, 4, 6, 8, 10, 12, 14, 16)))
logit_inputs[[length(logit_inputs) + 1]] <- list(id = "all-events",
  y = c(1, 1, 1, 1, 1), x = list(a = c(1, 2, 3, 4, 5)))
logit_cases <- lapply(logit_inputs, function(case) {
  data <- as.data.frame(c(list(y = case$y), case$x))
  formula <- as.formula(paste("y ~", paste(names(case$x), collapse = " + ")))
  warnings <- character()
  fit_quietly <- function(...) withCallingHandlers(glm(formula, binomial, data, ...),
    warning = function(w) { warnings <<- c(warnings, conditionMessage(w)); invokeRestart("muffleWarning") })
  control <- glm.control(epsilon = 1e-14, maxit = 100)
  first <- fit_quietly(control = control)
  boundary <- any(grepl("fitted probabilities numerically 0 or 1", warnings))
  res <- if (any(is.na(coef(first)))) list(error = "collinear") else if (length(unique(case$y)) < 2)
    list(error = "no variation in y") else {
    fit <- fit_quietly(control = control, start = coef(first))
    s <- summary(fit)$coefficients
    ci <- confint.default(fit)
    list(terms = I(rownames(s)), estimate = I(unname(s[, 1])), se = I(unname(s[, 2])),
         p_value = I(unname(s[, 4])), ci_low = I(unname(ci[, 1])), ci_high = I(unname(ci[, 2])),
         deviance = fit$deviance, converged = first$converged, fitted_boundary = boundary)
  }
  list(id = case$id, input = list(y = I(case$y), x = lapply(case$x, I)), r = res)
})
write_golden("logistic", logit_cases, paste(
  "glm(y ~ ..., binomial, control = glm.control(epsilon = 1e-14, maxit = 100)), refitted from its",
  "own estimate so the SEs are at the MLE; Wald CIs from confint.default. fitted_boundary is R's",
  "'fitted probabilities numerically 0 or 1' warning: there the estimates are meaningless and",
  "only the separation flag is compared."))

## intraclass correlation, ICC(2,1) ------------------------------------------------------------
# irr is not installed here (Debian has no r-cran-irr in the peer setup), so this is irr 0.84.1's
# icc(model = "twoway", type = "agreement", unit = "single") written out in base R: the mean
# squares as irr computes them (MSe from the residuals), the McGraw & Wong (1996) F interval with
# qf(). Kept at
# the end of the file so the inputs drawn above keep their random numbers.
icc_agreement <- function(ratings, level = 0.95) {
  ns <- nrow(ratings); nr <- ncol(ratings)
  if (ns < 2) stop("fewer than 2 subjects")
  MSr <- var(apply(ratings, 1, mean)) * nr
  MSc <- var(apply(ratings, 2, mean)) * ns
  # irr takes MSe as SStotal - SSr - SSc, which cancels to a few 1e-16 (of either sign) under
  # perfect agreement; the residuals of the additive fit give the same number without it.
  residuals <- ratings - outer(rowMeans(ratings), rep(1, nr)) -
    outer(rep(1, ns), colMeans(ratings)) + mean(ratings)
  MSe <- sum(residuals^2) / ((ns - 1) * (nr - 1))
  denominator <- MSr + (nr - 1) * MSe + (nr / ns) * (MSc - MSe)
  if (denominator <= 0) stop("all ratings are equal")
  coeff <- (MSr - MSe) / denominator
  alpha <- (1 - level) / 2
  a <- (nr * coeff) / (ns * (1 - coeff))
  b <- 1 + (nr * coeff * (ns - 1)) / (ns * (1 - coeff))
  v <- (a * MSc + b * MSe)^2 / ((a * MSc)^2 / (nr - 1) + (b * MSe)^2 / ((ns - 1) * (nr - 1)))
  FL <- qf(1 - alpha, ns - 1, v)
  FU <- qf(1 - alpha, v, ns - 1)
  lbound <- (ns * (MSr - FL * MSe)) / (FL * (nr * MSc + (nr * ns - nr - ns) * MSe) + ns * MSr)
  ubound <- (ns * (FU * MSr - MSe)) / (nr * MSc + (nr * ns - nr - ns) * MSe + ns * FU * MSr)
  ci <- if (is.finite(lbound) && is.finite(ubound)) I(c(lbound, ubound)) else NA
  list(icc = coeff, ms_subjects = MSr, ms_raters = MSc, ms_error = MSe, ci = ci)
}
# Site and central CLASI area activity (erythema + scale, 0-5) of photographed areas.
icc_inputs <- list(
  list(id = "clasi-areas-12", x = c(3, 2, 5, 0, 1, 4, 2, 3, 1, 0, 5, 2),
       y = c(3, 1, 4, 0, 2, 4, 2, 2, 1, 1, 5, 3)),
  list(id = "two-pairs", x = c(1, 3), y = c(2, 3)),
  list(id = "offset-only", x = c(1, 2, 3, 4), y = c(2, 3, 4, 5)),
  list(id = "perfect", x = c(0, 1, 2, 3, 5), y = c(0, 1, 2, 3, 5)),
  list(id = "disagree", x = c(0, 5, 0, 5, 1), y = c(5, 0, 4, 1, 3)),
  list(id = "all-equal", x = rep(2, 6), y = rep(2, 6)),
  list(id = "one-pair", x = 3, y = 2)
)
for (n in c(5, 30, 200, 2000)) {
  truth <- round(runif(n, 0, 5))
  icc_inputs[[length(icc_inputs) + 1]] <- list(id = sprintf("scores-%d", n), x = truth,
    y = pmin(5, pmax(0, truth + round(rnorm(n, 0.2, 0.8)))))
  icc_inputs[[length(icc_inputs) + 1]] <- list(id = sprintf("continuous-%d", n),
    x = dyadic(rnorm(n, 10, 3)), y = dyadic(rnorm(n, 10, 3)))
}
icc_cases <- list()
for (case in icc_inputs) for (level in c(0.9, 0.95)) {
  res <- attempt(icc_agreement(cbind(case$x, case$y), level))
  icc_cases[[length(icc_cases) + 1]] <- list(id = sprintf("%s-at-%g", case$id, level),
    input = list(x = I(case$x), y = I(case$y), level = level), r = res)
}
write_golden("icc", icc_cases, paste(
  "ICC(2,1), two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979;",
  "McGraw & Wong 1996 case 2A): irr 0.84.1 icc(model = 'twoway', type = 'agreement') in base R;",
  "ci null where the interval is undefined (perfect agreement)."))
