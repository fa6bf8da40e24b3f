//! Writes one patient's course into a study record, as a study team would enter it: the
//! subject, each visit with its CLASI form and the protocol's decision, the dose periods the
//! decisions named, laboratory results, adverse events and the disposition. Used by `demo` (the
//! published cohort) and `simulate --db` (virtual patients), so both records look the same.
//!
//! Every write goes through the store's audited write path, in the caller's batch (all or
//! nothing).

use instruments::clasi::{Area, Clasi};
use instruments::ctcae::LabUnit;
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::eligibility::{Candidate, Count};
use protocol::history::LabRecord;
use protocol::{Decision, Protocol};
use store::{
    ActionTaken, AdverseEvent, Batch, Causality, ClasiAssessment, Decimal, Disposition,
    DispositionStatus, DoseChange, DosePeriod, Enrolment, Entry, EventType, LabResult,
    NerveConductionStudy, NewDose, Outcome, ProtocolDecision, ProtocolEvent, Refusal, Store,
    StoreError, SubjectData, VisitData,
};

/// One patient's course, ready to enter.
#[derive(Clone, Debug)]
pub struct PatientCourse {
    /// The subject, with the enrolment date (entered by enrolment, after screening).
    pub subject: SubjectData,
    /// The screening record the eligibility checklist is evaluated on.
    pub candidate: Candidate,
    /// Visits in date order; the first is the start of treatment.
    pub visits: Vec<VisitEntry>,
    pub labs: Vec<LabRecord>,
    pub adverse_events: Vec<AdverseEventEntry>,
    /// How participation ended, when it ended before the end of follow-up.
    pub disposition: Option<(DispositionStatus, Date, String)>,
    /// The events the protocol's rules read (the physician's decision to stop ...), with a note.
    pub events: Vec<(Date, EventType, Option<String>)>,
    /// Nerve conduction studies: (date, conclusion).
    pub nerve_studies: Vec<(Date, store::Finding)>,
    /// In a randomised study, the level of each stratification factor, given at enrolment.
    pub factors: Vec<(String, String)>,
}

impl PatientCourse {
    /// The course ended as completed at its last visit when nothing ended it before: a demo's
    /// follow-up lies in the past, so none of its visits is due any more.
    pub fn completed(mut self, details: &str) -> PatientCourse {
        if self.disposition.is_none()
            && let Some(last) = self.visits.last()
        {
            self.disposition = Some((DispositionStatus::Completed, last.date, details.to_owned()));
        }
        self
    }
}

/// Why a patient was included, by the lenalidomide trial's criterion I6 (Table 1's "reason for
/// inclusion").
#[derive(Clone, Copy, Debug, Default)]
pub struct Inclusion {
    pub thalidomide_side_effects: bool,
    pub thalidomide_lack_of_efficacy: bool,
    pub bsa_over_18_percent: bool,
}

