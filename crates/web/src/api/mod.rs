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
//! `visits` (visits, CLASI, SLEDAI-2K, labs, doses, signatures), `outcomes` (the outcome
//! instruments a study collects, with their scores), `patient_links` (one-time links for the
//! patient's own answers: issue, list, revoke), `photos` (lesion photographs, the file
//! in base64), `clinical` (the protocol
//! decision and adverse events), `queries` (data queries), `review` (source data verification and locks), `openapi` (the
//! document).

mod body;
mod clinical;
mod course;
pub(crate) mod error;
mod openapi;
mod outcomes;
mod patient_links;
mod photos;
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
use crate::policy::{Action, Scope};
use crate::routes::Routes;
pub(crate) use body::parse;
use error::ApiError;

/// The API's routes, each with the check it makes.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/openapi.json", Scope::Public, openapi::document)
        .get("/api/v1/subjects", Scope::LoggedIn, subjects::list)
        .post(
            "/api/v1/subjects",
            Scope::Site(Action::Screen),
            subjects::screen,
        )
        .get(
            "/api/v1/subjects/{code}",
            Scope::Subject(Action::ReadSubject),
            subjects::read,
        )
        .post(
            "/api/v1/subjects/{code}/enrolment",
            Scope::Subject(Action::Enrol),
            subjects::enrol,
        )
        .post(
            "/api/v1/subjects/{code}/unblinding",
            Scope::Subject(Action::EmergencyUnblind),
            subjects::unblind,
        )
        .get(
            "/api/v1/unblindings",
            Scope::Study(Action::ReadUnblindings),
            subjects::unblindings,
        )
        .get(
            "/api/v1/subjects/{code}/history",
            Scope::Subject(Action::ReadHistory),
            subjects::history,
        )
        .get(
            "/api/v1/subjects/{code}/visits",
            Scope::Subject(Action::ReadSubject),
            visits::list,
        )
        .post(
            "/api/v1/subjects/{code}/visits",
            Scope::Subject(Action::EnterVisitData),
            visits::add,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/clasi",
            Scope::Subject(Action::EnterVisitData),
            visits::clasi,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/sledai",
            Scope::Subject(Action::EnterVisitData),
            visits::sledai,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/labs",
            Scope::Subject(Action::EnterVisitData),
            visits::lab,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/nerve-conduction",
            Scope::Subject(Action::EnterVisitData),
            visits::nerve_study,
        )
        .get(
            "/api/v1/subjects/{code}/visits/{visit}/outcomes",
            Scope::Subject(Action::ReadSubject),
            outcomes::list,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/outcomes/{instrument}",
            Scope::Subject(Action::EnterVisitData),
            outcomes::save_questionnaire,
        )
        .get(
            "/api/v1/subjects/{code}/visits/{visit}/patient-links",
            Scope::Subject(Action::ReadSubject),
            patient_links::list,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/patient-links",
            Scope::Subject(Action::IssuePatientLink),
            patient_links::issue,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/patient-links/{link}/revoke",
            Scope::Subject(Action::IssuePatientLink),
            patient_links::revoke,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/photos",
            Scope::Subject(Action::EnterVisitData),
            photos::upload,
        )
        .post(
            "/api/v1/subjects/{code}/visits/{visit}/signatures",
            Scope::Subject(Action::Sign),
            visits::sign,
        )
        .post(
            "/api/v1/subjects/{code}/doses",
            Scope::Subject(Action::EnterVisitData),
            visits::dose,
        )
        .get(
            "/api/v1/subjects/{code}/decision",
            Scope::Subject(Action::ReadSubject),
            clinical::decision,
        )
        .post(
            "/api/v1/subjects/{code}/decisions",
            Scope::Subject(Action::RecordDecision),
            clinical::record_decision,
        )
        .get(
            "/api/v1/subjects/{code}/adverse-events",
            Scope::Subject(Action::ReadSubject),
            clinical::adverse_events,
        )
        .post(
            "/api/v1/subjects/{code}/adverse-events",
            Scope::Subject(Action::RecordAdverseEvent),
            clinical::add_adverse_event,
        )
        .get(
            "/api/v1/subjects/{code}/queries",
            Scope::Subject(Action::ReadSubject),
            queries::list,
        )
        .post(
            "/api/v1/subjects/{code}/queries",
            Scope::Subject(Action::RaiseQuery),
            queries::open,
        )
        .post(
            "/api/v1/subjects/{code}/queries/{query}/answer",
            Scope::Subject(Action::AnswerQuery),
            queries::answer,
        )
        .post(
            "/api/v1/subjects/{code}/queries/{query}/close",
            Scope::Subject(Action::CloseQuery),
            queries::close,
        )
        .get(
            "/api/v1/subjects/{code}/verifications",
            Scope::Subject(Action::ReadSubject),
            review::verifications,
        )
        .post(
            "/api/v1/subjects/{code}/verifications",
            Scope::Subject(Action::VerifySource),
            review::verify,
        )
        .get(
            "/api/v1/subjects/{code}/locks",
            Scope::Subject(Action::ReadSubject),
            review::locks,
        )
        .post(
            "/api/v1/subjects/{code}/locks",
            Scope::Subject(Action::Lock),
            review::lock,
        )
        .post(
            "/api/v1/subjects/{code}/locks/{lock}/unlock",
            Scope::Subject(Action::Lock),
            review::unlock,
        )
        .post(
            "/api/v1/subjects/{code}/records/{kind}/{record}/void",
            Scope::Subject(Action::EnterVisitData),
            records::void,
        )
        .post(
            "/api/v1/subjects/{code}/events",
            Scope::Subject(Action::EnterVisitData),
            course::add_event,
        )
        .post(
            "/api/v1/subjects/{code}/disposition",
            Scope::Subject(Action::EnterVisitData),
            course::add_disposition,
        )
        .post(
            "/api/v1/subjects/{code}/conmeds",
            Scope::Subject(Action::EnterVisitData),
            course::add_conmed,
        )
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
