//! Reads a study back from its tidy tables, a subject at a time: the one way to read the tables.
//!
//! The caller says what it reads: a [`Row`] type per table (the columns it reads and how a row
//! reads), and a [`Study`] that starts the tables it reads ([`Folder::table`]) and makes each
//! subject from its subject.csv row and its rows of every other table ([`Table::take`]).
//! [`subjects`] runs it.
//!
//! Every table is read in one pass on its own thread ([`TidyTable`] splits the rows); a table whose
//! [`Row::SPLIT`] says so (the largest: CLASI forms, lab values), when large, in two byte ranges on
//! two threads. The threads hand each subject's rows over in subject.csv's order, so memory holds
//! a few batches of subjects whatever the study's size. Each table must list its subjects together
//! and in subject.csv's order (both writers do); a row out of that order is an error naming its
//! file and line. Only the columns the caller reads are checked (each as the data dictionary
//! allows); the others are not read.

use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use super::table::{Origin, TidyTable};
use super::{Columns, Layout};
use crate::ExportError;

/// Subjects handed over at a time between a table's thread and the reader.
const BATCH: usize = 512;

/// A table at least this large is read in two byte ranges.
const SPLIT_BYTES: u64 = 64 << 20;

/// What stops the reading of a folder of tidy tables.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A table's file cannot be opened or read.
    #[error("cannot read '{}': {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A row or a cell refused, naming its file, line and column.
    #[error(transparent)]
    Table(#[from] ExportError),
    /// The caller's layout has no form of a [`Row::FORM`].
    #[error("the record has no form {0}")]
    NoForm(&'static str),
    /// A thread reading the tables panicked.
    #[error("the thread reading the tables stopped")]
    Stopped,
}

/// One table's row as the caller reads it.
pub trait Row: Sized + Send + 'static {
    /// The form whose table this is (`lab` reads lab.csv).
    const FORM: &'static str;
    /// Read in two byte ranges when the table is large.
    const SPLIT: bool = false;
    /// The positions of the columns `read` uses.
    fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError>;
    /// The current row of `row`, from the cells at `columns` (the positions `columns` gave).
    fn read(row: &TidyTable, columns: &[usize], names: &mut Names) -> Result<Self, ExportError>;
}

/// What the caller makes of a folder of tidy tables, a subject at a time.
pub trait Study: Sized {
    /// subject.csv's row.
    type Subject: Row;
    /// A subject as the caller makes it.
    type Output: Send;
    /// Starts reading the tables the caller reads besides subject.csv.
    fn open(folder: &Folder<'_, '_>) -> Result<Self, ReadError>;
    /// The subject `code`, from its subject.csv row and its rows of each table ([`Table::take`]).
    fn subject(&mut self, code: String, row: Self::Subject) -> Result<Self::Output, ReadError>;
    /// Checks that every row of every table was taken ([`Table::finish`]).
    fn finish(self) -> Result<(), ReadError>;
}

/// Reads the tables in `dir` as `S` reads them and calls `each` with every subject, in
/// subject.csv's order, until it fails. The subjects are put together on a thread of their own,
/// so `each` runs beside it.
pub fn subjects<S: Study, E: From<ReadError>>(
    dir: &Path,
    layout: &Layout,
    mut each: impl FnMut(S::Output) -> Result<(), E>,
) -> Result<(), E> {
    std::thread::scope(|scope| {
        let (send, subjects) = sync_channel(4);
        let folder = Folder { scope, dir, layout };
        let assembling = scope.spawn(move || assemble::<S>(&folder, &send));
        let taken = subjects
            .iter()
            .try_for_each(|batch| batch.into_iter().try_for_each(&mut each));
        // Hanging up stops the reading thread, which a full channel would otherwise block.
        drop(subjects);
        let read = assembling.join().unwrap_or(Err(ReadError::Stopped));
        taken.and(read.map_err(E::from))
    })
}

