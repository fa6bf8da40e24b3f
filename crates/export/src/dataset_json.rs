//! CDISC Dataset-JSON v1.1: one dataset per file, as one JSON object (`.json`) or as
//! newline-delimited JSON (`.ndjson`: the metadata object on the first line, then one JSON array
//! per row). Any `Dataset` is written alike, SDTM or ADaM.
//!
//! Source: CDISC Dataset-JSON v1.1 specification (2024-12-05), github.com/cdisc-org/
//! DataExchange-DatasetJson `doc/dataset-json1-1.md` and `doc/dataset-json-ndjson1-1.md`; its JSON
//! schema is vendored as `scripts/peers/dataset-json/dataset.schema.json`. Sections cited below
//! are that document's.
//!
//! Choices, each with its reason:
//! - Attributes are written in the order of the specification's tables ("Top-level Metadata
//!   Attributes", "Column Metadata"), which it strongly recommends so that streaming readers need
//!   not look ahead.
//! - `records` comes before the rows, but the rows stream: its place is reserved with blanks
//!   (a `u64` has at most 20 digits) and filled in by `finish`, which seeks back. JSON allows
//!   blanks between tokens, so the file is the same valid JSON with any count, written in one
//!   pass whatever the size of the dataset, holding one row in memory.
//! - Numbers (`VarType::Num`) are `dataType` "double": the transport file holds every number as a
//!   floating point double, and each value is written as the shortest decimal that reads back as
//!   the same double (serde_json), so a JSON reader and pyreadstat reading the XPT (whose IBM
//!   doubles hold any IEEE double in range exactly, see `xpt::ibm_double`) get the same number.
//!   An integer-valued number is written with `.0` and read as a double, as from the XPT.
//!   Negative zero is written as 0, as the transport file stores it.
//! - Text is `dataType` "string" with its planned `length`, except SDTM's `--DTC` variables,
//!   ISO 8601 text (SDTMIG 3.4 section 4.4.1), which are "date" (up to 10 characters: a date,
//!   possibly partial) or "datetime"; as the specification's own SDTM example ("Date/Time
//!   Variables"), they stay strings in the rows and need no `targetDataType`.
//! - Text is written without trailing blanks: a `Dataset` is what a transport file holds, where
//!   text is blank-padded to its length (TS-140) and trailing blanks mean nothing, so a reader of
//!   the XPT gets the text without them; the JSON gives the same (SDTM's split of long text
//!   between words can leave a blank at the end of a part).
//! - Every `Missing` is JSON null (section "Row Data": "Missing values are represented by
//!   null"): Dataset-JSON has no special missing values. SDTM keeps not done, not applicable and
//!   unknown in `--STAT` and `--ORRES` text, which is written as text.
//! - A SAS date (`Variable::date`, ADaM's numeric `*DT`, days since 1960-01-01) is `dataType`
//!   "date" with `targetDataType` "integer" and `displayFormat` "DATE9.", its values ISO 8601
//!   dates ("2012-03-04"): the specification's "Supported Column Data Type Combinations" give a
//!   date as ISO 8601 text, and `targetDataType` "integer" tells a converter to store it as the
//!   SAS date number the transport file holds.
//! - `keySequence` is each key variable's place among `Dataset::keys`, the keys Define-XML
//!   states too. Other numbers have no `displayFormat`.
//! - Strings are encoded by serde_json (escaping quotes, backslashes and control characters).

use std::io::{Seek, SeekFrom, Write};

use crate::ExportError;
use crate::dataset::{Cell, Dataset, VarType, Variable};
use crate::source::StudyInfo;
use jiff::civil::Date;

/// The version written in `datasetJSONVersion` (section "Top-level Metadata Attributes": pattern
/// `1.1(.(0|([1-9][0-9]*)))?`; the specification's examples write "1.1.0").
pub const VERSION: &str = "1.1.0";

/// Blanks reserved for `records`: the digits of `u64::MAX`.
const RECORDS_WIDTH: usize = 20;

