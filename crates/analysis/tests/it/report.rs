//! The report of the published cohort against the numbers the paper prints, and the derivations on a
//! small hand-made record on both sides of each protocol threshold.

use analysis::derive::{BestResponse, Definitions, Endpoint, derive};
use analysis::published::Cohort;
use analysis::report::{Settings, build};
use analysis::snapshot::{
    DispositionEntry, DoseSpan, Measure, Snapshot, Source, SubjectSnapshot, VisitPoint,
};

/// The paper's definitions (protocols/nct01408199.toml, [treatment.response] and [treatment.toxicity]).
fn paper() -> Definitions {
    Definitions {
        complete_max_activity: 0.0,
        partial_min_improvement_percent: 50.0,
        partial_by_week: 12,
        relapse_min_activity: 4.0,
        ae_min_grade: 2,
    }
}

fn published() -> analysis::report::Report {
    let cohort = Cohort::shipped().expect("shipped tables parse");
    build(
        &Snapshot::from_published(&cohort),
        &paper(),
        Settings::default(),
    )
    .expect("report")
}

#[track_caller]
fn close(value: f64, expect: f64, decimals: i32) {
    let scale = 10f64.powi(decimals);
    assert_eq!(
        (value * scale).round() / scale,
        expect,
        "{value} rounds to {expect}?"
    );
}

#[test]
fn published_cohort_numbers_match_the_paper() {
    let report = published();
    assert_eq!(report.baseline.enrolled, 15);
    assert_eq!(report.baseline.female.n, 15);
    let activity = report.baseline.clasi_activity.as_ref().expect("activity");
    close(activity.mean, 10.93, 2); // Table 1: 10.93 +- 5.91
    close(activity.sd.expect("sd"), 5.91, 2);
    let damage = report.baseline.clasi_damage.as_ref().expect("damage");
    close(damage.mean, 2.33, 2);
    close(damage.sd.expect("sd"), 2.97, 2);
    // "12 (86%) achieved a CR" of the 14 who stayed on treatment.
    let cr = report.efficacy.cr_rate.as_ref().expect("cr rate");
    assert_eq!((cr.n, cr.of), (12, 14));
    close(cr.percent, 86.0, 0);
    // Clopper-Pearson 95% for 12/14, as R binom.test(12, 14): 0.5719 - 0.9822.
    close(cr.ci_low_percent, 57.19, 2);
    close(cr.ci_high_percent, 98.22, 2);
    // "nine (75%) relapsed" of the twelve in CR.
    let relapse = report.efficacy.relapse_rate.as_ref().expect("relapse rate");
    assert_eq!((relapse.n, relapse.of), (9, 12));
    close(relapse.percent, 75.0, 0);
    // Two partial responses, one withdrawal.
    let count = |r: BestResponse| {
        report
            .efficacy
            .responses
            .iter()
            .find(|(x, _)| *x == r)
            .map(|(_, c)| c.n)
    };
    assert_eq!(count(BestResponse::Partial), Some(2));
    assert_eq!(count(BestResponse::Withdrawn), Some(1));
    // Adverse events in 2 of 15 patients (13%).
    close(
        report.safety.patients_with_any.percent.expect("percent"),
        13.0,
        0,
    );
}

#[test]
fn published_time_to_event_is_estimated_only_where_the_tables_give_the_times() {
    let report = published();
    let curve = |e: Endpoint| {
        report
            .efficacy
            .curves
            .iter()
            .find(|c| c.endpoint == e)
            .expect("curve")
    };
    let ttcr = curve(Endpoint::TimeToCr);
    assert!(ttcr.estimated, "{ttcr:?}");
    assert_eq!(ttcr.excluded, vec!["P03".to_owned()]);
    assert_eq!((ttcr.n, ttcr.events), (15, 12));
    // Relapse dates and adverse-event dates are not published.
    assert!(!curve(Endpoint::RelapseFreeAfterCr).estimated);
    assert!(!curve(Endpoint::TimeToFirstAe).estimated);
    // Table 2 median time to CR for DLE + SCLE is 4 weeks (README note 3).
    let dle = report
        .efficacy
        .time_to_cr_by_subtype
        .iter()
        .find(|t| t.subtype == analysis::snapshot::SubtypeGroup::Dle)
        .expect("DLE");
    assert_eq!((dle.weeks.n, dle.weeks.min, dle.weeks.max), (6, 2.0, 12.0));
}

fn subject(id: &str, baseline: f64, visits: &[(i64, Measure)]) -> SubjectSnapshot {
    SubjectSnapshot {
        id: id.to_owned(),
        sex: None,
        subtype: None,
        enrolment_date: None,
        start_date: None,
        baseline_activity: Measure::Value(baseline),
        baseline_damage: Measure::Value(1.0),
        visits: visits
            .iter()
            .map(|(day, activity)| VisitPoint {
                name: format!("day {day}").into(),
                day: *day,
                activity: *activity,
                damage: Measure::NotDone,
            })
            .collect(),
        doses: vec![DoseSpan {
            start_day: 0,
            end_day: None,
            mg: 5.0,
            per_week: 7.0,
            regimen: "5 mg once daily".into(),
        }],
        adverse_events: Vec::new(),
        labs: Vec::new(),
        decisions: Vec::new(),
        disposition: None,
        last_day: visits.iter().map(|v| v.0).max(),
        reported: None,
    }
}

#[track_caller]
fn check(visits: &[(i64, Measure)], expect: (BestResponse, Option<bool>)) {
    let snapshot = Snapshot {
        study: "T".into(),
        title: "T".into(),
        source: Source::Record,
        subjects: vec![subject("S1", 10.0, visits)],
    };
    let row = &derive(&snapshot, &paper()).subjects[0];
    assert_eq!((row.best_response, row.relapse), expect, "{visits:?}");
}

