//! Many commands in one transaction: all written at commit, none when dropped; a refused
//! command inside a batch is undone alone, or in a batch undone whole ends it.

use store::{Backend, Decimal, EventFilter, LabResult, StoreError, Undo, VisitData};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(
    a_batch_writes_everything_at_commit,
    a_dropped_batch_writes_nothing,
    a_refused_command_is_undone_alone,
    a_batch_undone_whole_writes_everything_at_commit,
    a_refusal_ends_a_batch_undone_whole,
);

fn lab(subject_id: i64, visit_id: Option<i64>, value: &str) -> LabResult {
    LabResult {
        subject_id,
        visit_id,
        collected_on: days_ago(10),
        test: "neutrophils".into(),
        value: Decimal::parse("value", value).expect("decimal").into(),
        unit: "10^9/L".into(),
        lln: Some(Decimal::parse("lln", "1.8").expect("decimal")),
        uln: None,
    }
}

fn visit(name: &str) -> VisitData {
    VisitData {
        name: name.into(),
        planned_date: None,
        actual_date: Some(days_ago(10)),
    }
}

/// Adds subject `code`, a visit and a lab result in `batch`; the subject's id.
async fn three_commands(batch: &mut store::Batch, code: &str) -> i64 {
    let subject = batch
        .add_subject(&subject_data(code))
        .await
        .expect("subject");
    let visit = batch
        .add_visit(subject.id, &visit("week 0"))
        .await
        .expect("visit");
    batch
        .add_record(&lab(subject.id, Some(visit.id), "2.5"))
        .await
        .expect("lab");
    // The batch sees its own writes.
    assert_eq!(
        batch.subject_by_code(code).await.expect("read"),
        Some(subject.clone())
    );
    assert_eq!(batch.visits_of(subject.id).await.expect("read").len(), 1);
    assert_eq!(
        batch
            .records_of::<LabResult>(subject.id)
            .await
            .expect("read")
            .len(),
        1
    );
    subject.id
}

async fn a_batch_writes_everything_at_commit(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let mut batch = f
        .store
        .batch(&f.investigator, Some("import of the paper CRFs"))
        .await
        .expect("batch");
    let subject = three_commands(&mut batch, "S01-P001").await;
    batch.commit().await.expect("commit");
    assert_eq!(f.store.visits_of(subject).await.expect("visits").len(), 1);
    let labs = f
        .store
        .records_of::<LabResult>(subject)
        .await
        .expect("labs");
    assert_eq!(labs.len(), 1);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
    // Every event of the batch, first entries included, carries the batch's reason.
    let events = f
        .store
        .audit_page(&EventFilter::default(), before, 1000)
        .await
        .expect("log");
    assert!(!events.is_empty());
    for event in &events {
        assert_eq!(
            event.reason.as_deref(),
            Some("import of the paper CRFs"),
            "{event:?}"
        );
    }
}

async fn a_dropped_batch_writes_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let mut batch = f.store.batch(&f.investigator, None).await.expect("batch");
    three_commands(&mut batch, "S01-P001").await;
    drop(batch);
    assert_eq!(f.event_count().await, before);
    assert!(matches!(
        f.store.subject_by_code("S01-P001").await,
        Err(StoreError::NotFound { .. })
    ));
    // The writer lock was released: a later command goes through.
    f.store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("subject after a dropped batch");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_refused_command_is_undone_alone(backend: Backend) {
    let f = fixture(backend).await;
    let mut batch = f.store.batch(&f.investigator, None).await.expect("batch");
    let subject = batch
        .add_subject(&subject_data("S01-P001"))
        .await
        .expect("subject");
    // A lab before consent is refused after the checks ran inside the transaction; a duplicate
    // study id is refused by the store.
    let mut early = lab(subject.id, None, "2.5");
    early.collected_on = days_ago(40);
    assert!(matches!(
        batch.add_record(&early).await,
        Err(StoreError::Invalid { field, .. }) if field == "collected_on"
    ));
    assert!(matches!(
        batch.add_subject(&subject_data("S01-P001")).await,
        Err(StoreError::Invalid { field, .. }) if field == "code"
    ));
    batch
        .add_record(&lab(subject.id, None, "2.5"))
        .await
        .expect("a valid lab after the refusals");
    batch.commit().await.expect("commit");
    assert_eq!(
        f.store
            .records_of::<LabResult>(subject.id)
            .await
            .expect("labs")
            .len(),
        1
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_batch_undone_whole_writes_everything_at_commit(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let mut each = f.store.batch(&f.investigator, None).await.expect("batch");
    three_commands(&mut each, "S01-P001").await;
    each.commit().await.expect("commit");
    let per_batch = f.event_count().await - before;
    // The same commands in a batch undone whole write the same events.
    let mut whole = f
        .store
        .batch_undone(&f.investigator, None, Undo::Whole)
        .await
        .expect("batch");
    three_commands(&mut whole, "S01-P002").await;
    whole.commit().await.expect("commit");
    assert_eq!(f.event_count().await - before, 2 * per_batch);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_refusal_ends_a_batch_undone_whole(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let mut batch = f
        .store
        .batch_undone(&f.investigator, None, Undo::Whole)
        .await
        .expect("batch");
    let subject = batch
        .add_subject(&subject_data("S01-P001"))
        .await
        .expect("subject");
    let mut early = lab(subject.id, None, "2.5");
    early.collected_on = days_ago(40);
    assert!(matches!(
        batch.add_record(&early).await,
        Err(StoreError::Invalid { field, .. }) if field == "collected_on"
    ));
    // After the refusal the batch accepts no command, no read and no commit.
    let refused = |result: Result<(), StoreError>| matches!(result, Err(StoreError::Other(error)) if error.is::<store::BatchRefused>());
    assert!(refused(
        batch
            .add_record(&lab(subject.id, None, "2.5"))
            .await
            .map(drop)
    ));
    assert!(refused(batch.visits_of(subject.id).await.map(drop)));
    assert!(refused(batch.commit().await));
    assert_eq!(f.event_count().await, before);
    assert!(matches!(
        f.store.subject_by_code("S01-P001").await,
        Err(StoreError::NotFound { .. })
    ));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
