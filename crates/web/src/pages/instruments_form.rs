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

/// "Not assessed": kept apart from 0 (missing is not zero, §1.5). A grid cell takes `n` (or
/// `nd`); a choice offers it by name.
const NOT_ASSESSED: (&str, &str) = ("nd", "not assessed");

/// The grid cell's "not examined", as typed.
const NOT_EXAMINED_CELL: &str = "n";

/// The box that says blank cells were examined and are clear: a blank is otherwise not yet
/// entered, never silently 0.
pub(crate) const BLANK_IS_CLEAR: &str = "blank_is_clear";

/// What a blank item means when the grid is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blanks {
    /// Saving: a blank is refused unless the form's box says blanks are clear.
    AsTicked,
    /// Live totals while typing: blanks count as clear, and are counted.
    Clear,
}

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

/// Reads the grid into a `Clasi`, or leaves a message next to each field that is not a level;
/// the number of blank items comes back beside it.
pub(crate) fn read_clasi(typed: &mut Typed, blanks: Blanks) -> (Option<Clasi>, usize) {
    let mut json = serde_json::Map::new();
    let mut areas = serde_json::Map::new();
    let mut blank = 0;
    let clear = blanks == Blanks::Clear || typed.checked(BLANK_IS_CLEAR);
    for (name, item, levels) in clasi_fields() {
        let text = typed.get(&name).to_ascii_lowercase();
        let value = if text == NOT_ASSESSED.0 || text == NOT_EXAMINED_CELL {
            serde_json::Value::Null
        } else if text.is_empty() {
            blank += 1;
            serde_json::Value::from(0)
        } else {
            match text
                .parse::<u8>()
                .ok()
                .filter(|level| check_item(item, *level).is_ok())
            {
                Some(level) => serde_json::Value::from(level),
                None => {
                    let allowed: Vec<&str> = levels.iter().map(|(code, _)| *code).collect();
                    typed.fail(
                        &name,
                        format!(
                            "'{text}' is not a level of this item; allowed: {}, or n (not \
                             examined)",
                            allowed.join(", ")
                        ),
                    );
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
    if blank > 0 && !clear {
        typed.fail(
            BLANK_IS_CLEAR,
            format!(
                "{blank} item{} blank: type a level, or n where not examined, in each; or tick \
                 this box if they were examined and are clear",
                if blank == 1 { " is" } else { "s are" }
            ),
        );
    }
    let lasts = match typed.get(LASTS_12_MONTHS) {
        "yes" => serde_json::Value::Bool(true),
        "no" => serde_json::Value::Bool(false),
        "unknown" => serde_json::Value::Null,
        _ => {
            typed.fail(LASTS_12_MONTHS, "answer yes, no or unknown");
            return (None, blank);
        }
    };
    json.insert(LASTS_12_MONTHS.to_owned(), lasts);
    json.insert("areas".to_owned(), serde_json::Value::Object(areas));
    if typed.has_errors() {
        return (None, blank);
    }
    match serde_json::from_value(serde_json::Value::Object(json)) {
        Ok(clasi) => (Some(clasi), blank),
        Err(error) => {
            typed.fail("clasi", error.to_string());
            (None, blank)
        }
    }
}

/// The grid filled from a stored assessment.
pub(crate) fn clasi_values(clasi: &Clasi) -> Typed {
    let json = serde_json::to_value(clasi).unwrap_or_default();
    let level = |value: Option<&serde_json::Value>, unassessed: &str| match value
        .and_then(serde_json::Value::as_u64)
    {
        Some(level) => level.to_string(),
        None => unassessed.to_owned(),
    };
    let mut typed = Typed::default();
    for (name, item, _) in clasi_fields() {
        let value = match name.strip_suffix(&format!("_{item}")) {
            Some(area) if Area::ALL.iter().any(|known| known.id() == area) => level(
                json.pointer(&format!("/areas/{area}/{item}")),
                NOT_EXAMINED_CELL,
            ),
            _ => level(json.get(&name), NOT_ASSESSED.0),
        };
        typed.set(&name, value);
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

/// The CLASI figures of a grid as typed, for the live display and the page: `activity`,
/// `damage`, `blank` (how many items are blank, counted as clear) and each area's row,
/// `row-<area>-activity` and `row-<area>-damage`.
pub(crate) fn clasi_totals(typed: &Typed) -> Vec<(String, String)> {
    let (clasi, blank) = read_clasi(&mut typed.clone(), Blanks::Clear);
    let text = |value: Option<u8>| value.map_or_else(|| "—".to_owned(), |v| v.to_string());
    let mut figures = vec![
        (
            "activity".to_owned(),
            clasi.map_or_else(|| "—".to_owned(), |c| total_text(c.activity())),
        ),
        (
            "damage".to_owned(),
            clasi.map_or_else(|| "—".to_owned(), |c| total_text(c.damage())),
        ),
        (
            "blank".to_owned(),
            match blank {
                0 => String::new(),
                1 => "1 item blank, counted as clear".to_owned(),
                n => format!("{n} items blank, counted as clear"),
            },
        ),
    ];
    for area in Area::ALL {
        let (activity, damage) = clasi.map_or((None, None), |c| c.areas.row(area));
        figures.push((format!("row-{}-activity", area.id()), text(activity)));
        figures.push((format!("row-{}-damage", area.id()), text(damage)));
    }
    figures
}

/// One figure of [`clasi_totals`].
fn figure<'a>(figures: &'a [(String, String)], key: &str) -> &'a str {
    figures
        .iter()
        .find(|(name, _)| name == key)
        .map_or("", |(_, value)| value.as_str())
}

/// The grid as the paper form lays it out: the activity and the damage columns grouped, each
/// area's row summed beside it, the totals above the grid and kept in view while it scrolls.
/// A cell takes a digit, `n` for not examined, or nothing yet; the arrow keys move between
/// cells (`app.js`) and never change a value.
/// `queried` are the fields (with their question) an open data query asks about: their cells
/// are marked and carry the question.
pub(crate) fn clasi_grid(typed: &Typed, queried: &[(String, String)]) -> Markup {
    let question = |name: &str| {
        queried
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, question)| format!("Data query: {question}"))
    };
    let figures = clasi_totals(typed);
    let with_nd = |levels: &[(&'static str, &'static str)]| {
        let mut options = vec![("", "— not yet entered")];
        options.extend_from_slice(levels);
        options.push(NOT_ASSESSED);
        options
    };
    html! {
        p.totals aria-live="polite" {
            "Activity " output data-out="activity" { (figure(&figures, "activity")) } " / 70 · "
            "Damage " output data-out="damage" { (figure(&figures, "damage")) } " / 56 "
            output.blank data-out="blank" { (figure(&figures, "blank")) }
        }
        dl.levels {
            @for (_, header, levels) in COLUMNS {
                dt { (header) }
                dd { @for (index, (_, meaning)) in levels.iter().enumerate() { @if index > 0 { " · " } (meaning) } }
            }
            dt { "n" } dd { "not examined (kept apart from 0: a total that needs it stays blank)" }
        }
        table.grid {
            caption { "Score each area by its worst lesion: type the level, n where not examined. Arrow keys and Tab move between cells." }
            colgroup { col.area; }
            colgroup.activity span="2" {}
            colgroup.damage span="2" {}
            colgroup.row span="2" {}
            thead {
                tr {
                    td rowspan="2" {}
                    th scope="colgroup" colspan="2" { "Activity" }
                    th scope="colgroup" colspan="2" { "Damage" }
                    th scope="colgroup" colspan="2" { "This area" }
                }
                tr {
                    @for (_, header, _) in COLUMNS { th scope="col" { (header) } }
                    th scope="col" { "Activity" }
                    th scope="col" { "Damage" }
                }
            }
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
                                    @let top = levels.last().map_or("", |(code, _)| *code);
                                    input.cell.queried[question(&name).is_some()] title=[question(&name)]
                                        type="text" inputmode="numeric" autocomplete="off"
                                        maxlength="2" size="2" id=(name) name=(name) value=(typed.get(&name))
                                        aria-label={ (words().field(&name)) ", 0 to " (top) " or n" }
                                        aria-invalid=[typed.error(&name).map(|_| "true")];
                                    @if let Some(message) = typed.error(&name) {
                                        p.error { (message) }
                                    }
                                }
                            }
                        }
                        td.num { output data-out={ "row-" (area) "-activity" } { (figure(&figures, &format!("row-{area}-activity"))) } }
                        td.num { output data-out={ "row-" (area) "-damage" } { (figure(&figures, &format!("row-{area}-damage"))) } }
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
        (typed.checkbox(BLANK_IS_CLEAR, "Items left blank, in the grid or above, were examined and are clear (0)"))
        @if let Some(message) = typed.error(BLANK_IS_CLEAR) {
            p.error id={ (BLANK_IS_CLEAR) "-error" } { (message) }
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
