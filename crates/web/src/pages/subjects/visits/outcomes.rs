//! The outcome instruments the study's protocol collects (`[outcomes]`), a form each on the
//! visit page: every item by its id, with the study's text in the reader's language when the
//! study supplied one (`serve --item-texts`), a choice of the item's answers or a number on its
//! scale, "not answered" kept apart from every answer. Saved through the store's record
//! commands (`.../outcomes/{instrument}`); the scores shown are `instruments`' from the answers
//! as stored, with the reason when one is not computed. A refused form comes back as typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use instruments::questionnaire::{Instrument, NotScored, Scale, Setup};
use maud::{Markup, html};
use store::{AnswerSource, Questionnaire, Stored};
use words::Arg;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::item_texts::ItemTexts;
use crate::pages::form::{self, Posted, Typed};
use crate::pages::instruments_form::label;
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;

use super::{Section, SectionPost, add_or_correct, version_of, visit_of};

/// The anchor of an instrument's form on the visit page.
pub(super) fn anchor(instrument: Instrument) -> String {
    format!("outcome-{}", instrument.code())
}

/// What the section needs of the page.
pub(crate) struct Page<'a> {
    pub(crate) base: &'a str,
    pub(crate) csrf: &'a str,
    pub(crate) enters: bool,
    pub(crate) texts: &'a ItemTexts,
    pub(crate) visit_date: &'a str,
}

/// The section: one form per instrument the protocol collects, the one coming back refused
/// (`typed`) as typed. `void` gives a stored record's "entered in error" form.
pub(crate) fn section(
    page: &Page<'_>,
    collected: &[Setup],
    taken: &[&Stored<Questionnaire>],
    typed: Option<(Instrument, Typed)>,
    void: &dyn Fn(&str, i64, i64, &str) -> Markup,
) -> Markup {
    let mut typed = typed;
    html! {
        @if !collected.is_empty() {
            section #outcomes {
                h2 { (words().get("outcomes-title")) }
                @if page.texts.is_empty() { p.hint { (words().get("outcomes-no-texts")) } }
                @for setup in collected {
                    @let instrument = setup.instrument();
                    @let saved = taken.iter().copied().find(|record| record.data.instrument == instrument);
                    @let form = match typed.take_if(|(which, _)| *which == instrument) {
                        Some((_, typed)) => typed,
                        None => filled(saved, page.visit_date),
                    }.scoped(instrument.code());
                    (instrument_form(page, setup, saved, &form, void))
                }
            }
        }
    }
}

