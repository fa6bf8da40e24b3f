//! The mapping file: how the columns of a CSV file become the fields of one form.
//!
//! ```toml
//! form = "lab"                     # what each row records (the forms below)
//! date_format = "%d/%m/%Y"         # how the file writes dates (strftime); default %Y-%m-%d
//!
//! [keys]                           # the columns that say which record a row is
//! subject = "record_id"            # the pseudonymous study id, S01-007 (required)
//! visit = "redcap_event_name"      # the visit's name, through [codes] (forms at a visit)
//! repeat = "redcap_repeat_instance" # tells apart repeats of one key (lab, adverse_event,
//!                                  # protocol_event; optional; default 1)
//! form = { column = "redcap_repeat_instrument", value = "labs" } # only these rows (optional)
//!
//! [columns]                        # CSV column = "form.field"
//! lab_date = "lab.collected_on"
//! lab_value = "lab.value"
//! visit_date = "visit.actual_date" # the visit's date, when the import creates the visit
//!
//! [codes.redcap_event_name]        # a column's code list: file code = stored code
//! baseline_arm_1 = "week 0"
//!
//! [missing]                        # file codes meaning a value is missing, in every column
//! ND = "not_done"
//! ```
//!
//! Forms and their fields (`form::Form` holds the lists; the key of each form's records in
//! brackets):
//! - `subject` [subject]: site, sex (F, M, U), birth_date, age_years, subtype (an id of
//!   `instruments::subtype::Subtype`), screening_date, consent_date, enrolment_date, waiver;
//!   `candidate.` any field of the screening record the protocol's eligibility criteria read
//!   (as `cletrial eligibility` takes it: `candidate.pregnant`,
//!   `candidate.prednisone_mg_per_day`, `candidate.platelets` as `231000 /mm3` ...). A subject
//!   row registers the subject with its eligibility checklist, and enrols it when it has an
//!   enrolment date: the checklist must say eligible, or an investigator importing gives the
//!   reason to enrol anyway in `subject.waiver`.
//! - `visit` [subject, visit]: planned_date, actual_date.
//! - `clasi` [subject, visit]: assessed_on and one column per item, every item required:
//!   `clasi.<area>_<item>` (`clasi.nose_malar_erythema`, `clasi.scalp_dyspigmentation`) and the
//!   once-only items (`clasi.mucous_membrane`, `clasi.recent_hair_loss`,
//!   `clasi.nonscarring_alopecia`, `clasi.scarring_alopecia`,
//!   `clasi.dyspigmentation_lasts_12_months`). A score is its number (0 for absent, never
//!   blank) or the not-done code (not assessed); the 12-month question is yes/no, blank when
//!   not asked.
//! - `sledai` [subject, visit]: assessed_on, window (`10d`, the default, or `30d`) and one
//!   yes/no column per descriptor, every descriptor required (`sledai.arthritis`,
//!   `sledai.low_complement` ...).
//! - `dose` [subject, drug, start_date; a subject's rows apply in start-date order]: drug,
//!   amount, unit (default mg), frequency (a CDISC term or its words), start_date, end_date
//!   (a period already over), stop (yes: the drug stops from start_date). Each row is a dose
//!   change of `store::Batch::change_dose`.
//! - `lab` [subject, visit (optional), test, repeat]: collected_on, test, value, unit, lln, uln.
//! - `adverse_event` [subject, CTCAE term, repeat]: term, verbatim, grade, serious,
//!   causality, action_taken, outcome, start_date, end_date.
//! - `protocol_event` [subject, event, repeat]: occurred_on, event, note.
//! - `disposition` [subject]: status, disposition_date, details.
//! - `nerve_conduction_study` [subject, visit]: tested_on, finding, note.
//! - `questionnaire` [subject, visit, instrument]: instrument, completed_on,
//!   unanswered_reason, and one column per item by its id (a blank cell is unanswered).
//! - `conmed` [subject, drug, start_date]: drug, verbatim, amount, unit, frequency, route,
//!   indication, start_date, end_date, ongoing.
//!
//! Every form but `subject` also takes `<form>.entered_in_error`: a non-blank cell marks the
//! row's existing record entered in error, the cell's text being the reason. Forms at a visit
//! take `visit.actual_date`. A yes/no cell is yes/no, true/false or 1/0. `repeat` tells apart
//! several records with one key, matched in the order of their repeat numbers.
//!
//! The mapping is refused, naming its key, when a column fills no field of the form, a field
//! is filled twice, an item of CLASI or SLEDAI-2K is left out, a code list names a column the
//! mapping does not read, or the keys do not fit the form (a visit for a record that belongs
//! to none, a repeat for a record that is one per key).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use store::Missing;

