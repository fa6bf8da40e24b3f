//! The patient's own questionnaire page (issue 19), reached by a one-time link (`/p/{token}`)
//! without an account, on a phone. It shows the instrument's questions with the study's texts
//! in the patient's language (`?lang=es`, else the browser's), one large choice per answer, and
//! nothing else of the record: no study id, site, visit, date or other data. The answers go
//! through the store's one questionnaire command (`Store::answer_by_patient_link`): refused
//! answers come back as chosen with a message at each question; answered, a thank-you page,
//! and the link is spent. A link that cannot be answered (unknown, not open yet, expired, used,
//! revoked) gets a plain page saying so: 404 for an unknown one, 403 for one not open yet, 410
//! otherwise.
//!
//! The secret is in the address, so these pages send `Referrer-Policy: no-referrer` and
//! `Cache-Control: no-store` (`security::headers`). Forgery: a form post needs the link's
//! 256-bit secret in its address, which no other site knows, and the same-origin check; the
//! form's token is doubled in a cookie as on the login form (there is no session). Unknown
//! links are counted per client address by the store's throttle.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use instruments::questionnaire::{Answers, Scale, Setup};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use store::{LinkState, PatientLink, StoreError};
use words::{Arg, Language};

use crate::AppState;
use crate::error::PageError;
use crate::locale;
use crate::pages::form::{Typed, too_many_attempts};
use crate::pages::words;
use crate::policy::Scope;
use crate::routes::Routes;
use crate::session::{self, ClientAddress};

/// Where a patient link points: the secret is the last part.
pub(crate) const PATH: &str = "/p/{token}";

/// The patient form's token, doubled in this cookie.
const FORM_COOKIE: &str = "cletrial_patient";

/// The page's language, chosen by its address.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Lang {
    lang: String,
}

impl Lang {
    /// `?lang=` when it names a language cletrial speaks, else the reader's.
    fn language(&self) -> Language {
        Language::of_code(&self.lang).unwrap_or_else(|| locale::reader().language)
    }
}

/// The address of a patient link on this server (`https://host/p/<secret>`).
pub(crate) fn url(headers: &HeaderMap, secure: bool, token: &str) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    format!("{scheme}://{host}/p/{token}")
}

