//! The study team's web application: server-rendered pages (maud) over the study record.
//!
//! Codemap:
//! - `security`: response headers on every reply, and the same-origin check on unsafe methods.
//! - `session`: session cookies, tokens, and the [`Principal`] extractor (who, with which grants).
//! - `error`: the one error type of the page handlers (`pages::error` answers it as a page).
//! - `locale`: the reader of a request (language and time zone), current while it is answered.
//! - `trace`: the request's span in the log (its route and the user's number).
//! - `policy`: the role x action table, `Scope` (the check a route makes) and `Denied`.
//! - `routes`: a route's path, scope and handler registered in one call; `access`: the
//!   extractors that make the scope's check before the handler runs.
//! - `pages`: the pages, in modules that mirror their paths, and the pieces they share; `api`:
//!   the JSON API.
//! - `item_texts`: the outcome questionnaires' texts a study supplies ([`ItemTexts`]); the
//!   repository ships item ids and scoring only.
//! - `server`: the HTTP server ([`serve`]) with its bounds on slow, idle and too many clients
//!   ([`Limits`]), and the request body's deadline.
//!
//! Security model: a session is a random token in an HttpOnly, SameSite=Lax cookie, stored in the
//! record's database by its SHA-256 only; a login always issues a new token (no fixation) and ends
//! any session the browser already had. Every unsafe request must come from this origin
//! (Origin / Sec-Fetch-Site) and carry its form's token: the session's token, or for the login
//! form a token doubled in a cookie. Every page checks the user's roles per site; a subject of a
//! site where the user holds no role answers 404, like a subject that does not exist.

mod access;
mod api;
mod checklist;
mod error;
mod history;
mod item_texts;
mod locale;
mod pages;
pub mod policy;
mod routes;
mod security;
mod server;
mod session;
mod study;
mod trace;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::middleware;
use store::Store;

pub use error::PageError;
pub use item_texts::{ItemTexts, ItemTextsError};
pub use server::{Limits, serve};
pub use session::{Principal, issue_token};

use routes::Routes;

/// Settings of the web application.
#[derive(Clone, Debug)]
pub struct Config {
    /// A session unused for longer than this ends (seconds). Default 30 minutes.
    pub idle_timeout_seconds: i64,
    /// Mark cookies `Secure` and send `Strict-Transport-Security` (HSTS, one year) with every
    /// response: set this when the application is served over HTTPS (behind a TLS proxy). Off
    /// by default because `serve` itself speaks plain HTTP on a local address.
    pub secure_cookies: bool,
    /// Reverse proxies in front: for a request from one, the client's address is the last of
    /// its `X-Forwarded-For` (the address the proxy saw). Empty by default: the header is the
    /// client's to write, so it is believed only from a proxy named here.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A request's body must have arrived this long after its headers; otherwise the answer is
    /// 408 and the connection is closed. Default 30 seconds.
    pub body_timeout: Duration,
    /// The version the report and exports say wrote them (`0.9.0 (abc1234 2026-12-06)`); the
    /// binary gives its own, with commit and date.
    pub version: String,
    /// A randomised study's allocation secret, for the two ways an arm is ever shown: an
    /// investigator's emergency unblinding of one subject, and the unblinded statistician's
    /// allocation page. Kept in memory only, never in the record; without it nothing shows an
    /// arm.
    pub allocation_secret: Option<protocol::allocation::Secret>,
    /// The outcome questionnaires' texts the study supplies (`serve --item-texts`); empty: the
    /// forms show the items by id only.
    pub item_texts: ItemTexts,
}

impl Default for Config {
    /// NIST SP 800-63B-4 leaves the idle timeout to a risk assessment; 30 idle minutes is this
    /// project's default (a setting, not a rule). Failed passwords are the store's throttle
    /// (`store::Throttle`).
    fn default() -> Config {
        Config {
            idle_timeout_seconds: 30 * 60,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            body_timeout: Duration::from_secs(30),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            allocation_secret: None,
            item_texts: ItemTexts::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Store,
    pub(crate) config: Arc<Config>,
    /// When sessions and throttle counts were last pruned (Unix seconds): at most once a
    /// minute, so a burst of logins does not write the same housekeeping a hundred times.
    pub(crate) pruned_at: Arc<std::sync::atomic::AtomicI64>,
}

/// Every route of the application, pages and API.
fn routes() -> Routes {
    api::routes().merge(pages::routes())
}

/// Every endpoint of the application with the check it makes: the surface the authorisation
/// matrix test walks.
pub fn endpoints() -> Vec<policy::Endpoint> {
    routes().endpoints().to_vec()
}

/// The whole application over an open study record.
pub fn router(store: Store, config: Config) -> Router {
    let state = AppState {
        store,
        config: Arc::new(config),
        pruned_at: Arc::default(),
    };
    routes()
        .finish()
        .fallback(pages::layout::not_found)
        .layer(middleware::from_fn(security::same_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            server::body_deadline,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        // Every page, error pages of the layers above included, speaks the reader's language.
        .layer(middleware::from_fn(locale::scope))
        // Outermost: whatever is logged while a request is answered names its route and user.
        .layer(middleware::from_fn(trace::span))
        .with_state(state)
}
