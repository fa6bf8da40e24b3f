//! The study record: an append-only, SHA-256-chained audit trail whose projections (current-state
//! tables) are written in the same transaction, on SQLite (the default, one file) or PostgreSQL.
//!
//! Codemap:
//! - `db`: the two backends behind one query surface (open, migrate, read/write transactions).
//! - `value`, `schema`: field values and the entity descriptors every generic path works from.
//! - `event`: an audit event, its canonical bytes and hash.
//! - `writer`: the one write path (events + projections, optimistic versions, reasons).
//! - `batch`: many commands in one all-or-nothing transaction (import, demo, simulate); a
//!   refused command is undone alone, or ends a batch undone whole (`Undo::Whole`).
//! - `verify`: recompute the chain, rebuild projections in memory, compare with the tables.
//! - `study`, `people`, `signatures`: typed commands and reads per entity; `subjects` holds the
//!   types and reads of subjects and visits, `subject_commands` their add, change and remove
//!   (so `records` reads subjects without the commands reading it back); `void` marks a record
//!   of any kind entered in error.
//! - `changed`: what every change of a casebook does besides itself (lock check, signatures
//!   voided, verification cleared); `locks` and `verification` (source data verification).
//! - `sessions`, `throttle`, `tokens`: web sessions, password-guessing throttle, API tokens.
//! - `record`: what a subject record is (`SubjectRecord`, `Stored`, the checks kinds share);
//!   `records`: their generic path (`clasi`, `sledai`, `labs`, `doses`, `adverse_events`,
//!   `decisions`, `course`, `history`, `nerve_conduction`, `questionnaire`: the outcome
//!   instruments, answers checked against the protocol's `[outcomes]`, scored when read); `recheck`: a changed subject's
//!   whole casebook checked again, above the kinds and the generic path.
//! - `stream`: paged reads of the whole record in one transaction, for exports.
//! - `randomisation`: randomisation at enrolment (number, factor levels, stratum, place; never
//!   the arm, which only the allocation secret recomputes: [`arms`]).
//! - `allocation_check`: the allocation secret's registered check, which every use of a secret
//!   file must match.
//! - `photos`: lesion photographs (a record per picture, the one upload command); their files
//!   are checked and stripped of metadata by `photo_content` and kept outside the database
//!   under their SHA-256 by `photo_files` (`<db>.files/` beside a SQLite file; given for
//!   PostgreSQL), which `verify` and `backup` check and copy too.
//! - `patient_links`: one-time links by which a patient answers a visit's questionnaire in
//!   its scheduled window, through the record command staff use, the patient the actor.
//! - `central_reading`: a central reader's blinded scores of photographs, by opaque reading id.
//! - `backup`: SQLite online backup with the photographs' files, verified after writing.
//! - `refusal`: why an input was refused, as a message of the `words` catalogue.
//!
//! Invariants: nothing is ever deleted or updated in `audit_event`; every projection row equals
//! the replay of its events; a refused command writes nothing; subjects appear only under their
//! pseudonymous study id.

mod adverse_events;
mod allocation_check;
mod auth;
mod backup;
mod batch;
mod central_reading;
mod changed;
mod check;
mod clasi;
pub mod clinical;
mod course;
mod dashboard;
mod db;
mod decimal;
mod decisions;
mod doses;
mod downloads;
mod enrolment;
mod error;
mod event;
mod group;
mod history;
mod labs;
mod locks;
mod names;
mod nerve_conduction;
mod patient_links;
mod people;
mod photo_content;
mod photo_files;
mod photos;
mod queries;
mod questionnaire;
mod randomisation;
mod reads;
mod recheck;
mod record;
mod records;
mod refusal;
mod schema;
mod sessions;
mod signatures;
mod sledai;
pub mod stream;
mod study;
mod subject_commands;
mod subjects;
#[cfg(feature = "test-support")]
pub mod testing;
mod throttle;
mod tokens;
mod value;
mod verification;
mod verify;
mod void;
mod writer;

