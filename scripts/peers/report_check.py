#!/usr/bin/env python3
"""Peer check of `cletrial report --out DIR` with NumPy/SciPy: recomputes every result of
DIR/results.json from its input CSV alone and compares.

    target/peers-venv/bin/python scripts/peers/report_check.py DIR

Prints `agree  <id>  <statistic>` for each result that agrees and
`DIFFERS <id> <field>: report X, peer Y` for each field that does not (a result may have several);
exits 0 only if every result agrees. An unknown statistic kind, a missing or malformed input file
and a result the peer cannot recompute are failures, never skipped.

The sections beside the results are recomputed too when the report has them: `responders`
(CLASI-50/70 per visit from `tables/input_responders.csv`: the responder flags from baseline and
value, the exact intervals, the percent change described, the missing counted against the
population) and `agreement` (ICC(2,1) with McGraw and Wong's F interval from
`tables/agreement_pairs.csv`, written here from their paper's formulas with SciPy's F quantile).

Tolerance: relative 1e-9 (absolute 1e-12 near 0); counts exactly; null in the report stands for a
non-finite peer value. Fisher's odds ratio and interval at relative 1e-6 (the format's tolerance,
set for R's root finding; SciPy's own root finding is tighter). Where R makes a choice (the exact or
normal Wilcoxon, the medians of print(survfit)), the peer follows R's rule. See README.md.
"""

import csv
import json
import math
import re
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.stats.contingency import odds_ratio as conditional_odds_ratio

REL = 1e-9
ABS = 1e-12
FISHER_REL = 1e-6
Z = stats.norm.ppf(0.975)
EPS = np.finfo(float).eps
KINDS = "proportion, counts, odds_ratio, kaplan_meier, describe, paired, by_visit"


class InputError(Exception):
    """The input CSV is missing or malformed."""


class Check:
    """The differences found in one result."""

    def __init__(self, result_id):
        self.id = result_id
        self.lines = []

    def differ(self, field, report, peer):
        self.lines.append(f"DIFFERS {self.id} {field}: report {fmt(report)}, peer {fmt(peer)}")

    def num(self, field, report, peer, rel=REL):
        """A number; null in the report must be a non-finite peer value and the other way round."""
        peer = float("nan") if peer is None else float(peer)
        if report is None:
            if math.isfinite(peer):
                self.differ(field, report, peer)
        elif not is_number(report) or not math.isfinite(peer) or not close(report, peer, rel):
            self.differ(field, report, peer)

    def int(self, field, report, peer):
        """A count or other integer: exactly."""
        if not is_number(report) or report != peer:
            self.differ(field, report, peer)

    def method_named(self, field, report):
        if not isinstance(report, str) or not report.strip():
            self.differ(field, report, "a method in words")


def fmt(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, str):
        return value
    return json.dumps(value)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def close(a, b, rel):
    d = abs(a - b)
    return d <= ABS or d <= rel * max(abs(a), abs(b))


def key(obj, name):
    return obj.get(name) if isinstance(obj, dict) else None


## inputs ---------------------------------------------------------------------------------------
def read_input(folder, result, columns):
    path = result.get("input")
    if not isinstance(path, str):
        raise InputError("no input file named")
    file = folder / path
    if not file.is_file():
        raise InputError(f"{path} is missing")
    with open(file, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(f"{path} has no column {', '.join(missing)}")
        rows = []
        for row in reader:
            rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k is not None})
    return rows


def number(rows, column, what="a number"):
    """The column as floats, NaN where empty."""
    out = []
    for row in rows:
        text = row[column]
        if text == "":
            out.append(math.nan)
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InputError(f"column {column} holds {text}, not {what}")
        out.append(value)
    return np.array(out, dtype=float)


def flag(rows, column):
    values = number(rows, column, "1 or 0")
    if np.any(~np.isin(values, [0.0, 1.0])):
        raise InputError(f"column {column} holds a value other than 1 or 0")
    return values.astype(int)


