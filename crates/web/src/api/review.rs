//! Source data verification and locks: the monitor's acts of the verification page, for
//! scripts. The same store commands as the page, so the same refusals.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::{Lock, Locked, SourceVerification, Stored};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse};

/// A verification of a record, or of one field of it, against the source.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VerificationOut {
    id: i64,
    /// The kind of record, as in the audit trail (`clasi`, `lab`, `subject`, ...).
    entity: String,
    record_id: i64,
    /// The field verified; absent: the whole record.
    field: Option<String>,
    /// The record's version when it was verified.
    record_version: i64,
    /// Who verified it (printed name).
    verified_by: String,
    /// UTC.
    verified_at: String,
    /// Why it no longer holds (the change that cleared it); absent while it holds.
    cleared: Option<String>,
}

fn verification_out(v: &SourceVerification) -> VerificationOut {
    VerificationOut {
        id: v.id,
        entity: v.entity.clone(),
        record_id: v.record_id,
        field: v.field.clone(),
        record_version: v.record_version,
        verified_by: v.printed_name.clone(),
        verified_at: v.verified_at.clone(),
        cleared: v.cleared.clone(),
    }
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/verifications", tag = "verification",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = [VerificationOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn verifications(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let out: Vec<VerificationOut> = state
        .store
        .verifications_of(subject.id)
        .await?
        .iter()
        .map(verification_out)
        .collect();
    Ok(json(StatusCode::OK, &out))
}

/// What the monitor compared with the source.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyIn {
    /// The kind of record, as in the audit trail (`clasi`, `lab`, `subject`, ...).
    #[schema(min_length = 1)]
    entity: String,
    record_id: i64,
    /// The record's version as read (a record changed since is refused).
    version: i64,
    /// The fields verified; empty or absent: the whole record.
    #[serde(default)]
    fields: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/verifications", tag = "verification",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = VerifyIn,
    responses(
        (status = 201, body = [VerificationOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: VerifyIn = parse(&body)?;
    let made = state
        .store
        .verify_source(
            &principal.0.actor,
            subject.id,
            &input.entity,
            input.record_id,
            input.version,
            &input.fields,
        )
        .await?;
    let out: Vec<VerificationOut> = made.iter().map(verification_out).collect();
    Ok(json(StatusCode::CREATED, &out))
}

/// A lock that holds.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LockOut {
    id: i64,
    /// Send this back to unlock.
    version: i64,
    /// The kind of record locked; absent: the whole casebook.
    entity: Option<String>,
    record_id: Option<i64>,
    locked: bool,
    /// Who locked it (printed name).
    locked_by: String,
    /// UTC.
    locked_at: String,
}

fn lock_out(stored: &Stored<Lock>) -> LockOut {
    let (entity, record_id) = match &stored.data.covers {
        Locked::Casebook => (None, None),
        Locked::Record { entity, record_id } => (Some(entity.clone()), Some(*record_id)),
    };
    LockOut {
        id: stored.id,
        version: stored.version,
        entity,
        record_id,
        locked: stored.data.locked,
        locked_by: stored.data.printed_name.clone(),
        locked_at: stored.data.locked_at.clone(),
    }
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/locks", tag = "verification",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = [LockOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn locks(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let out: Vec<LockOut> = state
        .store
        .locks_of(subject.id)
        .await?
        .iter()
        .map(lock_out)
        .collect();
    Ok(json(StatusCode::OK, &out))
}

/// What to lock: the whole casebook, or one record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LockIn {
    /// `casebook` (every record of the subject) or `record` (the one named below).
    #[schema(min_length = 1)]
    covers: String,
    /// For a record: its kind, as in the audit trail (`clasi`, `lab`, `subject`, ...).
    entity: Option<String>,
    /// For a record: its id.
    record_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/locks", tag = "verification",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = LockIn,
    responses(
        (status = 201, body = LockOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn lock(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: LockIn = parse(&body)?;
    let covers = match (input.covers.as_str(), input.entity, input.record_id) {
        ("casebook", None, None) => Locked::Casebook,
        ("record", Some(entity), Some(record_id)) => Locked::Record { entity, record_id },
        ("record", None, _) => return Err(invalid("entity", "name the kind of record to lock")),
        ("record", _, None) => return Err(invalid("record_id", "name the record to lock")),
        ("casebook", _, _) => {
            return Err(invalid("covers", "a casebook lock names no record"));
        }
        (other, _, _) => {
            return Err(invalid(
                "covers",
                &format!("'{other}' is not allowed; allowed: casebook, record"),
            ));
        }
    };
    let stored = state
        .store
        .lock(&principal.0.actor, subject.id, covers)
        .await?;
    Ok(json(StatusCode::CREATED, &lock_out(&stored)))
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::invalid(field, message)
}

/// Unlocking, with why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnlockIn {
    /// The lock's version as read.
    version: i64,
    #[schema(min_length = 1)]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/locks/{lock}/unlock", tag = "verification",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("lock" = i64, Path, description = "The lock's id")),
    request_body = UnlockIn,
    responses(
        (status = 200, body = LockOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn unlock(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, lock)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: UnlockIn = parse(&body)?;
    let id: i64 = lock.parse().map_err(|_| ApiError::NotFound)?;
    if !state
        .store
        .locks_of(subject.id)
        .await?
        .iter()
        .any(|lock| lock.id == id)
    {
        return Err(ApiError::NotFound);
    }
    let stored = state
        .store
        .unlock(&principal.0.actor, id, input.version, &input.reason)
        .await?;
    Ok(json(StatusCode::OK, &lock_out(&stored)))
}
