//! The adverse event log: CTCAE v5.0 grade, seriousness, causality, action taken and outcome,
//! with a visible alert for every serious event and every event of grade 3 or more (the
//! trial's safety signals: CTCAE grade 3 is "severe", 4 "life-threatening", 5 "death", and a
//! serious adverse event needs expedited reporting, ICH E2A).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::ctcae::{CtcaeGrade, CtcaeTerm};
use maud::{Markup, html};
use store::{ActionTaken, AdverseEvent, Causality, Outcome, Stored, Subject};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::subjects::records;
use crate::pages::{layout, received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// CTCAE v5.0's general meaning of each grade (its "Grades" introduction), in words.
fn grades() -> [(&'static str, String); 5] {
    ["1", "2", "3", "4", "5"].map(|grade| (grade, words().get(&format!("ctcae-grade-{grade}"))))
}

/// Whether an event is a safety signal the team must see at once.
pub(crate) fn is_signal(event: &AdverseEvent) -> bool {
    event.serious || event.grade >= CtcaeGrade::G3
}

/// The alert shown wherever the subject is, for as long as such events exist.
pub(crate) fn alert(events: &[Stored<AdverseEvent>]) -> Markup {
    let signals: Vec<_> = events
        .iter()
        .filter(|event| is_signal(&event.data))
        .collect();
    html! {
        @if !signals.is_empty() {
            div.alert.safety role="alert" {
                p { strong { (words().get("adverse-alert")) " " } (words().format("adverse-alert-count", &[("count", signals.len().into())])) }
                ul {
                    @for event in &signals {
                        li {
                            (event.data.term) (words().format("adverse-signal-grade", &[("grade", event.data.grade.number().into())]))
                            @if event.data.serious { (words().get("dashboard-signal-serious")) }
                            (words().format("dashboard-signal-from", &[("date", event.data.start_date.to_string().into())]))
                        }
                    }
                }
            }
        }
    }
}

/// A coded answer, or its message next to its field.
fn coded<T>(result: Result<T, store::StoreError>, typed: &mut Typed) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(store::StoreError::Invalid { field, message }) => {
            typed.fail(&field, message.said(words()));
            None
        }
        Err(other) => {
            typed.fail("form", other.to_string());
            None
        }
    }
}

/// Every CTCAE v5.0 term, offered as the user types the term (the browser filters the list).
fn term_list() -> Markup {
    html! {
        datalist #ctcae-terms {
            @for term in CtcaeTerm::all() {
                option value=(term.term()) {}
            }
        }
    }
}

/// The term field: typed with the list offered, and after a refusal the nearest terms to pick
/// from (the coded part is never free text: the record keeps a CTCAE term).
fn term_field(typed: &Typed) -> Markup {
    let nearest = match typed
        .error("term")
        .map(|_| CtcaeTerm::lookup(typed.get("term")))
    {
        Some(Err(unknown)) => unknown.nearest,
        _ => Vec::new(),
    };
    html! {
        div.field {
            label for="term" { (words().get("adverse-term-label")) }
            input #term name="term" type="text" list="ctcae-terms" value=(typed.get("term"))
                autocomplete="off"
                aria-invalid=[typed.error("term").map(|_| "true")]
                aria-describedby=[typed.error("term").map(|_| "term-error")];
            @if let Some(message) = typed.error("term") {
                p.error #term-error { (message) }
            }
            @if !nearest.is_empty() {
                fieldset.pick {
                    legend { (words().get("adverse-did-you-mean")) }
                    @for (index, name) in nearest.iter().enumerate() {
                        label.check {
                            input type="radio" name="term_pick" value=(name) checked[index == 0];
                            " " (name)
                        }
                    }
                }
            }
        }
        (term_list())
    }
}

/// Each coded value of `field` with its words.
fn options<T: Copy>(
    field: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|value| (code(*value), words().value(field, code(*value))))
        .collect()
}

