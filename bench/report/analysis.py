#!/usr/bin/env python3
"""The report's core analysis done by a dataframe library on the same tidy CSV tables `cletrial
report --csv` reads (written by `cletrial export --format csv` or `cletrial simulate --format tidy`).

Prints JSON: the best-response table and CR rate, CLASI activity mean +- SEM by analysis visit
(the [[analysis.visits]] of the folder's protocol.toml: the value nearest each visit's target day
within its window, the baseline at day 0), the Kaplan-Meier median time to CR, and the paired t
test of week 12 against baseline.
The derivations are the ones the report documents (protocols/nct01408199.toml [treatment.response]):
day 0 is the first dose (else enrolment, else screening); the baseline CLASI is the last assessment
on or before day 0; CR is an activity of at most 0 at a visit after day 0; PR an improvement of at
least 50% by day 84; withdrawn a disposition other than "completed"; not evaluable without a
baseline or a post-baseline value. Time to CR is censored at the last recorded day.

Engines (--engine): the reading and the derivations (joins, group-bys, windows) are done by
  pandas-c        pandas with its default C CSV parser (single-threaded),
  pandas-pyarrow  pandas with read_csv(engine="pyarrow") (a multi-threaded reader), the rest as
                  pandas-c,
  polars          polars (multi-threaded) throughout;
each hands plain NumPy arrays to the same statistics (mean and SEM, the Kaplan-Meier median, and
scipy.stats.ttest_1samp of the week-12 differences), so the engines differ only in the work a
dataframe library does.

Usage: analysis.py [--engine pandas-c|pandas-pyarrow|polars] DIR
"""

import argparse
import json
import math
import os
import sys
import tomllib
from importlib import metadata

import numpy as np
from scipy import stats

ENGINES = ("pandas-c", "pandas-pyarrow", "polars")
COMPLETE_MAX = 0.0
PARTIAL_PERCENT = 50.0
PARTIAL_BY_DAY = 12 * 7
WEEK12 = "week12"
DAYS_PER_MONTH = 365.25 / 12
PROGRAMS = ("numpy", "scipy", "pandas", "pyarrow", "polars", "polars-runtime-32")

# The columns each engine reads, and which of them are dates.
SUBJECT = (["subject", "screening_date", "enrolment_date"], ["screening_date", "enrolment_date"])
DOSE = (["subject", "start_date", "end_date"], ["start_date", "end_date"])
VISIT = (["subject", "visit", "visit_date", "actual_date"], ["actual_date"])
CLASI = (["subject", "visit", "visit_date", "assessed_on", "activity"], ["assessed_on"])
ADVERSE_EVENT = (["subject", "start_date", "end_date"], ["start_date", "end_date"])
LAB = (["subject", "collected_on"], ["collected_on"])
DISPOSITION = (["subject", "status", "disposition_date"], ["disposition_date"])


class Derived:
    """What an engine hands to the shared statistics, as plain Python and NumPy values."""

    def __init__(self, subjects, counts, activity_by_visit, time, event, week12_diff):
        self.subjects = subjects  # number of subjects
        self.counts = counts  # {"complete": n, ...}
        self.activity_by_visit = activity_by_visit  # {visit id: float array}
        self.time = time  # time to CR or censoring, weeks (float array, no NaN)
        self.event = event  # CR observed (bool array, same order)
        self.week12_diff = week12_diff  # week 12 minus baseline, subjects with both


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, default="pandas-c")
    parser.add_argument("folder")
    args = parser.parse_args()
    with open(f"{args.folder}/protocol.toml", "rb") as f:
        windows = analysis_visits(tomllib.load(f))
    if args.engine == "polars":
        derived = polars_analysis(args.folder, windows)
    else:
        derived = pandas_analysis(args.folder, windows,
                                  "pyarrow" if args.engine == "pandas-pyarrow" else "c")
    out = summarise(derived, windows)
    out["engine"] = {"name": args.engine, "versions": versions(), **threads(args.engine)}
    print(json.dumps(out, default=float))


# ---------------------------------------------------------------------------------------------
# The shared statistics.


def summarise(derived, windows):
    counts = derived.counts
    cr = int(counts.get("complete", 0))
    evaluable = derived.subjects - int(counts.get("withdrawn", 0)) - int(
        counts.get("not_evaluable", 0))
    clasi_by_visit = {visit: describe(derived.activity_by_visit.get(visit, np.empty(0)))
                      for visit, _, _ in windows}
    diff = derived.week12_diff
    test = stats.ttest_1samp(diff, 0.0)
    return {
        "subjects": derived.subjects,
        "responses": {k: int(v) for k, v in counts.items() if v},
        "cr": {"n": cr, "of": evaluable, "percent": 100.0 * cr / evaluable if evaluable else None},
        "clasi_activity_by_visit": clasi_by_visit,
        "time_to_cr_median_weeks": km_median(derived.time, derived.event),
        "paired_t_week12": {"pairs": int(diff.size), "t": float(test.statistic),
                            "p_value": float(test.pvalue),
                            "method": "scipy.stats.ttest_1samp of the differences"},
    }