/// The screening record of a patient with lesions on `areas`: grade 2 erythema there
/// (criterion I3: "at least a grade II erythema") and the published reason for inclusion (I6).
/// The other criteria are not published per patient; every enrolled patient met them (the
/// paper recruited "according to the following eligibility criteria"), so they are recorded
/// with values that meet them: prednisone 5 mg/day stable 90 days, refractory 12 months, no
/// exclusion, normal counts and renal function. Used for the published and the virtual
/// patients, whose records are illustrations, not source data.
pub fn screening_record(areas: &[Area], inclusion: Inclusion) -> Candidate {
    let erythema = areas
        .iter()
        .filter_map(|area| Some((serde_json::to_value(area).ok()?.as_str()?.to_owned(), 2)))
        .collect();
    let count = |value: f64, unit: LabUnit| Some(Count { value, unit });
    Candidate {
        clasi_erythema: Some(erythema),
        cle_histology_confirmed: Some(true),
        prednisone_mg_per_day: Some(5.0),
        regimen_stable_days: Some(90.0),
        refractory_months: Some(12.0),
        bsa_percent: Some(if inclusion.bsa_over_18_percent {
            20.0
        } else {
            10.0
        }),
        thalidomide_severe_side_effects: Some(inclusion.thalidomide_side_effects),
        thalidomide_lack_of_efficacy: Some(inclusion.thalidomide_lack_of_efficacy),
        thalidomide_hypersensitivity: Some(false),
        pregnant: Some(false),
        lactating: Some(false),
        reproductive_potential: Some(false),
        sledai_2k: Some(2.0),
        requires_systemic_immunosuppressants: Some(false),
        platelets: count(230_000.0, LabUnit::PerMm3),
        leukocytes: count(5_000.0, LabUnit::PerMm3),
        neutrophils: count(3_000.0, LabUnit::PerMm3),
        thrombosis_history: Some(false),
        antiphospholipid_antibodies: Some(false),
        gfr: Some(95.0),
        progressive_renal_disease: Some(false),
        psychiatric_or_social_disorder: Some(false),
        hiv: Some(false),
        viral_hepatitis: Some(false),
        ..Candidate::default()
    }
}

/// One visit: its CLASI form and the decision the protocol took on it.
#[derive(Clone, Debug)]
pub struct VisitEntry {
    pub date: Date,
    pub clasi: Option<Clasi>,
    pub decision: Decision,
}

#[derive(Clone, Debug)]
pub struct AdverseEventEntry {
    pub term: instruments::ctcae::CtcaeTerm,
    /// The reporter's words, where they differ from the term.
    pub verbatim: Option<String>,
    pub grade: u8,
    pub start: Date,
    pub end: Option<Date>,
    pub causality: Causality,
    pub action_taken: ActionTaken,
    pub outcome: Outcome,
}

/// What was written for one patient (or, added up, for many).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Entered {
    pub visits: usize,
    pub decisions: usize,
    pub dose_periods: usize,
    pub labs: usize,
    pub adverse_events: usize,
}

impl std::ops::AddAssign for Entered {
    fn add_assign(&mut self, other: Entered) {
        self.visits += other.visits;
        self.decisions += other.decisions;
        self.dose_periods += other.dose_periods;
        self.labs += other.labs;
        self.adverse_events += other.adverse_events;
    }
}

/// The visit's name as the schedule would print it: `baseline`, `week 4`; a visit the engine
/// did not ask for is `unscheduled`.
fn visit_name(start: Date, date: Date, scheduled: bool) -> String {
    if date == start {
        return "baseline".to_owned();
    }
    let day = (date - start).get_days();
    let week = day / 7;
    match (scheduled, day % 7) {
        (true, 0) => format!("week {week}"),
        (true, rest) => format!("week {week} day {rest}"),
        (false, _) => format!("unscheduled (day {day})"),
    }
}

/// The dose changes the decisions named, as the store's dose-change command takes them: each
/// level from the visit that named it (the off level stops the drug); the last one runs on.
fn dose_changes(
    protocol: &Protocol,
    subject_id: i64,
    visits: &[VisitEntry],
) -> Result<Vec<DoseChange>, StoreError> {
    let drug = protocol.file().study.drug.ok_or_else(|| {
        StoreError::invalid(
            "drug",
            Refusal::untranslated("the protocol names no study drug"),
        )
    })?;
    let mut changes: Vec<DoseChange> = Vec::new();
    let mut named: Option<&str> = None;
    for visit in visits {
        let level_id = visit.decision.dose.as_str();
        if named == Some(level_id) {
            continue;
        }
        let level = protocol.dose_level(level_id).ok_or_else(|| {
            StoreError::invalid(
                "dose",
                Refusal::untranslated(format!("'{level_id}' is no dose level of the protocol")),
            )
        })?;
        let dose = match level.regimen(drug) {
            Some(regimen) => NewDose::Regimen(regimen),
            None if named.is_none() => continue,
            None => NewDose::Stop(drug),
        };
        named = Some(level_id);
        changes.push(DoseChange {
            subject_id,
            from: visit.date,
            dose,
            until: None,
        });
    }
    Ok(changes)
}

