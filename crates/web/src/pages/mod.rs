//! The pages. Their modules mirror the paths they answer (`subjects::visits` answers
//! `/subjects/{code}/visits/...`), each registering its routes with their checks; `layout`,
//! `form`, `instruments_form` and `error` are the pieces they share.

pub(crate) mod account;
mod assets;
pub(crate) mod dashboard;
pub(crate) mod downloads;
mod error;
pub(crate) mod form;
pub(crate) mod instruments_form;
pub(crate) mod layout;
pub(crate) mod live;
pub(crate) mod login;
pub(crate) mod patient;
pub(crate) mod reading;
pub(crate) mod screening;
pub(crate) mod subjects;
pub(crate) mod worklists;

use instruments::medication::{Amount, DoseUnit, Frequency, Regimen};

use crate::error::PageError;
use crate::routes::Routes;
use crate::session::Principal;

/// Every page, each registered by the module that answers it with the check it makes; the
/// modules mirror the paths (`subjects::visits::dose` answers `/subjects/{code}/visits/{visit}/dose`).
pub(crate) fn routes() -> Routes {
    Routes::new()
        .with(assets::routes)
        .with(login::routes)
        .with(account::routes)
        .with(dashboard::routes)
        .with(screening::routes)
        .with(subjects::routes)
        .with(worklists::routes)
        .with(reading::routes)
        .with(downloads::routes)
        .with(live::routes)
        .with(patient::routes)
}

/// The catalogue the pages' words come from: the language of the request being answered.
pub(crate) fn words() -> &'static words::Words {
    crate::locale::words()
}

/// A form posted by `principal` (whom the route's check already let through, so a refused user
/// learns nothing from the form): its CSRF token checked and its one-time token spent, then
/// what was posted.
pub(crate) fn received(
    principal: &Principal,
    pairs: Vec<(String, String)>,
) -> Result<form::Typed, PageError> {
    let typed = form::Typed::posted(pairs);
    principal.check_form_token(typed.get("csrf"))?;
    form::spend(&typed)?;
    Ok(typed)
}

/// A dose as the reader says it: the drug (or its name as written), the amount and unit as
/// written with the language's decimal mark, how often in the reader's words ("Lenalidomide
/// 2,5 mg en días alternos"); what is not known is left out.
pub(crate) fn dose(
    name: &str,
    amount: Option<(Amount, DoseUnit)>,
    frequency: Option<Frequency>,
) -> String {
    let words = words();
    let mut said = name.to_owned();
    if let Some((amount, unit)) = amount {
        let amount = amount
            .text_in(unit)
            .replace('.', &words.get("decimal-mark"));
        said.push_str(&format!(" {amount} {unit}"));
    }
    if let Some(frequency) = frequency {
        said.push(' ');
        said.push_str(&frequency_words(frequency));
    }
    said
}

/// A frequency as a clinician says it, by its NCI code in the catalogue ("en días alternos").
pub(crate) fn frequency_words(frequency: Frequency) -> String {
    words().get(&format!("frequency-{}", frequency.nci_code()))
}

/// A regimen of a drug, as [`dose`] says it.
pub(crate) fn regimen(regimen: &Regimen) -> String {
    dose(
        regimen.drug.name(),
        Some((regimen.amount, regimen.unit)),
        Some(regimen.frequency),
    )
}

/// `text` with its first letter upper case, as a label or a row starts ("week 4" is "Week 4").
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
