//! Visit entry: CLASI grid, SLEDAI-2K checklist, labs with their CTCAE grade, the dose given,
//! the protocol decision panel and the e-signature, on one page per visit. Each section posts on
//! its own; a refused post re-renders the page with that section as typed, its messages next to
//! the fields, and a conflict shows the saved version beside the typed one.

use std::str::FromStr;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::medication::{DoseUnit, Frequency};
use maud::{Markup, html};
use store::{
    ClasiAssessment, DoseChange, DosePeriod, Finding, LabResult, Meaning, NerveConductionStudy,
    NewDose, Password, SledaiAssessment, Stored, Subject, Visit, VisitData,
};

use crate::AppState;
use crate::error::PageError;
use crate::pages::form::{self, Typed};
use crate::pages::instruments_form::{self as forms, total_text};
use crate::pages::{adverse, decision, layout, received, records, subject_for, words};
use crate::policy::Action;
use crate::session::Principal;
use crate::study;

/// The sections of the page as typed, when one comes back refused.
#[derive(Default)]
pub(crate) struct Sections {
    pub(crate) clasi: Option<Typed>,
    pub(crate) sledai: Option<Typed>,
    pub(crate) lab: Option<Typed>,
    pub(crate) nerve: Option<Typed>,
    pub(crate) dose: Option<Typed>,
    pub(crate) decision: Option<Typed>,
    pub(crate) sign: Option<Typed>,
}

type Posted = Form<Vec<(String, String)>>;

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

fn visit_path(code: &str, visit_id: i64, anchor: &str) -> String {
    format!("/subjects/{code}/visits/{visit_id}#{anchor}")
}

