//! Visit entry: CLASI grid with the lesion photographs beside it, SLEDAI-2K checklist, labs with their CTCAE grade, the outcome
//! instruments the protocol collects (`outcomes`), the dose given,
//! the protocol decision panel and the e-signature, on one page per visit. Each section posts on
//! its own; a refused post re-renders the page with that section as typed, its messages next to
//! the fields, and a conflict shows the saved version beside the typed one.

pub(crate) mod assessments;
pub(crate) mod decision;
pub(crate) mod dose;
pub(crate) mod outcomes;
pub(crate) mod patient_links;
pub(crate) mod photos;
pub(crate) mod sign;

use std::str::FromStr;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::medication::{DoseUnit, Frequency};
use maud::{Markup, html};
use store::{ClasiAssessment, Finding, Meaning, Stored, Subject, Visit, VisitData};
use words::Arg;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::instruments_form::{self as forms, label, total_text};
use crate::pages::subjects::{adverse_events, records};
use crate::pages::{layout, received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;
use crate::{locale, study};

/// The sections of the page as typed, when one comes back refused.
#[derive(Default)]
pub(crate) struct Sections {
    pub(crate) clasi: Option<Typed>,
    pub(crate) sledai: Option<Typed>,
    pub(crate) lab: Option<Typed>,
    pub(crate) nerve: Option<Typed>,
    /// One outcome instrument's form, by its instrument.
    pub(crate) outcome: Option<(instruments::questionnaire::Instrument, Typed)>,
    pub(crate) photo: Option<Typed>,
    pub(crate) dose: Option<Typed>,
    pub(crate) decision: Option<Typed>,
    pub(crate) sign: Option<Typed>,
}

/// The visit `visit_id` of `subject`, or 404 (another subject's visit looks missing too).
pub(crate) async fn visit_of(
    state: &AppState,
    subject: &Subject,
    visit_id: i64,
) -> Result<Visit, PageError> {
    let visit = state.store.visit(visit_id).await?;
    if visit.subject_id == subject.id {
        Ok(visit)
    } else {
        Err(PageError::NotFound)
    }
}

/// The day a visit's records and decision are dated: when it took place, else when planned.
pub(crate) fn visit_date(visit: &Visit) -> Option<jiff::civil::Date> {
    visit.data.actual_date.or(visit.data.planned_date)
}

pub(super) fn visit_path(code: &str, visit_id: i64, anchor: &str) -> String {
    format!("/subjects/{code}/visits/{visit_id}#{anchor}")
}

pub(crate) async fn page(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((_, visit_id)): Path<(String, i64)>,
) -> Result<Markup, PageError> {
    let visit = visit_of(&state, &subject, visit_id).await?;
    render(&state, &principal, &subject, &visit, Sections::default()).await
}

/// The whole page; `typed` holds the sections coming back refused.
pub(crate) async fn render(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    visit: &Visit,
    typed: Sections,
) -> Result<Markup, PageError> {
    let protocol = study::protocol_of(&state.store).await?;
    let record = study::clinical_record(state, &protocol, subject.id).await?;
    let code = &subject.data.code;
    let date = visit_date(visit);
    let date_text = date.map_or_else(String::new, |date| date.to_string());
    let clasi = record
        .clasi
        .iter()
        .find(|record| record.data.visit_id == visit.id);
    let sledai = record
        .sledai
        .iter()
        .find(|record| record.data.visit_id == Some(visit.id));
    // Queries not yet closed, shown on the form and field they ask about.
    let open_queries: Vec<_> = state
        .store
        .queries_of(subject.id)
        .await?
        .into_iter()
        .filter(|query| query.data.status != store::QueryStatus::Closed)
        .collect();
    let clasi_queried: Vec<(String, String)> = clasi
        .map(|record| {
            open_queries
                .iter()
                .filter(|query| query.data.entity == "clasi" && query.data.record_id == record.id)
                .map(|query| (query.data.field.clone(), query.data.question.clone()))
                .collect()
        })
        .unwrap_or_default();
    let labs: Vec<_> = record
        .labs
        .iter()
        .filter(|lab| lab.data.visit_id == Some(visit.id))
        .collect();
    let nerve_study = record
        .nerve_studies
        .iter()
        .find(|study| study.data.visit_id == Some(visit.id));
    let nerve_form = typed
        .nerve
        .unwrap_or_else(|| Typed::filled([("tested_on", date_text.as_str())]));
    let findings: Vec<(&str, String)> = Finding::ALL
        .iter()
        .map(|finding| (finding.code(), words().value("finding", finding.code())))
        .collect();
    let questionnaires = state
        .store
        .records_of::<store::Questionnaire>(subject.id)
        .await?;
    let taken: Vec<_> = questionnaires
        .iter()
        .filter(|record| record.data.visit_id == visit.id)
        .collect();
    let collected = protocol
        .as_ref()
        .map(|protocol| protocol.outcomes().collected())
        .unwrap_or_default();
    let signatures = state.store.signatures(visit.id).await?;
    let visit_photos: Vec<Stored<store::Photo>> = state
        .store
        .records_of::<store::Photo>(subject.id)
        .await?
        .into_iter()
        .filter(|photo| photo.data.visit_id == visit.id)
        .collect();
    let csrf = &principal.csrf_token;
    let base = format!("/subjects/{code}/visits/{}", visit.id);
    let site = Some(subject.data.site.as_str());
    let enters = principal.require(Action::EnterVisitData, site).is_ok();
    let signs = principal.require(Action::Sign, site).is_ok();
    let issues_links = principal.require(Action::IssuePatientLink, site).is_ok();
    let links = state.store.patient_links_of_visit(visit.id).await?;
    let void = |kind: &str, id: i64, version: i64, anchor: &str| {
        html! {
            @if enters {
                (records::void_form(principal, code, kind, id, version, &format!("{base}#{anchor}")))
            }
        }
    };

    // A new CLASI starts blank: not yet entered, which is neither clear nor not examined.
    let clasi_form = typed.clasi.unwrap_or_else(|| match clasi {
        Some(record) => {
            let mut filled = forms::clasi_values(&record.data.clasi);
            filled.set("assessed_on", record.data.assessed_on.to_string());
            filled.set("version", record.version.to_string());
            filled
        }
        None => Typed::filled([("assessed_on", date_text.as_str())]),
    });
    // Its fields share names with the CLASI's (assessed on, reason): its ids are scoped.
    let sledai_form = typed
        .sledai
        .unwrap_or_else(|| {
            let mut filled = sledai.map_or_else(
                || {
                    let mut blank = Typed::default();
                    blank.set("recall_window", "10d");
                    blank
                },
                |record| forms::sledai_values(&record.data.sledai),
            );
            filled.set("assessed_on", date_text.clone());
            if let Some(record) = sledai {
                filled.set("assessed_on", record.data.assessed_on.to_string());
                filled.set("version", record.version.to_string());
            }
            filled
        })
        .scoped("sledai");
    let sledai_score = {
        let mut copy = sledai_form.clone();
        forms::read_sledai(&mut copy).map_or_else(|| "—".to_owned(), |s| s.score().to_string())
    };
    let lab_form = typed
        .lab
        .unwrap_or_else(|| Typed::filled([("collected_on", date_text.as_str())]));
    let lab_grade = forms::coded_lab_grade_text(&lab_form, protocol.as_deref().ok());
    let lab_list = protocol
        .as_ref()
        .map(|protocol| protocol.labs())
        .unwrap_or_default();
    // A stored result by its lab's text (its id if the protocol no longer lists it).
    let lab_text = |test: &str| -> String {
        protocol
            .as_ref()
            .ok()
            .and_then(|protocol| protocol.lab(test).ok())
            .map_or_else(|| test.to_owned(), |lab| lab.text.clone())
    };
    // Results of grade 3 or more the adverse event log does not hold: a safety signal to act on.
    let unlogged: Vec<(&str, i64, jiff::civil::Date)> = labs
        .iter()
        .filter_map(|lab| {
            let grade = i64::from(lab.data.ctcae_grade().ok().flatten()?.number());
            let term = instruments::ctcae::LabTest::from_str(&lab.data.test)
                .ok()?
                .term();
            let logged = store::logged_as_adverse_event(
                term,
                lab.data.collected_on,
                record.adverse_events.iter().map(|event| {
                    (
                        event.data.term.term(),
                        event.data.start_date,
                        event.data.end_date,
                    )
                }),
            );
            (grade >= 3 && !logged).then_some((term, grade, lab.data.collected_on))
        })
        .collect();
    let logs_events = principal
        .require(Action::RecordAdverseEvent, Some(&subject.data.site))
        .is_ok();
    // The protocol's decision for this visit's day, which the dose form starts from.
    let decided = visit_date(visit)
        .and_then(|date| study::decision(&protocol, &record, date).ok())
        .map(|decision| decision.dose);
    let dose_form = typed.dose.unwrap_or_else(|| {
        let mut filled = Typed::filled([("start_date", date_text.as_str())]);
        if let Some(level) = &decided {
            filled.set("level", level.clone());
        }
        filled
    });
    let sign_form = typed
        .sign
        .unwrap_or_else(|| Typed::filled([("meaning", "responsibility")]));
    let levels: Vec<(String, String)> = protocol
        .as_ref()
        .map(|protocol| {
            protocol
                .file()
                .dose_levels
                .iter()
                .map(|level| {
                    let said = level.said(protocol.file().study.drug, words());
                    (level.id.clone(), said)
                })
                .collect()
        })
        .unwrap_or_default();
    let level_options: Vec<(&str, &str)> = levels
        .iter()
        .map(|(id, text)| (id.as_str(), text.as_str()))
        .collect();
    let running = record
        .doses
        .iter()
        .find(|dose| dose.data.end_date.is_none());
    // The decided level when it is not what runs now: one click gives it from the visit's day,
    // through the same command as the dose form (nothing running is the off level).
    // A period starting on the visit's day already is this visit's dose: changing it again the
    // same day is a correction of that record, not a new period.
    let started_today = running.is_some_and(|dose| Some(dose.data.start_date) >= visit_date(visit));
    let to_apply = protocol
        .as_ref()
        .ok()
        .filter(|_| !started_today)
        .and_then(|protocol| {
            let decided = protocol.dose_level(decided.as_deref()?)?;
            let running = running.and_then(|dose| protocol.level_of(&dose.data.regimen).ok());
            let same = match running {
                Some(level) => level.id == decided.id,
                None => decided.is_off(),
            };
            (!same).then(|| {
                let said = decided.said(protocol.file().study.drug, words());
                (decided.id.clone(), said)
            })
        });
    let unit_options: Vec<(&str, &str)> = DoseUnit::ALL
        .iter()
        .map(|unit| (unit.code(), unit.code()))
        .collect();
    let frequency_options: Vec<(&str, String)> = Frequency::ALL
        .iter()
        .filter(|frequency| frequency.per_week().is_some())
        .map(|frequency| (frequency.code(), crate::pages::frequency_words(*frequency)))
        .collect();

    let body = html! {
        p.lead {
            a href={ "/subjects/" (code) } { (words().format("subjects-title", &[("code", Arg::from(code))])) }
            " · " (words().format("visit-planned", &[("date", Arg::from(date_or_dash(visit.data.planned_date)))]))
            " · " (words().format("visit-done", &[("date", Arg::from(date_or_dash(visit.data.actual_date)))]))
            " · " a href={ "/subjects/" (code) "/history" } { (words().get("subjects-history")) }
        }
        nav.sections aria-label=(words().get("visit-sections")) {
            a href="#clasi" { "CLASI" } a href="#photos" { (words().get("photos-title")) } a href="#sledai" { "SLEDAI-2K" } a href="#labs" { (words().get("visit-labs")) }
            a href="#nerve" { (words().get("visit-nerve")) }
            @if !collected.is_empty() { a href="#outcomes" { (words().get("outcomes-title")) } }
            @if collected.iter().any(|setup| setup.instrument().patient_reported()) { a href="#patient-links" { (words().get("links-title")) } }
            a href="#decision" { (words().get("visit-decision")) } a href="#dose" { (words().get("visit-dose")) } a href="#sign" { (words().get("visit-signature")) }
        }

        section #clasi {
            h2 { "CLASI" }
            form method="post" action={ (base) "/clasi" } data-live="/live/clasi" {
                (form::token(csrf))
                input type="hidden" name="version" value=(clasi_form.get("version"));
                (clasi_form.summary(&[]))
                @if let Some(record) = clasi { (queried(&open_queries, &subject.data.code, "clasi", record.id)) }
                fieldset.entry disabled[!enters] {
                    (clasi_form.input("assessed_on", &label("assessed_on"), "date"))
                    (forms::clasi_grid(&clasi_form, &clasi_queried))
                    @if enters {
                        @if clasi.is_some() { (clasi_form.input("reason", &words().get("visit-reason"), "text")) }
                        button type="submit" { (words().get("visit-save-clasi")) }
                    }
                }
                (read_only(enters))
            }
            @if let (Some(_), Some(saved)) = (&clasi_form.conflict, clasi) {
                (saved_clasi(saved))
            }
            @if let Some(saved) = clasi { (void("clasi", saved.id, saved.version, "clasi")) }
        }

        (photos::section(principal, subject, visit, &visit_photos, typed.photo, enters))

        section #sledai {
            h2 { "SLEDAI-2K" }
            form method="post" action={ (base) "/sledai" } data-live="/live/sledai" {
                (form::token(csrf))
                input type="hidden" name="version" value=(sledai_form.get("version"));
                (sledai_form.summary(&["assessed_on", "recall_window", "reason"]))
                @if let Some(record) = sledai { (queried(&open_queries, &subject.data.code, "sledai", record.id)) }
                fieldset.entry disabled[!enters] {
                    (sledai_form.input("assessed_on", &label("assessed_on"), "date"))
                    (forms::sledai_checklist(&sledai_form, &sledai_score))
                    @if enters {
                        @if sledai.is_some() { (sledai_form.input("reason", &words().get("visit-reason"), "text")) }
                        button type="submit" { (words().get("visit-save-sledai")) }
                    }
                }
                (read_only(enters))
            }
            @if let (Some(_), Some(saved)) = (&sledai_form.conflict, sledai) {
                div.saved { h3 { (words().get("visit-saved")) } p { (words().format("visit-saved-sledai", &[("score", saved.data.sledai.score().into()), ("version", saved.version.into())])) } }
            }
            @if let Some(saved) = sledai { (void("sledai", saved.id, saved.version, "sledai")) }
        }

        section #labs {
            h2 { (words().get("visit-lab-results")) }
            @for lab in &labs { (queried(&open_queries, &subject.data.code, "lab", lab.id)) }
            @if labs.is_empty() {
                p { (words().get("visit-no-labs")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (label("test")) } th scope="col" { (label("collected_on")) }
                        th scope="col" class="num" { (label("value")) } th scope="col" { (label("unit")) }
                        th scope="col" { (words().get("visit-normal-range")) } th scope="col" { "CTCAE v5.0" }
                        th scope="col" { (words().get("visit-correction")) }
                    } }
                    tbody {
                        @for lab in &labs {
                            @let grade = forms::lab_grade_text(&lab.data);
                            tr.alerted[lab.data.ctcae_grade().ok().flatten().is_some_and(|g| g.number() >= 3)] {
                                th scope="row" { (lab_text(&lab.data.test)) }
                                td { (lab.data.collected_on) }
                                td.num { (match &lab.data.value { store::Entry::Value(value) => value.as_str().to_owned(), store::Entry::Missing(missing) => words().value("missing", missing.code()) }) }
                                td { (lab.data.unit) }
                                td { (lab.data.lln.as_ref().map_or("—", |v| v.as_str())) "–" (lab.data.uln.as_ref().map_or("—", |v| v.as_str())) }
                                td { (grade) }
                                td { (void("lab", lab.id, lab.version, "labs")) }
                            }
                        }
                    }
                }
            }
            @for (term, grade, on) in &unlogged {
                div.alert.safety role="alert" {
                    p {
                        strong { (words().format("visit-lab-grade", &[("term", Arg::from(*term)), ("grade", (*grade).into())])) }
                        " " (words().format("visit-lab-unlogged", &[("date", Arg::from(on.to_string()))]))
                    }
                    @if logs_events {
                        p { a.button href=(adverse_events::log_from_lab(&subject.data.code, term, *grade, *on)) { (words().get("visit-log-event")) } }
                    } @else {
                        p.hint { (words().get("visit-log-event-who")) }
                    }
                }
            }
            @if enters { form method="post" action={ (base) "/labs" } data-live="/live/lab" {
                (form::token(csrf))
                (lab_form.summary(&["collected_on", "test", "value", "unit", "lln", "uln"]))
                @if lab_list.is_empty() {
                    p.error { (words().get("visit-no-lab-list")) }
                }
                (forms::lab_fields(&lab_form, &lab_grade, lab_list))
                button type="submit" { (words().get("visit-add-lab")) }
            } }
        }

        section #nerve {
            h2 { (words().get("visit-nerve-study")) }
            @match nerve_study {
                Some(study) => {
                    (nerve_form.summary(&[]))
                    p { (words().format("visit-tested-on", &[("date", Arg::from(study.data.tested_on.to_string()))])) " " strong { (words().value("finding", study.data.finding.code())) }
                        @if let Some(note) = &study.data.note { " — " (note) } }
                    (void("nerve_conduction_study", study.id, study.version, "nerve"))
                }
                None if !enters => { p { (words().get("visit-no-nerve-study")) } }
                None => {
                    form method="post" action={ (base) "/nerve-conduction" } {
                        (form::token(csrf))
                        (nerve_form.summary(&["tested_on", "finding", "note"]))
                        div.row {
                            (nerve_form.input("tested_on", &label("tested_on"), "date"))
                            (nerve_form.select("finding", &words().get("visit-conclusion"), &findings))
                            (nerve_form.input("note", &words().get("visit-nerve-note"), "text"))
                        }
                        button type="submit" { (words().get("visit-save-nerve")) }
                    }
                }
            }
        }

        (outcomes::section(
            &outcomes::Page { base: &base, csrf, enters, texts: &state.config.item_texts, visit_date: &date_text },
            collected,
            &taken,
            typed.outcome,
            &void,
        ))

        (patient_links::section(&base, csrf, issues_links, collected, &links))

        (decision::panel(principal, subject, visit, &protocol, &record, typed.decision, &state.store).await?)

        section #dose {
            h2 { (words().get("visit-dose-given")) }
            p {
                @match running {
                    Some(dose) => { (words().format("visit-running", &[("regimen", Arg::from(crate::pages::regimen(&dose.data.regimen))), ("date", Arg::from(dose.data.start_date.to_string()))])) }
                    None => { (words().get("visit-running-none")) }
                }
            }
            @if let (true, Some((level, text))) = (enters, &to_apply) {
                form.apply method="post" action={ (base) "/dose" } {
                    (form::token(csrf))
                    input type="hidden" name="level" value=(level);
                    input type="hidden" name="start_date" value=(date_text);
                    button type="submit" { (words().format("visit-apply", &[("dose", Arg::from(text.as_str())), ("date", Arg::from(date_text.as_str()))])) }
                }
                p.hint { (words().get("visit-apply-or")) }
            }
            @if enters { form method="post" action={ (base) "/dose" } {
                (form::token(csrf))
                (dose_form.summary(&["level", "drug", "amount", "unit", "frequency", "start_date"]))
                @if levels.is_empty() {
                    p.hint { (words().get("visit-no-levels")) }
                    (dose_form.input("amount", &words().get("visit-amount"), "text"))
                    (dose_form.select("unit", &label("unit"), &unit_options))
                    (dose_form.select("frequency", &words().get("visit-how-often"), &frequency_options))
                } @else {
                    (dose_form.select("level", &words().get("visit-level"), &level_options))
                    @if let Some(text) = decided.as_deref().and_then(|id| levels.iter().find(|(level, _)| level == id)) {
                        p.hint { (words().format("visit-preselected", &[("dose", Arg::from(text.1.as_str()))])) }
                    }
                }
                (dose_form.input("start_date", &words().get("visit-starting-on"), "date"))
                p.hint { (words().get("visit-dose-hint")) }
                button type="submit" { (words().get("visit-record-dose")) }
            } }
        }

        section #sign {
            h2 { (words().get("visit-signature")) }
            @for signature in &signatures {
                p.signature.voided[!signature.is_valid()] {
                    (words().get("visit-signed-by")) " "
                    @if principal.require(Action::ReadIdentifiers, Some(&subject.data.site)).is_ok() {
                        strong { (signature.printed_name) } " (" (signature.signer_login) ")"
                    } @else {
                        strong { (words().get("visit-the-investigator")) }
                    }
                    " " (words().format("visit-signed-at", &[
                        ("at", Arg::from(locale::recorded(&signature.signed_at))),
                        ("meaning", Arg::from(words().value("meaning", signature.meaning.as_str()))),
                    ]))
                    @if let Some(reason) = &signature.void_reason { " — " (words().format("visit-signature-void", &[("reason", Arg::from(reason.as_str()))])) }
                }
            }
            @if !signs { p.hint { (words().get("visit-who-signs")) } }
            @if signs { form method="post" action={ (base) "/sign" } {
                (form::token(csrf))
                input type="hidden" name="version" value=(visit.version);
                (sign_form.summary(&["password", "meaning"]))
                p { (words().get("visit-sign-confirms")) }
                (sign_form.select("meaning", &label("meaning"), &Meaning::ALL.map(|m| (m.as_str(), words().value("meaning", m.as_str())))))
                (sign_form.input("password", &words().get("visit-password"), "password"))
                button type="submit" { (words().get("visit-sign")) }
            } }
        }
    };
    Ok(layout::page(
        &format!("{} · {}", visit.data.name, code),
        Some(principal),
        body,
    ))
}

