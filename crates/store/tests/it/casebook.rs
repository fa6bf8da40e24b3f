//! Casebook signatures: an investigator signs everything recorded for one subject; any later
//! change to any record of that subject voids the signature, naming the change's event.

use store::{
    Backend, Decimal, EventFilter, LabResult, Meaning, Signature, Signed, StoreError, VisitData,
};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, days_ago, fixture, password, subject_data};

both_backends!(
    any_change_to_the_subject_voids_its_casebook_signature,
    a_casebook_signature_needs_the_reviewed_content_and_an_investigator,
);

fn lab(subject_id: i64, visit_id: Option<i64>, value: &str) -> LabResult {
    LabResult {
        subject_id,
        visit_id,
        collected_on: days_ago(10),
        test: "neutrophils".into(),
        value: Decimal::parse("value", value).expect("decimal").into(),
        unit: "10^9/L".into(),
        lln: None,
        uln: None,
    }
}

async fn sign(f: &Fixture, subject_id: i64) -> Signature {
    let reviewed = f.store.casebook_sha256(subject_id).await.expect("hash");
    let signature = f
        .store
        .sign_casebook(
            &f.investigator,
            subject_id,
            &reviewed,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Approval,
        )
        .await
        .expect("sign casebook");
    assert_eq!(signature.signed(), Signed::Casebook(subject_id));
    assert_eq!(signature.content_sha256, reviewed);
    assert!(signature.is_valid());
    signature
}

/// The casebook signature `id` of `subject_id` as it stands.
async fn current(f: &Fixture, subject_id: i64, id: i64) -> Signature {
    let signatures = f
        .store
        .casebook_signatures(subject_id)
        .await
        .expect("signatures");
    signatures
        .into_iter()
        .find(|signature| signature.id == id)
        .expect("the signature is still listed")
}

#[derive(Clone, Copy, Debug)]
enum Change {
    AddVisit,
    AddLabAtVisit,
    AddLabWithoutVisit,
    UpdateLab,
    RemoveLab,
    UpdateVisit,
    UpdateSubject,
}

async fn any_change_to_the_subject_voids_its_casebook_signature(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject");
    let other = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("other subject");
    let visit = f.visit_on(subject.id, "week 0", days_ago(10)).await;
    let stored = f
        .store
        .add_record(&f.investigator, &lab(subject.id, Some(visit.id), "2.5"))
        .await
        .expect("lab");

    // Not a change to the casebook: a visit signature, and any change to another subject.
    let signature = sign(&f, subject.id).await;
    f.store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Review,
        )
        .await
        .expect("visit signature");
    f.store
        .add_record(&f.investigator, &lab(other.id, None, "3.0"))
        .await
        .expect("other subject's lab");
    let still = current(&f, subject.id, signature.id).await;
    assert!(still.is_valid(), "{still:?}");
    assert!(
        f.store
            .signature_matches_content(&still)
            .await
            .expect("hash")
    );

    let mut lab_version = stored.version;
    for change in [
        Change::AddVisit,
        Change::AddLabAtVisit,
        Change::AddLabWithoutVisit,
        Change::UpdateLab,
        Change::UpdateVisit,
        Change::UpdateSubject,
        Change::RemoveLab,
    ] {
        let signature = sign(&f, subject.id).await;
        let reason = format!("{change:?} for the test");
        match change {
            Change::AddVisit => {
                let data = VisitData {
                    name: "unscheduled".into(),
                    planned_date: None,
                    actual_date: Some(days_ago(5)),
                };
                f.store
                    .add_visit(&f.investigator, subject.id, &data)
                    .await
                    .map(drop)
            }
            Change::AddLabAtVisit => f
                .store
                .add_record(&f.investigator, &lab(subject.id, Some(visit.id), "2.6"))
                .await
                .map(drop),
            Change::AddLabWithoutVisit => f
                .store
                .add_record(&f.investigator, &lab(subject.id, None, "2.7"))
                .await
                .map(drop),
            Change::UpdateLab => {
                let data = lab(subject.id, Some(visit.id), "2.9");
                let updated = f
                    .store
                    .update_record(&f.investigator, stored.id, lab_version, &data, &reason)
                    .await
                    .expect("update lab");
                lab_version = updated.version;
                Ok(())
            }
            Change::UpdateVisit => {
                let visit = f.store.visit(visit.id).await.expect("visit");
                let mut data = visit.data.clone();
                data.name = "week 0 (baseline)".into();
                f.store
                    .update_visit(&f.investigator, visit.id, visit.version, &data, &reason)
                    .await
                    .map(drop)
            }
            Change::UpdateSubject => {
                let mut data = subject_data("S01-P001");
                data.screening_date = days_ago(28);
                let now = f.store.subject(subject.id).await.expect("subject");
                f.store
                    .update_subject(&f.investigator, subject.id, now.version, &data, &reason)
                    .await
                    .map(drop)
            }
            Change::RemoveLab => {
                f.store
                    .remove_record::<LabResult>(&f.investigator, stored.id, lab_version, &reason)
                    .await
            }
        }
        .unwrap_or_else(|error| panic!("{change:?}: {error}"));
        let voided = current(&f, subject.id, signature.id).await;
        assert!(!voided.is_valid(), "{change:?} left {voided:?} valid");
        let why = voided.void_reason.clone().unwrap_or_default();
        assert!(why.starts_with("signed content changed: "), "{why}");
        // The event named is the change (not the void itself), and it is about this subject.
        let seq = voided.voided_by_seq.expect("the voiding event is named");
        let event = f
            .store
            .audit_page(&EventFilter::default(), seq - 1, 1)
            .await
            .expect("log")
            .pop()
            .expect("event");
        assert_eq!(event.seq, seq);
        assert_eq!(event.subject_id, Some(subject.id), "{change:?}: {event:?}");
        assert_ne!(event.entity, "signature", "{change:?}");
        assert!(
            !f.store
                .signature_matches_content(&voided)
                .await
                .expect("hash"),
            "{change:?}"
        );
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_casebook_signature_needs_the_reviewed_content_and_an_investigator(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject");
    let reviewed = f.store.casebook_sha256(subject.id).await.expect("hash");
    f.store
        .add_record(&f.investigator, &lab(subject.id, None, "2.5"))
        .await
        .expect("lab");
    let before = f.event_count().await;
    let stale = f
        .store
        .sign_casebook(
            &f.investigator,
            subject.id,
            &reviewed,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Approval,
        )
        .await;
    assert!(
        matches!(&stale, Err(StoreError::Invalid { field, .. }) if field == "casebook"),
        "{stale:?}"
    );
    let reviewed = f.store.casebook_sha256(subject.id).await.expect("hash");
    let wrong = f
        .store
        .sign_casebook(
            &f.investigator,
            subject.id,
            &reviewed,
            &password("not the password at all"),
            Meaning::Approval,
        )
        .await;
    assert!(
        matches!(wrong, Err(StoreError::AuthenticationFailed)),
        "{wrong:?}"
    );
    // The administrator holds no investigator role at the site.
    let admin = f
        .store
        .sign_casebook(
            &f.admin,
            subject.id,
            &reviewed,
            &password(crate::fixture::ADMIN_PASSWORD),
            Meaning::Approval,
        )
        .await;
    assert!(matches!(admin, Err(StoreError::Forbidden(_))), "{admin:?}");
    assert_eq!(f.event_count().await, before, "refusals write nothing");
    assert!(
        f.store
            .casebook_signatures(subject.id)
            .await
            .expect("list")
            .is_empty()
    );
}
