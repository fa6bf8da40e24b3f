//! Electronic signatures of visits: re-authentication, meaning, content hash, void on change.

use store::{Backend, Meaning, StoreError};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, days_ago, fixture, password};

both_backends!(
    a_signature_binds_name_time_meaning_and_content,
    a_later_change_voids_the_signature_visibly,
    signing_needs_the_password_and_an_investigator,
);

async fn signed_visit(f: &Fixture) -> (store::Visit, store::Signature) {
    let visit = f.visit("S01-P001").await;
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
    (visit, signature)
}

async fn a_signature_binds_name_time_meaning_and_content(backend: Backend) {
    let f = fixture(backend).await;
    let (visit, signature) = signed_visit(&f).await;
    assert_eq!(
        (
            signature.printed_name.as_str(),
            signature.signer_login.as_str(),
            signature.meaning
        ),
        ("Ivan Investigator", "inv", Meaning::Authorship)
    );
    assert!(signature.is_valid());
    assert!(signature.signed_at.ends_with('Z'));
    assert_eq!(signature.content_sha256.len(), 64);
    assert!(
        f.store
            .signature_matches_content(&signature)
            .await
            .expect("check")
    );
    // The signing is an audit event of its own, by the signer.
    let events = f
        .store
        .audit_page(&store::EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    assert!(
        events
            .iter()
            .any(|e| e.entity == "signature" && e.actor == "inv" && e.action == "create")
    );
    assert_eq!(
        f.store.signatures(visit.id).await.expect("list"),
        [signature]
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_later_change_voids_the_signature_visibly(backend: Backend) {
    let f = fixture(backend).await;
    let (visit, signature) = signed_visit(&f).await;
    let mut data = visit.data.clone();
    data.actual_date = Some(days_ago(3));
    f.store
        .update_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &data,
            "date misread",
        )
        .await
        .expect("change");
    let after = f.store.signatures(visit.id).await.expect("list");
    assert_eq!(after.len(), 1);
    assert!(!after[0].is_valid());
    assert_eq!(
        after[0].void_reason.as_deref(),
        Some("signed content changed: date misread")
    );
    assert_eq!(
        after[0].content_sha256, signature.content_sha256,
        "the signature keeps what it signed"
    );
    assert!(
        !f.store
            .signature_matches_content(&after[0])
            .await
            .expect("check")
    );
    // Saving the visit unchanged voids nothing.
    let visit = f.store.visit(visit.id).await.expect("visit");
    let again = f
        .store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Review,
        )
        .await
        .expect("sign again");
    f.store
        .update_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &visit.data,
            "no change",
        )
        .await
        .expect("same");
    let valid: Vec<_> = f
        .store
        .signatures(visit.id)
        .await
        .expect("list")
        .into_iter()
        .filter(|s| s.is_valid())
        .collect();
    assert_eq!(valid, [again]);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn signing_needs_the_password_and_an_investigator(backend: Backend) {
    let f = fixture(backend).await;
    let (visit, _) = signed_visit(&f).await;
    let before = f.event_count().await;
    let wrong = f
        .store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password("not my password"),
            Meaning::Review,
        )
        .await;
    assert!(
        matches!(wrong, Err(StoreError::AuthenticationFailed)),
        "{wrong:?}"
    );
    assert_eq!(
        f.event_count().await,
        before,
        "a refused signing writes nothing"
    );
    let coordinator = store::NewUser {
        login: "coord".into(),
        printed_name: "Cora Coordinator".into(),
    };
    f.store
        .add_user(&f.admin, &coordinator, &password("another long password"))
        .await
        .expect("user");
    f.store
        .grant(&f.admin, "coord", "S01", store::Role::Coordinator)
        .await
        .expect("grant");
    let coord = f
        .store
        .authenticate("coord", &password("another long password"))
        .await
        .expect("login");
    let before = f.event_count().await;
    let result = f
        .store
        .sign_visit(
            &coord,
            visit.id,
            visit.version,
            &password("another long password"),
            Meaning::Review,
        )
        .await;
    assert!(
        matches!(result, Err(StoreError::Forbidden(_))),
        "{result:?}"
    );
    let stale = f
        .store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version - 1,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Review,
        )
        .await;
    assert!(
        matches!(&stale, Err(StoreError::Invalid { field, .. }) if field == "visit"),
        "{stale:?}"
    );
    assert_eq!(f.event_count().await, before);
    assert!(matches!(
        Meaning::parse("approved"),
        Err(StoreError::Invalid { .. })
    ));
}
