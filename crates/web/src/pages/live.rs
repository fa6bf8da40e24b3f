//! Live answers for forms being filled in (`static/app.js`): the CLASI totals, the SLEDAI-2K
//! score, a lab's CTCAE grade and the eligibility checklist, computed by the same code that
//! scores what is saved. They read the form as typed from the query string and nothing from
//! the record but the study's protocol (its lab list, its criteria), so they need a login but
//! no site.

use axum::extract::Query;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::access::Allowed;
use crate::error::PageError;
use crate::pages::form::Typed;
use crate::pages::instruments_form as forms;
use crate::pages::screening;
use crate::policy::{Action, Scope};
use crate::routes::Routes;

type Typing = Query<Vec<(String, String)>>;

fn json(pairs: Vec<(String, String)>) -> Response {
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(key, value)| (key, serde_json::Value::String(value)))
        .collect();
    (
        [(CONTENT_TYPE, "application/json")],
        serde_json::Value::Object(object).to_string(),
    )
        .into_response()
}

pub(crate) async fn clasi(_: Allowed, Query(pairs): Typing) -> Result<Response, PageError> {
    Ok(json(forms::clasi_totals(&Typed::posted(pairs))))
}

pub(crate) async fn sledai(_: Allowed, Query(pairs): Typing) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let score =
        forms::read_sledai(&mut typed).map_or_else(|| "—".to_owned(), |s| s.score().to_string());
    Ok(json(vec![("score".to_owned(), score)]))
}

/// The grade of the lab as typed, its test and unit coded by the protocol's lab list first, as
/// the store codes them when the result is saved.
pub(crate) async fn lab(
    _: Allowed,
    state: axum::extract::State<crate::AppState>,
    Query(pairs): Typing,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    // The date does not change the grade; a blank one must not hide it.
    if typed.get("collected_on").is_empty() {
        typed.set("collected_on", "2000-01-01");
    }
    let protocol = crate::study::protocol_of(&state.store).await?;
    let grade = forms::coded_lab_grade_text(&typed, protocol.as_deref().ok());
    Ok(json(vec![("grade".to_owned(), grade)]))
}

pub(crate) async fn eligibility(
    _: Allowed,
    state: axum::extract::State<crate::AppState>,
    Query(pairs): Typing,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let protocol = crate::study::protocol_of(&state.store).await?;
    Ok(json(screening::checklist_answers(&protocol, &mut typed)))
}

/// The live totals and grades the forms ask for as they are typed.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get("/live/clasi", Scope::Study(Action::ReadSubject), clasi)
        .get("/live/sledai", Scope::Study(Action::ReadSubject), sledai)
        .get("/live/lab", Scope::Study(Action::ReadSubject), lab)
        .get(
            "/live/eligibility",
            Scope::Study(Action::ReadSubject),
            eligibility,
        )
}
