//! Lesion photographs for scripts: the upload, a JSON object with the file in base64 (one body
//! type for every endpoint, read by `body::parse`), through the command the visit page calls
//! (`store::Store::add_photo`), so both channels get the same refusals.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::{MAX_PHOTO_BYTES, NewPhoto};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse, visit_of};

/// The largest body read: the largest photograph in base64 (4 characters per 3 bytes) and room
/// for the other fields. A larger one is refused before it is read whole.
const BODY_LIMIT: usize = MAX_PHOTO_BYTES.div_ceil(3) * 4 + 64 * 1024;

/// A lesion photograph of one CLASI area, taken at the visit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhotoIn {
    /// The CLASI area pictured: `scalp`, `ears`, `nose_malar`, `rest_of_face`, `v_neck`,
    /// `posterior_neck_shoulders`, `chest`, `abdomen`, `back_buttocks`, `arms`, `hands`, `legs`
    /// or `feet`.
    #[schema(example = "nose_malar")]
    area: String,
    #[schema(value_type = String, format = Date)]
    taken_on: Date,
    #[serde(default)]
    caption: Option<String>,
    /// The file, JPEG or PNG (judged by its content), at most 10 MiB, in standard base64.
    /// EXIF, XMP, IPTC, comments and PNG text are removed before it is kept and hashed.
    #[schema(format = Byte)]
    file: String,
}

/// A photograph as kept.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PhotoOut {
    id: i64,
    version: i64,
    /// The SHA-256 of the file as kept (metadata removed), which the audit trail carries.
    sha256: String,
    /// `image/jpeg` or `image/png`.
    media_type: String,
    byte_size: i64,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/photos", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = PhotoIn,
    responses(
        (status = 201, description = "Kept", body = PhotoOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Not a JPEG or PNG, too large, or a field refused", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Body,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let body = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::invalid(
            "file",
            format!(
                "the body is larger than a photograph of at most {} MiB in base64 can be",
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
        )
    })?;
    let input: PhotoIn = parse(&body)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.file.trim())
        .map_err(|error| ApiError::invalid("file", format!("is not standard base64 ({error})")))?;
    let upload = NewPhoto {
        subject_id: subject.id,
        visit_id: visit.id,
        area: input.area,
        taken_on: input.taken_on,
        caption: input.caption,
        bytes,
    };
    let stored = state.store.add_photo(&principal.0.actor, &upload).await?;
    let file = stored.data.file();
    let out = PhotoOut {
        id: stored.id,
        version: stored.version,
        sha256: file.sha256().to_owned(),
        media_type: file.media_type().code().to_owned(),
        byte_size: file.byte_size(),
    };
    Ok(json(StatusCode::CREATED, &out))
}
