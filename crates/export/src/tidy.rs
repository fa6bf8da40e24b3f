//! Tidy CSV: one table per form, one row per record, keyed by subject, visit and repeat, with a
//! data dictionary. A cell holds the value, or one of the missing-value codes ("NOT DONE",
//! "NOT APPLICABLE", "UNKNOWN"; empty for nothing recorded), never a 0 standing in for missing.

mod table;

pub mod read;

use std::collections::HashMap;
use std::io::Write;

use crate::ExportError;
use crate::dataset::Missing;
use crate::source::{
    Casebook, Datum, FieldType, FormDef, FormRecord, Forms, Recorded, SUBJECT_REF, VISIT_REF,
};
pub use table::TidyTable;

/// The key columns every table starts with, and what they hold.
const KEYS: [(&str, &str); 6] = [
    ("subject", "the subject's pseudonymous study id"),
    ("site", "the code of the subject's site"),
    ("visit", "the visit's name (empty: not recorded at a visit)"),
    ("visit_date", "the visit's date (actual, else planned)"),
    (
        "repeat",
        "1, 2, ... among this subject's records of this form at this visit",
    ),
    (
        "record_id",
        "the record's id in the study record (its audit trail entity id)",
    ),
];

/// Fields that the key columns already give.
fn in_keys(form: &FormDef, field: &str) -> bool {
    field == SUBJECT_REF
        || field == VISIT_REF
        || (form.name == SUBJECT_FORM && (field == "code" || field == "site_id"))
}

pub const SUBJECT_FORM: &str = "subject";
pub const VISIT_FORM: &str = "visit";

/// The file of a form's table.
pub fn file_name(form: &FormDef) -> String {
    format!("{}.csv", form.name)
}

/// The tidy layout of a study's forms: which file holds each form and which columns it has, in
/// order. Writing ([`TidyCsv`]) and reading ([`read`], a table by [`TidyTable`]) both go by it.
#[derive(Clone, Debug)]
pub struct Layout {
    forms: Forms,
    visit_form: Option<usize>,
}

impl Layout {
    pub fn new(forms: &Forms) -> Layout {
        Layout {
            forms: forms.clone(),
            visit_form: forms.index(VISIT_FORM),
        }
    }

    pub fn forms(&self) -> &Forms {
        &self.forms
    }

    /// The columns of form `form`'s table: the keys, then its fields the keys do not give.
    pub fn header(&self, form: usize) -> Vec<&str> {
        let form = self.forms.get(form);
        KEYS.iter()
            .map(|(name, _)| *name)
            .chain(
                form.fields
                    .iter()
                    .filter(|field| !in_keys(form, &field.name))
                    .map(|field| field.name.as_str()),
            )
            .collect()
    }

    /// The rows of one subject's live records, each with the index of its form's table.
    pub fn rows<E>(
        &self,
        book: &Casebook,
        mut emit: impl FnMut(usize, &[String]) -> Result<(), E>,
    ) -> Result<u64, E> {
        if book.subject.removed {
            return Ok(0);
        }
        let mut rows = 0;
        let mut repeats: HashMap<(usize, String), u32> = HashMap::new();
        for record in std::iter::once(&book.subject).chain(&book.records) {
            if record.removed {
                continue;
            }
            let (visit, visit_date) = self.visit_of(book, record);
            let repeat = repeats.entry((record.form, visit.clone())).or_default();
            *repeat += 1;
            let form = self.forms.get(record.form);
            let mut row = vec![
                book.code.clone(),
                book.site.clone(),
                visit,
                visit_date,
                repeat.to_string(),
                record.id.to_string(),
            ];
            row.extend(
                form.fields
                    .iter()
                    .zip(&record.entries)
                    .filter(|(field, _)| !in_keys(form, &field.name))
                    .map(|(_, entry)| cell(entry)),
            );
            emit(record.form, &row)?;
            rows += 1;
        }
        Ok(rows)
    }

