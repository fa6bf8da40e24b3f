//! The protocol decision panel: what `protocol::decide` asks for on the visit's date (action,
//! dose, the rule sentences), and the investigator's record of whether they followed it and,
//! if not, why. The server decides again when the answer is posted, so what is stored is the
//! engine's decision on the record as it stands then, never what the page showed earlier.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use protocol::Decision;
use store::{ProtocolDecision, Store, Subject, Visit};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::subjects::visits::{Section, SectionPost, visit_date, visit_of};
use crate::pages::{received, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;
use crate::study::{self, StudyProtocol};
use store::ClinicalRecord;

/// An engine value of `field` (`phase`, `off_treatment`) in the catalogue's words.
fn said(field: &str, json: impl serde::Serialize) -> String {
    let code = serde_json::to_value(json)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    words().value(field, &code)
}

/// A dose level as the reader says it (`5mg_daily`: "lenalidomide 5 mg once daily"), or its id
/// when the protocol cannot be read or lacks it.
pub(crate) fn dose_text(protocol: &StudyProtocol, level: &str) -> String {
    protocol
        .as_ref()
        .ok()
        .and_then(|protocol| {
            let dose = protocol.dose_level(level)?;
            Some(dose.said(protocol.file().study.drug, words()))
        })
        .unwrap_or_else(|| level.to_owned())
}

fn shown(decision: &Decision, protocol: &StudyProtocol) -> Markup {
    html! {
        dl.facts.decision {
            dt { (words().get("decision-action")) } dd.action { strong { (said("action", decision.action)) } }
            dt { (words().get("decision-dose")) } dd { (dose_text(protocol, &decision.dose)) }
            dt { (words().get("decision-phase")) } dd { (said("phase", decision.phase)) " · " (words().format("decision-cycle", &[("cycle", decision.cycle.into())])) }
            dt { (words().get("decision-response")) } dd { (decision.response.map_or_else(|| words().get("decision-not-assessed"), |r| said("response", r))) }
            @if let Some(next) = decision.next_visit { dt { (words().get("decision-next-visit")) } dd { (next) } }
            @if let Some(next) = decision.next_lab { dt { (words().get("decision-next-lab")) } dd { (next) } }
        }
        @if let Some(toxicity) = &decision.toxicity {
            p.alert role="alert" { (words().format("decision-toxicity", &[("grade", toxicity.grade.to_string().into())])) " " (toxicity.findings.join("; ")) }
        }
        @if decision.physician_review {
            p.alert role="alert" { (words().get("decision-physician-review")) }
        }
        @if !decision.deviations.is_empty() {
            p.alert { (words().get("decision-deviations")) " " (decision.deviations.join("; ")) }
        }
        h3 { (words().get("decision-why")) }
        ol.rules {
            @for rule in &decision.rules { li data-rule=(rule.id) { (rule.text) } }
        }
        @if !decision.missing.is_empty() {
            p.missing { (words().get("decision-missing")) " " (decision.missing.join(", ")) }
        }
    }
}

/// The panel on the visit page.
pub(crate) async fn panel(
    principal: &Principal,
    subject: &Subject,
    visit: &Visit,
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    typed: Option<Typed>,
    store: &Store,
) -> Result<Markup, PageError> {
    let Some(date) = visit_date(visit) else {
        return Ok(
            html! { section #decision { h2 { (words().get("decision-title")) } p { (words().get("decision-date-first")) } } },
        );
    };
    let decision = study::decision_said(protocol, record, date);
    let recorded: Vec<_> = store
        .records_of::<ProtocolDecision>(subject.id)
        .await?
        .into_iter()
        .filter(|stored| stored.data.decided_on == date)
        .collect();
    let typed = typed.unwrap_or_else(|| Typed::filled([("followed", "yes")]));
    let base = format!("/subjects/{}/visits/{}", subject.data.code, visit.id);
    let records = principal
        .require(Action::RecordDecision, Some(&subject.data.site))
        .is_ok();
    Ok(html! {
        section #decision {
            h2 { (words().format("decision-on", &[("date", date.to_string().into())])) }
            @match &decision {
                Ok(decision) => {
                    (shown(decision, protocol))
                    @for stored in &recorded {
                        p.recorded {
                            (words().get("decision-recorded")) " " (words().value("action", &stored.data.action)) ", " (dose_text(protocol, &stored.data.dose)) " — "
                            @match stored.data.followed {
                                Some(true) => { strong { (words().get("decision-followed")) } }
                                Some(false) => { strong { (words().get("decision-not-followed")) } ": " (stored.data.not_followed_reason.as_deref().unwrap_or_default()) }
                                None => { (words().get("decision-not-answered")) }
                            }
                        }
                    }
                    @if !records { p.hint { (words().get("decision-investigator-records")) } }
                    @if records { form method="post" action={ (base) "/decision" } {
                        (form::token(&principal.csrf_token))
                        (typed.summary(&["followed", "not_followed_reason"]))
                        (typed.select("followed", &words().get("decision-followed-question"), &[("yes", words().get("decision-yes-followed")), ("no", words().get("decision-no-not-followed"))]))
                        (typed.input("not_followed_reason", &words().get("decision-why-not"), "text"))
                        button type="submit" { (words().get("decision-record")) }
                    } }
                }
                Err(why) => { p.missing { (why) } }
            }
        }
    })
}

pub(crate) async fn record(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Path((code, visit_id)): Path<(String, i64)>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = received(&principal, pairs)?;
    let visit = visit_of(&state, &subject, visit_id).await?;
    let followed = match typed.get("followed") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            typed.fail("followed", words().get("decision-answer-yes-no"));
            None
        }
    };
    let reason = Some(typed.get("not_followed_reason").to_owned()).filter(|text| !text.is_empty());
    if followed == Some(false) && reason.is_none() {
        typed.fail("not_followed_reason", words().get("decision-say-why"));
    }
    if followed == Some(true) && reason.is_some() {
        typed.fail("not_followed_reason", words().get("decision-leave-blank"));
    }
    let protocol = study::protocol_of(&state.store).await?;
    let record = study::clinical_record(&state, &protocol, subject.id).await?;
    let date = visit_date(&visit);
    let saved = match date.map(|date| study::decision(&protocol, &record, date)) {
        Some(Ok(decision)) if !typed.has_errors() => {
            let study = state.store.study().await?;
            let mut stored =
                ProtocolDecision::from_decision(subject.id, study.protocol_version, &decision)?;
            stored.followed = followed;
            stored.not_followed_reason = reason;
            Some(state.store.add_record(&principal.actor, &stored).await)
        }
        Some(Err(why)) => {
            typed.fail("followed", why);
            None
        }
        None => {
            typed.fail("followed", words().get("decision-date-first"));
            None
        }
        Some(Ok(_)) => None,
    };
    SectionPost::new(&state, &principal, &subject, &visit, &code)
        .saved_or_again(Section::Decision, saved, typed)
        .await
}

/// The answer of the decision panel.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/visits/{visit}/decision",
        Scope::Subject(Action::RecordDecision),
        record,
    )
}
