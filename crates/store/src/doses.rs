//! Dose periods: which daily dose of which drug a subject took, from when to when.

use jiff::civil::Date;

use crate::check::{self, Decimal};
use crate::error::StoreError;
use crate::records::{Sealed, SubjectRecord, end_after_start};
use crate::schema::{DOSE, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

/// A period on one daily dose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DosePeriod {
    pub subject_id: i64,
    /// The drug's code, e.g. `lenalidomide`.
    pub drug: String,
    /// Milligrams per day; more than zero (a pause is the end of a period).
    pub daily_dose_mg: Decimal,
    pub start_date: Date,
    /// `None` while the period runs.
    pub end_date: Option<Date>,
}

impl Sealed for DosePeriod {}

impl SubjectRecord for DosePeriod {
    fn kind() -> &'static Kind {
        &DOSE
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    /// Dosing needs enrolment (21 CFR 11.10(f): operational checks enforce sequencing), so a
    /// period cannot start before the enrolment date.
    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::code("drug", &self.drug, 40)?;
        if self.daily_dose_mg.as_f64() <= 0.0 {
            return Err(StoreError::invalid(
                "daily_dose_mg",
                "must be more than 0 (end the period instead)",
            ));
        }
        check::not_future("start_date", self.start_date, today)?;
        match subject.data.enrolment_date {
            None => {
                return Err(StoreError::invalid(
                    "start_date",
                    "the subject is not enrolled",
                ));
            }
            Some(enrolled) if self.start_date < enrolled => {
                return Err(StoreError::invalid(
                    "start_date",
                    format!("is before enrolment ({enrolled})"),
                ));
            }
            Some(_) => {}
        }
        end_after_start("end_date", self.end_date, self.start_date, today)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("drug", Some(Value::Text(self.drug.trim().to_owned()))),
            (
                "daily_dose_mg",
                Some(Value::Text(self.daily_dose_mg.as_str().to_owned())),
            ),
            ("start_date", Some(Value::Date(self.start_date))),
            ("end_date", self.end_date.map(Value::Date)),
        ])
    }

    fn from_row(row: &Row) -> Result<DosePeriod, StoreError> {
        let dose = row.need("daily_dose_mg", row.text("daily_dose_mg"))?;
        Ok(DosePeriod {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            drug: row.need("drug", row.text("drug"))?.to_owned(),
            daily_dose_mg: Decimal::parse("daily_dose_mg", dose)?,
            start_date: row.need("start_date", row.date("start_date"))?,
            end_date: row.date("end_date"),
        })
    }
}
