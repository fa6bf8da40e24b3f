//! Baseline medical history and concomitant medications.

use jiff::civil::Date;

use crate::check::{self, coded_enum};
use crate::error::StoreError;
use crate::records::{Sealed, SubjectRecord, end_after_start};
use crate::schema::{CONMED, HISTORY, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

coded_enum!(
    /// What a history entry is about.
    HistoryCategory, field = "category" {
        CutaneousLupus => "cutaneous_lupus",
        SystemicLupus => "systemic_lupus",
        PriorTreatment => "prior_treatment",
        Comorbidity => "comorbidity",
        Other => "other",
    }
);

/// One condition or prior treatment known at baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MedicalHistory {
    pub subject_id: i64,
    pub term: String,
    pub category: HistoryCategory,
    pub onset_date: Option<Date>,
    pub ongoing: bool,
}

impl Sealed for MedicalHistory {}

impl SubjectRecord for MedicalHistory {
    fn kind() -> &'static Kind {
        &HISTORY
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn check(&self, _subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::label("term", &self.term, 200)?;
        match self.onset_date {
            Some(onset) => check::not_future("onset_date", onset, today),
            None => Ok(()),
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("term", Some(Value::Text(self.term.trim().to_owned()))),
            (
                "category",
                Some(Value::Text(self.category.code().to_owned())),
            ),
            ("onset_date", self.onset_date.map(Value::Date)),
            ("ongoing", Some(Value::Bool(self.ongoing))),
        ])
    }

    fn from_row(row: &Row) -> Result<MedicalHistory, StoreError> {
        Ok(MedicalHistory {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            term: row.need("term", row.text("term"))?.to_owned(),
            category: HistoryCategory::parse(row.need("category", row.text("category"))?)?,
            onset_date: row.date("onset_date"),
            ongoing: row.need("ongoing", row.flag("ongoing"))?,
        })
    }
}

/// A medication other than the study drug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcomitantMedication {
    pub subject_id: i64,
    pub medication: String,
    /// As written, e.g. `200 mg twice daily`.
    pub dose: Option<String>,
    pub indication: Option<String>,
    /// Unknown start dates are common in history taking: `None`.
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Still taken; an ongoing medication has no end date.
    pub ongoing: bool,
}

impl Sealed for ConcomitantMedication {}

impl SubjectRecord for ConcomitantMedication {
    fn kind() -> &'static Kind {
        &CONMED
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn check(&self, _subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::label("medication", &self.medication, 200)?;
        for (field, text) in [("dose", &self.dose), ("indication", &self.indication)] {
            if let Some(text) = text {
                check::label(field, text, 200)?;
            }
        }
        if self.ongoing && self.end_date.is_some() {
            return Err(StoreError::invalid(
                "end_date",
                "an ongoing medication has no end date",
            ));
        }
        match self.start_date {
            Some(start) => {
                check::not_future("start_date", start, today)?;
                end_after_start("end_date", self.end_date, start, today)
            }
            None => match self.end_date {
                Some(end) => check::not_future("end_date", end, today),
                None => Ok(()),
            },
        }
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let text =
            |text: &Option<String>| text.as_deref().map(|t| Value::Text(t.trim().to_owned()));
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            (
                "medication",
                Some(Value::Text(self.medication.trim().to_owned())),
            ),
            ("dose", text(&self.dose)),
            ("indication", text(&self.indication)),
            ("start_date", self.start_date.map(Value::Date)),
            ("end_date", self.end_date.map(Value::Date)),
            ("ongoing", Some(Value::Bool(self.ongoing))),
        ])
    }

    fn from_row(row: &Row) -> Result<ConcomitantMedication, StoreError> {
        Ok(ConcomitantMedication {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            medication: row.need("medication", row.text("medication"))?.to_owned(),
            dose: row.text("dose").map(str::to_owned),
            indication: row.text("indication").map(str::to_owned),
            start_date: row.date("start_date"),
            end_date: row.date("end_date"),
            ongoing: row.need("ongoing", row.flag("ongoing"))?,
        })
    }
}
