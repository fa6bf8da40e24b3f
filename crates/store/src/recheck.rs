//! A change of a subject rechecks its whole casebook: every live record of every kind, against
//! the subject as it will stand, so that no record is left that its subject no longer allows
//! (a birth date moved after a visit). Above the kinds and the generic record path, which do not
//! name one another through it.

use jiff::civil::Date;

use crate::Refusal;
use crate::db::Tx;
use crate::error::StoreError;
use crate::group::BoxFuture;
use crate::record::SubjectRecord;
use crate::records::live_rows_of;
use crate::schema::{Kind, VISIT};
use crate::subjects::Subject;
use crate::value::{Ty, Value};

/// Checks every live record of `subject` (visits and subject records) against `subject` as it
/// will stand after a change; the first record that would no longer be valid is named.
pub(crate) async fn subject_records(
    tx: &mut Tx,
    subject: &Subject,
    today: Date,
) -> Result<(), StoreError> {
    let rechecks = rechecks();
    let kinds: Vec<&'static Kind> = std::iter::once(&VISIT)
        .chain(rechecks.iter().map(|(kind, _)| *kind))
        .collect();
    let held = kinds_held(tx, &kinds, subject.id).await?;
    if held[0] {
        for (id, visit) in live_rows_of(tx, &VISIT, subject.id).await? {
            crate::subjects::visit_data_from(&visit)
                .check(subject, today)
                .map_err(|error| no_longer_valid(&VISIT, id, error))?;
        }
    }
    for ((_, recheck), held) in rechecks.into_iter().zip(&held[1..]) {
        if *held {
            recheck(tx, subject, today).await?;
        }
    }
    Ok(())
}

/// Whether `subject_id` has live records of each of `kinds` (by the condition [`live_rows_of`]
/// reads them by), in one statement: a kind without any has nothing to recheck, and a subject
/// being enrolled has little more than its screening checklist.
async fn kinds_held(
    tx: &mut Tx,
    kinds: &[&'static Kind],
    subject_id: i64,
) -> Result<Vec<bool>, StoreError> {
    let columns: Vec<String> = kinds
        .iter()
        .map(|kind| {
            format!(
                "EXISTS (SELECT 1 FROM {} WHERE subject_id = $1 AND NOT removed)",
                kind.table
            )
        })
        .collect();
    let types = vec![Ty::Bool; kinds.len()];
    let row = tx
        .fetch_optional(
            &format!("SELECT {}", columns.join(", ")),
            &[subject_id.into()],
            &types,
        )
        .await?
        .unwrap_or_default();
    // A flag that did not come back is read as held: that kind is then read and rechecked.
    Ok((0..kinds.len())
        .map(|i| row.get(i).and_then(Option::as_ref).and_then(Value::as_bool) != Some(false))
        .collect())
}

/// Checks the live records of one kind against a changed subject.
type Recheck = for<'a> fn(&'a mut Tx, &'a Subject, Date) -> BoxFuture<'a, Result<(), StoreError>>;

/// Every kind of record of a casebook but the visit (checked above), with its check; a test
/// holds it to `CASEBOOK_RECORDS`, so a new kind cannot be left unchecked.
fn rechecks() -> [(&'static Kind, Recheck); 16] {
    fn entry<T: SubjectRecord>() -> (&'static Kind, Recheck) {
        (T::kind(), |tx, subject, today| {
            Box::pin(recheck::<T>(tx, subject, today))
        })
    }
    [
        entry::<crate::clasi::ClasiAssessment>(),
        entry::<crate::sledai::SledaiAssessment>(),
        entry::<crate::labs::LabResult>(),
        entry::<crate::doses::DosePeriod>(),
        entry::<crate::adverse_events::AdverseEvent>(),
        entry::<crate::decisions::ProtocolDecision>(),
        entry::<crate::decisions::EligibilityRecord>(),
        entry::<crate::course::Disposition>(),
        entry::<crate::course::ProtocolDeviation>(),
        entry::<crate::course::ProtocolEvent>(),
        entry::<crate::history::MedicalHistory>(),
        entry::<crate::history::ConcomitantMedication>(),
        entry::<crate::nerve_conduction::NerveConduction>(),
        entry::<crate::nerve_conduction::NerveConductionStudy>(),
        entry::<crate::questionnaire::Questionnaire>(),
        entry::<crate::photos::Photo>(),
    ]
}

async fn recheck<T: SubjectRecord>(
    tx: &mut Tx,
    subject: &Subject,
    today: Date,
) -> Result<(), StoreError> {
    for (id, row) in live_rows_of(tx, T::kind(), subject.id).await? {
        T::from_row(&row)?
            .check(subject, today)
            .map_err(|error| no_longer_valid(T::kind(), id, error))?;
    }
    Ok(())
}

fn no_longer_valid(kind: &Kind, id: i64, error: StoreError) -> StoreError {
    let why = match error {
        StoreError::Invalid { field, message } => Refusal::of("refusal-of-field")
            .field("field", &field)
            .phrase("refusal", message),
        other => Refusal::untranslated(other),
    };
    StoreError::invalid(
        "subject",
        Refusal::of("refusal-would-invalidate")
            .record("record", kind.name)
            .with("id", id)
            .phrase("why", why),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change of the subject rechecks every kind of its casebook: the visits, then each kind
    /// of `rechecks`.
    #[test]
    fn every_kind_of_the_casebook_is_rechecked() {
        let rechecked: Vec<&str> = std::iter::once(VISIT.name)
            .chain(rechecks().iter().map(|(kind, _)| kind.name))
            .collect();
        let casebook: Vec<&str> = crate::schema::CASEBOOK_RECORDS
            .iter()
            .map(|kind| kind.name)
            .collect();
        let mut sorted = rechecked.clone();
        sorted.sort_unstable();
        let mut expected = casebook.clone();
        expected.sort_unstable();
        assert_eq!(sorted, expected);
    }

    /// Each kind a subject change asks about (`kinds_held`) is found by an index on
    /// `subject_id` in SQLite's plan, never by a scan of its table: CLASI and SLEDAI-2K had none,
    /// and entering a patient then read both tables whole, slower as the record grew. Both
    /// backends' migrations create the same indexes.
    #[tokio::test]
    async fn every_kind_held_is_found_by_an_index() {
        let db = crate::testing::TestDb::new(crate::db::Backend::Sqlite);
        let (store, _) = crate::testing::new_study(&db, "Indexes").await;
        let mut tx = store.pool.read().await.expect("read");
        let rechecks = rechecks();
        let kinds = std::iter::once(&VISIT).chain(rechecks.iter().map(|(kind, _)| *kind));
        for kind in kinds {
            let sql = format!(
                "EXPLAIN QUERY PLAN SELECT 1 FROM {} WHERE subject_id = $1 AND NOT removed",
                kind.table
            );
            let plan = tx
                .fetch(&sql, &[1.into()], &[Ty::Int, Ty::Int, Ty::Int, Ty::Text])
                .await
                .expect("plan");
            let steps: Vec<String> = plan
                .into_iter()
                .filter_map(|row| match row.into_iter().nth(3).flatten() {
                    Some(Value::Text(step)) => Some(step),
                    _ => None,
                })
                .collect();
            let searched = format!("SEARCH {} USING INDEX", kind.table);
            assert!(
                steps.iter().any(|step| step.starts_with(&searched))
                    && steps.iter().all(|step| !step.starts_with("SCAN")),
                "{}: {steps:?}",
                kind.table
            );
        }
    }
}
