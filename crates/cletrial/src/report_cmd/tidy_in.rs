//! Reads a study from its tidy CSV tables (the layout `export::tidy` writes) a subject at a time.
//!
//! Every table is read in one pass on its own thread (`scan` splits the rows); the two largest,
//! clasi.csv and lab.csv, in two byte ranges on two threads. The threads hand each subject's rows to
//! the caller in subject.csv's order, so memory holds a few batches of subjects whatever the study's
//! size. Each table must list its subjects together and in subject.csv's order (both writers do); a
//! row out of that order is an error naming its file and line. Only the columns the report reads are
//! checked (each as the data dictionary allows); the others are not read.

mod scan;

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use analysis::snapshot::{Name, Sex, SubjectSnapshot, SubtypeGroup};
use export::ExportError;
use export::source::{Datum, Entry};
use export::tidy::{Columns, Layout};
use instruments::medication::Regimen;
use jiff::civil::Date;
use protocol::history::NerveFinding;

use crate::io::CliError;
use outputs::report::{ClasiTotals, EventRecord, MedicationRecord, SubjectRecords, snapshot_of};
use scan::{Origin, Scanner};

/// Subjects handed over at a time between a table's thread and the reader.
const BATCH: usize = 512;

/// A table at least this large is read in two byte ranges.
const SPLIT_BYTES: u64 = 64 << 20;

/// One subject's rows of one table, and the line its first row is on (counted from its part's
/// first row).
struct Group<T> {
    code: String,
    line: u64,
    rows: Vec<T>,
}

/// What a part's thread hands over.
enum Message<T> {
    Subjects(Vec<Group<T>>),
    Failed(ExportError),
    /// The part's end was inside a row: it read on to the end of the file, so the later parts
    /// (which started inside that row) are not read.
    Overran,
}

/// A table being read: the columns the report uses, and how a row reads.
trait Rows: Sized + Send + 'static {
    const FORM: &'static str;
    /// Read in two byte ranges.
    const SPLIT: bool = false;
    /// The positions of the columns `read` uses.
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError>;
    fn read(row: &Scanner, columns: &[usize], names: &mut Names) -> Result<Self, ExportError>;
}

/// The names (visits, tests) a table's thread has read, each made once: a table repeats a few
/// dozen names over millions of rows (and an unscheduled visit's day: a few thousand at a million
/// patients). The first `LASTING` are kept to the end of the run; past them (a table of free
/// text) each row's name is made anew, so memory stays bounded (a few MB per table).
struct Names {
    /// FNV-1a: the keys are short and at most `LASTING` (SipHash showed in profiles).
    index: HashMap<Box<str>, usize, fnv::FnvBuildHasher>,
    /// Each name, and the position of the name read after it the last time.
    names: Vec<(Name, usize)>,
    last: usize,
}

const LASTING: usize = 1 << 16;

impl Default for Names {
    fn default() -> Names {
        Names {
            index: HashMap::default(),
            names: Vec::new(),
            last: usize::MAX,
        }
    }
}

impl Names {
    fn get(&mut self, text: &str) -> Name {
        // A table repeats its names in the same order (a visit's tests, a subject's visits), so
        // the name that followed the last one last time is usually this one: one comparison
        // instead of a hash and a lookup.
        if let Some(&(_, next)) = self.names.get(self.last)
            && let Some((name, _)) = self.names.get(next)
            && name.as_str() == text
        {
            self.last = next;
            return name.clone();
        }
        let at = match self.index.get(text) {
            Some(&at) => at,
            None if self.names.len() == LASTING => return Name::from(text),
            None => {
                self.index.insert(text.into(), self.names.len());
                // Never freed: at most `LASTING` per table, for the rest of the run.
                let text: &'static str = Box::leak(text.into());
                self.names.push((Name::lasting(text), usize::MAX));
                self.names.len() - 1
            }
        };
        if let Some(last) = self.names.get_mut(self.last) {
            last.1 = at;
        }
        self.last = at;
        self.names[at].0.clone()
    }

