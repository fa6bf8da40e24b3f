//! Optimistic versions under real concurrency: writers racing on one record never lose an
//! update, and readers keep reading consistent snapshots while writers write.

use instruments::subtype::Subtype;
use store::{Backend, StoreError};

use crate::fixture::{Fixture, fixture, subject_data};

both_backends!(
    racing_writers_get_one_success_and_conflicts,
    readers_read_while_writers_write
);

async fn racing_writers_get_one_success_and_conflicts(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    // Each writer sets a subtype other than the subject's, so each write is a real change.
    let writers: Vec<_> = Subtype::ALL
        .iter()
        .filter(|subtype| **subtype != Subtype::DleLocalized)
        .take(8)
        .map(|subtype| {
            let (store, actor) = (f.store.clone(), f.investigator.clone());
            let mut data = subject.data.clone();
            data.subtype = Some(*subtype);
            tokio::spawn(async move {
                store
                    .update_subject(&actor, subject.id, 1, &data, "race")
                    .await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for writer in writers {
        match writer.await.expect("task") {
            Ok(subject) => winners.push(subject),
            Err(StoreError::Conflict(conflict)) => {
                assert_eq!(
                    (
                        conflict.based_on,
                        conflict.current,
                        conflict.changed_by.as_str()
                    ),
                    (1, 2, "inv")
                );
            }
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "exactly one write based on version 1 may land"
    );
    let now = f.store.subject(subject.id).await.expect("subject");
    assert_eq!(now, winners[0], "the stored state is the winner's, whole");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn readers_read_while_writers_write(backend: Backend) {
    let f = fixture(backend).await;
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (store, actor) = (f.store.clone(), f.investigator.clone());
            tokio::spawn(async move {
                for n in 0..5 {
                    store
                        .add_subject(&actor, &subject_data(&format!("S01-W{writer}-{n}")))
                        .await
                        .expect("write");
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let store = f.store.clone();
            tokio::spawn(async move {
                let mut seen = 0;
                for _ in 0..5 {
                    let verification = store.verify().await.expect("read");
                    assert_eq!(
                        verification.problem, None,
                        "a reader saw a half-written state"
                    );
                    assert!(verification.events >= seen, "a snapshot went back in time");
                    seen = verification.events;
                }
            })
        })
        .collect();
    for task in writers.into_iter().chain(readers) {
        task.await.expect("task");
    }
    let verification = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&verification);
    for writer in 0..4 {
        for n in 0..5 {
            f.store
                .subject_by_code(&format!("S01-W{writer}-{n}"))
                .await
                .expect("every write landed");
        }
    }
}
