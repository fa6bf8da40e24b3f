//! The rows of an import as commands of one batch: each row is read into a form, found by its
//! key, and added, changed or left alone; every refusal is collected with its line and column.

use std::collections::BTreeMap;

use instruments::subtype::Subtype;
use jiff::civil::Date;
use protocol::Protocol;
use protocol::eligibility::Candidate;
use serde::Serialize;
use store::{
    Actor, Batch, BirthOrAge, Decimal, Enrolment, Entry, LabResult, Sex, Store, StoreError,
    SubjectData, VisitData,
};

use super::mapping::{Cell, Form, KeyColumns, Mapping, Row, Rows};
use crate::io::CliError;

/// What an import did.
pub enum Outcome {
    Imported(Counts),
    Rejected(Report),
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    imported: bool,
    form: &'static str,
    /// Rows of the mapped form.
    rows: usize,
    /// Rows of other forms (keys.form), left out.
    skipped: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    /// Records marked entered in error (`lab.entered_in_error`).
    voided: usize,
}

/// The rows refused; nothing was written.
#[derive(Debug, Serialize)]
pub struct Report {
    imported: bool,
    pub rows: usize,
    pub rejected: Vec<Rejection>,
}

/// One refusal: where and why.
#[derive(Debug, Serialize)]
pub struct Rejection {
    line: u64,
    /// The CSV column, when the refusal is about one.
    column: Option<String>,
    /// `form.field`, `key` or `row`.
    field: String,
    reason: String,
}

/// What one row did.
enum Done {
    Created,
    Updated,
    Unchanged,
    Voided,
}

/// Why a row was not applied.
enum Refused {
    /// The row is wrong (one or more refusals); the import goes on to find the others.
    Row(Vec<Rejection>),
    /// The import cannot go on (the database failed).
    Fatal(CliError),
}

impl From<Vec<Rejection>> for Refused {
    fn from(rejections: Vec<Rejection>) -> Refused {
        Refused::Row(rejections)
    }
}

/// Reads the typed fields of one row, collecting every problem.
struct Reader<'a> {
    row: &'a Row,
    date_format: &'a str,
    problems: Vec<Rejection>,
}

impl<'a> Reader<'a> {
    fn refuse(&mut self, column: &str, field: &str, reason: impl Into<String>) {
        self.problems.push(Rejection {
            line: self.row.line,
            column: (!column.is_empty()).then(|| column.to_owned()),
            field: field.to_owned(),
            reason: reason.into(),
        });
    }

    /// The text of `field` (`form.field`); a missing code or a refused code is a problem.
    fn text(&mut self, field: &str) -> Option<String> {
        let (column, cell) = self.row.cell(field);
        match cell.clone() {
            Cell::Blank => None,
            Cell::Text(text) => Some(text),
            Cell::Missing(missing) => {
                let reason = format!("'{}' is not allowed here", missing.label());
                self.refuse(column, field, reason);
                None
            }
            Cell::Refused(reason) => {
                self.refuse(column, field, reason);
                None
            }
        }
    }

    fn required(&mut self, field: &str) -> Option<String> {
        let (column, cell) = self.row.cell(field);
        if *cell == Cell::Blank {
            let reason = if column.is_empty() {
                "is required, and no column is mapped to it".to_owned()
            } else {
                "is required".to_owned()
            };
            self.refuse(column, field, reason);
            return None;
        }
        self.text(field)
    }

    fn parsed<T>(
        &mut self,
        field: &str,
        text: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = text?;
        match parse(&text) {
            Ok(value) => Some(value),
            Err(reason) => {
                let column = self.row.cell(field).0.to_owned();
                self.refuse(&column, field, reason);
                None
            }
        }
    }

    fn date(&mut self, field: &str, text: Option<String>) -> Option<Date> {
        let format = self.date_format.to_owned();
        self.parsed(field, text, |text| {
            Date::strptime(&format, text)
                .map_err(|_| format!("'{text}' is not a date written as {format}"))
        })
    }

    fn decimal(&mut self, field: &str, text: Option<String>) -> Option<Decimal> {
        self.parsed(field, text, |text| {
            Decimal::parse(field, text).map_err(|error| error_message(&error))
        })
    }