    /// The visit's name and date for a record (the visit itself for a visit record).
    fn visit_of(&self, book: &Casebook, record: &FormRecord) -> (String, String) {
        let Some(visit_form) = self.visit_form else {
            return Default::default();
        };
        let visit = if record.form == visit_form {
            Some(record)
        } else {
            self.forms
                .entry(record, VISIT_REF)
                .integer()
                .and_then(|id| book.find(visit_form, id))
        };
        visit.map_or_else(Default::default, |visit| {
            let name = self.forms.entry(visit, "name").text().unwrap_or_default();
            let date = self
                .forms
                .entry(visit, "actual_date")
                .date()
                .or_else(|| self.forms.entry(visit, "planned_date").date());
            (
                name.to_owned(),
                date.map(|date| date.to_string()).unwrap_or_default(),
            )
        })
    }
}

/// Writes every form's table as casebooks arrive.
pub struct TidyCsv<W: Write> {
    layout: Layout,
    tables: Vec<csv::Writer<W>>,
    rows: u64,
}

impl<W: Write> TidyCsv<W> {
    /// Opens one output per form (`open` gets the file name) and writes the header rows.
    pub fn new(
        forms: &Forms,
        mut open: impl FnMut(&str) -> Result<W, ExportError>,
    ) -> Result<TidyCsv<W>, ExportError> {
        let layout = Layout::new(forms);
        let mut tables = Vec::with_capacity(forms.0.len());
        for (index, form) in forms.0.iter().enumerate() {
            let mut table = csv::Writer::from_writer(open(&file_name(form))?);
            table.write_record(layout.header(index))?;
            tables.push(table);
        }
        Ok(TidyCsv {
            layout,
            tables,
            rows: 0,
        })
    }

    /// Appends the live records of one subject.
    pub fn casebook(&mut self, book: &Casebook) -> Result<(), ExportError> {
        let tables = &mut self.tables;
        self.rows += self.layout.rows(book, |form, row| {
            tables[form].write_record(row).map_err(ExportError::from)
        })?;
        Ok(())
    }

    /// Flushes every table; returns the number of rows written.
    pub fn finish(self) -> Result<u64, ExportError> {
        for mut table in self.tables {
            table.flush()?;
        }
        Ok(self.rows)
    }
}

/// The columns of one table of the layout and what each allows: the one check of a cell's text,
/// whichever path of [`TidyTable`] split the row.
#[derive(Clone, Debug)]
pub struct Columns {
    file: String,
    names: Vec<String>,
    /// Per column: its type, and whether it allows the missing-value codes.
    kinds: Vec<(FieldType, bool)>,
}

impl Columns {
    /// The columns of form `form`'s table.
    pub fn new(layout: &Layout, form: usize) -> Columns {
        let def = layout.forms.get(form);
        let names = layout.header(form);
        let kinds = names
            .iter()
            .map(|name| match def.fields.iter().find(|f| f.name == *name) {
                Some(field) if field.refers_to.is_some() => (FieldType::Integer, field.missing),
                Some(field) => (field.ty, field.missing),
                None => match *name {
                    "repeat" | "record_id" => (FieldType::Integer, false),
                    "visit_date" => (FieldType::Date, false),
                    _ => (FieldType::Text, false),
                },
            })
            .collect();
        Columns {
            file: file_name(def),
            names: names.into_iter().map(str::to_owned).collect(),
            kinds,
        }
    }

    /// Checks that a header row (its cells) is the layout's.
    pub fn check_header<'a>(
        &self,
        header: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<(), ExportError> {
        if !header
            .into_iter()
            .eq(self.names.iter().map(|c| c.as_bytes()))
        {
            return Err(ExportError::invalid(
                format!("{} line 1", self.file),
                format!(
                    "the header must be the tidy layout's: {}",
                    self.names.join(",")
                ),
            ));
        }
        Ok(())
    }

