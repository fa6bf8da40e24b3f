//! Data queries on the subject page: the monitor opens one on any field of any of the subject's
//! records, the site answers, the monitor closes it (`store::queries`, audited).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use store::stream::Entity;
use store::{DataQuery, QueryStatus, Stored, Subject};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::{received, subjects, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// A record a query can be about, as its option reads (`query-target-<kind>` with its `what`).
fn target(kind: &str, what: String) -> String {
    words().format(&format!("query-target-{kind}"), &[("what", what.into())])
}

/// The records a query can be about: `(entity, id, label)`.
async fn targets(state: &AppState, subject: &Subject) -> Result<Vec<(String, String)>, PageError> {
    let store = &state.store;
    let visits = store.visits_of(subject.id).await?;
    let record = store.clinical_record(subject.id).await?;
    let mut out = vec![(
        format!("subject:{}", subject.id),
        target("subject", subject.data.code.clone()),
    )];
    for visit in &visits {
        out.push((
            format!("visit:{}", visit.id),
            target("visit", visit.data.name.clone()),
        ));
    }
    let name = |visit_id: i64| {
        visits
            .iter()
            .find(|v| v.id == visit_id)
            .map_or("—", |v| v.data.name.as_str())
            .to_owned()
    };
    out.extend(record.clasi.iter().map(|r| {
        (
            format!("clasi:{}", r.id),
            target("clasi", name(r.data.visit_id)),
        )
    }));
    out.extend(record.sledai.iter().map(|r| {
        (
            format!("sledai:{}", r.id),
            target("sledai", r.data.assessed_on.to_string()),
        )
    }));
    out.extend(record.labs.iter().map(|r| {
        (
            format!("lab:{}", r.id),
            words().format(
                "query-target-lab",
                &[
                    ("test", r.data.test.clone().into()),
                    ("date", r.data.collected_on.to_string().into()),
                ],
            ),
        )
    }));
    out.extend(record.doses.iter().map(|r| {
        (
            format!("dose:{}", r.id),
            target("dose", r.data.start_date.to_string()),
        )
    }));
    out.extend(record.adverse_events.iter().map(|r| {
        (
            format!("adverse_event:{}", r.id),
            target("adverse_event", r.data.term.to_string()),
        )
    }));
    Ok(out)
}

fn status_text(status: QueryStatus) -> String {
    words().value("status", status.code())
}

/// The fields a query may be about, grouped by the kinds of record the subject has, in words;
/// the field's id is what the form sends.
fn field_choice(typed: &Typed, targets: &[(String, String)]) -> Markup {
    let mut kinds: Vec<&str> = targets
        .iter()
        .filter_map(|(target, _)| target.split(':').next())
        .collect();
    kinds.dedup();
    let groups: Vec<(&str, Vec<&'static str>)> = kinds
        .into_iter()
        .filter_map(Entity::named)
        .map(|entity| {
            let fields = entity
                .fields()
                .filter(|field| field.refers_to.is_none())
                .map(|field| field.name)
                .collect();
            (entity.name(), fields)
        })
        .collect();
    let words = words();
    html! {
        div.field {
            label for="field" { (words.get("query-field")) }
            select id="field" name="field" aria-invalid=[typed.error("field").map(|_| "true")] {
                option value="" { (words.get("query-choose-field")) }
                @for (kind, fields) in &groups {
                    optgroup label=(words.record(kind)) {
                        @for field in fields {
                            option value=(field) selected[typed.get("field") == *field] { (words.field(field)) }
                        }
                    }
                }
            }
            @if let Some(message) = typed.error("field") {
                p.error id="field-error" { (message) }
            }
        }
    }
}

/// The queries of a subject with their forms; `typed` is the refused form, if any.
pub(crate) async fn section(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    typed: Option<Typed>,
    answer: Option<&(i64, Typed)>,
) -> Result<Markup, PageError> {
    let queries = state.store.queries_of(subject.id).await?;
    let site = &subject.data.site;
    let code = &subject.data.code;
    let csrf = &principal.csrf_token;
    let may_raise = principal.require(Action::RaiseQuery, Some(site)).is_ok();
    let may_answer = principal.require(Action::AnswerQuery, Some(site)).is_ok();
    let may_close = principal.require(Action::CloseQuery, Some(site)).is_ok();
    let targets = if may_raise {
        targets(state, subject).await?
    } else {
        Vec::new()
    };
    let target_options: Vec<(&str, &str)> = targets
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let typed = typed.unwrap_or_default();
    Ok(html! {
        section #queries {
            h2 { (words().get("query-title")) }
            @if queries.is_empty() {
                p { (words().get("query-none")) }
            }
            @for query in &queries {
                @let typed = answer.filter(|(id, _)| *id == query.id).map(|(_, typed)| typed);
                (one(query, code, csrf, (may_answer, may_close), typed))
            }
            @if may_raise {
                details open[typed.has_errors() || !typed.get("target").is_empty()] {
                    summary { (words().get("query-open-title")) }
                    form method="post" action={ "/subjects/" (code) "/queries" } {
                        (form::token(csrf))
                        (typed.summary(&["target", "field", "question"]))
                        div.row {
                            (typed.select("target", &words().get("query-record"), &target_options))
                            (field_choice(&typed, &targets))
                        }
                        (typed.input("question", &words().get("query-question-label"), "text"))
                        button type="submit" { (words().get("query-open")) }
                    }
                }
            }
        }
    })
}

/// One query with the forms the user may send; `typed` is its refused answer, if any.
fn one(
    query: &Stored<DataQuery>,
    code: &str,
    csrf: &str,
    (may_answer, may_close): (bool, bool),
    typed: Option<&Typed>,
) -> Markup {
    let data = &query.data;
    let base = format!("/subjects/{code}/queries/{}", query.id);
    let field = format!("answer-{}", query.id);
    let error = typed.and_then(|typed| typed.error("answer"));
    html! {
        article.query id={ "query-" (query.id) } data-status=(status_text(data.status)) {
            p {
                strong { (words().format("query-number", &[("id", query.id.into())])) " · " (status_text(data.status)) }
                " " (words().get("query-on")) " " (words().record(&data.entity)) " " (data.record_id) " · " (words().field(&data.field))
            }
            p { (words().get("query-question")) ": " (data.question) }
            @if let Some(answer) = &data.answer { p { (words().get("query-answer")) ": " (answer) } }
            @if data.status == QueryStatus::Open && may_answer {
                form method="post" action={ (base) "/answer" } {
                    (form::token(csrf))
                    input type="hidden" name="version" value=(query.version);
                    div.field {
                        label for=(field) { (words().get("query-answer-label")) }
                        input id=(field) name="answer" type="text"
                            value=(typed.map_or("", |typed| typed.get("answer")))
                            aria-invalid=[error.map(|_| "true")]
                            aria-describedby=[error.map(|_| format!("{field}-error"))];
                        @if let Some(message) = error {
                            p.error id={ (field) "-error" } { (message) }
                        }
                    }
                    button type="submit" { (words().get("query-answer-button")) }
                }
            }
            @if data.status != QueryStatus::Closed && may_close {
                form method="post" action={ (base) "/close" } {
                    (form::token(csrf))
                    input type="hidden" name="version" value=(query.version);
                    button type="submit" { (words().get("query-close")) }
                }
            }
        }
    }
}

pub(crate) async fn open(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let target = typed.get("target").to_owned();
    let parsed = target
        .split_once(':')
        .and_then(|(entity, id)| Some((entity.to_owned(), id.parse::<i64>().ok()?)));
    if parsed.is_none() {
        typed.fail("target", words().get("query-choose-record"));
    }
    let field = typed.text("field", &words().get("query-what-field"));
    let question = typed.text("question", &words().get("query-what-question"));
    if let (Some((entity, record_id)), Some(field), Some(question)) = (parsed, field, question) {
        match state
            .store
            .open_query(
                &principal.actor,
                subject.id,
                &entity,
                record_id,
                &field,
                &question,
            )
            .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/subjects/{code}#queries")).into_response()),
            Err(store::StoreError::Invalid { field, message })
                if field == "entity" || field == "record_id" =>
            {
                typed.fail("target", message.said(words()));
            }
            Err(error) => typed.refused(error)?,
        }
    }
    refused_page(&state, &principal, &subject, typed).await
}

