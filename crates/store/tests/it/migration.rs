//! Migrations that rebuild a table keep what it held.

use store::testing::execute_guarded;
use store::{Backend, Store};

use crate::fixture::{Fixture, fixture, subject_data};

/// Migration 0012 rebuilds `audit_event` on SQLite. Run on a recorded study (it is written to be
/// run again after a crash), it keeps every event as it was, the chain and projections verify,
/// the trail still refuses updates and deletes, and new events still append to it.
#[tokio::test]
async fn rebuilding_the_audit_table_keeps_the_trail() {
    let f = fixture(Backend::Sqlite).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let before = f.store.verify().await.expect("verify before");
    Fixture::assert_verifies(&before);
    f.store.close().await;
    execute_guarded(
        f.db.url(),
        include_str!("../../migrations/sqlite/0012_audit_event_hash_not_unique.sql"),
    )
    .await
    .expect("rebuild");
    let store = Store::open(f.db.url()).await.expect("open");
    let after = store.verify().await.expect("verify after");
    Fixture::assert_verifies(&after);
    assert_eq!(
        (after.events, after.rows, &after.head_hash),
        (before.events, before.rows, &before.head_hash)
    );
    for sql in [
        "UPDATE audit_event SET reason = 'x' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 2",
    ] {
        let error = execute_guarded(f.db.url(), sql).await.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    // Projections still reference the trail: a row naming an event that does not exist is refused.
    let error = execute_guarded(
        f.db.url(),
        "INSERT INTO site (id, version, removed, last_seq, code, name) \
         VALUES (9, 1, FALSE, 1000000, 'S09', 'Ghost')",
    )
    .await
    .expect_err("foreign key");
    assert!(error.contains("FOREIGN KEY"), "{error}");
    let mut data = subject.data.clone();
    data.sex = store::Sex::Male;
    store
        .update_subject(&f.investigator, subject.id, 1, &data, "source shows M")
        .await
        .expect("update after the rebuild");
    let last = store.verify().await.expect("verify last");
    Fixture::assert_verifies(&last);
    assert!(last.events > before.events);
}
