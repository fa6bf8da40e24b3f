//! The protocol decision (what the engine recommends, and whether the investigator followed it)
//! and adverse events.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use instruments::ctcae::CtcaeGrade;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::{ActionTaken, AdverseEvent, Causality, Outcome, ProtocolDecision, Subject};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::records::{correctable, save};
use crate::api::{json, parse};
use crate::study::{clinical_record, decision as decide, protocol_of};

/// Today in UTC, the default date of a decision.
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// The engine's decision for `subject` on `as_of`, or why there is none.
async fn engine(
    state: &AppState,
    subject: &Subject,
    as_of: Date,
) -> Result<Result<protocol::Decision, String>, ApiError> {
    let protocol = protocol_of(&state.store).await?;
    let record = clinical_record(state, &protocol, subject.id).await?;
    Ok(decide(&protocol, &record, as_of))
}

/// What the protocol asks for on a date.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DecisionOut {
    #[schema(value_type = String, format = Date)]
    as_of: Date,
    /// The engine's decision (action, dose, phase, response, flags, rule ids with their
    /// sentences, next visit), or `null` when it cannot decide.
    #[schema(value_type = Option<Object>)]
    decision: Option<serde_json::Value>,
    /// Why there is no decision (not enrolled, the protocol cannot be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    unavailable: Option<String>,
}

/// `?as_of=YYYY-MM-DD`: the date decided on (today when absent).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AsOf {
    /// The date decided on, on the record as it stood that day; today when absent.
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<Date>,
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/decision", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id"), AsOf),
    responses(
        (status = 200, description = "The protocol's decision today", body = DecisionOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn decision(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
    query: Result<Query<AsOf>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| {
        ApiError::invalid(
            "as_of",
            format!("{}; give a date as YYYY-MM-DD", rejection.body_text()),
        )
    })?;
    let as_of = query.as_of.unwrap_or_else(today);
    let out = match engine(&state, &subject, as_of).await? {
        Ok(decision) => DecisionOut {
            as_of,
            decision: Some(decision_json(&decision)?),
            unavailable: None,
        },
        Err(why) => DecisionOut {
            as_of,
            decision: None,
            unavailable: Some(why),
        },
    };
    Ok(json(StatusCode::OK, &out))
}

/// The investigator's record of the protocol's decision on a date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecisionIn {
    /// The date decided on; today when absent. The server recomputes the decision for it.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    as_of: Option<Date>,
    /// Whether the investigator followed the protocol's decision.
    followed: bool,
    /// Why not, when not followed (required then, refused otherwise).
    #[serde(default)]
    not_followed_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/decisions", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = DecisionIn,
    responses(
        (status = 201, description = "Recorded, with the decision the server took", body = RecordedDecisionOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn record_decision(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: DecisionIn = parse(&body)?;
    let as_of = input.as_of.unwrap_or_else(today);
    let decision = engine(&state, &subject, as_of)
        .await?
        .map_err(|why| ApiError::invalid("as_of", why))?;
    let study = state.store.study().await?;
    let record = ProtocolDecision {
        followed: Some(input.followed),
        not_followed_reason: input.not_followed_reason,
        ..ProtocolDecision::from_decision(subject.id, study.protocol_version, &decision)?
    };
    let stored = state.store.add_record(&principal.0.actor, &record).await?;
    let out = RecordedDecisionOut {
        id: stored.id,
        version: stored.version,
        followed: stored.data.followed,
        not_followed_reason: stored.data.not_followed_reason,
        decision: DecisionOut {
            as_of,
            decision: Some(decision_json(&decision)?),
            unavailable: None,
        },
    };
    Ok(json(StatusCode::CREATED, &out))
}

/// A recorded decision: the engine's decision as the server recomputed it, and the answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RecordedDecisionOut {
    id: i64,
    version: i64,
    followed: Option<bool>,
    not_followed_reason: Option<String>,
    #[serde(flatten)]
    decision: DecisionOut,
}

fn decision_json(decision: &protocol::Decision) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(decision)
        .map_err(|error| ApiError::Internal(store::StoreError::Other(error.into())))
}

/// An adverse event as recorded, with the alert the pages show.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AdverseEventOut {
    id: i64,
    version: i64,
    /// The CTCAE v5.0 term as printed (SDTM AEDECOD).
    term: String,
    /// The CTCAE term's id, e.g. `peripheral_sensory_neuropathy`.
    term_id: String,
    /// Its MedDRA lowest level term code.
    meddra_code: u32,
    /// The reporter's words (SDTM AETERM), when given.
    verbatim: Option<String>,
    #[schema(value_type = String, format = Date)]
    start_date: Date,
    #[schema(value_type = Option<String>, format = Date)]
    end_date: Option<Date>,
    grade: u8,
    serious: bool,
    causality: String,
    action_taken: String,
    outcome: String,
    /// Serious, or CTCAE grade 3 or more: the investigator must look now.
    alert: bool,
}

