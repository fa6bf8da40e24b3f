//! Screening and enrolment. The screening form asks exactly what the protocol's criteria use
//! (walked from the protocol, not listed here), the checklist shows met / not met / unknown per
//! criterion as the form is filled in (`/live/eligibility`), and saving registers the candidate
//! under a pseudonymous study id with the evaluation kept verbatim. Enrolment needs the latest
//! evaluation to be eligible.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::ctcae::LabUnit;
use maud::{Markup, html};
use protocol::Protocol;
use protocol::eligibility::{
    Candidate, Condition, EligibilityResult, Field, FieldKind, Status, Why, evaluate,
};
use store::{BirthOrAge, EligibilityRecord, Sex, SubjectData};

use crate::AppState;
use crate::access::{Allowed, SiteAccess};
use crate::checklist::why_words;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::{layout, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;
use crate::study::{self, StudyProtocol};

/// The fields the protocol's criteria compare, in criterion order, each once.
fn fields_used(protocol: &Protocol) -> Vec<Field> {
    fn walk(condition: &Condition, out: &mut Vec<Field>) {
        match condition {
            Condition::Compare(comparison) => {
                if !out.contains(&comparison.field) {
                    out.push(comparison.field);
                }
            }
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().for_each(|part| walk(part, out));
            }
        }
    }
    let rules = protocol.eligibility();
    let mut out = Vec::new();
    for criterion in rules.inclusion.iter().chain(&rules.exclusion) {
        walk(&criterion.condition, &mut out);
    }
    out
}

fn label(field: Field) -> String {
    if field == Field::AgeYears {
        return words().get("screening-birth-date");
    }
    let name = words().get(&format!("candidate-{}", field.name()));
    match field.kind() {
        FieldKind::Number { unit, .. } => format!("{name} ({})", crate::checklist::unit(unit)),
        _ => name,
    }
}

/// Whether the study is a retrospective chart review: consent waived, criteria judged at the
/// index date (the drug start), enrolment by the review itself.
fn retrospective(protocol: &Protocol) -> bool {
    protocol.file().study.design == protocol::model::Design::Retrospective
}

/// The form field holding a criterion field's value (a count's unit is `<name>_unit`).
fn form_name(field: Field) -> &'static str {
    match field {
        Field::AgeYears => "birth_date",
        other => other.name(),
    }
}

/// The candidate as typed; a value that is not a number or a date is left out of the
/// candidate (so its criteria stay unknown) and gets a message next to its field.
fn candidate(protocol: &Protocol, typed: &mut Typed) -> Candidate {
    let mut json = serde_json::Map::new();
    json.insert("screening_date".into(), typed.get("screening_date").into());
    if retrospective(protocol) && !typed.get("index_date").is_empty() {
        json.insert("index_date".into(), typed.get("index_date").into());
    }
    for field in fields_used(protocol) {
        let name = form_name(field);
        let text = typed.get(name).to_owned();
        if text.is_empty() || text == "unknown" {
            continue;
        }
        let value = match field.kind() {
            _ if field == Field::AgeYears => serde_json::Value::from(text),
            FieldKind::YesNo => serde_json::Value::Bool(text == "yes"),
            _ if field == Field::MaxErythema => match text.parse::<u8>() {
                Ok(level) => serde_json::json!({ "worst area": level }),
                Err(_) => {
                    typed.fail(
                        name,
                        words().format("screening-not-erythema", &[("text", text.as_str().into())]),
                    );
                    continue;
                }
            },
            FieldKind::Number { .. } | FieldKind::Count => match text.parse::<f64>() {
                Ok(number) if field.kind() == FieldKind::Count => {
                    serde_json::json!({ "value": number, "unit": typed.get(&format!("{name}_unit")) })
                }
                Ok(number) => serde_json::Value::from(number),
                Err(_) => {
                    typed.fail(
                        name,
                        words().format("screening-not-a-number", &[("text", text.as_str().into())]),
                    );
                    continue;
                }
            },
        };
        let key = match field {
            Field::MaxErythema => "clasi_erythema",
            other => form_name(other),
        };
        json.insert(key.into(), value);
    }
    // Each value alone, so a bad one names its field and the rest still count.
    let mut candidate = Candidate::default();
    let mut valid = serde_json::Map::new();
    for (key, value) in json {
        let mut trial = valid.clone();
        trial.insert(key.clone(), value);
        match serde_json::from_value::<Candidate>(serde_json::Value::Object(trial.clone())) {
            Ok(next) => match next.check() {
                Ok(()) => {
                    candidate = next;
                    valid = trial;
                }
                Err(error) => typed.fail(&error_field(&key), error.message),
            },
            Err(error) => typed.fail(&error_field(&key), error.to_string()),
        }
    }
    candidate
}

