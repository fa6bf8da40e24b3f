//! Blinded central reading (issue 19): the central reader's queue of lesion photographs, each by
//! an opaque reading id and the CLASI area to score, its photograph, and the score form. Nothing
//! here names a subject, site, visit or date: the score must owe nothing to the site's.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::clasi::Area;
use maud::{Markup, html};
use store::{AreaScore, Reading};

use crate::AppState;
use crate::access::Allowed;
use crate::error::PageError;
use crate::pages::form::{Posted, Typed};
use crate::pages::{layout, received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

const QUEUE: &str = "/reading";

fn area_words(area: Area) -> String {
    words().get(&format!("clasi-area-{}", area.id()))
}

pub(crate) async fn queue(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Markup, PageError> {
    let queue = state.store.reading_queue(&principal.actor).await?;
    let body = html! {
        p.lead { (words().get("reading-lead")) }
        @if queue.is_empty() {
            p { (words().get("reading-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (words().get("reading-id")) }
                    th scope="col" { (words().get("photos-area")) }
                    th scope="col" { (words().get("reading-status")) }
                } }
                tbody {
                    @for reading in &queue {
                        tr {
                            td { a href={ (QUEUE) "/" (reading.reading_id) } { code { (reading.reading_id) } } }
                            td { (area_words(reading.area)) }
                            td { (words().get(if reading.read { "reading-done" } else { "reading-to-do" })) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &words().get("reading-title"),
        Some(&principal),
        body,
    ))
}

/// The score form: the area's items as the CLASI form levels them (the scalp has no scarring).
fn form(principal: &Principal, reading: &Reading, typed: &Typed) -> Markup {
    // Blank until chosen: an item not scored is refused, never taken for 0.
    let levels = |top: u8| -> Vec<(String, String)> {
        std::iter::once((String::new(), "—".to_owned()))
            .chain((0..=top).map(|level| (level.to_string(), level.to_string())))
            .collect()
    };
    let mut items = vec![
        ("erythema", levels(3)),
        ("scale", levels(2)),
        ("dyspigmentation", levels(1)),
    ];
    if reading.area != Area::Scalp {
        items.push(("scarring", levels(2)));
    }
    html! {
        form method="post" action={ (QUEUE) "/" (reading.reading_id) } {
            (crate::pages::form::token(&principal.csrf_token))
            (typed.summary(&["erythema", "scale", "dyspigmentation", "scarring"]))
            div.row {
                @for (item, options) in &items {
                    @let options: Vec<(&str, &str)> = options.iter().map(|(value, text)| (value.as_str(), text.as_str())).collect();
                    (typed.select(item, &crate::pages::instruments_form::label(item), &options))
                }
            }
            button type="submit" { (words().get("reading-save")) }
        }
    }
}

async fn render(
    state: &AppState,
    principal: &Principal,
    id: &str,
    typed: Typed,
) -> Result<Markup, PageError> {
    let reading = state.store.reading(&principal.actor, id).await?;
    let body = html! {
        p.lead { a href=(QUEUE) { (words().get("reading-back")) } }
        h2 { (words().format("reading-score-area", &[("area", area_words(reading.area).into())])) }
        figure.photo {
            img src={ (QUEUE) "/" (reading.reading_id) "/photo" } width="480"
                alt=(words().format("reading-alt", &[("area", area_words(reading.area).into())]));
        }
        @if reading.read {
            p { (words().get("reading-scored")) }
        } @else {
            (form(principal, &reading, &typed))
        }
    };
    Ok(layout::page(
        &words().format(
            "reading-page-title",
            &[("id", reading.reading_id.as_str().into())],
        ),
        Some(principal),
        body,
    ))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    render(&state, &principal, &id, Typed::default()).await
}

pub(crate) async fn photo(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let reading = state.store.reading(&principal.actor, &id).await?;
    let bytes = state.store.reading_file(&principal.actor, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, reading.media_type.code()),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

/// A level as posted, or a message on its field.
fn level(typed: &mut Typed, item: &str) -> Option<u8> {
    match typed.get(item).parse::<u8>() {
        Ok(level) => Some(level),
        Err(_) => {
            let what = crate::pages::instruments_form::label(item);
            typed.fail(item, words().format("form-enter", &[("what", what.into())]));
            None
        }
    }
}

pub(crate) async fn score(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
    Path(id): Path<String>,
    axum::Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let reading = state.store.reading(&principal.actor, &id).await?;
    let erythema = level(&mut typed, "erythema");
    let scale = level(&mut typed, "scale");
    let dyspigmentation = level(&mut typed, "dyspigmentation");
    let scarring = match reading.area {
        Area::Scalp => Some(None),
        _ => level(&mut typed, "scarring").map(Some),
    };
    if let (Some(erythema), Some(scale), Some(dyspigmentation), Some(scarring)) =
        (erythema, scale, dyspigmentation, scarring)
    {
        let score = AreaScore {
            erythema,
            scale,
            dyspigmentation,
            scarring,
        };
        match state
            .store
            .record_central_reading(&principal.actor, &id, score)
            .await
        {
            Ok(_) => return Ok(Redirect::to(QUEUE).into_response()),
            Err(error) => typed.refused(error)?,
        }
    }
    let page = render(&state, &principal, &id, typed).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get(QUEUE, Scope::Study(Action::ReadCentrally), queue)
        .get(
            "/reading/{reading}",
            Scope::Study(Action::ReadCentrally),
            page,
        )
        .get(
            "/reading/{reading}/photo",
            Scope::Study(Action::ReadCentrally),
            photo,
        )
        .post(
            "/reading/{reading}",
            Scope::Study(Action::ReadCentrally),
            score,
        )
}
