//! The events the protocol's rules read and how participation ended, for scripts: the same
//! store records the subject page enters, read by the decision the same way.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::{ConcomitantMedication, Disposition, DispositionStatus, EventType, ProtocolEvent};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::records::{correctable, save};
use crate::api::visits::Saved;
use crate::api::{json, parse};

correctable! {
    /// An event the protocol's stopping rules or deviations read.
    #[derive(Debug, Deserialize, ToSchema)]
    struct EventIn {
        #[schema(
            pattern = "^(pregnancy|consent_withdrawn|physician_decision|life_threatening|concomitant_change)$"
        )]
        event: String,
        #[schema(value_type = String, format = Date)]
        occurred_on: Date,
        #[serde(default)]
        note: Option<String>,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/events", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = EventIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn add_event(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: EventIn = parse(&body)?;
    let correction = input.correction();
    let record = ProtocolEvent {
        subject_id: subject.id,
        occurred_on: input.occurred_on,
        event: EventType::parse(&input.event)?,
        note: input.note.filter(|note| !note.trim().is_empty()),
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    Ok(json(status, &Saved::new(&stored)))
}

correctable! {
    /// How participation ended.
    #[derive(Debug, Deserialize, Serialize, ToSchema)]
    struct DispositionIn {
        /// After CDISC DSDECOD: `completed`, `adverse_event`, `lack_of_efficacy`,
        /// `withdrawal_by_subject`, `physician_decision`, `pregnancy`, `lost_to_follow_up`,
        /// `death`, `protocol_deviation`, `screen_failure`, `other`.
        status: String,
        #[schema(value_type = String, format = Date)]
        disposition_date: Date,
        /// Required for `other`.
        #[serde(default)]
        details: Option<String>,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/disposition", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = DispositionIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn add_disposition(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: DispositionIn = parse(&body)?;
    let correction = input.correction();
    let record = Disposition {
        subject_id: subject.id,
        status: DispositionStatus::parse(&input.status)?,
        disposition_date: input.disposition_date,
        details: input.details.filter(|details| !details.trim().is_empty()),
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    Ok(json(status, &Saved::new(&stored)))
}

correctable! {
    /// A medication other than the study drug, coded; blank or absent dose fields are not known.
    #[derive(Debug, Deserialize, ToSchema)]
    struct ConmedIn {
        /// From the drug vocabulary, by code or name (`prednisone`, `Hydroxychloroquine`); a
        /// medication not listed is `other`, named in `verbatim`.
        #[schema(example = "prednisone")]
        drug: String,
        /// As written, when it says more than the drug's name.
        #[serde(default)]
        verbatim: Option<String>,
        /// Amount per dose, decimal text in `unit`.
        #[schema(example = "10")]
        #[serde(default)]
        amount: Option<String>,
        /// `mg` (default), `g` or `ug`.
        #[serde(default)]
        unit: Option<String>,
        /// A CDISC frequency term or its words: `QD`, `QOD`, `twice daily`, `PRN`.
        #[schema(example = "QD")]
        #[serde(default)]
        frequency: Option<String>,
        /// A CDISC route or its words: `ORAL`, `TOPICAL`, `by mouth`, `IV`.
        #[serde(default)]
        route: Option<String>,
        #[serde(default)]
        indication: Option<String>,
        #[schema(value_type = Option<String>, format = Date)]
        #[serde(default)]
        start_date: Option<Date>,
        #[schema(value_type = Option<String>, format = Date)]
        #[serde(default)]
        end_date: Option<Date>,
        #[serde(default)]
        ongoing: bool,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/conmeds", tag = "clinical",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = ConmedIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, description = "An unknown drug, amount, unit, frequency or route, named", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn add_conmed(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: ConmedIn = parse(&body)?;
    let correction = input.correction();
    let text = |text: &Option<String>| text.clone().unwrap_or_default();
    let dose = ConcomitantMedication::dose_named(
        &text(&input.amount),
        &text(&input.unit),
        &text(&input.frequency),
        &text(&input.route),
    )?;
    let given = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
    let record = ConcomitantMedication {
        subject_id: subject.id,
        drug: ConcomitantMedication::drug_named(&input.drug)?,
        verbatim: given(input.verbatim),
        amount: dose.amount,
        frequency: dose.frequency,
        route: dose.route,
        indication: given(input.indication),
        start_date: input.start_date,
        end_date: input.end_date,
        ongoing: input.ongoing,
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    Ok(json(status, &Saved::new(&stored)))
}
