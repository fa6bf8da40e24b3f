#!/usr/bin/env python3
"""Peer check of `cletrial export --format adam` with pandas: recomputes every variable of ADSL
and ADTTE from the SDTM domains alone (`cletrial export --format sdtm`, CSV) and the protocol's
response definitions, and compares them with the exported transport files. For a protocol with
`[outcomes]` it also recomputes ADRS's CLASI-50/70 responder records (PARAMCD CLASI50, CLASI70:
AVALC Y or N per post-baseline visit with a CLASI-A, only for a baseline CLASI-A at least
`clasi_min_baseline`, 10 when left out) and the percent change (PCHG) of every CLASIA record;
without `[outcomes]`, ADRS must have no responder record.

    target/peers-venv/bin/python scripts/peers/adam_check.py SDTM_DIR ADAM_DIR PROTOCOL.toml [REPORT_DIR]

With REPORT_DIR (`cletrial report --out REPORT_DIR` on the same record) it also compares ADaM
with the report's own input rows (`tables/input_<id>.csv`): each best response with ADSL.BESTRSP,
complete response and relapse (1/0) with ADSL.CRFL and RELFL, and each time to complete response
and relapse-free time (weeks, event) with ADTTE (AVAL / 7, 1 - CNSR), so ADaM and the report
cannot disagree unnoticed.

Prints `agree  <dataset>.<variable>  (<n> rows)` for each variable whose every row agrees and
`DIFFERS <dataset>.<variable> <key>: adam X, peer Y` for each row that does not; exits 0 only if
every variable agrees. Numbers and dates (SAS dates, days since 1960-01-01) are compared exactly;
a missing number must carry the same SAS missing value (`.` blank, `.D` not done, `.N` not
applicable, `.U` unknown), read from the transport file's bytes because pyreadstat reads them
all as NaN. A protocol without `[treatment.response]` must have no ADTTE, and `export.json` must
say so (`not_written`). The rules are written here from the ADaM method texts in
`ADAM_DIR/variables.csv` and the report's definitions (`protocol::endpoint`), not from the Rust
code's data structures.
"""

import datetime
import json
import math
import struct
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pyreadstat

SAS_EPOCH = datetime.date(1960, 1, 1)
DOMAINS = ["dm", "sv", "ex", "ae", "lb", "rs", "ds", "suppdm"]
DISPOSITION = "DISPOSITION EVENT"
BLANK = ("missing", ".")


def sas_date(text):
    """An ISO date as a SAS date, or None."""
    if not text:
        return None
    return float((datetime.date.fromisoformat(text) - SAS_EPOCH).days)


def number(text):
    return float(text) if text != "" else None


def missing_kind(rs_row):
    """The SAS missing value of an SDTM result without a number: its reason from --STAT/--ORRES."""
    if rs_row["RSSTAT"] == "NOT DONE":
        return ("missing", "D")
    return {"NOT APPLICABLE": ("missing", "N"), "UNKNOWN": ("missing", "U")}.get(
        rs_row["RSORRES"], BLANK)


def result(rs_row):
    value = number(rs_row["RSSTRESN"])
    return value if value is not None else missing_kind(rs_row)


def read_sdtm(folder):
    tables = {}
    for name in DOMAINS:
        frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        for seq in ("EXSEQ", "AESEQ", "LBSEQ", "RSSEQ", "DSSEQ"):
            if seq in frame:
                frame[seq] = frame[seq].astype(float)
        tables[name] = frame
    return tables


