//! Correct and void: a form that is one per visit cannot be added twice (the second names the
//! first); any record is corrected with a reason, or marked entered in error with a reason and
//! then leaves what the engine reads; a visit goes only after its records.

use instruments::clasi::Clasi;
use store::{Backend, ClasiAssessment, StoreError};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(
    a_second_clasi_at_a_visit_is_refused_naming_the_first,
    a_visit_goes_after_its_records,
);

fn clasi(visit: &store::Visit) -> ClasiAssessment {
    ClasiAssessment {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        assessed_on: days_ago(5),
        clasi: Clasi::clear(),
    }
}

async fn a_second_clasi_at_a_visit_is_refused_naming_the_first(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await;
    let visit = f.visit_on(subject.id, "week 2", days_ago(5)).await;
    let first = f
        .store
        .add_record(&f.investigator, &clasi(&visit))
        .await
        .expect("first");
    let before = f.event_count().await;
    match f.store.add_record(&f.investigator, &clasi(&visit)).await {
        Err(StoreError::Exists { entity, id }) => assert_eq!((entity, id), ("clasi", first.id)),
        other => panic!("a second CLASI was not refused: {other:?}"),
    }
    assert_eq!(f.event_count().await, before, "the refusal wrote nothing");
    // The first is corrected in place (its own id does not count against it).
    let corrected = ClasiAssessment {
        assessed_on: days_ago(4),
        ..clasi(&visit)
    };
    let first = f
        .store
        .update_record(
            &f.investigator,
            first.id,
            first.version,
            &corrected,
            "assessed a day later",
        )
        .await
        .expect("corrected");
    // Marked entered in error, it leaves the engine's record, and a new one may be added.
    match f
        .store
        .remove_record::<ClasiAssessment>(&f.investigator, first.id, first.version, " ")
        .await
    {
        Err(StoreError::ReasonRequired) => {}
        other => panic!("a void without a reason was not refused: {other:?}"),
    }
    f.store
        .remove_record::<ClasiAssessment>(
            &f.investigator,
            first.id,
            first.version,
            "entered for the wrong visit",
        )
        .await
        .expect("voided");
    let record = f.store.clinical_record(subject.id).await.expect("record");
    assert!(record.clasi.is_empty(), "{:?}", record.clasi);
    f.store
        .add_record(&f.investigator, &clasi(&visit))
        .await
        .expect("a new CLASI once the first is void");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_visit_goes_after_its_records(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await;
    let visit = f.visit_on(subject.id, "week 2", days_ago(5)).await;
    // A Back-and-resubmit duplicate.
    let duplicate = f.visit_on(subject.id, "week 2", days_ago(5)).await;
    let form = f
        .store
        .add_record(&f.investigator, &clasi(&visit))
        .await
        .expect("clasi");
    match f
        .store
        .remove_visit(&f.investigator, visit.id, visit.version, "duplicate")
        .await
    {
        Err(StoreError::Invalid { field, message }) => {
            assert_eq!(field, "visit");
            let message = message.to_string();
            assert!(message.contains(&format!("CLASI {}", form.id)), "{message}");
        }
        other => panic!("a visit with a CLASI was removed: {other:?}"),
    }
    f.store
        .remove_visit(
            &f.investigator,
            duplicate.id,
            duplicate.version,
            "entered twice (Back and resubmit)",
        )
        .await
        .expect("the empty duplicate goes");
    let visits = f.store.visits_of(subject.id).await.expect("visits");
    assert_eq!(visits.iter().map(|v| v.id).collect::<Vec<_>>(), [visit.id]);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
