//! Every word cletrial shows a user, from one catalogue per language: the names of kinds of
//! record and of their fields, coded values as a clinician says them, CLASI's areas. The
//! catalogues are Project Fluent files (`locales/*.ftl`) compiled in, so a translator edits text
//! and never code, and the program reads no file at run time.
//!
//! An id the catalogue lacks comes back as itself: visible, so the test that walks every page
//! finds it, and never a blank where a word should be.

use std::sync::LazyLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use unic_langid::{LanguageIdentifier, langid};

/// A language cletrial speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
}

/// One language's catalogue.
pub struct Words {
    bundle: FluentBundle<FluentResource>,
}

static ENGLISH: LazyLock<Words> =
    LazyLock::new(|| Words::parse(langid!("en"), include_str!("../locales/en.ftl")));

impl Words {
    /// The catalogue of `language`.
    pub fn of(language: Language) -> &'static Words {
        match language {
            Language::English => &ENGLISH,
        }
    }

    /// The compiled-in catalogue; its test proves it parses, so a broken one never ships.
    fn parse(language: LanguageIdentifier, text: &str) -> Words {
        let resource =
            FluentResource::try_new(text.to_owned()).unwrap_or_else(|(resource, _)| resource);
        let mut bundle = FluentBundle::new_concurrent(vec![language]);
        // Pages are HTML, escaped by the template: no bidirectional isolation marks.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Words { bundle }
    }

    /// Whether the catalogue has `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The text of `id`, or `id` itself when the catalogue lacks it.
    pub fn get(&self, id: &str) -> String {
        let Some(pattern) = self
            .bundle
            .get_message(id)
            .and_then(|message| message.value())
        else {
            return id.to_owned();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, None, &mut errors)
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

    #[test]
    fn the_english_catalogue_parses_whole() {
        let text = include_str!("../locales/en.ftl");
        if let Err((_, errors)) = FluentResource::try_new(text.to_owned()) {
            panic!("en.ftl: {errors:?}");
        }
        let mut bundle = FluentBundle::new_concurrent(vec![langid!("en")]);
        let resource = FluentResource::try_new(text.to_owned()).expect("parsed above");
        if let Err(errors) = bundle.add_resource(resource) {
            panic!("en.ftl defines an id twice: {errors:?}");
        }
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
    }
}
