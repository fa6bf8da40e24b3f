//! SLEDAI-2K assessments on the generic subject-record path: one yes/no field per descriptor,
//! the recall window, and the score derived by `instruments::sledai`.

use instruments::sledai::{Descriptor, Sledai2k, Window};
use jiff::civil::Date;

use crate::check;
use crate::error::StoreError;
use crate::record::{Sealed, SubjectRecord, not_before_consent};
use crate::schema::{Kind, SLEDAI};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

/// A SLEDAI-2K assessment, at a visit or between visits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SledaiAssessment {
    pub subject_id: i64,
    pub visit_id: Option<i64>,
    pub assessed_on: Date,
    pub sledai: Sledai2k,
}

/// A descriptor's field name: its id in `instruments` (`organic_brain_syndrome`, ...).
fn field_name(descriptor: Descriptor) -> Result<&'static str, StoreError> {
    let id = serde_json::to_value(descriptor).map_err(StoreError::other)?;
    let id = id.as_str().unwrap_or_default();
    SLEDAI
        .field(id)
        .map(|field| field.name)
        .ok_or_else(|| StoreError::corrupt(format!("SLEDAI-2K descriptor {id} has no column")))
}

/// The window's id in `instruments` (`10d`, `30d`).
fn window_id(window: Window) -> Result<String, StoreError> {
    let id = serde_json::to_value(window).map_err(StoreError::other)?;
    Ok(id.as_str().unwrap_or_default().to_owned())
}

impl Sealed for SledaiAssessment {}

impl SubjectRecord for SledaiAssessment {
    /// One SLEDAI-2K per visit: a second is a mistake to correct, not data.
    const ONE_PER_VISIT: bool = true;

    fn kind() -> &'static Kind {
        &SLEDAI
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        self.visit_id
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("assessed_on", self.assessed_on, today)?;
        not_before_consent("assessed_on", self.assessed_on, subject)
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        let mut changes = vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", self.visit_id.map(Value::Int)),
            ("assessed_on", Some(Value::Date(self.assessed_on))),
        ];
        for descriptor in Descriptor::ALL {
            let present = self.sledai.descriptors.contains(&descriptor);
            changes.push((field_name(descriptor)?, Some(Value::Bool(present))));
        }
        changes.push((
            "recall_window",
            Some(Value::Text(window_id(self.sledai.window)?)),
        ));
        changes.push(("score", Some(Value::Int(i64::from(self.sledai.score())))));
        Ok(changes)
    }

    fn from_row(row: &Row) -> Result<SledaiAssessment, StoreError> {
        let mut descriptors = std::collections::BTreeSet::new();
        for descriptor in Descriptor::ALL {
            let name = field_name(descriptor)?;
            if row.need(name, row.flag(name))? {
                descriptors.insert(descriptor);
            }
        }
        let window = row.need("recall_window", row.text("recall_window"))?;
        let window: Window = serde_json::from_value(serde_json::Value::from(window))
            .map_err(|error| StoreError::corrupt(format!("recall_window: {error}")))?;
        Ok(SledaiAssessment {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.int("visit_id"),
            assessed_on: row.need("assessed_on", row.date("assessed_on"))?,
            sledai: Sledai2k {
                descriptors,
                window,
            },
        })
    }
}
