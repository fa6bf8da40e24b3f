//! Screening and enrolment: one command each, called by the pages, the API and import alike, so
//! every channel gets the same checklist and the same refusal.
//!
//! - Screening registers a candidate with the protocol's eligibility checklist, evaluated on
//!   the screening record: the checklist reads the subject's own age, birth and screening
//!   dates, whichever channel gave them.
//! - In a retrospective chart review (the protocol's design) consent is waived and screening is
//!   the review: the checklist is judged at the index date (the drug start) and an eligible
//!   subject is enrolled from that date in the same command; the others stay screened.
//! - Enrolment needs the latest checklist to say eligible. Otherwise an investigator may enrol
//!   under a waiver with a reason: the waiver is a major eligibility deviation, recorded in the
//!   same transaction, audited and listed wherever deviations are (21 CFR 11.10(f): operational
//!   checks enforce the permitted sequence).

use jiff::civil::Date;
use protocol::eligibility::{Candidate, EligibilityResult, evaluate};
use protocol::model::Design;

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::batch::Batch;
use crate::check;
use crate::course::{DeviationCategory, ProtocolDeviation};
use crate::decisions::EligibilityRecord;
use crate::error::StoreError;
use crate::people::require_role;
use crate::randomisation;
use crate::record::SubjectRecord;
use crate::records::{add_record, records_in};
use crate::schema::DEVIATION;
use crate::subject_commands;
use crate::subjects::{self, BirthOrAge, Subject, SubjectData, subject_in};
use crate::writer::{Reason, Writer};

/// Consent and enrolment of a screened subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub subject_id: i64,
    /// The subject's version as read.
    pub based_on: i64,
    pub consent_date: Date,
    pub enrolment_date: Date,
    /// Why an investigator enrols a subject whose latest checklist is not eligible (or is
    /// incomplete); refused when the checklist says eligible.
    pub waiver: Option<String>,
    /// Why `consent_date` moves the consent date recorded at screening: required then (a
    /// change of an entered value, whatever the channel), refused otherwise.
    pub reason: Option<String>,
    /// In a randomised study, the subject's level of each stratification or minimisation factor
    /// (factor name, level), all of them; elsewhere none.
    pub factors: Vec<(String, String)>,
}

impl SubjectData {
    /// `candidate` as the checklist reads it for this subject: with the subject's own
    /// screening date, birth date or age, which the candidate may repeat but not contradict.
    pub fn screening_record(&self, candidate: Candidate) -> Result<Candidate, StoreError> {
        candidate_of(self, candidate)
    }
}

/// The refusal of a candidate's answer that differs from the subject's `field`.
fn differs(
    field: &str,
    ours: impl std::fmt::Display,
    theirs: impl std::fmt::Display,
) -> StoreError {
    StoreError::invalid(
        format!("candidate.{field}"),
        Refusal::of("refusal-candidate-differs")
            .with("theirs", theirs)
            .field("field", field)
            .with("ours", ours),
    )
}

fn candidate_of(data: &SubjectData, candidate: Candidate) -> Result<Candidate, StoreError> {
    let agree = |field: &str, ours: Option<Date>, theirs: Option<Date>| match (ours, theirs) {
        (Some(ours), Some(theirs)) if ours != theirs => Err(differs(field, ours, theirs)),
        (ours, theirs) => Ok(ours.or(theirs)),
    };
    let (birth, age) = match data.birth {
        BirthOrAge::BirthDate(date) => (Some(date), None),
        BirthOrAge::AgeYears(age) => (None, u8::try_from(age).ok()),
    };
    let age_years = match (age, candidate.age_years) {
        (Some(ours), Some(theirs)) if ours != theirs => {
            return Err(differs("age_years", ours, theirs));
        }
        (ours, theirs) => ours.or(theirs),
    };
    let candidate = Candidate {
        screening_date: agree(
            "screening_date",
            Some(data.screening_date),
            candidate.screening_date,
        )?,
        birth_date: agree("birth_date", birth, candidate.birth_date)?,
        age_years,
        ..candidate
    };
    candidate.check().map_err(|error| {
        StoreError::invalid(
            format!("candidate.{}", error.field),
            Refusal::untranslated(error.message),
        )
    })?;
    Ok(candidate)
}

