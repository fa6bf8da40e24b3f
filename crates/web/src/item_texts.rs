//! The questions' texts of the outcome instruments, as the study supplies them: the texts are
//! copyrighted (DLQI © Finlay and Khan; Skindex-29 © Chren), so cletrial ships item ids and
//! scoring only, and the study gives the texts its licence covers (`cletrial serve
//! --item-texts FILE`, a table per language code of "item id = text"). A page shows an item by
//! its id, followed by its text in the reader's language when the study supplied one.

use std::collections::BTreeMap;

use words::Language;

/// Texts by language and item id; empty when the study supplied none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemTexts {
    /// By the language's code (`en`, `es`).
    by_language: BTreeMap<&'static str, BTreeMap<String, String>>,
}

/// Why a file of item texts was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ItemTextsError {
    #[error("[{0}] is not a language cletrial speaks; allowed: en, es")]
    Language(String),
    #[error("{language}.{item} is not an item of any outcome instrument")]
    Item { language: String, item: String },
    #[error("{language}.{item} is empty")]
    Empty { language: String, item: String },
}

impl ItemTexts {
    /// The texts read from a study's file: language code -> item id -> text. Refuses a
    /// language cletrial does not speak and an item id no instrument has, so a typo is never a
    /// question shown without its text.
    pub fn new(
        tables: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Result<ItemTexts, ItemTextsError> {
        let known = instruments::questionnaire::every_item_id();
        let mut by_language = BTreeMap::new();
        for (code, texts) in tables {
            let language =
                Language::of_code(&code).ok_or_else(|| ItemTextsError::Language(code.clone()))?;
            for (item, text) in &texts {
                if !known.contains(item) {
                    return Err(ItemTextsError::Item {
                        language: code.clone(),
                        item: item.clone(),
                    });
                }
                if text.trim().is_empty() {
                    return Err(ItemTextsError::Empty {
                        language: code.clone(),
                        item: item.clone(),
                    });
                }
            }
            by_language.insert(language.code(), texts);
        }
        Ok(ItemTexts { by_language })
    }

    /// The text of `item` in `language`, when the study supplied it.
    pub fn text(&self, language: Language, item: &str) -> Option<&str> {
        self.by_language
            .get(language.code())?
            .get(item)
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.by_language.values().all(BTreeMap::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(pairs: &[(&str, &str, &str)]) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut tables: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (language, item, text) in pairs {
            tables
                .entry((*language).to_owned())
                .or_default()
                .insert((*item).to_owned(), (*text).to_owned());
        }
        tables
    }

    #[test]
    fn texts_are_checked_and_found_by_language() {
        let check = |pairs: &[(&str, &str, &str)], expect: Result<(), &str>| {
            let got = ItemTexts::new(tables(pairs))
                .map(drop)
                .map_err(|error| error.to_string());
            assert_eq!(got, expect.map_err(str::to_owned), "{pairs:?}");
        };
        check(
            &[
                ("en", "DLQI01", "Placeholder one"),
                ("es", "L3", "Marcador"),
            ],
            Ok(()),
        );
        check(
            &[("fr", "DLQI01", "Question")],
            Err("[fr] is not a language cletrial speaks; allowed: en, es"),
        );
        check(
            &[("en", "DLQI11", "Question")],
            Err("en.DLQI11 is not an item of any outcome instrument"),
        );
        check(&[("en", "S01", " ")], Err("en.S01 is empty"));
        let texts = ItemTexts::new(tables(&[("es", "ITCHNRS", "Picor")])).expect("valid");
        assert_eq!(texts.text(Language::Spanish, "ITCHNRS"), Some("Picor"));
        assert_eq!(texts.text(Language::English, "ITCHNRS"), None);
        assert!(ItemTexts::default().is_empty());
    }
}
