//! What every data-entry form shares: the values as typed (so a refused form comes back with
//! everything the user typed), a message per field, and the inputs that show both.
//!
//! Field names are the record's field names, so a refusal by the store (which names its field)
//! lands next to the input it is about.

use std::collections::BTreeMap;

use jiff::civil::Date;
use maud::{Markup, html};
use store::StoreError;

use crate::error::PageError;

/// A posted form: every value as typed, and the messages found so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct Typed {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    /// Someone else saved first: their version is shown beside this one.
    pub(crate) conflict: Option<String>,
}

impl Typed {
    /// The form as posted (a name given twice keeps its last value; checkboxes post "on").
    pub(crate) fn posted(pairs: Vec<(String, String)>) -> Typed {
        Typed {
            values: pairs.into_iter().collect(),
            ..Typed::default()
        }
    }

    /// A form filled from stored values.
    pub(crate) fn filled<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Typed {
        Typed::posted(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        )
    }

    pub(crate) fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |value| value.trim())
    }

    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    pub(crate) fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    pub(crate) fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.conflict.is_some()
    }

    /// Records a message next to `name` (the first message per field stays).
    pub(crate) fn fail(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_owned())
            .or_insert_with(|| message.into());
    }

    /// A required date, `YYYY-MM-DD`.
    pub(crate) fn date(&mut self, name: &str) -> Option<Date> {
        let text = self.get(name).to_owned();
        if text.is_empty() {
            self.fail(name, "Enter a date (YYYY-MM-DD).");
            return None;
        }
        self.optional_date(name).flatten()
    }

    /// An optional date: `Some(None)` when blank, `None` (with a message) when not a date.
    pub(crate) fn optional_date(&mut self, name: &str) -> Option<Option<Date>> {
        let text = self.get(name).to_owned();
        if text.is_empty() {
            return Some(None);
        }
        match text.parse::<Date>() {
            Ok(date) => Some(Some(date)),
            Err(_) => {
                self.fail(name, format!("'{text}' is not a date; use YYYY-MM-DD."));
                None
            }
        }
    }

    /// Required text.
    pub(crate) fn text(&mut self, name: &str, what: &str) -> Option<String> {
        let text = self.get(name).to_owned();
        if text.is_empty() {
            self.fail(name, format!("Enter {what}."));
            None
        } else {
            Some(text)
        }
    }

    /// Takes a refusal by the record onto the form: a field's message next to the field, a
    /// conflict beside the form. Anything else is not the user's to fix and stays an error.
    pub(crate) fn refused(&mut self, error: StoreError) -> Result<(), PageError> {
        match error {
            StoreError::Invalid { field, message } => self.fail(&field, message),
            StoreError::ReasonRequired => {
                self.fail("reason", "Give a reason for the change.");
            }
            StoreError::Conflict(conflict) => self.conflict = Some(conflict.to_string()),
            StoreError::AuthenticationFailed => {
                self.fail("password", "The password is not right.");
            }
            other => return Err(other.into()),
        }
        Ok(())
    }

    /// A labelled input with its value as typed and its message.
    pub(crate) fn input(&self, name: &str, label: &str, kind: &str) -> Markup {
        let value = if kind == "password" {
            ""
        } else {
            self.get(name)
        };
        self.field(
            name,
            label,
            html! {
                input id=(name) name=(name) type=(kind) value=(value)
                    step=[(kind == "number").then_some("any")]
                    aria-invalid=[self.error(name).map(|_| "true")]
                    aria-describedby=[self.error(name).map(|_| format!("{name}-error"))];
            },
        )
    }

    /// A labelled choice of `(value, text)` options, the typed one selected.
    pub(crate) fn select(&self, name: &str, label: &str, options: &[(&str, &str)]) -> Markup {
        self.field(name, label, self.bare_select(name, label, options))
    }

    /// A choice without its own label (inside a grid whose headers label it).
    pub(crate) fn bare_select(&self, name: &str, label: &str, options: &[(&str, &str)]) -> Markup {
        html! {
            select id=(name) name=(name) aria-label=(label)
                aria-invalid=[self.error(name).map(|_| "true")] {
                @for (value, text) in options {
                    option value=(value) selected[self.get(name) == *value] { (text) }
                }
            }
        }
    }

    /// A checkbox with its label after it.
    pub(crate) fn checkbox(&self, name: &str, label: &str) -> Markup {
        html! {
            label.check {
                input type="checkbox" name=(name) checked[self.checked(name)];
                " " (label)
            }
        }
    }

    fn field(&self, name: &str, label: &str, control: Markup) -> Markup {
        html! {
            div.field {
                label for=(name) { (label) }
                (control)
                @if let Some(message) = self.error(name) {
                    p.error id={ (name) "-error" } { (message) }
                }
            }
        }
    }

    /// The messages of fields the form shows nowhere else (and the conflict), above the form.
    pub(crate) fn summary(&self, shown: &[&str]) -> Markup {
        let others: Vec<_> = self
            .errors
            .iter()
            .filter(|(name, _)| !shown.contains(&name.as_str()))
            .collect();
        html! {
            @if self.has_errors() {
                div.alert role="alert" {
                    p { strong { "Not saved." } " Correct the fields marked below; everything you typed is kept." }
                    @for (name, message) in others {
                        p.error { (name.replace('_', " ")) ": " (message) }
                    }
                    @if let Some(conflict) = &self.conflict {
                        p.error { "Someone else saved first: " (conflict) }
                    }
                }
            }
        }
    }
}

/// The hidden fields every state-changing form carries.
pub(crate) fn token(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}
