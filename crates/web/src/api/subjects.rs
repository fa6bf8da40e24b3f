//! Subjects: the list at the user's sites, one subject, screening a candidate, enrolment, and
//! the subject's audit history.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use protocol::eligibility::{Candidate, EligibilityResult, Status};
use serde::{Deserialize, Serialize};
use store::{BirthOrAge, EventFilter, Sex, Subject, SubjectData};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::{Allowed, SiteAccess, SubjectAccess};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::{json, parse};
use crate::policy::Action;
use crate::session::Principal;

/// A subject under their pseudonymous study id.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubjectOut {
    code: String,
    site: String,
    /// Send this back to change the subject (optimistic concurrency).
    version: i64,
    /// `F`, `M` or `U` (CDISC SEX).
    sex: String,
    #[schema(value_type = Option<String>, format = Date)]
    birth_date: Option<Date>,
    age_years: Option<i64>,
    subtype: Option<String>,
    #[schema(value_type = String, format = Date)]
    screening_date: Date,
    #[schema(value_type = Option<String>, format = Date)]
    consent_date: Option<Date>,
    /// Consent waived: a retrospective chart review, where `enrolment_date` is the index date
    /// (the drug start).
    consent_waived: bool,
    #[schema(value_type = Option<String>, format = Date)]
    enrolment_date: Option<Date>,
    /// In a randomised study, once enrolled: the randomisation (never the arm).
    #[serde(skip_serializing_if = "Option::is_none")]
    randomisation: Option<RandomisationOut>,
}

/// A subject's randomisation as staff see it: the number and the stratum, never the arm (the
/// record does not hold it; see `store::Randomisation`).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RandomisationOut {
    /// The randomisation number: the subject's place in the study's sequence.
    number: i64,
    /// Each stratification factor's level, as given at enrolment.
    factors: BTreeMap<String, String>,
    /// The stratum, as the allocation list names it.
    stratum: String,
    /// The subject's place in the stratum's list.
    place: i64,
    #[schema(value_type = String, format = Date)]
    randomised_on: Date,
}

impl From<&store::Randomisation> for RandomisationOut {
    fn from(randomisation: &store::Randomisation) -> RandomisationOut {
        RandomisationOut {
            number: randomisation.number,
            factors: randomisation.levels.iter().cloned().collect(),
            stratum: randomisation.stratum.clone(),
            place: randomisation.place,
            randomised_on: randomisation.randomised_on,
        }
    }
}

impl SubjectOut {
    fn randomised(mut self, randomisation: Option<&store::Randomisation>) -> SubjectOut {
        self.randomisation = randomisation.map(RandomisationOut::from);
        self
    }