use super::form::{Form, VisitKey};
use super::input_error;
use crate::io::CliError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormKey {
    column: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    subject: String,
    visit: Option<String>,
    repeat: Option<String>,
    form: Option<FormKey>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    form: Form,
    date_format: Option<String>,
    keys: Keys,
    columns: BTreeMap<String, String>,
    #[serde(default)]
    codes: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    missing: BTreeMap<String, String>,
}

/// A checked mapping.
#[derive(Debug)]
pub struct Mapping {
    pub form: Form,
    pub date_format: String,
    keys: Keys,
    /// CSV column -> `form.field`.
    columns: BTreeMap<String, String>,
    codes: BTreeMap<String, BTreeMap<String, String>>,
    missing: BTreeMap<String, Missing>,
}

/// One cell as the mapping reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Blank,
    Missing(Missing),
    Text(String),
    /// Not in the column's code list: the reason.
    Refused(String),
}

/// One row of the file that belongs to the mapped form.
#[derive(Clone, Debug)]
pub struct Row {
    /// The line of the file where the row starts (the header is line 1).
    pub line: u64,
    pub subject: Cell,
    pub visit: Option<Cell>,
    /// The repeat number as written (blank: 1).
    pub repeat: Cell,
    /// `form.field` -> (column, cell).
    pub fields: BTreeMap<String, (String, Cell)>,
}

impl Row {
    /// The cell of `form.field` with the column it came from; blank when no column maps it.
    pub fn cell(&self, field: &str) -> (&str, &Cell) {
        match self.fields.get(field) {
            Some((column, cell)) => (column, cell),
            None => ("", &Cell::Blank),
        }
    }
}

/// The rows of the mapped form and how many rows of other forms were left out.
#[derive(Debug)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub skipped: usize,
    pub key_columns: KeyColumns,
}

/// The names of the key columns, for the report.
#[derive(Clone, Debug)]
pub struct KeyColumns {
    pub subject: String,
    pub visit: Option<String>,
    pub repeat: Option<String>,
}

/// Every column fills a field of the form, each field at most once, and every field the form
/// needs whole is filled.
fn check_columns(file: &File) -> Result<(), CliError> {
    let form = file.form;
    for (column, target) in &file.columns {
        if !form.allows(target) {
            let candidate = match form {
                Form::Subject => ", candidate.<a screening record field>",
                _ => "",
            };
            return Err(input_error(
                &format!("--mapping: columns.{column}"),
                format!(
                    "'{target}' is not a field of form {}; allowed: {}{candidate}",
                    form.name(),
                    form.fields().join(", ")
                ),
            ));
        }
    }
    let mut targets = BTreeSet::new();
    for target in file.columns.values() {
        if !targets.insert(target) {
            return Err(input_error(
                "--mapping: columns",
                format!("'{target}' is filled by more than one column"),
            ));
        }
    }
    let unfilled: Vec<String> = form
        .required_fields()
        .into_iter()
        .filter(|field| !targets.contains(field))
        .collect();
    if !unfilled.is_empty() {
        return Err(input_error(
            "--mapping: columns",
            format!(
                "a {} is imported whole, one column per item; no column fills {}",
                form.name(),
                unfilled.join(", ")
            ),
        ));
    }
    // A code list of a column the mapping does not read would change nothing: a mistake.
    for column in file.codes.keys() {
        let read = file.columns.contains_key(column)
            || [&file.keys.visit, &file.keys.repeat]
                .into_iter()
                .flatten()
                .chain([&file.keys.subject])
                .any(|key| key == column);
        if !read {
            return Err(input_error(
                &format!("--mapping: codes.{column}"),
                "is the code list of a column the mapping does not read (map it in [columns] or [keys])",
            ));
        }
    }
    Ok(())
}

