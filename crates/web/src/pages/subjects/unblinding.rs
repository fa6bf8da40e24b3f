//! Emergency unblinding of one randomised subject (`POST /subjects/{code}/unblind`), from the
//! subject page's section, and the unblinded statistician's allocation page (`GET /allocation`).
//! These are the only two places an arm is ever shown, both computed by the store with the
//! server's allocation secret (`store::randomisation`); the unblinding shows the arm once, in
//! its own response, and the page afterwards shows only that the subject was unblinded, when and
//! why.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use protocol::allocation::Arm;
use store::{Randomisation, StoreError, Unblinded, Unblinding};

use crate::AppState;
use crate::access::{Allowed, SubjectAccess};
use crate::error::PageError;
use crate::pages::form::{Posted, Typed, token};
use crate::pages::{layout, received, subjects, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// The unblinded statistician's page of arms.
pub(crate) const ALLOCATION: &str = "/allocation";

/// An arm as people say it: its label and code.
fn arm_said(arm: &Arm) -> String {
    format!("{} ({})", arm.label, arm.code)
}

/// The subject page's section: the unblindings so far (when and why, never the arm), the arm
/// just shown to the investigator who unblinded, and the form for those who may unblind.
pub(crate) fn section(
    principal: &Principal,
    code: &str,
    site: &str,
    unblindings: &[&Unblinded],
    shown: Option<&str>,
    typed: Option<&Typed>,
) -> Markup {
    let may = principal
        .require(Action::EmergencyUnblind, Some(site))
        .is_ok();
    let blank = Typed::filled::<&str, &str>([]);
    let typed = typed.unwrap_or(&blank);
    html! {
        section #unblinding {
            h2 { (words().get("unblind-title")) }
            @if let Some(arm) = shown {
                div.alert role="alert" {
                    p { strong { (words().format("unblind-arm-is", &[("arm", arm.into())])) } }
                    p { (words().get("unblind-shown-once")) }
                }
            }
            @if unblindings.is_empty() {
                p { (words().get("unblind-none")) }
            } @else {
                ul {
                    @for unblinded in unblindings {
                        li { (words().format("unblind-done", &[("date", unblinded.unblinded_on.to_string().into()), ("reason", unblinded.reason.clone().into())])) }
                    }
                }
            }
            @if may && shown.is_none() {
                form method="post" action={ "/subjects/" (code) "/unblind" } {
                    (token(&principal.csrf_token))
                    p.hint { (words().get("unblind-hint")) }
                    (typed.summary(&["reason", "confirmation"]))
                    (typed.input("reason", &words().get("unblind-reason"), "text"))
                    (typed.input("confirmation", &words().format("unblind-confirm", &[("code", code.into())]), "text"))
                    button type="submit" { (words().get("unblind-button")) }
                }
            }
        }
    }
}

