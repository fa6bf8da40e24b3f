//! Checking constructors for the small text values every entity uses.

use crate::Refusal;
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
            Refusal::of("refusal-code-characters")
                .with("text", text)
                .with("max", max),
        ));
    }
    Ok(text.to_owned())
}

/// Longest site code: it and the subject number after it fit SDTM's 20-character `SITEID` and
/// `SUBJID` (SDTMIG v3.4, DM).
pub(crate) const SITE_CODE_MAX: usize = 10;
/// Longest subject code (SDTM `SUBJID`, 20 characters).
pub(crate) const SUBJECT_CODE_MAX: usize = 20;

/// A site code: a [`code`] without `-`, which joins it to the subject number in a subject code.
pub(crate) fn site_code(text: &str) -> Result<String, StoreError> {
    let code = code("site code", text, SITE_CODE_MAX)?;
    if code.contains('-') {
        return Err(StoreError::invalid(
            "site code",
            Refusal::of("refusal-site-code-dash").with("code", &code),
        ));
    }
    Ok(code)
}

/// A subject code registered at `site`: the site code, `-`, then the subject's number there
/// (`S01-007`). Partitioning the codes by site means a site never meets another site's code,
/// so "already used" never tells one site that another holds a subject (OWASP ASVS V4.2,
/// object enumeration; REDCap numbers records in data access groups the same way).
pub(crate) fn subject_code(site: &str, text: &str) -> Result<String, StoreError> {
    let code = code("code", text, SUBJECT_CODE_MAX)?;
    let prefix = crate::subject_code(site, "");
    if code.len() <= prefix.len() || !code.starts_with(&prefix) {
        return Err(StoreError::invalid(
            "code",
            Refusal::of("refusal-subject-code-prefix")
                .with("code", &code)
                .with("site", site.trim())
                .with("prefix", &prefix),
        ));
    }
    Ok(code)
}

/// Free text shown to people (names, titles, notes, verbatim terms): non-blank, at most `max`
/// characters, no control characters.
pub(crate) fn label(field: &str, text: &str, max: usize) -> Result<String, StoreError> {
    printable(field, text)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid(field, Refusal::of("refusal-required")));
    }
    if text.chars().count() > max {
        return Err(StoreError::invalid(
            field,
            Refusal::of("refusal-too-long").with("max", max),
        ));
    }
    Ok(text.to_owned())
}

/// Refuses a control character (C0 U+0000 to U+001F, DEL, C1 U+0080 to U+009F) in free text,
/// naming where it is as typed: it shows as nothing on a page yet stays in the record and its
/// exports (a NUL ends a C string, an ESC rewrites a terminal). Every free-text field is one
/// line (the forms have no text areas), so a tab or a line break inside the text is refused
/// too; white space around it is trimmed, never kept, as everywhere. The one check of every
/// channel's free text: labels, reasons, waivers.
pub(crate) fn printable(field: &str, text: &str) -> Result<(), StoreError> {
    let kept = text.trim();
    let before = text[..text.len() - text.trim_start().len()].chars().count();
    match kept.chars().enumerate().find(|(_, c)| c.is_control()) {
        Some((index, c)) => Err(StoreError::invalid(
            field,
            Refusal::of("refusal-control-character")
                .with("code", format!("U+{:04X}", u32::from(c)))
                .with("position", before + index + 1),
        )),
        None => Ok(()),
    }
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
            Refusal::of("refusal-future")
                .with("date", date)
                .with("today", today),
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

/// An enum stored as a short code, with `code()`, `parse()` (naming `field` and the allowed
/// codes on error) and `ALL`.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal {
            $($(#[$variant_meta:meta])* $variant:ident => $code:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(text: &str) -> Result<$name, $crate::StoreError> {
                Self::ALL.iter().copied().find(|value| value.code() == text).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|value| value.code()).collect();
                    $crate::StoreError::invalid(
                        $field,
                        $crate::Refusal::of("refusal-not-allowed")
                            .with("text", text)
                            .with("allowed", allowed.join(", ")),
                    )
                })
            }
        }
    };
}
pub(crate) use coded_enum;

/// A medication word (drug, unit, amount, frequency, route) refused, named by its field.
pub(crate) fn medication(
    field: &'static str,
) -> impl Fn(instruments::medication::MedicationError) -> StoreError {
    move |error| StoreError::invalid(field, Refusal::untranslated(error))
}