    /// The subject as `reader` may see them: the birth date only with
    /// [`Action::ReadIdentifiers`] at the subject's site, otherwise the age at screening
    /// (the minimum necessary).
    fn seen_by(subject: &Subject, reader: &Principal) -> SubjectOut {
        let data = &subject.data;
        let identifiers = reader
            .require(Action::ReadIdentifiers, Some(&data.site))
            .is_ok();
        let (birth_date, age_years) = match data.birth {
            BirthOrAge::BirthDate(date) if identifiers => (Some(date), None),
            BirthOrAge::BirthDate(_) => (None, Some(data.age_at_screening())),
            BirthOrAge::AgeYears(age) => (None, Some(age)),
        };
        SubjectOut {
            code: data.code.clone(),
            site: data.site.clone(),
            version: subject.version,
            sex: data.sex.code().to_owned(),
            birth_date,
            age_years,
            subtype: data.subtype.map(|subtype| subtype.id().to_owned()),
            screening_date: data.screening_date,
            consent_date: data.consent_date,
            consent_waived: subject.consent_waived,
            enrolment_date: data.enrolment_date,
            randomisation: None,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/subjects", tag = "subjects",
    responses(
        (status = 200, description = "The subjects of the sites the user reads", body = [SubjectOut]),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Response, ApiError> {
    let randomisations: BTreeMap<i64, store::Randomisation> = state
        .store
        .randomisations()
        .await?
        .into_iter()
        .map(|randomisation| (randomisation.subject_id, randomisation))
        .collect();
    let subjects: Vec<SubjectOut> = state
        .store
        .subjects()
        .await?
        .iter()
        .filter(|subject| principal.0.reads_site(&subject.data.site))
        .map(|subject| {
            SubjectOut::seen_by(subject, &principal.0).randomised(randomisations.get(&subject.id))
        })
        .collect();
    Ok(json(StatusCode::OK, &subjects))
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}", tag = "subjects",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = SubjectOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn read(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let randomisation = state.store.randomisation(subject.id).await?;
    Ok(json(
        StatusCode::OK,
        &SubjectOut::seen_by(&subject, &principal.0).randomised(randomisation.as_ref()),
    ))
}

/// A candidate to register at screening. Give either `birth_date` or `age_years`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScreenIn {
    /// The site's code.
    #[schema(min_length = 1)]
    site: String,
    /// A new pseudonymous study id (never a name or initials).
    #[schema(min_length = 1, max_length = 20)]
    code: String,
    /// CDISC SEX.
    #[schema(value_type = String, pattern = "^[FMU]$")]
    sex: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    birth_date: Option<Date>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120)]
    age_years: Option<i64>,
    /// The CLE subtype id (INSTRUMENTS.md 6), when known.
    #[serde(default)]
    subtype: Option<String>,
    #[schema(value_type = String, format = Date)]
    screening_date: Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    consent_date: Option<Date>,
    /// The screening record the protocol's criteria read, as `cletrial eligibility` reads it
    /// (see examples/protocol/candidate.json); what is absent is unknown. The subject's
    /// `screening_date`, `birth_date` and `age_years` are the checklist's: the candidate may
    /// repeat them, not contradict them.
    #[schema(value_type = Object)]
    candidate: Candidate,
}

/// One criterion of the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CriterionOut {
    id: String,
    /// `inclusion` or `exclusion`.
    kind: String,
    /// `met`, `not_met` or `unknown`.
    #[schema(value_type = String, pattern = "^(met|not_met|unknown)$")]
    status: Status,
    text: String,
    /// Why, with the values used, in words (as the screening page shows it).
    reason: String,
    /// The same in the protocol file's terms (its field ids and operators), for tracing it to
    /// the protocol.
    rule: String,
    /// The same, structured: each comparison with the field, operator, threshold and what was
    /// found, and how they combine (`all`, `any`).
    #[schema(value_type = Object)]
    why: protocol::eligibility::Why,
}

/// The eligibility checklist as evaluated at screening (and stored with the subject).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChecklistOut {
    /// `true` eligible, `false` not eligible, `null` incomplete (some criteria unknown).
    eligible: Option<bool>,
    criteria: Vec<CriterionOut>,
    /// Candidate fields whose absence left a criterion unknown.
    missing: Vec<String>,
}

impl ChecklistOut {
    /// The checklist as `principal` may read it (a role that sees ages, not birth dates, gets
    /// the reasons without the birth date).
    fn seen_by(
        result: EligibilityResult,
        principal: &crate::session::Principal,
        site: &str,
    ) -> ChecklistOut {
        let withhold_birth = principal
            .require(Action::ReadIdentifiers, Some(site))
            .is_err();
        ChecklistOut {
            eligible: result.eligible,
            criteria: result
                .criteria
                .into_iter()
                .map(|criterion| CriterionOut {
                    reason: crate::checklist::why_words(&criterion.why, withhold_birth),
                    id: criterion.id,
                    kind: criterion.kind.to_owned(),
                    status: criterion.status,
                    text: criterion.text,
                    rule: criterion.reason,
                    why: criterion.why,
                })
                .collect(),
            missing: result.missing,
        }
    }
}

/// A registered subject with the checklist kept for them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScreenedOut {
    #[serde(flatten)]
    subject: SubjectOut,
    eligibility: ChecklistOut,
}

