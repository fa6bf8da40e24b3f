//! Patient links for scripts (issue 19): issue a one-time link for a visit's patient-reported
//! instrument (its secret and address returned once), list a visit's links with their state,
//! revoke one with a reason. The same store commands as the visit page, so the same refusals.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::PatientLink;
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse, visit_of};

/// Which instrument the patient is to answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkIn {
    /// `dlqi`, `skindex`, `worst_itch_nrs` or `worst_pain_nrs`: one the study's protocol
    /// collects and the patient answers.
    #[schema(min_length = 1)]
    instrument: String,
}

/// Revoking, with why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RevokeIn {
    #[schema(min_length = 1)]
    reason: String,
}

/// A link as the record knows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LinkOut {
    id: i64,
    instrument: &'static str,
    /// The visit's window as the record stands (null when the visit falls in none).
    #[schema(value_type = Option<String>, format = Date)]
    opens_on: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    closes_on: Option<String>,
    /// `open`, `not_yet_open`, `expired`, `used`, `revoked` or `unscheduled`, today.
    state: &'static str,
    #[schema(value_type = Option<String>, format = Date)]
    used_on: Option<String>,
    /// The questionnaire the patient's answers became.
    questionnaire_id: Option<i64>,
}

/// A link just issued: the only time its secret is given.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IssuedOut {
    link: LinkOut,
    /// 64 hexadecimal digits.
    token: String,
    /// The address to give the patient.
    url: String,
}

fn out(link: &PatientLink) -> LinkOut {
    LinkOut {
        id: link.id,
        instrument: link.instrument.code(),
        opens_on: link.window.map(|window| window.opens_on.to_string()),
        closes_on: link.window.map(|window| window.closes_on.to_string()),
        state: link.state().code(),
        used_on: link.used_on.map(|date| date.to_string()),
        questionnaire_id: link.questionnaire_id,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/patient-links", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = LinkIn,
    responses(
        (status = 201, description = "Issued: the secret and address, shown this once", body = IssuedOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The instrument is recorded at this visit already", body = ErrorBody),
        (status = 422, description = "An instrument the study does not collect or the patient does not answer, a subject not enrolled, a visit outside every window or whose window has closed", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn issue(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: LinkIn = parse(&body)?;
    let visit = visit_of(&state, &subject, &visit).await?;
    let instrument = store::questionnaire_instrument(&input.instrument)?;
    let issued = state
        .store
        .issue_patient_link(&principal.0.actor, visit.id, instrument)
        .await?;
    let url = crate::pages::patient::url(&headers, state.config.secure_cookies, &issued.token);
    Ok(json(
        StatusCode::CREATED,
        &IssuedOut {
            link: out(&issued.link),
            token: issued.token,
            url,
        },
    ))
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/visits/{visit}/patient-links", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    responses(
        (status = 200, body = [LinkOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let links: Vec<LinkOut> = state
        .store
        .patient_links_of_visit(visit.id)
        .await?
        .iter()
        .map(out)
        .collect();
    Ok(json(StatusCode::OK, &links))
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/patient-links/{link}/revoke", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id"),
           ("link" = i64, Path, description = "The link's id")),
    request_body = RevokeIn,
    responses(
        (status = 200, body = LinkOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "No reason, or a link used or revoked already", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit, link)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: RevokeIn = parse(&body)?;
    let visit = visit_of(&state, &subject, &visit).await?;
    let id: i64 = link.parse().map_err(|_| ApiError::NotFound)?;
    let of_visit = state.store.patient_links_of_visit(visit.id).await?;
    if !of_visit.iter().any(|link| link.id == id) {
        return Err(ApiError::NotFound);
    }
    state
        .store
        .revoke_patient_link(&principal.0.actor, id, &input.reason)
        .await?;
    let revoked = state
        .store
        .patient_links_of_visit(visit.id)
        .await?
        .into_iter()
        .find(|link| link.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(json(StatusCode::OK, &out(&revoked)))
}
