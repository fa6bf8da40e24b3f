//! Login and logout.

use std::sync::atomic::Ordering;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use store::{FailedLogins, LoginAttempt, Password, StoreError};
use words::Arg;

use crate::AppState;
use crate::error::PageError;
use crate::locale;
use crate::pages::form::{Plain, too_many_attempts};
use crate::pages::{layout, words};
use crate::policy::Scope;
use crate::routes::Routes;
use crate::session::{self, ClientAddress, DEVICE_COOKIE, LOGIN_COOKIE, Principal, SESSION_COOKIE};

/// The login form as posted; absent fields are empty (and reported as such, never a 4xx/5xx).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginForm {
    login: String,
    password: String,
    csrf: String,
    /// Where the user was going when the session was needed (`session::safe_next` decides).
    next: String,
}

/// The login page's address parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct LoginQuery {
    next: String,
}

/// A message next to one field of the login form.
struct FieldError {
    field: &'static str,
    message: String,
}

fn login_page(login: &str, token: &str, next: &str, error: Option<&FieldError>) -> Markup {
    let words = words();
    let field = |name: &'static str, label: &str, kind: &str, value: &str, autocomplete: &str| {
        let message = error.filter(|error| error.field == name);
        Plain {
            name,
            label,
            kind,
            value,
            autocomplete,
            hint: None,
            message: message.map(|error| error.message.as_str()),
        }
        .render()
    };
    layout::page(
        &words.get("login-title"),
        None,
        html! {
            @if next.contains("restore=1") {
                p.alert role="status" { (words.get("login-session-ended-unsaved")) }
            } @else if session::safe_next(next) != "/" {
                p.alert role="status" { (words.get("login-session-ended")) }
            }
            form.login method="post" action="/login" novalidate {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="next" value=(session::safe_next(next));
                (field("login", &words.get("login-login"), "text", login, "username"))
                (field("password", &words.get("login-password"), "password", "", "current-password"))
                button type="submit" { (words.get("login-title")) }
            }
        },
    )
}

pub(crate) async fn form(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    // A login page already open in this browser keeps working: another login page loaded
    // meanwhile (a second tab, or a script of an expired page landing here) reuses the
    // browser's token instead of replacing it, which would make the first page's login a 403.
    let token = match session::cookie(&headers, LOGIN_COOKIE) {
        Some(token) if session::is_token(token) => token.to_owned(),
        _ => session::random_token()?,
    };
    let cookie = session::set_cookie(LOGIN_COOKIE, &token, state.config.secure_cookies);
    Ok((
        [(SET_COOKIE, cookie)],
        login_page("", &token, &query.next, None),
    )
        .into_response())
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = session::cookie(&headers, LOGIN_COOKIE).ok_or(PageError::CrossSite)?;
    if !session::same_token(&form.csrf, expected) {
        return Err(PageError::CrossSite);
    }
    let again = |status: StatusCode, field: &'static str, message: &str| {
        let error = FieldError {
            field,
            message: message.to_owned(),
        };
        Ok((
            status,
            login_page(&form.login, expected, &form.next, Some(&error)),
        )
            .into_response())
    };
    let login = form.login.trim();
    if login.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "login",
            &words().get("login-enter-login"),
        );
    }
    let Ok(password) = Password::typed(&form.password) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password",
            &words().get("login-enter-password"),
        );
    };
    let now = session::now();
    let device = session::cookie(&headers, DEVICE_COOKIE);
    let attempt = LoginAttempt {
        login,
        password: &password,
        client: &client.0,
        device,
        now,
    };
    let logged_in = match state.store.log_in(attempt).await {
        Ok(logged_in) => logged_in,
        Err(StoreError::AuthenticationFailed) => {
            return again(
                StatusCode::UNAUTHORIZED,
                "password",
                &words().get("login-wrong"),
            );
        }
        Err(StoreError::Throttled {
            retry_after_seconds,
        }) => {
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                "password",
                &too_many_attempts(retry_after_seconds),
            )?;
            response
                .headers_mut()
                .insert(RETRY_AFTER, retry_after_seconds.into());
            return Ok(response);
        }
        Err(other) => return Err(other.into()),
    };
    let actor = &logged_in.actor;
    let pruned = state.pruned_at.load(Ordering::Relaxed);
    if now - pruned >= 60
        && state
            .pruned_at
            .compare_exchange(pruned, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        state
            .store
            .prune_sessions(state.config.idle_timeout_seconds, now)
            .await?;
    }
    // A fresh token on every login; a session the browser came with (planted or stale) ends.
    if let Some(old) = session::cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(old).await?;
    }
    let token = session::random_token()?;
    let csrf = session::random_token()?;
    state.store.open_session(actor, &token, &csrf, now).await?;
    let secure = state.config.secure_cookies;
    let mut cookies = vec![
        session::set_cookie(SESSION_COOKIE, &token, secure),
        session::clear_cookie(LOGIN_COOKIE),
    ];
    // This browser is trusted for this login from now on: a stranger's wrong passwords
    // elsewhere will not slow its owner here.
    if !logged_in.trusted_device {
        let device = session::random_token()?;
        state.store.trust_device(actor, &device, now).await?;
        let lasts = state.store.throttle().device_trusted_seconds;
        cookies.push(session::persistent_cookie(
            DEVICE_COOKIE,
            &device,
            lasts,
            secure,
        ));
    }
    // Appended: a plain header array would keep only the last Set-Cookie.
    let cookies = AppendHeaders(cookies.into_iter().map(|cookie| (SET_COOKIE, cookie)));
    let next = session::safe_next(&form.next);
    match logged_in.failed_since_last_login {
        None => Ok((StatusCode::SEE_OTHER, [(LOCATION, next)], cookies).into_response()),
        Some(failed) => Ok((cookies, failed_logins_page(failed, next)).into_response()),
    }
}

/// Told once, at the owner's next login (OWASP ASVS 2.2.1): someone tried their account.
fn failed_logins_page(failed: FailedLogins, next: &str) -> Markup {
    let words = words();
    let last = jiff::Timestamp::from_second(failed.last_at)
        .map(locale::time)
        .unwrap_or_default();
    let times = words.format("login-failed-count", &[("count", Arg::from(failed.count))]);
    layout::page(
        &words.get("login-failed-title"),
        None,
        html! {
            p role="alert" {
                (words.get("login-failed-since")) " " strong { (times) }
                " " (words.format("login-failed-last", &[("last", Arg::from(last))]))
            }
            p { (words.get("login-failed-not-you")) }
            p { a href=(next) { (words.get(if next == "/" { "login-continue-dashboard" } else { "login-continue-page" })) } }
        },
    )
}

/// The logout form: only the session's token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenForm {
    csrf: String,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    principal.check_form_token(&form.csrf)?;
    if let Some(token) = session::cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(token).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (LOCATION, "/login".to_owned()),
            (SET_COOKIE, session::clear_cookie(SESSION_COOKIE)),
        ],
    )
        .into_response())
}

/// The login form, logging in and out, and "stay signed in".
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get("/login", Scope::Public, form)
        .post("/login", Scope::Public, submit)
        .post("/logout", Scope::LoggedIn, logout)
        .get("/session/alive", Scope::LoggedIn, alive)
}

/// "Stay signed in": reading the session (the extractor) restarts its idle time.
async fn alive(_: Principal) -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}
