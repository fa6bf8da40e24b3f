//! What the protocol engine said, kept verbatim: decisions (and whether they were followed) and
//! eligibility evaluations.

use jiff::civil::Date;

use crate::Refusal;
use crate::check;
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{DECISION, ELIGIBILITY, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

/// A protocol decision for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolDecision {
    pub subject_id: i64,
    pub decided_on: Date,
    /// The protocol version that decided.
    pub protocol_version: i64,
    /// `continue`, `escalate`, `taper`, ... as `protocol::decide` names it.
    pub action: String,
    /// The dose level for the next period.
    pub dose: String,
    pub phase: String,
    /// The whole decision as JSON, with the rules that fired and the values they used.
    pub explanation: String,
    /// `None` until the physician says; `Some(false)` needs a reason.
    pub followed: Option<bool>,
    pub not_followed_reason: Option<String>,
}

/// A string field of a serialised protocol result.
fn json_text(json: &serde_json::Value, field: &str) -> Result<String, StoreError> {
    json.get(field)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| StoreError::invalid(field, Refusal::of("refusal-decision-missing")))
}

impl ProtocolDecision {
    /// Keeps `decision` as the engine made it, not yet marked followed or not.
    pub fn from_decision(
        subject_id: i64,
        protocol_version: i64,
        decision: &protocol::decide::Decision,
    ) -> Result<ProtocolDecision, StoreError> {
        let json = serde_json::to_value(decision).map_err(StoreError::other)?;
        Ok(ProtocolDecision {
            subject_id,
            decided_on: decision.as_of,
            protocol_version,
            action: json_text(&json, "action")?,
            dose: decision.dose.clone(),
            phase: json_text(&json, "phase")?,
            explanation: json.to_string(),
            followed: None,
            not_followed_reason: None,
        })
    }
}

impl Sealed for ProtocolDecision {}

impl SubjectRecord for ProtocolDecision {
    fn kind() -> &'static Kind {
        &DECISION
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("decided_on", self.decided_on, today)?;
        not_before_consent("decided_on", self.decided_on, subject)?;
        if self.protocol_version < 1 {
            return Err(StoreError::invalid(
                "protocol_version",
                Refusal::of("refusal-starts-at-one"),
            ));
        }
        if serde_json::from_str::<serde_json::Value>(&self.explanation).is_err() {
            return Err(StoreError::invalid(
                "explanation",
                Refusal::of("refusal-not-protocol-json"),
            ));
        }
        match (self.followed, &self.not_followed_reason) {
            (Some(false), None) => Err(StoreError::invalid(
                "not_followed_reason",
                Refusal::of("refusal-reason-not-followed"),
            )),
            (Some(false), Some(reason)) => {
                check::label("not_followed_reason", reason, 1000).map(drop)
            }
            (_, Some(_)) => Err(StoreError::invalid(
                "not_followed_reason",
                Refusal::of("refusal-reason-only-not-followed"),
            )),
            (_, None) => Ok(()),
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("decided_on", Some(Value::Date(self.decided_on))),
            ("protocol_version", Some(Value::Int(self.protocol_version))),
            ("action", Some(Value::Text(self.action.clone()))),
            ("dose", Some(Value::Text(self.dose.clone()))),
            ("phase", Some(Value::Text(self.phase.clone()))),
            ("explanation", Some(Value::Text(self.explanation.clone()))),
            ("followed", self.followed.map(Value::Bool)),
            (
                "not_followed_reason",
                self.not_followed_reason
                    .as_deref()
                    .map(|r| Value::Text(r.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<ProtocolDecision, StoreError> {
        let text = |field: &str| row.need(field, row.text(field)).map(str::to_owned);
        Ok(ProtocolDecision {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            decided_on: row.need("decided_on", row.date("decided_on"))?,
            protocol_version: row.need("protocol_version", row.int("protocol_version"))?,
            action: text("action")?,
            dose: text("dose")?,
            phase: text("phase")?,
            explanation: text("explanation")?,
            followed: row.flag("followed"),
            not_followed_reason: row.text("not_followed_reason").map(str::to_owned),
        })
    }
}

/// An eligibility evaluation for one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityRecord {
    pub subject_id: i64,
    pub evaluated_on: Date,
    pub protocol_version: i64,
    /// `Some(true)` eligible, `Some(false)` not, `None` incomplete.
    pub eligible: Option<bool>,
    /// Every criterion's verdict as JSON.
    pub result: String,
}

impl EligibilityRecord {
    pub fn from_result(
        subject_id: i64,
        evaluated_on: Date,
        protocol_version: i64,
        result: &protocol::eligibility::EligibilityResult,
    ) -> Result<EligibilityRecord, StoreError> {
        Ok(EligibilityRecord {
            subject_id,
            evaluated_on,
            protocol_version,
            eligible: result.eligible,
            result: serde_json::to_string(result).map_err(StoreError::other)?,
        })
    }
}

impl Sealed for EligibilityRecord {}

impl SubjectRecord for EligibilityRecord {
    fn kind() -> &'static Kind {
        &ELIGIBILITY
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("evaluated_on", self.evaluated_on, today)?;
        not_before_consent("evaluated_on", self.evaluated_on, subject)?;
        if serde_json::from_str::<serde_json::Value>(&self.result).is_err() {
            return Err(StoreError::invalid(
                "result",
                Refusal::of("refusal-not-protocol-json"),
            ));
        }
        Ok(())
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("evaluated_on", Some(Value::Date(self.evaluated_on))),
            ("protocol_version", Some(Value::Int(self.protocol_version))),
            ("eligible", self.eligible.map(Value::Bool)),
            ("result", Some(Value::Text(self.result.clone()))),
        ])
    }

    fn from_row(row: &Row) -> Result<EligibilityRecord, StoreError> {
        Ok(EligibilityRecord {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            evaluated_on: row.need("evaluated_on", row.date("evaluated_on"))?,
            protocol_version: row.need("protocol_version", row.int("protocol_version"))?,
            eligible: row.flag("eligible"),
            result: row.need("result", row.text("result"))?.to_owned(),
        })
    }
}
