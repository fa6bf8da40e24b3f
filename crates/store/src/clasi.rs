//! CLASI assessments at a visit, item by item, on the generic subject-record path. The items
//! are `instruments::clasi::Clasi`, so an out-of-range item cannot reach the store; activity
//! and damage are derived by `instruments` and stored beside the items.

use std::collections::BTreeMap;

use instruments::clasi::Clasi;
use jiff::civil::Date;

use crate::check;
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{CLASI, Kind};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

/// A CLASI assessment at a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClasiAssessment {
    pub subject_id: i64,
    pub visit_id: i64,
    pub assessed_on: Date,
    pub clasi: Clasi,
}

impl ClasiAssessment {
    /// Activity 0-70, `None` when an activity item was not assessed.
    pub fn activity(&self) -> Option<u8> {
        self.clasi.activity()
    }

    /// Damage 0-56, `None` when a damage item was not assessed.
    pub fn damage(&self) -> Option<u8> {
        self.clasi.damage()
    }
}

/// The fields that are not items of the form.
const NOT_ITEMS: [&str; 5] = [
    "subject_id",
    "visit_id",
    "assessed_on",
    "activity",
    "damage",
];

/// Walks the form's JSON shape: `areas.<area>.<item>` becomes field `<area>_<item>`, the
/// once-only items keep their names.
fn leaves(json: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    if let Some(object) = json.as_object() {
        for (key, value) in object {
            match (key.as_str(), value.as_object()) {
                ("areas", Some(areas)) => {
                    for (area, items) in areas {
                        for (item, value) in items.as_object().into_iter().flatten() {
                            out.push((format!("{area}_{item}"), value.clone()));
                        }
                    }
                }
                _ => out.push((key.clone(), value.clone())),
            }
        }
    }
    out
}

/// The item fields of `clasi`, with the derived totals.
fn item_changes(clasi: &Clasi) -> Result<Changes, StoreError> {
    let json = serde_json::to_value(clasi).map_err(StoreError::other)?;
    let mut changes = Changes::new();
    for (name, value) in leaves(&json) {
        let field = CLASI
            .field(&name)
            .ok_or_else(|| StoreError::corrupt(format!("CLASI item {name} has no column")))?;
        let value = match value {
            serde_json::Value::Null => None,
            serde_json::Value::Bool(flag) => Some(Value::Bool(flag)),
            serde_json::Value::Number(number) => number.as_i64().map(Value::Int),
            other => return Err(StoreError::corrupt(format!("CLASI item {name} is {other}"))),
        };
        changes.push((field.name, value));
    }
    let total = |score: Option<u8>| score.map(|score| Value::Int(i64::from(score)));
    changes.push(("activity", total(clasi.activity())));
    changes.push(("damage", total(clasi.damage())));
    Ok(changes)
}

/// Reads the items back into a `Clasi`, which checks every level again.
fn clasi_from(row: &Row) -> Result<Clasi, StoreError> {
    let fields: BTreeMap<String, serde_json::Value> = CLASI
        .fields
        .iter()
        .filter(|field| !NOT_ITEMS.contains(&field.name))
        .map(|field| {
            let value = match row.get(field.name) {
                None => serde_json::Value::Null,
                Some(Value::Int(number)) => serde_json::Value::from(*number),
                Some(Value::Bool(flag)) => serde_json::Value::from(*flag),
                Some(other) => serde_json::Value::from(other.canonical()),
            };
            (field.name.to_owned(), value)
        })
        .collect();
    // Rebuild the form's shape from the template of a clear assessment.
    let mut json = serde_json::to_value(Clasi::clear()).map_err(StoreError::other)?;
    if let Some(object) = json.as_object_mut() {
        for (key, value) in object.iter_mut() {
            match value.as_object_mut() {
                Some(areas) if key == "areas" => {
                    for (area, items) in areas.iter_mut() {
                        for (item, slot) in items.as_object_mut().into_iter().flatten() {
                            *slot = fields
                                .get(&format!("{area}_{item}"))
                                .cloned()
                                .unwrap_or_default();
                        }
                    }
                }
                _ => *value = fields.get(key).cloned().unwrap_or_default(),
            }
        }
    }
    serde_json::from_value(json)
        .map_err(|error| StoreError::corrupt(format!("stored CLASI does not read back: {error}")))
}

impl Sealed for ClasiAssessment {}

impl SubjectRecord for ClasiAssessment {
    /// One CLASI form per visit (one SLEDAI-2K): a second is a mistake to correct, not data.
    const ONE_PER_VISIT: bool = true;

    fn kind() -> &'static Kind {
        &CLASI
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        Some(self.visit_id)
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("assessed_on", self.assessed_on, today)?;
        not_before_consent("assessed_on", self.assessed_on, subject)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let mut changes = vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", Some(Value::Int(self.visit_id))),
            ("assessed_on", Some(Value::Date(self.assessed_on))),
        ];
        changes.extend(item_changes(&self.clasi)?);
        Ok(changes)
    }

    fn from_row(row: &Row) -> Result<ClasiAssessment, StoreError> {
        Ok(ClasiAssessment {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.need("visit_id", row.int("visit_id"))?,
            assessed_on: row.need("assessed_on", row.date("assessed_on"))?,
            clasi: clasi_from(row)?,
        })
    }
}