    /// A cell that must hold a value, as a name.
    fn text(&mut self, row: &Scanner, column: usize) -> Result<Name, ExportError> {
        match row.text_value(column) {
            Some(text) => Ok(self.get(text)),
            None => text(row, column).map(|text| self.get(&text)),
        }
    }
}

/// Reads the tables in `dir` and calls `each` with every subject, in subject.csv's order, until
/// it fails. The subjects are put together on a thread of their own, so `each` runs beside it.
pub(super) fn read(
    dir: &Path,
    mut each: impl FnMut(SubjectSnapshot) -> Result<(), CliError>,
) -> Result<(), CliError> {
    std::thread::scope(|scope| {
        let (send, subjects) = sync_channel(4);
        let assembling = scope.spawn(move || assemble(scope, dir, &send));
        let taken = subjects
            .iter()
            .try_for_each(|batch| batch.into_iter().try_for_each(&mut each));
        // Hanging up stops the reading thread, which a full channel would otherwise block.
        drop(subjects);
        let read = assembling.join().unwrap_or_else(|_| {
            Err(CliError::Other(anyhow::format_err!(
                "the thread reading the tables stopped"
            )))
        });
        taken.and(read)
    })
}

/// Reads the tables in `dir` and sends every subject, in subject.csv's order, a batch at a time.
fn assemble<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    dir: &'scope Path,
    send: &SyncSender<Vec<SubjectSnapshot>>,
) -> Result<(), CliError> {
    let layout = Layout::new(&crate::export_cmd::forms());
    let mut batch = Vec::with_capacity(BATCH);
    let mut visits = Cursor::<VisitRow>::start(scope, dir, &layout)?;
    let mut clasi = Cursor::<ClasiRow>::start(scope, dir, &layout)?;
    let mut doses = Cursor::<DoseRow>::start(scope, dir, &layout)?;
    let mut events = Cursor::<EventRow>::start(scope, dir, &layout)?;
    let mut labs = Cursor::<LabRow>::start(scope, dir, &layout)?;
    let mut decisions = Cursor::<DecisionRow>::start(scope, dir, &layout)?;
    let mut dispositions = Cursor::<DispositionRow>::start(scope, dir, &layout)?;
    let mut medications = Cursor::<MedicationRow>::start(scope, dir, &layout)?;
    let mut nerve_studies = Cursor::<NerveStudyRow>::start(scope, dir, &layout)?;
    let (mut subjects, columns) = open::<SubjectRow>(dir, &layout)?;
    while subjects.next_row().map_err(input)? {
        let code_column = 0;
        let code = subjects.raw(code_column).map_err(input)?.to_owned();
        let subject =
            SubjectRow::read(&subjects, &columns, &mut Names::default()).map_err(input)?;
        let visit_rows = visits.take(&code)?;
        let doses = doses.take(&code)?;
        let events = events.take(&code)?;
        let labs = labs.take(&code)?;
        let decisions = decisions.take(&code)?;
        let dispositions = dispositions.take(&code)?;
        let medications = medications.take(&code)?;
        let nerve_studies = nerve_studies.take(&code)?;
        let clasi = clasi
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
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if send.send(full).is_err() {
                // The caller stopped listening: it has stopped reading.
                return Ok(());
            }
        }
        batch.push(snapshot_of(SubjectRecords {
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
        }));
    }
    visits.finish()?;
    clasi.finish()?;
    doses.finish()?;
    events.finish()?;
    labs.finish()?;
    decisions.finish()?;
    dispositions.finish()?;
    medications.finish()?;
    nerve_studies.finish()?;
    // The caller is listening until this thread ends.
    let _ = send.send(batch);
    Ok(())
}

fn input(error: ExportError) -> CliError {
    CliError::input(format!("--csv: {error}"))
}

/// A table's path and columns, and the positions of the columns `T` reads.
fn table<T: Rows>(dir: &Path, layout: &Layout) -> Result<(PathBuf, Columns, Vec<usize>), CliError> {
    let index = layout.forms().index(T::FORM).ok_or_else(|| {
        CliError::Other(anyhow::format_err!("the record has no form {}", T::FORM))
    })?;
    let columns = Columns::new(layout, index);
    let wanted = T::columns(&columns).map_err(input)?;
    Ok((dir.join(format!("{}.csv", T::FORM)), columns, wanted))
}

