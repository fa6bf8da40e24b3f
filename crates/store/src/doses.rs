//! Dose periods of the study drug as prescribed: drug, amount per administration with its unit,
//! frequency, and the protocol's dose level the regimen is, from when to when. A dose change is
//! one command ([`Store::change_dose`]): the running period ends and the next starts in one
//! transaction; the pages, the API, import and the demo all call it.

use instruments::medication::{Amount, DoseUnit, Drug, Frequency, Regimen};
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::Protocol;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::error::StoreError;
use crate::record::{Sealed, Stored, SubjectRecord, end_after_start};
use crate::records::{add_record, records_in, update_record};
use crate::schema::{DOSE, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Reason, Row};

/// A period on one regimen of the study drug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DosePeriod {
    pub subject_id: i64,
    pub regimen: Regimen,
    /// The protocol's dose level this regimen is (its id); set from the protocol when the
    /// period is kept, never typed. `None` in a study without dose levels (a chart review).
    pub level: Option<String>,
    pub start_date: Date,
    /// `None` while the period runs.
    pub end_date: Option<Date>,
}

impl DosePeriod {
    /// A regimen from typed words, each refused by its field's name: the drug by name, the
    /// amount as decimal text in `unit`, the frequency as a CDISC term or its words.
    pub fn regimen_named(
        drug: &str,
        amount: &str,
        unit: &str,
        frequency: &str,
    ) -> Result<Regimen, StoreError> {
        let field = check::medication;
        let unit: DoseUnit = unit.parse().map_err(field("unit"))?;
        Ok(Regimen {
            drug: Drug::find(drug).map_err(field("drug"))?,
            amount: Amount::parse(amount, unit).map_err(field("amount"))?,
            unit,
            frequency: frequency.parse().map_err(field("frequency"))?,
        })
    }

    /// Whether the period covers `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.start_date <= date && self.end_date.is_none_or(|end| date <= end)
    }
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
        check::not_future("start_date", self.start_date, today)?;
        match subject.data.enrolment_date {
            None => {
                return Err(StoreError::invalid(
                    "start_date",
                    Refusal::of("refusal-not-enrolled"),
                ));
            }
            Some(enrolled) if self.start_date < enrolled => {
                return Err(StoreError::invalid(
                    "start_date",
                    Refusal::of("refusal-before-enrolment").with("date", enrolled),
                ));
            }
            Some(_) => {}
        }
        end_after_start("end_date", self.end_date, self.start_date, today)
    }

    const CODED: bool = true;

    /// Only the study drug has dose periods (any other drug is a concomitant medication), and
    /// in a study with dose levels the regimen must be one of them exactly.
    fn code(&mut self, protocol: &Protocol) -> Result<(), StoreError> {
        let has_levels = protocol
            .file()
            .dose_levels
            .iter()
            .any(|level| !level.is_off());
        self.level = match protocol.level_of(&self.regimen) {
            Ok(level) => Some(level.id.clone()),
            Err(protocol::NoLevel::NotALevel { .. }) if !has_levels => None,
            Err(refusal @ protocol::NoLevel::NotTheStudyDrug { .. }) => {
                return Err(StoreError::invalid("drug", Refusal::untranslated(refusal)));
            }
            Err(refusal) => {
                return Err(StoreError::invalid(
                    "amount",
                    Refusal::untranslated(refusal),
                ));
            }
        };
        Ok(())
    }

    /// Two periods of the same drug must not overlap: a subject takes one regimen at a time.
    fn span(&self) -> Option<(&'static str, Date, Option<Date>)> {
        Some((self.regimen.drug.id(), self.start_date, self.end_date))
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let regimen = &self.regimen;
        let text = |text: &str| Some(Value::Text(text.to_owned()));
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("drug", text(regimen.drug.id())),
            ("amount", text(&regimen.amount.text_in(regimen.unit))),
            ("unit", text(regimen.unit.code())),
            ("frequency", text(regimen.frequency.code())),
            ("dose_level", self.level.as_deref().and_then(text)),
            ("start_date", Some(Value::Date(self.start_date))),
            ("end_date", self.end_date.map(Value::Date)),
        ])
    }

    fn from_row(row: &Row) -> Result<DosePeriod, StoreError> {
        let drug = row.need("drug", row.text("drug"))?;
        let regimen = match row.text("amount") {
            Some(amount) => DosePeriod::regimen_named(
                drug,
                amount,
                row.need("unit", row.text("unit"))?,
                row.need("frequency", row.text("frequency"))?,
            ),
            // Kept before regimens (migration 0016): an average mg/day, read as that amount
            // once daily to the microgram; where that is no level (an intermittent regimen)
            // the decision names the period to be corrected.
            None => {
                let daily = row.need("daily_dose_mg", row.text("daily_dose_mg"))?;
                let mg = daily
                    .parse::<f64>()
                    .ok()
                    .and_then(|mg| Amount::from_mg((mg * 1e3).round() / 1e3));
                Ok(Regimen {
                    drug: Drug::find(drug)
                        .map_err(|error| StoreError::corrupt(error.to_string()))?,
                    amount: mg
                        .ok_or_else(|| StoreError::corrupt(format!("daily_dose_mg '{daily}'")))?,
                    unit: DoseUnit::Milligram,
                    frequency: Frequency::OnceDaily,
                })
            }
        }
        .map_err(|error| StoreError::corrupt(error.to_string()))?;
        Ok(DosePeriod {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            regimen,
            level: row.text("dose_level").map(str::to_owned),
            start_date: row.need("start_date", row.date("start_date"))?,
            end_date: row.date("end_date"),
        })
    }
}