def xpt_missing_tags(path):
    """{variable: [tag or None per row]} for the numeric variables of a SAS XPORT v5 file: the
    missing value's letter ('.', 'A'-'Z', '_'), None for a number (TS-140's layout)."""
    data = path.read_bytes()
    at = data.index(b"HEADER RECORD*******NAMESTR HEADER RECORD")
    count = int(data[at + 54:at + 58])
    at += 80
    variables = []
    for i in range(count):
        namestr = data[at + 140 * i:at + 140 * (i + 1)]
        ntype, _, length = struct.unpack(">hhh", namestr[:6])
        name = namestr[8:16].decode("ascii").strip()
        (position,) = struct.unpack(">i", namestr[84:88])
        variables.append((name, ntype == 1, length, position))
    at = data.index(b"HEADER RECORD*******OBS     HEADER RECORD") + 80
    width = sum(v[2] for v in variables)
    rows = (len(data) - at) // width if width else 0
    tags = {name: [] for name, numeric, _, _ in variables if numeric}
    for row in range(rows):
        record = data[at + row * width:at + (row + 1) * width]
        if record.strip(b" ") == b"":
            break  # padding of the last 80-byte record
        for name, numeric, length, position in variables:
            if numeric:
                cell = record[position:position + length]
                is_missing = cell[1:] == b"\0" * (length - 1) and (
                    cell[:1] in (b".", b"_") or b"A" <= cell[:1] <= b"Z")
                tags[name].append(chr(cell[0]) if is_missing else None)
    return tags


def read_adam(path):
    """The rows of an ADaM transport file as dicts: numbers as floats or ("missing", tag),
    texts as strings ('' blank)."""
    # SAS dates stay day counts (the ADaM dates carry DATE9., which pyreadstat would convert).
    frame, _ = pyreadstat.read_xport(str(path), disable_datetime_conversion=True)
    tags = xpt_missing_tags(path)
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        row = {}
        for name, value in record.items():
            if name in tags:
                tag = tags[name][i]
                row[name] = ("missing", tag) if tag is not None else float(value)
            else:
                row[name] = value or ""
        rows.append(row)
    return rows


class Subject:
    """One subject's SDTM records and what the ADaM rules derive from them."""

    def __init__(self, usubjid, tables, definitions):
        mine = {name: table[table["USUBJID"] == usubjid] for name, table in tables.items()}
        self.mine = mine
        self.dm = mine["dm"].iloc[0]
        self.start = self.dm["RFXSTDTC"] or None
        self.clasi = mine["rs"][mine["rs"]["RSCAT"] == "CLASI"]
        self.dispositions = mine["ds"][mine["ds"]["DSCAT"] == DISPOSITION].sort_values("DSSEQ")
        self.baseline = self.find_baseline()
        self.visits = self.find_visits()
        self.last = self.find_last_record()
        self.definitions = definitions
        self.endpoints = self.find_endpoints() if definitions else None

    def totals(self, rows):
        def total(code):
            found = rows[rows["RSTESTCD"] == code]
            return result(found.iloc[0]) if len(found) else BLANK

        claact = rows[rows["RSTESTCD"] == "CLAACT"]
        return {
            "activity": total("CLAACT"),
            "damage": total("CLADAM"),
            "seq": float(claact.iloc[0]["RSSEQ"]) if len(claact) else None,
        }

    def find_baseline(self):
        if not self.start:
            return None
        before = self.clasi[(self.clasi["RSDTC"] != "") & (self.clasi["RSDTC"] <= self.start)]
        if before.empty:
            return None
        date = before["RSDTC"].max()
        on_date = before[before["RSDTC"] == date]
        visitnum = on_date.iloc[-1]["VISITNUM"]
        return {"date": date, **self.totals(on_date[on_date["VISITNUM"] == visitnum])}

    def find_visits(self):
        if not self.start:
            return []
        visits = []
        for _, sv in self.mine["sv"].iterrows():
            if not sv["SVSTDTC"] or sv["SVSTDTC"] <= self.start or sv["VISITNUM"] == "":
                continue
            rows = self.clasi[self.clasi["VISITNUM"] == sv["VISITNUM"]]
            if len(rows):
                visits.append({"date": sv["SVSTDTC"], "visitnum": float(sv["VISITNUM"]),
                               **self.totals(rows)})
        return sorted(visits, key=lambda v: v["date"])

    def find_last_record(self):
        """(date, domain, variable, seq): the latest of SV, EX, AE, LB and disposition dates, the
        first of equal dates in that order."""
        best = None
        sources = [("sv", "SVSTDTC", None, None), ("ex", "EXENDTC", "EXSTDTC", "EXSEQ"),
                   ("ae", "AEENDTC", "AESTDTC", "AESEQ"), ("lb", "LBDTC", None, "LBSEQ"),
                   ("ds", "DSSTDTC", None, "DSSEQ")]
        for domain, variable, fallback, seq in sources:
            table = self.dispositions if domain == "ds" else self.mine[domain]
            for _, row in table.iterrows():
                used = variable if row[variable] else fallback
                if not used or not row[used]:
                    continue
                if best is None or row[used] > best[0]:
                    best = (row[used], domain.upper(), used, float(row[seq]) if seq else None)
        return best

    def withdrawn(self):
        return len(self.dispositions) > 0 and self.dispositions.iloc[-1]["DSDECOD"] != "COMPLETED"

    def find_endpoints(self):
        d = self.definitions
        start = datetime.date.fromisoformat(self.start) if self.start else None
        base = self.baseline["activity"] if self.baseline else None
        base = base if isinstance(base, float) else None
        complete = relapse = None
        partial = assessed = False
        for i, visit in enumerate(self.visits):
            activity = visit["activity"]
            if not isinstance(activity, float):
                continue
            day = (datetime.date.fromisoformat(visit["date"]) - start).days
            if day <= 0:
                continue
            assessed = True
            if complete is None:
                if activity <= d["complete_max_activity"]:
                    complete = i
            elif relapse is None and activity >= d["relapse_min_activity"]:
                relapse = i
            if (base is not None and base > 0 and day <= d["partial_by_week"] * 7
                    and 100 * (base - activity) / base >= d["partial_min_improvement_percent"]):
                partial = True
        if complete is not None:
            best = "CR"
        elif partial:
            best = "PR"
        elif self.withdrawn():
            best = "WITHDRAWN"
        elif base is None or not assessed:
            best = "NE"
        else:
            best = "NR"
        return {"best": best, "complete": complete, "relapse": relapse}

    def visit_date(self, index):
        return sas_date(self.visits[index]["date"]) if index is not None else None