/// The whole of a table, and the positions of the columns `T` reads.
fn open<T: Rows>(dir: &Path, layout: &Layout) -> Result<(Scanner, Vec<usize>), CliError> {
    let (path, columns, wanted) = table::<T>(dir, layout)?;
    let scanner = scanner(&path, &columns, &wanted, 0, u64::MAX)?;
    Ok((scanner, wanted))
}

fn scanner(
    path: &Path,
    columns: &Columns,
    wanted: &[usize],
    start: u64,
    end: u64,
) -> Result<Scanner, CliError> {
    let cells: Vec<usize> = std::iter::once(0).chain(wanted.iter().copied()).collect();
    Scanner::open(path, columns, &cells, start, end).map_err(|error| match error {
        ExportError::Io(error) => {
            CliError::input(format!("--csv: cannot read '{}': {error}", path.display()))
        }
        error => input(error),
    })
}

/// Where the second half of a table of at least `least` bytes starts: the first row after its middle whose subject is
/// not the row before's (within the next MiB). A guess: a quoted cell with a line break could make
/// it fall inside a row, which the first half's reader finds out (`Message::Overran`).
fn middle(path: &Path, least: u64) -> std::io::Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size < least {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(size / 2))?;
    let mut sample = Vec::new();
    file.take(1 << 20).read_to_end(&mut sample)?;
    let mut lines = sample.split(|b| *b == b'\n');
    // The first piece is the end of a line begun before the middle.
    let mut at = size / 2 + lines.next().map_or(0, |l| l.len() as u64 + 1);
    let mut previous: Option<&[u8]> = None;
    for line in lines {
        let subject = line.split(|b| *b == b',').next().unwrap_or_default();
        if previous.is_some_and(|p| p != subject) && at < size {
            return Ok(Some(at));
        }
        previous = Some(subject);
        at += line.len() as u64 + 1;
    }
    Ok(None)
}

/// The next subjects of one table, read ahead on one thread per part.
struct Cursor<T> {
    file: &'static str,
    /// The parts not yet read to their end, in file order, with where each starts.
    parts: VecDeque<(Receiver<Message<T>>, Origin)>,
    pending: std::vec::IntoIter<Group<T>>,
    /// Where the pending groups' part starts.
    origin: Option<Origin>,
    next: Option<Group<T>>,
}

impl<T: Rows> Cursor<T> {
    fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        dir: &Path,
        layout: &Layout,
    ) -> Result<Cursor<T>, CliError> {
        let (path, columns, wanted) = table::<T>(dir, layout)?;
        let middle = if T::SPLIT {
            middle(&path, SPLIT_BYTES).map_err(|error| {
                CliError::input(format!("--csv: cannot read '{}': {error}", path.display()))
            })?
        } else {
            None
        };
        let bounds = match middle {
            Some(middle) => vec![(0, middle), (middle, u64::MAX)],
            None => vec![(0, u64::MAX)],
        };
        Cursor::parts(scope, &path, &columns, &wanted, &bounds)
    }

    /// Reads the table at `path` in parts, each from a row's start (as far as known) to the next
    /// part's, on its own thread.
    fn parts<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        path: &Path,
        columns: &Columns,
        wanted: &[usize],
        bounds: &[(u64, u64)],
    ) -> Result<Cursor<T>, CliError> {
        let mut parts = VecDeque::new();
        for &(start, end) in bounds {
            let scanner = scanner(path, columns, wanted, start, end)?;
            let origin = scanner.origin().clone();
            let (send, receive) = sync_channel(4);
            let wanted = wanted.to_vec();
            scope.spawn(move || {
                // The reader stops listening only when it has stopped reading; nothing to do then.
                let _ = produce(scanner, &wanted, &send);
            });
            parts.push_back((receive, origin));
        }
        Ok(Cursor {
            file: T::FORM,
            parts,
            pending: Vec::new().into_iter(),
            origin: None,
            next: None,
        })
    }

    fn peek(&mut self) -> Result<Option<&Group<T>>, CliError> {
        while self.next.is_none() {
            if let Some(group) = self.pending.next() {
                self.next = Some(group);
                break;
            }
            let Some((part, origin)) = self.parts.front() else {
                break;
            };
            match part.recv() {
                Ok(Message::Subjects(batch)) => {
                    self.pending = batch.into_iter();
                    self.origin = Some(origin.clone());
                }
                Ok(Message::Failed(error)) => return Err(input(error)),
                Ok(Message::Overran) => self.parts.truncate(1),
                Err(_) => {
                    self.parts.pop_front();
                }
            }
        }
        Ok(self.next.as_ref())
    }

    /// The rows of subject `code` (none when the table has none).
    fn take(&mut self, code: &str) -> Result<Vec<T>, CliError> {
        let mut rows = Vec::new();
        // A subject whose rows straddle two parts comes in one group from each.
        while let Some(group) = self.peek()? {
            if group.code != code {
                break;
            }
            let group = self.next.take().map(|g| g.rows).unwrap_or_default();
            if rows.is_empty() {
                rows = group;
            } else {
                rows.extend(group);
            }
        }
        Ok(rows)
    }

    /// Every row must have been taken.
    fn finish(mut self) -> Result<(), CliError> {
        self.peek()?;
        match (&self.next, &self.origin) {
            (Some(group), Some(origin)) => Err(CliError::input(format!(
                "--csv: {}.csv line {}, column subject: '{}' is not in subject.csv, or its rows are not together in subject.csv's order",
                self.file,
                origin.line(group.line),
                group.code
            ))),
            _ => Ok(()),
        }
    }
}

