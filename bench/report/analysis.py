#!/usr/bin/env python3
"""The report's core analysis done by pandas + SciPy on the same tidy CSV tables `cletrial report
--csv` reads (written by `cletrial export --format csv` or `cletrial simulate --format tidy`).

Prints JSON: the best-response table and CR rate, CLASI activity mean +- SEM by analysis visit
(the [[analysis.visits]] of the folder's protocol.toml: the value nearest each visit's target day
within its window, the baseline at day 0), the Kaplan-Meier median time to CR, and the paired t
test of week 12 against baseline.
The derivations are the ones the report documents (protocols/nct01408199.toml [treatment.response]):
day 0 is the first dose (else enrolment, else screening); the baseline CLASI is the last assessment
on or before day 0; CR is an activity of at most 0 at a visit after day 0; PR an improvement of at
least 50% by day 84; withdrawn a disposition other than "completed"; not evaluable without a
baseline or a post-baseline value. Time to CR is censored at the last recorded day.

Usage: analysis.py DIR
"""

import json
import sys
import tomllib

import numpy as np
import pandas as pd
from scipy import stats

COMPLETE_MAX = 0.0
PARTIAL_PERCENT = 50.0
PARTIAL_BY_DAY = 12 * 7
WEEK12 = "week12"
DAYS_PER_MONTH = 365.25 / 12
# The missing-value codes of the tidy layout stay strings; blank is NaN.
NA = {"na_values": [""], "keep_default_na": False}


def read(folder, table, columns, dates=()):
    frame = pd.read_csv(f"{folder}/{table}.csv", usecols=columns, dtype=str, **NA)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def numeric(series):
    """Totals: numbers; blank (an unassessed item) stays NaN."""
    return pd.to_numeric(series, errors="coerce")