/// Reads subject.csv and sends every subject as `S` makes it, in that order, a batch at a time.
fn assemble<S: Study>(
    folder: &Folder<'_, '_>,
    send: &SyncSender<Vec<S::Output>>,
) -> Result<(), ReadError> {
    let mut study = S::open(folder)?;
    let (path, columns, wanted) = folder.columns::<S::Subject>()?;
    let mut subjects = open(&path, &columns, &wanted, 0, u64::MAX)?;
    let mut batch = Vec::with_capacity(BATCH);
    while subjects.next_row()? {
        let code = subjects.raw(0)?.to_owned();
        let row = S::Subject::read(&subjects, &wanted, &mut Names::default())?;
        let subject = study.subject(code, row)?;
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if send.send(full).is_err() {
                // The caller stopped listening: it has stopped reading.
                return Ok(());
            }
        }
        batch.push(subject);
    }
    study.finish()?;
    // The caller is listening until this thread ends.
    let _ = send.send(batch);
    Ok(())
}

/// The folder being read, where [`Study::open`] starts its tables.
pub struct Folder<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    dir: &'scope Path,
    layout: &'scope Layout,
}

impl Folder<'_, '_> {
    /// Starts reading `T`'s table, one thread per part.
    pub fn table<T: Row>(&self) -> Result<Table<T>, ReadError> {
        let (path, columns, wanted) = self.columns::<T>()?;
        let middle = if T::SPLIT {
            middle(&path, SPLIT_BYTES).map_err(|source| ReadError::File {
                path: path.clone(),
                source,
            })?
        } else {
            None
        };
        let bounds = match middle {
            Some(middle) => vec![(0, middle), (middle, u64::MAX)],
            None => vec![(0, u64::MAX)],
        };
        Table::parts(self.scope, &path, &columns, &wanted, &bounds)
    }

    /// `T`'s table: its path and columns, and the positions of the columns `T` reads.
    fn columns<T: Row>(&self) -> Result<(PathBuf, Columns, Vec<usize>), ReadError> {
        let index = self
            .layout
            .forms()
            .index(T::FORM)
            .ok_or(ReadError::NoForm(T::FORM))?;
        let columns = Columns::new(self.layout, index);
        let wanted = T::columns(&columns)?;
        Ok((self.dir.join(columns.file()), columns, wanted))
    }
}

/// Opens a part of a table for the `wanted` cells and the subject's (column 0), which groups the
/// rows.
fn open(
    path: &Path,
    columns: &Columns,
    wanted: &[usize],
    start: u64,
    end: u64,
) -> Result<TidyTable, ReadError> {
    let cells: Vec<usize> = std::iter::once(0).chain(wanted.iter().copied()).collect();
    TidyTable::open(path, columns, &cells, start, end)
}

/// Where the second half of a table of at least `least` bytes starts: the first row after its
/// middle whose subject is not the row before's (within the next MiB). A guess: a quoted cell with
/// a line break could make it fall inside a row, which the first half's reader finds out
/// (`Message::Overran`).
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

/// The next subjects of one table, read ahead on one thread per part.
pub struct Table<T> {
    file: &'static str,
    /// The parts not yet read to their end, in file order, with where each starts.
    parts: VecDeque<(Receiver<Message<T>>, Origin)>,
    pending: std::vec::IntoIter<Group<T>>,
    /// Where the pending groups' part starts.
    origin: Option<Origin>,
    next: Option<Group<T>>,
}