/// An item's answers, "not answered" first, each in the reader's words.
fn choices(codes: &[&'static str]) -> Vec<(&'static str, String)> {
    std::iter::once(("", words().get("outcomes-unanswered")))
        .chain(
            codes
                .iter()
                .map(|code| (*code, words().get(&format!("answer-{code}")))),
        )
        .collect()
}

/// The form as stored, or blank with the visit's date.
fn filled(saved: Option<&Stored<Questionnaire>>, visit_date: &str) -> Typed {
    match saved {
        Some(record) => {
            let mut typed = Typed::filled(record.data.answers.clone());
            typed.set("completed_on", record.data.completed_on.to_string());
            typed.set("version", record.version.to_string());
            if let Some(reason) = &record.data.unanswered_reason {
                typed.set("unanswered_reason", reason.clone());
            }
            typed
        }
        None => Typed::filled([("completed_on", visit_date)]),
    }
}

fn instrument_form(
    page: &Page<'_>,
    setup: &Setup,
    saved: Option<&Stored<Questionnaire>>,
    form: &Typed,
    void: &dyn Fn(&str, i64, i64, &str) -> Markup,
) -> Markup {
    let instrument = setup.instrument();
    let name = words().value("instrument", instrument.code());
    let items = setup.items();
    let mut shown: Vec<&str> = vec!["completed_on", "unanswered_reason", "reason"];
    shown.extend(items.iter().map(|item| item.id.as_str()));
    let language = crate::locale::reader().language;
    html! {
        div.outcome id=(anchor(instrument)) {
            h3 { (name) }
            @if let Some(record) = saved { (scores(setup, record)) }
            form method="post" action={ (page.base) "/outcomes/" (instrument.code()) } {
                (form::token(page.csrf))
                input type="hidden" name="version" value=(form.get("version"));
                (form.summary(&shown))
                fieldset.entry disabled[!page.enters] {
                    (form.input("completed_on", &label("completed_on"), "date"))
                    @for item in &items {
                        @let text = page.texts.text(language, &item.id);
                        @let said = match text { Some(text) => format!("{} — {text}", item.id), None => item.id.clone() };
                        @match &item.scale {
                            Scale::Choice(codes) => {
                                (form.select(&item.id, &said, &choices(codes)))
                            }
                            Scale::Whole { .. } | Scale::Tenths(_) => {
                                (form.input(&item.id, &format!("{said} ({})", item.scale), "text"))
                            }
                        }
                    }
                    (form.input("unanswered_reason", &label("unanswered_reason"), "text"))
                    @if page.enters {
                        @if saved.is_some() { (form.input("reason", &words().get("visit-reason"), "text")) }
                        button type="submit" { (words().format("outcomes-save", &[("instrument", Arg::from(name.as_str()))])) }
                    }
                }
            }
            @if let Some(record) = saved { (void("questionnaire", record.id, record.version, &anchor(instrument))) }
        }
    }
}

/// The saved questionnaire's line and its scores, each with why it was not computed.
fn scores(setup: &Setup, record: &Stored<Questionnaire>) -> Markup {
    let scores = setup.score(&record.data.answers);
    let source = words().value("source", record.data.source.code());
    html! {
        p.saved-outcome {
            (words().format("outcomes-saved", &[
                ("date", Arg::from(record.data.completed_on.to_string())),
                ("version", record.version.into()),
                ("source", Arg::from(source.as_str())),
            ]))
        }
        @if scores.is_empty() {
            p.hint { (words().get("outcomes-no-scores")) }
        } @else {
            table.scores {
                caption { (words().get("outcomes-scores")) }
                tbody {
                    @for score in &scores {
                        tr {
                            th scope="row" { (words().get(&format!("score-{}", score.code))) }
                            td { (score_text(&score.value)) }
                        }
                    }
                }
            }
        }
    }
}

fn score_text(value: &Result<instruments::questionnaire::ScoreValue, NotScored>) -> String {
    use instruments::questionnaire::ScoreValue;
    match value {
        Ok(ScoreValue::Band(code)) => words().value("dlqi_band", code),
        Ok(value) => value.to_string(),
        Err(why) => {
            let why = match why {
                NotScored::TooManyUnanswered {
                    unanswered,
                    allowed,
                } => words().format(
                    "outcomes-too-many-unanswered",
                    &[
                        ("unanswered", (*unanswered).into()),
                        ("allowed", (*allowed).into()),
                    ],
                ),
                NotScored::TooManyMissing {
                    missing,
                    items,
                    max_percent,
                } => words().format(
                    "outcomes-too-many-missing",
                    &[
                        ("missing", (*missing).into()),
                        ("items", (*items).into()),
                        ("percent", (*max_percent).into()),
                    ],
                ),
            };
            words().format("outcomes-not-scored", &[("why", Arg::from(why.as_str()))])
        }
    }
}

/// Saves one instrument's form: a new record, or a correction of the one at this visit with
/// its reason.
pub(crate) async fn save(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id, instrument)): Path<(String, i64, String)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let instrument = Instrument::parse(&instrument).ok_or(PageError::NotFound)?;
    let protocol = state.store.protocol().await?;
    // The page has no form of an instrument the study does not collect to come back to: the
    // store's refusal, on the page of refusals.
    let Some(setup) = protocol.outcomes().setup(instrument) else {
        return Err(match store::instrument_not_collected(instrument) {
            store::StoreError::Invalid { message, .. } => PageError::Refused(message.said(words())),
            other => other.into(),
        });
    };
    let items = setup.items();
    let completed_on = typed.date("completed_on");
    let version = version_of(&mut typed);
    let saved = if let (Some(completed_on), false) = (completed_on, typed.has_errors()) {
        // A blank item is unanswered: it is left out, never sent as 0.
        let answers = items
            .iter()
            .filter(|item| !typed.get(&item.id).is_empty())
            .map(|item| (item.id.clone(), typed.get(&item.id).to_owned()))
            .collect();
        let reason = typed.get("unanswered_reason");
        let data = Questionnaire {
            subject_id: subject.id,
            visit_id: visit.id,
            instrument,
            completed_on,
            source: AnswerSource::of(instrument),
            answers,
            unanswered_reason: (!reason.is_empty()).then(|| reason.to_owned()),
        };
        Some(
            add_or_correct(
                &state,
                &principal,
                |other: &Questionnaire| {
                    other.visit_id == visit.id && other.instrument == instrument
                },
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
        .saved_or_again(Section::Outcome(instrument), saved, typed)
        .await
}

pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/visits/{visit}/outcomes/{instrument}",
        Scope::Subject(Action::EnterVisitData),
        save,
    )
}