def main(folder):
    subjects = read(folder, "subject", ["subject", "screening_date", "enrolment_date"],
                    ["screening_date", "enrolment_date"]).set_index("subject")
    doses = read(folder, "dose", ["subject", "start_date", "end_date"], ["start_date", "end_date"])
    visits = read(folder, "visit", ["subject", "visit", "visit_date", "actual_date"],
                  ["actual_date"])
    clasi = read(folder, "clasi", ["subject", "visit", "visit_date", "assessed_on", "activity"],
                 ["assessed_on"])
    clasi["activity"] = numeric(clasi["activity"])
    events = read(folder, "adverse_event", ["subject", "start_date", "end_date"],
                  ["start_date", "end_date"])
    labs = read(folder, "lab", ["subject", "collected_on"], ["collected_on"])
    dispositions = read(folder, "disposition", ["subject", "status", "disposition_date"],
                        ["disposition_date"])

    # Day 0.
    start = doses.groupby("subject")["start_date"].min().reindex(subjects.index)
    start = start.fillna(subjects["enrolment_date"]).fillna(subjects["screening_date"])

    # Baseline: the last assessment on or before day 0.
    clasi["start"] = clasi["subject"].map(start)
    before = clasi[clasi["assessed_on"] <= clasi["start"]]
    baseline = before.sort_values("assessed_on").groupby("subject")["activity"].last()
    baseline = baseline.reindex(subjects.index)

    # Post-baseline visits with their CLASI.
    visits["start"] = visits["subject"].map(start)
    post = visits[visits["actual_date"] > visits["start"]].copy()
    post["day"] = (post["actual_date"] - post["start"]).dt.days
    post = post.merge(clasi[["subject", "visit", "visit_date", "activity"]],
                      on=["subject", "visit", "visit_date"], how="left")
    post["baseline"] = post["subject"].map(baseline)
    valued = post[post["activity"].notna()]

    # Best response.
    cr_day = valued[valued["activity"] <= COMPLETE_MAX].groupby("subject")["day"].min()
    improved = (valued["baseline"] > 0) & (valued["day"] <= PARTIAL_BY_DAY) & (
        100 * (valued["baseline"] - valued["activity"]) / valued["baseline"] >= PARTIAL_PERCENT)
    partial = set(valued.loc[improved, "subject"])
    last_status = dispositions.groupby("subject")["status"].last()
    withdrawn = set(last_status[last_status != "completed"].index)
    has_value = set(valued["subject"])
    response = {}
    for subject in subjects.index:
        if subject in cr_day.index:
            response[subject] = "complete"
        elif subject in partial:
            response[subject] = "partial"
        elif subject in withdrawn:
            response[subject] = "withdrawn"
        elif pd.isna(baseline.get(subject)) or subject not in has_value:
            response[subject] = "not_evaluable"
        else:
            response[subject] = "no_response"
    counts = pd.Series(response).value_counts()
    n = len(subjects)
    cr = int(counts.get("complete", 0))
    evaluable = n - int(counts.get("withdrawn", 0)) - int(counts.get("not_evaluable", 0))

    # CLASI activity by analysis visit: the baseline at day 0 and each later value, the one
    # nearest each visit's target within its window (the earlier on a tie).
    with open(f"{folder}/protocol.toml", "rb") as f:
        windows = analysis_visits(tomllib.load(f))
    series = pd.concat([
        pd.DataFrame({"subject": baseline.dropna().index, "day": 0,
                      "activity": baseline.dropna().to_numpy()}),
        valued[["subject", "day", "activity"]],
    ])
    assigned = []
    for visit, target, window in windows:
        high = 0 if target == 0 else target + window
        held = series[(series["day"] >= target - window) & (series["day"] <= high)].copy()
        held["distance"] = (held["day"] - target).abs()
        held = held.sort_values(["subject", "distance", "day"]).groupby("subject").head(1)
        assigned.append(held.assign(visit=visit))
    assigned = pd.concat(assigned)
    clasi_by_visit = {}
    for visit, _, _ in windows:
        values = assigned.loc[assigned["visit"] == visit, "activity"]
        clasi_by_visit[visit] = {"n": int(values.size), "mean": values.mean() if values.size else None,
                                 "sem": values.sem() if values.size > 1 else None}

    # Kaplan-Meier of time to CR (weeks), censored at the last recorded day.
    dates = pd.concat([
        visits[["subject", "actual_date"]].rename(columns={"actual_date": "date"}),
        doses.assign(date=doses["end_date"].fillna(doses["start_date"]))[["subject", "date"]],
        events.assign(date=events["end_date"].fillna(events["start_date"]))[["subject", "date"]],
        labs.rename(columns={"collected_on": "date"}),
        dispositions.rename(columns={"disposition_date": "date"})[["subject", "date"]],
    ])
    last_day = (dates.groupby("subject")["date"].max().reindex(subjects.index) - start).dt.days
    time = cr_day.reindex(subjects.index).fillna(last_day) / 7.0
    event = subjects.index.isin(cr_day.index)
    keep = time.notna().to_numpy()
    median = km_median(time.to_numpy()[keep], event[keep])

    # Paired t test, week 12 against baseline, on subjects with both values.
    at = assigned.pivot(index="subject", columns="visit", values="activity")
    both = at[["baseline", WEEK12]].dropna()
    diff = (both[WEEK12] - both["baseline"]).to_numpy()
    test = stats.ttest_1samp(diff, 0.0)

    print(json.dumps({
        "subjects": n,
        "responses": {k: int(v) for k, v in counts.items()},
        "cr": {"n": cr, "of": evaluable, "percent": 100.0 * cr / evaluable if evaluable else None},
        "clasi_activity_by_visit": clasi_by_visit,
        "time_to_cr_median_weeks": median,
        "paired_t_week12": {"pairs": int(diff.size), "t": float(test.statistic),
                            "p_value": float(test.pvalue),
                            "method": "scipy.stats.ttest_1samp of the differences"},
    }, default=float))


def analysis_visits(protocol):
    """(id, target day, window) of each [[analysis.visits]] entry."""
    out = []
    for visit in protocol["analysis"]["visits"]:
        if "day" in visit:
            day = visit["day"]
        elif "week" in visit:
            day = 7 * visit["week"]
        else:
            day = round(visit["month"] * DAYS_PER_MONTH)
        out.append((visit["id"], day, visit["window_days"]))
    return out


def km_median(time, event):
    """Product-limit median as R prints it: the first time the curve is at or below 0.5 (the
    midpoint with the next event time when it is exactly 0.5)."""
    order = np.argsort(time, kind="stable")
    time, event = time[order], event[order]
    distinct, first = np.unique(time, return_index=True)
    at_risk = time.size - first
    deaths = np.add.reduceat(event.astype(float), first)
    survival = np.cumprod(1.0 - deaths / at_risk)
    steps = distinct[deaths > 0]
    s = survival[deaths > 0]
    below = np.nonzero(s <= 0.5)[0]
    if below.size == 0:
        return None
    i = below[0]
    if np.isclose(s[i], 0.5) and i + 1 < steps.size:
        return float((steps[i] + steps[i + 1]) / 2)
    return float(steps[i])


if __name__ == "__main__":
    main(sys.argv[1])
