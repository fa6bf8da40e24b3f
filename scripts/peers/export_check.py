#!/usr/bin/env python3
"""Peer check of `cletrial export` output with Python and R (run by crates/cletrial/tests/it/export.rs
when the tools are installed; `cargo xtask test` installs them).

    export_check.py xpt DIR   every DIR/*.xpt read with pyreadstat and with R haven: identical
                              dataset names and labels, variable names and labels, row counts and
                              values (numbers compared exactly); prints the SAS special-missing
                              tags haven saw (d: not done, n: not applicable, u: unknown)
    export_check.py csv DIR   every DIR/*.csv read with pandas.read_csv and R read.csv, both with
                              their defaults: the missing-value codes NOT DONE, NOT APPLICABLE and
                              UNKNOWN and the empty cells are counted as in the raw file

Prints a JSON summary; exits 1 on the first disagreement, naming the file, column and row.
"""
import csv
import json
import math
import pathlib
import subprocess
import sys

CODES = ["NOT DONE", "NOT APPLICABLE", "UNKNOWN"]
HERE = pathlib.Path(__file__).resolve().parent


def fail(message):
    print(json.dumps({"ok": False, "problem": message}))
    sys.exit(1)


def from_r(mode, folder):
    result = subprocess.run(
        ["Rscript", str(HERE / "export_read.R"), mode, str(folder)],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def check_xpt(folder):
    import pyreadstat

    r = from_r("xpt", folder)
    files = sorted(p.name for p in folder.glob("*.xpt"))
    if sorted(r) != files:
        fail(f"R read {sorted(r)}, the folder holds {files}")
    tags = {}
    for name in files:
        frame, meta = pyreadstat.read_xport(str(folder / name))
        theirs = r[name]
        if (meta.file_label or "") != theirs["label"]:
            fail(f"{name}: dataset label {meta.file_label!r} (pyreadstat) vs {theirs['label']!r} (haven)")
        if len(frame) != theirs["rows"]:
            fail(f"{name}: {len(frame)} rows (pyreadstat) vs {theirs['rows']} (haven)")
        names = [c["name"] for c in theirs["columns"]]
        if list(meta.column_names) != names:
            fail(f"{name}: variables {meta.column_names} (pyreadstat) vs {names} (haven)")
        for column, label in zip(theirs["columns"], meta.column_labels):
            if (label or "") != column["label"]:
                fail(f"{name}.{column['name']}: label {label!r} vs {column['label']!r}")
            values = column["values"]
            if values is None or not isinstance(values, list):
                values = [values] * len(frame)
            for row, (mine, other) in enumerate(zip(frame[column["name"]], values)):
                if column["type"] == "num":
                    missing = mine is None or (isinstance(mine, float) and math.isnan(mine))
                    if missing != (other is None) or (not missing and float(mine) != float.fromhex(other)):
                        fail(f"{name}.{column['name']} row {row + 1}: {mine!r} (pyreadstat) vs {other!r} (haven)")
                elif (mine or "") != (other or ""):
                    fail(f"{name}.{column['name']} row {row + 1}: {mine!r} (pyreadstat) vs {other!r} (haven)")
            for tag in column.get("tags") or []:
                if tag:
                    tags[tag] = tags.get(tag, 0) + 1
    return {"files": files, "special_missing_tags": tags}


def raw_counts(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    counts = {}
    for i, column in enumerate(header):
        cells = [row[i] for row in body]
        counted = {code: sum(cell == code for cell in cells) for code in CODES}
        counted["empty"] = sum(cell == "" for cell in cells)
        counts[column] = counted
    return len(body), counts


def check_csv(folder):
    import pandas

    r = from_r("csv", folder)
    files = sorted(p.name for p in folder.glob("*.csv"))
    codes_seen = {code: 0 for code in CODES}
    for name in files:
        rows, raw = raw_counts(folder / name)
        frame = pandas.read_csv(folder / name)
        if len(frame) != rows or r[name]["rows"] != rows:
            fail(f"{name}: {rows} rows raw, {len(frame)} in pandas, {r[name]['rows']} in R")
        for column, counted in raw.items():
            series = frame[column]
            mine = {code: int((series.astype(str) == code).sum()) for code in CODES}
            mine["empty"] = int(series.isna().sum())
            if mine != counted:
                fail(f"{name}.{column}: pandas {mine} vs raw {counted}")
            if r[name]["columns"][column] != counted:
                fail(f"{name}.{column}: R {r[name]['columns'][column]} vs raw {counted}")
            for code in CODES:
                codes_seen[code] += counted[code]
    return {"files": files, "codes": codes_seen}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("xpt", "csv"):
        print(__doc__)
        sys.exit(2)
    folder = pathlib.Path(sys.argv[2])
    summary = check_xpt(folder) if sys.argv[1] == "xpt" else check_csv(folder)
    print(json.dumps({"ok": True, **summary}))


if __name__ == "__main__":
    main()
