//! The JSON API under `/api/v1`: the operations of the pages for scripts, authenticated by
//! `Authorization: Bearer <token>` only (never a cookie, so there is nothing for another site to
//! forge and no CSRF token), with the same policy checks as the pages. The OpenAPI document at
//! `/api/v1/openapi.json` is generated from the handlers' annotations and body types.
//!
//! Every handler checks the policy before it reads the body, so a refused user learns nothing
//! from the validation of their input; bodies are then read field by field, and a bad one is a
//! 422 naming the field (its JSON path) in words. A body is one JSON object of the fields its
//! type declares: an unknown field, or text after the object, is refused, not ignored.
//!
//! Modules: `principal` (who sends the request, from the token), `body` (reading a body,
//! serde's refusals in words), `error` (the one error type),
//! `subjects` (list, read, screen, enrol, history),
//! `visits` (visits, CLASI, SLEDAI-2K, labs, doses, signatures), `clinical` (the protocol
//! decision and adverse events), `queries` (data queries), `review` (source data verification and locks), `openapi` (the
//! document).

mod body;
mod clinical;
mod course;
pub(crate) mod error;
mod openapi;
mod principal;
mod queries;
mod records;
mod review;
mod subjects;
mod visits;

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::{Subject, Visit};

use crate::AppState;
use crate::policy::{Action, Routes};
pub(crate) use body::parse;
use error::ApiError;
use principal::ApiPrincipal;

/// The API's routes (each listed in `policy::ENDPOINTS`).
pub(crate) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/openapi.json", openapi::document)
        .get("/api/v1/subjects", subjects::list)
        .post("/api/v1/subjects", subjects::screen)
        .get("/api/v1/subjects/{code}", subjects::read)
        .post("/api/v1/subjects/{code}/enrolment", subjects::enrol)
        .get("/api/v1/subjects/{code}/history", subjects::history)
        .get("/api/v1/subjects/{code}/visits", visits::list)
        .post("/api/v1/subjects/{code}/visits", visits::add)
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/clasi",
            visits::clasi,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/sledai",
            visits::sledai,
        )
        .post("/api/v1/subjects/{code}/visits/{visit}/labs", visits::lab)
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/nerve-conduction",
            visits::nerve_study,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/signatures",
            visits::sign,
        )
        .post("/api/v1/subjects/{code}/doses", visits::dose)
        .get("/api/v1/subjects/{code}/decision", clinical::decision)
        .post(
            "/api/v1/subjects/{code}/decisions",
            clinical::record_decision,
        )
        .get(
            "/api/v1/subjects/{code}/adverse-events",
            clinical::adverse_events,
        )
        .post(
            "/api/v1/subjects/{code}/adverse-events",
            clinical::add_adverse_event,
        )
        .get("/api/v1/subjects/{code}/queries", queries::list)
        .post("/api/v1/subjects/{code}/queries", queries::open)
        .post(
            "/api/v1/subjects/{code}/queries/{query}/answer",
            queries::answer,
        )
        .post(
            "/api/v1/subjects/{code}/queries/{query}/close",
            queries::close,
        )
        .get(
            "/api/v1/subjects/{code}/verifications",
            review::verifications,
        )
        .post("/api/v1/subjects/{code}/verifications", review::verify)
        .get("/api/v1/subjects/{code}/locks", review::locks)
        .post("/api/v1/subjects/{code}/locks", review::lock)
        .post(
            "/api/v1/subjects/{code}/locks/{lock}/unlock",
            review::unlock,
        )
        .post(
            "/api/v1/subjects/{code}/records/{kind}/{record}/void",
            records::void,
        )
        .post("/api/v1/subjects/{code}/events", course::add_event)
        .post(
            "/api/v1/subjects/{code}/disposition",
            course::add_disposition,
        )
        .post("/api/v1/subjects/{code}/conmeds", course::add_conmed)
}

/// `value` as a JSON response.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (status, [(CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot write a response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The subject `code` once `principal` may do `action` at its site (404 for another site's).
pub(crate) async fn subject_for(
    state: &AppState,
    principal: &ApiPrincipal,
    code: &str,
    action: Action,
) -> Result<Subject, ApiError> {
    let subject = state.store.subject_by_code(code).await?;
    principal.0.require(action, Some(&subject.data.site))?;
    Ok(subject)
}

/// Visit `id` (from the path) of `subject`; any other visit, or text that is no id, is 404.
pub(crate) async fn visit_of(
    state: &AppState,
    subject: &Subject,
    id: &str,
) -> Result<Visit, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let visit = state.store.visit(id).await?;
    if visit.subject_id == subject.id {
        Ok(visit)
    } else {
        Err(ApiError::NotFound)
    }
}