fn date_or_dash(date: Option<jiff::civil::Date>) -> String {
    date.map_or_else(|| "—".to_owned(), |date| date.to_string())
}

/// The open queries on record `id` of `entity`, above its form: each field in words with its
/// question and where it stands, linking to the query on the subject page (where it is answered
/// and closed).
fn queried(queries: &[Stored<store::DataQuery>], code: &str, entity: &str, id: i64) -> Markup {
    let here: Vec<_> = queries
        .iter()
        .filter(|query| query.data.entity == entity && query.data.record_id == id)
        .collect();
    html! {
        @if !here.is_empty() {
            div.queried role="note" {
                p { strong { (words().get("visit-open-queries")) } }
                ul {
                    @for query in here {
                        li {
                            (words().field(&query.data.field)) ": “" (query.data.question) "” — "
                            (words().value("status", query.data.status.code())) " · "
                            a href={ "/subjects/" (code) "#query-" (query.id) } { (words().get("visit-see-query")) }
                        }
                    }
                }
            }
        }
    }
}

/// The saved CLASI beside the typed one, when someone else saved first.
fn saved_clasi(saved: &Stored<ClasiAssessment>) -> Markup {
    let values = forms::clasi_values(&saved.data.clasi);
    html! {
        div.saved {
            h3 { (words().format("visit-saved-clasi", &[("version", saved.version.into()), ("date", Arg::from(saved.data.assessed_on.to_string()))])) }
            p { (words().format("visit-saved-totals", &[("activity", Arg::from(total_text(saved.data.activity()))), ("damage", Arg::from(total_text(saved.data.damage())))])) }
            fieldset disabled { (forms::clasi_grid(&values, &[])) }
            p { (words().get("visit-kept")) }
        }
    }
}