async fn refused_page(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    typed: Typed,
) -> Result<Response, PageError> {
    let forms = subjects::Forms {
        query: Some(typed),
        ..subjects::Forms::default()
    };
    let page = subjects::render(state, principal, subject, forms).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Answers (`Action::AnswerQuery`) or closes query `id` of the subject.
async fn change(
    state: AppState,
    SubjectAccess(principal, subject): SubjectAccess,
    id: i64,
    pairs: Vec<(String, String)>,
    action: Action,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let code = &subject.data.code;
    let query = state.store.query(id).await?;
    if query.data.subject_id != subject.id {
        return Err(PageError::NotFound);
    }
    let version = typed.get("version").parse::<i64>().unwrap_or(query.version);
    let result = match action {
        Action::AnswerQuery => match typed.text("answer", &words().get("query-what-answer")) {
            Some(answer) => state
                .store
                .answer_query(&principal.actor, id, version, &answer)
                .await
                .map(drop),
            None => Ok(()),
        },
        _ => state
            .store
            .close_query(&principal.actor, id, version)
            .await
            .map(drop),
    };
    match result {
        Ok(()) if !typed.has_errors() => {
            return Ok(Redirect::to(&format!("/subjects/{code}#queries")).into_response());
        }
        Ok(()) => {}
        Err(error) => typed.refused(error)?,
    }
    // An answer comes back beside its query with what was typed; a refused close (someone
    // changed the query first) says why on the page.
    if action == Action::AnswerQuery && typed.error("answer").is_some() {
        let forms = subjects::Forms {
            answer: Some((id, typed)),
            ..subjects::Forms::default()
        };
        let page = subjects::render(&state, &principal, &subject, forms).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let messages: Vec<String> = ["answer", "status", "version", "reason"]
        .iter()
        .filter_map(|field| {
            typed
                .error(field)
                .map(|message| format!("{field}: {message}"))
        })
        .chain(typed.conflict.clone())
        .collect();
    Err(PageError::Refused(words().format(
        "query-not-changed",
        &[("id", id.into()), ("why", messages.join("; ").into())],
    )))
}

pub(crate) async fn answer(
    State(state): State<AppState>,
    access: SubjectAccess,
    Path((_, id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    change(state, access, id, pairs, Action::AnswerQuery).await
}

pub(crate) async fn close(
    State(state): State<AppState>,
    access: SubjectAccess,
    Path((_, id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    change(state, access, id, pairs, Action::CloseQuery).await
}

/// A new data query, its answer and its close.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/queries",
            Scope::Subject(Action::RaiseQuery),
            open,
        )
        .post(
            "/subjects/{code}/queries/{query}/answer",
            Scope::Subject(Action::AnswerQuery),
            answer,
        )
        .post(
            "/subjects/{code}/queries/{query}/close",
            Scope::Subject(Action::CloseQuery),
            close,
        )
}
