//! The report of the published cohort against the numbers the paper prints, and the derivations on a
//! small hand-made record on both sides of each protocol threshold.

use analysis::derive::{BestResponse, Definitions, subject_row};
use analysis::published::Cohort;
use analysis::report::{Computed, Inputs, Report, ResultOut, Settings, build};
use analysis::snapshot::{
    DispositionEntry, DoseSpan, Measure, Snapshot, Source, SubjectSnapshot, VisitPoint,
};
use protocol::Protocol;
use protocol::endpoint::ResponseDefinitions;
use protocol::shipped::SHIPPED;

fn trial() -> Protocol {
    Protocol::from_toml(SHIPPED[0].1).expect("the shipped protocol loads")
}

/// The paper's definitions (protocols/nct01408199.toml, [treatment.response] and [treatment.toxicity]).
fn paper() -> Definitions {
    Definitions {
        response: ResponseDefinitions {
            complete_max_activity: 0.0,
            partial_min_improvement_percent: 50.0,
            partial_by_week: 12,
            relapse_min_activity: 4.0,
        },
        ae_min_grade: 2,
    }
}

/// The report and its input files in memory.
fn published_with(settings: Settings) -> (Report, Inputs<Vec<u8>>) {
    let cohort = Cohort::shipped().expect("shipped tables parse");
    build(
        &Snapshot::from_published(&cohort),
        trial().analysis(),
        Some(&paper()),
        settings,
        |_| Ok(Vec::new()),
    )
    .expect("report")
}

fn published() -> Report {
    published_with(Settings::default()).0
}

fn result<'a>(report: &'a Report, id: &str) -> &'a ResultOut {
    report
        .results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

fn proportion(report: &Report, id: &str) -> analysis::report::Rate {
    match &result(report, id).computed {
        Computed::Proportion(Some(rate)) => rate.clone(),
        other => panic!("{id}: {other:?}"),
    }
}

/// The paper's definitions are the shipped protocol's.
#[test]
fn the_paper_definitions_are_the_protocols() {
    let protocol = trial();
    assert_eq!(
        Definitions::from_protocol(protocol.algorithm().expect("algorithm")),
        paper()
    );
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
    assert_eq!((report.flow.screened, report.flow.treated), (15, 15));
    // "One patient discontinued treatment due to side effects": the tables give no reason.
    assert_eq!(
        report.flow.withdrawn,
        [("Withdrawn, reason not recorded".to_owned(), 1)]
    );
    assert_eq!(report.flow.ongoing, 14);
    assert_eq!(report.baseline.female.n, 15);
    let activity = report.baseline.clasi_activity.as_ref().expect("activity");
    close(activity.mean, 10.93, 2); // Table 1: 10.93 +- 5.91
    close(activity.sd.expect("sd"), 5.91, 2);
    let damage = report.baseline.clasi_damage.as_ref().expect("damage");
    close(damage.mean, 2.33, 2);
    close(damage.sd.expect("sd"), 2.97, 2);
    // "12 (86%) achieved a CR" of the 14 who stayed on treatment.
    let cr = proportion(&report, "complete_response");
    assert_eq!((cr.n, cr.of), (12, 14));
    close(cr.percent, 86.0, 0);
    // Clopper-Pearson 95% for 12/14, as R binom.test(12, 14): 0.5719 - 0.9822.
    close(cr.ci_low_percent, 57.19, 2);
    close(cr.ci_high_percent, 98.22, 2);
    // "nine (75%) relapsed" of the twelve in CR.
    let relapse = proportion(&report, "relapse");
    assert_eq!((relapse.n, relapse.of), (9, 12));
    close(relapse.percent, 75.0, 0);
    // Intention to treat: 12 of 15.
    let all = proportion(&report, "complete_response_all");
    assert_eq!((all.n, all.of), (12, 15));
    // Two partial responses, one withdrawal.
    let Computed::Counts(counts) = &result(&report, "best_response").computed else {
        panic!("counts");
    };
    let count = |r: BestResponse| {
        counts
            .categories
            .iter()
            .find(|c| c.category == r.words())
            .map(|c| c.n)
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
    let curve = |id: &str| match &result(&report, id).computed {
        Computed::KaplanMeier(s) => s.curves[0].clone(),
        other => panic!("{id}: {other:?}"),
    };
    let ttcr = curve("time_to_cr");
    assert!(ttcr.estimated, "{ttcr:?}");
    assert_eq!((ttcr.n, ttcr.events), (14, 12));
    assert_eq!(
        result(&report, "time_to_cr").note,
        "Not counted: 1 whose time or status the source does not give."
    );
    // Relapse dates and adverse-event dates are not published.
    assert!(!curve("relapse_free").estimated);
    assert!(!curve("time_to_ae").estimated);
    // Table 2 median time to CR for DLE + SCLE is 4 weeks (README note 3).
    let Computed::Describe(by_subtype) = &result(&report, "time_to_cr_by_subtype").computed else {
        panic!("describe");
    };
    let dle = by_subtype
        .rows
        .iter()
        .find(|r| r.group == "DLE")
        .expect("DLE");
    assert_eq!(
        (dle.described.n, dle.described.min, dle.described.max),
        (6, 2.0, 12.0)
    );
}

/// Every shipped protocol's analysis runs on the published cohort: each declared result is
/// computed, and its input file is the one it names.
#[test]
fn every_shipped_analysis_builds() {
    let cohort = Cohort::shipped().expect("shipped tables parse");
    for (_, text) in SHIPPED {
        let protocol = Protocol::from_toml(text).expect("loads");
        let definitions = protocol.algorithm().map(Definitions::from_protocol);
        let (report, inputs) = build(
            &Snapshot::from_published(&cohort),
            protocol.analysis(),
            definitions.as_ref(),
            Settings::default(),
            |_| Ok(Vec::new()),
        )
        .expect("report");
        assert_eq!(report.results.len(), protocol.analysis().results.len());
        for (result, (path, rows)) in report.results.iter().zip(&inputs) {
            assert_eq!(&result.input, path);
            assert_eq!(path, &format!("tables/input_{}.csv", result.id));
            assert!(!rows.is_empty(), "{path} has its header at least");
        }
        let paths: Vec<&str> = inputs[report.results.len()..]
            .iter()
            .map(|(path, _)| path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "tables/input_baseline.csv",
                "tables/input_adverse_events.csv"
            ]
        );
    }
}

