//! Source data verification and locking: a change clears what it touched, a lock refuses every
//! change of what it covers until unlocked with a reason, and only a monitor does either.

use store::{
    Actor, Backend, Decimal, LabResult, Locked, NewUser, Role, SourceVerification, StoreError,
    Stored,
};

use crate::fixture::{Fixture, days_ago, fixture, password, refused, subject_data};

both_backends!(
    a_change_clears_the_verification_of_what_it_touched,
    verification_is_refused_in_words_and_writes_nothing,
    a_lock_refuses_every_change_it_covers_until_unlocked,
    locking_is_refused_while_queries_are_open_or_twice,
);

const MONITOR_PASSWORD: &str = "quiet river lantern";

/// A monitor at S01 (printed name "Mona Monitor").
async fn monitor(f: &Fixture) -> Actor {
    let user = NewUser {
        login: "mon".into(),
        printed_name: "Mona Monitor".into(),
    };
    f.store
        .add_user(&f.admin, &user, &password(MONITOR_PASSWORD))
        .await
        .expect("user");
    f.store
        .grant(&f.admin, "mon", "S01", Role::Monitor)
        .await
        .expect("grant");
    f.store
        .authenticate("mon", &password(MONITOR_PASSWORD))
        .await
        .expect("login")
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse("value", text).expect("decimal")
}

/// An enrolled subject with one neutrophil count; returns the subject and the lab record.
async fn subject_with_lab(f: &Fixture) -> (i64, Stored<LabResult>) {
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id;
    let lab = LabResult {
        subject_id: subject,
        visit_id: None,
        collected_on: days_ago(10),
        test: "neutrophils".into(),
        value: decimal("2.1").into(),
        unit: "10^9/L".into(),
        lln: Some(decimal("1.8")),
        uln: Some(decimal("7.5")),
    };
    let lab = f
        .store
        .add_record(&f.investigator, &lab)
        .await
        .expect("lab");
    (subject, lab)
}