#[test]
fn response_and_relapse_follow_the_protocol_thresholds() {
    use BestResponse::{Complete, NotEvaluable, Partial};
    use Measure::Value as V;
    // CR: activity 0 (not 1).
    check(&[(28, V(0.0))], (Complete, Some(false)));
    check(&[(28, V(1.0))], (Partial, None));
    // PR: >= 50% by week 12 (day 84), not 49%, not on day 85.
    check(&[(84, V(5.0))], (Partial, None));
    check(&[(84, V(5.1))], (BestResponse::NoResponse, None));
    check(&[(85, V(5.0))], (BestResponse::NoResponse, None));
    // Relapse: activity >= 4 after CR; 3 is not a relapse.
    check(&[(28, V(0.0)), (56, V(4.0))], (Complete, Some(true)));
    check(&[(28, V(0.0)), (56, V(3.0))], (Complete, Some(false)));
    // Missing is not zero: a not-done or unknown total is not a CR.
    check(
        &[(28, Measure::NotDone), (56, Measure::Unknown)],
        (NotEvaluable, None),
    );
}

#[test]
fn withdrawal_before_response_and_change_from_baseline() {
    let mut withdrawn = subject("S2", 8.0, &[(7, Measure::Value(8.0))]);
    withdrawn.disposition = Some(DispositionEntry {
        day: 7,
        status: "adverse_event".into(),
    });
    let snapshot = Snapshot {
        study: "T".into(),
        title: "T".into(),
        source: Source::Record,
        subjects: vec![withdrawn, subject("S3", 0.0, &[(14, Measure::Value(2.0))])],
    };
    let data = derive(&snapshot, &paper());
    assert_eq!(data.subjects[0].best_response, BestResponse::Withdrawn);
    assert_eq!(data.subjects[0].withdrawal_week, Some(1.0));
    assert_eq!(data.visits[0].activity_change, Some(0.0));
    assert_eq!(data.visits[0].activity_percent_change, Some(0.0));
    // A baseline of 0 has no percent change (undefined), but has a change.
    assert_eq!(data.visits[1].activity_change, Some(2.0));
    assert_eq!(data.visits[1].activity_percent_change, None);
}

/// Capping the listings leaves every statistic as it is and says what it left out.
#[test]
fn listings_are_capped_and_statistics_count_every_subject() {
    let full = published();
    #[track_caller]
    fn check(listed: usize, lanes: usize, expect_note: &str) {
        let cohort = Cohort::shipped().expect("shipped tables parse");
        let settings = Settings {
            listed_subjects: listed,
            swimmer_lanes: lanes,
            ..Settings::default()
        };
        let capped = build(&Snapshot::from_published(&cohort), &paper(), settings).expect("report");
        let full = published();
        assert_eq!(capped.datasets.subjects.len(), listed.min(15));
        assert_eq!(capped.swimmer.len(), lanes.min(15));
        assert_eq!(capped.listing.note, expect_note);
        assert_eq!(capped.baseline, full.baseline);
        assert_eq!(capped.efficacy.responses, full.efficacy.responses);
        assert_eq!(capped.efficacy.cr_rate, full.efficacy.cr_rate);
        assert_eq!(capped.figure2, full.figure2);
        assert_eq!(capped.safety, full.safety);
        for (c, f) in capped.efficacy.curves.iter().zip(&full.efficacy.curves) {
            assert_eq!((c.n, c.events, &c.steps), (f.n, f.events, &f.steps));
        }
    }
    assert_eq!(full.listing.note, "");
    check(15, 15, "");
    check(100, 60, "");
    check(
        14,
        15,
        "the derived datasets list the first 14 of 15 subjects; every statistic counts all 15 subjects",
    );
    check(
        15,
        14,
        "the swimmer plot shows the first 14 of 15 subjects; every statistic counts all 15 subjects",
    );
    check(
        2,
        0,
        "the derived datasets list the first 2 of 15 subjects; the swimmer plot shows the first 0 of 15 subjects; every statistic counts all 15 subjects",
    );
}

/// The complete-response rate keeps an interval at any size: exact up to 49,999 subjects, Wilson
/// above (where the exact interval is not computed), the method named either way.
#[test]
fn cr_rate_interval_exact_up_to_49999_then_wilson() {
    #[track_caller]
    fn check(subjects: usize, method: &str) {
        let subject = SubjectSnapshot {
            id: "S".into(),
            sex: None,
            subtype: None,
            enrolment_date: None,
            start_date: None,
            baseline_activity: Measure::Value(10.0),
            baseline_damage: Measure::Value(0.0),
            visits: vec![VisitPoint {
                name: "week 4".into(),
                day: 28,
                activity: Measure::NotDone,
                damage: Measure::Value(0.0),
            }],
            doses: Vec::new(),
            adverse_events: Vec::new(),
            labs: Vec::new(),
            decisions: Vec::new(),
            disposition: None,
            last_day: Some(28),
            reported: None,
        };
        let mut builder =
            analysis::report::Builder::new("S", "T", Source::Record, &paper(), Settings::default())
                .expect("builder");
        for i in 0..subjects {
            let mut s = subject.clone();
            s.visits[0].activity = Measure::Value(if i % 2 == 0 { 0.0 } else { 5.0 });
            builder.add(&s);
        }
        let report = builder.finish();
        let rate = report.efficacy.cr_rate.expect("a rate at any size");
        assert_eq!((rate.n, rate.of), (subjects.div_ceil(2), subjects));
        assert_eq!(rate.method, method);
        assert!(rate.ci_low_percent < rate.percent && rate.percent < rate.ci_high_percent);
    }
    check(49_999, "Clopper-Pearson exact interval");
    check(50_000, "Wilson score interval");
}
