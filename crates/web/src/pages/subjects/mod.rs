//! The subject list and the subject page: facts, safety alert, eligibility and enrolment, the
//! timeline (chart and list), visits with the protocol's calendar, and data queries.

pub(crate) mod adverse_events;
pub(crate) mod chart;
pub(crate) mod conmeds;
pub(crate) mod course;
pub(crate) mod enrolment;
pub(crate) mod history;
pub(crate) mod queries;
pub(crate) mod records;
pub(crate) mod unblinding;
pub(crate) mod verification;
pub(crate) mod visits;

use axum::extract::{Query, State};
use instruments::subtype::Subtype;
use maud::{Markup, html};
use store::{BirthOrAge, EligibilityRecord, ProtocolDecision, ProtocolDeviation, Subject};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::{self, Typed};
use crate::pages::{layout, screening, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;
use crate::study;

/// A CLE subtype as the catalogue names it.
fn subtype(subtype: Subtype) -> String {
    words().value("subtype", subtype.id())
}

pub(crate) fn date_or_dash(date: Option<jiff::civil::Date>) -> String {
    date.map_or_else(|| "—".to_owned(), |date| date.to_string())
}

pub(crate) async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Markup, PageError> {
    // Any logged-in user: the list shows the subjects of the sites they read, maybe none.
    let subjects: Vec<Subject> = state
        .store
        .subjects()
        .await?
        .into_iter()
        .filter(|subject| principal.reads_site(&subject.data.site))
        .collect();
    let body = html! {
        @if principal.require(Action::Screen, None).is_ok() {
            p { a.button href="/screening" { (words().get("subjects-screen")) } }
        }
        @if subjects.is_empty() {
            p { (words().get("subjects-none")) }
        } @else {
            table {
                caption { (words().format("subjects-count", &[("count", subjects.len().into())])) }
                thead { tr {
                    th scope="col" { (words().get("subjects-study-id")) }
                    th scope="col" { (words().get("subjects-site")) }
                    th scope="col" { (words().get("subjects-sex")) }
                    th scope="col" { (words().get("subjects-subtype")) }
                    th scope="col" { (words().get("subjects-screened")) }
                    th scope="col" { (words().get("subjects-consent")) }
                    th scope="col" { (words().get("subjects-enrolled")) }
                } }
                tbody {
                    @for subject in &subjects {
                        tr {
                            th scope="row" { a href={ "/subjects/" (subject.data.code) } { (subject.data.code) } }
                            td { (subject.data.site) }
                            td { (words().value("sex", subject.data.sex.code())) }
                            td { (subject.data.subtype.map_or_else(|| "—".to_owned(), subtype)) }
                            td { (subject.data.screening_date) }
                            td { (date_or_dash(subject.data.consent_date)) }
                            td { (date_or_dash(subject.data.enrolment_date)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        &words().get("subjects-list-title"),
        Some(&principal),
        body,
    ))
}

/// The subject page; `?target=lab:12&field=value` opens the query form on that field (the
/// "Ask" of the verification page: a query raised by clicking the field).
pub(crate) async fn page(
    State(state): State<AppState>,
    SubjectAccess(principal, subject): SubjectAccess,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    let asked: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(name, _)| name == "target" || name == "field")
        .collect();
    let forms = Forms {
        query: (!asked.is_empty()).then(|| Typed::filled(asked)),
        ..Forms::default()
    };
    render(&state, &principal, &subject, forms).await
}

/// The subject page's forms that come back as typed when refused.
#[derive(Default)]
pub(crate) struct Forms {
    pub(crate) visit: Option<Typed>,
    pub(crate) enrol: Option<Typed>,
    pub(crate) query: Option<Typed>,
    /// A refused answer to a query: the query's id and what was typed.
    pub(crate) answer: Option<(i64, Typed)>,
    pub(crate) event: Option<Typed>,
    pub(crate) disposition: Option<Typed>,
    pub(crate) conmed: Option<Typed>,
    /// A refused emergency unblinding, as typed.
    pub(crate) unblind: Option<Typed>,
    /// The arm an emergency unblinding has just shown, in its own response only.
    pub(crate) unblinded: Option<String>,
}

/// The subject page, with any refused form as typed.
pub(crate) async fn render(
    state: &AppState,
    principal: &Principal,
    subject: &Subject,
    forms: Forms,
) -> Result<Markup, PageError> {
    let visits = state.store.visits_of(subject.id).await?;
    let record = state.store.clinical_record(subject.id).await?;
    let decisions = state
        .store
        .records_of::<ProtocolDecision>(subject.id)
        .await?;
    let eligibility = state
        .store
        .records_of::<EligibilityRecord>(subject.id)
        .await?
        .into_iter()
        .max_by_key(|record| (record.data.evaluated_on, record.id));
    let deviations = state
        .store
        .records_of::<ProtocolDeviation>(subject.id)
        .await?;
    let protocol = study::protocol_of(&state.store).await?;
    let randomisation = state.store.randomisation(subject.id).await?;
    let unblindings = match randomisation {
        Some(_) => state.store.unblindings().await?,
        None => Vec::new(),
    };
    let unblindings: Vec<&store::Unblinded> = unblindings
        .iter()
        .filter(|unblinded| unblinded.subject_id == subject.id)
        .collect();
    let design = protocol
        .as_ref()
        .ok()
        .and_then(|protocol| protocol.randomisation().cloned());
    let data = &subject.data;
    let code = &data.code;
    let csrf = &principal.csrf_token;
    let enters = principal
        .require(Action::EnterVisitData, Some(&data.site))
        .is_ok();
    let calendar = protocol
        .as_ref()
        .ok()
        .zip(data.enrolment_date)
        .map(|(protocol, start)| protocol::schedule::calendar(protocol.schedule(), start));
    let next_planned = calendar.as_ref().and_then(|calendar| {
        calendar
            .visits
            .iter()
            .find(|slot| {
                !visits.iter().any(|visit| {
                    visit
                        .data
                        .actual_date
                        .is_some_and(|d| d >= slot.earliest && d <= slot.latest)
                })
            })
            .map(|slot| (slot.date, slot.day))
    });
    let visit_form = forms.visit.unwrap_or_else(|| {
        let (name, planned) = match (data.enrolment_date, next_planned, visits.is_empty()) {
            (Some(start), _, true) => ("Baseline".to_owned(), Some(start)),
            (_, Some((date, day)), _) => (format!("Week {}", day / 7), Some(date)),
            _ => (String::new(), None),
        };
        // A visit planned for a later day has not taken place: its date stays blank, since a
        // date in the future would be refused.
        let today = jiff::Zoned::now().date();
        let text =
            |date: Option<jiff::civil::Date>| date.map_or_else(String::new, |d| d.to_string());
        Typed::filled([
            ("name", name.clone()),
            ("planned_date", text(planned)),
            ("actual_date", text(planned.filter(|date| *date <= today))),
        ])
    });
    let forms_course = Forms {
        event: forms.event.clone(),
        disposition: forms.disposition.clone(),
        ..Forms::default()
    };
    let enrol_form = forms
        .enrol
        .unwrap_or_else(|| Typed::filled([("enrolment_date", data.screening_date.to_string())]));
    // The minimum necessary (issue 15, item 11): the birth date for those who need it.
    let identifiers = principal
        .require(Action::ReadIdentifiers, Some(&data.site))
        .is_ok();
    let withheld = match data.birth {
        BirthOrAge::BirthDate(birth) if !identifiers => Some(birth),
        _ => None,
    };
    let body = html! {
        dl.facts {
            dt { (words().get("subjects-site")) } dd { (data.site) }
            dt { (words().get("subjects-sex")) } dd { (words().value("sex", data.sex.code())) }
            @match (data.birth, identifiers) {
                (BirthOrAge::BirthDate(birth), true) => {
                    dt { (words().get("subjects-born")) } dd { (birth) " " (words().format("subjects-age-at-screening", &[("age", data.age_at_screening().into())])) }
                }
                _ => { dt { (words().get("subjects-age-at-screening-label")) } dd { (words().format("subjects-age", &[("age", data.age_at_screening().into())])) } }
            }
            dt { (words().get("subjects-subtype")) } dd { (data.subtype.map_or_else(|| words().get("not-recorded"), subtype)) }
            @if subject.consent_waived {
                dt { (words().get("subjects-chart-reviewed")) } dd { (data.screening_date) }
                dt { (words().get("subjects-consent")) } dd { (words().get("subjects-consent-waived")) }
                dt { (words().get("subjects-index-date")) } dd { (date_or_dash(data.enrolment_date)) }
            } @else {
                dt { (words().get("subjects-screened")) } dd { (data.screening_date) }
                dt { (words().get("subjects-consent")) } dd { (date_or_dash(data.consent_date)) }
                dt { (words().get("subjects-enrolled")) } dd { (date_or_dash(data.enrolment_date)) }
            }
            @if let Some(randomisation) = &randomisation {
                dt { (words().get("subjects-randomisation")) }
                dd #randomisation { (enrolment::randomisation_said(randomisation)) }
            }
        }
        p {
            a href={ "/subjects/" (code) "/adverse-events" } { (words().get("subjects-adverse-events")) }
            @if principal.require(Action::ReadHistory, Some(&data.site)).is_ok() {
                " · " a href={ "/subjects/" (code) "/history" } { (words().get("subjects-history")) }
            }
            @if principal.require(Action::VerifySource, Some(&data.site)).is_ok() {
                " · " a href={ "/subjects/" (code) "/verification" } { (words().get("subjects-verification")) }
            }
        }
        (adverse_events::alert(&record.adverse_events))

        section #eligibility {
            h2 { (words().get("subjects-eligibility")) }
            @match &eligibility {
                Some(stored) => { (screening::stored_checklist(&stored.data, withheld)) }
                None => { p { (words().get("subjects-no-checklist")) } }
            }
            // A refused enrolment of a subject enrolled meanwhile: the form is gone, its message stays.
            @if data.enrolment_date.is_some() && enrol_form.has_errors() {
                (enrol_form.summary(&[]))
            }
            @if subject.consent_waived && data.enrolment_date.is_none() {
                p { (words().get("subjects-chart-not-enrolled")) }
                @if enters { (records::void_form(principal, code, "subject", subject.id, subject.version, &format!("/subjects/{code}"))) }
            } @else if data.enrolment_date.is_none() && principal.require(Action::Enrol, Some(&data.site)).is_ok() {
                (enrolment::form(csrf, code, &enrol_form, design.as_ref(), eligibility.as_ref().and_then(|stored| stored.data.eligible) == Some(true)))
            }
        }

        @if !deviations.is_empty() {
            section #deviations {
                h2 { (words().get("subjects-deviations")) }
                table {
                    thead { tr { th scope="col" { (words().get("subjects-date")) } th scope="col" { (words().get("subjects-category")) } th scope="col" { (words().get("subjects-major")) } th scope="col" { (words().get("subjects-description")) } } }
                    tbody {
                        @for deviation in &deviations {
                            tr {
                                td { (deviation.data.occurred_on) }
                                td { (words().value("category", deviation.data.category.code())) }
                                td { @if deviation.data.major { strong { (words().get("subjects-deviation-major")) } } @else { (words().get("subjects-deviation-minor")) } }
                                td { (deviation.data.description) }
                            }
                        }
                    }
                }
            }
        }

        @if randomisation.is_some() || forms.unblind.is_some() {
            (unblinding::section(principal, code, &data.site, &unblindings, forms.unblinded.as_deref(), forms.unblind.as_ref()))
        }

        (course::section(principal, subject, &record.events, &record.dispositions, &forms_course))

        (conmeds::section(principal, subject, &record.conmeds, forms.conmed.as_ref()))

        section #timeline {
            h2 { (words().get("subjects-timeline")) }
            (chart::timeline(&protocol, &record, &visits, &decisions))
        }

        section #visits {
            h2 { (words().get("subjects-visits")) }
            @if visits.is_empty() {
                p { (words().get("subjects-no-visits")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (words().get("subjects-visit")) } th scope="col" { (words().get("subjects-planned")) } th scope="col" { (words().get("subjects-done")) }
                        th scope="col" class="num" { (words().get("subjects-clasi-activity")) } th scope="col" class="num" { (words().get("subjects-damage")) }
                        @if enters { th scope="col" { (words().get("subjects-correction")) } }
                    } }
                    tbody {
                        @for visit in &visits {
                            @let clasi = record.clasi.iter().find(|c| c.data.visit_id == visit.id);
                            tr {
                                th scope="row" { a href={ "/subjects/" (code) "/visits/" (visit.id) } { (visit.data.name) } }
                                td { (date_or_dash(visit.data.planned_date)) }
                                td { (date_or_dash(visit.data.actual_date)) }
                                td.num { (clasi.map_or_else(|| "—".to_owned(), |c| crate::pages::instruments_form::total_text(c.data.activity()))) }
                                td.num { (clasi.map_or_else(|| "—".to_owned(), |c| crate::pages::instruments_form::total_text(c.data.damage()))) }
                                @if enters {
                                    td { (crate::pages::subjects::records::void_form(principal, code, "visit", visit.id, visit.version, &format!("/subjects/{code}#visits"))) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some((date, day)) = next_planned {
                p { (words().format("subjects-next-visit", &[("day", day.into()), ("date", date.to_string().into())])) }
            }
            @if principal.require(Action::EnterVisitData, Some(&data.site)).is_ok() {
                h3 { (words().get("subjects-add-visit-title")) }
                    form method="post" action={ "/subjects/" (code) "/visits" } {
                        (form::token(csrf))
                        (visit_form.summary(&["name", "planned_date", "actual_date"]))
                        div.row {
                            (visit_form.input("name", &words().get("subjects-visit"), "text"))
                            (visit_form.input("planned_date", &words().get("subjects-planned-on"), "date"))
                            (visit_form.input("actual_date", &words().get("subjects-done-on"), "date"))
                        }
                        button type="submit" { (words().get("subjects-add-visit")) }
                    }
            }
        }

        (queries::section(state, principal, subject, forms.query, forms.answer.as_ref()).await?)
    };
    Ok(layout::page(
        &words().format("subjects-title", &[("code", code.as_str().into())]),
        Some(principal),
        body,
    ))
}

/// The subject list and page, and everything under `/subjects/{code}`.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .get("/subjects", Scope::LoggedIn, list)
        .get(
            "/subjects/{code}",
            Scope::Subject(Action::ReadSubject),
            page,
        )
        .with(enrolment::routes)
        .with(unblinding::routes)
        .with(visits::routes)
        .with(adverse_events::routes)
        .with(conmeds::routes)
        .with(course::routes)
        .with(queries::routes)
        .with(records::routes)
        .with(history::routes)
        .with(verification::routes)
}
