//! A decision depends on the records, never on their order: shuffling every list of a
//! history, and repeating records, gives the same decision (duplicates are only counted).

use proptest::prelude::*;
use std::sync::LazyLock;

use protocol::{History, Protocol};
use serde_json::Value;

use crate::support::{date, shipped, tests_dir, variant};

type Case = (Protocol, History, String);

/// The protocol, history and date of every scenario, read once.
fn cases() -> &'static [Case] {
    static CASES: LazyLock<Vec<Case>> = LazyLock::new(read_cases);
    &CASES
}

fn read_cases() -> Vec<Case> {
    let dir = tests_dir().join("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios")
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let scenario: Value =
                serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
            let name = scenario["protocol"].as_str()?;
            let protocol = match scenario.get("settings").and_then(Value::as_object) {
                Some(settings) => variant(name, settings),
                None => shipped(name),
            };
            let history = serde_json::from_value(scenario["history"].clone()).ok()?;
            Some((protocol, history, scenario["as_of"].as_str()?.to_owned()))
        })
        .collect()
}

/// Fisher-Yates driven by a small linear congruential generator, so proptest's seed decides.
fn shuffle<T>(list: &mut [T], seed: &mut u64) {
    for i in (1..list.len()).rev() {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from((*seed >> 33) % (i as u64 + 1)).expect("small");
        list.swap(i, j);
    }
}

fn repeat_first<T: Clone>(list: &mut Vec<T>, wanted: bool) -> usize {
    match list.first() {
        Some(first) if wanted => {
            list.push(first.clone());
            1
        }
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn shuffled_and_repeated_records_give_the_same_decision(
        pick in any::<prop::sample::Index>(),
        mut seed in any::<u64>(),
        repeats in prop::array::uniform5(any::<bool>()),
    ) {
        let cases = cases();
        let (protocol, history, as_of) = &cases[pick.index(cases.len())];
        let as_of = date(as_of);
        let original = protocol::decide(protocol, history, as_of).expect("scenario decides");
        let mut mixed = history.clone();
        let mut added = 0;
        added += repeat_first(&mut mixed.clasi, repeats[0]);
        added += repeat_first(&mut mixed.sledai, repeats[1]);
        added += repeat_first(&mut mixed.labs, repeats[2]);
        added += repeat_first(&mut mixed.doses, repeats[3]);
        added += repeat_first(&mut mixed.events, repeats[4]);
        shuffle(&mut mixed.clasi, &mut seed);
        shuffle(&mut mixed.sledai, &mut seed);
        shuffle(&mut mixed.labs, &mut seed);
        shuffle(&mut mixed.doses, &mut seed);
        shuffle(&mut mixed.events, &mut seed);
        let mut again = protocol::decide(protocol, &mixed, as_of).expect("still decides");
        prop_assert_eq!(again.duplicates_removed, original.duplicates_removed + added);
        again.duplicates_removed = original.duplicates_removed;
        prop_assert_eq!(again, original);
    }
}

#[test]
fn the_order_property_covers_many_scenarios() {
    assert!(cases().len() >= 60, "{}", cases().len());
}

const LEVELS: [&str; 6] = [
    "10mg_daily",
    "5mg_daily",
    "5mg_alternate_days",
    "5mg_3x_weekly",
    "5mg_2x_weekly",
    "off",
];
const EVENTS: [&str; 6] = [
    "pregnancy",
    "consent_withdrawn",
    "physician_decision",
    "life_threatening",
    "adverse_event",
    "concomitant_change",
];

/// A random but valid history: records on distinct days (same-day contradictions are errors
/// by design), any levels, scores, counts and events.
fn random_history() -> impl Strategy<Value = (Value, i64)> {
    let days = |n| prop::collection::btree_set(-30i64..400, 0..n);
    (
        days(12),
        prop::collection::vec(0u8..=70, 12),
        days(8),
        prop::collection::vec(0usize..6, 8),
        days(6),
        prop::collection::vec(0u8..=30, 6),
        // Plausible counts of every test (/mm3): 0, or 1,000 and more (`LabTest::plausible`).
        prop::collection::vec((0i64..400, 0usize..3, prop_oneof![Just(0.0f64), 1000.0f64..300_000.0]), 0..8),
        prop::collection::vec((0i64..400, 0usize..6, 1u8..=5), 0..4),
        0i64..450,
    )
        .prop_map(|(clasi_days, scores, dose_days, levels, sledai_days, sledai, labs, events, as_of)| {
            let day = |offset: i64| date("2010-01-04").saturating_add(jiff::ToSpan::days(offset)).to_string();
            let clasi: Vec<Value> = clasi_days.iter().zip(&scores).map(|(d, a)| serde_json::json!({"date": day(*d), "activity": a})).collect();
            let doses: Vec<Value> = dose_days
                .iter()
                .map(|d| d.max(&0))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .zip(&levels)
                .map(|(d, level)| serde_json::json!({"from": day(*d), "level": LEVELS[*level]}))
                .collect();
            let sledai: Vec<Value> = sledai_days.iter().zip(&sledai).map(|(d, s)| serde_json::json!({"date": day(*d), "score": s})).collect();
            let tests = ["neutrophils", "leukocytes", "platelets"];
            let mut seen = std::collections::BTreeSet::new();
            let labs: Vec<Value> = labs
                .iter()
                .filter(|(d, test, _)| seen.insert((*d, *test)))
                .map(|(d, test, value)| serde_json::json!({"date": day(*d), "test": tests[*test], "value": value.round(), "unit": "/mm3"}))
                .collect();
            let events: Vec<Value> = events
                .iter()
                .map(|(d, kind, grade)| serde_json::json!({"date": day(*d), "type": EVENTS[*kind], "grade": grade}))
                .collect();
            let history = serde_json::json!({"start_date": "2010-01-04", "clasi": clasi, "doses": doses,
                "sledai": sledai, "labs": labs, "events": events});
            (history, as_of)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_valid_history_gets_a_decision_whatever_the_order((history, as_of) in random_history(), mut seed in any::<u64>()) {
        let protocol = shipped("nct01408199");
        let history: History = serde_json::from_value(history).expect("valid history");
        let as_of = date("2010-01-04").saturating_add(jiff::ToSpan::days(as_of));
        let decision = protocol::decide(&protocol, &history, as_of).expect("decides");
        prop_assert!(protocol.dose_level(&decision.dose).is_some());
        prop_assert!(!decision.rules.is_empty());
        let mut mixed = history.clone();
        shuffle(&mut mixed.clasi, &mut seed);
        shuffle(&mut mixed.doses, &mut seed);
        shuffle(&mut mixed.sledai, &mut seed);
        shuffle(&mut mixed.labs, &mut seed);
        shuffle(&mut mixed.events, &mut seed);
        prop_assert_eq!(protocol::decide(&protocol, &mixed, as_of).expect("decides"), decision);
    }
}
