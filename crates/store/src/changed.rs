//! What every change of a subject's data does besides itself, inside the changing command's
//! transaction and with its reason: it is refused while a lock covers the record, it voids the
//! signatures that cover it, and it clears the source data verification of what changed. One
//! hook, so no path that changes a casebook can forget one of the three.

use crate::db::{Arg, Tx};
use crate::error::StoreError;
use crate::schema::{Kind, LOCK, SIGNATURE, VERIFICATION};
use crate::value::{Ty, Value};
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
    if writer.meets_nothing(subject_id) {
        return Ok(());
    }
    let met = Met::read(writer.tx(), subject_id, at_visit, record).await?;
    if !met.subject {
        writer.met_nothing(subject_id);
    }
    if met.lock {
        crate::locks::refuse_if_locked(writer.tx(), subject_id, record).await?;
    }
    if met.signature {
        crate::signatures::void_signatures(writer, subject_id, at_visit, reason).await?;
    }
    if met.verification {
        crate::verification::clear_changed(writer, record, reason).await?;
    }
    Ok(())
}

/// Whether a change meets a lock that covers it, a valid signature that covers it, a standing
/// verification of it: each by the condition its own step reads its rows by, so a step that
/// meets nothing would have done nothing. Most changes meet none of them, and every save of a
/// batch (an import, a simulated cohort) runs this, so the three are read in one statement,
/// with whether the subject has any of them at all: a subject without (a lock, a signature or a
/// verification always carries its subject: a visit's signature its visit's, a verification
/// its record's) is then remembered by the writer until it writes one of the three, and its
/// further changes in the transaction read nothing.
struct Met {
    lock: bool,
    signature: bool,
    verification: bool,
    /// The subject has a lock that holds, a valid signature or a standing verification.
    subject: bool,
}

impl Met {
    async fn read(
        tx: &mut Tx,
        subject_id: i64,
        at_visit: Option<i64>,
        (kind, id): (&'static Kind, i64),
    ) -> Result<Met, StoreError> {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {lock} WHERE {}), EXISTS (SELECT 1 FROM {signature} WHERE {}), \
             EXISTS (SELECT 1 FROM {verification} WHERE {} AND NOT removed), \
             EXISTS (SELECT 1 FROM {lock} WHERE subject_id = $1 AND locked AND NOT removed) \
             OR EXISTS (SELECT 1 FROM {signature} WHERE subject_id = $1 AND NOT voided AND NOT removed) \
             OR EXISTS (SELECT 1 FROM {verification} WHERE subject_id = $1 AND NOT cleared AND NOT removed)",
            crate::locks::holding_where(1),
            crate::signatures::covering_where(4),
            crate::verification::standing_where(6),
            lock = LOCK.table,
            signature = SIGNATURE.table,
            verification = VERIFICATION.table,
        );
        let args = [
            subject_id.into(),
            kind.name.into(),
            id.into(),
            subject_id.into(),
            Arg::Int(at_visit),
            kind.name.into(),
            id.into(),
        ];
        let row = tx
            .fetch_optional(&sql, &args, &[Ty::Bool; 4])
            .await?
            .unwrap_or_default();
        // A flag that did not come back is read as met: its step then reads for itself.
        let met =
            |i: usize| row.get(i).and_then(Option::as_ref).and_then(Value::as_bool) != Some(false);
        Ok(Met {
            lock: met(0),
            signature: met(1),
            verification: met(2),
            subject: met(3),
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::ToSpan;

    use super::*;
    use crate::db::Backend;
    use crate::subjects::{BirthOrAge, Sex, SubjectData};
    use crate::testing::TestDb;
    use crate::value::Value;

    /// A subject of site S01, consented 30 days ago, added by an investigator there.
    async fn subject(store: &crate::Store, admin: &crate::Actor) -> i64 {
        store
            .add_site(admin, "S01", "First site")
            .await
            .expect("site");
        store
            .grant(admin, "admin", "S01", crate::Role::Investigator)
            .await
            .expect("grant");
        let today = crate::check::today();
        let data = SubjectData {
            site: "S01".into(),
            code: "S01-P001".into(),
            sex: Sex::Female,
            birth: BirthOrAge::BirthDate(jiff::civil::date(1980, 5, 17)),
            subtype: None,
            screening_date: today - 29.days(),
            consent_date: Some(today - 30.days()),
            enrolment_date: None,
        };
        store.add_subject(admin, &data).await.expect("subject").id
    }

    /// A subject remembered as meeting nothing is looked at again once the transaction writes a
    /// lock: a change after the lock, in the same transaction, is refused as it is alone.
    #[tokio::test]
    async fn a_lock_written_in_the_transaction_is_met_by_the_next_change() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let db = TestDb::new(backend);
            let (store, admin) = crate::testing::new_study(&db, "Changes").await;
            let subject = subject(&store, &admin).await;
            let mut writer = Writer::begin(&store.pool, "admin").await.expect("writer");
            let reason = Reason::new("test").expect("reason");
            let record = (&crate::schema::SUBJECT, subject);
            after_change(&mut writer, subject, None, record, &reason)
                .await
                .expect("nothing to meet before the lock");
            assert!(writer.meets_nothing(subject), "{backend:?}");
            let locked_at = writer.recorded_at().to_owned();
            writer
                .create(
                    &LOCK,
                    vec![
                        ("subject_id", Some(Value::Int(subject))),
                        ("locked", Some(Value::Bool(true))),
                        ("locker_id", Some(Value::Int(admin.user_id))),
                        ("printed_name", Some(Value::Text("Admin".into()))),
                        ("locked_at", Some(Value::Text(locked_at))),
                    ],
                )
                .await
                .expect("lock");
            assert!(!writer.meets_nothing(subject), "{backend:?}");
            let refused = after_change(&mut writer, subject, None, record, &reason).await;
            assert!(
                matches!(&refused, Err(StoreError::Invalid { .. })),
                "{backend:?}: {refused:?}"
            );
            // The subject has a lock now, so it is not remembered as meeting nothing.
            assert!(!writer.meets_nothing(subject), "{backend:?}");
        }
    }
}