/// What the subject takes of a drug from a date on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewDose {
    /// This regimen, until the next change.
    Regimen(Regimen),
    /// Nothing: the drug is stopped (withdrawn, or a pause).
    Stop(Drug),
}

impl NewDose {
    pub fn drug(&self) -> Drug {
        match self {
            NewDose::Regimen(regimen) => regimen.drug,
            NewDose::Stop(drug) => *drug,
        }
    }
}

/// A change of the study drug's dose from a date: the running period of the drug ends the day
/// before and, unless the drug is stopped, a period of the new regimen starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoseChange {
    pub subject_id: i64,
    pub from: Date,
    pub dose: NewDose,
    /// When a period that is already over is entered after the fact (a chart review, an
    /// import): its last day. `None`: it runs until the next change.
    pub until: Option<Date>,
}

/// What a dose change did: the period it ended, the period it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoseChanged {
    pub ended: Option<Stored<DosePeriod>>,
    pub started: Option<Stored<DosePeriod>>,
}

pub(crate) async fn change_dose(
    writer: &mut crate::writer::Writer,
    actor: &Actor,
    change: &DoseChange,
) -> Result<DoseChanged, StoreError> {
    let drug = change.dose.drug();
    let periods: Vec<Stored<DosePeriod>> = records_in(writer.tx(), change.subject_id).await?;
    let running = periods
        .into_iter()
        .find(|period| period.data.regimen.drug == drug && period.data.end_date.is_none());
    let words = match &change.dose {
        NewDose::Regimen(regimen) => regimen.to_string(),
        NewDose::Stop(drug) => format!("{drug} stopped"),
    };
    let ended = match running {
        Some(running) if running.data.start_date >= change.from => {
            return Err(StoreError::invalid(
                "start_date",
                Refusal::of("refusal-change-before-start")
                    .with("regimen", running.data.regimen)
                    .with("start", running.data.start_date),
            ));
        }
        Some(running) => {
            let ended = DosePeriod {
                end_date: Some(change.from.saturating_sub(1.day())),
                ..running.data.clone()
            };
            let reason = Reason::new(&format!("dose changed to {words} from {}", change.from))?;
            Some(update_record(writer, actor, running.id, running.version, &ended, &reason).await?)
        }
        None => None,
    };
    let started = match &change.dose {
        NewDose::Regimen(regimen) => {
            let period = DosePeriod {
                subject_id: change.subject_id,
                regimen: *regimen,
                level: None,
                start_date: change.from,
                end_date: change.until,
            };
            Some(add_record(writer, actor, &period).await?)
        }
        NewDose::Stop(drug) if ended.is_none() => {
            return Err(StoreError::invalid(
                "start_date",
                Refusal::of("refusal-nothing-to-stop").with("drug", drug),
            ));
        }
        NewDose::Stop(_) if change.until.is_some() => {
            return Err(StoreError::invalid(
                "end_date",
                Refusal::of("refusal-stop-has-no-end"),
            ));
        }
        NewDose::Stop(_) => None,
    };
    Ok(DoseChanged { ended, started })
}

impl Store {
    /// Changes the study drug's dose from a date in one transaction: the running period ends
    /// the day before, the new regimen (unless stopped) starts. The one command of the visit
    /// page, the API, import and the demo; a period entered in error is corrected with
    /// [`Store::update_record`] or voided with [`Store::void`].
    pub async fn change_dose(
        &self,
        actor: &Actor,
        change: &DoseChange,
    ) -> Result<DoseChanged, StoreError> {
        let change = change.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { change_dose(writer, actor, &change).await })
        })
        .await
    }
}

impl crate::Batch {
    /// As [`Store::change_dose`], in the batch.
    pub async fn change_dose(&mut self, change: &DoseChange) -> Result<DoseChanged, StoreError> {
        self.savepoint(async |writer, actor| change_dose(writer, actor, change).await)
            .await
    }
}
