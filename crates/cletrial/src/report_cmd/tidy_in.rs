//! Reads a study from its tidy CSV tables (the layout `export::tidy` writes) a subject at a time,
//! through `export::tidy::read`: this module says which columns of which tables the report reads
//! and maps each subject's rows into an `analysis::snapshot::SubjectSnapshot`.

use std::path::Path;

use analysis::snapshot::{Name, Sex, SubjectSnapshot, SubtypeGroup};
use export::ExportError;
use export::tidy::read::{Folder, Names, ReadError, Row, Study, Table};
use export::tidy::{Columns, Layout, TidyTable};
use instruments::medication::Regimen;
use jiff::civil::Date;
use protocol::history::NerveFinding;

use crate::io::CliError;
use outputs::report::{ClasiTotals, EventRecord, MedicationRecord, SubjectRecords, snapshot_of};

/// Reads the tables in `dir` and calls `each` with every subject, in subject.csv's order, until
/// it fails.
pub(super) fn read(
    dir: &Path,
    each: impl FnMut(SubjectSnapshot) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let layout = Layout::new(&crate::export_cmd::forms());
    export::tidy::read::subjects::<Tables, _>(dir, &layout, each)
}

/// Tables are read only for `report --csv`, so the message names that option. A table that cannot
/// be read or is refused is the user's to fix (exit 2); a missing form or a reading thread that
/// stopped is the program's (exit 1).
impl From<ReadError> for CliError {
    fn from(error: ReadError) -> CliError {
        match error {
            error @ (ReadError::File { .. } | ReadError::Table(_)) => {
                CliError::input(format!("--csv: {error}"))
            }
            error @ (ReadError::NoForm(_) | ReadError::Stopped) => {
                CliError::Other(anyhow::format_err!("{error}"))
            }
        }
    }
}

/// The tables the report reads besides subject.csv.
struct Tables {
    visits: Table<VisitRow>,
    clasi: Table<ClasiRow>,
    doses: Table<DoseRow>,
    events: Table<EventRow>,
    labs: Table<LabRow>,
    decisions: Table<DecisionRow>,
    dispositions: Table<DispositionRow>,
    medications: Table<MedicationRow>,
    nerve_studies: Table<NerveStudyRow>,
}

impl Study for Tables {
    type Subject = SubjectRow;
    type Output = SubjectSnapshot;

    fn open(folder: &Folder<'_, '_>) -> Result<Tables, ReadError> {
        Ok(Tables {
            visits: folder.table()?,
            clasi: folder.table()?,
            doses: folder.table()?,
            events: folder.table()?,
            labs: folder.table()?,
            decisions: folder.table()?,
            dispositions: folder.table()?,
            medications: folder.table()?,
            nerve_studies: folder.table()?,
        })
    }

    fn subject(&mut self, code: String, subject: SubjectRow) -> Result<SubjectSnapshot, ReadError> {
        let visit_rows = self.visits.take(&code)?;
        let doses = self.doses.take(&code)?;
        let events = self.events.take(&code)?;
        let labs = self.labs.take(&code)?;
        let decisions = self.decisions.take(&code)?;
        let dispositions = self.dispositions.take(&code)?;
        let medications = self.medications.take(&code)?;
        let nerve_studies = self.nerve_studies.take(&code)?;
        let clasi = self
            .clasi
            .take(&code)?
            .into_iter()
            .map(|c| ClasiTotals {
                visit: visit_rows
                    .iter()
                    .position(|v| v.key_date == c.visit_date && v.name == c.visit),
                assessed_on: c.assessed_on,
                activity: c.activity,
                damage: c.damage,
            })
            .collect();
        Ok(snapshot_of(SubjectRecords {
            code,
            sex: subject.sex,
            birth: subject.birth,
            subtype: subject.subtype,
            screening_date: subject.screening_date,
            enrolment_date: subject.enrolment_date,
            visits: visit_rows
                .into_iter()
                .map(|v| (v.name, v.actual_date))
                .collect(),
            clasi,
            doses: doses
                .into_iter()
                .map(|d| (d.start, d.end, d.regimen))
                .collect(),
            events: events.into_iter().map(|e| e.0).collect(),
            labs: labs
                .into_iter()
                .map(|l| (l.test, l.collected_on, l.value, l.grade))
                .collect(),
            medications: medications.into_iter().map(|m| m.0).collect(),
            nerve_studies: nerve_studies
                .into_iter()
                .map(|n| (n.tested_on, n.finding))
                .collect(),
            decisions: decisions
                .into_iter()
                .map(|d| (d.decided_on, d.phase))
                .collect(),
            dispositions: dispositions
                .into_iter()
                .map(|d| (d.date, d.status))
                .collect(),
        }))
    }

