//! The one path of every form whose rows are records of a subject (`store::SubjectRecord`):
//! the row is read into the record, its visit found or created, the stored record with the same
//! key found, and the record added, corrected with the import's reason, left alone when it
//! holds the same values, or marked entered in error. Each form says only how a row reads and
//! what its key is ([`RecordForm`]).

use jiff::civil::Date;
use protocol::Protocol;
use store::{StoreError, Stored, SubjectRecord};

use super::apply::{Import, Keyed};
use super::form::Form;
use super::outcome::{Done, Refused, refused};
use super::reader::Reader;
use super::visit;

/// A form whose rows are records of type `Record`.
pub trait RecordForm {
    type Record: SubjectRecord + PartialEq;
    const FORM: Form;

    /// The record of the row, for `subject_id` (and no visit yet); `None` when a cell is
    /// refused (the reader holds why).
    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<Self::Record>;

    /// The record's date: a visit the import creates for it takes this date, unless the row
    /// gives `visit.actual_date`.
    fn date(record: &Self::Record) -> Date;

    /// Puts the record at a visit (forms keyed by visit; the others have no visit).
    fn at_visit(_record: &mut Self::Record, _visit_id: i64) {}

    /// Whether `stored` has the key of `row`'s record, besides the subject and the visit (a
    /// lab's test, an adverse event's term). Forms keyed by subject and visit alone keep the
    /// default.
    fn same_key(_stored: &Self::Record, _row: &Self::Record) -> bool {
        true
    }

    /// Codes the record's words as the store will, so that it matches the stored record
    /// however they were spelt (the store codes it again when it keeps it).
    fn code(_record: &mut Self::Record, _protocol: &Protocol) -> Result<(), StoreError> {
        Ok(())
    }
}

/// One row of a record form. `rank` is the row's place among the file's rows with its key, in
/// the order of their repeat numbers: it is matched to the stored record of that rank.
pub async fn row<F: RecordForm>(
    import: &mut Import<'_>,
    keyed: &Keyed<'_>,
    rank: usize,
) -> Result<Done, Refused> {
    let row = keyed.row;
    let fail = |error| refused(row, F::FORM, error);
    let subject = import.subject(row, &keyed.key.subject).await?;
    let mut reader = import.reader(row);
    let record = F::read(&mut reader, subject.id);
    let visit_date = reader.optional_date("visit.actual_date");
    if keyed.key.visit.is_none() && visit_date.is_some() {
        // A date for no visit would be dropped: say so rather than ignore it.
        reader.refuse(
            "visit.actual_date",
            "the row names no visit (its visit key is blank), so it has no visit date",
        );
    }
    let void = reader.entered_in_error(F::FORM);
    let mut record = reader.finish(record)?;
    F::code(&mut record, &import.protocol).map_err(fail)?;
    let mut changed_visit = false;
    if let Some(name) = &keyed.key.visit {
        let at = if void.is_some() {
            // Nothing is created only to mark a record entered in error.
            visit::named(import, row, subject.id, name).await?
        } else {
            let date = visit_date.unwrap_or_else(|| F::date(&record));
            let (visit, changed) =
                visit::for_record(import, row, subject.id, name, visit_date, date).await?;
            changed_visit = changed;
            Some(visit)
        };
        match at {
            Some(visit) => F::at_visit(&mut record, visit.id),
            None => return Ok(Done::Unchanged),
        }
    }
    let same_key: Vec<Stored<F::Record>> = import
        .batch
        .records_of::<F::Record>(subject.id)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|stored| {
            stored.data.visit_id() == record.visit_id() && F::same_key(&stored.data, &record)
        })
        .collect();
    let batch = &mut import.batch;
    let result = match (void, same_key.get(rank)) {
        // Already marked on an earlier import, or never imported.
        (Some(_), None) => Ok(Done::Unchanged),
        (Some(why), Some(stored)) => batch
            .remove_record::<F::Record>(stored.id, stored.version, &why)
            .await
            .map(|()| Done::Voided),
        (None, None) => batch.add_record(&record).await.map(|_| Done::Created),
        (None, Some(stored)) if stored.data == record && !changed_visit => Ok(Done::Unchanged),
        (None, Some(stored)) if stored.data == record => Ok(Done::Updated),
        (None, Some(stored)) => batch
            .update_record(stored.id, stored.version, &record, import.reason)
            .await
            .map(|_| Done::Updated),
    };
    result.map_err(fail)
}
