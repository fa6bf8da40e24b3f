//! What every change of a subject's data does besides itself, inside the changing command's
//! transaction and with its reason: it is refused while a lock covers the record, it voids the
//! signatures that cover it, and it clears the source data verification of what changed. One
//! hook, so no path that changes a casebook can forget one of the three.

use crate::error::StoreError;
use crate::schema::Kind;
use crate::writer::{Reason, Writer};

/// After record `id` of `kind` of subject `subject_id` was added, changed or marked entered in
/// error: `at_visit` is the visit whose signatures cover it (none for records a visit
/// signature does not cover).
pub(crate) async fn after_change(
    writer: &mut Writer,
    subject_id: i64,
    at_visit: Option<i64>,
    record: (&'static Kind, i64),
    reason: &Reason,
) -> Result<(), StoreError> {
    crate::locks::refuse_if_locked(writer.tx(), subject_id, record).await?;
    crate::signatures::void_signatures(writer, subject_id, at_visit, reason).await?;
    crate::verification::clear_changed(writer, record, reason).await
}