    fn finish(self) -> Result<(), ReadError> {
        self.visits.finish()?;
        self.clasi.finish()?;
        self.doses.finish()?;
        self.events.finish()?;
        self.labs.finish()?;
        self.decisions.finish()?;
        self.dispositions.finish()?;
        self.medications.finish()?;
        self.nerve_studies.finish()
    }
}

/// A name the table repeats, made once where the reader keeps it (`Names`).
fn name(names: &mut Names, text: &str) -> Name {
    names
        .get(text)
        .map_or_else(|| Name::from(text), Name::lasting)
}

struct SubjectRow {
    sex: Option<Sex>,
    birth: Option<store::BirthOrAge>,
    subtype: Option<SubtypeGroup>,
    screening_date: Date,
    enrolment_date: Option<Date>,
}

impl Row for SubjectRow {
    const FORM: &'static str = "subject";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&[
            "sex",
            "subtype",
            "screening_date",
            "enrolment_date",
            "birth_date",
            "age_years",
        ])
    }
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<SubjectRow, ExportError> {
        let sex = match row.text(c[0])?.as_ref() {
            "F" => Some(Sex::F),
            "M" => Some(Sex::M),
            "U" => None,
            other => {
                return Err(ExportError::invalid(
                    row.here(Some(c[0])),
                    format!("'{other}' is not allowed; allowed: F, M, U"),
                ));
            }
        };
        let subtype = match row.entry(c[1])?.text() {
            None => None,
            Some(id) => Some(SubtypeGroup::of(id.parse().map_err(
                |error: instruments::subtype::UnknownSubtype| {
                    ExportError::invalid(row.here(Some(c[1])), error.to_string())
                },
            )?)),
        };
        let birth = match (row.date(c[4])?, row.integer(c[5])?) {
            (Some(born), _) => Some(store::BirthOrAge::BirthDate(born)),
            (None, Some(years)) => Some(store::BirthOrAge::AgeYears(years)),
            (None, None) => None,
        };
        Ok(SubjectRow {
            sex,
            birth,
            subtype,
            screening_date: row.required_date(c[2])?,
            enrolment_date: row.date(c[3])?,
        })
    }
}

struct VisitRow {
    name: Name,
    /// The visit's date in the key columns (actual, else planned), which other tables name it by.
    key_date: Option<Date>,
    actual_date: Option<Date>,
}

impl Row for VisitRow {
    const FORM: &'static str = "visit";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["name", "visit_date", "actual_date"])
    }
    fn read(row: &TidyTable, c: &[usize], names: &mut Names) -> Result<VisitRow, ExportError> {
        Ok(VisitRow {
            name: name(names, &row.text(c[0])?),
            key_date: row.date(c[1])?,
            actual_date: row.date(c[2])?,
        })
    }
}

struct ClasiRow {
    visit: Name,
    visit_date: Option<Date>,
    assessed_on: Date,
    activity: Option<u8>,
    damage: Option<u8>,
}

impl Row for ClasiRow {
    const FORM: &'static str = "clasi";
    const SPLIT: bool = true;
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["visit", "visit_date", "assessed_on", "activity", "damage"])
    }
    /// The totals the record derived (an unassessed item leaves them blank); CLASI activity is
    /// 0-70 and damage 0-56.
    fn read(row: &TidyTable, c: &[usize], names: &mut Names) -> Result<ClasiRow, ExportError> {
        Ok(ClasiRow {
            visit: name(names, row.raw(c[0])?),
            visit_date: row.date(c[1])?,
            assessed_on: row.required_date(c[2])?,
            activity: row.small(c[3], 0..=70)?,
            damage: row.small(c[4], 0..=56)?,
        })
    }
}

struct DoseRow {
    start: Date,
    end: Option<Date>,
    regimen: Regimen,
}

impl Row for DoseRow {
    const FORM: &'static str = "dose";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&[
            "start_date",
            "end_date",
            "drug",
            "amount",
            "unit",
            "frequency",
        ])
    }
    /// The regimen as prescribed; a cell the record would refuse is refused naming its column.
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<DoseRow, ExportError> {
        let cells = [c[2], c[3], c[4], c[5]].map(|column| row.text(column));
        let [drug, amount, unit, frequency] = cells;
        let regimen = store::DosePeriod::regimen_named(&drug?, &amount?, &unit?, &frequency?)
            .map_err(|error| match error {
                store::StoreError::Invalid { field, message } => {
                    let column = ["drug", "amount", "unit", "frequency"]
                        .iter()
                        .position(|name| *name == field)
                        .map(|index| c[2 + index]);
                    ExportError::invalid(row.here(column), message.to_string())
                }
                other => ExportError::invalid(row.here(None), other.to_string()),
            })?;
        Ok(DoseRow {
            start: row.required_date(c[0])?,
            end: row.date(c[1])?,
            regimen,
        })
    }
}