fn birth_or_age(birth_date: Option<Date>, age_years: Option<i64>) -> Result<BirthOrAge, ApiError> {
    match (birth_date, age_years) {
        (Some(date), None) => Ok(BirthOrAge::BirthDate(date)),
        (None, Some(age)) => Ok(BirthOrAge::AgeYears(age)),
        _ => Err(ApiError::invalid(
            "birth_date",
            "give either birth_date or age_years, not both and not neither",
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/subjects", tag = "subjects",
    request_body = ScreenIn,
    responses(
        (status = 201, description = "Registered, with the eligibility checklist stored for them", body = ScreenedOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "A site where the user holds no role", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn screen(
    State(state): State<AppState>,
    access: SiteAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    // The site is in the body: read it, then check as for a subject of that site.
    let input: ScreenIn = parse(&body)?;
    access.at(&input.site)?;
    let principal = access.caller;
    let data = SubjectData {
        site: input.site,
        code: input.code,
        sex: Sex::parse(&input.sex)?,
        birth: birth_or_age(input.birth_date, input.age_years)?,
        subtype: input
            .subtype
            .map(|id| {
                id.parse()
                    .map_err(|error| ApiError::invalid("subtype", format!("{error}")))
            })
            .transpose()?,
        screening_date: input.screening_date,
        consent_date: input.consent_date,
        enrolment_date: None,
    };
    let (subject, result) = state
        .store
        .screen(&principal.0.actor, &data, &input.candidate)
        .await?;
    let screened = ScreenedOut {
        subject: SubjectOut::seen_by(&subject, &principal.0),
        eligibility: ChecklistOut::seen_by(result, &principal.0, &subject.data.site),
    };
    Ok(json(StatusCode::CREATED, &screened))
}

/// Consent and enrolment of a screened subject.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnrolIn {
    /// The subject's version as read.
    version: i64,
    #[schema(value_type = String, format = Date)]
    consent_date: Date,
    #[schema(value_type = String, format = Date)]
    enrolment_date: Date,
    /// An investigator's reason to enrol a subject whose latest checklist is not eligible or
    /// incomplete (recorded as a major eligibility deviation); refused otherwise.
    #[serde(default)]
    #[schema(min_length = 1)]
    waiver: Option<String>,
    /// Why `consent_date` differs from the consent date recorded at screening: a change of an
    /// entered value, so required then (422 on `reason` without it) and refused otherwise.
    #[serde(default)]
    #[schema(min_length = 1)]
    reason: Option<String>,
    /// In a randomised study, the subject's level of every stratification factor, by factor
    /// name (`{"subtype": "DLE", "baseline CLASI-A": "10 or more"}`); the enrolment randomises
    /// the subject in the same transaction. Refused in a study that does not randomise.
    #[serde(default)]
    factors: BTreeMap<String, String>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/enrolment", tag = "subjects",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = EnrolIn,
    responses(
        (status = 200, description = "Enrolled", body = SubjectOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed since read: both versions", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn enrol(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: EnrolIn = parse(&body)?;
    let enrolment = store::Enrolment {
        subject_id: subject.id,
        based_on: input.version,
        consent_date: input.consent_date,
        enrolment_date: input.enrolment_date,
        waiver: input.waiver.clone(),
        reason: input.reason.clone(),
        factors: input.factors.clone().into_iter().collect(),
    };
    match state.store.enrol(&principal.0.actor, &enrolment).await {
        Ok(enrolled) => {
            let randomisation = state.store.randomisation(enrolled.id).await?;
            Ok(json(
                StatusCode::OK,
                &SubjectOut::seen_by(&enrolled, &principal.0).randomised(randomisation.as_ref()),
            ))
        }
        Err(conflict @ store::StoreError::Conflict(_)) => {
            let current = state.store.subject(subject.id).await?;
            let current = SubjectOut::seen_by(&current, &principal.0);
            Err(ApiError::from(conflict).with_versions(current, &input))
        }
        Err(other) => Err(other.into()),
    }
}

/// An emergency unblinding: the emergency, and the subject's study id typed again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnblindIn {
    /// Why the treatment must be known now.
    #[schema(min_length = 1)]
    reason: String,
    /// The subject's study id again: the second confirmation.
    #[schema(min_length = 1)]
    confirmation: String,
}

/// What an emergency unblinding shows the investigator, once: the arm. The record keeps that
/// the subject was unblinded, when and why, never the arm.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnblindedOut {
    randomisation: RandomisationOut,
    /// The arm's code (`LEN`).
    arm_code: String,
    /// The arm as the protocol labels it.
    arm_label: String,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/unblinding", tag = "subjects",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = UnblindIn,
    responses(
        (status = 200, description = "Unblinded: the arm, shown once", body = UnblindedOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "No reason, the wrong study id, a subject not randomised, or no allocation secret on the server; nothing recorded", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn unblind(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: UnblindIn = parse(&body)?;
    let request = store::Unblinding {
        subject_id: subject.id,
        reason: input.reason,
        confirmation: input.confirmation,
    };
    let secret = state.config.allocation_secret.as_ref();
    let (randomisation, arm) = state
        .store
        .unblind(&principal.0.actor, &request, secret)
        .await?;
    Ok(json(
        StatusCode::OK,
        &UnblindedOut {
            randomisation: RandomisationOut::from(&randomisation),
            arm_code: arm.code,
            arm_label: arm.label,
        },
    ))
}

/// One emergency unblinding as the sponsor is notified of it: when, whom, by whom and why;
/// never the arm.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnblindingOut {
    /// The date (ISO 8601).
    unblinded_on: String,
    /// The subject's pseudonymous study id.
    subject: String,
    /// The subject's site code.
    site: String,
    /// The login of the investigator who unblinded.
    by: String,
    reason: String,
}

#[utoipa::path(get, path = "/api/v1/unblindings", tag = "subjects",
    responses(
        (status = 200, description = "Every emergency unblinding, newest first (the sponsor's notifications; never an arm)", body = [UnblindingOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn unblindings(
    State(state): State<AppState>,
    // The route's action is checked by taking it (`access::Allowed`).
    _allowed: Allowed<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let subjects = state.store.subjects().await?;
    let out: Vec<UnblindingOut> = state
        .store
        .unblindings()
        .await?
        .into_iter()
        .rev()
        .map(|unblinded| {
            let subject = subjects
                .iter()
                .find(|subject| subject.id == unblinded.subject_id);
            UnblindingOut {
                unblinded_on: unblinded.unblinded_on.to_string(),
                subject: subject.map_or_else(String::new, |s| s.data.code.clone()),
                site: subject.map_or_else(String::new, |s| s.data.site.clone()),
                by: unblinded.by,
                reason: unblinded.reason,
            }
        })
        .collect();
    Ok(json(StatusCode::OK, &out))
}

/// One audit event: who changed which field of which record, when, from what to what, why.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventOut {
    seq: i64,
    recorded_at: String,
    actor: String,
    entity: String,
    entity_id: i64,
    action: String,
    field: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    reason: Option<String>,
    version: i64,
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/history", tag = "subjects",
    params(
        ("code" = String, Path, description = "The pseudonymous study id"),
        ("form" = Option<String>, Query, description = "Only events of this kind of record (subject, visit, clasi, adverse_event, ...)"),
        ("field" = Option<String>, Query, description = "Only events changing this field"),
        ("user" = Option<String>, Query, description = "Only events by this login"),
        ("from" = Option<String>, Query, format = Date, description = "Only events recorded on or after this day (UTC)"),
        ("to" = Option<String>, Query, format = Date, description = "Only events recorded on or before this day (UTC)"),
        ("after" = Option<i64>, Query, description = "Only events after this event number"),
    ),
    responses(
        (status = 200, description = "The audit events of the subject's record that match, in order", body = [EventOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn history(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = crate::history::parse(&pairs).map_err(|refused| {
        let (name, message) = refused.into_iter().next().unwrap_or_default();
        ApiError::invalid(&name, message)
    })?;
    let filter = EventFilter {
        subject: Some(subject.data.code),
        ..query.filter
    };
    let mut events = Vec::new();
    loop {
        let after = events
            .last()
            .map_or(query.after, |event: &EventOut| event.seq);
        let page = crate::history::read(&state.store, &filter, after, 1000).await?;
        if page.is_empty() {
            break;
        }
        events.extend(page.into_iter().map(|event| EventOut {
            seq: event.seq,
            recorded_at: event.recorded_at,
            actor: event.actor,
            entity: event.entity,
            entity_id: event.entity_id,
            action: event.action,
            field: event.field,
            old_value: event.old_value,
            new_value: event.new_value,
            reason: event.reason,
            version: event.version,
        }));
    }
    Ok(json(StatusCode::OK, &events))
}