## described ------------------------------------------------------------------------------------
def described(check, field, report, x):
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        if report is not None:
            check.differ(field, "a summary", "null (no values)")
        return
    if report is None:
        check.differ(field, report, f"n = {n}")
        return
    sd = float(np.std(x, ddof=1)) if n >= 2 else math.nan
    check.int(f"{field}.n", key(report, "n"), n)
    check.num(f"{field}.mean", key(report, "mean"), np.mean(x))
    check.num(f"{field}.sd", key(report, "sd"), sd)
    check.num(f"{field}.sem", key(report, "sem"), sd / math.sqrt(n))
    check.num(f"{field}.median", key(report, "median"), np.quantile(x, 0.5, method="linear"))
    check.num(f"{field}.min", key(report, "min"), np.min(x))
    check.num(f"{field}.max", key(report, "max"), np.max(x))
    # Quartiles are not in the fixed shape; checked (R type 7 = NumPy "linear") when a report adds them.
    for name, q in (("q1", 0.25), ("q3", 0.75)):
        if name in report:
            check.num(f"{field}.{name}", report[name], np.quantile(x, q, method="linear"))
    check.method_named(f"{field}.method", key(report, "method"))


## paired tests ---------------------------------------------------------------------------------
def test_kind(method):
    if not isinstance(method, str):
        return None
    if re.search("wilcoxon", method, re.I):
        return "wilcoxon"
    if re.search(r"paired t\b", method, re.I):
        return "t"
    return None


def peer_paired(kind, after, before):
    """The peer's answer for `kind` on after - before, or None where R cannot compute it."""
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    if kind == "wilcoxon":
        # R: zeros dropped; the exact distribution when n < 50 with no ties and no zeros,
        # else the normal approximation with tie correction and continuity correction.
        nonzero = d[d != 0]
        n = len(nonzero)
        if n == 0:
            return None  # R: V = 0 with p-value NaN
        ranks = stats.rankdata(np.abs(nonzero))
        ties = len(np.unique(ranks)) != n
        exact = n < 50 and not ties and len(nonzero) == len(d)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.wilcoxon(d, zero_method="wilcox", correction=True,
                                    method="exact" if exact else "asymptotic")
        if not math.isfinite(result.pvalue):
            return None
        # SciPy's statistic is min(V+, V-); R's V is the rank sum of the positive differences.
        return {"statistic": float(np.sum(ranks[nonzero > 0])), "p_value": float(result.pvalue),
                "choice": "exact distribution" if exact else "normal approximation"}
    n = len(d)
    if n < 2:
        return None  # R: not enough 'x' observations
    stderr = np.std(d, ddof=1) / math.sqrt(n)
    if stderr < 10 * EPS * abs(np.mean(d)):
        return None  # R: data are essentially constant
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.ttest_rel(after, before)
    if not (math.isfinite(result.statistic) and math.isfinite(result.pvalue)):
        return None
    return {"statistic": float(result.statistic), "p_value": float(result.pvalue)}


def paired_test(check, field, report, after, before, fallback=None):
    """Compares a test of after against before; `fallback` is the kind named by sibling tests,
    used when the report's test is null (then the peer must be unable to compute it)."""
    if report is None:
        kinds = [fallback] if fallback else ["wilcoxon", "t"]
        if all(peer_paired(k, after, before) is not None for k in kinds):
            check.differ(field, report, f"{' and '.join(kinds)} computable on {len(after)} pairs")
        return
    method = key(report, "method")
    kind = test_kind(method)
    if kind is None:
        check.differ(f"{field}.method", method, "a Wilcoxon or paired t test")
        return
    peer = peer_paired(kind, after, before)
    if peer is None:
        check.differ(field, "a test", f"null (R cannot compute it on {len(after)} pairs)")
        return
    if kind == "wilcoxon":
        exact_said = "exact distribution" in method
        normal_said = "normal approximation" in method
        said = (exact_said and not normal_said and peer["choice"] == "exact distribution") or (
            normal_said and not exact_said and peer["choice"] == "normal approximation")
        if not said:
            check.differ(f"{field}.method", method, f"R chooses the {peer['choice']}")
    check.num(f"{field}.statistic", key(report, "statistic"), peer["statistic"])
    check.num(f"{field}.p_value", key(report, "p_value"), peer["p_value"])