fn error_field(key: &str) -> String {
    match key {
        "clasi_erythema" => Field::MaxErythema.name().to_owned(),
        other => other.to_owned(),
    }
}

/// A criterion's status as the style sheet keys it (`data-value`) and, spaced, as stored.
fn status_code(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

/// A criterion's status in words, from its code (`met`, `not met` or `not_met`, `unknown`).
fn status_word(code: &str) -> String {
    words().get(&format!("screening-status-{}", code.replace(' ', "_")))
}

fn eligible_word(eligible: Option<bool>) -> String {
    words().get(match eligible {
        Some(true) => "screening-eligible",
        Some(false) => "screening-not-eligible",
        None => "screening-incomplete",
    })
}

/// The evaluation of the form as typed, or `None` when the protocol cannot be read.
fn evaluated(protocol: &StudyProtocol, typed: &mut Typed) -> Option<EligibilityResult> {
    let protocol = protocol.as_ref().ok()?;
    let candidate = candidate(protocol, typed);
    evaluate(protocol.eligibility(), &candidate).ok()
}

/// The live checklist: each criterion's verdict and reason by id, and the overall answer.
pub(crate) fn checklist_answers(
    protocol: &StudyProtocol,
    typed: &mut Typed,
) -> Vec<(String, String)> {
    let Some(result) = evaluated(protocol, typed) else {
        return Vec::new();
    };
    let mut answers = vec![("eligible".to_owned(), eligible_word(result.eligible))];
    for criterion in result.criteria {
        let code = status_code(criterion.status);
        answers.push((format!("{}.status", criterion.id), status_word(code)));
        // What the style sheet colours by, whatever the language (`static/app.js`).
        answers.push((format!("{}.status.value", criterion.id), code.to_owned()));
        answers.push((
            format!("{}.reason", criterion.id),
            why_words(&criterion.why, false),
        ));
    }
    answers
}

/// The checklist as a table (kept with the subject, or live on the screening form).
pub(crate) fn checklist(result: &EligibilityResult) -> Markup {
    html! {
        p.verdict { (words().get("screening-overall")) " " output data-out="eligible" { strong { (eligible_word(result.eligible)) } } }
        table.checklist {
            thead { tr { th scope="col" { (words().get("screening-criterion")) } th scope="col" { (words().get("screening-kind")) } th scope="col" { (words().get("screening-status")) } th scope="col" { (words().get("screening-why")) } } }
            tbody {
                @for criterion in &result.criteria {
                    tr data-kind=(criterion.kind) {
                        th scope="row" { (criterion.id) ": " (criterion.text) }
                        td { (words().get(&format!("screening-kind-{}", criterion.kind))) }
                        td { output.status data-out={ (criterion.id) ".status" } data-value=(status_code(criterion.status)) { (status_word(status_code(criterion.status))) } }
                        td { output data-out={ (criterion.id) ".reason" } { (why_words(&criterion.why, false)) } }
                    }
                }
            }
        }
    }
}

fn screening_page(principal: &Principal, protocol: &StudyProtocol, mut typed: Typed) -> Markup {
    let sites: Vec<(String, String)> = principal
        .grants
        .iter()
        .filter(|grant| {
            principal
                .require(Action::Screen, Some(&grant.site.code))
                .is_ok()
        })
        .map(|grant| {
            (
                grant.site.code.clone(),
                format!("{} · {}", grant.site.code, grant.site.name),
            )
        })
        .collect();
    let site_options: Vec<(&str, &str)> = sites
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let example = store::subject_code(
        sites.first().map_or("S01", |(code, _)| code.as_str()),
        "007",
    );
    let code_label = words().format("screening-code", &[("example", example.into())]);
    let mut copy = typed.clone();
    let result = evaluated(protocol, &mut copy);
    // A value the candidate refused is shown where it was typed.
    if !typed.has_errors() {
        typed = copy;
    }
    let yes_no = [
        ("unknown", words().value("missing", "unknown")),
        ("yes", words().get("answer-true")),
        ("no", words().get("answer-false")),
    ];
    let sexes = ["F", "M", "U"].map(|code| (code, words().value("sex", code)));
    let units: Vec<(&str, &str)> = LabUnit::ALL
        .into_iter()
        .filter(|unit| protocol::eligibility::count_per_mm3(1.0, *unit).is_some())
        .map(|unit| (unit.symbol(), unit.symbol()))
        .collect();
    let body = html! {
        @match protocol {
            Err(error) => p.error { (words().get("screening-protocol-unreadable")) " " (error) }
            Ok(protocol) => {
                form method="post" action="/screening" data-live="/live/eligibility" {
                    (form::token(&principal.csrf_token))
                    (typed.summary(&[]))
                    div.row {
                        (typed.select("site", &words().get("screening-site"), &site_options))
                        (typed.input("code", &code_label, "text"))
                        (typed.select("sex", &words().get("subjects-sex"), &sexes))
                        @if retrospective(protocol) {
                            (typed.input("screening_date", &words().get("screening-chart-reviewed"), "date"))
                            (typed.input("index_date", &words().get("screening-drug-started"), "date"))
                        } @else {
                            (typed.input("consent_date", &words().get("screening-consent-signed"), "date"))
                            (typed.input("screening_date", &words().get("screening-date"), "date"))
                        }
                    }
                    @if retrospective(protocol) {
                        p.hint { (words().get("screening-retrospective")) }
                    }
                    h2 { (words().get("screening-needs")) }
                    div.row {
                        @for field in fields_used(protocol) {
                            @let name = form_name(field);
                            @match field.kind() {
                                _ if field == Field::AgeYears && retrospective(protocol) => { (typed.input(name, &words().get("screening-birth-date-index"), "date")) }
                                _ if field == Field::AgeYears => { (typed.input(name, &label(field), "date")) }
                                FieldKind::YesNo => { (typed.select(name, &label(field), &yes_no)) }
                                FieldKind::Number { .. } => { (typed.input(name, &label(field), "text")) }
                                FieldKind::Count => {
                                    div.count {
                                        (typed.input(name, &label(field), "text"))
                                        (typed.select(&format!("{name}_unit"), &words().get("screening-unit"), &units))
                                    }
                                }
                            }
                        }
                    }
                    h2 { (words().get("screening-checklist")) }
                    @if let Some(result) = &result { (checklist(result)) }
                    button type="submit" { (words().get("screening-register")) }
                }
            }
        }
    };
    layout::page(&words().get("screening-title"), Some(principal), body)
}

pub(crate) async fn form_page(
    State(state): State<AppState>,
    Allowed(principal): Allowed,
) -> Result<Markup, PageError> {
    let protocol = study::protocol_of(&state.store).await?;
    let today = jiff::Zoned::now().date().to_string();
    let typed = Typed::filled([
        ("screening_date", today.as_str()),
        ("consent_date", today.as_str()),
    ]);
    Ok(screening_page(&principal, &protocol, typed))
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    access: SiteAccess,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let site = typed.get("site").to_owned();
    access.at(&site)?;
    let principal = access.caller;
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    let protocol = study::protocol_of(&state.store).await?;
    let code = typed.text("code", &words().get("screening-what-code"));
    let sex = Sex::parse(typed.get("sex"))
        .map_err(|error| typed.refused(error))
        .ok();
    let waived = protocol
        .as_ref()
        .is_ok_and(|protocol| retrospective(protocol));
    let consent = if waived {
        Some(None)
    } else {
        typed.date("consent_date").map(Some)
    };
    let screening = typed.date("screening_date");
    let birth = typed.optional_date("birth_date");
    let candidate = protocol
        .as_ref()
        .ok()
        .map(|protocol| candidate(protocol, &mut typed));
    if let (
        Some(code),
        Some(sex),
        Some(consent),
        Some(screening),
        Some(Some(birth)),
        Some(candidate),
        false,
    ) = (
        code,
        sex,
        consent,
        screening,
        birth,
        &candidate,
        typed.has_errors(),
    ) {
        let data = SubjectData {
            site,
            code: code.clone(),
            sex,
            birth: BirthOrAge::BirthDate(birth),
            subtype: None,
            screening_date: screening,
            consent_date: consent,
            enrolment_date: None,
        };
        match state.store.screen(&principal.actor, &data, candidate).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/subjects/{code}#eligibility")).into_response());
            }
            Err(error) => typed.refused(error)?,
        }
    } else if matches!(typed.optional_date("birth_date"), Some(None)) {
        typed.fail("birth_date", words().get("screening-enter-birth-date"));
    }
    let page = screening_page(&principal, &protocol, typed);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The latest eligibility evaluation of a subject, read back for display. The age criterion's