    /// The file's name (`visit.csv`).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// How many columns the table has.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The position of a column.
    pub fn position(&self, name: &str) -> Result<usize, ExportError> {
        self.names
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| ExportError::invalid(self.file.clone(), format!("has no column {name}")))
    }

    /// The positions of named columns.
    pub fn positions(&self, names: &[&str]) -> Result<Vec<usize>, ExportError> {
        names.iter().map(|name| self.position(name)).collect()
    }

    /// A column's type, and whether it allows the missing-value codes.
    pub fn kind(&self, column: usize) -> (FieldType, bool) {
        self.kinds[column]
    }

    /// Where a problem is: `visit.csv line 12, column actual_date`.
    pub fn here(&self, line: u64, column: Option<usize>) -> String {
        match column.and_then(|c| self.names.get(c)) {
            Some(name) => format!("{} line {line}, column {name}", self.file),
            None => format!("{} line {line}", self.file),
        }
    }

    /// A row with the wrong number of cells, on `line`.
    pub fn wrong_length(&self, line: u64, cells: usize) -> ExportError {
        ExportError::invalid(
            self.here(line, None),
            format!(
                "has {cells} cells; the header has {} columns",
                self.names.len()
            ),
        )
    }

    /// The raw text of a cell in `column` on `line` (`line` is asked only for an error).
    pub fn raw<'t>(
        &self,
        column: usize,
        text: &'t [u8],
        line: impl Fn() -> u64,
    ) -> Result<&'t str, ExportError> {
        std::str::from_utf8(text)
            .map_err(|_| ExportError::invalid(self.here(line(), Some(column)), "is not UTF-8 text"))
    }

    /// A cell read with its field's type: a value, a missing-value code where the field allows
    /// one, or blank. `line` is asked only for an error.
    pub fn entry(
        &self,
        column: usize,
        text: &[u8],
        line: impl Fn() -> u64,
    ) -> Result<Recorded, ExportError> {
        let text = self.raw(column, text, &line)?;
        let (ty, missing_allowed) = self.kinds[column];
        if text.is_empty() {
            return Ok(Recorded::BLANK);
        }
        if let Some(missing) = Missing::ALL[1..].iter().find(|m| m.csv_code() == text) {
            return if missing_allowed {
                Ok(Recorded::Missing(*missing))
            } else {
                Err(self.not_allowed(line(), column, text, ty, false))
            };
        }
        let datum = match ty {
            FieldType::Text => Some(Datum::Text(text.to_owned())),
            FieldType::Integer => text.parse().ok().map(Datum::Integer),
            FieldType::Boolean => match text {
                "true" => Some(Datum::Boolean(true)),
                "false" => Some(Datum::Boolean(false)),
                _ => None,
            },
            FieldType::Date => text.parse().ok().map(Datum::Date),
        };
        datum
            .map(Recorded::Value)
            .ok_or_else(|| self.not_allowed(line(), column, text, ty, missing_allowed))
    }

    fn not_allowed(
        &self,
        line: u64,
        column: usize,
        text: &str,
        ty: FieldType,
        missing: bool,
    ) -> ExportError {
        let value = match ty {
            FieldType::Text => "text",
            FieldType::Integer => "a whole number",
            FieldType::Boolean => "true or false",
            FieldType::Date => "a date YYYY-MM-DD",
        };
        let codes = if missing {
            ", NOT DONE, NOT APPLICABLE, UNKNOWN"
        } else {
            ""
        };
        ExportError::invalid(
            self.here(line, Some(column)),
            format!("'{text}' is not allowed; allowed: {value}{codes}, or empty"),
        )
    }
}

/// A cell's text.
pub fn cell(entry: &Recorded) -> String {
    match entry {
        Recorded::Value(datum) => datum.plain(),
        Recorded::Missing(missing) => missing.csv_code().to_owned(),
    }
}

