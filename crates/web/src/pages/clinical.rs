//! The subject's record as the protocol engine reads it: the study's protocol, the
//! `protocol::History` built from the stored records, and the decision on a date; and the one
//! write path of screening (the subject with their eligibility checklist).

use std::str::FromStr;

use instruments::ctcae::{LabTest, LabUnit};
use jiff::civil::Date;
use protocol::eligibility::EligibilityResult;
use protocol::history::{
    ClasiActivity, ClasiDamage, ClasiRecord, DoseRecord, EventKind, EventRecord, LabRecord,
    Patient, SledaiRecord, SledaiScore,
};
use protocol::model::DoseLevel;
use protocol::{Decision, History, Protocol};
use store::{
    Actor, AdverseEvent, BirthOrAge, ClasiAssessment, DosePeriod, EligibilityRecord, LabResult,
    Sex, SledaiAssessment, Store, StoreError, Stored, Subject, SubjectData,
};

use crate::error::PageError;

/// The study's protocol as amended last, or why the engine cannot read it (shown, not a 500:
/// the decision panel then says the protocol needs fixing).
pub(crate) async fn protocol_of(store: &Store) -> Result<Result<Protocol, String>, PageError> {
    let study = store.study().await?;
    Ok(Protocol::from_toml(&study.protocol_text).map_err(|error| error.to_string()))
}

/// Registers a screened candidate together with their eligibility checklist as evaluated on the
/// screening date, in one transaction: a refused subject or record leaves nothing. The
/// screening page and the API both register through here.
pub(crate) async fn register_screened(
    store: &Store,
    actor: &Actor,
    data: &SubjectData,
    result: &EligibilityResult,
) -> Result<Subject, StoreError> {
    let study = store.study().await?;
    let mut batch = store.batch(actor, None).await?;
    let subject = batch.add_subject(data).await?;
    let record = EligibilityRecord::from_result(
        subject.id,
        data.screening_date,
        study.protocol_version,
        result,
    )?;
    batch
        .add_record(&record)
        .await
        .map_err(|error| match error {
            // The checklist is dated the screening date: name the field the user gave.
            StoreError::Invalid { field, message } if field == "evaluated_on" => {
                StoreError::Invalid {
                    field: "screening_date".to_owned(),
                    message,
                }
            }
            other => other,
        })?;
    batch.commit().await?;
    Ok(subject)
}

/// A dose period's level: the protocol level whose weekly amount, spread over seven days, is the
/// period's daily dose. `DosePeriod` keeps mg per day; the level keeps mg per administration
/// and administrations per week, so 5 mg on alternate days is 2.5 mg/day.
pub(crate) fn level_of(protocol: &Protocol, daily_mg: f64) -> Option<&DoseLevel> {
    protocol
        .file()
        .dose_levels
        .iter()
        .find(|level| (level.mg_per_week() / 7.0 - daily_mg).abs() < 0.0005)
}

/// The mg per day a level gives, as the decimal text a dose period keeps (3 decimals).
pub(crate) fn daily_mg_text(mg_per_week: f64) -> String {
    let text = format!("{:.3}", mg_per_week / 7.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// Everything the engine needs about a subject, read from the record.
pub(crate) struct Record {
    pub(crate) clasi: Vec<Stored<ClasiAssessment>>,
    pub(crate) sledai: Vec<Stored<SledaiAssessment>>,
    pub(crate) labs: Vec<Stored<LabResult>>,
    pub(crate) doses: Vec<Stored<DosePeriod>>,
    pub(crate) adverse_events: Vec<Stored<AdverseEvent>>,
}

impl Record {
    pub(crate) async fn read(store: &Store, subject_id: i64) -> Result<Record, PageError> {
        Ok(Record {
            clasi: store.records_of(subject_id).await?,
            sledai: store.records_of(subject_id).await?,
            labs: store.records_of(subject_id).await?,
            doses: store.records_of(subject_id).await?,
            adverse_events: store.records_of(subject_id).await?,
        })
    }

    /// The engine's history from the enrolment date. CLASI with an unassessed activity item
    /// is left out (missing is not zero); labs the engine does not grade are left out.
    pub(crate) fn history(&self, subject: &Subject, protocol: &Protocol) -> Option<History> {
        let start_date = subject.data.enrolment_date?;
        let clasi = self
            .clasi
            .iter()
            .filter_map(|record| {
                Some(ClasiRecord {
                    date: record.data.assessed_on,
                    activity: ClasiActivity::new(record.data.activity()?)?,
                    damage: record.data.damage().and_then(ClasiDamage::new),
                })
            })
            .collect();
        let sledai = self
            .sledai
            .iter()
            .filter_map(|record| {
                Some(SledaiRecord {
                    date: record.data.assessed_on,
                    score: SledaiScore::new(record.data.sledai.score())?,
                })
            })
            .collect();
        let labs = self
            .labs
            .iter()
            .filter_map(|record| {
                let lab = &record.data;
                Some(LabRecord {
                    date: lab.collected_on,
                    test: LabTest::from_str(&lab.test).ok()?,
                    value: lab.value.value()?.as_f64(),
                    unit: LabUnit::from_str(&lab.unit).ok()?,
                    lln: lab.lln.as_ref().map(|lln| lln.as_f64()),
                })
            })
            .collect();
        let doses = self
            .doses
            .iter()
            .filter_map(|record| {
                Some(DoseRecord {
                    from: record.data.start_date,
                    to: record.data.end_date,
                    level: level_of(protocol, record.data.daily_dose_mg.as_f64())?
                        .id
                        .clone(),
                })
            })
            .collect();
        let events = self
            .adverse_events
            .iter()
            .map(|record| EventRecord {
                date: record.data.start_date,
                kind: EventKind::AdverseEvent,
                grade: Some(record.data.grade.number()),
                term: Some(record.data.term),
                note: None,
            })
            .collect();
        Some(History {
            start_date,
            patient: Patient {
                sex: match subject.data.sex {
                    Sex::Female => Some(protocol::history::Sex::F),
                    Sex::Male => Some(protocol::history::Sex::M),
                    Sex::Unknown => None,
                },
                birth_date: match subject.data.birth {
                    BirthOrAge::BirthDate(date) => Some(date),
                    BirthOrAge::AgeYears(_) => None,
                },
                reproductive_potential: None,
                irregular_menses: None,
                subtype: subject.data.subtype,
            },
            clasi,
            sledai,
            labs,
            doses,
            events,
        })
    }
}

/// What the protocol asks for on `as_of`, or why it cannot say (shown in the panel).
pub(crate) fn decision(
    protocol: &Result<Protocol, String>,
    record: &Record,
    subject: &Subject,
    as_of: Date,
) -> Result<Decision, String> {
    let protocol = protocol
        .as_ref()
        .map_err(|error| format!("The study's protocol cannot be read: {error}"))?;
    let history = record
        .history(subject, protocol)
        .ok_or("The subject is not enrolled yet, so the protocol has no decision to make.")?;
    protocol::decide(protocol, &history, as_of).map_err(|error| error.to_string())
}
