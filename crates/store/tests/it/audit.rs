//! The trail: chain, reasons, versions and conflicts, the event log.

use store::{Backend, EventFilter, GENESIS_HASH, StoreError};

use crate::fixture::{Fixture, fixture, refused, subject_data};

both_backends!(
    init_writes_a_verified_chain,
    changes_record_old_new_and_reason,
    reason_is_required_after_first_entry,
    stale_version_is_refused_naming_who_changed_it,
    removal_keeps_the_record_and_its_history,
    log_filters_by_subject_and_time,
    log_filters_by_record_field_user_and_period,
    init_runs_once,
);

async fn init_writes_a_verified_chain(backend: Backend) {
    let f = fixture(backend).await;
    let verification = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&verification);
    let events = f
        .store
        .audit_page(&EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    assert_eq!(events.len() as i64, verification.events);
    assert_eq!(events[0].prev_hash, GENESIS_HASH);
    for (i, pair) in events.windows(2).enumerate() {
        assert_eq!(pair[1].seq, pair[0].seq + 1, "gap after event {i}");
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert_eq!(verification.head_hash, events.last().expect("events").hash);
    // The first events are the administrator creating themself and the study.
    assert_eq!(events[0].actor, "admin");
    assert_eq!(
        (events[0].entity.as_str(), events[0].action.as_str()),
        ("user", "create")
    );
    assert!(
        events.iter().all(|event| event.recorded_at.ends_with('Z')),
        "UTC times"
    );
    let study = f.store.study().await.expect("study");
    assert_eq!(
        (study.protocol_version, study.protocol_text.as_str()),
        (1, crate::fixture::PROTOCOL)
    );
}

async fn changes_record_old_new_and_reason(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    assert_eq!(subject.version, 1);
    let before = f.event_count().await;
    let mut data = subject.data.clone();
    data.sex = store::Sex::Male;
    data.subtype = None;
    let changed = f
        .store
        .update_subject(
            &f.investigator,
            subject.id,
            1,
            &data,
            "transcription error, source shows M",
        )
        .await
        .expect("update");
    assert_eq!(
        (changed.version, changed.data.sex, changed.data.subtype),
        (2, store::Sex::Male, None)
    );
    let events = f
        .store
        .audit_page(&EventFilter::default(), before, 100)
        .await
        .expect("log");
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.field.as_deref(),
                e.old_value.as_deref(),
                e.new_value.as_deref(),
                e.version,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Some("sex"), Some("\"F\""), Some("\"M\""), 2),
            (Some("subtype"), Some("\"dle_localized\""), None, 2)
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e.reason.as_deref() == Some("transcription error, source shows M"))
    );
    assert!(
        events
            .iter()
            .all(|e| e.actor == "inv" && e.subject_id == Some(subject.id) && e.action == "update")
    );
    // Saving the same data again changes nothing and writes nothing.
    let same = f
        .store
        .update_subject(&f.investigator, subject.id, 2, &data, "no-op")
        .await
        .expect("same");
    assert_eq!(same.version, 2);
    assert_eq!(f.event_count().await, before + 2);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn reason_is_required_after_first_entry(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let before = f.event_count().await;
    let mut data = subject.data.clone();
    data.sex = store::Sex::Male;
    for reason in ["", "   ", "\n"] {
        let result = f
            .store
            .update_subject(&f.investigator, subject.id, 1, &data, reason)
            .await;
        assert!(
            matches!(result, Err(StoreError::ReasonRequired)),
            "{reason:?}: {result:?}"
        );
        let result = f
            .store
            .remove_subject(&f.investigator, subject.id, 1, reason)
            .await;
        assert!(
            matches!(result, Err(StoreError::ReasonRequired)),
            "{reason:?}: {result:?}"
        );
        let result = f.store.disable_user(&f.admin, "inv", reason).await;
        assert!(
            matches!(result, Err(StoreError::ReasonRequired)),
            "{reason:?}: {result:?}"
        );
    }
    assert_eq!(f.event_count().await, before);
    assert_eq!(f.store.subject(subject.id).await.expect("subject"), subject);
}

