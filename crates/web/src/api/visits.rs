//! Visits and what is measured at them (CLASI, SLEDAI-2K, labs), doses, and visit signatures.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use instruments::medication::{Drug, Regimen};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use store::{
    ClasiAssessment, Decimal, DoseChange, DosePeriod, Entry, Finding, LabResult, Meaning,
    NerveConductionStudy, NewDose, Password, SledaiAssessment, StoreError, Stored, Visit,
    VisitData,
};
use utoipa::ToSchema;

use crate::AppState;
use crate::access::SubjectAccess;
use crate::api::body::{in_words, without_position};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::principal::ApiPrincipal;
use crate::api::records::{correctable, save};
use crate::api::{json, parse, visit_of};

/// A visit with its signatures.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VisitOut {
    id: i64,
    /// Send this back to sign the visit as read.
    version: i64,
    name: String,
    #[schema(value_type = Option<String>, format = Date)]
    planned_date: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    actual_date: Option<Date>,
}

impl From<&Visit> for VisitOut {
    fn from(visit: &Visit) -> VisitOut {
        VisitOut {
            id: visit.id,
            version: visit.version,
            name: visit.data.name.clone(),
            planned_date: visit.data.planned_date,
            actual_date: visit.data.actual_date,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/subjects/{code}/visits", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    responses(
        (status = 200, body = [VisitOut]),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    SubjectAccess(_, subject): SubjectAccess<ApiPrincipal>,
) -> Result<Response, ApiError> {
    let visits: Vec<VisitOut> = state
        .store
        .visits_of(subject.id)
        .await?
        .iter()
        .map(VisitOut::from)
        .collect();
    Ok(json(StatusCode::OK, &visits))
}

/// A visit of the schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VisitIn {
    /// The visit's name in the schedule, e.g. `week 4`.
    #[schema(min_length = 1)]
    name: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    planned_date: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    actual_date: Option<Date>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = VisitIn,
    responses(
        (status = 201, body = VisitOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn add(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: VisitIn = parse(&body)?;
    let data = VisitData {
        name: input.name,
        planned_date: input.planned_date,
        actual_date: input.actual_date,
    };
    let visit = state
        .store
        .add_visit(&principal.0.actor, subject.id, &data)
        .await?;
    Ok(json(StatusCode::CREATED, &VisitOut::from(&visit)))
}

/// A record as saved, with what the server computed from it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Saved {
    id: i64,
    version: i64,
    /// CLASI activity (0-70) and damage (0-56); `null` when an item was not assessed
    /// (missing is not zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    clasi: Option<ClasiTotals>,
    /// SLEDAI-2K total (0-105).
    #[serde(skip_serializing_if = "Option::is_none")]
    sledai: Option<u8>,
    /// CTCAE v5.0 grade of a lab value, when CTCAE grades the test from a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    ctcae_grade: Option<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClasiTotals {
    activity: Option<u8>,
    damage: Option<u8>,
}

impl Saved {
    pub(crate) fn new<T>(stored: &store::Stored<T>) -> Saved {
        Saved {
            id: stored.id,
            version: stored.version,
            clasi: None,
            sledai: None,
            ctcae_grade: None,
        }
    }
}

correctable! {
    /// A CLASI assessment: the areas as `cletrial score clasi` reads them.
    #[derive(Debug, Deserialize, ToSchema)]
    struct ClasiIn {
        #[schema(value_type = String, format = Date)]
        assessed_on: Date,
        /// The CLASI document (see `examples/clasi/`): every area's activity and damage items.
        #[schema(value_type = Object)]
        clasi: serde_json::Value,
    }
}

/// Nested instrument input, its field named under `prefix` and its refusal in words (the
/// reader's `input` is the document itself).
fn instrument<T>(
    prefix: &str,
    value: &serde_json::Value,
    read: fn(&str) -> Result<T, instruments::input::InputError>,
) -> Result<T, ApiError> {
    read(&value.to_string()).map_err(|error| {
        let path = if error.path == "input" {
            "."
        } else {
            &error.path
        };
        let refused = in_words(path, without_position(&error.message));
        let field = match refused.path.as_str() {
            "" => prefix.to_owned(),
            path => format!("{prefix}.{path}"),
        };
        ApiError::invalid(field, refused.message)
    })
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/clasi", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = ClasiIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 409, description = "Changed since read, or a form already recorded at this visit", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn clasi(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let input: ClasiIn = parse(&body)?;
    let correction = input.correction();
    let record = ClasiAssessment {
        subject_id: subject.id,
        visit_id: visit.id,
        assessed_on: input.assessed_on,
        clasi: instrument("clasi", &input.clasi, instruments::input::read_clasi)?,
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    let saved = Saved {
        clasi: Some(ClasiTotals {
            activity: stored.data.activity(),
            damage: stored.data.damage(),
        }),
        ..Saved::new(&stored)
    };
    Ok(json(status, &saved))
}

correctable! {
    /// A SLEDAI-2K assessment: the descriptors as `cletrial score sledai` reads them.
    #[derive(Debug, Deserialize, ToSchema)]
    struct SledaiIn {
        #[schema(value_type = String, format = Date)]
        assessed_on: Date,
        /// The SLEDAI-2K document (see `examples/sledai/`).
        #[schema(value_type = Object)]
        sledai: serde_json::Value,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/sledai", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = SledaiIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 409, description = "Changed since read, or a form already recorded at this visit", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn sledai(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let input: SledaiIn = parse(&body)?;
    let correction = input.correction();
    let record = SledaiAssessment {
        subject_id: subject.id,
        visit_id: Some(visit.id),
        assessed_on: input.assessed_on,
        sledai: instrument("sledai", &input.sledai, instruments::input::read_sledai)?,
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    let saved = Saved {
        sledai: Some(stored.data.sledai.score()),
        ..Saved::new(&stored)
    };
    Ok(json(status, &saved))
}

correctable! {
    /// A laboratory result. Numbers are sent as decimal text so the laboratory's precision is kept
    /// (`12.50` stays `12.50`).
    #[derive(Debug, Deserialize, ToSchema)]
    struct LabIn {
        #[schema(value_type = String, format = Date)]
        collected_on: Date,
        /// A lab test of the study protocol's lab list (`[[labs]]`): its id or its printed name,
        /// in any case and spacing (`neutrophils`, `" Neutrophils "`, `"Neutrophils (absolute
        /// count)"`); the record keeps the id. Anything else is refused (422, field `test`) naming
        /// the nearest labs.
        #[schema(min_length = 1, example = "neutrophils")]
        test: String,
        /// Decimal text, or why there is none: `not_done`, `not_applicable` or `unknown`.
        #[schema(
            example = "1.2",
            pattern = r"^(-?[0-9]+(\.[0-9]+)?|not_done|not_applicable|unknown)$"
        )]
        value: String,
        /// One of the units the protocol lists for the test, in any ASCII case (`10^9/L`,
        /// `/mm3`); the record keeps it as listed. Another unit is refused (422, field `unit`)
        /// naming the units allowed.
        #[schema(min_length = 1, example = "10^9/L")]
        unit: String,
        #[serde(default)]
        lln: Option<String>,
        #[serde(default)]
        uln: Option<String>,
    }
}

fn decimal(field: &str, text: Option<&str>) -> Result<Option<Decimal>, StoreError> {
    text.map(|text| Decimal::parse(field, text)).transpose()
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/labs", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = LabIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 409, description = "Changed since read, or a form already recorded at this visit", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn lab(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let input: LabIn = parse(&body)?;
    let correction = input.correction();
    let record = LabResult {
        subject_id: subject.id,
        visit_id: Some(visit.id),
        collected_on: input.collected_on,
        test: input.test,
        value: Entry::parse(&input.value, |text| Decimal::parse("value", text))?,
        unit: input.unit,
        lln: decimal("lln", input.lln.as_deref())?,
        uln: decimal("uln", input.uln.as_deref())?,
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    let saved = Saved {
        ctcae_grade: stored.data.ctcae_grade()?.map(|grade| grade.number()),
        ..Saved::new(&stored)
    };
    Ok(json(status, &saved))
}

correctable! {
    /// A nerve conduction study's conclusion at a visit (one per visit).
    #[derive(Debug, Deserialize, ToSchema)]
    struct NerveStudyIn {
        #[schema(value_type = String, format = Date)]
        tested_on: Date,
        /// `normal`, `sensory_polyneuropathy` or `other` (then say what in `note`).
        #[schema(pattern = "^(normal|sensory_polyneuropathy|other)$")]
        finding: String,
        #[serde(default)]
        note: Option<String>,
    }
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/nerve-conduction", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = NerveStudyIn,
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 200, description = "Corrected (the body named the record)", body = Saved),
        (status = 409, description = "Changed since read, or a study already recorded at this visit", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn nerve_study(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let input: NerveStudyIn = parse(&body)?;
    let correction = input.correction();
    let record = NerveConductionStudy {
        subject_id: subject.id,
        visit_id: Some(visit.id),
        tested_on: input.tested_on,
        finding: Finding::parse(&input.finding)?,
        note: input.note.filter(|note| !note.trim().is_empty()),
    };
    let (status, stored) = save(&state, &principal, &subject, &correction, &record).await?;
    Ok(json(status, &Saved::new(&stored)))
}

correctable! {
    /// A dose change of the study drug from a date, as prescribed: the running period ends the day
    /// before and this regimen starts (or, with `stop`, the drug stops). With `id`, `version` and
    /// `reason` it corrects that period instead.
    #[derive(Debug, Deserialize, ToSchema)]
    struct DoseIn {
        /// The study drug, by name (`lenalidomide`, `Thalidomide`); another drug is a
        /// concomitant medication and is refused here.
        #[schema(example = "lenalidomide")]
        drug: String,
        /// Amount per administration, decimal text in `unit`, e.g. `5`.
        #[schema(example = "5")]
        #[serde(default)]
        amount: Option<String>,
        /// `mg` (default), `g` or `ug`.
        #[serde(default)]
        unit: Option<String>,
        /// A CDISC frequency term or its words: `QD`, `QOD`, `3 TIMES PER WEEK`, `twice weekly`.
        #[schema(example = "3 TIMES PER WEEK")]
        #[serde(default)]
        frequency: Option<String>,
        /// The drug stops from `start_date` (no amount or frequency then).
        #[serde(default)]
        stop: bool,
        #[schema(value_type = String, format = Date)]
        start_date: Date,
        /// For a period already over when entered (a chart review): its last day.
        #[schema(value_type = Option<String>, format = Date)]
        #[serde(default)]
        end_date: Option<Date>,
    }
}

/// A dose period as kept: the regimen in words and the protocol's level it is.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PeriodOut {
    id: i64,
    version: i64,
    /// E.g. "Lenalidomide 5 mg three times weekly".
    regimen: String,
    /// The protocol's dose level id, `null` in a study without levels.
    dose_level: Option<String>,
    #[schema(value_type = String, format = Date)]
    start_date: Date,
    #[schema(value_type = Option<String>, format = Date)]
    end_date: Option<Date>,
}

impl PeriodOut {
    fn new(period: &Stored<DosePeriod>) -> PeriodOut {
        PeriodOut {
            id: period.id,
            version: period.version,
            regimen: period.data.regimen.to_string(),
            dose_level: period.data.level.clone(),
            start_date: period.data.start_date,
            end_date: period.data.end_date,
        }
    }
}

/// What a dose request did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DoseOut {
    /// The period started or corrected; `null` when the drug was stopped.
    period: Option<PeriodOut>,
    /// The running period the change ended.
    ended: Option<PeriodOut>,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/doses", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id")),
    request_body = DoseIn,
    responses(
        (status = 201, description = "Dose changed", body = DoseOut),
        (status = 200, description = "Corrected (the body named the period)", body = DoseOut),
        (status = 409, description = "Changed since read", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Not the study drug, no dose level of the protocol, an overlap, a bad date", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn dose(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: DoseIn = parse(&body)?;
    let correction = input.correction();
    let drug =
        Drug::find(&input.drug).map_err(|error| ApiError::invalid("drug", error.to_string()))?;
    let regimen = |input: &DoseIn| -> Result<Regimen, ApiError> {
        let need = |field: &'static str, value: &Option<String>| {
            value
                .clone()
                .ok_or_else(|| ApiError::invalid(field, "required unless stop is true"))
        };
        Ok(DosePeriod::regimen_named(
            drug.id(),
            &need("amount", &input.amount)?,
            input.unit.as_deref().unwrap_or("mg"),
            &need("frequency", &input.frequency)?,
        )?)
    };
    if input.id.is_some() {
        let period = DosePeriod {
            subject_id: subject.id,
            regimen: regimen(&input)?,
            level: None,
            start_date: input.start_date,
            end_date: input.end_date,
        };
        let (status, stored) = save(&state, &principal, &subject, &correction, &period).await?;
        let out = DoseOut {
            period: Some(PeriodOut::new(&stored)),
            ended: None,
        };
        return Ok(json(status, &out));
    }
    let dose = match (input.stop, &input.amount, &input.frequency) {
        (true, None, None) => NewDose::Stop(drug),
        (true, _, _) => {
            return Err(ApiError::invalid(
                "stop",
                "a stop has no amount or frequency",
            ));
        }
        (false, _, _) => NewDose::Regimen(regimen(&input)?),
    };
    let change = DoseChange {
        subject_id: subject.id,
        from: input.start_date,
        dose,
        until: input.end_date,
    };
    let changed = state.store.change_dose(&principal.0.actor, &change).await?;
    let out = DoseOut {
        period: changed.started.as_ref().map(PeriodOut::new),
        ended: changed.ended.as_ref().map(PeriodOut::new),
    };
    Ok(json(StatusCode::CREATED, &out))
}

/// An electronic signature of a visit as read (21 CFR 11.50): the password typed again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignIn {
    /// The visit's version as read; a visit changed since is not signed.
    version: i64,
    #[schema(pattern = "^(authorship|review|approval|responsibility)$")]
    meaning: String,
    #[schema(min_length = 1)]
    password: String,
}

/// A signature as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SignatureOut {
    id: i64,
    signer: String,
    printed_name: String,
    meaning: String,
    signed_at: String,
    content_sha256: String,
}

#[utoipa::path(post, path = "/api/v1/subjects/{code}/visits/{visit}/signatures", tag = "visits",
    params(("code" = String, Path, description = "The pseudonymous study id"),
           ("visit" = i64, Path, description = "The visit's id")),
    request_body = SignIn,
    responses(
        (status = 201, body = SignatureOut),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Wrong password, unknown meaning, or changed since read", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub(crate) async fn sign(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess<ApiPrincipal>,
    Path((_, visit)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let visit = visit_of(&state, &subject, &visit).await?;
    let input: SignIn = parse(&body)?;
    let meaning = Meaning::parse(&input.meaning)?;
    let password = Password::typed(&input.password)?;
    let signature = match state
        .store
        .sign_visit(
            &principal.0.actor,
            visit.id,
            input.version,
            &password,
            meaning,
        )
        .await
    {
        Err(StoreError::AuthenticationFailed) => {
            return Err(ApiError::invalid("password", "is not your password"));
        }
        other => other?,
    };
    let out = SignatureOut {
        id: signature.id,
        signer: signature.signer_login,
        printed_name: signature.printed_name,
        meaning: signature.meaning.as_str().to_owned(),
        signed_at: signature.signed_at,
        content_sha256: signature.content_sha256,
    };
    Ok(json(StatusCode::CREATED, &out))
}