/// Reads a part of a table to its end, grouping consecutive rows by subject.
fn produce<T: Rows>(
    mut table: Scanner,
    columns: &[usize],
    send: &SyncSender<Message<T>>,
) -> Result<(), std::sync::mpsc::SendError<Message<T>>> {
    let mut batch: Vec<Group<T>> = Vec::with_capacity(BATCH);
    // A subject's rows are about as many as the one's before: allocated once.
    let mut expect = 1;
    let mut names = Names::default();
    loop {
        match table.next_row() {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return send.send(Message::Failed(error)),
        }
        let row = match T::read(&table, columns, &mut names) {
            Ok(row) => row,
            Err(error) => return send.send(Message::Failed(error)),
        };
        // The code is checked and copied once per subject, not once per row.
        match batch.last_mut() {
            Some(group) if table.cell(0) == group.code.as_bytes() => group.rows.push(row),
            _ => {
                let code = match table.raw(0) {
                    Ok(code) => code.to_owned(),
                    Err(error) => return send.send(Message::Failed(error)),
                };
                if let Some(last) = batch.last() {
                    expect = last.rows.len();
                }
                let mut rows = Vec::with_capacity(expect);
                rows.push(row);
                let group = Group {
                    code,
                    line: table.relative_line(),
                    rows,
                };
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    send.send(Message::Subjects(full))?;
                }
                batch.push(group);
            }
        }
    }
    send.send(Message::Subjects(batch))?;
    if table.overran() {
        send.send(Message::Overran)?;
    }
    Ok(())
}

/// The positions of named columns.
fn positions(columns: &Columns, names: &[&str]) -> Result<Vec<usize>, ExportError> {
    names.iter().map(|name| columns.position(name)).collect()
}

/// A cell that must hold a value.
fn value(row: &Scanner, column: usize) -> Result<Datum, ExportError> {
    match row.entry(column)? {
        Entry::Value(datum) => Ok(datum),
        Entry::Missing(_) => Err(ExportError::invalid(
            row.here(Some(column)),
            "must hold a value",
        )),
    }
}

fn text(row: &Scanner, column: usize) -> Result<String, ExportError> {
    if let Some(text) = row.text_value(column) {
        return Ok(text.to_owned());
    }
    match value(row, column)? {
        Datum::Text(text) => Ok(text),
        other => Ok(other.plain()),
    }
}

fn date(row: &Scanner, column: usize) -> Result<Date, ExportError> {
    row.date(column)?
        .ok_or_else(|| ExportError::invalid(row.here(Some(column)), "must hold a date YYYY-MM-DD"))
}

