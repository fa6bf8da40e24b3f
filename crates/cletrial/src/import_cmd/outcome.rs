//! What an import did, row by row and in all: the counts printed on success, and each refusal
//! with its line, column and reason.

use schemars::JsonSchema;
use serde::Serialize;
use store::StoreError;

use super::form::Form;
use super::mapping::Row;
use crate::io::CliError;

/// What an import did.
pub enum Outcome {
    Imported(Counts),
    Rejected(Report),
}

/// What `import` prints when every row was imported.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Counts {
    pub imported: bool,
    pub form: &'static str,
    /// Rows of the mapped form.
    pub rows: usize,
    /// Rows of other forms (keys.form), left out.
    pub skipped: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Records marked entered in error (`<form>.entered_in_error`).
    pub voided: usize,
}

impl Counts {
    pub fn add(&mut self, done: Done) {
        match done {
            Done::Created => self.created += 1,
            Done::Updated => self.updated += 1,
            Done::Unchanged => self.unchanged += 1,
            Done::Voided => self.voided += 1,
        }
    }
}

/// The rows refused; nothing was written.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    pub imported: bool,
    pub rows: usize,
    pub rejected: Vec<Rejection>,
}

/// One refusal: where and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Rejection {
    pub line: u64,
    /// The CSV column, when the refusal is about one.
    pub column: Option<String>,
    /// `form.field`, `key` or `row`.
    pub field: String,
    pub reason: String,
}

impl Rejection {
    /// A refusal of the row's key (the subject, the visit, a duplicate) rather than a cell.
    pub fn key(row: &Row, column: Option<&str>, reason: impl Into<String>) -> Rejection {
        Rejection {
            line: row.line,
            column: column.map(str::to_owned),
            field: "key".to_owned(),
            reason: reason.into(),
        }
    }

    /// A store refusal, naming the column of the field the store named (`form.field`).
    pub fn from_store(row: &Row, form: Form, error: &StoreError) -> Rejection {
        let (field, reason) = match error {
            StoreError::Invalid { field, message } => (
                if field.contains('.') {
                    field.clone()
                } else {
                    format!("{}.{field}", form.name())
                },
                message.to_string(),
            ),
            other => ("row".to_owned(), other.to_string()),
        };
        Rejection {
            line: row.line,
            column: row.fields.get(&field).map(|(column, _)| column.clone()),
            field,
            reason,
        }
    }
}

/// What one row did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Created,
    Updated,
    Unchanged,
    Voided,
}

/// Why a row was not applied.
pub enum Refused {
    /// The row is wrong (one or more refusals); the import goes on to find the others.
    Row(Vec<Rejection>),
    /// The import cannot go on (the database failed).
    Fatal(CliError),
}

impl From<Vec<Rejection>> for Refused {
    fn from(rejections: Vec<Rejection>) -> Refused {
        Refused::Row(rejections)
    }
}

/// A store error as the row's refusal (a user error) or the end of the import (anything else).
pub fn refused(row: &Row, form: Form, error: StoreError) -> Refused {
    if error.is_user_error() {
        Refused::Row(vec![Rejection::from_store(row, form, &error)])
    } else {
        Refused::Fatal(CliError::from(error))
    }
}

/// A store error's message without the field name it starts with.
pub fn error_message(error: &StoreError) -> String {
    match error {
        StoreError::Invalid { message, .. } => message.to_string(),
        other => other.to_string(),
    }
}
