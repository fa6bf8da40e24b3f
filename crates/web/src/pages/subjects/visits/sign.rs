//! The investigator's electronic signature of a visit (`.../sign`), with the password again.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use store::{Meaning, Password};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::received;
use crate::policy::{Action, Scope};
use crate::routes::Routes;

use super::{Section, SectionPost, version_of, visit_of};

pub(crate) async fn sign(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let meaning = Meaning::parse(typed.get("meaning"));
    let password = Password::typed(typed.get("password"));
    let version = version_of(&mut typed).unwrap_or(visit.version);
    let saved = match (meaning, password) {
        (Ok(meaning), Ok(password)) => Some(
            state
                .store
                .sign_visit(&principal.actor, visit.id, version, &password, meaning)
                .await,
        ),
        (meaning, password) => {
            for error in [meaning.err(), password.err()].into_iter().flatten() {
                typed.refused(error)?;
            }
            None
        }
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Sign, saved, typed)
        .await
}

/// The signature of the visit.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/visits/{visit}/sign",
        Scope::Subject(Action::Sign),
        sign,
    )
}
