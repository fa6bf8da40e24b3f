//! Checking constructors for the small text values every entity uses.

use crate::error::StoreError;

/// An identifier such as a site code, study code, pseudonymous subject id or login: 1 to `max`
/// characters from `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
pub(crate) fn code(field: &str, text: &str, max: usize) -> Result<String, StoreError> {
    let text = text.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if text.is_empty() || text.len() > max || !starts_well || !text.chars().all(allowed) {
        return Err(StoreError::invalid(
            field,
            format!(
                "'{text}' is not allowed: 1 to {max} characters from A-Z a-z 0-9 . _ -, starting with a letter or digit"
            ),
        ));
    }
    Ok(text.to_owned())
}

/// Free text shown to people (names, titles): non-blank, at most `max` characters, no control
/// characters.
pub(crate) fn label(field: &str, text: &str, max: usize) -> Result<String, StoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid(field, "is required"));
    }
    if text.chars().count() > max {
        return Err(StoreError::invalid(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(StoreError::invalid(field, "contains control characters"));
    }
    Ok(text.to_owned())
}

/// A date that must not lie after `today` (UTC).
pub(crate) fn not_future(
    field: &str,
    date: jiff::civil::Date,
    today: jiff::civil::Date,
) -> Result<(), StoreError> {
    if date > today {
        return Err(StoreError::invalid(
            field,
            format!("{date} is in the future (today is {today} UTC)"),
        ));
    }
    Ok(())
}

/// Today's date in UTC, the clock every date check uses.
pub(crate) fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}
