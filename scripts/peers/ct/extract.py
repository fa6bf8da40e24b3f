#!/usr/bin/env python3
"""Writes the codelists `cletrial export` uses from an NCI EVS "SDTM Terminology.txt" file.

Usage: extract.py "SDTM Terminology.txt" > sdtm-ct.tsv

One line per term of each codelist in CODELISTS, after a header line: the codelist's NCI code,
its short name (the codelist's CDISC submission value), its name, whether sponsors may extend
it (Yes/No), the term's NCI code and the term's CDISC submission value. The file keeps the
source's order; nothing is renamed or recoded.
"""

import csv
import sys

# The codelists crates/export/src/define/ct.rs writes.
CODELISTS = [
    "C66731",  # SEX
    "C66742",  # NY
    "C66781",  # AGEU
    "C71620",  # UNIT
    "C66768",  # OUT
    "C66767",  # ACN
    "C66729",  # ROUTE
    "C71113",  # FREQ
    "C74558",  # DSCAT
    "C66727",  # NCOMPLT
    "C114118",  # PROTMLST
    "C66797",  # IECAT
    "C66789",  # ND
    "C66728",  # STENRF
    "C66734",  # DOMAIN
    "C65047",  # LBTESTCD
    "C67154",  # LBTEST
    "C100129",  # QSCAT
    "C78735",  # EVAL
    "C119070",  # DLQI1TC
    "C119069",  # DLQI1TN
]


def main(path):
    with open(path, encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source, delimiter="\t"))
    lists = {row["Code"]: row for row in rows if not row["Codelist Code"]}
    missing = [code for code in CODELISTS if code not in lists]
    if missing:
        sys.exit(f"codelists not in {path}: {', '.join(missing)}")
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    out.writerow(
        ["codelist_code", "codelist_short", "codelist_name", "extensible", "term_code", "submission_value"]
    )
    for code in CODELISTS:
        codelist = lists[code]
        for row in rows:
            if row["Codelist Code"] == code:
                out.writerow(
                    [
                        code,
                        codelist["CDISC Submission Value"],
                        codelist["Codelist Name"],
                        codelist["Codelist Extensible (Yes/No)"],
                        row["Code"],
                        row["CDISC Submission Value"],
                    ]
                )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
