//! Lab results, dose periods and adverse events through the generic subject-record path.

use instruments::ctcae::CtcaeGrade;
use store::{
    ActionTaken, AdverseEvent, Backend, Causality, Decimal, LabResult, Meaning, Outcome,
    StoreError, Stored,
};

use crate::fixture::{
    Fixture, INVESTIGATOR_PASSWORD, PROTOCOL, days_ago, fixture, password, subject_data,
};

both_backends!(
    lab_results_are_graded_where_ctcae_applies,
    lab_tests_and_units_are_coded_by_the_protocols_list,
    bad_lab_input_is_refused_and_writes_nothing,
    adverse_events_follow_ctcae_and_consent,
    changes_need_reasons_and_removal_keeps_history,
);

/// Expects a refusal naming `field`.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) {
    match result {
        Err(StoreError::Invalid { field: named, .. }) => assert_eq!(named, field),
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse("value", text).expect("decimal")
}

/// An enrolled subject (consent 30 days ago, screening 29, enrolment 20).
async fn enrolled(f: &Fixture) -> i64 {
    f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id
}

fn neutrophils(subject_id: i64, value: &str) -> LabResult {
    LabResult {
        subject_id,
        visit_id: None,
        collected_on: days_ago(10),
        test: "neutrophils".into(),
        value: decimal(value).into(),
        unit: "10^9/L".into(),
        lln: Some(decimal("1.8")),
        uln: Some(decimal("7.5")),
    }
}

