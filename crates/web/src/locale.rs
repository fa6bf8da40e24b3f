//! The reader of a request: the language its pages speak and the time zone their times are shown
//! in. A middleware layer reads them from the request once and keeps them for the request's task
//! (`READER`), so a page asks `pages::words()` or [`time`] without a parameter threaded through
//! every function; outside a request (unit tests, the CLI) the reader is English in UTC.

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;
use jiff::tz::TimeZone;
use words::{Arg, Language, Words};

use crate::session;

/// The user's own choice of language (`en`, `es`); without it the browser's `Accept-Language`
/// decides. A display preference, not clinical data, so a cookie and not the record.
pub(crate) const LANGUAGE_COOKIE: &str = "lang";

/// The browser's time zone as `static/app.js` reads it (`Europe/Madrid`).
pub(crate) const ZONE_COOKIE: &str = "tz";

/// Who reads the pages of a request.
#[derive(Clone, Debug)]
pub(crate) struct Reader {
    pub(crate) language: Language,
    zone: TimeZone,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader {
            language: Language::English,
            zone: TimeZone::UTC,
        }
    }
}

tokio::task_local! {
    static READER: Reader;
}

impl Reader {
    /// The language cookie if it names a language, else the first of `Accept-Language` that
    /// cletrial speaks, else English; the zone cookie if it names a zone of the time zone
    /// database, else UTC. A bad value is ignored, never refused.
    fn of(headers: &HeaderMap) -> Reader {
        let chosen = session::cookie(headers, LANGUAGE_COOKIE).and_then(Language::of_code);
        let browser = || {
            headers
                .get_all(ACCEPT_LANGUAGE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(Language::preferred)
        };
        let zone = session::cookie(headers, ZONE_COOKIE)
            .filter(|name| is_zone_name(name))
            .and_then(|name| TimeZone::get(name).ok())
            .unwrap_or(TimeZone::UTC);
        Reader {
            language: chosen.or_else(browser).unwrap_or_default(),
            zone,
        }
    }
}

/// Whether `name` looks like an IANA zone name (`America/Argentina/Buenos_Aires`, `Etc/GMT+1`):
/// the database is asked only about such names, never about a path.
fn is_zone_name(name: &str) -> bool {
    name.len() <= 64
        && !name.contains("..")
        && !name.starts_with('/')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
}

/// The middleware that makes the request's reader current while it is answered.
pub(crate) async fn scope(request: Request, next: Next) -> Response {
    let reader = Reader::of(request.headers());
    READER.scope(reader, next.run(request)).await
}

/// Runs `work` for the request's reader in `language` instead (a patient's page chooses its
/// language by its address, `?lang=es`, not by a cookie of staff's).
pub(crate) async fn speaking<F: std::future::Future>(language: Language, work: F) -> F::Output {
    let reader = Reader {
        language,
        ..reader()
    };
    READER.scope(reader, work).await
}

/// The reader of the request being answered (English in UTC outside one).
pub(crate) fn reader() -> Reader {
    READER.try_with(Reader::clone).unwrap_or_default()
}

/// The catalogue of the request's language.
pub(crate) fn words() -> &'static Words {
    Words::of(reader().language)
}

/// A moment as its reader reads it: in their time zone, months in their language
/// (`6 Dec 2026, 14:05`, `6 dic 2026, 14:05`), and "UTC" said when that is the zone. Dates of
/// clinical events (a visit, a lab's collection) are days, not moments, and stay ISO
/// (`2026-12-06`) as on the paper forms: unambiguous in every language.
pub(crate) fn time(at: jiff::Timestamp) -> String {
    let reader = reader();
    let local = at.to_zoned(reader.zone.clone());
    let month = Words::of(reader.language).get(&format!("month-{}", local.month()));
    // A reader in London reads local time unlabelled; one whose zone is not known reads UTC, said.
    let utc = reader
        .zone
        .iana_name()
        .is_none_or(|name| matches!(name, "UTC" | "Etc/UTC"));
    let zone = if utc { " UTC" } else { "" };
    Words::of(reader.language).format(
        "date-time",
        &[
            ("day", Arg::from(local.day().to_string())),
            ("month", Arg::from(month)),
            ("year", Arg::from(local.year().to_string())),
            (
                "time",
                Arg::from(format!("{}{zone}", local.strftime("%H:%M"))),
            ),
        ],
    )
}

/// A time the record wrote down (RFC 3339, to the microsecond) as its reader reads it; text that
/// is no such time is shown as it is rather than hidden.
pub(crate) fn recorded(recorded_at: &str) -> String {
    recorded_at
        .parse::<jiff::Timestamp>()
        .map_or_else(|_| recorded_at.to_owned(), time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().expect("header value"));
        }
        headers
    }

    #[test]
    fn the_setting_comes_before_the_browser_and_bad_values_are_ignored() {
        let language = |pairs: &[(&'static str, &str)]| Reader::of(&headers(pairs)).language;
        assert_eq!(language(&[]), Language::English);
        assert_eq!(
            language(&[("accept-language", "es-ES,es;q=0.9")]),
            Language::Spanish
        );
        assert_eq!(
            language(&[("accept-language", "es"), ("cookie", "lang=en")]),
            Language::English
        );
        assert_eq!(
            language(&[("accept-language", "es"), ("cookie", "lang=klingon")]),
            Language::Spanish
        );
        assert_eq!(language(&[("cookie", "a=b; lang=es")]), Language::Spanish);
    }

    #[test]
    fn times_are_shown_in_the_reader_s_zone_and_words() {
        let at: jiff::Timestamp = "2026-12-06T13:05:00Z".parse().expect("timestamp");
        let shown = |pairs: &[(&'static str, &str)]| {
            let reader = Reader::of(&headers(pairs));
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime");
            runtime.block_on(READER.scope(reader, async move { time(at) }))
        };
        assert_eq!(time(at), "6 Dec 2026, 13:05 UTC");
        assert_eq!(
            shown(&[("cookie", "lang=es; tz=Europe/Madrid")]),
            "6 dic 2026, 14:05"
        );
        assert_eq!(
            shown(&[("cookie", "tz=America/New_York")]),
            "6 Dec 2026, 08:05"
        );
        for bad in ["tz=Mars/Olympus", "tz=../../etc/passwd", "tz="] {
            assert_eq!(shown(&[("cookie", bad)]), "6 Dec 2026, 13:05 UTC");
        }
    }
}
