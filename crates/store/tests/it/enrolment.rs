//! Screening and enrolment, the one path of every channel: enrolment needs the latest
//! eligibility checklist to say eligible, or an investigator's waiver with a reason (a major
//! deviation recorded with it); the checklist reads the subject's own age.

use protocol::eligibility::Candidate;
use store::{
    Backend, BirthOrAge, DeviationCategory, Enrolment, EventFilter, ProtocolDeviation, StoreError,
    SubjectData,
};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    enrolment_needs_an_eligible_checklist,
    an_investigator_may_enrol_under_a_waiver_with_a_reason,
    the_checklist_reads_the_age_as_entered,
    enrolment_is_its_own_command,
    moving_the_recorded_consent_date_needs_a_reason,
);

/// The events screening one subject writes (its fields and its checklist's), counted on a
/// screening of its own.
async fn screened_events(f: &Fixture) -> i64 {
    let before = f.event_count().await;
    f.store
        .screen(
            &f.investigator,
            &subject_data("S01-COUNT"),
            &Candidate::default(),
        )
        .await
        .expect("screened");
    f.event_count().await - before
}

fn enrolment(subject: &store::Subject, waiver: Option<&str>) -> Enrolment {
    Enrolment {
        subject_id: subject.id,
        based_on: subject.version,
        consent_date: subject.data.consent_date.expect("consented"),
        enrolment_date: days_ago(20),
        waiver: waiver.map(str::to_owned),
        reason: None,
        factors: Vec::new(),
    }
}

/// The example candidate with `changes` applied (JSON keys of the screening record).
fn candidate(changes: serde_json::Value) -> Candidate {
    let mut json = serde_json::to_value(store::testing::eligible_candidate()).expect("json");
    for (key, value) in changes.as_object().expect("object") {
        json[key] = value.clone();
    }
    serde_json::from_value(json).expect("candidate")
}

