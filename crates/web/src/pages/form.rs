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

/// A form as posted: its fields in order, repeated names kept.
pub(crate) type Posted = axum::Form<Vec<(String, String)>>;

/// A posted form: every value as typed, and the messages found so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct Typed {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    /// Someone else saved first: their version is shown beside this one.
    pub(crate) conflict: Option<String>,
    /// Prefixes the element ids of a form that shares field names with another on its page
    /// (`sledai-assessed_on` beside the CLASI's `assessed_on`): ids stay unique, names stay the
    /// record's.
    scope: Option<&'static str>,
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

    /// The form with its element ids prefixed by `scope`.
    pub(crate) fn scoped(mut self, scope: &'static str) -> Typed {
        self.scope = Some(scope);
        self
    }

    /// The element id of field `name`.
    pub(crate) fn id(&self, name: &str) -> String {
        match self.scope {
            Some(scope) => format!("{scope}-{name}"),
            None => name.to_owned(),
        }
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

    /// The names of the fields with a message.
    pub(crate) fn refused_names(&self) -> impl Iterator<Item = &str> {
        self.errors.keys().map(String::as_str)
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
            self.fail(name, crate::pages::words().get("form-enter-date"));
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
                let message =
                    crate::pages::words().format("form-not-a-date", &[("text", text.into())]);
                self.fail(name, message);
                None
            }
        }
    }

    /// Required text.
    pub(crate) fn text(&mut self, name: &str, what: &str) -> Option<String> {
        let text = self.get(name).to_owned();
        if text.is_empty() {
            self.fail(
                name,
                crate::pages::words().format("form-enter", &[("what", what.into())]),
            );
            None
        } else {
            Some(text)
        }
    }

    /// Takes a refusal by the record onto the form: a field's message next to the field, a
    /// conflict beside the form. Anything else is not the user's to fix and stays an error.
    pub(crate) fn refused(&mut self, error: StoreError) -> Result<(), PageError> {
        match error {
            StoreError::Invalid { field, message } => {
                self.fail(&field, message.said(crate::pages::words()));
            }
            StoreError::ReasonRequired => {
                self.fail("reason", crate::pages::words().get("form-reason-required"));
            }
            StoreError::Conflict(conflict) => self.conflict = Some(conflict.to_string()),
            exists @ StoreError::Exists { .. } => self.fail("form", exists.to_string()),
            StoreError::AuthenticationFailed => {
                self.fail("password", crate::pages::words().get("form-password-wrong"));
            }
            StoreError::Throttled {
                retry_after_seconds,
            } => self.fail("password", too_many_attempts(retry_after_seconds)),
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
                input id=(self.id(name)) name=(name) type=(kind) value=(value)
                    step=[(kind == "number").then_some("any")]
                    aria-invalid=[self.error(name).map(|_| "true")]
                    aria-describedby=[self.error(name).map(|_| format!("{}-error", self.id(name)))];
            },
        )
    }

    /// A labelled choice of `(value, text)` options, the typed one selected.
    pub(crate) fn select<T: AsRef<str>>(
        &self,
        name: &str,
        label: &str,
        options: &[(&str, T)],
    ) -> Markup {
        self.field(name, label, self.bare_select(name, label, options))
    }

    /// A choice without its own label (inside a grid whose headers label it).
    pub(crate) fn bare_select<T: AsRef<str>>(
        &self,
        name: &str,
        label: &str,
        options: &[(&str, T)],
    ) -> Markup {
        html! {
            select id=(self.id(name)) name=(name) aria-label=(label)
                aria-invalid=[self.error(name).map(|_| "true")] {
                @for (value, text) in options {
                    option value=(value) selected[self.get(name) == *value] { (text.as_ref()) }
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
                label for=(self.id(name)) { (label) }
                (control)
                @if let Some(message) = self.error(name) {
                    p.error id={ (self.id(name)) "-error" } { (message) }
                }
            }
        }
    }

    /// Above a form that was not saved: every problem at once, those of fields the form shows
    /// (`shown`) linked to their field, and the conflict.
    pub(crate) fn summary(&self, shown: &[&str]) -> Markup {
        self.alert("form-not-saved", "form-not-saved-then", shown)
    }

    /// Above a filter (a form that only reads) whose choices were refused.
    pub(crate) fn filter_summary(&self, shown: &[&str]) -> Markup {
        self.alert("form-not-shown", "form-not-shown-then", shown)
    }

    /// The alert led by the catalogue's `lead` and `then`.
    fn alert(&self, lead: &str, then: &str, shown: &[&str]) -> Markup {
        let words = crate::pages::words();
        // A field's name in words where the catalogue has it, else spaced.
        let named = |name: &str| {
            if words.has(&format!("field-{name}")) {
                words.field(name)
            } else {
                name.replace('_', " ")
            }
        };
        html! {
            @if self.has_errors() {
                div.alert role="alert" {
                    p { strong { (words.get(lead)) } " " (words.get(then)) }
                    @for (name, message) in &self.errors {
                        @if shown.contains(&name.as_str()) {
                            p.error { a href={ "#" (self.id(name)) } { (named(name)) } ": " (message) }
                        } @else {
                            p.error { (named(name)) ": " (message) }
                        }
                    }
                    @if let Some(conflict) = &self.conflict {
                        p.error { (words.get("form-conflict")) " " (conflict) }
                    }
                }
            }
        }
    }
}

