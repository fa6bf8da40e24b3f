//! Reads a study from its tidy CSV tables (the layout `export::tidy` writes) a subject at a time.
//!
//! Every table is read in one pass on its own thread; the threads hand each subject's rows to the
//! caller in subject.csv's order, so memory holds a few batches of subjects whatever the study's size.
//! Each table must list its subjects together and in subject.csv's order (both writers do); a row
//! out of that order is an error naming its file and line.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use analysis::snapshot::{Sex, SubjectSnapshot, SubtypeGroup};
use export::ExportError;
use export::source::{Datum, Entry};
use export::tidy::{Layout, TidyTable};
use jiff::civil::Date;

use super::{ClasiTotals, EventRecord, SubjectRecords, snapshot_of};
use crate::io::CliError;

/// Subjects handed over at a time between a table's thread and the reader.
const BATCH: usize = 512;

/// One subject's rows of one table, and the line its first row is on.
struct Group<T> {
    code: String,
    line: u64,
    rows: Vec<T>,
}

type Batch<T> = Result<Vec<Group<T>>, ExportError>;

/// A table being read: its file, the columns the report uses, and how a row reads.
trait Rows: Sized + Send + 'static {
    const FORM: &'static str;
    /// The positions of the columns `read` uses.
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError>;
    fn read(table: &TidyTable<BufReader<File>>, columns: &[usize]) -> Result<Self, ExportError>;
}

/// Reads the tables in `dir` and calls `each` with every subject, in subject.csv's order.
pub(super) fn read(dir: &Path, mut each: impl FnMut(SubjectSnapshot)) -> Result<(), CliError> {
    let layout = Layout::new(&crate::export_cmd::forms());
    std::thread::scope(|scope| {
        let mut visits = Cursor::<VisitRow>::start(scope, dir, &layout)?;
        let mut clasi = Cursor::<ClasiRow>::start(scope, dir, &layout)?;
        let mut doses = Cursor::<DoseRow>::start(scope, dir, &layout)?;
        let mut events = Cursor::<EventRow>::start(scope, dir, &layout)?;
        let mut labs = Cursor::<LabRow>::start(scope, dir, &layout)?;
        let mut decisions = Cursor::<DecisionRow>::start(scope, dir, &layout)?;
        let mut dispositions = Cursor::<DispositionRow>::start(scope, dir, &layout)?;
        let mut subjects = open(dir, &layout, "subject")?;
        let columns = SubjectRow::columns(&subjects).map_err(input)?;
        while subjects.next_row().map_err(input)? {
            let code_column = 0;
            let code = subjects.raw(code_column).map_err(input)?.to_owned();
            let subject = SubjectRow::read(&subjects, &columns).map_err(input)?;
            let visit_rows = visits.take(&code)?;
            let doses = doses.take(&code)?;
            let events = events.take(&code)?;
            let labs = labs.take(&code)?;
            let decisions = decisions.take(&code)?;
            let dispositions = dispositions.take(&code)?;
            let clasi = clasi
                .take(&code)?
                .into_iter()
                .map(|c| ClasiTotals {
                    visit: visit_rows
                        .iter()
                        .position(|v| v.name == c.visit && v.key_date == c.visit_date),
                    assessed_on: c.assessed_on,
                    activity: c.activity,
                    damage: c.damage,
                })
                .collect();
            each(snapshot_of(SubjectRecords {
                code,
                sex: subject.sex,
                subtype: subject.subtype,
                screening_date: subject.screening_date,
                enrolment_date: subject.enrolment_date,
                visits: visit_rows
                    .into_iter()
                    .map(|v| (v.name, v.actual_date))
                    .collect(),
                clasi,
                doses: doses.into_iter().map(|d| (d.start, d.end, d.mg)).collect(),
                events: events.into_iter().map(|e| e.0).collect(),
                labs: labs
                    .into_iter()
                    .map(|l| (l.test, l.collected_on, l.grade))
                    .collect(),
                decisions: decisions
                    .into_iter()
                    .map(|d| (d.decided_on, d.phase))
                    .collect(),
                dispositions: dispositions
                    .into_iter()
                    .map(|d| (d.date, d.status))
                    .collect(),
            }));
        }
        visits.finish()?;
        clasi.finish()?;
        doses.finish()?;
        events.finish()?;
        labs.finish()?;
        decisions.finish()?;
        dispositions.finish()
    })
}

