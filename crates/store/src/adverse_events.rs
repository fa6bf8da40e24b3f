//! Adverse events, graded by CTCAE v5.0, with seriousness, causality, action taken and outcome.

use instruments::ctcae::{CtcaeGrade, CtcaeTerm};
use jiff::civil::Date;

use crate::Refusal;
use crate::check::{self, coded_enum};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, end_after_start, not_before_consent};
use crate::schema::{ADVERSE_EVENT, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

coded_enum!(
    /// The investigator's assessment of relatedness to the study drug (a five-level scale;
    /// the protocol may collapse it to related / not related for analysis).
    Causality, field = "causality" {
        Unrelated => "unrelated",
        Unlikely => "unlikely",
        Possible => "possible",
        Probable => "probable",
        Definite => "definite",
    }
);

coded_enum!(
    /// Action taken with the study drug, after CDISC SDTM `AEACN` (codelist C66767).
    ActionTaken, field = "action_taken" {
        DoseNotChanged => "dose_not_changed",
        DoseReduced => "dose_reduced",
        DoseIncreased => "dose_increased",
        DrugInterrupted => "drug_interrupted",
        DrugWithdrawn => "drug_withdrawn",
        NotApplicable => "not_applicable",
        Unknown => "unknown",
    }
);

coded_enum!(
    /// Outcome, after CDISC SDTM `AEOUT` (codelist C66768).
    Outcome, field = "outcome" {
        Recovered => "recovered",
        Recovering => "recovering",
        NotRecovered => "not_recovered",
        RecoveredWithSequelae => "recovered_with_sequelae",
        Fatal => "fatal",
        Unknown => "unknown",
    }
);

/// One adverse event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdverseEvent {
    pub subject_id: i64,
    /// The CTCAE v5.0 term (AEDECOD): the coded part, which the protocol's rules read.
    pub term: CtcaeTerm,
    /// What the reporter wrote, when it says more than the term (AETERM): required for the
    /// "Other, specify" terms.
    pub verbatim: Option<String>,
    pub start_date: Date,
    /// `None` while ongoing.
    pub end_date: Option<Date>,
    /// CTCAE grade 1 to 5 (grade 0 is no event).
    pub grade: CtcaeGrade,
    pub serious: bool,
    pub causality: Causality,
    pub action_taken: ActionTaken,
    pub outcome: Outcome,
}

impl AdverseEvent {
    /// The CTCAE v5.0 term `text` names (its id, printed term or MedDRA code, in any case and
    /// spacing), or a refusal naming the `term` field and the nearest terms. Every channel that
    /// takes a typed term reads it here.
    pub fn term_named(text: &str) -> Result<CtcaeTerm, StoreError> {
        CtcaeTerm::lookup(text)
            .map_err(|unknown| StoreError::invalid("term", Refusal::untranslated(unknown)))
    }

    /// The event as SDTM names it: the verbatim words when given, else the term.
    pub fn reported_as(&self) -> &str {
        self.verbatim.as_deref().unwrap_or(self.term.term())
    }
}

impl Sealed for AdverseEvent {}

impl SubjectRecord for AdverseEvent {
    fn kind() -> &'static Kind {
        &ADVERSE_EVENT
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    /// Adverse events are collected from consent on. Grade 5 is death related to the event
    /// (CTCAE v5.0), so it and a fatal outcome go together.
    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        if let Some(verbatim) = &self.verbatim {
            check::label("verbatim", verbatim, 200)?;
        } else if self.term.is_other_specify() {
            return Err(StoreError::invalid(
                "verbatim",
                Refusal::of("refusal-term-needs-words").with("term", self.term),
            ));
        }
        if self.grade == CtcaeGrade::G0 {
            return Err(StoreError::invalid(
                "grade",
                Refusal::of("refusal-grade-zero"),
            ));
        }
        if !self.term.offers(self.grade) {
            let offered: Vec<String> = CtcaeGrade::ALL
                .into_iter()
                .filter(|grade| self.term.offers(*grade))
                .map(|grade| grade.number().to_string())
                .collect();
            return Err(StoreError::invalid(
                "grade",
                Refusal::of("refusal-grade-not-offered")
                    .with("term", self.term)
                    .with("grade", self.grade.number())
                    .with("allowed", offered.join(", ")),
            ));
        }
        if (self.grade == CtcaeGrade::G5) != (self.outcome == Outcome::Fatal) {
            return Err(StoreError::invalid(
                "outcome",
                Refusal::of("refusal-grade-fatal"),
            ));
        }
        check::not_future("start_date", self.start_date, today)?;
        not_before_consent("start_date", self.start_date, subject)?;
        end_after_start("end_date", self.end_date, self.start_date, today)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("term", Some(Value::Text(self.term.term().to_owned()))),
            (
                "meddra_code",
                Some(Value::Int(i64::from(self.term.meddra_code()))),
            ),
            (
                "verbatim",
                self.verbatim
                    .as_deref()
                    .map(|text| Value::Text(text.trim().to_owned())),
            ),
            ("start_date", Some(Value::Date(self.start_date))),
            ("end_date", self.end_date.map(Value::Date)),
            ("grade", Some(Value::Int(i64::from(self.grade.number())))),
            ("serious", Some(Value::Bool(self.serious))),
            (
                "causality",
                Some(Value::Text(self.causality.code().to_owned())),
            ),
            (
                "action_taken",
                Some(Value::Text(self.action_taken.code().to_owned())),
            ),
            ("outcome", Some(Value::Text(self.outcome.code().to_owned()))),
        ])
    }

    fn from_row(row: &Row) -> Result<AdverseEvent, StoreError> {
        let grade = row.need("grade", row.int("grade"))?;
        let grade = u8::try_from(grade)
            .ok()
            .and_then(CtcaeGrade::from_number)
            .ok_or_else(|| StoreError::corrupt(format!("grade {grade} is not a CTCAE grade")))?;
        Ok(AdverseEvent {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            term: CtcaeTerm::lookup(row.need("term", row.text("term"))?)
                .map_err(|unknown| StoreError::corrupt(unknown.to_string()))?,
            verbatim: row.text("verbatim").map(str::to_owned),
            start_date: row.need("start_date", row.date("start_date"))?,
            end_date: row.date("end_date"),
            grade,
            serious: row.need("serious", row.flag("serious"))?,
            causality: Causality::parse(row.need("causality", row.text("causality"))?)?,
            action_taken: ActionTaken::parse(row.need("action_taken", row.text("action_taken"))?)?,
            outcome: Outcome::parse(row.need("outcome", row.text("outcome"))?)?,
        })
    }
}