/// The hidden fields every state-changing form carries: the session's CSRF token, and a
/// token of this one form that is spent when the form is sent, so that Back and send again (or
/// a second click) cannot save the same form twice.
pub(crate) fn token(csrf: &str) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(csrf);
        input type="hidden" name="once" value=(once::issue());
    }
}

/// Spends the form's own token (see [`token`]): a form sent a second time is refused.
pub(crate) fn spend(typed: &Typed) -> Result<(), PageError> {
    let token = typed.get("once");
    // Forms from before this token existed carry none; the CSRF token still guards them.
    if token.is_empty() || once::spend(token) {
        Ok(())
    } else {
        Err(PageError::Refused(
            crate::pages::words().get("form-already-sent"),
        ))
    }
}

/// Form tokens: random, and remembered once spent. The memory is bounded (the oldest spent
/// tokens are forgotten first, long after their page was left) and is not kept across a
/// restart of the server.
mod once {
    use std::collections::{HashSet, VecDeque};
    use std::sync::Mutex;

    /// Spent tokens remembered; at a few hundred forms an hour, weeks of them.
    const REMEMBERED: usize = 100_000;

    #[derive(Default)]
    struct Spent {
        order: VecDeque<String>,
        set: HashSet<String>,
    }

    static SPENT: Mutex<Option<Spent>> = Mutex::new(None);

    pub(super) fn issue() -> String {
        let mut bytes = [0u8; 16];
        // The OS generator failing is no reason to refuse a page: an empty token is unchecked.
        if getrandom::fill(&mut bytes).is_err() {
            return String::new();
        }
        hex::encode(bytes)
    }

    /// Whether `token` was not spent before (and is now).
    pub(super) fn spend(token: &str) -> bool {
        let mut guard = SPENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let spent = guard.get_or_insert_with(Spent::default);
        if !spent.set.insert(token.to_owned()) {
            return false;
        }
        spent.order.push_back(token.to_owned());
        if spent.order.len() > REMEMBERED
            && let Some(oldest) = spent.order.pop_front()
        {
            spent.set.remove(&oldest);
        }
        true
    }
}

/// What a user reads when wrong passwords made them wait (login and signature forms alike).
pub(crate) fn too_many_attempts(retry_after_seconds: i64) -> String {
    let words = crate::pages::words();
    let wait = if retry_after_seconds < 120 {
        words.format("wait-seconds", &[("count", retry_after_seconds.into())])
    } else {
        words.format(
            "wait-minutes",
            &[("count", ((retry_after_seconds + 59) / 60).into())],
        )
    };
    words.format("too-many-attempts", &[("wait", wait.into())])
}

/// One input of a form without stored values (login, password change): its label, an optional
/// hint, and the message about it, if any, tied to it for screen readers.
pub(crate) struct Plain<'a> {
    pub(crate) name: &'a str,
    pub(crate) label: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) value: &'a str,
    pub(crate) autocomplete: &'a str,
    pub(crate) hint: Option<&'a str>,
    pub(crate) message: Option<&'a str>,
}

impl Plain<'_> {
    pub(crate) fn render(&self) -> Markup {
        let name = self.name;
        let error_id = format!("{name}-error");
        let hint_id = format!("{name}-hint");
        let described = [
            self.message.map(|_| error_id.as_str()),
            self.hint.map(|_| hint_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        html! {
            div.field {
                label for=(name) { (self.label) }
                input id=(name) name=(name) type=(self.kind) value=(self.value) required
                    autocomplete=(self.autocomplete)
                    aria-invalid=[self.message.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
                @if let Some(hint) = self.hint {
                    p.hint id=(hint_id) { (hint) }
                }
                @if let Some(message) = self.message {
                    p.error id=(error_id) { (message) }
                }
            }
        }
    }
}
