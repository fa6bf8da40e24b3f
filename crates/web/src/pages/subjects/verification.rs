//! Source data verification and locking, the monitor's page of one subject (issue 16): every
//! record of the casebook with its fields in words; what is verified, by whom and when, and what
//! a later change cleared; a tick per field or the whole record at once; the locks on forms and
//! on the casebook. The rules are the store's (`store::verification`, `store::locks`): this page
//! shows them and sends what the monitor chose.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use store::stream::{Casebook, Record};
use store::{Lock, Locked, SourceVerification, StoreError, Stored, Subject, Value};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::subjects::history;
use crate::pages::{capitalised, layout, received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;
use crate::study::{self, StudyProtocol};
use words::Arg;

/// A refused form, shown again beside its record: the record's anchor and what was sent.
struct Refused {
    anchor: String,
    typed: Typed,
    /// The fields that were ticked.
    ticked: Vec<String>,
}

/// The anchor of a record's section (`record-lab-12`); the casebook's is `casebook`.
fn anchor(entity: &str, id: i64) -> String {
    format!("record-{entity}-{id}")
}

/// The subject's casebook as the store keeps it: the subject record and every record of it.
async fn casebook(state: &AppState, subject: &Subject) -> Result<Casebook, PageError> {
    let mut reader = state.store.reader().await?;
    reader
        .casebooks(subject.id - 1, 1, false)
        .await?
        .into_iter()
        .next()
        .filter(|book| book.subject.id == subject.id)
        .ok_or(PageError::NotFound)
}

/// The records a monitor verifies, in the order of the casebook: the subject, then each visit
/// followed by what was taken at it, then the records of no visit.
fn in_order(book: &Casebook) -> Vec<&Record> {
    let live: Vec<&Record> = book
        .records
        .iter()
        .filter(|record| !record.removed && record.entity.is_casebook_data())
        .collect();
    let visit_of = |record: &Record| record.get("visit_id").and_then(Value::as_int);
    let mut out = vec![&book.subject];
    for visit in live.iter().filter(|r| r.entity.name() == "visit") {
        out.push(visit);
        out.extend(live.iter().filter(|r| visit_of(r) == Some(visit.id)));
    }
    out.extend(
        live.iter()
            .filter(|r| r.entity.name() != "visit" && visit_of(r).is_none()),
    );
    out
}

/// A record as a monitor names it: its kind, the visit it was taken at and its first date.
fn label(record: &Record, book: &Casebook) -> String {
    let mut parts = vec![capitalised(&words().record(record.entity.name()))];
    if record.entity.name() == "subject" {
        parts.push(book.code().to_owned());
    }
    if let Some(name) = record.get("name").and_then(Value::as_text) {
        parts.push(name.to_owned());
    }
    if let Some(term) = ["test", "term", "drug"]
        .iter()
        .find_map(|field| record.get(field).and_then(Value::as_text))
    {
        parts.push(term.to_owned());
    }
    let visit = record
        .get("visit_id")
        .and_then(Value::as_int)
        .and_then(|id| {
            book.records
                .iter()
                .find(|r| r.entity.name() == "visit" && r.id == id)
        })
        .and_then(|visit| visit.get("name").and_then(Value::as_text));
    if let Some(visit) = visit {
        parts.push(words().format("sdv-at-visit", &[("visit", Arg::from(visit))]));
    }
    let date = record
        .entity
        .fields()
        .find_map(|field| match record.get(field.name) {
            Some(Value::Date(date)) => Some(date.to_string()),
            _ => None,
        });
    parts.extend(date);
    parts.join(" · ")
}

/// "by Mona Monitor on 2026-12-06".
fn by(name: &str, at: &str) -> String {
    let day = at.get(..10).unwrap_or(at);
    words().format(
        "sdv-by",
        &[("name", Arg::from(name)), ("day", Arg::from(day))],
    )
}

/// The locks that hold on `record` (a record lock), and on the casebook.
fn lock_on<'a>(locks: &'a [Stored<Lock>], entity: Option<(&str, i64)>) -> Option<&'a Stored<Lock>> {
    locks.iter().find(|lock| match (&lock.data.covers, entity) {
        (Locked::Casebook, None) => true,
        (Locked::Record { entity, record_id }, Some((e, id))) => entity == e && *record_id == id,
        _ => false,
    })
}