/// Unblinds the subject: the arm shown in this response only; a refusal shows the form as typed.
pub(crate) async fn unblind(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(_code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let request = Unblinding {
        subject_id: subject.id,
        reason: typed.get("reason").to_owned(),
        confirmation: typed.get("confirmation").to_owned(),
    };
    let secret = state.config.allocation_secret.as_ref();
    let (status, forms) = match state
        .store
        .unblind(&principal.actor, &request, secret)
        .await
    {
        Ok((_, arm)) => {
            let forms = subjects::Forms {
                unblinded: Some(arm_said(&arm)),
                ..Default::default()
            };
            (StatusCode::OK, forms)
        }
        Err(error) => {
            match error {
                StoreError::Forbidden(message) => typed.fail("form", message),
                other => typed.refused(other)?,
            }
            let forms = subjects::Forms {
                unblind: Some(typed),
                ..Default::default()
            };
            (StatusCode::UNPROCESSABLE_ENTITY, forms)
        }
    };
    let page = subjects::render(&state, &principal, &subject, forms).await?;
    Ok((status, page).into_response())
}

/// The unblinded statistician's page: every randomised subject with their arm, and every
/// emergency unblinding.
async fn allocation(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Markup, PageError> {
    let protocol = state.store.protocol().await?;
    let randomised = state.store.randomisations().await?;
    let unblindings = state.store.unblindings().await?;
    let subjects = state.store.subjects().await?;
    let code = |id: i64| {
        subjects
            .iter()
            .find(|subject| subject.id == id)
            .map_or_else(String::new, |subject| subject.data.code.clone())
    };
    let arms: Option<Vec<(&Randomisation, String)>> = match (
        protocol.randomisation(),
        state.config.allocation_secret.as_ref(),
    ) {
        (Some(design), Some(secret)) => {
            let arms = store::arms(design, secret.clone(), &randomised)?;
            Some(
                randomised
                    .iter()
                    .zip(arms)
                    .map(|(randomisation, arm)| (randomisation, arm_said(&design.arms()[arm])))
                    .collect(),
            )
        }
        _ => None,
    };
    let body = html! {
        @match (&arms, protocol.randomisation()) {
            (_, None) => { p { (words().get("allocation-not-randomised")) } }
            (None, Some(_)) => { p { (words().get("allocation-no-secret")) } }
            (Some(arms), Some(_)) => {
                table {
                    caption { (words().format("allocation-count", &[("count", arms.len().into())])) }
                    thead { tr {
                        th scope="col" class="num" { (words().get("field-number")) }
                        th scope="col" { (words().get("subjects-study-id")) }
                        th scope="col" { (words().get("field-randomised_on")) }
                        th scope="col" { (words().get("field-stratum")) }
                        th scope="col" { (words().get("allocation-arm")) }
                    } }
                    tbody {
                        @for (randomisation, arm) in arms {
                            tr {
                                td.num { (randomisation.number) }
                                td { (code(randomisation.subject_id)) }
                                td { (randomisation.randomised_on) }
                                td { (randomisation.stratum) }
                                td { (arm) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (words().get("allocation-unblindings")) }
        (unblindings_table(&unblindings, &subjects))
    };
    Ok(layout::page(
        &words().get("allocation-title"),
        Some(&principal),
        body,
    ))
}

/// The emergency unblindings, newest first: when, whom (study id and site), by whom and why;
/// never the arm.
fn unblindings_table(unblindings: &[Unblinded], subjects: &[store::Subject]) -> Markup {
    let subject = |id: i64| subjects.iter().find(|subject| subject.id == id);
    html! {
        @if unblindings.is_empty() {
            p { (words().get("unblindings-none")) }
        } @else {
            table.unblindings {
                caption { (words().format("unblindings-count", &[("count", unblindings.len().into())])) }
                thead { tr {
                    th scope="col" { (words().get("unblindings-date")) }
                    th scope="col" { (words().get("subjects-study-id")) }
                    th scope="col" { (words().get("unblindings-site")) }
                    th scope="col" { (words().get("unblindings-by")) }
                    th scope="col" { (words().get("unblindings-reason")) }
                } }
                tbody {
                    @for unblinded in unblindings.iter().rev() {
                        @let found = subject(unblinded.subject_id);
                        tr {
                            td { (unblinded.unblinded_on) }
                            td { (found.map_or("", |s| s.data.code.as_str())) }
                            td { (found.map_or("", |s| s.data.site.as_str())) }
                            td { (unblinded.by) }
                            td { (unblinded.reason) }
                        }
                    }
                }
            }
        }
    }
}

/// The sponsor's notifications: every emergency unblinding at every site (ICH E6(R2) section
/// 4.7), with no arm.
async fn unblindings(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Markup, PageError> {
    let unblindings = state.store.unblindings().await?;
    let subjects = state.store.subjects().await?;
    let body = html! {
        p { (words().get("unblindings-lead")) }
        (unblindings_table(&unblindings, &subjects))
    };
    Ok(layout::page(
        &words().get("unblindings-title"),
        Some(&principal),
        body,
    ))
}

/// The sponsor's page of unblindings.
pub(crate) const UNBLINDINGS: &str = "/unblindings";

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/unblind",
            Scope::Subject(Action::EmergencyUnblind),
            unblind,
        )
        .get(ALLOCATION, Scope::Study(Action::ReadArms), allocation)
        .get(
            UNBLINDINGS,
            Scope::Study(Action::ReadUnblindings),
            unblindings,
        )
}
