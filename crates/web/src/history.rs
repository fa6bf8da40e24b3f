//! What a subject's history is narrowed to, read the same from the page's query string and the
//! API's: a kind of record ("form"), a field, a user, a period of days (UTC), and where a page
//! starts. A value the record does not know is refused naming its parameter, never read as "no
//! events".

use jiff::civil::Date;
use jiff::tz::TimeZone;
use store::{Event, EventFilter, Store, StoreError};

/// The events of `filter` after event `after`, `limit` at a time; a refusal by the record names
/// the parameter as the query string does (`form`, where the record says `entity`).
pub(crate) async fn read(
    store: &Store,
    filter: &EventFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    store
        .audit_page(filter, after, limit)
        .await
        .map_err(|error| match error {
            StoreError::Invalid { field, message } if field == "entity" => StoreError::Invalid {
                field: "form".to_owned(),
                message,
            },
            other => other,
        })
}

/// The parameters, as their names appear in the query string.
pub(crate) const PARAMETERS: [&str; 6] = ["form", "field", "user", "from", "to", "after"];

/// A history query: the filter (without its subject) and the last event already shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HistoryQuery {
    pub(crate) filter: EventFilter,
    pub(crate) after: i64,
}

/// The query of `pairs` (blank values are absent, as an empty filter form sends them), or each
/// refused parameter with its message.
pub(crate) fn parse(pairs: &[(String, String)]) -> Result<HistoryQuery, Vec<(String, String)>> {
    let mut query = HistoryQuery::default();
    let mut refused = Vec::new();
    let mut from = None;
    let mut to = None;
    for (name, value) in pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let text = Some(value.to_owned());
        match name.as_str() {
            "form" => query.filter.entity = text,
            "field" => query.filter.field = text,
            "user" => query.filter.actor = text,
            "from" | "to" => match value.parse::<Date>() {
                Ok(date) if name == "from" => from = Some(date),
                Ok(date) => to = Some(date),
                Err(_) => refused.push((
                    name.clone(),
                    format!("'{value}' is not a date; use YYYY-MM-DD"),
                )),
            },
            "after" => match value.parse::<i64>() {
                Ok(seq) if seq >= 0 => query.after = seq,
                _ => refused.push((
                    name.clone(),
                    format!("'{value}' is not an event number (0 or more)"),
                )),
            },
            _ => refused.push((
                name.clone(),
                format!("is not a filter; filters: {}", PARAMETERS.join(", ")),
            )),
        }
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        refused.push(("to".to_owned(), format!("is before the start ({from})")));
    }
    // A day is taken whole: from its first moment to the first moment of the next, in UTC as
    // the trail records time.
    let start_of = |date: Date| date.to_zoned(TimeZone::UTC).ok().map(|day| day.timestamp());
    query.filter.since = from.and_then(start_of);
    query.filter.until = to.and_then(|to| to.tomorrow().ok()).and_then(start_of);
    if refused.is_empty() {
        Ok(query)
    } else {
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[track_caller]
    fn check(list: &[(&str, &str)], expect: Result<HistoryQuery, &[(&str, &str)]>) {
        let got = parse(&pairs(list));
        match expect {
            Ok(query) => assert_eq!(got, Ok(query), "{list:?}"),
            Err(refused) => assert_eq!(got, Err(pairs(refused)), "{list:?}"),
        }
    }

    fn at(text: &str) -> Option<jiff::Timestamp> {
        Some(text.parse().expect("timestamp"))
    }

    #[test]
    fn queries_are_read_or_refused_by_name() {
        check(&[], Ok(HistoryQuery::default()));
        check(
            &[("form", " "), ("field", ""), ("from", "")],
            Ok(HistoryQuery::default()),
        );
        check(
            &[
                ("form", "clasi"),
                ("field", "scalp_erythema"),
                ("user", "inv"),
                ("after", "500"),
            ],
            Ok(HistoryQuery {
                filter: EventFilter {
                    entity: Some("clasi".into()),
                    field: Some("scalp_erythema".into()),
                    actor: Some("inv".into()),
                    ..EventFilter::default()
                },
                after: 500,
            }),
        );
        // Both days whole; one day alone is the same day.
        check(
            &[("from", "2026-12-01"), ("to", "2026-12-01")],
            Ok(HistoryQuery {
                filter: EventFilter {
                    since: at("2026-12-01T00:00:00Z"),
                    until: at("2026-12-02T00:00:00Z"),
                    ..EventFilter::default()
                },
                after: 0,
            }),
        );
        check(
            &[("from", "2026-12-02"), ("to", "2026-12-01")],
            Err(&[("to", "is before the start (2026-12-02)")]),
        );
        check(
            &[("from", "1 Dec"), ("after", "-1"), ("sort", "asc")],
            Err(&[
                ("from", "'1 Dec' is not a date; use YYYY-MM-DD"),
                ("after", "'-1' is not an event number (0 or more)"),
                (
                    "sort",
                    "is not a filter; filters: form, field, user, from, to, after",
                ),
            ]),
        );
    }
}
