//! The one error type of the handlers. Bad input is the user's to fix and gets a page saying
//! what to do; only a failure of the server itself is a 500, logged without request data.

use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use maud::html;
use store::StoreError;

use crate::pages::layout;
use crate::session;

/// Why a request was not answered with its page.
#[derive(Debug)]
pub enum PageError {
    /// No live session: go to the login page.
    LoginNeeded,
    /// Nothing here, or nothing this user may see (the two look the same).
    NotFound,
    /// The user may not do this.
    Forbidden(String),
    /// A state change from another site, or a form without its token.
    CrossSite,
    /// A failure of the server or database.
    Internal(StoreError),
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> PageError {
        match error {
            StoreError::NotFound { .. } => PageError::NotFound,
            StoreError::Forbidden(message) => PageError::Forbidden(message),
            other => PageError::Internal(other),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
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
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such page or record, or it belongs to a site where you hold no role."
                    .to_owned(),
            ),
            PageError::Forbidden(message) => (StatusCode::FORBIDDEN, "Not allowed", message),
            PageError::CrossSite => (
                StatusCode::FORBIDDEN,
                "Form refused",
                "The form did not come from this page or has expired. Go back, reload the page and try again."
                    .to_owned(),
            ),
            PageError::Internal(error) => {
                eprintln!("cletrial web: internal error: {error}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Server error",
                    "The server could not complete this request. Nothing was saved; try again or tell the study administrator."
                        .to_owned(),
                )
            }
        };
        let body = layout::page(
            title,
            None,
            html! { p { (text) } p { a href="/" { "Back to the dashboard" } } },
        );
        (status, body).into_response()
    }
}
