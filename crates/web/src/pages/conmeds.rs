//! Concomitant medications on the subject page: each coded against the drug vocabulary with
//! the words as written beside it, the dose where known, and the dates. The record the decision
//! reads (a medication started or stopped after the start is the change the trial forbade) and
//! the paediatric review's prednisone comes from.

use axum::extract::{Path, State};
use axum::response::Response;
use instruments::medication::{DoseUnit, Drug, Frequency, Route};
use maud::{Markup, html};
use store::{ConcomitantMedication, Stored, Subject};

use crate::AppState;
use crate::error::PageError;
use crate::pages::course::{note, save};
use crate::pages::form::{self, Typed};
use crate::pages::records;
use crate::pages::subjects::Forms;
use crate::policy::Action;
use crate::session::Principal;

type Posted = axum::Form<Vec<(String, String)>>;

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
    let drugs: Vec<(&str, &str)> = std::iter::once(("", "choose a medication"))
        .chain(Drug::all().map(|drug| (drug.id(), drug.name())))
        .collect();
    let not_known = [("", "not known")];
    let units: Vec<(&str, &str)> = DoseUnit::ALL
        .iter()
        .map(|unit| (unit.code(), unit.code()))
        .collect();
    let frequencies: Vec<(&str, &str)> = not_known
        .into_iter()
        .chain(
            Frequency::ALL
                .iter()
                .map(|frequency| (frequency.code(), frequency.words())),
        )
        .collect();
    let routes: Vec<(&str, &str)> = not_known
        .into_iter()
        .chain(Route::ALL.iter().map(|route| (route.code(), route.words())))
        .collect();
    let empty = Typed::filled([("unit", "mg")]);
    let typed = typed.unwrap_or(&empty);
    let dates = |conmed: &ConcomitantMedication| {
        let start = conmed
            .start_date
            .map_or_else(|| "start not known".to_owned(), |date| date.to_string());
        match (conmed.end_date, conmed.ongoing) {
            (Some(end), _) => format!("{start} to {end}"),
            (None, true) => format!("{start}, ongoing"),
            (None, false) => format!("{start}, end not known"),
        }
    };
    html! {
        section #conmeds {
            h2 { "Concomitant medications" }
            @if conmeds.is_empty() {
                p { "None recorded." }
            } @else {
                table {
                    thead { tr { th scope="col" { "Medication" } th scope="col" { "Route" } th scope="col" { "Taken" } th scope="col" { "Why" } @if enters { th scope="col" { "Correction" } } } }
                    tbody {
                        @for conmed in conmeds {
                            tr {
                                td { (conmed.data.words()) @if conmed.data.verbatim.is_some() { " " small { "(" (conmed.data.drug.name()) ")" } } }
                                td { (conmed.data.route.map_or("", Route::words)) }
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
                        (typed.select("drug", "Medication", &drugs))
                        (typed.input("verbatim", "As written (required for other)", "text"))
                    }
                    div.row {
                        (typed.input("amount", "Amount per dose", "text"))
                        (typed.select("unit", "Unit", &units))
                        (typed.select("frequency", "How often", &frequencies))
                        (typed.select("route", "Route", &routes))
                    }
                    div.row {
                        (typed.input("indication", "Why (optional)", "text"))
                        (typed.input("start_date", "Started (blank: not known)", "date"))
                        (typed.input("end_date", "Stopped", "date"))
                        (typed.checkbox("ongoing", "Still taken"))
                    }
                    button type="submit" { "Record medication" }
                }
            }
        }
    }
}

pub(crate) async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
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
    save(&state, &principal, &code, "conmeds", pairs, read, shown).await
}
