//! The sentence of each stopping rule names what met it: the event, the laboratory value with
//! its grade, the flare, the adverse event with its grade, each with its date.

use serde_json::{Value, json};

use crate::support::{date, shipped};

#[track_caller]
fn check(protocol: &str, records: Value, expect_id: &str, expect_text: &str) {
    let protocol = shipped(protocol);
    let mut history = json!({
        "start_date": "2010-01-04",
        "clasi": [{"date": "2010-01-04", "activity": 12}],
        "sledai": [{"date": "2010-01-04", "score": 2}],
        "doses": [{"from": "2010-01-04", "level": "5mg_daily"}],
    });
    if protocol.id() != "NCT01408199" {
        history["doses"] = json!([{"from": "2010-01-04", "level": "100mg_daily"}]);
    }
    for (key, list) in records.as_object().expect("records by list") {
        let mut all = history[key].as_array().cloned().unwrap_or_default();
        all.extend(list.as_array().expect("a list").iter().cloned());
        history[key] = Value::Array(all);
    }
    let history = serde_json::from_value(history).expect("valid history");
    let decision = protocol::decide(&protocol, &history, date("2010-03-01")).expect("decides");
    let rule = decision
        .rules
        .iter()
        .find(|rule| rule.id == expect_id)
        .unwrap_or_else(|| panic!("{expect_id} did not fire: {:?}", decision.rules));
    assert_eq!(rule.text, expect_text);
}

#[test]
fn each_stop_names_what_met_it() {
    check(
        "nct01408199",
        json!({"sledai": [{"date": "2010-02-01", "score": 20}]}),
        "stop.severe_flare",
        "Severe systemic lupus flare requiring alternative treatment: SLEDAI-2K 2 on 2010-01-04 -> 20 on 2010-02-01 (+18) against the previous score (a choice of this protocol: the paper defines a flare as a change in SLEDAI-2K without saying from what; the previous score is used, as SELENA does): a severe flare (the paper's change rule: mild is a rise above 3, severe above 12)",
    );
    check(
        "nct01408199",
        json!({"labs": [{"date": "2010-02-01", "test": "platelets", "value": 40000, "unit": "/mm3"}]}),
        "stop.myelosuppression",
        "Common toxicity criteria grade 3 myelosuppression: platelets 40000 /mm3 on 2010-02-01 is CTCAE grade 3",
    );
    check(
        "nct01408199",
        json!({"events": [{"date": "2010-02-01", "type": "pregnancy"}]}),
        "stop.pregnancy",
        "Pregnancy: pregnancy on 2010-02-01",
    );
    check(
        "thalidomide-cohort",
        json!({"events": [{"date": "2010-02-01", "type": "adverse_event", "grade": 2, "term": "peripheral_sensory_neuropathy"}]}),
        "stop.neuropathy",
        "Peripheral sensory neuropathy CTCAE grade 2 or worse: Peripheral sensory neuropathy grade 2 on 2010-02-01",
    );
    // The term as the AE form prints it fires the same stop.
    check(
        "thalidomide-cohort",
        json!({"events": [{"date": "2010-02-01", "type": "adverse_event", "grade": 2, "term": "Peripheral sensory neuropathy"}]}),
        "stop.neuropathy",
        "Peripheral sensory neuropathy CTCAE grade 2 or worse: Peripheral sensory neuropathy grade 2 on 2010-02-01",
    );
}

/// A SLEDAI-2K after the start is explained with its values, its reference (a protocol
/// choice, with the protocol's reason) and what the rule makes of it, flare or not.
#[test]
fn each_sledai_says_its_change_and_what_it_means() {
    const PREVIOUS: &str = "against the previous score (a choice of this protocol: the paper defines a flare as a change in SLEDAI-2K without saying from what; the previous score is used, as SELENA does)";
    // A mild flare does not stop treatment; it is flagged.
    check(
        "nct01408199",
        json!({"sledai": [{"date": "2010-02-01", "score": 7}]}),
        "flare.mild",
        &format!(
            "SLEDAI-2K 2 on 2010-01-04 -> 7 on 2010-02-01 (+5) {PREVIOUS}: a mild flare (the paper's change rule: mild is a rise above 3, severe above 12)"
        ),
    );
    // Checked, no flare: said so, with the threshold.
    check(
        "nct01408199",
        json!({"sledai": [{"date": "2010-02-01", "score": 5}]}),
        "flare.none",
        &format!(
            "SLEDAI-2K 2 on 2010-01-04 -> 5 on 2010-02-01 (+3) {PREVIOUS}: no flare (the paper's change rule: mild needs a rise above 3)"
        ),
    );
    // Against the previous score, not the baseline.
    check(
        "nct01408199",
        json!({"sledai": [{"date": "2010-02-01", "score": 7}, {"date": "2010-03-01", "score": 8}]}),
        "flare.none",
        &format!(
            "SLEDAI-2K 7 on 2010-02-01 -> 8 on 2010-03-01 (+1) {PREVIOUS}: no flare (the paper's change rule: mild needs a rise above 3)"
        ),
    );
}

/// The week-4 assessment says when a CLASI counts and why (the window is a protocol
/// choice: late but not early).
#[test]
fn waits_say_when_an_assessment_counts_and_why() {
    check(
        "nct01408199",
        json!({}),
        "week4.missing_clasi",
        "the week-4 decision needs a CLASI activity from 2010-02-01 on; none recorded (not before the due date: the paper starts at 5 mg/day 'for 4 weeks' and tapers 'progressively monthly', so an assessment may be late but not early)",
    );
}

/// A dose in a rule's sentence is the level as the protocol names it, never its id.
#[test]
fn doses_are_named_as_the_protocol_names_them() {
    check(
        "nct01408199",
        json!({"clasi": [{"date": "2010-02-01", "activity": 6}]}),
        "week4.improvement",
        "CLASI activity 6 on 2010-02-01 vs baseline 12: clinical improvement at week 4 (a choice of this protocol: the paper's 'no response' is 'no improvement or worsening', so any decrease counts as improvement); stay at lenalidomide 5 mg once daily",
    );
    check(
        "thalidomide-cohort",
        json!({"clasi": [{"date": "2010-02-01", "activity": 6}]}),
        "week4.improvement",
        "CLASI activity 6 on 2010-02-01 vs baseline 12: clinical improvement at week 4; stay at thalidomide 100 mg once daily",
    );
}