    /// A measurement: a value or a missing code; `None` (with a problem) when blank.
    fn measurement(&mut self, field: &str) -> Option<Entry<Decimal>> {
        match self.row.cell(field).1.clone() {
            Cell::Missing(missing) => Some(Entry::Missing(missing)),
            _ => {
                let text = self.required(field);
                self.decimal(field, text).map(Entry::Value)
            }
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Refused> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => Err(Refused::Row(self.problems)),
        }
    }

    /// The screening record of the row's `candidate.` columns (each cell read by
    /// [`cell_json`]); what no column fills is unknown. A value the checklist cannot read is
    /// refused naming its column.
    fn candidate(&mut self) -> Option<Candidate> {
        let mut fields = serde_json::Map::new();
        let cells: Vec<(String, String)> = self
            .row
            .fields
            .keys()
            .filter(|field| field.starts_with("candidate."))
            .cloned()
            .filter_map(|field| Some((field.clone(), self.text(&field)?)))
            .collect();
        for (field, text) in cells {
            let name = field.trim_start_matches("candidate.").to_owned();
            fields.insert(name, cell_json(&text));
        }
        match serde_path_to_error::deserialize::<_, Candidate>(serde_json::Value::Object(fields)) {
            Ok(candidate) => Some(candidate),
            Err(error) => {
                let path = error.path().to_string();
                let name = path.split('.').next().unwrap_or_default();
                let field = format!("candidate.{name}");
                let column = self.row.cell(&field).0.to_owned();
                self.refuse(&column, &field, error.inner().to_string());
                None
            }
        }
    }

    fn subject(mut self, code: &str) -> Result<Screened, Refused> {
        let site = self.required("subject.site");
        let sex = self.required("subject.sex");
        let sex = self.parsed("subject.sex", sex, |text| {
            Sex::parse(text).map_err(|error| error_message(&error))
        });
        let birth = self.text("subject.birth_date");
        let birth = self.date("subject.birth_date", birth);
        let age = self.text("subject.age_years");
        let age = self.parsed("subject.age_years", age, |text| {
            text.parse::<i64>()
                .map_err(|_| format!("'{text}' is not a whole number of years"))
        });
        let birth = match (birth, age) {
            (Some(date), _) => Some(BirthOrAge::BirthDate(date)),
            (None, Some(age)) => Some(BirthOrAge::AgeYears(age)),
            (None, None) => {
                if self.problems.is_empty() {
                    let column = self.row.cell("subject.birth_date").0.to_owned();
                    self.refuse(
                        &column,
                        "subject.birth_date",
                        "needs a birth date or an age (subject.age_years)",
                    );
                }
                None
            }
        };
        let subtype = self.text("subject.subtype");
        let subtype = self.parsed("subject.subtype", subtype, |text| {
            text.parse::<Subtype>().map_err(|error| error.to_string())
        });
        let screening = self.required("subject.screening_date");
        let screening = self.date("subject.screening_date", screening);
        let consent = self.text("subject.consent_date");
        let consent = self.date("subject.consent_date", consent);
        let enrolment = self.text("subject.enrolment_date");
        let enrolment = self.date("subject.enrolment_date", enrolment);
        let waiver = self.text("subject.waiver");
        let candidate = self.candidate();
        let data = match (site, sex, birth, screening, candidate) {
            (Some(site), Some(sex), Some(birth), Some(screening_date), Some(candidate)) => {
                Some(Screened {
                    data: SubjectData {
                        site,
                        code: code.to_owned(),
                        sex,
                        birth,
                        subtype,
                        screening_date,
                        consent_date: consent,
                        enrolment_date: enrolment,
                    },
                    candidate,
                    waiver,
                })
            }
            _ => None,
        };
        self.finish(data)
    }