/// The page again with one section as typed, as a 422.
pub(super) async fn again(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    visit: &Visit,
    sections: Sections,
) -> Result<Response, PageError> {
    let page = render(state, principal, subject, visit, sections).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The section of the visit page a post comes from: where the browser goes back to once it is
/// saved, and where the form comes back as typed when it is refused.
#[derive(Clone, Copy)]
pub(super) enum Section {
    Clasi,
    Sledai,
    Lab,
    Nerve,
    Outcome(instruments::questionnaire::Instrument),
    Photo,
    Dose,
    Decision,
    Sign,
}

impl Section {
    /// The section's anchor on the visit page.
    fn anchor(self) -> String {
        match self {
            Section::Clasi => "clasi".to_owned(),
            Section::Sledai => "sledai".to_owned(),
            Section::Lab => "labs".to_owned(),
            Section::Nerve => "nerve".to_owned(),
            Section::Outcome(instrument) => outcomes::anchor(instrument),
            Section::Photo => "photos".to_owned(),
            Section::Dose => "dose".to_owned(),
            Section::Decision => "decision".to_owned(),
            Section::Sign => "sign".to_owned(),
        }
    }

    /// The page's sections with this one as `typed`.
    fn as_typed(self, typed: Typed) -> Sections {
        let mut sections = Sections::default();
        match self {
            Section::Clasi => sections.clasi = Some(typed),
            Section::Sledai => sections.sledai = Some(typed),
            Section::Lab => sections.lab = Some(typed),
            Section::Nerve => sections.nerve = Some(typed),
            Section::Outcome(instrument) => sections.outcome = Some((instrument, typed)),
            Section::Photo => sections.photo = Some(typed),
            Section::Dose => sections.dose = Some(typed),
            Section::Decision => sections.decision = Some(typed),
            Section::Sign => sections.sign = Some(typed),
        }
        sections
    }
}

/// A post to one section of the visit page, once its visit is found: what its ending needs.
pub(super) struct SectionPost<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    subject: &'a Subject,
    visit: &'a Visit,
    /// The subject's code as the path gave it, which the redirect keeps.
    code: &'a str,
}

