//! Free text refuses control characters (C0, DEL, C1) on every command that takes it, naming
//! the field, the character and where it is, and writes nothing; other text, accents and
//! dashes included, is kept as typed, white space around it (a line end) trimmed.

use store::{
    ActionTaken, AdverseEvent, Causality, ConcomitantMedication, Disposition, DispositionStatus,
    Enrolment, EventType, Outcome, ProtocolEvent, StoreError, VisitData,
};

use crate::fixture::{days_ago, fixture, subject_data};

both_backends!(free_text_refuses_control_characters);

/// The refusal of `field` for a control character `code` at `position`.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    field: &str,
    code: &str,
    position: usize,
) {
    match result {
        Err(StoreError::Invalid {
            field: named,
            message,
        }) => {
            assert_eq!(named, field, "{message}");
            assert_eq!(
                message.to_string(),
                format!("contains a control character ({code} at position {position}); remove it")
            );
        }
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

async fn free_text_refuses_control_characters(backend: store::Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await;
    let event = AdverseEvent {
        subject_id: subject.id,
        term: AdverseEvent::term_named("Pruritus").expect("CTCAE"),
        verbatim: Some("itchy – ärgerlich\n".into()),
        start_date: days_ago(10),
        end_date: None,
        grade: instruments::ctcae::CtcaeGrade::G1,
        serious: false,
        causality: Causality::Possible,
        action_taken: ActionTaken::DoseNotChanged,
        outcome: Outcome::Recovering,
    };
    let kept = f.store.add_record(inv, &event).await.expect("plain text");
    assert_eq!(kept.data.verbatim.as_deref(), Some("itchy – ärgerlich"));
    let before = f.event_count().await;

    let escaped = AdverseEvent {
        verbatim: Some("itchy\u{1b}[31m rash".into()),
        ..event.clone()
    };
    refused(
        f.store.add_record(inv, &escaped).await,
        "verbatim",
        "U+001B",
        6,
    );
    let note = ProtocolEvent {
        subject_id: subject.id,
        occurred_on: days_ago(5),
        event: EventType::PhysicianDecision,
        note: Some("stop\u{0}".into()),
    };
    refused(f.store.add_record(inv, &note).await, "note", "U+0000", 5);
    let details = Disposition {
        subject_id: subject.id,
        status: DispositionStatus::Other,
        disposition_date: days_ago(1),
        details: Some("moved\u{7f}".into()),
    };
    refused(
        f.store.add_record(inv, &details).await,
        "details",
        "U+007F",
        6,
    );
    let conmed = ConcomitantMedication {
        subject_id: subject.id,
        drug: ConcomitantMedication::drug_named("Prednisone").expect("drug"),
        verbatim: None,
        amount: None,
        frequency: None,
        route: None,
        indication: Some("arth\u{85}ritis".into()),
        start_date: None,
        end_date: None,
        ongoing: true,
    };
    refused(
        f.store.add_record(inv, &conmed).await,
        "indication",
        "U+0085",
        5,
    );
    // A tab or a line break inside is refused too (every free-text field is one line); the
    // position counts what was typed, white space around included.
    let visit = VisitData {
        name: "  Week\t4".into(),
        planned_date: None,
        actual_date: Some(days_ago(2)),
    };
    refused(
        f.store.add_visit(inv, subject.id, &visit).await,
        "name",
        "U+0009",
        7,
    );
    // Reasons: a correction's, a void's, an import's.
    refused(
        f.store
            .update_record(inv, kept.id, kept.version, &event, "typo\u{0}")
            .await,
        "reason",
        "U+0000",
        5,
    );
    refused(
        f.store
            .void(
                inv,
                subject.id,
                "adverse_event",
                kept.id,
                kept.version,
                "\u{9b}2Jwrong patient",
            )
            .await,
        "reason",
        "U+009B",
        1,
    );
    refused(
        f.store.batch(inv, Some("REDCap\nexport")).await.map(drop),
        "reason",
        "U+000A",
        7,
    );
    assert_eq!(f.event_count().await, before, "no refusal wrote anything");
    // An investigator's waiver is named as the enrolment form names it, not as the deviation
    // it becomes.
    let (unfit, _) = f
        .store
        .screen(
            inv,
            &subject_data("S01-P002"),
            &protocol::eligibility::Candidate::default(),
        )
        .await
        .expect("screened");
    let waived = Enrolment {
        subject_id: unfit.id,
        based_on: unfit.version,
        consent_date: unfit.data.consent_date.expect("consented"),
        enrolment_date: days_ago(20),
        waiver: Some("labs lost\u{1b}".into()),
        reason: None,
        factors: Vec::new(),
    };
    let before = f.event_count().await;
    refused(f.store.enrol(inv, &waived).await, "waiver", "U+001B", 10);
    assert_eq!(f.event_count().await, before, "nothing written");
}
