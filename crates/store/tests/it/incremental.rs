//! `verify_since`: verifying only what was appended after a head written down earlier. It finds
//! a change after the head (an altered event, a row that no longer matches its events) and a
//! chain cut off or rewritten before it (the head is refused), and checks only the records the
//! new events touched.

use store::testing::tamper;
use store::{Backend, Head, Problem};

use crate::fixture::{Fixture, fixture, subject_data};

both_backends!(
    only_what_was_appended_is_verified,
    a_change_after_the_head_is_found,
    a_chain_cut_off_or_rewritten_before_the_head_refuses_it,
);

/// A study with a subject, verified in full (the head written down), then a second subject and
/// a change of the first: returns the fixture, the head and the first subject's id.
async fn appended(backend: Backend) -> (Fixture, Head, i64) {
    let f = fixture(backend).await;
    let first = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let verified = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&verified);
    let head = verified.head().expect("a head");
    f.store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("add");
    let mut data = first.data.clone();
    data.sex = store::Sex::Male;
    f.store
        .update_subject(
            &f.investigator,
            first.id,
            first.version,
            &data,
            "source shows M",
        )
        .await
        .expect("update");
    (f, head, first.id)
}

/// Applies `sql` after the head and returns what `verify_since` finds, with the head and the
/// first subject's id.
async fn problem_after(
    backend: Backend,
    sql: impl Fn(&Head, i64) -> String,
) -> (Problem, Head, i64) {
    let (f, head, first) = appended(backend).await;
    let sql = sql(&head, first);
    tamper(f.db.url(), &sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
    let problem = f
        .store
        .verify_since(&head)
        .await
        .expect("verify runs")
        .problem
        .unwrap_or_else(|| panic!("not found: {sql}"));
    (problem, head, first)
}

#[track_caller]
fn check(problem: &Problem, place: &str, message_has: &str) {
    assert_eq!(problem.place, place, "{problem}");
    assert!(problem.message.contains(message_has), "{problem}");
}

async fn only_what_was_appended_is_verified(backend: Backend) {
    let (f, head, _) = appended(backend).await;
    let since = f.store.verify_since(&head).await.expect("verify since");
    let full = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&since);
    assert_eq!(
        (since.events, &since.head_hash),
        (full.events, &full.head_hash)
    );
    // The two subjects, not every row of the record.
    assert_eq!(since.rows, 2, "{since:?}");
    assert!(full.rows > since.rows);
    // From the newest head: nothing appended, nothing to check.
    let now = full.head().expect("head");
    let nothing = f.store.verify_since(&now).await.expect("verify since");
    assert_eq!(
        (nothing.events, nothing.rows, nothing.problem),
        (now.seq, 0, None)
    );
}

async fn a_change_after_the_head_is_found(backend: Backend) {
    // An event appended after the head, altered.
    let (problem, head, _) = problem_after(backend, |head, _| {
        format!(
            "UPDATE audit_event SET new_value = '\"X\"' WHERE seq = {}",
            head.seq + 2
        )
    })
    .await;
    check(&problem, &format!("event {}", head.seq + 2), "altered");
    // A row changed after the head, no longer what its events give.
    let (problem, _, first) = problem_after(backend, |_, first| {
        format!("UPDATE subject SET sex = 'F' WHERE id = {first}")
    })
    .await;
    check(&problem, &format!("subject {first}"), "sex");
}

async fn a_chain_cut_off_or_rewritten_before_the_head_refuses_it(backend: Backend) {
    let (problem, ..) = problem_after(backend, |head, _| {
        format!("DELETE FROM audit_event WHERE seq >= {}", head.seq)
    })
    .await;
    assert!(problem.message.contains("cut off"), "{problem}");
    let (problem, ..) = problem_after(backend, |head, _| {
        format!(
            "UPDATE audit_event SET hash = '{}' WHERE seq = {}",
            "0".repeat(64),
            head.seq
        )
    })
    .await;
    assert!(problem.message.contains("rewritten"), "{problem}");
}
