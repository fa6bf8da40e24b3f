//! Group commit under real concurrency: many callers saving at once each get their own answer,
//! every acknowledged save is in the record exactly once, a refused save is undone alone, and
//! the trail still verifies (sequence order is commit order).

use store::{Backend, Decimal, LabResult, StoreError};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(concurrent_saves_land_once_and_refusals_alone);

const CALLERS: usize = 48;
const SAVES: usize = 4;

/// Every eighth caller's second save is dated before consent, so refusals arrive mixed in with
/// good saves from the other callers.
fn refused(caller: usize, save: usize) -> bool {
    caller.is_multiple_of(8) && save == 1
}

async fn concurrent_saves_land_once_and_refusals_alone(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject");
    let visit = f.visit_on(subject.id, "baseline", days_ago(5)).await;
    // Laboratory results, of which a visit holds many (a CLASI is one per visit).
    let form = LabResult {
        subject_id: subject.id,
        visit_id: Some(visit.id),
        collected_on: days_ago(5),
        test: "neutrophils".into(),
        value: Decimal::parse("value", "3.1").expect("decimal").into(),
        unit: "10^9/L".into(),
        lln: None,
        uln: None,
    };
    // The events one save writes, measured on a save alone.
    let before = f.event_count().await;
    f.store
        .add_record(&f.investigator, &form)
        .await
        .expect("first save");
    let per_save = f.event_count().await - before;
    let callers: Vec<_> = (0..CALLERS)
        .map(|caller| {
            let (store, actor, form) = (f.store.clone(), f.investigator.clone(), form.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                for save in 0..SAVES {
                    let form = LabResult {
                        collected_on: if refused(caller, save) {
                            days_ago(31)
                        } else {
                            form.collected_on
                        },
                        ..form.clone()
                    };
                    answers.push((save, store.add_record(&actor, &form).await));
                }
                (caller, answers)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for caller in callers {
        let (caller, answers) = caller.await.expect("caller");
        for (save, answer) in answers {
            match answer {
                Ok(stored) if !refused(caller, save) => ids.push(stored.id),
                Err(StoreError::Invalid { field, .. }) if refused(caller, save) => {
                    assert_eq!(field, "collected_on");
                }
                other => panic!("caller {caller} save {save}: {other:?}"),
            }
        }
    }
    let saved = CALLERS * SAVES - CALLERS / 8;
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        saved,
        "every acknowledged save has its own record"
    );
    let stored = f
        .store
        .records_of::<LabResult>(subject.id)
        .await
        .expect("records");
    assert_eq!(stored.len(), saved + 1, "each save is in the record once");
    let verification = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&verification);
    assert_eq!(
        verification.events,
        before + per_save * (saved as i64 + 1),
        "a refused save left no event behind"
    );
}
