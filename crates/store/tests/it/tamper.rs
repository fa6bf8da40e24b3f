//! Tampering with the database directly, past the store: `verify` must fail and name the place.

use store::testing::{execute_guarded, tamper};
use store::{Backend, Problem};

use crate::fixture::{Fixture, fixture, subject_data};

both_backends!(
    tampering_is_detected_and_named,
    the_trail_refuses_direct_updates_and_deletes,
    every_event_and_every_row_is_covered,
);

/// A study with a subject changed once: about twenty events.
async fn recorded(backend: Backend) -> (Fixture, i64) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let mut data = subject.data.clone();
    data.sex = store::Sex::Male;
    f.store
        .update_subject(&f.investigator, subject.id, 1, &data, "source shows M")
        .await
        .expect("update");
    let events = f.event_count().await;
    (f, events)
}

/// Applies `sql` to a fresh recorded study and returns the problem `verify` names.
async fn problem_after(backend: Backend, sql: impl Fn(i64) -> String) -> Problem {
    let (f, events) = recorded(backend).await;
    Fixture::assert_verifies(&f.store.verify().await.expect("verify before"));
    let sql = sql(events);
    tamper(f.db.url(), &sql)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
    let verification = f.store.verify().await.expect("verify runs");
    verification
        .problem
        .unwrap_or_else(|| panic!("tampering not detected: {sql}"))
}

#[track_caller]
fn check(problem: &Problem, place: &str, message_has: &str) {
    assert_eq!(problem.place, place, "{problem}");
    assert!(problem.message.contains(message_has), "{problem}");
}

async fn tampering_is_detected_and_named(backend: Backend) {
    // One value in one event.
    let problem = problem_after(backend, |_| {
        "UPDATE audit_event SET new_value = '\"M\"' WHERE seq = 3".into()
    })
    .await;
    check(&problem, "event 3", "altered");
    let problem = problem_after(backend, |_| {
        "UPDATE audit_event SET actor = 'mallory' WHERE seq = 7".into()
    })
    .await;
    check(&problem, "event 7", "altered");
    let problem = problem_after(backend, |_| {
        "UPDATE audit_event SET reason = 'other' WHERE seq = (SELECT MAX(seq) FROM audit_event)"
            .into()
    })
    .await;
    assert!(problem.place.starts_with("event "), "{problem}");
    assert_eq!(
        problem.message, "content does not match its hash: the event was altered",
        "{problem}"
    );
    // A deleted event, in the middle and at the end.
    let problem = problem_after(backend, |_| "DELETE FROM audit_event WHERE seq = 5".into()).await;
    check(&problem, "event 6", "missing or reordered");
    let problem = problem_after(backend, |last| {
        format!("DELETE FROM audit_event WHERE seq = {last}")
    })
    .await;
    check(&problem, "subject 1", "from the events");
    // Two events swapped.
    let problem = problem_after(backend, |_| {
        "UPDATE audit_event SET seq = 1000000 WHERE seq = 4; \
         UPDATE audit_event SET seq = 4 WHERE seq = 5; \
         UPDATE audit_event SET seq = 5 WHERE seq = 1000000;"
            .into()
    })
    .await;
    check(
        &problem,
        "event 4",
        "prev_hash does not match the hash of event 3: an event was removed, inserted or reordered",
    );
    // Projection rows: a changed value, a deleted row, a row with no events, a version.
    let problem = problem_after(backend, |_| {
        "UPDATE subject SET sex = 'F' WHERE id = 1".into()
    })
    .await;
    check(
        &problem,
        "subject 1",
        "sex is \"F\" in the table but \"M\" from the events",
    );
    let problem = problem_after(backend, |_| "DELETE FROM subject WHERE id = 1".into()).await;
    check(&problem, "subject 1", "missing from the table");
    let problem = problem_after(backend, |_| {
        "INSERT INTO site (id, version, removed, last_seq, code, name) VALUES (7, 1, FALSE, 1, 'S07', 'Ghost')".into()
    })
    .await;
    check(&problem, "site 7", "no events");
    // A password hash swapped for another account's (to sign as that user).
    let problem = problem_after(backend, |_| {
        "UPDATE credential SET phc = (SELECT phc FROM credential WHERE user_id = 1) WHERE user_id = 2"
            .into()
    })
    .await;
    check(&problem, "credential 2", "not the one the trail records");
    // The hash's pointer to the event that set it, moved (issue 15, item 13).
    let problem = problem_after(backend, |_| {
        "UPDATE credential SET set_seq = 1 WHERE user_id = 2".into()
    })
    .await;
    check(
        &problem,
        "credential 2",
        "does not point at the event that set it",
    );
    let problem = problem_after(backend, |_| {
        "UPDATE app_user SET version = 9 WHERE login = 'inv'".into()
    })
    .await;
    check(&problem, "app_user 2", "version");
    let problem = problem_after(backend, |_| {
        "UPDATE app_user SET disabled = TRUE WHERE login = 'admin'".into()
    })
    .await;
    check(&problem, "app_user 1", "disabled");
}