async fn stale_version_is_refused_naming_who_changed_it(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    // A second person at the same site edits first.
    let coordinator = store::NewUser {
        login: "coord".into(),
        printed_name: "Cora Coordinator".into(),
    };
    f.store
        .add_user(
            &f.admin,
            &coordinator,
            &crate::fixture::password("another long password"),
        )
        .await
        .expect("user");
    f.store
        .grant(&f.admin, "coord", "S01", store::Role::Coordinator)
        .await
        .expect("grant");
    let coord = f
        .store
        .authenticate("coord", &crate::fixture::password("another long password"))
        .await
        .expect("login");
    let mut theirs = subject.data.clone();
    theirs.sex = store::Sex::Unknown;
    f.store
        .update_subject(&coord, subject.id, 1, &theirs, "checked source")
        .await
        .expect("first edit");
    let before = f.event_count().await;
    let mut mine = subject.data.clone();
    mine.subtype = Some(instruments::subtype::Subtype::Tumidus);
    let result = f
        .store
        .update_subject(&f.investigator, subject.id, 1, &mine, "my edit")
        .await;
    let Err(StoreError::Conflict(conflict)) = result else {
        panic!("expected a conflict, got {result:?}")
    };
    assert_eq!(
        (
            conflict.based_on,
            conflict.current,
            conflict.changed_by.as_str()
        ),
        (1, 2, "coord")
    );
    assert!(
        conflict.to_string().contains("changed by coord"),
        "{conflict}"
    );
    assert_eq!(f.event_count().await, before);
    let now = f.store.subject(subject.id).await.expect("subject");
    assert_eq!(
        (now.data.sex, now.data.subtype),
        (
            store::Sex::Unknown,
            Some(instruments::subtype::Subtype::DleLocalized)
        )
    );
}

async fn removal_keeps_the_record_and_its_history(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    f.store
        .remove_subject(&f.investigator, subject.id, 1, "registered twice")
        .await
        .expect("remove");
    assert!(matches!(
        f.store.subject(subject.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let filter = EventFilter {
        subject: Some("S01-P001".into()),
        since: None,
        ..EventFilter::default()
    };
    let events = f.store.audit_page(&filter, 0, 100).await.expect("log");
    let last = events.last().expect("events");
    assert_eq!(
        (last.action.as_str(), last.version, last.reason.as_deref()),
        ("remove", 2, Some("registered twice"))
    );
    assert!(events.len() > 1, "the creation stays in the trail");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
    // A removed record cannot be changed, and its pseudonymous id is not reused.
    let again = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Invalid { field, .. }) if field == "code"),
        "{again:?}"
    );
}

async fn log_filters_by_subject_and_time(backend: Backend) {
    let f = fixture(backend).await;
    let a = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("a");
    f.store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("b");
    let filter = EventFilter {
        subject: Some("S01-P001".into()),
        since: None,
        ..EventFilter::default()
    };
    let events = f.store.audit_page(&filter, 0, 1000).await.expect("log");
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e.subject_id == Some(a.id)));
    let future = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let none = f
        .store
        .audit_page(
            &EventFilter {
                subject: None,
                since: Some(future),
                ..EventFilter::default()
            },
            0,
            1000,
        )
        .await
        .expect("log");
    assert_eq!(none, []);
    let unknown = f
        .store
        .audit_page(
            &EventFilter {
                subject: Some("S01-P999".into()),
                since: None,
                ..EventFilter::default()
            },
            0,
            10,
        )
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound { .. })),
        "{unknown:?}"
    );
    // Paging returns the same events as one read.
    let all = f
        .store
        .audit_page(&EventFilter::default(), 0, 1000)
        .await
        .expect("all");
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = f
            .store
            .audit_page(&EventFilter::default(), after, 3)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        after = last.seq;
        paged.extend(page);
    }
    assert_eq!(paged, all);
}

/// Which events a filter should keep.
type Keeps = Box<dyn Fn(&store::Event) -> bool>;

