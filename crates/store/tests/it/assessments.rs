//! CLASI and SLEDAI-2K assessments: every item stored and audited, totals derived, visit
//! signatures voided by a change.

use std::collections::BTreeSet;

use instruments::clasi::Clasi;
use instruments::input::{read_clasi, read_sledai};
use instruments::sledai::{Descriptor, Sledai2k, Window};
use store::{
    Backend, ClasiAssessment, EventFilter, Meaning, SledaiAssessment, StoreError, Stored, VisitData,
};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, days_ago, fixture, password, subject_data};

both_backends!(
    clasi_items_round_trip_and_totals_are_derived,
    changing_one_clasi_item_audits_that_item_and_voids_signatures,
    bad_dates_and_unknown_visits_are_refused,
    a_tampered_clasi_item_fails_verify,
    sledai_descriptors_round_trip_and_score,
);

/// Ears erythema 2 and scale 1, mucous membrane 1, scarring alopecia 3 (one quadrant),
/// dyspigmentation on the chest lasting 12 months or more (doubled).
fn form(ears_erythema: u8) -> Clasi {
    let text = format!(
        r#"{{"areas": {{"ears": {{"erythema": {ears_erythema}, "scale": 1}}, "chest": {{"dyspigmentation": 1}}}},
            "mucous_membrane": 1, "recent_hair_loss": 0, "nonscarring_alopecia": 0,
            "scarring_alopecia": 3, "dyspigmentation_lasts_12_months": true}}"#
    );
    read_clasi(&text).expect("valid CLASI")
}

async fn visit(f: &Fixture) -> store::Visit {
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject");
    let data = VisitData {
        name: "baseline".into(),
        planned_date: None,
        actual_date: Some(days_ago(5)),
    };
    f.store
        .add_visit(&f.investigator, subject.id, &data)
        .await
        .expect("visit")
}

fn assessment(visit: &store::Visit, clasi: Clasi) -> ClasiAssessment {
    ClasiAssessment {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        assessed_on: days_ago(5),
        clasi,
    }
}

