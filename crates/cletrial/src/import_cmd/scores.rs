//! CLASI and SLEDAI-2K rows: one column per item, as a REDCap instrument exports them. The
//! cells are put into the instrument's JSON document and read by `instruments::input`, the
//! reader of the API and `cletrial score`, so an item is checked in one place.
//!
//! The item fields are derived from the instruments, never listed here: a CLASI item is
//! `clasi.<area>_<item>` (`clasi.nose_malar_erythema`) or a once-only item by name
//! (`clasi.scarring_alopecia`), as the store names its columns; a SLEDAI-2K descriptor is
//! `sledai.<descriptor id>` (`sledai.low_complement`).

use instruments::clasi::Clasi;
use instruments::input::{InputError, read_clasi, read_sledai};
use instruments::sledai::Descriptor;
use jiff::civil::Date;
use serde_json::Value;
use store::{ClasiAssessment, Missing, SledaiAssessment};

use super::form::Form;
use super::mapping::Cell;
use super::reader::{Reader, parse_flag};
use super::records::RecordForm;

/// One CLASI item as an import field.
#[derive(Clone, Debug)]
pub struct ClasiItem {
    /// `<area>_<item>`, or the once-only item's name.
    pub field: String,
    /// Where it sits in the instrument's JSON document: the area, when it is an area's item.
    area: Option<String>,
    item: String,
    /// A yes/no question (the 12-month dyspigmentation question) rather than a score.
    question: bool,
}

/// Every CLASI item, from the instrument's own document of a clear assessment.
pub fn clasi_items() -> Vec<ClasiItem> {
    let mut items = Vec::new();
    let Ok(Value::Object(document)) = serde_json::to_value(Clasi::clear()) else {
        return items;
    };
    for (key, value) in document {
        match value {
            Value::Object(areas) if key == "areas" => {
                for (area, scores) in areas {
                    for (item, _) in scores.as_object().into_iter().flatten() {
                        items.push(ClasiItem {
                            field: format!("{area}_{item}"),
                            area: Some(area.clone()),
                            item: item.clone(),
                            question: false,
                        });
                    }
                }
            }
            value => items.push(ClasiItem {
                field: key.clone(),
                area: None,
                item: key,
                question: value.is_boolean(),
            }),
        }
    }
    items
}

/// Every SLEDAI-2K descriptor: its id (the field's name) and the descriptor.
pub fn sledai_descriptors() -> Vec<(String, Descriptor)> {
    Descriptor::ALL
        .into_iter()
        .filter_map(|descriptor| {
            let id = serde_json::to_value(descriptor).ok()?;
            Some((id.as_str()?.to_owned(), descriptor))
        })
        .collect()
}

/// A CLASI item's cell as the instrument's document holds it: a score as a number (the
/// instrument refuses one off its scale, or text); `not_done` as null, the instrument's "not
/// assessed". Blank is refused: absent is 0, never blank. The 12-month question is asked only
/// when there is dyspigmentation, so a blank answer is "not asked" (null), which the
/// instrument reads as not mattering when there is none.
fn clasi_cell(reader: &mut Reader<'_>, item: &ClasiItem) -> Option<Value> {
    let field = format!("clasi.{}", item.field);
    match reader.cell(&field) {
        Cell::Blank if item.question => Some(Value::Null),
        Cell::Blank => {
            reader.refuse(
                &field,
                "is blank: write 0 for absent, or the not-done code if it was not assessed",
            );
            None
        }
        Cell::Missing(Missing::NotDone) => Some(Value::Null),
        Cell::Missing(missing) => {
            let reason = format!(
                "'{}' is not allowed: a CLASI item is scored or not assessed (the not-done code)",
                missing.label()
            );
            reader.refuse(&field, reason);
            None
        }
        Cell::Refused(_) => reader.text(&field).map(Value::String),
        Cell::Text(text) if item.question => match parse_flag(text) {
            Ok(answer) => Some(Value::Bool(answer)),
            Err(reason) => {
                reader.refuse(&field, reason);
                None
            }
        },
        Cell::Text(text) => Some(match text.parse::<u64>() {
            Ok(number) => Value::from(number),
            Err(_) => Value::String(text.clone()),
        }),
    }
}

/// The CLASI document of the row's item cells, read by the instrument.
fn read_items(reader: &mut Reader<'_>) -> Option<Clasi> {
    let items = clasi_items();
    let mut areas = serde_json::Map::new();
    let mut document = serde_json::Map::new();
    let mut complete = true;
    for item in &items {
        let Some(value) = clasi_cell(reader, item) else {
            complete = false;
            continue;
        };
        match &item.area {
            Some(area) => {
                let scores = areas
                    .entry(area.clone())
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Value::Object(scores) = scores {
                    scores.insert(item.item.clone(), value);
                }
            }
            None => {
                document.insert(item.item.clone(), value);
            }
        }
    }
    if !complete {
        return None;
    }
    document.insert("areas".to_owned(), Value::Object(areas));
    read_clasi(&Value::Object(document).to_string())
        .map_err(|error| refuse_item(reader, "clasi", &error))
        .ok()
}

/// An instrument's refusal as the cell's: `areas.nose_malar.erythema` is the column of
/// `clasi.nose_malar_erythema`.
fn refuse_item(reader: &mut Reader<'_>, form: &str, error: &InputError) {
    let name = error
        .path
        .strip_prefix("areas.")
        .map_or_else(|| error.path.clone(), |path| path.replace('.', "_"));
    reader.refuse(&format!("{form}.{name}"), error.message.clone());
}

pub struct ClasiForm;

impl RecordForm for ClasiForm {
    type Record = ClasiAssessment;
    const FORM: Form = Form::Clasi;

    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<ClasiAssessment> {
        let assessed_on = reader.required_date("clasi.assessed_on");
        let clasi = read_items(reader);
        Some(ClasiAssessment {
            subject_id,
            visit_id: 0,
            assessed_on: assessed_on?,
            clasi: clasi?,
        })
    }

    fn date(record: &ClasiAssessment) -> Date {
        record.assessed_on
    }

    fn at_visit(record: &mut ClasiAssessment, visit_id: i64) {
        record.visit_id = visit_id;
    }
}

pub struct SledaiForm;

impl RecordForm for SledaiForm {
    type Record = SledaiAssessment;
    const FORM: Form = Form::Sledai;

    /// Each descriptor is present or absent (yes/no); the recall window is `10d` (the
    /// instrument's default, also when blank) or `30d`.
    fn read(reader: &mut Reader<'_>, subject_id: i64) -> Option<SledaiAssessment> {
        let assessed_on = reader.required_date("sledai.assessed_on");
        let mut present = Vec::new();
        let mut complete = true;
        for (id, _) in sledai_descriptors() {
            match reader.required_flag(&format!("sledai.{id}")) {
                Some(true) => present.push(Value::String(id)),
                Some(false) => {}
                None => complete = false,
            }
        }
        let mut document = serde_json::json!({ "descriptors": present });
        if let Some(window) = reader.text("sledai.window") {
            document["window"] = Value::String(window);
        }
        let sledai = if complete {
            read_sledai(&document.to_string())
                .map_err(|error| refuse_item(reader, "sledai", &error))
                .ok()
        } else {
            None
        };
        Some(SledaiAssessment {
            subject_id,
            visit_id: None,
            assessed_on: assessed_on?,
            sledai: sledai?,
        })
    }

    fn date(record: &SledaiAssessment) -> Date {
        record.assessed_on
    }

    fn at_visit(record: &mut SledaiAssessment, visit_id: i64) {
        record.visit_id = Some(visit_id);
    }
}
