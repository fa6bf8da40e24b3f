//! Outcome questionnaires and clinician instruments at a visit (DLQI, Skindex-29+3, worst itch
//! and pain NRS, CLA-IGA-R, PGA-skin) on the generic subject-record path: one record kind for
//! all six, its answers one field holding "item id -> answer code" as canonical JSON.
//!
//! Why one field rather than a field per item or a record per answer: a kind's fields are fixed
//! descriptors, and six instruments would need some sixty item columns, most blank; a record per
//! answer would make one questionnaire a dozen records that a correction changes one command at a
//! time outside the generic path. The answers field is written with its keys in order, so a
//! corrected answer is one audit event showing the whole questionnaire before and after.
//!
//! The study's protocol checks a record before it is kept (`SubjectRecord::code`): an instrument
//! it does not collect, an item the instrument does not have and an answer the item does not
//! allow are refused, each naming its field. Scores are never stored: they are computed from the
//! answers by `instruments::questionnaire` when read ([`Questionnaire::scores`]).

use instruments::questionnaire::{AnswerError, Answers, Instrument, Score, Setup};
use jiff::civil::Date;
use protocol::Protocol;
use protocol::outcomes::Outcomes;

use crate::Refusal;
use crate::auth::Actor;
use crate::check::{self, coded_enum};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{Kind, QUESTIONNAIRE};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

coded_enum!(
    /// Who gave the answers and who entered them: the investigator's own assessment
    /// (CLA-IGA-R, PGA-skin), the patient's answers on paper entered by staff, or the
    /// patient's answers entered by the patient through a one-time link
    /// (`store::patient_links`; the trail's actor is then `patient (link N)`).
    Source, field = "source" {
        Clinician => "clinician",
        Paper => "paper",
        Patient => "patient",
    }
);

impl Source {
    /// The source of `instrument` when staff enter it: the clinician's assessment, or the
    /// patient's answers on paper.
    pub fn of(instrument: Instrument) -> Source {
        if instrument.patient_reported() {
            Source::Paper
        } else {
            Source::Clinician
        }
    }

    /// The source of a record `actor` enters: `patient` is the patient's own entry through
    /// a link, and only that.
    fn entered_by(instrument: Instrument, actor: &Actor) -> Source {
        match actor.patient_link() {
            Some(_) if instrument.patient_reported() => Source::Patient,
            _ => Source::of(instrument),
        }
    }
}

/// One instrument completed at a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Questionnaire {
    pub subject_id: i64,
    pub visit_id: i64,
    pub instrument: Instrument,
    /// The day the patient answered (or the investigator assessed).
    pub completed_on: Date,
    pub source: Source,
    /// Answers by item id; an item absent was not answered.
    pub answers: Answers,
    /// Why items were left unanswered, when known (SDTM QSREASND of those items).
    pub unanswered_reason: Option<String>,
}

impl Questionnaire {
    /// The scores derived from the answers under the protocol's settings; `None` when the
    /// protocol no longer collects the instrument.
    pub fn scores(&self, outcomes: &Outcomes) -> Option<Vec<Score>> {
        outcomes
            .setup(self.instrument)
            .map(|setup| setup.score(&self.answers))
    }

    /// The item ids of the instrument as the study collects it that have no answer.
    pub fn unanswered(&self, setup: &Setup) -> Vec<String> {
        setup
            .items()
            .into_iter()
            .map(|item| item.id)
            .filter(|id| !self.answers.contains_key(id))
            .collect()
    }
}

/// An instrument's code read back, or refused naming the codes allowed.
pub fn instrument(code: &str) -> Result<Instrument, StoreError> {
    Instrument::parse(code).ok_or_else(|| {
        let allowed: Vec<&str> = Instrument::ALL.iter().map(|each| each.code()).collect();
        StoreError::invalid(
            "instrument",
            Refusal::of("refusal-not-allowed")
                .with("text", code)
                .with("allowed", allowed.join(", ")),
        )
    })
}