fn log_page(
    principal: &Principal,
    subject: &Subject,
    events: &[Stored<AdverseEvent>],
    typed: Typed,
) -> Markup {
    let code = &subject.data.code;
    let enters = principal
        .require(Action::RecordAdverseEvent, Some(&subject.data.site))
        .is_ok();
    let body = html! {
        p.lead { a href={ "/subjects/" (code) } { (words().format("subjects-title", &[("code", code.into())])) } }
        (alert(events))
        @if events.is_empty() {
            p { (words().get("adverse-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (words().get("adverse-term")) } th scope="col" { (words().get("adverse-start")) } th scope="col" { (words().get("adverse-end")) }
                    th scope="col" class="num" { (words().get("adverse-grade-column")) } th scope="col" { (words().get("adverse-serious-column")) }
                    th scope="col" { (words().get("adverse-causality")) } th scope="col" { (words().get("adverse-action-taken")) } th scope="col" { (words().get("adverse-outcome")) }
                    @if enters { th scope="col" { (words().get("adverse-correction")) } }
                } }
                tbody {
                    @for event in events {
                        tr.alerted[is_signal(&event.data)] {
                            th scope="row" {
                                (event.data.term)
                                @if let Some(verbatim) = &event.data.verbatim { br; small { "“" (verbatim) "”" } }
                            }
                            td { (event.data.start_date) }
                            td { (event.data.end_date.map_or_else(|| words().get("adverse-ongoing"), |d| d.to_string())) }
                            td.num { (event.data.grade.number()) }
                            td { @if event.data.serious { strong { (words().get("answer-true")) } } @else { (words().get("answer-false")) } }
                            td { (words().value("causality", event.data.causality.code())) }
                            td { (words().value("action_taken", event.data.action_taken.code())) }
                            td { (words().value("outcome", event.data.outcome.code())) }
                            @if enters {
                                td { (records::void_form(principal, code, "adverse_event", event.id, event.version, &format!("/subjects/{code}/adverse-events"))) }
                            }
                        }
                    }
                }
            }
        }
        @if principal.require(Action::RecordAdverseEvent, Some(&subject.data.site)).is_ok() {
            h2 #record { (words().get("adverse-record-title")) }
            form method="post" action={ "/subjects/" (code) "/adverse-events" } {
                (form::token(&principal.csrf_token))
                (typed.summary(&["term", "verbatim", "start_date", "end_date", "grade", "causality", "action_taken", "outcome"]))
                (term_field(&typed))
                (typed.input("verbatim", &words().get("adverse-verbatim"), "text"))
                div.row {
                    (typed.input("start_date", &words().get("adverse-start"), "date"))
                    (typed.input("end_date", &words().get("adverse-end-label"), "date"))
                    (typed.select("grade", &words().get("adverse-grade"), &grades()))
                    (typed.select("causality", &words().get("adverse-relationship"), &options("causality", Causality::ALL, Causality::code)))
                    (typed.select("action_taken", &words().get("adverse-action-label"), &options("action_taken", ActionTaken::ALL, ActionTaken::code)))
                    (typed.select("outcome", &words().get("adverse-outcome"), &options("outcome", Outcome::ALL, Outcome::code)))
                }
                (typed.checkbox("serious", &words().get("adverse-serious")))
                p.hint { (words().get("adverse-hint")) }
                button type="submit" { (words().get("adverse-record")) }
            }
        }
    };
    layout::page(
        &words().format("adverse-title", &[("code", code.into())]),
        Some(principal),
        body,
    )
}

/// What a link may fill in the form (a laboratory result's safety signal offers its term,
/// grade and date); anything else in the address is not a form field.
const FILLED_BY_LINK: [&str; 3] = ["term", "grade", "start_date"];

/// The address of the log with the form filled in from a laboratory result of CTCAE grade 3 or
/// more, so the investigator records it as an adverse event in one step.
pub(crate) fn log_from_lab(code: &str, term: &str, grade: i64, on: jiff::civil::Date) -> String {
    let query = serde_urlencoded::to_string([
        ("term", term.to_owned()),
        ("grade", grade.to_string()),
        ("start_date", on.to_string()),
    ])
    .unwrap_or_default();
    format!("/subjects/{code}/adverse-events?{query}#record")
}

pub(crate) async fn page(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    let events = state.store.records_of::<AdverseEvent>(subject.id).await?;
    let mut typed = Typed::filled([
        ("grade", "1"),
        ("causality", "possible"),
        ("action_taken", "dose_not_changed"),
        ("outcome", "not_recovered"),
    ]);
    for (name, value) in pairs {
        if FILLED_BY_LINK.contains(&name.as_str()) {
            typed.set(&name, value);
        }
    }
    Ok(log_page(&principal, &subject, &events, typed))
}

pub(crate) async fn add(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    // A term picked from the nearest after a refusal stands for what was typed.
    let picked = typed.get("term_pick").to_owned();
    if !picked.is_empty() {
        typed.set("term", picked);
    }
    let term = typed
        .text("term", &words().get("adverse-what-term"))
        .and_then(|text| coded(AdverseEvent::term_named(&text), &mut typed));
    let verbatim = Some(typed.get("verbatim").trim().to_owned()).filter(|text| !text.is_empty());
    let start_date = typed.date("start_date");
    let end_date = typed.optional_date("end_date");
    let grade = typed
        .get("grade")
        .parse::<u8>()
        .ok()
        .filter(|grade| (1..=5).contains(grade))
        .and_then(CtcaeGrade::from_number);
    if grade.is_none() {
        typed.fail("grade", words().get("adverse-choose-grade"));
    }
    let causality = coded(Causality::parse(typed.get("causality")), &mut typed);
    let action_taken = coded(ActionTaken::parse(typed.get("action_taken")), &mut typed);
    let outcome = coded(Outcome::parse(typed.get("outcome")), &mut typed);
    if let (
        Some(term),
        Some(start_date),
        Some(end_date),
        Some(grade),
        Some(causality),
        Some(action_taken),
        Some(outcome),
        false,
    ) = (
        term,
        start_date,
        end_date,
        grade,
        causality,
        action_taken,
        outcome,
        typed.has_errors(),
    ) {
        let event = AdverseEvent {
            subject_id: subject.id,
            term,
            verbatim,
            start_date,
            end_date,
            grade,
            serious: typed.checked("serious"),
            causality,
            action_taken,
            outcome,
        };
        match state.store.add_record(&principal.actor, &event).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/subjects/{code}/adverse-events")).into_response()
                );
            }
            Err(error) => typed.refused(error)?,
        }
    }
    let events = state.store.records_of::<AdverseEvent>(subject.id).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        log_page(&principal, &subject, &events, typed),
    )
        .into_response())
}

/// The adverse events page and a new event.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get(
            "/subjects/{code}/adverse-events",
            Scope::Subject(Action::ReadSubject),
            page,
        )
        .post(
            "/subjects/{code}/adverse-events",
            Scope::Subject(Action::RecordAdverseEvent),
            add,
        )
}
