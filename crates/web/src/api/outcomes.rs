//! Outcome instruments at a visit (DLQI, Skindex-29+3, worst itch and pain NRS, CLA-IGA-R,
//! PGA-skin): entered or corrected through the store's record commands, the scores computed by
//! `instruments` from the answers as stored, under the study protocol's settings.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::{AnswerSource, Questionnaire, Stored};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::records::{correctable, save};
use crate::api::{json, parse, visit_of};

correctable! {
    /// One instrument's answers at a visit: item id -> answer code. An item left out is
    /// unanswered (never 0 until the instrument's missing-answer rule says so).
    #[derive(Debug, Deserialize, ToSchema)]
    struct QuestionnaireIn {
        /// The day the patient answered, or the investigator assessed.
        #[schema(value_type = String, format = Date)]
        completed_on: Date,
        /// `{"DLQI01": "a_lot", "DLQI03": "not_relevant"}`, `{"ITCHNRS": "7"}`,
        /// `{"PGASKIN": "2.5"}`: the item ids and answers of `protocol::outcomes` (FORMAT.md).
        #[schema(value_type = Object)]
        answers: BTreeMap<String, String>,
        /// Why items were left unanswered, when known.
        #[serde(default)]
        unanswered_reason: Option<String>,
    }
}

/// A derived score, or why it was not computed.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScoreOut {
    /// `DLQITOT`, `DLQIBAND`, `DLQISF` ... `SKXSYM`, `SKXEMO`, `SKXFUN`, `SKXLUP`.
    code: &'static str,
    /// The score as text (`16`, `very_large_effect`, `62.5`); `null` when not computed.
    value: Option<String>,
    /// Why it was not computed (too many items unanswered).
    not_scored: Option<String>,
}

/// The questionnaire as stored, with its scores.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QuestionnaireOut {
    id: i64,
    version: i64,
    instrument: &'static str,
    answers: BTreeMap<String, String>,
    /// The items of the instrument that have no answer.
    unanswered: Vec<String>,
    scores: Vec<ScoreOut>,
}

fn out(
    stored: &Stored<Questionnaire>,
    outcomes: &protocol::outcomes::Outcomes,
) -> QuestionnaireOut {
    let setup = outcomes.setup(stored.data.instrument);
    QuestionnaireOut {
        id: stored.id,
        version: stored.version,
        instrument: stored.data.instrument.code(),
        answers: stored.data.answers.clone(),
        unanswered: setup.map_or_else(Vec::new, |setup| stored.data.unanswered(setup)),
        scores: stored
            .data
            .scores(outcomes)
            .unwrap_or_default()
            .into_iter()
            .map(|score| ScoreOut {
                code: score.code,
                value: score.value.ok().map(|value| value.to_string()),
                not_scored: score.value.err().map(|why| why.to_string()),
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/outcomes/{instrument}", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id"),
           ("instrument" = String, Path, description = "dlqi, skindex, worst_itch_nrs, worst_pain_nrs, cla_iga_r or pga_skin: one the study's protocol collects")),
    request_body = QuestionnaireIn,
    responses(
        (status = 201, description = "Added", body = QuestionnaireOut),
        (status = 200, description = "Corrected (the body named the record)", body = QuestionnaireOut),
        (status = 409, description = "Changed since read, or the instrument already recorded at this visit", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "An instrument the study does not collect, an unknown item or an answer its item does not allow", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn save_questionnaire(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit, instrument)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let instrument = store::questionnaire_instrument(&instrument)?;
    let input: QuestionnaireIn = parse(&body)?;
    let correction = input.correction();
    let record = Questionnaire {
        subject_id: subject.id,
        visit_id: visit.id,
        instrument,
        completed_on: input.completed_on,
        source: AnswerSource::of(instrument),
        answers: input.answers,
        unanswered_reason: input
            .unanswered_reason
            .filter(|reason| !reason.trim().is_empty()),
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    let protocol = state.store.protocol().await?;
    Ok(json(status, &out(&stored, protocol.outcomes())))
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/visits/{visit}/outcomes", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    responses(
        (status = 200, body = [QuestionnaireOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let protocol = state.store.protocol().await?;
    let taken: Vec<QuestionnaireOut> = state
        .store
        .records_of::<Questionnaire>(subject.id)
        .await?
        .iter()
        .filter(|stored| stored.data.visit_id == visit.id)
        .map(|stored| out(stored, protocol.outcomes()))
        .collect();
    Ok(json(StatusCode::OK, &taken))
}
