//! Why the record refused an input, kept as a message of the catalogue (`words`, ids
//! `refusal-*`) and its arguments rather than as English text, so that a page says it in its
//! reader's language. `Display` says it in English: the API, the CLI and the import report it so.

use std::fmt;

use words::{Arg, Language, Words};

use crate::Role;

/// A refusal: the catalogue's message `id` and the values put into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    id: &'static str,
    args: Vec<(&'static str, Part)>,
}

/// A value put into a refusal. Text is said as it stands, so numbers and dates are formatted
/// before they are given (English stays as it was); codes are said by the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    /// A code said as the catalogue's message `<group>-<code>` (`field-actual_date`,
    /// `role-monitor`), or as itself where the catalogue has none.
    Coded {
        group: String,
        code: String,
    },
    /// Phrases of their own (`refusal-*` too), said in the same language and joined by ", ".
    Phrases(Vec<Refusal>),
}

impl Refusal {
    /// The refusal `id` of the catalogue, its arguments added by the methods below.
    pub(crate) fn of(id: &'static str) -> Refusal {
        Refusal {
            id,
            args: Vec::new(),
        }
    }

    /// Words that are not the catalogue's, said as given in every language: another crate's
    /// error (its crate does not speak from the catalogue), or a message of the CLI.
    pub fn untranslated(text: impl fmt::Display) -> Refusal {
        Refusal::of("refusal-untranslated").with("text", text)
    }

    /// With `$name` as text: a date, a number, what the user typed.
    pub(crate) fn with(self, name: &'static str, value: impl fmt::Display) -> Refusal {
        self.part(name, Part::Text(value.to_string()))
    }

    /// With `$name` the field `field`, in words.
    pub(crate) fn field(self, name: &'static str, field: &str) -> Refusal {
        self.coded(name, "field", field)
    }

    /// With `$name` the kind of record `kind`, in words.
    pub(crate) fn record(self, name: &'static str, kind: &str) -> Refusal {
        self.coded(name, "record", kind)
    }

    /// With `$name` the coded value `code` of `field`, in words.
    pub(crate) fn value(self, name: &'static str, field: &str, code: &str) -> Refusal {
        self.coded(name, &format!("value-{field}"), code)
    }

    /// With `$name` the role `role`, in words.
    pub(crate) fn role(self, name: &'static str, role: Role) -> Refusal {
        self.coded(name, "role", role.as_str())
    }

    fn coded(self, name: &'static str, group: &str, code: &str) -> Refusal {
        self.part(
            name,
            Part::Coded {
                group: group.to_owned(),
                code: code.to_owned(),
            },
        )
    }

    /// With `$name` a phrase of its own.
    pub(crate) fn phrase(self, name: &'static str, phrase: Refusal) -> Refusal {
        self.phrases(name, vec![phrase])
    }

    /// With `$name` a list of phrases, joined by ", ".
    pub(crate) fn phrases(self, name: &'static str, phrases: Vec<Refusal>) -> Refusal {
        self.part(name, Part::Phrases(phrases))
    }

    fn part(mut self, name: &'static str, part: Part) -> Refusal {
        self.args.push((name, part));
        self
    }

    /// The catalogue's id of the message.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The refusal in the language of `words`.
    pub fn said(&self, words: &Words) -> String {
        let args: Vec<(&str, Arg<'_>)> = self
            .args
            .iter()
            .map(|(name, part)| {
                let text = match part {
                    Part::Text(text) => text.clone(),
                    Part::Coded { group, code } => {
                        let id = format!("{group}-{code}");
                        if words.has(&id) {
                            words.get(&id)
                        } else {
                            code.clone()
                        }
                    }
                    Part::Phrases(phrases) => phrases
                        .iter()
                        .map(|phrase| phrase.said(words))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                (*name, Arg::from(text))
            })
            .collect();
        words.format(self.id, &args)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said(Words::of(Language::English)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeSet;
    use std::path::Path;

    /// The `refusal-*` ids named in the store's source files under `dir`.
    fn named_in(dir: &Path, ids: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("source entry").path();
            if path.is_dir() {
                named_in(&path, ids);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                for (start, _) in text.match_indices("\"refusal-") {
                    let id = &text[start + 1..];
                    let id = &id[..id.find('"').expect("closed literal")];
                    // This test's own needle is the prefix alone.
                    if id != "refusal-" {
                        ids.insert(id.to_owned());
                    }
                }
            }
        }
    }

    /// Every refusal the store names is in the catalogue (a missing one would show as its id),
    /// and the catalogue keeps no refusal the store no longer names.
    #[test]
    fn the_store_s_refusals_and_the_catalogue_s_are_the_same() {
        let mut named = BTreeSet::new();
        named_in(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut named,
        );
        let english = Words::of(Language::English);
        let missing: Vec<_> = named.iter().filter(|id| !english.has(id)).collect();
        assert!(missing.is_empty(), "en.ftl lacks {missing:?}");
        let catalogue: BTreeSet<String> = include_str!("../../words/locales/en.ftl")
            .lines()
            .filter(|line| line.starts_with("refusal-"))
            .filter_map(|line| line.split_once(" =").map(|(id, _)| id.to_owned()))
            .collect();
        let unused: Vec<_> = catalogue.difference(&named).collect();
        assert!(
            unused.is_empty(),
            "en.ftl has refusals the store never names: {unused:?}"
        );
    }

    #[test]
    fn a_refusal_says_its_codes_and_phrases_in_the_reader_s_words() {
        let refusal = Refusal::of("refusal-would-invalidate")
            .record("record", "adverse_event")
            .with("id", 3)
            .phrase(
                "why",
                Refusal::of("refusal-of-field")
                    .field("field", "end_date")
                    .phrase(
                        "refusal",
                        Refusal::of("refusal-end-before-start")
                            .with("end", "2026-01-01")
                            .with("start", "2026-02-01"),
                    ),
            );
        assert_eq!(
            refusal.to_string(),
            "the change would make adverse event 3 invalid \
             (end date: 2026-01-01 is before the start (2026-02-01))"
        );
        assert_eq!(
            refusal.said(Words::of(Language::Spanish)),
            "el cambio invalidaría acontecimiento adverso 3 \
             (fecha de fin: 2026-01-01 es anterior al inicio (2026-02-01))"
        );
        let role = Refusal::of("refusal-role-held")
            .with("login", "ana")
            .role("role", Role::Monitor)
            .with("site", "S01");
        assert_eq!(role.to_string(), "ana already holds monitor at S01");
        let untranslated = Refusal::untranslated("as the CLI says it");
        assert_eq!(
            untranslated.said(Words::of(Language::Spanish)),
            "as the CLI says it"
        );
    }
}
