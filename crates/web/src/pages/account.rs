//! The user's own account: changing their password (issue 15, item 10), and the language of the
//! pages. A user whose password an administrator reset reaches nothing else until they have
//! chosen a new one (the language aside).

use axum::Form;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::{Password, StoreError};

use words::{Arg, Language, Words};

use crate::AppState;
use crate::error::PageError;
use crate::locale::LANGUAGE_COOKIE;
use crate::pages::form::{Plain, too_many_attempts};
use crate::pages::{layout, words};
use crate::policy::Scope;
use crate::routes::Routes;
use crate::session::{self, LANGUAGE_PATH, PASSWORD_PATH, Principal, SESSION_COOKIE};

/// How long the browser keeps the language chosen: a year, renewed with every choice.
const LANGUAGE_KEPT_SECONDS: i64 = 365 * 24 * 3600;

/// The form as posted; passwords are taken exactly as typed (never trimmed).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PasswordForm {
    current: String,
    new: String,
    again: String,
    csrf: String,
}

/// The page, with a message next to at most one field; `chosen` is the language the user set
/// (none: the browser's).
fn page(principal: &Principal, chosen: Option<Language>, error: Option<(&str, &str)>) -> Markup {
    let words = words();
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
    let rule = words.format(
        "account-password-rule",
        &[("min", Arg::from(Password::MIN_CHARS))],
    );
    let choice = |value: &str, label: String, lang: Option<&str>, checked: bool| {
        let id = format!("lang-{value}");
        html! {
            div.choice {
                input type="radio" id=(id) name="lang" value=(value) checked[checked];
                label for=(id) lang=[lang] { (label) }
            }
        }
    };
    layout::page(
        &words.get("account-title"),
        Some(principal),
        html! {
            h2 { (words.get("account-password")) }
            @if forced {
                p role="alert" { (words.get("account-password-reset")) }
            } @else {
                p { (words.get("account-password-effect")) }
            }
            form method="post" action=(PASSWORD_PATH) novalidate {
                input type="hidden" name="csrf" value=(principal.csrf_token);
                (field("current", &words.get("account-current-password"), "current-password", None))
                (field("new", &words.get("account-new-password"), "new-password", Some(&rule)))
                (field("again", &words.get("account-new-password-again"), "new-password", None))
                button type="submit" { (words.get("account-change-password")) }
            }
            h2 { (words.get("account-language")) }
            form method="post" action=(LANGUAGE_PATH) {
                input type="hidden" name="csrf" value=(principal.csrf_token);
                fieldset {
                    legend { (words.get("account-language-legend")) }
                    (choice("browser", words.get("account-language-browser"), None, chosen.is_none()))
                    @for language in Language::ALL {
                        (choice(
                            language.code(),
                            Words::of(language).get("language-name"),
                            Some(language.code()),
                            chosen == Some(language),
                        ))
                    }
                }
                button type="submit" { (words.get("account-language-save")) }
            }
        },
    )
}

/// The language the user set, from its cookie (a value naming no language is no setting).
fn chosen(headers: &HeaderMap) -> Option<Language> {
    session::cookie(headers, LANGUAGE_COOKIE).and_then(Language::of_code)
}

pub(crate) async fn form(principal: Principal, headers: HeaderMap) -> Markup {
    page(&principal, chosen(&headers), None)
}

/// The language form as posted: `en`, `es`, or `browser` for the browser's language.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LanguageForm {
    lang: String,
    csrf: String,
}

/// Keeps the language chosen in a cookie (or forgets it: the browser's language then decides)
/// and goes back to the page the choice was made on.
pub(crate) async fn set_language(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Result<Response, PageError> {
    principal.check_form_token(&form.csrf)?;
    let cookie = match (form.lang.as_str(), Language::of_code(&form.lang)) {
        (_, Some(language)) => session::persistent_cookie(
            LANGUAGE_COOKIE,
            language.code(),
            LANGUAGE_KEPT_SECONDS,
            state.config.secure_cookies,
        ),
        ("browser", None) => session::clear_cookie(LANGUAGE_COOKIE),
        _ => return Err(PageError::Refused(words().get("account-language-choose"))),
    };
    let back = session::referer_path(&headers).unwrap_or_else(|| "/".to_owned());
    let back = session::safe_next(&back).to_owned();
    Ok((
        StatusCode::SEE_OTHER,
        [(LOCATION, back), (SET_COOKIE, cookie)],
    )
        .into_response())
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    principal.check_form_token(&form.csrf)?;
    let again = |status: StatusCode, field: &str, message: &str| {
        Ok((
            status,
            page(&principal, chosen(&headers), Some((field, message))),
        )
            .into_response())
    };
    let Ok(current) = Password::typed(&form.current) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "current",
            &words().get("account-enter-current"),
        );
    };
    if form.new != form.again {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "again",
            &words().get("account-passwords-differ"),
        );
    }
    let new = match Password::new(&form.new) {
        Ok(new) => new,
        Err(StoreError::Invalid { message, .. }) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "new",
                &words().format(
                    "account-new-refused",
                    &[("reason", Arg::from(message.said(words())))],
                ),
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
            &words().get("account-current-wrong"),
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
            &words().format(
                "account-new-refused",
                &[("reason", Arg::from(message.said(words())))],
            ),
        ),
        Err(other) => Err(other.into()),
    }
}

/// The password page and the language switch.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get(session::PASSWORD_PATH, Scope::LoggedIn, form)
        .post(session::PASSWORD_PATH, Scope::LoggedIn, submit)
        .post(session::LANGUAGE_PATH, Scope::LoggedIn, set_language)
}