/// The anchor of the section showing what a lock covers.
fn covered(covers: &Locked) -> String {
    match covers {
        Locked::Casebook => "casebook".to_owned(),
        Locked::Record { entity, record_id } => anchor(entity, *record_id),
    }
}

/// The page, with a refused form (if any) beside its record.
async fn render(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    refused: Option<&Refused>,
) -> Result<Markup, PageError> {
    let book = casebook(state, subject).await?;
    let verifications = state.store.verifications_of(subject.id).await?;
    let locks = state.store.locks_of(subject.id).await?;
    let protocol = study::protocol_of(&state.store).await?;
    let code = &subject.data.code;
    let may_lock = principal
        .require(Action::Lock, Some(&subject.data.site))
        .is_ok();
    let records = in_order(&book);
    let whole = |record: &Record| {
        verifications.iter().find(|v| {
            v.holds()
                && v.field.is_none()
                && v.entity == record.entity.name()
                && v.record_id == record.id
        })
    };
    let done = records
        .iter()
        .filter(|record| whole(record).is_some())
        .count();
    let casebook_lock = lock_on(&locks, None);
    let ctx = Context {
        code,
        csrf: &principal.csrf_token,
        verifications: &verifications,
        locks: &locks,
        may_lock,
        casebook_locked: casebook_lock.is_some(),
        protocol: &protocol,
    };
    let body = html! {
        p.lead {
            a href={ "/subjects/" (code) } { (words().format("sdv-subject", &[("code", Arg::from(code.as_str()))])) }
            " · " (words().format("sdv-done", &[("done", done.into()), ("all", records.len().into())]))
        }
        p.hint {
            (words().get("sdv-hint"))
        }
        section #casebook aria-labelledby="casebook-title" {
            h2 #casebook-title { (words().get("sdv-casebook-lock")) }
            @let typed = refused.filter(|r| r.anchor == "casebook").map(|r| &r.typed);
            @if let Some(typed) = typed { (typed.summary(&[])) }
            (lock_controls(&ctx, None, casebook_lock, typed))
        }
        @for record in &records {
            @let here = anchor(record.entity.name(), record.id);
            @let refused = refused.filter(|r| r.anchor == here);
            (one(&ctx, record, &label(record, &book), refused))
        }
    };
    Ok(layout::page(
        &words().format("sdv-title", &[("code", Arg::from(code.as_str()))]),
        Some(principal),
        body,
    ))
}

/// What every record's section needs from the page.
struct Context<'a> {
    code: &'a str,
    csrf: &'a str,
    verifications: &'a [SourceVerification],
    locks: &'a [Stored<Lock>],
    may_lock: bool,
    casebook_locked: bool,
    protocol: &'a StudyProtocol,
}

/// The lock of the casebook (`record` none) or of one record, and the form that changes it.
fn lock_controls(
    ctx: &Context<'_>,
    record: Option<(&str, i64)>,
    lock: Option<&Stored<Lock>>,
    typed: Option<&Typed>,
) -> Markup {
    let (lock_it, unlock_it) = if record.is_some() {
        ("sdv-lock-form", "sdv-unlock-form")
    } else {
        ("sdv-lock-casebook", "sdv-unlock-casebook")
    };
    let empty = Typed::default();
    let typed = typed.unwrap_or(&empty);
    let scope = record.map_or_else(|| "casebook".to_owned(), |(e, id)| anchor(e, id));
    let reason_id = format!("{scope}-reason");
    html! {
        @match lock {
            Some(lock) => {
                p.locked { strong { (words().get("sdv-locked")) } " " (by(&lock.data.printed_name, &lock.data.locked_at)) (words().get("sdv-locked-then")) }
                @if ctx.may_lock {
                    form.inline method="post" action={ "/subjects/" (ctx.code) "/locks/" (lock.id) "/unlock" } {
                        (form::token(ctx.csrf))
                        input type="hidden" name="version" value=(lock.version);
                        div.field {
                            label for=(reason_id) { (words().get("sdv-why-unlock")) }
                            input id=(reason_id) name="reason" type="text" value=(typed.get("reason"))
                                aria-invalid=[typed.error("reason").map(|_| "true")]
                                aria-describedby=[typed.error("reason").map(|_| format!("{reason_id}-error"))];
                            @if let Some(message) = typed.error("reason") {
                                p.error id={ (reason_id) "-error" } { (message) }
                            }
                        }
                        button type="submit" { (words().get(unlock_it)) }
                    }
                }
            }
            None if record.is_some() && ctx.casebook_locked => {}
            None => {
                p { (words().get("sdv-not-locked")) }
                @if ctx.may_lock {
                    form.inline method="post" action={ "/subjects/" (ctx.code) "/locks" } {
                        (form::token(ctx.csrf))
                        @match record {
                            Some((entity, id)) => {
                                input type="hidden" name="covers" value="record";
                                input type="hidden" name="entity" value=(entity);
                                input type="hidden" name="record_id" value=(id);
                            }
                            None => { input type="hidden" name="covers" value="casebook"; }
                        }
                        button type="submit" { (words().get(lock_it)) }
                    }
                }
            }
        }
    }
}