/// A whole number in `range`, or blank.
fn small(
    row: &Scanner,
    column: usize,
    range: std::ops::RangeInclusive<u8>,
) -> Result<Option<u8>, ExportError> {
    match row.integer(column)? {
        None => Ok(None),
        Some(n) => u8::try_from(n)
            .ok()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| {
                ExportError::invalid(
                    row.here(Some(column)),
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
    birth: Option<store::BirthOrAge>,
    subtype: Option<SubtypeGroup>,
    screening_date: Date,
    enrolment_date: Option<Date>,
}

impl Rows for SubjectRow {
    const FORM: &'static str = "subject";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(
            columns,
            &[
                "sex",
                "subtype",
                "screening_date",
                "enrolment_date",
                "birth_date",
                "age_years",
            ],
        )
    }
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<SubjectRow, ExportError> {
        let sex = match text(row, c[0])?.as_str() {
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
            screening_date: date(row, c[2])?,
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

impl Rows for VisitRow {
    const FORM: &'static str = "visit";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(columns, &["name", "visit_date", "actual_date"])
    }
    fn read(row: &Scanner, c: &[usize], names: &mut Names) -> Result<VisitRow, ExportError> {
        Ok(VisitRow {
            name: names.text(row, c[0])?,
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

impl Rows for ClasiRow {
    const FORM: &'static str = "clasi";
    const SPLIT: bool = true;
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(
            columns,
            &["visit", "visit_date", "assessed_on", "activity", "damage"],
        )
    }
    /// The totals the record derived (an unassessed item leaves them blank); CLASI activity is
    /// 0-70 and damage 0-56.
    fn read(row: &Scanner, c: &[usize], names: &mut Names) -> Result<ClasiRow, ExportError> {
        Ok(ClasiRow {
            visit: names.get(row.raw(c[0])?),
            visit_date: row.date(c[1])?,
            assessed_on: date(row, c[2])?,
            activity: small(row, c[3], 0..=70)?,
            damage: small(row, c[4], 0..=56)?,
        })
    }
}

struct DoseRow {
    start: Date,
    end: Option<Date>,
    regimen: Regimen,
}

impl Rows for DoseRow {
    const FORM: &'static str = "dose";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(
            columns,
            &[
                "start_date",
                "end_date",
                "drug",
                "amount",
                "unit",
                "frequency",
            ],
        )
    }
    /// The regimen as prescribed; a cell the record would refuse is refused naming its column.
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<DoseRow, ExportError> {
        let cells = [c[2], c[3], c[4], c[5]].map(|column| text(row, column));
        let [drug, amount, unit, frequency] = cells;
        let regimen = store::DosePeriod::regimen_named(&drug?, &amount?, &unit?, &frequency?)
            .map_err(|error| match error {
                store::StoreError::Invalid { field, message } => {
                    let column = ["drug", "amount", "unit", "frequency"]
                        .iter()
                        .position(|name| *name == field)
                        .map(|index| c[2 + index]);
                    ExportError::invalid(row.here(column), message)
                }
                other => ExportError::invalid(row.here(None), other.to_string()),
            })?;
        Ok(DoseRow {
            start: date(row, c[0])?,
            end: row.date(c[1])?,
            regimen,
        })
    }
}

struct EventRow(EventRecord);

impl Rows for EventRow {
    const FORM: &'static str = "adverse_event";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(
            columns,
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
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<EventRow, ExportError> {
        let grade = small(row, c[3], 1..=5)?.ok_or_else(|| {
            ExportError::invalid(row.here(Some(c[3])), "must hold a CTCAE grade 1 to 5")
        })?;
        let serious = row
            .entry(c[4])?
            .boolean()
            .ok_or_else(|| ExportError::invalid(row.here(Some(c[4])), "must be true or false"))?;
        Ok(EventRow(EventRecord {
            term: text(row, c[0])?,
            start: date(row, c[1])?,
            end: row.date(c[2])?,
            grade,
            serious,
            causality: text(row, c[5])?,
        }))
    }
}

struct LabRow {
    test: Name,
    collected_on: Date,
    value: Option<f64>,
    grade: Option<u8>,
}

impl Rows for LabRow {
    const FORM: &'static str = "lab";
    const SPLIT: bool = true;
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(columns, &["test", "collected_on", "ctcae_grade", "value"])
    }
    /// The CTCAE grade the record derived (0 = within the normal range; blank = not graded).
    fn read(row: &Scanner, c: &[usize], names: &mut Names) -> Result<LabRow, ExportError> {
        Ok(LabRow {
            test: names.text(row, c[0])?,
            collected_on: date(row, c[1])?,
            grade: small(row, c[2], 0..=5)?,
            value: number(row, c[3])?,
        })
    }
}

struct DecisionRow {
    decided_on: Date,
    phase: String,
}

impl Rows for DecisionRow {
    const FORM: &'static str = "decision";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(columns, &["decided_on", "phase"])
    }
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<DecisionRow, ExportError> {
        Ok(DecisionRow {
            decided_on: date(row, c[0])?,
            phase: text(row, c[1])?,
        })
    }
}

struct DispositionRow {
    date: Date,
    status: String,
}

impl Rows for DispositionRow {
    const FORM: &'static str = "disposition";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(columns, &["disposition_date", "status"])
    }
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<DispositionRow, ExportError> {
        Ok(DispositionRow {
            date: date(row, c[0])?,
            status: text(row, c[1])?,
        })
    }
}

/// A number, or blank (a missing-value code: not a number).
fn number(row: &Scanner, column: usize) -> Result<Option<f64>, ExportError> {
    match row.entry(column)? {
        Entry::Missing(_) => Ok(None),
        Entry::Value(datum) => datum
            .plain()
            .parse()
            .map(Some)
            .map_err(|_| ExportError::invalid(row.here(Some(column)), "must hold a number")),
    }
}

struct MedicationRow(MedicationRecord);

impl Rows for MedicationRow {
    const FORM: &'static str = "conmed";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(
            columns,
            &[
                "drug",
                "amount",
                "unit",
                "frequency",
                "start_date",
                "end_date",
            ],
        )
    }
    /// The drug by its id, and mg a day from the dose as the record codes it.
    fn read(row: &Scanner, c: &[usize], names: &mut Names) -> Result<MedicationRow, ExportError> {
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
            drug: names.text(row, c[0])?,
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

impl Rows for NerveStudyRow {
    const FORM: &'static str = "nerve_conduction_study";
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
        positions(columns, &["tested_on", "finding"])
    }
    fn read(row: &Scanner, c: &[usize], _: &mut Names) -> Result<NerveStudyRow, ExportError> {
        let finding = store::Finding::parse(&text(row, c[1])?)
            .map_err(|error| ExportError::invalid(row.here(Some(c[1])), error.to_string()))?;
        Ok(NerveStudyRow {
            tested_on: date(row, c[0])?,
            finding: finding.engine(),
        })
    }
}