/// The periods a sequence of dose changes leaves, as [`Store::change_dose`] keeps them (for a
/// record written without a store: `simulate --tidy`).
pub(crate) fn periods_of(changes: &[DoseChange], protocol: &Protocol) -> Vec<DosePeriod> {
    let mut periods: Vec<DosePeriod> = Vec::new();
    for change in changes {
        if let Some(running) = periods
            .last_mut()
            .filter(|period| period.end_date.is_none())
        {
            running.end_date = Some(change.from.saturating_sub(1.day()));
        }
        if let NewDose::Regimen(regimen) = change.dose {
            periods.push(DosePeriod {
                subject_id: change.subject_id,
                regimen,
                level: protocol
                    .level_of(&regimen)
                    .ok()
                    .map(|level| level.id.clone()),
                start_date: change.from,
                end_date: change.until,
            });
        }
    }
    periods
}

/// The visits of `course` as the record keeps them: named by the schedule, with a planned date
/// when the engine had asked for that day.
pub(crate) fn visit_data(course: &PatientCourse) -> Vec<VisitData> {
    let start = course
        .subject
        .enrolment_date
        .unwrap_or(course.subject.screening_date);
    let mut asked_for: Option<Date> = None;
    course
        .visits
        .iter()
        .map(|visit| {
            let scheduled = asked_for == Some(visit.date);
            asked_for = visit.decision.next_visit;
            VisitData {
                name: visit_name(start, visit.date, scheduled),
                planned_date: scheduled.then_some(visit.date),
                actual_date: Some(visit.date),
            }
        })
        .collect()
}

/// The records of a course that follow its visits, in the order they are written.
pub(crate) struct AfterVisits {
    pub dose_changes: Vec<DoseChange>,
    pub labs: Vec<LabResult>,
    pub adverse_events: Vec<AdverseEvent>,
    pub events: Vec<ProtocolEvent>,
    pub nerve_studies: Vec<NerveConductionStudy>,
    pub disposition: Option<Disposition>,
}

