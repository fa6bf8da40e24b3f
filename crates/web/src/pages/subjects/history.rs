//! A subject's record history: the audit events about the subject and their records, oldest
//! first, with who, when, the old and new value and the reason (21 CFR 11.10(e)); narrowed by
//! kind of record, field, user and days, a page at a time.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use instruments::medication::Frequency;
use maud::{Markup, html};
use store::StoreError;
use store::stream::Entity;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::history::{self, HistoryQuery};
use crate::pages::form::Typed;
use crate::pages::subjects::visits::decision;
use crate::pages::{frequency_words, layout, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::study::{self, StudyProtocol};

/// Events shown per page.
const PAGE: i64 = 100;

pub(crate) async fn page(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let protocol = study::protocol_of(&state.store).await?;
    let code = subject.data.code;
    let mut typed = Typed::posted(pairs.clone());
    let mut events = Vec::new();
    let mut after = 0;
    match history::parse(&pairs) {
        Err(refused) => {
            for (name, message) in refused {
                typed.fail(&name, message);
            }
        }
        Ok(HistoryQuery {
            mut filter,
            after: from,
        }) => {
            filter.subject = Some(code.clone());
            after = from;
            match history::read(&state.store, &filter, after, PAGE + 1).await {
                Ok(page) => events = page,
                // The record's list of kinds is in ids; the page offers them in words.
                Err(StoreError::Invalid { field, .. }) if field == "form" => {
                    let message = words().format(
                        "history-no-such-kind",
                        &[("kind", typed.get("form").into())],
                    );
                    typed.fail("form", message);
                }
                Err(StoreError::Invalid { field, message }) => {
                    typed.fail(&field, message.said(words()));
                }
                Err(other) => return Err(other.into()),
            }
        }
    }
    let more = events.len() > PAGE as usize;
    events.truncate(PAGE as usize);
    let status = if typed.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = html! {
        p.lead { a href={ "/subjects/" (code) } { (words().format("subjects-title", &[("code", code.as_str().into())])) } " · " (words().get("history-lead")) }
        (filters(&code, &typed))
        @if !typed.has_errors() {
            @if events.is_empty() {
                p { (words().get("history-none")) }
            } @else {
                p { (words().format("history-events", &[("first", events[0].seq.into()), ("last", events[events.len() - 1].seq.into())])) }
                (table(&events, &protocol))
            }
            nav.pager aria-label=(words().get("history-pages")) {
                @if after > 0 { a href=(link(&code, &pairs, None)) { (words().get("history-first")) } " " }
                @if let (true, Some(last)) = (more, events.last()) {
                    a href=(link(&code, &pairs, Some(last.seq))) { (words().format("history-next", &[("count", PAGE.into())])) }
                }
            }
        }
    };
    let title = words().format("history-title", &[("code", code.as_str().into())]);
    let page = layout::page(&title, Some(&principal), body);
    Ok((status, page).into_response())
}

/// The filter form: it sends the query string `history::parse` reads.
fn filters(code: &str, typed: &Typed) -> Markup {
    let forms: Vec<(&str, String)> = Entity::all()
        .filter(Entity::per_subject)
        .map(|entity| (entity.name(), words().record(entity.name())))
        .collect();
    let chosen = Entity::named(typed.get("form"));
    let mut fields: Vec<&str> = Entity::all()
        .filter(|entity| chosen.as_ref().is_none_or(|chosen| chosen == entity))
        .filter(Entity::per_subject)
        .flat_map(|entity| entity.fields().map(|field| field.name).collect::<Vec<_>>())
        .collect();
    fields.sort_unstable();
    fields.dedup();
    let field_words: Vec<(&str, String)> = fields
        .iter()
        .map(|name| (*name, words().field(name)))
        .collect();
    let (any_record, any_field) = (
        words().get("history-any-record"),
        words().get("history-any-field"),
    );
    let forms = with_any(&forms, &any_record);
    let fields = with_any(&field_words, &any_field);
    html! {
        form.filters method="get" action={ "/subjects/" (code) "/history" } {
            div.row {
                (typed.select("form", &words().get("history-record"), &forms))
                (typed.select("field", &words().get("history-field"), &fields))
                (typed.input("user", &words().get("history-user"), "text"))
                (typed.input("from", &words().get("history-from"), "date"))
                (typed.input("to", &words().get("history-to"), "date"))
            }
            @if let Some(message) = typed.error("after") { p.error { (words().get("history-page")) ": " (message) } }
            @for name in unknown(typed) {
                p.error { (name) ": " (typed.error(name).unwrap_or_default()) }
            }
            button type="submit" { (words().get("history-show")) }
            " "
            a href={ "/subjects/" (code) "/history" } { (words().get("history-clear")) }
        }
    }
}

/// `(code, words)` options led by a blank one meaning `any`.
fn with_any<'a>(list: &'a [(&'a str, String)], any: &'a str) -> Vec<(&'a str, &'a str)> {
    std::iter::once(("", any))
        .chain(list.iter().map(|(code, text)| (*code, text.as_str())))
        .collect()
}

/// The refused parameters the form has no input for.
fn unknown(typed: &Typed) -> Vec<&str> {
    typed
        .refused_names()
        .filter(|name| !history::PARAMETERS.contains(name))
        .collect()
}

/// Who made a change: a member of staff by login; a patient answering through a one-time link
/// by that link alone, in the reader's words ("the patient (link 12)").
fn who(actor: &str) -> String {
    match store::link_of_actor(actor) {
        Some(link) => words().format("history-patient-actor", &[("link", link.into())]),
        None => actor.to_owned(),
    }
}

fn table(events: &[store::Event], protocol: &StudyProtocol) -> Markup {
    let words = words();
    html! {
        table.history {
            thead { tr {
                th scope="col" class="num" { "#" } th scope="col" { (words.get("history-when")) } th scope="col" { (words.get("history-who")) }
                th scope="col" { (words.get("history-record")) } th scope="col" { (words.get("history-action")) } th scope="col" { (words.get("history-field")) }
                th scope="col" { (words.get("history-before")) } th scope="col" { (words.get("history-after")) } th scope="col" { (words.get("history-reason")) }
            } }
            tbody {
                @for event in events {
                    tr {
                        td.num { (event.seq) }
                        td.when { (crate::locale::recorded(&event.recorded_at)) }
                        td { (who(&event.actor)) }
                        td.record { (words.record(&event.entity)) " " (event.entity_id) " v" (event.version) }
                        td { (words.get(&format!("action-{}", event.action))) }
                        td { (event.field.as_deref().map_or_else(|| "—".to_owned(), |field| words.field(field))) }
                        td.value { (shown(event.field.as_deref(), event.old_value.as_deref(), protocol)) }
                        td.value { (shown(event.field.as_deref(), event.new_value.as_deref(), protocol)) }
                        td { (event.reason.as_deref().unwrap_or(&words.get("history-first-entry"))) }
                    }
                }
            }
        }
    }
}

/// The query string of this page with `after` set (or dropped for the first page).
fn link(code: &str, pairs: &[(String, String)], after: Option<i64>) -> String {
    let mut kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(name, value)| name != "after" && !value.trim().is_empty())
        .cloned()
        .collect();
    if let Some(after) = after {
        kept.push(("after".to_owned(), after.to_string()));
    }
    let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
    if query.is_empty() {
        format!("/subjects/{code}/history")
    } else {
        format!("/subjects/{code}/history?{query}")
    }
}

/// A stored value of `field` as words: a coded value or a missing code by its words, text
/// without canonical JSON's quotes, yes or no for a flag, the documents the record keeps (a
/// decision, a checklist) by what they say, a blank as a dash.
pub(crate) fn shown(field: Option<&str>, value: Option<&str>, protocol: &StudyProtocol) -> String {
    let Some(value) = value else {
        return "—".to_owned();
    };
    match serde_json::from_str::<serde_json::Value>(value) {
        // Documents (a decision, a checklist) are text fields holding JSON.
        Ok(serde_json::Value::String(text)) => match serde_json::from_str(&text) {
            Ok(serde_json::Value::Object(document)) => summary(&document, protocol).unwrap_or(text),
            _ => coded(field.unwrap_or_default(), &text, protocol),
        },
        Ok(serde_json::Value::Bool(flag)) => words().value("flag", &flag.to_string()),
        // Not done, not applicable, unknown: `{"missing": code}`.
        Ok(serde_json::Value::Object(object)) => match object.get("missing") {
            Some(serde_json::Value::String(code)) if object.len() == 1 => {
                words().value("missing", code)
            }
            _ => value.to_owned(),
        },
        _ => value.to_owned(),
    }
}

/// A coded text value of `field` in words.
fn coded(field: &str, text: &str, protocol: &StudyProtocol) -> String {
    match field {
        "dose" | "dose_level" => decision::dose_text(protocol, text),
        "frequency" => Frequency::ALL
            .into_iter()
            .find(|frequency| frequency.code() == text)
            .map_or_else(|| text.to_owned(), frequency_words),
        field => words().value(field, text),
    }
}

/// What a document the record keeps says: the protocol's decision (`protocol::Decision`) by its
/// action and dose, an eligibility checklist by its verdict.
fn summary(
    document: &serde_json::Map<String, serde_json::Value>,
    protocol: &StudyProtocol,
) -> Option<String> {
    let text = |key: &str| document.get(key).and_then(serde_json::Value::as_str);
    if let (Some(action), Some(dose)) = (text("action"), text("dose")) {
        let action = words().value("action", action);
        let dose = decision::dose_text(protocol, dose);
        let (action, dose) = (("action", action.into()), ("dose", dose.into()));
        return Some(match text("next_visit") {
            Some(next) => {
                words().format("history-next-visit", &[action, dose, ("next", next.into())])
            }
            None => words().format("history-decision", &[action, dose]),
        });
    }
    document.contains_key("criteria").then(|| {
        let verdict = match document
            .get("eligible")
            .and_then(serde_json::Value::as_bool)
        {
            Some(true) => "eligible",
            Some(false) => "not-eligible",
            None => "incomplete",
        };
        words().get(&format!("checklist-{verdict}"))
    })
}

/// The audit history of the subject.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.get(
        "/subjects/{code}/history",
        Scope::Subject(Action::ReadHistory),
        page,
    )
}
