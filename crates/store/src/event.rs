//! One audit event, its canonical bytes and its place in the SHA-256 chain.
//!
//! The hash of event `n` is SHA-256 over the canonical serialisation of all its columns,
//! including `prev_hash`, the hash of event `n - 1` (64 zeros for the first event). Changing,
//! removing or reordering any event therefore changes every later hash.

use sha2::{Digest, Sha256};

use crate::db::{Arg, Tx, Values};
use crate::error::StoreError;
use crate::value::{Ty, Value};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the serialisation, so a future format can coexist with this one.
const FORMAT: &str = "cletrial-audit-v1";

/// What an event did to its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// First entry of one field (one event per non-blank field).
    Create,
    /// A change of one field: old value, new value and reason.
    Update,
    /// The record is withdrawn from current state (never deleted), with a reason.
    Remove,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Remove => "remove",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        [Action::Create, Action::Update, Action::Remove]
            .into_iter()
            .find(|action| action.as_str() == text)
    }
}

/// One row of the audit trail, exactly as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// 1, 2, 3, ... without gaps.
    pub seq: i64,
    /// UTC, RFC 3339 with microseconds (`2026-11-22T01:02:03.000004Z`).
    pub recorded_at: String,
    /// The login of the user who made the change.
    pub actor: String,
    pub site_id: Option<i64>,
    pub subject_id: Option<i64>,
    /// The kind of record (`subject`, `visit`, ...).
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    /// The field, for create and update events.
    pub field: Option<String>,
    /// Canonical text of the value before (`None`: blank or first entry).
    pub old_value: Option<String>,
    /// Canonical text of the value after (`None`: blank).
    pub new_value: Option<String>,
    /// Why; required for every event after first entry.
    pub reason: Option<String>,
    /// The record's version after this event.
    pub version: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The bytes the hash covers: a JSON array of every column but `hash`, in a fixed order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::json!([
            FORMAT,
            self.seq,
            self.recorded_at,
            self.actor,
            self.site_id,
            self.subject_id,
            self.entity,
            self.entity_id,
            self.action,
            self.field,
            self.old_value,
            self.new_value,
            self.reason,
            self.version,
            self.prev_hash,
        ])
        .to_string()
        .into_bytes()
    }

    /// The SHA-256 of the canonical bytes, as lowercase hex.
    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }
}

pub(crate) const COLUMNS: &str = "seq, recorded_at, actor, site_id, subject_id, entity, entity_id, \
     action, field, old_value, new_value, reason, version, prev_hash, hash";

pub(crate) const TYPES: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Int,
    Ty::Int,
    Ty::Text,
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Int,
    Ty::Text,
    Ty::Text,
];

fn text(values: &mut std::vec::IntoIter<Option<Value>>) -> Option<String> {
    match values.next().flatten() {
        Some(Value::Text(text)) => Some(text),
        _ => None,
    }
}

fn int(values: &mut std::vec::IntoIter<Option<Value>>) -> Option<i64> {
    values.next().flatten().and_then(|value| value.as_int())
}

/// Reads a row selected with [`COLUMNS`] and [`TYPES`].
pub(crate) fn from_row(row: Values) -> Event {
    let mut values = row.into_iter();
    Event {
        seq: int(&mut values).unwrap_or_default(),
        recorded_at: text(&mut values).unwrap_or_default(),
        actor: text(&mut values).unwrap_or_default(),
        site_id: int(&mut values),
        subject_id: int(&mut values),
        entity: text(&mut values).unwrap_or_default(),
        entity_id: int(&mut values).unwrap_or_default(),
        action: text(&mut values).unwrap_or_default(),
        field: text(&mut values),
        old_value: text(&mut values),
        new_value: text(&mut values),
        reason: text(&mut values),
        version: int(&mut values).unwrap_or_default(),
        prev_hash: text(&mut values).unwrap_or_default(),
        hash: text(&mut values).unwrap_or_default(),
    }
}

/// Rows per INSERT: 15 arguments each stays under every backend's limit on arguments (SQLite
/// 32,766, PostgreSQL 65,535) and keeps the statement cache small.
const ROWS_PER_INSERT: usize = 100;

/// Appends complete events (hashes already computed), in order, a hundred rows to a statement:
/// one command's events (a CLASI form writes one per item) cost one round trip, not one each.
pub(crate) async fn insert(tx: &mut Tx, events: &[Event]) -> Result<(), StoreError> {
    for chunk in events.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|row| {
                let first = row * 15;
                let marks: Vec<String> = (first + 1..=first + 15)
                    .map(|n| tx.placeholder(n))
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let args: Vec<Arg> = chunk
            .iter()
            .flat_map(|event| {
                [
                    event.seq.into(),
                    event.recorded_at.clone().into(),
                    event.actor.clone().into(),
                    event.site_id.into(),
                    event.subject_id.into(),
                    event.entity.clone().into(),
                    event.entity_id.into(),
                    event.action.clone().into(),
                    event.field.clone().into(),
                    event.old_value.clone().into(),
                    event.new_value.clone().into(),
                    event.reason.clone().into(),
                    event.version.into(),
                    event.prev_hash.clone().into(),
                    event.hash.clone().into(),
                ]
            })
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO audit_event ({COLUMNS}) VALUES {}",
                rows.join(", ")
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Events with `seq > after`, in order, at most `limit`.
/// Every event of the records of `entity` with ids in `(after, last]`, by record and in order
/// (the trail's index on entity and id).
pub(crate) async fn of_records(
    tx: &mut Tx,
    entity: &str,
    after: i64,
    last: i64,
) -> Result<Vec<Event>, StoreError> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM audit_event WHERE entity = $1 AND entity_id > $2 \
                 AND entity_id <= $3 ORDER BY entity_id, seq"
            ),
            &[entity.into(), after.into(), last.into()],
            TYPES,
        )
        .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub(crate) async fn page(
    tx: &mut Tx,
    after: i64,
    limit: i64,
    subject_id: Option<i64>,
    filter: &crate::EventFilter,
) -> Result<Vec<Event>, StoreError> {
    // Stored times are RFC 3339 with microseconds in UTC, so they order as text.
    let time = |time: Option<jiff::Timestamp>| time.map(|time| format!("{time:.6}"));
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM audit_event WHERE seq > $1 \
                 AND ($2 IS NULL OR subject_id = $2) AND ($3 IS NULL OR recorded_at >= $3) \
                 AND ($4 IS NULL OR recorded_at < $4) AND ($5 IS NULL OR entity = $5) \
                 AND ($6 IS NULL OR field = $6) AND ($7 IS NULL OR actor = $7) \
                 ORDER BY seq LIMIT $8"
            ),
            &[
                after.into(),
                subject_id.into(),
                time(filter.since).into(),
                time(filter.until).into(),
                filter.entity.clone().into(),
                filter.field.clone().into(),
                filter.actor.clone().into(),
                limit.into(),
            ],
            TYPES,
        )
        .await?;
    Ok(rows.into_iter().map(from_row).collect())
}