## the kinds ------------------------------------------------------------------------------------
def check_proportion(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "outcome"])
    y = flag(rows, "outcome")
    n, k = len(y), int(y.sum())
    if n == 0:
        if value is not None:
            check.differ("value", "a proportion", "null (no subjects)")
        return
    if value is None:
        check.differ("value", value, f"{k} of {n}")
        return
    check.int("n", key(value, "n"), k)
    check.int("of", key(value, "of"), n)
    check.num("percent", key(value, "percent"), 100 * k / n)
    method = key(value, "method")
    check.method_named("method", method)
    wilson = isinstance(method, str) and "Wilson score interval" in method
    if wilson != (n > 49999):
        check.differ("method", method, ("Wilson score interval" if n > 49999 else
                                        "Clopper-Pearson (Wilson only above 49,999)") + f" for {n} subjects")
    ci = stats.binomtest(k, n).proportion_ci(method="wilson" if wilson else "exact")
    check.num("ci_low_percent", key(value, "ci_low_percent"), 100 * ci.low)
    check.num("ci_high_percent", key(value, "ci_high_percent"), 100 * ci.high)


def check_counts(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "category"])
    n = len(rows)
    if value is None:
        if n > 0:
            check.differ("value", value, f"{n} rows")
        return
    check.int("of", key(value, "of"), n)
    counted = {}
    for row in rows:
        counted[row["category"]] = counted.get(row["category"], 0) + 1
    reported = key(value, "categories") or []
    labels = [key(c, "category") if isinstance(key(c, "category"), str) else "" for c in reported]
    if len(set(labels)) != len(labels):
        check.differ("categories", ", ".join(labels), "each category once")
    for label, category in zip(labels, reported):
        expected = counted.get(label, 0)
        check.int(f"categories[{label}].n", key(category, "n"), expected)
        check.num(f"categories[{label}].percent", key(category, "percent"),
                  100 * expected / n if n else math.nan)
    for label in counted:
        if label not in labels:
            check.differ(f"categories[{label}]", "no such category", f"n = {counted[label]}")


def logistic_fit(cells):
    """Logistic regression of outcome on in_group by Newton's method on the two binomial groups;
    returns (log odds ratio, its standard error)."""
    (a, b), (c, d) = cells
    x = np.array([[1.0, 1.0], [1.0, 0.0]])
    events = np.array([a, c], dtype=float)
    trials = np.array([a + b, c + d], dtype=float)
    beta = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ beta)))
        info = x.T @ (x * (trials * p * (1 - p))[:, None])
        step = np.linalg.solve(info, x.T @ (events - trials * p))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-15 * (1 + np.max(np.abs(beta))):
            break
    p = 1 / (1 + np.exp(-(x @ beta)))
    info = x.T @ (x * (trials * p * (1 - p))[:, None])
    return beta[1], math.sqrt(np.linalg.inv(info)[1, 1])


