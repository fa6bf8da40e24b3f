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

use crate::AppState;
use crate::access::Allowed;
use crate::error::PageError;
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::{self, Principal};

/// Every page, each with the check it makes.
pub(crate) fn routes() -> Routes {
    let routes = Routes::new()
        .get("/", Scope::LoggedIn, dashboard::page)
        .get("/login", Scope::Public, login::form)
        .post("/login", Scope::Public, login::submit)
        .post("/logout", Scope::LoggedIn, login::logout)
        .get("/subjects", Scope::LoggedIn, subjects::list)
        .get(
            "/subjects/{code}",
            Scope::Subject(Action::ReadSubject),
            subjects::page,
        )
        .get("/static/style.css", Scope::Public, layout::style)
        .get(session::PASSWORD_PATH, Scope::LoggedIn, account::form)
        .post(session::PASSWORD_PATH, Scope::LoggedIn, account::submit)
        .post(
            session::LANGUAGE_PATH,
            Scope::LoggedIn,
            account::set_language,
        )
        .get("/static/app.js", Scope::Public, script)
        .get("/session/alive", Scope::LoggedIn, alive)
        .get("/static/icon.svg", Scope::Public, icon)
        .get(
            "/screening",
            Scope::Study(Action::Screen),
            screening::form_page,
        )
        .post("/screening", Scope::Site(Action::Screen), screening::submit)
        .post(
            "/subjects/{code}/enrol",
            Scope::Subject(Action::Enrol),
            screening::enrol,
        )
        .post(
            "/subjects/{code}/visits",
            Scope::Subject(Action::EnterVisitData),
            visit::add,
        )
        .get(
            "/subjects/{code}/visits/{visit}",
            Scope::Subject(Action::ReadSubject),
            visit::page,
        )
        .post(
            "/subjects/{code}/visits/{visit}/clasi",
            Scope::Subject(Action::EnterVisitData),
            visit::save_clasi,
        )
        .post(
            "/subjects/{code}/visits/{visit}/sledai",
            Scope::Subject(Action::EnterVisitData),
            visit::save_sledai,
        )
        .post(
            "/subjects/{code}/visits/{visit}/labs",
            Scope::Subject(Action::EnterVisitData),
            visit::add_lab,
        )
        .post(
            "/subjects/{code}/visits/{visit}/nerve-conduction",
            Scope::Subject(Action::EnterVisitData),
            visit::save_nerve_study,
        )
        .post(
            "/subjects/{code}/visits/{visit}/dose",
            Scope::Subject(Action::EnterVisitData),
            visit::give_dose,
        )
        .post(
            "/subjects/{code}/visits/{visit}/decision",
            Scope::Subject(Action::RecordDecision),
            decision::record,
        )
        .post(
            "/subjects/{code}/visits/{visit}/sign",
            Scope::Subject(Action::Sign),
            visit::sign,
        )
        .get(
            "/subjects/{code}/adverse-events",
            Scope::Subject(Action::ReadSubject),
            adverse::page,
        )
        .post(
            "/subjects/{code}/adverse-events",
            Scope::Subject(Action::RecordAdverseEvent),
            adverse::add,
        )
        .post(
            "/subjects/{code}/queries",
            Scope::Subject(Action::RaiseQuery),
            queries::open,
        )
        .post(
            "/subjects/{code}/queries/{query}/answer",
            Scope::Subject(Action::AnswerQuery),
            queries::answer,
        )
        .post(
            "/subjects/{code}/queries/{query}/close",
            Scope::Subject(Action::CloseQuery),
            queries::close,
        )
        .get(
            "/subjects/{code}/history",
            Scope::Subject(Action::ReadHistory),
            history::page,
        )
        .get(
            "/subjects/{code}/verification",
            Scope::Subject(Action::VerifySource),
            verification::page,
        )
        .post(
            "/subjects/{code}/verification",
            Scope::Subject(Action::VerifySource),
            verification::verify,
        )
        .post(
            "/subjects/{code}/locks",
            Scope::Subject(Action::Lock),
            verification::lock,
        )
        .post(
            "/subjects/{code}/locks/{lock}/unlock",
            Scope::Subject(Action::Lock),
            verification::unlock,
        )
        .post(
            "/subjects/{code}/records/{kind}/{record}/void",
            Scope::Subject(Action::EnterVisitData),
            records::void,
        )
        .post(
            "/subjects/{code}/events",
            Scope::Subject(Action::EnterVisitData),
            course::add_event,
        )
        .post(
            "/subjects/{code}/disposition",
            Scope::Subject(Action::EnterVisitData),
            course::add_disposition,
        )
        .post(
            "/subjects/{code}/conmeds",
            Scope::Subject(Action::EnterVisitData),
            conmeds::add,
        )
        .get(
            "/live/clasi",
            Scope::Study(Action::ReadSubject),
            live::clasi,
        )
        .get(
            "/live/sledai",
            Scope::Study(Action::ReadSubject),
            live::sledai,
        )
        .get("/live/lab", Scope::Study(Action::ReadSubject), live::lab)
        .get(
            "/live/eligibility",
            Scope::Study(Action::ReadSubject),
            live::eligibility,
        );
    let routes = downloads::routes(routes);
    worklist::Worklist::ALL
        .into_iter()
        .fold(routes, |routes, list| {
            routes.get(
                list.path(),
                Scope::Study(list.action()),
                move |state: State<AppState>,
                      principal: Allowed,
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

/// A form posted by `principal` (whom the route's check already let through, so a refused user
/// learns nothing from the form): its CSRF token checked and its one-time token spent, then
/// what was posted.
pub(crate) fn received(
    principal: &Principal,
    pairs: Vec<(String, String)>,
) -> Result<form::Typed, PageError> {
    let typed = form::Typed::posted(pairs);
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    Ok(typed)
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
