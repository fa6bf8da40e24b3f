//! The dose from a visit (`.../dose`): a change of regimen through the store's one dose command.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use store::{DoseChange, DosePeriod, NewDose};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::Typed;
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::study;

use super::{Section, SectionPost, visit_of};

/// Records a dose change from a date through the one store command: the running period ends
/// the day before (as `protocol::History::give` does) and the new regimen starts, unless it is
/// the off level. A study with dose levels picks one; one without takes the regimen typed.
pub(crate) async fn give_dose(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let protocol = study::protocol_of(&state.store).await?;
    let start = typed.date("start_date");
    let dose = match protocol
        .as_ref()
        .ok()
        .map(|protocol| new_dose(protocol, &typed))
    {
        Some(Ok(dose)) => Some(dose),
        Some(Err((field, message))) => {
            typed.fail(&field, message);
            None
        }
        None => {
            typed.fail("level", words().get("visit-no-protocol"));
            None
        }
    };
    let saved = if let (Some(from), Some(dose), false) = (start, dose, typed.has_errors()) {
        let change = DoseChange {
            subject_id: subject.id,
            from,
            dose,
            until: None,
        };
        Some(state.store.change_dose(&principal.actor, &change).await)
    } else {
        None
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Dose, saved, typed)
        .await
}

/// The dose the form names: a protocol level (off stops the drug), or in a study without levels
/// the regimen typed; a refusal names its field.
fn new_dose(protocol: &protocol::Protocol, typed: &Typed) -> Result<NewDose, (String, String)> {
    let drug = protocol
        .file()
        .study
        .drug
        .ok_or(("level".to_owned(), words().get("visit-no-drug")))?;
    if protocol.file().dose_levels.is_empty() {
        return DosePeriod::regimen_named(
            drug.id(),
            typed.get("amount"),
            typed.get("unit"),
            typed.get("frequency"),
        )
        .map(NewDose::Regimen)
        .map_err(|error| match error {
            store::StoreError::Invalid { field, message } => (field, message.said(words())),
            other => ("amount".to_owned(), other.to_string()),
        });
    }
    let level = protocol
        .dose_level(typed.get("level"))
        .ok_or(("level".to_owned(), words().get("visit-choose-level")))?;
    Ok(level
        .regimen(drug)
        .map_or(NewDose::Stop(drug), NewDose::Regimen))
}

/// The dose form of the visit.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/visits/{visit}/dose",
        Scope::Subject(Action::EnterVisitData),
        give_dose,
    )
}
