//! The page shell every page shares, the style sheet, and the 404 page.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};

use crate::error::PageError;
use crate::session::Principal;

/// A full page: header with navigation and logout for a logged-in user, then `body` under an
/// `h1` of `title`. A logged-in page loads `static/app.js`, which warns before the session
/// ends unused and keeps a sent form's text should it end.
pub(crate) fn page(title: &str, principal: Option<&Principal>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · cletrial" }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/static/icon.svg" type="image/svg+xml";
                @if principal.is_some() {
                    script src="/static/app.js" defer {}
                }
            }
            body data-idle=[principal.map(|principal| principal.idle_timeout_seconds)] {
                a.skip href="#main" { "Skip to content" }
                header.bar {
                    a.brand href="/" { "cletrial" }
                    @if let Some(principal) = principal {
                        nav aria-label="Main" {
                            a href="/" { "Dashboard" }
                            a href="/subjects" { "Subjects" }
                        }
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(principal.csrf_token);
                            span.who { "Signed in as " strong { (principal.actor.login()) } }
                            a href=(crate::pages::account::PASSWORD_PATH) { "Change password" }
                            button type="submit" { "Log out" }
                        }
                    }
                }
                @if principal.is_some() {
                    // Shown by app.js before the session ends unused.
                    div #session-warning.alert role="alert" hidden {
                        p #session-warning-text { "Your session will end soon unless you continue." }
                        button #stay-signed-in type="button" { "Stay signed in" }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The one style sheet, compiled into the binary.
pub(crate) async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

pub(crate) async fn not_found() -> PageError {
    PageError::NotFound
}