/// The history's filters: a kind of record, a field, a user, a period; each keeps exactly the
/// events that match, and a kind or field no record has is refused, never read as "none".
async fn log_filters_by_record_field_user_and_period(backend: Backend) {
    let f = fixture(backend).await;
    let start = jiff::Timestamp::now();
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("add");
    let mut changed = subject.data.clone();
    changed.sex = store::Sex::Male;
    f.store
        .update_subject(&f.investigator, subject.id, 1, &changed, "sex misread")
        .await
        .expect("change");
    f.visit("S01-P002").await;
    let read = |filter: EventFilter| {
        let store = f.store.clone();
        async move { store.audit_page(&filter, 0, 1000).await }
    };
    let all = read(EventFilter::default()).await.expect("all");
    let cases: Vec<(EventFilter, Keeps)> = vec![
        (
            EventFilter {
                entity: Some("visit".into()),
                ..EventFilter::default()
            },
            Box::new(|e| e.entity == "visit"),
        ),
        (
            EventFilter {
                field: Some("sex".into()),
                ..EventFilter::default()
            },
            Box::new(|e| e.field.as_deref() == Some("sex")),
        ),
        (
            EventFilter {
                entity: Some("subject".into()),
                field: Some("sex".into()),
                actor: Some("inv".into()),
                ..EventFilter::default()
            },
            Box::new(|e| e.entity == "subject" && e.field.as_deref() == Some("sex")),
        ),
        (
            EventFilter {
                actor: Some("admin".into()),
                ..EventFilter::default()
            },
            Box::new(|e| e.actor == "admin"),
        ),
        (
            EventFilter {
                until: Some(start),
                ..EventFilter::default()
            },
            Box::new(move |e| e.recorded_at.as_str() < format!("{start:.6}").as_str()),
        ),
    ];
    for (filter, keeps) in cases {
        let expected: Vec<_> = all.iter().filter(|e| keeps(e)).cloned().collect();
        assert!(!expected.is_empty(), "{filter:?} matches something");
        assert!(
            expected.len() < all.len(),
            "{filter:?} leaves something out"
        );
        assert_eq!(
            read(filter.clone()).await.expect("read"),
            expected,
            "{filter:?}"
        );
    }
    // The change of sex is the one "sex" event after the first entry (values are stored as
    // canonical JSON).
    let sex = read(EventFilter {
        field: Some("sex".into()),
        ..EventFilter::default()
    })
    .await
    .expect("sex");
    assert_eq!(
        sex.iter()
            .map(|e| (e.old_value.as_deref(), e.new_value.as_deref()))
            .collect::<Vec<_>>(),
        [
            (None, Some("\"F\"")),
            (Some("\"F\""), Some("\"M\"")),
            (None, Some("\"F\""))
        ]
    );
    for (filter, field, words) in [
        (
            EventFilter {
                entity: Some("clasy".into()),
                ..EventFilter::default()
            },
            "entity",
            "'clasy' is no kind of record; known: study, site",
        ),
        (
            EventFilter {
                // A CLASI item is named with its area (`legs_erythema`) in the site's CLASI.
                field: Some("induration".into()),
                ..EventFilter::default()
            },
            "field",
            "'induration' is no field of any record",
        ),
        (
            EventFilter {
                entity: Some("visit".into()),
                field: Some("sex".into()),
                ..EventFilter::default()
            },
            "field",
            "'sex' is no field of visit",
        ),
    ] {
        refused(read(filter).await, field, words);
    }
}

async fn init_runs_once(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.event_count().await;
    let study = store::NewStudy {
        code: "OTHER".into(),
        title: "Other".into(),
        protocol_text: store::testing::PROTOCOL.into(),
    };
    let admin = store::NewUser {
        login: "admin2".into(),
        printed_name: "Second Admin".into(),
    };
    let result = store::Store::init(
        f.db.url(),
        &study,
        &admin,
        &crate::fixture::password("yet another password"),
    )
    .await;
    assert!(
        matches!(&result, Err(StoreError::Invalid { field, .. }) if field == "db"),
        "{:?}",
        result.err()
    );
    assert_eq!(f.event_count().await, before);
}
