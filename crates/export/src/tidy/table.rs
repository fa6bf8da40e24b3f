//! The reader of one tidy table, or of a part of it (a byte range), a row at a time: the rows
//! are split at their commas without a full CSV parse, finding only the cells the caller reads,
//! and dates and small whole numbers are read on a fixed-format fast path.
//!
//! A row is found by one pass over its bytes, eight at a time, for the line end, a quote and the
//! commas (counted, so a row with the wrong number of cells is refused). The wanted cells are then
//! split from the front or from the back of the line, whichever is nearer. A row with a quote or a
//! carriage return is read by the `csv` parser instead, so a quoted cell (with a
//! comma, a quote or a line break inside) reads as the writer wrote it. Every cell read is checked
//! as [`Columns`] checks it: the fast paths accept only what that check accepts, and anything else
//! goes through it, so a bad cell is refused with the same message. The cells not read are not
//! checked.
//!
//! A large table can be read in parts, each by its own `TidyTable`: see [`Origin`].

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::Columns;
use super::read::ReadError;
use crate::ExportError;
use crate::source::{Datum, FieldType, Recorded};

/// Bytes read from the file at a time (the buffer grows for a longer row).
const CHUNK: usize = 1 << 20;

/// Where a part of a table starts, for the line numbers of its rows.
#[derive(Clone, Debug)]
pub(super) struct Origin {
    path: PathBuf,
    /// The byte its first row starts at.
    start: u64,
    /// The line of its first row, when known without counting (the part after the header).
    first_line: Option<u64>,
}

impl Origin {
    /// The line of the row `relative` lines after the part's first row. A later part counts the
    /// lines before it only when a line number is asked for (for an error), by reading them again;
    /// should that read fail, the line is counted from the part's start.
    pub(super) fn line(&self, relative: u64) -> u64 {
        let first = self
            .first_line
            .unwrap_or_else(|| 1 + newlines_before(&self.path, self.start).unwrap_or(0));
        first + relative
    }
}

fn newlines_before(path: &Path, end: u64) -> std::io::Result<u64> {
    let mut input = File::open(path)?.take(end);
    let mut buf = vec![0; CHUNK];
    let mut lines = 0;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
}

/// One table, or one part of it, read a row at a time; only the cells of the columns asked for
/// at opening are read.
pub struct TidyTable {
    columns: Columns,
    /// Per column: its type, which says which fast path may read it.
    kinds: Vec<FieldType>,
    origin: Origin,
    input: File,
    buf: Vec<u8>,
    /// The next row starts at `buf[pos]`; `buf[..filled]` holds what was read.
    pos: usize,
    filled: usize,
    eof: bool,
    /// The file offset of `buf[0]`.
    at: u64,
    /// Rows starting at or after this byte belong to the next part.
    end: u64,
    /// The part's end was inside a row, so this part read on to the end of the file.
    overran: bool,
    /// Lines before the next row, counted from the part's first row.
    lines: u64,
    /// The current row's line, counted from the part's first row.
    row_line: u64,
    /// Cells to split from the front and from the back of a line.
    front: usize,
    back: usize,
    /// Per column: the wanted cell's bytes in `buf` (or in `record`, for a row read by the CSV
    /// parser); other columns hold stale bounds and are never read.
    cells: Vec<(usize, usize)>,
    record: csv::ByteRecord,
    parsed: bool,
}

/// What one pass over the bytes of a line found.
enum Line {
    /// The line ends at `len` (before its `\n`) and has `commas` commas.
    End { len: usize, commas: usize },
    /// A quote comes before the line's end.
    Quote,
    /// Neither a line end nor a quote in what was read.
    Open,
}

const LOW: u64 = 0x0101_0101_0101_0101;
const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The top bit set in each byte of `word` equal to `byte`, and no other bit (no carry crosses
/// bytes: each byte's low seven bits plus 0x7f is at most 0xfe).
fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (LOW * u64::from(byte));
    !(((x & SEVEN) + SEVEN) | x | SEVEN)
}

fn scan_line(text: &[u8]) -> Line {
    let mut commas = 0;
    let mut chunks = text.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let stop = equal(word, b'\n') | equal(word, b'"');
        let comma = equal(word, b',');
        if stop != 0 {
            let k = (stop.trailing_zeros() / 8) as usize;
            commas += (comma & ((1u64 << (8 * k)) - 1)).count_ones() as usize;
            return match chunk[k] {
                b'\n' => Line::End {
                    len: offset + k,
                    commas,
                },
                _ => Line::Quote,
            };
        }
        commas += comma.count_ones() as usize;
        offset += 8;
    }
    for (k, byte) in chunks.remainder().iter().enumerate() {
        match byte {
            b'\n' => {
                return Line::End {
                    len: offset + k,
                    commas,
                };
            }
            b'"' => return Line::Quote,
            b',' => commas += 1,
            _ => {}
        }
    }
    Line::Open
}

