//! The course of participation: protocol deviations, the events the protocol's rules read, and
//! the subject's disposition.

use jiff::civil::Date;

use crate::Refusal;
use crate::check::{self, coded_enum};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{DEVIATION, DISPOSITION, Kind, PROTOCOL_EVENT};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

coded_enum!(
    /// How participation ended, after CDISC SDTM `DSDECOD` terms (codelist C66727, NCOMPLT).
    DispositionStatus, field = "status" {
        Completed => "completed",
        ScreenFailure => "screen_failure",
        AdverseEvent => "adverse_event",
        LackOfEfficacy => "lack_of_efficacy",
        WithdrawalBySubject => "withdrawal_by_subject",
        PhysicianDecision => "physician_decision",
        ProtocolDeviation => "protocol_deviation",
        Pregnancy => "pregnancy",
        LostToFollowUp => "lost_to_follow_up",
        Death => "death",
        Other => "other",
    }
);

coded_enum!(
    /// What a protocol deviation concerns.
    DeviationCategory, field = "category" {
        InformedConsent => "informed_consent",
        Eligibility => "eligibility",
        /// Enrolled although the checklist was not eligible, on an investigator's waiver
        /// (written by enrolment only).
        EligibilityWaiver => "eligibility_waiver",
        Dosing => "dosing",
        VisitWindow => "visit_window",
        MissedAssessment => "missed_assessment",
        Procedure => "procedure",
        Other => "other",
    }
);

coded_enum!(
    /// An event the protocol's stopping rules and deviations read (NCT01408199: "withdrawal of
    /// consent by the patient, pregnancy, life-threatening complications ... or decision by the
    /// physician"; "no changes in concomitant baseline medication were allowed").
    EventType, field = "event" {
        Pregnancy => "pregnancy",
        ConsentWithdrawn => "consent_withdrawn",
        PhysicianDecision => "physician_decision",
        LifeThreatening => "life_threatening",
        ConcomitantChange => "concomitant_change",
    }
);

impl EventType {
    /// As the engine names it.
    pub fn engine_kind(self) -> protocol::history::EventKind {
        use protocol::history::EventKind;
        match self {
            EventType::Pregnancy => EventKind::Pregnancy,
            EventType::ConsentWithdrawn => EventKind::ConsentWithdrawn,
            EventType::PhysicianDecision => EventKind::PhysicianDecision,
            EventType::LifeThreatening => EventKind::LifeThreatening,
            EventType::ConcomitantChange => EventKind::ConcomitantChange,
        }
    }
}

/// An event of the protocol's, dated, with a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolEvent {
    pub subject_id: i64,
    pub occurred_on: Date,
    pub event: EventType,
    pub note: Option<String>,
}

impl Sealed for ProtocolEvent {}

impl SubjectRecord for ProtocolEvent {
    fn kind() -> &'static Kind {
        &PROTOCOL_EVENT
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    /// Recorded from consent on, never in the future.
    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("occurred_on", self.occurred_on, today)?;
        not_before_consent("occurred_on", self.occurred_on, subject)?;
        match &self.note {
            Some(note) => check::label("note", note, 1000).map(drop),
            None => Ok(()),
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("occurred_on", Some(Value::Date(self.occurred_on))),
            ("event", Some(Value::Text(self.event.code().to_owned()))),
            (
                "note",
                self.note
                    .as_deref()
                    .map(|n| Value::Text(n.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<ProtocolEvent, StoreError> {
        Ok(ProtocolEvent {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            occurred_on: row.need("occurred_on", row.date("occurred_on"))?,
            event: EventType::parse(row.need("event", row.text("event"))?)?,
            note: row.text("note").map(str::to_owned),
        })
    }
}

/// How a subject's participation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disposition {
    pub subject_id: i64,
    pub status: DispositionStatus,
    pub disposition_date: Date,
    /// Required for `other`; free text otherwise.
    pub details: Option<String>,
}

impl Sealed for Disposition {}

impl SubjectRecord for Disposition {
    fn kind() -> &'static Kind {
        &DISPOSITION
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    /// A disposition falls on or after screening (a screen failure ends at screening). In a
    /// retrospective review (consent waived) the chart's follow-up ended before the review read
    /// it, so its end falls on or after the chart's start (the enrolment date) instead.
    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("disposition_date", self.disposition_date, today)?;
        let (earliest, before) = match subject.data.enrolment_date {
            Some(start) if subject.consent_waived => (start, "refusal-before-chart-start"),
            _ => (subject.data.screening_date, "refusal-before-screening-on"),
        };
        if self.disposition_date < earliest {
            return Err(StoreError::invalid(
                "disposition_date",
                Refusal::of(before).with("date", earliest),
            ));
        }
        match (&self.details, self.status) {
            (None, DispositionStatus::Other) => Err(StoreError::invalid(
                "details",
                Refusal::of("refusal-details-for-other"),
            )),
            (Some(details), _) => check::label("details", details, 1000).map(drop),
            (None, _) => Ok(()),
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("status", Some(Value::Text(self.status.code().to_owned()))),
            ("disposition_date", Some(Value::Date(self.disposition_date))),
            (
                "details",
                self.details
                    .as_deref()
                    .map(|d| Value::Text(d.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<Disposition, StoreError> {
        Ok(Disposition {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            status: DispositionStatus::parse(row.need("status", row.text("status"))?)?,
            disposition_date: row.need("disposition_date", row.date("disposition_date"))?,
            details: row.text("details").map(str::to_owned),
        })
    }
}

/// A departure from the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolDeviation {
    pub subject_id: i64,
    /// May precede consent: a procedure done before consent is itself a deviation.
    pub occurred_on: Date,
    pub category: DeviationCategory,
    /// Major: may affect the subject's safety or rights or the data's reliability.
    pub major: bool,
    pub description: String,
}

impl Sealed for ProtocolDeviation {}

impl SubjectRecord for ProtocolDeviation {
    fn kind() -> &'static Kind {
        &DEVIATION
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn check(&self, _subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("occurred_on", self.occurred_on, today)?;
        check::label("description", &self.description, 1000).map(drop)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("occurred_on", Some(Value::Date(self.occurred_on))),
            (
                "category",
                Some(Value::Text(self.category.code().to_owned())),
            ),
            ("major", Some(Value::Bool(self.major))),
            (
                "description",
                Some(Value::Text(self.description.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<ProtocolDeviation, StoreError> {
        Ok(ProtocolDeviation {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            occurred_on: row.need("occurred_on", row.date("occurred_on"))?,
            category: DeviationCategory::parse(row.need("category", row.text("category"))?)?,
            major: row.need("major", row.flag("major"))?,
            description: row.need("description", row.text("description"))?.to_owned(),
        })
    }
}
