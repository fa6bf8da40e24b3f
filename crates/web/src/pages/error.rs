//! How a page answers a [`PageError`]: the login page, the password page, or an error page in
//! the layout of every page, in the reader's words; and how a policy refusal reads there.

use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::error::PageError;
use crate::pages::{layout, words};
use crate::policy::Denied;
use crate::session;

impl From<Denied> for PageError {
    fn from(denied: Denied) -> PageError {
        match denied {
            Denied::NotFound => PageError::NotFound,
            forbidden @ Denied::Forbidden { .. } => PageError::Forbidden(forbidden.to_string()),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let words = words();
        let (status, title, text) = match self {
            PageError::LoginNeeded => {
                return (
                    StatusCode::SEE_OTHER,
                    [
                        (LOCATION, "/login".to_owned()),
                        (SET_COOKIE, session::clear_cookie(session::SESSION_COOKIE)),
                    ],
                )
                    .into_response();
            }
            PageError::SessionEnded { back } => {
                let query =
                    serde_urlencoded::to_string([("next", back.as_str())]).unwrap_or_default();
                return (
                    StatusCode::SEE_OTHER,
                    [
                        (LOCATION, format!("/login?{query}")),
                        (SET_COOKIE, session::clear_cookie(session::SESSION_COOKIE)),
                    ],
                )
                    .into_response();
            }
            PageError::PasswordChangeNeeded => {
                let to = session::PASSWORD_PATH;
                return (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response();
            }
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "error-not-found",
                words.get("error-not-found-text"),
            ),
            PageError::Forbidden(message) => (StatusCode::FORBIDDEN, "error-forbidden", message),
            PageError::CrossSite => (
                StatusCode::FORBIDDEN,
                "error-cross-site",
                words.get("error-cross-site-text"),
            ),
            PageError::Refused(message) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "error-refused", message)
            }
            PageError::Internal(error) => {
                tracing::error!(%error, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal",
                    words.get("error-internal-text"),
                )
            }
        };
        let body = layout::page(
            &words.get(title),
            None,
            html! { p { (text) } p { a href="/" { (words.get("error-back")) } } },
        );
        (status, body).into_response()
    }
}
