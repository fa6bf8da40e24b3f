//! Corrections and voids of a subject's records: any record is corrected (its id, the version
//! as read and a reason) or marked entered in error (the version and a reason); it stays in the
//! trail and leaves what the engine and the analyses read.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::{Stored, Subject, SubjectRecord};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse};

/// Which record a body corrects: none to add a new one.
#[derive(Debug)]
pub(crate) struct Correction {
    pub(crate) id: Option<i64>,
    pub(crate) version: Option<i64>,
    pub(crate) reason: Option<String>,
}

/// Declares the body of a form that adds a record or, given `id`, `version` and `reason`,
/// corrects the record it names: the struct with those three fields first (declared here, not
/// flattened from a struct, so that serde can name every field a body allows when it refuses
/// an unknown one), unknown fields refused, and `correction()`.
macro_rules! correctable {
    (
        $(#[$meta:meta])*
        struct $name:ident {
            $($(#[$field_meta:meta])* $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[serde(deny_unknown_fields)]
        pub(crate) struct $name {
            /// The record to correct; absent to add a new one.
            #[serde(default)]
            id: Option<i64>,
            /// The version of that record as read (required with `id`).
            #[serde(default)]
            version: Option<i64>,
            /// Why it is corrected (required with `id`).
            #[serde(default)]
            reason: Option<String>,
            $($(#[$field_meta])* $field: $ty,)*
        }

        impl $name {
            fn correction(&self) -> $crate::api::records::Correction {
                $crate::api::records::Correction {
                    id: self.id,
                    version: self.version,
                    reason: self.reason.clone(),
                }
            }
        }
    };
}
pub(crate) use correctable;

/// Adds `data`, or corrects the record the body names: 201 for a new record, 200 for a
/// correction. A record of another subject is not found.
pub(crate) async fn save<T: SubjectRecord>(
    state: &AppState,
    principal: &ApiPrincipal,
    subject: &Subject,
    correction: &Correction,
    data: &T,
) -> Result<(StatusCode, Stored<T>), ApiError> {
    let actor = &principal.0.actor;
    let Some(id) = correction.id else {
        return Ok((
            StatusCode::CREATED,
            state.store.add_record(actor, data).await?,
        ));
    };
    let current: Stored<T> = state.store.record(id).await?;
    if current.data.subject_id() != subject.id {
        return Err(ApiError::NotFound);
    }
    let version = correction.version.ok_or_else(|| {
        ApiError::invalid(
            "version",
            "required to correct a record: the version as read",
        )
    })?;
    let reason = correction.reason.as_deref().unwrap_or_default();
    let stored = state
        .store
        .update_record(actor, id, version, data, reason)
        .await?;
    Ok((StatusCode::OK, stored))
}

/// A record marked entered in error.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VoidIn {
    /// The record's version as read.
    version: i64,
    /// Why it was entered in error (kept in the audit trail).
    #[schema(min_length = 1)]
    reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VoidedOut {
    kind: String,
    id: i64,
    voided: bool,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/records/{kind}/{record}/void", tag = "records",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("kind" = String, Path, description = "subject (a screening never enrolled), visit, clasi, sledai, lab, dose, adverse_event, conmed, nerve_conduction, nerve_conduction_study, disposition or protocol_event"),
           ("record" = i64, Path, description = "The record's id")),
    request_body = VoidIn,
    responses(
        (status = 200, description = "Marked entered in error; it stays in the audit trail", body = VoidedOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since read: both versions", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn void(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, kind, record)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: VoidIn = parse(&body)?;
    let id: i64 = record.parse().map_err(|_| ApiError::NotFound)?;
    state
        .store
        .void(
            &principal.0.actor,
            subject.id,
            &kind,
            id,
            input.version,
            &input.reason,
        )
        .await?;
    Ok(json(
        StatusCode::OK,
        &VoidedOut {
            kind,
            id,
            voided: true,
        },
    ))
}
