//! One module per page, the layout and form pieces they share, and the page routes.

pub(crate) mod account;
pub(crate) mod adverse;
pub(crate) mod chart;
pub(crate) mod conmeds;
pub(crate) mod course;
pub(crate) mod dashboard;
pub(crate) mod decision;
pub(crate) mod downloads;
mod error;
pub(crate) mod form;
pub(crate) mod history;
pub(crate) mod instruments_form;
pub(crate) mod layout;
pub(crate) mod live;
pub(crate) mod login;
pub(crate) mod queries;
pub(crate) mod records;
pub(crate) mod screening;
pub(crate) mod subjects;
pub(crate) mod verification;
pub(crate) mod visit;
pub(crate) mod worklist;

use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use instruments::medication::{Amount, DoseUnit, Frequency, Regimen};
use store::Subject;

use crate::AppState;
use crate::error::PageError;
use crate::policy::{Action, Routes};
use crate::session::{self, Principal};

/// The clinical pages (the login, dashboard and subject list are wired in `lib.rs`).
pub(crate) fn routes() -> Routes {
    let routes = Routes::new()
        .get(session::PASSWORD_PATH, account::form)
        .post(session::PASSWORD_PATH, account::submit)
        .post(session::LANGUAGE_PATH, account::set_language)
        .get("/static/app.js", script)
        .get("/session/alive", alive)
        .get("/static/icon.svg", icon)
        .get("/screening", screening::form_page)
        .post("/screening", screening::submit)
        .post("/subjects/{code}/enrol", screening::enrol)
        .post("/subjects/{code}/visits", visit::add)
        .get("/subjects/{code}/visits/{visit}", visit::page)
        .post("/subjects/{code}/visits/{visit}/clasi", visit::save_clasi)
        .post("/subjects/{code}/visits/{visit}/sledai", visit::save_sledai)
        .post("/subjects/{code}/visits/{visit}/labs", visit::add_lab)
        .post(
            "/subjects/{code}/visits/{visit}/nerve-conduction",
            visit::save_nerve_study,
        )
        .post("/subjects/{code}/visits/{visit}/dose", visit::give_dose)
        .post("/subjects/{code}/visits/{visit}/decision", decision::record)
        .post("/subjects/{code}/visits/{visit}/sign", visit::sign)
        .get("/subjects/{code}/adverse-events", adverse::page)
        .post("/subjects/{code}/adverse-events", adverse::add)
        .post("/subjects/{code}/queries", queries::open)
        .post("/subjects/{code}/queries/{query}/answer", queries::answer)
        .post("/subjects/{code}/queries/{query}/close", queries::close)
        .get("/subjects/{code}/history", history::page)
        .get("/subjects/{code}/verification", verification::page)
        .post("/subjects/{code}/verification", verification::verify)
        .post("/subjects/{code}/locks", verification::lock)
        .post("/subjects/{code}/locks/{lock}/unlock", verification::unlock)
        .post(
            "/subjects/{code}/records/{kind}/{record}/void",
            records::void,
        )
        .post("/subjects/{code}/events", course::add_event)
        .post("/subjects/{code}/disposition", course::add_disposition)
        .post("/subjects/{code}/conmeds", conmeds::add)
        .get("/live/clasi", live::clasi)
        .get("/live/sledai", live::sledai)
        .get("/live/lab", live::lab)
        .get("/live/eligibility", live::eligibility);
    let routes = downloads::routes(routes);
    worklist::Worklist::ALL
        .into_iter()
        .fold(routes, |routes, list| {
            routes.get(
                list.path(),
                move |state: State<AppState>,
                      principal: Principal,
                      query: Query<Vec<(String, String)>>| {
                    worklist::page(list, state, principal, query)
                },
            )
        })
}

/// The catalogue the pages' words come from: the language of the request being answered.
pub(crate) fn words() -> &'static words::Words {
    crate::locale::words()
}

/// The subject `code` if the user may do `action` at its site; a subject of a site the user
/// cannot read answers 404 like a missing one (the policy's rule).
pub(crate) async fn subject_for(
    state: &AppState,
    principal: &Principal,
    code: &str,
    action: Action,
) -> Result<Subject, PageError> {
    let subject = state.store.subject_by_code(code).await?;
    principal.require(action, Some(&subject.data.site))?;
    Ok(subject)
}

/// A form posted about subject `code`: the subject once the user may do `action` at its site,
/// then the form's CSRF token checked and its one-time token spent (in that order: a refused
/// user learns nothing from the form), and what was posted.
pub(crate) async fn received(
    state: &AppState,
    principal: &Principal,
    code: &str,
    action: Action,
    pairs: Vec<(String, String)>,
) -> Result<(form::Typed, Subject), PageError> {
    let typed = form::Typed::posted(pairs);
    let subject = subject_for(state, principal, code, action).await?;
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    Ok((typed, subject))
}

/// A dose as the reader says it: the drug (or its name as written), the amount and unit as
/// written with the language's decimal mark, how often in the reader's words ("Lenalidomide
/// 2,5 mg en días alternos"); what is not known is left out.
pub(crate) fn dose(
    name: &str,
    amount: Option<(Amount, DoseUnit)>,
    frequency: Option<Frequency>,
) -> String {
    let words = words();
    let mut said = name.to_owned();
    if let Some((amount, unit)) = amount {
        let amount = amount
            .text_in(unit)
            .replace('.', &words.get("decimal-mark"));
        said.push_str(&format!(" {amount} {unit}"));
    }
    if let Some(frequency) = frequency {
        said.push(' ');
        said.push_str(&frequency_words(frequency));
    }
    said
}

/// A frequency as a clinician says it, by its NCI code in the catalogue ("en días alternos").
pub(crate) fn frequency_words(frequency: Frequency) -> String {
    words().get(&format!("frequency-{}", frequency.nci_code()))
}

/// A regimen of a drug, as [`dose`] says it.
pub(crate) fn regimen(regimen: &Regimen) -> String {
    dose(
        regimen.drug.name(),
        Some((regimen.amount, regimen.unit)),
        Some(regimen.frequency),
    )
}

/// `text` with its first letter upper case, as a label or a row starts ("week 4" is "Week 4").
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// "Stay signed in": reading the session (the extractor) restarts its idle time.
async fn alive(_: Principal) -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}

/// The page icon (so browsers find one and log no missing file).
async fn icon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/icon.svg"),
    )
}

/// The one script (live totals), compiled into the binary; the CSP allows only this origin's.
async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
}
