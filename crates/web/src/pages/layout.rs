//! The page shell every page shares, the style sheet, and the 404 page.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};

use crate::error::PageError;
use crate::session::Principal;

/// A full page: header with navigation and logout for a logged-in user, then `body` under an
/// `h1` of `title`.
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
            }
            body {
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