/// `YYYY-MM-DD` (what the export writes); anything else is left to the general parser.
fn iso_date(text: &[u8]) -> Option<Date> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text else {
        return None;
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |d: &[u8]| d.iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    Date::new(
        n(&digits[..4]),
        n(&digits[4..6]) as i8,
        n(&digits[6..]) as i8,
    )
    .ok()
}

/// One to three digits; anything else is left to the general parser.
fn small_integer(text: &[u8]) -> Option<i64> {
    if text.is_empty() || text.len() > 3 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// A missing-value code ("NOT DONE", "NOT APPLICABLE", "UNKNOWN") could be this text.
fn maybe_code(text: &[u8]) -> bool {
    matches!(text.first(), Some(b'N' | b'U'))
}

impl TidyTable {
    /// Opens `path` and checks its header (the part starting at byte 0), or opens the part of it
    /// from byte `start` (a row's start) to `end`. Only the cells of `wanted` columns are read.
    pub(super) fn open(
        path: &Path,
        columns: &Columns,
        wanted: &[usize],
        start: u64,
        end: u64,
    ) -> Result<TidyTable, ReadError> {
        let unreadable = |source| ReadError::File {
            path: path.to_owned(),
            source,
        };
        let mut input = File::open(path).map_err(unreadable)?;
        if start > 0 {
            input.seek(SeekFrom::Start(start)).map_err(unreadable)?;
        }
        let n = columns.len();
        let half = n / 2;
        let front = wanted
            .iter()
            .filter(|c| **c < half)
            .max()
            .map_or(0, |c| c + 1);
        let back = wanted
            .iter()
            .filter(|c| **c >= half)
            .min()
            .map_or(0, |c| n - c);
        let mut table = TidyTable {
            columns: columns.clone(),
            kinds: (0..n).map(|c| columns.kind(c).0).collect(),
            origin: Origin {
                path: path.to_owned(),
                start,
                first_line: None,
            },
            input,
            buf: vec![0; CHUNK],
            pos: 0,
            filled: 0,
            eof: false,
            at: start,
            end,
            overran: false,
            lines: 0,
            row_line: 0,
            front,
            back,
            cells: vec![(0, 0); n],
            record: csv::ByteRecord::new(),
            parsed: false,
        };
        if start == 0 {
            table.header()?;
        }
        Ok(table)
    }

    /// Reads and checks the header; the first row is then on line 2.
    fn header(&mut self) -> Result<(), ReadError> {
        let file = self.columns.file().to_owned();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut self.input);
        let mut header = csv::ByteRecord::new();
        let read = reader
            .read_byte_record(&mut header)
            .map_err(|error| ExportError::invalid(format!("{file} line 1"), error.to_string()))?;
        if read {
            self.columns.check_header(&header)?;
        } else {
            self.columns.check_header(std::iter::empty())?;
        }
        let start = reader.position().byte();
        let lines = reader.position().line();
        drop(reader);
        // The csv reader read ahead: go back to the first row.
        self.input
            .seek(SeekFrom::Start(start))
            .map_err(|source| ReadError::File {
                path: self.origin.path.clone(),
                source,
            })?;
        self.at = start;
        self.origin.start = start;
        self.origin.first_line = Some(lines);
        Ok(())
    }

    pub(super) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// This part's end was inside a row, so it read on to the end of the file.
    pub(super) fn overran(&self) -> bool {
        self.overran
    }

    /// Reads more of the file after what the buffer holds; `false` at the end of the file.
    fn fill(&mut self) -> Result<bool, ExportError> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.at += self.pos as u64;
            self.pos = 0;
        }
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = loop {
            match self.input.read(&mut self.buf[self.filled..]) {
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                read => break read?,
            }
        };
        self.filled += n;
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Moves to the next row; `false` at the end of the part.
    pub(super) fn next_row(&mut self) -> Result<bool, ExportError> {
        loop {
            let start = self.at + self.pos as u64;
            if start >= self.end {
                if start == self.end {
                    return Ok(false);
                }
                self.overran = true;
                self.end = u64::MAX;
            }
            match scan_line(&self.buf[self.pos..self.filled]) {
                Line::End { len, commas } => {
                    let line = &self.buf[self.pos..self.pos + len];
                    if line.is_empty() || line == b"\r" {
                        // A blank line, skipped as the CSV parser skips it.
                        self.lines += 1;
                        self.pos += len + 1;
                        continue;
                    }
                    if line.ends_with(b"\r") {
                        return self.parse();
                    }
                    self.split(len, commas)?;
                    self.pos += len + 1;
                    return Ok(true);
                }
                Line::Quote => return self.parse(),
                Line::Open if !self.eof => {
                    self.fill()?;
                }
                Line::Open => {
                    // The last line has no line end.
                    let len = self.filled - self.pos;
                    if len == 0 {
                        return Ok(false);
                    }
                    let commas = self.buf[self.pos..self.filled]
                        .iter()
                        .filter(|b| **b == b',')
                        .count();
                    self.split(len, commas)?;
                    self.pos = self.filled;
                    return Ok(true);
                }
            }
        }
    }

    /// Splits the wanted cells of the line of `len` bytes at `pos`.
    fn split(&mut self, len: usize, commas: usize) -> Result<(), ExportError> {
        self.parsed = false;
        self.row_line = self.lines;
        self.lines += 1;
        let n = self.columns.len();
        if commas + 1 != n {
            return Err(self.columns.wrong_length(self.line(), commas + 1));
        }
        let base = self.pos;
        let line = &self.buf[base..base + len];
        let mut column = 0;
        let mut from = 0;
        if self.front > 0 {
            for (i, byte) in line.iter().enumerate() {
                if *byte == b',' {
                    self.cells[column] = (base + from, base + i);
                    column += 1;
                    from = i + 1;
                    if column == self.front {
                        break;
                    }
                }
            }
        }
        if self.back > 0 {
            let mut to = len;
            column = n;
            for (i, byte) in line.iter().enumerate().rev() {
                if *byte == b',' {
                    column -= 1;
                    self.cells[column] = (base + i + 1, base + to);
                    to = i;
                    if column == n - self.back {
                        break;
                    }
                }
            }
            if column > n - self.back {
                // Every cell is wanted from the back (a table of one column).
                self.cells[column - 1] = (base, base + to);
            }
        }
        Ok(())
    }

    /// Reads the row at `pos` with the CSV parser (quotes, carriage returns, blank lines).
    fn parse(&mut self) -> Result<bool, ExportError> {
        loop {
            let text = &self.buf[self.pos..self.filled];
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text);
            let read = reader.read_byte_record(&mut self.record);
            let used = reader.position().byte() as usize;
            // The row may go on past what the buffer holds.
            if used >= text.len() && !self.eof {
                self.fill()?;
                continue;
            }
            let read = read.map_err(|error| {
                let relative = error.position().map_or(0, |p| p.line() - 1);
                ExportError::invalid(
                    self.columns
                        .here(self.origin.line(self.lines + relative), None),
                    error.to_string(),
                )
            })?;
            let skipped = self.record.position().map_or(0, |p| p.line() - 1);
            self.row_line = self.lines + skipped;
            self.lines += text[..used].iter().filter(|b| **b == b'\n').count() as u64;
            self.pos += used;
            if !read {
                return Ok(false);
            }
            self.parsed = true;
            if self.record.len() != self.columns.len() {
                return Err(self.columns.wrong_length(self.line(), self.record.len()));
            }
            return Ok(true);
        }
    }

    /// The current row's line, counted from the part's first row (`Origin::line` gives the file's).
    pub(super) fn relative_line(&self) -> u64 {
        self.row_line
    }

    /// The current row's line in the file (1 is the header).
    pub fn line(&self) -> u64 {
        self.origin.line(self.row_line)
    }

    /// Where a problem is: `visit.csv line 12, column actual_date`.
    pub fn here(&self, column: Option<usize>) -> String {
        self.columns.here(self.line(), column)
    }

    // The accessors of a cell run for every cell of millions of rows, called by the caller's row
    // readers in another crate: `#[inline]` lets them be inlined there, as they were beside them.

    /// The bytes of a wanted cell of the current row.
    #[inline]
    pub(super) fn cell(&self, column: usize) -> &[u8] {
        if self.parsed {
            self.record.get(column).unwrap_or_default()
        } else {
            let (from, to) = self.cells[column];
            &self.buf[from..to]
        }
    }

    /// The raw text of a wanted cell.
    #[inline]
    pub fn raw(&self, column: usize) -> Result<&str, ExportError> {
        self.columns.raw(column, self.cell(column), || self.line())
    }

    /// A wanted cell read with its field's type ([`Columns::entry`]).
    pub fn entry(&self, column: usize) -> Result<Recorded, ExportError> {
        self.columns
            .entry(column, self.cell(column), || self.line())
    }

    /// A wanted cell's date, if it holds one (blank, a missing-value code: `None`).
    #[inline]
    pub fn date(&self, column: usize) -> Result<Option<Date>, ExportError> {
        self.typed(column, FieldType::Date, iso_date, Recorded::date)
    }

    /// A wanted cell's whole number, if it holds one (blank, a missing-value code: `None`).
    #[inline]
    pub fn integer(&self, column: usize) -> Result<Option<i64>, ExportError> {
        self.typed(column, FieldType::Integer, small_integer, Recorded::integer)
    }

    /// A wanted cell of type `kind` read on its fixed-format `fast` path, or else checked in full
    /// as an entry and read by `slow`.
    #[inline]
    fn typed<T>(
        &self,
        column: usize,
        kind: FieldType,
        fast: fn(&[u8]) -> Option<T>,
        slow: fn(&Recorded) -> Option<T>,
    ) -> Result<Option<T>, ExportError> {
        let text = self.cell(column);
        if text.is_empty() {
            return Ok(None);
        }
        if self.kinds[column] == kind
            && let Some(value) = fast(text)
        {
            return Ok(Some(value));
        }
        Ok(slow(&self.entry(column)?))
    }

    /// A wanted cell's text when it holds a value (`None`: blank or a missing-value code, or not
    /// a text column; `text` asks `entry` then).
    #[inline]
    fn text_value(&self, column: usize) -> Option<&str> {
        let text = self.cell(column);
        if self.kinds[column] != FieldType::Text || text.is_empty() || maybe_code(text) {
            return None;
        }
        std::str::from_utf8(text).ok()
    }

    /// A wanted cell that must hold a value, as text (a number or a date as written).
    #[inline]
    pub fn text(&self, column: usize) -> Result<Cow<'_, str>, ExportError> {
        if let Some(text) = self.text_value(column) {
            return Ok(Cow::Borrowed(text));
        }
        match self.entry(column)? {
            Recorded::Value(Datum::Text(text)) => Ok(Cow::Owned(text)),
            Recorded::Value(other) => Ok(Cow::Owned(other.plain())),
            Recorded::Missing(_) => Err(ExportError::invalid(
                self.here(Some(column)),
                "must hold a value",
            )),
        }
    }

    /// A wanted cell that must hold a date.
    #[inline]
    pub fn required_date(&self, column: usize) -> Result<Date, ExportError> {
        self.date(column)?.ok_or_else(|| {
            ExportError::invalid(self.here(Some(column)), "must hold a date YYYY-MM-DD")
        })
    }

    /// A wanted cell's whole number in `range`, or `None` when blank.
    #[inline]
    pub fn small(
        &self,
        column: usize,
        range: RangeInclusive<u8>,
    ) -> Result<Option<u8>, ExportError> {
        match self.integer(column)? {
            None => Ok(None),
            Some(n) => u8::try_from(n)
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or_else(|| {
                    ExportError::invalid(
                        self.here(Some(column)),
                        format!(
                            "{n} is out of range; allowed: {} to {}, or empty",
                            range.start(),
                            range.end()
                        ),
                    )
                }),
        }
    }

    /// A wanted cell's number, or `None` when blank or a missing-value code.
    pub fn number(&self, column: usize) -> Result<Option<f64>, ExportError> {
        match self.entry(column)? {
            Recorded::Missing(_) => Ok(None),
            Recorded::Value(datum) => {
                datum.plain().parse().map(Some).map_err(|_| {
                    ExportError::invalid(self.here(Some(column)), "must hold a number")
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_found_with_its_commas_and_a_quote_stops_it() {
        #[track_caller]
        fn check(text: &str, expect: Option<(usize, usize)>, quote: bool) {
            match scan_line(text.as_bytes()) {
                Line::End { len, commas } => assert_eq!(Some((len, commas)), expect, "{text:?}"),
                Line::Quote => assert!(quote, "{text:?}"),
                Line::Open => assert!(expect.is_none() && !quote, "{text:?}"),
            }
        }
        check("a,b,c\n", Some((5, 2)), false);
        check("\n", Some((0, 0)), false);
        // Each position of the word, and past it.
        for at in 0..20 {
            let line = ",".repeat(at);
            check(&format!("{line}\nx,y"), Some((at, at)), false);
            check(&format!("{line}\"\n"), None, true);
            check(&line, None, false);
        }
        check("é,ü,\u{7f}\u{80},\u{ff}x\n", Some((13, 3)), false);
    }

    #[test]
    fn fast_paths_read_only_the_fixed_formats() {
        assert_eq!(iso_date(b"2026-02-28"), Some(Date::constant(2026, 2, 28)));
        assert_eq!(iso_date(b"2026-02-30"), None);
        assert_eq!(iso_date(b"2026-2-28"), None);
        assert_eq!(iso_date(b"2026/02/28"), None);
        assert_eq!(iso_date(b"20260228"), None);
        assert_eq!(small_integer(b"0"), Some(0));
        assert_eq!(small_integer(b"070"), Some(70));
        assert_eq!(small_integer(b"1000"), None);
        assert_eq!(small_integer(b"+5"), None);
        assert_eq!(small_integer(b"-5"), None);
        assert_eq!(small_integer(b""), None);
    }
}