fn adverse_event_out(stored: &store::Stored<AdverseEvent>) -> AdverseEventOut {
    let event = &stored.data;
    AdverseEventOut {
        id: stored.id,
        version: stored.version,
        term: event.term.term().to_owned(),
        term_id: event.term.id().to_owned(),
        meddra_code: event.term.meddra_code(),
        verbatim: event.verbatim.clone(),
        start_date: event.start_date,
        end_date: event.end_date,
        grade: event.grade.number(),
        serious: event.serious,
        causality: event.causality.code().to_owned(),
        action_taken: event.action_taken.code().to_owned(),
        outcome: event.outcome.code().to_owned(),
        alert: event.serious || event.grade.number() >= 3,
    }
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/adverse-events", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = [AdverseEventOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn adverse_events(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let events: Vec<AdverseEventOut> = state
        .store
        .records_of::<AdverseEvent>(subject.id)
        .await?
        .iter()
        .map(adverse_event_out)
        .collect();
    Ok(json(StatusCode::OK, &events))
}

correctable! {
    /// An adverse event, graded by CTCAE v5.0.
    #[derive(Debug, Deserialize, ToSchema)]
    struct AdverseEventIn {
        /// A CTCAE v5.0 term: its id (`peripheral_sensory_neuropathy`), the term as printed
        /// (`Peripheral sensory neuropathy`) or its MedDRA code, in any case and spacing. Anything
        /// else is refused with the nearest terms.
        #[schema(min_length = 1, example = "Peripheral sensory neuropathy")]
        term: String,
        /// The reporter's words, when they say more than the term (required for an "Other,
        /// specify" term).
        #[serde(default)]
        verbatim: Option<String>,
        #[schema(value_type = String, format = Date)]
        start_date: Date,
        #[schema(value_type = Option<String>, format = Date)]
        #[serde(default)]
        end_date: Option<Date>,
        /// CTCAE grade 1 to 5.
        #[schema(minimum = 1, maximum = 5)]
        grade: u8,
        serious: bool,
        #[schema(pattern = "^(unrelated|unlikely|possible|probable|definite)$")]
        causality: String,
        /// After CDISC AEACN.
        #[schema(
            pattern = "^(dose_not_changed|dose_reduced|dose_increased|drug_interrupted|drug_withdrawn|not_applicable|unknown)$"
        )]
        action_taken: String,
        /// After CDISC AEOUT.
        #[schema(
            pattern = "^(recovered|recovering|not_recovered|recovered_with_sequelae|fatal|unknown)$"
        )]
        outcome: String,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/adverse-events", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = AdverseEventIn,
    responses(
        (status = 201, description = "Added", body = AdverseEventOut),
        (status = 200, description = "Corrected (the body named the record)", body = AdverseEventOut),
        (status = 409, description = "Changed since read", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn add_adverse_event(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: AdverseEventIn = parse(&body)?;
    let correction = input.correction();
    let record = AdverseEvent {
        subject_id: subject.id,
        term: AdverseEvent::term_named(&input.term)?,
        verbatim: input.verbatim.filter(|text| !text.trim().is_empty()),
        start_date: input.start_date,
        end_date: input.end_date,
        grade: CtcaeGrade::from_number(input.grade)
            .filter(|grade| grade.number() >= 1)
            .ok_or_else(|| ApiError::invalid("grade", "must be a CTCAE grade from 1 to 5"))?,
        serious: input.serious,
        causality: Causality::parse(&input.causality)?,
        action_taken: ActionTaken::parse(&input.action_taken)?,
        outcome: Outcome::parse(&input.outcome)?,
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    Ok(json(status, &adverse_event_out(&stored)))
}
