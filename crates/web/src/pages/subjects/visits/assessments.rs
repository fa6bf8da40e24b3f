//! The visit's assessments, each posted on its own: CLASI (`.../clasi`), SLEDAI-2K
//! (`.../sledai`), a lab result (`.../labs`) and a nerve conduction study
//! (`.../nerve-conduction`). A refusal shows the visit page again with that section as typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use store::{ClasiAssessment, Finding, LabResult, NerveConductionStudy, SledaiAssessment};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::instruments_form::{self as forms};
use crate::pages::received;
use crate::policy::{Action, Scope};
use crate::routes::Routes;

use super::{Section, SectionPost, add_or_correct, version_of, visit_of};

pub(crate) async fn save_nerve_study(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let tested_on = typed.date("tested_on");
    let finding = Finding::parse(typed.get("finding"))
        .map_err(|error| typed.refused(error))
        .ok();
    let saved =
        if let (Some(tested_on), Some(finding), false) = (tested_on, finding, typed.has_errors()) {
            let study = NerveConductionStudy {
                subject_id: subject.id,
                visit_id: Some(visit.id),
                tested_on,
                finding,
                note: Some(typed.get("note").trim().to_owned()).filter(|note| !note.is_empty()),
            };
            Some(state.store.add_record(&principal.actor, &study).await)
        } else {
            None
        };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Nerve, saved, typed)
        .await
}

pub(crate) async fn save_clasi(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let (clasi, _) = forms::read_clasi(&mut typed, forms::Blanks::AsTicked);
    let assessed_on = typed.date("assessed_on");
    let version = version_of(&mut typed);
    let saved =
        if let (Some(clasi), Some(assessed_on), false) = (clasi, assessed_on, typed.has_errors()) {
            let data = ClasiAssessment {
                subject_id: subject.id,
                visit_id: visit.id,
                assessed_on,
                clasi,
            };
            Some(
                add_or_correct(
                    &state,
                    &principal,
                    |other: &ClasiAssessment| other.visit_id == visit.id,
                    version,
                    &data,
                    typed.get("reason"),
                )
                .await,
            )
        } else {
            None
        };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Clasi, saved, typed)
        .await
}

pub(crate) async fn save_sledai(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let sledai = forms::read_sledai(&mut typed);
    let assessed_on = typed.date("assessed_on");
    let version = version_of(&mut typed);
    let saved = if let (Some(sledai), Some(assessed_on), false) =
        (sledai, assessed_on, typed.has_errors())
    {
        let data = SledaiAssessment {
            subject_id: subject.id,
            visit_id: Some(visit.id),
            assessed_on,
            sledai,
        };
        Some(
            add_or_correct(
                &state,
                &principal,
                |other: &SledaiAssessment| other.visit_id == Some(visit.id),
                version,
                &data,
                typed.get("reason"),
            )
            .await,
        )
    } else {
        None
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Sledai, saved, typed)
        .await
}

pub(crate) async fn add_lab(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let saved = if let Some(lab) = forms::typed_lab(&mut typed) {
        let data = LabResult {
            subject_id: subject.id,
            visit_id: Some(visit.id),
            ..lab
        };
        Some(state.store.add_record(&principal.actor, &data).await)
    } else {
        None
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Lab, saved, typed)
        .await
}

/// Each assessment of the visit.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/visits/{visit}/clasi",
            Scope::Subject(Action::EnterVisitData),
            save_clasi,
        )
        .post(
            "/subjects/{code}/visits/{visit}/sledai",
            Scope::Subject(Action::EnterVisitData),
            save_sledai,
        )
        .post(
            "/subjects/{code}/visits/{visit}/labs",
            Scope::Subject(Action::EnterVisitData),
            add_lab,
        )
        .post(
            "/subjects/{code}/visits/{visit}/nerve-conduction",
            Scope::Subject(Action::EnterVisitData),
            save_nerve_study,
        )
}
