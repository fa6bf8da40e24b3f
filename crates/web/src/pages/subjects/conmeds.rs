//! Concomitant medications on the subject page: each coded against the drug vocabulary with
//! the words as written beside it, the dose where known, and the dates. The record the decision
//! reads (a medication started or stopped after the start is the change the trial forbade) and
//! the paediatric review's prednisone comes from.

use axum::extract::State;
use axum::response::Response;
use instruments::medication::{DoseUnit, Drug, Frequency, Route};
use maud::{Markup, html};
use store::{ConcomitantMedication, Stored, Subject};

use crate::AppState;
use crate::access::SubjectAccess;
use crate::error::PageError;
use crate::pages::form::Posted;
use crate::pages::form::{self, Typed};
use crate::pages::subjects::Forms;
use crate::pages::subjects::course::{note, save};
use crate::pages::subjects::records;
use crate::pages::{frequency_words, words};
use crate::policy::{Action, Scope};
use crate::routes::Routes;
use crate::session::Principal;

/// A route as a clinician says it ("by mouth").
fn route_words(route: Route) -> String {
    words().get(&format!("route-{}", route.code()))
}

/// The section: the medications recorded, with "Entered in error?" beside each, and the form.
pub(crate) fn section(
    principal: &Principal,
    subject: &Subject,
    conmeds: &[Stored<ConcomitantMedication>],
    typed: Option<&Typed>,
) -> Markup {
    let code = &subject.data.code;
    let enters = principal
        .require(Action::EnterVisitData, Some(&subject.data.site))
        .is_ok();
    let back = format!("/subjects/{code}#conmeds");
    let words = words();
    let drugs: Vec<(&str, String)> = std::iter::once(("", words.get("conmed-choose")))
        .chain(Drug::all().map(|drug| (drug.id(), drug.name().to_owned())))
        .collect();
    let not_known = ("", words.get("conmed-not-known"));
    let units: Vec<(&str, &str)> = DoseUnit::ALL
        .iter()
        .map(|unit| (unit.code(), unit.code()))
        .collect();
    let frequencies: Vec<(&str, String)> = std::iter::once(not_known.clone())
        .chain(
            Frequency::ALL
                .iter()
                .map(|frequency| (frequency.code(), frequency_words(*frequency))),
        )
        .collect();
    let routes: Vec<(&str, String)> = std::iter::once(not_known)
        .chain(
            Route::ALL
                .iter()
                .map(|route| (route.code(), route_words(*route))),
        )
        .collect();
    let empty = Typed::filled([("unit", "mg")]);
    let typed = typed.unwrap_or(&empty);
    let dates = |conmed: &ConcomitantMedication| {
        let start = conmed.start_date.map_or_else(
            || words.get("conmed-start-not-known"),
            |date| date.to_string(),
        );
        match (conmed.end_date, conmed.ongoing) {
            (Some(end), _) => words.format(
                "conmed-taken-until",
                &[("start", start.into()), ("end", end.to_string().into())],
            ),
            (None, true) => words.format("conmed-taken-ongoing", &[("start", start.into())]),
            (None, false) => words.format("conmed-taken-end-unknown", &[("start", start.into())]),
        }
    };
    html! {
        section #conmeds {
            h2 { (words.get("conmed-title")) }
            @if conmeds.is_empty() {
                p { (words.get("conmed-none")) }
            } @else {
                table {
                    thead { tr { th scope="col" { (words.get("conmed-medication")) } th scope="col" { (words.get("conmed-route")) } th scope="col" { (words.get("conmed-taken")) } th scope="col" { (words.get("conmed-why")) } @if enters { th scope="col" { (words.get("conmed-correction")) } } } }
                    tbody {
                        @for conmed in conmeds {
                            tr {
                                td { (crate::pages::dose(conmed.data.verbatim.as_deref().unwrap_or(conmed.data.drug.name()), conmed.data.amount, conmed.data.frequency)) @if conmed.data.verbatim.is_some() { " " small { "(" (conmed.data.drug.name()) ")" } } }
                                td { (conmed.data.route.map_or_else(String::new, route_words)) }
                                td { (dates(&conmed.data)) }
                                td { (conmed.data.indication.as_deref().unwrap_or("")) }
                                @if enters { td { (records::void_form(principal, code, "conmed", conmed.id, conmed.version, &back)) } }
                            }
                        }
                    }
                }
            }
            @if enters {
                form method="post" action={ "/subjects/" (code) "/conmeds" } {
                    (form::token(&principal.csrf_token))
                    (typed.summary(&["drug", "verbatim", "amount", "unit", "frequency", "route", "indication", "start_date", "end_date", "ongoing"]))
                    div.row {
                        (typed.select("drug", &words.get("conmed-medication"), &drugs))
                        (typed.input("verbatim", &words.get("conmed-as-written"), "text"))
                    }
                    div.row {
                        (typed.input("amount", &words.get("conmed-amount"), "text"))
                        (typed.select("unit", &words.get("conmed-unit"), &units))
                        (typed.select("frequency", &words.get("conmed-how-often"), &frequencies))
                        (typed.select("route", &words.get("conmed-route"), &routes))
                    }
                    div.row {
                        (typed.input("indication", &words.get("conmed-why-optional"), "text"))
                        (typed.input("start_date", &words.get("conmed-started"), "date"))
                        (typed.input("end_date", &words.get("conmed-stopped"), "date"))
                        (typed.checkbox("ongoing", &words.get("conmed-still-taken")))
                    }
                    button type="submit" { (words.get("conmed-record")) }
                }
            }
        }
    }
}

pub(crate) async fn add(
    State(state): State<AppState>,
    access: SubjectAccess,
    axum::Form(pairs): Posted,
) -> Result<Response, PageError> {
    let read = |typed: &mut Typed, subject_id| {
        let drug = ConcomitantMedication::drug_named(typed.get("drug"))
            .map_err(|error| typed.refused(error))
            .ok();
        let dose = ConcomitantMedication::dose_named(
            typed.get("amount"),
            typed.get("unit"),
            typed.get("frequency"),
            typed.get("route"),
        )
        .map_err(|error| typed.refused(error))
        .ok();
        let start_date = typed.optional_date("start_date");
        let end_date = typed.optional_date("end_date");
        let dose = dose?;
        Some(ConcomitantMedication {
            subject_id,
            drug: drug?,
            verbatim: note(typed, "verbatim"),
            amount: dose.amount,
            frequency: dose.frequency,
            route: dose.route,
            indication: note(typed, "indication"),
            start_date: start_date?,
            end_date: end_date?,
            ongoing: typed.checked("ongoing"),
        })
    };
    let shown = |typed| Forms {
        conmed: Some(typed),
        ..Forms::default()
    };
    save(&state, access, "conmeds", pairs, read, shown).await
}

/// A new concomitant medication.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes.post(
        "/subjects/{code}/conmeds",
        Scope::Subject(Action::EnterVisitData),
        add,
    )
}