/// One record: its verification, its lock, and its fields with a tick each.
fn one(ctx: &Context<'_>, record: &Record, title: &str, refused: Option<&Refused>) -> Markup {
    let entity = record.entity.name();
    let here = anchor(entity, record.id);
    let mine: Vec<&SourceVerification> = ctx
        .verifications
        .iter()
        .filter(|v| v.entity == entity && v.record_id == record.id)
        .collect();
    let holding = |field: Option<&str>| {
        mine.iter()
            .find(|v| v.holds() && v.field.as_deref() == field)
    };
    let whole = holding(None);
    let cleared = mine.iter().rev().find(|v| !v.holds() && v.field.is_none());
    let lock = lock_on(ctx.locks, Some((entity, record.id)));
    let typed = refused.map(|r| &r.typed);
    let ticked = |field: &str| refused.is_some_and(|r| r.ticked.iter().any(|t| t == field));
    let fields: Vec<&'static str> = record
        .entity
        .fields()
        .filter(|field| field.refers_to.is_none())
        .map(|field| field.name)
        .collect();
    let status = match (whole, cleared) {
        (Some(_), _) => "verified",
        (None, Some(_)) => "cleared",
        (None, None) => "to-do",
    };
    html! {
        section.record id=(here) data-verification=(status) aria-labelledby={ (here) "-title" } {
            h2 id={ (here) "-title" } { (title) }
            @if let Some(typed) = typed { (typed.summary(&[])) }
            @match (whole, cleared) {
                (Some(v), _) => p.verified { strong { (words().get("sdv-verified")) } " " (by(&v.printed_name, &v.verified_at)) "." },
                (None, Some(v)) => p.cleared { strong { (words().get("sdv-cleared")) } ": " (v.cleared.as_deref().unwrap_or_default()) ". " (words().get("sdv-again")) },
                (None, None) => p { strong { (words().get("sdv-to-do")) } },
            }
            (lock_controls(ctx, Some((entity, record.id)), lock, typed))
            form method="post" action={ "/subjects/" (ctx.code) "/verification" } {
                (form::token(ctx.csrf))
                input type="hidden" name="entity" value=(entity);
                input type="hidden" name="record_id" value=(record.id);
                input type="hidden" name="version" value=(record.version);
                table.verify {
                    thead { tr { th scope="col" { (words().get("sdv-field")) } th scope="col" { (words().get("sdv-value")) } th scope="col" { (words().get("sdv-verified-column")) } th scope="col" { (words().get("sdv-query")) } } }
                    tbody {
                        @for field in &fields {
                            @let id = format!("{here}-{field}");
                            tr {
                                th scope="row" { label for=(id) { (capitalised(&words().field(field))) } }
                                td { (history::shown(Some(field), record.get(field).map(Value::canonical).as_deref(), ctx.protocol)) }
                                td {
                                    @match (whole, holding(Some(field))) {
                                        (_, Some(v)) => { "✓ " (by(&v.printed_name, &v.verified_at)) }
                                        (Some(_), None) => { "✓ " (words().get("sdv-with-record")) }
                                        (None, None) => {
                                            input type="checkbox" id=(id) name="field" value=(field) checked[ticked(field)];
                                        }
                                    }
                                }
                                td { a href={ "/subjects/" (ctx.code) "?target=" (entity) ":" (record.id) "&field=" (field) "#queries" } { (words().get("sdv-ask")) } }
                            }
                        }
                    }
                }
                @if whole.is_none() {
                    div.actions {
                        button type="submit" name="scope" value="fields" { (words().get("sdv-verify-fields")) }
                        button type="submit" name="scope" value="record" { (words().get("sdv-verify-record")) }
                    }
                }
            }
        }
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
) -> Result<Markup, PageError> {
    render(&state, &principal, &subject, None).await
}

/// The refused form's page (422), or the page at the record when saved.
async fn answer(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    done: Result<(), StoreError>,
    mut refused: Refused,
) -> Result<Response, PageError> {
    if let Err(error) = done {
        refused.typed.refused(error)?;
    }
    if refused.typed.has_errors() {
        let page = render(state, principal, subject, Some(&refused)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let code = &subject.data.code;
    let anchor = &refused.anchor;
    Ok(Redirect::to(&format!("/subjects/{code}/verification#{anchor}")).into_response())
}

/// Verifies the ticked fields, or the whole record.
pub(crate) async fn verify(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let ticked: Vec<String> = pairs
        .iter()
        .filter(|(name, _)| name == "field")
        .map(|(_, value)| value.clone())
        .collect();
    let mut typed = received(&principal, pairs)?;
    let entity = typed.get("entity").to_owned();
    let (Ok(record_id), Ok(version)) = (
        typed.get("record_id").parse::<i64>(),
        typed.get("version").parse::<i64>(),
    ) else {
        return Err(PageError::Refused(words().get("sdv-no-record")));
    };
    let fields = if typed.get("scope") == "record" {
        Vec::new()
    } else if ticked.is_empty() {
        typed.fail("field", words().get("sdv-tick-first"));
        Vec::new()
    } else {
        ticked.clone()
    };
    let done = if typed.has_errors() {
        Ok(())
    } else {
        state
            .store
            .verify_source(
                &principal.actor,
                subject.id,
                &entity,
                record_id,
                version,
                &fields,
            )
            .await
            .map(drop)
    };
    let anchor = anchor(&entity, record_id);
    answer(
        &state,
        &principal,
        &subject,
        done,
        Refused {
            anchor,
            typed,
            ticked,
        },
    )
    .await
}

/// Locks a form (`covers=record` with `entity` and `record_id`) or the casebook
/// (`covers=casebook`).
pub(crate) async fn lock(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let typed = received(&principal, pairs)?;
    let covers = match (typed.get("covers"), typed.get("record_id").parse::<i64>()) {
        ("casebook", _) => Locked::Casebook,
        ("record", Ok(record_id)) => Locked::Record {
            entity: typed.get("entity").to_owned(),
            record_id,
        },
        _ => {
            return Err(PageError::Refused(words().get("sdv-nothing-to-lock")));
        }
    };
    let anchor = covered(&covers);
    let done = state
        .store
        .lock(&principal.actor, subject.id, covers)
        .await
        .map(drop);
    answer(
        &state,
        &principal,
        &subject,
        done,
        Refused {
            anchor,
            typed,
            ticked: Vec::new(),
        },
    )
    .await
}

/// Unlocks lock `id`, with the reason typed.
pub(crate) async fn unlock(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((_, id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let typed = received(&principal, pairs)?;
    let lock = state
        .store
        .locks_of(subject.id)
        .await?
        .into_iter()
        .find(|lock| lock.id == id)
        .ok_or(PageError::NotFound)?;
    let version = typed.get("version").parse::<i64>().unwrap_or(lock.version);
    let reason = typed.get("reason").to_owned();
    let done = state
        .store
        .unlock(&principal.actor, id, version, &reason)
        .await
        .map(drop);
    let anchor = covered(&lock.data.covers);
    answer(
        &state,
        &principal,
        &subject,
        done,
        Refused {
            anchor,
            typed,
            ticked: Vec::new(),
        },
    )
    .await
}

/// The verification page, its ticks, and form and casebook locks.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get(
            "/subjects/{code}/verification",
            Scope::Subject(Action::VerifySource),
            page,
        )
        .post(
            "/subjects/{code}/verification",
            Scope::Subject(Action::VerifySource),
            verify,
        )
        .post("/subjects/{code}/locks", Scope::Subject(Action::Lock), lock)
        .post(
            "/subjects/{code}/locks/{lock}/unlock",
            Scope::Subject(Action::Lock),
            unlock,
        )
}
