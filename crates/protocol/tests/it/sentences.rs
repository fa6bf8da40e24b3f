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
        "Severe systemic lupus flare requiring alternative treatment: SLEDAI-2K severe flare on 2010-02-01",
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
        "Peripheral sensory neuropathy CTCAE grade 2 or worse: peripheral_sensory_neuropathy grade 2 on 2010-02-01",
    );
    // A mild flare does not stop treatment; it is flagged.
    check(
        "nct01408199",
        json!({"sledai": [{"date": "2010-02-01", "score": 7}]}),
        "flare.mild",
        "SLEDAI-2K change meets the mild flare rule (ChangeScore)",
    );
}