pub use adverse_events::{ActionTaken, AdverseEvent, Causality, Outcome};
pub use allocation_check::AllocationCheck;
pub use auth::{Actor, Password, Role};
pub use batch::{Batch, BatchRefused, Undo};
pub use central_reading::{AreaScore, CentralScore, Reading};
pub use clasi::ClasiAssessment;
pub use clinical::{ClinicalRecord, Unavailable};
pub use course::{
    DeviationCategory, Disposition, DispositionStatus, EventType, ProtocolDeviation, ProtocolEvent,
};
pub use dashboard::{
    EnrolledSubject, LabSignal, QueryHeld, SafetySignal, SiteCounts, VisitHeld,
    logged_as_adverse_event,
};
pub use db::{Backend, DbUrl};
pub use decimal::Decimal;
pub use decisions::{EligibilityRecord, ProtocolDecision};
pub use doses::{DoseChange, DoseChanged, DosePeriod, NewDose};
pub use downloads::Download;
pub use enrolment::Enrolment;
pub use error::{Conflict, StoreError};
pub use event::{Event, GENESIS_HASH};
pub use history::{
    ConcomitantMedication, ConmedDose, DailyDose, HistoryCategory, MedicalHistory, daily_dose,
};
pub use labs::LabResult;
pub use locks::{Lock, Locked};
pub use names::NamedEvent;
pub use nerve_conduction::{Finding, NerveConduction, NerveConductionStudy, Side};
pub use patient_links::{IssuedLink, LinkState, PatientLink, Window, link_of_actor, visit_window};
pub use people::{NewUser, Site, User};
pub use photo_content::{MAX_PHOTO_BYTES, MediaType};
pub use photos::{NewPhoto, Photo, PhotoFile};
pub use queries::{DataQuery, QueryStatus};
pub use questionnaire::{
    Questionnaire, Source as AnswerSource, instrument as questionnaire_instrument,
    not_collected as instrument_not_collected,
};
pub use randomisation::{Randomisation, Unblinded, Unblinding, arms};
pub use reads::Grant;
pub use record::{Stored, SubjectRecord};
pub use refusal::Refusal;
pub use sessions::SessionActor;
pub use signatures::{Meaning, Signature, Signed};
pub use sledai::SledaiAssessment;
pub use study::{NewStudy, Study};
pub use subjects::{BirthOrAge, Sex, Subject, SubjectData, Visit, VisitData, subject_code};
pub use throttle::{FailedLogins, LoggedIn, LoginAttempt, SecurityEvent, Throttle};
pub use tokens::{ApiToken, DEFAULT_TOKEN_DAYS, MIN_TOKEN_CHARS, default_token_expiry};
pub use value::{Entry, Missing};
pub use value::{Ty, Value};
pub use verification::{SourceVerification, VerificationDue};
pub use verify::{Head, Problem, Verification};
pub use void::VOIDABLE;
pub use writer::Reason;

use db::{OpenMode, Pool};

/// An open study record.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Single commands from concurrent callers, committed together (`group`).
    committer: group::Committer,
    /// How failed password attempts slow further ones (`throttle`).
    throttle: Throttle,
    /// Where photographs' files are kept (`photo_files`); none for PostgreSQL until given.
    photos: Option<photo_files::PhotoDir>,
}

/// The SHA-256 of `text` as lowercase hex: how the record keeps tokens, password hashes and the
/// protocol file without holding them.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Which events `audit_page` returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only events about this subject (by pseudonymous study id).
    pub subject: Option<String>,
    /// Only events recorded at or after this time.
    pub since: Option<jiff::Timestamp>,
    /// Only events recorded before this time.
    pub until: Option<jiff::Timestamp>,
    /// Only events of this kind of record (`clasi`, `adverse_event`, ...; see
    /// [`stream::Entity::all`]).
    pub entity: Option<String>,
    /// Only events changing this field (of any kind of record that has it).
    pub field: Option<String>,
    /// Only events by this login.
    pub actor: Option<String>,
}

