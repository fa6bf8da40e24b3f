//! What a subject record is, whatever its kind: the trait each kind implements, the record as
//! stored, the checks kinds share, and the read of one record of a subject by its kind's name
//! (what a query, a verification or a lock points at). The generic path that adds, changes and
//! removes them is `records`; the modules of the kinds and of what points at a record need
//! only this one.

use jiff::civil::Date;
use protocol::Protocol;

use crate::Refusal;
use crate::auth::Actor;
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::{Kind, SUBJECT};
use crate::subjects::Subject;
use crate::writer::{self, Changes, Row};

mod sealed {
    pub trait Sealed {}
}

/// A record type kept for one subject. Implemented in this crate only.
pub trait SubjectRecord: Clone + Send + Sync + 'static + sealed::Sealed {
    #[doc(hidden)]
    fn kind() -> &'static Kind;
    fn subject_id(&self) -> i64;
    /// The visit the record was taken at, if any (its signatures then cover the record).
    fn visit_id(&self) -> Option<i64> {
        None
    }
    /// Ranges and dates against the subject as it stands.
    #[doc(hidden)]
    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError>;
    /// At most one live record of the kind per visit (a CLASI, a SLEDAI-2K): a second one is
    /// refused as [`StoreError::Exists`], naming the first.
    #[doc(hidden)]
    const ONE_PER_VISIT: bool = false;
    /// At most one live record of the kind per visit and key (a DLQI, a Skindex: one of each
    /// instrument): a second with the same key is refused as [`StoreError::Exists`].
    #[doc(hidden)]
    fn per_visit_key(&self) -> Option<String> {
        None
    }
    /// Whether [`SubjectRecord::code`] reads the study's protocol (only then is it loaded).
    #[doc(hidden)]
    const CODED: bool = false;
    /// Codes the record's words against the protocol's vocabularies before it is checked and
    /// kept (a lab test by the protocol's list): a safety rule must not depend on how a word
    /// was typed. Most records have nothing to code.
    #[doc(hidden)]
    fn code(&mut self, _protocol: &Protocol) -> Result<(), StoreError> {
        Ok(())
    }
    /// The days a record covers and what it covers them for (a dose period: its drug): two live
    /// records of a subject with the same key must not overlap. Most records cover no span.
    #[doc(hidden)]
    fn span(&self) -> Option<(&'static str, Date, Option<Date>)> {
        None
    }
    /// Refuses a record `actor` may not be the one to enter: staff enter every kind; the
    /// patient answering through a one-time link (`patient_links`) enters nothing but their
    /// own answers, which [`crate::Questionnaire`] allows.
    #[doc(hidden)]
    fn entered_by(&self, actor: &Actor) -> Result<(), StoreError> {
        match actor.patient_link {
            None => Ok(()),
            Some(_) => Err(StoreError::Forbidden(format!(
                "a patient does not enter a {} record",
                Self::kind().name
            ))),
        }
    }
    /// Every field, derived ones included.
    #[doc(hidden)]
    fn changes(&self) -> Result<Changes, StoreError>;
    #[doc(hidden)]
    fn from_row(row: &Row) -> Result<Self, StoreError>;
}

pub(crate) use sealed::Sealed;

/// A record as it stands: id and version (for the next change) and its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored<T> {
    pub id: i64,
    pub version: i64,
    pub data: T,
}

/// The subject's consent date, which every record of that subject must not precede.
pub(crate) fn not_before_consent(
    field: &str,
    date: Date,
    subject: &Subject,
) -> Result<(), StoreError> {
    match subject.data.consent_date {
        // A retrospective review: the chart's records predate the review, with no consent.
        _ if subject.consent_waived => Ok(()),
        Some(consent) if date >= consent => Ok(()),
        Some(consent) => Err(StoreError::invalid(
            field,
            Refusal::of("refusal-date-before-consent")
                .with("date", date)
                .with("consent", consent),
        )),
        None => Err(StoreError::invalid(
            field,
            Refusal::of("refusal-no-consent-date"),
        )),
    }
}

/// An optional end date: on or after `start`, not in the future.
pub(crate) fn end_after_start(
    field: &str,
    end: Option<Date>,
    start: Date,
    today: Date,
) -> Result<(), StoreError> {
    if let Some(end) = end {
        check::not_future(field, end, today)?;
        if end < start {
            return Err(StoreError::invalid(
                field,
                Refusal::of("refusal-end-before-start")
                    .with("end", end)
                    .with("start", start),
            ));
        }
    }
    Ok(())
}

/// The site of live subject `subject_id`, under the writer lock.
pub(crate) async fn site_of_subject(tx: &mut Tx, subject_id: i64) -> Result<i64, StoreError> {
    let subject = writer::load(tx, &SUBJECT, subject_id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: "subject",
            id: subject_id.to_string(),
        })?;
    subject
        .int("site_id")
        .ok_or_else(|| StoreError::corrupt("subject without a site"))
}

/// Live record `entity` `record_id` of subject `subject_id`: a record a user asks about,
/// verifies or locks ([`crate::schema::is_data_record`]).
pub(crate) async fn data_record(
    tx: &mut Tx,
    subject_id: i64,
    entity: &str,
    record_id: i64,
) -> Result<(&'static Kind, Row), StoreError> {
    let kind = crate::schema::kind(entity)
        .filter(|kind| crate::schema::is_data_record(kind))
        .ok_or_else(|| {
            StoreError::invalid(
                "entity",
                Refusal::of("refusal-not-subject-record").with("entity", entity),
            )
        })?;
    let row = writer::load(tx, kind, record_id)
        .await?
        .filter(|row| !row.removed);
    let owner = match row.as_ref() {
        Some(_) if std::ptr::eq(kind, &SUBJECT) => Some(record_id),
        Some(row) => row.int("subject_id"),
        None => None,
    };
    match row {
        Some(row) if owner == Some(subject_id) => Ok((kind, row)),
        _ => Err(StoreError::invalid(
            "record_id",
            Refusal::of("refusal-no-such-record")
                .record("record", entity)
                .with("id", record_id),
        )),
    }
}