def subtype_group(label):
    """The report's subtype groups (INSTRUMENTS.md section 6; the lenalidomide paper's Table 1
    rows): every discoid form is DLE, profundus and tumidus keep their own rows."""
    if label.startswith("DLE,"):
        return "DLE"
    if label.startswith("SCLE,"):
        return "SCLE"
    if label.startswith("ACLE,"):
        return "ACLE"
    return {"LE profundus": "Lupus profundus", "LE tumidus": "LET"}.get(label, "Other")


def yn(flag):
    return "Y" if flag else "N"


def num(value):
    return BLANK if value is None else float(value)


def adsl_row(s):
    dm = s.dm
    enrolled = dm["ARMCD"] not in ("", "SCRNFAIL")
    # A randomised study's intention-to-treat population: the randomised subjects.
    intended = enrolled and dm["ARMCD"] != "NOTASSGN"
    first, last = sas_date(dm["RFXSTDTC"]), sas_date(dm["RFXENDTC"])
    disposition = s.dispositions.iloc[-1] if len(s.dispositions) else None
    if disposition is None:
        status, reason, end = "ONGOING", "", None
    elif disposition["DSDECOD"] == "COMPLETED":
        status, reason, end = "COMPLETED", "", sas_date(disposition["DSSTDTC"])
    else:
        status, reason, end = "DISCONTINUED", disposition["DSDECOD"], sas_date(disposition["DSSTDTC"])

    def baseline(total):
        if s.baseline:
            return s.baseline[total]
        return ("missing", "D") if s.start else ("missing", "N")

    supp = s.mine["suppdm"]
    subtype = supp[supp["QNAM"] == "CLESUBTY"]["QVAL"]
    subtype = subtype.iloc[0] if len(subtype) else ""
    row = {
        "STUDYID": dm["STUDYID"], "USUBJID": dm["USUBJID"], "SUBJID": dm["SUBJID"],
        "SITEID": dm["SITEID"], "AGE": num(number(dm["AGE"])), "AGEU": dm["AGEU"],
        "SEX": dm["SEX"], "ARM": dm["ARM"], "ACTARM": dm["ACTARM"], "TRT01P": dm["ARM"],
        "TRT01A": dm["ACTARM"], "ENRLFL": yn(enrolled), "ITTFL": yn(intended),
        "SAFFL": yn(len(s.mine["ex"]) > 0), "RFICDT": num(sas_date(dm["RFICDTC"])),
        "TRTSDT": num(first), "TRTEDT": num(last),
        "TRTDURD": num(last - first + 1 if first is not None and last is not None else None),
        "EOSSTT": status, "DCSREAS": reason, "EOSDT": num(end),
        "LSTRECDT": num(sas_date(s.last[0]) if s.last else None),
        "CLESUBTY": subtype, "SUBTYPGR": subtype_group(subtype) if subtype else "",
        "BCLASIA": baseline("activity"), "BCLASID": baseline("damage"),
    }
    if s.endpoints:
        e = s.endpoints
        complete = e["complete"] is not None
        row.update({
            "EFFFL": yn(e["best"] in ("CR", "PR", "NR")), "BESTRSP": e["best"],
            "CRFL": yn(complete), "CRDT": num(s.visit_date(e["complete"])),
            "RELFL": yn(e["relapse"] is not None) if complete else "",
            "RELDT": num(s.visit_date(e["relapse"])),
        })
    return row


