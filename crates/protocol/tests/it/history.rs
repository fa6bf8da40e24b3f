//! Histories that cannot be used are rejected naming the JSON field; same-day contradictions
//! are reported, exact duplicates are not errors.

use protocol::History;
use serde_json::{Value, json};

use crate::support::{date, shipped};

#[track_caller]
fn check(history: Value, expect: &str) {
    let protocol = shipped("nct01408199");
    let outcome = serde_json::from_value::<History>(history.clone())
        .map_err(|error| error.to_string())
        .and_then(|history| {
            protocol::decide(&protocol, &history, date("2010-03-01"))
                .map_err(|error| error.to_string())
        });
    match outcome {
        Ok(decision) => assert_eq!("accepted", expect, "{history} -> {decision:?}"),
        Err(message) => assert!(
            message.contains(expect),
            "{history}: {message:?} lacks {expect:?}"
        ),
    }
}

fn with(key: &str, records: Value) -> Value {
    let mut history = json!({"start_date": "2010-01-04", "clasi": [{"date": "2010-01-04", "activity": 10}],
                             "doses": [{"from": "2010-01-04", "level": "5mg_daily"}]});
    history[key] = records;
    history
}

#[test]
fn values_out_of_range_cannot_be_read() {
    check(
        with("clasi", json!([{"date": "2010-02-01", "activity": 70}])),
        "accepted",
    );
    check(
        with("clasi", json!([{"date": "2010-02-01", "activity": 71}])),
        "CLASI activity must be 0 to 70, got 71",
    );
    check(
        with(
            "clasi",
            json!([{"date": "2010-02-01", "activity": 3, "damage": 57}]),
        ),
        "CLASI damage must be 0 to 56",
    );
    check(
        with("sledai", json!([{"date": "2010-02-01", "score": 105}])),
        "accepted",
    );
    check(
        with("sledai", json!([{"date": "2010-02-01", "score": 106}])),
        "SLEDAI-2K must be 0 to 105",
    );
}

#[test]
fn bad_records_name_their_field() {
    check(
        with(
            "doses",
            json!([{"from": "2010-01-04", "level": "15mg_daily"}]),
        ),
        "doses[0].level: unknown dose level '15mg_daily'",
    );
    check(
        with(
            "doses",
            json!([{"from": "2010-01-04", "to": "2010-01-01", "level": "5mg_daily"}]),
        ),
        "doses[0].to: 2010-01-01 is before from",
    );
    check(
        with(
            "events",
            json!([{"date": "2010-02-01", "type": "adverse_event"}]),
        ),
        "events[0].grade: required for an adverse_event",
    );
    check(
        with(
            "events",
            json!([{"date": "2010-02-01", "type": "adverse_event", "grade": 6}]),
        ),
        "events[0].grade: CTCAE grade must be 1 to 5",
    );
    check(
        with("events", json!([{"date": "2010-02-01", "type": "fall"}])),
        "unknown variant `fall`",
    );
    check(
        with(
            "labs",
            json!([{"date": "2010-02-01", "test": "neutrophils", "value": 1200, "unit": "g/dL"}]),
        ),
        "labs[0].unit: unit 'g/dL' does not fit",
    );
    check(
        with(
            "labs",
            json!([{"date": "2010-02-01", "test": "neutrophils", "value": -5, "unit": "/mm3"}]),
        ),
        "labs[0].value: value must be a finite number",
    );
    check(
        with("clasi", json!([{"date": "1850-02-01", "activity": 3}])),
        "clasi[0].date: 1850-02-01 is outside",
    );
}

#[test]
fn same_day_contradictions_are_reported_and_duplicates_are_not() {
    check(
        with(
            "clasi",
            json!([{"date": "2010-02-01", "activity": 3}, {"date": "2010-02-01", "activity": 3}]),
        ),
        "accepted",
    );
    check(
        with(
            "clasi",
            json!([{"date": "2010-02-01", "activity": 3}, {"date": "2010-02-01", "activity": 5}]),
        ),
        "clasi: two different records for 2010-02-01",
    );
    check(
        with(
            "labs",
            json!([{"date": "2010-02-01", "test": "platelets", "value": 150000, "unit": "/mm3"},
                            {"date": "2010-02-01", "test": "platelets", "value": 90000, "unit": "/mm3"}]),
        ),
        "labs: two different records for platelets on 2010-02-01",
    );
    check(
        with(
            "doses",
            json!([{"from": "2010-01-04", "level": "5mg_daily"}, {"from": "2010-01-04", "level": "10mg_daily"}]),
        ),
        "doses: two different records for a dose starting 2010-01-04",
    );
}
