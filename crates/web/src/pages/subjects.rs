//! The subject list and the subject page: facts, safety alert, eligibility and enrolment, the
//! timeline (chart and list), visits with the protocol's calendar, and data queries.

use axum::extract::{Path, Query, State};
use instruments::subtype::Subtype;
use maud::{Markup, html};
use store::{BirthOrAge, EligibilityRecord, ProtocolDecision, ProtocolDeviation, Subject};

use crate::AppState;
use crate::error::PageError;
use crate::pages::form::{self, Typed};
use crate::pages::{
    adverse, chart, conmeds, course, layout, queries, records, screening, subject_for, words,
};
use crate::policy::Action;
use crate::session::Principal;
use crate::study;

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
            p { a.button href="/screening" { "Screen a candidate" } }
        }
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
                            td { (subject.data.subtype.map_or("—", Subtype::label)) }
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

/// The subject page; `?target=lab:12&field=value` opens the query form on that field (the
/// "Ask" of the verification page: a query raised by clicking the field).
pub(crate) async fn page(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    let subject = subject_for(&state, &principal, &code, Action::ReadSubject).await?;
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
            dt { "Site" } dd { (data.site) }
            dt { "Sex" } dd { (data.sex.code()) }
            @match (data.birth, identifiers) {
                (BirthOrAge::BirthDate(birth), true) => {
                    dt { "Born" } dd { (birth) " (" (data.age_at_screening()) " years at screening)" }
                }
                _ => { dt { "Age at screening" } dd { (data.age_at_screening()) " years" } }
            }
            dt { "Subtype" } dd { (data.subtype.map_or("not recorded", Subtype::label)) }
            @if subject.consent_waived {
                dt { "Chart reviewed" } dd { (data.screening_date) }
                dt { "Consent" } dd { "waived (retrospective chart review)" }
                dt { "Index date (drug start)" } dd { (date_or_dash(data.enrolment_date)) }
            } @else {
                dt { "Screened" } dd { (data.screening_date) }
                dt { "Consent" } dd { (date_or_dash(data.consent_date)) }
                dt { "Enrolled" } dd { (date_or_dash(data.enrolment_date)) }
            }
        }
        p {
            a href={ "/subjects/" (code) "/adverse-events" } { "Adverse events" }
            @if principal.require(Action::ReadHistory, Some(&data.site)).is_ok() {
                " · " a href={ "/subjects/" (code) "/history" } { "Record history" }
            }
            @if principal.require(Action::VerifySource, Some(&data.site)).is_ok() {
                " · " a href={ "/subjects/" (code) "/verification" } { "Source data verification" }
            }
        }
        (adverse::alert(&record.adverse_events))

        section #eligibility {
            h2 { "Eligibility" }
            @match &eligibility {
                Some(stored) => { (screening::stored_checklist(&stored.data, withheld)) }
                None => { p { "No eligibility checklist recorded." } }
            }
            // A refused enrolment of a subject enrolled meanwhile: the form is gone, its message stays.
            @if data.enrolment_date.is_some() && enrol_form.has_errors() {
                (enrol_form.summary(&[]))
            }
            @if subject.consent_waived && data.enrolment_date.is_none() {
                p { "Not enrolled: the chart does not meet the criteria at the index date. A chart that does not qualify can be removed (Entered in error)." }
                @if enters { (records::void_form(principal, code, "subject", subject.id, subject.version, &format!("/subjects/{code}"))) }
            } @else if data.enrolment_date.is_none() && principal.require(Action::Enrol, Some(&data.site)).is_ok() {
                form method="post" action={ "/subjects/" (code) "/enrol" } {
                    (form::token(csrf))
                    (enrol_form.summary(&["enrolment_date", "waiver"]))
                    (enrol_form.input("enrolment_date", "Enrolment date (treatment starts)", "date"))
                    @if eligibility.as_ref().and_then(|stored| stored.data.eligible) != Some(true) {
                        p.hint { "The latest checklist does not say eligible. An investigator may still enrol the subject with a reason: the waiver is recorded as a major protocol deviation." }
                        (enrol_form.input("waiver", "Waiver: why enrol anyway (investigator only)", "text"))
                    }
                    button type="submit" { "Enrol" }
                }
            }
        }

        @if !deviations.is_empty() {
            section #deviations {
                h2 { "Protocol deviations" }
                table {
                    thead { tr { th scope="col" { "Date" } th scope="col" { "Category" } th scope="col" { "Major" } th scope="col" { "Description" } } }
                    tbody {
                        @for deviation in &deviations {
                            tr {
                                td { (deviation.data.occurred_on) }
                                td { (words().value("category", deviation.data.category.code())) }
                                td { @if deviation.data.major { strong { "major" } } @else { "minor" } }
                                td { (deviation.data.description) }
                            }
                        }
                    }
                }
            }
        }

        (course::section(principal, subject, &record.events, &record.dispositions, &forms_course))

        (conmeds::section(principal, subject, &record.conmeds, forms.conmed.as_ref()))

        section #timeline {
            h2 { "Timeline" }
            (chart::timeline(&protocol, &record, &visits, &decisions))
        }

        section #visits {
            h2 { "Visits" }
            @if visits.is_empty() {
                p { "No visits yet." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Visit" } th scope="col" { "Planned" } th scope="col" { "Done" }
                        th scope="col" class="num" { "CLASI activity" } th scope="col" class="num" { "Damage" }
                        @if enters { th scope="col" { "Correction" } }
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
                                    td { (crate::pages::records::void_form(principal, code, "visit", visit.id, visit.version, &format!("/subjects/{code}#visits"))) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some((date, day)) = next_planned {
                p { "Next visit in the protocol's calendar: day " (day) ", " (date) "." }
            }
            @if principal.require(Action::EnterVisitData, Some(&data.site)).is_ok() {
                h3 { "Add a visit" }
                    form method="post" action={ "/subjects/" (code) "/visits" } {
                        (form::token(csrf))
                        (visit_form.summary(&["name", "planned_date", "actual_date"]))
                        div.row {
                            (visit_form.input("name", "Visit", "text"))
                            (visit_form.input("planned_date", "Planned on", "date"))
                            (visit_form.input("actual_date", "Done on", "date"))
                        }
                        button type="submit" { "Add visit" }
                    }
            }
        }

        (queries::section(state, principal, subject, forms.query, forms.answer.as_ref()).await?)
    };
    Ok(layout::page(
        &format!("Subject {code}"),
        Some(principal),
        body,
    ))
}
