//! Data queries: a monitor asks about one field of one record, the site answers, the monitor
//! closes it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::{DataQuery, StoreError, Stored, Subject};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse};

/// A data query as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QueryOut {
    id: i64,
    /// Send this back to answer or close the query.
    version: i64,
    /// The kind of record asked about, as in the audit trail (`clasi`, `lab`, `subject`, ...).
    entity: String,
    record_id: i64,
    field: String,
    question: String,
    answer: Option<String>,
    /// `open`, `answered` or `closed`.
    status: String,
}

fn query_out(stored: &Stored<DataQuery>) -> QueryOut {
    let query = &stored.data;
    QueryOut {
        id: stored.id,
        version: stored.version,
        entity: query.entity.clone(),
        record_id: query.record_id,
        field: query.field.clone(),
        question: query.question.clone(),
        answer: query.answer.clone(),
        status: query.status.code().to_owned(),
    }
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/queries", tag = "queries",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = [QueryOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let queries: Vec<QueryOut> = state
        .store
        .queries_of(subject.id)
        .await?
        .iter()
        .map(query_out)
        .collect();
    Ok(json(StatusCode::OK, &queries))
}

/// A question about one field of one record of the subject.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueryIn {
    /// The kind of record, as in the audit trail (`clasi`, `lab`, `subject`, ...).
    #[schema(min_length = 1)]
    entity: String,
    record_id: i64,
    #[schema(min_length = 1)]
    field: String,
    #[schema(min_length = 1)]
    question: String,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/queries", tag = "queries",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = QueryIn,
    responses(
        (status = 201, body = QueryOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn open(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: QueryIn = parse(&body)?;
    let stored = state
        .store
        .open_query(
            &principal.0.actor,
            subject.id,
            &input.entity,
            input.record_id,
            &input.field,
            &input.question,
        )
        .await?;
    Ok(json(StatusCode::CREATED, &query_out(&stored)))
}

/// The query `{query}` of `subject`; another subject's, or text that is no id, is 404.
async fn query_of(
    state: &AppState,
    subject: &Subject,
    id: &str,
) -> Result<Stored<DataQuery>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let query = state.store.query(id).await?;
    if query.data.subject_id == subject.id {
        Ok(query)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The reply to a step of query `id`: the query as it now stands, or for a stale version the
/// query as it stands and the change refused.
async fn answered(
    state: &AppState,
    id: i64,
    moved: Result<Stored<DataQuery>, StoreError>,
    yours: &impl Serialize,
) -> Result<Response, ApiError> {
    match moved {
        Ok(stored) => Ok(json(StatusCode::OK, &query_out(&stored))),
        Err(error @ StoreError::Conflict(_)) => {
            let current = state.store.query(id).await?;
            Err(ApiError::from(error).with_versions(query_out(&current), yours))
        }
        Err(other) => Err(other.into()),
    }
}

/// The site's answer.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerIn {
    /// The query's version as read.
    version: i64,
    #[schema(min_length = 1)]
    answer: String,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/queries/{query}/answer", tag = "queries",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("query" = i64, Path, description = "The query's id")),
    request_body = AnswerIn,
    responses(
        (status = 200, body = QueryOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since read: both versions", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn answer(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, query)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let query = query_of(&state, &subject, &query).await?;
    let input: AnswerIn = parse(&body)?;
    let moved = state
        .store
        .answer_query(&principal.0.actor, query.id, input.version, &input.answer)
        .await;
    answered(&state, query.id, moved, &input).await
}

/// Closing a query as read.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseIn {
    /// The query's version as read.
    version: i64,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/queries/{query}/close", tag = "queries",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("query" = i64, Path, description = "The query's id")),
    request_body = CloseIn,
    responses(
        (status = 200, body = QueryOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since read: both versions", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn close(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, query)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let query = query_of(&state, &subject, &query).await?;
    let input: CloseIn = parse(&body)?;
    let moved = state
        .store
        .close_query(&principal.0.actor, query.id, input.version)
        .await;
    answered(&state, query.id, moved, &input).await
}