async fn lab_results_are_graded_where_ctcae_applies(backend: Backend) {
    let f = fixture(backend).await;
    let subject = enrolled(&f).await;
    // CTCAE v5.0 neutrophil count decreased: <1.0-0.5 x 10^9/L is grade 3.
    for (value, grade) in [
        ("0.99", Some(CtcaeGrade::G3)),
        ("1.0", Some(CtcaeGrade::G2)),
        ("1.80", Some(CtcaeGrade::G0)),
    ] {
        let stored = f
            .store
            .add_record(&f.investigator, &neutrophils(subject, value))
            .await
            .expect("lab");
        assert_eq!(stored.data.ctcae_grade().expect("grade"), grade, "{value}");
        assert_eq!(
            stored.data.value.value().map(Decimal::as_str),
            Some(value),
            "the reported digits are kept"
        );
    }
    // Complement C3 is on the trial's list and is recorded, not graded.
    let c3 = LabResult {
        test: "c3".into(),
        value: decimal("88").into(),
        unit: "mg/dL".into(),
        lln: None,
        uln: Some(decimal("180")),
        ..neutrophils(subject, "1")
    };
    let stored = f.store.add_record(&f.investigator, &c3).await.expect("lab");
    assert_eq!(stored.data.ctcae_grade().expect("grade"), None);
    let events = f
        .store
        .audit_page(&store::EventFilter::default(), 0, 1000)
        .await
        .expect("log");
    let grades: Vec<_> = events
        .iter()
        .filter(|e| e.field.as_deref() == Some("ctcae_grade"))
        .map(|e| e.new_value.clone())
        .collect();
    assert_eq!(
        grades,
        [
            Some("3".to_owned()),
            Some("2".to_owned()),
            Some("0".to_owned())
        ]
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// How a lab was typed, and what the record keeps: `Ok((test, unit, grade))` or the field a
/// refusal names with a piece of its message.
type Coded = Result<(&'static str, &'static str, Option<CtcaeGrade>), (&'static str, &'static str)>;

/// The lab test and unit are coded by the protocol's list whichever channel sends them: a
/// misspelt test or a unit the lab does not list is refused, never saved ungraded.
async fn lab_tests_and_units_are_coded_by_the_protocols_list(backend: Backend) {
    let f = fixture(backend).await;
    let subject = enrolled(&f).await;
    let typed = |test: &str, value: &str, unit: &str| LabResult {
        test: test.into(),
        value: decimal(value).into(),
        unit: unit.into(),
        lln: None,
        uln: None,
        ..neutrophils(subject, "1")
    };
    // CTCAE v5.0 neutrophil count decreased: <1000-500/mm3 is grade 3.
    let cases: [(&str, &str, &str, Coded); 13] = [
        (
            "Neutrophils ",
            "650",
            "/mm3",
            Ok(("neutrophils", "/mm3", Some(CtcaeGrade::G3))),
        ),
        (
            "NEUTROPHILS",
            "650",
            "/mm3",
            Ok(("neutrophils", "/mm3", Some(CtcaeGrade::G3))),
        ),
        (
            "neutrophils",
            "650",
            "/mm3",
            Ok(("neutrophils", "/mm3", Some(CtcaeGrade::G3))),
        ),
        (
            "Neutrophils (absolute count)",
            "650",
            " /UL ",
            Ok(("neutrophils", "/uL", Some(CtcaeGrade::G3))),
        ),
        (
            "  platelets",
            "40",
            "10^9/l",
            Ok(("platelets", "10^9/L", Some(CtcaeGrade::G3))),
        ),
        ("Complement C3", "90", "MG/DL", Ok(("c3", "mg/dL", None))),
        (
            "anti-dsDNA antibodies",
            "12",
            "IU/mL",
            Ok(("anti_dsdna", "IU/mL", None)),
        ),
        (
            "neutrofils",
            "650",
            "/mm3",
            Err((
                "test",
                "unknown lab test 'neutrofils'; nearest: neutrophils",
            )),
        ),
        ("esr", "29", "mm/h", Err(("test", "unknown lab test 'esr'"))),
        ("", "650", "/mm3", Err(("test", "is required"))),
        (
            "neutrophils",
            "650",
            "mm3",
            Err(("unit", "allowed: /mm3, /uL, 10^9/L")),
        ),
        (
            "neutrophils",
            "650",
            "g/dL",
            Err(("unit", "allowed: /mm3, /uL, 10^9/L")),
        ),
        (
            "c3",
            "90",
            "mm/h",
            Err((
                "unit",
                "unit 'mm/h' is not listed for c3; allowed: mg/dL, g/L",
            )),
        ),
    ];
    for (test, value, unit, expect) in cases {
        let before = f.event_count().await;
        let result = f
            .store
            .add_record(&f.investigator, &typed(test, value, unit))
            .await;
        match (result, expect) {
            (Ok(stored), Ok((id, symbol, grade))) => {
                assert_eq!(
                    (stored.data.test.as_str(), stored.data.unit.as_str()),
                    (id, symbol),
                    "{test:?} {unit:?}"
                );
                assert_eq!(stored.data.ctcae_grade().expect("grade"), grade, "{test:?}");
            }
            (Err(StoreError::Invalid { field, message }), Err((named, needle))) => {
                let message = message.to_string();
                assert_eq!(field, named, "{test:?} {unit:?}: {message}");
                assert!(message.contains(needle), "{test:?} {unit:?}: {message}");
                assert_eq!(f.event_count().await, before, "{test:?}: nothing written");
            }
            (other, _) => panic!("{test:?} {unit:?}: expected {expect:?}, got {other:?}"),
        }
    }
    // The four spellings of neutrophils are one test in the record.
    let coded = f
        .store
        .records_of::<LabResult>(subject)
        .await
        .expect("labs")
        .iter()
        .filter(|lab| lab.data.test == "neutrophils")
        .count();
    assert_eq!(coded, 4);
    // An amendment that lists ESR: the same words are now a lab of the study, recorded and
    // not graded (ESR is no CTCAE test).
    let study = f.store.study().await.expect("study");
    let amended = format!(
        "{PROTOCOL}\n[[labs]]\nid = \"esr\"\ntext = \"Erythrocyte sedimentation rate\"\nunits = [\"mm/h\"]\n"
    );
    f.store
        .amend_protocol(&f.admin, study.version, &amended, "ESR is measured too")
        .await
        .expect("amended");
    let esr = f
        .store
        .add_record(&f.investigator, &typed(" ESR", "29", "mm/H"))
        .await
        .expect("esr");
    assert_eq!(
        (esr.data.test.as_str(), esr.data.unit.as_str()),
        ("esr", "mm/h")
    );
    assert_eq!(esr.data.ctcae_grade().expect("grade"), None);
    // A correction is coded too.
    let corrected = f
        .store
        .update_record(
            &f.investigator,
            esr.id,
            esr.version,
            &typed("erythrocyte SEDIMENTATION rate", "31", "mm/h"),
            "transcription error",
        )
        .await
        .expect("corrected");
    assert_eq!(corrected.data.test, "esr");
    let refused = f
        .store
        .update_record(
            &f.investigator,
            esr.id,
            corrected.version,
            &typed("sed rate", "31", "mm/h"),
            "renamed",
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "test"),
        "{refused:?}"
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn bad_lab_input_is_refused_and_writes_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let subject = enrolled(&f).await;
    let other = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("other");
    let others_visit = f.visit_on(other.id, "week 4", days_ago(3)).await;
    let before = f.event_count().await;
    let lab = |change: fn(&mut LabResult)| {
        let mut lab = neutrophils(subject, "1.2");
        change(&mut lab);
        lab
    };
    let cases = [
        (lab(|l| l.unit = "g/dL".into()), "unit"),
        (lab(|l| l.unit = "cells".into()), "unit"),
        (
            lab(|l| l.value = Decimal::parse("value", "-1").expect("decimal").into()),
            "value",
        ),
        (
            lab(|l| l.lln = Some(Decimal::parse("lln", "9").expect("decimal"))),
            "lln",
        ),
        (lab(|l| l.collected_on = days_ago(-1)), "collected_on"),
        (lab(|l| l.collected_on = days_ago(31)), "collected_on"),
        (lab(|l| l.test = "neutrophil count".into()), "test"),
    ];
    for (lab, field) in cases {
        refused(f.store.add_record(&f.investigator, &lab).await, field);
    }
    let mut at_others_visit = neutrophils(subject, "1.2");
    at_others_visit.visit_id = Some(others_visit.id);
    refused(
        f.store.add_record(&f.investigator, &at_others_visit).await,
        "visit_id",
    );
    let unknown = f
        .store
        .add_record(&f.investigator, &neutrophils(999, "1.2"))
        .await;
    assert!(
        matches!(
            unknown,
            Err(StoreError::NotFound {
                entity: "subject",
                ..
            })
        ),
        "{unknown:?}"
    );
    assert_eq!(f.event_count().await, before);
    for text in ["", "1,5", "1.", ".5", "1e3", "one", "--1"] {
        refused(Decimal::parse("value", text), "value");
    }
}

fn adverse_event(subject_id: i64) -> AdverseEvent {
    AdverseEvent {
        subject_id,
        term: AdverseEvent::term_named("peripheral sensory neuropathy").expect("CTCAE"),
        verbatim: None,
        start_date: days_ago(12),
        end_date: None,
        grade: CtcaeGrade::G2,
        serious: false,
        causality: Causality::Probable,
        action_taken: ActionTaken::DoseReduced,
        outcome: Outcome::Recovering,
    }
}

async fn adverse_events_follow_ctcae_and_consent(backend: Backend) {
    let f = fixture(backend).await;
    let subject = enrolled(&f).await;
    let before = f.event_count().await;
    let cases = [
        (
            AdverseEvent {
                grade: CtcaeGrade::G0,
                ..adverse_event(subject)
            },
            "grade",
        ),
        // CTCAE v5.0 insomnia stops at grade 3.
        (
            AdverseEvent {
                term: AdverseEvent::term_named("Insomnia").expect("CTCAE"),
                grade: CtcaeGrade::G4,
                ..adverse_event(subject)
            },
            "grade",
        ),
        // Eosinophilia has grades 1 and 3 only.
        (
            AdverseEvent {
                term: AdverseEvent::term_named("Eosinophilia").expect("CTCAE"),
                grade: CtcaeGrade::G2,
                ..adverse_event(subject)
            },
            "grade",
        ),
        // An "Other, specify" term needs the event in words.
        (
            AdverseEvent {
                term: AdverseEvent::term_named(
                    "Skin and subcutaneous tissue disorders - Other, specify",
                )
                .expect("CTCAE"),
                ..adverse_event(subject)
            },
            "verbatim",
        ),
        // Grade 5 (death) goes with a fatal outcome.
        (
            AdverseEvent {
                term: AdverseEvent::term_named("Thromboembolic event").expect("CTCAE"),
                grade: CtcaeGrade::G5,
                ..adverse_event(subject)
            },
            "outcome",
        ),
        // Peripheral sensory neuropathy has no grade 5 in CTCAE v5.0.
        (
            AdverseEvent {
                grade: CtcaeGrade::G5,
                outcome: Outcome::Fatal,
                ..adverse_event(subject)
            },
            "grade",
        ),
        (
            AdverseEvent {
                outcome: Outcome::Fatal,
                ..adverse_event(subject)
            },
            "outcome",
        ),
        (
            AdverseEvent {
                start_date: days_ago(31),
                ..adverse_event(subject)
            },
            "start_date",
        ),
        (
            AdverseEvent {
                start_date: days_ago(-1),
                ..adverse_event(subject)
            },
            "start_date",
        ),
        (
            AdverseEvent {
                end_date: Some(days_ago(13)),
                ..adverse_event(subject)
            },
            "end_date",
        ),
    ];
    for (event, field) in cases {
        refused(f.store.add_record(&f.investigator, &event).await, field);
    }
    assert_eq!(f.event_count().await, before);
    // The term as typed on any channel: id, printed term or MedDRA code in any case and
    // spacing; anything else is refused naming the field and the nearest terms.
    for typed in [
        "Peripheral sensory neuropathy",
        " PERIPHERAL  sensory_neuropathy ",
        "10034620",
    ] {
        assert_eq!(
            AdverseEvent::term_named(typed).expect("known").id(),
            "peripheral_sensory_neuropathy",
            "{typed:?}"
        );
    }
    let unknown = AdverseEvent::term_named("neurophaty").expect_err("unknown");
    assert_eq!(
        unknown.to_string(),
        "term: unknown CTCAE v5.0 term 'neurophaty'; nearest: Peripheral sensory neuropathy, Peripheral motor neuropathy, Neutrophil count decreased"
    );
    refused(AdverseEvent::term_named(" "), "term");
    let stored = f
        .store
        .add_record(&f.investigator, &adverse_event(subject))
        .await
        .expect("AE");
    assert_eq!(stored.data.term.term(), "Peripheral sensory neuropathy");
    assert_eq!(stored.data.term.meddra_code(), 10_034_620);
    let insomnia = AdverseEvent {
        term: AdverseEvent::term_named("Insomnia").expect("CTCAE"),
        grade: CtcaeGrade::G3,
        ..adverse_event(subject)
    };
    f.store
        .add_record(&f.investigator, &insomnia)
        .await
        .expect("grade 3 insomnia");
    let other = AdverseEvent {
        term: AdverseEvent::term_named("Skin and subcutaneous tissue disorders - Other, specify")
            .expect("CTCAE"),
        verbatim: Some("discoid plaque ulcerated".to_owned()),
        grade: CtcaeGrade::G2,
        ..adverse_event(subject)
    };
    f.store
        .add_record(&f.investigator, &other)
        .await
        .expect("an Other, specify term with its words");
    refused(Causality::parse("maybe"), "causality");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn changes_need_reasons_and_removal_keeps_history(backend: Backend) {
    let f = fixture(backend).await;
    let subject = enrolled(&f).await;
    let visit = f.visit_on(subject, "week 4", days_ago(10)).await;
    let mut lab = neutrophils(subject, "1.2");
    lab.visit_id = Some(visit.id);
    let stored = f
        .store
        .add_record(&f.investigator, &lab)
        .await
        .expect("lab");
    let visit = f.store.visit(visit.id).await.expect("visit");
    f.store
        .sign_visit(
            &f.investigator,
            visit.id,
            visit.version,
            &password(INVESTIGATOR_PASSWORD),
            Meaning::Review,
        )
        .await
        .expect("sign");
    let before = f.event_count().await;
    let corrected = LabResult {
        value: decimal("1.4").into(),
        ..stored.data.clone()
    };
    let result = f
        .store
        .update_record(&f.investigator, stored.id, 1, &corrected, " ")
        .await;
    assert!(
        matches!(result, Err(StoreError::ReasonRequired)),
        "{result:?}"
    );
    let moved = LabResult {
        subject_id: subject + 1,
        ..stored.data.clone()
    };
    refused(
        f.store
            .update_record(&f.investigator, stored.id, 1, &moved, "wrong patient")
            .await,
        "subject_id",
    );
    assert_eq!(f.event_count().await, before);
    let updated = f
        .store
        .update_record(&f.investigator, stored.id, 1, &corrected, "typo")
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert!(
        !f.store.signatures(visit.id).await.expect("signatures")[0].is_valid(),
        "a lab change voids the visit signature"
    );
    let stale = f
        .store
        .update_record(&f.investigator, stored.id, 1, &lab, "again")
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    f.store
        .remove_record::<LabResult>(&f.investigator, stored.id, 2, "sample haemolysed")
        .await
        .expect("remove");
    let gone: Result<Stored<LabResult>, _> = f.store.record(stored.id).await;
    assert!(
        matches!(gone, Err(StoreError::NotFound { entity: "lab", .. })),
        "{gone:?}"
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

mod listing {
    use store::{Backend, LabResult, VisitData};

    use crate::fixture::{days_ago, fixture, subject_data};

    both_backends!(a_subjects_records_are_listed_in_order);

    async fn a_subjects_records_are_listed_in_order(backend: Backend) {
        let f = fixture(backend).await;
        let first = super::enrolled(&f).await;
        let second = f
            .store
            .add_subject(&f.investigator, &subject_data("S01-P002"))
            .await
            .expect("second")
            .id;
        for value in ["1.1", "1.2"] {
            f.store
                .add_record(&f.investigator, &super::neutrophils(first, value))
                .await
                .expect("lab");
        }
        f.store
            .add_record(&f.investigator, &super::neutrophils(second, "2.0"))
            .await
            .expect("lab");
        let labs = f.store.records_of::<LabResult>(first).await.expect("list");
        let values: Vec<&str> = labs
            .iter()
            .filter_map(|lab| lab.data.value.value().map(store::Decimal::as_str))
            .collect();
        assert_eq!(values, ["1.1", "1.2"]);
        let removed = labs[0].id;
        f.store
            .remove_record::<LabResult>(&f.investigator, removed, 1, "entered twice")
            .await
            .expect("remove");
        assert_eq!(
            f.store
                .records_of::<LabResult>(first)
                .await
                .expect("list")
                .len(),
            1
        );
        let visit = VisitData {
            name: "week 4".into(),
            planned_date: Some(days_ago(1)),
            actual_date: None,
        };
        f.store
            .add_visit(&f.investigator, second, &visit)
            .await
            .expect("visit");
        assert_eq!(f.store.visits_of(second).await.expect("visits").len(), 1);
        assert_eq!(f.store.visits_of(first).await.expect("visits"), []);
        let codes: Vec<String> = f
            .store
            .subjects()
            .await
            .expect("subjects")
            .into_iter()
            .map(|s| s.data.code)
            .collect();
        assert_eq!(codes, ["S01-P001", "S01-P002"]);
    }
}
