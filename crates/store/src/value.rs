//! Field values, as the projections store them and as the audit trail writes them.
//!
//! A value has one canonical text form (JSON: `"text"`, `42`, `true`, `"2026-01-31"`), used for the
//! old and new values of audit events and so for the hash chain. The form does not depend on the
//! backend, so the same events hash to the same chain on SQLite and PostgreSQL.
//!
//! Missing is not zero and not blank: a field that allows it may say why it holds no value
//! ([`Missing`]: not done, not applicable, unknown). In the trail that is a JSON object
//! (`{"missing":"not_done"}`), which no plain value can equal; in a projection column it is the
//! code's text (`not_done`), which fields that allow it (decimal text) can never hold otherwise.

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

/// Why a field holds no value, as a clinician records it. Distinct from each other, from a blank
/// (not yet entered) and from 0. CDISC calls the same three "not done", "not applicable" and
/// "unknown" (SDTM `--STAT`/`--REASND` and the null flavours of ODM); SAS XPORT writes them as
/// the special missing values `.D`, `.N`, `.U`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Missing {
    /// The test or assessment was not performed.
    NotDone,
    /// It does not apply to this subject (e.g. a pregnancy test in a man).
    NotApplicable,
    /// It may have been done, but its result is not known.
    Unknown,
}

impl Missing {
    pub const ALL: [Missing; 3] = [Missing::NotDone, Missing::NotApplicable, Missing::Unknown];

    /// The code in the trail, in projections, in CSV and JSON: `not_done`, `not_applicable`,
    /// `unknown`.
    pub fn code(self) -> &'static str {
        match self {
            Missing::NotDone => "not_done",
            Missing::NotApplicable => "not_applicable",
            Missing::Unknown => "unknown",
        }
    }

    /// A code, or `None` when `text` is not one.
    pub fn parse(text: &str) -> Option<Missing> {
        Missing::ALL
            .into_iter()
            .find(|missing| missing.code() == text)
    }

    /// Text for people: "not done", "not applicable", "unknown".
    pub fn label(self) -> &'static str {
        match self {
            Missing::NotDone => "not done",
            Missing::NotApplicable => "not applicable",
            Missing::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A field that holds either a value or the reason it has none. Readers (web, report, export)
/// match on it; `Option<Entry<T>>` adds the blank of a field not yet entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<T> {
    Value(T),
    Missing(Missing),
}

impl<T> Entry<T> {
    /// The value, when there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Entry::Value(value) => Some(value),
            Entry::Missing(_) => None,
        }
    }

    /// Why there is no value, when there is none.
    pub fn missing(&self) -> Option<Missing> {
        match self {
            Entry::Value(_) => None,
            Entry::Missing(missing) => Some(*missing),
        }
    }

    /// Reads form or file text: a missing code (`not_done`, `not_applicable`, `unknown`) or its
    /// words (`not done`, as the form suggests), else a value read by `value`.
    pub fn parse<E>(text: &str, value: impl FnOnce(&str) -> Result<T, E>) -> Result<Entry<T>, E> {
        let trimmed = text.trim();
        let missing = Missing::parse(trimmed).or_else(|| {
            Missing::ALL
                .into_iter()
                .find(|missing| missing.label() == trimmed)
        });
        match missing {
            Some(missing) => Ok(Entry::Missing(missing)),
            None => value(text).map(Entry::Value),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Entry<U> {
        match self {
            Entry::Value(value) => Entry::Value(f(value)),
            Entry::Missing(missing) => Entry::Missing(missing),
        }
    }
}

impl<T> From<T> for Entry<T> {
    fn from(value: T) -> Entry<T> {
        Entry::Value(value)
    }
}

/// One field value. Absence is `Option<Value>::None`: a blank field is never a zero or an empty
/// string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
    Date(Date),
    /// Why a field that allows it holds no value.
    Missing(Missing),
}

impl Value {
    /// The type of a plain value; `None` for a missing code, which fits any field that allows
    /// it.
    pub fn ty(&self) -> Option<Ty> {
        match self {
            Value::Text(_) => Some(Ty::Text),
            Value::Int(_) => Some(Ty::Int),
            Value::Bool(_) => Some(Ty::Bool),
            Value::Date(_) => Some(Ty::Date),
            Value::Missing(_) => None,
        }
    }

    /// The canonical text written into the audit trail.
    pub fn canonical(&self) -> String {
        match self {
            Value::Text(text) => serde_json::Value::from(text.as_str()).to_string(),
            Value::Int(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Date(date) => format!("\"{date}\""),
            Value::Missing(missing) => serde_json::json!({ "missing": missing.code() }).to_string(),
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
            (_, serde_json::Value::Object(object)) if object.len() == 1 => {
                Value::Missing(Missing::parse(object.get("missing")?.as_str()?)?)
            }
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

    pub fn as_missing(&self) -> Option<Missing> {
        match self {
            Value::Missing(missing) => Some(*missing),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Canonical text and back, for the values a field that allows missing codes can hold.
    #[track_caller]
    fn check(value: Value, ty: Ty, canonical: &str) {
        assert_eq!(value.canonical(), canonical);
        assert_eq!(Value::from_canonical(ty, canonical), Some(value));
    }

    #[test]
    fn missing_codes_are_distinct_from_blank_zero_and_each_other() {
        check(Value::Text("0".into()), Ty::Text, "\"0\"");
        check(Value::Text("not_done".into()), Ty::Text, "\"not_done\"");
        check(Value::Int(0), Ty::Int, "0");
        check(
            Value::Missing(Missing::NotDone),
            Ty::Text,
            r#"{"missing":"not_done"}"#,
        );
        check(
            Value::Missing(Missing::NotApplicable),
            Ty::Text,
            r#"{"missing":"not_applicable"}"#,
        );
        check(
            Value::Missing(Missing::Unknown),
            Ty::Int,
            r#"{"missing":"unknown"}"#,
        );
        let texts: std::collections::BTreeSet<String> = Missing::ALL
            .into_iter()
            .map(|missing| Value::Missing(missing).canonical())
            .collect();
        assert_eq!(texts.len(), 3);
    }

    #[test]
    fn only_canonical_missing_text_is_read() {
        for text in [
            r#"{"missing":"not done"}"#,
            r#"{"missing":"NOT_DONE"}"#,
            r#"{ "missing": "not_done" }"#,
            r#"{"missing":"not_done","x":1}"#,
            r#"{"missing":null}"#,
            r#"{}"#,
            r#""not_done""#,
        ] {
            assert_ne!(
                Value::from_canonical(Ty::Text, text),
                Some(Value::Missing(Missing::NotDone)),
                "{text}"
            );
        }
    }

    #[test]
    fn entries_read_codes_before_values() {
        #[track_caller]
        fn check(text: &str, expect: Result<Entry<i64>, ()>) {
            let read = Entry::parse(text, |text| text.trim().parse::<i64>().map_err(drop));
            assert_eq!(read, expect, "{text}");
        }
        check("not_done", Ok(Entry::Missing(Missing::NotDone)));
        check(
            " not_applicable ",
            Ok(Entry::Missing(Missing::NotApplicable)),
        );
        check("unknown", Ok(Entry::Missing(Missing::Unknown)));
        // The words the form suggests read the same as the codes.
        check("not done", Ok(Entry::Missing(Missing::NotDone)));
        check(
            " not applicable",
            Ok(Entry::Missing(Missing::NotApplicable)),
        );
        check("not  done", Err(()));
        check("0", Ok(Entry::Value(0)));
        check("12", Ok(Entry::Value(12)));
        check("ND", Err(()));
        check("", Err(()));
    }
}