/// The two representations of the specification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// One JSON object with `columns` and `rows` (`.json`).
    Json,
    /// The metadata object on the first line, then one array per row (`.ndjson`, section
    /// "NDJSON Representation of Dataset-JSON").
    Ndjson,
}

impl Encoding {
    /// The file extension the specification gives each.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Json => "json",
            Encoding::Ndjson => "ndjson",
        }
    }
}

/// What every file of one export says about where it comes from (the optional top-level
/// attributes; `None` leaves one out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// `datasetJSONCreationDateTime`: `YYYY-MM-DDThh:mm:ss`, optionally with fraction and zone.
    pub created: String,
    /// Prefix of `fileOID`; each file adds its dataset's name.
    pub file_oid: String,
    /// `dbLastModifiedDateTime`.
    pub db_last_modified: Option<String>,
    /// `originator`: the organisation that generated the file.
    pub originator: Option<String>,
    /// `sourceSystem.name` and `.version`.
    pub source_system: (String, String),
    /// `studyOID`, as ODM's and Define-XML's `Study/@OID`.
    pub study_oid: String,
    /// `metaDataVersionOID`, as Define-XML's `MetaDataVersion/@OID`.
    pub metadata_version_oid: String,
    /// `metaDataRef`: the Define-XML file describing the dataset.
    pub metadata_ref: String,
}

impl Provenance {
    /// The provenance of an export of `study` by cletrial `version` at `created` (UTC, RFC 3339,
    /// as ODM's `CreationDateTime`): `fileOID`s as ODM's `FileOID` plus the dataset's name, the
    /// study's OID and the metadata version's as `define.xml` gives them, `metaDataRef` the `define.xml` beside the
    /// files. The record names no organisation and keeps no last-modified time of its own, so
    /// `originator` and `dbLastModifiedDateTime` are left out.
    pub fn of(study: &StudyInfo, created: &str, version: &str) -> Provenance {
        Provenance {
            created: created.to_owned(),
            file_oid: format!("cletrial.{}.{created}", study.code),
            db_last_modified: None,
            originator: None,
            source_system: ("cletrial".to_owned(), version.to_owned()),
            study_oid: study.oid(),
            metadata_version_oid: study.define_metadata_version_oid(),
            metadata_ref: "define.xml".to_owned(),
        }
    }
}

/// Writes one dataset to `out`, a row at a time.
pub struct DatasetJsonWriter<W: Write + Seek> {
    out: W,
    dataset: Dataset,
    encoding: Encoding,
    /// Where the blanks reserved for `records` start.
    records_at: u64,
    records: u64,
    row: Vec<u8>,
}

impl<W: Write + Seek> DatasetJsonWriter<W> {
    /// Writes the metadata of `dataset` (its OIDs from `Dataset::oid` and `Dataset::item_oid`,
    /// which Define-XML shares) and opens its rows.
    pub fn new(
        mut out: W,
        dataset: &Dataset,
        provenance: &Provenance,
        encoding: Encoding,
    ) -> Result<DatasetJsonWriter<W>, ExportError> {
        let mut head = Object::default();
        head.field("datasetJSONCreationDateTime", &provenance.created);
        head.field("datasetJSONVersion", VERSION);
        head.field(
            "fileOID",
            &format!("{}.{}", provenance.file_oid, dataset.name),
        );
        if let Some(modified) = &provenance.db_last_modified {
            head.field("dbLastModifiedDateTime", modified);
        }
        if let Some(originator) = &provenance.originator {
            head.field("originator", originator);
        }
        let (system, version) = &provenance.source_system;
        head.key("sourceSystem");
        let mut source = Object::default();
        source.field("name", system);
        source.field("version", version);
        head.raw(&source.close());
        head.field("studyOID", &provenance.study_oid);
        head.field("metaDataVersionOID", &provenance.metadata_version_oid);
        head.field("metaDataRef", &provenance.metadata_ref);
        head.field("itemGroupOID", &dataset.oid());
        head.key("records");
        out.write_all(&head.text)?;
        let records_at = out.stream_position()?;
        out.write_all(&[b' '; RECORDS_WIDTH])?;
        let mut tail = Object::continuing();
        tail.field("name", &dataset.name);
        tail.field("label", &dataset.label);
        tail.key("columns");
        tail.text.push(b'[');
        for (i, variable) in dataset.variables.iter().enumerate() {
            if i > 0 {
                tail.text.push(b',');
            }
            tail.raw(&column(dataset, variable));
        }
        tail.text.push(b']');
        match encoding {
            Encoding::Json => {
                tail.key("rows");
                tail.text.push(b'[');
            }
            Encoding::Ndjson => tail.text.extend(b"}\n"),
        }
        out.write_all(&tail.text)?;
        Ok(DatasetJsonWriter {
            out,
            dataset: dataset.clone(),
            encoding,
            records_at,
            records: 0,
            row: Vec::new(),
        })
    }

