//! Marking a record entered in error from the pages: a small form beside each record (the
//! reason is required and kept in the audit trail), handled by the store's one command.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form;
use crate::pages::form::Posted;
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// The form that marks record `id` of `kind` (version `version`) entered in error, returning to
/// `back` (a path of the subject's pages).
pub(crate) fn void_form(
    principal: &Principal,
    code: &str,
    kind: &str,
    id: i64,
    version: i64,
    back: &str,
) -> Markup {
    html! {
        details.void {
            summary { (words().get("void-summary")) }
            form method="post" action={ "/subjects/" (code) "/records/" (kind) "/" (id) "/void" } {
                (form::token(&principal.csrf_token))
                input type="hidden" name="version" value=(version);
                input type="hidden" name="back" value=(back);
                label for={ "void-" (kind) "-" (id) } { (words().get("void-why")) }
                input id={ "void-" (kind) "-" (id) } name="reason" type="text" required;
                button type="submit" { (words().get("void-button")) }
            }
        }
    }
}

pub(crate) async fn void(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, kind, record)): Path<(String, String, String)>,
    axum::Form(pairs): Posted,
) -> Result<Response, PageError> {
    let typed = received(&principal, pairs)?;
    let id: i64 = record.parse().map_err(|_| PageError::NotFound)?;
    let version: i64 = typed
        .get("version")
        .parse()
        .map_err(|_| PageError::Refused(words().get("void-version")))?;
    state
        .store
        .void(
            &principal.actor,
            subject.id,
            &kind,
            id,
            version,
            typed.get("reason"),
        )
        .await?;
    // A removed screening has no page left: back to the list of subjects.
    if kind == "subject" {
        return Ok(Redirect::to("/subjects").into_response());
    }
    // Back to the page the form was on, if it is one of this subject's.
    let back = typed.get("back");
    let subject_pages = format!("/subjects/{code}");
    let back = if back.starts_with(&subject_pages) && !back.contains("//") {
        back.to_owned()
    } else {
        subject_pages
    };
    Ok(Redirect::to(&back).into_response())
}

/// A record marked entered in error.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/records/{kind}/{record}/void",
        Scope::Subject(Action::EnterVisitData),
        void,
    )
}
