//! The paper forms clinicians know, as form fields: CLASI as the 13-area grid, the SLEDAI-2K
//! checklist, and a lab result with its CTCAE grade. Each reads a posted form into the
//! instrument's own type (which refuses what the scale does not have), naming the field.
//! Field names are the store's (`<area>_<item>`, descriptor ids), so the same names carry from
//! the form to the audit trail.

use std::collections::BTreeSet;
use std::str::FromStr;

use instruments::clasi::{
    Area, Clasi, Dyspigmentation, Erythema, ItemError, MucousMembrane, NonScarringAlopecia,
    RecentHairLoss, Scale, Scarring, ScarringAlopecia,
};
use instruments::ctcae::LabTest;
use instruments::sledai::{Descriptor, Sledai2k, Window};
use maud::{Markup, html};
use protocol::Protocol;
use protocol::model::LabSpec;
use store::{Decimal, Entry, LabResult, Missing, StoreError};

use crate::pages::form::Typed;
use crate::pages::words;

/// The per-area columns: item id, header, and the levels with their meaning on the form (§1.3,
/// §1.4). The scalp has no scarring column: scalp scarring is scarring alopecia.
/// A level's value and its meaning on the form.
type Levels = &'static [(&'static str, &'static str)];

/// An item: its id, its label and its levels.
type Item = (&'static str, &'static str, Levels);

const COLUMNS: [Item; 4] = [
    (
        "erythema",
        "Erythema",
        &[
            ("0", "0 absent"),
            ("1", "1 pink, faint"),
            ("2", "2 red"),
            ("3", "3 dark red, violaceous, crusted"),
        ],
    ),
    (
        "scale",
        "Scale / hypertrophy",
        &[
            ("0", "0 absent"),
            ("1", "1 scale"),
            ("2", "2 verrucous, hypertrophic"),
        ],
    ),
    (
        "dyspigmentation",
        "Dyspigmentation",
        &[("0", "0 absent"), ("1", "1 dyspigmentation")],
    ),
    (
        "scarring",
        "Scarring / atrophy / panniculitis",
        &[
            ("0", "0 absent"),
            ("1", "1 scarring"),
            ("2", "2 severely atrophic scarring or panniculitis"),
        ],
    ),
];

/// The items scored once: id, label, levels (§1.3, §1.4).
const ONCE: [Item; 4] = [
    (
        "mucous_membrane",
        "Mucous membrane lesions",
        &[("0", "0 absent"), ("1", "1 lesion or ulceration")],
    ),
    (
        "recent_hair_loss",
        "Recent hair loss (within the last 30 days)",
        &[("0", "0 no"), ("1", "1 yes")],
    ),
    (
        "nonscarring_alopecia",
        "Non-scarring alopecia",
        &[
            ("0", "0 absent"),
            ("1", "1 diffuse, non-inflammatory"),
            ("2", "2 focal or patchy in one quadrant"),
            ("3", "3 focal or patchy in more than one quadrant"),
        ],
    ),
    (
        "scarring_alopecia",
        "Scarring of the scalp (scarring alopecia, judged clinically)",
        &[
            ("0", "0 absent"),
            ("3", "3 in one quadrant"),
            ("4", "4 in two quadrants"),
            ("5", "5 in three quadrants"),
            ("6", "6 affects the whole skull"),
        ],
    ),
];

/// "Not assessed": kept apart from 0 (missing is not zero, §1.5).
const NOT_ASSESSED: (&str, &str) = ("nd", "not assessed");

/// The dyspigmentation duration question (§1.5: doubles the dyspigmentation sum).
const LASTS_12_MONTHS: &str = "dyspigmentation_lasts_12_months";

/// Every CLASI field of the grid and its levels.
fn clasi_fields() -> Vec<(String, &'static str, Levels)> {
    let mut fields = Vec::new();
    for area in Area::ALL.map(Area::id) {
        for (item, _, levels) in COLUMNS {
            if !(area == "scalp" && item == "scarring") {
                fields.push((format!("{area}_{item}"), item, levels));
            }
        }
    }
    for (item, _, levels) in ONCE {
        fields.push((item.to_owned(), item, levels));
    }
    fields
}

