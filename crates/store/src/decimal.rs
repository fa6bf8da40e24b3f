//! Decimal measurements exactly as reported (a lab value, a nerve's amplitude), and how a
//! record's row holds one or its missing code.

use crate::Refusal;
use crate::error::StoreError;
use crate::value::{Entry, Value};
use crate::writer::Row;

/// A decimal number exactly as reported (`12.50` stays `12.50`), so the record keeps the
/// laboratory's precision and no binary rounding enters the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal(String);

impl Decimal {
    /// Digits with an optional sign and decimal point: `-1`, `0.5`, `12.50`.
    pub fn parse(field: &str, text: &str) -> Result<Decimal, StoreError> {
        let text = text.trim();
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if text.len() > 30 || !all_digits(whole) || !all_digits(fraction) {
            return Err(StoreError::invalid(
                field,
                Refusal::of("refusal-not-decimal").with("text", text),
            ));
        }
        Ok(Decimal(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a float, for comparisons against published cut-offs.
    pub fn as_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

/// The field value of a decimal measurement or its missing code.
pub(crate) fn entry(entry: &Entry<Decimal>) -> Value {
    match entry {
        Entry::Value(value) => Value::Text(value.as_str().to_owned()),
        Entry::Missing(missing) => Value::Missing(*missing),
    }
}

/// A decimal measurement or its missing code as a row holds it; `None` when blank.
pub(crate) fn entry_from(row: &Row, field: &str) -> Result<Option<Entry<Decimal>>, StoreError> {
    match row.get(field) {
        None => Ok(None),
        Some(Value::Missing(missing)) => Ok(Some(Entry::Missing(*missing))),
        Some(Value::Text(text)) => Ok(Some(Entry::Value(Decimal::parse(field, text)?))),
        Some(other) => Err(StoreError::corrupt(format!(
            "{field} holds {other}, not a decimal"
        ))),
    }
}
