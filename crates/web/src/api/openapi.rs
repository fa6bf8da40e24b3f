//! The OpenAPI document, generated from the handlers' annotations and body types.

use axum::http::StatusCode;
use axum::response::Response;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{
    clinical, course, error, json, outcomes, patient_links, photos, queries, records, review,
    subjects, visits,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cletrial API",
        description = "The study team's operations for scripts: subjects, visits, CLASI, \
                       SLEDAI-2K, labs, outcome instruments and the patient's one-time links to them, lesion photographs, doses, protocol decisions, adverse events, data queries, \
                       history and signatures. Send `Authorization: Bearer <token>` (`cletrial \
                       token create`); every endpoint applies the same role and site rules as \
                       the pages, and a subject of a site where the user holds no role answers \
                       404.",
        version = "1"
    ),
    paths(
        subjects::list,
        subjects::screen,
        subjects::read,
        subjects::enrol,
        subjects::unblind,
        subjects::unblindings,
        subjects::history,
        visits::list,
        visits::add,
        visits::clasi,
        visits::sledai,
        visits::lab,
        visits::nerve_study,
        outcomes::list,
        outcomes::save_questionnaire,
        patient_links::list,
        patient_links::issue,
        patient_links::revoke,
        photos::upload,
        visits::dose,
        visits::sign,
        clinical::decision,
        clinical::record_decision,
        clinical::adverse_events,
        clinical::add_adverse_event,
        queries::list,
        queries::open,
        queries::answer,
        queries::close,
        review::verifications,
        review::verify,
        review::locks,
        review::lock,
        review::unlock,
        records::void,
        course::add_event,
        course::add_disposition,
        course::add_conmed,
    ),
    components(schemas(error::ErrorBody, error::ConflictBody, error::ExistingBody)),
    modifiers(&BearerToken)
)]
pub(crate) struct ApiDoc;

/// The `bearer` security scheme every path names.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`: public, like any API description.
pub(crate) async fn document() -> Response {
    json(StatusCode::OK, &ApiDoc::openapi())
}