impl<T: Row> Table<T> {
    /// Reads the table at `path` in parts, each from a row's start (as far as known) to the next
    /// part's, on its own thread.
    fn parts<'scope>(
        scope: &'scope Scope<'scope, '_>,
        path: &Path,
        columns: &Columns,
        wanted: &[usize],
        bounds: &[(u64, u64)],
    ) -> Result<Table<T>, ReadError> {
        let mut parts = VecDeque::new();
        for &(start, end) in bounds {
            let table = open(path, columns, wanted, start, end)?;
            let origin = table.origin().clone();
            let (send, receive) = sync_channel(4);
            let wanted = wanted.to_vec();
            scope.spawn(move || {
                // The reader stops listening only when it has stopped reading; nothing to do then.
                let _ = produce(table, &wanted, &send);
            });
            parts.push_back((receive, origin));
        }
        Ok(Table {
            file: T::FORM,
            parts,
            pending: Vec::new().into_iter(),
            origin: None,
            next: None,
        })
    }

    fn peek(&mut self) -> Result<Option<&Group<T>>, ReadError> {
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
                Ok(Message::Failed(error)) => return Err(error.into()),
                Ok(Message::Overran) => self.parts.truncate(1),
                Err(_) => {
                    self.parts.pop_front();
                }
            }
        }
        Ok(self.next.as_ref())
    }

    /// The rows of subject `code` (none when the table has none).
    pub fn take(&mut self, code: &str) -> Result<Vec<T>, ReadError> {
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
    pub fn finish(mut self) -> Result<(), ReadError> {
        self.peek()?;
        match (&self.next, &self.origin) {
            (Some(group), Some(origin)) => Err(ExportError::invalid(
                format!(
                    "{}.csv line {}, column subject",
                    self.file,
                    origin.line(group.line)
                ),
                format!(
                    "'{}' is not in subject.csv, or its rows are not together in subject.csv's order",
                    group.code
                ),
            )
            .into()),
            _ => Ok(()),
        }
    }
}

