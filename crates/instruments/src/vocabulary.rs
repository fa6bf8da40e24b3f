//! Matching typed text against a coded vocabulary (CTCAE terms, lab tests, later drugs and
//! frequencies), the same way everywhere.
//!
//! An entry is named by its canonical id (`peripheral_sensory_neuropathy`) or its printed text
//! ("Peripheral sensory neuropathy"), in any case and spacing: both sides are compared in their
//! [`normalise`]d form, so no rule can depend on how a word was typed. Anything else is refused
//! with an [`Unknown`] that names the [`nearest`] entries.
//!
//! Symbols are not vocabularies: a lab unit stays exact apart from case and surrounding
//! whitespace (`ctcae::LabUnit`), because dropping its punctuation would make `mm3` read as
//! `/mm3`.

use std::cmp::Ordering;
use std::fmt;

/// How many nearest entries an [`Unknown`] names.
pub const NEAREST: usize = 3;

/// The form in which names are compared: lowercase; every run of characters that are not
/// alphanumeric (spaces, underscores, hyphens, commas, slashes, parentheses ...) becomes one
/// space; no space at either end. "  PERIPHERAL  sensory-neuropathy " and
/// "peripheral_sensory_neuropathy" both give "peripheral sensory neuropathy".
pub fn normalise(text: &str) -> String {
    // Lowercase first, so that what lowercasing produces is split like the rest.
    let lower = text.to_lowercase();
    let mut normal = String::with_capacity(lower.len());
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.push_str(word);
    }
    normal
}

/// The canonical id of a name: its [`normalise`]d form with `_` between words
/// ("Peripheral sensory neuropathy" -> `peripheral_sensory_neuropathy`).
pub fn id_of(text: &str) -> String {
    normalise(text).replace(' ', "_")
}

/// The entry of a small vocabulary whose name matches `text` after [`normalise`]; otherwise an
/// [`Unknown`] naming the [`NEAREST`] names. Large vocabularies (CTCAE) keep a map from
/// normalised name to entry instead, and refuse through [`Unknown::among`] the same way.
pub fn find<'a, T: Copy>(
    vocabulary: &'static str,
    text: &str,
    entries: impl IntoIterator<Item = (&'a str, T)> + Clone,
) -> Result<T, Unknown> {
    let wanted = normalise(text);
    entries
        .clone()
        .into_iter()
        .find(|(name, _)| normalise(name) == wanted)
        .map(|(_, value)| value)
        .ok_or_else(|| Unknown::among(vocabulary, text, entries.into_iter().map(|(name, _)| name)))
}

/// The `n` entries whose names are nearest to `text`, nearest first; nothing when `text` has no
/// letter or digit. Names and text are compared [`normalise`]d. The order, so that useful
/// suggestions come first:
/// 1. names holding the text as whole words ("neuropathy" in "peripheral motor neuropathy"),
///    then names the text holds as whole words ("nausea" in "nausea and vomiting"), then names
///    holding the text at the start of a word ("neutro" in "febrile neutropenia"), then the
///    rest;
/// 2. the closest stretch of as many words of the name as the text has, by normalised
///    Damerau-Levenshtein similarity ("neurophaty" is 0.8 from the word "neuropathy");
/// 3. the whole name by the same similarity, with its words in the order typed or both sorted
///    ("neuropathy peripheral sensory"): of two names equally close by 2., the one nearer as a
///    whole (usually the shorter) first;
/// 4. the normalised name, then the order given: the result is deterministic.
pub fn nearest<'a, T: Copy>(
    text: &str,
    entries: impl IntoIterator<Item = (&'a str, T)>,
    n: usize,
) -> Vec<T> {
    let wanted = normalise(text);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut ranked: Vec<(Closeness, String, T)> = entries
        .into_iter()
        .map(|(name, value)| {
            let name = normalise(name);
            (Closeness::of(&wanted, &name), name, value)
        })
        .collect();
    // A stable sort: equal names keep the order given.
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(n)
        .map(|(.., value)| value)
        .collect()
}

/// How a name and the typed text overlap, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Overlap {
    /// The name holds the text as whole words.
    TextInName,
    /// The text holds the name as whole words.
    NameInText,
    /// The name holds the text at the start of a word.
    WordStart,
    None,
}

impl Overlap {
    fn of(wanted: &str, name: &str) -> Overlap {
        let (name_words, wanted_words) = (format!(" {name} "), format!(" {wanted} "));
        if name_words.contains(&wanted_words) {
            Overlap::TextInName
        } else if wanted_words.contains(&name_words) {
            Overlap::NameInText
        } else if name_words.contains(wanted_words.trim_end()) {
            Overlap::WordStart
        } else {
            Overlap::None
        }
    }
}

/// How near a normalised name is to the normalised text; smaller is nearer.
#[derive(Clone, Copy, Debug)]
struct Closeness {
    overlap: Overlap,
    /// Similarity (0 to 1) of the closest run of as many words of the name as the text has,
    /// or of the whole name if that is closer.
    words: f64,
    /// Similarity (0 to 1) of the whole name, in the order typed or with both sorted.
    whole: f64,
}

impl Closeness {
    fn of(wanted: &str, name: &str) -> Closeness {
        let whole = strsim::normalized_damerau_levenshtein(wanted, name).max(
            strsim::normalized_damerau_levenshtein(&sorted(wanted), &sorted(name)),
        );
        let width = wanted.split(' ').count();
        let names: Vec<&str> = name.split(' ').collect();
        let words = names
            .windows(width)
            .map(|run| strsim::normalized_damerau_levenshtein(wanted, &run.join(" ")))
            .fold(whole, f64::max);
        Closeness {
            overlap: Overlap::of(wanted, name),
            words,
            whole,
        }
    }
}

impl Ord for Closeness {
    fn cmp(&self, other: &Self) -> Ordering {
        self.overlap
            .cmp(&other.overlap)
            .then_with(|| other.words.total_cmp(&self.words))
            .then_with(|| other.whole.total_cmp(&self.whole))
    }
}

impl PartialOrd for Closeness {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Closeness {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Closeness {}

/// The words of a normalised name in alphabetical order, so that words typed in another order
/// are near.
fn sorted(normal: &str) -> String {
    let mut words: Vec<&str> = normal.split(' ').collect();
    words.sort_unstable();
    words.join(" ")
}

/// Text that names no entry of a vocabulary, with the entries nearest to it. Displayed as
/// `unknown CTCAE v5.0 term 'neurophaty'; nearest: Peripheral motor neuropathy, ...`, or
/// `...; none is near` when there is nothing to suggest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} '{text}'; {}", NearestText(.nearest))]
pub struct Unknown {
    /// What was looked up, as a phrase: "CTCAE v5.0 term", "lab test".
    pub vocabulary: &'static str,
    /// The text as typed.
    pub text: String,
    /// The [`NEAREST`] names nearest to the text, nearest first.
    pub nearest: Vec<String>,
}

impl Unknown {
    /// `text` refused by `vocabulary`, naming the [`NEAREST`] of `names` nearest to it.
    pub fn among<'a>(
        vocabulary: &'static str,
        text: &str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Unknown {
        let names = names.into_iter().map(|name| (name, name));
        Unknown {
            vocabulary,
            text: text.to_owned(),
            nearest: nearest(text, names, NEAREST)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }
    }
}

struct NearestText<'a>(&'a [String]);

impl fmt::Display for NearestText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("none is near")
        } else {
            write!(f, "nearest: {}", self.0.join(", "))
        }
    }
}