    /// The lab result of the row (subject and visit filled in later), the visit date, and
    /// why the record is marked entered in error, when the row says so.
    fn lab(mut self) -> Result<(LabResult, Option<Date>, Option<String>), Refused> {
        let collected = self.required("lab.collected_on");
        let collected = self.date("lab.collected_on", collected);
        let test = self.required("lab.test");
        let value = self.measurement("lab.value");
        let unit = self.required("lab.unit");
        let lln = self.text("lab.lln");
        let lln = self.decimal("lab.lln", lln);
        let uln = self.text("lab.uln");
        let uln = self.decimal("lab.uln", uln);
        let visit_date = self.text("visit.actual_date");
        let visit_date = self.date("visit.actual_date", visit_date);
        let void = self
            .text("lab.entered_in_error")
            .filter(|reason| !reason.trim().is_empty());
        let data = match (collected, test, value, unit) {
            (Some(collected_on), Some(test), Some(value), Some(unit)) => Some((
                LabResult {
                    subject_id: 0,
                    visit_id: None,
                    collected_on,
                    test,
                    value,
                    unit,
                    lln,
                    uln,
                },
                visit_date,
                void,
            )),
            _ => None,
        };
        self.finish(data)
    }
}

/// A store error's message without the field name it starts with.
fn error_message(error: &StoreError) -> String {
    match error {
        StoreError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Which record a row is: subject, visit, the form's own key field, repeat rank.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    subject: String,
    visit: Option<String>,
    own: Option<String>,
}

/// A row read as far as its key.
struct Keyed<'a> {
    row: &'a Row,
    key: Key,
    repeat: i64,
}

/// The key cells of a row, or the refusals naming the key columns. A lab's test is keyed by
/// the protocol's id for it, so two spellings of one test are one key (an unknown test keeps
/// its text, and the store refuses it).
fn keyed<'a>(
    row: &'a Row,
    columns: &KeyColumns,
    form: Form,
    protocol: &Protocol,
) -> Result<Keyed<'a>, Vec<Rejection>> {
    let mut problems = Vec::new();
    let mut refuse = |column: &str, reason: String| {
        problems.push(Rejection {
            line: row.line,
            column: Some(column.to_owned()),
            field: "key".to_owned(),
            reason,
        });
    };
    let mut text = |column: &str, cell: &Cell, required: bool| match cell {
        Cell::Text(text) => Some(text.clone()),
        Cell::Blank if !required => None,
        Cell::Blank => {
            refuse(column, "is blank; every row needs its key".to_owned());
            None
        }
        Cell::Missing(missing) => {
            refuse(column, format!("'{}' is not a key", missing.label()));
            None
        }
        Cell::Refused(reason) => {
            refuse(column, reason.clone());
            None
        }
    };
    let subject = text(&columns.subject, &row.subject, true);
    let visit = match (&columns.visit, &row.visit) {
        (Some(column), Some(cell)) => text(column, cell, false),
        _ => None,
    };
    let repeat_column = columns.repeat.clone().unwrap_or_default();
    let repeat = match text(&repeat_column, &row.repeat, false) {
        None => Some(1),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                refuse(
                    &repeat_column,
                    format!("'{text}' is not a repeat number (1, 2, ...)"),
                );
                None
            }
        },
    };
    let own = match form {
        Form::Subject => None,
        Form::Lab => match row.cell("lab.test").1 {
            Cell::Text(test) => Some(
                protocol
                    .lab(test)
                    .map_or_else(|_| test.clone(), |lab| lab.id.clone()),
            ),
            _ => None,
        },
    };
    match (subject, repeat) {
        (Some(subject), Some(repeat)) if problems.is_empty() => Ok(Keyed {
            row,
            key: Key {
                subject,
                visit,
                own,
            },
            repeat,
        }),
        _ => Err(problems),
    }
}