pub(crate) async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
) -> Result<Markup, PageError> {
    let subject = subject_for(&state, &principal, &code, Action::ReadSubject).await?;
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
    let record = state.store.clinical_record(subject.id).await?;
    let protocol = study::protocol_of(&state.store).await?;
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
    let findings: Vec<(&str, &str)> = Finding::ALL
        .iter()
        .map(|finding| (finding.code(), finding.engine().words()))
        .collect();
    let signatures = state.store.signatures(visit.id).await?;
    let csrf = &principal.csrf_token;
    let base = format!("/subjects/{code}/visits/{}", visit.id);
    let site = Some(subject.data.site.as_str());
    let enters = principal.require(Action::EnterVisitData, site).is_ok();
    let signs = principal.require(Action::Sign, site).is_ok();
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
                .map(|level| (level.id.clone(), level.text.clone()))
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
            (!same).then(|| (decided.id.clone(), decided.text.clone()))
        });
    let unit_options: Vec<(&str, &str)> = DoseUnit::ALL
        .iter()
        .map(|unit| (unit.code(), unit.code()))
        .collect();
    let frequency_options: Vec<(&str, &str)> = Frequency::ALL
        .iter()
        .filter(|frequency| frequency.per_week().is_some())
        .map(|frequency| (frequency.code(), frequency.words()))
        .collect();

    let body = html! {
        p.lead {
            a href={ "/subjects/" (code) } { "Subject " (code) }
            " · planned " (date_or_dash(visit.data.planned_date))
            " · done " (date_or_dash(visit.data.actual_date))
            " · " a href={ "/subjects/" (code) "/history" } { "Record history" }
        }
        nav.sections aria-label="Sections" {
            a href="#clasi" { "CLASI" } a href="#sledai" { "SLEDAI-2K" } a href="#labs" { "Labs" }
            a href="#nerve" { "Nerve conduction" } a href="#decision" { "Protocol decision" } a href="#dose" { "Dose" } a href="#sign" { "Signature" }
        }

        section #clasi {
            h2 { "CLASI" }
            form method="post" action={ (base) "/clasi" } data-live="/live/clasi" {
                (form::token(csrf))
                input type="hidden" name="version" value=(clasi_form.get("version"));
                (clasi_form.summary(&[]))
                @if let Some(record) = clasi { (queried(&open_queries, &subject.data.code, "clasi", record.id)) }
                fieldset.entry disabled[!enters] {
                    (clasi_form.input("assessed_on", "Assessed on", "date"))
                    (forms::clasi_grid(&clasi_form, &clasi_queried))
                    @if enters {
                        @if clasi.is_some() { (clasi_form.input("reason", "Reason for the change", "text")) }
                        button type="submit" { "Save CLASI" }
                    }
                }
                (read_only(enters))
            }
            @if let (Some(_), Some(saved)) = (&clasi_form.conflict, clasi) {
                (saved_clasi(saved))
            }
            @if let Some(saved) = clasi { (void("clasi", saved.id, saved.version, "clasi")) }
        }

        section #sledai {
            h2 { "SLEDAI-2K" }
            form method="post" action={ (base) "/sledai" } data-live="/live/sledai" {
                (form::token(csrf))
                input type="hidden" name="version" value=(sledai_form.get("version"));
                (sledai_form.summary(&["assessed_on", "recall_window", "reason"]))
                @if let Some(record) = sledai { (queried(&open_queries, &subject.data.code, "sledai", record.id)) }
                fieldset.entry disabled[!enters] {
                    (sledai_form.input("assessed_on", "Assessed on", "date"))
                    (forms::sledai_checklist(&sledai_form, &sledai_score))
                    @if enters {
                        @if sledai.is_some() { (sledai_form.input("reason", "Reason for the change", "text")) }
                        button type="submit" { "Save SLEDAI-2K" }
                    }
                }
                (read_only(enters))
            }
            @if let (Some(_), Some(saved)) = (&sledai_form.conflict, sledai) {
                div.saved { h3 { "Saved version" } p { "SLEDAI-2K " (saved.data.sledai.score()) " (version " (saved.version) ")" } }
            }
            @if let Some(saved) = sledai { (void("sledai", saved.id, saved.version, "sledai")) }
        }

        section #labs {
            h2 { "Laboratory results" }
            @for lab in &labs { (queried(&open_queries, &subject.data.code, "lab", lab.id)) }
            @if labs.is_empty() {
                p { "No results at this visit yet." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Test" } th scope="col" { "Collected" }
                        th scope="col" class="num" { "Value" } th scope="col" { "Unit" }
                        th scope="col" { "LLN–ULN" } th scope="col" { "CTCAE v5.0" }
                        th scope="col" { "Correction" }
                    } }
                    tbody {
                        @for lab in &labs {
                            @let grade = forms::lab_grade_text(&lab.data);
                            tr.alerted[lab.data.ctcae_grade().ok().flatten().is_some_and(|g| g.number() >= 3)] {
                                th scope="row" { (lab_text(&lab.data.test)) }
                                td { (lab.data.collected_on) }
                                td.num { (match &lab.data.value { store::Entry::Value(value) => value.as_str(), store::Entry::Missing(missing) => missing.label() }) }
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
                        strong { (term) ", CTCAE grade " (grade) } " on " (on)
                        ": the adverse event log does not hold it yet."
                    }
                    @if logs_events {
                        p { a.button href=(adverse::log_from_lab(&subject.data.code, term, *grade, *on)) { "Log it as an adverse event" } }
                    } @else {
                        p.hint { "An investigator or coordinator of the site logs it." }
                    }
                }
            }
            @if enters { form method="post" action={ (base) "/labs" } data-live="/live/lab" {
                (form::token(csrf))
                (lab_form.summary(&["collected_on", "test", "value", "unit", "lln", "uln"]))
                @if lab_list.is_empty() {
                    p.error { "The study's protocol cannot be read, so its lab list is unknown." }
                }
                (forms::lab_fields(&lab_form, &lab_grade, lab_list))
                button type="submit" { "Add result" }
            } }
        }

        section #nerve {
            h2 { "Nerve conduction study" }
            @match nerve_study {
                Some(study) => {
                    (nerve_form.summary(&[]))
                    p { "Tested on " (study.data.tested_on) ": " strong { (study.data.finding.engine().words()) }
                        @if let Some(note) = &study.data.note { " — " (note) } }
                    (void("nerve_conduction_study", study.id, study.version, "nerve"))
                }
                None if !enters => { p { "No nerve conduction study recorded." } }
                None => {
                    form method="post" action={ (base) "/nerve-conduction" } {
                        (form::token(csrf))
                        (nerve_form.summary(&["tested_on", "finding", "note"]))
                        div.row {
                            (nerve_form.input("tested_on", "Tested on", "date"))
                            (nerve_form.select("finding", "Conclusion", &findings))
                            (nerve_form.input("note", "Note (required for another abnormality)", "text"))
                        }
                        button type="submit" { "Save nerve conduction study" }
                    }
                }
            }
        }

        (decision::panel(principal, subject, visit, &protocol, &record, typed.decision, &state.store).await?)

        section #dose {
            h2 { "Dose given" }
            p {
                "Running now: "
                @match running {
                    Some(dose) => { (dose.data.regimen) " since " (dose.data.start_date) }
                    None => { "no study drug" }
                }
            }
            @if let (true, Some((level, text))) = (enters, &to_apply) {
                form.apply method="post" action={ (base) "/dose" } {
                    (form::token(csrf))
                    input type="hidden" name="level" value=(level);
                    input type="hidden" name="start_date" value=(date_text);
                    button type="submit" { "Apply the protocol's decision: " (text) " from " (date_text) }
                }
                p.hint { "Or choose another dose below; the decision panel records whether the protocol was followed, and why not." }
            }
            @if enters { form method="post" action={ (base) "/dose" } {
                (form::token(csrf))
                (dose_form.summary(&["level", "drug", "amount", "unit", "frequency", "start_date"]))
                @if levels.is_empty() {
                    p.hint { "This study has no dose levels: enter the regimen as prescribed." }
                    (dose_form.input("amount", "Amount per dose", "text"))
                    (dose_form.select("unit", "Unit", &unit_options))
                    (dose_form.select("frequency", "How often", &frequency_options))
                } @else {
                    (dose_form.select("level", "Dose from this date", &level_options))
                    @if let Some(text) = decided.as_deref().and_then(|id| levels.iter().find(|(level, _)| level == id)) {
                        p.hint { "Preselected: the protocol's decision for this visit, " (text.1) "." }
                    }
                }
                (dose_form.input("start_date", "Starting on", "date"))
                p.hint { "The running period ends the day before; choose the off level to stop the drug." }
                button type="submit" { "Record dose change" }
            } }
        }

        section #sign {
            h2 { "Signature" }
            @for signature in &signatures {
                p.signature.voided[!signature.is_valid()] {
                    @if principal.require(Action::ReadIdentifiers, Some(&subject.data.site)).is_ok() {
                        "Signed by " strong { (signature.printed_name) } " (" (signature.signer_login) ") at "
                    } @else {
                        "Signed by " strong { "the investigator" } " at "
                    }
                    (signature.signed_at) ", meaning " (signature.meaning.as_str())
                    @if let Some(reason) = &signature.void_reason { " — void: " (reason) }
                }
            }
            @if !signs { p.hint { "An investigator of the site signs visits." } }
            @if signs { form method="post" action={ (base) "/sign" } {
                (form::token(csrf))
                input type="hidden" name="version" value=(visit.version);
                (sign_form.summary(&["password", "meaning"]))
                p { "Signing confirms this visit's content as it stands now. A later change voids the signature." }
                (sign_form.select("meaning", "Meaning", &Meaning::ALL.map(|m| (m.as_str(), m.as_str()))))
                (sign_form.input("password", "Your password (entered again to sign)", "password"))
                button type="submit" { "Sign visit" }
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

pub(crate) async fn save_nerve_study(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) = posted(
        &state,
        &principal,
        &code,
        visit_id,
        Action::EnterVisitData,
        &typed,
    )
    .await?;
    let tested_on = typed.date("tested_on");
    let finding = Finding::parse(typed.get("finding"))
        .map_err(|error| typed.refused(error))
        .ok();
    if let (Some(tested_on), Some(finding), false) = (tested_on, finding, typed.has_errors()) {
        let study = NerveConductionStudy {
            subject_id: subject.id,
            visit_id: Some(visit.id),
            tested_on,
            finding,
            note: Some(typed.get("note").trim().to_owned()).filter(|note| !note.is_empty()),
        };
        match state.store.add_record(&principal.actor, &study).await {
            Ok(_) => return Ok(Redirect::to(&visit_path(&code, visit.id, "nerve")).into_response()),
            Err(error) => typed.refused(error)?,
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            nerve: Some(typed),
            ..Sections::default()
        },
    )
    .await
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
                p { strong { "Open data queries on this form" } }
                ul {
                    @for query in here {
                        li {
                            (words().field(&query.data.field)) ": “" (query.data.question) "” — "
                            (words().value("status", query.data.status.code())) " · "
                            a href={ "/subjects/" (code) "#query-" (query.id) } { "see the query" }
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
            h3 { "Saved version (version " (saved.version) ", assessed on " (saved.data.assessed_on) ")" }
            p { "Activity " (total_text(saved.data.activity())) " · Damage " (total_text(saved.data.damage())) }
            fieldset disabled { (forms::clasi_grid(&values, &[])) }
            p { "Your version is kept in the form above: re-check it against this one and save again with a reason." }
        }
    }
}

/// Loads the subject and visit for a state change, and checks the form's token.
async fn posted(
    state: &AppState,
    principal: &Principal,
    code: &str,
    visit_id: i64,
    action: Action,
    typed: &Typed,
) -> Result<(Subject, Visit), PageError> {
    let subject = subject_for(state, principal, code, action).await?;
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(typed)?;
    let visit = visit_of(state, &subject, visit_id).await?;
    Ok((subject, visit))
}

/// The page again with one section as typed, as a 422.
async fn again(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    visit: &Visit,
    sections: Sections,
) -> Result<Response, PageError> {
    let page = render(state, principal, subject, visit, sections).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn version_of(typed: &mut Typed) -> Option<i64> {
    let text = typed.get("version").to_owned();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| {
        typed.fail("version", "is not a record version; reload the page");
        None
    })
}

pub(crate) async fn save_clasi(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) = posted(
        &state,
        &principal,
        &code,
        visit_id,
        Action::EnterVisitData,
        &typed,
    )
    .await?;
    let (clasi, _) = forms::read_clasi(&mut typed, forms::Blanks::AsTicked);
    let assessed_on = typed.date("assessed_on");
    let version = version_of(&mut typed);
    if let (Some(clasi), Some(assessed_on), false) = (clasi, assessed_on, typed.has_errors()) {
        let data = ClasiAssessment {
            subject_id: subject.id,
            visit_id: visit.id,
            assessed_on,
            clasi,
        };
        let existing = state
            .store
            .records_of::<ClasiAssessment>(subject.id)
            .await?
            .into_iter()
            .find(|record| record.data.visit_id == visit.id);
        let saved = match (existing, version) {
            (Some(existing), based_on) => state
                .store
                .update_record(
                    &principal.actor,
                    existing.id,
                    based_on.unwrap_or(existing.version),
                    &data,
                    typed.get("reason"),
                )
                .await
                .map(drop),
            (None, _) => state
                .store
                .add_record(&principal.actor, &data)
                .await
                .map(drop),
        };
        match saved {
            Ok(()) => {
                return Ok(Redirect::to(&visit_path(&code, visit.id, "clasi")).into_response());
            }
            Err(error) => typed.refused(error)?,
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            clasi: Some(typed),
            ..Sections::default()
        },
    )
    .await
}

pub(crate) async fn save_sledai(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) = posted(
        &state,
        &principal,
        &code,
        visit_id,
        Action::EnterVisitData,
        &typed,
    )
    .await?;
    let sledai = forms::read_sledai(&mut typed);
    let assessed_on = typed.date("assessed_on");
    let version = version_of(&mut typed);
    if let (Some(sledai), Some(assessed_on), false) = (sledai, assessed_on, typed.has_errors()) {
        let data = SledaiAssessment {
            subject_id: subject.id,
            visit_id: Some(visit.id),
            assessed_on,
            sledai,
        };
        let existing = state
            .store
            .records_of::<SledaiAssessment>(subject.id)
            .await?
            .into_iter()
            .find(|record| record.data.visit_id == Some(visit.id));
        let saved = match existing {
            Some(existing) => state
                .store
                .update_record(
                    &principal.actor,
                    existing.id,
                    version.unwrap_or(existing.version),
                    &data,
                    typed.get("reason"),
                )
                .await
                .map(drop),
            None => state
                .store
                .add_record(&principal.actor, &data)
                .await
                .map(drop),
        };
        match saved {
            Ok(()) => {
                return Ok(Redirect::to(&visit_path(&code, visit.id, "sledai")).into_response());
            }
            Err(error) => typed.refused(error)?,
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            sledai: Some(typed),
            ..Sections::default()
        },
    )
    .await
}

