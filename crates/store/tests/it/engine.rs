//! What the engine reads from the record: the events the protocol's stopping rules and
//! deviations name reach it from the records a study team enters (a protocol event, a
//! disposition, a grade-4 adverse event, a change of concomitant medication), so the trial's
//! stop rules can fire from the record.

use store::{
    ActionTaken, AdverseEvent, Backend, Causality, ConcomitantMedication, Disposition,
    DispositionStatus, EventType, Finding, NerveConductionStudy, Outcome, ProtocolEvent,
};

use crate::fixture::{Fixture, days_ago, fixture, subject_data};

both_backends!(
    each_stop_fires_from_the_record,
    a_nerve_conduction_finding_stops_thalidomide,
);

/// The rule ids of the decision today on `subject`'s record.
async fn rules(f: &Fixture, subject: i64) -> Vec<String> {
    let protocol = f.store.protocol().await.expect("protocol");
    let record = f.store.clinical_record(subject).await.expect("record");
    let decision = record
        .decide(&protocol, days_ago(0))
        .unwrap_or_else(|why| panic!("{why}"));
    decision.rules.into_iter().map(|rule| rule.id).collect()
}

async fn each_stop_fires_from_the_record(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let mut subjects = Vec::new();
    for code in [
        "S01-P001", "S01-P002", "S01-P003", "S01-P004", "S01-P005", "S01-P006",
    ] {
        subjects.push(f.enrol(&subject_data(code), days_ago(20)).await.id);
    }
    // Before anything happens: no stop.
    assert!(
        !rules(&f, subjects[0])
            .await
            .iter()
            .any(|id| id.starts_with("stop."))
    );
    let event = |subject: i64, event: EventType| ProtocolEvent {
        subject_id: subject,
        occurred_on: days_ago(5),
        event,
        note: None,
    };
    f.store
        .add_record(inv, &event(subjects[0], EventType::ConsentWithdrawn))
        .await
        .expect("event");
    f.store
        .add_record(inv, &event(subjects[1], EventType::LifeThreatening))
        .await
        .expect("event");
    let disposition = |subject: i64, status: DispositionStatus| Disposition {
        subject_id: subject,
        status,
        disposition_date: days_ago(4),
        details: None,
    };
    f.store
        .add_record(inv, &disposition(subjects[2], DispositionStatus::Pregnancy))
        .await
        .expect("disposition");
    f.store
        .add_record(
            inv,
            &disposition(subjects[3], DispositionStatus::PhysicianDecision),
        )
        .await
        .expect("disposition");
    // CTCAE v5.0 grade 4 is "life-threatening consequences".
    let ae = AdverseEvent {
        subject_id: subjects[4],
        term: AdverseEvent::term_named("Thromboembolic event").expect("CTCAE"),
        verbatim: None,
        start_date: days_ago(6),
        end_date: None,
        grade: instruments::ctcae::CtcaeGrade::G4,
        serious: true,
        causality: Causality::Possible,
        action_taken: ActionTaken::DrugWithdrawn,
        outcome: Outcome::Recovering,
    };
    f.store.add_record(inv, &ae).await.expect("AE");
    // Prednisone started after enrolment: the change the trial did not allow.
    let conmed = ConcomitantMedication {
        subject_id: subjects[5],
        drug: ConcomitantMedication::drug_named("prednisone").expect("drug"),
        verbatim: None,
        amount: Some(ConcomitantMedication::amount_named("10", "mg").expect("amount")),
        frequency: Some(instruments::medication::Frequency::OnceDaily),
        route: None,
        indication: Some("arthritis".into()),
        start_date: Some(days_ago(3)),
        end_date: None,
        ongoing: true,
    };
    f.store.add_record(inv, &conmed).await.expect("con-med");
    for (subject, expect) in [
        (subjects[0], "stop.consent_withdrawn"),
        (subjects[1], "stop.life_threatening"),
        (subjects[2], "stop.pregnancy"),
        (subjects[3], "stop.physician_decision"),
        (subjects[4], "stop.life_threatening"),
        (subjects[5], "deviation"),
    ] {
        let fired = rules(&f, subject).await;
        assert!(fired.iter().any(|id| id == expect), "{expect}: {fired:?}");
    }
    // A withdrawal for lack of efficacy ends participation but is no stopping rule.
    let lack = f.enrol(&subject_data("S01-P007"), days_ago(20)).await.id;
    f.store
        .add_record(inv, &disposition(lack, DispositionStatus::LackOfEfficacy))
        .await
        .expect("disposition");
    assert!(
        !rules(&f, lack)
            .await
            .iter()
            .any(|id| id.starts_with("stop."))
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// A nerve conduction study's finding reaches the engine: on the thalidomide cohort's protocol,
/// confirmed sensory polyneuropathy stops the drug; a normal study does not.
async fn a_nerve_conduction_finding_stops_thalidomide(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let study = f.store.study().await.expect("study");
    f.store
        .amend_protocol(
            &f.admin,
            study.version,
            include_str!("../../../../protocols/thalidomide-cohort.toml"),
            "the thalidomide cohort's protocol",
        )
        .await
        .expect("amended");
    let subject = f.enrol(&subject_data("S01-T001"), days_ago(20)).await.id;
    let visit = f.visit_on(subject, "month 6", days_ago(2)).await;
    let study = |finding: Finding| NerveConductionStudy {
        subject_id: subject,
        visit_id: Some(visit.id),
        tested_on: days_ago(2),
        finding,
        note: None,
    };
    match f.store.add_record(inv, &study(Finding::Other)).await {
        Err(store::StoreError::Invalid { field, .. }) => assert_eq!(field, "note"),
        other => panic!("another abnormality without a note was saved: {other:?}"),
    }
    let normal = f
        .store
        .add_record(inv, &study(Finding::Normal))
        .await
        .expect("study");
    assert!(
        !rules(&f, subject)
            .await
            .iter()
            .any(|id| id.starts_with("stop."))
    );
    f.store
        .update_record(
            inv,
            normal.id,
            normal.version,
            &study(Finding::SensoryPolyneuropathy),
            "report read again: sural amplitudes reduced both sides",
        )
        .await
        .expect("corrected");
    let fired = rules(&f, subject).await;
    assert!(
        fired.iter().any(|id| id == "stop.polyneuropathy"),
        "{fired:?}"
    );
}