pub(crate) async fn screen(
    writer: &mut Writer,
    actor: &Actor,
    data: &SubjectData,
    candidate: Candidate,
) -> Result<(Subject, EligibilityResult), StoreError> {
    let protocol = crate::study::protocol_for(writer).await?;
    let retrospective = protocol.file().study.design == Design::Retrospective;
    let candidate = candidate_of(data, candidate)?;
    let index_date = match (retrospective, candidate.index_date) {
        (true, None) => {
            return Err(StoreError::invalid(
                "candidate.index_date",
                Refusal::of("refusal-index-date-needed"),
            ));
        }
        (false, Some(_)) => {
            return Err(StoreError::invalid(
                "candidate.index_date",
                Refusal::of("refusal-index-date-prospective"),
            ));
        }
        (_, index_date) => index_date,
    };
    let result = evaluate(protocol.eligibility(), &candidate).map_err(|error| {
        StoreError::invalid(
            format!("candidate.{}", error.field),
            Refusal::untranslated(error.message),
        )
    })?;
    let subject = subject_commands::add_subject(writer, actor, data).await?;
    let version = crate::study::protocol_version_in(writer.tx()).await?;
    let record = EligibilityRecord::from_result(subject.id, data.screening_date, version, &result)?;
    add_record(writer, actor, &record)
        .await
        .map_err(|error| match error {
            // The checklist is dated the screening date: name the field the user gave.
            StoreError::Invalid { field, message } if field == "evaluated_on" => {
                StoreError::invalid("screening_date", message)
            }
            other => other,
        })?;
    let subject = match index_date {
        Some(index) if result.eligible == Some(true) => {
            let enrolled = SubjectData {
                enrolment_date: Some(index),
                ..subject.data.clone()
            };
            let reason = match writer.note() {
                Some(note) => note.clone(),
                None => Reason::new("enrolled by chart review: eligible at the index date")?,
            };
            subject_commands::update_subject(
                writer,
                actor,
                subject.id,
                subject.version,
                &enrolled,
                &reason,
                subject_commands::Enrolling::Yes,
            )
            .await?
        }
        _ => subject,
    };
    Ok((subject, result))
}

/// What the latest checklist of a subject says, in words: for a refusal, and (in English) for
/// the deviation an enrolment under a waiver records.
fn checklist_words(latest: Option<&EligibilityRecord>) -> Refusal {
    let Some(record) = latest else {
        return Refusal::of("refusal-checklist-none");
    };
    let verdict = Refusal::of(match record.eligible {
        Some(true) => "refusal-checklist-eligible",
        Some(false) => "refusal-checklist-not-eligible",
        None => "refusal-checklist-incomplete",
    });
    // The inclusions not met, the exclusions that apply, and the unknown, from the checklist as
    // kept.
    let result: serde_json::Value = serde_json::from_str(&record.result).unwrap_or_default();
    let failing: Vec<Refusal> = result["criteria"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|criterion| {
            let exclusion = criterion["kind"].as_str() == Some("exclusion");
            let words = match (criterion["status"].as_str()?, exclusion) {
                ("unknown", _) => "refusal-criterion-unknown",
                ("not_met", false) => "refusal-criterion-not-met",
                ("met", true) => "refusal-criterion-applies",
                _ => return None,
            };
            Some(Refusal::of(words).with("criterion", criterion["id"].as_str().unwrap_or("?")))
        })
        .collect();
    let says = if failing.is_empty() {
        Refusal::of("refusal-checklist-says")
    } else {
        Refusal::of("refusal-checklist-says-why").phrases("criteria", failing)
    };
    says.with("date", record.evaluated_on)
        .phrase("verdict", verdict)
}