pub(crate) async fn add_lab(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) = posted(
        &state,
        &principal,
        &code,
        visit_id,
        Action::EnterVisitData,
        &typed,
    )
    .await?;
    if let Some(lab) = forms::typed_lab(&mut typed) {
        let data = LabResult {
            subject_id: subject.id,
            visit_id: Some(visit.id),
            ..lab
        };
        match state.store.add_record(&principal.actor, &data).await {
            Ok(_) => return Ok(Redirect::to(&visit_path(&code, visit.id, "labs")).into_response()),
            Err(error) => typed.refused(error)?,
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            lab: Some(typed),
            ..Sections::default()
        },
    )
    .await
}

/// Records a dose change from a date through the one store command: the running period ends
/// the day before (as `protocol::History::give` does) and the new regimen starts, unless it is
/// the off level. A study with dose levels picks one; one without takes the regimen typed.
pub(crate) async fn give_dose(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) = posted(
        &state,
        &principal,
        &code,
        visit_id,
        Action::EnterVisitData,
        &typed,
    )
    .await?;
    let protocol = study::protocol_of(&state.store).await?;
    let start = typed.date("start_date");
    let dose = match protocol
        .as_ref()
        .ok()
        .map(|protocol| new_dose(protocol, &typed))
    {
        Some(Ok(dose)) => Some(dose),
        Some(Err((field, message))) => {
            typed.fail(&field, message);
            None
        }
        None => {
            typed.fail("level", "the study's protocol cannot be read");
            None
        }
    };
    if let (Some(from), Some(dose), false) = (start, dose, typed.has_errors()) {
        let change = DoseChange {
            subject_id: subject.id,
            from,
            dose,
            until: None,
        };
        match state.store.change_dose(&principal.actor, &change).await {
            Ok(_) => return Ok(Redirect::to(&visit_path(&code, visit.id, "dose")).into_response()),
            Err(error) => typed.refused(error)?,
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            dose: Some(typed),
            ..Sections::default()
        },
    )
    .await
}