async fn the_trail_refuses_direct_updates_and_deletes(backend: Backend) {
    let (f, events) = recorded(backend).await;
    for sql in [
        "UPDATE audit_event SET reason = 'x' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 2",
    ] {
        let result = execute_guarded(f.db.url(), sql).await;
        let error = result.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    assert_eq!(f.event_count().await, events);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// Changes one value, checks that `verify` names `place`, then changes it back and checks
/// that the record verifies again.
async fn round_trip(f: &Fixture, change: &str, undo: &str, place: &str) {
    tamper(f.db.url(), change)
        .await
        .unwrap_or_else(|error| panic!("{change}: {error}"));
    let verification = f.store.verify().await.expect("verify runs");
    let problem = verification
        .problem
        .unwrap_or_else(|| panic!("not detected: {change}"));
    assert_eq!(problem.place, place, "{change}: {problem}");
    tamper(f.db.url(), undo)
        .await
        .unwrap_or_else(|error| panic!("{undo}: {error}"));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify after undo"));
}

/// Text columns get a character appended; number columns get 1000 added.
fn change_and_undo(table: &str, column: &str, numeric: bool, key: &str) -> (String, String) {
    if numeric {
        (
            format!("UPDATE {table} SET {column} = {column} + 1000 WHERE {key}"),
            format!("UPDATE {table} SET {column} = {column} - 1000 WHERE {key}"),
        )
    } else {
        (
            format!("UPDATE {table} SET {column} = {column} || 'x' WHERE {key}"),
            format!(
                "UPDATE {table} SET {column} = substr({column}, 1, length({column}) - 1) WHERE {key}"
            ),
        )
    }
}

/// Columns to change: name, and whether it holds a number.
type Columns = &'static [(&'static str, bool)];

/// Any single value: every event has one of its never-blank columns changed in turn, and
/// every projection row one of its columns; each time `verify` names that event or row.
async fn every_event_and_every_row_is_covered(backend: Backend) {
    let (f, events) = recorded(backend).await;
    const EVENT_COLUMNS: [(&str, bool); 7] = [
        ("recorded_at", false),
        ("actor", false),
        ("entity", false),
        ("entity_id", true),
        ("version", true),
        ("prev_hash", false),
        ("hash", false),
    ];
    for seq in 1..=events {
        let (column, numeric) = EVENT_COLUMNS[(seq as usize) % EVENT_COLUMNS.len()];
        let (change, undo) =
            change_and_undo("audit_event", column, numeric, &format!("seq = {seq}"));
        round_trip(&f, &change, &undo, &format!("event {seq}")).await;
    }
    const ROWS: [(&str, i64, Columns); 6] = [
        (
            "study",
            1,
            &[
                ("code", false),
                ("protocol_text", false),
                ("protocol_version", true),
            ],
        ),
        (
            "site",
            1,
            &[("code", false), ("name", false), ("last_seq", true)],
        ),
        (
            "app_user",
            1,
            &[("login", false), ("printed_name", false), ("version", true)],
        ),
        ("app_user", 2, &[("login", false), ("printed_name", false)]),
        (
            "role_grant",
            1,
            &[("role", false), ("user_id", true), ("site_id", true)],
        ),
        (
            "subject",
            1,
            &[
                ("code", false),
                ("sex", false),
                ("screening_date", false),
                ("subtype", false),
                ("site_id", true),
                ("version", true),
            ],
        ),
    ];
    for (table, id, columns) in ROWS {
        for (column, numeric) in columns {
            let (change, undo) = change_and_undo(table, column, *numeric, &format!("id = {id}"));
            round_trip(&f, &change, &undo, &format!("{table} {id}")).await;
        }
    }
    // The credential table, keyed by its user: the hash and its pointer to the event that set
    // its fingerprint.
    // (The pointer moves to the event before: it must still name an event.)
    let (change, undo) = change_and_undo("credential", "phc", false, "user_id = 2");
    round_trip(&f, &change, &undo, "credential 2").await;
    round_trip(
        &f,
        "UPDATE credential SET set_seq = set_seq - 1 WHERE user_id = 2",
        "UPDATE credential SET set_seq = set_seq + 1 WHERE user_id = 2",
        "credential 2",
    )
    .await;
}
