//! The rows of an import as commands of one batch: each row is keyed, rows with one key are
//! matched to the stored records in the order of their repeat numbers, and each row is handed
//! to its form; every refusal is collected, and the batch commits only when there is none.

use std::collections::BTreeMap;
use std::sync::Arc;

use instruments::medication::Drug;
use jiff::civil::Date;
use protocol::Protocol;
use store::{Actor, AdverseEvent, Batch, Store, Subject};

use super::clinical::{
    AdverseEventForm, ConmedForm, DispositionForm, LabForm, NerveConductionStudyForm,
    ProtocolEventForm, QuestionnaireForm,
};
use super::form::Form;
use super::mapping::{Cell, KeyColumns, Mapping, Row, Rows};
use super::outcome::{Counts, Outcome, Refused, Rejection, Report, refused};
use super::reader::Reader;
use super::scores::{ClasiForm, SledaiForm};
use super::{dose, records, subject, visit};
use crate::io::CliError;

/// An import under way: its batch and what every row reads beside its cells.
pub struct Import<'a> {
    pub batch: Batch,
    pub protocol: Arc<Protocol>,
    pub mapping: &'a Mapping,
    pub reason: &'a str,
}

impl Import<'_> {
    pub fn reader<'r>(&'r self, row: &'r Row) -> Reader<'r> {
        Reader::new(row, &self.mapping.date_format)
    }

    /// The subject a row names, which must be in the study already.
    pub async fn subject(&mut self, row: &Row, code: &str) -> Result<Subject, Refused> {
        self.batch
            .subject_by_code(code)
            .await
            .map_err(|error| refused(row, self.mapping.form, error))?
            .ok_or_else(|| {
                Refused::Row(vec![Rejection::key(
                    row,
                    None,
                    format!("no subject '{code}' in the study (import the subjects first)"),
                )])
            })
    }
}

/// Which record a row is: the subject, for a dose or a con-med its start date (by which a
/// subject's doses apply in order), the visit, and the form's own key field (a lab's test, an adverse
/// event's term, a protocol event, a dose's drug), as the store codes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub subject: String,
    pub date: Option<Date>,
    pub visit: Option<String>,
    pub own: Option<String>,
}

/// A row read as far as its key.
pub struct Keyed<'a> {
    pub row: &'a Row,
    pub key: Key,
    repeat: i64,
}

/// The form's own key of a row, coded so that two spellings of one test, term or drug are one
/// key. A value that does not code keeps its text: its form refuses it with the store's
/// message.
fn own_key(form: Form, row: &Row, protocol: &Protocol) -> Option<String> {
    let text = |field: &str| match row.cell(field).1 {
        Cell::Text(text) => Some(text.clone()),
        _ => None,
    };
    match form {
        Form::Lab => text("lab.test").map(|test| {
            protocol
                .lab(&test)
                .map_or_else(|_| test.clone(), |lab| lab.id.clone())
        }),
        Form::AdverseEvent => text("adverse_event.term").map(|term| {
            AdverseEvent::term_named(&term).map_or(term, |coded| coded.id().to_owned())
        }),
        Form::ProtocolEvent => text("protocol_event.event"),
        Form::Questionnaire => text("questionnaire.instrument"),
        Form::Dose | Form::Conmed => text(&format!("{}.drug", form.name()))
            .map(|drug| Drug::find(&drug).map_or(drug, |coded| coded.id().to_owned())),
        Form::Subject
        | Form::Visit
        | Form::Clasi
        | Form::Sledai
        | Form::Disposition
        | Form::NerveConductionStudy => None,
    }
}

