//! Locking: a monitor (who holds the data manager's rights, see [`crate::Role::parse`]) freezes
//! one record (a form) or a subject's whole casebook once its data are clean; while locked, every
//! change of what the lock covers is refused ([`crate::changed`]) until a monitor unlocks it with
//! a reason. Locking and unlocking are audited changes of the lock record, so the trail shows who
//! froze what and when (ICH E6(R3) 4.2: data are locked before analysis; EDC-ANCHORS.md).

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::db::{Arg, Tx};
use crate::error::StoreError;
use crate::people::require_role;
use crate::record::{Stored, data_record, site_of_subject};
use crate::schema::{Kind, LOCK, QUERY, USER};
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Row, Writer};

/// What a lock covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Locked {
    /// Every record of the subject, the subject record included.
    Casebook,
    /// One record (one form): its kind as the audit trail names it, and its id.
    Record { entity: String, record_id: i64 },
}

/// A lock as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    pub subject_id: i64,
    pub covers: Locked,
    /// Whether it still holds (an unlocked lock stays, for the trail).
    pub locked: bool,
    pub printed_name: String,
    /// UTC, as in the audit trail.
    pub locked_at: String,
}

/// Who locks and unlocks.
fn monitors(role: Role) -> bool {
    role == Role::Monitor
}

fn lock_from(row: &Row) -> Result<Lock, StoreError> {
    let covers = match (row.text("entity"), row.int("record_id")) {
        (None, _) => Locked::Casebook,
        (Some(entity), Some(record_id)) => Locked::Record {
            entity: entity.to_owned(),
            record_id,
        },
        (Some(_), None) => return Err(StoreError::corrupt("a record lock without its record")),
    };
    Ok(Lock {
        subject_id: row.need("subject_id", row.int("subject_id"))?,
        covers,
        locked: row.flag("locked").unwrap_or_default(),
        printed_name: row.text("printed_name").unwrap_or_default().to_owned(),
        locked_at: row.text("locked_at").unwrap_or_default().to_owned(),
    })
}

/// The condition on the lock table of the locks of a subject that hold and cover a record:
/// `$first` is the subject, `$first + 1` and `$first + 2` the record's kind and id (null: any
/// lock that holds). Shared by [`holding`] and `changed`'s one look at what a change meets.
pub(crate) fn holding_where(first: usize) -> String {
    let (subject, entity, record) = (first, first + 1, first + 2);
    format!(
        "subject_id = ${subject} AND locked AND NOT removed \
         AND (${entity} IS NULL OR entity IS NULL OR (entity = ${entity} AND record_id = ${record}))"
    )
}

/// The locks of `subject_id` that hold and cover `record` (with no record: any that hold).
async fn holding(
    tx: &mut Tx,
    subject_id: i64,
    record: Option<(&str, i64)>,
) -> Result<Vec<Stored<Lock>>, StoreError> {
    let (list, types) = writer::select_list(&LOCK);
    let (entity, record_id) = record.map_or((None, None), |(e, id)| (Some(e), Some(id)));
    let rows = tx
        .fetch(
            &format!(
                "SELECT {list} FROM {} WHERE {} ORDER BY id",
                LOCK.table,
                holding_where(1)
            ),
            &[
                subject_id.into(),
                Arg::Text(entity.map(str::to_owned)),
                Arg::Int(record_id),
            ],
            &types,
        )
        .await?;
    stored(rows)
}

fn stored(rows: Vec<Vec<Option<Value>>>) -> Result<Vec<Stored<Lock>>, StoreError> {
    rows.into_iter()
        .map(|values| {
            let (id, row) = writer::row_from(&LOCK, values);
            Ok(Stored {
                id,
                version: row.version,
                data: lock_from(&row)?,
            })
        })
        .collect()
}

/// The refusal of a change to what `lock` covers.
fn refusal(lock: &Lock) -> StoreError {
    let what = match &lock.covers {
        Locked::Casebook => Refusal::of("refusal-locked-casebook"),
        Locked::Record { entity, record_id } => Refusal::of("refusal-locked-record")
            .record("record", entity)
            .with("id", record_id),
    };
    let day = lock.locked_at.get(..10).unwrap_or(&lock.locked_at);
    StoreError::invalid(
        "locked",
        Refusal::of("refusal-locked")
            .phrase("what", what)
            .with("name", &lock.printed_name)
            .with("date", day),
    )
}