fn input(error: ExportError) -> CliError {
    CliError::input(format!("--csv: {error}"))
}

fn open(dir: &Path, layout: &Layout, form: &str) -> Result<TidyTable<BufReader<File>>, CliError> {
    let index = layout
        .forms()
        .index(form)
        .ok_or_else(|| CliError::Other(anyhow::format_err!("the record has no form {form}")))?;
    let path = dir.join(format!("{form}.csv"));
    let file = File::open(&path).map_err(|error| {
        CliError::input(format!("--csv: cannot read '{}': {error}", path.display()))
    })?;
    TidyTable::open(layout, index, BufReader::with_capacity(1 << 20, file)).map_err(input)
}

/// The next subjects of one table, read ahead on its own thread.
struct Cursor<T> {
    file: &'static str,
    batches: Receiver<Batch<T>>,
    pending: std::vec::IntoIter<Group<T>>,
    next: Option<Group<T>>,
}

impl<T: Rows> Cursor<T> {
    fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        dir: &Path,
        layout: &Layout,
    ) -> Result<Cursor<T>, CliError> {
        let table = open(dir, layout, T::FORM)?;
        let columns = T::columns(&table).map_err(input)?;
        let (send, batches) = sync_channel(4);
        scope.spawn(move || {
            // The reader stops listening only when it has stopped reading; nothing to do then.
            let _ = produce(table, &columns, &send);
        });
        Ok(Cursor {
            file: T::FORM,
            batches,
            pending: Vec::new().into_iter(),
            next: None,
        })
    }

    fn peek(&mut self) -> Result<Option<&Group<T>>, CliError> {
        if self.next.is_none() {
            self.next = match self.pending.next() {
                Some(group) => Some(group),
                None => match self.batches.recv() {
                    Ok(batch) => {
                        self.pending = batch.map_err(input)?.into_iter();
                        self.pending.next()
                    }
                    Err(_) => None,
                },
            };
        }
        Ok(self.next.as_ref())
    }

    /// The rows of subject `code` (none when the table has none).
    fn take(&mut self, code: &str) -> Result<Vec<T>, CliError> {
        match self.peek()? {
            Some(group) if group.code == code => {
                Ok(self.next.take().map(|g| g.rows).unwrap_or_default())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Every row must have been taken.
    fn finish(mut self) -> Result<(), CliError> {
        let file = self.file;
        match self.peek()? {
            None => Ok(()),
            Some(group) => Err(CliError::input(format!(
                "--csv: {}.csv line {}, column subject: '{}' is not in subject.csv, or its rows are not together in subject.csv's order",
                file, group.line, group.code
            ))),
        }
    }
}

/// Reads `table` to its end, grouping consecutive rows by subject.
fn produce<T: Rows>(
    mut table: TidyTable<BufReader<File>>,
    columns: &[usize],
    send: &SyncSender<Batch<T>>,
) -> Result<(), std::sync::mpsc::SendError<Batch<T>>> {
    let mut batch: Vec<Group<T>> = Vec::with_capacity(BATCH);
    loop {
        match table.next_row() {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return send.send(Err(error)),
        }
        let read = table
            .raw(0)
            .and_then(|code| Ok((code, T::read(&table, columns)?)));
        let (code, row) = match read {
            Ok(read) => read,
            Err(error) => return send.send(Err(error)),
        };
        // The code is copied once per subject, not once per row.
        match batch.last_mut() {
            Some(group) if group.code == code => group.rows.push(row),
            _ => {
                let group = Group {
                    code: code.to_owned(),
                    line: table.line(),
                    rows: vec![row],
                };
                if batch.len() == BATCH {
                    send.send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))?;
                }
                batch.push(group);
            }
        }
    }
    send.send(Ok(batch))
}