/// The dose periods, laboratory results, adverse events and disposition of `course` for subject
/// `subject_id`; a result on a visit's day belongs to that visit (`visit_ids`: date, record id).
pub(crate) fn after_visits(
    protocol: &Protocol,
    course: &PatientCourse,
    subject_id: i64,
    visit_ids: &[(Date, i64)],
) -> Result<AfterVisits, StoreError> {
    let dose_changes = dose_changes(protocol, subject_id, &course.visits)?;
    let labs = course
        .labs
        .iter()
        .map(|lab| {
            Ok(LabResult {
                subject_id,
                visit_id: visit_ids
                    .iter()
                    .find(|(date, _)| *date == lab.date)
                    .map(|(_, id)| *id),
                collected_on: lab.date,
                test: lab.test.id().to_owned(),
                value: Entry::Value(Decimal::parse("value", &lab.value.to_string())?),
                unit: lab.unit.to_string(),
                lln: lab
                    .lln
                    .map(|lln| Decimal::parse("lln", &lln.to_string()))
                    .transpose()?,
                uln: None,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let adverse_events = course
        .adverse_events
        .iter()
        .map(|event| {
            let grade =
                instruments::ctcae::CtcaeGrade::from_number(event.grade).ok_or_else(|| {
                    StoreError::invalid(
                        "grade",
                        Refusal::untranslated(format!("{} is not 1 to 5", event.grade)),
                    )
                })?;
            Ok(AdverseEvent {
                subject_id,
                term: event.term,
                verbatim: event.verbatim.clone(),
                start_date: event.start,
                end_date: event.end,
                grade,
                serious: false,
                causality: event.causality,
                action_taken: event.action_taken,
                outcome: event.outcome,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let disposition = course
        .disposition
        .as_ref()
        .map(|(status, date, details)| Disposition {
            subject_id,
            status: *status,
            disposition_date: *date,
            details: Some(details.clone()),
        });
    let events = course
        .events
        .iter()
        .map(|(date, event, note)| ProtocolEvent {
            subject_id,
            occurred_on: *date,
            event: *event,
            note: note.clone(),
        })
        .collect();
    let nerve_studies = course
        .nerve_studies
        .iter()
        .map(|(date, finding)| NerveConductionStudy {
            subject_id,
            visit_id: visit_ids
                .iter()
                .find(|(visit, _)| visit == date)
                .map(|(_, id)| *id),
            tested_on: *date,
            finding: *finding,
            note: None,
        })
        .collect();
    Ok(AfterVisits {
        dose_changes,
        labs,
        adverse_events,
        events,
        nerve_studies,
        disposition,
    })
}

/// Enters `course` in `batch`, whose actor must enter data at the subject's site.
/// `protocol_version` is the study's protocol version the decisions were taken under.
pub async fn enter(
    batch: &mut Batch,
    protocol: &Protocol,
    protocol_version: i64,
    course: &PatientCourse,
) -> Result<Entered, StoreError> {
    let screened = SubjectData {
        enrolment_date: None,
        ..course.subject.clone()
    };
    let (subject, _) = batch.screen(&screened, &course.candidate).await?;
    let subject = match course.subject.enrolment_date {
        Some(enrolment_date) => {
            batch
                .enrol(&Enrolment {
                    subject_id: subject.id,
                    based_on: subject.version,
                    consent_date: subject.data.consent_date.unwrap_or(enrolment_date),
                    enrolment_date,
                    waiver: None,
                    reason: None,
                    factors: course.factors.clone(),
                })
                .await?
        }
        None => subject,
    };
    let mut entered = Entered::default();
    let mut visit_ids = Vec::with_capacity(course.visits.len());
    for (visit, data) in course.visits.iter().zip(visit_data(course)) {
        let stored = batch.add_visit(subject.id, &data).await?;
        visit_ids.push((visit.date, stored.id));
        entered.visits += 1;
        if let Some(clasi) = visit.clasi {
            batch
                .add_record(&ClasiAssessment {
                    subject_id: subject.id,
                    visit_id: stored.id,
                    assessed_on: visit.date,
                    clasi,
                })
                .await?;
        }
        let mut decision =
            ProtocolDecision::from_decision(subject.id, protocol_version, &visit.decision)?;
        decision.followed = Some(true);
        batch.add_record(&decision).await?;
        entered.decisions += 1;
    }
    let after = after_visits(protocol, course, subject.id, &visit_ids)?;
    for change in &after.dose_changes {
        batch.change_dose(change).await?;
    }
    for lab in &after.labs {
        batch.add_record(lab).await?;
    }
    for event in &after.adverse_events {
        batch.add_record(event).await?;
    }
    for event in &after.events {
        batch.add_record(event).await?;
    }
    for study in &after.nerve_studies {
        batch.add_record(study).await?;
    }
    if let Some(disposition) = &after.disposition {
        batch.add_record(disposition).await?;
    }
    entered.dose_periods = periods_of(&after.dose_changes, protocol).len();
    entered.labs = after.labs.len();
    entered.adverse_events = after.adverse_events.len();
    Ok(entered)
}

/// What the record holds for one subject, counted as [`enter`] counts what it writes.
pub async fn count(store: &Store, subject_id: i64) -> Result<Entered, StoreError> {
    Ok(Entered {
        visits: store.visits_of(subject_id).await?.len(),
        decisions: store
            .records_of::<ProtocolDecision>(subject_id)
            .await?
            .len(),
        dose_periods: store.records_of::<DosePeriod>(subject_id).await?.len(),
        labs: store.records_of::<LabResult>(subject_id).await?.len(),
        adverse_events: store.records_of::<AdverseEvent>(subject_id).await?.len(),
    })
}
