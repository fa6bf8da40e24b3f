//! Every word cletrial shows a user, from one catalogue per language: the names of kinds of
//! record and of their fields, coded values as a clinician says them, CLASI's areas. The
//! catalogues are Project Fluent files (`locales/*.ftl`) compiled in, so a translator edits text
//! and never code, and the program reads no file at run time.
//!
//! An id the catalogue lacks comes back as itself: visible, so the test that walks every page
//! finds it, and never a blank where a word should be. Every catalogue defines the same ids (a
//! test compares them), so a missing translation fails the tests rather than showing an id.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::{LanguageIdentifier, langid};

/// A value put into a message (`{ $count }`): text or a number, so plurals are chosen by number.
pub use fluent_bundle::FluentValue as Arg;

/// A language cletrial speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    English,
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The language's BCP 47 code, as `<html lang>` and the language cookie hold it.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The language of a code (`es`, `es-ES`, `EN-gb`): its primary subtag, in any case.
    pub fn of_code(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next()?;
        Language::ALL
            .into_iter()
            .find(|language| primary.eq_ignore_ascii_case(language.code()))
    }

    /// The first language cletrial speaks among an `Accept-Language` header's ranges, by
    /// q-value (RFC 9110 §12.5.4; equal q-values in the order given). A range with a malformed
    /// or zero q-value is not accepted, and `*` chooses nothing (the caller's default applies).
    pub fn preferred(accept_language: &str) -> Option<Language> {
        let mut ranges: Vec<(u16, Language)> = accept_language
            .split(',')
            .filter_map(|range| {
                let mut parts = range.split(';');
                let language = Language::of_code(parts.next()?)?;
                let mut quality = 1000;
                for parameter in parts {
                    let (name, value) = parameter.split_once('=')?;
                    if name.trim().eq_ignore_ascii_case("q") {
                        quality = thousandths(value.trim())?;
                    }
                }
                (quality > 0).then_some((quality, language))
            })
            .collect();
        // Stable: among equal q-values the header's order stands.
        ranges.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
        ranges.first().map(|(_, language)| *language)
    }
}

/// A q-value (`0.9`, `1`, `1.000`) in thousandths; anything else is `None`.
fn thousandths(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
    }
}

/// One language's catalogue.
pub struct Words {
    language: Language,
    bundle: FluentBundle<FluentResource>,
}

static ENGLISH: LazyLock<Words> =
    LazyLock::new(|| Words::parse(Language::English, include_str!("../locales/en.ftl")));
static SPANISH: LazyLock<Words> =
    LazyLock::new(|| Words::parse(Language::Spanish, include_str!("../locales/es.ftl")));