/// The keys a form's records have: a visit when they belong to one, a repeat number when one
/// key may hold several.
fn check_keys(file: &File) -> Result<(), CliError> {
    let form = file.form;
    match (form.visit_key(), &file.keys.visit) {
        (VisitKey::None, Some(_)) => {
            return Err(input_error(
                "--mapping: keys.visit",
                format!(
                    "a {} row belongs to no visit (its key is {}); remove keys.visit",
                    form.name(),
                    form.key_words()
                ),
            ));
        }
        (VisitKey::Required, None) => {
            return Err(input_error(
                "--mapping: keys",
                format!(
                    "a {} row belongs to a visit (its key is {}): name the column in keys.visit",
                    form.name(),
                    form.key_words()
                ),
            ));
        }
        _ => {}
    }
    if !form.repeats() && file.keys.repeat.is_some() {
        return Err(input_error(
            "--mapping: keys.repeat",
            format!(
                "a {} is one record per key ({}), with no repeats; remove keys.repeat",
                form.name(),
                form.key_words()
            ),
        ));
    }
    Ok(())
}

impl Mapping {
    /// Reads and checks a mapping file; the first problem is named by its TOML path.
    pub fn parse(text: &str) -> Result<Mapping, CliError> {
        let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let deserializer = toml::de::Deserializer::parse(text)
            .map_err(|error| input_error("--mapping", one_line(error.message())))?;
        let file: File = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = error.path().to_string();
            let place = if path == "." {
                "--mapping".to_owned()
            } else {
                format!("--mapping: {path}")
            };
            input_error(&place, one_line(error.inner().message()))
        })?;
        check_keys(&file)?;
        check_columns(&file)?;
        let mut missing = BTreeMap::new();
        for (code, meaning) in &file.missing {
            let allowed = Missing::ALL.map(Missing::code).join(", ");
            let meaning = Missing::parse(meaning).ok_or_else(|| {
                input_error(
                    &format!("--mapping: missing.{code}"),
                    format!("'{meaning}' is not allowed; allowed: {allowed}"),
                )
            })?;
            missing.insert(code.clone(), meaning);
        }
        let date_format = file.date_format.unwrap_or_else(|| "%Y-%m-%d".to_owned());
        if let Err(error) = jiff::fmt::strtime::format(&date_format, jiff::civil::date(2026, 1, 31))
        {
            return Err(input_error("--mapping: date_format", error));
        }
        Ok(Mapping {
            form: file.form,
            date_format,
            keys: file.keys,
            columns: file.columns,
            codes: file.codes,
            missing,
        })
    }

    /// Every column the mapping reads.
    fn used_columns(&self) -> Vec<(&str, &str)> {
        let mut used: Vec<(&str, &str)> = vec![("keys.subject", &self.keys.subject)];
        used.extend(
            self.keys
                .visit
                .as_deref()
                .map(|column| ("keys.visit", column)),
        );
        used.extend(
            self.keys
                .repeat
                .as_deref()
                .map(|column| ("keys.repeat", column)),
        );
        used.extend(
            self.keys
                .form
                .as_ref()
                .map(|form| ("keys.form.column", form.column.as_str())),
        );
        used.extend(
            self.columns
                .keys()
                .map(|column| ("columns", column.as_str())),
        );
        used
    }

    /// Reads the CSV text into rows of the mapped form. A file that cannot be read as CSV, or
    /// lacks a column the mapping names, is refused whole (exit 2).
    pub fn read(&self, text: &str) -> Result<Rows, CliError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|error| input_error("--input", error))?
            .iter()
            .map(|name| name.trim().to_owned())
            .collect();
        for (place, column) in self.used_columns() {
            if !header.iter().any(|name| name == column) {
                return Err(input_error(
                    "--input",
                    format!("has no column '{column}' (named by {place} in the mapping)"),
                ));
            }
        }
        let index = |column: &str| header.iter().position(|name| name == column);
        let mut rows = Vec::new();
        let mut skipped = 0;
        for record in reader.records() {
            let record = record.map_err(|error| input_error("--input", error))?;
            let line = record.position().map_or(0, |position| position.line());
            let raw = |column: &str| {
                index(column)
                    .and_then(|i| record.get(i))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            if let Some(form) = &self.keys.form
                && raw(&form.column) != form.value
            {
                skipped += 1;
                continue;
            }
            let fields = self
                .columns
                .iter()
                .map(|(column, target)| {
                    (
                        target.clone(),
                        (column.clone(), self.cell(column, &raw(column))),
                    )
                })
                .collect();
            let key = |column: &Option<String>| {
                column
                    .as_deref()
                    .map(|column| self.cell(column, &raw(column)))
            };
            rows.push(Row {
                line,
                subject: self.cell(&self.keys.subject, &raw(&self.keys.subject)),
                visit: key(&self.keys.visit),
                repeat: key(&self.keys.repeat).unwrap_or(Cell::Blank),
                fields,
            });
        }
        Ok(Rows {
            rows,
            skipped,
            key_columns: KeyColumns {
                subject: self.keys.subject.clone(),
                visit: self.keys.visit.clone(),
                repeat: self.keys.repeat.clone(),
            },
        })
    }

    /// A cell through the missing codes and the column's code list.
    fn cell(&self, column: &str, text: &str) -> Cell {
        if text.is_empty() {
            return Cell::Blank;
        }
        if let Some(missing) = self.missing.get(text) {
            return Cell::Missing(*missing);
        }
        match self.codes.get(column) {
            None => Cell::Text(text.to_owned()),
            Some(list) => match list.get(text) {
                Some(code) => Cell::Text(code.clone()),
                None => Cell::Refused(format!(
                    "'{text}' is not in the code list of column {column}; allowed: {}",
                    list.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
        form = "lab"
        date_format = "%d/%m/%Y"
        [keys]
        subject = "record_id"
        visit = "event"
        form = { column = "instrument", value = "labs" }
        [columns]
        value = "lab.value"
        test = "lab.test"
        [codes.event]
        baseline = "week 0"
        [missing]
        ND = "not_done"
        NA = "not_applicable"
    "#;

    #[track_caller]
    fn check(mapping: &str, expect: Result<(), &str>) {
        match (Mapping::parse(mapping), expect) {
            (Ok(_), Ok(())) => {}
            (Err(error), Err(needle)) => {
                let text = error.one_line();
                assert!(text.contains(needle), "{text} should name {needle}");
                assert_eq!(error.exit_code(), 2);
            }
            (got, expect) => panic!("got {got:?}, expected {expect:?}"),
        }
    }

    #[test]
    fn mappings_are_checked_naming_the_key() {
        check(MAPPING, Ok(()));
        check(
            &MAPPING.replace("\"lab.value\"", "\"lab.colour\""),
            Err("columns.value"),
        );
        check(
            &MAPPING.replace("\"lab.test\"", "\"lab.value\""),
            Err("more than one column"),
        );
        check(
            &MAPPING.replace("\"not_done\"", "\"ND\""),
            Err("missing.ND"),
        );
        check(
            &MAPPING.replace("form = \"lab\"", "form = \"ae\""),
            Err("--mapping"),
        );
        check(
            &MAPPING.replace("form = \"lab\"", "form = \"subject\""),
            Err("keys.visit"),
        );
        check(
            &format!("extra = 1\n{MAPPING}"),
            Err("unknown field `extra`"),
        );
        check(
            &format!("{MAPPING}\nextra = 1"),
            Err("--mapping: missing.extra"),
        );
        check(&MAPPING.replace("subject = \"record_id\"", ""), Err("keys"));
    }

    /// The example mappings of examples/import/, by name.
    const EXAMPLES: [(&str, &str); 10] = [
        (
            "subjects",
            include_str!("../../../../examples/import/subjects.toml"),
        ),
        (
            "visits",
            include_str!("../../../../examples/import/visits.toml"),
        ),
        (
            "clasi",
            include_str!("../../../../examples/import/clasi.toml"),
        ),
        (
            "sledai",
            include_str!("../../../../examples/import/sledai.toml"),
        ),
        (
            "doses",
            include_str!("../../../../examples/import/doses.toml"),
        ),
        (
            "labs",
            include_str!("../../../../examples/import/labs.toml"),
        ),
        (
            "adverse_events",
            include_str!("../../../../examples/import/adverse_events.toml"),
        ),
        (
            "events",
            include_str!("../../../../examples/import/events.toml"),
        ),
        (
            "disposition",
            include_str!("../../../../examples/import/disposition.toml"),
        ),
        (
            "nerve_conduction",
            include_str!("../../../../examples/import/nerve_conduction.toml"),
        ),
    ];

    fn example(name: &str) -> &'static str {
        EXAMPLES
            .iter()
            .find(|(example, _)| *example == name)
            .map(|(_, text)| *text)
            .unwrap_or_else(|| panic!("no example {name}"))
    }

    #[test]
    fn every_example_mapping_reads() {
        for (name, text) in EXAMPLES {
            if let Err(error) = Mapping::parse(text) {
                panic!("{name}: {}", error.one_line());
            }
        }
    }

    /// A mapping fits its form: its fields, the items of an instrument imported whole, the
    /// keys its records have, code lists of columns it reads.
    #[test]
    fn mappings_must_fit_their_form() {
        let clasi = example("clasi");
        let doses = example("doses");
        check(
            &clasi.replace("feet_scar = \"clasi.feet_scarring\"\n", ""),
            Err("no column fills clasi.feet_scarring"),
        );
        check(
            &clasi.replace(
                "\"clasi.scalp_dyspigmentation\"",
                "\"clasi.scalp_scarring\"",
            ),
            Err("columns.scalp_dysp"),
        );
        check(
            &clasi.replace("[keys]\n", "[keys]\nrepeat = \"redcap_repeat_instance\"\n"),
            Err("keys.repeat"),
        );
        check(
            &clasi.replace("visit = \"redcap_event_name\"\n", ""),
            Err("name the column in keys.visit"),
        );
        check(
            &doses.replace("[keys]\n", "[keys]\nvisit = \"redcap_event_name\"\n"),
            Err("keys.visit"),
        );
        check(
            &doses.replace("\"dose.stop\"", "\"adverse_event.serious\""),
            Err("columns.ex_stopped"),
        );
        // A dose mapping read as con-meds: its columns name another form's fields.
        check(
            &doses.replace("form = \"dose\"", "form = \"conmed\""),
            Err("'dose.amount' is not a field of form conmed"),
        );
        check(
            &doses.replace("form = \"dose\"", "form = \"medication\""),
            Err("unknown variant `medication`"),
        );
        check(
            &format!("{doses}\n[codes.nowhere]\n1 = \"x\"\n"),
            Err("codes.nowhere"),
        );
    }

    #[test]
    fn cells_go_through_missing_codes_then_code_lists() {
        let mapping = Mapping::parse(MAPPING).expect("mapping");
        let text = "record_id,event,instrument,test,value\n\
                    P-1,baseline,labs,neutrophils,2.5\n\
                    P-1,baseline,,,\n\
                    P-2,week_9,labs,neutrophils,ND\n\
                    P-3,baseline,labs,platelets,\n";
        let rows = mapping.read(text).expect("rows");
        assert_eq!(rows.skipped, 1);
        let lines: Vec<u64> = rows.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, [2, 4, 5]);
        let [first, second, third] = &rows.rows[..] else {
            panic!("three rows")
        };
        assert_eq!(first.visit, Some(Cell::Text("week 0".into())));
        assert_eq!(first.cell("lab.value").1, &Cell::Text("2.5".into()));
        assert!(matches!(&second.visit, Some(Cell::Refused(reason)) if reason.contains("week_9")));
        assert_eq!(second.cell("lab.value").1, &Cell::Missing(Missing::NotDone));
        assert_eq!(third.cell("lab.value").1, &Cell::Blank);
        assert_eq!(third.cell("lab.unit"), ("", &Cell::Blank));
        let missing_column = mapping.read("record_id,event,value\nP-1,baseline,1\n");
        assert!(
            matches!(missing_column, Err(CliError::Input(text)) if text.contains("'instrument'"))
        );
    }
}
