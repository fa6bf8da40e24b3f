//! The CLASI responder section on a hand-made record, on both sides of the minimum baseline and
//! of the 50% and 70% falls, with a missing visit kept missing.

use analysis::report::{Builder, Report, Settings};
use analysis::snapshot::{Measure, Source, SubjectSnapshot, VisitPoint};
use protocol::Protocol;

const TRIAL: &str = include_str!("../../../../protocols/nct01408199.toml");
const OUTCOMES: &str = include_str!("../../../../examples/protocol/outcomes.toml");

/// The lenalidomide protocol with `[outcomes]` appended (minimum baseline 10).
fn with_outcomes() -> Protocol {
    Protocol::from_toml(&format!("{TRIAL}\n{OUTCOMES}")).expect("the test study loads")
}

/// A subject with a baseline CLASI-A and CLASI-A at weeks 4 and 12 (`None`: not done).
fn subject(
    id: &str,
    baseline: Measure,
    week4: Option<f64>,
    week12: Option<f64>,
) -> SubjectSnapshot {
    let visit = |day: i64, value: Option<f64>| VisitPoint {
        name: analysis::snapshot::Name::lasting("visit"),
        day,
        activity: value.map_or(Measure::NotDone, Measure::Value),
        damage: Measure::Value(0.0),
    };
    SubjectSnapshot {
        id: id.to_owned(),
        sex: None,
        age_years: None,
        subtype: None,
        enrolment_date: None,
        start_date: None,
        baseline_activity: baseline,
        baseline_damage: Measure::Value(0.0),
        visits: vec![visit(28, week4), visit(84, week12)],
        doses: Vec::new(),
        adverse_events: Vec::new(),
        labs: Vec::new(),
        medications: Vec::new(),
        nerve_studies: Vec::new(),
        decisions: Vec::new(),
        disposition: None,
        last_day: Some(84),
        reported: None,
    }
}

fn report(protocol: &Protocol, subjects: &[SubjectSnapshot]) -> (Report, String) {
    let builder = Builder::new(
        "S",
        "T",
        Source::Record,
        protocol.analysis(),
        None,
        Settings::default(),
        |_| Ok(Vec::new()),
    )
    .expect("builder");
    let mut builder = builder
        .with_responders(protocol.outcomes(), |_| Ok(Vec::new()))
        .expect("responders");
    for s in subjects {
        builder.add(s).expect("added");
    }
    let (report, inputs) = builder.finish().expect("report");
    let input = inputs
        .into_iter()
        .find(|(path, _)| path == "tables/input_responders.csv")
        .map(|(_, bytes)| String::from_utf8(bytes).expect("utf-8"))
        .expect("the responders' input file");
    (report, input)
}

#[test]
fn responders_are_counted_within_the_population_and_missing_stays_missing() {
    let subjects = [
        // In the population (baseline 10, the minimum): 5 is exactly 50%, 3 exactly 70%.
        subject("A", Measure::Value(10.0), Some(5.0), Some(3.0)),
        // 6 of 10 is a 40% fall: neither; week 12 4 is 60%: CLASI-50 only.
        subject("B", Measure::Value(10.0), Some(6.0), Some(4.0)),
        // 20 -> 11 is 45%; week 12 not done: missing, not a non-responder.
        subject("C", Measure::Value(20.0), Some(11.0), None),
        // Below the minimum (9): outside, with why.
        subject("D", Measure::Value(9.0), Some(0.0), Some(0.0)),
        // No baseline: outside.
        subject("E", Measure::NotDone, Some(2.0), Some(2.0)),
    ];
    let (report, input) = report(&with_outcomes(), &subjects);
    let r = report.responders.expect("a responders section");
    assert_eq!((r.min_baseline, r.population, r.outside_total), (10, 3, 2));
    let outside: Vec<(&str, &str)> = r
        .outside
        .iter()
        .map(|o| (o.subject.as_str(), o.why.as_str()))
        .collect();
    assert_eq!(
        outside,
        [
            ("D", "baseline CLASI-A 9 is below 10"),
            ("E", "no baseline CLASI-A (not done)")
        ]
    );
    let at = |id: &str| {
        r.visits
            .iter()
            .find(|v| v.visit == id)
            .unwrap_or_else(|| panic!("no visit {id}"))
    };
    // (assessed, missing, CLASI-50 n, CLASI-70 n, median % change)
    let check = |id: &str, expect: (usize, usize, usize, usize, f64)| {
        let v = at(id);
        let fifty = v.clasi_50.as_ref().expect("CLASI-50");
        let seventy = v.clasi_70.as_ref().expect("CLASI-70");
        assert_eq!(fifty.of, v.assessed);
        assert_eq!(fifty.method, "Clopper-Pearson exact interval");
        let median = v.percent_change.as_ref().expect("percent change").median;
        assert_eq!(
            (v.assessed, v.missing, fifty.n, seventy.n, median),
            expect,
            "{id}"
        );
    };
    check("week4", (3, 0, 1, 0, -45.0));
    check("week12", (2, 1, 2, 1, -65.0));
    // A visit with no CLASI-A of the population: nothing to rate, all missing.
    let week2 = at("week2");
    assert_eq!((week2.assessed, week2.missing), (0, 3));
    assert_eq!(week2.clasi_50, None);
    assert!(input.starts_with(
        "subject,visit,day,baseline,value,percent_change,clasi50,clasi70\nA,week4,28,10,5,-50,Y,N\nA,week12,84,10,3,-70,Y,Y\n"
    ));
    assert!(!input.contains("\nD,") && !input.contains("\nE,"));
}

/// The exact interval is R's `binom.test`: 1 of 3 gives 0.8403 to 90.57%.
#[test]
fn the_responder_rate_has_the_exact_interval() {
    let subjects = [
        subject("A", Measure::Value(10.0), Some(5.0), None),
        subject("B", Measure::Value(10.0), Some(6.0), None),
        subject("C", Measure::Value(20.0), Some(11.0), None),
    ];
    let (report, _) = report(&with_outcomes(), &subjects);
    let r = report.responders.expect("responders");
    let rate = r.visits[1].clasi_50.clone().expect("week 4");
    assert_eq!(r.visits[1].visit, "week4");
    // binom.test(1, 3)$conf.int: 0.008403759 0.905700675
    assert!((rate.ci_low_percent - 0.840_375_9).abs() < 1e-6, "{rate:?}");
    assert!(
        (rate.ci_high_percent - 90.570_067_5).abs() < 1e-6,
        "{rate:?}"
    );
}

/// The shipped protocols declare no `[outcomes]`: their reports have no responder section.
#[test]
fn a_study_without_outcomes_has_no_responder_section() {
    for (_, text) in protocol::shipped::SHIPPED {
        let protocol = Protocol::from_toml(text).expect("shipped protocol");
        assert!(protocol.file().outcomes.is_none());
        let (report, _) = analysis::report::build(
            &analysis::snapshot::Snapshot {
                study: "S".into(),
                title: "T".into(),
                source: Source::Record,
                subjects: vec![subject("A", Measure::Value(10.0), Some(5.0), None)],
            },
            protocol.analysis(),
            None,
            Settings::default(),
            |_| Ok(Vec::new()),
        )
        .expect("report");
        assert_eq!(report.responders, None);
    }
}