impl Words {
    /// The catalogue of `language`.
    pub fn of(language: Language) -> &'static Words {
        match language {
            Language::English => &ENGLISH,
            Language::Spanish => &SPANISH,
        }
    }

    /// The compiled-in catalogue; its test proves it parses, so a broken one never ships.
    fn parse(language: Language, text: &str) -> Words {
        let resource =
            FluentResource::try_new(text.to_owned()).unwrap_or_else(|(resource, _)| resource);
        let identifier: LanguageIdentifier = match language {
            Language::English => langid!("en"),
            Language::Spanish => langid!("es"),
        };
        let mut bundle = FluentBundle::new_concurrent(vec![identifier]);
        // Pages are HTML, escaped by the template: no bidirectional isolation marks.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Words { language, bundle }
    }

    /// The language the catalogue speaks.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Whether the catalogue has `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The text of `id`, or `id` itself when the catalogue lacks it.
    pub fn get(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The text of `id` with its arguments (`format("login-failed", &[("count", 2.into())])`),
    /// or `id` itself when the catalogue lacks it. An argument the message does not name is
    /// left out; one it names and is not given shows as `{$name}`, visible.
    pub fn format(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(pattern) = self
            .bundle
            .get_message(id)
            .and_then(|message| message.value())
        else {
            return id.to_owned();
        };
        let args: FluentArgs = args
            .iter()
            .map(|(name, value)| (*name, value.clone()))
            .collect();
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned()
    }

    /// A kind of record (`adverse_event`: "adverse event").
    pub fn record(&self, kind: &str) -> String {
        self.coded("record", kind)
    }

    /// A field of a record (`nose_malar_erythema`: "Nose (incl. malar area): erythema").
    pub fn field(&self, field: &str) -> String {
        self.coded("field", field)
    }

    /// A coded value of `field` (`action_taken`, `dose_not_changed`: "dose not changed").
    pub fn value(&self, field: &str, code: &str) -> String {
        self.coded(&format!("value-{field}"), code)
    }

    fn coded(&self, group: &str, code: &str) -> String {
        let id = format!("{group}-{code}");
        if self.has(&id) {
            self.get(&id)
        } else {
            code.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeSet;

    use fluent_syntax::ast::Entry;

    /// The ids a catalogue defines, after checking it parses whole and defines none twice.
    fn ids(name: &str, text: &str) -> BTreeSet<String> {
        let resource = match FluentResource::try_new(text.to_owned()) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{name}: {errors:?}"),
        };
        let ids = resource
            .entries()
            .filter_map(|entry| match entry {
                Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect();
        let mut bundle = FluentBundle::new_concurrent(vec![langid!("en")]);
        if let Err(errors) = bundle.add_resource(resource) {
            panic!("{name} defines an id twice: {errors:?}");
        }
        ids
    }

    #[test]
    fn the_catalogues_parse_whole_and_name_the_same_ids() {
        let english = ids("en.ftl", include_str!("../locales/en.ftl"));
        let spanish = ids("es.ftl", include_str!("../locales/es.ftl"));
        let untranslated: Vec<_> = english.difference(&spanish).collect();
        let unknown: Vec<_> = spanish.difference(&english).collect();
        assert!(untranslated.is_empty(), "es.ftl lacks {untranslated:?}");
        assert!(
            unknown.is_empty(),
            "es.ftl has ids en.ftl lacks: {unknown:?}"
        );
    }

    #[test]
    fn the_browser_s_languages_are_read_by_q_value() {
        let check = |header: &str, expect: Option<Language>| {
            assert_eq!(Language::preferred(header), expect, "{header}");
        };
        check("es-ES,es;q=0.9", Some(Language::Spanish));
        check("en-GB,en;q=0.9,es;q=0.8", Some(Language::English));
        check("fr-FR, es;q=0.5, en;q=0.4", Some(Language::Spanish));
        check("en;q=0.2, ES;Q=0.7", Some(Language::Spanish));
        check("ca, es;q=0.8, en;q=0.8", Some(Language::Spanish));
        check("es;q=0, en;q=0.1", Some(Language::English));
        check("es;q=2, en;q=0.1", Some(Language::English));
        check("es;q=abc", None);
        check("fr, de", None);
        check("*", None);
        check("", None);
        assert_eq!(Language::of_code("es_ES"), Some(Language::Spanish));
        assert_eq!(Language::of_code("spanish"), None);
    }

    #[track_caller]
    fn check(got: String, expect: &str) {
        assert_eq!(got, expect);
    }

    #[test]
    fn ids_read_as_words_and_unknown_ids_show_through() {
        let words = Words::of(Language::English);
        check(words.record("adverse_event"), "adverse event");
        check(
            words.field("nose_malar_erythema"),
            "Nose (incl. malar area): erythema",
        );
        check(
            words.value("action_taken", "dose_not_changed"),
            "dose not changed",
        );
        check(words.value("missing", "not_done"), "not done");
        check(words.get("action-update"), "changed");
        check(words.field("no_such_field"), "no_such_field");
        check(words.value("sex", "X"), "X");
        check(words.get("no-such-id"), "no-such-id");
        let spanish = Words::of(Language::Spanish);
        check(spanish.value("sex", "F"), "mujer");
        check(spanish.get("action-update"), "modificado");
    }

    #[test]
    fn arguments_are_put_in_their_place() {
        let words = Words::parse(
            Language::English,
            "attempts = { $count ->\n    [one] one attempt\n   *[other] { $count } attempts\n} by { $login }\n",
        );
        check(
            words.format("attempts", &[("count", 1.into()), ("login", "ana".into())]),
            "one attempt by ana",
        );
        check(
            words.format("attempts", &[("count", 3.into()), ("login", "ana".into())]),
            "3 attempts by ana",
        );
        check(
            words.format("attempts", &[]),
            "{$count} attempts by {$login}",
        );
    }
}
