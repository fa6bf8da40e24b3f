//! ADaM datasets (ADaMIG v1.3) derived from the SDTM domains a subject at a time: ADSL (one
//! row per subject), ADRS (BDS: CLASI activity and response per visit, best response), ADTTE
//! (BDS time-to-event: time to complete response, time to relapse after it) and ADAE (OCCDS:
//! one row per adverse event).
//!
//! The input is only the rows `sdtm::Sdtm::casebook` emits for one subject ([`SubjectRows`]);
//! `course` derives once what the datasets share, under the protocol's response definitions
//! (`protocol::endpoint`, the report's own code). A protocol without response definitions (the
//! paediatric chart review) gets ADSL and ADAE; ADRS and ADTTE are [`NotWritten`], with the
//! reason, which the export manifest lists.
//!
//! Every variable carries its origin (`Variable::derived` with a method naming the SDTM
//! variables it reads, `predecessor`, `assigned`), for Define-XML.
//!
//! Dates are ADaM numeric dates (`*DT`): SAS dates, days since 1960-01-01 (ADaMIG v1.3 section
//! 3.1.6, "Date and time variables"), declared with `Variable::date`, so each writer states their
//! display format DATE9. (XPT NAMESTR, Define-XML `def:DisplayFormat`, Dataset-JSON).

pub mod adae;
pub mod adrs;
pub mod adsl;
pub mod adtte;
pub mod course;
pub mod sdtm_rows;

use jiff::civil::Date;
use protocol::endpoint::ResponseDefinitions;

use crate::ExportError;
use crate::dataset::{Cell, Dataset, Variable};
use crate::sdtm::Row;

pub use course::Course;
pub use sdtm_rows::{SdtmRow, SubjectRows};

/// The ADaM datasets, in the order written.
pub const DATASETS: [&str; 4] = ["ADSL", "ADRS", "ADTTE", "ADAE"];

/// A dataset the protocol gives no content for, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotWritten {
    pub dataset: String,
    pub reason: String,
}

/// Receives each ADaM row with the index of its dataset in [`Adam::datasets`].
pub type Emit<'a> = dyn FnMut(usize, &[Cell]) -> Result<(), ExportError> + 'a;

/// Builds the ADaM rows of each subject from its SDTM rows.
pub struct Adam {
    study: String,
    definitions: Option<ResponseDefinitions>,
    responders: Option<adrs::Responders>,
    datasets: Vec<Dataset>,
    not_written: Vec<NotWritten>,
}

impl Adam {
    /// The datasets of a study under `definitions` (`None`: the protocol defines no response),
    /// ADRS with the CLASI-50/70 responders of a study with `[outcomes]` (`responders`).
    pub fn new(
        study: &str,
        protocol_id: &str,
        definitions: Option<ResponseDefinitions>,
        responders: Option<adrs::Responders>,
    ) -> Result<Adam, ExportError> {
        let responds = definitions.is_some();
        let mut datasets = vec![adsl::dataset(responds)?];
        let mut not_written = Vec::new();
        if responds {
            datasets.push(adrs::dataset(responders)?);
            datasets.push(adtte::dataset()?);
        } else {
            for dataset in ["ADRS", "ADTTE"] {
                not_written.push(NotWritten {
                    dataset: dataset.to_owned(),
                    reason: format!(
                        "protocol {protocol_id} defines no response ([treatment.response]): no response, complete response or relapse to derive"
                    ),
                });
            }
        }
        datasets.push(adae::dataset()?);
        Ok(Adam {
            study: study.to_owned(),
            definitions,
            responders,
            datasets,
            not_written,
        })
    }

    /// The CLASI-50/70 responders ADRS carries (`None`: the study has no `[outcomes]`).
    pub fn responders(&self) -> Option<adrs::Responders> {
        self.responders
    }

    pub fn datasets(&self) -> &[Dataset] {
        &self.datasets
    }

    pub fn not_written(&self) -> &[NotWritten] {
        &self.not_written
    }

    /// The ADaM rows of one subject, from the SDTM rows `sdtm` (with their datasets) emitted
    /// for it; a subject without a DM row (removed) has none.
    pub fn subject(
        &self,
        sdtm: &[Dataset],
        rows: &[(usize, Vec<Cell>)],
        emit: &mut Emit,
    ) -> Result<(), ExportError> {
        let rows = SubjectRows::new(sdtm, rows);
        let course = Course::of(&rows, self.definitions.as_ref());
        let Some(dm) = course.dm else {
            return Ok(());
        };
        let usubjid = dm.text("USUBJID").unwrap_or_default();
        for (index, dataset) in self.datasets.iter().enumerate() {
            let new_row = || Row::new(dataset, &self.study, usubjid);
            match dataset.name.as_str() {
                "ADSL" => {
                    let subtype = rows
                        .domain("SUPPDM")
                        .find(|supp| supp.text("QNAM") == Some(crate::sdtm::SUBTYPE_QNAM))
                        .and_then(|supp| supp.text("QVAL"));
                    emit(index, &adsl::row(new_row(), &course, subtype).cells)?;
                }
                "ADRS" => {
                    if let Some(definitions) = &self.definitions {
                        for row in adrs::rows(new_row, &course, definitions, self.responders) {
                            emit(index, &row.cells)?;
                        }
                    }
                }
                "ADTTE" => {
                    for row in adtte::rows(new_row, &course) {
                        emit(index, &row.cells)?;
                    }
                }
                _ => {
                    for row in adae::rows(new_row, &course, &rows) {
                        emit(index, &row.cells)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The identifiers a BDS dataset (ADRS, ADTTE) starts with: the study and subject from ADSL, and
/// the parameter (ADaMIG v1.3 section 4.2, "Identifier" and "Parameter identifier variables").
pub(crate) fn bds_identifiers() -> [Variable; 4] {
    let t = Variable::text;
    [
        t("STUDYID", "Study Identifier", 32).predecessor("ADSL.STUDYID"),
        t("USUBJID", "Unique Subject Identifier", 40).predecessor("ADSL.USUBJID"),
        t("PARAMCD", "Parameter Code", 8).assigned(),
        t("PARAM", "Parameter", 60).assigned(),
    ]
}

/// A date as a SAS date: days since 1960-01-01 (ADaMIG v1.3 section 3.1.6).
pub fn sas_date(date: Date) -> f64 {
    f64::from((date - Date::constant(1960, 1, 1)).get_days())
}

/// The ADaM relative day of `date` from `reference` (ADaMIG v1.3 section 3.1.6, `*DY`: one more
/// than the difference on or after the reference, the difference before it; no day 0).
pub fn relative_day(date: Option<Date>, reference: Option<Date>) -> Option<f64> {
    crate::sdtm::study_day(date, reference)
}

impl Row<'_> {
    /// A numeric date, blank when there is none; `name` is a date variable (`Variable::date`).
    pub(crate) fn sas_date(&mut self, name: &str, date: Option<Date>) -> &mut Self {
        debug_assert!(
            self.dataset
                .position(name)
                .is_some_and(|i| self.dataset.variables[i].is_date()),
            "{name} is no date variable"
        );
        self.num(name, date.map(sas_date))
    }

    /// "Y" or "N".
    pub(crate) fn flag(&mut self, name: &str, flag: bool) -> &mut Self {
        self.text(name, if flag { "Y" } else { "N" })
    }
}

#[cfg(test)]
mod tests;
