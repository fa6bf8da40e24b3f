//! The course of participation on the subject page: the events the protocol's rules read
//! (pregnancy, consent withdrawn, the physician's decision, a life-threatening complication, a
//! change of concomitant medication) and how participation ended, each entered once through the
//! store and read by the decision.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use store::{
    Disposition, DispositionStatus, EventType, ProtocolEvent, Stored, Subject, SubjectRecord,
};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::subjects::records;
use crate::pages::subjects::{Forms, render};
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// What each event and status says, as a clinician reads it on this page.
fn event_text(event: EventType) -> String {
    words().get(&format!("course-event-{}", event.code()))
}

fn status_text(status: DispositionStatus) -> String {
    words().get(&format!("course-status-{}", status.code()))
}

/// The section: what is recorded, with "Entered in error?" beside each, and the two forms.
pub(crate) fn section(
    principal: &Principal,
    subject: &Subject,
    events: &[Stored<ProtocolEvent>],
    dispositions: &[Stored<Disposition>],
    forms: &Forms,
) -> Markup {
    let code = &subject.data.code;
    let enters = principal
        .require(Action::EnterVisitData, Some(&subject.data.site))
        .is_ok();
    let back = format!("/subjects/{code}#course");
    let event_options: Vec<(&str, String)> = EventType::ALL
        .iter()
        .map(|event| (event.code(), event_text(*event)))
        .collect();
    let status_options: Vec<(&str, String)> = DispositionStatus::ALL
        .iter()
        .map(|status| (status.code(), status_text(*status)))
        .collect();
    let event_form = forms.event.clone().unwrap_or_default();
    let disposition_form = forms.disposition.clone().unwrap_or_default();
    html! {
        section #course {
            h2 { (words().get("course-title")) }
            @if events.is_empty() && dispositions.is_empty() {
                p { (words().get("course-none")) }
            } @else {
                table {
                    thead { tr { th scope="col" { (words().get("course-date")) } th scope="col" { (words().get("course-what")) } th scope="col" { (words().get("course-note")) } @if enters { th scope="col" { (words().get("course-correction")) } } } }
                    tbody {
                        @for event in events {
                            tr {
                                td { (event.data.occurred_on) }
                                td { (event_text(event.data.event)) }
                                td { (event.data.note.as_deref().unwrap_or("")) }
                                @if enters { td { (records::void_form(principal, code, "protocol_event", event.id, event.version, &back)) } }
                            }
                        }
                        @for disposition in dispositions {
                            tr {
                                td { (disposition.data.disposition_date) }
                                td { strong { (status_text(disposition.data.status)) } }
                                td { (disposition.data.details.as_deref().unwrap_or("")) }
                                @if enters { td { (records::void_form(principal, code, "disposition", disposition.id, disposition.version, &back)) } }
                            }
                        }
                    }
                }
            }
            @if enters {
                form method="post" action={ "/subjects/" (code) "/events" } {
                    (form::token(&principal.csrf_token))
                    (event_form.summary(&["event", "occurred_on", "note"]))
                    div.row {
                        (event_form.select("event", &words().get("course-event"), &event_options))
                        (event_form.input("occurred_on", &words().get("course-on"), "date"))
                        (event_form.input("note", &words().get("course-note-optional"), "text"))
                    }
                    button type="submit" { (words().get("course-record-event")) }
                }
                form method="post" action={ "/subjects/" (code) "/disposition" } {
                    (form::token(&principal.csrf_token))
                    (disposition_form.summary(&["status", "disposition_date", "details"]))
                    div.row {
                        (disposition_form.select("status", &words().get("course-ended"), &status_options))
                        (disposition_form.input("disposition_date", &words().get("course-on"), "date"))
                        (disposition_form.input("details", &words().get("course-details"), "text"))
                    }
                    button type="submit" { (words().get("course-record-end")) }
                }
            }
        }
    }
}

pub(crate) fn note(typed: &Typed, name: &str) -> Option<String> {
    Some(typed.get(name).trim().to_owned()).filter(|text| !text.is_empty())
}

/// Saves the record `read` makes of the posted form, back to the subject page at `anchor`; a
/// refusal shows the subject page again with the form as typed (placed by `shown`).
pub(crate) async fn save<T: SubjectRecord>(
    state: &AppState,
    SubjectAccess(principal, subject): SubjectAccess,
    anchor: &str,
    pairs: Vec<(String, String)>,
    read: impl FnOnce(&mut Typed, i64) -> Option<T>,
    shown: fn(Typed) -> Forms,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let code = &subject.data.code;
    if let Some(record) = read(&mut typed, subject.id).filter(|_| !typed.has_errors()) {
        match state.store.add_record(&principal.actor, &record).await {
            Ok(_) => return Ok(Redirect::to(&format!("/subjects/{code}#{anchor}")).into_response()),
            Err(error) => typed.refused(error)?,
        }
    }
    let page = render(state, &principal, &subject, shown(typed)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(crate) async fn add_event(
    State(state): State<AppState>,
    access: SubjectAccess,
    axum::Form(pairs): Posted,
) -> Result<Response, PageError> {
    let read = |typed: &mut Typed, subject_id| {
        let event = EventType::parse(typed.get("event"))
            .map_err(|error| typed.refused(error))
            .ok();
        let date = typed.date("occurred_on");
        Some(ProtocolEvent {
            subject_id,
            occurred_on: date?,
            event: event?,
            note: note(typed, "note"),
        })
    };
    let shown = |typed| Forms {
        event: Some(typed),
        ..Forms::default()
    };
    save(&state, access, "course", pairs, read, shown).await
}

pub(crate) async fn add_disposition(
    State(state): State<AppState>,
    access: SubjectAccess,
    axum::Form(pairs): Posted,
) -> Result<Response, PageError> {
    let read = |typed: &mut Typed, subject_id| {
        let status = DispositionStatus::parse(typed.get("status"))
            .map_err(|error| typed.refused(error))
            .ok();
        let date = typed.date("disposition_date");
        Some(Disposition {
            subject_id,
            status: status?,
            disposition_date: date?,
            details: note(typed, "details"),
        })
    };
    let shown = |typed| Forms {
        disposition: Some(typed),
        ..Forms::default()
    };
    save(&state, access, "course", pairs, read, shown).await
}

/// A protocol event, and how participation ended.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/events",
            Scope::Subject(Action::EnterVisitData),
            add_event,
        )
        .post(
            "/subjects/{code}/disposition",
            Scope::Subject(Action::EnterVisitData),
            add_disposition,
        )
}
