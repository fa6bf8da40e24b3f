//! Subjects and visits: bad input is refused with the field named, and leaves the database
//! unchanged.

use jiff::civil::Date;
use store::{Backend, BirthOrAge, Decimal, LabResult, Role, StoreError, SubjectData, VisitData};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    bad_subject_input_is_refused_and_writes_nothing,
    visits_need_consent_and_past_dates,
    unknown_subject_is_refused,
    data_entry_needs_a_role_at_the_site,
    a_subject_change_cannot_strand_its_records,
    a_subject_change_rechecks_every_kind_it_holds,
    subject_codes_carry_their_site,
);

/// Expects `data` to be refused as invalid, naming `field`.
#[track_caller]
fn check(result: Result<store::Subject, StoreError>, field: &str) {
    match result {
        Err(StoreError::Invalid { field: named, .. }) => assert_eq!(named, field),
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

async fn bad_subject_input_is_refused_and_writes_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let with = |change: fn(&mut SubjectData)| {
        let mut data = subject_data("S01-P001");
        change(&mut data);
        data
    };
    let cases: Vec<(SubjectData, &str)> = vec![
        (with(|d| d.code = "Jane Doe".into()), "code"),
        (with(|d| d.code = String::new()), "code"),
        (with(|d| d.code = "P".repeat(21)), "code"),
        (with(|d| d.site = "S99".into()), "site"),
        (with(|d| d.screening_date = days_ago(-1)), "screening_date"),
        (
            with(|d| d.consent_date = Some(days_ago(-1))),
            "consent_date",
        ),
        (with(|d| d.screening_date = days_ago(31)), "screening_date"),
        (
            with(|d| d.birth = BirthOrAge::BirthDate(days_ago(-3))),
            "birth_date",
        ),
        (
            with(|d| d.birth = BirthOrAge::BirthDate(days_ago(10))),
            "birth_date",
        ),
        (with(|d| d.birth = BirthOrAge::AgeYears(-1)), "age_years"),
        (with(|d| d.birth = BirthOrAge::AgeYears(121)), "age_years"),
        (
            with(|d| {
                d.consent_date = None;
                d.enrolment_date = Some(days_ago(1))
            }),
            "enrolment_date",
        ),
        (
            with(|d| d.enrolment_date = Some(days_ago(29 + 1))),
            "enrolment_date",
        ),
        (
            with(|d| d.enrolment_date = Some(days_ago(-1))),
            "enrolment_date",
        ),
    ];
    for (data, field) in cases {
        check(f.store.add_subject(&f.investigator, &data).await, field);
    }
    assert_eq!(f.event_count().await, before, "refused input wrote events");
    // Both sides of each boundary: these are accepted.
    let edges: Vec<SubjectData> = vec![
        with(|d| d.screening_date = days_ago(30)),
        with(|d| d.birth = BirthOrAge::AgeYears(0)),
        with(|d| d.birth = BirthOrAge::AgeYears(120)),
        with(|d| {
            d.consent_date = Some(days_ago(0));
            d.screening_date = days_ago(0)
        }),
    ];
    for (i, mut data) in edges.into_iter().enumerate() {
        data.code = format!("S01-E{i}");
        f.store
            .add_subject(&f.investigator, &data)
            .await
            .unwrap_or_else(|e| panic!("{data:?}: {e}"));
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn visits_need_consent_and_past_dates(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let mut unconsented = subject_data("S01-P002");
    unconsented.consent_date = None;
    let unconsented = f
        .store
        .add_subject(&f.investigator, &unconsented)
        .await
        .expect("add");
    let before = f.event_count().await;
    let visit = |actual: Option<Date>| VisitData {
        name: "week 4".into(),
        planned_date: Some(days_ago(2)),
        actual_date: actual,
    };
    let refused = [
        (subject.id, visit(Some(days_ago(-1)))),
        (subject.id, visit(Some(days_ago(31)))),
        (unconsented.id, visit(Some(days_ago(1)))),
        (
            subject.id,
            VisitData {
                name: "  ".into(),
                planned_date: None,
                actual_date: None,
            },
        ),
    ];
    for (id, data) in refused {
        let result = f.store.add_visit(&f.investigator, id, &data).await;
        assert!(
            matches!(result, Err(StoreError::Invalid { .. })),
            "{data:?}: {result:?}"
        );
    }
    assert_eq!(f.event_count().await, before);
    let added = f
        .store
        .add_visit(&f.investigator, subject.id, &visit(None))
        .await
        .expect("planned visit");
    let done = f
        .store
        .update_visit(
            &f.investigator,
            added.id,
            1,
            &visit(Some(days_ago(30))),
            "visit took place on consent day",
        )
        .await
        .expect("visit done");
    assert_eq!(
        (done.version, done.data.actual_date),
        (2, Some(days_ago(30)))
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn unknown_subject_is_refused(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let visit = VisitData {
        name: "week 4".into(),
        planned_date: None,
        actual_date: None,
    };
    let result = f.store.add_visit(&f.investigator, 42, &visit).await;
    assert!(
        matches!(
            result,
            Err(StoreError::NotFound {
                entity: "subject",
                ..
            })
        ),
        "{result:?}"
    );
    let result = f
        .store
        .update_subject(&f.investigator, 42, 1, &subject_data("S01-P042"), "fix")
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::NotFound {
                entity: "subject",
                ..
            })
        ),
        "{result:?}"
    );
    assert!(matches!(
        f.store.subject_by_code("S01-P042").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(f.event_count().await, before);
}

async fn data_entry_needs_a_role_at_the_site(backend: Backend) {
    let f = fixture(backend).await;
    f.store
        .add_site(&f.admin, "S02", "Second site")
        .await
        .expect("site");
    let mut elsewhere = subject_data("S01-P001");
    elsewhere.site = "S02".into();
    let before = f.event_count().await;
    let result = f.store.add_subject(&f.investigator, &elsewhere).await;
    assert!(
        matches!(result, Err(StoreError::Forbidden(_))),
        "{result:?}"
    );
    // The administrator manages the study but enters no clinical data without a grant.
    let result = f
        .store
        .add_subject(&f.admin, &subject_data("S01-P001"))
        .await;
    assert!(
        matches!(result, Err(StoreError::Forbidden(_))),
        "{result:?}"
    );
    assert_eq!(f.event_count().await, before);
}

async fn a_subject_change_cannot_strand_its_records(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let visit = VisitData {
        name: "week 1".into(),
        planned_date: None,
        actual_date: Some(days_ago(20)),
    };
    f.store
        .add_visit(&f.investigator, subject.id, &visit)
        .await
        .expect("visit");
    let before = f.event_count().await;
    // Consent moved after the visit: the visit would precede consent.
    let mut later = subject.data.clone();
    later.consent_date = Some(days_ago(10));
    later.screening_date = days_ago(10);
    let result = f
        .store
        .update_subject(
            &f.investigator,
            subject.id,
            1,
            &later,
            "consent date misread",
        )
        .await;
    assert_strands(&result, "visit 1");
    assert_eq!(f.event_count().await, before);
    // Consent moved earlier keeps every record valid.
    let mut earlier = subject.data.clone();
    earlier.consent_date = Some(days_ago(35));
    f.store
        .update_subject(
            &f.investigator,
            subject.id,
            1,
            &earlier,
            "consent date misread",
        )
        .await
        .expect("earlier");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// The recheck reads only the kinds of record a subject holds: a laboratory result without a
/// visit still strands the change that moves consent after it; once it is marked entered in
/// error, nothing live is left and the same change goes through.
async fn a_subject_change_rechecks_every_kind_it_holds(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let lab = f
        .store
        .add_record(
            &f.investigator,
            &LabResult {
                subject_id: subject.id,
                visit_id: None,
                collected_on: days_ago(20),
                test: "neutrophils".into(),
                value: Decimal::parse("value", "2.5").expect("decimal").into(),
                unit: "10^9/L".into(),
                lln: None,
                uln: None,
            },
        )
        .await
        .expect("lab");
    let mut later = subject.data.clone();
    later.consent_date = Some(days_ago(10));
    later.screening_date = days_ago(10);
    let change = |data: &SubjectData| {
        let (store, actor, data) = (f.store.clone(), f.investigator.clone(), data.clone());
        async move {
            store
                .update_subject(&actor, subject.id, 1, &data, "consent date misread")
                .await
        }
    };
    assert_strands(&change(&later).await, "lab result 1");
    f.store
        .remove_record::<LabResult>(&f.investigator, lab.id, lab.version, "wrong patient")
        .await
        .expect("marked entered in error");
    change(&later).await.expect("nothing live left to strand");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// A subject's code starts with its site's code, so sites never share a code and "already
/// used" tells a site only of its own subjects (issue 15 item 6).
async fn subject_codes_carry_their_site(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    for (code, words) in [
        ("S-02", "no '-' in a site code"),
        ("ABCDEFGHIJK", "1 to 10 characters"),
    ] {
        refused(
            f.store.add_site(&f.admin, code, "x").await,
            "site code",
            words,
        );
    }
    let at_s01 = |code: &str| SubjectData {
        code: code.into(),
        ..subject_data("S01-1")
    };
    for code in ["P-001", "S01-", "S02-001", "s01-001", "S011-001"] {
        refused(
            f.store.add_subject(&f.investigator, &at_s01(code)).await,
            "code",
            "a subject code at site S01 starts with 'S01-'",
        );
    }
    assert_eq!(f.event_count().await, before, "refused input wrote events");
    // Both sides: the shortest and the longest codes, and a ten-character site code.
    f.store
        .add_site(&f.admin, "ABCDEFGHIJ", "x")
        .await
        .expect("site");
    f.store
        .add_site(&f.admin, "S02", "Second")
        .await
        .expect("site");
    let shortest = f
        .store
        .add_subject(&f.investigator, &at_s01("S01-1"))
        .await
        .expect("shortest");
    let longest = format!("S01-{}", "9".repeat(16));
    f.store
        .add_subject(&f.investigator, &at_s01(&longest))
        .await
        .expect("twenty characters");
    refused(
        f.store.add_subject(&f.investigator, &at_s01("S01-1")).await,
        "code",
        "'S01-1' is already used",
    );

    // Moving a subject to another site takes that site's code.
    f.store
        .grant(&f.admin, "inv", "S02", Role::Investigator)
        .await
        .expect("grant");
    let mut moved = shortest.data.clone();
    moved.site = "S02".into();
    refused(
        f.store
            .update_subject(&f.investigator, shortest.id, 1, &moved, "wrong site")
            .await,
        "code",
        "a subject code at site S02 starts with 'S02-'",
    );
    moved.code = "S02-1".into();
    let moved = f
        .store
        .update_subject(&f.investigator, shortest.id, 1, &moved, "wrong site")
        .await
        .expect("moved with its new code");
    assert_eq!(moved.data.code, "S02-1");

    // A code given before codes carried their site (written here straight into the table)
    // stays usable for other corrections, and is changed only to a code of the site.
    store::testing::tamper(
        f.db.url(),
        &format!("UPDATE subject SET code = 'P-001' WHERE id = {}", moved.id),
    )
    .await
    .expect("tamper");
    let mut corrected = moved.data.clone();
    corrected.code = "P-001".into();
    corrected.sex = store::Sex::Male;
    let corrected = f
        .store
        .update_subject(&f.investigator, moved.id, 2, &corrected, "sex misread")
        .await
        .expect("an old code stays");
    let mut renamed = corrected.data.clone();
    renamed.code = "P-002".into();
    refused(
        f.store
            .update_subject(&f.investigator, moved.id, 3, &renamed, "renumbered")
            .await,
        "code",
        "starts with 'S02-'",
    );
}

/// `result` refuses a subject change that would leave `record` dated before consent.
#[track_caller]
fn assert_strands<T: std::fmt::Debug>(result: &Result<T, StoreError>, record: &str) {
    match result {
        Err(StoreError::Invalid { field, message }) => {
            assert_eq!(field, "subject");
            let message = message.to_string();
            assert!(
                message.contains(record) && message.contains("before consent"),
                "{message}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
