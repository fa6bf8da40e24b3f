//! The subject's record as the protocol engine reads it: the records a decision needs, read in
//! one snapshot, turned into a `protocol::History`, and the decision on a date. One place for
//! every channel (the pages, the API, the command line), so each gets the same decision and the
//! same reason when there is none.

use std::str::FromStr;

use instruments::ctcae::{CtcaeGrade, LabTest, LabUnit};
use jiff::civil::Date;
use protocol::history::{
    ClasiActivity, ClasiDamage, ClasiRecord, DoseRecord, EventKind, EventRecord, LabRecord,
    NerveConductionRecord, Patient, SledaiRecord, SledaiScore,
};
use protocol::{Decision, History, Protocol};
use words::{Arg, Language, Words};

use crate::Store;
use crate::adverse_events::AdverseEvent;
use crate::clasi::ClasiAssessment;
use crate::course::{Disposition, DispositionStatus, ProtocolEvent};
use crate::doses::DosePeriod;
use crate::error::StoreError;
use crate::history::ConcomitantMedication;
use crate::labs::LabResult;
use crate::nerve_conduction::NerveConductionStudy;
use crate::record::Stored;
use crate::records::records_in;
use crate::sledai::SledaiAssessment;
use crate::subjects::{BirthOrAge, Sex, Subject, subject_in};

/// Why the protocol has no decision for a subject: shown to the user, never a failure. Said in
/// English by `Display`, in a reader's language by [`Unavailable::said`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    NotEnrolled,
    /// The engine refused the record (a contradiction, a value it cannot read), naming it.
    Record(String),
}

impl Unavailable {
    /// Why, in the language of `words`.
    pub fn said(&self, words: &Words) -> String {
        match self {
            Unavailable::NotEnrolled => words.get("decision-not-enrolled"),
            Unavailable::Record(why) => words.format(
                "decision-cannot-decide",
                &[("why", Arg::from(why.as_str()))],
            ),
        }
    }
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.said(Words::of(Language::English)))
    }
}

impl std::error::Error for Unavailable {}

/// Everything the engine needs about a subject, read in one snapshot.
#[derive(Clone, Debug)]
pub struct ClinicalRecord {
    pub subject: Subject,
    pub clasi: Vec<Stored<ClasiAssessment>>,
    pub sledai: Vec<Stored<SledaiAssessment>>,
    pub labs: Vec<Stored<LabResult>>,
    pub doses: Vec<Stored<DosePeriod>>,
    pub adverse_events: Vec<Stored<AdverseEvent>>,
    pub events: Vec<Stored<ProtocolEvent>>,
    pub dispositions: Vec<Stored<Disposition>>,
    pub conmeds: Vec<Stored<ConcomitantMedication>>,
    pub nerve_studies: Vec<Stored<NerveConductionStudy>>,
    /// The subject's arm code, for a protocol whose open-label extension the arms enter
    /// differently, when whoever asks holds the allocation secret ([`Store::extension_arm`]);
    /// `None` otherwise. A decision reads it only from the extension's first day.
    pub arm: Option<String>,
}

impl ClinicalRecord {
    /// The engine's history from the enrolment date. A CLASI with an unassessed activity item
    /// and a lab value that is missing are left out (missing is not zero); labs CTCAE does not
    /// grade are not the engine's. A dose that is no level of the protocol is refused by name,
    /// never dropped.
    pub fn history(&self, protocol: &Protocol) -> Result<History, Unavailable> {
        let subject = &self.subject;
        let start_date = subject
            .data
            .enrolment_date
            .ok_or(Unavailable::NotEnrolled)?;
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
            .map(|record| {
                let dose = &record.data;
                let level = protocol.level_of(&dose.regimen).map_err(|refusal| {
                    Unavailable::Record(format!(
                        "doses: the period from {}: {refusal}; correct the dose period",
                        dose.start_date
                    ))
                })?;
                Ok(DoseRecord {
                    from: dose.start_date,
                    to: dose.end_date,
                    level: level.id.clone(),
                })
            })
            .collect::<Result<_, Unavailable>>()?;
        let events = self.events_for_engine(start_date);
        Ok(History {
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
            nerve_conduction: self
                .nerve_studies
                .iter()
                .map(|study| NerveConductionRecord {
                    date: study.data.tested_on,
                    finding: study.data.finding.engine(),
                })
                .collect(),
            arm: None,
        })
    }

