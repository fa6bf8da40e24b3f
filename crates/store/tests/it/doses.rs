//! Dose periods as prescribed: a regimen is a protocol level exactly, a dose change ends the
//! running period and starts the next in one transaction, periods of a drug never overlap, and
//! the engine reads the level the regimen is.

use instruments::medication::{Drug, Regimen};
use store::{Backend, DoseChange, DosePeriod, NewDose};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    dosing_needs_enrolment_and_a_regimen,
    a_regimen_is_a_level_or_refused_by_name,
    a_dose_change_ends_the_running_period_in_the_same_transaction,
    periods_of_a_drug_never_overlap,
    each_study_doses_its_own_drug,
);

fn regimen(drug: &str, amount: &str, frequency: &str) -> Regimen {
    DosePeriod::regimen_named(drug, amount, "mg", frequency).expect("regimen")
}

fn change(subject_id: i64, from: i64, drug: &str, amount: &str, frequency: &str) -> DoseChange {
    DoseChange {
        subject_id,
        from: days_ago(from),
        dose: NewDose::Regimen(regimen(drug, amount, frequency)),
        until: None,
    }
}

fn stop(subject_id: i64, from: i64, drug: &str) -> DoseChange {
    DoseChange {
        subject_id,
        from: days_ago(from),
        dose: NewDose::Stop(Drug::find(drug).expect("drug")),
        until: None,
    }
}

async fn periods(f: &Fixture, subject: i64) -> Vec<(Option<String>, i64, Option<i64>)> {
    let today = days_ago(0);
    f.store
        .records_of::<DosePeriod>(subject)
        .await
        .expect("doses")
        .into_iter()
        .map(|period| {
            let ago = |date: jiff::civil::Date| (today - date).get_days() as i64;
            (
                period.data.level,
                ago(period.data.start_date),
                period.data.end_date.map(ago),
            )
        })
        .collect()
}