/// Runs every row of `rows` in one batch; commits only when no row was refused.
pub async fn apply(
    store: &Store,
    actor: &Actor,
    mapping: &Mapping,
    rows: &Rows,
    reason: &str,
) -> Result<Outcome, CliError> {
    let mut rejected = Vec::new();
    let mut batch = store.batch(actor, Some(reason)).await?;
    let protocol = batch.protocol().await?;
    // Records with one key are matched to the rows in the order of their repeat numbers.
    let mut groups: BTreeMap<Key, Vec<Keyed>> = BTreeMap::new();
    for row in &rows.rows {
        match keyed(row, &rows.key_columns, mapping.form, &protocol) {
            Ok(keyed) => groups.entry(keyed.key.clone()).or_default().push(keyed),
            Err(problems) => rejected.extend(problems),
        }
    }
    let mut counts = Counts {
        imported: true,
        form: mapping.form.name(),
        rows: rows.rows.len(),
        skipped: rows.skipped,
        ..Counts::default()
    };
    for (key, mut group) in groups {
        group.sort_by_key(|keyed| (keyed.repeat, keyed.row.line));
        for (rank, keyed) in group.iter().enumerate() {
            if let Some(earlier) = group[..rank]
                .iter()
                .find(|other| other.repeat == keyed.repeat)
            {
                rejected.push(Rejection {
                    line: keyed.row.line,
                    column: None,
                    field: "key".to_owned(),
                    reason: format!(
                        "same key as line {} (subject, visit, form and repeat)",
                        earlier.row.line
                    ),
                });
                continue;
            }
            let result = match mapping.form {
                Form::Subject => subject_row(&mut batch, mapping, keyed.row, &key, reason).await,
                Form::Lab => {
                    lab_row(
                        &mut batch, &protocol, mapping, keyed.row, &key, rank, reason,
                    )
                    .await
                }
            };
            match result {
                Ok(Done::Created) => counts.created += 1,
                Ok(Done::Updated) => counts.updated += 1,
                Ok(Done::Unchanged) => counts.unchanged += 1,
                Ok(Done::Voided) => counts.voided += 1,
                Err(Refused::Row(problems)) => rejected.extend(problems),
                Err(Refused::Fatal(error)) => return Err(error),
            }
        }
    }
    if rejected.is_empty() {
        batch.commit().await?;
        return Ok(Outcome::Imported(counts));
    }
    drop(batch);
    rejected.sort_by_key(|rejection| rejection.line);
    Ok(Outcome::Rejected(Report {
        imported: false,
        rows: rows.rows.len(),
        rejected,
    }))
}

/// A store refusal as the row's rejection, naming the column of the field the store named.
fn refused(row: &Row, form: Form, error: StoreError) -> Refused {
    if !error.is_user_error() {
        return Refused::Fatal(CliError::from(error));
    }
    let (field, reason) = match &error {
        StoreError::Invalid { field, message } => (
            if field.contains('.') {
                field.clone()
            } else {
                format!("{}.{field}", form.name())
            },
            message.clone(),
        ),
        other => ("row".to_owned(), other.to_string()),
    };
    let column = row.fields.get(&field).map(|(column, _)| column.clone());
    Refused::Row(vec![Rejection {
        line: row.line,
        column,
        field,
        reason,
    }])
}

async fn subject_row(
    batch: &mut Batch,
    mapping: &Mapping,
    row: &Row,
    key: &Key,
    reason: &str,
) -> Result<Done, Refused> {
    let reader = Reader {
        row,
        date_format: &mapping.date_format,
        problems: Vec::new(),
    };
    let screened = reader.subject(&key.subject)?;
    let fail = |error| refused(row, mapping.form, error);
    let found = batch.subject_by_code(&key.subject).await.map_err(fail)?;
    // Enrolment is its own command, after the checklist: the rest of the row first.
    let enrolment_date = screened.data.enrolment_date;
    let (subject, done) = match found {
        None => {
            let unenrolled = SubjectData {
                enrolment_date: None,
                ..screened.data.clone()
            };
            let (subject, _) = batch
                .screen(&unenrolled, &screened.candidate)
                .await
                .map_err(fail)?;
            (subject, Done::Created)
        }
        Some(subject) => {
            let target = SubjectData {
                enrolment_date: subject.data.enrolment_date.and(enrolment_date),
                ..screened.data.clone()
            };
            if subject.data == target {
                (subject, Done::Unchanged)
            } else {
                let subject = batch
                    .update_subject(subject.id, subject.version, &target, reason)
                    .await
                    .map_err(fail)?;
                (subject, Done::Updated)
            }
        }
    };
    match (subject.data.enrolment_date, enrolment_date) {
        (None, Some(enrolment_date)) => {
            let enrolment = Enrolment {
                subject_id: subject.id,
                based_on: subject.version,
                consent_date: subject.data.consent_date.unwrap_or(enrolment_date),
                enrolment_date,
                waiver: screened.waiver.clone(),
            };
            batch.enrol(&enrolment).await.map_err(fail)?;
            Ok(match done {
                Done::Unchanged => Done::Updated,
                other => other,
            })
        }
        _ => Ok(done),
    }
}