async fn enrolment_needs_an_eligible_checklist(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    // Born 2015, pregnant, HIV: not eligible.
    let mut child = subject_data("S01-P001");
    child.birth = BirthOrAge::BirthDate(jiff::civil::date(2015, 3, 1));
    let (subject, result) = f
        .store
        .screen(
            inv,
            &child,
            &candidate(serde_json::json!({"pregnant": true, "hiv": true})),
        )
        .await
        .expect("screened");
    assert_eq!(result.eligible, Some(false));
    let before = f.event_count().await;
    let message = refused(
        f.store.enrol(inv, &enrolment(&subject, None)).await,
        "enrolment_date",
        "",
    );
    assert!(message.contains("says not eligible"), "{message}");
    for criterion in ["I1 not met", "E2 applies", "E9 applies"] {
        assert!(message.contains(criterion), "{criterion}: {message}");
    }
    // Incomplete: criteria unknown.
    let (incomplete, result) = f
        .store
        .screen(inv, &subject_data("S01-P002"), &Candidate::default())
        .await
        .expect("screened");
    assert_eq!(result.eligible, None);
    assert_eq!(f.event_count().await - before, screened_events(&f).await);
    let before = f.event_count().await;
    let message = refused(
        f.store.enrol(inv, &enrolment(&incomplete, None)).await,
        "enrolment_date",
        "",
    );
    assert!(message.contains("incomplete"), "{message}");
    assert!(message.contains("I2 unknown"), "{message}");
    assert_eq!(f.event_count().await, before, "a refusal writes nothing");
    // Eligible: enrolled, on the screening date at the earliest.
    let (eligible, _) = f
        .store
        .screen(
            inv,
            &subject_data("S01-P003"),
            &store::testing::eligible_candidate(),
        )
        .await
        .expect("screened");
    let early = Enrolment {
        enrolment_date: days_ago(30),
        ..enrolment(&eligible, None)
    };
    refused(f.store.enrol(inv, &early).await, "enrolment_date", "");
    let on_screening = Enrolment {
        enrolment_date: days_ago(29),
        ..enrolment(&eligible, None)
    };
    let enrolled = f.store.enrol(inv, &on_screening).await.expect("enrolled");
    assert_eq!(enrolled.data.enrolment_date, Some(days_ago(29)));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn an_investigator_may_enrol_under_a_waiver_with_a_reason(backend: Backend) {
    let f = fixture(backend).await;
    let coordinator = f.coordinator().await;
    let (subject, _) = f
        .store
        .screen(
            &f.investigator,
            &subject_data("S01-P001"),
            &candidate(serde_json::json!({"refractory_months": 2})),
        )
        .await
        .expect("screened");
    let before = f.event_count().await;
    // A coordinator may not waive; a blank reason is no waiver.
    match f
        .store
        .enrol(&coordinator, &enrolment(&subject, Some("two months only")))
        .await
    {
        Err(StoreError::Forbidden(message)) => assert!(message.contains("investigator")),
        other => panic!("a coordinator's waiver was not refused: {other:?}"),
    }
    refused(
        f.store
            .enrol(&f.investigator, &enrolment(&subject, Some("  ")))
            .await,
        "enrolment_date",
        "",
    );
    assert_eq!(f.event_count().await, before);
    let why = "refractory for 2 months only; the sponsor agreed in writing";
    let enrolled = f
        .store
        .enrol(&f.investigator, &enrolment(&subject, Some(why)))
        .await
        .expect("enrolled under a waiver");
    assert_eq!(enrolled.data.enrolment_date, Some(days_ago(20)));
    let deviations = f
        .store
        .records_of::<ProtocolDeviation>(subject.id)
        .await
        .expect("deviations");
    assert_eq!(deviations.len(), 1);
    let waiver = &deviations[0].data;
    assert_eq!(waiver.category, DeviationCategory::EligibilityWaiver);
    assert!(waiver.major);
    assert_eq!(waiver.occurred_on, days_ago(20));
    assert!(waiver.description.contains("I5 not met"), "{waiver:?}");
    assert!(waiver.description.contains(why), "{waiver:?}");
    // Nothing to waive for an eligible subject.
    let (eligible, _) = f
        .store
        .screen(
            &f.investigator,
            &subject_data("S01-P002"),
            &store::testing::eligible_candidate(),
        )
        .await
        .expect("screened");
    refused(
        f.store
            .enrol(&f.investigator, &enrolment(&eligible, Some("just in case")))
            .await,
        "waiver",
        "",
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn the_checklist_reads_the_age_as_entered(backend: Backend) {
    let f = fixture(backend).await;
    let with_age = |code: &str, age: i64| SubjectData {
        birth: BirthOrAge::AgeYears(age),
        ..subject_data(code)
    };
    // "Aged over 18": 19 meets it, 18 does not; the number entered is what the checklist reads.
    for (code, age, met) in [("S01-A19", 19, "met"), ("S01-A18", 18, "not_met")] {
        let (_, result) = f
            .store
            .screen(
                &f.investigator,
                &with_age(code, age),
                &store::testing::eligible_candidate(),
            )
            .await
            .expect("screened");
        let i1 = result
            .criteria
            .iter()
            .find(|criterion| criterion.id == "I1")
            .expect("I1");
        assert_eq!(
            serde_json::to_value(i1.status).expect("json"),
            met,
            "{age}: {i1:?}"
        );
    }
    // The candidate may repeat the subject's facts, never contradict them.
    refused(
        f.store
            .screen(
                &f.investigator,
                &with_age("S01-A30", 30),
                &candidate(serde_json::json!({"age_years": 31})),
            )
            .await,
        "candidate.age_years",
        "",
    );
    refused(
        f.store
            .screen(
                &f.investigator,
                &subject_data("S01-A31"),
                &candidate(serde_json::json!({"birth_date": "1981-01-01"})),
            )
            .await,
        "candidate.birth_date",
        "",
    );
}

async fn enrolment_is_its_own_command(backend: Backend) {
    let f = fixture(backend).await;
    let mut data = subject_data("S01-P001");
    data.enrolment_date = Some(days_ago(20));
    refused(
        f.store.add_subject(&f.investigator, &data).await,
        "enrolment_date",
        "",
    );
    let (subject, _) = f
        .store
        .screen(
            &f.investigator,
            &subject_data("S01-P001"),
            &Candidate::default(),
        )
        .await
        .expect("screened");
    // A subject update cannot enrol around the checklist.
    refused(
        f.store
            .update_subject(&f.investigator, subject.id, subject.version, &data, "enrol")
            .await,
        "enrolment_date",
        "",
    );
    // Once enrolled, the date is corrected like any field, with a reason.
    let enrolled = f.enrol(&subject_data("S01-P002"), days_ago(20)).await;
    let mut corrected = enrolled.data.clone();
    corrected.enrolment_date = Some(days_ago(21));
    let corrected = f
        .store
        .update_subject(
            &f.investigator,
            enrolled.id,
            enrolled.version,
            &corrected,
            "the enrolment date was mistyped",
        )
        .await
        .expect("corrected");
    // Enrolling again is refused; from a stale read, it is a conflict naming who changed it.
    let message = refused(
        f.store
            .enrol(&f.investigator, &enrolment(&corrected, None))
            .await,
        "enrolment_date",
        "",
    );
    assert!(message.contains("was enrolled on"), "{message}");
    match f
        .store
        .enrol(&f.investigator, &enrolment(&enrolled, None))
        .await
    {
        Err(StoreError::Conflict(conflict)) => assert_eq!(conflict.changed_by, "inv"),
        other => panic!("a stale enrolment was not a conflict: {other:?}"),
    }
}

/// Enrolment with a consent date other than the one recorded at screening changes an entered
/// value: refused without a reason (nothing written), recorded as its own change with the
/// reason given (or an import's) before the enrolment; a reason for no change is refused.
async fn moving_the_recorded_consent_date_needs_a_reason(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let eligible = store::testing::eligible_candidate();
    let (subject, _) = f
        .store
        .screen(inv, &subject_data("S01-P001"), &eligible)
        .await
        .expect("screened");
    let moved = |reason: Option<&str>| Enrolment {
        consent_date: days_ago(31),
        reason: reason.map(str::to_owned),
        ..enrolment(&subject, None)
    };
    let before = f.event_count().await;
    for blank in [None, Some("  ")] {
        match f.store.enrol(inv, &moved(blank)).await {
            Err(StoreError::ReasonRequired) => {}
            other => panic!("a moved consent date needs a reason, got {other:?}"),
        }
    }
    let message = refused(
        f.store
            .enrol(
                inv,
                &Enrolment {
                    reason: Some("signed earlier".into()),
                    ..enrolment(&subject, None)
                },
            )
            .await,
        "reason",
        "",
    );
    assert!(
        message.contains("no change to give a reason for"),
        "{message}"
    );
    assert_eq!(f.event_count().await, before, "a refusal writes nothing");
    let why = "the consent form is dated a day earlier";
    let enrolled = f
        .store
        .enrol(inv, &moved(Some(why)))
        .await
        .expect("enrolled");
    assert_eq!(enrolled.data.consent_date, Some(days_ago(31)));
    assert_eq!(enrolled.data.enrolment_date, Some(days_ago(20)));
    let reasons = |code: &'static str| {
        let store = f.store.clone();
        async move {
            let filter = EventFilter {
                subject: Some(code.to_owned()),
                since: None,
                ..EventFilter::default()
            };
            store
                .audit_page(&filter, 0, 1000)
                .await
                .expect("trail")
                .into_iter()
                .filter(|event| event.action == "update")
                .map(|event| {
                    (
                        event.field.unwrap_or_default(),
                        event.reason.unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        reasons("S01-P001").await,
        [
            ("consent_date".to_owned(), why.to_owned()),
            (
                "enrolment_date".to_owned(),
                "enrolment after an eligible screening".to_owned()
            ),
        ]
    );
    // An import moves it with the import's reason.
    let (imported, _) = f
        .store
        .screen(inv, &subject_data("S01-P002"), &eligible)
        .await
        .expect("screened");
    let mut batch = f
        .store
        .batch(inv, Some("paper CRFs entered"))
        .await
        .expect("batch");
    batch
        .enrol(&Enrolment {
            consent_date: days_ago(31),
            ..enrolment(&imported, None)
        })
        .await
        .expect("enrolled by the batch");
    batch.commit().await.expect("committed");
    assert_eq!(
        reasons("S01-P002").await,
        [
            ("consent_date".to_owned(), "paper CRFs entered".to_owned()),
            ("enrolment_date".to_owned(), "paper CRFs entered".to_owned()),
        ]
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