/// `ears_erythema` as "Ears erythema".
pub fn humanize(name: &str) -> String {
    let text = name.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The data dictionary: every column of every table, its type, what it holds and the values it
/// allows, then the missing-value codes; its last row names the program that wrote the tables
/// (`written_by`, e.g. `cletrial 0.9.0 (abc1234 2026-12-06)`) in its description.
pub fn write_dictionary<W: Write>(
    forms: &Forms,
    written_by: &str,
    out: W,
) -> Result<(), ExportError> {
    let mut table = csv::Writer::from_writer(out);
    table.write_record([
        "table",
        "column",
        "type",
        "required",
        "description",
        "allowed",
    ])?;
    let missing = Missing::ALL[1..]
        .iter()
        .map(|missing| missing.csv_code())
        .collect::<Vec<_>>()
        .join(", ");
    for form in &forms.0 {
        let file = file_name(form);
        for (name, description) in KEYS {
            let ty = if matches!(name, "repeat" | "record_id") {
                "integer"
            } else if name == "visit_date" {
                "date"
            } else {
                "text"
            };
            let required = if matches!(name, "visit" | "visit_date") {
                "no"
            } else {
                "yes"
            };
            table.write_record([file.as_str(), name, ty, required, description, ""])?;
        }
        for field in form.fields.iter().filter(|f| !in_keys(form, &f.name)) {
            let (ty, allowed) = match (&field.refers_to, field.ty) {
                (Some(target), _) => (format!("integer (id of a {target} record)"), String::new()),
                (None, FieldType::Boolean) => ("boolean".to_owned(), "true, false".to_owned()),
                (None, FieldType::Date) => ("date".to_owned(), "YYYY-MM-DD".to_owned()),
                (None, ty) => (ty.as_str().to_owned(), String::new()),
            };
            let allowed = match (field.missing, field.required) {
                (true, true) => format!("a value or {missing}"),
                (true, false) => format!("a value, {missing}, or empty"),
                (false, _) => allowed,
            };
            table.write_record([
                file.as_str(),
                &field.name,
                &ty,
                if field.required { "yes" } else { "no" },
                &humanize(&field.name),
                &allowed,
            ])?;
        }
    }
    let written_by = format!("Written by {written_by}");
    table.write_record(["", "", "", "", written_by.as_str(), ""])?;
    table.flush()?;
    Ok(())
}

/// The missing-value codes and what they mean.
pub fn write_missing_codes<W: Write>(out: W) -> Result<(), ExportError> {
    let mut table = csv::Writer::from_writer(out);
    table.write_record(["code", "meaning"])?;
    for missing in Missing::ALL {
        table.write_record([missing.csv_code(), missing.meaning()])?;
    }
    table.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Datum, FieldDef};

    fn field(name: &str, ty: FieldType, refers_to: Option<&str>) -> FieldDef {
        FieldDef {
            name: name.into(),
            ty,
            required: false,
            refers_to: refers_to.map(str::to_owned),
            missing: name == "value",
        }
    }

    fn forms() -> Forms {
        Forms(vec![
            FormDef {
                name: "subject".into(),
                fields: vec![
                    field("site_id", FieldType::Integer, Some("site")),
                    field("code", FieldType::Text, None),
                    field("sex", FieldType::Text, None),
                ],
            },
            FormDef {
                name: "visit".into(),
                fields: vec![
                    field("subject_id", FieldType::Integer, Some("subject")),
                    field("name", FieldType::Text, None),
                    field("actual_date", FieldType::Date, None),
                ],
            },
            FormDef {
                name: "lab".into(),
                fields: vec![
                    field("subject_id", FieldType::Integer, Some("subject")),
                    field("visit_id", FieldType::Integer, Some("visit")),
                    field("value", FieldType::Integer, None),
                ],
            },
        ])
    }

    fn value(datum: Datum) -> Recorded {
        Recorded::Value(datum)
    }

    fn record(form: usize, id: i64, entries: Vec<Recorded>) -> FormRecord {
        FormRecord {
            form,
            id,
            removed: false,
            entries,
        }
    }

    #[test]
    fn one_table_per_form_keyed_by_subject_visit_repeat_with_missing_codes() {
        let day = jiff::civil::Date::constant(2026, 1, 5);
        let lab = |id, entry| {
            record(
                2,
                id,
                vec![value(Datum::Integer(1)), value(Datum::Integer(10)), entry],
            )
        };
        let mut removed = lab(16, value(Datum::Integer(99)));
        removed.removed = true;
        let book = Casebook {
            code: "P-001".into(),
            site: "S01".into(),
            subject: record(
                0,
                1,
                vec![
                    value(Datum::Integer(1)),
                    value(Datum::Text("P-001".into())),
                    value(Datum::Text("F".into())),
                ],
            ),
            records: vec![
                record(
                    1,
                    10,
                    vec![
                        value(Datum::Integer(1)),
                        value(Datum::Text("week 4".into())),
                        value(Datum::Date(day)),
                    ],
                ),
                lab(11, value(Datum::Integer(0))),
                lab(12, Recorded::Missing(Missing::NotDone)),
                lab(13, Recorded::Missing(Missing::NotApplicable)),
                lab(14, Recorded::Missing(Missing::Unknown)),
                lab(15, Recorded::BLANK),
                removed,
            ],
            events: vec![],
        };
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut names = Vec::new();
        let mut tidy = TidyCsv::new(&forms(), |name| {
            names.push(name.to_owned());
            Ok(Vec::new())
        })
        .expect("headers");
        tidy.casebook(&book).expect("rows");
        assert_eq!(names, ["subject.csv", "visit.csv", "lab.csv"]);
        for (name, table) in names.iter().zip(tidy.tables) {
            files.push((name.clone(), table.into_inner().expect("flushed")));
        }
        let text = |i: usize| String::from_utf8(files[i].1.clone()).expect("utf-8");
        assert_eq!(
            text(0),
            "subject,site,visit,visit_date,repeat,record_id,sex\nP-001,S01,,,1,1,F\n"
        );
        assert_eq!(
            text(1),
            "subject,site,visit,visit_date,repeat,record_id,name,actual_date\n\
             P-001,S01,week 4,2026-01-05,1,10,week 4,2026-01-05\n"
        );
        assert_eq!(
            text(2),
            "subject,site,visit,visit_date,repeat,record_id,value\n\
             P-001,S01,week 4,2026-01-05,1,11,0\n\
             P-001,S01,week 4,2026-01-05,2,12,NOT DONE\n\
             P-001,S01,week 4,2026-01-05,3,13,NOT APPLICABLE\n\
             P-001,S01,week 4,2026-01-05,4,14,UNKNOWN\n\
             P-001,S01,week 4,2026-01-05,5,15,\n"
        );
    }

    /// Form `form`'s table holding `text`, opened for the cells of `wanted`.
    fn open_table(
        layout: &Layout,
        form: usize,
        text: &[u8],
        wanted: &[usize],
    ) -> Result<(tempfile::TempDir, TidyTable), read::ReadError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let columns = Columns::new(layout, form);
        let path = dir.path().join(columns.file());
        std::fs::write(&path, text).expect("table");
        let table = TidyTable::open(&path, &columns, wanted, 0, u64::MAX)?;
        Ok((dir, table))
    }

    /// What the writer wrote, the reader reads back entry for entry.
    #[test]
    fn tables_read_back_as_written() {
        let forms = forms();
        let layout = Layout::new(&forms);
        let lab = |id, entry| {
            record(
                2,
                id,
                vec![value(Datum::Integer(1)), value(Datum::Integer(10)), entry],
            )
        };
        let entries = [
            value(Datum::Integer(0)),
            Recorded::Missing(Missing::NotDone),
            Recorded::Missing(Missing::NotApplicable),
            Recorded::Missing(Missing::Unknown),
            Recorded::BLANK,
        ];
        let book = Casebook {
            code: "P-001".into(),
            site: "S01".into(),
            subject: record(
                0,
                1,
                vec![
                    value(Datum::Integer(1)),
                    value(Datum::Text("P-001".into())),
                    value(Datum::Text("F".into())),
                ],
            ),
            records: entries
                .iter()
                .enumerate()
                .map(|(i, e)| lab(11 + i as i64, e.clone()))
                .collect(),
            events: vec![],
        };
        let mut table = csv::Writer::from_writer(Vec::new());
        table.write_record(layout.header(2)).expect("header");
        layout
            .rows(&book, |form, row| match form {
                2 => table.write_record(row),
                _ => Ok(()),
            })
            .expect("rows");
        let text = table.into_inner().expect("flushed");
        let columns = Columns::new(&layout, 2);
        let all: Vec<usize> = (0..columns.len()).collect();
        let (_dir, mut read) = open_table(&layout, 2, &text, &all).expect("header");
        let value_column = columns.position("value").expect("value column");
        for expect in &entries {
            assert!(read.next_row().expect("row"));
            assert_eq!(&read.entry(value_column).expect("entry"), expect);
            assert_eq!(read.raw(0).expect("subject"), "P-001");
        }
        assert!(!read.next_row().expect("end"));
    }

    /// Each bad cell is refused naming its file, line and column, and what is allowed.
    #[test]
    fn bad_cells_name_file_line_and_column() {
        #[track_caller]
        fn check(text: &str, column: &str, expect: &str) {
            let layout = Layout::new(&forms());
            let problem = Columns::new(&layout, 1)
                .position(column)
                .map_err(read::ReadError::from)
                .and_then(|c| {
                    let (_dir, mut table) = open_table(&layout, 1, text.as_bytes(), &[c])?;
                    table.next_row()?;
                    Ok(table.entry(c)?)
                });
            match problem {
                Err(error) => assert_eq!(error.to_string(), expect),
                Ok(entry) => panic!("{text:?} read as {entry:?}"),
            }
        }
        let header = "subject,site,visit,visit_date,repeat,record_id,name,actual_date\n";
        check(
            &format!("{header}P,S,v,,1,10,week 4,2026-02-30\n"),
            "actual_date",
            "visit.csv line 2, column actual_date: '2026-02-30' is not allowed; allowed: a date YYYY-MM-DD, or empty",
        );
        check(
            &format!("{header}P,S,v,,1,10,week 4,NOT DONE\n"),
            "actual_date",
            "visit.csv line 2, column actual_date: 'NOT DONE' is not allowed; allowed: a date YYYY-MM-DD, or empty",
        );
        check(
            &format!("{header}P,S,v,,one,10,week 4,\n"),
            "repeat",
            "visit.csv line 2, column repeat: 'one' is not allowed; allowed: a whole number, or empty",
        );
        check(
            &format!("{header}P,S,v\n"),
            "name",
            "visit.csv line 2: has 3 cells; the header has 8 columns",
        );
        check(
            "subject,site,visit,visit_date,repeat,record_id,title,actual_date\n",
            "name",
            "visit.csv line 1: the header must be the tidy layout's: subject,site,visit,visit_date,repeat,record_id,name,actual_date",
        );
        check(
            &format!("{header}P,S,v,,1,10,a,\n"),
            "nope",
            "visit.csv: has no column nope",
        );
    }

    #[test]
    fn dictionary_lists_every_column_and_the_codes() {
        let mut out = Vec::new();
        write_dictionary(&forms(), "cletrial 0.9.0 (abc1234 2026-12-06)", &mut out)
            .expect("dictionary");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("table,column,type,required,description,allowed\n"));
        assert!(text.contains(
            "lab.csv,value,integer,no,Value,\"a value, NOT DONE, NOT APPLICABLE, UNKNOWN, or empty\"\n"
        ));
        assert!(text.contains("visit.csv,actual_date,date,no,Actual date,"));
        assert!(!text.contains("lab.csv,visit_id"));
        assert!(text.ends_with(",,,,Written by cletrial 0.9.0 (abc1234 2026-12-06),\n"));
        let mut codes = Vec::new();
        write_missing_codes(&mut codes).expect("codes");
        assert_eq!(
            String::from_utf8(codes).expect("utf-8"),
            "code,meaning\n,blank: nothing recorded\nNOT DONE,not done\n\
             NOT APPLICABLE,not applicable\nUNKNOWN,unknown\n"
        );
    }
}
