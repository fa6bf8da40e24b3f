//! Missing is not zero: a measurement can hold a value or say it was not done, is not
//! applicable or is unknown, distinct from each other, from 0 and from a blank, in reads, in
//! the trail and in verify.

use store::testing::tamper;
use store::{
    Backend, Decimal, Entry, EventFilter, LabResult, Missing, NerveConduction, Side, StoreError,
};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(
    missing_codes_stay_distinct_through_store_trail_and_verify,
    a_changed_missing_code_is_an_audited_change,
);

fn lab(subject_id: i64, value: Entry<Decimal>) -> LabResult {
    LabResult {
        subject_id,
        visit_id: None,
        collected_on: days_ago(5),
        test: "neutrophils".into(),
        value,
        unit: "10^9/L".into(),
        lln: Some(Decimal::parse("lln", "1.8").expect("decimal")),
        uln: None,
    }
}

fn zero() -> Entry<Decimal> {
    Entry::Value(Decimal::parse("value", "0").expect("decimal"))
}

async fn missing_codes_stay_distinct_through_store_trail_and_verify(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject")
        .id;
    // (entry, canonical text in the trail, CTCAE grade)
    let table = [
        (zero(), "\"0\"", Some(4)),
        (
            Entry::Missing(Missing::NotDone),
            r#"{"missing":"not_done"}"#,
            None,
        ),
        (
            Entry::Missing(Missing::NotApplicable),
            r#"{"missing":"not_applicable"}"#,
            None,
        ),
        (
            Entry::Missing(Missing::Unknown),
            r#"{"missing":"unknown"}"#,
            None,
        ),
    ];
    for (entry, canonical, grade) in table {
        let before = f.event_count().await;
        let stored = f
            .store
            .add_record(&f.investigator, &lab(subject, entry.clone()))
            .await
            .expect("lab");
        assert_eq!(stored.data.value, entry);
        assert_eq!(
            stored
                .data
                .ctcae_grade()
                .expect("grade")
                .map(|grade| grade.number()),
            grade,
            "{entry:?}"
        );
        let events = f
            .store
            .audit_page(&EventFilter::default(), before, 100)
            .await
            .expect("log");
        let value_event = events
            .iter()
            .find(|event| event.entity == "lab" && event.field.as_deref() == Some("value"))
            .expect("value event");
        assert_eq!(value_event.new_value.as_deref(), Some(canonical));
    }
    let read: Vec<Entry<Decimal>> = f
        .store
        .records_of::<LabResult>(subject)
        .await
        .expect("labs")
        .into_iter()
        .map(|lab| lab.data.value)
        .collect();
    assert_eq!(
        read,
        [
            zero(),
            Entry::Missing(Missing::NotDone),
            Entry::Missing(Missing::NotApplicable),
            Entry::Missing(Missing::Unknown),
        ]
    );

    // Nerve conduction: an amplitude not done, a velocity unknown, and a velocity left blank.
    let study = NerveConduction {
        subject_id: subject,
        visit_id: None,
        tested_on: days_ago(4),
        nerve: "sural".into(),
        side: Side::Right,
        amplitude_uv: Entry::Missing(Missing::NotDone),
        velocity_m_per_s: Some(Entry::Missing(Missing::Unknown)),
        abnormal: None,
    };
    let blank = NerveConduction {
        velocity_m_per_s: None,
        side: Side::Left,
        ..study.clone()
    };
    for data in [study, blank] {
        let stored = f
            .store
            .add_record(&f.investigator, &data)
            .await
            .expect("nerve conduction");
        assert_eq!(stored.data, data);
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));

    // A projection row whose code was swapped for another, or for a zero, is named by verify.
    for swapped in ["unknown", "0"] {
        let sql =
            format!("UPDATE lab_result SET value = '{swapped}' WHERE value = 'not_applicable'");
        tamper(f.db.url(), &sql).await.expect("tamper");
        let verification = f.store.verify().await.expect("verify runs");
        let problem = verification.problem.expect("a swapped code is found");
        assert!(problem.place.starts_with("lab_result "), "{problem}");
        assert!(problem.message.contains("value"), "{problem}");
        tamper(
            f.db.url(),
            &format!("UPDATE lab_result SET value = 'not_applicable' WHERE value = '{swapped}' AND id = 3"),
        )
        .await
        .expect("restore");
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_changed_missing_code_is_an_audited_change(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject")
        .id;
    let stored = f
        .store
        .add_record(
            &f.investigator,
            &lab(subject, Entry::Missing(Missing::NotDone)),
        )
        .await
        .expect("lab");
    let no_reason = f
        .store
        .update_record(
            &f.investigator,
            stored.id,
            stored.version,
            &lab(subject, zero()),
            " ",
        )
        .await;
    assert!(
        matches!(no_reason, Err(StoreError::ReasonRequired)),
        "{no_reason:?}"
    );
    let before = f.event_count().await;
    let updated = f
        .store
        .update_record(
            &f.investigator,
            stored.id,
            stored.version,
            &lab(subject, zero()),
            "sample found and analysed",
        )
        .await
        .expect("update");
    assert_eq!(updated.data.value, zero());
    let events = f
        .store
        .audit_page(&EventFilter::default(), before, 100)
        .await
        .expect("log");
    let change = events
        .iter()
        .find(|event| event.field.as_deref() == Some("value"))
        .expect("value change");
    assert_eq!(
        (
            change.old_value.as_deref(),
            change.new_value.as_deref(),
            change.reason.as_deref()
        ),
        (
            Some(r#"{"missing":"not_done"}"#),
            Some("\"0\""),
            Some("sample found and analysed")
        )
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
