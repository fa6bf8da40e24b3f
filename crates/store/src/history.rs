//! Baseline medical history and concomitant medications.

use instruments::medication::{Amount, DoseUnit, Drug, Frequency, MedicationError, Route};
use jiff::civil::Date;

use crate::Refusal;
use crate::check::{self, coded_enum};
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, end_after_start};
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

/// A medication other than the study drug, coded: the drug from the vocabulary, with the words
/// as written beside it (required for "other medication"), the dose where known, how it is given
/// and why. Rules read the code (prednisone mg/day), never the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcomitantMedication {
    pub subject_id: i64,
    pub drug: Drug,
    /// As written (SDTM CMTRT), when it says more than the drug's name.
    pub verbatim: Option<String>,
    /// Amount per administration with its unit; `None` when not known.
    pub amount: Option<(Amount, DoseUnit)>,
    pub frequency: Option<Frequency>,
    pub route: Option<Route>,
    pub indication: Option<String>,
    /// Unknown start dates are common in history taking: `None`.
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Still taken; an ongoing medication has no end date.
    pub ongoing: bool,
}

impl ConcomitantMedication {
    /// The drug `text` names, or a refusal naming the `drug` field and the nearest drugs.
    pub fn drug_named(text: &str) -> Result<Drug, StoreError> {
        Drug::find(text).map_err(|error| {
            StoreError::invalid(
                "drug",
                Refusal::of("refusal-drug-unknown").with("problem", error),
            )
        })
    }

    /// An amount typed with its unit (unit blank: mg), each refused by its field's name.
    pub fn amount_named(amount: &str, unit: &str) -> Result<(Amount, DoseUnit), StoreError> {
        let unit: DoseUnit = if unit.trim().is_empty() {
            DoseUnit::Milligram
        } else {
            unit.parse().map_err(check::medication("unit"))?
        };
        let amount = Amount::parse(amount, unit).map_err(check::medication("amount"))?;
        Ok((amount, unit))
    }

    /// The dose fields as typed, blank meaning not known: the amount with its unit (unit blank:
    /// mg), the frequency and the route, each refused by its field's name.
    pub fn dose_named(
        amount: &str,
        unit: &str,
        frequency: &str,
        route: &str,
    ) -> Result<ConmedDose, StoreError> {
        let field = check::medication;
        Ok(ConmedDose {
            amount: given(amount)
                .map(|amount| ConcomitantMedication::amount_named(amount, unit))
                .transpose()?,
            frequency: given(frequency)
                .map(str::parse)
                .transpose()
                .map_err(field("frequency"))?,
            route: given(route)
                .map(str::parse)
                .transpose()
                .map_err(field("route"))?,
        })
    }

    /// Milligrams a day, averaged over the week (prednisone 10 mg on alternate days is 5);
    /// `None` unless the amount and a frequency with a weekly count are known.
    pub fn mg_per_day(&self) -> Option<f64> {
        mg_per_day(self.amount, self.frequency)
    }

    /// Whether it was taken on `date`: started on or before (an unknown start counts as
    /// before) and not ended before.
    pub fn taken_on(&self, date: Date) -> bool {
        self.start_date.is_none_or(|start| start <= date)
            && self.end_date.is_none_or(|end| date <= end)
    }

    /// As written, or the drug's name: "Prednisone 10 mg once daily".
    pub fn words(&self) -> String {
        let name = self.verbatim.as_deref().unwrap_or(self.drug.name());
        let dose = self
            .amount
            .map(|(amount, unit)| format!(" {} {unit}", amount.text_in(unit)))
            .unwrap_or_default();
        let frequency = self
            .frequency
            .map(|frequency| format!(" {frequency}"))
            .unwrap_or_default();
        format!("{name}{dose}{frequency}")
    }
}

/// Typed text, unless blank.
fn given(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|text| !text.is_empty())
}

/// The dose fields of a concomitant medication, each `None` when not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConmedDose {
    pub amount: Option<(Amount, DoseUnit)>,
    pub frequency: Option<Frequency>,
    pub route: Option<Route>,
}

/// How much of a drug the record says a subject took on a day, from its concomitant medications.
#[derive(Clone, Debug, PartialEq)]
pub enum DailyDose {
    /// No record of the drug covers the day.
    NoneRecorded,
    /// Milligrams a day, summed over the records that cover the day.
    Mg(f64),
    /// A record covers the day without an amount and frequency: the dose is unknown (not 0).
    Unknown,
}