    /// Appends one row; `cells` follow the dataset's variables.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let dataset = &self.dataset;
        let number = self.records + 1;
        dataset.check_row(number, cells)?;
        let mut row = std::mem::take(&mut self.row);
        row.clear();
        // The .json form stays on one line: readers (dsjframe) take a file whose second line
        // starts with an array for NDJSON, whatever its extension.
        if self.encoding == Encoding::Json && self.records > 0 {
            row.push(b',');
        }
        row.push(b'[');
        for (i, (variable, cell)) in dataset.variables.iter().zip(cells).enumerate() {
            if i > 0 {
                row.push(b',');
            }
            value(variable, cell, &mut row).map_err(|problem| {
                ExportError::invalid(
                    format!("{}.{} (row {number})", dataset.name, variable.name),
                    problem,
                )
            })?;
        }
        row.push(b']');
        if self.encoding == Encoding::Ndjson {
            row.push(b'\n');
        }
        let result = self.out.write_all(&row);
        self.row = row;
        result?;
        self.records = number;
        Ok(())
    }

    /// Closes the rows, writes `records` into its reserved place and hands back the output.
    pub fn finish(mut self) -> Result<W, ExportError> {
        if self.encoding == Encoding::Json {
            self.out.write_all(b"]}\n")?;
        }
        let end = self.out.stream_position()?;
        self.out.seek(SeekFrom::Start(self.records_at))?;
        write!(self.out, "{:>width$}", self.records, width = RECORDS_WIDTH)?;
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Rows written so far.
    pub fn records(&self) -> u64 {
        self.records
    }
}

/// The `dataType` of a variable (section "Supported Column Data Type Combinations"); see the
/// module's choices.
pub fn data_type(variable: &Variable) -> &'static str {
    if variable.is_date() {
        return "date";
    }
    match variable.ty {
        VarType::Num => "double",
        VarType::Char(length) if variable.name.ends_with("DTC") => {
            if length <= 10 {
                "date"
            } else {
                "datetime"
            }
        }
        VarType::Char(_) => "string",
    }
}

/// One element of `columns` (section "Column Metadata"), attributes in its order.
fn column(dataset: &Dataset, variable: &Variable) -> Vec<u8> {
    let mut column = Object::default();
    column.field("itemOID", &dataset.item_oid(variable));
    column.field("name", &variable.name);
    column.field("label", &variable.label);
    column.field("dataType", data_type(variable));
    if variable.is_date() {
        column.field("targetDataType", "integer");
    }
    if let VarType::Char(length) = variable.ty {
        column.key("length");
        column.raw(length.to_string().as_bytes());
    }
    if let Some(format) = variable.display_format {
        column.field("displayFormat", format.text());
    }
    if let Some(sequence) = dataset.key_sequence(&variable.name) {
        column.key("keySequence");
        column.raw(sequence.to_string().as_bytes());
    }
    column.close()
}

