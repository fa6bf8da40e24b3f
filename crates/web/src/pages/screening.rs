//! Screening and enrolment. The screening form asks exactly what the protocol's criteria use
//! (walked from the protocol, not listed here), the checklist shows met / not met / unknown per
//! criterion as the form is filled in (`/live/eligibility`), and saving registers the candidate
//! under a pseudonymous study id with the evaluation kept verbatim. Enrolment needs the latest
//! evaluation to be eligible.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use instruments::ctcae::LabUnit;
use maud::{Markup, html};
use protocol::Protocol;
use protocol::eligibility::{
    Candidate, Condition, EligibilityResult, Field, FieldKind, Status, Why, evaluate,
};
use store::{BirthOrAge, EligibilityRecord, Sex, StoreError, SubjectData};

use crate::AppState;
use crate::checklist::why_words;
use crate::error::PageError;
use crate::pages::form::{self, Typed};
use crate::pages::{layout, subject_for, words};
use crate::policy::Action;
use crate::session::Principal;
use crate::study::{self, StudyProtocol};

type Posted = Form<Vec<(String, String)>>;

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
        return "Birth date (age from the screening date)".to_owned();
    }
    let name = words().get(&format!("candidate-{}", field.name()));
    match field.kind() {
        FieldKind::Number { unit, .. } => format!("{name} ({unit})"),
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
                        format!("'{text}' is not an erythema score (0, 1, 2 or 3)"),
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
                    typed.fail(name, format!("'{text}' is not a number"));
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

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

fn eligible_word(eligible: Option<bool>) -> &'static str {
    match eligible {
        Some(true) => "eligible",
        Some(false) => "not eligible",
        None => "incomplete: some criteria are unknown",
    }
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
    let mut answers = vec![(
        "eligible".to_owned(),
        eligible_word(result.eligible).to_owned(),
    )];
    for criterion in result.criteria {
        answers.push((
            format!("{}.status", criterion.id),
            status_word(criterion.status).to_owned(),
        ));
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
        p.verdict { "Overall: " output data-out="eligible" { strong { (eligible_word(result.eligible)) } } }
        table.checklist {
            thead { tr { th scope="col" { "Criterion" } th scope="col" { "Kind" } th scope="col" { "Status" } th scope="col" { "Why" } } }
            tbody {
                @for criterion in &result.criteria {
                    tr data-kind=(criterion.kind) {
                        th scope="row" { (criterion.id) ": " (criterion.text) }
                        td { (criterion.kind) }
                        td { output.status data-out={ (criterion.id) ".status" } data-value=(status_word(criterion.status)) { (status_word(criterion.status)) } }
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
    let code_label = format!(
        "Study id (site code-number, e.g. {}; never a name)",
        store::subject_code(
            sites.first().map_or("S01", |(code, _)| code.as_str()),
            "007"
        )
    );
    let mut copy = typed.clone();
    let result = evaluated(protocol, &mut copy);
    // A value the candidate refused is shown where it was typed.
    if !typed.has_errors() {
        typed = copy;
    }
    let yes_no = [("unknown", "unknown"), ("yes", "yes"), ("no", "no")];
    let units: Vec<(&str, &str)> = LabUnit::ALL
        .into_iter()
        .filter(|unit| protocol::eligibility::count_per_mm3(1.0, *unit).is_some())
        .map(|unit| (unit.symbol(), unit.symbol()))
        .collect();
    let body = html! {
        @match protocol {
            Err(error) => p.error { "The study's protocol cannot be read: " (error) }
            Ok(protocol) => {
                form method="post" action="/screening" data-live="/live/eligibility" {
                    (form::token(&principal.csrf_token))
                    (typed.summary(&[]))
                    div.row {
                        (typed.select("site", "Site", &site_options))
                        (typed.input("code", &code_label, "text"))
                        (typed.select("sex", "Sex", &[("F", "female"), ("M", "male"), ("U", "unknown")]))
                        @if retrospective(protocol) {
                            (typed.input("screening_date", "Chart reviewed on", "date"))
                            (typed.input("index_date", "Drug started on (the index date)", "date"))
                        } @else {
                            (typed.input("consent_date", "Consent signed on", "date"))
                            (typed.input("screening_date", "Screening date", "date"))
                        }
                    }
                    @if retrospective(protocol) {
                        p.hint { "A retrospective chart review: consent is waived, the criteria are judged at the drug start, and an eligible chart is enrolled from that date when registered." }
                    }
                    h2 { "What the criteria need" }
                    div.row {
                        @for field in fields_used(protocol) {
                            @let name = form_name(field);
                            @match field.kind() {
                                _ if field == Field::AgeYears && retrospective(protocol) => { (typed.input(name, "Birth date (age at the index date)", "date")) }
                                _ if field == Field::AgeYears => { (typed.input(name, &label(field), "date")) }
                                FieldKind::YesNo => { (typed.select(name, &label(field), &yes_no)) }
                                FieldKind::Number { .. } => { (typed.input(name, &label(field), "text")) }
                                FieldKind::Count => {
                                    div.count {
                                        (typed.input(name, &label(field), "text"))
                                        (typed.select(&format!("{name}_unit"), "unit", &units))
                                    }
                                }
                            }
                        }
                    }
                    h2 { "Eligibility checklist" }
                    @if let Some(result) = &result { (checklist(result)) }
                    button type="submit" { "Register candidate with this checklist" }
                }
            }
        }
    };
    layout::page("Screening", Some(principal), body)
}

pub(crate) async fn form_page(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Markup, PageError> {
    principal.require(Action::Screen, None)?;
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
    principal: Principal,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let site = typed.get("site").to_owned();
    principal.require(Action::Screen, Some(&site))?;
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    let protocol = study::protocol_of(&state.store).await?;
    let code = typed.text("code", "the study id");
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
        typed.fail(
            "birth_date",
            "Enter the birth date (the age criterion needs it).",
        );
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
                Some(birth) => reason.replace(&birth.to_string(), "[birth date withheld]"),
                None => reason,
            }
        }
    };
    html! {
        p.verdict { "Evaluated on " (record.evaluated_on) " (protocol version " (record.protocol_version) "): " strong { (eligible_word(record.eligible)) } }
        table.checklist {
            thead { tr { th scope="col" { "Criterion" } th scope="col" { "Kind" } th scope="col" { "Status" } th scope="col" { "Why" } } }
            tbody {
                @for criterion in &criteria {
                    @let status = text(criterion, "status").replace('_', " ");
                    tr data-kind=(text(criterion, "kind")) {
                        th scope="row" { (text(criterion, "id")) ": " (text(criterion, "text")) }
                        td { (text(criterion, "kind")) }
                        td { output.status data-value=(status) { (status) } }
                        td { (reason(criterion)) }
                    }
                }
            }
        }
    }
}

/// Enrols a screened subject whose latest evaluation is eligible.
pub(crate) async fn enrol(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Form(pairs): Posted,
) -> Result<Response, PageError> {
    let mut typed = Typed::posted(pairs);
    let subject = subject_for(&state, &principal, &code, Action::Enrol).await?;
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    let date = typed.date("enrolment_date");
    if let (Some(date), false) = (date, typed.has_errors()) {
        let waiver = Some(typed.get("waiver").trim().to_owned()).filter(|text| !text.is_empty());
        let enrolment = store::Enrolment {
            subject_id: subject.id,
            based_on: subject.version,
            consent_date: subject.data.consent_date.unwrap_or(date),
            enrolment_date: date,
            waiver,
            reason: None,
        };
        match state.store.enrol(&principal.actor, &enrolment).await {
            Ok(_) => return Ok(Redirect::to(&format!("/subjects/{code}")).into_response()),
            // Only an investigator waives: said next to the waiver, the form kept.
            Err(StoreError::Forbidden(message)) => typed.fail("waiver", message),
            Err(error) => typed.refused(error)?,
        }
    }
    let page = crate::pages::subjects::render(
        &state,
        &principal,
        &subject,
        crate::pages::subjects::Forms {
            enrol: Some(typed),
            ..Default::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
