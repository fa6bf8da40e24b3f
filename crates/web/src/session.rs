//! Session cookies and tokens, and the [`Principal`] every page starts from.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use store::{Actor, ApiToken, Grant, Role, Store, StoreError};

use crate::AppState;
use crate::error::PageError;

/// The session cookie: the random token of a live session.
pub(crate) const SESSION_COOKIE: &str = "cletrial_session";
/// The login form's token, doubled in this cookie (there is no session yet to bind it to).
pub(crate) const LOGIN_COOKIE: &str = "cletrial_login";

/// A browser where its user logged in before: a random token, kept by the store by its SHA-256
/// (`store::throttle`).
pub(crate) const DEVICE_COOKIE: &str = "cletrial_device";

/// 256 random bits from the operating system, as hex.
pub(crate) fn random_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| StoreError::Other(format!("no randomness: {error}").into()))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Whether `text` is a token as [`random_token`] makes them (64 lowercase hexadecimal digits).
pub(crate) fn is_token(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

/// Issues an API token acting for `login` (`actor` is that user or an administrator) until the
/// end of `expires_on` (UTC), and returns it with the token itself, which is shown once and
/// never stored.
pub async fn issue_token(
    store: &Store,
    actor: &Actor,
    login: &str,
    label: &str,
    expires_on: jiff::civil::Date,
) -> Result<(ApiToken, String), StoreError> {
    let token = random_token()?;
    let issued = store
        .create_token(actor, login, label, &token, expires_on)
        .await?;
    Ok((issued, token))
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// The value of cookie `name`, if the request carries it.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: never readable by script, sent on same-site navigation only.
pub(crate) fn set_cookie(name: &str, value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// A `Set-Cookie` value kept by the browser for `seconds`, across restarts.
pub(crate) fn persistent_cookie(name: &str, value: &str, seconds: i64, secure: bool) -> String {
    format!("{}; Max-Age={seconds}", set_cookie(name, value, secure))
}

/// A `Set-Cookie` value that deletes the cookie.
pub(crate) fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Compares tokens in time independent of where they differ.
pub(crate) fn same_token(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// The address of the client: as the server saw it, or, from a trusted proxy
/// (`Config::trusted_proxies`), the last address of its `X-Forwarded-For`; "unknown" when the
/// server was not told (tests that call the router directly).
pub(crate) struct ClientAddress(pub(crate) String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddress, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let address = match peer {
            Some(peer) if state.config.trusted_proxies.contains(&peer) => {
                forwarded_for(&parts.headers).unwrap_or(peer).to_string()
            }
            Some(peer) => peer.to_string(),
            None => "unknown".to_owned(),
        };
        Ok(ClientAddress(address))
    }
}

/// The last address of `X-Forwarded-For`: the one the proxy itself saw (earlier entries are the
/// client's to write).
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The logged-in user of a request, with their role grants per site.
#[derive(Clone, Debug)]
pub struct Principal {
    pub actor: Actor,
    /// The token every form of this session carries.
    pub csrf_token: String,
    pub grants: Vec<Grant>,
    /// An administrator reset the password: only the password page until a new one is chosen.
    pub must_change_password: bool,
    /// How long the session lasts unused: pages warn before it ends.
    pub idle_timeout_seconds: i64,
}

/// Where to come back to after logging in again: the page asked for; for a form sent after
/// the session ended, the page it was sent from (its `Referer`, when it is this site's), asked
/// to restore what was typed (`static/app.js` kept it).
fn way_back(parts: &Parts) -> String {
    if parts.method == axum::http::Method::GET {
        return parts
            .uri
            .path_and_query()
            .map_or("/", |path| path.as_str())
            .to_owned();
    }
    match referer(&parts.headers) {
        Some(uri) => format!("{}?restore=1", uri.path()),
        None => "/".to_owned(),
    }
}

/// The page a request was sent from, when it is this site's.
fn referer(headers: &HeaderMap) -> Option<axum::http::Uri> {
    let host = headers.get(axum::http::header::HOST);
    headers
        .get(axum::http::header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<axum::http::Uri>().ok())
        .filter(|uri| uri.authority().map(|a| a.as_str().as_bytes()) == host.map(|h| h.as_bytes()))
}

/// The path and query of the page a request was sent from, when it is this site's.
pub(crate) fn referer_path(headers: &HeaderMap) -> Option<String> {
    referer(headers)?
        .path_and_query()
        .map(|path| path.as_str().to_owned())
}

/// `next` when it is a path of this site (never another site's address: `//host`, `/\host`
/// or a scheme), else the dashboard.
pub(crate) fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    if local && !next.starts_with("/login") {
        next
    } else {
        "/"
    }
}

/// The account pages' paths: kept here, with the rule below, since a session whose password was
/// reset may reach only these.
pub(crate) const PASSWORD_PATH: &str = "/account/password";
pub(crate) const LANGUAGE_PATH: &str = "/account/language";

/// The pages a user whose password was reset may reach before choosing a new one (the language
/// of the pages is no risk to choose first).
const BEFORE_PASSWORD_CHANGE: [&str; 3] = [PASSWORD_PATH, LANGUAGE_PATH, "/logout"];

impl Principal {
    /// The user's roles at a site (every role reads the site's subjects).
    pub fn roles_at(&self, site_code: &str) -> Vec<Role> {
        self.grants
            .iter()
            .filter(|grant| grant.site.code == site_code)
            .map(|grant| grant.role)
            .collect()
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_form_token(&self, token: &str) -> Result<(), PageError> {
        if same_token(token, &self.csrf_token) {
            Ok(())
        } else {
            Err(PageError::CrossSite)
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Principal, PageError> {
        let ended = || PageError::SessionEnded {
            back: way_back(parts),
        };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(ended)?;
        let session = state
            .store
            .resume_session(token, state.config.idle_timeout_seconds, now())
            .await?
            .ok_or_else(ended)?;
        if session.must_change_password && !BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path()) {
            return Err(PageError::PasswordChangeNeeded);
        }
        crate::trace::user(session.actor.user_id());
        let grants = state.store.grants_of(session.actor.user_id()).await?;
        Ok(Principal {
            actor: session.actor,
            csrf_token: session.csrf_token,
            grants,
            must_change_password: session.must_change_password,
            idle_timeout_seconds: state.config.idle_timeout_seconds,
        })
    }
}
