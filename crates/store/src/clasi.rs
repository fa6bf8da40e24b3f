//! CLASI assessments at a visit, item by item. The items are `instruments::clasi::Clasi`, so
//! an out-of-range item cannot reach the store; totals are derived by `instruments`.

use std::collections::BTreeMap;

use instruments::clasi::Clasi;
use jiff::civil::Date;

use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::error::StoreError;
use crate::people::{require_data_entry, site_by_code};
use crate::schema::CLASI;
use crate::signatures::void_for_visit;
use crate::value::Value;
use crate::writer::{self, Changes, Reason, Row, Writer};

/// A stored CLASI assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClasiAssessment {
    pub id: i64,
    pub version: i64,
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

fn assessment_from(id: i64, row: &Row) -> Result<ClasiAssessment, StoreError> {
    let int = |field: &str| row.get(field).and_then(Value::as_int).unwrap_or_default();
    Ok(ClasiAssessment {
        id,
        version: row.version,
        subject_id: int("subject_id"),
        visit_id: int("visit_id"),
        assessed_on: row
            .get("assessed_on")
            .and_then(Value::as_date)
            .unwrap_or_default(),
        clasi: clasi_from(row)?,
    })
}

impl Store {
    /// The checks every CLASI write shares: the visit is live, the date is past and not before
    /// consent, and `actor` enters data at the subject's site. Returns the subject's id.
    async fn check_clasi(
        &self,
        writer: &mut Writer,
        actor: &Actor,
        visit_id: i64,
        assessed_on: Date,
    ) -> Result<i64, StoreError> {
        let visit = self.visit(visit_id).await?;
        let subject = self.subject(visit.subject_id).await?;
        check::not_future("assessed_on", assessed_on, check::today())?;
        match subject.data.consent_date {
            Some(consent) if assessed_on >= consent => {}
            Some(consent) => {
                return Err(StoreError::invalid(
                    "assessed_on",
                    format!("is before consent ({consent})"),
                ));
            }
            None => {
                return Err(StoreError::invalid(
                    "assessed_on",
                    "the subject has no consent date",
                ));
            }
        }
        let (site_id, _) = site_by_code(writer.tx(), &subject.data.site).await?;
        require_data_entry(writer.tx(), actor, site_id).await?;
        Ok(subject.id)
    }

    /// Records a CLASI assessment at a visit.
    pub async fn add_clasi(
        &self,
        actor: &Actor,
        visit_id: i64,
        assessed_on: Date,
        clasi: &Clasi,
    ) -> Result<ClasiAssessment, StoreError> {
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let subject_id = self
            .check_clasi(&mut writer, actor, visit_id, assessed_on)
            .await?;
        let mut changes = vec![
            ("subject_id", Some(Value::Int(subject_id))),
            ("visit_id", Some(Value::Int(visit_id))),
            ("assessed_on", Some(Value::Date(assessed_on))),
        ];
        changes.extend(item_changes(clasi)?);
        let id = writer.create(&CLASI, changes).await?;
        void_for_visit(
            &mut writer,
            visit_id,
            &Reason::new("a CLASI assessment was added")?,
        )
        .await?;
        writer.commit().await?;
        self.clasi(id).await
    }

    /// Changes a CLASI assessment; only the items that differ make events.
    pub async fn update_clasi(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        assessed_on: Date,
        clasi: &Clasi,
        reason: &str,
    ) -> Result<ClasiAssessment, StoreError> {
        let reason = Reason::new(reason)?;
        let current = self.clasi(id).await?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        self.check_clasi(&mut writer, actor, current.visit_id, assessed_on)
            .await?;
        let mut changes = vec![("assessed_on", Some(Value::Date(assessed_on)))];
        changes.extend(item_changes(clasi)?);
        let version = writer
            .update(&CLASI, id, based_on, &reason, changes)
            .await?;
        if version != based_on {
            void_for_visit(&mut writer, current.visit_id, &reason).await?;
        }
        writer.commit().await?;
        self.clasi(id).await
    }

    pub async fn clasi(&self, id: i64) -> Result<ClasiAssessment, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = writer::load(&mut tx, &CLASI, id)
            .await?
            .filter(|row| !row.removed)
            .ok_or_else(|| StoreError::NotFound {
                entity: "clasi",
                id: id.to_string(),
            })?;
        assessment_from(id, &row)
    }
}