/// Reads a part of a table to its end, grouping consecutive rows by subject.
fn produce<T: Row>(
    mut table: TidyTable,
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

/// The names (visits, tests) a table's thread has read, each made once: a table repeats a few
/// dozen names over millions of rows (and an unscheduled visit's day: a few thousand at a million
/// patients). The first `LASTING` are kept to the end of the run; past them (a table of free
/// text) each row's name is the caller's to make, so memory stays bounded (a few MB per table).
pub struct Names {
    /// FNV-1a: the keys are short and at most `LASTING` (SipHash showed in profiles).
    index: HashMap<Box<str>, usize, fnv::FnvBuildHasher>,
    /// Each name, and the position of the name read after it the last time.
    names: Vec<(&'static str, usize)>,
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
    /// `text` made once for the rest of the run (the same `&'static str` whenever it is read
    /// again), or `None` past `LASTING` names.
    pub fn get(&mut self, text: &str) -> Option<&'static str> {
        // A table repeats its names in the same order (a visit's tests, a subject's visits), so
        // the name that followed the last one last time is usually this one: one comparison
        // instead of a hash and a lookup.
        if let Some(&(_, next)) = self.names.get(self.last)
            && let Some(&(name, _)) = self.names.get(next)
            && name == text
        {
            self.last = next;
            return Some(name);
        }
        let at = match self.index.get(text) {
            Some(&at) => at,
            None if self.names.len() == LASTING => return None,
            None => {
                self.index.insert(text.into(), self.names.len());
                // Never freed: at most `LASTING` per table, for the rest of the run.
                let text: &'static str = Box::leak(text.into());
                self.names.push((text, usize::MAX));
                self.names.len() - 1
            }
        };
        if let Some(last) = self.names.get_mut(self.last) {
            last.1 = at;
        }
        self.last = at;
        Some(self.names[at].0)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::Date;

    use super::*;
    use crate::dataset::Missing;
    use crate::source::{Datum, FieldDef, FieldType, FormDef, Forms, Recorded};

    const LAB: &str = "subject,site,visit,visit_date,repeat,record_id,collected_on,test,value,unit,lln,uln,ctcae_grade\n";

    /// The lab form as the record defines it.
    fn lab_columns() -> Columns {
        let field = |name: &str, ty, missing| FieldDef {
            name: name.into(),
            ty,
            required: false,
            refers_to: None,
            missing,
        };
        let forms = Forms(vec![FormDef {
            name: "lab".into(),
            fields: vec![
                field("collected_on", FieldType::Date, false),
                field("test", FieldType::Text, false),
                field("value", FieldType::Text, true),
                field("unit", FieldType::Text, false),
                field("lln", FieldType::Text, false),
                field("uln", FieldType::Text, false),
                field("ctcae_grade", FieldType::Integer, false),
            ],
        }]);
        Columns::new(&Layout::new(&forms), 0)
    }

    /// A lab row as a report reads it: the test's name, the date and the CTCAE grade.
    struct Lab {
        test: String,
        collected_on: Date,
        grade: Option<u8>,
    }

    impl Row for Lab {
        const FORM: &'static str = "lab";
        const SPLIT: bool = true;
        fn columns(columns: &Columns) -> Result<Vec<usize>, ExportError> {
            columns.positions(&["test", "collected_on", "ctcae_grade"])
        }
        fn read(row: &TidyTable, c: &[usize], names: &mut Names) -> Result<Lab, ExportError> {
            let test = row.text(c[0])?;
            Ok(Lab {
                test: names
                    .get(&test)
                    .map_or_else(|| test.into_owned(), str::to_owned),
                collected_on: row.required_date(c[1])?,
                grade: row.small(c[2], 0..=5)?,
            })
        }
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
        let wanted = Lab::columns(&columns).expect("columns");
        std::thread::scope(|scope| {
            let message = |error: ReadError| error.to_string();
            let mut table =
                Table::<Lab>::parts(scope, path, &columns, &wanted, bounds).map_err(message)?;
            let mut read = Vec::new();
            while let Some(group) = table.peek().map_err(message)? {
                let code = group.code.clone();
                let rows = table.take(&code).map_err(message)?;
                let rows = rows
                    .into_iter()
                    .map(|l| (l.test, l.collected_on, l.grade))
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
        let mut fast = TidyTable::open(&path, &columns, &all, 0, u64::MAX).expect("open");
        let mut full = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut row = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while full.read_byte_record(&mut row).expect("row") {
            assert!(fast.next_row().expect("row"));
            lines.push(fast.line());
            for c in &all {
                let entry = columns.entry(*c, &row[*c], || 0);
                assert_eq!(
                    fast.entry(*c).expect("cell"),
                    entry.as_ref().expect("cell").clone()
                );
                assert_eq!(fast.date(*c).ok(), entry.as_ref().map(Recorded::date).ok());
                assert_eq!(
                    fast.integer(*c).ok(),
                    entry.as_ref().map(Recorded::integer).ok()
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
        let mut codes = TidyTable::open(&path, &columns, &[value], 0, u64::MAX).expect("open");
        let mut values = Vec::new();
        while codes.next_row().expect("row") {
            values.push(codes.entry(value).expect("value"));
        }
        let missing = |m| Recorded::Missing(m);
        assert_eq!(
            values[10..],
            [
                missing(Missing::NotDone),
                missing(Missing::NotApplicable),
                missing(Missing::Unknown),
                Recorded::Value(Datum::Text("0".into())),
                Recorded::BLANK,
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

    /// Each name is made once and found again in any order; past `LASTING` names none is made.
    #[test]
    fn names_are_made_once() {
        let mut names = Names::default();
        let order = [
            "alt", "ast", "alt", "hb", "ast", "hb", "alt", "ast", "hb", "hb",
        ];
        let read: Vec<&str> = order
            .iter()
            .map(|text| names.get(text).expect("lasting"))
            .collect();
        assert_eq!(read, order);
        for (i, a) in read.iter().enumerate() {
            for (j, b) in read.iter().enumerate() {
                assert_eq!(std::ptr::eq(*a, *b), order[i] == order[j], "{i} {j}");
            }
        }
        for n in 0..LASTING {
            names.get(&format!("test {n}"));
        }
        assert_eq!(names.get("new"), None);
        assert!(std::ptr::eq(names.get("ast").expect("lasting"), read[1]));
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
            let expect =
                format!("lab.csv line {line}, column collected_on: '2026-02-30' is not allowed");
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
            "lab.csv line 2: has 5 cells; the header has 13 columns"
        );
    }
}