def describe(values):
    """n, mean and standard error of the mean (n - 1 in the variance)."""
    values = np.asarray(values, dtype=float)
    n = int(values.size)
    return {"n": n, "mean": float(values.mean()) if n else None,
            "sem": float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else None}


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


def versions():
    out = {}
    for program in PROGRAMS:
        try:
            out[program] = metadata.version(program)
        except metadata.PackageNotFoundError:
            pass
    return out


def threads(engine):
    """The process's threads at the end (thread pools stay), the pools' sizes, and the CPU time
    (user + system) of the whole process and of its main thread: the difference ran on other
    threads (Linux; /proc/self/stat counts the threads that have ended too)."""
    out = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            out["threads_at_end"] = next(int(line.split()[1]) for line in f
                                         if line.startswith("Threads:"))
        tick = os.sysconf("SC_CLK_TCK")
        for key, path in (("cpu_process_s", "/proc/self/stat"),
                          ("cpu_main_thread_s", f"/proc/self/task/{os.getpid()}/stat")):
            with open(path, encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[key] = (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, StopIteration):
        pass
    if engine == "polars":
        import polars as pl
        out["polars_thread_pool"] = pl.thread_pool_size()
    if "pyarrow" in sys.modules:
        import pyarrow
        out["pyarrow_cpu_count"] = pyarrow.cpu_count()
    return out


# ---------------------------------------------------------------------------------------------
# pandas (C or pyarrow CSV reader).


def pandas_analysis(folder, windows, reader):
    import pandas as pd

    def read(table, spec):
        columns, dates = spec
        # The missing-value codes of the tidy layout stay strings; blank is NaN.
        frame = pd.read_csv(f"{folder}/{table}.csv", usecols=columns, dtype=str, engine=reader,
                            na_values=[""], keep_default_na=False)
        for column in dates:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        return frame

    subjects = read("subject", SUBJECT).set_index("subject")
    doses = read("dose", DOSE)
    visits = read("visit", VISIT)
    clasi = read("clasi", CLASI)
    # Totals: numbers; blank (an unassessed item) or a missing-value code is NaN.
    clasi["activity"] = pd.to_numeric(clasi["activity"], errors="coerce")
    events = read("adverse_event", ADVERSE_EVENT)
    labs = read("lab", LAB)
    dispositions = read("disposition", DISPOSITION)

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
    counts = {k: int(v) for k, v in pd.Series(response).value_counts().items()}

    # CLASI activity by analysis visit: the baseline at day 0 and each later value, the one
    # nearest each visit's target within its window (the earlier on a tie).
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
    activity_by_visit = {visit: assigned.loc[assigned["visit"] == visit, "activity"].to_numpy(
        dtype=float) for visit, _, _ in windows}

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

    # Week 12 against baseline, on subjects with both values.
    at = assigned.pivot(index="subject", columns="visit", values="activity")
    both = at[["baseline", WEEK12]].dropna()
    diff = (both[WEEK12] - both["baseline"]).to_numpy(dtype=float)

    return Derived(len(subjects), counts, activity_by_visit,
                   time.to_numpy(dtype=float)[keep], event[keep], diff)


# ---------------------------------------------------------------------------------------------
# polars.


def polars_analysis(folder, windows):
    import polars as pl

    def read(table, spec):
        columns, dates = spec
        # Every column read as text, blank as null; the missing-value codes stay strings.
        frame = pl.read_csv(f"{folder}/{table}.csv", columns=columns, infer_schema=False)
        return frame.with_columns(pl.col(c).str.to_date("%Y-%m-%d") for c in dates)

    subjects = read("subject", SUBJECT)
    doses = read("dose", DOSE)
    visits = read("visit", VISIT)
    # Totals: numbers; blank (an unassessed item) or a missing-value code is null.
    clasi = read("clasi", CLASI).with_columns(pl.col("activity").cast(pl.Float64, strict=False))
    events = read("adverse_event", ADVERSE_EVENT)
    labs = read("lab", LAB)
    dispositions = read("disposition", DISPOSITION)

    # Day 0.
    first_dose = doses.group_by("subject").agg(first_dose=pl.col("start_date").min())
    start = subjects.join(first_dose, on="subject", how="left", maintain_order="left").select(
        "subject", start=pl.coalesce("first_dose", "enrolment_date", "screening_date"))

    # Baseline: the last assessment on or before day 0 (the last with a value).
    baseline = (clasi.join(start, on="subject")
                .filter(pl.col("assessed_on") <= pl.col("start"))
                .sort("assessed_on", maintain_order=True)
                .group_by("subject")
                .agg(baseline=pl.col("activity").drop_nulls().last()))

    # Post-baseline visits with their CLASI.
    valued = (visits.join(start, on="subject")
              .filter(pl.col("actual_date") > pl.col("start"))
              .with_columns(day=(pl.col("actual_date") - pl.col("start")).dt.total_days())
              .join(clasi.select("subject", "visit", "visit_date", "activity"),
                    on=["subject", "visit", "visit_date"], how="left", nulls_equal=True)
              .filter(pl.col("activity").is_not_null())
              .join(baseline, on="subject", how="left"))

    # Best response.
    cr_day = (valued.filter(pl.col("activity") <= COMPLETE_MAX)
              .group_by("subject").agg(cr_day=pl.col("day").min()))
    partial = (valued.filter(
        (pl.col("baseline") > 0) & (pl.col("day") <= PARTIAL_BY_DAY)
        & (100 * (pl.col("baseline") - pl.col("activity")) / pl.col("baseline")
           >= PARTIAL_PERCENT))
        .select("subject").unique().with_columns(partial=pl.lit(True)))
    withdrawn = (dispositions.group_by("subject")
                 .agg(pl.col("status").drop_nulls().last())
                 .filter(pl.col("status").ne_missing("completed"))
                 .select("subject", withdrawn=pl.lit(True)))
    has_value = valued.select("subject").unique().with_columns(has_value=pl.lit(True))
    per_subject = (subjects.select("subject")
                   .join(cr_day, on="subject", how="left")
                   .join(partial, on="subject", how="left")
                   .join(withdrawn, on="subject", how="left")
                   .join(baseline, on="subject", how="left")
                   .join(has_value, on="subject", how="left"))
    response = (pl.when(pl.col("cr_day").is_not_null()).then(pl.lit("complete"))
                .when(pl.col("partial").fill_null(False)).then(pl.lit("partial"))
                .when(pl.col("withdrawn").fill_null(False)).then(pl.lit("withdrawn"))
                .when(pl.col("baseline").is_null() | pl.col("has_value").is_null())
                .then(pl.lit("not_evaluable"))
                .otherwise(pl.lit("no_response")))
    counts = dict(per_subject.group_by(response.alias("response")).len().iter_rows())

    # CLASI activity by analysis visit: the baseline at day 0 and each later value, the one
    # nearest each visit's target within its window (the earlier on a tie).
    series = pl.concat([
        baseline.filter(pl.col("baseline").is_not_null()).select(
            "subject", day=pl.lit(0, dtype=pl.Int64), activity="baseline"),
        valued.select("subject", pl.col("day").cast(pl.Int64), "activity"),
    ])
    assigned = {}
    for visit, target, window in windows:
        high = 0 if target == 0 else target + window
        assigned[visit] = (series.filter(pl.col("day").is_between(target - window, high))
                           .with_columns(distance=(pl.col("day") - target).abs())
                           .sort(["subject", "distance", "day"], maintain_order=True)
                           .unique(subset="subject", keep="first", maintain_order=True)
                           .select("subject", "activity"))
    activity_by_visit = {visit: frame["activity"].to_numpy().astype(float)
                         for visit, frame in assigned.items()}

    # Kaplan-Meier of time to CR (weeks), censored at the last recorded day.
    dates = pl.concat([
        visits.select("subject", date="actual_date"),
        doses.select("subject", date=pl.coalesce("end_date", "start_date")),
        events.select("subject", date=pl.coalesce("end_date", "start_date")),
        labs.select("subject", date="collected_on"),
        dispositions.select("subject", date="disposition_date"),
    ])
    last = dates.group_by("subject").agg(last=pl.col("date").max())
    km = (start.join(last, on="subject", how="left", maintain_order="left")
          .join(cr_day, on="subject", how="left", maintain_order="left")
          .select(time=pl.coalesce(pl.col("cr_day"),
                                   (pl.col("last") - pl.col("start")).dt.total_days()) / 7.0,
                  event=pl.col("cr_day").is_not_null())
          .filter(pl.col("time").is_not_null()))

    # Week 12 against baseline, on subjects with both values.
    both = (assigned["baseline"].rename({"activity": "baseline"})
            .join(assigned[WEEK12], on="subject")
            .drop_nulls()
            .sort("subject"))
    diff = (both["activity"] - both["baseline"]).to_numpy().astype(float)

    return Derived(subjects.height, counts, activity_by_visit,
                   km["time"].to_numpy().astype(float), km["event"].to_numpy(), diff)


if __name__ == "__main__":
    main()