fn subject(id: &str, baseline: f64, visits: &[(i64, Measure)]) -> SubjectSnapshot {
    SubjectSnapshot {
        id: id.to_owned(),
        sex: None,
        age_years: None,
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
        medications: Vec::new(),
        nerve_studies: Vec::new(),
        decisions: Vec::new(),
        disposition: None,
        last_day: visits.iter().map(|v| v.0).max(),
        reported: None,
    }
}

#[track_caller]
fn check(visits: &[(i64, Measure)], expect: (BestResponse, Option<bool>)) {
    let row = subject_row(&subject("S1", 10.0, visits), Some(&paper()));
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
fn withdrawal_before_response() {
    let mut withdrawn = subject("S2", 8.0, &[(7, Measure::Value(8.0))]);
    withdrawn.disposition = Some(DispositionEntry {
        day: 7,
        status: "adverse_event".into(),
    });
    let row = subject_row(&withdrawn, Some(&paper()));
    assert_eq!(row.best_response, BestResponse::Withdrawn);
    assert_eq!(row.withdrawal_week, Some(1.0));
    assert_eq!(
        withdrawn.disposition.expect("ended").words(),
        "Adverse event"
    );
}

/// The dose at relapse is the regimen running when the relapse was found, not one started at
/// the relapse visit; a relapse after the drug was stopped is "off".
#[test]
fn dose_at_relapse_is_the_regimen_running_then() {
    let dose = |start_day, end_day, mg, per_week: f64, regimen: &str| DoseSpan {
        start_day,
        end_day,
        mg,
        per_week,
        regimen: regimen.into(),
    };
    #[track_caller]
    fn check(doses: Vec<DoseSpan>, expect: &str) {
        let mut s = subject(
            "S4",
            10.0,
            &[(28, Measure::Value(0.0)), (84, Measure::Value(6.0))],
        );
        s.doses = doses;
        let row = subject_row(&s, Some(&paper()));
        assert_eq!(row.dose_at_relapse.as_deref(), Some(expect));
    }
    // Tapered to alternate days at week 8; relapse at week 12, where 5 mg daily restarts.
    check(
        vec![
            dose(0, Some(55), 5.0, 7.0, "5 mg once daily"),
            dose(56, Some(83), 5.0, 3.5, "5 mg on alternate days"),
            dose(84, None, 5.0, 7.0, "5 mg once daily"),
        ],
        "5 mg on alternate days",
    );
    check(vec![dose(0, Some(55), 5.0, 7.0, "5 mg once daily")], "off");
    check(
        vec![dose(0, None, 5.0, 2.0, "5 mg twice weekly")],
        "5 mg twice weekly",
    );
}

/// Capping the listings leaves every statistic as it is and says what it left out.
#[test]
fn listings_are_capped_and_statistics_count_every_subject() {
    let full = published();
    #[track_caller]
    fn check(listed: usize, lanes: usize, expect_note: &str) {
        let (capped, capped_inputs) = published_with(Settings {
            listed_subjects: listed,
            swimmer_lanes: lanes,
            ..Settings::default()
        });
        let (full, full_inputs) = published_with(Settings::default());
        assert_eq!(capped.datasets.subjects.len(), listed.min(15));
        assert_eq!(capped.swimmer.len(), lanes.min(15));
        assert_eq!(capped.listing.note, expect_note);
        assert_eq!(capped.baseline, full.baseline);
        assert_eq!(capped.flow, full.flow);
        assert_eq!(capped.results, full.results);
        assert_eq!(capped_inputs, full_inputs);
        assert_eq!(capped.safety, full.safety);
    }
    assert_eq!(full.listing.note, "");
    check(15, 15, "");
    check(100, 60, "");
    check(
        14,
        15,
        "the listings show the first 14 of 15 subjects; every statistic and input file counts all 15 subjects",
    );
    check(
        15,
        14,
        "the swimmer plot shows the first 14 of 15 subjects; every statistic and input file counts all 15 subjects",
    );
    check(
        2,
        0,
        "the listings show the first 2 of 15 subjects; the swimmer plot shows the first 0 of 15 subjects; every statistic and input file counts all 15 subjects",
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
            age_years: None,
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
            medications: Vec::new(),
            nerve_studies: Vec::new(),
            decisions: Vec::new(),
            disposition: None,
            last_day: Some(28),
            reported: None,
        };
        let protocol = trial();
        let mut builder = analysis::report::Builder::new(
            "S",
            "T",
            Source::Record,
            protocol.analysis(),
            Some(&paper()),
            Settings::default(),
            |_| Ok(std::io::sink()),
        )
        .expect("builder");
        for i in 0..subjects {
            let mut s = subject.clone();
            s.visits[0].activity = Measure::Value(if i % 2 == 0 { 0.0 } else { 5.0 });
            builder.add(&s).expect("added");
        }
        let (report, _) = builder.finish().expect("report");
        let rate = proportion(&report, "complete_response_all");
        assert_eq!((rate.n, rate.of), (subjects.div_ceil(2), subjects));
        assert_eq!(rate.method, method);
        assert!(rate.ci_low_percent < rate.percent && rate.percent < rate.ci_high_percent);
    }
    check(49_999, "Clopper-Pearson exact interval");
    check(50_000, "Wilson score interval");
}

