//! `FollowUp` carries the fold from visit to visit; `decide_following` replays the whole
//! record at each call. On every course they must give the same decision, and a verdict must
//! say what its decision says: random courses (records in date order, doses that follow the
//! engine or not, stops, flares, toxicity, deviations, records before the start) are decided
//! at every step both ways, under the shipped protocols and the settings the scenarios vary.

use jiff::ToSpan;
use proptest::prelude::*;
use serde_json::{Map, json};

use instruments::ctcae::{CtcaeTerm, LabTest, LabUnit, grade_lab};
use protocol::history::{
    ClasiActivity, ClasiRecord, EventKind, EventRecord, History, LabRecord, Patient, SledaiRecord,
    SledaiScore,
};
use protocol::{DecideError, Decision, FollowUp, Protocol, Verdict, decide_following};

use crate::support::{date, extension_section, randomised, shipped, variant};

/// The shipped protocols, and the nct01408199 settings the scenarios change.
fn protocols() -> Vec<Protocol> {
    let settings = [
        json!({}),
        json!({"treatment.maintenance.policy": "reinduce_then_hold"}),
        json!({"treatment.maintenance.policy": "none"}),
        json!({"treatment.flare.reference": "baseline", "treatment.flare.rule": "selena"}),
        json!({"treatment.no_response_at_deadline": "stop"}),
        json!({"treatment.response.improvement": "klein_4_points_or_20_percent"}),
        json!({"treatment.taper.hold_without_complete_response": false}),
    ];
    let mut protocols: Vec<Protocol> = settings
        .iter()
        .map(|setting| match setting.as_object() {
            Some(map) if !map.is_empty() => variant("nct01408199", map),
            _ => shipped("nct01408199"),
        })
        .collect();
    // An open-label extension every arm restarts in (no arm needed), and one the arms enter
    // differently (a follow-up has no arm: the physician decides from its first day).
    protocols.push(randomised(&extension_section(84, "restart", "restart")));
    protocols.push(randomised(&extension_section(84, "continue", "restart")));
    protocols.push(shipped("thalidomide-cohort"));
    protocols.push(variant(
        "thalidomide-cohort",
        &Map::from_iter([("treatment.maintenance.policy".to_owned(), json!("none"))]),
    ));
    protocols
}

/// What happens on one day of a random course.
#[derive(Clone, Debug)]
struct Day {
    /// Days after the day before (the first: after 30 days before the start).
    gap: i64,
    clasi: Option<u8>,
    sledai: Option<u8>,
    lab: Option<(usize, f64)>,
    event: Option<(usize, u8, usize)>,
    /// 0: no dose change; 1-3: give what the engine asks for; else a ladder position.
    dose: usize,
    /// Decide this many days after the day's records.
    later: i64,
}

/// The tests, each with a factor on the drawn count (/mm3) and a plausible LLN.
const TESTS: [(LabTest, f64, f64); 3] = [
    (LabTest::Neutrophils, 1.0, 1500.0),
    (LabTest::Leukocytes, 1.0, 1500.0),
    (LabTest::Platelets, 50.0, 150_000.0),
];
const TERMS: [Option<&str>; 3] = [
    None,
    Some("peripheral_sensory_neuropathy"),
    Some("insomnia"),
];

fn event_kind(pick: usize) -> EventKind {
    // Mostly adverse events: the other types stop treatment or are deviations.
    EventKind::ALL
        .get(pick)
        .copied()
        .unwrap_or(EventKind::AdverseEvent)
}

fn day() -> impl Strategy<Value = Day> {
    (
        1i64..40,
        prop::option::weighted(0.8, prop_oneof![Just(0u8), 1u8..4, 4u8..30]),
        prop::option::weighted(0.15, 0u8..20),
        prop::option::weighted(0.3, (0usize..3, prop_oneof![200.0..900.0, 900.0..6000.0])),
        prop::option::weighted(0.12, (0usize..20, 1u8..=5, 0usize..3)),
        prop_oneof![Just(0usize), 1usize..4, 0usize..12],
        prop_oneof![Just(0i64), 0i64..60],
    )
        .prop_map(|(gap, clasi, sledai, lab, event, dose, later)| Day {
            gap,
            clasi,
            sledai,
            lab,
            event,
            dose,
            later,
        })
}