/// The positions of named columns.
fn positions(
    table: &TidyTable<BufReader<File>>,
    names: &[&str],
) -> Result<Vec<usize>, ExportError> {
    names.iter().map(|name| table.column(name)).collect()
}

/// A cell that must hold a value.
fn value(table: &TidyTable<BufReader<File>>, column: usize) -> Result<Datum, ExportError> {
    match table.entry(column)? {
        Entry::Value(datum) => Ok(datum),
        Entry::Missing(_) => Err(ExportError::invalid(
            table.here(Some(column)),
            "must hold a value",
        )),
    }
}

fn text(table: &TidyTable<BufReader<File>>, column: usize) -> Result<String, ExportError> {
    match value(table, column)? {
        Datum::Text(text) => Ok(text),
        other => Ok(other.plain()),
    }
}

fn date(table: &TidyTable<BufReader<File>>, column: usize) -> Result<Date, ExportError> {
    table.entry(column)?.date().ok_or_else(|| {
        ExportError::invalid(table.here(Some(column)), "must hold a date YYYY-MM-DD")
    })
}

fn optional_date(
    table: &TidyTable<BufReader<File>>,
    column: usize,
) -> Result<Option<Date>, ExportError> {
    Ok(table.entry(column)?.date())
}

/// A whole number in `range`, or blank.
fn small(
    table: &TidyTable<BufReader<File>>,
    column: usize,
    range: std::ops::RangeInclusive<u8>,
) -> Result<Option<u8>, ExportError> {
    match table.entry(column)?.integer() {
        None => Ok(None),
        Some(n) => u8::try_from(n)
            .ok()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| {
                ExportError::invalid(
                    table.here(Some(column)),
                    format!(
                        "{n} is out of range; allowed: {} to {}, or empty",
                        range.start(),
                        range.end()
                    ),
                )
            }),
    }
}

struct SubjectRow {
    sex: Option<Sex>,
    subtype: Option<SubtypeGroup>,
    screening_date: Date,
    enrolment_date: Option<Date>,
}

impl Rows for SubjectRow {
    const FORM: &'static str = "subject";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(
            table,
            &["sex", "subtype", "screening_date", "enrolment_date"],
        )
    }
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<SubjectRow, ExportError> {
        let sex = match text(table, c[0])?.as_str() {
            "F" => Some(Sex::F),
            "M" => Some(Sex::M),
            "U" => None,
            other => {
                return Err(ExportError::invalid(
                    table.here(Some(c[0])),
                    format!("'{other}' is not allowed; allowed: F, M, U"),
                ));
            }
        };
        let subtype = match table.entry(c[1])?.text() {
            None => None,
            Some(id) => Some(SubtypeGroup::of(id.parse().map_err(
                |error: instruments::subtype::UnknownSubtype| {
                    ExportError::invalid(table.here(Some(c[1])), error.to_string())
                },
            )?)),
        };
        Ok(SubjectRow {
            sex,
            subtype,
            screening_date: date(table, c[2])?,
            enrolment_date: optional_date(table, c[3])?,
        })
    }
}

struct VisitRow {
    name: String,
    /// The visit's date in the key columns (actual, else planned), which other tables name it by.
    key_date: Option<Date>,
    actual_date: Option<Date>,
}

impl Rows for VisitRow {
    const FORM: &'static str = "visit";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(table, &["name", "visit_date", "actual_date"])
    }
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<VisitRow, ExportError> {
        Ok(VisitRow {
            name: text(table, c[0])?,
            key_date: optional_date(table, c[1])?,
            actual_date: optional_date(table, c[2])?,
        })
    }
}

struct ClasiRow {
    visit: String,
    visit_date: Option<Date>,
    assessed_on: Date,
    activity: Option<u8>,
    damage: Option<u8>,
}