/// Refuses a change of `record` of `subject_id` while a lock covers it.
pub(crate) async fn refuse_if_locked(
    tx: &mut Tx,
    subject_id: i64,
    (kind, id): (&'static Kind, i64),
) -> Result<(), StoreError> {
    match holding(tx, subject_id, Some((kind.name, id)))
        .await?
        .first()
    {
        Some(lock) => Err(refusal(&lock.data)),
        None => Ok(()),
    }
}

/// Refuses to lock while a query on what would be locked is still open or answered: the answer
/// may need a correction, which the lock would then refuse.
async fn no_unresolved_queries(
    tx: &mut Tx,
    subject_id: i64,
    covers: &Locked,
) -> Result<(), StoreError> {
    let (entity, record_id) = match covers {
        Locked::Casebook => (None, None),
        Locked::Record { entity, record_id } => (Some(entity.clone()), Some(*record_id)),
    };
    let rows = tx
        .fetch(
            &format!(
                "SELECT id, entity, field FROM {} WHERE subject_id = $1 AND NOT removed \
                 AND status <> 'closed' AND ($2 IS NULL OR (entity = $2 AND record_id = $3)) \
                 ORDER BY id",
                QUERY.table
            ),
            &[subject_id.into(), Arg::Text(entity), Arg::Int(record_id)],
            &[Ty::Int, Ty::Text, Ty::Text],
        )
        .await?;
    let open: Vec<Refusal> = rows
        .iter()
        .filter_map(|row| match row.as_slice() {
            [
                Some(Value::Int(id)),
                Some(Value::Text(entity)),
                Some(Value::Text(field)),
            ] => Some(
                Refusal::of("refusal-open-query")
                    .with("id", id)
                    .record("record", entity)
                    .field("field", field),
            ),
            _ => None,
        })
        .collect();
    if open.is_empty() {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "locked",
            Refusal::of("refusal-open-queries").phrases("queries", open),
        ))
    }
}

impl Store {
    /// Locks `covers` of subject `subject_id`. Only a monitor at the subject's site; refused
    /// while a lock already covers it or a query on it is not closed.
    pub async fn lock(
        &self,
        actor: &Actor,
        subject_id: i64,
        covers: Locked,
    ) -> Result<Stored<Lock>, StoreError> {
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let site_id = site_of_subject(writer.tx(), subject_id).await?;
        require_role(writer.tx(), actor, site_id, monitors, "monitor").await?;
        let record = match &covers {
            Locked::Casebook => None,
            Locked::Record { entity, record_id } => {
                data_record(writer.tx(), subject_id, entity, *record_id).await?;
                Some((entity.as_str(), *record_id))
            }
        };
        if let Some(lock) = holding(writer.tx(), subject_id, record).await?.first() {
            return Err(refusal(&lock.data));
        }
        no_unresolved_queries(writer.tx(), subject_id, &covers).await?;
        let printed_name = writer::load(writer.tx(), &USER, actor.user_id)
            .await?
            .and_then(|user| user.text("printed_name").map(str::to_owned))
            .ok_or(StoreError::AuthenticationFailed)?;
        let (entity, record_id) = match &covers {
            Locked::Casebook => (None, None),
            Locked::Record { entity, record_id } => (Some(entity.clone()), Some(*record_id)),
        };
        let locked_at = writer.recorded_at().to_owned();
        let id = writer
            .create(
                &LOCK,
                vec![
                    ("subject_id", Some(Value::Int(subject_id))),
                    ("entity", entity.map(Value::Text)),
                    ("record_id", record_id.map(Value::Int)),
                    ("locked", Some(Value::Bool(true))),
                    ("locker_id", Some(Value::Int(actor.user_id))),
                    ("printed_name", Some(Value::Text(printed_name))),
                    ("locked_at", Some(Value::Text(locked_at))),
                ],
            )
            .await?;
        writer.commit().await?;
        self.lock_by_id(id).await
    }

    /// Unlocks lock `id` (version `based_on`), saying why; only a monitor at the site.
    pub async fn unlock(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<Stored<Lock>, StoreError> {
        let reason = Reason::new(reason)?;
        let current = self.lock_by_id(id).await?;
        if !current.data.locked {
            return Err(StoreError::invalid(
                "lock",
                Refusal::of("refusal-unlocked-already"),
            ));
        }
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let site_id = site_of_subject(writer.tx(), current.data.subject_id).await?;
        require_role(writer.tx(), actor, site_id, monitors, "monitor").await?;
        writer
            .update(
                &LOCK,
                id,
                based_on,
                &reason,
                vec![("locked", Some(Value::Bool(false)))],
            )
            .await?;
        writer.commit().await?;
        self.lock_by_id(id).await
    }

    async fn lock_by_id(&self, id: i64) -> Result<Stored<Lock>, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = writer::load(&mut tx, &LOCK, id)
            .await?
            .filter(|row| !row.removed)
            .ok_or_else(|| StoreError::NotFound {
                entity: "lock",
                id: id.to_string(),
            })?;
        Ok(Stored {
            id,
            version: row.version,
            data: lock_from(&row)?,
        })
    }

    /// The locks of a subject that hold, oldest first.
    pub async fn locks_of(&self, subject_id: i64) -> Result<Vec<Stored<Lock>>, StoreError> {
        holding(&mut self.pool.read().await?, subject_id, None).await
    }
}