/// The verdict says what the decision says.
#[track_caller]
fn check_agree(protocol: &Protocol, verdict: &Verdict<'_>, decision: &Decision) {
    let algorithm = protocol.algorithm().expect("an algorithm");
    let first_relapse = decision
        .relapses
        .first()
        .map(|r| (r.date, r.level.as_str()));
    let rule_ids: Vec<&str> = decision.rules.iter().map(|rule| rule.id.as_str()).collect();
    assert_eq!(
        (
            verdict.as_of,
            verdict.action,
            verdict.dose(),
            verdict.phase,
            verdict.response,
            verdict.relapse,
            verdict.flare,
            verdict.toxicity,
            verdict.deviation,
            verdict.physician_review,
            verdict.cycle,
        ),
        (
            decision.as_of,
            decision.action,
            decision.dose.as_str(),
            decision.phase,
            decision.response,
            decision.relapse,
            decision.flare,
            decision.toxicity.as_ref().map(|t| t.grade),
            decision.deviation,
            decision.physician_review,
            decision.cycle,
        )
    );
    assert_eq!(
        (
            verdict.first_complete_response,
            verdict.relapses,
            verdict
                .first_relapse
                .map(|(date, level)| (date, algorithm.level_id(level))),
            verdict.next_visit,
            verdict.next_lab,
            verdict.next_pregnancy_test,
            verdict.rule_ids().collect::<Vec<_>>(),
        ),
        (
            decision.first_complete_response,
            decision.relapses.len(),
            first_relapse,
            decision.next_visit,
            decision.next_lab,
            decision.next_pregnancy_test,
            rule_ids,
        )
    );
}

/// Runs a course through a follow-up, deciding after every day both ways; returns the ids of
/// the rules that fired.
fn run(protocol: &Protocol, days: &[Day], woman: bool) -> Result<Vec<String>, TestCaseError> {
    let start = date("2010-01-04");
    let patient = Patient {
        reproductive_potential: Some(woman),
        ..Patient::default()
    };
    let mut follow = FollowUp::new(protocol, start, patient).expect("a valid start");
    let mut today = start.saturating_sub(30.days());
    let mut fired = Vec::new();
    for day in days {
        today = today.saturating_add(day.gap.days());
        if let Some(score) = day.sledai {
            let score = SledaiScore::new(score).expect("in range");
            follow
                .add_sledai(SledaiRecord { date: today, score })
                .expect("in date order");
        }
        if let Some((test, value)) = day.lab {
            let (test, factor, lln) = TESTS[test];
            let lab = LabRecord {
                date: today,
                test,
                value: value * factor,
                unit: LabUnit::PerMm3,
                lln: Some(lln),
            };
            let grade = follow.add_lab(lab).expect("in date order");
            let graded = grade_lab(lab.test, lab.value, lab.unit, lab.lln).expect("valid");
            prop_assert_eq!(grade, graded);
        }
        if let Some((kind, grade, term)) = day.event {
            let kind = event_kind(kind);
            let adverse = kind == EventKind::AdverseEvent;
            let term: Option<CtcaeTerm> = TERMS[term]
                .filter(|_| adverse)
                .map(|id| id.parse().expect("a CTCAE term"));
            // A grade the term has (insomnia goes up to 3).
            let grade = term.map_or(grade, |term| grade.min(term.max_grade().number()));
            follow
                .add_event(EventRecord {
                    date: today,
                    kind,
                    grade: adverse.then_some(grade),
                    term,
                    note: None,
                })
                .expect("in date order");
        }
        if let Some(activity) = day.clasi {
            let activity = ClasiActivity::new(activity).expect("in range");
            follow
                .add_clasi(ClasiRecord {
                    date: today,
                    activity,
                    damage: None,
                })
                .expect("in date order");
        }
        if today < start {
            continue;
        }
        let as_of = today.saturating_add(day.later.days());
        let decision = follow.decision(as_of).expect("decides");
        let replayed = decide_following(protocol, follow.history(), as_of).expect("decides");
        prop_assert_eq!(&decision, &replayed);
        check_agree(
            protocol,
            &follow.verdict(as_of).expect("decides"),
            &decision,
        );
        fired.extend(decision.rules.into_iter().map(|rule| rule.id));
        let ladder = protocol.algorithm().expect("an algorithm").ladder.len();
        let level = match day.dose {
            0 => None,
            1..=3 => Some(follow.verdict(today).expect("decides").level),
            n => Some(n % ladder),
        };
        let current = follow
            .history()
            .doses
            .last()
            .map(|dose| dose.level.as_str());
        if let Some(level) = level.filter(|level| {
            Some(protocol.algorithm().expect("an algorithm").level_id(*level)) != current
        }) {
            follow.give(today, level).expect("in date order");
        }
    }
    Ok(fired)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn a_follow_up_decides_as_the_whole_record_replayed(
        pick in any::<prop::sample::Index>(),
        days in prop::collection::vec(day(), 1..40),
        woman in any::<bool>(),
    ) {
        let protocols = protocols();
        run(&protocols[pick.index(protocols.len())], &days, woman)?;
    }
}

