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
use words::Arg;

use crate::pages::form::Typed;
use crate::pages::{capitalised, words};

/// A field's name from the catalogue, as a label starts.
pub(crate) fn label(field: &str) -> String {
    capitalised(&words().field(field))
}

/// An item of the form: its id and its levels (§1.3, §1.4). Its header is `clasi-item-<id>` in
/// the catalogue, and each level's meaning on the form `clasi-level-<id>-<level>`.
type Item = (&'static str, &'static [&'static str]);

/// The per-area columns. The scalp has no scarring column: scalp scarring is scarring alopecia.
const COLUMNS: [Item; 4] = [
    ("erythema", &["0", "1", "2", "3"]),
    ("scale", &["0", "1", "2"]),
    ("dyspigmentation", &["0", "1"]),
    ("scarring", &["0", "1", "2"]),
];

/// The items scored once.
const ONCE: [Item; 4] = [
    ("mucous_membrane", &["0", "1"]),
    ("recent_hair_loss", &["0", "1"]),
    ("nonscarring_alopecia", &["0", "1", "2", "3"]),
    ("scarring_alopecia", &["0", "3", "4", "5", "6"]),
];

/// An item's header in the reader's words.
fn header(item: &str) -> String {
    words().get(&format!("clasi-item-{item}"))
}

/// A level of an item with its meaning on the form ("1 pink, faint").
fn meaning(item: &str, level: &str) -> String {
    words().get(&format!("clasi-level-{item}-{level}"))
}

/// "Not assessed": kept apart from 0 (missing is not zero, §1.5). A grid cell takes `n` (or
/// `nd`); a choice offers it by name.
const NOT_ASSESSED: &str = "nd";

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
fn clasi_fields() -> Vec<(String, &'static str, &'static [&'static str])> {
    let mut fields = Vec::new();
    for area in Area::ALL.map(Area::id) {
        for (item, levels) in COLUMNS {
            if !(area == "scalp" && item == "scarring") {
                fields.push((format!("{area}_{item}"), item, levels));
            }
        }
    }
    for (item, levels) in ONCE {
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
        let value = if text == NOT_ASSESSED || text == NOT_EXAMINED_CELL {
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
                    typed.fail(
                        &name,
                        words().format(
                            "clasi-not-a-level",
                            &[
                                ("text", Arg::from(text.as_str())),
                                ("allowed", Arg::from(levels.join(", "))),
                            ],
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
            words().format("clasi-blank-refused", &[("count", blank.into())]),
        );
    }
    let lasts = match typed.get(LASTS_12_MONTHS) {
        "yes" => serde_json::Value::Bool(true),
        "no" => serde_json::Value::Bool(false),
        "unknown" => serde_json::Value::Null,
        _ => {
            typed.fail(LASTS_12_MONTHS, words().get("clasi-answer-lasts"));
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
            _ => level(json.get(&name), NOT_ASSESSED),
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
    total.map_or_else(
        || words().get("clasi-incomplete"),
        |total| total.to_string(),
    )
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
                n => words().format("clasi-blank-counted", &[("count", n.into())]),
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
            .map(|(_, question)| {
                words().format("clasi-query", &[("question", Arg::from(question.as_str()))])
            })
    };
    let figures = clasi_totals(typed);
    let with_nd = |item: &str, levels: &[&'static str]| {
        let mut options = vec![("", words().get("clasi-not-yet-entered"))];
        options.extend(levels.iter().map(|level| (*level, meaning(item, level))));
        options.push((NOT_ASSESSED, words().get("clasi-not-assessed")));
        options
    };
    html! {
        p.totals aria-live="polite" {
            (words().get("clasi-activity")) " " output data-out="activity" { (figure(&figures, "activity")) } " / 70 · "
            (words().get("clasi-damage")) " " output data-out="damage" { (figure(&figures, "damage")) } " / 56 "
            output.blank data-out="blank" { (figure(&figures, "blank")) }
        }
        dl.levels {
            @for (item, levels) in COLUMNS {
                dt { (header(item)) }
                dd { @for (index, level) in levels.iter().enumerate() { @if index > 0 { " · " } (meaning(item, level)) } }
            }
            dt { "n" } dd { (words().get("clasi-n-means")) }
        }
        table.grid {
            caption { (words().get("clasi-caption")) }
            colgroup { col.area; }
            colgroup.activity span="2" {}
            colgroup.damage span="2" {}
            colgroup.row span="2" {}
            thead {
                tr {
                    td rowspan="2" {}
                    th scope="colgroup" colspan="2" { (words().get("clasi-activity")) }
                    th scope="colgroup" colspan="2" { (words().get("clasi-damage")) }
                    th scope="colgroup" colspan="2" { (words().get("clasi-this-area")) }
                }
                tr {
                    @for (item, _) in COLUMNS { th scope="col" { (header(item)) } }
                    th scope="col" { (words().get("clasi-activity")) }
                    th scope="col" { (words().get("clasi-damage")) }
                }
            }
            tbody {
                @for area in Area::ALL.map(Area::id) {
                    tr {
                        th scope="row" { (words().get(&format!("clasi-area-{area}"))) }
                        @for (item, levels) in COLUMNS {
                            @let name = format!("{area}_{item}");
                            td {
                                @if area == "scalp" && item == "scarring" {
                                    span.missing { (words().get("clasi-see-scarring-alopecia")) }
                                } @else {
                                    @let top = levels.last().copied().unwrap_or_default();
                                    input.cell.queried[question(&name).is_some()] title=[question(&name)]
                                        type="text" inputmode="numeric" autocomplete="off"
                                        maxlength="2" size="2" id=(name) name=(name) value=(typed.get(&name))
                                        aria-label=(words().format("clasi-cell", &[("field", Arg::from(words().field(&name))), ("top", Arg::from(top))]))
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
            @for (item, levels) in ONCE {
                (typed.select(item, &header(item), &with_nd(item, levels)))
            }
            (typed.select(LASTS_12_MONTHS, &words().get("clasi-lasts"),
                &["no", "yes", "unknown"].map(|answer| (answer, words().value("answer", answer)))))
        }
        (typed.checkbox(BLANK_IS_CLEAR, &words().get("clasi-blank-is-clear")))
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
            typed.fail("recall_window", words().get("sledai-choose-window"));
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
            legend { (words().get("sledai-legend")) }
            @for descriptor in Descriptor::ALL {
                @let id = descriptor_id(descriptor);
                (typed.checkbox(&id, &format!("{} ({})", words().field(&id), descriptor.weight())))
            }
        }
        (typed.select("recall_window", &words().get("sledai-window"), &["10d", "30d"].map(|window| (window, words().get(&format!("sledai-window-{window}"))))))
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
            words().format(
                "lab-grade-text",
                &[
                    ("grade", Arg::from(grade.number().to_string())),
                    ("term", Arg::from(term)),
                ],
            )
        }
        Ok(None) if LabTest::from_str(&lab.test).is_ok() => words().get("lab-needs-lln"),
        Ok(None) => words().get("lab-not-graded"),
        Err(error) => error.to_string(),
    }
}

/// A lab as typed, for grading before it is saved (no subject: the grade needs none).
pub(crate) fn typed_lab(typed: &mut Typed) -> Option<LabResult> {
    // "Not done" and its kin are typed in the reader's words, or as the English the file formats use.
    let typed_value = typed.get("value");
    let text = Missing::ALL
        .into_iter()
        .find(|missing| typed_value.eq_ignore_ascii_case(&words().value("missing", missing.code())))
        .map_or_else(
            || typed_value.to_owned(),
            |missing| missing.code().to_owned(),
        );
    let value = Entry::parse(&text, |text| Decimal::parse("value", text));
    let lln = optional_decimal(typed, "lln");
    let uln = optional_decimal(typed, "uln");
    let collected_on = typed.date("collected_on");
    let test = typed.text("test", &words().get("lab-the-test"));
    let unit = typed.text("unit", &words().get("lab-the-unit"));
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
            StoreError::Invalid { message, .. } => message.said(words()),
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
    let choose_test = words().get("lab-choose-test");
    let choose_unit = words().get("lab-choose-unit");
    let mut tests = vec![("", choose_test.as_str())];
    tests.extend(labs.iter().map(|lab| (lab.id.as_str(), lab.text.as_str())));
    let mut units = vec![("", choose_unit.as_str())];
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
            (typed.input("collected_on", &label("collected_on"), "date"))
            (typed.select("test", &label("test"), &tests))
            (typed.input("value", &words().format("lab-value", &[("missing", Arg::from(Missing::ALL.map(|missing| words().value("missing", missing.code())).join(", ")))]), "text"))
            (typed.select("unit", &label("unit"), &units))
            (typed.input("lln", &label("lln"), "text"))
            (typed.input("uln", &label("uln"), "text"))
        }
        p.hint {
            (words().get("lab-units")) " "
            @for (index, lab) in labs.iter().enumerate() {
                @if index > 0 { " · " }
                (lab.text) ": " (lab.units.join(", "))
                @if lab.graded().is_some() { " " (words().get("lab-graded")) }
            }
        }
        p.totals aria-live="polite" { (words().get("lab-grade")) " " output data-out="grade" { (grade) } }
    }
}