fn fields(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// (field, holds, why cleared) of each verification, oldest first.
fn states(verifications: &[SourceVerification]) -> Vec<(Option<&str>, bool, Option<&str>)> {
    verifications
        .iter()
        .map(|v| (v.field.as_deref(), v.holds(), v.cleared.as_deref()))
        .collect()
}

async fn a_change_clears_the_verification_of_what_it_touched(backend: Backend) {
    let f = fixture(backend).await;
    let monitor = monitor(&f).await;
    let (subject, lab) = subject_with_lab(&f).await;
    let made = f
        .store
        .verify_source(
            &monitor,
            subject,
            "lab",
            lab.id,
            lab.version,
            &fields(&["value", "unit"]),
        )
        .await
        .expect("fields verified");
    assert_eq!(
        states(&made),
        [(Some("value"), true, None), (Some("unit"), true, None)]
    );
    assert_eq!(made[0].printed_name, "Mona Monitor");
    assert!(made[0].verified_at.ends_with('Z'), "{made:?}");
    let waiting = async || {
        let due = f.store.verification_due_at("S01").await.expect("due");
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!(due[0].subject, "S01-P001");
        due[0].records
    };
    // Field verifications leave the record to do as a whole.
    let before = waiting().await;
    f.store
        .verify_source(&monitor, subject, "lab", lab.id, lab.version, &[])
        .await
        .expect("record verified");
    assert_eq!(waiting().await, before - 1);
    let mut changed = lab.data.clone();
    changed.value = decimal("1.2").into();
    f.store
        .update_record(
            &f.investigator,
            lab.id,
            lab.version,
            &changed,
            "transcription error",
        )
        .await
        .expect("corrected");
    assert_eq!(
        waiting().await,
        before,
        "the change put the record back on the list"
    );
    let after = f.store.verifications_of(subject).await.expect("read");
    let cleared = Some("verified data changed: transcription error");
    assert_eq!(
        states(&after),
        [
            (Some("value"), false, cleared),
            // The unit did not change: its verification holds.
            (Some("unit"), true, None),
            (None, false, cleared),
        ]
    );
    // Verified again at the new version; marking the record entered in error clears it all.
    let now: Stored<LabResult> = f.store.record(lab.id).await.expect("lab");
    f.store
        .verify_source(
            &monitor,
            subject,
            "lab",
            lab.id,
            now.version,
            &fields(&["value"]),
        )
        .await
        .expect("verified again");
    f.store
        .remove_record::<LabResult>(&f.investigator, lab.id, now.version, "wrong subject")
        .await
        .expect("removed");
    let after = f.store.verifications_of(subject).await.expect("read");
    assert!(after.iter().all(|v| !v.holds()), "{after:?}");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn verification_is_refused_in_words_and_writes_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let monitor = monitor(&f).await;
    let (subject, lab) = subject_with_lab(&f).await;
    f.store
        .verify_source(
            &monitor,
            subject,
            "lab",
            lab.id,
            lab.version,
            &fields(&["value"]),
        )
        .await
        .expect("verified");
    let before = f.event_count().await;
    let verify = |actor: &Actor, entity: &str, version: i64, names: &[&str]| {
        let (store, actor, entity, names) = (
            f.store.clone(),
            actor.clone(),
            entity.to_owned(),
            fields(names),
        );
        async move {
            store
                .verify_source(&actor, subject, &entity, lab.id, version, &names)
                .await
        }
    };
    refused(
        verify(&monitor, "lab", lab.version, &["value"]).await,
        "value",
        "already verified by Mona Monitor",
    );
    refused(
        verify(&monitor, "lab", lab.version, &["unit", "unit"]).await,
        "field",
        "named twice",
    );
    refused(
        verify(&monitor, "lab", lab.version, &["colour"]).await,
        "field",
        "no field 'colour'",
    );
    refused(
        verify(&monitor, "lab", lab.version, &["subject_id"]).await,
        "field",
        "no field 'subject_id' to verify",
    );
    refused(
        verify(&monitor, "lab", lab.version - 1, &[]).await,
        "record",
        "changed since you read it",
    );
    refused(
        verify(&monitor, "signature", lab.version, &[]).await,
        "entity",
        "is not a subject record",
    );
    match verify(&f.investigator, "lab", lab.version, &[]).await {
        Err(StoreError::Forbidden(message)) => assert!(message.contains("monitor"), "{message}"),
        other => panic!("an investigator verified: {other:?}"),
    }
    assert_eq!(f.event_count().await, before, "a refusal wrote events");
}

async fn a_lock_refuses_every_change_it_covers_until_unlocked(backend: Backend) {
    let f = fixture(backend).await;
    let monitor = monitor(&f).await;
    let (subject, lab) = subject_with_lab(&f).await;
    let locked = Locked::Record {
        entity: "lab".into(),
        record_id: lab.id,
    };
    match f.store.lock(&f.investigator, subject, locked.clone()).await {
        Err(StoreError::Forbidden(message)) => assert!(message.contains("monitor"), "{message}"),
        other => panic!("an investigator locked: {other:?}"),
    }
    let lock = f
        .store
        .lock(&monitor, subject, locked)
        .await
        .expect("locked");
    assert_eq!(
        (lock.data.printed_name.as_str(), lock.data.locked),
        ("Mona Monitor", true)
    );
    let mut changed = lab.data.clone();
    changed.value = decimal("1.2").into();
    let before = f.event_count().await;
    let message = refused(
        f.store
            .update_record(&f.investigator, lab.id, lab.version, &changed, "typo")
            .await,
        "locked",
        "lab result record",
    );
    assert!(message.contains("locked by Mona Monitor"), "{message}");
    refused(
        f.store
            .remove_record::<LabResult>(&f.investigator, lab.id, lab.version, "duplicate")
            .await,
        "locked",
        "lab result record",
    );
    assert_eq!(
        f.event_count().await,
        before,
        "a refused change wrote events"
    );
    // Other records of the subject are not covered.
    let visit = f.visit_on(subject, "week 4", days_ago(2)).await;
    // Unlocking needs a reason; then the change goes through.
    assert!(matches!(
        f.store.unlock(&monitor, lock.id, lock.version, " ").await,
        Err(StoreError::ReasonRequired)
    ));
    let unlocked = f
        .store
        .unlock(
            &monitor,
            lock.id,
            lock.version,
            "site found a transcription error",
        )
        .await
        .expect("unlocked");
    assert!(!unlocked.data.locked);
    refused(
        f.store
            .unlock(&monitor, lock.id, unlocked.version, "again")
            .await,
        "lock",
        "unlocked already",
    );
    f.store
        .update_record(&f.investigator, lab.id, lab.version, &changed, "typo")
        .await
        .expect("changed after unlocking");
    // A casebook lock covers the subject, its visits and new records alike.
    f.store
        .lock(&monitor, subject, Locked::Casebook)
        .await
        .expect("casebook locked");
    let before = f.event_count().await;
    let new_lab = LabResult {
        collected_on: days_ago(3),
        ..lab.data.clone()
    };
    refused(
        f.store.add_record(&f.investigator, &new_lab).await,
        "locked",
        "casebook",
    );
    refused(
        f.store
            .update_visit(
                &f.investigator,
                visit.id,
                visit.version,
                &store::VisitData {
                    actual_date: Some(days_ago(1)),
                    ..visit.data.clone()
                },
                "date",
            )
            .await,
        "locked",
        "casebook",
    );
    let subject_now = f.store.subject(subject).await.expect("subject");
    let mut data = subject_now.data.clone();
    data.sex = store::Sex::Male;
    refused(
        f.store
            .update_subject(&f.investigator, subject, subject_now.version, &data, "typo")
            .await,
        "locked",
        "casebook",
    );
    assert_eq!(
        f.event_count().await,
        before,
        "a refused change wrote events"
    );
    assert_eq!(f.store.locks_of(subject).await.expect("locks").len(), 1);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn locking_is_refused_while_queries_are_open_or_twice(backend: Backend) {
    let f = fixture(backend).await;
    let monitor = monitor(&f).await;
    let (subject, lab) = subject_with_lab(&f).await;
    let query = f
        .store
        .open_query(
            &monitor,
            subject,
            "lab",
            lab.id,
            "value",
            "Is 2.1 the value on the report?",
        )
        .await
        .expect("query");
    let locked = Locked::Record {
        entity: "lab".into(),
        record_id: lab.id,
    };
    refused(
        f.store.lock(&monitor, subject, Locked::Casebook).await,
        "locked",
        &format!("query {} on lab result value", query.id),
    );
    refused(
        f.store.lock(&monitor, subject, locked.clone()).await,
        "locked",
        "close its queries",
    );
    f.store
        .close_query(&monitor, query.id, query.version)
        .await
        .expect("closed");
    f.store
        .lock(&monitor, subject, locked.clone())
        .await
        .expect("locked");
    refused(
        f.store.lock(&monitor, subject, locked).await,
        "locked",
        "was locked by Mona Monitor",
    );
    refused(
        f.store
            .lock(
                &monitor,
                subject,
                Locked::Record {
                    entity: "lab".into(),
                    record_id: lab.id + 100,
                },
            )
            .await,
        "record_id",
        "no lab",
    );
}