def check_odds_ratio(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "in_group", "outcome"])
    g, y = flag(rows, "in_group"), flag(rows, "outcome")
    if len(y) == 0:
        if value is not None:
            check.differ("value", "an odds ratio", "null (no subjects)")
        return
    if value is None:
        check.differ("value", value, f"{len(y)} subjects")
        return
    cells = [[int(np.sum((g == 1) & (y == 1))), int(np.sum((g == 1) & (y == 0)))],
             [int(np.sum((g == 0) & (y == 1))), int(np.sum((g == 0) & (y == 0)))]]
    reported = key(value, "cells")
    for i in range(2):
        for j in range(2):
            try:
                cell = reported[i][j]
            except (TypeError, IndexError, KeyError):
                cell = None
            check.int(f"cells[{i}][{j}]", cell, cells[i][j])
    table = np.array(cells)
    empty_margin = bool(np.any(table.sum(axis=0) == 0) or np.any(table.sum(axis=1) == 0))

    fisher = key(value, "fisher")
    if empty_margin:
        if fisher is not None:
            check.differ("fisher", "a test", "null (the table has an empty row or column)")
    elif fisher is None:
        check.differ("fisher", fisher, "computable (no empty row or column)")
    else:
        conditional = conditional_odds_ratio(table, kind="conditional")
        ci = conditional.confidence_interval(0.95)
        check.num("fisher.odds_ratio", key(fisher, "odds_ratio"), conditional.statistic, FISHER_REL)
        check.num("fisher.ci_low", key(fisher, "ci_low"), ci.low, FISHER_REL)
        check.num("fisher.ci_high", key(fisher, "ci_high"), ci.high, FISHER_REL)
        check.num("fisher.p_value", key(fisher, "p_value"), stats.fisher_exact(table).pvalue)
        check.method_named("fisher.method", key(fisher, "method"))

    logistic = key(value, "logistic")
    if len(set(g.tolist())) < 2:
        if logistic is not None:
            check.differ("logistic", "a model", "null (in_group takes one value: R's coefficient is NA)")
        return
    # With a binary predictor, R's "fitted probabilities numerically 0 or 1" is a zero cell.
    separation = bool(np.any(table == 0))
    if logistic is None:
        if len(set(y.tolist())) > 1:
            check.differ("logistic", logistic, "computable")
        return
    reported_separation = key(logistic, "separation")
    if not isinstance(reported_separation, bool) or reported_separation != separation:
        check.differ("logistic.separation", reported_separation, separation)
    check.method_named("logistic.method", key(logistic, "method"))
    if separation:
        return
    beta, se = logistic_fit(cells)
    check.num("logistic.odds_ratio", key(logistic, "odds_ratio"), math.exp(beta))
    check.num("logistic.ci_low", key(logistic, "ci_low"), math.exp(beta - Z * se))
    check.num("logistic.ci_high", key(logistic, "ci_high"), math.exp(beta + Z * se))
    check.num("logistic.p_value", key(logistic, "p_value"), 2 * stats.norm.sf(abs(beta / se)))


def km_curve(weeks, event):
    """Kaplan-Meier steps at every distinct time (as survfit's fit$time), with R's default
    log-transformed 95% interval, and the median and its interval as print(survfit) gives them."""
    times = np.unique(weeks)
    n_risk = np.array([np.sum(weeks >= t) for t in times])
    n_event = np.array([np.sum((weeks == t) & (event == 1)) for t in times])
    n_censor = np.array([np.sum((weeks == t) & (event == 0)) for t in times])
    if event.any():
        data = stats.CensoredData(uncensored=weeks[event == 1], right=weeks[event == 0])
        survival = stats.ecdf(data).sf.evaluate(times)
    else:
        survival = np.ones(len(times))
    with np.errstate(divide="ignore", invalid="ignore"):
        # survfit's std.err (of the cumulative hazard): sqrt(sum d / (n (n - d))), Inf once n = d.
        increments = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
        se = np.sqrt(np.cumsum(increments))
        positive = survival > 0
        low = np.where(positive, survival * np.exp(-Z * se), np.nan)
        high = np.where(positive, np.minimum(survival * np.exp(Z * se), 1.0), np.nan)

    def first_below_half(curve):
        # survival:::survmean's minmin: the first time the curve is <= 0.5; if it sits on 0.5
        # (within sqrt(eps)) and later drops below, the midpoint of the two times.
        tolerance = math.sqrt(EPS)
        keep = ~np.isnan(curve) & (curve < 0.5 + tolerance)
        if not keep.any():
            return math.nan
        x, y = times[keep], curve[keep]
        if abs(y[0] - 0.5) < tolerance and np.any(y < y[0]):
            return (x[0] + x[np.argmax(y < y[0])]) / 2
        return x[0]

    return {"times": times, "n_risk": n_risk, "n_event": n_event, "n_censor": n_censor,
            "survival": survival, "ci_low": low, "ci_high": high,
            "median": first_below_half(survival), "median_low": first_below_half(low),
            "median_high": first_below_half(high)}