impl<'a> SectionPost<'a> {
    pub(super) fn new(
        state: &'a AppState,
        principal: &'a Principal,
        subject: &'a Subject,
        visit: &'a Visit,
        code: &'a str,
    ) -> Self {
        Self {
            state,
            principal,
            subject,
            visit,
            code,
        }
    }

    /// How every section's post ends. Saved: the browser goes to the section on the visit
    /// page. Refused by the store, or never sent because the form did not read (`saved` is
    /// `None`, its messages already on `typed`): the page again as a 422, the section as typed
    /// with the store's message next to its field. A store error that is no refusal is the
    /// request's error.
    pub(super) async fn saved_or_again<T>(
        &self,
        section: Section,
        saved: Option<Result<T, store::StoreError>>,
        mut typed: Typed,
    ) -> Result<Response, PageError> {
        match saved {
            Some(Ok(_)) => {
                let to = visit_path(self.code, self.visit.id, &section.anchor());
                return Ok(Redirect::to(&to).into_response());
            }
            Some(Err(error)) => typed.refused(error)?,
            None => {}
        }
        again(
            self.state,
            self.principal,
            self.subject,
            self.visit,
            section.as_typed(typed),
        )
        .await
    }
}

pub(super) fn version_of(typed: &mut Typed) -> Option<i64> {
    let text = typed.get("version").to_owned();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| {
        typed.fail("version", words().get("visit-bad-version"));
        None
    })
}