/// reason names the birth date; for a reader who may not see it, `withheld` is that date and it
/// is shown withheld (the minimum necessary, issue 15 item 11).
pub(crate) fn stored_checklist(
    record: &EligibilityRecord,
    withheld: Option<jiff::civil::Date>,
) -> Markup {
    let parsed: Option<serde_json::Value> = serde_json::from_str(&record.result).ok();
    let criteria = parsed
        .as_ref()
        .and_then(|json| json.get("criteria"))
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let text = |criterion: &serde_json::Value, key: &str| {
        criterion
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    // Checklists recorded before reasons were kept apart from their words show their sentence.
    let reason = |criterion: &serde_json::Value| match criterion
        .get("why")
        .and_then(|why| serde_json::from_value::<Why>(why.clone()).ok())
    {
        Some(why) => why_words(&why, withheld.is_some()),
        None => {
            let reason = text(criterion, "reason");
            match withheld {
                Some(birth) => {
                    reason.replace(&birth.to_string(), &words().get("screening-birth-withheld"))
                }
                None => reason,
            }
        }
    };
    html! {
        p.verdict { (words().format("screening-evaluated", &[("date", record.evaluated_on.to_string().into()), ("version", record.protocol_version.into())])) " " strong { (eligible_word(record.eligible)) } }
        table.checklist {
            thead { tr { th scope="col" { (words().get("screening-criterion")) } th scope="col" { (words().get("screening-kind")) } th scope="col" { (words().get("screening-status")) } th scope="col" { (words().get("screening-why")) } } }
            tbody {
                @for criterion in &criteria {
                    @let status = text(criterion, "status").replace('_', " ");
                    tr data-kind=(text(criterion, "kind")) {
                        th scope="row" { (text(criterion, "id")) ": " (text(criterion, "text")) }
                        td { (words().get(&format!("screening-kind-{}", text(criterion, "kind")))) }
                        td { output.status data-value=(status) { (status_word(&status)) } }
                        td { (reason(criterion)) }
                    }
                }
            }
        }
    }
}

/// The screening form of a new candidate, and its answer.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get("/screening", Scope::Study(Action::Screen), form_page)
        .post("/screening", Scope::Site(Action::Screen), submit)
}