def log_rank(weeks, event, group, labels):
    """survdiff's log-rank chi-square over the groups with expected events > 0, and its df."""
    event_times = np.unique(weeks[event == 1])
    k = len(labels)
    observed, expected = np.zeros(k), np.zeros(k)
    variance = np.zeros((k, k))
    for t in event_times:
        at_risk = np.array([np.sum((weeks >= t) & (group == g)) for g in labels], dtype=float)
        deaths = np.array([np.sum((weeks == t) & (event == 1) & (group == g)) for g in labels], dtype=float)
        n, d = at_risk.sum(), deaths.sum()
        observed += deaths
        expected += d * at_risk / n
        if n > 1:
            share = at_risk / n
            variance += d * (n - d) / (n - 1) * (np.diag(share) - np.outer(share, share))
    used = expected > 0
    df = int(used.sum()) - 1
    if df < 1:
        return None, df
    if k == 2:
        # SciPy's log-rank for two groups (statistic z, chi-square z^2).
        first, second = (np.asarray(group) == labels[0]), (np.asarray(group) == labels[1])
        samples = [stats.CensoredData(uncensored=weeks[m & (event == 1)], right=weeks[m & (event == 0)])
                   for m in (first, second)]
        return float(stats.logrank(samples[0], samples[1]).statistic ** 2), df
    keep = np.flatnonzero(used)[1:]
    diff = (observed - expected)[keep]
    return float(diff @ np.linalg.solve(variance[np.ix_(keep, keep)], diff)), df


def check_kaplan_meier(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "group", "weeks", "event"])
    weeks, event = number(rows, "weeks"), flag(rows, "event")
    if np.any(np.isnan(weeks)):
        raise InputError("a row without weeks")
    group = np.array([row["group"] for row in rows], dtype=object)
    if len(rows) == 0:
        if value is not None:
            check.differ("value", "curves", "null (no subjects)")
        return
    if value is None:
        check.differ("value", value, f"{len(rows)} subjects")
        return
    groups = list(dict.fromkeys(group.tolist()))
    curves = key(value, "curves") or []
    labels = [key(c, "group") if isinstance(key(c, "group"), str) else "" for c in curves]
    for label in groups:
        if label not in labels:
            check.differ(f"curves[{label}]", "no such curve", f"{int(np.sum(group == label))} subjects")
    for label, curve in zip(labels, curves):
        field = f"curves[{label}]"
        if label not in groups:
            check.differ(field, "a curve", "no such group in the input")
            continue
        mask = group == label
        peer = km_curve(weeks[mask], event[mask])
        check.int(f"{field}.n", key(curve, "n"), int(mask.sum()))
        check.int(f"{field}.events", key(curve, "events"), int(event[mask].sum()))
        check.num(f"{field}.median_weeks", key(curve, "median_weeks"), peer["median"])
        check.num(f"{field}.median_ci_low_weeks", key(curve, "median_ci_low_weeks"), peer["median_low"])
        check.num(f"{field}.median_ci_high_weeks", key(curve, "median_ci_high_weeks"), peer["median_high"])
        steps = key(curve, "steps") or []
        if len(steps) != len(peer["times"]):
            check.differ(f"{field}.steps", f"{len(steps)} steps", f"{len(peer['times'])} steps")
            continue
        for s, step in enumerate(steps):
            f = f"{field}.steps[{s}]"
            check.num(f"{f}.weeks", key(step, "weeks"), peer["times"][s])
            check.int(f"{f}.n_risk", key(step, "n_risk"), int(peer["n_risk"][s]))
            check.int(f"{f}.n_event", key(step, "n_event"), int(peer["n_event"][s]))
            check.int(f"{f}.n_censor", key(step, "n_censor"), int(peer["n_censor"][s]))
            check.num(f"{f}.survival", key(step, "survival"), peer["survival"][s])
            check.num(f"{f}.ci_low", key(step, "ci_low"), peer["ci_low"][s])
            check.num(f"{f}.ci_high", key(step, "ci_high"), peer["ci_high"][s])
    reported = key(value, "log_rank")
    chi_square, df = log_rank(weeks, event, group, groups) if len(groups) >= 2 else (None, 0)
    if chi_square is None:
        if reported is not None:
            check.differ("log_rank", "a test", f"null ({df + 1} group(s) with expected events)")
        return
    if reported is None:
        check.differ("log_rank", reported, f"chi-square on {df} df")
        return
    check.num("log_rank.chi_square", key(reported, "chi_square"), chi_square)
    check.int("log_rank.df", key(reported, "df"), df)
    check.num("log_rank.p_value", key(reported, "p_value"), stats.chi2.sf(chi_square, df))
    check.method_named("log_rank.method", key(reported, "method"))