/// The dose the form names: a protocol level (off stops the drug), or in a study without levels
/// the regimen typed; a refusal names its field.
fn new_dose(protocol: &protocol::Protocol, typed: &Typed) -> Result<NewDose, (String, String)> {
    let drug = protocol.file().study.drug.ok_or((
        "level".to_owned(),
        "the protocol names no study drug".to_owned(),
    ))?;
    if protocol.file().dose_levels.is_empty() {
        return DosePeriod::regimen_named(
            drug.id(),
            typed.get("amount"),
            typed.get("unit"),
            typed.get("frequency"),
        )
        .map(NewDose::Regimen)
        .map_err(|error| match error {
            store::StoreError::Invalid { field, message } => (field, message),
            other => ("amount".to_owned(), other.to_string()),
        });
    }
    let level = protocol.dose_level(typed.get("level")).ok_or((
        "level".to_owned(),
        "choose one of the protocol's dose levels".to_owned(),
    ))?;
    Ok(level
        .regimen(drug)
        .map_or(NewDose::Stop(drug), NewDose::Regimen))
}

pub(crate) async fn sign(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let (subject, visit) =
        posted(&state, &principal, &code, visit_id, Action::Sign, &typed).await?;
    let meaning = Meaning::parse(typed.get("meaning"));
    let password = Password::typed(typed.get("password"));
    let version = version_of(&mut typed).unwrap_or(visit.version);
    match (meaning, password) {
        (Ok(meaning), Ok(password)) => {
            match state
                .store
                .sign_visit(&principal.actor, visit.id, version, &password, meaning)
                .await
            {
                Ok(_) => {
                    return Ok(Redirect::to(&visit_path(&code, visit.id, "sign")).into_response());
                }
                Err(error) => typed.refused(error)?,
            }
        }
        (meaning, password) => {
            for error in [meaning.err(), password.err()].into_iter().flatten() {
                typed.refused(error)?;
            }
        }
    }
    again(
        &state,
        &principal,
        &subject,
        &visit,
        Sections {
            sign: Some(typed),
            ..Sections::default()
        },
    )
    .await
}

/// Adds a visit to a subject (from the subject page) and opens it.
pub(crate) async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let (mut typed, subject) =
        received(&state, &principal, &code, Action::EnterVisitData, pairs).await?;
    let name = typed.text("name", "the visit's name");
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
        @if !enters { p.hint { "Read-only for your role: the site's investigators and coordinators enter visit data." } }
    }
}