impl Rows for ClasiRow {
    const FORM: &'static str = "clasi";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(
            table,
            &["visit", "visit_date", "assessed_on", "activity", "damage"],
        )
    }
    /// The totals the record derived (an unassessed item leaves them blank); CLASI activity is
    /// 0-70 and damage 0-56.
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<ClasiRow, ExportError> {
        Ok(ClasiRow {
            visit: table.raw(c[0])?.to_owned(),
            visit_date: optional_date(table, c[1])?,
            assessed_on: date(table, c[2])?,
            activity: small(table, c[3], 0..=70)?,
            damage: small(table, c[4], 0..=56)?,
        })
    }
}

struct DoseRow {
    start: Date,
    end: Option<Date>,
    mg: f64,
}

impl Rows for DoseRow {
    const FORM: &'static str = "dose";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(table, &["start_date", "end_date", "daily_dose_mg"])
    }
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<DoseRow, ExportError> {
        let text = text(table, c[2])?;
        let mg = text
            .parse::<f64>()
            .ok()
            .filter(|mg| mg.is_finite() && *mg >= 0.0)
            .ok_or_else(|| {
                ExportError::invalid(
                    table.here(Some(c[2])),
                    format!("'{text}' is not allowed; allowed: a dose in mg per day, e.g. 2.5"),
                )
            })?;
        Ok(DoseRow {
            start: date(table, c[0])?,
            end: optional_date(table, c[1])?,
            mg,
        })
    }
}

struct EventRow(EventRecord);

impl Rows for EventRow {
    const FORM: &'static str = "adverse_event";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(
            table,
            &[
                "term",
                "start_date",
                "end_date",
                "grade",
                "serious",
                "causality",
            ],
        )
    }
    /// CTCAE grades 1-5.
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<EventRow, ExportError> {
        let grade = small(table, c[3], 1..=5)?.ok_or_else(|| {
            ExportError::invalid(table.here(Some(c[3])), "must hold a CTCAE grade 1 to 5")
        })?;
        let serious = table
            .entry(c[4])?
            .boolean()
            .ok_or_else(|| ExportError::invalid(table.here(Some(c[4])), "must be true or false"))?;
        Ok(EventRow(EventRecord {
            term: text(table, c[0])?,
            start: date(table, c[1])?,
            end: optional_date(table, c[2])?,
            grade,
            serious,
            causality: text(table, c[5])?,
        }))
    }
}

struct LabRow {
    test: String,
    collected_on: Date,
    grade: Option<u8>,
}

impl Rows for LabRow {
    const FORM: &'static str = "lab";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(table, &["test", "collected_on", "ctcae_grade"])
    }
    /// The CTCAE grade the record derived (0 = within the normal range; blank = not graded).
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<LabRow, ExportError> {
        Ok(LabRow {
            test: text(table, c[0])?,
            collected_on: date(table, c[1])?,
            grade: small(table, c[2], 0..=5)?,
        })
    }
}

struct DecisionRow {
    decided_on: Date,
    phase: String,
}

impl Rows for DecisionRow {
    const FORM: &'static str = "decision";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(table, &["decided_on", "phase"])
    }
    fn read(table: &TidyTable<BufReader<File>>, c: &[usize]) -> Result<DecisionRow, ExportError> {
        Ok(DecisionRow {
            decided_on: date(table, c[0])?,
            phase: text(table, c[1])?,
        })
    }
}

struct DispositionRow {
    date: Date,
    status: String,
}

impl Rows for DispositionRow {
    const FORM: &'static str = "disposition";
    fn columns(table: &TidyTable<BufReader<File>>) -> Result<Vec<usize>, ExportError> {
        positions(table, &["disposition_date", "status"])
    }
    fn read(
        table: &TidyTable<BufReader<File>>,
        c: &[usize],
    ) -> Result<DispositionRow, ExportError> {
        Ok(DispositionRow {
            date: date(table, c[0])?,
            status: text(table, c[1])?,
        })
    }
}