def check_describe(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "group", "weeks"])
    weeks = number(rows, "weeks")
    group = np.array([row["group"] for row in rows], dtype=object)
    if len(rows) == 0:
        if value is not None:
            check.differ("value", "rows", "null (no rows)")
        return
    if value is None:
        check.differ("value", value, f"{len(rows)} rows")
        return
    reported = key(value, "rows") or []
    labels = [key(r, "group") if isinstance(key(r, "group"), str) else "" for r in reported]
    for label in dict.fromkeys(group.tolist()):
        if label != "all" and label not in labels:
            check.differ(f"rows[{label}]", "no such row", f"{int(np.sum(group == label))} rows")
    for label, row in zip(labels, reported):
        field = f"rows[{label}]"
        if label == "all":
            described(check, field, row, weeks)
        elif label in group:
            described(check, field, row, weeks[group == label])
        else:
            check.differ(field, "a row", "no such group in the input")


def check_paired(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "before", "after"])
    before, after = number(rows, "before"), number(rows, "after")
    both = ~np.isnan(before) & ~np.isnan(after)
    before, after = before[both], after[both]
    if len(after) == 0:
        if value is not None:
            check.differ("value", "a comparison", "null (no pairs)")
        return
    if value is None:
        check.differ("value", value, f"{len(after)} pairs")
        return
    check.int("pairs", key(value, "pairs"), len(after))
    described(check, "before", key(value, "before"), before)
    described(check, "after", key(value, "after"), after)
    paired_test(check, "test", key(value, "test"), after, before)