fn clasi(text: &str, activity: u8) -> ClasiRecord {
    ClasiRecord {
        date: date(text),
        activity: ClasiActivity::new(activity).expect("in range"),
        damage: None,
    }
}

/// A follow-up with a baseline, the start dose, and a visit on 1 February.
fn started(protocol: &Protocol) -> FollowUp<'_> {
    let mut follow =
        FollowUp::new(protocol, date("2010-01-04"), Patient::default()).expect("valid");
    follow.add_clasi(clasi("2010-01-04", 12)).expect("baseline");
    follow.give(date("2010-01-04"), 1).expect("start dose");
    follow.add_clasi(clasi("2010-02-01", 8)).expect("visit");
    follow
}

type Change = fn(&mut FollowUp<'_>) -> Result<(), protocol::history::HistoryError>;

/// After the accepted `prepare`, `change` is refused, naming `field`, and changes nothing.
#[track_caller]
fn check_refused(prepare: Change, change: Change, field: &str, message: &str) {
    let protocol = shipped("nct01408199");
    let mut follow = started(&protocol);
    prepare(&mut follow).expect("accepted");
    let before: History = follow.history().clone();
    let error = change(&mut follow).expect_err("refused");
    assert_eq!(error.field, field, "{error}");
    assert!(error.message.contains(message), "{error}");
    assert_eq!(follow.history(), &before, "unchanged");
}

#[test]
fn records_out_of_date_order_or_contradicting_are_refused_and_change_nothing() {
    let none: Change = |_| Ok(());
    check_refused(
        none,
        |f| f.add_clasi(clasi("2010-01-20", 9)),
        "clasi[2]",
        "dated before the record ahead of it",
    );
    // A CLASI on the day of a dose change comes before it (the visit assesses, then the new
    // dose starts), as the full replay orders them.
    check_refused(
        |f| f.give(date("2010-03-01"), 2),
        |f| f.add_clasi(clasi("2010-03-01", 9)),
        "clasi[2].date",
        "2010-03-01 is not after the last dose change (2010-03-01)",
    );
    check_refused(
        none,
        |f| f.add_clasi(clasi("2010-02-01", 8)),
        "clasi[2]",
        "the same record as clasi[1]",
    );
    check_refused(
        none,
        |f| f.add_clasi(clasi("2010-02-01", 7)),
        "clasi",
        "two different records for 2010-02-01",
    );
    check_refused(
        none,
        |f| f.give(date("2010-01-31"), 2),
        "doses[1].from",
        "is before the last CLASI (2010-02-01)",
    );
    check_refused(
        none,
        |f| f.give(date("2010-02-01"), 9),
        "doses[1].level",
        "no dose level at ladder position 9; the ladder has 6",
    );
    check_refused(
        |f| f.give(date("2010-02-01"), 2),
        |f| f.give(date("2010-02-01"), 3),
        "doses",
        "two different records for a dose starting 2010-02-01",
    );
    check_refused(
        none,
        |f| {
            f.add_lab(lab("2010-02-01", LabTest::Neutrophils, -5.0))
                .map(drop)
        },
        "labs[0].value",
        "value must be a finite number of at least 0, got -5",
    );
    check_refused(
        |f| {
            f.add_lab(lab("2010-02-01", LabTest::Platelets, 90_000.0))
                .map(drop)
        },
        |f| {
            f.add_lab(lab("2010-02-01", LabTest::Neutrophils, 900.0))
                .map(drop)
        },
        "labs[1]",
        "dated before the record ahead of it",
    );
    check_refused(
        |f| {
            f.add_lab(lab("2010-02-01", LabTest::Platelets, 90_000.0))
                .map(drop)
        },
        |f| {
            f.add_lab(lab("2010-02-01", LabTest::Platelets, 80_000.0))
                .map(drop)
        },
        "labs",
        "two different records for platelets on 2010-02-01",
    );
    check_refused(
        none,
        |f| {
            f.add_event(EventRecord {
                date: date("2010-02-01"),
                kind: EventKind::AdverseEvent,
                grade: None,
                term: Some("insomnia".parse().expect("a CTCAE term")),
                note: None,
            })
        },
        "events[0].grade",
        "required for an adverse_event",
    );
    check_refused(
        none,
        |f| f.add_clasi(clasi("1899-12-31", 1)),
        "clasi[2].date",
        "outside 1900-01-01 to 2200-12-31",
    );
}

fn lab(text: &str, test: LabTest, value: f64) -> LabRecord {
    LabRecord {
        date: date(text),
        test,
        value,
        unit: LabUnit::PerMm3,
        lln: None,
    }
}

#[track_caller]
fn check_as_of(as_of: &str, expect: Result<(), DecideError>) {
    let protocol = shipped("nct01408199");
    let follow = started(&protocol);
    let as_of = date(as_of);
    assert_eq!(follow.verdict(as_of).map(|_| ()), expect.clone(), "{as_of}");
    assert_eq!(follow.decision(as_of).map(|_| ()), expect, "{as_of}");
}

#[test]
fn a_follow_up_decides_on_or_after_its_latest_record() {
    let latest = date("2010-02-01");
    check_as_of(
        "2010-01-03",
        Err(DecideError::AsOfBeforeStart {
            as_of: date("2010-01-03"),
            start: date("2010-01-04"),
        }),
    );
    check_as_of(
        "2010-01-31",
        Err(DecideError::AsOfBeforeRecord {
            as_of: date("2010-01-31"),
            latest,
        }),
    );
    check_as_of("2010-02-01", Ok(()));
    check_as_of("2011-02-01", Ok(()));
}

#[test]
fn random_courses_reach_the_rules_that_matter() {
    // The property above is only as good as the courses it draws: a fixed set of long courses
    // must reach relapses, maintenance, withdrawals and stops.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for protocol in protocols() {
        for _ in 0..40 {
            let days = prop::collection::vec(day(), 30..40)
                .new_tree(&mut runner)
                .expect("draws")
                .current();
            seen.extend(run(&protocol, &days, false).expect("agrees"));
        }
    }
    for rule in [
        "relapse.reintroduce",
        "maintenance.hold",
        "taper.step",
        "taper.withdraw",
        "off.observe",
        "week4.no_improvement",
        "week12.partial_response",
        "toxicity.flag",
        "deviation",
        "stop.myelosuppression",
        "stop.physician_decision",
        "stop.neuropathy",
    ] {
        assert!(seen.contains(rule), "{rule} never fired: {seen:?}");
    }
}