def adtte_rows(s):
    if not s.endpoints or not s.start:
        return []
    e = s.endpoints
    rows = []

    def row(paramcd, param, origin, event_index, what):
        if event_index is not None:
            visit = s.visits[event_index]
            end, censored = (visit["date"], "RS", "RSSTRESN", visit["seq"]), False
        else:
            end, censored = s.last, True
        origin_date = datetime.date.fromisoformat(origin)
        out = {
            "STUDYID": s.dm["STUDYID"], "USUBJID": s.dm["USUBJID"], "PARAMCD": paramcd,
            "PARAM": param, "AVALU": "DAYS", "STARTDT": num(sas_date(origin)),
            "CNSR": 1.0 if censored else 0.0, "EVNTDESC": "LAST RECORD" if censored else what,
            "AVAL": BLANK, "ADT": BLANK, "SRCDOM": "", "SRCVAR": "", "SRCSEQ": BLANK,
            "CNSDTDSC": "",
        }
        if end:
            out.update({
                "AVAL": float(max((datetime.date.fromisoformat(end[0]) - origin_date).days, 0)),
                "ADT": num(sas_date(end[0])), "SRCDOM": end[1], "SRCVAR": end[2],
                "SRCSEQ": num(end[3]),
            })
            if censored:
                out["CNSDTDSC"] = f"{end[1]}.{end[2]}"
        rows.append(out)

    row("TTCR", "Time to Complete Response (Days)", s.start, e["complete"], "COMPLETE RESPONSE")
    if e["complete"] is not None:
        row("TTRELAP", "Time to Relapse After Complete Resp (Days)",
            s.visits[e["complete"]]["date"], e["relapse"], "RELAPSE")
    return rows


RESPONDERS = {"CLASI50": 50, "CLASI70": 70}


def whole(value):
    """A CLASI-A total as the whole number it is, else None (missing, or no CLASI-A)."""
    if isinstance(value, float) and value.is_integer() and 0 <= value <= 70:
        return value
    return None


def adrs_responder_rows(s, min_baseline):
    """CLASI50 and CLASI70 per post-baseline visit: Y when 100 * (base - value) >= percent * base."""
    base = whole(s.baseline["activity"]) if s.baseline else None
    if base is None or base < min_baseline:
        return []
    rows = []
    for paramcd, percent in RESPONDERS.items():
        for visit in s.visits:
            value = whole(visit["activity"])
            if value is None:
                continue
            rows.append({"USUBJID": s.dm["USUBJID"], "PARAMCD": paramcd,
                         "AVISITN": str(visit["visitnum"]),
                         "AVALC": yn(100 * (base - value) >= percent * base)})
    return rows


def adrs_pchg_rows(s):
    """PCHG of each post-baseline CLASIA record: 100 * (value - base) / base, blank for base 0."""
    base = s.baseline["activity"] if s.baseline else None
    rows = []
    for visit in s.visits:
        value = visit["activity"]
        pchg = BLANK
        if isinstance(base, float) and isinstance(value, float) and base != 0:
            pchg = 100 * (value - base) / base
        rows.append({"USUBJID": s.dm["USUBJID"], "PARAMCD": "CLASIA",
                     "AVISITN": str(visit["visitnum"]), "PCHG": pchg})
    return rows


