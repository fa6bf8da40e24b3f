//! The page shell every page shares, the style sheet, and the 404 page.

use maud::{DOCTYPE, Markup, html};

use crate::error::PageError;
use crate::locale;
use crate::pages::words;
use crate::session::Principal;
use words::{Arg, Language};

/// A full page: header with navigation and logout for a logged-in user, then `body` under an
/// `h1` of `title`. A logged-in page loads `static/app.js`, which warns before the session
/// ends unused and keeps a sent form's text should it end; its messages are given it in the
/// page's language (`data-*` of the warning), `{seconds}` standing for the time left.
pub(crate) fn page(title: &str, principal: Option<&Principal>, body: Markup) -> Markup {
    let words = words();
    let language = locale::reader().language;
    html! {
        (DOCTYPE)
        html lang=(language.code()) {
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
                a.skip href="#main" { (words.get("layout-skip")) }
                header.bar {
                    a.brand href="/" { "cletrial" }
                    @if let Some(principal) = principal {
                        nav aria-label=(words.get("nav-main")) {
                            a href="/" { (words.get("nav-dashboard")) }
                            a href="/subjects" { (words.get("nav-subjects")) }
                            @if principal.require(crate::policy::Action::ReadArms, None).is_ok() {
                                a href=(crate::pages::subjects::unblinding::ALLOCATION) { (words.get("nav-allocation")) }
                            }
                            @if principal.require(crate::policy::Action::ReadUnblindings, None).is_ok() {
                                a href=(crate::pages::subjects::unblinding::UNBLINDINGS) { (words.get("nav-unblindings")) }
                            }
                            @if principal.require(crate::policy::Action::ReadCentrally, None).is_ok() {
                                a href="/reading" { (words.get("nav-reading")) }
                            }
                        }
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(principal.csrf_token);
                            span.who { (words.get("nav-signed-in-as")) " " strong { (principal.actor.login()) } }
                            a href=(crate::session::PASSWORD_PATH) { (words.get("nav-account")) }
                            button type="submit" { (words.get("nav-log-out")) }
                        }
                    }
                }
                @if principal.is_some() {
                    // Shown by app.js before the session ends unused.
                    div #session-warning.alert role="alert" hidden
                        data-ending=(words.format("session-ending", &[("seconds", Arg::from("{seconds}"))]))
                        data-ended=(words.get("session-ended"))
                        data-restored=(words.get("session-restored")) {
                        p #session-warning-text { (words.get("session-warning")) }
                        button #stay-signed-in type="button" { (words.get("session-stay")) }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
                @if let Some(principal) = principal {
                    footer.bar {
                        (language_switch(principal, language))
                    }
                }
            }
        }
    }
}

/// One button that sets the other language (the account page also offers the browser's own);
/// each language's name is written in that language.
fn language_switch(principal: &Principal, current: Language) -> Markup {
    let other = match current {
        Language::English => Language::Spanish,
        Language::Spanish => Language::English,
    };
    html! {
        form.language method="post" action=(crate::session::LANGUAGE_PATH) {
            input type="hidden" name="csrf" value=(principal.csrf_token);
            button type="submit" name="lang" value=(other.code()) lang=(other.code()) {
                (words::Words::of(other).get("language-name"))
            }
        }
    }
}

pub(crate) async fn not_found() -> PageError {
    PageError::NotFound
}