impl EventFilter {
    /// Refuses a kind of record or a field no record has, so that a typo is never taken for
    /// "no events".
    fn check(&self) -> Result<(), StoreError> {
        if let Some(entity) = &self.entity
            && stream::Entity::named(entity).is_none()
        {
            let known: Vec<&str> = stream::Entity::all().map(|entity| entity.name()).collect();
            return Err(StoreError::invalid(
                "entity",
                Refusal::of("refusal-no-such-kind")
                    .with("entity", entity)
                    .with("known", known.join(", ")),
            ));
        }
        if let Some(field) = &self.field {
            let mut entities: Vec<stream::Entity> = match &self.entity {
                Some(entity) => stream::Entity::named(entity).into_iter().collect(),
                None => stream::Entity::all().collect(),
            };
            entities.retain(|entity| entity.fields().any(|known| known.name == field));
            if entities.is_empty() {
                return Err(StoreError::invalid(
                    "field",
                    match &self.entity {
                        Some(entity) => Refusal::of("refusal-no-such-field-of")
                            .with("field", field)
                            .record("record", entity),
                        None => Refusal::of("refusal-no-such-field-anywhere").with("field", field),
                    },
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Opens an existing record and applies any pending migrations.
    pub async fn open(url: &DbUrl) -> Result<Store, StoreError> {
        Store::of_study(Pool::open(url, OpenMode::Existing).await?, url).await
    }

    /// Opens an existing record to read it only: nothing is migrated and nothing can be written
    /// (SQLite read-only connections, PostgreSQL read-only transactions), and a SQLite file is
    /// left byte for byte as it was. Refused, naming the record, when it is not a cletrial study
    /// record or its schema is not this build's (an older one is upgraded by a command that
    /// writes).
    pub async fn open_read_only(url: &DbUrl) -> Result<Store, StoreError> {
        Store::of_study(Pool::open(url, OpenMode::ReadOnly).await?, url).await
    }

    /// The store on `pool` (the record at `url`), refused (and closed) when the record holds no
    /// study.
    async fn of_study(pool: Pool, url: &DbUrl) -> Result<Store, StoreError> {
        let store = Store::on(pool).beside(url);
        match store.is_initialised().await {
            Ok(true) => Ok(store),
            initialised => {
                store.close().await;
                initialised?;
                Err(StoreError::invalid(
                    "db",
                    Refusal::of("refusal-db-no-study"),
                ))
            }
        }
    }

    /// With the photograph directory a record at `url` has by default (`photo_files`).
    fn beside(mut self, url: &DbUrl) -> Store {
        self.photos = photo_files::PhotoDir::beside(url);
        self
    }

    fn on(pool: Pool) -> Store {
        Store {
            committer: group::Committer::new(pool.clone()),
            pool,
            throttle: Throttle::default(),
            photos: None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// Closes the connections (a SQLite file is then checkpointed).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn is_initialised(&self) -> Result<bool, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch("SELECT id FROM study", &[], &[value::Ty::Int])
            .await?;
        Ok(!rows.is_empty())
    }

    /// One page of the audit trail: events after `after_seq`, in order, at most `limit`.
    pub async fn audit_page(
        &self,
        filter: &EventFilter,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let mut tx = self.pool.read().await?;
        let subject_id = match &filter.subject {
            None => None,
            Some(code) => Some(
                writer::find_by(&mut tx, &schema::SUBJECT, "code", code)
                    .await?
                    .map(|(id, _)| id)
                    .ok_or_else(|| StoreError::NotFound {
                        entity: "subject",
                        id: code.clone(),
                    })?,
            ),
        };
        filter.check()?;
        event::page(&mut tx, after_seq, limit, subject_id, filter).await
    }
}