def check_by_visit(check, folder, result, value):
    rows = read_input(folder, result, ["subject", "visit", "day", "value"])
    x, day = number(rows, "value"), number(rows, "day")
    seen = set()
    values = {}  # visit -> {subject: value}
    for row, v in zip(rows, x):
        if math.isnan(v):
            continue
        if (row["subject"], row["visit"]) in seen:
            raise InputError("a subject has two values at one visit")
        seen.add((row["subject"], row["visit"]))
        values.setdefault(row["visit"], {})[row["subject"]] = v
    if len(rows) == 0:
        if value is not None:
            check.differ("value", "points", "null (no rows)")
        return
    if value is None:
        check.differ("value", value, f"{len(rows)} rows")
        return
    points = key(value, "points") or []
    visits = ["" if key(p, "visit") is None else str(key(p, "visit")) for p in points]
    for visit in values:
        if visit not in visits:
            check.differ(f"points[{visit}]", "no such point", "values at this visit in the input")
    if not points:
        return
    kinds = {test_kind(key(key(p, "test"), "method")) for p in points} - {None}
    fallback = kinds.pop() if len(kinds) == 1 else None
    baseline = values.get(visits[0], {})
    for i, (visit, point) in enumerate(zip(visits, points)):
        field = f"points[{visit}]"
        days = {d for row, d in zip(rows, day) if row["visit"] == visit and not math.isnan(d)}
        # The point's day is checked when the input gives the visit one day.
        if len(days) == 1:
            check.num(f"{field}.day", key(point, "day"), days.pop())
        here = values.get(visit, {})
        described(check, f"{field}.described", key(point, "described"), list(here.values()))
        test = key(point, "test")
        if i == 0:
            if test is not None:
                check.differ(f"{field}.test", "a test", "null (the baseline)")
            continue
        subjects = [s for s in baseline if s in here]
        after = np.array([here[s] for s in subjects])
        before = np.array([baseline[s] for s in subjects])
        if not subjects:
            if test is not None:
                check.differ(f"{field}.test", "a test", "null (no subject at both visits)")
            continue
        if test is not None:
            check.int(f"{field}.test.pairs", key(test, "pairs"), len(subjects))
            check.num(f"{field}.test.mean_change", key(test, "mean_change"), np.mean(after - before))
        paired_test(check, f"{field}.test", test, after, before, fallback)


## the sections beside the results -----------------------------------------------------------
def check_responders(check, folder, report):
    rows = read_input(folder, {"input": key(report, "input")},
                      ["subject", "visit", "baseline", "value", "percent_change", "clasi50", "clasi70"])
    minimum = key(report, "min_baseline")
    population = key(report, "population")
    for visit in key(report, "visits") or []:
        name = key(visit, "visit")
        here = [r for r in rows if r["visit"] == name]
        base = number(here, "baseline")
        value = number(here, "value")
        if np.any(base < minimum):
            check.differ(f"{name}.baseline", "a row below the minimum", f"none below {minimum}")
        change = (value - base) * 100 / base
        check.int(f"{name}.assessed", key(visit, "assessed"), len(here))
        check.int(f"{name}.missing", key(visit, "missing"), population - len(here))
        for column, endpoint, percent in (("clasi50", "clasi_50", 50), ("clasi70", "clasi_70", 70)):
            responded = 100 * (base - value) >= percent * base
            flags = np.array([r[column] == "Y" for r in here], dtype=bool)
            if np.any(flags != responded):
                check.differ(f"{name}.{column}", "flags in the input", "flags recomputed")
            rate = key(visit, endpoint)
            k, n = int(responded.sum()), len(here)
            if n == 0:
                if rate is not None:
                    check.differ(f"{name}.{endpoint}", "a rate", "null (no one assessed)")
                continue
            check.int(f"{name}.{endpoint}.n", key(rate, "n"), k)
            check.int(f"{name}.{endpoint}.of", key(rate, "of"), n)
            ci = stats.binomtest(k, n).proportion_ci(method="exact")
            check.num(f"{name}.{endpoint}.ci_low_percent", key(rate, "ci_low_percent"), 100 * ci.low)
            check.num(f"{name}.{endpoint}.ci_high_percent", key(rate, "ci_high_percent"), 100 * ci.high)
        written = number(here, "percent_change")
        if len(here) and not np.allclose(written, change, rtol=REL, atol=ABS):
            check.differ(f"{name}.percent_change", "the input's column", "recomputed from baseline and value")
        described(check, f"{name}.percent_change", key(visit, "percent_change"), change)