/// An input file that cannot be written stops the report, naming the file.
#[test]
fn an_input_file_that_cannot_be_written_is_named() {
    let cohort = Cohort::shipped().expect("shipped tables parse");
    let refused = build(
        &Snapshot::from_published(&cohort),
        trial().analysis(),
        Some(&paper()),
        Settings::default(),
        |path| match path {
            "tables/input_relapse.csv" => Err(std::io::Error::other("disk full")),
            _ => Ok(Vec::new()),
        },
    )
    .expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "cannot write tables/input_relapse.csv: disk full"
    );
}

/// A protocol without `[analysis]` gets the participant flow, the baseline (sex, age, subtype) and
/// the adverse events, and no result.
#[test]
fn without_analysis_the_report_is_flow_baseline_and_safety() {
    let text = SHIPPED[0].1;
    let without = &text[..text
        .find("\n[analysis]")
        .expect("the trial declares its analysis")];
    let protocol = Protocol::from_toml(without).expect("loads without [analysis]");
    let cohort = Cohort::shipped().expect("shipped tables parse");
    let (report, inputs) = build(
        &Snapshot::from_published(&cohort),
        protocol.analysis(),
        Some(&paper()),
        Settings::default(),
        |_| Ok(Vec::new()),
    )
    .expect("report");
    let kinds: Vec<_> = report.analysis.displays.iter().map(|d| d.kind).collect();
    use protocol::analysis::DisplayKind::{Baseline, Flow, Safety};
    assert_eq!(kinds, [Flow, Baseline, Safety]);
    assert!(report.results.is_empty());
    assert_eq!(report.flow.enrolled, 15);
    assert_eq!(inputs.len(), 2, "the baseline and adverse-event inputs");
}
