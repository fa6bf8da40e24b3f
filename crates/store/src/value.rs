//! Field values, as the projections store them and as the audit trail writes them.
//!
//! A value has one canonical text form (JSON: `"text"`, `42`, `true`, `"2026-01-31"`), used for the
//! old and new values of audit events and so for the hash chain. The form does not depend on the
//! backend, so the same events hash to the same chain on SQLite and PostgreSQL.

use std::fmt;

use jiff::civil::Date;

/// The type of a field, which decides its column type and how its canonical text is read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Text,
    Int,
    Bool,
    /// A calendar date, stored as ISO 8601 text (`2026-01-31`) in both backends.
    Date,
}

/// One field value. Absence is `Option<Value>::None`: a blank field is never a zero or an empty
/// string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
    Date(Date),
}

impl Value {
    pub fn ty(&self) -> Ty {
        match self {
            Value::Text(_) => Ty::Text,
            Value::Int(_) => Ty::Int,
            Value::Bool(_) => Ty::Bool,
            Value::Date(_) => Ty::Date,
        }
    }

    /// The canonical text written into the audit trail.
    pub fn canonical(&self) -> String {
        match self {
            Value::Text(text) => serde_json::Value::from(text.as_str()).to_string(),
            Value::Int(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Date(date) => format!("\"{date}\""),
        }
    }

    /// Reads canonical text back as a value of type `ty`; `None` when it is not one.
    pub fn from_canonical(ty: Ty, text: &str) -> Option<Value> {
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        let value = match (ty, json) {
            (Ty::Text, serde_json::Value::String(text)) => Value::Text(text),
            (Ty::Int, serde_json::Value::Number(number)) => Value::Int(number.as_i64()?),
            (Ty::Bool, serde_json::Value::Bool(flag)) => Value::Bool(flag),
            (Ty::Date, serde_json::Value::String(text)) => Value::Date(text.parse().ok()?),
            _ => return None,
        };
        // Only the canonical spelling is accepted, so one value has exactly one text.
        (value.canonical() == text).then_some(value)
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(number) => Some(*number),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(date) => Some(*date),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// The canonical text of an optional value: `None` stays `None` (SQL NULL in the trail).
pub fn canonical(value: Option<&Value>) -> Option<String> {
    value.map(Value::canonical)
}
