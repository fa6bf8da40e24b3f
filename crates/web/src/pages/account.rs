//! The user's own account: changing their password (issue 15, item 10). A user whose password an
//! administrator reset reaches nothing else until they have chosen a new one.

use axum::Form;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::{Password, StoreError};

use crate::AppState;
use crate::error::PageError;
use crate::pages::form::{Plain, too_many_attempts};
use crate::pages::layout;
use crate::session::{self, Principal, SESSION_COOKIE};

pub(crate) const PASSWORD_PATH: &str = "/account/password";

/// The form as posted; passwords are taken exactly as typed (never trimmed).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current: String,
    new: String,
    again: String,
    csrf: String,
}

/// The page, with a message next to at most one field.
fn page(principal: &Principal, error: Option<(&str, &str)>) -> Markup {
    let forced = principal.must_change_password;
    let field = |name: &str, label: &str, autocomplete: &str, hint: Option<&str>| {
        let message = error.filter(|(field, _)| *field == name).map(|(_, m)| m);
        Plain {
            name,
            label,
            kind: "password",
            value: "",
            autocomplete,
            hint,
            message,
        }
        .render()
    };
    let rule = format!(
        "At least {} characters and hard to guess: a passphrase of several unrelated words works well. Not your login or your name.",
        Password::MIN_CHARS
    );
    layout::page(
        "Change your password",
        Some(principal),
        html! {
            @if forced {
                p role="alert" { "An administrator reset your password. Choose your own before you go on." }
            } @else {
                p { "Your other sessions end and your API tokens are revoked when you change it." }
            }
            form method="post" action=(PASSWORD_PATH) novalidate {
                input type="hidden" name="csrf" value=(principal.csrf_token);
                (field("current", "Current password", "current-password", None))
                (field("new", "New password", "new-password", Some(&rule)))
                (field("again", "New password again", "new-password", None))
                button type="submit" { "Change password" }
            }
        },
    )
}

pub(crate) async fn form(principal: Principal) -> Markup {
    page(&principal, None)
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    principal.check_form_token(&form.csrf)?;
    let again = |status: StatusCode, field: &str, message: &str| {
        Ok((status, page(&principal, Some((field, message)))).into_response())
    };
    let Ok(current) = Password::typed(&form.current) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "current",
            "Enter your current password.",
        );
    };
    if form.new != form.again {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "again",
            "The two new passwords differ; type the same one twice.",
        );
    }
    let new = match Password::new(&form.new) {
        Ok(new) => new,
        Err(StoreError::Invalid { message, .. }) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "new",
                &format!("The new password {message}."),
            );
        }
        Err(other) => return Err(other.into()),
    };
    let keep = session::cookie(&headers, SESSION_COOKIE);
    match state
        .store
        .change_password(&principal.actor, &current, &new, keep)
        .await
    {
        Ok(()) => Ok((StatusCode::SEE_OTHER, [(LOCATION, "/")]).into_response()),
        Err(StoreError::AuthenticationFailed) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "current",
            "The current password is not right.",
        ),
        Err(StoreError::Throttled {
            retry_after_seconds,
        }) => again(
            StatusCode::TOO_MANY_REQUESTS,
            "current",
            &too_many_attempts(retry_after_seconds),
        ),
        Err(StoreError::Invalid { message, .. }) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "new",
            &format!("The new password {message}."),
        ),
        Err(other) => Err(other.into()),
    }
}