struct EventRow(EventRecord);

impl Row for EventRow {
    const FORM: &'static str = "adverse_event";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&[
            "term",
            "start_date",
            "end_date",
            "grade",
            "serious",
            "causality",
        ])
    }
    /// CTCAE grades 1-5.
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<EventRow, ExportError> {
        let grade = row.small(c[3], 1..=5)?.ok_or_else(|| {
            ExportError::invalid(row.here(Some(c[3])), "must hold a CTCAE grade 1 to 5")
        })?;
        let serious = row
            .entry(c[4])?
            .boolean()
            .ok_or_else(|| ExportError::invalid(row.here(Some(c[4])), "must be true or false"))?;
        Ok(EventRow(EventRecord {
            term: row.text(c[0])?.into_owned(),
            start: row.required_date(c[1])?,
            end: row.date(c[2])?,
            grade,
            serious,
            causality: row.text(c[5])?.into_owned(),
        }))
    }
}

struct LabRow {
    test: Name,
    collected_on: Date,
    value: Option<f64>,
    grade: Option<u8>,
}

impl Row for LabRow {
    const FORM: &'static str = "lab";
    const SPLIT: bool = true;
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["test", "collected_on", "ctcae_grade", "value"])
    }
    /// The CTCAE grade the record derived (0 = within the normal range; blank = not graded).
    fn read(row: &TidyTable, c: &[usize], names: &mut Names) -> Result<LabRow, ExportError> {
        Ok(LabRow {
            test: name(names, &row.text(c[0])?),
            collected_on: row.required_date(c[1])?,
            grade: row.small(c[2], 0..=5)?,
            value: row.number(c[3])?,
        })
    }
}

struct DecisionRow {
    decided_on: Date,
    phase: String,
}

impl Row for DecisionRow {
    const FORM: &'static str = "decision";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["decided_on", "phase"])
    }
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<DecisionRow, ExportError> {
        Ok(DecisionRow {
            decided_on: row.required_date(c[0])?,
            phase: row.text(c[1])?.into_owned(),
        })
    }
}

struct DispositionRow {
    date: Date,
    status: String,
}

impl Row for DispositionRow {
    const FORM: &'static str = "disposition";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["disposition_date", "status"])
    }
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<DispositionRow, ExportError> {
        Ok(DispositionRow {
            date: row.required_date(c[0])?,
            status: row.text(c[1])?.into_owned(),
        })
    }
}

struct MedicationRow(MedicationRecord);

impl Row for MedicationRow {
    const FORM: &'static str = "conmed";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&[
            "drug",
            "amount",
            "unit",
            "frequency",
            "start_date",
            "end_date",
        ])
    }
    /// The drug by its id, and mg a day from the dose as the record codes it.
    fn read(row: &TidyTable, c: &[usize], names: &mut Names) -> Result<MedicationRow, ExportError> {
        let optional = |column: usize| -> Result<String, ExportError> {
            Ok(row
                .entry(column)?
                .text()
                .map(str::to_owned)
                .unwrap_or_default())
        };
        let dose = store::ConcomitantMedication::dose_named(
            &optional(c[1])?,
            &optional(c[2])?,
            &optional(c[3])?,
            "",
        )
        .map_err(|error| ExportError::invalid(row.here(None), error.to_string()))?;
        Ok(MedicationRow(MedicationRecord {
            drug: name(names, &row.text(c[0])?),
            start: row.date(c[4])?,
            end: row.date(c[5])?,
            mg_per_day: dose.mg_per_day(),
        }))
    }
}

struct NerveStudyRow {
    tested_on: Date,
    finding: NerveFinding,
}

impl Row for NerveStudyRow {
    const FORM: &'static str = "nerve_conduction_study";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        columns.positions(&["tested_on", "finding"])
    }
    fn read(row: &TidyTable, c: &[usize], _: &mut Names) -> Result<NerveStudyRow, ExportError> {
        let finding = store::Finding::parse(&row.text(c[1])?)
            .map_err(|error| ExportError::invalid(row.here(Some(c[1])), error.to_string()))?;
        Ok(NerveStudyRow {
            tested_on: row.required_date(c[0])?,
            finding: finding.engine(),
        })
    }
}
