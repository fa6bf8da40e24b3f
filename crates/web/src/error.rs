//! The one error type of the page handlers. Bad input is the user's to fix and gets a page saying
//! what to do; only a failure of the server itself is a 500, logged without request data. The
//! page it becomes is the pages' (`pages::error`), so this type depends on no page.

use store::StoreError;

/// Why a request was not answered with its page.
#[derive(Debug)]
pub enum PageError {
    /// No live session: go to the login page.
    LoginNeeded,
    /// The session ended (or there was none) on the way to a page: log in, then come back to
    /// `back` (a path of this site; for a form sent after the session ended, the page it was
    /// sent from, asked to restore what was typed).
    SessionEnded { back: String },
    /// An administrator reset the password: go to the page that changes it.
    PasswordChangeNeeded,
    /// Nothing here, or nothing this user may see (the two look the same).
    NotFound,
    /// The user may not do this.
    Forbidden(String),
    /// A state change from another site, or a form without its token.
    CrossSite,
    /// The record refused the input (range, date order, someone else saved first): nothing was
    /// saved. Forms show these next to their fields; this is the fallback page.
    Refused(String),
    /// A failure of the server or database.
    Internal(StoreError),
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> PageError {
        match error {
            StoreError::NotFound { .. } => PageError::NotFound,
            StoreError::Forbidden(message) => PageError::Forbidden(message),
            StoreError::AuthenticationFailed => PageError::LoginNeeded,
            refused if refused.is_user_error() => PageError::Refused(refused.to_string()),
            other => PageError::Internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    use super::*;
    use store::Refusal;

    #[track_caller]
    fn check(error: StoreError, expect: StatusCode) {
        let response = PageError::from(error).into_response();
        assert_eq!(response.status(), expect);
    }

    #[test]
    fn only_a_failure_of_the_server_is_a_server_error() {
        check(
            StoreError::invalid("visit", Refusal::untranslated("before consent")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        check(StoreError::ReasonRequired, StatusCode::UNPROCESSABLE_ENTITY);
        check(
            StoreError::NotFound {
                entity: "subject",
                id: "X".into(),
            },
            StatusCode::NOT_FOUND,
        );
        check(
            StoreError::Forbidden("no role".into()),
            StatusCode::FORBIDDEN,
        );
        check(StoreError::AuthenticationFailed, StatusCode::SEE_OTHER);
        check(
            StoreError::Corrupt("bad row".into()),
            StatusCode::INTERNAL_SERVER_ERROR,
        );
    }
}
