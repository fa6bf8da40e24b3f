//! Nerve conduction studies (neuropathy monitoring under thalidomide-class drugs): the study's
//! conclusion, which the protocol's rules read, and its measurements, one nerve and side per
//! record.

use jiff::civil::Date;

use crate::Refusal;
use crate::check::{self, coded_enum};
use crate::decimal::{Decimal, entry, entry_from};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{Kind, NERVE_CONDUCTION, NERVE_CONDUCTION_STUDY};
use crate::subjects::Subject;
use crate::value::{Entry, Value};
use crate::writer::{Changes, Row};

coded_enum!(
    Side, field = "side" {
        Left => "left",
        Right => "right",
    }
);

coded_enum!(
    /// What a nerve conduction study concludes.
    Finding, field = "finding" {
        Normal => "normal",
        SensoryPolyneuropathy => "sensory_polyneuropathy",
        Other => "other",
    }
);

impl Finding {
    /// The engine's finding as the record codes it.
    pub fn of(finding: protocol::history::NerveFinding) -> Finding {
        use protocol::history::NerveFinding;
        match finding {
            NerveFinding::Normal => Finding::Normal,
            NerveFinding::SensoryPolyneuropathy => Finding::SensoryPolyneuropathy,
            NerveFinding::Other => Finding::Other,
        }
    }

    /// As the engine reads it.
    pub fn engine(self) -> protocol::history::NerveFinding {
        use protocol::history::NerveFinding;
        match self {
            Finding::Normal => NerveFinding::Normal,
            Finding::SensoryPolyneuropathy => NerveFinding::SensoryPolyneuropathy,
            Finding::Other => NerveFinding::Other,
        }
    }
}

/// A nerve conduction study and its conclusion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NerveConductionStudy {
    pub subject_id: i64,
    pub visit_id: Option<i64>,
    pub tested_on: Date,
    pub finding: Finding,
    /// Required for `other` (what was found); free text otherwise.
    pub note: Option<String>,
}

impl Sealed for NerveConductionStudy {}

impl SubjectRecord for NerveConductionStudy {
    /// One study per visit: a second is a correction of the first.
    const ONE_PER_VISIT: bool = true;

    fn kind() -> &'static Kind {
        &NERVE_CONDUCTION_STUDY
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        self.visit_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("tested_on", self.tested_on, today)?;
        not_before_consent("tested_on", self.tested_on, subject)?;
        match (&self.note, self.finding) {
            (None, Finding::Other) => Err(StoreError::invalid(
                "note",
                Refusal::of("refusal-finding-needs-note"),
            )),
            (Some(note), _) => check::label("note", note, 1000).map(drop),
            (None, _) => Ok(()),
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", self.visit_id.map(Value::Int)),
            ("tested_on", Some(Value::Date(self.tested_on))),
            ("finding", Some(Value::Text(self.finding.code().to_owned()))),
            (
                "note",
                self.note
                    .as_deref()
                    .map(|n| Value::Text(n.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<NerveConductionStudy, StoreError> {
        Ok(NerveConductionStudy {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.int("visit_id"),
            tested_on: row.need("tested_on", row.date("tested_on"))?,
            finding: Finding::parse(row.need("finding", row.text("finding"))?)?,
            note: row.text("note").map(str::to_owned),
        })
    }
}

/// One nerve's conduction study.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NerveConduction {
    pub subject_id: i64,
    pub visit_id: Option<i64>,
    pub tested_on: Date,
    /// The nerve's code, e.g. `sural`, `superficial_peroneal`.
    pub nerve: String,
    pub side: Side,
    /// Sensory nerve action potential amplitude, microvolts, or why there is none (e.g. not
    /// done).
    pub amplitude_uv: Entry<Decimal>,
    /// Conduction velocity, metres per second, or why there is none; blank when not entered.
    pub velocity_m_per_s: Option<Entry<Decimal>>,
    /// The neurophysiologist's reading, when given.
    pub abnormal: Option<bool>,
}

impl Sealed for NerveConduction {}

impl SubjectRecord for NerveConduction {
    fn kind() -> &'static Kind {
        &NERVE_CONDUCTION
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        self.visit_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::code("nerve", &self.nerve, 40)?;
        check::not_future("tested_on", self.tested_on, today)?;
        not_before_consent("tested_on", self.tested_on, subject)?;
        let measured = [
            ("amplitude_uv", self.amplitude_uv.value()),
            (
                "velocity_m_per_s",
                self.velocity_m_per_s.as_ref().and_then(Entry::value),
            ),
        ];
        for (field, value) in measured {
            if let Some(value) = value
                && value.as_f64() < 0.0
            {
                return Err(StoreError::invalid(
                    field,
                    Refusal::of("refusal-negative").with("value", value.as_str()),
                ));
            }
        }
        Ok(())
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", self.visit_id.map(Value::Int)),
            ("tested_on", Some(Value::Date(self.tested_on))),
            ("nerve", Some(Value::Text(self.nerve.trim().to_owned()))),
            ("side", Some(Value::Text(self.side.code().to_owned()))),
            ("amplitude_uv", Some(entry(&self.amplitude_uv))),
            (
                "velocity_m_per_s",
                self.velocity_m_per_s.as_ref().map(entry),
            ),
            ("abnormal", self.abnormal.map(Value::Bool)),
        ])
    }

    fn from_row(row: &Row) -> Result<NerveConduction, StoreError> {
        Ok(NerveConduction {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.int("visit_id"),
            tested_on: row.need("tested_on", row.date("tested_on"))?,
            nerve: row.need("nerve", row.text("nerve"))?.to_owned(),
            side: Side::parse(row.need("side", row.text("side"))?)?,
            amplitude_uv: row.need("amplitude_uv", entry_from(row, "amplitude_uv")?)?,
            velocity_m_per_s: entry_from(row, "velocity_m_per_s")?,
            abnormal: row.flag("abnormal"),
        })
    }
}
