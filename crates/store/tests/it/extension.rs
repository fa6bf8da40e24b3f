//! A randomised study with an open-label extension the arms enter differently: the store gives a
//! decision the subject's arm only with the allocation secret, and the engine reads it only from
//! the extension's first day.

use protocol::Protocol;
use protocol::allocation::Secret;
use store::{Backend, ClinicalRecord, SubjectData};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    a_decision_reads_the_arm_only_with_the_secret_and_from_the_extension,
    a_study_without_such_an_extension_gives_no_arm,
);

fn secret() -> Secret {
    Secret::from_bytes([9; 32])
}

/// The study made randomised under `protocol_text`, the secret's check registered.
async fn study(backend: Backend, protocol_text: &str) -> Fixture {
    let f = fixture(backend).await;
    store::testing::make_randomised(&f.store, &f.admin, &secret(), protocol_text)
        .await
        .expect("randomised");
    f
}

/// Six subjects enrolled 20 days ago across two strata; their ids.
async fn enrolled(f: &Fixture) -> Vec<i64> {
    let mut ids = Vec::new();
    for n in 1..=6 {
        let data = SubjectData {
            enrolment_date: Some(days_ago(20)),
            ..subject_data(&format!("S01-P{n:03}"))
        };
        let subtype = if n % 2 == 0 { "DLE" } else { "SCLE" };
        let levels = [("subtype", subtype), ("baseline CLASI-A", "10 or more")];
        let subject = store::testing::enrolled_with(&f.store, &f.investigator, &data, &levels)
            .await
            .expect("enrolled");
        ids.push(subject.id);
    }
    ids
}

fn first_rule(record: &ClinicalRecord, protocol: &Protocol, day: i64) -> (String, bool, bool) {
    let decision = record
        .decide(protocol, days_ago(20 - day))
        .expect("decides");
    (
        decision
            .rules
            .first()
            .map(|rule| rule.id.clone())
            .unwrap_or_default(),
        decision.physician_review,
        decision.ignored.iter().any(|note| note.starts_with("arm")),
    )
}

async fn a_decision_reads_the_arm_only_with_the_secret_and_from_the_extension(backend: Backend) {
    let f = study(backend, store::testing::EXTENDED_PROTOCOL).await;
    let ids = enrolled(&f).await;
    let protocol = f.store.protocol().await.expect("protocol");
    let design = protocol.randomisation().expect("randomised");
    let randomisations = f.store.randomisations().await.expect("read");
    let arms = store::arms(design, secret(), &randomisations).expect("replayed");
    let mut seen = Vec::new();
    for (id, arm) in ids.iter().zip(&arms) {
        let code = &design.arms()[*arm].code;
        let given = f
            .store
            .extension_arm(&protocol, *id, Some(&secret()))
            .await
            .expect("arm");
        assert_eq!(given.as_ref(), Some(code), "subject {id}");
        let mut record = f.store.clinical_record(*id).await.expect("record");
        record.arm = given;
        // Day 83: the arm is neither read nor mentioned.
        let (rule, review, mentioned) = first_rule(&record, &protocol, 83);
        assert!(!rule.starts_with("extension."), "{rule}");
        assert!(!mentioned && !review, "subject {id}");
        // Day 84: placebo restarts, lenalidomide goes on.
        let (rule, review, mentioned) = first_rule(&record, &protocol, 84);
        let wanted = if code == "PBO" {
            "extension.restart"
        } else {
            "extension.continue"
        };
        assert_eq!(rule, wanted, "subject {id}");
        assert!(!review && !mentioned, "subject {id}");
        // Without the secret no arm is given: the physician decides.
        let blind = f
            .store
            .extension_arm(&protocol, *id, None)
            .await
            .expect("none");
        assert_eq!(blind, None);
        record.arm = blind;
        let (rule, review, _) = first_rule(&record, &protocol, 84);
        assert_eq!(rule, "extension.arm_needed");
        assert!(review);
        seen.push(code.clone());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["LEN", "PBO"], "both arms were tried");
    // A secret other than the registered one is refused.
    refused(
        f.store
            .extension_arm(&protocol, ids[0], Some(&Secret::from_bytes([8; 32])))
            .await,
        "allocation secret",
        "",
    );
}

async fn a_study_without_such_an_extension_gives_no_arm(backend: Backend) {
    let f = study(backend, store::testing::RANDOMISED_PROTOCOL).await;
    let ids = enrolled(&f).await;
    let protocol = f.store.protocol().await.expect("protocol");
    for id in ids {
        let arm = f
            .store
            .extension_arm(&protocol, id, Some(&secret()))
            .await
            .expect("read");
        assert_eq!(arm, None);
    }
    // The shipped protocols neither randomise nor read an arm.
    for (_, text) in store::testing::SHIPPED {
        let shipped = Protocol::from_toml(text).expect("shipped");
        let arm = f
            .store
            .extension_arm(&shipped, 1, Some(&secret()))
            .await
            .expect("read");
        assert_eq!(arm, None, "{}", shipped.id());
    }
}