def check_responders(protocol, subjects, adrs_path):
    """The responder records and PCHG of ADRS against the peer's; returns the differences."""
    if not adrs_path.exists():
        return 0
    adrs = read_adam(adrs_path)
    for row in adrs:
        row["AVISITN"] = str(row["AVISITN"])
    exported = [{k: r[k] for k in ("USUBJID", "PARAMCD", "AVISITN", "AVALC")}
                for r in adrs if r["PARAMCD"] in RESPONDERS]
    outcomes = protocol.get("outcomes")
    differences = 0
    if outcomes is None:
        if exported:
            print("DIFFERS ADRS: responder records without [outcomes]")
            differences += 1
        else:
            print("agree  ADRS  no CLASI50/CLASI70 record: the protocol has no [outcomes]")
    else:
        minimum = outcomes.get("clasi_min_baseline", 10)
        expected = [row for s in subjects for row in adrs_responder_rows(s, minimum)]
        differences += compare("ADRS responders", exported, expected,
                               ["USUBJID", "PARAMCD", "AVISITN"])
    pchg = [{k: r[k] for k in ("USUBJID", "PARAMCD", "AVISITN", "PCHG")}
            for r in adrs if r["PARAMCD"] == "CLASIA" and r.get("ABLFL") != "Y"]
    for row in pchg:
        if isinstance(row["PCHG"], tuple) and row["PCHG"][1] == ".":
            row["PCHG"] = BLANK
    expected = [row for s in subjects for row in adrs_pchg_rows(s)]
    differences += compare("ADRS CLASIA", pchg, expected, ["USUBJID", "PARAMCD", "AVISITN"])
    return differences


def same(adam, peer):
    if isinstance(adam, float) and isinstance(peer, float):
        return adam == peer or (math.isnan(adam) and math.isnan(peer))
    return adam == peer


def compare(name, exported, expected, key):
    """Prints agree/DIFFERS per variable; returns the number of differences."""
    differences = 0
    mine = {tuple(r[k] for k in key): r for r in exported}
    peer = {tuple(r[k] for k in key): r for r in expected}
    for k in sorted(set(mine) ^ set(peer)):
        where = "ADaM only" if k in mine else "peer only"
        print(f"DIFFERS {name} row {'/'.join(k)}: {where}")
        differences += 1
    keys = sorted(set(mine) & set(peer))
    variables = list(expected[0]) if expected else (list(exported[0]) if exported else [])
    for variable in variables:
        bad = 0
        for k in keys:
            a, p = mine[k].get(variable, "<absent>"), peer[k].get(variable, "<absent>")
            if not same(a, p):
                print(f"DIFFERS {name}.{variable} {'/'.join(k)}: adam {a!r}, peer {p!r}")
                bad += 1
        if bad == 0:
            print(f"agree  {name}.{variable}  ({len(keys)} rows)")
        differences += bad
    extra = set(exported[0]) - set(variables) if exported and expected else set()
    for variable in sorted(extra):
        print(f"DIFFERS {name}.{variable}: in the ADaM file, not recomputed by the peer")
        differences += 1
    return differences


BEST = {"Complete response": "CR", "Partial response": "PR", "No response": "NR",
        "Withdrawn before any response": "WITHDRAWN", "Not evaluable": "NE"}
TIMES = {"time_to_complete_response": "TTCR", "relapse_free_after_complete_response": "TTRELAP"}
FLAGS = {"complete_response": "CRFL", "relapse": "RELFL"}


