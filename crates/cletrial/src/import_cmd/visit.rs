//! Visits: the `visit` form (a visit's planned and actual dates, by its name), and the visit a
//! record row names, created when the record is the first thing imported at it.

use jiff::civil::Date;
use store::{Visit, VisitData};

use super::apply::{Import, Keyed};
use super::form::Form;
use super::outcome::{Done, Refused, Rejection, refused};

/// The subject's live visit named `name`, if any.
pub async fn named(
    import: &mut Import<'_>,
    row: &super::mapping::Row,
    subject_id: i64,
    name: &str,
) -> Result<Option<Visit>, Refused> {
    let visits = import
        .batch
        .visits_of(subject_id)
        .await
        .map_err(|error| refused(row, Form::Visit, error))?;
    Ok(visits.into_iter().find(|visit| visit.data.name == name))
}

/// The visit a record's row names: found, with its date corrected when the row gives another
/// (`given`), or created, dated `date`. Says whether the visit changed.
pub async fn for_record(
    import: &mut Import<'_>,
    row: &super::mapping::Row,
    subject_id: i64,
    name: &str,
    given: Option<Date>,
    date: Date,
) -> Result<(Visit, bool), Refused> {
    let fail = |error| refused(row, Form::Visit, error);
    let found = named(import, row, subject_id, name).await?;
    let batch = &mut import.batch;
    match found {
        Some(visit) if given.is_none() || visit.data.actual_date == given => Ok((visit, false)),
        Some(visit) => {
            let data = VisitData {
                actual_date: given,
                ..visit.data.clone()
            };
            let visit = batch
                .update_visit(visit.id, visit.version, &data, import.reason)
                .await
                .map_err(fail)?;
            Ok((visit, true))
        }
        None => {
            let data = VisitData {
                name: name.to_owned(),
                planned_date: None,
                actual_date: Some(date),
            };
            let visit = batch.add_visit(subject_id, &data).await.map_err(fail)?;
            Ok((visit, false))
        }
    }
}

/// A row of the `visit` form: the visit with its dates, found by its name. The row is the
/// whole visit: a blank date clears a stored one, with the import's reason.
pub async fn row(import: &mut Import<'_>, keyed: &Keyed<'_>) -> Result<Done, Refused> {
    let row = keyed.row;
    let fail = |error| refused(row, Form::Visit, error);
    let subject = import.subject(row, &keyed.key.subject).await?;
    let mut reader = import.reader(row);
    let planned_date = reader.optional_date("visit.planned_date");
    let actual_date = reader.optional_date("visit.actual_date");
    let void = reader.entered_in_error(Form::Visit);
    reader.finish(Some(()))?;
    // The mapping requires keys.visit for this form; a row without one was refused as a key.
    let Some(name) = keyed.key.visit.clone() else {
        return Err(Refused::Row(vec![Rejection::key(
            row,
            None,
            "names no visit",
        )]));
    };
    let data = VisitData {
        name: name.clone(),
        planned_date,
        actual_date,
    };
    let found = named(import, row, subject.id, &name).await?;
    let batch = &mut import.batch;
    let result = match (void, found) {
        (Some(_), None) => Ok(Done::Unchanged),
        (Some(why), Some(visit)) => batch
            .remove_visit(visit.id, visit.version, &why)
            .await
            .map(|()| Done::Voided),
        (None, None) => batch
            .add_visit(subject.id, &data)
            .await
            .map(|_| Done::Created),
        (None, Some(visit)) if visit.data == data => Ok(Done::Unchanged),
        (None, Some(visit)) => batch
            .update_visit(visit.id, visit.version, &data, import.reason)
            .await
            .map(|_| Done::Updated),
    };
    result.map_err(fail)
}