async fn clasi_items_round_trip_and_totals_are_derived(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let stored = f
        .store
        .add_record(&f.investigator, &assessment(&visit, form(2)))
        .await
        .expect("add");
    assert_eq!(stored.data.clasi, form(2));
    // Activity: erythema 2 + scale 1 + mucous membrane 1 = 4. Damage: dyspigmentation 1,
    // doubled = 2, plus scarring alopecia 3 = 5.
    assert_eq!(
        (stored.data.activity(), stored.data.damage()),
        (Some(4), Some(5))
    );
    assert_eq!(
        f.store
            .record::<ClasiAssessment>(stored.id)
            .await
            .expect("read"),
        stored
    );
    // Not assessed is kept apart from zero, and makes the total missing (at another visit:
    // a CLASI is one per visit).
    let mut unassessed = Clasi::clear();
    unassessed.mucous_membrane = None;
    let later = f.visit_on(visit.subject_id, "week 1", days_ago(4)).await;
    let stored = f
        .store
        .add_record(&f.investigator, &assessment(&later, unassessed))
        .await
        .expect("add");
    assert_eq!(stored.data.clasi.mucous_membrane, None);
    assert_eq!(
        (stored.data.activity(), stored.data.damage()),
        (None, Some(0))
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn changing_one_clasi_item_audits_that_item_and_voids_signatures(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let stored = f
        .store
        .add_record(&f.investigator, &assessment(&visit, form(2)))
        .await
        .expect("add");
    let visit = f.store.visit(visit.id).await.expect("visit");
    let sign = |visit: &store::Visit| {
        let (id, version) = (visit.id, visit.version);
        let store = f.store.clone();
        let investigator = f.investigator.clone();
        async move {
            store
                .sign_visit(
                    &investigator,
                    id,
                    version,
                    &password(INVESTIGATOR_PASSWORD),
                    Meaning::Authorship,
                )
                .await
                .expect("sign")
        }
    };
    let signature = sign(&visit).await;
    assert!(
        f.store
            .signature_matches_content(&signature)
            .await
            .expect("matches")
    );
    let before = f.event_count().await;
    let changed = f
        .store
        .update_record(
            &f.investigator,
            stored.id,
            1,
            &assessment(&visit, form(3)),
            "erythema re-read on photo",
        )
        .await
        .expect("update");
    assert_eq!((changed.version, changed.data.activity()), (2, Some(5)));
    let events = f
        .store
        .audit_page(&EventFilter::default(), before, 100)
        .await
        .expect("log");
    let clasi_events: Vec<_> = events
        .iter()
        .filter(|e| e.entity == "clasi")
        .map(|e| {
            (
                e.field.as_deref(),
                e.old_value.as_deref(),
                e.new_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        clasi_events,
        [
            (Some("ears_erythema"), Some("2"), Some("3")),
            (Some("activity"), Some("4"), Some("5"))
        ]
    );
    let signatures = f.store.signatures(visit.id).await.expect("signatures");
    assert_eq!(
        signatures[0].void_reason.as_deref(),
        Some("signed content changed: erythema re-read on photo")
    );
    // A CLASI voided at a signed visit voids a fresh signature too.
    sign(&f.store.visit(visit.id).await.expect("visit")).await;
    let current = f
        .store
        .records_of::<ClasiAssessment>(visit.subject_id)
        .await
        .expect("clasi")
        .remove(0);
    f.store
        .remove_record::<ClasiAssessment>(
            &f.investigator,
            current.id,
            current.version,
            "entered at the wrong visit",
        )
        .await
        .expect("voided");
    let signatures = f.store.signatures(visit.id).await.expect("signatures");
    assert!(signatures.iter().all(|s| !s.is_valid()), "{signatures:?}");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn bad_dates_and_unknown_visits_are_refused(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let before = f.event_count().await;
    for date in [days_ago(-1), days_ago(31)] {
        let bad = ClasiAssessment {
            assessed_on: date,
            ..assessment(&visit, form(1))
        };
        let result = f.store.add_record(&f.investigator, &bad).await;
        assert!(
            matches!(&result, Err(StoreError::Invalid { field, .. }) if field == "assessed_on"),
            "{result:?}"
        );
    }
    let elsewhere = ClasiAssessment {
        visit_id: 99,
        ..assessment(&visit, form(1))
    };
    let result = f.store.add_record(&f.investigator, &elsewhere).await;
    assert!(
        matches!(&result, Err(StoreError::Invalid { field, .. }) if field == "visit_id"),
        "{result:?}"
    );
    let result = f
        .store
        .update_record(&f.investigator, 99, 1, &assessment(&visit, form(1)), "fix")
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::NotFound {
                entity: "clasi",
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(f.event_count().await, before);
    // Out-of-range items never reach the store: the reader refuses them, naming the item.
    let error = read_clasi(r#"{"areas": {"ears": {"erythema": 4}}}"#).expect_err("erythema is 0-3");
    assert!(error.to_string().contains("erythema"), "{error}");
}

async fn a_tampered_clasi_item_fails_verify(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    f.store
        .add_record(&f.investigator, &assessment(&visit, form(2)))
        .await
        .expect("add");
    store::testing::tamper(
        f.db.url(),
        "UPDATE clasi SET ears_erythema = 1 WHERE id = 1",
    )
    .await
    .expect("tamper");
    let problem = f
        .store
        .verify()
        .await
        .expect("verify")
        .problem
        .expect("detected");
    assert_eq!(problem.place, "clasi 1");
    assert!(
        problem
            .message
            .contains("ears_erythema is 1 in the table but 2 from the events"),
        "{problem}"
    );
}

async fn sledai_descriptors_round_trip_and_score(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let sledai =
        read_sledai(r#"{"descriptors": ["arthritis", "rash", "low_complement"], "window": "30d"}"#)
            .expect("valid SLEDAI-2K");
    let data = SledaiAssessment {
        subject_id: visit.subject_id,
        visit_id: Some(visit.id),
        assessed_on: days_ago(5),
        sledai,
    };
    let stored = f
        .store
        .add_record(&f.investigator, &data)
        .await
        .expect("add");
    // Arthritis 4 + rash 2 + low complement 2.
    assert_eq!(
        (stored.data.sledai.score(), stored.data.sledai.window),
        (8, Window::Days30)
    );
    let read: Stored<SledaiAssessment> = f.store.record(stored.id).await.expect("read");
    assert_eq!(read, stored);
    let fewer = Sledai2k {
        descriptors: BTreeSet::from([Descriptor::Arthritis]),
        window: Window::Days30,
    };
    let changed = SledaiAssessment {
        sledai: fewer,
        ..data
    };
    let changed = f
        .store
        .update_record(
            &f.investigator,
            stored.id,
            1,
            &changed,
            "rash was CLE, not SLE",
        )
        .await
        .expect("update");
    assert_eq!(changed.data.sledai.score(), 4);
    let events = f
        .store
        .audit_page(&EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e.entity == "sledai" && e.action == "update")
        .map(|e| (e.field.as_deref(), e.new_value.as_deref()))
        .collect();
    assert_eq!(
        changes,
        [
            (Some("rash"), Some("false")),
            (Some("low_complement"), Some("false")),
            (Some("score"), Some("4"))
        ]
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