/// A page of the patient's: no navigation, no account, only the page's own words; a switch
/// to the other language unless the page is the last (the thank-you page: the link is spent).
fn shell(language: Language, title: &str, body: Markup, switch: bool) -> Markup {
    let other = match language {
        Language::English => Language::Spanish,
        Language::Spanish => Language::English,
    };
    html! {
        (DOCTYPE)
        html lang=(language.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="/static/icon.svg" type="image/svg+xml";
            }
            body.patient {
                main #main {
                    @if switch {
                        nav.patient-language aria-label=(words().get("patient-language")) {
                            a href={ "?lang=" (other.code()) } lang=(other.code()) hreflang=(other.code()) {
                                (words::Words::of(other).get("language-name"))
                            }
                        }
                    }
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The plain page of a link that cannot be answered, with its status.
fn closed(language: Language, status: StatusCode, text: String) -> Response {
    let page = shell(
        language,
        &words().get("patient-gone-title"),
        html! { p.patient-message { (text) } },
        true,
    );
    (status, page).into_response()
}

/// Why a link cannot be answered, for the patient.
fn closed_for(language: Language, state: LinkState) -> Response {
    let date = |id: &str, date: jiff::civil::Date| {
        words().format(id, &[("date", Arg::from(date.to_string()))])
    };
    match state {
        LinkState::Open => closed(language, StatusCode::GONE, words().get("patient-unknown")),
        LinkState::NotYetOpen(on) => closed(
            language,
            StatusCode::FORBIDDEN,
            date("patient-not-yet-open", on),
        ),
        LinkState::Expired(on) => closed(language, StatusCode::GONE, date("patient-expired", on)),
        LinkState::Used(on) => closed(language, StatusCode::GONE, date("patient-used", on)),
        LinkState::Revoked => closed(language, StatusCode::GONE, words().get("patient-revoked")),
        LinkState::Unscheduled => closed(
            language,
            StatusCode::GONE,
            words().get("patient-unscheduled"),
        ),
    }
}

fn unknown(language: Language) -> Response {
    closed(
        language,
        StatusCode::NOT_FOUND,
        words().get("patient-unknown"),
    )
}

/// The link of `token` when it may be answered today with the instrument's setup; else the
/// page that says why not.
async fn open_link(
    state: &AppState,
    client: &str,
    token: &str,
    language: Language,
) -> Result<Result<(PatientLink, Setup), Response>, PageError> {
    if let Err(StoreError::Throttled {
        retry_after_seconds,
    }) = state.store.patient_link_allowed(client).await
    {
        let page = closed(
            language,
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "{} {}",
                words().get("patient-too-many"),
                too_many_attempts(retry_after_seconds)
            ),
        );
        return Ok(Err((
            [(RETRY_AFTER, retry_after_seconds.to_string())],
            page,
        )
            .into_response()));
    }
    let link = if session::is_token(token) {
        state.store.patient_link(token).await?
    } else {
        None
    };
    let Some(link) = link else {
        state.store.patient_link_unknown(client).await?;
        return Ok(Err(unknown(language)));
    };
    let protocol = state.store.protocol().await?;
    match (link.state(), protocol.outcomes().setup(link.instrument)) {
        (LinkState::Open, Some(setup)) => Ok(Ok((link, setup.clone()))),
        (LinkState::Open, None) => Ok(Err(closed_for(language, LinkState::Unscheduled))),
        (state, _) => Ok(Err(closed_for(language, state))),
    }
}

/// The questions, each a group of large choices, the answers as chosen and each question's
/// message.
fn questionnaire(
    state: &AppState,
    language: Language,
    setup: &Setup,
    typed: &Typed,
    csrf: &str,
) -> Markup {
    let items = setup.items();
    html! {
        p { (words().get("patient-intro")) }
        @if typed.has_errors() {
            p.alert role="alert" { (words().get("patient-fix")) }
        }
        form.patient method="post" action={ "?lang=" (language.code()) } {
            input type="hidden" name="csrf" value=(csrf);
            @for (n, item) in items.iter().enumerate() {
                @let id = &item.id;
                @let message = typed.error(id);
                @let text = state.config.item_texts.text(language, id).map_or_else(|| id.clone(), str::to_owned);
                fieldset.question id={ "q-" (id) } aria-describedby=[message.map(|_| format!("m-{id}"))] {
                    legend {
                        span.number { (words().format("patient-question", &[("number", (n + 1).into())])) }
                        " " (text)
                    }
                    @if let Some(message) = message {
                        p.message id={ "m-" (id) } { (message) }
                    }
                    @for (code, said) in choices(&item.scale) {
                        label.choice {
                            input type="radio" name=(id) value=(code)
                                checked[typed.get(id) == code]
                                aria-invalid=[message.map(|_| "true")];
                            span { (said) }
                        }
                    }
                }
            }
            button.send type="submit" { (words().get("patient-send")) }
        }
    }
}

/// An item's answers in the reader's words, "no answer" last: a choice's words, or the
/// numbers of a 0-N scale.
fn choices(scale: &Scale) -> Vec<(String, String)> {
    let answers: Vec<(String, String)> = match scale {
        Scale::Choice(codes) => codes
            .iter()
            .map(|code| ((*code).to_owned(), words().get(&format!("answer-{code}"))))
            .collect(),
        Scale::Whole { max } => (0..=*max).map(|n| (n.to_string(), n.to_string())).collect(),
        // Tenths are the clinician's PGA-skin, which no patient link is issued for.
        Scale::Tenths(_) => Vec::new(),
    };
    answers
        .into_iter()
        .chain(std::iter::once((
            String::new(),
            words().get("patient-unanswered"),
        )))
        .collect()
}

/// The form's token: the browser's when it has one (a second tab keeps working), else new.
fn form_token(headers: &HeaderMap) -> Result<String, PageError> {
    match session::cookie(headers, FORM_COOKIE) {
        Some(token) if session::is_token(token) => Ok(token.to_owned()),
        _ => Ok(session::random_token()?),
    }
}

fn form_page(
    state: &AppState,
    language: Language,
    setup: &Setup,
    typed: &Typed,
    csrf: &str,
    status: StatusCode,
) -> Response {
    let cookie = session::set_cookie(FORM_COOKIE, csrf, state.config.secure_cookies);
    let page = shell(
        language,
        &words().get("patient-title"),
        questionnaire(state, language, setup, typed, csrf),
        true,
    );
    (status, [(SET_COOKIE, cookie)], page).into_response()
}

pub(crate) async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(lang): Query<Lang>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let language = lang.language();
    locale::speaking(language, async {
        let (_, setup) = match open_link(&state, &client, &token, language).await? {
            Ok(open) => open,
            Err(page) => return Ok(page),
        };
        let csrf = form_token(&headers)?;
        Ok(form_page(
            &state,
            language,
            &setup,
            &Typed::default(),
            &csrf,
            StatusCode::OK,
        ))
    })
    .await
}

pub(crate) async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(lang): Query<Lang>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let language = lang.language();
    locale::speaking(language, async {
        let mut typed = Typed::posted(pairs);
        let expected = session::cookie(&headers, FORM_COOKIE).ok_or(PageError::CrossSite)?;
        if !session::same_token(typed.get("csrf"), expected) {
            return Err(PageError::CrossSite);
        }
        let (_, setup) = match open_link(&state, &client, &token, language).await? {
            Ok(open) => open,
            Err(page) => return Ok(page),
        };
        // An item left on "no answer" is unanswered: left out, never sent as 0.
        let answers: Answers = setup
            .items()
            .into_iter()
            .filter(|item| !typed.get(&item.id).is_empty())
            .map(|item| {
                let answer = typed.get(&item.id).to_owned();
                (item.id, answer)
            })
            .collect();
        match state
            .store
            .answer_by_patient_link(&token, answers, None)
            .await
        {
            Ok(_) => Ok(shell(
                language,
                &words().get("patient-thanks-title"),
                html! { p.patient-message { (words().get("patient-thanks")) } },
                false,
            )
            .into_response()),
            // The link closed meanwhile (used in another tab, revoked, the window ended).
            Err(StoreError::Invalid { field, .. }) if field == "link" => {
                let link = state.store.patient_link(&token).await?;
                Ok(closed_for(
                    language,
                    link.map_or(LinkState::Unscheduled, |link| link.state()),
                ))
            }
            Err(StoreError::Exists { .. }) => Ok(closed(
                language,
                StatusCode::GONE,
                words().get("patient-answered"),
            )),
            Err(error) => {
                typed.refused(error)?;
                Ok(form_page(
                    &state,
                    language,
                    &setup,
                    &typed,
                    expected,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ))
            }
        }
    })
    .await
}

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get(PATH, Scope::Public, show)
        .post(PATH, Scope::Public, answer)
}