#[cfg(test)]
mod tests {
    use export::dataset::Missing;
    use export::tidy::TidyTable;

    use super::*;

    const LAB: &str = "subject,site,visit,visit_date,repeat,record_id,collected_on,test,value,unit,lln,uln,ctcae_grade\n";

    fn lab_columns() -> Columns {
        let layout = Layout::new(&crate::export_cmd::forms());
        let form = layout.forms().index("lab").expect("lab form");
        Columns::new(&layout, form)
    }

    /// lab.csv with quoted cells: a comma and a quote in a read cell, a line break in a cell not
    /// read whose second line looks like another subject's row, a CRLF row, a blank line and the
    /// missing-value codes in `value`.
    fn lab_table() -> String {
        let mut text = LAB.to_owned();
        for (subject, rows) in [("P-1", 3), ("P-2", 1), ("P-3", 4), ("P-4", 2)] {
            for repeat in 1..=rows {
                text += &format!(
                    "{subject},S,,,{repeat},{repeat}0,2026-01-0{repeat},alt,{repeat},U/L,,40,{}\n",
                    repeat % 3
                );
            }
        }
        text += "P-4,S,,,3,33,2026-02-01,\"ALT, \"\"serum\"\"\",NOT DONE,U/L,,40,\n";
        text += "P-4,S,,,4,34,2026-02-02,alt,NOT APPLICABLE,\"U/L\nP-9,S,,,1,1,2026-01-01,alt,1,U/L,,40,1\",,40,2\n";
        text += "P-5,S,,,1,51,2026-02-03,alt,UNKNOWN,U/L,,40,0\r\n";
        text += "\n";
        text += "P-5,S,,,2,52,2026-02-04,alt,0,U/L,,40,\n";
        text += "P-6,S,,,1,61,2026-02-05,alt,,U/L,,40,5";
        text
    }

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("lab.csv");
        std::fs::write(&path, text).expect("lab.csv");
        (dir, path)
    }

    type Read = Vec<(String, Vec<(String, Date, Option<u8>)>)>;

    /// Every subject's rows, reading lab.csv in parts at `bounds`.
    fn read_parts(path: &Path, bounds: &[(u64, u64)]) -> Result<Read, String> {
        let columns = lab_columns();
        let wanted = LabRow::columns(&columns).expect("columns");
        std::thread::scope(|scope| {
            let message = |error: CliError| match error {
                CliError::Input(message) => message,
                CliError::Other(error) => error.to_string(),
            };
            let mut cursor =
                Cursor::<LabRow>::parts(scope, path, &columns, &wanted, bounds).map_err(message)?;
            let mut read = Vec::new();
            while let Some(group) = cursor.peek().map_err(message)? {
                let code = group.code.clone();
                let rows = cursor.take(&code).map_err(message)?;
                let rows = rows
                    .into_iter()
                    .map(|l| (l.test.to_string(), l.collected_on, l.grade))
                    .collect();
                read.push((code, rows));
            }
            Ok(read)
        })
    }

    /// A quoted cell reads as the CSV parser reads it (every cell is the full parser's), the codes
    /// stay distinct from blank and from 0, and each row keeps its line.
    #[test]
    fn quoted_cells_read_as_the_csv_parser_reads_them() {
        let text = lab_table();
        let (_dir, path) = write(&text);
        let columns = lab_columns();
        let all: Vec<usize> = (0..columns.len()).collect();
        let mut fast = Scanner::open(&path, &columns, &all, 0, u64::MAX).expect("open");
        let layout = Layout::new(&crate::export_cmd::forms());
        let form = layout.forms().index("lab").expect("lab form");
        let mut full = TidyTable::open(&layout, form, text.as_bytes()).expect("open");
        let mut lines = Vec::new();
        while full.next_row().expect("row") {
            assert!(fast.next_row().expect("row"));
            lines.push(fast.line());
            for c in &all {
                assert_eq!(fast.entry(*c).expect("cell"), full.entry(*c).expect("cell"));
                assert_eq!(fast.date(*c).ok(), full.entry(*c).map(|e| e.date()).ok());
                assert_eq!(
                    fast.integer(*c).ok(),
                    full.entry(*c).map(|e| e.integer()).ok()
                );
            }
        }
        assert!(!fast.next_row().expect("end"));
        // The file's lines as an editor numbers them: the quoted line break, the CRLF row and the
        // blank line count (the csv crate's count leaves out the last two).
        assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 17, 18]);
        let read = read_parts(&path, &[(0, u64::MAX)]).expect("read");
        let p4 = &read[3].1;
        assert_eq!(p4[2].0, "ALT, \"serum\"");
        assert_eq!((p4[2].2, p4[3].2), (None, Some(2)));
        assert_eq!(read[4].1[0].2, Some(0));
        let value = columns.position("value").expect("value");
        let mut codes = Scanner::open(&path, &columns, &[value], 0, u64::MAX).expect("open");
        let mut values = Vec::new();
        while codes.next_row().expect("row") {
            values.push(codes.entry(value).expect("value"));
        }
        let missing = |m| Entry::Missing(m);
        assert_eq!(
            values[10..],
            [
                missing(Missing::NotDone),
                missing(Missing::NotApplicable),
                missing(Missing::Unknown),
                Entry::Value(Datum::Text("0".into())),
                Entry::BLANK,
            ]
        );
    }

    /// Split anywhere, even inside a row or inside a quoted cell with a line break, the parts
    /// read as one pass does: a subject straddling the split is one subject, and a part whose end
    /// falls inside a row reads on.
    #[test]
    fn every_split_reads_as_one_pass() {
        let text = lab_table();
        let (_dir, path) = write(&text);
        let whole = read_parts(&path, &[(0, u64::MAX)]).expect("read");
        let codes: Vec<&str> = whole.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6"]);
        for at in 1..text.len() as u64 {
            let split = read_parts(&path, &[(0, at), (at, u64::MAX)]);
            assert_eq!(split.as_ref(), Ok(&whole), "split at byte {at}");
        }
    }

    /// Each name is made once and found again in any order; past `LASTING` names a row's name
    /// is made anew, with its text.
    #[test]
    fn names_are_made_once() {
        let mut names = Names::default();
        let order = [
            "alt", "ast", "alt", "hb", "ast", "hb", "alt", "ast", "hb", "hb",
        ];
        let read: Vec<Name> = order.iter().map(|text| names.get(text)).collect();
        let texts: Vec<&str> = read.iter().map(Name::as_str).collect();
        assert_eq!(texts, order);
        for (i, a) in read.iter().enumerate() {
            for (j, b) in read.iter().enumerate() {
                assert_eq!(a.is(b), order[i] == order[j], "{i} {j}");
            }
        }
        for n in 0..LASTING {
            names.get(&format!("test {n}"));
        }
        let (a, b) = (names.get("new"), names.get("new"));
        assert!(a == b && !a.is(&b));
        assert!(names.get("ast").is(&read[1]));
    }

    /// The middle of a large table is the start of a row whose subject is not the row before's.
    #[test]
    fn the_middle_is_a_change_of_subject() {
        let mut text = LAB.to_owned();
        for subject in 1..=40 {
            for repeat in 1..=(subject % 7 + 1) {
                text += &format!("P-{subject},S,,,{repeat},1,2026-01-01,alt,1,U/L,,40,0\n");
            }
        }
        let (_dir, path) = write(&text);
        let at = middle(&path, 0).expect("read").expect("a middle") as usize;
        assert!(at >= text.len() / 2, "{at}");
        let (before, after) = (&text[..at - 1], &text[at..]);
        let last = before.rsplit('\n').next().expect("row before");
        assert_ne!(last.split(',').next(), after.split(',').next());
        assert_eq!(
            read_parts(&path, &[(0, at as u64), (at as u64, u64::MAX)]),
            read_parts(&path, &[(0, u64::MAX)])
        );
        assert_eq!(middle(&path, text.len() as u64 + 1).expect("read"), None);
    }

    /// A bad cell in any part names its file, its line in the whole file and its column.
    #[test]
    fn bad_cells_name_the_line_in_the_whole_file() {
        let good = lab_table();
        for (row, date, line) in [
            ("P-5,S,,,2,52,2026-02-04,", "2026-02-04", 17),
            ("P-1,S,,,1,10,2026-01-01,", "2026-01-01", 2),
        ] {
            let text = good.replace(row, &row.replace(date, "2026-02-30"));
            assert_ne!(text, good);
            let (_dir, path) = write(&text);
            let expect = format!(
                "--csv: lab.csv line {line}, column collected_on: '2026-02-30' is not allowed"
            );
            for at in [0, text.find("P-3").expect("P-3") as u64] {
                let bounds = if at == 0 {
                    vec![(0, u64::MAX)]
                } else {
                    vec![(0, at), (at, u64::MAX)]
                };
                let error = read_parts(&path, &bounds).expect_err("bad date");
                assert!(error.starts_with(&expect), "{error} (split at {at})");
            }
        }
        let (_dir, path) = write(&format!("{LAB}P-1,S,,,1\n"));
        let error = read_parts(&path, &[(0, u64::MAX)]).expect_err("short row");
        assert_eq!(
            error,
            "--csv: lab.csv line 2: has 5 cells; the header has 13 columns"
        );
    }
}