/// Appends the JSON of one cell, or says why it cannot be.
fn value(variable: &Variable, cell: &Cell, out: &mut Vec<u8>) -> Result<(), String> {
    match (variable.ty, cell) {
        (_, Cell::Missing(_)) => out.extend(b"null"),
        (VarType::Num, Cell::Num(days)) if variable.is_date() => {
            push_json(out, &iso_date(*days)?.to_string());
        }
        (VarType::Num, Cell::Num(x)) => {
            if !x.is_finite() {
                return Err(format!("{x} is not finite"));
            }
            // -0.0 == 0.0, so this only turns negative zero into zero.
            let x = if *x == 0.0 { 0.0 } else { *x };
            push_json(out, &x);
        }
        (VarType::Char(length), Cell::Text(text)) => {
            let text = text.trim_end_matches(' ');
            if text.chars().count() > usize::from(length) {
                return Err(format!("'{text}' is longer than {length} characters"));
            }
            push_json(out, text);
        }
        (VarType::Num, Cell::Text(text)) => {
            return Err(format!("'{text}' given for a numeric variable"));
        }
        (VarType::Char(_), Cell::Num(x)) => return Err(format!("{x} given for a text variable")),
    }
    Ok(())
}

/// The ISO 8601 date of a SAS date (days since 1960-01-01), or why it is none.
pub fn iso_date(days: f64) -> Result<Date, String> {
    if days.fract() != 0.0 || !days.is_finite() {
        return Err(format!("{days} is not a whole number of days"));
    }
    // A whole number of days within jiff's range of dates (years -9999 to 9999) fits an i32.
    let span = (days.abs() <= 7_500_000.0)
        .then(|| jiff::Span::new().try_days(days as i64).ok())
        .flatten();
    span.and_then(|span| Date::constant(1960, 1, 1).checked_add(span).ok())
        .ok_or_else(|| format!("{days} days from 1960-01-01 is no date"))
}

/// Appends `value` as JSON: a string or a finite number, which serde_json always encodes.
fn push_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec cannot fail, nor can serialising a string or a finite f64.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// A JSON object written field by field, in the order given.
#[derive(Default)]
struct Object {
    text: Vec<u8>,
    fields: usize,
}

impl Object {
    /// An object whose opening brace and first fields are already written.
    fn continuing() -> Object {
        Object {
            text: Vec::new(),
            fields: 1,
        }
    }

    fn key(&mut self, key: &str) {
        self.text.push(if self.fields == 0 { b'{' } else { b',' });
        push_json(&mut self.text, key);
        self.text.push(b':');
        self.fields += 1;
    }

    fn field(&mut self, key: &str, value: &str) {
        self.key(key);
        push_json(&mut self.text, value);
    }

    fn raw(&mut self, json: &[u8]) {
        self.text.extend(json);
    }