/// The refusal of an instrument the study's protocol does not collect ("this study does not
/// collect DLQI"), for every channel alike.
pub fn not_collected(instrument: Instrument) -> StoreError {
    StoreError::invalid(
        "instrument",
        Refusal::of("refusal-instrument-not-collected").with("instrument", instrument),
    )
}

/// An answer refused, at the field of its item.
fn refused(error: AnswerError) -> StoreError {
    match error {
        AnswerError::UnknownItem {
            instrument,
            item,
            items,
        } => StoreError::invalid(
            "answers",
            Refusal::of("refusal-unknown-item")
                .with("item", item)
                .with("instrument", instrument)
                .with("items", items),
        ),
        AnswerError::NotAllowed {
            item,
            value,
            allowed,
        } => StoreError::invalid(
            item,
            Refusal::of("refusal-not-allowed")
                .with("text", value)
                .with("allowed", allowed),
        ),
    }
}

impl Sealed for Questionnaire {}

impl SubjectRecord for Questionnaire {
    const CODED: bool = true;

    fn kind() -> &'static Kind {
        &QUESTIONNAIRE
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        Some(self.visit_id)
    }

    /// One of each instrument per visit: a second is a correction of the first.
    fn per_visit_key(&self) -> Option<String> {
        Some(self.instrument.code().to_owned())
    }

    /// The protocol's instruments: refuses one the study does not collect, then checks every
    /// answer against its item and writes it canonically.
    fn code(&mut self, protocol: &Protocol) -> Result<(), StoreError> {
        let setup = protocol.outcomes().setup(self.instrument).ok_or_else(|| {
            StoreError::invalid(
                "instrument",
                Refusal::of("refusal-instrument-not-collected").with("instrument", self.instrument),
            )
        })?;
        self.answers = setup.check(&self.answers).map_err(refused)?;
        Ok(())
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("completed_on", self.completed_on, today)?;
        not_before_consent("completed_on", self.completed_on, subject)?;
        if let Some(reason) = &self.unanswered_reason {
            // At most 200: SDTM QSREASND holds it whole (SAS XPORT text).
            check::label("unanswered_reason", reason, 200)?;
        }
        Ok(())
    }

    /// The source must say who entered the answers: `patient` only the patient through a
    /// link, and the patient nothing else (a clinician's instrument is no patient's to give).
    fn entered_by(&self, actor: &Actor) -> Result<(), StoreError> {
        if actor.patient_link().is_some() && !self.instrument.patient_reported() {
            return Err(StoreError::Forbidden(format!(
                "a patient does not enter the clinician's {}",
                self.instrument.code()
            )));
        }
        let source = Source::entered_by(self.instrument, actor);
        if self.source != source {
            return Err(StoreError::invalid(
                "source",
                Refusal::of("refusal-not-allowed")
                    .with("text", self.source.code())
                    .with("allowed", source.code()),
            ));
        }
        Ok(())
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let answers = serde_json::to_string(&self.answers).map_err(StoreError::other)?;
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", Some(Value::Int(self.visit_id))),
            (
                "instrument",
                Some(Value::Text(self.instrument.code().to_owned())),
            ),
            ("completed_on", Some(Value::Date(self.completed_on))),
            ("source", Some(Value::Text(self.source.code().to_owned()))),
            ("answers", Some(Value::Text(answers))),
            (
                "unanswered_reason",
                self.unanswered_reason
                    .as_deref()
                    .map(|reason| Value::Text(reason.trim().to_owned())),
            ),
        ])
    }

    fn from_row(row: &Row) -> Result<Questionnaire, StoreError> {
        let answers = row.need("answers", row.text("answers"))?;
        Ok(Questionnaire {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.need("visit_id", row.int("visit_id"))?,
            instrument: instrument(row.need("instrument", row.text("instrument"))?)?,
            completed_on: row.need("completed_on", row.date("completed_on"))?,
            source: Source::parse(row.need("source", row.text("source"))?)?,
            answers: serde_json::from_str(answers).map_err(|error| {
                StoreError::corrupt(format!("stored answers do not read back: {error}"))
            })?,
            unanswered_reason: row.text("unanswered_reason").map(str::to_owned),
        })
    }
}
