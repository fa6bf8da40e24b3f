//! Reads the typed fields of one row, collecting every problem with its column, so that a row
//! is refused once with all that is wrong in it.

use jiff::civil::Date;
use store::{Decimal, Entry, StoreError};

use super::form::Form;
use super::mapping::{Cell, Row};
use super::outcome::{Refused, Rejection, error_message};

pub struct Reader<'a> {
    row: &'a Row,
    date_format: &'a str,
    problems: Vec<Rejection>,
}

impl<'a> Reader<'a> {
    pub fn new(row: &'a Row, date_format: &'a str) -> Reader<'a> {
        Reader {
            row,
            date_format,
            problems: Vec::new(),
        }
    }

    pub fn row(&self) -> &'a Row {
        self.row
    }

    /// Refuses the cell of `field` (its column, when one is mapped to it).
    pub fn refuse(&mut self, field: &str, reason: impl Into<String>) {
        let column = self.row.cell(field).0;
        self.problems.push(Rejection {
            line: self.row.line,
            column: (!column.is_empty()).then(|| column.to_owned()),
            field: field.to_owned(),
            reason: reason.into(),
        });
    }

    /// A store refusal of a value read from the row, naming the column of the field it names.
    pub fn refuse_store(&mut self, form: Form, error: &StoreError) {
        self.problems
            .push(Rejection::from_store(self.row, form, error));
    }

    /// Whether nothing was refused so far.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The cell of `field` as the mapping read it.
    pub fn cell(&self, field: &str) -> &'a Cell {
        self.row.cell(field).1
    }

    /// The text of `field`; blank is `None`; a missing code or a refused code is a problem.
    pub fn text(&mut self, field: &str) -> Option<String> {
        match self.cell(field) {
            Cell::Blank => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Missing(missing) => {
                self.refuse(field, format!("'{}' is not allowed here", missing.label()));
                None
            }
            Cell::Refused(reason) => {
                self.refuse(field, reason.clone());
                None
            }
        }
    }

    /// The text of a field every row must fill.
    pub fn required(&mut self, field: &str) -> Option<String> {
        if *self.cell(field) == Cell::Blank {
            let reason = if self.row.cell(field).0.is_empty() {
                "is required, and no column is mapped to it"
            } else {
                "is required"
            };
            self.refuse(field, reason);
            return None;
        }
        self.text(field)
    }

    /// `text` through `parse`; an error is the cell's problem.
    pub fn parsed<T>(
        &mut self,
        field: &str,
        text: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(&text?) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.refuse(field, reason);
                None
            }
        }
    }

    fn date(&mut self, field: &str, text: Option<String>) -> Option<Date> {
        let format = self.date_format.to_owned();
        self.parsed(field, text, |text| {
            Date::strptime(&format, text)
                .map_err(|_| format!("'{text}' is not a date written as {format}"))
        })
    }

    pub fn required_date(&mut self, field: &str) -> Option<Date> {
        let text = self.required(field);
        self.date(field, text)
    }

    pub fn optional_date(&mut self, field: &str) -> Option<Date> {
        let text = self.text(field);
        self.date(field, text)
    }

    pub fn decimal(&mut self, field: &str) -> Option<Decimal> {
        let text = self.text(field);
        self.parsed(field, text, |text| {
            Decimal::parse(field, text).map_err(|error| error_message(&error))
        })
    }

    /// A measurement: a value or a missing code (kept as such); blank is a problem.
    pub fn measurement(&mut self, field: &str) -> Option<Entry<Decimal>> {
        match self.cell(field) {
            Cell::Missing(missing) => Some(Entry::Missing(*missing)),
            _ => {
                let text = self.required(field);
                self.parsed(field, text, |text| {
                    Decimal::parse(field, text).map_err(|error| error_message(&error))
                })
                .map(Entry::Value)
            }
        }
    }

    /// A yes/no cell (`yes`/`no`, `true`/`false`, `1`/`0`, in any case); blank is `None`.
    pub fn flag(&mut self, field: &str) -> Option<bool> {
        let text = self.text(field);
        self.parsed(field, text, parse_flag)
    }

    pub fn required_flag(&mut self, field: &str) -> Option<bool> {
        let text = self.required(field);
        self.parsed(field, text, parse_flag)
    }

    /// A coded field read by the store's own parser, so that the codes allowed and the message
    /// are the store's. A missing code is the code of the same name where the vocabulary has
    /// one (an outcome `unknown`, an action `not_applicable`); blank is a problem.
    pub fn coded<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, StoreError>,
    ) -> Option<T> {
        let text = match self.cell(field) {
            Cell::Missing(missing) => Some(missing.code().to_owned()),
            _ => self.required(field),
        };
        self.parsed(field, text, |text| {
            parse(text).map_err(|error| error_message(&error))
        })
    }

    /// Why the row's record is to be marked entered in error (`<form>.entered_in_error`), when
    /// its cell says so.
    pub fn entered_in_error(&mut self, form: Form) -> Option<String> {
        self.text(&format!("{}.entered_in_error", form.name()))
    }

    /// The value, when every cell read well; else every problem of the row.
    pub fn finish<T>(mut self, value: Option<T>) -> Result<T, Refused> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => {
                // Never a refusal without a reason: a row that is neither read nor refused
                // must not pass for a clean one.
                if self.problems.is_empty() {
                    self.problems
                        .push(Rejection::key(self.row, None, "the row could not be read"));
                }
                Err(Refused::Row(self.problems))
            }
        }
    }
}

/// A yes/no cell as a flag.
pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        _ => Err(format!(
            "'{text}' is not yes or no; allowed: yes, no, true, false, 1, 0"
        )),
    }
}
