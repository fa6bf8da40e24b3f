//! The API's one error type: a JSON body naming the field, with the status a script can branch on
//! (401 no or bad token, 403 not allowed, 404 missing or another site's, 409 stale version,
//! 422 bad input, 429 too many wrong passwords). Only a failure of the server itself is a 500, logged without request data.

use axum::http::StatusCode;
use axum::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::{Conflict, StoreError};
use utoipa::ToSchema;

use crate::api::json;
use crate::policy::Denied;

/// Why a request was not done. Nothing was saved.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// No `Authorization: Bearer` token, or not a live one.
    Unauthorized,
    Forbidden(String),
    /// Nothing here, or a subject of a site the user does not read (the two look the same).
    NotFound,
    Invalid {
        field: String,
        message: String,
    },
    /// The change was based on a stale version: both versions are in the answer.
    Conflict {
        conflict: Box<Conflict>,
        current: serde_json::Value,
        yours: serde_json::Value,
    },
    /// A record that is one per visit is already there: its kind and id.
    Exists {
        entity: &'static str,
        id: i64,
    },
    /// Too many wrong passwords: wait this many seconds (429 with `Retry-After`).
    TooManyAttempts(i64),
    Internal(StoreError),
}

impl ApiError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A stale-version refusal with the record as it stands and the change that was refused.
    pub(crate) fn with_versions(self, current: impl Serialize, yours: impl Serialize) -> ApiError {
        match self {
            ApiError::Conflict { conflict, .. } => ApiError::Conflict {
                conflict,
                current: serde_json::to_value(current).unwrap_or_default(),
                yours: serde_json::to_value(yours).unwrap_or_default(),
            },
            other => other,
        }
    }
}

/// The body of every refusal.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// `unauthorized`, `forbidden`, `not_found`, `invalid`, `conflict`, `exists` or
    /// `server_error`.
    error: &'static str,
    /// The input field at fault (a JSON path such as `clasi.areas.scalp.erythema`), for
    /// `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    message: String,
    /// For `conflict`: who changed the record since the version the change was based on.
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<ConflictBody>,
    /// For `exists`: the record already there (correct it with its id, version and a reason,
    /// or mark it entered in error).
    #[serde(skip_serializing_if = "Option::is_none")]
    existing: Option<ExistingBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ExistingBody {
    entity: String,
    id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConflictBody {
    entity: String,
    id: i64,
    your_version: i64,
    current_version: i64,
    changed_by: String,
    changed_at: String,
    /// The record as it stands now.
    #[schema(value_type = Object)]
    current: serde_json::Value,
    /// The change that was refused, as sent.
    #[schema(value_type = Object)]
    yours: serde_json::Value,
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound,
            StoreError::Forbidden(message) => ApiError::Forbidden(message),
            StoreError::AuthenticationFailed => ApiError::Unauthorized,
            StoreError::Invalid { field, message } => ApiError::invalid(field, message.to_string()),
            StoreError::ReasonRequired => ApiError::invalid(
                "reason",
                "a reason for change is required when changing a record",
            ),
            StoreError::Conflict(conflict) => ApiError::Conflict {
                conflict,
                current: serde_json::Value::Null,
                yours: serde_json::Value::Null,
            },
            StoreError::Exists { entity, id } => ApiError::Exists { entity, id },
            StoreError::Throttled {
                retry_after_seconds,
            } => ApiError::TooManyAttempts(retry_after_seconds),
            other => ApiError::Internal(other),
        }
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> ApiError {
        match denied {
            Denied::NotFound => ApiError::NotFound,
            forbidden @ Denied::Forbidden { .. } => ApiError::Forbidden(forbidden.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = |error, field, message: String| ErrorBody {
            error,
            field,
            message,
            conflict: None,
            existing: None,
        };
        let (status, body) = match self {
            ApiError::Unauthorized => {
                let body = body(
                    "unauthorized",
                    None,
                    "send a live API token as `Authorization: Bearer <token>`".to_owned(),
                );
                let mut response = json(StatusCode::UNAUTHORIZED, &body);
                response
                    .headers_mut()
                    .insert(WWW_AUTHENTICATE, "Bearer".parse().expect("header value"));
                return response;
            }
            ApiError::Forbidden(message) => {
                (StatusCode::FORBIDDEN, body("forbidden", None, message))
            }
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                body(
                    "not_found",
                    None,
                    "no such record, or it belongs to a site where you hold no role".to_owned(),
                ),
            ),
            ApiError::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body("invalid", Some(field), message),
            ),
            ApiError::Conflict {
                conflict,
                current,
                yours,
            } => {
                let message = conflict.to_string();
                let conflict = ConflictBody {
                    entity: conflict.entity.to_owned(),
                    id: conflict.id,
                    your_version: conflict.based_on,
                    current_version: conflict.current,
                    changed_by: conflict.changed_by,
                    changed_at: conflict.changed_at,
                    current,
                    yours,
                };
                (
                    StatusCode::CONFLICT,
                    ErrorBody {
                        error: "conflict",
                        field: None,
                        message,
                        conflict: Some(conflict),
                        existing: None,
                    },
                )
            }
            ApiError::Exists { entity, id } => (
                StatusCode::CONFLICT,
                ErrorBody {
                    error: "exists",
                    field: None,
                    message: StoreError::Exists { entity, id }.to_string(),
                    conflict: None,
                    existing: Some(ExistingBody {
                        entity: entity.to_owned(),
                        id,
                    }),
                },
            ),
            ApiError::TooManyAttempts(seconds) => {
                let message = StoreError::Throttled {
                    retry_after_seconds: seconds,
                }
                .to_string();
                let body = body("too_many_attempts", Some("password".to_owned()), message);
                let mut response = json(StatusCode::TOO_MANY_REQUESTS, &body);
                response.headers_mut().insert(RETRY_AFTER, seconds.into());
                return response;
            }
            ApiError::Internal(error) => {
                tracing::error!(%error, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    body(
                        "server_error",
                        None,
                        "the server could not complete this request; nothing was saved".to_owned(),
                    ),
                )
            }
        };
        json(status, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::Refusal;

    #[track_caller]
    fn check(error: StoreError, expect: StatusCode) {
        assert_eq!(ApiError::from(error).into_response().status(), expect);
    }

    #[test]
    fn only_a_failure_of_the_server_is_a_server_error() {
        check(
            StoreError::invalid("grade", Refusal::untranslated("must be 1 to 5")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        check(StoreError::ReasonRequired, StatusCode::UNPROCESSABLE_ENTITY);
        check(
            StoreError::NotFound {
                entity: "visit",
                id: "9".into(),
            },
            StatusCode::NOT_FOUND,
        );
        check(StoreError::Forbidden("no".into()), StatusCode::FORBIDDEN);
        check(StoreError::AuthenticationFailed, StatusCode::UNAUTHORIZED);
        let slowed = ApiError::from(StoreError::Throttled {
            retry_after_seconds: 60,
        })
        .into_response();
        assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(slowed.headers()[RETRY_AFTER], "60");
        check(
            StoreError::Conflict(Box::new(Conflict {
                entity: "subject",
                id: 1,
                based_on: 1,
                current: 2,
                changed_by: "coord_a".into(),
                changed_at: "2026-01-01T00:00:00Z".into(),
            })),
            StatusCode::CONFLICT,
        );
        check(
            StoreError::Exists {
                entity: "clasi",
                id: 7,
            },
            StatusCode::CONFLICT,
        );
        check(
            StoreError::Corrupt("bad row".into()),
            StatusCode::INTERNAL_SERVER_ERROR,
        );
    }
}