    fn close(mut self) -> Vec<u8> {
        if self.fields == 0 {
            self.text.push(b'{');
        }
        self.text.push(b'}');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use serde_json::{Value, json};

    use super::*;
    use crate::dataset::Missing;

    fn provenance() -> Provenance {
        Provenance {
            created: "2026-12-07T04:05:06Z".into(),
            file_oid: "cletrial.LENA-CLE.2026-12-07T04:05:06Z".into(),
            db_last_modified: None,
            originator: None,
            source_system: ("cletrial".into(), "0.9.0".into()),
            study_oid: "ST.LENA-CLE".into(),
            metadata_version_oid: "MDV.1".into(),
            metadata_ref: "define.xml".into(),
        }
    }

    fn dataset() -> Dataset {
        Dataset::new(
            "LB",
            "Laboratory Test Results",
            vec![
                Variable::text("USUBJID", "Unique Subject Identifier", 12),
                Variable::num("LBSTRESN", "Numeric Result/Finding in Std Units"),
                Variable::text("LBDTC", "Date/Time of Specimen Collection", 10),
            ],
        )
        .expect("valid")
    }

    /// The file of `rows` in `encoding`, as bytes.
    fn write(encoding: Encoding, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut writer =
            DatasetJsonWriter::new(Cursor::new(Vec::new()), &dataset(), &provenance(), encoding)
                .expect("head");
        for cells in rows {
            writer.row(cells).expect("row");
        }
        assert_eq!(writer.records(), rows.len() as u64);
        writer.finish().expect("finish").into_inner()
    }

    /// Both encodings read back as one Dataset-JSON object: the metadata and its rows.
    fn parse_both(rows: &[Vec<Cell>]) -> Value {
        let bytes = write(Encoding::Json, rows);
        // One line, so no reader takes it for NDJSON.
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 1);
        assert!(bytes.ends_with(b"\n"));
        let whole: Value = serde_json::from_slice(&bytes).expect("json");
        let text = String::from_utf8(write(Encoding::Ndjson, rows)).expect("utf-8");
        let mut lines = text.lines();
        let mut joined: Value =
            serde_json::from_str(lines.next().expect("metadata line")).expect("metadata");
        let rest: Vec<Value> = lines
            .map(|line| serde_json::from_str(line).expect("row line"))
            .collect();
        assert!(text.ends_with('\n'), "{text}");
        assert!(joined.get("rows").is_none(), "{joined}");
        joined["rows"] = Value::Array(rest);
        assert_eq!(whole, joined, "the two encodings hold the same dataset");
        whole
    }

    #[track_caller]
    fn check(cells: Vec<Cell>, expect: Value) {
        let file = parse_both(std::slice::from_ref(&cells));
        assert_eq!(file["records"], 1);
        assert_eq!(file["rows"], json!([expect]), "{cells:?}");
    }

    #[test]
    fn every_kind_of_cell_becomes_its_json_value() {
        let id = || Cell::text("LENA-001");
        let date = || Cell::text("2026-03-01");
        check(
            vec![id(), Cell::Num(1.3), date()],
            json!(["LENA-001", 1.3, "2026-03-01"]),
        );
        // An integer-valued double stays a double, as pyreadstat reads it from the XPT.
        check(
            vec![id(), Cell::Num(42.0), date()],
            json!(["LENA-001", 42.0, "2026-03-01"]),
        );
        check(
            vec![id(), Cell::Num(-0.0), date()],
            json!(["LENA-001", 0.0, "2026-03-01"]),
        );
        check(
            vec![id(), Cell::Num(0.1), date()],
            json!(["LENA-001", 0.1, "2026-03-01"]),
        );
        check(
            vec![id(), Cell::Num(6.02214076e23), Cell::text("2026-03")],
            json!(["LENA-001", 6.02214076e23, "2026-03"]),
        );
        // Every kind of missing is null, text or number; empty text stays empty text.
        for missing in Missing::ALL {
            check(
                vec![
                    Cell::text(""),
                    Cell::Missing(missing),
                    Cell::Missing(missing),
                ],
                json!(["", null, null]),
            );
        }
        // Trailing blanks go, as in the transport file; leading ones and other spaces stay.
        check(
            vec![Cell::text(" two  words  "), Cell::Num(1.0), date()],
            json!([" two  words", 1.0, "2026-03-01"]),
        );
        check(
            vec![Cell::text("   "), Cell::Num(1.0), date()],
            json!(["", 1.0, "2026-03-01"]),
        );
        check(
            vec![Cell::text("line\n"), Cell::Num(1.0), date()],
            json!(["line\n", 1.0, "2026-03-01"]),
        );
        // Text needing escapes comes back as written.
        for text in [
            "a\"b",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "\u{1}",
            "Âge ≥ 18",
        ] {
            check(
                vec![Cell::text(text), Cell::Num(1.0), date()],
                json!([text, 1.0, "2026-03-01"]),
            );
        }
    }

