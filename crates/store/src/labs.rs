//! Laboratory results: a test of the protocol's lab list (`protocol::Protocol::labs`) in one of
//! its units, coded to the lab's id whichever way it was typed; graded by CTCAE v5.0 where the
//! test is one `instruments::ctcae` grades.

use std::str::FromStr;

use instruments::ctcae::{CtcaeGrade, LabTest, LabUnit, grade_lab};
use jiff::civil::Date;
use protocol::Protocol;

use crate::Refusal;
use crate::check;
use crate::decimal::{Decimal, entry, entry_from};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{Kind, LAB};
use crate::subjects::Subject;
use crate::value::{Entry, Value};
use crate::writer::{Changes, Row};

/// One laboratory result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabResult {
    pub subject_id: i64,
    /// The visit the sample belongs to; `None` for an unscheduled sample.
    pub visit_id: Option<i64>,
    pub collected_on: Date,
    /// The test: the id of a lab of the protocol's list, e.g. `neutrophils`, `c3`. Given as
    /// the lab's id or text in any case and spacing, it is kept as the id.
    pub test: String,
    /// The result as reported, or why there is none (not done, not applicable, unknown).
    pub value: Entry<Decimal>,
    /// One of the lab's units, e.g. `10^9/L`; given in any ASCII case, kept as the protocol
    /// lists it.
    pub unit: String,
    /// Lower limit of normal, when the laboratory gives one.
    pub lln: Option<Decimal>,
    /// Upper limit of normal, when the laboratory gives one.
    pub uln: Option<Decimal>,
}

impl LabResult {
    /// Codes the test and the unit against the protocol's lab list, as the store does before
    /// it checks and keeps a result: the test becomes the lab's id and the unit the symbol as
    /// the lab lists it. An unknown test is refused naming `test` and the nearest labs; a unit
    /// the lab does not list, naming `unit` and the units allowed. (The live grade of a lab
    /// being typed codes it the same way.)
    pub fn code_against(&mut self, protocol: &Protocol) -> Result<(), StoreError> {
        if self.test.trim().is_empty() {
            return Err(StoreError::invalid("test", Refusal::of("refusal-required")));
        }
        let lab = protocol
            .lab(&self.test)
            .map_err(|unknown| StoreError::invalid("test", Refusal::untranslated(unknown)))?;
        let unit = lab
            .unit(&self.unit)
            .map_err(|error| StoreError::invalid("unit", Refusal::untranslated(error)))?;
        self.unit = unit.to_owned();
        self.test.clone_from(&lab.id);
        Ok(())
    }

    /// The CTCAE v5.0 grade, for the tests CTCAE grades from a value (`None` otherwise, when
    /// there is no value, or when grade 0 and 1 cannot be told apart without an LLN).
    pub fn ctcae_grade(&self) -> Result<Option<CtcaeGrade>, StoreError> {
        let (Ok(test), Entry::Value(value)) = (LabTest::from_str(&self.test), &self.value) else {
            return Ok(None);
        };
        let unit = LabUnit::from_str(&self.unit)
            .map_err(|error| StoreError::invalid("unit", Refusal::untranslated(error)))?;
        grade_lab(
            test,
            value.as_f64(),
            unit,
            self.lln.as_ref().map(Decimal::as_f64),
        )
        .map_err(|error| StoreError::invalid(error.field().name(), Refusal::untranslated(&error)))
    }
}

impl Sealed for LabResult {}

impl SubjectRecord for LabResult {
    fn kind() -> &'static Kind {
        &LAB
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        self.visit_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::code("test", &self.test, 40)?;
        check::label("unit", &self.unit, 20)?;
        check::not_future("collected_on", self.collected_on, today)?;
        not_before_consent("collected_on", self.collected_on, subject)?;
        if let (Some(lln), Some(uln)) = (&self.lln, &self.uln)
            && lln.as_f64() > uln.as_f64()
        {
            return Err(StoreError::invalid(
                "lln",
                Refusal::of("refusal-lln-above-uln")
                    .with("lln", lln.as_str())
                    .with("uln", uln.as_str()),
            ));
        }
        self.ctcae_grade().map(drop)
    }

    const CODED: bool = true;

    fn code(&mut self, protocol: &Protocol) -> Result<(), StoreError> {
        self.code_against(protocol)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let decimal =
            |value: Option<&Decimal>| value.map(|value| Value::Text(value.as_str().to_owned()));
        let grade = self
            .ctcae_grade()?
            .map(|grade| Value::Int(i64::from(grade.number())));
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", self.visit_id.map(Value::Int)),
            ("collected_on", Some(Value::Date(self.collected_on))),
            ("test", Some(Value::Text(self.test.trim().to_owned()))),
            ("value", Some(entry(&self.value))),
            ("unit", Some(Value::Text(self.unit.trim().to_owned()))),
            ("lln", decimal(self.lln.as_ref())),
            ("uln", decimal(self.uln.as_ref())),
            ("ctcae_grade", grade),
        ])
    }

    fn from_row(row: &Row) -> Result<LabResult, StoreError> {
        let decimal = |field: &str| {
            row.text(field)
                .map(|text| Decimal::parse(field, text))
                .transpose()
        };
        Ok(LabResult {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.int("visit_id"),
            collected_on: row.need("collected_on", row.date("collected_on"))?,
            test: row.need("test", row.text("test"))?.to_owned(),
            value: row.need("value", entry_from(row, "value")?)?,
            unit: row.need("unit", row.text("unit"))?.to_owned(),
            lln: decimal("lln")?,
            uln: decimal("uln")?,
        })
    }
}