/// Checks one item's level with the instrument's own type.
fn check_item(item: &str, level: u8) -> Result<(), ItemError> {
    match item {
        "erythema" => Erythema::new(level).map(drop),
        "scale" => Scale::new(level).map(drop),
        "dyspigmentation" => Dyspigmentation::new(level).map(drop),
        "scarring" => Scarring::new(level).map(drop),
        "mucous_membrane" => MucousMembrane::new(level).map(drop),
        "recent_hair_loss" => RecentHairLoss::new(level).map(drop),
        "nonscarring_alopecia" => NonScarringAlopecia::new(level).map(drop),
        _ => ScarringAlopecia::from_points(level).map(drop),
    }
}

/// Reads the grid into a `Clasi`, or leaves a message next to each field that is not a level.
pub(crate) fn read_clasi(typed: &mut Typed) -> Option<Clasi> {
    let mut json = serde_json::Map::new();
    let mut areas = serde_json::Map::new();
    for (name, item, _) in clasi_fields() {
        let text = typed.get(&name).to_owned();
        let value = if text == NOT_ASSESSED.0 {
            serde_json::Value::Null
        } else {
            match text
                .parse::<u8>()
                .map_err(|_| text.clone())
                .and_then(|level| {
                    check_item(item, level)
                        .map(|()| level)
                        .map_err(|error| error.to_string())
                }) {
                Ok(level) => serde_json::Value::from(level),
                Err(message) => {
                    typed.fail(&name, format!("not a level of this item ({message})"));
                    continue;
                }
            }
        };
        match name.strip_suffix(&format!("_{item}")) {
            Some(area) if Area::ALL.iter().any(|known| known.id() == area) => {
                areas
                    .entry(area)
                    .or_insert_with(|| serde_json::json!({}))
                    .as_object_mut()
                    .map(|items| items.insert(item.to_owned(), value));
            }
            _ => {
                json.insert(name, value);
            }
        }
    }
    let lasts = match typed.get(LASTS_12_MONTHS) {
        "yes" => serde_json::Value::Bool(true),
        "no" => serde_json::Value::Bool(false),
        "unknown" => serde_json::Value::Null,
        _ => {
            typed.fail(LASTS_12_MONTHS, "answer yes, no or unknown");
            return None;
        }
    };
    json.insert(LASTS_12_MONTHS.to_owned(), lasts);
    json.insert("areas".to_owned(), serde_json::Value::Object(areas));
    if typed.has_errors() {
        return None;
    }
    match serde_json::from_value(serde_json::Value::Object(json)) {
        Ok(clasi) => Some(clasi),
        Err(error) => {
            typed.fail("clasi", error.to_string());
            None
        }
    }
}

