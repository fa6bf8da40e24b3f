//! The eligibility checklist in words, for the screening page and the API alike: each
//! criterion's reason as a clinician reads it, from the structured [`Why`] the engine gives.

use protocol::eligibility::{Found, Why};

use crate::locale::words;

/// Why a criterion stands, in the user's words: each comparison as "what, how, threshold: what
/// was found", joined by "and" / "or". `withhold_birth` leaves the birth date out (a role that
/// sees ages, not birth dates).
pub(crate) fn why_words(why: &Why, withhold_birth: bool) -> String {
    let words = words();
    match why {
        Why::Compare {
            field,
            op,
            threshold,
            found,
        } => {
            let label = words.get(&format!("candidate-{field}"));
            match found {
                None => format!("{label}: {}", words.get("not-recorded")),
                Some(Found::YesNo { answer }) => {
                    format!("{label}: {}", words.get(&format!("answer-{answer}")))
                }
                Some(found) => format!(
                    "{label} {} {}: {}",
                    words.get(op_id(op)),
                    amount(threshold),
                    found_words(found, withhold_birth)
                ),
            }
        }
        Why::All { parts } | Why::Any { parts } => {
            let joiner = words.get(if matches!(why, Why::All { .. }) {
                "and"
            } else {
                "or"
            });
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    Why::Compare { .. } => why_words(part, withhold_birth),
                    nested => format!("({})", why_words(nested, withhold_birth)),
                })
                .collect();
            parts.join(&format!(" {joiner} "))
        }
    }
}

fn op_id(op: &str) -> &'static str {
    match op {
        "<" => "op-lt",
        "<=" => "op-le",
        ">" => "op-gt",
        ">=" => "op-ge",
        "=" => "op-eq",
        _ => "op-ne",
    }
}

/// What a comparison found, in words.
fn found_words(found: &Found, withhold_birth: bool) -> String {
    let words = words();
    match found {
        Found::YesNo { answer } => words.get(&format!("answer-{answer}")),
        Found::Amount { value, unit } => amount(&format!("{value} {unit}")),
        Found::Age {
            years,
            born: Some(born),
            at_index_date,
            on: Some(on),
        } => {
            let years = format!("{years} {}", words.get("years"));
            if withhold_birth {
                return years;
            }
            let when = if *at_index_date {
                "age-at-index"
            } else {
                "age-screened"
            };
            format!(
                "{years} ({} {born}, {} {on})",
                words.get("age-born"),
                words.get(when)
            )
        }
        Found::Age { years, .. } => {
            format!(
                "{years} {} ({})",
                words.get("years"),
                words.get("age-as-recorded")
            )
        }
        // The screening form asks for the worst erythema of any area, naming none.
        Found::Erythema { score, area } => {
            let area = format!("clasi-area-{area}");
            if words.has(&area) {
                format!(
                    "{} {score} ({})",
                    words.get("highest-erythema"),
                    words.get(&area)
                )
            } else {
                format!("{} {score}", words.get("highest-erythema"))
            }
        }
        Found::RuleOfNines { percent, parts } => {
            let parts: Vec<String> = parts
                .iter()
                .map(|(region, extent, share)| {
                    format!(
                        "{} {} {share}%",
                        words.get(&format!("bsa-region-{}", serde_name(region))),
                        words.get(&format!("bsa-extent-{}", serde_name(extent)))
                    )
                })
                .collect();
            format!(
                "{percent}% {} ({})",
                words.get("rule-of-nines"),
                parts.join(", ")
            )
        }
    }
}

/// An amount with its unit (`30 days`), the unit in words (see [`unit`]).
fn amount(text: &str) -> String {
    match text.split_once(' ') {
        Some((number, written)) => format!("{number} {}", unit(written)),
        None => text.to_owned(),
    }
}

/// A unit in words where the catalogue names it (`days`: `unit-days`); symbols (`mg/day`,
/// `/mm3`, `%`) stay as written.
pub(crate) fn unit(written: &str) -> String {
    let id = format!("unit-{written}");
    let words = words();
    if words.has(&id) {
        words.get(&id)
    } else {
        written.to_owned()
    }
}

/// A value's serde name (`head_neck`), the catalogue's id for it.
fn serde_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|json| json.as_str().map(str::to_owned))
        .unwrap_or_default()
}