/// The key cells of a row, or the refusals naming the key columns.
fn keyed<'a>(
    row: &'a Row,
    columns: &KeyColumns,
    mapping: &Mapping,
    protocol: &Protocol,
) -> Result<Keyed<'a>, Vec<Rejection>> {
    let mut problems = Vec::new();
    let mut refuse = |column: &str, reason: String| {
        problems.push(Rejection::key(row, Some(column), reason));
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
    let visit_required = mapping.form.visit_key() == super::form::VisitKey::Required;
    let visit = match (&columns.visit, &row.visit) {
        (Some(column), Some(cell)) => text(column, cell, visit_required),
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
    // A dose's or a con-med's start date is part of its key (one drug, several periods) and
    // orders a subject's dose changes; a date that does not read is refused by the form's own
    // reading.
    let start = match mapping.form {
        Form::Dose => Some("dose.start_date"),
        Form::Conmed => Some("conmed.start_date"),
        _ => None,
    };
    let date = match start.map(|field| row.cell(field).1) {
        Some(Cell::Text(text)) => Date::strptime(&mapping.date_format, text).ok(),
        _ => None,
    };
    match (subject, repeat) {
        (Some(subject), Some(repeat)) if problems.is_empty() => Ok(Keyed {
            row,
            key: Key {
                subject,
                date,
                visit,
                own: own_key(mapping.form, row, protocol),
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
        match keyed(row, &rows.key_columns, mapping, &protocol) {
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
    let mut import = Import {
        batch,
        protocol,
        mapping,
        reason,
    };
    // Rows apply in the file's order, except that a subject's doses apply in date order (a
    // dose change ends the period before it).
    let mut groups: Vec<(Key, Vec<Keyed>)> = groups.into_iter().collect();
    groups.sort_by_key(|(key, group)| {
        let first = group.iter().map(|keyed| keyed.row.line).min();
        (key.date, first)
    });
    for (_, group) in &mut groups {
        group.sort_by_key(|keyed| (keyed.repeat, keyed.row.line));
        for (rank, keyed) in group.iter().enumerate() {
            if let Some(earlier) = group[..rank]
                .iter()
                .find(|other| other.repeat == keyed.repeat)
            {
                rejected.push(Rejection::key(
                    keyed.row,
                    None,
                    format!(
                        "same key as line {} ({}{})",
                        earlier.row.line,
                        mapping.form.key_words(),
                        if mapping.form.repeats() {
                            ", and the repeat"
                        } else {
                            ""
                        }
                    ),
                ));
                continue;
            }
            let result = match mapping.form {
                Form::Subject => subject::row(&mut import, keyed).await,
                Form::Visit => visit::row(&mut import, keyed).await,
                Form::Dose => dose::row(&mut import, keyed).await,
                Form::Clasi => records::row::<ClasiForm>(&mut import, keyed, rank).await,
                Form::Sledai => records::row::<SledaiForm>(&mut import, keyed, rank).await,
                Form::Lab => records::row::<LabForm>(&mut import, keyed, rank).await,
                Form::AdverseEvent => {
                    records::row::<AdverseEventForm>(&mut import, keyed, rank).await
                }
                Form::ProtocolEvent => {
                    records::row::<ProtocolEventForm>(&mut import, keyed, rank).await
                }
                Form::Disposition => {
                    records::row::<DispositionForm>(&mut import, keyed, rank).await
                }
                Form::NerveConductionStudy => {
                    records::row::<NerveConductionStudyForm>(&mut import, keyed, rank).await
                }
                Form::Conmed => records::row::<ConmedForm>(&mut import, keyed, rank).await,
                Form::Questionnaire => {
                    records::row::<QuestionnaireForm>(&mut import, keyed, rank).await
                }
            };
            match result {
                Ok(done) => counts.add(done),
                Err(Refused::Row(problems)) => rejected.extend(problems),
                Err(Refused::Fatal(error)) => return Err(error),
            }
        }
    }
    if rejected.is_empty() {
        import.batch.commit().await?;
        return Ok(Outcome::Imported(counts));
    }
    drop(import);
    rejected.sort_by_key(|rejection| rejection.line);
    Ok(Outcome::Rejected(Report {
        imported: false,
        rows: rows.rows.len(),
        rejected,
    }))
}
