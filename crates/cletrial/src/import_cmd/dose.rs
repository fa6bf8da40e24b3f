//! Dose rows: the study drug as prescribed, each row a dose change through the store's one
//! dose-change command (`Batch::change_dose`), as on the visit page and the API. Rows of a
//! subject come in start-date order (the key sorts them so), so each change ends the period
//! before it.
//!
//! A row is found again by subject, drug and start date: the same regimen writes nothing, a
//! different one corrects the stored period with the import's reason. A blank end date means
//! "until the next change", so it matches a period a later change ended; a stop row matches a
//! period of the drug that ends the day before it.

use instruments::medication::Drug;
use jiff::ToSpan;
use jiff::civil::Date;
use store::{DoseChange, DosePeriod, NewDose, StoreError, Stored};

use super::apply::{Import, Keyed};
use super::form::Form;
use super::mapping::Cell;
use super::outcome::{Done, Refused, refused};
use super::reader::Reader;

/// What a dose row says.
struct DoseRow {
    dose: NewDose,
    start_date: Date,
    end_date: Option<Date>,
    void: Option<String>,
}

/// The dose of the row: a regimen by the store's words (`DosePeriod::regimen_named`: the drug
/// by name, the amount in the unit, `mg` when no unit is given, the frequency as a CDISC term
/// or its words), or, when `dose.stop` says yes, the drug stopped (no amount, unit, frequency
/// or entered in error then: a stop is no record; the store refuses an end date).
fn read(reader: &mut Reader<'_>) -> Option<DoseRow> {
    let drug = reader.required("dose.drug");
    // Blank is no stop; a cell that does not read leaves the row unread (refused).
    let stop = match reader.cell("dose.stop") {
        Cell::Blank => Some(false),
        _ => reader.flag("dose.stop"),
    };
    let start_date = reader.required_date("dose.start_date");
    let end_date = reader.optional_date("dose.end_date");
    let void = reader.entered_in_error(Form::Dose);
    let dose = if stop? {
        for field in [
            "dose.amount",
            "dose.unit",
            "dose.frequency",
            "dose.entered_in_error",
        ] {
            if *reader.cell(field) != Cell::Blank {
                reader.refuse(
                    field,
                    "a stop takes no amount, unit, frequency or entered in error: it ends the running period (correct or void a period on its own row)",
                );
            }
        }
        let drug = reader.parsed("dose.drug", drug, |text| {
            Drug::find(text).map_err(|error| error.to_string())
        });
        drug.map(NewDose::Stop)
    } else {
        let amount = reader.required("dose.amount");
        let unit = reader.text("dose.unit");
        let frequency = reader.required("dose.frequency");
        match (drug, amount, frequency) {
            (Some(drug), Some(amount), Some(frequency)) => {
                let unit = unit.as_deref().unwrap_or("mg");
                match DosePeriod::regimen_named(&drug, &amount, unit, &frequency) {
                    Ok(regimen) => Some(NewDose::Regimen(regimen)),
                    Err(error) => {
                        reader.refuse_store(Form::Dose, &error);
                        None
                    }
                }
            }
            _ => None,
        }
    };
    Some(DoseRow {
        dose: dose?,
        start_date: start_date?,
        end_date,
        void,
    })
}

pub async fn row(import: &mut Import<'_>, keyed: &Keyed<'_>) -> Result<Done, Refused> {
    let row = keyed.row;
    let fail = |error: StoreError| refused(row, Form::Dose, error);
    let subject = import.subject(row, &keyed.key.subject).await?;
    let mut reader = import.reader(row);
    let read = read(&mut reader);
    let DoseRow {
        dose,
        start_date,
        end_date,
        void,
    } = reader.finish(read)?;
    let drug = dose.drug();
    let periods: Vec<Stored<DosePeriod>> = import
        .batch
        .records_of::<DosePeriod>(subject.id)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|period| period.data.regimen.drug == drug)
        .collect();
    let change = DoseChange {
        subject_id: subject.id,
        from: start_date,
        dose: dose.clone(),
        until: end_date,
    };
    let batch = &mut import.batch;
    let result = match dose {
        NewDose::Stop(_) => {
            let day_before = start_date.saturating_sub(1.day());
            let stopped = periods
                .iter()
                .any(|period| period.data.end_date == Some(day_before))
                && !periods.iter().any(|period| period.data.covers(start_date));
            if stopped {
                Ok(Done::Unchanged)
            } else {
                batch.change_dose(&change).await.map(|_| Done::Updated)
            }
        }
        NewDose::Regimen(regimen) => {
            let same_start = periods
                .iter()
                .find(|period| period.data.start_date == start_date);
            match (void, same_start) {
                (Some(_), None) => Ok(Done::Unchanged),
                (Some(why), Some(stored)) => batch
                    .remove_record::<DosePeriod>(stored.id, stored.version, &why)
                    .await
                    .map(|()| Done::Voided),
                (None, None) => batch.change_dose(&change).await.map(|_| Done::Created),
                (None, Some(stored))
                    if stored.data.regimen == regimen
                        && end_date.is_none_or(|end| stored.data.end_date == Some(end)) =>
                {
                    Ok(Done::Unchanged)
                }
                (None, Some(stored)) => {
                    let period = DosePeriod {
                        subject_id: subject.id,
                        regimen,
                        level: None,
                        start_date,
                        end_date: end_date.or(stored.data.end_date),
                    };
                    batch
                        .update_record(stored.id, stored.version, &period, import.reason)
                        .await
                        .map(|_| Done::Updated)
                }
            }
        }
    };
    result.map_err(fail)
}