    /// Every event the engine's rules read, from the record as entered: the adverse events; a
    /// grade 4 or 5 adverse event is also a life-threatening complication (CTCAE v5.0's grade 4
    /// is "life-threatening consequences"); the protocol events; a disposition that is one of the
    /// paper's reasons to stop (withdrawal by the subject is consent withdrawn, pregnancy, the
    /// physician's decision); a concomitant medication started or stopped after the start (a
    /// change of concomitant medication).
    fn events_for_engine(&self, start: Date) -> Vec<EventRecord> {
        let event = |date, kind, note: Option<String>| EventRecord {
            date,
            kind,
            grade: None,
            term: None,
            note,
        };
        let mut events = Vec::new();
        for record in &self.adverse_events {
            let ae = &record.data;
            events.push(EventRecord {
                date: ae.start_date,
                kind: EventKind::AdverseEvent,
                grade: Some(ae.grade.number()),
                term: Some(ae.term),
                note: None,
            });
            if ae.grade >= CtcaeGrade::G4 {
                let note = format!("{} grade {}", ae.term, ae.grade.number());
                events.push(event(ae.start_date, EventKind::LifeThreatening, Some(note)));
            }
        }
        for record in &self.events {
            let data = &record.data;
            events.push(event(
                data.occurred_on,
                data.event.engine_kind(),
                data.note.clone(),
            ));
        }
        for record in &self.dispositions {
            let data = &record.data;
            let kind = match data.status {
                DispositionStatus::WithdrawalBySubject => EventKind::ConsentWithdrawn,
                DispositionStatus::Pregnancy => EventKind::Pregnancy,
                DispositionStatus::PhysicianDecision => EventKind::PhysicianDecision,
                _ => continue,
            };
            events.push(event(data.disposition_date, kind, data.details.clone()));
        }
        for record in &self.conmeds {
            let data = &record.data;
            for (date, what) in [(data.start_date, "started"), (data.end_date, "stopped")] {
                if let Some(date) = date.filter(|date| *date > start) {
                    let note = format!("{} {what}", data.words());
                    events.push(event(date, EventKind::ConcomitantChange, Some(note)));
                }
            }
        }
        events
    }

    /// What the protocol asks for on `as_of`, or why it cannot say, in English as the record
    /// keeps it.
    pub fn decide(&self, protocol: &Protocol, as_of: Date) -> Result<Decision, Unavailable> {
        self.decide_in(protocol, as_of, Language::English)
    }

    /// [`ClinicalRecord::decide`], its sentences in `language` (as a page shows them).
    pub fn decide_in(
        &self,
        protocol: &Protocol,
        as_of: Date,
        language: Language,
    ) -> Result<Decision, Unavailable> {
        let mut history = self.history(protocol)?;
        // Before the extension the arm is not the engine's to read, nor to mention.
        history.arm = self.arm.clone().filter(|_| {
            protocol
                .extension()
                .is_some_and(|extension| extension.starts_on(history.start_date) <= as_of)
        });
        protocol::decide_in(protocol, &history, as_of, language)
            .map_err(|error| Unavailable::Record(error.to_string()))
    }
}

impl Store {
    /// The records of `subject_id` a decision reads, in one snapshot.
    pub async fn clinical_record(&self, subject_id: i64) -> Result<ClinicalRecord, StoreError> {
        let mut tx = self.pool.read().await?;
        Ok(ClinicalRecord {
            subject: subject_in(&mut tx, subject_id).await?,
            clasi: records_in(&mut tx, subject_id).await?,
            sledai: records_in(&mut tx, subject_id).await?,
            labs: records_in(&mut tx, subject_id).await?,
            doses: records_in(&mut tx, subject_id).await?,
            adverse_events: records_in(&mut tx, subject_id).await?,
            events: records_in(&mut tx, subject_id).await?,
            dispositions: records_in(&mut tx, subject_id).await?,
            conmeds: records_in(&mut tx, subject_id).await?,
            nerve_studies: records_in(&mut tx, subject_id).await?,
            arm: None,
        })
    }
}
