//! Readable names for the audit trail: beside the numeric ids of an event, the site's code, the
//! subject's pseudonymous study id and a short label of the record (a visit's name, a lab's
//! test, a user's login ...), as they stand now. Never a person's name: subjects appear only
//! under their study id.

use std::collections::HashMap;

use crate::db::Tx;
use crate::error::StoreError;
use crate::event::Event;
use crate::schema::{self, SITE, SUBJECT};
use crate::value::Value;
use crate::writer;
use crate::{EventFilter, Store};

/// An audit event with the names of what it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedEvent {
    pub event: Event,
    /// The site's code.
    pub site: Option<String>,
    /// The subject's pseudonymous study id.
    pub subject: Option<String>,
    /// A short label of the record the event changed (see [`schema::Kind::label`]).
    pub record: Option<String>,
}

/// Labels looked up once per record.
#[derive(Default)]
struct Labels(HashMap<(&'static str, i64), Option<String>>);

impl Labels {
    async fn of(
        &mut self,
        tx: &mut Tx,
        kind: &'static schema::Kind,
        field: &str,
        id: i64,
    ) -> Result<Option<String>, StoreError> {
        if let Some(label) = self.0.get(&(kind.name, id)) {
            return Ok(label.clone());
        }
        let label = writer::load(tx, kind, id)
            .await?
            .and_then(|row| row.get(field).map(show));
        self.0.insert((kind.name, id), label.clone());
        Ok(label)
    }
}

/// A value as a person reads it (text without JSON quotes).
fn show(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Date(date) => date.to_string(),
        Value::Missing(missing) => missing.label().to_owned(),
        other => other.canonical(),
    }
}

impl Store {
    /// Like [`Store::audit_page`], each event with the site code, the subject's study id and a
    /// label of its record.
    pub async fn audit_page_named(
        &self,
        filter: &EventFilter,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<NamedEvent>, StoreError> {
        let events = self.audit_page(filter, after_seq, limit).await?;
        let mut tx = self.pool.read().await?;
        let mut labels = Labels::default();
        let mut named = Vec::with_capacity(events.len());
        for event in events {
            let site = match event.site_id {
                Some(id) => labels.of(&mut tx, &SITE, "code", id).await?,
                None => None,
            };
            let subject = match event.subject_id {
                Some(id) => labels.of(&mut tx, &SUBJECT, "code", id).await?,
                None => None,
            };
            let record = match schema::kind(&event.entity) {
                Some(
                    kind @ schema::Kind {
                        label: Some(field), ..
                    },
                ) => labels.of(&mut tx, kind, field, event.entity_id).await?,
                _ => None,
            };
            named.push(NamedEvent {
                event,
                site,
                subject,
                record,
            });
        }
        Ok(named)
    }
}
