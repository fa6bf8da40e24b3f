//! Data-driven decision scenarios: one JSON file per scenario in `tests/scenarios/`.
//!
//! A scenario names a shipped protocol (optionally with `settings` changed), a history, an
//! `as_of` date and the expected decision. Only the keys listed in `expect` are compared with
//! the decision's JSON (a key the decision lacks fails: `null` must be the decision's value),
//! plus `rules_include` (rule ids that must fire) and `missing_count`.

use std::path::Path;

use protocol::{Decision, History};
use serde::Deserialize;
use serde_json::{Map, Value};
use words::Language;

use crate::support::{date, shipped, tests_dir, variant};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    protocol: String,
    #[serde(default)]
    settings: Map<String, Value>,
    as_of: String,
    history: History,
    expect: Map<String, Value>,
    #[serde(default)]
    rules_include: Vec<String>,
    #[serde(default)]
    missing_count: Option<usize>,
}

/// Runs one scenario file; returns what differed (empty when it passes).
fn run(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("scenario readable");
    let scenario: Scenario = match serde_json::from_str(&text) {
        Ok(scenario) => scenario,
        Err(error) => return vec![format!("does not parse: {error}")],
    };
    let protocol = if scenario.settings.is_empty() {
        shipped(&scenario.protocol)
    } else {
        variant(&scenario.protocol, &scenario.settings)
    };
    let decision = match protocol::decide(&protocol, &scenario.history, date(&scenario.as_of)) {
        Ok(decision) => decision,
        Err(error) => return vec![format!("decide failed: {error}")],
    };
    let got = serde_json::to_value(&decision).expect("decision serialises");
    let mut problems = compare(&scenario.expect, &got);
    match protocol::decide_in(
        &protocol,
        &scenario.history,
        date(&scenario.as_of),
        Language::Spanish,
    ) {
        Ok(spanish) => problems.extend(said_again(&decision, &spanish)),
        Err(error) => problems.push(format!("decide in Spanish failed: {error}")),
    }
    let fired: Vec<&str> = decision.rules.iter().map(|rule| rule.id.as_str()).collect();
    for id in &scenario.rules_include {
        if !fired.contains(&id.as_str()) {
            problems.push(format!("rule {id} did not fire; fired: {fired:?}"));
        }
    }
    if let Some(count) = scenario.missing_count
        && decision.missing.len() != count
    {
        problems.push(format!(
            "missing: expected {count} items, got {:?}",
            decision.missing
        ));
    }
    if !problems.is_empty() {
        problems.insert(0, scenario.description.clone());
        problems.push(format!(
            "decision: {}",
            serde_json::to_string_pretty(&got).unwrap_or_default()
        ));
    }
    problems
}

/// What differs between a decision and the same decision said in another language: only the
/// sentences may, and each must, with every message found in the catalogue.
fn said_again(english: &Decision, other: &Decision) -> Vec<String> {
    let sentences = |decision: &Decision| -> Vec<String> {
        let rules = decision.rules.iter().map(|rule| rule.text.clone());
        let findings = decision.toxicity.iter().flat_map(|t| t.findings.clone());
        rules
            .chain(findings)
            .chain(decision.deviations.clone())
            .chain(decision.missing.clone())
            .collect()
    };
    let mut without = other.clone();
    for (rule, english) in without.rules.iter_mut().zip(&english.rules) {
        rule.text.clone_from(&english.text);
    }
    if let (Some(toxicity), Some(english)) = (&mut without.toxicity, &english.toxicity) {
        toxicity.findings.clone_from(&english.findings);
    }
    without.deviations.clone_from(&english.deviations);
    without.missing.clone_from(&english.missing);
    let mut problems = Vec::new();
    if &without != english {
        problems.push("said in Spanish, the decision differs beyond its sentences".to_owned());
    }
    let (theirs, ours) = (sentences(other), sentences(english));
    for (said, english) in theirs.iter().zip(&ours) {
        if said == english
            || ["rule-", "event-kind-", "{$"]
                .iter()
                .any(|id| said.contains(id))
        {
            problems.push(format!(
                "not said in Spanish: {said:?} (English: {english:?})"
            ));
        }
    }
    problems
}

/// The decision's value for an `expect` key; `None` when the decision has no such key (a
/// misspelt key, or `toxicity_grade` when there is no toxicity), which is not a `null` value.
fn lookup<'a>(decision: &'a Value, key: &str) -> Option<&'a Value> {
    match key {
        "toxicity_grade" => decision.get("toxicity")?.get("grade"),
        _ => decision.get(key),
    }
}

/// What differs between the `expect` keys and the decision's JSON.
fn compare(expect: &Map<String, Value>, decision: &Value) -> Vec<String> {
    expect
        .iter()
        .filter_map(|(key, want)| match lookup(decision, key) {
            None => Some(format!(
                "{key}: expected {want}, but the decision has no {key}"
            )),
            Some(have) if have != want => Some(format!("{key}: expected {want}, got {have}")),
            Some(_) => None,
        })
        .collect()
}

#[test]
fn an_expected_key_the_decision_lacks_fails_and_null_is_a_value() {
    let decision = serde_json::json!({"action": "continue", "response": null, "toxicity": null});
    let expect =
        |text: &str| -> Map<String, Value> { serde_json::from_str(text).expect("expect object") };
    assert_eq!(
        compare(
            &expect(r#"{"action": "continue", "response": null}"#),
            &decision
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        compare(&expect(r#"{"actoin": "continue"}"#), &decision),
        ["actoin: expected \"continue\", but the decision has no actoin"]
    );
    assert_eq!(
        compare(&expect(r#"{"flare": null}"#), &decision),
        ["flare: expected null, but the decision has no flare"]
    );
    assert_eq!(
        compare(&expect(r#"{"toxicity_grade": null}"#), &decision),
        ["toxicity_grade: expected null, but the decision has no toxicity_grade"]
    );
    assert_eq!(
        compare(&expect(r#"{"response": "cr"}"#), &decision),
        ["response: expected \"cr\", got null"]
    );
}

#[test]
fn every_scenario_gives_its_expected_decision() {
    let dir = tests_dir().join("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 30,
        "expected the full scenario set, found {}",
        paths.len()
    );
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|path| {
            let problems = run(path);
            (!problems.is_empty())
                .then(|| format!("{}:\n  {}", path.display(), problems.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