def icc_agreement(x, y, level):
    """ICC(2,1) and McGraw & Wong's (1996, case 2A) interval of two raters' ratings."""
    ratings = np.column_stack([x, y])
    n, k = ratings.shape
    grand = ratings.mean()
    rows, cols = ratings.mean(axis=1), ratings.mean(axis=0)
    msr = k * np.sum((rows - grand) ** 2) / (n - 1)
    msc = n * np.sum((cols - grand) ** 2) / (k - 1)
    residual = ratings - rows[:, None] - cols[None, :] + grand
    mse = np.sum(residual ** 2) / ((n - 1) * (k - 1))
    icc = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    if mse == 0 and msc == 0:
        return icc, None, None
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    p = 1 - (1 - level) / 2
    fl, fu = stats.f.ppf(p, n - 1, v), stats.f.ppf(p, v, n - 1)
    mixed = k * msc + (k * n - k - n) * mse
    low = n * (msr - fl * mse) / (fl * mixed + n * msr)
    high = n * (fu * msr - mse) / (mixed + n * fu * msr)
    return icc, low, high


def check_agreement(check, folder, report, level):
    rows = read_input(folder, {"input": "tables/agreement_pairs.csv"},
                      ["subject", "visit", "area", "site", "central"])
    pairs = key(report, "pairs") or []
    check.int("pairs", len(pairs), len(rows))
    icc = key(report, "icc")
    if len(rows) < 2:
        if icc is not None or not key(report, "not_computed"):
            check.differ("icc", icc, "not computed, with why (fewer than 2 pairs)")
        return
    value, low, high = icc_agreement(number(rows, "site"), number(rows, "central"), level)
    check.num("icc.icc", key(icc, "icc"), value)
    check.num("icc.ci_low", key(icc, "ci_low"), low)
    check.num("icc.ci_high", key(icc, "ci_high"), high)
    check.method_named("icc.method", key(icc, "method"))


SECTIONS = {"responders": check_responders, "agreement": check_agreement}


CHECKS = {"proportion": check_proportion, "counts": check_counts, "odds_ratio": check_odds_ratio,
          "kaplan_meier": check_kaplan_meier, "describe": check_describe, "paired": check_paired,
          "by_visit": check_by_visit}


def main(argv):
    if len(argv) != 2:
        print("usage: report_check.py REPORT_DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    results_file = folder / "results.json"
    if not results_file.is_file():
        print(f"DIFFERS - results.json: report missing, peer needs {results_file}")
        return 1
    results = key(json.loads(results_file.read_text(encoding="utf-8")), "results")
    if not isinstance(results, list) or not results:
        print("DIFFERS - results: report has no results array, peer needs one")
        return 1
    failed = 0
    for result in results:
        result = result if isinstance(result, dict) else {}
        result_id = result.get("id") if isinstance(result.get("id"), str) else "-"
        check = Check(result_id)
        kind = result.get("statistic")
        kind_name = kind if isinstance(kind, str) else fmt(kind)
        if kind_name not in CHECKS:
            check.differ("statistic", kind_name, f"no such kind (known: {KINDS})")
        else:
            try:
                CHECKS[kind_name](check, folder, result, result.get("value"))
            except InputError as error:
                check.differ("input", result.get("input"), str(error))
            except Exception as error:  # noqa: BLE001 - any failure to recompute is a difference
                check.differ("value", "(not checked)", f"Python error: {type(error).__name__}: {error}")
        if check.lines:
            failed += 1
            print("\n".join(check.lines))
        else:
            print(f"agree  {result_id}  {kind_name}")
    report = json.loads(results_file.read_text(encoding="utf-8"))
    level = key(key(report, "analysis"), "level") or 0.95
    for name, check_section in SECTIONS.items():
        section = key(report, name)
        if section is None:
            continue
        check = Check(name)
        try:
            if name == "agreement":
                check_section(check, folder, section, level)
            else:
                check_section(check, folder, section)
        except InputError as error:
            check.differ("input", name, str(error))
        except Exception as error:  # noqa: BLE001 - any failure to recompute is a difference
            check.differ("value", "(not checked)", f"Python error: {type(error).__name__}: {error}")
        if check.lines:
            failed += 1
            print("\n".join(check.lines))
        else:
            print(f"agree  {name}  section")
    print(f"report_check.py: {len(results)} results, {len(results) - failed} agree, {failed} differ")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
