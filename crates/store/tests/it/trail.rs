//! Reading the trail by name (site code, study id, record label) and checking it against a head
//! written down outside the database.

use store::testing::tamper;
use store::{Backend, EventFilter, Head, VisitData};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(
    events_carry_the_names_of_what_they_are_about,
    a_head_written_down_finds_a_cut_off_trail,
);

async fn events_carry_the_names_of_what_they_are_about(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P007"))
        .await
        .expect("subject");
    let visit = VisitData {
        name: "week 4".into(),
        planned_date: None,
        actual_date: Some(days_ago(3)),
    };
    f.store
        .add_visit(&f.investigator, subject.id, &visit)
        .await
        .expect("visit");
    let filter = EventFilter {
        subject: Some("S01-P007".into()),
        since: None,
        ..EventFilter::default()
    };
    let named = f
        .store
        .audit_page_named(&filter, 0, 1000)
        .await
        .expect("log");
    let plain = f.store.audit_page(&filter, 0, 1000).await.expect("log");
    assert_eq!(
        named.iter().map(|n| n.event.clone()).collect::<Vec<_>>(),
        plain
    );
    for event in &named {
        assert_eq!(event.subject.as_deref(), Some("S01-P007"), "{event:?}");
        assert_eq!(event.site.as_deref(), Some("S01"), "{event:?}");
        let expect = match event.event.entity.as_str() {
            "subject" => "S01-P007",
            "visit" => "week 4",
            other => panic!("unexpected entity {other}"),
        };
        assert_eq!(event.record.as_deref(), Some(expect), "{event:?}");
    }
    // Study-wide events name no subject; a user is named by login.
    let all = f
        .store
        .audit_page_named(&EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    let user = all
        .iter()
        .find(|event| event.event.entity == "user")
        .expect("a user event");
    assert_eq!(
        (user.subject.as_deref(), user.record.as_deref()),
        (None, Some("admin"))
    );
}

async fn a_head_written_down_finds_a_cut_off_trail(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.store.verify().await.expect("verify");
    let kept = before.head().expect("a head");
    f.store
        .add_site(&f.admin, "S02", "Second site")
        .await
        .expect("site");
    let verified = f.store.verify().await.expect("verify");
    Fixture::assert_verifies(&verified);
    let head = verified.head().expect("head");
    assert_eq!(Head::parse(&head.to_string()).ok(), Some(head.clone()));
    for expected in [&kept, &head] {
        let ok = f.store.verify_with_head(expected).await.expect("verify");
        Fixture::assert_verifies(&ok);
    }
    let wrong = Head {
        seq: kept.seq,
        hash: head.hash.clone(),
    };
    let rewritten = f.store.verify_with_head(&wrong).await.expect("verify");
    let problem = rewritten.problem.expect("a wrong hash is found");
    assert_eq!(problem.place, format!("event {}", kept.seq));
    assert!(problem.message.contains("rewritten"), "{problem}");

    // Cut the second site off cleanly, events and row: the chain and the projections agree
    // again, so only the head written down can tell.
    tamper(
        f.db.url(),
        &format!(
            "DELETE FROM audit_event WHERE seq > {}; DELETE FROM site WHERE code = 'S02'",
            kept.seq
        ),
    )
    .await
    .expect("tamper");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
    let cut = f.store.verify_with_head(&head).await.expect("verify");
    let problem = cut.problem.expect("the cut is found");
    assert_eq!(problem.place, format!("event {}", head.seq));
    assert!(problem.message.contains("cut off"), "{problem}");
}
