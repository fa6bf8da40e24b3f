//! Tidy CSV: one table per form, one row per record, keyed by subject, visit and repeat, with a
//! data dictionary. A cell holds the value, or one of the missing-value codes ("NOT DONE",
//! "NOT APPLICABLE", "UNKNOWN"; empty for nothing recorded), never a 0 standing in for missing.

use std::collections::HashMap;
use std::io::Write;

use crate::ExportError;
use crate::dataset::Missing;
use crate::source::{
    Casebook, Entry, FieldType, FormDef, FormRecord, Forms, SUBJECT_REF, VISIT_REF,
};

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

/// Writes every form's table as casebooks arrive.
pub struct TidyCsv<W: Write> {
    forms: Forms,
    tables: Vec<csv::Writer<W>>,
    visit_form: Option<usize>,
    rows: u64,
}

impl<W: Write> TidyCsv<W> {
    /// Opens one output per form (`open` gets the file name) and writes the header rows.
    pub fn new(
        forms: &Forms,
        mut open: impl FnMut(&str) -> Result<W, ExportError>,
    ) -> Result<TidyCsv<W>, ExportError> {
        let mut tables = Vec::with_capacity(forms.0.len());
        for form in &forms.0 {
            let mut table = csv::Writer::from_writer(open(&file_name(form))?);
            let header = KEYS.iter().map(|(name, _)| *name).chain(
                form.fields
                    .iter()
                    .filter(|field| !in_keys(form, &field.name))
                    .map(|field| field.name.as_str()),
            );
            table.write_record(header)?;
            tables.push(table);
        }
        Ok(TidyCsv {
            forms: forms.clone(),
            tables,
            visit_form: forms.index(VISIT_FORM),
            rows: 0,
        })
    }

    /// Appends the live records of one subject.
    pub fn casebook(&mut self, book: &Casebook) -> Result<(), ExportError> {
        if book.subject.removed {
            return Ok(());
        }
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
            self.tables[record.form].write_record(&row)?;
            self.rows += 1;
        }
        Ok(())
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

    /// Flushes every table; returns the number of rows written.
    pub fn finish(self) -> Result<u64, ExportError> {
        for mut table in self.tables {
            table.flush()?;
        }
        Ok(self.rows)
    }
}

/// A cell's text.
pub fn cell(entry: &Entry) -> String {
    match entry {
        Entry::Value(datum) => datum.plain(),
        Entry::Missing(missing) => missing.csv_code().to_owned(),
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
/// allows, then the missing-value codes.
pub fn write_dictionary<W: Write>(forms: &Forms, out: W) -> Result<(), ExportError> {
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

    fn value(datum: Datum) -> Entry {
        Entry::Value(datum)
    }

    fn record(form: usize, id: i64, entries: Vec<Entry>) -> FormRecord {
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
                lab(12, Entry::Missing(Missing::NotDone)),
                lab(13, Entry::Missing(Missing::NotApplicable)),
                lab(14, Entry::Missing(Missing::Unknown)),
                lab(15, Entry::BLANK),
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

    #[test]
    fn dictionary_lists_every_column_and_the_codes() {
        let mut out = Vec::new();
        write_dictionary(&forms(), &mut out).expect("dictionary");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("table,column,type,required,description,allowed\n"));
        assert!(text.contains(
            "lab.csv,value,integer,no,Value,\"a value, NOT DONE, NOT APPLICABLE, UNKNOWN, or empty\"\n"
        ));
        assert!(text.contains("visit.csv,actual_date,date,no,Actual date,"));
        assert!(!text.contains("lab.csv,visit_id"));
        let mut codes = Vec::new();
        write_missing_codes(&mut codes).expect("codes");
        assert_eq!(
            String::from_utf8(codes).expect("utf-8"),
            "code,meaning\n,blank: nothing recorded\nNOT DONE,not done\n\
             NOT APPLICABLE,not applicable\nUNKNOWN,unknown\n"
        );
    }
}