/// The grid filled from a stored assessment (`None`: a new one, every item absent).
pub(crate) fn clasi_values(clasi: &Clasi) -> Typed {
    let json = serde_json::to_value(clasi).unwrap_or_default();
    let level = |value: Option<&serde_json::Value>| match value.and_then(serde_json::Value::as_u64)
    {
        Some(level) => level.to_string(),
        None => NOT_ASSESSED.0.to_owned(),
    };
    let mut typed = Typed::default();
    for (name, item, _) in clasi_fields() {
        let value = match name.strip_suffix(&format!("_{item}")) {
            Some(area) if Area::ALL.iter().any(|known| known.id() == area) => {
                json.pointer(&format!("/areas/{area}/{item}"))
            }
            _ => json.get(&name),
        };
        typed.set(&name, level(value));
    }
    let lasts = match clasi.dyspigmentation_lasts_12_months {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    typed.set(LASTS_12_MONTHS, lasts);
    typed
}

/// A total, or "incomplete" when an item was not assessed.
pub(crate) fn total_text(total: Option<u8>) -> String {
    total.map_or_else(|| "incomplete".to_owned(), |total| total.to_string())
}

/// The CLASI totals of a posted grid, for the live display: `activity`, `damage`.
pub(crate) fn clasi_totals(typed: &mut Typed) -> Vec<(&'static str, String)> {
    match read_clasi(typed) {
        Some(clasi) => vec![
            ("activity", total_text(clasi.activity())),
            ("damage", total_text(clasi.damage())),
        ],
        None => vec![("activity", "—".to_owned()), ("damage", "—".to_owned())],
    }
}

/// The grid. `readonly` shows a saved version beside the one typed (a conflict).
pub(crate) fn clasi_grid(typed: &Typed, activity: &str, damage: &str) -> Markup {
    let with_nd = |levels: &[(&'static str, &'static str)]| {
        let mut options = levels.to_vec();
        options.push(NOT_ASSESSED);
        options
    };
    html! {
        table.grid {
            caption { "Score each area by its worst lesion. Activity: erythema and scale. Damage: dyspigmentation and scarring." }
            thead { tr {
                th scope="col" { "Anatomical area" }
                @for (_, header, _) in COLUMNS { th scope="col" { (header) } }
            } }
            tbody {
                @for area in Area::ALL.map(Area::id) {
                    tr {
                        th scope="row" { (words().get(&format!("clasi-area-{area}"))) }
                        @for (item, _, levels) in COLUMNS {
                            @let name = format!("{area}_{item}");
                            td {
                                @if area == "scalp" && item == "scarring" {
                                    span.missing { "see scarring alopecia" }
                                } @else {
                                    (typed.bare_select(&name, &words().field(&name), &with_nd(levels)))
                                    @if let Some(message) = typed.error(&name) {
                                        p.error { (message) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        div.once {
            @for (item, label, levels) in ONCE {
                (typed.select(item, label, &with_nd(levels)))
            }
            (typed.select(LASTS_12_MONTHS, "Dyspigmentation usually lasts 12 months or longer (doubles the dyspigmentation score)",
                &[("no", "no"), ("yes", "yes"), ("unknown", "unknown")]))
        }
        p.totals aria-live="polite" {
            "Activity " output data-out="activity" { (activity) } " / 70 · "
            "Damage " output data-out="damage" { (damage) } " / 56"
        }
    }
}

/// Reads the SLEDAI-2K checklist (a descriptor is present when its box is ticked).
pub(crate) fn read_sledai(typed: &mut Typed) -> Option<Sledai2k> {
    let descriptors: BTreeSet<Descriptor> = Descriptor::ALL
        .into_iter()
        .filter(|descriptor| typed.checked(&descriptor_id(*descriptor)))
        .collect();
    let window = match typed.get("recall_window") {
        "10d" => Window::Days10,
        "30d" => Window::Days30,
        _ => {
            typed.fail("recall_window", "choose 10 days or 30 days");
            return None;
        }
    };
    Some(Sledai2k {
        descriptors,
        window,
    })
}

/// A descriptor's id (`organic_brain_syndrome`), the store's field name.
pub(crate) fn descriptor_id(descriptor: Descriptor) -> String {
    serde_json::to_value(descriptor)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The checklist filled from a stored assessment.
pub(crate) fn sledai_values(sledai: &Sledai2k) -> Typed {
    let mut typed = Typed::default();
    for descriptor in &sledai.descriptors {
        typed.set(&descriptor_id(*descriptor), "on");
    }
    let window = match sledai.window {
        Window::Days10 => "10d",
        Window::Days30 => "30d",
    };
    typed.set("recall_window", window);
    typed
}

pub(crate) fn sledai_checklist(typed: &Typed, score: &str) -> Markup {
    html! {
        fieldset.checklist {
            legend { "Descriptors present at the visit or within the recall window (weight in brackets)" }
            @for descriptor in Descriptor::ALL {
                @let id = descriptor_id(descriptor);
                (typed.checkbox(&id, &format!("{} ({})", words().field(&id), descriptor.weight())))
            }
        }
        (typed.select("recall_window", "Recall window", &[("10d", "10 days (SLEDAI-2K)"), ("30d", "30 days (validated variant)")]))
        p.totals aria-live="polite" { "SLEDAI-2K " output data-out="score" { (score) } " / 105" }
    }
}

/// The CTCAE v5.0 grade of a lab as typed, in words (for the live display and the table).
pub(crate) fn lab_grade_text(lab: &LabResult) -> String {
    match lab.ctcae_grade() {
        Ok(Some(grade)) => {
            let term = LabTest::from_str(&lab.test)
                .map(LabTest::term)
                .unwrap_or_default();
            format!("CTCAE {grade} ({term})")
        }
        Ok(None) if LabTest::from_str(&lab.test).is_ok() => {
            "not gradable without the lower limit of normal".to_owned()
        }
        Ok(None) => "not graded by CTCAE from a value".to_owned(),
        Err(error) => error.to_string(),
    }
}

/// A lab as typed, for grading before it is saved (no subject: the grade needs none).
pub(crate) fn typed_lab(typed: &mut Typed) -> Option<LabResult> {
    let value = Entry::parse(typed.get("value"), |text| Decimal::parse("value", text));
    let lln = optional_decimal(typed, "lln");
    let uln = optional_decimal(typed, "uln");
    let collected_on = typed.date("collected_on");
    let test = typed.text("test", "the test");
    let unit = typed.text("unit", "the unit");
    let value = match value {
        Ok(value) => value,
        Err(error) => {
            typed.refused(error).ok()?;
            return None;
        }
    };
    Some(LabResult {
        subject_id: 0,
        visit_id: None,
        collected_on: collected_on?,
        test: test?,
        value,
        unit: unit?,
        lln: lln?,
        uln: uln?,
    })
}

fn optional_decimal(typed: &mut Typed, name: &str) -> Option<Option<Decimal>> {
    let text = typed.get(name).to_owned();
    if text.is_empty() {
        return Some(None);
    }
    match Decimal::parse(name, &text) {
        Ok(value) => Some(Some(value)),
        Err(error) => {
            typed.refused(error).ok()?;
            None
        }
    }
}

/// The CTCAE v5.0 grade of a lab as typed, in words, once its test and unit are coded against
/// the protocol's lab list as the store will code them (so the grade shown is the grade saved);
/// a test or unit the list refuses is said instead. "—" while the form cannot be read.
pub(crate) fn coded_lab_grade_text(typed: &Typed, protocol: Option<&Protocol>) -> String {
    let mut copy = typed.clone();
    let Some(mut lab) = typed_lab(&mut copy) else {
        return "—".to_owned();
    };
    if let Some(protocol) = protocol
        && let Err(error) = lab.code_against(protocol)
    {
        return match error {
            StoreError::Invalid { message, .. } => message,
            other => other.to_string(),
        };
    }
    lab_grade_text(&lab)
}

/// The lab fields: the test chosen among the protocol's labs by their text (never free text),
/// the unit among their units (the store refuses one that does not fit the test, next to the
/// unit), and the units each test takes as a hint. A value that is not among the options (sent
/// by hand) stays shown as sent.
pub(crate) fn lab_fields(typed: &Typed, grade: &str, labs: &[LabSpec]) -> Markup {
    let mut tests = vec![("", "Choose a test")];
    tests.extend(labs.iter().map(|lab| (lab.id.as_str(), lab.text.as_str())));
    let mut units = vec![("", "Choose a unit")];
    for unit in labs.iter().flat_map(|lab| &lab.units) {
        if !units.iter().any(|(seen, _)| *seen == unit.as_str()) {
            units.push((unit.as_str(), unit.as_str()));
        }
    }
    for (name, options) in [("test", &mut tests), ("unit", &mut units)] {
        let sent = typed.get(name);
        if !options.iter().any(|(value, _)| *value == sent) {
            options.push((sent, sent));
        }
    }
    html! {
        div.row {
            (typed.input("collected_on", "Collected on", "date"))
            (typed.select("test", "Test", &tests))
            (typed.input("value", &format!("Value (or {})", Missing::ALL.map(Missing::label).join(", ")), "text"))
            (typed.select("unit", "Unit", &units))
            (typed.input("lln", "Lower limit of normal", "text"))
            (typed.input("uln", "Upper limit of normal", "text"))
        }
        p.hint {
            "Units: "
            @for (index, lab) in labs.iter().enumerate() {
                @if index > 0 { " · " }
                (lab.text) ": " (lab.units.join(", "))
                @if lab.graded().is_some() { " (CTCAE-graded)" }
            }
        }
        p.totals aria-live="polite" { "CTCAE grade: " output data-out="grade" { (grade) } }
    }
}
