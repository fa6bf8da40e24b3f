//! Enrolment of a screened subject (`POST /subjects/{code}/enrol`), from the subject page's
//! enrolment section; a refusal shows that page again with the form as typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use protocol::allocation::{Design, Factor};
use store::StoreError;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::{Posted, Typed, token};
use crate::pages::{received, subjects, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;

/// Enrols a screened subject whose latest evaluation is eligible.
pub(crate) async fn enrol(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    // Each factor's level as chosen; a factor left at "choose" is missing, and said so by the
    // record next to its field.
    let factors: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(name, value)| {
            let factor = name.strip_prefix(FACTOR)?;
            (!value.trim().is_empty()).then(|| (factor.to_owned(), value.clone()))
        })
        .collect();
    let mut typed = received(&principal, pairs)?;
    let date = typed.date("enrolment_date");
    if let (Some(date), false) = (date, typed.has_errors()) {
        let waiver = Some(typed.get("waiver").trim().to_owned()).filter(|text| !text.is_empty());
        let enrolment = store::Enrolment {
            subject_id: subject.id,
            based_on: subject.version,
            consent_date: subject.data.consent_date.unwrap_or(date),
            enrolment_date: date,
            waiver,
            reason: None,
            factors,
        };
        match state.store.enrol(&principal.actor, &enrolment).await {
            Ok(_) => return Ok(Redirect::to(&format!("/subjects/{code}")).into_response()),
            // Only an investigator waives: said next to the waiver, the form kept.
            Err(StoreError::Forbidden(message)) => typed.fail("waiver", message),
            Err(error) => typed.refused(error)?,
        }
    }
    let page = subjects::render(
        &state,
        &principal,
        &subject,
        subjects::Forms {
            enrol: Some(typed),
            ..Default::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The prefix of a stratification factor's field, as the record names it (`factors.subtype`).
const FACTOR: &str = "factors.";

/// The enrolment form: the date, and in a randomised study each factor's level (the arm is
/// never shown; the number is, once enrolled); a waiver where the checklist does not say
/// eligible and the study does not randomise.
pub(crate) fn form(
    csrf: &str,
    code: &str,
    typed: &Typed,
    design: Option<&Design>,
    eligible: bool,
) -> Markup {
    let factors: Vec<(String, &Factor)> = design
        .map(|design| {
            design
                .factors()
                .iter()
                .map(|factor| (format!("{FACTOR}{}", factor.name), factor))
                .collect()
        })
        .unwrap_or_default();
    let mut shown = vec!["enrolment_date", "waiver"];
    shown.extend(factors.iter().map(|(name, _)| name.as_str()));
    let choose = words().get("subjects-factor-choose");
    html! {
        form method="post" action={ "/subjects/" (code) "/enrol" } {
            (token(csrf))
            (typed.summary(&shown))
            (typed.input("enrolment_date", &words().get("subjects-enrolment-date"), "date"))
            @if design.is_some() {
                p.hint { (words().get("subjects-randomised-hint")) }
                @for (name, factor) in &factors {
                    @let options: Vec<(&str, &str)> = std::iter::once(("", choose.as_str()))
                        .chain(factor.levels.iter().map(|level| (level.as_str(), level.as_str())))
                        .collect();
                    (typed.select(name, &factor.name, &options))
                }
                @if !eligible {
                    p.hint { (words().get("subjects-randomised-eligible-only")) }
                }
            } @else if !eligible {
                p.hint { (words().get("subjects-not-eligible-hint")) }
                (typed.input("waiver", &words().get("subjects-waiver"), "text"))
            }
            button type="submit" { (words().get("subjects-enrol")) }
        }
    }
}

/// A randomisation as staff read it: the number, the stratum's levels and the place.
pub(crate) fn randomisation_said(randomisation: &store::Randomisation) -> String {
    let levels: Vec<String> = randomisation
        .levels
        .iter()
        .map(|(factor, level)| format!("{factor}: {level}"))
        .collect();
    words().format(
        "subjects-randomisation-is",
        &[
            ("number", randomisation.number.into()),
            ("levels", levels.join("; ").into()),
            ("place", randomisation.place.into()),
            ("date", randomisation.randomised_on.to_string().into()),
        ],
    )
}

/// Enrolment from the subject page.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/enrol",
        Scope::Subject(Action::Enrol),
        enrol,
    )
}
