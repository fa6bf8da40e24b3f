//! Enrolment of a screened subject (`POST /subjects/{code}/enrol`), from the subject page's
//! enrolment section; a refusal shows that page again with the form as typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use store::StoreError;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::{received, subjects};
use crate::policy::{Action, Scope};
use crate::routes::Routes;

/// Enrols a screened subject whose latest evaluation is eligible.
pub(crate) async fn enrol(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let date = typed.date("enrolment_date");
    if let (Some(date), false) = (date, typed.has_errors()) {
        let waiver = Some(typed.get("waiver").trim().to_owned()).filter(|text| !text.is_empty());
        let enrolment = store::Enrolment {
            subject_id: subject.id,
            based_on: subject.version,
            consent_date: subject.data.consent_date.unwrap_or(date),
            enrolment_date: date,
            waiver,
            reason: None,
        };
        match state.store.enrol(&principal.actor, &enrolment).await {
            Ok(_) => return Ok(Redirect::to(&format!("/subjects/{code}")).into_response()),
            // Only an investigator waives: said next to the waiver, the form kept.
            Err(StoreError::Forbidden(message)) => typed.fail("waiver", message),
            Err(error) => typed.refused(error)?,
        }
    }
    let page = subjects::render(
        &state,
        &principal,
        &subject,
        subjects::Forms {
            enrol: Some(typed),
            ..Default::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Enrolment from the subject page.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/enrol",
        Scope::Subject(Action::Enrol),
        enrol,
    )
}
