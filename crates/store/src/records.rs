//! Records that belong to one subject (labs, dose periods, adverse events): one generic add,
//! change, remove and read path. Each record type supplies its checks and its fields (`record`).

use std::borrow::Cow;

use jiff::civil::Date;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::changed::after_change;
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::record::{Stored, SubjectRecord};
use crate::schema::{Kind, VISIT_RECORDS};
use crate::subjects::entry_in;
use crate::writer::{self, Reason, Row, Writer};

/// Checks `data` (record `id` when it is a change) against its subject and `actor`'s grant at
/// the subject's site, under the writer lock.
async fn check_record<T: SubjectRecord>(
    writer: &mut Writer,
    actor: &Actor,
    data: &T,
    id: Option<i64>,
) -> Result<(), StoreError> {
    let entry = entry_in(writer.tx(), actor, data.subject_id(), data.visit_id()).await?;
    data.check(&entry.subject, check::today())?;
    entry.require_data_entry(actor)?;
    data.entered_by(actor)?;
    if let Some(span) = data.span() {
        no_overlap(writer, data, span, id).await?;
    }
    let Some(visit_id) = data.visit_id() else {
        return Ok(());
    };
    entry.require_visit(visit_id)?;
    if T::ONE_PER_VISIT
        && let Some(existing) = live_at_visit(writer.tx(), T::kind(), visit_id)
            .await?
            .into_iter()
            .find(|existing| Some(*existing) != id)
    {
        return Err(StoreError::Exists {
            entity: T::kind().name,
            id: existing,
        });
    }
    if let Some(key) = data.per_visit_key() {
        let others: Vec<Stored<T>> = records_in(writer.tx(), data.subject_id()).await?;
        if let Some(existing) = others.into_iter().find(|other| {
            Some(other.id) != id
                && other.data.visit_id() == Some(visit_id)
                && other.data.per_visit_key().as_ref() == Some(&key)
        }) {
            return Err(StoreError::Exists {
                entity: T::kind().name,
                id: existing.id,
            });
        }
    }
    Ok(())
}

/// Refuses `data` when another live record of its subject with the same key covers any of its
/// days, naming that record.
async fn no_overlap<T: SubjectRecord>(
    writer: &mut Writer,
    data: &T,
    (key, start, end): (&'static str, Date, Option<Date>),
    id: Option<i64>,
) -> Result<(), StoreError> {
    let others: Vec<Stored<T>> = records_in(writer.tx(), data.subject_id()).await?;
    let clash = others.into_iter().find_map(|other| {
        let (other_key, other_start, other_end) = other.data.span()?;
        let apart = end.is_some_and(|end| end < other_start)
            || other_end.is_some_and(|other_end| other_end < start);
        (Some(other.id) != id && other_key == key && !apart).then_some((
            other.id,
            other_start,
            other_end,
        ))
    });
    match clash {
        None => Ok(()),
        Some((other, other_start, other_end)) => Err(StoreError::invalid(
            "start_date",
            Refusal::of("refusal-overlaps")
                .record("record", T::kind().name)
                .with("id", other)
                .with("key", key)
                .with("start", other_start)
                .phrase(
                    "end",
                    other_end.map_or_else(
                        || Refusal::of("refusal-still-running"),
                        |end| Refusal::of("refusal-running-until").with("date", end),
                    ),
                ),
        )),
    }
}

/// The ids of the live records of `kind` taken at `visit_id`.
pub(crate) async fn live_at_visit(
    tx: &mut Tx,
    kind: &'static Kind,
    visit_id: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows = tx
        .fetch(
            &format!(
                "SELECT id FROM {} WHERE visit_id = $1 AND NOT removed ORDER BY id",
                kind.table
            ),
            &[visit_id.into()],
            &[crate::value::Ty::Int],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten()?.as_int())
        .collect())
}

/// What every change of record `id` (a `T` of `subject_id` taken at `visit_id`) does besides
/// itself ([`after_change`]).
async fn changed<T: SubjectRecord>(
    writer: &mut Writer,
    subject_id: i64,
    visit_id: Option<i64>,
    id: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let at_visit = visit_id.filter(|_| {
        VISIT_RECORDS
            .iter()
            .any(|kind| std::ptr::eq(*kind, T::kind()))
    });
    after_change(writer, subject_id, at_visit, (T::kind(), id), reason).await
}

/// `data` coded against the study's protocol, when its type codes anything.
async fn coded<'a, T: SubjectRecord>(
    writer: &mut Writer,
    data: &'a T,
) -> Result<Cow<'a, T>, StoreError> {
    if !T::CODED {
        return Ok(Cow::Borrowed(data));
    }
    let protocol = crate::study::protocol_for(writer).await?;
    let mut data = data.clone();
    data.code(&protocol)?;
    Ok(Cow::Owned(data))
}

