//! Patient links on the visit page (issue 19): for each patient-reported instrument the study
//! collects, a button that issues a one-time link (`Store::issue_patient_link`) and shows it
//! once, as an address and a QR code; the links issued for the visit with their state (open,
//! not open yet, expired, used, revoked); and a revoke form with its reason for a link not yet
//! used. Issuing and revoking are `Action::IssuePatientLink`, which those who enter the
//! visit's data hold.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::questionnaire::Setup;
use maud::{Markup, PreEscaped, html};
use qrcode::QrCode;
use qrcode::render::svg;
use store::{LinkState, PatientLink};
use words::Arg;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::{self, Posted};
use crate::pages::{layout, patient, received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;

use super::{visit_of, visit_path};

/// The section's anchor on the visit page.
const ANCHOR: &str = "patient-links";

/// The section: shown when the study collects an instrument the patient answers.
pub(crate) fn section(
    base: &str,
    csrf: &str,
    issues: bool,
    collected: &[Setup],
    links: &[PatientLink],
) -> Markup {
    let answered_by_patient: Vec<_> = collected
        .iter()
        .map(Setup::instrument)
        .filter(|instrument| instrument.patient_reported())
        .collect();
    html! {
        @if !answered_by_patient.is_empty() {
            section #(ANCHOR) {
                h2 { (words().get("links-title")) }
                p.hint { (words().get("links-hint")) }
                @if issues {
                    div.row {
                        @for instrument in &answered_by_patient {
                            form method="post" action={ (base) "/patient-links" } {
                                (form::token(csrf))
                                input type="hidden" name="instrument" value=(instrument.code());
                                button type="submit" {
                                    (words().format("links-issue", &[("instrument", Arg::from(words().value("instrument", instrument.code()).as_str()))]))
                                }
                            }
                        }
                    }
                }
                @if links.is_empty() {
                    p { (words().get("links-none")) }
                } @else {
                    (table(base, csrf, issues, links))
                }
            }
        }
    }
}

fn table(base: &str, csrf: &str, issues: bool, links: &[PatientLink]) -> Markup {
    html! {
        table.links {
            thead {
                tr {
                    th scope="col" { (words().get("links-instrument")) }
                    th scope="col" { (words().get("links-window")) }
                    th scope="col" { (words().get("links-state")) }
                    @if issues { th scope="col" { (words().get("links-revoke")) } }
                }
            }
            tbody {
                @for link in links {
                    @let state = link.state();
                    tr id={ "link-" (link.id) } {
                        td { (words().value("instrument", link.instrument.code())) }
                        td {
                            @match link.window {
                                Some(window) => (words().format("links-window-days", &[
                                    ("from", Arg::from(window.opens_on.to_string())),
                                    ("to", Arg::from(window.closes_on.to_string())),
                                ])),
                                None => "—",
                            }
                        }
                        td { (state_said(state)) }
                        @if issues {
                            td {
                                @if matches!(state, LinkState::Open | LinkState::NotYetOpen(_) | LinkState::Expired(_) | LinkState::Unscheduled) {
                                    form.inline method="post" action={ (base) "/patient-links/" (link.id) "/revoke" } {
                                        (form::token(csrf))
                                        label for={ "revoke-" (link.id) } { (words().get("links-revoke-reason")) }
                                        input id={ "revoke-" (link.id) } name="reason" type="text" required;
                                        button type="submit" { (words().get("links-revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A link's state in the reader's words, with its day when it has one.
fn state_said(state: LinkState) -> String {
    let said = words().value("link_state", state.code());
    match state {
        LinkState::NotYetOpen(date) | LinkState::Expired(date) | LinkState::Used(date) => {
            format!("{said} ({date})")
        }
        _ => said,
    }
}

/// The QR code of `url` as inline SVG (the XML declaration left out).
fn qr(url: &str) -> Result<Markup, PageError> {
    let code = QrCode::new(url.as_bytes()).map_err(|error| {
        PageError::Internal(store::StoreError::Other(format!("QR code: {error}").into()))
    })?;
    let image = code.render::<svg::Color>().min_dimensions(240, 240).build();
    let image = image
        .find("<svg")
        .map_or(image.as_str(), |start| &image[start..])
        .to_owned();
    Ok(PreEscaped(image))
}

/// Issues a link and shows it once: its address and QR code.
pub(crate) async fn issue(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    headers: HeaderMap,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let instrument = store::questionnaire_instrument(typed.get("instrument"))?;
    let issued = state
        .store
        .issue_patient_link(&principal.actor, visit.id, instrument)
        .await?;
    let url = patient::url(&headers, state.config.secure_cookies, &issued.token);
    let name = words().value("instrument", instrument.code());
    let title = words().format("links-issue", &[("instrument", Arg::from(name.as_str()))]);
    let body = html! {
        p { (words().get("links-issued")) }
        p.link-url { a href=(url) rel="noreferrer" { (url) } }
        figure.qr {
            (qr(&url)?)
            figcaption { (words().get("links-qr")) }
        }
        p { a href=(visit_path(&code, visit.id, ANCHOR)) { (words().get("links-back")) } }
    };
    Ok(layout::page(&title, Some(&principal), body).into_response())
}

/// Revokes a link of this visit with its reason.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id, link_id)): Path<(String, i64, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let typed = received(&principal, pairs)?;
    let reason = typed.get("reason").trim();
    if reason.is_empty() {
        return Err(PageError::Refused(words().get("form-reason-required")));
    }
    let visit = visit_of(&state, &subject, visit_id).await?;
    let links = state.store.patient_links_of_visit(visit.id).await?;
    let link = links
        .iter()
        .find(|link| link.id == link_id)
        .ok_or(PageError::NotFound)?;
    state
        .store
        .revoke_patient_link(&principal.actor, link.id, reason)
        .await?;
    Ok(Redirect::to(&visit_path(&code, visit.id, ANCHOR)).into_response())
}

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/visits/{visit}/patient-links",
            Scope::Subject(Action::IssuePatientLink),
            issue,
        )
        .post(
            "/subjects/{code}/visits/{visit}/patient-links/{link}/revoke",
            Scope::Subject(Action::IssuePatientLink),
            revoke,
        )
}