/// The daily dose of `drug` on `date` (prednisone at the index date and 6 months later, as the
/// paediatric review compares).
/// Milligrams a day averaged over the week, when the amount and a weekly count are known.
fn mg_per_day(amount: Option<(Amount, DoseUnit)>, frequency: Option<Frequency>) -> Option<f64> {
    let (amount, _) = amount?;
    Some(amount.mg() * frequency?.per_week()? / 7.0)
}

impl ConmedDose {
    /// Milligrams a day, averaged over the week (as [`ConcomitantMedication::mg_per_day`]).
    pub fn mg_per_day(&self) -> Option<f64> {
        mg_per_day(self.amount, self.frequency)
    }
}

pub fn daily_dose<'a>(
    conmeds: impl IntoIterator<Item = &'a ConcomitantMedication>,
    drug: Drug,
    date: Date,
) -> DailyDose {
    conmeds
        .into_iter()
        .filter(|conmed| conmed.drug == drug && conmed.taken_on(date))
        .fold(DailyDose::NoneRecorded, |total, conmed| {
            match (total, conmed.mg_per_day()) {
                (DailyDose::Unknown, _) | (_, None) => DailyDose::Unknown,
                (DailyDose::NoneRecorded, Some(mg)) => DailyDose::Mg(mg),
                (DailyDose::Mg(sum), Some(mg)) => DailyDose::Mg(sum + mg),
            }
        })
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
        for (field, text) in [
            ("verbatim", &self.verbatim),
            ("indication", &self.indication),
        ] {
            if let Some(text) = text {
                check::label(field, text, 200)?;
            }
        }
        if self.drug.is_other() && self.verbatim.is_none() {
            return Err(StoreError::invalid(
                "verbatim",
                Refusal::of("refusal-other-drug-needs-name"),
            ));
        }
        if self.frequency.is_some() && self.amount.is_none() {
            return Err(StoreError::invalid(
                "amount",
                Refusal::of("refusal-frequency-needs-amount"),
            ));
        }
        if self.ongoing && self.end_date.is_some() {
            return Err(StoreError::invalid(
                "end_date",
                Refusal::of("refusal-ongoing-no-end"),
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
        let text = |text: Option<&str>| text.map(|t| Value::Text(t.trim().to_owned()));
        let amount = self.amount.map(|(amount, unit)| amount.text_in(unit));
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("drug", text(Some(self.drug.id()))),
            (
                "medication",
                text(Some(self.verbatim.as_deref().unwrap_or(self.drug.name()))),
            ),
            ("amount", text(amount.as_deref())),
            ("unit", text(self.amount.map(|(_, unit)| unit.code()))),
            ("frequency", text(self.frequency.map(Frequency::code))),
            ("route", text(self.route.map(Route::code))),
            ("indication", text(self.indication.as_deref())),
            ("start_date", self.start_date.map(Value::Date)),
            ("end_date", self.end_date.map(Value::Date)),
            ("ongoing", Some(Value::Bool(self.ongoing))),
        ])
    }

    /// A record kept before coding (migration 0017) has only the words: they are coded as the
    /// drug they name, or kept as another medication.
    fn from_row(row: &Row) -> Result<ConcomitantMedication, StoreError> {
        let corrupt = |error: MedicationError| StoreError::corrupt(error.to_string());
        let medication = row.need("medication", row.text("medication"))?;
        let drug = match row.text("drug") {
            Some(id) => Drug::find(id).map_err(corrupt)?,
            None => Drug::find(medication)
                .or_else(|_| Drug::find("other"))
                .map_err(corrupt)?,
        };
        let amount = match (row.text("amount"), row.text("unit")) {
            (Some(amount), Some(unit)) => {
                let unit: DoseUnit = unit.parse().map_err(corrupt)?;
                Some((Amount::parse(amount, unit).map_err(corrupt)?, unit))
            }
            _ => None,
        };
        Ok(ConcomitantMedication {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            verbatim: (medication != drug.name()).then(|| medication.to_owned()),
            drug,
            amount,
            frequency: row
                .text("frequency")
                .map(str::parse)
                .transpose()
                .map_err(corrupt)?,
            route: row
                .text("route")
                .map(str::parse)
                .transpose()
                .map_err(corrupt)?,
            indication: row.text("indication").map(str::to_owned),
            start_date: row.date("start_date"),
            end_date: row.date("end_date"),
            ongoing: row.need("ongoing", row.flag("ongoing"))?,
        })
    }
}