pub(crate) async fn add_record<T: SubjectRecord>(
    writer: &mut Writer,
    actor: &Actor,
    data: &T,
) -> Result<Stored<T>, StoreError> {
    let data = &*coded(writer, data).await?;
    check_record(writer, actor, data, None).await?;
    let (id, row) = writer.create_row(T::kind(), data.changes()?).await?;
    let reason = Reason::new(&format!("a {} record was added", T::kind().name))?;
    changed::<T>(writer, data.subject_id(), data.visit_id(), id, &reason).await?;
    // What a change does besides itself (`after_change`) never writes the record itself.
    stored_from(id, &row)
}

pub(crate) async fn update_record<T: SubjectRecord>(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    data: &T,
    reason: &Reason,
) -> Result<Stored<T>, StoreError> {
    let current: Stored<T> = record_in(writer.tx(), id).await?;
    let data = &*coded(writer, data).await?;
    if current.data.subject_id() != data.subject_id() {
        return Err(StoreError::invalid(
            "subject_id",
            Refusal::of("refusal-record-moves"),
        ));
    }
    check_record(writer, actor, data, Some(id)).await?;
    let version = writer
        .update(T::kind(), id, based_on, reason, data.changes()?)
        .await?;
    if version != based_on {
        let subject_id = data.subject_id();
        changed::<T>(writer, subject_id, current.data.visit_id(), id, reason).await?;
        if data.visit_id() != current.data.visit_id() {
            changed::<T>(writer, subject_id, data.visit_id(), id, reason).await?;
        }
    }
    record_in(writer.tx(), id).await
}

pub(crate) async fn remove_record<T: SubjectRecord>(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let current: Stored<T> = record_in(writer.tx(), id).await?;
    let subject_id = current.data.subject_id();
    entry_in(writer.tx(), actor, subject_id, None)
        .await?
        .require_data_entry(actor)?;
    writer.remove(T::kind(), id, based_on, reason).await?;
    changed::<T>(writer, subject_id, current.data.visit_id(), id, reason).await
}

impl Store {
    /// Records a CLASI, SLEDAI-2K, lab result, dose period, adverse event ...
    pub async fn add_record<T: SubjectRecord>(
        &self,
        actor: &Actor,
        data: &T,
    ) -> Result<Stored<T>, StoreError> {
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { add_record(writer, actor, &data).await })
        })
        .await
    }

    /// Changes a record (based on the version read); only the fields that differ make events.
    /// A record stays with its subject.
    pub async fn update_record<T: SubjectRecord>(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        data: &T,
        reason: &str,
    ) -> Result<Stored<T>, StoreError> {
        let reason = Reason::new(reason)?;
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(
                async move { update_record(writer, actor, id, based_on, &data, &reason).await },
            )
        })
        .await
    }

    /// Withdraws a record entered in error; it and its history stay in the trail.
    pub async fn remove_record<T: SubjectRecord>(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.command(actor, move |writer, actor| {
            Box::pin(async move { remove_record::<T>(writer, actor, id, based_on, &reason).await })
        })
        .await
    }

    /// Every live record of type `T` of one subject, oldest first.
    pub async fn records_of<T: SubjectRecord>(
        &self,
        subject_id: i64,
    ) -> Result<Vec<Stored<T>>, StoreError> {
        records_in(&mut self.pool.read().await?, subject_id).await
    }

    /// A live record by id.
    pub async fn record<T: SubjectRecord>(&self, id: i64) -> Result<Stored<T>, StoreError> {
        record_in(&mut self.pool.read().await?, id).await
    }
}

/// A live record by id.
pub(crate) async fn record_in<T: SubjectRecord>(
    tx: &mut Tx,
    id: i64,
) -> Result<Stored<T>, StoreError> {
    let row = writer::load(tx, T::kind(), id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: T::kind().name,
            id: id.to_string(),
        })?;
    stored_from(id, &row)
}

fn stored_from<T: SubjectRecord>(id: i64, row: &Row) -> Result<Stored<T>, StoreError> {
    Ok(Stored {
        id,
        version: row.version,
        data: T::from_row(row)?,
    })
}

/// Every live record of type `T` of one subject, oldest first.
pub(crate) async fn records_in<T: SubjectRecord>(
    tx: &mut Tx,
    subject_id: i64,
) -> Result<Vec<Stored<T>>, StoreError> {
    live_rows_of(tx, T::kind(), subject_id)
        .await?
        .into_iter()
        .map(|(id, row)| stored_from(id, &row))
        .collect()
}

/// The live rows of `kind` that belong to `subject_id`.
pub(crate) async fn live_rows_of(
    tx: &mut Tx,
    kind: &'static Kind,
    subject_id: i64,
) -> Result<Vec<(i64, Row)>, StoreError> {
    let (list, types) = writer::select_list(kind);
    let rows = tx
        .fetch(
            &format!(
                "SELECT {list} FROM {} WHERE subject_id = $1 AND NOT removed ORDER BY id",
                kind.table
            ),
            &[subject_id.into()],
            &types,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|values| writer::row_from(kind, values))
        .collect())
}