/// Adds a visit to a subject (from the subject page) and opens it.
pub(crate) async fn add(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let name = typed.text("name", &words().get("visit-name"));
    let planned = typed.optional_date("planned_date");
    let actual = typed.optional_date("actual_date");
    if let (Some(name), Some(planned_date), Some(actual_date)) = (name, planned, actual) {
        let data = VisitData {
            name,
            planned_date,
            actual_date,
        };
        match state
            .store
            .add_visit(&principal.actor, subject.id, &data)
            .await
        {
            Ok(visit) => {
                return Ok(Redirect::to(&visit_path(&code, visit.id, "clasi")).into_response());
            }
            Err(error) => typed.refused(error)?,
        }
    }
    let page = crate::pages::subjects::render(
        &state,
        &principal,
        &subject,
        crate::pages::subjects::Forms {
            visit: Some(typed),
            ..Default::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// What a role that may not enter visit data reads under a form it sees read-only.
fn read_only(enters: bool) -> Markup {
    html! {
        @if !enters { p.hint { (words().get("visit-read-only")) } }
    }
}

/// A new visit, the visit page, and the posts of its sections.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .post(
            "/subjects/{code}/visits",
            Scope::Subject(Action::EnterVisitData),
            add,
        )
        .get(
            "/subjects/{code}/visits/{visit}",
            Scope::Subject(Action::ReadSubject),
            page,
        )
        .with(assessments::routes)
        .with(outcomes::routes)
        .with(patient_links::routes)
        .with(dose::routes)
        .with(decision::routes)
        .with(sign::routes)
        .with(photos::routes)
}

/// Saves a record kept once per visit (a CLASI, a SLEDAI-2K, one instrument's answers) from its
/// form: a correction of the subject's record that is `same` as `data`, at the version the form
/// was read at and with the form's reason, or else a new record.
pub(crate) async fn add_or_correct<T: store::SubjectRecord>(
    state: &AppState,
    principal: &Principal,
    same: impl Fn(&T) -> bool,
    version: Option<i64>,
    data: &T,
    reason: &str,
) -> Result<(), store::StoreError> {
    let existing = state
        .store
        .records_of::<T>(data.subject_id())
        .await?
        .into_iter()
        .find(|record| same(&record.data));
    match existing {
        Some(existing) => state
            .store
            .update_record(
                &principal.actor,
                existing.id,
                version.unwrap_or(existing.version),
                data,
                reason,
            )
            .await
            .map(drop),
        None => state
            .store
            .add_record(&principal.actor, data)
            .await
            .map(drop),
    }
}
