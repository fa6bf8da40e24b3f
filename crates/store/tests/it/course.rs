//! Protocol decisions, eligibility results, disposition, deviations, baseline history,
//! concomitant medications and nerve conduction studies.

use instruments::medication::{Frequency, Route};
use protocol::decide::{Action, Decision, Phase, Rule};
use protocol::eligibility::EligibilityResult;
use store::{
    Backend, ConcomitantMedication, Decimal, DeviationCategory, Disposition, DispositionStatus,
    EligibilityRecord, HistoryCategory, Meaning, MedicalHistory, NerveConduction, ProtocolDecision,
    ProtocolDeviation, Side, StoreError,
};

use crate::fixture::{Fixture, INVESTIGATOR_PASSWORD, days_ago, fixture, password, subject_data};

both_backends!(
    decisions_are_kept_verbatim_and_not_following_needs_a_reason,
    eligibility_results_keep_every_verdict,
    disposition_and_deviations,
    history_and_concomitant_medications,
    nerve_conduction_studies,
);

#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) {
    match result {
        Err(StoreError::Invalid { field: named, .. }) => assert_eq!(named, field),
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

async fn subject(f: &Fixture) -> i64 {
    f.store
        .add_subject(&f.investigator, &subject_data("S01-P001"))
        .await
        .expect("subject")
        .id
}

fn taper() -> Decision {
    Decision {
        as_of: days_ago(2),
        action: Action::Taper,
        dose: "2.5 mg/day".into(),
        phase: Phase::Taper,
        response: None,
        relapse: false,
        flare: None,
        toxicity: None,
        deviation: false,
        deviations: vec![],
        physician_review: false,
        cycle: 1,
        first_complete_response: Some(days_ago(2)),
        relapses: vec![],
        next_visit: None,
        next_lab: None,
        next_pregnancy_test: None,
        missing: vec![],
        rules: vec![Rule {
            id: "cr_taper".into(),
            text: "complete response: taper".into(),
        }],
        ignored: vec![],
        duplicates_removed: 0,
    }
}

async fn decisions_are_kept_verbatim_and_not_following_needs_a_reason(backend: Backend) {
    let f = fixture(backend).await;
    let subject = subject(&f).await;
    let decision = ProtocolDecision::from_decision(subject, 1, &taper()).expect("convert");
    assert_eq!(
        (decision.action.as_str(), decision.phase.as_str()),
        ("taper", "taper")
    );
    let stored = f
        .store
        .add_record(&f.investigator, &decision)
        .await
        .expect("add");
    assert!(
        stored.data.explanation.contains("cr_taper"),
        "{}",
        stored.data.explanation
    );
    let before = f.event_count().await;
    let unexplained = ProtocolDecision {
        followed: Some(false),
        ..stored.data.clone()
    };
    refused(
        f.store
            .update_record(&f.investigator, stored.id, 1, &unexplained, "recorded")
            .await,
        "not_followed_reason",
    );
    let confused = ProtocolDecision {
        followed: Some(true),
        not_followed_reason: Some("why".into()),
        ..stored.data.clone()
    };
    refused(
        f.store
            .update_record(&f.investigator, stored.id, 1, &confused, "recorded")
            .await,
        "not_followed_reason",
    );
    let early = ProtocolDecision {
        decided_on: days_ago(31),
        ..stored.data.clone()
    };
    refused(
        f.store.add_record(&f.investigator, &early).await,
        "decided_on",
    );
    assert_eq!(f.event_count().await, before);
    let overruled = ProtocolDecision {
        followed: Some(false),
        not_followed_reason: Some("patient asked to stay on the dose".into()),
        ..stored.data
    };
    let overruled = f
        .store
        .update_record(
            &f.investigator,
            stored.id,
            1,
            &overruled,
            "physician's choice",
        )
        .await
        .expect("update");
    assert_eq!(
        (overruled.version, overruled.data.followed),
        (2, Some(false))
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn eligibility_results_keep_every_verdict(backend: Backend) {
    let f = fixture(backend).await;
    let subject = subject(&f).await;
    let result = EligibilityResult {
        eligible: None,
        criteria: vec![],
        missing: vec!["anc".into()],
    };
    let record =
        EligibilityRecord::from_result(subject, days_ago(29), 1, &result).expect("convert");
    let stored = f
        .store
        .add_record(&f.investigator, &record)
        .await
        .expect("add");
    assert_eq!(
        stored.data.eligible, None,
        "incomplete is neither eligible nor not"
    );
    assert!(stored.data.result.contains("anc"));
    let complete = EligibilityRecord {
        eligible: Some(true),
        ..stored.data.clone()
    };
    f.store
        .update_record(
            &f.investigator,
            stored.id,
            1,
            &complete,
            "ANC result arrived",
        )
        .await
        .expect("update");
    refused(
        f.store
            .add_record(
                &f.investigator,
                &EligibilityRecord {
                    result: "{".into(),
                    ..record
                },
            )
            .await,
        "result",
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn disposition_and_deviations(backend: Backend) {
    let f = fixture(backend).await;
    let subject = subject(&f).await;
    let before = f.event_count().await;
    let other = Disposition {
        subject_id: subject,
        status: DispositionStatus::Other,
        disposition_date: days_ago(1),
        details: None,
    };
    refused(f.store.add_record(&f.investigator, &other).await, "details");
    let early = Disposition {
        status: DispositionStatus::ScreenFailure,
        disposition_date: days_ago(30),
        ..other.clone()
    };
    refused(
        f.store.add_record(&f.investigator, &early).await,
        "disposition_date",
    );
    refused(DispositionStatus::parse("gone"), "status");
    assert_eq!(f.event_count().await, before);
    let failed = Disposition {
        disposition_date: days_ago(29),
        ..early
    };
    f.store
        .add_record(&f.investigator, &failed)
        .await
        .expect("screen failure on the screening day");
    // A deviation may precede consent: a procedure done before consent is one.
    let deviation = ProtocolDeviation {
        subject_id: subject,
        occurred_on: days_ago(31),
        category: DeviationCategory::InformedConsent,
        major: true,
        description: "blood drawn before consent was signed".into(),
    };
    f.store
        .add_record(&f.investigator, &deviation)
        .await
        .expect("deviation");
    let blank = ProtocolDeviation {
        description: "  ".into(),
        ..deviation
    };
    refused(
        f.store.add_record(&f.investigator, &blank).await,
        "description",
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn history_and_concomitant_medications(backend: Backend) {
    let f = fixture(backend).await;
    let subject = subject(&f).await;
    let history = MedicalHistory {
        subject_id: subject,
        term: "hydroxychloroquine, stopped for retinopathy".into(),
        category: HistoryCategory::PriorTreatment,
        onset_date: Some(jiff::civil::date(2019, 3, 1)),
        ongoing: false,
    };
    f.store
        .add_record(&f.investigator, &history)
        .await
        .expect("history");
    refused(
        f.store
            .add_record(
                &f.investigator,
                &MedicalHistory {
                    onset_date: Some(days_ago(-1)),
                    ..history
                },
            )
            .await,
        "onset_date",
    );
    let conmed = ConcomitantMedication {
        subject_id: subject,
        drug: ConcomitantMedication::drug_named("Prednisone").expect("drug"),
        verbatim: None,
        amount: Some(ConcomitantMedication::amount_named("5", "mg").expect("amount")),
        frequency: Some(Frequency::OnceDaily),
        route: Some(Route::Oral),
        indication: Some("SLE arthritis".into()),
        start_date: None,
        end_date: None,
        ongoing: true,
    };
    // Coded: a misspelt drug is refused naming the nearest; another medication needs its name;
    // a frequency needs the amount.
    refused(ConcomitantMedication::drug_named("predisone"), "drug");
    refused(ConcomitantMedication::amount_named("five", "mg"), "amount");
    refused(ConcomitantMedication::amount_named("5", "tablets"), "unit");
    for wrong in [
        ConcomitantMedication {
            drug: ConcomitantMedication::drug_named("other").expect("other"),
            ..conmed.clone()
        },
        ConcomitantMedication {
            amount: None,
            ..conmed.clone()
        },
    ] {
        let field = if wrong.amount.is_none() {
            "amount"
        } else {
            "verbatim"
        };
        refused(f.store.add_record(&f.investigator, &wrong).await, field);
    }
    let stored = f
        .store
        .add_record(&f.investigator, &conmed)
        .await
        .expect("unknown start is allowed");
    refused(
        f.store
            .add_record(
                &f.investigator,
                &ConcomitantMedication {
                    end_date: Some(days_ago(1)),
                    ..conmed.clone()
                },
            )
            .await,
        "end_date",
    );
    let backwards = ConcomitantMedication {
        start_date: Some(days_ago(3)),
        end_date: Some(days_ago(4)),
        ongoing: false,
        ..conmed.clone()
    };
    refused(
        f.store.add_record(&f.investigator, &backwards).await,
        "end_date",
    );
    let stopped = ConcomitantMedication {
        end_date: Some(days_ago(1)),
        ongoing: false,
        ..conmed.clone()
    };
    f.store
        .update_record(&f.investigator, stored.id, 1, &stopped, "stopped yesterday")
        .await
        .expect("stop");
    let vitamin = ConcomitantMedication {
        drug: ConcomitantMedication::drug_named("other").expect("other"),
        verbatim: Some("Colecalciferol 800 IU".into()),
        amount: None,
        frequency: None,
        route: None,
        ..conmed
    };
    let kept = f
        .store
        .add_record(&f.investigator, &vitamin)
        .await
        .expect("other, named");
    assert_eq!(kept.data, vitamin, "read back as written");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn nerve_conduction_studies(backend: Backend) {
    let f = fixture(backend).await;
    let subject = subject(&f).await;
    let visit = f.visit_on(subject, "week 12", days_ago(3)).await;
    let study = NerveConduction {
        subject_id: subject,
        visit_id: Some(visit.id),
        tested_on: days_ago(3),
        nerve: "sural".into(),
        side: Side::Left,
        amplitude_uv: Decimal::parse("amplitude_uv", "12.5")
            .expect("decimal")
            .into(),
        velocity_m_per_s: None,
        abnormal: Some(false),
    };
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
    let negative = NerveConduction {
        amplitude_uv: Decimal::parse("amplitude_uv", "-1")
            .expect("decimal")
            .into(),
        ..study.clone()
    };
    refused(
        f.store.add_record(&f.investigator, &negative).await,
        "amplitude_uv",
    );
    refused(
        f.store
            .add_record(
                &f.investigator,
                &NerveConduction {
                    tested_on: days_ago(40),
                    ..study.clone()
                },
            )
            .await,
        "tested_on",
    );
    assert_eq!(f.event_count().await, before);
    f.store
        .add_record(&f.investigator, &study)
        .await
        .expect("study");
    assert!(
        !f.store.signatures(visit.id).await.expect("signatures")[0].is_valid(),
        "a study at the visit voids its signature"
    );
    refused(Side::parse("both"), "side");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// Prednisone mg/day on a date, read from the con-meds (the paediatric review's primary
/// variable): summed over the records covering the day, averaged over the week for intermittent
/// doses, unknown (never 0) when a record has no dose, none when no record covers the day.
#[test]
fn the_daily_dose_of_a_con_med_is_read_from_its_records() {
    use store::{DailyDose, daily_dose};
    let day = |d: i16| jiff::civil::date(2024, 3, d as i8);
    let conmed = |drug: &str, dose: Option<(&str, Frequency)>, from: i16, to: Option<i16>| {
        ConcomitantMedication {
            subject_id: 1,
            drug: ConcomitantMedication::drug_named(drug).expect("drug"),
            verbatim: None,
            amount: dose.map(|(mg, _)| ConcomitantMedication::amount_named(mg, "mg").expect("mg")),
            frequency: dose.map(|(_, frequency)| frequency),
            route: None,
            indication: None,
            start_date: Some(day(from)),
            end_date: to.map(day),
            ongoing: to.is_none(),
        }
    };
    let prednisone = ConcomitantMedication::drug_named("prednisone").expect("drug");
    let cases: &[(Vec<ConcomitantMedication>, i16, DailyDose)] = &[
        (vec![], 10, DailyDose::NoneRecorded),
        (
            vec![conmed(
                "prednisone",
                Some(("10", Frequency::OnceDaily)),
                1,
                None,
            )],
            10,
            DailyDose::Mg(10.0),
        ),
        (
            vec![conmed(
                "prednisone",
                Some(("10", Frequency::AlternateDays)),
                1,
                None,
            )],
            10,
            DailyDose::Mg(5.0),
        ),
        (
            vec![
                conmed("prednisone", Some(("5", Frequency::OnceDaily)), 1, None),
                conmed(
                    "prednisone",
                    Some(("2.5", Frequency::OnceDaily)),
                    5,
                    Some(10),
                ),
            ],
            10,
            DailyDose::Mg(7.5),
        ),
        // The second record ended the day before.
        (
            vec![
                conmed("prednisone", Some(("5", Frequency::OnceDaily)), 1, None),
                conmed(
                    "prednisone",
                    Some(("2.5", Frequency::OnceDaily)),
                    5,
                    Some(9),
                ),
            ],
            10,
            DailyDose::Mg(5.0),
        ),
        (
            vec![conmed(
                "prednisone",
                Some(("10", Frequency::OnceDaily)),
                11,
                None,
            )],
            10,
            DailyDose::NoneRecorded,
        ),
        (
            vec![conmed("prednisone", None, 1, None)],
            10,
            DailyDose::Unknown,
        ),
        (
            vec![conmed(
                "prednisone",
                Some(("10", Frequency::AsNeeded)),
                1,
                None,
            )],
            10,
            DailyDose::Unknown,
        ),
        (
            vec![conmed(
                "hydroxychloroquine",
                Some(("200", Frequency::TwiceDaily)),
                1,
                None,
            )],
            10,
            DailyDose::NoneRecorded,
        ),
    ];
    for (records, on, expect) in cases {
        assert_eq!(
            &daily_dose(records, prednisone, day(*on)),
            expect,
            "{records:?}"
        );
    }
}
