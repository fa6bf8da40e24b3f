//! A retrospective chart review (the paediatric study): consent is waived, the criteria are
//! judged at the index date (the drug start), an eligible chart is enrolled from that date by
//! the screening itself, the chart's records predate the review, and a chart that does not
//! qualify can be removed.

use instruments::medication::Drug;
use store::{
    Backend, BirthOrAge, ConcomitantMedication, DailyDose, Disposition, DispositionStatus,
    DoseChange, DosePeriod, Entry, LabResult, NewDose, daily_dose,
};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(a_chart_review_enrols_at_the_index_date);

async fn a_chart_review_enrols_at_the_index_date(backend: Backend) {
    let f = fixture(backend).await;
    let inv = &f.investigator;
    // In the trial, an index date is refused: a prospective study screens today.
    let mut candidate = store::testing::eligible_candidate();
    candidate.index_date = Some(days_ago(400));
    refused(
        f.store
            .screen(inv, &subject_data("S01-P001"), &candidate)
            .await,
        "candidate.index_date",
        "only a retrospective review",
    );
    let study = f.store.study().await.expect("study");
    f.store
        .amend_protocol(
            &f.admin,
            study.version,
            include_str!("../../../../protocols/pediatric-review.toml"),
            "the paediatric chart review",
        )
        .await
        .expect("amended");
    let index = days_ago(400);
    let review = days_ago(10);
    // 15 at the drug start, 16 or 17 at the review.
    let birth = index
        .checked_sub(jiff::Span::new().years(15).days(30))
        .expect("birth");
    let chart = |code: &str, birth| store::SubjectData {
        birth: BirthOrAge::BirthDate(birth),
        screening_date: review,
        consent_date: None,
        ..subject_data(code)
    };
    let mut candidate = protocol::eligibility::Candidate {
        sle_diagnosis: Some(true),
        drug_received: Some(true),
        ..Default::default()
    };
    refused(
        f.store
            .screen(inv, &chart("S01-W01", birth), &candidate)
            .await,
        "candidate.index_date",
        "give that date",
    );
    candidate.index_date = Some(index);
    refused(
        f.store
            .screen(
                inv,
                &store::SubjectData {
                    consent_date: Some(review),
                    ..chart("S01-W01", birth)
                },
                &candidate,
            )
            .await,
        "consent_date",
        "consent is waived",
    );
    let (subject, result) = f
        .store
        .screen(inv, &chart("S01-W01", birth), &candidate)
        .await
        .expect("reviewed");
    assert_eq!(result.eligible, Some(true), "{result:?}");
    assert!(subject.consent_waived);
    assert_eq!(
        subject.data.enrolment_date,
        Some(index),
        "enrolled from the drug start"
    );
    refused(
        f.store
            .enrol(
                inv,
                &store::Enrolment {
                    subject_id: subject.id,
                    based_on: subject.version,
                    consent_date: review,
                    enrolment_date: index,
                    waiver: None,
                    reason: None,
                    factors: Vec::new(),
                },
            )
            .await,
        "enrolment_date",
        "a chart review enrols at screening",
    );
    // The chart's records: before the review, with no consent date.
    let six_months = index
        .checked_add(jiff::Span::new().months(6))
        .expect("date");
    for (on, value) in [(index, "29"), (six_months, "17")] {
        f.store
            .add_record(
                inv,
                &LabResult {
                    subject_id: subject.id,
                    visit_id: None,
                    collected_on: on,
                    test: "ESR".into(),
                    value: Entry::Value(store::Decimal::parse("value", value).expect("value")),
                    unit: "mm/h".into(),
                    lln: None,
                    uln: None,
                },
            )
            .await
            .expect("ESR from the chart");
    }
    f.store
        .change_dose(
            inv,
            &DoseChange {
                subject_id: subject.id,
                from: index,
                dose: NewDose::Regimen(
                    DosePeriod::regimen_named("lenalidomide", "5", "mg", "QD").expect("regimen"),
                ),
                until: Some(six_months),
            },
        )
        .await
        .expect("the drug as the chart gives it");
    let prednisone = ConcomitantMedication::drug_named("prednisone").expect("drug");
    for (mg, from, to) in [
        ("20", index, Some(six_months.yesterday().expect("date"))),
        ("10", six_months, None),
    ] {
        let dose = ConcomitantMedication::dose_named(mg, "mg", "QD", "oral").expect("dose");
        f.store
            .add_record(
                inv,
                &ConcomitantMedication {
                    subject_id: subject.id,
                    drug: prednisone,
                    verbatim: None,
                    amount: dose.amount,
                    frequency: dose.frequency,
                    route: dose.route,
                    indication: Some("SLE".into()),
                    start_date: Some(from),
                    end_date: to,
                    ongoing: to.is_none(),
                },
            )
            .await
            .expect("prednisone from the chart");
    }
    let conmeds: Vec<ConcomitantMedication> = f
        .store
        .records_of::<ConcomitantMedication>(subject.id)
        .await
        .expect("conmeds")
        .into_iter()
        .map(|stored| stored.data)
        .collect();
    assert_eq!(daily_dose(&conmeds, prednisone, index), DailyDose::Mg(20.0));
    assert_eq!(
        daily_dose(&conmeds, prednisone, six_months),
        DailyDose::Mg(10.0)
    );
    assert_eq!(
        daily_dose(&conmeds, Drug::find("methotrexate").expect("drug"), index),
        DailyDose::NoneRecorded
    );
    // The chart ends at its 6-month entry, before the review read it; not before its start.
    let completed = Disposition {
        subject_id: subject.id,
        status: DispositionStatus::Completed,
        disposition_date: index.yesterday().expect("date"),
        details: None,
    };
    refused(
        f.store.add_record(inv, &completed).await,
        "disposition_date",
        "before the chart's start",
    );
    f.store
        .add_record(
            inv,
            &Disposition {
                disposition_date: six_months,
                ..completed
            },
        )
        .await
        .expect("the chart completed before the review");
    // 19 at the drug start: screened, not enrolled, and the screening can be removed.
    let adult = index
        .checked_sub(jiff::Span::new().years(19))
        .expect("birth");
    let (failed, result) = f
        .store
        .screen(inv, &chart("S01-W02", adult), &candidate)
        .await
        .expect("reviewed");
    assert_eq!(result.eligible, Some(false));
    assert_eq!(failed.data.enrolment_date, None);
    refused(
        f.store
            .void(inv, subject.id, "subject", subject.id, 2, "wrong chart")
            .await,
        "kind",
        "stays in the record",
    );
    f.store
        .void(
            inv,
            failed.id,
            "subject",
            failed.id,
            failed.version,
            "chart does not qualify",
        )
        .await
        .expect("a failed screening is removed");
    assert!(f.store.subject_by_code("S01-W02").await.is_err());
    // The dashboard counts a waived consent with the consented.
    let counts = f.store.site_counts().await.expect("counts");
    let s01 = counts.iter().find(|c| c.site == "S01").expect("S01");
    assert_eq!((s01.screened, s01.consented, s01.enrolled), (1, 1, 1));
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}