async fn dosing_needs_enrolment_and_a_regimen(backend: Backend) {
    let f = fixture(backend).await;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id;
    let screened = f
        .store
        .add_subject(&f.investigator, &subject_data("S01-P002"))
        .await
        .expect("screened")
        .id;
    let before = f.event_count().await;
    let inv = &f.investigator;
    for (who, from, words) in [
        (screened, 10, "not enrolled"),
        (subject, 21, "before enrolment"),
        (subject, -1, "future"),
    ] {
        refused(
            f.store
                .change_dose(inv, &change(who, from, "lenalidomide", "5", "QD"))
                .await,
            "start_date",
            words,
        );
    }
    for (drug, amount, unit, frequency, field, words) in [
        ("lenalidomide", "0", "mg", "QD", "amount", "more than 0"),
        (
            "lenalidomide",
            "2.1428571",
            "mg",
            "QD",
            "amount",
            "3 decimals",
        ),
        (
            "lenalidomide",
            "five",
            "mg",
            "QD",
            "amount",
            "not an amount",
        ),
        (
            "lenalidomide",
            "5",
            "tablets",
            "QD",
            "unit",
            "unknown dose unit 'tablets'",
        ),
        (
            "lenalidomide",
            "5",
            "mg",
            "3x weekly",
            "frequency",
            "unknown frequency '3x weekly'",
        ),
        (
            "lenalidomde",
            "5",
            "mg",
            "QD",
            "drug",
            "nearest: Lenalidomide",
        ),
    ] {
        refused(
            DosePeriod::regimen_named(drug, amount, unit, frequency),
            field,
            words,
        );
    }
    let backwards = DoseChange {
        until: Some(days_ago(15)),
        ..change(subject, 10, "lenalidomide", "5", "QD")
    };
    refused(
        f.store.change_dose(inv, &backwards).await,
        "end_date",
        "before the start",
    );
    refused(
        f.store
            .change_dose(inv, &stop(subject, 10, "lenalidomide"))
            .await,
        "start_date",
        "no period of Lenalidomide is running to stop",
    );
    assert_eq!(f.event_count().await, before, "a refusal writes nothing");
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// The examples: 5 mg three times weekly is `5mg_3x_weekly`, not 2.14 mg/day; a dose
/// that is no level (2.14 or 3 mg daily) and a drug that is not the study's (prednisone) are
/// refused when entered, never accepted and dropped later.
async fn a_regimen_is_a_level_or_refused_by_name(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id;
    let before = f.event_count().await;
    for (amount, frequency) in [("2.14", "QD"), ("3", "QD"), ("5", "BID"), ("2.143", "QD")] {
        refused(
            f.store
                .change_dose(inv, &change(subject, 20, "lenalidomide", amount, frequency))
                .await,
            "amount",
            "is no dose level of the protocol; its levels: lenalidomide 10 mg once daily",
        );
    }
    for (drug, mg, words) in [
        (
            "prednisone",
            "10",
            "Prednisone is not this study's drug (Lenalidomide); record it as a concomitant medication",
        ),
        ("thalidomide", "100", "Thalidomide is not this study's drug"),
    ] {
        refused(
            f.store
                .change_dose(inv, &change(subject, 20, drug, mg, "QD"))
                .await,
            "drug",
            words,
        );
    }
    assert_eq!(f.event_count().await, before);
    f.store
        .change_dose(
            inv,
            &change(subject, 20, "lenalidomide", "5", "3 TIMES PER WEEK"),
        )
        .await
        .expect("three times weekly");
    assert_eq!(
        periods(&f, subject).await,
        [(Some("5mg_3x_weekly".to_owned()), 20, None)]
    );
    let protocol = f.store.protocol().await.expect("protocol");
    let decision = f
        .store
        .clinical_record(subject)
        .await
        .expect("record")
        .decide(&protocol, days_ago(0))
        .unwrap_or_else(|why| panic!("{why}"));
    assert_eq!(decision.dose, "5mg_3x_weekly", "the engine reads the level");
}

async fn a_dose_change_ends_the_running_period_in_the_same_transaction(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id;
    f.store
        .change_dose(inv, &change(subject, 20, "lenalidomide", "5", "QD"))
        .await
        .expect("start");
    let changed = f
        .store
        .change_dose(inv, &change(subject, 12, "lenalidomide", "5", "QOD"))
        .await
        .expect("taper");
    assert_eq!(
        changed
            .ended
            .map(|period| (period.version, period.data.end_date)),
        Some((2, Some(days_ago(13))))
    );
    assert_eq!(
        periods(&f, subject).await,
        [
            (Some("5mg_daily".to_owned()), 20, Some(13)),
            (Some("5mg_alternate_days".to_owned()), 12, None),
        ]
    );
    // The running period's end and the next period's start are one command: a refused next
    // period (not a level) leaves the running one running.
    let before = f.event_count().await;
    refused(
        f.store
            .change_dose(inv, &change(subject, 5, "lenalidomide", "2.5", "QD"))
            .await,
        "amount",
        "no dose level",
    );
    assert_eq!(f.event_count().await, before);
    assert_eq!(
        periods(&f, subject).await[1],
        (Some("5mg_alternate_days".to_owned()), 12, None)
    );
    // A change on the running period's first day is a correction, not a change.
    refused(
        f.store
            .change_dose(
                inv,
                &change(subject, 12, "lenalidomide", "5", "2 TIMES PER WEEK"),
            )
            .await,
        "start_date",
        "a change must come after its start",
    );
    let stopped = f
        .store
        .change_dose(inv, &stop(subject, 3, "lenalidomide"))
        .await
        .expect("withdrawn");
    assert!(stopped.started.is_none());
    assert_eq!(
        periods(&f, subject).await[1],
        (Some("5mg_alternate_days".to_owned()), 12, Some(4))
    );
    // A period entered in error is voided with a reason and leaves the record.
    let running = f
        .store
        .records_of::<DosePeriod>(subject)
        .await
        .expect("doses");
    f.store
        .void(
            inv,
            subject,
            "dose",
            running[1].id,
            running[1].version,
            "entered for the wrong patient",
        )
        .await
        .expect("void");
    assert_eq!(periods(&f, subject).await.len(), 1);
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn periods_of_a_drug_never_overlap(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    let subject = f.enrol(&subject_data("S01-P001"), days_ago(20)).await.id;
    f.store
        .change_dose(inv, &change(subject, 20, "lenalidomide", "5", "QD"))
        .await
        .expect("start");
    f.store
        .change_dose(inv, &change(subject, 10, "lenalidomide", "10", "QD"))
        .await
        .expect("escalate");
    f.store
        .change_dose(inv, &stop(subject, 4, "lenalidomide"))
        .await
        .expect("withdrawn");
    let before = f.event_count().await;
    // A past period added in the middle of the record overlaps both.
    let inside = DoseChange {
        until: Some(days_ago(8)),
        ..change(subject, 15, "lenalidomide", "5", "QOD")
    };
    refused(
        f.store.change_dose(inv, &inside).await,
        "start_date",
        "overlaps dose record",
    );
    // A correction that stretches the first period into the second is refused the same way.
    let first = f
        .store
        .records_of::<DosePeriod>(subject)
        .await
        .expect("doses")[0]
        .clone();
    let stretched = DosePeriod {
        end_date: Some(days_ago(5)),
        ..first.data.clone()
    };
    refused(
        f.store
            .update_record(inv, first.id, first.version, &stretched, "typo")
            .await,
        "start_date",
        "overlaps dose record",
    );
    assert_eq!(f.event_count().await, before);
    // Correcting a period's regimen is checked against the protocol as an entry is.
    let wrong = DosePeriod {
        regimen: regimen("lenalidomide", "7", "QD"),
        ..first.data.clone()
    };
    refused(
        f.store
            .update_record(inv, first.id, first.version, &wrong, "typo")
            .await,
        "amount",
        "no dose level",
    );
    let right = DosePeriod {
        regimen: regimen("lenalidomide", "10", "QD"),
        ..first.data.clone()
    };
    let corrected = f
        .store
        .update_record(
            inv,
            first.id,
            first.version,
            &right,
            "source: 10 mg from the start",
        )
        .await
        .expect("corrected");
    assert_eq!(corrected.data.level.as_deref(), Some("10mg_daily"));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

/// The thalidomide cohort doses thalidomide on its own ladder; the paediatric review, which has
/// no dose levels, keeps lenalidomide as prescribed with no level.
async fn each_study_doses_its_own_drug(backend: Backend) {
    for (protocol, drug, amount, frequency, level) in [
        (
            include_str!("../../../../protocols/thalidomide-cohort.toml"),
            "thalidomide",
            "50",
            "QOD",
            Some("50mg_alternate_days"),
        ),
        (
            include_str!("../../../../protocols/pediatric-review.toml"),
            "lenalidomide",
            "2.5",
            "QD",
            None,
        ),
    ] {
        let f = fixture(backend).await;
        let study = f.store.study().await.expect("study");
        f.store
            .amend_protocol(&f.admin, study.version, protocol, "this study's protocol")
            .await
            .expect("amended");
        // A child, who received the drug, meets the paediatric review's criteria too.
        let mut candidate = store::testing::eligible_candidate();
        let mut data = subject_data("S01-S001");
        let subject = if level.is_none() {
            // A chart review: consent waived, enrolled from the index date by the screening.
            candidate.drug_received = Some(true);
            candidate.sle_diagnosis = Some(true);
            candidate.index_date = Some(days_ago(20));
            data.birth = store::BirthOrAge::BirthDate(jiff::civil::date(2012, 3, 1));
            data.consent_date = None;
            data.screening_date = days_ago(5);
            let (subject, _) = f
                .store
                .screen(&f.investigator, &data, &candidate)
                .await
                .expect("reviewed");
            assert_eq!(subject.data.enrolment_date, Some(days_ago(20)));
            subject.id
        } else {
            f.enrol_as(&data, &candidate, days_ago(20)).await.id
        };
        f.store
            .change_dose(
                &f.investigator,
                &change(subject, 20, drug, amount, frequency),
            )
            .await
            .expect("dose");
        assert_eq!(
            periods(&f, subject).await,
            [(level.map(str::to_owned), 20, None)],
            "{drug}"
        );
        refused(
            f.store
                .change_dose(
                    &f.investigator,
                    &change(subject, 10, "prednisone", "10", "QD"),
                )
                .await,
            "drug",
            "record it as a concomitant medication",
        );
    }
}