    #[test]
    fn numbers_read_back_as_the_same_double() {
        for x in [1.0 / 3.0, 12.345, 1e-10, -7.1e75, 1e-78, 70.0, f64::MAX] {
            let file = parse_both(&[vec![Cell::text("A"), Cell::Num(x), Cell::text("2026")]]);
            assert_eq!(file["rows"][0][1].as_f64(), Some(x), "{x}");
        }
    }

    #[test]
    fn metadata_follows_the_specification() {
        let file = parse_both(&[]);
        assert_eq!(
            file,
            json!({
                "datasetJSONCreationDateTime": "2026-12-07T04:05:06Z",
                "datasetJSONVersion": "1.1.0",
                "fileOID": "cletrial.LENA-CLE.2026-12-07T04:05:06Z.LB",
                "sourceSystem": {"name": "cletrial", "version": "0.9.0"},
                "studyOID": "ST.LENA-CLE",
                "metaDataVersionOID": "MDV.1",
                "metaDataRef": "define.xml",
                "itemGroupOID": "IG.LB",
                "records": 0,
                "name": "LB",
                "label": "Laboratory Test Results",
                "columns": [
                    {"itemOID": "IT.LB.USUBJID", "name": "USUBJID",
                     "label": "Unique Subject Identifier", "dataType": "string", "length": 12},
                    {"itemOID": "IT.LB.LBSTRESN", "name": "LBSTRESN",
                     "label": "Numeric Result/Finding in Std Units", "dataType": "double"},
                    {"itemOID": "IT.LB.LBDTC", "name": "LBDTC",
                     "label": "Date/Time of Specimen Collection", "dataType": "date",
                     "length": 10},
                ],
                "rows": [],
            })
        );
        // The attributes in the specification's order (a streaming reader relies on it).
        let text = String::from_utf8(write(Encoding::Json, &[])).expect("utf-8");
        let order = [
            "datasetJSONCreationDateTime",
            "datasetJSONVersion",
            "fileOID",
            "sourceSystem",
            "studyOID",
            "metaDataVersionOID",
            "metaDataRef",
            "itemGroupOID",
            "records",
            "name",
            "label",
            "columns",
            "rows",
        ];
        // Each key found after the one before it ("name" is also in sourceSystem, before).
        let mut from = 0;
        for key in order {
            let found = text[from..].find(&format!("\"{key}\":"));
            assert!(
                found.is_some(),
                "{key} is not after the keys before it: {text}"
            );
            from += found.unwrap_or_default() + 1;
        }
    }

    #[test]
    fn optional_attributes_appear_when_given() {
        let given = Provenance {
            db_last_modified: Some("2026-12-06T23:00:00Z".into()),
            originator: Some("Sponsor & Co".into()),
            ..provenance()
        };
        let bytes =
            DatasetJsonWriter::new(Cursor::new(Vec::new()), &dataset(), &given, Encoding::Json)
                .and_then(DatasetJsonWriter::finish)
                .expect("file")
                .into_inner();
        let file: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(file["dbLastModifiedDateTime"], "2026-12-06T23:00:00Z");
        assert_eq!(file["originator"], "Sponsor & Co");
    }

    #[test]
    fn records_counts_the_rows_of_both_encodings() {
        let row = || vec![Cell::text("A"), Cell::Num(1.0), Cell::text("2026-01-01")];
        for count in [0, 1, 2, 1000] {
            let rows: Vec<Vec<Cell>> = (0..count).map(|_| row()).collect();
            let file = parse_both(&rows);
            assert_eq!(file["records"], count, "{count}");
            assert_eq!(file["rows"].as_array().map(Vec::len), Some(count));
        }
    }