pub(crate) async fn enrol(
    writer: &mut Writer,
    actor: &Actor,
    enrolment: &Enrolment,
) -> Result<Subject, StoreError> {
    let current = subject_in(writer.tx(), enrolment.subject_id).await?;
    let data = SubjectData {
        consent_date: Some(enrolment.consent_date),
        enrolment_date: Some(enrolment.enrolment_date),
        ..current.data.clone()
    };
    if current.version != enrolment.based_on {
        // Changed since read (enrolled by someone else, say): the conflict names who and when.
        let reason = Reason::new("enrolment")?;
        return subject_commands::update_subject(
            writer,
            actor,
            current.id,
            enrolment.based_on,
            &data,
            &reason,
            subject_commands::Enrolling::Yes,
        )
        .await;
    }
    if current.consent_waived {
        return Err(StoreError::invalid(
            "enrolment_date",
            Refusal::of("refusal-enrol-chart-review"),
        ));
    }
    if let Some(enrolled) = current.data.enrolment_date {
        return Err(StoreError::invalid(
            "enrolment_date",
            Refusal::of("refusal-enrolled-already").with("date", enrolled),
        ));
    }
    let checklists: Vec<EligibilityRecord> = records_in(writer.tx(), enrolment.subject_id)
        .await?
        .into_iter()
        .map(|stored| stored.data)
        .collect();
    let latest = checklists.iter().max_by_key(|record| record.evaluated_on);
    let eligible = latest.is_some_and(|record| record.eligible == Some(true));
    let waiver = enrolment
        .waiver
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(|text| check::label("waiver", text, 1000))
        .transpose()?;
    let consent_reason = consent_reason(writer, &current, enrolment)?;
    let protocol = crate::study::protocol_for(writer).await?;
    let profile = randomisation::profile_of(&protocol, &enrolment.factors)?;
    match (eligible, &waiver) {
        (true, Some(_)) => {
            return Err(StoreError::invalid(
                "waiver",
                Refusal::of("refusal-nothing-to-waive"),
            ));
        }
        // Randomised: eligible subjects only, so no waiver can stand in for the checklist.
        (false, _) if profile.is_some() => {
            return Err(StoreError::invalid(
                if waiver.is_some() {
                    "waiver"
                } else {
                    "enrolment_date"
                },
                Refusal::of("refusal-randomise-eligible-only")
                    .phrase("checklist", checklist_words(latest)),
            ));
        }
        (false, None) => {
            return Err(StoreError::invalid(
                "enrolment_date",
                Refusal::of("refusal-needs-waiver").phrase("checklist", checklist_words(latest)),
            ));
        }
        _ => {}
    }
    if waiver.is_some() {
        let site_id = subjects::site_id_in(writer.tx(), current.id).await?;
        require_role(
            writer.tx(),
            actor,
            site_id,
            |role| role == Role::Investigator,
            "investigator",
        )
        .await?;
    }
    // The consent date moved is its own change, with its own reason, before the enrolment.
    let mut based_on = enrolment.based_on;
    if let Some(reason) = &consent_reason {
        let consented = SubjectData {
            consent_date: Some(enrolment.consent_date),
            ..current.data.clone()
        };
        based_on = subject_commands::update_subject(
            writer,
            actor,
            current.id,
            based_on,
            &consented,
            reason,
            subject_commands::Enrolling::No,
        )
        .await?
        .version;
    }
    // A batch run for a reason (an import) records that reason, as on its other events.
    let reason = match writer.note() {
        Some(note) => note.clone(),
        None => Reason::new(match waiver {
            Some(_) => "enrolment under an eligibility waiver",
            None => "enrolment after an eligible screening",
        })?,
    };
    let enrolled = subject_commands::update_subject(
        writer,
        actor,
        current.id,
        based_on,
        &data,
        &reason,
        subject_commands::Enrolling::Yes,
    )
    .await?;
    if let Some(why) = waiver {
        let deviation = ProtocolDeviation {
            subject_id: current.id,
            occurred_on: enrolment.enrolment_date,
            category: DeviationCategory::EligibilityWaiver,
            major: true,
            description: format!(
                "Enrolled under an eligibility waiver: {}. Reason: {why}",
                checklist_words(latest)
            ),
        };
        deviation.check(&enrolled, check::today())?;
        writer.create(&DEVIATION, deviation.changes()?).await?;
    }
    if let Some(profile) = profile {
        let version = crate::study::protocol_version_in(writer.tx()).await?;
        randomisation::randomise(
            writer,
            (&protocol, version),
            current.id,
            &profile,
            enrolment.enrolment_date,
        )
        .await?;
    }
    Ok(enrolled)
}

/// The reason for moving the consent date recorded at screening, when the enrolment moves it:
/// the one given, or the batch's (an import), else refused as any change without a reason is.
/// A reason when the date does not move is refused: it would explain no change.
fn consent_reason(
    writer: &Writer,
    current: &Subject,
    enrolment: &Enrolment,
) -> Result<Option<Reason>, StoreError> {
    let given = enrolment
        .reason
        .as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(Reason::new)
        .transpose()?;
    let recorded = current.data.consent_date;
    if recorded.is_none_or(|date| date == enrolment.consent_date) {
        return match (given, recorded) {
            (None, _) => Ok(None),
            (Some(_), Some(date)) => Err(StoreError::invalid(
                "reason",
                Refusal::of("refusal-consent-unchanged").with("date", date),
            )),
            (Some(_), None) => Err(StoreError::invalid(
                "reason",
                Refusal::of("refusal-consent-none-to-change"),
            )),
        };
    }
    match given.or_else(|| writer.note().cloned()) {
        Some(reason) => Ok(Some(reason)),
        None => Err(StoreError::ReasonRequired),
    }
}

impl Store {
    /// Registers a screened candidate with the protocol's eligibility checklist evaluated on
    /// the screening record, in one transaction: a refused subject or checklist leaves nothing.
    pub async fn screen(
        &self,
        actor: &Actor,
        data: &SubjectData,
        candidate: &Candidate,
    ) -> Result<(Subject, EligibilityResult), StoreError> {
        let (data, candidate) = (data.clone(), candidate.clone());
        self.command(actor, move |writer, actor| {
            Box::pin(async move { screen(writer, actor, &data, candidate).await })
        })
        .await
    }

    /// Consents and enrols a screened subject (see the module documentation).
    pub async fn enrol(&self, actor: &Actor, enrolment: &Enrolment) -> Result<Subject, StoreError> {
        let enrolment = enrolment.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { enrol(writer, actor, &enrolment).await })
        })
        .await
    }
}

impl Batch {
    /// As [`Store::screen`], in the batch.
    pub async fn screen(
        &mut self,
        data: &SubjectData,
        candidate: &Candidate,
    ) -> Result<(Subject, EligibilityResult), StoreError> {
        self.savepoint(async |writer, actor| screen(writer, actor, data, candidate.clone()).await)
            .await
    }

    /// As [`Store::enrol`], in the batch.
    pub async fn enrol(&mut self, enrolment: &Enrolment) -> Result<Subject, StoreError> {
        self.savepoint(async |writer, actor| enrol(writer, actor, enrolment).await)
            .await
    }
}
