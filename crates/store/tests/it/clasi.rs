//! CLASI assessments: every item stored and audited, totals derived, signatures voided.

use instruments::clasi::Clasi;
use instruments::input::read_clasi;
use store::{Backend, EventFilter, Meaning, StoreError, VisitData};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, days_ago, fixture, password, subject_data};

both_backends!(
    items_round_trip_and_totals_are_derived,
    changing_one_item_audits_that_item_and_voids_signatures,
    bad_dates_and_unknown_visits_are_refused,
    a_tampered_item_fails_verify,
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
        .add_subject(&f.investigator, &subject_data("P-001"))
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

async fn items_round_trip_and_totals_are_derived(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let clasi = form(2);
    let stored = f
        .store
        .add_clasi(&f.investigator, visit.id, days_ago(5), &clasi)
        .await
        .expect("add");
    assert_eq!(stored.clasi, clasi);
    // Activity: erythema 2 + scale 1 + mucous membrane 1 = 4. Damage: dyspigmentation 1,
    // doubled = 2, plus scarring alopecia 3 = 5.
    assert_eq!((stored.activity(), stored.damage()), (Some(4), Some(5)));
    assert_eq!(f.store.clasi(stored.id).await.expect("read"), stored);
    // Not assessed is kept apart from zero, and makes the total missing.
    let mut unassessed = Clasi::clear();
    unassessed.mucous_membrane = None;
    let stored = f
        .store
        .add_clasi(&f.investigator, visit.id, days_ago(5), &unassessed)
        .await
        .expect("add");
    assert_eq!(stored.clasi.mucous_membrane, None);
    assert_eq!((stored.activity(), stored.damage()), (None, Some(0)));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn changing_one_item_audits_that_item_and_voids_signatures(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let stored = f
        .store
        .add_clasi(&f.investigator, visit.id, days_ago(5), &form(2))
        .await
        .expect("add");
    let visit = f.store.visit(visit.id).await.expect("visit");
    let signature = f
        .store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Authorship,
        )
        .await
        .expect("sign");
    assert!(
        f.store
            .signature_matches_content(&signature)
            .await
            .expect("matches")
    );
    let before = f.event_count().await;
    let changed = f
        .store
        .update_clasi(
            &f.investigator,
            stored.id,
            1,
            days_ago(5),
            &form(3),
            "erythema re-read on photo",
        )
        .await
        .expect("update");
    assert_eq!((changed.version, changed.activity()), (2, Some(5)));
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
    // A new assessment at a signed visit voids a fresh signature too.
    let visit = f.store.visit(visit.id).await.expect("visit");
    f.store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Authorship,
        )
        .await
        .expect("sign again");
    f.store
        .add_clasi(&f.investigator, visit.id, days_ago(5), &Clasi::clear())
        .await
        .expect("add");
    let signatures = f.store.signatures(visit.id).await.expect("signatures");
    assert!(signatures.iter().all(|s| !s.is_valid()), "{signatures:?}");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn bad_dates_and_unknown_visits_are_refused(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    let before = f.event_count().await;
    for (visit_id, date, field) in [
        (visit.id, days_ago(-1), "assessed_on"),
        (visit.id, days_ago(31), "assessed_on"),
    ] {
        let result = f
            .store
            .add_clasi(&f.investigator, visit_id, date, &form(1))
            .await;
        assert!(
            matches!(&result, Err(StoreError::Invalid { field: named, .. }) if named == field),
            "{result:?}"
        );
    }
    let result = f
        .store
        .add_clasi(&f.investigator, 99, days_ago(1), &form(1))
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::NotFound {
                entity: "visit",
                ..
            })
        ),
        "{result:?}"
    );
    let result = f
        .store
        .update_clasi(&f.investigator, 99, 1, days_ago(1), &form(1), "fix")
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

async fn a_tampered_item_fails_verify(backend: Backend) {
    let f = fixture(backend).await;
    let visit = visit(&f).await;
    f.store
        .add_clasi(&f.investigator, visit.id, days_ago(5), &form(2))
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