    /// An ADaM dataset: its keys in order, and a SAS date as an ISO 8601 date with its target
    /// type and display format.
    #[test]
    fn keys_and_sas_dates_are_described_and_dates_written_as_iso_dates() {
        let adsl = Dataset::new(
            "ADSL",
            "Subject-Level Analysis Dataset",
            vec![
                Variable::text("STUDYID", "Study Identifier", 8),
                Variable::text("USUBJID", "Unique Subject Identifier", 12),
                Variable::date("TRTSDT", "Date of First Exposure to Treatment"),
                Variable::num("TRTDURD", "Total Treatment Duration (Days)"),
            ],
        )
        .and_then(|d| d.keyed(&["STUDYID", "USUBJID"]))
        .expect("valid");
        let mut writer = DatasetJsonWriter::new(
            Cursor::new(Vec::new()),
            &adsl,
            &provenance(),
            Encoding::Json,
        )
        .expect("head");
        for cells in [
            [Cell::Num(0.0), Cell::Num(1.0)],
            [Cell::Num(19056.0), Cell::Num(84.0)],
            [Cell::Num(-1.0), Cell::Missing(Missing::Blank)],
            [Cell::Missing(Missing::NotDone), Cell::Num(1.5)],
        ] {
            let mut row = vec![Cell::text("LENA"), Cell::text("LENA-001")];
            row.extend(cells);
            writer.row(&row).expect("row");
        }
        let bytes = writer.finish().expect("finish").into_inner();
        let file: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(
            file["columns"],
            json!([
                {"itemOID": "IT.ADSL.STUDYID", "name": "STUDYID", "label": "Study Identifier",
                 "dataType": "string", "length": 8, "keySequence": 1},
                {"itemOID": "IT.ADSL.USUBJID", "name": "USUBJID",
                 "label": "Unique Subject Identifier", "dataType": "string", "length": 12,
                 "keySequence": 2},
                {"itemOID": "IT.ADSL.TRTSDT", "name": "TRTSDT",
                 "label": "Date of First Exposure to Treatment", "dataType": "date",
                 "targetDataType": "integer", "displayFormat": "DATE9."},
                {"itemOID": "IT.ADSL.TRTDURD", "name": "TRTDURD",
                 "label": "Total Treatment Duration (Days)", "dataType": "double"},
            ])
        );
        let dates: Vec<&Value> = file["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| &row[2])
            .collect();
        assert_eq!(
            dates,
            [
                &json!("1960-01-01"),
                &json!("2012-03-04"),
                &json!("1959-12-31"),
                &Value::Null
            ]
        );
        // The column attributes in the specification's order.
        let text = String::from_utf8(bytes).expect("utf-8");
        let at = |key: &str| text.find(&format!("\"{key}\":\"")).expect(key);
        assert!(
            at("dataType") < at("targetDataType") && at("targetDataType") < at("displayFormat")
        );
    }

    #[test]
    fn a_sas_date_is_a_whole_number_of_days_within_the_calendar() {
        #[track_caller]
        fn check(days: f64, expect: Result<&str, &str>) {
            let found = iso_date(days).map(|date| date.to_string());
            match expect {
                Ok(date) => assert_eq!(found.as_deref(), Ok(date), "{days}"),
                Err(needle) => assert!(
                    found.as_ref().is_err_and(|e| e.contains(needle)),
                    "{days}: {found:?}"
                ),
            }
        }
        check(0.0, Ok("1960-01-01"));
        check(-1.0, Ok("1959-12-31"));
        check(59.0, Ok("1960-02-29"));
        check(60.0, Ok("1960-03-01"));
        check(0.5, Err("not a whole number"));
        check(f64::NAN, Err("not a whole number"));
        check(2_936_549.0, Ok("9999-12-31"));
        check(2_936_550.0, Err("no date"));
        check(1e12, Err("no date"));
    }

    #[test]
    fn data_types_by_variable() {
        #[track_caller]
        fn check(variable: Variable, expect: &str) {
            assert_eq!(data_type(&variable), expect, "{variable:?}");
        }
        check(Variable::num("AGE", "Age"), "double");
        check(
            Variable::num("LBDTC", "A number named like a date"),
            "double",
        );
        check(Variable::text("SEX", "Sex", 1), "string");
        check(Variable::date("TRTSDT", "First dose"), "date");
        check(Variable::text("RFSTDTC", "Reference start", 10), "date");
        check(Variable::text("RFSTDTC", "Reference start", 9), "date");
        check(Variable::text("AESTDTC", "Start", 11), "datetime");
        check(Variable::text("AESTDTC", "Start", 19), "datetime");
        check(
            Variable::text("DTCX", "Not a timing variable", 10),
            "string",
        );
    }

    #[test]
    fn cells_that_do_not_fit_are_refused_with_the_variable() {
        let mut writer = DatasetJsonWriter::new(
            Cursor::new(Vec::new()),
            &dataset(),
            &provenance(),
            Encoding::Json,
        )
        .expect("head");
        let cases: &[(&[Cell], &str)] = &[
            (
                &[Cell::text("A"), Cell::text("1"), Cell::text("2026")],
                "LB.LBSTRESN (row 1): '1' given for a numeric variable",
            ),
            (
                &[Cell::Num(1.0), Cell::Num(1.0), Cell::text("2026")],
                "LB.USUBJID (row 1): 1 given for a text variable",
            ),
            (
                &[Cell::text("A"), Cell::Num(f64::NAN), Cell::text("2026")],
                "LB.LBSTRESN (row 1): NaN is not finite",
            ),
            (
                &[
                    Cell::text("A"),
                    Cell::Num(f64::INFINITY),
                    Cell::text("2026"),
                ],
                "LB.LBSTRESN (row 1): inf is not finite",
            ),
            (
                &[
                    Cell::text("LENA-001-LONG"),
                    Cell::Num(1.0),
                    Cell::text("2026"),
                ],
                "LB.USUBJID (row 1): 'LENA-001-LONG' is longer than 12 characters",
            ),
            (&[Cell::text("A")], "LB row 1: has 1 cells for 3 variables"),
        ];
        for (cells, expect) in cases {
            let error = writer.row(cells).expect_err("refused");
            assert_eq!(error.to_string(), *expect);
        }
        // Twelve characters fit, however many bytes they take, and trailing blanks do not count;
        // a refused row is not counted.
        writer
            .row(&[
                Cell::text("LENA-001-LON  "),
                Cell::Num(1.0),
                Cell::text("2026"),
            ])
            .expect("fits without its blanks");
        writer
            .row(&[
                Cell::text("ÂÂÂÂÂÂÂÂÂÂÂÂ"),
                Cell::Num(1.0),
                Cell::text("2026"),
            ])
            .expect("fits");
        let bytes = writer.finish().expect("finish").into_inner();
        let file: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(file["records"], 2);
        assert_eq!(file["rows"][0][0], "LENA-001-LON");
        assert_eq!(file["rows"][1][0], "ÂÂÂÂÂÂÂÂÂÂÂÂ");
    }

    #[test]
    fn provenance_of_an_export_names_the_study_as_odm_does() {
        let study = StudyInfo {
            code: "LENA-CLE".into(),
            title: "Lenalidomide in CLE".into(),
            protocol_version: 2,
            users: Vec::new(),
            sites: Vec::new(),
            signature_meanings: Vec::new(),
        };
        let provenance = Provenance::of(&study, "2026-12-07T04:05:06Z", "0.9.0 (abc1234)");
        assert_eq!(
            provenance,
            Provenance {
                created: "2026-12-07T04:05:06Z".into(),
                file_oid: "cletrial.LENA-CLE.2026-12-07T04:05:06Z".into(),
                db_last_modified: None,
                originator: None,
                source_system: ("cletrial".into(), "0.9.0 (abc1234)".into()),
                study_oid: "ST.LENA-CLE".into(),
                metadata_version_oid: "MDV.LENA-CLE.DEFINE".into(),
                metadata_ref: "define.xml".into(),
            }
        );
    }

    #[test]
    fn extensions_are_the_specifications() {
        assert_eq!(Encoding::Json.extension(), "json");
        assert_eq!(Encoding::Ndjson.extension(), "ndjson");
    }
}
