//! The subject list and the subject page (visits and CLASI totals), at the user's sites only.

use axum::extract::{Path, State};
use maud::{Markup, html};
use store::{ClasiAssessment, Subject};

use crate::AppState;
use crate::error::PageError;
use crate::pages::layout;
use crate::session::Principal;

fn date_or_dash(date: Option<jiff::civil::Date>) -> String {
    date.map_or_else(|| "—".to_owned(), |date| date.to_string())
}

/// A total, or why there is none: a missing item leaves the total missing, never smaller.
fn total(value: Option<u8>) -> Markup {
    match value {
        Some(value) => html! { (value) },
        None => html! { span.missing { "incomplete" } },
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Markup, PageError> {
    let subjects: Vec<Subject> = state
        .store
        .subjects()
        .await?
        .into_iter()
        .filter(|subject| principal.reads_site(&subject.data.site))
        .collect();
    let body = html! {
        @if subjects.is_empty() {
            p { "No subjects at your sites yet." }
        } @else {
            table {
                caption { (subjects.len()) " subjects at your sites" }
                thead { tr {
                    th scope="col" { "Study id" }
                    th scope="col" { "Site" }
                    th scope="col" { "Sex" }
                    th scope="col" { "Subtype" }
                    th scope="col" { "Screened" }
                    th scope="col" { "Consent" }
                    th scope="col" { "Enrolled" }
                } }
                tbody {
                    @for subject in &subjects {
                        tr {
                            th scope="row" { a href={ "/subjects/" (subject.data.code) } { (subject.data.code) } }
                            td { (subject.data.site) }
                            td { (subject.data.sex.code()) }
                            td { (subject.data.subtype.map_or_else(|| "—".to_owned(), |subtype| subtype.to_string())) }
                            td { (subject.data.screening_date) }
                            td { (date_or_dash(subject.data.consent_date)) }
                            td { (date_or_dash(subject.data.enrolment_date)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page("Subjects", Some(&principal), body))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let subject = state.store.subject_by_code(&code).await?;
    // Another site's subject looks exactly like one that does not exist.
    if !principal.reads_site(&subject.data.site) {
        return Err(PageError::NotFound);
    }
    let visits = state.store.visits_of(subject.id).await?;
    let clasi = state
        .store
        .records_of::<ClasiAssessment>(subject.id)
        .await?;
    let visit_name = |visit_id: i64| {
        visits
            .iter()
            .find(|visit| visit.id == visit_id)
            .map_or("—", |visit| visit.data.name.as_str())
    };
    let data = &subject.data;
    let body = html! {
        dl.facts {
            dt { "Site" } dd { (data.site) }
            dt { "Sex" } dd { (data.sex.code()) }
            dt { "Subtype" } dd { (data.subtype.map_or_else(|| "not recorded".to_owned(), |subtype| subtype.to_string())) }
            dt { "Screened" } dd { (data.screening_date) }
            dt { "Consent" } dd { (date_or_dash(data.consent_date)) }
            dt { "Enrolled" } dd { (date_or_dash(data.enrolment_date)) }
        }
        h2 { "Visits" }
        @if visits.is_empty() {
            p { "No visits yet." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "Visit" }
                    th scope="col" { "Planned" }
                    th scope="col" { "Done" }
                } }
                tbody {
                    @for visit in &visits {
                        tr {
                            th scope="row" { (visit.data.name) }
                            td { (date_or_dash(visit.data.planned_date)) }
                            td { (date_or_dash(visit.data.actual_date)) }
                        }
                    }
                }
            }
        }
        h2 { "CLASI" }
        @if clasi.is_empty() {
            p { "No CLASI assessments yet." }
        } @else {
            table {
                caption { "Activity 0–70, damage 0–56" }
                thead { tr {
                    th scope="col" { "Visit" }
                    th scope="col" { "Assessed on" }
                    th scope="col" class="num" { "Activity" }
                    th scope="col" class="num" { "Damage" }
                } }
                tbody {
                    @for record in &clasi {
                        tr {
                            th scope="row" { (visit_name(record.data.visit_id)) }
                            td { (record.data.assessed_on) }
                            td.num { (total(record.data.activity())) }
                            td.num { (total(record.data.damage())) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &format!("Subject {}", data.code),
        Some(&principal),
        body,
    ))
}