/// A screening record cell as the checklist reads it: JSON as written (`true`, `5`,
/// `{"rest_of_face": 2}`), `yes`/`no`, a count as `231000 /mm3`, or else text.
fn cell_json(text: &str) -> serde_json::Value {
    if let Ok(value) = serde_json::from_str(text) {
        return value;
    }
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        "yes" => return serde_json::Value::Bool(true),
        "no" => return serde_json::Value::Bool(false),
        _ => {}
    }
    if let Some((value, unit)) = text.split_once(char::is_whitespace)
        && let Ok(value) = value.parse::<f64>()
    {
        return serde_json::json!({"value": value, "unit": unit.trim()});
    }
    serde_json::Value::String(text.to_owned())
}

/// A subject row: the subject, its screening record and an investigator's waiver, if any.
struct Screened {
    data: SubjectData,
    candidate: Candidate,
    waiver: Option<String>,
}

async fn lab_row(
    batch: &mut Batch,
    protocol: &Protocol,
    mapping: &Mapping,
    row: &Row,
    key: &Key,
    rank: usize,
    reason: &str,
) -> Result<Done, Refused> {
    let reader = Reader {
        row,
        date_format: &mapping.date_format,
        problems: Vec::new(),
    };
    let (mut data, visit_date, void) = reader.lab()?;
    let fail = |error| refused(row, mapping.form, error);
    // Coded as the store will code it, so that it is matched to the stored result whichever
    // way the test and unit were spelt (the store codes it again when it keeps it).
    data.code_against(protocol).map_err(fail)?;
    let subject = batch
        .subject_by_code(&key.subject)
        .await
        .map_err(fail)?
        .ok_or_else(|| {
            Refused::Row(vec![Rejection {
                line: row.line,
                column: None,
                field: "key".to_owned(),
                reason: format!(
                    "no subject '{}' in the study (import the subjects first)",
                    key.subject
                ),
            }])
        })?;
    data.subject_id = subject.id;
    let mut changed_visit = false;
    if let Some(name) = &key.visit {
        let date = visit_date.unwrap_or(data.collected_on);
        let visits = batch.visits_of(subject.id).await.map_err(fail)?;
        let visit = match visits.into_iter().find(|visit| &visit.data.name == name) {
            Some(visit) if visit_date.is_none() || visit.data.actual_date == visit_date => visit,
            Some(visit) => {
                changed_visit = true;
                let data = VisitData {
                    actual_date: visit_date,
                    ..visit.data.clone()
                };
                batch
                    .update_visit(visit.id, visit.version, &data, reason)
                    .await
                    .map_err(fail)?
            }
            None => {
                let data = VisitData {
                    name: name.clone(),
                    planned_date: None,
                    actual_date: Some(date),
                };
                batch.add_visit(subject.id, &data).await.map_err(fail)?
            }
        };
        data.visit_id = Some(visit.id);
    }
    let same_key: Vec<_> = batch
        .records_of::<LabResult>(subject.id)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|stored| stored.data.visit_id == data.visit_id && stored.data.test == data.test)
        .collect();
    if let Some(why) = void {
        // Marked entered in error with the row's reason; already gone on a second import.
        return match same_key.get(rank) {
            None => Ok(Done::Unchanged),
            Some(stored) => batch
                .remove_record::<LabResult>(stored.id, stored.version, &why)
                .await
                .map(|()| Done::Voided)
                .map_err(fail),
        };
    }
    let result = match same_key.get(rank) {
        None => batch.add_record(&data).await.map(|_| Done::Created),
        Some(stored) if stored.data == data && !changed_visit => Ok(Done::Unchanged),
        Some(stored) if stored.data == data => Ok(Done::Updated),
        Some(stored) => batch
            .update_record(stored.id, stored.version, &data, reason)
            .await
            .map(|_| Done::Updated),
    };
    result.map_err(fail)
}