def compare_report(report_dir, protocol, adsl, adtte):
    """Compares the report's input rows of its best-response and time-to-event results with
    ADSL and ADTTE, subject by subject (the report names a subject by DM.SUBJID)."""
    differences = 0
    by_subject = {row["SUBJID"]: row for row in adsl}
    usubjid = {row["SUBJID"]: row["USUBJID"] for row in adsl}
    times = {(row["USUBJID"], row["PARAMCD"]): row for row in adtte}
    results = protocol.get("analysis", {}).get("results", [])
    compared = 0
    for result in results:
        measure, path = result.get("measure"), report_dir / "tables" / f"input_{result['id']}.csv"
        if measure not in ("best_response", *TIMES, *FLAGS) or not path.exists():
            continue
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        if measure in TIMES and "event" not in rows:
            continue  # a grouped display of the same times
        bad = 0
        for _, row in rows.iterrows():
            subject = row["subject"]
            if subject not in by_subject:
                print(f"DIFFERS report {result['id']} {subject}: not in ADSL")
                bad += 1
                continue
            if measure == "best_response":
                mine, theirs = by_subject[subject].get("BESTRSP"), BEST.get(row["category"])
                if mine != theirs:
                    print(f"DIFFERS report {result['id']} {subject}: ADSL.BESTRSP {mine!r}, report {row['category']!r}")
                    bad += 1
                continue
            if measure in FLAGS:
                mine = by_subject[subject].get(FLAGS[measure])
                theirs = {"1": "Y", "0": "N"}.get(row["outcome"], row["outcome"])
                if mine != theirs:
                    print(f"DIFFERS report {result['id']} {subject}: ADSL.{FLAGS[measure]} {mine!r}, report {row['outcome']!r}")
                    bad += 1
                continue
            tte = times.get((usubjid[subject], TIMES[measure]))
            weeks = float(row["weeks"]) if row["weeks"] else None
            if tte is None:
                print(f"DIFFERS report {result['id']} {subject}: no ADTTE {TIMES[measure]} row")
                bad += 1
            elif (weeks is None) != (not isinstance(tte["AVAL"], float)) or (
                    weeks is not None and abs(weeks * 7 - tte["AVAL"]) > 1e-9 * max(1.0, tte["AVAL"])) or (
                    float(row["event"]) != 1.0 - tte["CNSR"]):
                print(f"DIFFERS report {result['id']} {subject}: report {weeks} weeks event {row['event']}, "
                      f"ADTTE AVAL {tte['AVAL']} CNSR {tte['CNSR']}")
                bad += 1
        if bad == 0:
            print(f"agree  report {result['id']} ({measure}, {len(rows)} subjects)")
        compared += 1
        differences += bad
    if compared == 0:
        print("DIFFERS report: no response, complete response, relapse or time-to-event input table to compare")
        differences += 1
    return differences


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__)
        return 2
    sdtm_dir, adam_dir, protocol_file = Path(argv[1]), Path(argv[2]), Path(argv[3])
    protocol = tomllib.loads(protocol_file.read_text(encoding="utf-8"))
    definitions = protocol.get("treatment", {}).get("response")
    tables = read_sdtm(sdtm_dir)
    subjects = [Subject(u, tables, definitions) for u in tables["dm"]["USUBJID"]]
    adsl = read_adam(adam_dir / "adsl.xpt")
    differences = compare("ADSL", adsl, [adsl_row(s) for s in subjects], ["USUBJID"])
    adtte = adam_dir / "adtte.xpt"
    if definitions:
        expected = [row for s in subjects for row in adtte_rows(s)]
        if not expected:
            print("DIFFERS ADTTE: the peer derives no row (no dosed subject?)")
            differences += 1
        exported = read_adam(adtte) if adtte.exists() else []
        differences += compare("ADTTE", exported, expected, ["USUBJID", "PARAMCD"])
        if len(argv) == 5:
            differences += compare_report(Path(argv[4]), protocol, adsl, exported)
        differences += check_responders(protocol, subjects, adam_dir / "adrs.xpt")
    else:
        manifest = json.loads((adam_dir / "export.json").read_text(encoding="utf-8"))
        said = [n["dataset"] for n in manifest.get("not_written", [])]
        if adtte.exists() or "ADTTE" not in said:
            print("DIFFERS ADTTE: the protocol defines no response, yet ADTTE is written "
                  "or export.json does not say it is not")
            differences += 1
        else:
            print("agree  ADTTE  not written: the protocol defines no response (export.json says so)")
    print(f"adam_check.py: {len(subjects)} subjects, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
